#!/usr/bin/env python3
"""vcpu-state.py QMP-SOCKET [KALLSYMS LOG_BUF_SIZE DMESG-OUT]: print a
running QEMU's vCPU state, as vm.sh keeps it (LOGDIR/hang-regs.txt) before
it stops a guest for time.

Asks over QMP (human-monitor-command): info status, then stops the vCPUs
(QMP stop: the figures below are of one instant), info cpus,
info registers -a, then per vCPU its local APIC (info lapic ID) and the
16 instructions at its RIP/EIP (x/16i, read through vCPU 0's page
tables: the kernel's text is mapped alike on every CPU), and the first IDT
gate of vCPU 0 (the handler of vector 0: a running kernel's text address
there gives its KASLR offset against the handler's link address).
Each section starts with '### <command>'. Gives up after 20 s per command.
With the kernel's symbols (a nokaslr boot's /proc/kallsyms: hang-where.sh)
and a kernel IDT, also the text of the kernel's log buffer (__log_buf,
LOG_BUF_SIZE bytes: every message, those loglevel=4 kept off the console
too) into DMESG-OUT: its printable runs, in buffer order.
"""
import json
import os
import re
import socket
import sys


def main():
    if len(sys.argv) not in (2, 5):
        sys.exit("usage: vcpu-state.py QMP-SOCKET [KALLSYMS LOG_BUF_SIZE DMESG-OUT]")
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(20)
    s.connect(sys.argv[1])
    f = s.makefile("rw")

    def reply():
        while True:
            m = json.loads(f.readline())
            if "event" not in m:
                return m

    def qmp(cmd, args=None):
        f.write(json.dumps({"execute": cmd, "arguments": args or {}}) + "\n")
        f.flush()
        return reply()

    def hmp(line):
        r = qmp("human-monitor-command", {"command-line": line})
        out = r.get("return", "error: %s" % r.get("error"))
        print("### " + line)
        print(out.rstrip("\n"))
        return out

    reply()  # greeting
    qmp("qmp_capabilities")
    hmp("info status")
    qmp("stop")
    hmp("info cpus")
    regs = hmp("info registers -a")
    cpus = []  # (cpu index, pc) in the order QEMU prints them
    for block in re.split(r"\n(?=CPU#\d+)", regs):
        m = re.match(r"CPU#(\d+)", block)
        pc = re.search(r"\b[RE]IP=([0-9a-f]+)", block)
        if m and pc:
            cpus.append((int(m.group(1)), pc.group(1)))
    for cpu, _ in cpus:
        hmp("info lapic %d" % cpu)
    for cpu, pc in cpus:
        print("### vCPU %d at 0x%s" % (cpu, pc))
        hmp("x/16i 0x%s" % pc)
    idt = re.search(r"\bIDT=\s*([0-9a-f]+)", regs)
    if idt:
        gate = hmp("x/2gx 0x%s" % idt.group(1))
        w = re.findall(r"0x([0-9a-f]{16})", gate.split(":", 1)[-1])
        if len(w) == 2:
            lo, hi = int(w[0], 16), int(w[1], 16)
            addr = (lo & 0xffff) | ((lo >> 32) & 0xffff0000) | ((hi & 0xffffffff) << 32)
            print("### IDT vector 0 handler: 0x%016x" % addr)
            if len(sys.argv) == 5:
                logbuf(qmp, addr, *sys.argv[2:])


def logbuf(qmp, gate0, kallsyms, size, out):
    sym = {}
    for line in open(kallsyms):
        f = line.split()
        if len(f) >= 3 and f[2] in ("asm_exc_divide_error", "__log_buf"):
            sym[f[2]] = int(f[0], 16)
    off = gate0 - sym.get("asm_exc_divide_error", gate0 + 1)
    if off % 0x200000 or "__log_buf" not in sym:
        print("### no log buffer: the IDT gate is not the kernel's")
        return
    print("### KASLR offset 0x%x" % off)
    raw = out + ".raw"
    r = qmp("memsave", {"val": sym["__log_buf"] + off, "size": int(size),
                        "filename": raw, "cpu-index": 0})
    if "error" in r:
        print("### memsave: %s" % r["error"])
        return
    with open(raw, "rb") as f:
        text = re.findall(rb"[\x20-\x7e\t]{4,}", f.read())
    os.unlink(raw)
    with open(out, "wb") as f:
        f.write(b"\n".join(text) + b"\n")
    print("### log buffer text: %s (%d lines)" % (out, len(text)))


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError) as e:
        sys.exit("vcpu-state: %s" % e)
