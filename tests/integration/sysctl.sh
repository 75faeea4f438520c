#!/bin/sh
# Real-kernel sysctl test, as root, inside fresh network and IPC namespaces
# (in_namespaces): only net.* and kernel.shmmni are touched, and both are
# per-namespace, so the host's own values never change. The host's values
# are recorded before entering the namespaces and compared at the end.
#
# audit -> apply -> audit clean -> apply again (nothing to change) ->
# rollback (every value back byte for byte); then a profile whose last
# setting the kernel refuses exits 3 and leaves every earlier value alone.
. "$(dirname "$0")/../lib.sh"

KEYS="net/core/somaxconn net/ipv4/tcp_rmem net/ipv4/conf/all/rp_filter
net/ipv4/conf/default/rp_filter net/ipv4/conf/lo/rp_filter kernel/shmmni"


if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	need_cmd unshare
	need_cmd nsenter
	[ -x "$HT" ] || skip_all "no $HT (run make first)"
	# Still on the host: record its values for the final comparison.
	record_host_values $KEYS
	# exec below: lib.sh's EXIT trap would never remove this one.
	rm -rf "$TMP"
fi
in_namespaces "$@"

# Never write anything unless we really are in namespaces of our own.
assert_private_namespaces

S=$TMP/state
ht() { "$HT" -s "$S" --color never "$@"; }
count_snapshots() { find "$S" -maxdepth 1 -name '*.ini' 2>/dev/null | wc -l; }
value() { tr '\t' ' ' <"/proc/sys/$1"; }

# record DIR: cat of every key, byte for byte.
record() {
	mkdir -p "$1"
	for k in $KEYS; do cat "/proc/sys/$k" >"$1/$(flat "$k")"; done
}

# same_values DESC DIR: every key byte for byte as recorded in DIR.
same_values() {
	_bad=
	for k in $KEYS; do
		cat "/proc/sys/$k" >"$TMP/now"
		cmp -s "$1/$(flat "$k")" "$TMP/now" || _bad="$_bad $k"
	done
	if [ -z "$_bad" ]; then
		ok "$2"
	else
		not_ok "$2 (differ:$_bad)"
	fi
}

record "$TMP/before"

# Values different from the namespace's defaults.
somax=$(value net/core/somaxconn)
new_somax=$((somax + 1024))
set -- $(value net/ipv4/tcp_rmem)
new_rmem="$1 $(($2 + 4096)) $(($3 + 1048576))"
shmmni=$(value kernel/shmmni)
if [ "$shmmni" = 8192 ]; then new_shmmni=4096; else new_shmmni=8192; fi
rp=2
[ "$(value net/ipv4/conf/all/rp_filter)" = 2 ] && rp=1

# The values as they were, as a profile, for audits after a rollback.
{
	printf '[sysctl]\n'
	for k in $KEYS; do
		printf '%s = %s\n' "$(echo "$k" | tr / .)" "$(value "$k")"
	done
} >"$TMP/orig.ini"

cat >"$TMP/tune.ini" <<EOF
[profile]
description = integration test: per-namespace sysctls

[sysctl]
net.core.somaxconn = $new_somax
net.ipv4.tcp_rmem = $new_rmem
net.ipv4.conf.*.rp_filter = $rp
kernel.shmmni = $new_shmmni
EOF

expect_exit 1 "audit before apply: deviations" ht audit "$TMP/tune.ini"
expect_exit 0 "apply" ht apply "$TMP/tune.ini"
same "apply: one snapshot" "$(count_snapshots)" 1
same "apply: net.core.somaxconn" "$(value net/core/somaxconn)" "$new_somax"
same "apply: net.ipv4.tcp_rmem" "$(value net/ipv4/tcp_rmem)" "$new_rmem"
for i in all default lo; do
	same "apply: glob set net.ipv4.conf.$i.rp_filter" \
		"$(value net/ipv4/conf/$i/rp_filter)" "$rp"
done
same "apply: kernel.shmmni" "$(value kernel/shmmni)" "$new_shmmni"
check "apply: the glob was expanded to concrete ids" \
	grep -q '^sysctl:net\.ipv4\.conf\.lo\.rp_filter ' "$TMP/last.out"
record "$TMP/applied"
expect_exit 0 "audit after apply: clean" ht audit "$TMP/tune.ini"
expect_exit 0 "apply again: exit 0" ht apply "$TMP/tune.ini"
check "apply again: says nothing to change" grep -q 'nothing to change' "$TMP/last.out"
same "apply again: no new snapshot" "$(count_snapshots)" 1
expect_exit 1 "rollback --dry-run: changes to make" ht rollback --dry-run
same_values "$TMP/applied" "apply again, rollback --dry-run: nothing written"
expect_exit 0 "rollback" ht rollback
same_values "$TMP/before" "rollback: every value back byte for byte"
expect_exit 0 "audit against the original values: clean" ht audit "$TMP/orig.ini"

# JSON of a successful apply: snapshot and applied changes.
expect_exit 0 "apply -f json" ht apply -f json "$TMP/tune.ini"
cp "$TMP/last.out" "$TMP/apply.json"
snap=$(sed -n 's/^  "snapshot": "\(.*\)",*$/\1/p' "$TMP/apply.json")
check "apply -f json: \"snapshot\" names a saved snapshot" test -n "$snap" -a -f "$S/$snap.ini"
same "apply -f json: 6 changes applied" \
	"$(grep -c '"status": "applied"}' "$TMP/apply.json")" 6
expect_exit 0 "rollback that snapshot by id" ht rollback "$snap"
same_values "$TMP/before" "rollback by id: every value back"

