/* nm-session-form.c: Log Session and Edit Session, a form checked before
 * anything is recorded
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
#include <math.h>

#include "nm-message-dialog.h"
#include "nm-spin-guard.h"
#include "nm-client-panel.h"
#include "nm-file.h"
#include "nm-gs1.h"
#include "nm-schedule-view.h"
#include "nm-session-form.h"
#include "nm-vocab.h"

/* The form holds a draft, a session of no consultation: what is typed goes
 * into the consultation only when the form is accepted, in one undoable
 * step. A new session is logged as done then; an edited one takes the
 * draft's date, depths, device and notes. Dates are typed in the locale's
 * form (or picked from a calendar), notes over several lines. */

struct _NmSessionForm
{
  AdwWindow         parent_instance;

  NmConsultation   *consultation;
  NmPlan           *plan;
  NmSession        *session;   /* the one edited, or the draft logged */
  NmSessionFormMode mode;
  gboolean          editing;   /* @session is the log's own */
  GDate             today;
  NmDateEntryStyle  style;

  AdwEntryRow      *date_row;
  AdwEntryRow      *device_row;
  GtkTextView      *notes;
  GtkLabel         *problem;
  GPtrArray        *spins;     /* GtkSpinButton per region; "nm-region" */
  gboolean          confirmed_above;

  /* traceability (issue 16) */
  AdwEntryRow      *lot_row;
  AdwEntryRow      *expiry_row;
  AdwEntryRow      *gtin_row;
  AdwEntryRow      *serum_row;
  AdwEntryRow      *cream_row;
  GtkLabel         *expiry_warning;
};

G_DEFINE_FINAL_TYPE (NmSessionForm, nm_session_form, ADW_TYPE_WINDOW)

enum {
  ACCEPTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static double
device_step (NmSessionForm *self)
{
  double step = self->plan != NULL ? nm_plan_get_device_step_mm (self->plan) : 0.0;

  if (step <= 0.0)
    step = nm_consultation_get_device_step_mm (self->consultation);
  return step;
}

static void
show_problem (NmSessionForm *self,
              const char    *problem)
{
  gtk_label_set_text (self->problem, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem), problem != NULL);
}

static void
on_above_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      NmSessionForm    *self)
{
  if (g_strcmp0 (response, "record") != 0)
    return;
  self->confirmed_above = TRUE;
  nm_session_form_accept (self);
}

/* Asks before a depth above the plan is recorded, as the log does. */
/**
 * nm_depth_above_plan_dialog_new:
 * @parent: (nullable): the window to stay over
 * @body: which depths go beyond the plan
 *
 * The question asked before a depth above the plan is recorded, in the
 * form and in the session log alike: "record" or "cancel" (the default).
 *
 * Returns: (transfer floating): an #AdwMessageDialog, not yet presented
 */
GtkWidget *
nm_depth_above_plan_dialog_new (GtkWindow  *parent,
                                const char *body)
{
  GtkWidget *dialog = nm_message_dialog_new (parent, _("Record a Depth Above the Plan?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "record", _("_Record Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record",
                                              ADW_RESPONSE_DESTRUCTIVE);
  nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  return dialog;
}

static void
confirm_above (NmSessionForm *self,
               const char    *lines)
{
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  /* Translators: the regions and depths above the plan follow, one a line */
  body = g_strdup_printf (_("Deeper than planned:\n%s\nRecord anyway? The plan will then warn that a "
                            "session went deeper than planned."), lines);
  dialog = nm_depth_above_plan_dialog_new (GTK_WINDOW (self), body);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_above_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
notes_text (NmSessionForm *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (text);
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

/* Traceability (issue 16): the cartridge and the products used. The lot
 * field also reads a GS1 code, typed as printed on the box or scanned with
 * a USB barcode scanner (which types it and presses Enter): the code's lot,
 * expiry and GTIN fill their fields. */

/* the row's text without white space around, or NULL when empty */
static char *
row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
update_expiry_warning (NmSessionForm *self)
{
  g_autofree char *date = nm_date_entry_parse (&self->style, gtk_editable_get_text (GTK_EDITABLE (self->date_row)));
  g_autofree char *expiry = NULL;
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;

  if (self->expiry_warning == NULL)
    return;
  expiry = nm_date_entry_parse (&self->style, gtk_editable_get_text (GTK_EDITABLE (self->expiry_row)));
  if (date == NULL || expiry == NULL || strcmp (expiry, date) >= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->expiry_warning), FALSE);
      return;
    }
  shown = nm_date_entry_format (&self->style, expiry);
  /* Translators: %s is the cartridge's expiry date, as the locale writes dates */
  text = g_strdup_printf (_("This cartridge expired on %s, before the session’s date: "
                            "use an unexpired cartridge, or check the dates."), shown);
  gtk_label_set_text (self->expiry_warning, text);
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_warning), TRUE);
}

