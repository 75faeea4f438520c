#!/bin/sh
# CLI golden tests: run hosttune on fixture roots (tests/fixtures/cli-*) with
# the small profiles in tests/fixtures/cli-profiles, and compare stdout,
# stderr and exit status with tests/cli/expected/NAME.{out,err}.
#
# Nothing here touches the live host: every command gets --root (a checked-in
# fixture it only reads, or a copy in $TMP it may write) and -s $TMP/...; the
# only commands on the live root run as an unprivileged user and must refuse.
#
# Outputs are normalised only for what cannot be fixed: the temporary
# directory (@TMP@), the checkout (@TOP@) and snapshot time stamps (@STAMP@).
# GOLDEN_UPDATE=1 sh tests/cli/golden.sh rewrites the expected files; read
# every changed line before committing them.
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
EXP=tests/cli/expected
P=tests/fixtures/cli-profiles
R=tests/fixtures/cli-basic
ESC=$(printf '\033')

[ -x "$HT" ] || skip_all "no $HT (run make first)"

norm() {
	sed -e "s|$TMP|@TMP@|g" -e "s|$TOP|@TOP@|g" \
		-e 's/[0-9]\{8\}T[0-9]\{6\}Z/@STAMP@/g' \
		-e 's/"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"/"@TIME@"/g'
}

# ht STATE ARGS...: hosttune with its own state directory and no colour.
ht() {
	_st=$1
	shift
	"$HT" -s "$TMP/$_st" --color never "$@"
}

show_diff() { sed 's/^/#   /' "$1" | head -40; }

# compare NAME: $TMP/NAME.raw and .rawerr, normalised, against
# expected/NAME.out and expected/NAME.err (empty when there is no such file).
compare() {
	norm <"$TMP/$1.raw" >"$TMP/$1.out"
	norm <"$TMP/$1.rawerr" >"$TMP/$1.err"
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$TMP/$1.out" "$EXP/$1.out"
		if [ -s "$TMP/$1.err" ]; then
			cp "$TMP/$1.err" "$EXP/$1.err"
		else
			rm -f "$EXP/$1.err"
		fi
	fi
	if diff -u "$EXP/$1.out" "$TMP/$1.out" >"$TMP/diff" 2>&1; then
		ok "$1: stdout"
	else
		not_ok "$1: stdout"
		show_diff "$TMP/diff"
	fi
	if [ -f "$EXP/$1.err" ]; then
		diff -u "$EXP/$1.err" "$TMP/$1.err" >"$TMP/diff" 2>&1
	else
		diff -u /dev/null "$TMP/$1.err" >"$TMP/diff" 2>&1
	fi
	if [ $? = 0 ]; then
		ok "$1: stderr"
	else
		not_ok "$1: stderr"
		show_diff "$TMP/diff"
	fi
}

# golden NAME WANT_RC CMD...: run CMD; its exit status, stdout and stderr.
golden() {
	_name=$1 _want=$2
	shift 2
	"$@" >"$TMP/$_name.raw" 2>"$TMP/$_name.rawerr"
	same "$_name: exit status" "$?" "$_want"
	compare "$_name"
}

# copy NAME: a private, writable copy of the cli-basic fixture.
copy() {
	rm -rf "$TMP/$1"
	cp -pR "$R" "$TMP/$1"
}

# tree_state DIR: names, types, modes and contents, for before/after checks.
tree_state() {
	(cd "$1" && find . -print | LC_ALL=C sort | while read -r f; do
		printf '%s %s\n' "$(stat -c '%F %a' "$f")" "$f"
		[ -f "$f" ] && [ -r "$f" ] && od -An -c "$f"
	done)
}

# same_tree DESC A B: diff -r plus file types and modes. FIFOs and files we
# may not read (0200 when unprivileged) are compared by type and mode only.
same_tree() {
	diff -r "$2" "$3" 2>&1 |
		grep -v -e ' is a fifo while file .* is a fifo$' \
			-e '^diff: .*: Permission denied$' >"$TMP/diff"
	if [ ! -s "$TMP/diff" ] &&
		tree_state "$2" >"$TMP/tree.a" && tree_state "$3" >"$TMP/tree.b" &&
		diff -u "$TMP/tree.a" "$TMP/tree.b" >>"$TMP/diff" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		show_diff "$TMP/diff"
	fi
}

