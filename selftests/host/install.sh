#!/bin/bash
# make install / make uninstall into a DESTDIR, for two PREFIXes: the exact
# file list (CLI, man page, the shipped policies, the policy headers,
# drvhook.pc), modes, pkg-config answers from the installed drvhook.pc, a
# policy compiled from the installed headers alone, and an uninstall that
# leaves no file and no drvhook directory behind. Also install-dkms's tree.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
ver=$(sed -n 's/^VERSION := //p' "$repo/Makefile")
# the shipped policies: the Makefile's POLICIES
policies=$(make -s --no-print-directory -C "$repo" -f Makefile \
	-f <(echo 'print-policies: ; @echo $(POLICIES)') print-policies)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for prefix in /usr/local /usr; do
	d=$work/dest$(echo $prefix | tr / _)
	if make -s -C "$repo" install DESTDIR="$d" PREFIX="$prefix" >"$work/log" 2>&1; then
		ok "make install PREFIX=$prefix DESTDIR=..."
	else
		not_ok "make install PREFIX=$prefix DESTDIR=..."; sed 's/^/#   /' "$work/log" | tail
	fi
	want=$( {
		echo "$prefix/sbin/drvhook 755"
		echo "$prefix/share/man/man8/drvhook.8 644"
		echo "$prefix/share/man/man5/drvhook.conf.5 644"
		echo "$prefix/lib/systemd/system/drvhook.service 644"
		echo "$prefix/lib/systemd/system/drvhook@.service 644"
		echo "$prefix/lib/udev/rules.d/60-drvhook.rules 644"
		for p in $policies; do echo "$prefix/lib/drvhook/policies/$p.bpf.o 644"; done
		for h in drvhook.h drvhook/edu.h drvhook/vblk.h drvhook.bpf.h drvhook_compat.bpf.h \
			edu/edu.bpf.h vblk/vblk.bpf.h; do
			echo "$prefix/include/drvhook/$h 644"; done
		echo "$prefix/share/pkgconfig/drvhook.pc 644"
	} | sort)
	got=$(cd "$d" && find . ! -type d -printf '/%P %m\n' | sort)
	expect "PREFIX=$prefix: file list and modes ($(echo "$want" | wc -l) files)" "$want" "$got"
	expect "PREFIX=$prefix: installed drvhook is build/drvhook" \
		"$(sha256sum <"$repo/build/drvhook")" "$(sha256sum <"$d$prefix/sbin/drvhook")"
	"$d$prefix/sbin/drvhook" --version >"$work/v" 2>&1 &&
		grep -q "drvhook v$ver" "$work/v" && ok "PREFIX=$prefix: installed drvhook --version: v$ver" ||
		{ not_ok "PREFIX=$prefix: installed drvhook --version"; sed 's/^/#   /' "$work/v"; }
	expect "PREFIX=$prefix: the units run $prefix/sbin/drvhook config apply" \
		"ExecStart=$prefix/sbin/drvhook config apply
ExecReload=$prefix/sbin/drvhook config apply
ExecStart=$prefix/sbin/drvhook config apply dev %I" \
		"$(cat "$d$prefix/lib/systemd/system/drvhook.service" "$d$prefix/lib/systemd/system/drvhook@.service" | grep ^Exec)"
	[ -d "$d/etc/drvhook/policies.d" ] && ok "PREFIX=$prefix: /etc/drvhook/policies.d created" ||
		not_ok "PREFIX=$prefix: /etc/drvhook/policies.d created"
	grep -q '^\.TH DRVHOOK 8' "$d$prefix/share/man/man8/drvhook.8" &&
		ok "PREFIX=$prefix: man page is drvhook(8)" ||
		not_ok "PREFIX=$prefix: man page is drvhook(8)"
	pc="pkg-config --define-prefix"
	export PKG_CONFIG_PATH=$d$prefix/share/pkgconfig
	expect "PREFIX=$prefix: pkg-config --modversion drvhook" "$ver" "$($pc --modversion drvhook 2>&1)"
	expect "PREFIX=$prefix: policydir variable" "$prefix/lib/drvhook/policies" \
		"$(pkg-config --variable=policydir drvhook 2>&1)"
	cflags=$($pc --cflags drvhook 2>&1)
	expect_inc="-I$d$prefix/include/drvhook"
	case " $cflags " in *" $expect_inc "*" -target bpf "*|*" -target bpf "*" $expect_inc "*)
		ok "PREFIX=$prefix: cflags: -target bpf and the installed include dir" ;;
	*) not_ok "PREFIX=$prefix: cflags: -target bpf and the installed include dir"; echo "#   $cflags" ;;
	esac
	# a policy from the installed headers only (no -I into the repo)
	mkdir -p "$work/pol"
	cat >"$work/pol/p.bpf.c" <<'EOC'
