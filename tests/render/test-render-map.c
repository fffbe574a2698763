/* test-render-map.c: the map's layers, probed pixel by pixel
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

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "nm-atlas.h"
#include "nm-finding.h"
#include "nm-planner.h"
#include "nm-protocol.h"
#include "nm-render-map.h"

#define W 800
#define H 1000

/* ----------------------------------------------------------------- helpers */

/* CIE L* of an sRGB colour, written here independently of the renderer. */
static double
lightness (double r,
           double g,
           double b)
{
  double c[3] = { r, g, b }, y;

  for (guint i = 0; i < 3; i++)
    c[i] = c[i] <= 0.04045 ? c[i] / 12.92 : pow ((c[i] + 0.055) / 1.055, 2.4);
  y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  return y > 216.0 / 24389.0 ? 116.0 * cbrt (y) - 16.0 : y * 24389.0 / 27.0;
}

static void
pixel (cairo_surface_t *surface,
       int              x,
       int              y,
       double           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (data + (gsize) y * stride + (gsize) x * 4);

  rgb[0] = ((p >> 16) & 0xff) / 255.0;
  rgb[1] = ((p >> 8) & 0xff) / 255.0;
  rgb[2] = (p & 0xff) / 255.0;
}

static double
pixel_lightness (cairo_surface_t *surface,
                 int              x,
                 int              y)
{
  double rgb[3];

  pixel (surface, x, y, rgb);
  return lightness (rgb[0], rgb[1], rgb[2]);
}

static NmConsultation *
consultation_new (guint fitzpatrick)
{
  NmConsultation *c = nm_consultation_new ();

  nm_consultation_set_fitzpatrick (c, fitzpatrick);
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);
  return c;
}

static NmFinding *
add_finding (NmConsultation *c,
             const char     *region,
             const char     *kind,
             guint           severity)
{
  g_autoptr(NmFinding) finding = nm_finding_new (region, kind, severity);

  nm_consultation_add_finding (c, finding);
  return finding;
}

static NmPlan *
plan_for (NmConsultation *c)
{
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  protocol = nm_protocol_load_default (&error);
  g_assert_no_error (error);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 12, 2026);
  return nm_planner_run (c, protocol, &today);
}

static cairo_surface_t *
draw_map (NmConsultation *c,
          NmPlan         *plan,
          NmView          view,
          NmMapLayer      layer,
          gboolean        dark)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  NmMapStyle style = { 0 };

  cairo_set_source_rgb (cr, dark ? 0.1 : 1, dark ? 0.1 : 1, dark ? 0.1 : 1);
  cairo_paint (cr);
  style.view = view;
  style.layer = layer;
  style.consultation = c;
  style.plan = plan;
  style.dark = dark;
  nm_render_map (cr, &style, W, H);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Median L* of the region's pixels that lie well away from its label
 * anchor (where the label is drawn) and from its edges. */
static double
region_lightness (cairo_surface_t *surface,
                  NmView           view,
                  const char      *region)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  double bx, by, bw, bh, ax, ay;

  g_assert_true (nm_atlas_region_bounds (atlas, view, region, W, H, &bx, &by, &bw, &bh));
  g_assert_true (nm_atlas_region_anchor (atlas, view, region, W, H, &ax, &ay));
  for (double y = by; y < by + bh; y += 2)
    for (double x = bx; x < bx + bw; x += 2)
      {
        gboolean inside = TRUE;

        if (fabs (y - ay) < 25 && fabs (x - ax) < 80)
          continue;
        for (int d = 0; d < 4 && inside; d++)
          inside = nm_atlas_region_at (atlas, view, W, H, x + (d == 0 ? 4 : d == 1 ? -4 : 0),
                                       y + (d == 2 ? 4 : d == 3 ? -4 : 0)) == g_intern_string (region);
        if (inside)
          {
            double l = pixel_lightness (surface, (int) x, (int) y);

            g_array_append_val (values, l);
          }
      }
  g_assert_cmpuint (values->len, >, 20);
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

/* Light/dark alternations along rows inside the region, away from its
 * edges: hatching gives many (one pair per line, 8 px apart at this size),
 * a flat fill none, the drawn features above a region (an eye) a few. */
#define HATCHED 10
#define NOT_HATCHED 6
static guint
region_alternations (cairo_surface_t *surface,
                     NmView           view,
                     const char      *region)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  double bx, by, bw, bh, ax, ay;
  guint best = 0;

  g_assert_true (nm_atlas_region_bounds (atlas, view, region, W, H, &bx, &by, &bw, &bh));
  g_assert_true (nm_atlas_region_anchor (atlas, view, region, W, H, &ax, &ay));
  for (double y = by + bh * 0.2; y < by + bh * 0.8; y += 3)
    {
      /* not across a depth label */
      if (fabs (y - ay) < 25)
        continue;
      guint transitions = 0;
      int state = -1;

      for (double x = bx; x < bx + bw; x += 1)
        {
          double l;
          int now;

          if (nm_atlas_region_at (atlas, view, W, H, x - 3, y) != g_intern_string (region)
              || nm_atlas_region_at (atlas, view, W, H, x + 3, y) != g_intern_string (region))
            {
              state = -1;
              continue;
            }
          l = pixel_lightness (surface, (int) x, (int) y);
          now = l < 45 ? 0 : l > 70 ? 1 : state;
          if (state >= 0 && now != state)
            transitions++;
          state = now;
        }
      best = MAX (best, transitions);
    }
  return best;
}

/* ------------------------------------------------------------------- tests */

static void
test_vocab_matches_atlas (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();

  for (guint v = 0; v < NM_N_VIEWS; v++)
    for (guint i = 0; i < nm_vocab_n_regions (); i++)
      {
        const char *id = nm_vocab_region (i)->id;

        if (nm_vocab_region_in_view (id, v) != nm_atlas_view_has_region (atlas, v, id))
          g_error ("%s in %s: vocabulary says %d, atlas says %d", id, nm_view_id (v),
                   nm_vocab_region_in_view (id, v), nm_atlas_view_has_region (atlas, v, id));
      }
  g_assert_true (nm_vocab_region_in_view ("forehead", NM_VIEW_SCALP));
  g_assert_true (nm_vocab_region_in_view ("neck", NM_VIEW_BODY_BACK));
}

