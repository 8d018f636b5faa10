#!/usr/bin/env python3
"""vcpu-state.py QMP-SOCKET: print a running QEMU's vCPU state, as vm.sh
keeps it (LOGDIR/hang-regs.txt) before it stops a guest for time.

Asks over QMP (human-monitor-command): info status, then stops the vCPUs
(QMP stop: the figures below are of one instant), info cpus,
info registers -a, then per vCPU its local APIC (info lapic ID) and the
16 instructions at its RIP/EIP (x/16i, read through vCPU 0's page
tables: the kernel's text is mapped alike on every CPU), and the first IDT
gate of vCPU 0 (the handler of vector 0: a running kernel's text address
there gives its KASLR offset against the handler's link address).
Each section starts with '### <command>'. Gives up after 20 s per command.
"""
import json
import re
import socket
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: vcpu-state.py QMP-SOCKET")
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


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError) as e:
        sys.exit("vcpu-state: %s" % e)
