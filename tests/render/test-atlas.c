/* test-atlas.c
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

#include <gio/gio.h>
#include <librsvg/rsvg.h>

#include "nm-atlas.h"
#include "nm-atlas-private.h"

static const char * const view_ids[NM_N_VIEWS] = {
  "face-front", "face-left", "face-right", "scalp", "body-front", "body-back",
};

/* Spec §1.2, in its order. */
static const char * const spec_regions[] = {
  "forehead", "glabella", "temple-left", "temple-right", "periorbital-left",
  "periorbital-right", "eyelid-left", "eyelid-right", "nose", "cheek-left", "cheek-right",
  "upper-lip", "chin", "jawline-left", "jawline-right", "neck", "decolletage",
  "scalp-frontal", "scalp-vertex", "breast-left", "breast-right", "abdomen", "flank-left",
  "flank-right", "upper-arm-left", "upper-arm-right", "forearm-left", "forearm-right",
  "hand-left", "hand-right", "upper-back", "lower-back", "buttock-left", "buttock-right",
  "thigh-left", "thigh-right", "lower-leg-left", "lower-leg-right", NULL
};

static int
view_from_id (const char *id)
{
  for (guint v = 0; v < NM_N_VIEWS; v++)
    if (g_str_equal (view_ids[v], id))
      return v;
  return -1;
}

/* docs/atlas.md, "Region → views": region → bit mask of views. */
static GHashTable *
load_documented_mapping (void)
{
  g_autofree char *path = g_build_filename (TOP_SRCDIR, "docs", "atlas.md", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = NULL;
      g_auto(GStrv) views = NULL;
      g_autofree char *region = NULL;
      guint mask = 0;

      if (!g_str_has_prefix (lines[i], "| `"))
        continue;
      cells = g_strsplit (lines[i], "|", -1);
      if (g_strv_length (cells) != 4)
        continue;
      region = g_strstrip (g_strdelimit (g_strdup (cells[1]), "`", ' '));
      views = g_strsplit (cells[2], ",", -1);
      for (guint j = 0; views[j] != NULL; j++)
        {
          int v = view_from_id (g_strstrip (views[j]));

          if (v < 0)
            {
              mask = 0;
              break;
            }
          mask |= 1u << v;
        }
      if (mask != 0)
        g_hash_table_insert (map, g_steal_pointer (&region), GUINT_TO_POINTER (mask));
    }

  return map;
}

typedef struct
{
  GPtrArray  *ids;
  GHashTable *all_ids;
} ParseData;

static void
check_element (GMarkupParseContext  *context,
               const char           *element_name,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  ParseData *data = user_data;
  const char *id = NULL, *klass = NULL, *d = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "id"))
        id = values[i];
      else if (g_str_equal (names[i], "class"))
        klass = values[i];
      else if (g_str_equal (names[i], "d"))
        d = values[i];
    }

  if (id != NULL)
    {
      g_assert_false (g_hash_table_contains (data->all_ids, id));
      g_hash_table_add (data->all_ids, g_strdup (id));
    }

  if (g_strcmp0 (klass, "region") == 0)
    {
      g_autofree char *trimmed = NULL;

      g_assert_cmpstr (element_name, ==, "path");
      g_assert_nonnull (id);
      g_assert_nonnull (d);
      trimmed = g_strstrip (g_strdup (d));
      /* One closed outline: a single subpath that ends with Z. */
      g_assert_true (trimmed[0] == 'M');
      g_assert_null (strpbrk (trimmed + 1, "Mm"));
      g_assert_true (g_str_has_suffix (trimmed, "Z") || g_str_has_suffix (trimmed, "z"));
      g_assert_true (strpbrk (trimmed, "Zz") == trimmed + strlen (trimmed) - 1);
      g_ptr_array_add (data->ids, g_strdup (id));
    }
}