/* Reads a GS1 code typed or scanned into the lot field into the lot,
 * expiry and GTIN fields. Returns FALSE, showing why, for a malformed code;
 * TRUE for a good one or plain lot text (left as it is). */
static gboolean
read_gs1_code (NmSessionForm *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->lot_row));
  int this_year = g_date_valid (&self->today) ? g_date_get_year (&self->today) : 0;
  NmGs1Code code;

  if (!nm_gs1_looks_like_code (text))
    return TRUE;
  if (!nm_gs1_parse (text, this_year, &code, &error))
    {
      show_problem (self, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->lot_row), "error");
      return FALSE;
    }
  if (code.expiry[0] != '\0')
    {
      g_autofree char *shown = nm_date_entry_format (&self->style, code.expiry);

      set_row_text (self->expiry_row, shown);
    }
  if (code.gtin[0] != '\0')
    set_row_text (self->gtin_row, code.gtin);
  set_row_text (self->lot_row, code.lot);
  if (code.lot[0] == '\0')
    {
      show_problem (self, _("This code has no lot number (10): type the lot printed on the box."));
      gtk_widget_add_css_class (GTK_WIDGET (self->lot_row), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->lot_row), "error");
  show_problem (self, NULL);
  update_expiry_warning (self);
  return TRUE;
}

static void
on_lot_activated_cb (AdwEntryRow   *row,
                     NmSessionForm *self)
{
  read_gs1_code (self);
}

static void
on_lot_focus_leave_cb (GtkEventControllerFocus *focus,
                       NmSessionForm           *self)
{
  read_gs1_code (self);
}

static void
on_trace_date_changed_cb (GtkEditable   *editable,
                          NmSessionForm *self)
{
  update_expiry_warning (self);
}

static void
expiry_picked_cb (GtkEditable *entry,
                  gpointer     user_data)
{
  update_expiry_warning (user_data);
}

/* A GTIN-8, -12 or -13 is a GTIN-14 with zeros in front (GS1 AI 01). */
static char *
gtin_14 (const char *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return NULL;
  if (n != 8 && n != 12 && n != 13 && n != 14)
    return NULL;
  return g_strdup_printf ("%.*s%s", (int) (14 - n), "000000", text);
}

typedef struct
{
  char *lot;
  char *expiry;
  char *gtin;
  char *serum;
  char *cream;
} Trace;

static void
trace_clear (Trace *trace)
{
  g_free (trace->lot);
  g_free (trace->expiry);
  g_free (trace->gtin);
  g_free (trace->serum);
  g_free (trace->cream);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Trace, trace_clear)

/* Checks the traceability fields into @trace, or shows what is wrong. */
static gboolean
check_trace (NmSessionForm *self,
             Trace         *trace)
{
  g_autofree char *expiry_text = NULL;
  g_autofree char *gtin_text = NULL;

  if (!read_gs1_code (self))
    return FALSE;

  trace->lot = row_text (self->lot_row);
  if (trace->lot != NULL && !nm_gs1_lot_is_valid (trace->lot))
    {
      show_problem (self, _("The lot number can have up to 20 letters, digits and the signs "
                            "! \" % & ' ( ) * + , - . / : ; < = > ? _, and no spaces."));
      gtk_widget_add_css_class (GTK_WIDGET (self->lot_row), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->lot_row), "error");

  expiry_text = row_text (self->expiry_row);
  if (expiry_text != NULL)
    {
      trace->expiry = nm_date_entry_parse (&self->style, expiry_text);
      if (trace->expiry == NULL)
        {
          g_autofree char *example = nm_date_entry_format (&self->style, "2027-12-31");
          g_autofree char *problem = NULL;

          /* Translators: the form (“DD.MM.YYYY”), then an example */
          problem = g_strdup_printf (_("The cartridge’s expiry is not a date: type it as %s, for example %s."),
                                     nm_date_entry_hint (&self->style), example);
          show_problem (self, problem);
          gtk_widget_add_css_class (GTK_WIDGET (self->expiry_row), "error");
          return FALSE;
        }
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->expiry_row), "error");

  gtin_text = row_text (self->gtin_row);
  if (gtin_text != NULL)
    {
      trace->gtin = gtin_14 (gtin_text);
      if (trace->gtin == NULL || !nm_gs1_gtin_is_valid (trace->gtin))
        {
          show_problem (self, _("The GTIN is the 8, 12, 13 or 14 digits after (01) on the box, "
                                "the last a check digit: this one does not add up."));
          gtk_widget_add_css_class (GTK_WIDGET (self->gtin_row), "error");
          return FALSE;
        }
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->gtin_row), "error");

  trace->serum = row_text (self->serum_row);
  trace->cream = row_text (self->cream_row);
  return TRUE;
}

