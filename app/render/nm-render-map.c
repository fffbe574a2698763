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

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "nm-render-style.h"
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

/* ------------------------------------------------------------ depth scale */

/* The depth scale: pale yellow through green and teal to deep indigo, one
 * stop every 0.5 mm. Lightness (CIE L*) falls from about 93 to about 25,
 * so the scale reads in greyscale print and for every kind of colour
 * vision; between stops the colour is interpolated in CIE L*a*b*, so L*
 * falls strictly and evenly within each step. */
static const guint32 depth_stops[] = {
  0xf9ec98,  /* 0.0 mm */
  0xacd883,  /* 0.5 mm */
  0x62bd8a,  /* 1.0 mm */
  0x23978f,  /* 1.5 mm */
  0x2a6b8e,  /* 2.0 mm */
  0x34327c,  /* 2.5 mm */
};

/* sRGB (D65) ↔ CIE L*a*b* */
static const double white_x = 0.95047, white_z = 1.08883;

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
linear_to_srgb (double c)
{
  c = CLAMP (c, 0.0, 1.0);
  return c <= 0.0031308 ? c * 12.92 : 1.055 * pow (c, 1 / 2.4) - 0.055;
}

static double
lab_f (double t)
{
  return t > 216.0 / 24389.0 ? cbrt (t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

static double
lab_f_inv (double t)
{
  return t * t * t > 216.0 / 24389.0 ? t * t * t : (116.0 * t - 16.0) * 27.0 / 24389.0;
}

static void
rgb_to_lab (guint32 rgb,
            double  lab[3])
{
  double r = srgb_to_linear (((rgb >> 16) & 0xff) / 255.0);
  double g = srgb_to_linear (((rgb >> 8) & 0xff) / 255.0);
  double b = srgb_to_linear ((rgb & 0xff) / 255.0);
  double x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  double z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
  double fx = lab_f (x / white_x), fy = lab_f (y), fz = lab_f (z / white_z);

  lab[0] = 116.0 * fy - 16.0;
  lab[1] = 500.0 * (fx - fy);
  lab[2] = 200.0 * (fy - fz);
}

static void
lab_to_rgba (const double  lab[3],
             NmRgba       *out)
{
  double fy = (lab[0] + 16.0) / 116.0;
  double fx = fy + lab[1] / 500.0;
  double fz = fy - lab[2] / 200.0;
  double x = white_x * lab_f_inv (fx);
  double y = lab_f_inv (fy);
  double z = white_z * lab_f_inv (fz);

  out->red = linear_to_srgb (3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
  out->green = linear_to_srgb (-0.9692660 * x + 1.8760108 * y + 0.0415560 * z);
  out->blue = linear_to_srgb (0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
  out->alpha = 1.0;
}

/**
 * nm_render_depth_colour:
 * @mm: a needle depth in millimetres (clamped to 0–2.5)
 * @out: (out): the colour of that depth on the map and in its legend
 *
 * The colour scale of the depth map: lighter is shallower, darker deeper.
 */
void
nm_render_depth_colour (double  mm,
                        NmRgba *out)
{
  const guint n = G_N_ELEMENTS (depth_stops);
  double pos, t, a[3], b[3], lab[3];
  guint i;

  g_return_if_fail (out != NULL);

  if (isnan (mm))
    mm = 0;
  pos = CLAMP (mm, 0.0, NM_RENDER_DEPTH_SCALE_MAX_MM) / NM_RENDER_DEPTH_SCALE_MAX_MM * (n - 1);
  i = MIN ((guint) floor (pos), n - 2);
  t = pos - i;

  rgb_to_lab (depth_stops[i], a);
  rgb_to_lab (depth_stops[i + 1], b);
  for (guint c = 0; c < 3; c++)
    lab[c] = a[c] + (b[c] - a[c]) * t;
  lab_to_rgba (lab, out);
}

/**
 * nm_render_depth_text:
 *
 * The label of a depth range as the map shows it: "1.0–1.5 mm", or
 * "1.0 mm" when both ends are equal, with the locale's decimal separator.
 *
 * Returns: (transfer full): the text
 */
char *
nm_render_depth_text (double min_mm,
                      double max_mm)
{
  g_autofree char *lo = nm_format_mm_display (min_mm);
  g_autofree char *hi = nm_format_mm_display (max_mm);

  /* U+2013 EN DASH between the ends of a range, U+00A0 before the unit. */
  if (g_str_equal (lo, hi))
    return g_strdup_printf ("%s\u00a0mm", hi);
  return g_strdup_printf ("%s\u2013%s\u00a0mm", lo, hi);
}

/* --------------------------------------------------------------- outlines */

/* A closed (or open) Catmull-Rom spline through the points, as cubic
 * Béziers: the tangent at each point is parallel to the chord between its
 * neighbours, so the curve passes through every point smoothly. */
static void
spline_path (cairo_t       *cr,
             const NmPoint *p,
             guint          n,
             gboolean       closed)
{
  if (n == 0)
    return;

  cairo_move_to (cr, p[0].x, p[0].y);
  if (n == 1)
    return;
  if (n == 2)
    {
      cairo_line_to (cr, p[1].x, p[1].y);
      if (closed)
        cairo_close_path (cr);
      return;
    }

  for (guint i = 0; i < (closed ? n : n - 1); i++)
    {
      guint i0 = closed ? (i + n - 1) % n : (i == 0 ? 0 : i - 1);
      guint i1 = i;
      guint i2 = closed ? (i + 1) % n : i + 1;
      guint i3 = closed ? (i + 2) % n : MIN (i + 2, n - 1);

      cairo_curve_to (cr,
                      p[i1].x + (p[i2].x - p[i0].x) / 6.0,
                      p[i1].y + (p[i2].y - p[i0].y) / 6.0,
                      p[i2].x - (p[i3].x - p[i1].x) / 6.0,
                      p[i2].y - (p[i3].y - p[i1].y) / 6.0,
                      p[i2].x, p[i2].y);
    }
  if (closed)
    cairo_close_path (cr);
}

/**
 * nm_render_outline:
 * @view: the view the points are normalised to
 * @width: the map's rectangle (as given to nm_render_map())
 * @height: the map's rectangle
 * @points: (array length=n_points): points, 0–1 across the view
 * @colour: the stroke colour; the fill is a faint wash of it
 * @closed: %FALSE while the outline is still being drawn
 *
 * Draws a lesion outline as the map does: a smooth curve through the
 * points, with a light halo under the stroke so it reads on any fill.
 */
void
nm_render_outline (cairo_t       *cr,
                   NmView         view,
                   double         width,
                   double         height,
                   const NmPoint *points,
                   guint          n_points,
                   const NmRgba  *colour,
                   gboolean       closed)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autofree NmPoint *p = NULL;
  cairo_matrix_t m;
  double line;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (colour != NULL);

  if (n_points == 0 || points == NULL || width <= 0 || height <= 0)
    return;

  nm_atlas_fit (atlas, view, width, height, &m);
  line = CLAMP (m.xx * 1.3, 1.5, 5.0);

  p = g_new (NmPoint, n_points);
  for (guint i = 0; i < n_points; i++)
    nm_atlas_view_to_widget (atlas, view, width, height,
                             points[i].x, points[i].y, &p[i].x, &p[i].y);

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_new_path (cr);
  spline_path (cr, p, n_points, closed && n_points > 2);

  if (closed && n_points > 2)
    {
      cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, 0.22);
      cairo_fill_preserve (cr);
    }
  cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
  cairo_set_line_width (cr, line * 2.2);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, 1.0);
  cairo_set_line_width (cr, line);
  if (n_points == 1)
    {
      cairo_new_path (cr);
      cairo_arc (cr, p[0].x, p[0].y, line, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else
    cairo_stroke (cr);
  cairo_restore (cr);
}

/* How the depth layer fills an outlined finding. */
typedef enum
{
  OUTLINE_WASH,        /* a faint wash of its category's colour */
  OUTLINE_DEPTH,       /* opaque, in the colour of its own depth */
  OUTLINE_HATCH        /* hatched: the finding itself is not needled */
} OutlineFill;

/* In the depth layer, an outlined finding of a treated region is filled
 * with the colour of its own depth (finding_depths, spec §3), which for a
 * shallower finding is not the region's: melasma at 0.5 mm inside a cheek
 * at 1.5 mm reads lighter, that is shallower. */
static OutlineFill
outline_fill (const NmMapStyle *style,
              NmFinding        *finding,
              double           *mm)
{
  const NmPlanRegion *region;
  const NmPlanFindingDepth *depth;

  *mm = 0;
  if (style->layer != NM_MAP_LAYER_DEPTH || style->plan == NULL
      || nm_plan_get_status (style->plan) == NM_PLAN_BLOCKED)
    return OUTLINE_WASH;
  region = nm_plan_lookup_region (style->plan, nm_finding_get_region (finding));
  if (region == NULL || !region->treat)
    return OUTLINE_WASH;   /* the region is hatched already */
  depth = nm_plan_region_lookup_finding (region, nm_finding_get_kind (finding));
  if (depth == NULL)
    return OUTLINE_WASH;
  {
    double min_mm, max_mm;

    /* the finding's own depth: a macular scar stays shallow even where a
     * worse scar of its kind sets the kind's depth */
    if (!nm_plan_depth_for_finding (region, nm_finding_get_kind (finding), nm_finding_get_severity (finding),
                                    &min_mm, &max_mm))
      return OUTLINE_HATCH;
    *mm = (min_mm + max_mm) / 2;
  }
  return OUTLINE_DEPTH;
}

/* Appends the finding's outline, a closed ring of three points or more
 * drawn on @view, to the current path, turned the same way round as every
 * other (so that overlapping fills merge instead of cancelling). */
static gboolean
append_ring (cairo_t    *cr,
             NmAtlas    *atlas,
             NmView      view,
             double      width,
             double      height,
             NmFinding  *finding,
             GArray     *ring)
{
  const NmPoint *points;
  guint n_points = 0;
  double area = 0;

  if (g_strcmp0 (nm_finding_get_view (finding), nm_view_id (view)) != 0)
    return FALSE;
  points = nm_finding_get_outline (finding, &n_points);
  if (points == NULL || n_points < 3)
    return FALSE;

  g_array_set_size (ring, n_points);
  for (guint k = 0; k < n_points; k++)
    {
      NmPoint *p = &g_array_index (ring, NmPoint, k);

      nm_atlas_view_to_widget (atlas, view, width, height, points[k].x, points[k].y, &p->x, &p->y);
    }
  for (guint k = 0; k < n_points; k++)
    {
      const NmPoint *p = &g_array_index (ring, NmPoint, k);
      const NmPoint *q = &g_array_index (ring, NmPoint, (k + 1) % n_points);

      area += p->x * q->y - q->x * p->y;
    }
  if (area < 0)
    for (guint k = 0; k < n_points / 2; k++)
      {
        NmPoint t = g_array_index (ring, NmPoint, k);

        g_array_index (ring, NmPoint, k) = g_array_index (ring, NmPoint, n_points - 1 - k);
        g_array_index (ring, NmPoint, n_points - 1 - k) = t;
      }
  spline_path (cr, (const NmPoint *) ring->data, n_points, TRUE);
  return TRUE;
}

typedef struct
{
  guint       index;       /* of the finding */
  OutlineFill fill;
  double      mm;
  int         region;      /* vocabulary index of the finding's region */
} FilledOutline;

/* Deeper first, so that where two outlines overlap the shallower depth,
 * the one to keep to there, is on top; hatching last of all; within one
 * depth, region by region (each is clipped to its own). */
static int
compare_filled (gconstpointer a,
                gconstpointer b)
{
  const FilledOutline *x = a, *y = b;

  if (x->fill != y->fill)
    return x->fill < y->fill ? -1 : 1;
  if (x->mm != y->mm)
    return x->mm > y->mm ? -1 : 1;
  if (x->region != y->region)
    return x->region < y->region ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Fills the current path, outlines of one depth: in the depth's colour,
 * or hatched when not needled. Leaves the clip changed: call inside a
 * save/restore. */
static void
fill_outlines (cairo_t              *cr,
               const FilledOutline  *first,
               const cairo_matrix_t *m)
{
  if (first->fill == OUTLINE_DEPTH)
    {
      NmRgba colour;

      nm_render_depth_colour (first->mm, &colour);
      cairo_set_source_rgb (cr, colour.red, colour.green, colour.blue);
      cairo_fill (cr);
    }
  else
    {
      double x0, y0, x1, y1;

      cairo_path_extents (cr, &x0, &y0, &x1, &y1);
      cairo_clip (cr);
      nm_atlas_paint_hatch (cr, x0, y0, x1 - x0, y1 - y0, CLAMP (m->xx * 4.0, 3.0, 14.0));
    }
}

/* Whether every point of the outlines filled[from..to) lies in @region. */
static gboolean
group_stays_inside (NmAtlas        *atlas,
                    NmView          view,
                    double          width,
                    double          height,
                    NmConsultation *consultation,
                    GArray         *filled,
                    guint           from,
                    guint           to,
                    const char     *region)
{
  const char *interned = g_intern_string (region);

  for (guint k = from; k < to; k++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation,
                                                        g_array_index (filled, FilledOutline, k).index);
      const NmPoint *points;
      guint n_points = 0;

      if (g_strcmp0 (nm_finding_get_view (finding), nm_view_id (view)) != 0)
        continue;
      points = nm_finding_get_outline (finding, &n_points);
      for (guint p = 0; p < n_points; p++)
        {
          double x, y;

          nm_atlas_view_to_widget (atlas, view, width, height, points[p].x, points[p].y, &x, &y);
          if (nm_atlas_region_at (atlas, view, width, height, x, y) != interned)
            return FALSE;
        }
    }
  return TRUE;
}

/* The insides of the outlines: a wash of the category's colour, or in the
 * depth layer the colour of the finding's own depth (or hatching), one
 * path per colour. An overlay of its own under the edges, so that an edit
 * of the depths fills the outlines again without stroking them again. */
static void
draw_outline_fills (cairo_t          *cr,
                    const NmMapStyle *style,
                    double            width,
                    double            height)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  NmConsultation *consultation = style->consultation;
  NmView view = style->view;
  guint n = nm_consultation_get_n_findings (consultation);
  g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (NmPoint));
  g_autoptr(GArray) filled = g_array_new (FALSE, FALSE, sizeof (FilledOutline));
  g_autofree OutlineFill *fills = g_new0 (OutlineFill, n + 1);
  cairo_matrix_t m;

  nm_atlas_fit (atlas, view, width, height, &m);

  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);

  for (guint i = 0; i < n; i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);
      FilledOutline f = { i, OUTLINE_WASH, 0, nm_vocab_region_index (nm_finding_get_region (finding)) };

      f.fill = fills[i] = outline_fill (style, finding, &f.mm);
      if (f.fill != OUTLINE_WASH)
        g_array_append_val (filled, f);
    }

  /* the washes, one path per category */
  for (NmCategory category = 0; category < NM_N_CATEGORIES; category++)
    {
      const NmRgba *colour = &category_colours[category];
      gboolean any = FALSE;

      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        {
          NmFinding *finding = nm_consultation_get_finding (consultation, i);

          if (fills[i] == OUTLINE_WASH
              && nm_vocab_kind_category (nm_finding_get_kind (finding)) == category)
            any |= append_ring (cr, atlas, view, width, height, finding, ring);
        }
      if (any)
        {
          cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, 0.22);
          cairo_fill (cr);
        }
    }

  /* the depths, one path per depth and region, and the hatching; each
   * kept inside its own region, so that a stroke that strays over the eye
   * never shows a depth there (the outline is the practitioner's drawing,
   * the depth is the region's plan) */
  g_array_sort (filled, compare_filled);
  for (guint i = 0; i < filled->len;)
    {
      const FilledOutline *first = &g_array_index (filled, FilledOutline, i);
      const char *region = nm_vocab_region ((guint) first->region)->id;
      cairo_pattern_t *inside;
      gboolean any = FALSE;
      guint j;

      for (j = i; j < filled->len; j++)
        {
          const FilledOutline *f = &g_array_index (filled, FilledOutline, j);

          if (f->fill != first->fill || f->mm != first->mm || f->region != first->region)
            break;
        }
      /* groups as small as the region: unbounded ones have no ink on a
       * recording surface, which is how the map's layers are measured */
      cairo_save (cr);
      {
        double bx, by, bw, bh;

        if (nm_atlas_region_bounds (atlas, view, region, width, height, &bx, &by, &bw, &bh))
          {
            cairo_rectangle (cr, bx - 2, by - 2, bw + 4, bh + 4);
            cairo_clip (cr);
          }
      }
      /* the mask costs a rendering of the region: only for outlines that
       * stray out of it (every point is looked up in the pick buffer); an
       * outline on a view without its region shows no depth at all */
      if (nm_atlas_view_has_region (atlas, view, region))
        {
          inside = group_stays_inside (atlas, view, width, height, consultation, filled, i, j, region)
                   ? NULL : nm_atlas_region_mask (atlas, cr, view, region, width, height);
          /* with a mask, the path is made inside the group, in its space */
          if (inside != NULL)
            cairo_push_group (cr);
          cairo_new_path (cr);
          for (guint k = i; k < j; k++)
            any |= append_ring (cr, atlas, view, width, height,
                                nm_consultation_get_finding (consultation,
                                                             g_array_index (filled, FilledOutline, k).index),
                                ring);
          if (any)
            fill_outlines (cr, first, &m);
          if (inside != NULL)
            {
              cairo_pop_group_to_source (cr);
              cairo_mask (cr, inside);
              cairo_pattern_destroy (inside);
            }
        }
      cairo_restore (cr);
      cairo_new_path (cr);
      i = j;
    }

  cairo_restore (cr);
}