static void
test_regions_match_docs (void)
{
  static const GMarkupParser parser = { check_element, NULL, NULL, NULL, NULL };
  g_autoptr(GHashTable) documented = load_documented_mapping ();
  NmAtlas *atlas = nm_atlas_get_default ();
  guint seen[G_N_ELEMENTS (spec_regions)] = { 0 };

  /* The documentation names every spec region, and only those. */
  g_assert_cmpuint (g_hash_table_size (documented), ==, G_N_ELEMENTS (spec_regions) - 1);
  for (guint r = 0; spec_regions[r] != NULL; r++)
    g_assert_true (g_hash_table_contains (documented, spec_regions[r]));

  for (guint v = 0; v < NM_N_VIEWS; v++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GMarkupParseContext) context = NULL;
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GHashTable) all_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      ParseData data = { ids, all_ids };
      const char * const *in_view;
      const char *data_ptr;
      gsize size;

      bytes = g_resources_lookup_data (nm_atlas_view_resource_path (v), 0, &error);
      g_assert_no_error (error);
      data_ptr = g_bytes_get_data (bytes, &size);
      context = g_markup_parse_context_new (&parser, 0, &data, NULL);
      g_markup_parse_context_parse (context, data_ptr, size, &error);
      g_assert_no_error (error);

      /* Exactly the documented regions of this view, each once. */
      for (guint i = 0; i < ids->len; i++)
        {
          const char *id = g_ptr_array_index (ids, i);
          guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (documented, id));

          if ((mask & (1u << v)) == 0)
            g_error ("%s: unexpected region %s", view_ids[v], id);
          for (guint r = 0; spec_regions[r] != NULL; r++)
            if (g_str_equal (spec_regions[r], id))
              seen[r]++;
        }
      for (guint r = 0; spec_regions[r] != NULL; r++)
        {
          guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (documented, spec_regions[r]));
          gboolean found = FALSE;

          for (guint i = 0; i < ids->len; i++)
            found |= g_str_equal (g_ptr_array_index (ids, i), spec_regions[r]);
          if (found != ((mask & (1u << v)) != 0))
            g_error ("%s: region %s %s", view_ids[v], spec_regions[r],
                     found ? "drawn but not documented" : "documented but missing");
        }

      /* Decoration never borrows a region id; the atlas API lists the same. */
      in_view = nm_atlas_regions_in_view (atlas, v);
      g_assert_cmpuint (g_strv_length ((char **) in_view), ==, ids->len);
      for (guint i = 0; i < ids->len; i++)
        {
          g_assert_cmpstr (in_view[i], ==, g_ptr_array_index (ids, i));
          g_assert_true (nm_atlas_view_has_region (atlas, v, in_view[i]));
        }
      g_assert_false (nm_atlas_view_has_region (atlas, v, "outline"));
      g_assert_true (g_hash_table_contains (all_ids, "silhouette"));
    }

  /* Every region of the spec can be tagged somewhere. */
  for (guint r = 0; spec_regions[r] != NULL; r++)
    g_assert_cmpuint (seen[r], >=, 1);
}

static void
test_hit_anchors (void)
{
  static const double sizes[][2] = { { 400, 500 }, { 173, 611 }, { 1280, 720 }, { 2000, 2000 } };
  NmAtlas *atlas = nm_atlas_get_default ();

  for (guint v = 0; v < NM_N_VIEWS; v++)
    {
      const char * const *regions = nm_atlas_regions_in_view (atlas, v);

      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          double w = sizes[s][0], h = sizes[s][1];

          for (guint r = 0; regions[r] != NULL; r++)
            {
              double x, y, bx, by, bw, bh;

              g_assert_true (nm_atlas_region_anchor (atlas, v, regions[r], w, h, &x, &y));
              g_assert_cmpstr (nm_atlas_region_at (atlas, v, w, h, x, y), ==, regions[r]);

              /* the anchor lies in the outline's bounding box */
              g_assert_true (nm_atlas_region_bounds (atlas, v, regions[r], w, h, &bx, &by, &bw, &bh));
              g_assert_cmpfloat (bw, >, 0);
              g_assert_cmpfloat (bh, >, 0);
              g_assert_cmpfloat (x, >=, bx);
              g_assert_cmpfloat (x, <=, bx + bw);
              g_assert_cmpfloat (y, >=, by);
              g_assert_cmpfloat (y, <=, by + bh);
            }

          /* corners are background; outside the rectangle too */
          g_assert_null (nm_atlas_region_at (atlas, v, w, h, 1, 1));
          g_assert_null (nm_atlas_region_at (atlas, v, w, h, w - 1, h - 1));
          g_assert_null (nm_atlas_region_at (atlas, v, w, h, -50, h / 2));
        }

      g_assert_false (nm_atlas_region_anchor (atlas, v, "no-such-region", 100, 100, NULL, NULL));
      g_assert_false (nm_atlas_region_bounds (atlas, v, "no-such-region", 100, 100,
                                              NULL, NULL, NULL, NULL));
    }
}

