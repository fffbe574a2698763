/* test-window.c: the consultation window under Xvfb
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "nm-client-panel.h"
#include "nm-file.h"
#include "nm-ics.h"
#include "nm-finding.h"
#include "nm-map-view.h"
#include "nm-plan-panel.h"
#include "nm-preferences-window.h"
#include "nm-schedule-view.h"
#include "nm-screening-panel.h"
#include "nm-session.h"
#include "nm-tag-panel.h"
#include "nm-session-form.h"
#include "nm-vocab.h"
#include "nm-window.h"
#include "window-test-util.h"

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
new_window_sized (int width,
                  int height)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  return window;
}

static NmWindow *
new_window (void)
{
  return new_window_sized (1000, 700);
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

/* Every widget under @widget (itself included) that @match accepts. */
static void
collect_widgets (GtkWidget     *widget,
                 WidgetMatch    match,
                 gconstpointer  data,
                 GPtrArray     *out)
{
  if (match (widget, data))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, match, data, out);
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

static void answer_all (NmConsultation *consultation,
                        NmAnswer        answer,
                        const char     *except);

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_main_menu_button (GtkWidget     *widget,
                     gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
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
  /* The workspace is built when a consultation is first shown, not at
   * start-up: the welcome page's first frame comes sooner. */
  g_assert_null (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_MAP_VIEW));
  g_assert_null (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_TAG_PANEL));
  g_assert_null (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  /* and the main menu's popover when it is first opened */
  {
    GtkMenuButton *menu = GTK_MENU_BUTTON (find_widget (GTK_WIDGET (window), is_main_menu_button, NULL));

    g_assert_null (gtk_menu_button_get_popover (menu));
    gtk_menu_button_popup (menu);
    g_assert_true (GTK_IS_POPOVER_MENU (gtk_menu_button_get_popover (menu)));
    g_assert_nonnull (gtk_menu_button_get_menu_model (menu));
    gtk_menu_button_popdown (menu);
  }
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

  window_test_destroy (window);
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
  window_test_destroy (window);
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

  g_assert_true (window_test_save (window, file, &error));
  g_assert_no_error (error);
  g_assert_false (nm_window_get_modified (window));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  second = new_window ();
  g_assert_true (window_test_open (second, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (second)), ==, 1);
  g_assert_true (g_file_equal (nm_window_get_file (second), file));
  g_assert_false (nm_window_get_modified (second));

  window_test_destroy (window);
  window_test_destroy (second);
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

  g_assert_false (window_test_open (window, file, &error));
  g_assert_nonnull (error);
  g_assert_null (nm_window_get_consultation (window));

  window_test_destroy (window);
  g_unlink (path);
}

static AdwMessageDialog *shown_message_dialog (void);

static NmSessionForm *
shown_session_form (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  NmSessionForm *form = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (NM_IS_SESSION_FORM (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        form = NM_SESSION_FORM (window);
    }
  return form;
}

/* The form Log Session opened, accepted as it was filled in. */
static NmSession *
accept_session_form (void)
{
  NmSessionForm *form = shown_session_form ();
  NmSession *session;

  g_assert_nonnull (form);
  session = nm_session_form_get_session (form);
  g_assert_true (nm_session_form_accept (form));
  test_wait_drain ();
  g_assert_null (shown_session_form ());
  return session;
}

/* Log Session, and its form accepted: the session logged (or today's,
 * already in the log); %NULL when a dialog asks. */
static NmSession *
log_session (NmScheduleView *schedule)
{
  NmSession *today = nm_schedule_view_log_session (schedule);

  if (today != NULL || shown_session_form () == NULL)
    return today;
  return accept_session_form ();
}

/* Opens @path in @window, which refuses it, and returns the dialog the
 * application shows for that: its heading and body are plain words, and
 * the reader's own message is under Details. */
static void
check_open_error (NmWindow   *window,
                  const char *path,
                  const char *heading,
                  const char *in_body)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *expander;
  GtkWidget *detail;
  const char *body;

  g_assert_false (window_test_open (window, file, &error));
  g_assert_nonnull (error);
  nm_window_show_open_error (window, file, error);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s: %s", heading, body);
  g_assert_nonnull (strstr (body, in_body));
  /* none of the reader's words */
  g_assert_null (strstr (body, error->message));
  g_assert_null (strstr (body, "UTF-8"));
  g_assert_null (strstr (body, "offset"));
  g_assert_null (strstr (body, "regular"));

  /* the detail, one click away */
  expander = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_EXPANDER (expander));
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
  detail = gtk_expander_get_child (GTK_EXPANDER (expander));
  g_assert_true (GTK_IS_LABEL (detail));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (detail)), ==, error->message);

  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_drain ();
  g_assert_null (shown_message_dialog ());
}

static void
test_window_open_errors_in_words (void)
{
  NmWindow *window = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (dir, "Clients.needlemap", NULL);
  g_autofree char *binary = g_build_filename (dir, "photo.needlemap", NULL);
  g_autofree char *other = g_build_filename (dir, "notes.needlemap", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.needlemap", NULL);
  g_autofree char *gone = g_build_filename (dir, "gone.needlemap", NULL);
  const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (binary, png, sizeof png - 1, NULL));
  g_assert_true (g_file_set_contents (other, "{\"shopping\": [\"milk\"]}\n", -1, NULL));
  g_assert_true (g_file_set_contents (newer, "{\"format\": \"needlemap-consultation\", \"version\": 7, "
                                      "\"client\": {}, \"findings\": []}\n", -1, NULL));

  check_open_error (window, folder, "This Is a Folder, Not a Consultation", "“Clients.needlemap” is a folder");
  check_open_error (window, binary, "This Is Not a Needlemap Consultation", "“photo.needlemap”");
  check_open_error (window, other, "This Is Not a Needlemap Consultation", "“notes.needlemap”");
  check_open_error (window, newer, "Made by a Newer Needlemap", "newer version of Needlemap");
  check_open_error (window, gone, "The File Is No Longer There", "“gone.needlemap” could not be found");
  if (geteuid () != 0)
    {
      g_assert_true (g_file_set_contents (other, "{}", -1, NULL));
      g_assert_cmpint (g_chmod (other, 0), ==, 0);
      check_open_error (window, other, "No Permission to Read This File", "you do not have permission");
    }
  g_assert_null (nm_window_get_consultation (window));

  window_test_destroy (window);
  g_unlink (binary);
  g_unlink (other);
  g_unlink (newer);
  g_rmdir (folder);
  g_rmdir (dir);
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
  window_test_destroy (window);
}

typedef struct
{
  NmDocument          *document;
  NmDocumentDiskState  state;
} DiskWait;

static gboolean
disk_state_is (gpointer data)
{
  DiskWait *wait = data;

  return nm_document_get_disk_state (wait->document) == wait->state;
}

/* Waits for the window's document to see @state on disk (its file monitor
 * tells it). */
static void
wait_for_disk_state (NmWindow            *window,
                     NmDocumentDiskState  state,
                     const char          *what)
{
  DiskWait wait = { nm_window_get_document (window), state };

  test_wait_notify (wait.document, "disk-state", disk_state_is, &wait, what);
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
  NmDocument *document;

  g_assert_nonnull (bar);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  document = nm_window_get_document (window);

  /* Our own save is not someone else's change: once the file monitor has
   * told the document all that the save did, nothing is said. */
  g_assert_true (window_test_save (window, file, &error));
  test_wait_file_events (dir);
  g_assert_cmpint (nm_document_get_disk_state (document), ==, NM_DOCUMENT_DISK_IN_SYNC);
  g_assert_false (gtk_info_bar_get_revealed (bar));

  /* Another program writes the file: the window says so, and reloads. */
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 5}, \"findings\": "
                                      "[{\"region\": \"chin\", \"kind\": \"pih\", \"severity\": 1}]}\n", -1, NULL));
  wait_for_disk_state (window, NM_DOCUMENT_DISK_CHANGED, "the document to see the file changed");
  g_assert_true (gtk_info_bar_get_revealed (bar));

  /* the reload reads on a worker thread: the document says when it has the
   * other version */
  gtk_info_bar_response (bar, 1);
  test_wait_notify (document, "consultation", NULL, NULL, "the reloaded consultation");
  g_assert_true (nm_window_get_document (window) == document);
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (nm_window_get_consultation (window)), ==, 5);
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (window)), ==, 1);
  g_assert_false (gtk_info_bar_get_revealed (bar));

  window_test_destroy (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

/* The unsaved marker shows from the first edit after opening and after
 * saving (issue 14: it lagged one edit). */
static void
test_window_unsaved_marker_at_once (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwWindowTitle *title = ADW_WINDOW_TITLE (find_widget_of_type (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE));

  g_assert_nonnull (title);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "m.needlemap");

  nm_consultation_set_screening (nm_window_get_consultation (window), "sunburn", NM_ANSWER_NO);
  g_assert_true (nm_window_get_modified (window));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "• m.needlemap");

  g_assert_true (window_test_save (window, file, &error));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "m.needlemap");
  nm_consultation_set_screening (nm_window_get_consultation (window), "rosacea", NM_ANSWER_NO);
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "• m.needlemap");

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
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

/* Unsaved edits and another program's newer version: Save asks before
 * writing over theirs, and Reload asks before throwing ours away. */
static void
test_window_never_overwrites_unread (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "e.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkInfoBar *bar = GTK_INFO_BAR (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_INFO_BAR));
  AdwMessageDialog *dialog;

  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  nm_consultation_set_client_name (nm_window_get_consultation (window), "Ours");
  g_usleep (10 * 1000);   /* a later modification time than the one read */
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"name\": \"Theirs\", \"fitzpatrick\": 5}, "
                                      "\"findings\": []}\n", -1, NULL));
  wait_for_disk_state (window, NM_DOCUMENT_DISK_CHANGED, "the document to see the file changed");

  /* Reload: asked first; Cancel keeps our edits and the bar */
  gtk_info_bar_response (bar, 1);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Discard Your Changes?");
  adw_message_dialog_response (dialog, "cancel");
  g_assert_cmpstr (nm_consultation_get_client_name (nm_window_get_consultation (window)), ==, "Ours");
  g_assert_true (gtk_info_bar_get_revealed (bar));

  /* Closing the bar (its ✕) only hides it: it chooses nothing */
  gtk_info_bar_response (bar, GTK_RESPONSE_CLOSE);
  g_assert_false (gtk_info_bar_get_revealed (bar));
  g_assert_cmpint (nm_document_get_disk_state (nm_window_get_document (window)), ==, NM_DOCUMENT_DISK_CHANGED);

  /* Save: asked first; nothing is written until the choice */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Changed by Another Program");
  /* Enter picks the safe choice: the focus is on Save a Copy, once the
   * dialog has been laid out (a narrow one stacks its buttons, the
   * destructive one first) */
  test_wait_until ((TestWaitCheck) gtk_widget_get_mapped, dialog, "the dialog to map");
  test_wait_drain ();
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (dialog));

    g_assert_true (GTK_IS_BUTTON (focus));
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "_Save a Copy…");
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Theirs"));
  g_assert_true (nm_window_get_modified (window));

  /* Replace Their Version: now ours is written */
  adw_message_dialog_response (dialog, "overwrite");
  window_test_wait_idle (window);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Ours"));
  g_assert_false (nm_window_get_modified (window));

  /* Load Their Version: theirs is taken, ours let go as chosen */
  g_usleep (10 * 1000);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"name\": \"Theirs again\", \"fitzpatrick\": 4}, "
                                      "\"findings\": []}\n", -1, NULL));
  wait_for_disk_state (window, NM_DOCUMENT_DISK_CHANGED, "the document to see the file changed again");
  nm_consultation_set_client_name (nm_window_get_consultation (window), "Ours again");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "reload"));
  adw_message_dialog_response (dialog, "reload");
  wait_for_disk_state (window, NM_DOCUMENT_DISK_IN_SYNC, "their version to be loaded");
  window_test_wait_idle (window);
  g_assert_cmpstr (nm_consultation_get_client_name (nm_window_get_consultation (window)), ==, "Theirs again");
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Theirs again"));

  window_test_destroy (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}



