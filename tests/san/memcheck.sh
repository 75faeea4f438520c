#!/bin/sh
# HT for `make check-valgrind`: the hosttune the CLI tests run, under
# valgrind's memcheck. Any memcheck error, or a definite or indirect leak,
# makes valgrind exit 99. The tests compare exit statuses (and some ignore
# them), so a failing run also leaves its log as *.failed in
# $HT_MEMCHECK_LOGS, which tests/san/run.sh checks; clean runs leave nothing.
# valgrind 3.19 does not know openat2 (it warns once per run and returns
# ENOSYS); hosttune then walks paths by hand, which is what runs here.
: "${HT_MEMCHECK_BIN:?}" "${HT_MEMCHECK_LOGS:?}"
log=$HT_MEMCHECK_LOGS/memcheck.$$
valgrind --tool=memcheck --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file="$log" "$HT_MEMCHECK_BIN" "$@"
rc=$?
if [ "$rc" = 99 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
	mv "$log" "$log.failed"
else
	rm -f "$log"
fi
exit "$rc"
