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

#include "nm-atlas.h"

/* Pick buffer resolution in pixels per view unit. The buffer is in view
 * coordinates, so one buffer per view serves every widget size. */
#define PICK_SCALE 2.0
/* Recoloured handles kept per view (hover changes the stylesheet). */
#define HANDLE_CACHE_SIZE 12
#define NO_REGION 0xff
/* The stylesheet of a region's shape: its fill alone, opaque black. */
#define SHAPE_CSS ".region{fill:#000 !important;fill-opacity:1 !important;" \
                  "stroke:none !important;opacity:1 !important}\n"
/* Sizes of the view kept as layers for raster targets (see compose()). */
#define FRAME_CACHE_SIZE 3
#define RASTER_MAX_PIXELS (8192.0 * 4608.0)

typedef struct
{
  double area;        /* in pick pixels */
  double cx, cy;      /* area centroid, view units */
  double ax, ay;      /* interior label anchor, view units */
} RegionStats;

typedef struct
{
  gboolean      known;
  RsvgRectangle rect;        /* logical bounds, view units */
} RegionBounds;

typedef struct
{
  GBytes      *svg;
  double       width;
  double       height;
  GPtrArray   *regions;      /* interned ids, NULL-terminated */
  GHashTable  *index;        /* interned id → GUINT_TO_POINTER (index + 1) */

  /* lazily built */
  guint8      *pick;         /* pw × ph region indices, NO_REGION outside */
  int          pw, ph;
  RegionStats *stats;
  RegionBounds *bounds;
  gboolean     composable;   /* see Collect */

  GHashTable  *handles;      /* css → RsvgHandle */
  GQueue       lru;          /* css strings (owned by handles' keys) */
} AtlasView;

struct _NmAtlas
{
  gatomicrefcount ref_count;
  GMutex          lock;
  AtlasView       views[NM_N_VIEWS];

  GMutex          raster_lock;  /* the frames, and drawing from them */
  gboolean        raster_cache;
  GQueue          frames;       /* Frame *, most recently used first */
  char           *pending;      /* the key of a size drawn once, directly */
};

G_DEFINE_QUARK (nm-atlas-error-quark, nm_atlas_error)

typedef struct _Frame Frame;

static gboolean is_css_ident (const char *id);
static guint    region_index (AtlasView  *av,
                              const char *region);
static void     frame_free   (Frame      *frame);

/* Region ids are read from the document structure with GMarkup: every
 * element whose class list holds "region". The parse also checks the
 * layout that lets a raster target be composed from cached layers (see
 * compose()): the regions are exactly the children of the "regions" group,
 * between the "underlay" and "decor" groups. */
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
  g_queue_init (&av->lru);

  return TRUE;
}

