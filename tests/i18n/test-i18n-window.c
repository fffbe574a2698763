/* test-i18n-window.c: the window speaks German under LANG=de_DE.UTF-8
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "i18n-test-util.h"
#include "nm-client-panel.h"
#include "nm-screening-panel.h"
#include "nm-window.h"
#include "../app/window-test-util.h"

static gboolean have_german;

static void
wait_for_draw (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  test_wait_drain ();
}

static NmWindow *
new_window (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 780);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  return window;
}

/* Every text the window's labels and buttons hold, one a line, visible or
 * on a page not shown. */
static void
collect_texts (GtkWidget *widget,
               GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_SPIN_BUTTON (widget))
    g_string_append_printf (out, "<%s mm>\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    g_string_append_printf (out, "[%s]\n", gtk_button_get_label (GTK_BUTTON (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, out);
}

static char *
window_texts (NmWindow *window)
{
  GString *out = g_string_new (NULL);

  collect_texts (GTK_WIDGET (window), out);
  return g_string_free (out, FALSE);
}

static GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The labels under @widget that show a row's title, the way the rows of
 * the screening show their questions. */
static void
collect_title_labels (GtkWidget *widget,
                      GPtrArray *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "title") &&
      gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW) != NULL)
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_title_labels (child, out);
}

static gboolean
has_line (const char *texts,
          const char *line)
{
  g_auto(GStrv) lines = g_strsplit (texts, "\n", -1);

  return g_strv_contains ((const char * const *) lines, line);
}

static void
test_welcome (void)
{
  NmWindow *window;
  g_autofree char *texts = NULL;

  if (!have_german)
    {
      g_test_skip ("the locale de_DE.UTF-8 is not installed (run build-aux/dev deps)");
      return;
    }

  window = new_window ();
  texts = window_texts (window);
  g_test_message ("%s", texts);
  /* the welcome page and its buttons, from the .ui template */
  g_assert_true (has_line (texts, "Beratung beginnen"));
  g_assert_true (has_line (texts, "[_Neue Beratung]"));
  g_assert_true (has_line (texts, "[_Beispiel ausprobieren]"));
  g_assert_false (has_line (texts, "Start a Consultation"));
  g_assert_false (has_line (texts, "[_New Consultation]"));

  /* a title set from C */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Neue Beratung");
  window_test_destroy (window);
}

/* The sample consultation: the plan's reasons in German with a decimal
 * comma, the vocabulary and the status in German. */
static void
test_sample_plan (void)
{
  NmWindow *window;
  g_autofree char *texts = NULL;
  NmPlan *plan;

  if (!have_german)
    {
      g_test_skip ("the locale de_DE.UTF-8 is not installed (run build-aux/dev deps)");
      return;
    }

  window = new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL));
  wait_for_draw (GTK_WIDGET (window));
  plan = nm_window_get_plan (window);
  g_assert_nonnull (plan);
  g_assert_cmpstr (nm_plan_get_series (plan, 0)->label, ==, "Hautserie");

  texts = window_texts (window);
  g_test_message ("%s", texts);
  g_assert_false (has_line (texts, "With precautions"));        /* the status button, translated */
  g_assert_true (has_line (texts, "Eispickel-Aknenarben"));     /* the tag panel's kinds */
  g_assert_true (has_line (texts, "Hauttyp"));                  /* the client panel */
  g_assert_nonnull (strstr (texts, "Schweregrad 3 von 4"));     /* the plan's reasons */
  g_assert_true (i18n_test_has_decimal_comma_mm (texts));
  g_assert_false (i18n_test_has_decimal_point_mm (texts));
  g_assert_null (strstr (texts, "severity"));
  g_assert_false (has_line (texts, "Caution"));
  window_test_destroy (window);
}

/* German questions run long: on a 1024×600 screen each wraps and is read
 * whole ("…oder Retinoide außer Isotretinoin"), none ends in "…". */
static void
test_screening_questions_whole (void)
{
  NmWindow *window;
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  GtkWidget *panel, *side;
  guint n_wrapped = 0;

  if (!have_german)
    {
      g_test_skip ("the locale de_DE.UTF-8 is not installed (run build-aux/dev deps)");
      return;
    }

  window = g_object_new (NM_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL));
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCREENING_PANEL);
  g_assert_nonnull (panel);
  side = gtk_widget_get_ancestor (panel, ADW_TYPE_VIEW_STACK);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (side), "screening");
  wait_for_draw (GTK_WIDGET (window));

  collect_title_labels (panel, titles);
  g_assert_cmpuint (titles->len, ==, 24);
  for (guint i = 0; i < titles->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (titles, i);
      PangoLayout *layout = gtk_label_get_layout (label);

      g_test_message ("%d lines: %s", pango_layout_get_line_count (layout), gtk_label_get_text (label));
      g_assert_false (pango_layout_is_ellipsized (layout));
      if (pango_layout_get_line_count (layout) > 3)
        n_wrapped++;
    }
  /* the long ones need more than three lines at this width */
  g_assert_cmpuint (n_wrapped, >, 0);
  window_test_destroy (window);
}

