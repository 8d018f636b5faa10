# Hot-unplug with a policy attached and requests in flight (issue #6).
# The host removes and re-adds an edu device through QMP; the guest asks
# for each step with a console line
#   DRVHOOK-HOTPLUG <seq> add|del END
# that selftests/hotplug-host.sh (started by check.sh and stress.sh next
# to the VM) acts on. drvhook.hotplug=N: N remove/re-add cycles; without
# it (no host driver) the group is skipped.
#   # STRESS hotplug held=N faults=N inputs=N lost=N secs=S

HP_N=$(param hotplug)
if [ "$(param layout)" = shuffled ]; then
	skip "hotplug group" "runs on the plain layout only (same code paths; keeps make check short)"
	return 0
fi
if [ -z "$HP_N" ]; then
	skip "hotplug group" "no host QMP driver (drvhook.hotplug=N; make check and make stress give one)"
	return 0
fi

hp_t0=$(cut -d' ' -f1 /proc/uptime)
hp_seq=0
hp_req() { hp_seq=$((hp_seq + 1)); echo "DRVHOOK-HOTPLUG $hp_seq $1 END"; }
# hp_wait CONDITION: up to 120 s (a bound against hangs, not a timing test)
hp_wait() {
	n=0
	until eval "$1"; do
		n=$((n + 1)); [ $n -ge 1200 ] && return 1
		sleep 0.1
	done
}
hp_ndev() { devices edu | wc -w; }
n0=$(hp_ndev)
hpdev=edu$n0	# the lowest free id: edu0..edu(n0-1) are taken

hp_req add
if ! hp_wait "[ -e /sys/class/drvhook/$hpdev ]"; then
	not_ok "hotplug: host's device_add gives $hpdev"
	echo "# STRESS hotplug held=0 faults=1 inputs=0 lost=0 secs=0 (no device from the host)"
	return 0
fi
ok "hotplug: host's device_add gives $hpdev"
hp_wait "[ -e /dev/$hpdev ]"
out=$(run_rc attach test_basic $hpdev name hp)
expect_match "hotplug: test_basic attached to $hpdev" "rc=0" "$out"

hp_faults=0 hp_held=0 hp_lost=0 i=0
hp_fail() { hp_faults=$((hp_faults + 1)); [ $hp_faults -le 6 ] && echo "#   cycle $i: $*"; c_ok=0; }
while [ $i -lt "$HP_N" ]; do
	i=$((i + 1)) c_ok=1
	rm -f /tmp/hp.ready
	edustress inflight $hpdev 3 /tmp/hp.ready basic >/tmp/hp.out 2>&1 &
	lp=$!
	hp_wait "[ -e /tmp/hp.ready ]" || hp_fail "load never got going"
	hp_req del
	hp_wait "[ ! -e /sys/class/drvhook/$hpdev ]" || hp_fail "$hpdev still there after device_del"
	# the requests in flight must end (ENODEV), never hang
	if ! hp_wait "! kill -0 $lp 2>/dev/null"; then
		hp_fail "requests in flight still running 120 s after the removal"
		kill -9 $lp 2>/dev/null
	fi
	wait $lp 2>/dev/null
	l=$(grep '^inflight' /tmp/hp.out)
	[ "$(kv bad "$l") $(kv enodev "$l") $(kv other "$l") $(kv lost "$l")" = "0 3 0 0" ] ||
		hp_fail "in flight: $l"
	hp_lost=$((hp_lost + ${l##*lost=}))
	pl=$(drvhook policy list dev $hpdev 2>&1)
	echo "$pl" | grep -q "hp.*device absent" || hp_fail "policy list while absent: $pl"
	ds=$(drvhook device show $hpdev >/dev/null 2>&1; echo $?)
	[ "$ds" = 7 ] || hp_fail "device show of the absent $hpdev: exit $ds (want 7)"
	hp_req add
	hp_wait "[ -e /sys/class/drvhook/$hpdev ] && [ -e /dev/$hpdev ]" ||
		hp_fail "$hpdev not back after device_add"
	[ "$(edutest ping $hpdev 0xdead)" = "error EACCES" ] || hp_fail "policy does not apply after re-add"
	[ "$(edutest fact $hpdev 4)" = 120 ] || hp_fail "fact 4 after re-add: $(edutest fact $hpdev 4)"
	drvhook policy list dev $hpdev 2>&1 | grep -q "hp .*attached" ||
		hp_fail "policy list after re-add: $(drvhook policy list dev $hpdev 2>&1)"
	[ $c_ok = 1 ] && hp_held=$((hp_held + 1))
	[ $((i % 10)) = 0 ] && echo "# hotplug $i/$HP_N"
done
expect "hotplug: $HP_N removals under load with the policy attached held" "$HP_N 0" "$hp_held $hp_faults"
expect "hotplug: every request in flight completed (ENODEV at removal), none lost" 0 "$hp_lost"
expect "hotplug: edu0 and edu1 untouched" "120 120" "$(edutest fact edu0 5) $(edutest fact edu1 5)"
out=$(run_rc drvhook policy detach dev $hpdev name hp)
expect_match "hotplug: policy detaches from the re-added $hpdev" "rc=0" "$out"
expect "hotplug: $hpdev default again" 24 "$(edutest fact $hpdev 4)"
echo "# STRESS hotplug held=$hp_held faults=$hp_faults inputs=$i lost=$hp_lost secs=$(awk -v a=$hp_t0 -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')"
