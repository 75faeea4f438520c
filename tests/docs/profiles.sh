#!/bin/sh
# The shipped profiles are worth trusting:
#  (a) the ten profiles the man page promises are shipped, and each lints;
#  (b) every setting of every shipped profile, includes merged, says why it
#      is there, where to read up on it and its impact (high/medium/low), as
#      `hosttune show -f json` reports them;
#  (c) no shipped profile has an [rlimit self] section (it would only ever
#      describe hosttune's own short-lived process);
#  (d) multi-value TCP buffer settings are per-field lower bounds, so a host
#      tuned higher is never lowered;
#  (f) `hosttune show NAME` prints INI that loads again to the same
#      settings, reasons, references and impacts;
#  (e) every reference that names a kernel document names one under
#      Documentation/ with a known extension, and every profile line fits
#      (the line limit is the parser's, and a cut line would be an error).
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd python3

expected="baseline database hpc-compute latency network-latency
network-throughput throughput virtual-guest virtual-host web-server"
have=$(for f in profiles/*.ini; do basename "$f" .ini; done | sort | tr '\n' ' ')
same "the ten profiles are shipped" "$have" \
	"$(echo $expected | tr ' ' '\n' | sort | tr '\n' ' ')"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for name in $expected; do
	check "$name lints" "$HT" lint "profiles/$name.ini"
	"$HT" show -f json "$name" >"$T/$name.json" 2>"$T/$name.err"
	same "show -f json $name: exit 0" "$?" 0
	if python3 - "$T/$name.json" >"$T/$name.out" 2>&1 <<'EOF'; then
import json, re, sys
d = json.load(open(sys.argv[1]))
bad = []
for s in d["settings"]:
    what = "%s %s:%s (%s)" % (s["domain"], s["target"] or "", s["key"],
                             s["source"])
    for k in ("why", "ref"):
        if not (isinstance(s.get(k), str) and s[k].strip()):
            bad.append("%s: no %s" % (what, k))
    if s.get("impact") not in ("high", "medium", "low"):
        bad.append("%s: impact %r" % (what, s.get("impact")))
    ref = s.get("ref") or ""
    if ref.startswith("Documentation/") and \
            not re.fullmatch(r"Documentation/[A-Za-z0-9_./-]+"
                             r"(\.rst|\.txt|/sysfs-[a-z-]+)", ref):
        bad.append("%s: odd kernel reference %r" % (what, ref))
    if s["domain"] == "rlimit" and s["target"] == "self":
        bad.append("%s: [rlimit self] in a shipped profile" % what)
    if s["key"] in ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"):
        if not all(f.startswith(">=") for f in s["expected"].split()):
            bad.append("%s: %r can lower a host tuned higher" %
                       (what, s["expected"]))
if not d["settings"]:
    bad.append("no settings")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
		ok "$name: every setting has why, ref and impact"
	else
		not_ok "$name: every setting has why, ref and impact"
		sed 's/^/#   /' "$T/$name.out" | head -20
	fi
done

# `show NAME` is INI that loads again to the same settings.
for name in $expected; do
	"$HT" show "$name" >"$T/flat-$name.ini" 2>&1
	"$HT" show -f json "$T/flat-$name.ini" >"$T/flat-$name.json" 2>&1
	if python3 - "$T/$name.json" "$T/flat-$name.json" >"$T/flat.out" 2>&1 <<'EOF'; then
import json, sys
a = json.load(open(sys.argv[1]))["settings"]
b = json.load(open(sys.argv[2]))["settings"]
assert len(a) == len(b), (len(a), len(b))
for x, y in zip(a, b):
    for k in ("domain", "target", "key", "expected", "why", "ref", "impact"):
        assert x[k] == y[k], (x["key"], k, x[k], y[k])
EOF
		ok "show $name loads again to the same settings"
	else
		not_ok "show $name loads again to the same settings"
		sed 's/^/#   /' "$T/flat.out" | tail -5
	fi
done

# A profile line the parser would refuse is a broken shipped profile.
long=$(awk 'length > 197 { print FILENAME ":" FNR }' profiles/*.ini)
same "no shipped profile line is over the 197-byte limit" "$long" ""

# The check above is real: a setting without an impact is caught.
printf '[profile]\ninclude = baseline\n[sysctl]\nvm.swappiness = 10 ; why\n' \
	>"$T/unrated.ini"
"$HT" show -f json "$T/unrated.ini" >"$T/unrated.json" 2>&1
check "an unrated setting shows impact null" \
	grep -q '"key": "vm.swappiness".*"impact": null' "$T/unrated.json"

done_testing