static gboolean
dialog_shown (gpointer heading)
{
  AdwMessageDialog *dialog = shown_message_dialog ();

  return dialog != NULL && g_strcmp0 (adw_message_dialog_get_heading (dialog), heading) == 0;
}

/* Another program puts a newer Needlemap's file in place of the one open:
 * the reload says so, and Save offers only a copy (no "Replace Their
 * Version"); the file is left as it is. */
static void
test_window_newer_version_only_a_copy (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "v.needlemap", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkInfoBar *bar = GTK_INFO_BAR (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_INFO_BAR));
  const char *newer = "{\"format\": \"needlemap-consultation\", \"version\": 2, \"new_in_2\": [1], "
                      "\"client\": {\"name\": \"Theirs\", \"fitzpatrick\": 5}, \"findings\": []}\n";
  AdwMessageDialog *dialog;

  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  nm_consultation_set_client_name (nm_window_get_consultation (window), "Ours");
  g_usleep (10 * 1000);   /* a later modification time than the one read */
  g_assert_true (g_file_set_contents (path, newer, -1, NULL));
  wait_for_disk_state (window, NM_DOCUMENT_DISK_CHANGED, "the document to see the file changed");

  /* Reload (throwing ours away) cannot read it, and says what to do */
  gtk_info_bar_response (bar, 1);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "reload");
  test_wait_until (dialog_shown, (gpointer) "Saved by a Newer Needlemap", "the reload to fail");
  dialog = shown_message_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, "save-as"));
  g_assert_false (adw_message_dialog_has_response (dialog, "overwrite"));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_cmpstr (nm_consultation_get_client_name (nm_window_get_consultation (window)), ==, "Ours");

  /* Save: only a copy is offered, and nothing is written */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Saved by a Newer Needlemap");
  g_assert_true (adw_message_dialog_has_response (dialog, "save-as"));
  g_assert_false (adw_message_dialog_has_response (dialog, "overwrite"));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, newer);
  g_assert_true (nm_window_get_modified (window));

  /* nor by a save straight to it (Save As, its overwrite confirmed) */
  g_assert_false (window_test_save (window, file, &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, newer);

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* A read-only file is not written over: the window says so and offers a
 * copy. */
static void
test_window_read_only_offers_copy (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "r.needlemap", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const char *text = "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                     "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n";
  AdwMessageDialog *dialog;
  GStatBuf st;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_true (window_test_open (window, file, &error));
  nm_consultation_set_client_name (nm_window_get_consultation (window), "Ours");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The File Is Read-Only");
  g_assert_true (adw_message_dialog_has_response (dialog, "save-as"));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, text);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0444);
  g_assert_true (nm_window_get_modified (window));

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* Gives @response to @dialog, which closes it. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
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

  window_test_destroy (window);
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
  g_assert_true (window_test_open (window, file, &error));
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
  window_test_wait_idle (window);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Save the Consultation");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* The folder is back and the practitioner saves: the window stays open. */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  g_assert_false (nm_window_get_modified (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  window_test_finalize (window);
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
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  name = GTK_EDITABLE (find_widget (GTK_WIDGET (window), is_entry_row_titled, "Name"));
  notes = GTK_EDITABLE (find_widget (GTK_WIDGET (window), is_entry_row_titled, "Notes"));
  g_assert_nonnull (name);
  g_assert_nonnull (notes);

  /* Typed, still in the field (not applied, focus not left), then Ctrl+S. */
  gtk_widget_grab_focus (GTK_WIDGET (name));
  gtk_editable_set_text (name, "Yara Typed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Yara Typed"));
  g_assert_false (nm_window_get_modified (window));

  /* The same in a session's notes, in the session log. */
  {
    GtkWidget *schedule = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW);
    GtkTextView *session_notes;
    NmSession *session;

    g_assert_nonnull (schedule);
    /* a session is logged only after the whole screening */
    answer_all (nm_window_get_consultation (window), NM_ANSWER_NO, NULL);
    session = log_session (NM_SCHEDULE_VIEW (schedule));
    g_assert_nonnull (session);
    session_notes = GTK_TEXT_VIEW (find_widget_of_type (schedule, GTK_TYPE_TEXT_VIEW));
    g_assert_nonnull (session_notes);
    gtk_widget_grab_focus (GTK_WIDGET (session_notes));
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (session_notes)) ||
                   gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (session_notes));
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (session_notes), "numbing cream 20 min", -1);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
    window_test_wait_idle (window);
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

  window_test_finalize (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

/* The close question names the consultation, as the title bar does: the
 * client, or “New Consultation”. */
static void
test_window_save_changes_names_client (void)
{
  NmWindow *window = new_window ();
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  nm_consultation_add_finding (nm_window_get_consultation (window), finding);
  gtk_window_close (GTK_WINDOW (window));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Changes?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“New Consultation” has changes"));
  respond (dialog, "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  nm_consultation_set_client_name (nm_window_get_consultation (window), "Zelda Quimby");
  gtk_window_close (GTK_WINDOW (window));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Zelda Quimby” has changes"));
  respond (dialog, "cancel");

  window_test_destroy (window);
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

  window_test_destroy (prefs);
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

  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}\n", -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);

  /* Another program deletes it: the window says so instead of pretending. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  wait_for_disk_state (window, NM_DOCUMENT_DISK_DELETED, "the document to see the file deleted");
  g_assert_true (gtk_info_bar_get_revealed (bar));
  label = find_widget_of_type (GTK_WIDGET (bar), GTK_TYPE_LABEL);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "deleted or moved"));

  /* Saving writes it again where it was, and the bar goes. */
  g_assert_true (window_test_save (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_info_bar_get_revealed (bar));

  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}


/* Issue 11: the window's side of a plan a clinician would sign */

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_action_row_titled (GtkWidget     *widget,
                      gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkWidget *
status_button (NmWindow *window)
{
  GtkWidget *button = find_widget (GTK_WIDGET (window), has_css_class, "status-button");

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  return button;
}

/* What the header bar's status button says. */
static const char *
status_text (NmWindow *window)
{
  GtkWidget *child = gtk_menu_button_get_child (GTK_MENU_BUTTON (status_button (window)));
  GtkWidget *label = find_widget_of_type (child, GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (status_button (window)));
  return gtk_label_get_text (GTK_LABEL (label));
}

static const char *
status_icon (NmWindow *window)
{
  GtkWidget *child = gtk_menu_button_get_child (GTK_MENU_BUTTON (status_button (window)));
  GtkWidget *image = find_widget_of_type (child, GTK_TYPE_IMAGE);

  g_assert_nonnull (image);
  return gtk_image_get_icon_name (GTK_IMAGE (image));
}

/* Whether the status popover says @text somewhere. */
static gboolean
status_says (NmWindow   *window,
             const char *text)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (status_button (window))));

  return find_widget (popover, is_label_containing, text) != NULL;
}

static const char *status_classes[] = { "success", "warning", "incomplete", "needs-skin-type", "error" };

/* The one state class the button has. */
static const char *
status_class (NmWindow *window)
{
  const char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    if (gtk_widget_has_css_class (status_button (window), status_classes[i]))
      {
        g_assert_null (found);
        found = status_classes[i];
      }
  g_assert_nonnull (found);
  return found;
}

static void
answer_all (NmConsultation *consultation,
            NmAnswer        answer,
            const char     *except)
{
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;

      if (g_strcmp0 (id, except) != 0)
        nm_consultation_set_screening (consultation, id, answer);
    }
}

static void
test_window_status_states (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(NmFinding) finding = nm_finding_new ("forehead", "fine-lines", 2);
  g_autofree char *incomplete_icon = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);

  /* A new consultation asks for the skin type first: never Ready. */
  g_assert_cmpint (nm_plan_get_state (nm_window_get_plan (window)), ==, NM_PLAN_STATE_NO_SKIN_TYPE);
  g_assert_cmpstr (status_text (window), ==, "Skin type needed");
  g_assert_cmpstr (status_class (window), ==, "needs-skin-type");
  g_assert_true (status_says (window, nm_vocab_screening_question ("pih-history")));

  /* Then the screening: every one of the 24 questions, counted. */
  nm_consultation_set_fitzpatrick (consultation, 2);
  g_assert_cmpstr (status_text (window), ==, "Screening not finished: 24 questions");
  g_assert_cmpstr (status_class (window), ==, "incomplete");
  g_assert_true (status_says (window, nm_vocab_screening_question ("vitiligo")));
  g_assert_true (status_says (window, nm_vocab_screening_question ("active-infection")));
  incomplete_icon = g_strdup (status_icon (window));

  nm_consultation_add_finding (consultation, finding);
  nm_consultation_set_birth_date (consultation, "1990-01-01");
  answer_all (consultation, NM_ANSWER_NO, "tattoo-in-area");
  g_assert_cmpstr (status_text (window), ==, "Screening not finished: 1 question");
  g_assert_true (status_says (window, nm_vocab_screening_question ("tattoo-in-area")));
  g_assert_false (status_says (window, nm_vocab_screening_question ("vitiligo")));

  /* Every answer in, nothing to heed. */
  nm_consultation_set_screening (consultation, "tattoo-in-area", NM_ANSWER_NO);
  g_assert_cmpint (nm_plan_get_state (nm_window_get_plan (window)), ==, NM_PLAN_STATE_READY);
  g_assert_cmpstr (status_text (window), ==, "Ready");
  g_assert_cmpstr (status_class (window), ==, "success");

  /* A precaution answered yes looks unlike an unfinished screening. */
  nm_consultation_set_screening (consultation, "anticoagulants", NM_ANSWER_YES);
  g_assert_cmpstr (status_text (window), ==, "With precautions");
  g_assert_cmpstr (status_class (window), ==, "warning");
  g_assert_cmpstr (status_icon (window), !=, incomplete_icon);

  /* Blocked; a lifelong condition is called lifelong, and never "now". */
  nm_consultation_set_screening (consultation, "keloid-tendency", NM_ANSWER_YES);
  g_assert_cmpstr (status_text (window), ==, "Not suitable");
  g_assert_cmpstr (status_class (window), ==, "error");
  g_assert_true (status_says (window, "Lifelong"));
  g_assert_true (nm_consultation_undo (consultation));
  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  g_assert_cmpstr (status_text (window), ==, "Not suitable now");
  g_assert_false (status_says (window, "Lifelong"));

  /* Without a skin type nothing reads Ready, whatever the answers. */
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_cmpstr (status_text (window), ==, "Ready");
  nm_consultation_set_fitzpatrick (consultation, 0);
  g_assert_cmpstr (status_text (window), ==, "Skin type needed");

  window_test_destroy (window);
}

