#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# test-cli.sh [DRVHOOK]: host-side checks of the drvhook CLI: help, usage
# errors, file and object checks, JSON output, permissions, feature probe,
# and the sysfs parsers on a fake device tree (DRVHOOK_SYSFS). No stub
# module needed. Prints TAP. Run as root for the permission test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
D=$(realpath "${1:-$top/build/drvhook}")
[ -x "$D" ] || { echo "Bail out! no $D (make -C loader)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0 failed=0 plan=()

ok() { # ok COND-RC DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# rc EXPECTED DESCRIPTION CMD...: exit status of CMD is EXPECTED
rc() {
	local exp=$1 desc=$2 got; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	[ "$got" = "$exp" ] || echo "# expected exit $exp, got $got: $* ($(head -c 300 "$tmp/err"))"
	ok $([ "$got" = "$exp" ]; echo $?) "$desc (exit $exp)"
}
# json DESCRIPTION CMD...: stdout of CMD is valid JSON
json() {
	local desc=$1; shift
	"$@" >"$tmp/out" 2>/dev/null
	python3 -m json.tool <"$tmp/out" >/dev/null 2>&1
	local r=$?
	[ $r = 0 ] || echo "# not JSON: $(head -c 300 "$tmp/out")"
	ok $r "$desc: JSON"
}
has() { grep -q -- "$1" "$tmp/$2"; }   # has PATTERN out|err

echo "# drvhook: $D"

# help
rc 0 "help" "$D" help; has "Usage: drvhook" out; ok $? "help shows usage"
has "9  policy name" out; ok $? "help lists exit codes"
has "10 the policy is for another device type" out; ok $? "help lists exit code 10 (device type)"
if command -v man >/dev/null && command -v col >/dev/null; then
	MANWIDTH=200 man -l "$top/loader/drvhook.8" 2>/dev/null | col -b |
		sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' | grep -Eq '^ +10 +The policy is for another device type'
	ok $? "man page EXIT STATUS: 10, another device type"
else
	skip "man page EXIT STATUS: 10" "no man or col on this host"
fi
# each command's synopsis, in drvhook help and in the man page's SYNOPSIS:
# attach and replace take `set VAR=VALUE`
synopsis() { # synopsis FILE COMMAND: the lines of COMMAND's synopsis in FILE
	awk -v c="drvhook policy $2 " '/drvhook( \[OPTIONS\])? policy / { on = index($0, c) > 0 }
		/^ *$/ { on = 0 } on' "$1"
}
man_synopsis() {
	MANWIDTH=200 man -l "$top/loader/drvhook.8" 2>/dev/null | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed 's/^ *//'
}
for c in attach replace; do
	synopsis "$tmp/out" $c | grep -qF 'set VAR=VALUE]...'
	ok $? "help: policy $c lists [set VAR=VALUE]..."
	if command -v man >/dev/null && command -v col >/dev/null; then
		man_synopsis >"$tmp/man"
		synopsis "$tmp/man" $c | grep -qF 'set VAR=VALUE]...'
		ok $? "man page SYNOPSIS: policy $c lists [set VAR=VALUE]..."
	else
		skip "man page SYNOPSIS: policy $c lists set" "no man or col on this host"
	fi
done
for o in device policy stats feature; do rc 0 "$o help" "$D" "$o" help; done
rc 0 "--help" "$D" --help
rc 0 "-V" "$D" -V
json "-j -V" "$D" -j -V
# -j help: null and a newline, as bpftool prints for commands without output
for h in help "device help" "policy help" "stats help" "feature help" --help; do
	"$D" -j $h >"$tmp/out" 2>"$tmp/err"
	[ "$?:$(od -An -c "$tmp/out" | tr -d ' ')" = '0:null\n' ] && [ ! -s "$tmp/err" ]
	ok $? "-j $h: null"
done

# usage errors
rc 2 "no arguments" "$D"
rc 2 "unknown object" "$D" frobnicate
rc 2 "unknown option" "$D" --frobnicate device list
# an unknown option followed by other options: an error, never a hang
# (timeout exits 124); with -j anywhere among the options, a JSON error
for a in "-x -j" "-x --json" "-x -d" "--frobnicate -p" "-xj" "-jx" "-x -j -p"; do
	rc 2 "unknown option then more: $a device list" timeout 10 "$D" $a device list
	want=-x; case $a in --frob*) want=--frobnicate ;; esac
	grep -qF -- "unknown option '$want'" "$tmp/err" "$tmp/out"
	ok $? "unknown option then more: $a: names $want"
	case $a in *j*|*-p*)
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "unknown option" in d["error"]' "$tmp/out" 2>/dev/null
		ok $? "unknown option then more: $a: the error as JSON" ;;
	esac
