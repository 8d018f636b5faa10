#!/bin/bash
# make deps: install every Debian package drvhook's build and tests need.
# Idempotent. Adds bookworm-backports (and nothing else) to the system sources
# on bookworm hosts, for libbpf >= 1.4 and bpftool 7.5.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "make deps must run as root"
. /etc/os-release
mirror=$(apt_mirror)

backports=
if [ "$VERSION_CODENAME" = bookworm ]; then
	backports=bookworm-backports
	src=/etc/apt/sources.list.d/drvhook-bookworm-backports.sources
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "adding bookworm-backports to $src"
		cat >"$src" <<EOS
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		apt-get update -qq
	fi
fi

# (libcap-dev, python3: also scripts/bpftool.sh's static bpftool for the guests)
# (e2fsprogs: the guests' mkfs.ext4 and e2fsck, lib.sh guest_payload)
pkgs="make gcc clang llvm libelf-dev zlib1g-dev libzstd-dev libcap-dev pkg-config
	busybox-static mmdebstrap cpio xz-utils zstd
	python3 kmod file binutils ca-certificates e2fsprogs
	distro-info-data
	python3-matplotlib"	# make bench: the chart; distro-info-data: kernel.sh, a files kernel's release
# QEMU >= 8: 7.2's edu device refuses a DMA that ends at its buffer's end.
bp_pkgs="libbpf-dev bpftool qemu-system-x86"

missing() {
	local p out=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || out="$out $p"
	done
	echo "$out"
}

need=$(missing $pkgs $bp_pkgs)
# libbpf 1.1 (bookworm) cannot load module struct_ops: require >= 1.4
have_libbpf=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || true)
if [ -n "$have_libbpf" ] && dpkg --compare-versions "${have_libbpf#1:}" lt 1.4; then
	need="$need libbpf-dev libbpf1"
fi
have_qemu=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
if [ -n "$have_qemu" ] && dpkg --compare-versions "$have_qemu" lt 1:8; then
	need="$need qemu-system-x86"
fi
if [ -z "${need// /}" ]; then
	log "deps: all present"
	exit 0
fi
[ -n "$backports" ] || apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends $(missing $pkgs)
if [ -n "$backports" ]; then
	apt-get install -y -q --no-install-recommends -t "$backports" $bp_pkgs libbpf1
else
	apt-get install -y -q --no-install-recommends $bp_pkgs
fi
log "deps: installed"