/* The popover's reasons, as one text. */
static const char *
status_reasons (NmWindow *window)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (status_button (window))));
  GtkWidget *scroller = find_widget_of_type (popover, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *label = find_widget_of_type (scroller, GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* Where @line starts a line of @text, or -1. */
static gssize
line_at (const char *text,
         const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gssize offset = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], line))
        return offset;
      offset += strlen (lines[i]) + 1;
    }
  return -1;
}

/* The status popover groups its reasons, each group under its heading:
 * what blocks, the questions not answered, the precautions. No emoji, which
 * shows as an empty box without an emoji font. */
static void
test_window_status_groups (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(NmFinding) finding = nm_finding_new ("forehead", "fine-lines", 2);
  g_autofree char *tattoo = NULL;
  const char *text;
  gssize blocks, unanswered, question, precautions, warning;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  nm_consultation_set_fitzpatrick (consultation, 2);
  nm_consultation_set_birth_date (consultation, "1990-01-01");
  nm_consultation_add_finding (consultation, finding);
  answer_all (consultation, NM_ANSWER_NO, "tattoo-in-area");
  nm_consultation_set_screening (consultation, "anticoagulants", NM_ANSWER_YES);

  /* unanswered, then precautions: the warnings are not read as questions */
  text = status_reasons (window);
  g_test_message ("%s", text);
  tattoo = g_strdup_printf ("• %s", nm_vocab_screening_question ("tattoo-in-area"));
  unanswered = line_at (text, "Not answered yet");
  question = line_at (text, tattoo);
  precautions = line_at (text, "Precautions");
  warning = line_at (text, "• Anticoagulants");
  g_assert_cmpint (unanswered, ==, 0);
  g_assert_cmpint (question, >, unanswered);
  g_assert_cmpint (precautions, >, question);
  g_assert_cmpint (warning, >, precautions);
  g_assert_cmpint (line_at (text, "Stands in the way"), ==, -1);

  /* blocked: what stands in the way comes first, under its own heading */
  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  text = status_reasons (window);
  g_test_message ("%s", text);
  blocks = line_at (text, "Stands in the way");
  g_assert_cmpint (blocks, ==, 0);
  g_assert_cmpint (line_at (text, "• Pregnant"), >, blocks);
  g_assert_cmpint (line_at (text, "Not answered yet"), >, line_at (text, "• Pregnant"));
  g_assert_cmpint (line_at (text, "Precautions"), >, line_at (text, "Not answered yet"));
  g_assert_null (strstr (text, "⛔"));
  g_assert_false (status_says (window, "⛔"));

  window_test_destroy (window);
}

/* Preferences only give the device of new consultations; the plan reads
 * the consultation's, which the Plan panel changes, undoably. */
static void
test_window_device_per_consultation (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NmWindow *window;
  NmConsultation *consultation;
  GtkWidget *panel, *row, *spin;

  g_settings_set_double (settings, "device-max-depth", 2.0);
  /* what a spin button's sum gives: stored as the hundredth it means */
  g_settings_set_double (settings, "device-depth-step", 0.1 + 0.2);
  window = new_window ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  g_assert_cmpfloat (nm_consultation_get_device_max_mm (consultation), ==, 2.0);
  g_assert_cmpfloat (nm_consultation_get_device_step_mm (consultation), ==, 0.3);
  /* starting is not an edit */
  g_assert_false (nm_window_get_modified (window));
  g_assert_false (nm_consultation_can_undo (consultation));
  g_assert_true (nm_window_is_pristine (window));
  g_assert_cmpfloat (nm_plan_get_device_max_mm (nm_window_get_plan (window)), ==, 2.0);
  g_assert_cmpfloat (nm_plan_get_device_step_mm (nm_window_get_plan (window)), ==, 0.3);

  /* a later change in Preferences leaves this consultation's plan alone */
  g_settings_set_double (settings, "device-max-depth", 1.5);
  g_settings_set_double (settings, "device-depth-step", 0.25);
  g_assert_cmpfloat (nm_consultation_get_device_max_mm (consultation), ==, 2.0);
  g_assert_cmpfloat (nm_plan_get_device_max_mm (nm_window_get_plan (window)), ==, 2.0);
  g_assert_cmpfloat (nm_plan_get_device_step_mm (nm_window_get_plan (window)), ==, 0.3);

  /* the Plan panel shows the consultation's device and changes it */
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_PLAN_PANEL);
  row = find_widget (panel, is_action_row_titled, "Maximum Depth");
  g_assert_nonnull (row);
  spin = find_widget_of_type (row, GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 2.0, 1e-9);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1.75);
  g_assert_cmpfloat (nm_consultation_get_device_max_mm (consultation), ==, 1.75);
  g_assert_cmpfloat (nm_plan_get_device_max_mm (nm_window_get_plan (window)), ==, 1.75);
  g_assert_true (nm_window_get_modified (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpfloat (nm_consultation_get_device_max_mm (consultation), ==, 2.0);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 2.0, 1e-9);

  row = find_widget (panel, is_action_row_titled, "Depth Step");
  spin = find_widget_of_type (row, GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.05);
  g_assert_cmpfloat (nm_consultation_get_device_step_mm (consultation), ==, 0.05);
  g_assert_cmpfloat (nm_plan_get_device_step_mm (nm_window_get_plan (window)), ==, 0.05);

  window_test_destroy (window);
  g_settings_reset (settings, "device-max-depth");
  g_settings_reset (settings, "device-depth-step");
}

static void
test_window_client_guardian_age (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  GtkWidget *panel, *guardian, *birth;
  g_autofree char *long_text = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  nm_consultation_set_fitzpatrick (consultation, 2);
  nm_consultation_set_start_date (consultation, "2026-12-01");
  answer_all (consultation, NM_ANSWER_NO, NULL);
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_CLIENT_PANEL);
  birth = find_widget (panel, is_entry_row_titled, "Birth Date");
  guardian = find_widget (panel, is_entry_row_titled, "Guardian");
  g_assert_nonnull (birth);
  g_assert_nonnull (guardian);

  /* the age beside the birth date, on the first session's day */
  g_assert_nonnull (find_widget (birth, is_label_containing, "age unknown"));
  nm_consultation_set_birth_date (consultation, "1992-06-01");
  g_assert_nonnull (find_widget (birth, is_label_containing, "34 years"));
  g_assert_null (find_widget (panel, is_mapped_label_saying, "34 years: under 18"));

  /* 16: said, and a guardian must consent */
  gtk_editable_set_text (GTK_EDITABLE (birth), "2010-03-01");
  g_signal_emit_by_name (birth, "apply");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "2010-03-01");
  g_assert_nonnull (find_widget (birth, is_label_containing, "16 years: under 18"));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_nonnull (find_widget (panel, is_label_containing, "a parent or guardian must consent"));
  g_assert_cmpstr (status_text (window), ==, "Not suitable now");

  /* the Guardian entry edits client.guardian, undoably */
  gtk_editable_set_text (GTK_EDITABLE (guardian), "Maria Silva");
  g_signal_emit_by_name (guardian, "apply");
  g_assert_cmpstr (nm_consultation_get_guardian (consultation), ==, "Maria Silva");
  g_assert_cmpstr (status_text (window), !=, "Not suitable now");
  g_assert_null (find_widget (panel, is_label_containing, "a parent or guardian must consent"));
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_null (nm_consultation_get_guardian (consultation));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (guardian)), ==, "");
  g_assert_cmpstr (status_text (window), ==, "Not suitable now");

  /* the format's 10,000 characters, kept as one types or pastes */
  long_text = g_strnfill (10050, 'a');
  gtk_editable_set_text (GTK_EDITABLE (guardian), long_text);
  g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (guardian)), -1), ==, 10000);
  g_signal_emit_by_name (guardian, "apply");
  g_assert_cmpint (strlen (nm_consultation_get_guardian (consultation)), ==, 10000);
  g_clear_pointer (&long_text, g_free);
  long_text = g_strnfill (10050, 'b');
  gtk_editable_set_text (GTK_EDITABLE (find_widget (panel, is_entry_row_titled, "Notes")), long_text);
  g_signal_emit_by_name (find_widget (panel, is_entry_row_titled, "Notes"), "apply");
  g_assert_cmpint (strlen (nm_consultation_get_client_notes (consultation)), ==, 10000);

  window_test_destroy (window);
}

static gboolean
is_visible_label_saying (GtkWidget     *widget,
                         gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The row under @row in its list: where a date field says what is wrong. */
static const char *
shown_problem (GtkWidget *row)
{
  GtkWidget *next = gtk_widget_get_next_sibling (row);

  g_assert_true (ADW_IS_ACTION_ROW (next));
  if (!gtk_widget_get_visible (next))
    return NULL;
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (next));
}

static void
assert_parses (const NmDateEntryStyle *style,
               const char             *text,
               const char             *iso)
{
  g_autofree char *parsed = nm_date_entry_parse (style, text);

  g_assert_cmpstr (parsed, ==, iso);
}

static void
assert_formats (const NmDateEntryStyle *style,
                const char             *iso,
                const char             *text)
{
  g_autofree char *formatted = nm_date_entry_format (style, iso);

  g_assert_cmpstr (formatted, ==, text);
}

