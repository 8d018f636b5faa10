#!/bin/bash
# Debian packages: `dpkg-buildpackage -us -uc` of debian/ inside a throwaway
# overlay of a build root with the build dependencies (scripts/pkgroot.sh
# SUITE deb; SUITE: $DEB_SUITE, default trixie; bookworm's root has
# libbpf-dev 1.4 from bookworm-backports), then both debs installed with apt
# into a fresh overlay of the same release's root with dkms (a machine with
# that kernel's headers): the files land, drvhook-dkms's postinst built and
# installed the stub with DKMS, `drvhook feature probe` runs, and dpkg
# --purge removes it all, the configuration under /etc/drvhook included.
# lintian on both packages: no error (its warnings are listed).
# DEBS_OUT=DIR: the two debs are also copied there (selftests/system.sh
# boots a machine of the release with them; a drvhook built in trixie needs
# libc6 2.38 and cannot be installed on bookworm). ~25 s warm, so make check
# runs it too (trixie); DEB_TEST=0 skips it.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/overlay.bash"
S=$repo/scripts
suite=${DEB_SUITE:-trixie}
. "$repo/selftests/lib/tap.bash"
if [ "${DEB_TEST:-1}" != 1 ]; then
	echo "ok 1 - debian packages # SKIP DEB_TEST=0"
	echo "1..1"
	exit 0
fi
ver=$(sed -n 's/^VERSION := //p' "$repo/Makefile")
out=$(mktemp -d)
t=$(now)

# --- build ---
if ! broot=$("$S/pkgroot.sh" "$suite" deb 2>"$out/root.log") ||
	! droot=$("$S/pkgroot.sh" "$suite" dkms 2>>"$out/root.log"); then
	not_ok "$suite build roots for dpkg-buildpackage and dkms"
	sed 's/^/#   /' "$out/root.log" | tail
	echo "1..$n"; exit 1
fi
krel=$("$S/kernel.sh" path "$suite" release)
overlay_up "$broot"; b=$OV
src=/build/drvhook-$ver
mkdir -p "$b$src"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$b$src")
check "dpkg-buildpackage -us -uc (in the $suite root)" \
	in_root "$b" sh -c "cd $src && dpkg-buildpackage -us -uc"
