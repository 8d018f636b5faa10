#!/bin/bash
# smoke.sh [SUITE...]: end-to-end check of the test infrastructure, for each
# suite (default: all): fetch the kernel, make the build root, build the
# modules, boot with 2 edu devices, insmod the modules in load order
# (default: every module of lib.sh's DRVHOOK_KMODS; SMOKE_MODULES="drvhook
# drvhook_edu" picks them, in load order) in the guest, show the edu
# devices, check /sys/kernel/btf/MODULE and its BTF for each, rmmod them in
# reverse. Source tree: the repo or $DRVHOOK_SRC. Work files:
# build/smoke/<suite>/ in the repo.
# Prints the time of each stage per suite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(dirname "$here")
mods=${SMOKE_MODULES:-$(kmod_names | tr '\n' ' ')}
# shellcheck disable=SC2086 # one word per module
rmods=$(printf '%s\n' $mods | tac | tr '\n' ' ')
suites=${*:-$ALL_SUITES}
for s in $suites; do kernel_key "$s" >/dev/null || exit 1; done

report=()
fail=0
for s in $suites; do
	w=$repo/build/smoke/$(kernel_key "$s")
	rm -rf "$w"; mkdir -p "$w/payload/tests" "$w/payload/usr/sbin"
	t=$(now); "$here/kernel.sh" fetch "$s"; tf=$(elapsed "$t")
	t=$(now); "$here/buildroot.sh" "$s" >/dev/null; tr=$(elapsed "$t")
	t=$(now); "$here/build-kmod.sh" "$s" "$w/payload/tests"; tb=$(elapsed "$t")
	for m in $mods; do [ -f "$w/payload/tests/$m.ko" ] || die "no $m.ko built"; done
	cp /usr/sbin/bpftool "$w/payload/usr/sbin/"
	kernel_mods_install "$s" "$w/payload/tests/kernel" || die "$s: the kernel's modules failed"
	cat >"$w/payload/tests/run" <<EOT
#!/bin/sh
set -e
echo "== uname: \$(uname -r)"
n=0
for d in /sys/bus/pci/devices/*; do
	v=\$(cat \$d/vendor) i=\$(cat \$d/device)
	echo "pci \${d##*/} \$v:\$i"
	[ "\$v:\$i" = 0x1234:0x11e8 ] && n=\$((n + 1))
done
echo "== edu devices: \$n"
[ \$n = 2 ]
# the kernel's own modules first (virtio-pci on 6.1: drvhook_vblk needs it)
for m in \$(cat /tests/kernel/modules); do insmod /tests/kernel/\$m.ko; done
for m in $mods; do
	insmod /tests/\$m.ko
	echo "== insmod \$m ok"
done
for m in $mods; do
	test -e /sys/kernel/btf/\$m
	echo "== /sys/kernel/btf/\$m: \$(wc -c </sys/kernel/btf/\$m) bytes"
	bpftool btf dump file /sys/kernel/btf/\$m | grep -c FUNC | sed "s/^/== \$m BTF FUNC types: /"
done
for d in /sys/bus/pci/devices/*; do
	[ -e \$d/driver ] && echo "== \${d##*/} bound to \$(basename \$(readlink \$d/driver))"
done
cat /proc/interrupts | grep -i -e msi -e drvhook || true
for m in $rmods; do
	rmmod \$m
	echo "== rmmod \$m ok"
done
EOT
	chmod +x "$w/payload/tests/run"
	"$here/initramfs.sh" "$w/initramfs.cpio.gz" "$w/payload"
	t=$(now); rc=0
	"$here/vm.sh" run "$s" "$w/initramfs.cpio.gz" "$w/log" --edu 2 --timeout 180 || rc=$?
	tv=$(elapsed "$t")
	[ $rc = 0 ] && res=PASS || { res="FAIL($rc)"; fail=1; }
	grep -a '^== ' "$w/log/console.log" | sed "s/^/[$s] /" || true
	report+=("$(printf '%-17s %-20s fetch %6ss  root %6ss  build %6ss  boot+test %6ss  %s' \
		"$s" "$("$here/kernel.sh" path "$s" version)" "$tf" "$tr" "$tb" "$tv" "$res")")
done
echo "== smoke summary"
printf '%s\n' "${report[@]}"
exit $fail
