#!/bin/sh
# The commands of dist/systemd's services, run the way systemd would run
# them but without systemd: each unit's ExecStart (the binary swapped for
# the one built here) under its CapabilityBoundingSet and NoNewPrivileges
# (setpriv), traced (strace) to check that every system call it makes is
# in its SystemCallFilter and every socket in RestrictAddressFamilies.
#
# As root, inside fresh network, IPC, UTS and mount namespaces: the profile
# sets only net.core.somaxconn and lo's MTU of the new network namespace,
# and /etc and /var/lib are overlays whose changes stay in the mount
# namespace (the profile in /etc/hosttune/profiles, the drop-in of
# --persist, the state directory, the textfile directory). The host's
# net.core.somaxconn is compared before and after.
. "$(dirname "$0")/../lib.sh"

if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	need_cmd unshare
	need_cmd nsenter
	need_cmd setpriv
	need_cmd strace
	need_cmd systemd-analyze
	need_cmd ip
	[ -x "$HT" ] || skip_all "no $HT (run make first)"
	grep -qw overlay /proc/filesystems 2>/dev/null ||
		modprobe overlay 2>/dev/null || skip_all "needs overlayfs"
	record_host_values net/core/somaxconn
	rm -rf "$TMP"
fi
in_namespaces "$@"

assert_private_namespaces net ipc mnt

# /etc and /var/lib writable here only.
for d in /etc /var/lib; do
	f=$(flat "$d")
	mkdir -p "$TMP/ovl/$f/upper" "$TMP/ovl/$f/work"
	mount -t overlay overlay \
		-o "lowerdir=$d,upperdir=$TMP/ovl/$f/upper,workdir=$TMP/ovl/$f/work" "$d"
	check "an overlay on $d, private to this test" [ $? = 0 ]
done
[ "$_failed" = 0 ] || { rm -rf "$HT_HOST_VALUES"; done_testing; exit 1; }

mkdir -p /etc/hosttune/profiles /etc/sysctl.d /var/lib/prometheus/node-exporter
rm -rf /var/lib/hosttune # StateDirectory= makes it, empty, 0700
mkdir -m 0700 /var/lib/hosttune
rm -f /var/lib/prometheus/node-exporter/hosttune.prom /etc/sysctl.d/90-hosttune.conf
cat >/etc/hosttune/profiles/nstest.ini <<'EOF'
[profile]
description = units-sandbox.sh: settings of this network namespace only

[sysctl]
net.core.somaxconn = 8192

[net lo]
mtu = 9000

[rlimit self]
nofile = >=64

[mount /proc]
options = !ro
EOF
somaxconn() { cat /proc/sys/net/core/somaxconn; }
# (not /sys/class/net: that sysfs was mounted in the host's namespace)
lo_mtu() { ip -o link show lo | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }
echo 4096 >/proc/sys/net/core/somaxconn
ip link set lo mtu 65536

APPLY=$TOP/dist/systemd/hosttune-apply.service
AUDIT=$TOP/dist/systemd/hosttune-audit.service
value() { sed -n "s/^$2=//p" "$1" | tr '\n' ' ' | sed 's/ *$//'; }

# syscalls GROUP-OR-NAME...: the system calls a filter allows, one a line.
syscalls() {
	for s in "$@"; do
		case $s in
		@*) syscalls $(systemd-analyze syscall-filter "$s" |
			sed -n 's/^    \([@a-z0-9_-]*\)$/\1/p') ;;
		*) echo "$s" ;;
		esac
	done
}

# run_unit UNIT TRACE [ARG...]: UNIT's ExecStart with ARG... appended, in
# its sandbox, traced into TRACE; its exit status.
run_unit() {
	_u=$1 _trace=$2
	shift 2
	_caps=-all
	for c in $(value "$_u" CapabilityBoundingSet); do
		_caps="$_caps,+$(echo "${c#CAP_}" | tr 'A-Z' 'a-z')"
	done
	_nnp=
	[ "$(value "$_u" NoNewPrivileges)" = yes ] && _nnp=--no-new-privs
	set -- $(value "$_u" ExecStart | sed "s|^/usr/sbin/hosttune |$HT |") "$@"
	setpriv --bounding-set="$_caps" --inh-caps=-all $_nnp -- \
		strace -f -qq -o "$_trace" -- "$@" >"$TMP/last.out" 2>"$TMP/last.err"
}

# sandboxed UNIT TRACE: every system call of TRACE is in UNIT's filter and
# every socket of a family UNIT allows.
sandboxed() {
	_unit=$(basename "$1" .service)
	syscalls $(value "$1" SystemCallFilter) | sort -u >"$TMP/allowed"
	sed -n 's/^[0-9][0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$2" | sort -u >"$TMP/used"
	check "$_unit: made system calls ($(wc -l <"$TMP/used") kinds)" [ -s "$TMP/used" ]
	same "$_unit: every one is in its SystemCallFilter" \
		"$(comm -23 "$TMP/used" "$TMP/allowed" | tr '\n' ' ')" ""
	_fam=$(sed -n 's/.* socket(\(AF_[A-Z0-9]*\),.*/\1/p' "$2" | sort -u)
	_bad=
	for f in $_fam; do
		case " $(value "$1" RestrictAddressFamilies) " in
		*" $f "*) ;;
		*) _bad="$_bad $f" ;;
		esac
	done
	same "$_unit: every socket ($(echo $_fam)) of a family in RestrictAddressFamilies" "$_bad" ""
}

