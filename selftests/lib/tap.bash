# TAP for the host tests (sourced): prints the header; ok, not_ok,
# check NAME CMD... (ok when CMD succeeds, else its output's tail),
# expect NAME WANT GOT (else a diff). End with: echo "1..$n".
echo "TAP version 13"
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() {
	local name=$1 log
	shift
	log=$(mktemp)
	if "$@" >"$log" 2>&1; then ok "$name"; else
		not_ok "$name"; sed 's/^/#   /' "$log" | tail -25; fi
	rm -f "$log"
}
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diff <(echo "$2") <(echo "$3") | sed 's/^/#   /' | head -30; fi
}
