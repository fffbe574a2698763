/* test-find-lot.c: `needlemap --find-lot LOT FOLDER…` over generated folders
 * (issue 16, traceability)
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nm-find-lot.h"

#define HEAD "{\"format\":\"needlemap-consultation\",\"version\":1,\"client\":{\"fitzpatrick\":2," \
             "\"name\":\"Secret Client\"},\"findings\":[],\"sessions\":["

static char *
make_tree (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("find-lot-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
put (const char *dir,
     const char *name,
     const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *dir;
      const char *name;

      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static int
run (const char * const *paths,
     const char         *lot,
     gboolean            json,
     char              **out,
     char              **err)
{
  g_autoptr(GString) o = g_string_new (NULL);
  g_autoptr(GString) e = g_string_new (NULL);
  int status = nm_find_lot_command (lot, paths, json, o, e);
  g_autofree char *shown = NULL;

  /* the text output keeps a file name's own bytes: not for TAP */
  shown = g_utf8_make_valid (o->str, -1);
  g_test_message ("--find-lot %s: exit %d\n%s%s", lot, status, shown, e->str);
  *out = g_strdup (o->str);
  *err = g_strdup (e->str);
  return status;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* Good files found in sub-folders, in name order; near misses are not. */
static void
test_found (void)
{
  g_autofree char *dir = make_tree ();
  const char *paths[] = { dir, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  put (dir, "b/two.needlemap",
       HEAD "{\"date\":\"2026-12-01\",\"done\":true,\"depth_mm\":{\"cheek-left\":1.0,\"cheek-right\":1.0},"
       "\"cartridge_lot\":\"ABC123\"},{\"date\":\"2027-01-05\",\"done\":true,\"cartridge_lot\":\"ABC123\"}]}");
  put (dir, "a/one.needlemap",
       HEAD "{\"date\":\"2026-11-02\",\"done\":true,\"depth_mm\":{\"forehead\":0.5},\"cartridge_lot\":\"ABC123\","
       "\"cartridge_gtin\":\"09506000134352\",\"cartridge_expiry\":\"2027-12-31\"}]}");
  /* other lots, a longer one, another case, a lot in a note, and no sessions */
  put (dir, "a/near.needlemap",
       HEAD "{\"date\":\"2026-11-02\",\"done\":true,\"cartridge_lot\":\"ABC1234\",\"notes\":\"ABC123\"},"
       "{\"date\":\"2026-11-03\",\"done\":true,\"cartridge_lot\":\"abc123\"}]}");
  put (dir, "c/none.needlemap", HEAD "]}");
  /* only *.needlemap files are read */
  put (dir, "c/notes.txt", "ABC123 not json");
  put (dir, "c/two.needlemap~", "ABC123 a backup");

  g_assert_cmpint (run (paths, "ABC123", FALSE, &out, &err), ==, 0);
  expected = g_strdup_printf ("%s/a/one.needlemap\t2026-11-02\tforehead\n"
                              "%s/b/two.needlemap\t2026-12-01\tcheek-left,cheek-right\n"
                              "%s/b/two.needlemap\t2027-01-05\t-\n", dir, dir, dir);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the lot may be given as the GS1 code on the box */
  g_assert_cmpint (run (paths, "(01)09506000134352(17)271231(10)ABC123", FALSE, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* JSON */
  g_assert_cmpint (run (paths, "ABC123", TRUE, &out, &err), ==, 0);
  {
    json_object *root = json_tokener_parse (out);
    json_object *sessions, *first, *value;

    g_assert_nonnull (root);
    g_assert_true (json_object_object_get_ex (root, "format", &value));
    g_assert_cmpstr (json_object_get_string (value), ==, "needlemap-lot-search");
    g_assert_true (json_object_object_get_ex (root, "lot", &value));
    g_assert_cmpstr (json_object_get_string (value), ==, "ABC123");
    g_assert_true (json_object_object_get_ex (root, "sessions", &sessions));
    g_assert_cmpuint (json_object_array_length (sessions), ==, 3);
    first = json_object_array_get_idx (sessions, 0);
    g_assert_true (json_object_object_get_ex (first, "date", &value));
    g_assert_cmpstr (json_object_get_string (value), ==, "2026-11-02");
    g_assert_true (json_object_object_get_ex (first, "regions", &value));
    g_assert_cmpstr (json_object_get_string (json_object_array_get_idx (value, 0)), ==, "forehead");
    g_assert_true (json_object_object_get_ex (first, "cartridge_expiry", &value));
    g_assert_cmpstr (json_object_get_string (value), ==, "2027-12-31");
    g_assert_true (json_object_object_get_ex (root, "skipped", &value));
    g_assert_cmpuint (json_object_array_length (value), ==, 0);
    json_object_put (root);
  }
  g_assert_null (strstr (out, "Secret"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* nothing found is not an error */
  g_assert_cmpint (run (paths, "NOPE", FALSE, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "");

  remove_tree (dir);
}

/* Files that cannot be checked are reported by name, one line each, and
 * skipped; the others are still searched. Never a crash, never a hang,
 * never the file's contents. */
static void
test_bad_files (void)
{
  g_autofree char *dir = make_tree ();
  g_autofree char *unreadable = g_build_filename (dir, "unreadable.needlemap", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.needlemap", NULL);
  g_autofree char *big = g_build_filename (dir, "big.needlemap", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.needlemap", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.needlemap", NULL);
  g_autofree char *locked = g_build_filename (dir, "locked", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *paths[] = { dir, missing, NULL };
  gboolean root = geteuid () == 0;
  guint expected_problems = 0;
  int fd;

  put (dir, "good.needlemap", HEAD "{\"date\":\"2026-12-01\",\"done\":true,\"cartridge_lot\":\"L7\"}]}");
  /* malformed in every way the reader refuses, each holding the lot */
  put (dir, "m1-truncated.needlemap", HEAD "{\"date\":\"2026-12-01\",\"cartridge_lot\":\"L7\"");
  put (dir, "m2-wrong-type.needlemap", HEAD "{\"date\":\"2026-12-01\",\"cartridge_lot\":\"L7\",\"done\":\"Secret\"}]}");
  put (dir, "m3-bad-lot.needlemap", HEAD "{\"date\":\"2026-12-01\",\"cartridge_lot\":\"L7 Secret\"}],\"x\":\"L7\"}");
  put (dir, "m4-newer.needlemap",
       "{\"format\":\"needlemap-consultation\",\"version\":99,\"sessions\":[{\"cartridge_lot\":\"L7\"}]}");
  put (dir, "m5-not-json.needlemap", "\"L7\" Secret");
  put (dir, "m6-not-utf8.needlemap", "{\"cartridge_lot\":\"L7\",\"client\":\"Secret\xff\"}");
  expected_problems += 6;
  /* malformed but cannot hold the lot: not parsed, so not reported */
  put (dir, "m7-no-lot.needlemap", "{ broken Secret");

  /* unreadable: mode 000 (except to root, who reads it: then it is a good,
   * unmatched file) */
  put (dir, "unreadable.needlemap", HEAD "]} \"L7\"");
  g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);
  /* root: parsed and refused (text after the object) */
  expected_problems++;
  /* a folder that cannot be opened (root opens it: it holds nothing) */
  g_assert_cmpint (g_mkdir (locked, 0700), ==, 0);
  put (locked, "inside.needlemap", HEAD "{\"date\":\"2026-12-02\",\"done\":true,\"cartridge_lot\":\"L7\"}]}");
  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  if (!root)
    expected_problems++;
  /* huge: beyond the 16 MiB limit (sparse: refused without being read) */
  fd = g_open (huge, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 17 * 1024 * 1024), ==, 0);
  close (fd);
  expected_problems++;
  /* big but within the limit: 8 MiB of white space around a good file */
  {
    g_autoptr(GString) text = g_string_new (HEAD "{\"date\":\"2026-12-03\",\"done\":true,\"cartridge_lot\":\"L7\"}]}");
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 8 * 1024; i++)
      g_string_append (text, "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                "
                             "                                                                ");
    g_file_set_contents (big, text->str, text->len, &error);
    g_assert_no_error (error);
  }
  /* a pipe: must not hang */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  expected_problems++;
  /* a link to nowhere */
  g_assert_cmpint (symlink ("nowhere.needlemap", dangling), ==, 0);
  expected_problems++;
  /* links: to a good file (listed once), and a folder loop (not followed) */
  {
    g_autofree char *link = g_build_filename (dir, "sub", "link.needlemap", NULL);
    g_autofree char *loop = g_build_filename (dir, "sub", "loop", NULL);
    g_autofree char *sub = g_build_filename (dir, "sub", NULL);

    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    g_assert_cmpint (symlink ("../good.needlemap", link), ==, 0);
    g_assert_cmpint (symlink ("..", loop), ==, 0);
  }
  /* a folder named like a file is walked */
  put (dir, "folder.needlemap/deep.needlemap", HEAD "{\"date\":\"2026-12-04\",\"done\":true,\"cartridge_lot\":\"L7\"}]}");
  /* a name that is not UTF-8 */
  put (dir, "n\xe9.needlemap", HEAD "{\"date\":\"2026-12-05\",\"done\":true,\"cartridge_lot\":\"L7\"}]}");
  /* the lot spelt with a JSON escape: found though its bytes differ */
  put (dir, "escaped.needlemap", HEAD "{\"date\":\"2026-12-06\",\"done\":true,\"cartridge_lot\":\"\\u004c7\"}]}");
  /* a folder that is not there */
  expected_problems++;

  g_assert_cmpint (run (paths, "L7", FALSE, &out, &err), ==, 1);
  g_assert_cmpuint (count_lines (err), ==, expected_problems);
  g_assert_null (strstr (err, "Secret"));
  g_assert_null (strstr (out, "Secret"));
  g_assert_nonnull (strstr (err, "m1-truncated.needlemap: "));
  g_assert_nonnull (strstr (err, "m2-wrong-type.needlemap: "));
  g_assert_nonnull (strstr (err, "m3-bad-lot.needlemap: "));
  g_assert_nonnull (strstr (err, "m4-newer.needlemap: "));
  g_assert_nonnull (strstr (err, "m5-not-json.needlemap: "));
  g_assert_nonnull (strstr (err, "m6-not-utf8.needlemap: "));
  g_assert_null (strstr (err, "m7-no-lot"));
  g_assert_nonnull (strstr (err, "huge.needlemap: larger than"));
  g_assert_nonnull (strstr (err, "fifo.needlemap: not a regular file"));
  g_assert_nonnull (strstr (err, "dangling.needlemap: "));
  g_assert_nonnull (strstr (err, "no-such-folder: "));
  g_assert_nonnull (strstr (err, "unreadable.needlemap: "));
  if (!root)
    g_assert_nonnull (strstr (err, "locked: "));

  g_assert_nonnull (strstr (out, "/good.needlemap\t2026-12-01\t-\n"));
  g_assert_null (strstr (out, "link.needlemap"));
  g_assert_nonnull (strstr (out, "/big.needlemap\t2026-12-03\t"));
  g_assert_nonnull (strstr (out, "/folder.needlemap/deep.needlemap\t2026-12-04\t"));
  g_assert_nonnull (strstr (out, "\t2026-12-05\t"));
  g_assert_nonnull (strstr (out, "/escaped.needlemap\t2026-12-06\t"));
  if (root)
    g_assert_nonnull (strstr (out, "/locked/inside.needlemap\t2026-12-02\t"));
  g_assert_cmpuint (count_lines (out), ==, root ? 6 : 5);

  /* JSON: the same, skipped files listed too, valid UTF-8 throughout */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (paths, "L7", TRUE, &out, &err), ==, 1);
  {
    json_object *root_object = json_tokener_parse (out);
    json_object *value;

    g_assert_nonnull (root_object);
    g_assert_true (g_utf8_validate (out, -1, NULL));
    g_assert_true (json_object_object_get_ex (root_object, "skipped", &value));
    g_assert_cmpuint (json_object_array_length (value), ==, expected_problems);
    g_assert_true (json_object_object_get_ex (root_object, "sessions", &value));
    g_assert_cmpuint (json_object_array_length (value), ==, root ? 6 : 5);
    json_object_put (root_object);
  }

  remove_tree (dir);
}

static void
test_usage (void)
{
  const char *paths[] = { "/nonexistent", NULL };
  const char *none[] = { NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  static const char *bad_lots[] = { "", "A B", "ABCDEFGHIJKLMNOPQRSTU", "L#1", "(01)09506000134351(10)A",
                                    "(01)09506000134352" };

  for (guint i = 0; i < G_N_ELEMENTS (bad_lots); i++)
    {
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run (paths, bad_lots[i], FALSE, &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpuint (count_lines (err), ==, 1);
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (none, "L7", FALSE, &out, &err), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/find-lot/found", test_found);
  g_test_add_func ("/find-lot/bad-files", test_bad_files);
  g_test_add_func ("/find-lot/usage", test_usage);

  return g_test_run ();
}
