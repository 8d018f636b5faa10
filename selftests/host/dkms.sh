#!/bin/bash
# DKMS: `make install-dkms` into a throwaway overlay of a suite's build root
# (its kernel headers installed, plus dkms: scripts/pkgroot.sh SUITE dkms),
# then `dkms add`, `dkms build` and `dkms install` against those headers,
# and checks of the modules dkms built (the hook core drvhook, the edu
# driver drvhook_edu, the virtio-blk driver drvhook_vblk): vermagic of the
# suite's kernel, a .BTF section each (the struct_ops/kfunc BTF the loader
# needs), each device module's fallback hook symbols and dependency on the
# core, edu's PCI alias, vblk's absence of any alias (the in-tree virtio_blk
# keeps the disks), modprobe's dependency order.
# bookworm also runs with its headers as Debian ships them (the root's
# vmlinux and resolve_btfids, which buildroot.sh added, removed, the kernel
# not running): kmod/dkms-build.sh fails saying what to install, the test
# runs that command (linux-kbuild-6.12.* of bookworm-backports, in the
# root's own sources), and
# the build then takes /boot/vmlinuz's BTF and that resolve_btfids.
# DKMS_KERNELS="trixie" (default; make check-full: all three suites).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/overlay.bash"
S=$repo/scripts
. "$repo/selftests/lib/tap.bash"
ver=$(sed -n 's/^VERSION := //p' "$repo/Makefile")

# stock_headers SUITE ROOT KREL: dkms build on the headers as Debian 12
# ships them (no vmlinux, no resolve_btfids), the kernel not running
stock_headers() {
	local suite=$1 krel=$3 r k log out rc hint
	overlay_up "$2" || { not_ok "$suite: overlay of $2"; return; }
	r=$OV k=/usr/src/linux-headers-$krel
	rm -f "$r$k/vmlinux" "$r$k/tools/bpf/resolve_btfids/resolve_btfids"
	mkdir -p "$r/boot"
	cp "$("$S/kernel.sh" path "$suite" bzimage)" "$r/boot/vmlinuz-$krel"
	make -s -C "$repo" install-dkms DESTDIR="$r" && in_root "$r" dkms add "drvhook/$ver" >/dev/null 2>&1
	out=$(in_root "$r" dkms build "drvhook/$ver" -k "$krel" 2>&1); rc=$?
	expect "$suite, headers as shipped (no vmlinux, no resolve_btfids): dkms build fails" 10 "$rc"
	echo "$out" | grep '^drvhook-dkms: ' | sed 's/^/#   /'
	hint=$(echo "$out" | sed -n 's/^drvhook-dkms: [^ ]*: *\(apt install .*\)$/\1/p' | head -1)
	expect "$suite: the build says what to install (PRE_BUILD, on the terminal): apt install linux-kbuild-6.12 or later" \
		yes "$(echo "$hint" | grep -qE '^apt install linux-kbuild-(6\.(1[2-9]|[2-9][0-9])|[7-9]\.)' && echo yes)"
	check "$suite: $hint (as printed)" in_root "$r" sh -c "apt-get -q update >/dev/null && $hint -y -q --no-install-recommends"
	check "$suite: dkms build drvhook/$ver -k $krel, again" in_root "$r" dkms build "drvhook/$ver" -k "$krel"
	log=$r/var/lib/dkms/drvhook/$ver/$krel/x86_64/log/make.log
	grep '^drvhook-dkms: ' "$log" 2>&1 | sed 's/^/#   /'
	expect "$suite: it took /boot/vmlinuz-$krel's BTF (the kernel is not running) and linux-kbuild-6.12's resolve_btfids" "1 1" \
		"$(grep -c "the BTF of /boot/vmlinuz-$krel " "$log") $(grep -c 'using /usr/lib/linux-kbuild-6\.12[^/]*/tools/bpf/resolve_btfids/resolve_btfids' "$log")"
	for m in drvhook drvhook_edu drvhook_vblk; do
		check "$suite, headers as shipped: $m.ko has .BTF and every .BTF_ids slot resolved (check-ko.sh)" \
			"$S/check-ko.sh" "$r/var/lib/dkms/drvhook/$ver/$krel/x86_64/module/$m.ko"
	done
	expect "$suite: the headers are left as they were (no vmlinux written there)" "" "$(ls "$r$k/vmlinux" 2>/dev/null)"
	overlay_down "$r"
}

