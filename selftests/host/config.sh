#!/bin/bash
# drvhook config on the host (no stub module): `config check` of a good
# configuration, each kind of bad entry reported as FILE:LINE with its exit
# status, the files a directory contributes; `config apply` on a fake device
# tree (DRVHOOK_SYSFS): which entries it tries on which devices (name
# patterns, PCI ids, type, uevent and udev properties), a bad entry skipped
# while the others are tried, the exit status of the first failure, and
# what it records (the attach itself needs the stub: guest group config).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
D=${DRVHOOK:-$repo/build/drvhook}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
export DRVHOOK_POLICY_DIR=$repo/build/bpf DRVHOOK_STATE_DIR=$w/run
cd "$w" || exit 1
# run CMD...: "rc=N" then stdout, stderr in $w/err
run() { local o r; o=$("$@" 2>"$w/err"); r=$?; echo "rc=$r"; [ -z "$o" ] || echo "$o"; }
jfield() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

mkdir -p good
cat >good/10-edu.conf <<'EOF'
# every edu device refuses factorials that overflow
fact_guard dev edu*

ratelimit dev edu0 set burst=3 \
	set rate=1 after fact_guard	# a continued line
admission dev edu* match vendor=0x1234 match type=edu property DEVNAME=edu1
EOF
echo "not a conf file: ignored" >good/README
out=$(run "$D" config check good)
expect "check: a good configuration: exit 0, 3 entries in 1 file" \
	"rc=0 good: 3 entries in 1 file, 0 errors" "$(echo $out)"
expect "check: nothing on stderr" "" "$(cat "$w/err")"
j=$("$D" -j config check good)
expect "check -j: entries with file, line, object, name" \
	"3 good/10-edu.conf 4 ratelimit $repo/build/bpf/ratelimit.bpf.o 0" \
	"$(echo "$j" | jfield 'len(d["entries"]), d["entries"][1]["file"], d["entries"][1]["line"], d["entries"][1]["name"], d["entries"][1]["object"], d["errors"]' | tr -d "(),'")"
out=$(run "$D" config check good/10-edu.conf)
expect "check FILE: one file" "rc=0 good/10-edu.conf: 3 entries in 1 file, 0 errors" "$(echo $out)"

# bad1 LINE STATUS PATTERN DESCRIPTION: that line alone, after a good one
n_bad=0
bad1() {
	n_bad=$((n_bad + 1))
	mkdir -p "bad$n_bad"
	printf 'fact_guard dev edu0\n%s\n' "$1" >"bad$n_bad/x.conf"
	out=$(run "$D" config check "bad$n_bad")
	got="$(echo "$out" | head -1) $(grep -c . "$w/err") $(cat "$w/err")"
	want_re="^rc=$2 1 drvhook: error: bad$n_bad/x.conf:2: $3"
	if [[ $got =~ $want_re ]]; then ok "check: $4: file:line, exit $2"; else
		not_ok "check: $4: file:line, exit $2"; echo "#   got: $got"; fi
}
bad1 "fact_guard dev edu0 frob 1" 2 "unknown keyword 'frob'" "unknown keyword"
bad1 "fact_guard" 2 "no 'dev DEV'" "no device"
bad1 "fact_guard dev" 2 "'dev' needs a value" "keyword without a value"
bad1 "nosuch dev edu1" 3 "cannot read $repo/build/bpf/nosuch.bpf.o" "shipped policy that does not exist"
bad1 "./missing.bpf.o dev edu1" 3 "cannot read bad5/./missing.bpf.o" "relative path: from the file's directory"
bad1 "/etc/passwd dev edu1" 4 "/etc/passwd is not a drvhook policy" "not a policy object"
bad1 "ratelimit dev edu1 set nosuchvar=1" 2 "set: .* has no global variable 'nosuchvar'" "unknown setting"
bad1 "ratelimit dev edu1 set burst=99999999999" 2 "set: '99999999999' is not a value for burst" "value too wide"
bad1 "ratelimit dev edu1 set burst" 2 "set: expected VAR=VALUE" "setting without a value"
bad1 "fact_guard dev /dev/edu0" 9 "policy 'fact_guard' on dev edu0 is already the entry of bad10/x.conf:1" "same policy on the same device twice"
bad1 "fact_guard dev edu1 name bad.name" 2 "policy name 'bad.name'" "bad policy name"
bad1 "fact_guard dev edu1 name g after x/y" 2 "anchor 'x/y'" "bad anchor"
bad1 "fact_guard dev edu1 name g after a before b" 2 "only one of before/after" "before and after"
bad1 "fact_guard dev edu1 mode fast" 2 "unknown mode 'fast'" "unknown mode"
bad1 "fact_guard dev edu1 match colour=red" 2 "match: unknown key 'colour'" "unknown match key"
bad1 "fact_guard dev edu1 match vendor=0x12345" 2 "match vendor: '0x12345' is not a PCI id" "bad PCI id"
bad1 "fact_guard dev edu1 property =x" 2 "property: expected NAME=VALUE" "bad property"

