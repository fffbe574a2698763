/* nm-window-education.c: the consultation window opens the presentation
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

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include "nm-education-window.h"
#include "nm-window.h"

/* The presentation gets a model built from the consultation's skin type
 * and findings and from the plan, never the consultation itself. */
static void
nm_window_present_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  NmWindow *self = NM_WINDOW (widget);
  NmConsultation *consultation = nm_window_get_consultation (self);
  g_autoptr(NmEducationModel) model = NULL;
  NmEducationWindow *presentation;

  if (consultation == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  model = nm_education_model_new_for_consultation (consultation, nm_window_get_plan (self), NULL);
  presentation = nm_education_window_new (GTK_WINDOW (self), model);
  gtk_window_present (GTK_WINDOW (presentation));
}

void
_nm_window_class_education_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.present", NULL, nm_window_present_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.present", NULL);
}
