#!/bin/bash
# kernel.sh: resolve a kernel spec (scripts/lib.sh kernel_key: SUITE,
# SUITE:FLAVOUR, or VMLINUZ,HEADERS... files), fetch it (image + headers)
# into the cache, and answer questions about it. Nothing gets installed on
# the host.
#
#   kernel.sh resolve SPEC
#       Print what SPEC stands for, one key=value a line: name (as make
#       check prints it), key (its name in the cache), version (Debian
#       version), dist (the Debian release of its build root), gcc (the
#       compiler of its build root), apt (the apt suites of its views),
#       image and headers (packages, or files). For a suite: its
#       linux-image-FLAVOUR/linux-headers-FLAVOUR metapackages (FLAVOUR
#       defaults to amd64) resolved to the current exact version in a fresh
#       apt index of a private APT view; gcc from the headers' Depends
#       (gcc-NN, gcc-NN-for-host, linux-compiler-gcc-NN-x86); dist: the
#       suite's base (lib.sh suite_dist). For files: version and gcc from
#       the headers package (or the headers' .config), dist from the Debian
#       release its version names (+debNN, ~bpoNN), unless given (dist=,
#       gcc= in the spec). An index refreshed less than DRVHOOK_INDEX_TTL
#       seconds ago (default 3600) is not fetched again. An unknown or
#       unusable spec: "error: ..." saying what was looked for, exit 1.
#   kernel.sh fetch SPEC
#       Resolve SPEC, download and extract the kernel into
#       $DRVHOOK_CACHE/kernels/<id>/ (<id>: the version; VERSION_FLAVOUR
#       for another flavour; files-<hash of the files>), record it in
#       kernels/<key>.current (the id) and kernels/<key>.build (the resolve
#       facts). If the index cannot be refreshed (offline) or
#       DRVHOOK_OFFLINE=1, the recorded resolution is reused. Prints
#       "kernel <name> <version> <release>".
#   kernel.sh path SPEC {version|release|dir|bzimage|kdir|config|sysmap|image|name|key|dist|gcc|apt}
#       Print a fact about SPEC's recorded kernel; never uses the network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 resolve SPEC | fetch SPEC | path SPEC {version|release|dir|bzimage|kdir|config|sysmap|image|name|key|dist|gcc|apt}" >&2; exit 2; }

KROOT=$DRVHOOK_CACHE/kernels

# Print "name=version<TAB>Depends" of every package in the dependency
# closure of $2=$3 that belongs to this kernel build: deps pinned to the
# kernel's version ("= V" or ">= V") and linux-kbuild-* (unversioned since
# 6.12).
closure() {
	local suite=$1 ver=$3 seen=" " p name cons deps todo=("$2=$3")
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}; todo=("${todo[@]:1}")
		case $seen in *" $p "*) continue ;; esac
		seen="$seen$p "
		deps=$(sapt_cache "$suite" show "$p" | awk -F': ' '/^Depends:/ && !n++ { print $2 }')
		printf '%s\t%s\n' "$p" "$deps"
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

# gcc_of: the compiler named in Depends fields on stdin (gcc-NN,
# gcc-NN-for-host, linux-compiler-gcc-NN-x86), as gcc-NN
gcc_of() {
	tr ',|' '\n\n' | sed 's/(.*//; s/ //g' |
		sed -nE 's/^(linux-compiler-)?(gcc-[0-9]+)(-for-host|-x86)?$/\2/p' | head -1
}

# Version of metapackage $2 as published in apt suite $3 of view $1.
meta_version() {
	sapt_cache "$1" madison "$2" | awk -F'|' -v s=" $3/main " '$3 ~ s && !n++ { gsub(/ /, "", $2); print $2 }'
}

