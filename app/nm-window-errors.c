/* nm-window-errors.c: a file that cannot be opened, said in words
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

#include "nm-file.h"
#include "nm-message-dialog.h"
#include "nm-window.h"

/* The reader's messages name key paths and byte offsets, which is right
 * for the command line and for a bug report, not for a practitioner. The
 * dialog says what happened and what to do in their words, and keeps the
 * reader's message under Details. */

/* Whether @file is a folder. Only asked of a file that was refused as not
 * regular, and only of a local one, where it is one stat(). */
static gboolean
is_folder (GFile *file)
{
  if (file == NULL || !g_file_is_native (file))
    return FALSE;
  return g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
}

/**
 * nm_window_describe_open_error:
 * @file: (nullable): the file that could not be opened
 * @error: why
 * @heading: (out) (transfer full): the dialog's heading
 * @body: (out) (transfer full): what happened and what to do, in words
 *
 * Says why @file could not be opened, in the words of someone who uses the
 * application rather than of its programmers.
 */
void
nm_window_describe_open_error (GFile         *file,
                               const GError  *error,
                               char         **heading,
                               char         **body)
{
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;
  const char *h;

  g_return_if_fail (error != NULL);
  g_return_if_fail (heading != NULL && body != NULL);

  if (name == NULL)
    name = g_strdup ("");

  if (g_error_matches (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION))
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("Made by a Newer Needlemap");
      /* Translators: %s is a file name */
      *body = g_strdup_printf (_("“%s” was saved by a newer version of Needlemap, which stores things this "
                                 "version does not know. Open it with the newer version, or update Needlemap."), name);
    }
  else if (g_error_matches (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE))
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("This File Is Too Large");
      /* Translators: %s is a file name */
      *body = g_strdup_printf (_("“%s” is far larger than a consultation, or holds more than one can. "
                                 "It may be another kind of file, or it may be damaged."), name);
    }
  else if (error->domain == NM_FILE_ERROR)
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("This Is Not a Needlemap Consultation");
      /* Translators: %s is a file name */
      *body = g_strdup_printf (_("“%s” is not a consultation saved by Needlemap, or it was damaged or changed "
                                 "by another program. Choose another file."), name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY) ||
           (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE) && is_folder (file)))
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("This Is a Folder, Not a Consultation");
      /* Translators: %s is a folder's name */
      *body = g_strdup_printf (_("“%s” is a folder. Open it in the file chooser and choose the consultation in it."), name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE))
    {
      h = _("This Is Not a Needlemap Consultation");
      /* Translators: %s is a name in the file system that is not a file,
       * for example a device */
      *body = g_strdup_printf (_("“%s” is not a file that can hold a consultation. Choose another file."), name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("No Permission to Read This File");
      /* Translators: %s is a file name */
      *body = g_strdup_printf (_("The file “%s” could not be read: you do not have permission to open it. "
                                 "Ask whoever manages this computer or the shared folder."), name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("The File Is No Longer There");
      /* Translators: %s is a file name */
      *body = g_strdup_printf (_("“%s” could not be found. It may have been moved, renamed or deleted."), name);
    }
  else
    {
      /* Translators: a dialog's heading when a file cannot be opened */
      h = _("The File Could Not Be Read");
      /* Translators: %s is a file name */
      *body = g_strdup_printf (_("Something stopped “%s” from being read. If it is on a network drive or a "
                                 "removable disk, check that it is connected, then try again."), name);
    }

  *heading = g_strdup (h);
}

/**
 * nm_window_show_open_error:
 * @file: (nullable): the file that could not be opened
 * @error: why
 *
 * Tells over @self that @file could not be opened: what happened in words,
 * and the technical message one click away, under Details.
 */
void
nm_window_show_open_error (NmWindow     *self,
                           GFile        *file,
                           const GError *error)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *expander;
  GtkWidget *detail;

  g_return_if_fail (NM_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  nm_window_describe_open_error (file, error, &heading, &body);
  dialog = nm_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));

  /* Translators: an expander in an error dialog that shows the technical
   * message, for a bug report or an administrator */
  expander = gtk_expander_new_with_mnemonic (_("_Details"));
  detail = gtk_label_new (error->message);
  gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 50);
  gtk_label_set_xalign (GTK_LABEL (detail), 0.0f);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_set_margin_top (detail, 6);
  gtk_expander_set_child (GTK_EXPANDER (expander), detail);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), expander);

  gtk_window_present (GTK_WINDOW (dialog));
}
