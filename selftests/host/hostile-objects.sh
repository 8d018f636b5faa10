#!/bin/bash
# Hostile policy objects against the loader, on the host (no stub needed:
# the loader reads the object before it looks for the stub): mangled
# copies of a good object (cut short, ELF header + random bytes, bytes
# overwritten; edustress mangle, seeded). Each must be refused with a
# documented exit status (1 any other failure, 2 usage/name, 4 not a
# policy; 5 "no stub" when the copy is still a valid object), never a
# crash or a hang. HOSTILE_N seeds per kind (default 300), HOSTILE_SEED.
repo=$(cd "$(dirname "$0")/../.." && pwd)
n=${HOSTILE_N:-300}
seed=${HOSTILE_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t=0
echo "TAP version 13"
echo "# seed $seed, $n objects per kind"
for kind in truncate tail flip; do
	bad=""
	declare -A seen=()
	for i in $(seq "$n"); do
		s=$((seed + i))
		"$repo/build/edustress" mangle "$repo/build/bpf/test_basic.bpf.o" "$tmp/m.bpf.o" $s $kind >/dev/null
		DRVHOOK_SYSFS=$tmp/nosysfs timeout 20 "$repo/build/drvhook" policy attach "$tmp/m.bpf.o" dev edu0 \
			>/dev/null 2>&1
		rc=$?
		seen[$rc]=$((${seen[$rc]:-0} + 1))
		case $rc in 1|2|4|5) ;; *) bad="$bad seed=$s:rc=$rc" ;; esac
	done
	t=$((t + 1))
	dist=$(for k in "${!seen[@]}"; do echo "exit$k=${seen[$k]}"; done | sort | tr '\n' ' ')
	if [ -z "$bad" ]; then
		echo "ok $t - $n $kind-mangled objects refused with a documented status ($dist)"
	else
		echo "not ok $t - $n $kind-mangled objects refused with a documented status ($dist)"
		echo "#  crashed, hung or undocumented:$bad" | cut -c1-400
	fi
	unset seen
done
echo "1..$t"
