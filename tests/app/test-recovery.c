/* test-recovery.c: a crash in the middle of editing loses at most the last
 * few seconds
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nm-application.h"
#include "nm-file.h"
#include "nm-finding.h"
#include "nm-map-view.h"
#include "nm-recovery.h"
#include "nm-tag-panel.h"
#include "nm-window.h"
#include "window-test-util.h"

#define EDIT_INTERVAL_MS 100
/* The child is killed once it has reported this many edits and a recovery
 * copy has been seen. */
#define MIN_EDITS 20
/* A copy is written 2 s after an edit, and again 2 s after the next edit
 * once it is written: a crash loses at most the edits of the last couple
 * of seconds. Counted in the child's own edits, which come 100 ms apart at
 * the most, that is some 20 edits; 30 (3 s) leave room. */
#define MAX_LOST_EDITS (3000 / EDIT_INTERVAL_MS)

/* GLib reads XDG_STATE_HOME once per process: one private folder for all. */
static char *state;
static char *self_exe;

/* The child: the real window, tagged region after region with the brush,
 * one edit every 100 ms, each one reported on stdout, until it is killed. */
static guint child_edits;

static gboolean
child_edit_cb (gpointer user_data)
{
  NmWindow *window = user_data;
  NmMapView *map = nm_window_get_map_view (window);
  guint n = nm_vocab_n_regions ();
  const char *region;

  /* Never an eyelid, so that every edit is a plain finding. */
  do
    region = nm_vocab_region (child_edits++ % n)->id;
  while (nm_vocab_region_never_treated (region));

  if (!nm_vocab_region_in_view (region, nm_map_view_get_view (map)))
    {
      for (guint v = 0; v < NM_N_VIEWS; v++)
        if (nm_vocab_region_in_view (region, v))
          {
            gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", nm_view_id (v));
            break;
          }
    }
  nm_map_view_activate_region (map, region, FALSE);
  g_print ("%u\n", nm_consultation_get_n_findings (nm_window_get_consultation (window)));
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static int
run_child (void)
{
  NmWindow *window;

  gtk_init ();
  adw_init ();
  window = g_object_new (NM_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  nm_consultation_set_fitzpatrick (nm_window_get_consultation (window), 3);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "brush");
  nm_tag_panel_set_kind (nm_window_get_tag_panel (window), "fine-lines");
  g_timeout_add (EDIT_INTERVAL_MS, child_edit_cb, window);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* The parent's side: the child's report, one line an edit, read as it
 * comes; the recovery copy looked at after each edit. */
typedef struct
{
  GIOChannel *channel;
  GArray     *counts;         /* of guint: the findings after each edit */
  guint       first_copy_at;  /* the edits reported when a copy was first seen */
  guint       seen;           /* the findings in the last copy seen */
  gboolean    ended;          /* the child's output closed */
  gboolean    ready;          /* enough edits and a copy: time to kill it */
} ChildReport;

/* The one copy in the recovery folder, read as it is on disk: the running
 * child's copy is not listed (nm_recovery_list()) while it runs. */
static NmConsultation *
load_copy_on_disk (void)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GDir) folder = g_dir_open (g_file_peek_path (dir), 0, NULL);
  g_autoptr(GFile) copy = NULL;
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      if (!g_str_has_suffix (name, ".needlemap"))
        continue;
      if (copy != NULL)
        return NULL;
      copy = g_file_get_child (dir, name);
    }
  return copy != NULL ? nm_file_load (copy, NULL, NULL) : NULL;
}

static void
look_at_copy (ChildReport *report)
{
  g_autoptr(NmConsultation) copy = load_copy_on_disk ();

  if (copy == NULL)
    return;
  report->seen = nm_consultation_get_n_findings (copy);
  if (report->first_copy_at == 0)
    report->first_copy_at = report->counts->len;
}

