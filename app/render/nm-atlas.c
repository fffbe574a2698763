/* nm-atlas.c
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

#define G_LOG_DOMAIN "nm-atlas"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <librsvg/rsvg.h>

#include "nm-atlas-private.h"

/* Recoloured handles kept per view (hover changes the stylesheet). */
#define HANDLE_CACHE_SIZE 12

G_DEFINE_QUARK (nm-atlas-error-quark, nm_atlas_error)

static gboolean is_css_ident (const char *id);

/* Region ids are read from the document structure with GMarkup: every
 * element whose class list holds "region". The parse also checks the
 * layout that lets a raster target be composed from cached layers (see
 * nm-atlas-cache.c): the regions are exactly the children of the
 * "regions" group, between the "underlay" and "decor" groups. */
typedef struct
{
  GPtrArray *ids;
  int        depth;
  int        regions_depth;  /* depth of the open "regions" group, or -1 */
  guint      groups_seen;    /* underlay 1, regions 2, decor 4, in order */
  gboolean   composable;
} Collect;

static void
collect_region_start (GMarkupParseContext  *context,
                      const char           *element_name,
                      const char          **attribute_names,
                      const char          **attribute_values,
                      gpointer              user_data,
                      GError              **error)
{
  Collect *collect = user_data;
  const char *id = NULL;
  const char *klass = NULL;
  gboolean region = FALSE;

  for (guint i = 0; attribute_names[i] != NULL; i++)
    {
      if (g_str_equal (attribute_names[i], "id"))
        id = attribute_values[i];
      else if (g_str_equal (attribute_names[i], "class"))
        klass = attribute_values[i];
    }

  if (klass != NULL && id != NULL)
    {
      g_auto(GStrv) classes = g_strsplit_set (klass, " \t\n", -1);

      if (g_strv_contains ((const char * const *) classes, "region"))
        {
          g_ptr_array_add (collect->ids, (gpointer) g_intern_string (id));
          region = TRUE;
        }
    }

  collect->depth++;
  if (collect->regions_depth >= 0 && collect->depth == collect->regions_depth + 1)
    {
      /* a direct child of "regions": a region path and nothing else */
      if (!region || !g_str_equal (element_name, "path"))
        collect->composable = FALSE;
    }
  else if (region)
    collect->composable = FALSE;

  if (g_strcmp0 (id, "underlay") == 0)
    collect->composable &= collect->groups_seen == 0, collect->groups_seen |= 1;
  else if (g_strcmp0 (id, "regions") == 0)
    {
      collect->composable &= collect->groups_seen == 1;
      collect->groups_seen |= 2;
      collect->regions_depth = collect->depth;
    }
  else if (g_strcmp0 (id, "decor") == 0)
    collect->composable &= collect->groups_seen == 3, collect->groups_seen |= 4;
}

static void
collect_region_end (GMarkupParseContext  *context,
                    const char           *element_name,
                    gpointer              user_data,
                    GError              **error)
{
  Collect *collect = user_data;

  if (collect->depth == collect->regions_depth)
    collect->regions_depth = -1;
  collect->depth--;
}

