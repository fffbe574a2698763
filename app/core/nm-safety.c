/* nm-safety.c: the rules of spec §3.1 that every plan keeps
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

#include "config.h"

#include <string.h>

#include "nm-safety.h"
#include "nm-vocab.h"

typedef struct
{
  const char *region;
  double      ceiling;
  const char *sources;   /* keys of clinical/REFERENCE.md */
} Ceiling;

/* Spec §3.1: eyelids never; periorbital ≤ 0.5 mm; forehead, glabella,
 * temples, nose and upper lip ≤ 1.0 mm. Every other region: the device,
 * and never more than 2.5 mm. */
static const Ceiling ceilings[] = {
  { "eyelid-left",       0.0, "SP1, CHO, MEN" },
  { "eyelid-right",      0.0, "SP1, CHO, MEN" },
  { "periorbital-left",  0.5, "GR, MBA, DP" },
  { "periorbital-right", 0.5, "GR, MBA, DP" },
  { "forehead",          1.0, "GR, MBA, DP, FH" },
  { "glabella",          1.0, "DP" },
  { "temple-left",       1.0, "MEN, GR" },
  { "temple-right",      1.0, "MEN, GR" },
  { "nose",              1.0, "GR, MBA, DP" },
  { "upper-lip",         1.0, "GR, MBA, DP" },
};

static const char * const face_regions[] = {
  "forehead", "glabella", "temple-left", "temple-right", "periorbital-left",
  "periorbital-right", "eyelid-left", "eyelid-right", "nose", "cheek-left",
  "cheek-right", "upper-lip", "chin", "jawline-left", "jawline-right", NULL
};

/* Where cold sores come back after needling (spec §3.2). */
static const char * const perioral_regions[] = {
  "upper-lip", "chin", "cheek-left", "cheek-right", NULL
};

/* Screening items and findings that describe a condition for life: the
 * plan calls them lifelong, never "until it no longer applies". */
static const char * const lifelong_ids[] = {
  "keloid-tendency", "bleeding-disorder", "metal-allergy", "autoimmune-skin-disease", NULL
};

static const Ceiling *
find_ceiling (const char *region_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (ceilings); i++)
    if (g_strcmp0 (ceilings[i].region, region_id) == 0)
      return &ceilings[i];
  return NULL;
}

/**
 * nm_safety_region_ceiling:
 *
 * Returns: the deepest any plan may needle @region_id, in mm: 0 for a
 *   region that is never needled, %NM_SAFETY_MAX_MM where §3.1 names none
 */
double
nm_safety_region_ceiling (const char *region_id)
{
  const Ceiling *ceiling = find_ceiling (region_id);

  return ceiling != NULL ? ceiling->ceiling : NM_SAFETY_MAX_MM;
}

/**
 * nm_safety_region_ceiling_sources:
 *
 * Returns: (nullable): the reference keys behind @region_id's ceiling,
 *   %NULL where only the device's limit applies
 */
const char *
nm_safety_region_ceiling_sources (const char *region_id)
{
  const Ceiling *ceiling = find_ceiling (region_id);

  return ceiling != NULL ? ceiling->sources : NULL;
}

/* Skin types IV–VI. An unknown type (0) counts as dark: the careful side. */
gboolean
nm_safety_skin_is_dark (guint fitzpatrick)
{
  return fitzpatrick == 0 || fitzpatrick >= NM_SAFETY_DARK_SKIN_MIN;
}

/* Skin series at least 3 weeks apart, scalp series at least 1 (spec
 * §3.1). Which is which goes by where the needle goes, not by the name of
 * a protocol's schedule: a series that needles any skin other than the
 * scalp is a skin series. */
guint
nm_safety_min_interval_weeks_for_region (const char *region_id)
{
  return g_str_has_prefix (region_id != NULL ? region_id : "", "scalp-") ? 1 : 3;
}

/* The same for a protocol's indication: hair loss is treated on the scalp,
 * everything else on skin. */
guint
nm_safety_min_interval_weeks_for_kind (const char *kind_id)
{
  return nm_vocab_kind_category (kind_id) == NM_CATEGORY_HAIR ? 1 : 3;
}

/* The twelve items of spec §1.4 whose class is absolute, for good. */
gboolean
nm_safety_item_is_absolute (const char *item_id)
{
  int index = nm_vocab_screening_index (item_id);

  return index >= 0 && nm_vocab_screening (index)->default_class == NM_SCREENING_ABSOLUTE;
}

/* An acne scar of Goodman & Baron grade 1: macular, a change of colour and
 * not of contour; never needled deeper than %NM_SAFETY_MACULAR_SCAR_MAX_MM. */
gboolean
nm_safety_is_macular_scar (const char *kind_id,
                           guint       severity)
{
  return g_str_has_prefix (kind_id != NULL ? kind_id : "", "acne-scar-") && severity <= 1;
}

gboolean
nm_safety_block_is_lifelong (const char *id)
{
  return id != NULL && g_strv_contains (lifelong_ids, id);
}

gboolean
nm_safety_region_is_face (const char *region_id)
{
  return region_id != NULL && g_strv_contains (face_regions, region_id);
}

gboolean
nm_safety_region_is_perioral (const char *region_id)
{
  return region_id != NULL && g_strv_contains (perioral_regions, region_id);
}