/* Reads the lines there are (the channel does not block). */
static void
read_report (ChildReport *report)
{
  for (;;)
    {
      g_autofree char *line = NULL;
      GIOStatus status = g_io_channel_read_line (report->channel, &line, NULL, NULL, NULL);
      guint count;

      if (status != G_IO_STATUS_NORMAL)
        {
          report->ended |= status == G_IO_STATUS_EOF || status == G_IO_STATUS_ERROR;
          return;
        }
      count = (guint) g_ascii_strtoull (line, NULL, 10);
      g_array_append_val (report->counts, count);
    }
}

static gboolean
on_child_output_cb (GIOChannel   *channel,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  ChildReport *report = user_data;
  guint before = report->counts->len;

  read_report (report);
  if (report->counts->len > before)
    look_at_copy (report);
  report->ready = (report->counts->len >= MIN_EDITS && report->first_copy_at > 0) || report->ended;
  return report->ended ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
recovery_idle (gpointer document)
{
  return !nm_document_get_recovery_busy (document);
}

static void
test_sigkill_mid_edit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(NmConsultation) restored = NULL;
  const char *argv[] = { self_exe, "--child", NULL };
  char **envp = g_get_environ ();
  ChildReport report = { NULL, g_array_new (FALSE, FALSE, sizeof (guint)), 0, 0, FALSE, FALSE };
  guint watch, edits, reported, lower;
  GPid pid;
  int out_fd, status;
  NmWindow *window;
  GStatBuf st;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  g_strfreev (envp);

  /* Read the child's edits as they come, and kill it mid-edit once it has
   * made MIN_EDITS and a recovery copy has been seen: counted, not timed,
   * so a loaded machine only makes this slower. */
  report.channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (report.channel, TRUE);
  g_io_channel_set_flags (report.channel, G_IO_FLAG_NONBLOCK, NULL);
  watch = g_io_add_watch (report.channel, G_IO_IN | G_IO_HUP | G_IO_ERR, on_child_output_cb, &report);
  test_wait_flag (&report.ready, "the child's edits and its recovery copy");
  g_assert_false (report.ended);
  g_source_remove (watch);

  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  /* the edits it reported before it died */
  read_report (&report);
  g_io_channel_unref (report.channel);

  edits = report.counts->len;
  reported = g_array_index (report.counts, guint, edits - 1);
  lower = edits > MAX_LOST_EDITS ? g_array_index (report.counts, guint, edits - 1 - MAX_LOST_EDITS) : 0;
  g_array_unref (report.counts);
  g_assert_cmpuint (edits, >=, MIN_EDITS);
  g_assert_cmpuint (reported, >=, 20);
  /* the first copy came a couple of seconds into the editing (counted in
   * edits), not when the editing stopped */
  g_assert_cmpuint (report.first_copy_at, >, 0);
  g_assert_cmpuint (report.first_copy_at, <=, MAX_LOST_EDITS);

  /* Restart: the copy is there, private, and has all but the last seconds. */
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);
  {
    g_autofree char *path = g_file_get_path (((NmRecoveryEntry *) g_ptr_array_index (entries, 0))->file);
    g_autofree char *dir = g_path_get_dirname (path);

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }

  restored = nm_recovery_load (g_ptr_array_index (entries, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  g_test_message ("%u edits, %u findings reported, %u of them %u edits before the kill; a copy "
                  "first seen after %u edits, the last one seen with %u; restored %u", edits, reported,
                  lower, MAX_LOST_EDITS, report.first_copy_at, report.seen,
                  nm_consultation_get_n_findings (restored));
  g_assert_cmpuint (nm_consultation_get_n_findings (restored), >=, lower);
  g_assert_cmpuint (nm_consultation_get_n_findings (restored), >=, report.seen);
  g_assert_cmpuint (nm_consultation_get_n_findings (restored), <=, reported);
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (restored), ==, 3);

  /* The restored window shows the work as unsaved, and takes the copy over. */
  window = g_object_new (NM_TYPE_WINDOW, NULL);
  g_assert_true (nm_window_restore (window, g_ptr_array_index (entries, 0), &error));
  g_assert_no_error (error);
  g_assert_true (nm_window_get_modified (window));
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (window)), ==,
                    nm_consultation_get_n_findings (restored));
  g_clear_pointer (&entries, g_ptr_array_unref);
  /* the copy is written on a worker thread */
  test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy to be written");
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);

  /* Saving removes the copy. */
  {
    g_autofree char *path = g_build_filename (state, "saved.needlemap", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_true (window_test_save (window, file, &error));
    g_assert_no_error (error);
    test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy to be removed");
    g_clear_pointer (&entries, g_ptr_array_unref);
    entries = nm_recovery_list ();
    g_assert_cmpuint (entries->len, ==, 0);
    g_unlink (path);
  }

  window_test_destroy (window);
}

