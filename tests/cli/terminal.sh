#!/bin/sh
# Nothing a host, a tree or a file says reaches the terminal raw: names the
# host makes (a block device's), a check's detail, snapshot fields, profile
# text and paths are shown escaped in every text output and message
# (control bytes as \xNN, C1 controls and characters that reorder text as
# \uNNNN), and a message's line breaks are only ever ours. --root trees
# and -s directories only.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
E=$(printf '\033]0;PWN\007')
ESC=$(printf '\033')
C1=$(printf '\302\233')
# clean FILE...: no raw ESC, C1 CSI or BEL byte in them
clean() { ! grep -q "$ESC\|$C1\|$(printf '\007')" "$@"; }

# A block device whose name holds a terminal escape (the tree's to name):
# its check id is shown escaped in the table, the plan and Prometheus.
cp -pR "$FIXTURES/block-disks" "$TMP/b"
ln -s ../devices/virtual/block/ram0 "$TMP/b/sys/block/sd$E"
printf '[block sd*]\nread_ahead_kb = 4096\n' >"$TMP/b.ini"
expect_exit 1 "a device named with escapes: audited" \
	"$HT" -r "$TMP/b" -s "$TMP/st" --color never audit "$TMP/b.ini"
grep -qF 'block:sd\x1b]0;PWN\x07:read_ahead_kb' "$TMP/last.out"
check "... its id shown escaped" [ $? = 0 ]
check "... no raw byte of it" clean "$TMP/last.out" "$TMP/last.err"
expect_exit 1 "... apply --dry-run" \
	"$HT" -r "$TMP/b" -s "$TMP/st" --color never apply --dry-run "$TMP/b.ini"
check "... the plan shows it escaped" clean "$TMP/last.out" "$TMP/last.err"
grep -qF 'block:sd\x1b]0;PWN\x07:read_ahead_kb: cannot be read' "$TMP/last.err"
check "... and the refusal names it escaped" [ $? = 0 ]
expect_exit 1 "... -f prometheus" \
	"$HT" -r "$TMP/b" -s "$TMP/st" -f prometheus audit "$TMP/b.ini"
grep -qF 'id="block:sd\\x1b]0;PWN\\x07:read_ahead_kb"' "$TMP/last.out"
check "... a label holds the escape's text, backslash escaped" [ $? = 0 ]
check "... no raw byte in the metrics" clean "$TMP/last.out"
ln -s ../devices/virtual/block/ram0 "$TMP/b/sys/block/sd${C1}2J"
expect_exit 1 "... -f json, a name with a C1 control too" \
	"$HT" -r "$TMP/b" -s "$TMP/st" -f json audit "$TMP/b.ini"
check "... no raw byte in the JSON" clean "$TMP/last.out"
grep -qF '"block:sd\\u009b2J:read_ahead_kb"' "$TMP/last.out"
check "... the id is the escaped name's text" [ $? = 0 ]
python3 -m json.tool "$TMP/last.out" >/dev/null
check "... still valid JSON" [ $? = 0 ]
cp -pR "$FIXTURES/cli-basic" "$TMP/j"
printf '4096%s\n' "$C1" >"$TMP/j/proc/sys/kernel/shmmni"
printf '[sysctl]\nkernel.shmmni = 4096\n' >"$TMP/j.ini"
expect_exit 1 "a value with a C1 control: -f json" \
	"$HT" -r "$TMP/j" -s "$TMP/st" -f json audit "$TMP/j.ini"
grep -qF '"actual": "4096\u009b"' "$TMP/last.out"
check "... the C1 control as \\u009b" [ $? = 0 ]
check "... no raw byte" clean "$TMP/last.out"
printf 'a\340\202\233b\355\240\200c\364\220\200\200\n' >"$TMP/j/proc/sys/kernel/shmmni"
expect_exit 1 "a value with an overlong form, a surrogate and a code point past U+10FFFF" \
	"$HT" -r "$TMP/j" -s "$TMP/st" -f json audit "$TMP/j.ini"
python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$TMP/last.out"
check "... the JSON is valid UTF-8" [ $? = 0 ]
check "... no raw byte" clean "$TMP/last.out"

# A device named with a line break: its id is one line wherever it is
# named, the plan's refusal on standard error included.
cp -pR "$FIXTURES/block-disks" "$TMP/bn"
ln -s ../devices/virtual/block/ram0 "$TMP/bn/sys/block/sd
hosttune: FAKE LINE"
expect_exit 1 "a device named with a line break: apply --dry-run" \
	"$HT" -r "$TMP/bn" -s "$TMP/st" --color never apply --dry-run "$TMP/b.ini"
check "... makes no line of its own" \
	sh -c '! grep -q "^hosttune: FAKE LINE" "$1" "$2"' sh "$TMP/last.out" "$TMP/last.err"
grep -qF 'block:sd\x0ahosttune: FAKE LINE:read_ahead_kb' "$TMP/last.err"
check "... named with the break escaped" [ $? = 0 ]

# A check's detail with a line break and escapes from the tree's file: one
# line, escaped, in the report and in apply's refusal.
cp -pR "$FIXTURES/cpu-intel" "$TMP/c"
printf '5\nhosttune: all is well%s\n' "$E" \
	>"$TMP/c/sys/devices/system/cpu/cpu0/cpuidle/state2/latency"
