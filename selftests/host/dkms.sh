#!/bin/bash
# DKMS: `make install-dkms` into a throwaway overlay of a suite's build root
# (its kernel headers installed, plus dkms: scripts/pkgroot.sh SUITE dkms),
# then `dkms add`, `dkms build` and `dkms install` against those headers,
# and checks of the module dkms built: vermagic of the suite's kernel, a .BTF
# section (the struct_ops/kfunc BTF the loader needs), the hook symbols.
# DKMS_KERNELS="trixie" (default; make check-full: all three suites).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/overlay.bash"
S=$repo/scripts
. "$repo/selftests/lib/tap.bash"
ver=$(sed -n 's/^VERSION := //p' "$repo/Makefile")

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
	ko=$(find "$r/lib/modules/$krel/updates" -name 'drvhook.ko*' 2>/dev/null | head -1)
	if [ -n "$ko" ]; then
		ok "$suite: module installed: ${ko#"$r"}"
		tmpko=$(mktemp --suffix=.ko)
		case $ko in
		*.xz) xz -dc "$ko" >"$tmpko" ;;
		*.zst) zstd -qdc "$ko" >"$tmpko" ;;
		*) cp "$ko" "$tmpko" ;;
		esac
		vm=$(modinfo -F vermagic "$tmpko" 2>/dev/null | cut -d' ' -f1)
		[ "$vm" = "$krel" ] && ok "$suite: vermagic $vm" ||
			{ not_ok "$suite: vermagic is the kernel's"; echo "#   want $krel, got '$vm'"; }
		readelf -SW "$tmpko" | grep -q ' \.BTF ' && ok "$suite: module has .BTF" ||
			not_ok "$suite: module has .BTF"
		syms=$(nm "$tmpko" 2>/dev/null | grep -cE ' drvhook_fb_(probe|request|irq|complete)$')
		[ "$syms" = 4 ] && ok "$suite: 4 fallback hook functions (drvhook_fb_*)" ||
			{ not_ok "$suite: 4 fallback hook functions"; echo "#   found $syms"; }
		rm -f "$tmpko"
	else
		not_ok "$suite: module installed under /lib/modules/$krel/updates"
	fi
	check "$suite: dkms status says installed" \
		sh -c "chroot '$r' dkms status drvhook/$ver -k '$krel' | grep -q 'installed'"
	check "$suite: dkms remove --all" in_root "$r" dkms remove "drvhook/$ver" --all
	left=$(find "$r/lib/modules/$krel" -name 'drvhook.ko*' 2>/dev/null)
	[ -z "$left" ] && ok "$suite: no module left after dkms remove" ||
		{ not_ok "$suite: no module left after dkms remove"; echo "#   $left"; }
	overlay_down "$r"
	echo "# $suite: dkms $(elapsed "$t") s"
done
[ $n -gt 0 ] || { n=1; echo "ok 1 - dkms # SKIP DKMS_KERNELS is empty"; }
echo "1..$n"
