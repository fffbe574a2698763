/* test-map.c: tagging through the map and its panels, under Xvfb
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "nm-atlas.h"
#include "nm-finding.h"
#include "nm-map-view.h"
#include "nm-plan.h"
#include "nm-tag-panel.h"
#include "nm-window.h"
#include "window-test-util.h"

typedef struct
{
  NmWindow       *window;
  NmConsultation *consultation;
  NmMapView      *map;
  NmTagPanel     *panel;
} Fixture;

static void
settle (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = g_object_new (NM_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new", NULL));
  settle (GTK_WIDGET (f->window));

  f->consultation = nm_window_get_consultation (f->window);
  f->map = nm_window_get_map_view (f->window);
  f->panel = nm_window_get_tag_panel (f->window);

  /* A skin type and a fully answered screening: a clean starting point. */
  nm_consultation_set_fitzpatrick (f->consultation, 2);
  nm_consultation_set_birth_date (f->consultation, "1990-01-01");
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (f->consultation, nm_vocab_screening (i)->id, NM_ANSWER_NO);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  window_test_destroy (f->window);
}

static const NmPlanRegion *
planned (Fixture    *f,
         const char *region)
{
  NmPlan *plan = nm_window_get_plan (f->window);

  g_assert_nonnull (plan);
  return nm_plan_lookup_region (plan, region);
}

static void
test_select_then_tag (Fixture       *f,
                      gconstpointer  data)
{
  const char * const *selection;
  const NmPlanRegion *region;

  g_assert_null (planned (f, "cheek-left"));
  g_assert_cmpint (nm_plan_get_status (nm_window_get_plan (f->window)), ==, NM_PLAN_OK);

  /* Click selects; Ctrl+click adds. */
  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  nm_map_view_activate_region (f->map, "cheek-right", TRUE);
  selection = nm_map_view_get_selection (f->map);
  g_assert_cmpuint (g_strv_length ((char **) selection), ==, 2);
  g_assert_cmpstrv (nm_tag_panel_get_regions (f->panel), selection);

  /* Severity, then one click on a kind tags both regions as one step. */
  nm_tag_panel_set_severity (f->panel, 3);
  nm_tag_panel_set_kind (f->panel, "acne-scar-rolling");
  g_assert_true (nm_tag_panel_tag_regions (f->panel, nm_tag_panel_get_regions (f->panel)));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 2);

  region = planned (f, "cheek-left");
  g_assert_nonnull (region);
  g_assert_true (region->treat);
  g_assert_cmpfloat (region->max_mm, >=, 1.0);
  g_assert_cmpfloat (region->max_mm, <=, 2.5);
  g_assert_nonnull (planned (f, "cheek-right"));

  /* One undo takes both away, and the plan follows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 0);
  g_assert_null (planned (f, "cheek-left"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.redo", NULL));
  g_assert_nonnull (planned (f, "cheek-right"));
}

static void
test_brush (Fixture       *f,
            gconstpointer  data)
{
  const char *regions[] = { "forehead", "chin", "nose", "neck", "upper-lip" };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "brush"));
  g_assert_cmpint (nm_map_view_get_tool (f->map), ==, NM_MAP_TOOL_BRUSH);

  /* Without a kind, the brush tags nothing. */
  nm_map_view_activate_region (f->map, "forehead", FALSE);
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 0);

  nm_tag_panel_set_kind (f->panel, "fine-lines");
  nm_tag_panel_set_severity (f->panel, 2);
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    nm_map_view_activate_region (f->map, regions[i], FALSE);

  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, G_N_ELEMENTS (regions));
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      const NmPlanRegion *region = planned (f, regions[i]);

      g_assert_nonnull (region);
      g_assert_true (region->treat);
    }
  /* Perioral work after a "no" to cold sores: nothing to add; not asked,
   * the plan asks; a history, prophylaxis (spec §3.2). */
  g_assert_false (nm_plan_has_warning (nm_window_get_plan (f->window), "herpes-ask", NULL));
  nm_consultation_set_screening (f->consultation, "herpes-history", NM_ANSWER_UNKNOWN);
  g_assert_true (nm_plan_has_warning (nm_window_get_plan (f->window), "herpes-ask", "upper-lip"));
  nm_consultation_set_screening (f->consultation, "herpes-history", NM_ANSWER_YES);
  g_assert_true (nm_plan_has_warning (nm_window_get_plan (f->window), "herpes-prophylaxis", "upper-lip"));
}

static void
test_keyboard_navigation (Fixture       *f,
                          gconstpointer  data)
{
  const char *first, *next;

  gtk_widget_grab_focus (GTK_WIDGET (f->map));
  settle (GTK_WIDGET (f->map));
  g_assert_true (nm_map_view_move_focus (f->map, 0, 0) || nm_map_view_get_focus_region (f->map));
  first = nm_map_view_get_focus_region (f->map);
  g_assert_nonnull (first);

  /* Tab walks to another region; arrows move in their direction. */
  g_assert_true (nm_map_view_move_focus (f->map, 0, 2));
  next = nm_map_view_get_focus_region (f->map);
  g_assert_nonnull (next);
  g_assert_cmpstr (first, !=, next);

  nm_map_view_activate_region (f->map, "cheek-right", FALSE);
  g_assert_true (nm_map_view_move_focus (f->map, 1, 0));
  /* The client's right cheek is on the viewer's left: moving right from it
   * reaches something nearer the middle or the other side. */
  g_assert_cmpstr (nm_map_view_get_focus_region (f->map), !=, "cheek-right");
}

