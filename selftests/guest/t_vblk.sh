# vblk (kmod/vblk/): drvhook_vblk drives the guest's virtio-blk-pci disk
# (vm.sh --vblk 64: 64 MiB, serial drvhook-vblk0) as /dev/vblk0; the
# in-tree virtio_blk is never loaded. Real clients: dd, buffered and
# O_DIRECT, checked with sha256; an MBR with one partition from 1 MiB;
# mkfs.ext4, mount, files, sync, umount, e2fsck -fn. Then vblk_protect,
# attached in this run's mode, refuses writes into the first MiB (EIO)
# while reads there and the partition after it work; detached, writes
# to the first MiB work again.
VB=/dev/vblk0
MNT=/tmp/vblk-mnt
yn() { if "$@"; then echo yes; else echo no; fi; }
sha() { sha256sum | cut -d' ' -f1; }
# status of dd itself, not of tr: busybox sh has no pipefail
dd_st() { dd "$@" 2>/tmp/vblk-dd.err; echo "rc=$? $(tr '\n' ' ' </tmp/vblk-dd.err)"; }

expect "drvhook_vblk is loaded, the in-tree virtio_blk is not" "yes no" \
	"$(yn [ -e /sys/module/drvhook_vblk ]) $(yn [ -e /sys/module/virtio_blk ])"
expect_match "/sys/class/drvhook/types lists vblk, its module and hooks" \
	'^vblk drvhook_vblk probe request complete$' "$(cat /sys/class/drvhook/types)"