# statuses ARGS...: "id status" of an audit, one a line.
statuses() {
	python3 -c 'import json, sys
for r in json.load(sys.stdin)["results"]:
    print(r["id"], r["status"])' <"$1" | sed 's/@[0-9]*:/@PID:/' 
}

# ---- an audit needs no capability: the same verdicts with none ----
"$HT" -f json audit nstest >"$TMP/root.json" 2>/dev/null
setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- \
	"$HT" -f json audit nstest >"$TMP/nocaps.json" 2>/dev/null
check "audit nstest with no capability runs" [ -s "$TMP/nocaps.json" ]
same "... with the same verdicts as with all" "$(statuses "$TMP/nocaps.json")" \
	"$(statuses "$TMP/root.json")"
"$HT" -f json audit baseline >"$TMP/root.json" 2>/dev/null
setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- \
	"$HT" -f json audit baseline >"$TMP/nocaps.json" 2>/dev/null
same "audit baseline with no capability: the same verdicts as with all" \
	"$(statuses "$TMP/nocaps.json")" "$(statuses "$TMP/root.json")"

# ---- hosttune-apply.service ----
run_unit "$APPLY" "$TMP/none.trace"
same "apply unit, no active profile: exit 2 (and ConditionPathExists= keeps it from starting)" \
	"$?" 2
run_unit "$APPLY" "$TMP/apply.trace" nstest
rc=$?
same "the apply unit's command with a profile, in its sandbox: exit 0" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/#   /' "$TMP/last.err" | head -10
same "... net.core.somaxconn of this namespace set" "$(somaxconn)" 8192
same "... lo's MTU set" "$(lo_mtu)" 9000
sandboxed "$APPLY" "$TMP/apply.trace"

# ---- hosttune-audit.service ----
run_unit "$AUDIT" "$TMP/audit.trace"
rc=$?
case " 0 $(value "$AUDIT" SuccessExitStatus) " in
*" $rc "*) ok "the audit unit's command, in its sandbox: exit $rc, a success" ;;
*) not_ok "the audit unit's command, in its sandbox: exit $rc"
	sed 's/^/#   /' "$TMP/last.err" | head -10 ;;
esac
PROM=/var/lib/prometheus/node-exporter/hosttune.prom
same "... wrote $PROM, mode 0644 for node_exporter" "$(stat -c %a "$PROM" 2>/dev/null)" 644
if command -v promtool >/dev/null 2>&1; then
	expect_exit 0 "... which promtool check metrics accepts" \
		sh -c 'promtool check metrics <"$1"' - "$PROM"
else
	ok "... which promtool check metrics accepts # SKIP no promtool"
fi
ls /var/lib/prometheus/node-exporter | grep -v '\.prom$' >"$TMP/left"
same "... and left no temporary file beside it" "$(cat "$TMP/left")" ""
sandboxed "$AUDIT" "$TMP/audit.trace"

"$HT" -q rollback >/dev/null 2>&1
same "rollback: somaxconn back" "$(somaxconn) $(lo_mtu)" "4096 65536"

# ---- apply --persist, then a boot: the unit applies the active profile ----
if "$HT" apply --help 2>/dev/null | grep -q -- --persist; then
	expect_exit 0 "apply nstest --persist" "$HT" -q apply nstest --persist
	check "... records an active profile" [ -f /var/lib/hosttune/active-profile ]
	grep -qs '^net.core.somaxconn *= *8192$' /etc/sysctl.d/90-hosttune.conf
	check "... writes net.core.somaxconn to /etc/sysctl.d/90-hosttune.conf" [ $? = 0 ]
	# A reboot: every value back to the kernel's.
	echo 4096 >/proc/sys/net/core/somaxconn
	ip link set lo mtu 65536
	run_unit "$APPLY" "$TMP/boot.trace"
	same "boot: the apply unit applies the active profile, exit 0" "$?" 0
	same "... somaxconn and lo's MTU as the profile says" \
		"$(somaxconn) $(lo_mtu)" "8192 9000"
	run_unit "$AUDIT" "$TMP/audit2.trace"
	grep -q '^hosttune_last_run_timestamp_seconds{profile="nstest"}' "$PROM"
	check "the audit unit audits the active profile" [ $? = 0 ]
else
	for a in "apply nstest --persist" "... records an active profile" \
		"... writes net.core.somaxconn to /etc/sysctl.d/90-hosttune.conf" \
		"boot: the apply unit applies the active profile, exit 0" \
		"... somaxconn and lo's MTU as the profile says" \
		"the audit unit audits the active profile"; do
		ok "$a # SKIP needs apply --persist and apply/audit of the active profile"
	done
fi

host_values_unchanged
done_testing
