#!/bin/bash
# check-ko.sh KO...: each kernel module must carry the BTF the BPF side
# relies on: a .BTF section (module BTF: policies, kfuncs, struct_ops types)
# and, if it has .BTF_ids (kfunc sets...), every id slot filled by
# resolve_btfids. Prints what is wrong; exit status 1 if anything is.
set -uo pipefail

# KO: every id slot of .BTF_ids (symbols __BTF_ID__<kind>__<name>__<n>)
# must have been filled by resolve_btfids.
check_btf_ids() {
	local ko=$1 idx off bad=0 val name id
	read -r idx off < <(readelf -SW "$ko" |
		sed -n 's/^ *\[ *\([0-9]*\)\] \.BTF_ids  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1 \2/p')
	[ -n "${idx:-}" ] || return 0
	while read -r val name; do
		id=$(od -An -tu4 -j $((0x$off + 0x$val)) -N4 "$ko" | tr -d ' ')
		if [ "$id" = 0 ]; then
			echo "error: $(basename "$ko"): unresolved BTF id $name" >&2
			bad=1
		fi
	done < <(readelf -sW "$ko" | awk -v n="$idx" '$7 == n && $8 ~ /^__BTF_ID__/ &&
		$8 !~ /^__BTF_ID__set8?__/ { print $2, $8 }')
	return $bad
}


[ $# -ge 1 ] || { echo "usage: $0 KO..." >&2; exit 2; }
rc=0
for ko in "$@"; do
	# (not grep -q: under pipefail, readelf killed by SIGPIPE fails it)
	if ! readelf -SW "$ko" 2>/dev/null | grep ' \.BTF ' >/dev/null; then
		echo "error: $(basename "$ko") has no .BTF section" >&2
		rc=1
		continue
	fi
	check_btf_ids "$ko" || rc=1
done
exit $rc