static void
type_and_apply (GtkWidget  *row,
                const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

/* The calendar beside the birth date: it opens thirty years back (or on
 * the date the field holds), its year is set in one step, and a day
 * picked is the birth date, shown in the locale's form, undone in one. */
static void
test_window_birth_date_calendar (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  NmHistory *history;
  GtkWidget *panel, *birth, *button, *popover;
  GtkCalendar *calendar;
  GtkSpinButton *year;
  NmDateEntryStyle here;
  g_autoptr(GDateTime) shown = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *text = NULL;
  guint steps;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  history = nm_consultation_get_history (consultation);
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_CLIENT_PANEL);
  birth = find_widget (panel, is_entry_row_titled, "Birth Date");
  button = find_widget_of_type (birth, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (button);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  calendar = GTK_CALENDAR (find_widget_of_type (popover, GTK_TYPE_CALENDAR));
  year = GTK_SPIN_BUTTON (find_widget_of_type (popover, GTK_TYPE_SPIN_BUTTON));
  g_assert_nonnull (calendar);
  g_assert_nonnull (year);

  /* no birth date yet: thirty years before today (2026-12-01) */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_get_visible (popover));
  shown = gtk_calendar_get_date (calendar);
  g_assert_cmpint (g_date_time_get_year (shown), ==, 1996);
  g_assert_cmpint (g_date_time_get_month (shown), ==, 12);
  g_assert_cmpint (g_date_time_get_day_of_month (shown), ==, 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (year), ==, 1996);
  g_assert_false (nm_consultation_can_undo (consultation));

  /* the year in one step; moving about is no edit */
  gtk_spin_button_set_value (year, 1985);
  g_clear_pointer (&shown, g_date_time_unref);
  shown = gtk_calendar_get_date (calendar);
  g_assert_cmpint (g_date_time_get_year (shown), ==, 1985);
  g_assert_cmpint (g_date_time_get_month (shown), ==, 12);
  g_assert_null (nm_consultation_get_birth_date (consultation));
  g_assert_true (gtk_widget_get_visible (popover));

  /* a day picked: the birth date, one edit, the calendar closed */
  steps = nm_history_get_n_undo (history);
  day = g_date_time_new_local (1985, 3, 12, 0, 0, 0);
  gtk_calendar_select_day (calendar, day);
  test_wait_drain ();
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1985-03-12");
  g_assert_cmpuint (nm_history_get_n_undo (history), ==, steps + 1);
  g_assert_false (gtk_widget_get_visible (popover));
  nm_date_entry_style_for_locale (&here);
  text = nm_date_entry_format (&here, "1985-03-12");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (birth)), ==, text);
  g_assert_nonnull (find_widget (birth, is_visible_label_saying, "41 years"));

  /* opened again: on that date */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_clear_pointer (&shown, g_date_time_unref);
  shown = gtk_calendar_get_date (calendar);
  g_assert_cmpint (g_date_time_get_year (shown), ==, 1985);
  g_assert_cmpint (g_date_time_get_month (shown), ==, 3);
  g_assert_cmpint (g_date_time_get_day_of_month (shown), ==, 12);

  /* the keyboard: the year stepped, then Enter on the day shown */
  gtk_spin_button_set_value (year, 1986);
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1985-03-12");
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (calendar)));
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (popover);
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        gboolean stop = FALSE;

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Return, 0, 0, &stop);
        handled |= stop;
      }
    g_assert_true (handled);
  }
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1986-03-12");
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1985-03-12");

  /* one undo takes it back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_null (nm_consultation_get_birth_date (consultation));

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
}

/* The birth date as people type it: the locale's form or ISO, the form
 * shown in the row, a date to come refused with a reason. */
static void
test_window_birth_date_forms (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  GtkWidget *panel, *birth;
  NmDateEntryStyle german = { NM_DATE_ENTRY_DMY, '.', FALSE };
  NmDateEntryStyle french = { NM_DATE_ENTRY_DMY, '/', FALSE };
  NmDateEntryStyle american = { NM_DATE_ENTRY_MDY, '/', TRUE };
  NmDateEntryStyle iso = { NM_DATE_ENTRY_ISO, '-', FALSE };
  NmDateEntryStyle here;
  g_autofree char *shown = NULL;
  const char *problem, *hint;

  /* the forms, whatever the locale */
  assert_parses (&german, "14.05.1991", "1991-05-14");
  assert_parses (&german, " 1.2.2000 ", "2000-02-01");
  assert_parses (&german, "1991-05-14", "1991-05-14");
  assert_parses (&german, "14/05/1991", "1991-05-14");
  assert_parses (&french, "14/05/1991", "1991-05-14");
  assert_parses (&american, "05/14/1991", "1991-05-14");
  assert_parses (&american, "14/05/1991", NULL);
  assert_parses (&german, "14.05.91", NULL);        /* no century guessed */
  assert_parses (&german, "30.02.2000", NULL);
  assert_parses (&german, "14.05/1991", NULL);
  assert_parses (&german, "14.05.1991x", NULL);
  assert_parses (&german, "May 14, 1991", NULL);
  assert_parses (&german, "", NULL);
  assert_formats (&german, "1991-05-14", "14.05.1991");
  assert_formats (&french, "1991-05-14", "14/05/1991");
  assert_formats (&american, "1991-05-14", "05/14/1991");
  assert_formats (&iso, "1991-05-14", "1991-05-14");
  g_assert_cmpstr (nm_date_entry_hint (&german), ==, "DD.MM.YYYY");
  g_assert_cmpstr (nm_date_entry_hint (&american), ==, "MM/DD/YYYY");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_CLIENT_PANEL);
  birth = find_widget (panel, is_entry_row_titled, "Birth Date");
  g_assert_nonnull (birth);

  /* the form to type is in the row while it is empty: this locale's
   * (gtk_test_init() runs the tests in en_US.UTF-8 when it is installed) */
  nm_date_entry_style_for_locale (&here);
  hint = nm_date_entry_hint (&here);
  g_test_message ("this locale types dates as %s", hint);
  g_assert_nonnull (find_widget (birth, is_visible_label_saying, hint));
  g_assert_null (shown_problem (birth));

  /* day first with dots, the locale's order with slashes, or ISO: stored
   * as ISO, shown in the locale's form */
  type_and_apply (birth, "14.05.1991");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "1991-05-14");
  shown = nm_date_entry_format (&here, "1991-05-14");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (birth)), ==, shown);
  g_assert_null (find_widget (birth, is_visible_label_saying, hint));
  type_and_apply (birth, here.slash_month_first ? "02/03/2001" : "03/02/2001");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "2001-02-03");
  type_and_apply (birth, "2002-04-05");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "2002-04-05");

  /* not a date: said under the row, the model keeps its date */
  type_and_apply (birth, "31.02.1990");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "2002-04-05");
  g_assert_true (gtk_widget_has_css_class (birth, "error"));
  problem = shown_problem (birth);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "“31.02.1990” is not a date"));
  g_assert_nonnull (strstr (problem, hint));

  /* in the future (today is 2026-12-01): refused, saying why */
  type_and_apply (birth, "02.12.2026");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "2002-04-05");
  problem = shown_problem (birth);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "cannot be in the future"));
  g_assert_true (gtk_widget_has_css_class (birth, "error"));

  /* a good date clears the message */
  type_and_apply (birth, "01.12.2000");
  g_assert_cmpstr (nm_consultation_get_birth_date (consultation), ==, "2000-12-01");
  g_assert_null (shown_problem (birth));
  g_assert_false (gtk_widget_has_css_class (birth, "error"));

  /* emptied: no birth date, and the form shows again */
  type_and_apply (birth, "");
  g_assert_null (nm_consultation_get_birth_date (consultation));
  g_assert_nonnull (find_widget (birth, is_visible_label_saying, hint));

  window_test_destroy (window);
}

static gboolean
is_answer_row (GtkWidget     *widget,
               gconstpointer  unused)
{
  return ADW_IS_ACTION_ROW (widget) && find_widget (widget, has_css_class, "answer-yes") != NULL;
}

static guint
count_widgets (GtkWidget     *widget,
               WidgetMatch    match,
               gconstpointer  data)
{
  guint n = match (widget, data) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child, match, data);
  return n;
}

static void
test_window_screening_24 (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  GtkWidget *panel;
  const char *relative[] = { "vitiligo", "photosensitising-drugs", "tattoo-in-area",
                             "pigmented-lesions-in-area", "pih-history" };

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCREENING_PANEL);
  g_assert_nonnull (panel);

  /* every question, with the five new ones among the relative ones */
  g_assert_cmpuint (count_widgets (panel, is_answer_row, NULL), ==, 24);
  for (guint i = 0; i < G_N_ELEMENTS (relative); i++)
    {
      GtkWidget *row = find_widget (panel, is_action_row_titled, nm_vocab_screening_question (relative[i]));
      GtkWidget *group;

      g_assert_nonnull (row);
      group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
      g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Precautions");
    }
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (
                     gtk_widget_get_ancestor (find_widget (panel, is_action_row_titled,
                                                           nm_vocab_screening_question ("pregnancy")),
                                              ADW_TYPE_PREFERENCES_GROUP))), ==, "Stop Signs");

  /* progress */
  g_assert_nonnull (find_widget (panel, is_label_containing, "0 of 24 answered"));
  answer_all (consultation, NM_ANSWER_NO, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (relative); i++)
    nm_consultation_set_screening (consultation, relative[i], NM_ANSWER_UNKNOWN);
  g_assert_nonnull (find_widget (panel, is_label_containing, "19 of 24 answered"));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (
                                    find_widget_of_type (panel, GTK_TYPE_PROGRESS_BAR))), 19.0 / 24, 1e-9);

  window_test_destroy (window);
}

static gboolean
is_label_with_class (GtkWidget     *widget,
                     gconstpointer  css_class)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class);
}

/* The label that shows an action row's title. */
static GtkLabel *
row_title_label (GtkWidget *row)
{
  GtkWidget *label = find_widget (row, is_label_with_class, "title");

  g_assert_true (GTK_IS_LABEL (label));
  return GTK_LABEL (label);
}

/* A 1024×600 screen: every question is shown whole, wrapped, never cut
 * short with an ellipsis. */
static void
test_window_screening_questions_wrap (void)
{
  NmWindow *window = new_window_sized (1024, 600);
  AdwViewStack *side;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *panel;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  side = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), is_view_stack_with, "screening"));
  adw_view_stack_set_visible_child_name (side, "screening");
  wait_for_draw (GTK_WIDGET (window));
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCREENING_PANEL);

  collect_widgets (panel, is_answer_row, NULL, rows);
  g_assert_cmpuint (rows->len, ==, 24);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkLabel *title = row_title_label (g_ptr_array_index (rows, i));

      g_assert_cmpint (gtk_label_get_ellipsize (title), ==, PANGO_ELLIPSIZE_NONE);
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (title)));
    }

  window_test_destroy (window);
}

static gboolean
is_button_with_tooltip (GtkWidget     *widget,
                        gconstpointer  tooltip)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static guint
count_unanswered (NmConsultation *consultation)
{
  guint n = 0;

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    if (nm_consultation_get_screening (consultation, nm_vocab_screening (i)->id) == NM_ANSWER_UNKNOWN)
      n++;
  return n;
}

/* "Answer the Rest No" answers many questions at once, stop signs among
 * them: it asks first, naming how many and that a pregnancy is among them;
 * with every question answered there is nothing left for it to do. */
static void
test_window_answer_rest_no_asks (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  GtkWidget *panel, *button;
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCREENING_PANEL);
  button = find_widget (panel, is_button_labelled, "Answer the Rest _No");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));

  /* asked, and nothing answered while it asks or when cancelled */
  g_assert_null (shown_message_dialog ());
  g_signal_emit_by_name (button, "clicked");
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpuint (count_unanswered (consultation), ==, 24);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Answer 24 Questions No?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "24 questions are not answered yet"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "12 absolute contraindications"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), nm_vocab_screening_question ("pregnancy")));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  respond (dialog, "cancel");
  g_assert_cmpuint (count_unanswered (consultation), ==, 24);
  g_assert_false (nm_consultation_can_undo (consultation));

  /* the pregnancy asked: another stop sign is named, the count follows */
  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  g_signal_emit_by_name (button, "clicked");
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Answer 23 Questions No?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "11 absolute contraindications"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), nm_vocab_screening_question ("pregnancy")));
  respond (dialog, "answer");
  g_assert_cmpuint (count_unanswered (consultation), ==, 0);
  g_assert_cmpint (nm_consultation_get_screening (consultation, "pregnancy"), ==, NM_ANSWER_YES);
  g_assert_cmpint (nm_consultation_get_screening (consultation, "isotretinoin"), ==, NM_ANSWER_NO);

  /* everything answered: nothing to do */
  g_assert_false (gtk_widget_get_sensitive (button));
  /* one undoable step, and the button is back */
  g_assert_true (nm_consultation_undo (consultation));
  g_assert_cmpuint (count_unanswered (consultation), ==, 23);
  g_assert_true (gtk_widget_get_sensitive (button));

  window_test_destroy (window);
}

