// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel command line and hosttune's boot-loader drop-in: see
 * cmdline.h. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "hosttune/cmdline.h"
#include "hosttune/util.h"

/* The kernel's isspace() (lib/ctype.c): 0xa0 is a blank too. */
static bool kernel_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

void cmdline_free(struct cmdline *cl)
{
	for (size_t i = 0; i < cl->n; i++) {
		free(cl->v[i].name);
		free(cl->v[i].value);
	}
	free(cl->v);
	*cl = (struct cmdline){ 0 };
}

char *cmdline_name_canon(const char *name)
{
	char *s = xstrdup(name);

	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

/* Control bytes other than the kernel's blanks: 0 or the offset + 1. */
static size_t control_byte_at(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 && !kernel_space(*p)) || *p == 0x7f)
			return (size_t)(p - (const unsigned char *)text) + 1;
	return 0;
}

static void push_param(struct cmdline *cl, size_t *cap, const char *name,
		       const char *value)
{
	if (cl->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		cl->v = xrealloc(cl->v, *cap * sizeof(*cl->v));
	}
	cl->v[cl->n].name = cmdline_name_canon(name);
	cl->v[cl->n].value = value ? xstrdup(value) : NULL;
	cl->n++;
}

/*
 * One argument at args, as lib/cmdline.c next_arg() cuts it: *ret_len
 * bytes, split into a name and a value (NULL without '='), quotes
 * dropped as the kernel drops them. -EINVAL when a quote is left open.
 */
