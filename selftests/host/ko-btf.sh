#!/bin/bash
# scripts/check-ko.sh, which build-kmod.sh runs on every module it builds:
# a module without .BTF, or with a .BTF_ids slot resolve_btfids did not
# fill, fails the build loudly. Synthetic objects (gcc -c) stand in for
# modules so that each case is exact.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

# obj NAME C-SOURCE: $t/NAME.ko
obj() { echo "$2" >"$t/$1.c" && gcc -c -o "$t/$1.ko" "$t/$1.c"; }
btf='__attribute__((section(".BTF"), used)) static const char btf[8] = "BTF";'
ids='__attribute__((section(".BTF_ids"), used)) unsigned int __BTF_ID__func__drvhook_x__1'
obj good "$btf $ids = 42;"
obj noids "$btf"
obj nobtf "int x;"
obj unresolved "$btf $ids = 0;"

check "a module with .BTF and resolved .BTF_ids passes" "$repo/scripts/check-ko.sh" "$t/good.ko"
check "a module with .BTF and no .BTF_ids passes" "$repo/scripts/check-ko.sh" "$t/noids.ko"
for c in nobtf:'has no .BTF section' unresolved:'unresolved BTF id __BTF_ID__func__drvhook_x__1'; do
	name=${c%%:*} want=${c#*:}
	out=$("$repo/scripts/check-ko.sh" "$t/$name.ko" 2>&1); rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -qF "$want"; then
		ok "$name: refused, saying '$want'"
	else
		not_ok "$name: refused, saying '$want' (rc=$rc)"; echo "$out" | sed 's/^/#   /'
	fi
done
grep -q 'check-ko.sh' "$repo/scripts/build-kmod.sh" &&
	ok "build-kmod.sh checks every module it builds" ||
	not_ok "build-kmod.sh checks every module it builds"
echo "1..$n"