static void
test_blocked_status (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(NmFinding) finding = nm_finding_new ("cheek-left", "acne-scar-boxcar", 2);

  nm_consultation_add_finding (f->consultation, finding);
  g_assert_cmpint (nm_plan_get_status (nm_window_get_plan (f->window)), ==, NM_PLAN_OK);

  nm_consultation_set_screening (f->consultation, "isotretinoin", NM_ANSWER_YES);
  g_assert_cmpint (nm_plan_get_status (nm_window_get_plan (f->window)), ==, NM_PLAN_BLOCKED);
  g_assert_false (planned (f, "cheek-left")->treat);

  nm_consultation_set_screening (f->consultation, "isotretinoin", NM_ANSWER_UNKNOWN);
  g_assert_cmpint (nm_plan_get_status (nm_window_get_plan (f->window)), ==, NM_PLAN_CAUTION);
}

/* Widgets of the panel, found the way a practitioner finds them. */

static GtkWidget *
find_kind_button (GtkWidget  *widget,
                  const char *kind)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "kind"), kind) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_kind_button (c, kind);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_label_containing (GtkWidget  *widget,
                       const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label_containing (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The severity button that shows @severity ("3"). */
static GtkWidget *
find_severity_button (GtkWidget *widget,
                      guint      severity)
{
  g_autofree char *label = g_strdup_printf ("%u", severity);

  if (GTK_IS_TOGGLE_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_severity_button (c, severity);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

/* The message dialog the window shows, if any. */
static AdwMessageDialog *
find_dialog (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          gtk_window_get_transient_for (window) == GTK_WINDOW (f->window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static const NmPoint outline_points[] = { { 0.60, 0.55 }, { 0.66, 0.57 }, { 0.64, 0.62 }, { 0.59, 0.60 } };

static void
draw_outline (Fixture    *f,
              const char *region)
{
  g_signal_emit_by_name (f->map, "outline-drawn", region, outline_points, (guint) G_N_ELEMENTS (outline_points));
  settle (GTK_WIDGET (f->window));
}

/* Issue 14, defect 1: an outline goes to the region's one finding; it
 * never makes a finding of the brush's kind. */
static void
test_outline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(NmFinding) rolling = nm_finding_new ("cheek-left", "acne-scar-rolling", 3);
  NmFinding *finding;
  guint n = 0;

  nm_consultation_add_finding (f->consultation, rolling);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "outline"));
  /* the kind and severity of the panel are not what an outline uses */
  nm_tag_panel_set_kind (f->panel, "acne-scar-rolling");
  nm_tag_panel_set_severity (f->panel, 2);
  draw_outline (f, "cheek-left");

  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  finding = nm_consultation_get_finding (f->consultation, 0);
  g_assert_true (finding == rolling);
  g_assert_cmpuint (nm_finding_get_severity (finding), ==, 3);
  g_assert_cmpstr (nm_finding_get_view (finding), ==, "face-front");
  nm_finding_get_outline (finding, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (outline_points));
  g_assert_null (find_dialog (f));
  /* the Findings panel shows it, selected, and says where outlines go */
  g_assert_cmpstrv (nm_tag_panel_get_regions (f->panel), ((const char *[]) { "cheek-left", NULL }));
  g_assert_true (nm_tag_panel_get_selected_finding (f->panel) == rolling);
  g_assert_nonnull (find_label_containing (GTK_WIDGET (f->panel), "the outline is added to that finding"));
  g_assert_null (find_label_containing (GTK_WIDGET (f->panel), "Each click on the map tags"));

  /* one undo takes the outline away, and only it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL));
  g_assert_false (nm_finding_has_outline (rolling));
  g_assert_null (nm_finding_get_view (rolling));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
}

/* Issue 14, defect 1: on a region with nothing tagged, an outline asks
 * for a finding first and adds none, whatever the brush holds. */
static void
test_outline_never_invents (Fixture       *f,
                            gconstpointer  data)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "brush"));
  nm_tag_panel_set_kind (f->panel, "striae-alba");
  nm_map_view_activate_region (f->map, "forehead", FALSE);
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "outline"));
  draw_outline (f, "cheek-right");
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_cmpstr (nm_finding_get_region (nm_consultation_get_finding (f->consultation, 0)), ==, "forehead");
  g_assert_false (nm_finding_has_outline (nm_consultation_get_finding (f->consultation, 0)));
  g_assert_null (planned (f, "cheek-right"));
  g_assert_null (find_dialog (f));
  /* the region waits in the Findings panel to be tagged */
  g_assert_cmpstrv (nm_tag_panel_get_regions (f->panel), ((const char *[]) { "cheek-right", NULL }));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (f->panel), "click a kind to tag it, then draw its outline"));
  /* a click on a kind tags it there, and the next outline goes to it */
  g_signal_emit_by_name (find_kind_button (GTK_WIDGET (f->panel), "melasma"), "clicked");
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 2);
  draw_outline (f, "cheek-right");
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 2);
  g_assert_true (nm_finding_has_outline (nm_consultation_get_finding (f->consultation, 1)));
}

