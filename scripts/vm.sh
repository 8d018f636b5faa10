#!/bin/bash
# vm.sh run SPEC INITRAMFS LOGDIR [--edu N] [--timeout S] [--shell] [--qmp]
#                                   [--append 'ARGS'] [--mem SIZE] [--smp N] [--cpu MODEL]
#                                   [--icount SHIFT] [--boot-timeout S --boot-marker RE]
#                                   [--drive SPEC]... [--reboot] [--vblk MIB]
# Boot SPEC's cached kernel (kernel.sh fetch SPEC first) on QEMU/TCG with N
# (default 1) edu PCI devices edu0..eduN-1 and INITRAMFS (initramfs.sh).
#   LOGDIR/console.log  the serial console
#   LOGDIR/dmesg.log    the guest's dmesg, as printed by its init at the end
#   LOGDIR/qmp.sock     QMP socket while the VM runs (--qmp)
#   LOGDIR/splats       the number of kernel warning lines (see $bad below)
#   LOGDIR/hang-regs.txt  the vCPUs' state (scripts/vcpu-state.py), asked
#                       over QMP before vm.sh stops a guest for time
#   LOGDIR/hang-dmesg.txt  then the text of the kernel's log buffer too, when
#                       the kernel's symbols are cached (scripts/hang-where.sh)
#   LOGDIR/boot-timeout, LOGDIR/timeout  there when it stopped it for
#                       --boot-timeout or --timeout (the seconds inside)
#   LOGDIR/retries      there when a silent boot was retried: a line per retry
#   LOGDIR/attempt1/    the first attempt's console.log, hang-regs.txt, ...
# Silent boot: the guest was stopped for time (--boot-timeout or --timeout)
# and its console is empty, 0 bytes. With loglevel=4 a healthy kernel prints
# nothing before init does (about 9 s into a boot on an idle host), so a
# silent guest is stuck in the firmware or the kernel before user space
# without even an error line. It is booted once more (once per vm.sh run):
# the rare silent hang (issue 15: 1 in ~25 boots under load) must not turn a
# run red by chance. The verdict is the second attempt's; the retry is in
# LOGDIR/retries and on stderr, for the caller to report. A guest that printed
# anything and then hung is not retried.
# Exit status: 0 when the guest printed its result marker with rc=0 and no
# kernel warning showed up; the guest's rc (1-99) when its tests failed;
# 100 when the kernel log has WARNING:/BUG:/Oops/... lines (printed: see
# $bad below);
# 101 when no result marker came (crash, hang: --timeout, default 120 s a boot;
# or no console line matching --boot-marker within --boot-timeout seconds;
# also after a retried silent boot that was silent again); 2 bad usage.
# --shell: interactive, serial console on stdio (Ctrl-A X quits QEMU),
# guest init runs a shell instead of /tests/run; no verdict, no timeout.
# --cpu MODEL: QEMU's -cpu (default max,-x2apic: with x2APIC, QEMU 10.0's
# TCG left a CPU's local timer vector, 0xec, in service for good in
# several PCI hot-unplug runs: no more ticks there, RCU stalls, a hung
# guest. None without x2APIC.)
# --drive SPEC: QEMU's -drive SPEC (repeatable; the booted-system test's
# disks). --reboot: a guest reboot restarts it (default: it ends the run).
# --vblk MIB: a virtio-blk-pci disk (QEMU id vblk0, serial drvhook-vblk0)
# on LOGDIR/vblk0.raw, a sparse raw image of MIB MiB made afresh for each
# boot (drvhook_vblk's disk; default 0: none), block node vblk0-node.
# --icount SHIFT: the guest clock counts instructions (QEMU -icount, one
# instruction = 2^SHIFT ns; idle time still passes in real time), so that
# guest timings do not depend on the host's load (make bench).
# DRVHOOK_BZIMAGE=FILE  boot FILE instead of the suite's kernel (make stress:
#   the debug one). DRVHOOK_BZIMAGE_FIRST=FILE  test only (the harness's
#   self-test, selftests/host/harness.sh): the first attempt boots FILE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $0 run SPEC INITRAMFS LOGDIR [--edu N] [--timeout S] [--shell] [--qmp] [--append 'ARGS'] [--mem SIZE] [--smp N] [--cpu MODEL] [--icount SHIFT] [--boot-timeout S --boot-marker RE] [--drive SPEC]... [--reboot] [--vblk MIB]" >&2
	exit 2
}
[ $# -ge 4 ] && [ "$1" = run ] || usage
suite=$2 initrd=$3 logdir=$4; shift 4
edu=1 tmo=120 shell=0 qmp=0 append='' mem=1G smp=2 cpu=max,-x2apic icount= btmo=0 bmark=
drives=() reboot=-no-reboot vblk=0
while [ $# -gt 0 ]; do
	case $1 in
	--edu) edu=${2:?}; shift ;;
	--timeout) tmo=${2:?}; shift ;;
	--shell) shell=1 ;;
	--qmp) qmp=1 ;;
	--append) append=${2?}; shift ;;
	--mem) mem=${2:?}; shift ;;
	--smp) smp=${2:?}; shift ;;
	--cpu) cpu=${2:?}; shift ;;
	--icount) icount=${2:?}; shift ;;
	--boot-timeout) btmo=${2:?}; shift ;;
	--boot-marker) bmark=${2:?}; shift ;;
	--drive) drives+=(-drive "${2:?}"); shift ;;
	--reboot) reboot= ;;
	--vblk) vblk=${2:?}; shift ;;
	*) usage ;;
	esac
	shift
