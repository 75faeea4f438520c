#!/bin/sh
# -o FILE where FILE is not a regular file. A regular file is replaced
# atomically (a temporary file renamed over it), but renaming over a
# device or a FIFO would put a regular file in its place: `hosttune audit
# -o /dev/null` once turned the host's /dev/null into a file. A character
# device or a FIFO is written to; a symlink is never followed (it could
# lead root anywhere); /dev/stdout and /dev/fd/N are the descriptor.
# Every node here is the test's own: the device nodes live on a tmpfs in a
# mount namespace made for it; the descriptor paths are procfs's, where
# nothing can be created; never /dev's.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"

R=$FIXTURES/cli-basic
P=$FIXTURES/cli-profiles/basic.ini
[ -d "$R" ] && [ -f "$P" ] || skip_all "no cli-basic fixture"
ht() { "$HT" -s "$TMP/s" --color never --root "$R" "$@"; }
ht audit "$P" >"$TMP/want.txt" 2>/dev/null
check "the report on stdout is not empty" test -s "$TMP/want.txt"

# no temporary file left beside the output (NAME.tmp.PID)
no_tmp() { ! ls "$1"/*.tmp.* >/dev/null 2>&1; }

# A FIFO with a reader gets the report and stays a FIFO. The test holds
# the FIFO open read-write, so it has a reader before hosttune opens it,
# and reads back exactly the report's bytes.
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"
expect_exit 1 "-o FIFO: audit exits as without -o" ht audit -o "$TMP/fifo" "$P"
timeout 5 head -c "$(wc -c <"$TMP/want.txt")" <&3 >"$TMP/fifo.out"
exec 3<&-
check "-o FIFO: it is still a FIFO" test -p "$TMP/fifo"
check "-o FIFO: its reader got the report" cmp -s "$TMP/fifo.out" "$TMP/want.txt"
check "-o FIFO: no temporary file left" no_tmp "$TMP"
# With no reader, an error at once rather than a wait without end.
expect_exit 3 "-o FIFO with no reader: exit 3" \
	timeout 10 "$HT" -s "$TMP/s" --color never --root "$R" audit \
	-o "$TMP/fifo" "$P"
check "... saying so" grep -q "fifo: a FIFO with no reader" "$TMP/last.err"
check "... still a FIFO" test -p "$TMP/fifo"

# A symlink is never followed: whoever can write the directory could
# point it at any file root may write. It is replaced like a file.
mkdir "$TMP/l"
echo old >"$TMP/l/real.txt"
ln -s real.txt "$TMP/l/link"
expect_exit 1 "-o symlink: audit exits as without -o" \
	ht audit -o "$TMP/l/link" "$P"
check "-o symlink: the file it led to is untouched" \
	test "$(cat "$TMP/l/real.txt")" = old
check "-o symlink: replaced by a file with the report" \
	sh -c '[ ! -L "$1" ] && cmp -s "$1" "$2"' sh "$TMP/l/link" "$TMP/want.txt"
check "-o symlink: no temporary file left" no_tmp "$TMP/l"
ln -s "$TMP/nowhere/x" "$TMP/dangling"
expect_exit 1 "-o dangling symlink: replaced too" ht audit -o "$TMP/dangling" "$P"
check "... nothing made where it pointed" test ! -e "$TMP/nowhere"
ln -s /proc/self/fd/1 "$TMP/stdout"
ht audit -o "$TMP/stdout" "$P" >"$TMP/so.txt" 2>/dev/null
check "a symlink to /proc/self/fd/1 is a symlink like another" \
	sh -c '[ ! -s "$1" ] && cmp -s "$2" "$3"' sh "$TMP/so.txt" "$TMP/stdout" \
	"$TMP/want.txt"

# /dev/stdout, /dev/fd/N, /proc/self/fd/N: the descriptor itself, where
# it stands, as a shell takes them (its output appended to, not reopened
# at offset 0 and truncated). These never create a file: procfs refuses.
{
	echo start
	ht audit -o /proc/self/fd/1 "$P" 2>/dev/null
	echo end
} >"$TMP/log"
{ echo start; cat "$TMP/want.txt"; echo end; } >"$TMP/log.want"
check "-o /proc/self/fd/1: in order between the shell's own lines" \
	cmp -s "$TMP/log" "$TMP/log.want"
echo earlier >"$TMP/log2"
ht audit -o /dev/fd/1 "$P" >>"$TMP/log2" 2>/dev/null
{ echo earlier; cat "$TMP/want.txt"; } >"$TMP/log2.want"
check "-o /dev/fd/1 appended to: what was there stays" \
	cmp -s "$TMP/log2" "$TMP/log2.want"

# A plain regular file is still replaced whole, atomically.
echo "a much longer old content than any report would leave behind" \
	"$(seq 1 2000)" >"$TMP/plain.txt"
ht audit -o "$TMP/plain.txt" "$P" >/dev/null 2>&1
check "-o regular file: replaced by the report" cmp -s "$TMP/plain.txt" "$TMP/want.txt"

# A directory: an error naming it, and the directory as it was.
mkdir "$TMP/dir"
expect_exit 3 "-o directory: exit 3" ht audit -o "$TMP/dir" "$P"
check "-o directory: the error names it" \
	grep -q "cannot write $TMP/dir: Is a directory" "$TMP/last.err"
check "-o directory: nothing written into it" \
	test -z "$(ls -A "$TMP/dir")"

# A character device (null's numbers) on a tmpfs of a private mount
# namespace: it stays a device. A block device is refused: one whose
# number no disk has, so nothing could be written even if it were not.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
	unshare --mount true 2>/dev/null; then
	mkdir "$TMP/dev"
	unshare --mount --propagation private sh -c '
		mount -t tmpfs -o mode=0755 hosttune-test "$1" || exit 9
		mknod -m 666 "$1/null" c 1 3 || exit 9
		mknod -m 600 "$1/blk" b 259 1048575 || exit 9
		"$2" -s "$3/s" --color never --root "$4" audit -o "$1/null" "$5" \
			>/dev/null 2>&1
		[ -c "$1/null" ] || exit 8
		"$2" -s "$3/s" --color never --root "$4" audit -o "$1/blk" "$5" \
			>/dev/null 2>"$3/blk.err"
		echo $? >"$3/blk.rc"
		[ -b "$1/blk" ] || exit 7
		ls -A "$1" >"$3/devls"
		exit 0' sh "$TMP/dev" "$HT" "$TMP" "$R" "$P"
	rc=$?
	if [ "$rc" = 9 ]; then
		ok "-o device # SKIP cannot make a device node here"
	else
		same "-o devices: each still the device it was" "$rc" 0
		same "-o character device: nothing beside them" \
			"$(cat "$TMP/devls" 2>/dev/null | tr '\n' ' ')" "blk null "
		same "-o block device: exit 3" "$(cat "$TMP/blk.rc")" 3
		check "... saying it is no file, character device or FIFO" \
			grep -q "blk: not a file, a character device or a FIFO" \
			"$TMP/blk.err"
	fi
else
	ok "-o device # SKIP needs root and unshare --mount"
fi

done_testing
