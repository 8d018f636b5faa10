# shellcheck shell=bash
# Throwaway overlay of a cached build root, for host tests that install
# into a root (dkms, dpkg -i): the cached root stays untouched, concurrent
# runs do not see each other. Source, don't run.
#
#   overlay_up ROOT           # sets OV: ROOT read-only below, writes in a tmp dir
#   in_root "$OV" CMD...      # chroot with a minimal environment
#   overlay_down "$OV"        # unmounts and deletes the writes
# Call overlay_up directly (not in $(...)): it registers an EXIT trap that
# takes every overlay down.

OVERLAYS=()

overlay_up() {
	local lower=$1 d
	d=$(mktemp -d /tmp/drvhook-ov.XXXXXX)
	mkdir -p "$d/upper" "$d/work" "$d/root"
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$d/root" || return 1
	mount -t proc proc "$d/root/proc"
	OVERLAYS+=("$d")
	trap 'for o in "${OVERLAYS[@]}"; do overlay_down "$o"; done' EXIT
	OV=$d/root
}

overlay_down() {
	local d=${1%/root}
	[ -d "$d/root" ] || return 0
	# lazy: a straggler (dkms leaves a `sleep 3` behind) must not keep it
	mountpoint -q "$d/root/proc" && umount -l "$d/root/proc"
	mountpoint -q "$d/root" && umount -l "$d/root"
	rm -rf "$d"
}

in_root() {
	local r=$1; shift
	chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
