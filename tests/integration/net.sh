#!/bin/sh
# Real-kernel net domain test, as root, inside fresh network, IPC, UTS and
# mount namespaces (in_namespaces): the links are veth pairs made here,
# sysfs is mounted afresh for this namespace (RPS masks), and the host's
# own interfaces are never seen, let alone touched.
#
# audit -> apply -> audit clean -> apply again (nothing to change) ->
# rollback, with mtu, txqueuelen, gro, tso, rx-channels and rps-cpus each
# back exactly as they were; a glob over several veths; target lists
# ([net *] never lo, [net *,lo], '!' exclusions); values the kernel
# refuses (mtu above the maximum, below the minimum, too many channels)
# exit 3 with every earlier change undone; what veth lacks (rings,
# coalescing, combined channels) is missing, fixed features manual.
. "$(dirname "$0")/../lib.sh"

if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	need_cmd ip
	[ -x "$HT" ] || skip_all "no $HT (run make first)"
	record_host_values # no sysctls: the namespaces, for the guard
	rm -rf "$TMP" # exec below: lib.sh's EXIT trap would never run
fi
in_namespaces "$@"
assert_private_namespaces

mount -t sysfs sysfs /sys 2>/dev/null || skip_all "cannot mount sysfs"
for p in a b; do
	ip link add hv${p}0 type veth peer name hv${p}1 ||
		skip_all "cannot create veth pairs"
done
have_ethtool=0
command -v ethtool >/dev/null 2>&1 && have_ethtool=1

ht() { "$HT" -s "$TMP/state" "$@"; }

# One line with everything this test changes on a link, read by other
# tools than hosttune: ip(8) for mtu and qlen, ethtool(8) (when
# installed) for features and channels, the queue files for RPS.
link_state() {
	dev=$1
	line=$(ip -o link show dev "$dev")
	mtu=$(echo "$line" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
	qlen=$(echo "$line" | sed -n 's/.* qlen \([0-9]*\).*/\1/p')
	rps=$(cat /sys/class/net/"$dev"/queues/rx-*/rps_cpus | tr '\n' ' ')
	feat=
	if [ $have_ethtool = 1 ]; then
		feat=$(ethtool -k "$dev" | awk '
			/^generic-receive-offload:/ { g = $2 }
			/^\ttx-tcp-segmentation:/ { t = $2 }
			/^\ttx-tcp6-segmentation:/ { t6 = $2 }
			END { print "gro=" g, "tso=" t "/" t6 }')
		feat="$feat rx=$(ethtool -l "$dev" 2>/dev/null | awk '/^RX:/ { v = $2 } END { print v }')"
	fi
	echo "mtu=$mtu qlen=$qlen rps=$rps$feat"
}

# Statuses of a JSON report, "id=status" sorted.
statuses() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(r["id"] + "=" + r["status"] for r in d["results"])))' "$1"
}

cat >"$TMP/tune.ini" <<'INI'
[net hva0]
mtu = 9000
txqueuelen = 5000
gro = on
tso = off
rx-channels = max
rps-cpus = 1
INI

before=$(link_state hva0)
expect_exit 1 "audit finds the deviations" ht audit -f json "$TMP/tune.ini"
same "six deviations on hva0" "$(statuses "$TMP/last.out")" \
	"net:hva0:gro=deviation net:hva0:mtu=deviation net:hva0:rps-cpus=deviation net:hva0:rx-channels=deviation net:hva0:tso=deviation net:hva0:txqueuelen=deviation"
expect_exit 0 "apply" ht apply "$TMP/tune.ini"
expect_exit 0 "audit is clean after apply" ht audit "$TMP/tune.ini"
after=$(link_state hva0)
case "$after" in
mtu=9000\ qlen=5000\ rps=1\ *) ok "ip and sysfs see the new values ($after)" ;;
*) not_ok "ip and sysfs see the new values (got $after)" ;;
esac
if [ $have_ethtool = 1 ]; then
	same "ethtool sees gro on, tso off, 2 rx channels" \
		"gro=${after#*gro=}" "gro=on tso=off/off rx=2"
fi
expect_exit 0 "a second apply changes nothing" ht apply "$TMP/tune.ini"
grep -q "nothing to change" "$TMP/last.out"
check "and says so" [ $? = 0 ]
expect_exit 0 "rollback" ht rollback
same "every value back exactly as it was" "$(link_state hva0)" "$before"
expect_exit 1 "audit deviates again" ht audit "$TMP/tune.ini"

# A glob over several veths.
cat >"$TMP/glob.ini" <<'INI'
[net hv*]
mtu = 4000
txqueuelen = >=2000
INI
before_all=$(for d in hva0 hva1 hvb0 hvb1 lo; do link_state $d; done)
expect_exit 0 "apply over hv*" ht apply -f json "$TMP/glob.ini"
same "eight changes, one per link and key" \
	"$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["changes"]))' <"$TMP/last.out")" 8
same "every hv link has mtu 4000" \
	"$(for d in hva0 hva1 hvb0 hvb1; do link_state $d; done | cut -d' ' -f1-2 | sort -u)" \
	"mtu=4000 qlen=2000"
expect_exit 0 "rollback the glob" ht rollback
same "all four links and lo as before" \
	"$(for d in hva0 hva1 hvb0 hvb1 lo; do link_state $d; done)" "$before_all"

# Target lists: a bare '*' is every link but lo (this namespace has only
# lo and the four veths); lo only when named; '!' takes links out.
printf '[net *]\nmtu = >=68\n' >"$TMP/star.ini"
expect_exit 0 "audit of [net *]" ht audit -f json "$TMP/star.ini"
same "[net *] is the four veths, never lo" "$(statuses "$TMP/last.out")" \
	"net:hva0:mtu=ok net:hva1:mtu=ok net:hvb0:mtu=ok net:hvb1:mtu=ok"
