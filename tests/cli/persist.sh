#!/bin/sh
# apply --persist on a --root tree: hosttune's own drop-in for
# systemd-sysctl and the active-profile record are written last, saved in
# the snapshot, and put back exactly by rollback; the active profile is
# what a bare apply or audit uses. Nothing touches the live host.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
cp -pR "$FIXTURES/cli-basic" "$TMP/r"
P=$TOP/tests/fixtures/cli-profiles/basic.ini
ht() { "$HT" -r "$TMP/r" --color never "$@"; }
D=$TMP/r/etc/sysctl.d/90-hosttune.conf
A=$TMP/r/var/lib/hosttune/active-profile

expect_exit 2 "a bare apply with no active profile: usage error" ht apply
expect_exit 0 "apply --persist" ht apply --persist "$P"
grep -q '^net.core.somaxconn = 4096$' "$D"
check "the drop-in holds what was set" [ $? = 0 ]
grep -q '^net.ipv4.tcp_rmem = 4096 131072 16777216$' "$D"
check "... multi-value keys with blanks" [ $? = 0 ]
same "the active profile is recorded" "$(cat "$A")" "$P"
grep -q '^file:.*90-hosttune.conf  *(no file)  *(13 lines)  *applied$' "$TMP/last.out"
check "the table shows the files as a summary" [ $? = 0 ]
grep -q "holds after a reboot: $(realpath "$TMP/r")/etc/sysctl.d/90-hosttune.conf," "$TMP/last.out"
check "... and says the drop-in is the tree's, not the host's" [ $? = 0 ]
# boot_verdicts JSON: "ID PERSISTED BOOT_SOURCE" for each result of an
# audit's JSON report.
boot_verdicts() {
	python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["id"], r["persisted"], r["boot_source"])
