#!/bin/bash
# sysimage.sh SUITE: make (once) the disk image of a Debian machine of
# SUITE's release for the booted-system test (selftests/system.sh): an
# mmdebstrap root with systemd, udev, apt, dkms, a compiler, libbpf, and
# SUITE's kernel and headers (kernel.sh's debs, installed with apt, so the
# image's initramfs is Debian's own), as a raw ext4 image.
#   $DRVHOOK_CACHE/sysimage/<suite>-<kernel version>-<hash>/
#     disk.raw     the root filesystem (/dev/vda; boot it with snapshot=on)
#     vmlinuz, initrd.img   the image's /boot ones, for QEMU's direct boot
# (printed on stdout). Apt sources inside the image: the mirror's, as
# apt_source_line gives them; the host's are not touched. With kernel parameter
# drvhook.systest=1, drvhook-systest.service runs /run at the top of the
# disk labelled systest (the test's second disk) once the boot is done,
# its output on the serial console (which has no getty).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# = 1 ] || { echo "usage: $0 SUITE" >&2; exit 2; }
suite=$1
ver=$("$here/kernel.sh" path "$suite" version 2>/dev/null) ||
	{ "$here/kernel.sh" fetch "$suite" >&2; ver=$("$here/kernel.sh" path "$suite" version); }
base=$("$here/kernel.sh" path "$suite" dist)
gcc=$("$here/kernel.sh" path "$suite" gcc)
kdir=$("$here/kernel.sh" path "$suite" dir)
krel=$("$here/kernel.sh" path "$suite" release)
pkgs="systemd systemd-sysv udev apt dkms kmod initramfs-tools make $gcc libc6-dev
	libelf-dev pahole libbpf1 procps ca-certificates"
pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u | tr '\n' ',')
key=$( { echo "$pkgs"; cat "$0"; } | sha256sum | cut -c1-8)
out=$DRVHOOK_CACHE/sysimage/$suite-$ver-$key
mkdir -p "$DRVHOOK_CACHE/sysimage"
lock_file "$DRVHOOK_CACHE/sysimage/.lock-$suite"
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
mirror=$(apt_mirror)
sources=()
for s in $("$here/kernel.sh" path "$suite" apt); do
	sources+=("$(apt_source_line "$mirror" "$s")")
done
# backports' kernels need backports' linux-base
target=
[ "$suite" = "$base" ] || target="-t $suite"
kdebs=$(ls "$kdir"/debs/*.deb | grep -v /linux-source-)
tmp=$out.tmp
rm -rf "$tmp" "$out"
mkdir -p "$tmp/k"
cp $kdebs "$tmp/k/"
log "$suite: system image: $base userspace, kernel $ver ($krel)"
# the customize hook: the kernel, then what a booted test machine needs
mmdebstrap --quiet --mode=root --variant=minbase --architectures=amd64 \
	--include="${pkgs%,}" \
	--customize-hook="mkdir -p \"\$1/tmp/k\" && cp $tmp/k/*.deb \"\$1/tmp/k/\"" \
	--customize-hook="chroot \"\$1\" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $target /tmp/k/*.deb >/dev/null && rm -rf /tmp/k && apt-get clean'" \
	--customize-hook='echo drvhook-test >"$1/etc/hostname"' \
	--customize-hook='echo "/dev/vda / ext4 defaults 0 1" >"$1/etc/fstab"' \
	--customize-hook='chroot "$1" passwd -d root >/dev/null' \
	--customize-hook='cat >"$1/etc/systemd/system/drvhook-systest.service" <<EOU
[Unit]
Description=drvhook booted-system test (selftests/system.sh)
ConditionKernelCommandLine=drvhook.systest=1
Requires=dev-disk-by\\x2dlabel-systest.device
After=dev-disk-by\\x2dlabel-systest.device multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c "mkdir -p /mnt/systest && mount -o ro LABEL=systest /mnt/systest && exec /mnt/systest/run >/dev/ttyS0 2>&1"

[Install]
WantedBy=multi-user.target
EOU
	mkdir -p "$1/etc/systemd/system/multi-user.target.wants" && ln -s /etc/systemd/system/drvhook-systest.service "$1/etc/systemd/system/multi-user.target.wants/"' \
	--customize-hook='for t in serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer; do ln -sf /dev/null "$1/etc/systemd/system/$t"; done' \
	"$base" "$tmp/root" "${sources[@]}" >&2
cp -L "$tmp/root/boot/vmlinuz-$krel" "$tmp/vmlinuz"
cp -L "$tmp/root/boot/initrd.img-$krel" "$tmp/initrd.img"
log "$suite: system image: ext4 of $(du -sh "$tmp/root" | cut -f1)"
mkfs.ext4 -q -F -L root -d "$tmp/root" "$tmp/disk.raw" 6G >&2
rm -rf "$tmp/root" "$tmp/k"
mv "$tmp" "$out"
touch "$out/.complete"
echo "$out"
