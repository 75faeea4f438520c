#!/bin/sh
# The whole test suite, as `make check` runs it: every cmocka binary in
# build/tests, every shell test in tests/cli and tests/integration (the
# namespace ones skip without root). Ends with one line: "N passed, N failed".
# The sanitizer targets run a part of it on another build:
#   BUILD=DIR sh tests/run.sh [TEST...]
# takes the unit binaries from DIR/tests (default build/tests), runs only the
# TESTs given (unit binaries and .sh scripts), and passes HT on to lib.sh.
set -u
cd "$(dirname "$0")/.."
if [ $# = 0 ]; then
	set -- "${BUILD:-build}"/tests/test_* tests/cli/*.sh tests/docs/*.sh \
		tests/integration/*.sh
fi
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	case $t in *.sh) continue ;; esac
	[ -x "$t" ] || continue
	echo "== $t"
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" != 0 ] && [ -z "$f" ]; then failed=$((failed + 1)); fi
done

for t in "$@"; do
	case $t in *.sh) ;; *) continue ;; esac
	[ -f "$t" ] || continue
	echo "== $t"
	sh "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" = 77 ]; then
		skipped=$((skipped + 1))
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "# $t exited $rc"
		failed=$((failed + 1))
	fi
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
