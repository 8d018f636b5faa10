# The loader as users meet it: round trips, pins, replace under load,
# bpftool's view, every error class with its exit code, JSON everywhere.

pins=/sys/fs/bpf/drvhook/edu0
out=$(run_rc attach test_basic edu0)
expect_match "attach test_basic" "rc=0" "$out"
out=$(run_rc attach fact_guard edu0 after test_basic)
expect_match "attach fact_guard after it" "rc=0" "$out"
[ -d $pins/test_basic ] && [ -d $pins/fact_guard ] && ok "pins outlive the CLI process" ||
	not_ok "pins outlive the CLI process"
expect_match "policy list shows both, in run order" "test_basic.*fact_guard" \
	"$(drvhook policy list dev edu0 | tr '\n' ' ')"
expect_match "device show lists them" "fact_guard" "$(drvhook device show edu0)"
expect "edu0: fact 12 -> 13 refused by fact_guard (after test_basic's +1)" "error ERANGE" \
	"$(edutest fact edu0 12)"
expect "edu1 stays default" "$(fact 12)" "$(edutest fact edu1 12)"

# stats: per policy and hook, the stub's runs and verdicts and the kernel's
# BPF stats (run_cnt, run_time_ns: counted while kernel.bpf_stats_enabled=1)
stats_sysctl=/proc/sys/kernel/bpf_stats_enabled
stats_was=$(cat $stats_sysctl)
if [ "$stats_was" = 0 ]; then
	expect_match "stats: says RUN_CNT stays 0 with kernel.bpf_stats_enabled=0" \
		"kernel.bpf_stats_enabled=0: RUN_CNT" "$(drvhook stats dev edu0)"
	expect "stats -j: bpf_stats_enabled false" false \
		"$(drvhook -j stats dev edu0 | jsoncheck .bpf_stats_enabled)"
else
	skip "stats: says RUN_CNT stays 0 with kernel.bpf_stats_enabled=0" "it was $stats_was"
	skip "stats -j: bpf_stats_enabled false" "it was $stats_was"
fi
echo 1 >$stats_sysctl
s0=$(drvhook -j stats dev edu0)
refused=$(edutest outcomes edu0 12 7)	# 12 -> 13 (test_basic): fact_guard refuses
answered=$(edutest outcomes edu0 4 5)	# 4 -> 5: answered
s1=$(drvhook -j stats dev edu0)
plain=$(drvhook stats dev edu0)
echo "$stats_was" >$stats_sysctl
expect "stats: drove 7 requests fact_guard refuses (ERANGE), 5 it lets through" \
	"-34:7 $(fact 5):5" "$refused $answered"
expect "stats: kernel.bpf_stats_enabled restored" "$stats_was" "$(cat $stats_sysctl)"
expect "stats -j: bpf_stats_enabled true while on" true "$(echo "$s1" | jsoncheck .bpf_stats_enabled)"
# st JSON POLICY FIELD: FIELD of POLICY's request hook in `drvhook -j stats dev edu0`
st() { echo "$1" | jsoncheck ".devices[dev=edu0].policies[name=$2].hooks.request.$3"; }
grew() { # grew POLICY FIELD: how much FIELD grew from s0 to s1
	a=$(st "$s0" $1 $2) b=$(st "$s1" $1 $2)
	case "$a:$b" in [0-9]*:[0-9]*) echo $((b - a)) ;; *) echo "none ($a -> $b)" ;; esac
}
expect "stats -j: fact_guard's request hook ran 12 times, 7 verdicts nonzero (its refusals)" \
	"12 7" "$(grew fact_guard runs) $(grew fact_guard nonzero)"
expect "stats -j: test_basic's request hook ran 12 times, 0 verdicts nonzero" \
	"12 0" "$(grew test_basic runs) $(grew test_basic nonzero)"