static void
clear_view (AtlasView *av)
{
  g_clear_pointer (&av->svg, g_bytes_unref);
  g_clear_pointer (&av->regions, g_ptr_array_unref);
  g_clear_pointer (&av->index, g_hash_table_unref);
  g_clear_pointer (&av->pick, g_free);
  g_clear_pointer (&av->stats, g_free);
  g_clear_pointer (&av->bounds, g_free);
  g_queue_clear (&av->lru);
  g_clear_pointer (&av->handles, g_hash_table_unref);
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
  g_mutex_init (&self->raster_lock);
  self->raster_cache = TRUE;
  g_queue_init (&self->frames);

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
  g_queue_clear_full (&self->frames, (GDestroyNotify) frame_free);
  g_free (self->pending);
  g_mutex_clear (&self->raster_lock);
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

static AtlasView *
get_view (NmAtlas *self,
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
  AtlasView *av = get_view (self, view);

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
  AtlasView *av = get_view (self, view);
  double scale;

  g_return_if_fail (av != NULL);
  g_return_if_fail (out != NULL);

  scale = MIN (MAX (width, 0) / av->width, MAX (height, 0) / av->height);
  cairo_matrix_init (out, scale, 0, 0, scale,
                     (width - av->width * scale) / 2.0,
                     (height - av->height * scale) / 2.0);
}

static gboolean
to_view (NmAtlas *self,
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

static void
from_view (NmAtlas *self,
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

/* Called with the lock held. */
static RsvgHandle *
handle_for_css (AtlasView  *av,
                const char *css)
{
  RsvgHandle *handle;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data;
  char *key;

  handle = g_hash_table_lookup (av->handles, css);
  if (handle != NULL)
    {
      GList *link = g_queue_find_custom (&av->lru, css, (GCompareFunc) g_strcmp0);

      g_queue_unlink (&av->lru, link);
      g_queue_push_head_link (&av->lru, link);
      return handle;
    }

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

  while (g_queue_get_length (&av->lru) >= HANDLE_CACHE_SIZE)
    g_hash_table_remove (av->handles, g_queue_pop_tail (&av->lru));

  key = g_strdup (css);
  g_hash_table_insert (av->handles, key, handle);
  g_queue_push_head (&av->lru, key);

  return handle;
}

static void
render_layer (RsvgHandle            *handle,
              cairo_t               *cr,
              const char            *id,
              const RsvgRectangle   *viewport)
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

static void
draw_overlay (cairo_t              *cr,
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
 * same operations replayed from cached layers (see compose()). */
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
  RsvgHandle *handle;

  g_mutex_lock (&self->lock);
  handle = handle_for_css (av, css);
  if (handle == NULL)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  g_object_ref (handle);
  g_mutex_unlock (&self->lock);

  cairo_save (cr);
  render_layer (handle, cr, "underlay", viewport);
  render_layer (handle, cr, "regions", viewport);
  for (guint i = 0; style->hatched != NULL && style->hatched[i] != NULL; i++)
    hatch_region (self, cr, view, style->hatched[i], width, height);
  if (style->hovered != NULL && nm_atlas_view_has_region (self, view, style->hovered))
    render_layer (handle, cr, style->hovered, viewport);
  if (style->selected != NULL && nm_atlas_view_has_region (self, view, style->selected))
    render_layer (handle, cr, style->selected, viewport);
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    if (nm_atlas_view_has_region (self, view, style->selected_set[i])
        && g_strcmp0 (style->selected_set[i], style->selected) != 0)
      render_layer (handle, cr, style->selected_set[i], viewport);
  render_layer (handle, cr, "decor", viewport);
  cairo_restore (cr);
  g_object_unref (handle);

  for (guint i = 0; i < NM_ATLAS_N_OVERLAYS; i++)
    draw_overlay (cr, &style->overlays[i], width, height);
}

/* ------------------------------------------------------- composed frames */

/* Re-rendering the SVG is the dearest part of a frame, yet between two
 * frames only the stylesheet's dynamic part changes: fills, hover,
 * selection, hatching. On a raster target drawn unrotated, the view is
 * therefore kept, per size and pixel grid, as layers on the target's own
 * pixel grid, and every frame replays render_direct()'s operations from
 * them:
 *
 *  - the underlay and the decor group as images (they depend on the skin
 *    tone only);
 *  - each region as two coverage masks (A8): its fill and its stroke, as
 *    librsvg rasterises them. A region is drawn as librsvg draws it, its
 *    fill colour through the first and its stroke colour through the
 *    second, in document order, so that each region covers its
 *    predecessors' strokes exactly as in the SVG;
 *  - the wider strokes of hovered and selected regions and each hatched
 *    region's hatching, built when first needed;
 *  - each overlay with a key, as an image.
 *
 * Colours go through the same 8-bit rounding as the stylesheet's, so the
 * result is the direct rendering up to a rounding step (the tests compare
 * both). A vector target (PDF, SVG, recording) always gets render_direct(),
 * so a PDF stays vector. */

typedef struct
{
  cairo_surface_t       *surface;  /* NULL when the layer is empty */
  int                    x, y;     /* its top left corner in the frame, pixels */
  gboolean               built;
  cairo_rectangle_int_t *boxes;    /* where it has ink, in its own pixels */
  guint                  n_boxes;
} Layer;

/* Layers are mostly empty (a stroke round a region, thin features, pills
 * of text): they are composited only in the runs of TILE × TILE tiles
 * that hold something. */
#define TILE 32

typedef enum
{
  MASK_FILL,
  MASK_SEAM,
  MASK_HOVER,
  MASK_SELECT,
  N_MASKS
} MaskKind;

/* Stylesheets of the masks: each region alone in opaque black. */
static const char * const mask_css[N_MASKS] = {
  [MASK_FILL] = SHAPE_CSS,
  [MASK_SEAM] = ".region{fill:none !important;stroke:#000 !important;"
                "stroke-opacity:1 !important;opacity:1 !important}\n",
  [MASK_HOVER] = ".region{fill:none !important;stroke:#000 !important;"
                 "stroke-opacity:1 !important;opacity:1 !important;"
                 "stroke-width:1.2 !important}\n",
  [MASK_SELECT] = ".region{fill:none !important;stroke:#000 !important;"
                  "stroke-opacity:1 !important;opacity:1 !important;"
                  "stroke-width:2.4 !important}\n",
};

struct _Frame
{
  char           *key;
  NmView          view;
  double          width, height;
  RsvgRectangle   viewport;
  int             pw, ph;        /* the frame, in pixels */
  double          fx, fy;        /* where user (0, 0) lies in the frame */
  double          sx, sy;        /* user units to pixels */
  guint           n;             /* regions */
  int            *box;           /* 4 n: each region's box in the frame */
  char           *static_css;
  Layer           underlay, decor;
  Layer          *masks[N_MASKS];
  Layer          *hatch;
  char           *overlay_keys[NM_ATLAS_N_OVERLAYS];
  Layer           overlays[NM_ATLAS_N_OVERLAYS];
};

static void
layer_clear (Layer *layer)
{
  g_clear_pointer (&layer->surface, cairo_surface_destroy);
  g_clear_pointer (&layer->boxes, g_free);
  layer->n_boxes = 0;
  layer->built = FALSE;
}

static gboolean
tile_has_ink (const guint8 *data,
              int           stride,
              int           bpp,
              int           x0,
              int           y0,
              int           x1,
              int           y1)
{
  static const guint8 zeros[TILE * 4];
  gsize len = (gsize) (x1 - x0) * bpp;

  for (int y = y0; y < y1; y++)
    if (memcmp (data + (gsize) y * stride + (gsize) x0 * bpp, zeros, len) != 0)
      return TRUE;
  return FALSE;
}

/* Finds the runs of tiles with ink; a layer without any is dropped. */
static void
layer_find_boxes (Layer *layer)
{
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_int_t));
  const guint8 *data;
  int w, h, stride, bpp;

  if (layer->surface == NULL)
    return;
  cairo_surface_flush (layer->surface);
  data = cairo_image_surface_get_data (layer->surface);
  w = cairo_image_surface_get_width (layer->surface);
  h = cairo_image_surface_get_height (layer->surface);
  stride = cairo_image_surface_get_stride (layer->surface);
  bpp = cairo_image_surface_get_format (layer->surface) == CAIRO_FORMAT_A8 ? 1 : 4;

  for (int ty = 0; ty < h; ty += TILE)
    {
      int run = -1;

      for (int tx = 0; tx < w + TILE; tx += TILE)
        {
          gboolean ink = tx < w && tile_has_ink (data, stride, bpp, tx, ty, MIN (tx + TILE, w),
                                                 MIN (ty + TILE, h));

          if (ink && run < 0)
            run = tx;
          else if (!ink && run >= 0)
            {
              cairo_rectangle_int_t box = { run, ty, MIN (tx, w) - run, MIN (ty + TILE, h) - ty };

              g_array_append_val (boxes, box);
              run = -1;
            }
        }
    }

  if (boxes->len == 0)
    {
      g_clear_pointer (&layer->surface, cairo_surface_destroy);
      return;
    }
  layer->n_boxes = boxes->len;
  layer->boxes = (cairo_rectangle_int_t *) g_array_free (g_steal_pointer (&boxes), FALSE);
}

static void
layer_boxes_path (cairo_t     *cr,
                  const Layer *layer)
{
  for (guint i = 0; i < layer->n_boxes; i++)
    cairo_rectangle (cr, layer->x + layer->boxes[i].x, layer->y + layer->boxes[i].y,
                     layer->boxes[i].width, layer->boxes[i].height);
}

static void
frame_free (Frame *frame)
{
  layer_clear (&frame->underlay);
  layer_clear (&frame->decor);
  for (guint m = 0; m < N_MASKS; m++)
    {
      for (guint k = 0; k < frame->n; k++)
        layer_clear (&frame->masks[m][k]);
      g_free (frame->masks[m]);
    }
  for (guint k = 0; k < frame->n; k++)
    layer_clear (&frame->hatch[k]);
  g_free (frame->hatch);
  for (guint i = 0; i < NM_ATLAS_N_OVERLAYS; i++)
    {
      layer_clear (&frame->overlays[i]);
      g_free (frame->overlay_keys[i]);
    }
  g_free (frame->static_css);
  g_free (frame->box);
  g_free (frame->key);
  g_free (frame);
}

static Frame *
frame_new (NmAtlas             *self,
           AtlasView           *av,
           NmView               view,
           double               width,
           double               height,
           const RsvgRectangle *viewport,
           const char          *key,
           int                  pw,
           int                  ph,
           double               fx,
           double               fy,
           double               sx,
           double               sy)
{
  Frame *frame = g_new0 (Frame, 1);
  cairo_matrix_t m;

  frame->key = g_strdup (key);
  frame->view = view;
  frame->width = width;
  frame->height = height;
  frame->viewport = *viewport;
  frame->pw = pw;
  frame->ph = ph;
  frame->fx = fx;
  frame->fy = fy;
  frame->sx = sx;
  frame->sy = sy;
  frame->n = av->regions->len - 1;
  frame->box = g_new0 (int, 4 * frame->n);
  for (guint kind = 0; kind < N_MASKS; kind++)
    frame->masks[kind] = g_new0 (Layer, frame->n);
  frame->hatch = g_new0 (Layer, frame->n);

  /* Each region's box with room for its widest stroke (2.4 view units)
   * and antialiasing, within the frame. */
  nm_atlas_fit (self, view, width, height, &m);
  for (guint k = 0; k < frame->n; k++)
    {
      const char *region = g_ptr_array_index (av->regions, k);
      double bx, by, bw, bh, pad_x = 1.2 * m.xx * sx + 2, pad_y = 1.2 * m.yy * sy + 2;
      int x0, y0, x1, y1;

      if (!nm_atlas_region_bounds (self, view, region, width, height, &bx, &by, &bw, &bh))
        continue;
      x0 = (int) MAX (floor (fx + bx * sx - pad_x), 0);
      y0 = (int) MAX (floor (fy + by * sy - pad_y), 0);
      x1 = (int) MIN (ceil (fx + (bx + bw) * sx + pad_x), pw);
      y1 = (int) MIN (ceil (fy + (by + bh) * sy + pad_y), ph);
      frame->box[4 * k] = x0;
      frame->box[4 * k + 1] = y0;
      frame->box[4 * k + 2] = MAX (x1 - x0, 0);
      frame->box[4 * k + 3] = MAX (y1 - y0, 0);
    }

  return frame;
}

/* A context drawing into a layer whose corner lies at (x, y) of the frame,
 * in the user space of the view. */
static cairo_t *
layer_context (const Frame     *frame,
               cairo_surface_t *surface,
               int              x,
               int              y)
{
  cairo_t *cr = cairo_create (surface);

  cairo_translate (cr, frame->fx - x, frame->fy - y);
  cairo_scale (cr, frame->sx, frame->sy);
  return cr;
}

/* Layers drawn in full (underlay, decor, overlays) are drawn twice: into
 * a recording surface, which gives where they have ink within the frame,
 * then into an image only that large. No frame-sized image to clear, scan
 * and composite; and the second drawing is the direct one (replaying a
 * recording into an image goes through a further image in cairo 1.16). */
typedef void (*LayerDrawFunc) (cairo_t  *cr,
                               gpointer  data);

static void
build_drawn_layer (const Frame   *frame,
                   Layer         *layer,
                   LayerDrawFunc  draw,
                   gpointer       data)
{
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = layer_context (frame, recording, 0, 0);
  double ix, iy, iw, ih;
  int x0, y0, x1, y1;

  layer_clear (layer);
  layer->built = TRUE;
  layer->x = layer->y = 0;

  draw (cr, data);
  cairo_destroy (cr);
  cairo_recording_surface_ink_extents (recording, &ix, &iy, &iw, &ih);
  cairo_surface_destroy (recording);

  x0 = (int) MAX (floor (ix), 0);
  y0 = (int) MAX (floor (iy), 0);
  x1 = (int) MIN (ceil (ix + iw), frame->pw);
  y1 = (int) MIN (ceil (iy + ih), frame->ph);
  if (x1 <= x0 || y1 <= y0)
    return;

  layer->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, x1 - x0, y1 - y0);
  layer->x = x0;
  layer->y = y0;
  cr = layer_context (frame, layer->surface, x0, y0);
  draw (cr, data);
  cairo_destroy (cr);
  layer_find_boxes (layer);
}