typedef struct
{
  NmSession  *session;
  const char *region;
} DepthQuery;

static gboolean
is_depth_spin (GtkWidget     *widget,
               gconstpointer  data)
{
  const DepthQuery *query = data;

  return GTK_IS_SPIN_BUTTON (widget) &&
         g_object_get_data (G_OBJECT (widget), "nm-session") == (gpointer) query->session &&
         g_strcmp0 (g_object_get_data (G_OBJECT (widget), "nm-region"), query->region) == 0;
}

static gboolean
is_session_widget (GtkWidget     *widget,
                   gconstpointer  session)
{
  return g_object_get_data (G_OBJECT (widget), "nm-session") == session;
}

static gboolean
is_session_date_row (GtkWidget     *widget,
                     gconstpointer  session)
{
  return is_entry_row_titled (widget, "Date") && is_session_widget (widget, session);
}

static GtkSpinButton *
depth_spin (GtkWidget  *schedule,
            NmSession  *session,
            const char *region)
{
  DepthQuery query = { session, region };

  return GTK_SPIN_BUTTON (find_widget (schedule, is_depth_spin, &query));
}

static const char *
depth_row_says (GtkSpinButton *spin)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (spin),
                                                                              ADW_TYPE_ACTION_ROW)));
}

/* A consultation the tests log sessions for: a cheek with melasma over
 * rolling scars, a nose capped at 0.5 mm, an eyelid (never needled) that an
 * old session logged a depth on; a device with a 0.05 mm step. */
static const char log_file[] =
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
  "{\"region\":\"eyelid-left\",\"kind\":\"fine-lines\",\"severity\":2}],"
  "\"plan\":{\"start_date\":\"2026-12-01\",\"device\":{\"max_mm\":2.5,\"step_mm\":0.05}},"
  "\"sessions\":[{\"date\":\"2026-11-01\",\"done\":true,\"depth_mm\":{\"eyelid-left\":0.25}}]}\n";

static void
test_window_log_session (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "log.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const NmPlanRegion *cheek, *nose;
  GtkWidget *schedule;
  GtkSpinButton *spin;
  NmSession *old, *session;
  AdwMessageDialog *dialog;
  double depth = 0.0;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  consultation = nm_window_get_consultation (window);
  schedule = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW);
  cheek = nm_plan_lookup_region (nm_window_get_plan (window), "cheek-left");
  g_assert_true (cheek->treat);
  g_assert_cmpfloat (cheek->max_mm, ==, 1.5);

  /* Logged today, done, the planned shallow end pre-filled; the row opens. */
  session = log_session (NM_SCHEDULE_VIEW (schedule));
  g_assert_nonnull (session);
  g_assert_cmpstr (nm_session_get_date (session), ==, "2026-12-01");
  g_assert_true (nm_session_get_done (session));
  cheek = nm_plan_lookup_region (nm_window_get_plan (window), "cheek-left");
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, cheek->min_mm);
  nose = nm_plan_lookup_region (nm_window_get_plan (window), "nose");
  g_assert_true (nm_session_get_depth (session, "nose", &depth));
  g_assert_cmpfloat (depth, ==, nose->min_mm);
  spin = depth_spin (schedule, session, "cheek-left");
  g_assert_nonnull (spin);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (gtk_widget_get_ancestor (GTK_WIDGET (spin),
                                                                                           ADW_TYPE_EXPANDER_ROW))));
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin), cheek->min_mm, 1e-9);

  /* each finding's depth under its region: keep shallow over the melasma */
  g_assert_nonnull (strstr (depth_row_says (spin), "Melasma: keep to 0.65–1.0 mm over it"));

  /* stored as the exact multiple of the device's step */
  gtk_spin_button_set_value (spin, 0.6500000000000001);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.65);
  gtk_spin_button_set_value (spin, 0.16);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.15);   /* not 3 × 0.05 = 0.15000000000000002 */
  gtk_spin_button_set_value (spin, 0.67);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.65);
  g_assert_true (window_test_save (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"cheek-left\": 0.65"));
  g_assert_null (strstr (contents, "0.6500000000000001"));

  /* with a 0.25 mm step, 0.65 is 0.75 */
  nm_consultation_set_device_step_mm (consultation, 0.25);
  spin = depth_spin (schedule, session, "cheek-left");
  gtk_spin_button_set_value (spin, 1.1);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 1.0);
  gtk_spin_button_set_value (spin, 0.65);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.75);
  g_assert_cmpfloat (nm_depth_round_to_step (0.65, 0.05), ==, 0.65);
  g_assert_cmpfloat (nm_depth_round_to_step (0.15, 0.05), ==, 0.15);
  g_assert_cmpfloat (nm_depth_round_to_step (1.1, 0.25), ==, 1.0);
  g_assert_cmpfloat (nm_depth_round_to_step (0.65, 0.25), ==, 0.75);

  /* above the region's planned maximum: only once confirmed */
  g_assert_null (shown_message_dialog ());
  gtk_spin_button_set_value (spin, 2.0);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Record a Depth Above the Plan?");
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.75);
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, "cancel");
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.75);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin), 0.75, 1e-9);

  gtk_spin_button_set_value (spin, 2.0);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, "record");
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 2.0);
  spin = depth_spin (schedule, session, "cheek-left");
  g_assert_nonnull (strstr (depth_row_says (spin), "Recorded above the plan"));
  /* back within the plan: no question */
  gtk_spin_button_set_value (spin, 1.5);
  g_assert_null (shown_message_dialog ());
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 1.5);

  /* a region the plan never needles takes no depth, and says why */
  old = nm_consultation_get_session (consultation, 0);
  spin = depth_spin (schedule, old, "eyelid-left");
  g_assert_nonnull (spin);
  g_assert_nonnull (strstr (depth_row_says (spin), "Never needled in this plan"));
  gtk_spin_button_set_value (spin, 0.5);
  g_assert_null (shown_message_dialog ());
  g_assert_true (nm_session_get_depth (old, "eyelid-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.25);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin), 0.25, 1e-9);
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_ancestor (GTK_WIDGET (spin), ADW_TYPE_ACTION_ROW),
                                           "error"));
  /* 0 takes the depth away */
  gtk_spin_button_set_value (spin, 0.0);
  g_assert_false (nm_session_get_depth (old, "eyelid-left", &depth));

  window_test_destroy (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

static gboolean
is_spin_for_region (GtkWidget     *widget,
                    gconstpointer  region)
{
  return GTK_IS_SPIN_BUTTON (widget) && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "nm-region"), region) == 0;
}

static char *
text_view_text (GtkTextView *view)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  return gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
}

/* Log Session is a form: nothing is logged until it is accepted; its date
 * is typed in the locale's form, its depths come pre-filled, its notes run
 * over several lines. A logged session is edited in the same form, one
 * undo step each. */
static void
test_window_log_session_form (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "form.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NmDateEntryStyle here;
  g_autofree char *today = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *future = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *notes = NULL;
  const NmPlanRegion *cheek;
  NmScheduleView *schedule;
  NmSessionForm *form;
  NmSession *session;
  GtkWidget *date, *device, *row_date;
  GtkTextView *view;
  GtkSpinButton *spin;
  guint n, steps;
  double depth = 0.0;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  consultation = nm_window_get_consultation (window);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  cheek = nm_plan_lookup_region (nm_window_get_plan (window), "cheek-left");
  n = nm_consultation_get_n_sessions (consultation);
  steps = nm_history_get_n_undo (nm_consultation_get_history (consultation));
  nm_date_entry_style_for_locale (&here);
  today = nm_date_entry_format (&here, "2026-12-01");
  typed = nm_date_entry_format (&here, "2026-11-30");
  future = nm_date_entry_format (&here, "2026-12-05");

  /* a form, and nothing logged yet; cancelled, nothing is */
  g_assert_null (nm_schedule_view_log_session (schedule));
  form = shown_session_form ();
  g_assert_nonnull (form);
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  gtk_window_close (GTK_WINDOW (form));
  test_wait_drain ();
  g_assert_null (shown_session_form ());
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  g_assert_cmpuint (nm_history_get_n_undo (nm_consultation_get_history (consultation)), ==, steps);

  /* filled in: today in the locale's form, the planned depths */
  g_assert_null (nm_schedule_view_log_session (schedule));
  form = shown_session_form ();
  date = find_widget (GTK_WIDGET (form), is_entry_row_titled, "Date");
  device = find_widget (GTK_WIDGET (form), is_entry_row_titled, "Device");
  view = GTK_TEXT_VIEW (find_widget_of_type (GTK_WIDGET (form), GTK_TYPE_TEXT_VIEW));
  spin = GTK_SPIN_BUTTON (find_widget (GTK_WIDGET (form), is_spin_for_region, "cheek-left"));
  g_assert_nonnull (date);
  g_assert_nonnull (device);
  g_assert_nonnull (view);
  g_assert_nonnull (spin);
  g_assert_nonnull (find_widget_of_type (date, GTK_TYPE_MENU_BUTTON));   /* the calendar */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (date)), ==, today);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin), cheek->min_mm, 1e-9);
  g_assert_nonnull (find_widget (GTK_WIDGET (form), is_spin_for_region, "nose"));
  /* never needled in this plan: not asked */
  g_assert_null (find_widget (GTK_WIDGET (form), is_spin_for_region, "eyelid-left"));

  /* a day to come is refused, said in the form */
  gtk_editable_set_text (GTK_EDITABLE (date), future);
  g_assert_false (nm_session_form_accept (form));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (form)));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);

  /* yesterday, typed as the locale writes it; a device; two lines of notes */
  gtk_editable_set_text (GTK_EDITABLE (date), typed);
  gtk_editable_set_text (GTK_EDITABLE (device), "Dermapen 4");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "numbing cream 20 min\nslight redness", -1);
  gtk_spin_button_set_value (spin, 0.67);
  session = accept_session_form ();
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 1);
  g_assert_true (nm_consultation_get_session (consultation, n) == session);
  g_assert_cmpstr (nm_session_get_date (session), ==, "2026-11-30");
  g_assert_true (nm_session_get_done (session));
  g_assert_cmpstr (nm_session_get_device (session), ==, "Dermapen 4");
  g_assert_cmpstr (nm_session_get_notes (session), ==, "numbing cream 20 min\nslight redness");
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.65);   /* to the device's step */
  /* the row shows its date in the locale's form */
  row_date = find_widget (GTK_WIDGET (schedule), is_entry_row_titled, "Date");
  g_assert_nonnull (row_date);

  /* one undo takes the whole session away; redo brings it back */
  g_assert_cmpuint (nm_history_get_n_undo (nm_consultation_get_history (consultation)), ==, steps + 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 1);
  session = nm_consultation_get_session (consultation, n);

  /* edited later, in the same form, filled in */
  form = NM_SESSION_FORM (nm_schedule_view_edit_session (schedule, session));
  g_assert_true (shown_session_form () == form);
  date = find_widget (GTK_WIDGET (form), is_entry_row_titled, "Date");
  device = find_widget (GTK_WIDGET (form), is_entry_row_titled, "Device");
  view = GTK_TEXT_VIEW (find_widget_of_type (GTK_WIDGET (form), GTK_TYPE_TEXT_VIEW));
  spin = GTK_SPIN_BUTTON (find_widget (GTK_WIDGET (form), is_spin_for_region, "cheek-left"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (date)), ==, typed);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (device)), ==, "Dermapen 4");
  notes = text_view_text (view);
  g_assert_cmpstr (notes, ==, "numbing cream 20 min\nslight redness");
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin), 0.65, 1e-9);
  /* longer than a file may hold: said, nothing changed */
  {
    g_autofree char *long_notes = g_strnfill (NM_FILE_MAX_STRING_CHARS + 1, 'x');

    gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), long_notes, -1);
    g_assert_false (nm_session_form_accept (form));
    g_assert_cmpstr (nm_session_get_notes (session), ==, "numbing cream 20 min\nslight redness");
  }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "numbing cream 30 min", -1);
  gtk_spin_button_set_value (spin, 0.8);
  steps = nm_history_get_n_undo (nm_consultation_get_history (consultation));
  g_assert_true (nm_session_form_accept (form));
  test_wait_drain ();
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 1);
  g_assert_cmpstr (nm_session_get_notes (session), ==, "numbing cream 30 min");
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.8);
  g_assert_cmpuint (nm_history_get_n_undo (nm_consultation_get_history (consultation)), ==, steps + 1);
  /* one undo: notes and depth both as they were */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (nm_session_get_notes (session), ==, "numbing cream 20 min\nslight redness");
  g_assert_true (nm_session_get_depth (session, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 0.65);

  /* the log's own date field takes the locale's form too */
  row_date = find_widget (GTK_WIDGET (schedule), is_session_date_row, session);
  g_assert_nonnull (row_date);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row_date)), ==, typed);
  g_clear_pointer (&shown, g_free);
  shown = nm_date_entry_format (&here, "2026-11-29");
  type_and_apply (row_date, shown);
  g_assert_cmpstr (nm_session_get_date (session), ==, "2026-11-29");

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

