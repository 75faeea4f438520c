#!/bin/sh
# The rlimit domain on the real kernel: a child started by the test (a copy
# of sleep with a name of its own, so [rlimit htsleepPID] matches only it)
# is audited by name, its soft limit raised to the hard one, lowered and
# rolled back; lowering its hard limit is refused without --force (root
# here may lack CAP_SYS_RESOURCE, so it could not be raised again) and done
# with it. Only the child's limits ever change: the test's own shell keeps
# its limits, compared before and after.
. "$(dirname "$0")/../lib.sh"
in_namespaces "$@"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd prlimit
name=htsleep$$
cp /bin/sleep "$TMP/$name" || skip_all "cannot copy sleep"
mkdir "$TMP/p"
prlimit --nofile=1024:4096 "$TMP/$name" 300 &
child=$!
trap 'kill "$child" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(cat /proc/$child/comm 2>/dev/null)" = "$name" ] && break
	sleep 0.1
done
shell_before=$(prlimit --pid $$)

limits() { prlimit --pid "$child" --nofile -o SOFT,HARD --noheadings | tr -s ' ' | sed 's/^ //'; }
# profile NAME SECTION-ARGUMENT KEY VALUE
profile() { printf '[rlimit %s]\n%s = %s\n' "$2" "$3" "$4" >"$TMP/p/$1.ini"; }
ht() { "$HT" -s "$TMP/state" "$@"; }
# Does this process hold CAP_SYS_RESOURCE (bit 24)?
capprm=$(sed -n 's/^CapPrm:[[:space:]]*//p' /proc/self/status)
has_resource=$(( (0x$capprm >> 24) & 1 ))

same "the child has the limits it was started with" "$(limits)" "1024 4096"

profile max "$name" nofile max
expect_exit 1 "audit by name finds the soft limit below the hard" \
	ht -f json audit "$TMP/p/max.ini"
# field 22 of stat, counted after the command name's ')'
start=$(sed 's/.*) //' "/proc/$child/stat" | cut -d' ' -f20)
grep -q "\"id\": \"rlimit:$name@$child:nofile\", \"domain\": \"rlimit\", \"target\": \"pid:$child@$start\"" "$TMP/last.out"
check "id COMM@PID, the pid and its start time as target" [ $? = 0 ]
expect_exit 0 "apply raises the soft limit" ht apply "$TMP/p/max.ini"
same "up to the hard limit" "$(limits)" "4096 4096"
expect_exit 0 "audit is clean" ht audit "$TMP/p/max.ini"
expect_exit 0 "rollback" ht rollback
same "the soft limit is back" "$(limits)" "1024 4096"

profile low "$name" nofile 512
expect_exit 0 "apply lowers the soft limit" ht apply "$TMP/p/low.ini"
same "soft lowered, hard kept" "$(limits)" "512 4096"
expect_exit 0 "rollback" ht rollback
same "and raised again" "$(limits)" "1024 4096"

# A pid given to another process: the snapshot names the process by pid
# and start time; when they no longer agree, rollback leaves the pid alone.
expect_exit 0 "apply lowers the soft limit again" ht apply "$TMP/p/low.ini"
snap=$(ls -t "$TMP/state"/*-apply-*.ini | head -1)
sed -i "s/^\[rlimit pid:$child@$start\]$/[rlimit pid:$child@$((start + 1))]/" "$snap"
grep -q "^\[rlimit pid:$child@$((start + 1))\]$" "$snap"
check "the snapshot now names an earlier process with that pid" [ $? = 0 ]
expect_exit 0 "rollback of a reused pid" ht rollback
same "leaves the process running there alone" "$(limits)" "512 4096"
grep -q "rlimit:?@$child:nofile .*skipped (process $child has ended" "$TMP/last.out"
check "and names it in the report" [ $? = 0 ]
prlimit --pid "$child" --nofile=1024:4096

profile dry "$name" nofile 100
expect_exit 1 "apply --dry-run" ht apply --dry-run "$TMP/p/dry.ini"
same "changes nothing" "$(limits)" "1024 4096"

profile pid "pid:$child" nofile '>=2000'
expect_exit 0 "apply to [rlimit pid:N]" ht apply "$TMP/p/pid.ini"
same "raised to the bound" "$(limits)" "2000 4096"
expect_exit 0 "rollback" ht rollback
same "and back" "$(limits)" "1024 4096"

profile hard "$name" nofile.hard 2048
if [ "$has_resource" = 0 ]; then
	expect_exit 3 "lowering the hard limit is refused without --force" \
		ht apply "$TMP/p/hard.ini"
	grep -q "CAP_SYS_RESOURCE" "$TMP/last.err"
	check "naming what could raise it again" [ $? = 0 ]
	same "nothing changed" "$(limits)" "1024 4096"
fi
expect_exit 0 "--force lowers the hard limit" ht apply --force "$TMP/p/hard.ini"
same "the child's hard limit is lowered" "$(limits)" "1024 2048"
if [ "$has_resource" = 0 ]; then
	expect_exit 3 "rolling it back needs CAP_SYS_RESOURCE" ht rollback
	grep -q "missing capability CAP_SYS_RESOURCE" "$TMP/last.err"
	check "and says so" [ $? = 0 ]
	same "nothing changed" "$(limits)" "1024 2048"
else
	expect_exit 0 "rollback raises the hard limit again" ht rollback
	prlimit --pid "$child" --nofile=1024:2048
fi

# The soft limit cannot pass the hard one: the write fails, nothing stays.
profile above "$name" nofile 3000
expect_exit 3 "a soft limit above the hard one fails" ht apply "$TMP/p/above.ini"
same "the limits are as they were" "$(limits)" "1024 2048"

profile none "nosuchht$$" nofile 1
expect_exit 0 "a name matching no process is missing, not a failure" \
	ht audit "$TMP/p/none.ini"
grep -q "rlimit:nosuchht$$:nofile  *missing" "$TMP/last.out"
check "one check for the name" [ $? = 0 ]

same "the test's own shell kept its limits" "$(prlimit --pid $$)" "$shell_before"
kill "$child"
done_testing
