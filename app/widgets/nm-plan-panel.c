/* nm-plan-panel.c: the plan, region by region, with its reasons
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
#include <math.h>

#include "nm-file.h"
#include "nm-plan-panel.h"
#include "nm-vocab.h"

/* The status first; then the relative contraindications answered yes, each
 * to be acknowledged with a rationale (saved in the file through the
 * undoable nm_consultation_set_acknowledgement()), right under the status
 * so that what ticking one changes below never moves it; then the
 * contraindications and warnings; then every region with its findings,
 * depth range and reasons.  Each part keeps its rows and updates them in
 * place from the plan (in an idle, after the edit's own handler has
 * returned): a tick or an Enter keeps its row, the focus and the scroll.
 * Below it, the device this consultation is planned for (plan.device). */

struct _NmPlanPanel
{
  GtkWidget       parent_instance;

  NmConsultation *consultation;
  GSignalGroup   *consultation_signals;
  NmPlan         *plan;
  GtkWidget      *scroller;
  GtkWidget      *content;
  guint           rebuild_id;

  GtkWidget      *empty_page;
  GtkWidget      *status_box;
  GtkLabel       *status_title;
  GtkLabel       *status_body;
  const char     *status_css;
  GtkWidget      *ack_group;
  GPtrArray      *ack_rows;       /* of AckRow, in the order of the vocabulary */
  GtkWidget      *blocks_group;
  GPtrArray      *block_rows;     /* of AdwActionRow */
  GtkWidget      *warnings_group;
  GPtrArray      *warning_rows;   /* of AdwActionRow */
  GtkWidget      *regions_group;
  GPtrArray      *region_rows;    /* of RegionRow, in the plan's order */
  gboolean        updating;       /* rows are being set from the model */

  GtkWidget      *device_group;
  AdwActionRow   *device_max_row;
  AdwActionRow   *device_step_row;
  GtkSpinButton  *device_max_spin;
  GtkSpinButton  *device_step_spin;
  gboolean        syncing;
};

G_DEFINE_FINAL_TYPE (NmPlanPanel, nm_plan_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONSULTATION,
  PROP_PLAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

typedef struct
{
  char      *id;                /* a screening item id */
  GtkWidget *row;               /* AdwActionRow: the question, with the check */
  GtkWidget *check;
  GtkWidget *entry;             /* AdwEntryRow: the rationale */
} AckRow;

static void
ack_row_free (gpointer data)
{
  AckRow *ack = data;

  g_free (ack->id);
  g_object_unref (ack->row);
  g_object_unref (ack->entry);
  g_free (ack);
}

typedef struct
{
  char      *region;
  GtkWidget *row;               /* AdwExpanderRow */
  GtkWidget *badge;
  GtkWidget *reasons;           /* a box of labels */
  char      *reasons_text;      /* what the box shows, to leave it alone */
} RegionRow;

static void
region_row_free (gpointer data)
{
  RegionRow *region = data;

  g_free (region->region);
  g_free (region->reasons_text);
  g_object_unref (region->row);
  g_free (region);
}

static void
on_ack_toggled_cb (GtkCheckButton *check,
                   NmPlanPanel    *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "nm-item");
  GtkEditable *entry = g_object_get_data (G_OBJECT (check), "nm-entry");
  const char *current;

  if (self->consultation == NULL || self->updating)
    return;
  current = nm_consultation_get_acknowledgement (self->consultation, id);
  if (gtk_check_button_get_active (check) && current == NULL)
    nm_consultation_set_acknowledgement (self->consultation, id, gtk_editable_get_text (entry));
  else if (!gtk_check_button_get_active (check) && current != NULL)
    nm_consultation_set_acknowledgement (self->consultation, id, NULL);
}

static void
on_ack_apply_cb (AdwEntryRow *row,
                 NmPlanPanel *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "nm-item");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (self->consultation == NULL || self->updating)
    return;
  /* giving a rationale acknowledges the item */
  if (g_strcmp0 (nm_consultation_get_acknowledgement (self->consultation, id), text) != 0)
    nm_consultation_set_acknowledgement (self->consultation, id, text);
}

