#!/bin/sh
# The -f html pages render in a real browser, Debian's chromium, headless:
# without a console message (no script error, no Content-Security-Policy
# violation, nothing fetched), with the summary and the SVG charts in the
# rendered DOM, and as a screenshot that is not blank. The screenshots stay
# in build/test-artifacts/ (HT_ARTIFACTS overrides) for a person to look
# at; each path is printed.
#
# Skips (77) only when chromium is not installed; tools/setup.sh installs
# it, so CI runs this. Network-free: file:// pages, every background
# service of the browser off, a fresh profile directory in $TMP.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
CHROMIUM=
for c in chromium chromium-browser; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done
[ -n "$CHROMIUM" ] || skip_all "needs chromium (Debian's chromium package)"
need_cmd python3
cd "$TOP" || exit 1
ART=${HT_ARTIFACTS:-$TOP/build/test-artifacts}
mkdir -p "$ART" || exit 1
P=tests/fixtures/cli-profiles/html.ini
R=tests/fixtures/cli-basic

ht() { "$HT" -s "$TMP/s" --color never "$@"; }

# browse OUT URL ARGS...: run chromium headless on URL with ARGS (a
# screenshot or --dump-dom), standard output to OUT.out and standard error
# (its log, console messages included) to OUT.log. A fresh profile each
# time; timeout ends it (and only it) if it hangs.
browse() {
	_out=$1 _url=$2
	shift 2
	rm -rf "$TMP/profile"
	HOME=$TMP timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--disable-default-apps --no-default-browser-check \
		--user-data-dir="$TMP/profile" --enable-logging=stderr --v=0 \
		"$@" "$_url" >"$_out.out" 2>"$_out.log"
}

# quiet DESC LOG: no console message, uncaught error or CSP report.
quiet() {
	if grep -Ei 'CONSOLE|Uncaught|Refused to|Content.Security.Policy' "$2" \
		>"$TMP/noise"; then
		not_ok "$1"
		sed 's/^/#   /' "$TMP/noise" | head -10
	else
		ok "$1"
	fi
}

# png_ok DESC FILE W H: a PNG of W x H pixels, over 10 KB, not one colour.
png_ok() {
	if python3 - "$2" "$3" "$4" >"$TMP/png.out" 2>&1 <<'EOF'; then
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
assert len(data) > 10000, f"only {len(data)} bytes"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (int(sys.argv[2]), int(sys.argv[3])), f"{w}x{h}"
idat, i = b"", 8
while i < len(data):
    n, kind = struct.unpack(">I4s", data[i:i + 8])
    if kind == b"IDAT":
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
stride = len(raw) // h
rows = {raw[r * stride + 1:(r + 1) * stride] for r in range(h)}
assert len(rows) > 20, f"only {len(rows)} distinct rows: blank?"
EOF
		ok "$1"
	else
		not_ok "$1"
		sed 's/^/#   /' "$TMP/png.out" | tail -3
	fi
}

# render NAME FILE: screenshot (1280 wide, and 390 for a phone) and DOM of
# the page FILE; the screenshots are ART/NAME.png and ART/NAME-phone.png.
render() {
	_url="file://$2"
	browse "$TMP/$1-shot" "$_url" --screenshot="$ART/$1.png" \
		--window-size=1280,2000
	same "$1: chromium exits 0" "$?" 0
	quiet "$1: no console message while rendering" "$TMP/$1-shot.log"
	png_ok "$1: the screenshot is a non-blank 1280x2000 PNG" "$ART/$1.png" 1280 2000
	echo "# screenshot: $ART/$1.png"
	browse "$TMP/$1-phone" "$_url" --screenshot="$ART/$1-phone.png" \
		--window-size=390,1600
	quiet "$1: no console message at phone width" "$TMP/$1-phone.log"
	png_ok "$1: the phone-width screenshot is a non-blank PNG" \
		"$ART/$1-phone.png" 390 1600
	echo "# screenshot: $ART/$1-phone.png"
	browse "$TMP/$1-dom" "$_url" --dump-dom
	same "$1: chromium --dump-dom exits 0" "$?" 0
	quiet "$1: no console message while dumping the DOM" "$TMP/$1-dom.log"
}

# has DESC NAME TEXT: the rendered DOM of NAME contains TEXT.
has() { check "$1" grep -qF -- "$3" "$TMP/$2-dom.out"; }

# ---- audit ----
ht audit -f html -o "$TMP/audit-report.html" --root "$R" "$P"
same "audit -f html: exit 1 (deviations)" "$?" 1
render audit-report "$TMP/audit-report.html"
has "audit DOM: the summary" audit-report '<h2 id="h-summary">Summary</h2>'
has "audit DOM: the host" audit-report '<dd>fixture-host</dd>'
has "audit DOM: the score" audit-report '<div class="score" id="score-value">26%</div>'
has "audit DOM: the per-domain SVG chart" audit-report '<svg id="domain-chart"'
has "audit DOM: a bar with its title" audit-report '<title>sysctl: 8 deviation</title>'
has "audit DOM: the dry run" audit-report '<pre id="dry-run">'
has "audit DOM: the rollback command" audit-report "--state-dir $TMP/s rollback</code>"

# ---- hostile values: nothing runs, nothing is fetched ----
H=$TMP/hostile
cp -pR "$R" "$H"
chmod -R u+w "$H"
printf 'abc\033[31m<script>alert(1)</script><img src=x onerror=alert(2)>\377\n' \
	>"$H/proc/sys/kernel/core_pattern"
printf '[sysctl]\nkernel.core_pattern = core ; <script>alert(3)</script><img src=http://127.0.0.1:9/x>\n' \
	>"$TMP/hostile.ini"
ht audit -f html -o "$TMP/hostile-report.html" --root "$H" "$TMP/hostile.ini"
same "hostile: audit -f html exit 1" "$?" 1
render hostile-report "$TMP/hostile-report.html"
check "hostile DOM: no script element" sh -c '! grep -qi "<script" "$1"' sh "$TMP/hostile-report-dom.out"
check "hostile DOM: no img element" sh -c '! grep -qi "<img" "$1"' sh "$TMP/hostile-report-dom.out"
has "hostile DOM: the value is shown as text" hostile-report '&lt;script&gt;alert(1)&lt;/script&gt;'

# ---- trial ----
T=$TMP/trial
cp -pR "$R" "$T"
chmod -R u+w "$T"
ht --root "$T" trial "$P" --runs 8 --seed 3 --higher-is-better \
	--metric '([0-9]+)' -f html -o "$TMP/trial-report.html" -- \
	sh -c 'echo $(( $(cat "$1/proc/sys/net/core/somaxconn") + $$ % 50 ))' sh "$T"
same "trial -f html: exit 0 (better)" "$?" 0
render trial-report "$TMP/trial-report.html"
has "trial DOM: the summary" trial-report '<h2 id="h-summary">Summary</h2>'
has "trial DOM: the verdict" trial-report '<div class="score" id="verdict">better</div>'
has "trial DOM: the samples' SVG" trial-report '<svg id="sample-chart"'
has "trial DOM: what happened to the host" trial-report 'The host is as it was'
done_testing