static void
test_unset_skin_type_survives (void)
{
  g_autoptr(NmConsultation) consultation = nm_consultation_new ();
  g_autoptr(NmConsultation) back = NULL;
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();

  nm_consultation_add_finding (consultation, finding);
  g_assert_true (nm_recovery_write (id, consultation, NULL, &error));
  g_assert_no_error (error);

  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_null (((NmRecoveryEntry *) g_ptr_array_index (entries, 0))->origin_uri);
  back = nm_recovery_load (g_ptr_array_index (entries, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (back), ==, NM_FITZPATRICK_UNSET);
  g_assert_cmpuint (nm_consultation_get_n_findings (back), ==, 1);

  nm_recovery_remove (id);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 0);
}

/* The application as it starts after a crash: offers the copies left behind
 * in its first window.  Returns the message dialog shown last. */
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

static NmApplication *
start_app (void)
{
  g_autoptr(GError) error = NULL;
  NmApplication *app = nm_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  return app;
}

/* The copies on disk, counted without taking them over as
 * nm_recovery_list() does: each start of the application below is another
 * process, which offers only copies of processes that ended. */
static guint
count_copies (void)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GDir) folder = g_dir_open (g_file_peek_path (dir), 0, NULL);
  const char *name;
  guint n = 0;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    n += g_str_has_suffix (name, ".needlemap") || g_str_has_suffix (name, ".needlemap-recovery");
  return n;
}

static NmConsultation *
yara (const char *notes)
{
  NmConsultation *consultation = nm_consultation_new ();

  nm_consultation_set_fitzpatrick (consultation, 2);
  nm_consultation_set_client_name (consultation, "Yara Copy");
  nm_consultation_set_client_notes (consultation, notes);
  return consultation;
}

/* A run that wrote a copy and ended: another process (a copy belongs to
 * its process as long as that runs). */
static int
run_copy_writer (const char *notes)
{
  g_autoptr(NmConsultation) consultation = yara (notes);
  g_autofree char *id = nm_recovery_new_id ();

  return nm_recovery_write (id, consultation, NULL, NULL) ? 0 : 1;
}

static void
write_copy (const char *notes)
{
  const char *argv[] = { self_exe, "--write-copy", notes, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The end of a start of the application: its dialogs go, and then its
 * windows, each of which must be finalized once destroyed (a leaked window
 * fails the test); a window's keyboard-shortcuts window goes with it. */
static void
close_app_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GType kinds[] = { ADW_TYPE_MESSAGE_DIALOG, NM_TYPE_WINDOW };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint i = 0; i < g_list_model_get_n_items (toplevels);)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (G_TYPE_CHECK_INSTANCE_TYPE (window, kinds[k]))
          window_test_finalize (g_steal_pointer (&window));  /* it leaves the list */
        else
          i++;
      }
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 0);
}

/* Each start of the application runs in a process of its own, as it does
 * for the practitioner. */
