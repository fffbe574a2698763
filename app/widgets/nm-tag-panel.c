/* nm-tag-panel.c: tag what the practitioner sees on the selected regions
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

#include <adwaita.h>
#include <glib/gi18n.h>

#include "nm-finding.h"
#include "nm-tag-panel.h"
#include "nm-vocab.h"

/* The panel keeps a "current kind" and "current severity": clicking a kind
 * tags the selected regions at once, and the same pair is the brush the map
 * applies region after region. */
struct _NmTagPanel
{
  GtkWidget        parent_instance;

  NmConsultation  *consultation;
  gulong           changed_handler;
  char           **regions;
  char            *kind;
  guint            severity;
  gboolean         brush;

  GtkWidget       *scroller;
  GtkLabel        *title;
  GtkLabel        *hint;
  GtkToggleButton *severity_buttons[NM_SEVERITY_MAX];
  GtkLabel        *severity_description;
  GtkEntry        *note_entry;
  GHashTable      *kind_buttons;     /* kind id → GtkToggleButton */
  AdwPreferencesGroup *findings_group;
  GPtrArray       *finding_rows;
};

G_DEFINE_FINAL_TYPE (NmTagPanel, nm_tag_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KIND,
  PROP_SEVERITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
n_regions (NmTagPanel *self)
{
  return self->regions != NULL ? g_strv_length (self->regions) : 0;
}

static void
update_severity_description (NmTagPanel *self)
{
  const char *description = nm_vocab_severity_description (self->kind, self->severity);

  gtk_label_set_text (self->severity_description, description != NULL ? description : "");
}

static void
update_header (NmTagPanel *self)
{
  guint n = n_regions (self);

  if (self->brush)
    {
      g_autofree char *hint = NULL;

      gtk_label_set_text (self->title, _("Brush"));
      if (self->kind == NULL)
        gtk_label_set_text (self->hint, _("Pick a kind and a severity, then click region after region on the map."));
      else
        {
          hint = g_strdup_printf (_("Each click on the map tags “%s”, severity %u."),
                                  nm_vocab_kind_name (self->kind), self->severity);
          gtk_label_set_text (self->hint, hint);
        }
      return;
    }

  if (n == 0)
    {
      gtk_label_set_text (self->title, _("No Region Selected"));
      gtk_label_set_text (self->hint, _("Click a region on the map; Ctrl+click adds more. "
                                        "Pick a kind below to make it the brush."));
    }
  else if (n == 1)
    {
      gtk_label_set_text (self->title, nm_vocab_region_name (self->regions[0]));
      gtk_label_set_text (self->hint, _("Click a kind to tag it here."));
    }
  else
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u Region", "%u Regions", n), n);

      gtk_label_set_text (self->title, title);
      gtk_label_set_text (self->hint, _("Click a kind to tag it on every selected region."));
    }
}

static void
on_remove_clicked_cb (GtkButton  *button,
                      NmTagPanel *self)
{
  NmFinding *finding = g_object_get_data (G_OBJECT (button), "finding");

  if (self->consultation != NULL && finding != NULL)
    nm_consultation_remove_finding (self->consultation, finding);
}

