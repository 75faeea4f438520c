#!/bin/sh
# The cpu, numa and block domains through the binary, on copies of their
# fixture trees (tests/fixtures/cpu-*, numa-*, block-*): audit, apply,
# audit clean, apply again (nothing to change), rollback, and the tree is
# as it was. Choice files ("[mq-deadline] kyber none") cannot re-bracket
# themselves in a fixture: after a write they hold the bare entry, so trees
# are compared by each file's selected entry.
#
# Nothing here touches the live host: every command has --root and -s.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"

# values DIR: every regular file and its value, a choice list reduced to
# its selected entry, blanks normalised.
values() {
	(cd "$1" && find . -type f ! -path './state/*' | LC_ALL=C sort |
		while IFS= read -r f; do
			v=$(tr -s ' \t' '  ' <"$f" | sed 's/^ //; s/ $//')
			case $v in
			*\[*\]*) v=$(echo "$v" | sed 's/.*\[\([^]]*\)\].*/\1/') ;;
			esac
			printf '%s: %s\n' "$f" "$v"
		done)
}

# same_tree DESC FIXTURE COPY
same_tree() {
	values "$FIXTURES/$2" >"$TMP/want.vals"
	values "$3" >"$TMP/got.vals"
	same_file "$1" "$TMP/want.vals" "$TMP/got.vals"
}

# round_trip NAME FIXTURE PROFILE-TEXT CHANGES
round_trip() {
	name=$1 fixture=$2 nchanges=$4
	root=$TMP/$name
	cp -a "$FIXTURES/$fixture" "$root"
	printf '%s\n' "$3" >"$TMP/$name.ini"
	set -- "$HT" --color never -r "$root" -s "$root/state"
	expect_exit 1 "$name: audit finds deviations" "$@" audit "$TMP/$name.ini"
	expect_exit 1 "$name: apply --dry-run" "$@" apply --dry-run "$TMP/$name.ini"
	same_tree "$name: a dry run writes nothing" "$fixture" "$root"
	expect_exit 0 "$name: apply" "$@" apply "$TMP/$name.ini"
	same "$name: $nchanges changes applied" \
		"$(grep -c ' applied$' "$TMP/last.out")" "$nchanges"
	expect_exit 0 "$name: audit is clean" "$@" audit "$TMP/$name.ini"
	expect_exit 0 "$name: apply again" "$@" apply "$TMP/$name.ini"
	check "$name: apply again changes nothing" \
		grep -q '^nothing to change' "$TMP/last.out"
	expect_exit 0 "$name: rollback" "$@" rollback
	same_tree "$name: rollback restores every value" "$fixture" "$root"
}

round_trip intel cpu-intel '[cpu]
governor = performance
energy_performance_preference = performance|balance_performance
energy_perf_bias = 0
min_freq_khz = max
boost = off
idle_max_latency_us = 10
smt = off
[cpu 6-7]
governor = powersave' 40

round_trip amd cpu-amd '[cpu]
governor = ondemand|performance
max_freq_khz = 2800000
boost = off
idle_max_latency_us = 1
smt = on' 13

round_trip numa numa-2node '[numa]
balancing = 0
transparent_hugepage = never
transparent_hugepage_defrag = defer+madvise|madvise
hugepages_2048kB = 0
ksm = 1
[numa node0]
hugepages_1048576kB = 4' 6

round_trip block block-disks '[block *]
read_ahead_kb = >=1024
[block nvme*]
scheduler = none
nr_requests = 2048
[block sda]
scheduler = bfq|mq-deadline
add_random = 0
rq_affinity = 2
nomerges = 1' 7

# ---- ids and values in JSON ----
"$HT" -r "$FIXTURES/cpu-intel" -f json audit "$TMP/intel.ini" >"$TMP/intel.json"
check "json: per-CPU ids are cpu:cpuN:KEY" \
	grep -q '"id": "cpu:cpu3:governor"' "$TMP/intel.json"
check "json: boost is host-wide, cpu:boost" \
	grep -q '"id": "cpu:boost"' "$TMP/intel.json"
check "json: idle states as read" \
	grep -q '"actual": "max=133 disabled=none"' "$TMP/intel.json"
"$HT" -r "$FIXTURES/block-disks" -f json audit "$TMP/block.ini" >"$TMP/block.json"
check "json: a scheduler is its selected entry" \
	grep -q '"actual": "mq-deadline"' "$TMP/block.json"
check "json: [block *] never names a partition" \
	sh -c "! grep -q 'sda1\|sda2\|nvme0n1p1' '$TMP/block.json'"
check "json: [block *] never names a loop, zram, dm, md or ram device" \
	sh -c "! grep -q 'loop0\|zram0\|dm-0\|md0\|ram0' '$TMP/block.json'"
printf '[block *,loop*,!nvme*]\nnomerges = 0\n' >"$TMP/list.ini"
expect_exit 0 "[block *,loop*,!nvme*] audits" \
	"$HT" -r "$FIXTURES/block-disks" -f json audit "$TMP/list.ini"
