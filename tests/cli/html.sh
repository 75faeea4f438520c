#!/bin/sh
# -f html (audit and trial): one self-contained page for people.
#  - the page is well-formed, UTF-8, and self-contained: one CSP meta, no
#    script, nothing fetched (tests/cli/html-page.py check);
#  - its implementation plan is byte for byte what `apply PROFILE
#    --dry-run` prints, refusal included, and names the commands with the
#    --root, -p and --state-dir given;
#  - its score is the one hosttune(8) defines, computed here from -f json;
#  - findings come highest impact first;
#  - hostile values (escape bytes, invalid UTF-8, a right-to-left
#    override, '<script>' in the host's values and in the profile's
#    comments) come through as visible text, never as markup or raw bytes;
#  - -o writes it atomically; trial writes one too;
#  - every verb either writes -f html or refuses it with exit 2, before
#    anything is touched.
# tests/cli/html-browser.sh renders the pages in headless Chromium.
#
# Nothing here touches the host: every command gets --root (the checked-in
# cli-basic, which it only reads, or a copy in $TMP) and -s in $TMP.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd python3
cd "$TOP" || exit 1
PAGE="python3 $TOP/tests/cli/html-page.py"
P=tests/fixtures/cli-profiles/html.ini
R=tests/fixtures/cli-basic

ht() { "$HT" -s "$TMP/s" --color never "$@"; }

# page_ok DESC FILE: the page passes html-page.py check.
page_ok() {
	if $PAGE check "$2" >"$TMP/check.out" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/#   /' "$TMP/check.out" | head -20
	fi
}

# ---- audit ----
expect_exit 1 "audit -f html: exit 1, as for text, on deviations" \
	ht audit -f html --root "$R" "$P"
cp "$TMP/last.out" "$TMP/audit.html"
check "audit -f html: nothing on standard error" test ! -s "$TMP/last.err"
page_ok "audit -f html: well-formed and self-contained" "$TMP/audit.html"
for id in summary domains findings plan results score domain-chart dry-run; do
	check "audit -f html: has #$id" grep -q "id=\"$id\"" "$TMP/audit.html"
done
check "audit -f html: the summary names host, root and profile" \
	sh -c 'grep -q "<dd>fixture-host</dd>" "$1" &&
		grep -q "<dd>tests/fixtures/cli-basic</dd>" "$1" &&
		grep -q "<dd>tests/fixtures/cli-profiles/html.ini</dd>" "$1"' \
	sh "$TMP/audit.html"
check "audit -f html: time in UTC" \
	grep -Eq '<dt>Time</dt><dd>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC</dd>' \
	"$TMP/audit.html"
check "audit -f html: all results in a <details>" grep -q '<details>' "$TMP/audit.html"

# the score, as defined, from the JSON of the same audit
ht audit -f json --root "$R" "$P" >"$TMP/audit.json"
same "score: as hosttune(8) defines it (26%: weight 4 ok of 15)" \
	"$($PAGE text "$TMP/audit.html" score-value)" \
	"$($PAGE score "$TMP/audit.json")"
same "score: 26% for html.ini on cli-basic" \
	"$($PAGE text "$TMP/audit.html" score-value)" "26%"
ht audit -f html --strict --root "$R" "$P" >"$TMP/strict.html"
ht audit -f json --strict --root "$R" "$P" >"$TMP/strict.json"
same "score --strict: a missing setting counts against it" \
	"$($PAGE text "$TMP/strict.html" score-value)" \
	"$($PAGE score "$TMP/strict.json" --strict)"

# findings: highest impact first, then id
$PAGE column "$TMP/audit.html" findings 0 >"$TMP/impacts"
same "findings: impacts in order" "$(uniq "$TMP/impacts" | tr '\n' ' ')" \
	"high medium low "
$PAGE column "$TMP/audit.html" findings 2 | sed -n '3,$p' >"$TMP/low-ids"
check "findings: ids in order within an impact" \
	sh -c 'LC_ALL=C sort -c "$1"' sh "$TMP/low-ids"
same "findings: the missing setting is not one without --strict" \
	"$(grep -c busy_poll "$TMP/low-ids")" 0
$PAGE column "$TMP/audit.html" findings 5 | sed -n 1p >"$TMP/why"
same "findings: the reason from the profile line" "$(cat "$TMP/why")" \
	"a deeper accept queue for connection bursts"

# the plan is apply's own dry run, byte for byte
expect_exit 1 "apply --dry-run (for the comparison)" \
	ht apply --dry-run --root "$R" "$P"
