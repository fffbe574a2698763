/* nm-atlas-pick.c
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

#include "nm-atlas-private.h"

/* The pick buffer: each view rendered once with one flat colour per
 * region, read back as one region index per pixel. It answers hit-tests
 * and gives each region's centroid and label anchor. It is in view
 * coordinates, so one buffer per view serves every widget size. */

/* Pick buffer resolution in pixels per view unit. */
#define PICK_SCALE 2.0
#define NO_REGION 0xff

typedef struct
{
  double area;        /* in pick pixels */
  double cx, cy;      /* area centroid, view units */
  double ax, ay;      /* interior label anchor, view units */
} RegionStats;

struct _AtlasPick
{
  guint8      *ids;    /* w × h region indices, NO_REGION outside */
  int          w, h;
  RegionStats *stats;  /* one per region */
};

void
_nm_atlas_pick_free (AtlasPick *pick)
{
  g_free (pick->ids);
  g_free (pick->stats);
  g_free (pick);
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

/* Renders the regions alone, each in its own flat colour (region k in
 * red 8 (k + 1), see load_view()) and without antialiasing
 * (shape-rendering: crispEdges), so that every pixel belongs to exactly
 * one region and shared boundaries leave no seam. */
static cairo_surface_t *
render_flat_regions (AtlasView *av,
                     int        w,
                     int        h)
{
  g_autoptr(GString) css = NULL;
  g_autoptr(GError) error = NULL;
  RsvgHandle *handle;
  cairo_surface_t *surface;
  cairo_t *cr;
  RsvgRectangle viewport;
  const guint8 *data;
  gsize size;
  guint n = av->regions->len - 1;
  gboolean rendered;

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
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  viewport = (RsvgRectangle) { 0, 0, av->width * PICK_SCALE, av->height * PICK_SCALE };
  rendered = rsvg_handle_render_document (handle, cr, &viewport, &error);
  cairo_destroy (cr);
  g_object_unref (handle);
  if (!rendered)
    {
      g_critical ("Cannot render the atlas pick buffer: %s", error->message);
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  return surface;
}

/* The region index of each pixel of render_flat_regions()'s image. */
static void
read_region_ids (AtlasPick       *pick,
                 cairo_surface_t *surface,
                 guint            n)
{
  const guint8 *pixels = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  pick->ids = g_malloc ((gsize) pick->w * pick->h);
  for (int y = 0; y < pick->h; y++)
    {
      const guint32 *row = (const guint32 *) (pixels + (gsize) y * stride);

      for (int x = 0; x < pick->w; x++)
        {
          guint32 p = row[x];
          guint alpha = p >> 24;
          guint red = (p >> 16) & 0xff;
          guint k = (red + 4) / 8;

          pick->ids[(gsize) y * pick->w + x] =
            (alpha == 0xff && k >= 1 && k <= n) ? (guint8) (k - 1) : NO_REGION;
        }
    }
}

/* Each region's area and area centroid. */
static void
find_centroids (AtlasPick *pick,
                guint      n)
{
  g_autofree double *sx = g_new0 (double, n);
  g_autofree double *sy = g_new0 (double, n);
  RegionStats *stats = pick->stats;

  for (int y = 0; y < pick->h; y++)
    for (int x = 0; x < pick->w; x++)
      {
        guint8 k = pick->ids[(gsize) y * pick->w + x];

        if (k == NO_REGION)
          continue;
        stats[k].area += 1;
        sx[k] += x + 0.5;
        sy[k] += y + 0.5;
      }
  for (guint k = 0; k < n; k++)
    if (stats[k].area > 0)
      {
        stats[k].cx = sx[k] / stats[k].area / PICK_SCALE;
        stats[k].cy = sy[k] / stats[k].area / PICK_SCALE;
      }
}

/* Each region's label anchor: its deepest interior point, nearest the
 * centroid among equals. */
static void
find_anchors (AtlasPick *pick,
              guint      n)
{
  g_autofree guint16 *dist = distance_to_edges (pick->ids, pick->w, pick->h);
  g_autofree guint16 *best = g_new0 (guint16, n);
  RegionStats *stats = pick->stats;

  for (int y = 0; y < pick->h; y++)
    for (int x = 0; x < pick->w; x++)
      {
        gsize i = (gsize) y * pick->w + x;
        guint8 k = pick->ids[i];
        double px, py, dnew, dold;

        if (k == NO_REGION || dist[i] < best[k])
          continue;
        px = (x + 0.5) / PICK_SCALE;
        py = (y + 0.5) / PICK_SCALE;
        dnew = hypot (px - stats[k].cx, py - stats[k].cy);
        dold = hypot (stats[k].ax - stats[k].cx, stats[k].ay - stats[k].cy);
        if (dist[i] > best[k] || dnew < dold)
          {
            best[k] = dist[i];
            stats[k].ax = px;
            stats[k].ay = py;
          }
      }
}

static AtlasPick *
pick_new (AtlasView *av)
{
  guint n = av->regions->len - 1;
  int w = (int) ceil (av->width * PICK_SCALE);
  int h = (int) ceil (av->height * PICK_SCALE);
  cairo_surface_t *surface = render_flat_regions (av, w, h);
  AtlasPick *pick;

  if (surface == NULL)
    return NULL;

  pick = g_new0 (AtlasPick, 1);
  pick->w = w;
  pick->h = h;
  read_region_ids (pick, surface, n);
  cairo_surface_destroy (surface);

  pick->stats = g_new0 (RegionStats, n);
  find_centroids (pick, n);
  find_anchors (pick, n);
  return pick;
}

/* Called with the lock held: the view's pick buffer, built on first use. */
static const AtlasPick *
ensure_pick (AtlasView *av)
{
  if (av->pick == NULL)
    av->pick = pick_new (av);
  return av->pick;
}

static const RegionStats *
region_stats (NmAtlas    *self,
              NmView      view,
              const char *region)
{
  AtlasView *av = _nm_atlas_get_view (self, view);
  const RegionStats *stats = NULL;
  const AtlasPick *pick;
  guint k;

  if (av == NULL || region == NULL)
    return NULL;
  k = _nm_atlas_region_index (av, region);
  if (k == 0)
    return NULL;

  g_mutex_lock (&self->lock);
  pick = ensure_pick (av);
  if (pick != NULL && pick->stats[k - 1].area > 0)
    stats = &pick->stats[k - 1];
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
  AtlasView *av = _nm_atlas_get_view (self, view);
  const char *region = NULL;
  const AtlasPick *pick;
  double px, py;

  g_return_val_if_fail (av != NULL, NULL);

  if (!_nm_atlas_to_view (self, view, width, height, &x, &y))
    return NULL;

  px = floor (x * PICK_SCALE);
  py = floor (y * PICK_SCALE);

  g_mutex_lock (&self->lock);
  pick = ensure_pick (av);
  if (pick != NULL && px >= 0 && py >= 0 && px < pick->w && py < pick->h)
    {
      guint8 k = pick->ids[(gsize) py * pick->w + (gsize) px];

      if (k != NO_REGION)
        region = g_ptr_array_index (av->regions, k);
    }
  g_mutex_unlock (&self->lock);

  return region;
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
  _nm_atlas_from_view (self, view, width, height, &vx, &vy);
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
