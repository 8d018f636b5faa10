#!/bin/bash
# make bench: what a hook costs on the request path, next to what a user
# would pick instead, on every kernel of the matrix (docs/performance.md).
#
#   KERNELS="bookworm trixie trixie-backports"  kernels (default: these; any
#                     spec of make check's KERNELS; results in OUT/<key>/)
#   BENCH_OUT=dir     results folder (default build/bench)
#   BENCH_CLOCK=icount|wall  the guest clock (default icount: QEMU counts
#                     instructions, 1 ns each, so the host's load does not
#                     show; wall: plain TCG, the host's time)
#   BENCH_ROUNDS=N    passes over all variants in one boot (default 2)
#   BENCH_REPEATS=N   loops per mode and pass (default 5)
#   BENCH_MS=MS       duration of one loop (default 30)
#   BENCH_PARTS="edu vblk"  the parts the guest runs (default both; vblk:
#                     the disk's 4 KiB random reads, bench/blkbench.c)
#   BENCH_BLK_MS=MS   duration of one blkbench loop (default 300)
#   BENCH_BLK_REPEATS=N  blkbench loops per mode, depth and pass (default 5)
#   BENCH_BASELINE=results.json  the run the ioctl rates are compared with
#                     (default bench/baseline.json: the recorded run before
#                     the framework split; empty: none)
#
# Per kernel: builds drvhook_edu four ways (hooks, DRVHOOK_HOOKS=n,
# DRVHOOK_CPOLICY=admission, DRVHOOK_FLOOR=y; all with DRVHOOK_BENCH=y;
# kmod/edu/bench.h), boots one guest that loads them in turn
# (bench/guest-run), and keeps its BENCH lines. The guest has a 64 MiB
# virtio-blk disk and the kernel package's virtio_blk (and virtio_pci
# where it is a module): the vblk part switches the disk between it and
# drvhook_vblk in the same boot.
# With the icount clock the kernels run side by side.
# Then bench/report.py prints the ratio table and writes results.csv,
# results.json and results.png. Timings under TCG are only comparable
# within one guest run: the report holds ratios within each run.
# A silent boot that vm.sh booted again is printed ("boot retried:").
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
out=$(realpath -m "${BENCH_OUT:-$repo/build/bench}")
kernels=${KERNELS:-$ALL_SUITES}
failed=0
t_all=$(now)

rm -rf "$out"; mkdir -p "$out"
make -s -C "$repo" all bench-tools || die "build failed"