static double
centroid_x (NmView      view,
            const char *region)
{
  double x, y;

  g_assert_true (nm_atlas_region_centroid (nm_atlas_get_default (), view, region, 400, 500, &x, &y));
  return x;
}

static double
centroid_y (NmView      view,
            const char *region)
{
  double x, y;

  g_assert_true (nm_atlas_region_centroid (nm_atlas_get_default (), view, region, 400, 500, &x, &y));
  return y;
}

static void
test_sides (void)
{
  static const char * const face_pairs[] = { "cheek", "temple", "eyelid", "periorbital", "jawline" };
  static const char * const body_pairs[] = { "upper-arm", "forearm", "hand", "thigh", "lower-leg", "flank" };

  /* Front views: the client's left on the viewer's right. */
  for (guint i = 0; i < G_N_ELEMENTS (face_pairs); i++)
    {
      g_autofree char *left = g_strconcat (face_pairs[i], "-left", NULL);
      g_autofree char *right = g_strconcat (face_pairs[i], "-right", NULL);

      g_assert_cmpfloat (centroid_x (NM_VIEW_FACE_FRONT, left), >, 200);
      g_assert_cmpfloat (centroid_x (NM_VIEW_FACE_FRONT, right), <, 200);
    }
  g_assert_cmpfloat (centroid_x (NM_VIEW_BODY_FRONT, "breast-left"), >,
                     centroid_x (NM_VIEW_BODY_FRONT, "breast-right"));

  /* Back view: the client's left on the viewer's left. */
  for (guint i = 0; i < G_N_ELEMENTS (body_pairs); i++)
    {
      g_autofree char *left = g_strconcat (body_pairs[i], "-left", NULL);
      g_autofree char *right = g_strconcat (body_pairs[i], "-right", NULL);

      g_assert_cmpfloat (centroid_x (NM_VIEW_BODY_FRONT, left), >, centroid_x (NM_VIEW_BODY_FRONT, right));
      g_assert_cmpfloat (centroid_x (NM_VIEW_BODY_BACK, left), <, centroid_x (NM_VIEW_BODY_BACK, right));
    }
  g_assert_cmpfloat (centroid_x (NM_VIEW_BODY_BACK, "hand-left"), <,
                     centroid_x (NM_VIEW_BODY_BACK, "hand-right"));
  g_assert_cmpfloat (centroid_x (NM_VIEW_BODY_BACK, "buttock-left"), <,
                     centroid_x (NM_VIEW_BODY_BACK, "buttock-right"));

  /* Profiles: in the left profile the nose points to the viewer's left. */
  g_assert_cmpfloat (centroid_x (NM_VIEW_FACE_LEFT, "nose"), <, centroid_x (NM_VIEW_FACE_LEFT, "cheek-left"));
  g_assert_cmpfloat (centroid_x (NM_VIEW_FACE_RIGHT, "nose"), >, centroid_x (NM_VIEW_FACE_RIGHT, "cheek-right"));

  /* Top to bottom where it must be. */
  g_assert_cmpfloat (centroid_y (NM_VIEW_FACE_FRONT, "forehead"), <, centroid_y (NM_VIEW_FACE_FRONT, "nose"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_FACE_FRONT, "nose"), <, centroid_y (NM_VIEW_FACE_FRONT, "upper-lip"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_FACE_FRONT, "upper-lip"), <, centroid_y (NM_VIEW_FACE_FRONT, "chin"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_FACE_FRONT, "chin"), <, centroid_y (NM_VIEW_FACE_FRONT, "neck"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_SCALP, "forehead"), <, centroid_y (NM_VIEW_SCALP, "scalp-frontal"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_SCALP, "scalp-frontal"), <, centroid_y (NM_VIEW_SCALP, "scalp-vertex"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_BODY_BACK, "upper-back"), <, centroid_y (NM_VIEW_BODY_BACK, "lower-back"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_BODY_BACK, "lower-back"), <, centroid_y (NM_VIEW_BODY_BACK, "buttock-left"));
  g_assert_cmpfloat (centroid_y (NM_VIEW_BODY_FRONT, "decolletage"), <, centroid_y (NM_VIEW_BODY_FRONT, "abdomen"));
}

