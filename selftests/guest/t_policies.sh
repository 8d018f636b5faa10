# The policy library (bpf/admission, ratelimit, checksum, irq_coalesce,
# quirks): each attached to one device in the mode under test, its effect
# asserted there and absent on the other device, then detached and the
# default asserted back. Plus the kernel-structure portability check
# (kernfs_node.parent -> __parent, 6.15) against cgroup2fs ground truth.

EDUTEST=$(command -v edutest)
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
chmod 666 /dev/edu0 /dev/edu1
as_nobody() { su nobody -s /bin/sh -c "$EDUTEST $*" 2>&1; }

# le32/le64 N: the bytes of N, little-endian, for bpftool keys
le32() { echo "$(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))"; }
le64() { echo "$(le32 $(($1 & 0xffffffff))) $(le32 $(($1 >> 32 & 0xffffffff)))"; }
# mapfield MAP FIELD KEY-BYTES...: FIELD of the BTF-formatted value
mapfield() {
	m=$1 f=$2; shift 2
	bpftool -j map lookup name "$m" key $* 2>&1 | grep -o "\"$f\":[0-9]*" | head -1 | cut -d: -f2
}
policy_of() { cut -d' ' -f1 /sys/class/drvhook/$1/policies | tr '\n' ' ' | sed 's/ $//'; }
# detach_check NAME DEV
detach_check() {
	out=$(run_rc drvhook policy detach dev $2 name $1)
	expect_match "$1: detach from $2" "rc=0" "$out"
	expect "$1: $2 has no policy after detach" "" "$(policy_of $2)"
}
# attach_check NAME DEV [args]
attach_check() {
	out=$(run_rc attach "$@")
	expect_match "$1: attach to $2" "rc=0" "$out"
	expect "$1: $2 lists it" "$1" "$(policy_of $2)"
}

### admission ############################################################
attach_check admission edu0
expect "edu1 has no policy" "" "$(policy_of edu1)"
expect "admission: edu0: root admitted" 0xfffffffe "$(edutest ping edu0 1)"
expect "admission: edu0: nobody (uid 65534) refused with EPERM" "error EPERM" "$(as_nobody ping edu0 1)"
expect "admission: policy read task->cred->euid = 65534 (CO-RE)" "65534 65534 65534" \
	"$(mapfield adm_seen euid 0 0 0 0) $(mapfield adm_seen uid 0 0 0 0) $(mapfield adm_seen ctx_uid 0 0 0 0)"
expect "admission: edu1: nobody answered" 0xfffffffe "$(as_nobody ping edu1 1)"

# The caller's cgroup and its parent, read by the policy through
# task->cgroups->dfl_cgrp->kn->{id, parent|__parent}.
cg=/sys/fs/cgroup
grep -q "^[^ ]* $cg cgroup2 " /proc/mounts || mount -t cgroup2 cgroup2 $cg
mkdir -p $cg/dh_pol/inner
in_cg() { d=$1; shift; sh -c "echo \$\$ >$d/cgroup.procs && cat /proc/self/cgroup >/tmp/cg.self && exec $*"; }
want_field=$(bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null |
	awk "/^\[[0-9]+\] STRUCT 'kernfs_node' /{s=1; next} s && /^\[/{exit} s" |
	grep -oE "^[[:space:]]*'(__parent|parent)'" | tr -d "[:space:]'")
case $want_field in
__parent) want_flavor=2 ;;
parent) want_flavor=1 ;;
*) want_flavor=none ;;
esac
echo "# portability: kernfs_node.parent renamed kernfs_node.__parent (RCU) in 6.15;" \
	"vmlinux BTF of $(uname -r) has '$want_field'"
expect "portability: a process in dh_pol/inner is admitted" 0xfffffffe \
	"$(in_cg $cg/dh_pol/inner edutest ping edu0 1)"
expect "portability: it ran in cgroup /dh_pol/inner" "0::/dh_pol/inner" "$(cat /tmp/cg.self)"
ino_inner=$(stat -c %i $cg/dh_pol/inner) ino_parent=$(stat -c %i $cg/dh_pol)
expect "portability: policy read its cgroup id (= inode of dh_pol/inner)" "$ino_inner" \
	"$(mapfield adm_seen cgid 0 0 0 0)"
expect "portability: policy read the parent through kernfs_node.$want_field (= inode of dh_pol)" \
	"$want_flavor $ino_parent" \
	"$(mapfield adm_seen parent_field 0 0 0 0) $(mapfield adm_seen parent_cgid 0 0 0 0)"
edutest ping edu0 1 >/dev/null
expect "portability: root cgroup: id 1 (inode of $cg), no parent" "$(stat -c %i $cg) 0" \
	"$(mapfield adm_seen cgid 0 0 0 0) $(mapfield adm_seen parent_cgid 0 0 0 0)"