/* The edges of the outlines, batched: two strokes per category rather
 * than per outline, which keeps a thousand outlines cheap. In the
 * category's colour over a light halo, they read on any fill. */
static void
draw_outlines (cairo_t          *cr,
               const NmMapStyle *style,
               double            width,
               double            height)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  NmConsultation *consultation = style->consultation;
  NmView view = style->view;
  const char *view_id = nm_view_id (view);
  guint n = nm_consultation_get_n_findings (consultation);
  g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (NmPoint));
  cairo_matrix_t m;
  double line;

  nm_atlas_fit (atlas, view, width, height, &m);
  line = CLAMP (m.xx * 1.3, 1.5, 5.0);

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (NmCategory category = 0; category < NM_N_CATEGORIES; category++)
    {
      const NmRgba *colour = &category_colours[category];
      gboolean any = FALSE, any_short = FALSE;

      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        {
          NmFinding *finding = nm_consultation_get_finding (consultation, i);
          const NmPoint *points;
          guint n_points = 0;

          if (g_strcmp0 (nm_finding_get_view (finding), view_id) != 0
              || nm_vocab_kind_category (nm_finding_get_kind (finding)) != category)
            continue;
          points = nm_finding_get_outline (finding, &n_points);
          if (points == NULL || n_points == 0)
            continue;
          if (n_points < 3)
            {
              any_short = TRUE;
              continue;
            }
          any |= append_ring (cr, atlas, view, width, height, finding, ring);
        }

      if (any)
        {
          cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
          cairo_set_line_width (cr, line * 2.2);
          cairo_stroke_preserve (cr);
          cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, 1.0);
          cairo_set_line_width (cr, line);
          cairo_stroke (cr);
        }

      /* a dot or a stroke: each on its own, after the batch (it makes a
       * path of its own, which would drop the batch's) */
      for (guint i = 0; any_short && i < n; i++)
        {
          NmFinding *finding = nm_consultation_get_finding (consultation, i);
          const NmPoint *points;
          guint n_points = 0;

          if (g_strcmp0 (nm_finding_get_view (finding), view_id) != 0
              || nm_vocab_kind_category (nm_finding_get_kind (finding)) != category)
            continue;
          points = nm_finding_get_outline (finding, &n_points);
          if (points != NULL && n_points > 0 && n_points < 3)
            nm_render_outline (cr, view, width, height, points, n_points, colour, TRUE);
        }
    }

  cairo_restore (cr);
}

