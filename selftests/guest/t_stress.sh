# Reliability and security (issue #6): storms, module reload, fuzzing,
# hostile objects, privilege. Reduced sizes inside make check; make stress
# (selftests/stress.sh) passes the full ones:
#   drvhook.storm=CYCLES (edustress fast-storm) drvhook.storm_links=L (its
#   fallback cycles that attach/detach the fentry links; default all)
#   drvhook.storm_cli=CYCLES (edustress storm: the loader CLI)
#   drvhook.reloads=N drvhook.fuzz=INPUTS drvhook.mangles=N drvhook.seed=SEED
# Each scenario prints
#   # STRESS <scenario> held=N faults=N inputs=N lost=N secs=S [details]
# (held: inputs after which every invariant held; faults: invariant
# violations; lost: requests submitted and never completed) and TAP lines.
# Hot-unplug is t_hotplug.sh (it needs the host's QMP).

LAYOUT=$(param layout)
if [ "$LAYOUT" = shuffled ]; then
	skip "stress group" "runs on the plain layout only (same code paths; keeps make check short)"
	return 0 2>/dev/null || exit 0
fi

S_STORM=$(param storm); S_STORM=${S_STORM:-20}
S_LINKS=$(param storm_links); S_LINKS=${S_LINKS:-1}
S_STORM_CLI=$(param storm_cli); S_STORM_CLI=${S_STORM_CLI:-2}
S_RELOADS=$(param reloads); S_RELOADS=${S_RELOADS:-2}
S_FUZZ=$(param fuzz); S_FUZZ=${S_FUZZ:-2000}
S_MANGLES=$(param mangles); S_MANGLES=${S_MANGLES:-1}
S_SEED=$(param seed); S_SEED=${S_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# stress sizes: storm=$S_STORM storm_links=$S_LINKS storm_cli=$S_STORM_CLI reloads=$S_RELOADS fuzz=$S_FUZZ mangles=$S_MANGLES seed=$S_SEED"
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group || echo 'nogroup:x:65534:' >>/etc/group
ST_EDUTEST=$(command -v edutest)
ST_EDUSTRESS=$(command -v edustress)

# report SCENARIO HELD FAULTS INPUTS LOST SECS [DETAILS]
report() {
	echo "# STRESS $1 held=$2 faults=$3 inputs=$4 lost=$5 secs=$6${7:+ $7}"
}
t_now() { cut -d' ' -f1 /proc/uptime; }
t_since() { awk -v a="$1" -v b="$(t_now)" 'BEGIN { printf "%.1f", b - a }'; }
policies() { cut -d' ' -f1 /sys/class/drvhook/$1/policies 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

### 1. attach/replace/detach storm under load ###########################
# storm_check NAME CYCLES OUTPUT-FILE: the checks and the STRESS line of a
# storm (edustress storm or fast-storm, the same result line)
storm_check() {
	local name=$1 want=$2 out line cyc sub stubreq bad errs lost stublost lfaults faults held
	out=$(cat "$3")
	echo "$out" | grep -E '^#|^drvhook: ' | grep -v '^# storm ' | tail -20
	line=$(echo "$out" | grep -E '^(fast)?storm ')
	cyc=$(kv cycles "$line") sub=$(kv submitted "$line") stubreq=$(kv stub_requests "$line")
	bad=$(kv bad "$line") errs=$(kv errors "$line") lost=$(kv lost "$line")
	stublost=$(kv stub_lost "$line") lfaults=$(kv faults "$line")
	expect "$name: $want attach/replace/detach cycles ran (4 processes submitting)" "$want" "$cyc"
	expect "$name: every outcome matched the policy in force, no request failed" "0 0" "$bad $errs"
	expect "$name: every attach, replace and detach succeeded" 0 "$lfaults"
	expect "$name: nothing lost (submitted = completed, by us and by the stub)" "0 0 $sub" \
		"$lost $stublost $stubreq"
	[ "${sub:-0}" -gt 0 ] && ok "$name: requests were submitted ($sub)" || not_ok "$name: requests were submitted"
	expect "$name: edu1 has no policy left" "" "$(policies edu1)"
	faults=$((${bad:-1} + ${errs:-1} + ${lfaults:-1} + ${stublost:-1}))
	[ "$stubreq" = "$sub" ] || faults=$((faults + 1))
	[ "$cyc" = "$want" ] || faults=$((faults + 1))
	held=${cyc:-0}; [ $faults = 0 ] || held=$((held > faults ? held - faults : 0))
	report "$name" "$held" "$faults" "${cyc:-0}" "${lost:-?}" "$(t_since $t0)" \
		"requests=$sub exact=$(kv exact "$line") transition=$(kv transition "$line") ops=$(kv ops "$line")$(
		echo "$line" | tr ' ' '\n' | grep -E '^(mode|link_cycles)=' | sed 's/^/ /' | tr -d '\n')"
}

# the full-size storm: each object loaded once, the changes made with the
# loader's code in one process (edustress fast-storm)
t0=$(t_now)
# progress lines show on the console as they come (make stress follows them)
edustress fast-storm edu1 4 "$S_STORM" $MODE_ARG links "$S_LINKS" 2>&1 | tee /tmp/storm.out |
	while read -r l; do case $l in "# storm "*) echo "$l" ;; esac; done
