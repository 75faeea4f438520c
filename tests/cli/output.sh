#!/bin/sh
# -o FILE where FILE is not a regular file. A regular file is replaced
# atomically (a temporary file renamed over it), but renaming over a
# device, a FIFO or a symlink would put a regular file in its place:
# `hosttune audit -o /dev/null` once turned the host's /dev/null into a
# file. Those are written to as they are. Every node here is the test's
# own: the device node lives on a tmpfs in a mount namespace made for it,
# the stdout link is a symlink in $TMP, never /dev's.
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

# A FIFO: the reader gets the report, the FIFO stays a FIFO. The reader
# gives up after 10 s: renamed over, the FIFO would never be written.
mkfifo "$TMP/fifo"
timeout 10 cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
expect_exit 1 "-o FIFO: audit exits as without -o" ht audit -o "$TMP/fifo" "$P"
wait "$reader"
check "-o FIFO: it is still a FIFO" test -p "$TMP/fifo"
check "-o FIFO: its reader got the report" cmp -s "$TMP/fifo.out" "$TMP/want.txt"
check "-o FIFO: no temporary file left" no_tmp "$TMP"

# A symlink to a regular file: the file gets the report, the link stays.
mkdir "$TMP/l"
echo old >"$TMP/l/real.txt"
ln -s real.txt "$TMP/l/link"
expect_exit 1 "-o symlink: audit exits as without -o" \
	ht audit -o "$TMP/l/link" "$P"
check "-o symlink: it is still a symlink" test -L "$TMP/l/link"
check "-o symlink: the file it names has the report (truncated first)" \
	cmp -s "$TMP/l/real.txt" "$TMP/want.txt"
check "-o symlink: no temporary file left" no_tmp "$TMP/l"

# A link to this process's standard output, as /dev/stdout is.
ln -s /proc/self/fd/1 "$TMP/stdout"
ht audit -o "$TMP/stdout" "$P" >"$TMP/so.txt" 2>/dev/null
check "-o /proc/self/fd/1 link: still a symlink" test -L "$TMP/stdout"
check "-o /proc/self/fd/1 link: the report went to stdout" \
	cmp -s "$TMP/so.txt" "$TMP/want.txt"

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

# A dangling symlink: nothing is created through it or in its place.
ln -s "$TMP/nowhere/x" "$TMP/dangling"
expect_exit 3 "-o dangling symlink: exit 3" ht audit -o "$TMP/dangling" "$P"
check "-o dangling symlink: still the same symlink" \
	test "$(readlink "$TMP/dangling")" = "$TMP/nowhere/x"

# A character device (null's numbers) on a tmpfs of a private mount
# namespace: it stays a device.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
	unshare --mount true 2>/dev/null; then
	mkdir "$TMP/dev"
	unshare --mount --propagation private sh -c '
		mount -t tmpfs -o mode=0755 hosttune-test "$1" || exit 9
		mknod -m 666 "$1/null" c 1 3 || exit 9
		"$2" -s "$3/s" --color never --root "$4" audit -o "$1/null" "$5" \
			>/dev/null 2>&1
		[ -c "$1/null" ] || exit 8
		ls -A "$1" >"$3/devls"
		exit 0' sh "$TMP/dev" "$HT" "$TMP" "$R" "$P"
	rc=$?
	if [ "$rc" = 9 ]; then
		ok "-o device # SKIP cannot make a device node here"
	else
		same "-o character device: still a character device" "$rc" 0
		same "-o character device: nothing beside it" \
			"$(cat "$TMP/devls" 2>/dev/null)" null
	fi
else
	ok "-o device # SKIP needs root and unshare --mount"
fi

done_testing
