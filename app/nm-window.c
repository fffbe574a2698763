/* nm-window.c: the consultation window
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
#include "nm-map-view.h"
#include "nm-window.h"
#include "nm-window-private.h"

struct _NmWindow
{
  AdwApplicationWindow  parent_instance;

  NmConsultation       *consultation;
  GFile                *file;
  GSettings            *settings;
  gulong                changed_handler;
  guint                 closing_confirmed : 1;
  guint                 discard_confirmed : 1;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkStack             *side_stack;
  NmMapView            *map_view;
};

G_DEFINE_FINAL_TYPE (NmWindow, nm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONSULTATION,
  PROP_FILE,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
nm_window_update_title (NmWindow *self)
{
  g_autofree char *subtitle = NULL;
  const char *name = NULL;

  if (self->consultation != NULL)
    name = nm_consultation_get_client_name (self->consultation);

  if (self->consultation == NULL)
    adw_window_title_set_title (self->window_title, _("Needlemap"));
  else if (name != NULL && name[0] != '\0')
    adw_window_title_set_title (self->window_title, name);
  else
    adw_window_title_set_title (self->window_title, _("New Consultation"));

  if (self->file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (self->file);

      subtitle = nm_window_get_modified (self) ? g_strdup_printf ("• %s", basename) : g_steal_pointer (&basename);
    }
  else if (self->consultation != NULL)
    subtitle = g_strdup (nm_window_get_modified (self) ? _("Not saved") : "");

  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_window_set_title (GTK_WINDOW (self),
                        adw_window_title_get_title (self->window_title));
}

static void
nm_window_update_actions (NmWindow *self)
{
  gboolean have = self->consultation != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 have && nm_consultation_can_undo (self->consultation));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 have && nm_consultation_can_redo (self->consultation));
}

static void
on_consultation_changed_cb (NmWindow       *self,
                            NmConsultation *consultation)
{
  g_assert (NM_IS_WINDOW (self));

  nm_window_update_title (self);
  nm_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
nm_window_set_consultation (NmWindow       *self,
                            NmConsultation *consultation,
                            GFile          *file)
{
  g_assert (NM_IS_WINDOW (self));

  if (self->consultation != NULL)
    g_clear_signal_handler (&self->changed_handler, self->consultation);
  g_set_object (&self->consultation, consultation);
  g_set_object (&self->file, file);

  if (consultation != NULL)
    self->changed_handler = g_signal_connect_object (consultation, "changed",
                                                     G_CALLBACK (on_consultation_changed_cb),
                                                     self, G_CONNECT_SWAPPED);

  nm_map_view_set_consultation (self->map_view, consultation);
  gtk_stack_set_visible_child_name (self->stack, consultation != NULL ? "consultation" : "welcome");

  nm_window_update_title (self);
  nm_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSULTATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
nm_window_show_error (NmWindow   *self,
                      const char *heading,
                      const char *body)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
nm_window_toast (NmWindow   *self,
                 const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
nm_window_new_consultation (NmWindow *self)
{
  g_autoptr(NmConsultation) consultation = NULL;

  g_return_if_fail (NM_IS_WINDOW (self));

  consultation = nm_consultation_new ();
  nm_window_set_consultation (self, consultation, NULL);
}

gboolean
nm_window_load_file (NmWindow  *self,
                     GFile     *file,
                     GError   **error)
{
  g_autoptr(NmConsultation) consultation = NULL;

  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  consultation = nm_file_load (file, NULL, error);
  if (consultation == NULL)
    return FALSE;

  nm_window_set_consultation (self, consultation, file);
  return TRUE;
}

gboolean
nm_window_save_to_file (NmWindow  *self,
                        GFile     *file,
                        GError   **error)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (self->consultation != NULL, FALSE);

  if (!nm_file_save (self->consultation, file, NULL, error))
    return FALSE;

  nm_consultation_mark_saved (self->consultation);
  g_set_object (&self->file, file);
  nm_window_update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  return TRUE;
}

/* Opens @file here when this window holds nothing worth keeping, or else in
 * a new window, the way GNOME's document applications do. */
static void
nm_window_open_file (NmWindow *self,
                     GFile    *file)
{
  g_autoptr(GError) error = NULL;
  NmWindow *target = self;

  if (!nm_window_is_pristine (self))
    target = nm_window_new (NM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

  if (!nm_window_load_file (target, file, &error))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), name);

      if (target != self)
        gtk_window_destroy (GTK_WINDOW (target));
      nm_window_show_error (self, heading, error->message);
      return;
    }

  gtk_window_present (GTK_WINDOW (target));
}

static GtkFileFilter *
consultation_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Needlemap Consultations"));
  gtk_file_filter_add_mime_type (filter, "application/x-needlemap");
  gtk_file_filter_add_pattern (filter, "*.needlemap");
  return filter;
}

static void
on_open_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(NmWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        nm_window_open_file (self, file);
    }
  g_object_unref (native);
}

