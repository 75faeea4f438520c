// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot domain: kernel command-line parameters, read from /proc/cmdline
 * (beneath the root) and parsed as the kernel does (src/cmdline.c).
 *
 *   key = VALUE    present with a value satisfying VALUE (any value form)
 *   key =          present as a bare flag
 *   key = !        absent
 *
 * The command line changes only at boot: a parameter that differs from
 * the profile is `manual`, never written at run time. apply --persist
 * writes hosttune's boot-loader drop-in (/etc/default/grub.d/hosttune.cfg,
 * through the file domain, so rollback restores it); update-grub and a
 * reboot do the rest. A parameter that only sets the boot default of
 * something the host can change at run time belongs to the domain that
 * changes it, and is refused here.
 */
#include <errno.h>
#include <string.h>

#include "hosttune/bootconf.h"
#include "hosttune/check.h"
#include "hosttune/cmdline.h"

extern const struct check_ops boot_ops;

/* Where every reason below comes from (for the doc hook's ref). */
#define BOOT_REF "Documentation/admin-guide/kernel-parameters.txt"

struct boot_param {
	const char *name; /* canonical: '_', never '-' */
	const char *why;
	const char *ref;
	/* Set for a parameter the host can change at run time: the section
	 * and key to use instead. */
	const char *instead;
};

static const struct boot_param boot_params[] = {
	{ "isolcpus",
	  "CPUs kept out of the scheduler's load balancing, for pinned "
	  "latency-critical threads",
	  BOOT_REF, NULL },
	{ "nohz_full",
	  "CPUs whose scheduler tick stops while they run one task: fewer "
	  "interruptions of it",
	  BOOT_REF, NULL },
	{ "rcu_nocbs",
	  "CPUs whose RCU callbacks run on other CPUs, off the isolated ones",
	  BOOT_REF, NULL },
	{ "skew_tick",
	  "offsets the CPUs' ticks so that they do not contend for the same "
	  "locks at once",
	  BOOT_REF, NULL },
	{ "intel_idle.max_cstate",
	  "the deepest C-state intel_idle uses: shallower states wake "
	  "faster, at a power cost",
	  BOOT_REF, NULL },
	{ "processor.max_cstate",
	  "the deepest C-state the ACPI idle driver uses: shallower states "
	  "wake faster",
	  BOOT_REF, NULL },
	{ "idle",
	  "idle=poll spins instead of sleeping: the lowest wake-up latency, "
	  "at full power",
	  BOOT_REF, NULL },
	{ "mitigations",
	  "CPU vulnerability mitigations: off trades security for speed",
	  BOOT_REF, NULL },
	{ "tsc",
	  "tsc=reliable trusts the TSC clock source and skips its watchdog",
	  BOOT_REF, NULL },
	{ "rcupdate.rcu_normal_after_boot",
	  "no expedited RCU grace periods after boot: fewer IPIs to "
	  "isolated CPUs",
	  BOOT_REF, NULL },
	{ "nopti",
	  "no page-table isolation: system calls and interrupts skip the "
	  "page-table switch; safe only on CPUs without Meltdown",
	  BOOT_REF, NULL },
	/* the lockup watchdogs have run-time switches */
	{ "nosoftlockup", NULL, BOOT_REF, "[sysctl] kernel.soft_watchdog" },
	{ "nowatchdog", NULL, BOOT_REF, "[sysctl] kernel.watchdog" },
	{ "nmi_watchdog", NULL, BOOT_REF, "[sysctl] kernel.nmi_watchdog" },
	{ "hugepagesz",
	  "the huge page size the next hugepages= reserves at boot", BOOT_REF,
	  NULL },
	{ "default_hugepagesz",
	  "the huge page size of hugetlbfs mounts and SHM_HUGETLB without "
	  "one",
	  BOOT_REF, NULL },
	{ "hugepages",
	  "huge pages reserved at boot, before memory fragments (1 GiB pages "
	  "are reliably had only then)",
	  BOOT_REF, NULL },
	{ "intel_pstate",
	  "disable or passive hands CPU frequency control to another "
	  "driver or governor",
	  BOOT_REF, NULL },
	{ "iommu",
	  "iommu=pt: pass-through DMA for the host's own devices, no "
	  "mapping cost per I/O",
	  BOOT_REF, NULL },
	{ "intel_iommu",
	  "the Intel IOMMU: on for device assignment, off to save its cost",
	  BOOT_REF, NULL },
	{ "amd_iommu", "the AMD IOMMU: on, off, or pass-through behaviour",
	  BOOT_REF, NULL },
	{ "preempt",
	  "the preemption model of a PREEMPT_DYNAMIC kernel: none, "
	  "voluntary or full",
	  BOOT_REF, NULL },
	{ "threadirqs",
	  "interrupt handlers run as threads that can be prioritised and "
	  "pinned",
	  BOOT_REF, NULL },
	{ "irqaffinity",
	  "the CPUs interrupts go to by default, away from isolated ones",
	  BOOT_REF, NULL },
	{ "audit",
	  "audit=0: no kernel audit subsystem, no per-system-call audit "
	  "cost",
	  BOOT_REF, NULL },
	{ "transparent_hugepage", NULL, BOOT_REF,
	  "[numa] transparent_hugepage" },
	{ "numa_balancing", NULL, BOOT_REF, "[numa] balancing" },
};