storm_check storm "$S_STORM" /tmp/storm.out

# the same storm through the loader CLI, as users run it (~1.5 s a command)
t0=$(t_now)
edustress storm edu1 4 "$S_STORM_CLI" $MODE_ARG 2>&1 | tee /tmp/storm.out |
	while read -r l; do case $l in "# storm "*) echo "$l" ;; esac; done
storm_check storm-cli "$S_STORM_CLI" /tmp/storm.out

### 3. module unload/reload with policies attached #######################
t0=$(t_now)
r_faults=0 r_lost=0 r_held=0 i=0
r_fail() { r_faults=$((r_faults + 1)); [ $r_faults -le 5 ] && echo "#   reload $i: $*"; cyc_ok=0; }
while [ $i -lt "$S_RELOADS" ]; do
	i=$((i + 1)) cyc_ok=1
	attach test_basic edu0 name reload >/dev/null 2>&1 || r_fail "attach failed"
	edutest load edu1 2 40 >/tmp/reload.load &
	lp=$!
	if rmmod drvhook_edu >/dev/null 2>&1; then
		r_fail "rmmod drvhook_edu succeeded with a policy attached"
	elif rmmod drvhook >/dev/null 2>&1; then
		r_fail "rmmod drvhook succeeded with drvhook_edu loaded"
	fi
	wait $lp
	l=$(cat /tmp/reload.load)
	[ "$l" = "submitted=80 completed=80 bad=0" ] || r_fail "load during refused rmmod: $l"
	r_lost=$((r_lost + $(kv submitted "$l") - $(kv completed "$l")))
	[ "$(edutest ping edu0 0xdead)" = "error EACCES" ] || r_fail "policy no longer applies after refused rmmod"
	drvhook policy detach dev edu0 name reload >/dev/null 2>&1 || r_fail "detach failed"
	unload_modules 40 || r_fail "rmmod still refused 10 s after detach: $UNLOAD_ERR"
	[ -e /sys/module/drvhook_edu ] || load_modules || r_fail "insmod failed"
	[ "$(devices edu)" = "edu0 edu1" ] || r_fail "edu devices after reload: $(devices edu)"
	[ "$(edutest fact edu0 5)" = 120 ] || r_fail "edu0 not default after reload"
	[ $cyc_ok = 1 ] && r_held=$((r_held + 1))
	[ $((i % 20)) = 0 ] && echo "# reload $i/$S_RELOADS, $(t_since $t0) s"
	[ -e /sys/module/drvhook_edu ] || break
done
expect "reload: $S_RELOADS cycles of attach, refused rmmods (drvhook_edu: policy; drvhook: drvhook_edu), detach, rmmod both, insmod both held" \
	"$S_RELOADS 0" "$r_held $r_faults"
