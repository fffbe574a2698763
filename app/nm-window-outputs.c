/* nm-window-outputs.c: the window's exports and printing
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

#include <glib/gi18n.h>

#include "nm-export.h"
#include "nm-planner.h"
#include "nm-print.h"
#include "nm-window-private.h"

typedef enum
{
  EXPORT_PDF,
  EXPORT_ICS
} ExportKind;


/* The plan as the window shows it, and the day it counts from. */
static NmPlan *
window_plan (NmWindow *self,
             GDate    *today)
{
  NmPlan *plan = nm_window_get_plan (self);

  if (!nm_planner_today (NULL, today, NULL))
    g_date_set_time_t (today, time (NULL));
  return plan != NULL ? nm_plan_ref (plan) : NULL;
}

static void
on_export_response_cb (GtkNativeDialog *native,
                       int              response,
                       gpointer         user_data)
{
  g_autoptr(NmWindow) self = user_data;
  ExportKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "nm-export-kind"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autoptr(NmPlan) plan = NULL;
      g_autoptr(GError) error = NULL;
      NmExportSettings export_settings;
      GDate today;
      gboolean ok = FALSE;

      plan = window_plan (self, &today);
      nm_export_settings_load (&export_settings, settings);
      if (file != NULL && plan != NULL &&
          nm_export_check_target (file, nm_window_get_file (self), &error))
        {
          if (kind == EXPORT_PDF)
            {
              NmPdfOptions options;

              nm_export_settings_pdf_options (&export_settings, &options);
              options.today = &today;
              ok = nm_export_pdf (nm_window_get_consultation (self), plan, &options, file, &error);
            }
          else
            {
              NmIcsOptions options = { export_settings.include_client_name, NULL, NULL };

              ok = nm_export_ics (nm_window_get_consultation (self), plan, &options, file, &error);
            }
        }
      nm_export_settings_clear (&export_settings);

      if (ok)
        _nm_window_toast (self, kind == EXPORT_PDF ? _("Treatment plan exported")
                                                   : _("Calendar exported"));
      else if (file != NULL)
        _nm_window_show_error (self,
                    kind == EXPORT_PDF ? _("Could Not Export the Treatment Plan")
                                       : _("Could Not Export the Calendar"),
                    error != NULL ? error->message : _("The plan could not be computed."));
    }
  g_object_unref (native);
}

static void
export_dialog (NmWindow   *self,
               ExportKind  kind)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *suggestion = NULL;

  if (nm_window_get_consultation (self) == NULL)
    return;
  _nm_window_commit_edits (self);

  native = gtk_file_chooser_native_new (kind == EXPORT_PDF ? _("Export the Treatment Plan")
                                                           : _("Export the Session Calendar"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  if (kind == EXPORT_PDF)
    {
      gtk_file_filter_set_name (filter, _("PDF Documents"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
      gtk_file_filter_add_pattern (filter, "*.pdf");
      /* no client name in the suggested file name: it shows in file lists */
      suggestion = g_date_time_format (now, _("Treatment plan %Y-%m-%d.pdf"));
    }
  else
    {
      gtk_file_filter_set_name (filter, _("Calendars"));
      gtk_file_filter_add_mime_type (filter, "text/calendar");
      gtk_file_filter_add_pattern (filter, "*.ics");
      suggestion = g_date_time_format (now, _("Sessions %Y-%m-%d.ics"));
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggestion);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_object_set_data (G_OBJECT (native), "nm-export-kind", GINT_TO_POINTER (kind));
  g_signal_connect (native, "response", G_CALLBACK (on_export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_dialog (NM_WINDOW (widget), EXPORT_PDF);
}

static void
export_ics_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_dialog (NM_WINDOW (widget), EXPORT_ICS);
}

/* The window owns the running print operation under this key, so that it
 * lives as long as the (asynchronous) printing, and goes with the window
 * whether or not "done" is ever emitted. */
#define PRINT_OPERATION_KEY "nm-print-operation"

static void
on_print_done_cb (GtkPrintOperation       *operation,
                  GtkPrintOperationResult  result,
                  NmWindow                *self)
{
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gtk_print_operation_get_error (operation, &error);
      _nm_window_show_error (self, _("Could Not Print the Treatment Plan"),
                  error != NULL ? error->message : "");
    }
  if (g_object_get_data (G_OBJECT (self), PRINT_OPERATION_KEY) == operation)
    g_object_set_data (G_OBJECT (self), PRINT_OPERATION_KEY, NULL);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  NmExportSettings export_settings;
  NmPdfOptions options;
  GtkPrintOperation *operation;
  GDate today;

  _nm_window_commit_edits (self);
  plan = window_plan (self, &today);
  if (plan == NULL)
    return;

  nm_export_settings_load (&export_settings, settings);
  nm_export_settings_pdf_options (&export_settings, &options);
  options.today = &today;
  doc = nm_pdf_document_new (nm_window_get_consultation (self), plan, &options);
  nm_export_settings_clear (&export_settings);

  operation = nm_print_operation_new (doc);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_object_set_data_full (G_OBJECT (self), PRINT_OPERATION_KEY, operation, g_object_unref);
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done_cb), self, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    _nm_window_show_error (self, _("Could Not Print the Treatment Plan"), error->message);
}

void
_nm_window_class_outputs_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "win.export-ics", NULL, export_ics_action);
  gtk_widget_class_install_action (widget_class, "win.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-pdf", NULL);
}