static void
answer_offer (const char *response,
              const char *names)
{
  NmApplication *app = start_app ();
  AdwMessageDialog *dialog = shown_message_dialog ();

  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Restore Unsaved Work?");
  /* whose work it is, as the window's title would say */
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), names));
  adw_message_dialog_response (dialog, response != NULL ? response
                                                        : adw_message_dialog_get_close_response (dialog));
  (void) app;
}

static void
test_subprocess_close (void)
{
  if (g_test_subprocess ())
    {
      answer_offer (NULL, "closed before “Yara Copy” was saved");
      close_app_windows ();
    }
}

static void
test_subprocess_discard (void)
{
  if (g_test_subprocess ())
    {
      answer_offer ("discard", "closed before “Yara Copy” was saved");
      close_app_windows ();
    }
}

static void
test_subprocess_restore_broken (void)
{
  AdwMessageDialog *dialog;

  if (!g_test_subprocess ())
    return;

  g_test_expect_message ("needlemap", G_LOG_LEVEL_WARNING, "A recovery copy could not be restored:*");
  answer_offer ("restore", "closed before a copy that cannot be read was saved");
  g_test_assert_expected_messages ();

  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Restore Unsaved Work");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "client.notes"));
  close_app_windows ();
}

static void
test_dialog_close_keeps_copies (void)
{
  g_assert_cmpuint (count_copies (), ==, 0);
  write_copy ("kept");

  /* Escape (the dialog's close response) is not Discard. */
  g_test_trap_subprocess ("/recovery/subprocess/close", 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
  g_assert_cmpuint (count_copies (), ==, 1);

  /* Offered again at the next start; Discard deletes it. */
  g_test_trap_subprocess ("/recovery/subprocess/discard", 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
  g_assert_cmpuint (count_copies (), ==, 0);
}

static void
test_failed_restore_is_reported (void)
{
  g_autofree char *long_notes = g_strnfill (NM_FILE_MAX_STRING_CHARS + 1, 'n');
  g_autoptr(NmConsultation) consultation = yara (long_notes);
  g_autoptr(GBytes) bytes = nm_file_serialize (consultation);
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *name = g_strconcat (id, ".needlemap", NULL);
  g_autofree char *path = g_build_filename (g_file_peek_path (dir), name, NULL);
  g_autoptr(GPtrArray) entries = NULL;

  /* Notes longer than a file may hold, in a copy no version writes any
   * more (an earlier one did): the strict loader refuses it. */
  g_assert_cmpuint (count_copies (), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_file_peek_path (dir), 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));

  g_test_trap_subprocess ("/recovery/subprocess/restore-broken", 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();

  /* The copy stays, for a later version. */
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);
  g_file_delete (((NmRecoveryEntry *) g_ptr_array_index (entries, 0))->file, NULL, NULL);
}

/* Issue 13, items 2 and 5. The file the edits are made to. */
static char *
client_path (void)
{
  return g_build_filename (state, "client.needlemap", NULL);
}

#define CLIENT_FILE(pregnancy) \
  "{\"format\": \"needlemap-consultation\", \"version\": 1, " \
  "\"client\": {\"name\": \"Zoe File\", \"fitzpatrick\": 2}, " \
  "\"screening\": {\"pregnancy\": " pregnancy "}, \"findings\": []}\n"

/* The editor: the real window on the client's file, an edit, its recovery
 * copy written; then it waits to be killed. */
static int
run_editor (void)
{
  g_autofree char *path = client_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);
  NmWindow *window;

  gtk_init ();
  adw_init ();
  window = g_object_new (NM_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (window));
  if (!window_test_open (window, file, NULL))
    return 1;
  nm_consultation_add_finding (nm_window_get_consultation (window), finding);
  nm_document_autosave_now (nm_window_get_document (window));
  test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy");
  g_print ("ready\n");
  fflush (stdout);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static NmWindow *
shown_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (NM_IS_WINDOW (window))
        return NM_WINDOW (window);
    }
  return NULL;
}

