/* test-widgets.c: the plan panel and the schedule view edit the model
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

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "nm-message-dialog.h"
#include "nm-plan-panel.h"
#include "nm-render-schedule.h"
#include "nm-schedule-view.h"
#include "nm-session-form.h"
#include "nm-vocab.h"

#include <math.h>
#include "outputs-test-util.h"

/* Dispatches what the widgets queued (rebuilding their rows). */
static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             const char *item)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (item == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (root), "nm-item"), item) == 0))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_acknowledgement (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  GtkWidget *panel = g_object_ref_sink (nm_plan_panel_new ());
  GtkWidget *check, *entry;

  nm_plan_panel_set_consultation (NM_PLAN_PANEL (panel), consultation);
  nm_plan_panel_set_plan (NM_PLAN_PANEL (panel), plan);
  drain ();

  /* the sample answered yes to cold sores and acknowledged it */
  check = find_widget (panel, GTK_TYPE_CHECK_BUTTON, "herpes-history");
  g_assert_nonnull (check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  /* items answered no have no row */
  g_assert_null (find_widget (panel, GTK_TYPE_CHECK_BUTTON, "anticoagulants"));

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  g_assert_null (nm_consultation_get_acknowledgement (consultation, "herpes-history"));
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_nonnull (nm_consultation_get_acknowledgement (consultation, "herpes-history"));

  /* a new yes answer asks for its own acknowledgement */
  nm_consultation_set_screening (consultation, "anticoagulants", NM_ANSWER_YES);
  g_clear_pointer (&plan, nm_plan_unref);
  plan = plan_for (consultation);
  nm_plan_panel_set_plan (NM_PLAN_PANEL (panel), plan);
  drain ();
  entry = find_widget (panel, ADW_TYPE_ENTRY_ROW, "anticoagulants");
  g_assert_nonnull (entry);
  g_assert_null (nm_consultation_get_acknowledgement (consultation, "anticoagulants"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Low-dose aspirin; GP agrees to continue");
  g_signal_emit_by_name (entry, "apply");
  g_assert_cmpstr (nm_consultation_get_acknowledgement (consultation, "anticoagulants"), ==,
                   "Low-dose aspirin; GP agrees to continue");
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_null (nm_consultation_get_acknowledgement (consultation, "anticoagulants"));

  drain ();
  g_assert_finalize_object (panel);
}

static double
y_in (GtkWidget *widget,
      GtkWidget *ancestor)
{
  double x = 0, y = 0;

  g_assert_true (gtk_widget_translate_coordinates (widget, ancestor, 0, 0, &x, &y));
  return y;
}

static void
settle (GtkWidget *window)
{
  drain ();
  gtk_test_widget_wait_for_draw (window);
  drain ();
}

/* What the window does after every edit: a new plan for the panel. */
static void
replan (GtkWidget      *panel,
        NmConsultation *consultation)
{
  g_autoptr(NmPlan) plan = plan_for (consultation);

  nm_plan_panel_set_plan (NM_PLAN_PANEL (panel), plan);
}

/* Issue 14, defect 5: ticking an acknowledgement or pressing Enter in its
 * rationale keeps the row where it is, with the focus, the tick and the
 * scroll: the panel updates its rows in place. */
static void
test_acknowledgement_in_place (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = nm_plan_panel_new ();
  GtkWidget *check, *entry, *scroller;
  GtkAdjustment *adjustment;
  double value, y;

  /* a second precaution, not acknowledged yet */
  nm_consultation_set_screening (consultation, "anticoagulants", NM_ANSWER_YES);
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 420);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  nm_plan_panel_set_consultation (NM_PLAN_PANEL (panel), consultation);
  replan (panel, consultation);
  gtk_window_present (GTK_WINDOW (window));
  settle (window);

  check = find_widget (panel, GTK_TYPE_CHECK_BUTTON, "anticoagulants");
  g_assert_nonnull (check);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  scroller = find_widget (panel, GTK_TYPE_SCROLLED_WINDOW, NULL);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  /* scrolled a little, as to reach it */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment), >, 40);
  gtk_adjustment_set_value (adjustment, 40);
  gtk_widget_grab_focus (check);
  settle (window);
  value = gtk_adjustment_get_value (adjustment);
  y = y_in (check, window);

  /* the tick */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_nonnull (nm_consultation_get_acknowledgement (consultation, "anticoagulants"));
  replan (panel, consultation);
  settle (window);
  g_assert_true (find_widget (panel, GTK_TYPE_CHECK_BUTTON, "anticoagulants") == check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == check);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, value);
  g_assert_cmpfloat (y_in (check, window), ==, y);

  /* Enter in the rationale */
  entry = find_widget (panel, ADW_TYPE_ENTRY_ROW, "anticoagulants");
  g_assert_nonnull (entry);
  gtk_widget_grab_focus (entry);
  settle (window);
  y = y_in (entry, window);
  value = gtk_adjustment_get_value (adjustment);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Low-dose aspirin; GP agrees to continue");
  g_signal_emit_by_name (entry, "apply");
  g_assert_cmpstr (nm_consultation_get_acknowledgement (consultation, "anticoagulants"), ==,
                   "Low-dose aspirin; GP agrees to continue");
  replan (panel, consultation);
  settle (window);
  g_assert_true (find_widget (panel, ADW_TYPE_ENTRY_ROW, "anticoagulants") == entry);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Low-dose aspirin; GP agrees to continue");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, value);
  g_assert_cmpfloat (y_in (entry, window), ==, y);

  /* an undo shows in the same rows */
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_true (nm_consultation_undo (consultation));
  replan (panel, consultation);
  settle (window);
  g_assert_true (find_widget (panel, GTK_TYPE_CHECK_BUTTON, "anticoagulants") == check);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
}

