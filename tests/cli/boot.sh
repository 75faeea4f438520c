#!/bin/sh
# The boot domain through the binary on a copy of tests/fixtures/boot-basic:
# audit (text and JSON, against expected/boot-audit*.out), apply without
# --persist (nothing written, the reboot named), apply --persist writing
# /etc/default/grub.d/hosttune.cfg (content, mode, sh -n, and what it does
# to GRUB_CMDLINE_LINUX(_DEFAULT) when sourced), the audit after it, a
# second apply changing nothing, rollback removing or restoring the
# drop-in, lint errors with file:line, and a hostile /proc/cmdline.
# Nothing touches the live host: every command has --root and -s.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
cd "$TOP" || exit 1
EXP=tests/cli/expected
P=$TOP/tests/fixtures/cli-profiles/boot.ini
cp -pR "$FIXTURES/boot-basic" "$TMP/r"
D=$TMP/r/etc/default/grub.d/hosttune.cfg
ht() { "$HT" -r "$TMP/r" -s "$TMP/state" --color never "$@"; }
norm() { sed -e "s|$TMP|@TMP@|g" -e "s|$TOP|@TOP@|g" \
	-e 's/[0-9]\{8\}T[0-9]\{6\}Z/@STAMP@/g' -e 's/"time": "[^"]*"/"time": "@TIME@"/' \
	-e 's/"name": "[^"]*", "kernel": "[^"]*"/"name": "@HOST@", "kernel": "@KERNEL@"/'; }

# golden NAME: $TMP/last.out, normalised, against expected/NAME.out
golden() {
	norm <"$TMP/last.out" >"$TMP/$1.got"
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then cp "$TMP/$1.got" "$EXP/$1.out"; fi
	same_file "$1 matches expected/$1.out" "$EXP/$1.out" "$TMP/$1.got"
}

# results FILE: "id status persisted boot_source" per JSON result
results() {
	python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["id"], r["status"], r["actual"], r.get("persisted"), r.get("boot_source"))
PY
}

expect_exit 1 "audit: manual findings fail the audit" ht audit "$P"
golden boot-audit
expect_exit 1 "audit -f json" ht -f json audit "$P"
golden boot-audit-json
results "$TMP/last.out" >"$TMP/res"
check "json: a parameter GRUB_CMDLINE_LINUX keeps is not persisted, with its line" \
	grep -q '^boot:mitigations manual auto False /etc/default/grub:10$' "$TMP/res"
check "json: an absent parameter nothing sets holds at boot" \
	grep -q '^boot:threadirqs ok ! True /etc/default/grub$' "$TMP/res"
check "json: the last of two occurrences is what boot gets" \
	grep -q '^boot:isolcpus ok 2-3 True /etc/default/grub:9$' "$TMP/res"

cp -pR "$TMP/r" "$TMP/before"
expect_exit 0 "apply without --persist: nothing to change at run time" ht apply "$P"
check "... it says so" \
	grep -q '^nothing to change at run time (7 checks)$' "$TMP/last.out"
check "... and names the boot settings, --persist, update-grub and the reboot" \
	grep -q '^3 boot settings are not on the running kernel.s command line (boot:skew_tick, boot:nohz_full, boot:mitigations): it changes only at boot; apply --persist writes /etc/default/grub.d/hosttune.cfg, then run update-grub and reboot$' "$TMP/last.out"
check "... and writes nothing" diff -r "$TMP/before" "$TMP/r"
no_snapshot() { [ -z "$(ls "$TMP/state"/*.ini 2>/dev/null)" ]; }
check "... not even a snapshot" no_snapshot
expect_exit 0 "apply --dry-run without --persist: no change to make" ht apply --dry-run "$P"
expect_exit 0 "apply -f json without --persist" ht -f json apply "$P"
results "$TMP/last.out" | grep -c ' manual ' >"$TMP/n"
same "... its results carry the manual findings" "$(cat "$TMP/n")" 3

expect_exit 1 "apply --persist --dry-run: the drop-in is a change to make" \
	ht apply --persist --dry-run "$P"
check "... and nothing is written" [ ! -e "$D" ]
expect_exit 0 "apply --persist" ht apply --persist "$P"
check "... writes the boot-loader drop-in" \
	grep -q '^file:.*/etc/default/grub.d/hosttune.cfg  *(no file)  *([0-9]* lines)  *applied$' "$TMP/last.out"
check "... and says update-grub and a reboot are needed" \
	grep -q '^3 boot settings (boot:skew_tick, boot:nohz_full, boot:mitigations) are set in /etc/default/grub.d/hosttune.cfg: run update-grub and reboot for the kernel command line to change$' "$TMP/last.out"
