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
 * applies region after region.
 *
 * The findings of the selected regions are a filter over the
 * consultation's findings, bound to a list box: an edit changes the rows it
 * concerns and leaves the others, their focus and the scroll alone.  A
 * region has a kind at most once: clicking a kind it already has selects
 * that finding.  While a finding is selected, the severity ("tag.severity",
 * a property action) is that finding's, and choosing another one changes it,
 * as one undoable step. */
struct _NmTagPanel
{
  GtkWidget        parent_instance;

  NmConsultation  *consultation;
  GSignalGroup    *consultation_signals;
  char           **regions;
  char            *kind;
  guint            severity;
  gboolean         brush;
  gboolean         outline;          /* the map's tool draws outlines */
  NmFinding       *selected;         /* a finding of the list, or NULL */
  gboolean         selecting;        /* the list's selection is being set */

  /* from the template */
  GtkWidget       *scroller;
  GtkLabel        *title;
  GtkLabel        *hint;
  GtkWidget       *severity_box;
  GtkLabel        *severity_description;
  GtkEntry        *note_entry;
  GHashTable      *kind_buttons;     /* kind id → GtkToggleButton */
  GtkWidget       *kinds_box;
  AdwPreferencesGroup *findings_group;
  GtkListBox      *findings_list;

  GtkCustomFilter *here_filter;
  GtkFilterListModel *here;          /* the findings of the selected regions */
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

static guint
n_here (NmTagPanel *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->here));
}

/* The title, the hint and the description have a fixed height, so that
 * the kinds below them never move (nm-tag-panel.ui): a text too long for
 * it is ellipsized, and the tooltip says all of it. */
static void
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), text != NULL && text[0] != '\0' ? text : NULL);
}

/* The grade's words for the selected finding's kind, or the brush's;
 * without either, the next click on a kind may be any kind: the words
 * every kind shares. */
static void
update_severity_description (NmTagPanel *self)
{
  const char *kind = self->selected != NULL || self->brush ? self->kind : NULL;
  const char *description = nm_vocab_severity_description (kind, self->severity);

  set_text (self->severity_description, description != NULL ? description : "");
}

