/* test-save-safety.c
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

/* A save must never cost the practitioner a consultation: whatever stops
 * it (the process killed half-way, a full disk, no free inodes, a
 * read-only file system), the file on disk afterwards is a complete
 * document, the old one or the new one, mode 0600, and a failed save
 * leaves the old file byte for byte and no temporary file behind. */

/* unshare () */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "nm-file.h"
#include "nm-vocab.h"

#define GENERATION_PREFIX "generation "

/* A consultation with @n_findings findings, each with an eight-point
 * outline in a view that shows its region. */
static NmConsultation *
make_consultation (guint n_findings)
{
  NmConsultation *c = nm_consultation_new ();

  nm_consultation_set_fitzpatrick (c, 3);
  nm_consultation_set_client_name (c, "Test Client");
  nm_consultation_set_client_notes (c, GENERATION_PREFIX "0");

  for (guint i = 0; i < n_findings; i++)
    {
      const NmRegionInfo *region = nm_vocab_region (i % nm_vocab_n_regions ());
      const NmKindInfo *kind = nm_vocab_kind (i % nm_vocab_n_kinds ());
      g_autoptr(NmFinding) f = nm_finding_new (region->id, kind->id, 1 + i % 4);
      NmPoint points[8];
      guint view = 0;

      while (view < 31 && (region->views & (1u << view)) == 0)
        view++;
      for (guint k = 0; k < G_N_ELEMENTS (points); k++)
        {
          points[k].x = 0.1 + 0.1 * k + 0.0001 * (i % 97);
          points[k].y = 0.9 - 0.1 * k;
        }
      nm_finding_set_outline (f, nm_view_id (view), points, G_N_ELEMENTS (points));
      nm_finding_set_note (f, "a note that makes the file a little longer");
      nm_consultation_add_finding (c, f);
    }

  return c;
}

