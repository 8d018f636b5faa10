# A third device type, vdev (selftests/kmod/vdev/): built from the core's
# public headers alone, loaded beside edu, its policy attached with the
# same loader, in this run's mode. Ids are per type: vdev0 and edu0 are
# different chains, and a policy of one type is refused on the other's
# devices before load.
VDEV_KO=/drvhook/drvhook_vdev.ko
[ -e /sys/module/drvhook_vdev ] || insmod $VDEV_KO
sub() { vdevtest submit "$@" 2>&1; }

expect_match "/sys/class/drvhook/types lists vdev, its module and hooks" \
	'^vdev drvhook_vdev submit notify$' "$(cat /sys/class/drvhook/types)"
expect "vdev0's type" vdev "$(cat /sys/class/drvhook/vdev0/type 2>&1)"
expect "vdev0 without a policy answers n + 1000" "out=1005 notified=0" "$(sub vdev0 5)"

out=$(run_rc attach test_vdev vdev0)
expect_match "test_vdev attaches to vdev0" 'rc=0$' "$out"
expect "test_vdev doubles the value (drvhook_write)" "out=1010 notified=0" "$(sub vdev0 5)"
expect "test_vdev refuses 666 with EPERM" "error EPERM" "$(sub vdev0 666)"
expect "vdev1 keeps no policy" "out=1005 notified=0" "$(sub vdev1 5)"
expect_match "vdev0's chain ran submit and notify" \
	'^test_vdev (struct_ops|fallback) 0x3 .* submit=2/1 notify=1/0$' \
	"$(cat /sys/class/drvhook/vdev0/policies)"
expect "edu0 (id 0 of another type) has no vdev policy" "" \
	"$(cat /sys/class/drvhook/edu0/policies)"
expect "edu0 unaffected" 120 "$(edutest fact edu0 5)"

out=$(run_rc attach fact_guard vdev0)
expect_match "an edu policy is refused on vdev0, naming both types" \
	"edu.*vdev|vdev.*edu" "$out"
expect_match "... with the type mismatch exit status" 'rc=10$' "$out"
out=$(run_rc attach test_vdev edu0)
expect_match "a vdev policy is refused on edu0, naming both types" \
	"edu.*vdev|vdev.*edu" "$out"
expect_match "... with the type mismatch exit status" 'rc=10$' "$out"
expect "edu0 still has no policy" "" "$(cat /sys/class/drvhook/edu0/policies)"

rmmod drvhook_vdev 2>/dev/null
expect "rmmod drvhook_vdev is refused while its policy is loaded" yes \
	"$([ -e /sys/module/drvhook_vdev ] && echo yes || echo no)"
out=$(run_rc drvhook module unload drvhook_vdev)
expect_match "module unload drvhook_vdev says which policy holds it (exit 11)" \
	"drvhook_vdev: 1 policy of its devices is loaded: vdev0 test_vdev; detach it first.*rc=11" "$(echo $out)"
out=$(run_rc drvhook module unload drvhook)
expect_match "module unload of the core names the device modules (exit 11)" \
	"in use by device modules .*drvhook_edu.*drvhook_vdev.*rc=11" "$(echo $out)"
expect_match "module list: each device module, its type and policies" \
	"drvhook_vdev +vdev +1" "$(drvhook module list)"
out=$(run_rc drvhook policy detach dev vdev0 name test_vdev)
expect_match "test_vdev detaches" 'rc=0$' "$out"
expect "vdev0 answers n + 1000 again" "out=1005 notified=0" "$(sub vdev0 5)"
out=$(run_rc drvhook module unload drvhook_vdev)
expect_match "module unload drvhook_vdev once its policy is gone" "^unloaded drvhook_vdev rc=0" "$(echo $out)"
expect "drvhook_vdev is gone" no \
	"$([ -e /sys/module/drvhook_vdev ] && echo yes || echo no)"
expect "its devices are gone" "" "$(ls /sys/class/drvhook | grep vdev)"
insmod $VDEV_KO
expect "reloaded, vdev0 starts with no policy" "out=1005 notified=0" "$(sub vdev0 5)"

# The kfuncs act only for drvhook's own programs of the right type. Where
# the kernel has kfunc filters (6.5+), a program of another kind is
# refused at load; before, the kfuncs check the entry being dispatched
# (test_hostile, group policy).
kv_maj=$(uname -r | cut -d. -f1) kv_min=$(uname -r | cut -d. -f2)
if [ "$kv_maj" -gt 6 ] || { [ "$kv_maj" = 6 ] && [ "$kv_min" -ge 5 ]; }; then
	mkdir -p /sys/fs/bpf/kf
	out=$(bpftool -d prog load $BPF/test_crosskfunc.bpf.o /sys/fs/bpf/kf/cross 2>&1)
	expect_match "a vdev program may not call edu's setter (drvhook_edu's kfunc filter)" \
		'calling kernel function edu_set_request_arg is not allowed' "$out"
	out=$(bpftool -d prog load $BPF/test_foreignkfunc.bpf.o /sys/fs/bpf/kf/foreign 2>&1)
	expect_match "a tracing program that is no policy may not call drvhook_fb_verdict (the core's filter)" \
		'calling kernel function drvhook_fb_verdict is not allowed' "$out"
	expect "neither was loaded" "" "$(ls /sys/fs/bpf/kf)"
	rm -rf /sys/fs/bpf/kf
else
	skip "kfunc filters" "kernel $(uname -r) has none (6.5+): the kfuncs' entry check alone (group policy, test_hostile)"
	skip "kfunc filters (core)" "kernel $(uname -r) has none (6.5+)"
	skip "kfunc filters (nothing loaded)" "kernel $(uname -r) has none (6.5+)"
fi