static RsvgHandle *
ref_handle (NmAtlas    *self,
            AtlasView  *av,
            const char *css)
{
  RsvgHandle *handle;

  g_mutex_lock (&self->lock);
  handle = handle_for_css (av, css);
  if (handle != NULL)
    g_object_ref (handle);
  g_mutex_unlock (&self->lock);
  return handle;
}

typedef struct
{
  RsvgHandle          *handle;
  const char          *id;
  const RsvgRectangle *viewport;
} GroupDraw;

static void
draw_group (cairo_t  *cr,
            gpointer  data)
{
  GroupDraw *group = data;

  if (group->handle != NULL)
    render_layer (group->handle, cr, group->id, group->viewport);
}

/* The underlay and decor groups in the skin tone's stylesheet. */
static void
ensure_static_layers (NmAtlas    *self,
                      AtlasView  *av,
                      Frame      *frame,
                      const char *static_css)
{
  GroupDraw group;

  if (g_strcmp0 (frame->static_css, static_css) == 0)
    return;

  g_free (frame->static_css);
  frame->static_css = g_strdup (static_css);
  group.handle = ref_handle (self, av, static_css);
  group.viewport = &frame->viewport;
  group.id = "underlay";
  build_drawn_layer (frame, &frame->underlay, draw_group, &group);
  group.id = "decor";
  build_drawn_layer (frame, &frame->decor, draw_group, &group);
  g_clear_object (&group.handle);
}