static void
test_depth_scale_lightness (void)
{
  double previous = 101;
  NmRgba c, lo, hi;

  for (guint i = 0; i <= 250; i++)
    {
      double l;

      nm_render_depth_colour (i / 100.0, &c);
      l = lightness (c.red, c.green, c.blue);
      g_assert_cmpfloat (l, <, previous);
      previous = l;
    }

  nm_render_depth_colour (0, &lo);
  nm_render_depth_colour (NM_RENDER_DEPTH_SCALE_MAX_MM, &hi);
  g_assert_cmpfloat (lightness (lo.red, lo.green, lo.blue)
                     - lightness (hi.red, hi.green, hi.blue), >, 55);
  /* Beyond the scale: clamped */
  nm_render_depth_colour (4.0, &c);
  g_assert_cmpfloat_with_epsilon (c.blue, hi.blue, 1e-9);
  nm_render_depth_colour (-1.0, &c);
  g_assert_cmpfloat_with_epsilon (c.red, lo.red, 1e-9);
}

/* The legend as drawn: the bar's pixels, left to right, get darker. */
static void
test_legend_lightness (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 900, 110);
  cairo_t *cr = cairo_create (surface);
  int bar_row = -1, best = 0, left = -1, right = -1;
  double previous = 101, first, last;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  nm_render_depth_legend (cr, 0, 0, 900, 110, FALSE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* The bar is where the rows have the longest runs of coloured pixels;
   * its middle row is read, away from the antialiased edges. */
  int longest[110] = { 0 };
  int top = -1, bottom = -1;

  for (int y = 0; y < 110; y++)
    {
      int run = 0, start = 0;

      for (int x = 0; x < 900; x++)
        {
          double rgb[3];

          pixel (surface, x, y, rgb);
          if (MAX (rgb[0], MAX (rgb[1], rgb[2])) - MIN (rgb[0], MIN (rgb[1], rgb[2])) > 0.12)
            {
              if (run++ == 0)
                start = x;
              longest[y] = MAX (longest[y], run);
              if (run > best)
                {
                  best = run;
                  bar_row = y;
                  left = start;
                  right = x;
                }
            }
          else
            run = 0;
        }
    }
  g_assert_cmpint (best, >, 400);
  for (int y = 0; y < 110; y++)
    if (longest[y] >= best - 4)
      {
        if (top < 0)
          top = y;
        bottom = y;
      }
  bar_row = (top + bottom) / 2;

  for (int x = left + 2; x <= right - 2; x++)
    {
      double l = pixel_lightness (surface, x, bar_row);

      /* 8-bit rounding may repeat a value, never raise it noticeably */
      g_assert_cmpfloat (l, <=, previous + 0.6);
      previous = MIN (previous, l);
    }
  first = pixel_lightness (surface, left + 2, bar_row);
  last = pixel_lightness (surface, right - 2, bar_row);
  g_assert_cmpfloat (first - last, >, 55);
  cairo_surface_destroy (surface);
}

static void
test_depth_text (void)
{
  g_autofree char *range = nm_render_depth_text (1.0, 1.5);
  g_autofree char *single = nm_render_depth_text (0.5, 0.5);
  g_autofree char *quarter = nm_render_depth_text (0.25, 0.75);

  g_assert_cmpstr (range, ==, "1.0\u20131.5\u00a0mm");
  /* a no-break space before the unit, a range or not (issue 14, item 13) */
  g_assert_cmpstr (single, ==, "0.5\u00a0mm");
  g_assert_cmpstr (quarter, ==, "0.25\u20130.75\u00a0mm");
}

static void
test_deeper_is_darker (void)
{
  g_autoptr(NmConsultation) c = consultation_new (2);
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanRegion *cheek, *forehead;
  cairo_surface_t *surface;
  double l_cheek, l_forehead;
  NmRgba expected;

  add_finding (c, "cheek-left", "acne-scar-rolling", 4);
  add_finding (c, "forehead", "fine-lines", 1);
  plan = plan_for (c);
  cheek = nm_plan_lookup_region (plan, "cheek-left");
  forehead = nm_plan_lookup_region (plan, "forehead");
  g_assert_nonnull (cheek);
  g_assert_nonnull (forehead);
  g_assert_true (cheek->treat && forehead->treat);
  g_assert_cmpfloat (cheek->max_mm, >, forehead->max_mm);

  surface = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  l_cheek = region_lightness (surface, NM_VIEW_FACE_FRONT, "cheek-left");
  l_forehead = region_lightness (surface, NM_VIEW_FACE_FRONT, "forehead");
  g_assert_cmpfloat (l_cheek + 10, <, l_forehead);

  /* The fill is the legend's colour for the middle of the range. */
  nm_render_depth_colour ((cheek->min_mm + cheek->max_mm) / 2, &expected);
  g_assert_cmpfloat (fabs (l_cheek - lightness (expected.red, expected.green, expected.blue)), <, 1.5);

  /* An untouched region keeps the skin tone */
  {
    double skin[3];

    nm_skin_tone_for_fitzpatrick (2, skin);
    g_assert_cmpfloat (fabs (region_lightness (surface, NM_VIEW_FACE_FRONT, "chin")
                             - lightness (skin[0], skin[1], skin[2])), <, 1.5);
  }
  cairo_surface_destroy (surface);
}

static void
test_eyelid_hatched (void)
{
  g_autoptr(NmConsultation) c = consultation_new (3);
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanRegion *eyelid;
  cairo_surface_t *depth, *findings;

  add_finding (c, "eyelid-left", "fine-lines", 2);
  add_finding (c, "cheek-right", "acne-scar-boxcar", 2);
  plan = plan_for (c);
  eyelid = nm_plan_lookup_region (plan, "eyelid-left");
  g_assert_nonnull (eyelid);
  g_assert_false (eyelid->treat);

  depth = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  findings = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
  g_assert_cmpuint (region_alternations (depth, NM_VIEW_FACE_FRONT, "eyelid-left"), >=, HATCHED);
  g_assert_cmpuint (region_alternations (findings, NM_VIEW_FACE_FRONT, "eyelid-left"), <=, NOT_HATCHED);
  /* A treated region is a flat fill, not hatched; the other eyelid is
   * untouched. */
  g_assert_cmpuint (region_alternations (depth, NM_VIEW_FACE_FRONT, "cheek-right"), <=, NOT_HATCHED);
  g_assert_cmpuint (region_alternations (depth, NM_VIEW_FACE_FRONT, "eyelid-right"), <=, NOT_HATCHED);
  cairo_surface_destroy (depth);
  cairo_surface_destroy (findings);
}