static guint
generation_of (NmConsultation *c)
{
  const char *notes = nm_consultation_get_client_notes (c);
  guint64 generation = 0;

  g_assert_true (g_str_has_prefix (notes, GENERATION_PREFIX));
  g_assert_true (g_ascii_string_to_unsigned (notes + strlen (GENERATION_PREFIX), 10, 0,
                                             G_MAXUINT, &generation, NULL));

  return (guint) generation;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static void
assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* @path holds one complete consultation, exactly as the saver writes it. */
static NmConsultation *
assert_complete (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) on_disk = read_file (path);
  g_autoptr(GBytes) canonical = NULL;
  NmConsultation *c;

  c = nm_file_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  canonical = nm_file_serialize (c);
  g_assert_true (g_bytes_equal (on_disk, canonical));
  assert_private (path);

  return c;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The names in @dir, sorted, joined by spaces. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

/* The helper process for the kill test: saves @path over and over, one
 * generation more each time, until it is killed. */
static int
save_loop (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = nm_file_load (file, NULL, &error);
  guint generation;
  gint64 start;

  if (c == NULL)
    {
      g_printerr ("save-loop: %s\n", error->message);
      return 1;
    }
  generation = generation_of (c);

  /* Time one save here, where it runs at full speed (the test itself may
   * run under valgrind), so the test knows how long to wait. */
  start = g_get_monotonic_time ();
  if (!nm_file_save (c, file, NULL, &error))
    {
      g_printerr ("save-loop: %s\n", error->message);
      return 1;
    }
  printf ("ready %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - start);
  fflush (stdout);

  for (;;)
    {
      g_autofree char *notes = NULL;

      generation++;
      /* Vary the length so a torn write could not pass for a whole one. */
      notes = g_strdup_printf (GENERATION_PREFIX "%u%*s", generation,
                               (int) (generation % 5) * 300, "");
      g_strchomp (notes);
      nm_consultation_set_client_notes (c, notes);
      if (!nm_file_save (c, file, NULL, &error))
        {
          g_printerr ("save-loop: %s\n", error->message);
          return 1;
        }
    }

  return 0;
}

static void
test_kill_during_save (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-kill-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(NmConsultation) c = make_consultation (600);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  guint last_generation = 0;
  guint interrupted = 0;
  gint64 save_us = 0;
  gint64 deadline;
  guint rounds;

  g_assert_no_error (error);
  g_assert_nonnull (self_exe);
  path = g_build_filename (dir, "client.needlemap", NULL);
  backup = g_strconcat (path, "~", NULL);
  file = g_file_new_for_path (path);

  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  for (rounds = 0; rounds < 50 && g_get_monotonic_time () < deadline; rounds++)
    {
      const char *argv[] = { self_exe, "--save-loop", path, NULL };
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autoptr(NmConsultation) loaded = NULL;
      g_autofree char *line = NULL;
      g_autofree char *names = NULL;
      g_auto(GStrv) entries = NULL;
      guint generation;

      proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "ready "));
      save_us = MAX (g_ascii_strtoll (line + strlen ("ready "), NULL, 10), 1000);

      /* Anywhere within the next few saves. */
      g_usleep (g_random_int_range (0, (gint32) MIN (save_us * 4, G_MAXINT32)));
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);
      /* It was still saving when killed, not stopped by an error. */
      g_assert_true (g_subprocess_get_if_signaled (proc));
      g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);

      loaded = assert_complete (path);
      generation = generation_of (loaded);
      g_assert_cmpuint (generation, >=, last_generation);
      last_generation = generation;

      if (g_file_test (backup, G_FILE_TEST_EXISTS))
        {
          g_autoptr(NmConsultation) previous = assert_complete (backup);

          g_assert_cmpuint (generation_of (previous), <=, generation);
        }

      /* A kill during the write leaves the temporary file: it holds
       * health data too, so it must be private as well. */
      names = list_dir (dir);
      entries = g_strsplit (names, " ", -1);
      for (guint i = 0; entries[i] != NULL; i++)
        {
          g_autofree char *entry = g_build_filename (dir, entries[i], NULL);

          if (g_str_equal (entry, path) || g_str_equal (entry, backup))
            continue;
          assert_private (entry);
          g_assert_cmpint (g_unlink (entry), ==, 0);
          interrupted++;
        }
    }

  g_test_message ("%u rounds, %u killed in the middle of writing, %u generations saved, "
                  "one save takes %" G_GINT64_FORMAT " µs", rounds, interrupted,
                  last_generation, save_us);
  g_assert_cmpuint (rounds, >=, 10);
  /* The saves did run: the file moved on.  (Every kill lands inside a save,
   * as the helper does nothing else; "interrupted" counts the ones that
   * hit the write itself.) */
  g_assert_cmpuint (last_generation, >, 0);

  g_unlink (path);
  g_unlink (backup);
  g_rmdir (dir);
}

/* Full disks and read-only file systems, on a small tmpfs mounted in a
 * private mount namespace (needs root, or CAP_SYS_ADMIN). */

static char *
mount_tmpfs (const char *options,
             GError    **error)
{
  g_autofree char *dir = g_dir_make_tmp ("needlemap-disk-XXXXXX", error);

  if (dir == NULL)
    return NULL;
  if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "mount -t tmpfs -o %s: %s", options, g_strerror (saved));
      g_rmdir (dir);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

static void
unmount_tmpfs (const char *dir)
{
  g_assert_cmpint (umount2 (dir, MNT_DETACH), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
enter_private_mounts (GError **error)
{
  if (unshare (CLONE_NEWNS) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "unshare (CLONE_NEWNS): %s", g_strerror (saved));
      return FALSE;
    }
  /* Keep our mounts from propagating to the rest of the system. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "making mounts private: %s", g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/* The "--can-mount" mode: whether a tmpfs can be mounted here; prints why
 * not.  Run as its own process, so the test keeps its mount namespace (and
 * so it runs natively when the test runs under valgrind). */
static int
can_mount_main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (enter_private_mounts (&error) &&
      (dir = mount_tmpfs ("size=64k", &error)) != NULL)
    {
      umount2 (dir, MNT_DETACH);
      g_rmdir (dir);
      return 0;
    }
  printf ("%s", error->message);

  return 1;
}

static gboolean
can_mount_tmpfs (char **reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL;
  char *argv[] = { self_exe, (char *) "--can-mount", NULL };
  int status = 0;

  g_assert_nonnull (self_exe);
  if (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                    &status, &error) &&
      g_spawn_check_wait_status (status, NULL))
    return TRUE;

  *reason = g_strdup_printf ("cannot mount a tmpfs to fill up (%s); needs root",
                             error != NULL ? error->message :
                             out != NULL && out[0] != '\0' ? out : "unknown error");
  return FALSE;
}

