/* nm-plan-panel.h: the plan, region by region, with its reasons
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

#include <gtk/gtk.h>

#include "nm-consultation.h"
#include "nm-plan.h"

G_BEGIN_DECLS

#define NM_TYPE_PLAN_PANEL (nm_plan_panel_get_type ())

G_DECLARE_FINAL_TYPE (NmPlanPanel, nm_plan_panel, NM, PLAN_PANEL, GtkWidget)

GtkWidget      *nm_plan_panel_new              (void);
NmConsultation *nm_plan_panel_get_consultation (NmPlanPanel    *self);
void            nm_plan_panel_set_consultation (NmPlanPanel    *self,
                                                NmConsultation *consultation);
NmPlan         *nm_plan_panel_get_plan         (NmPlanPanel    *self);
void            nm_plan_panel_set_plan         (NmPlanPanel    *self,
                                                NmPlan         *plan);

G_END_DECLS
