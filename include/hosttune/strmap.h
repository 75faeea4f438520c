/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTTUNE_STRMAP_H
#define HOSTTUNE_STRMAP_H

/*
 * A hash map from strings to indexes (open addressing, FNV-1a), so that
 * duplicates among profile settings, snapshot entries, changes and
 * includes are found in linear time whatever the input's size. Keys are
 * not copied: they must outlive the map.
 */
#include <stdbool.h>
#include <stddef.h>

struct strmap {
	const char **key;
	size_t *val;
	size_t cap, n;
};

/* Insert key with val unless it is there: true when inserted. *ret_val
 * (when not NULL) gets the value stored, the old one if it was there. */
bool strmap_put(struct strmap *m, const char *key, size_t val, size_t *ret_val);
bool strmap_get(const struct strmap *m, const char *key, size_t *ret_val);
bool strmap_has(const struct strmap *m, const char *key);
/* Point key at val (inserting it if needed). */
void strmap_set(struct strmap *m, const char *key, size_t val);
void strmap_free(struct strmap *m);

#endif
