/* nm-session-form.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nm-consultation.h"
#include "nm-plan.h"

G_BEGIN_DECLS

typedef enum
{
  NM_SESSION_FORM_LOG,          /* a draft, logged as done when accepted */
  NM_SESSION_FORM_LOG_BOOKED,   /* a booked session of the log, done when accepted */
  NM_SESSION_FORM_EDIT          /* a session of the log, edited */
} NmSessionFormMode;

#define NM_TYPE_SESSION_FORM (nm_session_form_get_type ())

G_DECLARE_FINAL_TYPE (NmSessionForm, nm_session_form, NM, SESSION_FORM, AdwWindow)

NmSessionForm *nm_session_form_new     (GtkWindow          *parent,
                                        NmConsultation     *consultation,
                                        NmPlan             *plan,
                                        NmSession          *session,
                                        NmSessionFormMode   mode,
                                        const char * const *regions,
                                        const char         *subtitle,
                                        const GDate        *today);
gboolean       nm_session_form_accept  (NmSessionForm      *self);
NmSession     *nm_session_form_get_session (NmSessionForm  *self);

GtkWidget     *nm_depth_above_plan_dialog_new (GtkWindow  *parent,
                                              const char *body);

G_END_DECLS
