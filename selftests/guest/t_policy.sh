# Policies acting on edu0 only, detach, run order, writes outside the
# hook contract, a probe refusing a device; in the mode under test.

expect_mode=struct_ops
[ -n "$MODE" ] && expect_mode=$MODE
grep -q bpf_struct_ops_edu_ops /sys/kernel/btf/drvhook_edu 2>/dev/null ||
	[ -n "$MODE" ] || expect_mode=fallback
probe=$(drvhook -j feature probe 2>&1)
if [ -z "$MODE" ]; then
	kmaj=$(uname -r | cut -d. -f1) kmin=$(uname -r | cut -d. -f2)
	want=fallback
	[ $((kmaj * 100 + kmin)) -ge 609 ] && want=struct_ops
	expect_match "feature probe reports mode $want on $(uname -r)" "\"mode\": *\"$want\"" "$probe"
else
	skip "feature probe reports the default mode" "mode forced to $MODE"
fi

out=$(run_rc attach test_basic edu0)
expect_match "attach test_basic to edu0" "rc=0" "$out"
pol=$(cat /sys/class/drvhook/edu0/policies)
expect_match "edu0 lists test_basic in $expect_mode mode" "^test_basic $expect_mode " "$pol"
expect "edu1 has no policy" "" "$(cat /sys/class/drvhook/edu1/policies)"

expect "edu0: policy denies ping 0xdead" "error EACCES" "$(edutest ping edu0 0xdead)"
expect "edu1: ping 0xdead answered" 0xffff2152 "$(edutest ping edu1 0xdead)"
expect "edu0: policy rewrites fact 5 into fact 6" 720 "$(edutest fact edu0 5)"
expect "edu1: fact 5 untouched" 120 "$(edutest fact edu1 5)"
expect "edu0: policy post-processes the ping result" 0x1234 "$(edutest ping edu0 0x1234)"
expect "edu0: policy post-processes DMA data (xor 0x5a)" "xor 0x5a" "$(edutest dma edu0 3)"
expect "edu1: DMA data untouched" same "$(edutest dma edu1 3)"
expect_match "edu0 counts the policy's runs" "request=[1-9][0-9]*/[1-9]" \
	"$(cat /sys/class/drvhook/edu0/policies)"

out=$(run_rc drvhook policy detach dev edu0 name test_basic)
expect_match "detach test_basic" "rc=0" "$out"
expect "edu0 has no policy after detach" "" "$(cat /sys/class/drvhook/edu0/policies)"
expect "edu0: default back: ping 0xdead answered" 0xffff2152 "$(edutest ping edu0 0xdead)"
expect "edu0: default back: fact 5" 120 "$(edutest fact edu0 5)"
expect "edu0: default back: DMA data untouched" same "$(edutest dma edu0 3)"
[ -e /sys/fs/bpf/drvhook/edu0/test_basic ] && not_ok "detach removes the pins" ||
	ok "detach removes the pins"

# Run order: test_basic does n+1, test_double does 2n.
attach test_basic edu0 >/dev/null 2>&1
attach test_double edu0 after test_basic >/dev/null 2>&1
expect "order basic,double: fact 3 -> (3+1)*2 = 8" "$(fact 8)" "$(edutest fact edu0 3)"
expect "chain lists basic then double" "test_basic test_double" \
	"$(cut -d' ' -f1 /sys/class/drvhook/edu0/policies | tr '\n' ' ' | sed 's/ $//')"
drvhook policy detach dev edu0 name test_double >/dev/null 2>&1
attach test_double edu0 before test_basic >/dev/null 2>&1
expect "order double,basic: fact 3 -> 3*2+1 = 7" "$(fact 7)" "$(edutest fact edu0 3)"
drvhook policy detach dev edu0 name test_double >/dev/null 2>&1
drvhook policy detach dev edu0 name test_basic >/dev/null 2>&1
expect "chain empty again" "" "$(cat /sys/class/drvhook/edu0/policies)"

# A write outside the hook's contract: refused at load with the field
# named, in both modes. test_badwrite drvhook_write()s req->op: its fentry
# twin needs edu_set_request_op(), a setter drvhook_edu does not have,
# and the loader refuses it before load (in struct_ops mode too: libbpf
# resolves every extern of the object).
out=$(run_rc attach test_badwrite edu0)
expect_match "a write outside the hook contract is refused at load (exit 6)" "rc=6" "$out"
expect_match "the refusal names edu_request_ctx.op and the request hook's contract" \
	"writes edu_request_ctx\.op: outside the request hook's contract \(writable: arg\)" "$out"
expect "refused policy left nothing attached" "" "$(cat /sys/class/drvhook/edu0/policies)"
# The kernel's own guard, for a store that bypasses drvhook_write():
# struct_ops programs through the stub's btf_struct_access, which names
# the field; fentry programs may not store through their arguments at all.
out=$(run_rc attach test_rawwrite edu0)
expect_match "a raw store to a read-only field is refused by the verifier (exit 6)" "rc=6" "$out"
if [ "$expect_mode" = struct_ops ]; then
	expect_match "the stub's verifier hook names edu_request_ctx.op" \
		"drvhook(_edu)?: write to edu_request_ctx\.op" "$out"