expect "reload: no request lost around the refused rmmods" 0 "$r_lost"
report reload "$r_held" "$r_faults" "$i" "$r_lost" "$(t_since $t0)"

### 4. fuzzing the char device ###########################################
t0=$(t_now)
out=$(edustress fuzz edu0 "$S_SEED" "$S_FUZZ")
echo "$out" | grep '^#' | head -12
line=$(echo "$out" | grep '^fuzz ')
f_in=$(kv inputs "$line") f_faults=$(kv faults "$line") f_lost=$(kv lost "$line")
expect "fuzz (root): $S_FUZZ inputs tried, seed $S_SEED" "$S_FUZZ" "$f_in"
expect "fuzz (root): every answer as the stub's contract says" 0 "$f_faults"
expect "fuzz (root): every request that reached the stub completed" 0 "$f_lost"
chmod 666 /dev/edu0
n_fuzz=$((S_FUZZ / 4))
out=$(su nobody -s /bin/sh -c "$ST_EDUSTRESS fuzz edu0 $((S_SEED + 1)) $n_fuzz")
chmod 600 /dev/edu0
echo "$out" | grep '^# fault' | head -8
line2=$(echo "$out" | grep '^fuzz ')
expect "fuzz (nobody, /dev/edu0 mode 666): $n_fuzz inputs, every answer right (hook ioctls: EPERM)" \
	"$n_fuzz 0 0" "$(kv inputs "$line2") $(kv faults "$line2") $(kv lost "$line2")"
expect "fuzz: edu0 has no policy entry left" "" "$(policies edu0)"
expect "fuzz: edu0 still computes (fact 5)" 120 "$(edutest fact edu0 5)"
expect "fuzz: edu0 DMA still round-trips" same "$(edutest dma edu0 11)"
# A device takes at most 15 policies, so that its sysfs policies listing
# (what the loader reads) fits a page: the fuzzer's 57 entries once hid 3.
# many attach|detach: that, for policies many1..many15 of edu1 (test_basic
# in this run's mode, by the loader: a fallback entry owns its programs'
# links, so no raw FB_ATTACH makes one); prints the ones that failed, why
many() {
	local i=0 r bad=""
	while [ $i -lt 15 ]; do
		i=$((i + 1))
		if [ "$1" = attach ]; then
			r=$(attach test_basic edu1 name many$i 2>&1)
		else
			r=$(drvhook policy detach dev edu1 name many$i 2>&1)
		fi || bad="$bad many$i:$(echo "$r" | tr '\n' ' ' | tail -c 100)"
	done
	echo "$bad"
}
expect "fuzz: 15 policies fit on edu1" "" "$(many attach)"
expect "fuzz: the policies listing shows all 15" 15 "$(wc -l </sys/class/drvhook/edu1/policies)"
out=$(run_rc attach test_double edu1)
expect_match "fuzz: a 16th is refused: the loader says a full device is full (exit 1, ENOSPC)" \
	"most a device takes.*rc=1" "$(echo $out)"
expect "fuzz: and all 15 detach" " " "$(many detach) $(policies edu1)"
# A raw FB_ATTACH with a cookie reserved for it but without the fentry
# links its entry would own: refused, no entry that outlives its programs.
r=$(edustress fb edu1 cookie nolinks)
expect "fuzz: FB_COOKIE reserves a cookie" ok "${r%% *}"
expect "fuzz: FB_ATTACH without links: EINVAL" "Invalid argument" \
	"$(edustress fb edu1 attach nolinks "${r#ok }")"
expect "fuzz: no entry on edu1" "" "$(policies edu1)"
# A factorial the device needs seconds for times out (or completes); the
# requests after it get EBUSY while the device still computes, then their
# own result: never the stale one (it was: 0 for fact 5).
big=$(edutest fact edu0 4000000000)
expect_match "fuzz: fact 4000000000: ETIMEDOUT (or its result, 0)" "^(error ETIMEDOUT|0)\$" "$big"
seen="" n=0
while [ $n -lt 600 ]; do
	r=$(edutest fact edu0 5)
	case " $seen " in *" $r "*) ;; *) seen="$seen $r" ;; esac
	[ "$r" = 120 ] && break
	n=$((n + 1))