contains() { grep -q -e "$2" "$1"; }
no_esc() { ! grep -q "$ESC" "$1"; }
count_snapshots() { find "$1" -maxdepth 1 -name '*.ini' 2>/dev/null | wc -l; }

have_python=
command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null &&
	have_python=1

# json_ok DESC FILE: valid JSON (python3 -m json.tool) with the spec's fields,
# a summary that adds up, and ids without glob characters.
json_ok() {
	if [ -z "$have_python" ]; then
		ok "$1 # SKIP no python3"
		return
	fi
	if ! python3 -m json.tool "$2" >/dev/null 2>"$TMP/json.err"; then
		not_ok "$1: python3 -m json.tool"
		show_diff "$TMP/json.err"
		return
	fi
	if python3 - "$2" >"$TMP/json.err" 2>&1 <<'EOF'; then
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("hosttune", "command", "profiles", "root", "summary", "results"):
    assert k in d, "no field %r" % k
assert isinstance(d["profiles"], list)
s = d["summary"]
statuses = ("ok", "deviation", "missing", "error", "manual")
for k in ("checks",) + statuses:
    assert isinstance(s.get(k), int), "summary has no %r" % k
assert s["checks"] == len(d["results"]), "summary.checks != len(results)"
for st in statuses:
    n = sum(1 for r in d["results"] if r["status"] == st)
    assert s[st] == n, "summary.%s is %d, results have %d" % (st, s[st], n)
for r in d["results"]:
    for k in ("id", "domain", "key", "expected", "actual", "status",
              "source", "why"):
        assert k in r, "result %r has no %r" % (r.get("id"), k)
    assert r["status"] in statuses, r["status"]
    assert r["id"] == "%s:%s" % (r["domain"], r["key"]), r["id"]
    assert not any(c in r["id"] for c in "*?["), "glob id " + r["id"]
    assert r["source"].rsplit(":", 1)[1].isdigit(), r["source"]
    for k in ("ref", "impact"):
        assert k in r, "result %r has no %r" % (r.get("id"), k)
    assert r["impact"] in (None, "high", "medium", "low"), r["impact"]
if d["command"] == "audit":
    h = d.get("host")
    assert isinstance(h, dict), "audit has no host object"
    for k in ("name", "kernel", "time"):
        assert k in h, "host has no %r" % k
    assert h["time"] and h["time"].endswith("Z"), h["time"]
if "changes" in d:
    assert "snapshot" in d
    for c in d["changes"]:
        for k in ("id", "from", "to", "status"):
            assert k in c, "change has no %r" % k
        assert c["status"] in ("applied", "failed", "rolled-back",
                               "skipped"), c["status"]
EOF
		ok "$1"
	else
		not_ok "$1"
		show_diff "$TMP/json.err"
	fi
}

