/* test-recovery-files.c: what a recovery copy is on disk
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

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-recovery.h"

static char *self_exe;

static char *
slot_path (const char *id,
           const char *suffix)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *name = g_strconcat (id, suffix, NULL);
  g_autofree char *dir_path = g_file_get_path (dir);

  return g_build_filename (dir_path, name, NULL);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  return st.st_mode & 0777;
}

static NmConsultation *
make_consultation (guint fitzpatrick)
{
  NmConsultation *c = nm_consultation_new ();
  g_autoptr(NmFinding) finding = nm_finding_new ("chin", "pih", 2);

  if (fitzpatrick != NM_FITZPATRICK_UNSET)
    nm_consultation_set_fitzpatrick (c, fitzpatrick);
  nm_consultation_set_client_notes (c, "kept");
  nm_consultation_add_finding (c, finding);

  return c;
}

static NmRecoveryEntry *
only_entry (GPtrArray *entries)
{
  g_assert_cmpuint (entries->len, ==, 1);

  return g_ptr_array_index (entries, 0);
}

/* The copy is a plain consultation file, private, restored by the normal
 * loader; the key file beside it names where it came from. */
static void
test_copy_and_key_file (void)
{
  g_autoptr(NmConsultation) c = make_consultation (4);
  g_autoptr(NmConsultation) back = NULL;
  g_autoptr(GFile) origin = g_file_new_for_path ("/clinic/Ana Silva.needlemap");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *copy = slot_path (id, ".needlemap");
  g_autofree char *info = slot_path (id, ".recovery");
  g_autofree char *origin_uri = g_file_get_uri (origin);
  g_autofree char *dir = NULL;
  g_autoptr(GFile) copy_file = g_file_new_for_path (copy);
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  NmRecoveryEntry *entry;

  g_assert_true (nm_recovery_write (id, c, origin, &error));
  g_assert_no_error (error);

  dir = g_path_get_dirname (copy);
  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_cmpuint (file_mode (copy), ==, 0600);
  g_assert_cmpuint (file_mode (info), ==, 0600);

  /* What nm_file_load() reads, as any file. */
  back = nm_file_load (copy_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nm_consultation_get_client_notes (back), ==, "kept");
  g_clear_object (&back);

  entries = nm_recovery_list ();
  entry = only_entry (entries);
  g_assert_cmpstr (entry->id, ==, id);
  g_assert_true (g_file_equal (entry->file, copy_file));
  g_assert_cmpstr (entry->origin_uri, ==, origin_uri);
  g_assert_cmpint (entry->saved_at, >=, before - 1);
  g_assert_cmpint (entry->saved_at, <=, g_get_real_time () / G_USEC_PER_SEC + 1);

  back = nm_recovery_load (entry, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (back), ==, 4);
  g_assert_cmpuint (nm_consultation_get_n_findings (back), ==, 1);
  g_assert_false (nm_consultation_get_modified (back));

  /* A copy of a new document has no origin; its key file only says whose
   * it is. */
  g_assert_true (nm_recovery_write (id, c, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (info, &text, NULL, NULL));
    g_assert_null (strstr (text, "Origin="));
    g_assert_nonnull (strstr (text, "Owner="));
  }
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_null (only_entry (entries)->origin_uri);

  nm_recovery_remove (id);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 0);
}

/* No skin type is made up for work that has none yet. */
static void
test_unset_skin_type (void)
{
  g_autoptr(NmConsultation) c = make_consultation (NM_FITZPATRICK_UNSET);
  g_autoptr(NmConsultation) back = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *copy = slot_path (id, ".needlemap");
  g_autofree char *text = NULL;
  g_autoptr(GFile) copy_file = g_file_new_for_path (copy);

  g_assert_true (nm_recovery_write (id, c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (copy, &text, NULL, NULL));
  g_assert_null (strstr (text, "fitzpatrick"));

  /* Not a file that opens as a document … */
  back = nm_file_load (copy_file, NULL, &error);
  g_assert_null (back);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "fitzpatrick"));
  g_clear_error (&error);

  /* … but restored as the unfinished work it is. */
  entries = nm_recovery_list ();
  back = nm_recovery_load (only_entry (entries), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (back), ==, NM_FITZPATRICK_UNSET);
  g_assert_cmpuint (nm_consultation_get_n_findings (back), ==, 1);

  nm_recovery_remove (id);
}