debs=$(cd "$b/build" && ls ./*.deb 2>/dev/null | sed 's|^\./||' | sort | tr '\n' ' ')
expect "binary packages: drvhook, drvhook-dkms (and drvhook-dbgsym)" \
	"drvhook-dbgsym_${ver}_amd64.deb drvhook-dkms_${ver}_all.deb drvhook_${ver}_amd64.deb " "$debs"
cp "$b"/build/drvhook_*.deb "$b"/build/drvhook-dkms_*.deb "$out/" 2>/dev/null
[ -z "${DEBS_OUT:-}" ] || cp "$out"/*.deb "$DEBS_OUT/"
in_root "$b" sh -c "cd /build && lintian --fail-on error --tag-display-limit 0 drvhook_${ver}_amd64.deb drvhook-dkms_${ver}_all.deb" \
	>"$out/lintian" 2>&1
lrc=$?
expect "lintian drvhook drvhook-dkms: no error (rc 0)" "0 0" "$lrc $(grep -c '^E: ' "$out/lintian")"
sed 's/^/#   lintian: /' "$out/lintian"
tb=$(elapsed "$t")
if [ "$(ls "$out"/*.deb 2>/dev/null | wc -l)" != 2 ]; then
	echo "# no packages: nothing to install"
	echo "1..$n"; exit 1
fi

# --- install into a machine-like root: dkms and the kernel's headers ---
overlay_down "$b"
t=$(now)
overlay_up "$droot"; r=$OV
cp "$out"/*.deb "$r/tmp/" 2>/dev/null
# apt resolves what the CLI links (libbpf1) from the root's own sources
check "apt-get install ./drvhook*.deb (dkms runs in drvhook-dkms's postinst)" in_root "$r" sh -c \
	'cd /tmp && { apt-get install -y -q --no-install-recommends ./drvhook*.deb ||
	{ apt-get -q update && apt-get install -y -q --no-install-recommends ./drvhook*.deb; }; }'
expect "both packages installed" "drvhook ii
drvhook-dkms ii" "$(in_root "$r" dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' drvhook drvhook-dkms 2>&1 | sed 's/ *$//')"
# the shipped policies (the Makefile's POLICIES) and the policy headers
policies=$(make -s --no-print-directory -C "$repo" -f Makefile \
	-f <(echo 'print-policies: ; @echo $(POLICIES)') print-policies)
headers="drvhook.h drvhook/edu.h drvhook/vblk.h drvhook.bpf.h drvhook_compat.bpf.h edu/edu.bpf.h vblk/vblk.bpf.h"
files=$(dpkg-deb -c "$out"/drvhook_*.deb | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' |
	grep -v '^/usr/share/doc/' | sort)
want=$( {
	echo /usr/sbin/drvhook
	echo /usr/share/man/man8/drvhook.8.gz
	echo /usr/share/man/man5/drvhook.conf.5.gz
	echo /usr/lib/systemd/system/drvhook.service
	echo /usr/lib/systemd/system/drvhook@.service
	echo /usr/lib/udev/rules.d/60-drvhook.rules
	echo /usr/share/lintian/overrides/drvhook
	for p in $policies; do
		echo "/usr/lib/drvhook/policies/$p.bpf.o"; done
	for h in $headers; do
		echo "/usr/include/drvhook/$h"; done
	echo /usr/lib/x86_64-linux-gnu/pkgconfig/drvhook.pc
} | sort)
expect "drvhook.deb: the CLI, 2 man pages, $(echo $policies | wc -w) policies, $(echo $headers | wc -w) headers, drvhook.pc, 2 units, the udev rule, lintian overrides" "$want" "$files"
# (the build roots exclude /usr/share/{man,doc} in dpkg.cfg: the man page
# does not land there)
missing=$(echo "$files" | grep -v '^/usr/share/man/' | while read -r f; do
	[ -f "$r$f" ] || echo "$f"; done)
expect "drvhook: its $(echo "$files" | grep -vc '^/usr/share/man/') other files landed" "" "$missing"
dkfiles=$(dpkg-deb -c "$out"/drvhook-dkms_*.deb | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' |
	grep -v '^/usr/share/doc/' | sort)
want=$( (cd "$repo" && git ls-files kmod include | grep -E '(\.[ch]|/Kbuild|/Makefile)$'
	echo kmod/dkms-build.sh
	echo dkms.conf) | sed "s|^|/usr/src/drvhook-$ver/|" | sort)
expect "drvhook-dkms.deb: the modules' sources (kmod/ core, edu and vblk, include/), dkms.conf and its build script" "$want" "$dkfiles"
expect "drvhook-dkms.deb: kmod/dkms-build.sh is executable (dkms runs it)" "-rwxr-xr-x" \
	"$(dpkg-deb -c "$out"/drvhook-dkms_*.deb | awk '$6 ~ /kmod\/dkms-build\.sh$/ { print $1 }')"
cmp -s "$r/usr/lib/drvhook/policies/fact_guard.bpf.o" "$repo/build/bpf/fact_guard.bpf.o" &&
	echo "# the packaged fact_guard.bpf.o is byte-identical to build/ (the same clang)"
expect "drvhook-dkms: /usr/src/drvhook-$ver/dkms.conf, version $ver" "PACKAGE_VERSION=\"$ver\"" \
	"$(grep ^PACKAGE_VERSION= "$r/usr/src/drvhook-$ver/dkms.conf" 2>&1)"
for m in drvhook drvhook_edu drvhook_vblk; do
	ko=$(find "$r/lib/modules/$krel/updates" -name "$m.ko*" 2>/dev/null | head -1)
	if [ -n "$ko" ]; then
		ok "postinst: dkms built and installed ${ko#"$r"}"
	else
		not_ok "postinst: dkms built and installed $m.ko for $krel"
		in_root "$r" dkms status 2>&1 | sed 's/^/#   /'
	fi
done
dkms_prerm=$(dpkg-deb -I "$out"/drvhook-dkms_*.deb prerm 2>/dev/null)
expect "drvhook-dkms's prerm unloads drvhook_vblk and drvhook_edu, then the core" "drvhook_vblk drvhook_edu drvhook" \
	"$(echo "$dkms_prerm" | sed -n 's/^mods="\(.*\)"$/\1/p')"
in_root "$r" dkms status drvhook 2>&1 | grep -q "drvhook/$ver, $krel, x86_64: installed" &&
	ok "dkms status: drvhook/$ver, $krel: installed" ||
	{ not_ok "dkms status: drvhook/$ver, $krel: installed"; in_root "$r" dkms status 2>&1 | sed 's/^/#   /'; }
probe=$(in_root "$r" drvhook feature probe 2>&1); rc=$?
expect "drvhook feature probe runs (rc 0)" 0 "$rc"
expect "feature probe: reports the kernel and the stub state" "kernel release stub module loaded" \
	"$(echo "$probe" | grep -oE '^(kernel release|stub module loaded)' | tr '\n' ' ' | sed 's/ $//')"
echo "$probe" | sed 's/^/#   /'
js=$(in_root "$r" drvhook -j feature probe 2>&1)
echo "$js" | python3 -m json.tool >/dev/null 2>&1 && ok "drvhook -j feature probe: JSON" ||
	{ not_ok "drvhook -j feature probe: JSON"; echo "#   $js"; }
in_root "$r" sh -c 'pkg-config --modversion drvhook' >"$out/pc" 2>&1
expect "pkg-config finds drvhook.pc under /usr" "$ver" "$(cat "$out/pc")"
check "drvhook links the packaged libbpf" sh -c "chroot '$r' ldd /usr/sbin/drvhook | grep -q libbpf.so.1"
[ -d "$r/etc/drvhook/policies.d" ] && ok "drvhook: /etc/drvhook/policies.d exists" ||
	not_ok "drvhook: /etc/drvhook/policies.d exists"
dpkg-deb -e "$out"/drvhook_*.deb "$out/ctl"
expect "drvhook's postinst enables drvhook.service (dh_installsystemd)" yes \
	"$(grep -q 'deb-systemd-helper.*enable.*drvhook.service' "$out/ctl/postinst" && echo yes)"
expect "drvhook's prerm detaches what config apply attached" yes \
	"$(grep -q 'drvhook config detach' "$out/ctl/prerm" && echo yes)"
# an administrator's configuration, applied (no stub here: nothing attaches)
echo "fact_guard dev edu*" >"$r/etc/drvhook/policies.d/10-edu.conf"
out_cfg=$(in_root "$r" drvhook config check 2>&1)
expect "the packaged drvhook checks /etc/drvhook/policies.d, shipped policies by name" \
	"/etc/drvhook/policies.d: 1 entry in 1 file, 0 errors" "$out_cfg"
check "drvhook config apply without the stub: nothing to do" in_root "$r" drvhook config apply
check "dpkg --purge drvhook drvhook-dkms" in_root "$r" dpkg --purge drvhook drvhook-dkms
left=$(cd "$r" && ls -d usr/sbin/drvhook usr/lib/drvhook usr/include/drvhook \
	usr/lib/x86_64-linux-gnu/pkgconfig/drvhook.pc "usr/src/drvhook-$ver" var/lib/dkms/drvhook \
	etc/drvhook run/drvhook usr/lib/systemd/system/drvhook*.service \
	usr/lib/udev/rules.d/60-drvhook.rules 2>/dev/null;
	find "lib/modules/$krel" -name 'drvhook.ko*' -o -name 'drvhook_edu.ko*' -o -name 'drvhook_vblk.ko*' 2>/dev/null)
expect "purge leaves nothing of drvhook (files, configuration, units, dkms tree, module)" "" "$left"
overlay_down "$r"
rm -rf "$out"
echo "# debs: build $tb s, install/remove $(elapsed "$t") s"
echo "1..$n"
