/* nm-screening-panel.c: the contraindication screening, one question a row
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

#include "nm-message-dialog.h"
#include "nm-screening-panel.h"
#include "nm-vocab.h"

typedef struct
{
  const char      *id;
  AdwActionRow    *row;
  GtkToggleButton *yes;
  GtkToggleButton *no;
} Item;

struct _NmScreeningPanel
{
  GtkWidget        parent_instance;

  NmConsultation  *consultation;
  GSignalGroup    *consultation_signals;
  GArray          *items;   /* of Item */
  gboolean         syncing;

  /* from the template */
  GtkWidget       *scroller;
  GtkLabel        *summary;
  GtkProgressBar  *progress;
  GtkWidget       *all_no;
  AdwPreferencesGroup *absolute_group;
  AdwPreferencesGroup *relative_group;
};

G_DEFINE_FINAL_TYPE (NmScreeningPanel, nm_screening_panel, GTK_TYPE_WIDGET)

guint
nm_screening_panel_get_n_unanswered (NmScreeningPanel *self)
{
  guint n = 0;

  g_return_val_if_fail (NM_IS_SCREENING_PANEL (self), 0);

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    if (self->consultation == NULL ||
        nm_consultation_get_screening (self->consultation, nm_vocab_screening (i)->id) == NM_ANSWER_UNKNOWN)
      n++;
  return n;
}

static void
sync_from_model (NmScreeningPanel *self)
{
  guint unanswered = nm_screening_panel_get_n_unanswered (self);
  guint total = nm_vocab_n_screening ();
  g_autofree char *text = NULL;

  self->syncing = TRUE;
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);
      NmAnswer answer = NM_ANSWER_UNKNOWN;

      if (self->consultation != NULL)
        answer = nm_consultation_get_screening (self->consultation, item->id);

      gtk_toggle_button_set_active (item->yes, answer == NM_ANSWER_YES);
      gtk_toggle_button_set_active (item->no, answer == NM_ANSWER_NO);
      if (answer == NM_ANSWER_UNKNOWN)
        gtk_widget_add_css_class (GTK_WIDGET (item->row), "unanswered");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (item->row), "unanswered");
    }
  self->syncing = FALSE;

  /* Progress, in the words of the plan's status: the plan is not ready
   * before every one of the questions is answered. */
  if (unanswered == 0)
    text = g_strdup_printf (ngettext ("All %u answered: the screening is complete.",
                                      "All %u answered: the screening is complete.",
                                      total), total);
  else
    /* Translators: screening progress, for example “19 of 24 answered” */
    text = g_strdup_printf (ngettext ("%u of %u answered", "%u of %u answered", total),
                            total - unanswered, total);
  gtk_label_set_text (self->summary, text);
  gtk_widget_set_sensitive (self->all_no, self->consultation != NULL && unanswered > 0);
  gtk_progress_bar_set_fraction (self->progress, total > 0 ? (double) (total - unanswered) / total : 0.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

static void
on_answer_toggled_cb (GtkToggleButton  *button,
                      NmScreeningPanel *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "item");
  gboolean is_yes = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "yes"));
  NmAnswer answer;

  if (self->syncing || self->consultation == NULL)
    return;

  if (gtk_toggle_button_get_active (button))
    answer = is_yes ? NM_ANSWER_YES : NM_ANSWER_NO;
  else
    {
      /* Clicking the active answer again takes it back to "not asked". */
      NmAnswer current = nm_consultation_get_screening (self->consultation, id);

      if ((is_yes && current != NM_ANSWER_YES) || (!is_yes && current != NM_ANSWER_NO))
        return;
      answer = NM_ANSWER_UNKNOWN;
    }

  if (nm_consultation_get_screening (self->consultation, id) != answer)
    nm_consultation_set_screening (self->consultation, id, answer);
}

static void
answer_rest_no (NmScreeningPanel *self)
{
  if (self->consultation == NULL)
    return;

  /* Only questions not yet asked: an answer already given is never changed. */
  nm_consultation_begin_group (self->consultation);
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;

      if (nm_consultation_get_screening (self->consultation, id) == NM_ANSWER_UNKNOWN)
        nm_consultation_set_screening (self->consultation, id, NM_ANSWER_NO);
    }
  nm_consultation_end_group (self->consultation);
}

static void
on_all_no_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       NmScreeningPanel *self)
{
  if (g_strcmp0 (response, "answer") == 0)
    answer_rest_no (self);
}

/* One click answers many questions, stop signs among them: it asks first,
 * saying how many and which kind, so that "No" is never given to a
 * question nobody asked the client (a pregnancy, isotretinoin). */
