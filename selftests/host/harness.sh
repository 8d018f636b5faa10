#!/bin/bash
# The harness must turn red: an injected failing guest test and an
# injected kernel WARN each make `make check` exit non-zero. One kernel,
# one short test group, results under build/check-harness/.
# And a silent boot (scripts/vm.sh: stopped for time, nothing on the
# console) is booted once more, never a silent pass: with a "kernel" that
# halts at once (a multiboot image: cli; hlt) as the first boot only, the
# run passes and says retries=1; as both boots, it fails and says
# retries=1; a "kernel" that prints a line and then halts is not retried.
# Either way the vCPUs' state is kept: the halt loop's EIP in
# hang-regs.txt. HARNESS_CASES picks cases (default all: INJECT_FAIL
# INJECT_WARN silent-once silent talk).
repo=$(cd "$(dirname "$0")/../.." && pwd)
suite=${HARNESS_KERNEL:-trixie}
cases=${HARNESS_CASES:-INJECT_FAIL INJECT_WARN silent-once silent talk}
top=$repo/build/check-harness
n=0
echo "TAP version 13"
for inject in INJECT_FAIL:'^  not ok [0-9]+ - injected failure' INJECT_WARN:'^  splat: .*WARNING:'; do
	why=${inject#*:} inject=${inject%%:*}
	case " $cases " in *" $inject "*) ;; *) continue ;; esac
	n=$((n + 1))
	out=$top/$inject
	mkdir -p "$out"
	rc=0
	env "$inject=1" KERNELS="$suite" TESTS=device CHECK_OUT="$out" CHECK_KMODS="$out/kmod" \
		HOST_TESTS=0 MODES=auto SHUFFLED_KERNELS= SYSTEM_KERNELS= "$repo/selftests/check.sh" >"$out.log" 2>&1 || rc=$?
	if [ $rc != 0 ] && tail -1 "$out.log" | grep -qE '^[0-9]+ passed, [1-9][0-9]* failed$'; then
		echo "ok $n - $inject=1 turns make check red ($(tail -1 "$out.log"))"
	else
		echo "not ok $n - $inject=1 turns make check red (rc=$rc)"
		tail -5 "$out.log" | sed 's/^/# /'
	fi
	n=$((n + 1))
	if grep -qE "$why" "$out.log"; then
		echo "ok $n - $inject=1: the run says why ($(grep -m1 -E "$why" "$out.log" | cut -c1-100))"
	else
		echo "not ok $n - $inject=1: the run says why (no line matching '$why')"
		grep -vE '^(>>|bpf sha256)' "$out.log" | tail -8 | sed 's/^/# /'
	fi
done

# multiboot IMAGE CODE-HEX [DATA]: a flat multiboot kernel (QEMU -kernel
# loads it at 1 MiB), entry at 0x100020, DATA at 0x100040
multiboot() {
	python3 - "$@" <<'EOP'
import struct, sys
out, code, data = sys.argv[1], bytes.fromhex(sys.argv[2]), (sys.argv[3:] or [""])[0]
magic, flags = 0x1BADB002, 0x00010000
hdr = struct.pack("<8I", magic, flags, -(magic + flags) & 0xffffffff,
                  0x100000, 0x100000, 0, 0, 0x100020)
open(out, "wb").write(hdr + code.ljust(0x20, b"\0") + data.encode() + b"\n\0")
EOP
}
mkdir -p "$top"
# cli; hlt; jmp .-1: halted at EIP 0x100022
multiboot "$top/silent.img" "fa f4 eb fd"
# cld; mov $0x3f8,%edx; mov $0x100040,%esi; 1: lodsb; test %al,%al; je 2f;
# out %al,(%dx); jmp 1b; 2: cli; hlt; jmp .-1: halted at EIP 0x100035
multiboot "$top/talk.img" "fc ba f8 03 00 00 be 40 00 10 00 ac 84 c0 74 03 ee eb f8 fa f4 eb fd" \
	"drvhook harness: an early line, then a hang"