static void
test_blocked_hatches_everything (void)
{
  g_autoptr(NmConsultation) c = consultation_new (3);
  g_autoptr(NmPlan) plan = NULL;
  cairo_surface_t *surface;
  double rgb[3], ax, ay;

  add_finding (c, "cheek-left", "acne-scar-rolling", 3);
  add_finding (c, "forehead", "fine-lines", 2);
  nm_consultation_set_screening (c, "isotretinoin", NM_ANSWER_YES);
  plan = plan_for (c);
  g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);

  surface = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  g_assert_cmpuint (region_alternations (surface, NM_VIEW_FACE_FRONT, "cheek-left"), >=, HATCHED);
  g_assert_cmpuint (region_alternations (surface, NM_VIEW_FACE_FRONT, "forehead"), >=, HATCHED);
  g_assert_cmpuint (region_alternations (surface, NM_VIEW_FACE_FRONT, "chin"), <=, NOT_HATCHED);

  /* No depth labels: nothing white at the anchor */
  g_assert_true (nm_atlas_region_anchor (nm_atlas_get_default (), NM_VIEW_FACE_FRONT,
                                         "forehead", W, H, &ax, &ay));
  pixel (surface, (int) ax, (int) ay, rgb);
  g_assert_cmpfloat (lightness (rgb[0], rgb[1], rgb[2]), <, 97);
  cairo_surface_destroy (surface);
}

/* A label is a pale pill with dark text on a light background, a dark
 * pill with light text on a dark one. */
static void
count_label_pixels (cairo_surface_t *surface,
                    double           ax,
                    double           ay,
                    guint           *n_light,
                    guint           *n_dark)
{
  *n_light = *n_dark = 0;
  for (int y = (int) ay - 6; y <= (int) ay + 6; y++)
    for (int x = (int) ax - 25; x <= (int) ax + 25; x++)
      {
        double l = pixel_lightness (surface, x, y);

        if (l > 95)
          (*n_light)++;
        if (l < 25)
          (*n_dark)++;
      }
}

static void
test_labels (void)
{
  g_autoptr(NmConsultation) c = consultation_new (2);
  g_autoptr(NmPlan) plan = NULL;
  cairo_surface_t *depth, *findings, *dark;
  guint light_px, dark_px;
  double ax, ay;

  add_finding (c, "forehead", "wrinkles", 3);
  plan = plan_for (c);
  g_assert_true (nm_atlas_region_anchor (nm_atlas_get_default (), NM_VIEW_FACE_FRONT,
                                         "forehead", W, H, &ax, &ay));

  depth = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  count_label_pixels (depth, ax, ay, &light_px, &dark_px);
  g_assert_cmpuint (light_px, >, 100);
  g_assert_cmpuint (dark_px, >, 20);

  findings = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
  count_label_pixels (findings, ax, ay, &light_px, &dark_px);
  g_assert_cmpuint (light_px, ==, 0);
  g_assert_cmpuint (dark_px, ==, 0);

  /* In the dark style the pill is dark and the text light */
  dark = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, TRUE);
  count_label_pixels (dark, ax, ay, &light_px, &dark_px);
  g_assert_cmpuint (dark_px, >, 100);
  g_assert_cmpuint (light_px, >, 20);

  cairo_surface_destroy (depth);
  cairo_surface_destroy (findings);
  cairo_surface_destroy (dark);
}

static void
test_layers_differ (void)
{
  g_autoptr(NmConsultation) c = consultation_new (4);
  g_autoptr(NmPlan) plan = NULL;
  cairo_surface_t *depth, *findings;
  double a, b;

  add_finding (c, "cheek-right", "acne-scar-boxcar", 3);
  plan = plan_for (c);
  depth = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  findings = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
  a = region_lightness (depth, NM_VIEW_FACE_FRONT, "cheek-right");
  b = region_lightness (findings, NM_VIEW_FACE_FRONT, "cheek-right");
  g_assert_cmpfloat (fabs (a - b), >, 3);
  cairo_surface_destroy (depth);
  cairo_surface_destroy (findings);
}

static void
test_outline (void)
{
  static const NmPoint points[] = { { 0.60, 0.54 }, { 0.68, 0.56 }, { 0.66, 0.64 }, { 0.59, 0.62 } };
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(NmConsultation) c = consultation_new (2);
  g_autoptr(NmPlan) plan = NULL;
  const NmRgba *purple = nm_render_category_colour (NM_CATEGORY_SCAR);
  NmFinding *finding;

  finding = add_finding (c, "cheek-left", "acne-scar-rolling", 2);
  nm_consultation_set_finding_outline (c, finding, "face-front", points, G_N_ELEMENTS (points));
  plan = plan_for (c);

  for (guint layer = NM_MAP_LAYER_FINDINGS; layer <= NM_MAP_LAYER_DEPTH; layer++)
    {
      cairo_surface_t *with = draw_map (c, plan, NM_VIEW_FACE_FRONT, layer, FALSE);
      cairo_surface_t *other = draw_map (c, plan, NM_VIEW_FACE_LEFT, layer, FALSE);

      /* The curve passes through every point, in the category's colour. */
      for (guint i = 0; i < G_N_ELEMENTS (points); i++)
        {
          double x, y, rgb[3];

          nm_atlas_view_to_widget (atlas, NM_VIEW_FACE_FRONT, W, H, points[i].x, points[i].y, &x, &y);
          pixel (with, (int) x, (int) y, rgb);
          g_assert_cmpfloat (fabs (rgb[0] - purple->red) + fabs (rgb[1] - purple->green)
                             + fabs (rgb[2] - purple->blue), <, 0.25);
        }
      /* Drawn on face-front only: nothing purple on the profile */
      for (int y = 0; y < H; y += 2)
        for (int x = 0; x < W; x += 2)
          {
            double rgb[3];

            pixel (other, x, y, rgb);
            g_assert_false (fabs (rgb[0] - purple->red) + fabs (rgb[1] - purple->green)
                            + fabs (rgb[2] - purple->blue) < 0.1);
          }
      cairo_surface_destroy (with);
      cairo_surface_destroy (other);
    }
}