static gboolean
load_view (AtlasView  *av,
           NmView      view,
           GError    **error)
{
  static const GMarkupParser parser = { collect_region_start, collect_region_end, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GBytes) bytes = NULL;
  RsvgHandle *handle;
  Collect collect;
  gboolean sized;
  const char *path = nm_atlas_view_resource_path (view);
  gsize size;
  const guint8 *data;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &size);
  handle = rsvg_handle_new_from_data (data, size, error);
  if (handle == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  /* librsvg 2.54 has no autoptr for RsvgHandle (newer ones do). */
  sized = rsvg_handle_get_intrinsic_size_in_pixels (handle, &av->width, &av->height);
  g_object_unref (handle);
  if (!sized || av->width <= 0 || av->height <= 0)
    {
      g_set_error (error, NM_ATLAS_ERROR, NM_ATLAS_ERROR_INVALID,
                   "%s: the document has no size", path);
      return FALSE;
    }

  av->regions = g_ptr_array_new ();
  collect = (Collect) { av->regions, 0, -1, 0, TRUE };
  context = g_markup_parse_context_new (&parser, 0, &collect, NULL);
  if (!g_markup_parse_context_parse (context, (const char *) data, size, error)
      || !g_markup_parse_context_end_parse (context, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  /* The pick buffer encodes region k as red = 8 (k + 1). */
  if (av->regions->len == 0 || av->regions->len > 31)
    {
      g_set_error (error, NM_ATLAS_ERROR, NM_ATLAS_ERROR_INVALID,
                   "%s: %u regions", path, av->regions->len);
      return FALSE;
    }

  av->index = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < av->regions->len; i++)
    g_hash_table_insert (av->index, g_ptr_array_index (av->regions, i), GUINT_TO_POINTER (i + 1));
  g_ptr_array_add (av->regions, NULL);
  av->composable = collect.composable && collect.groups_seen == 7;
  for (guint i = 0; av->composable && i < av->regions->len - 1; i++)
    av->composable = is_css_ident (g_ptr_array_index (av->regions, i));

  av->svg = g_steal_pointer (&bytes);
  av->handles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  av->busy = g_hash_table_new (NULL, NULL);
  g_queue_init (&av->lru);

  return TRUE;
}

static void
clear_view (AtlasView *av)
{
  g_clear_pointer (&av->svg, g_bytes_unref);
  g_clear_pointer (&av->regions, g_ptr_array_unref);
  g_clear_pointer (&av->index, g_hash_table_unref);
  g_clear_pointer (&av->pick, _nm_atlas_pick_free);
  g_clear_pointer (&av->bounds, g_free);
  g_queue_clear (&av->lru);
  g_clear_pointer (&av->handles, g_hash_table_unref);
  g_clear_pointer (&av->busy, g_hash_table_unref);
}

/**
 * nm_atlas_new:
 * @error: return location for a #GError
 *
 * Loads every view of the atlas from the application's resources.
 *
 * Returns: (transfer full) (nullable): the atlas
 */
NmAtlas *
nm_atlas_new (GError **error)
{
  NmAtlas *self = g_new0 (NmAtlas, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->cache = _nm_atlas_cache_new ();

  for (guint v = 0; v < NM_N_VIEWS; v++)
    {
      if (!load_view (&self->views[v], v, error))
        {
          nm_atlas_unref (self);
          return NULL;
        }
    }

  return self;
}

/**
 * nm_atlas_get_default:
 *
 * Returns: (transfer none): the shared atlas, loaded on first use
 */
NmAtlas *
nm_atlas_get_default (void)
{
  static NmAtlas *atlas;

  if (g_once_init_enter (&atlas))
    {
      g_autoptr(GError) error = NULL;
      NmAtlas *loaded = nm_atlas_new (&error);

      /* The atlas is compiled into the binary: failing here is a build bug. */
      if (loaded == NULL)
        g_error ("Cannot load the anatomy atlas: %s", error->message);
      g_once_init_leave (&atlas, loaded);
    }

  return atlas;
}

NmAtlas *
nm_atlas_ref (NmAtlas *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
nm_atlas_unref (NmAtlas *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint v = 0; v < NM_N_VIEWS; v++)
    clear_view (&self->views[v]);
  g_clear_pointer (&self->cache, _nm_atlas_cache_free);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * nm_atlas_view_resource_path:
 * @view: a view
 *
 * Returns: the GResource path of the view's SVG
 */
const char *
nm_atlas_view_resource_path (NmView view)
{
  static const char * const paths[NM_N_VIEWS] = {
    RESOURCE_BASE "/atlas/face-front.svg",
    RESOURCE_BASE "/atlas/face-left.svg",
    RESOURCE_BASE "/atlas/face-right.svg",
    RESOURCE_BASE "/atlas/scalp.svg",
    RESOURCE_BASE "/atlas/body-front.svg",
    RESOURCE_BASE "/atlas/body-back.svg",
  };

  g_return_val_if_fail (view < NM_N_VIEWS, NULL);

  return paths[view];
}

AtlasView *
_nm_atlas_get_view (NmAtlas *self,
                    NmView   view)
{
  if (self == NULL || view >= NM_N_VIEWS)
    return NULL;
  return &self->views[view];
}

/**
 * nm_atlas_view_size:
 *
 * The view's own size in view units (its SVG viewBox).
 */
void
nm_atlas_view_size (NmAtlas *self,
                    NmView   view,
                    double  *width,
                    double  *height)
{
  AtlasView *av = _nm_atlas_get_view (self, view);

  g_return_if_fail (av != NULL);

  if (width != NULL)
    *width = av->width;
  if (height != NULL)
    *height = av->height;
}

/**
 * nm_atlas_fit:
 * @out: (out): the matrix from view units to the rectangle's coordinates
 *
 * Fits the view into a @width × @height rectangle at the origin: as large as
 * possible, aspect kept, centred.
 */
void
nm_atlas_fit (NmAtlas        *self,
              NmView          view,
              double          width,
              double          height,
              cairo_matrix_t *out)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  double scale;

  g_return_if_fail (av != NULL);
  g_return_if_fail (out != NULL);

  scale = MIN (MAX (width, 0) / av->width, MAX (height, 0) / av->height);
  cairo_matrix_init (out, scale, 0, 0, scale,
                     (width - av->width * scale) / 2.0,
                     (height - av->height * scale) / 2.0);
}

/* From the fitted rectangle's coordinates to view units. */
gboolean
_nm_atlas_to_view (NmAtlas *self,
                   NmView   view,
                   double   width,
                   double   height,
                   double  *x,
                   double  *y)
{
  cairo_matrix_t m;

  nm_atlas_fit (self, view, width, height, &m);
  if (m.xx <= 0 || cairo_matrix_invert (&m) != CAIRO_STATUS_SUCCESS)
    return FALSE;
  cairo_matrix_transform_point (&m, x, y);
  return TRUE;
}

/* From view units to the fitted rectangle's coordinates. */
void
_nm_atlas_from_view (NmAtlas *self,
                     NmView   view,
                     double   width,
                     double   height,
                     double  *x,
                     double  *y)
{
  cairo_matrix_t m;

  nm_atlas_fit (self, view, width, height, &m);
  cairo_matrix_transform_point (&m, x, y);
}

/* ---------------------------------------------------------------- colours */

/* The accent of hovered and selected regions' outlines. */
static const double accent[3] = { 0.11, 0.44, 0.85 };

/**
 * nm_skin_tone_for_fitzpatrick:
 * @type: Fitzpatrick skin type 1–6 (clamped)
 * @rgb: (out): sRGB components 0–1
 *
 * A neutral illustration tone for each skin type, from light to deep.
 */
void
nm_skin_tone_for_fitzpatrick (guint  type,
                              double rgb[3])
{
  static const guint8 tones[6][3] = {
    { 0xf4, 0xdc, 0xcb },
    { 0xea, 0xc5, 0xa8 },
    { 0xd8, 0xa7, 0x84 },
    { 0xbb, 0x84, 0x5d },
    { 0x8e, 0x5e, 0x3f },
    { 0x5f, 0x3e, 0x2b },
  };
  guint i = CLAMP (type, 1, 6) - 1;

  for (guint c = 0; c < 3; c++)
    rgb[c] = tones[i][c] / 255.0;
}

void
nm_atlas_style_init (NmAtlasStyle *style,
                     guint         fitzpatrick)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  nm_skin_tone_for_fitzpatrick (fitzpatrick, style->skin);
}

/* WCAG relative luminance of an sRGB colour. */
static double
luminance (const double rgb[3])
{
  double c[3];

  for (guint i = 0; i < 3; i++)
    c[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/**
 * nm_atlas_marking_ink:
 * @skin: the skin tone, sRGB 0–1
 * @ink: (out): the colour of marked regions' stipple and outline
 *
 * A deep brown or a cream, whichever contrasts more with @skin (a contrast
 * ratio of at least 3:1 on every tone of nm_skin_tone_for_fitzpatrick()),
 * so that a marked finding does not depend on its colour to be seen.
 */
void
nm_atlas_marking_ink (const double skin[3],
                      double       ink[3])
{
  static const double dark[3] = { 0.165, 0.098, 0.063 };
  static const double light[3] = { 1.0, 0.965, 0.902 };
  double l = luminance (skin);
  double with_dark = (l + 0.05) / (luminance (dark) + 0.05);
  double with_light = (luminance (light) + 0.05) / (l + 0.05);

  memcpy (ink, with_dark >= with_light ? dark : light, sizeof (double) * 3);
}

static void
mix (const double a[3],
     const double b[3],
     double       t,
     double       out[3])
{
  for (guint c = 0; c < 3; c++)
    out[c] = a[c] * (1 - t) + b[c] * t;
}

static void
append_colour (GString      *css,
               const double  rgb[3])
{
  g_string_append_printf (css, "#%02x%02x%02x",
                          (guint) lround (CLAMP (rgb[0], 0, 1) * 255),
                          (guint) lround (CLAMP (rgb[1], 0, 1) * 255),
                          (guint) lround (CLAMP (rgb[2], 0, 1) * 255));
}

static void
append_rule (GString      *css,
             const char   *selector,
             const char   *property,
             const double  rgb[3])
{
  g_string_append_printf (css, "%s{%s:", selector, property);
  append_colour (css, rgb);
  g_string_append (css, " !important}\n");
}

static void
region_fill (const NmAtlasStyle *style,
             const char         *region,
             double              out[3])
{
  const NmRgba *fill = NULL;

  if (style->fills != NULL)
    fill = g_hash_table_lookup (style->fills, region);
  if (fill != NULL)
    {
      double rgb[3] = { fill->red, fill->green, fill->blue };

      mix (style->skin, rgb, CLAMP (fill->alpha, 0, 1), out);
    }
  else
    memcpy (out, style->skin, sizeof (double) * 3);
}

/* The lines between regions, from the skin tone. */
static void
seam_colour (const double skin[3],
             double       out[3])
{
  static const double black[3] = { 0, 0, 0 };
  double line[3];

  mix (skin, black, 0.55, line);
  mix (skin, line, 0.45, out);
}

static void
hover_fill (const NmAtlasStyle *style,
            const char         *region,
            double              out[3])
{
  static const double white[3] = { 1, 1, 1 };
  double fill[3];

  region_fill (style, region, fill);
  mix (fill, white, 0.28, out);
}

/* A colour as the stylesheet writes it, 8 bits a channel, so that a
 * composed frame shows exactly what librsvg draws from the stylesheet. */
static void
quantize (const double in[3],
          double       out[3])
{
  for (guint c = 0; c < 3; c++)
    out[c] = lround (CLAMP (in[c], 0, 1) * 255) / 255.0;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_css_ident (const char *id)
{
  if (id == NULL || !g_ascii_isalpha (*id))
    return FALSE;
  for (; *id; id++)
    if (!g_ascii_isalnum (*id) && *id != '-' && *id != '_')
      return FALSE;
  return TRUE;
}

static void
append_selected_rule (GString    *css,
                      const char *region)
{
  g_autofree char *sel = g_strconcat ("#", region, NULL);

  append_rule (css, sel, "stroke", accent);
  g_string_append_printf (css, "%s{stroke-width:2.4 !important}\n", sel);
}

/**
 * nm_atlas_style_to_css:
 * @style: a style
 *
 * The user stylesheet that paints the atlas in @style: skin tone, lines
 * derived from it, region fills, hover and selection.
 *
 * Returns: (transfer full): CSS text
 */
char *
nm_atlas_style_to_css (const NmAtlasStyle *style)
{
  static const double black[3] = { 0, 0, 0 };
  static const double rose[3] = { 0.80, 0.40, 0.42 };
  static const double hair[3] = { 0.50, 0.46, 0.43 };
  GString *css = g_string_new (NULL);
  double line[3], seam[3], lip[3], brow[3], tmp[3];
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (style != NULL, NULL);

  mix (style->skin, black, 0.55, line);
  seam_colour (style->skin, seam);
  mix (style->skin, rose, 0.35, tmp);
  mix (tmp, black, 0.08, lip);
  mix (line, hair, 0.35, brow);

  append_rule (css, ".region", "fill", style->skin);
  append_rule (css, ".region", "stroke", seam);
  append_rule (css, ".skin", "fill", style->skin);
  append_rule (css, "#underlay .skin,#decor .skin,.outline,.line,.fine,.eye", "stroke", line);
  append_rule (css, ".lip", "fill", lip);
  append_rule (css, ".lip", "stroke", line);
  append_rule (css, ".brow", "fill", brow);
  append_rule (css, ".nostril", "fill", line);

  if (style->fills != NULL)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();

      /* Sorted, so that equal styles give equal stylesheets (handle cache). */
      g_hash_table_iter_init (&iter, style->fills);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (is_css_ident (key))
          g_ptr_array_add (ids, key);
      g_ptr_array_sort (ids, compare_strings);
      for (guint i = 0; i < ids->len; i++)
        {
          const char *id = g_ptr_array_index (ids, i);
          g_autofree char *sel = g_strconcat ("#", id, NULL);
          double fill[3];

          region_fill (style, id, fill);
          append_rule (css, sel, "fill", fill);
        }
    }

  /* marked regions' outlines, which hover and selection then override */
  for (guint i = 0; style->marked != NULL && style->marked[i] != NULL; i++)
    if (is_css_ident (style->marked[i]))
      {
        g_autofree char *sel = g_strconcat ("#", style->marked[i], NULL);
        double ink[3];

        nm_atlas_marking_ink (style->skin, ink);
        append_rule (css, sel, "stroke", ink);
        g_string_append_printf (css, "%s{stroke-width:2.4 !important}\n", sel);
      }

  if (is_css_ident (style->hovered))
    {
      g_autofree char *sel = g_strconcat ("#", style->hovered, NULL);
      double fill[3];

      hover_fill (style, style->hovered, fill);
      append_rule (css, sel, "fill", fill);
      append_rule (css, sel, "stroke", accent);
      g_string_append_printf (css, "%s{stroke-width:1.2 !important}\n", sel);
    }

  if (is_css_ident (style->selected))
    append_selected_rule (css, style->selected);
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    if (is_css_ident (style->selected_set[i]))
      append_selected_rule (css, style->selected_set[i]);

  return g_string_free (css, FALSE);
}

static void
set_stroke (RegionPaint  *paint,
            const double  rgb[3],
            AtlasStroke   kind)
{
  memcpy (paint->stroke, rgb, sizeof paint->stroke);
  paint->stroke_kind = kind;
}

/* nm_atlas_style_to_css() in numbers: the fill and stroke it gives each
 * region of @av (@paint holds one per region), with its 8-bit rounding, so
 * that a composed frame shows what librsvg draws from the stylesheet. */
void
_nm_atlas_style_paint (AtlasView          *av,
                       const NmAtlasStyle *style,
                       RegionPaint        *paint)
{
  guint n = av->regions->len - 1;
  double seam[3], accent_q[3], ink_q[3];
  guint hovered = 0, selected = 0, k;

  seam_colour (style->skin, seam);
  quantize (seam, seam);
  quantize (accent, accent_q);

  if (is_css_ident (style->hovered))
    hovered = _nm_atlas_region_index (av, style->hovered);
  if (is_css_ident (style->selected))
    selected = _nm_atlas_region_index (av, style->selected);

  nm_atlas_marking_ink (style->skin, ink_q);
  quantize (ink_q, ink_q);
  for (k = 0; k < n; k++)
    {
      const char *region = g_ptr_array_index (av->regions, k);
      RegionPaint *p = &paint[k];

      if (k + 1 == hovered)
        hover_fill (style, region, p->fill);
      else
        region_fill (style, region, p->fill);
      quantize (p->fill, p->fill);
      if (k + 1 == hovered)
        set_stroke (p, accent_q, ATLAS_STROKE_HOVER);
      else
        set_stroke (p, seam, ATLAS_STROKE_SEAM);
    }
  /* Marked regions' outlines come before hover in the stylesheet. */
  for (guint i = 0; style->marked != NULL && style->marked[i] != NULL; i++)
    {
      k = is_css_ident (style->marked[i]) ? _nm_atlas_region_index (av, style->marked[i]) : 0;
      if (k > 0 && k != hovered)
        set_stroke (&paint[k - 1], ink_q, ATLAS_STROKE_SELECT);
    }
  /* Selection comes after hover in the stylesheet, so its width wins. */
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    {
      k = is_css_ident (style->selected_set[i])
          ? _nm_atlas_region_index (av, style->selected_set[i]) : 0;
      if (k > 0)
        set_stroke (&paint[k - 1], accent_q, ATLAS_STROKE_SELECT);
    }
  if (selected > 0)
    set_stroke (&paint[selected - 1], accent_q, ATLAS_STROKE_SELECT);
}

static RsvgHandle *
new_handle (AtlasView  *av,
            const char *css)
{
  g_autoptr(GError) error = NULL;
  RsvgHandle *handle;
  gsize size;
  const guint8 *data;

  data = g_bytes_get_data (av->svg, &size);
  handle = rsvg_handle_new_from_data (data, size, &error);
  if (handle == NULL)
    {
      g_critical ("Cannot parse an atlas view: %s", error->message);
      return NULL;
    }
  if (!rsvg_handle_set_stylesheet (handle, (const guint8 *) css, strlen (css), &error))
    {
      g_critical ("Invalid atlas stylesheet: %s", error->message);
      g_object_unref (handle);
      return NULL;
    }
  return handle;
}

/* Called with the lock held: a handle painted by @css that no other
 * thread draws with, with a reference, until _nm_atlas_release_handle().
 * An RsvgHandle may not be used by two threads at once (the map view
 * renders on a worker thread, the exports too), so while the cached one
 * is busy, the caller gets a private one. */
static RsvgHandle *
checkout_handle (AtlasView  *av,
                 const char *css)
{
  RsvgHandle *handle;
  char *key;

  handle = g_hash_table_lookup (av->handles, css);
  if (handle != NULL && g_hash_table_contains (av->busy, handle))
    return new_handle (av, css);
  if (handle != NULL)
    {
      GList *link = g_queue_find_custom (&av->lru, css, (GCompareFunc) g_strcmp0);

      g_queue_unlink (&av->lru, link);
      g_queue_push_head_link (&av->lru, link);
    }
  else
    {
      handle = new_handle (av, css);
      if (handle == NULL)
        return NULL;
      while (g_queue_get_length (&av->lru) >= HANDLE_CACHE_SIZE)
        g_hash_table_remove (av->handles, g_queue_pop_tail (&av->lru));

      key = g_strdup (css);
      g_hash_table_insert (av->handles, key, handle);
      g_queue_push_head (&av->lru, key);
    }

  g_hash_table_add (av->busy, handle);
  return g_object_ref (handle);
}

/* A handle painted by @css, for use without the lock by this thread
 * alone; give it back with _nm_atlas_release_handle(). */
RsvgHandle *
_nm_atlas_ref_handle (NmAtlas    *self,
                      AtlasView  *av,
                      const char *css)
{
  RsvgHandle *handle;

  g_mutex_lock (&self->lock);
  handle = checkout_handle (av, css);
  g_mutex_unlock (&self->lock);
  return handle;
}

void
_nm_atlas_release_handle (NmAtlas    *self,
                          AtlasView  *av,
                          RsvgHandle *handle)
{
  if (handle == NULL)
    return;
  /* Out of the busy set before the reference goes, so that its address
   * cannot be taken by another handle while still marked. */
  g_mutex_lock (&self->lock);
  g_hash_table_remove (av->busy, handle);
  g_mutex_unlock (&self->lock);
  g_object_unref (handle);
}

/* Draws the element with the id @id (a group or a region). */
void
_nm_atlas_render_layer (RsvgHandle          *handle,
                        cairo_t             *cr,
                        const char          *id,
                        const RsvgRectangle *viewport)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sel = g_strconcat ("#", id, NULL);

  if (!rsvg_handle_render_layer (handle, cr, sel, viewport, &error))
    g_warning ("Cannot draw %s: %s", sel, error->message);
}

static void hatch_region (NmAtlas    *self,
                          cairo_t    *cr,
                          NmView      view,
                          const char *region,
                          double      width,
                          double      height);
static void stipple_region (NmAtlas            *self,
                            cairo_t            *cr,
                            NmView              view,
                            const char         *region,
                            double              width,
                            double              height,
                            const NmAtlasStyle *style);

void
_nm_atlas_draw_overlay (cairo_t              *cr,
                        const NmAtlasOverlay *overlay,
                        double                width,
                        double                height)
{
  if (overlay->draw == NULL)
    return;
  cairo_save (cr);
  overlay->draw (cr, width, height, overlay->data);
  cairo_restore (cr);
}

/* The one drawing of the view: librsvg renders it from the stylesheet,
 * then the hatching, the hovered and selected regions again (so that their
 * outlines lie above their neighbours), the drawn features and the
 * overlays. A vector target always gets this; a raster target gets the
 * same operations replayed from cached layers (see nm-atlas-cache.c). */
static void
render_direct (NmAtlas             *self,
               AtlasView           *av,
               cairo_t             *cr,
               NmView               view,
               double               width,
               double               height,
               const char          *css,
               const NmAtlasStyle  *style,
               const RsvgRectangle *viewport)
{
  RsvgHandle *handle = _nm_atlas_ref_handle (self, av, css);

  if (handle == NULL)
    return;

  cairo_save (cr);
  _nm_atlas_render_layer (handle, cr, "underlay", viewport);
  _nm_atlas_render_layer (handle, cr, "regions", viewport);
  for (guint i = 0; style->hatched != NULL && style->hatched[i] != NULL; i++)
    hatch_region (self, cr, view, style->hatched[i], width, height);
  for (guint i = 0; style->marked != NULL && style->marked[i] != NULL; i++)
    if (nm_atlas_view_has_region (self, view, style->marked[i]))
      _nm_atlas_render_layer (handle, cr, style->marked[i], viewport);
  if (style->hovered != NULL && nm_atlas_view_has_region (self, view, style->hovered))
    _nm_atlas_render_layer (handle, cr, style->hovered, viewport);
  if (style->selected != NULL && nm_atlas_view_has_region (self, view, style->selected))
    _nm_atlas_render_layer (handle, cr, style->selected, viewport);
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    if (nm_atlas_view_has_region (self, view, style->selected_set[i])
        && g_strcmp0 (style->selected_set[i], style->selected) != 0)
      _nm_atlas_render_layer (handle, cr, style->selected_set[i], viewport);
  for (guint i = 0; style->marked != NULL && style->marked[i] != NULL; i++)
    stipple_region (self, cr, view, style->marked[i], width, height, style);
  _nm_atlas_render_layer (handle, cr, "decor", viewport);
  cairo_restore (cr);
  _nm_atlas_release_handle (self, av, handle);

  for (guint i = 0; i < NM_ATLAS_N_OVERLAYS; i++)
    _nm_atlas_draw_overlay (cr, &style->overlays[i], width, height);
}

/**
 * nm_atlas_render:
 * @cr: a cairo context; the view is drawn into (0, 0, @width, @height)
 *   of its current user space
 * @style: (nullable): colours; %NULL for Fitzpatrick III skin, no fills
 *
 * Draws the view fitted into the rectangle (see nm_atlas_fit()).
 */
void
nm_atlas_render (NmAtlas            *self,
                 cairo_t            *cr,
                 NmView              view,
                 double              width,
                 double              height,
                 const NmAtlasStyle *style)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  NmAtlasStyle fallback;
  g_autofree char *css = NULL;
  RsvgRectangle viewport;
  cairo_matrix_t m;

  g_return_if_fail (av != NULL);
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;

  if (style == NULL)
    {
      nm_atlas_style_init (&fallback, 3);
      style = &fallback;
    }

  nm_atlas_fit (self, view, width, height, &m);
  viewport.x = m.x0;
  viewport.y = m.y0;
  viewport.width = av->width * m.xx;
  viewport.height = av->height * m.yy;

  if (_nm_atlas_cache_render (self, av, cr, view, width, height, style, &viewport))
    return;

  css = nm_atlas_style_to_css (style);
  render_direct (self, av, cr, view, width, height, css, style, &viewport);
}

/* ---------------------------------------------------------------- regions */

/**
 * nm_atlas_regions_in_view:
 *
 * Returns: (transfer none) (array zero-terminated=1): the interned ids of
 *   the regions drawn in @view, in drawing order
 */
const char * const *
nm_atlas_regions_in_view (NmAtlas *self,
                          NmView   view)
{
  AtlasView *av = _nm_atlas_get_view (self, view);

  g_return_val_if_fail (av != NULL, NULL);

  return (const char * const *) av->regions->pdata;
}

gboolean
nm_atlas_view_has_region (NmAtlas    *self,
                          NmView      view,
                          const char *region)
{
  AtlasView *av = _nm_atlas_get_view (self, view);

  g_return_val_if_fail (av != NULL, FALSE);

  if (region == NULL)
    return FALSE;
  return g_hash_table_contains (av->index, g_intern_string (region));
}

/* The region's index + 1 in @av, or 0 if @av has no such region. */
guint
_nm_atlas_region_index (AtlasView  *av,
                        const char *region)
{
  if (region == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (av->index, g_intern_string (region)));
}

/**
 * nm_atlas_region_bounds:
 * @x: (out): left edge
 * @y: (out): top edge
 * @w: (out): width
 * @h: (out): height
 *
 * The bounding box of the region's outline (without stroke) in the fitted
 * rectangle, from librsvg's geometry.
 *
 * Returns: %FALSE if the view has no such region
 */
gboolean
nm_atlas_region_bounds (NmAtlas    *self,
                        NmView      view,
                        const char *region,
                        double      width,
                        double      height,
                        double     *x,
                        double     *y,
                        double     *w,
                        double     *h)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  g_autoptr(GError) error = NULL;
  g_autofree char *sel = NULL;
  RsvgRectangle viewport, ink, logical;
  RsvgHandle *handle;
  cairo_matrix_t m;
  gboolean ok = TRUE;
  guint k;

  g_return_val_if_fail (av != NULL, FALSE);

  k = _nm_atlas_region_index (av, region);
  if (k == 0)
    return FALSE;

  /* Asked in view units and mapped here: librsvg 2.54 does not scale the
   * result to a viewport of another size than the document's. Kept, as
   * librsvg's geometry is slow and labels ask for it on every frame. */
  g_mutex_lock (&self->lock);
  if (av->bounds == NULL)
    av->bounds = g_new0 (RegionBounds, av->regions->len - 1);
  if (!av->bounds[k - 1].known)
    {
      viewport = (RsvgRectangle) { 0, 0, av->width, av->height };
      sel = g_strconcat ("#", region, NULL);
      handle = checkout_handle (av, "");
      ok = handle != NULL
           && rsvg_handle_get_geometry_for_layer (handle, sel, &viewport, &ink, &logical, &error);
      if (handle != NULL)
        {
          g_hash_table_remove (av->busy, handle);
          g_object_unref (handle);
        }
      av->bounds[k - 1].known = ok;
      av->bounds[k - 1].rect = logical;
    }
  logical = av->bounds[k - 1].rect;
  g_mutex_unlock (&self->lock);

  if (!ok)
    {
      if (error != NULL)
        g_warning ("No geometry for %s: %s", sel, error->message);
      return FALSE;
    }

  nm_atlas_fit (self, view, width, height, &m);
  if (x != NULL)
    *x = m.x0 + logical.x * m.xx;
  if (y != NULL)
    *y = m.y0 + logical.y * m.yy;
  if (w != NULL)
    *w = logical.width * m.xx;
  if (h != NULL)
    *h = logical.height * m.yy;
  return TRUE;
}