/* Issue 14, defect 1: with several findings on the region, the
 * practitioner chooses; cancelling changes nothing. */
static void
test_outline_asks_which (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(NmFinding) rolling = nm_finding_new ("cheek-left", "acne-scar-rolling", 3);
  g_autoptr(NmFinding) icepick = nm_finding_new ("cheek-left", "acne-scar-icepick", 2);
  AdwMessageDialog *dialog;

  nm_consultation_add_finding (f->consultation, rolling);
  nm_consultation_add_finding (f->consultation, icepick);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "outline"));

  draw_outline (f, "cheek-left");
  dialog = find_dialog (f);
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "finding-0"));
  g_assert_true (adw_message_dialog_has_response (dialog, "finding-1"));
  g_assert_false (adw_message_dialog_has_response (dialog, "finding-2"));
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  g_assert_false (nm_finding_has_outline (rolling));
  g_assert_false (nm_finding_has_outline (icepick));

  draw_outline (f, "cheek-left");
  dialog = g_object_ref (find_dialog (f));
  adw_message_dialog_response (dialog, "finding-1");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  settle (GTK_WIDGET (f->window));

  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 2);
  g_assert_false (nm_finding_has_outline (rolling));
  g_assert_true (nm_finding_has_outline (icepick));
  g_assert_cmpuint (nm_finding_get_severity (icepick), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL));
  g_assert_false (nm_finding_has_outline (icepick));
}

/* Issue 14, defect 4: the severity of the finding just tagged can be
 * changed (and undone); a kind the region has is selected, not added
 * again; the header and the list use the same words. */
static void
test_severity_edit_and_duplicates (Fixture       *f,
                                   gconstpointer  data)
{
  GtkWidget *panel = GTK_WIDGET (f->panel);
  GtkWidget *icepick_button, *three, *description;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  NmFinding *finding;

  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  settle (GTK_WIDGET (f->window));
  g_assert_nonnull (find_label_containing (panel, "Click a kind to tag it here"));

  icepick_button = find_kind_button (panel, "acne-scar-icepick");
  g_assert_nonnull (icepick_button);
  g_signal_emit_by_name (icepick_button, "clicked");
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  finding = nm_consultation_get_finding (f->consultation, 0);
  g_assert_cmpuint (nm_finding_get_severity (finding), ==, 2);
  /* a region with a tag is not asked to be tagged */
  g_assert_null (find_label_containing (panel, "Click a kind to tag it here"));

  /* severity 3, after tagging: the finding takes it, as one undo step */
  three = find_severity_button (panel, 3);
  g_assert_nonnull (three);
  g_signal_emit_by_name (three, "clicked");
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_finding_get_severity (finding), ==, 3);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (three)));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);

  /* the same words in the header and in the list: "Marked", never the
   * acne grade's "moderate" for severity 3 */
  collect_rows (panel, rows);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), "Marked"));
  description = find_label_containing (panel, "Grade 3");
  g_assert_nonnull (description);
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (description)), "moderate"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL));
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_finding_get_severity (finding), ==, 2);
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_cmpuint (nm_tag_panel_get_severity (f->panel), ==, 2);

  /* the same kind again: no second row, the one there is selected */
  g_signal_emit_by_name (icepick_button, "clicked");
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_ptr_array_set_size (rows, 0);
  collect_rows (panel, rows);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (gtk_list_box_row_is_selected (g_ptr_array_index (rows, 0)));

  /* the brush on a region that has the kind gives it the brush's severity */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "brush"));
  nm_tag_panel_set_kind (f->panel, "acne-scar-icepick");
  nm_tag_panel_set_severity (f->panel, 4);
  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_cmpuint (nm_finding_get_severity (finding), ==, 4);
}

/* The kinds' grid, the flow box of @kind's button. */
static GtkWidget *
kinds_grid (Fixture    *f,
            const char *kind)
{
  GtkWidget *button = find_kind_button (GTK_WIDGET (f->panel), kind);

  g_assert_nonnull (button);
  return gtk_widget_get_ancestor (button, GTK_TYPE_FLOW_BOX);
}

static double
y_in_panel (Fixture   *f,
            GtkWidget *widget)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (f->panel),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  return point.y;
}

/* New-user test: a click on a kind moved the kinds 16–30 pixels (the
 * header and the grade's description grew), so that a second click at
 * the same place hit another kind.  The kinds stay where they are. */
static void
test_kinds_do_not_move (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *grid;
  double before;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 1024, 600);
  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  settle (GTK_WIDGET (f->window));
  grid = kinds_grid (f, "acne-scar-rolling");
  before = y_in_panel (f, grid);

  /* a kind with a long grade description, tagged and selected */
  g_signal_emit_by_name (find_kind_button (GTK_WIDGET (f->panel), "acne-scar-rolling"), "clicked");
  nm_tag_panel_set_severity (f->panel, 3);
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_cmpfloat (y_in_panel (f, grid), ==, before);

  /* another region, nothing selected there */
  nm_map_view_activate_region (f->map, "forehead", FALSE);
  settle (GTK_WIDGET (f->window));
  g_assert_cmpfloat (y_in_panel (f, grid), ==, before);

  /* the brush */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.tool", "s", "brush"));
  settle (GTK_WIDGET (f->window));
  g_assert_cmpfloat (y_in_panel (f, grid), ==, before);
}