cp "$TMP/last.out" "$TMP/dry.out"
$PAGE text "$TMP/audit.html" dry-run >"$TMP/page-dry.out"
check "plan: byte-identical to apply --dry-run" cmp "$TMP/dry.out" "$TMP/page-dry.out"
check "plan: the apply and rollback commands, with --root and --state-dir" \
	sh -c 'grep -qF "<code>hosttune --root $2 --state-dir $3 apply $4</code>" "$1" &&
		grep -qF "<code>hosttune --root $2 --state-dir $3 rollback</code>" "$1"' \
	sh "$TMP/audit.html" "$R" "$TMP/s" "$P"

# -p and a root that needs quoting reach the commands, quoted
mkdir -p "$TMP/pd" "$TMP/it's root"
cp "$P" "$TMP/pd/webpage.ini"
cp -pR "$R/." "$TMP/it's root/"
ht -p "$TMP/pd" audit -f html --root "$TMP/it's root" webpage >"$TMP/quoted.html"
check "plan: -p and a quoted --root in the commands" \
	grep -qF "hosttune --root &#39;$TMP/it&#39;\\&#39;&#39;s root&#39; -p $TMP/pd --state-dir $TMP/s apply webpage --dry-run" \
	"$TMP/quoted.html"

# several profiles: no plan, and why
ht audit -f html --root "$R" "$P" tests/fixtures/cli-profiles/basic.ini >"$TMP/two.html"
page_ok "two profiles: well-formed" "$TMP/two.html"
check "two profiles: no plan, apply takes one" grep -q "apply takes one profile" "$TMP/two.html"

# -o: written atomically, the same page
expect_exit 1 "audit -f html -o FILE" ht audit -f html -o "$TMP/o.html" --root "$R" "$P"
check "-o: nothing on standard output" test ! -s "$TMP/last.out"
same "-o: the same page (but its time)" \
	"$(grep -v '<dt>Time' "$TMP/o.html" | cksum)" \
	"$(grep -v '<dt>Time' "$TMP/audit.html" | cksum)"

# ---- hostile values ----
H=$TMP/hostile
cp -pR "$R" "$H"
chmod -R u+w "$H"
# an escape sequence, markup, quotes, invalid UTF-8, a right-to-left override
printf 'abc\033[31m<script>alert("x")</script>\047&\377\376 \342\200\256evil\n' \
	>"$H/proc/sys/kernel/core_pattern"
printf '<script>host</script>\n' >"$H/proc/sys/kernel/hostname"
# a write-only file (manual), a FIFO (error), as golden.sh makes them
chmod 0200 "$H/proc/sys/vm/compact_memory"
rm -f "$H/proc/sys/kernel/shmmni"
mkfifo "$H/proc/sys/kernel/shmmni"
cat >"$TMP/hostile.ini" <<'EOF'
[sysctl]
kernel.core_pattern = "<script>alert(1)</script><img src=x onerror=alert(1)>" ; <script>why</script> | impact: high | ref: <a href="http://x">x</a>
vm.compact_memory = 1 ; write-only: manual
kernel.shmmni = 4096 ; a FIFO: error
net.core.somaxconn = >=4096
EOF
expect_exit 1 "hostile: audit -f html" timeout 20 "$HT" -s "$TMP/s" audit -f html \
	--root "$H" "$TMP/hostile.ini"
cp "$TMP/last.out" "$TMP/hostile.html"
page_ok "hostile: well-formed, no raw control byte, no <script, UTF-8" \
	"$TMP/hostile.html"
check "hostile: the host's markup is text" \
	grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;' "$TMP/hostile.html"
check "hostile: the escape byte is shown" \
	grep -qF '<span class="esc">\x1b</span>' "$TMP/hostile.html"
check "hostile: invalid UTF-8 is shown byte by byte" \
	grep -qF '<span class="esc">\xff</span><span class="esc">\xfe</span>' "$TMP/hostile.html"
check "hostile: the right-to-left override is shown" \
	grep -qF '<span class="esc">\u202e</span>evil' "$TMP/hostile.html"
check "hostile: the profile's reason and ref are text" \
	sh -c 'grep -qF "&lt;script&gt;why&lt;/script&gt;" "$1" &&
		grep -qF "&lt;a href=&quot;http://x&quot;&gt;x&lt;/a&gt;" "$1"' \
	sh "$TMP/hostile.html"
check "hostile: the host name is text, in the title too" \
	grep -qF '<title>hosttune audit: &lt;script&gt;host&lt;/script&gt;</title>' \
	"$TMP/hostile.html"
# The terminal report of the same host: nothing that hides or reorders
# text, and no invalid UTF-8, reaches it raw.
"$HT" -s "$TMP/s" --color never audit --root "$H" "$TMP/hostile.ini" \
	>"$TMP/hostile.txt" 2>&1