/* ------------------------------------------------------ view coordinates */

/**
 * nm_atlas_widget_to_view:
 * @x: horizontal position in the @width × @height rectangle
 * @y: vertical position
 * @nx: (out) (optional): 0–1 across the view's width
 * @ny: (out) (optional): 0–1 down the view's height
 *
 * The inverse of nm_atlas_view_to_widget(): the normalised view coordinates
 * in which outlines are stored (spec §2).
 *
 * Returns: %FALSE when (@x, @y) lies outside the view's box (the outputs
 *   are then clamped to 0–1)
 */
gboolean
nm_atlas_widget_to_view (NmAtlas *self,
                         NmView   view,
                         double   width,
                         double   height,
                         double   x,
                         double   y,
                         double  *nx,
                         double  *ny)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  gboolean inside;
  double u, v;

  g_return_val_if_fail (av != NULL, FALSE);

  if (!_nm_atlas_to_view (self, view, width, height, &x, &y))
    {
      if (nx != NULL)
        *nx = 0;
      if (ny != NULL)
        *ny = 0;
      return FALSE;
    }

  u = x / av->width;
  v = y / av->height;
  inside = u >= 0 && u <= 1 && v >= 0 && v <= 1;
  if (nx != NULL)
    *nx = CLAMP (u, 0, 1);
  if (ny != NULL)
    *ny = CLAMP (v, 0, 1);
  return inside;
}