/* Renders one element of a view alone into an A8 coverage mask. */
static cairo_surface_t *
render_mask (RsvgHandle *handle,
             const char *id,
             int         w,
             int         h)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sel = g_strconcat ("#", id, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  cairo_t *cr = cairo_create (surface);
  RsvgRectangle viewport = { 0, 0, w, h };

  g_assert_true (rsvg_handle_render_layer (handle, cr, sel, &viewport, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_tiling (void)
{
  static const char css[] =
    ".region,.silhouette{display:inline !important;fill:#000 !important;stroke:none !important}";
  NmAtlas *atlas = nm_atlas_get_default ();

  for (guint v = 0; v < NM_N_VIEWS; v++)
    {
      const char * const *regions = nm_atlas_regions_in_view (atlas, v);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (nm_atlas_view_resource_path (v), 0, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree guint *sum = NULL;
      g_autofree guint *solid = NULL;
      cairo_surface_t *silhouette;
      RsvgHandle *handle;
      double vw, vh, scale = 1.5;
      int w, h, stride;
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);
      guint inside = 0, gaps = 0, overlaps = 0;

      nm_atlas_view_size (atlas, v, &vw, &vh);
      w = (int) (vw * scale);
      h = (int) (vh * scale);
      handle = rsvg_handle_new_from_data (data, size, &error);
      g_assert_no_error (error);
      rsvg_handle_set_stylesheet (handle, (const guint8 *) css, strlen (css), &error);
      g_assert_no_error (error);

      sum = g_new0 (guint, (gsize) w * h);
      solid = g_new0 (guint, (gsize) w * h);
      for (guint r = 0; regions[r] != NULL; r++)
        {
          cairo_surface_t *mask = render_mask (handle, regions[r], w, h);
          const guint8 *px = cairo_image_surface_get_data (mask);

          stride = cairo_image_surface_get_stride (mask);
          for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
              {
                guint a = px[(gsize) y * stride + x];

                sum[(gsize) y * w + x] += a;
                if (a > 160)
                  solid[(gsize) y * w + x]++;
              }
          cairo_surface_destroy (mask);
        }

      silhouette = render_mask (handle, "silhouette", w, h);
      stride = cairo_image_surface_get_stride (silhouette);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            guint a = cairo_image_surface_get_data (silhouette)[(gsize) y * stride + x];
            gsize i = (gsize) y * w + x;

            /* Two regions both (nearly) covering one pixel: an overlap a
             * click could fall into. Shared edges give ~50 % + 50 %. */
            if (solid[i] > 1 || sum[i] > 255 + 96)
              overlaps++;
            if (a == 255)
              {
                inside++;
                if (sum[i] < 128)
                  gaps++;
              }
          }
      cairo_surface_destroy (silhouette);
      g_object_unref (handle);

      g_test_message ("%s: %u pixels inside, %u gaps, %u overlaps", view_ids[v], inside, gaps, overlaps);
      g_assert_cmpuint (inside, >, (guint) (w * h / 8));
      g_assert_cmpfloat ((double) gaps / inside, <, 0.005);
      g_assert_cmpuint (overlaps, <=, inside / 2000);
    }
}

static void
probe (cairo_surface_t *surface,
       double           x,
       double           y,
       double           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p;

  cairo_surface_flush (surface);
  p = *(const guint32 *) (data + (gsize) floor (y) * stride + (gsize) floor (x) * 4);
  g_assert_cmpuint (p >> 24, ==, 0xff);
  rgb[0] = ((p >> 16) & 0xff) / 255.0;
  rgb[1] = ((p >> 8) & 0xff) / 255.0;
  rgb[2] = (p & 0xff) / 255.0;
}

static void
assert_colour (const double got[3],
               const double want[3])
{
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (got[c], want[c], 2.5 / 255);
}

static cairo_surface_t *
render_view (NmView              view,
             int                 w,
             int                 h,
             const NmAtlasStyle *style)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  nm_atlas_render (nm_atlas_get_default (), cr, view, w, h, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return surface;
}

static void
test_render_fill (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(GHashTable) fills = g_hash_table_new (g_str_hash, g_str_equal);
  NmRgba green = { 0.1, 0.6, 0.3, 1.0 };
  NmRgba half = { 0.0, 0.0, 1.0, 0.5 };
  NmAtlasStyle style;
  cairo_surface_t *surface;
  double x, y, got[3], want[3];
  const int w = 640, h = 560;

  nm_atlas_style_init (&style, 2);
  g_hash_table_insert (fills, (gpointer) "cheek-left", &green);
  g_hash_table_insert (fills, (gpointer) "forehead", &half);
  style.fills = fills;
  surface = render_view (NM_VIEW_FACE_FRONT, w, h, &style);

  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "cheek-left", w, h, &x, &y));
  g_assert_cmpfloat (x, >, w / 2.0);
  probe (surface, x, y, got);
  want[0] = green.red, want[1] = green.green, want[2] = green.blue;
  assert_colour (got, want);

  /* half-transparent fills are laid over the skin */
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "forehead", w, h, &x, &y));
  probe (surface, x, y, got);
  for (guint c = 0; c < 3; c++)
    want[c] = style.skin[c] * 0.5 + (c == 2 ? 0.5 : 0.0);
  assert_colour (got, want);

  /* an unfilled region shows the skin */
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "cheek-right", w, h, &x, &y));
  probe (surface, x, y, got);
  assert_colour (got, style.skin);

  /* outside the figure nothing is drawn */
  g_assert_cmpuint (*(guint32 *) cairo_image_surface_get_data (surface), ==, 0);
  cairo_surface_destroy (surface);
}

