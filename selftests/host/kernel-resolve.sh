#!/bin/bash
# Kernel specs (KERNELS=...): what `scripts/kernel.sh resolve` makes of a
# suite, a suite's flavour, a backports suite and a kernel given as files
# (version, the build root's Debian release and compiler, from the
# packages' own metadata), and the message of one it cannot have; then
# `make check` with unknown kernels fails them as MISSING, with the reason,
# in its output and summary.json. No guest; apt indexes are refreshed at
# most once per DRVHOOK_INDEX_TTL. The files kernel: trixie's own image and
# headers package from the cache (kernel.sh fetch trixie).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/tap.bash"
K=$repo/scripts/kernel.sh
t=$(now)

# res SPEC: sets R (stdout) and E (stderr, "error: ..."), rc in RC
res() {
	local e; e=$(mktemp)
	RC=0; R=$("$K" resolve "$1" 2>"$e") || RC=$?
	E=$(grep '^error: ' "$e" || true); rm -f "$e"
}
f() { sed -n "s/^$1=//p" <<<"$R"; }
# facts SPEC WANT [LABEL]: the name/key/dist/gcc/apt/image/headers facts
facts() {
	res "$1"
	expect "${3:-$1}: resolves (exit 0)" 0 "$RC"
	expect "${3:-$1}: name, key, dist, gcc, apt, packages" "$2" \
		"$(grep -E '^(name|key|dist|gcc|apt|image|headers)=' <<<"$R")"
}
# fails SPEC REGEX [LABEL]: refused, with an error matching REGEX
fails() {
	res "$1"
	[ "$RC" != 0 ] && [[ $E =~ $2 ]] && ok "${3:-$1}: refused: ${E#error: }" ||
		{ not_ok "${3:-$1}: refused with a message matching '$2'"; echo "#   rc=$RC: $E"; }
}

facts trixie "name=trixie
key=trixie
dist=trixie
gcc=gcc-14
apt=trixie
image=linux-image-amd64
headers=linux-headers-amd64"
trixie_ver=$(f version)
[[ $trixie_ver =~ ^6\.12\.[0-9]+-[0-9]+$ ]] && ok "trixie: version $trixie_ver (6.12)" ||
	not_ok "trixie: a 6.12 version, got '$trixie_ver'"

facts trixie:cloud-amd64 "name=trixie:cloud-amd64
key=trixie+cloud-amd64
dist=trixie
gcc=gcc-14
apt=trixie
image=linux-image-cloud-amd64
headers=linux-headers-cloud-amd64"
expect "trixie:cloud-amd64: the same version as trixie's amd64 (one source package)" \
	"${trixie_ver:-none}" "$(f version)"
facts trixie:amd64 "name=trixie
key=trixie
dist=trixie
gcc=gcc-14
apt=trixie
image=linux-image-amd64
headers=linux-headers-amd64"

facts bookworm-backports "name=bookworm-backports
key=bookworm-backports
dist=bookworm
gcc=gcc-12
apt=bookworm bookworm-backports
image=linux-image-amd64
headers=linux-headers-amd64"
[[ $(f version) == *~bpo12+* ]] && ok "bookworm-backports: a bookworm backport ($(f version))" ||
	not_ok "bookworm-backports: a ~bpo12 version, got '$(f version)'"

fails nosuch-suite "suite 'nosuch-suite' is not in the mirror's dists"
[ ! -e "$(suite_apt_dir nosuch-suite)" ] && ok "nosuch-suite: no private view left behind" ||
	not_ok "nosuch-suite: no private view left behind"
fails trixie:nosuch-amd64 "no linux-image-nosuch-amd64 in trixie \(its flavours: .*cloud-amd64"
fails 'Trixie!' "not a kernel: 'Trixie!'"

