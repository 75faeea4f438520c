# Shared helpers for the shell tests (tests/cli/*.sh, tests/integration/*.sh).
# Each script prints TAP lines ("ok N - what" / "not ok N - what"), exits 0
# when every assertion passed, 1 otherwise, and 77 when it is skipped (with a
# "# SKIP reason" line). tests/run.sh counts the lines.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
HT=${HT:-$TOP/hosttune}
FIXTURES=$TOP/tests/fixtures
_n=0
_failed=0

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }

# check DESC CMD...: pass when CMD succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_exit WANT DESC CMD...: run CMD, compare its exit status.
expect_exit() {
	want=$1 desc=$2
	shift 2
	"$@" >"$TMP/last.out" 2>"$TMP/last.err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $got, wanted $want)"
		sed 's/^/#   /' "$TMP/last.out" "$TMP/last.err" | head -20
	fi
}

# same DESC GOT WANT: string equality, showing both on failure.
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
}

# same_file DESC WANT GOT: the two files are equal; on failure the
# start of diff -u WANT GOT as TAP comments.
same_file() {
	if diff -u "$2" "$3" >"$3.diff" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/#   /' "$3.diff" | head -30
	fi
}

# same_but_time A B: two reports are the same bytes but for the audit's
# UTC time (host.time in JSON), which moves on between two runs.
same_but_time() {
	sed 's/"time": "[0-9TZ:-]*"/"time": "@TIME@"/' "$1" >"$1.untimed" &&
		sed 's/"time": "[0-9TZ:-]*"/"time": "@TIME@"/' "$2" >"$2.untimed" &&
		cmp -s "$1.untimed" "$2.untimed"
}
skip_all() { echo "1..0 # SKIP $*"; exit 77; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip_all "needs $1"; }

# Run the rest of the script inside fresh network and IPC namespaces, so
# nothing it changes can touch the host's own tunables.
in_namespaces() {
	if [ "${HT_IN_NS:-}" != 1 ]; then
		need_root
		need_cmd unshare
		rm -rf "$TMP" # the re-executed script makes its own
		HT_IN_NS=1 exec unshare --net --ipc --uts --mount --propagation private sh "$0" "$@"
	fi
}

# The guard of namespace tests that write real sysctls. On the host, before
# in_namespaces: record_host_values KEY... (paths below /proc/sys). Inside,
# at the end: host_values_unchanged reads them again from a process still
# in the host's namespaces (our parent, kept by exec, else PID 1) and
# checks each is as it was.
flat() { echo "$1" | tr / _; }

record_host_values() {
	need_cmd nsenter
	HT_HOST_VALUES=$(mktemp -d /tmp/hosttune-host.XXXXXX) || exit 1
	for k in "$@"; do
		cat "/proc/sys/$k" >"$HT_HOST_VALUES/$(flat "$k")" || exit 1
	done
	HT_HOST_KEYS="$*"
	HT_HOST_NET=$(readlink /proc/self/ns/net)
	HT_HOST_IPC=$(readlink /proc/self/ns/ipc)
	HT_HOST_MNT=$(readlink /proc/self/ns/mnt)
	export HT_HOST_VALUES HT_HOST_KEYS HT_HOST_NET HT_HOST_IPC HT_HOST_MNT
}

host_values_unchanged() {
	host_pid=
	for pid in "$PPID" 1; do
		if [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$HT_HOST_NET" ] &&
			[ "$(readlink "/proc/$pid/ns/ipc" 2>/dev/null)" = "$HT_HOST_IPC" ]; then
			host_pid=$pid
			break
		fi
	done
	if [ -z "$host_pid" ]; then
		not_ok "found no process in the host's namespaces to compare with"
	else
		for k in $HT_HOST_KEYS; do
			nsenter -t "$host_pid" -n -i cat "/proc/sys/$k" >"$TMP/host-now" 2>&1
			check "host's $k unchanged" cmp -s "$HT_HOST_VALUES/$(flat "$k")" "$TMP/host-now"
		done
	fi
	rm -rf "$HT_HOST_VALUES"
}

# Inside in_namespaces, before the first write: stop unless this process
# really is in namespaces other than the host's, of each kind named (net,
# ipc, mnt; by default net and ipc), as record_host_values saw them.
assert_private_namespaces() {
	[ $# = 0 ] && set -- net ipc
	_what= _shared= _i=0
	for _ns in "$@"; do
		_i=$((_i + 1))
		case $_ns in
		net) _name=network _host=$HT_HOST_NET ;;
		ipc) _name=IPC _host=$HT_HOST_IPC ;;
		mnt) _name=mount _host=$HT_HOST_MNT ;;
		esac
		[ "$(readlink "/proc/self/ns/$_ns")" = "$_host" ] && _shared=1
		if [ -z "$_what" ]; then
			_what=$_name
		elif [ "$_i" = $# ]; then
			_what="$_what and $_name"
		else
			_what="$_what, $_name"
		fi
	done
	if [ $# = 1 ]; then
		_what="running in a private $_what namespace"
	else
		_what="running in private $_what namespaces"
	fi
	if [ -n "$_shared" ]; then
		not_ok "$_what"
		rm -rf "$HT_HOST_VALUES"
		done_testing
		exit 1
	fi
	ok "$_what"
}

# The end of such a test: the host's values, read in its namespaces, are
# what they were.
finish_namespace_test() {
	host_values_unchanged
	done_testing
	exit $?
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" = 0 ]
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hosttune-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
