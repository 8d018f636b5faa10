#!/bin/bash
# make check: host tests, then the guest tests on every kernel of the matrix.
#
#   KERNELS="bookworm trixie trixie-backports"  kernels to boot (default: these);
#                   each SUITE, SUITE:FLAVOUR (linux-image-FLAVOUR, e.g.
#                   trixie:cloud-amd64) or VMLINUZ,HEADERS... files (see
#                   scripts/README.md); one that cannot be had is MISSING
#   TESTS="device policy ..."                    guest test groups (default: all)
#   INJECT_FAIL=1   add a failing guest test      } harness self-tests: each
#   INJECT_WARN=1   drvhook_edu WARNs at probe    } must turn the run red
#   CHECK_OUT=dir   results folder (default build/check)
#   HOST_TESTS=0    skip the host tests (the harness self-test uses it)
#   DKMS_KERNELS="trixie"  suites whose build root runs `dkms build` (host test)
#   DEB_TEST=0      skip the Debian package build/install host test
#   SHUFFLED_KERNELS="trixie"  kernels that also run the shuffled-layout stub
#   MODES="auto forced-fallback"  attach modes per kernel (auto: the default
#                   mode; forced-fallback runs only where auto is struct_ops)
#   CHECK_HOTPLUG=N hot-unplug cycles of the guest hotplug group (default 2;
#                   the host drives QMP: selftests/hotplug-host.sh)
#   CHECK_JOBS=N    host tests and guests run at once (default 2: a guest
#                   keeps about one core busy; results print in order)
#   CHECK_KMODS=dir where the modules are built (default build/kmod)
#   CHECK_BOOT_TIMEOUT=S  a guest that has not started its tests (TAP) after
#                   S seconds is stopped (default 180; the harness self-test
#                   uses less)
#   SYSTEM_KERNELS="trixie-backports"  suites of KERNELS whose Debian machine
#                   boots with the packages apt-installed (selftests/system.sh;
#                   make check-full: all three)
#
# Prints a line per guest run ("run ..."), then per kernel "kernel <suite>
# <version> mode=<its default mode> passed=N failed=N skipped=N" (the sum of
# its runs), one sha256 line per BPF object, and ends with "N passed, N
# failed". Writes $CHECK_OUT/summary.json. Exit status is
# non-zero on any failed test, missing kernel or kernel splat.
# A silent boot (the console still empty when the guest is stopped for
# time: scripts/vm.sh) is booted once more by vm.sh; the verdict is the
# second boot's, and the retry shows: " retries=1" on its run and kernel
# lines, an indented "retry:" line (the first boot's logs are in the run's
# attempt1/), "retries" in summary.json (per run, per kernel, in total).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
out=$(realpath -m "${CHECK_OUT:-$repo/build/check}")	# absolute: initramfs.sh runs elsewhere
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

