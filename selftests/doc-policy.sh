#!/bin/bash
# doc-policy.sh PAYLOAD_DIR: docs/writing-a-policy.md, host half. Installs
# drvhook into a scratch DESTDIR (make install), then runs the guide's
# `file=` and `console host` blocks in an empty directory outside the repo,
# with only that install tree to build against (PATH, PKG_CONFIG_PATH; the
# tree is relocated with pkg-config --define-prefix). TAP on stdout.
# Leaves for the guest group thirdparty (t_thirdparty.sh):
#   PAYLOAD_DIR/*.bpf.o      the objects the guide built
#   PAYLOAD_DIR/bin/drvhook  the installed CLI (from the DESTDIR tree)
#   PAYLOAD_DIR/steps/       the guide's `console guest` commands
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# = 1 ] || { echo "usage: $0 PAYLOAD_DIR" >&2; exit 2; }
out=$1
tmp=$(mktemp -d /tmp/drvhook-doc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest work=$tmp/fact_cap
rm -rf "$out"; mkdir -p "$out/bin" "$out/steps" "$work"
if ! make -s -C "$repo" install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
	echo "TAP version 13"; echo "not ok 1 - make install DESTDIR=..."
	sed 's/^/#   /' "$tmp/install.log" | tail; echo "1..1"; exit 1
fi
cp "$dest/usr/local/sbin/drvhook" "$out/bin/"
PATH=$dest/usr/local/sbin:$PATH \
PKG_CONFIG_PATH=$dest/usr/local/share/pkgconfig \
PKG_CONFIG="pkg-config --define-prefix" \
	python3 "$repo/selftests/doctest.py" "$repo/docs/writing-a-policy.md" "$work" "$out/steps"
rc=$?
cp "$work"/*.bpf.o "$out/" 2>/dev/null
exit $rc