static const struct boot_param *boot_param_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(boot_params); i++)
		if (!strcmp(boot_params[i].name, name))
			return &boot_params[i];
	return NULL;
}

static int boot_parse_key(const char *target, const char *key, char **ret_key,
			  char **ret_err)
{
	_cleanup_free_ char *canon = NULL;
	const struct boot_param *p;

	(void)target;
	if (!cmdline_name_ok(key)) {
		*ret_err = xasprintf("not a kernel parameter name (letters, "
				     "digits, '_', '-' and '.', at most %d)",
				     CMDLINE_NAME_MAX);
		return -EINVAL;
	}
	canon = cmdline_name_canon(key);
	p = boot_param_find(canon);
	if (p && p->instead) {
		*ret_err = xasprintf("%s= on the kernel command line only sets "
				     "the boot default of a setting the host "
				     "changes at run time: use %s",
				     canon, p->instead);
		return -EINVAL;
	}
	*ret_key = TAKE_PTR(canon);
	return 0;
}

/* Each value a VALUE form may lead apply --persist to write. */
static int check_writable(const struct expect *e, char **ret_err)
{
	_cleanup_free_ char *num = NULL;
	const char *bad = NULL;

	for (int i = 0; i < e->n_alts && !bad; i++)
		if (!cmdline_value_ok(e->alts[i]))
			bad = e->alts[i];
	if (bad) {
		*ret_err = xasprintf("'%s' cannot be written to the boot "
				     "loader's configuration (letters, "
				     "digits and _.,:/=+-@%% only)",
				     bad);
		return -EINVAL;
	}
	if ((e->op == EXP_GE || e->op == EXP_RANGE) && e->lo.neg)
		num = num_format(&e->lo);
	else if (e->op == EXP_LE && e->hi.neg)
		num = num_format(&e->hi);
	if (num) {
		*ret_err = xasprintf("'%s' cannot be written to the boot "
				     "loader's configuration (no negative "
				     "bounds)",
				     num);
		return -EINVAL;
	}
	return 0;
}

static int boot_parse_setting(const char *target, const char *key,
			      const char *value, char **ret_key,
			      struct expect *ret, char **ret_err)
{
	struct expect e = { 0 };
	int r;