printf '[cpu 0]\nidle_max_latency_us = 10\n' >"$TMP/c.ini"
"$HT" -r "$TMP/c" -s "$TMP/st" --color never audit "$TMP/c.ini" \
	>"$TMP/c.out" 2>"$TMP/c.err"
check "a detail with a line break and escapes: no raw byte" \
	clean "$TMP/c.out" "$TMP/c.err"
check "... and no line of the tree's" \
	sh -c '! grep -q "^hosttune: all is well" "$1" "$2"' sh "$TMP/c.out" "$TMP/c.err"
"$HT" -r "$TMP/c" -s "$TMP/st" --color never apply "$TMP/c.ini" \
	>"$TMP/c.out" 2>"$TMP/c.err"
check "... apply's messages neither" clean "$TMP/c.out" "$TMP/c.err"
check "... nor a line of the tree's" \
	sh -c '! grep -q "^hosttune: all is well" "$1" "$2"' sh "$TMP/c.out" "$TMP/c.err"

# A profile's description, reasons and -p directory with escapes: show,
# list and audit -v show them escaped.
mkdir "$TMP/pd$E"
printf '[profile]\ndescription = hi%s\n[sysctl]\nvm.swappiness = 10 ; why%s\n' \
	"$E" "$E" >"$TMP/pd$E/esc.ini"
expect_exit 0 "show of a profile with escapes" "$HT" -p "$TMP/pd$E" show esc
check "... shown escaped" clean "$TMP/last.out" "$TMP/last.err"
grep -qF 'hi\x1b]0;PWN\x07' "$TMP/last.out"
check "... the description's escape as text" [ $? = 0 ]
expect_exit 0 "list -v of that directory" "$HT" -p "$TMP/pd$E" -v list profiles
check "... its path escaped" clean "$TMP/last.out" "$TMP/last.err"
cp -pR "$FIXTURES/cli-basic" "$TMP/r"
"$HT" -r "$TMP/r" -s "$TMP/st" -p "$TMP/pd$E" -v --color never audit esc \
	>"$TMP/v.out" 2>"$TMP/v.err"
check "audit -v: where a setting came from, escaped" clean "$TMP/v.out" "$TMP/v.err"

# Snapshot fields are a file's text: list shows them escaped, and a root
# with a C1 control and a line break makes no line of its own in an error.
expect_exit 0 "a snapshot" "$HT" -r "$TMP/r" -s "$TMP/sn" snapshot --name s1 "$TMP/c.ini"
sed -i "s|^profile = .*|profile = \"P\\\\x1b]0;PROF\\\\x07\"|" "$TMP/sn/s1.ini"
expect_exit 0 "list snapshots of one with escapes in its profile" \
	"$HT" -r "$TMP/r" -s "$TMP/sn" list snapshots
check "... shown escaped" clean "$TMP/last.out" "$TMP/last.err"
grep -qF 'P\x1b]0;PROF\x07' "$TMP/last.out"
check "... as text" [ $? = 0 ]
sed -i "s|^root = .*|root = \"/nowhere\\\\xc2\\\\x9b2J\\\\nhosttune: FAKE\"|" "$TMP/sn/s1.ini"
expect_exit 2 "a snapshot of another root, named with C1 and a line break" \
	"$HT" -r "$TMP/r" -s "$TMP/sn" rollback s1
check "... no raw byte" clean "$TMP/last.err"
check "... no line of its own" sh -c '! grep -q "^hosttune: FAKE" "$1"' sh "$TMP/last.err"
grep -qF '\u009b2J\x0ahosttune: FAKE' "$TMP/last.err"
check "... both shown as text" [ $? = 0 ]

# A profile's file name with a C1 control (no byte below 0x20, so the path
# check takes it): the closing lines name it escaped.
cp -pR "$FIXTURES/cli-basic" "$TMP/q"
printf '[sysctl]\nvm.swappiness = 10\n' >"$TMP/q${C1}.ini"
expect_exit 0 "apply --persist of a profile named with a C1 control" \
	"$HT" -r "$TMP/q" -s "$TMP/sq" apply --persist "$TMP/q${C1}.ini"
check "... its closing lines escape it" clean "$TMP/last.out" "$TMP/last.err"
expect_exit 0 "... and again: nothing to change" \
	"$HT" -r "$TMP/q" -s "$TMP/sq" apply "$TMP/q${C1}.ini"
grep -qF 'the host already matches' "$TMP/last.out"
check "... said with the name escaped" clean "$TMP/last.out" "$TMP/last.err"

# The undo hint quotes paths for a shell: a root with a blank pastes back.
cp -pR "$FIXTURES/cli-basic" "$TMP/with blank"
printf '[sysctl]\nvm.swappiness = 10\n' >"$TMP/sw.ini"
expect_exit 0 "apply on a root with a blank" \
	"$HT" -r "$TMP/with blank" -s "$TMP/sb" apply "$TMP/sw.ini"
grep -qF "undo with: hosttune --root '$TMP/with blank' --state-dir $TMP/sb rollback" "$TMP/last.out"
check "... the undo hint quotes it" [ $? = 0 ]
done_testing
