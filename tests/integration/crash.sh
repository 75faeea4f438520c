#!/bin/sh
# Crash test, as root, inside fresh network and IPC namespaces: apply is
# killed with SIGKILL after its snapshot is on disk and one value changed,
# and rollback restores the host from that snapshot. No test-only code in
# the product: strace delays the write to the second key (-P matches the
# fd opened on /proc/sys/kernel/shmmni), which holds apply half-way.
. "$(dirname "$0")/../lib.sh"

KEYS="net/core/somaxconn kernel/shmmni"

if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	need_cmd unshare
	need_cmd nsenter
	need_cmd strace
	[ -x "$HT" ] || skip_all "no $HT (run make first)"
	strace -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
	record_host_values $KEYS
	rm -rf "$TMP" # exec below: lib.sh's EXIT trap would never run
fi
in_namespaces "$@"

strace_pid= ht_pid=
cleanup() {
	# Only the processes this script started, by pid: hosttune first (a
	# killed strace would let it run on), then strace.
	[ -z "$ht_pid" ] && [ -n "$strace_pid" ] && ht_pid=$(children "$strace_pid")
	[ -n "$ht_pid" ] && kill -KILL $ht_pid 2>/dev/null
	[ -n "$strace_pid" ] && kill -KILL "$strace_pid" 2>/dev/null
	rm -rf "$TMP" "$HT_HOST_VALUES"
}
trap cleanup EXIT

# Never write anything unless we really are in namespaces of our own.
assert_private_namespaces

S=$TMP/state
value() { cat "/proc/sys/$1"; }
count_snapshots() { find "$S" -maxdepth 1 -name '*.ini' 2>/dev/null | wc -l; }

# children PID: the pids whose parent is PID.
children() {
	if command -v pgrep >/dev/null 2>&1; then
		pgrep -P "$1"
		return
	fi
	for st in /proc/[0-9]*/stat; do
		# "pid (comm) state ppid ...": comm may hold blanks; cut after ')'.
		_s=$(cat "$st" 2>/dev/null) || continue
		_ppid=$(echo "${_s##*) }" | cut -d' ' -f2)
		[ "$_ppid" = "$1" ] && echo "${_s%% *}"
	done
}

mkdir -p "$TMP/before"
for k in $KEYS; do cat "/proc/sys/$k" >"$TMP/before/$(flat "$k")"; done
somax=$(value net/core/somaxconn)
shmmni=$(value kernel/shmmni)
new_somax=$((somax + 1000))
if [ "$shmmni" = 8000 ]; then new_shmmni=4000; else new_shmmni=8000; fi
printf '[sysctl]\nnet.core.somaxconn = %s\nkernel.shmmni = %s\n' \
	"$new_somax" "$new_shmmni" >"$TMP/crash.ini"
printf '[sysctl]\nnet.core.somaxconn = %s\nkernel.shmmni = %s\n' \
	"$somax" "$shmmni" >"$TMP/orig.ini"

strace -f -o /dev/null -P /proc/sys/kernel/shmmni -e trace=write \
	-e inject=write:delay_enter=20s \
	"$HT" -s "$S" apply "$TMP/crash.ini" >"$TMP/apply.out" 2>&1 &
strace_pid=$!

# Wait (at most 10 s) for the snapshot and the first value.
i=0
while [ $i -lt 100 ]; do
	[ "$(count_snapshots)" -ge 1 ] &&
		[ "$(value net/core/somaxconn)" = "$new_somax" ] && break
	sleep 0.1
	i=$((i + 1))
done
check "apply wrote its snapshot and changed the first value" \
	test "$(count_snapshots)" -ge 1 -a "$(value net/core/somaxconn)" = "$new_somax"

ht_pid=$(children "$strace_pid" | head -1)
check "found hosttune under strace" test -n "$ht_pid"
if [ -n "$ht_pid" ]; then
	check "it is hosttune" test "$(readlink "/proc/$ht_pid/exe")" = "$(readlink -f "$HT")"
	kill -KILL "$ht_pid"
fi
# A tracee held in a delayed syscall stays stopped until its tracer goes:
# kill strace too (the pending SIGKILL then ends hosttune before the write).
kill -KILL "$strace_pid" 2>/dev/null
wait "$strace_pid" 2>/dev/null
i=0
while [ -n "$ht_pid" ] && kill -0 "$ht_pid" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "hosttune is gone" sh -c '[ -z "$1" ] || ! kill -0 "$1" 2>/dev/null' sh "$ht_pid"
strace_pid= ht_pid=
check "apply never finished (no summary)" sh -c '! grep -q "changes applied" "$1"' sh "$TMP/apply.out"

# The crash state: first value changed, second not.
same "crash state: net.core.somaxconn changed" "$(value net/core/somaxconn)" "$new_somax"
same "crash state: kernel.shmmni unchanged" "$(value kernel/shmmni)" "$shmmni"
snap=$(find "$S" -maxdepth 1 -name '*.ini' | head -1)
check "the snapshot holds both old values" sh -c \
	'grep -qx "net.core.somaxconn = \"$2\"" "$1" && grep -qx "kernel.shmmni = \"$3\"" "$1"' \
	sh "$snap" "$somax" "$shmmni"
same "the snapshot file is 0600" "$(stat -c %a "$snap")" 600

expect_exit 0 "rollback after the crash" "$HT" -s "$S" rollback
for k in $KEYS; do
	cat "/proc/sys/$k" >"$TMP/now" # (cmp would trust procfs' size of 0)
	check "rollback: $k back byte for byte" cmp -s "$TMP/before/$(flat "$k")" "$TMP/now"
done
expect_exit 0 "audit shows the original values" "$HT" -s "$S" audit "$TMP/orig.ini"
finish_namespace_test
