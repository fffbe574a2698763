/* nm-render-map.h: the anatomical map, its findings and its depth layer
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

#include "nm-atlas.h"
#include "nm-consultation.h"
#include "nm-finding.h"
#include "nm-plan.h"
#include "nm-vocab.h"

G_BEGIN_DECLS

/* The depth scale runs from 0 to this depth (the device maximum of the
 * protocol, REFERENCE.md via protocol.json); deeper values are clamped. */
#define NM_RENDER_DEPTH_SCALE_MAX_MM 2.5

typedef enum
{
  NM_MAP_LAYER_FINDINGS,
  NM_MAP_LAYER_DEPTH
} NmMapLayer;

typedef struct
{
  NmView               view;
  NmMapLayer           layer;
  NmConsultation      *consultation;   /* nullable */
  NmPlan              *plan;           /* nullable: needed by the depth layer */
  const char          *hover_region;   /* nullable */
  const char * const  *selected;       /* nullable, NULL-terminated region ids */
  gboolean             dark;           /* draw for a dark background */
  gboolean             settled;        /* the size will be drawn again: on a
                                          raster target, keep it as layers
                                          at once (NmAtlasStyle.keep_layers) */
} NmMapStyle;

const NmRgba *nm_render_category_colour (NmCategory        category);
void          nm_render_map             (cairo_t          *cr,
                                         const NmMapStyle *style,
                                         double            width,
                                         double            height);
void          nm_render_map_rescale     (NmView            view,
                                         double            from_width,
                                         double            from_height,
                                         double            to_width,
                                         double            to_height,
                                         double           *x,
                                         double           *y,
                                         double           *width,
                                         double           *height);

void          nm_render_depth_colour    (double            mm,
                                         NmRgba           *out);
char         *nm_render_depth_text      (double            min_mm,
                                         double            max_mm);
void          nm_render_depth_legend    (cairo_t          *cr,
                                         double            x,
                                         double            y,
                                         double            width,
                                         double            height,
                                         gboolean          dark);
void          nm_render_depth_legend_place (NmView          view,
                                         double            width,
                                         double            height,
                                         double           *x,
                                         double           *y,
                                         double           *w,
                                         double           *h);
void          nm_render_map_legend      (cairo_t          *cr,
                                         NmView            view,
                                         double            width,
                                         double            height,
                                         gboolean          dark);
void          nm_render_depth_figure    (cairo_t          *cr,
                                         NmConsultation   *consultation,
                                         NmPlan           *plan,
                                         NmView            view,
                                         double            width,
                                         double            height);
void          nm_render_outline         (cairo_t          *cr,
                                         NmView            view,
                                         double            width,
                                         double            height,
                                         const NmPoint    *points,
                                         guint             n_points,
                                         const NmRgba     *colour,
                                         gboolean          closed);

G_END_DECLS