same "... sda and loop0 only" \
	"$(grep -o '"id": "[^"]*"' "$TMP/last.out" | sort | tr '\n' ' ')" \
	'"id": "block:loop0:nomerges" "id": "block:sda:nomerges" '

# ---- plans that cannot be made ----
cp -a "$FIXTURES/block-disks" "$TMP/noffer"
printf '[block loop0]\nscheduler = kyber\nnomerges = 2\n' >"$TMP/noffer.ini"
expect_exit 3 "scheduler the device lacks: apply refuses" \
	"$HT" -r "$TMP/noffer" -s "$TMP/noffer/state" apply "$TMP/noffer.ini"
check "... naming the check" grep -q 'block:loop0:scheduler' "$TMP/last.err"
expect_exit 1 "... and audit says what it offers" \
	"$HT" -r "$TMP/noffer" audit "$TMP/noffer.ini"
check "... (offers: none mq-deadline)" \
	grep -q 'offers: none mq-deadline' "$TMP/last.out"
same_tree "... nothing was written" block-disks "$TMP/noffer"

cp -a "$FIXTURES/numa-thp-pinned" "$TMP/pinned"
printf '[numa]\ntransparent_hugepage = always\n' >"$TMP/pinned.ini"
# transparent_hugepage= on the command line is only the boot default of a
# file apply can write: a deviation, never manual.
expect_exit 1 "THP set on the command line: a deviation" \
	"$HT" -r "$TMP/pinned" audit "$TMP/pinned.ini"
check "... naming the boot default" \
	grep -q 'deviation.*transparent_hugepage=never' "$TMP/last.out"
printf 'balancing = 1\n' >>"$TMP/pinned.ini"
expect_exit 0 "... apply changes it and the rest" \
	"$HT" -r "$TMP/pinned" -s "$TMP/pinned/state" apply "$TMP/pinned.ini"
same "... THP is now always" \
	"$(cat "$TMP/pinned/sys/kernel/mm/transparent_hugepage/enabled")" \
	"always"

# ---- hostile profiles: exit 2, one message per line ----
lint_rejects() {
	printf '%s\n' "$2" >"$TMP/bad.ini"
	expect_exit 2 "lint rejects $1" "$HT" lint "$TMP/bad.ini"
	check "... with file:line" grep -q 'bad.ini:[0-9]*:' "$TMP/last.err"
}
lint_rejects "[cpu 3-1]" '[cpu 3-1]
governor = performance'
lint_rejects "[cpu 0-99999999]" '[cpu 0-99999999]
governor = performance'
lint_rejects "[cpu a]" '[cpu a]
governor = performance'
lint_rejects "a governor with control characters" "$(printf '[cpu]\ngovernor = perf\033[0mormance')"
lint_rejects "[block ../sda]" '[block ../sda]
nomerges = 0'
lint_rejects "[block ,sda]" '[block ,sda]
nomerges = 0'
check "... naming the empty element" \
	grep -q 'bad.ini:1: \[block ,sda\]: empty element' "$TMP/last.err"
lint_rejects "[block !sda] alone" '[block !sda]
nomerges = 0'
check "... saying it only excludes" \
	grep -q "bad.ini:1: \[block !sda\]: '!sda' only excludes" "$TMP/last.err"
lint_rejects "[net a,,b]" '[net eth0]
mtu = 1500
[net a,,b]
mtu = 1500'
check "... on its own line" \
	grep -q 'bad.ini:3: \[net a,,b\]: empty element' "$TMP/last.err"
lint_rejects "a block key with ../" '[block sda]
../../../etc/passwd = 1'
lint_rejects "[numa ../node0]" '[numa ../node0]
hugepages_2048kB = 0'
lint_rejects "a host-wide key in a node section" '[numa node0]
ksm = 1'
lint_rejects "boost in a CPU list" '[cpu 0-3]
boost = on'

# ---- garbage in the tree: deviation or error, never a crash ----
for f in cpu-garbage block-garbage; do
	"$HT" -r "$FIXTURES/$f" audit "$TMP/intel.ini" "$TMP/block.ini" \
		>"$TMP/g.out" 2>"$TMP/g.err"
	same "$f: audit exits 1, no crash" "$?" 1
done

# ---- snapshot --all covers the domains, and rolls back ----
cp -a "$FIXTURES/cpu-intel" "$TMP/all"
expect_exit 0 "snapshot --all" \
	"$HT" -r "$TMP/all" -s "$TMP/all/state" snapshot --all --name before
check "... saves per-CPU sections" grep -q '^\[cpu cpu7\]' "$TMP/all/state/before.ini"
check "... and host-wide ones" grep -q '^boost = ' "$TMP/all/state/before.ini"
"$HT" -r "$TMP/all" -s "$TMP/all/state" apply "$TMP/intel.ini" >/dev/null 2>&1
expect_exit 0 "rollback to it" \
	"$HT" -r "$TMP/all" -s "$TMP/all/state" rollback before
same_tree "... restores every value" cpu-intel "$TMP/all"

done_testing
