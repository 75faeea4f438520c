#!/bin/sh
# Privilege rules of the spec: files others could have written are refused
# by a privileged run; unprivileged runs audit, and refuse to apply naming
# the capability, changing nothing.
. "$(dirname "$0")/../lib.sh"
need_root
command -v setpriv >/dev/null || skip_all "needs setpriv"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

cp -a "$FIXTURES/cli-basic" "$TMP/root"
chmod -R a+rX "$TMP" "$TMP/root"
printf '[sysctl]\nnet.core.somaxconn = >=4096\n' > "$TMP/p.ini"
chmod 0644 "$TMP/p.ini"
expect_exit 1 "a root-owned 0644 profile is used" \
	"$HT" -r "$TMP/root" -s "$TMP/state" audit "$TMP/p.ini"

chmod 0666 "$TMP/p.ini"
expect_exit 2 "a world-writable profile is refused when privileged" \
	"$HT" -r "$TMP/root" -s "$TMP/state" audit "$TMP/p.ini"
grep -q "writable by group or others" "$TMP/last.err"
check "and the message says why" [ $? = 0 ]
chmod 0644 "$TMP/p.ini"
chown nobody "$TMP/p.ini"
expect_exit 2 "a profile owned by another user is refused when privileged" \
	"$HT" -r "$TMP/root" -s "$TMP/state" lint "$TMP/p.ini"
chown root "$TMP/p.ini"

mkdir -p "$TMP/inc"
printf '[profile]\ninclude = evil.ini\n' > "$TMP/inc/top.ini"
printf '[sysctl]\nnet.core.somaxconn = 1\n' > "$TMP/inc/evil.ini"
chmod 0666 "$TMP/inc/evil.ini"
expect_exit 2 "an included file others can write is refused too" \
	"$HT" lint "$TMP/inc/top.ini"

expect_exit 0 "snapshot of a fixture" \
	"$HT" -r "$TMP/root" -s "$TMP/state" snapshot --name s1 "$TMP/p.ini"
chmod 0666 "$TMP/state/s1.ini"
expect_exit 2 "a snapshot others could write is refused by rollback" \
	"$HT" -r "$TMP/root" -s "$TMP/state" rollback --dry-run s1
chmod 0600 "$TMP/state/s1.ini"

# A directory another user owns: they could swap the file between a check
# and the read (renameat2 RENAME_EXCHANGE), so a privileged run refuses
# what it holds, even a root-owned file; and a symlink is not followed.
mkdir "$TMP/theirs"
chown nobody "$TMP/theirs"
printf '[sysctl]\nnet.core.somaxconn = >=4096\n' > "$TMP/theirs/p.ini"
expect_exit 2 "a profile in a directory another user owns is refused" \
	"$HT" -r "$TMP/root" -s "$TMP/state" audit "$TMP/theirs/p.ini"
grep -q "refusing a directory others could write" "$TMP/last.err"
check "... naming the directory" [ $? = 0 ]
ln -s "$TMP/p.ini" "$TMP/link.ini"
expect_exit 2 "a profile given as a symlink is refused when privileged" \
	"$HT" -r "$TMP/root" -s "$TMP/state" lint "$TMP/link.ini"
grep -q "a symlink" "$TMP/last.err"
check "... saying so" [ $? = 0 ]
# A directory on the way that is a symlink in a directory others can
# write: where it leads is theirs to choose (among root's own files of
# that name), so it is refused, as a profile directly there is.
mkdir "$TMP/pdir" "$TMP/popen"
chmod 0777 "$TMP/popen"
cp "$TMP/p.ini" "$TMP/pdir/p.ini"
ln -s "$TMP/pdir" "$TMP/popen/lnk"
expect_exit 2 "a profile through a symlink in a directory others can write: refused" \
	"$HT" -r "$TMP/root" -s "$TMP/state" audit "$TMP/popen/lnk/p.ini"
check "... naming that directory" \
	grep -q "popen: refusing a directory others could write" "$TMP/last.err"
expect_exit 1 "... the same profile by its own path is used" \
	"$HT" -r "$TMP/root" -s "$TMP/state" audit "$TMP/pdir/p.ini"
expect_exit 3 "-s naming a directory others can write is refused" \
	"$HT" -r "$TMP/root" -s /tmp snapshot --name x "$TMP/p.ini"
same "... and left as it was" "$(stat -c %a /tmp)" 1777

# A --root under a directory others can write: its default state
# directory is on a path they could change (swap the tree for a symlink
# after the check), so apply refuses before writing anything; an audit,
# which writes nothing, still runs.
mkdir "$TMP/open"
chmod 0777 "$TMP/open"
cp -a "$TMP/root" "$TMP/open/tree"
expect_exit 3 "apply --root under a directory others can write: refused" \
	"$HT" -r "$TMP/open/tree" apply "$TMP/p.ini"