/* Saves @bigger over the file at @path, which must fail; then @path must
 * still hold @old_bytes and the directory the same names as before. */
static void
assert_save_fails_cleanly (NmConsultation *bigger,
                           const char     *dir,
                           const char     *path,
                           GBytes         *old_bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *before = list_dir (dir);
  g_autofree char *after = NULL;
  g_autoptr(GBytes) now = NULL;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_assert_false (nm_file_save (bigger, file, NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("save failed as expected: %s", error->message);
      g_clear_error (&error);

      now = read_file (path);
      g_assert_true (g_bytes_equal (now, old_bytes));
      g_clear_pointer (&now, g_bytes_unref);
      assert_private (path);

      after = list_dir (dir);
      g_assert_cmpstr (after, ==, before);
      g_clear_pointer (&after, g_free);
    }
}

/* Fills the file system at @dir: one file that takes all the space left,
 * or (@inodes) empty files until no inode is left. */
static void
fill_up (const char *dir,
         gboolean    inodes)
{
  if (inodes)
    {
      for (guint i = 0; ; i++)
        {
          g_autofree char *name = g_strdup_printf ("%s/inode-%u", dir, i);
          int fd = g_open (name, O_WRONLY | O_CREAT | O_EXCL, 0600);

          if (fd < 0)
            {
              g_assert_cmpint (errno, ==, ENOSPC);
              break;
            }
          close (fd);
          g_assert_cmpuint (i, <, 10000);
        }
    }
  else
    {
      g_autofree char *name = g_build_filename (dir, "filler", NULL);
      int fd = g_open (name, O_WRONLY | O_CREAT | O_EXCL, 0600);
      char block[512] = { 0 };

      g_assert_cmpint (fd, >=, 0);
      while (write (fd, block, sizeof block) == sizeof block)
        ;
      g_assert_cmpint (errno, ==, ENOSPC);
      close (fd);
    }
}

typedef enum
{
  NO_SPACE,
  NO_INODES,
  NO_SPACE_NOR_INODES,
  READ_ONLY,
} Obstacle;

static void
run_obstacle (Obstacle obstacle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) old = make_consultation (5);
  g_autoptr(NmConsultation) bigger = make_consultation (400);
  g_autoptr(GBytes) old_bytes = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  /* 400 findings do not fit in 64 KiB at all; 5 do, twice over. */
  dir = mount_tmpfs ("size=64k,nr_inodes=64,mode=0700", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "client.needlemap", NULL);
  file = g_file_new_for_path (path);

  /* Saved twice, so that there is a backup as well. */
  g_assert_true (nm_file_save (old, file, NULL, &error));
  g_assert_no_error (error);
  nm_consultation_set_client_notes (old, GENERATION_PREFIX "1");
  g_assert_true (nm_file_save (old, file, NULL, &error));
  g_assert_no_error (error);
  old_bytes = read_file (path);

  switch (obstacle)
    {
    case NO_SPACE:
      fill_up (dir, FALSE);
      break;
    case NO_INODES:
      fill_up (dir, TRUE);
      break;
    case NO_SPACE_NOR_INODES:
      fill_up (dir, TRUE);
      {
        /* No inode is left for a filler file: grow an existing one. */
        g_autofree char *name = g_build_filename (dir, "inode-0", NULL);
        int fd = g_open (name, O_WRONLY | O_APPEND, 0600);
        char block[512] = { 0 };

        g_assert_cmpint (fd, >=, 0);
        while (write (fd, block, sizeof block) == sizeof block)
          ;
        g_assert_cmpint (errno, ==, ENOSPC);
        close (fd);
      }
      break;
    case READ_ONLY:
      g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
      break;
    default:
      g_assert_not_reached ();
    }

  assert_save_fails_cleanly (bigger, dir, path, old_bytes);

  unmount_tmpfs (dir);
}