static void
update_header (NmTagPanel *self)
{
  guint n = n_regions (self);
  guint tagged = n_here (self);

  if (self->brush)
    {
      g_autofree char *hint = NULL;

      set_text (self->title, _("Brush"));
      if (self->kind == NULL)
        set_text (self->hint, _("Pick a kind and a severity, then click region after region on the map."));
      else
        {
          hint = g_strdup_printf (_("Each click on the map tags “%s”, severity %u."),
                                  nm_vocab_kind_name (self->kind), self->severity);
          set_text (self->hint, hint);
        }
      return;
    }

  if (self->outline)
    {
      if (n == 1)
        set_text (self->title, nm_vocab_region_name (self->regions[0]));
      else
        set_text (self->title, _("Outline"));
      if (n == 1 && tagged == 0)
        set_text (self->hint, _("Nothing is tagged here yet: click a kind to tag it, "
                                          "then draw its outline."));
      else
        set_text (self->hint, _("Draw around a lesion on a region that has a finding: "
                                          "the outline is added to that finding."));
      return;
    }

  if (n == 0)
    {
      set_text (self->title, _("No Region Selected"));
      set_text (self->hint, _("Click a region on the map; Ctrl+click adds more. "
                                        "Pick a kind below to make it the brush."));
      return;
    }

  if (n == 1)
    set_text (self->title, nm_vocab_region_name (self->regions[0]));
  else
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u Region", "%u Regions", n), n);

      set_text (self->title, title);
    }

  if (self->selected != NULL)
    {
      g_autofree char *hint = NULL;

      /* Translators: %s is a kind of finding, "Rolling acne scars" */
      hint = g_strdup_printf (_("“%s” is selected: a severity button changes it."),
                              nm_vocab_kind_name (nm_finding_get_kind (self->selected)));
      set_text (self->hint, hint);
    }
  else if (tagged > 0)
    {
      /* What is already tagged, in one line at the top, so that the kind
       * buttons never move when a tag is added. */
      g_autoptr(GPtrArray) kinds = g_ptr_array_new ();
      g_autoptr(GString) names = g_string_new (NULL);
      g_autofree char *hint = NULL;

      for (guint i = 0; i < tagged; i++)
        {
          g_autoptr(NmFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->here), i);
          const char *kind = nm_finding_get_kind (finding);

          if (g_ptr_array_find_with_equal_func (kinds, kind, g_str_equal, NULL))
            continue;
          g_ptr_array_add (kinds, (gpointer) kind);
          if (names->len > 0)
            /* Translators: between the kinds in "Tagged here: %s." */
            g_string_append (names, _(", "));
          g_string_append (names, nm_vocab_kind_name (kind));
        }
      /* Translators: %s is a list of kinds of findings */
      hint = g_strdup_printf (_("Tagged here: %s. Select one below to change its severity."), names->str);
      set_text (self->hint, hint);
    }
  else
    {
      g_autofree char *hint = NULL;

      /* Nothing tagged here: the severity is the next tag's (the list
       * says "Nothing tagged here yet"). */
      if (n == 1)
        /* Translators: %u is the severity, 1–4, of the next tag */
        hint = g_strdup_printf (_("Click a kind to tag it here, severity %u."), self->severity);
      else
        /* Translators: %u is the severity, 1–4, of the next tag */
        hint = g_strdup_printf (_("Click a kind to tag it on every selected region, severity %u."),
                                self->severity);
      set_text (self->hint, hint);
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

/* "Severity 3, Marked", the same words as the severity buttons' and the
 * plan's, in one sentence per case so that each language can order it. */
static char *
finding_subtitle (NmFinding *finding)
{
  guint severity = nm_finding_get_severity (finding);
  const char *name = nm_vocab_severity_name (severity);
  const char *note = nm_finding_get_note (finding);
  g_autofree char *line = NULL;

  if (nm_finding_has_outline (finding))
    /* Translators: a finding's severity, 1–4, and its name ("Marked"),
     * for a finding with a lesion outline drawn on the map */
    line = g_strdup_printf (_("Severity %u, %s, outlined"), severity, name);
  else
    /* Translators: a finding's severity, 1–4, and its name ("Marked") */
    line = g_strdup_printf (_("Severity %u, %s"), severity, name);

  /* the practitioner's note on a line of its own */
  if (note != NULL && note[0] != '\0')
    return g_strdup_printf ("%s\n%s", line, note);
  return g_steal_pointer (&line);
}

static void
update_row (GtkWidget *row)
{
  NmTagPanel *self = NM_TAG_PANEL (gtk_widget_get_ancestor (row, NM_TYPE_TAG_PANEL));
  NmFinding *finding = g_object_get_data (G_OBJECT (row), "finding");
  const char *kind = nm_finding_get_kind (finding);
  g_autofree char *subtitle = finding_subtitle (finding);
  g_autofree char *title = NULL;

  if (self != NULL && n_regions (self) > 1)
    title = g_strdup_printf ("%s · %s", nm_vocab_kind_name (kind),
                             nm_vocab_region_name (nm_finding_get_region (finding)));
  else
    title = g_strdup (nm_vocab_kind_name (kind));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
on_row_finding_notify_cb (GtkWidget  *row,
                          GParamSpec *pspec,
                          NmFinding  *finding)
{
  update_row (row);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  NmTagPanel *self = user_data;
  NmFinding *finding = item;
  GtkWidget *row, *remove;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "finding", g_object_ref (finding), g_object_unref);

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

  /* the row follows its finding: severity, note, outline, undone or not */
  g_signal_connect_object (finding, "notify", G_CALLBACK (on_row_finding_notify_cb), row,
                           G_CONNECT_SWAPPED);
  /* the panel is not its ancestor yet: the title is set again when the
   * row is added (on_findings_changed_cb) */
  {
    g_autofree char *subtitle = finding_subtitle (finding);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), nm_vocab_kind_name (nm_finding_get_kind (finding)));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  }
  return row;
}

static void
update_rows (NmTagPanel *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->findings_list, i)) != NULL; i++)
    update_row (GTK_WIDGET (row));
}

static GtkListBoxRow *
row_of (NmTagPanel *self,
        NmFinding  *finding)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->findings_list, i)) != NULL; i++)
    if (g_object_get_data (G_OBJECT (row), "finding") == (gpointer) finding)
      return row;
  return NULL;
}

/* Shows @severity on the buttons, without changing any finding. */
static void
show_severity (NmTagPanel *self,
               guint       severity)
{
  if (self->severity == severity)
    return;
  self->severity = severity;
  update_severity_description (self);
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEVERITY]);
}

static void
sync_kind_buttons (NmTagPanel *self);

/* Makes @finding (one of the list's, or NULL) the selected one: the list
 * shows it, and the kind and severity buttons show its own. */
