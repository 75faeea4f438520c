// SPDX-License-Identifier: GPL-2.0-or-later
/* The cpu domain on fixture trees: an Intel host (intel_pstate, EPP,
 * no_turbo, four idle states, SMT), an AMD host (acpi-cpufreq,
 * cpufreq/boost, no SMT), and one full of garbage. */
#include <errno.h>

#include "unit.h"

#include "fixture.c.inc"

#include "hosttune/profile.h"

#include "domain.c.inc"

#include "choice.c.inc"

extern const struct check_ops cpu_ops;

#define INTEL "cpu-intel"
#define AMD "cpu-amd"
#define GARBAGE "cpu-garbage"
#define CPU "sys/devices/system/cpu/"
#define IDLE(cpu, n) CPU "cpu" cpu "/cpuidle/state" n "/disable"

#define EVERY_KEY                                                           \
	"[cpu]\ngovernor = performance\n"                                   \
	"energy_performance_preference = performance|balance_performance\n" \
	"energy_perf_bias = <=4\nmin_freq_khz = >=1200000\n"                \
	"max_freq_khz = max\nboost = off\nidle_max_latency_us = 10\n"       \
	"smt = on\n"

/* ---- sections, keys and values ---- */

static void test_cpu_lists(void **state)
{
	struct env *e = env_open(INTEL, false);

	assert_int_equal(env_parse(e, "[cpu 0-3,8]\ngovernor = performance\n"),
			 0);
	assert_int_equal(env_parse(e, "[cpu cpu3]\ngovernor = performance\n"),
			 0);
	assert_int_equal(env_parse(e, "[cpu 8191]\ngovernor = performance\n"),
			 0);
	assert_rejected(e, "[cpu 3-1]\ngovernor = x\n", "empty range");
	assert_rejected(e, "[cpu 0-99999999]\ngovernor = x\n", "out of range");
	assert_rejected(e, "[cpu 8192]\ngovernor = x\n", "out of range");
	assert_rejected(e, "[cpu a]\ngovernor = x\n", "not a CPU number");
	assert_rejected(e, "[cpu ../0]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu 0,,1]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu 1-]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu -1]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu 01]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu +1]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu cpu]\ngovernor = x\n", "CPU list");
	assert_rejected(e, "[cpu cpu1-2]\ngovernor = x\n", "CPU list");
	env_close(e);
}

static void test_keys_and_values(void **state)
{
	struct env *e = env_open(INTEL, false);

	assert_rejected(e, "[cpu]\nscaling_governor = x\n", "unknown key");
	assert_rejected(e, "[cpu]\n../online = 1\n", "unknown key");
	assert_rejected(e, "[cpu 0-3]\nboost = on\n", "host-wide");
	assert_rejected(e, "[cpu 1]\nsmt = on\n", "host-wide");
	assert_rejected(e, "[cpu]\ngovernor = perf\x01ormance\n", "control");
	assert_rejected(e, "[cpu]\ngovernor = perf ormance\n", "not a valid");
	assert_rejected(e, "[cpu]\ngovernor = ../../x\n", "governor: ");
	assert_rejected(e, "[cpu]\ngovernor = >=1\n", "expected a name");
	assert_rejected(e, "[cpu]\ngovernor = max\n", "'max'");
	assert_rejected(e, "[cpu]\nenergy_perf_bias = 16\n", "0 to 15");
	assert_rejected(e, "[cpu]\nenergy_perf_bias = max\n", "'max'");
	assert_rejected(e, "[cpu]\nmin_freq_khz = fast\n", "integer");
	assert_rejected(e, "[cpu]\nboost = maybe\n", "on or off");
	assert_rejected(e, "[cpu]\nsmt = forceoff\n", "on or off");
	assert_rejected(e, "[cpu]\nidle_max_latency_us = <=10\n", "latency");
	assert_rejected(e, "[cpu]\nidle_max_latency_us = soon\n", "latency");
	assert_int_equal(env_parse(e, "[cpu]\nboost = 0\nsmt = on|off\n"
				      "max_freq_khz = max\n"
				      "min_freq_khz = 800000..1200000\n"),
			 0);
	env_close(e);
}

