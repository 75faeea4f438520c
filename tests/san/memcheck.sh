#!/bin/sh
# HT for `make check-valgrind`: the hosttune the CLI tests run, under
# valgrind's memcheck. Any memcheck error, or a definite or indirect leak,
# makes valgrind exit 99. The tests compare exit statuses (and some ignore
# them), so a failing run also leaves its log as *.failed in the log
# directory, which tests/san/run.sh checks; clean runs leave nothing.
# valgrind 3.19 does not know openat2 (it warns once per run and returns
# ENOSYS); hosttune then walks paths by hand, which is what runs here.
#
# tests/san/run.sh installs a copy with the two paths below written in,
# because some tests run HT with a cleared environment (env -i).
bin=${HT_MEMCHECK_BIN:?}
logs=${HT_MEMCHECK_LOGS:?}
log=$logs/memcheck.$$
valgrind --tool=memcheck --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file="$log" "$bin" "$@"
rc=$?
if [ "$rc" = 99 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
	mv "$log" "$log.failed"
else
	rm -f "$log"
fi
exit "$rc"
