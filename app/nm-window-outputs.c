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

typedef struct
{
  NmWindow     *self;
  NmExportKind  kind;
} Exporting;

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Exporting *exporting = user_data;
  g_autoptr(NmWindow) self = exporting->self;
  NmExportKind kind = exporting->kind;
  g_autoptr(GError) error = NULL;

  g_free (exporting);
  if (nm_export_finish (result, &error))
    _nm_window_toast (self, kind == NM_EXPORT_PDF ? _("Treatment plan exported")
                                                  : _("Calendar exported"));
  else
    _nm_window_show_error (self,
                           kind == NM_EXPORT_PDF ? _("Could Not Export the Treatment Plan")
                                                 : _("Could Not Export the Calendar"),
                           error->message);
}

static void
on_export_response_cb (GtkNativeDialog *native,
                       int              response,
                       gpointer         user_data)
{
  g_autoptr(NmWindow) self = user_data;
  NmExportKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "nm-export-kind"));
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  g_object_unref (native);
  nm_window_remember_dialog_folder (file);
  if (file == NULL)
    return;

  if (nm_window_get_plan (self) == NULL)
    {
      _nm_window_show_error (self,
                             kind == NM_EXPORT_PDF ? _("Could Not Export the Treatment Plan")
                                                   : _("Could Not Export the Calendar"),
                             _("The plan could not be computed."));
      return;
    }

  {
    Exporting *exporting = g_new0 (Exporting, 1);

    exporting->self = g_object_ref (self);
    exporting->kind = kind;
    _nm_window_export_async (self, kind, file, on_exported_cb, exporting);
  }
}

/**
 * _nm_window_export_async:
 *
 * Writes the consultation as it is now to @file, on a worker thread.
 */
void
_nm_window_export_async (NmWindow            *self,
                         NmExportKind         kind,
                         GFile               *file,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GDate today;

  nm_document_get_today (nm_window_get_document (self), &today);
  nm_export_async (kind, nm_window_get_consultation (self), nm_window_get_plan (self), settings,
                   &today, file, nm_window_get_file (self), NULL, callback, user_data);
}

static void
export_dialog (NmWindow   *self,
               NmExportKind  kind)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *suggestion = NULL;

  if (nm_window_get_consultation (self) == NULL)
    return;
  _nm_window_commit_edits (self);

  native = gtk_file_chooser_native_new (kind == NM_EXPORT_PDF ? _("Export the Treatment Plan")
                                                           : _("Export the Session Calendar"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  if (kind == NM_EXPORT_PDF)
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
  nm_window_set_dialog_folder (self, GTK_FILE_CHOOSER (native));
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
  export_dialog (NM_WINDOW (widget), NM_EXPORT_PDF);
}

static void
export_ics_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_dialog (NM_WINDOW (widget), NM_EXPORT_ICS);
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
on_print_document_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(NmWindow) self = user_data;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  GtkPrintOperation *operation;

  doc = nm_export_print_document_finish (result, &error);
  if (doc == NULL)
    {
      _nm_window_show_error (self, _("Could Not Print the Treatment Plan"), error->message);
      return;
    }
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  operation = nm_print_operation_new (doc);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_object_set_data_full (G_OBJECT (self), PRINT_OPERATION_KEY, operation, g_object_unref);
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done_cb), self, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    _nm_window_show_error (self, _("Could Not Print the Treatment Plan"), error->message);
}

/* The pages are laid out on a worker thread from a copy of the
 * consultation; the print dialog opens when they are ready. */
static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);

  _nm_window_commit_edits (self);
  if (nm_window_get_plan (self) == NULL)
    return;
  _nm_window_export_async (self, NM_EXPORT_PRINT_DOCUMENT, NULL, on_print_document_cb, g_object_ref (self));
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