static const Layer *
ensure_mask (NmAtlas   *self,
             AtlasView *av,
             Frame     *frame,
             MaskKind   kind,
             guint      k)
{
  Layer *layer = &frame->masks[kind][k];
  const int *box = &frame->box[4 * k];
  RsvgHandle *handle;
  cairo_t *cr;

  if (layer->built)
    return layer;
  layer->built = TRUE;
  if (box[2] <= 0 || box[3] <= 0)
    return layer;

  handle = ref_handle (self, av, mask_css[kind]);
  if (handle == NULL)
    return layer;
  layer->surface = cairo_image_surface_create (CAIRO_FORMAT_A8, box[2], box[3]);
  layer->x = box[0];
  layer->y = box[1];
  cr = layer_context (frame, layer->surface, box[0], box[1]);
  render_layer (handle, cr, g_ptr_array_index (av->regions, k), &frame->viewport);
  cairo_destroy (cr);
  g_object_unref (handle);
  layer_find_boxes (layer);
  return layer;
}

/* The hatching of hatch_region(), clipped to the region's fill mask. */
static const Layer *
ensure_hatch (NmAtlas   *self,
              AtlasView *av,
              Frame     *frame,
              guint      k)
{
  Layer *layer = &frame->hatch[k];
  const Layer *shape;
  const char *region = g_ptr_array_index (av->regions, k);
  cairo_matrix_t m;
  double bx, by, bw, bh;
  cairo_t *cr;

  if (layer->built)
    return layer;
  layer->built = TRUE;
  shape = ensure_mask (self, av, frame, MASK_FILL, k);
  if (shape->surface == NULL
      || !nm_atlas_region_bounds (self, frame->view, region, frame->width, frame->height,
                                  &bx, &by, &bw, &bh))
    return layer;
  nm_atlas_fit (self, frame->view, frame->width, frame->height, &m);

  layer->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                               cairo_image_surface_get_width (shape->surface),
                                               cairo_image_surface_get_height (shape->surface));
  layer->x = shape->x;
  layer->y = shape->y;
  cr = layer_context (frame, layer->surface, layer->x, layer->y);
  nm_atlas_paint_hatch (cr, bx - 2, by - 2, bw + 4, bh + 4, CLAMP (m.xx * 4.0, 3.0, 14.0));
  cairo_identity_matrix (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_DEST_IN);
  cairo_set_source_surface (cr, shape->surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  layer_find_boxes (layer);
  return layer;
}

typedef struct
{
  const Frame          *frame;
  const NmAtlasOverlay *overlay;
} OverlayDraw;

static void
draw_keyed_overlay (cairo_t  *cr,
                    gpointer  data)
{
  OverlayDraw *od = data;

  od->overlay->draw (cr, od->frame->width, od->frame->height, od->overlay->data);
}

static const Layer *
ensure_overlay (Frame                *frame,
                guint                 i,
                const NmAtlasOverlay *overlay)
{
  Layer *layer = &frame->overlays[i];
  OverlayDraw od = { frame, overlay };

  if (layer->built && g_strcmp0 (frame->overlay_keys[i], overlay->key) == 0)
    return layer;

  g_free (frame->overlay_keys[i]);
  frame->overlay_keys[i] = g_strdup (overlay->key);
  build_drawn_layer (frame, layer, draw_keyed_overlay, &od);
  return layer;
}

static void
paint_layer (cairo_t     *cr,
             const Layer *layer)
{
  if (layer->surface == NULL)
    return;
  cairo_set_source_surface (cr, layer->surface, layer->x, layer->y);
  layer_boxes_path (cr, layer);
  cairo_fill (cr);
}

static void
mask_layer (cairo_t      *cr,
            const double  rgb[3],
            const Layer  *layer)
{
  if (layer->surface == NULL)
    return;
  cairo_save (cr);
  layer_boxes_path (cr, layer);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_mask_surface (cr, layer->surface, layer->x, layer->y);
  cairo_restore (cr);
}

