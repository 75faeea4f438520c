// SPDX-License-Identifier: GPL-2.0-or-later
/* What a host gets at boot: see bootconf.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "hosttune/bootconf.h"
#include "hosttune/cmdline.h"
#include "hosttune/hostfs.h"
#include "hosttune/sysctl.h"

/* systemd's CONF_PATHS("sysctl.d"), highest priority first. */
static const char *const sysctl_dirs[] = {
	"etc/sysctl.d",	    "run/sysctl.d", "usr/local/lib/sysctl.d",
	"usr/lib/sysctl.d", "lib/sysctl.d",
};

static void assign_free(void *v)
{
	struct boot_assign *a = v;

	if (!a)
		return;
	free(a->key);
	free(a->value);
	free(a->source);
	free(a);
}

void bootconf_free(struct bootconf *b)
{
	ptrvec_free(&b->assigns, assign_free);
	ptrvec_free(&b->fstab, assign_free);
	ptrvec_free(&b->grub, assign_free);
	free(b->grub_dropin);
	free(b->active_name);
	*b = (struct bootconf){ 0 };
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* One sysctl.d file, its assignments appended in order. */
static void read_sysctl_file(const struct host *h, const char *rel,
			     struct bootconf *b)
{
	_cleanup_free_ char *data = NULL;
	char *line, *next;
	int no = 0;

	if (hostfs_read(h, rel, &data, NULL) < 0)
		return;
	for (line = data; line; line = next) {
		char *eq, *key, *val;
		_cleanup_free_ char *canon = NULL, *err = NULL;
		struct boot_assign *a;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		line = strip(line);
		if (!*line || *line == '#' || *line == ';')
			continue;
		eq = strchr(line, '=');
		if (!eq)
			continue; /* systemd-sysctl skips it too */
		*eq = '\0';
		key = strip(line);
		val = strip(eq + 1);
		if (*key == '-')
			key = strip(key + 1);
		if (sysctl_key_parse(key, &canon, &err) < 0)
			continue;
		a = xcalloc(1, sizeof(*a));
		a->key = TAKE_PTR(canon);
		a->value = normalize_ws(val);
		a->source = xasprintf("/%s:%d", rel, no);
		a->glob = has_glob(a->key);
		ptrvec_push(&b->assigns, a);
	}
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Is rel a symlink to /dev/null (a mask)? */
static bool masked(const struct host *h, const char *rel)
{
	char target[64];
	_cleanup_close_ int fd = hostfs_open(h, rel, O_PATH | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return false;
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "/dev/null");
}

static void load_sysctl(const struct host *h, struct bootconf *b)
{
	struct ptrvec names = { 0 }, paths = { 0 }, types = { 0 };
	struct strmap seen = { 0 };

	for (size_t d = 0; d < ARRAY_SIZE(sysctl_dirs); d++) {
		struct host_dirent *list = NULL;
		size_t n = 0;

		if (hostfs_list_typed(h, sysctl_dirs[d], &list, &n) < 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			const char *name = list[i].name;
			size_t len = strlen(name);

			if (len <= 5 || strcmp(name + len - 5, ".conf"))
				continue;
			/* the first directory's file of a name wins */
			if (!strmap_put(&seen, name, names.n, NULL))
				continue;
			ptrvec_push(&names, xstrdup(name));
			ptrvec_push(&paths,
				    xstrjoin(sysctl_dirs[d], "/", name));
			ptrvec_push(&types, (void *)(uintptr_t)list[i].type);
			/* strmap keeps the key pointer: point it at ours */
			strmap_set(&seen, names.v[names.n - 1], names.n - 1);
		}
		host_dirents_free(list, n);
	}
	/* read in the order of the names */
	{
		char **order = xcalloc(names.n + 1, sizeof(*order));

		for (size_t i = 0; i < names.n; i++)
			order[i] = names.v[i];
		qsort(order, names.n, sizeof(*order), cmp_str);
		for (size_t i = 0; i < names.n; i++) {
			size_t at = 0;
			const char *rel;

			strmap_get(&seen, order[i], &at);
			rel = paths.v[at];
			/* only a symlink can mask (its directory entry says
			 * so; DT_UNKNOWN asks): a regular file is read */
			if ((uintptr_t)types.v[at] == DT_REG || !masked(h, rel))
				read_sysctl_file(h, rel, b);
		}
		free(order);
	}
	strmap_free(&seen);
	ptrvec_free(&names, free);
	ptrvec_free(&paths, free);
	free(types.v);
}

/* fstab's fields: spec, mount point, type, options; \040 escapes. */
static char *fstab_unescape(const char *s)
{
	struct strbuf sb = { 0 };

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			char c = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					(s[3] - '0'));
			strbuf_add(&sb, &c, 1);
			s += 3;
		} else {
			strbuf_add(&sb, s, 1);
		}
	}
	return sb.s ? strbuf_take(&sb) : xstrdup("");
}

