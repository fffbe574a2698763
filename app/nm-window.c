/* nm-window.c
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include "nm-window.h"

struct _NmWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (NmWindow, nm_window, ADW_TYPE_APPLICATION_WINDOW)

static void
nm_window_class_init (NmWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/nm-window.ui");
}

static void
nm_window_init (NmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NmWindow *
nm_window_new (NmApplication *application)
{
  return g_object_new (NM_TYPE_WINDOW, "application", application, NULL);
}
