/* test-fuzz-regressions.c
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

/* Replays, in an ordinary build, every input the fuzzer once crashed or
 * stalled on (tests/fuzz/regressions/) and its seed corpus through the
 * fuzz target's own checks: load, plan, serialise, reload.  Each input
 * runs in a subprocess so that an abort names the file that caused it. */

#include "config.h"

#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nm-fuzz.h"

/* Where the inputs are, relative to the source tree, and how many each must
 * hold at least (a vanished directory must not pass as "nothing crashed"). */
static const struct
{
  const char *dir;
  guint       at_least;
} corpora[] = {
  { "tests/fuzz/regressions", 1 },
  { "tests/core/malformed", 30 },
  { "tests/core/data", 1 },
};

static GPtrArray *
list_dir (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (name[0] == '.' || g_str_has_suffix (name, ".md"))
        continue;
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
    }

  return paths;
}

/* Copies @data so that its last byte is the last one before an unreadable
 * page: a loader that reads past the end crashes even without ASan.  The
 * mapping lives until the subprocess exits. */
static const guint8 *
at_guard_page (const char *data,
               gsize       len)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize span = (len + page - 1) / page * page;
  guint8 *base;

  base = mmap (NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (base != MAP_FAILED);
  g_assert_cmpint (mprotect (base + span, page, PROT_NONE), ==, 0);
  memcpy (base + span - len, data, len);

  return base + span - len;
}

static void
test_replay (gconstpointer data)
{
  const char *path = data;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (LLVMFuzzerTestOneInput (at_guard_page (contents, len), len), ==, 0);
      return;
    }

  /* A crash, an abort from a broken invariant or a stall (the fuzzer's
   * "slow unit") all fail here. */
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_corpus_present (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *dir = g_build_filename (TOP_SRCDIR, corpora[i].dir, NULL);
  g_autoptr(GPtrArray) paths = list_dir (dir);

  g_assert_cmpuint (paths->len, >=, corpora[i].at_least);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (corpora); i++)
    {
      g_autofree char *dir = g_build_filename (TOP_SRCDIR, corpora[i].dir, NULL);
      g_autoptr(GPtrArray) paths = list_dir (dir);
      g_autofree char *count_path = g_strdup_printf ("/fuzz/present/%s", corpora[i].dir);

      g_test_add_data_func (count_path, GUINT_TO_POINTER (i), test_corpus_present);

      for (guint j = 0; j < paths->len; j++)
        {
          g_autofree char *base = g_path_get_basename (paths->pdata[j]);
          g_autofree char *test_path = g_strdup_printf ("/fuzz/replay/%s/%s",
                                                        corpora[i].dir, base);

          g_test_add_data_func (test_path, paths->pdata[j], test_replay);
        }
      /* The test data must outlive the registration. */
      while (paths->len > 0)
        g_ptr_array_add (keep, g_ptr_array_steal_index (paths, 0));
    }

  {
    g_autofree char *sample = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);

    g_test_add_data_func ("/fuzz/replay/resources/sample.needlemap", sample, test_replay);
    g_ptr_array_add (keep, g_steal_pointer (&sample));
  }

  return g_test_run ();
}