/* New-user test: each kind took two Tab presses (its flow box child,
 * then its button) and Enter did nothing on one of them, so that the brush
 * kept the previous kind.  Each kind is one focus stop, and Enter (the
 * focus stop's activation) tags its kind. */
static void
test_kinds_keyboard (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *icepick, *boxcar, *rolling, *focus;
  GtkRoot *root = GTK_ROOT (f->window);

  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  nm_tag_panel_set_kind (f->panel, "acne-scar-icepick");
  settle (GTK_WIDGET (f->window));
  icepick = find_kind_button (GTK_WIDGET (f->panel), "acne-scar-icepick");
  boxcar = find_kind_button (GTK_WIDGET (f->panel), "acne-scar-boxcar");
  rolling = find_kind_button (GTK_WIDGET (f->panel), "acne-scar-rolling");

  /* the focus on the first kind, as after a Tab into the grid */
  g_assert_true (gtk_widget_child_focus (gtk_widget_get_ancestor (icepick, GTK_TYPE_FLOW_BOX),
                                         GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == icepick || gtk_widget_is_ancestor (icepick, focus));

  /* one Tab: the next kind */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == boxcar || gtk_widget_is_ancestor (boxcar, focus));
  g_assert_true (focus == boxcar || GTK_IS_FLOW_BOX_CHILD (focus));

  /* Enter on it: that kind, tagged */
  g_assert_true (gtk_widget_activate (focus));
  settle (GTK_WIDGET (f->window));
  g_assert_cmpstr (nm_tag_panel_get_kind (f->panel), ==, "acne-scar-boxcar");
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_cmpstr (nm_finding_get_kind (nm_consultation_get_finding (f->consultation, 0)), ==, "acne-scar-boxcar");

  /* an arrow key: the kind on the right */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_RIGHT));
  focus = gtk_root_get_focus (root);
  g_assert_true (focus == rolling || gtk_widget_is_ancestor (rolling, focus));
}

static guint
n_pressed_kinds (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_TOGGLE_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "kind") != NULL &&
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget)))
    n++;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += n_pressed_kinds (c);
  return n;
}

static gboolean
label_shown (GtkWidget  *panel,
             const char *text)
{
  GtkWidget *label = find_label_containing (panel, text);

  return label != NULL && gtk_widget_get_mapped (label);
}

/* New-user test: a region with no findings showed the last kind pressed
 * and the acne scars' grade, as if tagged; a click on a kind the region
 * had seemed to do nothing. */
static void
test_untagged_region_looks_untagged (Fixture       *f,
                                     gconstpointer  data)
{
  GtkWidget *panel = GTK_WIDGET (f->panel);
  GtkWidget *rolling = find_kind_button (panel, "acne-scar-rolling");
  NmFinding *finding;

  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  g_signal_emit_by_name (rolling, "clicked");
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  finding = nm_consultation_get_finding (f->consultation, 0);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (rolling)));
  g_assert_cmpuint (n_pressed_kinds (panel), ==, 1);
  g_assert_false (label_shown (panel, "Nothing tagged here yet"));

  /* another region, with no findings: no kind pressed, no grade of acne
   * scars, and the list says so */
  nm_map_view_activate_region (f->map, "forehead", FALSE);
  settle (GTK_WIDGET (f->window));
  g_assert_cmpstr (nm_tag_panel_get_kind (f->panel), ==, "acne-scar-rolling");
  g_assert_cmpuint (n_pressed_kinds (panel), ==, 0);
  g_assert_null (find_label_containing (panel, "Grade "));
  g_assert_true (label_shown (panel, "Nothing tagged here yet"));
  g_assert_true (label_shown (panel, "Click a kind to tag it here, severity 2"));

  /* back on the cheek: its kind pressed again; a second click on it
   * selects its finding and says so */
  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  settle (GTK_WIDGET (f->window));
  g_assert_null (nm_tag_panel_get_selected_finding (f->panel));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (rolling)));
  g_signal_emit_by_name (rolling, "clicked");
  settle (GTK_WIDGET (f->window));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_true (nm_tag_panel_get_selected_finding (f->panel) == finding);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (rolling)));
  g_assert_true (label_shown (panel, "Already tagged: Rolling acne scars"));
}

/* Issue 14 (How): the findings list is bound to the findings, not torn
 * down on each edit: after an edit of one finding, the other rows are the
 * same widgets, and the focus and the scroll stay where they were. */