# tap NAME CONDITION...: one TAP line; CONDITION is a command
tap() {
	local name=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
}
# summary FILE PY-EXPR: the expression over summary.json (j) and its only run (r)
summary() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); k = j["kernels"][0]; r = k["runs"][0]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$@" 2>/dev/null
}
runline() { grep -E "^run $suite " "$1"; }

for c in silent-once silent talk; do
	case " $cases " in *" $c "*) ;; *) continue ;; esac
	out=$top/$c log=$top/$c.log
	case $c in
	# the boot timeout: the image's wait, and the real kernel's (silent-once:
	# its TAP under a loaded host) to start its tests
	silent-once) vars=(DRVHOOK_BZIMAGE_FIRST="$top/silent.img" CHECK_BOOT_TIMEOUT=90) ;;
	silent) vars=(DRVHOOK_BZIMAGE="$top/silent.img" CHECK_BOOT_TIMEOUT=10) ;;
	talk) vars=(DRVHOOK_BZIMAGE="$top/talk.img" CHECK_BOOT_TIMEOUT=10) ;;
	esac
	rc=0
	env "${vars[@]}" KERNELS="$suite" TESTS=device CHECK_OUT="$out" \
		CHECK_KMODS="$top/kmod" HOST_TESTS=0 MODES=auto SHUFFLED_KERNELS= \
		"$repo/selftests/check.sh" >"$log" 2>&1 || rc=$?
	run=$out/$suite-auto-plain
	case $c in
	silent-once)
		tap "silent first boot: booted again, the run passes (rc=$rc, $(tail -1 "$log"))" \
			eval '[ $rc = 0 ] && tail -1 "$log" | grep -qE "^[1-9][0-9]* passed, 0 failed$"'
		tap "silent first boot: the run line says retries=1 ($(runline "$log"))" \
			eval 'runline "$log" | grep -qE " failed=0 .*retries=1$"'
		tap "silent first boot: summary.json has retries 1 in the run, the kernel and the total" \
			summary "$out/summary.json" 'r["retries"] == k["retries"] == j["retries"] == 1 and j["failed"] == 0'
		;;
	silent)
		tap "silent boots: the run fails after one retry (rc=$rc, $(tail -1 "$log"))" \
			eval '[ $rc != 0 ] && tail -1 "$log" | grep -qE "^[0-9]+ passed, [1-9][0-9]* failed$"'
		tap "silent boots: the run line says retries=1 ($(runline "$log"))" \
			eval 'runline "$log" | grep -qE " failed=[1-9][0-9]* .*retries=1$"'
		tap "silent boots: summary.json has retries 1 and the failure" \
			summary "$out/summary.json" 'r["retries"] == k["retries"] == j["retries"] == 1 and r["failed"] >= 1'
		tap "silent boots: the second boot's vCPU state, halted in the image (EIP=00100022)" \
			grep -qs 'EIP=00100022 .* HLT=1' "$run/hang-regs.txt"
		;;
	talk)
		tap "early line, then a hang: fails, not retried ($(runline "$log"))" \
			eval '[ $rc != 0 ] && runline "$log" | grep -qE " failed=[1-9]" && ! runline "$log" | grep -q retries= && [ ! -e "$run/attempt1" ]'
		tap "early line, then a hang: summary.json has retries 0" \
			summary "$out/summary.json" 'r["retries"] == k["retries"] == j["retries"] == 0'
		tap "early line, then a hang: its console and vCPU state kept (EIP=00100035)" \
			eval 'grep -q "an early line, then a hang" "$run/console.log" && grep -qs "EIP=00100035 .* HLT=1" "$run/hang-regs.txt"'
		;;
	esac
	case $c in silent*)
		tap "$c: the run says why, and where the first boot's logs are" \
			grep -qE "^  retry: attempt 1 printed nothing \(0 bytes on the console; boot-timeout after [0-9]+ s\): booted again; its logs: .*/attempt1/$" "$log"
		tap "$c: the first boot's empty console and its vCPU state kept (EIP=00100022)" \
			eval '[ -f "$run/attempt1/console.log" ] && [ ! -s "$run/attempt1/console.log" ] && grep -qs "EIP=00100022 .* HLT=1" "$run/attempt1/hang-regs.txt"'
		;;
	esac
done
echo "1..$n"