static void
assert_time (const char *typed,
             const char *expected)
{
  g_autofree char *time = nm_appointment_time_parse (typed);

  g_assert_cmpstr (time, ==, expected);
}

static gboolean
is_tooltip (GtkWidget     *widget,
            gconstpointer  text)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0;
}

typedef struct
{
  GType       type;
  const char *date;
} DateQuery;

static gboolean
is_for_date (GtkWidget     *widget,
             gconstpointer  data)
{
  const DateQuery *query = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, query->type) &&
         g_strcmp0 (g_object_get_data (G_OBJECT (widget), "nm-date"), query->date) == 0;
}

/* Appointment times, set on the planned sessions in a popover: the time
 * (and length) is kept on a booked session that day, the calendar export
 * makes that day a timed event, and on the day Log Session logs the
 * booked session through its form. */
static void
test_window_appointment_times (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "times.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *ics = NULL;
  g_autofree char *start = NULL;
  NmScheduleView *schedule;
  GtkWidget *button, *popover, *entry, *spin;
  const NmPlanSeries *series;
  DateQuery query;
  NmSession *booked;
  char iso[16];
  guint n, steps;
  double depth = 0.0;

  /* typed as people type times */
  assert_time ("9.05", "09:05");
  assert_time (" 14:30 ", "14:30");
  assert_time ("14h30", "14:30");
  assert_time ("1430", "14:30");
  assert_time ("8", "08:00");
  assert_time ("25:00", NULL);
  assert_time ("9:5", NULL);
  assert_time ("noon", NULL);

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  consultation = nm_window_get_consultation (window);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  series = nm_plan_get_series (nm_window_get_plan (window), 0);
  g_assert_cmpuint (series->n_dates, >=, 2);
  g_snprintf (iso, sizeof iso, "%04d-%02d-%02d", g_date_get_year (&series->dates[1]),
              g_date_get_month (&series->dates[1]), g_date_get_day (&series->dates[1]));
  n = nm_consultation_get_n_sessions (consultation);
  steps = nm_history_get_n_undo (nm_consultation_get_history (consultation));

  button = find_widget (GTK_WIDGET (schedule), is_tooltip, "Appointment Times");
  g_assert_true (GTK_IS_MENU_BUTTON (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  query.type = GTK_TYPE_ENTRY;
  query.date = iso;
  entry = find_widget (popover, is_for_date, &query);
  query.type = GTK_TYPE_SPIN_BUTTON;
  spin = find_widget (popover, is_for_date, &query);
  g_assert_nonnull (entry);
  g_assert_nonnull (spin);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  /* not a time: nothing changes */
  gtk_editable_set_text (GTK_EDITABLE (entry), "25:00");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);

  /* a time: a booked session that day, one undo step */
  gtk_editable_set_text (GTK_EDITABLE (entry), "9.05");
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "09:05");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 1);
  booked = nm_consultation_get_session (consultation, n);
  g_assert_cmpstr (nm_session_get_date (booked), ==, iso);
  g_assert_cmpstr (nm_session_get_time (booked), ==, "09:05");
  g_assert_false (nm_session_get_done (booked));
  g_assert_cmpuint (nm_history_get_n_undo (nm_consultation_get_history (consultation)), ==, steps + 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 45);
  g_assert_cmpuint (nm_session_get_duration_min (booked), ==, 45);

  /* the calendar: that day timed, the others all day */
  ics = nm_ics_build (consultation, nm_window_get_plan (window), NULL, &error);
  g_assert_no_error (error);
  start = g_strdup_printf ("\r\nDTSTART:%.4s%.2s%.2sT090500\r\nDURATION:PT45M\r\n", iso, iso + 5, iso + 8);
  g_assert_nonnull (strstr (ics, start));
  g_assert_nonnull (strstr (ics, "\r\nDTSTART;VALUE=DATE:20261201\r\n"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));

  /* booked for today: Log Session logs it through the form, done, no
   * second session */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  query.type = GTK_TYPE_ENTRY;
  query.date = "2026-12-01";
  entry = find_widget (popover, is_for_date, &query);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "14:30");
  g_signal_emit_by_name (entry, "activate");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 2);
  booked = nm_consultation_get_session (consultation, n + 1);
  g_assert_cmpstr (nm_session_get_date (booked), ==, "2026-12-01");
  g_assert_false (nm_session_get_done (booked));
  g_assert_null (nm_schedule_view_log_session (schedule));
  g_assert_nonnull (shown_session_form ());
  g_assert_true (nm_session_form_get_session (shown_session_form ()) == booked);
  accept_session_form ();
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 2);
  g_assert_true (nm_session_get_done (booked));
  g_assert_cmpstr (nm_session_get_time (booked), ==, "14:30");
  g_assert_true (nm_session_get_depth (booked, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, nm_plan_lookup_region (nm_window_get_plan (window), "cheek-left")->min_mm);

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* The window opens at the size it had when it was last closed; the first
 * one ever opens at a size of its own, not maximised. */
static void
test_window_size_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  NmWindow *window;
  int width, height;

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
  window = g_object_ref (g_object_new (NM_TYPE_WINDOW, NULL));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (window)));

  gtk_window_set_default_size (GTK_WINDOW (window), 1010, 690);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  window_test_finalize (window);

  window = g_object_new (NM_TYPE_WINDOW, NULL);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1010);
  g_assert_cmpint (height, ==, 690);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (window)));
  window_test_destroy (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
}

/* Log Session with what stands in the way: a dialog says why, offers to go
 * where it is put right, and logs nothing; never a way round a block. */
static void
test_window_log_session_checks (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "check.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NmScheduleView *schedule;
  NmSession *logged;
  AdwViewStack *side;
  AdwMessageDialog *dialog;
  guint n;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  consultation = nm_window_get_consultation (window);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  side = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), is_view_stack_with, "screening"));
  n = nm_consultation_get_n_sessions (consultation);

  /* blocked: refused, saying why; no way to log anyway */
  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  g_assert_cmpint (nm_plan_get_state (nm_window_get_plan (window)), ==, NM_PLAN_STATE_BLOCKED);
  g_assert_null (nm_schedule_view_log_session (schedule));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), "Not suitable now: "));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            nm_plan_get_blocked_by (nm_window_get_plan (window), 0)->message));
  g_assert_false (adw_message_dialog_has_response (dialog, "log"));
  adw_view_stack_set_visible_child_name (side, "tag");
  respond (dialog, "plan");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (side), ==, "plan");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  g_assert_true (nm_consultation_undo (consultation));

  /* the screening not finished: to the Screening panel */
  nm_consultation_set_screening (consultation, "tattoo-in-area", NM_ANSWER_UNKNOWN);
  g_assert_null (nm_schedule_view_log_session (schedule));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Finish the Screening First");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 screening question is not answered"));
  g_assert_false (adw_message_dialog_has_response (dialog, "log"));
  respond (dialog, "screening");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (side), ==, "screening");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  g_assert_true (nm_consultation_undo (consultation));

  /* no skin type: to the Client panel */
  nm_consultation_set_fitzpatrick (consultation, 0);
  g_assert_null (nm_schedule_view_log_session (schedule));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Choose the Skin Type First");
  respond (dialog, "client");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (side), ==, "client");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);
  g_assert_true (nm_consultation_undo (consultation));

  /* a precaution answered yes and not acknowledged: to the Plan panel */
  nm_consultation_set_screening (consultation, "anticoagulants", NM_ANSWER_YES);
  g_assert_true (nm_plan_has_warning (nm_window_get_plan (window), "relative-unacknowledged", NULL));
  g_assert_null (nm_schedule_view_log_session (schedule));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Acknowledge the Precautions First");
  g_assert_false (adw_message_dialog_has_response (dialog, "log"));
  adw_view_stack_set_visible_child_name (side, "tag");
  respond (dialog, "cancel");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (side), ==, "tag");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n);

  /* acknowledged: logged, as with any other precaution */
  nm_consultation_set_acknowledgement (consultation, "anticoagulants", "GP agrees");
  logged = log_session (schedule);
  g_assert_nonnull (logged);
  g_assert_null (shown_message_dialog ());
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 1);

  /* one series: clicked again, today's session opens, nothing is logged */
  g_assert_true (nm_schedule_view_log_session (schedule) == logged);
  g_assert_null (shown_message_dialog ());
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, n + 1);

  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* Log Session at the file's limit of sessions (issue 13 item 11): a dialog
 * says the log is full, and nothing is logged that could not be saved. */
static void
test_window_log_session_full (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "full.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) text = g_string_new (log_file);
  NmScheduleView *schedule;
  AdwMessageDialog *dialog;
  const char *sessions = strstr (log_file, "\"sessions\":[");

  g_assert_nonnull (sessions);
  g_string_truncate (text, sessions - log_file);
  g_string_append (text, "\"sessions\":[");
  for (guint i = 0; i < NM_FILE_MAX_SESSIONS; i++)
    g_string_append_printf (text, "%s{\"date\":\"20%02u-%02u-01\",\"done\":true}", i > 0 ? "," : "",
                            (i / 12) % 26, 1 + i % 12);
  g_string_append (text, "]}\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  g_assert_cmpuint (nm_consultation_get_n_sessions (nm_window_get_consultation (window)), ==,
                    NM_FILE_MAX_SESSIONS);

  g_assert_null (nm_schedule_view_log_session (schedule));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Session Log Is Full");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1000"));
  g_assert_false (adw_message_dialog_has_response (dialog, "log"));
  respond (dialog, "cancel");
  g_assert_cmpuint (nm_consultation_get_n_sessions (nm_window_get_consultation (window)), ==,
                    NM_FILE_MAX_SESSIONS);
  g_assert_false (nm_consultation_get_modified (nm_window_get_consultation (window)));

  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* Log Session clicked twice logs one session: the second click opens
 * today's. Where a second series is due today too (the scalp beside the
 * face), it asks, and opening today's session is what it does by default. */
