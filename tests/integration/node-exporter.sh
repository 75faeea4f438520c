#!/bin/sh
# hosttune's Prometheus files in Debian's prometheus-node-exporter: two
# profiles' reports (hosttune -f prometheus -o DIR/hosttune-X.prom audit X,
# on the cli-basic fixture tree) side by side in a textfile directory, served
# by node_exporter with only its textfile collector, on 127.0.0.1 and a port
# picked free. The scrape must carry every series of both files with its
# value, nothing else of hosttune's, no series twice, no textfile error, and
# node_exporter must not log a collision. As a control, a copy of one file
# must make it log one. node_exporter is stopped by its pid.
#
# As root this runs in fresh namespaces (its own loopback); otherwise on the
# host's loopback. Writes only a temporary directory.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd prometheus-node-exporter
need_cmd python3
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	in_namespaces "$@"
	ip link set lo up 2>/dev/null || skip_all "cannot bring up lo in the namespace"
fi

DIR=$TMP/textfile
mkdir -p "$DIR"
ht() { "$HT" -r "$FIXTURES/cli-basic" -p "$FIXTURES/cli-profiles" -s "$TMP/state" "$@"; }
expect_exit 1 "hosttune -f prometheus -o DIR/hosttune-a.prom audit basic (findings: exit 1)" \
	ht -f prometheus -o "$DIR/hosttune-a.prom" audit basic
expect_exit 1 "hosttune -f prometheus -o DIR/hosttune-b.prom audit child" \
	ht -f prometheus -o "$DIR/hosttune-b.prom" audit child

PORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT/metrics
NE_PID=
stop_exporter() {
	if [ -n "$NE_PID" ]; then
		kill "$NE_PID" 2>/dev/null
		wait "$NE_PID" 2>/dev/null
		NE_PID=
	fi
}
trap 'stop_exporter; rm -rf "$TMP"' EXIT
prometheus-node-exporter --web.listen-address="127.0.0.1:$PORT" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$DIR" >"$TMP/exporter.log" 2>&1 &
NE_PID=$!

# scrape FILE: GET /metrics into FILE; prints the HTTP status.
scrape() {
	python3 - "$URL" "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        open(sys.argv[2], "wb").write(r.read())
        print(r.status)
except Exception as e:
    print("error:", e)
EOF
}
status=
for i in $(seq 50); do
	kill -0 "$NE_PID" 2>/dev/null || break
	status=$(scrape "$TMP/metrics")
	[ "$status" = 200 ] && break
	sleep 0.2
done
same "node_exporter serves 127.0.0.1:$PORT/metrics" "$status" 200
if [ "$status" != 200 ]; then
	sed 's/^/#   /' "$TMP/exporter.log" | tail -10
	done_testing
	exit 1
fi

# compare: what the scrape has of each file, as "KEY VALUE" lines.
cat >"$TMP/compare.py" <<'EOF'
import re, sys
LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
def series(path):
    out = []
    for line in open(path):
        m = LINE.match(line.strip())
        if m:
            labels = frozenset(LABEL.findall(m.group(2) or ""))
            out.append(((m.group(1), labels), float(m.group(3))))
    return out
files = sys.argv[2:]
scraped = series(sys.argv[1])
got = dict(scraped)
keys = [k for k, _ in scraped]
print("dup", len(keys) - len(set(keys)))
mine = set()
for f in files:
    s = series(f)
    mine |= {k for k, _ in s}
    missing = [k[0] for k, v in s if got.get(k) != v]
    print("series", f, len(s))
    print("missing", f, len(missing), *missing)
    print("names", f, *sorted({k[0] for k, _ in s}))
extra = [k[0] for k in got if k[0].startswith("hosttune_") and k not in mine]
print("extra", len(extra), *extra)
for (name, labels), v in scraped:
    if name == "node_textfile_scrape_error":
        print("scrape_error", int(v))
    if name == "node_textfile_mtime_seconds":
        print("mtime", dict(labels)["file"])
EOF
python3 "$TMP/compare.py" "$TMP/metrics" "$DIR/hosttune-a.prom" "$DIR/hosttune-b.prom" \
	>"$TMP/cmp"
field() { sed -n "s|^$1 ||p" "$TMP/cmp"; }

same "node_textfile_scrape_error is 0" "$(field scrape_error)" 0
same "node_exporter read both files" "$(field mtime | sed 's|.*/||' | tr '\n' ' ')" \
	"hosttune-a.prom hosttune-b.prom "
for f in a b; do
	n=$(field "series $DIR/hosttune-$f.prom")
	check "hosttune-$f.prom has series ($n)" [ "${n:-0}" -gt 0 ]
	same "every series of hosttune-$f.prom is in the scrape, with its value" \
		"$(field "missing $DIR/hosttune-$f.prom")" 0
	echo "# hosttune-$f.prom: $(field "names $DIR/hosttune-$f.prom")"
done
same "the scrape has no hosttune series that is in neither file" "$(field extra)" 0
same "the scrape has no series twice" "$(field dup)" 0
grep -q 'collected before with the same name and label values' "$TMP/exporter.log"
check "node_exporter logged no collision" [ $? != 0 ]
for p in basic child; do
	for m in hosttune_check_ok hosttune_checks hosttune_audit_duration_seconds \
		hosttune_last_run_timestamp_seconds hosttune_build_info; do
		grep -q "^$m{.*profile=\"$p\"" "$TMP/metrics" ||
			echo "$m{profile=$p}" >>"$TMP/absent"
	done
done
same "each series the spec names, for both profiles" "$(cat "$TMP/absent" 2>/dev/null)" ""
grep '^hosttune_checks{' "$TMP/metrics" | sed 's/^/#   /'

# The control: a second file for the same profile does collide, and the
# log says so; so the check above can see one.
cp "$DIR/hosttune-a.prom" "$DIR/hosttune-copy.prom"
scrape "$TMP/metrics2" >/dev/null
sleep 0.2
grep -q 'collected before with the same name and label values' "$TMP/exporter.log"
check "control: a copy of hosttune-a.prom makes node_exporter log a collision" [ $? = 0 ]

pid=$NE_PID
stop_exporter
check "node_exporter stopped (pid $pid)" sh -c '! kill -0 "$1" 2>/dev/null' - "$pid"

done_testing