typedef struct
{
  double   fill[3];
  double   stroke[3];
  MaskKind stroke_mask;
} RegionPaint;

/* A region as the stylesheet paints it: its fill, then its stroke. */
static void
compose_region (NmAtlas           *self,
                AtlasView         *av,
                Frame             *frame,
                cairo_t           *cr,
                const RegionPaint *paint,
                guint              k)
{
  mask_layer (cr, paint[k].fill, ensure_mask (self, av, frame, MASK_FILL, k));
  mask_layer (cr, paint[k].stroke, ensure_mask (self, av, frame, paint[k].stroke_mask, k));
}

static guint
region_index (AtlasView  *av,
              const char *region)
{
  if (region == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (av->index, g_intern_string (region)));
}

/* Called with the raster lock held; @cr is in the frame's pixels. */
static void
compose (NmAtlas            *self,
         AtlasView          *av,
         Frame              *frame,
         cairo_t            *cr,
         const NmAtlasStyle *style)
{
  g_autofree RegionPaint *paint = g_new0 (RegionPaint, frame->n);
  double seam[3], accent_q[3];
  guint hovered = 0, selected = 0, k;

  seam_colour (style->skin, seam);
  quantize (seam, seam);
  quantize (accent, accent_q);

  if (is_css_ident (style->hovered))
    hovered = region_index (av, style->hovered);
  if (is_css_ident (style->selected))
    selected = region_index (av, style->selected);

  for (k = 0; k < frame->n; k++)
    {
      const char *region = g_ptr_array_index (av->regions, k);
      RegionPaint *p = &paint[k];

      if (k + 1 == hovered)
        hover_fill (style, region, p->fill);
      else
        region_fill (style, region, p->fill);
      quantize (p->fill, p->fill);
      memcpy (p->stroke, seam, sizeof seam);
      p->stroke_mask = MASK_SEAM;
      if (k + 1 == hovered)
        {
          memcpy (p->stroke, accent_q, sizeof accent_q);
          p->stroke_mask = MASK_HOVER;
        }
    }
  /* Selection comes after hover in the stylesheet, so its width wins. */
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    {
      k = is_css_ident (style->selected_set[i]) ? region_index (av, style->selected_set[i]) : 0;
      if (k > 0)
        {
          memcpy (paint[k - 1].stroke, accent_q, sizeof accent_q);
          paint[k - 1].stroke_mask = MASK_SELECT;
        }
    }
  if (selected > 0)
    {
      memcpy (paint[selected - 1].stroke, accent_q, sizeof accent_q);
      paint[selected - 1].stroke_mask = MASK_SELECT;
    }

  /* The order of render_direct() */
  paint_layer (cr, &frame->underlay);
  for (k = 0; k < frame->n; k++)
    compose_region (self, av, frame, cr, paint, k);
  for (guint i = 0; style->hatched != NULL && style->hatched[i] != NULL; i++)
    {
      k = region_index (av, style->hatched[i]);
      if (k > 0)
        paint_layer (cr, ensure_hatch (self, av, frame, k - 1));
    }
  if (style->hovered != NULL && (k = region_index (av, style->hovered)) > 0)
    compose_region (self, av, frame, cr, paint, k - 1);
  if (style->selected != NULL && (k = region_index (av, style->selected)) > 0)
    compose_region (self, av, frame, cr, paint, k - 1);
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    if (g_strcmp0 (style->selected_set[i], style->selected) != 0
        && (k = region_index (av, style->selected_set[i])) > 0)
      compose_region (self, av, frame, cr, paint, k - 1);
  paint_layer (cr, &frame->decor);
  for (guint i = 0; i < NM_ATLAS_N_OVERLAYS; i++)
    if (style->overlays[i].draw != NULL && style->overlays[i].key != NULL)
      paint_layer (cr, ensure_overlay (frame, i, &style->overlays[i]));
}

/* The matrix from the user space of @cr to its target's pixels, when the
 * target is a raster surface and the matrix has no rotation. */
static gboolean
pixel_matrix (cairo_t        *cr,
              cairo_matrix_t *out)
{
  cairo_surface_t *target = cairo_get_target (cr);
  cairo_surface_type_t type = cairo_surface_get_type (target);
  double sx, sy, ox, oy;

  if (type != CAIRO_SURFACE_TYPE_IMAGE && type != CAIRO_SURFACE_TYPE_XLIB)
    return FALSE;

  cairo_get_matrix (cr, out);
  cairo_surface_get_device_scale (target, &sx, &sy);
  cairo_surface_get_device_offset (target, &ox, &oy);
  out->xx *= sx;
  out->xy *= sx;
  out->x0 = out->x0 * sx + ox;
  out->yx *= sy;
  out->yy *= sy;
  out->y0 = out->y0 * sy + oy;

  return out->xy == 0 && out->yx == 0 && out->xx > 0 && out->yy > 0;
}

/* Called with the raster lock held. */
static Frame *
frame_lookup (NmAtlas    *self,
              const char *key)
{
  for (GList *l = self->frames.head; l != NULL; l = l->next)
    {
      Frame *frame = l->data;

      if (g_str_equal (frame->key, key))
        {
          g_queue_unlink (&self->frames, l);
          g_queue_push_head_link (&self->frames, l);
          return frame;
        }
    }
  return NULL;
}

