#!/bin/sh
# hosttune audit of a profile against sysctl(8) reading the same keys, in
# one hyperfine run (medians and the ratio are what to quote: these machines
# are shared). Reads only; changes nothing.
set -eu
cd "$(dirname "$0")/../.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 0; }
profile=${1:-baseline}
keys=$(./hosttune show -f json "$profile" |
	python3 -c 'import json,sys; print(" ".join(s["key"] for s in json.load(sys.stdin)["settings"] if s["domain"] == "sysctl"))')
n=$(echo "$keys" | wc -w)
echo "profile $profile: $n sysctl keys"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N -i --warmup 20 --runs 300 --export-json "$out" \
	-n "hosttune audit $profile" "./hosttune audit $profile" \
	-n "sysctl -n (same keys)" "sysctl -n $keys" >/dev/null 2>&1 || true
python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f'{x["command"]:<28} median {x["median"]*1000:7.3f} ms  (min {x["min"]*1000:.3f}, max {x["max"]*1000:.3f}, {len(x["times"])} runs)')
print(f'ratio hosttune/sysctl: {r[0]["median"]/r[1]["median"]:.2f}')
PY