static void
select_finding (NmTagPanel *self,
                NmFinding  *finding)
{
  GtkListBoxRow *row = finding != NULL ? row_of (self, finding) : NULL;

  if (row == NULL)
    finding = NULL;
  g_set_object (&self->selected, finding);

  self->selecting = TRUE;
  if (row != NULL)
    gtk_list_box_select_row (self->findings_list, row);
  else
    gtk_list_box_unselect_all (self->findings_list);
  self->selecting = FALSE;

  if (finding != NULL)
    {
      if (g_strcmp0 (self->kind, nm_finding_get_kind (finding)) != 0)
        {
          g_free (self->kind);
          self->kind = g_strdup (nm_finding_get_kind (finding));
          sync_kind_buttons (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
        }
      show_severity (self, nm_finding_get_severity (finding));
    }
  update_severity_description (self);
  update_header (self);
}

static void
on_row_selected_cb (GtkListBox    *list,
                    GtkListBoxRow *row,
                    NmTagPanel    *self)
{
  if (self->selecting)
    return;
  select_finding (self, row != NULL ? g_object_get_data (G_OBJECT (row), "finding") : NULL);
}

static void
on_findings_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        NmTagPanel *self)
{
  /* the bound list box has made its rows by now (it connected first) */
  for (guint i = position; i < position + added; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->findings_list, (int) i);

      if (row != NULL)
        update_row (GTK_WIDGET (row));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->findings_group), n_regions (self) > 0);
  if (self->selected != NULL && row_of (self, self->selected) == NULL)
    select_finding (self, NULL);
  sync_kind_buttons (self);
  update_severity_description (self);
  update_header (self);
}

/* After any edit, or an undo: the filter sees moved findings, and the
 * buttons show the selected finding's severity. */
static void
on_consultation_changed_cb (NmConsultation *consultation,
                            NmTagPanel     *self)
{
  gtk_filter_changed (GTK_FILTER (self->here_filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (self->selected != NULL)
    show_severity (self, nm_finding_get_severity (self->selected));
  sync_kind_buttons (self);
  update_header (self);
}

static gboolean
filter_here (gpointer item,
             gpointer user_data)
{
  NmTagPanel *self = user_data;

  return self->regions != NULL &&
         g_strv_contains ((const char * const *) self->regions, nm_finding_get_region (item));
}

/* Whether one of the selected regions has a finding of @kind. */
static gboolean
tagged_here (NmTagPanel *self,
             const char *kind)
{
  guint n = n_here (self);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->here), i);

      if (g_strcmp0 (nm_finding_get_kind (finding), kind) == 0)
        return TRUE;
    }
  return FALSE;
}

/* With regions selected, a kind's button is pressed when they have the
 * kind, and only then: a region with no findings has no pressed kind,
 * whatever the brush's kind (the header says that one).  Without a
 * selection, the pressed kind is the brush's. */
static void
sync_kind_buttons (NmTagPanel *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->kind_buttons);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkToggleButton *button = value;
      gboolean active = n_regions (self) > 0 ? tagged_here (self, key)
                                              : g_strcmp0 (key, self->kind) == 0;

      if (gtk_toggle_button_get_active (button) != active)
        gtk_toggle_button_set_active (button, active);
    }
}

/* The finding of @kind on @region, if the consultation has one. */
static NmFinding *
find_finding (NmConsultation *consultation,
              const char     *region,
              const char     *kind)
{
  guint n = nm_consultation_get_n_findings (consultation);

  for (guint i = 0; i < n; i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);

      if (g_strcmp0 (nm_finding_get_region (finding), region) == 0 &&
          g_strcmp0 (nm_finding_get_kind (finding), kind) == 0)
        return finding;
    }
  return NULL;
}

/**
 * nm_tag_panel_tag_regions:
 *
 * Tags each of @regions with the current kind and severity, as one undo
 * step.  A region that already has the kind keeps its finding: the brush
 * gives it the current severity, a click on a kind selects it.
 *
 * Returns: %TRUE if a finding was added or changed
 */
