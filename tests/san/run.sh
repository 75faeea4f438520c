#!/bin/sh
# Memory checkers over the test suite (make check-asan, make check-valgrind):
#   sh tests/san/run.sh asan BIN TEST...
#	TESTs (unit binaries, shell tests) with BIN, a hosttune built with
#	-fsanitize=address,undefined, as HT; leak detection on
#   sh tests/san/run.sh valgrind BIN TEST...
#	shell TESTs with BIN run under memcheck (a copy of tests/san/memcheck.sh
#	as HT)
# Every report goes to a file in a log directory, not to the program's
# stderr: the golden tests compare stderr and exit statuses, and some ignore
# both, so a report could hide or be hidden there. The run fails when the
# suite fails or when any report was written, and prints the reports.
set -u
cd "$(dirname "$0")/../.."
mode=$1 bin=$2
shift 2
# Outside the checkout and writable by all: tests run hosttune as nobody,
# who may not reach the checkout (golden.sh copies the binary for that).
logs=$(mktemp -d "${TMPDIR:-/tmp}/hosttune-san.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
chmod 1777 "$logs"

case $mode in
asan)
	# exitcode 86: not one of hosttune's own statuses. No
	# strict_string_checks: it makes every strtoul scan the rest of the
	# string, so the linear-time tests on 1 MiB inputs turn quadratic.
	opts="exitcode=86:log_path=$logs/san"
	export ASAN_OPTIONS="detect_leaks=1:$opts"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$opts"
	export HT="$PWD/$bin"
	# LeakSanitizer stops the world with ptrace, so it cannot run in a
	# traced process: the tests that use strace (on hosttune) get ASan
	# and UBSan without leak detection, in a second pass.
	traced=
	for t in "$@"; do
		shift
		case $t in
		*.sh) if grep -q strace "$t"; then
			traced="$traced $t"
			continue
		fi ;;
		esac
		set -- "$@" "$t"
	done
	;;
valgrind)
	command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
	cp "$bin" "$logs/hosttune.bin" || exit 1
	sed -e "s|^bin=.*|bin='$logs/hosttune.bin'|" \
		-e "s|^logs=.*|logs='$logs'|" tests/san/memcheck.sh \
		>"$logs/hosttune" || exit 1
	chmod 0755 "$logs/hosttune" "$logs/hosttune.bin"
	export HT="$logs/hosttune"
	;;
*)
	echo "usage: $0 asan|valgrind BIN TEST..." >&2
	exit 2
	;;
esac

rc=0
if [ $# -gt 0 ]; then # (tests/run.sh with no TEST runs them all)
	sh tests/run.sh "$@"
	rc=$?
fi
if [ "$mode" = asan ] && [ -n "$traced" ]; then
	echo
	echo "== without leak detection (hosttune runs under strace):$traced"
	# shellcheck disable=SC2086 # test paths have no blanks
	ASAN_OPTIONS="detect_leaks=0:$opts" sh tests/run.sh $traced || rc=1
fi
reports=$(find "$logs" -type f \( -name 'san.*' -o -name '*.failed' \) |
	sort)
for r in $reports; do
	echo "==== $mode report $(basename "$r")"
	cat "$r"
done
n=$(echo "$reports" | grep -c .)
echo "$mode: $n report(s)"
[ "$rc" = 0 ] && [ "$n" = 0 ]
