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
out=$(run_rc drvhook policy detach dev vdev0 name test_vdev)
expect_match "test_vdev detaches" 'rc=0$' "$out"
expect "vdev0 answers n + 1000 again" "out=1005 notified=0" "$(sub vdev0 5)"
i=0
while [ $i -lt 50 ] && ! rmmod drvhook_vdev 2>/dev/null; do
	sleep 0.2; i=$((i + 1))
done
expect "rmmod drvhook_vdev once its policy is gone" no \
	"$([ -e /sys/module/drvhook_vdev ] && echo yes || echo no)"
expect "its devices are gone" "" "$(ls /sys/class/drvhook | grep vdev)"
insmod $VDEV_KO
expect "reloaded, vdev0 starts with no policy" "out=1005 notified=0" "$(sub vdev0 5)"
