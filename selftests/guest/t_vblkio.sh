# vblkio: verified I/O (selftests/vblkio.c: O_DIRECT 4..64 KiB random
# writes and reads, each 4 KiB block stamped, all read back at the end)
# on /dev/vblk0's sectors [8, 56) MiB while each policy of
# VBLKIO_POLICIES is attached, replaced by the next one and detached: no
# block lost, stale, misplaced or corrupt, no I/O error. Then QMP
# hot-unplug of the disk with vblkio in flight (the host:
# selftests/hotplug-host.sh, "DRVHOOK-HOTPLUG <seq> add|del vblk END";
# drvhook.hotplug=N cycles): every request ends, vblkio exits, vblk0
# goes; the policies, all attached, stay pinned ("device absent"); after
# the re-plug they apply again and every write acknowledged before the
# unplug reads back. drvhook.vblk_hotplug=N overrides the cycles (make
# stress).
#   # STRESS vblk-hotplug held=N faults=N inputs=N lost=N secs=S

# OBJ[:NAME=VALUE]..., settings that keep the I/O succeeding: ranges
# outside [8, 64) MiB (vblkio's [8, 56), vblkfuzz's [56, 64)), i.e. below
# sector 16384; rates far above vblkio's. The vblkstress group's too.
VBLKIO_POLICIES="vblk_protect:start=0:end=2048 test_vblk_count vblk_faults:start=0:end=2048 vblk_latency vblk_throttle:iops=100000:burst=1000"

VB=/dev/vblk0
VIO="-o 8 -s 48 -j 4"
CLEAN='errors=0 .* lost=0 stale=0 dup=0 corrupt=0 rc=0$'
if [ ! -b $VB ]; then
	skip "vblkio group" "no /dev/vblk0 (see the vblk group)"
	return 0
fi
vio_obj() { echo "$BPF/${1%%:*}.bpf.o"; }
vio_sets() { case $1 in *:*) echo "${1#*:}" | tr ':' '\n' | sed 's/^/set /' ;; esac; }
vio_name() { echo "${1%%:*}"; }
# vio_calls: the calls of policy vio's hooks, summed (HOOK=CALLS/REFUSED)
vio_calls() {
	n=0
	for c in $(grep '^vio ' /sys/class/drvhook/vblk0/policies | tr ' ' '\n' |
		sed -n 's|^[a-z_]*=\([0-9]*\)/.*|\1|p'); do
		n=$((n + c))
	done
	echo $n
}
# vio_wait CONDITION: up to 120 s (a bound against hangs, not a timing test)
vio_wait() {
	n=0
	until eval "$1"; do
		n=$((n + 1)); [ $n -ge 1200 ] && return 1
		sleep 0.1
	done
}
vio_progs() { drvhook -j policy show dev vblk0 name "$1" 2>&1 | grep -o '"prog_id":[0-9]*' | tr '\n' ' '; }
# vio_start: vblkio until SIGTERM, in the background ($vio_pid)
vio_start() {
	rm -f /tmp/vio.ready /tmp/vio.state
	vblkio run $VB $VIO -t 0 -f /tmp/vio.state -r /tmp/vio.ready >/tmp/vio.out 2>&1 &
	vio_pid=$!
	vio_wait "[ -e /tmp/vio.ready ] || ! kill -0 $vio_pid 2>/dev/null"
}
# vio_stop: its summary and status in $vio_res (not in a subshell: the
# wait must be the starting shell's)
vio_stop() {
	kill -TERM $vio_pid 2>/dev/null
	wait $vio_pid
	vio_rc=$?
	vio_res="$(grep '^vblkio run' /tmp/vio.out) rc=$vio_rc"
}
# status of dd itself, not of tr: busybox sh has no pipefail
dd_st() { dd "$@" 2>/tmp/vio-dd.err; echo "rc=$? $(tr '\n' ' ' </tmp/vio-dd.err)"; }

out=$(vblkio run $VB $VIO -t 3 2>&1; echo "rc=$?")
expect_match "vblkio without a policy: clean (3 s)" "$CLEAN" "$(echo $out)"
echo "# $(echo "$out" | grep '^vblkio')"

