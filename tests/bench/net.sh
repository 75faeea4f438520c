#!/bin/sh
# hosttune audit of [net v*] mtu and txqueuelen over 1000 veth pairs (2000
# links) against `ip -o link show` on the same links, in a fresh network
# namespace made here (the host's own interfaces are never touched).
# Budget (issue 3): hosttune's median at most 2x ip's; exits 1 past it.
# Reads only; the namespace and its links vanish when the script ends.
set -eu
cd "$(dirname "$0")/../.."
PAIRS=${PAIRS:-1000}
if [ "${HT_BENCH_NS:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
		echo "net bench: needs root and unshare; skipped"
		exit 0
	fi
	command -v hyperfine >/dev/null ||
		{ echo "net bench: needs hyperfine; skipped"; exit 0; }
	HT_BENCH_NS=1 exec unshare --net sh "$0" "$@"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

i=0
while [ $i -lt "$PAIRS" ]; do
	echo "link add va$i type veth peer name vb$i"
	i=$((i + 1))
done >"$tmp/links"
ip -batch "$tmp/links"
printf '[net v*]\nmtu = 1500\ntxqueuelen = 1000\n' >"$tmp/links.ini"

checks=$(./hosttune audit -f json "$tmp/links.ini" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"]["checks"], d["summary"]["ok"])')
echo "$PAIRS veth pairs; checks, ok: $checks"
hyperfine -N --warmup 2 --runs 10 --export-json "$tmp/out.json" \
	-n "hosttune audit [net v*]" "./hosttune audit $tmp/links.ini" \
	-n "ip -o link show" "ip -o link show" >/dev/null 2>&1
python3 - "$tmp/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f'{x["command"]:<26} median {x["median"]*1000:8.2f} ms  (min {x["min"]*1000:.2f}, max {x["max"]*1000:.2f}, {len(x["times"])} runs)')
ratio = r[0]["median"] / r[1]["median"]
print(f'ratio hosttune/ip: {ratio:.2f} (budget 2.00)')
sys.exit(0 if ratio <= 2.0 else 1)
PY
