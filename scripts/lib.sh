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

# Kernel matrix: suite -> the suite providing its kernel and build root.
suite_base() {
	case $1 in
	bookworm) echo bookworm ;;
	trixie) echo trixie ;;
	trixie-backports) echo trixie ;;
	*) die "unknown suite '$1' (known: bookworm trixie trixie-backports)" ;;
	esac
}

suite_gcc() {
	case $1 in
	bookworm) echo gcc-12 ;;
	*) echo gcc-14 ;;
	esac
}

ALL_SUITES="bookworm trixie trixie-backports"

# --- private APT view of a suite (never touches the system's sources) ---
# Indexes live in $DRVHOOK_CACHE/apt/<suite>/; packages only get downloaded.

# apt suites to list for a matrix suite (base first).
suite_apt_suites() {
	case $1 in
	trixie-backports) echo trixie trixie-backports ;;
	*) suite_base "$1" >/dev/null; echo "$1" ;;
	esac
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

# apt_sources SUITE: the sources.list lines of SUITE's apt suites, for the
# private views and the build roots. The mirror can be a snapshot whose
# Release files are past their Valid-Until (sid's since 2026-11-06, the
# backports suites' from 2026-12-07): check-valid-until=no accepts them;
# the signatures are still checked (signed-by).
apt_sources() {
	local s mirror; mirror=$(apt_mirror)
	for s in $(suite_apt_suites "$1"); do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg check-valid-until=no] $mirror $s main"
	done
}

# apt_expired LISTSDIR: log each Release file under LISTSDIR that is past
# its Valid-Until (accepted: see apt_sources).
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
	local d; d=$(suite_apt_dir "$1")
	mkdir -p "$d/sources.list.d" "$d/preferences.d" "$d/state/lists/partial" \
		"$d/cache/archives/partial"
	: >"$d/status"; : >"$d/preferences"
	apt_sources "$1" >"$d/sources.list"
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
# warning: it crashes on `bpftool struct_ops` with drvhook_ops.
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
}