/**
 * nm_atlas_view_to_widget:
 * @nx: 0–1 across the view's width
 * @ny: 0–1 down the view's height
 * @x: (out): horizontal position in the @width × @height rectangle
 * @y: (out): vertical position
 */
void
nm_atlas_view_to_widget (NmAtlas *self,
                         NmView   view,
                         double   width,
                         double   height,
                         double   nx,
                         double   ny,
                         double  *x,
                         double  *y)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  double px, py;

  g_return_if_fail (av != NULL);

  px = nx * av->width;
  py = ny * av->height;
  _nm_atlas_from_view (self, view, width, height, &px, &py);
  if (x != NULL)
    *x = px;
  if (y != NULL)
    *y = py;
}

/* ----------------------------------------------------------- region masks */


/**
 * nm_atlas_view_ink_bounds:
 * @x: (out): the left of the box, in the @width × @height rectangle
 *
 * The box around everything the view draws (the figure, its hair and
 * features), fitted into a @width × @height rectangle as nm_atlas_render()
 * draws it: what a label or a key laid over the map must keep clear of.
 *
 * Returns: %TRUE if the view has ink
 */
gboolean
nm_atlas_view_ink_bounds (NmAtlas *self,
                          NmView   view,
                          double   width,
                          double   height,
                          double  *x,
                          double  *y,
                          double  *w,
                          double  *h)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  RsvgRectangle ink;
  gboolean known;
  cairo_matrix_t m;

  g_return_val_if_fail (av != NULL, FALSE);

  g_mutex_lock (&self->lock);
  known = av->ink_known;
  ink = av->ink;
  g_mutex_unlock (&self->lock);

  if (!known)
    {
      /* measured once per view, in view units, on a recording surface */
      cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
      cairo_t *cr = cairo_create (recording);
      NmAtlasStyle style;
      g_autofree char *css = NULL;
      RsvgRectangle viewport = { 0, 0, av->width, av->height };
      RsvgHandle *handle;

      nm_atlas_style_init (&style, 3);
      css = nm_atlas_style_to_css (&style);
      handle = _nm_atlas_ref_handle (self, av, css);
      if (handle != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!rsvg_handle_render_document (handle, cr, &viewport, &error))
            g_warning ("Cannot draw a view: %s", error->message);
          g_object_unref (handle);
        }
      cairo_destroy (cr);
      cairo_recording_surface_ink_extents (recording, &ink.x, &ink.y, &ink.width, &ink.height);
      cairo_surface_destroy (recording);

      g_mutex_lock (&self->lock);
      av->ink = ink;
      av->ink_known = TRUE;
      g_mutex_unlock (&self->lock);
    }

  if (ink.width <= 0 || ink.height <= 0)
    return FALSE;
  nm_atlas_fit (self, view, width, height, &m);
  *x = m.x0 + ink.x * m.xx;
  *y = m.y0 + ink.y * m.yy;
  *w = ink.width * m.xx;
  *h = ink.height * m.yy;
  return TRUE;
}