done
rc 2 "unknown command" "$D" policy frobnicate
rc 2 "attach without OBJ" "$D" policy attach
rc 2 "attach without dev" "$D" policy attach "$tmp/none.o"
rc 2 "attach: keyword without value" "$D" policy attach "$tmp/none.o" dev
rc 2 "attach: unknown keyword" "$D" policy attach "$tmp/none.o" dev edu0 color red
rc 2 "attach: bad mode" "$D" policy attach "$tmp/none.o" dev edu0 mode turbo
rc 2 "attach: name too long" "$D" policy attach "$tmp/none.o" dev edu0 name abcdefghijklmnopq
rc 2 "attach: name with a dot" "$D" policy attach "$tmp/none.o" dev edu0 name a.b
rc 2 "attach: before and after" "$D" policy attach "$tmp/none.o" dev edu0 before a after b
rc 2 "attach: set without =" "$D" policy attach "$tmp/none.o" dev edu0 set burst
rc 2 "attach: set with an empty name" "$D" policy attach "$tmp/none.o" dev edu0 set =3
rc 2 "replace: junk after OBJ" "$D" policy replace dev edu0 name x "$tmp/none.o" color red
rc 2 "replace: set without =" "$D" policy replace dev edu0 name x "$tmp/none.o" set burst
rc 2 "detach without name" "$D" policy detach dev edu0
rc 2 "replace without OBJ" "$D" policy replace dev edu0 name x
rc 2 "show without dev" "$D" policy show name x
rc 2 "stats: junk" "$D" stats junk
rc 2 "device show without DEV" "$D" device show
rc 2 "feature probe: junk" "$D" feature probe junk
"$D" -j frobnicate >"$tmp/out" 2>/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "error" in d' "$tmp/out"
ok $? "usage error as JSON {\"error\": ...}"

# files
rc 3 "missing file" "$D" policy attach "$tmp/none.o" dev edu0
has "cannot read" err; ok $? "missing file: message"
json "missing file" "$D" -j policy attach "$tmp/none.o" dev edu0
head -c 4096 /dev/urandom >"$tmp/random.o"
rc 4 "random bytes" "$D" policy attach "$tmp/random.o" dev edu0
has "not an ELF file" err; ok $? "random bytes: says not ELF"
rc 4 "ELF, not BPF" "$D" policy attach "$D" dev edu0
rc 4 "replace with random bytes" "$D" policy replace dev edu0 name x "$tmp/random.o"
rc 3 "replace with missing file" "$D" policy replace dev edu0 name x "$tmp/none.o"