/* The same five states as the window's status button. */
static void
update_status (NmPlanPanel *self)
{
  const char *title, *body, *css;

  switch (nm_plan_get_state (self->plan))
    {
    case NM_PLAN_STATE_READY:
      title = _("Suitable for treatment");
      body = _("Every screening question is answered, and nothing stands in the way.");
      css = "success";
      break;
    case NM_PLAN_STATE_PRECAUTIONS:
      title = _("Suitable with precautions");
      body = _("Review the warnings, and acknowledge each precaution that applies.");
      css = "warning";
      break;
    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
      title = _("Screening not finished");
      body = _("Answer every screening question before the plan is used.");
      css = "accent";
      break;
    case NM_PLAN_STATE_NO_SKIN_TYPE:
      title = _("Skin type needed");
      body = _("Choose the client’s skin type in the Client panel: it sets the safe depths.");
      css = "accent";
      break;
    case NM_PLAN_STATE_BLOCKED:
    default:
      title = nm_plan_has_lifelong_block (self->plan) ? _("Not suitable") : _("Not suitable now");
      body = _("A contraindication is present: nothing is needled.");
      css = "error";
    }

  gtk_label_set_text (self->status_title, title);
  gtk_label_set_text (self->status_body, body);
  if (self->status_css != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_title), self->status_css);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_title), css);
  self->status_css = css;
}

/* Sets the rows of @group, in @rows, to @n messages: the rows there are
 * keep their place and take the new text; the others come or go at the
 * end. */
static void
update_message_rows (GtkWidget   *group,
                     GPtrArray   *rows,
                     guint        n,
                     const char  *icon,
                     const char  *css,
                     const char *(*get) (gpointer data, guint i, const char **subtitle),
                     gpointer     data)
{
  while (rows->len > n)
    {
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), g_ptr_array_index (rows, rows->len - 1));
      g_ptr_array_remove_index (rows, rows->len - 1);
    }
  for (guint i = 0; i < n; i++)
    {
      const char *subtitle = NULL;
      const char *title = get (data, i, &subtitle);
      GtkWidget *row;

      if (i == rows->len)
        {
          GtkWidget *image = gtk_image_new_from_icon_name (icon);

          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          gtk_widget_add_css_class (image, css);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_ptr_array_add (rows, row);
        }
      row = g_ptr_array_index (rows, i);
      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) != 0)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
    }
  gtk_widget_set_visible (group, n > 0);
}

static const char *
get_block (gpointer     plan,
           guint        i,
           const char **subtitle)
{
  const NmPlanBlock *block = nm_plan_get_blocked_by (plan, i);

  *subtitle = block->lifelong ? _("Lifelong: this does not pass with time") : NULL;
  return block->message;
}

/* One warning row: a warning the plan gives for several regions (the risk
 * of pigmentation, for each treated region) is one row naming them. */
typedef struct
{
  const char *id;
  const char *message;
  GPtrArray  *regions;    /* of const char *, region names */
  char       *subtitle;
} WarningGroup;

static void
warning_group_free (gpointer data)
{
  WarningGroup *group = data;

  g_ptr_array_unref (group->regions);
  g_free (group->subtitle);
  g_free (group);
}

static GPtrArray *
group_warnings (NmPlan *plan)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func (warning_group_free);

  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *w = nm_plan_get_warning (plan, i);
      WarningGroup *group = NULL;

      for (guint g = 0; g < groups->len && group == NULL; g++)
        {
          WarningGroup *other = g_ptr_array_index (groups, g);

          if (g_strcmp0 (other->id, w->id) == 0 && g_strcmp0 (other->message, w->message) == 0)
            group = other;
        }
      if (group == NULL)
        {
          group = g_new0 (WarningGroup, 1);
          group->id = w->id;
          group->message = w->message;
          group->regions = g_ptr_array_new ();
          g_ptr_array_add (groups, group);
        }
      if (w->region != NULL)
        g_ptr_array_add (group->regions, (gpointer) nm_vocab_region_name (w->region));
    }

  for (guint g = 0; g < groups->len; g++)
    {
      WarningGroup *group = g_ptr_array_index (groups, g);
      g_autoptr(GString) names = g_string_new (NULL);

      if (group->regions->len == 1)
        group->subtitle = g_strdup (g_ptr_array_index (group->regions, 0));
      if (group->regions->len <= 1)
        continue;
      for (guint r = 0; r < group->regions->len; r++)
        {
          if (r > 0)
            g_string_append (names, ", ");
          g_string_append (names, g_ptr_array_index (group->regions, r));
        }
      /* Translators: under a warning given for several regions: how many,
       * then their names, e.g. “3 regions: Forehead, Nose, Chin” */
      group->subtitle = g_strdup_printf (ngettext ("%u region: %s", "%u regions: %s", group->regions->len),
                                         group->regions->len, names->str);
    }
  return groups;
}