/* Log Session, and the form it opens accepted as it was filled in. */
static NmSession *
log_and_accept (NmScheduleView *view)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  NmSessionForm *form = NULL;
  NmSession *session;

  g_assert_null (nm_schedule_view_log_session (view));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (NM_IS_SESSION_FORM (window))
        form = NM_SESSION_FORM (window);
    }
  g_assert_nonnull (form);
  session = nm_session_form_get_session (form);
  g_assert_true (nm_session_form_accept (form));
  drain ();
  return session;
}

static guint
count_widgets (GtkWidget *root,
               GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (root, type) ? 1 : 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += count_widgets (c, type);
  return n;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A log of 1,000 sessions (the format's limit) with 8 depths each: the
 * latest sessions have their rows; the earlier ones have theirs when Show
 * All is clicked, and the fields inside (a spin button per depth, entries)
 * when a row opens (issue 13: the window took 2 GB and half a minute to
 * open it). */
static void
test_long_log (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  GtkWidget *view = g_object_ref_sink (nm_schedule_view_new ());
  GtkWidget *first = NULL, *button;
  GtkWindow *form;
  guint n_spins, n_widgets;

  while (nm_consultation_get_n_sessions (consultation) < 1000)
    {
      guint i = nm_consultation_get_n_sessions (consultation);
      g_autofree char *date = g_strdup_printf ("20%02u-%02u-%02u", 10 + i / 100, 1 + i % 12, 1 + i % 28);
      g_autoptr(NmSession) session = nm_session_new (date);

      for (guint r = 0; r < 8; r++)
        nm_session_set_depth (session, nm_vocab_region (r)->id, 0.5);
      nm_consultation_add_session (consultation, session);
    }
  plan = plan_for (consultation);
  nm_schedule_view_set_consultation (NM_SCHEDULE_VIEW (view), consultation);
  nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);
  drain ();

  /* the latest sessions with their fields: 13,000 spin buttons and
   * 400,000 widgets before */
  g_assert_cmpuint (count_widgets (view, ADW_TYPE_EXPANDER_ROW), ==, 50);
  n_spins = count_widgets (view, GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpuint (n_spins, <=, 10 * 13);
  n_widgets = count_widgets (view, GTK_TYPE_WIDGET);
  g_assert_cmpuint (n_widgets, <, 60 * 1000);

  /* a change of plan keeps the rows as they are */
  g_clear_pointer (&plan, nm_plan_unref);
  plan = plan_for (consultation);
  nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);
  g_assert_cmpuint (count_widgets (view, ADW_TYPE_EXPANDER_ROW), ==, 50);

  /* every session has its row after Show All, with its fields when it
   * opens */
  button = find_button (view, "Show _All");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (count_widgets (view, ADW_TYPE_EXPANDER_ROW), ==, 1000);
  g_assert_cmpuint (count_widgets (view, GTK_TYPE_SPIN_BUTTON), ==, n_spins);
  first = find_widget (view, ADW_TYPE_EXPANDER_ROW, NULL);
  g_assert_nonnull (first);
  g_assert_cmpuint (count_widgets (first, GTK_TYPE_SPIN_BUTTON), ==, 0);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (first), TRUE);
  g_assert_cmpuint (count_widgets (first, GTK_TYPE_SPIN_BUTTON), >=, 8);
  g_object_unref (view);

  /* editing an earlier session shows every row, to name it as its row does */
  view = g_object_ref_sink (nm_schedule_view_new ());
  nm_schedule_view_set_consultation (NM_SCHEDULE_VIEW (view), consultation);
  nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);
  g_assert_cmpuint (count_widgets (view, ADW_TYPE_EXPANDER_ROW), ==, 50);
  form = nm_schedule_view_edit_session (NM_SCHEDULE_VIEW (view), nm_consultation_get_session (consultation, 0));
  g_assert_nonnull (form);
  g_assert_cmpuint (count_widgets (view, ADW_TYPE_EXPANDER_ROW), ==, 1000);
  gtk_window_destroy (form);
  g_object_unref (view);
}