expect "/dev/vblk0 is a block device" yes "$(yn [ -b $VB ])"
if [ ! -b $VB ]; then
	echo "# virtio devices: $(ls /sys/bus/virtio/devices/ 2>&1)"
	for d in /sys/bus/virtio/devices/*; do
		echo "# $d: device $(cat "$d/device" 2>&1) driver $(readlink "$d/driver" 2>&1)"
	done
	dmesg | grep -iE 'vblk|virtio' | tail -5 | sed 's/^/# /'
	return 0
fi
expect "vblk0's class device is type vblk" vblk "$(cat /sys/class/drvhook/vblk0/type 2>&1)"
expect "vblk0 is bound to drvhook_vblk" drvhook_vblk \
	"$(basename "$(readlink /sys/block/vblk0/device/driver)")"
expect "vblk0's size is the image's, 64 MiB" 67108864 "$(blockdev --getsize64 $VB 2>&1)"
expect "vblk0's logical block size" 512 "$(cat /sys/block/vblk0/queue/logical_block_size)"
expect "vblk0 has a write-back cache (flushes reach the device)" "write back" \
	"$(cat /sys/block/vblk0/queue/write_cache)"
expect "vblk0 is non-rotational, on every kernel (kmod/vblk/compat.h)" 0 \
	"$(cat /sys/block/vblk0/queue/rotational)"
expect "vblk0 has a hardware queue per vCPU (QEMU's num-queues default)" \
	"$(grep -c ^processor /proc/cpuinfo)" "$(ls /sys/block/vblk0/mq | wc -l)"

# dd: 1 MiB of random data at 4 MiB (buffered) and at 8 MiB (O_DIRECT,
# 256 KiB requests), read back past the page cache
dd if=/dev/urandom of=/tmp/vblk-pat bs=64k count=16 2>/dev/null
want=$(sha </tmp/vblk-pat)
out=$(dd_st if=/tmp/vblk-pat of=$VB bs=64k seek=64 conv=fsync)
expect_match "buffered dd writes 1 MiB at 4 MiB, fsync'd" '^rc=0' "$out"
echo 3 >/proc/sys/vm/drop_caches
expect "... and reads it back (sha256)" "$want" \
	"$(dd if=$VB bs=64k skip=64 count=16 2>/dev/null | sha)"
out=$(dd_st if=/tmp/vblk-pat of=$VB bs=256k seek=32 oflag=direct)
expect_match "O_DIRECT dd writes 1 MiB at 8 MiB" '^rc=0' "$out"
expect "... and O_DIRECT reads it back (sha256)" "$want" \
	"$(dd if=$VB bs=256k skip=32 count=4 iflag=direct 2>/dev/null | sha)"
expect "the data at 4 MiB is still there" "$want" \
	"$(dd if=$VB bs=64k skip=64 count=16 iflag=direct 2>/dev/null | sha)"
# two O_DIRECT writers at once (12 and 16 MiB), on whichever queues
# their CPUs map to
dd if=/tmp/vblk-pat of=$VB bs=64k seek=192 oflag=direct 2>/dev/null &
dd if=/tmp/vblk-pat of=$VB bs=64k seek=256 oflag=direct 2>/dev/null &
wait
expect "two concurrent O_DIRECT writers: both read back (sha256)" "$want $want" \
	"$(dd if=$VB bs=64k skip=192 count=16 iflag=direct 2>/dev/null | sha) $(dd if=$VB bs=64k skip=256 count=16 iflag=direct 2>/dev/null | sha)"

# an MBR: one Linux partition from sector 2048 to the end (129024 sectors)
{
	dd if=/dev/zero bs=446 count=1 2>/dev/null
	printf '\000\376\377\377\203\376\377\377\000\010\000\000\000\370\001\000'
	dd if=/dev/zero bs=48 count=1 2>/dev/null
	printf '\125\252'
} >/tmp/vblk-mbr
out=$(dd_st if=/tmp/vblk-mbr of=$VB bs=512 count=1 oflag=direct)
expect_match "an MBR is written to sector 0" '^rc=0' "$out"
blockdev --rereadpt $VB
i=0; while [ ! -b ${VB}p1 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
expect "/dev/vblk0p1 appears, 129024 sectors" 129024 "$(cat /sys/block/vblk0/vblk0p1/size 2>&1)"

# ext4 on the partition
out=$(run_rc mkfs.ext4 -q -F ${VB}p1)
expect_match "mkfs.ext4 on vblk0p1" 'rc=0$' "$out"
mkdir -p $MNT
out=$(run_rc mount -t ext4 ${VB}p1 $MNT)
expect_match "it mounts" 'rc=0$' "$out"
i=0
while [ $i -lt 8 ]; do
	dd if=/dev/urandom of=$MNT/f$i bs=16k count=$((i * 8 + 1)) 2>/dev/null
	i=$((i + 1))
done
(cd $MNT && sha256sum f*) >/tmp/vblk-sums
sync
umount $MNT
echo 3 >/proc/sys/vm/drop_caches
mount -t ext4 ${VB}p1 $MNT
expect "8 files written, synced, remounted: their sha256 match" "" \
	"$(cd $MNT && sha256sum -c /tmp/vblk-sums 2>&1 | grep -v ': OK$')"
umount $MNT
out=$(run_rc e2fsck -fn ${VB}p1)
expect_match "e2fsck -fn: clean" 'rc=0$' "$out"

# the type isolation: an edu policy on vblk0, a vblk policy on edu0
out=$(run_rc attach fact_guard vblk0)
expect_match "an edu policy is refused on vblk0, naming both types (exit 10)" \
	"(edu.*vblk|vblk.*edu).*rc=10$" "$(echo $out)"
out=$(run_rc attach vblk_protect edu0)
expect_match "a vblk policy is refused on edu0, naming both types (exit 10)" \
	"(edu.*vblk|vblk.*edu).*rc=10$" "$(echo $out)"

# vblk_protect: sectors [0, 2048) refused for writes
dd if=$VB of=/tmp/vblk-head bs=512 count=2048 iflag=direct 2>/dev/null
out=$(run_rc attach vblk_protect vblk0 set start=0 set end=2048)
expect_match "vblk_protect attaches to vblk0 (start=0 end=2048)" 'rc=0$' "$out"
# (4 KiB: busybox dd goes buffered for an O_DIRECT write it cannot align)
EIO='^rc=[1-9].*(Input/output|I/O) error'
out=$(dd_st if=/dev/zero of=$VB bs=4k count=1 oflag=direct)
expect_match "an O_DIRECT write to sector 0 fails with EIO" "$EIO" "$out"
out=$(dd_st if=/dev/zero of=$VB bs=4k seek=255 count=2 oflag=direct)
expect_match "an O_DIRECT write across sector 2048 fails with EIO" "$EIO" "$out"
out=$(dd_st if=/dev/zero of=$VB bs=4k seek=8 count=1 conv=fsync)
expect_match "a buffered write into the range fails with EIO at fsync" "$EIO" "$out"
blockdev --flushbufs $VB
echo 3 >/proc/sys/vm/drop_caches
expect "the first MiB reads back unchanged" "$(sha </tmp/vblk-head)" \
	"$(dd if=$VB bs=512 count=2048 iflag=direct 2>/dev/null | sha)"
out=$(dd_st if=/tmp/vblk-pat of=$VB bs=256k seek=32 oflag=direct)
expect_match "a write at 8 MiB still works" '^rc=0' "$out"
out=$(run_rc mount -t ext4 ${VB}p1 $MNT)
expect_match "the ext4 partition after the range mounts" 'rc=0$' "$out"
dd if=/dev/urandom of=$MNT/new bs=64k count=4 2>/dev/null
want2=$(sha <$MNT/new)
sync
umount $MNT
mount -t ext4 -o ro ${VB}p1 $MNT
expect "... and a file written there reads back after remount" "$want2" \
	"$(sha <$MNT/new 2>&1)"
umount $MNT
expect_match "vblk0's chain ran the request hook and refused some" \
	'^vblk_protect (struct_ops|fallback) 0x2 .* request=[0-9]+/[1-9][0-9]*' \
	"$(cat /sys/class/drvhook/vblk0/policies)"
out=$(run_rc drvhook policy detach dev vblk0 name vblk_protect)
expect_match "vblk_protect detaches" 'rc=0$' "$out"
out=$(dd_st if=/tmp/vblk-head of=$VB bs=512 count=2048 oflag=direct)
expect_match "detached: a write to the first MiB works again" '^rc=0' "$out"
out=$(run_rc e2fsck -fn ${VB}p1)
expect_match "e2fsck -fn after it all: clean" 'rc=0$' "$out"
