/* nm-references.h: the sources behind the plan, spelled out
 *
 * Copyright 2026 The Needlemap authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every key of clinical/REFERENCE.md's References, with its citation as
 * that list gives it (author, title, year; or the page it rests on). The
 * texts of the plan name their sources by these keys in brackets, e.g.
 * "(JUV, DP)". */

/* Makes the text that stands for @keys, cited together. */
typedef char * (*NmReferencesCiteFunc) (const char * const *keys,
                                        gpointer            user_data);

guint        nm_references_get_n      (void);
const char  *nm_references_get_key   (guint               index);
const char  *nm_reference_lookup     (const char         *key);
const char  *nm_reference_short_name (const char         *key);

void         nm_references_scan      (GHashTable         *keys,
                                      const char         *text);
void         nm_references_scan_list (GHashTable         *keys,
                                      const char         *list);
char       **nm_references_sorted    (GHashTable         *keys);
char       **nm_references_collect   (const char * const *texts);
char        *nm_references_short_names (const char       *list);
char        *nm_references_rewrite   (const char         *text,
                                      NmReferencesCiteFunc cite,
                                      gpointer            user_data);

G_END_DECLS
