#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-guest.sh SUITE [fallback] [DRVHOOK]: runs test-guest-run.sh in a
# QEMU guest of SUITE's kernel (scripts/kernel.sh, e.g. bookworm = 6.1,
# trixie = 6.12) with 2 edu devices: builds the stub (scripts/build-kmod.sh),
# the test policies and edu-ctl, boots (scripts/vm.sh), prints the guest's
# TAP. Work files: build/test-guest/SUITE[-fallback]/. Exit: vm.sh's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
S=$top/scripts
suite=${1:?usage: $0 SUITE [fallback] [DRVHOOK]}
mode=${2:-}
D=$(realpath "${3:-$top/build/drvhook}")
[ -z "$mode" ] || [ "$mode" = fallback ] || { echo "mode: fallback or nothing" >&2; exit 2; }
[ -x "$D" ] || { echo "no $D: make -C loader" >&2; exit 1; }
w=$top/build/test-guest/$suite${mode:+-$mode}
rm -rf "$w"; mkdir -p "$w/payload/tests" "$w/payload/usr/sbin"
p=$w/payload/tests

"$S/build-kmod.sh" "$suite" "$p" >"$w/build-kmod.log" 2>&1 ||
	{ tail -20 "$w/build-kmod.log"; exit 1; }
cp "$D" "$w/payload/usr/sbin/drvhook"
gcc -Wall -O2 -static -o "$p/edu-ctl" "$here/edu-ctl.c"
bpfcc() { clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$top/include" -I"$top/bpf" \
	-I/usr/include/$(uname -m)-linux-gnu -c "$1" -o "$2"; }
bpfcc "$top/bpf/test_basic.bpf.c" "$p/test_basic.bpf.o"
bpfcc "$top/bpf/test_double.bpf.c" "$p/test_double.bpf.o"
cat >"$w/badwrite.bpf.c" <<'EOC'
#include "drvhook.bpf.h"
DRVHOOK_REQUEST(bad_request, req)
{
	req->op = 3;	/* read-only: the verifier refuses it */
	return 0;
}
SEC(".struct_ops.link")
struct drvhook_ops badwrite = { .request = (void *)bad_request };
EOC
bpfcc "$w/badwrite.bpf.c" "$p/badwrite.bpf.o"
cp "$here/test-guest-run.sh" "$p/test-guest-run.sh"
printf '#!/bin/sh\nexec /tests/test-guest-run.sh %s\n' "$mode" >"$p/run"
chmod +x "$p/run"
"$S/initramfs.sh" "$w/initramfs.cpio.gz" "$w/payload"
rc=0
"$S/vm.sh" run "$suite" "$w/initramfs.cpio.gz" "$w/log" --edu 2 --timeout 600 || rc=$?
sed -n '/^# uname/,/^1\.\.[0-9]*/p' "$w/log/console.log" | tr -d '\r'
echo "# $suite${mode:+ $mode}: vm.sh exit $rc (log: $w/log)"
exit $rc