/* A copy of a process that runs is not offered. */
static void
test_subprocess_no_offer (void)
{
  if (g_test_subprocess ())
    {
      NmApplication *app = start_app ();

      g_assert_nonnull (shown_window ());
      g_assert_null (shown_message_dialog ());
      close_app_windows ();
      (void) app;
    }
}

/* Restored over a file another program saved since: said in the offer and
 * in the window, and Save asks before writing over it. */
static void
test_subprocess_restore_changed (void)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  AdwMessageDialog *dialog;
  NmWindow *window;
  NmDocument *document;

  if (!g_test_subprocess ())
    return;

  path = client_path ();
  answer_offer ("restore", "The file was changed by another program after this work was last saved");
  window = shown_window ();
  g_assert_nonnull (window);
  document = nm_window_get_document (window);
  g_assert_nonnull (document);
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (window)), ==, 1);
  g_assert_true (nm_window_get_modified (window));
  g_assert_cmpint (nm_document_get_disk_state (document), ==, NM_DOCUMENT_DISK_CHANGED);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  window_test_wait_idle (window);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Changed by Another Program");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"pregnancy\": true"));
  adw_message_dialog_response (dialog, "cancel");
  g_assert_true (nm_window_get_modified (window));

  test_wait_until (recovery_idle, document, "the restored work's recovery copy");
  close_app_windows ();
}

static void
test_restore_changed_file (void)
{
  g_autofree char *path = client_path ();
  g_autofree char *contents = NULL;
  const char *argv[] = { self_exe, "--editor", NULL };
  g_autoptr(GIOChannel) channel = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GPid pid;
  int out_fd, status;

  g_assert_cmpuint (count_copies (), ==, 0);
  g_assert_true (g_file_set_contents (path, CLIENT_FILE ("false"), -1, NULL));

  /* one process edits the file, and its copy is written */
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_assert_cmpint (g_io_channel_read_line (channel, &line, NULL, NULL, &error), ==, G_IO_STATUS_NORMAL);
  g_assert_cmpstr (line, ==, "ready\n");

  /* item 5: another one starting meanwhile does not offer it */
  g_test_trap_subprocess ("/recovery/subprocess/no-offer", 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();

  /* the first one dies */
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);

  /* item 2: another program then saves the file, pregnant */
  g_usleep (10 * 1000);   /* a later modification time */
  g_assert_true (g_file_set_contents (path, CLIENT_FILE ("true"), -1, NULL));

  g_test_trap_subprocess ("/recovery/subprocess/restore-changed", 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"pregnancy\": true"));

  /* the work is still kept */
  g_assert_cmpuint (count_copies (), ==, 1);
  {
    g_autoptr(GPtrArray) entries = nm_recovery_list ();

    nm_recovery_remove (((NmRecoveryEntry *) g_ptr_array_index (entries, 0))->id);
  }
  g_unlink (path);
}

/* The bar that says the unsaved work is not kept safe: the window's one
 * error bar. */
static GtkInfoBar *
find_recovery_bar (GtkWidget *widget)
{
  if (GTK_IS_INFO_BAR (widget) && gtk_info_bar_get_message_type (GTK_INFO_BAR (widget)) == GTK_MESSAGE_ERROR)
    return GTK_INFO_BAR (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkInfoBar *bar = find_recovery_bar (child);

      if (bar != NULL)
        return bar;
    }
  return NULL;
}

static GtkLabel *
find_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* An edit, its copy written (or not), and what the window says then: the
 * bar's text, or NULL when it is hidden. */
static const char *
edit_and_autosave (NmWindow   *window,
                   const char *notes)
{
  NmDocument *document = nm_window_get_document (window);
  GtkInfoBar *bar = find_recovery_bar (GTK_WIDGET (window));

  nm_consultation_set_client_notes (nm_window_get_consultation (window), notes);
  nm_document_autosave_now (document);
  test_wait_until (recovery_idle, document, "the recovery copy's write");
  g_assert_nonnull (bar);
  if (!gtk_info_bar_get_revealed (bar))
    return NULL;
  return gtk_label_get_text (find_label (GTK_WIDGET (bar)));
}

