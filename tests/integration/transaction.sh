#!/bin/sh
# The transaction engine of apply and rollback on the real kernel, as root,
# inside fresh network, IPC, UTS and mount namespaces (in_namespaces): only
# net.* sysctls of the new network namespace, veth links made here, limits
# of sleep processes started here and --root copies of a fixture tree are
# ever written. The host's values are recorded before entering the
# namespaces and compared at the end.
#
# Each part is a behaviour a user relies on, and each was wrong before the
# transaction engine (commit cdf768e):
#  1. history: rolling back to an older snapshot also ends the newer ones
#     (values back as they were before the older one; a plain rollback then
#     finds nothing in effect instead of re-applying a newer one); undoing
#     that rollback puts them back in effect; prune deletes only what is
#     no longer in effect, --keep N the newest N of those;
#  2. rlimit: the plan, not the profile's line order, orders the writes
#     (soft lowered before hard), and apply --dry-run refuses exactly what
#     apply refuses;
#  3. a write the kernel refuses after an earlier one succeeded is exit 3,
#     with a JSON error object; a link deleted between the plan and its
#     write (strace holds apply at the first write) is a refused write too,
#     exit 3, never "could not be restored" (exit 4);
#  4. a rollback that cannot restore a value (its file read-only: a
#     read-only bind mount, or a file mode without write bits) exits 4,
#     names it, restores the rest and keeps the snapshot in effect;
#  5. a value changed by someone else since apply is named by rollback
#     (stderr and "changed_since" in JSON) and restored anyway.
. "$(dirname "$0")/../lib.sh"

# Every key below /proc/sys this test writes (in its own namespace).
KEYS="net/core/somaxconn net/ipv4/tcp_syncookies net/ipv4/tcp_fin_timeout
net/ipv4/ip_default_ttl net/ipv4/tcp_keepalive_time"

if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	for c in unshare nsenter prlimit strace ip python3; do need_cmd $c; done
	[ -x "$HT" ] || skip_all "no $HT (run make first)"
	python3 -c 'import json' 2>/dev/null || skip_all "needs python3's json"
	strace -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
	record_host_values $KEYS
	rm -rf "$TMP" # exec below: lib.sh's EXIT trap would never run
fi
in_namespaces "$@"

# Processes this script started and has not reaped yet, ended by pid on
# exit (never a pid it already waited for: it may be another's now); the
# mounts it made.
pids= mounts=
cleanup() {
	for m in $mounts; do umount "$m" 2>/dev/null; done
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$TMP" "$HT_HOST_VALUES"
}
trap cleanup EXIT

# Never write anything unless we really are in namespaces of our own.
assert_private_namespaces
# This namespace's own sysfs: /sys/class/net then shows only its links.
mount -t sysfs sysfs /sys 2>/dev/null || skip_all "cannot mount sysfs"

ht() { "$HT" --color never "$@"; }
value() { tr '\t' ' ' <"/proc/sys/$1"; }
# jget FILE EXPR: a Python expression over the JSON document d of FILE.
jget() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print("" if v is None else v)' "$1" "$2" 2>/dev/null
}
# one_json DESC FILE: FILE is exactly one JSON document.
is_json() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
one_json() { check "$1" is_json "$2"; }
# effect LIST ID: "in effect", "restored" or "absent", from the text of
# `list snapshots` in file LIST.
effect() {
	awk -v id="$2" '$1 == id {
		f = 1
		if ($0 ~ /in effect *$/) print "in effect"
		else if ($0 ~ / restored /) print "restored"
		else print "neither"
	} END { if (!f) print "absent" }' "$1"
}
# list STATE: `list snapshots` into $TMP/list.
list() {
	ht -s "$1" list snapshots >"$TMP/list" 2>"$TMP/list.err" ||
		sed 's/^/#   /' "$TMP/list.err"
}
count_snapshots() { find "$1" -maxdepth 1 -name '*.ini' 2>/dev/null | wc -l; }