static AdwEntryRow *
trace_row (GtkWidget  *group,
           const char *title,
           const char *value,
           int         max_chars)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (row))), max_chars);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (row));
  return row;
}

static void
build_trace (NmSessionForm *self,
             GtkWidget     *box)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *hint, *button;
  GtkEventController *focus;
  g_autofree char *expiry = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Cartridge and Products"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Type or scan the barcode on the cartridge’s box into the lot: "
                                           "its lot, expiry and GTIN fill in."));

  /* a scanned code is longer than the lot it holds: room for it */
  self->lot_row = trace_row (group, _("Cartridge Lot"), nm_session_get_cartridge_lot (self->session), 200);
  g_signal_connect (self->lot_row, "entry-activated", G_CALLBACK (on_lot_activated_cb), self);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_lot_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->lot_row), focus);

  expiry = nm_session_get_cartridge_expiry (self->session) != NULL
           ? nm_date_entry_format (&self->style, nm_session_get_cartridge_expiry (self->session)) : NULL;
  self->expiry_row = trace_row (group, _("Cartridge Expiry"), expiry, 40);
  hint = gtk_label_new (nm_date_entry_hint (&self->style));
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_valign (hint, GTK_ALIGN_CENTER);
  adw_entry_row_add_suffix (self->expiry_row, hint);
  button = nm_date_button_new (GTK_EDITABLE (self->expiry_row), 0, expiry_picked_cb, self);
  adw_entry_row_add_suffix (self->expiry_row, button);
  g_signal_connect (self->expiry_row, "changed", G_CALLBACK (on_trace_date_changed_cb), self);
  g_signal_connect (self->date_row, "changed", G_CALLBACK (on_trace_date_changed_cb), self);

  /* Translators: the Global Trade Item Number under the cartridge's barcode */
  self->gtin_row = trace_row (group, _("Cartridge GTIN"), nm_session_get_cartridge_gtin (self->session), 14);
  self->serum_row = trace_row (group, _("Serum"), nm_session_get_serum (self->session), NM_FILE_MAX_STRING_CHARS);
  self->cream_row = trace_row (group, _("Numbing Cream"), nm_session_get_numbing_cream (self->session),
                               NM_FILE_MAX_STRING_CHARS);
  gtk_box_append (GTK_BOX (box), group);

  self->expiry_warning = GTK_LABEL (gtk_label_new (""));
  gtk_widget_set_name (GTK_WIDGET (self->expiry_warning), "expiry-warning");
  gtk_label_set_wrap (self->expiry_warning, TRUE);
  gtk_label_set_xalign (self->expiry_warning, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->expiry_warning), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_warning), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->expiry_warning));
  update_expiry_warning (self);
}

/**
 * nm_session_form_accept:
 *
 * What the form's Log (or Save) button does: checks what was typed, and
 * when it holds, records it in one undoable step and closes the form. A
 * depth above the plan is asked about first.
 *
 * Returns: whether it was recorded
 */