static void
test_findings_list_kept (Fixture       *f,
                         gconstpointer  data)
{
  const char *kinds[] = { "acne-scar-icepick", "acne-scar-boxcar", "acne-scar-rolling", "scar-surgical" };
  g_autoptr(GPtrArray) before = g_ptr_array_new ();
  g_autoptr(GPtrArray) after = g_ptr_array_new ();
  GtkWidget *last, *focus;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;
  double value;

  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_signal_emit_by_name (find_kind_button (GTK_WIDGET (f->panel), kinds[i]), "clicked");
  settle (GTK_WIDGET (f->window));
  collect_rows (GTK_WIDGET (f->panel), before);
  g_assert_cmpuint (before->len, ==, G_N_ELEMENTS (kinds));

  /* the last row's remove button in view and focused */
  last = g_ptr_array_index (before, before->len - 1);
  focus = gtk_widget_get_last_child (last);
  while (focus != NULL && !GTK_IS_BUTTON (focus))
    focus = gtk_widget_get_last_child (focus);
  g_assert_nonnull (focus);
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (last, GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  gtk_widget_grab_focus (focus);
  settle (GTK_WIDGET (f->window));
  value = gtk_adjustment_get_value (adjustment);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == focus);

  /* an edit of the first finding */
  nm_consultation_set_finding_severity (f->consultation, nm_consultation_get_finding (f->consultation, 0), 4);
  settle (GTK_WIDGET (f->window));
  collect_rows (GTK_WIDGET (f->panel), after);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (g_ptr_array_index (after, i) == g_ptr_array_index (before, i));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (g_ptr_array_index (after, 0)), "Severity 4"));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == focus);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, value);
}

static void
test_view_and_layer_actions (Fixture       *f,
                             gconstpointer  data)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "body-back"));
  g_assert_cmpint (nm_map_view_get_view (f->map), ==, NM_VIEW_BODY_BACK);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-layer", NULL));
  g_assert_cmpint (nm_map_view_get_layer (f->map), ==, NM_MAP_LAYER_DEPTH);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.layer", "s", "findings"));
  g_assert_cmpint (nm_map_view_get_layer (f->map), ==, NM_MAP_LAYER_FINDINGS);
  settle (GTK_WIDGET (f->map));
}

static void
test_switch_pane (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *focus;

  /* F6 goes to the map, and from the map into the side panel. The root's
   * focus widget is checked, not has-focus, which also needs the window to
   * be the active one: not a given under a busy Xvfb without a WM. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-pane", NULL));
  settle (GTK_WIDGET (f->window));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == GTK_WIDGET (f->map));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-pane", NULL));
  settle (GTK_WIDGET (f->window));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus != GTK_WIDGET (f->map));
  g_assert_false (gtk_widget_is_ancestor (focus, GTK_WIDGET (f->map)));
}

/* Click a region, press Escape: the Findings panel says "No Region
 * Selected", and the map highlights no region either, although it keeps
 * the focus (issue 14, defect 11). The keyboard, when it brings the focus,
 * shows its region again. The root's focus widget is checked, as in
 * /map/switch-pane: the window need not be the active one. */
static void
test_no_highlight_without_selection (Fixture       *f,
                                     gconstpointer  data)
{
  const char *one[] = { "forehead", NULL };
  GtkRoot *root = GTK_ROOT (f->window);

  /* what a click on the forehead does */
  gtk_widget_grab_focus (GTK_WIDGET (f->map));
  nm_map_view_activate_region (f->map, "forehead", FALSE);
  g_assert_true (gtk_root_get_focus (root) == GTK_WIDGET (f->map));
  g_assert_cmpstrv (nm_tag_panel_get_regions (f->panel), one);
  g_assert_cmpstr (nm_map_view_get_focus_region (f->map), ==, "forehead");
  g_assert_null (nm_map_view_get_keyboard_region (f->map));

  /* what Escape does */
  nm_map_view_set_selection (f->map, NULL);
  g_assert_null (nm_tag_panel_get_regions (f->panel));
  g_assert_true (gtk_root_get_focus (root) == GTK_WIDGET (f->map));
  g_assert_null (nm_map_view_get_keyboard_region (f->map));

  /* F6 to the panel and back: the keyboard's region shows */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-pane", NULL));
  g_assert_true (gtk_root_get_focus (root) != GTK_WIDGET (f->map));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-pane", NULL));
  g_assert_true (gtk_root_get_focus (root) == GTK_WIDGET (f->map));
  g_assert_cmpstr (nm_map_view_get_keyboard_region (f->map), ==, "forehead");
}

static gboolean
is_label_saying (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_label_saying (child, text))
      return TRUE;
  return FALSE;
}

static const char *
side_panel (Fixture *f)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (f->panel), ADW_TYPE_VIEW_STACK);

  return adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack));
}

/* An edit made in another view, undone: the map goes back to that view and
 * selects the region, the Findings panel shows it, and a toast says what
 * was undone (issue 14, defect 11). Redo does the same. */