static gboolean
run_quietly (const char *command)
{
  int status;

  return g_spawn_command_line_sync (command, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

/* Issue 13, items 15 and 4: a recovery copy that cannot be written is said
 * in the window (a full disk, no permission, something else, a limit of the
 * format), until a later one is written. */
static void
test_failed_write_is_shown (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  const char *path = g_file_peek_path (dir);
  g_autofree char *aside = g_strconcat (path, ".aside", NULL);
  g_autofree char *full = g_strnfill (NM_FILE_MAX_STRING_CHARS, 'n');
  g_autofree char *over = g_strconcat (full, "xyz", NULL);
  const char *said;

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  nm_consultation_set_fitzpatrick (nm_window_get_consultation (window), 3);
  g_assert_null (edit_and_autosave (window, "first"));

  /* something in the way of the recovery folder */
  g_assert_cmpint (g_rename (path, aside), ==, 0);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  said = edit_and_autosave (window, "second");
  g_test_message ("%s", said);
  g_assert_nonnull (said);
  g_assert_true (g_str_has_prefix (said, "Unsaved work can’t be protected: its recovery copy could not be written"));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rename (aside, path), ==, 0);
  g_assert_null (edit_and_autosave (window, "third"));

  /* beyond the format's limits: the last copy that loads is kept */
  said = edit_and_autosave (window, over);
  g_test_message ("%s", said);
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "can’t be restored after a crash: client.notes"));
  g_assert_null (edit_and_autosave (window, full));

  if (geteuid () != 0)
    {
      /* no permission (root has every permission) */
      g_assert_cmpint (g_chmod (path, 0500), ==, 0);
      said = edit_and_autosave (window, "fourth");
      g_assert_cmpint (g_chmod (path, 0700), ==, 0);
      g_test_message ("%s", said);
      g_assert_nonnull (said);
      g_assert_true (g_str_has_prefix (said, "Unsaved work can’t be protected: Needlemap is not allowed"));
      g_assert_null (edit_and_autosave (window, "fifth"));
    }
  else
    {
      /* a full disk: a tiny file system over the folder, filled */
      g_autofree char *mount = g_strdup_printf ("mount -t tmpfs -o size=64k,mode=0700 tmpfs %s", path);
      g_autofree char *umount = g_strdup_printf ("umount %s", path);
      g_autofree char *filler = g_build_filename (path, "filler", NULL);
      g_autofree char *block = g_strnfill (4096, 'f');
      FILE *out;

      if (!run_quietly (mount))
        {
          g_test_skip ("no tmpfs can be mounted here");
          nm_document_drop_recovery (nm_window_get_document (window));
          test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy's removal");
          window_test_destroy (window);
          return;
        }
      out = fopen (filler, "w");
      g_assert_nonnull (out);
      while (fwrite (block, 1, 4096, out) == 4096 && fflush (out) == 0)
        ;
      fclose (out);
      said = edit_and_autosave (window, "fourth");
      g_test_message ("%s", said);
      g_assert_nonnull (said);
      g_assert_true (g_str_has_prefix (said, "Unsaved work can’t be protected: the disk is full"));
      g_assert_cmpint (g_unlink (filler), ==, 0);
      g_assert_null (edit_and_autosave (window, "fifth"));
      nm_document_drop_recovery (nm_window_get_document (window));
      test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy's removal");
      g_assert_true (run_quietly (umount));
    }

  nm_document_drop_recovery (nm_window_get_document (window));
  test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy's removal");
  window_test_destroy (window);
}

static gboolean
disk_changed (gpointer document)
{
  return nm_document_get_disk_state (document) == NM_DOCUMENT_DISK_CHANGED;
}