fi
expect "refused raw store left nothing attached" "" "$(cat /sys/class/drvhook/edu0/policies)"

# probe: a policy refusing a device by PCI revision (issue #3). Policies
# stay attached to the device id: the refusal shows at the next bind.
drv=/sys/bus/pci/drivers/drvhook_edu
pci1=$(basename "$(readlink -f /sys/class/drvhook/edu1/device)")
rev=$(cat /sys/bus/pci/devices/$pci1/revision)
bound1() { [ -e $drv/$pci1 ] && [ -e /sys/class/drvhook/edu1 ] && echo bound || echo unbound; }
bind1() { echo "$pci1" >$drv/bind; }
rebind1() { echo "$pci1" >$drv/unbind; bind1; }
echo "# probe: edu1 is $pci1, PCI revision $rev"
out=$(run_rc attach test_probe edu1 set refuse_revision=$((rev ^ 1)))
expect_match "probe: test_probe attached to edu1 refusing another revision" "rc=0" "$out"
rebind1 2>/dev/null
expect "probe: edu1 (revision $rev) binds again" bound "$(bound1)"
out=$(run_rc drvhook policy replace dev edu1 name test_probe $BPF/test_probe.bpf.o set refuse_revision=$rev)
expect_match "probe: replaced by one refusing revision $rev" "rc=0" "$out"
echo "$pci1" >$drv/unbind
out=$( (bind1) 2>&1; echo "rc=$?")
echo "# probe: bind while refused: $(echo $out)"
expect "probe: the policy refused edu1 at bind: left unbound" unbound "$(bound1)"
expect "probe: edu0 untouched" "$(fact 5)" "$(edutest fact edu0 5)"
out=$(run_rc drvhook policy detach dev edu1 name test_probe)
expect_match "probe: detach while edu1 is absent" "rc=0" "$out"
bind1 2>/dev/null
expect "probe: edu1 binds again after detach" bound "$(bound1)"
expect "probe: edu1 works after the rebind" "$(fact 6)" "$(edutest fact edu1 6)"
expect "probe: edu1 has no policy" "" "$(cat /sys/class/drvhook/edu1/policies)"
# whatever failed above, leave edu1 bound and without policy
drvhook policy detach dev edu1 name test_probe >/dev/null 2>&1
[ "$(bound1)" = bound ] || bind1 2>/dev/null

# Fallback isolation, in fallback mode on every kernel. A cookie works
# only for the entry it was reserved for: FB_REPLACE or FB_ATTACH with a
# cookie never reserved is EINVAL, with one live in another entry EBUSY.
cookie_of() { awk -v n="$2" '$1 == n { print $4 }' "/sys/class/drvhook/$1/policies"; }
attach test_basic edu0 mode fallback >/dev/null 2>&1
attach test_double edu1 mode fallback >/dev/null 2>&1
cb=$(cookie_of edu0 test_basic) cd=$(cookie_of edu1 test_double)
expect "cookie: FB_REPLACE with a cookie never reserved: EINVAL" "Invalid argument" \
	"$(edustress fb edu0 replace test_basic 4000000000)"
expect "cookie: FB_REPLACE with edu1's test_double's live cookie: EBUSY" \
	"Device or resource busy" "$(edustress fb edu0 replace test_basic "$cd")"
expect "cookie: FB_ATTACH with a cookie never reserved: EINVAL" "Invalid argument" \
	"$(edustress fb edu0 attach stolen 4000000000)"
expect "cookie: FB_ATTACH with a live cookie: EBUSY" "Device or resource busy" \
	"$(edustress fb edu0 attach stolen "$cd")"
expect "cookie: test_basic keeps its cookie and acts (fact 5 -> 6!)" "$cb $(fact 6)" \
	"$(cookie_of edu0 test_basic) $(edutest fact edu0 5)"
expect "cookie: test_double still acts on edu1 (fact 5 -> 10!)" "$(fact 10)" "$(edutest fact edu1 5)"
edustress fb edu0 detach stolen >/dev/null
drvhook policy detach dev edu1 name test_double >/dev/null 2>&1
# The kfuncs act only for the entry being dispatched: test_hostile's
# fentry programs run for every fallback entry and call the verdict,
# field and DMA-data kfuncs without testing the cookie.
attach test_hostile edu1 mode fallback >/dev/null 2>&1
expect "isolation: edu0 gets test_basic's verdict and arg only (fact 5 -> 6!)" "$(fact 6)" \
	"$(edutest fact edu0 5)"
expect "isolation: edu0's ping result is test_basic's" 0x1234 "$(edutest ping edu0 0x1234)"
expect "isolation: edu0's DMA data is test_basic's" "xor 0x5a" "$(edutest dma edu0 3)"
expect "isolation: test_hostile's verdict holds for its own entry (edu1)" "error EACCES" \
	"$(edutest fact edu1 5)"
drvhook policy detach dev edu1 name test_hostile >/dev/null 2>&1
drvhook policy detach dev edu0 name test_basic >/dev/null 2>&1
expect "isolation: no policy left" "|" \
	"$(cat /sys/class/drvhook/edu0/policies)|$(cat /sys/class/drvhook/edu1/policies)"