/* ----------------------------------------------------------------- labels */

typedef struct
{
  const char  *region;
  char        *text;
  PangoLayout *layout;
  double       tw, th;           /* text size at full scale */
  double      ax, ay;          /* anchor */
  double      bw, bh;          /* region bounds size */
  double      x, y, w, h;      /* placed pill */
  double      scale;           /* font scale for a small region */
  gboolean    leader;
} Label;

static void
label_clear (gpointer data)
{
  Label *label = data;

  g_free (label->text);
  g_clear_object (&label->layout);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* One Pango context per drawing, with metrics independent of the
 * target's resolution, so that the same text has the same size on screen,
 * in a PNG and in a PDF. */
static PangoContext *
make_context (cairo_t *cr)
{
  PangoContext *context = pango_cairo_create_context (cr);
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  return context;
}

static PangoLayout *
make_layout (PangoContext *context,
             const char   *text,
             double        px,
             gboolean      bold)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_from_string (NM_RENDER_FONT_FAMILY);

  pango_font_description_set_absolute_size (font, MAX (px, 1.0) * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *w,
             double      *h)
{
  PangoRectangle ink, logical;

  pango_layout_get_extents (layout, &ink, &logical);
  *w = (double) logical.width / PANGO_SCALE;
  *h = (double) logical.height / PANGO_SCALE;
}

static gboolean
overlaps (const Label *a,
          const Label *b,
          double       gap)
{
  return a->x < b->x + b->w + gap && b->x < a->x + a->w + gap
         && a->y < b->y + b->h + gap && b->y < a->y + a->h + gap;
}

/* Labels stay within the view's box (with the margin the raster cache
 * keeps, see nm_atlas_render()) and within the map's rectangle. */
typedef struct
{
  double x0, y0, x1, y1;
} Box;

static gboolean
fits (const Label *label,
      GArray      *placed,
      const Box   *box,
      double       gap)
{
  if (label->x < box->x0 || label->y < box->y0 || label->x + label->w > box->x1
      || label->y + label->h > box->y1)
    return FALSE;
  for (guint i = 0; i < placed->len; i++)
    if (overlaps (label, g_array_index (placed, Label *, i), gap))
      return FALSE;
  return TRUE;
}

static int
compare_labels (gconstpointer a,
                gconstpointer b)
{
  const Label *la = a, *lb = b;
  double area_a = la->bw * la->bh, area_b = lb->bw * lb->bh;

  if (area_a != area_b)
    return area_a < area_b ? -1 : 1;
  return strcmp (la->region, lb->region);
}

/* The pills are laid out first, then drawn: each label sits on its
 * region's anchor when it fits; when it would cover a label placed before
 * it (small regions go first), it moves outwards along eight directions
 * and a leader line joins it to its anchor. A label wider than its region
 * is drawn smaller, down to 75 %. */
static void
place_labels (PangoContext *context,
              GArray       *labels,
              double        font_px,
              const Box    *box)
{
  static const double dirs[8][2] = {
    { 0, -1 }, { 0, 1 }, { 1, 0 }, { -1, 0 },
    { 0.7071, -0.7071 }, { -0.7071, -0.7071 }, { 0.7071, 0.7071 }, { -0.7071, 0.7071 },
  };
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (Label *));
  double pad_x = font_px * 0.45, pad_y = font_px * 0.18;
  double gap = font_px * 0.15;

  g_array_sort (labels, compare_labels);

  for (guint i = 0; i < labels->len; i++)
    {
      Label *label = &g_array_index (labels, Label, i);
      double tw, th;
      gboolean done = FALSE;

      label->layout = make_layout (context, label->text, font_px, TRUE);
      layout_size (label->layout, &label->tw, &label->th);
      tw = label->tw;
      th = label->th;
      label->scale = 1.0;
      if (tw + 2 * pad_x > label->bw * 0.95)
        label->scale = CLAMP (label->bw * 0.95 / (tw + 2 * pad_x), 0.75, 1.0);
      label->w = (tw + 2 * pad_x) * label->scale;
      label->h = (th + 2 * pad_y) * label->scale;
      label->x = label->ax - label->w / 2;
      label->y = label->ay - label->h / 2;
      label->leader = FALSE;

      if (fits (label, placed, box, gap))
        done = TRUE;

      for (guint step = 1; !done && step <= 8; step++)
        for (guint d = 0; !done && d < G_N_ELEMENTS (dirs); d++)
          {
            double dist = step * label->h * 0.75;

            label->x = label->ax + dirs[d][0] * (dist + label->w / 2) - label->w / 2;
            label->y = label->ay + dirs[d][1] * dist - label->h / 2;
            if (fits (label, placed, box, gap))
              {
                done = TRUE;
                /* A short move that leaves the pill over its anchor needs
                 * no leader. */
                label->leader = !(label->ax >= label->x && label->ax <= label->x + label->w
                                  && label->ay >= label->y && label->ay <= label->y + label->h);
              }
          }

      if (!done)
        {
          /* Crowded beyond help: keep the anchor, the pills overlap. */
          label->x = CLAMP (label->ax - label->w / 2, box->x0, MAX (box->x1 - label->w, box->x0));
          label->y = CLAMP (label->ay - label->h / 2, box->y0, MAX (box->y1 - label->h, box->y0));
        }
      g_array_append_val (placed, label);
    }
}

