#!/bin/sh
# With --format json every outcome prints one JSON document on standard
# output, failures included: a usage or input error (exit 2) carries
# "error": {"message": ..., "exit": 2}, whose message says what was wrong,
# as standard error does; a verb that refuses the format does the same,
# and so does a dry run of a plan apply refuses (with exit 1).
# -o - is standard output, not a file named '-'. Before the transaction
# engine (commit cdf768e) these failures printed no JSON at all, lint took
# -f json and printed text, and -o - wrote a file named '-'.
#
# Nothing here touches the host: --root is a copy of a fixture tree in
# $TMP, -s a directory in $TMP, and the current directory is $TMP.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd python3
python3 -c 'import json' 2>/dev/null || skip_all "needs python3's json"
P=$FIXTURES/cli-profiles/basic.ini
R=$TMP/root
cp -pR "$FIXTURES/cli-basic" "$R"
mkdir "$TMP/cwd"
cd "$TMP/cwd" || exit 1

ht() { "$HT" -s "$TMP/state" --color never "$@"; }

# is_error_json FILE: FILE is one JSON document with error.exit 2.
is_error_json() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["hosttune"] and d["error"]["exit"] == 2, d' "$1" 2>"$TMP/py.err"
}

# json_error DESC WORD CMD...: exit 2, and standard output is one JSON
# document with error.exit 2 and an error.message that contains WORD.
json_error() {
	_what=$1 _word=$2
	shift 2
	expect_exit 2 "$_what: exit 2" "$@"
	check "$_what: one JSON document with error.exit 2" is_error_json "$TMP/last.out"
	_msg=$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["error"]["message"])' "$TMP/last.out" 2>/dev/null)
	case "$_msg" in
	*"$_word"*) ok "$_what: error.message names $_word" ;;
	*)
		not_ok "$_what: error.message names $_word"
		printf '#   message: %s\n#   stderr:  %s\n' "$_msg" "$(head -1 "$TMP/last.err")"
		;;
	esac
}

json_error "unknown command" frobnicate ht -f json frobnicate
json_error "unknown option" --bogus ht -f json audit --bogus
json_error "bad option value" --keep ht -f json prune --keep many
json_error "lint refuses -f json" lint ht lint -f json "$P"
json_error "apply -f json of a missing profile" nosuch.ini \
	ht apply -f json --root "$R" "$TMP/nosuch.ini"
printf '[sysctl]\nnet.core.somaxconn = >=\n' >"$TMP/bad.ini"
json_error "audit -f json of a profile with an input error" bad.ini:2 \
	ht audit -f json --root "$R" "$TMP/bad.ini"
json_error "rollback -f json of an unknown snapshot" nosuchsnap \
	ht rollback -f json --root "$R" nosuchsnap
same "no failure wrote a snapshot or touched the tree" \
	"$(find "$TMP/state" -name '*.ini' 2>/dev/null | wc -l) $(diff -r "$FIXTURES/cli-basic" "$R" >/dev/null && echo same)" \
	"0 same"

# A dry run of a plan apply refuses (a setting it cannot read) exits 1
# and carries the refusal as apply itself would, with exit 1; the changes
# it would not make are skipped. Before, only standard error said why.
mkdir "$R/proc/sys/kernel/unreadable"
printf '[sysctl]\nkernel.unreadable = 1\nkernel.shmmni = 8192\n' >"$TMP/refused.ini"
expect_exit 1 "apply --dry-run -f json of a refused plan" \
	ht apply --dry-run -f json --root "$R" "$TMP/refused.ini"
check "refused dry run: error names the setting, exit 1, change skipped" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
assert e["exit"] == 1 and d["dry_run"], d
assert "kernel.unreadable: cannot be read" in e["message"], e
assert [c["status"] for c in d["changes"]] == ["skipped"], d["changes"]' \
	"$TMP/last.out"
expect_exit 1 "apply --dry-run -f json of a plan it would make" \
	ht apply --dry-run -f json --root "$R" "$P"
check "a dry run apply would make: no error" python3 -c '
import json, sys
assert "error" not in json.load(open(sys.argv[1]))' "$TMP/last.out"
rmdir "$R/proc/sys/kernel/unreadable"

# -o - is standard output.
expect_exit 1 "audit -f json" ht audit -f json --root "$R" "$P"
cp "$TMP/last.out" "$TMP/plain.json"
expect_exit 1 "audit -f json -o -" ht audit -f json -o - --root "$R" "$P"
check "-o -: the same JSON on standard output" same_but_time "$TMP/plain.json" "$TMP/last.out"
check "-o -: no file named '-'" test ! -e ./-
rm -f ./-
json_error "-o - with a failure" frobnicate ht -f json -o - frobnicate
check "-o - with a failure: no file named '-'" test ! -e ./-
done_testing
