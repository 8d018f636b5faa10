#!/bin/bash
# checkpatch.sh fetch: the checkpatch.pl that the style check
# (selftests/host/checkpatch.sh) runs, always that of one kernel series:
# Debian's linux-source-$SERIES of $SUITE below, at the version the
# suite's package index lists now. Never one extracted from another
# version's source in the cache (which the other scripts fetch for their
# own needs): checkpatch's advice differs between kernels (7.x asks for
# kzalloc_obj(), 6.12 flags unused arguments of empty macros).
#
# Cached in $DRVHOOK_CACHE/tools/checkpatch/<version>/ (scripts/:
# checkpatch.pl and the two files it reads; version), made once under a
# lock; the source .deb is deleted after. The package index comes from a
# private APT view of its own, tools/checkpatch/apt/ (kernel.sh refreshes
# apt/$SUITE/ at the same time in make check, and apt-get update fails on
# a view another one is updating), refreshed when older than
# DRVHOOK_INDEX_TTL seconds (default 3600); offline (DRVHOOK_OFFLINE=1, or
# the refresh fails), the cached index is used. Nothing to fetch it from
# is an error, never a fallback to another version.
#   fetch -> stdout: the path of checkpatch.pl; stderr: its version
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

SERIES=6.12
SUITE=trixie

[ "$*" = fetch ] || { echo "usage: $0 fetch" >&2; exit 2; }
pkg=linux-source-$SERIES
base=$DRVHOOK_CACHE/tools/checkpatch
suite_apt_dir() { echo "$base/apt"; }	# its own view (see above)

# quiet CMD...: CMD (apt-get) printing only its errors, without the mirror
m=$(apt_mirror); h=${m#*://}; h=${h%%/*}
quiet() {
	local out
	out=$("$@" 2>&1) && return 0
	grep '^[EW]:' <<<"$out" | sed -e "s|$m|<mirror>|g" -e "s|$h|<mirror>|g" | head -3 >&2
	return 1
}

lock_file "$base/.lock"
suite_apt_init "$SUITE"
lists=$(suite_apt_dir)/state/lists
stamp=$base/.index
age=$(($(date +%s) - $(stat -c %Y "$stamp" 2>/dev/null || echo 0)))
if [ "$age" -lt "${DRVHOOK_INDEX_TTL:-3600}" ]; then
	:
elif [ "${DRVHOOK_OFFLINE:-0}" = 1 ]; then
	log "checkpatch: offline, using the cached $SUITE index"
elif quiet sapt_get "$SUITE" update; then
	touch "$stamp"
else
	log "checkpatch: the $SUITE index cannot be refreshed, using the cached one"
fi
ls "$lists"/*_Packages* >/dev/null 2>&1 ||
	die "checkpatch: no $SUITE package index in $(suite_apt_dir): cannot fetch $pkg"
ver=$(sapt_cache "$SUITE" policy "$pkg" | awk '/Candidate:/ { print $2 }')
case $ver in "" | "(none)") die "checkpatch: no $pkg in the $SUITE package index" ;; esac

dir=$base/$ver
if [ ! -f "$dir/done" ]; then
	log "checkpatch: downloading $pkg=$ver ($SUITE)"
	rm -rf "$dir" "$dir.tmp"; mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && quiet sapt_get "$SUITE" download "$pkg=$ver") ||
		die "checkpatch: cannot download $pkg=$ver"
	deb=$(ls "$dir.tmp/${pkg}"_*_all.deb 2>/dev/null) ||
		die "checkpatch: apt-get download left no ${pkg}_*_all.deb"
	log "checkpatch: unpacking scripts/checkpatch.pl of $(basename "$deb")"
	top=linux-source-$SERIES
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$top.tar.xz" |
		tar -xJ -C "$dir.tmp" --strip-components=1 "$top/scripts/checkpatch.pl" \
			"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch" ||
		die "checkpatch: no scripts/checkpatch.pl in $(basename "$deb")"
	rm -f "$deb"
	echo "$pkg $ver ($SUITE)" >"$dir.tmp/version"
	mv "$dir.tmp" "$dir"
	touch "$dir/done"
fi
echo "$ver" >"$base/current"
log "checkpatch: $(cat "$dir/version") -> $dir/scripts/checkpatch.pl"
echo "$dir/scripts/checkpatch.pl"