# key_of SPEC: the kernel's name in task and build directories
key_of() { kernel_key "$1" 2>/dev/null || echo "invalid-$(printf %s "$1" | sha256sum | cut -c1-8)"; }
json_str() { sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$1"; }

rm -rf "$out"; mkdir -p "$out/.tasks"

t=$(now)
make -s -C "$repo" all || die "build failed"
stage build "$t"

# guest payload shared by every kernel: the same BPF objects everywhere
payload=$out/payload
guest_payload "$repo" "$payload"
mkdir -p "$payload/drvhook/bpf-nocore"
cp "$repo"/build/bpf-nocore/*.bpf.o "$payload/drvhook/bpf-nocore/"
cp "$repo/build/edutest" "$repo/build/edustress" "$repo/build/jsoncheck" "$repo/build/vblkio" \
	"$repo/build/vblkfuzz" "$payload/usr/sbin/"
# the vdev group's client of the test-only device type (selftests/kmod/vdev/)
if [ -f "$repo/build/vdevtest" ]; then cp "$repo/build/vdevtest" "$payload/usr/sbin/"
else log "WARNING: no build/vdevtest: the guest group vdev will fail"; fi
cp "$repo"/selftests/guest/* "$payload/tests/"

# Tasks run up to $CHECK_JOBS at once, each in a subshell that leaves its
# output in $out/.tasks/NAME/: report (the lines to print), counts
# ("passed failed skipped"), entry (summary.json), done (seconds taken).
# They are printed in the order they were started, as soon as they are.
jobs_max=${CHECK_JOBS:-2}
tasks=() printed=0

# start_task NAME FUNC ARGS...: FUNC writes report and counts in $td
start_task() {
	local name=$1 td=$out/.tasks/$1; shift
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	mkdir -p "$td"
	# the inner subshell: a task that dies (die, exit) is still done
	(t=$(now); ("$@"); elapsed "$t" >"$td/done.tmp"; mv "$td/done.tmp" "$td/done") &
	tasks+=("$name")
	flush_tasks
}

# Each kernel's runs are printed together; after them, the kernel's line:
# its default mode (the auto run's) and the sum of its runs.
k_suite= k_ver= k_mode= k_p=0 k_f=0 k_s=0 k_splats=0 k_retries=0 k_runs=() retries=0
kernel_end() {
	[ -n "$k_suite" ] || return 0
	echo "kernel $k_suite $k_ver mode=$k_mode passed=$k_p failed=$k_f skipped=$k_s$([ "$k_splats" = 0 ] || echo " splats=$k_splats")$([ "$k_retries" = 0 ] || echo " retries=$k_retries")"
	entries+=("{\"suite\":\"$k_suite\",\"version\":\"$k_ver\",\"mode\":\"$k_mode\",\"passed\":$k_p,\"failed\":$k_f,\"skipped\":$k_s,\"splats\":$k_splats,\"retries\":$k_retries,\"runs\":[$(join "${k_runs[@]}")]}")
	retries=$((retries + k_retries))
	k_suite= k_p=0 k_f=0 k_s=0 k_splats=0 k_retries=0 k_runs=()
}
# kernel_add TASKDIR: a run (its "kernel" file: suite version mode run-mode),
# after kernel_end if the previous run was another kernel's
kernel_add() {
	local suite ver mode run p f s splats r
	read -r suite ver mode run <"$1/kernel"
	read -r p f s splats r <"$1/counts"
	[ "$suite" = "$k_suite" ] || k_suite=$suite k_ver=$ver k_mode=unknown
	[ "$run" = auto ] && k_mode=$mode
	k_p=$((k_p + p)) k_f=$((k_f + f)) k_s=$((k_s + s)) k_splats=$((k_splats + ${splats:-0}))
	k_retries=$((k_retries + ${r:-0}))
	k_runs+=("$(cat "$1/entry")")
}
join() { local IFS=,; echo "$*"; }

# flush_tasks [wait]: print the finished tasks in order (wait: all of them)
flush_tasks() {
	local td p f s
	while [ "$printed" -lt "${#tasks[@]}" ]; do
		td=$out/.tasks/${tasks[$printed]}
		if [ ! -f "$td/done" ]; then
			[ "${1:-}" = wait ] || return 0
			while [ ! -f "$td/done" ]; do sleep 0.5; done
		fi
		local ksuite=
		[ -f "$td/kernel" ] && read -r ksuite _ <"$td/kernel"
		[ "$ksuite" = "$k_suite" ] || kernel_end
		cat "$td/report" 2>/dev/null
		read -r p f s _ <"$td/counts" 2>/dev/null || { p=0 f=1 s=0; echo "  task ${tasks[$printed]} died"; }
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		[ -f "$td/entry" ] && kernel_add "$td"
		[ -f "$td/missing.json" ] && entries+=("$(cat "$td/missing.json")")
		log "stage ${tasks[$printed]}: $(cat "$td/done") s"
		printed=$((printed + 1))
	done
}

# tap_task NAME TAPFILE CMD...: runs CMD into TAPFILE, counts its TAP
tap_task() {
	local name=$1 tap=$2 td=$out/.tasks/$1 p f s; shift 2
	"$@" >"$tap" 2>&1
	read -r p f s < <(tap_count "$tap")
	[ "$p$f" = 00 ] && f=1	# no TAP at all is a failure
	{
		echo "host ${name#host-} passed=$p failed=$f skipped=$s"
		grep -E '^not ok|# SKIP' "$tap" | sed 's/^/  /'
	} >"$td/report"
	echo "$p $f $s" >"$td/counts"
}

# docs/writing-a-policy.md: its host commands build a policy outside the
# repo from a `make install DESTDIR` tree; the guest group thirdparty runs
# its guest commands with what they left in the payload. Before the host
# tests: the payload must be complete before any guest boots.
mkdir -p "$out/.tasks/doc-policy"
t=$(now)
tap_task doc-policy "$out/doc-policy.tap" "$repo/selftests/doc-policy.sh" "$payload/thirdparty"
elapsed "$t" >"$out/.tasks/doc-policy/done"
# docs/writing-a-stub.md: its guest commands, as steps of the guest group
# docstub (its file blocks and build commands: host test doc-stub)
mkdir -p "$payload/docstub"
python3 "$repo/selftests/doc-stub.py" --steps "$repo/docs/writing-a-stub.md" "$payload/docstub/steps" ||
	die "docs/writing-a-stub.md: its guest steps cannot be extracted"

append=
[ "${INJECT_FAIL:-}" = 1 ] && append="$append drvhook.inject_fail=1"
[ "${INJECT_WARN:-}" = 1 ] && append="$append drvhook.modparams=drvhook_edu.inject_warn=1"
[ -n "$groups" ] && append="$append drvhook.groups=$(echo $groups | tr ' ' ,)"
kmods=${CHECK_KMODS:-$repo/build/kmod}

# layouts SUITE: the stub layouts built and booted for SUITE
layouts() {
	case " ${SHUFFLED_KERNELS-trixie} " in
	*" $1 "*) echo plain shuffled ;;
	*) echo plain ;;
	esac
}

# prepare_kernels: every kernel, build root and modules, one after the
# other (they share the apt cache and the build roots' locks); a kernel that
# fails leaves $out/.tasks/kernels/missing-KEY (the reason) and its log in
# $out/kernel-KEY.log
prepare_kernels() {
	local suite key td=$out/.tasks/kernels t layout vars klog
	: >"$td/report"
	for suite in $kernels; do
		t=$(now)
		key=$(key_of "$suite") klog=$out/kernel-$key.log
		if ! kernel_key "$suite" >"$klog" 2>&1 ||
			! "$S/kernel.sh" fetch "$suite" >>"$klog" 2>&1 ||
			! "$S/buildroot.sh" "$suite" >>"$klog" 2>&1; then
			{ grep '^error: ' "$klog" || tail -1 "$klog"; } | tail -1 | sed 's/^error: //' >"$td/missing-$key"
			continue
		fi
		log "stage $key-fetch+root: $(elapsed "$t") s"
		t=$(now)
		for layout in $(layouts "$suite"); do
			vars=
			[ "$layout" = plain ] || vars=DRVHOOK_LAYOUT=$layout
			# a stub that fails to build leaves no module: the kernel's
			# runs fail as MISSING rather than test an older build
			"$S/build-kmod.sh" "$suite" "$kmods/$key/$layout" $vars \
				>"$out/kmod-$key${vars:+-$layout}.log" 2>&1 || {
				rm -f "$kmods/$key/$layout"/*.ko "$kmods/$key/$layout/modules"
				tail -20 "$out/kmod-$key${vars:+-$layout}.log" >>"$td/report"
			}
		done
		log "stage $key-kmod: $(elapsed "$t") s"
	done
	echo "0 0 0" >"$td/counts"
}

# run_kernel SPEC MODE LAYOUT: boots one guest, reports in its task dir
# (as suite: the kernel's name, kernel_name)
run_kernel() {
	local spec=$1 mode=$2 layout=$3 ver kdir log rc p f s splats=0 ap=$append suite key r=0
	local btmo=${CHECK_BOOT_TIMEOUT:-180}
	suite=$(kernel_name "$spec") key=$(key_of "$spec")
	local name=$key-$mode-$layout
	local td=$out/.tasks/$name
	log=$out/$name
	mkdir -p "$log"
	ver=$("$S/kernel.sh" path "$spec" version 2>/dev/null) || ver=unknown
	kdir=$kmods/$key/$layout
	# every module of scripts/lib.sh's DRVHOOK_KMODS, or none is tested
	if ! kmod_complete "$kdir"; then
		echo "run $suite $ver mode=$mode layout=$layout MISSING (no module built)" >"$td/report"
		echo "0 1 0 0" >"$td/counts"
		echo "$suite $ver unknown $mode" >"$td/kernel"
		echo "{\"suite\":\"$suite\",\"version\":\"$ver\",\"mode\":\"$mode\",\"layout\":\"$layout\",\"passed\":0,\"failed\":1,\"skipped\":0,\"splats\":0,\"retries\":0,\"error\":\"module not built\"}" >"$td/entry"
		return
	fi
	rm -rf "$log/root"; mkdir -p "$log/root/drvhook"
	kmod_install "$kdir" "$log/root/drvhook"
	kernel_mods_install "$spec" "$log/root/drvhook/kernel" ||
		die "the kernel's modules for $name failed"
	"$S/initramfs.sh" "$log/initramfs.cpio.gz" "$payload" "$log/root" 2>/dev/null ||
		die "initramfs for $name failed"
	[ "$mode" = forced-fallback ] && ap="$ap drvhook.mode=fallback"
	ap="$ap drvhook.layout=$layout drvhook.hotplug=${CHECK_HOTPLUG:-2}"
	rc=0
	"$S/vm.sh" run "$spec" "$log/initramfs.cpio.gz" "$log" --edu 2 --vblk 64 --qmp \
		--timeout 900 --boot-timeout "$btmo" --boot-marker '^TAP version 13' \
		--append "$ap" 2>"$log/vm.err" &
	local vmpid=$! hppid
	"$repo/selftests/hotplug-host.sh" "$log" $vmpid >"$log/hotplug-host.log" 2>&1 &
	hppid=$!
	wait $vmpid || rc=$?
	wait $hppid
	grep -aE '^(TAP|ok |not ok |#|1\.\.)' "$log/console.log" >"$log/tap.txt" 2>/dev/null
	read -r p f s < <(tap_count "$log/tap.txt")
	read -r splats <"$log/splats" 2>/dev/null || splats=0
	[ -f "$log/retries" ] && r=$(wc -l <"$log/retries")
	case $rc in
	0) ;;
	100) [ "$splats" -gt 0 ] || splats=1 ;;
	*) [ "$f" -gt 0 ] || f=$((f + 1)) ;;	# died, hung, or red without TAP
	esac
	[ "$splats" -gt 0 ] && f=$((f + 1))	# a splat fails the run, whatever the tests said
	mode=$(sed -n 's/^# drvhook-mode \([a-z_]*\).*/\1/p' "$log/tap.txt" | head -1)
	mode=${mode:-unknown}
	{
		echo "run $suite $ver mode=$mode layout=$layout passed=$p failed=$f skipped=$s splats=$splats retries=$r" |
			sed 's/ splats=0 / /; s/ retries=0$//'
		[ "$r" = 0 ] || sed 's/^/  retry: /' "$log/retries"
		grep -aE '^not ok' "$log/tap.txt" | sed 's/^/  /'
		grep -aE '^# portability:' "$log/tap.txt" | sed 's/^# /  /'
		grep -aE '# SKIP' "$log/tap.txt" | sed 's/^ok [0-9]* - /  skip: /'
		[ "$splats" -gt 0 ] && grep -E '^(  |kernel: )' "$log/vm.err" |
			grep -E 'WARNING:|BUG:|Oops|RCU|refcount_t|general protection|panic|KASAN|UBSAN|blocked' |
			sed 's/^ *\(kernel: \)*/  splat: /' | head -5
		[ -f "$log/boot-timeout" ] && echo "  guest did not reach its test runner within $btmo s: see $log/console.log"
		[ -f "$log/hang-regs.txt" ] && echo "  its vCPUs when it was stopped: $log/hang-regs.txt"
		[ $rc = 101 ] && echo "  guest died or hung: see $log/console.log"
	} >"$td/report"
	echo "$p $f $s $splats $r" >"$td/counts"
	echo "$suite $ver $mode $2" >"$td/kernel"
	echo "{\"suite\":\"$suite\",\"version\":\"$ver\",\"mode\":\"$mode\",\"layout\":\"$layout\",\"passed\":$p,\"failed\":$f,\"skipped\":$s,\"splats\":$splats,\"retries\":$r}" >"$td/entry"
}