static void
test_window_log_session_once_a_day (void)
{
  NmWindow *window = new_window ();
  NmConsultation *consultation;
  NmScheduleView *schedule;
  NmSession *first, *again, *scalp;
  AdwMessageDialog *dialog;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL));
  consultation = nm_window_get_consultation (window);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  g_assert_cmpuint (nm_plan_get_n_series (nm_window_get_plan (window)), ==, 2);
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 0);

  first = log_session (schedule);
  g_assert_nonnull (first);
  g_assert_cmpstr (nm_session_get_date (first), ==, "2026-12-01");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 1);

  /* again, the scalp series due today too: asked, nothing logged yet */
  g_assert_null (nm_schedule_view_log_session (schedule));
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 1);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Already Logged Today");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "open");
  /* opening it logs nothing and shows today's session */
  row = gtk_widget_get_ancestor (find_widget (GTK_WIDGET (schedule), is_session_widget, first),
                                 ADW_TYPE_EXPANDER_ROW);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
  respond (dialog, "open");
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 1);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));

  /* the scalp was treated too: logged, one session of each series today */
  g_assert_null (nm_schedule_view_log_session (schedule));
  respond (shown_message_dialog (), "log");
  accept_session_form ();
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 2);
  scalp = nm_consultation_get_session (consultation, 1);
  g_assert_cmpstr (nm_session_get_date (scalp), ==, "2026-12-01");
  g_assert_false (nm_session_get_depth (scalp, "cheek-left", NULL));
  g_assert_true (nm_session_get_depth (scalp, "scalp-vertex", NULL));

  /* every series has today's session: a third click opens it, no dialog */
  again = nm_schedule_view_log_session (schedule);
  g_assert_null (shown_message_dialog ());
  g_assert_true (again == first);
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 2);

  window_test_destroy (window);
}

/* A dialog can outlive the window it was over: the click that answers it
 * holds it while its response destroys that window (Log in the form after
 * "Record Anyway", Discard in "Save Changes?" at quit). Letting go of the
 * dialog afterwards must not touch the window that is gone (GTK let go of
 * its transient parent then: "instance with invalid (NULL) class pointer",
 * "g_signal_handlers_disconnect_matched: assertion failed"). Criticals are
 * fatal here. */
static void
test_window_dialog_outlives_parent (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "outlive.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NmScheduleView *schedule;
  NmSessionForm *form;
  AdwMessageDialog *dialog;
  GtkSpinButton *spin;
  gpointer gone;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));

  /* the form, deeper than planned, recorded anyway */
  g_assert_null (nm_schedule_view_log_session (schedule));
  form = shown_session_form ();
  g_assert_nonnull (form);
  spin = GTK_SPIN_BUTTON (find_widget (GTK_WIDGET (form), is_spin_for_region, "cheek-left"));
  gtk_spin_button_set_value (spin, 2.0);
  g_assert_false (nm_session_form_accept (form));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (form));
  gone = form;
  g_object_add_weak_pointer (G_OBJECT (form), &gone);
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, "record");
  test_wait_drain ();
  g_assert_null (gone);   /* the form went while its dialog was held */
  g_assert_null (shown_session_form ());
  g_object_unref (dialog);
  test_wait_drain ();

  /* Save Changes? Discard: the window goes while its dialog is held */
  gtk_window_close (GTK_WINDOW (window));
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Changes?");
  gone = window;
  g_object_add_weak_pointer (G_OBJECT (window), &gone);
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, "discard");
  test_wait_drain ();
  g_assert_null (gone);
  g_object_unref (dialog);
  test_wait_drain ();

  g_unlink (path);
  g_rmdir (dir);
}

static void
collect_rows_starting (GtkWidget  *widget,
                       const char *prefix,
                       GPtrArray  *found)
{
  if (ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), prefix))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_rows_starting (child, prefix, found);
}

/* The Plan panel gives a warning the plan repeats for each region (the
 * risk of pigmentation on darker skin) once, naming the regions. */
static void
test_window_plan_warnings_grouped (void)
{
  NmWindow *window = new_window ();
  static const char *regions[] = { "forehead", "nose", "chin" };
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  NmConsultation *consultation;
  GtkWidget *panel;
  const char *subtitle;
  guint n_pih = 0;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  nm_consultation_set_fitzpatrick (consultation, 5);
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      g_autoptr(NmFinding) finding = nm_finding_new (regions[i], "fine-lines", 2);

      nm_consultation_add_finding (consultation, finding);
    }
  test_wait_drain ();
  for (guint i = 0; i < nm_plan_get_n_warnings (nm_window_get_plan (window)); i++)
    if (g_strcmp0 (nm_plan_get_warning (nm_window_get_plan (window), i)->id, "pih-risk") == 0)
      n_pih++;
  g_assert_cmpuint (n_pih, ==, G_N_ELEMENTS (regions));   /* the plan: one per region */

  panel = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_PLAN_PANEL);
  collect_rows_starting (panel, "Skin type V:", rows);
  g_assert_cmpuint (rows->len, ==, 1);                    /* the panel: one row */
  subtitle = adw_action_row_get_subtitle (g_ptr_array_index (rows, 0));
  g_assert_nonnull (strstr (subtitle, "3 regions: "));
  g_assert_nonnull (strstr (subtitle, "Forehead"));
  g_assert_nonnull (strstr (subtitle, "Nose"));
  g_assert_nonnull (strstr (subtitle, "Chin"));

  /* one region left: named alone */
  nm_consultation_remove_finding (consultation, nm_consultation_get_finding (consultation, 0));
  nm_consultation_remove_finding (consultation, nm_consultation_get_finding (consultation, 0));
  test_wait_drain ();
  g_ptr_array_set_size (rows, 0);
  collect_rows_starting (panel, "Skin type V:", rows);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), ==, "Chin");

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
}

static NmSession *
row_session_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "nm-session");
}

static gboolean
is_session_row_of (GtkWidget     *widget,
                   gconstpointer  session)
{
  return ADW_IS_EXPANDER_ROW (widget) && row_session_of (widget) == session;
}

static gboolean
is_text_view (GtkWidget     *widget,
              gconstpointer  unused)
{
  return GTK_IS_TEXT_VIEW (widget);
}

/* A logged session's notes show in its row over several lines, as typed
 * (a line break kept, long lines wrapped), and are edited there: applied
 * when the focus leaves them, one undo step. */
static void
test_window_session_notes_lines (void)
{
  NmWindow *window = new_window ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NmConsultation *consultation;
  NmScheduleView *schedule;
  NmSession *session;
  GtkTextView *view;
  g_autofree char *shown = NULL;
  GtkWidget *date;
  guint steps;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  consultation = nm_window_get_consultation (window);
  schedule = NM_SCHEDULE_VIEW (find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW));
  session = nm_consultation_get_session (consultation, 0);
  nm_session_set_notes (session, "numbing cream 20 min\nslight redness, settled within the hour, "
                                 "client asked about the next session and the sun");
  test_wait_drain ();

  /* the row, opened: the notes over several lines */
  g_assert_null (nm_schedule_view_log_session (schedule));
  accept_session_form ();
  view = GTK_TEXT_VIEW (find_widget_of_type (GTK_WIDGET (schedule), GTK_TYPE_TEXT_VIEW));
  if (view == NULL || row_session_of (GTK_WIDGET (view)) != session)
    {
      GtkWidget *row = find_widget (GTK_WIDGET (schedule), is_session_row_of, session);

      g_assert_nonnull (row);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      view = GTK_TEXT_VIEW (find_widget (row, is_text_view, NULL));
    }
  g_assert_nonnull (view);
  g_assert_true (gtk_text_view_get_wrap_mode (view) != GTK_WRAP_NONE);
  shown = text_view_text (view);
  g_assert_cmpstr (shown, ==, nm_session_get_notes (session));
  g_assert_null (find_widget (GTK_WIDGET (schedule), is_entry_row_titled, "Notes"));

  /* typed over two lines, then the focus moves on: one undo step */
  steps = nm_history_get_n_undo (nm_consultation_get_history (consultation));
  gtk_widget_grab_focus (GTK_WIDGET (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "line one\nline two", -1);
  g_assert_cmpstr (nm_session_get_notes (session), !=, "line one\nline two");
  date = find_widget (GTK_WIDGET (schedule), is_entry_row_titled, "Date");
  g_assert_nonnull (date);
  gtk_widget_grab_focus (date);
  g_assert_cmpstr (nm_session_get_notes (session), ==, "line one\nline two");
  g_assert_cmpuint (nm_history_get_n_undo (nm_consultation_get_history (consultation)), ==, steps + 1);

  /* undone: the row shows the notes as they were */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  test_wait_drain ();
  view = GTK_TEXT_VIEW (find_widget (find_widget (GTK_WIDGET (schedule), is_session_row_of, session),
                                     is_text_view, NULL));
  g_clear_pointer (&shown, g_free);
  shown = text_view_text (view);
  g_assert_nonnull (strstr (shown, "numbing cream 20 min\nslight redness"));

  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* The file dialog the window shows (GtkFileChooserNative falls back to a
 * GtkFileChooserDialog here): its folder, and then it is cancelled. */
static GFile *
dialog_folder_after (NmWindow   *window,
                     const char *action)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *dialog = NULL;
  GFile *folder;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (toplevel))
        dialog = GTK_WIDGET (toplevel);
    }
  g_assert_nonnull (dialog);
  test_wait_drain ();
  folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (dialog));
  g_assert_nonnull (folder);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  test_wait_drain ();
  return folder;
}

/* File dialogs open in the current file's folder, else the last folder a
 * dialog chose, else Documents: never the process's working directory. */
static void
test_window_dialog_folders (void)
{
  NmWindow *window = new_window ();
  NmWindow *fresh;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *other = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "folder.needlemap", NULL);
  g_autofree char *elsewhere = g_build_filename (other, "chosen.needlemap", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) chosen = g_file_new_for_path (elsewhere);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(GFile) other_file = g_file_new_for_path (other);
  g_autoptr(GFile) cwd_file = g_file_new_for_path (cwd);

  g_assert_false (g_file_equal (dir_file, cwd_file));

  /* with no file and nothing chosen yet: Documents (else home), not the
   * working directory */
  folder = nm_window_dup_dialog_folder (window);
  g_assert_false (g_file_equal (folder, cwd_file));
  g_clear_object (&folder);

  /* the current file's folder, for Open, Save As and the exports */
  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  folder = dialog_folder_after (window, "win.open");
  g_assert_true (g_file_equal (folder, dir_file));
  g_clear_object (&folder);
  folder = dialog_folder_after (window, "win.export-pdf");
  g_assert_true (g_file_equal (folder, dir_file));
  g_clear_object (&folder);
  folder = dialog_folder_after (window, "win.export-ics");
  g_assert_true (g_file_equal (folder, dir_file));
  g_clear_object (&folder);

  /* a window with no file: the last folder a dialog chose */
  nm_window_remember_dialog_folder (chosen);
  fresh = new_window ();
  folder = dialog_folder_after (fresh, "win.open");
  g_assert_true (g_file_equal (folder, other_file));
  g_clear_object (&folder);
  /* the window with a file keeps its own */
  folder = nm_window_dup_dialog_folder (window);
  g_assert_true (g_file_equal (folder, dir_file));

  window_test_destroy (fresh);
  nm_document_drop_recovery (nm_window_get_document (window));
  window_test_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
  g_rmdir (other);
}

