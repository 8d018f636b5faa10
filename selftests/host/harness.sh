#!/bin/bash
# The harness must turn red: an injected failing guest test and an
# injected kernel WARN each make `make check` exit non-zero. One kernel,
# one short test group, results under build/check-harness/.
repo=$(cd "$(dirname "$0")/../.." && pwd)
suite=${HARNESS_KERNEL:-trixie}
n=0
echo "TAP version 13"
for inject in INJECT_FAIL:'^  not ok [0-9]+ - injected failure' INJECT_WARN:'^  splat: .*WARNING:'; do
	why=${inject#*:} inject=${inject%%:*}
	n=$((n + 1))
	out=$repo/build/check-harness/$inject
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
echo "1..$n"
