#!/bin/bash
# hang-where.sh SUITE [HANG-REGS...]: where the vCPUs of a stopped guest of
# SUITE's kernel were (vm.sh's LOGDIR/hang-regs.txt), as symbol+offset.
# Debian's System.map is a stub (the real one is in the -dbg package), so
# the symbols come from the kernel itself: /proc/kallsyms of one boot with
# nokaslr, made once and cached beside the kernel (<kernel dir>/kallsyms).
# The hung boot's KASLR offset is its IDT gate 0's handler (in
# hang-regs.txt) less asm_exc_divide_error's address there; a vCPU before
# the kernel set up its IDT (firmware, decompressor) gets none. With the
# symbols cached, vm.sh also keeps the kernel's log buffer of a guest it
# stops (LOGDIR/hang-dmesg.txt): without HANG-REGS, only cache them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -ge 1 ] || { echo "usage: $0 SUITE [HANG-REGS...]" >&2; exit 2; }
suite=$1; shift
ks=$("$here/kernel.sh" path "$suite" dir)/kallsyms
if [ ! -s "$ks" ]; then
	lock_file "$ks.lock"
	if [ ! -s "$ks" ]; then
		w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
		mkdir -p "$w/root/tests"
		printf '#!/bin/sh\necho KALLSYMS-BEGIN\ngzip -c /proc/kallsyms | base64\necho KALLSYMS-END\n' \
			>"$w/root/tests/run"
		chmod 755 "$w/root/tests/run"
		"$here/initramfs.sh" "$w/initramfs.cpio.gz" "$w/root" 2>/dev/null
		log "hang-where: $suite's symbols from a nokaslr boot"
		"$here/vm.sh" run "$suite" "$w/initramfs.cpio.gz" "$w/log" --edu 0 --timeout 300 \
			--append nokaslr 2>"$w/vm.err" || { cat "$w/vm.err" >&2; die "kallsyms boot failed"; }
		sed -n '/^KALLSYMS-BEGIN/,/^KALLSYMS-END/p' "$w/log/console.log" | sed '1d;$d' |
			base64 -d | gunzip >"$ks.tmp"
		grep -q ' asm_exc_divide_error$' "$ks.tmp" || die "no kallsyms from the $suite guest"
		mv "$ks.tmp" "$ks"
	fi
fi
exec python3 - "$ks" "$@" <<'EOP'
import bisect, re, sys
syms = sorted((int(f[0], 16), f[2]) for f in (l.split() for l in open(sys.argv[1]))
              if len(f) >= 3 and f[1] in "tTwW")
addrs = [a for a, _ in syms]
gate0 = dict((n, a) for a, n in syms)["asm_exc_divide_error"]
for path in sys.argv[2:]:
    regs = open(path).read()
    h = re.search(r"IDT vector 0 handler: 0x([0-9a-f]+)", regs)
    off = int(h.group(1), 16) - gate0 if h else None
    print("%s: KASLR offset %s" % (path, "unknown (no kernel IDT)" if off is None
                                  or off % 0x200000 else "0x%x" % off))
    for cpu, pc in re.findall(r"### vCPU (\d+) at 0x([0-9a-f]+)", regs):
        a = int(pc, 16) - (off or 0)
        i = bisect.bisect_right(addrs, a) - 1
        if off is None or off % 0x200000 or i < 0 or a >= addrs[-1] + 0x100000:
            print("  vCPU %s: 0x%s (not in the kernel's text)" % (cpu, pc))
        else:
            print("  vCPU %s: 0x%s %s+0x%x" % (cpu, pc, syms[i][1], a - syms[i][0]))
EOP