static void
test_obstacle (gconstpointer data)
{
  Obstacle obstacle = GPOINTER_TO_INT (data);
  g_autofree char *reason = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (enter_private_mounts (&error));
      g_assert_no_error (error);
      run_obstacle (obstacle);
      return;
    }

  if (!can_mount_tmpfs (&reason))
    {
      g_test_skip (reason);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Around the save: what stands at the file's name */

#define USER1 60001
#define USER2 60002
#define CLINIC 60010
#define OTHER_GROUP 60020

static const char *newer_text =
  "{\"format\": \"needlemap-consultation\", \"version\": 2, \"from_the_future\": {\"a\": [1, 2]},"
  " \"client\": {\"fitzpatrick\": 3}, \"findings\": []}\n";

static GStatBuf
stat_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  return st;
}

/* @path holds one complete consultation as the saver writes it, whatever
 * its mode. */
static NmConsultation *
assert_whole (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) on_disk = read_file (path);
  g_autoptr(GBytes) canonical = NULL;
  NmConsultation *c;

  c = nm_file_load (file, NULL, &error);
  g_assert_no_error (error);
  canonical = nm_file_serialize (c);
  g_assert_true (g_bytes_equal (on_disk, canonical));
  return c;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A newer Needlemap's file is never written over (spec: "it is never
 * overwritten"), wherever its "version" key is; other files, and
 * "version" keys inside other keys or strings, are not taken for one. */
static void
test_newer_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-newer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (2);
  const char *newer[] = {
    newer_text,
    "{\"client\": {\"fitzpatrick\": 3}, \"findings\": [], \"note\": \"\\\"version\\\": 1, \\\\\","
    " \"version\": 3, \"format\": \"needlemap-consultation\"}",
    "  {\"version\":2.5}",
    "{\"format\": \"needlemap-consultation\", \"version\": 1000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000}",
  };
  const char *replaceable[] = {
    "{\"format\": \"needlemap-consultation\", \"version\": 1, \"x\": {\"version\": 7}}",
    "{\"x\": [{\"version\": 9}], \"y\": \"\\\"version\\\": 9\", \"version\": 1}",
    "{\"format\": \"some-other-program\", \"version\": 7}",
    "[{\"version\": 7}]",
    "not json at all",
    "",
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (newer); i++)
    {
      g_autoptr(GBytes) before = g_bytes_new_static (newer[i], strlen (newer[i]));
      g_autoptr(GBytes) after = NULL;
      g_autofree char *names = NULL;

      g_assert_true (g_file_set_contents (path, newer[i], -1, &error));
      g_assert_no_error (error);
      g_assert_false (nm_file_save (c, file, NULL, &error));
      g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
      g_test_message ("refused: %s", error->message);
      g_clear_error (&error);
      after = read_file (path);
      g_assert_true (g_bytes_equal (after, before));
      /* nothing beside it either: no backup, no temporary file */
      names = list_dir (dir);
      g_assert_cmpstr (names, ==, "client.needlemap");
    }

  for (guint i = 0; i < G_N_ELEMENTS (replaceable); i++)
    {
      g_assert_true (g_file_set_contents (path, replaceable[i], -1, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);
      g_assert_true (nm_file_save (c, file, NULL, &error));
      g_assert_no_error (error);
      g_clear_object (&c);
      c = assert_complete (path);
    }

  remove_dir (dir);
}

/* The check agrees with the reader: a key or format written with escapes
 * means what the reader decodes it to.  Every file the reader refuses as
 * a newer version is refused here; a "version" key below the top level,
 * however written, does not count. */