static const char *
get_warning (gpointer     groups,
             guint        i,
             const char **subtitle)
{
  const WarningGroup *group = g_ptr_array_index ((GPtrArray *) groups, i);

  *subtitle = group->subtitle;
  return group->message;
}

static AckRow *
ack_row_new (NmPlanPanel *self,
             const char  *id)
{
  AckRow *ack = g_new0 (AckRow, 1);

  ack->id = g_strdup (id);
  ack->row = g_object_ref_sink (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (ack->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ack->row), nm_vocab_screening_question (id));
  ack->check = gtk_check_button_new ();
  gtk_widget_set_valign (ack->check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (ack->check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  nm_vocab_screening_question (id), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (ack->row), ack->check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (ack->row), ack->check);

  ack->entry = g_object_ref_sink (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ack->entry), _("Rationale"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (ack->entry), TRUE);
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (ack->entry))),
                           NM_FILE_MAX_STRING_CHARS);

  g_object_set_data_full (G_OBJECT (ack->check), "nm-item", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (ack->check), "nm-entry", ack->entry);
  g_object_set_data_full (G_OBJECT (ack->entry), "nm-item", g_strdup (id), g_free);
  g_signal_connect_object (ack->check, "toggled", G_CALLBACK (on_ack_toggled_cb), self, 0);
  g_signal_connect_object (ack->entry, "apply", G_CALLBACK (on_ack_apply_cb), self, 0);
  return ack;
}

static gboolean
has_focus_within (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
update_acknowledgements (NmPlanPanel *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  gboolean same = TRUE;

  if (self->consultation != NULL)
    for (guint i = 0; i < nm_vocab_n_screening (); i++)
      {
        const NmScreeningInfo *info = nm_vocab_screening (i);

        if (info->default_class == NM_SCREENING_RELATIVE &&
            nm_consultation_get_screening (self->consultation, info->id) == NM_ANSWER_YES)
          g_ptr_array_add (ids, (gpointer) info->id);
      }

  /* Other items answered yes (in the Screening panel): the rows are put
   * back in the vocabulary's order, each keeping its widgets. */
  same = ids->len == self->ack_rows->len;
  for (guint i = 0; same && i < ids->len; i++)
    same = g_strcmp0 (((AckRow *) g_ptr_array_index (self->ack_rows, i))->id, g_ptr_array_index (ids, i)) == 0;
  if (!same)
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (ack_row_free);

      for (guint i = 0; i < self->ack_rows->len; i++)
        {
          AckRow *ack = g_ptr_array_index (self->ack_rows, i);

          adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->ack_group), ack->row);
          adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->ack_group), ack->entry);
        }
      for (guint i = 0; i < ids->len; i++)
        {
          AckRow *ack = NULL;

          for (guint j = 0; j < self->ack_rows->len && ack == NULL; j++)
            if (g_strcmp0 (((AckRow *) g_ptr_array_index (self->ack_rows, j))->id, g_ptr_array_index (ids, i)) == 0)
              ack = g_ptr_array_steal_index (self->ack_rows, j);
          if (ack == NULL)
            ack = ack_row_new (self, g_ptr_array_index (ids, i));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->ack_group), ack->row);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->ack_group), ack->entry);
          g_ptr_array_add (rows, ack);
        }
      g_ptr_array_unref (self->ack_rows);
      self->ack_rows = g_steal_pointer (&rows);
    }

  for (guint i = 0; i < self->ack_rows->len; i++)
    {
      AckRow *ack = g_ptr_array_index (self->ack_rows, i);
      const char *text = nm_consultation_get_acknowledgement (self->consultation, ack->id);

      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (ack->check)) != (text != NULL))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (ack->check), text != NULL);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (ack->row),
                                   text != NULL ? _("Acknowledged") : _("Not acknowledged yet"));
      /* what is being typed stays as it is */
      if (!has_focus_within (ack->entry) &&
          g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (ack->entry)), text != NULL ? text : "") != 0)
        gtk_editable_set_text (GTK_EDITABLE (ack->entry), text != NULL ? text : "");
    }
  gtk_widget_set_visible (self->ack_group, self->ack_rows->len > 0);
}

