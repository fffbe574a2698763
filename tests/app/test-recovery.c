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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nm-finding.h"
#include "nm-map-view.h"
#include "nm-recovery.h"
#include "nm-tag-panel.h"
#include "nm-window.h"

#define EDIT_INTERVAL_MS 100

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

static void
test_sigkill_mid_edit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(NmConsultation) restored = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  const char *argv[] = { self_exe, "--child", NULL };
  char **envp = g_get_environ ();
  GPid pid;
  int out_fd, status;
  gint64 start, kill_time;
  guint reported = 0, reported_2s_before = 0;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *counts = g_array_new (FALSE, FALSE, sizeof (guint));
  NmWindow *window;
  GStatBuf st;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  g_strfreev (envp);

  /* Read the child's edit counter for four seconds, then kill it mid-edit. */
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 4 * G_USEC_PER_SEC + 300 * 1000)
    {
      g_autofree char *line = NULL;
      gint64 now;
      guint count;

      if (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
        break;
      now = g_get_monotonic_time ();
      count = (guint) g_ascii_strtoull (line, NULL, 10);
      g_array_append_val (times, now);
      g_array_append_val (counts, count);
    }
  kill (pid, SIGKILL);
  kill_time = g_get_monotonic_time ();
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));

  for (guint i = 0; i < counts->len; i++)
    {
      reported = g_array_index (counts, guint, i);
      if (kill_time - g_array_index (times, gint64, i) >= 3 * G_USEC_PER_SEC)
        reported_2s_before = reported;
    }
  g_array_unref (times);
  g_array_unref (counts);
  g_assert_cmpuint (reported, >=, 20);

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
  g_test_message ("edits reported %u, 3 s before the kill %u, restored %u",
                  reported, reported_2s_before, nm_consultation_get_n_findings (restored));
  g_assert_cmpuint (nm_consultation_get_n_findings (restored), >=, reported_2s_before);
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
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);

  /* Saving removes the copy. */
  {
    g_autofree char *path = g_build_filename (state, "saved.needlemap", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_true (nm_window_save_to_file (window, file, &error));
    g_assert_no_error (error);
    g_clear_pointer (&entries, g_ptr_array_unref);
    entries = nm_recovery_list ();
    g_assert_cmpuint (entries->len, ==, 0);
    g_unlink (path);
  }

  gtk_window_destroy (GTK_WINDOW (window));
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

int
main (int   argc,
      char *argv[])
{
  if (argc > 1 && g_strcmp0 (argv[1], "--child") == 0)
    return run_child ();

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  state = g_dir_make_tmp ("needlemap-state-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/recovery/unset-skin-type", test_unset_skin_type_survives);
  g_test_add_func ("/recovery/sigkill-mid-edit", test_sigkill_mid_edit);

  return g_test_run ();
}