static void
rebuild_findings (NmTagPanel *self)
{
  g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
  guint n_shown = 0;

  update_header (self);

  for (guint i = 0; i < self->finding_rows->len; i++)
    adw_preferences_group_remove (self->findings_group, g_ptr_array_index (self->finding_rows, i));
  g_ptr_array_set_size (self->finding_rows, 0);

  if (self->consultation != NULL && self->regions != NULL)
    {
      guint n = nm_consultation_get_n_findings (self->consultation);

      for (guint i = 0; i < n; i++)
        {
          NmFinding *finding = nm_consultation_get_finding (self->consultation, i);
          const char *region = nm_finding_get_region (finding);
          const char *kind = nm_finding_get_kind (finding);
          guint severity = nm_finding_get_severity (finding);
          const char *note = nm_finding_get_note (finding);
          g_autofree char *subtitle = NULL;
          g_autofree char *title = NULL;
          GtkWidget *row, *remove;

          if (!g_strv_contains ((const char * const *) self->regions, region))
            continue;

          if (n_regions (self) > 1)
            title = g_strdup_printf ("%s · %s", nm_vocab_kind_name (kind), nm_vocab_region_name (region));
          else
            title = g_strdup (nm_vocab_kind_name (kind));

          subtitle = g_strdup_printf (_("Severity %u, %s%s%s%s"), severity,
                                      nm_vocab_severity_name (severity),
                                      nm_finding_has_outline (finding) ? _(", outlined") : "",
                                      note != NULL && note[0] ? " — " : "",
                                      note != NULL ? note : "");

          row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

          remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
          gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (remove, "flat");
          gtk_widget_set_tooltip_text (remove, _("Remove This Finding"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove This Finding"),
                                          -1);
          g_object_set_data_full (G_OBJECT (remove), "finding", g_object_ref (finding), g_object_unref);
          g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_clicked_cb), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

          adw_preferences_group_add (self->findings_group, row);
          g_ptr_array_add (self->finding_rows, row);
          if (!g_ptr_array_find_with_equal_func (kinds, kind, g_str_equal, NULL))
            g_ptr_array_add (kinds, (gpointer) kind);
          n_shown++;
        }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->findings_group), n_shown > 0);

  /* What is already tagged, in one line at the top, so that the kind
   * buttons never move when a tag is added. */
  if (n_shown > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      g_autofree char *hint = NULL;

      for (guint i = 0; i < kinds->len; i++)
        {
          if (i > 0)
            g_string_append (names, ", ");
          g_string_append (names, nm_vocab_kind_name (g_ptr_array_index (kinds, i)));
        }
      hint = g_strdup_printf (_("Tagged here: %s. The list is below."), names->str);
      gtk_label_set_text (self->hint, hint);
    }
}

static void
sync_kind_buttons (NmTagPanel *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->kind_buttons);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkToggleButton *button = value;
      gboolean active = g_strcmp0 (key, self->kind) == 0;

      if (gtk_toggle_button_get_active (button) != active)
        gtk_toggle_button_set_active (button, active);
    }
}

/* Adds a finding of the current kind and severity to each of @regions, as one
 * undo step. */
gboolean
nm_tag_panel_tag_regions (NmTagPanel         *self,
                          const char * const *regions)
{
  const char *note;

  g_return_val_if_fail (NM_IS_TAG_PANEL (self), FALSE);

  if (self->consultation == NULL || self->kind == NULL || regions == NULL || regions[0] == NULL)
    return FALSE;

  note = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
  nm_consultation_begin_group (self->consultation);
  for (guint i = 0; regions[i] != NULL; i++)
    {
      g_autoptr(NmFinding) finding = nm_finding_new (regions[i], self->kind, self->severity);

      if (note != NULL && note[0] != '\0')
        nm_finding_set_note (finding, note);
      nm_consultation_add_finding (self->consultation, finding);
    }
  nm_consultation_end_group (self->consultation);
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  return TRUE;
}

static void
on_kind_clicked_cb (GtkToggleButton *button,
                    NmTagPanel      *self)
{
  const char *kind = g_object_get_data (G_OBJECT (button), "kind");

  /* A click always makes this kind current and tags the selection, even if
   * the button was already the current kind. */
  if (!gtk_toggle_button_get_active (button))
    gtk_toggle_button_set_active (button, TRUE);
  nm_tag_panel_set_kind (self, kind);
  /* With the brush, a kind is what the next clicks on the map apply. */
  if (!self->brush)
    nm_tag_panel_tag_regions (self, (const char * const *) self->regions);
}

static void
on_severity_toggled_cb (GtkToggleButton *button,
                        NmTagPanel      *self)
{
  if (gtk_toggle_button_get_active (button))
    nm_tag_panel_set_severity (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "severity")));
}

static GtkWidget *
heading (const char *text,
         const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css);
  return label;
}

