/* nm-preferences-window.c
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

#include "nm-preferences-window.h"
#include "nm-window.h"

struct _NmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwEntryRow          *clinic_name_row;
  AdwEntryRow          *clinic_address_row;
  AdwActionRow         *clinic_logo_row;
  GtkButton            *clinic_logo_clear;
  AdwEntryRow          *practitioner_row;
  AdwComboRow          *paper_row;
  GtkSwitch            *calendar_name_switch;
  GtkSpinButton        *max_depth_spin;
  GtkSpinButton        *depth_step_spin;
  AdwActionRow         *protocol_row;
  GtkButton            *protocol_clear;
};

G_DEFINE_FINAL_TYPE (NmPreferencesWindow, nm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *paper_ids[] = { "auto", "a4", "letter" };

static gboolean
paper_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paper_ids); i++)
    {
      if (g_strcmp0 (id, paper_ids[i]) == 0)
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
paper_set_mapping (const GValue       *value,
                   const GVariantType *type,
                   gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (paper_ids[i < G_N_ELEMENTS (paper_ids) ? i : 0]);
}

static void
update_path_row (AdwActionRow *row,
                 GtkButton    *clear,
                 const char   *path,
                 const char   *empty)
{
  if (path == NULL || path[0] == '\0')
    {
      adw_action_row_set_subtitle (row, empty);
      gtk_widget_set_visible (GTK_WIDGET (clear), FALSE);
    }
  else
    {
      g_autofree char *name = g_filename_display_basename (path);

      adw_action_row_set_subtitle (row, name);
      gtk_widget_set_visible (GTK_WIDGET (clear), TRUE);
    }
}

static void
on_settings_changed_cb (NmPreferencesWindow *self,
                        const char          *key,
                        GSettings           *settings)
{
  g_autofree char *logo = g_settings_get_string (settings, "clinic-logo");
  g_autofree char *protocol = g_settings_get_string (settings, "clinic-protocol");

  update_path_row (self->clinic_logo_row, self->clinic_logo_clear, logo, _("No logo"));
  update_path_row (self->protocol_row, self->protocol_clear, protocol, _("Built-in protocol"));
}

typedef struct
{
  NmPreferencesWindow *self;
  char                *key;
} ChooseData;

static void
on_choose_response_cb (GtkNativeDialog *native,
                       int              response,
                       gpointer         user_data)
{
  ChooseData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      nm_window_remember_dialog_folder (file);
      if (path != NULL)
        g_settings_set_string (data->self->settings, data->key, path);
    }

  g_object_unref (data->self);
  g_free (data->key);
  g_free (data);
  g_object_unref (native);
}

static void
choose_file (NmPreferencesWindow *self,
             const char          *title,
             const char          *key,
             GtkFileFilter       *filter)
{
  GtkFileChooserNative *native;
  ChooseData *data;

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  /* the chosen file's folder, else where the file dialogs open */
  {
    g_autofree char *current = g_settings_get_string (self->settings, key);
    g_autoptr(GFile) chosen = current[0] != '\0' ? g_file_new_for_path (current) : NULL;
    g_autoptr(GFile) folder = chosen != NULL ? g_file_get_parent (chosen) : NULL;

    if (folder != NULL && g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
    else
      nm_window_set_dialog_folder (NULL, GTK_FILE_CHOOSER (native));
  }

  data = g_new0 (ChooseData, 1);
  data->self = g_object_ref (self);
  data->key = g_strdup (key);
  g_signal_connect (native, "response", G_CALLBACK (on_choose_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_logo_choose_cb (NmPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/svg+xml");
  choose_file (self, _("Choose the Clinic Logo"), "clinic-logo", filter);
}

static void
on_logo_clear_cb (NmPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "clinic-logo", "");
}

static void
on_protocol_choose_cb (NmPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Protocol Files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  choose_file (self, _("Choose a Clinic Protocol"), "clinic-protocol", filter);
}

static void
on_protocol_clear_cb (NmPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "clinic-protocol", "");
}

static void
nm_preferences_window_dispose (GObject *object)
{
  NmPreferencesWindow *self = NM_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (nm_preferences_window_parent_class)->dispose (object);
}

static void
nm_preferences_window_class_init (NmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/nm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, clinic_name_row);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, clinic_address_row);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, clinic_logo_row);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, clinic_logo_clear);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, practitioner_row);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, paper_row);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, calendar_name_switch);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, max_depth_spin);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, depth_step_spin);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, protocol_row);
  gtk_widget_class_bind_template_child (widget_class, NmPreferencesWindow, protocol_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_logo_choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_logo_clear_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_protocol_choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_protocol_clear_cb);
}

static void
on_paper_item_setup_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
on_paper_item_bind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
}

static void
nm_preferences_window_init (NmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "clinic-name", self->clinic_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "clinic-address", self->clinic_address_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "practitioner", self->practitioner_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "include-client-name-in-calendar", self->calendar_name_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "device-max-depth", self->max_depth_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "device-depth-step", self->depth_step_spin, "value", G_SETTINGS_BIND_DEFAULT);
  /* The chosen size is short: shown whole, never squeezed to “A…” beside
   * the row's description. */
  {
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (on_paper_item_setup_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (on_paper_item_bind_cb), NULL);
    adw_combo_row_set_factory (self->paper_row, factory);
  }
  g_settings_bind_with_mapping (self->settings, "paper-size", self->paper_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, paper_get_mapping, paper_set_mapping,
                                NULL, NULL);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb),
                           self, G_CONNECT_SWAPPED);
  on_settings_changed_cb (self, NULL, self->settings);
}

NmPreferencesWindow *
nm_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (NM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