static gboolean
render_composed (NmAtlas             *self,
                 AtlasView           *av,
                 cairo_t             *cr,
                 NmView               view,
                 double               width,
                 double               height,
                 const NmAtlasStyle  *style,
                 const RsvgRectangle *viewport)
{
  cairo_surface_t *target = cairo_get_target (cr);
  g_autofree char *key = NULL;
  g_autofree char *static_css = NULL;
  NmAtlasStyle plain;
  cairo_matrix_t pm;
  Frame *frame;
  double x0, y0, x1, y1, sx, sy, ox, oy;

  if (!av->composable || !pixel_matrix (cr, &pm))
    return FALSE;

  /* The rectangle's pixels, on the target's grid and within it. */
  x0 = floor (pm.x0);
  y0 = floor (pm.y0);
  x1 = ceil (pm.x0 + width * pm.xx);
  y1 = ceil (pm.y0 + height * pm.yy);
  if (cairo_surface_get_type (target) == CAIRO_SURFACE_TYPE_IMAGE)
    {
      x0 = MAX (x0, 0);
      y0 = MAX (y0, 0);
      x1 = MIN (x1, cairo_image_surface_get_width (target));
      y1 = MIN (y1, cairo_image_surface_get_height (target));
    }
  if (x1 - x0 < 1 || y1 - y0 < 1 || (x1 - x0) * (y1 - y0) > RASTER_MAX_PIXELS)
    return FALSE;

  key = g_strdup_printf ("%u %.0f %.0f %.0f %.0f %.6f %.6f %.6f %.6f %.4f %.4f",
                         view, x0, y0, x1 - x0, y1 - y0, pm.xx, pm.yy,
                         pm.x0 - x0, pm.y0 - y0, width, height);

  plain = *style;
  plain.fills = NULL;
  plain.hovered = NULL;
  plain.selected = NULL;
  plain.selected_set = NULL;
  static_css = nm_atlas_style_to_css (&plain);

  g_mutex_lock (&self->raster_lock);
  frame = frame_lookup (self, key);
  if (frame == NULL && g_strcmp0 (self->pending, key) != 0)
    {
      /* A size seen for the first time is drawn directly: while a window
       * is being resized, every frame has a new size, and building the
       * layers costs more than one direct rendering. They are built when
       * the same size is drawn again. */
      g_free (self->pending);
      self->pending = g_steal_pointer (&key);
      g_mutex_unlock (&self->raster_lock);
      return FALSE;
    }
  if (frame == NULL)
    {
      frame = frame_new (self, av, view, width, height, viewport, key,
                         (int) (x1 - x0), (int) (y1 - y0), pm.x0 - x0, pm.y0 - y0, pm.xx, pm.yy);
      while (g_queue_get_length (&self->frames) >= FRAME_CACHE_SIZE)
        frame_free (g_queue_pop_tail (&self->frames));
      g_queue_push_head (&self->frames, frame);
    }
  ensure_static_layers (self, av, frame, static_css);

  cairo_surface_get_device_scale (target, &sx, &sy);
  cairo_surface_get_device_offset (target, &ox, &oy);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_scale (cr, 1 / sx, 1 / sy);
  cairo_translate (cr, x0 - ox, y0 - oy);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  compose (self, av, frame, cr, style);
  cairo_restore (cr);
  g_mutex_unlock (&self->raster_lock);

  /* Overlays without a key are drawn afresh. */
  for (guint i = 0; i < NM_ATLAS_N_OVERLAYS; i++)
    if (style->overlays[i].key == NULL)
      draw_overlay (cr, &style->overlays[i], width, height);

  return TRUE;
}

/**
 * nm_atlas_set_raster_cache:
 * @enabled: whether raster targets may be drawn from cached layers
 *
 * On by default. The cache never applies to vector targets. Off, every
 * drawing renders the SVG afresh (the reference the cached drawing is
 * tested against).
 */
void
nm_atlas_set_raster_cache (NmAtlas  *self,
                           gboolean  enabled)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->raster_lock);
  self->raster_cache = !!enabled;
  if (!enabled)
    {
      g_queue_clear_full (&self->frames, (GDestroyNotify) frame_free);
      g_clear_pointer (&self->pending, g_free);
    }
  g_mutex_unlock (&self->raster_lock);
}

/**
 * nm_atlas_get_n_cached_sizes:
 *
 * Returns: how many sizes of views the raster cache keeps as layers (a
 *   size is kept from the second time it is drawn on a raster target)
 */
guint
nm_atlas_get_n_cached_sizes (NmAtlas *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->raster_lock);
  n = g_queue_get_length (&self->frames);
  g_mutex_unlock (&self->raster_lock);
  return n;
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
  AtlasView *av = get_view (self, view);
  NmAtlasStyle fallback;
  g_autofree char *css = NULL;
  RsvgRectangle viewport;
  cairo_matrix_t m;
  gboolean cache;

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

  g_mutex_lock (&self->raster_lock);
  cache = self->raster_cache;
  g_mutex_unlock (&self->raster_lock);

  if (cache && render_composed (self, av, cr, view, width, height, style, &viewport))
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
  AtlasView *av = get_view (self, view);

  g_return_val_if_fail (av != NULL, NULL);

  return (const char * const *) av->regions->pdata;
}

gboolean
nm_atlas_view_has_region (NmAtlas    *self,
                          NmView      view,
                          const char *region)
{
  AtlasView *av = get_view (self, view);

  g_return_val_if_fail (av != NULL, FALSE);

  if (region == NULL)
    return FALSE;
  return g_hash_table_contains (av->index, g_intern_string (region));
}

/* Chamfer (3-4) distance of every pick pixel to the nearest pixel of another
 * region or of the outside, for label anchors deep inside each region. */