check "... naming that directory" \
	grep -q "open: refusing a directory others could write" "$TMP/last.err"
check "... the tree unchanged" diff -r "$TMP/root" "$TMP/open/tree"
expect_exit 1 "... an audit of it still runs" \
	"$HT" -r "$TMP/open/tree" audit "$TMP/p.ini"
expect_exit 3 "... with a state directory elsewhere too (-s)" \
	"$HT" -r "$TMP/open/tree" -s "$TMP/state" apply "$TMP/p.ini"
check "... the tree still unchanged" diff -r "$TMP/root" "$TMP/open/tree"
expect_exit 1 "... a dry run, which writes nothing, still runs" \
	"$HT" -r "$TMP/open/tree" -s "$TMP/state" apply --dry-run "$TMP/p.ini"
# A symlink in that directory: whoever can write it chooses where it
# leads, so it is refused too, whatever it leads to (the path is resolved
# by hand, each directory checked before a symlink in it is followed).
cp -a "$TMP/root" "$TMP/safetree"
ln -s "$TMP/safetree" "$TMP/open/link"
expect_exit 3 "a --root through a symlink in that directory: refused" \
	"$HT" -r "$TMP/open/link" -s "$TMP/state2" apply "$TMP/p.ini"
check "... the tree it leads to unchanged" diff -r "$TMP/root" "$TMP/safetree"
# A symlink in a directory no one else can write is followed, and the
# snapshot names the tree itself: repointed, the symlink leads a
# rollback nowhere near it.
ln -s "$TMP/safetree" "$TMP/tlink"
expect_exit 0 "a --root through a symlink no one else can change: applied" \
	"$HT" -r "$TMP/tlink" -s "$TMP/state2" apply "$TMP/p.ini"
check "... to the tree it leads to" \
	grep -qx 4096 "$TMP/safetree/proc/sys/net/core/somaxconn"
ln -sfn "$TMP/root" "$TMP/tlink"
expect_exit 2 "... a rollback through the repointed symlink is refused" \
	"$HT" -r "$TMP/tlink" -s "$TMP/state2" rollback
check "... naming the tree the snapshot was taken of" \
	grep -q "was taken of root $TMP/safetree" "$TMP/last.err"
check "... which keeps the change" \
	grep -qx 4096 "$TMP/safetree/proc/sys/net/core/somaxconn"
# A tree another user owns in a sticky directory (as /tmp): its owner
# may rename it and put a symlink in its place, so it is refused too.
mkdir "$TMP/sticky"
chmod 1777 "$TMP/sticky"
cp -a "$TMP/root" "$TMP/sticky/tree"
chown -R nobody "$TMP/sticky/tree"
expect_exit 3 "a --root another user owns in a sticky directory: refused" \
	"$HT" -r "$TMP/sticky/tree" -s "$TMP/state2" apply "$TMP/p.ini"
check "... saying its owner may replace it" \
	grep -q "owned by uid [0-9]* in a sticky directory" "$TMP/last.err"
# -s: '..' in a part that does not exist yet is refused before anything
# is made (it would make a directory, then leave it); / itself too
expect_exit 3 "-s with '..' in a part not made yet: refused" \
	"$HT" -r "$TMP/root" -s "$TMP/new1/../st3" snapshot --name d "$TMP/p.ini"
check "... nothing made" test ! -e "$TMP/new1"
expect_exit 3 "-s /: refused" "$HT" -r "$TMP/root" -s / snapshot --name d "$TMP/p.ini"
check "... no lock left in /" test ! -e /lock
chmod 0755 "$TMP/open"
expect_exit 0 "... and apply runs once no one else can write it" \
	"$HT" -r "$TMP/open/tree" apply "$TMP/p.ini"
# A relative -s from a working directory that is gone: an error, not a
# hang (the check walks up the path to what exists).
mkdir "$TMP/gone"
expect_exit 3 "a relative -s from a removed working directory: an error" \
	sh -c 'cd "$1" && rmdir "$1" && exec timeout 20 "$2" -r "$3" -s st \
		snapshot --name g "$4"' sh "$TMP/gone" "$HT" "$TMP/root" "$TMP/p.ini"