# ------------------------------------------------------------------ 1. history
S=$TMP/s1
# The five keys in one line: name=value ...
vals() {
	for k in $KEYS; do printf '%s=%s ' "${k##*/}" "$(value "$k")"; done
}
somax=$(value net/core/somaxconn)
cookies=$(value net/ipv4/tcp_syncookies)
fin=$(value net/ipv4/tcp_fin_timeout)
ttl=$(value net/ipv4/ip_default_ttl)
keep=$(value net/ipv4/tcp_keepalive_time)
new_cookies=0
[ "$cookies" = 0 ] && new_cookies=1
new_ttl=99
[ "$ttl" = 99 ] && new_ttl=98
cat >"$TMP/hist-a.ini" <<EOF
[sysctl]
net.core.somaxconn = $((somax + 100))
net.ipv4.tcp_syncookies = $new_cookies
net.ipv4.tcp_fin_timeout = $((fin + 7))
EOF
# B changes somaxconn again, and two keys A left alone.
cat >"$TMP/hist-b.ini" <<EOF
[sysctl]
net.core.somaxconn = $((somax + 200))
net.ipv4.ip_default_ttl = $new_ttl
net.ipv4.tcp_keepalive_time = $((keep + 77))
EOF
before=$(vals)
first=$before
expect_exit 0 "history: apply A" ht -s "$S" -f json apply "$TMP/hist-a.ini"
A=$(jget "$TMP/last.out" 'd["snapshot"]')
after_a=$(vals)
expect_exit 0 "history: apply B" ht -s "$S" -f json apply "$TMP/hist-b.ini"
B=$(jget "$TMP/last.out" 'd["snapshot"]')
after_b=$(vals)
check "history: A and B saved snapshots" test -n "$A" -a -n "$B" -a "$A" != "$B"
same "history: B changed somaxconn and its own keys" "$after_b" \
	"somaxconn=$((somax + 200)) tcp_syncookies=$new_cookies tcp_fin_timeout=$((fin + 7)) ip_default_ttl=$new_ttl tcp_keepalive_time=$((keep + 77)) "
list "$S"
same "history: list snapshots: A in effect" "$(effect "$TMP/list" "$A")" "in effect"
same "history: list snapshots: B in effect" "$(effect "$TMP/list" "$B")" "in effect"

expect_exit 0 "history: rollback A by id" ht -s "$S" -f json rollback "$A"
U1=$(jget "$TMP/last.out" 'd.get("undo_snapshot")')
same "history: rollback A: every value as before A, B's own keys too" \
	"$(vals)" "$before"
check "history: the rollback saved an undo snapshot" test -n "$U1" -a -f "$S/$U1.ini"
list "$S"
same "history: after rollback A: A no longer in effect" \
	"$(effect "$TMP/list" "$A")" "restored"
same "history: after rollback A: B no longer in effect" \
	"$(effect "$TMP/list" "$B")" "restored"
same "history: after rollback A: its undo snapshot in effect" \
	"$(effect "$TMP/list" "$U1")" "in effect"
expect_exit 2 "history: a plain rollback then finds nothing (exit 2)" \
	ht -s "$S" rollback
check "history: and says no snapshot is in effect" \
	grep -q 'no snapshot in effect' "$TMP/last.err"
same "history: the plain rollback re-applied nothing (B stays ended)" \
	"$(vals)" "$before"

expect_exit 0 "history: rollback the rollback's undo snapshot" \
	ht -s "$S" -f json rollback "$U1"
U2=$(jget "$TMP/last.out" 'd.get("undo_snapshot")')
same "history: undoing the rollback: values as after B" "$(vals)" "$after_b"
list "$S"
same "history: after the undo: A in effect again" "$(effect "$TMP/list" "$A")" "in effect"
same "history: after the undo: B in effect again" "$(effect "$TMP/list" "$B")" "in effect"
same "history: after the undo: the undone rollback's snapshot restored" \
	"$(effect "$TMP/list" "$U1")" "restored"

# Now a plain rollback ends B alone: the values as after A.
expect_exit 0 "history: a plain rollback now rolls back B" \
	ht -s "$S" -f json rollback
same "history: it restored B's snapshot" "$(jget "$TMP/last.out" 'd["snapshot"]')" "$B"
U3=$(jget "$TMP/last.out" 'd.get("undo_snapshot")')
same "history: values as after A" "$(vals)" "$after_a"
list "$S"
same "history: A still in effect" "$(effect "$TMP/list" "$A")" "in effect"
same "history: B no longer in effect" "$(effect "$TMP/list" "$B")" "restored"
same "history: the newer undo snapshot ended with it" \
	"$(effect "$TMP/list" "$U2")" "restored"
same "history: the last rollback's undo snapshot in effect" \
	"$(effect "$TMP/list" "$U3")" "in effect"

