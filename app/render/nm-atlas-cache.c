/* nm-atlas-cache.c
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

#include "nm-atlas-private.h"

/* Sizes of the view kept as layers for raster targets. */
#define FRAME_CACHE_SIZE 3
#define RASTER_MAX_PIXELS (8192.0 * 4608.0)

/* Re-rendering the SVG is the dearest part of a frame, yet between two
 * frames only the stylesheet's dynamic part changes: fills, hover,
 * selection, hatching. On a raster target drawn unrotated, the view is
 * therefore kept, per size and pixel grid, as layers on the target's own
 * pixel grid, and every frame replays the operations of render_direct()
 * (nm-atlas.c) from them (compose()):
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
 * Colours go through the same 8-bit rounding as the stylesheet's (see
 * _nm_atlas_style_paint()), so the result is the direct rendering up to a
 * rounding step (the tests compare both). A vector target (PDF, SVG,
 * recording) always gets render_direct(), so a PDF stays vector. */

typedef struct _Frame Frame;

struct _AtlasCache
{
  GMutex    lock;     /* the frames, and drawing from them */
  gboolean  enabled;
  GQueue    frames;   /* Frame *, most recently used first */
  char     *pending;  /* the key of a size drawn once, directly */
};

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

/* A region's fill, then its stroke in each width of AtlasStroke. */
typedef enum
{
  MASK_FILL,
  MASK_SEAM,
  MASK_HOVER,
  MASK_SELECT,
  N_MASKS
} MaskKind;

#define MASK_STROKE(stroke) ((MaskKind) (MASK_SEAM + (stroke)))
G_STATIC_ASSERT (MASK_STROKE (ATLAS_STROKE_SELECT) == MASK_SELECT);
G_STATIC_ASSERT (N_MASKS == 1 + ATLAS_N_STROKES);

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
  Layer          *stipple;       /* A8: each marked region's dots */
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
    {
      layer_clear (&frame->hatch[k]);
      layer_clear (&frame->stipple[k]);
    }
  g_free (frame->hatch);
  g_free (frame->stipple);
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
  frame->stipple = g_new0 (Layer, frame->n);

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
    _nm_atlas_render_layer (group->handle, cr, group->id, group->viewport);
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
  group.handle = _nm_atlas_ref_handle (self, av, static_css);
  group.viewport = &frame->viewport;
  group.id = "underlay";
  build_drawn_layer (frame, &frame->underlay, draw_group, &group);
  group.id = "decor";
  build_drawn_layer (frame, &frame->decor, draw_group, &group);
  _nm_atlas_release_handle (self, av, group.handle);
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

  handle = _nm_atlas_ref_handle (self, av, mask_css[kind]);
  if (handle == NULL)
    return layer;
  layer->surface = cairo_image_surface_create (CAIRO_FORMAT_A8, box[2], box[3]);
  layer->x = box[0];
  layer->y = box[1];
  cr = layer_context (frame, layer->surface, box[0], box[1]);
  _nm_atlas_render_layer (handle, cr, g_ptr_array_index (av->regions, k), &frame->viewport);
  cairo_destroy (cr);
  _nm_atlas_release_handle (self, av, handle);
  layer_find_boxes (layer);
  return layer;
}

/* A marking painted over the region's bounds by @paint (the scale of the
 * view is the fit's), clipped to the region's fill mask. */
typedef void (*PaintMarking) (cairo_t *cr,
                              double   x,
                              double   y,
                              double   width,
                              double   height,
                              double   scale);

