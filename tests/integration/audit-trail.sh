#!/bin/sh
# The audit trail: every apply and rollback that writes leaves one line in
# syslog (the journal reads /dev/log) with the snapshot, the profile and
# the invoking user. In a mount namespace of its own the test puts a
# tmpfs on /dev, listens on /dev/log itself and reads what hosttune sent;
# the writes go to a --root tree.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd unshare
need_cmd python3

cp -pR "$FIXTURES/cli-basic" "$TMP/r"
cat >"$TMP/run.sh" <<'SH'
set -u
mount -t tmpfs none /dev || exit 77
mknod -m 666 /dev/null c 1 3
python3 - "$TMP" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + "/ready", "w").close()
s.settimeout(10)
with open(sys.argv[1] + "/log", "w") as out:
    for _ in range(2):
        try:
            out.write(s.recv(4096).decode() + "\n")
            out.flush()
        except socket.timeout:
            break
PY
srv=$!
while [ ! -e "$TMP/ready" ]; do sleep 0.05; done
SUDO_USER=alice "$HT" -r "$TMP/r" apply "$P" >/dev/null 2>&1
echo "apply=$?"
"$HT" -r "$TMP/r" rollback >/dev/null 2>&1
echo "rollback=$?"
wait "$srv"
SH
TMP=$TMP HT=$HT P=$TOP/tests/fixtures/cli-profiles/basic.ini \
	unshare --mount --propagation private sh "$TMP/run.sh" >"$TMP/out" 2>&1
[ $? = 77 ] && skip_all "cannot mount a tmpfs on /dev in a namespace"
same "apply and rollback ran" "$(tr '\n' ' ' <"$TMP/out")" "apply=0 rollback=0 "
grep -q 'hosttune\[[0-9]*\]: apply basic: done, 9 of 9 changes applied, snapshot [0-9T]*Z-apply-basic; root .*/r; by root (uid 0, sudo from alice)' "$TMP/log"
check "apply is logged: profile, changes, snapshot, user" [ $? = 0 ]
grep -q 'hosttune\[[0-9]*\]: rollback to [0-9T]*Z-apply-basic (profile basic): done, 9 values restored, undo snapshot [0-9T]*Z-rollback-basic' "$TMP/log"
check "rollback is logged" [ $? = 0 ]
[ "$_failed" = 0 ] || sed 's/^/#   /' "$TMP/log" "$TMP/out"
check "the host's /dev is as it was" [ -c /dev/null ]
done_testing