/* A severity's name in brackets after its finding: a form of its own, so
 * that a language can make it agree (or not need to), shared with the PDF's
 * (context "severity after a finding"). The names are the Findings
 * panel's (nm_vocab_severity_name). */
static const char *
severity_after_finding (guint severity)
{
  static const char * const names[] = {
    /* Translators: a finding's severity, in brackets after the finding's
     * name ("Rolling acne scars (Moderate)"): a form that needs no agreement */
    NC_("severity after a finding", "Mild"), NC_("severity after a finding", "Moderate"),
    NC_("severity after a finding", "Marked"), NC_("severity after a finding", "Severe"),
  };

  if (severity < NM_SEVERITY_MIN || severity > NM_SEVERITY_MAX)
    return "";
  return g_dpgettext2 (GETTEXT_PACKAGE, "severity after a finding", names[severity - NM_SEVERITY_MIN]);
}

/* The findings of @region, each kind and severity once, in the order the
 * consultation first has them: "Rolling acne scars (Moderate), Fine lines
 * (Mild)", and "× 3" after one the region has more than once. A region
 * with thousands of findings (issue 13: up to 10,000 in a file) makes a
 * line of a few dozen entries, not a label of 100,000 characters that
 * took the window a minute to lay out. */
static char *
findings_of (NmConsultation *consultation,
             const char     *region)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();   /* keys of counts */

  for (guint i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);
      g_autofree char *key = NULL;
      gpointer stored, count;

      if (g_strcmp0 (nm_finding_get_region (finding), region) != 0)
        continue;
      key = g_strdup_printf ("%u %s", nm_finding_get_severity (finding), nm_finding_get_kind (finding));
      if (g_hash_table_lookup_extended (counts, key, &stored, &count))
        g_hash_table_insert (counts, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
      else
        {
          g_ptr_array_add (order, finding);
          g_hash_table_insert (counts, g_steal_pointer (&key), GUINT_TO_POINTER (1));
        }
    }
  for (guint i = 0; i < order->len; i++)
    {
      NmFinding *finding = g_ptr_array_index (order, i);
      g_autofree char *key = g_strdup_printf ("%u %s", nm_finding_get_severity (finding), nm_finding_get_kind (finding));
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
      g_autofree char *line = NULL;

      /* Translators: a finding and its severity (see "Mild", context
       * "severity after a finding"), e.g. "Rolling acne scars (Moderate)" */
      line = g_strdup_printf (C_("finding and its severity", "%s (%s)"),
                              nm_vocab_kind_name (nm_finding_get_kind (finding)),
                              severity_after_finding (nm_finding_get_severity (finding)));
      if (out->len > 0)
        /* Translators: between the findings of a region, "Fine lines (Mild), Wrinkles (Marked)" */
        g_string_append (out, _(", "));
      g_string_append (out, line);
      if (count > 1)
        /* Translators: after a finding the region has several of, "Fine lines (Mild) × 3" */
        g_string_append_printf (out, _(" × %u"), count);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static RegionRow *
region_row_new (const char *region)
{
  RegionRow *r = g_new0 (RegionRow, 1);

  r->region = g_strdup (region);
  r->row = g_object_ref_sink (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (r->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (r->row), nm_vocab_region_name (region));
  r->badge = gtk_label_new (NULL);
  gtk_widget_add_css_class (r->badge, "numeric");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (r->row), r->badge);

  r->reasons = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (r->reasons, 12);
  gtk_widget_set_margin_end (r->reasons, 12);
  gtk_widget_set_margin_top (r->reasons, 10);
  gtk_widget_set_margin_bottom (r->reasons, 10);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (r->row), r->reasons);
  return r;
}

