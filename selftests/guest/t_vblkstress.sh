# vblkstress (make stress: selftests/stress.sh): vblk's reliability
# scenarios on /dev/vblk0, both under verified I/O (vblkio on [8, 56) MiB,
# checked block by block at the end):
#   vblk-storm  drvhook.vblk_storm=N cycles of attach / replace / detach
#               through the loader CLI, cycling through the vblkio group's
#               VBLKIO_POLICIES (t_vblkio.sh);
#               a cycle holds when the three succeed
#   vblk-fuzz   drvhook.vblk_fuzz=N seeded block ioctls and queue sysfs
#               writes (selftests/vblkfuzz.c, on [56, 64) MiB), each
#               answer checked where the contract is exact
# lost: blocks vblkio found lost, stale, misplaced or corrupt.
#   # STRESS vblk-storm held=N faults=N inputs=N lost=N secs=S
#   # STRESS vblk-fuzz held=N faults=N inputs=N lost=N secs=S seed=N
# (The hot-unplug cycles are the vblkio group's, drvhook.vblk_hotplug=N.)

VBLKS_POLICIES=$(sed -n 's/^VBLKIO_POLICIES="\(.*\)"$/\1/p' ./t_vblkio.sh)
if [ -z "$VBLKS_POLICIES" ]; then
	not_ok "vblkstress: the policies, VBLKIO_POLICIES of t_vblkio.sh"
	return 0
fi

VB=/dev/vblk0
VIO="-o 8 -s 48 -j 4"
N_STORM=$(param vblk_storm); N_STORM=${N_STORM:-10}
N_FUZZ=$(param vblk_fuzz); N_FUZZ=${N_FUZZ:-2000}
SEED=$(param seed); SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
if [ ! -b $VB ]; then
	skip "vblkstress group" "no /dev/vblk0 (see the vblk group)"
	return 0
fi
vs_obj() { echo "$BPF/${1%%:*}.bpf.o"; }
vs_sets() { case $1 in *:*) echo "${1#*:}" | tr ':' '\n' | sed 's/^/set /' ;; esac; }
vs_uptime() { cut -d' ' -f1 /proc/uptime; }
vs_secs() { awk -v a="$1" -v b="$(vs_uptime)" 'BEGIN { printf "%.1f", b - a }'; }
vs_start() {
	rm -f /tmp/vs.ready
	vblkio run $VB $VIO -t 0 -r /tmp/vs.ready >/tmp/vs.out 2>&1 &
	vs_pid=$!
	n=0
	while [ ! -e /tmp/vs.ready ] && kill -0 $vs_pid 2>/dev/null && [ $n -lt 1200 ]; do
		sleep 0.1; n=$((n + 1))
	done
}
# vs_stop: vblkio's summary and status in $vs_res; its mismatches in $vs_lost
vs_stop() {
	kill -TERM $vs_pid 2>/dev/null
	wait $vs_pid
	vs_rc=$?
	vs_res="$(grep '^vblkio run' /tmp/vs.out) rc=$vs_rc"
	vs_lost=$(($(kv lost "$vs_res") + $(kv stale "$vs_res") + $(kv dup "$vs_res") + $(kv corrupt "$vs_res") + 0))
	echo "# $vs_res"
}
CLEAN='writes=[1-9].*errors=0 .* lost=0 stale=0 dup=0 corrupt=0 rc=0$'

# vblk-storm
t0=$(vs_uptime)
set -- $VBLKS_POLICIES
np=$#
held=0 faults=0 i=0
vs_start
while [ $i -lt "$N_STORM" ]; do
	eval "p=\${$((i % np + 1))} q=\${$(((i + 1) % np + 1))}"
	i=$((i + 1)) c_ok=1
	drvhook policy attach "$(vs_obj $p)" dev vblk0 name storm $(vs_sets $p) $MODE_ARG \
		>/tmp/vs.cli 2>&1 || c_ok=0
	drvhook policy replace dev vblk0 name storm "$(vs_obj $q)" $(vs_sets $q) \
		>>/tmp/vs.cli 2>&1 || c_ok=0
	drvhook policy detach dev vblk0 name storm >>/tmp/vs.cli 2>&1 || c_ok=0
	if [ $c_ok = 1 ]; then
		held=$((held + 1))
	else
		faults=$((faults + 1))
		[ $faults -le 6 ] && echo "#   storm cycle $i: $(tr '\n' ' ' </tmp/vs.cli)"
		drvhook policy detach dev vblk0 name storm >/dev/null 2>&1
	fi
	[ $((i % 20)) = 0 ] && echo "# vblk-storm $i/$N_STORM"
done
vs_stop
expect_match "vblk-storm: vblkio clean across $N_STORM attach/replace/detach cycles" "$CLEAN" "$vs_res"
echo "$vs_res" | grep -qE "$CLEAN" || faults=$((faults + 1))
expect "vblk-storm: every cycle held, no policy left" "$N_STORM 0 " \
	"$held $faults $(cat /sys/class/drvhook/vblk0/policies)"
echo "# STRESS vblk-storm held=$held faults=$faults inputs=$N_STORM lost=$vs_lost secs=$(vs_secs "$t0")"

# vblk-fuzz
t0=$(vs_uptime)
vs_start
out=$(vblkfuzz vblk0 "$SEED" "$N_FUZZ" 56 2>&1; echo "rc=$?")
vs_stop
echo "$out" | sed 's/^/# /'
f=$(kv faults "$(echo $out)")
expect_match "vblk-fuzz: $N_FUZZ block ioctls and sysfs writes answered by the contract (seed $SEED)" \
	'inputs=[1-9].* faults=0 .*rc=0$' "$(echo $out)"
expect_match "vblk-fuzz: vblkio clean across the fuzz" "$CLEAN" "$vs_res"
echo "$vs_res" | grep -qE "$CLEAN" || f=$((${f:-0} + 1))
out=$(echo $(vblkio run $VB $VIO -t 2 2>&1; echo "rc=$?"))
expect_match "vblk-fuzz: the disk still works after it (vblkio, 2 s)" "$CLEAN" "$out"
echo "$out" | grep -qE "$CLEAN" || f=$((${f:-0} + 1))
f=${f:-1}
echo "# STRESS vblk-fuzz held=$((N_FUZZ - f)) faults=$f inputs=$N_FUZZ lost=$vs_lost secs=$(vs_secs "$t0") seed=$SEED"
