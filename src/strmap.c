// SPDX-License-Identifier: GPL-2.0-or-later
/* The string map: see strmap.h. */
#include <stdint.h>
#include <string.h>

#include "hosttune/strmap.h"
#include "hosttune/util.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t slot_of(const struct strmap *m, const char *key)
{
	size_t i = hash_str(key) & (m->cap - 1);

	while (m->key[i] && strcmp(m->key[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void grow(struct strmap *m)
{
	struct strmap bigger = { .cap = m->cap ? m->cap * 2 : 64 };

	bigger.key = xcalloc(bigger.cap, sizeof(*bigger.key));
	bigger.val = xcalloc(bigger.cap, sizeof(*bigger.val));
	for (size_t i = 0; i < m->cap; i++)
		if (m->key[i]) {
			size_t j = slot_of(&bigger, m->key[i]);

			bigger.key[j] = m->key[i];
			bigger.val[j] = m->val[i];
			bigger.n++;
		}
	free(m->key);
	free(m->val);
	*m = bigger;
}

bool strmap_put(struct strmap *m, const char *key, size_t val, size_t *ret_val)
{
	bool inserted;
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	i = slot_of(m, key);
	inserted = !m->key[i];
	if (inserted) {
		m->key[i] = key;
		m->val[i] = val;
		m->n++;
	}
	if (ret_val)
		*ret_val = m->val[i];
	return inserted;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *ret_val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = slot_of(m, key);
	if (!m->key[i])
		return false;
	if (ret_val)
		*ret_val = m->val[i];
	return true;
}

bool strmap_has(const struct strmap *m, const char *key)
{
	return strmap_get(m, key, NULL);
}

void strmap_set(struct strmap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	i = slot_of(m, key);
	if (!m->key[i])
		m->n++;
	m->key[i] = key;
	/* m->val is grow()'s new array, allocated before the old one is
	 * freed: the analyzer cannot tell xcalloc()'s result from it. */
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
	m->val[i] = val;
}

void strmap_free(struct strmap *m)
{
	free(m->key);
	free(m->val);
	*m = (struct strmap){ 0 };
}
