#!/bin/bash
# debug-kernel.sh build|path [bzimage|tree]
# A debug kernel for make stress: Debian's linux-source package of the
# trixie kernel (the version kernel.sh last resolved for trixie), x86_64
# defconfig plus what the stub and the guests need (PCI, MSI, ACPI PCI
# hotplug, BPF syscall and JIT, fentry trampolines, BTF of vmlinux and
# modules, modules) and the checkers: KASAN (generic, inline),
# PROVE_LOCKING, DEBUG_ATOMIC_SLEEP. Built once under nice -n 19, cached
# in $DRVHOOK_CACHE/debug-kernel/<version>/ (tree/, bzImage, done), under
# the cache lock. Needs flex, bison, dwarves (pahole) on the host: `build`
# installs them with apt-get when missing.
#   build   -> stdout: the bzImage path (builds when not cached)
#   path bzimage|tree  -> the cached paths (fails when not built)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 build | path bzimage|tree" >&2; exit 2; }
ver=$(cat "$DRVHOOK_CACHE/kernels/trixie.current" 2>/dev/null) ||
	die "no trixie kernel resolved yet: run scripts/kernel.sh fetch trixie"
base=$DRVHOOK_CACHE/debug-kernel/$ver
case $1 in
path)
	[ -f "$base/done" ] || die "debug kernel $ver not built (scripts/debug-kernel.sh build)"
	case ${2:-} in
	bzimage) echo "$base/bzImage" ;;
	tree) echo "$base/tree" ;;
	*) echo "usage: $0 path bzimage|tree" >&2; exit 2 ;;
	esac
	exit 0 ;;
build) ;;
*) echo "usage: $0 build | path bzimage|tree" >&2; exit 2 ;;
esac

[ -f "$base/done" ] && { echo "$base/bzImage"; exit 0; }
lock_file "$DRVHOOK_CACHE/debug-kernel/.lock"
[ -f "$base/done" ] && { echo "$base/bzImage"; exit 0; }
need=()
for p in flex bison dwarves bc libelf-dev libssl-dev; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "debug kernel: installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
fi
mkdir -p "$base"
srcver=${ver%%-*}; srcmm=$(echo "$srcver" | cut -d. -f1,2)
pkg=linux-source-$srcmm
if [ ! -d "$base/tree/kernel" ]; then
	suite_apt_init trixie
	sapt_update trixie >&2 || log "debug kernel: index refresh failed, using the cached index"
	log "debug kernel: downloading $pkg=$ver"
	(cd "$base" && sapt_get trixie download "$pkg=$ver" >&2)
	rm -rf "$base/x"; mkdir -p "$base/x"
	dpkg-deb -x "$base/${pkg}_${ver}_all.deb" "$base/x"
	log "debug kernel: unpacking the source"
	rm -rf "$base/tree"; mkdir -p "$base/tree"
	tar -xf "$base/x/usr/src/$pkg.tar.xz" -C "$base/tree" --strip-components=1
	rm -rf "$base/x" "$base/${pkg}_${ver}_all.deb"
fi
cd "$base/tree"
if [ ! -f .config.drvhook ]; then
	make -s x86_64_defconfig >&2
	on="PCI PCI_MSI HOTPLUG_PCI HOTPLUG_PCI_ACPI ACPI MODULES MODULE_UNLOAD
	    BPF BPF_SYSCALL BPF_JIT BPF_JIT_ALWAYS_ON FTRACE FUNCTION_TRACER
	    DYNAMIC_FTRACE DYNAMIC_FTRACE_WITH_DIRECT_CALLS BPF_EVENTS KPROBES
	    DEBUG_INFO DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT DEBUG_INFO_BTF
	    DEBUG_INFO_BTF_MODULES DEVTMPFS DEVTMPFS_MOUNT BLK_DEV_INITRD TMPFS
	    CGROUPS CGROUP_BPF SERIAL_8250 SERIAL_8250_CONSOLE
	    KASAN KASAN_GENERIC KASAN_INLINE PROVE_LOCKING DEBUG_ATOMIC_SLEEP
	    DEBUG_KERNEL"
	off="DEBUG_INFO_REDUCED DEBUG_INFO_SPLIT MODULE_SIG RANDOMIZE_BASE
	     DRM WLAN WIRELESS SOUND USB_SUPPORT NETFILTER"
	for o in $on; do scripts/config -e "$o"; done
	for o in $off; do scripts/config -d "$o"; done
	make -s olddefconfig >&2
	for o in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES MODULES BPF_SYSCALL HOTPLUG_PCI_ACPI; do
		grep -q "^CONFIG_$o=y" .config || die "debug kernel: CONFIG_$o did not stick"
	done
	touch .config.drvhook
fi
log "debug kernel: building $ver with KASAN, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP (nice 19, -j$(nproc); long)"
nice -n 19 make -j"$(nproc)" bzImage modules >"$base/build.log" 2>&1 ||
	{ tail -20 "$base/build.log" >&2; die "debug kernel build failed: $base/build.log"; }
cp arch/x86/boot/bzImage "$base/bzImage"
touch "$base/done"
echo "$base/bzImage"
