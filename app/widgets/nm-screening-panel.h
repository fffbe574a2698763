/* nm-screening-panel.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nm-consultation.h"

G_BEGIN_DECLS

#define NM_TYPE_SCREENING_PANEL (nm_screening_panel_get_type ())

G_DECLARE_FINAL_TYPE (NmScreeningPanel, nm_screening_panel, NM, SCREENING_PANEL, GtkWidget)

GtkWidget *nm_screening_panel_new              (void);
void       nm_screening_panel_set_consultation (NmScreeningPanel *self,
                                                NmConsultation   *consultation);
guint      nm_screening_panel_get_n_unanswered (NmScreeningPanel *self);

G_END_DECLS