same "... mode 0644" "$(stat -c %a "$D")" 644
grep -E "^hosttune_(un)?set '" "$D" >"$TMP/lines"
cat >"$TMP/want" <<'W'
hosttune_set 'intel[-_]idle.max[-_]cstate' 'intel_idle.max_cstate=1'
hosttune_set 'skew[-_]tick' 'skew_tick=1'
hosttune_set 'nohz[-_]full' 'nohz_full=2-3'
hosttune_set 'isolcpus' 'isolcpus=2-3'
hosttune_set 'nopti' 'nopti'
hosttune_unset 'mitigations' 'mitigations'
hosttune_unset 'threadirqs' 'threadirqs'
W
check "... one line per [boot] setting, in profile order" diff -u "$TMP/want" "$TMP/lines"
check "... sh -n accepts it" sh -n "$D"
if command -v bash >/dev/null; then
	check "... bash -n too" bash -n "$D"
fi

# source DESC LINUX DEFAULT WANT-LINUX WANT-DEFAULT: as grub-mkconfig
# does (/bin/sh, set -e), after /etc/default/grub's assignments; globbing,
# IFS and the shell's names are as they were.
source_dropin() {
	sh -ec '
	GRUB_CMDLINE_LINUX=$1 GRUB_CMDLINE_LINUX_DEFAULT=$2
	IFS=:
	touch "$4/x-nohz_full=9"; cd "$4"
	. "$3"
	printf "%s|%s|%s|%s|%s\n" "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT" \
		"$IFS" "$(echo x-*)" "$(set | grep -c "^hosttune_")"
	' sh "$2" "$3" "$D" "$TMP/glob" >"$TMP/sourced" 2>&1
	same "$1" "$(cat "$TMP/sourced")" "$4|$5|:|x-nohz_full=9|0"
}
mkdir -p "$TMP/glob"
source_dropin "sourced: appends to DEFAULT, strips absent ones from both" \
	"ro mitigations=auto" "quiet" \
	"ro" "quiet intel_idle.max_cstate=1 skew_tick=1 nohz_full=2-3 isolcpus=2-3 nopti"
source_dropin "sourced: earlier values of the profile's parameters leave DEFAULT, either spelling" \
	"mitigations threadirqs=1 isolcpus=1" "skew-tick=0 quiet intel-idle.max_cstate=9 nohz_full=*" \
	"isolcpus=1" "quiet intel_idle.max_cstate=1 skew_tick=1 nohz_full=2-3 isolcpus=2-3 nopti"
source_dropin "sourced: a quoted value with blanks stays one word; init's words stay after --" \
	'dyndbg="file mitigations=off +p" mitigations=off' 'quiet -- single threadirqs' \
	'dyndbg="file mitigations=off +p"' "quiet intel_idle.max_cstate=1 skew_tick=1 nohz_full=2-3 isolcpus=2-3 nopti -- single threadirqs"
source_dropin "sourced: empty variables" "" "" \
	"" "intel_idle.max_cstate=1 skew_tick=1 nohz_full=2-3 isolcpus=2-3 nopti"

expect_exit 1 "audit after --persist: still manual until the reboot" ht audit "$P"
check "... the detail names the drop-in, update-grub and the reboot" \
	grep -q '^boot:skew_tick  *manual  *1  *0 (set in /etc/default/grub.d/hosttune.cfg; takes effect after update-grub and a reboot)$' "$TMP/last.out"
ht -f json audit "$P" >"$TMP/after.json"
results "$TMP/after.json" >"$TMP/res"
check "json: persisted true, boot_source the drop-in's line" \
	grep -q '^boot:skew_tick manual 0 True /etc/default/grub.d/hosttune.cfg:[0-9]*$' "$TMP/res"
line=$(grep -n "^hosttune_set 'skew" "$D" | cut -d: -f1)
check "... the line that sets it" \
	grep -q "^boot:skew_tick manual 0 True /etc/default/grub.d/hosttune.cfg:$line\$" "$TMP/res"
check "... for an absent one too" \
	grep -q '^boot:mitigations manual auto True /etc/default/grub.d/hosttune.cfg:' "$TMP/res"

# Another grub.d file after ours in name order has the last word, as
# update-grub sources them in that order; one before ours does not.
G=$TMP/r/etc/default/grub.d
printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT skew_tick=0"\n' >"$G/zz-local.cfg"
printf 'GRUB_CMDLINE_LINUX_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} isolcpus=1"\n' >"$G/00-early.cfg"
ht -f json audit "$P" >"$TMP/over.json"
results "$TMP/over.json" >"$TMP/res"
check "json: a later grub.d file that sets it again overrides the drop-in" \
	grep -q '^boot:skew_tick manual 0 False /etc/default/grub.d/zz-local.cfg:1$' "$TMP/res"
check "... an earlier one does not" \
	grep -q '^boot:isolcpus ok 2-3 True /etc/default/grub.d/hosttune.cfg:' "$TMP/res"