# refresh SUITE: the private view's index, fresh (0) or not to be had
# (1: offline). Dies when the mirror has no such suite.
refresh() {
	local suite=$1 stamp=$KROOT/.index-$1 age err
	suite_apt_init "$suite"
	age=$(($(date +%s) - $(stat -c %Y "$stamp" 2>/dev/null || echo 0)))
	if [ "$age" -lt "${DRVHOOK_INDEX_TTL:-3600}" ] &&
		compgen -G "$(suite_apt_dir "$suite")/state/lists/*_${suite}_main_binary-amd64_Packages*" >/dev/null; then
		log "$suite: package index refreshed ${age}s ago, not fetched again"
		apt_expired "$(suite_apt_dir "$suite")/state/lists"
		return 0
	fi
	[ "${DRVHOOK_OFFLINE:-0}" = 1 ] && return 1
	if err=$(sapt_get "$suite" update 2>&1 >/dev/null); then
		touch "$stamp"
		apt_expired "$(suite_apt_dir "$suite")/state/lists"
		return 0
	fi
	local s
	for s in $(suite_apt_suites "$suite"); do
		grep -q " $s Release' does not have a Release file" <<<"$err" &&
			rm -rf "$(suite_apt_dir "$suite")" &&
			die "$suite: suite '$s' is not in the mirror's dists (no dists/$s/InRelease or Release there)"
	done
	log "$suite: cannot refresh the package index: $(grep -m1 -E '^(E|W):' <<<"$err" | sed 's#[a-z]*://[^ ]*#<mirror>#g')"
	return 1
}

# recorded KEY: print the recorded resolution of KEY (offline use)
recorded() {
	[ -f "$KROOT/$1.current" ] && [ -f "$KROOT/$1.build" ] ||
		die "$1: cannot refresh the package index and no recorded kernel"
	log "$1: offline, reusing recorded kernel $(cat "$KROOT/$1.current")"
	cat "$KROOT/$1.build"
}

# flavours SUITE: the linux-image-* metapackages of SUITE's view
flavours() {
	sapt_cache "$1" pkgnames linux-image- 2>/dev/null |
		grep -E '^linux-image-[a-z][a-z0-9-]*$' | grep -vE -- '-(dbg|template)$' |
		sed 's/^linux-image-//' | sort | paste -sd' '
}

resolve_suite() {
	local spec=$1 key=$2 suite=${1%%:*} fl=amd64 ver hver gcc
	[[ $spec == *:* ]] && fl=${spec#*:}
	mkdir -p "$KROOT"
	refresh "$suite" || { recorded "$key"; return 0; }
	ver=$(meta_version "$suite" "linux-image-$fl" "$suite")
	[ -n "$ver" ] || die "$spec: no linux-image-$fl in $suite (its flavours: $(flavours "$suite"))"
	hver=$(meta_version "$suite" "linux-headers-$fl" "$suite")
	[ -n "$hver" ] || die "$spec: no linux-headers-$fl in $suite (linux-image-$fl is $ver)"
	[ "$hver" = "$ver" ] ||
		die "$spec: no headers of the same version: linux-image-$fl is $ver, linux-headers-$fl $hver"
	# the compiler of a version already resolved is known (a warm run)
	gcc=$(sed -n "/^version=$ver\$/,\$ s/^gcc=//p" "$KROOT/$key.build" 2>/dev/null | head -1 || true)
	[ -n "$gcc" ] || gcc=$(closure "$suite" "linux-headers-$fl" "$ver" | cut -f2 | gcc_of)
	[ -n "$gcc" ] || die "$spec: no compiler (gcc-NN, linux-compiler-gcc-NN-x86) in the Depends of linux-headers-$fl=$ver"
	cat <<EOR
name=$(kernel_name "$spec")
key=$key
version=$ver
dist=$(suite_dist "$suite")
gcc=$gcc
apt=$(suite_apt_suites "$suite")
image=linux-image-$fl
headers=linux-headers-$fl
EOR
}

# bzimage_release FILE: the kernel release in a bzImage's setup header
bzimage_release() {
	local magic off
	magic=$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null) || return 1
	[ "$magic" = HdrS ] || return 1
	off=$(od -An -tu2 -j526 -N2 "$1" | tr -d ' ')
	dd if="$1" bs=1 skip=$((off + 512)) count=200 2>/dev/null | tr '\0' '\n' | head -1 | cut -d' ' -f1
}

# dist_of TEXT...: the Debian release a version string names (+debNN,
# ~bpoNN, ~debNN, debNNuM), by distro-info-data's table of releases
dist_of() {
	local n
	n=$(grep -oE '(\+deb|~bpo|~deb)[0-9]+' <<<"$*" | grep -oE '[0-9]+$' | head -1)
	[ -n "$n" ] || return 1
	awk -F, -v n="$n" '$1 == n { print $3 }' /usr/share/distro-info/debian.csv 2>/dev/null | grep .
}

# dir_includes DIR: the other /usr/src/linux-headers-* trees DIR's Makefile
# includes (Debian's split headers: the -common part)
dir_includes() {
	sed -nE 's|^include /usr/src/(linux-headers-[^/]+)/Makefile$|\1|p' "$1/Makefile"
}