/* An outlined finding is drawn with its own depth's colour inside its
 * region's: melasma at 0.5–1.0 mm inside a cheek at 1.5 mm reads lighter,
 * that is shallower, with an edge in its category's colour. */
/* An outline that strays out of its region (a stroke over the eye) shows
 * its depth only inside its own region: never a depth on an eyelid. */
static void
test_outline_kept_in_its_region (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(NmConsultation) c = consultation_new (2);
  g_autoptr(NmPlan) plan = NULL;
  const NmPoint ring[] = { { 0.5, 0.33 }, { 0.8, 0.33 }, { 0.8, 0.46 }, { 0.5, 0.46 } };
  NmFinding *scar;
  NmRgba depth_colour;
  double ex, ey, rgb[3];

  scar = add_finding (c, "cheek-left", "acne-scar-rolling", 4);
  nm_consultation_set_finding_outline (c, scar, "face-front", ring, G_N_ELEMENTS (ring));
  plan = plan_for (c);
  g_assert_true (nm_plan_lookup_region (plan, "cheek-left")->treat);
  nm_render_depth_colour ((nm_plan_lookup_region (plan, "cheek-left")->min_mm +
                           nm_plan_lookup_region (plan, "cheek-left")->max_mm) / 2, &depth_colour);
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "eyelid-left", W, H, &ex, &ey));

  /* drawn directly, then from the cache */
  for (guint pass = 0; pass < 2; pass++)
    {
      cairo_surface_t *depth = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);

      pixel (depth, (int) ex, (int) ey, rgb);
      g_assert_cmpfloat (fabs (rgb[0] - depth_colour.red) + fabs (rgb[1] - depth_colour.green)
                         + fabs (rgb[2] - depth_colour.blue), >, 0.2);
      cairo_surface_destroy (depth);
    }
}

