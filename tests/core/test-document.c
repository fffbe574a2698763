/* test-document.c: an open consultation's file state, read and written on
 * worker threads
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "nm-document.h"
#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-vocab.h"
#include "../test-wait.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static const char *document_text =
  "{\"format\": \"needlemap-consultation\", \"version\": 1,"
  " \"client\": {\"name\": \"Test\", \"birth_date\": \"1990-01-01\", \"fitzpatrick\": 3},"
  " \"findings\": [{\"region\": \"cheek-left\", \"kind\": \"acne-scar-rolling\", \"severity\": 3}],"
  " \"plan\": {\"start_date\": \"2026-12-01\"}}";

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("nm-document-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "client.needlemap", NULL);
  g_assert_true (g_file_set_contents (f->path, document_text, -1, NULL));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  return test_wait_result (slot, "the document's read or write");
}

static NmDocument *
load (const char  *path,
      GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  nm_document_load_async (file, NULL, test_wait_result_cb, &result);
  return nm_document_load_finish (wait_result (&result), error);
}

static gboolean
save (NmDocument  *document,
      GFile       *file,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nm_document_save_async (document, file, NULL, test_wait_result_cb, &result);
  return nm_document_save_finish (document, wait_result (&result), error);
}

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  g_assert_cmpstr (nm_consultation_get_client_name (nm_document_get_consultation (document)), ==, "Test");
  g_assert_nonnull (nm_document_get_etag (document));
  {
    /* the version read, from the opened file, is the file's version now */
    g_autoptr(GFile) file = g_file_new_for_path (f->path);
    g_autofree char *stamp = _nm_file_query_stamp (file, NULL, NULL);

    g_assert_cmpstr (nm_document_get_etag (document), ==, stamp);
  }
  g_assert_false (nm_document_get_modified (document));
  g_assert_false (nm_document_get_busy (document));
  g_assert_cmpint (nm_document_get_disk_state (document), ==, NM_DOCUMENT_DISK_IN_SYNC);
  /* no protocol, no plan */
  g_assert_null (nm_document_get_plan (document));
}

static void
test_load_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = NULL;

  g_assert_true (g_file_set_contents (f->path,
                                      "{\"format\": \"needlemap-consultation\", \"version\": 1,"
                                      " \"client\": {\"fitzpatrick\": 9}, \"findings\": []}", -1, NULL));
  document = load (f->path, &error);
  g_assert_null (document);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "client.fitzpatrick"));
}

static void
test_plan_follows_edits (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(NmProtocol) protocol = nm_protocol_load_default (&error);
  g_autoptr(NmFinding) finding = nm_finding_new ("forehead", "fine-lines", 2);
  NmPlan *before;

  g_assert_no_error (error);
  nm_document_set_protocol (document, protocol);
  before = nm_document_get_plan (document);
  g_assert_nonnull (before);
  g_assert_null (nm_plan_lookup_region (before, "forehead"));

  nm_consultation_add_finding (nm_document_get_consultation (document), finding);
  g_assert_true (nm_document_get_plan (document) != before);
  g_assert_nonnull (nm_plan_lookup_region (nm_document_get_plan (document), "forehead"));
  g_assert_true (nm_document_get_modified (document));
}

/* A save writes the model as it was when the save started; an edit made
 * while it runs stays unsaved. */
