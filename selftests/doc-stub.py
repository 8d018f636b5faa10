#!/usr/bin/env python3
"""Test the code blocks of docs/writing-a-stub.md against the tree.

    doc-stub.py DOC REPO WORKDIR [--build-runner RUNNER] [--guest GUESTDIR]
    doc-stub.py --steps DOC GUESTDIR

Fenced blocks carry a tag after the language:
    ```c file=PATH          a part of REPO/PATH: the parts of one PATH,
                            joined with one empty line between them, must
                            be that file byte for byte; written to
                            WORKDIR/PATH
    ```c excerpt=PATH       consecutive lines of REPO/PATH, shown where the
                            guide quotes part of a file too long to show
                            whole; checked, not written
    ```console build        run by RUNNER (RUNNER CMD: in the kernel's
                            build root, in WORKDIR's copy there); without
                            RUNNER, skipped and said so
    ```console host         run on the host, in WORKDIR
    ```console guest        written to GUESTDIR as steps for a guest group
    ```text                 shown only
Any other fenced block is an error. Console blocks, expected output and
guest steps are those of selftests/doctest.py (its parser is used).
Prints TAP. --steps only writes the guest steps (no TAP, no checks).
"""
import importlib.util
import os
import subprocess
import sys

_spec = importlib.util.spec_from_file_location(
    'drvhook_doctest', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'doctest.py'))
dt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dt)


def write_steps(doc_blocks, guest):
    os.makedirs(guest, exist_ok=True)
    ng = 0
    for _, lang, tag, body in doc_blocks:
        if lang != 'console' or tag != 'guest':
            continue
        for cmd, exp in dt.commands(body):
            ng += 1
            with open(os.path.join(guest, f'{ng:02d}.cmd'), 'w') as f:
                f.write(cmd + '\n')
            if exp:
                with open(os.path.join(guest, f'{ng:02d}.pat'), 'w') as f:
                    f.write(dt.sh_pattern(exp))
    return ng


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        print('TAP version 13')

    def result(self, good, what, detail=()):
        self.n += 1
        print(f'{"ok" if good else "not ok"} {self.n} - {what}')
        if not good:
            self.failed += 1
            for line in detail:
                print(f'#   {line}')

    def skip(self, what, why):
        self.n += 1
        print(f'ok {self.n} - {what} # SKIP {why}')


def run(tap, where, argv, cwd, cmd, exp):
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    good = r.returncode == 0 and (not exp or dt.matches(exp, r.stdout))
    detail = [f'exit status {r.returncode}']
    detail += [f'want: {line}' for line in (exp.split('\n') if exp else [])]
    detail += [f'got:  {line}' for line in r.stdout.rstrip().split('\n')[-20:]]
    tap.result(good, f'{where}: $ {cmd}', detail)


def excerpt(tap, line, real, path, body):
    try:
        want = open(real).read().split('\n')
    except OSError as e:
        tap.result(False, f'line {line}: {path}: the excerpt is in the file', [str(e)])
        return
    n = len(body)
    found = n > 0 and any(want[i:i + n] == body for i in range(len(want) - n + 1))
    tap.result(found, f'line {line}: {path}: the excerpt ({n} lines) is in the file',
               [f'first line: {body[0] if body else "(empty)"}'])


def main():
    args = sys.argv[1:]
    if args[:1] == ['--steps']:
        doc, guest = args[1:3]
        write_steps(list(dt.blocks(open(doc).read())), guest)
        return 0
    runner = guest = None
    pos = []
    while args:
        a = args.pop(0)
        if a == '--build-runner':
            runner = args.pop(0)
        elif a == '--guest':
            guest = args.pop(0)
        else:
            pos.append(a)
    doc, repo, work = pos
    doc_blocks = list(dt.blocks(open(doc).read()))
    tap = Tap()
    parts = {}
    for line, lang, tag, body in doc_blocks:
        if tag.startswith('file='):
            path = tag[5:]
            dest = os.path.join(work, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            first = path not in parts
            parts.setdefault(path, []).append(line)
            with open(dest, 'w' if first else 'a') as f:
                f.write(('' if first else '\n') + '\n'.join(body) + '\n')
        elif tag.startswith('excerpt='):
            excerpt(tap, line, os.path.join(repo, tag[8:]), tag[8:], body)
        elif lang == 'console' and tag == 'build':
            for cmd, exp in dt.commands(body):
                if runner:
                    run(tap, 'build root', [runner, cmd], work, cmd, exp)
                else:
                    tap.skip(f'build root: $ {cmd}', 'needs root (an overlay of the build root)')
        elif lang == 'console' and tag == 'host':
            for cmd, exp in dt.commands(body):
                run(tap, 'host', ['bash', '-o', 'pipefail', '-c', cmd], work, cmd, exp)
        elif lang == 'console' and tag == 'guest':
            pass
        elif lang == 'text' and not tag:
            pass
        else:
            tap.result(False, f'line {line}: block ```{lang} {tag} is neither a file part, '
                       'build/host/guest console nor text')
    for path, lines in parts.items():
        real = os.path.join(repo, path)
        try:
            want = open(real).read()
        except OSError as e:
            tap.result(False, f'{path}: the guide\'s {len(lines)} part(s) are the file',
                       [str(e)])
            continue
        got = open(os.path.join(work, path)).read()
        detail = []
        if got != want:
            wl, gl = want.split('\n'), got.split('\n')
            i = next((i for i, (a, b) in enumerate(zip(wl, gl)) if a != b),
                     min(len(wl), len(gl)))
            detail = [f'first difference at line {i + 1} of {path}',
                      f'file:  {wl[i] if i < len(wl) else "(end)"}',
                      f'guide: {gl[i] if i < len(gl) else "(end)"}',
                      f'guide parts at lines {", ".join(map(str, lines))}']
        tap.result(got == want, f'{path}: the guide\'s {len(lines)} part(s) are the file',
                   detail)
    if guest:
        ng = write_steps(doc_blocks, guest)
        tap.result(ng > 0, f'{ng} guest commands written')
    print(f'1..{tap.n}')
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
