#!/bin/sh
# dist/prometheus/hosttune-rules.yml: promtool accepts the rules, their unit
# tests (hosttune-rules.test.yml) pass, and every series and status they
# name is one that `hosttune -f prometheus audit` writes. Needs promtool
# (Debian's prometheus); reads only a fixture tree.
. "$(dirname "$0")/../lib.sh"

[ -x "$HT" ] || skip_all "no $HT (run make first)"
need_cmd promtool
RULES=$TOP/dist/prometheus/hosttune-rules.yml
TESTS=$TOP/dist/prometheus/hosttune-rules.test.yml

expect_exit 0 "promtool check rules hosttune-rules.yml" promtool check rules "$RULES"
grep -q 'SUCCESS: 3 rules found' "$TMP/last.out"
check "... finds its three rules" [ $? = 0 ]
expect_exit 0 "promtool test rules hosttune-rules.test.yml" promtool test rules "$TESTS"

"$HT" -r "$FIXTURES/cli-basic" -p "$FIXTURES/cli-profiles" -f prometheus \
	-o "$TMP/basic.prom" audit basic 2>/dev/null
check "hosttune wrote a report to check the rules against" [ -s "$TMP/basic.prom" ]
for m in $(grep -o 'hosttune_[a-z_]*' "$RULES" | sort -u); do
	grep -q "^$m{" "$TMP/basic.prom"
	check "the rules' series $m is one hosttune writes" [ $? = 0 ]
done
statuses=$(sed -n 's/.*status=~"\([^"]*\)".*/\1/p' "$RULES" | tr '|' ' ')
check "the findings rule names statuses" [ -n "$statuses" ]
for s in $statuses; do
	grep -q "^hosttune_checks{.*status=\"$s\"}" "$TMP/basic.prom"
	check "status '$s' of the findings rule is a hosttune_checks status" [ $? = 0 ]
done

done_testing