done
[[ $edu =~ ^[0-9]+$ && $tmo =~ ^[0-9]+$ && $smp =~ ^[0-9]+$ && $icount =~ ^[0-9]*$ &&
   $btmo =~ ^[0-9]+$ && $vblk =~ ^[0-9]+$ ]] || usage
[ "$btmo" = 0 ] || [ -n "$bmark" ] || usage
[ -f "$initrd" ] || die "no initramfs $initrd"
bz=${DRVHOOK_BZIMAGE:-$("$here/kernel.sh" path "$suite" bzimage)}
mkdir -p "$logdir"
con=$logdir/console.log
rm -rf "$con" "$logdir/dmesg.log" "$logdir/qmp.sock" "$logdir/splats" "$logdir/boot-timeout" \
	"$logdir/timeout" "$logdir/hang-regs.txt" "$logdir/hang-dmesg.txt" "$logdir/retries" \
	"$logdir/attempt1"

token=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
cmdline="console=ttyS0 panic=-1 loglevel=4 drvhook.token=$token"
[ $shell = 1 ] && cmdline="$cmdline drvhook.shell=1"
[ -n "$append" ] && cmdline="$cmdline $append"

args=(-machine pc -accel tcg -cpu "$cpu" -smp "$smp" -m "$mem" -nic none -vga none $reboot
	-display none -initrd "$initrd" -append "$cmdline" "${drives[@]}")
[ -n "$icount" ] && args+=(-icount "shift=$icount,sleep=on")
for ((i = 0; i < edu; i++)); do args+=(-device "edu,id=edu$i"); done
[ $qmp = 1 ] && args+=(-qmp "unix:$logdir/qmp.sock,server=on,wait=off")
if [ "$vblk" -gt 0 ]; then
	rm -f "$logdir/vblk0.raw"
	truncate -s "${vblk}M" "$logdir/vblk0.raw"
	# -blockdev: the node outlives a device_del, for device_add to plug it
	# again (selftests/hotplug-host.sh)
	args+=(-blockdev "driver=raw,node-name=vblk0-node,file.driver=file,file.filename=$logdir/vblk0.raw"
		-device "virtio-blk-pci,drive=vblk0-node,id=vblk0,serial=drvhook-vblk0,write-cache=on")
fi

if [ $shell = 1 ]; then
	exec qemu-system-x86_64 "${args[@]}" -kernel "$bz" \
		-chardev "stdio,id=con,mux=on,signal=off,logfile=$con" \
		-serial chardev:con -mon chardev=con,mode=readline
fi

# vm.sh's own QMP socket (a short path: sun_path holds 108 bytes), for the
# vCPUs' state before a timeout stops the guest
priv=$(mktemp -d /tmp/drvhook-vm.XXXXXX)
trap 'rm -rf "$priv"' EXIT
args+=(-qmp "unix:$priv/qmp.sock,server=on,wait=off")

# with the kernel's symbols (cached by hang-where.sh), its log buffer too
dmesg_args=()
if [ -z "${DRVHOOK_BZIMAGE:-}" ]; then
	kd=$("$here/kernel.sh" path "$suite" dir)
	shift_=$(sed -n 's/^CONFIG_LOG_BUF_SHIFT=//p' "$("$here/kernel.sh" path "$suite" config)")
	[ -s "$kd/kallsyms" ] && [ -n "$shift_" ] &&
		dmesg_args=("$kd/kallsyms" $((1 << shift_)) "$(realpath "$logdir")/hang-dmesg.txt")
fi