# several errors: all reported, in file order; the exit status is the first's
mkdir -p multi
printf 'fact_guard dev edu0\nnosuch dev edu0\n' >multi/20-b.conf
printf '\n# x\nratelimit dev edu1 \\\n  set what=1\nfact_guard dev edu1\n' >multi/10-a.conf
out=$(run "$D" config check multi)
expect "check: two files, name order, every error with its file:line" \
	"drvhook: error: multi/10-a.conf:3: set: $repo/build/bpf/ratelimit.bpf.o has no global variable 'what' ('bpftool btf dump file $repo/build/bpf/ratelimit.bpf.o' lists them)
drvhook: error: multi/20-b.conf:2: cannot read $repo/build/bpf/nosuch.bpf.o: No such file or directory" \
	"$(cat "$w/err")"
expect "check: exit status of the first error (2), summary on stdout" \
	"rc=2 multi: 4 entries in 2 files, 2 errors" "$(echo $out)"
j=$("$D" -j config check multi 2>"$w/err"; echo " rc=$?")
expect "check -j: per entry valid/error/status, nothing on stderr" \
	"False 2 True 3 2 rc=2" \
	"$(echo "${j% rc=*}" | jfield 'd["entries"][0]["valid"], d["entries"][0]["status"], d["entries"][1]["valid"], d["entries"][3]["status"], d["errors"]' | tr -d "(),'") ${j##* }$(cat "$w/err")"
# under systemd (stderr is the journal's stream, JOURNAL_STREAM=DEV:INO)
# each error line starts with the priority the journal files it under
: >"$w/jerr"
JOURNAL_STREAM=$(stat -c %d:%i "$w/jerr") "$D" config check multi 2>>"$w/jerr" >/dev/null
expect "check under the journal: both errors at priority err (<3>)" \
	"<3>drvhook: error: multi/10-a.conf:3: <3>drvhook: error: multi/20-b.conf:2:" \
	"$(grep -o '^<3>drvhook: error: [^ ]*' "$w/jerr" | tr '\n' ' ' | sed 's/ $//')"
JOURNAL_STREAM=1:1 "$D" config check multi 2>"$w/jerr" >/dev/null
expect "JOURNAL_STREAM naming another file: no prefix" "" "$(grep '^<' "$w/jerr")"
out=$(run "$D" config check nosuchdir)
expect "check: a missing directory: exit 3" "rc=3" "$(echo "$out" | head -1)"
out=$(run "$D" config check a b)
expect "check: two paths: usage error" "rc=2" "$(echo "$out" | head -1)"

# apply on a fake device tree: edu0 (PCI 1234:11e8), edu1 (1234:11e9,
# DEVNAME=edu1 in its uevent, ID_PATH in udev's database), foo2 (no PCI)
f=$w/sys
for d in edu0:0x11e8:3 edu1:0x11e9:4 foo2:: ; do
	IFS=: read -r name pid minor <<<"$d"
	mkdir -p "$f/$name"
	echo "${minor:-9}" >"$f/$name/dev_id"
	echo request >"$f/$name/hooks"
	: >"$f/$name/policies"
	printf 'MAJOR=240\nMINOR=%s\nDEVNAME=%s\n' "${minor:-9}" "$name" >"$f/$name/uevent"
	[ -z "$pid" ] && continue
	mkdir -p "$f/$name/device"
	echo 0x1234 >"$f/$name/device/vendor"
	echo "$pid" >"$f/$name/device/device"
	echo 0x1af4 >"$f/$name/device/subsystem_vendor"
	echo 0x1100 >"$f/$name/device/subsystem_device"