static void load_fstab(const struct host *h, struct bootconf *b)
{
	_cleanup_free_ char *data = NULL;
	char *line, *next;
	int no = 0;

	if (hostfs_read(h, "etc/fstab", &data, NULL) < 0)
		return;
	for (line = data; line; line = next) {
		char *f[4], *p;
		int k = 0;
		struct boot_assign *a;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		p = strip(line);
		if (!*p || *p == '#')
			continue;
		for (; k < 4 && *p; k++) {
			f[k] = p;
			p += strcspn(p, " \t");
			if (*p)
				*p++ = '\0';
			p += strspn(p, " \t");
		}
		if (k < 4)
			continue;
		a = xcalloc(1, sizeof(*a));
		a->key = fstab_unescape(f[1]);
		a->value = xstrdup(f[3]);
		a->source = xasprintf("/etc/fstab:%d", no);
		ptrvec_push(&b->fstab, a);
	}
}

/* The value of "NAME=VALUE" with one level of shell quotes removed, or
 * NULL when line does not assign name. */
static char *grub_assignment(const char *line, const char *name)
{
	size_t n = strlen(name), len;
	const char *v;

	if (strncmp(line, name, n) || line[n] != '=')
		return NULL;
	v = line + n + 1;
	len = strlen(v);
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0])
		return xstrndup(v + 1, len - 2);
	return xstrdup(v);
}

static const char *const grub_vars[] = { "GRUB_CMDLINE_LINUX",
					 "GRUB_CMDLINE_LINUX_DEFAULT" };

/* Every assignment of either variable in data (split in place), in
 * order, with source "label:LINE". */
static void grub_assignments(struct bootconf *b, char *data, const char *label)
{
	int no = 0;

	for (char *line = data, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		line = strip(line);
		for (size_t v = 0; v < ARRAY_SIZE(grub_vars); v++) {
			char *value = grub_assignment(line, grub_vars[v]);
			struct boot_assign *a;

			if (!value)
				continue;
			a = xcalloc(1, sizeof(*a));
			a->key = xstrdup(grub_vars[v]);
			a->value = value;
			a->source = xasprintf("%s:%d", label, no);
			ptrvec_push(&b->grub, a);
		}
	}
}

/* What update-grub reads for the kernel's line: /etc/default/grub, then
 * each /etc/default/grub.d/NAME.cfg in name order, hosttune's drop-in among
 * them. */
static void load_grub(const struct host *h, struct bootconf *b)
{
	_cleanup_free_ char *data = NULL;
	char **names = NULL;
	size_t n = 0;

	if (hostfs_read(h, CMDLINE_DROPIN, &b->grub_dropin, NULL) < 0)
		b->grub_dropin = NULL;
	if (hostfs_read(h, "etc/default/grub", &data, NULL) == 0) {
		b->grub_found = true;
		grub_assignments(b, data, "/etc/default/grub");
	}
	if (hostfs_list(h, "etc/default/grub.d", &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *rel = NULL, *cfg = NULL, *label = NULL;
		size_t len = strlen(names[i]);

		if (len < 5 || strcmp(names[i] + len - 4, ".cfg"))
			continue;
		rel = xstrjoin("etc/default/grub.d/", names[i]);
		if (!strcmp(rel, CMDLINE_DROPIN)) {
			if (b->grub_dropin)
				ptrvec_push(
					&b->grub,
					xcalloc(1, sizeof(struct boot_assign)));
			continue;
		}
		if (hostfs_read(h, rel, &cfg, NULL) < 0)
			continue;
		label = xstrjoin("/", rel);
		grub_assignments(b, cfg, label);
	}
	strv_free(names, n);
}

void bootconf_load_grub(const struct host *h, struct bootconf *b)
{
	*b = (struct bootconf){ 0 };
	load_grub(h, b);
}

int bootconf_load_some(const struct host *h, struct bootconf *b, unsigned what)
{
	*b = (struct bootconf){ 0 };
	if (what & BOOTCONF_SYSCTL)
		load_sysctl(h, b);
	if (what & BOOTCONF_FSTAB)
		load_fstab(h, b);
	if (what & BOOTCONF_GRUB)
		load_grub(h, b);
	return 0;
}

int bootconf_load(const struct host *h, struct bootconf *b)
{
	return bootconf_load_some(
		h, b, BOOTCONF_SYSCTL | BOOTCONF_FSTAB | BOOTCONF_GRUB);
}

unsigned bootconf_needs(const struct check *c)
{
	if (!c->setting)
		return 0;
	if (!strcmp(c->ops->name, "sysctl"))
		return BOOTCONF_SYSCTL;
	if (!strcmp(c->ops->name, "boot"))
		return BOOTCONF_GRUB;
	if (!strcmp(c->ops->name, "mount"))
		return BOOTCONF_FSTAB;
	return BOOTCONF_ACTIVE;
}

/* Where a parameter stands in one variable while update-grub reads the
 * files: its occurrences, in order, each with the line that put it. */
struct grub_word {
	char *value; /* NULL for a bare flag */
	const char *source;
};

static void words_clear(struct ptrvec *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct grub_word *g = w->v[i];

		free(g->value);
		free(g);
	}
	w->n = 0;
}

