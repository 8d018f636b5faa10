#!/bin/bash
# build-kmod.sh SUITE OUTDIR [MAKEVAR=value ...]
# Build the kernel module(s) for SUITE's kernel inside its build root
# (buildroot.sh): copies kmod/ and include/ of the source tree (the repo, or
# $DRVHOOK_SRC) into the root, runs `make -C kmod KDIR=<headers> [vars]`
# there with /proc mounted, and copies every resulting *.ko into OUTDIR
# (plus OUTDIR/kernel.txt naming the kernel). Fails when a .ko has no .BTF
# section, or when one of its .BTF_ids slots (kfunc sets...) is unresolved.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 SUITE OUTDIR [MAKEVAR=value ...]" >&2; exit 2; }
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
cleanup() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	rm -rf "${root:?}$work"
}
trap cleanup EXIT
rm -rf "${root:?}$work"; mkdir -p "$root$work"
cp -a "$src/kmod" "$root$work/"
[ -d "$src/include" ] && cp -a "$src/include" "$root$work/"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"

log "build-kmod: $suite $krel ($ver)"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	make -C "$work/kmod" KDIR="$kdir" -j"$(nproc)" "$@" >&2 ||
	die "build failed for $suite ($krel)"

# $1 = .ko: every id slot of .BTF_ids (symbols __BTF_ID__<kind>__<name>__<n>)
# must have been filled by resolve_btfids.
check_btf_ids() {
	local ko=$1 idx off bad=0 val name id
	read -r idx off < <(readelf -SW "$ko" |
		sed -n 's/^ *\[ *\([0-9]*\)\] \.BTF_ids  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1 \2/p')
	[ -n "${idx:-}" ] || return 0
	while read -r val name; do
		id=$(od -An -tu4 -j $((0x$off + 0x$val)) -N4 "$ko" | tr -d ' ')
		if [ "$id" = 0 ]; then
			echo "error: $(basename "$ko"): unresolved BTF id $name" >&2
			bad=1
		fi
	done < <(readelf -sW "$ko" | awk -v n="$idx" '$7 == n && $8 ~ /^__BTF_ID__/ &&
		$8 !~ /^__BTF_ID__set8?__/ { print $2, $8 }')
	return $bad
}

mkdir -p "$out"
rm -f "$out"/*.ko
n=0
while read -r ko; do
	readelf -SW "$ko" | grep ' \.BTF ' >/dev/null ||
		die "$(basename "$ko") has no .BTF section (vmlinux/pahole missing in $kdir?)"
	check_btf_ids "$ko" || die "$(basename "$ko"): .BTF_ids not resolved (resolve_btfids?)"
	cp "$ko" "$out/"
	n=$((n + 1))
done < <(find "$root$work" -name '*.ko')
[ $n -gt 0 ] || die "no .ko built"
printf 'suite=%s\nversion=%s\nrelease=%s\n' "$suite" "$ver" "$krel" >"$out/kernel.txt"
log "build-kmod: $n module(s) -> $out: $(cd "$out" && echo *.ko)"
