// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a host gets at boot, on arbitrary text: a sysctl.d file and
 * /etc/fstab as bootconf_load() reads them (src/bootconf.c, included for
 * its static readers), then bootconf_judge() of a few settings against
 * what they say, as an audit's persisted and boot_source do. The first
 * part is also a kernel command line (cmdline_parse(), as the boot
 * domain reads /proc/cmdline), /etc/default/grub and hosttune's
 * boot-loader drop-in.
 *
 * Input: SYSCTL_CONF NUL FSTAB. hostfs_read() is wrapped
 * (-Wl,--wrap=hostfs_read) to hand each part over as the file's content,
 * with what the real one does to it (a trailing newline dropped; a NUL
 * is never in a file it returns), so no file is read.
 */
#include <errno.h>

#include "fuzz.h"

#include "../../src/bootconf.c"

static const char *part_sysctl, *part_fstab;

/* /etc/default/grub.d holds a file before hosttune's drop-in and one
 * after it, each read as the first part too. */
int __wrap_hostfs_list(const struct host *h, const char *rel, char ***ret_names,
		       size_t *ret_n);
int __wrap_hostfs_list(const struct host *h, const char *rel, char ***ret_names,
		       size_t *ret_n)
{
	static const char *const names[] = { "00-early.cfg", "hosttune.cfg",
					     "zz-late.cfg" };
	char **v = xcalloc(ARRAY_SIZE(names), sizeof(*v));

	(void)h;
	(void)rel;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		v[i] = xstrdup(names[i]);
	*ret_names = v;
	*ret_n = ARRAY_SIZE(names);
	return 0;
}

int __wrap_hostfs_read(const struct host *h, const char *rel, char **ret,
		       mode_t *ret_mode);
int __wrap_hostfs_read(const struct host *h, const char *rel, char **ret,
		       mode_t *ret_mode)
{
	const char *text = strcmp(rel, "etc/fstab") ? part_sysctl : part_fstab;
	size_t len = strlen(text);

	(void)h;
	if (ret_mode)
		*ret_mode = 0644;
	*ret = xstrdup(text);
	if (len > 0 && (*ret)[len - 1] == '\n')
		(*ret)[len - 1] = '\0';
	return 0;
}

/* What an audit would ask about at boot: sysctls, exact and by glob, one
 * with a form per field, and a mount point's options. */
static const char profile_text[] = "[sysctl]\n"
				   "vm.swappiness = 10\n"
				   "net.core.somaxconn = >=4096\n"
				   "net.ipv4.tcp_rmem = 4096 >=131072 >=16M\n"
				   "net.ipv4.conf.eth0.rp_filter = 1|2\n"
				   "kernel.core_pattern = core\n"
				   "[mount /data]\n"
				   "options = noatime,!nosuid,commit=60\n"
				   "[boot]\n"
				   "nohz_full = 2-15\n"
				   "intel_idle.max_cstate = <=1\n"
				   "nopti =\n"
				   "mitigations = !\n";

static struct ptrvec checks; /* struct check *, made once */

static void make_checks(void)
{
	static const struct profile_path pp = { .n_dirs = 0 };
	static struct profile p;
	struct load_errors errs = { 0 };

	FUZZ_ASSERT(profile_parse_buffer(&p, &pp, "boot.ini", profile_text,
					 sizeof(profile_text) - 1, &errs) == 0);
	for (size_t i = 0; i < p.settings.n; i++) {
		const struct setting *s = p.settings.v[i];
		static const char *const opts[] = { "noatime", "nosuid",
						    "commit" };
		struct check *c;

		if (strcmp(s->ops->name, "mount")) {
			c = check_new(s->ops, s->target, s->key);
			c->setting = s;
			ptrvec_push(&checks, c);
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(opts); k++) {
			c = check_new(s->ops, s->target, opts[k]);
			c->setting = s;
			ptrvec_push(&checks, c);
		}
	}
}

/* The kernel command line: every parameter named, none with a '-' in its
 * name, the last of a name the one found; or an error that says why. */
static void fuzz_cmdline(const char *text)
{
	struct cmdline cl = { 0 };
	char *err = NULL;

	if (cmdline_parse(text, &cl, &err) < 0) {
		FUZZ_ASSERT(err && cl.n == 0);
		free(err);
		return;
	}
	for (size_t i = 0; i < cl.n; i++) {
		FUZZ_ASSERT(cl.v[i].name && !strchr(cl.v[i].name, '-'));
		FUZZ_ASSERT(cmdline_find(&cl, cl.v[i].name) >= &cl.v[i]);
	}
	cmdline_free(&cl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_string(data, size); /* all bytes, NULs too */
	const char *nul = memchr(buf, '\0', size);
	struct bootconf b = { 0 };

	if (!checks.n)
		make_checks();
	part_sysctl = buf;
	part_fstab = nul ? nul + 1 : "";
	read_sysctl_file(NULL, "etc/sysctl.d/90-fuzz.conf", &b);
	load_fstab(NULL, &b);
	load_grub(NULL, &b); /* /etc/default/grub and the drop-in */
	fuzz_cmdline(part_sysctl);
	for (size_t i = 0; i < b.assigns.n; i++) {
		const struct boot_assign *a = b.assigns.v[i];

		FUZZ_ASSERT(a->key && a->value && a->source);
	}
	for (size_t i = 0; i < checks.n; i++) {
		char *source = NULL;
		int r = bootconf_judge(&b, checks.v[i], &source);

		FUZZ_ASSERT(r >= -1 && r <= 1);
		FUZZ_ASSERT((r == -1) == !source);
		free(source);
	}
	bootconf_free(&b);
	free(buf);
	return 0;
}