static void
test_outline_own_depth (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(NmConsultation) c = consultation_new (2);
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPlan) deeper_plan = NULL;
  const NmRgba *brown = nm_render_category_colour (NM_CATEGORY_PIGMENT);
  const NmPlanRegion *cheek;
  const NmPlanFindingDepth *own;
  NmFinding *melasma;
  NmPoint ring[12];
  NmRgba expected, region_colour;
  cairo_surface_t *depth, *findings;
  double cx = 0, cy = 0, ax, ay, rgb[3], l_patch, l_region, l_expected;
  gboolean found = FALSE;

  /* a patch well inside the cheek, clear of the cheek's depth label */
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "cheek-left", W, H, &ax, &ay));
  for (double vy = 0.45; vy < 0.75 && !found; vy += 0.005)
    for (double vx = 0.5; vx < 0.8 && !found; vx += 0.005)
      {
        nm_atlas_view_to_widget (atlas, NM_VIEW_FACE_FRONT, W, H, vx, vy, &cx, &cy);
        if (fabs (cy - ay) < 40)
          continue;
        found = TRUE;
        for (guint i = 0; i < G_N_ELEMENTS (ring) && found; i++)
          {
            double x, y;

            ring[i].x = vx + 0.025 * cos (i * G_PI / 6);
            ring[i].y = vy + 0.025 * sin (i * G_PI / 6);
            for (double k = 1.0; k <= 1.5 && found; k += 0.5)
              {
                nm_atlas_view_to_widget (atlas, NM_VIEW_FACE_FRONT, W, H, vx + (ring[i].x - vx) * k,
                                         vy + (ring[i].y - vy) * k, &x, &y);
                found = nm_atlas_region_at (atlas, NM_VIEW_FACE_FRONT, W, H, x, y) == g_intern_string ("cheek-left");
              }
          }
      }
  g_assert_true (found);
  add_finding (c, "cheek-left", "acne-scar-rolling", 4);
  melasma = add_finding (c, "cheek-left", "melasma", 1);
  nm_consultation_set_finding_outline (c, melasma, "face-front", ring, G_N_ELEMENTS (ring));
  plan = plan_for (c);
  cheek = nm_plan_lookup_region (plan, "cheek-left");
  g_assert_nonnull (cheek);
  g_assert_true (cheek->treat);
  own = nm_plan_region_lookup_finding (cheek, "melasma");
  g_assert_nonnull (own);
  g_assert_true (own->treat);
  g_assert_cmpfloat (own->max_mm, <, cheek->min_mm);

  depth = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  nm_render_depth_colour ((own->min_mm + own->max_mm) / 2, &expected);
  nm_render_depth_colour ((cheek->min_mm + cheek->max_mm) / 2, &region_colour);
  pixel (depth, (int) cx, (int) cy, rgb);
  l_patch = lightness (rgb[0], rgb[1], rgb[2]);
  l_expected = lightness (expected.red, expected.green, expected.blue);
  /* its own depth's colour, opaque, not a wash over the region's */
  g_assert_cmpfloat (fabs (rgb[0] - expected.red) + fabs (rgb[1] - expected.green)
                     + fabs (rgb[2] - expected.blue), <, 0.04);
  /* lighter, that is shallower, than the region around it, which keeps
   * its own colour */
  l_region = region_lightness (depth, NM_VIEW_FACE_FRONT, "cheek-left");
  g_assert_cmpfloat (fabs (l_region - lightness (region_colour.red, region_colour.green, region_colour.blue)), <, 1.5);
  g_assert_cmpfloat (l_patch, >, l_region + 8);
  /* a visible edge: the outline, in the category's colour, through every
   * point */
  for (guint i = 0; i < G_N_ELEMENTS (ring); i++)
    {
      double x, y;

      nm_atlas_view_to_widget (atlas, NM_VIEW_FACE_FRONT, W, H, ring[i].x, ring[i].y, &x, &y);
      pixel (depth, (int) x, (int) y, rgb);
      g_assert_cmpfloat (fabs (rgb[0] - brown->red) + fabs (rgb[1] - brown->green)
                         + fabs (rgb[2] - brown->blue), <, 0.25);
    }

  /* the findings layer keeps the faint wash: no depth there */
  findings = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
  pixel (findings, (int) cx, (int) cy, rgb);
  g_assert_cmpfloat (fabs (lightness (rgb[0], rgb[1], rgb[2]) - l_expected), >, 3);
  cairo_surface_destroy (findings);
  cairo_surface_destroy (depth);

  /* drawn again from the cache after the finding's depth changed, the
   * patch takes its new colour */
  cairo_surface_destroy (draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE));
  nm_finding_set_severity (melasma, 3);
  deeper_plan = plan_for (c);
  own = nm_plan_region_lookup_finding (nm_plan_lookup_region (deeper_plan, "cheek-left"), "melasma");
  nm_render_depth_colour ((own->min_mm + own->max_mm) / 2, &expected);
  g_assert_cmpfloat (fabs (lightness (expected.red, expected.green, expected.blue) - l_expected), >, 2.5);
  depth = draw_map (c, deeper_plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  pixel (depth, (int) cx, (int) cy, rgb);
  g_assert_cmpfloat (fabs (lightness (rgb[0], rgb[1], rgb[2])
                           - lightness (expected.red, expected.green, expected.blue)), <, 1.0);
  cairo_surface_destroy (depth);

  /* blocked, nothing is needled: no depth colour in the patch */
  nm_consultation_set_screening (c, "pregnancy", NM_ANSWER_YES);
  {
    g_autoptr(NmPlan) blocked = plan_for (c);

    depth = draw_map (c, blocked, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
    pixel (depth, (int) cx, (int) cy, rgb);
    g_assert_cmpfloat (fabs (rgb[0] - expected.red) + fabs (rgb[1] - expected.green)
                       + fabs (rgb[2] - expected.blue), >, 0.1);
    cairo_surface_destroy (depth);
  }
}

static void
test_widget_to_view (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  double x, y, nx, ny, vw, vh;

  for (guint v = 0; v < NM_N_VIEWS; v++)
    {
      nm_atlas_view_to_widget (atlas, v, 1280, 800, 0.3, 0.7, &x, &y);
      g_assert_true (nm_atlas_widget_to_view (atlas, v, 1280, 800, x, y, &nx, &ny));
      g_assert_cmpfloat_with_epsilon (nx, 0.3, 1e-9);
      g_assert_cmpfloat_with_epsilon (ny, 0.7, 1e-9);
    }

  /* The view's box is centred: the corners are at its edges */
  nm_atlas_view_size (atlas, NM_VIEW_FACE_FRONT, &vw, &vh);
  g_assert_true (nm_atlas_widget_to_view (atlas, NM_VIEW_FACE_FRONT, 1000, 500,
                                          500 - vw / 2, 0, &nx, &ny));
  g_assert_cmpfloat_with_epsilon (nx, 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (ny, 0.0, 1e-9);
  /* Outside the box, left of it */
  g_assert_false (nm_atlas_widget_to_view (atlas, NM_VIEW_FACE_FRONT, 1000, 500, 10, 250, &nx, &ny));
  g_assert_false (nm_atlas_widget_to_view (atlas, NM_VIEW_FACE_FRONT, 1000, 500, 500, 501, NULL, NULL));
  g_assert_false (nm_atlas_widget_to_view (atlas, NM_VIEW_FACE_FRONT, 0, 0, 0, 0, &nx, &ny));
}

static guint
differences_in (cairo_surface_t *a,
                cairo_surface_t *b,
                NmView           view,
                const char      *region)
{
  double bx, by, bw, bh;
  guint n = 0;

  g_assert_true (nm_atlas_region_bounds (nm_atlas_get_default (), view, region, W, H,
                                         &bx, &by, &bw, &bh));
  for (int y = (int) by; y < by + bh; y++)
    for (int x = (int) bx; x < bx + bw; x++)
      {
        double p[3], q[3];

        pixel (a, x, y, p);
        pixel (b, x, y, q);
        if (fabs (p[0] - q[0]) + fabs (p[1] - q[1]) + fabs (p[2] - q[2]) > 0.1)
          n++;
      }
  return n;
}

static void
test_multi_selection (void)
{
  const char * const both[] = { "cheek-left", "forehead", NULL };
  g_autoptr(NmConsultation) c = consultation_new (3);
  cairo_surface_t *plain, *selected;
  NmMapStyle style = { 0 };
  cairo_t *cr;

  plain = draw_map (c, NULL, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);

  selected = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cr = cairo_create (selected);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  style.view = NM_VIEW_FACE_FRONT;
  style.consultation = c;
  style.selected = both;
  nm_render_map (cr, &style, W, H);
  cairo_destroy (cr);
  cairo_surface_flush (selected);

  g_assert_cmpuint (differences_in (plain, selected, NM_VIEW_FACE_FRONT, "cheek-left"), >, 100);
  g_assert_cmpuint (differences_in (plain, selected, NM_VIEW_FACE_FRONT, "forehead"), >, 100);
  g_assert_cmpuint (differences_in (plain, selected, NM_VIEW_FACE_FRONT, "nose"), <,
                    differences_in (plain, selected, NM_VIEW_FACE_FRONT, "forehead") / 4);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (selected);
}

/* A drawing from the atlas's cached layers equals the direct rendering:
 * every channel within 2 steps on at least 99.9 % of the pixels, with
 * fills, hatching, hover, a selection, outlines and labels, at several
 * sizes, pixel densities and subpixel offsets, on a transparent target
 * (so that the alpha channel is compared too). */
typedef struct
{
  guint   max_diff;
  guint   over;       /* pixels with a channel more than 2 apart */
  guint   total;
} Diff;

static cairo_surface_t *
draw_scene (const NmMapStyle *style,
            int               pw,
            int               ph,
            double            scale,
            double            dx,
            double            dy)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  cairo_translate (cr, dx, dy);
  nm_render_map (cr, style, (pw - 2 * dx * scale) / scale, (ph - 2 * dy * scale) / scale);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static Diff
compare_surfaces (cairo_surface_t *a,
                  cairo_surface_t *b)
{
  const guint8 *da = cairo_image_surface_get_data (a);
  const guint8 *db = cairo_image_surface_get_data (b);
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  Diff diff = { 0, 0, (guint) (w * h) };

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = *(const guint32 *) (da + (gsize) y * stride + (gsize) x * 4);
        guint32 q = *(const guint32 *) (db + (gsize) y * stride + (gsize) x * 4);
        guint worst = 0;

        for (guint c = 0; c < 32; c += 8)
          worst = MAX (worst, (guint) ABS ((int) ((p >> c) & 0xff) - (int) ((q >> c) & 0xff)));
        diff.max_diff = MAX (diff.max_diff, worst);
        if (worst > 2)
          diff.over++;
      }
  return diff;
}

static void
test_cached_equals_direct (void)
{
  static const struct
  {
    NmView      view;
    int         pw, ph;
    double      scale, dx, dy;
    const char *hover;
  } cases[] = {
    { NM_VIEW_FACE_FRONT, 640, 400, 1.0, 0.0, 0.0, "forehead" },
    { NM_VIEW_FACE_FRONT, 1280, 800, 2.0, 0.25, 0.5, "cheek-left" },
    { NM_VIEW_BODY_FRONT, 501, 733, 1.0, 3.3, 1.7, NULL },
    { NM_VIEW_FACE_LEFT, 900, 700, 1.5, 0.0, 0.0, "nose" },
  };
  const char * const selected[] = { "cheek-left", "chin", NULL };
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(NmConsultation) c = consultation_new (5);
  g_autoptr(NmPlan) plan = NULL;
  NmFinding *finding;
  NmPoint ring[6];

  add_finding (c, "cheek-left", "acne-scar-rolling", 3);
  add_finding (c, "forehead", "wrinkles", 2);
  add_finding (c, "eyelid-right", "fine-lines", 1);
  add_finding (c, "abdomen", "striae-alba", 2);
  finding = add_finding (c, "cheek-right", "melasma", 2);
  for (guint i = 0; i < G_N_ELEMENTS (ring); i++)
    {
      ring[i].x = 0.3 + 0.05 * cos (i * G_PI / 3);
      ring[i].y = 0.55 + 0.04 * sin (i * G_PI / 3);
    }
  nm_finding_set_outline (finding, "face-front", ring, G_N_ELEMENTS (ring));
  plan = plan_for (c);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (NmMapLayer layer = NM_MAP_LAYER_FINDINGS; layer <= NM_MAP_LAYER_DEPTH; layer++)
      {
        NmMapStyle style = { 0 };
        cairo_surface_t *cached, *again, *direct;
        Diff diff;

        style.view = cases[i].view;
        style.layer = layer;
        style.consultation = c;
        style.plan = plan;
        style.hover_region = cases[i].hover;
        style.selected = selected;

        /* Off then on empties the cache; a size is drawn directly the
         * first time, from layers from the second. */
        nm_atlas_set_raster_cache (atlas, FALSE);
        nm_atlas_set_raster_cache (atlas, TRUE);
        cairo_surface_destroy (draw_scene (&style, cases[i].pw, cases[i].ph, cases[i].scale,
                                           cases[i].dx, cases[i].dy));
        g_assert_cmpuint (nm_atlas_get_n_cached_sizes (atlas), ==, 0);
        cached = draw_scene (&style, cases[i].pw, cases[i].ph, cases[i].scale, cases[i].dx, cases[i].dy);
        g_assert_cmpuint (nm_atlas_get_n_cached_sizes (atlas), ==, 1);
        /* from layers already built, with another hover in between */
        style.hover_region = "nose";
        cairo_surface_destroy (draw_scene (&style, cases[i].pw, cases[i].ph, cases[i].scale,
                                           cases[i].dx, cases[i].dy));
        style.hover_region = cases[i].hover;
        again = draw_scene (&style, cases[i].pw, cases[i].ph, cases[i].scale, cases[i].dx, cases[i].dy);
        g_assert_cmpuint (nm_atlas_get_n_cached_sizes (atlas), ==, 1);
        nm_atlas_set_raster_cache (atlas, FALSE);
        direct = draw_scene (&style, cases[i].pw, cases[i].ph, cases[i].scale, cases[i].dx, cases[i].dy);
        nm_atlas_set_raster_cache (atlas, TRUE);

        diff = compare_surfaces (cached, direct);
        g_test_message ("%s %dx%d ×%.1f layer %d: max %u, %u of %u pixels over 2",
                        nm_view_id (cases[i].view), cases[i].pw, cases[i].ph, cases[i].scale,
                        layer, diff.max_diff, diff.over, diff.total);
        g_assert_cmpuint (diff.over * 1000, <=, diff.total);
        diff = compare_surfaces (again, direct);
        g_assert_cmpuint (diff.over * 1000, <=, diff.total);

        cairo_surface_destroy (cached);
        cairo_surface_destroy (again);
        cairo_surface_destroy (direct);
      }
}

/* The raster cache changes nothing visible, and a vector target gets
 * vectors: the PDF of a depth map holds no raster image. */
static void
test_cache_and_vector (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(NmConsultation) c = consultation_new (3);
  g_autoptr(NmPlan) plan = NULL;
  cairo_surface_t *cached, *direct, *surface;
  NmMapStyle style = { 0 };
  guint differing = 0;
  cairo_t *cr;

  add_finding (c, "cheek-left", "acne-scar-rolling", 3);
  add_finding (c, "eyelid-right", "fine-lines", 1);
  plan = plan_for (c);

  nm_atlas_set_raster_cache (atlas, TRUE);
  cached = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  cairo_surface_destroy (cached);
  cached = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);  /* from the cache */
  nm_atlas_set_raster_cache (atlas, FALSE);
  direct = draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
  nm_atlas_set_raster_cache (atlas, TRUE);

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double p[3], q[3];

        pixel (cached, x, y, p);
        pixel (direct, x, y, q);
        if (fabs (p[0] - q[0]) + fabs (p[1] - q[1]) + fabs (p[2] - q[2]) > 0.05)
          differing++;
      }
  /* antialiased edges may differ by a step; nothing else */
  g_assert_cmpuint (differing, <, W * H / 1000);
  cairo_surface_destroy (cached);
  cairo_surface_destroy (direct);

  style.view = NM_VIEW_FACE_FRONT;
  style.layer = NM_MAP_LAYER_DEPTH;
  style.consultation = c;
  style.plan = plan;
  {
    g_autofree char *path = NULL;
    g_autofree char *bytes = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;
    int fd = g_file_open_tmp ("test-render-map-XXXXXX.pdf", &path, &error);

    g_assert_no_error (error);
    close (fd);
    surface = cairo_pdf_surface_create (path, W, H);
    cr = cairo_create (surface);
    nm_render_map (cr, &style, W, H);
    nm_render_depth_legend (cr, 20, H - 110, W - 40, 100, FALSE);
    cairo_destroy (cr);
    cairo_surface_finish (surface);
    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);

    g_file_get_contents (path, &bytes, &len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (len, >, 1000);
    g_assert_null (g_strstr_len (bytes, len, "/Subtype /Image"));
    g_unlink (path);
  }
}

