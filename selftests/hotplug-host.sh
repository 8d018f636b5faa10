#!/bin/bash
# hotplug-host.sh LOGDIR PID: the host half of the guest's hotplug tests
# (selftests/guest/t_hotplug.sh). Follows LOGDIR/console.log while PID
# (the vm.sh run of that guest, started with --qmp) lives, and answers
# each guest line "DRVHOOK-HOTPLUG <seq> add|del [KIND] END" with a QMP
# device_add / device_del: of edu device "hp0" without KIND; with KIND
# vblk, of the virtio-blk-pci disk "vblk0" on its block node vblk0-node
# (scripts/vm.sh --vblk: the node stays, the same data comes back).
# Logs to stdout.
# vm.sh may boot the guest again (a silent boot: scripts/vm.sh) under the
# same PID, LOGDIR/console.log and qmp.sock: a console with fewer requests
# than were answered is a new one, and the count starts again. (Not a new
# inode: vm.sh rewrites the console in place, sed -i, before it exits.)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
qmp=$here/../scripts/qmp.sh
[ $# = 2 ] && [ -d "$1" ] || { echo "usage: $0 LOGDIR PID" >&2; exit 2; }
logdir=$1 pid=$2 done=0
alive() { kill -0 "$pid" 2>/dev/null; }
while alive; do
	mapfile -t reqs < <(grep -aoE 'DRVHOOK-HOTPLUG [0-9]+ (add|del)( vblk)? END' "$logdir/console.log" 2>/dev/null)
	[ "${#reqs[@]}" -ge "$done" ] || done=0
	while [ "$done" -lt "${#reqs[@]}" ] && alive; do
		set -- ${reqs[$done]}
		done=$((done + 1))
		dev='{"driver":"edu","id":"hp0"}' id=hp0
		if [ "$4" = vblk ]; then
			dev='{"driver":"virtio-blk-pci","id":"vblk0","drive":"vblk0-node","serial":"drvhook-vblk0","write-cache":"on"}'
			id=vblk0
		fi
		case $3 in
		add)	# the last removal may still be finishing: retry while QMP says so
			for try in $(seq 300); do
				r=$("$qmp" "$logdir" device_add "$dev" 2>&1) && break
				alive || break
				sleep 0.2
			done ;;
		del)	r=$("$qmp" "$logdir" device_del "{\"id\":\"$id\"}" 2>&1) ;;
		esac
		echo "$(date +%T) $2 $3 $id: $r"
	done
	sleep 0.2
done
