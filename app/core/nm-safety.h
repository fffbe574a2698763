/* nm-safety.h
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

/* The safety rules of spec/FORMAT.md §3.1, which no protocol file may
 * loosen. They are code, not data: the protocol loader refuses a clinic
 * file that goes beyond them, and the planner applies them again after the
 * protocol, so neither a file nor a bug in one layer gets past both. */

#define NM_SAFETY_MAX_MM                2.5   /* no depth deeper, whatever the device */
#define NM_SAFETY_ADULT_AGE             18
#define NM_SAFETY_MAX_AGE               120   /* older: the birth date is wrong */
#define NM_SAFETY_DARK_SKIN_MIN         4     /* Fitzpatrick IV–VI */
#define NM_SAFETY_PIGMENT_DARK_MAX_MM   1.0   /* pigment findings in skin types IV–VI */
#define NM_SAFETY_MACULAR_SCAR_MAX_MM   0.5   /* acne scars of Goodman & Baron grade 1 */
#define NM_SAFETY_WAIT_DAYS             14    /* sunburn, a recent procedure */

double      nm_safety_region_ceiling       (const char *region_id);
const char *nm_safety_region_ceiling_sources (const char *region_id);
gboolean    nm_safety_skin_is_dark         (guint       fitzpatrick);
guint       nm_safety_min_interval_weeks_for_region (const char *region_id);
guint       nm_safety_min_interval_weeks_for_kind   (const char *kind_id);
gboolean    nm_safety_item_is_absolute     (const char *item_id);
gboolean    nm_safety_block_is_lifelong    (const char *id);
gboolean    nm_safety_is_macular_scar      (const char *kind_id,
                                            guint       severity);
gboolean    nm_safety_region_is_face       (const char *region_id);
gboolean    nm_safety_region_is_perioral   (const char *region_id);

G_END_DECLS
