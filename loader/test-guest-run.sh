#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-guest-run.sh [MODE]: the loader against the real stub, inside a
# guest with 2 edu devices (see test-guest.sh, which installs this as
# /tests/run). MODE: "" (default mode) or "fallback". Prints TAP; command
# output as "# " comments. Needs /tests/{drvhook.ko,edu-ctl,*.bpf.o} and
# /usr/sbin/drvhook.
D=/usr/sbin/drvhook
T=/tests
MODE=${1:-${DRVHOOK_TEST_MODE:-}}
M=${MODE:+mode $MODE}
n=0 fails=0

res() { # res OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
t() { # t EXPECTED-RC CMD...
	exp=$1; shift
	out=$("$@" 2>&1); rc=$?
	echo "$out" | sed 's/^/# /'
	[ "$rc" = "$exp" ]; res $? "exit $exp: $*$([ "$rc" = "$exp" ] || echo " (got $rc)")"
}
tv() { # tv EXPECTED-OUTPUT CMD...
	exp=$1; shift
	out=$("$@" 2>&1)
	[ "$out" = "$exp" ]; res $? "'$exp': $*$([ "$out" = "$exp" ] || echo " (got '$out')")"
}
tg() { # tg PATTERN CMD...: output matches
	pat=$1; shift
	out=$("$@" 2>&1)
	echo "$out" | grep -q -- "$pat"; res $? "/$pat/: $*"
}
E0="$T/edu-ctl /dev/edu0"
E1="$T/edu-ctl /dev/edu1"

echo "# uname $(uname -r), mode '${MODE:-default}'"
insmod $T/drvhook.ko || { echo "Bail out! insmod"; exit 1; }
echo 1 >/proc/sys/kernel/bpf_stats_enabled
t 0 $D feature probe
t 0 $D device list
t 0 $D -p device show edu0
tv "fact 3 -> 6" $E0 fact 3

# attach, order, verdicts
t 0 $D policy attach $T/test_basic.bpf.o dev edu0 $M
tv "fact 3 -> 24" $E0 fact 3
tv "ping: Permission denied" $E0 ping 0xdead
tv "ping 0x1234" $E0 ping 0x1234
t 9 $D policy attach $T/test_basic.bpf.o dev edu0 $M
t 9 $D policy attach $T/test_double.bpf.o dev edu0 before nosuch $M
t 0 $D policy attach $T/test_double.bpf.o dev edu0 before test_basic $M
tv "fact 3 -> 5040" $E0 fact 3
tg "1  test_double" $D policy list
t 0 $D -p policy list
tg "basic_request" $D policy show dev edu0 name test_basic
t 0 $D -p policy show dev edu0 name test_double
tg "RUN_TIME_NS" $D stats
t 0 $D -p stats dev edu0
t 0 $D device show edu0

# replace: test_basic (n+1) gets test_double's code (2n): 3 -> 6 -> 12
t 0 $D policy replace dev edu0 name test_basic $T/test_double.bpf.o
tv "fact 3 -> 479001600" $E0 fact 3
tg "double_request" $D policy show dev edu0 name test_basic
t 0 $D policy replace dev edu0 name test_basic $T/test_basic.bpf.o
tv "fact 3 -> 5040" $E0 fact 3
t 9 $D policy replace dev edu0 name nosuch $T/test_basic.bpf.o
t 6 $D policy replace dev edu0 name test_basic $T/badwrite.bpf.o
tv "fact 3 -> 5040" $E0 fact 3

# verifier rejection, missing feature
t 6 $D policy attach $T/badwrite.bpf.o dev edu0 $M
t 6 $D -j policy attach $T/badwrite.bpf.o dev edu0 $M
tg "BEGIN PROG LOAD LOG" $D -d policy attach $T/badwrite.bpf.o dev edu0 $M
if $D -j feature probe | grep -q '"struct_ops_type":false'; then
	tg "needs Linux 6.9" $D policy attach $T/test_basic.bpf.o dev edu0 name x mode struct_ops
fi

# detach
t 0 $D policy detach dev edu0 name test_double
tv "fact 3 -> 24" $E0 fact 3
t 0 $D policy detach dev edu0 name test_basic
tv "fact 3 -> 6" $E0 fact 3
t 9 $D policy detach dev edu0 name test_basic
t 7 $D policy attach $T/test_basic.bpf.o dev edu7 $M

# names, after, JSON
t 0 $D policy attach $T/test_basic.bpf.o dev edu1 name b1 $M
t 0 $D -j policy attach $T/test_double.bpf.o dev edu1 after b1 $M
tv "fact 3 -> 40320" $E1 fact 3
tg "2  test_double" $D policy list
t 0 $D -j policy detach dev edu1 name b1
t 0 $D policy detach dev edu1 name test_double

# a device goes away: its chain stays, its pins show "device absent"
t 0 $D policy attach $T/test_basic.bpf.o dev edu1 name gone $M
tv "fact 3 -> 24" $E1 fact 3
addr=$(basename "$(readlink /sys/class/drvhook/edu1/device)")
drv=$(basename "$(readlink /sys/bus/pci/devices/$addr/driver)")
echo "$addr" >/sys/bus/pci/drivers/$drv/unbind
tg "device absent" $D policy list
t 7 $D policy attach $T/test_basic.bpf.o dev edu1 $M
tg "basic_request" $D policy show dev edu1 name gone
echo "$addr" >/sys/bus/pci/drivers/$drv/bind
tg "1  gone" $D policy list
tv "fact 3 -> 24" $E1 fact 3
echo "$addr" >/sys/bus/pci/drivers/$drv/unbind
if $D policy list | grep -q "gone.*struct_ops"; then
	t 0 $D policy detach dev edu1 name gone
	echo "$addr" >/sys/bus/pci/drivers/$drv/bind
else
	# fallback: the entry needs its device to go
	t 7 $D policy detach dev edu1 name gone
	echo "$addr" >/sys/bus/pci/drivers/$drv/bind
	tg "not pinned" $D policy list
	t 0 $D policy detach dev edu1 name gone
fi
tv "fact 3 -> 6" $E1 fact 3
tv "no policies" $D policy list
tv "" find /sys/fs/bpf/drvhook -mindepth 2

# struct_ops maps drop their module reference asynchronously
i=0
until rmmod drvhook 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 20 ] || break; sleep 1
done
! lsmod | grep -q drvhook; res $? "rmmod drvhook"
echo "1..$n"
[ $fails = 0 ]
