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

# The stub's modules: /drvhook/NAME.ko, and /drvhook/modules their names in
# load order (the host writes it from scripts/lib.sh's DRVHOOK_KMODS):
# drvhook (the hook core) first, then the device modules (drvhook_edu).
MODULES=/drvhook

# modparams MODULE: the parameters drvhook.modparams=MODULE.PARAM=VALUE,...
# gives MODULE (e.g. drvhook.modparams=drvhook_edu.inject_warn=1)
modparams() {
	param modparams | tr , '\n' | sed -n "s/^$1\\.//p" | tr '\n' ' '
}

# load_modules [DIR]: insmod each module of DIR (default $MODULES) not
# loaded yet, in load order, with its modparams; stops at the first failure
# (its status; the messages on stderr). Without DIR, the kernel's own
# modules of $MODULES/kernel first (the host's kernel_mods_install: virtio
# transport, ext4), each tried once: one the kernel refuses leaves its
# message and the rest still loads.
load_modules() {
	if [ -z "${1:-}" ] && [ -f "$MODULES/kernel/modules" ]; then
		while read -r lm_m; do
			[ -e "/sys/module/$lm_m" ] || insmod "$MODULES/kernel/$lm_m.ko"
		done <"$MODULES/kernel/modules"
	fi
	lm_d=${1:-$MODULES}
	while read -r lm_m; do
		[ -e "/sys/module/$lm_m" ] && continue
		# shellcheck disable=SC2046 # one word per parameter
		insmod "$lm_d/$lm_m.ko" $(modparams "$lm_m") || return
	done <"$lm_d/modules"
}

# unload_modules [TRIES]: rmmod each loaded module of $MODULES in reverse
# load order, each tried up to TRIES times (default 1) 0.25 s apart: the
# kernel frees a detached policy (and its hold on the module) after RCU
# grace periods. Stops at the first module that stays: non-zero, and the
# last rmmod's message in $UNLOAD_ERR.
# shellcheck disable=SC2034 # UNLOAD_ERR: for the callers
unload_modules() {
	UNLOAD_ERR=
	# shellcheck disable=SC2013 # module names are words
	for um_m in $(sed '1!G;h;$!d' "$MODULES/modules"); do
		[ -e "/sys/module/$um_m" ] || continue
		um_i=0
		until UNLOAD_ERR=$(rmmod "$um_m" 2>&1); do
			um_i=$((um_i + 1)); [ $um_i -ge "${1:-1}" ] && return 1
			sleep 0.25
		done
	done
}

# devices [TYPE]: the drvhook devices (/sys/class/drvhook/T<N>:
# directories, not the class's types file), of type TYPE only if given
# (their type attribute), space separated, in name order
devices() {
	dv=
	for dv_d in /sys/class/drvhook/*; do
		[ -d "$dv_d" ] || continue
		[ -z "${1:-}" ] || [ "$(cat "$dv_d/type" 2>/dev/null)" = "$1" ] || continue
		dv="$dv ${dv_d##*/}"
	done
	echo "${dv# }"
}
