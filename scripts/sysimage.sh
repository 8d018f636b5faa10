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
# apt_source_line gives them; the host's are not touched. bookworm's image
# also lists bookworm-backports (and no other suite): drvhook built for
# bookworm links libbpf1 >= 1.4 (1.4.6 there, installed), and the 6.1
# headers lack resolve_btfids, which bookworm-backports' linux-kbuild-6.12
# has (kmod/dkms-build.sh says to install it): its .debs are left in the
# image's apt cache, not installed, as if apt had downloaded them, so that
# the test runs the command the DKMS build prints without a network.
# With kernel parameter drvhook.systest=1, drvhook-systest.service runs
# /run at the top of the disk labelled systest (the test's second disk) once
# the boot is done, its output on the serial console (which has no getty).
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
suites=$("$here/kernel.sh" path "$suite" apt)
bpo_install=: bpo_fetch=: keep_apt=()
if [ "$base" = bookworm ]; then
	case " $suites " in *" bookworm-backports "*) ;; *) suites="$suites bookworm-backports" ;; esac
	bpo_install="apt-get install -y -q --no-install-recommends -t bookworm-backports libbpf1 >/dev/null"
	# the newest linux-kbuild (bookworm-backports' 6.12.*), downloaded only;
	# apt's lists and cache stay in the image (mmdebstrap would remove them)
	# shellcheck disable=SC2016 # expanded in the image
	bpo_fetch='apt-get install -y -q --no-install-recommends --download-only $(apt-cache pkgnames linux-kbuild- | sort -V | tail -1) >/dev/null'
	keep_apt=(--skip=cleanup/apt)
fi
sources=()
for s in $suites; do
	sources+=("$(apt_source_line "$mirror" "$s")")
done
# backports' kernels need backports' linux-base
target=
[ "$suite" = "$base" ] || target="-t $suite"
kdebs=()
for d in "$kdir"/debs/*.deb; do
	case $d in */linux-source-*) ;; *) kdebs+=("$d") ;; esac
done
tmp=$out.tmp
rm -rf "$tmp" "$out"
mkdir -p "$tmp/k"
cp "${kdebs[@]}" "$tmp/k/"
log "$suite: system image: $base userspace, kernel $ver ($krel)"
# the customize hook: the kernel, then what a booted test machine needs
mmdebstrap --quiet --mode=root --variant=minbase --architectures=amd64 \
	--include="${pkgs%,}" "${keep_apt[@]}" \
	--customize-hook="mkdir -p \"\$1/tmp/k\" && cp $tmp/k/*.deb \"\$1/tmp/k/\"" \
	--customize-hook="chroot \"\$1\" sh -c 'export DEBIAN_FRONTEND=noninteractive && $bpo_install && apt-get install -y -q --no-install-recommends $target /tmp/k/*.deb >/dev/null && rm -rf /tmp/k && apt-get clean && $bpo_fetch'" \
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
