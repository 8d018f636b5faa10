#!/bin/bash
# make vm: the interactive guest a person gets. Its console is driven
# through stdin as a person would type: wait for the prompt's greeting,
# list the devices, attach and detach a policy, power off.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
suite=${VM_TEST_KERNEL:-trixie-backports}
con=$repo/build/vm/$suite/log/console.log
out=$(mktemp); trap 'rm -f "$out"' EXIT

# type: waits for the stub's greeting, then types each line once the
# previous one's output is there (a marker echoed after it)
type_in() {
	local i=0 line
	for ((t = 0; t < 300; t++)); do
		# the prompt after the greeting: the shell reads its input now
		tr -d '\r' 2>/dev/null <"$con" | grep -A1 'drvhook: stub loaded' | grep -q '^/ # ' && break
		sleep 1
	done
	for line in "drvhook device list" \
		"drvhook policy attach /drvhook/bpf/fact_guard.bpf.o dev edu0 name g && echo F\"\"ACT \$(edutest fact edu0 13)" \
		"drvhook policy detach dev edu0 name g && echo F\"\"ACT \$(edutest fact edu0 13)"; do
		i=$((i + 1))
		echo "$line; echo VMTEST-DO\"\"NE-$i"	# the echoed input does not match
		for ((t = 0; t < 120; t++)); do
			grep -q "^VMTEST-DONE-$i" "$con" 2>/dev/null && break
			sleep 1
		done
	done
	echo "poweroff -f"
}
rm -f "$con"	# a stale log would let type_in start early
type_in | timeout 600 "$repo/selftests/vm.sh" "$suite" >"$out" 2>&1
rc=$?
expect "make vm: the guest ran and powered off (exit 0)" 0 "$rc"
tr -d '\r' <"$con" >"$out.con" 2>/dev/null
grep -q '^edu0 ' "$out.con" && grep -q '^edu1 ' "$out.con" &&
	ok "make vm: the stub is loaded and the loader lists edu0 and edu1" ||
	not_ok "make vm: the stub is loaded and the loader lists edu0 and edu1"
expect "make vm: fact_guard refuses fact 13 on edu0, detach restores it" \
	"FACT error ERANGE FACT 1932053504" "$(grep -aoE '^FACT .*' "$out.con" | tr '\n' ' ' | sed 's/ $//')"
rm -f "$out.con"
echo "1..$n"