expect_exit 1 "audit with an overriding file" ht audit "$P"
check "... and the text says which file overrides it" \
	grep -q '^boot:skew_tick  *manual .*(set in /etc/default/grub.d/hosttune.cfg, but overridden at boot by /etc/default/grub.d/zz-local.cfg:1)$' "$TMP/last.out"
printf '# a fresh assignment drops what came before\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >"$G/zz-local.cfg"
ht -f json audit "$P" >"$TMP/over.json"
results "$TMP/over.json" >"$TMP/res"
check "json: a later fresh assignment of GRUB_CMDLINE_LINUX_DEFAULT drops the drop-in's words" \
	grep -q '^boot:nohz_full manual ! False /etc/default/grub.d/zz-local.cfg:2$' "$TMP/res"
check "... but not what it removed from GRUB_CMDLINE_LINUX" \
	grep -q '^boot:mitigations manual auto True /etc/default/grub.d/hosttune.cfg:' "$TMP/res"
rm -f "$G/zz-local.cfg" "$G/00-early.cfg"

cp "$D" "$TMP/dropin.1"
expect_exit 0 "a second apply --persist" ht apply --persist "$P"
check "... changes nothing" \
	grep -q '^nothing to change at run time' "$TMP/last.out"
check "... the drop-in as it was" cmp "$D" "$TMP/dropin.1"

expect_exit 0 "rollback" ht rollback
check "... removes the drop-in it wrote" [ ! -e "$D" ]
check "... and leaves the rest of the tree as it was" \
	diff -r -x state -x sysctl.d -x grub.d "$TMP/before" "$TMP/r"

# A drop-in that was there before comes back byte for byte.
printf '# mine\nGRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT x=1"\n' >"$D"
chmod 0644 "$D"
cp "$D" "$TMP/mine"
expect_exit 0 "apply --persist over an older drop-in" ht apply --persist "$P"
check "... replaces it" [ "$(head -1 "$D")" != "# mine" ]
expect_exit 0 "rollback" ht rollback
check "... the older drop-in is back, byte for byte" cmp "$D" "$TMP/mine"

# A profile without [boot] removes a drop-in an earlier --persist wrote.
ht apply --persist "$P" >/dev/null 2>&1
printf '[sysctl]\n-vm.swappiness = 10\n' >"$TMP/noboot.ini"
expect_exit 0 "apply --persist of a profile without [boot]" ht apply --persist "$TMP/noboot.ini"
check "... removes the boot-loader drop-in" [ ! -e "$D" ]
expect_exit 0 "rollback" ht rollback
check "... puts it back" [ -s "$D" ]

# Lint: what cannot be a boot setting, with file:line.
cat >"$TMP/bad.ini" <<'B'
[boot]
isolcpus = 2-3
transparent_hugepage = never
foo = $(reboot)
nohz_full = "2-3 4"
bad/name = 1
B
expect_exit 2 "lint: bad boot settings are input errors" "$HT" lint "$TMP/bad.ini"
check "... transparent_hugepage points at [numa], with file:line" \
	grep -q "bad.ini:3: transparent_hugepage: .*use \[numa\] transparent_hugepage$" "$TMP/last.err"
check "... a value the shell would run" \
	grep -q "bad.ini:4: foo: '\$(reboot)' cannot be written to the boot loader's configuration" "$TMP/last.err"
check "... a value with blanks" \
	grep -q "bad.ini:5: nohz_full: '2-3 4' cannot be written" "$TMP/last.err"
check "... a name that is not a parameter's" \
	grep -q "bad.ini:6: bad/name: not a kernel parameter name" "$TMP/last.err"
cp "$D" "$TMP/dropin.2"
expect_exit 2 "apply of a bad [boot] profile: exit 2" ht apply --persist "$TMP/bad.ini"
check "... the drop-in untouched" cmp "$D" "$TMP/dropin.2"

# A hostile /proc/cmdline: every boot check an error, with the reason.
printf 'ro foo="open\n' >"$TMP/r/proc/cmdline"
expect_exit 1 "an unbalanced quote in /proc/cmdline: error" ht audit "$P"
check "... with the reason" \
	grep -q '^boot:skew_tick  *error .*unbalanced double quote' "$TMP/last.out"
head -c 11000000 /dev/zero | tr '\0' 'x' >"$TMP/r/proc/cmdline"
expect_exit 1 "a 10 MiB /proc/cmdline: error, not read whole" ht audit "$P"
check "... with the reason" \
	grep -q '^boot:skew_tick  *error .*larger than 64 KiB' "$TMP/last.out"
printf 'ro\001 quiet\n' >"$TMP/r/proc/cmdline"
expect_exit 1 "a control byte in /proc/cmdline: error" ht audit "$P"
check "... with the reason" \
	grep -q '^boot:skew_tick  *error .*control byte 0x01 at byte 2' "$TMP/last.out"
expect_exit 3 "apply --persist on an unreadable command line: refused" \
	ht apply --persist "$P"
done_testing