set -- $VBLKIO_POLICIES
first=$1
while [ $# -gt 0 ]; do
	p=$1 q=${2:-$first}
	shift
	vio_start
	out=$(run_rc drvhook policy attach "$(vio_obj $p)" dev vblk0 name vio $(vio_sets $p) $MODE_ARG)
	expect_match "vblkio: $(vio_name $p) attaches under verified I/O" 'rc=0$' "$out"
	sleep 1
	r0=$(vio_calls)
	p0=$(vio_progs vio)
	out=$(run_rc drvhook policy replace dev vblk0 name vio "$(vio_obj $q)" $(vio_sets $q))
	expect_match "vblkio: $(vio_name $p) replaced by $(vio_name $q) under verified I/O" 'rc=0$' "$out"
	p1=$(vio_progs vio)
	sleep 1
	r1=$(vio_calls)
	expect "... the new programs run, its hooks ran on both sides" "yes yes" \
		"$([ -n "$p1" ] && [ "$p0" != "$p1" ] && echo yes) $([ "$r0" -gt 0 ] && [ "$r1" -gt "$r0" ] && echo yes)"
	out=$(run_rc drvhook policy detach dev vblk0 name vio)
	expect_match "vblkio: $(vio_name $q) detaches under verified I/O" 'rc=0$' "$out"
	sleep 1
	vio_stop
	out=$vio_res
	expect_match "vblkio: no I/O lost, stale, misplaced or corrupt across $(vio_name $p) -> $(vio_name $q)" \
		"writes=[1-9].*$CLEAN" "$out"
	echo "# $out"
done
expect "vblkio: vblk0 has no policy left" "" "$(cat /sys/class/drvhook/vblk0/policies)"

HP_N=$(param vblk_hotplug); HP_N=${HP_N:-$(param hotplug)}
if [ "$(param layout)" = shuffled ]; then
	skip "vblkio hot-unplug" "runs on the plain layout only (same code paths; keeps make check short)"
	return 0
fi
if [ -z "$HP_N" ]; then
	skip "vblkio hot-unplug" "no host QMP driver (drvhook.hotplug=N; make check and make stress give one)"
	return 0
fi

hp_t0=$(cut -d' ' -f1 /proc/uptime)
hp_seq=0
hp_req() { hp_seq=$((hp_seq + 1)); echo "DRVHOOK-HOTPLUG $hp_seq $1 vblk END"; }
i=0
for p in $VBLKIO_POLICIES; do
	out=$(run_rc drvhook policy attach "$(vio_obj $p)" dev vblk0 name hp$i $(vio_sets $p) $MODE_ARG)
	expect_match "vblk hot-unplug: $(vio_name $p) attached as hp$i" 'rc=0$' "$out"
	i=$((i + 1))
done
nr_pol=$i
vio_pols_ok() {
	j=0
	while [ $j -lt $nr_pol ]; do
		drvhook policy list dev vblk0 2>&1 | grep -q "hp$j .*$1" || return 1
		j=$((j + 1))
	done
}
EIO='^rc=[1-9].*(Input/output|I/O) error'

hp_faults=0 hp_held=0 hp_lost=0 i=0
hp_fail() { hp_faults=$((hp_faults + 1)); [ $hp_faults -le 6 ] && echo "#   cycle $i: $*"; c_ok=0; }
while [ $i -lt "$HP_N" ]; do
	i=$((i + 1)) c_ok=1
	vio_start
	[ -e /tmp/vio.ready ] || hp_fail "vblkio never got going: $(cat /tmp/vio.out)"
	sleep 0.5
	hp_req del
	vio_wait "[ ! -e /sys/class/drvhook/vblk0 ]" || hp_fail "vblk0 still there after device_del"
	# every request in flight ends (an error or done): vblkio exits
	if ! vio_wait "! kill -0 $vio_pid 2>/dev/null"; then
		hp_fail "vblkio still running 120 s after the removal"
		kill -9 $vio_pid 2>/dev/null
	fi
	wait $vio_pid
	vio_rc=$?
	l="$(grep '^vblkio run' /tmp/vio.out) rc=$vio_rc"
	echo "$l" | grep -qE 'errors=[1-9].* lost=0 stale=0 dup=0 corrupt=0 rc=3$' ||
		hp_fail "vblkio across the unplug: $l"
	[ -e $VB ] && hp_fail "$VB still there after the removal"
	vio_pols_ok "device absent" || hp_fail "policy list while absent: $(drvhook policy list dev vblk0 2>&1)"
	hp_req add
	vio_wait "[ -e /sys/class/drvhook/vblk0 ] && [ -b $VB ]" || hp_fail "vblk0 not back after device_add"
	v=$(echo $(vblkio verify $VB -f /tmp/vio.state 2>&1; echo "rc=$?"))
	echo "$v" | grep -qE 'errors=0 .* lost=0 stale=0 dup=0 corrupt=0 rc=0$' ||
		hp_fail "acknowledged writes after the re-plug: $v"
	hp_lost=$((hp_lost + $(kv lost "$v") + $(kv stale "$v") + 0))
	vio_pols_ok attached || hp_fail "policy list after re-plug: $(drvhook policy list dev vblk0 2>&1)"
	[ "$(grep -c '^hp[0-9]* ' /sys/class/drvhook/vblk0/policies)" = $nr_pol ] ||
		hp_fail "vblk0's chain after re-plug: $(cat /sys/class/drvhook/vblk0/policies)"
	case " $VBLKIO_POLICIES" in
	*" vblk_protect:start=0:"*)
		w=$(dd_st if=/dev/zero of=$VB bs=4k count=1 oflag=direct)
		echo "$w" | grep -qE "$EIO" || hp_fail "vblk_protect after re-plug: a write to sector 0: $w" ;;
	esac
	out=$(echo $(vblkio run $VB $VIO -t 2 2>&1; echo "rc=$?"))
	echo "$out" | grep -qE "$CLEAN" || hp_fail "vblkio after re-plug: $out"
	[ $c_ok = 1 ] && hp_held=$((hp_held + 1))
	[ $((i % 10)) = 0 ] && echo "# vblk-hotplug $i/$HP_N"
done
expect "vblk hot-unplug: $HP_N removals with vblkio in flight held" "$HP_N 0" "$hp_held $hp_faults"
expect "vblk hot-unplug: no acknowledged write lost" 0 "$hp_lost"
j=0
while [ $j -lt $nr_pol ]; do
	out=$(run_rc drvhook policy detach dev vblk0 name hp$j)
	expect_match "vblk hot-unplug: hp$j detaches from the re-plugged vblk0" 'rc=0$' "$out"
	j=$((j + 1))
done
out=$(dd_st if=/dev/zero of=$VB bs=4k count=1 oflag=direct)
expect_match "vblk hot-unplug: detached, sector 0 is writable again" '^rc=0' "$out"
echo "# STRESS vblk-hotplug held=$hp_held faults=$hp_faults inputs=$i lost=$hp_lost secs=$(awk -v a=$hp_t0 -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')"