/* The band of @width centred on the pill's edge, for an even-odd fill. */
static void
pill_ring (cairo_t     *cr,
           const Label *label,
           double       width)
{
  double d = width / 2;
  double r = label->h / 2;

  cairo_new_path (cr);
  rounded_rect (cr, label->x - d, label->y - d, label->w + width, label->h + width, r + d);
  if (label->w > width && label->h > width)
    rounded_rect (cr, label->x + d, label->y + d, label->w - width, label->h - width, r - d);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
}

static void
draw_label (cairo_t     *cr,
            const Label *label,
            double       font_px,
            gboolean     dark)
{
  double r = label->h / 2;
  double fg = dark ? 1.0 : 0.12;
  double bg = dark ? 0.14 : 1.0;

  cairo_save (cr);

  if (label->leader)
    {
      double lx = CLAMP (label->ax, label->x + r, label->x + label->w - r);
      double ly = CLAMP (label->ay, label->y, label->y + label->h);

      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_move_to (cr, label->ax, label->ay);
      cairo_line_to (cr, lx, ly);
      cairo_set_source_rgba (cr, bg, bg, bg, 0.85);
      cairo_set_line_width (cr, MAX (font_px * 0.22, 2.0));
      cairo_stroke (cr);
      cairo_move_to (cr, label->ax, label->ay);
      cairo_line_to (cr, lx, ly);
      cairo_set_source_rgba (cr, fg, fg, fg, 0.9);
      cairo_set_line_width (cr, MAX (font_px * 0.08, 1.0));
      cairo_stroke (cr);
      cairo_arc (cr, label->ax, label->ay, MAX (font_px * 0.16, 1.5), 0, 2 * G_PI);
      cairo_set_source_rgba (cr, bg, bg, bg, 1.0);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, fg, fg, fg, 1.0);
      cairo_set_line_width (cr, MAX (font_px * 0.07, 0.8));
      cairo_stroke (cr);
    }

  /* The halo: a soft wider ring, then the pill with a hairline edge. The
   * rings are filled between two capsules rather than stroked: the same
   * shape, at a fraction of the cost of stroking the arcs. */
  pill_ring (cr, label, MAX (font_px * 0.25, 1.5));
  cairo_set_source_rgba (cr, bg, bg, bg, 0.35);
  cairo_fill (cr);
  rounded_rect (cr, label->x, label->y, label->w, label->h, r);
  cairo_set_source_rgba (cr, bg, bg, bg, 0.93);
  cairo_fill (cr);
  pill_ring (cr, label, MAX (font_px * 0.06, 0.6));
  cairo_set_source_rgba (cr, fg, fg, fg, 0.35);
  cairo_fill (cr);

  /* A label shrunk for a small region is the same layout, scaled. */
  cairo_translate (cr, label->x + (label->w - label->tw * label->scale) / 2,
                   label->y + (label->h - label->th * label->scale) / 2);
  cairo_scale (cr, label->scale, label->scale);
  cairo_move_to (cr, 0, 0);
  cairo_set_source_rgba (cr, fg, fg, fg, 1.0);
  pango_cairo_show_layout (cr, label->layout);

  cairo_restore (cr);
}

