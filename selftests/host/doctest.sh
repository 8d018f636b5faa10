#!/bin/bash
# selftests/doctest.py can fail: a guide whose shown output is wrong, whose
# command fails, or which has an untagged block is red; a right one green.
# (The real guide, docs/writing-a-policy.md, runs in check.sh's doc-policy
# step and the thirdparty guest group.)
repo=$(cd "$(dirname "$0")/../.." && pwd)
dt=$repo/selftests/doctest.py
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
echo "TAP version 13"
n=0
# case NAME WANT_RC DOC-TEXT
case_() {
	n=$((n + 1))
	printf '%s\n' "$3" >"$t/doc.md"
	rm -rf "$t/w" "$t/g"
	python3 "$dt" "$t/doc.md" "$t/w" "$t/g" >"$t/out" 2>&1
	rc=$?
	if [ "$rc" = "$2" ]; then echo "ok $n - $1 (exit $rc)"; else
		echo "not ok $n - $1 (exit $rc, want $2)"; sed 's/^/#   /' "$t/out"; fi
}
good='```sh file=a.sh
echo hello
```

```console host
$ sh a.sh
hello
$ echo one; echo two three
one
two ...
```

```console guest
$ echo guest
guest
```'
case_ "a right guide passes" 0 "$good"
case_ "a wrong output fails" 1 "${good/hello
\$ echo one/hullo
\$ echo one}"
case_ "a failing command fails" 1 "${good/\$ sh a.sh/\$ sh a.sh; false}"
case_ "an untagged console block fails" 1 "$good
\`\`\`console
\$ true
\`\`\`"
case_ "a guide without guest commands fails" 1 '```console host
$ true
```'
n=$((n + 1))
printf '%s\n' "$good" >"$t/doc.md"
rm -rf "$t/w" "$t/g"
python3 "$dt" "$t/doc.md" "$t/w" "$t/g" >/dev/null 2>&1
[ "$(cat "$t/g/01.cmd")" = "echo guest" ] && [ "$(cat "$t/g/01.pat")" = guest ] &&
	echo "ok $n - guest step 01: command and pattern written" ||
	echo "not ok $n - guest step 01: command and pattern written"
echo "1..$n"
