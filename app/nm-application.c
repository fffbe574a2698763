/* nm-application.c
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
#include <stdlib.h>

#include "nm-message-dialog.h"
#include "nm-application.h"
#include "nm-preferences-window.h"
#include "nm-recovery.h"
#include "nm-window.h"

struct _NmApplication
{
  AdwApplication  parent_instance;

  /* Recovery copies found at start-up, before this run wrote any: work left
   * unsaved by a run that crashed. Offered once, in the first window. */
  GPtrArray      *recovered;
  guint           n_opening;   /* files being read */
};

G_DEFINE_FINAL_TYPE (NmApplication, nm_application, ADW_TYPE_APPLICATION)

static NmWindow *
nm_application_find_pristine_window (NmApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      if (NM_IS_WINDOW (l->data) && nm_window_is_pristine (l->data))
        return l->data;
    }
  return NULL;
}

static void
on_recovery_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         NmApplication    *self)
{
  g_autoptr(GPtrArray) entries = g_steal_pointer (&self->recovered);
  g_autoptr(GString) failures = g_string_new (NULL);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  gboolean restore = g_strcmp0 (response, "restore") == 0;

  /* Only an explicit Discard deletes the copies; closing the dialog (Escape)
   * keeps them on disk, to be offered again at the next start. */
  if (entries == NULL || (!restore && g_strcmp0 (response, "discard") != 0))
    return;

  for (guint i = 0; i < entries->len; i++)
    {
      NmRecoveryEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) error = NULL;
      NmWindow *window;

      if (!restore)
        {
          nm_recovery_remove (entry->id);
          continue;
        }

      window = NM_IS_WINDOW (parent) && nm_window_is_pristine (NM_WINDOW (parent))
               ? NM_WINDOW (parent) : nm_window_new (self);
      if (!nm_window_restore (window, entry, &error))
        {
          /* Kept on disk: a later version may read it. */
          g_warning ("A recovery copy could not be restored: %s", error->message);
          g_string_append_printf (failures, failures->len > 0 ? "\n%s" : "%s", error->message);
          if (window != NM_WINDOW (parent))
            gtk_window_destroy (GTK_WINDOW (window));
          continue;
        }
      gtk_window_present (GTK_WINDOW (window));
    }

  /* Never silence: the practitioner asked for this work back. */
  if (failures->len > 0)
    {
      GtkWidget *message;

      message = nm_message_dialog_new (parent, _("Could Not Restore Unsaved Work"), failures->str);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
    }
}

/* What the offer calls a recovery copy: its client, as a window's title
 * would, so that the practitioner knows whose work comes back. */
static char *
recovered_name (NmRecoveryEntry *entry)
{
  g_autoptr(NmConsultation) consultation = nm_recovery_load (entry, NULL);
  g_autofree char *title = NULL;

  if (consultation == NULL)
    return g_strdup (_("a copy that cannot be read"));
  title = nm_consultation_dup_title (consultation);
  /* Translators: a consultation's name in quotation marks */
  return g_strdup_printf (_("“%s”"), title);
}

static void
nm_application_offer_recovery (NmApplication *self,
                               GtkWindow     *parent)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) changed = g_string_new (NULL);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint n;

  if (self->recovered == NULL || self->recovered->len == 0)
    return;

  n = self->recovered->len;
  for (guint i = 0; i < n; i++)
    {
      NmRecoveryEntry *entry = g_ptr_array_index (self->recovered, i);
      g_autofree char *name = recovered_name (entry);
      g_autofree char *sentence = NULL;

      /* Translators: between the names of consultations in a list */
      g_string_append_printf (names, "%s%s", i > 0 ? _(", ") : "", name);

      /* Restoring is never a silent way back past another program's save. */
      switch (nm_recovery_check_origin (entry))
        {
        case NM_RECOVERY_ORIGIN_CHANGED:
          sentence = n == 1
            ? g_strdup (_("The file was changed by another program after this work was last saved: "
                          "saving will ask before replacing that version."))
            /* Translators: the name is the client's, or “New Consultation” */
            : g_strdup_printf (_("The file of %s was changed by another program after this work was "
                                 "last saved: saving will ask before replacing that version."), name);
          break;

        case NM_RECOVERY_ORIGIN_GONE:
          sentence = n == 1
            ? g_strdup (_("The file was deleted or moved after this work was last saved."))
            /* Translators: the name is the client's, or “New Consultation” */
            : g_strdup_printf (_("The file of %s was deleted or moved after this work was last saved."),
                               name);
          break;

        case NM_RECOVERY_ORIGIN_NONE:
        case NM_RECOVERY_ORIGIN_UNCHANGED:
        default:
          break;
        }
      if (sentence != NULL)
        g_string_append_printf (changed, " %s", sentence);
    }
  if (n == 1)
    /* Translators: the name is the client's, or “New Consultation” */
    body = g_strdup_printf (_("Needlemap closed before %s was saved. Its changes were kept and can be restored."),
                            names->str);
  else
    /* Translators: %u consultations, then their names: the clients' or “New Consultation” */
    body = g_strdup_printf (ngettext ("Needlemap closed before %u consultation was saved: %s. "
                                      "Its changes were kept and can be restored.",
                                      "Needlemap closed before %u consultations were saved: %s. "
                                      "Their changes were kept and can be restored.", n), n, names->str);
  if (changed->len > 0)
    {
      char *whole = g_strconcat (body, changed->str, NULL);

      g_free (body);
      body = whole;
    }
  dialog = nm_message_dialog_new (parent, _("Restore Unsaved Work?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "discard", _("_Discard"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_recovery_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* For the start-up benchmark: quit as soon as the first frame is painted. */
static void
on_first_paint_cb (GdkFrameClock *clock,
                   GApplication  *app)
{
  /* Like the yardstick window in tests/bench/: out at once, no shutdown. */
  exit (0);
}

static void
on_window_realize_cb (GtkWidget    *window,
                      GApplication *app)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (clock != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_paint_cb), app);
}