# Each fallback policy's program runs once per fallback entry of the
# dispatch (drvhook(8), stats); both policies here have a request hook.
calls=1
[ "$EFFECTIVE_MODE" = fallback ] && calls=$(grep -c ' fallback ' /sys/class/drvhook/edu0/policies)
expect "stats -j: fact_guard's program: run_cnt grew by 12 x $calls (kernel BPF stats)" \
	$((12 * calls)) "$(grew fact_guard run_cnt)"
ns=$(grew fact_guard run_time_ns)
[ "$ns" -gt 0 ] 2>/dev/null && ok "stats -j: fact_guard's program: run_time_ns grew ($ns ns)" ||
	not_ok "stats -j: fact_guard's program: run_time_ns grew (got: $ns)"
expect_match "stats -j: names fact_guard's program" "^fact_guard_request" "$(st "$s1" fact_guard prog_name)"
expect_match "stats: the fact_guard row shows the same counters" \
	"^  fact_guard +$EFFECTIVE_MODE +0 +request +$(st "$s1" fact_guard runs) +$(st "$s1" fact_guard nonzero) +[0-9]+ +$(st "$s1" fact_guard run_cnt) +$(st "$s1" fact_guard run_time_ns)\$" \
	"$plain"

for c in "device list" "device show edu0" "policy list" "policy show dev edu0 name test_basic" \
	"stats" "stats dev edu0" "feature probe" "help" "policy help"; do
	if drvhook -j $c | jsoncheck; then ok "-j $c is JSON"; else not_ok "-j $c is JSON"; fi
done
drvhook -j policy attach /nonexistent.bpf.o dev edu0 2>&1 | jsoncheck &&
	ok "-j errors are JSON" || not_ok "-j errors are JSON"

echo "# $(bpftool version 2>&1 | head -1) (scripts/bpftool.sh)"
if [ "$EFFECTIVE_MODE" = struct_ops ]; then
	expect_match "bpftool map show lists the policy's struct_ops map" \
		"struct_ops +name fact_guard" "$(bpftool map show 2>&1)"
	# Debian's bpftool (7.5, 7.8) crashes here: it looks a module's
	# struct_ops type up in vmlinux BTF (scripts/patches/bpftool/)
	out=$(run_rc bpftool struct_ops list)
	expect_match "bpftool struct_ops list names test_basic's edu_ops instance" \
		"^[0-9]+: test_basic +edu_ops" "$out"
	expect_match "bpftool struct_ops list names fact_guard's edu_ops instance" \
		"^[0-9]+: fact_guard +edu_ops" "$out"
	expect_match "bpftool struct_ops list exits 0" "^rc=0$" "$out"
	expect_match "bpftool struct_ops show name fact_guard" "^[0-9]+: fact_guard +edu_ops *$" \
		"$(bpftool struct_ops show name fact_guard 2>&1)"
	out=$(bpftool -j struct_ops dump name fact_guard 2>&1)
	if echo "$out" | jsoncheck; then ok "bpftool -j struct_ops dump is JSON"; else not_ok "bpftool -j struct_ops dump is JSON"; fi
	expect_match "bpftool struct_ops dump shows the hook fact_guard fills" \
		'"bpf_struct_ops_edu_ops".*"request":"[^"]*fact_guard_request/prog_id:[0-9]+"' "$out"
else
	expect "bpftool struct_ops list: no struct_ops map in fallback mode" "rc=0" \
		"$(run_rc bpftool struct_ops list)"
	if [ -n "$MODE" ]; then
		why="forced fallback (drvhook.mode=$MODE): policies attach as tracing links, no struct_ops map to name"
	else
		why="Linux $(uname -r) has no module struct_ops (< 6.9): policies attach as tracing links, no struct_ops map to name"
	fi
	skip "bpftool struct_ops list names the edu_ops instances" "$why"
