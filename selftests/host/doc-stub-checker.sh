#!/bin/bash
# selftests/doc-stub.py can fail: a guide whose file parts differ from the
# tree's file, whose command fails, or which has an untagged block is red;
# a right one green; build commands go to the runner, or are skipped and
# say so. (The real guide, docs/writing-a-stub.md: host test doc-stub.)
repo=$(cd "$(dirname "$0")/../.." && pwd)
ds=$repo/selftests/doc-stub.py
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
echo "TAP version 13"
n=0
mkdir -p "$t/repo/src"
printf 'int a;\n\nint b;\n' >"$t/repo/src/x.c"
# a stand-in for the build root's runner: says it ran the command
# shellcheck disable=SC2016 # $1 is the runner's own
printf '#!/bin/bash\necho "in root"\nexec bash -c "$1"\n' >"$t/runner"
chmod +x "$t/runner"
# case_ NAME WANT_RC DOC-TEXT [OPTION...]
case_() {
	local name=$1 want=$2 doc=$3
	shift 3
	n=$((n + 1))
	printf '%s\n' "$doc" >"$t/doc.md"
	rm -rf "$t/w"
	python3 "$ds" "$t/doc.md" "$t/repo" "$t/w" "$@" >"$t/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then echo "ok $n - $name (exit $rc)"; else
		echo "not ok $n - $name (exit $rc, want $want)"; sed 's/^/#   /' "$t/out"; fi
}
good='```c file=src/x.c
int a;
```

```c file=src/x.c
int b;
```

```console build
$ cat src/x.c | wc -l
in root
3
```

```console host
$ ls src
x.c
```

```console guest
$ echo guest
guest
```'
case_ "a right guide passes" 0 "$good" --build-runner "$t/runner"
case_ "a part differing from the file fails" 1 "${good/int b;/int c;}" --build-runner "$t/runner"
case_ "a missing part fails" 1 "${good/int b;/}" --build-runner "$t/runner"
case_ "a part of a file the tree lacks fails" 1 "${good/file=src\/x.c
int a;/file=src/y.c
int a;}" --build-runner "$t/runner"
case_ "a failing build command fails" 1 "${good/wc -l/wc -l; false}" --build-runner "$t/runner"
case_ "a wrong host output fails" 1 "${good/
x.c/
y.c}" --build-runner "$t/runner"
case_ "an untagged console block fails" 1 "$good
\`\`\`console
\$ true
\`\`\`" --build-runner "$t/runner"
case_ "an excerpt of the file passes" 0 "$good
\`\`\`c excerpt=src/x.c

int b;
\`\`\`" --build-runner "$t/runner"
case_ "an excerpt not in the file fails" 1 "$good
\`\`\`c excerpt=src/x.c
int a;
int b;
\`\`\`" --build-runner "$t/runner"
case_ "no runner: build commands skipped" 0 "$good"
n=$((n + 1))
grep -q '^ok .*build root: .* # SKIP ' "$t/out" &&
	echo "ok $n - no runner: the skip is in the TAP" ||
	echo "not ok $n - no runner: the skip is in the TAP"
n=$((n + 1))
printf '%s\n' "$good" >"$t/doc.md"
rm -rf "$t/g"
python3 "$ds" --steps "$t/doc.md" "$t/g" >/dev/null 2>&1
[ "$(cat "$t/g/01.cmd")" = "echo guest" ] && [ "$(cat "$t/g/01.pat")" = guest ] &&
	echo "ok $n - --steps: guest step 01, command and pattern" ||
	echo "not ok $n - --steps: guest step 01, command and pattern"
echo "1..$n"