static void
test_undo_shows_where (Fixture       *f,
                       gconstpointer  data)
{
  const char *cheek[] = { "cheek-left", NULL };
  const char *back[] = { "upper-back", NULL };
  GtkWidget *side = gtk_widget_get_ancestor (GTK_WIDGET (f->panel), ADW_TYPE_VIEW_STACK);

  /* rolling scars tagged on the left cheek, in the left profile */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "face-left"));
  nm_map_view_activate_region (f->map, "cheek-left", FALSE);
  nm_tag_panel_set_kind (f->panel, "acne-scar-rolling");
  g_assert_true (nm_tag_panel_tag_regions (f->panel, cheek));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);

  /* then the practitioner goes elsewhere: the back, the screening */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "body-back"));
  nm_map_view_set_selection (f->map, back);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (side), "screening");
  g_assert_false (is_label_saying (GTK_WIDGET (f->window), "Undone: Rolling acne scars · Left cheek"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 0);
  g_assert_cmpint (nm_map_view_get_view (f->map), ==, NM_VIEW_FACE_LEFT);
  g_assert_cmpstrv (nm_map_view_get_selection (f->map), cheek);
  g_assert_cmpstrv (nm_tag_panel_get_regions (f->panel), cheek);
  g_assert_cmpstr (side_panel (f), ==, "tag");
  settle (GTK_WIDGET (f->window));
  g_assert_true (is_label_saying (GTK_WIDGET (f->window), "Undone: Rolling acne scars · Left cheek"));

  /* redo, from the back again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "body-back"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.redo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_findings (f->consultation), ==, 1);
  g_assert_cmpint (nm_map_view_get_view (f->map), ==, NM_VIEW_FACE_LEFT);
  g_assert_true (nm_tag_panel_get_selected_finding (f->panel) == nm_consultation_get_finding (f->consultation, 0));
  settle (GTK_WIDGET (f->window));
  g_assert_true (is_label_saying (GTK_WIDGET (f->window), "Redone: Rolling acne scars · Left cheek"));

  /* a screening answer, undone from the map: the screening shows */
  nm_consultation_set_screening (f->consultation, "pregnancy", NM_ANSWER_YES);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL));
  g_assert_cmpint (nm_consultation_get_screening (f->consultation, "pregnancy"), ==, NM_ANSWER_NO);
  g_assert_cmpstr (side_panel (f), ==, "screening");
  settle (GTK_WIDGET (f->window));
  g_assert_true (is_label_saying (GTK_WIDGET (f->window), "Undone: 1 screening answer"));
}

/* What the map's snapshot appends now. */
static GskRenderNode *
map_node (NmMapView *map)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;

  GTK_WIDGET_GET_CLASS (map)->snapshot (GTK_WIDGET (map), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return node;
}

/* The texture the map's snapshot appends now, with a reference (so that a
 * later texture cannot reuse its address). */
static GdkTexture *
view_texture (NmMapView *map)
{
  GskRenderNode *node = map_node (map);
  GdkTexture *texture;

  g_assert_cmpint (gsk_render_node_get_node_type (node), ==, GSK_TEXTURE_NODE);
  texture = g_object_ref (gsk_texture_node_get_texture (node));
  gsk_render_node_unref (node);
  return texture;
}

static GdkTexture *
map_texture (Fixture *f)
{
  return view_texture (f->map);
}

/* An unchanged map appends the texture of its last frame again: it is
 * neither drawn nor uploaded anew. Any change draws a new one. */
static void
test_unchanged_map_is_not_redrawn (Fixture       *f,
                                   gconstpointer  data)
{
  const char *one[] = { "cheek-left", NULL };
  g_autoptr(GdkTexture) first = NULL;
  g_autoptr(GdkTexture) again = NULL;
  g_autoptr(GdkTexture) exposed = NULL;
  g_autoptr(GdkTexture) selected = NULL;
  g_autoptr(GdkTexture) selected_again = NULL;
  g_autoptr(GdkTexture) edited = NULL;
  g_autoptr(GdkTexture) layered = NULL;
  g_autoptr(NmFinding) finding = nm_finding_new ("forehead", "wrinkles", 2);

  settle (GTK_WIDGET (f->window));
  first = map_texture (f);
  again = map_texture (f);
  g_assert_true (first == again);

  /* An expose of the window (a popover, another widget's redraw). */
  gtk_widget_queue_draw (GTK_WIDGET (f->window));
  settle (GTK_WIDGET (f->window));
  exposed = map_texture (f);
  g_assert_true (exposed == first);

  nm_map_view_set_selection (f->map, one);
  selected = map_texture (f);
  g_assert_true (selected != first);
  selected_again = map_texture (f);
  g_assert_true (selected_again == selected);

  nm_consultation_add_finding (f->consultation, finding);
  settle (GTK_WIDGET (f->window));
  edited = map_texture (f);
  g_assert_true (edited != selected);

  nm_map_view_set_layer (f->map, NM_MAP_LAYER_DEPTH);
  layered = map_texture (f);
  g_assert_true (layered != edited);
}

/* The severity buttons take no Alt+1…4 mnemonic: those keys switch the
 * map's views, whatever panel is shown (issue 14). */
static gboolean
has_underlined_severity (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TOGGLE_BUTTON (child))
        {
          const char *label = gtk_button_get_label (GTK_BUTTON (child));

          if (label != NULL && strlen (label) <= 2 && g_ascii_isdigit (label[strlen (label) - 1]) &&
              gtk_button_get_use_underline (GTK_BUTTON (child)))
            return TRUE;
        }
      if (has_underlined_severity (child))
        return TRUE;
    }
  return FALSE;
}

static void
test_alt_digits_are_views (Fixture       *f,
                           gconstpointer  data)
{
  g_assert_false (has_underlined_severity (GTK_WIDGET (f->panel)));
  /* the window's Alt+2 switches the view */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.view", "s", "face-left"));
  g_assert_cmpint (nm_map_view_get_view (f->map), ==, NM_VIEW_FACE_LEFT);
}

/* A map alone in a window, sized by its size request. */
typedef struct
{
  GtkWindow      *window;
  NmMapView      *map;
  NmConsultation *consultation;
} MapFixture;