static guint16 *
distance_to_edges (const guint8 *pick,
                   int           w,
                   int           h)
{
  guint16 *d = g_new (guint16, (gsize) w * h);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize i = (gsize) y * w + x;
        guint v;

        if (pick[i] == NO_REGION || x == 0 || y == 0 || x == w - 1 || y == h - 1)
          {
            d[i] = 0;
            continue;
          }
        v = G_MAXUINT16;
        if (pick[i - 1] != pick[i] || pick[i - w] != pick[i])
          v = 0;
        v = MIN (v, d[i - 1] + 3u);
        v = MIN (v, d[i - w] + 3u);
        v = MIN (v, d[i - w - 1] + 4u);
        v = MIN (v, d[i - w + 1] + 4u);
        d[i] = MIN (v, G_MAXUINT16);
      }
  for (int y = h - 2; y > 0; y--)
    for (int x = w - 2; x > 0; x--)
      {
        gsize i = (gsize) y * w + x;
        guint v = d[i];

        if (v == 0)
          continue;
        if (pick[i + 1] != pick[i] || pick[i + w] != pick[i])
          v = 0;
        v = MIN (v, d[i + 1] + 3u);
        v = MIN (v, d[i + w] + 3u);
        v = MIN (v, d[i + w + 1] + 4u);
        v = MIN (v, d[i + w - 1] + 4u);
        d[i] = v;
      }

  return d;
}

/* Called with the lock held. Renders the regions alone, each in its own
 * flat colour and without antialiasing (shape-rendering: crispEdges), so
 * that every pixel belongs to exactly one region and shared boundaries
 * leave no seam. */
static gboolean
ensure_pick (AtlasView *av)
{
  g_autoptr(GString) css = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint16 *dist = NULL;
  RsvgHandle *handle;
  cairo_surface_t *surface;
  cairo_t *cr;
  RsvgRectangle viewport;
  const guint8 *data;
  gsize size;
  guint n = av->regions->len - 1;
  double *sx, *sy;
  guint16 *best;
  guint8 *pixels;
  int stride;

  if (av->pick != NULL)
    return TRUE;

  css = g_string_new (".region{stroke:none !important;shape-rendering:crispEdges !important;"
                      "opacity:1 !important;fill-opacity:1 !important}\n"
                      "#underlay,#decor{display:none !important}\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (css, "#%s{fill:#%02x0000 !important}\n",
                            (const char *) g_ptr_array_index (av->regions, i), (i + 1) * 8);

  data = g_bytes_get_data (av->svg, &size);
  handle = rsvg_handle_new_from_data (data, size, &error);
  if (handle == NULL
      || !rsvg_handle_set_stylesheet (handle, (const guint8 *) css->str, css->len, &error))
    {
      g_critical ("Cannot build the atlas pick buffer: %s", error->message);
      g_clear_object (&handle);
      return FALSE;
    }

  av->pw = (int) ceil (av->width * PICK_SCALE);
  av->ph = (int) ceil (av->height * PICK_SCALE);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, av->pw, av->ph);
  cr = cairo_create (surface);
  viewport = (RsvgRectangle) { 0, 0, av->width * PICK_SCALE, av->height * PICK_SCALE };
  if (!rsvg_handle_render_document (handle, cr, &viewport, &error))
    {
      g_critical ("Cannot render the atlas pick buffer: %s", error->message);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      g_object_unref (handle);
      return FALSE;
    }
  cairo_destroy (cr);
  g_object_unref (handle);
  cairo_surface_flush (surface);

  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  av->pick = g_malloc ((gsize) av->pw * av->ph);
  for (int y = 0; y < av->ph; y++)
    {
      const guint32 *row = (const guint32 *) (pixels + (gsize) y * stride);

      for (int x = 0; x < av->pw; x++)
        {
          guint32 p = row[x];
          guint alpha = p >> 24;
          guint red = (p >> 16) & 0xff;
          guint k = (red + 4) / 8;

          av->pick[(gsize) y * av->pw + x] =
            (alpha == 0xff && k >= 1 && k <= n) ? (guint8) (k - 1) : NO_REGION;
        }
    }
  cairo_surface_destroy (surface);

  /* Per-region statistics: area centroid and the deepest interior point
   * (nearest the centroid among equals) as a label anchor. */
  av->stats = g_new0 (RegionStats, n);
  sx = g_new0 (double, n);
  sy = g_new0 (double, n);
  for (int y = 0; y < av->ph; y++)
    for (int x = 0; x < av->pw; x++)
      {
        guint8 k = av->pick[(gsize) y * av->pw + x];

        if (k == NO_REGION)
          continue;
        av->stats[k].area += 1;
        sx[k] += x + 0.5;
        sy[k] += y + 0.5;
      }
  for (guint k = 0; k < n; k++)
    if (av->stats[k].area > 0)
      {
        av->stats[k].cx = sx[k] / av->stats[k].area / PICK_SCALE;
        av->stats[k].cy = sy[k] / av->stats[k].area / PICK_SCALE;
      }

  dist = distance_to_edges (av->pick, av->pw, av->ph);
  best = g_new0 (guint16, n);
  for (int y = 0; y < av->ph; y++)
    for (int x = 0; x < av->pw; x++)
      {
        gsize i = (gsize) y * av->pw + x;
        guint8 k = av->pick[i];
        double px, py, dnew, dold;

        if (k == NO_REGION || dist[i] < best[k])
          continue;
        px = (x + 0.5) / PICK_SCALE;
        py = (y + 0.5) / PICK_SCALE;
        dnew = hypot (px - av->stats[k].cx, py - av->stats[k].cy);
        dold = hypot (av->stats[k].ax - av->stats[k].cx, av->stats[k].ay - av->stats[k].cy);
        if (dist[i] > best[k] || dnew < dold)
          {
            best[k] = dist[i];
            av->stats[k].ax = px;
            av->stats[k].ay = py;
          }
      }

  g_free (best);
  g_free (sx);
  g_free (sy);
  return TRUE;
}

