#!/bin/sh
# dist/systemd: the units as `make install` installs them (ExecStart pointed
# at the installed binary) pass `systemd-analyze verify` without a word, and
# say what the issue asked of them: the boot-time apply of the active
# profile, the periodic audit into Debian's node_exporter textfile
# directory, the capabilities of each, and no option that would give the
# service a namespace of its own (see the comments in the units). Needs
# systemd-analyze (package systemd; no running systemd); writes only under
# a temporary prefix. tests/integration/units-sandbox.sh runs the units'
# commands in their sandboxes.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd systemd-analyze

# The units as installed under a temporary prefix; the make that runs this
# suite must not lend its jobserver to this one.
P=$TMP/prefix
UD=$P/lib/systemd/system
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" install \
	PREFIX="$P/usr" UNITDIR="$UD" >"$TMP/install.log" 2>&1
check "make install PREFIX=... UNITDIR=... installs" [ $? = 0 ]
sed 's/^/#   /' "$TMP/install.log" | head -10
SBIN=$P/usr/sbin/hosttune
APPLY=$UD/hosttune-apply.service
AUDIT=$UD/hosttune-audit.service
TIMER=$UD/hosttune-audit.timer
for u in "$APPLY" "$AUDIT" "$TIMER"; do
	check "$(basename "$u") is installed, mode 0644" \
		[ "$(stat -c %a "$u" 2>/dev/null)" = 644 ]
done

# systemd-analyze checks that ExecStart exists and that the man page of
# Documentation= opens (with man -w, through MANPATH).
MANPATH=$P/usr/share/man systemd-analyze verify "$APPLY" "$AUDIT" "$TIMER" \
	>"$TMP/verify.out" 2>&1
rc=$?
sed 's/^/#   /' "$TMP/verify.out"
check "systemd-analyze verify: exit 0" [ "$rc" = 0 ]
check "systemd-analyze verify: no warning" [ ! -s "$TMP/verify.out" ]

# value UNIT KEY: the values of KEY (all its lines, joined by a blank).
value() {
	sed -n "s/^$2=//p" "$1" | tr '\n' ' ' | sed 's/ *$//'
}
# has LIST WORD
has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

# ---- hosttune-apply.service ----
same "apply: ExecStart is the installed binary's '-q apply' (the active profile)" \
	"$(value "$APPLY" ExecStart)" "$SBIN -q apply"
same "apply: a oneshot that stays active" \
	"$(value "$APPLY" Type) $(value "$APPLY" RemainAfterExit)" "oneshot yes"
same "apply: runs only when a profile was made active" \
	"$(value "$APPLY" ConditionPathExists)" "/var/lib/hosttune/active-profile"
for u in local-fs.target systemd-sysctl.service; do
	has "$(value "$APPLY" After)" "$u"
	check "apply: after $u" [ $? = 0 ]
done
has "$(value "$APPLY" Before)" network-pre.target
check "apply: before network-pre.target (before any interface is set up)" [ $? = 0 ]
same "apply: the capabilities a plan can need, no other" \
	"$(value "$APPLY" CapabilityBoundingSet)" \
	"CAP_SYS_ADMIN CAP_NET_ADMIN CAP_SYS_RESOURCE"
same "apply: enabled for boot in multi-user.target" \
	"$(value "$APPLY" WantedBy)" "multi-user.target"

# ---- hosttune-audit.service ----
TEXTFILE=/var/lib/prometheus/node-exporter
same "audit: writes the Prometheus report into the textfile directory, atomically (-o)" \
	"$(value "$AUDIT" ExecStart)" \
	"$SBIN -f prometheus -o $TEXTFILE/hosttune.prom audit"
same "audit: exit 1 (findings) is success" "$(value "$AUDIT" SuccessExitStatus)" 1
same "audit: holds no capability" \
	"$(grep -c '^CapabilityBoundingSet=$' "$AUDIT") $(value "$AUDIT" CapabilityBoundingSet)" \
	"1 "
same "audit: skipped where there is no textfile directory" \
	"$(value "$AUDIT" ConditionPathIsDirectory)" "$TEXTFILE"
if command -v prometheus-node-exporter >/dev/null 2>&1; then
	default=$(prometheus-node-exporter --help 2>&1 |
		sed -n 's/.*--collector.textfile.directory="\([^"]*\)".*/\1/p')
	same "audit: $TEXTFILE is Debian's node_exporter default" "$default" "$TEXTFILE"
else
	ok "audit: the textfile directory is node_exporter's default # SKIP no prometheus-node-exporter"
fi

# ---- both services ----
for u in "$APPLY" "$AUDIT"; do
	n=$(basename "$u" .service)
	same "$n: state directory /var/lib/hosttune, 0700" \
		"$(value "$u" StateDirectory) $(value "$u" StateDirectoryMode)" \
		"hosttune 0700"
	same "$n: no new privileges" "$(value "$u" NoNewPrivileges)" yes
	same "$n: a system-call filter that fails calls with EPERM" \
		"$(value "$u" SystemCallErrorNumber)" EPERM
	ns=$(grep -E '^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|PrivateNetwork|PrivateIPC|PrivateMounts|PrivateUsers|ProtectHostname|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectProc|ProcSubset|ReadWritePaths|ReadOnlyPaths|InaccessiblePaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|DynamicUser|RootDirectory|RootImage|NetworkNamespacePath|IPCNamespacePath)=' "$u")
	same "$n: no option that gives it a namespace of its own" "$ns" ""
	systemd-analyze security --offline=yes "$u" 2>/dev/null |
		sed -n 's/^→ /# /p'
done

# ---- hosttune-audit.timer ----
same "timer: enabled in timers.target" "$(value "$TIMER" WantedBy)" timers.target
us() { systemd-analyze timespan "$1" | sed -n 's/^ *μs: //p'; }
every=$(us "$(value "$TIMER" OnUnitActiveSec)")
stale=$(sed -n 's/.*time() - hosttune_last_run_timestamp_seconds > \([0-9 *]*\)$/\1/p' \
	"$TOP/dist/prometheus/hosttune-rules.yml")
within=no
[ -n "$every" ] && [ -n "$stale" ] &&
	[ $((every * 4)) -le $((($stale) * 1000000)) ] && within=yes
same "timer: an audit every ${every:-?} us, a quarter of the stale alert's $stale s or less" \
	"$within" yes

done_testing