/**
 * nm_atlas_render_region_shape:
 * @cr: a cairo context
 * @region: a region id of @view
 *
 * Fills the region's shape, without its stroke, in opaque black, where
 * nm_atlas_render() draws it in a @width × @height rectangle. Drawn as
 * vectors: inside cairo_push_group() it makes a mask that stays vector in
 * a PDF (see nm_atlas_region_mask()).
 */
void
nm_atlas_render_region_shape (NmAtlas    *self,
                              cairo_t    *cr,
                              NmView      view,
                              const char *region,
                              double      width,
                              double      height)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  RsvgRectangle viewport;
  RsvgHandle *handle;
  cairo_matrix_t m;

  g_return_if_fail (av != NULL);
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0 || !nm_atlas_view_has_region (self, view, region))
    return;

  nm_atlas_fit (self, view, width, height, &m);
  viewport = (RsvgRectangle) { m.x0, m.y0, av->width * m.xx, av->height * m.yy };

  handle = _nm_atlas_ref_handle (self, av, SHAPE_CSS);
  if (handle == NULL)
    return;
  cairo_save (cr);
  _nm_atlas_render_layer (handle, cr, region, &viewport);
  cairo_restore (cr);
  _nm_atlas_release_handle (self, av, handle);
}

/**
 * nm_atlas_region_mask:
 * @cr: the context the mask will be used on
 *
 * The region's shape as a pattern for cairo_mask(): opaque inside, clear
 * outside, antialiased at the edge. Built as a group of @cr, so it has the
 * resolution (or the vectors) of @cr's target; restrict @cr's clip to the
 * region's bounds first to keep it small.
 *
 * Returns: (transfer full) (nullable): the pattern, or %NULL if the view
 *   has no such region
 */
