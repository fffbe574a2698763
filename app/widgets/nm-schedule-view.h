/* nm-schedule-view.h: the series timeline and the session log
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

#define NM_TYPE_SCHEDULE_VIEW (nm_schedule_view_get_type ())

G_DECLARE_FINAL_TYPE (NmScheduleView, nm_schedule_view, NM, SCHEDULE_VIEW, GtkWidget)

GtkWidget *nm_schedule_view_new              (void);
void       nm_schedule_view_set_consultation (NmScheduleView *self,
                                              NmConsultation *consultation);
void       nm_schedule_view_set_plan         (NmScheduleView *self,
                                              NmPlan         *plan);
void       nm_schedule_view_set_today        (NmScheduleView *self,
                                              const GDate    *today);
NmSession *nm_schedule_view_log_session      (NmScheduleView *self);
GtkWindow *nm_schedule_view_edit_session     (NmScheduleView *self,
                                              NmSession      *session);
void       nm_schedule_view_commit           (NmScheduleView *self);

double     _nm_schedule_view_get_font_px     (NmScheduleView *self);

char      *nm_appointment_time_parse         (const char     *text);
double     nm_depth_round_to_step            (double          depth_mm,
                                              double          step_mm);

G_END_DECLS
