#!/bin/sh
# make bench: the budgets of issue 14, each against its reference (procps
# sysctl, findmnt, ip, prlimit) and its floor (tests/bench/floor.c), in one
# table; then the scaling table. Exits 1 when a row is over budget.
#
# Everything runs in private network and mount namespaces made here: the
# 2,000 veth pairs and 20,000 tmpfs mounts exist only there and vanish with
# them; the 100 sleep processes are ours and killed by pid; the CPU and
# disk trees are fixtures in a temporary directory. No host tunable is
# written. BENCH_QUICK=1: few runs, no budgets (a smoke test).
set -eu
cd "$(dirname "$0")/../.."
floor=${1:-build/bench/floor}
floor_dynamic=${2:-build/bench/floor-dynamic}
if [ "${HT_BENCH_NS:-}" != 1 ]; then
	for c in hyperfine python3 unshare ip findmnt prlimit; do
		command -v $c >/dev/null || { echo "bench: needs $c; skipped"; exit 0; }
	done
	[ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces); skipped"; exit 0; }
	# the host's namespaces, so bench.py can see it is not in them
	HT_BENCH_HOST_NET=$(readlink /proc/self/ns/net)
	HT_BENCH_HOST_MNT=$(readlink /proc/self/ns/mnt)
	export HT_BENCH_HOST_NET HT_BENCH_HOST_MNT
	HT_BENCH_NS=1 exec unshare --net --mount --propagation private \
		sh "$0" "$@"
fi
ip link set lo up
exec python3 tests/bench/bench.py "$floor" "$floor_dynamic"
