#!/bin/bash
# make vm [KERNEL=spec]: an interactive guest with the stub loaded and the
# loader, bpftool, the policies and the tests at hand. Default: the newest
# kernel of the matrix. Quit with 'poweroff -f' (or Ctrl-A X).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
suite=${1:-trixie-backports}
w=$repo/build/vm/$(kernel_key "$suite")

make -s -C "$repo" all
"$S/kernel.sh" fetch "$suite" >/dev/null
"$S/buildroot.sh" "$suite" >/dev/null
rm -rf "$w"; mkdir -p "$w/root/drvhook/bpf" "$w/root/usr/sbin" "$w/root/tests" "$w/root/etc/profile.d"
"$S/build-kmod.sh" "$suite" "$w/kmod" >/dev/null
kmod_install "$w/kmod" "$w/root/drvhook"
kernel_mods_install "$suite" "$w/root/drvhook/kernel"
cp "$repo"/build/bpf/*.bpf.o "$w/root/drvhook/bpf/"
cp "$repo/build/drvhook" "$repo/build/edutest" "$w/root/usr/sbin/"
cp "$(guest_bpftool "$repo")" "$w/root/usr/sbin/bpftool"
cp "$repo"/selftests/guest/* "$w/root/tests/"
cat >"$w/root/etc/profile" <<'EOP'
. /tests/lib.sh
load_modules 2>/dev/null
echo "drvhook: stub loaded (modules: $(tr '\n' ' ' </drvhook/modules | sed 's/ $//')); try: drvhook device list; drvhook policy attach /drvhook/bpf/test_basic.bpf.o dev edu0"
EOP
"$S/initramfs.sh" "$w/initramfs.cpio.gz" "$w/root"
exec "$S/vm.sh" run "$suite" "$w/initramfs.cpio.gz" "$w/log" --edu 2 --vblk 64 --shell
