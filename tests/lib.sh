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

done_testing() {
	echo "1..$_n"
	[ "$_failed" = 0 ]
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hosttune-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