done
mkdir -p "$w/udev"
printf 'I:1\nE:ID_PATH=pci-0000:00:05.0\n' >"$w/udev/c240:4"
export DRVHOOK_SYSFS=$f DRVHOOK_BPFFS=$w/pins DRVHOOK_UDEV_DB=$w/udev
mkdir -p m
cat >m/a.conf <<'EOF'
fact_guard dev edu*
ratelimit dev * match device=0x11e9
admission dev * match type=edu property ID_PATH=pci-0000:00:05.*
checksum dev * match subvendor=0x1af4 match subdevice=0x1100
quirks dev foo2 set nosuch=1
test_basic dev * property DEVNAME=edu1
EOF
j=$("$D" -j config apply m 2>"$w/err"; echo " rc=$?")
tried=$(echo "${j% rc=*}" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["actions"]:
    print(a["line"], a.get("dev", "-"), a.get("name", "-"), a["action"], a.get("status"))')
expect "apply: each entry on the devices it matches (glob, PCI ids, type, uevent and udev properties); the bad one reported and skipped; each attach fails here (no stub: exit 5)" \
	"5 - - invalid 2
1 edu0 fact_guard failed 5
1 edu1 fact_guard failed 5
2 edu1 ratelimit failed 5
3 edu1 admission failed 5
4 edu0 checksum failed 5
4 edu1 checksum failed 5
6 edu1 test_basic failed 5" "$tried"
expect "apply: exit status of the first failure (the bad entry's, 2)" "2" "${j##* rc=}"
out=$(run "$D" config apply m)
expect_re() { [[ $3 =~ $2 ]] && ok "$1" || { not_ok "$1"; echo "#   got: $3"; }; }
expect_re "apply: text: each failure on stderr as FILE:LINE: DEV NAME: error, then the count" \
	"drvhook: error: m/a.conf:1: edu0 fact_guard: .*drvhook: error: config apply: 8 of 8 failed" "$(tr '\n' ' ' <"$w/err")"
expect "apply: nothing attached, nothing recorded" "" "$(cat "$w/run/applied" 2>/dev/null)"
out=$(run "$D" config apply dev edu7 m)
expect "apply dev DEV: no such device: exit 7" "rc=7" "$(echo "$out" | head -1)"
out=$(DRVHOOK_SYSFS=$w/nosys "$D" config apply dev edu0 m 2>&1; echo "rc=$?")
expect "apply dev DEV without the stub: exit 5" "rc=5" "$(echo "$out" | tail -1)"
out=$(DRVHOOK_SYSFS=$w/nosys "$D" config apply good 2>&1; echo "rc=$?")
expect "apply without the stub (a machine without the device): nothing to do, exit 0" "rc=0" "$out"
out=$(DRVHOOK_CONFIG_DIR=$w/none "$D" config apply 2>&1; echo "rc=$?")
expect "apply of an absent default directory: an empty configuration, exit 0" "rc=0" "$out"
j=$("$D" -j config apply --device edu1 m 2>/dev/null)
expect "apply --device edu1: only edu1's entries" "edu1 edu1 edu1 edu1 edu1" \
	"$(echo "$j" | python3 -c 'import json,sys; print(" ".join(a["dev"] for a in json.load(sys.stdin)["actions"] if "dev" in a))')"
out=$(run "$D" config detach)
expect "detach with nothing recorded: exit 0" "rc=0" "$out"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$D" config apply m 2>&1; echo "rc=$?")
	expect "apply as nobody: exit 8" "rc=8" "$(echo "$out" | tail -1)"
else
	ok "apply as nobody # SKIP not root"
fi
echo "1..$n"