static void
test_newer_version_escaped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-newer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (2);
#define REST ", \"client\": {\"name\": \"A\", \"fitzpatrick\": 3}, \"findings\": []}"
  const char *newer[] = {
    "{\"format\": \"needlemap-consultation\", \"vers\\u0069on\": 2" REST,
    "{\"format\": \"needlemap-consultation\", \"\\u0076ersion\": 2" REST,
    "{\"format\": \"needlemap-consultation\", \"\\u0076\\u0065\\u0072\\u0073\\u0069\\u006F\\u006E\": 3" REST,
    "{\"format\": \"needlem\\u0061p-consultation\", \"version\": 2" REST,
    "{\"\\u0066ormat\": \"needlemap-consultation\", \"vers\\u0069on\": 2" REST,
    "{\"x\\\"\": {\"version\": 1}, \"format\": \"needlemap-consultation\", \"vers\\u0069on\": 2" REST,
  };
  const char *replaceable[] = {
    "{\"format\": \"needlemap-consultation\", \"version\": 1, \"x\": {\"vers\\u0069on\": 7}" REST,
    "{\"format\": \"needlemap-consultation\", \"vers\\u0069on\": 1, \"x\": {\"version\": 7}" REST,
    "{\"format\": \"needlemap-consultation\", \"x\": [{\"\\u0076ersion\": 9}], \"vers\\u0069on\": 1" REST,
    "{\"format\": \"needlemap-consultation\", \"vers\\/ion\": 9, \"version\": 1" REST,
    "{\"format\": \"some-\\u006fther-program\", \"vers\\u0069on\": 7}",
  };
#undef REST

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (newer); i++)
    {
      g_autoptr(GBytes) before = g_bytes_new_static (newer[i], strlen (newer[i]));
      g_autoptr(GBytes) after = NULL;
      g_autoptr(NmConsultation) read = NULL;
      g_autofree char *names = NULL;

      /* what the reader says of it */
      read = nm_file_load_bytes (before, &error);
      g_assert_null (read);
      g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
      g_clear_error (&error);

      g_assert_true (g_file_set_contents (path, newer[i], -1, &error));
      g_assert_no_error (error);
      g_assert_false (nm_file_save (c, file, NULL, &error));
      g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
      g_clear_error (&error);
      after = read_file (path);
      g_assert_true (g_bytes_equal (after, before));
      names = list_dir (dir);
      g_assert_cmpstr (names, ==, "client.needlemap");
    }

  for (guint i = 0; i < G_N_ELEMENTS (replaceable); i++)
    {
      g_assert_true (g_file_set_contents (path, replaceable[i], -1, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);
      g_assert_true (nm_file_save (c, file, NULL, &error));
      g_assert_no_error (error);
      g_clear_object (&c);
      c = assert_complete (path);
    }

  remove_dir (dir);
}

/* A shared file (a group of ours) keeps its group and its group's
 * permissions; "other" loses its bits; a new file is 0600. */