/* The share of the region's pixels, away from its edges (every pixel
 * within 3 px inside it), whose L* is at least @delta from the bare skin's:
 * what shows the region as different from the skin. */
static double
region_share_apart (cairo_surface_t *surface,
                    NmView           view,
                    const char      *region,
                    const double     skin[3],
                    double           delta)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  double bx, by, bw, bh, l_skin = lightness (skin[0], skin[1], skin[2]);
  guint n = 0, apart = 0;

  g_assert_true (nm_atlas_region_bounds (atlas, view, region, W, H, &bx, &by, &bw, &bh));
  for (double y = by; y < by + bh; y += 1)
    for (double x = bx; x < bx + bw; x += 1)
      {
        gboolean inside = TRUE;

        for (int d = 0; d < 5 && inside; d++)
          inside = nm_atlas_region_at (atlas, view, W, H, x + (d == 1 ? 3 : d == 2 ? -3 : 0),
                                       y + (d == 3 ? 3 : d == 4 ? -3 : 0)) == g_intern_string (region);
        if (!inside)
          continue;
        n++;
        if (fabs (pixel_lightness (surface, (int) x, (int) y) - l_skin) >= delta)
          apart++;
      }
  g_assert_cmpuint (n, >, 100);
  return (double) apart / n;
}