payload=$out/payload
guest_payload "$repo" "$payload"
mkdir -p "$payload/drvhook/bench"
cp "$repo"/build/bpf-bench/*.bpf.o "$payload/drvhook/bench/"
cp "$repo/build/drvbench" "$repo/build/blkbench" "$payload/usr/sbin/"
cp "$repo/bench/guest-run" "$payload/tests/run"

clock=${BENCH_CLOCK:-icount}
case $clock in
icount) clockargs=(--icount 0) ;;
wall) clockargs=() ;;
*) die "BENCH_CLOCK: icount or wall" ;;
esac
echo "$clock" >"$out/clock"
append="drvhook.bench_rounds=${BENCH_ROUNDS:-2} drvhook.bench_repeats=${BENCH_REPEATS:-3}"
append="$append drvhook.bench_ms=${BENCH_MS:-30}"
parts=${BENCH_PARTS:-edu vblk}
append="$append drvhook.bench_parts=${parts// /,} drvhook.bench_blk_ms=${BENCH_BLK_MS:-300}"
append="$append drvhook.bench_blk_repeats=${BENCH_BLK_REPEATS:-5}"
# idle=halt: TCG's MWAIT sleeps until the next interrupt, so a wakeup of an
# idle vCPU that sets its polled need-resched flag (no IPI) waits for the
# next tick (4 ms): that would bill the upcall for TCG, not for itself.
append="$append idle=halt"

# bench_kernel SUITE VERSION: builds the variants, boots the guest; its
# messages go to $out/SUITE/summary (printed in kernel order at the end)
bench_kernel() {
	local suite=$1 ver=$2 d v name rc=0 t
	d=$out/$(kernel_key "$1")
	t=$(now)
	for v in "hooks DRVHOOK_BENCH=y" "nohook DRVHOOK_BENCH=y DRVHOOK_HOOKS=n" \
		"cpolicy DRVHOOK_CPOLICY=admission" "floor DRVHOOK_FLOOR=y"; do
		set -- $v
		name=$1; shift
		if ! "$S/build-kmod.sh" "$suite" "$d/root/drvhook/$name" "$@" >"$d/kmod-$name.log" 2>&1; then
			echo "kernel $suite $ver: module build failed, see $d/kmod-$name.log"
			tail -20 "$d/kmod-$name.log"
			return 1
		fi
	done
	rm -f "$d"/root/drvhook/*/kernel.txt
	# the in-tree driver of the vblk part, from the kernel package
	GUEST_KERNEL_MODS="virtio_pci virtio_blk" kernel_mods_install "$suite" "$d/root/drvhook/kernel" ||
		{ echo "kernel $suite $ver: the kernel's virtio modules failed"; return 1; }
	"$S/initramfs.sh" "$d/initramfs.cpio.gz" "$payload" "$d/root" 2>"$d/initramfs.log" ||
		{ echo "kernel $suite $ver: initramfs failed, see $d/initramfs.log"; tail -5 "$d/initramfs.log"; return 1; }
	# a generous timeout: a guest gets a small share of a loaded host
	"$S/vm.sh" run "$suite" "$d/initramfs.cpio.gz" "$d" --edu 1 --vblk 64 --timeout 2400 \
		--boot-timeout 600 --boot-marker '^BENCHINFO kernel=' \
		"${clockargs[@]}" --append "$append" 2>"$d/vm.err" || rc=$?
	[ -f "$d/retries" ] && sed "s/^/kernel $suite $ver: boot retried: /" "$d/retries"
	grep -aE '^BENCH(INFO|ERR|BLK)? ' "$d/console.log" >"$d/bench.txt" 2>/dev/null
	grep -aE '^BENCHERR ' "$d/bench.txt" | sed "s/^/  $suite: /"
	echo "$ver" >"$d/version"
	echo "kernel $suite $ver: $(elapsed "$t") s (module builds and guest)"
	if [ $rc != 0 ]; then
		echo "kernel $suite $ver: guest failed (rc=$rc), see $d/console.log"
		grep -E 'WARNING:|BUG:|Oops|RCU|refcount_t|general protection' "$d/vm.err" | head -5
		return 1
	fi
}

# Kernels and build roots first, one at a time (apt, mmdebstrap).
ready=
keys=
for suite in $kernels; do
	key=$(kernel_key "$suite") || exit 1
	keys="$keys $key"
	mkdir -p "$out/$key/root/drvhook"
	if ! "$S/kernel.sh" fetch "$suite" >/dev/null || ! "$S/buildroot.sh" "$suite" >/dev/null; then
		echo "kernel $suite MISSING (fetch or build root failed)"
		failed=$((failed + 1))
		continue
	fi
	ready="$ready $suite"
done

# With -icount the host's load does not show in the figures, so the
# kernels run side by side; with the wall clock, one at a time.
pids=()
for suite in $ready; do
	ver=$("$S/kernel.sh" path "$suite" version)
	if [ "$clock" = icount ]; then
		bench_kernel "$suite" "$ver" >"$out/$(kernel_key "$suite")/summary" 2>&1 &
		pids+=($!)
	else
		bench_kernel "$suite" "$ver" >"$out/$(kernel_key "$suite")/summary" 2>&1 || failed=$((failed + 1))
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
for suite in $ready; do
	cat "$out/$(kernel_key "$suite")/summary"
done

# Debian's python3 (its python3-matplotlib draws the chart), whatever else
# is first on PATH
BENCH_BASELINE=${BENCH_BASELINE-$repo/bench/baseline.json} \
	/usr/bin/python3 "$repo/bench/report.py" "$out" $keys || failed=$((failed + 1))
echo "make bench: $(elapsed "$t_all") s"
[ $failed = 0 ]