# files_parse SPEC: sets F_VMLINUZ F_HEADERS (array) F_DIST F_GCC
files_parse() {
	local item IFS=,
	F_VMLINUZ='' F_HEADERS=() F_DIST='' F_GCC=''
	for item in $1; do
		case $item in
		dist=*) F_DIST=${item#dist=} ;;
		gcc=*) F_GCC=${item#gcc=} ;;
		"") ;;
		*) if [ -z "$F_VMLINUZ" ]; then F_VMLINUZ=$(realpath -m -- "$item")
			else F_HEADERS+=("$(realpath -m -- "$item")"); fi ;;
		esac
	done
}

# files_debs: F_HEADERS's debs plus the linux-headers/linux-kbuild debs
# they depend on, found next to them (same directory, NAME_VERSION_*.deb)
files_debs() {
	local d n have=" " dep cons ver f
	for d in "${F_HEADERS[@]}"; do have="$have$(dpkg-deb -f "$d" Package) "; done
	for d in "${F_HEADERS[@]}"; do echo "$d"; done
	for d in "${F_HEADERS[@]}"; do
		ver=$(dpkg-deb -f "$d" Version)
		while read -r dep cons; do
			case $dep in linux-headers-* | linux-kbuild-*) ;; *) continue ;; esac
			case $have in *" $dep "*) continue ;; esac
			f=$(ls "$(dirname "$d")/${dep}_${ver/*:/}_"*.deb 2>/dev/null | head -1 || true)
			[ -n "$f" ] || f=$(ls "$(dirname "$d")/${dep}_"*.deb 2>/dev/null | head -1 || true)
			[ -n "$f" ] || die "$(basename "$d") depends on $dep $cons: give its .deb too (not found next to it in $(dirname "$d"))"
			have="$have$dep "
			echo "$f"
		done < <(dpkg-deb -f "$d" Depends | tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ *$//')
	done
}