done
expect "fuzz: the requests after it: EBUSY while it runs, then their own result" "" \
	"$(echo $seen | tr ' ' '\n' | grep -vxE '120|error|EBUSY' | tr '\n' ' ')"
expect "fuzz: ... and the device answers right again (fact 5)" 120 "$r"
echo "# after the long factorial: answers seen:$seen"
f_in=$((${f_in:-0} + $(kv inputs "$line2")))
f_faults=$((${f_faults:-1} + $(kv faults "$line2")))
f_lost=$((${f_lost:-1} + $(kv lost "$line2")))
report fuzz $((f_in - f_faults)) "$f_faults" "$f_in" "$f_lost" "$(t_since $t0)" "seed=$S_SEED"

### 5. hostile policy objects ############################################
t0=$(t_now)
h_faults=0 h_in=0
h_check() { # NAME EXPECTED-RC-REGEX MESSAGE-REGEX OUTPUT
	h_in=$((h_in + 1))
	if echo "$4" | grep -qE "rc=($2)\$" && echo "$4" | grep -qE -- "$3"; then
		ok "hostile: $1"
	else
		h_faults=$((h_faults + 1))
		not_ok "hostile: $1"
		echo "$4" | tail -6 | sed 's/^/#   got: /'
	fi
}
keep_ok() { # the previous policy still in force, alone, on edu0
	[ "$(policies edu0)" = keep ] && [ "$(edutest fact edu0 3)" = "$(fact 6)" ]
}
attach test_double edu0 name keep >/dev/null 2>&1
expect "hostile: edu0 runs test_double as 'keep' (fact 3 -> 6!)" "$(fact 6)" "$(edutest fact edu0 3)"
# objects: name, exit status, message
for spec in \
	"test_wrongtype|4|is a struct edu_ops_evil, not a struct <type>_ops" \
	"test_newfield|6|priority" \
	"test_oob|6|access beyond|invalid (bpf_context )?access|outside" \
	"test_sleepable|4|struct_ops\.s/request" \
	"test_badwrite|6|edu_request_ctx\.op|only read|cannot write|not allowed"; do
	obj=${spec%%|*} rest=${spec#*|}
	rc=${rest%%|*} msg=${rest#*|}
	h_check "$obj: attach refused (exit $rc), saying why" "$rc" "$msg" \
		"$(run_rc attach $obj edu0 name hostile)"
	h_check "$obj: replace of 'keep' refused (exit $rc)" "$rc" "$msg" \
		"$(run_rc drvhook policy replace dev edu0 name keep $BPF/$obj.bpf.o)"
	if keep_ok; then ok "hostile: $obj: edu0 keeps its previous policy"; else
		h_faults=$((h_faults + 1)); not_ok "hostile: $obj: edu0 keeps its previous policy"
		echo "#   policies: $(policies edu0); fact 3 -> $(edutest fact edu0 3)"
	fi
done
# The stub's own refusal of a sleepable program (check_member): the loader
# refuses test_sleepable first (above), so edustress loads its struct_ops
# program with libbpf directly; the kernel's refusal of its fentry.s twin
# on the fallback hook too.
out=$(edustress sleepable edu0 2>&1)
echo "$out" | grep '^#'
line=$(echo "$out" | grep '^sleepable struct_ops=')
if [ "$(kv struct_ops "$line")" = skip ]; then
	skip "hostile: the stub's check_member refuses a sleepable struct_ops program" \
		"no module struct_ops before Linux 6.9 ($(uname -r))"
elif [ "$line" = "sleepable struct_ops=EINVAL by=check_member control=loaded" ]; then
	h_in=$((h_in + 1))
	ok "hostile: the stub's check_member refuses a sleepable struct_ops program (EINVAL); the same load of test_double's passes"
else
	h_in=$((h_in + 1)) h_faults=$((h_faults + 1))
	not_ok "hostile: the stub's check_member refuses a sleepable struct_ops program"
	echo "#   got: $line"
fi
h_check "test_sleepable: its fentry.s twin on edu_fb_request refused by the kernel" 0 \
	"^sleepable fentry=EINVAL by=kernel" "$(echo "$out" | grep '^sleepable fentry='; echo rc=0)"
if keep_ok; then ok "hostile: sleepable loads: edu0 keeps its previous policy"; else
	h_faults=$((h_faults + 1)); not_ok "hostile: sleepable loads: edu0 keeps its previous policy"
	echo "#   policies: $(policies edu0); fact 3 -> $(edutest fact edu0 3)"
fi
# Mangled copies of a good object: truncated, ELF header + random bytes,
# bytes overwritten. Refused with a documented status, never a crash; a
# copy that is still a valid policy (a changed constant) may attach.
# (selftests/host/hostile-objects.sh tries many more on the host.)
for kind in truncate tail flip; do
	k=0 acc=0 bad=""
	while [ $k -lt "$S_MANGLES" ]; do
		k=$((k + 1))
		edustress mangle $BPF/test_basic.bpf.o /tmp/mangled.bpf.o $((S_SEED + k)) $kind >/dev/null
		out=$(run_rc drvhook policy replace dev edu0 name keep /tmp/mangled.bpf.o)
		rc=${out##*rc=}
		case $rc in
		1|2|4|6) [ "$rc" = 1 ] && echo "# $kind seed $((S_SEED + k)): exit 1: $(echo "$out" | grep -m1 error)" ;;
		0) acc=$((acc + 1))
		   drvhook policy replace dev edu0 name keep $BPF/test_double.bpf.o >/dev/null 2>&1 ;;
		*) bad="$bad seed=$((S_SEED + k)):rc=$rc" ;;
		esac
		keep_ok || bad="$bad seed=$((S_SEED + k)):policy-lost"
	done
	h_in=$((h_in + k))
	[ -n "$bad" ] && h_faults=$((h_faults + 1))
	expect "hostile: $k $kind-mangled objects refused (exit 1/2/4/6, $acc still valid) and 'keep' kept" "" "$bad"