	r = boot_parse_key(target, key, ret_key, ret_err);
	if (r < 0)
		return r;
	if (!*value || !strcmp(value, "!")) {
		/* a bare flag, or absent: see cmdline_want_of() */
		e.text = xstrdup(value);
		e.alts = xcalloc(1, sizeof(char *));
		e.alts[0] = xstrdup(value);
		e.n_alts = 1;
		*ret = e;
		return 0;
	}
	r = expect_parse(value, UNIT_NONE, false, &e, ret_err);
	if (r == 0 && e.op == EXP_FIELDS) {
		*ret_err = xstrdup("one parameter, one value: a value with "
				   "blanks cannot be written to the boot "
				   "loader's configuration");
		r = -EINVAL;
	}
	if (r == 0)
		r = check_writable(&e, ret_err);
	return check_setting_parsed(r, &e, ret_key, ret, ret_err);
}

static int boot_expand(const struct host *h, const struct setting *s,
		       struct ptrvec *out)
{
	(void)h;
	ptrvec_push(out, check_new(&boot_ops, NULL, s->key));
	return 0;
}

/* The command line, read once per run. */
struct boot_state {
	int err; /* 0, or why it could not be read */
	char *why; /* the parser's words for -EINVAL */
	struct cmdline cl;
	struct bootconf grub; /* what update-grub would read */
};

static void boot_state_free(void *v)
{
	struct boot_state *st = v;

	if (!st)
		return;
	free(st->why);
	bootconf_free(&st->grub);
	cmdline_free(&st->cl);
	free(st);
}

static int boot_state_load(const struct host *h, void **ret)
{
	struct boot_state *st = xcalloc(1, sizeof(*st));
	_cleanup_free_ char *text = NULL;

	st->err = hostfs_read_max(h, "proc/cmdline", CMDLINE_MAX, &text, NULL);
	if (st->err == 0)
		st->err = cmdline_parse(text, &st->cl, &st->why);
	bootconf_load_grub(h, &st->grub);
	*ret = st;
	return 0;
}

/* The run's state, or one made for this call (*tmp frees it) when the
 * host keeps none. */
static const struct boot_state *boot_state(const struct host *h,
					   struct boot_state **tmp)
{
	void *st = check_state(h, &boot_ops);

	if (st)
		return st;
	boot_state_load(h, &st);
	*tmp = st;
	return st;
}

static char *read_error(const struct boot_state *st)
{
	switch (-st->err) {
	case EFBIG:
		return xasprintf("/proc/cmdline is larger than %d KiB",
				 CMDLINE_MAX / 1024);
	case EBADMSG:
		return xstrdup("/proc/cmdline holds a NUL byte");
	case EINVAL:
		return xasprintf("/proc/cmdline: %s",
				 st->why ? st->why : "not a regular file");
	default:
		return xasprintf("/proc/cmdline: %s", strerror(-st->err));
	}
}

/* The value's notation in a report, as a profile writes it: the value, ""
 * for a bare flag, "!" when absent. */
static char *notation(const struct cmdline_param *p)
{
	if (!p)
		return xstrdup("!");
	return xstrdup(p->value ? p->value : "");
}

/* Why c is manual: what the command line has, and what would change it. */
static char *manual_detail(const struct boot_state *st, const struct check *c,
			   const struct cmdline_param *p)
{
	enum cmdline_want want = cmdline_want_of(&c->setting->expect);
	_cleanup_free_ char *value = NULL, *source = NULL;
	bool absent = false;
	int line = 0;

	if (st->grub.grub_dropin &&
	    cmdline_dropin_find(st->grub.grub_dropin, c->key, &line, &absent,
				&value) == 1) {
		struct cmdline_param set = { c->key, value };
		/* what update-grub makes of every file, ours in its place */
		int r = bootconf_judge(&st->grub, c, &source);

		if (r == 0 && source && !startswith(source + 1, CMDLINE_DROPIN))
			return xasprintf("set in /%s, but overridden at boot "
					 "by %s",
					 CMDLINE_DROPIN, source);
		if (cmdline_satisfies(&c->setting->expect,
				      absent ? NULL : &set))
			return xasprintf("set in /%s; takes effect after "
					 "update-grub and a reboot",
					 CMDLINE_DROPIN);
	}
	return xasprintf("%s; the command line changes only at boot "
			 "(apply --persist, then update-grub and a reboot)",
			 !p ? "not on the kernel command line" :
			 want == CMDLINE_ABSENT ? "on the kernel command line" :
			 !p->value		? "a bare flag on the kernel "
						  "command line" :
			 want == CMDLINE_FLAG ?
				     "given a value on the kernel "
				     "command line, not a bare flag" :
				     "booted with another value");
}

