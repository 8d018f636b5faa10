# docs/writing-a-stub.md, guest half: the guide's `console guest`
# commands, in order, in $BPF (test_vdev.bpf.o, built by make from the
# file the host half proved to be the guide's policy), with the guest's
# drvhook and vdevtest. The host wrote the commands to /docstub/steps
# (selftests/doc-stub.py --steps: NN.cmd, expected output NN.pat as a
# case pattern). Each must exit 0 and, where the guide shows output,
# match it. In fallback runs the CLI gets --fallback. The guide starts
# with drvhook_vdev loaded, as the harness leaves it (or t_vdev reloads it).
DS=/docstub
[ -e /sys/module/drvhook_vdev ] || insmod /drvhook/drvhook_vdev.ko
if [ -z "$(ls "$DS"/steps/*.cmd 2>/dev/null)" ]; then
	not_ok "docstub: the guide's commands are in the payload"
else
	mkdir -p /tmp/dsbin
	fb=
	[ "$MODE" = fallback ] && fb=--fallback
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$(command -v drvhook)" "$fb" >/tmp/dsbin/drvhook
	chmod +x /tmp/dsbin/drvhook
	for c in "$DS"/steps/*.cmd; do
		cmd=$(cat "$c")
		got=$(cd "$BPF" && PATH=/tmp/dsbin:$PATH sh -c "$cmd" 2>&1)
		rc=$?
		good=1
		[ $rc = 0 ] || good=0
		if [ -f "${c%.cmd}.pat" ]; then
			pat=$(cat "${c%.cmd}.pat")
			# shellcheck disable=SC2254 # the pattern is the point
			case "$got" in $pat) ;; *) good=0 ;; esac
		fi
		if [ $good = 1 ]; then
			ok "docstub: \$ $cmd"
		else
			not_ok "docstub: \$ $cmd"
			echo "#   exit status $rc"
			[ -f "${c%.cmd}.pat" ] && sed 's/^/#   want: /' "${c%.cmd}.pat" && echo
			echo "$got" | head -20 | sed 's/^/#   got:  /'
		fi
	done
	# leave vdev0 as found, whatever failed above
	drvhook policy detach dev vdev0 name test_vdev >/dev/null 2>&1
fi
