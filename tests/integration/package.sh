#!/bin/sh
# debian/: `dpkg-buildpackage -b -us -uc` in a temporary copy of the tree
# (the checkout is left as it was), lintian on the result with no error or
# warning, and the package holds each piece: the binary, both man pages,
# the profiles, the three units, the completion, the alert rules, the
# copyright; the same set `make install PREFIX=/usr` installs. The units
# are enabled as debian/rules says (the apply unit never started by the
# package). Needs dpkg-dev, debhelper and lintian, and the build
# dependencies; not root. About 30 seconds.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd dpkg-buildpackage
need_cmd dpkg-checkbuilddeps
need_cmd dh
need_cmd lintian

cd "$TOP" || exit 1
dpkg-checkbuilddeps -Pnocheck >"$TMP/deps" 2>&1 ||
	skip_all "build dependencies missing: $(sed -n 's/.*Unmet build dependencies: //p' "$TMP/deps")"

# The tree as it is, without what a build leaves (the .gitignore'd files).
SRC=$TMP/hosttune
mkdir -p "$SRC"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git status --porcelain >"$TMP/status.before"
	git ls-files -co --exclude-standard |
		tar -cf - --ignore-failed-read -T - 2>/dev/null | tar -xf - -C "$SRC"
else
	tar -cf - --exclude=./.git --exclude=./build --exclude=./hosttune \
		--exclude=./tests/out --exclude=./debian/hosttune --exclude=./debian/.debhelper . |
		tar -xf - -C "$SRC"
fi
check "a copy of the tree to build in" [ -f "$SRC/debian/rules" ]

(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES=nocheck \
	timeout 600 dpkg-buildpackage -b -us -uc) >"$TMP/build.log" 2>&1
rc=$?
same "dpkg-buildpackage -b -us -uc: exit 0" "$rc" 0
[ "$rc" = 0 ] || tail -20 "$TMP/build.log" | sed 's/^/#   /'
DEB=$(ls "$TMP"/hosttune_*_*.deb 2>/dev/null | head -1)
CHANGES=$(ls "$TMP"/hosttune_*_*.changes 2>/dev/null | head -1)
check "it built hosttune_VERSION_ARCH.deb" [ -n "$DEB" ]
if [ -z "$DEB" ]; then
	done_testing
	exit 1
fi

if [ -f "$TMP/status.before" ]; then
	git status --porcelain >"$TMP/status.after"
	check "the checkout is as it was" cmp -s "$TMP/status.before" "$TMP/status.after"
fi

# ---- lintian ----
timeout 300 lintian --display-info --pedantic "$CHANGES" >"$TMP/lintian.out" 2>"$TMP/lintian.err"
rc=$?
sed 's/^/# lintian: /' "$TMP/lintian.out"
same "lintian: exit 0" "$rc" 0
same "lintian: no error or warning" "$(grep -E '^[EW]: ' "$TMP/lintian.out")" ""

# ---- what is in it ----
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort >"$TMP/deb.files"
want="/usr/sbin/hosttune
/usr/share/man/man8/hosttune.8.gz
/usr/share/man/man5/hosttune-profile.5.gz
/lib/systemd/system/hosttune-apply.service
/lib/systemd/system/hosttune-audit.service
/lib/systemd/system/hosttune-audit.timer
/usr/share/bash-completion/completions/hosttune
/usr/share/hosttune/prometheus/hosttune-rules.yml
/usr/share/doc/hosttune/copyright"
for p in profiles/*.ini; do
	want="$want
/usr/share/hosttune/profiles/${p#profiles/}"
done
for f in $want; do
	check "the package has $f" grep -qx "$f" "$TMP/deb.files"
done
same "... /usr/sbin/hosttune executable" \
	"$(dpkg-deb -c "$DEB" | awk '$6 == "./usr/sbin/hosttune" { print $1 }')" "-rwxr-xr-x"

mkdir -p "$TMP/x"
dpkg-deb -f "$DEB" Depends | grep -q 'libmnl0 (>= 1.0.4)'
check "Depends names libmnl0, which hosttune loads with dlopen" [ $? = 0 ]
dpkg-deb -x "$DEB" "$TMP/x"
same "the packaged units run /usr/sbin/hosttune" \
	"$(grep -h '^ExecStart=' "$TMP/x/lib/systemd/system/"*.service | cut -d' ' -f1 | sort -u)" \
	"ExecStart=/usr/sbin/hosttune"
grep -aq /usr/local/ "$TMP/x/usr/sbin/hosttune"
check "the packaged binary was built for PREFIX=/usr (no /usr/local/ path in it)" [ $? != 0 ]

# The same set as make install, for PREFIX=/usr and Debian's unit directory.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRC" install \
	DESTDIR="$TMP/inst" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null 2>&1
(cd "$TMP/inst" && find . ! -type d | sed 's/^\.//') | sort >"$TMP/inst.files"
grep -v '^/usr/share/doc/' "$TMP/deb.files" | sed 's/\.gz$//' >"$TMP/deb.cmp"
same "the package holds what make install PREFIX=/usr installs, no more, no less" \
	"$(diff "$TMP/inst.files" "$TMP/deb.cmp" | grep '^[<>]' | tr '\n' ' ')" ""

# ---- maintainer scripts ----
mkdir -p "$TMP/ctl"
dpkg-deb -e "$DEB" "$TMP/ctl"
grep -q "enable 'hosttune-apply.service'" "$TMP/ctl/postinst"
check "postinst enables hosttune-apply.service (inert until a profile is made active)" [ $? = 0 ]
grep -q "hosttune-apply.service" "$TMP/ctl/prerm" 2>/dev/null ||
	grep -q "_dh_action 'hosttune-apply.service'" "$TMP/ctl/postinst"
check "... and never starts, restarts or stops it" [ $? != 0 ]
grep -q "_dh_action 'hosttune-audit.timer'" "$TMP/ctl/postinst"
check "postinst starts hosttune-audit.timer" [ $? = 0 ]
grep -q 'rm -f /var/lib/prometheus/node-exporter/hosttune.prom' "$TMP/ctl/postrm"
check "postrm removes the report node_exporter would keep serving" [ $? = 0 ]

# ---- the license ----
if [ -f /usr/share/common-licenses/GPL-2 ]; then
	check "COPYING is the GPL-2.0 text" cmp -s COPYING /usr/share/common-licenses/GPL-2
fi
same "every SPDX identifier in the tree is GPL-2.0-or-later, which COPYING and debian/copyright give" \
	"$(grep -rhoI 'SPDX-License-Identifier: [^ *]*' src checks include man profiles dist \
		tests/lib.sh Makefile 2>/dev/null | sort -u)" \
	"SPDX-License-Identifier: GPL-2.0-or-later"
grep -q '^License: GPL-2+$' debian/copyright
check "debian/copyright: License GPL-2+" [ $? = 0 ]

done_testing