static NmWindow *
nm_application_find_window_for_file (NmApplication *self,
                                     GFile         *file)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      GFile *shown;

      if (!NM_IS_WINDOW (l->data))
        continue;
      shown = nm_window_get_file (l->data);
      if (shown != NULL && g_file_equal (shown, file))
        return l->data;
    }
  return NULL;
}

static void
nm_application_activate (GApplication *app)
{
  NmApplication *self = NM_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (nm_window_new (self));
      if (g_getenv ("NEEDLEMAP_BENCH_EXIT_AFTER_FIRST_FRAME") != NULL)
        g_signal_connect (window, "realize", G_CALLBACK (on_window_realize_cb), app);
    }
  gtk_window_present (window);
  nm_application_offer_recovery (self, window);
}

typedef struct
{
  NmApplication *self;
  GFile         *file;
} Opening;

static void
opening_free (Opening *opening)
{
  g_object_unref (opening->file);
  g_free (opening);
}

/* A file read whole goes into a pristine window or a new one; one that
 * cannot be read is reported over the window in front, and only when there
 * is none is an empty one made to carry the message. */
static void
on_file_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Opening *opening = user_data;
  NmApplication *self = opening->self;
  g_autoptr(NmDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  NmWindow *window;

  document = nm_document_load_finish (result, &error);
  if (document == NULL)
    {
      GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

      /* over a consultation window: the dialog is that window's */
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self));
           l != NULL && (parent == NULL || !NM_IS_WINDOW (parent)); l = l->next)
        parent = l->data;
      if (parent == NULL || !NM_IS_WINDOW (parent))
        parent = GTK_WINDOW (nm_window_new (self));
      gtk_window_present (parent);
      nm_window_show_open_error (NM_WINDOW (parent), opening->file, error);
    }
  else
    {
      /* opened meanwhile from another path to the same file */
      window = nm_application_find_window_for_file (self, opening->file);
      if (window == NULL)
        {
          window = nm_application_find_pristine_window (self);
          if (window == NULL)
            window = nm_window_new (self);
          nm_window_set_document (window, document);
        }
      gtk_window_present (GTK_WINDOW (window));
    }

  if (--self->n_opening == 0)
    nm_application_offer_recovery (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
  opening_free (opening);
  g_application_release (G_APPLICATION (self));
}

static void
nm_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  NmApplication *self = NM_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      NmWindow *window = nm_application_find_window_for_file (self, files[i]);
      Opening *opening;

      /* A document already open is brought forward, never opened twice. */
      if (window != NULL)
        {
          gtk_window_present (GTK_WINDOW (window));
          continue;
        }

      /* Read on a worker thread; the application stays up meanwhile. */
      opening = g_new0 (Opening, 1);
      opening->self = self;
      opening->file = g_object_ref (files[i]);
      self->n_opening++;
      g_application_hold (app);
      nm_document_load_async (files[i], NULL, on_file_loaded_cb, opening);
    }

  if (self->n_opening == 0)
    nm_application_offer_recovery (self, gtk_application_get_active_window (GTK_APPLICATION (app)));
}

static void
nm_application_new_window (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  NmApplication *self = user_data;
  NmWindow *window = nm_window_new (self);

  nm_window_new_consultation (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
nm_application_preferences (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  NmApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  NmPreferencesWindow *prefs = nm_preferences_window_new (parent);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
nm_application_about (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  NmApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Needlemap authors", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Needlemap"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Needlemap authors"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/needlemap/needlemap",
                         "issue-url", "https://github.com/needlemap/needlemap/issues",
                         "developers", developers,
                         "copyright", "© 2026 The Needlemap authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Plans microneedling treatments on a face and body map: "
                                       "needle depths, screening and a dated treatment series. "
                                       "Guidance for trained practitioners; it does not replace "
                                       "their judgement."),
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
nm_application_quit (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  NmApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Each window asks about its own unsaved changes. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "new-window", nm_application_new_window },
  { "preferences", nm_application_preferences },
  { "about", nm_application_about },
  { "quit", nm_application_quit },
};

static void
nm_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *new_window_accels[] = { "<Control><Shift>n", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *save_accels[] = { "<Control>s", NULL };
  static const char *save_as_accels[] = { "<Control><Shift>s", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (nm_application_parent_class)->startup (app);

  NM_APPLICATION (app)->recovered = nm_recovery_list ();

  gtk_window_set_default_icon_name (APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  /* Undo and redo are the window's own bindings, in the bubble phase, so a
   * focused text field undoes its own typing first. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window", new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.new", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.save", save_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.save-as", save_as_accels);
  /* what GtkApplication sets up for gtk/help-overlay.ui; the window builds
   * it when first shown */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_accels);
}

static void
nm_application_dispose (GObject *object)
{
  NmApplication *self = NM_APPLICATION (object);

  g_clear_pointer (&self->recovered, g_ptr_array_unref);

  G_OBJECT_CLASS (nm_application_parent_class)->dispose (object);
}

static void
nm_application_class_init (NmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = nm_application_dispose;
  app_class->startup = nm_application_startup;
  app_class->activate = nm_application_activate;
  app_class->open = nm_application_open;
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
