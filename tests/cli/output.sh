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

# A FIFO is refused: a reader that never reads could hold the run for
# ever (a pipe takes standard output instead).
mkfifo "$TMP/fifo"
expect_exit 3 "-o FIFO: refused, exit 3" \
	timeout 10 "$HT" -s "$TMP/s" --color never --root "$R" audit \
	-o "$TMP/fifo" "$P"
check "... saying it is no file or character device" \
	grep -q "fifo: not a file or a character device" "$TMP/last.err"
check "... still a FIFO" test -p "$TMP/fifo"
check "... no temporary file left" no_tmp "$TMP"

# A symlink is neither followed (whoever can write the directory could
# point it at any file root may write) nor replaced (it may be one of the
# system's, such as /dev/log).
mkdir "$TMP/l"
echo old >"$TMP/l/real.txt"
ln -s real.txt "$TMP/l/link"
expect_exit 3 "-o symlink: refused, exit 3" ht audit -o "$TMP/l/link" "$P"
check "... saying it is a symlink" \
	grep -q "link: a symlink, which hosttune neither follows nor replaces" \
	"$TMP/last.err"
check "... the file it leads to is untouched" \
	test "$(cat "$TMP/l/real.txt")" = old
check "... still the same symlink" test "$(readlink "$TMP/l/link")" = real.txt
check "... no temporary file left" no_tmp "$TMP/l"
# A name that ends in '/' names no file: the error is what the path is.
echo f >"$TMP/afile"
expect_exit 3 "-o MISSING/: exit 3" ht audit -o "$TMP/nodir/" "$P"
check "... saying there is no such directory" \
	grep -q "nodir/: No such file or directory" "$TMP/last.err"
expect_exit 3 "-o FILE/: exit 3" ht audit -o "$TMP/afile/" "$P"
check "... saying it is not a directory" \
	grep -q "afile/: Not a directory" "$TMP/last.err"
check "... the file untouched" test "$(cat "$TMP/afile")" = f
expect_exit 3 "-o DIR/: exit 3" ht audit -o "$TMP/l/" "$P"
check "... saying it is a directory" grep -q "l/: Is a directory" "$TMP/last.err"
check "... no temporary file left" no_tmp "$TMP"
ln -s "$TMP/nowhere/x" "$TMP/dangling"
expect_exit 3 "-o dangling symlink: refused" ht audit -o "$TMP/dangling" "$P"
check "... nothing made where it points" test ! -e "$TMP/nowhere"
check "... still the same symlink" \
	test "$(readlink "$TMP/dangling")" = "$TMP/nowhere/x"
# /dev/fd is a symlink to a directory: refused, not replaced (the test
# names its own link to /proc/self/fd; /dev's is never touched)
ln -s /proc/self/fd "$TMP/fd"
expect_exit 3 "-o a symlink to /proc/self/fd: refused" ht audit -o "$TMP/fd" "$P"
check "... still the same symlink" test "$(readlink "$TMP/fd")" = /proc/self/fd

# A report file planted at the old predictable temporary name
# (NAME.tmp.PID) no longer blocks the run: the name is random.
sh -c 'ln -s "$1/l/real.txt" "$1/planted.tmp.$$"; exec "$2" -s "$1/s" \
	--color never --root "$3" audit -o "$1/planted" "$4"' sh "$TMP" "$HT" \
	"$R" "$P" >/dev/null 2>&1
check "a symlink at NAME.tmp.PID: the report is written all the same" \
	cmp -s "$TMP/planted" "$TMP/want.txt"
check "... the file that symlink leads to untouched" \
	test "$(cat "$TMP/l/real.txt")" = old

# /dev/stdout, /dev/fd/N, /proc/self/fd/N (also spelt with "//" or
# "/./"): the descriptor itself, where it stands, as a shell takes them
# (its output appended to, not reopened at offset 0 and truncated). The
# forms tried here are procfs's, where no file can be made, and /dev's
# stdout only in a chroot of the test's own below, never the host's.
{
	echo start
	ht audit -o /proc/self/fd/1 "$P" 2>/dev/null
	echo end
} >"$TMP/log"
{ echo start; cat "$TMP/want.txt"; echo end; } >"$TMP/log.want"
check "-o /proc/self/fd/1: in order between the shell's own lines" \
	cmp -s "$TMP/log" "$TMP/log.want"
echo earlier >"$TMP/log2"
ht audit -o /proc//self/./fd/1 "$P" >>"$TMP/log2" 2>/dev/null
{ echo earlier; cat "$TMP/want.txt"; } >"$TMP/log2.want"
check "-o /proc//self/./fd/1 appended to: what was there stays" \
	cmp -s "$TMP/log2" "$TMP/log2.want"
ht audit -o /dev/fd/2 "$P" 2>"$TMP/fd2" >/dev/null
check "-o /dev/fd/2: the report on standard error" \
	cmp -s "$TMP/fd2" "$TMP/want.txt"

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
		# only in a mount namespace of its own: never the host'"'"'s
		[ "$(readlink /proc/self/ns/mnt)" != \
			"$(readlink "/proc/$PPID/ns/mnt")" ] || exit 9
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
		# /dev/stdout spelt three ways: this namespace'"'"'s /dev is the
		# tmpfs (bound over it here only), its stdout a symlink the
		# test made, so a regression could only replace that one
		ln -s /proc/self/fd/1 "$1/stdout" || exit 9
		mount --bind "$1" /dev || exit 9
		for o in /dev/stdout /dev//stdout /dev/./stdout; do
			"$2" -s "$3/s" --color never --root "$4" audit -o "$o" \
				"$5" >"$3/so.out" 2>/dev/null
			[ -L /dev/stdout ] || exit 6
			cmp -s "$3/so.out" "$3/want.txt" || exit 5
		done
		exit 0' sh "$TMP/dev" "$HT" "$TMP" "$R" "$P"
	rc=$?
	if [ "$rc" = 9 ]; then
		ok "-o device # SKIP cannot make a device node here"
	else
		case $rc in
		0) what="all as they were" ;;
		8) what="the character device was replaced" ;;
		7) what="the block device was replaced" ;;
		6) what="/dev/stdout (the namespace's) was replaced" ;;
		5) what="-o /dev/stdout did not write standard output" ;;
		*) what="exit $rc" ;;
		esac
		same "-o devices and /dev/stdout: $what" "$rc" 0
		same "-o character device: nothing beside them" \
			"$(cat "$TMP/devls" 2>/dev/null | tr '\n' ' ')" "blk null "
		same "-o block device: exit 3" "$(cat "$TMP/blk.rc")" 3
		check "... saying it is no file or character device" \
			grep -q "blk: not a file or a character device" \
			"$TMP/blk.err"
	fi
else
	ok "-o device # SKIP needs root and unshare --mount"
fi

done_testing
