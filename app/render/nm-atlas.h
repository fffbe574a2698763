/* nm-atlas.h
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

#include <cairo.h>
#include <glib.h>

#include "nm-vocab.h"

G_BEGIN_DECLS

/* The anatomy atlas: one SVG per view (resources/atlas/<view>.svg), each
 * region a closed path whose id is the spec's region id. Coordinates given
 * to and returned by these functions are in a "widget" rectangle of
 * width × height into which the view is fitted (centred, aspect kept);
 * see nm_atlas_fit(). */

#define NM_ATLAS_ERROR (nm_atlas_error_quark ())

typedef enum
{
  NM_ATLAS_ERROR_MISSING,
  NM_ATLAS_ERROR_INVALID,
} NmAtlasError;

typedef struct _NmAtlas NmAtlas;

typedef struct
{
  double red;
  double green;
  double blue;
  double alpha;
} NmRgba;

typedef void (*NmAtlasOverlayFunc) (cairo_t  *cr,
                                    double    width,
                                    double    height,
                                    gpointer  data);

typedef struct
{
  NmAtlasOverlayFunc  draw;  /* nullable */
  gpointer            data;
  const char         *key;   /* nullable */
} NmAtlasOverlay;

#define NM_ATLAS_N_OVERLAYS 3

typedef struct
{
  double      skin[3];   /* sRGB 0–1, see nm_skin_tone_for_fitzpatrick() */
  GHashTable *fills;     /* nullable: region id (char *) → const NmRgba *;
                            the colour is laid over the skin tone by its alpha */
  const char *hovered;   /* nullable region id: lightened, thin accent outline */
  const char *selected;  /* nullable region id: accent outline drawn on top */
  const char * const *selected_set; /* nullable, NULL-terminated region ids:
                                       each outlined like @selected */
  const char * const *hatched;      /* nullable, NULL-terminated region ids:
                                       hatched (see nm_atlas_paint_hatch()),
                                       under the drawn features */
  const char * const *marked;       /* nullable, NULL-terminated region ids:
                                       stippled and outlined in a colour that
                                       stands out from the skin tone (see
                                       nm_atlas_paint_stipple()), so that a
                                       finding near the skin's colour
                                       (pigment) still shows, in greyscale
                                       too; the outline gives way to hover
                                       and selection */

  /* Drawn last, above everything and in this order, in the same user
   * space as the view. On a raster target each overlay with a key is kept
   * as an image of its own and reused while its key stays the same: two
   * styles with equal keys must draw equal overlays. An overlay without a
   * key is drawn afresh every time. */
  NmAtlasOverlay overlays[NM_ATLAS_N_OVERLAYS];

  /* On a raster target, keep this size as layers from its first drawing
   * on, not only from its second (a size drawn once, as during a live
   * resize, is otherwise drawn directly): for a drawing at a size that
   * will be drawn again. */
  gboolean keep_layers;
} NmAtlasStyle;

GQuark               nm_atlas_error_quark           (void);

NmAtlas             *nm_atlas_new                   (GError            **error);
NmAtlas             *nm_atlas_get_default           (void);
NmAtlas             *nm_atlas_ref                   (NmAtlas            *self);
void                 nm_atlas_unref                 (NmAtlas            *self);

const char          *nm_atlas_view_resource_path    (NmView              view);
void                 nm_atlas_view_size             (NmAtlas            *self,
                                                     NmView              view,
                                                     double             *width,
                                                     double             *height);
void                 nm_atlas_fit                   (NmAtlas            *self,
                                                     NmView              view,
                                                     double              width,
                                                     double              height,
                                                     cairo_matrix_t     *out);

void                 nm_atlas_style_init            (NmAtlasStyle       *style,
                                                     guint               fitzpatrick);
void                 nm_skin_tone_for_fitzpatrick   (guint               type,
                                                     double              rgb[3]);
char                *nm_atlas_style_to_css          (const NmAtlasStyle *style);
void                 nm_atlas_render                (NmAtlas            *self,
                                                     cairo_t            *cr,
                                                     NmView              view,
                                                     double              width,
                                                     double              height,
                                                     const NmAtlasStyle *style);

void                 nm_atlas_set_raster_cache      (NmAtlas            *self,
                                                     gboolean            enabled);
guint                nm_atlas_get_n_cached_sizes    (NmAtlas            *self);

const char * const  *nm_atlas_regions_in_view       (NmAtlas            *self,
                                                     NmView              view);
gboolean             nm_atlas_view_has_region       (NmAtlas            *self,
                                                     NmView              view,
                                                     const char         *region);
const char          *nm_atlas_region_at             (NmAtlas            *self,
                                                     NmView              view,
                                                     double              width,
                                                     double              height,
                                                     double              x,
                                                     double              y);
gboolean             nm_atlas_region_bounds         (NmAtlas            *self,
                                                     NmView              view,
                                                     const char         *region,
                                                     double              width,
                                                     double              height,
                                                     double             *x,
                                                     double             *y,
                                                     double             *w,
                                                     double             *h);
gboolean             nm_atlas_region_centroid       (NmAtlas            *self,
                                                     NmView              view,
                                                     const char         *region,
                                                     double              width,
                                                     double              height,
                                                     double             *x,
                                                     double             *y);
gboolean             nm_atlas_widget_to_view        (NmAtlas            *self,
                                                     NmView              view,
                                                     double              width,
                                                     double              height,
                                                     double              x,
                                                     double              y,
                                                     double             *nx,
                                                     double             *ny);
void                 nm_atlas_view_to_widget        (NmAtlas            *self,
                                                     NmView              view,
                                                     double              width,
                                                     double              height,
                                                     double              nx,
                                                     double              ny,
                                                     double             *x,
                                                     double             *y);
void                 nm_atlas_paint_hatch           (cairo_t            *cr,
                                                     double              x,
                                                     double              y,
                                                     double              width,
                                                     double              height,
                                                     double              spacing);
gboolean             nm_atlas_view_ink_bounds       (NmAtlas            *self,
                                                     NmView              view,
                                                     double              width,
                                                     double              height,
                                                     double             *x,
                                                     double             *y,
                                                     double             *w,
                                                     double             *h);
void                 nm_atlas_marking_ink           (const double        skin[3],
                                                     double              ink[3]);
void                 nm_atlas_paint_stipple         (cairo_t            *cr,
                                                     double              x,
                                                     double              y,
                                                     double              width,
                                                     double              height,
                                                     double              spacing);
void                 nm_atlas_render_region_shape   (NmAtlas            *self,
                                                     cairo_t            *cr,
                                                     NmView              view,
                                                     const char         *region,
                                                     double              width,
                                                     double              height);
cairo_pattern_t     *nm_atlas_region_mask           (NmAtlas            *self,
                                                     cairo_t            *cr,
                                                     NmView              view,
                                                     const char         *region,
                                                     double              width,
                                                     double              height);
gboolean             nm_atlas_region_anchor         (NmAtlas            *self,
                                                     NmView              view,
                                                     const char         *region,
                                                     double              width,
                                                     double              height,
                                                     double             *x,
                                                     double             *y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmAtlas, nm_atlas_unref)

G_END_DECLS
