#!/bin/bash
# The style check (checkpatch.sh) does not depend on what the cache holds:
# from an empty cache it fetches the checkpatch.pl of the series that
# scripts/checkpatch.sh names, and from a cache holding only another
# series' linux-source (as make demo leaves it: 7.3's, for bpftool) and
# stale checkpatch.pl copies (the unversioned tools/checkpatch/scripts/
# of older runs, one under another version's key) it fetches the same one
# and gives the same result. The stale copies flag every file, so running
# one shows. Two real downloads of the source package (about 150 MB).
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/tap.bash"
series=$(sed -n 's/^SERIES=//p' "$repo/scripts/checkpatch.sh")
suite=$(sed -n 's/^SUITE=//p' "$repo/scripts/checkpatch.sh")
if [ "${DRVHOOK_OFFLINE:-0}" = 1 ]; then
	ok "style check from an empty cache # SKIP DRVHOOK_OFFLINE=1: an empty cache cannot fetch linux-source-$series"
	echo "1..$n"
	exit 0
fi
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

# stale DIR WHAT: a checkpatch.pl of WHAT in DIR/scripts/ that fails every file
stale() {
	mkdir -p "$1/scripts"
	printf '%s\n' '#!/usr/bin/perl' \
		'print "$ARGV[-1]:1: WARNING: stale checkpatch.pl of '"$2"'\n";' \
		>"$1/scripts/checkpatch.pl"
	echo "$2" >"$1/version"
	touch "$1/done"
}
mkdir -p "$t/empty" "$t/other/tools/checkpatch"
over=7.3.4-1~bpo13+1
for deb in "$DRVHOOK_CACHE"/kernels/*/debs/linux-source-*_all.deb; do
	[ -f "$deb" ] || continue
	case $(basename "$deb") in "linux-source-${series}_"*) continue ;; esac
	over=$(basename "$deb" | cut -d_ -f2)
	mkdir -p "$t/other/kernels/$over/debs"
	ln -s "$deb" "$t/other/kernels/$over/debs/"
	echo "# planted: $(basename "$deb") (from $DRVHOOK_CACHE)"
done
ls "$t"/other/kernels/*/debs/*.deb >/dev/null 2>&1 ||
	echo "# no other series' linux-source in $DRVHOOK_CACHE: planted the stale checkpatch.pl only"
stale "$t/other/tools/checkpatch" "the unversioned cache"
stale "$t/other/tools/checkpatch/$over" "linux-source $over"

for c in empty other; do
	DRVHOOK_CACHE=$t/$c "$repo/selftests/host/checkpatch.sh" >"$t/$c.tap" 2>&1
	bad=$(grep -E '^not ok|# SKIP' "$t/$c.tap")
	if [ -z "$bad" ] && grep -q "^ok 1 - checkpatch.pl of linux-source-$series " "$t/$c.tap" &&
		grep -q '^1\.\.[0-9]' "$t/$c.tap"; then
		ok "$c cache: the style check passes, with linux-source-$series's checkpatch.pl"
	else
		not_ok "$c cache: the style check passes, with linux-source-$series's checkpatch.pl"
		sed 's/^/#   /' "$t/$c.tap" | head -30
	fi
	got=$(cat "$t/$c"/tools/checkpatch/*/version 2>/dev/null | grep "^linux-source-$series ")
	expect "$c cache: linux-source-$series fetched into tools/checkpatch/<version>/" \
		"linux-source-$series $(cat "$t/$c/tools/checkpatch/current" 2>/dev/null) ($suite)" "$got"
done
expect "other cache: the same result as from the empty cache" "$(cat "$t/empty.tap")" "$(cat "$t/other.tap")"
echo "1..$n"