# Not in effect now, oldest first: B, U1, U2. --keep 1 keeps U2.
expect_exit 0 "prune --keep 1" ht -s "$S" prune --keep 1
list "$S"
same "prune --keep 1: deleted B and U1, the older ones not in effect" \
	"$(effect "$TMP/list" "$B") $(effect "$TMP/list" "$U1")" "absent absent"
same "prune --keep 1: kept U2, the newest not in effect" \
	"$(effect "$TMP/list" "$U2")" "restored"
same "prune --keep 1: kept A and U3, in effect" \
	"$(effect "$TMP/list" "$A") $(effect "$TMP/list" "$U3")" "in effect in effect"
expect_exit 0 "prune" ht -s "$S" prune
list "$S"
same "prune: deleted U2" "$(effect "$TMP/list" "$U2")" "absent"
same "prune: kept A and U3, in effect" \
	"$(effect "$TMP/list" "$A") $(effect "$TMP/list" "$U3")" "in effect in effect"
same "prune: two snapshot files left" "$(count_snapshots "$S")" 2
same "prune: no value changed" "$(vals)" "$after_a"
expect_exit 0 "history: a last plain rollback ends A" ht -s "$S" rollback
same "history: every value as before A" "$(vals)" "$before"

# ------------------------------------------------------------------- 2. rlimit
S=$TMP/s2
# sleeper: a sleep with nofile 4096:4096, its pid in $sleeper.
sleeper() {
	prlimit --nofile=4096:4096 sleep 300 &
	sleeper=$!
	pids="$pids $sleeper"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(cat /proc/$sleeper/comm 2>/dev/null)" = sleep ] && break
		sleep 0.1
	done
}
limits() { prlimit --pid "$1" --nofile -o SOFT,HARD --noheadings | tr -s ' ' | sed 's/^ //'; }
# Does this process hold CAP_SYS_RESOURCE (bit 24)?
capprm=$(sed -n 's/^CapPrm:[[:space:]]*//p' /proc/self/status)
has_resource=$(((0x$capprm >> 24) & 1))

sleeper
p1=$sleeper
sleeper
p2=$sleeper
same "rlimit: the sleeps have nofile 4096:4096" "$(limits $p1) $(limits $p2)" \
	"4096 4096 4096 4096"
# Hard limit first in the file: lowering it first would put it below the
# soft limit, which the kernel refuses.
printf '[rlimit pid:%s]\nnofile.hard = 2048\nnofile = 1024\n' $p1 >"$TMP/hard-first.ini"
printf '[rlimit pid:%s]\nnofile = 1024\nnofile.hard = 2048\n' $p2 >"$TMP/soft-first.ini"
if [ "$has_resource" = 0 ]; then
	expect_exit 1 "rlimit: apply --dry-run without --force: exit 1" \
		ht -s "$S" apply --dry-run "$TMP/hard-first.ini"
	dry=$(grep 'nofile\.hard' "$TMP/last.err")
	check "rlimit: the dry run names the irreversible change" \
		sh -c 'echo "$1" | grep -q "CAP_SYS_RESOURCE.*--force"' sh "$dry"
	expect_exit 3 "rlimit: apply without --force refuses: exit 3" \
		ht -s "$S" apply "$TMP/hard-first.ini"
	same "rlimit: apply refuses with the dry run's message" \
		"$(grep 'nofile\.hard' "$TMP/last.err")" "$dry"
	same "rlimit: nothing changed" "$(limits $p1)" "4096 4096"
	same "rlimit: no snapshot" "$(count_snapshots "$S")" 0
fi
expect_exit 1 "rlimit: apply --dry-run --force" \
	ht -s "$S" -f json apply --dry-run --force "$TMP/hard-first.ini"
same "rlimit: the dry run lists the soft limit before the hard one" \
	"$(jget "$TMP/last.out" '" ".join(c["id"].split(":")[-1] for c in d["changes"])')" \
	"nofile nofile.hard"
expect_exit 0 "rlimit: apply --force, hard limit first in the file" \
	ht -s "$S" apply --force "$TMP/hard-first.ini"
same "rlimit: soft 1024, hard 2048" "$(limits $p1)" "1024 2048"
expect_exit 0 "rlimit: apply --force, soft limit first in the file" \
	ht -s "$S" apply --force "$TMP/soft-first.ini"
same "rlimit: soft 1024, hard 2048 too" "$(limits $p2)" "1024 2048"
kill "$p1" "$p2"
wait "$p1" "$p2" 2>/dev/null
pids=

