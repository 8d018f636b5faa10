# docs/writing-a-policy.md, guest half: the guide's `console guest`
# commands, in order, in /thirdparty, where the host half
# (selftests/doc-policy.sh) left the policy it built outside the repo from
# the installed headers, the installed CLI (bin/drvhook) and the commands
# (steps/NN.cmd, expected output steps/NN.pat as a case pattern). Each
# command must exit 0 and, where the guide shows output, match it. In
# forced-fallback runs the CLI gets --fallback.
TP=/thirdparty
if [ ! -d $TP/steps ] || [ -z "$(ls $TP/steps 2>/dev/null)" ]; then
	not_ok "thirdparty: the guide's commands are in the payload (host half failed?)"
else
	mkdir -p /tmp/tpbin
	fb=
	[ "$MODE" = fallback ] && fb=--fallback
	printf '#!/bin/sh\nexec %s/bin/drvhook %s "$@"\n' $TP "$fb" >/tmp/tpbin/drvhook
	chmod +x /tmp/tpbin/drvhook
	for c in $TP/steps/*.cmd; do
		cmd=$(cat "$c")
		got=$(cd $TP && PATH=/tmp/tpbin:$PATH sh -c "$cmd" 2>&1)
		rc=$?
		good=1
		[ $rc = 0 ] || good=0
		if [ -f "${c%.cmd}.pat" ]; then
			pat=$(cat "${c%.cmd}.pat")
			case "$got" in $pat) ;; *) good=0 ;; esac
		fi
		if [ $good = 1 ]; then
			ok "thirdparty: \$ $cmd"
			echo "$got" | head -10 | sed 's/^/#   /'
		else
			not_ok "thirdparty: \$ $cmd"
			echo "#   exit status $rc"
			[ -f "${c%.cmd}.pat" ] && sed 's/^/#   want: /' "${c%.cmd}.pat" && echo
			echo "$got" | head -20 | sed 's/^/#   got:  /'
		fi
	done
	# leave edu0 as found, whatever failed above
	$TP/bin/drvhook policy detach dev edu0 name fact_cap >/dev/null 2>&1
fi