# Host tests: fast feedback first (their lines print before any kernel's).
# The kernels' fetch, build root and module builds run beside them.
if [ "${HOST_TESTS:-1}" = 1 ]; then
	for ht in "$repo"/selftests/host/*.sh; do
		[ -x "$ht" ] || continue
		name=host-$(basename "$ht" .sh)
		[ -n "${prep_started:-}" ] || { start_task kernels prepare_kernels; prep_started=1; }
		start_task "$name" tap_task "$name" "$out/$name.tap" "$ht"
	done
fi
tasks+=(doc-policy)

[ -n "${prep_started:-}" ] || start_task kernels prepare_kernels
while [ ! -f "$out/.tasks/kernels/done" ]; do sleep 0.5; done
for suite in $kernels; do
	key=$(key_of "$suite")
	if [ -f "$out/.tasks/kernels/missing-$key" ]; then
		md=$out/.tasks/missing-$key why=$(cat "$out/.tasks/kernels/missing-$key")
		mkdir -p "$md"
		{
			echo "kernel $(kernel_name "$suite") MISSING (fetch or build root failed)"
			echo "  $why"
			echo "  see $out/kernel-$key.log"
		} >"$md/report"
		echo "0 1 0" >"$md/counts"
		echo "{\"suite\":\"$(json_str "$(kernel_name "$suite")")\",\"version\":\"unknown\",\"mode\":\"unknown\",\"passed\":0,\"failed\":1,\"skipped\":0,\"splats\":0,\"missing\":\"$(json_str "$why")\",\"runs\":[]}" >"$md/missing.json"
		echo 0 >"$md/done"
		tasks+=("missing-$key")
		continue
	fi
	for layout in $(layouts "$suite"); do
		for mode in ${MODES:-auto forced-fallback}; do
			# forced-fallback only where auto is struct_ops
			[ "$mode" = forced-fallback ] && ! kernel_struct_ops "$suite" && continue
			start_task "$key-$mode-$layout" run_kernel "$suite" "$mode" "$layout"
		done
	done
done
# the booted Debian machine: drvhook as apt installs it (selftests/system.sh)
system_task() {
	local td=$out/.tasks/system-$1 p f s
	SYSTEM_OUT=$out/system-$1 "$repo/selftests/system.sh" "$1" >"$out/system-$1.tap" 2>&1
	read -r p f s < <(tap_count "$out/system-$1.tap")
	grep -q "^system $1 .* failed=0 " "$out/system-$1.tap" || [ "$f" != 0 ] || f=1
	{
		grep "^system $1 " "$out/system-$1.tap" || echo "system $1 passed=$p failed=$f (see $out/system-$1.tap)"
		grep -E '^not ok' "$out/system-$1.tap" | sed 's/^/  /'
	} >"$td/report"
	echo "$p $f $s" >"$td/counts"
}
for suite in ${SYSTEM_KERNELS-trixie-backports}; do
	case " $kernels " in *" $suite "*) start_task "system-$suite" system_task "$suite" ;; esac
done
flush_tasks wait
wait
kernel_end

objs=()
for o in "$repo"/build/bpf/*.bpf.o; do
	h=$(sha256sum "$o" | cut -d' ' -f1)
	echo "bpf sha256 $(basename "$o") $h"
	objs+=("{\"file\":\"$(basename "$o")\",\"sha256\":\"$h\"}")
done

cat >"$out/summary.json" <<EOF
{"kernels":[$(join "${entries[@]}")],"objects":[$(join "${objs[@]}")],"passed":$passed,"failed":$failed,"skipped":$skipped,"retries":$retries}
EOF
python3 -m json.tool "$out/summary.json" >/dev/null || die "summary.json is not JSON"
stage total "$t_all"
[ "$retries" = 0 ] || echo "retried boots: $retries (silent first boots: see the runs' retry: lines)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
