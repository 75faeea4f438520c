#!/bin/sh
# Run one libFuzzer harness, as make fuzz and make fuzz-regress do:
#   run.sh fuzz NAME SECONDS MAX_LEN TIMEOUT
#       fuzz from the seeds and crash reproducers for SECONDS; what it
#       finds goes to build-fuzz/corpus/NAME, never into the tree
#   run.sh regress NAME 0 0 TIMEOUT
#       run every seed and crash reproducer once
# Exits non-zero on a crash, a leak, undefined behaviour or an input that
# runs longer than TIMEOUT seconds; the input is then kept in
# build-fuzz/artifacts/NAME/ and the end of the log is shown. The whole
# log is build-fuzz/logs/NAME.MODE.log.
set -u
cd "$(dirname "$0")/../.." || exit 2
mode=$1 name=$2 seconds=$3 max_len=$4 timeout=$5

bin=build-fuzz/fuzz_$name
seeds=tests/fuzz/corpus/$name
crashes=tests/fuzz/crashes/$name
work=build-fuzz/corpus/$name
artifacts=build-fuzz/artifacts/$name
log=build-fuzz/logs/$name.$mode.log
mkdir -p "$work" "$artifacts" build-fuzz/logs

# Leaks are errors (libFuzzer checks each new input for them); reports
# name source lines when a symbolizer is installed.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS
for s in /usr/lib/llvm-14/bin/llvm-symbolizer /usr/bin/llvm-symbolizer; do
	if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x "$s" ]; then
		export ASAN_SYMBOLIZER_PATH="$s"
	fi
done

dirs=$seeds
[ -d "$crashes" ] && dirs="$dirs $crashes"
flags="-timeout=$timeout -rss_limit_mb=2048 -artifact_prefix=$artifacts/"

case $mode in
fuzz)
	# shellcheck disable=SC2086
	"$bin" $flags -max_total_time="$seconds" -max_len="$max_len" \
		-print_final_stats=1 "$work" $dirs >"$log" 2>&1
	rc=$?
	;;
regress)
	# Files, not directories: libFuzzer runs each once and stops.
	# shellcheck disable=SC2086
	find $dirs -type f ! -name '*.md' -print0 |
		xargs -0 -r "$bin" $flags >"$log" 2>&1
	rc=$?
	;;
*)
	echo "run.sh: unknown mode '$mode'" >&2
	exit 2
	;;
esac

if [ "$rc" != 0 ]; then
	tail -n 60 "$log"
	echo "fuzz_$name: FAILED ($mode, exit $rc); log $log, inputs kept:"
	ls "$artifacts"
	exit 1
fi
if [ "$mode" = fuzz ]; then
	# "#1234 DONE cov: 611 ft: 2214 corp: 301/28Kb lim: ... exec/s: 4100"
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	echo "fuzz_$name: ${seconds}s: ${done_line:-$(tail -n 1 "$log")}"
else
	echo "fuzz_$name: $(grep -c '^Running: ' "$log") inputs replayed"
fi
