#!/bin/bash
# The hook core and the loader name no device type (issue 13): the word
# edu (edu_ops, EDU_OP_PING, drvhook_edu, "edu", <drvhook/edu.h>; not
# "schedule" or "reduce") in a source file of kmod/core/, loader/*.[ch],
# bpf/drvhook.bpf.h, bpf/drvhook_compat.bpf.h or include/drvhook.h fails,
# except in comments and in help text: a string literal holding a space
# (prose) where edu is only an example device name (edu0, /dev/edu1, edu*)
# or follows "e.g.". The checker first runs on synthetic files, each case
# exact, then on the tree.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

# scan FILE...: prints FILE:LINE: TEXT for each naming, exit 1 if any
scan() {
	python3 - "$@" <<'EOF'
import re, sys

WORD = re.compile(r'(?<![A-Za-z])edu(?![A-Za-z])', re.I)
EXAMPLE = re.compile(r'edu(?:[0-9]+|\*)(?![A-Za-z_])')
EG = re.compile(r'(?:e\.g\.|example:?)\s+(?:/dev/)?$', re.I)


def tokens(src):
    """(kind, line, text): kind 'code' or 'str'; comments dropped."""
    i, n, line, code, start = 0, len(src), 1, [], 1
    out = []
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            line += src.count('\n', i, j)
            code.append(' ')
            i = j
        elif c in '"\'':
            out.append(('code', start, ''.join(code)))
            code, j = [], i + 1
            while j < n and src[j] != c and src[j] != '\n':
                j += 2 if src[j] == '\\' else 1
            if c == '"':
                out.append(('str', line, src[i + 1:j]))
            i = j + 1
            start = line
        else:
            if c == '\n':
                out.append(('code', start, ''.join(code)))
                code = []
                line += 1
                start = line
            else:
                code.append(c)
            i += 1
    out.append(('code', start, ''.join(code)))
    return out


def allowed(lit, m):
    if ' ' not in lit:
        return False
    return bool(EXAMPLE.match(lit, m.start()) or EG.search(lit[:m.start()]))


bad = 0
for path in sys.argv[1:]:
    with open(path, errors='replace') as f:
        src = f.read()
    for kind, line, text in tokens(src):
        for m in WORD.finditer(text):
            if kind == 'str' and allowed(text, m):
                continue
            bad += 1
            what = text if kind == 'code' else '"%s"' % text
            print('%s:%d: %s' % (path, line, what.strip()[:120]))
            break
sys.exit(1 if bad else 0)
EOF
}

# case NAME WANT(clean|named) C-SOURCE
case_() {
	printf '%s\n' "$3" >"$t/case.c"
	if out=$(scan "$t/case.c"); then got=clean; else got=named; fi
	if [ "$got" = "$2" ]; then
		ok "checker: $1: $2"
	else
		not_ok "checker: $1: want $2, got $got"; echo "$out" | sed 's/^/#   /'
	fi
}
case_ "an identifier" named 'static int edu_ops;'
case_ "a constant" named 'int x = EDU_OP_PING;'
case_ "a module name" named 'const char *m = "drvhook_edu";'
case_ "a type name literal" named 'if (!strcmp(type, "edu")) return 1;'
case_ "a device path format" named 'snprintf(p, n, "/dev/edu%u", id);'
case_ "a type in a message" named 'printf("not a struct edu_ops: %s\n", t);'
case_ "an include" named '#include "drvhook/edu.h"'
case_ "a system include" named '#include <drvhook/edu.h>'
case_ "after a string on the line" named 'f("a /* b", edu0);'
case_ "comments" clean '/* edu, "edu" */ int x; // struct edu_ops
/*
 * it'"'"'s edu'"'"'s own
 */'
case_ "help text with example device names" clean '	printf("usage: drvhook device show DEV\n"
	       "       DEV := a device, e.g. edu0 (or /dev/edu0), or a pattern: edu*\n");'
case_ "help text: e.g. a type" clean 'puts("  TYPE := a device type, e.g. edu");'
case_ "words holding the letters" clean 'schedule(); int reduced = procedure;'

# the tree: kmod/core/ (all of it), loader/*.[ch], the shared headers
files() {
	case $1 in
	kmod/core/) find kmod/core -type f \( -name '*.c' -o -name '*.h' \) ;;
	loader/) find loader -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) ;;
	*) [ -f "$1" ] && echo "$1" ;;
	esac 2>/dev/null | sort
}
for set in kmod/core/ loader/ bpf/drvhook.bpf.h bpf/drvhook_compat.bpf.h include/drvhook.h; do
	list=$(cd "$repo" && files "$set")
	if [ -z "$list" ]; then
		not_ok "$set: no source file there"
		continue
	fi
	if out=$(cd "$repo" && scan $list); then
		ok "$set: names no device type ($(echo "$list" | wc -l) files)"
	else
		not_ok "$set: names a device type"; echo "$out" | head -30 | sed 's/^/#   /'
	fi
done
echo "1..$n"
