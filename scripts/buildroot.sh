#!/bin/bash
# buildroot.sh SPEC: make (once) the chroot that builds modules for the
# kernel SPEC (lib.sh kernel_key: SUITE, SUITE:FLAVOUR, VMLINUZ,HEADERS...):
# an mmdebstrap root of the kernel's own Debian release with its compiler
# (both as kernel.sh resolve chose them from the kernel's package metadata),
# make, pahole, ... and the kernel headers extracted into /usr/src, /usr/lib.
# bookworm (6.1) also gets what Debian's headers lack for module BTF:
#   - KDIR/vmlinux, the ELF (with .BTF) unpacked from the image's bzImage;
#   - resolve_btfids, built from linux-source-6.1 of the same version.
# Root: $DRVHOOK_CACHE/roots/<key>-<kernel id>/ (printed on stdout; for a
# suite's amd64 kernel: <suite>-<version>).
# Idempotent: an existing complete root is reused as is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# = 1 ] || { echo "usage: $0 SPEC" >&2; exit 2; }
suite=$1
key=$(kernel_key "$suite") || exit 1

base=$("$here/kernel.sh" path "$suite" dist 2>/dev/null) ||
	{ "$here/kernel.sh" fetch "$suite" >&2; base=$("$here/kernel.sh" path "$suite" dist); }
gcc=$("$here/kernel.sh" path "$suite" gcc)
ver=$("$here/kernel.sh" path "$suite" version)
kver_dir=$("$here/kernel.sh" path "$suite" dir)
krel=$("$here/kernel.sh" path "$suite" release)
root=$DRVHOOK_CACHE/roots/$key-$(basename "$kver_dir")
kdir=/usr/src/linux-headers-$krel
label=$(kernel_name "$suite")

lock_file "$DRVHOOK_CACHE/roots/.lock-$(basename "$root")"
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi

pkgs="make gcc $gcc libc6-dev binutils libelf-dev zlib1g-dev pkg-config bc bison flex
	kmod xz-utils zstd pahole"
# Debian's linux-kbuild-6.1 lacks resolve_btfids; we build it (below), and
# libbpf's build runs python3.
need_btfids=1
ls "$kver_dir"/headers/usr/lib/linux-kbuild-*/tools/bpf/resolve_btfids/resolve_btfids \
	"$kver_dir/headers$kdir/tools/bpf/resolve_btfids/resolve_btfids" >/dev/null 2>&1 && need_btfids=0
[ $need_btfids = 0 ] || pkgs="$pkgs python3"
# what the header/kbuild packages themselves depend on (other than linux-*)
# (the metapackage linux-headers-FLAVOUR depends on the rest)
hdr_debs=$(for d in "$kver_dir"/debs/linux-headers-*.deb "$kver_dir"/debs/linux-kbuild-*.deb; do
	[ -f "$d" ] || continue
	[[ $(basename "$d") =~ ^linux-headers-[a-z][a-z0-9-]*_ ]] || echo "$d"
done)
extra=$(for d in $hdr_debs; do dpkg-deb -f "$d" Depends; done | tr ',' '\n' |
	sed 's/|.*//; s/(.*//; s/ //g' | grep -v '^linux-' | sort -u)
pkgs=$(echo $pkgs $extra | tr ' ' '\n' | sort -u | tr '\n' ',')
mirror=$(apt_mirror)
sources=()
for s in $("$here/kernel.sh" path "$suite" apt); do
	sources+=("$(apt_source_line "$mirror" "$s")")
done

tmp=$root.tmp
rm -rf "$tmp"
log "$label: creating build root for kernel $ver: $base, $gcc (sources: check-valid-until=no, signatures checked)"
mmdebstrap --quiet --mode=root --variant=minbase --architectures=amd64 \
	--include="${pkgs%,}" \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	"$base" "$tmp" "${sources[@]}" >&2

log "$label: extracting headers into the root"
# (tar must keep the root's /lib -> usr/lib symlink: --keep-directory-symlink)
for d in $hdr_debs; do
	dpkg-deb --fsys-tarfile "$d" | tar -x --keep-directory-symlink -C "$tmp"
done
# a files kernel's headers directory (no .debs): the copy kernel.sh made
[ -n "$hdr_debs" ] || cp -a "$kver_dir/headers/usr/src/." "$tmp/usr/src/"
[ -f "$tmp$kdir/Makefile" ] || die "headers missing in root: $kdir"

# cleanup of mounts made inside $tmp (only used for bookworm below)
trap 'mountpoint -q "$tmp/proc" && umount "$tmp/proc" || true' EXIT

if [ ! -f "$tmp$kdir/vmlinux" ]; then
	log "$label: headers ship no vmlinux: unpacking it from the bzImage"
	"$here/extract-vmlinux.sh" "$("$here/kernel.sh" path "$suite" bzimage)" >"$tmp$kdir/vmlinux"
fi
readelf -S "$tmp$kdir/vmlinux" | grep '\.BTF' >/dev/null || die "$kdir/vmlinux has no .BTF section"

btfids=$tmp$kdir/tools/bpf/resolve_btfids/resolve_btfids
if [ $need_btfids = 1 ]; then
	# Makefile.modfinal runs $(objtree)/tools/bpf/resolve_btfids/resolve_btfids
	# on every module when CONFIG_DEBUG_INFO_BTF_MODULES=y (kfunc BTF id sets).
	srcpkg=linux-source-$(cut -d. -f1,2 <<<"$krel")
	srcdeb=$(ls "$kver_dir"/debs/"${srcpkg}"_*.deb 2>/dev/null || true)
	if [ -z "$srcdeb" ]; then
		# from the kernel's suite (a files kernel: its release)
		view=${suite%%:*}; [[ $key == files-* ]] && view=$base
		log "$label: downloading $srcpkg=$ver from $view to build resolve_btfids"
		suite_apt_init "$view"
		compgen -G "$(suite_apt_dir "$view")/state/lists/*_Packages*" >/dev/null ||
			sapt_get "$view" update >/dev/null
		(cd "$kver_dir/debs" && sapt_get "$view" download "$srcpkg=$ver" >/dev/null) ||
			die "$label: headers lack resolve_btfids and $view has no $srcpkg=$ver to build it from"
		srcdeb=$(ls "$kver_dir"/debs/"${srcpkg}"_*.deb)
	fi
	log "$label: building resolve_btfids from $(basename "$srcdeb")"
	mkdir -p "$tmp/build/src"
	dpkg-deb --fsys-tarfile "$srcdeb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tmp/build/src" --wildcards '*/tools' '*/scripts' '*/include' '*/Makefile'
	src=$(cd "$tmp/build/src" && ls -d linux-source-*)
	mount -t proc proc "$tmp/proc"
	chroot "$tmp" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		make -s -j"$(nproc)" -C "/build/src/$src/tools/bpf/resolve_btfids" >&2
	umount "$tmp/proc"
	install -D -m755 "$tmp/build/src/$src/tools/bpf/resolve_btfids/resolve_btfids" "$btfids"
	rm -rf "$tmp/build/src"
fi
[ -x "$btfids" ] || die "no resolve_btfids at $kdir/tools/bpf/resolve_btfids/"

rm -rf "$root"
mv "$tmp" "$root"
touch "$root/.complete"
log "$label: build root ready"
echo "$root"