out=$(bpftool map update name adm_cg_deny key $(le64 $ino_parent) value 1 0 0 0 2>&1; echo "rc=$?")
expect_match "admission: deny cgroup dh_pol (bpftool map update)" "rc=0" "$out"
expect "admission: a process in dh_pol/inner (child of a denied cgroup) gets EACCES" "error EACCES" \
	"$(in_cg $cg/dh_pol/inner edutest ping edu0 1)"
expect "admission: a process in dh_pol (denied cgroup) gets EACCES" "error EACCES" \
	"$(in_cg $cg/dh_pol edutest ping edu0 1)"
expect "admission: a process in the root cgroup is admitted" 0xfffffffe "$(edutest ping edu0 1)"
expect "admission: edu1 ignores the denied cgroup" 0xfffffffe \
	"$(in_cg $cg/dh_pol/inner edutest ping edu1 1)"
bpftool map delete name adm_cg_deny key $(le64 $ino_parent) >/dev/null 2>&1
expect "admission: cgroup admitted again once removed from the map" 0xfffffffe \
	"$(in_cg $cg/dh_pol/inner edutest ping edu0 1)"

# Settings (`set NAME=VALUE`, here through replace) and an optional kfunc:
# deny_subtree uses bpf_task_under_cgroup() where the kernel has it (6.5),
# the kernfs parent walk elsewhere; either way the whole subtree is denied.
mkdir -p $cg/dh_pol/inner/deep
out=$(run_rc drvhook policy replace dev edu0 name admission $BPF/admission.bpf.o set deny_subtree=0x$(printf %x $ino_parent))
expect_match "admission: replace with set deny_subtree=<id of dh_pol>" "rc=0" "$out"
expect "admission: deny_subtree: a process in dh_pol/inner/deep gets EACCES" "error EACCES" \
	"$(in_cg $cg/dh_pol/inner/deep edutest ping edu0 1)"
if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "FUNC 'bpf_task_under_cgroup'"; then
	via="1 (kfunc bpf_task_under_cgroup)"
else
	via="2 (kernfs parent walk: no bpf_task_under_cgroup before 6.5)"
fi
expect "admission: deny_subtree checked through ${via#* }" "${via%% *} 1" \
	"$(mapfield adm_seen subtree_via 0 0 0 0) $(mapfield adm_seen in_subtree 0 0 0 0)"
expect "admission: deny_subtree: a process in the root cgroup is admitted" 0xfffffffe "$(edutest ping edu0 1)"
expect "admission: deny_subtree: edu1 unaffected" 0xfffffffe \
	"$(in_cg $cg/dh_pol/inner/deep edutest ping edu1 1)"
out=$(run_rc drvhook policy replace dev edu0 name admission $BPF/admission.bpf.o set no_such_var=1 | tr "\n" " ")
expect_match "admission: set of an unknown variable: exit 2, named" "no global variable 'no_such_var'.*rc=2" "$out"
expect "admission: the refused replace kept the previous settings" "error EACCES" \
	"$(in_cg $cg/dh_pol/inner/deep edutest ping edu0 1)"
out=$(run_rc drvhook policy replace dev edu0 name admission $BPF/admission.bpf.o set allowed_uid=65534)
expect_match "admission: replace with set allowed_uid=65534" "rc=0" "$out"
expect "admission: allowed_uid=65534: nobody admitted" 0xfffffffe "$(as_nobody ping edu0 1)"
expect "admission: allowed_uid=65534: root refused" "error EPERM" "$(edutest ping edu0 1)"
rmdir $cg/dh_pol/inner/deep $cg/dh_pol/inner $cg/dh_pol 2>/dev/null

detach_check admission edu0
expect "admission: default back: nobody answered on edu0" 0xfffffffe "$(as_nobody ping edu0 1)"

### ratelimit ############################################################
attach_check ratelimit edu0
expect "ratelimit: edu0: burst of 10, then EAGAIN" "ok=10 eagain=5 other=0" "$(edutest pings edu0 15)"
expect "ratelimit: edu0: a second process has its own bucket" "ok=10 eagain=2 other=0" \
	"$(edutest pings edu0 12)"
# Refill at 1/s: after >= 2.5 s, 2 or more tokens (more if the loaded host
# stretched the pause), but not the 10 asked for.
out=$(edutest pings edu0 10 2500 10)
refill=$(echo "$out" | awk '{ split($4, o, "="); split($5, e, "=");
	print ($1 == "ok=10" && $2 == "eagain=0" && o[2] >= 2 && e[2] >= 1 && $6 == "other=0") ? "yes" : "no" }')
echo "# ratelimit refill: $out"
expect "ratelimit: edu0: refill at 1/s: 2+ more after 2.5 s, then EAGAIN" yes "$refill"
expect "ratelimit: edu1 not limited" "ok=15 eagain=0 other=0" "$(edutest pings edu1 15)"
detach_check ratelimit edu0
expect "ratelimit: default back: edu0 not limited" "ok=15 eagain=0 other=0" "$(edutest pings edu0 15)"

