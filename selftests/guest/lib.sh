# TAP helpers for the guest tests (busybox sh). Sourced by ./run.
T=0
PASSED=0
FAILED=0
SKIPPED=0

# The counters also go to $TAP_COUNTS: a group runs in a subshell (./run)
# and its counts must survive it, even when it is killed.
TAP_COUNTS=/tmp/tap.counts
save_counts() { echo "$T $PASSED $FAILED $SKIPPED" >"$TAP_COUNTS"; }

ok() {
	T=$((T + 1)); PASSED=$((PASSED + 1))
	echo "ok $T - $*"
	save_counts
}

not_ok() {
	T=$((T + 1)); FAILED=$((FAILED + 1))
	echo "not ok $T - $*"
	save_counts
}

skip() { # skip NAME REASON
	T=$((T + 1)); SKIPPED=$((SKIPPED + 1))
	echo "ok $T - $1 # SKIP $2"
	save_counts
}

# expect NAME EXPECTED ACTUAL
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: $2"
		echo "#   got:      $3"
	fi
}

# expect_match NAME PATTERN TEXT: TEXT contains PATTERN (grep -E)
expect_match() {
	if echo "$3" | grep -qE -- "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected to match: $2"
		echo "$3" | sed 's/^/#   got: /' | head -20
	fi
}

# run_rc CMD...: prints "rc=<exit code>" after the command's output
run_rc() {
	"$@" 2>&1
	echo "rc=$?"
}

# The kernel parameter drvhook.<name>=VALUE
param() {
	for a in $(cat /proc/cmdline); do
		case $a in "drvhook.$1="*) echo "${a#*=}" ;; esac
	done
}

# attach OBJ DEV [args...]: in the mode this run tests
attach() {
	obj=$1 dev=$2; shift 2
	drvhook policy attach "$BPF/$obj.bpf.o" dev "$dev" "$@" $MODE_ARG
}

fact() {
	n=1 r=1
	while [ "$n" -le "$1" ]; do r=$((r * n)); n=$((n + 1)); done
	echo $((r & 0xffffffff))
}

# kv KEY LINE: the value of KEY=... in LINE
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