done
# Absurd verdicts: clamped to the default and counted.
clamp() { sed -n "s/^$2 //p" /sys/class/drvhook/$1/clamped; }
c_req=$(clamp edu0 request) c_cpl=$(clamp edu0 complete) c_irq=$(clamp edu0 irq)
out=$(run_rc attach test_verdict edu0)
h_check "test_verdict: attaches (its verdicts are clamped at run time)" 0 "" "$out"
expect "hostile: absurd verdicts: fact 3 still 6! (keep's effect, request not failed)" \
	"$(fact 6)" "$(edutest fact edu0 3)"
expect "hostile: absurd verdicts: ping answered (complete's -70000 clamped)" 0xfffffffa \
	"$(edutest ping edu0 5)"
irqm=$(edutest status edu0 | sed 's/.*irq_mode=\([0-9]\).*/\1/')
got="$(($(clamp edu0 request) - c_req)) $(($(clamp edu0 complete) - c_cpl))"
expect "hostile: clamped verdicts counted (request 2, complete 2)" "2 2" "$got"
if [ "$irqm" != 0 ]; then
	[ $(($(clamp edu0 irq) - c_irq)) -ge 1 ] && ok "hostile: irq verdict 9 clamped and counted" ||
		not_ok "hostile: irq verdict 9 clamped and counted"
fi
expect_match "hostile: drvhook device show reports the clamped verdicts" "clamp" \
	"$(drvhook device show edu0)"
