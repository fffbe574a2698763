/* nm-education-window.h: the client presentation, full screen
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

#include "nm-render-education.h"

G_BEGIN_DECLS

#define NM_TYPE_EDUCATION_WINDOW (nm_education_window_get_type ())

G_DECLARE_FINAL_TYPE (NmEducationWindow, nm_education_window, NM, EDUCATION_WINDOW, GtkWindow)

NmEducationWindow *nm_education_window_new       (GtkWindow         *parent,
                                                  NmEducationModel  *model);
NmEducationModel  *nm_education_window_get_model (NmEducationWindow *self);
NmEducationPage    nm_education_window_get_page  (NmEducationWindow *self);
void               nm_education_window_set_page  (NmEducationWindow *self,
                                                  NmEducationPage    page);
gboolean           nm_education_window_next      (NmEducationWindow *self);
gboolean           nm_education_window_previous  (NmEducationWindow *self);

/* Installs "win.present" (F5) on NmWindow; see nm-window-education.c. */
void               _nm_window_class_education_init (GtkWidgetClass  *widget_class);

G_END_DECLS