# watch_vm PID: stops the guest PID for time (--boot-timeout without a
# --boot-marker line, --timeout), its vCPUs' state in hang-regs.txt first
watch_vm() {
	set +e	# runs in its own subshell: a failed dump must not keep the guest
	local pid=$1 t0=$SECONDS s why= booted=0
	while sleep 1; kill -0 "$pid" 2>/dev/null; do
		s=$((SECONDS - t0))
		if [ "$btmo" != 0 ] && [ $booted = 0 ]; then
			grep -aqE "$bmark" "$con" 2>/dev/null && booted=1
			[ $booted = 0 ] && [ "$s" -ge "$btmo" ] && why=boot-timeout
		fi
		[ "$s" -ge "$tmo" ] && why=${why:-timeout}
		[ -n "$why" ] || continue
		"$here/vcpu-state.py" "$priv/qmp.sock" "${dmesg_args[@]}" >"$logdir/hang-regs.txt" 2>&1
		echo "$s" >"$logdir/$why"
		kill "$pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do sleep 1; kill -0 "$pid" 2>/dev/null || return 0; done
		kill -9 "$pid" 2>/dev/null
		return 0
	done
}

log "vm: $suite $("$here/kernel.sh" path "$suite" release), edu x$edu, timeout ${tmo}s, log $con"
attempt=1
while :; do
	kernel=$bz
	[ $attempt = 1 ] && kernel=${DRVHOOK_BZIMAGE_FIRST:-$bz}
	t0=$(now)
	qrc=0
	# timeout: a backstop, should vm.sh itself be gone
	timeout -k 10 $((tmo + 60)) qemu-system-x86_64 "${args[@]}" -kernel "$kernel" \
		-serial "file:$con" -monitor none </dev/null &
	qpid=$!
	watch_vm $qpid &
	wpid=$!
	wait $qpid || qrc=$?
	wait $wpid || true
	[ -f "$logdir/boot-timeout" ] && log "vm: BOOT TIMEOUT: no '$bmark' on the console after ${btmo}s"
	[ -f "$logdir/timeout" ] && log "vm: TIMEOUT after ${tmo}s"
	log "vm: qemu exited ($qrc) after $(elapsed "$t0") s"
	[ -f "$con" ] || die "no console log"
	if [ $attempt = 1 ] && [ ! -s "$con" ] &&
		{ [ -f "$logdir/boot-timeout" ] || [ -f "$logdir/timeout" ]; }; then
		for why in boot-timeout timeout; do [ -f "$logdir/$why" ] && break; done
		echo "attempt 1 printed nothing (0 bytes on the console; $why after $(cat "$logdir/$why") s): booted again; its logs: $logdir/attempt1/" \
			>>"$logdir/retries"
		mkdir "$logdir/attempt1"
		for f in console.log hang-regs.txt hang-dmesg.txt boot-timeout timeout; do
			[ -e "$logdir/$f" ] && mv "$logdir/$f" "$logdir/attempt1/"
		done
		rm -f "$logdir/qmp.sock" "$priv/qmp.sock"
		log "vm: SILENT BOOT, retrying once: $(cat "$logdir/retries")"
		attempt=2
		continue
	fi
	break
done
sed -i 's/\r$//' "$con"

sed -n "/DRVHOOK-DMESG-BEGIN $token/,/DRVHOOK-DMESG-END $token/p" "$con" |
	sed '1d;$d' >"$logdir/dmesg.log"

bad='WARNING:|BUG:|Oops|RCU stall|rcu_.* self-detected stall|refcount_t|general protection|Kernel panic|UBSAN:|KASAN:|blocked for more than'
# kernel lines on the console too: a crash may prevent the dmesg dump
hits=$( { cat "$logdir/dmesg.log"; grep -E '^\[ *[0-9]+\.[0-9]+\]' "$con" || true; } |
	grep -E "$bad" | sort -u || true)
if [ -n "$hits" ]; then echo "$hits" | wc -l; else echo 0; fi >"$logdir/splats"

result=$(grep -ao "DRVHOOK-RESULT $token rc=[0-9]*" "$con" | tail -1 || true)
if [ -z "$result" ]; then
	[ -f "$logdir/timeout" ] || [ -f "$logdir/boot-timeout" ] || log "vm: guest died without a result"
	[ -f "$logdir/hang-regs.txt" ] && log "vm: the vCPUs' state before the guest was stopped: $logdir/hang-regs.txt"
	[ -n "$hits" ] && printf 'kernel: %s\n' "$hits" >&2
	echo "--- last console lines ($con):" >&2; tail -n 30 "$con" >&2
	exit 101
fi
rc=${result##*rc=}
if [ -n "$hits" ]; then
	log "vm: kernel log has warnings:"
	printf '  %s\n' "$hits" >&2
	[ "$rc" = 0 ] && exit 100
fi
if [ "$rc" != 0 ]; then
	log "vm: guest tests FAILED (rc=$rc), see $con"
	[ "$rc" -ge 1 ] && [ "$rc" -le 99 ] && exit "$rc"
	exit 1
fi
log "vm: PASS$([ -f "$logdir/retries" ] && echo ", after a retry: $(cat "$logdir/retries")")"