/* ------------------------------------------------------------------ fills */

/* Findings layer: each region with findings takes the colour of its most
 * severe finding, stronger the more severe it is. */
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

/* Depth layer: each treated region in the colour of the middle of its
 * range, opaque, so that the map and the legend show the same colour. */
static GHashTable *
depth_fills (NmPlan  *plan,
             NmView   view,
             GArray  *storage)
{
  GHashTable *fills = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = nm_plan_get_n_regions (plan);

  if (nm_plan_get_status (plan) == NM_PLAN_BLOCKED)
    return fills;

  g_array_set_size (storage, n);
  for (guint i = 0; i < n; i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      NmRgba *colour = &g_array_index (storage, NmRgba, i);

      if (!region->treat || !nm_vocab_region_in_view (region->region, view))
        continue;
      nm_render_depth_colour ((region->min_mm + region->max_mm) / 2, colour);
      g_hash_table_insert (fills, region->region, colour);
    }

  return fills;
}

/* The regions that are stippled and outlined in the findings layer: those
 * with a pigment finding, whose colour is close to the skin's on darker
 * tones (melasma on type IV skin), whatever colour the region shows. */
static GPtrArray *
marked_regions (NmConsultation *consultation,
                NmView          view)
{
  GPtrArray *regions = g_ptr_array_new ();

  for (guint i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);
      const char *region = nm_finding_get_region (finding);

      if (nm_vocab_kind_category (nm_finding_get_kind (finding)) == NM_CATEGORY_PIGMENT
          && nm_vocab_region_in_view (region, view)
          && !g_ptr_array_find_with_equal_func (regions, region, g_str_equal, NULL))
        g_ptr_array_add (regions, (gpointer) region);
    }
  return regions;
}

/* The regions that are hatched: those the plan will not needle, or, when
 * the whole plan is blocked, every region with a finding. */
