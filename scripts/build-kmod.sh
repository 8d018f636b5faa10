#!/bin/bash
# build-kmod.sh SPEC OUTDIR [MAKEVAR=value ...]
# Build the kernel module(s) for the kernel SPEC (lib.sh kernel_key: SUITE,
# SUITE:FLAVOUR, VMLINUZ,HEADERS...) inside its build root
# (buildroot.sh): copies kmod/ and include/ of the source tree (the repo, or
# $DRVHOOK_SRC) into the root, runs `make -C kmod KDIR=<headers> [vars]`
# there with /proc mounted, then each test-only device type of
# selftests/kmod/ against it, and copies every resulting *.ko into OUTDIR
# (plus OUTDIR/kernel.txt naming the kernel). Fails when a .ko has no .BTF
# section, or when one of its .BTF_ids slots (kfunc sets...) is unresolved.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 SPEC OUTDIR [MAKEVAR=value ...]" >&2; exit 2; }
suite=$1 out=$2; shift 2
for v in "$@"; do [[ $v == *=* ]] || die "not a MAKEVAR=value: $v"; done
src=${DRVHOOK_SRC:-$(dirname "$here")}
[ -f "$src/kmod/Makefile" ] || die "no $src/kmod/Makefile"

root=$("$here/buildroot.sh" "$suite")
krel=$("$here/kernel.sh" path "$suite" release)
ver=$("$here/kernel.sh" path "$suite" version)
kdir=/usr/src/linux-headers-$krel
work=/build/drvhook

lock_file "$DRVHOOK_CACHE/roots/.build-$(basename "$root")"
mkdir -p "$out"
rm -f "$out"/*.ko	# a failed build leaves nothing an older one could be mistaken for
cleanup() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	rm -rf "${root:?}$work"
}
trap cleanup EXIT
rm -rf "${root:?}$work"; mkdir -p "$root$work"
cp -a "$src/kmod" "$root$work/"
[ -d "$src/include" ] && cp -a "$src/include" "$root$work/"
# the test-only device types, built against the core's Module.symvers
[ -d "$src/selftests/kmod" ] && mkdir -p "$root$work/selftests" &&
	cp -a "$src/selftests/kmod" "$root$work/selftests/"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"

log "build-kmod: $(kernel_name "$suite") $krel ($ver)"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	make -C "$work/kmod" KDIR="$kdir" -j"$(nproc)" "$@" >&2 ||
	die "build failed for $(kernel_name "$suite") ($krel)"
for d in "$root$work"/selftests/kmod/*/; do
	[ -f "$d/Makefile" ] || continue
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		make -C "${d#"$root"}" KDIR="$kdir" -j"$(nproc)" >&2 ||
		die "build of ${d#"$root$work"/} failed for $(kernel_name "$suite") ($krel)"
done

n=0
while read -r ko; do
	"$here/check-ko.sh" "$ko" || die "$(basename "$ko") is not usable (vmlinux, pahole or resolve_btfids missing in $kdir?)"
	cp "$ko" "$out/"
	n=$((n + 1))
done < <(find "$root$work" -name '*.ko')
[ $n -gt 0 ] || die "no .ko built"
printf 'suite=%s\nversion=%s\nrelease=%s\n' "$suite" "$ver" "$krel" >"$out/kernel.txt"
log "build-kmod: $n module(s) -> $out: $(cd "$out" && echo *.ko)"
