#!/bin/sh
# trial on a real kernel effect, in fresh namespaces: the accept backlog
# (net.core.somaxconn) under a burst of loopback connections
# (trial/burst.py). A profile that helps is found better and kept with
# --keep-if-better; one that hurts is found worse and undone; a failing
# command and an interruption restore the host; the host's own values are
# never touched.
. "$(dirname "$0")/../lib.sh"
need_cmd python3
[ "${HT_IN_NS:-}" = 1 ] || record_host_values net/core/somaxconn
in_namespaces "$@"

ip link set lo up
BURST="python3 $TOP/tests/integration/trial/burst.py 64"
somax() { cat /proc/sys/net/core/somaxconn; }
ht() { "$HT" -s "$TMP/state" "$@"; }
printf '[sysctl]\nnet.core.somaxconn = >=4096\n' >"$TMP/helps.ini"
printf '[sysctl]\nnet.core.somaxconn = 8\n' >"$TMP/hurts.ini"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

echo 8 >/proc/sys/net/core/somaxconn
expect_exit 0 "a profile that helps: better (exit 0)" \
	ht trial "$TMP/helps.ini" --runs 4 --seed 11 --keep-if-better=20 \
	-f json -- $BURST
cp "$TMP/last.out" "$TMP/helps.json"
same "verdict" "$(jget "$TMP/helps.json" 'd["verdict"]')" better
same "kept" "$(jget "$TMP/helps.json" 'd["kept"]')" True
same "the seed is in the report" "$(jget "$TMP/helps.json" 'd["seed"]')" 11
same "four samples of each" \
	"$(jget "$TMP/helps.json" 'len(d["configurations"]["current"]["samples"]), len(d["configurations"]["profile"]["samples"])')" \
	"(4, 4)"
check "the interval is below 0 and holds the change" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); lo,hi=d["ci95"]; assert lo<=d["change"]<=hi<-0.2' "$TMP/helps.json"
check "medians: the profile's is lower" \
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["configurations"]; assert c["profile"]["median"] < c["current"]["median"]' "$TMP/helps.json"
same "the profile stays applied" "$(somax)" 4096
ht list snapshots >"$TMP/list"
grep -q "$(jget "$TMP/helps.json" 'd["snapshot"]').*in effect" "$TMP/list"
check "... its snapshot in effect" [ $? = 0 ]
expect_exit 0 "rollback undoes it" ht rollback
same "... back to 8" "$(somax)" 8

echo 4096 >/proc/sys/net/core/somaxconn
expect_exit 1 "a profile that hurts: not better (exit 1)" \
	ht trial "$TMP/hurts.ini" --runs 4 --seed 5 --keep-if-better -f json -- $BURST
same "verdict: worse" "$(jget "$TMP/last.out" 'd["verdict"]')" worse
same "the host ends as it started" "$(somax)" 4096
ht list snapshots >"$TMP/list"
grep -q "$(jget "$TMP/last.out" 'd["snapshot"]').*restored" "$TMP/list"
check "... its snapshot no longer in effect" [ $? = 0 ]

expect_exit 3 "a failing command: exit 3" \
	ht trial "$TMP/hurts.ini" --runs 2 -- sh -c 'exit 7'
same "... the host restored" "$(somax)" 4096
grep -q "COMMAND failed (exit 7): the host is restored" "$TMP/last.err"
check "... saying so" [ $? = 0 ]

"$HT" -s "$TMP/state" trial "$TMP/hurts.ini" --runs 50 -- sleep 0.2 \
	>"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
sleep 1
same "while it runs, the host switches" "$(somax | sed 's/^8$/switched/;s/^4096$/switched/')" switched
kill -TERM "$pid"
wait "$pid"
same "SIGTERM: exit 3" "$?" 3
same "... the host restored" "$(somax)" 4096
grep -q "interrupted: the host is restored" "$TMP/int.err"
check "... saying so" [ $? = 0 ]

expect_exit 2 "trial without a command: usage" ht trial "$TMP/helps.ini"
expect_exit 2 "--runs 1: usage" ht trial "$TMP/helps.ini" --runs 1 -- true
expect_exit 2 "a bad --metric: usage" ht trial "$TMP/helps.ini" --metric '(' -- true
echo 4096 >/proc/sys/net/core/somaxconn
expect_exit 2 "a host that already holds the profile: nothing to compare" \
	ht trial "$TMP/helps.ini" -- true
host_values_unchanged
done_testing