cairo_pattern_t *
nm_atlas_region_mask (NmAtlas    *self,
                      cairo_t    *cr,
                      NmView      view,
                      const char *region,
                      double      width,
                      double      height)
{
  g_return_val_if_fail (cr != NULL, NULL);

  if (!nm_atlas_view_has_region (self, view, region))
    return NULL;

  cairo_push_group_with_content (cr, CAIRO_CONTENT_ALPHA);
  nm_atlas_render_region_shape (self, cr, view, region, width, height);
  return cairo_pop_group (cr);
}

/* --------------------------------------------------------------- hatching */

/* Dark lines on a pale neutral ground: the same on every skin tone and in
 * greyscale. */
static const double hatch_ground[3] = { 0.910, 0.902, 0.890 };
static const double hatch_line[3] = { 0.227, 0.216, 0.251 };

/**
 * nm_atlas_paint_hatch:
 * @spacing: distance between two lines, in user units
 *
 * Paints the "not needled" hatching over a rectangle: a pale neutral ground
 * crossed by dark diagonal lines. Clip or mask it to a shape.
 */
void
nm_atlas_paint_hatch (cairo_t *cr,
                      double   x,
                      double   y,
                      double   width,
                      double   height,
                      double   spacing)
{
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;
  spacing = MAX (spacing, 2.0);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, hatch_ground[0], hatch_ground[1], hatch_ground[2]);
  cairo_paint (cr);

  /* Lines at 45°, rising to the right, on a grid common to every area, so
   * that neighbouring hatched areas continue each other's lines. */
  for (double k = floor ((x + y) / spacing) * spacing; k <= x + y + width + height + spacing; k += spacing)
    {
      cairo_move_to (cr, k - y, y);
      cairo_line_to (cr, k - (y + height), y + height);
    }
  cairo_set_line_width (cr, MAX (spacing * 0.3, 0.8));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_source_rgb (cr, hatch_line[0], hatch_line[1], hatch_line[2]);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The hatching clipped to the region's shape, with nm_atlas_region_mask():
 * vectors all the way on a vector target. */
