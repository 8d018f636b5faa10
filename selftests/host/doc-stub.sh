#!/bin/bash
# docs/writing-a-stub.md, host half (selftests/doc-stub.py): the guide's
# code blocks are the files of the tree (selftests/kmod/vdev/, the vdev
# BPF header and policy), byte for byte; in a copy of the tree holding the
# guide's files instead, its `console build` commands build the core and
# the vdev module in a throwaway overlay of the build root of
# DOC_STUB_KERNEL (default trixie-backports), and its `console host`
# commands build the policy on the host. Its `console guest` commands go
# to the guest group docstub (doc-stub.py --steps, selftests/check.sh).
# Without root (overlay, chroot) the build commands are skipped, and say so.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/overlay.bash"
S=$repo/scripts
doc=$repo/docs/writing-a-stub.md
suite=${DOC_STUB_KERNEL:-trixie-backports}
tmp=$(mktemp -d /tmp/drvhook-docstub.XXXXXX)

# the tree the guide's files go into: what it builds against, no more
tree() {
	mkdir -p "$1"
	cp -a "$repo/kmod" "$repo/include" "$repo/bpf" "$1/"
	rm -f "$1"/kmod/*/*.o "$1"/kmod/*/*.ko "$1"/kmod/Module.symvers
}

runner=
work=$tmp/work
if [ "$(id -u)" != 0 ]; then
	:
elif root=$("$S/buildroot.sh" "$suite" 2>"$tmp/root.log") &&
	krel=$("$S/kernel.sh" path "$suite" release) && overlay_up "$root"; then
	work=$OV/build/docstub
	cat >"$tmp/in-root" <<-EOF
		#!/bin/bash
		exec chroot "$OV" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \\
			LANG=C.UTF-8 KDIR=/usr/src/linux-headers-$krel \\
			bash -o pipefail -c "cd /build/docstub && \$1"
	EOF
	chmod +x "$tmp/in-root"
	runner="--build-runner $tmp/in-root"
else
	# as root, no build root is a failure of every build command
	printf '#!/bin/sh\necho "no build root for %s:"\ntail -5 %s\nexit 1\n' \
		"$suite" "$tmp/root.log" >"$tmp/in-root"
	chmod +x "$tmp/in-root"
	runner="--build-runner $tmp/in-root"
fi
# after overlay_up, whose EXIT trap this one replaces
trap 'for o in "${OVERLAYS[@]}"; do overlay_down "$o"; done; rm -rf "$tmp"' EXIT
tree "$work"
# shellcheck disable=SC2086 # runner: an option and its argument, or nothing
python3 "$repo/selftests/doc-stub.py" "$doc" "$repo" "$work" $runner
