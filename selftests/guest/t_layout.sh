# The stub's ABI structs may change layout under an unchanged policy
# object: CO-RE relocates every access against the module's BTF. The same
# policy built without CO-RE (DRVHOOK_NO_CORE) is the control: it works
# on the layout it was compiled for and must not on the shuffled one.
# Both device modules take the run's layout: edu (test_basic) and vblk
# (vblk_protect on /dev/vblk0; drvhook_vblk's BTF shows where it put dev).
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

# vblk: where drvhook_vblk's BTF puts dev in each hook context, and
# request in vblk_ops (bytes)
vblk_btf() {
	bpftool btf dump file /sys/kernel/btf/drvhook_vblk 2>/dev/null | awk -v q="'" '
	$2 == "STRUCT" { n = $3; gsub(q, "", n); next }
	/^\[/ { n = ""; next }
	(n ~ /^vblk_(probe|request|complete)_ctx$/ && $1 == q "dev" q) ||
	(n == "vblk_ops" && $1 == q "request" q) {
		o = $3; sub(/bits_offset=/, "", o); print n, o / 8 }' | sort | tr '\n' ' '
}
if [ "$LAYOUT" = shuffled ]; then
	want="vblk_complete_ctx 32 vblk_probe_ctx 24 vblk_request_ctx 40 " ops=72
else
	want="vblk_complete_ctx 0 vblk_probe_ctx 0 vblk_request_ctx 0 " ops=8
fi
got=$(vblk_btf)
expect "drvhook_vblk's BTF has vblk's hook contexts in the ${LAYOUT:-plain} layout (dev's offset)" \
	"$want" "$(echo "$got" | sed 's/vblk_ops [0-9]* //')"
case $got in
*"vblk_ops "*)
	expect "... and vblk_ops (request's offset)" "vblk_ops $ops" \
		"$(echo "$got" | grep -o 'vblk_ops [0-9]*')" ;;
*) skip "... and vblk_ops (request's offset)" "no vblk_ops in drvhook_vblk's BTF: no module struct_ops on $(uname -r) (< 6.9)" ;;
esac

# "yes" when an O_DIRECT write of vblk0's own first 4 KiB back to it
# fails (vblk_protect's default range is the first MiB)
protects() {
	dd if=/dev/vblk0 of=/tmp/layout-blk bs=4k count=1 iflag=direct 2>/dev/null
	if dd if=/tmp/layout-blk of=/dev/vblk0 bs=4k count=1 oflag=direct 2>/dev/null; then
		echo no
	else
		echo yes
	fi
}
vnocore=/drvhook/bpf-nocore/vblk_protect.bpf.o
if [ ! -b /dev/vblk0 ]; then
	skip "vblk_protect on the ${LAYOUT:-plain} layout" "no /dev/vblk0 (group vblk says why)"
else
	expect "vblk0 takes the write with no policy" no "$(protects)"
	attach vblk_protect vblk0 >/dev/null 2>&1
	expect "CO-RE vblk_protect protects vblk0's first MiB on the ${LAYOUT:-plain} layout" yes "$(protects)"
	drvhook policy detach dev vblk0 name vblk_protect >/dev/null 2>&1
	drvhook policy attach $vnocore dev vblk0 name vnocore $MODE_ARG >/tmp/vnocore.out 2>&1
	sed 's/^/# vnocore attach: /' /tmp/vnocore.out | head -3
	if [ "$LAYOUT" = shuffled ]; then
		expect "non-CO-RE vblk_protect does not protect on the shuffled layout (refused at load, or it reads other fields)" \
			no "$(protects)"
	else
		expect "non-CO-RE vblk_protect protects on the layout it was built for" yes "$(protects)"
	fi
	drvhook policy detach dev vblk0 name vnocore >/dev/null 2>&1
	expect "vblk0 back to default: the write goes through" no "$(protects)"
fi
