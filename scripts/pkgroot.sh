#!/bin/bash
# pkgroot.sh SPEC {dkms|deb}: a build root derived from buildroot.sh's root
# of kernel SPEC, with extra Debian packages of its release installed (made once,
# cached, locked; the base root is never modified):
#   dkms  dkms                                     (dkms build of the stub)
#   deb   dkms + what dpkg-buildpackage of debian/ needs (debhelper, dh-dkms,
#         clang, libbpf-dev, bpftool, ...) and lintian
# Root: $DRVHOOK_CACHE/roots/<base root>+<flavor>-<hash of the
# package list>/ (printed on stdout). The packages come from the mirror the
# base root was made with (its /etc/apt/sources.list, from apt_mirror).
# debian/control wants libbpf-dev >= 1.4, linux-libc-dev >= 6.4 (the
# loader uses the UAPI of struct_ops links) and debhelper >= 13.11.6
# (dh_installsystemd of units in /usr/lib/systemd/system): a release whose
# own are older (bookworm: 1.1.2, 6.1, 13.11.4) gets them, and libbpf1,
# from its -backports suite (added to the derived root's sources.list;
# bookworm-backports has 1.4.6, 6.12, 13.23; make deps installs the first
# two so on a bookworm host); its dkms root gets libbpf1 so, where debs.sh
# installs the drvhook package.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# = 2 ] || { echo "usage: $0 SPEC {dkms|deb}" >&2; exit 2; }
suite=$1 flavor=$2
case $flavor in
dkms) pkgs="dkms" ;;
deb) pkgs="build-essential dkms dh-dkms debhelper dpkg-dev fakeroot clang llvm libbpf-dev libelf-dev
	zlib1g-dev libzstd-dev bpftool lintian" ;;
*) echo "usage: $0 SPEC {dkms|deb}" >&2; exit 2 ;;
esac
pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u | tr '\n' ' ')
dist=$("$here/kernel.sh" path "$suite" dist 2>/dev/null || true)
bpo=
case $flavor:$dist in
deb:bookworm) bpo="libbpf-dev libbpf1 linux-libc-dev debhelper" ;;
dkms:bookworm) bpo="libbpf1" ;;	# what the drvhook package built there links
esac
key=$(echo "$pkgs${bpo:+ $dist-backports: $bpo}" | sha256sum | cut -c1-8)

base=$("$here/buildroot.sh" "$suite")
root=$base+$flavor-$key

lock_file "$DRVHOOK_CACHE/roots/.lock-$(basename "$root")"
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi

tmp=$root.tmp
rm -rf "$tmp"
log "$suite: deriving $(basename "$root") from $(basename "$base"): $pkgs${bpo:+(from $dist-backports: $bpo)}"
# the base root is shared: hold its build lock while copying it
(
	lock_file "$DRVHOOK_CACHE/roots/.build-$(basename "$base")"
	cp -a "$base" "$tmp"
)
rm -f "$tmp/.complete"
cp /etc/resolv.conf "$tmp/etc/resolv.conf"
# roots made before apt_source_line had check-valid-until=no (see lib.sh)
sed -i '/check-valid-until=no/!s/\[signed-by=\([^] ]*\)\]/[signed-by=\1 check-valid-until=no]/' \
	"$tmp/etc/apt/sources.list"
trap 'mountpoint -q "$tmp/proc" && umount "$tmp/proc" || true' EXIT
bpo_install=:
if [ -n "$bpo" ]; then
	apt_source_line "$(apt_mirror)" "$dist-backports" >>"$tmp/etc/apt/sources.list"
	bpo_install="apt-get install -y -q --no-install-recommends -t $dist-backports $bpo >/dev/null"
fi
mount -t proc proc "$tmp/proc"
chroot "$tmp" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive sh -c "apt-get -q update >/dev/null &&
	$bpo_install && apt-get install -y -q --no-install-recommends $pkgs >/dev/null &&
	apt-get clean" >&2 ||
	die "$suite: installing $pkgs${bpo:+ ($bpo from $dist-backports)} in the derived root failed"
umount "$tmp/proc"
rm -rf "$root"
mv "$tmp" "$root"
touch "$root/.complete"
log "$suite: derived root ready"
echo "$root"
