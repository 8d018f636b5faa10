# The stub's ABI structs may change layout under an unchanged policy
# object: CO-RE relocates every access against the module's BTF. The same
# policy built without CO-RE (DRVHOOK_NO_CORE) is the control: it works
# on the layout it was compiled for and must not on the shuffled one.
LAYOUT=$(param layout)
nocore=/drvhook/bpf-nocore/test_basic.bpf.o

behaves() { # prints "yes" when test_basic's effects show on edu0
	[ "$(edutest ping edu0 0xdead)" = "error EACCES" ] &&
		[ "$(edutest fact edu0 5)" = 720 ] && echo yes || echo no
}

# Two device modules at once, edu in this run's layout and vdev in the
# plain one: both carry struct drvhook_dev_info (one layout everywhere),
# so no relocation against it may be ambiguous.
expect "drvhook_vdev is loaded beside drvhook_edu" yes \
	"$([ -e /sys/kernel/btf/drvhook_vdev ] && [ -e /sys/kernel/btf/drvhook_edu ] && echo yes)"
attach test_basic edu0 >/dev/null 2>&1
expect "CO-RE test_basic works on the ${LAYOUT:-plain} layout" yes "$(behaves)"
drvhook policy detach dev edu0 name test_basic >/dev/null 2>&1

drvhook policy attach $nocore dev edu0 name nocore $MODE_ARG >/tmp/nocore.out 2>&1
if [ "$LAYOUT" = shuffled ]; then
	expect "non-CO-RE test_basic fails on the shuffled layout" no "$(behaves)"
else
	expect "non-CO-RE test_basic works on the layout it was built for" yes "$(behaves)"
fi
drvhook policy detach dev edu0 name nocore >/dev/null 2>&1
expect "edu0 back to default" 120 "$(edutest fact edu0 5)"