gboolean
nm_tag_panel_tag_regions (NmTagPanel         *self,
                          const char * const *regions)
{
  NmFinding *last = NULL;
  gboolean changed = FALSE;
  const char *note;

  g_return_val_if_fail (NM_IS_TAG_PANEL (self), FALSE);

  if (self->consultation == NULL || self->kind == NULL || regions == NULL || regions[0] == NULL)
    return FALSE;

  note = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
  nm_consultation_begin_group (self->consultation);
  for (guint i = 0; regions[i] != NULL; i++)
    {
      NmFinding *existing = find_finding (self->consultation, regions[i], self->kind);

      if (existing != NULL)
        {
          if (self->brush && nm_finding_get_severity (existing) != self->severity)
            {
              nm_consultation_set_finding_severity (self->consultation, existing, self->severity);
              changed = TRUE;
            }
          last = existing;
        }
      else
        {
          g_autoptr(NmFinding) finding = nm_finding_new (regions[i], self->kind, self->severity);

          if (note != NULL && note[0] != '\0')
            nm_finding_set_note (finding, note);
          nm_consultation_add_finding (self->consultation, finding);
          last = finding;
          changed = TRUE;
        }
    }
  nm_consultation_end_group (self->consultation);
  if (changed)
    gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");

  /* the finding just tagged on the one selected region is the one a
   * severity button changes next */
  if (!self->brush && regions[1] == NULL && last != NULL)
    select_finding (self, last);
  return changed;
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
  if (!self->brush && n_regions (self) > 0 &&
      !nm_tag_panel_tag_regions (self, (const char * const *) self->regions))
    {
      g_autofree char *notice = NULL;

      /* nothing added: the regions had the kind (the one region's finding
       * is selected now); say so rather than seem to do nothing */
      if (n_regions (self) == 1)
        /* Translators: %s is a kind of finding, "Rolling acne scars",
         * after a click on a kind the region already has */
        notice = g_strdup_printf (_("Already tagged: %s — selected. A severity button changes it."),
                                  nm_vocab_kind_name (kind));
      else
        /* Translators: %s is a kind of finding, "Rolling acne scars",
         * after a click on a kind all the selected regions have */
        notice = g_strdup_printf (_("Already tagged on every selected region: %s."),
                                  nm_vocab_kind_name (kind));
      set_text (self->hint, notice);
    }
  sync_kind_buttons (self);
}

/* Enter or Space on a kind's focus stop: as a click on its button. */
static void
on_kind_activated_cb (GtkFlowBox      *flow,
                      GtkFlowBoxChild *child,
                      NmTagPanel      *self)
{
  GtkWidget *button = gtk_flow_box_child_get_child (child);

  if (GTK_IS_TOGGLE_BUTTON (button))
    g_signal_emit_by_name (button, "clicked");
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

/* What the template cannot hold: the severities' names, the kinds of the
 * vocabulary, and the findings list's model. */
static void
build (NmTagPanel *self)
{
  guint s = NM_SEVERITY_MIN;

  for (GtkWidget *button = gtk_widget_get_first_child (self->severity_box);
       button != NULL && s <= NM_SEVERITY_MAX;
       button = gtk_widget_get_next_sibling (button), s++)
    {
      gtk_widget_set_tooltip_text (button, nm_vocab_severity_name (s));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, nm_vocab_severity_name (s),
                                      -1);
    }

  /* Kinds, grouped by category. */
  for (guint c = 0; c < NM_N_CATEGORIES; c++)
    {
      GtkWidget *flow = gtk_flow_box_new ();

      gtk_box_append (GTK_BOX (self->kinds_box), heading (nm_category_name (c), "heading"));
      gtk_widget_set_margin_top (gtk_widget_get_last_child (self->kinds_box), 6);
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
          /* One focus stop per kind: the flow box's child, which the
           * arrow keys move between and Enter or Space activates
           * (on_kind_activated_cb); the button inside is only clicked. */
          gtk_widget_set_focusable (button, FALSE);
          gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (button)),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, nm_vocab_kind_name (info->id),
                                          -1);
        }
      g_signal_connect_object (flow, "child-activated", G_CALLBACK (on_kind_activated_cb), self, 0);
      gtk_box_append (GTK_BOX (self->kinds_box), flow);
    }

  {
    GtkWidget *placeholder = gtk_label_new (_("Nothing tagged here yet"));

    gtk_widget_add_css_class (placeholder, "dim-label");
    gtk_widget_set_margin_top (placeholder, 12);
    gtk_widget_set_margin_bottom (placeholder, 12);
    gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
    gtk_list_box_set_placeholder (self->findings_list, placeholder);
  }
  gtk_list_box_bind_model (self->findings_list, G_LIST_MODEL (self->here), create_row, self, NULL);
  g_signal_connect_object (self->findings_list, "row-selected", G_CALLBACK (on_row_selected_cb), self, 0);
  /* after the list box's own handler, so that the rows exist */
  g_signal_connect_object (self->here, "items-changed", G_CALLBACK (on_findings_changed_cb), self, 0);
}