static void
map_fixture_setup (MapFixture    *f,
                   gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  f->map = NM_MAP_VIEW (nm_map_view_new ());
  f->consultation = nm_consultation_new ();

  /* Findings with outlines, so that the worker thread has something to
   * stroke; no pointer, so that no hover depends on where Xvfb's is. */
  nm_consultation_set_fitzpatrick (f->consultation, 4);
  for (guint i = 0; i < 40; i++)
    {
      static const char * const regions[] = { "forehead", "cheek-left", "cheek-right", "chin" };
      g_autoptr(NmFinding) finding = nm_finding_new (regions[i % 4], "acne-scar-rolling", 1 + i % 3);
      NmPoint ring[8];

      for (guint k = 0; k < G_N_ELEMENTS (ring); k++)
        {
          ring[k].x = 0.3 + 0.01 * (i % 10) + 0.03 * cos (k * G_PI / 4);
          ring[k].y = 0.3 + 0.01 * (i / 10) + 0.03 * sin (k * G_PI / 4);
        }
      nm_finding_set_outline (finding, "face-front", ring, G_N_ELEMENTS (ring));
      nm_consultation_add_finding (f->consultation, finding);
    }
  nm_map_view_set_consultation (f->map, f->consultation);

  gtk_widget_set_can_target (GTK_WIDGET (f->map), FALSE);
  gtk_widget_set_halign (GTK_WIDGET (f->map), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (f->map), GTK_ALIGN_START);
  gtk_widget_set_size_request (GTK_WIDGET (f->map), 400, 300);
  gtk_window_set_child (f->window, GTK_WIDGET (f->map));
  gtk_window_set_default_size (f->window, 1000, 760);
  gtk_window_present (f->window);
  settle (GTK_WIDGET (f->window));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
map_fixture_teardown (MapFixture    *f,
                      gconstpointer  data)
{
  /* The map goes, also with a frame still being drawn: its worker's
   * reference is dropped when that frame is done. */
  g_object_add_weak_pointer (G_OBJECT (f->map), (gpointer *) &f->map);
  gtk_window_destroy (f->window);
  test_wait_until (is_null, &f->map, "the map view's finalization");
  g_clear_object (&f->consultation);
}

typedef struct
{
  NmMapView *map;
  int        width, height;
} MapSize;

static gboolean
map_has_size (gpointer data)
{
  MapSize *size = data;

  return gtk_widget_get_width (GTK_WIDGET (size->map)) == size->width &&
         gtk_widget_get_height (GTK_WIDGET (size->map)) == size->height;
}

static void
resize_map (MapFixture *f,
            int         width,
            int         height)
{
  MapSize size = { f->map, width, height };

  gtk_widget_set_size_request (GTK_WIDGET (f->map), width, height);
  test_wait_until (map_has_size, &size, "the map's new size");
}

static gboolean
map_is_exact (gpointer map)
{
  return nm_map_view_is_exact (map);
}

static gboolean
map_is_rendering (gpointer map)
{
  return nm_map_view_is_rendering (map);
}

/* At a new size the main thread only shows the last frame scaled; the
 * exact frame comes from the worker thread, and it is the drawing
 * nm_render_map() makes at that size (up to the raster cache's rounding,
 * see /render/cached-equals-direct). */
static void
test_resize_draws_exact (MapFixture    *f,
                         gconstpointer  data)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  NmMapStyle style = { 0 };
  cairo_surface_t *direct;
  GskRenderNode *node;
  cairo_t *cr;
  guint8 *pixels;
  const guint8 *ref;
  int scale, pw, ph, stride;
  guint over = 0, total;

  test_wait_until (map_is_exact, f->map, "the first frame");
  before = view_texture (f->map);
  g_assert_cmpint (gdk_texture_get_width (before), ==, 400 * gtk_widget_get_scale_factor (GTK_WIDGET (f->map)));

  resize_map (f, 560, 420);
  g_assert_false (nm_map_view_is_exact (f->map));
  /* the frame at the new size is the last one, scaled: no drawing here */
  node = map_node (f->map);
  if (gsk_render_node_get_node_type (node) == GSK_CLIP_NODE)
    {
      GskRenderNode *child = gsk_render_node_ref (gsk_clip_node_get_child (node));

      gsk_render_node_unref (node);
      node = child;
    }
  g_assert_cmpint (gsk_render_node_get_node_type (node), ==, GSK_TEXTURE_NODE);
  g_assert_true (gsk_texture_node_get_texture (node) == before);
  gsk_render_node_unref (node);

  test_wait_until (map_is_exact, f->map, "the exact frame at the new size");
  g_assert_false (nm_map_view_is_rendering (f->map));
  after = view_texture (f->map);
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (f->map));
  pw = 560 * scale;
  ph = 420 * scale;
  g_assert_cmpint (gdk_texture_get_width (after), ==, pw);
  g_assert_cmpint (gdk_texture_get_height (after), ==, ph);

  /* The reference: the direct rendering, without the raster cache. */
  style.view = NM_VIEW_FACE_FRONT;
  style.layer = NM_MAP_LAYER_FINDINGS;
  style.consultation = f->consultation;
  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  direct = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_surface_set_device_scale (direct, scale, scale);
  cr = cairo_create (direct);
  nm_atlas_set_raster_cache (atlas, FALSE);
  nm_render_map (cr, &style, 560, 420);
  nm_atlas_set_raster_cache (atlas, TRUE);
  cairo_destroy (cr);
  cairo_surface_flush (direct);

  stride = cairo_image_surface_get_stride (direct);
  pixels = g_malloc ((gsize) stride * ph);
  gdk_texture_download (after, pixels, stride);
  ref = cairo_image_surface_get_data (direct);
  total = (guint) (pw * ph);
  for (int y = 0; y < ph; y++)
    for (int x = 0; x < pw; x++)
      for (int c = 0; c < 4; c++)
        if (ABS ((int) pixels[y * stride + 4 * x + c] - (int) ref[y * stride + 4 * x + c]) > 2)
          {
            over++;
            break;
          }
  g_test_message ("%u of %u pixels more than 2 levels apart", over, total);
  g_assert_cmpuint (over * 1000, <=, total);
  /* and not an empty frame: the anatomy covers much of it */
  over = 0;
  for (int y = 0; y < ph; y++)
    for (int x = 0; x < pw; x++)
      if (pixels[y * stride + 4 * x + 3] != 0)
        over++;
  g_assert_cmpuint (over, >, total / 10);
  g_free (pixels);
  cairo_surface_destroy (direct);
}