# --- a kernel given as files ---
if "$K" fetch trixie >/dev/null 2>&1; then
	d=$("$K" path trixie dir) krel=$("$K" path trixie release)
	bz=$("$K" path trixie bzimage)
	hdeb=$(ls "$d"/debs/linux-headers-"$krel"_*.deb)
	re_krel=${krel//+/\\+}
	facts "$bz,$hdeb" "name=file:$krel
key=$(kernel_key "$bz,$hdeb")
dist=trixie
gcc=gcc-14
apt=trixie
image=$bz
headers=$hdeb $(ls "$d"/debs/linux-headers-*-common_*.deb) $(ls "$d"/debs/linux-kbuild-*.deb)" \
		"files VMLINUZ,HEADERS.deb"
	expect "files kernel: the headers package's version" "${trixie_ver:-none}" "$(f version)"
	facts "$bz,$("$K" path trixie kdir),dist=sid,gcc=gcc-15" "name=file:$krel
key=$(kernel_key "$bz,$("$K" path trixie kdir),dist=sid,gcc=gcc-15")
dist=sid
gcc=gcc-15
apt=sid
image=$bz
headers=$("$K" path trixie kdir)" "files VMLINUZ,HEADERS-DIR,dist=sid,gcc=gcc-15"
	fails "/nonexistent/vmlinuz,$hdeb" "vmlinuz file missing: /nonexistent/vmlinuz" \
		"files /nonexistent/vmlinuz,HEADERS.deb"
	fails "$bz,/nonexistent/linux-headers.deb" "headers missing: /nonexistent/linux-headers.deb" \
		"files VMLINUZ,/nonexistent/linux-headers.deb"
	fails "$bz" "no headers given for $re_krel" "files VMLINUZ alone"
	fails "$hdeb,$hdeb" "is not a bzImage" "files HEADERS.deb,HEADERS.deb"
	tmp=$(mktemp -d)
	cp "$hdeb" "$tmp/"
	fails "$bz,$tmp/$(basename "$hdeb")" "depends on linux-headers-.*-common .*give its .deb too" \
		"files VMLINUZ,HEADERS.deb without the -common .deb next to it"
	cp -a "$("$K" path trixie kdir)" "$tmp/"
	fails "$bz,$tmp/linux-headers-$krel" "includes /usr/src/linux-headers-.*-common/Makefile: not found beside it" \
		"files VMLINUZ,HEADERS-DIR without the -common directory beside it"
	rm -rf "$tmp"
else
	not_ok "kernel.sh fetch trixie (for the files kernel)"
fi

# --- make check: unknown kernels are MISSING, with the reason ---
out=$repo/build/check-kernel-resolve
mkdir -p "$out"
rc=0
KERNELS="nosuch-suite trixie:nosuch-amd64" TESTS=device CHECK_OUT="$out" \
	CHECK_KMODS="$out/kmod" HOST_TESTS=0 MODES=auto SHUFFLED_KERNELS= \
	timeout 900 "$repo/selftests/check.sh" >"$out.log" 2>&1 || rc=$?
[ $rc = 1 ] && tail -1 "$out.log" | grep -qE '^[0-9]+ passed, 2 failed$' &&
	ok "make check KERNELS=unknown: exit 1, '$(tail -1 "$out.log")'" ||
	{ not_ok "make check KERNELS=unknown: exit 1, N passed, 2 failed (rc=$rc)"; tail -5 "$out.log" | sed 's/^/#   /'; }
for w in "kernel nosuch-suite MISSING" "  .*suite 'nosuch-suite' is not in the mirror's dists" \
	"kernel trixie:nosuch-amd64 MISSING" "  .*no linux-image-nosuch-amd64 in trixie"; do
	grep -qE "^$w" "$out.log" && ok "make check says: $(grep -m1 -E "^$w" "$out.log" | cut -c1-90)" ||
		not_ok "make check says '$w'"
done
! grep -qE '^(\+ |.*line [0-9]+:|.*: command not found)' "$out.log" && ok "make check: no shell trace or error" ||
	{ not_ok "make check: no shell trace or error"; grep -m3 -E '^(\+ |.*line [0-9]+:)' "$out.log" | sed 's/^/#   /'; }
got=$(python3 -c 'import json, sys
for k in json.load(open(sys.argv[1]))["kernels"]:
    print(k["suite"], k["failed"], k.get("missing", "-").split(" (")[0])' "$out/summary.json" 2>&1)
expect "summary.json: both kernels, failed, with the reason" \
	"nosuch-suite 1 nosuch-suite: suite 'nosuch-suite' is not in the mirror's dists
trixie:nosuch-amd64 1 trixie:nosuch-amd64: no linux-image-nosuch-amd64 in trixie" "$got"
echo "# kernel-resolve: $(elapsed "$t") s"
echo "1..$n"
