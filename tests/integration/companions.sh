#!/bin/sh
# Values a write changes as a side effect are saved and restored too:
# writing net.ipv4.conf.all.forwarding rewrites every interface's
# forwarding, and rollback must bring back each one, not just "all".
. "$(dirname "$0")/../lib.sh"
if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	record_host_values net/ipv4/conf/all/forwarding \
		net/ipv4/conf/default/forwarding
fi
in_namespaces "$@"

ip link add hta0 type veth peer name htb0 || skip_all "cannot create veth"
conf=/proc/sys/net/ipv4/conf
echo 1 > $conf/hta0/forwarding
before=$(for f in all default hta0 htb0 lo; do cat $conf/$f/forwarding; done | tr '\n' ' ')

cat > "$TMP/fwd.ini" <<'INI'
[sysctl]
net.ipv4.conf.all.forwarding = 1
INI
expect_exit 0 "apply all.forwarding=1" "$HT" -s "$TMP/state" apply "$TMP/fwd.ini"
same "the kernel set every interface's forwarding" \
	"$(cat $conf/htb0/forwarding)" 1
grep -q 'net.ipv4.conf.hta0.forwarding = "1"' "$TMP"/state/*apply*.ini
check "the snapshot holds the per-interface values (companions)" [ $? = 0 ]
expect_exit 0 "rollback" "$HT" -s "$TMP/state" rollback
after=$(for f in all default hta0 htb0 lo; do cat $conf/$f/forwarding; done | tr '\n' ' ')
same "every interface's forwarding is back, hta0's 1 included" "$after" "$before"

# The same on a fixture: vm.dirty_ratio and vm.dirty_bytes exclude each
# other in the kernel; here a "kernel" step is played by the test.
root=$TMP/root
mkdir -p "$root/proc/sys/vm"
echo 0 > "$root/proc/sys/vm/dirty_ratio"
echo 268435456 > "$root/proc/sys/vm/dirty_bytes"
printf '[sysctl]\nvm.dirty_ratio = 40\n' > "$TMP/dirty.ini"
expect_exit 0 "apply dirty_ratio on a fixture" "$HT" -r "$root" apply "$TMP/dirty.ini"
echo 0 > "$root/proc/sys/vm/dirty_bytes" # what the kernel does
expect_exit 0 "rollback on the fixture" "$HT" -r "$root" rollback
same "dirty_bytes restored" "$(cat "$root/proc/sys/vm/dirty_bytes")" 268435456
same "dirty_ratio restored" "$(cat "$root/proc/sys/vm/dirty_ratio")" 0
expect_exit 1 "apply --dry-run shows the change" \
	"$HT" -r "$root" apply --dry-run -f json "$TMP/dirty.ini"
same "and lists no companion as a change" \
	"$(python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["changes"]])' < "$TMP/last.out")" \
	"['sysctl:vm.dirty_ratio']"
host_values_unchanged
done_testing