static void
test_shared_group (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-shared-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autofree char *fresh = g_build_filename (dir, "new.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) fresh_file = g_file_new_for_path (fresh);
  g_autoptr(NmConsultation) c = make_consultation (2);
  gid_t groups[64];
  int n_groups = getgroups (G_N_ELEMENTS (groups), groups);
  gid_t group = n_groups > 0 ? groups[n_groups - 1] : getegid ();
  struct { guint before, after; } modes[] = {
    { 0660, 0660 }, { 0640, 0640 }, { 0664, 0660 }, { 0644, 0640 }, { 0666, 0660 },
    { 0600, 0600 }, { 0620, 0620 }, { 02770, 0660 },
  };

  g_assert_no_error (error);
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  /* a group we are in (another than our own when we have one) */
  g_assert_cmpint (chown (path, (uid_t) -1, group), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      GStatBuf st;

      g_assert_cmpint (g_chmod (path, modes[i].before), ==, 0);
      nm_consultation_set_client_notes (c, i % 2 ? GENERATION_PREFIX "1" : GENERATION_PREFIX "2");
      g_assert_true (nm_file_save (c, file, NULL, &error));
      g_assert_no_error (error);
      st = stat_of (path);
      g_assert_cmpuint (st.st_gid, ==, group);
      g_assert_cmpuint (st.st_uid, ==, geteuid ());
      g_assert_cmpuint (st.st_mode & 07777, ==, modes[i].after);
      /* the backup is the old file: its group, its mode less "other" */
      st = stat_of (backup);
      g_assert_cmpuint (st.st_gid, ==, group);
      g_assert_cmpuint (st.st_mode & 07777, ==, modes[i].before & 07770);
      g_clear_object (&c);
      c = assert_whole (path);
    }

  g_assert_true (nm_file_save (c, fresh_file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stat_of (fresh).st_mode & 07777, ==, 0600);

  remove_dir (dir);
}

/* The folder the two-user tests share, named after the parent test so
 * that its subprocesses find it. */
static char *
shared_dir (pid_t parent)
{
  g_autofree char *name = g_strdup_printf ("needlemap-two-users-%d", (int) parent);

  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

/* In a subprocess of the root-only test: become another user, in the
 * clinic group (and a primary group of their own), and save. */
static void
save_as_user (uid_t user)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = shared_dir (getppid ());
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = NULL;
  gid_t clinic = CLINIC;

  g_assert_cmpint (setgroups (1, &clinic), ==, 0);
  g_assert_cmpint (setgid (OTHER_GROUP), ==, 0);
  g_assert_cmpint (setuid (user), ==, 0);

  c = nm_file_load (file, NULL, &error);
  g_assert_no_error (error);
  nm_consultation_set_client_notes (c, user == USER1 ? "by user 1" : "by user 2");
  /* replaced, and said so: no error */
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
}

static void
test_as_user1 (void)
{
  if (g_test_subprocess ())
    save_as_user (USER1);
}

static void
test_as_user2 (void)
{
  if (g_test_subprocess ())
    save_as_user (USER2);
}

/* The shared 2775 folder of a clinic: user 2 saves user 1's 0660 file; it
 * stays the clinic's, so that user 1 can still open and save it. */
static void
test_shared_folder_two_users (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = shared_dir (getpid ());
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (2);
  g_autoptr(NmConsultation) loaded = NULL;
  GStatBuf st;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root, to be two users");
      return;
    }

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_cmpint (chown (dir, 0, CLINIC), ==, 0);
  g_assert_cmpint (g_chmod (dir, 02775), ==, 0);
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (chown (path, USER1, CLINIC), ==, 0);
  g_assert_cmpint (g_chmod (path, 0660), ==, 0);

  g_test_trap_subprocess ("/save-safety/subprocess/as-user2", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  st = stat_of (path);
  g_assert_cmpuint (st.st_uid, ==, USER2);      /* saved by them: theirs */
  g_assert_cmpuint (st.st_gid, ==, CLINIC);     /* the clinic's still */
  g_assert_cmpuint (st.st_mode & 07777, ==, 0660);
  st = stat_of (backup);
  g_assert_cmpuint (st.st_uid, ==, USER1);      /* the old file */
  loaded = assert_whole (path);
  g_assert_cmpstr (nm_consultation_get_client_notes (loaded), ==, "by user 2");
  g_clear_object (&loaded);

  /* and user 1 is not locked out */
  g_test_trap_subprocess ("/save-safety/subprocess/as-user1", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  st = stat_of (path);
  g_assert_cmpuint (st.st_uid, ==, USER1);
  g_assert_cmpuint (st.st_gid, ==, CLINIC);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0660);
  loaded = assert_whole (path);
  g_assert_cmpstr (nm_consultation_get_client_notes (loaded), ==, "by user 1");

  /* root keeps the owner */
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  st = stat_of (path);
  g_assert_cmpuint (st.st_uid, ==, USER1);
  g_assert_cmpuint (st.st_gid, ==, CLINIC);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0660);

  remove_dir (dir);
}

/* A read-only file is refused, not replaced (and not made writable). */
static void
test_read_only_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-read-only-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (2);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *names = NULL;

  g_assert_no_error (error);
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  before = read_file (path);

  nm_consultation_set_client_notes (c, GENERATION_PREFIX "2");
  g_assert_false (nm_file_save (c, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY);
  g_test_message ("refused: %s", error->message);
  after = read_file (path);
  g_assert_true (g_bytes_equal (after, before));
  g_assert_cmpuint (stat_of (path).st_mode & 07777, ==, 0444);
  /* no backup, no temporary file */
  g_clear_pointer (&names, g_free);
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "client.needlemap");

  remove_dir (dir);
}