printf '[net *,lo]\nmtu = >=68\n' >"$TMP/star.ini"
expect_exit 0 "audit of [net *,lo]" ht audit -f json "$TMP/star.ini"
same "[net *,lo] adds lo" "$(statuses "$TMP/last.out")" \
	"net:hva0:mtu=ok net:hva1:mtu=ok net:hvb0:mtu=ok net:hvb1:mtu=ok net:lo:mtu=ok"
printf '[net hv*,!hva1,!hvb?]\nmtu = 3000\n' >"$TMP/except.ini"
before_all=$(for d in hva0 hva1 hvb0 hvb1 lo; do link_state $d; done)
expect_exit 0 "apply [net hv*,!hva1,!hvb?]" ht apply -f json "$TMP/except.ini"
same "... changes hva0 alone" \
	"$(for d in hva0 hva1 hvb0 hvb1; do link_state $d; done | cut -d' ' -f1 | tr '\n' ' ')" \
	"mtu=3000 mtu=1500 mtu=1500 mtu=1500 "
expect_exit 0 "rollback the list" ht rollback
same "all four links and lo as before the list" \
	"$(for d in hva0 hva1 hvb0 hvb1 lo; do link_state $d; done)" "$before_all"

# The kernel refuses the last value: everything before it is undone.
refused() {
	what=$1
	printf '%s\n' "$2" >"$TMP/bad.ini"
	before_a=$(link_state hva0) before_b=$(link_state hvb0)
	expect_exit 3 "$what: apply fails, exit 3" ht apply -f json "$TMP/bad.ini"
	same "$what: hva0 back as it was" "$(link_state hva0)" "$before_a"
	same "$what: hvb0 back as it was" "$(link_state hvb0)" "$before_b"
}
refused "mtu 70000" "[net hva0]
txqueuelen = 3000
gro = on
tso = off
mtu = 9000
[net hvb0]
mtu = 70000"
same "the changes are rolled back, the refused one failed" \
	"$(python3 -c 'import json,sys; print(" ".join(c["status"] for c in json.load(sys.stdin)["changes"]))' <"$TMP/last.out")" \
	"rolled-back rolled-back rolled-back rolled-back failed"
refused "mtu below the minimum" "[net hva0]
mtu = 9000
[net hvb0]
txqueuelen = 100
mtu = 60"
refused "more channels than the device has" "[net hva0]
mtu = 2000
rx-channels = 2
[net hvb0]
rx-channels = 64"

# What veth lacks is missing; a fixed feature is manual unless it
# already matches, and manual is a finding: it needs an outside action.
cat >"$TMP/lacks.ini" <<'INI'
[net hva0]
rx-ring = 512
tx-ring = max
rx-usecs = 10
adaptive-rx = on
combined-channels = 2
lro = off
[net hvb0]
lro = on
[net nosuchdev0]
mtu = 1500
INI
expect_exit 1 "audit: unsupported settings are not failures, a fixed one is" \
	ht audit -f json "$TMP/lacks.ini"
same "statuses" "$(statuses "$TMP/last.out")" \
	"net:hva0:adaptive-rx=missing net:hva0:combined-channels=missing net:hva0:lro=ok net:hva0:rx-ring=missing net:hva0:rx-usecs=missing net:hva0:tx-ring=missing net:hvb0:lro=manual net:nosuchdev0:mtu=missing"
expect_exit 0 "apply has nothing it can change" ht apply "$TMP/lacks.ini"

# --root: files only, from a fixture tree.
printf '[net *]\nmtu = 1500\ngro = on\n' >"$TMP/root.ini"
expect_exit 1 "audit a fixture tree with --root" \
	"$HT" -r "$FIXTURES/net-root" audit -f json "$TMP/root.ini"
same "mtu from sysfs, features missing" "$(statuses "$TMP/last.out")" \
	"net:eth0:gro=missing net:eth0:mtu=ok net:eth1:gro=missing net:eth1:mtu=deviation"

# libmnl is loaded when a check first needs netlink (src/mnl_lazy.c): a
# run without one does not map it, and where it cannot be loaded the net
# checks are errors and the rest of the audit is done. Bind-mounted over
# in this test's own mount namespace, and put back.
lib=$(ldconfig -p | awk '/libmnl\.so\.0 / { print $NF; exit }')
if [ -n "$lib" ] && command -v strace >/dev/null 2>&1; then
	printf '[sysctl]\nnet.core.somaxconn = %s\n' \
		"$(cat /proc/sys/net/core/somaxconn)" >"$TMP/nonet.ini"
	strace -f -e trace=openat,openat2 -e signal=none -o "$TMP/nonet.tr" \
		"$HT" -s "$TMP/state" audit "$TMP/nonet.ini" >/dev/null 2>&1
	grep -q 'libmnl' "$TMP/nonet.tr"
	check "an audit without a net check does not load libmnl" [ $? != 0 ]
	printf '[net lo]\nmtu = %s\n' "$(cat /sys/class/net/lo/mtu)" \
		>"$TMP/nomnl.ini"
	cat "$TMP/nonet.ini" >>"$TMP/nomnl.ini"
	mount --bind /dev/null "$lib"
	expect_exit 1 "libmnl cannot be loaded: audit exits 1" \
		ht audit -f json "$TMP/nomnl.ini"
	same "... the net check is an error, the sysctl one ok" \
		"$(statuses "$TMP/last.out")" \
		"net:lo:mtu=error sysctl:net.core.somaxconn=ok"
	same "... the loader's reason, once, on stderr" \
		"$(grep -c "$lib" "$TMP/last.err")" 1
	umount "$lib"
fi
finish_namespace_test