fi
expect_match "bpftool link show lists the policy's links" "(struct_ops|tracing) " "$(bpftool link show 2>&1)"
expect_match "bpftool prog show lists the named programs" "fact_guard_req" "$(bpftool prog show 2>&1)"
pinned=$(ls -d $pins/fact_guard/* | head -1)
expect_match "bpftool link show pinned $pinned" "(map|prog) [0-9]+" "$(bpftool link show pinned "$pinned" 2>&1)"
expect_match "bpftool btf dump of drvhook_edu shows its hook contexts" \
	"STRUCT 'edu_request_ctx'" "$(bpftool btf dump file /sys/kernel/btf/drvhook_edu 2>&1)"

# replace under load: every request sees test_basic (3 -> 4) or
# test_double (3 -> 6), never the default (3).
edutest outcomes edu0 3 0 >/tmp/outcomes &
load=$!
sleep 0.3
out=$(run_rc drvhook policy replace dev edu0 name test_basic $BPF/test_double.bpf.o)
sleep 0.3
kill -USR1 $load
wait $load
expect_match "replace test_basic by test_double" "rc=0" "$out"
res=$(sort /tmp/outcomes | tr '\n' ' ')
bad=$(grep -v -e "^$(fact 4):" -e "^$(fact 6):" /tmp/outcomes)
expect "replace under load: no request saw the default or an error" "" "$bad"
expect_match "replace under load: the new policy took over" "^$(fact 6):" "$(cat /tmp/outcomes)"
echo "# outcomes during replace: $res"
expect "after replace, fact 3 -> 6!" "$(fact 6)" "$(edutest fact edu0 3)"
expect_match "replaced policy keeps its name and place" "^test_basic .*fact_guard" \
	"$(cut -d' ' -f1 /sys/class/drvhook/edu0/policies | tr '\n' ' ')"
expect_match "policy show: test_basic now runs test_double's program" "^double_request" \
	"$(drvhook -j policy show dev edu0 name test_basic | jsoncheck '.programs[hook=request].prog_name')"
out=$(drvhook -p policy show dev edu0 name test_basic)
expect "-p policy show: indented JSON, state attached" "attached yes" \
	"$(echo "$out" | jsoncheck .state) $([ "$(echo "$out" | wc -l)" -gt 10 ] && echo yes)"

# A replace keeps the policy's counters (the stub's runs/nonzero per hook),
# in both modes: nothing runs between the readings but one request after.
req_count() { kv request "$(grep '^test_basic ' /sys/class/drvhook/edu0/policies)"; }
c0=$(req_count)
out=$(run_rc drvhook policy replace dev edu0 name test_basic $BPF/test_double.bpf.o)
c1=$(req_count)
edutest fact edu0 3 >/dev/null
c2=$(req_count)
expect_match "replace test_basic's test_double by test_double again" "rc=0" "$out"
[ "${c0%/*}" -gt 0 ] 2>/dev/null && ok "request runs counted before the replace: $c0" ||
	not_ok "request runs counted before the replace (got '$c0')"
expect "replace keeps the counters ($EFFECTIVE_MODE): request runs/nonzero before, after, after 1 more request" \
	"$c0 $c0 $((${c0%/*} + 1))/${c0#*/}" "$c0 $c1 $c2"

# -j on the commands that change a device: one JSON document each, with
# the documented fields, and the change done
pin1=/sys/fs/bpf/drvhook/edu1/test_double
j=$(drvhook -j policy attach $BPF/test_double.bpf.o dev edu1 $MODE_ARG)
expect "-j policy attach: dev, name, mode, hooks, pin" \
	"edu1 test_double $EFFECTIVE_MODE request $pin1" \
	"$(echo "$j" | jsoncheck .dev .name .mode .hooks .pin | tr '\n' ' ' | sed 's/ $//')"
c1=$(echo "$j" | jsoncheck .cookie)
expect "-j policy attach: edu1 runs it (fact 3 -> 6!)" "$(fact 6)" "$(edutest fact edu1 3)"
j=$(drvhook -j policy replace dev edu1 name test_double $BPF/test_basic.bpf.o)
expect "-j policy replace: dev, name, mode, hooks (test_basic's), pin" \
	"edu1 test_double $EFFECTIVE_MODE request complete $pin1" \
	"$(echo "$j" | jsoncheck .dev .name .mode .hooks .pin | tr '\n' ' ' | sed 's/ $//')"