drvhook policy detach dev edu0 name test_verdict >/dev/null 2>&1
h_in=$((h_in + 1))
keep_ok || { h_faults=$((h_faults + 1)); echo "#   keep lost after test_verdict"; }
drvhook policy detach dev edu0 name keep >/dev/null 2>&1
expect "hostile: edu0 default again" 120 "$(edutest fact edu0 5)"
report hostile $((h_in - h_faults)) "$h_faults" "$h_in" 0 "$(t_since $t0)"

### 6. privilege ##########################################################
t0=$(t_now)
p_faults=0 p_in=0
p_expect() { p_in=$((p_in + 1)); [ "$2" = "$3" ] || p_faults=$((p_faults + 1)); expect "$@"; }
nob() { su nobody -s /bin/sh -c "$*" 2>&1; }
attach test_double edu0 name keep >/dev/null 2>&1
for m in 600 660 604 606; do
	chmod $m /dev/edu0
	want=EACCES; [ $m = 606 ] && want=ok
	p_expect "privilege: nobody opens /dev/edu0 (mode $m) read-write: $want" "$want" \
		"$(nob $ST_EDUTEST open edu0)"
done
p_expect "privilege: nobody's request on mode 606 answered, under keep's policy" "$(fact 6)" \
	"$(nob $ST_EDUTEST fact edu0 3)"
code() { "$@" >/dev/null 2>&1; echo $?; }
p_expect "privilege: nobody cannot replace a policy (exit 8)" 8 \
	"$(code su nobody -s /bin/sh -c "drvhook policy replace dev edu0 name keep $BPF/test_basic.bpf.o")"
p_expect "privilege: nobody cannot detach a policy (exit 8)" 8 \
	"$(code su nobody -s /bin/sh -c "drvhook policy detach dev edu0 name keep")"
refused() { "$@" >/dev/null 2>&1 && echo allowed || echo refused; }
p_expect "privilege: nobody cannot remove its pins" refused \
	"$(refused su nobody -s /bin/sh -c "rm -rf /sys/fs/bpf/drvhook/edu0/keep")"