grep -q "state directory st: a relative path, and the working directory has been removed" "$TMP/last.err"
check "... saying so" [ $? = 0 ]
# and from one whose path is longer than PATH_MAX: getcwd cannot say
# where it is, so the message asks for an absolute path
deep=$(printf 'd%.0s' $(seq 200))
expect_exit 3 "a relative -s from a working directory deeper than PATH_MAX" \
	sh -c 'cd "$1" && for i in $(seq 25); do mkdir "$2" && cd -P "$2" || exit 9; done
		exec "$3" -r "$4" -s st snapshot --name g "$5"' \
	sh "$TMP" "$deep" "$HT" "$TMP/root" "$TMP/p.ini"
grep -q "working directory's is longer than PATH_MAX: give an absolute path" "$TMP/last.err"
check "... asks for an absolute path" [ $? = 0 ]

# A hard link in a tree to a file outside it (which anyone may make to
# root's files where fs.protected_hardlinks=0): neither read into the
# report nor written, whatever the verb.
cp -a "$FIXTURES/cli-basic" "$TMP/hl"
printf 'secret\n' > "$TMP/outside"
rm "$TMP/hl/proc/sys/net/core/somaxconn"
ln "$TMP/outside" "$TMP/hl/proc/sys/net/core/somaxconn"
expect_exit 1 "a hard-linked file in a tree: an error in the audit" \
	"$HT" -r "$TMP/hl" -s "$TMP/st-hl" audit "$TMP/p.ini"
grep -q "somaxconn *error .*other hard links, refused" "$TMP/last.out"
check "... saying why, not showing the other file's content" [ $? = 0 ]
expect_exit 3 "... and apply refuses it" \
	"$HT" -r "$TMP/hl" -s "$TMP/st-hl" apply "$TMP/p.ini"
grep -q "other hard links, refused" "$TMP/last.err"
check "... saying why" [ $? = 0 ]
same "... the file outside the tree is unchanged" "$(cat "$TMP/outside")" secret

# A tree another user owns, audited by root: in a directory they may
# write only their files are read. A file of root's there is one they
# linked in where fs.protected_hardlinks=0 (its other name replaced
# since, one link is left): shown as an error, never as a value.
cp -a "$FIXTURES/cli-basic" "$TMP/their-tree"
chown -R nobody "$TMP/their-tree"
printf 'root:$6$SECRET\n' >"$TMP/their-tree/proc/sys/net/core/somaxconn"
chown root "$TMP/their-tree/proc/sys/net/core/somaxconn"
expect_exit 1 "a tree another user owns, one file root's: audited" \
	"$HT" -r "$TMP/their-tree" -s "$TMP/st-their" audit "$TMP/p.ini"
grep -q "somaxconn *error .*in a directory others may write, a file not of its owner's" "$TMP/last.out"
check "... that file an error, saying why" [ $? = 0 ]
check "... its content shown nowhere" \
	sh -c '! grep -q SECRET "$1" "$2"' sh "$TMP/last.out" "$TMP/last.err"
chown nobody "$TMP/their-tree/proc/sys/net/core/somaxconn"
echo 4096 >"$TMP/their-tree/proc/sys/net/core/somaxconn"
expect_exit 0 "... and read once it is theirs" \
	"$HT" -r "$TMP/their-tree" -s "$TMP/st-their" audit "$TMP/p.ini"
# The same in root's tree, one of whose directories is theirs
cp -a "$FIXTURES/cli-basic" "$TMP/mixed-tree"
chown nobody "$TMP/mixed-tree/proc/sys/net/core"
printf 'root:$6$SECRET\n' >"$TMP/mixed-tree/proc/sys/net/core/somaxconn"
expect_exit 1 "root's tree, a directory another user owns: root's file there is an error" \
	"$HT" -r "$TMP/mixed-tree" -s "$TMP/st-mixed" audit "$TMP/p.ini"
check "... its content shown nowhere" \
	sh -c '! grep -q SECRET "$1" "$2"' sh "$TMP/last.out" "$TMP/last.err"

printf '[sysctl]\nkernel.shmmni = 4095\n' > "$TMP/shm.ini"
chmod 0644 "$TMP/shm.ini"
expect_exit 1 "unprivileged audit of the live host works (a deviation)" \
	as_nobody "$HT" audit "$TMP/shm.ini"
before=$(cat /proc/sys/kernel/shmmni)
expect_exit 3 "unprivileged apply on the live host is refused" \
	as_nobody "$HT" -s "$TMP/nostate" apply "$TMP/shm.ini"
grep -q "missing capability CAP_SYS_ADMIN" "$TMP/last.err"
check "naming the capability" [ $? = 0 ]
same "nothing was changed" "$(cat /proc/sys/kernel/shmmni)" "$before"
check "and no state was written" [ ! -e "$TMP/nostate" ]
expect_exit 1 "an unprivileged dry run shows the plan" \
	as_nobody "$HT" apply --dry-run "$TMP/shm.ini"
done_testing
