/* bench-core.c
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

/* Times the core on made-up consultations and prints one line per mode:
 *
 *   bench-core plan N [RUNS]   median time of nm_planner_run() with N findings
 *   bench-core load N [RUNS]   median time of nm_file_load() of a file with N
 *                              findings, each with an eight-point outline
 *   bench-core save N [RUNS]   median time of nm_file_save() of the same
 *   bench-core recovery N [RUNS]  median time of nm_recovery_write_bytes() of
 *                              the same (on the autosave's worker thread:
 *                              the check that it loads back, and the write)
 *
 * The line is "MEDIAN_MS MIN_MS MAX_MS BYTES" (BYTES: the file size, or 0).
 * A benchmark, never a test: it asserts nothing about speed. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "nm-file.h"
#include "nm-planner.h"
#include "nm-recovery.h"
#include "nm-vocab.h"

static NmConsultation *
make_consultation (guint n_findings)
{
  NmConsultation *c = nm_consultation_new ();

  nm_consultation_set_fitzpatrick (c, 4);
  nm_consultation_set_client_name (c, "Benchmark Client");
  nm_consultation_set_start_date (c, "2026-12-01");
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);

  for (guint i = 0; i < n_findings; i++)
    {
      const NmRegionInfo *region = nm_vocab_region ((i * 7) % nm_vocab_n_regions ());
      const NmKindInfo *kind = nm_vocab_kind ((i * 5) % nm_vocab_n_kinds ());
      g_autoptr(NmFinding) f = nm_finding_new (region->id, kind->id, 1 + i % 4);
      NmPoint points[8];
      guint view = 0;

      while (view < 31 && (region->views & (1u << view)) == 0)
        view++;
      for (guint k = 0; k < G_N_ELEMENTS (points); k++)
        {
          points[k].x = 0.05 + 0.11 * k + 0.0001 * (i % 89);
          points[k].y = 0.95 - 0.11 * k;
        }
      nm_finding_set_outline (f, nm_view_id (view), points, G_N_ELEMENTS (points));
      nm_consultation_add_finding (c, f);
    }

  return c;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (double *ms,
        guint   runs,
        gsize   bytes)
{
  qsort (ms, runs, sizeof *ms, compare_doubles);
  printf ("%.3f %.3f %.3f %" G_GSIZE_FORMAT "\n", ms[runs / 2], ms[0], ms[runs - 1], bytes);
}

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-core: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *ms = NULL;
  guint64 n, runs = 11;
  const char *mode;

  if (argc < 3 || !g_ascii_string_to_unsigned (argv[2], 10, 0, NM_FILE_MAX_FINDINGS, &n, NULL) ||
      (argc > 3 && !g_ascii_string_to_unsigned (argv[3], 10, 1, 10000, &runs, NULL)))
    {
      g_printerr ("usage: bench-core plan|load|save|recovery FINDINGS [RUNS]\n");
      return 2;
    }
  mode = argv[1];
  ms = g_new0 (double, runs);
  c = make_consultation ((guint) n);

  if (g_str_equal (mode, "plan"))
    {
      g_autoptr(NmProtocol) protocol = nm_protocol_load_default (&error);
      GDate today;

      if (protocol == NULL)
        die ("protocol", error);
      g_date_clear (&today, 1);
      g_date_set_dmy (&today, 1, G_DATE_DECEMBER, 2026);

      for (guint r = 0; r < runs; r++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(NmPlan) plan = nm_planner_run (c, protocol, &today);

          ms[r] = (g_get_monotonic_time () - start) / 1000.0;
          if (plan == NULL)
            die ("plan", NULL);
        }
      report (ms, runs, 0);
    }
  else if (g_str_equal (mode, "load") || g_str_equal (mode, "save"))
    {
      g_autofree char *dir = g_dir_make_tmp ("needlemap-bench-XXXXXX", &error);
      g_autofree char *path = NULL;
      g_autofree char *backup = NULL;
      g_autoptr(GFile) file = NULL;
      GStatBuf st;

      if (dir == NULL)
        die ("temporary directory", error);
      path = g_build_filename (dir, "bench.needlemap", NULL);
      backup = g_strconcat (path, "~", NULL);
      file = g_file_new_for_path (path);
      if (!nm_file_save (c, file, NULL, &error))
        die ("save", error);

      for (guint r = 0; r < runs; r++)
        {
          gint64 start = g_get_monotonic_time ();

          if (g_str_equal (mode, "load"))
            {
              g_autoptr(NmConsultation) loaded = nm_file_load (file, NULL, &error);

              if (loaded == NULL || nm_consultation_get_n_findings (loaded) != n)
                die ("load", error);
            }
          else if (!nm_file_save (c, file, NULL, &error))
            die ("save", error);
          ms[r] = (g_get_monotonic_time () - start) / 1000.0;
        }

      g_stat (path, &st);
      report (ms, runs, (gsize) st.st_size);
      g_unlink (path);
      g_unlink (backup);
      g_rmdir (dir);
    }
  else if (g_str_equal (mode, "recovery"))
    {
      g_autofree char *state = g_dir_make_tmp ("needlemap-bench-XXXXXX", &error);
      g_autofree char *id = nm_recovery_new_id ();
      g_autoptr(GBytes) bytes = nm_file_serialize (c);

      if (state == NULL)
        die ("temporary directory", error);
      /* before GLib reads it: no other copies are touched */
      g_setenv ("XDG_STATE_HOME", state, TRUE);
      for (guint r = 0; r < runs; r++)
        {
          gint64 start = g_get_monotonic_time ();

          if (!nm_recovery_write_bytes (id, bytes, NULL, NULL, &error))
            die ("recovery", error);
          ms[r] = (g_get_monotonic_time () - start) / 1000.0;
        }
      report (ms, runs, g_bytes_get_size (bytes));
      nm_recovery_remove (id);
      /* the folder keeps this process's lock file */
      {
        g_autofree char *recovery = g_build_filename (state, "needlemap", "recovery", NULL);
        g_autofree char *parent = g_path_get_dirname (recovery);
        g_autoptr(GDir) folder = g_dir_open (recovery, 0, NULL);
        const char *name;

        while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
          {
            g_autofree char *child = g_build_filename (recovery, name, NULL);

            g_unlink (child);
          }
        g_rmdir (recovery);
        g_rmdir (parent);
        g_rmdir (state);
      }
    }
  else
    {
      g_printerr ("bench-core: unknown mode %s\n", mode);
      return 2;
    }

  return 0;
}