for suite in ${DKMS_KERNELS-trixie}; do
	t=$(now)
	if ! root=$("$S/pkgroot.sh" "$suite" dkms 2>/tmp/dkms-root.$$); then
		not_ok "$suite: build root with dkms"
		sed 's/^/#   /' /tmp/dkms-root.$$ | tail -10
		rm -f /tmp/dkms-root.$$
		continue
	fi
	rm -f /tmp/dkms-root.$$
	krel=$("$S/kernel.sh" path "$suite" release)
	overlay_up "$root" || { not_ok "$suite: overlay of $root"; continue; }
	r=$OV
	check "$suite: make install-dkms -> /usr/src/drvhook-$ver" \
		make -s -C "$repo" install-dkms DESTDIR="$r"
	check "$suite: dkms add drvhook/$ver" in_root "$r" dkms add "drvhook/$ver"
	check "$suite: dkms build drvhook/$ver -k $krel" in_root "$r" dkms build "drvhook/$ver" -k "$krel"
	check "$suite: dkms install drvhook/$ver -k $krel" in_root "$r" dkms install "drvhook/$ver" -k "$krel"
	# the hook core and the device modules, each checked
	for m in drvhook drvhook_edu drvhook_vblk; do
		ko=$(find "$r/lib/modules/$krel/updates" -name "$m.ko*" 2>/dev/null | head -1)
		if [ -z "$ko" ]; then
			not_ok "$suite: $m installed under /lib/modules/$krel/updates"
			continue
		fi
		ok "$suite: $m installed: ${ko#"$r"}"
		tmpko=$(mktemp --suffix=.ko)
		case $ko in
		*.xz) xz -dc "$ko" >"$tmpko" ;;
		*.zst) zstd -qdc "$ko" >"$tmpko" ;;
		*) cp "$ko" "$tmpko" ;;
		esac
		vm=$(modinfo -F vermagic "$tmpko" 2>/dev/null | cut -d' ' -f1)
		[ "$vm" = "$krel" ] && ok "$suite: $m: vermagic $vm" ||
			{ not_ok "$suite: $m: vermagic is the kernel's"; echo "#   want $krel, got '$vm'"; }
		# (not grep -q: under pipefail, readelf killed by SIGPIPE would fail it)
		readelf -SW "$tmpko" | grep ' \.BTF ' >/dev/null && ok "$suite: $m has .BTF" ||
			not_ok "$suite: $m has .BTF"
		if [ $m = drvhook_edu ]; then
			syms=$(nm "$tmpko" 2>/dev/null | grep -cE ' edu_fb_(probe|request|irq|complete)$')
			[ "$syms" = 4 ] && ok "$suite: drvhook_edu: 4 fallback hook functions (edu_fb_*)" ||
				{ not_ok "$suite: drvhook_edu: 4 fallback hook functions (edu_fb_*)"; echo "#   found $syms"; }
			expect "$suite: drvhook_edu depends on drvhook" drvhook \
				"$(modinfo -F depends "$tmpko" 2>&1)"
			al=$(modinfo -F alias "$tmpko" 2>&1)
			if echo "$al" | grep -qi '^pci:v00001234d000011E8'; then
				ok "$suite: drvhook_edu has edu's PCI alias (udev loads it)"
			else
				not_ok "$suite: drvhook_edu has edu's PCI alias (udev loads it)"; echo "#   got: $al"
			fi
		fi
		if [ $m = drvhook_vblk ]; then
			syms=$(nm "$tmpko" 2>/dev/null | grep -cE ' vblk_fb_(probe|request|complete)$')
			[ "$syms" = 3 ] && ok "$suite: drvhook_vblk: 3 fallback hook functions (vblk_fb_*)" ||
				{ not_ok "$suite: drvhook_vblk: 3 fallback hook functions (vblk_fb_*)"; echo "#   found $syms"; }
			expect "$suite: drvhook_vblk depends on drvhook (and virtio, virtio_ring where they are modules: 6.1)" drvhook \
				"$(modinfo -F depends "$tmpko" 2>&1 | tr , '\n' | grep -vxE 'virtio|virtio_ring')"
			expect "$suite: drvhook_vblk has no alias (udev never loads it: virtio_blk keeps the disks)" "" \
				"$(modinfo -F alias "$tmpko" 2>&1)"
		fi
		rm -f "$tmpko"
	done
	# depmod: modprobe drvhook_edu (drvhook_vblk) pulls the core in
	expect "$suite: depmod: drvhook_edu needs drvhook" \
		"updates/dkms/drvhook.ko" \
		"$(in_root "$r" sh -c "depmod '$krel' && modprobe -S '$krel' --show-depends drvhook_edu" 2>&1 |
			grep -o 'updates/dkms/drvhook\.ko' | head -1)"
	expect "$suite: depmod: drvhook_vblk needs drvhook" \
		"updates/dkms/drvhook.ko" \
		"$(in_root "$r" sh -c "modprobe -S '$krel' --show-depends drvhook_vblk" 2>&1 |
			grep -o 'updates/dkms/drvhook\.ko' | head -1)"
	check "$suite: dkms status says installed" \
		sh -c "chroot '$r' dkms status drvhook/$ver -k '$krel' | grep -q 'installed'"
	check "$suite: dkms remove --all" in_root "$r" dkms remove "drvhook/$ver" --all
	left=$(find "$r/lib/modules/$krel" -name 'drvhook.ko*' -o -name 'drvhook_edu.ko*' \
		-o -name 'drvhook_vblk.ko*' 2>/dev/null)
	[ -z "$left" ] && ok "$suite: no module left after dkms remove" ||
		{ not_ok "$suite: no module left after dkms remove"; echo "#   $left"; }
	overlay_down "$r"
	[ "$("$S/kernel.sh" path "$suite" dist)" = bookworm ] && stock_headers "$suite" "$root" "$krel"
	echo "# $suite: dkms $(elapsed "$t") s"
done
[ $n -gt 0 ] || { n=1; echo "ok 1 - dkms # SKIP DKMS_KERNELS is empty"; }
echo "1..$n"
