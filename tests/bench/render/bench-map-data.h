/* bench-map-data.h: the consultations the map benchmarks draw
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by bench-render.c and bench-map-view.c.
 */

#pragma once

#include <math.h>

#include "nm-atlas.h"
#include "nm-finding.h"

#define OUTLINE_POINTS 12

static const char * const kinds[] = {
  "acne-scar-rolling", "fine-lines", "melasma", "striae-alba", "uneven-texture", "wrinkles",
};

/* A consultation with one finding in every region of @view (so that each
 * gets a depth and a label) and @n_outlines more findings with outlines,
 * spread over the view's regions: small irregular rings round each
 * region's anchor, of the lowest severity. Deterministic; @variant
 * changes the kinds and severities of the per-region findings. */
G_GNUC_UNUSED static NmConsultation *
make_consultation (NmView view,
                   guint  n_outlines,
                   guint  variant)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  const char * const *regions = nm_atlas_regions_in_view (atlas, view);
  NmConsultation *c = nm_consultation_new ();
  guint n_regions = g_strv_length ((char **) regions);
  GRand *rand = g_rand_new_with_seed (42 + view);

  nm_consultation_set_fitzpatrick (c, 3);
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);

  for (guint r = 0; r < n_regions; r++)
    {
      g_autoptr(NmFinding) f = nm_finding_new (regions[r],
                                               kinds[(r + variant) % G_N_ELEMENTS (kinds)],
                                               variant == 0 ? 4 : 1 + r % 3);

      nm_consultation_add_finding (c, f);
    }

  for (guint i = 0; i < n_outlines; i++)
    {
      const char *region = regions[i % n_regions];
      g_autoptr(NmFinding) f = nm_finding_new (region, kinds[i % G_N_ELEMENTS (kinds)], 1);
      NmPoint points[OUTLINE_POINTS];
      double ax, ay, radius;

      nm_atlas_region_anchor (atlas, view, region, 1000, 1000, &ax, &ay);
      radius = g_rand_double_range (rand, 4, 14);
      ax += g_rand_double_range (rand, -10, 10);
      ay += g_rand_double_range (rand, -10, 10);
      for (guint p = 0; p < OUTLINE_POINTS; p++)
        {
          double a = 2 * G_PI * p / OUTLINE_POINTS;
          double rr = radius * g_rand_double_range (rand, 0.7, 1.3);

          nm_atlas_widget_to_view (atlas, view, 1000, 1000,
                                   ax + rr * cos (a), ay + rr * sin (a),
                                   &points[p].x, &points[p].y);
        }
      nm_finding_set_outline (f, nm_view_id (view), points, OUTLINE_POINTS);
      nm_consultation_add_finding (c, f);
    }

  g_rand_free (rand);
  return c;
}

