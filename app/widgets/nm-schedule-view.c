/* nm-schedule-view.c: the series timeline and the session log
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
#include <string.h>

#include "nm-client-panel.h"
#include "nm-file.h"
#include "nm-message-dialog.h"
#include "nm-render-schedule.h"
#include "nm-schedule-view.h"
#include "nm-spin-guard.h"
#include "nm-session-form.h"
#include "nm-vocab.h"

/* Above, the timeline (nm_render_schedule() in a canvas's snapshot); below,
 * the session log: one expandable row per logged session with its date,
 * whether it was done, the depth actually used per region, the device and
 * notes. Every edit goes through the model, so it is undoable. The list is
 * rebuilt only when its shape changes (sessions added, removed, moved to
 * another series), so a spin button is never destroyed while in use.
 *
 * Depths are checked as they are entered: each is rounded to the device's
 * step and stored as that exact multiple; a region the plan never needles
 * takes none; one above the region's planned maximum is recorded only when
 * the practitioner confirms it. Under each region, the planned depth of
 * each of its findings: keep shallow over the melasma. */

#define NM_TYPE_SCHEDULE_CANVAS (nm_schedule_canvas_get_type ())
G_DECLARE_FINAL_TYPE (NmScheduleCanvas, nm_schedule_canvas, NM, SCHEDULE_CANVAS, GtkWidget)

struct _NmScheduleCanvas
{
  GtkWidget       parent_instance;
  NmConsultation *consultation;
  NmPlan         *plan;
  GDate           today;
};

G_DEFINE_FINAL_TYPE (NmScheduleCanvas, nm_schedule_canvas, GTK_TYPE_WIDGET)

/* The smallest text the timeline draws, in pixels at 1× */
#define CANVAS_MIN_TEXT_PX 11.0

/* The timeline's font size in pixels: the widget's own font (the desktop's
 * text size), or larger, so that its smallest text is readable. */
static double
canvas_font_px (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *desc = pango_context_get_font_description (context);
  double px = 0;

  if (desc != NULL && (pango_font_description_get_set_fields (desc) & PANGO_FONT_MASK_SIZE) != 0)
    {
      double size = (double) pango_font_description_get_size (desc) / PANGO_SCALE;
      double dpi = pango_cairo_context_get_resolution (context);

      px = pango_font_description_get_size_is_absolute (desc) ? size : size * (dpi > 0 ? dpi : 96.0) / 72.0;
    }
  return MAX (px, CANVAS_MIN_TEXT_PX / NM_SCHEDULE_SMALLEST_TEXT);
}

static void
nm_schedule_canvas_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  NmScheduleCanvas *self = NM_SCHEDULE_CANVAS (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  NmScheduleStyle style = { 0 };
  cairo_t *cr;

  if (self->plan == NULL || w <= 0 || h <= 0)
    return;

  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  style.font_size = canvas_font_px (widget);
  style.show_legend = TRUE;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  nm_render_schedule (cr, self->consultation, self->plan,
                      g_date_valid (&self->today) ? &self->today : NULL, w, h, &style);
  cairo_destroy (cr);
}

static void
nm_schedule_canvas_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  NmScheduleCanvas *self = NM_SCHEDULE_CANVAS (widget);

  double fs = canvas_font_px (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int) (fs * 34);
  else if (self->plan == NULL)
    *minimum = *natural = 0;
  else if (for_size > 0)
    /* the key of the phases takes more rows when narrow */
    *minimum = *natural = (int) ceil (nm_render_schedule_natural_height_for_width (self->plan, fs, for_size));
  else
    *minimum = *natural = (int) ceil (nm_render_schedule_natural_height (self->plan, fs));
}

static GtkSizeRequestMode
nm_schedule_canvas_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/**
 * _nm_schedule_view_get_font_px:
 *
 * The font size the timeline is drawn with, in pixels (for tests).
 */
double
_nm_schedule_view_get_font_px (NmScheduleView *self)
{
  return canvas_font_px (GTK_WIDGET (self));
}

static void
nm_schedule_canvas_dispose (GObject *object)
{
  NmScheduleCanvas *self = NM_SCHEDULE_CANVAS (object);

  g_clear_object (&self->consultation);
  g_clear_pointer (&self->plan, nm_plan_unref);
  G_OBJECT_CLASS (nm_schedule_canvas_parent_class)->dispose (object);
}