static gboolean
find_subtitle (GtkWidget  *root,
               const char *prefix,
               char      **subtitle)
{
  if (ADW_IS_EXPANDER_ROW (root) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), prefix))
    {
      *subtitle = g_strdup (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (root)));
      return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (find_subtitle (c, prefix, subtitle))
      return TRUE;
  return FALSE;
}

/* A region's row in the Plan panel names each kind and severity of its
 * findings once, with a count: 3,000 rolling scars on a cheek made a
 * label of 100,000 characters that took the window a minute to lay out
 * (issue 13). One of each reads as before. */
static void
test_many_findings (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  GtkWidget *panel = g_object_ref_sink (nm_plan_panel_new ());
  g_autofree char *left = NULL, *right = NULL;

  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(NmFinding) finding = nm_finding_new ("cheek-left", i % 2 ? "acne-scar-rolling" : "fine-lines",
                                                     i % 2 ? 3 : 1);

      nm_consultation_add_finding (consultation, finding);
    }
  plan = plan_for (consultation);
  nm_plan_panel_set_consultation (NM_PLAN_PANEL (panel), consultation);
  nm_plan_panel_set_plan (NM_PLAN_PANEL (panel), plan);
  drain ();

  g_assert_true (find_subtitle (panel, "Left cheek", &left));
  g_assert_cmpstr (left, ==, "Rolling acne scars (Marked) × 1501, Fine lines (Mild) × 1500");
  g_assert_true (find_subtitle (panel, "Right cheek", &right));
  g_assert_cmpstr (right, ==, "Boxcar acne scars (Moderate), Melasma (Moderate)");

  g_object_unref (panel);
}