/* A copy whose key file is gone is still offered; a key file whose copy
 * is gone (a restored copy is deleted by the window) is cleaned up. */
static void
test_missing_files (void)
{
  g_autoptr(NmConsultation) c = make_consultation (2);
  g_autoptr(GFile) origin = g_file_new_for_path ("/clinic/a.needlemap");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *other = nm_recovery_new_id ();
  g_autofree char *info = slot_path (id, ".recovery");
  g_autofree char *other_copy = slot_path (other, ".needlemap");
  g_autofree char *other_info = slot_path (other, ".recovery");

  g_assert_true (nm_recovery_write (id, c, origin, &error));
  g_assert_true (nm_recovery_write (other, c, origin, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (info), ==, 0);
  g_assert_cmpint (g_unlink (other_copy), ==, 0);

  /* this process's own key file stays: its copy may be about to be
   * written */
  entries = nm_recovery_list ();
  g_assert_cmpstr (only_entry (entries)->id, ==, id);
  g_assert_null (only_entry (entries)->origin_uri);
  g_assert_cmpint (only_entry (entries)->saved_at, >, 0);
  g_assert_true (g_file_test (other_info, G_FILE_TEST_EXISTS));
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* one of a process that ended goes */
  {
    g_autofree char *dead = nm_recovery_new_id ();
    g_autofree char *text = g_strdup_printf ("[Recovery]\nOwner=%s\nPid=1\nBootId=x\n", dead);

    g_assert_true (g_file_set_contents (other_info, text, -1, NULL));
  }
  entries = nm_recovery_list ();
  g_assert_cmpstr (only_entry (entries)->id, ==, id);
  g_assert_false (g_file_test (other_info, G_FILE_TEST_EXISTS));

  nm_recovery_remove (id);
}

/* Earlier versions' copies, one JSON wrapper each, are still offered and
 * restored; the next write of the slot replaces them. */
static void
test_legacy_copy (void)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *legacy = slot_path (id, ".needlemap-recovery");
  g_autoptr(NmConsultation) c = make_consultation (NM_FITZPATRICK_UNSET);
  g_autoptr(NmConsultation) back = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  /* As json-c wrote it: one line, slashes escaped, skin type 1 standing in. */
  const char *text =
    "{\"format\":\"needlemap-recovery\",\"version\":1,\"origin\":\"file:\\/\\/\\/clinic\\/b.needlemap\","
    "\"saved_at\":1795000000,\"skin_type_chosen\":false,\"consultation\":{\"format\":"
    "\"needlemap-consultation\",\"version\":1,\"client\":{\"fitzpatrick\":1,\"notes\":\"old\"},"
    "\"screening\":{},\"findings\":[{\"region\":\"chin\",\"kind\":\"pih\",\"severity\":2,"
    "\"view\":\"face-front\",\"outline\":[[0.5,0.25],[0.75,0.5]]}],\"plan\":{},\"sessions\":[]}}";
  NmRecoveryEntry *entry;

  g_assert_cmpint (g_mkdir_with_parents (dir_path, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (legacy, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));

  entries = nm_recovery_list ();
  entry = only_entry (entries);
  g_assert_cmpstr (entry->id, ==, id);
  g_assert_cmpstr (entry->origin_uri, ==, "file:///clinic/b.needlemap");
  g_assert_cmpint (entry->saved_at, ==, 1795000000);

  back = nm_recovery_load (entry, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nm_consultation_get_client_notes (back), ==, "old");
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (back), ==, NM_FITZPATRICK_UNSET);
  g_assert_cmpuint (nm_consultation_get_n_findings (back), ==, 1);

  g_assert_true (nm_recovery_write (id, c, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (legacy, G_FILE_TEST_EXISTS));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_true (g_str_has_suffix (g_file_peek_path (only_entry (entries)->file), ".needlemap"));

  nm_recovery_remove (id);
}

/* Issue 13, item 4: a copy always loads. Work beyond the format's limits
 * (notes of 10,000 characters and three more typed) is not written; the
 * last copy that loads stays, and the write says why. */
static void
test_always_loadable (void)
{
  g_autoptr(NmConsultation) c = make_consultation (3);
  g_autoptr(NmConsultation) back = NULL;
  g_autoptr(NmFinding) finding = nm_finding_new ("forehead", "fine-lines", 1);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *full = g_strnfill (NM_FILE_MAX_STRING_CHARS, 'n');
  g_autofree char *over = g_strconcat (full, "xyz", NULL);

  /* exactly the limit: written, and loads */
  nm_consultation_set_client_notes (c, full);
  g_assert_true (nm_recovery_write (id, c, NULL, &error));
  g_assert_no_error (error);

  /* three more characters, and an unrelated finding */
  nm_consultation_set_client_notes (c, over);
  nm_consultation_add_finding (c, finding);
  g_assert_false (nm_recovery_write (id, c, NULL, &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "client.notes"));
  g_clear_error (&error);

  /* the copy there is the last one that loads */
  entries = nm_recovery_list ();
  back = nm_recovery_load (only_entry (entries), &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_utf8_strlen (nm_consultation_get_client_notes (back), -1), ==, NM_FILE_MAX_STRING_CHARS);
  g_assert_cmpuint (nm_consultation_get_n_findings (back), ==, 1);
  g_clear_object (&back);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* put right, it is written again */
  nm_consultation_set_client_notes (c, "short");
  g_assert_true (nm_recovery_write (id, c, NULL, &error));
  g_assert_no_error (error);
  entries = nm_recovery_list ();
  back = nm_recovery_load (only_entry (entries), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_findings (back), ==, 2);

  nm_recovery_remove (id);
}

/* Issue 13, item 2: the key file says which version of its file the work
 * was based on, and so whether another program wrote the file since. */
static void
test_base_version (void)
{
  g_autofree char *dir = g_dir_make_tmp ("needlemap-origin-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "c.needlemap", NULL);
  g_autoptr(GFile) origin = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (3);
  g_autoptr(GBytes) bytes = nm_file_serialize (c);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();
  g_autofree char *etag = NULL;

  g_assert_true (g_file_set_contents (path, "read", -1, NULL));
  info = g_file_query_info (origin, G_FILE_ATTRIBUTE_ETAG_VALUE, G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);

  /* an earlier version's copy kept the bare etag: the version it was based
   * on cannot be told from it, so it counts as changed */
  g_assert_true (nm_recovery_write_bytes (id, bytes, origin, g_file_info_get_etag (info), &error));
  g_assert_no_error (error);
  entries = nm_recovery_list ();
  g_assert_cmpint (nm_recovery_check_origin (only_entry (entries)), ==, NM_RECOVERY_ORIGIN_CHANGED);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* the stamp the document keeps */
  etag = _nm_file_query_stamp (origin, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (etag);
  g_assert_true (nm_recovery_write_bytes (id, bytes, origin, etag, &error));
  g_assert_no_error (error);
  entries = nm_recovery_list ();
  g_assert_cmpstr (only_entry (entries)->base_etag, ==, etag);
  g_assert_cmpint (nm_recovery_check_origin (only_entry (entries)), ==, NM_RECOVERY_ORIGIN_UNCHANGED);

  /* another program saves the file */
  g_usleep (10 * 1000);
  g_assert_true (g_file_set_contents (path, "theirs", -1, NULL));
  g_assert_cmpint (nm_recovery_check_origin (only_entry (entries)), ==, NM_RECOVERY_ORIGIN_CHANGED);

  /* … or takes it away */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (nm_recovery_check_origin (only_entry (entries)), ==, NM_RECOVERY_ORIGIN_GONE);

  /* a copy that does not say (an earlier version's) may be older than the
   * file: counted as changed */
  g_assert_true (g_file_set_contents (path, "read", -1, NULL));
  g_assert_true (nm_recovery_write_bytes (id, bytes, origin, NULL, &error));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_null (only_entry (entries)->base_etag);
  g_assert_cmpint (nm_recovery_check_origin (only_entry (entries)), ==, NM_RECOVERY_ORIGIN_CHANGED);

  /* a new consultation has no file to compare */
  g_assert_true (nm_recovery_write_bytes (id, bytes, NULL, NULL, &error));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_cmpint (nm_recovery_check_origin (only_entry (entries)), ==, NM_RECOVERY_ORIGIN_NONE);

  nm_recovery_remove (id);
  g_unlink (path);
  g_rmdir (dir);
}

/* The holder: another process with a copy of its own, alive until killed. */
static int
run_holder (void)
{
  g_autoptr(NmConsultation) c = make_consultation (2);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = nm_recovery_new_id ();
  char line[8];

  if (!nm_recovery_write (id, c, NULL, &error))
    return 1;
  g_print ("%s\n", id);
  fflush (stdout);
  /* until killed (or its parent goes) */
  while (fgets (line, sizeof line, stdin) != NULL)
    ;
  return 0;
}

/* Another process counts the copies it would offer. */
static int
run_lister (void)
{
  g_autoptr(GPtrArray) entries = nm_recovery_list ();

  g_print ("%u\n", entries->len);
  return 0;
}

static guint
count_in_other_process (void)
{
  const char *argv[] = { self_exe, "--list", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return (guint) g_ascii_strtoull (out, NULL, 10);
}

/* Issue 13, item 5: a copy that belongs to a running process is never
 * listed (so never offered) nor deleted by another; once that process is
 * killed, it is, by one process only. */
static void
test_live_owner (void)
{
  const char *argv[] = { self_exe, "--hold", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  g_autofree char *line = NULL;
  g_autofree char *copy = NULL;
  GPid pid;
  int in_fd, out_fd, status;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, &in_fd, &out_fd, NULL, &error));
  g_assert_no_error (error);
  /* its copy is on disk once it says its id */
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_assert_cmpint (g_io_channel_read_line (channel, &line, NULL, NULL, &error), ==, G_IO_STATUS_NORMAL);
  g_assert_no_error (error);
  g_strstrip (line);
  g_assert_true (g_uuid_string_is_valid (line));
  copy = slot_path (line, ".needlemap");
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));

  /* alive: not listed here, nor in a third process; not deleted */
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (count_in_other_process (), ==, 0);
  nm_recovery_remove (line);
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&entries, g_ptr_array_unref);

  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (in_fd);

  /* left behind: listed, and taken over by this process, so that a third
   * one does not offer it too */
  entries = nm_recovery_list ();
  g_assert_cmpstr (only_entry (entries)->id, ==, line);
  g_assert_cmpuint (count_in_other_process (), ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = nm_recovery_list ();
  g_assert_cmpstr (only_entry (entries)->id, ==, line);

  nm_recovery_remove (line);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = NULL;
  int result;

  /* the other processes of /recovery-files/live-owner share the folder */
  if (argc > 1 && (g_strcmp0 (argv[1], "--hold") == 0 || g_strcmp0 (argv[1], "--list") == 0))
    return g_strcmp0 (argv[1], "--hold") == 0 ? run_holder () : run_lister ();

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  state = g_dir_make_tmp ("needlemap-state-XXXXXX", NULL);
  /* Before GLib reads it. */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recovery-files/always-loadable", test_always_loadable);
  g_test_add_func ("/recovery-files/base-version", test_base_version);
  g_test_add_func ("/recovery-files/live-owner", test_live_owner);

  g_test_add_func ("/recovery-files/copy-and-key-file", test_copy_and_key_file);
  g_test_add_func ("/recovery-files/unset-skin-type", test_unset_skin_type);
  g_test_add_func ("/recovery-files/missing-files", test_missing_files);
  g_test_add_func ("/recovery-files/legacy-copy", test_legacy_copy);

  result = g_test_run ();
  g_free (self_exe);

  {
    g_autoptr(GFile) dir = nm_recovery_get_dir ();
    g_autofree char *dir_path = g_file_get_path (dir);
    g_autofree char *parent = g_path_get_dirname (dir_path);

    /* the lock files of this process and of those it ran */
    remove_dir (dir_path);
    g_rmdir (parent);
    g_rmdir (state);
  }

  return result;
}