static void
test_skin_tone (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  double previous = 2;

  for (guint type = 1; type <= 6; type++)
    {
      NmAtlasStyle style;
      cairo_surface_t *surface;
      double x, y, got[3], luma;

      nm_atlas_style_init (&style, type);
      luma = 0.2126 * style.skin[0] + 0.7152 * style.skin[1] + 0.0722 * style.skin[2];
      g_assert_cmpfloat (luma, <, previous - 0.05);
      previous = luma;

      surface = render_view (NM_VIEW_BODY_FRONT, 300, 600, &style);
      g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_BODY_FRONT, "thigh-left", 300, 600, &x, &y));
      probe (surface, x, y, got);
      assert_colour (got, style.skin);
      cairo_surface_destroy (surface);
    }

  /* out-of-range types are clamped */
  {
    double a[3], b[3];

    nm_skin_tone_for_fitzpatrick (0, a);
    nm_skin_tone_for_fitzpatrick (1, b);
    assert_colour (a, b);
    nm_skin_tone_for_fitzpatrick (9, a);
    nm_skin_tone_for_fitzpatrick (6, b);
    assert_colour (a, b);
  }
}

static void
test_hover_and_selection (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  NmAtlasStyle style;
  cairo_surface_t *plain, *styled;
  double x, y, before[3], after[3];
  g_autofree char *css = NULL;

  nm_atlas_style_init (&style, 3);
  plain = render_view (NM_VIEW_FACE_LEFT, 400, 500, &style);
  style.hovered = "cheek-left";
  style.selected = "neck";
  styled = render_view (NM_VIEW_FACE_LEFT, 400, 500, &style);

  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_LEFT, "cheek-left", 400, 500, &x, &y));
  probe (plain, x, y, before);
  probe (styled, x, y, after);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (after[c], >, before[c] + 0.02);

  /* the selected region keeps its fill inside */
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_LEFT, "neck", 400, 500, &x, &y));
  probe (plain, x, y, before);
  probe (styled, x, y, after);
  assert_colour (after, before);

  css = nm_atlas_style_to_css (&style);
  g_assert_nonnull (strstr (css, "#neck{stroke:"));
  g_assert_nonnull (strstr (css, "#cheek-left{fill:"));

  cairo_surface_destroy (plain);
  cairo_surface_destroy (styled);
}