static void
nm_schedule_canvas_class_init (NmScheduleCanvasClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = nm_schedule_canvas_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = nm_schedule_canvas_measure;
  GTK_WIDGET_CLASS (klass)->get_request_mode = nm_schedule_canvas_get_request_mode;
  G_OBJECT_CLASS (klass)->dispose = nm_schedule_canvas_dispose;
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nm_schedule_canvas_init (NmScheduleCanvas *self)
{
  g_date_clear (&self->today, 1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

struct _NmScheduleView
{
  GtkWidget         parent_instance;

  NmConsultation   *consultation;
  NmPlan           *plan;
  GDate             today;
  char             *shape;     /* what the session list was built from */

  GtkWidget        *scroller;
  NmScheduleCanvas *canvas;
  GtkWidget        *log_group;
  GPtrArray        *rows;      /* AdwExpanderRow per session, in log order */
  guint             first_row; /* the session of rows[0]: the older ones are
                                * behind the Show Earlier button */
  gboolean          show_all;  /* that button was clicked */
  GtkWidget        *earlier;   /* the button's row, or NULL */
  NmSession        *expand;    /* just logged: its row opens to be checked */
  gboolean          syncing;   /* fields being set from the model */
  NmDateEntryStyle  date_style;
  GtkListBox       *appointments;   /* in the Appointment Times popover */
};

G_DEFINE_FINAL_TYPE (NmScheduleView, nm_schedule_view, GTK_TYPE_WIDGET)

static NmSession *
row_session (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "nm-session");
}

/* A session's date, typed as the locale writes dates (or as ISO), stored
 * as ISO. */
static void
on_date_apply_cb (AdwEntryRow    *row,
                  NmScheduleView *self)
{
  g_autofree char *iso = nm_date_entry_parse (&self->date_style, gtk_editable_get_text (GTK_EDITABLE (row)));
  NmSession *session = row_session (GTK_WIDGET (row));

  if (iso != NULL)
    {
      g_autofree char *shown = nm_date_entry_format (&self->date_style, iso);

      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      if (g_strcmp0 (nm_session_get_date (session), iso) != 0)
        nm_session_set_date (session, iso);
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), shown) != 0)
        gtk_editable_set_text (GTK_EDITABLE (row), shown);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

static void
on_done_cb (GtkSwitch  *sw,
            GParamSpec *pspec,
            gpointer    user_data)
{
  NmSession *session = row_session (GTK_WIDGET (sw));

  if (nm_session_get_done (session) != gtk_switch_get_active (sw))
    nm_session_set_done (session, gtk_switch_get_active (sw));
}

/**
 * nm_depth_round_to_step:
 * @depth_mm: a depth
 * @step_mm: the device's step; 0 or less rounds to hundredths
 *
 * The whole number of device steps nearest to @depth_mm, as the decimal it
 * is: 0.65 mm with a 0.05 mm step is 0.65, never 0.6500000000000001, and
 * with a 0.25 mm step 0.75.
 *
 * Returns: the depth in mm, within NM_SESSION_DEPTH_MIN–NM_SESSION_DEPTH_MAX
 */
double
nm_depth_round_to_step (double depth_mm,
                        double step_mm)
{
  double steps;

  if (!isfinite (depth_mm))
    return NM_SESSION_DEPTH_MIN;
  if (!(step_mm > 0.0))
    step_mm = 0.01;
  steps = round (depth_mm / step_mm);
  /* thousandths: no device step is finer, and the product's binary noise
   * goes */
  return CLAMP (round (steps * step_mm * 1000.0) / 1000.0, NM_SESSION_DEPTH_MIN, NM_SESSION_DEPTH_MAX);
}

/* The step of the device the plan was made for; the consultation's when
 * the plan does not say. */
static double
device_step (NmScheduleView *self)
{
  double step = self->plan != NULL ? nm_plan_get_device_step_mm (self->plan) : 0.0;

  if (step <= 0.0 && self->consultation != NULL)
    step = nm_consultation_get_device_step_mm (self->consultation);
  return step;
}

static const NmPlanRegion *
planned_region (NmScheduleView *self,
                const char     *region)
{
  return self->plan != NULL ? nm_plan_lookup_region (self->plan, region) : NULL;
}

static gboolean
never_needled (NmScheduleView *self,
               const char     *region)
{
  const NmPlanRegion *planned = planned_region (self, region);

  return planned == NULL || !planned->treat;
}

/* Shows @value in @spin without it being taken for an edit. */
static void
show_depth (NmScheduleView *self,
            GtkSpinButton  *spin,
            double          value)
{
  if (ABS (gtk_spin_button_get_value (spin) - value) <= 1e-9)
    return;
  self->syncing = TRUE;
  gtk_spin_button_set_value (spin, value);
  self->syncing = FALSE;
}

static double
stored_depth (GtkSpinButton *spin)
{
  double value = 0.0;

  nm_session_get_depth (row_session (GTK_WIDGET (spin)), g_object_get_data (G_OBJECT (spin), "nm-region"),
                        &value);
  return value;
}

/* The row's words: the planned depth and each finding's depth under it, or
 * why nothing can be recorded here. */
static void
update_depth_row (NmScheduleView *self,
                  GtkSpinButton  *spin)
{
  AdwActionRow *row = g_object_get_data (G_OBJECT (spin), "nm-row");
  const char *region = g_object_get_data (G_OBJECT (spin), "nm-region");
  const NmPlanRegion *planned = planned_region (self, region);
  NmSession *session = row_session (GTK_WIDGET (spin));
  g_autoptr(GString) subtitle = g_string_new (NULL);
  double step = device_step (self);
  double value = 0.0;
  gboolean logged = nm_session_get_depth (session, region, &value);
  gboolean problem = FALSE;

  if (planned == NULL || !planned->treat)
    {
      g_string_append (subtitle, _("Never needled in this plan: no depth can be recorded here."));
      if (logged)
        g_string_append_printf (subtitle, " %s", _("Set the depth to 0 to remove this one."));
      problem = logged || g_object_get_data (G_OBJECT (spin), "nm-refused") != NULL;
    }
  else
    {
      g_autofree char *depth = nm_format_mm_range_display (planned->min_mm, planned->max_mm);

      g_string_append_printf (subtitle, _("Planned %s; depth used in mm"), depth);
      if (logged && value > planned->max_mm + 1e-9)
        {
          g_string_append_printf (subtitle, "\n%s", _("Recorded above the plan"));
          problem = TRUE;
        }
      /* each finding at its own depth where it lies, when the region has
       * more than one or one is held shallower */
      for (guint f = 0; f < planned->n_finding_depths; f++)
        {
          const NmPlanFindingDepth *fd = &planned->finding_depths[f];
          g_autofree char *line = NULL;

          if (planned->n_finding_depths == 1 && fd->treat &&
              ABS (fd->min_mm - planned->min_mm) < 1e-9 && ABS (fd->max_mm - planned->max_mm) < 1e-9)
            continue;
          if (!fd->treat)
            /* Translators: a finding of the region, for example “Melasma: not needled where it lies” */
            line = g_strdup_printf (_("%s: not needled where it lies"), nm_vocab_kind_name (fd->kind));
          else
            {
              g_autofree char *range = nm_format_mm_range_display (fd->min_mm, fd->max_mm);

              if (fd->max_mm < planned->max_mm - 1e-9)
                /* Translators: a finding of the region held shallower, for
                 * example “Melasma: keep to 0.25–0.5 mm over it” */
                line = g_strdup_printf (_("%s: keep to %s over it"), nm_vocab_kind_name (fd->kind), range);
              else
                line = g_strdup_printf ("%s: %s", nm_vocab_kind_name (fd->kind), range);
            }
          g_string_append_printf (subtitle, "\n%s", line);
        }
    }

  adw_action_row_set_subtitle (row, subtitle->str);
  if (problem)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (step > 0.0)
    gtk_spin_button_set_increments (spin, step, MAX (step, 0.25));
}

typedef struct
{
  GWeakRef   view;
  GWeakRef   spin;
  NmSession *session;
  char      *region;
  double     value;
} DepthConfirmation;

static void
depth_confirmation_free (gpointer data,
                         GClosure *closure)
{
  DepthConfirmation *confirm = data;

  g_weak_ref_clear (&confirm->view);
  g_weak_ref_clear (&confirm->spin);
  g_object_unref (confirm->session);
  g_free (confirm->region);
  g_free (confirm);
}

static void
on_depth_confirmed_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       DepthConfirmation *confirm)
{
  g_autoptr(NmScheduleView) self = g_weak_ref_get (&confirm->view);
  g_autoptr(GtkSpinButton) spin = g_weak_ref_get (&confirm->spin);

  if (g_strcmp0 (response, "record") == 0)
    nm_session_set_depth (confirm->session, confirm->region, confirm->value);
  if (self != NULL && spin != NULL)
    {
      show_depth (self, spin, stored_depth (spin));
      update_depth_row (self, spin);
    }
}

static void
confirm_depth (NmScheduleView     *self,
               GtkSpinButton      *spin,
               const NmPlanRegion *planned,
               double              value)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (spin));
  DepthConfirmation *confirm = g_new0 (DepthConfirmation, 1);
  g_autofree char *plan_text = nm_format_mm_range_display (planned->min_mm, planned->max_mm);
  g_autofree char *value_text = nm_format_mm_range_display (value, value);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: the region, its planned depth range, the depth entered */
  body = g_strdup_printf (_("The plan for %s is %s. Record %s anyway? The plan will then warn "
                            "that a session went deeper than planned."),
                          nm_vocab_region_name (planned->region), plan_text, value_text);
  dialog = nm_depth_above_plan_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, body);

  g_weak_ref_init (&confirm->view, self);
  g_weak_ref_init (&confirm->spin, spin);
  confirm->session = g_object_ref (row_session (GTK_WIDGET (spin)));
  confirm->region = g_strdup (planned->region);
  confirm->value = value;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_depth_confirmed_cb), confirm,
                         depth_confirmation_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
release_widget_cb (gpointer data)
{
  g_object_unref (data);
}

static void
on_depth_cb (GtkSpinButton  *spin,
             NmScheduleView *self)
{
  NmSession *session = row_session (GTK_WIDGET (spin));
  const char *region = g_object_get_data (G_OBJECT (spin), "nm-region");
  const NmPlanRegion *planned = planned_region (self, region);
  double value, current = 0.0;
  gboolean logged;

  if (self->syncing)
    return;

  /* Taking a depth away may take its row away (a region outside the
   * series is shown only while the log has a depth for it): the spin
   * button outlives its own signal. */
  g_idle_add_once (release_widget_cb, g_object_ref (spin));

  logged = nm_session_get_depth (session, region, &current);
  value = nm_depth_round_to_step (gtk_spin_button_get_value (spin), device_step (self));
  g_object_set_data (G_OBJECT (spin), "nm-refused", NULL);

  /* 0: this region was not needled in this session */
  if (value <= 0.0)
    {
      if (logged)
        nm_session_unset_depth (session, region);
      show_depth (self, spin, 0.0);
    }
  else if (logged && ABS (current - value) <= 1e-9)
    show_depth (self, spin, current);
  else if (never_needled (self, region))
    {
      /* refused, and said so in the row */
      g_object_set_data (G_OBJECT (spin), "nm-refused", GINT_TO_POINTER (TRUE));
      show_depth (self, spin, logged ? current : 0.0);
      gtk_widget_error_bell (GTK_WIDGET (spin));
    }
  else if (value > planned->max_mm + 1e-9 && (!logged || value > current + 1e-9))
    {
      show_depth (self, spin, value);
      confirm_depth (self, spin, planned, value);
    }
  else
    {
      nm_session_set_depth (session, region, value);
      show_depth (self, spin, value);
    }
  update_depth_row (self, spin);
}

