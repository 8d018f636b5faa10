#!/bin/bash
# make check: host tests, then the guest tests on every kernel of the matrix.
#
#   KERNELS="bookworm trixie trixie-backports"  suites to boot (default: all)
#   TESTS="device policy ..."                    guest test groups (default: all)
#   INJECT_FAIL=1   add a failing guest test      } harness self-tests: each
#   INJECT_WARN=1   the stub WARNs at probe       } must turn the run red
#   CHECK_OUT=dir   results folder (default build/check)
#   HOST_TESTS=0    skip the host tests (the harness self-test uses it)
#   DKMS_KERNELS="trixie"  suites whose build root runs `dkms build` (host test)
#   DEB_TEST=0      skip the Debian package build/install host test
#   SHUFFLED_KERNELS="trixie"  kernels that also run the shuffled-layout stub
#   MODES="auto forced-fallback"  attach modes per kernel (auto: the default
#                   mode; forced-fallback runs only where auto is struct_ops)
#   CHECK_HOTPLUG=N hot-unplug cycles of the guest hotplug group (default 2;
#                   the host drives QMP: selftests/hotplug-host.sh)
#
# Prints one line per kernel run, one sha256 line per BPF object, and ends
# with "N passed, N failed". Writes $CHECK_OUT/summary.json. Exit status is
# non-zero on any failed test, missing kernel or kernel splat.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
out=${CHECK_OUT:-$repo/build/check}
kernels=${KERNELS:-$ALL_SUITES}
groups=${TESTS:-}
passed=0 failed=0 skipped=0
entries=()
t_all=$(now)

stage() { log "stage $1: $(elapsed "$2") s"; }

# tap_count FILE: "passed failed skipped" of the TAP lines in FILE
tap_count() {
	awk '/^ok [0-9]+ .*# SKIP/ { s++; next } /^ok [0-9]+/ { p++ } /^not ok [0-9]+/ { f++ }
		END { printf "%d %d %d\n", p, f, s }' "$1"
}

rm -rf "$out"; mkdir -p "$out"

t=$(now)
make -s -C "$repo" all || die "build failed"
stage build "$t"

# Host tests: fast feedback before any VM boots.
t=$(now)
for ht in "$repo"/selftests/host/*.sh; do
	[ -x "$ht" ] && [ "${HOST_TESTS:-1}" = 1 ] || continue
	name=$(basename "$ht" .sh)
	"$ht" >"$out/host-$name.tap" 2>&1
	read -r p f s < <(tap_count "$out/host-$name.tap")
	[ "$p$f" = 00 ] && f=1	# no TAP at all is a failure
	echo "host $name passed=$p failed=$f skipped=$s"
	grep -E '^not ok|# SKIP' "$out/host-$name.tap" | sed 's/^/  /'
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
stage host-tests "$t"

# guest payload shared by every kernel: the same BPF objects everywhere
payload=$out/payload
guest_payload "$repo" "$payload"
mkdir -p "$payload/drvhook/bpf-nocore"
cp "$repo"/build/bpf-nocore/*.bpf.o "$payload/drvhook/bpf-nocore/"
cp "$repo/build/edutest" "$repo/build/edustress" "$repo/build/jsoncheck" "$payload/usr/sbin/"
cp "$repo"/selftests/guest/* "$payload/tests/"

# docs/writing-a-policy.md: its host commands build a policy outside the
# repo from a `make install DESTDIR` tree; the guest group thirdparty runs
# its guest commands with what they left in the payload
t=$(now)
"$repo/selftests/doc-policy.sh" "$payload/thirdparty" >"$out/doc-policy.tap" 2>&1
read -r p f s < <(tap_count "$out/doc-policy.tap")
[ "$p$f" = 00 ] && f=1
echo "host doc-policy passed=$p failed=$f skipped=$s"
grep -E '^not ok|# SKIP' "$out/doc-policy.tap" | sed 's/^/  /'
passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
stage doc-policy "$t"

append=
[ "${INJECT_FAIL:-}" = 1 ] && append="$append drvhook.inject_fail=1"
[ "${INJECT_WARN:-}" = 1 ] && append="$append drvhook.modparams=inject_warn=1"
[ -n "$groups" ] && append="$append drvhook.groups=$(echo $groups | tr ' ' ,)"

# run_kernel SUITE MODE LAYOUT: boots one guest, records its entry
run_kernel() {
	local suite=$1 mode=$2 layout=$3 ver kdir log rc p f s splats=0 ap=$append
	local name=$suite-$mode-$layout
	log=$out/$name
	mkdir -p "$log"
	ver=$("$S/kernel.sh" path "$suite" version 2>/dev/null) || ver=unknown
	kdir=$repo/build/kmod/$suite/$layout
	if [ ! -f "$kdir/drvhook.ko" ]; then
		echo "kernel $suite $ver mode=$mode layout=$layout MISSING (no module built)"
		failed=$((failed + 1))
		entries+=("{\"suite\":\"$suite\",\"version\":\"$ver\",\"mode\":\"$mode\",\"layout\":\"$layout\",\"passed\":0,\"failed\":1,\"skipped\":0,\"splats\":0,\"error\":\"module not built\"}")
		return
	fi
	rm -rf "$log/root"; mkdir -p "$log/root/drvhook"
	cp "$kdir/drvhook.ko" "$log/root/drvhook/"
	"$S/initramfs.sh" "$log/initramfs.cpio.gz" "$payload" "$log/root" 2>/dev/null ||
		die "initramfs for $name failed"
	[ "$mode" = forced-fallback ] && ap="$ap drvhook.mode=fallback"
	ap="$ap drvhook.layout=$layout drvhook.hotplug=${CHECK_HOTPLUG:-2}"
	rc=0
	"$S/vm.sh" run "$suite" "$log/initramfs.cpio.gz" "$log" --edu 2 --qmp \
		--timeout 900 --append "$ap" 2>"$log/vm.err" &
	local vmpid=$! hppid
	"$repo/selftests/hotplug-host.sh" "$log" $vmpid >"$log/hotplug-host.log" 2>&1 &
	hppid=$!
	wait $vmpid || rc=$?
	wait $hppid
	grep -aE '^(TAP|ok |not ok |#|1\.\.)' "$log/console.log" >"$log/tap.txt" 2>/dev/null
	read -r p f s < <(tap_count "$log/tap.txt")
	case $rc in
	0) ;;
	100) splats=$(grep -cE 'WARNING:|BUG:|Oops|RCU stall|refcount_t|general protection' \
		"$log/dmesg.log"); [ "$splats" -gt 0 ] || splats=1; f=$((f + 1)) ;;
	*) [ "$f" -gt 0 ] || f=$((f + 1)) ;;	# died, hung, or red without TAP
	esac
	mode=$(sed -n 's/^# drvhook-mode \([a-z_]*\).*/\1/p' "$log/tap.txt" | head -1)
	mode=${mode:-unknown}
	echo "kernel $suite $ver mode=$mode layout=$layout passed=$p failed=$f skipped=$s${splats:+ splats=$splats}" |
		sed 's/ splats=0$//'
	grep -aE '^not ok' "$log/tap.txt" | sed 's/^/  /'
	grep -aE '^# portability:' "$log/tap.txt" | sed 's/^# /  /'
	grep -aE '# SKIP' "$log/tap.txt" | sed 's/^ok [0-9]* - /  skip: /'
	[ $rc = 100 ] && sed 's/^/  splat: /' "$log/vm.err" | grep -E 'WARNING:|BUG:|Oops|RCU|refcount_t|general protection' | head -5
	[ $rc = 101 ] && echo "  guest died or hung: see $log/console.log"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	entries+=("{\"suite\":\"$suite\",\"version\":\"$ver\",\"mode\":\"$mode\",\"layout\":\"$layout\",\"passed\":$p,\"failed\":$f,\"skipped\":$s,\"splats\":$splats}")
}