static void
update_regions (NmPlanPanel *self)
{
  guint n = nm_plan_get_n_regions (self->plan);
  gboolean same = n == self->region_rows->len;

  for (guint i = 0; same && i < n; i++)
    same = g_strcmp0 (((RegionRow *) g_ptr_array_index (self->region_rows, i))->region,
                      nm_plan_get_region (self->plan, i)->region) == 0;
  if (!same)
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (region_row_free);

      for (guint i = 0; i < self->region_rows->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->regions_group),
                                      ((RegionRow *) g_ptr_array_index (self->region_rows, i))->row);
      for (guint i = 0; i < n; i++)
        {
          const char *region = nm_plan_get_region (self->plan, i)->region;
          RegionRow *r = NULL;

          /* an open row stays open */
          for (guint j = 0; j < self->region_rows->len && r == NULL; j++)
            if (g_strcmp0 (((RegionRow *) g_ptr_array_index (self->region_rows, j))->region, region) == 0)
              r = g_ptr_array_steal_index (self->region_rows, j);
          if (r == NULL)
            r = region_row_new (region);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->regions_group), r->row);
          g_ptr_array_add (rows, r);
        }
      g_ptr_array_unref (self->region_rows);
      self->region_rows = g_steal_pointer (&rows);
    }

  for (guint i = 0; i < n; i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (self->plan, i);
      RegionRow *r = g_ptr_array_index (self->region_rows, i);
      g_autofree char *depth = region->treat ? nm_format_mm_range_display (region->min_mm, region->max_mm)
                                             : g_strdup (_("Not needled"));
      g_autofree char *findings = self->consultation != NULL ? findings_of (self->consultation, region->region)
                                                             : g_strdup ("");
      g_autofree char *reasons = region->reasons != NULL ? g_strjoinv ("\n", region->reasons) : g_strdup ("");

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (r->row), findings);
      gtk_label_set_text (GTK_LABEL (r->badge), depth);
      gtk_widget_remove_css_class (r->badge, region->treat ? "error" : "accent");
      gtk_widget_add_css_class (r->badge, region->treat ? "accent" : "error");

      if (g_strcmp0 (r->reasons_text, reasons) != 0)
        {
          GtkWidget *child;

          while ((child = gtk_widget_get_first_child (r->reasons)) != NULL)
            gtk_box_remove (GTK_BOX (r->reasons), child);
          for (guint k = 0; region->reasons != NULL && region->reasons[k] != NULL; k++)
            {
              g_autofree char *bullet = g_strdup_printf ("• %s", region->reasons[k]);

              gtk_box_append (GTK_BOX (r->reasons), wrapped_label (bullet, NULL));
            }
          g_free (r->reasons_text);
          r->reasons_text = g_steal_pointer (&reasons);
        }
    }
  gtk_widget_set_visible (self->regions_group, n > 0);
}

static void
nm_plan_panel_rebuild (NmPlanPanel *self)
{
  gboolean have_plan = self->plan != NULL;
  g_autoptr(GPtrArray) warnings = NULL;

  g_clear_handle_id (&self->rebuild_id, g_source_remove);

  gtk_widget_set_visible (self->empty_page, !have_plan);
  gtk_widget_set_visible (self->status_box, have_plan);
  if (!have_plan)
    {
      gtk_widget_set_visible (self->ack_group, FALSE);
      gtk_widget_set_visible (self->blocks_group, FALSE);
      gtk_widget_set_visible (self->warnings_group, FALSE);
      gtk_widget_set_visible (self->regions_group, FALSE);
      return;
    }

  warnings = group_warnings (self->plan);
  /* setting a row from the model is not an edit */
  self->updating = TRUE;
  update_status (self);
  update_acknowledgements (self);
  update_message_rows (self->blocks_group, self->block_rows, nm_plan_get_n_blocked_by (self->plan),
                       "action-unavailable-symbolic", "error", get_block, self->plan);
  update_message_rows (self->warnings_group, self->warning_rows, warnings->len,
                       "dialog-warning-symbolic", "warning", get_warning, warnings);
  update_regions (self);
  self->updating = FALSE;
}

