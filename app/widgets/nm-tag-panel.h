/* nm-tag-panel.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nm-consultation.h"
#include "nm-finding.h"
#include "nm-map-view.h"

G_BEGIN_DECLS

#define NM_TYPE_TAG_PANEL (nm_tag_panel_get_type ())

G_DECLARE_FINAL_TYPE (NmTagPanel, nm_tag_panel, NM, TAG_PANEL, GtkWidget)

GtkWidget          *nm_tag_panel_new              (void);
void                nm_tag_panel_set_consultation (NmTagPanel         *self,
                                                   NmConsultation     *consultation);
void                nm_tag_panel_set_regions      (NmTagPanel         *self,
                                                   const char * const *regions);
const char * const *nm_tag_panel_get_regions      (NmTagPanel         *self);
const char         *nm_tag_panel_get_kind         (NmTagPanel         *self);
void                nm_tag_panel_set_kind         (NmTagPanel         *self,
                                                   const char         *kind);
guint               nm_tag_panel_get_severity     (NmTagPanel         *self);
void                nm_tag_panel_set_severity     (NmTagPanel         *self,
                                                   guint               severity);
const char         *nm_tag_panel_get_note         (NmTagPanel         *self);
gboolean            nm_tag_panel_tag_regions      (NmTagPanel         *self,
                                                   const char * const *regions);
void                nm_tag_panel_set_brush        (NmTagPanel         *self,
                                                   gboolean            brush);
void                nm_tag_panel_set_tool         (NmTagPanel         *self,
                                                   NmMapTool           tool);
NmFinding          *nm_tag_panel_get_selected_finding (NmTagPanel     *self);
void                nm_tag_panel_select_finding   (NmTagPanel         *self,
                                                   NmFinding          *finding);

G_END_DECLS