c2=$(echo "$j" | jsoncheck .cookie)
if [ "$EFFECTIVE_MODE" = fallback ]; then
	[ "${c1:-0}" -gt 0 ] 2>/dev/null && [ "${c2:-0}" -gt 0 ] && [ "$c1" != "$c2" ] &&
		ok "-j attach, replace: a cookie each, a new one on replace ($c1, $c2)" ||
		not_ok "-j attach, replace: a cookie each, a new one on replace (got '$c1', '$c2')"
else
	expect "-j attach, replace: no cookie in struct_ops mode" "" "$c1$c2"
fi
expect "-j policy replace: edu1 runs test_basic's code (fact 3 -> 4!)" "$(fact 4)" "$(edutest fact edu1 3)"
j=$(drvhook -j policy detach dev edu1 name test_double)
expect "-j policy detach: dev, name, mode, detached" "edu1 test_double $EFFECTIVE_MODE true" \
	"$(echo "$j" | jsoncheck .dev .name .mode .detached | tr '\n' ' ' | sed 's/ $//')"
expect "-j policy detach: edu1 default again, pins gone" "$(fact 3) no" \
	"$(edutest fact edu1 3) $([ -e $pin1 ] && echo yes || echo no)"

# error classes and exit codes
code() { "$@" >/dev/null 2>&1; echo $?; }
# expect_error NAME CODE PATTERN CMD...: CMD exits CODE and prints one
# line, "drvhook: error: " and PATTERN (grep -E) at its start
expect_error() {
	e_name=$1 e_rc=$2 e_pat=$3; shift 3
	e_out=$(run_rc "$@")
	expect_match "$e_name: exit $e_rc, says so" "^2 lines: drvhook: error: $e_pat.* rc=$e_rc\$" \
		"$(echo "$e_out" | wc -l) lines: $(echo "$e_out" | head -1) $(echo "$e_out" | tail -1)"
}
expect_error "missing file" 3 "cannot read /nonexistent\.bpf\.o: No such file or directory" \
	drvhook policy attach /nonexistent.bpf.o dev edu1
head -c 3000 /dev/urandom >/tmp/random.bpf.o
expect_error "random bytes" 4 "/tmp/random\.bpf\.o is not a drvhook policy: not an ELF file" \
	drvhook policy attach /tmp/random.bpf.o dev edu1
expect_error "ELF without a struct_ops type" 4 "/usr/sbin/edutest is not a drvhook policy: " \
	drvhook policy attach /usr/sbin/edutest dev edu1
# a policy of another device type (struct other_ops): refused before load,
# naming both types, with its own exit status (10)
expect_error "policy of another device type" 10 \
	".*policy is for device type 'other' \(struct other_ops\), device edu1 is of type 'edu'" \
	drvhook policy attach "$BPF/test_othertype.bpf.o" dev edu1
expect "refused policy of another type left nothing on edu1" "" "$(cat /sys/class/drvhook/edu1/policies)"
for c in "policy attach $BPF/test_double.bpf.o dev edu9" "policy replace dev edu9 name x $BPF/test_double.bpf.o" \
	"policy detach dev edu9 name x" "policy show dev edu9 name x" "policy list dev edu9" \
	"device show edu9" "stats dev edu9"; do
	expect_error "device not found: $(echo "$c" | cut -d' ' -f1-2)" 7 "device 'edu9' not found" drvhook $c
done
expect_error "name taken" 9 "policy 'fact_guard' is already attached to edu0" attach fact_guard edu0
expect_error "unknown anchor" 9 "anchor policy 'nosuch' not found on edu0" \
	attach test_double edu0 before nosuch
