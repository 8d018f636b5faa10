#!/bin/bash
# system.sh [SUITE]: drvhook installed the way a user installs it, on a
# Debian machine that boots (default SUITE: trixie-backports). The disk
# image of SUITE's release (scripts/sysimage.sh: systemd, udev, apt, dkms,
# the kernel and its headers) boots in QEMU with one edu device and a
# second disk holding the packages (selftests/host/debs.sh builds them in a
# root of the image's release, DEB_SUITE; DEBS=DIR takes them from DIR),
# edutest and the test, selftests/system/run,
# which runs at the end of each boot: apt install, a configuration of two
# policies, reboot, then the checks, QMP hot-plug (selftests/hotplug-host.sh
# answers the guest's cues), reload, apt remove and purge. The image is
# booted with snapshot=on: the cached image never changes.
# Prints the guest's TAP and "system SUITE VERSION passed=N failed=N";
# results in $SYSTEM_OUT (default build/system/SUITE).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
suite=${1:-trixie-backports}
out=${SYSTEM_OUT:-$repo/build/system/$suite}
t0=$(now)
rm -rf "$out"
mkdir -p "$out/disk"
img=$("$S/sysimage.sh" "$suite") && [ -f "$img/disk.raw" ] || die "no system image for $suite"
log "system: image $img ($(elapsed "$t0") s)"
if [ -n "${DEBS:-}" ]; then
	cp "$DEBS"/drvhook_*.deb "$DEBS"/drvhook-dkms_*.deb "$out/disk/" || die "no debs in $DEBS"
else
	# built for the image's own release: a trixie build needs libc6 2.38
	DEB_TEST=1 DEB_SUITE=$("$S/kernel.sh" path "$suite" dist) DEBS_OUT=$out/disk \
		"$repo/selftests/host/debs.sh" >"$out/debs.tap" 2>&1 && ! grep -q '^not ok' "$out/debs.tap" ||
		die "building or checking the packages failed: $out/debs.tap"
fi
make -s -C "$repo" build/edutest || die "no edutest"
cp "$repo/build/edutest" "$repo/selftests/system/run" "$out/disk/"
mkfs.ext4 -q -F -L systest -d "$out/disk" "$out/systest.img" 256M >&2 || die "mkfs of the test disk"
log "system: booting $suite (packages: $(cd "$out/disk" && ls ./*.deb | tr '\n' ' '))"
t=$(now)
DRVHOOK_BZIMAGE=$img/vmlinuz "$S/vm.sh" run "$suite" "$img/initrd.img" "$out" --edu 1 --qmp \
	--reboot --mem 2G --timeout "${SYSTEM_TIMEOUT:-2400}" \
	--append "root=/dev/vda rw drvhook.systest=1 systemd.show_status=no" \
	--drive "file=$img/disk.raw,format=raw,if=virtio,snapshot=on" \
	--drive "file=$out/systest.img,format=raw,if=virtio,readonly=on" >"$out/vm.log" 2>&1 &
vm=$!
"$repo/selftests/hotplug-host.sh" "$out" "$vm" >"$out/hotplug-host.log" 2>&1 &
wait "$vm"
vrc=$?
wait
grep -aE '^(ok|not ok|#|1\.\.)' "$out/console.log" | grep -v '^# *$'
read -r p f < <(awk '/^ok [0-9]+/ { p++ } /^not ok [0-9]+/ { f++ } END { printf "%d %d\n", p, f }' \
	"$out/console.log" 2>/dev/null || echo 0 0)
[ "$vrc" = 0 ] || { tail -5 "$out/vm.log"; [ "$f" != 0 ] || f=$((f + 1)); }
echo "system $suite $("$S/kernel.sh" path "$suite" version) passed=$p failed=$f ($(elapsed "$t") s booted, $(elapsed "$t0") s in all)"
[ "$f" = 0 ]
