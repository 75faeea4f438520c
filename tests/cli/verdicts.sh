#!/bin/sh
# Verdicts a person gating a deployment relies on: --strict and optional
# keys, manual as a finding, unique ids for processes matched by name, and
# Prometheus output that promtool accepts and that two profiles' files can
# share a collector directory without a series twice. Reads only: fixture
# trees, and the live host's processes (no write anywhere).
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
R=$FIXTURES/cli-basic
ht() { "$HT" -s "$TMP/state" --color never "$@"; }

# ---- --strict, and sysctl.d's '-' prefix ----
printf '[sysctl]\nvm.swappiness = 60\nnet.core.busy_poll = 50\n' >"$TMP/miss.ini"
printf '[sysctl]\nvm.swappiness = 60\n-net.core.busy_poll = 50\n' >"$TMP/opt.ini"
expect_exit 0 "a missing setting is not a finding" ht -r "$R" audit "$TMP/miss.ini"
expect_exit 1 "... but is with --strict" ht -r "$R" audit --strict "$TMP/miss.ini"
expect_exit 0 "... unless its key starts with '-'" \
	ht -r "$R" audit --strict "$TMP/opt.ini"
grep -q '^sysctl:net.core.busy_poll  *missing' "$TMP/last.out"
check "... where it is still reported missing" [ $? = 0 ]
expect_exit 2 "--strict is audit's only" ht -r "$R" apply --strict "$TMP/opt.ini"

# ---- manual is a finding: a write-only key cannot be audited ----
cp -a "$R" "$TMP/wo"
mkdir -p "$TMP/wo/proc/sys/vm"
: >"$TMP/wo/proc/sys/vm/drop_caches"
chmod 0200 "$TMP/wo/proc/sys/vm/drop_caches"
printf '[sysctl]\nvm.drop_caches = 3\n' >"$TMP/wo.ini"
expect_exit 1 "a manual check fails the audit" ht -r "$TMP/wo" audit "$TMP/wo.ini"
grep -q '^sysctl:vm.drop_caches  *manual' "$TMP/last.out"
check "... reported manual" [ $? = 0 ]
ht -r "$TMP/wo" -f prometheus audit "$TMP/wo.ini" >"$TMP/wo.prom" 2>/dev/null
grep -q '^hosttune_check_ok{.*id="sysctl:vm.drop_caches"} 0$' "$TMP/wo.prom"
check "... and check_ok 0" [ $? = 0 ]

# ---- several processes of one name: ids COMM@PID, unique ----
cp /bin/sleep "$TMP/htverdict"
"$TMP/htverdict" 60 &
p1=$!
"$TMP/htverdict" 60 &
p2=$!
# both must have exec'ed (a child is named after its parent until then)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(cat /proc/$p1/comm 2>/dev/null)" = htverdict ] &&
		[ "$(cat /proc/$p2/comm 2>/dev/null)" = htverdict ] && break
	sleep 0.1
done
printf '[rlimit htverdict]\nnofile = >=1\n' >"$TMP/two.ini"
ht -f json audit "$TMP/two.ini" >"$TMP/two.json" 2>&1
grep -o '"id": "rlimit:[^"]*"' "$TMP/two.json" | sort >"$TMP/ids"
same "one id per process, COMM@PID" "$(cat "$TMP/ids" | tr '\n' ' ')" \
	"$(printf '"id": "rlimit:htverdict@%s:nofile"\n' "$p1" "$p2" | sort | tr '\n' ' ')"
ht -f prometheus audit "$TMP/two.ini" >"$TMP/two.prom" 2>/dev/null
same "two check_ok series" "$(grep -c '^hosttune_check_ok{' "$TMP/two.prom")" 2

# ---- Prometheus: promtool, and two profiles side by side ----
ht -r "$R" -f prometheus -o "$TMP/a.prom" audit "$TOP/tests/fixtures/cli-profiles/basic.ini" 2>/dev/null
ht -r "$R" -f prometheus -o "$TMP/b.prom" audit "$TMP/opt.ini" 2>/dev/null
kill "$p1" "$p2" 2>/dev/null
series() { grep -hv '^#' "$@" | sed 's/ [^ ]*$//' | sort; }
same "no series twice across two profiles' files" \
	"$(series "$TMP/a.prom" "$TMP/b.prom" "$TMP/two.prom" | uniq -d)" ""
for m in hosttune_check_ok hosttune_checks hosttune_audit_duration_seconds \
	hosttune_last_run_timestamp_seconds hosttune_build_info; do
	n=$(grep -c "^$m{profile=\"" "$TMP/a.prom")
	check "$m carries a profile label" [ "$n" -ge 1 ]
done
check "no status label on check_ok" sh -c '! grep -q "^hosttune_check_ok{.*status=" "$1"' sh "$TMP/a.prom"
if command -v promtool >/dev/null 2>&1; then
	for f in a b two wo; do
		promtool check metrics <"$TMP/$f.prom" >"$TMP/promtool.out" 2>&1
		rc=$?
		check "promtool check metrics: $f.prom is clean" \
			sh -c '[ "$1" = 0 ] && [ ! -s "$2" ]' sh "$rc" "$TMP/promtool.out"
		[ "$rc" = 0 ] || sed 's/^/#   /' "$TMP/promtool.out"
	done
else
	echo "# promtool not installed (tools/setup.sh installs it): not run"
fi
done_testing