static int boot_read(const struct host *h, struct check *c)
{
	struct boot_state *tmp = NULL;
	const struct boot_state *st = boot_state(h, &tmp);
	const struct cmdline_param *p;

	if (st->err == -ENOENT) {
		boot_state_free(tmp);
		return -ENOENT;
	}
	if (st->err < 0) {
		c->status = ST_ERROR;
		c->detail = read_error(st);
		boot_state_free(tmp);
		return 0;
	}
	p = cmdline_find(&st->cl, c->key);
	c->actual = notation(p);
	if (c->setting && !cmdline_satisfies(&c->setting->expect, p)) {
		c->status = ST_MANUAL;
		c->detail = manual_detail(st, c, p);
	}
	boot_state_free(tmp);
	return 0;
}

static bool boot_match(const struct host *h, const struct check *c)
{
	struct boot_state *tmp = NULL;
	const struct boot_state *st = boot_state(h, &tmp);
	bool ok = st->err == 0 &&
		  cmdline_satisfies(&c->setting->expect,
				    cmdline_find(&st->cl, c->key));

	boot_state_free(tmp);
	return ok;
}

/* What apply --persist writes for c, in the profile's notation (a value,
 * "" for a bare flag, "!" for absent): what the command line has when it
 * satisfies the setting, else the value nearest to it that does. */
static int boot_plan(const struct host *h, const struct check *c, char **ret)
{
	const struct expect *e = &c->setting->expect;
	_cleanup_free_ char *want = NULL;

	if (cmdline_want_of(e) != CMDLINE_VALUE) {
		*ret = xstrdup(e->text);
		return 0;
	}
	if (c->actual && strcmp(c->actual, "!") && *c->actual &&
	    expect_match(e, c->actual, NULL) && cmdline_value_ok(c->actual)) {
		*ret = xstrdup(c->actual);
		return 0;
	}
	if (expect_plan(e, c->actual ? c->actual : "", NULL, &want) < 0 ||
	    !cmdline_value_ok(want))
		return -EINVAL;
	*ret = TAKE_PTR(want);
	return 0;
}

/* Never at run time: the transaction plans no boot change (they are
 * manual), and a snapshot holds none to restore. */
static int boot_write(const struct host *h, const char *target, const char *key,
		      const char *value, char **ret_why)
{
	if (ret_why)
		*ret_why = xstrdup("the kernel command line changes only at "
				   "boot");
	return -EOPNOTSUPP;
}

static const char *boot_ref(const char *key)
{
	const struct boot_param *p = boot_param_find(key);

	/* every parameter, known or not, is in the kernel's list */
	return p ? p->ref : BOOT_REF;
}

static const char *boot_why(const char *key)
{
	const struct boot_param *p = boot_param_find(key);

	return p ? p->why : NULL;
}

const struct check_ops boot_ops = {
	.name = "boot",
	.target = TARGET_NONE,
	.cap = -1, /* read only; the drop-in is the file domain's */
	.parse_key = boot_parse_key,
	.parse_setting = boot_parse_setting,
	.expand = boot_expand,
	.read = boot_read,
	.open = boot_state_load,
	.close = boot_state_free,
	.write = boot_write,
	.match = boot_match,
	.plan = boot_plan,
	.why = boot_why,
	.ref = boot_ref,
};
