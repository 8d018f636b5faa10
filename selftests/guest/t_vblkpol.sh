# The vblk policies on /dev/vblk0, each attached in this run's mode and
# checked through what a user sees: vblk_faults' errors through ext4 (EIO
# to a reader, an aborted journal on writes; e2fsck -fy repairs after
# detach), vblk_latency's per-cgroup histogram (bpftool map dump),
# vblk_throttle's delay of one cgroup's I/O while another's goes on.
# Independent of t_vblk's state: the disk gets its own ext4 here.
VB=/dev/vblk0
MNT=/tmp/vblkpol-mnt
CG=/sys/fs/cgroup
sha() { sha256sum | cut -d' ' -f1; }
le32() { echo "$(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))"; }
le64() { echo "$(le32 $(($1 & 0xffffffff))) $(le32 $(($1 >> 32 & 0xffffffff)))"; }
# bss PREFIX VAR: VAR of the .bss of the loaded policy whose map name
# starts with PREFIX (libbpf truncates the object's name)
bss() {
	for id in $(bpftool map show | sed -n "s/^\([0-9]*\): array  *name $1[a-z_]*\.bss .*/\1/p"); do
		bpftool -j map dump id "$id" | grep -o "\"$2\":[0-9]*" | cut -d: -f2
	done | head -1
}
cgid() { stat -c %i "$1"; }
# in_cg DIR CMD...: CMD in cgroup DIR (a subshell moved there first)
in_cg() { d=$1; shift; sh -c "echo \$\$ >$d/cgroup.procs && exec \"\$@\"" sh "$@"; }
now_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
# reads CG N: N O_DIRECT 4 KiB reads in cgroup CG, prints "rc=R cs=T"
reads() {
	t0=$(now_cs)
	in_cg "$1" dd if=$VB of=/dev/null bs=4k count="$2" iflag=direct 2>/dev/null
	r=$?
	echo "rc=$r cs=$(($(now_cs) - t0))"
}

if [ ! -b $VB ]; then
	skip "vblk policies" "no /dev/vblk0 (see group vblk)"
	return 0
fi
for p in vblk_protect vblk_faults vblk_latency vblk_throttle; do
	drvhook policy detach dev vblk0 name $p >/dev/null 2>&1
done
mkdir -p $MNT
umount $MNT 2>/dev/null

### vblk_faults ##########################################################
# on the raw disk: one 4 KiB block, sectors [8192, 8200), every 2nd
# request there fails; the blocks either side are never candidates
rd() { dd if=$VB of=/dev/null bs=4k skip="$1" count=1 iflag=direct 2>/dev/null; echo $?; }
out=$(run_rc attach vblk_faults vblk0 set start=8192 set end=8200 set every=2)
expect_match "faults: vblk_faults attaches (start=8192 end=8200 every=2)" 'rc=0$' "$out"
r=
for _ in 1 2 3 4; do r="${r:+$r }$(rd 1024) $(rd 1023) $(rd 1025)"; done
expect "faults: 4 reads of the block fail every 2nd time; the blocks either side read" \
	"0 0 0 1 0 0 0 0 0 1 0 0" "$r"
expect "faults: .bss candidates=4 injected=2" "4 2" \
	"$(bss vblk_f candidates) $(bss vblk_f injected)"
drvhook policy detach dev vblk0 name vblk_faults >/dev/null
expect "faults: detached: the block reads" 0 "$(rd 1024)"

# through ext4
out=$(run_rc mkfs.ext4 -q -F $VB)
expect_match "faults: mkfs.ext4 on vblk0" 'rc=0$' "$out"
mount -t ext4 $VB $MNT
dd if=/dev/urandom of=$MNT/keep bs=64k count=8 2>/dev/null
want=$(sha <$MNT/keep)
sync
out=$(run_rc attach vblk_faults vblk0 set ops=1)
expect_match "faults: vblk_faults attaches (ops=1: reads)" 'rc=0$' "$out"
echo 3 >/proc/sys/vm/drop_caches
out=$(run_rc sh -c "cat $MNT/keep >/dev/null")
expect_match "faults: reading a file on ext4 fails with EIO" \
	'(Input/output|I/O) error.*rc=[1-9]' "$(echo "$out" | tr '\n' ' ')"
n=$(bss vblk_f injected)
expect_match "faults: the policy counted its injections (.bss injected=$n)" '^[1-9][0-9]*$' "$n"
expect_match "faults: vblk0's policies line counts nonzero verdicts" \
	'^vblk_faults [a-z_]+ 0x2 .* request=[0-9]+/[1-9]' "$(cat /sys/class/drvhook/vblk0/policies)"
out=$(run_rc drvhook policy replace dev vblk0 name vblk_faults "$BPF/vblk_faults.bpf.o" \
	set ops=2)
expect_match "faults: replaced by ops=2 (writes)" 'rc=0$' "$out"
expect "faults: reads work again: the file reads back" "$want" "$(sha <$MNT/keep)"
kmsg0=$(dmesg | wc -l)
dd if=/dev/urandom of=$MNT/lost bs=64k count=4 conv=fsync 2>/dev/null
r1=$?
sync
sleep 6	# jbd2's commit interval is 5 s
dd if=/dev/zero of=$MNT/after bs=4k count=1 conv=fsync 2>/dev/null
r2=$?
expect "faults: writes on ext4 fail (fsync, then the next write)" "yes yes" \
	"$([ $r1 != 0 ] && echo yes || echo no) $([ $r2 != 0 ] && echo yes || echo no)"