static void
hatch_region (NmAtlas    *self,
              cairo_t    *cr,
              NmView      view,
              const char *region,
              double      width,
              double      height)
{
  cairo_pattern_t *mask;
  cairo_matrix_t m;
  double bx, by, bw, bh;

  if (!nm_atlas_region_bounds (self, view, region, width, height, &bx, &by, &bw, &bh))
    return;
  nm_atlas_fit (self, view, width, height, &m);

  cairo_save (cr);
  /* Keep the groups as small as the region. */
  cairo_rectangle (cr, bx - 2, by - 2, bw + 4, bh + 4);
  cairo_clip (cr);
  mask = nm_atlas_region_mask (self, cr, view, region, width, height);
  if (mask != NULL)
    {
      cairo_push_group (cr);
      nm_atlas_paint_hatch (cr, bx - 2, by - 2, bw + 4, bh + 4, CLAMP (m.xx * 4.0, 3.0, 14.0));
      cairo_pop_group_to_source (cr);
      cairo_mask (cr, mask);
      cairo_pattern_destroy (mask);
    }
  cairo_restore (cr);
}

/* -------------------------------------------------------------- stippling */

/**
 * nm_atlas_paint_stipple:
 * @spacing: distance between two dots, in user units
 *
 * Paints the marking stipple over a rectangle in the current source: round
 * dots in staggered rows, on a grid common to every area. Clip or mask it
 * to a shape.
 */