check "hostile text audit: the right-to-left override is an escape" \
	grep -qF '\u202eevil' "$TMP/hostile.txt"
check "hostile text audit: invalid UTF-8 is shown byte by byte" \
	grep -qF '\xff\xfe' "$TMP/hostile.txt"
check "hostile text audit: no raw override, invalid byte or escape" \
	sh -c '! LC_ALL=C grep -q "$(printf "\342\200\256\\|\377\\|\033")" "$1"' \
	sh "$TMP/hostile.txt"
expect_exit 1 "hostile: apply --dry-run (for the comparison)" \
	timeout 20 "$HT" -s "$TMP/s" apply --dry-run --root "$H" "$TMP/hostile.ini"
cp "$TMP/last.out" "$TMP/hdry.out"
cp "$TMP/last.err" "$TMP/hdry.err"
check "hostile: a refused plan is shown" grep -q 'id="refusal"' "$TMP/hostile.html"
# the dry run's text comes through exactly, but for what a page shows
# visibly (bytes that are not UTF-8, bidirectional controls), which a
# terminal gets raw
$PAGE visible "$TMP/hdry.out" >"$TMP/hdry.visible"
$PAGE text "$TMP/hostile.html" dry-run >"$TMP/page-hdry.out"
check "hostile: plan identical to apply --dry-run, shown visibly" \
	cmp "$TMP/hdry.visible" "$TMP/page-hdry.out"
$PAGE text "$TMP/hostile.html" refusal >"$TMP/page-hdry.err"
printf '\n' >>"$TMP/page-hdry.err"
check "hostile: refusal byte-identical to apply --dry-run's standard error" \
	cmp "$TMP/hdry.err" "$TMP/page-hdry.err"

# ---- trial ----
T=$TMP/trial
cp -pR "$R" "$T"
chmod -R u+w "$T"
cp -pR "$T" "$TMP/trial.orig"
# a metric that follows the setting the profile raises, with some noise
expect_exit 0 "trial -f html -o FILE: the profile is better" \
	ht --root "$T" trial "$P" --runs 5 --seed 7 --higher-is-better \
	--metric '([0-9]+)' -f html -o "$TMP/trial.html" -- \
	sh -c 'echo $(( $(cat "$1/proc/sys/net/core/somaxconn") + $$ % 50 ))' sh "$T"
page_ok "trial -f html: well-formed and self-contained" "$TMP/trial.html"
for id in summary samples sample-chart host verdict; do
	check "trial -f html: has #$id" grep -q "id=\"$id\"" "$TMP/trial.html"
done
same "trial -f html: the verdict" "$($PAGE text "$TMP/trial.html" verdict)" better
same "trial -f html: 5 samples of each in the chart" \
	"$(grep -c '<circle ' "$TMP/trial.html")" 10
check "trial -f html: says the host is as it was" \
	grep -q "The host is as it was" "$TMP/trial.html"
check "trial: the tree is as it was" diff -r "$TMP/trial.orig" "$T"

# ---- every verb writes -f html or refuses it ----
cp -pR "$R" "$TMP/untouched"
cp -pR "$R" "$TMP/untouched.orig"
for v in $(sed -n 's/^[[:space:]]*{ *"\([a-z-]*\)", cmd_.*/\1/p' src/main.c); do
	case $v in
	audit | trial) continue ;; # above
	apply) args="$P" ;;
	list) args=profiles ;;
	show) args="$P" ;;
	lint) args="$P" ;;
	*) args= ;;
	esac
	# shellcheck disable=SC2086 # args is one word or none
	expect_exit 2 "$v -f html: refused with exit 2" \
		ht --root "$TMP/untouched" -f html "$v" $args
	check "$v -f html: says why" grep -q "does not write --format html" "$TMP/last.err"
	check "$v -f html: nothing on standard output" test ! -s "$TMP/last.out"
done
check "refused verbs touched nothing" diff -r "$TMP/untouched.orig" "$TMP/untouched"
same "refused verbs wrote no snapshot" \
	"$(find "$TMP/s" -name '*-apply-*' 2>/dev/null | wc -l)" 0

# a failure writes no page, only the error
printf '[sysctl]\nnet.core.somaxconn = >=\n' >"$TMP/bad.ini"
expect_exit 2 "audit -f html of a bad profile: exit 2" ht audit -f html --root "$R" "$TMP/bad.ini"
check "... and no page" test ! -s "$TMP/last.out"
[ -n "${HT_KEEP:-}" ] && cp -r "$TMP" /tmp/ht/keep
done_testing