/* A consultation with a logged session, every question answered. */
static const char logged_file[] =
  "{\"format\":\"needlemap-consultation\",\"version\":1,"
  "\"client\":{\"name\":\"T\",\"birth_date\":\"1990-01-01\",\"fitzpatrick\":3},"
  "\"screening\":{\"active-infection\":false,\"open-wounds\":false,\"skin-cancer\":false,"
  "\"bleeding-disorder\":false,\"isotretinoin\":false,\"pregnancy\":false,\"keloid-tendency\":false,"
  "\"radiotherapy\":false,\"metal-allergy\":false,\"uncontrolled-diabetes\":false,"
  "\"immunosuppression\":false,\"autoimmune-skin-disease\":false,\"anticoagulants\":false,"
  "\"herpes-history\":false,\"active-acne\":false,\"rosacea\":false,\"eczema-psoriasis\":false,"
  "\"recent-procedure\":false,\"sunburn\":false,\"vitiligo\":false,\"photosensitising-drugs\":false,"
  "\"tattoo-in-area\":false,\"pigmented-lesions-in-area\":false,\"pih-history\":false},"
  "\"findings\":[{\"region\":\"cheek-left\",\"kind\":\"acne-scar-rolling\",\"severity\":3},"
  "{\"region\":\"cheek-left\",\"kind\":\"melasma\",\"severity\":2},"
  "{\"region\":\"nose\",\"kind\":\"enlarged-pores\",\"severity\":3},"
  "{\"region\":\"forehead\",\"kind\":\"acne-scar-icepick\",\"severity\":3},"
  "{\"region\":\"eyelid-left\",\"kind\":\"fine-lines\",\"severity\":2}],"
  "\"plan\":{\"start_date\":\"2026-12-01\",\"device\":{\"max_mm\":2.5,\"step_mm\":0.05}},"
  "\"sessions\":[{\"date\":\"2026-12-01\",\"done\":true,\"depth_mm\":{\"cheek-left\":1.25,"
  "\"nose\":0.5,\"forehead\":0.75,\"eyelid-left\":0.25}}]}\n";

/* Every depth on screen has the German decimal comma: the Plan panel's
 * regions, findings and reasons, the session log's planned depths and
 * depths used, the spin buttons. */
static void
test_plan_and_log_decimal_comma (void)
{
  NmWindow *window;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-i18n-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "komma.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *texts = NULL;

  if (!have_german)
    {
      g_test_skip ("the locale de_DE.UTF-8 is not installed (run build-aux/dev deps)");
      return;
    }

  g_assert_true (g_file_set_contents (path, logged_file, -1, NULL));
  window = new_window ();
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  wait_for_draw (GTK_WIDGET (window));

  texts = window_texts (window);
  g_test_message ("%s", texts);
  /* the Plan panel and the session log are there, and speak millimetres */
  g_assert_nonnull (strstr (texts, "Linke Wange"));
  g_assert_true (i18n_test_has_decimal_comma_mm (texts));
  g_assert_false (i18n_test_has_decimal_point_mm (texts));
  {
    g_autoptr(GRegex) spin = g_regex_new ("<[0-9]+\\.[0-9]+ mm>", 0, 0, NULL);

    g_assert_nonnull (strstr (texts, "<1,25 mm>"));
    g_assert_false (g_regex_match (spin, texts, 0, NULL));
  }

  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* The first entry row titled @title under @widget. */
static GtkWidget *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* German dates: shown and typed as 14.05.1991 (or 14/05/1991), stored as
 * ISO; the form to type is in the row. */
static void
test_birth_date_german (void)
{
  NmWindow *window;
  NmConsultation *consultation;
  GtkWidget *panel, *birth, *first;
  NmDateEntryStyle style;

  if (!have_german)
    {
      g_test_skip ("the locale de_DE.UTF-8 is not installed (run build-aux/dev deps)");
      return;
    }

  nm_date_entry_style_for_locale (&style);
  g_assert_cmpint (style.order, ==, NM_DATE_ENTRY_DMY);
  g_assert_cmpint (style.separator, ==, '.');
  g_assert_false (style.slash_month_first);

  window = new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL));
  consultation = nm_window_get_consultation (window);
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_CLIENT_PANEL);
  birth = find_entry_row (panel, "Geburtsdatum");
  first = find_entry_row (panel, "Erste Sitzung");
  g_assert_nonnull (birth);
  g_assert_nonnull (first);
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1991-05-14");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (birth)), ==, "14.05.1991");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (first)), ==, "01.12.2026");

  gtk_editable_set_text (GTK_EDITABLE (birth), "01/02/1990");
  g_signal_emit_by_name (birth, "apply");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1990-02-01");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (birth)), ==, "01.02.1990");
  gtk_editable_set_text (GTK_EDITABLE (birth), "3.4.1985");
  g_signal_emit_by_name (birth, "apply");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1985-04-03");

  /* emptied: the form to type shows in the row */
  gtk_editable_set_text (GTK_EDITABLE (birth), "");
  g_signal_emit_by_name (birth, "apply");
  g_assert_null (nm_consultation_get_birth_date (consultation));
  {
    g_autofree char *texts = NULL;
    GString *out = g_string_new (NULL);

    collect_texts (birth, out);
    texts = g_string_free (out, FALSE);
    g_assert_true (has_line (texts, nm_date_entry_hint (&style)));
  }

  window_test_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  /* as a German desktop session starts the application (gtk_test_init()
   * keeps the C locale, so set it by hand) */
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  have_german = setlocale (LC_ALL, "") != NULL &&
                g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "de_DE");
  adw_init ();
  i18n_test_bind_catalogues ();

  g_test_add_func ("/i18n/window/welcome", test_welcome);
  g_test_add_func ("/i18n/window/screening-questions-whole", test_screening_questions_whole);
  g_test_add_func ("/i18n/window/plan-and-log-decimal-comma", test_plan_and_log_decimal_comma);
  g_test_add_func ("/i18n/window/birth-date-german", test_birth_date_german);
  /* last: it fails until po/de.po translates the status button */
  g_test_add_func ("/i18n/window/sample-plan", test_sample_plan);

  return g_test_run ();
}
