#!/bin/bash
# kernel.sh: fetch Debian kernels (image + headers) into the cache, and answer
# questions about them. Nothing gets installed on the host.
#
#   kernel.sh fetch SUITE
#       Resolve SUITE's linux-image-amd64/linux-headers-amd64 metapackages to
#       the current exact version (fresh apt index of a private APT view),
#       download and extract them into $DRVHOOK_CACHE/kernels/<version>/, and
#       record the resolution in $DRVHOOK_CACHE/kernels/<suite>.current.
#       If the index cannot be refreshed (offline) or DRVHOOK_OFFLINE=1, the
#       recorded resolution is reused. An index refreshed less than
#       DRVHOOK_INDEX_TTL seconds ago (default 3600) is not fetched again, so a
#       warm re-run downloads nothing. Prints "kernel <suite> <version> <release>".
#   kernel.sh path SUITE {version|release|dir|bzimage|kdir|config|sysmap|image}
#       Print a fact about SUITE's recorded kernel; never uses the network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 fetch SUITE | path SUITE {version|release|dir|bzimage|kdir|config|sysmap|image}" >&2; exit 2; }

KROOT=$DRVHOOK_CACHE/kernels

# Print "name=version" of every package in the dependency closure of $2=$3
# that belongs to this kernel build: deps pinned to the kernel's version
# ("= V" or ">= V") and linux-kbuild-* (unversioned since 6.12).
closure() {
	local suite=$1 ver=$3 seen=" " p name cons deps todo=("$2=$3")
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}; todo=("${todo[@]:1}")
		case $seen in *" $p "*) continue ;; esac
		seen="$seen$p "
		echo "$p"
		deps=$(sapt_cache "$suite" show "$p" | awk -F': ' '/^Depends:/ && !n++ { print $2 }')
		# first alternative of each dependency
		while read -r name cons; do
			[ -n "$name" ] || continue
			case $name in linux-*) ;; *) continue ;; esac
			if [[ $cons == *"= $ver)"* ]]; then
				todo+=("$name=$ver")
			elif [[ $name == linux-kbuild-* ]]; then
				# take the kernel's own version when the view has it
				if sapt_cache "$suite" show "$name=$ver" >/dev/null 2>&1; then
					todo+=("$name=$ver")
				else
					todo+=("$name=$(sapt_cache "$suite" policy "$name" | awk '/Candidate:/ { print $2 }')")
				fi
			fi
		done < <(tr ',' '\n' <<<"$deps" | sed 's/|.*//; s/^ *//; s/ *$//')
	done
}

# Version of metapackage $2 as published in apt suite $3 of view $1.
meta_version() {
	sapt_cache "$1" madison "$2" | awk -F'|' -v s=" $3/main " '$3 ~ s && !n++ { gsub(/ /, "", $2); print $2 }'
}

resolve() {
	local suite=$1 ver
	suite_apt_init "$suite"
	local stamp=$KROOT/.index-$suite age
	age=$(($(date +%s) - $(stat -c %Y "$stamp" 2>/dev/null || echo 0)))
	if [ "$age" -lt "${DRVHOOK_INDEX_TTL:-3600}" ] && [ -n "$(meta_version "$suite" linux-image-amd64 "$suite")" ]; then
		log "$suite: package index refreshed ${age}s ago, not fetched again"
	elif [ "${DRVHOOK_OFFLINE:-0}" = 1 ] || ! sapt_get "$suite" update >/dev/null 2>&1; then
		[ -f "$KROOT/$suite.current" ] || die "$suite: cannot refresh the package index and no recorded kernel"
		log "$suite: offline, reusing recorded kernel $(cat "$KROOT/$suite.current")"
		cat "$KROOT/$suite.current"
		return 0
	else
		touch "$stamp"
	fi
	apt_expired "$(suite_apt_dir "$suite")/state/lists"
	ver=$(meta_version "$suite" linux-image-amd64 "$suite")
	[ -n "$ver" ] || die "$suite: no linux-image-amd64 in $suite"
	[ "$(meta_version "$suite" linux-headers-amd64 "$suite")" = "$ver" ] ||
		die "$suite: linux-headers-amd64 and linux-image-amd64 versions differ"
	echo "$ver"
}

fetch() {
	local suite=$1 ver dir tmp p krel kdir bz b cfg map
	mkdir -p "$KROOT"
	ver=$(resolve "$suite")
	dir=$KROOT/$ver
	lock_file "$KROOT/.lock-$ver"
	if [ ! -f "$dir/.complete" ]; then
		log "$suite: fetching kernel $ver"
		rm -rf "$dir"; mkdir -p "$dir/debs"
		tmp=$dir/debs
		mapfile -t img < <(closure "$suite" linux-image-amd64 "$ver")
		mapfile -t hdr < <(closure "$suite" linux-headers-amd64 "$ver" | grep -E '^linux-(headers|kbuild)-')
		(cd "$tmp" && sapt_get "$suite" download "${img[@]}" "${hdr[@]}" >/dev/null)
		for p in "${img[@]}"; do dpkg-deb -x "$tmp/${p%%=*}_"*.deb "$dir/image"; done
		for p in "${hdr[@]}"; do dpkg-deb -x "$tmp/${p%%=*}_"*.deb "$dir/headers"; done
		printf '%s\n' "${img[@]}" "${hdr[@]}" >"$dir/packages"
		# 6.1/6.12 ship /boot/vmlinuz-<rel>, 7.x /usr/lib/modules/<rel>/vmlinuz
		bz=$(cd "$dir" && ls image/boot/vmlinuz-* image/usr/lib/modules/*/vmlinuz 2>/dev/null || true)
		[ "$(wc -w <<<"$bz")" = 1 ] || die "expected one vmlinuz in $dir/image, got: $bz"
		if [[ $bz == image/boot/* ]]; then
			krel=${bz#image/boot/vmlinuz-}; b=image/boot; cfg=$b/config-$krel; map=$b/System.map-$krel
		else
			krel=$(basename "$(dirname "$bz")"); b=$(dirname "$bz"); cfg=$b/config; map=$b/System.map
		fi
		kdir=headers/usr/src/linux-headers-$krel
		for p in "$cfg" "$map" "$kdir/Makefile"; do [ -f "$dir/$p" ] || die "missing $dir/$p"; done
		cat >"$dir/info" <<EOI
version=$ver
release=$krel
bzimage=$bz
config=$cfg
sysmap=$map
kdir=$kdir
EOI
		touch "$dir/.complete"
	fi
	echo "$ver" >"$KROOT/$suite.current"
	echo "kernel $suite $ver $(info "$dir" release)"
}

info() { sed -n "s/^$2=//p" "$1/info"; }

path() {
	local suite=$1 what=$2 ver dir
	[ -f "$KROOT/$suite.current" ] || die "no kernel recorded for $suite: run $0 fetch $suite"
	ver=$(cat "$KROOT/$suite.current"); dir=$KROOT/$ver
	[ -f "$dir/.complete" ] || die "kernel $ver incomplete: run $0 fetch $suite"
	case $what in
	version) echo "$ver" ;;
	release) info "$dir" release ;;
	dir) echo "$dir" ;;
	image) echo "$dir/image" ;;
	bzimage | kdir | config | sysmap) echo "$dir/$(info "$dir" "$what")" ;;
	*) usage ;;
	esac
}

[ $# -ge 2 ] && [[ $1 == fetch || $1 == path ]] || usage
suite_base "$2" >/dev/null
case $1 in
fetch) [ $# = 2 ] || usage; fetch "$2" ;;
path) [ $# = 3 ] || usage; path "$2" "$3" ;;
*) usage ;;
esac
