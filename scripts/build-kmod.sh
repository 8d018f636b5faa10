#!/bin/bash
# build-kmod.sh SPEC OUTDIR [MAKEVAR=value ...]
# Build the kernel modules for the kernel SPEC (lib.sh kernel_key: SUITE,
# SUITE:FLAVOUR, VMLINUZ,HEADERS...) inside its build root
# (buildroot.sh): copies include/ and every module tree of lib.sh's
# DRVHOOK_KMODS (kmod/: drvhook.ko and drvhook_edu.ko; selftests/kmod/vdev/:
# the test-only drvhook_vdev.ko, against the core's Module.symvers) of the source tree
# (the repo, or $DRVHOOK_SRC) into the root, runs `make -C TREE
# KDIR=<headers> [vars]` for each there with /proc mounted (kmod_make), and
# copies every module of the list into OUTDIR with OUTDIR/modules (their
# names in load order) and OUTDIR/kernel.txt naming the kernel. Fails when a
# module of the list was not built, when any .ko has no .BTF section, or
# when one of its .BTF_ids slots (kfunc sets...) is unresolved.
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
rm -f "$out"/*.ko "$out/modules"	# a failed build leaves nothing an older one could be mistaken for
cleanup() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	rm -rf "${root:?}$work"
}
trap cleanup EXIT
rm -rf "${root:?}$work"; mkdir -p "$root$work"
for tree in $(kmod_trees); do
	[ -d "$src/$tree" ] || die "no $src/$tree (a module tree of lib.sh's DRVHOOK_KMODS)"
	(cd "$src" && cp -a --parents "$tree" "$root$work/")
done
[ -d "$src/include" ] && cp -a "$src/include" "$root$work/"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"

log "build-kmod: $(kernel_name "$suite") $krel ($ver)"
# shellcheck disable=SC2034 # read by kmod_make (lib.sh)
KMOD_RUN=(chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
kmod_make "$work" "$kdir" "$@" >&2 ||
	die "build failed for $(kernel_name "$suite") ($krel)"

# every .ko built must carry its BTF, listed or not
n=0
while read -r ko; do
	"$here/check-ko.sh" "$ko" || die "$(basename "$ko") is not usable (vmlinux, pahole or resolve_btfids missing in $kdir?)"
	n=$((n + 1))
done < <(find "$root$work" -name '*.ko')
[ $n -gt 0 ] || die "no .ko built"
kmod_collect "$root$work" "$out" || die "build of $(kernel_name "$suite") ($krel) incomplete"
printf 'suite=%s\nversion=%s\nrelease=%s\n' "$suite" "$ver" "$krel" >"$out/kernel.txt"
log "build-kmod: $(wc -l <"$out/modules") module(s) -> $out: $(cd "$out" && echo *.ko)"