/* A folder we may not write to, with a file we may: the file is not
 * changed, and the error says why. */
static void
read_only_folder (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (2);
  g_autoptr(GBytes) before = read_file (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *names = list_dir (dir);
  g_autofree char *names_after = NULL;

  g_assert_false (nm_file_save (c, file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "folder"));
  g_test_message ("refused: %s", error->message);
  after = read_file (path);
  g_assert_true (g_bytes_equal (after, before));
  names_after = list_dir (dir);
  g_assert_cmpstr (names_after, ==, names);
}

static void
test_as_user2_read_only_folder (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = shared_dir (getppid ());

      g_assert_cmpint (setgid (OTHER_GROUP), ==, 0);
      g_assert_cmpint (setuid (USER2), ==, 0);
      read_only_folder (dir);
    }
}

static void
test_read_only_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = shared_dir (getpid ());
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (1);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  if (geteuid () == 0)
    {
      /* root may write in any folder: the test is another user's */
      g_assert_cmpint (chown (dir, USER2, OTHER_GROUP), ==, 0);
      g_assert_cmpint (chown (path, USER2, OTHER_GROUP), ==, 0);
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      g_test_trap_subprocess ("/save-safety/subprocess/as-user2-read-only-folder",
                              30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  else
    {
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      read_only_folder (dir);
    }

  g_chmod (dir, 0700);
  remove_dir (dir);
}

/* A link is followed: the file it points to is written, in its own
 * folder; the link stays a link; the backup is the old contents next to
 * that file, a regular file. A link to nothing, and a loop, are refused. */
static void
test_symlink (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-link-XXXXXX", &error);
  g_autofree char *real_dir = g_build_filename (dir, "real", NULL);
  g_autofree char *real = g_build_filename (real_dir, "client.needlemap", NULL);
  g_autofree char *real_backup = g_strconcat (real, "~", NULL);
  g_autofree char *link = g_build_filename (dir, "link.needlemap", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.needlemap", NULL);
  g_autofree char *loop_a = g_build_filename (dir, "a.needlemap", NULL);
  g_autofree char *loop_b = g_build_filename (dir, "b.needlemap", NULL);
  g_autoptr(GFile) link_file = g_file_new_for_path (link);
  g_autoptr(GFile) real_file = g_file_new_for_path (real);
  g_autoptr(NmConsultation) c = make_consultation (2);
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(GBytes) old = NULL;
  g_autoptr(GBytes) backup = NULL;
  g_autofree char *target = NULL;
  g_autofree char *names = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (real_dir, 0700), ==, 0);
  g_assert_true (nm_file_save (c, real_file, NULL, &error));
  g_assert_no_error (error);
  old = read_file (real);
  g_assert_cmpint (symlink ("real/client.needlemap", link), ==, 0);

  nm_consultation_set_client_notes (c, GENERATION_PREFIX "2");
  g_assert_true (nm_file_save (c, link_file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (S_ISLNK (stat_of (link).st_mode));
  target = g_file_read_link (link, NULL);
  g_assert_cmpstr (target, ==, "real/client.needlemap");
  loaded = assert_complete (real);
  g_assert_cmpstr (nm_consultation_get_client_notes (loaded), ==, GENERATION_PREFIX "2");
  g_assert_true (S_ISREG (stat_of (real_backup).st_mode));
  backup = read_file (real_backup);
  g_assert_true (g_bytes_equal (backup, old));
  /* nothing was written beside the link */
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "link.needlemap real");
  g_clear_pointer (&names, g_free);

  /* a link to nothing */
  g_assert_cmpint (symlink ("real/missing.needlemap", dangling), ==, 0);
  g_clear_object (&link_file);
  link_file = g_file_new_for_path (dangling);
  g_assert_false (nm_file_save (c, link_file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);

  /* a loop */
  g_assert_cmpint (symlink ("b.needlemap", loop_a), ==, 0);
  g_assert_cmpint (symlink ("a.needlemap", loop_b), ==, 0);
  g_clear_object (&link_file);
  link_file = g_file_new_for_path (loop_a);
  g_assert_false (nm_file_save (c, link_file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "a.needlemap b.needlemap dangling.needlemap link.needlemap real");
  g_clear_pointer (&names, g_free);
  names = list_dir (real_dir);
  g_assert_cmpstr (names, ==, "client.needlemap client.needlemap~");

  remove_dir (dir);
}

/* Makes a file at @path, last written @age_s seconds ago. */
static void
make_old_file (const char *path,
               gint64      age_s)
{
  struct timeval times[2];

  g_assert_true (g_file_set_contents (path, "{\"format\": \"needlemap-consultation\"", -1, NULL));
  times[0].tv_sec = times[1].tv_sec = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_s);
  times[0].tv_usec = times[1].tv_usec = 0;
  g_assert_cmpint (utimes (path, times), ==, 0);
}

/* A killed save's temporary file holds health data: the next save removes
 * it; a save still running (its process alive, or its file recent) keeps
 * its own, and nothing else is touched. */
static void
test_stale_temporaries (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-stale-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = make_consultation (2);
  int dead = 2147483000;   /* beyond any pid_max */
  g_autofree char *stale = g_strdup_printf ("%s.saving-%d-aB3xYz", path, dead);
  g_autofree char *live = g_strdup_printf ("%s.saving-%d-Qw12Er", path, (int) getpid ());
  g_autofree char *recent = g_strdup_printf ("%s.saving-%d-Zx98Cv", path, dead);
  g_autofree char *user_file = g_strdup_printf ("%s.saving-notes", path);
  g_autofree char *other_name = g_strdup_printf ("%s.saving-%d-aB3xYzz", path, dead);
  g_autofree char *names = NULL;
  g_auto(GStrv) entries = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (kill (dead, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);

  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  make_old_file (stale, 3600);
  make_old_file (live, 3600);
  make_old_file (recent, 10);
  make_old_file (user_file, 3600);
  make_old_file (other_name, 3600);

  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (recent, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (user_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_name, G_FILE_TEST_EXISTS));
  /* and nothing else is there: the file, its backup and those four */
  names = list_dir (dir);
  entries = g_strsplit (names, " ", -1);
  g_assert_cmpuint (g_strv_length (entries), ==, 6);

  /* opening a file (the document's) does it too */
  make_old_file (stale, 3600);
  nm_file_remove_stale_temporaries (file);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));

  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--save-loop"))
    return save_loop (argv[2]);
  if (argc == 2 && g_str_equal (argv[1], "--can-mount"))
    return can_mount_main ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/save-safety/kill-during-save", test_kill_during_save);
  g_test_add_data_func ("/save-safety/no-space", GINT_TO_POINTER (NO_SPACE), test_obstacle);
  g_test_add_data_func ("/save-safety/no-inodes", GINT_TO_POINTER (NO_INODES), test_obstacle);
  g_test_add_data_func ("/save-safety/no-space-nor-inodes",
                        GINT_TO_POINTER (NO_SPACE_NOR_INODES), test_obstacle);
  g_test_add_data_func ("/save-safety/read-only", GINT_TO_POINTER (READ_ONLY), test_obstacle);
  g_test_add_func ("/save-safety/newer-version", test_newer_version);
  g_test_add_func ("/save-safety/newer-version-escaped", test_newer_version_escaped);
  g_test_add_func ("/save-safety/shared-group", test_shared_group);
  g_test_add_func ("/save-safety/shared-folder-two-users", test_shared_folder_two_users);
  g_test_add_func ("/save-safety/read-only-file", test_read_only_file);
  g_test_add_func ("/save-safety/read-only-folder", test_read_only_folder);
  g_test_add_func ("/save-safety/symlink", test_symlink);
  g_test_add_func ("/save-safety/stale-temporaries", test_stale_temporaries);
  /* what the tests above run in a subprocess, as another user */
  g_test_add_func ("/save-safety/subprocess/as-user1", test_as_user1);
  g_test_add_func ("/save-safety/subprocess/as-user2", test_as_user2);
  g_test_add_func ("/save-safety/subprocess/as-user2-read-only-folder",
                   test_as_user2_read_only_folder);

  return g_test_run ();
}