/* An empty field is no text: applying it again changes nothing. */
static const char *
row_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return text[0] != '\0' ? text : NULL;
}

static void
on_device_apply_cb (AdwEntryRow *row,
                    gpointer     user_data)
{
  NmSession *session = row_session (GTK_WIDGET (row));

  if (g_strcmp0 (nm_session_get_device (session), row_text (row)) != 0)
    nm_session_set_device (session, row_text (row));
}

static void
on_remove_cb (GtkButton      *button,
              NmScheduleView *self)
{
  NmSession *session = row_session (GTK_WIDGET (button));

  if (self->consultation != NULL)
    nm_consultation_remove_session (self->consultation, session);
}

static void
set_session (GtkWidget *widget,
             NmSession *session)
{
  g_object_set_data_full (G_OBJECT (widget), "nm-session", g_object_ref (session), g_object_unref);
}

static GtkWidget *
entry_row (const char *title,
           const char *field,
           const char *text,
           NmSession  *session,
           GCallback   apply,
           gpointer    apply_data)
{
  GtkWidget *row = adw_entry_row_new ();

  g_object_set_data (G_OBJECT (row), "nm-field", (gpointer) field);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (row))),
                           NM_FILE_MAX_STRING_CHARS);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  set_session (row, session);
  g_signal_connect (row, "apply", apply, apply_data);
  return row;
}

/* The notes in a session's row, over several lines as they were typed:
 * applied when the focus leaves them (or before a save), one undo step. */
static char *
notes_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
apply_notes (GtkTextView *view)
{
  NmSession *session = row_session (GTK_WIDGET (view));
  g_autofree char *text = notes_view_text (view);
  const char *notes = text[0] != '\0' ? text : NULL;

  if (session == NULL)
    return;
  /* what a file can hold (spec §2): said, not cut */
  if (notes != NULL && g_utf8_strlen (notes, -1) > NM_FILE_MAX_STRING_CHARS)
    {
      gtk_widget_add_css_class (GTK_WIDGET (view), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (view), "error");
  if (g_strcmp0 (nm_session_get_notes (session), notes) != 0)
    nm_session_set_notes (session, notes);
}

/* Typed or pasted, no more than a file can hold (spec §2), as the other
 * fields: what goes past the limit is not inserted. */
static void
on_notes_inserted_cb (GtkTextBuffer *buffer,
                      GtkTextIter   *location,
                      const char    *text,
                      int            len,
                      gpointer       user_data)
{
  int excess = gtk_text_buffer_get_char_count (buffer) - NM_FILE_MAX_STRING_CHARS;
  GtkTextIter start;

  if (excess <= 0)
    return;
  start = *location;
  gtk_text_iter_backward_chars (&start, excess);
  gtk_text_buffer_delete (buffer, &start, location);
  gtk_widget_error_bell (GTK_WIDGET (user_data));
}

static void
on_notes_leave_cb (GtkEventControllerFocus *focus,
                   gpointer                 user_data)
{
  apply_notes (GTK_TEXT_VIEW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus))));
}

static GtkWidget *
notes_row (NmSession *session)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (_("Notes"));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_widget_add_css_class (title, "caption");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 48);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Notes"), -1);
  if (nm_session_get_notes (session) != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), nm_session_get_notes (session), -1);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "insert-text",
                           G_CALLBACK (on_notes_inserted_cb), view, G_CONNECT_AFTER);
  set_session (view, session);
  g_object_set_data (G_OBJECT (view), "nm-field", (gpointer) "notes");
  g_signal_connect (focus, "leave", G_CALLBACK (on_notes_leave_cb), NULL);
  gtk_widget_add_controller (view, focus);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_widget_add_css_class (frame, "view");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  set_session (row, session);
  return row;
}

static const NmPlanSeries *
slot_series (NmScheduleView       *self,
             const NmScheduleSlot *slot)
{
  if (self->plan == NULL || slot->series < 0 || (guint) slot->series >= nm_plan_get_n_series (self->plan))
    return NULL;
  return nm_plan_get_series (self->plan, (guint) slot->series);
}

static void
update_row_titles (NmScheduleView *self,
                   GArray         *slots)
{
  for (guint i = 0; i < self->rows->len && self->first_row + i < slots->len; i++)
    {
      AdwExpanderRow *row = g_ptr_array_index (self->rows, i);
      NmSession *session = row_session (GTK_WIDGET (row));
      const NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, self->first_row + i);
      const NmPlanSeries *series = slot_series (self, slot);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *date = NULL;
      GDate d;

      if (series != NULL && slot->number <= series->sessions)
        title = g_strdup_printf (_("%s: session %u of %u"), series->label, slot->number, series->sessions);
      else if (series != NULL)
        title = g_strdup_printf (_("%s: extra session"), series->label);
      else
        title = g_strdup (_("Session"));
      date = nm_date_parse (nm_session_get_date (session), &d) ? nm_render_format_date (&d)
                                                                : g_strdup (nm_session_get_date (session));
      if (nm_session_get_time (session) != NULL)
        subtitle = g_strdup_printf ("%s · %s · %s", date, nm_session_get_time (session),
                                    nm_session_get_done (session) ? _("done") : _("booked"));
      else
        subtitle = g_strdup_printf ("%s · %s", date, nm_session_get_done (session) ? _("done") : _("booked"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (row, subtitle);
    }
}

static void on_edit_cb (GtkButton      *button,
                        NmScheduleView *self);

/* The fields inside a session's row: its date, whether it was done, a
 * depth per region, the device, the notes and Remove (about 150 widgets).
 * Built when the row first opens, or at once for the latest sessions (see
 * session_row()), so a long log costs one closed row per session. */
static void
fill_session_row (NmScheduleView *self,
                  GtkWidget      *row)
{
  NmSession *session = row_session (row);
  NmScheduleSlot slot = { 0, };
  const NmPlanSeries *series;
  g_auto(GStrv) logged = NULL;
  g_autoptr(GPtrArray) regions = g_ptr_array_new ();
  GtkWidget *done_row, *sw, *remove_row, *remove;

  if (session == NULL || g_object_get_data (G_OBJECT (row), "nm-filled") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "nm-filled", GINT_TO_POINTER (TRUE));
  slot.series = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "nm-series")) - 1;
  series = slot_series (self, &slot);
  logged = nm_session_dup_depth_regions (session);

  {
    g_autofree char *date = nm_date_entry_format (&self->date_style, nm_session_get_date (session));
    GtkWidget *date_row = entry_row (_("Date"), "date", date, session, G_CALLBACK (on_date_apply_cb), self);

    gtk_widget_set_tooltip_text (date_row, nm_date_entry_hint (&self->date_style));
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), date_row);
  }

  done_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (done_row), _("Done"));
  sw = gtk_switch_new ();
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (sw), nm_session_get_done (session));
  set_session (sw, session);
  g_object_set_data (G_OBJECT (sw), "nm-field", (gpointer) "done");
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_done_cb), NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (done_row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (done_row), sw);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), done_row);

  /* the series' regions, and any other region the log recorded */
  for (guint r = 0; series != NULL && series->regions[r] != NULL; r++)
    g_ptr_array_add (regions, series->regions[r]);
  for (guint r = 0; logged[r] != NULL; r++)
    if (!g_ptr_array_find_with_equal_func (regions, logged[r], g_str_equal, NULL))
      g_ptr_array_add (regions, logged[r]);

  for (guint r = 0; r < regions->len; r++)
    {
      const char *region = g_ptr_array_index (regions, r);
      GtkWidget *depth_row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (NM_SESSION_DEPTH_MIN, NM_SESSION_DEPTH_MAX, 0.05);
      double value = 0;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (depth_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (depth_row), nm_vocab_region_name (region));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (depth_row), 0);
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
      nm_spin_button_guard (GTK_SPIN_BUTTON (spin));
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      if (nm_session_get_depth (session, region, &value))
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
      set_session (spin, session);
      g_object_set_data (G_OBJECT (spin), "nm-field", (gpointer) "depth");
      g_object_set_data (G_OBJECT (spin), "nm-row", depth_row);
      g_object_set_data_full (G_OBJECT (spin), "nm-region", g_strdup (region), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      nm_vocab_region_name (region), -1);
      g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_depth_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (depth_row), spin);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), depth_row);
      update_depth_row (self, GTK_SPIN_BUTTON (spin));
    }

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            entry_row (_("Device"), "device", nm_session_get_device (session), session,
                                       G_CALLBACK (on_device_apply_cb), NULL));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), notes_row (session));

  remove_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (remove_row), _("Remove this session from the log"));
  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  set_session (remove, session);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (remove_row), remove);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), remove_row);
}