static GPtrArray *
hatched_regions (const NmMapStyle *style)
{
  GPtrArray *regions = g_ptr_array_new ();

  if (style->plan == NULL)
    return regions;

  if (nm_plan_get_status (style->plan) == NM_PLAN_BLOCKED)
    {
      for (guint i = 0; i < nm_vocab_n_regions (); i++)
        {
          const char *id = nm_vocab_region (i)->id;
          gboolean found = nm_plan_lookup_region (style->plan, id) != NULL;

          for (guint f = 0; !found && style->consultation != NULL
                            && f < nm_consultation_get_n_findings (style->consultation); f++)
            found = g_strcmp0 (nm_finding_get_region (nm_consultation_get_finding (style->consultation, f)),
                               id) == 0;
          if (found && nm_vocab_region_in_view (id, style->view))
            g_ptr_array_add (regions, (gpointer) id);
        }
      return regions;
    }

  for (guint i = 0; i < nm_plan_get_n_regions (style->plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (style->plan, i);

      if (!region->treat && nm_vocab_region_in_view (region->region, style->view))
        g_ptr_array_add (regions, region->region);
    }
  return regions;
}

static double
label_font_px (NmAtlas *atlas,
               NmView   view,
               double   width,
               double   height)
{
  cairo_matrix_t m;
  double vw, vh;

  nm_atlas_fit (atlas, view, width, height, &m);
  nm_atlas_view_size (atlas, view, &vw, &vh);
  /* About 1/36 of the drawn view's diagonal mean, within reason. */
  return CLAMP (sqrt (vw * m.xx * vh * m.yy) / 36.0, 7.0, 30.0);
}

static void
draw_depth_labels (cairo_t          *cr,
                   NmAtlas          *atlas,
                   const NmMapStyle *style,
                   double            width,
                   double            height)
{
  g_autoptr(GArray) labels = g_array_new (FALSE, TRUE, sizeof (Label));
  g_autoptr(GObject) context_owner = NULL;  /* Pango 1.50 has no autoptr for it */
  PangoContext *context = NULL;
  double font_px = label_font_px (atlas, style->view, width, height);
  cairo_matrix_t m;
  double vw, vh;
  Box box;

  g_array_set_clear_func (labels, label_clear);

  for (guint i = 0; i < nm_plan_get_n_regions (style->plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (style->plan, i);
      Label label = { 0 };
      double bx, by;

      if (!region->treat || !nm_vocab_region_in_view (region->region, style->view))
        continue;
      if (!nm_atlas_region_anchor (atlas, style->view, region->region, width, height,
                                   &label.ax, &label.ay)
          || !nm_atlas_region_bounds (atlas, style->view, region->region, width, height,
                                      &bx, &by, &label.bw, &label.bh))
        continue;
      label.region = region->region;
      label.text = nm_render_depth_text (region->min_mm, region->max_mm);
      g_array_append_val (labels, label);
    }

  if (labels->len == 0)
    return;
  nm_atlas_fit (atlas, style->view, width, height, &m);
  nm_atlas_view_size (atlas, style->view, &vw, &vh);
  box.x0 = MAX (m.x0 - 6 * m.xx, 1);
  box.y0 = MAX (m.y0 - 6 * m.yy, 1);
  box.x1 = MIN (m.x0 + (vw + 6) * m.xx, width - 1);
  box.y1 = MIN (m.y0 + (vh + 6) * m.yy, height - 1);

  context = make_context (cr);
  context_owner = G_OBJECT (context);
  place_labels (context, labels, font_px, &box);
  for (guint i = 0; i < labels->len; i++)
    draw_label (cr, &g_array_index (labels, Label, i), font_px, style->dark);
}

/* ------------------------------------------------------------------- map */

static gboolean
shows_labels (const NmMapStyle *style)
{
  return style->layer == NM_MAP_LAYER_DEPTH && style->plan != NULL
         && nm_plan_get_status (style->plan) != NM_PLAN_BLOCKED;
}

static void
draw_outline_fills_overlay (cairo_t  *cr,
                            double    width,
                            double    height,
                            gpointer  data)
{
  const NmMapStyle *style = data;

  draw_outline_fills (cr, style, width, height);
}

static void
draw_outlines_overlay (cairo_t  *cr,
                       double    width,
                       double    height,
                       gpointer  data)
{
  const NmMapStyle *style = data;

  draw_outlines (cr, style, width, height);
}

static void
draw_labels_overlay (cairo_t  *cr,
                     double    width,
                     double    height,
                     gpointer  data)
{
  const NmMapStyle *style = data;

  draw_depth_labels (cr, nm_atlas_get_default (), style, width, height);
}

static void
hash_bytes (guint64       *h,
            gconstpointer  data,
            gsize          size)
{
  const guint8 *p = data;

  /* FNV-1a */
  for (gsize i = 0; i < size; i++)
    {
      *h ^= p[i];
      *h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
}

/* Everything an overlay of outlines depends on besides the view and the
 * size: the outlines drawn on this view, their category and points, and
 * for their insides (@fills) how each is filled and with which depth. */
static char *
outlines_key (const NmMapStyle *style,
              gboolean          fills)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  const char *view_id = nm_view_id (style->view);
  guint n_outlines = 0;

  for (guint i = 0; i < nm_consultation_get_n_findings (style->consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (style->consultation, i);
      const NmPoint *points;
      guint n_points = 0;
      guint category;

      if (g_strcmp0 (nm_finding_get_view (finding), view_id) != 0)
        continue;
      points = nm_finding_get_outline (finding, &n_points);
      if (points == NULL || n_points == 0)
        continue;
      category = nm_vocab_kind_category (nm_finding_get_kind (finding));
      hash_bytes (&h, &category, sizeof category);
      if (fills)
        {
          double mm;
          OutlineFill fill = outline_fill (style, finding, &mm);

          hash_bytes (&h, &fill, sizeof fill);
          hash_bytes (&h, &mm, sizeof mm);
        }
      hash_bytes (&h, &n_points, sizeof n_points);
      hash_bytes (&h, points, sizeof (NmPoint) * n_points);
      n_outlines++;
    }

  return g_strdup_printf ("%s:%u:%u:%016" G_GINT64_MODIFIER "x", fills ? "fills" : "outlines",
                          style->view, n_outlines, h);
}

/* The labels: each treated region's range, and the dark style. */
static char *
labels_key (const NmMapStyle *style)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (guint i = 0; i < nm_plan_get_n_regions (style->plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (style->plan, i);

      if (!region->treat)
        continue;
      hash_bytes (&h, region->region, strlen (region->region) + 1);
      hash_bytes (&h, &region->min_mm, sizeof region->min_mm);
      hash_bytes (&h, &region->max_mm, sizeof region->max_mm);
    }

  return g_strdup_printf ("labels:%u:%d:%016" G_GINT64_MODIFIER "x", style->view, !!style->dark, h);
}

/**
 * nm_render_map:
 * @cr: a cairo context; the map is drawn into (0, 0, @width, @height)
 * @style: what to draw
 *
 * Draws one view of the map. The findings layer tints each region with
 * findings by its category; the depth layer colours each treated region by
 * its planned depth (nm_render_depth_colour()) and labels it with its
 * range, and hatches the regions that must not be needled. Lesion outlines
 * drawn on this view are shown in both layers.
 */
void
nm_render_map (cairo_t          *cr,
               const NmMapStyle *style,
               double            width,
               double            height)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(GHashTable) fills = NULL;
  g_autoptr(GArray) storage = g_array_new (FALSE, TRUE, sizeof (NmRgba));
  g_autoptr(GPtrArray) hatched = NULL;
  g_autoptr(GPtrArray) marked = NULL;
  g_autofree char *outline_fills = NULL;
  g_autofree char *outlines = NULL;
  g_autofree char *labels = NULL;
  NmAtlasStyle atlas_style;
  guint fitzpatrick = 0;
  gboolean depth;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (atlas == NULL || width <= 0 || height <= 0 || style->view >= NM_N_VIEWS)
    return;

  depth = style->layer == NM_MAP_LAYER_DEPTH && style->plan != NULL;

  if (style->consultation != NULL)
    fitzpatrick = nm_consultation_get_fitzpatrick (style->consultation);
  nm_atlas_style_init (&atlas_style, fitzpatrick);

  if (depth)
    fills = depth_fills (style->plan, style->view, storage);
  else if (style->consultation != NULL)
    {
      fills = findings_fills (style->consultation, style->view, storage);
      marked = marked_regions (style->consultation, style->view);
      g_ptr_array_add (marked, NULL);
      atlas_style.marked = (const char * const *) marked->pdata;
    }

  if (depth)
    {
      hatched = hatched_regions (style);
      g_ptr_array_add (hatched, NULL);
      atlas_style.hatched = (const char * const *) hatched->pdata;
    }
  atlas_style.fills = fills;
  atlas_style.hovered = style->hover_region;
  atlas_style.selected_set = style->selected;
  atlas_style.keep_layers = style->settled;

  /* The outlines' insides, their edges and the labels are drawn by the
   * atlas above its features; on a raster target it keeps each as an
   * image while its key stays the same, so that an edit of the fills or a
   * hover does not stroke every outline again. */
  if (style->consultation != NULL)
    {
      outline_fills = outlines_key (style, TRUE);
      atlas_style.overlays[0] = (NmAtlasOverlay) { draw_outline_fills_overlay, (gpointer) style, outline_fills };
      outlines = outlines_key (style, FALSE);
      atlas_style.overlays[1] = (NmAtlasOverlay) { draw_outlines_overlay, (gpointer) style, outlines };
    }
  if (shows_labels (style))
    {
      labels = labels_key (style);
      atlas_style.overlays[2] = (NmAtlasOverlay) { draw_labels_overlay, (gpointer) style, labels };
    }

  nm_atlas_render (atlas, cr, style->view, width, height, &atlas_style);
}

/**
 * nm_render_map_rescale:
 * @view: the view drawn
 * @from_width: (in): the size a frame of the map was drawn at
 * @to_width: (in): the size it is shown at now
 * @x: (out): where that frame goes at the new size, in the new size's space
 *
 * Where a frame drawn at one size must be placed, scaled, so that the view
 * it shows lies where nm_render_map() would draw it at another size: what
 * a live resize shows until the size settles and the map is drawn again.
 * The scale is uniform, as the view is fitted with its aspect ratio.
 */
void
nm_render_map_rescale (NmView  view,
                       double  from_width,
                       double  from_height,
                       double  to_width,
                       double  to_height,
                       double *x,
                       double *y,
                       double *width,
                       double *height)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  cairo_matrix_t from, to;
  double s;

  if (atlas == NULL || from_width <= 0 || from_height <= 0)
    {
      *x = *y = 0;
      *width = to_width;
      *height = to_height;
      return;
    }
  nm_atlas_fit (atlas, view, from_width, from_height, &from);
  nm_atlas_fit (atlas, view, to_width, to_height, &to);
  s = to.xx / from.xx;
  *x = to.x0 - from.x0 * s;
  *y = to.y0 - from.y0 * s;
  *width = from_width * s;
  *height = from_height * s;
}

/* ----------------------------------------------------------------- legend */

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y,
           double       fg)
{
  cairo_move_to (cr, x, y);
  cairo_set_source_rgb (cr, fg, fg, fg);
  pango_cairo_show_layout (cr, layout);
}

