# drvhook config apply (drvhook.conf(5)) on the stub's devices: a
# configuration attaches its policies (requests show their effect), a second
# apply changes nothing, a changed setting or object is replaced in place
# (no request served without the policy), a removed entry is detached, a
# bad entry is reported and skipped while the others apply, apply dev DEV
# touches DEV only, config detach removes what apply attached.

export DRVHOOK_POLICY_DIR=$BPF DRVHOOK_STATE_DIR=/tmp/cfg.run
C=/tmp/cfg.d
rm -rf $C $DRVHOOK_STATE_DIR
mkdir -p $C
policy_of() { cut -d' ' -f1 /sys/class/drvhook/$1/policies | tr '\n' ' ' | sed 's/ $//'; }
# apply [ARGS]: `config apply -j`; its actions as "dev name action" lines
# in /tmp/cfg.actions, its exit status in $rc
apply() {
	drvhook -j config apply "$@" $C >/tmp/cfg.json 2>/tmp/cfg.err
	rc=$?
	: >/tmp/cfg.actions
	i=0 na=$(jsoncheck '.actions#' </tmp/cfg.json)
	while [ "$i" -lt "${na:-0}" ]; do
		echo $(jsoncheck ".actions[$i].dev" ".actions[$i].name" ".actions[$i].action" \
			</tmp/cfg.json 2>/dev/null) >>/tmp/cfg.actions
		i=$((i + 1))
	done
}
actions() { sort /tmp/cfg.actions | tr '\n' ',' | sed 's/,$//'; }

cat >$C/10-edu.conf <<EOF
# every edu device refuses factorials that overflow
fact_guard dev edu* $MODE_ARG
# edu0: 3 requests per process, then 1/s
ratelimit dev edu0 after fact_guard $MODE_ARG set burst=3
EOF
out=$(run_rc drvhook config check $C)
expect_match "config check: the configuration is valid" "0 errors.*rc=0" "$(echo $out)"
apply
expect "apply: exit 0" 0 "$rc"
expect "apply: attached fact_guard on both devices, ratelimit on edu0" \
	"edu0 fact_guard attached,edu0 ratelimit attached,edu1 fact_guard attached" "$(actions)"
expect "apply: edu0's chain in the configured order" "fact_guard ratelimit" "$(policy_of edu0)"
expect "apply: edu1's chain" "fact_guard" "$(policy_of edu1)"
expect "apply: the mode under test" "${EFFECTIVE_MODE}" \
	"$(drvhook -j policy show dev edu1 name fact_guard | jsoncheck .mode)"
expect "fact_guard acts on edu0: fact 13 refused" "error ERANGE" "$(edutest fact edu0 13)"
expect "fact_guard acts on edu1: fact 13 refused" "error ERANGE" "$(edutest fact edu1 13)"
expect "ratelimit acts on edu0 with its setting: burst of 3" "ok=3 eagain=2 other=0" \
	"$(edutest pings edu0 5)"
expect "edu1 has no ratelimit" "ok=5 eagain=0 other=0" "$(edutest pings edu1 5)"
expect_match "pins under the loader's pin root" "ratelimit" "$(ls /sys/fs/bpf/drvhook/edu0)"

ids() { drvhook -j policy show dev $1 name $2 | jsoncheck '.programs[0].prog_id'; }
before="$(ids edu0 fact_guard) $(ids edu0 ratelimit) $(ids edu1 fact_guard)"
apply
expect "apply again: exit 0, every entry unchanged" \
	"0 edu0 fact_guard unchanged,edu0 ratelimit unchanged,edu1 fact_guard unchanged" "$rc $(actions)"
expect "apply again: no policy attached twice" "fact_guard ratelimit|fact_guard" \
	"$(policy_of edu0)|$(policy_of edu1)"
expect "apply again: the same programs (not reloaded)" "$before" \
	"$(ids edu0 fact_guard) $(ids edu0 ratelimit) $(ids edu1 fact_guard)"

# a changed setting, and a policy whose object changes under load
sed -i 's/burst=3/burst=5/' $C/10-edu.conf
echo "test_basic dev edu1 name shift after fact_guard $MODE_ARG" >$C/20-shift.conf
apply
expect "apply: the new entry attached" "0 edu1 shift attached" \
	"$rc $(grep shift /tmp/cfg.actions)"
expect "shift acts on edu1: fact 3 -> 4!" "$(fact 4)" "$(edutest fact edu1 3)"
expect "apply: the changed setting replaced in place" "edu0 ratelimit replaced" \
	"$(grep ratelimit /tmp/cfg.actions)"
