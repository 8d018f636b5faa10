#!/bin/bash
# qmp.sh LOGDIR COMMAND [ARGS-JSON]: send one QMP command to the VM that
# `vm.sh run ... LOGDIR --qmp` runs, print the reply, exit 1 on a QMP error.
# Waits up to 30 s for the socket. Examples (edu hotplug on -machine pc):
#   qmp.sh LOGDIR device_add '{"driver": "edu", "id": "edu9"}'
#   qmp.sh LOGDIR device_del '{"id": "edu9"}'
#   qmp.sh LOGDIR query-pci
# Wait for a line in the guest console first (e.g. the guest saying it is
# ready) with: qmp.sh --wait REGEX LOGDIR ...  (up to 60 s)
set -euo pipefail
wait_re=
if [ "${1:-}" = --wait ]; then wait_re=${2:?}; shift 2; fi
[ $# -ge 2 ] && [ -d "$1" ] || { echo "usage: $0 [--wait REGEX] LOGDIR COMMAND [ARGS-JSON]" >&2; exit 2; }
logdir=$1 cmd=$2 cargs=${3:-"{}"}
if [ -n "$wait_re" ]; then
	for _ in $(seq 600); do
		grep -aEq "$wait_re" "$logdir/console.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -aEq "$wait_re" "$logdir/console.log" || { echo "qmp: no '$wait_re' in console" >&2; exit 1; }
fi
exec python3 - "$logdir/qmp.sock" "$cmd" "$cargs" <<'EOP'
import json, socket, sys, time
path, cmd, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
for _ in range(300):
    try:
        s.connect(path); break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit(f"qmp: cannot connect to {path}")
f = s.makefile("rw")
def reply():
    while True:
        m = json.loads(f.readline())
        if "event" not in m:
            return m
reply()  # greeting
f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n"); f.flush(); reply()
f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n"); f.flush()
r = reply()
print(json.dumps(r.get("return", r)))
sys.exit(1 if "error" in r else 0)
EOP
