#!/bin/bash
# The stub is kernel style: checkpatch.pl --no-tree -f clean, from the 6.1
# kernel source in the cache (the compat header's LINUX_VERSION_CODE tests
# are its purpose, so those two warnings are exempt there only).
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
echo "TAP version 13"
cp=$(ls "$DRVHOOK_CACHE"/tools/checkpatch/scripts/checkpatch.pl 2>/dev/null)
if [ -z "$cp" ]; then
	deb=$(ls "$DRVHOOK_CACHE"/kernels/*/debs/linux-source-*_all.deb 2>/dev/null | head -1)
	if [ -n "$deb" ]; then
		t=$(mktemp -d)
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$t" --wildcards './usr/src/linux-source-*.tar.xz'
		mkdir -p "$DRVHOOK_CACHE/tools/checkpatch"
		tar -xJf "$t"/usr/src/linux-source-*.tar.xz -C "$DRVHOOK_CACHE/tools/checkpatch" \
			--strip-components=1 --wildcards '*/scripts/checkpatch.pl' \
			'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
		rm -rf "$t"
		cp=$DRVHOOK_CACHE/tools/checkpatch/scripts/checkpatch.pl
	fi
fi
n=0
for f in "$repo"/kmod/*.[ch] "$repo"/include/*.h; do
	n=$((n + 1))
	name=${f#"$repo"/}
	if [ -z "$cp" ]; then
		echo "ok $n - checkpatch $name # SKIP no linux-source package in the cache yet"
		continue
	fi
	res=$(perl "$cp" --no-tree -f --terse "$f" 2>&1 |
		grep -v '^total:' | { if [ "$name" = kmod/compat.h ]; then
			grep -v -e LINUX_VERSION_CODE -e 'constant on the right'; else cat; fi; })
	if [ -z "$res" ]; then
		echo "ok $n - checkpatch $name"
	else
		echo "not ok $n - checkpatch $name"
		echo "$res" | sed 's/^/# /'
	fi
done
echo "1..$n"
