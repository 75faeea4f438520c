#!/bin/sh
# The documentation agrees with the binary:
#  (a) every verb of the verb table in src/main.c has a .TP/.B entry under
#      COMMANDS in man/hosttune.8 and a line in `hosttune --help`, and the
#      man page documents no verb the binary lacks;
#  (b) every long option of src/main.c's long_options is in OPTIONS;
#  (c) both built man pages render without warnings (skipped without man);
#  (d) EXIT STATUS has an entry for each of 0..4;
#  (e) every profile in profiles/ has an entry in hosttune-profile(5), and
#      the page lists no profile that is not shipped;
#  (f) the README's quick start is exactly `sh tools/setup.sh`, `make check`.
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
MAIN=src/main.c
MAN8=man/hosttune.8
MAN5=build/man/hosttune-profile.5

[ -x "$HT" ] || skip_all "no $HT (run make first)"
[ -f "$MAN5" ] && [ -f build/man/hosttune.8 ] ||
	skip_all "no build/man pages (run make man first)"

# section FILE NAME: the lines of a man page's .SH NAME section.
section() {
	awk -v want="$2" '
		/^\.SH / {
			name = substr($0, 5)
			gsub(/"/, "", name)
			on = (name == want)
			next
		}
		on { print }' "$1"
}

# tags: from section text on stdin, the first word of each .TP tag written
# as ".B WORD", outside .RS/.RE blocks (those are a command's options).
tags() {
	awk '
		/^\.RS/ { depth++; next }
		/^\.RE/ { depth--; next }
		/^\.TP/ { tp = 1; next }
		tp { tp = 0; if (depth == 0 && $1 == ".B") print $2 }'
}

# roff NAME: NAME as written in roff, each '-' as '\-'.
roff() { printf '%s\n' "$1" | sed 's/-/\\-/g'; }
unroff() { sed 's/\\-/-/g'; }

# (a) verbs
verbs=$(sed -n 's/^[[:space:]]*{ *"\([a-z-]*\)", cmd_.*/\1/p' "$MAIN")
check "the verb table in $MAIN parses" [ -n "$verbs" ]
documented=$(section "$MAN8" COMMANDS | tags | unroff)
help=$("$HT" --help)
for v in $verbs; do
	check "verb '$v' has an entry under COMMANDS in hosttune.8" \
		sh -c 'printf "%s\n" "$1" | grep -qx -- "$2"' - "$documented" "$v"
	check "verb '$v' is in hosttune --help" \
		sh -c 'printf "%s\n" "$1" | grep -Eq -- "^  $2( |\$)"' - "$help" "$v"
done
for d in $documented; do
	check "hosttune.8 documents '$d', which the verb table has" \
		sh -c 'printf "%s\n" "$1" | grep -qx -- "$2"' - "$verbs" "$d"
done

# (b) long options
longs=$(sed -n '/long_options\[\] = {/,/^};/s/^[[:space:]]*{ *"\([a-z-]*\)",.*/\1/p' \
	"$MAIN")
check "long_options in $MAIN parses" [ -n "$longs" ]
options=$(section "$MAN8" OPTIONS)
for o in $longs; do
	r="\\-\\-$(roff "$o")"
	check "option --$o is described under OPTIONS in hosttune.8" \
		sh -c 'printf "%s\n" "$1" | grep -qF -- "$2"' - "$options" "$r"
done

# (c) the pages render without warnings
for page in build/man/hosttune.8 "$MAN5"; do
	if ! command -v man >/dev/null 2>&1; then
		ok "$page renders without warnings # SKIP no man"
		continue
	fi
	MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$TMP/man.err"
	if [ ! -s "$TMP/man.err" ]; then
		ok "$page renders without warnings"
	else
		not_ok "$page renders without warnings"
		sed 's/^/#   /' "$TMP/man.err" | head -20
	fi
done

# (d) exit codes
codes=$(section "$MAN8" "EXIT STATUS" | tags)
for c in 0 1 2 3 4; do
	check "EXIT STATUS in hosttune.8 has exit code $c" \
		sh -c 'printf "%s\n" "$1" | grep -qx -- "$2"' - "$codes" "$c"
done
same "EXIT STATUS lists exactly the codes 0 to 4" \
	"$(printf '%s\n' "$codes" | sort -n | tr '\n' ' ')" "0 1 2 3 4 "

# (e) shipped profiles
shipped=$(for f in profiles/*.ini; do basename "$f" .ini; done)
listed=$(section "$MAN5" "SHIPPED PROFILES" | tags | unroff)
for p in $shipped; do
	check "profile '$p' has an entry in hosttune-profile(5)" \
		sh -c 'printf "%s\n" "$1" | grep -qx -- "$2"' - "$listed" "$p"
done
for p in $listed; do
	check "hosttune-profile(5) lists '$p', which profiles/ ships" \
		[ -f "profiles/$p.ini" ]
done

# (f) the README's quick start: the commands of its first code block
quick=$(awk '
	/^## / { on = ($0 == "## Quick start"); next }
	on && /^```/ { if (inblock) exit; inblock = 1; next }
	on && inblock && NF && $1 !~ /^#/ { print }' README.md)
same "README quick start is 'sh tools/setup.sh' then 'make check'" \
	"$quick" "$(printf 'sh tools/setup.sh\nmake check')"

done_testing
