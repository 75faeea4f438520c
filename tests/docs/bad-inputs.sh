#!/bin/sh
# tests/BAD-INPUTS.md names, for every hostile input, the test that shows
# what hosttune does: each named test must exist, so the catalogue and the
# tests stay in step.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
grep '^| ' tests/BAD-INPUTS.md | grep -v '^| input ' |
	sed -n 's/.*| `\([^`]*\)`: `\([^`]*\)` |$/\1\t\2/p' >"$TMP/refs"
same "every catalogue row names a test" \
	"$(grep -c '^| ' tests/BAD-INPUTS.md)" \
	"$(($(wc -l <"$TMP/refs") + $(grep -c '^| input ' tests/BAD-INPUTS.md)))"
while IFS="$(printf '\t')" read -r file name; do
	if [ ! -f "$file" ]; then
		not_ok "$file exists"
	elif grep -qF -- "$name" "$file"; then
		ok "$file: $name"
	else
		not_ok "$file: $name (not found)"
	fi
done <"$TMP/refs"
done_testing