gboolean
nm_session_form_accept (NmSessionForm *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->date_row));
  g_autofree char *iso = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *device = NULL;
  g_autoptr(GString) above = g_string_new (NULL);
  g_auto(Trace) trace = { 0 };
  GDate date;
  double step = device_step (self);

  g_return_val_if_fail (NM_IS_SESSION_FORM (self), FALSE);

  iso = nm_date_entry_parse (&self->style, typed);
  if (iso == NULL || !nm_date_parse (iso, &date))
    {
      g_autofree char *example = nm_date_entry_format (&self->style, "2026-05-14");
      g_autofree char *problem = NULL;

      /* Translators: what was typed, the form (“DD.MM.YYYY”), an example */
      problem = g_strdup_printf (_("“%s” is not a date: type it as %s, for example %s."),
                                 typed, nm_date_entry_hint (&self->style), example);
      show_problem (self, problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->date_row), "error");
      return FALSE;
    }
  if ((self->mode != NM_SESSION_FORM_EDIT || nm_session_get_done (self->session)) &&
      g_date_valid (&self->today) &&
      g_date_compare (&date, &self->today) > 0)
    {
      show_problem (self, _("A session is logged once it is done: its date cannot be after today."));
      gtk_widget_add_css_class (GTK_WIDGET (self->date_row), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->date_row), "error");
  if (!check_trace (self, &trace))
    return FALSE;

  for (guint i = 0; i < self->spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->spins, i);
      const char *region = g_object_get_data (G_OBJECT (spin), "nm-region");
      const NmPlanRegion *planned = self->plan != NULL ? nm_plan_lookup_region (self->plan, region) : NULL;
      double value = nm_depth_round_to_step (gtk_spin_button_get_value (spin), step);
      double old = 0.0;
      gboolean had = self->editing && nm_session_get_depth (self->session, region, &old);

      if (value <= 0.0)
        continue;
      if ((planned == NULL || !planned->treat) && !(had && ABS (old - value) <= 1e-9))
        {
          g_autofree char *problem = NULL;

          /* Translators: a region of the face or body */
          problem = g_strdup_printf (_("%s is never needled in this plan: set its depth to 0."),
                                     nm_vocab_region_name (region));
          show_problem (self, problem);
          return FALSE;
        }
      if (planned != NULL && planned->treat && value > planned->max_mm + 1e-9 &&
          !(had && value <= old + 1e-9))
        {
          g_autofree char *plan_text = nm_format_mm_range_display (planned->min_mm, planned->max_mm);
          g_autofree char *value_text = nm_format_mm_range_display (value, value);

          /* Translators: a region, the depth entered, the planned range */
          g_string_append_printf (above, _("%s: %s (planned %s)"), nm_vocab_region_name (region),
                                  value_text, plan_text);
          g_string_append_c (above, '\n');
        }
    }
  if (above->len > 0 && !self->confirmed_above)
    {
      confirm_above (self, above->str);
      return FALSE;
    }
  show_problem (self, NULL);

  device = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->device_row))));
  notes = notes_text (self);
  /* what a file can hold (spec §2) */
  if (notes != NULL && g_utf8_strlen (notes, -1) > NM_FILE_MAX_STRING_CHARS)
    {
      g_autofree char *problem = NULL;

      /* Translators: %d is the most characters the notes may have */
      problem = g_strdup_printf (_("The notes are too long: %d characters at most."), NM_FILE_MAX_STRING_CHARS);
      show_problem (self, problem);
      return FALSE;
    }

  nm_consultation_begin_group (self->consultation);
  nm_session_set_date (self->session, iso);
  nm_session_set_device (self->session, device[0] != '\0' ? device : NULL);
  nm_session_set_notes (self->session, notes);
  nm_session_set_cartridge_lot (self->session, trace.lot);
  nm_session_set_cartridge_expiry (self->session, trace.expiry);
  nm_session_set_cartridge_gtin (self->session, trace.gtin);
  nm_session_set_serum (self->session, trace.serum);
  nm_session_set_numbing_cream (self->session, trace.cream);
  for (guint i = 0; i < self->spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->spins, i);
      const char *region = g_object_get_data (G_OBJECT (spin), "nm-region");
      double value = nm_depth_round_to_step (gtk_spin_button_get_value (spin), step);
      double old = 0.0;
      gboolean had = nm_session_get_depth (self->session, region, &old);

      if (value <= 0.0 && had)
        nm_session_unset_depth (self->session, region);
      else if (value > 0.0 && !(had && ABS (old - value) <= 1e-9))
        nm_session_set_depth (self->session, region, value);
    }
  /* done once the form is accepted, never before */
  if (self->mode != NM_SESSION_FORM_EDIT)
    nm_session_set_done (self->session, TRUE);
  if (self->mode == NM_SESSION_FORM_LOG)
    nm_consultation_add_session (self->consultation, self->session);
  nm_consultation_end_group (self->consultation);

  g_signal_emit (self, signals[ACCEPTED], 0, self->session);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