static void
test_fit (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  cairo_matrix_t m;
  double vw, vh, x, y, x2, y2;

  nm_atlas_view_size (atlas, NM_VIEW_FACE_FRONT, &vw, &vh);
  g_assert_cmpfloat (vw, ==, 400);
  g_assert_cmpfloat (vh, ==, 500);

  nm_atlas_fit (atlas, NM_VIEW_FACE_FRONT, 800, 500, &m);
  g_assert_cmpfloat (m.xx, ==, 1);
  g_assert_cmpfloat (m.yy, ==, 1);
  g_assert_cmpfloat (m.x0, ==, 200);
  g_assert_cmpfloat (m.y0, ==, 0);

  nm_atlas_fit (atlas, NM_VIEW_BODY_FRONT, 400, 400, &m);
  g_assert_cmpfloat_with_epsilon (m.xx, 400.0 / 900, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.x0, (400 - 400 * 400.0 / 900) / 2, 1e-9);

  /* the same anatomical point, found through two differently shaped areas */
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "chin", 400, 500, &x, &y));
  g_assert_true (nm_atlas_region_anchor (atlas, NM_VIEW_FACE_FRONT, "chin", 800, 1000, &x2, &y2));
  g_assert_cmpfloat_with_epsilon (x2, 2 * x, 1e-6);
  g_assert_cmpfloat_with_epsilon (y2, 2 * y, 1e-6);
  g_assert_cmpstr (nm_atlas_region_at (atlas, NM_VIEW_FACE_FRONT, 1200, 1000, x2 + 200, y2), ==, "chin");
}

/* An RsvgHandle is not for two threads at once: while one thread draws
 * with the cached handle of a stylesheet, another gets a handle of its own;
 * once it is given back, the cached one is lent again. */
static void
test_handle_lent_to_one_thread (void)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  AtlasView *av = _nm_atlas_get_view (atlas, NM_VIEW_FACE_FRONT);
  RsvgHandle *first, *second, *again;

  first = _nm_atlas_ref_handle (atlas, av, SHAPE_CSS);
  second = _nm_atlas_ref_handle (atlas, av, SHAPE_CSS);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_true (first != second);
  _nm_atlas_release_handle (atlas, av, second);
  _nm_atlas_release_handle (atlas, av, first);

  again = _nm_atlas_ref_handle (atlas, av, SHAPE_CSS);
  g_assert_true (again == first);
  _nm_atlas_release_handle (atlas, av, again);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/atlas/handle-lent-to-one-thread", test_handle_lent_to_one_thread);
  g_test_add_func ("/atlas/regions-match-docs", test_regions_match_docs);
  g_test_add_func ("/atlas/hit-anchors", test_hit_anchors);
  g_test_add_func ("/atlas/sides", test_sides);
  g_test_add_func ("/atlas/tiling", test_tiling);
  g_test_add_func ("/atlas/render-fill", test_render_fill);
  g_test_add_func ("/atlas/skin-tone", test_skin_tone);
  g_test_add_func ("/atlas/hover-selection", test_hover_and_selection);
  g_test_add_func ("/atlas/fit", test_fit);

  return g_test_run ();
}