expect "replace: ratelimit keeps its place" "fact_guard ratelimit" "$(policy_of edu0)"
expect "replace: the new setting acts: burst of 5" "ok=5 eagain=2 other=0" "$(edutest pings edu0 7)"

sed -i 's/test_basic/test_double/' $C/20-shift.conf
edutest outcomes edu1 3 0 >/tmp/cfg.outcomes &
load=$!
sleep 0.3
apply
sleep 0.3
kill -USR1 $load
wait $load
expect "apply: the changed object replaced in place" "0 edu1 shift replaced" \
	"$rc $(grep shift /tmp/cfg.actions)"
bad=$(grep -v -e "^$(fact 4):" -e "^$(fact 6):" /tmp/cfg.outcomes)
expect "replace under load: every request saw the old or the new object, none the default" "" "$bad"
echo "# outcomes during apply: $(sort /tmp/cfg.outcomes | tr '\n' ' ')"
expect "the new object acts: fact 3 -> 6!" "$(fact 6)" "$(edutest fact edu1 3)"

# an entry removed; a bad entry added: reported, skipped, the others apply
rm $C/20-shift.conf
cat >>$C/10-edu.conf <<EOF
nosuch_policy dev edu1
irq_coalesce dev edu1 $MODE_ARG set window_ns=1000000
EOF
apply
expect "apply: a bad entry makes the exit status its own (3: no such object)" 3 "$rc"
expect "apply: the removed entry detached, the new one attached, the bad one reported" \
	"edu0 fact_guard unchanged,edu0 ratelimit unchanged,edu1 fact_guard unchanged,edu1 irq_coalesce attached,edu1 shift detached,invalid" \
	"$(actions)"
expect_match "apply -j: the bad entry with its file:line and status" \
	"10-edu.conf 5 invalid 3" \
	"$(jsoncheck '.actions[action=invalid].file' '.actions[action=invalid].line' \
		'.actions[action=invalid].action' '.actions[action=invalid].status' </tmp/cfg.json | tr '\n' ' ')"
expect "edu1's chain: shift gone, irq_coalesce added" "fact_guard irq_coalesce" "$(policy_of edu1)"
expect "edu1 default again for fact 3" "$(fact 3)" "$(edutest fact edu1 3)"
out=$(drvhook config apply $C 2>&1 >/dev/null)
expect_match "apply (text): the bad entry as FILE:LINE on stderr" \
	"error: $C/10-edu.conf:5: cannot read $BPF/nosuch_policy.bpf.o" "$out"

# a file with a bad entry never loses the policies it attached
sed -i '/^ratelimit/s/^/#/;/nosuch/s/nosuch_policy/also_nosuch/' $C/10-edu.conf
apply
expect "apply: a file with a bad entry keeps the policies it attached (the bad line may be one, mistyped)" \
	"fact_guard ratelimit" "$(policy_of edu0)"
sed -i '/also_nosuch/d' $C/10-edu.conf
apply
expect "apply: once the file is good, its dropped entry is detached" "0 edu0 ratelimit detached" \
	"$rc $(grep ratelimit /tmp/cfg.actions)"
expect "edu0: ratelimit gone" "fact_guard" "$(policy_of edu0)"

# a policy attached by hand with a configured name is taken over (replaced)
drvhook policy detach dev edu1 name irq_coalesce >/dev/null
attach irq_coalesce edu1 >/dev/null
apply dev edu1
expect "apply dev edu1: edu1's entries only; a hand-attached policy replaced" \
	"0 edu1 fact_guard unchanged,edu1 irq_coalesce replaced" "$rc $(actions)"

# policies gone behind apply's back (a module reload): attached again
drvhook policy detach dev edu0 name fact_guard >/dev/null
drvhook policy detach dev edu1 name fact_guard >/dev/null
apply
expect "apply: policies detached by hand are attached again" \
	"0 edu0 fact_guard attached,edu1 fact_guard attached,edu1 irq_coalesce unchanged" "$rc $(actions)"
expect "fact_guard acts on edu0 again" "error ERANGE" "$(edutest fact edu0 13)"

out=$(run_rc drvhook config detach)
expect_match "config detach: exit 0" "rc=0" "$out"
expect "config detach: every policy apply attached is gone" "|" "$(policy_of edu0)|$(policy_of edu1)"
expect "config detach: pins gone" "" "$(find /sys/fs/bpf/drvhook -mindepth 2 2>/dev/null)"
expect "config detach: nothing recorded" "" "$(cat $DRVHOOK_STATE_DIR/applied)"
rm -rf $C $DRVHOOK_STATE_DIR