for suite in $kernels; do
	suite_base "$suite" >/dev/null
	t=$(now)
	if ! "$S/kernel.sh" fetch "$suite" >/dev/null || ! "$S/buildroot.sh" "$suite" >/dev/null; then
		echo "kernel $suite MISSING (fetch or build root failed)"
		failed=$((failed + 1))
		continue
	fi
	stage "$suite-fetch+root" "$t"
	t=$(now)
	"$S/build-kmod.sh" "$suite" "$repo/build/kmod/$suite/plain" >"$out/kmod-$suite.log" 2>&1 ||
		{ tail -20 "$out/kmod-$suite.log" >&2; }
	stage "$suite-kmod" "$t"
	t=$(now)
	layouts=plain
	case " ${SHUFFLED_KERNELS-trixie} " in *" $suite "*)
		"$S/build-kmod.sh" "$suite" "$repo/build/kmod/$suite/shuffled" DRVHOOK_LAYOUT=shuffled \
			>"$out/kmod-$suite-shuffled.log" 2>&1 || tail -20 "$out/kmod-$suite-shuffled.log" >&2
		layouts="plain shuffled" ;;
	esac
	for layout in $layouts; do
		for mode in ${MODES:-auto forced-fallback}; do
			[ "$mode" = forced-fallback ] && [ "$suite" = bookworm ] && continue
			run_kernel "$suite" "$mode" "$layout"
		done
	done
	stage "$suite-guests" "$t"
done

objs=()
for o in "$repo"/build/bpf/*.bpf.o; do
	h=$(sha256sum "$o" | cut -d' ' -f1)
	echo "bpf sha256 $(basename "$o") $h"
	objs+=("{\"file\":\"$(basename "$o")\",\"sha256\":\"$h\"}")
done

join() { local IFS=,; echo "$*"; }
cat >"$out/summary.json" <<EOF
{"kernels":[$(join "${entries[@]}")],"objects":[$(join "${objs[@]}")],"passed":$passed,"failed":$failed,"skipped":$skipped}
EOF
python3 -m json.tool "$out/summary.json" >/dev/null || die "summary.json is not JSON"
stage total "$t_all"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