static void
on_all_no_clicked_cb (NmScreeningPanel *self)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  const char *example = NULL;
  guint n = 0, n_absolute = 0;
  GtkRoot *root;
  GtkWidget *dialog;

  if (self->consultation == NULL)
    return;

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const NmScreeningInfo *info = nm_vocab_screening (i);

      if (nm_consultation_get_screening (self->consultation, info->id) != NM_ANSWER_UNKNOWN)
        continue;
      n++;
      if (info->default_class != NM_SCREENING_ABSOLUTE)
        continue;
      n_absolute++;
      /* the one most often left unasked, when it is among them */
      if (example == NULL || g_str_equal (info->id, "pregnancy"))
        example = nm_vocab_screening_question (info->id);
    }
  if (n == 0)
    return;

  heading = g_strdup_printf (ngettext ("Answer %u Question No?", "Answer %u Questions No?", n), n);
  g_string_append_printf (body, ngettext ("%u question is not answered yet.",
                                          "%u questions are not answered yet.", n), n);
  if (n_absolute > 0)
    {
      g_string_append_c (body, ' ');
      /* Translators: the example is a screening question, such as “Is the
       * client pregnant or breastfeeding?” */
      g_string_append_printf (body, ngettext ("Among them is %u absolute contraindication, a stop "
                                              "sign that blocks the plan: “%s”",
                                              "Among them are %u absolute contraindications, stop "
                                              "signs that block the plan, such as “%s”",
                                              n_absolute), n_absolute, example);
    }
  g_string_append (body, "\n\n");
  g_string_append (body, _("Answer No only to what you have asked the client."));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = nm_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "answer", _("Answer _No"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "answer",
                                              ADW_RESPONSE_DESTRUCTIVE);
  nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_all_no_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
answer_button (NmScreeningPanel *self,
               const char       *id,
               const char       *label,
               gboolean          yes,
               const char       *accessible)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (label);

  g_object_set_data (G_OBJECT (button), "item", (gpointer) id);
  g_object_set_data (G_OBJECT (button), "yes", GINT_TO_POINTER (yes));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect_object (button, "toggled", G_CALLBACK (on_answer_toggled_cb), self, 0);
  return button;
}

/* What the template cannot hold: the questions of the vocabulary, each in
 * its group. */
static void
build (NmScreeningPanel *self)
{
  AdwPreferencesGroup *groups[2];

  groups[NM_SCREENING_ABSOLUTE] = self->absolute_group;
  groups[NM_SCREENING_RELATIVE] = self->relative_group;

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const NmScreeningInfo *info = nm_vocab_screening (i);
      g_autofree char *yes_label = g_strdup_printf (_("Yes: %s"), nm_vocab_screening_question (info->id));
      g_autofree char *no_label = g_strdup_printf (_("No: %s"), nm_vocab_screening_question (info->id));
      GtkWidget *row, *linked;
      Item item;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), nm_vocab_screening_question (info->id));
      /* A question is read whole, in every language: it wraps onto as
       * many lines as it needs and is never cut short with an ellipsis
       * (German runs half as long again as English). */
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

      linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      gtk_widget_add_css_class (linked, "linked");
      gtk_widget_set_valign (linked, GTK_ALIGN_CENTER);
      item.id = info->id;
      item.row = ADW_ACTION_ROW (row);
      item.yes = GTK_TOGGLE_BUTTON (answer_button (self, info->id, _("Yes"), TRUE, yes_label));
      item.no = GTK_TOGGLE_BUTTON (answer_button (self, info->id, _("No"), FALSE, no_label));
      gtk_widget_add_css_class (GTK_WIDGET (item.yes), "answer-yes");
      gtk_box_append (GTK_BOX (linked), GTK_WIDGET (item.yes));
      gtk_box_append (GTK_BOX (linked), GTK_WIDGET (item.no));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), linked);

      adw_preferences_group_add (groups[info->default_class], row);
      g_array_append_val (self->items, item);
    }
}

static void
nm_screening_panel_dispose (GObject *object)
{
  NmScreeningPanel *self = NM_SCREENING_PANEL (object);

  nm_screening_panel_set_consultation (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_SCREENING_PANEL);
  g_clear_object (&self->consultation_signals);
  g_clear_pointer (&self->items, g_array_unref);

  G_OBJECT_CLASS (nm_screening_panel_parent_class)->dispose (object);
}

static void
nm_screening_panel_class_init (NmScreeningPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_screening_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/needlemap/Needlemap/nm-screening-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NmScreeningPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, NmScreeningPanel, summary);
  gtk_widget_class_bind_template_child (widget_class, NmScreeningPanel, progress);
  gtk_widget_class_bind_template_child (widget_class, NmScreeningPanel, all_no);
  gtk_widget_class_bind_template_child (widget_class, NmScreeningPanel, absolute_group);
  gtk_widget_class_bind_template_child (widget_class, NmScreeningPanel, relative_group);
  gtk_widget_class_bind_template_callback (widget_class, on_all_no_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nm-screening-panel");
}

static void
nm_screening_panel_init (NmScreeningPanel *self)
{
  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->consultation_signals = g_signal_group_new (NM_TYPE_CONSULTATION);
  g_signal_group_connect_object (self->consultation_signals, "changed",
                                 G_CALLBACK (sync_from_model), self, G_CONNECT_SWAPPED);

  gtk_widget_init_template (GTK_WIDGET (self));
  build (self);
  sync_from_model (self);
}

GtkWidget *
nm_screening_panel_new (void)
{
  return g_object_new (NM_TYPE_SCREENING_PANEL, NULL);
}

void
nm_screening_panel_set_consultation (NmScreeningPanel *self,
                                     NmConsultation   *consultation)
{
  g_return_if_fail (NM_IS_SCREENING_PANEL (self));

  if (self->consultation == consultation)
    return;
  g_set_object (&self->consultation, consultation);
  /* during dispose, what was built goes away with the panel */
  if (self->consultation_signals == NULL)
    return;
  g_signal_group_set_target (self->consultation_signals, consultation);
  sync_from_model (self);
}