static void
nm_tag_panel_dispose (GObject *object)
{
  NmTagPanel *self = NM_TAG_PANEL (object);

  nm_tag_panel_set_consultation (self, NULL);
  g_clear_object (&self->selected);
  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_TAG_PANEL);
  g_clear_object (&self->here);
  g_clear_object (&self->here_filter);
  g_clear_object (&self->consultation_signals);
  g_clear_pointer (&self->regions, g_strfreev);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->kind_buttons, g_hash_table_unref);

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

  /* the severity buttons' state; with a finding selected, its severity */
  gtk_widget_class_install_property_action (widget_class, "tag.severity", "severity");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/needlemap/Needlemap/nm-tag-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, title);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, hint);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, severity_box);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, severity_description);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, note_entry);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, kinds_box);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, findings_group);
  gtk_widget_class_bind_template_child (widget_class, NmTagPanel, findings_list);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nm-tag-panel");
}

static void
nm_tag_panel_init (NmTagPanel *self)
{
  self->severity = 2;
  self->kind_buttons = g_hash_table_new (g_str_hash, g_str_equal);
  self->here_filter = gtk_custom_filter_new (filter_here, self, NULL);
  self->here = gtk_filter_list_model_new (NULL, GTK_FILTER (g_object_ref (self->here_filter)));
  self->consultation_signals = g_signal_group_new (NM_TYPE_CONSULTATION);
  g_signal_group_connect_object (self->consultation_signals, "changed",
                                 G_CALLBACK (on_consultation_changed_cb), self, 0);

  gtk_widget_init_template (GTK_WIDGET (self));
  build (self);
  update_severity_description (self);
  update_header (self);
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
  g_set_object (&self->consultation, consultation);
  /* during dispose, what was built goes away with the panel */
  if (self->consultation_signals == NULL)
    return;
  g_signal_group_set_target (self->consultation_signals, consultation);
  select_finding (self, NULL);
  gtk_filter_list_model_set_model (self->here,
                                   consultation != NULL ? nm_consultation_get_findings (consultation) : NULL);
  update_header (self);
}

void
nm_tag_panel_set_regions (NmTagPanel         *self,
                          const char * const *regions)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));

  g_strfreev (self->regions);
  self->regions = regions != NULL && regions[0] != NULL ? g_strdupv ((char **) regions) : NULL;
  /* another place: nothing of it is selected yet */
  select_finding (self, NULL);
  gtk_filter_changed (GTK_FILTER (self->here_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->findings_group), n_regions (self) > 0);
  sync_kind_buttons (self);
  update_severity_description (self);
  update_header (self);
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

  /* the selected finding keeps its kind: another kind is for the next tag */
  if (self->selected != NULL && g_strcmp0 (nm_finding_get_kind (self->selected), kind) != 0)
    select_finding (self, NULL);
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

  /* the selected finding takes it, as one undoable step */
  if (self->selected != NULL && self->consultation != NULL &&
      nm_finding_get_severity (self->selected) != severity)
    nm_consultation_set_finding_severity (self->consultation, self->selected, severity);
  show_severity (self, severity);
  update_header (self);
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

  nm_tag_panel_set_tool (self, brush ? NM_MAP_TOOL_BRUSH : NM_MAP_TOOL_SELECT);
}

/**
 * nm_tag_panel_set_tool:
 *
 * What the map's tool does, for the panel to say: with the brush, clicking
 * a kind makes it the brush; with the outline tool, the panel says where
 * an outline goes (never to a new finding).
 */
void
nm_tag_panel_set_tool (NmTagPanel *self,
                       NmMapTool   tool)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));

  self->brush = tool == NM_MAP_TOOL_BRUSH;
  self->outline = tool == NM_MAP_TOOL_OUTLINE;
  if (self->brush)
    select_finding (self, NULL);
  update_severity_description (self);
  update_header (self);
}

/**
 * nm_tag_panel_get_selected_finding:
 *
 * Returns: (transfer none) (nullable): the finding the severity buttons
 *   change, one of the selected regions'
 */
NmFinding *
nm_tag_panel_get_selected_finding (NmTagPanel *self)
{
  g_return_val_if_fail (NM_IS_TAG_PANEL (self), NULL);
  return self->selected;
}

/**
 * nm_tag_panel_select_finding:
 * @finding: (nullable): a finding of the selected regions, or %NULL
 *
 * Selects @finding in the list: the severity buttons show and change it.
 */
void
nm_tag_panel_select_finding (NmTagPanel *self,
                             NmFinding  *finding)
{
  g_return_if_fail (NM_IS_TAG_PANEL (self));
  g_return_if_fail (finding == NULL || NM_IS_FINDING (finding));

  select_finding (self, finding);
}
