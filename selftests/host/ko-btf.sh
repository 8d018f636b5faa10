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
# both modules at once (build-kmod.sh checks every .ko it finds): each is
# checked, not just the first
out=$("$repo/scripts/check-ko.sh" "$t/good.ko" "$t/nobtf.ko" "$t/noids.ko" 2>&1); rc=$?
if [ $rc = 1 ] && [ "$out" = "error: nobtf.ko has no .BTF section" ]; then
	ok "good.ko nobtf.ko noids.ko: refused for nobtf.ko alone"
else
	not_ok "good.ko nobtf.ko noids.ko: refused for nobtf.ko alone (rc=$rc)"; printf '%s\n' "$out" | sed 's/^/#   /'
fi
check "good.ko noids.ko (a core and a device module): both pass" \
	"$repo/scripts/check-ko.sh" "$t/good.ko" "$t/noids.ko"

# lib.sh's module list: build-kmod.sh's OUTDIR holds every module of it,
# with their names in load order; one missing fails, naming it
. "$repo/scripts/lib.sh"
expect "DRVHOOK_KMODS: the hook core, then drvhook_edu, drvhook_vblk, drvhook_vdev" \
	"drvhook drvhook_edu drvhook_vblk drvhook_vdev" \
	"$(kmod_names | tr '\n' ' ' | sed 's/ $//')"
mkdir -p "$t/src/kmod/core" "$t/src/kmod/edu" "$t/src/kmod/vblk" "$t/src/selftests/kmod/vdev"
cp "$t/good.ko" "$t/src/selftests/kmod/vdev/drvhook_vdev.ko"
cp "$t/good.ko" "$t/src/kmod/core/drvhook.ko"
out=$(kmod_collect "$t/src" "$t/out" 2>&1); rc=$?
if [ $rc != 0 ] && [ "$out" = "error: drvhook_edu.ko not built (under kmod/)" ]; then
	ok "a tree without drvhook_edu.ko: refused, naming it"
else
	not_ok "a tree without drvhook_edu.ko: refused, naming it (rc=$rc)"; printf '%s\n' "$out" | sed 's/^/#   /'
fi
if kmod_complete "$t/out"; then not_ok "kmod_complete: an incomplete OUTDIR is not complete"
else ok "kmod_complete: an incomplete OUTDIR is not complete"; fi
cp "$t/noids.ko" "$t/src/kmod/edu/drvhook_edu.ko"
cp "$t/good.ko" "$t/src/kmod/vblk/drvhook_vblk.ko"
check "kmod_collect: every module" kmod_collect "$t/src" "$t/out"
expect "OUTDIR: every .ko and modules, in load order" \
	"drvhook.ko drvhook_edu.ko drvhook_vblk.ko drvhook_vdev.ko modules | drvhook drvhook_edu drvhook_vblk drvhook_vdev" \
	"$(cd "$t/out" && echo * | tr '\n' ' ')| $(tr '\n' ' ' <"$t/out/modules" | sed 's/ $//')"
check "kmod_complete: the OUTDIR is complete" kmod_complete "$t/out"
kmod_install "$t/out" "$t/guest/drvhook"
expect "kmod_install: the guest's /drvhook gets every module and the list" \
	"drvhook.ko drvhook_edu.ko drvhook_vblk.ko drvhook_vdev.ko modules" \
	"$(cd "$t/guest/drvhook" && echo *)"
kmod_install "$t/out" "$t/demo/drvhook" shipped
expect "kmod_install shipped (make demo): without the test-only drvhook_vdev" \
	"drvhook.ko drvhook_edu.ko drvhook_vblk.ko modules | drvhook drvhook_edu drvhook_vblk" \
	"$(cd "$t/demo/drvhook" && echo *) | $(tr '\n' ' ' <"$t/demo/drvhook/modules" | sed 's/ $//')"
grep -q 'check-ko.sh' "$repo/scripts/build-kmod.sh" &&
	ok "build-kmod.sh checks every module it builds" ||
	not_ok "build-kmod.sh checks every module it builds"
echo "1..$n"