static void word_push(struct ptrvec *w, const char *value, const char *source)
{
	struct grub_word *g = xcalloc(1, sizeof(*g));

	g->value = value ? xstrdup(value) : NULL;
	g->source = source;
	ptrvec_push(w, g);
}

/* "$NAME" or "${NAME}": which of the two variables, or -1. */
static int grub_reference(const struct cmdline_param *p)
{
	for (size_t v = 0; v < ARRAY_SIZE(grub_vars); v++) {
		size_t n = strlen(grub_vars[v]);
		const char *s = p->name;

		if (p->value || s[0] != '$')
			continue;
		if (!strcmp(s + 1, grub_vars[v]) ||
		    (s[1] == '{' && !strncmp(s + 2, grub_vars[v], n) &&
		     !strcmp(s + 2 + n, "}")))
			return (int)v;
	}
	return -1;
}

/* One assignment of variable v: its words of the parameter name, a
 * reference to either variable bringing that variable's words along.
 * True when the new value keeps v's own (it refers to v). */
static bool grub_assign(struct ptrvec words[2], int v,
			const struct boot_assign *a, const char *name)
{
	struct cmdline cl = { 0 };
	_cleanup_free_ char *err = NULL;
	struct ptrvec out = { 0 };
	bool keeps = false;

	if (cmdline_parse(a->value, &cl, &err) < 0)
		return true; /* not what update-grub would make sense of */
	for (size_t i = 0; i < cl.n; i++) {
		int ref = grub_reference(&cl.v[i]);

		if (ref == v)
			keeps = true;
		if (ref >= 0) {
			for (size_t k = 0; k < words[ref].n; k++) {
				const struct grub_word *g = words[ref].v[k];

				word_push(&out, g->value, g->source);
			}
		} else if (!strchr(cl.v[i].name, '$') &&
			   !(cl.v[i].value && strchr(cl.v[i].value, '$')) &&
			   !strcmp(cl.v[i].name, name)) {
			word_push(&out, cl.v[i].value, a->source);
		}
	}
	cmdline_free(&cl);
	words_clear(&words[v]);
	ptrvec_free(&words[v], NULL);
	words[v] = out;
	return keeps;
}

/* A kernel parameter at boot: the last word of its name on the line
 * update-grub makes, GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT,
 * after every file has had its say, hosttune's drop-in in its place. */
static int boot_judge(const struct bootconf *b, const struct check *c,
		      char **ret_source)
{
	const struct expect *e = &c->setting->expect;
	struct ptrvec words[2] = { { 0 }, { 0 } };
	_cleanup_free_ char *dropin_source = NULL;
	const char *reset = NULL; /* a later fresh GRUB_CMDLINE_LINUX_DEFAULT */
	const struct grub_word *last = NULL;
	int r = -1;

	for (size_t i = 0; i < b->grub.n; i++) {
		const struct boot_assign *a = b->grub.v[i];
		_cleanup_free_ char *value = NULL;
		bool absent = false;
		int line = 0;

		if (a->key) {
			int v = strcmp(a->key, grub_vars[0]) ? 1 : 0;

			if (!grub_assign(words, v, a, c->key) && v == 1 &&
			    dropin_source)
				reset = a->source;
			continue;
		}
		/* the drop-in: the parameter leaves GRUB_CMDLINE_LINUX_DEFAULT
		 * (both, when absent) and its word ends the line */
		if (cmdline_dropin_find(b->grub_dropin, c->key, &line, &absent,
					&value) != 1)
			continue;
		free(dropin_source);
		dropin_source = xasprintf("/%s:%d", CMDLINE_DROPIN, line);
		reset = NULL;
		words_clear(&words[1]);
		if (absent)
			words_clear(&words[0]);
		else
			word_push(&words[1], value, dropin_source);
	}
	if (words[1].n)
		last = words[1].v[words[1].n - 1];
	else if (words[0].n)
		last = words[0].v[words[0].n - 1];
	if (last) {
		struct cmdline_param p = { c->key, last->value };

		*ret_source = xstrdup(last->source);
		r = cmdline_satisfies(e, &p);
	} else if (dropin_source ||
		   (b->grub_found && cmdline_want_of(e) == CMDLINE_ABSENT)) {
		/* nothing puts it on the line: absent at boot; where the
		 * drop-in's word was dropped, the line that dropped it */
		r = cmdline_satisfies(e, NULL);
		*ret_source = xstrdup(!r && reset   ? reset :
				      dropin_source ? dropin_source :
						      "/etc/default/grub");
	}
	for (size_t v = 0; v < 2; v++) {
		words_clear(&words[v]);
		ptrvec_free(&words[v], NULL);
	}
	return r;
}