static void
build (NmTagPanel *self)
{
  GtkWidget *box, *clamp, *severity_box, *group_box;

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 520);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), clamp);

  self->title = GTK_LABEL (heading ("", "title-3"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title));
  self->hint = GTK_LABEL (heading ("", "dim-label"));
  gtk_label_set_lines (self->hint, 2);
  gtk_label_set_ellipsize (self->hint, PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->hint));



  /* Severity 1–4, with the grade's description beneath. */
  gtk_box_append (GTK_BOX (box), heading (_("Severity"), "heading"));
  gtk_widget_set_margin_top (gtk_widget_get_last_child (box), 12);
  severity_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (severity_box, "linked");
  gtk_box_set_homogeneous (GTK_BOX (severity_box), TRUE);
  for (guint s = NM_SEVERITY_MIN; s <= NM_SEVERITY_MAX; s++)
    {
      /* no mnemonic: Alt+1…6 belong to the map's views */
      g_autofree char *label = g_strdup_printf ("%u", s);
      GtkWidget *button = gtk_toggle_button_new_with_label (label);

      gtk_widget_set_tooltip_text (button, nm_vocab_severity_name (s));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, nm_vocab_severity_name (s),
                                      -1);
      g_object_set_data (G_OBJECT (button), "severity", GUINT_TO_POINTER (s));
      if (s > NM_SEVERITY_MIN)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->severity_buttons[0]);
      g_signal_connect_object (button, "toggled", G_CALLBACK (on_severity_toggled_cb), self, 0);
      self->severity_buttons[s - 1] = GTK_TOGGLE_BUTTON (button);
      gtk_box_append (GTK_BOX (severity_box), button);
    }
  gtk_box_append (GTK_BOX (box), severity_box);
  self->severity_description = GTK_LABEL (heading ("", "caption"));
  gtk_widget_add_css_class (GTK_WIDGET (self->severity_description), "dim-label");
  gtk_label_set_lines (self->severity_description, 3);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->severity_description));

  self->note_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->note_entry, _("Note for the next tag (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->note_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note"), -1);
  gtk_entry_set_max_length (self->note_entry, 2000);
  gtk_widget_set_margin_top (GTK_WIDGET (self->note_entry), 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->note_entry));

  /* Kinds, grouped by category. */
  for (guint c = 0; c < NM_N_CATEGORIES; c++)
    {
      GtkWidget *flow = gtk_flow_box_new ();

      gtk_box_append (GTK_BOX (box), heading (nm_category_name (c), "heading"));
      gtk_widget_set_margin_top (gtk_widget_get_last_child (box), 6);
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
      /* three columns where the panel has room, two in the narrowest
       * window (1024 pixels wide) */
      gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 2);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 3);
      gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
      gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 4);
      gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 4);

      for (guint k = 0; k < nm_vocab_n_kinds (); k++)
        {
          const NmKindInfo *info = nm_vocab_kind (k);
          GtkWidget *button, *label;

          if (info->category != (NmCategory) c)
            continue;

          label = gtk_label_new (nm_vocab_kind_name (info->id));
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
          gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
          button = gtk_toggle_button_new ();
          gtk_button_set_child (GTK_BUTTON (button), label);
          gtk_widget_add_css_class (button, "kind-button");
          gtk_widget_add_css_class (button, nm_category_id (c));
          g_object_set_data (G_OBJECT (button), "kind", (gpointer) info->id);
          g_signal_connect_object (button, "clicked", G_CALLBACK (on_kind_clicked_cb), self, 0);
          g_hash_table_insert (self->kind_buttons, (gpointer) info->id, button);
          gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
        }
      gtk_box_append (GTK_BOX (box), flow);
    }



  group_box = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group_box), _("Findings Here"));
  gtk_widget_set_margin_top (group_box, 18);
  self->findings_group = ADW_PREFERENCES_GROUP (group_box);
  gtk_box_append (GTK_BOX (box), group_box);
}

static void
nm_tag_panel_dispose (GObject *object)
{
  NmTagPanel *self = NM_TAG_PANEL (object);

  nm_tag_panel_set_consultation (self, NULL);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->regions, g_strfreev);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->kind_buttons, g_hash_table_unref);
  g_clear_pointer (&self->finding_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (nm_tag_panel_parent_class)->dispose (object);
}