static void
test_session_log (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  GtkWidget *view = g_object_ref_sink (nm_schedule_view_new ());
  NmSession *session;
  const NmPlanRegion *cheek = nm_plan_lookup_region (plan, "cheek-left");
  GtkWidget *spin = NULL;
  double depth = 0;

  nm_schedule_view_set_consultation (NM_SCHEDULE_VIEW (view), consultation);
  nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);

  session = log_and_accept (NM_SCHEDULE_VIEW (view));
  g_assert_nonnull (session);
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 1);
  g_assert_cmpstr (nm_session_get_date (session), ==, "2026-12-01");
  g_assert_true (nm_session_get_done (session));
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, cheek->min_mm);

  /* the row's spin button records the depth actually used, undoably */
  g_clear_pointer (&plan, nm_plan_unref);
  plan = plan_for (consultation);
  nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);
  spin = find_widget (view, GTK_TYPE_SPIN_BUTTON, NULL);
  g_assert_nonnull (spin);
  {
    const char *region = g_object_get_data (G_OBJECT (spin), "nm-region");
    double before = 0;

    g_assert_true (nm_session_get_depth (session, region, &before));
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), before, 1e-9);
    /* no undo of its own: Ctrl+Z in it emptied it (and 0 mm was recorded) */
    g_assert_false (gtk_editable_get_enable_undo (GTK_EDITABLE (spin)));
    /* the wheel over it, not being edited, does not change it */
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (spin);
      gboolean handled = FALSE;

      for (guint c = 0; c < g_list_model_get_n_items (controllers); c++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, c);

          if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller) &&
              gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
            g_signal_emit_by_name (controller, "scroll", 0.0, 1.0, &handled);
        }
      g_assert_true (handled);
      g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), before, 1e-9);
    }
    /* a whole number of the device's 0.25 mm steps, within the plan */
    g_assert_cmpfloat (before, !=, 0.25);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.25);
    g_assert_true (nm_session_get_depth (session, region, &depth));
    g_assert_cmpfloat_with_epsilon (depth, 0.25, 1e-9);
    g_assert_true (nm_consultation_undo (consultation));
    g_assert_true (nm_session_get_depth (session, region, &depth));
    g_assert_cmpfloat_with_epsilon (depth, before, 1e-9);

    /* the field shows what undo restored, as the window's refresh does */
    g_clear_pointer (&plan, nm_plan_unref);
    plan = plan_for (consultation);
    nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), before, 1e-9);
  }

  /* the next one logged is the next planned: the scalp's second session */
  session = log_and_accept (NM_SCHEDULE_VIEW (view));
  g_assert_cmpstr (nm_session_get_date (session), ==, "2026-12-01");
  g_clear_pointer (&plan, nm_plan_unref);
  plan = plan_for (consultation);
  nm_schedule_view_set_plan (NM_SCHEDULE_VIEW (view), plan);
  session = log_and_accept (NM_SCHEDULE_VIEW (view));
  g_assert_cmpstr (nm_session_get_date (session), ==, "2026-12-15");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 3);

  /* logging is one undo step */
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 2);

  drain ();
  g_assert_finalize_object (view);
}

/* The timeline's text follows the view's font, and is never below 11 px
 * at 1× (issue 14, defect 10: it was about 7 px). */