PY
}
ht -f json audit "$P" >"$TMP/boot.json" 2>&1
boot_verdicts "$TMP/boot.json" >"$TMP/boot"
grep -q "^sysctl:net.core.somaxconn True .*/etc/sysctl.d/90-hosttune.conf:3$" "$TMP/boot"
check "persisted: the drop-in keeps somaxconn at boot" [ $? = 0 ]
grep -q "^sysctl:net.core.busy_poll None None$" "$TMP/boot"
check "persisted: null where nothing sets it at boot" [ $? = 0 ]
printf 'vm.swappiness = 60\n' >"$TMP/r/etc/sysctl.d/99-later.conf"
ht audit "$P" >"$TMP/marks" 2>&1
grep -q '^sysctl:vm.swappiness  *ok .*\[ok now, overridden at boot by /etc/sysctl.d/99-later.conf:1\]$' "$TMP/marks"
check "text marks a value a later boot file overrides" [ $? = 0 ]
grep -q '^sysctl:net.core.somaxconn  *ok  *>=4096  *4096$' "$TMP/marks"
check "... and none on a value the drop-in keeps" [ $? = 0 ]
rm "$TMP/r/etc/sysctl.d/99-later.conf"
expect_exit 0 "audit with no profile audits the active one" ht audit
grep -q '^sysctl:net.core.somaxconn  *ok' "$TMP/last.out"
check "... (basic's settings)" [ $? = 0 ]
expect_exit 0 "a bare apply applies the active profile: nothing to change" ht apply
grep -q '^nothing to change' "$TMP/last.out"
check "... and says so" [ $? = 0 ]
snap=$(ls "$TMP/r/var/lib/hosttune"/*-apply-*.ini | head -1)
grep -q '^\[file\]$' "$snap"
check "the snapshot holds the files' state before" [ $? = 0 ]
expect_exit 0 "rollback" ht rollback
check "... removes the drop-in it wrote" [ ! -e "$D" ]
check "... and the record" [ ! -e "$A" ]
same "... and the values" "$(cat "$TMP/r/proc/sys/net/core/somaxconn")" 128

# A drop-in that was there before comes back as it was.
mkdir -p "$TMP/r/etc/sysctl.d"
printf 'vm.swappiness = 1\n' >"$D"
expect_exit 0 "apply --persist over an older drop-in" ht apply --persist "$P"
expect_exit 0 "rollback" ht rollback
same "... the older drop-in is back" "$(cat "$D")" "vm.swappiness = 1"

# The drop-in's mode is the administrator's: a 0600 one stays 0600
# through apply and rollback; one hosttune makes is 0644.
chmod 0600 "$D"
expect_exit 0 "apply --persist over a 0600 drop-in" ht apply --persist "$P"
same "... keeps its mode" "$(stat -c %a "$D")" 600
expect_exit 0 "rollback" ht rollback
same "... and so does the rollback" "$(stat -c %a "$D")" 600
same "... with the older content" "$(cat "$D")" "vm.swappiness = 1"
rm -f "$D"
expect_exit 0 "apply --persist with no drop-in" ht apply --persist "$P"
same "... makes it 0644" "$(stat -c %a "$D")" 644
expect_exit 0 "rollback" ht rollback
# ... but never wider than 0644: the file written is root's. A setuid,
# executable, world-writable drop-in and a 0666 active-profile record
# naming another profile (which a bare audit refuses) come out 0644 when
# apply rewrites them, and the audit then works.
printf 'vm.swappiness = 1\n' >"$D"
chmod 6777 "$D"
printf '/elsewhere/other.ini\n' >"$A"
chmod 0666 "$A"
expect_exit 0 "apply --persist over a 6777 drop-in and a 0666 record" \
	ht apply --persist "$P"
same "... the drop-in comes out 0644" "$(stat -c %a "$D")" 644
same "... and the record" "$(stat -c %a "$A")" 644
expect_exit 0 "... and a bare audit reads the record" ht audit
expect_exit 0 "rollback" ht rollback
rm -f "$D" "$A"

# A snapshot edited to name another file is refused before anything.
ht apply --persist "$P" >/dev/null 2>&1
snap=$(ls -t "$TMP/r/var/lib/hosttune"/*-apply-*.ini | head -1)
sed -i "s|^/.*/90-hosttune.conf = |/etc/shadow = |" "$snap"
expect_exit 2 "a snapshot naming a file hosttune does not write: refused" \
	ht rollback "$(basename "$snap" .ini)"
grep -q "not a file hosttune writes" "$TMP/last.err"
check "... saying so" [ $? = 0 ]

# An audit reads only the boot sources its checks need: sysctl.d for
# sysctls; no fstab without a mount check, no GRUB files without [boot],
# no active profile unless another domain asks for it.
if command -v strace >/dev/null 2>&1; then
	printf '[sysctl]\nvm.swappiness = 60\n' >"$TMP/only-sysctl.ini"
	strace -f -e trace=openat,openat2 -e signal=none -o "$TMP/reads.tr" \
		"$HT" -r "$TMP/r" audit "$TMP/only-sysctl.ini" >/dev/null 2>&1
	# a path whole (openat2) or a component at a time (the fallback
	# where openat2 is missing, as under valgrind)
	grep -q '[/"]sysctl\.d"' "$TMP/reads.tr"
	check "a sysctl audit reads sysctl.d for its boot verdicts" [ $? = 0 ]
	grep -Eq '[/"](fstab|grub|grub\.d|active-profile)"' "$TMP/reads.tr"
	check "... and no fstab, GRUB file or active profile" [ $? != 0 ]
fi

# The other domains' boot verdicts come from the active profile, which
# hosttune-apply.service applies at boot: a setting it has holds, one it
# lacks is lost at reboot (nothing sets it), never "overridden by -".
cp -pR "$FIXTURES/cpu-intel" "$TMP/c"
mkdir "$TMP/cst"
printf '[cpu 0]\ngovernor = powersave\n' >"$TMP/active.ini"
printf '%s\n' "$TMP/active.ini" >"$TMP/cst/active-profile"
printf '[cpu 0]\ngovernor = powersave\nenergy_performance_preference = balance_performance\n' >"$TMP/cpu.ini"
"$HT" -r "$TMP/c" -s "$TMP/cst" -f json audit "$TMP/cpu.ini" >"$TMP/cpu.json" 2>&1
boot_verdicts "$TMP/cpu.json" >"$TMP/cpu.boot"
grep -q "^cpu:cpu0:governor True hosttune-apply.service (.*active.ini)$" "$TMP/cpu.boot"
check "persisted: the active profile keeps the governor at boot" [ $? = 0 ]
grep -q "^cpu:cpu0:energy_performance_preference None None$" "$TMP/cpu.boot"
check "persisted: null for a setting the active profile lacks" [ $? = 0 ]
"$HT" -r "$TMP/c" -s "$TMP/cst" --color never audit "$TMP/cpu.ini" >"$TMP/cpu.txt" 2>&1
grep -q '^cpu:cpu0:energy_performance_preference .*\[ok now, lost at reboot\]$' "$TMP/cpu.txt"
check "... and text says it is lost at reboot" [ $? = 0 ]

# etc -> elsewhere in a tree: the drop-in is not written outside.
cp -pR "$FIXTURES/cli-basic" "$TMP/r2"
mkdir "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$TMP/r2/etc"
expect_exit 3 "a drop-in through a symlink: refused, all rolled back" \
	"$HT" -r "$TMP/r2" apply --persist "$P"
same "... nothing written outside the tree" "$(ls -A "$TMP/elsewhere")" ""
same "... the values as before" "$(cat "$TMP/r2/proc/sys/vm/swappiness")" 60

# A drop-in the administrator masked (a symlink to /dev/null, as
# sysctl.d(5) says) or made a symlink elsewhere is not replaced: a
# rollback could not put a symlink back, so the mask would be lost for
# good. The whole apply is refused before anything is written.
cp -pR "$FIXTURES/cli-basic" "$TMP/r3"
mkdir -p "$TMP/r3/etc/sysctl.d"
ln -s /dev/null "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
expect_exit 1 "a masked drop-in: apply --persist --dry-run refuses" \
	"$HT" -r "$TMP/r3" apply --persist --dry-run "$P"
expect_exit 1 "a masked drop-in: -f json apply --persist --dry-run refuses" \
	"$HT" -r "$TMP/r3" -f json apply --persist --dry-run "$P"
grep -q '^  "dry_run": true,$' "$TMP/last.out"
check "... and its JSON still says it was a dry run" [ $? = 0 ]
expect_exit 3 "a masked drop-in: apply --persist refuses" \
	"$HT" -r "$TMP/r3" apply --persist "$P"
grep -q "90-hosttune.conf: cannot be replaced: a symlink to /dev/null: masked" \
	"$TMP/last.err"
check "... saying it is masked" [ $? = 0 ]
same "... the mask is still there" \
	"$(readlink "$TMP/r3/etc/sysctl.d/90-hosttune.conf")" /dev/null
same "... the values as before" "$(cat "$TMP/r3/proc/sys/net/core/somaxconn")" 128
check "... no record of an active profile" \
	[ ! -e "$TMP/r3/var/lib/hosttune/active-profile" ]
echo 'vm.swappiness = 1' >"$TMP/theirs.conf"
rm "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
ln -s "$TMP/theirs.conf" "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
expect_exit 3 "a drop-in that is a symlink to another file: refused" \
	"$HT" -r "$TMP/r3" apply --persist "$P"
same "... the file it leads to is untouched" "$(cat "$TMP/theirs.conf")" \
	"vm.swappiness = 1"
check "... still a symlink" [ -L "$TMP/r3/etc/sysctl.d/90-hosttune.conf" ]
# A masked boot-loader drop-in, and a profile with no [boot] section:
# no such file is wanted, and the mask already gives that.
rm "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
mkdir -p "$TMP/r3/etc/default/grub.d"
ln -s /dev/null "$TMP/r3/etc/default/grub.d/hosttune.cfg"
expect_exit 0 "a masked boot drop-in, a profile without [boot]: applied" \
	"$HT" -r "$TMP/r3" apply --persist "$P"
same "... the mask is still there" \
	"$(readlink "$TMP/r3/etc/default/grub.d/hosttune.cfg")" /dev/null
check "... the sysctl drop-in written" [ -f "$TMP/r3/etc/sysctl.d/90-hosttune.conf" ]
expect_exit 0 "... and rolled back" "$HT" -r "$TMP/r3" rollback
same "... the mask still there" \
	"$(readlink "$TMP/r3/etc/default/grub.d/hosttune.cfg")" /dev/null
# Masked after apply --persist wrote the drop-in: rollback wants no file
# of hosttune's there, which the mask gives; it is left, the rest undone.
expect_exit 0 "apply --persist again" "$HT" -r "$TMP/r3" apply --persist "$P"
rm "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
ln -s /dev/null "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
expect_exit 0 "masked since: rollback completes" "$HT" -r "$TMP/r3" rollback
same "... the mask is kept" \
	"$(readlink "$TMP/r3/etc/sysctl.d/90-hosttune.conf")" /dev/null
same "... the values are back" "$(cat "$TMP/r3/proc/sys/net/core/somaxconn")" 128
# Masked after apply --persist replaced an older drop-in: rollback wants
# that content back, which the mask refuses; the snapshot is kept, and
# the table says the mask cannot be read (not "(0 lines)").
rm "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
printf 'vm.swappiness = 1\n' >"$TMP/r3/etc/sysctl.d/90-hosttune.conf"
expect_exit 0 "apply --persist over an older drop-in" \
	"$HT" -r "$TMP/r3" apply --persist "$P"
rm "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
ln -s /dev/null "$TMP/r3/etc/sysctl.d/90-hosttune.conf"
expect_exit 4 "masked since, its content wanted back: rollback incomplete" \
	"$HT" -r "$TMP/r3" --color never rollback
grep -q '90-hosttune.conf  *(unreadable)  *(1 line)  *failed (cannot be read: a symlink to /dev/null: masked' "$TMP/last.out"
check "... the row says the mask cannot be read" [ $? = 0 ]
same "... the mask is kept" \
	"$(readlink "$TMP/r3/etc/sysctl.d/90-hosttune.conf")" /dev/null

# The drop-in is read where it is written: beneath the tree's root, no
# symlink on the way, its name not followed, a file with another hard
# link refused. A root-only file outside the tree never shows in a plan,
# its JSON or a snapshot, even where the tree's owner could link it in.
printf 'TOPSECRET\n' >"$TMP/secret"
chmod 0600 "$TMP/secret"
cp -pR "$FIXTURES/cli-basic" "$TMP/r4"
mkdir -p "$TMP/r4/etc/sysctl.d"
ln "$TMP/secret" "$TMP/r4/etc/sysctl.d/90-hosttune.conf"
expect_exit 1 "a hard-linked drop-in: the dry run refuses" \
	"$HT" -r "$TMP/r4" -s "$TMP/st4" -f json apply --persist --dry-run "$P"
grep -q "cannot be replaced: the file has other hard links, refused" "$TMP/last.out"
check "... saying why" [ $? = 0 ]
expect_exit 3 "... and so does apply" \
	"$HT" -r "$TMP/r4" -s "$TMP/st4" apply --persist "$P"
check "... nothing of the other file anywhere" \
	sh -c '! grep -rq TOPSECRET "$1" "$2" "$3"' sh "$TMP/last.out" "$TMP/last.err" "$TMP/st4"
rm "$TMP/r4/etc/sysctl.d/90-hosttune.conf"
rmdir "$TMP/r4/etc/sysctl.d"
mkdir -m 0700 "$TMP/rootdir"
printf 'ROOTONLY\n' >"$TMP/rootdir/90-hosttune.conf"
ln -s "$TMP/rootdir" "$TMP/r4/etc/sysctl.d"
expect_exit 1 "a drop-in directory that is a symlink: the dry run refuses" \
	"$HT" -r "$TMP/r4" -s "$TMP/st4" -f json apply --persist --dry-run "$P"
grep -q "cannot be replaced: its directory is reached through a symlink" "$TMP/last.out"
check "... saying why, as apply would" [ $? = 0 ]
check "... without the file it leads to" \
	sh -c '! grep -q ROOTONLY "$1"' sh "$TMP/last.out"

# Run privileged, the drop-in's directory must be root's and writable by
# no one else: whoever could add a name there could add a hard link to a
# file of root's whose other name has since been replaced (one link left,
# which no count gives away).
cp -pR "$FIXTURES/cli-basic" "$TMP/r6"
mkdir -p "$TMP/r6/etc/sysctl.d"
chown nobody "$TMP/r6/etc/sysctl.d"
expect_exit 3 "a drop-in directory another user owns: apply --persist refuses" \
	"$HT" -r "$TMP/r6" -s "$TMP/st6" apply --persist "$P"
grep -q "its directory could be written by others (owner 65534, mode 0755): refused while running privileged" "$TMP/last.err"
check "... saying why" [ $? = 0 ]
same "... nothing written there" "$(ls -A "$TMP/r6/etc/sysctl.d")" ""
same "... the values as before" "$(cat "$TMP/r6/proc/sys/net/core/somaxconn")" 128
chown root "$TMP/r6/etc/sysctl.d"
chmod 0777 "$TMP/r6/etc/sysctl.d"
expect_exit 1 "one anyone may write: the dry run refuses" \
	"$HT" -r "$TMP/r6" -s "$TMP/st6" apply --persist --dry-run "$P"
grep -q "owner 0, mode 0777): refused while running privileged" "$TMP/last.err"
check "... saying why" [ $? = 0 ]
chmod 0755 "$TMP/r6/etc/sysctl.d"
expect_exit 0 "... and applies once only root may write it" \
	"$HT" -r "$TMP/r6" -s "$TMP/st6" apply --persist "$P"
if command -v setpriv >/dev/null; then
	chmod a+x "$TMP"
	mkdir -m 0755 "$TMP/own"
	cp -pR "$FIXTURES/cli-basic" "$TMP/own/t"
	cp "$P" "$TMP/own/p.ini" # the checkout may be closed to others
	chown -R nobody "$TMP/own"
	expect_exit 0 "a user's apply --persist on their own tree is theirs to make" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$HT" -r "$TMP/own/t" -s "$TMP/own/st" apply --persist "$TMP/own/p.ini"
	check "... the drop-in written" [ -f "$TMP/own/t/etc/sysctl.d/90-hosttune.conf" ]
	expect_exit 0 "... and with relative paths from a working directory of mode 0711" \
		sh -c 'cd "$1" && exec setpriv --reuid=nobody --regid=nogroup \
			--clear-groups "$2" -r own/t -s own/st rollback' \
		sh "$TMP" "$HT"
fi

# A value someone changed since apply, with terminal escapes in it: the
# rollback names it escaped, never the raw bytes.
cp -pR "$FIXTURES/cli-basic" "$TMP/r5"
expect_exit 0 "apply, then a value changed to one with escapes" \
	"$HT" -r "$TMP/r5" -s "$TMP/st5" apply "$P"
printf '5\033]0;owned\007\033[2J\n' >"$TMP/r5/proc/sys/vm/swappiness"
"$HT" -r "$TMP/r5" -s "$TMP/st5" rollback >"$TMP/r5.out" 2>"$TMP/r5.err"
grep -q 'vm.swappiness: changed by someone else .*now .5\\x1b\]0;owned\\x07' "$TMP/r5.err"
check "... rollback names it, escaped" [ $? = 0 ]
check "... no raw escape byte on stderr" \
	sh -c '! grep -q "$(printf "\033")" "$1"' sh "$TMP/r5.err"
done_testing