/* The rows' arrays; the parts themselves come from the template. */
static void
build_content (NmPlanPanel *self)
{
  self->ack_rows = g_ptr_array_new_with_free_func (ack_row_free);
  self->block_rows = g_ptr_array_new ();
  self->warning_rows = g_ptr_array_new ();
  self->region_rows = g_ptr_array_new_with_free_func (region_row_free);
}

/* Device */

/* Whole hundredths of a millimetre, as the device's dial shows them. */
static double
round_mm (double mm)
{
  return round (mm * 100.0) / 100.0;
}

static void
sync_device (NmPlanPanel *self)
{
  double max_mm = 0.0, step_mm = 0.0;
  gboolean own_max = FALSE, own_step = FALSE;

  gtk_widget_set_visible (self->device_group, self->consultation != NULL);
  if (self->consultation == NULL)
    return;

  /* the consultation's device; where it has none, the protocol's, which
   * the plan was made with */
  max_mm = nm_consultation_get_device_max_mm (self->consultation);
  step_mm = nm_consultation_get_device_step_mm (self->consultation);
  own_max = max_mm > 0.0;
  own_step = step_mm > 0.0;
  if (!own_max && self->plan != NULL)
    max_mm = nm_plan_get_device_max_mm (self->plan);
  if (!own_step && self->plan != NULL)
    step_mm = nm_plan_get_device_step_mm (self->plan);

  self->syncing = TRUE;
  if (max_mm > 0.0 && ABS (gtk_spin_button_get_value (self->device_max_spin) - max_mm) > 1e-9)
    gtk_spin_button_set_value (self->device_max_spin, max_mm);
  if (step_mm > 0.0 && ABS (gtk_spin_button_get_value (self->device_step_spin) - step_mm) > 1e-9)
    gtk_spin_button_set_value (self->device_step_spin, step_mm);
  self->syncing = FALSE;

  adw_action_row_set_subtitle (self->device_max_row,
                               own_max ? _("Millimetres") : _("Millimetres, from the protocol"));
  adw_action_row_set_subtitle (self->device_step_row,
                               own_step ? _("Millimetres") : _("Millimetres, from the protocol"));
}

static void
on_device_max_changed_cb (GtkSpinButton *spin,
                          NmPlanPanel   *self)
{
  double value = MIN (round_mm (gtk_spin_button_get_value (spin)), NM_DEVICE_MAX_MM_LIMIT);

  if (self->syncing || self->consultation == NULL)
    return;
  if (nm_consultation_get_device_max_mm (self->consultation) != value)
    nm_consultation_set_device_max_mm (self->consultation, value);
}

static void
on_device_step_changed_cb (GtkSpinButton *spin,
                           NmPlanPanel   *self)
{
  double value = CLAMP (round_mm (gtk_spin_button_get_value (spin)),
                        NM_DEVICE_STEP_MM_MIN, NM_DEVICE_STEP_MM_MAX);

  if (self->syncing || self->consultation == NULL)
    return;
  if (nm_consultation_get_device_step_mm (self->consultation) != value)
    nm_consultation_set_device_step_mm (self->consultation, value);
}

/* The spin buttons' ranges, from the consultation's limits. */
static void
build_device_group (NmPlanPanel *self)
{
  gtk_spin_button_set_range (self->device_max_spin, 0.25, NM_DEVICE_MAX_MM_LIMIT);
  gtk_spin_button_set_increments (self->device_max_spin, 0.05, 0.5);
  gtk_spin_button_set_range (self->device_step_spin, NM_DEVICE_STEP_MM_MIN, NM_DEVICE_STEP_MM_MAX);
  gtk_spin_button_set_increments (self->device_step_spin, 0.05, 0.5);
  g_signal_connect_object (self->device_max_spin, "value-changed",
                           G_CALLBACK (on_device_max_changed_cb), self, 0);
  g_signal_connect_object (self->device_step_spin, "value-changed",
                           G_CALLBACK (on_device_step_changed_cb), self, 0);
}

static void
rebuild_idle_cb (gpointer data)
{
  NmPlanPanel *self = data;

  self->rebuild_id = 0;
  nm_plan_panel_rebuild (self);
}

static void
nm_plan_panel_queue_rebuild (NmPlanPanel *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_once (rebuild_idle_cb, self);
}

