#!/bin/bash
# vm.sh run SUITE INITRAMFS LOGDIR [--edu N] [--timeout S] [--shell] [--qmp]
#                                   [--append 'ARGS'] [--mem SIZE] [--smp N] [--cpu MODEL]
#                                   [--icount SHIFT] [--boot-timeout S --boot-marker RE]
#                                   [--drive SPEC]... [--reboot]
# Boot SUITE's cached kernel (kernel.sh fetch SUITE first) on QEMU/TCG with N
# (default 1) edu PCI devices edu0..eduN-1 and INITRAMFS (initramfs.sh).
#   LOGDIR/console.log  the serial console
#   LOGDIR/dmesg.log    the guest's dmesg, as printed by its init at the end
#   LOGDIR/qmp.sock     QMP socket while the VM runs (--qmp)
#   LOGDIR/splats       the number of kernel warning lines (see $bad below)
# Exit status: 0 when the guest printed its result marker with rc=0 and no
# kernel warning showed up; the guest's rc (1-99) when its tests failed;
# 100 when the kernel log has WARNING:/BUG:/Oops/... lines (printed: see
# $bad below);
# 101 when no result marker came (crash, hang: --timeout, default 120 s;
# or no console line matching --boot-marker within --boot-timeout seconds).
# --shell: interactive, serial console on stdio (Ctrl-A X quits QEMU),
# guest init runs a shell instead of /tests/run; no verdict.
# --cpu MODEL: QEMU's -cpu (default max,-x2apic: with x2APIC, QEMU 10.0's
# TCG left a CPU's local timer vector, 0xec, in service for good in
# several PCI hot-unplug runs: no more ticks there, RCU stalls, a hung
# guest. None without x2APIC.)
# --drive SPEC: QEMU's -drive SPEC (repeatable; the booted-system test's
# disks). --reboot: a guest reboot restarts it (default: it ends the run).
# --icount SHIFT: the guest clock counts instructions (QEMU -icount, one
# instruction = 2^SHIFT ns; idle time still passes in real time), so that
# guest timings do not depend on the host's load (make bench).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $0 run SUITE INITRAMFS LOGDIR [--edu N] [--timeout S] [--shell] [--qmp] [--append 'ARGS'] [--mem SIZE] [--smp N] [--cpu MODEL] [--icount SHIFT] [--boot-timeout S --boot-marker RE] [--drive SPEC]... [--reboot]" >&2
	exit 2
}
[ $# -ge 4 ] && [ "$1" = run ] || usage
suite=$2 initrd=$3 logdir=$4; shift 4
edu=1 tmo=120 shell=0 qmp=0 append='' mem=1G smp=2 cpu=max,-x2apic icount= btmo=0 bmark=
drives=() reboot=-no-reboot
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
	*) usage ;;
	esac
	shift
done
[[ $edu =~ ^[0-9]+$ && $tmo =~ ^[0-9]+$ && $smp =~ ^[0-9]+$ && $icount =~ ^[0-9]*$ &&
   $btmo =~ ^[0-9]+$ ]] || usage
[ "$btmo" = 0 ] || [ -n "$bmark" ] || usage
[ -f "$initrd" ] || die "no initramfs $initrd"
# DRVHOOK_BZIMAGE: another kernel for the same suite (make stress: the debug one)
bz=${DRVHOOK_BZIMAGE:-$("$here/kernel.sh" path "$suite" bzimage)}
mkdir -p "$logdir"
con=$logdir/console.log
rm -f "$con" "$logdir/dmesg.log" "$logdir/qmp.sock" "$logdir/splats" "$logdir/boot-timeout"

token=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
cmdline="console=ttyS0 panic=-1 loglevel=4 drvhook.token=$token"
[ $shell = 1 ] && cmdline="$cmdline drvhook.shell=1"
[ -n "$append" ] && cmdline="$cmdline $append"

args=(-machine pc -accel tcg -cpu "$cpu" -smp "$smp" -m "$mem" -nic none -vga none $reboot
	-display none -kernel "$bz" -initrd "$initrd" -append "$cmdline" "${drives[@]}")
[ -n "$icount" ] && args+=(-icount "shift=$icount,sleep=on")
for ((i = 0; i < edu; i++)); do args+=(-device "edu,id=edu$i"); done
[ $qmp = 1 ] && args+=(-qmp "unix:$logdir/qmp.sock,server=on,wait=off")

if [ $shell = 1 ]; then
	exec qemu-system-x86_64 "${args[@]}" \
		-chardev "stdio,id=con,mux=on,signal=off,logfile=$con" \
		-serial chardev:con -mon chardev=con,mode=readline
fi

log "vm: $suite $("$here/kernel.sh" path "$suite" release), edu x$edu, timeout ${tmo}s, log $con"
t0=$(now)
qrc=0
timeout -k 10 "$tmo" qemu-system-x86_64 "${args[@]}" -serial "file:$con" -monitor none \
	</dev/null &
qpid=$!
if [ "$btmo" != 0 ]; then
	# a guest that has not reached its test runner in time is stuck at boot
	(for ((i = 0; i < btmo; i++)); do
		sleep 1
		grep -aqE "$bmark" "$con" 2>/dev/null && exit 0
		kill -0 $qpid 2>/dev/null || exit 0
	done
	touch "$logdir/boot-timeout"; kill $qpid) &
fi
wait $qpid || qrc=$?
[ -f "$logdir/boot-timeout" ] && log "vm: BOOT TIMEOUT: no '$bmark' on the console after ${btmo}s"
log "vm: qemu exited ($qrc) after $(elapsed "$t0") s"
[ -f "$con" ] || die "no console log"
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
	[ $qrc = 124 ] && log "vm: TIMEOUT after ${tmo}s" || log "vm: guest died without a result"
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
log "vm: PASS"
