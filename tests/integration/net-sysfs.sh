#!/bin/sh
# RPS/XPS masks are read through sysfs, which shows the devices of the
# network namespace it was mounted in. In a namespace made without a sysfs
# of its own, a device named like one of the host's (and, the first one
# made, with the same ifindex) must not have the host's queue masks read
# for it: the check is missing, and says why. The test's namespace is
# made by unshare --net only, keeping the host's /sys, and its device is
# given the host device's name and ifindex.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd unshare
need_cmd ip
need_cmd python3

host_dev=
for d in /sys/class/net/*; do
	n=${d##*/}
	[ "$n" = lo ] || [ ! -e "$d/queues/rx-0/rps_cpus" ] && continue
	host_dev=$n
	break
done
[ -n "$host_dev" ] || skip_all "the host has no device with RPS queues"
host_index=$(cat "/sys/class/net/$host_dev/ifindex")

printf '[net %s]\nrps-cpus = 1\nmtu = 1500\n' "$host_dev" >"$TMP/p.ini"
unshare --net sh -c '
	ip link add "$1" index "$4" type veth peer name htpeer0 || exit 77
	echo "index=$(ip -o link show "$1" | cut -d: -f1)"
	"$2" -s "$3/state" -f json audit "$3/p.ini" >"$3/out.json"
	echo "rc=$?"' sh "$host_dev" "$HT" "$TMP" "$host_index" \
	>"$TMP/run.log" 2>&1
rc=$?
[ "$rc" = 77 ] && skip_all "cannot make a veth in a new network namespace"
same "the audit ran (0: missing is not a failure)" \
	"$(sed -n 's/^rc=//p' "$TMP/run.log")" 0
python3 - "$TMP/out.json" >"$TMP/st" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["id"].split(":")[-1], r["status"], r.get("detail", ""))
PY
grep -q "^rps-cpus missing .*another network namespace" "$TMP/st"
check "rps-cpus of a same-named device is missing, saying why" [ $? = 0 ]
grep -q "^mtu " "$TMP/st"
check "the device itself is read over netlink" [ $? = 0 ]
echo "# host device $host_dev (ifindex $host_index); in the namespace: $(sed -n 's/^index=//p' "$TMP/run.log")"
done_testing