static gboolean
is_stack_with (GtkWidget     *widget,
               gconstpointer  child_name)
{
  return GTK_IS_STACK (widget) && gtk_stack_get_child_by_name (GTK_STACK (widget), child_name) != NULL;
}

static gboolean
is_css_named (GtkWidget     *widget,
              gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_css_name (widget), name) == 0;
}

static gboolean
is_mapped_control (GtkWidget     *widget,
                   gconstpointer  unused)
{
  return gtk_widget_get_mapped (widget) &&
         (GTK_IS_BUTTON (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SWITCH (widget));
}

static gboolean
has_no_parent (gpointer widget)
{
  return gtk_widget_get_parent (widget) == NULL;
}

/* At 1024×600, "Consultation saved" covers none of the controls a
 * practitioner reaches for next: a logged session's Remove button, its
 * depths, the side panel. */
static void
test_window_saved_toast_out_of_the_way (void)
{
  NmWindow *window = new_window_sized (1024, 600);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "toast.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  GtkWidget *schedule, *expander, *scroller, *toast;
  GtkAdjustment *adjustment;
  graphene_rect_t toast_bounds;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  gtk_stack_set_visible_child_name (GTK_STACK (find_widget (GTK_WIDGET (window), is_stack_with, "schedule")),
                                    "schedule");
  schedule = find_widget_of_type (GTK_WIDGET (window), NM_TYPE_SCHEDULE_VIEW);
  expander = find_widget_of_type (schedule, ADW_TYPE_EXPANDER_ROW);
  g_assert_nonnull (expander);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  wait_for_draw (GTK_WIDGET (window));
  /* the end of the log, where the Remove button is */
  scroller = find_widget_of_type (schedule, GTK_TYPE_SCROLLED_WINDOW);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  wait_for_draw (GTK_WIDGET (window));
  nm_consultation_set_practitioner (nm_window_get_consultation (window), "Dr Toast");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  g_assert_false (nm_window_get_modified (window));
  toast = find_widget (GTK_WIDGET (window), is_css_named, "toast");
  g_assert_nonnull (toast);
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_compute_bounds (toast, GTK_WIDGET (window), &toast_bounds));

  collect_widgets (GTK_WIDGET (window), is_mapped_control, NULL, controls);
  g_assert_cmpuint (controls->len, >, 10);
  g_assert_nonnull (find_widget (schedule, is_button_with_tooltip, "Remove"));
  for (guint i = 0; i < controls->len; i++)
    {
      GtkWidget *control = g_ptr_array_index (controls, i);
      graphene_rect_t bounds;

      /* the toast's own close button, and what is scrolled out of sight */
      if (gtk_widget_is_ancestor (control, toast) ||
          !gtk_widget_compute_bounds (control, GTK_WIDGET (window), &bounds) ||
          bounds.origin.y >= gtk_widget_get_height (GTK_WIDGET (window)))
        continue;
      if (graphene_rect_intersection (&toast_bounds, &bounds, NULL))
        g_error ("the toast covers %s “%s” at %.0f,%.0f",
                 G_OBJECT_TYPE_NAME (control),
                 gtk_widget_get_tooltip_text (control) ? gtk_widget_get_tooltip_text (control) : "",
                 bounds.origin.x, bounds.origin.y);
    }

  /* and it goes soon: a short confirmation, which its own timer takes
   * away (the overlay unparents it) */
  {
    g_autoptr(AdwToast) shown = NULL;

    g_object_get (toast, "toast", &shown, NULL);
    g_assert_nonnull (shown);
    g_assert_cmpuint (adw_toast_get_timeout (shown), >, 0);
    g_assert_cmpuint (adw_toast_get_timeout (shown), <=, 3);
    g_object_ref (toast);
    test_wait_notify (toast, "parent", has_no_parent, toast, "the saved toast to go");
    g_object_unref (toast);
  }
  g_assert_null (find_widget (GTK_WIDGET (window), is_css_named, "toast"));

  window_test_destroy (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

/* The window with a consultation fits a 1024×600 screen. */
static void
test_window_fits_small_screen (void)
{
  NmWindow *window = new_window ();
  int width, height;
  GtkWidget *content;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL));
  wait_for_draw (GTK_WIDGET (window));
  /* what the screen shows: the window's content, without the shadow that
   * client-side decorations draw around it */
  content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  gtk_widget_measure (content, GTK_ORIENTATION_VERTICAL, width, &height, NULL, NULL, NULL);
  g_test_message ("smallest window: %d×%d", width, height);
  g_assert_cmpint (width, <=, 1024);
  g_assert_cmpint (height, <=, 600);
  window_test_destroy (window);
}

/* A toast over the map does not swallow what is drawn under it: with the
 * Outline (or Brush) tool the pointer goes through it to the map; with
 * Select its buttons take clicks as before. */
static void
test_window_toast_lets_drawing_through (void)
{
  NmWindow *window = new_window_sized (1024, 600);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "draw.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NmMapView *map_view;
  GtkWidget *toast, *picked;
  graphene_rect_t bounds;
  double x, y;

  g_assert_true (g_file_set_contents (path, log_file, -1, NULL));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  map_view = nm_window_get_map_view (window);
  nm_map_view_set_tool (map_view, NM_MAP_TOOL_OUTLINE);
  nm_consultation_set_practitioner (nm_window_get_consultation (window), "Dr Toast");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  toast = find_widget (GTK_WIDGET (window), is_css_named, "toast");
  g_assert_nonnull (toast);
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_compute_bounds (toast, GTK_WIDGET (window), &bounds));
  x = bounds.origin.x + bounds.size.width / 4;
  y = bounds.origin.y + bounds.size.height / 2;

  /* the toast is over the map */
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (map_view),
                                         gtk_widget_get_ancestor (toast, ADW_TYPE_TOAST_OVERLAY)));

  /* drawing: the map gets the pointer */
  picked = gtk_widget_pick (GTK_WIDGET (window), x, y, GTK_PICK_DEFAULT);
  g_assert_nonnull (picked);
  g_assert_true (picked == GTK_WIDGET (map_view) || gtk_widget_is_ancestor (picked, GTK_WIDGET (map_view)));

  /* selecting: the toast does, its buttons work */
  nm_map_view_set_tool (map_view, NM_MAP_TOOL_SELECT);
  picked = gtk_widget_pick (GTK_WIDGET (window), x, y, GTK_PICK_DEFAULT);
  g_assert_true (picked == toast || gtk_widget_is_ancestor (picked, toast));

  /* and back to drawing */
  nm_map_view_set_tool (map_view, NM_MAP_TOOL_BRUSH);
  picked = gtk_widget_pick (GTK_WIDGET (window), x, y, GTK_PICK_DEFAULT);
  g_assert_true (picked == GTK_WIDGET (map_view) || gtk_widget_is_ancestor (picked, GTK_WIDGET (map_view)));

  window_test_destroy (window);
  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* the day the window plans from */
  g_setenv ("NEEDLEMAP_TODAY", "2026-12-01", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/welcome-then-new", test_window_welcome_then_new);
  g_test_add_func ("/window/edit-modified-undo", test_window_edit_marks_modified_and_undo);
  g_test_add_func ("/window/save-and-load", test_window_save_and_load);
  g_test_add_func ("/window/refuses-bad-file", test_window_refuses_bad_file);
  g_test_add_func ("/window/open-errors-in-words", test_window_open_errors_in_words);
  g_test_add_func ("/window/open-sample", test_window_open_sample);
  g_test_add_func ("/window/changed-on-disk", test_window_changed_on_disk);
  g_test_add_func ("/window/never-overwrites-unread", test_window_never_overwrites_unread);
  g_test_add_func ("/window/newer-version-only-a-copy", test_window_newer_version_only_a_copy);
  g_test_add_func ("/window/read-only-offers-copy", test_window_read_only_offers_copy);
  g_test_add_func ("/window/unsaved-marker-at-once", test_window_unsaved_marker_at_once);
  g_test_add_func ("/window/deleted-on-disk", test_window_deleted_on_disk);
  g_test_add_func ("/window/save-needs-skin-type", test_window_save_needs_skin_type);
  g_test_add_func ("/window/typing-is-not-lost", test_window_typing_is_not_lost);
  g_test_add_func ("/window/save-changes-names-client", test_window_save_changes_names_client);
  g_test_add_func ("/preferences/paper-size-shown-whole", test_preferences_paper_size_shown_whole);
  g_test_add_func ("/window/failed-save-on-close-keeps-window", test_window_failed_save_on_close_keeps_window);
  g_test_add_func ("/window/status-states", test_window_status_states);
  g_test_add_func ("/window/status-groups", test_window_status_groups);
  g_test_add_func ("/window/device-per-consultation", test_window_device_per_consultation);
  g_test_add_func ("/window/client-guardian-age", test_window_client_guardian_age);
  g_test_add_func ("/window/birth-date-forms", test_window_birth_date_forms);
  g_test_add_func ("/window/birth-date-calendar", test_window_birth_date_calendar);
  g_test_add_func ("/window/screening-24", test_window_screening_24);
  g_test_add_func ("/window/screening-questions-wrap", test_window_screening_questions_wrap);
  g_test_add_func ("/window/answer-rest-no-asks", test_window_answer_rest_no_asks);
  g_test_add_func ("/window/log-session", test_window_log_session);
  g_test_add_func ("/window/log-session-form", test_window_log_session_form);
  g_test_add_func ("/window/appointment-times", test_window_appointment_times);
  g_test_add_func ("/window/log-session-checks", test_window_log_session_checks);
  g_test_add_func ("/window/log-session-full", test_window_log_session_full);
  g_test_add_func ("/window/log-session-once-a-day", test_window_log_session_once_a_day);
  g_test_add_func ("/window/dialog-outlives-parent", test_window_dialog_outlives_parent);
  g_test_add_func ("/window/plan-warnings-grouped", test_window_plan_warnings_grouped);
  g_test_add_func ("/window/session-notes-lines", test_window_session_notes_lines);
  g_test_add_func ("/window/dialog-folders", test_window_dialog_folders);
  g_test_add_func ("/window/fits-small-screen", test_window_fits_small_screen);
  g_test_add_func ("/window/size-remembered", test_window_size_remembered);
  g_test_add_func ("/window/saved-toast-out-of-the-way", test_window_saved_toast_out_of_the_way);
  g_test_add_func ("/window/toast-lets-drawing-through", test_window_toast_lets_drawing_through);

  return g_test_run ();
}