static void
on_session_row_expanded_cb (GtkWidget      *row,
                            GParamSpec     *pspec,
                            NmScheduleView *self)
{
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
    fill_session_row (self, row);
}

/* The latest 50 sessions have rows, the latest 10 filled at once and the
 * others when they are opened; the earlier ones have theirs when Show All
 * is clicked (issue 13: 1,000 sessions of 150 widgets each took two
 * gigabytes and half a minute to open). */
#define SHOWN_SESSION_ROWS 50
#define FILLED_SESSION_ROWS 10

static void nm_schedule_view_refresh (NmScheduleView *self);

static void
show_all_sessions (NmScheduleView *self)
{
  if (self->show_all)
    return;
  self->show_all = TRUE;
  g_clear_pointer (&self->shape, g_free);
  nm_schedule_view_refresh (self);
}

static void
on_earlier_clicked_cb (GtkButton      *button,
                       NmScheduleView *self)
{
  show_all_sessions (self);
}

static GtkWidget *
earlier_row (NmScheduleView *self,
             guint           n)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *title = NULL;

  /* Translators: above the latest sessions of a long log */
  title = g_strdup_printf (ngettext ("%u earlier session", "%u earlier sessions", n), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Translators: a button: shows the rows of the earlier sessions */
  button = gtk_button_new_with_mnemonic (_("Show _All"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_earlier_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  return row;
}

static GtkWidget *
session_row (NmScheduleView       *self,
             NmSession            *session,
             const NmScheduleSlot *slot,
             gboolean              fill)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *edit;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  set_session (row, session);
  g_object_set_data (G_OBJECT (row), "nm-series", GINT_TO_POINTER (slot->series + 1));

  edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  /* Translators: a tooltip: opens the session's form */
  gtk_widget_set_tooltip_text (edit, _("Edit Session…"));
  set_session (edit, session);
  g_signal_connect_object (edit, "clicked", G_CALLBACK (on_edit_cb), self, 0);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), edit);

  if (fill)
    fill_session_row (self, row);
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (on_session_row_expanded_cb), self, 0);
  return row;
}

/* Shows the model's values in the fields of a row that was kept (its shape
 * did not change): after an undo, say. The field being typed in is left
 * alone; setting a field to the model's value records no edit, since each
 * handler compares first. */
static void
sync_fields (NmScheduleView *self,
             GtkWidget      *widget,
             GtkWidget      *focus)
{
  const char *field = g_object_get_data (G_OBJECT (widget), "nm-field");
  NmSession *session = row_session (widget);

  /* the plan under a kept row may have changed */
  if (field != NULL && session != NULL && g_str_equal (field, "depth"))
    update_depth_row (self, GTK_SPIN_BUTTON (widget));

  if (field != NULL && session != NULL &&
      (focus == NULL || (focus != widget && !gtk_widget_is_ancestor (focus, widget))))
    {
      if (g_str_equal (field, "done"))
        gtk_switch_set_active (GTK_SWITCH (widget), nm_session_get_done (session));
      else if (g_str_equal (field, "notes"))
        {
          g_autofree char *shown = notes_view_text (GTK_TEXT_VIEW (widget));
          const char *notes = nm_session_get_notes (session);

          if (g_strcmp0 (shown, notes != NULL ? notes : "") != 0)
            gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)),
                                      notes != NULL ? notes : "", -1);
        }
      else if (g_str_equal (field, "depth"))
        {
          double value = 0.0;

          nm_session_get_depth (session, g_object_get_data (G_OBJECT (widget), "nm-region"), &value);
          show_depth (self, GTK_SPIN_BUTTON (widget), value);
        }
      else
        {
          g_autofree char *date = g_str_equal (field, "date")
                                  ? nm_date_entry_format (&self->date_style, nm_session_get_date (session))
                                  : NULL;
          const char *text = date != NULL ? date : nm_session_get_device (session);

          if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text != NULL ? text : "") != 0)
            gtk_editable_set_text (GTK_EDITABLE (widget), text != NULL ? text : "");
        }
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    sync_fields (self, child, focus);
}

static char *
list_shape (NmScheduleView *self,
            GArray         *slots)
{
  GString *shape = g_string_new (NULL);

  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      NmSession *session = nm_consultation_get_session (self->consultation, i);
      const NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, i);
      const NmPlanSeries *series = slot_series (self, slot);
      g_auto(GStrv) regions = nm_session_dup_depth_regions (session);
      g_autofree char *series_regions = series != NULL ? g_strjoinv (",", series->regions) : g_strdup ("");

      /* a row per series region always; logged regions outside the series
       * add rows of their own */
      g_string_append_printf (shape, "%p/%d/%s/", (void *) session, slot->series, series_regions);
      for (guint r = 0; regions[r] != NULL; r++)
        if (series == NULL || !g_strv_contains ((const char * const *) series->regions, regions[r]))
          g_string_append_printf (shape, "%s,", regions[r]);
      g_string_append_c (shape, ';');
    }
  return g_string_free (shape, FALSE);
}

static void
nm_schedule_view_refresh (NmScheduleView *self)
{
  g_autoptr(GArray) slots = NULL;
  g_autofree char *shape = NULL;

  g_set_object (&self->canvas->consultation, self->consultation);
  g_clear_pointer (&self->canvas->plan, nm_plan_unref);
  if (self->plan != NULL)
    self->canvas->plan = nm_plan_ref (self->plan);
  self->canvas->today = self->today;
  gtk_widget_queue_resize (GTK_WIDGET (self->canvas));
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));

  if (self->consultation != NULL && self->plan != NULL)
    slots = nm_schedule_match_sessions (self->consultation, self->plan);
  shape = list_shape (self, slots);

  if (g_strcmp0 (shape, self->shape) != 0)
    {
      guint n = slots != NULL ? slots->len : 0;

      for (guint i = 0; i < self->rows->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->log_group),
                                      g_ptr_array_index (self->rows, i));
      g_ptr_array_set_size (self->rows, 0);
      if (self->earlier != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->log_group), self->earlier);
      self->earlier = NULL;

      /* the latest sessions, and any older one that is to open */
      self->first_row = self->show_all || n <= SHOWN_SESSION_ROWS ? 0 : n - SHOWN_SESSION_ROWS;
      for (guint i = 0; i < self->first_row; i++)
        if (nm_consultation_get_session (self->consultation, i) == self->expand)
          self->first_row = 0;
      if (self->first_row > 0)
        {
          self->earlier = earlier_row (self, self->first_row);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->log_group), self->earlier);
        }
      for (guint i = self->first_row; i < n; i++)
        {
          NmSession *session = nm_consultation_get_session (self->consultation, i);
          GtkWidget *row = session_row (self, session, &g_array_index (slots, NmScheduleSlot, i),
                                        i + FILLED_SESSION_ROWS >= n);

          /* a session just logged opens, so its date, whether it was done
           * and its depths are checked where they are shown */
          if (session == self->expand)
            {
              adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
              g_clear_object (&self->expand);
            }
          g_ptr_array_add (self->rows, row);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->log_group), row);
        }
      g_free (self->shape);
      self->shape = g_steal_pointer (&shape);
    }
  else
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      for (guint i = 0; i < self->rows->len; i++)
        sync_fields (self, g_ptr_array_index (self->rows, i), focus);
    }
  if (slots != NULL)
    update_row_titles (self, slots);

  gtk_widget_set_visible (self->log_group, self->consultation != NULL);
}

