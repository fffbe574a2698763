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

#include "nm-file.h"
#include "nm-recovery.h"

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

  /* A copy of a new document has no origin, and no key file. */
  g_assert_true (nm_recovery_write (id, c, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (info, G_FILE_TEST_EXISTS));
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

  entries = nm_recovery_list ();
  g_assert_cmpstr (only_entry (entries)->id, ==, id);
  g_assert_null (only_entry (entries)->origin_uri);
  g_assert_cmpint (only_entry (entries)->saved_at, >, 0);
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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("needlemap-state-XXXXXX", NULL);
  int result;

  /* Before GLib reads it. */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recovery-files/copy-and-key-file", test_copy_and_key_file);
  g_test_add_func ("/recovery-files/unset-skin-type", test_unset_skin_type);
  g_test_add_func ("/recovery-files/missing-files", test_missing_files);
  g_test_add_func ("/recovery-files/legacy-copy", test_legacy_copy);

  result = g_test_run ();

  {
    g_autoptr(GFile) dir = nm_recovery_get_dir ();
    g_autofree char *dir_path = g_file_get_path (dir);
    g_autofree char *parent = g_path_get_dirname (dir_path);

    g_rmdir (dir_path);
    g_rmdir (parent);
    g_rmdir (state);
  }

  return result;
}