NmSession *
nm_session_form_get_session (NmSessionForm *self)
{
  g_return_val_if_fail (NM_IS_SESSION_FORM (self), NULL);

  return self->session;
}

static void
on_accept_clicked_cb (NmSessionForm *self)
{
  self->confirmed_above = FALSE;
  nm_session_form_accept (self);
}

static void
on_date_activated_cb (AdwEntryRow   *row,
                      NmSessionForm *self)
{
  g_autofree char *iso = nm_date_entry_parse (&self->style, gtk_editable_get_text (GTK_EDITABLE (row)));

  /* shown as the locale writes it, or marked */
  if (iso != NULL)
    {
      g_autofree char *shown = nm_date_entry_format (&self->style, iso);

      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      if (g_strcmp0 (shown, gtk_editable_get_text (GTK_EDITABLE (row))) != 0)
        gtk_editable_set_text (GTK_EDITABLE (row), shown);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

static void
date_picked_cb (GtkEditable *entry,
                gpointer     user_data)
{
  on_date_activated_cb (ADW_ENTRY_ROW (entry), user_data);
}

static GtkWidget *
depth_row (NmSessionForm *self,
           const char    *region)
{
  const NmPlanRegion *planned = self->plan != NULL ? nm_plan_lookup_region (self->plan, region) : NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (NM_SESSION_DEPTH_MIN, NM_SESSION_DEPTH_MAX, 0.05);
  double step = device_step (self);
  double value = 0.0;

  nm_spin_button_guard (GTK_SPIN_BUTTON (spin));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), nm_vocab_region_name (region));
  if (planned != NULL && planned->treat)
    {
      g_autofree char *range = nm_format_mm_range_display (planned->min_mm, planned->max_mm);
      g_autofree char *subtitle = g_strdup_printf (_("Planned %s; depth used in mm"), range);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 _("Never needled in this plan: no depth can be recorded here."));
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
  if (step > 0.0)
    gtk_spin_button_set_increments (GTK_SPIN_BUTTON (spin), step, MAX (step, 0.25));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  if (nm_session_get_depth (self->session, region, &value))
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  else if (self->mode == NM_SESSION_FORM_LOG_BOOKED && planned != NULL && planned->treat)
    /* a booked session is logged with the planned depths, as a new one */
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), nm_depth_round_to_step (planned->min_mm, step));
  g_object_set_data_full (G_OBJECT (spin), "nm-region", g_strdup (region), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  nm_vocab_region_name (region), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  g_ptr_array_add (self->spins, spin);
  return row;
}