expect_error "replace of an unknown name" 9 "no policy 'nosuch' on edu0" \
	drvhook policy replace dev edu0 name nosuch $BPF/test_double.bpf.o
expect_error "detach of an unknown name" 9 "no policy 'nosuch' on edu0" \
	drvhook policy detach dev edu0 name nosuch

# A rejected program: its log's last 10 lines (and every drvhook: line),
# all of it with -d
longlog() { drvhook "$@" policy attach $BPF/test_longlog.bpf.o dev edu1 $MODE_ARG; }
log_all=$(longlog -d -j 2>/dev/null | jsoncheck .verifier_log)
log_tail=$(longlog -j 2>/dev/null | jsoncheck .verifier_log)
txt_d=$(run_rc longlog -d)
txt=$(run_rc longlog)
n_all=$(echo "$log_all" | grep -c '')
first=$(echo "$log_all" | head -1) last=$(echo "$log_all" | tail -1)
[ "$n_all" -gt 10 ] && ok "-d -j: verifier_log holds the whole log ($n_all lines)" ||
	not_ok "-d -j: verifier_log holds the whole log (got $n_all lines: $log_all)"
expect "-j: verifier_log holds its last 10 lines (and its drvhook: lines)" \
	"$( (echo "$log_all" | head -n $((n_all - 10)) | grep '^drvhook:'; echo "$log_all" | tail -10) )" \
	"$log_tail"
expect_match "without -d: exit 6, the error says -d shows all" \
	"^drvhook: error: the verifier rejected program 'longlog_request[_fb]*' \(last lines of its log; -d shows all\) rc=6\$" \
	"$(echo "$txt" | head -1) $(echo "$txt" | tail -1)"
expect "without -d: the log's last line, not its first ($first)" "yes no" \
	"$(echo "$txt" | grep -qF -- "$last" && echo yes || echo no) $(echo "$txt" | grep -qF -- "$first" && echo yes || echo no)"
expect "-d: the whole log, from its first line, exit 6" "yes rc=6" \
	"$(echo "$txt_d" | grep -qF -- "$first" && echo yes || echo no) $(echo "$txt_d" | tail -1)"
[ "$(echo "$txt_d" | wc -l)" -gt "$(echo "$txt" | wc -l)" ] &&
	ok "-d prints more lines ($(echo "$txt_d" | wc -l)) than without ($(echo "$txt" | wc -l))" ||
	not_ok "-d prints more lines ($(echo "$txt_d" | wc -l)) than without ($(echo "$txt" | wc -l))"
if [ "$EFFECTIVE_MODE" = fallback ] && [ -z "$MODE" ]; then
	out=$(run_rc drvhook policy attach $BPF/test_double.bpf.o dev edu1 mode struct_ops)
	expect_match "struct_ops on $(uname -r): exit 5" "rc=5" "$out"
	expect_match "the message names the feature and Linux 6.9" "6\.9" "$out"
else
	skip "kernel lacks a feature: exit 5" "this kernel has every feature the loader uses"
fi
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
nobody() { su nobody -s /bin/sh -c "$*"; }
expect "non-root attach: exit 8" 8 \
	"$(code nobody drvhook policy attach $BPF/test_double.bpf.o dev edu1)"
expect_match "non-root message says why" "root|CAP_BPF|ermission" \
	"$(nobody drvhook policy attach $BPF/test_double.bpf.o dev edu1 2>&1)"
expect "failed attaches left edu1 default" "" "$(cat /sys/class/drvhook/edu1/policies)"

drvhook policy detach dev edu0 name test_basic >/dev/null 2>&1
drvhook policy detach dev edu0 name fact_guard >/dev/null 2>&1
[ -e $pins/test_basic ] || [ -e $pins/fact_guard ] && not_ok "detach removes the pins" ||
	ok "detach removes the pins"
expect "edu0 default again" "$(fact 12)" "$(edutest fact edu0 12)"