void
nm_atlas_paint_stipple (cairo_t *cr,
                        double   x,
                        double   y,
                        double   width,
                        double   height,
                        double   spacing)
{
  double r;

  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;
  spacing = MAX (spacing, 3.0);
  r = MAX (spacing * 0.2, 0.9);

  cairo_save (cr);
  cairo_new_path (cr);
  for (double row = floor (y / spacing); row * spacing <= y + height + spacing; row++)
    {
      double shift = fmod (fabs (row), 2.0) * spacing / 2;

      for (double col = floor (x / spacing) - 1; col * spacing <= x + width + spacing; col++)
        {
          double cx = col * spacing + shift, cy = row * spacing;

          cairo_new_sub_path (cr);
          cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
        }
    }
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The stipple in the marking ink, masked to the region's shape: vectors
 * all the way on a vector target. */
static void
stipple_region (NmAtlas            *self,
                cairo_t            *cr,
                NmView              view,
                const char         *region,
                double              width,
                double              height,
                const NmAtlasStyle *style)
{
  cairo_pattern_t *mask;
  cairo_matrix_t m;
  double bx, by, bw, bh, ink[3];

  if (!nm_atlas_region_bounds (self, view, region, width, height, &bx, &by, &bw, &bh))
    return;
  nm_atlas_fit (self, view, width, height, &m);
  nm_atlas_marking_ink (style->skin, ink);
  quantize (ink, ink);

  cairo_save (cr);
  cairo_rectangle (cr, bx - 2, by - 2, bw + 4, bh + 4);
  cairo_clip (cr);
  mask = nm_atlas_region_mask (self, cr, view, region, width, height);
  if (mask != NULL)
    {
      cairo_push_group (cr);
      cairo_set_source_rgb (cr, ink[0], ink[1], ink[2]);
      nm_atlas_paint_stipple (cr, bx - 2, by - 2, bw + 4, bh + 4, ATLAS_STIPPLE_SPACING (m.xx));
      cairo_pop_group_to_source (cr);
      cairo_mask (cr, mask);
      cairo_pattern_destroy (mask);
    }
  cairo_restore (cr);
}
