# Not a drvhook test: a reproducer of a QEMU TCG defect, run by hand
# (drvhook.groups=poke, see README "Emulator defects"). Toggles ftrace on
# a core kernel function, __x64_sys_ioctl, while 4 processes call it: each
# toggle rewrites the call site with the kernel's text_poke_bp. Under
# multi-threaded TCG a CPU sooner or later runs the int3 of a rewrite
# already finished ("Oops: int3" at __x64_sys_ioctl+0x5).
#   drvhook.poke=N   toggles (default 3000)
#   # POKE toggles=N secs=S

POKE_N=$(param poke); POKE_N=${POKE_N:-3000}
TR=/sys/kernel/tracing
mountpoint -q $TR || mount -t tracefs nodev $TR
echo __x64_sys_ioctl >$TR/set_ftrace_filter
for p in 1 2 3 4; do edutest pings edu0 2000000000 >/dev/null 2>&1 & done
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt "$POKE_N" ]; do
	echo function >$TR/current_tracer
	echo nop >$TR/current_tracer
	i=$((i + 1))
	[ $((i % 200)) = 0 ] && echo "# poke $i"
done
kill $(jobs -p) 2>/dev/null
echo "# POKE toggles=$i secs=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }')"
ok "poke: $i ftrace toggles on __x64_sys_ioctl under load, no crash"