static const RegionStats *
region_stats (NmAtlas    *self,
              NmView      view,
              const char *region)
{
  AtlasView *av = get_view (self, view);
  const RegionStats *stats = NULL;
  guint k;

  if (av == NULL || region == NULL)
    return NULL;
  k = GPOINTER_TO_UINT (g_hash_table_lookup (av->index, g_intern_string (region)));
  if (k == 0)
    return NULL;

  g_mutex_lock (&self->lock);
  if (ensure_pick (av) && av->stats[k - 1].area > 0)
    stats = &av->stats[k - 1];
  g_mutex_unlock (&self->lock);

  return stats;
}

/**
 * nm_atlas_region_at:
 * @x: horizontal position in the @width × @height rectangle
 * @y: vertical position
 *
 * Hit-testing: which region is drawn at (@x, @y) when the view is fitted
 * into @width × @height. A pure function of its arguments.
 *
 * Returns: (nullable): an interned region id, or %NULL outside every region
 */
const char *
nm_atlas_region_at (NmAtlas *self,
                    NmView   view,
                    double   width,
                    double   height,
                    double   x,
                    double   y)
{
  AtlasView *av = get_view (self, view);
  const char *region = NULL;
  double px, py;

  g_return_val_if_fail (av != NULL, NULL);

  if (!to_view (self, view, width, height, &x, &y))
    return NULL;

  px = floor (x * PICK_SCALE);
  py = floor (y * PICK_SCALE);

  g_mutex_lock (&self->lock);
  if (ensure_pick (av) && px >= 0 && py >= 0 && px < av->pw && py < av->ph)
    {
      guint8 k = av->pick[(gsize) py * av->pw + (gsize) px];

      if (k != NO_REGION)
        region = g_ptr_array_index (av->regions, k);
    }
  g_mutex_unlock (&self->lock);

  return region;
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
  AtlasView *av = get_view (self, view);
  g_autoptr(GError) error = NULL;
  g_autofree char *sel = NULL;
  RsvgRectangle viewport, ink, logical;
  RsvgHandle *handle;
  cairo_matrix_t m;
  gboolean ok = TRUE;
  guint k;

  g_return_val_if_fail (av != NULL, FALSE);

  k = region_index (av, region);
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
      handle = handle_for_css (av, "");
      ok = handle != NULL
           && rsvg_handle_get_geometry_for_layer (handle, sel, &viewport, &ink, &logical, &error);
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

/* A point of the view, in view units, placed in the fitted rectangle. */
static gboolean
fitted_point (NmAtlas *self,
              NmView   view,
              double   width,
              double   height,
              double   vx,
              double   vy,
              double  *x,
              double  *y)
{
  from_view (self, view, width, height, &vx, &vy);
  if (x != NULL)
    *x = vx;
  if (y != NULL)
    *y = vy;
  return TRUE;
}

/**
 * nm_atlas_region_centroid:
 *
 * The region's area centroid in the fitted rectangle. For a curved region
 * it may lie outside it; use nm_atlas_region_anchor() to place a label.
 *
 * Returns: %FALSE if the view has no such region
 */
gboolean
nm_atlas_region_centroid (NmAtlas    *self,
                          NmView      view,
                          const char *region,
                          double      width,
                          double      height,
                          double     *x,
                          double     *y)
{
  const RegionStats *stats = region_stats (self, view, region);

  return stats != NULL && fitted_point (self, view, width, height, stats->cx, stats->cy, x, y);
}

/**
 * nm_atlas_region_anchor:
 *
 * A point well inside the region (the one farthest from its edges, nearest
 * the centroid among equals), where a label or marker belongs.
 *
 * Returns: %FALSE if the view has no such region
 */
gboolean
nm_atlas_region_anchor (NmAtlas    *self,
                        NmView      view,
                        const char *region,
                        double      width,
                        double      height,
                        double     *x,
                        double     *y)
{
  const RegionStats *stats = region_stats (self, view, region);

  return stats != NULL && fitted_point (self, view, width, height, stats->ax, stats->ay, x, y);
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
  AtlasView *av = get_view (self, view);
  gboolean inside;
  double u, v;

  g_return_val_if_fail (av != NULL, FALSE);

  if (!to_view (self, view, width, height, &x, &y))
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
  AtlasView *av = get_view (self, view);
  double px, py;

  g_return_if_fail (av != NULL);

  px = nx * av->width;
  py = ny * av->height;
  from_view (self, view, width, height, &px, &py);
  if (x != NULL)
    *x = px;
  if (y != NULL)
    *y = py;
}

/* ----------------------------------------------------------- region masks */


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
  AtlasView *av = get_view (self, view);
  RsvgRectangle viewport;
  RsvgHandle *handle;
  cairo_matrix_t m;

  g_return_if_fail (av != NULL);
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0 || !nm_atlas_view_has_region (self, view, region))
    return;

  nm_atlas_fit (self, view, width, height, &m);
  viewport = (RsvgRectangle) { m.x0, m.y0, av->width * m.xx, av->height * m.yy };

  g_mutex_lock (&self->lock);
  handle = handle_for_css (av, SHAPE_CSS);
  if (handle != NULL)
    g_object_ref (handle);
  g_mutex_unlock (&self->lock);

  if (handle == NULL)
    return;
  cairo_save (cr);
  render_layer (handle, cr, region, &viewport);
  cairo_restore (cr);
  g_object_unref (handle);
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