static void
date_to_iso (const GDate *date,
             char         iso[16])
{
  g_snprintf (iso, 16, "%04u-%02u-%02u", (guint) g_date_get_year (date),
              (guint) g_date_get_month (date), (guint) g_date_get_day (date));
}

/* Opens the row of @session, scrolled into sight, so that what it holds is
 * checked where it is shown. */
static void
open_session_row (NmScheduleView *self,
                  NmSession      *session)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkAdjustment *adjustment;
      graphene_point_t point;

      if (row_session (row) != session)
        continue;
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      gtk_widget_grab_focus (row);
      adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
      if (gtk_widget_compute_point (row, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->scroller)),
                                    &GRAPHENE_POINT_INIT (0, 0), &point))
        gtk_adjustment_set_value (adjustment, point.y);
      return;
    }
  /* an earlier session: its row is behind Show All */
  if (!self->show_all && self->first_row > 0)
    {
      show_all_sessions (self);
      open_session_row (self, session);
    }
}

/* The series whose next planned session is not in the log yet and comes
 * first, and that planned date; with @skip (indexed by series), only among
 * the series not skipped. */
static const NmPlanSeries *
next_planned (NmScheduleView *self,
              GArray         *slots,
              const gboolean *skip,
              GDate          *date)
{
  g_autofree guint *logged = g_new0 (guint, nm_plan_get_n_series (self->plan) + 1);
  const NmPlanSeries *next = NULL;

  g_date_clear (date, 1);
  for (guint i = 0; i < slots->len; i++)
    {
      const NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, i);

      if (slot->series >= 0)
        logged[slot->series] = MAX (logged[slot->series], slot->number);
    }

  for (guint s = 0; s < nm_plan_get_n_series (self->plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (self->plan, s);

      if (skip != NULL && skip[s])
        continue;
      if (logged[s] < series->n_dates &&
          (next == NULL || g_date_compare (&series->dates[logged[s]], date) < 0))
        {
          next = series;
          *date = series->dates[logged[s]];
        }
    }
  return next;
}

static void
on_form_accepted_cb (NmSessionForm  *form,
                     NmSession      *session,
                     NmScheduleView *self)
{
  open_session_row (self, session);
}

/* Opens the form for @session: a draft to log, or one of the log. It asks for the depth of each region of @series the plan
 * needles, and of any other region @session has a depth for. */
static NmSessionForm *
open_form (NmScheduleView     *self,
           NmSession          *session,
           NmSessionFormMode   mode,
           const NmPlanSeries *series,
           const char         *subtitle)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_auto(GStrv) logged = nm_session_dup_depth_regions (session);
  g_autoptr(GPtrArray) regions = g_ptr_array_new ();
  NmSessionForm *form;

  for (guint r = 0; series != NULL && series->regions[r] != NULL; r++)
    if (!never_needled (self, series->regions[r]) || nm_session_get_depth (session, series->regions[r], NULL))
      g_ptr_array_add (regions, series->regions[r]);
  for (guint r = 0; logged[r] != NULL; r++)
    if (!g_ptr_array_find_with_equal_func (regions, logged[r], g_str_equal, NULL))
      g_ptr_array_add (regions, logged[r]);
  g_ptr_array_add (regions, NULL);

  form = nm_session_form_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->consultation,
                              self->plan, session, mode, (const char * const *) regions->pdata,
                              subtitle, g_date_valid (&self->today) ? &self->today : NULL);
  g_signal_connect_object (form, "accepted", G_CALLBACK (on_form_accepted_cb), self, 0);
  gtk_window_present (GTK_WINDOW (form));
  return form;
}

/* Opens the form for a session of the log, named as its row names it. */
static NmSessionForm *
open_log_form (NmScheduleView    *self,
               NmSession         *session,
               NmSessionFormMode  mode)
{
  g_autoptr(GArray) slots = NULL;
  const NmPlanSeries *series = NULL;
  const char *title = NULL;

  if (self->plan != NULL)
    slots = nm_schedule_match_sessions (self->consultation, self->plan);
  for (guint i = 0; slots != NULL && i < slots->len; i++)
    if (nm_consultation_get_session (self->consultation, i) == session)
      series = slot_series (self, &g_array_index (slots, NmScheduleSlot, i));
  /* an earlier session's row, named as the form is, is behind Show All */
  for (guint i = 0; i < self->first_row; i++)
    if (nm_consultation_get_session (self->consultation, i) == session)
      {
        show_all_sessions (self);
        break;
      }
  for (guint i = 0; i < self->rows->len; i++)
    if (row_session (g_ptr_array_index (self->rows, i)) == session)
      title = adw_preferences_row_get_title (g_ptr_array_index (self->rows, i));

  return open_form (self, session, mode, series, title);
}

/* Opens the form to log a session of @next (nullable: none planned) on
 * @date, with the planned shallowest depth of each of its regions and the
 * device of the last session that named one. Nothing is logged until the
 * form is accepted. */
static NmSession *
log_on (NmScheduleView     *self,
        const NmPlanSeries *next,
        const GDate        *date)
{
  g_autoptr(NmSession) session = NULL;
  char iso[16];

  date_to_iso (date, iso);
  session = nm_session_new (iso);
  for (guint r = 0; next != NULL && next->regions[r] != NULL; r++)
    {
      const NmPlanRegion *planned = nm_plan_lookup_region (self->plan, next->regions[r]);

      if (planned != NULL && planned->treat)
        nm_session_set_depth (session, planned->region,
                              nm_depth_round_to_step (planned->min_mm, device_step (self)));
    }
  for (guint i = nm_consultation_get_n_sessions (self->consultation); i > 0; i--)
    {
      const char *device = nm_session_get_device (nm_consultation_get_session (self->consultation, i - 1));

      if (device != NULL)
        {
          nm_session_set_device (session, device);
          break;
        }
    }
  open_form (self, session, NM_SESSION_FORM_LOG, next, next != NULL ? next->label : NULL);
  return NULL;
}

/**
 * nm_schedule_view_edit_session:
 * @session: a session of the log
 *
 * Opens the form for @session, filled in with what it holds; accepting it
 * changes the session in one undoable step.
 *
 * Returns: (transfer none): the form
 */
GtkWindow *
nm_schedule_view_edit_session (NmScheduleView *self,
                               NmSession      *session)
{
  g_return_val_if_fail (NM_IS_SCHEDULE_VIEW (self), NULL);
  g_return_val_if_fail (NM_IS_SESSION (session), NULL);
  g_return_val_if_fail (self->consultation != NULL, NULL);

  return GTK_WINDOW (open_log_form (self, session, NM_SESSION_FORM_EDIT));
}

static void
on_edit_cb (GtkButton      *button,
            NmScheduleView *self)
{
  nm_schedule_view_edit_session (self, row_session (GTK_WIDGET (button)));
}

/* The first session of the log dated today, and which series have one
 * today (indexed by series); %NULL without a today. */
