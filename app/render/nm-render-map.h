/* nm-render-map.h: the anatomical map, its findings and its depth layer
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "nm-atlas.h"
#include "nm-consultation.h"
#include "nm-plan.h"
#include "nm-vocab.h"

G_BEGIN_DECLS

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
} NmMapStyle;

const NmRgba *nm_render_category_colour (NmCategory        category);
void          nm_render_map             (cairo_t          *cr,
                                         const NmMapStyle *style,
                                         double            width,
                                         double            height);

G_END_DECLS
