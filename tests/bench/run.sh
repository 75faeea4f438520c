#!/bin/sh
# `make bench`: every benchmark in tests/bench, each printing its figures.
# Benchmarks measure; they are not pass/fail unit tests, except where an
# issue sets a budget (each script says so and exits non-zero past it).
set -u
cd "$(dirname "$0")/../.."
rc=0
for b in tests/bench/*.sh; do
	[ "$b" = tests/bench/run.sh ] && continue
	echo "== $b"
	sh "$b" || rc=1
done
exit $rc
