#!/bin/bash
# bpftool.sh build | path | version: the bpftool the guests run.
#
# Debian's bpftool (7.5 in trixie and bookworm-backports, 7.8 in
# trixie-backports) segfaults in `bpftool struct_ops list|show|dump` when a
# struct_ops type comes from a kernel module, as edu_ops (drvhook_edu) does: it looks
# the map's value type up in vmlinux BTF only. This builds the bpftool that
# Debian ships in trixie-backports from the same source, Debian's
# linux-source package of the trixie-backports kernel that kernel.sh last
# resolved, with the patches in scripts/patches/bpftool/ applied (unless
# the source reads bpf_map_info.btf_vmlinux_id already: fixed upstream).
#
# Built on the host, statically linked (its own libbpf, libelf, zlib,
# libzstd, libcap), so the busybox guests need no library. On the host, as
# the project's other static helpers: trixie's libelf.a (elfutils 0.192)
# cannot be linked statically (eu_search_tree_init is missing from it).
# Without LLVM/libbfd (JIT disassembly), libcrypto (program signing) and
# clang (skeletons: `prog profile`, pids in `show`). The host's own
# /usr/sbin/bpftool is left alone.
#
# Cached in $DRVHOOK_CACHE/tools/bpftool/<source version>-<patch hash>/
# (bpftool, version), made once under a lock; the linux-source .deb stays in
# kernels/<version>/debs/ (cache-gc.sh deletes it with that kernel).
#   build    -> stdout: the bpftool path (built when not cached);
#               stderr: the bpftool version in use
#   path     -> the cached bpftool (fails when not built)
#   version  -> e.g. "bpftool v7.8.0 (linux-source-7.3 7.3.4-1~bpo13+1, patched: ...)"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

suite=trixie-backports
usage() { echo "usage: $0 build | path | version" >&2; exit 2; }
[ $# = 1 ] || usage
case $1 in build | path | version) ;; *) usage ;; esac

shopt -s nullglob
patches=("$here"/patches/bpftool/*.patch)
shopt -u nullglob
phash=$(cat "${patches[@]}" /dev/null | sha256sum | cut -c1-8)

ver=$("$here/kernel.sh" path "$suite" version 2>/dev/null) || {
	[ "$1" = build ] || die "no $suite kernel resolved yet (scripts/bpftool.sh build)"
	"$here/kernel.sh" fetch "$suite" >&2
	ver=$("$here/kernel.sh" path "$suite" version)
}
dir=$DRVHOOK_CACHE/tools/bpftool/$ver-$phash

if [ "$1" != build ]; then
	[ -f "$dir/done" ] || die "bpftool for $suite $ver not built (scripts/bpftool.sh build)"
	if [ "$1" = path ]; then echo "$dir/bpftool"; else cat "$dir/version"; fi
	exit 0
fi

done_msg() { log "bpftool: $(cat "$dir/version") -> $dir/bpftool"; echo "$dir/bpftool"; }
[ -f "$dir/done" ] && { done_msg; exit 0; }
lock_file "$DRVHOOK_CACHE/tools/bpftool/.lock"
[ -f "$dir/done" ] && { done_msg; exit 0; }

need=()
for p in make gcc libc6-dev python3 libelf-dev zlib1g-dev libzstd-dev libcap-dev; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "bpftool: installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

krel=$("$here/kernel.sh" path "$suite" release)
kver_dir=$("$here/kernel.sh" path "$suite" dir)
srcpkg=linux-source-$(cut -d. -f1,2 <<<"$krel")
srcdeb=$(ls "$kver_dir"/debs/"${srcpkg}"_*.deb 2>/dev/null || true)
if [ -z "$srcdeb" ]; then
	log "bpftool: downloading $srcpkg=$ver"
	suite_apt_init "$suite"
	sapt_update "$suite" >&2 || log "bpftool: index refresh failed, using the cached index"
	(cd "$kver_dir/debs" && sapt_get "$suite" download "$srcpkg=$ver" >&2)
	srcdeb=$(ls "$kver_dir"/debs/"${srcpkg}"_*.deb)
fi

work=$dir.build
trap 'rm -rf "$work"' EXIT
rm -rf "$work"; mkdir -p "$work"
log "bpftool: unpacking tools/ of $(basename "$srcdeb")"
dpkg-deb --fsys-tarfile "$srcdeb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
	tar -xJ -C "$work" --wildcards --no-wildcards-match-slash \
		'linux-source-*/tools' 'linux-source-*/kernel/bpf' 'linux-source-*/scripts/bpf_doc.py'
src=$work/$(cd "$work" && ls -d linux-source-*)
[ -f "$src/tools/bpf/bpftool/struct_ops.c" ] ||
	die "bpftool: no tools/bpf/bpftool/struct_ops.c in $(basename "$srcdeb")"
applied=
if grep -q btf_vmlinux_id "$src/tools/bpf/bpftool/struct_ops.c"; then
	log "bpftool: $srcpkg $ver reads btf_vmlinux_id already: building it unpatched"
else
	for p in "${patches[@]}"; do
		patch -s -p1 -d "$src" <"$p" ||
			die "bpftool: $(basename "$p") does not apply to $srcpkg $ver"
		applied="$applied $(basename "$p" .patch)"
	done
fi

log "bpftool: building (static, nice 10)"
nice -n 10 make -s -j"$(nproc)" -C "$src/tools/bpf/bpftool" \
	EXTRA_LDFLAGS=-static SKIP_CRYPTO=1 SKIP_LLVM=1 SKIP_LIBBFD=1 >"$work.log" 2>&1 ||
	{ tail -30 "$work.log" >&2; die "bpftool: build failed (log: $work.log)"; }
bin=$src/tools/bpf/bpftool/bpftool
file -b "$bin" | grep -q 'statically linked' || die "bpftool: $bin is not statically linked"
bver=$("$bin" version | head -1)
case $bver in "bpftool v"*) ;; *) die "bpftool: the build does not run: $bver" ;; esac

rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
install -m755 "$bin" "$dir.tmp/bpftool"
strip "$dir.tmp/bpftool"
echo "$bver ($srcpkg $ver, ${applied:+patched:}${applied:-unpatched})" >"$dir.tmp/version"
rm -rf "$dir" "$work.log"; mv "$dir.tmp" "$dir"
touch "$dir/done"
done_msg
