/* test-window.c: the consultation window under Xvfb
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

#include "nm-file.h"
#include "nm-finding.h"
#include "nm-map-view.h"
#include "nm-preferences-window.h"
#include "nm-schedule-view.h"
#include "nm-session.h"
#include "nm-window.h"

static void
wait_for_draw (GtkWidget *widget)
{
  gtk_test_widget_wait_for_draw (widget);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Renders @widget as the screen shows it and returns the image. */
static cairo_surface_t *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Counts the distinct colours in the image: a drawn face has many, an empty
 * widget one or two. */
static guint
count_colours (cairo_surface_t *surface)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y += 2)
    for (int x = 0; x < width; x += 2)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + x * 4);
        g_hash_table_add (seen, GUINT_TO_POINTER (pixel | 1));
      }
  return g_hash_table_size (seen);
}

static NmWindow *
new_window (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  return window;
}

/* The first widget under @widget (itself included) that @match accepts. */
typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find_widget (GtkWidget     *widget,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  return find_widget (widget, is_of_type, GSIZE_TO_POINTER (type));
}

static gboolean
is_view_stack_with (GtkWidget     *widget,
                    gconstpointer  child_name)
{
  return ADW_IS_VIEW_STACK (widget) &&
         adw_view_stack_get_child_by_name (ADW_VIEW_STACK (widget), child_name) != NULL;
}

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_mapped_label_saying (GtkWidget     *widget,
                        gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static void
test_window_welcome_then_new (void)
{
  NmWindow *window = new_window ();
  GtkWidget *map;
  cairo_surface_t *surface;

  /* A fresh window invites the practitioner to start. */
  g_assert_null (nm_window_get_consultation (window));
  g_assert_false (gtk_widget_get_mapped (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_MAP_VIEW)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Needlemap");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  g_assert_nonnull (nm_window_get_consultation (window));
  g_assert_false (nm_window_get_modified (window));
  g_assert_true (nm_window_is_pristine (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "New Consultation");

  map = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_MAP_VIEW);
  g_assert_nonnull (map);
  wait_for_draw (map);
  g_assert_true (gtk_widget_get_mapped (map));
  g_assert_cmpint (gtk_widget_get_width (map), >, 300);

  /* The face is drawn: the map shows far more than a flat background. */
  surface = render_widget (map);
  g_assert_cmpuint (count_colours (surface), >, 20);
  cairo_surface_destroy (surface);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_edit_marks_modified_and_undo (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(NmFinding) finding = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);

  g_assert_false (nm_consultation_can_undo (consultation));

  finding = nm_finding_new ("cheek-left", "acne-scar-rolling", 3);
  nm_consultation_add_finding (consultation, finding);
  g_assert_true (nm_window_get_modified (window));
  g_assert_false (nm_window_is_pristine (window));
  g_assert_cmpuint (nm_consultation_get_n_findings (consultation), ==, 1);

  /* Ctrl+Z goes through the window's action to the model's history. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_findings (consultation), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_findings (consultation), ==, 1);

  /* Destroying skips the save question, as discarding does. */
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_save_and_load (void)
{
  NmWindow *window = new_window ();
  NmWindow *second;
  g_autoptr(NmFinding) finding = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "a.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GStatBuf st;

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  finding = nm_finding_new ("forehead", "fine-lines", 2);
  nm_consultation_add_finding (nm_window_get_consultation (window), finding);
  nm_consultation_set_client_name (nm_window_get_consultation (window), "Zelda Quimby");
  nm_consultation_set_fitzpatrick (nm_window_get_consultation (window), 2);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Zelda Quimby");

  g_assert_true (nm_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_false (nm_window_get_modified (window));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  second = new_window ();
  g_assert_true (nm_window_load_file (second, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (second)), ==, 1);
  g_assert_true (g_file_equal (nm_window_get_file (second), file));
  g_assert_false (nm_window_get_modified (second));

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (second));
  g_unlink (path);
  {
    g_autofree char *backup = g_strconcat (path, "~", NULL);
    g_remove (backup);
  }
  g_rmdir (dir);
}

static void
test_window_refuses_bad_file (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  int fd;

  fd = g_file_open_tmp ("bad-XXXXXX.needlemap", &path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 99}", -1, NULL));
  close (fd);
  file = g_file_new_for_path (path);

  g_assert_false (nm_window_load_file (window, file, &error));
  g_assert_nonnull (error);
  g_assert_null (nm_window_get_consultation (window));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
}

static void
test_window_open_sample (void)
{
  NmWindow *window = new_window ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL));
  g_assert_nonnull (nm_window_get_consultation (window));
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (window)), >, 3);
  /* The sample is never tied to a file, so Save asks where. */
  g_assert_null (nm_window_get_file (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_changed_on_disk (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "b.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkInfoBar *bar = GTK_INFO_BAR (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_INFO_BAR));
  gint64 deadline;

  g_assert_nonnull (bar);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (nm_window_load_file (window, file, &error));
  g_assert_no_error (error);

  /* Our own save is not someone else's change. */
  g_assert_true (nm_window_save_to_file (window, file, &error));
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gtk_info_bar_get_revealed (bar));

  /* Another program writes the file: the window says so, and reloads. */
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 5}, \"findings\": "
                                      "[{\"region\": \"chin\", \"kind\": \"pih\", \"severity\": 1}]}\n", -1, NULL));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!gtk_info_bar_get_revealed (bar) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (gtk_info_bar_get_revealed (bar));

  gtk_info_bar_response (bar, 1);
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (nm_window_get_consultation (window)), ==, 5);
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (window)), ==, 1);
  g_assert_false (gtk_info_bar_get_revealed (bar));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

static AdwMessageDialog *
shown_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *dialog = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        dialog = ADW_MESSAGE_DIALOG (window);
    }
  return dialog;
}

