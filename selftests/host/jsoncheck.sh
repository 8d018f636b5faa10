#!/bin/bash
# build/jsoncheck, which the guest tests read the loader's -j output with:
# validation, and PATH queries that must find what is there and nothing
# else (a wrong answer would let a guest test pass on the wrong value).
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/selftests/lib/tap.bash"
J=$repo/build/jsoncheck
doc='{"bpf_stats_enabled": true, "devices": [
  {"dev": "edu0", "policies": [
    {"name": "a", "hooks": {"request": {"runs": 3, "run_cnt": null}}},
    {"name": "fact_guard", "hooks": {"request": {"runs": 12, "run_cnt": 24}}}]},
  {"dev": "edu1", "policies": []}],
 "log": ["0: R1=ctx() R10=fp0", "say \"hi\"\tA\u00e9", "x"], "e": {}}'
q() { printf '%s' "$doc" | "$J" "$@"; echo "rc=$?"; }
expect "valid JSON: exit 0" "rc=0" "$(q)"
expect "null alone is JSON" 0 "$(echo null | "$J"; echo $?)"
expect "trailing garbage: exit 1" 1 "$(echo '{"a":1}x' | "$J"; echo $?)"
expect "unterminated: exit 1, nothing printed" "rc=1" "$(printf '{"a": [1' | "$J" .a; echo "rc=$?")"
expect ".key" "true
rc=0" "$(q .bpf_stats_enabled)"
expect "[KEY=VALUE] then .key chain" "24
rc=0" "$(q '.devices[dev=edu0].policies[name=fact_guard].hooks.request.run_cnt')"
expect "[N]" "3
rc=0" "$(q '.devices[0].policies[0].hooks.request.runs')"
expect "null prints as null" "null
rc=0" "$(q '.devices[0].policies[name=a].hooks.request.run_cnt')"
expect "an array: one element a line, strings unescaped" '0: R1=ctx() R10=fp0
say "hi"	A\u00e9
x
rc=0' "$(q .log)"
expect "# counts" "3
2
0
0
rc=0" "$(q '.log#' '.devices[0].policies#' '.devices[1].policies#' '.e#')"
expect "several PATHs, in order" "edu1
x
rc=0" "$(q '.devices[1].dev' '.log[2]')"
expect "no such key: exit 2, nothing printed" "rc=2" "$(q '.devices[dev=edu0].policies[name=fact].hooks')"
expect "no such element: exit 2" "rc=2" "$(q '.log[3]')"
expect "no such device: exit 2" "rc=2" "$(q '.devices[dev=edu9]')"
expect "key of a non-object: exit 2" "rc=2" "$(q '.log.x')"
expect "a missing PATH among others: the others print, exit 2" "true
rc=2" "$(q .nosuch .bpf_stats_enabled)"
echo "1..$n"