# Detach while another process holds the policy's link open (edustress
# hold). struct_ops: BPF_LINK_DETACH (Linux 6.11+) takes the policy out of
# the chain anyway. Before 6.11 the kernel answers EOPNOTSUPP and the link
# stays while a reference does: edustress nodetach gives the loader that
# answer (no matrix kernel has struct_ops without it; edulink.c), and the
# loader must report what the chain says. fallback: the stub removes the
# entry on FB_DETACH; a held fentry link no longer matches any entry.
held=/sys/fs/bpf/drvhook/edu1/held
chain1() { cut -d' ' -f1,2 /sys/class/drvhook/edu1/policies | tr '\n' ' ' | sed 's/ $//'; }
hold() { # hold PIN: a process holding the link at PIN; its pid in $holder
	rm -f /tmp/held.ready
	edustress hold "$1" /tmp/held.ready & holder=$!
	i=0; while [ ! -s /tmp/held.ready ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
unhold() { kill $holder 2>/dev/null; wait $holder 2>/dev/null; }
attach test_basic edu1 name held >/dev/null 2>&1
pin=$held/link; [ "$EFFECTIVE_MODE" = fallback ] && pin=$held/request
hold $pin
out=$(run_rc drvhook policy detach dev edu1 name held)
expect_match "detach with the link held by pid $holder: detached" "^detached policy 'held'.* rc=0\$" "$(echo $out)"
expect "... and the chain no longer lists it" "" "$(chain1)"
expect "... its pins are gone" no "$([ -e $held ] && echo yes || echo no)"
unhold
if [ "$EFFECTIVE_MODE" = struct_ops ]; then
	attach test_basic edu1 name held >/dev/null 2>&1
	hold $held/link
	out=$(run_rc edustress nodetach drvhook policy detach dev edu1 name held)
	echo "$out" | sed 's/^/# pre-6.11 detach: /'
	expect_match "pre-6.11 detach, link held elsewhere: exit 5, says it is still in the chain" \
		"^drvhook: error: policy 'held' is still in edu1's chain: .* rc=5\$" "$(echo $out)"
	expect_match "... names the holder (pid $holder) and Linux 6.11" \
		"pid $holder \(edustress\) holds its struct_ops link .*cannot detach struct_ops links \(6\.11 can\)" "$out"
	expect "... the chain does list it" "held struct_ops" "$(chain1)"
	expect "... its pins are gone" no "$([ -e $held ] && echo yes || echo no)"
	expect "... edu1 still runs it (fact 3 -> 4!)" "$(fact 4)" "$(edutest fact edu1 3)"
	unhold
	i=0; while [ -n "$(chain1)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	expect "... once the holder is gone, so is the policy" "" "$(chain1)"
	attach test_basic edu1 name held >/dev/null 2>&1
	out=$(run_rc edustress nodetach drvhook policy detach dev edu1 name held)
	expect_match "pre-6.11 detach, no other holder: the last close detaches it" \
		"^detached policy 'held'.* rc=0\$" "$(echo $out)"
	expect "... and the chain no longer lists it" "" "$(chain1)"
else
	skip "pre-6.11 struct_ops detach with the link held elsewhere" \
		"fallback mode: the stub's entry goes on FB_DETACH, whoever holds the fentry links"
fi
drvhook policy detach dev edu1 name held >/dev/null 2>&1

# A device goes away (unbind): its chain stays in the stub and its pins
# show "device absent"; detach works through the pins in both modes
drv=/sys/bus/pci/drivers/drvhook_edu
pci1=$(basename "$(readlink -f /sys/class/drvhook/edu1/device)")
attach test_basic edu1 name gone >/dev/null 2>&1
expect "edu1 runs 'gone' (fact 3 -> 4!)" "$(fact 4)" "$(edutest fact edu1 3)"
echo "$pci1" >$drv/unbind
expect_match "unbound: policy list says device absent" "^edu1 +- +gone +$EFFECTIVE_MODE .*device absent" \
	"$(drvhook policy list)"
expect_error "unbound: attach" 7 "device 'edu1' not found" attach test_double edu1
j=$(drvhook -j policy show dev edu1 name gone)
expect_match "unbound: policy show, from the pins: state, request program" "^device absent basic_request" \
	"$(echo "$j" | jsoncheck .state '.programs[hook=request].prog_name' | tr '\n' ' ')"
echo "$pci1" >$drv/bind
expect_match "rebound: 'gone' attached again, first" "^edu1 +1 +gone +$EFFECTIVE_MODE .*attached" \
	"$(drvhook policy list dev edu1)"
expect "rebound: it applies again (fact 3 -> 4!)" "$(fact 4)" "$(edutest fact edu1 3)"
echo "$pci1" >$drv/unbind
# Detach while the device is absent, in both modes: struct_ops through
# the pinned link; fallback by FB_DETACH of the type and id the name
# says (the chain outlives the device), even while another process holds
# one of the entry's fentry links.
if [ "$EFFECTIVE_MODE" = struct_ops ]; then
	expect_match "unbound: detach through the pinned link" "^detached policy 'gone'.*rc=0" \
		"$(run_rc drvhook policy detach dev edu1 name gone | tr '\n' ' ')"
else
	hold /sys/fs/bpf/drvhook/edu1/gone/request
	expect_match "unbound: fallback detach, the request link held by pid $holder" \
		"^detached policy 'gone'.*rc=0" \
		"$(run_rc drvhook policy detach dev edu1 name gone | tr '\n' ' ')"
	unhold
fi
echo "$pci1" >$drv/bind
expect "rebound: nothing of 'gone' left ($EFFECTIVE_MODE)" "no policies on edu1" \
	"$(drvhook policy list dev edu1)"
drvhook policy detach dev edu1 name gone >/dev/null 2>&1
expect "edu1 default, no policies, no pins" "$(fact 3)|no policies|" \
	"$(edutest fact edu1 3)|$(drvhook policy list)|$(find /sys/fs/bpf/drvhook -mindepth 2)"

# A fallback entry never outlives its programs: it owns its fentry links,
# and goes when nothing else holds them (fallback mode on every kernel).
# The loader killed between FB_ATTACH and its pins:
DRVHOOK_TEST_STOP_AFTER_FB_ATTACH=1 drvhook policy attach "$BPF/test_basic.bpf.o" \
	dev edu1 name killed mode fallback >/dev/null 2>&1 &
pid=$!
n=0
while [ $n -lt 600 ] && [ "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" != T ]; do
	sleep 0.1
	n=$((n + 1))
done
expect "killed mid-attach: the loader stopped after FB_ATTACH, the entry listed" "T killed" \
	"$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null) $(cut -d' ' -f1 /sys/class/drvhook/edu1/policies)"
kill -9 $pid
wait $pid 2>/dev/null
expect "killed mid-attach: the entry goes with the loader's links" "" \
	"$(cat /sys/class/drvhook/edu1/policies)"
expect "killed mid-attach: edu1 default (fact 3)" "$(fact 3)" "$(edutest fact edu1 3)"
drvhook policy detach dev edu1 name killed >/dev/null 2>&1
rmdir /sys/fs/bpf/drvhook/edu1/killed 2>/dev/null
# The pins removed by hand:
drvhook policy attach "$BPF/test_basic.bpf.o" dev edu1 name unpinned mode fallback >/dev/null 2>&1
expect "unpinned: attached, it acts (fact 3 -> 4!)" "$(fact 4)" "$(edutest fact edu1 3)"
rm -r /sys/fs/bpf/drvhook/edu1/unpinned
expect "pins removed by hand: the entry goes" "" "$(cat /sys/class/drvhook/edu1/policies)"
expect "pins removed by hand: edu1 default (fact 3)" "$(fact 3)" "$(edutest fact edu1 3)"
drvhook policy detach dev edu1 name unpinned >/dev/null 2>&1