p_expect "privilege: nobody cannot open its pinned links" refused \
	"$(refused su nobody -s /bin/sh -c "bpftool link show pinned \$(ls -d /sys/fs/bpf/drvhook/edu0/keep/* | head -1)")"
# the hook core's control plane /dev/drvhook: root's alone (0600), and its
# ioctls need CAP_BPF (or CAP_SYS_ADMIN) even on a device nobody may open
ctl_mode=$(stat -c %a /dev/drvhook)
p_expect "privilege: /dev/drvhook is root's alone (mode 600)" 600 "$ctl_mode"
p_expect "privilege: nobody cannot open /dev/drvhook" "open: EACCES" \
	"$(nob "$ST_EDUSTRESS" fb edu0 cookie keep)"
chmod 666 /dev/drvhook
for op in attach detach cookie replace; do
	p_expect "privilege: nobody's hook-core $op ioctl on an open /dev/drvhook (mode 666) is refused (EPERM)" \
		EPERM "$(nob "$ST_EDUSTRESS" fb edu0 "$op" keep)"
done
chmod "$ctl_mode" /dev/drvhook
p_expect "privilege: edu0 still has keep alone" keep "$(policies edu0)"
# Only CAP_PERFMON-level rights load policy programs (struct_ops and
# fentry are the kernel's "perfmon" program types): CAP_BPF alone gets
# EPERM at BPF_PROG_LOAD; with CAP_PERFMON too the same call gets past the
# gate (and fails later on its bogus BTF id): the control.
for type in struct_ops tracing; do
	for caps in none bpf bpf,net_admin; do
		p_expect "privilege: uid 65534 with caps '$caps' cannot load a $type program (EPERM)" EPERM \
			"$(edustress caps $caps edustress progload $type 2>&1)"
	done
	out=$(edustress caps bpf,perfmon edustress progload $type 2>&1)
	p_in=$((p_in + 1))
	if [ "$out" != EPERM ] && [ "$out" != loaded ] && [ -n "$out" ]; then
		ok "privilege: control: with CAP_BPF+CAP_PERFMON the $type load passes the gate ($out)"
	else
		p_faults=$((p_faults + 1))
		not_ok "privilege: control: with CAP_BPF+CAP_PERFMON the $type load passes the gate ($out)"
	fi
done
p_expect "privilege: edu0 still runs keep alone" "keep $(fact 6)" "$(policies edu0) $(edutest fact edu0 3)"
# Nothing the stub gives policies holds a kernel pointer: the hook
# contexts and the kfuncs are scalars only (module BTF).
# ptr_check MODULE KFUNC-RE STRUCT-RE: in MODULE's BTF, the kfuncs and
# structs named so hold no pointer; "checked N kfuncs N structs"
ptr_check() {
	bpftool btf dump file /sys/kernel/btf/$1 format raw 2>/dev/null | awk -v kre="$2" -v sre="$3" '
	/^\[[0-9]+\] / { id = substr($1, 2, length($1) - 2); kind[id] = $2; name[id] = $3
		for (i = 4; i <= NF; i++) if ($i ~ /^(type_id|ret_type_id)=/) { split($i, a, "="); ref[id] = a[2] } }
	/^[ \t]+\047/ && cur != "" { for (i = 1; i <= NF; i++) if ($i ~ /^type_id=/) { split($i, a, "="); mem[cur] = mem[cur] " " a[2] } }
	/^\[[0-9]+\] STRUCT \047/ { n = $3; gsub(/\047/, "", n); if (n ~ sre) { cur = id; next } }
	/^\[/ { cur = "" }
	END {
		for (id in name) {
			n = name[id]; gsub(/\047/, "", n)
			if (kind[id] == "FUNC" && n ~ kre) {
				p = ref[id]; r = ref[p]
				while (kind[r] == "TYPEDEF" || kind[r] == "CONST" || kind[r] == "VOLATILE") r = ref[r]
				if (kind[r] == "PTR") print "kfunc " n " returns a pointer"
				nk++
			}
			if (id in mem) { nm = split(mem[id], ms, " ")
				for (j = 1; j <= nm; j++) { r = ms[j]
					while (kind[r] == "TYPEDEF" || kind[r] == "CONST" || kind[r] == "VOLATILE" || kind[r] == "ARRAY") r = ref[r]
					if (kind[r] == "PTR") print "struct " n " has a pointer member" }
				ns++ }
		}
		print "checked " nk + 0 " kfuncs " ns + 0 " structs"
	}'
}
# the core's kfuncs (module drvhook); edu's setters and contexts (drvhook_edu)
ptrs="drvhook: $(ptr_check drvhook '^drvhook_(fb_verdict|data_len|data_load|data_store)$' '^$' | tr '\n' ' ')"
ptrs="$ptrs| drvhook_edu: $(ptr_check drvhook_edu '^edu_set_[a-z]+_[a-z_]+$' \
	'^(edu_(probe|request|irq|complete)_ctx|drvhook_dev_info)$' | tr '\n' ' ')"
p_expect "privilege: no kfunc returns and no hook context holds a kernel pointer" \
	"drvhook: checked 4 kfuncs 0 structs | drvhook_edu: checked 3 kfuncs 5 structs " "$ptrs"
mapdump=$(bpftool -j map dump pinned /sys/fs/bpf/drvhook/edu0/keep/link 2>/dev/null; for id in $(bpftool -j map list 2>/dev/null | grep -o '"id":[0-9]*' | cut -d: -f2); do bpftool -j map dump id $id 2>/dev/null; done)
p_expect "privilege: no map of an attached policy shows a kernel address" "" \
	"$(echo "$mapdump" | grep -oiE '0xffff[0-9a-f]{12}|"ffff[0-9a-f]{12}"' | head -3)"
chmod 600 /dev/edu0
drvhook policy detach dev edu0 name keep >/dev/null 2>&1
report privilege $((p_in - p_faults)) "$p_faults" "$p_in" 0 "$(t_since $t0)"