/* Sizes that change while the worker thread draws: each stale frame is
 * dropped, the last size's frame is shown, nothing is used after it is
 * freed (run under ASan), and a window closed with a frame in flight goes
 * cleanly. */
static void
test_resize_while_rendering (MapFixture    *f,
                             gconstpointer  data)
{
  for (guint i = 0; i < 8; i++)
    {
      resize_map (f, 420 + 37 * i, 300 + 23 * (i % 3));
      settle (GTK_WIDGET (f->window));
      test_wait_until (map_is_rendering, f->map, "a frame on the worker thread");
      /* another size, and another content, while it draws */
      if (i % 2 == 0)
        nm_map_view_set_selection (f->map, (const char *[]) { "chin", NULL });
    }
  test_wait_until (map_is_exact, f->map, "the last size's exact frame");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->map)), ==, 420 + 37 * 7);

  /* closed with a frame in flight */
  resize_map (f, 500, 500);
  settle (GTK_WIDGET (f->window));
  test_wait_until (map_is_rendering, f->map, "a frame on the worker thread");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/map/select-then-tag", Fixture, NULL, fixture_setup, test_select_then_tag, fixture_teardown);
  g_test_add ("/map/brush", Fixture, NULL, fixture_setup, test_brush, fixture_teardown);
  g_test_add ("/map/keyboard", Fixture, NULL, fixture_setup, test_keyboard_navigation, fixture_teardown);
  g_test_add ("/map/alt-digits-are-views", Fixture, NULL, fixture_setup, test_alt_digits_are_views, fixture_teardown);
  g_test_add ("/map/blocked-status", Fixture, NULL, fixture_setup, test_blocked_status, fixture_teardown);
  g_test_add ("/map/outline", Fixture, NULL, fixture_setup, test_outline, fixture_teardown);
  g_test_add ("/map/outline-never-invents", Fixture, NULL, fixture_setup, test_outline_never_invents, fixture_teardown);
  g_test_add ("/map/outline-asks-which", Fixture, NULL, fixture_setup, test_outline_asks_which, fixture_teardown);
  g_test_add ("/map/kinds-do-not-move", Fixture, NULL, fixture_setup, test_kinds_do_not_move, fixture_teardown);
  g_test_add ("/map/kinds-keyboard", Fixture, NULL, fixture_setup, test_kinds_keyboard, fixture_teardown);
  g_test_add ("/map/untagged-region-looks-untagged", Fixture, NULL, fixture_setup,
              test_untagged_region_looks_untagged, fixture_teardown);
  g_test_add ("/map/findings-list-kept", Fixture, NULL, fixture_setup, test_findings_list_kept, fixture_teardown);
  g_test_add ("/map/severity-edit-and-duplicates", Fixture, NULL, fixture_setup, test_severity_edit_and_duplicates, fixture_teardown);
  g_test_add ("/map/switch-pane", Fixture, NULL, fixture_setup, test_switch_pane, fixture_teardown);
  g_test_add ("/map/no-highlight-without-selection", Fixture, NULL, fixture_setup,
              test_no_highlight_without_selection, fixture_teardown);
  g_test_add ("/map/undo-shows-where", Fixture, NULL, fixture_setup, test_undo_shows_where, fixture_teardown);
  g_test_add ("/map/view-and-layer", Fixture, NULL, fixture_setup, test_view_and_layer_actions, fixture_teardown);
  g_test_add ("/map/unchanged-not-redrawn", Fixture, NULL, fixture_setup, test_unchanged_map_is_not_redrawn, fixture_teardown);

  g_test_add ("/map/resize-draws-exact", MapFixture, NULL, map_fixture_setup, test_resize_draws_exact, map_fixture_teardown);
  g_test_add ("/map/resize-while-rendering", MapFixture, NULL, map_fixture_setup, test_resize_while_rendering, map_fixture_teardown);

  return g_test_run ();
}