/**
 * nm_render_depth_legend:
 * @cr: a cairo context
 * @x: left edge of the legend's box
 * @y: top edge
 * @width: the box; wider than tall gives a horizontal bar, else vertical
 * @height: the box
 * @dark: draw for a dark background
 *
 * The legend of the depth layer: the colour scale with ticks every 0.5 mm
 * from 0 to 2.5 mm, and the hatching of areas that are not needled. Drawn
 * with vectors only (a gradient with many stops), so it stays sharp in a
 * PDF and shows exactly the colours of nm_render_depth_colour().
 */
void
nm_render_depth_legend (cairo_t  *cr,
                        double    x,
                        double    y,
                        double    width,
                        double    height,
                        gboolean  dark)
{
  g_autoptr(GObject) context_owner = NULL;  /* Pango 1.50 has no autoptr for it */
  PangoContext *context = NULL;
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) hatch_text = NULL;
  cairo_pattern_t *gradient;
  gboolean horizontal = width >= height;
  double fg = dark ? 0.96 : 0.14;
  double font_px, tw, th, hw, hh;
  double bx, by, bw, bh;   /* the bar */
  const guint n_grad = 50;

  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;

  font_px = horizontal ? CLAMP (height * 0.2, 7.0, 22.0) : CLAMP (width * 0.11, 7.0, 22.0);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);

  context = make_context (cr);
  context_owner = G_OBJECT (context);
  /* The words fit the key's width in every language: the type shrinks
   * (to 7 px at the least), then what still does not fit is cut short. */
  for (;;)
    {
      double room_title = width, room_hatch;

      g_clear_object (&title);
      g_clear_object (&hatch_text);
      title = make_layout (context, _("Needle depth"), font_px, TRUE);
      hatch_text = make_layout (context, _("Not needled"), font_px * 0.9, FALSE);
      layout_size (title, &tw, &th);
      layout_size (hatch_text, &hw, &hh);
      room_hatch = horizontal ? width * 0.45
                              : width - font_px * 0.6 - MIN (width * 0.28, font_px * 1.4);
      if ((tw <= room_title && hw <= room_hatch) || font_px <= 7.0)
        {
          pango_layout_set_width (title, (int) (room_title * PANGO_SCALE));
          pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
          pango_layout_set_width (hatch_text, (int) (MAX (room_hatch, 1.0) * PANGO_SCALE));
          pango_layout_set_ellipsize (hatch_text, PANGO_ELLIPSIZE_END);
          layout_size (title, &tw, &th);
          layout_size (hatch_text, &hw, &hh);
          break;
        }
      font_px = MAX (font_px * 0.9, 7.0);
    }
  show_text (cr, title, x, y, fg);

  if (horizontal)
    {
      double swatch = MIN (hh * 1.3, height * 0.35);
      double right = hw + swatch + font_px * 1.6;

      bx = x + font_px * 0.5;
      by = y + th + font_px * 0.35;
      bw = MAX (width - right - font_px * 1.2, width * 0.3);
      bh = MIN (MAX (height - th - 2.2 * font_px, font_px * 0.6), font_px * 1.3);
      gradient = cairo_pattern_create_linear (bx, 0, bx + bw, 0);

      /* The not-needled swatch, right of the bar */
      cairo_save (cr);
      rounded_rect (cr, bx + bw + font_px * 1.2, by, swatch, bh, font_px * 0.15);
      cairo_clip_preserve (cr);
      nm_atlas_paint_hatch (cr, bx + bw + font_px * 1.2, by, swatch, bh, MAX (bh / 4, 3));
      cairo_restore (cr);
      show_text (cr, hatch_text, bx + bw + font_px * 1.2 + swatch + font_px * 0.4,
                 by + (bh - hh) / 2, fg);
    }
  else
    {
      double swatch = MIN (hh * 1.3, width * 0.3);

      bx = x + font_px * 0.2;
      by = y + th + font_px * 0.6;
      bw = MIN (width * 0.28, font_px * 1.4);
      bh = MAX (height - th - font_px * 1.6 - swatch - font_px, height * 0.3);
      gradient = cairo_pattern_create_linear (0, by, 0, by + bh);

      cairo_save (cr);
      rounded_rect (cr, bx, by + bh + font_px * 0.9, bw, swatch, font_px * 0.15);
      cairo_clip_preserve (cr);
      nm_atlas_paint_hatch (cr, bx, by + bh + font_px * 0.9, bw, swatch, MAX (bw / 4, 3));
      cairo_restore (cr);
      show_text (cr, hatch_text, bx + bw + font_px * 0.4,
                 by + bh + font_px * 0.9 + (swatch - hh) / 2, fg);
    }

  for (guint i = 0; i <= n_grad; i++)
    {
      NmRgba c;

      nm_render_depth_colour (NM_RENDER_DEPTH_SCALE_MAX_MM * i / n_grad, &c);
      cairo_pattern_add_color_stop_rgb (gradient, (double) i / n_grad, c.red, c.green, c.blue);
    }
  cairo_rectangle (cr, bx, by, bw, bh);
  cairo_set_source (cr, gradient);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (gradient);
  cairo_set_source_rgba (cr, fg, fg, fg, 0.45);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);

  /* Ticks and their values every 0.5 mm */
  for (guint i = 0; i <= 5; i++)
    {
      double mm = NM_RENDER_DEPTH_SCALE_MAX_MM * i / 5;
      g_autofree char *value = nm_format_mm_display (mm);
      g_autofree char *text = i == 5 ? g_strdup_printf ("%s\u00a0mm", value) : g_strdup (value);
      g_autoptr(PangoLayout) layout = make_layout (context, text, font_px * 0.85, FALSE);
      double lw, lh;

      layout_size (layout, &lw, &lh);
      cairo_set_source_rgba (cr, fg, fg, fg, 0.8);
      cairo_set_line_width (cr, 1.0);
      if (horizontal)
        {
          double tx = bx + bw * i / 5;

          cairo_move_to (cr, tx, by + bh);
          cairo_line_to (cr, tx, by + bh + font_px * 0.3);
          cairo_stroke (cr);
          /* the first value starts at the bar, the last ends with it */
          if (i == 0)
            tx = bx;
          else if (i == 5)
            tx = bx + bw - lw;
          else
            tx -= lw / 2;
          show_text (cr, layout, tx, by + bh + font_px * 0.35, fg);
        }
      else
        {
          double ty = by + bh * i / 5;

          cairo_move_to (cr, bx + bw, ty);
          cairo_line_to (cr, bx + bw + font_px * 0.3, ty);
          cairo_stroke (cr);
          show_text (cr, layout, bx + bw + font_px * 0.45, ty - lh / 2, fg);
        }
    }

  cairo_restore (cr);
}

/* ----------------------------------------------------------------- figure */

/* The depth key over the map: margin from the edges, padding of its box */
#define LEGEND_MARGIN 12.0
#define LEGEND_PAD    6.0

