#!/bin/sh
# The cpu, numa and block domains on the running kernel, read only: an audit
# of a profile that names every key of the three domains must run cleanly
# (exit 0 or 1, never a crash), report what this host lacks (cpufreq in a VM,
# SMT control, cpuidle) as `missing` and never as `error`, and read the
# values the kernel shows. Nothing here writes: no apply, no rollback on the
# live root (THP, schedulers and huge pages would change this machine).
# snapshot --all only reads the host and writes to a private state dir.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
[ -d /sys/devices/system/cpu ] || skip_all "no /sys"

cat >"$TMP/every.ini" <<'EOF'
[cpu]
governor = performance|schedutil
energy_performance_preference = performance|balance_performance
energy_perf_bias = <=6
min_freq_khz = >=0
max_freq_khz = max
boost = on
idle_max_latency_us = 1000000
smt = on

[numa]
balancing = 0..3
zone_reclaim_mode = 0..7
transparent_hugepage = always|madvise|never
transparent_hugepage_defrag = madvise|defer+madvise|always|defer|never
hugepages_2048kB = >=0
hugepages_1048576kB = >=0
ksm = 0..2

[numa node0]
hugepages_2048kB = >=0
hugepages_1048576kB = >=0

[block *]
scheduler = none|mq-deadline|kyber|bfq
read_ahead_kb = >=0
nr_requests = >=1
rq_affinity = 0..2
add_random = 0..1
nomerges = 0..2
EOF

"$HT" --color never audit "$TMP/every.ini" >"$TMP/audit.out" 2>"$TMP/audit.err"
rc=$?
case $rc in
0 | 1) ok "audit of every key exits $rc" ;;
*) not_ok "audit of every key exits $rc"; sed 's/^/#   /' "$TMP/audit.err" ;;
esac
sed 's/^/# /' "$TMP/audit.out"
same "no check is an error" "$(grep -c ' error ' "$TMP/audit.out")" 0
check "nothing on stderr" test ! -s "$TMP/audit.err"

"$HT" -f json audit "$TMP/every.ini" >"$TMP/audit.json" 2>/dev/null
same "json: no error status" "$(grep -c '"status": "error"' "$TMP/audit.json")" 0

# One governor check per online CPU, each ok, deviation or missing.
online=$(grep -c '^processor' /proc/cpuinfo)
same "one governor check per online CPU" \
	"$(grep -c '^cpu:cpu[0-9]*:governor ' "$TMP/audit.out")" "$online"

# What the host lacks is missing.
if [ ! -e /sys/devices/system/cpu/cpu0/cpufreq ]; then
	check "no cpufreq: governor is missing" \
		grep -q '^cpu:cpu0:governor  *missing' "$TMP/audit.out"
	check "no cpufreq: max_freq_khz is missing" \
		grep -q '^cpu:cpu0:max_freq_khz  *missing' "$TMP/audit.out"
fi
if [ ! -e /sys/devices/system/cpu/cpufreq/boost ] &&
	[ ! -e /sys/devices/system/cpu/intel_pstate/no_turbo ]; then
	check "no boost control: boost is missing" \
		grep -q '^cpu:boost  *missing' "$TMP/audit.out"
fi
case $(cat /sys/devices/system/cpu/smt/control 2>/dev/null) in
notsupported | notimplemented | "")
	check "no SMT control: smt is missing" \
		grep -q '^cpu:smt  *missing' "$TMP/audit.out" ;;
esac

# Values read are the kernel's (an ok row may end in its boot mark,
# "[ok now, lost at reboot]").
if [ -r /sys/kernel/mm/transparent_hugepage/enabled ]; then
	thp=$(sed 's/.*\[\([^]]*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)
	check "THP reads the selected entry ($thp)" \
		grep -q "^numa:transparent_hugepage  .*  $thp\( \[.*\]\)\?\$" "$TMP/audit.out"
fi
if [ -r /proc/sys/kernel/numa_balancing ]; then
	check "balancing reads kernel.numa_balancing" \
		grep -q "^numa:balancing  *ok .* $(cat /proc/sys/kernel/numa_balancing)\( \[.*\]\)\?\$" \
		"$TMP/audit.out"
fi
# [block *] is the disks backed by a device; loop, zram, dm, md and ram
# devices are left out.
for q in /sys/block/*/queue/scheduler; do
	[ -r "$q" ] || continue
	dev=${q#/sys/block/}
	dev=${dev%%/*}
	if [ ! -e "/sys/block/$dev/device" ]; then
		check "$dev (no device) is not audited by [block *]" \
			sh -c "! grep -q '^block:$dev:' '$TMP/audit.out'"
		continue
	fi
	sel=$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$q")
	[ -n "$sel" ] || continue
	check "block:$dev:scheduler reads $sel" \
		grep -q "^block:$dev:scheduler .* $sel\( \[.*\]\)\?\$" "$TMP/audit.out"
done
for dev in /sys/class/block/*; do
	[ -e "$dev/partition" ] || continue
	name=${dev##*/}
	check "partition $name is not audited" \
		sh -c "! grep -q '^block:$name:' '$TMP/audit.out'"
done

# A sysfs attribute says it is 4096 bytes long and answers its whole
# value to one read: one read a value, not a second to see the end (the
# audit above reads some 20 of them).
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=openat,openat2,pread64 -e signal=none \
		-o "$TMP/sysfs.tr" "$HT" audit "$TMP/every.ini" >/dev/null 2>&1
	opens=$(grep -c '^[0-9]* *openat2(.*"sys/.*= [0-9]' "$TMP/sysfs.tr")
	# a read at an offset past 0 of a descriptor opened below sys/
	# looked for more of a value already read
	again=$(awk '/openat2?\(/ { fd = $NF; sys[fd] = ($0 ~ /"sys\//) }
		/pread64\(/ { split($2, a, /[(,]/); off = $0
			sub(/\) *= .*/, "", off); sub(/.*, /, "", off)
			if (sys[a[2]] && off > 0) n++ }
		END { print n + 0 }' "$TMP/sysfs.tr")
	check "sysfs values were read ($opens opened)" [ "$opens" -gt 5 ]
	same "no sysfs value is read twice" "$again" 0
fi

# A read-only snapshot of the domains: reads the host, writes only $TMP.
expect_exit 0 "snapshot --all into a private state dir" \
	"$HT" -s "$TMP/state" snapshot --all --name live
check "... has the numa domain" grep -q '^\[numa\]' "$TMP/state/live.ini"
check "... has the block domain" grep -q '^\[block ' "$TMP/state/live.ini"

done_testing