static GtkInfoBar *
find_changed_bar (GtkWidget *widget)
{
  if (GTK_IS_INFO_BAR (widget) && gtk_info_bar_get_message_type (GTK_INFO_BAR (widget)) == GTK_MESSAGE_WARNING)
    return GTK_INFO_BAR (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkInfoBar *bar = find_changed_bar (child);

      if (bar != NULL)
        return bar;
    }
  return NULL;
}

/* Issue 13, item 3: Reload with unsaved edits asks first, and their
 * recovery copy is deleted only when the user chose to discard them. */
static void
test_reload_keeps_copy_until_discarded (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);
  g_autofree char *path = client_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  NmDocument *document;
  GtkInfoBar *bar;

  g_assert_cmpuint (count_copies (), ==, 0);
  g_assert_true (g_file_set_contents (path, CLIENT_FILE ("false"), -1, NULL));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  document = nm_window_get_document (window);
  bar = find_changed_bar (GTK_WIDGET (window));
  g_assert_nonnull (bar);

  nm_consultation_add_finding (nm_window_get_consultation (window), finding);
  nm_document_autosave_now (document);
  test_wait_until (recovery_idle, document, "the recovery copy");
  g_assert_cmpuint (count_copies (), ==, 1);

  g_usleep (10 * 1000);   /* a later modification time */
  g_assert_true (g_file_set_contents (path, CLIENT_FILE ("true"), -1, NULL));
  test_wait_notify (document, "disk-state", disk_changed, document, "the document to see the file changed");
  g_assert_true (gtk_info_bar_get_revealed (bar));

  /* Reload asks; Cancel keeps the edits and their copy */
  gtk_info_bar_response (bar, 1);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Discard Your Changes?");
  adw_message_dialog_response (dialog, "cancel");
  test_wait_until (recovery_idle, document, "the recovery copy");
  g_assert_true (nm_window_get_modified (window));
  g_assert_cmpuint (count_copies (), ==, 1);

  /* Discard and Load: then the copy goes */
  gtk_info_bar_response (bar, 1);
  dialog = shown_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "reload");
  test_wait_notify (document, "consultation", NULL, NULL, "the reloaded consultation");
  test_wait_until (recovery_idle, document, "the recovery copy's removal");
  g_assert_false (nm_window_get_modified (window));
  g_assert_cmpuint (nm_consultation_get_n_findings (nm_window_get_consultation (window)), ==, 0);
  g_assert_cmpuint (count_copies (), ==, 0);

  window_test_destroy (window);
  g_unlink (path);
}