# -------------------------------------------------------- 3. a refused write
S=$TMP/s3
somax=$(value net/core/somaxconn) # each part from the values it finds
ip link add hvt0 type veth peer name hvt1 || skip_all "cannot create veth pairs"
mtu() { cat "/sys/class/net/$1/mtu"; }
printf '[sysctl]\nnet.core.somaxconn = %s\n\n[net hvt0]\nmtu = 70000\n' \
	$((somax + 300)) >"$TMP/refused.ini"
expect_exit 3 "refused: the kernel refuses mtu 70000 after somaxconn was set: exit 3" \
	ht -s "$S" -f json apply "$TMP/refused.ini"
cp "$TMP/last.out" "$TMP/refused.json"
check "refused: stderr names the refused write" \
	grep -q 'net:hvt0:mtu: write refused' "$TMP/last.err"
same "refused: somaxconn restored" "$(value net/core/somaxconn)" "$somax"
same "refused: mtu unchanged" "$(mtu hvt0)" 1500
one_json "refused: -f json prints one JSON document" "$TMP/refused.json"
same "refused: JSON error.exit" "$(jget "$TMP/refused.json" 'd["error"]["exit"]')" 3
check "refused: JSON error.message names the write" \
	sh -c 'echo "$1" | grep -q "net:hvt0:mtu"' sh \
	"$(jget "$TMP/refused.json" 'd["error"]["message"]')"
same "refused: JSON changes: rolled-back, failed" \
	"$(jget "$TMP/refused.json" '" ".join(c["id"] + "=" + c["status"] for c in d["changes"])')" \
	"sysctl:net.core.somaxconn=rolled-back net:hvt0:mtu=failed"
refused=$(jget "$TMP/refused.json" 'd["snapshot"]')
list "$S"
same "refused: its snapshot is no longer in effect" "$(effect "$TMP/list" "$refused")" restored

# The link disappears between the plan and its write. strace holds apply
# at the end of its first write (somaxconn, -P matches that file) until
# the link is deleted; killing strace lets it go on, untraced, to the mtu
# write. Its exit status comes from the sh that strace started (hosttune
# is not this script's child).
ip link add hvv0 type veth peer name hvv1
printf '[sysctl]\nnet.core.somaxconn = %s\n\n[net hvv0]\nmtu = 9000\n' \
	$((somax + 300)) >"$TMP/vanish.ini"
strace -f -o /dev/null -P /proc/sys/net/core/somaxconn -e trace=write \
	-e inject=write:delay_exit=30s \
	sh -c '"$1" -s "$2" -f json apply "$3" >"$4.out" 2>"$4.err"; echo $? >"$4.rc"' \
	sh "$HT" "$TMP/s3v" "$TMP/vanish.ini" "$TMP/vanish" &
strace_pid=$!
pids="$pids $strace_pid"
i=0
while [ $i -lt 100 ] && [ "$(value net/core/somaxconn)" != $((somax + 300)) ]; do
	sleep 0.1
	i=$((i + 1))
done
same "vanished: apply set somaxconn and is held there" \
	"$(value net/core/somaxconn)" $((somax + 300))
ip link del hvv0
kill -KILL "$strace_pid"
wait "$strace_pid" 2>/dev/null
pids=
i=0
while [ $i -lt 100 ] && [ ! -s "$TMP/vanish.rc" ]; do
	sleep 0.1
	i=$((i + 1))
done
same "vanished: a link deleted before its write: exit 3" \
	"$(cat "$TMP/vanish.rc" 2>/dev/null)" 3
[ "$(cat "$TMP/vanish.rc" 2>/dev/null)" = 3 ] || sed 's/^/#   /' "$TMP/vanish.err"
check "vanished: stderr names the refused write" \
	grep -q 'net:hvv0:mtu: write refused' "$TMP/vanish.err"
check "vanished: nothing reported as not restorable" \
	sh -c '! grep -q "could not" "$1.err" "$1.out"' sh "$TMP/vanish"
same "vanished: somaxconn restored" "$(value net/core/somaxconn)" "$somax"
one_json "vanished: -f json prints one JSON document" "$TMP/vanish.out"
same "vanished: JSON error.exit" "$(jget "$TMP/vanish.out" 'd["error"]["exit"]')" 3
same "vanished: JSON changes: rolled-back, failed" \
	"$(jget "$TMP/vanish.out" '" ".join(c["id"] + "=" + c["status"] for c in d["changes"])')" \
	"sysctl:net.core.somaxconn=rolled-back net:hvv0:mtu=failed"