### checksum #############################################################
attach_check checksum edu0
for spec in "7 4096" "9 100"; do
	set -- $spec
	out=$(edutest dmasum edu0 $1 $2)
	want=$(echo "$out" | sed 's/^same sum=\([0-9]*\) xor=\([0-9]*\)$/\1 \2/')
	expect_match "checksum: edu0: $2-byte DMA read back unchanged" "^same " "$out"
	expect "checksum: edu0: policy's sum/xor of the $2 bytes = userspace's" "$want $2" \
		"$(mapfield cksum_last sum 0 0 0 0) $(mapfield cksum_last xor 0 0 0 0) $(mapfield cksum_last len 0 0 0 0)"
done
expect "checksum: two DMA reads checksummed on edu0" 2 "$(mapfield cksum_last count 0 0 0 0)"
expect_match "checksum: edu1: DMA unchanged" "^same " "$(edutest dmasum edu1 3)"
expect "checksum: nothing checksummed for edu1" 0 "$(mapfield cksum_last count 1 0 0 0)"
detach_check checksum edu0
expect_match "checksum: default back: DMA unchanged" "^same " "$(edutest dmasum edu0 5)"

### irq_coalesce #########################################################
irqs() { edutest status $1 | sed 's/.*irqs=//'; }
mode0=$(edutest status edu0 | sed 's/.*irq_mode=\([0-9]\).*/\1/')
if [ "$mode0" = 0 ]; then
	skip "irq_coalesce" "edu0 is polled (irq_mode=0): no interrupts"
else
	attach_check irq_coalesce edu0
	i0=$(irqs edu0) j0=$(irqs edu1)
	expect "irq_coalesce: edu0: 40 factorials all complete, correct" \
		"submitted=40 completed=40 bad=0" "$(edutest load edu0 1 40)"
	i1=$(irqs edu0)
	wake=$(mapfield irqc_stats wake 0 0 0 0) thread=$(mapfield irqc_stats thread 0 0 0 0)
	echo "# irq_coalesce: irqs=$((i1 - i0)) wake=$wake thread=$thread"
	expect "irq_coalesce: every interrupt decided once (wake + thread = irqs)" $((i1 - i0)) \
		$((${wake:-0} + ${thread:-0}))
	[ "${wake:-0}" -ge 1 ] && [ "${thread:-0}" -ge 1 ] &&
		ok "irq_coalesce: both WAKE (under the rate) and THREAD (above it) chosen" ||
		not_ok "irq_coalesce: both WAKE (under the rate) and THREAD (above it) chosen"
	expect "irq_coalesce: edu1 load correct" "submitted=20 completed=20 bad=0" \
		"$(edutest load edu1 1 20)"
	expect "irq_coalesce: no decision counted for edu1" "0 0" \
		"$(mapfield irqc_stats wake 1 0 0 0) $(mapfield irqc_stats thread 1 0 0 0)"
	detach_check irq_coalesce edu0
	expect "irq_coalesce: default back: edu0 load correct" "submitted=40 completed=40 bad=0" \
		"$(edutest load edu0 1 40)"
fi

### quirks ###############################################################
drv=/sys/bus/pci/drivers/drvhook_edu
pci1=$(basename "$(readlink -f /sys/class/drvhook/edu1/device)")
rebind1() {
	echo "$pci1" >$drv/unbind
	echo "$pci1" >$drv/bind
}
qstate() { edutest status $1 | grep -o 'quirks=[0-9a-fx]* irq_mode=[0-9]'; }
expect "quirks: edu1 starts with MSI, no quirk" "quirks=0 irq_mode=2" "$(qstate edu1)"
attach_check quirks edu1
rebind1
expect "quirks: edu1 rebound with the same PCI device" "$pci1" \
	"$(basename "$(readlink -f /sys/class/drvhook/edu1/device)")"
expect "quirks: edu1 rebound polled (QUIRK_POLL from the table)" "quirks=0x2 irq_mode=0" "$(qstate edu1)"
bad=""
for i in 0 5 10 12; do
	got=$(edutest fact edu1 $i)
	[ "$got" = "$(fact $i)" ] || bad="$bad $i!=$got"
done
expect "quirks: edu1 polled factorials correct" "" "$bad"
expect_match "quirks: edu1 polled DMA correct" "^same " "$(edutest dmasum edu1 4)"
expect "quirks: edu0 untouched (MSI)" "quirks=0 irq_mode=2" "$(qstate edu0)"
detach_check quirks edu1
rebind1
expect "quirks: default back after rebind: edu1 MSI" "quirks=0 irq_mode=2" "$(qstate edu1)"
expect "quirks: edu1 factorial after rebind" "$(fact 10)" "$(edutest fact edu1 10)"

chmod 600 /dev/edu0 /dev/edu1