/* Pigment findings do not depend on their colour to be seen (issue 14,
 * defect 9): melasma on the upper lip was almost the colour of type IV
 * skin. On every skin type, a good share of the region stands well apart
 * from the bare skin in lightness alone (so in greyscale too), and the
 * region's edge is drawn in a colour that contrasts with the skin. */
static void
test_pigment_visible_on_every_skin (void)
{
  for (guint type = 1; type <= 6; type++)
    for (guint severity = 1; severity <= 2; severity++)
      {
        g_autoptr(NmConsultation) c = consultation_new (type);
        g_autoptr(NmConsultation) bare = consultation_new (type);
        cairo_surface_t *with, *without;
        double skin[3], share, share_bare;

        add_finding (c, "upper-lip", "melasma", severity);
        nm_skin_tone_for_fitzpatrick (type, skin);
        with = draw_map (c, NULL, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
        without = draw_map (bare, NULL, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
        share = region_share_apart (with, NM_VIEW_FACE_FRONT, "upper-lip", skin, 25);
        share_bare = region_share_apart (without, NM_VIEW_FACE_FRONT, "upper-lip", skin, 25);
        if (g_getenv ("NM_TEST_SAVE_PNG") != NULL)
          {
            g_autofree char *name = g_strdup_printf ("%s/pigment-type%u-sev%u.png",
                                                     g_getenv ("NM_TEST_SAVE_PNG"), type, severity);

            cairo_surface_write_to_png (with, name);
          }
        g_test_message ("type %u, severity %u: %.0f %% of the upper lip at ΔL* ≥ 25 (bare skin %.0f %%)",
                        type, severity, share * 100, share_bare * 100);
        /* the bare lip has the drawn features over it (the nostrils, the
         * lips' line) */
        g_assert_cmpfloat (share - share_bare, >=, 0.08);
        cairo_surface_destroy (with);
        cairo_surface_destroy (without);
      }

  /* a scar keeps its flat fill: the marking is for pigment */
  {
    g_autoptr(NmConsultation) c = consultation_new (4);
    cairo_surface_t *with;
    double skin[3];

    g_autoptr(NmConsultation) bare = consultation_new (4);
    cairo_surface_t *without;

    add_finding (c, "upper-lip", "acne-scar-rolling", 2);
    nm_skin_tone_for_fitzpatrick (4, skin);
    with = draw_map (c, NULL, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
    without = draw_map (bare, NULL, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_FINDINGS, FALSE);
    g_assert_cmpfloat (fabs (region_share_apart (with, NM_VIEW_FACE_FRONT, "upper-lip", skin, 25)
                             - region_share_apart (without, NM_VIEW_FACE_FRONT, "upper-lip", skin, 25)), <, 0.02);
    cairo_surface_destroy (with);
    cairo_surface_destroy (without);
  }
}

/* The number of pixels where both surfaces (ARGB) have ink. */
static guint
ink_overlap (cairo_surface_t *a,
             cairo_surface_t *b)
{
  const guint8 *da = cairo_image_surface_get_data (a), *db = cairo_image_surface_get_data (b);
  int stride = cairo_image_surface_get_stride (a);
  guint n = 0;

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  for (int y = 0; y < cairo_image_surface_get_height (a); y++)
    for (int x = 0; x < cairo_image_surface_get_width (a); x++)
      {
        guint32 pa = *(const guint32 *) (da + (gsize) y * stride + (gsize) x * 4);
        guint32 pb = *(const guint32 *) (db + (gsize) y * stride + (gsize) x * 4);

        if ((pa >> 24) > 16 && (pb >> 24) > 16)
          n++;
      }
  return n;
}

/* The depth key and its box keep clear of the figure, hair included
 * (issue 14, defect 11: at 1366×768 the box cut into the hair), at the
 * map's sizes in a 1024×600, a 1366×768 and a 1920×1080 window. */
static void
test_depth_legend_clear_of_figure (void)
{
  static const int sizes[][2] = { { 590, 480 }, { 810, 660 }, { 1300, 960 } };

  for (guint v = 0; v < NM_N_VIEWS; v++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        int w = sizes[i][0], h = sizes[i][1];
        cairo_surface_t *map = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
        cairo_surface_t *key = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
        NmMapStyle style = { 0 };
        cairo_t *cr;
        double lx, ly, lw, lh;
        guint overlap;

        style.view = v;
        style.layer = NM_MAP_LAYER_FINDINGS;
        cr = cairo_create (map);
        nm_render_map (cr, &style, w, h);
        cairo_destroy (cr);
        cr = cairo_create (key);
        nm_render_map_legend (cr, v, w, h, FALSE);
        cairo_destroy (cr);
        nm_render_depth_legend_place (v, w, h, &lx, &ly, &lw, &lh);
        overlap = ink_overlap (map, key);
        if (g_getenv ("NM_TEST_SAVE_PNG") != NULL)
          {
            g_autofree char *name = g_strdup_printf ("%s/legend-%s-%dx%d.png", g_getenv ("NM_TEST_SAVE_PNG"),
                                                     nm_view_id (v), w, h);
            cairo_surface_t *both = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);

            cr = cairo_create (both);
            cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
            cairo_paint (cr);
            cairo_set_source_surface (cr, map, 0, 0);
            cairo_paint (cr);
            cairo_set_source_surface (cr, key, 0, 0);
            cairo_paint (cr);
            cairo_destroy (cr);
            cairo_surface_write_to_png (both, name);
            cairo_surface_destroy (both);
          }
        g_test_message ("%s at %d×%d: key at %.0f,%.0f %.0f×%.0f, %u pixels over the figure",
                        nm_view_id (v), w, h, lx, ly, lw, lh, overlap);
        g_assert_cmpuint (overlap, ==, 0);
        /* a key of a useful size, inside the map */
        g_assert_cmpfloat (lw * lh, >=, 220 * 56 - 1);
        g_assert_cmpfloat (lx, >=, 0);
        g_assert_cmpfloat (ly, >=, 0);
        g_assert_cmpfloat (lx + lw, <=, w);
        g_assert_cmpfloat (ly + lh, <=, h);

        /* the key used to sit in the top left corner, over the face's hair */
        if (v == NM_VIEW_FACE_FRONT && w == 810)
          {
            cairo_surface_t *old = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);

            cr = cairo_create (old);
            cairo_rectangle (cr, 6, 6, 352, 72);
            cairo_fill (cr);
            cairo_destroy (cr);
            g_assert_cmpuint (ink_overlap (map, old), >, 0);
            cairo_surface_destroy (old);
          }
        cairo_surface_destroy (map);
        cairo_surface_destroy (key);
      }
}

/* The map view draws on a worker thread while the exports draw on theirs
 * and the main thread draws too: the atlas lends each of its librsvg
 * handles to one thread at a time (an RsvgHandle is not for two threads at
 * once) and keeps its layers under a lock. Every thread's drawing equals
 * the one drawn alone. */
typedef struct
{
  NmConsultation  *consultation;
  NmPlan          *plan;
  cairo_surface_t *reference;
} ThreadsData;

static gpointer
draw_in_thread (gpointer user_data)
{
  ThreadsData *data = user_data;

  for (guint i = 0; i < 4; i++)
    {
      cairo_surface_t *surface;
      Diff diff;

      /* a vector target takes the direct path, with the shared handles */
      surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
      {
        cairo_t *cr = cairo_create (surface);
        NmMapStyle style = { 0 };

        style.view = NM_VIEW_FACE_FRONT;
        style.layer = NM_MAP_LAYER_DEPTH;
        style.consultation = data->consultation;
        style.plan = data->plan;
        nm_render_map (cr, &style, W, H);
        cairo_destroy (cr);
      }
      cairo_surface_destroy (surface);

      surface = draw_map (data->consultation, data->plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE);
      diff = compare_surfaces (surface, data->reference);
      cairo_surface_destroy (surface);
      if (diff.over * 1000 > diff.total)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_threads (void)
{
  g_autoptr(NmConsultation) c = consultation_new (4);
  g_autoptr(NmPlan) plan = NULL;
  static const NmPoint ring[] = { { 0.30, 0.52 }, { 0.36, 0.53 }, { 0.35, 0.60 }, { 0.29, 0.58 } };
  NmFinding *finding;
  GThread *threads[4];
  ThreadsData data;

  add_finding (c, "forehead", "wrinkles", 2);
  finding = add_finding (c, "cheek-left", "acne-scar-rolling", 3);
  nm_finding_set_outline (finding, "face-front", ring, G_N_ELEMENTS (ring));
  plan = plan_for (c);

  nm_atlas_set_raster_cache (nm_atlas_get_default (), FALSE);
  data = (ThreadsData) { c, plan, draw_map (c, plan, NM_VIEW_FACE_FRONT, NM_MAP_LAYER_DEPTH, FALSE) };
  nm_atlas_set_raster_cache (nm_atlas_get_default (), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("draw", draw_in_thread, &data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
  cairo_surface_destroy (data.reference);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/vocab-matches-atlas", test_vocab_matches_atlas);
  g_test_add_func ("/render/depth-scale-lightness", test_depth_scale_lightness);
  g_test_add_func ("/render/legend-lightness", test_legend_lightness);
  g_test_add_func ("/render/depth-text", test_depth_text);
  g_test_add_func ("/render/deeper-is-darker", test_deeper_is_darker);
  g_test_add_func ("/render/eyelid-hatched", test_eyelid_hatched);
  g_test_add_func ("/render/blocked-hatches-everything", test_blocked_hatches_everything);
  g_test_add_func ("/render/labels", test_labels);
  g_test_add_func ("/render/layers-differ", test_layers_differ);
  g_test_add_func ("/render/outline", test_outline);
  g_test_add_func ("/render/outline-own-depth", test_outline_own_depth);
  g_test_add_func ("/render/outline-kept-in-its-region", test_outline_kept_in_its_region);
  g_test_add_func ("/render/widget-to-view", test_widget_to_view);
  g_test_add_func ("/render/multi-selection", test_multi_selection);
  g_test_add_func ("/render/cache-and-vector", test_cache_and_vector);
  g_test_add_func ("/render/cached-equals-direct", test_cached_equals_direct);
  g_test_add_func ("/render/pigment-visible-on-every-skin", test_pigment_visible_on_every_skin);
  g_test_add_func ("/render/depth-legend-clear-of-figure", test_depth_legend_clear_of_figure);
  g_test_add_func ("/render/threads", test_threads);

  return g_test_run ();
}