static void
nm_tag_panel_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NmTagPanel *self = NM_TAG_PANEL (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_SEVERITY:
      g_value_set_uint (value, self->severity);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_tag_panel_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  NmTagPanel *self = NM_TAG_PANEL (object);

  switch (prop_id)
    {
    case PROP_KIND:
      nm_tag_panel_set_kind (self, g_value_get_string (value));
      break;

    case PROP_SEVERITY:
      nm_tag_panel_set_severity (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_tag_panel_class_init (NmTagPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_tag_panel_dispose;
  object_class->get_property = nm_tag_panel_get_property;
  object_class->set_property = nm_tag_panel_set_property;

  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEVERITY] =
    g_param_spec_uint ("severity", NULL, NULL, NM_SEVERITY_MIN, NM_SEVERITY_MAX, 2,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nm-tag-panel");
}

static void
nm_tag_panel_init (NmTagPanel *self)
{
  self->severity = 2;
  self->kind_buttons = g_hash_table_new (g_str_hash, g_str_equal);
  self->finding_rows = g_ptr_array_new ();

  build (self);
  gtk_toggle_button_set_active (self->severity_buttons[self->severity - 1], TRUE);
  update_severity_description (self);
  rebuild_findings (self);
}

GtkWidget *
nm_tag_panel_new (void)
{
  return g_object_new (NM_TYPE_TAG_PANEL, NULL);
}

void
nm_tag_panel_set_consultation (NmTagPanel     *self,
                               NmConsultation *consultation)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));

  if (self->consultation == consultation)
    return;
  if (self->consultation != NULL)
    g_clear_signal_handler (&self->changed_handler, self->consultation);
  g_set_object (&self->consultation, consultation);
  if (consultation != NULL)
    self->changed_handler = g_signal_connect_object (consultation, "changed",
                                                     G_CALLBACK (rebuild_findings), self,
                                                     G_CONNECT_SWAPPED);
  if (self->finding_rows != NULL)
    rebuild_findings (self);
}

void
nm_tag_panel_set_regions (NmTagPanel         *self,
                          const char * const *regions)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));

  g_strfreev (self->regions);
  self->regions = regions != NULL && regions[0] != NULL ? g_strdupv ((char **) regions) : NULL;
  rebuild_findings (self);
}

const char * const *
nm_tag_panel_get_regions (NmTagPanel *self)
{
  g_return_val_if_fail (NM_IS_TAG_PANEL (self), NULL);
  return (const char * const *) self->regions;
}

const char *
nm_tag_panel_get_kind (NmTagPanel *self)
{
  g_return_val_if_fail (NM_IS_TAG_PANEL (self), NULL);
  return self->kind;
}

void
nm_tag_panel_set_kind (NmTagPanel *self,
                       const char *kind)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));
  g_return_if_fail (kind == NULL || nm_vocab_kind_index (kind) >= 0);

  if (g_strcmp0 (self->kind, kind) != 0)
    {
      g_free (self->kind);
      self->kind = g_strdup (kind);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
    }
  sync_kind_buttons (self);
  update_severity_description (self);
  update_header (self);
}

guint
nm_tag_panel_get_severity (NmTagPanel *self)
{
  g_return_val_if_fail (NM_IS_TAG_PANEL (self), 2);
  return self->severity;
}

void
nm_tag_panel_set_severity (NmTagPanel *self,
                           guint       severity)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));
  g_return_if_fail (severity >= NM_SEVERITY_MIN && severity <= NM_SEVERITY_MAX);

  if (self->severity == severity)
    return;
  self->severity = severity;
  if (!gtk_toggle_button_get_active (self->severity_buttons[severity - 1]))
    gtk_toggle_button_set_active (self->severity_buttons[severity - 1], TRUE);
  update_severity_description (self);
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEVERITY]);
}

const char *
nm_tag_panel_get_note (NmTagPanel *self)
{
  g_return_val_if_fail (NM_IS_TAG_PANEL (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
}

/**
 * nm_tag_panel_set_brush:
 *
 * With the brush on, clicking a kind makes it the brush instead of tagging
 * the selection at once.
 */
void
nm_tag_panel_set_brush (NmTagPanel *self,
                        gboolean    brush)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));

  self->brush = !!brush;
  rebuild_findings (self);
}