static void
test_window_save_needs_skin_type (void)
{
  NmWindow *window = new_window ();
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);
  AdwViewStack *side;
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  nm_consultation_add_finding (nm_window_get_consultation (window), finding);
  side = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), is_view_stack_with, "client"));
  g_assert_nonnull (side);
  adw_view_stack_set_visible_child_name (side, "tag");

  /* Save and Save As say what is missing before asking where to save. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_null (shown_message_dialog ());
      gtk_widget_activate_action (GTK_WIDGET (window), i == 0 ? "win.save" : "win.save-as", NULL);
      dialog = shown_message_dialog ();
      g_assert_nonnull (dialog);
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Choose the Skin Type First");
      g_assert_cmpstr (adw_view_stack_get_visible_child_name (side), ==, "client");
      gtk_window_destroy (GTK_WINDOW (dialog));
      adw_view_stack_set_visible_child_name (side, "tag");
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_failed_save_on_close_keeps_window (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);
  AdwMessageDialog *dialog;

  g_object_ref (window);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (nm_window_load_file (window, file, &error));
  g_assert_no_error (error);
  nm_consultation_add_finding (nm_window_get_consultation (window), finding);

  /* The folder goes away: Save in the close question fails. */
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_close (GTK_WINDOW (window));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Changes?");
  adw_message_dialog_response (dialog, "save");
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Save the Consultation");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* The folder is back and the practitioner saves: the window stays open. */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_false (nm_window_get_modified (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

static void
test_window_typing_is_not_lost (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "d.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkEditable *name, *notes;
  AdwMessageDialog *dialog;

  g_object_ref (window);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (nm_window_load_file (window, file, &error));
  g_assert_no_error (error);
  name = GTK_EDITABLE (find_widget (GTK_WIDGET (window), is_entry_row_titled, "Name"));
  notes = GTK_EDITABLE (find_widget (GTK_WIDGET (window), is_entry_row_titled, "Notes"));
  g_assert_nonnull (name);
  g_assert_nonnull (notes);

  /* Typed, still in the field (not applied, focus not left), then Ctrl+S. */
  gtk_widget_grab_focus (GTK_WIDGET (name));
  gtk_editable_set_text (name, "Yara Typed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Yara Typed"));
  g_assert_false (nm_window_get_modified (window));

  /* The same in a session's notes, in the session log. */
  {
    GtkWidget *schedule = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW);
    GtkEditable *session_notes;
    NmSession *session;

    g_assert_nonnull (schedule);
    session = nm_schedule_view_log_session (NM_SCHEDULE_VIEW (schedule));
    g_assert_nonnull (session);
    session_notes = GTK_EDITABLE (find_widget (schedule, is_entry_row_titled, "Notes"));
    g_assert_nonnull (session_notes);
    gtk_widget_grab_focus (GTK_WIDGET (session_notes));
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (session_notes)));
    gtk_editable_set_text (session_notes, "numbing cream 20 min");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
    g_clear_pointer (&contents, g_free);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "numbing cream 20 min"));
    g_assert_cmpstr (nm_session_get_notes (session), ==, "numbing cream 20 min");
  }

  /* Typed, then the window is closed: the save question is asked. */
  gtk_widget_grab_focus (GTK_WIDGET (notes));
  gtk_editable_set_text (notes, "typed just before closing");
  g_assert_null (shown_message_dialog ());
  gtk_window_close (GTK_WINDOW (window));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Changes?");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  adw_message_dialog_response (dialog, "discard");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));

  g_object_unref (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

static void
test_preferences_paper_size_shown_whole (void)
{
  NmPreferencesWindow *prefs = nm_preferences_window_new (NULL);
  GtkWidget *label;
  int natural;

  gtk_window_present (GTK_WINDOW (prefs));
  wait_for_draw (GTK_WIDGET (prefs));

  /* The chosen paper size beside its description gets the room it needs. */
  label = find_widget (GTK_WIDGET (prefs), is_mapped_label_saying, "Automatic");
  g_assert_nonnull (label);
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_width (label), >=, natural);

  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
test_window_deleted_on_disk (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkInfoBar *bar = GTK_INFO_BAR (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_INFO_BAR));
  GtkWidget *label;
  gint64 deadline;

  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (nm_window_load_file (window, file, &error));
  g_assert_no_error (error);

  /* Another program deletes it: the window says so instead of pretending. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!gtk_info_bar_get_revealed (bar) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (gtk_info_bar_get_revealed (bar));
  label = find_widget_of_type (GTK_WIDGET (bar), GTK_TYPE_LABEL);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "deleted or moved"));

  /* Saving writes it again where it was, and the bar goes. */
  g_assert_true (nm_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_info_bar_get_revealed (bar));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/welcome-then-new", test_window_welcome_then_new);
  g_test_add_func ("/window/edit-modified-undo", test_window_edit_marks_modified_and_undo);
  g_test_add_func ("/window/save-and-load", test_window_save_and_load);
  g_test_add_func ("/window/refuses-bad-file", test_window_refuses_bad_file);
  g_test_add_func ("/window/open-sample", test_window_open_sample);
  g_test_add_func ("/window/changed-on-disk", test_window_changed_on_disk);
  g_test_add_func ("/window/deleted-on-disk", test_window_deleted_on_disk);
  g_test_add_func ("/window/save-needs-skin-type", test_window_save_needs_skin_type);
  g_test_add_func ("/window/typing-is-not-lost", test_window_typing_is_not_lost);
  g_test_add_func ("/preferences/paper-size-shown-whole", test_preferences_paper_size_shown_whole);
  g_test_add_func ("/window/failed-save-on-close-keeps-window", test_window_failed_save_on_close_keeps_window);

  return g_test_run ();
}