# ------------------------------------- 4. a rollback that cannot restore a value
P=$FIXTURES/cli-profiles/basic.ini
# files_as_before DIR [EXCEPT]: every file of DIR (but the one at path EXCEPT)
# as in the fixture tree.
files_as_before() {
	(cd "$FIXTURES/cli-basic" && find . -type f) | while read -r f; do
		[ "$f" = "./${2:-}" ] && continue
		cmp -s "$FIXTURES/cli-basic/$f" "$1/$f" || echo "#   differs: $f"
	done >"$TMP/differ"
	cat "$TMP/differ"
	[ ! -s "$TMP/differ" ]
}
for how in mount mode; do
	R=$TMP/root-$how S=$TMP/s4-$how
	cp -pR "$FIXTURES/cli-basic" "$R"
	expect_exit 0 "cannot restore ($how): apply on a --root copy" \
		ht -s "$S" --root "$R" -f json apply "$P"
	snap=$(jget "$TMP/last.out" 'd["snapshot"]')
	if [ $how = mount ]; then
		# somaxconn's file read-only, for root too: a read-only bind mount.
		key=net.core.somaxconn F=$R/proc/sys/net/core/somaxconn
		mount --bind "$F" "$F" && mounts="$F $mounts" &&
			mount -o remount,ro,bind "$F"
		check "cannot restore (mount): the file is read-only for root" \
			sh -c '! (echo 1 >"$1") 2>/dev/null' sh "$F"
	else
		# swappiness's file without write bits, as /proc/sys shows a
		# read-only key.
		key=vm.swappiness F=$R/proc/sys/vm/swappiness
		mode=$(stat -c %a "$F")
		chmod a-w "$F"
	fi
	expect_exit 4 "cannot restore ($how): rollback exits 4" \
		ht -s "$S" --root "$R" rollback
	check "cannot restore ($how): stderr names $key not restored" \
		grep -q "sysctl:$key: not restored" "$TMP/last.err"
	check "cannot restore ($how): every other value restored" \
		files_as_before "$R" "${F#"$R"/}"
	list "$S"
	same "cannot restore ($how): the apply snapshot stays in effect" \
		"$(effect "$TMP/list" "$snap")" "in effect"
	if [ $how = mount ]; then
		umount "$F" && mounts=
	else
		chmod "$mode" "$F"
	fi
	expect_exit 0 "cannot restore ($how): once writable, a plain rollback" \
		ht -s "$S" --root "$R" rollback
	check "cannot restore ($how): the tree is as before apply" \
		files_as_before "$R"
	list "$S"
	same "cannot restore ($how): the apply snapshot restored" \
		"$(effect "$TMP/list" "$snap")" "restored"
done

# ------------------------------------------------------- 5. changed since
S=$TMP/s5
somax=$(value net/core/somaxconn)
cookies=$(value net/ipv4/tcp_syncookies)
new_cookies=0
[ "$cookies" = 0 ] && new_cookies=1
printf '[sysctl]\nnet.core.somaxconn = %s\nnet.ipv4.tcp_syncookies = %s\n' \
	$((somax + 400)) $new_cookies >"$TMP/since.ini"
expect_exit 0 "changed since: apply" ht -s "$S" apply "$TMP/since.ini"
echo $((somax + 500)) >/proc/sys/net/core/somaxconn
expect_exit 0 "changed since: rollback" ht -s "$S" -f json rollback
check "changed since: stderr names somaxconn changed by someone else" \
	grep -q 'sysctl:net\.core\.somaxconn: changed by someone else' "$TMP/last.err"
same "changed since: only somaxconn is named" \
	"$(grep -c 'changed by someone else' "$TMP/last.err")" 1
same "changed since: JSON changed_since holds what hosttune wrote" \
	"$(jget "$TMP/last.out" '" ".join(c["id"] + "=" + str(c.get("changed_since")) for c in d["changes"])')" \
	"sysctl:net.ipv4.tcp_syncookies=None sysctl:net.core.somaxconn=$((somax + 400))"
same "changed since: restored anyway" \
	"$(value net/core/somaxconn) $(value net/ipv4/tcp_syncookies)" "$somax $cookies"
same "every value as the namespace started" "$(vals)" "$first"
finish_namespace_test
