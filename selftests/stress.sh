#!/bin/bash
# make stress: the reliability suite (issue #6) at full size, on every
# kernel of the matrix: the guest groups stress (storm, storm-cli, reload, fuzz,
# hostile, privilege: selftests/guest/t_stress.sh) and hotplug
# (t_hotplug.sh, the host driving QMP: selftests/hotplug-host.sh); for
# vblk's disk, vblkio (vblk-hotplug: t_vblkio.sh) and vblkstress
# (vblk-storm, vblk-fuzz: t_vblkstress.sh).
#
#   STRESS_KERNELS="bookworm trixie trixie-backports"   kernels (default
#                   these; any spec of KERNELS, scripts/README.md)
#   STRESS_MODES="auto forced-fallback"  modes (default both; forced-fallback
#                   only where auto is struct_ops)
#   STRESS_JOBS=N   guests booted at once (default 1)
#   STRESS_STORM=N  storm cycles (edustress fast-storm; default 10000)
#   STRESS_STORM_LINKS=N  of those, in fallback mode, the cycles that
#                   attach and detach the fentry links too, as the loader
#                   does (default 100: 6 trampoline rewrites a cycle, 1-2 s
#                   in TCG; the others keep the links attached)
#   STRESS_STORM_CLI=N  storm cycles through the loader CLI (edustress
#                   storm; default 20: ~5 s each in TCG, see README)
#   STRESS_RELOADS=N STRESS_HOTPLUG=N STRESS_FUZZ=N STRESS_MANGLES=N
#                   (defaults 100, 100, 100000, 20)
#   STRESS_VBLK_STORM=N STRESS_VBLK_HOTPLUG=N STRESS_VBLK_FUZZ=N  vblk's
#                   (defaults 50, 20, 20000: ~4.5 s a storm cycle, ~6 s a
#                   hot-unplug cycle in TCG)
#   STRESS_SEED=N   fuzz/mangle seed (default random; printed)
#   STRESS_OUT=dir  results (default build/stress)
#   STRESS_TIMEOUT=S per guest (default 7200)
#   STRESS_DEBUG=0  skip the debug kernel. By default the suite also runs,
#                   at smaller sizes (STRESS_DEBUG_SIZES, default "storm=2000
#                   storm_links=20 storm_cli=3 reloads=10 hotplug=10
#                   fuzz=10000 mangles=3 vblk_storm=5 vblk_hotplug=3
#                   vblk_fuzz=2000": KASAN and lockdep make it ~10x
#                   slower), on the debug kernel (scripts/debug-kernel.sh:
#                   KASAN, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP; built once and
#                   cached: hours on 2 cores the first time).
#
# Prints progress per guest, then a table of the figures per kernel and
# scenario (held, faults, inputs, lost, seconds); writes
# $STRESS_OUT/summary.json. Exit status non-zero on any failed test, lost
# request, fault, missing scenario, kernel splat or hung guest. A silent
# boot that vm.sh booted again is printed ("boot retried:") and counted
# ("retries" per kernel and in total in summary.json).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
S=$repo/scripts
out=$(realpath -m "${STRESS_OUT:-$repo/build/stress}")
kernels=${STRESS_KERNELS:-$ALL_SUITES}
seed=${STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
storm=${STRESS_STORM:-10000} storm_links=${STRESS_STORM_LINKS:-100}
storm_cli=${STRESS_STORM_CLI:-20} reloads=${STRESS_RELOADS:-100} hotplug=${STRESS_HOTPLUG:-100}
fuzz=${STRESS_FUZZ:-100000} mangles=${STRESS_MANGLES:-20}
vblk_storm=${STRESS_VBLK_STORM:-50} vblk_hotplug=${STRESS_VBLK_HOTPLUG:-20}
vblk_fuzz=${STRESS_VBLK_FUZZ:-20000}
jobs=${STRESS_JOBS:-1}
t_all=$(now)

rm -rf "$out"; mkdir -p "$out"
make -s -C "$repo" all || die "build failed"
modes=${STRESS_MODES:-auto forced-fallback}
echo "stress: seed=$seed storm=$storm storm_links=$storm_links storm_cli=$storm_cli reloads=$reloads" \
	"hotplug=$hotplug fuzz=$fuzz mangles=$mangles vblk_storm=$vblk_storm" \
	"vblk_hotplug=$vblk_hotplug vblk_fuzz=$vblk_fuzz kernels='$kernels' modes='$modes'"

payload=$out/payload
mkdir -p "$payload/drvhook/bpf" "$payload/usr/sbin" "$payload/tests"
cp "$repo"/build/bpf/*.bpf.o "$payload/drvhook/bpf/"
cp "$repo/build/drvhook" "$repo/build/edutest" "$repo/build/edustress" "$repo/build/jsoncheck" \
	"$repo/build/vblkio" "$repo/build/vblkfuzz" /usr/sbin/bpftool "$payload/usr/sbin/"
cp "$repo"/selftests/guest/* "$payload/tests/"

# run_one SUITE MODE [debug]: one guest; results in $out/SUITE-MODE[-debug]/
run_one() {
	local suite=$1 mode=$2 dbg=${3:-} ap rc=0 vmpid hppid t0 f key
	key=$(kernel_key "$suite")
	local log=$out/$key-$2${3:+-debug} kd=$repo/build/kmod/$key/plain sizes bz=
	sizes="storm=$storm storm_links=$storm_links storm_cli=$storm_cli reloads=$reloads"
	sizes="$sizes fuzz=$fuzz mangles=$mangles hotplug=$hotplug"
	sizes="$sizes vblk_storm=$vblk_storm vblk_hotplug=$vblk_hotplug vblk_fuzz=$vblk_fuzz"
	if [ -n "$dbg" ]; then
		kd=$out/debug-kmod
		bz=$("$S/debug-kernel.sh" path bzimage)
		sizes=${STRESS_DEBUG_SIZES:-"storm=2000 storm_links=20 storm_cli=3 reloads=10 hotplug=10 fuzz=10000 mangles=3 vblk_storm=5 vblk_hotplug=3 vblk_fuzz=2000"}
	fi
	mkdir -p "$log/root/drvhook"
	# every module of scripts/lib.sh's DRVHOOK_KMODS (build-kmod.sh's OUTDIR)
	if ! kmod_complete "$kd" || ! kmod_install "$kd" "$log/root/drvhook"; then
		echo "$suite $mode: modules not built ($kd)"; return 1
	fi
	# the kernel's virtio and ext4 modules (the debug kernel has them built in)
	if [ -z "$dbg" ] && ! kernel_mods_install "$suite" "$log/root/drvhook/kernel"; then
		echo "$suite $mode: the kernel's modules failed"; return 1
	fi
	"$S/initramfs.sh" "$log/initramfs.cpio.gz" "$payload" "$log/root" 2>/dev/null ||
		{ echo "$suite $mode: initramfs failed"; return 1; }
	ap="drvhook.groups=stress,hotplug,vblkio,vblkstress drvhook.layout=plain drvhook.seed=$seed drvhook.group_timeout=0"
	for f in $sizes; do ap="$ap drvhook.$f"; done
	[ "$mode" = forced-fallback ] && ap="$ap drvhook.mode=fallback"
	t0=$(now)
	DRVHOOK_BZIMAGE=$bz "$S/vm.sh" run "$suite" "$log/initramfs.cpio.gz" "$log" --edu 2 --vblk 64 --qmp \
		--timeout "${STRESS_TIMEOUT:-7200}" --boot-timeout 600 --boot-marker '^TAP version 13' \
		--append "$ap" 2>"$log/vm.err" &
	vmpid=$!
	"$repo/selftests/hotplug-host.sh" "$log" $vmpid >"$log/hotplug-host.log" 2>&1 &
	hppid=$!
	# progress: the guest's scenario lines, as they come
	f=0
	while kill -0 $vmpid 2>/dev/null; do
		sleep 5
		grep -aE '^# (storm [0-9]|reload [0-9]|hotplug [0-9]|vblk-(storm|hotplug) [0-9]|STRESS |fault)|^not ok' \
			"$log/console.log" 2>/dev/null | tail -n +$((f + 1)) >"$log/progress.new"
		f=$((f + $(wc -l <"$log/progress.new")))
		sed "s/^/  [$suite $mode$dbg $(elapsed "$t0") s] /" "$log/progress.new"
	done
	wait $vmpid || rc=$?
	wait $hppid
	echo "$rc $(elapsed "$t0")" >"$log/rc"
	echo "  [$suite $mode$dbg] guest done: vm.sh exit $rc after $(elapsed "$t0") s"
}

for suite in $kernels; do
	key=$(kernel_key "$suite") || exit 1
	"$S/kernel.sh" fetch "$suite" >/dev/null && "$S/buildroot.sh" "$suite" >/dev/null &&
		"$S/build-kmod.sh" "$suite" "$repo/build/kmod/$key/plain" >"$out/kmod-$key.log" 2>&1 ||
		echo "$suite: kernel, build root or module build failed (see $out/kmod-$key.log)"
done

runs=() debug_failed=0
for suite in $kernels; do
	for mode in $modes; do
		[ "$mode" = forced-fallback ] && ! kernel_struct_ops "$suite" && continue
		runs+=("$suite $mode")
	done
done
for r in "${runs[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	run_one $r &
done
wait
# then the debug kernel (its build, the first time, overlaps nothing useful:
# it runs under nice 19 after the guests above)
if [ "${STRESS_DEBUG:-1}" = 0 ]; then
	echo "debug kernel: SKIP (STRESS_DEBUG=0)"
else
	# built once and cached; the stub built against it on the host (the
	# same compiler), from a copy of the sources
	log "debug kernel: scripts/debug-kernel.sh build (cached after the first time; hours on 2 cores)"
	if "$S/kernel.sh" fetch trixie >/dev/null && "$S/debug-kernel.sh" build >"$out/debug-kernel.log" 2>&1; then
		rm -rf "$out/debug-src" "$out/debug-kmod"; mkdir -p "$out/debug-src"
		for t in include $(kmod_trees); do
			(cd "$repo" && cp -a --parents "$t" "$out/debug-src/")
		done
		if kmod_make "$out/debug-src" "$("$S/debug-kernel.sh" path tree)" >"$out/kmod-debug.log" 2>&1 &&
			kmod_collect "$out/debug-src" "$out/debug-kmod" 2>>"$out/kmod-debug.log"; then
			runs+=("trixie auto debug")
			run_one trixie auto debug
		else
			echo "debug kernel: stub build failed ($out/kmod-debug.log)"; debug_failed=1
		fi
	else
		echo "debug kernel: build failed ($out/debug-kernel.log)"; debug_failed=1
	fi
fi

# the table and summary.json
failed=${debug_failed:-0} entries=() all_retries=0
printf '\n%-17s %-15s %-10s %8s %7s %9s %5s %8s  %s\n' kernel mode scenario held faults inputs lost secs details
for r in "${runs[@]}"; do
	set -- $r
	suite=$1 mode=$2 dbg=${3:-} log=$out/$(kernel_key "$1")-$2${3:+-debug}
	ver=$("$S/kernel.sh" path "$suite" version 2>/dev/null) || ver=unknown
	[ -n "$dbg" ] && ver="$ver-debug"
	read -r rc secs 2>/dev/null <"$log/rc" || { rc=missing secs=0; }
	tap=$(grep -aE '^(ok|not ok) [0-9]' "$log/console.log" 2>/dev/null)
	p=$(echo "$tap" | grep -c '^ok' ) f=$(echo "$tap" | grep -c '^not ok')
	s=$(echo "$tap" | grep -c '# SKIP')
	p=$((p - s))
	scen=() seen=""
	while read -r _ _ name rest; do
		[ -n "$name" ] || continue
		kvs=$(echo "$rest" | tr ' ' '\n')
		g() { echo "$kvs" | sed -n "s/^$1=//p" | head -1; }
		det=$(echo "$rest" | tr ' ' '\n' | grep -vE '^(held|faults|inputs|lost|secs)=' | tr '\n' ' ' | sed 's/ $//')
		printf '%-17s %-15s %-10s %8s %7s %9s %5s %8s  %s\n' "$suite $ver" "$mode" "$name" \
			"$(g held)" "$(g faults)" "$(g inputs)" "$(g lost)" "$(g secs)" "$det"
		[ "$(g faults)" = 0 ] && [ "$(g lost)" = 0 ] && [ "$(g held)" = "$(g inputs)" ] || failed=$((failed + 1))
		scen+=("{\"name\":\"$name\",\"held\":$(g held),\"faults\":$(g faults),\"inputs\":$(g inputs),\"lost\":$(g lost),\"secs\":$(g secs),\"details\":\"$det\"}")
		seen="$seen $name"
	done < <(grep -aE '^# STRESS ' "$log/console.log" 2>/dev/null)
	for want in storm storm-cli reload fuzz hostile privilege hotplug vblk-storm vblk-hotplug vblk-fuzz; do
		case " $seen " in *" $want "*) ;; *)
			echo "$suite $mode: scenario $want did not report"; failed=$((failed + 1)) ;;
		esac
	done
	splats=0
	case $rc in
	0) ;;
	100) splats=1; failed=$((failed + 1)); echo "$suite $mode: kernel splat:"; sed 's/^/  /' "$log/vm.err" | grep -E 'WARNING|BUG|KASAN|lockdep|Oops' | head -5 ;;
	*) failed=$((failed + 1)); echo "$suite $mode: guest failed (vm.sh exit $rc; $log/console.log)" ;;
	esac
	grep -aq 'Oops: int3' "$log/console.log" 2>/dev/null &&
		echo "  $suite $mode: 'Oops: int3': see README, Emulator defects (stale int3 after text patching)"
	[ "$f" = 0 ] || { failed=$((failed + f)); echo "$tap" | grep '^not ok' | sed "s/^/  $suite $mode: /"; }
	echo "$tap" | grep '# SKIP' | sed "s/^ok [0-9]* - /  $suite $mode skip: /"
	retries=0
	[ -f "$log/retries" ] && retries=$(wc -l <"$log/retries") &&
		sed "s/^/$suite $mode: boot retried: /" "$log/retries"
	all_retries=$((all_retries + retries))
	entries+=("{\"suite\":\"$suite\",\"version\":\"$ver\",\"mode\":\"$mode\",\"vm_exit\":\"$rc\",\"secs\":$secs,\"passed\":$p,\"failed\":$f,\"skipped\":$s,\"splats\":$splats,\"retries\":$retries,\"scenarios\":[$(IFS=,; echo "${scen[*]}")]}")
done
join() { local IFS=,; echo "$*"; }
cat >"$out/summary.json" <<EOF
{"seed":$seed,"sizes":{"storm":$storm,"storm_links":$storm_links,"storm_cli":$storm_cli,"reloads":$reloads,"hotplug":$hotplug,"fuzz":$fuzz,"mangles":$mangles,"vblk_storm":$vblk_storm,"vblk_hotplug":$vblk_hotplug,"vblk_fuzz":$vblk_fuzz},"kernels":[$(join "${entries[@]}")],"failed":$failed,"retries":$all_retries,"secs":$(elapsed "$t_all")}
EOF
python3 -m json.tool "$out/summary.json" >/dev/null || { echo "summary.json is not JSON"; failed=$((failed + 1)); }
echo "stress: $(elapsed "$t_all") s, $failed failures; $out/summary.json"
[ "$failed" = 0 ]