# The kernel refuses the last setting: exit 3, everything already changed
# is restored. kernel.shmmni above IPCMNI (32768; 16M with ipcmni_extend).
cat >"$TMP/refused.ini" <<EOF
[sysctl]
net.core.somaxconn = $new_somax
net.ipv4.tcp_rmem = $new_rmem
net.ipv4.conf.*.rp_filter = $rp
kernel.shmmni = 99999999
EOF
n=$(count_snapshots)
expect_exit 3 "apply refused by the kernel: exit 3" ht apply -f json "$TMP/refused.ini"
cp "$TMP/last.out" "$TMP/refused.json"
check "refused: stderr names the refused key" grep -q 'kernel\.shmmni' "$TMP/last.err"
same_values "$TMP/before" "refused: every earlier value as it was"
same "refused: its snapshot was written first" "$(count_snapshots)" $((n + 1))
if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null; then
	check "refused: JSON has snapshot and changes (rolled-back..., failed)" \
		python3 - "$TMP/refused.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "apply" and d["snapshot"], d.get("snapshot")
st = [(c["id"], c["status"]) for c in d["changes"]]
assert st[-1] == ("sysctl:kernel.shmmni", "failed"), st
assert all(s == "rolled-back" for _, s in st[:-1]), st
assert len(st) == 6, st
EOF
else
	check "refused: JSON has a snapshot" grep -q '"snapshot": "' "$TMP/refused.json"
	check "refused: JSON has the failed change" \
		grep -q '"id": "sysctl:kernel.shmmni".*"status": "failed"' "$TMP/refused.json"
	same "refused: JSON has 5 rolled-back changes" \
		"$(grep -c '"status": "rolled-back"' "$TMP/refused.json")" 5
fi
expect_exit 0 "refused: audit against the original values is clean" \
	ht audit "$TMP/orig.ini"

# A read-only key (0444): audit reads it without asking its mode (what
# audit reports never needs it: no fstat a key), and apply's plan still
# knows it cannot be written.
ro=net.ipv4.tcp_available_congestion_control
{
	printf '[sysctl]\n%s = not-an-algorithm\n' "$ro"
	for k in net.core.somaxconn net.ipv4.conf.all.rp_filter \
		net.ipv4.conf.default.rp_filter net.ipv4.conf.lo.rp_filter; do
		printf '%s = %s\n' "$k" "$(cat "/proc/sys/$(echo "$k" | tr . /)")"
	done
} >"$TMP/ro.ini"
expect_exit 1 "read-only key: audit reports the deviation" ht audit "$TMP/ro.ini"
grep -q "^sysctl:$ro  *deviation  *not-an-algorithm  *[a-z]" "$TMP/last.out"
check "... with the kernel's value" [ $? = 0 ]
expect_exit 1 "read-only key: apply --dry-run refuses the plan" \
	ht apply --dry-run "$TMP/ro.ini"
grep -q "sysctl:$ro: read-only on this host" "$TMP/last.err"
check "... naming the key as read-only" [ $? = 0 ]
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=fstat,newfstatat,statx -e signal=none \
		-o "$TMP/ro.tr" "$HT" -s "$S" audit "$TMP/ro.ini" >/dev/null 2>&1
	# procfs files show st_size=0; the first key is opened from the
	# root (the kept directory comes after it) and stat'ed as before
	n=$(grep -c 'S_IFREG|0[46]44, st_size=0,' "$TMP/ro.tr")
	check "audit of 5 keys stats at most one of them ($n)" [ "$n" -le 1 ]
fi

# A key with something mounted over it (container runtimes mask proc
# files with /dev/null) is not a procfs file: an error, also when the
# key before it in the same directory was read (the kept directory).
mount --bind /dev/null /proc/sys/net/core/somaxconn
printf '[sysctl]\nnet.core.rmem_max = 1\nnet.core.somaxconn = 4096\n' \
	>"$TMP/masked.ini"
expect_exit 1 "a masked key: audit exits 1" ht audit -f json "$TMP/masked.ini"
grep -q '"id": "sysctl:net.core.somaxconn".*"actual": null, "status": "error"' "$TMP/last.out"
check "... the masked key is an error, not an empty value" [ $? = 0 ]
umount /proc/sys/net/core/somaxconn
mkfifo "$TMP/fifo"
mount --bind "$TMP/fifo" /proc/sys/net/core/somaxconn
expect_exit 1 "a FIFO over a key: audit exits 1" ht audit "$TMP/masked.ini"
grep -q '^sysctl:net.core.somaxconn  *error .*(not a regular file' "$TMP/last.out"
check "... the key is an error: not a regular file" [ $? = 0 ]
umount /proc/sys/net/core/somaxconn

# On the live host a boot source with another hard link is read: ostree
# ships /usr/lib/sysctl.d as links into its repository (a tmpfs mounted
# here, in this test's own mount namespace, stands in for it).
mkdir -p /usr/lib/sysctl.d
mount -t tmpfs tmpfs /usr/lib/sysctl.d
echo 'net.core.somaxconn = 4096' >/usr/lib/sysctl.d/repo-object
ln /usr/lib/sysctl.d/repo-object /usr/lib/sysctl.d/50-vendor.conf
printf '[sysctl]\nnet.core.somaxconn = 4096\n' >"$TMP/vendor.ini"
ht audit -f json "$TMP/vendor.ini" >"$TMP/vendor.json"
grep -q '"boot_source": "/usr/lib/sysctl.d/50-vendor.conf:1"' "$TMP/vendor.json"
check "a hard-linked boot source on the live host is read" [ $? = 0 ]
umount /usr/lib/sysctl.d
finish_namespace_test
