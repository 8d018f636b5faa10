#!/bin/bash
# The stub is kernel style: checkpatch.pl --no-tree -f clean, with the
# checkpatch.pl of one named kernel series, whatever else the cache holds
# (scripts/checkpatch.sh names it: Debian's linux-source-6.12 of trixie,
# fetched when not cached; not being able to fetch it fails the test).
#
# Exempt: the compat headers' (kmod/core/, kmod/edu/) LINUX_VERSION_CODE tests (and their
# "constant on the right"), its purpose, there only. Newer checkpatch.pl
# (7.x) also asks for kzalloc_obj() over kzalloc(sizeof(...)) (edu.c,
# hook_core.c): 6.1 has no kzalloc_obj() (Debian's 6.12.117 has it, a
# stable backport), and the stub builds on every kernel of the matrix
# from one source without a compat shim for an allocation helper, so
# that advice is not taken and the check does not use 7.x's checkpatch.
# Its other advice (unused macro arguments) applies on every kernel and
# is followed: the stub is clean for 7.3's checkpatch.pl but for that.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
log=$(mktemp)
if cp=$("$repo/scripts/checkpatch.sh" fetch 2>"$log"); then
	ok "checkpatch.pl of $(cat "${cp%/scripts/checkpatch.pl}/version")"
	rm -f "$log"
else
	not_ok "checkpatch.pl (scripts/checkpatch.sh fetch failed)"
	sed 's/^/#   /' "$log" | tail -15
	rm -f "$log"
	echo "1..$n"
	exit 1
fi
# every C source of the modules (kmod/: core/, edu/; a test module's under
# selftests/kmod/) and of the UAPI headers (include/, include/drvhook/),
# not a build's *.mod.c
while read -r f; do
	name=${f#"$repo"/}
	res=$(perl "$cp" --no-tree -f --terse "$f" 2>&1 |
		grep -v '^total:' | { case $name in */compat.h)
			grep -v -e LINUX_VERSION_CODE -e 'constant on the right' ;; *) cat ;; esac; })
	if [ -z "$res" ]; then
		ok "checkpatch $name"
	else
		not_ok "checkpatch $name"
		echo "$res" | sed 's/^/# /'
	fi
done < <(find "$repo/kmod" "$repo/include" "$repo/selftests/kmod" -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort)
echo "1..$n"
