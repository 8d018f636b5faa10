#!/bin/bash
# initramfs.sh OUT.cpio.gz [DIR...]: build a busybox-static initramfs.
#   /bin/busybox and its applet links, a default /init (below), then each
#   DIR's tree copied over / in order (a DIR may bring its own /init and
#   usually brings /tests/run). Dynamically linked ELF files found in the
#   result get their shared libraries (and ELF interpreter) copied from the
#   host, as ldd resolves them, so build those binaries on the host.
# Default /init: mounts proc, sys, devtmpfs, debugfs, tracefs, bpffs and
#   tmpfs; with kernel parameter drvhook.shell=1 it runs an interactive shell
#   on the console; otherwise it runs /tests/run (if present), prints the
#   guest dmesg between markers and the result marker (see vm.sh), and
#   powers off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] && [[ $1 != -* ]] || { echo "usage: $0 OUT.cpio.gz [DIR...]" >&2; exit 2; }
out=$(realpath -m "$1"); shift
for d in "$@"; do [ -d "$d" ] || die "not a directory: $d"; done
bb=/bin/busybox
[ -x $bb ] && file -L $bb | grep 'statically linked' >/dev/null || die "$bb is not busybox-static"

stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin proc sys dev tmp run root etc lib lib64 tests
cp $bb bin/busybox
for a in $(bin/busybox --list-full); do
	[ -e "$a" ] || ln -s /bin/busybox "$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >etc/passwd
echo 'root:x:0:' >etc/group

cat >init <<'EOI'
#!/bin/sh
# drvhook default guest init
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
hostname drvhook
ip link set lo up 2>/dev/null

param() { # value of kernel parameter $1
	for a in $(cat /proc/cmdline); do
		case $a in "$1="*) echo "${a#*=}" ;; esac
	done
}
token=$(param drvhook.token)

if [ "$(param drvhook.shell)" = 1 ]; then
	echo "drvhook: interactive shell; 'poweroff -f' to quit (tests: /tests/run)"
	setsid cttyhack sh -l
	poweroff -f
fi

if [ -x /tests/run ]; then
	cd /tests && ./run
	rc=$?
	cd /
else
	echo "drvhook: no /tests/run, boot test only"
	rc=0
fi
echo "DRVHOOK-DMESG-BEGIN $token"
dmesg
echo "DRVHOOK-DMESG-END $token"
echo "DRVHOOK-RESULT $token rc=$rc"
sync
poweroff -f
EOI
chmod 755 init

for d in "$@"; do cp -a "$d/." .; done

# shared libraries of dynamic executables, from the host
find . -type f -perm -u+x ! -path ./bin/busybox | while read -r f; do
	file -b "$f" | grep 'dynamically linked' >/dev/null || continue
	ldd "$f" | grep -o '/[^ ]*' | sort -u
done | sort -u | while read -r lib; do
	[ -e ".$lib" ] && continue
	mkdir -p ".$(dirname "$lib")"
	cp -L "$lib" ".$lib"
done

mkdir -p "$(dirname "$out")"
find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "initramfs: $out ($(du -h "$out" | cut -f1))"
