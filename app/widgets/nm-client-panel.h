/* nm-client-panel.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nm-consultation.h"
#include "nm-plan.h"

G_BEGIN_DECLS

#define NM_TYPE_CLIENT_PANEL (nm_client_panel_get_type ())

G_DECLARE_FINAL_TYPE (NmClientPanel, nm_client_panel, NM, CLIENT_PANEL, GtkWidget)

GtkWidget *nm_client_panel_new              (void);
void       nm_client_panel_set_consultation (NmClientPanel  *self,
                                             NmConsultation *consultation);
void       nm_client_panel_set_plan         (NmClientPanel  *self,
                                             NmPlan         *plan);
void       nm_client_panel_commit           (NmClientPanel  *self);

G_END_DECLS
