/* nm-application.c
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include "nm-application.h"
#include "nm-window.h"

struct _NmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (NmApplication, nm_application, ADW_TYPE_APPLICATION)

static void
nm_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (nm_window_new (NM_APPLICATION (app)));
  gtk_window_present (window);
}

static void
nm_application_class_init (NmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = nm_application_activate;
}

static void
nm_application_init (NmApplication *self)
{
}

NmApplication *
nm_application_new (void)
{
  return g_object_new (NM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
