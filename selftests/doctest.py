#!/usr/bin/env python3
"""Run the code blocks of a Markdown guide (docs/writing-a-policy.md).

    doctest.py DOC WORKDIR GUESTDIR

Fenced blocks carry a tag after the language:
    ```c file=NAME          written to WORKDIR/NAME (any language)
    ```console host         run on the host, in WORKDIR, in order
    ```console guest        written to GUESTDIR as steps for a guest
    ```text                 shown only (output excerpts, layouts)
Any other fenced block is an error: every command of the guide is tested.

In console blocks, a line '$ CMD' is a command (a trailing backslash
continues it); the lines up to the next '$ ' are its expected output,
compared exactly (trailing blanks aside), where '...' stands for any text.
No lines: the output is not checked. A command must exit 0.

Host commands run with bash -o pipefail in WORKDIR with the caller's
environment. Prints TAP for the host commands. Guest steps:
GUESTDIR/NN.cmd (the command) and GUESTDIR/NN.pat (the expected output as
a sh case pattern: glob characters escaped, '...' -> '*'), if any.
"""
import os
import re
import subprocess
import sys

FENCE = re.compile(r'^```(\S*)\s*(.*)$')


def blocks(text):
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            if m and not m.group(1):
                raise SystemExit(f'line {i + 1}: fenced block without a language')
            i += 1
            continue
        lang, tag, start = m.group(1), m.group(2).strip(), i + 1
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith('```'):
            body.append(lines[i])
            i += 1
        i += 1
        yield start, lang, tag, body


def commands(body):
    """[(cmd, [expected lines])] of a console block."""
    out = []
    cmd = None
    for line in body:
        if cmd is not None and cmd.endswith('\\'):
            cmd = cmd[:-1] + '\n' + line
            out[-1] = (cmd, out[-1][1])
            continue
        if line.startswith('$ '):
            cmd = line[2:]
            out.append((cmd, []))
        elif out:
            out[-1][1].append(line)
        elif line.strip():
            raise SystemExit(f'console block: output before any command: {line}')
    return [(c, '\n'.join(e).rstrip()) for c, e in out]


def matches(expected, got):
    parts = [re.escape(p) for p in expected.split('...')]
    rx = '.*'.join(parts)
    got = '\n'.join(l.rstrip() for l in got.rstrip().split('\n'))
    return re.fullmatch(rx, got, re.S) is not None


def sh_pattern(expected):
    parts = [re.sub(r'([*?\[\]\\])', r'\\\1', p) for p in expected.split('...')]
    return '*'.join(parts)


def main():
    doc, work, guest = sys.argv[1:4]
    text = open(doc).read()
    os.makedirs(work, exist_ok=True)
    os.makedirs(guest, exist_ok=True)
    n = 0
    ng = 0
    failed = 0
    print('TAP version 13')
    for line, lang, tag, body in blocks(text):
        if tag.startswith('file='):
            name = tag[5:]
            with open(os.path.join(work, name), 'w') as f:
                f.write('\n'.join(body) + '\n')
            n += 1
            print(f'ok {n} - wrote {name} (line {line}, {len(body)} lines)')
        elif lang == 'console' and tag == 'host':
            for cmd, exp in commands(body):
                n += 1
                r = subprocess.run(['bash', '-o', 'pipefail', '-c', cmd], cwd=work,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
                good = r.returncode == 0 and (not exp or matches(exp, r.stdout))
                print(f'{"ok" if good else "not ok"} {n} - host: $ {cmd}')
                if not good:
                    failed += 1
                    print(f'#   exit status {r.returncode}')
                    for l in exp.split('\n') if exp else []:
                        print(f'#   want: {l}')
                    for l in r.stdout.rstrip().split('\n')[-20:]:
                        print(f'#   got:  {l}')
        elif lang == 'console' and tag == 'guest':
            for cmd, exp in commands(body):
                ng += 1
                with open(os.path.join(guest, f'{ng:02d}.cmd'), 'w') as f:
                    f.write(cmd + '\n')
                if exp:
                    with open(os.path.join(guest, f'{ng:02d}.pat'), 'w') as f:
                        f.write(sh_pattern(exp))
        elif lang == 'text' and not tag:
            pass
        else:
            n += 1
            failed += 1
            print(f'not ok {n} - line {line}: block ```{lang} {tag} is neither a file, '
                  'host/guest console nor text')
    n += 1
    if ng:
        print(f'ok {n} - {ng} guest commands written for the thirdparty guest group')
    else:
        failed += 1
        print(f'not ok {n} - no guest commands in {doc}')
    print(f'1..{n}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
