#!/bin/bash
# cache-gc.sh [-n]: delete cached kernels and build roots that no kernel's
# recorded resolution (kernels/<key>.current: the id of its kernels/<id>/,
# its root roots/<key>-<id>/) uses any more, and leftovers of
# interrupted runs (*.tmp roots), guest bpftool builds (bpftool.sh) of
# other than the recorded trixie-backports kernel source, and checkpatch.pl
# copies (checkpatch.sh) of other than its last resolved version, with the
# unversioned one of older runs. -n: only print what would go.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
dry=0
case ${1:-} in -n) dry=1 ;; "") ;; *) echo "usage: $0 [-n]" >&2; exit 2 ;; esac
cd "$DRVHOOK_CACHE" 2>/dev/null || exit 0

keep_k=" " keep_r=" "
for c in kernels/*.current; do
	[ -f "$c" ] || continue
	s=$(basename "$c" .current) v=$(cat "$c")
	keep_k="$keep_k$v " keep_r="$keep_r$s-$v "
done
gone() {
	echo "gc: $1"
	[ $dry = 1 ] || rm -rf -- "${1:?}"
}
for d in kernels/*/; do
	[ -d "$d" ] || continue
	d=${d%/}; case $keep_k in *" ${d#kernels/} "*) continue ;; esac
	gone "$d"
done
for d in roots/*/; do
	[ -d "$d" ] || continue
	d=${d%/}; case $keep_r in *" ${d#roots/} "*) continue ;; esac
	# buildroot.sh holds this lock while it makes the root
	if ! flock -n "roots/.lock-$(basename "${d%.tmp}")" true 2>/dev/null ||
		mountpoint -q "$d/proc"; then
		echo "gc: $d in use, kept"
		continue
	fi
	gone "$d"
done
bt_keep=$(cat kernels/trixie-backports.current 2>/dev/null || true)
for d in tools/bpftool/*/; do
	[ -d "$d" ] || continue
	d=${d%/}
	[ -n "$bt_keep" ] && case ${d#tools/bpftool/} in "$bt_keep"-*) continue ;; esac
	if ! flock -n tools/bpftool/.lock true 2>/dev/null; then
		echo "gc: $d in use, kept"
		continue
	fi
	gone "$d"
done
cp_keep=$(cat tools/checkpatch/current 2>/dev/null || true)
for d in tools/checkpatch/*/; do
	[ -d "$d" ] || continue
	d=${d%/}
	case ${d#tools/checkpatch/} in apt | "$cp_keep") continue ;; esac
	if ! flock -n tools/checkpatch/.lock true 2>/dev/null; then
		echo "gc: $d in use, kept"
		continue
	fi
	gone "$d"
done
