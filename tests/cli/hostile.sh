#!/bin/sh
# Hostile input through the binary: each case exits with a clear error (or
# does its bounded work) and changes nothing. tests/BAD-INPUTS.md lists
# every hostile input the suite tries; tests/docs/bad-inputs.sh keeps the
# two in step. Nothing here touches the live host: --root trees and -s.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
ht() { timeout 30 "$HT" -s "$TMP/state" --color never "$@"; }

# A symlink loop in a --root tree: snapshot --all and globs end.
mkdir -p "$TMP/loop/proc/sys/a"
echo 1 >"$TMP/loop/proc/sys/a/x"
ln -s . "$TMP/loop/proc/sys/a/loop"
ln -s .. "$TMP/loop/proc/sys/a/up"
expect_exit 0 "symlink loop: snapshot --all ends" ht -r "$TMP/loop" snapshot --all
grep -q "1 value saved" "$TMP/last.out"
check "... with the one real value" [ $? = 0 ]
# Names too long for a snapshot key (a kernel's are under 100 bytes) or
# with a blank: snapshot --all leaves them out, so the snapshot can be
# read back; a long one within the limit is kept.
d200=$(printf '%0200d' 0 | tr 0 d)
mkdir -p "$TMP/long/proc/sys/$d200/$d200/$d200" "$TMP/long/proc/sys/vm"
echo 1 >"$TMP/long/proc/sys/$d200/$d200/$d200/key"
echo 2 >"$TMP/long/proc/sys/$d200/$d200/key"
echo 10 >"$TMP/long/proc/sys/vm/swappiness"
echo 3 >"$TMP/long/proc/sys/vm/with blank"
expect_exit 0 "keys over 512 bytes or with blanks: snapshot --all leaves them out" \
	"$HT" -s "$TMP/lst" -r "$TMP/long" snapshot --all --name long
grep -q "2 values saved" "$TMP/last.out"
check "... and keeps the two that fit" [ $? = 0 ]
expect_exit 0 "... the snapshot reads back (list snapshots)" \
	"$HT" -s "$TMP/lst" -r "$TMP/long" list snapshots
check "... listed, with no error" \
	sh -c 'grep -q "^long " "$1" && [ ! -s "$2" ]' sh "$TMP/last.out" \
	"$TMP/last.err"
printf '[sysctl]\na.*.*.*.*.*.*.*.*.*.*.*.*.x = 1\n' >"$TMP/deep.ini"
expect_exit 0 "symlink loop: a deep glob ends, matching nothing through it" \
	ht -r "$TMP/loop" audit "$TMP/deep.ini"

# More checks than an audit takes: an input error, at once.
mkdir -p "$TMP/many/proc/sys/m"
i=0
while [ $i -lt 3100 ]; do : >"$TMP/many/proc/sys/m/k$i"; i=$((i + 1)); done
{
	# 65 different globs, each matching all 3100 keys
	echo '[sysctl]'
	echo 'm.* = 1'
	echo 'm.k* = 1'
	echo 'm.?* = 1'
	for c in a b c d e f g h i j l m n o p q r s t u v w x y z \
		A B C D E F G H I J K L M N O P Q R S T U V W X Y Z \
		0 1 2 3 4 5 6 7 8 9 _ -; do
		echo "m.[k$c]* = 1"
	done
} >"$TMP/many.ini"
expect_exit 2 "200,000 checks and more: refused" ht -r "$TMP/many" audit "$TMP/many.ini"
grep -q "more than 200000 checks" "$TMP/last.err"
check "... saying why" [ $? = 0 ]

# --root with a symlink where the state directory goes: refused.
cp -pR "$FIXTURES/cli-basic" "$TMP/tree"
mkdir "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$TMP/tree/var"
expect_exit 3 "state directory through a symlink under --root: refused" \
	"$HT" -r "$TMP/tree" apply "$TOP/tests/fixtures/cli-profiles/basic.ini"
same "... nothing written outside the tree" "$(ls -A "$TMP/elsewhere")" ""
same "... nor in it" "$(cat "$TMP/tree/proc/sys/vm/swappiness")" 60

# Snapshots: a missing header field, a truncated file, an id not its name.
rm -f "$TMP/tree/var"
cp -pR "$FIXTURES/cli-basic" "$TMP/t2"
ht -r "$TMP/t2" apply "$TOP/tests/fixtures/cli-profiles/basic.ini" >/dev/null 2>&1
snap=$(ls "$TMP/state"/*-apply-*.ini | head -1)
id=$(basename "$snap" .ini)
cp "$snap" "$TMP/snap.orig"
grep -v '^kernel = ' "$TMP/snap.orig" >"$snap"
expect_exit 0 "a snapshot missing a header field: list does not crash" \
	ht -r "$TMP/t2" list snapshots
grep -q "not a hosttune snapshot" "$TMP/last.err"
check "... and says what is wrong with it" [ $? = 0 ]
expect_exit 2 "... rollback refuses it before writing" ht -r "$TMP/t2" rollback "$id"
same "... the tree still as applied" "$(cat "$TMP/t2/proc/sys/vm/swappiness")" 10
sed '/^\[end\]$/d' "$TMP/snap.orig" >"$snap"
expect_exit 2 "a truncated snapshot: refused" ht -r "$TMP/t2" rollback "$id"
grep -q "cut short" "$TMP/last.err"
check "... as cut short" [ $? = 0 ]
sed "s/^id = \".*\"/id = \"other\"/" "$TMP/snap.orig" >"$snap"
expect_exit 2 "a snapshot whose id is not its file name: refused" \
	ht -r "$TMP/t2" rollback "$id"
cp "$TMP/snap.orig" "$snap"
expect_exit 0 "the intact snapshot rolls back" ht -r "$TMP/t2" rollback "$id"

# Profiles: control bytes are shown escaped, a non-profile include is not
# read, junk after ']' is an error.
printf '[sysctl]\n\033]0;pwned\007 = 1\n' >"$TMP/esc.ini"
expect_exit 2 "control bytes in a key: refused" ht lint "$TMP/esc.ini"
check "... and never echoed raw" sh -c '! grep -q "$(printf "\\033")" "$1"' sh "$TMP/last.err"
printf '[profile]\ninclude = /etc/passwd\n' >"$TMP/inc.ini"
expect_exit 2 "include of a file that is not a .ini: refused" ht lint "$TMP/inc.ini"
check "... none of its lines shown" sh -c '! grep -q "root:" "$1"' sh "$TMP/last.err"
printf '[sysctl] junk\nvm.swappiness = 1\n' >"$TMP/junk.ini"
expect_exit 2 "text after a section header: refused" ht lint "$TMP/junk.ini"
done_testing
