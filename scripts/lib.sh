# Shared helpers for drvhook's build scripts. Source, don't run.
# shellcheck shell=bash disable=SC2034
# The package mirror is always read from this machine's own apt sources.

DRVHOOK_CACHE=${DRVHOOK_CACHE:-/var/cache/drvhook}

die() { echo "error: $*" >&2; exit 1; }
log() { echo ">> $*" >&2; }

# First "deb" URI of the Debian archive configured on this machine.
apt_mirror() {
	local f uri=
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $0 !~ /security/ {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list)
	fi
	[ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
	echo "${uri%/}"
}

# Kernel matrix of `make check` (the default of KERNELS, STRESS_KERNELS...).
ALL_SUITES="bookworm trixie trixie-backports"

# drvhook's kernel modules: the one list of what is built, copied into the
# guests and loaded. One "NAME TREE [test]" a line, in load order (unloaded
# in reverse; "test": a test-only module, that make demo leaves out): `make -C TREE KDIR=...` (TREE a folder of the source tree)
# builds NAME.ko somewhere under TREE (kmod/'s Kbuild builds core/ and
# edu/). Trees are built once each, in this order; a later tree is given
# the earlier trees' Module.symvers (KBUILD_EXTRA_SYMBOLS). Adding a module
# is adding its line. Shipped modules (DKMS, debian/) are listed in
# dkms.conf, which must not name a test-only one (drvhook_vdev: the
# test-only device type of selftests/kmod/vdev/, loaded in every guest).
DRVHOOK_KMODS="
drvhook kmod
drvhook_edu kmod
drvhook_vblk kmod
drvhook_vdev selftests/kmod/vdev test
"

# kmod_names: the module names in load order
kmod_names() { awk 'NF { print $1 }' <<<"$DRVHOOK_KMODS"; }
# kmod_trees: the trees to build, in order
kmod_trees() { awk 'NF && !seen[$2]++ { print $2 }' <<<"$DRVHOOK_KMODS"; }
# kmod_tree NAME: the tree that builds NAME
kmod_tree() { awk -v n="$1" '$1 == n { print $2 }' <<<"$DRVHOOK_KMODS"; }

# kmod_make SRC KDIR [MAKEVAR=value ...]: builds every tree of SRC (as the
# make that runs sees it) in order, each with the earlier trees'
# Module.symvers. $KMOD_RUN (an array: e.g. chroot ROOT env -i ...)
# prefixes each make.
kmod_make() {
	local src=$1 kdir=$2 tree syms=; shift 2
	for tree in $(kmod_trees); do
		"${KMOD_RUN[@]}" make -C "$src/$tree" KDIR="$kdir" -j"$(nproc)" \
			${syms:+KBUILD_EXTRA_SYMBOLS="${syms# }"} "$@" || return 1
		syms="$syms $src/$tree/Module.symvers"
	done
}

# kmod_collect SRC OUT: copies NAME.ko of every module, found under its
# tree in SRC (as this script sees it), to OUT, and writes OUT/modules
# (the names in load order: what the guests' load_modules reads). Fails,
# naming it, when a module was not built (or was built twice).
kmod_collect() {
	local src=$1 out=$2 name found
	mkdir -p "$out"
	: >"$out/modules"
	for name in $(kmod_names); do
		found=$(find "$src/$(kmod_tree "$name")" -name "$name.ko")
		[ -n "$found" ] || { echo "error: $name.ko not built (under $(kmod_tree "$name")/)" >&2; return 1; }
		[ "$(wc -l <<<"$found")" = 1 ] || { echo "error: $name.ko built twice: $found" >&2; return 1; }
		cp "$found" "$out/"
		echo "$name" >>"$out/modules"
	done
}

# kmod_complete DIR: DIR (build-kmod.sh's OUTDIR) holds every module
kmod_complete() {
	local name
	[ -f "$1/modules" ] || return 1
	for name in $(kmod_names); do [ -f "$1/$name.ko" ] || return 1; done
}

# kmod_install DIR DEST [shipped]: the modules of DIR (build-kmod.sh's
# OUTDIR) and their list into a guest's DEST (e.g. ROOT/drvhook/);
# "shipped": without the test-only ones
kmod_install() {
	local name
	mkdir -p "$2"
	: >"$2/modules"
	while read -r name; do
		[ "${3:-}" != shipped ] || [ "$(kmod_kind "$name")" != test ] || continue
		cp "$1/$name.ko" "$2/" && echo "$name" >>"$2/modules" || return 1
	done <"$1/modules"
}
# kmod_kind NAME: "test" for a test-only module
kmod_kind() { awk -v n="$1" '$1 == n { print $3 }' <<<"$DRVHOOK_KMODS"; }

# The kernel's own modules a guest loads before the stub's: the virtio-pci
# transport of vblk's disk (a module on 6.1, whose drvhook_vblk then needs
# virtio and virtio_ring too), ext4 for the filesystem tests on it, and
# crc32c_generic, which 6.1's and 6.12's ext4 ask the crypto API for (7.3
# has none: its ext4 calls the built-in library). Built-in or absent ones
# are skipped.
GUEST_KERNEL_MODS="virtio_pci crc32c_generic ext4"

# kernel_mods_install SPEC DEST: GUEST_KERNEL_MODS and what they depend on
# (modinfo depends), from SPEC's cached image, uncompressed (busybox's
# insmod takes plain .ko) into DEST with DEST/modules, their names in load
# order (dependencies first), as kmod_install lays out the stub's
kernel_mods_install() {
	local img mdir f n dest=$2
	local -A path=() done_=()
	img=$("$(dirname "${BASH_SOURCE[0]}")/kernel.sh" path "$1" image) || return 1
	mkdir -p "$2"
	: >"$2/modules"
	# one of the two exists (usrmerge or not): ls fails on the other
	mdir=$(ls -d "$img"/lib/modules/*/kernel "$img"/usr/lib/modules/*/kernel 2>/dev/null | head -1) || :
	[ -n "$mdir" ] || return 0
	while read -r f; do
		n=${f##*/}; n=${n%%.ko*}
		path[${n//-/_}]=$f
	done < <(find "$mdir" -name '*.ko*')
	_kmi() {
		local m=${1//-/_} d
		[ -n "${path[$m]:-}" ] && [ -z "${done_[$m]:-}" ] || return 0
		done_[$m]=1
		for d in $(modinfo -F depends "${path[$m]}" | tr , ' '); do _kmi "$d" || return 1; done
		case ${path[$m]} in
		*.ko.xz) xz -dc "${path[$m]}" ;;
		*.ko.zst) zstd -qdc "${path[$m]}" ;;
		*) cat "${path[$m]}" ;;
		esac >"$dest/$m.ko" && echo "$m" >>"$dest/modules"
	}
	for n in $GUEST_KERNEL_MODS; do _kmi "$n" || return 1; done
}

# A kernel is named by a spec (KERNELS="..."):
#   SUITE                linux-image-amd64 / linux-headers-amd64 of SUITE
#   SUITE:FLAVOUR        linux-image-FLAVOUR / linux-headers-FLAVOUR of SUITE
#   VMLINUZ,HEADERS[,HEADERS...][,dist=RELEASE][,gcc=gcc-NN]
#                        a kernel given as files: a vmlinuz, its headers
#                        (linux-headers .debs or one directory of headers)
# kernel_key SPEC: the spec's name in the cache and build/ (no ':' or '/'):
# SUITE, SUITE+FLAVOUR, files-<hash of the absolute paths>. Non-zero, with
# a message, for what is none of these.
kernel_key() {
	local spec=$1 item canon=
	case $spec in
	*/* | *,*)
		local IFS=,
		for item in $spec; do
			case $item in
			dist=* | gcc=*) canon="$canon,$item" ;;
			*) canon="$canon,$(realpath -m -- "$item")" ;;
			esac
		done
		echo "files-$(printf '%s' "$canon" | sha256sum | cut -c1-8)"
		return 0 ;;
	esac
	if [[ $spec =~ ^([a-z][a-z0-9.-]*)(:([a-z0-9][a-z0-9.-]*))?$ ]]; then
		local fl=${BASH_REMATCH[3]:-amd64}
		[ "$fl" = amd64 ] && echo "${BASH_REMATCH[1]}" || echo "${BASH_REMATCH[1]}+$fl"
		return 0
	fi
	echo "error: not a kernel: '$spec' (want SUITE, SUITE:FLAVOUR or VMLINUZ,HEADERS...)" >&2
	return 1
}

# kernel_name SPEC: the kernel's name in make check's output and summaries:
# the suite (SUITE:FLAVOUR unless amd64), or file:<uname -r> of a files
# kernel once fetched.
kernel_name() {
	local key n; key=$(kernel_key "$1" 2>/dev/null) || { echo "$1"; return 0; }
	n=$(sed -n 's/^name=//p' "$DRVHOOK_CACHE/kernels/$key.build" 2>/dev/null)
	[ -n "$n" ] && { echo "$n"; return 0; }
	case $key in files-*) echo "$key" ;; *+*) echo "${key%%+*}:${key#*+}" ;; *) echo "$key" ;; esac
}

# suite_dist SUITE: the Debian release a suite's packages are built for,
# whose build root builds its modules: the suite without -backports,
# -backports-sloppy, -updates or -proposed-updates; experimental's is sid;
# any other suite (sid, unstable, trixie, ...) is its own.
suite_dist() {
	case $1 in
	*-backports-sloppy) echo "${1%-backports-sloppy}" ;;
	*-proposed-updates) echo "${1%-proposed-updates}" ;;
	*-backports | *-updates) echo "${1%-*}" ;;
	experimental | rc-buggy) echo sid ;;
	*) echo "$1" ;;
	esac
}

# kernel_struct_ops SPEC: true when the kernel (fetched) has module-owned
# struct_ops types (6.9, kmod/compat.h), i.e. auto is not the fallback.
kernel_struct_ops() {
	local rel maj min
	rel=$("$(dirname "${BASH_SOURCE[0]}")/kernel.sh" path "$1" release 2>/dev/null) || return 0
	IFS=. read -r maj min _ <<<"$rel"
	[ "${maj:-0}" -gt 6 ] || { [ "${maj:-0}" = 6 ] && [ "${min%%[!0-9]*}" -ge 9 ]; }
}

# --- private APT view of a suite (never touches the system's sources) ---
# Indexes live in $DRVHOOK_CACHE/apt/<suite>/; packages only get downloaded.

# apt suites to list for a suite: its release first (and -backports for
# -backports-sloppy), then itself.
suite_apt_suites() {
	local d; d=$(suite_dist "$1")
	case $1 in
	"$d") echo "$1" ;;
	*-backports-sloppy) echo "$d $d-backports $1" ;;
	*) echo "$d $1" ;;
	esac
}

# sources.list line of apt suite $2 of the mirror $1, for the private
# views and the build roots. The mirror can be a snapshot whose Release
# files are past their Valid-Until (sid's since 2026-11-06, the backports
# suites' from 2026-12-07): check-valid-until=no accepts them (apt_expired
# logs each); the signatures are still checked (signed-by).
apt_source_line() {
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg check-valid-until=no] $1 $2 main"
}

suite_apt_dir() { echo "$DRVHOOK_CACHE/apt/$1"; }

# Options that point apt-get/apt-cache at the private view of suite $1.
suite_apt_opts() {
	local d; d=$(suite_apt_dir "$1")
	printf '%s\n' \
		-o "Dir::Etc::SourceList=$d/sources.list" \
		-o "Dir::Etc::SourceParts=$d/sources.list.d" \
		-o "Dir::Etc::Preferences=$d/preferences" \
		-o "Dir::Etc::PreferencesParts=$d/preferences.d" \
		-o "Dir::State=$d/state" \
		-o "Dir::State::status=$d/status" \
		-o "Dir::Cache=$d/cache" \
		-o "APT::Architecture=amd64" -o "APT::Architectures=amd64" \
		-o "Acquire::Languages=none" -o "APT::Sandbox::User=root"
}

# apt_expired LISTSDIR: log each Release file under LISTSDIR that is past
# its Valid-Until (accepted: see apt_source_line).
apt_expired() {
	local f until
	for f in "$1"/*_InRelease "$1"/*_Release; do
		[ -f "$f" ] || continue
		until=$(sed -n 's/^Valid-Until: //p' "$f" | head -1)
		[ -n "$until" ] || continue
		[ "$(date -d "$until" +%s 2>/dev/null || echo 0)" -lt "$(date +%s)" ] || continue
		log "$(sed -n 's/^Suite: //p' "$f" | head -1): Release file expired on $until;" \
			"accepted (check-valid-until=no), signatures still checked"
	done
}

# Write the private sources for suite $1 (mirror from apt_mirror).
suite_apt_init() {
	local d s mirror; d=$(suite_apt_dir "$1"); mirror=$(apt_mirror)
	mkdir -p "$d/sources.list.d" "$d/preferences.d" "$d/state/lists/partial" \
		"$d/cache/archives/partial"
	: >"$d/status"; : >"$d/preferences"
	for s in $(suite_apt_suites "$1"); do
		apt_source_line "$mirror" "$s"
	done >"$d/sources.list"
}

# Run apt-get / apt-cache against suite $1's private view.
sapt_get() { local s=$1; shift; mapfile -t o < <(suite_apt_opts "$s"); apt-get -q "${o[@]}" "$@"; }
# sapt_update SUITE [APT-OPTIONS]: refresh SUITE's private index, logging
# expired Release files
sapt_update() {
	local s=$1; shift
	sapt_get "$s" "$@" update && apt_expired "$(suite_apt_dir "$s")/state/lists"
}
sapt_cache() { local s=$1; shift; mapfile -t o < <(suite_apt_opts "$s"); apt-cache "${o[@]}" "$@"; }

# Time helper: `t0=$(now)`, later `elapsed $t0` prints seconds.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Hold an exclusive lock on FILE until this script exits (serialises cache
# writers: two runs building the same root wait for each other).
lock_file() {
	local fd; mkdir -p "$(dirname "$1")"
	exec {fd}>"$1"
	flock "$fd"
}

# guest_bpftool REPO: path of the bpftool the guests run: the static,
# patched build of scripts/bpftool.sh (built once, cached; its version goes
# to stderr). If that cannot be had, the host's /usr/sbin/bpftool, with a
# warning: it crashes on `bpftool struct_ops` with a module's type (edu_ops).
guest_bpftool() {
	local b
	if b=$("$1/scripts/bpftool.sh" build); then
		echo "$b"
	else
		log "WARNING: no patched bpftool (scripts/bpftool.sh build failed): the guests get" \
			"the host's $(/usr/sbin/bpftool version 2>/dev/null | head -1), whose struct_ops commands crash on module types"
		echo /usr/sbin/bpftool
	fi
}

# guest_payload REPO DIR: what every guest run needs (make check, make
# bench), under DIR for initramfs.sh: the BPF objects (/drvhook/bpf), the
# loader and bpftool (/usr/sbin: guest_bpftool), the guest test helpers
# (/tests/lib.sh). Needs `make all` first.
guest_payload() {
	local bt
	bt=$(guest_bpftool "$1")
	mkdir -p "$2/drvhook/bpf" "$2/usr/sbin" "$2/tests"
	cp "$1"/build/bpf/*.bpf.o "$2/drvhook/bpf/"
	cp "$1/build/drvhook" "$2/usr/sbin/"
	cp "$bt" "$2/usr/sbin/bpftool"
	cp "$1/selftests/guest/lib.sh" "$2/tests/"
	# e2fsprogs for the filesystem tests on vblk's disk (busybox has no
	# ext4 mkfs or fsck); initramfs.sh adds their libraries
	mkdir -p "$2/etc"
	cp /sbin/mke2fs /sbin/e2fsck "$2/usr/sbin/"
	ln -sf mke2fs "$2/usr/sbin/mkfs.ext4"
	cp /etc/mke2fs.conf "$2/etc/"
}