static const Layer *
ensure_marking (NmAtlas        *self,
                AtlasView      *av,
                Frame          *frame,
                guint           k,
                Layer          *layer,
                cairo_format_t  format,
                PaintMarking    paint)
{
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

  layer->surface = cairo_image_surface_create (format,
                                               cairo_image_surface_get_width (shape->surface),
                                               cairo_image_surface_get_height (shape->surface));
  layer->x = shape->x;
  layer->y = shape->y;
  cr = layer_context (frame, layer->surface, layer->x, layer->y);
  paint (cr, bx - 2, by - 2, bw + 4, bh + 4, m.xx);
  cairo_identity_matrix (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_DEST_IN);
  cairo_set_source_surface (cr, shape->surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  layer_find_boxes (layer);
  return layer;
}

static void
paint_hatch (cairo_t *cr,
             double   x,
             double   y,
             double   width,
             double   height,
             double   scale)
{
  nm_atlas_paint_hatch (cr, x, y, width, height, CLAMP (scale * 4.0, 3.0, 14.0));
}

static void
paint_stipple (cairo_t *cr,
               double   x,
               double   y,
               double   width,
               double   height,
               double   scale)
{
  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  nm_atlas_paint_stipple (cr, x, y, width, height, ATLAS_STIPPLE_SPACING (scale));
}

/* The hatching of hatch_region() (nm-atlas.c), clipped to the region's
 * fill mask. */
static const Layer *
ensure_hatch (NmAtlas   *self,
              AtlasView *av,
              Frame     *frame,
              guint      k)
{
  return ensure_marking (self, av, frame, k, &frame->hatch[k], CAIRO_FORMAT_ARGB32, paint_hatch);
}

/* The stipple of stipple_region() (nm-atlas.c) as coverage, clipped to
 * the region's fill mask; composed in the marking ink. */
static const Layer *
ensure_stipple (NmAtlas   *self,
                AtlasView *av,
                Frame     *frame,
                guint      k)
{
  return ensure_marking (self, av, frame, k, &frame->stipple[k], CAIRO_FORMAT_A8, paint_stipple);
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
  mask_layer (cr, paint[k].stroke,
              ensure_mask (self, av, frame, MASK_STROKE (paint[k].stroke_kind), k));
}

/* Called with the cache's lock held; @cr is in the frame's pixels. */
static void
compose (NmAtlas            *self,
         AtlasView          *av,
         Frame              *frame,
         cairo_t            *cr,
         const NmAtlasStyle *style)
{
  g_autofree RegionPaint *paint = g_new0 (RegionPaint, frame->n);
  guint k;

  _nm_atlas_style_paint (av, style, paint);

  /* The order of render_direct() */
  paint_layer (cr, &frame->underlay);
  for (k = 0; k < frame->n; k++)
    compose_region (self, av, frame, cr, paint, k);
  for (guint i = 0; style->hatched != NULL && style->hatched[i] != NULL; i++)
    {
      k = _nm_atlas_region_index (av, style->hatched[i]);
      if (k > 0)
        paint_layer (cr, ensure_hatch (self, av, frame, k - 1));
    }
  for (guint i = 0; style->marked != NULL && style->marked[i] != NULL; i++)
    if ((k = _nm_atlas_region_index (av, style->marked[i])) > 0)
      compose_region (self, av, frame, cr, paint, k - 1);
  if (style->hovered != NULL && (k = _nm_atlas_region_index (av, style->hovered)) > 0)
    compose_region (self, av, frame, cr, paint, k - 1);
  if (style->selected != NULL && (k = _nm_atlas_region_index (av, style->selected)) > 0)
    compose_region (self, av, frame, cr, paint, k - 1);
  for (guint i = 0; style->selected_set != NULL && style->selected_set[i] != NULL; i++)
    if (g_strcmp0 (style->selected_set[i], style->selected) != 0
        && (k = _nm_atlas_region_index (av, style->selected_set[i])) > 0)
      compose_region (self, av, frame, cr, paint, k - 1);
  if (style->marked != NULL)
    {
      double ink[3];

      nm_atlas_marking_ink (style->skin, ink);
      for (guint c = 0; c < 3; c++)
        ink[c] = lround (CLAMP (ink[c], 0, 1) * 255) / 255.0;
      for (guint i = 0; style->marked[i] != NULL; i++)
        if ((k = _nm_atlas_region_index (av, style->marked[i])) > 0)
          mask_layer (cr, ink, ensure_stipple (self, av, frame, k - 1));
    }
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

/* Called with the cache's lock held. */
static Frame *
frame_lookup (AtlasCache *cache,
              const char *key)
{
  for (GList *l = cache->frames.head; l != NULL; l = l->next)
    {
      Frame *frame = l->data;

      if (g_str_equal (frame->key, key))
        {
          g_queue_unlink (&cache->frames, l);
          g_queue_push_head_link (&cache->frames, l);
          return frame;
        }
    }
  return NULL;
}

/* Draws the view from cached layers, if the cache is on and @cr's target
 * allows it (a raster surface, drawn unrotated); %FALSE if not, for
 * render_direct() to draw it. */
gboolean
_nm_atlas_cache_render (NmAtlas             *self,
                        AtlasView           *av,
                        cairo_t             *cr,
                        NmView               view,
                        double               width,
                        double               height,
                        const NmAtlasStyle  *style,
                        const RsvgRectangle *viewport)
{
  AtlasCache *cache = self->cache;
  cairo_surface_t *target = cairo_get_target (cr);
  g_autofree char *key = NULL;
  g_autofree char *static_css = NULL;
  NmAtlasStyle plain;
  cairo_matrix_t pm;
  Frame *frame;
  double x0, y0, x1, y1, sx, sy, ox, oy;
  gboolean enabled;

  g_mutex_lock (&cache->lock);
  enabled = cache->enabled;
  g_mutex_unlock (&cache->lock);

  if (!enabled || !av->composable || !pixel_matrix (cr, &pm))
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
  plain.marked = NULL;
  static_css = nm_atlas_style_to_css (&plain);

  g_mutex_lock (&cache->lock);
  frame = frame_lookup (cache, key);
  if (frame == NULL && !style->keep_layers && g_strcmp0 (cache->pending, key) != 0)
    {
      /* A size seen for the first time is drawn directly: while a window
       * is being resized, every frame has a new size, and building the
       * layers costs more than one direct rendering. They are built when
       * the same size is drawn again. */
      g_free (cache->pending);
      cache->pending = g_steal_pointer (&key);
      g_mutex_unlock (&cache->lock);
      return FALSE;
    }
  if (frame == NULL)
    {
      frame = frame_new (self, av, view, width, height, viewport, key,
                         (int) (x1 - x0), (int) (y1 - y0), pm.x0 - x0, pm.y0 - y0, pm.xx, pm.yy);
      while (g_queue_get_length (&cache->frames) >= FRAME_CACHE_SIZE)
        frame_free (g_queue_pop_tail (&cache->frames));
      g_queue_push_head (&cache->frames, frame);
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
  g_mutex_unlock (&cache->lock);

  /* Overlays without a key are drawn afresh. */
  for (guint i = 0; i < NM_ATLAS_N_OVERLAYS; i++)
    if (style->overlays[i].key == NULL)
      _nm_atlas_draw_overlay (cr, &style->overlays[i], width, height);

  return TRUE;
}

AtlasCache *
_nm_atlas_cache_new (void)
{
  AtlasCache *cache = g_new0 (AtlasCache, 1);

  g_mutex_init (&cache->lock);
  cache->enabled = TRUE;
  g_queue_init (&cache->frames);
  return cache;
}

void
_nm_atlas_cache_free (AtlasCache *cache)
{
  g_queue_clear_full (&cache->frames, (GDestroyNotify) frame_free);
  g_free (cache->pending);
  g_mutex_clear (&cache->lock);
  g_free (cache);
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

  g_mutex_lock (&self->cache->lock);
  self->cache->enabled = !!enabled;
  if (!enabled)
    {
      g_queue_clear_full (&self->cache->frames, (GDestroyNotify) frame_free);
      g_clear_pointer (&self->cache->pending, g_free);
    }
  g_mutex_unlock (&self->cache->lock);
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

  g_mutex_lock (&self->cache->lock);
  n = g_queue_get_length (&self->cache->frames);
  g_mutex_unlock (&self->cache->lock);
  return n;
}