static NmSession *
find_today (NmScheduleView  *self,
            GArray          *slots,
            int             *first_series,
            gboolean       **done_today)
{
  NmSession *first = NULL;
  char iso[16];

  *first_series = -1;
  *done_today = g_new0 (gboolean, nm_plan_get_n_series (self->plan) + 1);
  if (!g_date_valid (&self->today))
    return NULL;

  date_to_iso (&self->today, iso);
  for (guint i = 0; i < slots->len; i++)
    {
      NmSession *session = nm_consultation_get_session (self->consultation, i);
      const NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, i);

      if (g_strcmp0 (nm_session_get_date (session), iso) != 0)
        continue;
      if (first == NULL)
        {
          first = session;
          *first_series = slot->series;
        }
      if (slot->series >= 0)
        (*done_today)[slot->series] = TRUE;
    }
  return first;
}

static gboolean check_loggable (NmScheduleView *self);

/* "Log It Too": the next series due that has no session today. */
static void
log_another_today (NmScheduleView *self)
{
  g_autoptr(GArray) slots = NULL;
  g_autofree gboolean *done_today = NULL;
  const NmPlanSeries *next;
  int first_series;
  GDate date;

  if (self->consultation == NULL || self->plan == NULL || !g_date_valid (&self->today) ||
      !check_loggable (self))
    return;
  slots = nm_schedule_match_sessions (self->consultation, self->plan);
  find_today (self, slots, &first_series, &done_today);
  next = next_planned (self, slots, done_today, &date);
  if (next != NULL)
    log_on (self, next, &self->today);
}

/* Log Session asks with a dialog; its buttons go where the practitioner
 * acts on the reason (the window's win.show-panel), or log after all. */
static void
on_log_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    NmScheduleView   *self)
{
  if (g_strcmp0 (response, "client") == 0 || g_strcmp0 (response, "screening") == 0 ||
      g_strcmp0 (response, "plan") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-panel", "s", response);
  else if (g_strcmp0 (response, "open") == 0)
    {
      open_session_row (self, g_object_get_data (G_OBJECT (dialog), "nm-session"));
    }
  else if (g_strcmp0 (response, "log") == 0)
    log_another_today (self);
}

static GtkWidget *
log_dialog (NmScheduleView *self,
            const char     *heading,
            const char     *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = nm_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_log_response_cb), self, 0);
  return dialog;
}

static void
add_go_response (GtkWidget  *dialog,
                 const char *response,
                 const char *label)
{
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    response, label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), response);
}

/* Whether the plan lets a session be logged; if not, a dialog says why and
 * offers to go where it is put right. Never a way round a contraindication,
 * an unfinished screening or a precaution not acknowledged. */
static gboolean
check_loggable (NmScheduleView *self)
{
  g_autoptr(GString) body = g_string_new (NULL);
  const NmPlanWarning *unacknowledged = NULL;
  GtkWidget *dialog = NULL;

  /* The file's limit (spec additions, docs/file-format.md): a session
   * logged beyond it could not be saved. */
  if (nm_consultation_get_n_sessions (self->consultation) >= NM_FILE_MAX_SESSIONS)
    {
      g_string_append_printf (body,
                              /* Translators: %u is the limit, 1000 */
                              _("A consultation holds at most %u sessions, and this one has that many. "
                                "Start a new consultation for this client to log more."),
                              NM_FILE_MAX_SESSIONS);
      dialog = log_dialog (self, _("The Session Log Is Full"), body->str);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Close"), NULL);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      gtk_window_present (GTK_WINDOW (dialog));
      return FALSE;
    }

  for (guint i = 0; i < nm_plan_get_n_warnings (self->plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (self->plan, i)->id, "relative-unacknowledged") == 0)
      unacknowledged = nm_plan_get_warning (self->plan, i);

  switch (nm_plan_get_state (self->plan))
    {
    case NM_PLAN_STATE_BLOCKED:
      {
        g_autoptr(GString) reasons = g_string_new (NULL);

        for (guint i = 0; i < nm_plan_get_n_blocked_by (self->plan); i++)
          g_string_append_printf (reasons, "%s%s", i > 0 ? " " : "",
                                  nm_plan_get_blocked_by (self->plan, i)->message);
        /* Translators: the reasons follow, each a sentence of the plan */
        g_string_append_printf (body, _("Not suitable now: %s"), reasons->str);
        g_string_append_printf (body, "\n\n%s",
                                _("No session is logged while a contraindication stands in the way."));
        dialog = log_dialog (self, _("No Session Can Be Logged"), body->str);
        /* nothing to put right here: read why, and close */
        adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                          "cancel", _("_Close"),
                                          "plan", _("Show the _Plan"),
                                          NULL);
        adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      }
      break;

    case NM_PLAN_STATE_NO_SKIN_TYPE:
      dialog = log_dialog (self, _("Choose the Skin Type First"),
                           _("The client’s skin type sets the safe needle depths: choose it in the "
                             "Client panel before a session is logged."));
      add_go_response (dialog, "client", _("Go to the _Client Panel"));
      break;

    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
      {
        const char * const *unanswered = nm_plan_get_unanswered (self->plan);
        guint n = unanswered != NULL ? g_strv_length ((char **) unanswered) : 0;

        g_string_append_printf (body, ngettext ("%u screening question is not answered yet. A session is "
                                                "logged only once every question is answered.",
                                                "%u screening questions are not answered yet. A session is "
                                                "logged only once every question is answered.", n), n);
        dialog = log_dialog (self, _("Finish the Screening First"), body->str);
        add_go_response (dialog, "screening", _("Go to the _Screening"));
      }
      break;

    case NM_PLAN_STATE_PRECAUTIONS:
    case NM_PLAN_STATE_READY:
    default:
      if (unacknowledged == NULL)
        return TRUE;
      g_string_append_printf (body, "%s\n\n%s", unacknowledged->message,
                              _("Review each precaution in the Plan panel, check it and say how it is "
                                "handled; then log the session."));
      dialog = log_dialog (self, _("Acknowledge the Precautions First"), body->str);
      add_go_response (dialog, "plan", _("Show the _Plan"));
      break;
    }

  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/**
 * nm_schedule_view_log_session:
 *
 * What Log Session does. It opens a form (#NmSessionForm) to log a
 * session, dated today, for the next planned session (of the series whose
 * next unlogged session comes first), with the planned shallowest depth of
 * each of its regions, rounded to the device's step, pre-filled; without a
 * today (a view outside a window), dated on that planned date. Only when
 * the form is accepted is the session logged, as done, in one undoable
 * step, and its row opens. A session is never logged as done on a day
 * still to come.
 *
 * Nothing is logged, and a dialog says why, when the plan is blocked (no
 * way round it), the skin type is missing, the screening is not finished
 * or a precaution answered yes is not acknowledged; it offers to go to the
 * panel where that is put right. A second click logs no second session:
 * today's opens; where another series is due today too (a scalp series
 * beside the face), a dialog asks whether to log it or open today's.
 *
 * A session booked for today (not done yet: an appointment) is logged
 * through the same form, filled in from it, and is done once accepted.
 *
 * Returns: (transfer none) (nullable): today's session already in the
 *   log; %NULL when a form or a dialog asks
 */
