/* nm-map-view.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nm-consultation.h"
#include "nm-vocab.h"

G_BEGIN_DECLS

#define NM_TYPE_MAP_VIEW (nm_map_view_get_type ())

G_DECLARE_FINAL_TYPE (NmMapView, nm_map_view, NM, MAP_VIEW, GtkWidget)

GtkWidget      *nm_map_view_new              (void);
NmConsultation *nm_map_view_get_consultation (NmMapView      *self);
void            nm_map_view_set_consultation (NmMapView      *self,
                                              NmConsultation *consultation);
NmView          nm_map_view_get_view         (NmMapView      *self);
void            nm_map_view_set_view         (NmMapView      *self,
                                              NmView          view);

G_END_DECLS
