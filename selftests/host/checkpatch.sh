#!/bin/bash
# The stub is kernel style: checkpatch.pl --no-tree -f clean, with the
# checkpatch.pl of one named kernel series, whatever else the cache holds
# (scripts/checkpatch.sh names it: Debian's linux-source-6.12 of trixie,
# fetched when not cached; not being able to fetch it fails the test).
#
# Exempt: the compat headers' LINUX_VERSION_CODE tests (and their
# "constant on the right"), their purpose, there only; and in
# kmod/core/drvhook_type.h, the X-macro generator of device types, the
# rules for macros that stand for expressions or statements (unused
# arguments, complex values, flow control, trailing semicolons, argument
# names of generated prototypes): each of its passes defines the hook
# list's macros to emit declarations, and uses only some of a line's
# arguments. Newer checkpatch.pl (7.x) also asks for kzalloc_obj() over
# kzalloc(sizeof(...)): 6.1 has no kzalloc_obj() (Debian's 6.12.117 has
# it, a stable backport), and the modules build on every kernel of the
# matrix from one source without a compat shim for an allocation
# helper, so that advice is not taken and the check does not use 7.x's
# checkpatch. Its other advice (unused macro arguments) applies on every
# kernel and is followed outside the generator.
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
gen_rules='is not used in function-like macro|Macros with (flow control|complex values|multiple statements)|trailing semicolon|should also have an identifier name'
for f in "$repo"/kmod/*/*.[ch] "$repo"/selftests/kmod/*/*.[ch] \
	"$repo"/include/*.h "$repo"/include/drvhook/*.h; do
	name=${f#"$repo"/}
	res=$(perl "$cp" --no-tree -f --terse "$f" 2>&1 | grep -v '^total:' |
		case $name in
		*/compat.h) grep -v -e LINUX_VERSION_CODE -e 'constant on the right' ;;
		kmod/core/drvhook_type.h) grep -v -E "$gen_rules" ;;
		*) cat ;;
		esac)
	if [ -z "$res" ]; then
		ok "checkpatch $name"
	else
		not_ok "checkpatch $name"
		echo "$res" | sed 's/^/# /'
	fi
done
echo "1..$n"