static void
nm_window_open_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = consultation_filter ();

  native = gtk_file_chooser_native_new (_("Open a Consultation"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (on_open_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
nm_window_open_sample_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) consultation = NULL;
  NmWindow *target = self;

  bytes = g_resources_lookup_data (RESOURCE_BASE "/sample.needlemap", 0, &error);
  if (bytes != NULL)
    consultation = nm_file_load_bytes (bytes, &error);
  if (consultation == NULL)
    {
      nm_window_show_error (self, _("Could Not Open the Sample"), error->message);
      return;
    }

  if (!nm_window_is_pristine (self))
    target = nm_window_new (NM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
  /* The sample has no file: saving it asks where, so it is never written
   * over by accident. */
  nm_window_set_consultation (target, consultation, NULL);
  gtk_window_present (GTK_WINDOW (target));
}

static void
nm_window_new_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  NmWindow *target = self;

  if (!nm_window_is_pristine (self))
    {
      target = nm_window_new (NM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      gtk_window_present (GTK_WINDOW (target));
    }
  nm_window_new_consultation (target);
}

static void
on_save_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(NmWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GError) error = NULL;

      if (file != NULL && !nm_window_save_to_file (self, file, &error))
        nm_window_show_error (self, _("Could Not Save the Consultation"), error->message);
      else if (file != NULL)
        nm_window_toast (self, _("Consultation saved"));

      if (file != NULL && error == NULL && self->closing_confirmed)
        gtk_window_destroy (GTK_WINDOW (self));
    }
  self->closing_confirmed = FALSE;
  g_object_unref (native);
}

static void
nm_window_save_as (NmWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = consultation_filter ();
  g_autofree char *suggestion = NULL;

  native = gtk_file_chooser_native_new (_("Save the Consultation"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  if (self->file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), self->file, NULL);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      /* No client name in the suggested file name: it shows in file lists. */
      suggestion = g_date_time_format (now, _("Consultation %Y-%m-%d.needlemap"));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggestion);
    }

  g_signal_connect (native, "response", G_CALLBACK (on_save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
nm_window_save (NmWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->consultation == NULL)
    return;

  if (self->file == NULL)
    {
      nm_window_save_as (self);
      return;
    }

  if (!nm_window_save_to_file (self, self->file, &error))
    nm_window_show_error (self, _("Could Not Save the Consultation"), error->message);
  else if (self->closing_confirmed)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
nm_window_save_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  nm_window_save (NM_WINDOW (widget));
}

static void
nm_window_save_as_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  nm_window_save_as (NM_WINDOW (widget));
}

static void
nm_window_undo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);

  if (self->consultation != NULL)
    nm_consultation_undo (self->consultation);
}

static void
nm_window_redo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);

  if (self->consultation != NULL)
    nm_consultation_redo (self->consultation);
}

static void
on_close_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      NmWindow         *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->discard_confirmed = TRUE;
      gtk_window_destroy (GTK_WINDOW (self));
    }
  else if (g_strcmp0 (response, "save") == 0)
    {
      self->closing_confirmed = TRUE;
      nm_window_save (self);
    }
}

static gboolean
nm_window_close_request (GtkWindow *window)
{
  NmWindow *self = NM_WINDOW (window);
  GtkWidget *dialog;

  if (!gtk_window_is_maximized (window))
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (!nm_window_get_modified (self) || self->discard_confirmed)
    return GTK_WINDOW_CLASS (nm_window_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Save Changes?"),
                                   _("This consultation has changes that are not saved. "
                                     "Changes that you do not save are lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
nm_window_dispose (GObject *object)
{
  NmWindow *self = NM_WINDOW (object);

  if (self->consultation != NULL)
    g_clear_signal_handler (&self->changed_handler, self->consultation);
  g_clear_object (&self->consultation);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_WINDOW);

  G_OBJECT_CLASS (nm_window_parent_class)->dispose (object);
}

static void
nm_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NmWindow *self = NM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      g_value_set_object (value, self->consultation);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, nm_window_get_modified (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_window_class_init (NmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nm_window_dispose;
  object_class->get_property = nm_window_get_property;
  window_class->close_request = nm_window_close_request;

  properties[PROP_CONSULTATION] =
    g_param_spec_object ("consultation", NULL, NULL, NM_TYPE_CONSULTATION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NM_TYPE_MAP_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/nm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, map_view);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, nm_window_new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, nm_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, nm_window_open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, nm_window_save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, nm_window_save_as_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, nm_window_undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, nm_window_redo_action);
  _nm_window_class_outputs_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
nm_window_init (NmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  nm_window_update_title (self);
  nm_window_update_actions (self);
}

NmWindow *
nm_window_new (NmApplication *application)
{
  return g_object_new (NM_TYPE_WINDOW, "application", application, NULL);
}

NmConsultation *
nm_window_get_consultation (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  return self->consultation;
}

GFile *
nm_window_get_file (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  return self->file;
}

gboolean
nm_window_get_modified (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);
  return self->consultation != NULL && nm_consultation_get_modified (self->consultation);
}

/* A window is pristine when replacing what it shows loses nothing. */
gboolean
nm_window_is_pristine (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);

  return self->consultation == NULL ||
         (self->file == NULL && !nm_window_get_modified (self) &&
          g_list_model_get_n_items (nm_consultation_get_findings (self->consultation)) == 0);
}