static void
collect_texts (GtkWidget *widget,
               GPtrArray *texts)
{
  /* a spin button's text holds a number */
  if (GTK_IS_SPIN_BUTTON (widget))
    return;
  if (GTK_IS_TEXT (widget) || GTK_IS_TEXT_VIEW (widget))
    g_ptr_array_add (texts, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

/* Issue 13, item 4: every text field of the window keeps to the format's
 * limit as one types or pastes, so the work in it can always be saved and
 * restored: the client's, the screening acknowledgements', a session's and
 * a finding's note. */
static void
test_every_field_is_bounded (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autofree char *pasted = g_strnfill (NM_FILE_MAX_STRING_CHARS + 50, 'p');
  NmConsultation *consultation;
  guint n_views = 0;

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  consultation = nm_window_get_consultation (window);
  nm_consultation_set_fitzpatrick (consultation, 3);
  /* a relative contraindication to acknowledge, and a session logged */
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (consultation, nm_vocab_screening (i)->id,
                                   nm_vocab_screening (i)->default_class == NM_SCREENING_RELATIVE
                                     ? NM_ANSWER_YES : NM_ANSWER_NO);
  {
    g_autoptr(NmSession) session = nm_session_new ("2026-12-01");

    nm_consultation_add_session (consultation, session);
  }
  test_wait_drain ();

  collect_texts (GTK_WIDGET (window), texts);
  g_test_message ("%u text fields", texts->len);
  g_assert_cmpuint (texts->len, >=, 8);
  for (guint i = 0; i < texts->len; i++)
    {
      GtkText *text = g_ptr_array_index (texts, i);
      int max;

      /* several lines (a session's notes): pasted whole, only the limit
       * goes in */
      if (GTK_IS_TEXT_VIEW (text))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text));
          GtkTextIter end;

          gtk_text_buffer_set_text (buffer, "", -1);
          gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_insert (buffer, &end, pasted, -1);
          g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, NM_FILE_MAX_STRING_CHARS);
          gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_insert (buffer, &end, "more", -1);
          g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, NM_FILE_MAX_STRING_CHARS);
          gtk_text_buffer_set_text (buffer, "", -1);
          n_views++;
          continue;
        }
      max = gtk_text_get_max_length (text);

      /* which one, when it has no limit */
      if (max == 0)
        for (GtkWidget *w = GTK_WIDGET (text); w; w = gtk_widget_get_parent (w))
          if (ADW_IS_PREFERENCES_ROW (w))
            g_test_message ("in the row “%s”", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));
      g_assert_cmpint (max, >, 0);
      g_assert_cmpint (max, <=, NM_FILE_MAX_STRING_CHARS);
      /* pasted whole: only the limit goes in */
      gtk_editable_set_text (GTK_EDITABLE (text), "");
      gtk_editable_insert_text (GTK_EDITABLE (text), pasted, -1, &(int) { 0 });
      g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (text)), -1), ==, max);
      gtk_editable_set_text (GTK_EDITABLE (text), "");
    }

  g_assert_cmpuint (n_views, >=, 1);   /* the session's notes */

  nm_document_drop_recovery (nm_window_get_document (window));
  test_wait_until (recovery_idle, nm_window_get_document (window), "the recovery copy's removal");
  window_test_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  if (argc > 1 && g_strcmp0 (argv[1], "--child") == 0)
    return run_child ();

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  /* A subprocess (g_test_trap_subprocess) shares its parent's folder. */
  state = g_strdup (g_getenv ("NEEDLEMAP_TEST_STATE"));
  if (state == NULL)
    {
      state = g_dir_make_tmp ("needlemap-state-XXXXXX", NULL);
      g_setenv ("NEEDLEMAP_TEST_STATE", state, TRUE);
    }
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  if (argc > 2 && g_strcmp0 (argv[1], "--write-copy") == 0)
    return run_copy_writer (argv[2]);
  if (argc > 1 && g_strcmp0 (argv[1], "--editor") == 0)
    return run_editor ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/recovery/unset-skin-type", test_unset_skin_type_survives);
  g_test_add_func ("/recovery/sigkill-mid-edit", test_sigkill_mid_edit);
  g_test_add_func ("/recovery/dialog-close-keeps-copies", test_dialog_close_keeps_copies);
  g_test_add_func ("/recovery/failed-restore-is-reported", test_failed_restore_is_reported);
  g_test_add_func ("/recovery/subprocess/close", test_subprocess_close);
  g_test_add_func ("/recovery/subprocess/discard", test_subprocess_discard);
  g_test_add_func ("/recovery/subprocess/restore-broken", test_subprocess_restore_broken);
  g_test_add_func ("/recovery/restore-changed-file", test_restore_changed_file);
  g_test_add_func ("/recovery/failed-write-is-shown", test_failed_write_is_shown);
  g_test_add_func ("/recovery/reload-keeps-copy-until-discarded", test_reload_keeps_copy_until_discarded);
  g_test_add_func ("/recovery/every-field-is-bounded", test_every_field_is_bounded);
  g_test_add_func ("/recovery/subprocess/no-offer", test_subprocess_no_offer);
  g_test_add_func ("/recovery/subprocess/restore-changed", test_subprocess_restore_changed);

  return g_test_run ();
}
