#!/bin/bash
# extract-vmlinux.sh BZIMAGE > vmlinux: unpack the ELF vmlinux embedded in an
# x86 bzImage (xz, zstd or gzip payload). Its .BTF section is kept intact.
set -euo pipefail
[ $# = 1 ] || { echo "usage: $0 BZIMAGE > vmlinux" >&2; exit 2; }
img=$1
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT

try() { # $1 = magic (printf escapes), $2.. = decompressor
	local magic=$1 pos; shift
	for pos in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
		tail -c +$((pos + 1)) "$img" | "$@" >"$tmp" 2>/dev/null || true
		if [ "$(head -c4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			cat "$tmp"
			exit 0
		fi
	done
}
try '\xfd7zXZ\x00' xz -dc
try '\x28\xb5\x2f\xfd' zstd -dc
try '\x1f\x8b\x08' gzip -dc
echo "no vmlinux found in $img" >&2
exit 1