# resolve_files SPEC KEY: checks the files and prints the resolve facts
# (plus krel= and debs=); F_* set
resolve_files() {
	local spec=$1 key=$2 krel h ver='' gcc dist cfg='' debs=() d hdeb=''
	files_parse "$spec"
	[ -n "$F_VMLINUZ" ] || die "files kernel: no vmlinuz given (want VMLINUZ,HEADERS...)"
	[ -f "$F_VMLINUZ" ] || die "files kernel: vmlinuz file missing: $F_VMLINUZ"
	krel=$(bzimage_release "$F_VMLINUZ") && [ -n "$krel" ] ||
		die "files kernel: $F_VMLINUZ is not a bzImage (no kernel version in its setup header)"
	[ ${#F_HEADERS[@]} -gt 0 ] || die "files kernel: no headers given for $krel (want VMLINUZ,HEADERS: linux-headers .debs or a directory)"
	for h in "${F_HEADERS[@]}"; do [ -e "$h" ] || die "files kernel: headers missing: $h"; done
	if [ -d "${F_HEADERS[0]}" ]; then
		[ ${#F_HEADERS[@]} = 1 ] || die "files kernel: a headers directory comes alone"
		h=${F_HEADERS[0]}
		[ -f "$h/Makefile" ] || die "files kernel: $h is not a kernel headers directory (no Makefile)"
		if [ -f "$h/include/config/kernel.release" ] &&
			[ "$(cat "$h/include/config/kernel.release")" != "$krel" ]; then
			die "files kernel: headers $h are for $(cat "$h/include/config/kernel.release"), $F_VMLINUZ is $krel"
		fi
		local inc
		for inc in $(dir_includes "$h"); do
			[ -f "$(dirname "$h")/$inc/Makefile" ] ||
				die "files kernel: $h/Makefile includes /usr/src/$inc/Makefile: not found beside it ($(dirname "$h")/$inc)"
		done
		cfg=$(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$h/.config" 2>/dev/null || true)
		ver=local
	else
		for h in "${F_HEADERS[@]}"; do
			[[ $h == *.deb ]] && dpkg-deb -f "$h" Package >/dev/null 2>&1 ||
				die "files kernel: $h is neither a .deb nor a headers directory"
		done
		local list; list=$(files_debs) || exit 1
		mapfile -t debs <<<"$list"
		for d in "${debs[@]}"; do
			dpkg-deb -c "$d" | grep "/usr/src/linux-headers-$krel/Makefile$" >/dev/null && hdeb=$d
		done
		[ -n "$hdeb" ] || die "files kernel: no headers for $krel (usr/src/linux-headers-$krel/Makefile) in $(printf '%s ' "${debs[@]##*/}")"
		ver=$(dpkg-deb -f "$hdeb" Version)
		gcc=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; done | gcc_of)
		cfg=$(dpkg-deb --fsys-tarfile "$hdeb" | tar -xO "./usr/src/linux-headers-$krel/.config" 2>/dev/null |
			sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' || true)
	fi
	gcc=${F_GCC:-${gcc:-$(grep -oE 'gcc(-[0-9]+)? \([^)]*\) [0-9]+' <<<"$cfg" |
		sed -E 's/^gcc(-[0-9]+)? .* ([0-9]+)$/gcc-\2/' | head -1)}}
	[ -n "$gcc" ] || die "files kernel: no compiler in the headers' Depends or .config (CONFIG_CC_VERSION_TEXT): add ,gcc=gcc-NN"
	dist=${F_DIST:-$(dist_of "$ver" "$krel" "$cfg" || true)}
	[ -n "$dist" ] || die "files kernel: the headers ($ver, $krel, ${cfg:-no .config}) name no Debian release (+debNN, ~bpoNN): add ,dist=RELEASE"
	cat <<EOR
name=file:$krel
key=$key
version=$ver
dist=$dist
gcc=$gcc
apt=$dist
image=$F_VMLINUZ
headers=${debs[*]:-${F_HEADERS[*]}}
krel=$krel
EOR
}

resolve() {
	local key; key=$(kernel_key "$1") || exit 1
	case $key in
	files-*) resolve_files "$1" "$key" ;;
	*) resolve_suite "$1" "$key" ;;
	esac
}

fact() { sed -n "s/^$1=//p" <<<"$2"; }

# check_tree DIR: the image and headers in DIR are usable; writes DIR/info
check_tree() {
	local dir=$1 ver=$2 bz krel b cfg map kdir p
	# 6.1/6.12 ship /boot/vmlinuz-<rel>, 7.x /usr/lib/modules/<rel>/vmlinuz
	bz=$(cd "$dir" && ls image/boot/vmlinuz-* image/usr/lib/modules/*/vmlinuz 2>/dev/null || true)
	[ "$(wc -w <<<"$bz")" = 1 ] || die "expected one vmlinuz in $dir/image, got: $bz"
	if [[ $bz == image/boot/* ]]; then
		krel=${bz#image/boot/vmlinuz-}; b=image/boot; cfg=$b/config-$krel; map=$b/System.map-$krel
	else
		krel=$(basename "$(dirname "$bz")"); b=$(dirname "$bz"); cfg=$b/config; map=$b/System.map
	fi
	kdir=headers/usr/src/linux-headers-$krel
	# a files kernel: the config of its headers, a System.map if given
	[ -f "$dir/$cfg" ] || [ ! -f "$dir/image/.files" ] || cfg=$kdir/.config
	[ -f "$dir/$map" ] || [ ! -f "$dir/image/.files" ] || map=
	for p in "$cfg" $map "$kdir/Makefile"; do [ -f "$dir/$p" ] || die "missing $dir/$p"; done
	cat >"$dir/info" <<EOI
version=$ver
release=$krel
bzimage=$bz
config=$cfg
sysmap=$map
kdir=$kdir
EOI
}

fetch_suite() {
	local spec=$1 facts=$2 suite=${1%%:*} ver id dir tmp p img hdr
	ver=$(fact version "$facts")
	id=$ver; [[ $spec == *:* ]] && [ "${spec#*:}" != amd64 ] && id=${ver}_${spec#*:}
	dir=$KROOT/$id
	lock_file "$KROOT/.lock-$id"
	if [ ! -f "$dir/.complete" ]; then
		log "$spec: fetching kernel $ver"
		rm -rf "$dir"; mkdir -p "$dir/debs"
		tmp=$dir/debs
		mapfile -t img < <(closure "$suite" "$(fact image "$facts")" "$ver" | cut -f1)
		mapfile -t hdr < <(closure "$suite" "$(fact headers "$facts")" "$ver" | cut -f1 |
			grep -E '^linux-(headers|kbuild)-')
		(cd "$tmp" && sapt_get "$suite" download "${img[@]}" "${hdr[@]}" >/dev/null)
		for p in "${img[@]}"; do dpkg-deb -x "$tmp/${p%%=*}_"*.deb "$dir/image"; done
		for p in "${hdr[@]}"; do dpkg-deb -x "$tmp/${p%%=*}_"*.deb "$dir/headers"; done
		printf '%s\n' "${img[@]}" "${hdr[@]}" >"$dir/packages"
		check_tree "$dir" "$ver"
		touch "$dir/.complete"
	fi
	echo "$id"
}

fetch_files() {
	local facts=$1 krel h id dir sum p
	krel=$(fact krel "$facts")
	# keyed by the files' contents (a directory: its listing, sizes, times)
	sum=$({ sha256sum "$F_VMLINUZ"
		for h in $(fact headers "$facts"); do
			if [ -d "$h" ]; then find -L "$h" -printf '%P %s %T@\n' | sort; else sha256sum "$h"; fi
		done; } | sha256sum | cut -c1-12)
	id=files-$sum dir=$KROOT/$id
	lock_file "$KROOT/.lock-$id"
	if [ ! -f "$dir/.complete" ]; then
		log "$(fact name "$facts"): unpacking $F_VMLINUZ and its headers"
		rm -rf "$dir"; mkdir -p "$dir/debs" "$dir/image/boot" "$dir/headers/usr/src"
		cp "$F_VMLINUZ" "$dir/image/boot/vmlinuz-$krel"
		touch "$dir/image/.files"
		for h in $(fact headers "$facts"); do
			if [ -d "$h" ]; then
				cp -aL "$h" "$dir/headers/usr/src/linux-headers-$krel"
				for p in $(dir_includes "$h"); do
					cp -aL "$(dirname "$h")/$p" "$dir/headers/usr/src/$p"
				done
			else
				cp "$h" "$dir/debs/"
				dpkg-deb -x "$h" "$dir/headers"
			fi
		done
		printf '%s\n' "$F_VMLINUZ" $(fact headers "$facts") >"$dir/packages"
		check_tree "$dir" "$(fact version "$facts")"
		touch "$dir/.complete"
	fi
	echo "$id"
}

fetch() {
	local spec=$1 key facts id
	key=$(kernel_key "$spec") || exit 1
	mkdir -p "$KROOT"
	facts=$(resolve "$spec") || exit 1
	case $key in
	files-*) files_parse "$spec"; id=$(fetch_files "$facts") ;;
	*) id=$(fetch_suite "$spec" "$facts") ;;
	esac
	# a tmp file of its own: two fetches of one kernel may run at once
	grep -v '^krel=' <<<"$facts" >"$KROOT/$key.build.tmp.$$"
	mv "$KROOT/$key.build.tmp.$$" "$KROOT/$key.build"
	echo "$id" >"$KROOT/$key.current"
	echo "kernel $(fact name "$facts") $(fact version "$facts") $(info "$KROOT/$id" release)"
}

info() { sed -n "s/^$2=//p" "$1/info"; }

path() {
	local spec=$1 what=$2 key id dir
	key=$(kernel_key "$spec") || exit 1
	[ "$what" = key ] && { echo "$key"; return 0; }
	[ "$what" = name ] && { kernel_name "$spec"; return 0; }
	[ -f "$KROOT/$key.current" ] || die "no kernel recorded for $spec: run $0 fetch $spec"
	id=$(cat "$KROOT/$key.current"); dir=$KROOT/$id
	[ -f "$dir/.complete" ] || die "kernel $id incomplete: run $0 fetch $spec"
	case $what in
	version | release) info "$dir" "$what" ;;
	dir) echo "$dir" ;;
	image) echo "$dir/image" ;;
	bzimage | kdir | config) echo "$dir/$(info "$dir" "$what")" ;;
	sysmap) local m; m=$(info "$dir" sysmap); [ -n "$m" ] || die "$spec: no System.map given"; echo "$dir/$m" ;;
	dist | gcc | apt)
		[ -f "$KROOT/$key.build" ] || die "no build facts recorded for $spec: run $0 fetch $spec"
		sed -n "s/^$what=//p" "$KROOT/$key.build" ;;
	*) usage ;;
	esac
}

[ $# -ge 2 ] || usage
case $1 in
resolve) [ $# = 2 ] || usage; resolve "$2" ;;
fetch) [ $# = 2 ] || usage; fetch "$2" ;;
path) [ $# = 3 ] || usage; path "$2" "$3" ;;
*) usage ;;
esac