static void
build (NmSessionForm      *self,
       const char * const *regions,
       const char         *subtitle)
{
  GtkWidget *toolbar, *header, *title, *cancel, *accept, *scroller, *clamp, *box, *group, *frame;
  g_autofree char *date = NULL;
  GtkWidget *date_button, *hint;
  GtkEventController *shortcuts;

  gtk_window_set_title (GTK_WINDOW (self), self->mode == NM_SESSION_FORM_EDIT ? _("Edit Session")
                                                                              : _("Log Session"));
  gtk_window_set_default_size (GTK_WINDOW (self), 460, 540);

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  title = adw_window_title_new (gtk_window_get_title (GTK_WINDOW (self)), subtitle != NULL ? subtitle : "");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  /* Translators: the button that records a session the form describes
   * (Log) or the changes made to one (Save) */
  accept = gtk_button_new_with_mnemonic (self->mode == NM_SESSION_FORM_EDIT ? _("_Save") : _("_Log"));
  gtk_widget_add_css_class (accept, "suggested-action");
  g_signal_connect_swapped (accept, "clicked", G_CALLBACK (on_accept_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), accept);
  gtk_box_append (GTK_BOX (toolbar), header);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 520);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_box_append (GTK_BOX (toolbar), scroller);

  self->problem = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_wrap (self->problem, TRUE);
  gtk_label_set_xalign (self->problem, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->problem), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->problem), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->problem));

  /* the date, typed as the locale writes dates, or picked */
  group = adw_preferences_group_new ();
  self->date_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->date_row), _("Date"));
  date = nm_date_entry_format (&self->style, nm_session_get_date (self->session));
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), date);
  hint = gtk_label_new (nm_date_entry_hint (&self->style));
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_valign (hint, GTK_ALIGN_CENTER);
  adw_entry_row_add_suffix (self->date_row, hint);
  date_button = nm_date_button_new (GTK_EDITABLE (self->date_row), 0, date_picked_cb, self);
  adw_entry_row_add_suffix (self->date_row, date_button);
  g_signal_connect (self->date_row, "entry-activated", G_CALLBACK (on_date_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->date_row));
  gtk_box_append (GTK_BOX (box), group);

  /* each region's depth, pre-filled */
  if (regions != NULL && regions[0] != NULL)
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Depth Used"));
      for (guint r = 0; regions[r] != NULL; r++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), depth_row (self, regions[r]));
      gtk_box_append (GTK_BOX (box), group);
    }

  group = adw_preferences_group_new ();
  self->device_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->device_row), _("Device"));
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->device_row))),
                           NM_FILE_MAX_STRING_CHARS);
  gtk_editable_set_text (GTK_EDITABLE (self->device_row),
                         nm_session_get_device (self->session) != NULL ? nm_session_get_device (self->session) : "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->device_row));
  gtk_box_append (GTK_BOX (box), group);
  build_trace (self, box);

  /* notes over several lines */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Notes"));
  self->notes = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->notes, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (self->notes, FALSE);
  gtk_text_view_set_top_margin (self->notes, 8);
  gtk_text_view_set_bottom_margin (self->notes, 8);
  gtk_text_view_set_left_margin (self->notes, 8);
  gtk_text_view_set_right_margin (self->notes, 8);
  gtk_widget_set_size_request (GTK_WIDGET (self->notes), -1, 96);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->notes), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Notes"), -1);
  if (nm_session_get_notes (self->session) != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->notes), nm_session_get_notes (self->session), -1);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->notes));
  gtk_widget_add_css_class (frame, "view");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);
  gtk_box_append (GTK_BOX (box), group);

  adw_window_set_content (ADW_WINDOW (self), toolbar);
  gtk_window_set_default_widget (GTK_WINDOW (self), accept);

  /* Escape cancels */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

static void
nm_session_form_dispose (GObject *object)
{
  NmSessionForm *self = NM_SESSION_FORM (object);

  g_clear_object (&self->consultation);
  g_clear_object (&self->session);
  g_clear_pointer (&self->plan, nm_plan_unref);
  g_clear_pointer (&self->spins, g_ptr_array_unref);

  G_OBJECT_CLASS (nm_session_form_parent_class)->dispose (object);
}

static void
nm_session_form_class_init (NmSessionFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nm_session_form_dispose;

  /**
   * NmSessionForm::accepted:
   * @session: the session logged or edited
   *
   * The form was accepted: @session is in the consultation as typed.
   */
  signals[ACCEPTED] = g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, NM_TYPE_SESSION);
}

static void
nm_session_form_init (NmSessionForm *self)
{
  g_date_clear (&self->today, 1);
  nm_date_entry_style_for_locale (&self->style);
  self->spins = g_ptr_array_new ();
}

/**
 * nm_session_form_new:
 * @parent: the window it belongs to
 * @session: with %NM_SESSION_FORM_LOG, a draft of the session to log
 *   (dated, its depths pre-filled), of no consultation; else a session of
 *   the log, to log as done (a booked one) or to edit
 * @mode: what accepting the form does
 * @regions: the regions whose depth the form asks for
 * @subtitle: (nullable): which session it is, as the log names it
 * @today: (nullable): today, after which nothing is logged as done
 *
 * Returns: (transfer none): the form, modal over @parent; shown with
 *   gtk_window_present()
 */
NmSessionForm *
nm_session_form_new (GtkWindow          *parent,
                     NmConsultation     *consultation,
                     NmPlan             *plan,
                     NmSession          *session,
                     NmSessionFormMode   mode,
                     const char * const *regions,
                     const char         *subtitle,
                     const GDate        *today)
{
  NmSessionForm *self;

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);
  g_return_val_if_fail (NM_IS_SESSION (session), NULL);

  self = g_object_new (NM_TYPE_SESSION_FORM,
                       "modal", TRUE,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  nm_window_let_go_of_parent_early (GTK_WINDOW (self));
  self->consultation = g_object_ref (consultation);
  self->plan = plan != NULL ? nm_plan_ref (plan) : NULL;
  self->session = g_object_ref (session);
  self->mode = mode;
  self->editing = mode != NM_SESSION_FORM_LOG;
  if (today != NULL && g_date_valid (today))
    self->today = *today;
  build (self, regions, subtitle);
  return self;
}