static void
test_edit_during_save (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  NmConsultation *c = nm_document_get_consultation (document);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *written = NULL;

  nm_consultation_set_client_name (c, "Before the save");
  nm_document_save_async (document, NULL, NULL, test_wait_result_cb, &result);
  g_assert_true (nm_document_get_busy (document));
  nm_consultation_set_client_name (c, "During the save");

  g_assert_true (nm_document_save_finish (document, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_false (nm_document_get_busy (document));

  g_assert_true (g_file_get_contents (f->path, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "Before the save"));
  g_assert_null (strstr (written, "During the save"));
  g_assert_true (nm_document_get_modified (document));

  /* undoing back to what was saved is unmodified again */
  g_assert_true (nm_consultation_undo (c));
  g_assert_false (nm_document_get_modified (document));
}

/* Saves queue: the second one waits for the first and writes the later
 * state; busy stays TRUE until both are done. */
static void
test_saves_queue (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  NmConsultation *c = nm_document_get_consultation (document);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autofree char *written = NULL;

  nm_consultation_set_client_name (c, "First");
  nm_document_save_async (document, NULL, NULL, test_wait_result_cb, &first);
  nm_consultation_set_client_name (c, "Second");
  nm_document_save_async (document, NULL, NULL, test_wait_result_cb, &second);

  g_assert_true (nm_document_save_finish (document, wait_result (&first), &error));
  g_assert_true (nm_document_get_busy (document));
  g_assert_true (nm_document_save_finish (document, wait_result (&second), &error));
  g_assert_no_error (error);
  g_assert_false (nm_document_get_busy (document));
  g_assert_false (nm_document_get_modified (document));

  g_assert_true (g_file_get_contents (f->path, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "\"Second\""));
}

/* Save As moves the document to the new file; a save that cannot be
 * written leaves everything as it was. */
static void
test_save_as_and_failure (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autofree char *other_path = g_build_filename (f->dir, "copy.needlemap", NULL);
  g_autofree char *missing_path = g_build_filename (f->dir, "no-such-folder", "x.needlemap", NULL);
  g_autoptr(GFile) other = g_file_new_for_path (other_path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  GStatBuf st;

  nm_consultation_set_client_name (nm_document_get_consultation (document), "Moved");
  g_assert_true (save (document, other, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_equal (nm_document_get_file (document), other));
  g_assert_false (nm_document_get_modified (document));
  /* health data: private */
  g_assert_cmpint (g_stat (other_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  nm_consultation_set_client_name (nm_document_get_consultation (document), "Unsaved");
  g_assert_false (save (document, missing, &error));
  g_assert_nonnull (error);
  g_assert_true (g_file_equal (nm_document_get_file (document), other));
  g_assert_true (nm_document_get_modified (document));
  g_assert_false (nm_document_get_busy (document));
}

/* A consultation without a skin type cannot be saved; nothing is written. */
static void
test_save_incomplete (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(NmDocument) document = nm_document_new (c, NULL);
  g_autofree char *path = g_build_filename (f->dir, "new.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_false (save (document, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  g_clear_error (&error);

  g_assert_false (save (document, file, &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_INCOMPLETE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (nm_document_get_file (document));
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
recovery_idle (gpointer document)
{
  return !nm_document_get_recovery_busy (document);
}

static gboolean
disk_changed (gpointer document)
{
  return nm_document_get_disk_state (document) == NM_DOCUMENT_DISK_CHANGED;
}

/* Another program writes the file: the document says so, and a reload
 * reads the other version. Our own saves are not mistaken for it. */
static void
test_changed_on_disk (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *other = NULL;
  guint notified = 0;

  g_signal_connect (document, "notify::disk-state", G_CALLBACK (on_notify_cb), &notified);

  /* once the file monitor has told the document all that our save did */
  nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");
  g_assert_true (save (document, NULL, &error));
  test_wait_file_events (f->dir);
  g_assert_cmpint (nm_document_get_disk_state (document), ==, NM_DOCUMENT_DISK_IN_SYNC);

  other = g_strdup (document_text);
  memcpy (strstr (other, "Test"), "Them", 4);
  g_assert_true (g_file_set_contents (f->path, other, -1, NULL));
  test_wait_notify (document, "disk-state", disk_changed, document,
                    "the document to see the file changed");
  g_assert_cmpint (nm_document_get_disk_state (document), ==, NM_DOCUMENT_DISK_CHANGED);
  g_assert_cmpuint (notified, >, 0);

  nm_document_reload_async (document, NULL, test_wait_result_cb, &result);
  g_assert_true (nm_document_reload_finish (document, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (nm_consultation_get_client_name (nm_document_get_consultation (document)), ==, "Them");
  g_assert_cmpint (nm_document_get_disk_state (document), ==, NM_DOCUMENT_DISK_IN_SYNC);
  g_assert_false (nm_document_get_modified (document));

  /* The reload removes the recovery copy on a worker thread, whose task
   * holds the document until it is done: the document can outlive this
   * test and see the fixture delete its file, so the handler goes now, and
   * the removal is waited for here rather than in the next test. */
  g_signal_handlers_disconnect_by_data (document, &notified);
  test_wait_until (recovery_idle, document, "the recovery copy's removal");
}

/* A save never writes over a version another program wrote after it was
 * read; overwriting is the user's choice, and only then. */
static void
test_save_refuses_a_newer_version (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *other = g_strdup (document_text);
  g_autofree char *now = NULL;

  nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");
  /* another program writes the file, with a newer timestamp */
  memcpy (strstr (other, "Test"), "Them", 4);
  g_usleep (10 * 1000);
  g_assert_true (g_file_set_contents (f->path, other, -1, NULL));

  g_assert_false (save (document, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_nonnull (strstr (now, "Them"));
  g_assert_true (nm_document_get_modified (document));

  nm_document_overwrite_async (document, NULL, NULL, test_wait_result_cb, &result);
  g_assert_true (nm_document_save_finish (document, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_pointer (&now, g_free);
  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_nonnull (strstr (now, "Ours"));
  g_assert_false (nm_document_get_modified (document));
}

/* Puts @text at @path with the modification time @path has now, as a
 * same-second write on a file system of whole-second times leaves it:
 * written in place (@rename FALSE), or another file renamed into place
 * (rsync -t, cp -p, a sync client's temporary file). */
static void
replace_keeping_mtime (const char *path,
                       const char *text,
                       gboolean    rename_into_place)
{
  g_autofree char *temp = g_strconcat (path, ".sync-tmp", NULL);
  const char *written = rename_into_place ? temp : path;
  struct stat before;
  struct timespec times[2];

  g_assert_cmpint (stat (path, &before), ==, 0);
  if (rename_into_place)
    g_assert_true (g_file_set_contents (temp, text, -1, NULL));
  else
    {
      FILE *out = fopen (path, "w");   /* in place: the same inode */

      g_assert_nonnull (out);
      g_assert_cmpint (fputs (text, out), >=, 0);
      g_assert_cmpint (fclose (out), ==, 0);
    }
  /* to the nanosecond: GIO's etag has them */
  times[0] = before.st_atim;
  times[1] = before.st_mtim;
  g_assert_cmpint (utimensat (AT_FDCWD, written, times, 0), ==, 0);
  if (rename_into_place)
    g_assert_cmpint (g_rename (temp, path), ==, 0);
}

/* The version a save checks is more than the modification time: another
 * program's version of the same size and with the same modification time,
 * written in place or renamed into place, is not written over either. */
static void
test_same_mtime_is_another_version (Fixture       *f,
                                    gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      gboolean rename_into_place = i == 1;
      g_autoptr(GError) error = NULL;
      g_autoptr(NmDocument) document = NULL;
      g_autofree char *other = g_strdup (document_text);
      g_autofree char *now = NULL;

      g_assert_true (g_file_set_contents (f->path, document_text, -1, NULL));
      document = load (f->path, &error);
      g_assert_no_error (error);
      nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");

      /* their version: as long as ours, the same modification time */
      memcpy (strstr (other, "Test"), "Them", 4);
      replace_keeping_mtime (f->path, other, rename_into_place);

      g_assert_false (save (document, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG);
      g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
      g_assert_cmpstr (now, ==, other);
      g_assert_true (nm_document_get_modified (document));
    }
}

/* Another program's save, landing while ours is written (the hook runs
 * once our new contents are on disk, before they replace the file). */
static void
save_lands_meanwhile (const char *target,
                      gpointer    user_data)
{
  g_assert_true (g_file_set_contents (target, user_data, -1, NULL));
  _nm_file_set_before_replace_hook (NULL, NULL);
}

static gboolean
only_the_file_is_left (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (!g_str_has_suffix (name, "~"))   /* a backup of ours may be there */
      n++;
  return n == 1;
}

/* The version is checked again just before the new contents replace the
 * file: another program's save that lands while ours is written is not
 * written over, and nothing of ours is left behind. */
static void
test_save_landing_during_ours (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autofree char *other = g_strdup (document_text);
  g_autofree char *now = NULL;

  g_assert_no_error (error);
  nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");
  memcpy (strstr (other, "Test"), "Them", 4);
  _nm_file_set_before_replace_hook (save_lands_meanwhile, other);

  g_assert_false (save (document, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, other);
  g_assert_true (only_the_file_is_left (f->dir));
  g_assert_true (nm_document_get_modified (document));

  /* what the user chooses then: ours over theirs */
  g_assert_true (g_file_set_contents (f->path, other, -1, NULL));
  nm_document_ignore_disk_change (document);
  g_assert_true (save (document, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&now, g_free);
  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_nonnull (strstr (now, "Ours"));
}

/* Another program puts a newer Needlemap's file in place of the one read
 * here: reloading it fails, and no save writes over it, not even the
 * overwrite the user may choose for another program's version; a copy
 * can be saved. */
static void
test_never_over_a_newer_format (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *newer = NULL;
  g_autofree char *now = NULL;
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.needlemap", NULL);
  g_autoptr(GFile) copy = g_file_new_for_path (copy_path);

  nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");
  /* version 2, with a key version 1 does not know */
  newer = g_strconcat ("{\"from_version_2\": true, ", document_text + 1, NULL);
  memcpy (strstr (newer, "\"version\": 1"), "\"version\": 2", strlen ("\"version\": 2"));
  g_usleep (10 * 1000);
  g_assert_true (g_file_set_contents (f->path, newer, -1, NULL));

  nm_document_reload_async (document, NULL, test_wait_result_cb, &result);
  g_assert_false (nm_document_reload_finish (document, wait_result (&result), &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpstr (nm_consultation_get_client_name (nm_document_get_consultation (document)), ==, "Ours");

  g_assert_false (save (document, NULL, &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
  g_clear_error (&error);

  nm_document_ignore_disk_change (document);
  nm_document_overwrite_async (document, NULL, NULL, test_wait_result_cb, &result);
  g_assert_false (nm_document_save_finish (document, wait_result (&result), &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, newer);
  g_assert_true (nm_document_get_modified (document));

  /* a copy, all the same */
  g_assert_true (save (document, copy, &error));
  g_assert_no_error (error);
  g_assert_false (nm_document_get_modified (document));
}

/* Opening a file removes what a killed save of it left behind. */
static void
test_open_removes_stale_temporaries (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = NULL;
  g_autofree char *stale = g_strconcat (f->path, ".saving-2147483000-Ab12Cd", NULL);
  struct timeval times[2] = { { 0 } };

  g_assert_true (g_file_set_contents (stale, "{\"format\"", -1, NULL));
  times[0].tv_sec = times[1].tv_sec = (time_t) (g_get_real_time () / G_USEC_PER_SEC - 3600);
  g_assert_cmpint (utimes (stale, times), ==, 0);

  document = load (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
}

/* The recovery copy holds unsaved work and goes when it is saved. */
static void
test_recovery (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(GPtrArray) entries = NULL;

  /* written on a worker thread: the document says when it is on disk */
  nm_consultation_set_client_name (nm_document_get_consultation (document), "Unsaved work");
  nm_document_autosave_now (document);
  g_assert_true (nm_document_get_recovery_busy (document));
  test_wait_until (recovery_idle, document, "the recovery copy's write or removal");
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);
  g_clear_pointer (&entries, g_ptr_array_unref);

  g_assert_true (save (document, NULL, &error));
  test_wait_until (recovery_idle, document, "the recovery copy's write or removal");
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 0);
}

/* The one recovery copy there is, after the writes and removals asked. */
static NmRecoveryEntry *
wait_for_copy (NmDocument *document,
               GPtrArray **entries)
{
  test_wait_until (recovery_idle, document, "the recovery copy's write");
  *entries = nm_recovery_list ();
  g_assert_cmpuint ((*entries)->len, ==, 1);
  return g_ptr_array_index (*entries, 0);
}

/* Issue 13, item 2: work restored from a recovery copy is based on the
 * version of the file it was edited from. Another program's later save
 * (an absolute contraindication answered) is not undone by saving the
 * restored work: the save fails as over any version not read, until the
 * user chooses. */
static void
test_restore_over_a_later_save (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(NmDocument) restored = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *now = NULL;
  NmRecoveryEntry *entry;
  const char *at;

  /* edited, the copy written … and the process dies */
  nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");
  nm_document_autosave_now (document);
  entry = wait_for_copy (document, &entries);
  g_clear_object (&document);

  /* another program saves the file: pregnant */
  at = strstr (document_text, "\"findings\"");
  theirs = g_strdup_printf ("%.*s\"screening\": {\"pregnancy\": true}, %s",
                            (int) (at - document_text), document_text, at);
  g_usleep (10 * 1000);   /* a later modification time */
  g_assert_true (g_file_set_contents (f->path, theirs, -1, NULL));

  restored = nm_document_new_from_recovery (entry, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nm_consultation_get_client_name (nm_document_get_consultation (restored)), ==, "Ours");
  g_assert_true (nm_document_get_restored (restored));
  g_assert_true (nm_document_get_modified (restored));
  g_assert_cmpstr (nm_document_get_recovery_id (restored), ==, entry->id);
  /* said at once, as for an open document */
  g_assert_cmpint (nm_document_get_disk_state (restored), ==, NM_DOCUMENT_DISK_CHANGED);

  /* a save does not write over their version */
  g_assert_false (save (restored, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_nonnull (strstr (now, "\"pregnancy\": true"));
  g_assert_true (nm_document_get_modified (restored));

  /* overwriting is the user's choice, and only then */
  nm_document_overwrite_async (restored, NULL, NULL, test_wait_result_cb, &result);
  g_assert_true (nm_document_save_finish (restored, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_false (nm_document_get_modified (restored));
  test_wait_until (recovery_idle, restored, "the recovery copy's removal");
}

/* Restored work over the very version it was based on saves as any edit;
 * over a file deleted since, the document says so. */
static void
test_restore_unchanged_or_deleted (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  g_autoptr(NmDocument) restored = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *now = NULL;
  NmRecoveryEntry *entry;

  nm_consultation_set_client_name (nm_document_get_consultation (document), "Ours");
  nm_document_autosave_now (document);
  entry = wait_for_copy (document, &entries);
  g_clear_object (&document);

  restored = nm_document_new_from_recovery (entry, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nm_document_get_disk_state (restored), ==, NM_DOCUMENT_DISK_IN_SYNC);
  g_assert_true (save (restored, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->path, &now, NULL, NULL));
  g_assert_nonnull (strstr (now, "Ours"));
  test_wait_until (recovery_idle, restored, "the recovery copy's removal");
  g_clear_object (&restored);

  /* edited again, and the file deleted by another program */
  document = load (f->path, &error);
  g_assert_no_error (error);
  nm_consultation_set_client_name (nm_document_get_consultation (document), "Again");
  nm_document_autosave_now (document);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entry = wait_for_copy (document, &entries);
  g_clear_object (&document);
  g_assert_cmpint (g_unlink (f->path), ==, 0);

  restored = nm_document_new_from_recovery (entry, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nm_document_get_disk_state (restored), ==, NM_DOCUMENT_DISK_DELETED);
  nm_document_drop_recovery (restored);
  test_wait_until (recovery_idle, restored, "the recovery copy's removal");
}

static gboolean
has_recovery_error (gpointer document)
{
  return !nm_document_get_recovery_busy (document) && nm_document_get_recovery_error (document) != NULL;
}

/* Issue 13, items 4 and 15: a copy that cannot be written, or would not
 * load back, is never silent: the document says why until a later write
 * succeeds, and the last copy that loads stays. */
static void
test_recovery_failure_is_said (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmDocument) document = load (f->path, &error);
  NmConsultation *c = nm_document_get_consultation (document);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(NmConsultation) back = NULL;
  g_autoptr(NmFinding) finding = nm_finding_new ("forehead", "fine-lines", 1);
  g_autofree char *full = g_strnfill (NM_FILE_MAX_STRING_CHARS, 'n');
  g_autofree char *over = g_strconcat (full, "xyz", NULL);
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *aside = g_strconcat (dir_path, ".aside", NULL);
  const GError *problem;

  nm_consultation_set_client_notes (c, full);
  nm_document_autosave_now (document);
  test_wait_until (recovery_idle, document, "the recovery copy's write");
  g_assert_null (nm_document_get_recovery_error (document));

  /* beyond the format's limit (typed into the model; the window's fields
   * stop at it), with an unrelated finding */
  nm_consultation_set_client_notes (c, over);
  nm_consultation_add_finding (c, finding);
  nm_document_autosave_now (document);
  test_wait_until (has_recovery_error, document, "the recovery copy's refusal");
  problem = nm_document_get_recovery_error (document);
  g_assert_error ((GError *) problem, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  entries = nm_recovery_list ();
  g_assert_cmpuint (entries->len, ==, 1);
  back = nm_recovery_load (g_ptr_array_index (entries, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_utf8_strlen (nm_consultation_get_client_notes (back), -1), ==, NM_FILE_MAX_STRING_CHARS);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* put right: written, and nothing to say */
  nm_consultation_set_client_notes (c, "short");
  nm_document_autosave_now (document);
  test_wait_until (recovery_idle, document, "the recovery copy's write");
  g_assert_null (nm_document_get_recovery_error (document));

  /* the recovery folder cannot be written (a file in its way) */
  g_assert_cmpint (g_rename (dir_path, aside), ==, 0);
  g_assert_true (g_file_set_contents (dir_path, "", 0, NULL));
  nm_consultation_set_client_notes (c, "later");
  nm_document_autosave_now (document);
  test_wait_until (has_recovery_error, document, "the recovery copy's failure");
  g_assert_cmpint (g_unlink (dir_path), ==, 0);
  g_assert_cmpint (g_rename (aside, dir_path), ==, 0);
  nm_document_autosave_now (document);
  test_wait_until (recovery_idle, document, "the recovery copy's write");
  g_assert_null (nm_document_get_recovery_error (document));

  nm_document_drop_recovery (document);
  test_wait_until (recovery_idle, document, "the recovery copy's removal");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("nm-document-state-XXXXXX", NULL);
  int status;

  /* before any thread starts: recovery copies go to a folder of our own */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/document/load", test_load);
  ADD ("/document/load-refused", test_load_refused);
  ADD ("/document/plan-follows-edits", test_plan_follows_edits);
  ADD ("/document/edit-during-save", test_edit_during_save);
  ADD ("/document/saves-queue", test_saves_queue);
  ADD ("/document/save-as-and-failure", test_save_as_and_failure);
  ADD ("/document/save-incomplete", test_save_incomplete);
  ADD ("/document/changed-on-disk", test_changed_on_disk);
  ADD ("/document/recovery", test_recovery);
  ADD ("/document/save-refuses-a-newer-version", test_save_refuses_a_newer_version);
  ADD ("/document/never-over-a-newer-format", test_never_over_a_newer_format);
  ADD ("/document/same-mtime-is-another-version", test_same_mtime_is_another_version);
  ADD ("/document/save-landing-during-ours", test_save_landing_during_ours);
  ADD ("/document/open-removes-stale-temporaries", test_open_removes_stale_temporaries);
  ADD ("/document/restore-over-a-later-save", test_restore_over_a_later_save);
  ADD ("/document/restore-unchanged-or-deleted", test_restore_unchanged_or_deleted);
  ADD ("/document/recovery-failure-is-said", test_recovery_failure_is_said);

#undef ADD

  status = g_test_run ();
  remove_tree (state);
  return status;
}
