#!/bin/bash
# kmod/dkms-build.sh {check|make} KERNELVER KDIR: dkms.conf's PRE_BUILD
# (check) and MAKE (make) for the drvhook modules.
#
# Module BTF needs two things from the kernel's headers: vmlinux, whose BTF
# is the base of the modules' BTF (without it kbuild silently builds
# modules with no .BTF, and no policy can attach), and
# tools/bpf/resolve_btfids, which fills in the kfunc BTF id sets. Debian's
# 6.12 and later headers have both; Debian 12's 6.1 headers have neither.
# Where one is missing, this supplies it, or says exactly what to install:
#   vmlinux         the kernel's own BTF: /sys/kernel/btf/vmlinux when
#                   KERNELVER is running, else the .BTF section of the ELF
#                   unpacked from /boot/vmlinuz-KERNELVER (xz, zstd, gzip)
#   resolve_btfids  the newest /usr/lib/linux-kbuild-X.Y/tools/bpf/
#                   resolve_btfids/resolve_btfids of a series X.Y no older
#                   than the kernel's (Debian 12: linux-kbuild-6.12.* of
#                   bookworm-backports; for these modules on 6.1 it writes
#                   the same .BTF_ids bytes as 6.1's own, built from
#                   linux-source-6.1), passed to kbuild as RESOLVE_BTFIDS;
#                   missing, the build names the newest linux-kbuild of 6.12
#                   or later that apt knows (apt install linux-kbuild-...)
# The headers are not changed: a supplied vmlinux goes into a shadow of KDIR
# (symlinks to its entries, plus vmlinux) under the dkms build directory,
# and kbuild runs there. make fails when something cannot be had, and when
# a built module has no .BTF section. check prints, on stderr (dkms shows
# it; it ignores PRE_BUILD's exit status), what is missing and the command
# that installs it, so that apt's output says it before make.log does.
set -euo pipefail
if [ $# != 3 ] || { [ "$1" != check ] && [ "$1" != make ]; }; then
	echo "usage: $0 {check|make} KERNELVER KDIR" >&2
	exit 2
fi
cmd=$1 kver=$2 kdir=$3
here=$(cd "$(dirname "$0")" && pwd)
say() { echo "drvhook-dkms: $kver: $*" >&2; }

# series X.Y of a version string
series() { sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' <<<"$1"; }
kser=$(series "$kver")

# newest_kbuild: the newest linux-kbuild-X.Y[.Z+debNN] apt knows of, of a
# series no older than the kernel's nor than 6.12 (Debian's kbuild has
# resolve_btfids from 6.12 on); empty if none (no network needed: apt's lists)
newest_kbuild() {
	local min
	min=$(printf '%s\n%s\n' "$kser" 6.12 | sort -V | tail -1)
	apt-cache pkgnames linux-kbuild- 2>/dev/null | while read -r p; do
		s=$(series "${p#linux-kbuild-}")
		[ -n "$s" ] && [ "$(printf '%s\n%s\n' "$min" "$s" | sort -V | head -1)" = "$min" ] && echo "$p"
	done | sort -V | tail -1
}

# the command that installs a resolve_btfids, for this machine
btfids_hint() {
	local codename pkg
	codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null)
	pkg=$(newest_kbuild)
	echo "install a linux-kbuild package that has it, of series $kser or later (Debian's"
	echo "have it from 6.12 on), then build again:"
	if [ -n "$pkg" ]; then
		echo "  apt install $pkg"
	elif [ "$codename" = bookworm ]; then
		echo "  (add bookworm-backports to the apt sources, then)"
		echo "  apt update && apt install -t bookworm-backports 'linux-kbuild-6.12*'"
	fi
	echo "  dkms autoinstall -k $kver"
}

# resolve_btfids: the headers', else a packaged one (printed; empty: none)
find_btfids() {
	local b s best='' bser=
	if [ -x "$kdir/tools/bpf/resolve_btfids/resolve_btfids" ]; then
		echo "$kdir/tools/bpf/resolve_btfids/resolve_btfids"
		return 0
	fi
	for b in /usr/lib/linux-kbuild-*/tools/bpf/resolve_btfids/resolve_btfids; do
		[ -x "$b" ] || continue
		s=$(series "${b#/usr/lib/linux-kbuild-}")
		[ -n "$s" ] || continue
		# no older than the kernel's series
		[ "$(printf '%s\n%s\n' "$kser" "$s" | sort -V | head -1)" = "$kser" ] || continue
		if [ -z "$bser" ] || [ "$(printf '%s\n%s\n' "$bser" "$s" | sort -V | tail -1)" = "$s" ]; then
			best=$b bser=$s
		fi
	done
	echo "$best"
}

# where the kernel's BTF can come from (printed; empty: nowhere)
btf_source() {
	if [ "$(uname -r)" = "$kver" ] && [ -r /sys/kernel/btf/vmlinux ]; then
		echo /sys/kernel/btf/vmlinux
	elif [ -r "/boot/vmlinuz-$kver" ]; then
		echo "/boot/vmlinuz-$kver"
	fi
}

# report PREFIX: what is missing, each on a line of stderr, and the commands
# that install it; non-zero when something is
report() {
	local bad=0
	if ! grep -qx 'CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/.config" 2>/dev/null; then
		say "$1the kernel has no CONFIG_DEBUG_INFO_BTF_MODULES=y ($kdir/.config): its modules get no BTF, no policy can attach"
		bad=1
	fi
	if [ ! -f "$kdir/vmlinux" ] && [ -z "$(btf_source)" ]; then
		say "$1the headers have no vmlinux (the base of module BTF), $kver is not running and /boot/vmlinuz-$kver is missing:"
		say "  install linux-image-$kver (or boot it), then build again: dkms autoinstall -k $kver"
		bad=1
	fi
	if [ -z "$(find_btfids)" ]; then
		say "$1the headers have no tools/bpf/resolve_btfids (it fills in the modules' kfunc BTF id sets):"
		btfids_hint | while IFS= read -r line; do say "  $line"; done
		bad=1
	fi
	return $bad
}

# unpack_btf VMLINUZ OUT: the .BTF section of the ELF vmlinux in a bzImage,
# as raw BTF (what pahole --btf_base and resolve_btfids -b read)
unpack_btf() {
	local img=$1 out=$2 elf magic pos dec
	elf=$(mktemp)
	for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08:gzip'; do
		dec=${magic##*:}
		command -v "$dec" >/dev/null || continue
		while read -r pos; do
			tail -c +$((pos + 1)) "$img" | "$dec" -dc >"$elf" 2>/dev/null || true
			if [ "$(head -c4 "$elf" | od -An -c | tr -d ' ')" = '177ELF' ] &&
				objcopy -O binary --only-section=.BTF "$elf" "$out" 2>/dev/null && [ -s "$out" ]; then
				rm -f "$elf"
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "${magic%:*}" "$img" | cut -d: -f1)
	done
	rm -f "$elf"
	return 1
}

if [ "$cmd" = check ]; then
	report "" || true
	exit 0
fi
report "error: " || exit 1
vars=()
build_kdir=$kdir
btfids=$(find_btfids)
if [ "$btfids" != "$kdir/tools/bpf/resolve_btfids/resolve_btfids" ]; then
	say "the headers have no tools/bpf/resolve_btfids: using $btfids"
	vars+=("RESOLVE_BTFIDS=$btfids")
fi
if [ ! -f "$kdir/vmlinux" ]; then
	src=$(btf_source)
	build_kdir=$(dirname "$here")/.kdir-$kver
	rm -rf "$build_kdir"
	mkdir -p "$build_kdir"
	for e in "$kdir"/* "$kdir"/.[!.]*; do
		[ -e "$e" ] && ln -s "$e" "$build_kdir/"
	done
	case $src in
	/sys/*) cp "$src" "$build_kdir/vmlinux" ;;
	*) unpack_btf "$src" "$build_kdir/vmlinux" ||
		{ say "error: no BTF found in $src (xz, zstd or gzip payload; needs binutils' objcopy)"; exit 1; } ;;
	esac
	say "the headers have no vmlinux: the BTF of $src ($(stat -c %s "$build_kdir/vmlinux") bytes) as vmlinux in $build_kdir"
fi
make -C "$here" KDIR="$build_kdir" KERNELRELEASE="$kver" -j"$(nproc 2>/dev/null || echo 1)" "${vars[@]}"
for ko in "$here"/core/drvhook.ko "$here"/edu/drvhook_edu.ko "$here"/vblk/drvhook_vblk.ko; do
	# (not grep -q: under pipefail, readelf killed by SIGPIPE fails it)
	readelf -S "$ko" | grep '\.BTF ' >/dev/null ||
		{ say "error: $(basename "$ko") has no .BTF section: no policy could attach"; exit 1; }
done
say "built with module BTF: $(cd "$here" && echo core/drvhook.ko edu/drvhook_edu.ko vblk/drvhook_vblk.ko)"
