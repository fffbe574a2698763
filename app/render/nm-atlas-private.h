/* nm-atlas-private.h
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

#pragma once

#include <librsvg/rsvg.h>

#include "nm-atlas.h"

G_BEGIN_DECLS

/* NmAtlas is one object in three files, one job each:
 *
 *  - nm-atlas.c: the SVG views, their geometry and the stylesheets that
 *    paint them; the direct rendering;
 *  - nm-atlas-cache.c: the raster cache, each size of a view kept as
 *    layers and composed into frames;
 *  - nm-atlas-pick.c: the pick buffer, for hit-testing, centroids and
 *    label anchors.
 *
 * Locks: the atlas's lock guards the views' lazily built parts (handles,
 * bounds, pick buffers); the cache's own lock guards its frames and is
 * taken first when both are held. */

/* The stylesheet of a region's shape: its fill alone, opaque black. */
#define SHAPE_CSS ".region{fill:#000 !important;fill-opacity:1 !important;" \
                  "stroke:none !important;opacity:1 !important}\n"

typedef struct _AtlasCache AtlasCache;  /* nm-atlas-cache.c */
typedef struct _AtlasPick  AtlasPick;   /* nm-atlas-pick.c */

typedef struct
{
  gboolean      known;
  RsvgRectangle rect;        /* logical bounds, view units */
} RegionBounds;

typedef struct
{
  GBytes       *svg;
  double        width;
  double        height;
  GPtrArray    *regions;     /* interned ids, NULL-terminated */
  GHashTable   *index;       /* interned id → GUINT_TO_POINTER (index + 1) */
  gboolean      composable;  /* laid out for the raster cache (see load_view()) */

  /* built when first needed, under the atlas's lock */
  AtlasPick    *pick;
  RegionBounds *bounds;      /* one per region */
  gboolean      ink_known;
  RsvgRectangle ink;         /* where the whole drawing has ink, view units */
  GHashTable   *handles;     /* css → RsvgHandle */
  GQueue        lru;         /* css strings (owned by handles' keys) */
  GHashTable   *busy;        /* the cached handles a thread draws with now:
                                a handle is used by one thread at a time */
} AtlasView;

struct _NmAtlas
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  AtlasView        views[NM_N_VIEWS];
  AtlasCache      *cache;
};

/* The stroke a region gets from the stylesheet, by its width. */
typedef enum
{
  ATLAS_STROKE_SEAM,    /* the seam between regions */
  ATLAS_STROKE_HOVER,   /* the hovered region's accent, 1.2 view units */
  ATLAS_STROKE_SELECT,  /* a selected region's accent, 2.4 view units */
  ATLAS_N_STROKES
} AtlasStroke;

/* The colours the stylesheet gives a region, 8 bits a channel. */
typedef struct
{
  double      fill[3];
  double      stroke[3];
  AtlasStroke stroke_kind;
} RegionPaint;

/* nm-atlas.c */
/* The stipple's spacing for a view drawn at scale @xx (user units per
 * view unit). */
#define ATLAS_STIPPLE_SPACING(xx) CLAMP ((xx) * 5.0, 4.0, 16.0)

AtlasView  *_nm_atlas_get_view     (NmAtlas              *self,
                                    NmView                view);
guint       _nm_atlas_region_index (AtlasView            *av,
                                    const char           *region);
gboolean    _nm_atlas_to_view      (NmAtlas              *self,
                                    NmView                view,
                                    double                width,
                                    double                height,
                                    double               *x,
                                    double               *y);
void        _nm_atlas_from_view    (NmAtlas              *self,
                                    NmView                view,
                                    double                width,
                                    double                height,
                                    double               *x,
                                    double               *y);
void        _nm_atlas_style_paint  (AtlasView            *av,
                                    const NmAtlasStyle   *style,
                                    RegionPaint          *paint);
RsvgHandle *_nm_atlas_ref_handle   (NmAtlas              *self,
                                    AtlasView            *av,
                                    const char           *css);
void        _nm_atlas_release_handle (NmAtlas          *self,
                                    AtlasView            *av,
                                    RsvgHandle           *handle);
void        _nm_atlas_render_layer (RsvgHandle           *handle,
                                    cairo_t              *cr,
                                    const char           *id,
                                    const RsvgRectangle  *viewport);
void        _nm_atlas_draw_overlay (cairo_t              *cr,
                                    const NmAtlasOverlay *overlay,
                                    double                width,
                                    double                height);

/* nm-atlas-cache.c */
AtlasCache *_nm_atlas_cache_new    (void);
void        _nm_atlas_cache_free   (AtlasCache           *cache);
gboolean    _nm_atlas_cache_render (NmAtlas              *self,
                                    AtlasView            *av,
                                    cairo_t              *cr,
                                    NmView                view,
                                    double                width,
                                    double                height,
                                    const NmAtlasStyle   *style,
                                    const RsvgRectangle  *viewport);

/* nm-atlas-pick.c */
void        _nm_atlas_pick_free    (AtlasPick            *pick);

G_END_DECLS