static void
test_schedule_font (void)
{
  g_autoptr(GtkCssProvider) large = gtk_css_provider_new ();
  g_autoptr(GtkCssProvider) tiny = gtk_css_provider_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = nm_schedule_view_new ();
  GtkStyleContext *context = gtk_widget_get_style_context (view);
  double px;

  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (view);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  px = _nm_schedule_view_get_font_px (NM_SCHEDULE_VIEW (view));
  g_test_message ("default: %.1f px", px);
  g_assert_cmpfloat (px * NM_SCHEDULE_SMALLEST_TEXT, >=, 11);

  gtk_css_provider_load_from_data (large, "* { font-size: 20px; }", -1);
  gtk_style_context_add_provider (context, GTK_STYLE_PROVIDER (large), GTK_STYLE_PROVIDER_PRIORITY_USER);
  gtk_test_widget_wait_for_draw (view);
  px = _nm_schedule_view_get_font_px (NM_SCHEDULE_VIEW (view));
  g_assert_cmpfloat (fabs (px - 20), <, 0.5);
  gtk_style_context_remove_provider (context, GTK_STYLE_PROVIDER (large));

  gtk_css_provider_load_from_data (tiny, "* { font-size: 6px; }", -1);
  gtk_style_context_add_provider (context, GTK_STYLE_PROVIDER (tiny), GTK_STYLE_PROVIDER_PRIORITY_USER);
  gtk_test_widget_wait_for_draw (view);
  px = _nm_schedule_view_get_font_px (NM_SCHEDULE_VIEW (view));
  g_assert_cmpfloat (px * NM_SCHEDULE_SMALLEST_TEXT, >=, 11);
  gtk_style_context_remove_provider (context, GTK_STYLE_PROVIDER (tiny));
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Brush tool has an icon of its own (issue 14, defect 11: it showed
 * edit-select-all, a dashed square), found in the application's icons. */
static void
test_brush_icon (void)
{
  g_autoptr(GBytes) ui = g_resources_lookup_data ("/io/github/needlemap/Needlemap/nm-workspace.ui", 0, NULL);
  g_autoptr(GtkIconTheme) theme = gtk_icon_theme_new ();
  const char *text, *brush, *icon;
  g_autofree char *name = NULL;

  g_assert_nonnull (ui);
  text = g_bytes_get_data (ui, NULL);
  brush = strstr (text, "'brush'");
  g_assert_nonnull (brush);
  /* the icon-name of the button whose target is the brush */
  for (icon = brush; icon > text && strncmp (icon, "icon-name\">", 11) != 0; icon--)
    ;
  g_assert_true (icon > text);
  name = g_strndup (icon + 11, strcspn (icon + 11, "<"));
  g_assert_cmpstr (name, ==, "nm-brush-symbolic");

  gtk_icon_theme_add_resource_path (theme, "/io/github/needlemap/Needlemap/icons");
  g_assert_true (gtk_icon_theme_has_icon (theme, name));
}

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static gboolean
set_flag_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* A message dialog too narrow for its buttons side by side stacks them,
 * the destructive one first: the focus stays on the default response, so
 * that Enter never discards or overwrites (issue 13; the new-user test
 * found it on "Record a Depth Above the Plan?" in German). */
static void
test_dialog_keeps_safe_focus (void)
{
  GtkWidget *parent = gtk_window_new ();
  GtkWidget *dialog;
  GtkWidget *focus;
  guint timeout;
  gboolean timed_out = FALSE;

  gtk_window_present (GTK_WINDOW (parent));
  dialog = adw_message_dialog_new (GTK_WINDOW (parent), "Heading", "Body");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", "_Cancel and keep everything as it is now",
                                    "record", "_Record it anyway, although it is deeper than planned",
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));

  timeout = g_timeout_add_seconds (20, set_flag_cb, &timed_out);
  while (!widget_mapped (dialog) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  drain ();

  focus = gtk_window_get_focus (GTK_WINDOW (dialog));
  g_assert_true (GTK_IS_BUTTON (focus));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "_Cancel and keep everything as it is now");

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (parent));
  drain ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  adw_init ();

  g_test_add_func ("/outputs/widgets/acknowledgement", test_acknowledgement);
  g_test_add_func ("/outputs/widgets/acknowledgement-in-place", test_acknowledgement_in_place);
  g_test_add_func ("/outputs/widgets/session-log", test_session_log);
  g_test_add_func ("/outputs/widgets/long-log", test_long_log);
  g_test_add_func ("/outputs/widgets/many-findings", test_many_findings);
  g_test_add_func ("/outputs/widgets/schedule-font", test_schedule_font);
  g_test_add_func ("/outputs/widgets/brush-icon", test_brush_icon);
  g_test_add_func ("/outputs/widgets/dialog-keeps-safe-focus", test_dialog_keeps_safe_focus);

  return g_test_run ();
}
