#!/bin/bash
# make demo: on the newest kernel of the matrix, load the stub, attach a
# policy, show it changing a request's outcome, show what bpftool sees,
# detach, show the default back.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
suite=${KERNEL:-trixie-backports}
w=$repo/build/demo

make -s -C "$repo" all
"$S/kernel.sh" fetch "$suite" >/dev/null
"$S/buildroot.sh" "$suite" >/dev/null
rm -rf "$w"; mkdir -p "$w/root/drvhook/bpf" "$w/root/usr/sbin" "$w/root/tests"
"$S/build-kmod.sh" "$suite" "$w/kmod" >/dev/null 2>&1
kmod_install "$w/kmod" "$w/root/drvhook" shipped
kernel_mods_install "$suite" "$w/root/drvhook/kernel"
cp "$repo/build/bpf/fact_guard.bpf.o" "$w/root/drvhook/bpf/"
cp "$repo/build/drvhook" "$repo/build/edutest" "$w/root/usr/sbin/"
cp "$(guest_bpftool "$repo")" "$w/root/usr/sbin/bpftool"
cat >"$w/root/tests/run" <<'EOT'
#!/bin/sh
say() { echo; echo "### $*"; }
run() { echo "# $*"; "$@" 2>&1; }
say "kernel $(uname -r): load the hook core, then the edu driver (QEMU edu devices behind it)"
for m in $(cat /drvhook/kernel/modules); do insmod /drvhook/kernel/$m.ko; done
for m in $(cat /drvhook/modules); do run insmod /drvhook/$m.ko; done
run drvhook device list
say "no policy: the device's 32-bit register silently truncates 13!"
run edutest fact edu0 12
run edutest fact edu0 13
say "attach fact_guard to edu0: refuse factorials that overflow"
run drvhook policy attach /drvhook/bpf/fact_guard.bpf.o dev edu0
run drvhook policy list
run edutest fact edu0 13
run edutest fact edu0 12
run edutest fact edu1 13
say "what bpftool sees ($(bpftool version | head -1))"
if grep -q bpf_struct_ops_edu_ops /sys/kernel/btf/drvhook_edu; then
	run bpftool struct_ops list
else
	echo "# no module struct_ops on this kernel: the policy is a set of tracing links"
fi
run bpftool link show
run bpftool prog show name fact_guard_request
say "detach: the default is back"
run drvhook policy detach dev edu0 name fact_guard
run edutest fact edu0 13
EOT
chmod +x "$w/root/tests/run"
"$S/initramfs.sh" "$w/initramfs.cpio.gz" "$w/root" 2>/dev/null
rc=0
"$S/vm.sh" run "$suite" "$w/initramfs.cpio.gz" "$w/log" --edu 2 --timeout 300 2>/dev/null || rc=$?
sed -n '/^### kernel/,/DRVHOOK-DMESG-BEGIN/p' "$w/log/console.log" | grep -av '^\[ *[0-9]' | sed '$d'
exit $rc