json_ok_show() { [ -z "$have_python" ] || python3 -m json.tool "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- audit
golden audit-text 1 ht s audit --root "$R" "$P/basic.ini"
golden audit-quiet 1 ht s audit -q --root "$R" "$P/basic.ini"
golden audit-verbose 1 ht s audit -v --root "$R" "$P/basic.ini"
golden audit-json 1 ht s audit -f json --root "$R" "$P/basic.ini"
json_ok "audit -f json: valid, spec fields" "$TMP/audit-json.raw"
check "audit -f json: no raw escape bytes" no_esc "$TMP/audit-json.raw"

# Options before the command, after it and after the operands: same bytes,
# but the audit's time (host.time), which moves on between runs.
ht s -f json --root "$R" audit "$P/basic.ini" >"$TMP/j2" 2>&1
check "options before the command: same JSON" same_but_time "$TMP/audit-json.raw" "$TMP/j2"
ht s audit "$P/basic.ini" --root "$R" --format=json >"$TMP/j3" 2>&1
check "options after the profile: same JSON" same_but_time "$TMP/audit-json.raw" "$TMP/j3"

# Prometheus: the duration and timestamp samples change; drop them.
"$HT" -s "$TMP/s" audit -f prometheus --root "$R" "$P/basic.ini" \
	>"$TMP/prom.all" 2>"$TMP/audit-prometheus.rawerr"
same "audit-prometheus: exit status" "$?" 1
check "audit -f prometheus: a numeric duration sample" \
	grep -Eq '^hosttune_audit_duration_seconds\{profile="[^"]*"\} [0-9]+(\.[0-9]+)?$' "$TMP/prom.all"
check "audit -f prometheus: a numeric timestamp sample" \
	grep -Eq '^hosttune_last_run_timestamp_seconds\{profile="[^"]*"\} [0-9]+$' "$TMP/prom.all"
check "audit -f prometheus: no timestamps on samples" \
	sh -c '! grep -v "^#" "$1" | grep -Eq "} [0-9.]+ [0-9]+$"' sh "$TMP/prom.all"
grep -Ev '^hosttune_(audit_duration|last_run_timestamp)_seconds\{' \
	"$TMP/prom.all" >"$TMP/audit-prometheus.raw"
compare audit-prometheus
"$HT" -s "$TMP/s" audit -f prometheus --root "$R" -o "$TMP/report.prom" \
	"$P/basic.ini" >/dev/null 2>&1
grep -Ev '^hosttune_(audit_duration|last_run_timestamp)_seconds\{' \
	"$TMP/report.prom" >"$TMP/report.prom.cut"
check "-o: -f prometheus writes the same metrics" cmp -s "$TMP/report.prom.cut" "$TMP/audit-prometheus.raw"

# -o FILE: the same bytes as stdout, nothing on stdout.
ht s audit -f json --root "$R" -o "$TMP/report.json" "$P/basic.ini" >"$TMP/o.out" 2>&1
same "-o: exit status as without it" "$?" 1
check "-o: nothing on stdout" test ! -s "$TMP/o.out"
check "-o: -f json writes the same bytes as stdout" same_but_time "$TMP/report.json" "$TMP/audit-json.raw"
ht s audit --root "$R" --output "$TMP/report.txt" "$P/basic.ini" >/dev/null 2>&1
ht s audit --root "$R" "$P/basic.ini" >"$TMP/report.stdout" 2>/dev/null
check "-o: text writes the same bytes as stdout" cmp -s "$TMP/report.txt" "$TMP/report.stdout"

# Includes and overrides, globs, VLAN keys.
golden audit-child 1 ht s audit --root "$R" "$P/child.ini"
golden audit-child-verbose 1 ht s audit -v --root "$R" "$P/child.ini"
check "glob: net.ipv4.conf.*.rp_filter expands to 5 concrete ids" \
	test "$(grep -c '^sysctl:net\.ipv4\.conf\.[a-z0-9/]*\.rp_filter ' "$TMP/audit-text.raw")" = 5
check "glob: no '*' left in the text report" sh -c '! grep -q "\*" "$1"' sh "$TMP/audit-text.raw"
golden audit-vlan 1 ht s audit --root "$R" "$P/vlan.ini"
golden audit-slashed 1 ht s audit --root "$R" "$P/slashed.ini"
check "VLAN: dotted and slashed forms give the same report" \
	cmp -s "$TMP/audit-vlan.raw" "$TMP/audit-slashed.raw"

# ---------------------------------------------------------------- hostile trees
# A write-only file (0200), a FIFO where a value should be, ANSI escapes.
# make_hostile DIR: a copy of cli-basic with those three (built here: git
# keeps neither FIFOs nor modes, and a 0200 file cannot be copied unprivileged).
make_hostile() {
	rm -rf "$1"
	cp -pR "$R" "$1"
	chmod -R a+rX "$1"
	chmod 0200 "$1/proc/sys/vm/compact_memory"
	rm -f "$1/proc/sys/kernel/shmmni"
	mkfifo "$1/proc/sys/kernel/shmmni"
}
make_hostile "$TMP/hostile"
golden audit-hostile 1 timeout 10 "$HT" -s "$TMP/s" --color never audit \
	--root "$TMP/hostile" "$P/hostile.ini"
check "hostile: no raw escape byte in text output" no_esc "$TMP/audit-hostile.raw"
golden audit-hostile-json 1 timeout 10 "$HT" -s "$TMP/s" audit -f json \
	--root "$TMP/hostile" "$P/hostile.ini"
json_ok "hostile: JSON valid" "$TMP/audit-hostile-json.raw"
check "hostile: no raw escape byte in JSON" no_esc "$TMP/audit-hostile-json.raw"
timeout 10 "$HT" -s "$TMP/s" --color always audit --root "$TMP/hostile" \
	"$P/hostile.ini" >"$TMP/color.out" 2>&1
check "--color always: the value's escape is still escaped" \
	sh -c '! grep -q "abc$1\[31mRED" "$2" && grep -q "abc\\\\x1b\[31mRED" "$2"' \
	sh "$ESC" "$TMP/color.out"
check "--color always: status is coloured" grep -q "$ESC\[" "$TMP/color.out"
golden dry-run-hostile 1 timeout 10 "$HT" -s "$TMP/s" --color never apply \
	--dry-run --root "$TMP/hostile" "$P/hostile.ini"
check "hostile dry run: no raw escape byte" no_esc "$TMP/dry-run-hostile.raw"
make_hostile "$TMP/hostile.orig"
golden apply-hostile 3 timeout 10 "$HT" -s "$TMP/s-hostile" --color never \
	apply --root "$TMP/hostile" "$P/hostile.ini"
same_tree "hostile apply refused: tree untouched" "$TMP/hostile.orig" "$TMP/hostile"
same "hostile apply refused: no snapshot" "$(count_snapshots "$TMP/s-hostile")" 0
golden snapshot-all-hostile 0 timeout 10 "$HT" -s "$TMP/s-hostile" \
	--color never snapshot --all --name all-hostile --root "$TMP/hostile"
check "snapshot --all: skips the FIFO, the write-only file, ns_last_pid" \
	sh -c '! grep -Eq "^(kernel\.shmmni|vm\.compact_memory|kernel\.ns_last_pid) =" "$1"' \
	sh "$TMP/s-hostile/all-hostile.ini"
check "snapshot --all: the escape is saved escaped" \
	grep -qx 'kernel.core_pattern = "abc\\x1b\[31mRED\\x1b\[0m"' "$TMP/s-hostile/all-hostile.ini"
check "snapshot --all: VLAN key in dotted form, tabs escaped" \
	sh -c 'grep -qx "net.ipv4.conf.eth0/100.rp_filter = \"2\"" "$1" &&
	       grep -qx "net.ipv4.tcp_rmem = \"4096\\\\t131072\\\\t6291456\"" "$1"' \
	sh "$TMP/s-hostile/all-hostile.ini"

# ---------------------------------------------------------------- apply, rollback
copy work
copy pristine
golden dry-run 1 ht s-work apply --dry-run --root "$TMP/work" "$P/basic.ini"
same_tree "apply --dry-run: tree untouched" "$TMP/pristine" "$TMP/work"
same "apply --dry-run: no snapshot" "$(count_snapshots "$TMP/s-work")" 0
golden apply 0 ht s-work apply --root "$TMP/work" "$P/basic.ini"
same "apply: one snapshot" "$(count_snapshots "$TMP/s-work")" 1
snap=$(find "$TMP/s-work" -maxdepth 1 -name '*.ini' | head -1)
same "apply: snapshot file mode 0600" "$(stat -c %a "$snap")" 600
same "apply: state directory mode 0700" "$(stat -c %a "$TMP/s-work")" 700
check "apply: snapshot holds the old tcp_rmem, tabs and all, and what was written" \
	grep -qx 'net.ipv4.tcp_rmem = "4096\\t131072\\t6291456" -> "4096 131072 16777216"' "$snap"
check "apply: the VLAN file was written in place" \
	test "$(cat "$TMP/work/proc/sys/net/ipv4/conf/eth0.100/rp_filter")" = 1
check "apply: no eth0/100 directory was made" test ! -e "$TMP/work/proc/sys/net/ipv4/conf/eth0/100"
golden audit-after-apply 0 ht s-work audit --root "$TMP/work" "$P/basic.ini"
golden apply-again 0 ht s-work apply --root "$TMP/work" "$P/basic.ini"
same "apply again: no new snapshot" "$(count_snapshots "$TMP/s-work")" 1
golden rollback-dry-run 1 ht s-work rollback --dry-run --root "$TMP/work"
golden rollback 0 ht s-work rollback --root "$TMP/work"
same_tree "rollback: tree byte-for-byte as before apply" "$TMP/pristine" "$TMP/work"
golden rollback-nothing-left 2 ht s-work rollback --root "$TMP/work"

# JSON of apply: snapshot and changes.
copy work2
golden apply-json 0 ht s-work2 apply -f json --root "$TMP/work2" "$P/basic.ini"
json_ok "apply -f json: valid, spec fields" "$TMP/apply-json.raw"
check "apply -f json: \"snapshot\" names the file saved" \
	sh -c 'id=$(sed -n "s/^  \"snapshot\": \"\(.*\)\",*$/\1/p" "$1"); test -n "$id" && test -f "$2/$id.ini"' \
	sh "$TMP/apply-json.raw" "$TMP/s-work2"
golden rollback-json 0 ht s-work2 rollback -f json --root "$TMP/work2"
same_tree "rollback -f json: tree as before" "$TMP/pristine" "$TMP/work2"

# Input errors: exit 2 and nothing changed, not even a state directory.
copy work3
expect_exit 2 "apply of a missing profile file: exit 2" \
	ht s-work3 apply --root "$TMP/work3" "$P/no-such.ini"
check "apply of a missing profile file: says which and why" \
	grep -q "no-such\.ini: No such file or directory" "$TMP/last.err"
check "apply of a missing profile file: nothing on stdout" test ! -s "$TMP/last.out"
golden apply-bad-profile 2 ht s-work3 apply --root "$TMP/work3" "$P/bad-value.ini"
same_tree "bad profiles: tree untouched" "$TMP/pristine" "$TMP/work3"
check "bad profiles: no state directory made" test ! -e "$TMP/s-work3"
expect_exit 2 "audit of an unknown profile name: exit 2" \
	ht s-work3 audit --root "$TMP/work3" no-such-profile
check "audit of an unknown profile name: says so" \
	grep -q "no profile named 'no-such-profile'" "$TMP/last.err"
check "audit of an unknown profile name: nothing on stdout" test ! -s "$TMP/last.out"

# ---------------------------------------------------------------- snapshots
copy work4
golden rollback-none 2 ht s-work4 rollback --root "$TMP/work4"
expect_exit 2 "rollback of an unknown id: exit 2" \
	ht s-work4 rollback --root "$TMP/work4" no-such-snapshot
check "rollback of an unknown id: names it" grep -q "no snapshot 'no-such-snapshot'" "$TMP/last.err"
expect_exit 2 "rollback of a file that is not a snapshot: exit 2" \
	ht s-work4 rollback --root "$TMP/work4" "$TOP/$P/basic.ini"
golden snapshot-name 0 ht s-work4 snapshot --name snap-a --root "$TMP/work4" "$P/basic.ini"
cp "$TMP/s-work4/snap-a.ini" "$TMP/snap-a.before"
golden snapshot-name-again 2 ht s-work4 snapshot --name snap-a --root "$TMP/work4" "$P/basic.ini"
check "snapshot --name twice: the first is untouched" cmp -s "$TMP/snap-a.before" "$TMP/s-work4/snap-a.ini"
golden snapshot-all 0 ht s-work4 snapshot --all --name snap-b --root "$TMP/work4"
golden list-snapshots 0 ht s-work4 list snapshots --root "$TMP/work4"
ht s-work4 list -f json snapshots --root "$TMP/work4" >"$TMP/ls.json" 2>&1
if [ -n "$have_python" ]; then
	check "list -f json snapshots: valid JSON" json_ok_show "$TMP/ls.json"
fi
same_tree "snapshots: tree untouched" "$TMP/pristine" "$TMP/work4"

# A snapshot edited to be hostile: an unterminated quote.
copy work5
ht s-work5 apply --root "$TMP/work5" "$P/basic.ini" >/dev/null 2>&1
snap=$(find "$TMP/s-work5" -maxdepth 1 -name '*.ini' | head -1)
id=$(basename "$snap" .ini)
line=$(grep -n '^vm.swappiness = "60" -> "10"$' "$snap" | cut -d: -f1)
sed -i 's/^vm.swappiness = "60" -> "10"$/vm.swappiness = "60/' "$snap"
cp -pR "$TMP/work5" "$TMP/work5.before"
expect_exit 2 "hostile snapshot: rollback ID exits 2" \
	"$HT" -s "$TMP/s-work5" rollback --root "$TMP/work5" "$id"
same "hostile snapshot: the error names file:line" "$(cat "$TMP/last.err")" \
	"hosttune: $snap:$line: unterminated quoted value"
expect_exit 2 "hostile snapshot: default rollback exits 2 too" \
	"$HT" -s "$TMP/s-work5" rollback --root "$TMP/work5"
check "hostile snapshot: ... and names file:line" grep -qF "$snap:$line: unterminated quoted value" "$TMP/last.err"
same_tree "hostile snapshot: tree untouched" "$TMP/work5.before" "$TMP/work5"

# ---------------------------------------------------------------- show, lint, list
golden show 0 ht s show "$P/basic.ini"
golden show-child 0 ht s show "$P/child.ini"
golden show-json 0 ht s show -f json "$P/vlan.ini"
check "show -f json: valid JSON" json_ok_show "$TMP/show-json.raw"
golden lint-ok 0 ht s lint "$P/basic.ini" "$P/child.ini" "$P/vlan.ini" "$P/slashed.ini"
golden lint-quiet 0 ht s lint -q "$P/basic.ini"
golden lint-bad-value 2 ht s lint "$P/bad-value.ini"
golden lint-bad-section 2 ht s lint "$P/bad-section.ini"
golden lint-bad-key 2 ht s lint "$P/bad-key.ini"
golden lint-bad-include 2 ht s lint "$P/bad-include.ini"
golden lint-several 2 ht s lint "$P/bad-value.ini" "$P/basic.ini" "$P/bad-section.ini"
expect_exit 2 "lint: an include cycle exits 2" "$HT" lint "$P/cycle-a.ini"
check "lint: the include cycle is reported at file:line" \
	grep -Eq '^[^ ]*cycle-[ab]\.ini:2: include .*cycle' "$TMP/last.err"

ht s list profiles >"$TMP/lp.out" 2>&1
same "list profiles: exit status" "$?" 0
for p in baseline throughput latency; do
	check "list profiles: built-in $p" grep -Eq "^$p +built-in +[^ ]" "$TMP/lp.out"
done
ht s -p "$P" list profiles >"$TMP/lp2.out" 2>&1
check "list profiles -p DIR: a file profile first" grep -Eq '^basic +file +Golden-test profile' "$TMP/lp2.out"
check "list profiles -p DIR: built-ins still listed" grep -Eq '^baseline +built-in' "$TMP/lp2.out"

# ---------------------------------------------------------------- usage
"$HT" --version >"$TMP/v.out" 2>&1
same "--version: exit 0" "$?" 0
check "--version: 'hosttune X.Y.Z'" grep -Eqx 'hosttune [0-9]+\.[0-9]+\.[0-9]+' "$TMP/v.out"
ver=$(sed 's/^hosttune //' "$TMP/v.out")
check "--version agrees with the JSON 'hosttune' field" \
	grep -q "^  \"hosttune\": \"$ver\",$" "$TMP/audit-json.raw"
golden help 0 "$HT" --help
golden help-short 0 "$HT" -h
golden no-command 2 "$HT"
golden audit-help 0 "$HT" audit --help
golden apply-help 0 "$HT" apply --help
golden rollback-help 0 "$HT" rollback --help
golden unknown-command 2 "$HT" -s "$TMP/s" frobnicate
golden unknown-option 2 "$HT" -s "$TMP/s" audit --frobnicate
golden wrong-verb-option 2 "$HT" -s "$TMP/s" --root "$R" audit --dry-run
golden bad-format 2 "$HT" -s "$TMP/s" --root "$R" audit -f xml
golden missing-argument 2 "$HT" audit --root

# ---------------------------------------------------------------- unprivileged
# As a user without capabilities: audit works and reports the same; apply on
# the live root refuses before touching anything, naming CAP_SYS_ADMIN.
as_user=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
	id nobody >/dev/null 2>&1; then
	as_user="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups --inh-caps=-all"
	chmod 0711 "$TMP"
	mkdir "$TMP/u"
	chown nobody "$TMP/u"
elif [ "$(id -u)" != 0 ] &&
	[ "$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)" = 0000000000000000 ]; then
	as_user=env
	mkdir "$TMP/u"
fi
if [ -n "$as_user" ]; then
	# The unprivileged user may not reach the checkout (a parent
	# directory may be 0700, as mktemp -d makes it): it runs a copy of
	# the binary and the fixtures, with the same relative paths.
	mkdir -p "$TMP/u/top/tests/fixtures"
	cp "$HT" "$TMP/u/top/hosttune"
	cp -pR "$R" "$TMP/u/top/$R"
	cp -pR "$P" "$TMP/u/top/$P"
	chmod -R a+rX "$TMP/u/top"
	UHT=$TMP/u/top/hosttune
	cd "$TMP/u/top" || exit 1
	$as_user "$UHT" -s "$TMP/u/state" --color never audit --root "$R" \
		"$P/basic.ini" >"$TMP/u.out" 2>&1
	same "unprivileged audit: exit status" "$?" 1
	check "unprivileged audit: same report as privileged" cmp -s "$TMP/u.out" "$TMP/audit-text.raw"

	make_hostile "$TMP/u/hostile"
	timeout 10 $as_user "$UHT" -s "$TMP/u/state" --color never audit \
		--root "$TMP/u/hostile" "$P/hostile.ini" 2>&1 | norm |
		sed 's|@TMP@/u/hostile|@TMP@/hostile|' >"$TMP/u-hostile.out"
	check "unprivileged audit of the hostile tree: write-only is manual, same report" \
		cmp -s "$TMP/u-hostile.out" "$TOP/$EXP/audit-hostile.out"

	# kernel.shmmni: a non-net sysctl (the spec: CAP_SYS_ADMIN for
	# sysctls); net.core.somaxconn: some capability must be named.
	for key in kernel/shmmni net/core/somaxconn; do
		dotted=$(echo "$key" | tr / .)
		before=$(cat "/proc/sys/$key")
		printf '[sysctl]\n%s = >=%s\n' "$dotted" $((before + 1)) >"$TMP/u/live.ini"
		chmod 0644 "$TMP/u/live.ini"
		$as_user "$UHT" -s "$TMP/u/state" apply "$TMP/u/live.ini" >"$TMP/u.out" 2>"$TMP/u.err"
		same "unprivileged apply $dotted on the live root: exit 3" "$?" 3
		if [ "$key" = kernel/shmmni ]; then
			check "unprivileged apply $dotted: names CAP_SYS_ADMIN" grep -q CAP_SYS_ADMIN "$TMP/u.err"
		else
			check "unprivileged apply $dotted: names a capability" grep -q 'missing capability CAP_[A-Z_]' "$TMP/u.err"
		fi
		check "unprivileged apply $dotted: says nothing was changed" grep -q 'nothing was changed' "$TMP/u.err"
		same "unprivileged apply $dotted: value unchanged" "$(cat "/proc/sys/$key")" "$before"
		same "unprivileged apply $dotted: no snapshot written" "$(count_snapshots "$TMP/u/state")" 0
	done
	$as_user "$UHT" -s "$TMP/u/state" apply --dry-run "$TMP/u/live.ini" >"$TMP/u.out" 2>&1
	same "unprivileged apply --dry-run: exit 1" "$?" 1
	$as_user "$UHT" -s "$TMP/u/state" rollback >"$TMP/u.out" 2>&1
	same "unprivileged rollback without a snapshot: exit 2" "$?" 2
	cd "$TOP" || exit 1
else
	ok "unprivileged checks # SKIP no setpriv, or running with capabilities"
fi

done_testing
