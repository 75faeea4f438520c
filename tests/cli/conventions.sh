#!/bin/sh
# Command-line conventions as GNU and no-color.org have them: NO_COLOR only
# when not empty, TERM=dumb, a bare --color, ambiguous abbreviations with
# their candidates, every rejected option named. Colour needs a terminal:
# script(1) gives one. Reads a fixture tree only.
. "$(dirname "$0")/../lib.sh"
[ -x "$HT" ] || skip_all "no $HT (run make first)"
R=$FIXTURES/cli-basic
P=$TOP/tests/fixtures/cli-profiles/basic.ini
ESC=$(printf '\033')

# on_tty ENV...: audit with stdout a terminal, the given environment
on_tty() {
	env -i PATH="$PATH" "$@" script -qec "$HT -r $R audit $P" /dev/null \
		>"$TMP/tty.out" 2>&1
}
colored() { grep -q "$ESC\[" "$TMP/tty.out"; }
if command -v script >/dev/null 2>&1; then
	on_tty TERM=xterm
	check "a terminal gets colour" colored
	on_tty TERM=xterm NO_COLOR=
	check "NO_COLOR empty: still colour" colored
	on_tty TERM=xterm NO_COLOR=1
	check "NO_COLOR=1: no colour" sh -c '! grep -q "$(printf "\\033")\[" "$1"' sh "$TMP/tty.out"
	on_tty TERM=dumb
	check "TERM=dumb: no colour" sh -c '! grep -q "$(printf "\\033")\[" "$1"' sh "$TMP/tty.out"
else
	echo "# no script(1): terminal cases not run"
fi
"$HT" --color -r "$R" audit "$P" >"$TMP/c.out" 2>&1
check "a bare --color means always, even into a pipe" grep -q "$ESC\[" "$TMP/c.out"
expect_exit 2 "--color=sometimes is refused" "$HT" --color=sometimes audit
grep -q "unknown value 'sometimes'" "$TMP/last.err"
check "... naming the value" [ $? = 0 ]

expect_exit 2 "an ambiguous abbreviation is refused" "$HT" audit --st
same "... with its candidates" "$(cat "$TMP/last.err")" \
	"hosttune: option '--st' is ambiguous: --state-dir, --strict"
expect_exit 1 "an unambiguous one is taken (a finding with --strict)" "$HT" -r "$R" audit --stri "$P"
expect_exit 2 "an unknown short option is named" "$HT" audit -x
same "... by its letter" "$(cat "$TMP/last.err")" \
	"hosttune: unknown option '-x' (see hosttune --help)"
expect_exit 2 "an option the verb does not take is named" "$HT" audit --dry-run
same "... by its name" "$(cat "$TMP/last.err")" \
	"hosttune: audit does not take --dry-run (see hosttune audit --help)"
expect_exit 2 "a value given to a flag is refused" "$HT" apply --force=yes x
same "... saying so" "$(cat "$TMP/last.err")" \
	"hosttune: option '--force' takes no argument"
done_testing
