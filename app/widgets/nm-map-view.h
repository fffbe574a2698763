/* nm-map-view.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nm-consultation.h"
#include "nm-plan.h"
#include "nm-render-map.h"
#include "nm-vocab.h"

G_BEGIN_DECLS

#define NM_TYPE_MAP_VIEW (nm_map_view_get_type ())

G_DECLARE_FINAL_TYPE (NmMapView, nm_map_view, NM, MAP_VIEW, GtkWidget)

typedef enum
{
  NM_MAP_TOOL_SELECT,    /* click selects, Ctrl+click adds */
  NM_MAP_TOOL_BRUSH,     /* click tags the region with the current kind */
  NM_MAP_TOOL_OUTLINE    /* drag draws a lesion outline */
} NmMapTool;

GtkWidget          *nm_map_view_new              (void);
NmConsultation     *nm_map_view_get_consultation (NmMapView          *self);
void                nm_map_view_set_consultation (NmMapView          *self,
                                                  NmConsultation     *consultation);
void                nm_map_view_set_plan         (NmMapView          *self,
                                                  NmPlan             *plan);
NmView              nm_map_view_get_view         (NmMapView          *self);
void                nm_map_view_set_view         (NmMapView          *self,
                                                  NmView              view);
NmMapLayer          nm_map_view_get_layer        (NmMapView          *self);
void                nm_map_view_set_layer        (NmMapView          *self,
                                                  NmMapLayer          layer);
NmMapTool           nm_map_view_get_tool         (NmMapView          *self);
void                nm_map_view_set_tool         (NmMapView          *self,
                                                  NmMapTool           tool);
const char * const *nm_map_view_get_selection    (NmMapView          *self);
void                nm_map_view_set_selection    (NmMapView          *self,
                                                  const char * const *regions);
const char         *nm_map_view_get_focus_region (NmMapView          *self);
const char         *nm_map_view_get_keyboard_region (NmMapView       *self);
void                nm_map_view_activate_region  (NmMapView          *self,
                                                  const char         *region,
                                                  gboolean            extend);
gboolean            nm_map_view_move_focus       (NmMapView          *self,
                                                  int                 dx,
                                                  int                 dy);
gboolean            nm_map_view_is_exact         (NmMapView          *self);
gboolean            nm_map_view_is_rendering     (NmMapView          *self);

G_END_DECLS