static void test_snapshot_keys_name_one_cpu(void **state)
{
	char *key = NULL, *err = NULL;

	assert_int_equal(cpu_ops.parse_key("cpu3", "governor", &key, &err), 0);
	assert_string_equal(key, "governor");
	free(key);
	assert_int_equal(cpu_ops.parse_key(NULL, "boost", &key, &err), 0);
	free(key);
	assert_int_equal(cpu_ops.parse_key(NULL, "governor", &key, &err),
			 -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(cpu_ops.parse_key("0-3", "governor", &key, &err),
			 -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(cpu_ops.parse_key("cpu1", "smt", &key, &err), -EINVAL);
	free(err);
}

/* ---- Intel: intel_pstate ---- */

static void test_intel_audit(void **state)
{
	struct env *e = env_open(INTEL, false);

	env_audit(e, EVERY_KEY);
	/* 6 per-CPU keys on 8 CPUs, boost and smt. */
	assert_int_equal(e->checks.n, 6 * 8 + 2);
	assert_check(e, "cpu:cpu0:governor", ST_DEVIATION, "powersave");
	assert_check(e, "cpu:cpu7:governor", ST_DEVIATION, "powersave");
	assert_check(e, "cpu:cpu3:energy_performance_preference", ST_DEVIATION,
		     "balance_performance");
	assert_check(e, "cpu:cpu3:energy_perf_bias", ST_DEVIATION, "6");
	assert_check(e, "cpu:cpu3:min_freq_khz", ST_DEVIATION, "800000");
	assert_check(e, "cpu:cpu3:max_freq_khz", ST_OK, "4700000");
	assert_string_equal(env_find(e, "cpu:cpu3:max_freq_khz")->max,
			    "4700000");
	/* boost is no_turbo inverted where cpufreq/boost is absent */
	assert_check(e, "cpu:boost", ST_DEVIATION, "on");
	assert_check(e, "cpu:cpu5:idle_max_latency_us", ST_DEVIATION,
		     "max=133 disabled=none");
	assert_check(e, "cpu:smt", ST_OK, "on");
	assert_int_equal(env_count(e, ST_ERROR), 0);
	assert_int_equal(env_count(e, ST_MISSING), 0);
	env_close(e);
}

static void test_list_beats_every_cpu(void **state)
{
	struct env *e = env_open(INTEL, false);

	env_audit(e, "[cpu 0-1,6]\ngovernor = powersave\n"
		     "[cpu]\ngovernor = performance\n"
		     "[cpu cpu7]\nenergy_perf_bias = 6\n"
		     "[cpu 12]\nenergy_perf_bias = 6\n");
	assert_check(e, "cpu:cpu0:governor", ST_OK, "powersave");
	assert_check(e, "cpu:cpu1:governor", ST_OK, "powersave");
	assert_check(e, "cpu:cpu2:governor", ST_DEVIATION, "powersave");
	assert_check(e, "cpu:cpu6:governor", ST_OK, "powersave");
	assert_check(e, "cpu:cpu7:energy_perf_bias", ST_OK, "6");
	/* A CPU the host does not have is missing, never an error. */
	assert_check(e, "cpu:cpu12:energy_perf_bias", ST_MISSING, NULL);
	assert_int_equal(e->checks.n, 8 + 2);
	env_close(e);
}

static void test_intel_apply_audit_clean_rollback(void **state)
{
	struct env *e = env_open(INTEL, true), *again;

	env_audit(e, EVERY_KEY);
	assert_int_equal(env_apply(e), 0);
	/* governor, EPP, EPB, min freq and idle on 8 CPUs, and boost */
	assert_int_equal(e->changes.n, 5 * 8 + 1);
	assert_file(e, CPU "cpu4/cpufreq/scaling_governor", "performance");
	assert_file(e, CPU "cpufreq/policy4/energy_performance_preference",
		    "performance");
	assert_file(e, CPU "cpu4/power/energy_perf_bias", "4");
	assert_file(e, CPU "cpu4/cpufreq/scaling_min_freq", "1200000");
	assert_file(e, CPU "intel_pstate/no_turbo", "1");
	/* Only the state slower than 10 us is disabled. */
	assert_file(e, IDLE("4", "0"), "0");
	assert_file(e, IDLE("4", "1"), "0");
	assert_file(e, IDLE("4", "2"), "0");
	assert_file(e, IDLE("4", "3"), "1");

	again = env_view(e);
	env_audit(again, EVERY_KEY);
	assert_int_equal(env_count(again, ST_DEVIATION), 0);
	assert_check(again, "cpu:cpu4:idle_max_latency_us", ST_OK,
		     "max=10 disabled=state3");
	assert_int_equal(env_apply(again), 0);
	assert_int_equal(again->changes.n, 0);
	env_close(again);

	env_rollback(e);
	assert_tree_restored(e, INTEL);
	env_close(e);
}

/* A state disabled by hand stays as it was: the bound only disables, and
 * the rollback re-enables exactly what the apply disabled. */
static void test_idle_keeps_states_disabled_by_hand(void **state)
{
	struct env *e = env_open(INTEL, true);

	put_file(e, IDLE("0", "1"), "1\n");
	env_audit(e, "[cpu 0]\nidle_max_latency_us = 2\n");
	assert_check(e, "cpu:cpu0:idle_max_latency_us", ST_DEVIATION,
		     "max=133 disabled=state1");
	assert_int_equal(env_apply(e), 0);
	assert_file(e, IDLE("0", "1"), "1");
	assert_file(e, IDLE("0", "2"), "1");
	assert_file(e, IDLE("0", "3"), "1");
	assert_check(e, "cpu:cpu0:idle_max_latency_us", ST_OK,
		     "max=0 disabled=state1,state2,state3");
	env_rollback(e);
	assert_file(e, IDLE("0", "0"), "0");
	assert_file(e, IDLE("0", "1"), "1");
	assert_file(e, IDLE("0", "2"), "0");
	assert_file(e, IDLE("0", "3"), "0");
	env_close(e);
}

static void test_idle_write_refuses_bad_values(void **state)
{
	struct env *e = env_open(INTEL, true);
	const char *bad[] = {
		"ten",
		"-1",
		"max=1",
		"max=1 disabled=state99",
		"max=1 disabled=../state1",
		"max=1 disabled=state1,,state2",
		"disabled=state1",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (cpu_ops.write(&e->h, "cpu0", "idle_max_latency_us", bad[i],
				  NULL) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(cpu_ops.write(&e->h, "cpu0", "idle_max_latency_us",
				       "max=2 disabled=state2,state3", NULL),
			 0);
	assert_file(e, IDLE("0", "2"), "1");
	assert_file(e, IDLE("0", "1"), "0");
	assert_int_equal(cpu_ops.write(&e->h, "../cpu0", "governor", "x", NULL),
			 -EINVAL);
	assert_int_equal(cpu_ops.write(&e->h, "cpu0", "governor", "a/../b",
				       NULL),
			 -EINVAL);
	assert_int_equal(cpu_ops.write(&e->h, "cpu0", "min_freq_khz", "1 2",
				       NULL),
			 -EINVAL);
	assert_int_equal(cpu_ops.write(&e->h, "cpu0", "boost", "on", NULL),
			 -EINVAL);
	assert_int_equal(cpu_ops.write(&e->h, NULL, "smt", "forceoff", NULL),
			 -EINVAL);
	assert_file(e, CPU "smt/control", "on");
	env_close(e);
}

static void test_governor_not_offered_fails_the_plan(void **state)
{
	struct env *e = env_open(INTEL, true);

	env_audit(e, "[cpu 2]\ngovernor = schedutil\n");
	assert_check(e, "cpu:cpu2:governor", ST_DEVIATION, "powersave");
	assert_non_null(strstr(env_find(e, "cpu:cpu2:governor")->detail,
			       "offers: performance powersave"));
	assert_int_equal(env_apply(e), -EIO);
	assert_non_null(strstr(e->plan_err, "cpu:cpu2:governor"));
	assert_file(e, CPU "cpu2/cpufreq/scaling_governor", "powersave");
	env_close(e);
}

#define GOVERNORS(cpu) CPU "cpu" cpu "/cpufreq/scaling_available_governors"

/* What a CPU offers is read once, with the value: match and plan use what
 * the audit saw, even when the list changes behind them. */
static void test_offered_list_is_read_once(void **state)
{
	struct env *e = env_open(INTEL, true);
	struct check *dev, *ok;

	env_audit(e, "[cpu 2]\ngovernor = schedutil|performance\n"
		     "[cpu 3]\ngovernor = schedutil|powersave\n");
	dev = env_find(e, "cpu:cpu2:governor");
	ok = env_find(e, "cpu:cpu3:governor");
	assert_int_equal(dev->status, ST_DEVIATION);
	assert_int_equal(ok->status, ST_OK);
	assert_true(dev->choice);
	assert_string_equal(dev->offered, "performance powersave");
	put_file(e, GOVERNORS("2"), "schedutil performance powersave\n");
	put_file(e, GOVERNORS("3"), "schedutil performance powersave\n");
	assert_true(check_matches(&e->h, ok));
	assert_false(check_matches(&e->h, dev));
	assert_planned(e, dev, "performance");
	env_close(e);
}

/* A CPU that does not say what it offers: any of the profile's names
 * satisfies the check, and the first one is planned, on trust. */
static void test_offered_list_unknown_takes_names_on_trust(void **state)
{
	struct env *e = env_open(INTEL, true);
	char *path = xasprintf("%s/" GOVERNORS("2"), e->root);
	struct check *c;

	assert_int_equal(unlink(path), 0);
	env_audit(e, "[cpu 2]\ngovernor = schedutil|powersave\n");
	c = env_find(e, "cpu:cpu2:governor");
	assert_int_equal(c->status, ST_OK);
	assert_true(c->choice);
	assert_null(c->offered);
	assert_null(c->detail);

	env_audit(e, "[cpu 2]\ngovernor = schedutil|performance\n");
	c = env_find(e, "cpu:cpu2:governor");
	assert_int_equal(c->status, ST_DEVIATION);
	assert_null(c->detail);
	assert_planned(e, c, "schedutil");
	assert_int_equal(env_apply(e), 0);
	assert_file(e, CPU "cpu2/cpufreq/scaling_governor", "schedutil");
	free(path);
	env_close(e);
}

static void test_freq_max_is_cpuinfo_max(void **state)
{
	struct env *e = env_open(INTEL, true);

	env_audit(e, "[cpu 1]\nmin_freq_khz = max\n");
	assert_int_equal(env_apply(e), 0);
	assert_file(e, CPU "cpu1/cpufreq/scaling_min_freq", "4700000");
	env_close(e);
}

/* ---- AMD: acpi-cpufreq, cpufreq/boost ---- */

static void test_amd_audit(void **state)
{
	struct env *e = env_open(AMD, false);

	env_audit(e, EVERY_KEY);
	assert_int_equal(e->checks.n, 6 * 4 + 2);
	assert_check(e, "cpu:cpu2:governor", ST_DEVIATION, "schedutil");
	assert_check(e, "cpu:cpu2:energy_performance_preference", ST_MISSING,
		     NULL);
	assert_check(e, "cpu:cpu2:energy_perf_bias", ST_MISSING, NULL);
	assert_check(e, "cpu:cpu2:min_freq_khz", ST_OK, "2200000");
	assert_check(e, "cpu:cpu2:max_freq_khz", ST_OK, "3400000");
	assert_check(e, "cpu:boost", ST_DEVIATION, "on");
	assert_check(e, "cpu:cpu2:idle_max_latency_us", ST_DEVIATION,
		     "max=350 disabled=none");
	assert_check(e, "cpu:smt", ST_MISSING, "notsupported");
	assert_int_equal(env_count(e, ST_ERROR), 0);
	env_close(e);
}

static void test_amd_apply_audit_clean_rollback(void **state)
{
	static const char ini[] = "[cpu]\ngovernor = ondemand|performance\n"
				  "boost = off\nidle_max_latency_us = 1\n"
				  "smt = off\nenergy_perf_bias = 0\n";
	struct env *e = env_open(AMD, true), *again;

	env_audit(e, ini);
	assert_int_equal(env_apply(e), 0);
	assert_int_equal(e->changes.n, 4 + 1 + 4);
	assert_file(e, CPU "cpufreq/policy0/scaling_governor", "ondemand");
	assert_file(e, CPU "cpufreq/boost", "0");
	assert_file(e, IDLE("3", "2"), "1");
	assert_file(e, IDLE("3", "1"), "0");

	again = env_view(e);
	env_audit(again, ini);
	assert_int_equal(env_count(again, ST_DEVIATION), 0);
	assert_check(again, "cpu:boost", ST_OK, "off");
	env_close(again);

	env_rollback(e);
	assert_tree_restored(e, AMD);
	env_close(e);
}

/* ---- garbage ---- */

static void test_garbage_is_deviation_or_error(void **state)
{
	struct env *e = env_open(GARBAGE, true);

	env_audit(e, EVERY_KEY);
	/* "0-1,garbage" in online: the cpuN directories are counted. */
	assert_int_equal(e->checks.n, 6 * 2 + 2);
	assert_check(e, "cpu:cpu0:governor", ST_DEVIATION, "[perf");
	assert_check(e, "cpu:cpu1:governor", ST_DEVIATION, "");
	assert_check(e, "cpu:cpu0:energy_performance_preference", ST_ERROR,
		     NULL);
	assert_check(e, "cpu:cpu1:energy_performance_preference", ST_ERROR,
		     NULL);
	assert_check(e, "cpu:cpu0:max_freq_khz", ST_DEVIATION, "fast");
	assert_check(e, "cpu:cpu1:max_freq_khz", ST_DEVIATION,
		     "99999999999999999999999");
	assert_check(e, "cpu:cpu1:min_freq_khz", ST_MISSING, NULL);
	assert_check(e, "cpu:boost", ST_DEVIATION, "maybe");
	assert_check(e, "cpu:cpu0:idle_max_latency_us", ST_ERROR, NULL);
	assert_non_null(
		strstr(env_find(e, "cpu:cpu0:idle_max_latency_us")->detail,
		       "state1/latency"));
	assert_check(e, "cpu:cpu1:idle_max_latency_us", ST_ERROR, NULL);
	assert_check(e, "cpu:smt", ST_MANUAL, "forceoff");
	/* Errors stop the plan; nothing is written. */
	assert_int_equal(env_apply(e), -EIO);
	assert_non_null(strstr(e->plan_err, "cannot be read"));
	assert_file(e, CPU "cpu0/cpufreq/scaling_max_freq", "fast");
	env_close(e);
}

static void test_no_cpus_at_all(void **state)
{
	struct env *e = env_open(GARBAGE, true);
	char *cmd = xasprintf("rm -rf '%s/" CPU "'", e->root);

	assert_int_equal(system(cmd), 0);
	env_audit(e, "[cpu]\ngovernor = performance\nsmt = on\n");
	assert_int_equal(e->checks.n, 2);
	assert_int_equal(env_count(e, ST_MISSING), 2);
	free(cmd);
	env_close(e);
}

/* An enumeration's found: the checks kept in the test's vector. */
static void push_found(struct check *c, void *checks)
{
	ptrvec_push(checks, c);
}

static void test_enumerate(void **state)
{
	struct env *e = env_open(INTEL, false);

	assert_int_equal(cpu_ops.enumerate(&e->h, push_found, &e->checks), 0);
	assert_int_equal(e->checks.n, 6 * 8 + 2);
	/* each read by enumerate itself */
	for (size_t i = 0; i < e->checks.n; i++) {
		struct check *c = e->checks.v[i];

		if (c->status != ST_OK || !c->raw)
			fail_msg("%s: %s", c->id, status_name(c->status));
	}
	assert_string_equal(env_find(e, "cpu:cpu6:idle_max_latency_us")->raw,
			    "max=133 disabled=none");
	env_close(e);
}

/* scaling_min_freq may never pass scaling_max_freq: raising both writes
 * the maximum first, lowering both the minimum first, whatever the order
 * of the profile's lines. */
static void test_frequency_writes_in_the_kernels_order(void **state)
{
	struct env *e = env_open(INTEL, true);
	const char *order;

	(void)state;
	put_file(e, CPU "cpu0/cpufreq/scaling_max_freq", "2000000\n");
	put_file(e, CPU "cpu0/cpufreq/scaling_min_freq", "1000000\n");
	env_audit(e, "[cpu 0]\nmin_freq_khz = 3000000\n"
		     "max_freq_khz = 4000000\n");
	assert_int_equal(env_apply(e), 0);
	order = ((struct change *)e->changes.v[0])->check->key;
	assert_string_equal(order, "max_freq_khz");
	env_rollback(e);
	env_audit(e, "[cpu 0]\nmax_freq_khz = 900000\n"
		     "min_freq_khz = 800000\n");
	assert_int_equal(env_apply(e), 0);
	order = ((struct change *)e->changes.v[0])->check->key;
	assert_string_equal(order, "min_freq_khz");
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frequency_writes_in_the_kernels_order),
		cmocka_unit_test(test_cpu_lists),
		cmocka_unit_test(test_keys_and_values),
		cmocka_unit_test(test_snapshot_keys_name_one_cpu),
		cmocka_unit_test(test_intel_audit),
		cmocka_unit_test(test_list_beats_every_cpu),
		cmocka_unit_test(test_intel_apply_audit_clean_rollback),
		cmocka_unit_test(test_idle_keeps_states_disabled_by_hand),
		cmocka_unit_test(test_idle_write_refuses_bad_values),
		cmocka_unit_test(test_governor_not_offered_fails_the_plan),
		cmocka_unit_test(test_offered_list_is_read_once),
		cmocka_unit_test(
			test_offered_list_unknown_takes_names_on_trust),
		cmocka_unit_test(test_freq_max_is_cpuinfo_max),
		cmocka_unit_test(test_amd_audit),
		cmocka_unit_test(test_amd_apply_audit_clean_rollback),
		cmocka_unit_test(test_garbage_is_deviation_or_error),
		cmocka_unit_test(test_no_cpus_at_all),
		cmocka_unit_test(test_enumerate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
