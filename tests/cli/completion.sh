#!/bin/sh
# dist/bash-completion/hosttune: sourced into a clean bash, its function is
# called with COMP_WORDS/COMP_CWORD set as bash sets them, and COMPREPLY is
# compared with what the binary says there is (its verbs, each verb's
# options and formats, `list profiles`, `list snapshots`). Needs bash; reads
# only fixtures and a temporary state directory.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd bash
COMPLETION=$TOP/dist/bash-completion/hosttune
PROFILES=$FIXTURES/cli-profiles

# comp WORD...: COMPREPLY, sorted, on one line, for the command line WORD...
# whose last word is the one being completed; the first is the binary.
comp() {
	bash --norc --noprofile -c '
		[ -n "${COMP_PATH:-}" ] && PATH=$COMP_PATH
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_hosttune "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' - "$COMPLETION" "$@" |
		sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
words() { printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }
# has LIST WORD: WORD is one of the blank-separated LIST
has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

check "the completion is valid bash" bash -n "$COMPLETION"
same "sourcing it registers _hosttune for hosttune" \
	"$(bash --norc --noprofile -c '. "$1"; complete -p hosttune' - "$COMPLETION")" \
	"complete -F _hosttune hosttune"

# ---- verbs ----
table=$(words $(sed -n 's/^[[:space:]]*{ *"\([a-z-]*\)", cmd_.*/\1/p' "$TOP/src/main.c"))
check "the verb table in src/main.c parses" [ -n "$table" ]
same "'hosttune <TAB>': every verb of the verb table" "$(comp "$HT" '')" "$table"
same "'hosttune a<TAB>': audit apply" "$(comp "$HT" a)" "apply audit"
same "without a runnable hosttune, the fallback list is the verb table too" \
	"$(COMP_PATH=/usr/bin:/bin comp /nonexistent/hosttune '')" "$table"

# ---- options ----
global=$(words $("$HT" --help | sed -n '/^Options/,/^$/p' | grep -o -- '--[a-z][a-z-]*'))
same "'hosttune --<TAB>': every long option of hosttune --help" \
	"$(comp "$HT" --)" "$global"
for v in $table; do
	mine=$("$HT" "$v" --help | grep -o -- '--[a-z][a-z-]*' | grep -vx -- --help)
	got=$(comp "$HT" "$v" --)
	missing=
	for o in $mine $global; do has "$got" "$o" || missing="$missing $o"; done
	same "'hosttune $v --<TAB>': its own and the global options" "$missing" ""
done
has "$(comp "$HT" show --)" --strict
check "'hosttune show --<TAB>' does not offer audit's --strict" [ $? != 0 ]
if "$HT" apply --help | grep -q -- --persist; then
	has "$(comp "$HT" apply --)" --persist
	check "'hosttune apply --<TAB>' offers --persist" [ $? = 0 ]
else
	ok "'hosttune apply --<TAB>' offers --persist # SKIP needs apply --persist"
fi
same "an option's value is not a verb ('snapshot --name <TAB>')" \
	"$(comp "$HT" snapshot --name '')" ""
same "after an option's value come profiles ('snapshot --name s <TAB>')" \
	"$(comp "$HT" snapshot --name s '')" "$(comp "$HT" audit '')"

# ---- option values ----
same "'-f <TAB>' before a verb: every format" "$(comp "$HT" -f '')" \
	"html json prometheus text"
same "'audit -f <TAB>': text json prometheus html" "$(comp "$HT" audit -f '')" \
	"html json prometheus text"
same "'trial -f <TAB>': text json html" "$(comp "$HT" trial -f '')" \
	"html json text"
same "'apply --format <TAB>': text json" "$(comp "$HT" apply --format '')" \
	"json text"
same "'lint -f <TAB>': text" "$(comp "$HT" lint -f '')" "text"
same "'-f json audit' before the verb is skipped with its value" \
	"$(comp "$HT" -f json audit th)" "throughput"
same "'--format=j<TAB>' as one word" "$(comp "$HT" --format=j)" "--format=json"
same "'--format = j<TAB>' split at '='" "$(comp "$HT" --format = j)" "json"
same "'--color <TAB>': auto always never" "$(comp "$HT" --color '')" \
	"always auto never"

# ---- profiles ----
valid=$(words $("$HT" -p "$PROFILES" list profiles 2>/dev/null |
	awk '!/\(invalid:/ { print $1 }'))
same "'-p DIR audit <TAB>': the valid profiles of list profiles" \
	"$(comp "$HT" -p "$PROFILES" audit '')" "$valid"
same "... also with --profile-dir=DIR" \
	"$(comp "$HT" "--profile-dir=$PROFILES" audit '')" "$valid"
has "$valid" basic
check "... which include the fixture's 'basic'" [ $? = 0 ]
has "$(comp "$HT" -p "$PROFILES" audit '')" bad-value
check "... and not the invalid 'bad-value'" [ $? != 0 ]
same "'apply th<TAB>': throughput" "$(comp "$HT" apply th)" "throughput"
same "'apply throughput <TAB>': apply takes one profile" \
	"$(comp "$HT" apply throughput '')" ""
same "'audit throughput <TAB>': audit takes more" \
	"$(comp "$HT" audit throughput '')" "$(comp "$HT" audit '')"
same "'show <TAB>' offers profiles" "$(comp "$HT" show '')" "$(comp "$HT" audit '')"

# ---- files and directories ----
mkdir -p "$TMP/cwd/sub"
: >"$TMP/cwd/a.ini"
: >"$TMP/cwd/b.txt"
cd "$TMP/cwd" || exit 1
same "'lint <TAB>': .ini files and directories" "$(comp "$HT" lint '')" "a.ini sub"
same "'audit ./<TAB>': a path is completed as a file" \
	"$(comp "$HT" audit ./)" "./a.ini ./sub"
same "'-o <TAB>': any file" "$(comp "$HT" -o '')" "a.ini b.txt sub"
same "'-s <TAB>': directories only" "$(comp "$HT" -s '')" "sub"
same "'--root <TAB>': directories only" "$(comp "$HT" --root '')" "sub"
cd "$TOP" || exit 1

# ---- snapshots ----
ht() { "$HT" -r "$FIXTURES/cli-basic" -p "$PROFILES" -s "$TMP/state" "$@"; }
ht snapshot --name first basic >/dev/null 2>&1
ht snapshot --name second child >/dev/null 2>&1
ids=$(words $("$HT" -s "$TMP/state" list snapshots 2>/dev/null | awk '{ print $1 }'))
same "two snapshots to complete" "$ids" "first second"
same "'-s DIR rollback <TAB>': the IDs of list snapshots" \
	"$(comp "$HT" -s "$TMP/state" rollback '')" "$ids"
same "... also with --state-dir=DIR" \
	"$(comp "$HT" "--state-dir=$TMP/state" rollback '')" "$ids"
same "'rollback f<TAB>'" "$(comp "$HT" -s "$TMP/state" rollback f)" "first"
same "'rollback first <TAB>': one snapshot" \
	"$(comp "$HT" -s "$TMP/state" rollback first '')" ""
same "'list <TAB>': profiles snapshots" "$(comp "$HT" list '')" "profiles snapshots"

# ---- loaded by bash-completion from its completions directory ----
BC=/usr/share/bash-completion/bash_completion
if [ -f "$BC" ]; then
	mkdir -p "$TMP/share/bash-completion/completions"
	cp "$COMPLETION" "$TMP/share/bash-completion/completions/hosttune"
	got=$(XDG_DATA_DIRS=$TMP/share BASH_COMPLETION_USER_DIR=$TMP/none \
		bash --norc --noprofile -c '. "$1" >/dev/null 2>&1
			_completion_loader hosttune >/dev/null 2>&1
			complete -p hosttune' - "$BC" 2>/dev/null)
	same "bash-completion loads it on demand as completions/hosttune" \
		"$got" "complete -F _hosttune hosttune"
else
	ok "bash-completion loads it on demand # SKIP bash-completion not installed"
fi

done_testing