#include <edu/edu.bpf.h>
EDU_REQUEST(p_request, req)
{
	return req->op == EDU_OP_PING && req->arg == 7 ? -EPERM : 0;
}
SEC(".struct_ops.link")
struct edu_ops p = { .request = (void *)p_request };
EOC
	if (cd "$work/pol" && clang $cflags -c p.bpf.c -o p.bpf.o) >"$work/log" 2>&1; then
		ok "PREFIX=$prefix: a policy compiles against the installed headers"
		secs=$(readelf -SW "$work/pol/p.bpf.o" | grep -oE 'struct_ops/request|fentry/edu_fb_request|\.struct_ops\.link|\.BTF\.ext' | sort -u | tr '\n' ' ')
		expect "PREFIX=$prefix: its object has both programs, the ops map and CO-RE info" \
			".BTF.ext .struct_ops.link fentry/edu_fb_request struct_ops/request " "$secs"
	else
		not_ok "PREFIX=$prefix: a policy compiles against the installed headers"
		sed 's/^/#   /' "$work/log" | tail
	fi
	mkdir -p "$work/pol"
	cat >"$work/pol/v.bpf.c" <<'EOC'
#include <vblk/vblk.bpf.h>
VBLK_REQUEST(v_request, req)
{
	return req->op == VBLK_OP_WRITE && req->sector < 2048 ? -EPERM : 0;
}
SEC(".struct_ops.link")
struct vblk_ops v = { .request = (void *)v_request };
EOC
	if (cd "$work/pol" && clang $cflags -c v.bpf.c -o v.bpf.o) >"$work/log" 2>&1; then
		secs=$(readelf -SW "$work/pol/v.bpf.o" | grep -oE 'struct_ops/request|fentry/vblk_fb_request|\.struct_ops\.link|\.BTF\.ext' | sort -u | tr '\n' ' ')
		expect "PREFIX=$prefix: a vblk policy compiles against the installed headers: both programs, the ops map, CO-RE info" \
			".BTF.ext .struct_ops.link fentry/vblk_fb_request struct_ops/request " "$secs"
	else
		not_ok "PREFIX=$prefix: a vblk policy compiles against the installed headers"
		sed 's/^/#   /' "$work/log" | tail
	fi
	rm -rf "$work/pol"
	unset PKG_CONFIG_PATH
	make -s -C "$repo" uninstall DESTDIR="$d" PREFIX="$prefix" >"$work/log" 2>&1 &&
		ok "make uninstall PREFIX=$prefix" || { not_ok "make uninstall PREFIX=$prefix"; sed 's/^/#   /' "$work/log"; }
	expect "PREFIX=$prefix: uninstall leaves no file" "" "$(cd "$d" && find . ! -type d)"
	expect "PREFIX=$prefix: uninstall leaves no drvhook directory" "" \
		"$(cd "$d" && find . -type d -name 'drvhook*')"
done

# install-dkms: the modules' sources (kmod/: the core, edu and vblk, the headers
# of include/ they use), as laid out in the tree, and a versioned dkms.conf
d=$work/dkms
make -s -C "$repo" install-dkms DESTDIR="$d" >"$work/log" 2>&1 && ok "make install-dkms" ||
	{ not_ok "make install-dkms"; sed 's/^/#   /' "$work/log"; }
src=$d/usr/src/drvhook-$ver
want=$( (cd "$repo" && git ls-files kmod include | grep -E '(\.[ch]|/Kbuild|/Makefile)$'
	echo kmod/dkms-build.sh
	echo dkms.conf) | sort)
expect "install-dkms: /usr/src/drvhook-$ver holds the modules' sources, dkms.conf and its build script" "$want" \
	"$(cd "$src" 2>/dev/null && find . -type f -printf '%P\n' | sort)"
expect "install-dkms: kmod/dkms-build.sh executable" yes "$([ -x "$src/kmod/dkms-build.sh" ] && echo yes)"
for f in kmod/Kbuild include/drvhook.h include/drvhook/edu.h include/drvhook/vblk.h; do
	if [ -f "$src/$f" ]; then ok "install-dkms: $f"; else not_ok "install-dkms: $f"; fi
done
for m in core edu vblk; do
	if [ -f "$src/kmod/$m/Kbuild" ] || [ -f "$src/kmod/$m/Makefile" ]; then
		ok "install-dkms: kmod/$m/ and its Kbuild"
	else
		not_ok "install-dkms: kmod/$m/ and its Kbuild"
	fi
done
expect "install-dkms: dkms.conf builds drvhook (kmod/core/), drvhook_edu (kmod/edu/), drvhook_vblk (kmod/vblk/)" \
	"drvhook kmod/core/ drvhook_edu kmod/edu/ drvhook_vblk kmod/vblk/" \
	"$(cd "$src" && bash -c '. ./dkms.conf 2>/dev/null; for i in "${!BUILT_MODULE_NAME[@]}"; do echo ${BUILT_MODULE_NAME[$i]} ${BUILT_MODULE_LOCATION[$i]}; done' | tr '\n' ' ' | sed 's/ $//')"
expect "install-dkms: dkms.conf names version $ver" "PACKAGE_VERSION=\"$ver\"" \
	"$(grep ^PACKAGE_VERSION= "$src/dkms.conf")"
make -s -C "$repo" uninstall DESTDIR="$d" >/dev/null 2>&1
expect "uninstall removes /usr/src/drvhook-$ver" "" "$(cd "$d" && find . ! -type d)"
echo "1..$n"