NmSession *
nm_schedule_view_log_session (NmScheduleView *self)
{
  g_autoptr(GArray) slots = NULL;
  g_autofree gboolean *done_today = NULL;
  const NmPlanSeries *next = NULL;
  NmSession *today_session = NULL;
  int today_series = -1;
  GDate date;

  g_return_val_if_fail (NM_IS_SCHEDULE_VIEW (self), NULL);

  if (self->consultation == NULL || self->plan == NULL)
    return NULL;
  if (!check_loggable (self))
    return NULL;

  slots = nm_schedule_match_sessions (self->consultation, self->plan);
  today_session = find_today (self, slots, &today_series, &done_today);

  /* booked for today: logged through its form, as done */
  if (today_session != NULL && !nm_session_get_done (today_session))
    {
      open_log_form (self, today_session, NM_SESSION_FORM_LOG_BOOKED);
      return NULL;
    }

  if (today_session != NULL)
    {
      g_autofree char *body = NULL;
      const NmPlanSeries *logged_series;
      GtkWidget *dialog;

      /* only a series that has no session today yet */
      next = next_planned (self, slots, done_today, &date);
      if (next == NULL)
        {
          open_session_row (self, today_session);
          return today_session;
        }

      logged_series = today_series >= 0 ? nm_plan_get_series (self->plan, (guint) today_series) : NULL;
      if (logged_series != NULL)
        /* Translators: series names, e.g. “Skin series”, “Scalp series” */
        body = g_strdup_printf (_("A session of the %s is already logged today. Was the %s treated "
                                  "today as well?"), logged_series->label, next->label);
      else
        /* Translators: a series name, e.g. “Scalp series” */
        body = g_strdup_printf (_("A session is already logged today. Was the %s treated today as well?"),
                                next->label);
      dialog = log_dialog (self, _("Already Logged Today"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "log", _("_Log It Too"),
                                        "open", _("_Open Today’s Session"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
      g_object_set_data_full (G_OBJECT (dialog), "nm-session", g_object_ref (today_session), g_object_unref);
      gtk_window_present (GTK_WINDOW (dialog));
      return NULL;
    }

  next = next_planned (self, slots, NULL, &date);
  /* logged when it is done: today */
  if (next == NULL || g_date_valid (&self->today))
    date = self->today;
  if (!g_date_valid (&date))
    return NULL;
  return log_on (self, next, &date);
}

/* Appointment times. A popover lists the planned sessions, a row a day,
 * each with a time and a length. The time is kept on the log's session
 * that day, or on a booked one (not done) made for it; the calendar
 * export then writes that day as a timed event. */

/* The session of the log on @iso that holds its appointment: the first
 * that has a time, else the first that day. */
static NmSession *
session_on (NmScheduleView *self,
            const char     *iso)
{
  NmSession *any = NULL;

  for (guint i = 0; i < nm_consultation_get_n_sessions (self->consultation); i++)
    {
      NmSession *session = nm_consultation_get_session (self->consultation, i);

      if (g_strcmp0 (nm_session_get_date (session), iso) != 0)
        continue;
      if (nm_session_get_time (session) != NULL)
        return session;
      if (any == NULL)
        any = session;
    }
  return any;
}

static guint
digits_value (const char *p,
              gsize       n)
{
  guint value = 0;

  for (gsize i = 0; i < n; i++)
    value = value * 10 + (guint) (p[i] - '0');
  return value;
}

/**
 * nm_appointment_time_parse:
 * @text: a time as typed: "14:30", "9:05", "9.05", "14h30", "1430" or "14"
 *
 * Returns: (transfer full) (nullable): the time as the file keeps it,
 *   "HH:MM"; %NULL when @text is no time of day
 */
char *
nm_appointment_time_parse (const char *text)
{
  g_autofree char *t = g_strstrip (g_strdup (text != NULL ? text : ""));
  gsize n = strspn (t, "0123456789");
  guint hours, minutes = 0;

  if (n == 0 || n > 4)
    return NULL;
  if (t[n] == '\0')
    {
      hours = n <= 2 ? digits_value (t, n) : digits_value (t, n - 2);
      minutes = n <= 2 ? 0 : digits_value (t + n - 2, 2);
    }
  else
    {
      const char *rest = t + n + 1;

      if (n > 2 || (t[n] != ':' && t[n] != '.' && t[n] != 'h') ||
          strspn (rest, "0123456789") != 2 || rest[2] != '\0')
        return NULL;
      hours = digits_value (t, n);
      minutes = digits_value (rest, 2);
    }
  if (hours > 23 || minutes > 59)
    return NULL;
  return g_strdup_printf ("%02u:%02u", hours, minutes);
}

/* Nothing but a date: a booked entry made only to hold a time. */
static gboolean
holds_only_a_date (NmSession *session)
{
  g_auto(GStrv) regions = nm_session_dup_depth_regions (session);

  return !nm_session_get_done (session) && regions[0] == NULL && nm_session_get_notes (session) == NULL &&
         nm_session_get_device (session) == NULL && nm_session_get_duration_min (session) == 0;
}

static void
apply_appointment_time (NmScheduleView *self,
                        GtkEditable    *entry)
{
  const char *iso = g_object_get_data (G_OBJECT (entry), "nm-date");
  GtkSpinButton *length = g_object_get_data (G_OBJECT (entry), "nm-length");
  const char *text = gtk_editable_get_text (entry);
  g_autofree char *time = NULL;
  NmSession *session;

  if (self->consultation == NULL || self->syncing)
    return;
  if (text[0] != '\0' && (time = nm_appointment_time_parse (text)) == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_error_bell (GTK_WIDGET (entry));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  self->syncing = TRUE;
  gtk_editable_set_text (entry, time != NULL ? time : "");
  self->syncing = FALSE;

  session = session_on (self, iso);
  if (session != NULL && g_strcmp0 (nm_session_get_time (session), time) == 0)
    return;
  if (session == NULL && time == NULL)
    return;
  if (session == NULL)
    {
      g_autoptr(NmSession) booked = nm_session_new (iso);
      guint minutes = (guint) gtk_spin_button_get_value_as_int (length);

      /* booked: done only once it is logged */
      nm_session_set_time (booked, time);
      if (minutes > 0)
        nm_session_set_duration_min (booked, minutes);
      nm_consultation_add_session (self->consultation, booked);
    }
  else if (time == NULL && holds_only_a_date (session))
    nm_consultation_remove_session (self->consultation, session);
  else
    nm_session_set_time (session, time);
}

static void
on_appointment_time_activate_cb (GtkEditable    *entry,
                                 NmScheduleView *self)
{
  apply_appointment_time (self, entry);
}

static void
on_appointment_time_leave_cb (GtkEventControllerFocus *focus,
                              NmScheduleView          *self)
{
  apply_appointment_time (self, GTK_EDITABLE (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus))));
}

static void
on_appointment_length_cb (GtkSpinButton  *spin,
                          NmScheduleView *self)
{
  NmSession *session;
  guint minutes = (guint) gtk_spin_button_get_value_as_int (spin);

  if (self->consultation == NULL || self->syncing)
    return;
  session = session_on (self, g_object_get_data (G_OBJECT (spin), "nm-date"));
  /* kept with the time; held here until a time is typed */
  if (session != NULL && nm_session_get_time (session) != NULL &&
      nm_session_get_duration_min (session) != minutes)
    nm_session_set_duration_min (session, minutes);
}

static int
compare_dates (gconstpointer a,
               gconstpointer b)
{
  return g_date_compare (a, b);
}

/* The popover's rows, from the plan and the log as they are now. */
static void
on_appointments_shown_cb (GtkPopover     *popover,
                          NmScheduleView *self)
{
  g_autoptr(GArray) dates = g_array_new (FALSE, FALSE, sizeof (GDate));
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->appointments))) != NULL)
    gtk_list_box_remove (self->appointments, child);
  if (self->plan == NULL || self->consultation == NULL)
    return;

  for (guint s = 0; s < nm_plan_get_n_series (self->plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (self->plan, s);

      for (guint k = 0; k < series->n_dates; k++)
        {
          gboolean seen = FALSE;

          for (guint d = 0; d < dates->len && !seen; d++)
            seen = g_date_compare (&g_array_index (dates, GDate, d), &series->dates[k]) == 0;
          if (!seen)
            g_array_append_val (dates, series->dates[k]);
        }
    }
  g_array_sort (dates, compare_dates);

  self->syncing = TRUE;
  for (guint d = 0; d < dates->len; d++)
    {
      const GDate *date = &g_array_index (dates, GDate, d);
      g_autofree char *shown = nm_render_format_date (date);
      g_autoptr(GString) what = g_string_new (NULL);
      g_autofree char *accessible = NULL;
      char iso[16];
      NmSession *session;
      GtkWidget *row, *box, *labels, *day, *series_label, *entry, *spin, *unit;
      GtkEventController *focus;

      date_to_iso (date, iso);
      session = session_on (self, iso);
      for (guint s = 0; s < nm_plan_get_n_series (self->plan); s++)
        {
          const NmPlanSeries *series = nm_plan_get_series (self->plan, s);

          for (guint k = 0; k < series->n_dates; k++)
            if (g_date_compare (&series->dates[k], date) == 0)
              {
                g_autofree char *one = NULL;

                /* Translators: a planned session in the appointment times,
                 * e.g. “Skin series 2/4” */
                one = g_strdup_printf (_("%s %u/%u"), series->label, k + 1, series->sessions);
                g_string_append_printf (what, "%s%s", what->len > 0 ? ", " : "", one);
              }
        }

      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 3);
      gtk_widget_set_margin_bottom (box, 3);
      labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_widget_set_hexpand (labels, TRUE);
      day = gtk_label_new (shown);
      gtk_label_set_xalign (GTK_LABEL (day), 0.0f);
      series_label = gtk_label_new (what->str);
      gtk_label_set_xalign (GTK_LABEL (series_label), 0.0f);
      gtk_label_set_ellipsize (GTK_LABEL (series_label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (series_label), 16);
      gtk_label_set_max_width_chars (GTK_LABEL (series_label), 28);
      gtk_widget_add_css_class (series_label, "caption");
      gtk_widget_add_css_class (series_label, "dim-label");
      gtk_box_append (GTK_BOX (labels), day);
      gtk_box_append (GTK_BOX (labels), series_label);
      gtk_box_append (GTK_BOX (box), labels);

      entry = gtk_entry_new ();
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
      gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 6);
      gtk_entry_set_max_length (GTK_ENTRY (entry), 8);
      /* Translators: the form a time is typed in, 24-hour clock */
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("HH:MM"));
      gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
      if (session != NULL && nm_session_get_time (session) != NULL)
        gtk_editable_set_text (GTK_EDITABLE (entry), nm_session_get_time (session));
      g_object_set_data_full (G_OBJECT (entry), "nm-date", g_strdup (iso), g_free);
      /* Translators: the accessible name of a time field; %s is a date */
      accessible = g_strdup_printf (_("Time on %s"), shown);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_signal_connect_object (entry, "activate", G_CALLBACK (on_appointment_time_activate_cb), self, 0);
      focus = gtk_event_controller_focus_new ();
      g_signal_connect_object (focus, "leave", G_CALLBACK (on_appointment_time_leave_cb), self, 0);
      gtk_widget_add_controller (entry, focus);
      gtk_box_append (GTK_BOX (box), entry);

      spin = gtk_spin_button_new_with_range (0, 240, 5);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                                 session != NULL ? nm_session_get_duration_min (session) : 0);
      g_object_set_data_full (G_OBJECT (spin), "nm-date", g_strdup (iso), g_free);
      g_object_set_data (G_OBJECT (entry), "nm-length", spin);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Length in minutes"), -1);
      g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_appointment_length_cb), self, 0);
      gtk_box_append (GTK_BOX (box), spin);
      /* Translators: after an appointment's length: minutes */
      unit = gtk_label_new (_("min"));
      gtk_widget_add_css_class (unit, "dim-label");
      gtk_box_append (GTK_BOX (box), unit);

      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_append (self->appointments, row);
    }
  self->syncing = FALSE;
}