/* The boot assignment of a sysctl: the last explicit one, else the last
 * glob that matches. */
static const struct boot_assign *sysctl_at_boot(const struct bootconf *b,
						const char *key)
{
	const struct boot_assign *glob = NULL;

	for (size_t i = b->assigns.n; i-- > 0;) {
		const struct boot_assign *a = b->assigns.v[i];

		if (!a->glob && !strcmp(a->key, key))
			return a;
		if (a->glob && !glob && fnmatch(a->key, key, FNM_PERIOD) == 0)
			glob = a;
	}
	return glob;
}

/* The one token of a mount setting's list this check stands for:
 * "noatime", "!nosuid", "commit=60". */
static bool mount_token_holds(const char *expected, const char *key,
			      const char *options)
{
	_cleanup_free_ char *want = xstrdup(expected), *have = NULL;
	size_t n = strlen(key);
	char *save = NULL, *osave = NULL;

	for (char *t = strtok_r(want, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		bool neg = *t == '!';
		char *name = strip(neg ? t + 1 : t);
		bool found = false;

		if (strncmp(name, key, n) || (name[n] && name[n] != '='))
			continue;
		have = xstrdup(options);
		for (char *o = strtok_r(have, ",", &osave); o;
		     o = strtok_r(NULL, ",", &osave))
			found = found || !strcmp(o, name);
		return neg ? !found : found;
	}
	return false;
}

/* A sysctl as systemd-sysctl sets it at boot. */
static int sysctl_judge(const struct bootconf *b, const struct check *c,
			char **ret_source)
{
	const struct boot_assign *a = sysctl_at_boot(b, c->key);

	if (!a)
		return -1;
	*ret_source = xstrdup(a->source);
	return expect_match(&c->setting->expect, a->value, NULL) ? 1 : 0;
}

/* A mount option as fstab's last line for the mount point gives it. */
static int fstab_judge(const struct bootconf *b, const struct check *c,
		       char **ret_source)
{
	for (size_t i = b->fstab.n; c->target && i-- > 0;) {
		const struct boot_assign *a = b->fstab.v[i];

		if (strcmp(a->key, c->target))
			continue;
		*ret_source = xstrdup(a->source);
		return mount_token_holds(c->setting->expect.text, c->key,
					 a->value);
	}
	return -1;
}

/* hosttune-apply.service applies the active profile at boot: the setting
 * holds then when that profile has it, the same. */
static int active_judge(const struct bootconf *b, const struct check *c,
			char **ret_source)
{
	if (!b->active)
		return -1;
	for (size_t i = 0; i < b->active->settings.n; i++) {
		const struct setting *s = b->active->settings.v[i];

		if (s->ops != c->ops || strcmp(s->key, c->setting->key) ||
		    (!s->target != !c->setting->target) ||
		    (s->target && strcmp(s->target, c->setting->target)))
			continue;
		*ret_source = xasprintf("hosttune-apply.service (%s)",
					b->active_name);
		return !strcmp(s->expect.text, c->setting->expect.text);
	}
	/* the active profile does not set it: nothing does at boot */
	return -1;
}

int bootconf_judge(const struct bootconf *b, const struct check *c,
		   char **ret_source)
{
	*ret_source = NULL;
	/* the source bootconf_needs() names, and so the one loaded */
	switch (bootconf_needs(c)) {
	case BOOTCONF_SYSCTL:
		return sysctl_judge(b, c, ret_source);
	case BOOTCONF_GRUB:
		return boot_judge(b, c, ret_source);
	case BOOTCONF_FSTAB:
		return fstab_judge(b, c, ret_source);
	case BOOTCONF_ACTIVE:
		return active_judge(b, c, ret_source);
	default:
		return -1; /* no setting */
	}
}