# BPF objects, self-contained: the policy shape bpf/drvhook.bpf.h makes
# (a struct_ops program per hook and its fentry twin <prog>__fb on
# T_fb_<hook>, drvhook_fb_cookie, one T_ops map), for device type edu
# (include/drvhook/edu.h) and for a type the loader knows nothing of,
# vdev (hooks ping and pong, declared here).
cat >"$tmp/pol.h" <<'EOF2'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "drvhook/edu.h"
const volatile __u32 drvhook_fb_cookie = 0;
#define HOOK(T, H, ctx_t, name, ctx)					\
	static __always_inline int name##__body(ctx_t *ctx);		\
	SEC("struct_ops/" #H)						\
	int BPF_PROG(name, ctx_t *ctx) { return name##__body(ctx); }	\
	SEC("fentry/" #T "_fb_" #H)					\
	int BPF_PROG(name##__fb, ctx_t *ctx) { return name##__body(ctx); } \
	static __always_inline int name##__body(ctx_t *ctx)
struct vdev_ping_ctx { struct drvhook_dev_info dev; __u32 seq; __u32 fb_cookie; };
struct vdev_pong_ctx { struct drvhook_dev_info dev; __u32 seq; __u32 fb_cookie; };
struct vdev_reset_ctx { struct drvhook_dev_info dev; __u32 fb_cookie; };
struct vdev_ops {
	int (*ping)(struct vdev_ping_ctx *ctx);
	int (*pong)(struct vdev_pong_ctx *ctx);
	int (*reset)(struct vdev_reset_ctx *ctx);
	DRVHOOK_OPS_DATA;
};
char LICENSE[] SEC("license") = "GPL";
EOF2
cc_bpf() { # cc_bpf NAME < source
	cat >"$tmp/$1.bpf.c"
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$top/include" -I"$tmp" \
		-I/usr/include/$(uname -m)-linux-gnu -c "$tmp/$1.bpf.c" -o "$tmp/$1.bpf.o" 2>"$tmp/cc.err"
}
if command -v clang >/dev/null &&
   cc_bpf plain <<'EOF2' &&
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int pass(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
EOF2
   cc_bpf nolink <<'EOF2' &&
#include "pol.h"
HOOK(edu, request, struct edu_request_ctx, r1, req) { return 0; }
SEC(".struct_ops")
struct edu_ops nolink = { .request = (void *)r1 };
EOF2
   cc_bpf notwin <<'EOF2' &&
#include "pol.h"
SEC("struct_ops/request")
int BPF_PROG(lonely, struct edu_request_ctx *req) { return 0; }
SEC(".struct_ops.link")
struct edu_ops notwin = { .request = (void *)lonely };
EOF2
   cc_bpf longname <<'EOF2' &&
#include "pol.h"
HOOK(edu, irq, struct edu_irq_ctx, i1, irq) { return 0; }
SEC(".struct_ops.link")
struct edu_ops a_very_long_policy_name = { .irq = (void *)i1 };
EOF2
   cc_bpf notops <<'EOF2' &&
#include "pol.h"
struct drvhook_ops_evil {
	int (*request)(struct edu_request_ctx *ctx);
	DRVHOOK_OPS_DATA;
};
HOOK(edu, request, struct edu_request_ctx, evil_request, req) { return 0; }
SEC(".struct_ops.link")
struct drvhook_ops_evil evil = { .request = (void *)evil_request };
EOF2
   cc_bpf vping <<'EOF2' &&
#include "pol.h"
HOOK(vdev, ping, struct vdev_ping_ctx, vping_ping, c) { return 0; }
HOOK(vdev, pong, struct vdev_pong_ctx, vping_pong, c) { return 0; }
SEC(".struct_ops.link")
struct vdev_ops vping = { .ping = (void *)vping_ping, .pong = (void *)vping_pong };
EOF2
   cc_bpf vreset <<'EOF2' &&
#include "pol.h"
HOOK(vdev, reset, struct vdev_reset_ctx, vreset_reset, c) { return 0; }
SEC(".struct_ops.link")
struct vdev_ops vreset = { .reset = (void *)vreset_reset };
EOF2
   cc_bpf basic <<'EOF2'; then
#include "pol.h"
HOOK(edu, request, struct edu_request_ctx, basic_request, req) { return 0; }
HOOK(edu, complete, struct edu_complete_ctx, basic_complete, c) { return 0; }
SEC(".struct_ops.link")
struct edu_ops test_basic = {
	.request = (void *)basic_request,
	.complete = (void *)basic_complete,
};
EOF2
	rc 4 "BPF object without a T_ops map" "$D" policy attach "$tmp/plain.bpf.o" dev edu0
	has "no struct_ops map of a drvhook device type" err; ok $? "says: no T_ops map"
	rc 4 "plain .struct_ops map" "$D" policy attach "$tmp/nolink.bpf.o" dev edu0
	has "struct_ops.link" err; ok $? "says: needs .struct_ops.link"
	rc 4 "struct_ops program without fentry twin" "$D" policy attach "$tmp/notwin.bpf.o" dev edu0
	has "no fentry twin 'lonely__fb' in section fentry/edu_fb_request" err; ok $? "says: missing twin, on edu_fb_request"
	rc 4 "struct_ops map of no <type>_ops struct" "$D" policy attach "$tmp/notops.bpf.o" dev edu0
	has "is a struct drvhook_ops_evil, not a struct <type>_ops" err; ok $? "says: not a <type>_ops"
	json "not a policy" "$D" -j policy attach "$tmp/plain.bpf.o" dev edu0
	rc 2 "default name too long" "$D" policy attach "$tmp/longname.bpf.o" dev edu0
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
		cp "$tmp/basic.bpf.o" "$tmp/pub.bpf.o"; chmod 755 "$tmp"; chmod 644 "$tmp/pub.bpf.o"
		rc 8 "attach as non-root" $nobody "$D" policy attach "$tmp/pub.bpf.o" dev edu0
		has "needs root" err; ok $? "non-root: says it needs root"
		json "non-root error" $nobody "$D" -j policy attach "$tmp/pub.bpf.o" dev edu0
		rc 8 "detach as non-root" $nobody "$D" policy detach dev edu0 name x
		rc 8 "replace as non-root" $nobody "$D" policy replace dev edu0 name x "$tmp/pub.bpf.o"
	else
		for i in 1 2 3 4 5; do skip "non-root checks" "not root or no setpriv"; done
	fi
else
	echo "# clang: $(cat "$tmp/cc.err" 2>/dev/null | head -3)"
	for i in $(seq 15); do skip "BPF object checks" "cannot build BPF objects"; done
fi

# feature probe, listings (real system: no stub module on a plain host)
rc 0 "feature probe" "$D" feature probe
has "kernel release" out; ok $? "feature probe: kernel release"
json "feature probe" "$D" -j feature probe
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert {"kernel","module_loaded","mode","mode_reason","link_update"} <= d.keys()' "$tmp/out"
ok $? "feature probe: JSON fields"
rc 0 "device list" "$D" device list
json "device list" "$D" -j device list
rc 0 "policy list" "$D" policy list
json "policy list" "$D" -j policy list
rc 0 "stats" "$D" stats
json "stats" "$D" -j stats
rc 0 "prefixes: dev li" "$D" dev li
if [ ! -d /sys/class/drvhook ]; then
	rc 0 "device list without stub" "$D" device list
	has "no drvhook devices" out; ok $? "device list without stub: says so"
	rc 5 "attach without stub" "$D" policy attach "$tmp/basic.bpf.o" dev edu0
	has "stub module not loaded" err; ok $? "attach without stub: says so"
	rc 5 "device show without stub" "$D" device show edu0
else
	for i in 1 2 3 4 5; do skip "no-stub checks" "stub loaded"; done
fi

# a fake device tree: the sysfs parsers. Two types: edu, and vdev, a
# type the loader knows nothing of (its hooks, its module: from types)
f=$tmp/sys
mkdir -p "$f/edu0" "$f/edu1" "$f/vdev0"
cat >"$f/types" <<'EOF2'
edu drvhook_edu probe request irq complete
vdev drvhook_vdev ping pong
EOF2
for d in edu0:0 edu1:1; do
	echo "${d#*:}" >"$f/${d%:*}/dev_id"
	echo edu >"$f/${d%:*}/type"
	echo "probe request irq complete" >"$f/${d%:*}/hooks"
	printf 'probe 0\nrequest 3\nirq 0\ncomplete 1\n' >"$f/${d%:*}/clamped"
done
cat >"$f/edu0/policies" <<'EOF2'
test_double fallback 0x2 7 0 probe=0/0 request=5/0 irq=0/0 complete=0/0
test_basic struct_ops 0xa 0 2 probe=0/0 request=9/4 irq=0/0 complete=8/1
EOF2
: >"$f/edu1/policies"
echo 0 >"$f/vdev0/dev_id"; echo vdev >"$f/vdev0/type"; echo "ping pong" >"$f/vdev0/hooks"
printf 'ping 4\npong 0\n' >"$f/vdev0/clamped"
echo "vp fallback 0x3 9 1 ping=6/2 pong=1/0" >"$f/vdev0/policies"
export DRVHOOK_SYSFS=$f DRVHOOK_BPFFS=$tmp/pins
mkdir -p "$tmp/pins/edu5/gone" && : >"$tmp/pins/edu5/gone/request"
mkdir -p "$tmp/pins/vdev3/away" && : >"$tmp/pins/vdev3/away/pong"
rc 0 "fake: device list" "$D" device list
has "edu1" out; ok $? "fake: device list shows edu1"
grep -Eq '^DEV +TYPE +ID' "$tmp/out" && grep -Eq '^vdev0 +vdev +0 +1 +4 +ping pong$' "$tmp/out"
ok $? "fake: device list: a TYPE column, vdev0 of type vdev"
"$D" -j device list >"$tmp/out"
python3 - "$tmp/out" <<'EOF2'
import json, sys
l = json.load(open(sys.argv[1]))
t = {x["dev"]: x["type"] for x in l}
assert t == {"edu0": "edu", "edu1": "edu", "vdev0": "vdev"}, t
v = [x for x in l if x["dev"] == "vdev0"][0]
assert v["hooks"] == ["ping", "pong"] and v["clamped"] == {"ping": 4, "pong": 0}, v
p = v["policies"][0]
assert p["hooks"] == ["ping", "pong"] and p["counters"]["ping"] == {"runs": 6, "nonzero": 2}, p
EOF2
ok $? "fake: -j device list: type, and vdev's own hooks and counters"
rc 0 "fake: device show vdev0" "$D" device show /dev/vdev0
grep -q "vdev0: type vdev, dev_id 0, hooks: ping pong" "$tmp/out" &&
	grep -Eq '^ +# +NAME +MODE +HOOKS +PING +PONG +CLAMPED$' "$tmp/out" &&
	grep -Eq '^ +1 +vp +fallback +ping,pong +6/2 +1/0 +1$' "$tmp/out"
ok $? "fake: device show vdev0: its type's hooks as columns"
rc 0 "fake: device show" "$D" device show edu0
has "9/4" out; ok $? "fake: device show shows runs/nonzero"
"$D" -j device show edu0 >"$tmp/out"
python3 - "$tmp/out" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["dev"] == "edu0" and d["dev_id"] == 0, d
assert d["clamped"]["request"] == 3
p = d["policies"]
assert [x["name"] for x in p] == ["test_double", "test_basic"], p
assert p[1]["hooks"] == ["request", "complete"] and p[1]["mode"] == "struct_ops"
assert p[1]["counters"]["request"] == {"runs": 9, "nonzero": 4}
assert p[1]["clamped"] == 2 and p[0]["cookie"] == 7 and p[1]["pinned"] is False
EOF2
ok $? "fake: device show JSON fields"
"$D" -p device show edu0 >"$tmp/out"
python3 -c 'import json,sys; t=open(sys.argv[1]).read(); json.loads(t); assert t.count("\n") > 20 and "\n    \"dev\": \"edu0\"" in t, t' "$tmp/out"
ok $? "fake: -p device show: indented JSON"
"$D" -j policy list >"$tmp/out"
python3 - "$tmp/out" <<'EOF2'
import json, sys
l = json.load(open(sys.argv[1]))
st = {(x["dev"], x["name"]): (x["state"], x["position"]) for x in l}
assert st[("edu0", "test_double")] == ("attached, not pinned", 1), st
assert st[("edu0", "test_basic")] == ("attached, not pinned", 2), st
assert st[("edu5", "gone")] == ("device absent", None), st
assert st[("vdev0", "vp")] == ("attached, not pinned", 1), st
assert st[("vdev3", "away")] == ("device absent", None), st
ty = {(x["dev"], x["name"]): (x["type"], x["hooks"]) for x in l}
assert ty[("vdev3", "away")] == ("vdev", ["pong"]), ty
assert ty[("edu5", "gone")] == ("edu", ["request"]), ty
EOF2
ok $? "fake: policy list marks device absent, its type from its name"
rc 0 "fake: policy list dev" "$D" policy list dev edu5
has "device absent" out; ok $? "fake: pins of an absent device"
rc 7 "fake: unknown device" "$D" device show edu9
rc 7 "fake: policy list of unknown device" "$D" policy list dev edu9
rc 9 "fake: show unknown policy" "$D" policy show dev edu0 name nosuch
rc 0 "fake: policy show" "$D" policy show dev edu0 name test_basic
json "fake: policy show" "$D" -j policy show dev edu0 name test_basic
rc 0 "fake: stats" "$D" stats dev edu0
json "fake: stats" "$D" -j stats
"$D" -p stats dev edu0 >"$tmp/out"
python3 - "$tmp/out" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["devices"][0]["policies"]
assert [x["name"] for x in p] == ["test_double", "test_basic"], p
assert p[1]["hooks"]["request"]["runs"] == 9 and p[1]["hooks"]["request"]["nonzero"] == 4, p
assert p[1]["hooks"]["complete"]["nonzero"] == 1 and p[1]["clamped"] == 2, p
assert p[1]["hooks"]["request"]["run_cnt"] is None, p	# no pins: no program
EOF2
ok $? "fake: -p stats: counters per policy and hook"
rc 7 "fake: stats of unknown device" "$D" stats dev edu9
rc 0 "fake: stats of vdev0" "$D" stats dev vdev0
grep -q "vdev0 (type vdev, dev_id 0): clamped verdicts: ping 4 pong 0" "$tmp/out"
ok $? "fake: stats vdev0: its hooks"
# feature probe: a block per registered type
rc 0 "fake: feature probe" "$D" feature probe
grep -q '^device type edu (module drvhook_edu)' "$tmp/out" &&
	grep -q '^device type vdev (module drvhook_vdev)' "$tmp/out" &&
	grep -Eq '^  struct_ops type +(yes|no) \(struct vdev_ops' "$tmp/out" &&
	grep -Eq '^  devices +vdev0$' "$tmp/out" && grep -Eq '^  devices +edu0 edu1$' "$tmp/out" &&
	grep -Eq '^device types +2$' "$tmp/out"
ok $? "fake: feature probe: a block per device type"
"$D" -j feature probe >"$tmp/out"
python3 - "$tmp/out" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
assert {"kernel", "module_loaded", "mode", "mode_reason", "link_update", "types"} <= d.keys(), d
t = {x["type"]: x for x in d["types"]}
assert sorted(t) == ["edu", "vdev"], t
v = t["vdev"]
assert v["module"] == "drvhook_vdev" and v["hooks"] == ["ping", "pong"] and v["ops_type"] == "vdev_ops", v
assert {"module_btf", "struct_ops_type", "fallback_hooks", "setters", "devices", "mode", "mode_reason"} <= v.keys(), v
assert v["devices"] == ["vdev0"] and t["edu"]["devices"] == ["edu0", "edu1"], t
EOF2
ok $? "fake: -j feature probe: a types array"
# device names that leave the pin root: refused before any path is used.
# Decoys outside the pin root, reachable through '..' from it, survive.
mkdir -p "$tmp/outside/victim"
for h in probe request irq complete; do
	: >"$tmp/outside/victim/$h"; : >"$tmp/outside/$h"
done
decoys() { find "$tmp/outside" | sort | md5sum; }
before=$(decoys)
bad_dev() { # bad_dev CMD...: exit 2 and a message naming device $dv
	rc 2 "bad device name '$dv': $1 $2" "$D" "$@"
	has "device name '$dv'" err; ok $? "bad device name '$dv': $1 $2: says so"
}
for dv in ../outside .. a/b /dev/../outside . "edu 0" ""; do
	bad_dev policy detach dev "$dv" name victim
	bad_dev policy detach dev "$dv" name outside
	bad_dev policy show dev "$dv" name victim
	bad_dev policy list dev "$dv"
	bad_dev stats dev "$dv"
	bad_dev device show "$dv"
	bad_dev policy replace dev "$dv" name victim "$tmp/basic.bpf.o"
	bad_dev policy attach "$tmp/basic.bpf.o" dev "$dv"
done
[ "$(decoys)" = "$before" ]; ok $? "bad device names: the decoys outside the pin root survive"
[ -e "$tmp/pins/edu5/gone/request" ]; ok $? "bad device names: the pins under the pin root survive"
if [ "$(id -u)" = 0 ] && [ -f "$tmp/basic.bpf.o" ]; then
	rc 9 "fake: attach with a taken name" "$D" policy attach "$tmp/basic.bpf.o" dev edu0
	rc 9 "fake: attach before an unknown anchor" "$D" policy attach "$tmp/basic.bpf.o" dev edu1 before nosuch
	rc 9 "fake: replace an unknown policy" "$D" policy replace dev edu0 name nosuch "$tmp/basic.bpf.o"
	rc 9 "fake: detach an unknown policy" "$D" policy detach dev edu0 name nosuch
	# an object for another device type: refused before load, naming both
	rc 10 "fake: edu policy on vdev0" "$D" policy attach "$tmp/basic.bpf.o" dev vdev0
	has "policy is for device type 'edu' (struct edu_ops), device vdev0 is of type 'vdev'" err
	ok $? "fake: edu policy on vdev0: names both types"
	rc 10 "fake: vdev policy on edu1" "$D" policy attach "$tmp/vping.bpf.o" dev edu1
	has "policy is for device type 'vdev' (struct vdev_ops), device edu1 is of type 'edu'" err
	ok $? "fake: vdev policy on edu1: names both types"
	rc 10 "fake: replace with another type's policy" "$D" policy replace dev vdev0 name vp "$tmp/basic.bpf.o"
	"$D" -j policy attach "$tmp/basic.bpf.o" dev vdev0 >"$tmp/out" 2>/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "device type" in d["error"]' "$tmp/out"
	ok $? "fake: type mismatch as JSON"
	rc 5 "fake: vdev policy with a hook vdev lacks" "$D" policy attach "$tmp/vreset.bpf.o" dev vdev0
	has "implements hook 'reset', which device type 'vdev' lacks (its hooks: ping,pong)" err
	ok $? "fake: hook the type lacks: says so"
	if [ ! -e /sys/kernel/btf/drvhook ]; then
		# past the type check; this host has no drvhook BTF
		rc 5 "fake: vdev policy on vdev0 passes the type check" "$D" policy attach "$tmp/vping.bpf.o" dev vdev0 name vp2
		has "module BTF" err; ok $? "fake: vdev policy on vdev0: stops at the module BTF"
	else
		for i in 1 2; do skip "fake: vdev policy on vdev0" "this host has drvhook's BTF"; done
	fi
else
	for i in $(seq 15); do skip "fake: name and type checks" "not root"; done
fi

echo "1..$n"
[ $failed = 0 ]