static GtkWidget *
appointments_button (NmScheduleView *self)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title, *hint, *scroller;

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "alarm-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Appointment Times"));

  title = gtk_label_new (_("Appointment Times"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  hint = gtk_label_new (_("A session with a time is a timed event in the exported calendar; "
                          "without one it takes the whole day."));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (hint), 40);
  gtk_label_set_xalign (GTK_LABEL (hint), 0.0f);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  self->appointments = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->appointments, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->appointments), "boxed-list");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->appointments));
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), hint);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  g_signal_connect_object (popover, "show", G_CALLBACK (on_appointments_shown_cb), self, 0);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  return button;
}

static void
on_log_clicked_cb (NmScheduleView *self)
{
  nm_schedule_view_log_session (self);
}

static void
nm_schedule_view_dispose (GObject *object)
{
  NmScheduleView *self = NM_SCHEDULE_VIEW (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->consultation);
  g_clear_pointer (&self->plan, nm_plan_unref);
  g_clear_pointer (&self->shape, g_free);
  g_clear_object (&self->expand);

  G_OBJECT_CLASS (nm_schedule_view_parent_class)->dispose (object);
}

static void
nm_schedule_view_class_init (NmScheduleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_schedule_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nmscheduleview");
}

static void
nm_schedule_view_init (NmScheduleView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *log_button;

  g_date_clear (&self->today, 1);
  self->rows = g_ptr_array_new ();
  nm_date_entry_style_for_locale (&self->date_style);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  self->canvas = g_object_new (NM_TYPE_SCHEDULE_CANVAS, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Timeline of the treatment series"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->canvas));

  self->log_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->log_group), _("Session Log"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->log_group),
                                         _("What was done at each session: its date, the depth used "
                                           "per region, the device and notes."));
  log_button = gtk_button_new_with_mnemonic (_("_Log Session"));
  gtk_widget_add_css_class (log_button, "flat");
  g_signal_connect_object (log_button, "clicked", G_CALLBACK (on_log_clicked_cb), self, G_CONNECT_SWAPPED);
  {
    GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_box_append (GTK_BOX (suffix), appointments_button (self));
    gtk_box_append (GTK_BOX (suffix), log_button);
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->log_group), suffix);
  }
  gtk_box_append (GTK_BOX (box), self->log_group);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), box);
  nm_schedule_view_refresh (self);
}

GtkWidget *
nm_schedule_view_new (void)
{
  return g_object_new (NM_TYPE_SCHEDULE_VIEW, NULL);
}

void
nm_schedule_view_set_consultation (NmScheduleView *self,
                                   NmConsultation *consultation)
{
  g_return_if_fail (NM_IS_SCHEDULE_VIEW (self));

  if (g_set_object (&self->consultation, consultation))
    {
      self->show_all = FALSE;
      g_clear_pointer (&self->shape, g_free);
      nm_schedule_view_refresh (self);
    }
}

/**
 * nm_schedule_view_set_plan:
 *
 * Set it again after every edit: the log's rows follow the plan.
 */
void
nm_schedule_view_set_plan (NmScheduleView *self,
                           NmPlan         *plan)
{
  g_return_if_fail (NM_IS_SCHEDULE_VIEW (self));

  if (self->plan == plan)
    return;
  g_clear_pointer (&self->plan, nm_plan_unref);
  if (plan != NULL)
    self->plan = nm_plan_ref (plan);
  nm_schedule_view_refresh (self);
}

void
nm_schedule_view_set_today (NmScheduleView *self,
                            const GDate    *today)
{
  g_return_if_fail (NM_IS_SCHEDULE_VIEW (self));

  if (today != NULL && g_date_valid (today))
    self->today = *today;
  else
    g_date_clear (&self->today, 1);
  nm_schedule_view_refresh (self);
}

/**
 * nm_schedule_view_commit:
 * @self: a #NmScheduleView
 *
 * Applies the session field that has the focus, as leaving it would: to be
 * called before the consultation is saved, exported or closed.
 */
void
nm_schedule_view_commit (NmScheduleView *self)
{
  GtkRoot *root;
  GtkWidget *focus, *row;

  g_return_if_fail (NM_IS_SCHEDULE_VIEW (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  row = focus != NULL ? gtk_widget_get_ancestor (focus, ADW_TYPE_ENTRY_ROW) : NULL;
  if (row != NULL && gtk_widget_is_ancestor (row, GTK_WIDGET (self)) && row_session (row) != NULL)
    g_signal_emit_by_name (row, "apply");
  /* the notes, over several lines */
  row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_TEXT_VIEW) : NULL;
  if (row != NULL && gtk_widget_is_ancestor (row, GTK_WIDGET (self)) && row_session (row) != NULL)
    apply_notes (GTK_TEXT_VIEW (row));
}
