#!/bin/sh
# dist/ansible with Debian's ansible-core, against localhost (connection
# local), as root inside fresh network, IPC, UTS and mount namespaces: the
# profile sets net.core.somaxconn of the new network namespace only, and the
# host's value is compared before and after.
#
# audit (a finding is no failure; the report is collected) -> apply --check
# (changed, nothing written) -> apply (changed=1) -> apply (changed=0) ->
# audit (clean) -> apply of an unknown profile (a failure).
. "$(dirname "$0")/../lib.sh"

if [ "${HT_IN_NS:-}" != 1 ]; then
	need_root
	need_cmd unshare
	need_cmd nsenter
	need_cmd ansible-playbook
	need_cmd python3
	[ -x "$HT" ] || skip_all "no $HT (run make first)"
	record_host_values net/core/somaxconn
	rm -rf "$TMP"
fi
in_namespaces "$@"

assert_private_namespaces net

somaxconn() { cat /proc/sys/net/core/somaxconn; }
echo 4096 >/proc/sys/net/core/somaxconn
mkdir -p "$TMP/profiles" "$TMP/ansible"
cat >"$TMP/profiles/fleet.ini" <<'EOF'
[profile]
description = ansible.sh: a setting of this network namespace only

[sysctl]
net.core.somaxconn = >=8192
EOF
cat >"$TMP/hosts" <<'EOF'
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3
EOF
cat >"$TMP/vars.yml" <<EOF
hosttune_bin: $HT
hosttune_profile: fleet
hosttune_profile_dir: $TMP/profiles
hosttune_state_dir: $TMP/state
hosttune_report_dir: $TMP/reports
hosttune_become: false
EOF
: >"$TMP/ansible.cfg"

# play PLAYBOOK [ARG...]: run it; its output in $TMP/play.out, its exit
# status returned; the recap line printed as a comment.
play() {
	_pb=$1
	shift
	LC_ALL=C.UTF-8 ANSIBLE_CONFIG=$TMP/ansible.cfg ANSIBLE_HOME=$TMP/ansible \
		ANSIBLE_LOCAL_TEMP=$TMP/ansible/tmp ANSIBLE_REMOTE_TEMP=$TMP/ansible/remote \
		ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
		timeout 120 ansible-playbook -i "$TMP/hosts" -e "@$TMP/vars.yml" \
		"$TOP/dist/ansible/$_pb" "$@" >"$TMP/play.out" 2>&1
	_rc=$?
	echo "# $_pb $*: exit $_rc: $(recap)"
	return $_rc
}
recap() { sed -n 's/^localhost *: *//p' "$TMP/play.out" | tr -s ' '; }
# counts: "changed=N failed=N" of the recap
counts() { recap | grep -o 'changed=[0-9]* .*failed=[0-9]*' | sed 's/unreachable=[0-9]* //'; }
show_failure() { grep -E 'FAILED|ERROR|fatal|msg' "$TMP/play.out" | head -10 | sed 's/^/#   /'; }

# report FIELD: from the collected report, a python expression of r.
report() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$TMP/reports/localhost.json" "$1" 2>&1
}

# ---- audit: a finding is no failure, and the report is collected ----
play audit.yml || show_failure
same "audit.yml with a finding: succeeds, changes nothing" "$(counts)" "changed=0 failed=0"
check "... and collects localhost's report in hosttune_report_dir/localhost.json" \
	[ -s "$TMP/reports/localhost.json" ]
same "... hosttune's JSON of audit fleet" "$(report 'r["command"], r["profiles"]')" \
	"('audit', ['fleet'])"
same "... with somaxconn a deviation" \
	"$(report '[x["status"] for x in r["results"] if x["id"] == "sysctl:net.core.somaxconn"]')" \
	"['deviation']"
check "... and leaves no report file on the host" \
	sh -c '! ls /tmp/*.hosttune.json >/dev/null 2>&1'

# ---- apply ----
play apply.yml --check || show_failure
same "apply.yml --check: changed=1 (apply --dry-run found a change)" "$(counts)" "changed=1 failed=0"
same "... and wrote nothing" "$(somaxconn)" 4096

play apply.yml || show_failure
same "apply.yml: changed=1" "$(counts)" "changed=1 failed=0"
same "... net.core.somaxconn of this namespace set" "$(somaxconn)" 8192
grep -q 'change(s) of fleet, snapshot ' "$TMP/play.out"
check "... and it names the snapshot to roll back to" [ $? = 0 ]

play apply.yml || show_failure
same "apply.yml again: changed=0 (idempotent)" "$(counts)" "changed=0 failed=0"
same "... somaxconn still set" "$(somaxconn)" 8192

play apply.yml --check || show_failure
same "apply.yml --check now: changed=0" "$(counts)" "changed=0 failed=0"

# ---- audit again: clean ----
play audit.yml || show_failure
same "audit.yml after apply: changed=0 failed=0" "$(counts)" "changed=0 failed=0"
same "... the collected report has no finding" \
	"$(report 'r["summary"]["deviation"], r["summary"]["error"], r["summary"]["manual"]')" \
	"(0, 0, 0)"

# ---- a failure is a failure ----
play apply.yml -e hosttune_profile=no-such-profile
rc=$?
check "apply.yml of an unknown profile fails the play (exit $rc)" [ "$rc" != 0 ]
same "... failed=1" "$(counts)" "changed=0 failed=1"

host_values_unchanged
done_testing