static void
nm_plan_panel_dispose (GObject *object)
{
  NmPlanPanel *self = NM_PLAN_PANEL (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_object (&self->consultation_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_PLAN_PANEL);
  g_clear_object (&self->consultation);
  g_clear_pointer (&self->ack_rows, g_ptr_array_unref);
  g_clear_pointer (&self->block_rows, g_ptr_array_unref);
  g_clear_pointer (&self->warning_rows, g_ptr_array_unref);
  g_clear_pointer (&self->region_rows, g_ptr_array_unref);
  g_clear_pointer (&self->plan, nm_plan_unref);

  G_OBJECT_CLASS (nm_plan_panel_parent_class)->dispose (object);
}

static void
nm_plan_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NmPlanPanel *self = NM_PLAN_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      g_value_set_object (value, self->consultation);
      break;
    case PROP_PLAN:
      g_value_set_boxed (value, self->plan);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_plan_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NmPlanPanel *self = NM_PLAN_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      nm_plan_panel_set_consultation (self, g_value_get_object (value));
      break;
    case PROP_PLAN:
      nm_plan_panel_set_plan (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_plan_panel_class_init (NmPlanPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_plan_panel_dispose;
  object_class->get_property = nm_plan_panel_get_property;
  object_class->set_property = nm_plan_panel_set_property;

  properties[PROP_CONSULTATION] =
    g_param_spec_object ("consultation", NULL, NULL, NM_TYPE_CONSULTATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_boxed ("plan", NULL, NULL, NM_TYPE_PLAN,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/needlemap/Needlemap/nm-plan-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, content);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, empty_page);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, status_box);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, status_title);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, status_body);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, ack_group);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, blocks_group);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, regions_group);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, device_group);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, device_max_row);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, device_step_row);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, device_max_spin);
  gtk_widget_class_bind_template_child (widget_class, NmPlanPanel, device_step_spin);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nmplanpanel");
}

static void
nm_plan_panel_init (NmPlanPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_content (self);
  build_device_group (self);

  /* the device follows the consultation's edits, and the
   * acknowledgements its undo */
  self->consultation_signals = g_signal_group_new (NM_TYPE_CONSULTATION);
  g_signal_group_connect_swapped (self->consultation_signals, "changed", G_CALLBACK (sync_device), self);
  g_signal_group_connect_swapped (self->consultation_signals, "changed",
                                  G_CALLBACK (nm_plan_panel_queue_rebuild), self);

  nm_plan_panel_rebuild (self);
  sync_device (self);
}

GtkWidget *
nm_plan_panel_new (void)
{
  return g_object_new (NM_TYPE_PLAN_PANEL, NULL);
}

NmConsultation *
nm_plan_panel_get_consultation (NmPlanPanel *self)
{
  g_return_val_if_fail (NM_IS_PLAN_PANEL (self), NULL);
  return self->consultation;
}

/**
 * nm_plan_panel_set_consultation:
 *
 * The consultation whose acknowledgements the panel edits.
 */
void
nm_plan_panel_set_consultation (NmPlanPanel    *self,
                                NmConsultation *consultation)
{
  g_return_if_fail (NM_IS_PLAN_PANEL (self));
  g_return_if_fail (consultation == NULL || NM_IS_CONSULTATION (consultation));

  if (self->consultation == consultation)
    return;
  g_set_object (&self->consultation, consultation);
  g_signal_group_set_target (self->consultation_signals, consultation);
  sync_device (self);
  nm_plan_panel_queue_rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSULTATION]);
}

NmPlan *
nm_plan_panel_get_plan (NmPlanPanel *self)
{
  g_return_val_if_fail (NM_IS_PLAN_PANEL (self), NULL);
  return self->plan;
}

/**
 * nm_plan_panel_set_plan:
 *
 * The plan to show; set it again after every edit (the window recomputes
 * the plan on NmConsultation::changed).
 */
void
nm_plan_panel_set_plan (NmPlanPanel *self,
                        NmPlan      *plan)
{
  g_return_if_fail (NM_IS_PLAN_PANEL (self));

  if (self->plan == plan)
    return;
  g_clear_pointer (&self->plan, nm_plan_unref);
  if (plan != NULL)
    self->plan = nm_plan_ref (plan);
  sync_device (self);
  nm_plan_panel_queue_rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
}
