#!/bin/sh
# The mount domain on the real kernel, in a private mount namespace: a tmpfs
# made for the test is audited, remounted (per-mount flags with
# mount_setattr, a file system option with a superblock remount), audited
# clean, and rolled back to its exact previous options; a failed apply
# leaves it as it was. Nothing outside the namespace is remounted.
. "$(dirname "$0")/../lib.sh"
in_namespaces "$@"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
mnt=$TMP/mnt
mkdir "$mnt" "$TMP/p"
mount -t tmpfs -o size=16m,mode=0755 httest "$mnt" ||
	skip_all "cannot mount a tmpfs"
trap 'umount -R "$mnt" 2>/dev/null; rm -rf "$TMP"' EXIT

# The mount's line of mountinfo without its ids: mount point, options,
# optional fields, type, source and superblock options.
line() { awk -v p="$mnt" '$5 == p { $1 = $2 = $3 = ""; print }' /proc/self/mountinfo; }
# Field 6 (per-mount options) and the last field (superblock options).
opts() { awk -v p="$mnt" '$5 == p { print $6 " - " $NF }' /proc/self/mountinfo; }
# profile NAME OPTIONS [PATH]
profile() { printf '[mount %s]\noptions = %s\n' "${3:-$mnt}" "$2" >"$TMP/p/$1.ini"; }
ht() { "$HT" -s "$TMP/state" "$@"; }

before=$(line)
same "the test's tmpfs is there" "$(opts)" "rw,relatime - rw,size=16384k,mode=755"

profile flags noatime,nosuid
expect_exit 1 "audit finds noatime and nosuid missing" ht audit "$TMP/p/flags.ini"
grep -q "mount:$mnt:noatime  *deviation" "$TMP/last.out"
check "one check per option, id mount:PATH:OPTION" [ $? = 0 ]
expect_exit 1 "apply --dry-run shows the change" ht apply --dry-run "$TMP/p/flags.ini"
same "a dry run remounts nothing" "$(line)" "$before"
expect_exit 0 "apply remounts" ht apply "$TMP/p/flags.ini"
same "per-mount flags set, superblock untouched" "$(opts)" \
	"rw,nosuid,noatime - rw,size=16384k,mode=755"
expect_exit 0 "audit is clean after apply" ht audit "$TMP/p/flags.ini"
expect_exit 0 "a second apply" ht apply "$TMP/p/flags.ini"
grep -q "nothing to change" "$TMP/last.out"
check "changes nothing" [ $? = 0 ]
grep -q "noatime = \"rw,relatime - rw,size=16384k,mode=755\"" "$TMP"/state/*apply*.ini
check "the snapshot holds the whole previous option state" [ $? = 0 ]
expect_exit 0 "rollback" ht rollback
same "rollback restores the exact mountinfo line" "$(line)" "$before"

profile super size=32m,sync,!noexec
expect_exit 0 "apply a file system option" ht apply "$TMP/p/super.ini"
same "superblock remounted, options kept" "$(opts)" \
	"rw,relatime - rw,sync,size=32768k,mode=755"
expect_exit 0 "audit: size=32m is size=32768k" ht audit "$TMP/p/super.ini"
expect_exit 0 "rollback the superblock remount" ht rollback
same "size and sync are as they were" "$(line)" "$before"

# One apply, four options of one mount: three per-mount flags and a
# superblock option, each remount reading the state the one before it
# left (the run reads mountinfo once and again after every remount: a
# stale table would put back what the previous remount changed), and the
# read-back of every check seeing the final state.
profile many noatime,nosuid,nodev,size=24m
expect_exit 0 "apply four options of one mount in one run" \
	ht apply "$TMP/p/many.ini"
same "every remount kept the ones before it" "$(opts)" \
	"rw,nosuid,nodev,noatime - rw,size=24576k,mode=755"
expect_exit 0 "audit is clean after it" ht audit "$TMP/p/many.ini"
expect_exit 0 "rollback the four" ht rollback
same "all four are as they were" "$(line)" "$before"

# nosuid is written first, then the kernel refuses nr_inodes=abc: apply
# must put nosuid back.
profile bad nosuid,nr_inodes=abc
expect_exit 3 "a remount the kernel refuses fails the apply" \
	ht apply "$TMP/p/bad.ini"
same "and what was remounted before it is restored" "$(line)" "$before"

profile ambiguous '!relatime'
expect_exit 3 "!relatime names no atime mode to set" \
	ht apply "$TMP/p/ambiguous.ini"
same "nothing remounted" "$(line)" "$before"

ln -s mnt "$TMP/link"
profile link noexec "$TMP/./link/"
expect_exit 1 "a symlink to the mount is audited" \
	ht -f json audit "$TMP/p/link.ini"
grep -q "\"id\": \"mount:$mnt:noexec\", \"domain\": \"mount\", \"target\": \"$mnt\"" "$TMP/last.out"
check "as what it resolves to" [ $? = 0 ]
expect_exit 0 "apply through the symlink" ht apply "$TMP/p/link.ini"
same "remounts the mount itself" "$(opts)" \
	"rw,noexec,relatime - rw,size=16384k,mode=755"
expect_exit 0 "rollback" ht rollback
same "and back" "$(line)" "$before"

profile notmounted noatime "$TMP"
expect_exit 0 "a directory that is no mount point is missing" \
	ht audit "$TMP/p/notmounted.ini"
grep -q "missing.*not a mount point" "$TMP/last.out"
check "and says so" [ $? = 0 ]

# Stacked: a second tmpfs on the same path is the one audited and changed.
mount -t tmpfs -o size=1m httop "$mnt"
profile top ro
expect_exit 0 "apply to a stacked mount" ht apply "$TMP/p/top.ini"
same "the top mount is read-only" \
	"$(awk -v p="$mnt" '$5 == p { print $6, $(NF - 1) }' /proc/self/mountinfo)" \
	"rw,relatime httest
ro,relatime httop"
expect_exit 0 "rollback the stacked mount" ht rollback
umount "$mnt"
same "the lower one never changed" "$(line)" "$before"

# Under --root nothing is remounted: the checks are audited, apply refuses.
root=$TMP/root
mkdir -p "$root/proc/self"
cp /proc/self/mountinfo "$root/proc/self/mountinfo"
expect_exit 1 "--root audits the root's mountinfo" \
	ht -r "$root" audit "$TMP/p/flags.ini"
expect_exit 3 "--root never remounts" ht -r "$root" apply "$TMP/p/flags.ini"
grep -q "read-only on this host" "$TMP/last.err"
check "and says why" [ $? = 0 ]
same "the live mount did not change" "$(line)" "$before"
done_testing
