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
expect_match "stats count the request runs" "request" "$(drvhook stats dev edu0)"

for c in "device list" "device show edu0" "policy list" "policy show dev edu0 name test_basic" \
	"stats" "stats dev edu0" "feature probe"; do
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
	expect_match "bpftool struct_ops list names test_basic's drvhook_ops instance" \
		"^[0-9]+: test_basic +drvhook_ops" "$out"
	expect_match "bpftool struct_ops list names fact_guard's drvhook_ops instance" \
		"^[0-9]+: fact_guard +drvhook_ops" "$out"
	expect_match "bpftool struct_ops list exits 0" "^rc=0$" "$out"
	expect_match "bpftool struct_ops show name fact_guard" "^[0-9]+: fact_guard +drvhook_ops *$" \
		"$(bpftool struct_ops show name fact_guard 2>&1)"
	out=$(bpftool -j struct_ops dump name fact_guard 2>&1)
	if echo "$out" | jsoncheck; then ok "bpftool -j struct_ops dump is JSON"; else not_ok "bpftool -j struct_ops dump is JSON"; fi
	expect_match "bpftool struct_ops dump shows the hook fact_guard fills" \
		'"bpf_struct_ops_drvhook_ops".*"request":"[^"]*fact_guard_request/prog_id:[0-9]+"' "$out"
else
	expect "bpftool struct_ops list: no struct_ops map in fallback mode" "rc=0" \
		"$(run_rc bpftool struct_ops list)"
	if [ -n "$MODE" ]; then
		why="forced fallback (drvhook.mode=$MODE): policies attach as tracing links, no struct_ops map to name"
	else
		why="Linux $(uname -r) has no module struct_ops (< 6.9): policies attach as tracing links, no struct_ops map to name"
	fi
	skip "bpftool struct_ops list names the drvhook_ops instances" "$why"
fi
expect_match "bpftool link show lists the policy's links" "(struct_ops|tracing) " "$(bpftool link show 2>&1)"
expect_match "bpftool prog show lists the named programs" "fact_guard_req" "$(bpftool prog show 2>&1)"
pinned=$(ls -d $pins/fact_guard/* | head -1)
expect_match "bpftool link show pinned $pinned" "(map|prog) [0-9]+" "$(bpftool link show pinned "$pinned" 2>&1)"
expect_match "bpftool btf dump of the stub module shows the hook types" \
	"STRUCT 'drvhook_request'" "$(bpftool btf dump file /sys/kernel/btf/drvhook 2>&1)"

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

# error classes and exit codes
code() { "$@" >/dev/null 2>&1; echo $?; }
expect "missing file: exit 3" 3 "$(code drvhook policy attach /nonexistent.bpf.o dev edu1)"
head -c 3000 /dev/urandom >/tmp/random.bpf.o
expect "random bytes: exit 4 (not a policy object)" 4 "$(code drvhook policy attach /tmp/random.bpf.o dev edu1)"
expect "ELF without drvhook_ops: exit 4" 4 "$(code drvhook policy attach /usr/sbin/edutest dev edu1)"
expect "device not found: exit 7" 7 "$(code attach test_double edu9)"
expect "name taken: exit 9" 9 "$(code attach fact_guard edu0)"
expect "detach of an unknown name: exit 9" 9 "$(code drvhook policy detach dev edu0 name nosuch)"
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