static gboolean
legend_in_band (double  bx,
                double  by,
                double  bw,
                double  bh,
                gboolean horizontal,
                double *x,
                double *y,
                double *w,
                double *h)
{
  double room_w = bw - 2 * LEGEND_MARGIN, room_h = bh - 2 * LEGEND_MARGIN;

  if (horizontal ? room_w < 220 || room_h < 56 : room_w < 100 || room_h < 180)
    return FALSE;
  *w = horizontal ? MIN (340, room_w) : MIN (150, room_w);
  *h = horizontal ? MIN (60, room_h) : MIN (280, room_h);
  *x = bx + LEGEND_MARGIN;
  *y = by + LEGEND_MARGIN;
  return TRUE;
}

/**
 * nm_render_depth_legend_place:
 * @view: the view the map shows
 * @width: the map's rectangle (as given to nm_render_map())
 * @height: the map's rectangle
 * @x: (out): the key's rectangle, for nm_render_depth_legend()
 *
 * Where the depth key goes over the map: in the band the figure leaves
 * free above it or beside it (on its left or right the key stands up), so
 * that neither the key nor its box veils the head or its hair; in the top
 * left corner when there is no such room.
 */
void
nm_render_depth_legend_place (NmView  view,
                              double  width,
                              double  height,
                              double *x,
                              double *y,
                              double *w,
                              double *h)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  double ix, iy, iw, ih;

  g_return_if_fail (x != NULL && y != NULL && w != NULL && h != NULL);

  *x = LEGEND_MARGIN;
  *y = LEGEND_MARGIN;
  *w = MIN (340.0, width - 2 * LEGEND_MARGIN);
  *h = 60.0;
  if (atlas == NULL || view >= NM_N_VIEWS
      || !nm_atlas_view_ink_bounds (atlas, view, width, height, &ix, &iy, &iw, &ih))
    return;

  /* clear of the figure by a few pixels more than the box's padding */
  ix -= 4;
  iy -= 4;
  iw += 8;
  ih += 8;
  if (legend_in_band (0, 0, width, iy, TRUE, x, y, w, h)
      || legend_in_band (0, 0, ix, height, FALSE, x, y, w, h)
      || legend_in_band (ix + iw, 0, width - ix - iw, height, FALSE, x, y, w, h)
      || legend_in_band (0, iy + ih, width, height - iy - ih, TRUE, x, y, w, h))
    return;
  *x = LEGEND_MARGIN;
  *y = LEGEND_MARGIN;
  *w = MIN (340.0, width - 2 * LEGEND_MARGIN);
  *h = 60.0;
}

/**
 * nm_render_map_legend:
 * @cr: the map's cairo context
 * @view: the view the map shows
 * @width: the map's rectangle (as given to nm_render_map())
 * @height: the map's rectangle
 * @dark: for a dark background
 *
 * Draws the depth key over the map on a translucent box, where
 * nm_render_depth_legend_place() puts it.
 */
void
nm_render_map_legend (cairo_t  *cr,
                      NmView    view,
                      double    width,
                      double    height,
                      gboolean  dark)
{
  double x, y, w, h;

  g_return_if_fail (cr != NULL);

  nm_render_depth_legend_place (view, width, height, &x, &y, &w, &h);
  if (w <= 0 || h <= 0)
    return;
  cairo_save (cr);
  if (dark)
    cairo_set_source_rgba (cr, 0.14, 0.14, 0.14, 0.85);
  else
    cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, 0.85);
  cairo_rectangle (cr, x - LEGEND_PAD, y - LEGEND_PAD, w + 2 * LEGEND_PAD, h + 2 * LEGEND_PAD);
  cairo_fill (cr);
  cairo_restore (cr);
  nm_render_depth_legend (cr, x, y, w, h, dark);
}

/**
 * nm_render_depth_figure:
 * @cr: a cairo context
 * @consultation: (nullable): for the skin tone and the outlines
 * @plan: the plan whose depths are drawn
 * @view: the view
 *
 * A self-contained depth map of one view on a white ground: a small title
 * naming the view, the map with its depth layer, and the legend below it.
 * It names no client and shows no identifier, so it can be handed out or
 * shown to anyone (the PNG export draws exactly this).
 */
void
nm_render_depth_figure (cairo_t        *cr,
                        NmConsultation *consultation,
                        NmPlan         *plan,
                        NmView          view,
                        double          width,
                        double          height)
{
  g_autoptr(GObject) context_owner = NULL;  /* Pango 1.50 has no autoptr for it */
  PangoContext *context = NULL;
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) notice = NULL;
  g_autofree char *title_text = NULL;
  NmMapStyle style = { 0 };
  double unit, margin, tw, th, nh = 0, legend_h, legend_w, map_y, map_h;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (plan != NULL);
  g_return_if_fail (view < NM_N_VIEWS);

  if (width <= 0 || height <= 0)
    return;

  /* Everything scales with the figure's smaller side. */
  unit = MIN (width, height) / 100.0;
  margin = 3.5 * unit;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* TRANSLATORS: the title of an exported depth map; %s is a view name
   * such as "Face, front" */
  title_text = g_strdup_printf (_("Planned needle depth \u2014 %s"), nm_view_name (view));
  context = make_context (cr);
  context_owner = G_OBJECT (context);
  title = make_layout (context, title_text, CLAMP (3.2 * unit, 8, 64), TRUE);
  pango_layout_set_width (title, (int) ((width - 2 * margin) * PANGO_SCALE));
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  layout_size (title, &tw, &th);
  show_text (cr, title, margin, margin, 0.14);

  if (nm_plan_get_status (plan) == NM_PLAN_BLOCKED)
    {
      double nw;

      notice = make_layout (context, _("Not planned: the screening found a contraindication. "
                                  "Areas with findings are shown hatched."),
                            CLAMP (2.2 * unit, 7, 44), FALSE);
      pango_layout_set_width (notice, (int) ((width - 2 * margin) * PANGO_SCALE));
      pango_layout_set_wrap (notice, PANGO_WRAP_WORD);
      layout_size (notice, &nw, &nh);
      cairo_move_to (cr, margin, margin + th + unit * 0.6);
      cairo_set_source_rgb (cr, 0.65, 0.11, 0.15);
      pango_cairo_show_layout (cr, notice);
      nh += unit * 0.6;
    }

  legend_h = CLAMP (11 * unit, 30, 400);
  legend_w = MIN (width - 2 * margin, 9.0 * legend_h);
  map_y = margin + th + nh + unit * 1.5;
  map_h = height - map_y - legend_h - margin - unit;

  if (map_h > 0)
    {
      style.view = view;
      style.layer = NM_MAP_LAYER_DEPTH;
      style.consultation = consultation;
      style.plan = plan;

      cairo_save (cr);
      cairo_translate (cr, margin, map_y);
      cairo_rectangle (cr, 0, 0, width - 2 * margin, map_h);
      cairo_clip (cr);
      nm_render_map (cr, &style, width - 2 * margin, map_h);
      cairo_restore (cr);
    }

  nm_render_depth_legend (cr, (width - legend_w) / 2, height - margin - legend_h,
                          legend_w, legend_h, FALSE);
  cairo_restore (cr);
}
