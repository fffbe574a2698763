/* nm-render-map.c: the anatomical map, its findings and its depth layer
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

#include "nm-atlas.h"
#include "nm-finding.h"
#include "nm-render-map.h"

/* One colour per finding category, from the GNOME palette, chosen to stay
 * apart from each other and from every skin tone. */
static const NmRgba category_colours[NM_N_CATEGORIES] = {
  [NM_CATEGORY_SCAR]    = { 0.569, 0.255, 0.675, 1.0 },  /* purple 3 */
  [NM_CATEGORY_STRIAE]  = { 0.902, 0.380, 0.000, 1.0 },  /* orange 5 */
  [NM_CATEGORY_PIGMENT] = { 0.525, 0.369, 0.235, 1.0 },  /* brown 3 */
  [NM_CATEGORY_AGEING]  = { 0.110, 0.443, 0.847, 1.0 },  /* blue 4 */
  [NM_CATEGORY_TEXTURE] = { 0.149, 0.635, 0.412, 1.0 },  /* green 5 */
  [NM_CATEGORY_HAIR]    = { 0.784, 0.533, 0.000, 1.0 },  /* yellow 5 */
};

/**
 * nm_render_category_colour:
 *
 * Returns: the colour the map uses for findings of @category.
 */
const NmRgba *
nm_render_category_colour (NmCategory category)
{
  g_return_val_if_fail (category < NM_N_CATEGORIES, &category_colours[0]);
  return &category_colours[category];
}

/* Each region with findings takes the colour of its most severe finding,
 * stronger the more severe it is. */
static GHashTable *
findings_fills (NmConsultation *consultation,
                NmView          view,
                GArray         *storage)
{
  GHashTable *fills = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *severity = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = nm_consultation_get_n_findings (consultation);

  g_array_set_size (storage, n);
  for (guint i = 0; i < n; i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);
      const char *region = nm_finding_get_region (finding);
      guint sev = nm_finding_get_severity (finding);
      NmRgba *colour = &g_array_index (storage, NmRgba, i);

      if (!nm_vocab_region_in_view (region, view))
        continue;
      if (GPOINTER_TO_UINT (g_hash_table_lookup (severity, region)) >= sev)
        continue;

      *colour = category_colours[nm_vocab_kind_category (nm_finding_get_kind (finding))];
      colour->alpha = 0.30 + 0.15 * (sev - 1);
      g_hash_table_insert (severity, (gpointer) region, GUINT_TO_POINTER (sev));
      g_hash_table_insert (fills, (gpointer) region, colour);
    }

  g_hash_table_unref (severity);
  return fills;
}

void
nm_render_map (cairo_t          *cr,
               const NmMapStyle *style,
               double            width,
               double            height)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(GHashTable) fills = NULL;
  g_autoptr(GArray) storage = g_array_new (FALSE, TRUE, sizeof (NmRgba));
  NmAtlasStyle atlas_style;
  guint fitzpatrick = 0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (atlas == NULL || width <= 0 || height <= 0)
    return;

  if (style->consultation != NULL)
    fitzpatrick = nm_consultation_get_fitzpatrick (style->consultation);
  nm_atlas_style_init (&atlas_style, fitzpatrick);

  if (style->consultation != NULL)
    fills = findings_fills (style->consultation, style->view, storage);

  atlas_style.fills = fills;
  atlas_style.hovered = style->hover_region;
  atlas_style.selected = style->selected != NULL ? style->selected[0] : NULL;

  nm_atlas_render (atlas, cr, style->view, width, height, &atlas_style);
}