static int next_arg(char *args, size_t *ret_len, char **ret_name,
		    char **ret_value)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;
	char *value = NULL;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (kernel_space((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	if (in_quote)
		return -EINVAL;
	*ret_len = i + quoted + (args[i] ? 1 : 0);
	if (equals) {
		args[equals] = '\0';
		value = args + equals + 1;
		if (*value == '"') {
			value++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	args[i] = '\0';
	*ret_name = args;
	*ret_value = value;
	return 0;
}

int cmdline_parse(const char *text, struct cmdline *ret, char **ret_err)
{
	_cleanup_free_ char *copy = xstrdup(text);
	struct cmdline cl = { 0 };
	size_t cap = 0, at = control_byte_at(text);
	char *p = copy;

	if (at) {
		*ret_err = xasprintf("control byte 0x%02x at byte %zu",
				     (unsigned char)text[at - 1], at - 1);
		return -EINVAL;
	}
	while (kernel_space((unsigned char)*p))
		p++;
	while (*p) {
		char *name, *value;
		size_t len;

		if (next_arg(p, &len, &name, &value) < 0) {
			*ret_err = xasprintf("unbalanced double quote in the "
					     "argument at byte %zu",
					     (size_t)(p - copy));
			cmdline_free(&cl);
			return -EINVAL;
		}
		if (!value && !strcmp(name, "--"))
			break; /* the rest is init's */
		push_param(&cl, &cap, name, value);
		p += len;
		while (kernel_space((unsigned char)*p))
			p++;
	}
	*ret = cl;
	return 0;
}

const struct cmdline_param *cmdline_find(const struct cmdline *cl,
					 const char *name)
{
	for (size_t i = cl->n; i-- > 0;)
		if (!strcmp(cl->v[i].name, name))
			return &cl->v[i];
	return NULL;
}

bool cmdline_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CMDLINE_NAME_MAX || name[n - 1] == '.' ||
	    !(isalnum((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (const char *p = name; *p; p++)
		if (!isascii((unsigned char)*p) ||
		    !(isalnum((unsigned char)*p) || strchr("_-.", *p)))
			return false;
	return true;
}

bool cmdline_value_ok(const char *value)
{
	size_t n = strlen(value);

	if (n == 0 || n > CMDLINE_VALUE_MAX)
		return false;
	for (const char *p = value; *p; p++)
		if (!isascii((unsigned char)*p) ||
		    !(isalnum((unsigned char)*p) || strchr("_.,:/=+-@%", *p)))
			return false;
	return true;
}

enum cmdline_want cmdline_want_of(const struct expect *e)
{
	if (!e->text[0])
		return CMDLINE_FLAG;
	if (!strcmp(e->text, "!"))
		return CMDLINE_ABSENT;
	return CMDLINE_VALUE;
}

bool cmdline_satisfies(const struct expect *e, const struct cmdline_param *p)
{
	_cleanup_free_ char *norm = NULL;

	switch (cmdline_want_of(e)) {
	case CMDLINE_ABSENT:
		return !p;
	case CMDLINE_FLAG:
		return p && !p->value;
	case CMDLINE_VALUE:
		break;
	}
	if (!p || !p->value)
		return false;
	norm = normalize_ws(p->value);
	return expect_match(e, norm, NULL);
}

/* ---- the drop-in --------------------------------------------------- */

/* POSIX sh, sourced by grub-mkconfig (which runs under set -e): every
 * command succeeds, every name it leaves behind is unset again, and the
 * shell's globbing and IFS are as they were. */
static const char dropin_head[] =
	"# hosttune_set PATTERN WORD: parameters named PATTERN leave\n"
	"# GRUB_CMDLINE_LINUX_DEFAULT, and WORD ends its kernel part, which\n"
	"# comes after GRUB_CMDLINE_LINUX: the kernel takes the last one.\n"
	"# hosttune_unset PATTERN WORD: parameters named PATTERN leave both.\n"
	"# A PATTERN takes '-' and '_' alike, as the kernel does; words after\n"
	"# a bare -- are init's and stay as they are.\n"
	"case $- in *f*) hosttune_glob= ;; *) hosttune_glob=1; set -f ;; esac\n"
	"hosttune_ifs_was=${IFS+1}\n"
	"hosttune_ifs=${IFS-}\n"
	"IFS=' \t\n'\n"
	"\n"
	"hosttune_drop() {\n"
	"\thosttune_out= hosttune_init= hosttune_q= hosttune_skip=\n"
	"\tfor hosttune_w in $2; do\n"
	"\t\tif [ -n \"$hosttune_init\" ] ||\n"
	"\t\t\t{ [ -z \"$hosttune_q\" ] && [ \"$hosttune_w\" = -- ]; }; then\n"
	"\t\t\thosttune_init=\"${hosttune_init:+$hosttune_init }"
	"$hosttune_w\"\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tif [ -z \"$hosttune_q\" ]; then\n"
	"\t\t\tcase $hosttune_w in\n"
	"\t\t\t$1 | $1=* | \\\"$1 | \\\"$1=*) hosttune_skip=1 ;;\n"
	"\t\t\t*) hosttune_skip= ;;\n"
	"\t\t\tesac\n"
	"\t\tfi\n"
	"\t\t# an odd number of '\"' opens or closes a quoted value\n"
	"\t\thosttune_r=$hosttune_w\n"
	"\t\twhile :; do\n"
	"\t\t\tcase $hosttune_r in\n"
	"\t\t\t*\\\"*) ;;\n"
	"\t\t\t*) break ;;\n"
	"\t\t\tesac\n"
	"\t\t\thosttune_r=${hosttune_r#*\\\"}\n"
	"\t\t\tif [ -n \"$hosttune_q\" ]; then hosttune_q=; "
	"else hosttune_q=1; fi\n"
	"\t\tdone\n"
	"\t\t[ -n \"$hosttune_skip\" ] ||\n"
	"\t\t\thosttune_out=\"${hosttune_out:+$hosttune_out }$hosttune_w\"\n"
	"\tdone\n"
	"}\n"
	"\n"
	"hosttune_join() {\n"
	"\thosttune_j=\"$1${1:+${2:+ }}$2\"\n"
	"}\n"
	"\n"
	"hosttune_set() {\n"
	"\thosttune_drop \"$1\" \"${GRUB_CMDLINE_LINUX_DEFAULT-}\"\n"
	"\thosttune_join \"$hosttune_out\" \"$2\"\n"
	"\thosttune_join \"$hosttune_j\" \"$hosttune_init\"\n"
	"\tGRUB_CMDLINE_LINUX_DEFAULT=$hosttune_j\n"
	"}\n"
	"\n"
	"hosttune_unset() {\n"
	"\thosttune_drop \"$1\" \"${GRUB_CMDLINE_LINUX-}\"\n"
	"\thosttune_join \"$hosttune_out\" \"$hosttune_init\"\n"
	"\tGRUB_CMDLINE_LINUX=$hosttune_j\n"
	"\thosttune_drop \"$1\" \"${GRUB_CMDLINE_LINUX_DEFAULT-}\"\n"
	"\thosttune_join \"$hosttune_out\" \"$hosttune_init\"\n"
	"\tGRUB_CMDLINE_LINUX_DEFAULT=$hosttune_j\n"
	"}\n"
	"\n";

static const char dropin_tail[] =
	"\n"
	"if [ -n \"$hosttune_ifs_was\" ]; then IFS=$hosttune_ifs; "
	"else unset IFS; fi\n"
	"[ -z \"$hosttune_glob\" ] || set +f\n"
	"unset hosttune_glob hosttune_ifs hosttune_ifs_was hosttune_out \\\n"
	"\thosttune_init hosttune_q hosttune_skip hosttune_w hosttune_r "
	"hosttune_j\n"
	"unset -f hosttune_drop hosttune_join hosttune_set hosttune_unset\n";

/* "intel_idle.max_cstate" -> "intel[-_]idle.max[-_]cstate" */
static void put_pattern(struct strbuf *sb, const char *name)
{
	for (; *name; name++)
		if (*name == '_' || *name == '-')
			strbuf_puts(sb, "[-_]");
		else
			strbuf_add(sb, name, 1);
}

int cmdline_dropin(const char *profile, const struct cmdline_edit *edits,
		   size_t n, char **ret)
{
	_cleanup_free_ char *shown = display_escape(profile);
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++)
		if (!cmdline_name_ok(edits[i].name) ||
		    (edits[i].value && !cmdline_value_ok(edits[i].value)))
			return -EINVAL;
	strbuf_printf(
		&sb,
		"# Written by hosttune apply --persist %s: the kernel\n"
		"# command-line parameters of its [boot] section, for "
		"update-grub,\n"
		"# which sources /etc/default/grub.d/*.cfg with /bin/sh after\n"
		"# /etc/default/grub. They take effect after update-grub and "
		"a reboot.\n"
		"# hosttune rewrites this file and rollback restores it: edit "
		"the\n"
		"# profile, not this file.\n#\n",
		shown);
	strbuf_puts(&sb, dropin_head);
	for (size_t i = 0; i < n; i++) {
		const struct cmdline_edit *e = &edits[i];

		strbuf_puts(&sb,
			    e->absent ? "hosttune_unset '" : "hosttune_set '");
		put_pattern(&sb, e->name);
		strbuf_printf(&sb, "' '%s%s%s'\n", e->name,
			      e->value && !e->absent ? "=" : "",
			      e->value && !e->absent ? e->value : "");
	}
	strbuf_puts(&sb, dropin_tail);
	*ret = strbuf_take(&sb);
	return 0;
}

/* "hosttune_set 'PATTERN' 'WORD'": the WORD, or NULL. */
static char *dropin_word(const char *line, bool *ret_absent)
{
	const char *p, *end;

	if (startswith(line, "hosttune_set '"))
		*ret_absent = false;
	else if (startswith(line, "hosttune_unset '"))
		*ret_absent = true;
	else
		return NULL;
	p = strchr(line, '\'');
	p = strchr(p + 1, '\'');
	if (!p || strncmp(p, "' '", 3))
		return NULL;
	p += 3;
	end = strchr(p, '\'');
	if (!end || strcmp(end, "'"))
		return NULL;
	return xstrndup(p, (size_t)(end - p));
}

int cmdline_dropin_find(const char *text, const char *name, int *ret_line,
			bool *ret_absent, char **ret_value)
{
	_cleanup_free_ char *found_value = NULL;
	bool found_absent = false;
	int no = 0, found = 0;

	for (const char *line = text; line && *line; no++) {
		const char *nl = strchr(line, '\n');
		_cleanup_free_ char *copy =
			nl ? xstrndup(line, (size_t)(nl - line)) :
			     xstrdup(line);
		_cleanup_free_ char *word = NULL, *canon = NULL;
		bool absent = false;
		char *eq;

		line = nl ? nl + 1 : NULL;
		word = dropin_word(copy, &absent);
		if (!word)
			continue;
		eq = strchr(word, '=');
		if (eq)
			*eq = '\0';
		canon = cmdline_name_canon(word);
		if (strcmp(canon, name))
			continue;
		found = no + 1;
		found_absent = absent;
		free(found_value);
		found_value = eq && !absent ? xstrdup(eq + 1) : NULL;
	}
	if (!found)
		return 0;
	*ret_line = found;
	*ret_absent = found_absent;
	*ret_value = TAKE_PTR(found_value);
	return 1;
}
