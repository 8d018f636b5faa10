#!/bin/bash
# The private apt views accept a snapshot mirror's expired Release files
# (sid's Valid-Until passed on 2026-11-06) and say so in the log, while
# the signatures are still checked. apt is told to check Valid-Until
# (this machine's apt.conf may turn it off), so the test means the same
# on any machine.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/lib.sh"
. "$repo/selftests/lib/tap.bash"
DRVHOOK_CACHE=$(mktemp -d)
trap 'rm -rf "$DRVHOOK_CACHE"' EXIT
strict=(-o Acquire::Check-Valid-Until=true -o Acquire::Check-Date=true)

suite_apt_init sid
expect "the view's sources keep signed-by and accept an expired Release" \
	"1" "$(grep -c 'signed-by=/usr/share/keyrings/debian-archive-keyring.gpg check-valid-until=no' \
	"$(suite_apt_dir sid)/sources.list")"
log=$(sapt_update sid "${strict[@]}" 2>&1 >/dev/null); rc=$?
expect "sapt_update of sid with Valid-Until checked: exit 0" 0 "$rc"
if grep -q 'Release file expired on .*accepted (check-valid-until=no), signatures still checked' <<<"$log"; then
	ok "the log says the expired Release was accepted ($(grep -m1 'expired on' <<<"$log" | cut -c4-60)...)"
else
	not_ok "the log says the expired Release was accepted"; tail -3 <<<"$log" | sed 's/^/#   /'
fi
expect "sid's index is usable: busybox-static has a candidate" 1 \
	"$(sapt_cache sid policy busybox-static | grep -c 'Candidate: [0-9]')"

# the same view without the option is refused: what the option is for
sed -i 's/ check-valid-until=no//' "$(suite_apt_dir sid)/sources.list"
rm -rf "$(suite_apt_dir sid)/state/lists"; mkdir -p "$(suite_apt_dir sid)/state/lists/partial"
out=$(sapt_get sid "${strict[@]}" update 2>&1)
expect "without check-valid-until=no, apt refuses sid's Release" 1 "$(grep -c 'is expired' <<<"$out")"

# a wrong key is still refused
: >"$DRVHOOK_CACHE/empty.gpg"
sed "s|signed-by=[^] ]*|signed-by=$DRVHOOK_CACHE/empty.gpg check-valid-until=no|" \
	<<<"$(apt_source_line "$(apt_mirror)" sid)" >"$(suite_apt_dir sid)/sources.list"
out=$(sapt_get sid "${strict[@]}" update 2>&1); rc=$?
if [ "$rc" != 0 ] && grep -qE 'NO_PUBKEY|not signed|signature' <<<"$out"; then
	ok "signatures are still checked: a keyring without the archive's key is refused"
else
	not_ok "signatures are still checked (rc=$rc)"; tail -3 <<<"$out" | sed 's/^/#   /'
fi
echo "1..$n"