expect_match "faults: the kernel aborted ext4's journal" \
	'(Aborting journal|Detected aborted journal)' \
	"$(dmesg | tail -n +$((kmsg0 + 1)))"
umount $MNT
out=$(run_rc drvhook policy detach dev vblk0 name vblk_faults)
expect_match "faults: vblk_faults detaches" 'rc=0$' "$out"
out=$(run_rc e2fsck -fy $VB)
expect_match "faults: e2fsck -fy after detach: fixed or clean (exit 0 or 1)" 'rc=[01]$' "$out"
out=$(run_rc e2fsck -fn $VB)
expect_match "faults: then e2fsck -fn: clean" 'rc=0$' "$out"
mount -t ext4 $VB $MNT
expect "faults: the file written before the faults reads back" "$want" "$(sha <$MNT/keep 2>&1)"
dd if=/dev/urandom of=$MNT/new bs=64k count=4 conv=fsync 2>/dev/null
expect "faults: detached: a new file is written and synced" 0 "$?"
umount $MNT

### cgroups for vblk_latency and vblk_throttle ###########################
grep -q "^[^ ]* $CG cgroup2 " /proc/mounts || mount -t cgroup2 cgroup2 $CG
echo +io >$CG/cgroup.subtree_control 2>/dev/null
if ! grep -qw io $CG/cgroup.subtree_control 2>/dev/null; then
	skip "latency and throttle per cgroup" "no io controller (cgroup.controllers: $(cat $CG/cgroup.controllers 2>&1))"
	return 0
fi
mkdir -p $CG/dh_vblk_a $CG/dh_vblk_b
A=$(cgid $CG/dh_vblk_a) B=$(cgid $CG/dh_vblk_b)

### vblk_latency #########################################################
out=$(run_rc attach vblk_latency vblk0)
expect_match "latency: vblk_latency attaches" 'rc=0$' "$out"
expect_match "latency: 64 O_DIRECT reads in cgroup dh_vblk_a" '^rc=0 ' "$(reads $CG/dh_vblk_a 64)"
in_cg $CG/dh_vblk_b true
# shellcheck disable=SC2046 # le64: one word per byte
cnt=$(bpftool -j map lookup name vblk_lat_hist key $(le64 "$A") 2>&1 | grep -o '"count":[0-9]*' | cut -d: -f2)
expect_match "latency: dh_vblk_a (id $A) has an entry of >= 64 requests (count=$cnt)" \
	'^(6[4-9]|[7-9][0-9]|[1-9][0-9]{2,})$' "$cnt"
# shellcheck disable=SC2046 # le64: one word per byte
out=$(run_rc bpftool map lookup name vblk_lat_hist key $(le64 "$B"))
expect_match "latency: dh_vblk_b (id $B), which did no I/O, has none (while dh_vblk_a has)" \
	'rc=[1-9]' "$([ -n "$cnt" ] && echo "$out")"
dump=$(bpftool map dump name vblk_lat_hist 2>&1)
expect_match "latency: bpftool map dump shows the histogram by name (BTF)" \
	'"count": [1-9].*"max_ns": [1-9].*"slots": \[' "$(echo "$dump" | tr '\n' ' ')"
out=$(run_rc drvhook policy detach dev vblk0 name vblk_latency)
expect_match "latency: vblk_latency detaches" 'rc=0$' "$out"

### vblk_throttle ########################################################
# dh_vblk_a at 50 IOPS, burst 5: 100 reads take >= (100 - 5) / 50 = 1.9 s;
# dh_vblk_b is not limited and reads at the same time
out=$(run_rc attach vblk_throttle vblk0 set iops=50 set burst=5 set cgroup="$A")
expect_match "throttle: vblk_throttle attaches (iops=50 burst=5 cgroup=dh_vblk_a)" 'rc=0$' "$out"
reads $CG/dh_vblk_b 100 >/tmp/vblkpol-b &
ra=$(reads $CG/dh_vblk_a 100)
wait
rb=$(cat /tmp/vblkpol-b)
echo "# throttle: dh_vblk_a $ra, dh_vblk_b $rb (centiseconds)"
expect_match "throttle: the limited cgroup's 100 reads all succeed" '^rc=0 ' "$ra"
ta=$(kv cs "$ra") tb=$(kv cs "$rb")
expect "throttle: ... and take >= 1.9 s (50 IOPS after a burst of 5)" yes \
	"$([ "${ta:-0}" -ge 190 ] && echo yes || echo "no: $ta cs")"
expect "throttle: the other cgroup's 100 reads succeed at the same time, within 1.9 s" yes \
	"$(echo "$rb" | grep -q '^rc=0 ' && [ "${tb:-999}" -lt 190 ] && echo yes || echo "no: $rb")"
n=$(bss vblk_t deferred)
expect_match "throttle: deferrals counted (.bss deferred=$n)" '^[1-9][0-9]*$' "$n"
out=$(run_rc drvhook policy detach dev vblk0 name vblk_throttle)
expect_match "throttle: vblk_throttle detaches" 'rc=0$' "$out"
ra=$(reads $CG/dh_vblk_a 100)
ta=$(kv cs "$ra")
expect "throttle: detached: dh_vblk_a's 100 reads take < 1.9 s again" yes \
	"$(echo "$ra" | grep -q '^rc=0 ' && [ "${ta:-999}" -lt 190 ] && echo yes || echo "no: $ra")"
rmdir $CG/dh_vblk_a $CG/dh_vblk_b
