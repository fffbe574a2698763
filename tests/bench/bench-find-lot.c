/* bench-find-lot.c: `needlemap --find-lot` over many consultation files
 * (issue 16: 1,000 files in under a second)
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-find-lot write DIR N [all]   writes N made-up consultations in ten
 *       sub-folders of DIR: 20 findings with outlines and 6 sessions each,
 *       every session with a cartridge lot; one file in 50 used the lot
 *       RECALL-42 (with "all": every file did, so that none is skipped
 *       unparsed: the worst case)
 *   bench-find-lot time DIR [RUNS]     the median time of the search in this
 *       process: "MEDIAN_MS MIN_MS MAX_MS SESSIONS_FOUND"
 *
 * A benchmark, never a test: it asserts nothing about speed. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "nm-file.h"
#include "nm-find-lot.h"
#include "nm-vocab.h"

static NmConsultation *
make_consultation (guint    index,
                   gboolean recalled)
{
  NmConsultation *c = nm_consultation_new ();

  nm_consultation_set_fitzpatrick (c, 1 + index % 6);
  nm_consultation_set_client_name (c, "Benchmark Client");
  nm_consultation_set_start_date (c, "2026-01-05");
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);

  for (guint i = 0; i < 20; i++)
    {
      const NmRegionInfo *region = nm_vocab_region ((index + i * 7) % nm_vocab_n_regions ());
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

  for (guint s = 0; s < 6; s++)
    {
      g_autofree char *date = g_strdup_printf ("2026-%02u-%02u", 1 + s * 2, 5 + index % 20);
      g_autofree char *lot = g_strdup_printf ("L%05u-%u", index, s);
      g_autoptr(NmSession) session = nm_session_new (date);

      nm_session_set_done (session, TRUE);
      nm_session_set_depth (session, "cheek-left", 1.0);
      nm_session_set_depth (session, "cheek-right", 1.0);
      nm_session_set_device (session, "Pen 3");
      nm_session_set_notes (session, "Mild erythema, resolved by the evening.");
      nm_session_set_cartridge_lot (session, recalled && s == 2 ? "RECALL-42" : lot);
      nm_session_set_cartridge_gtin (session, "09506000134352");
      nm_session_set_cartridge_expiry (session, "2027-12-31");
      nm_session_set_serum (session, "Hyaluronic acid 1%");
      nm_session_set_numbing_cream (session, "Lidocaine 5%");
      nm_consultation_add_session (c, session);
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

int
main (int   argc,
      char *argv[])
{
  guint64 n = 0, runs = 11;

  if (argc >= 4 && g_str_equal (argv[1], "write") &&
      g_ascii_string_to_unsigned (argv[3], 10, 1, 1000000, &n, NULL))
    {
      gboolean all = argc > 4 && g_str_equal (argv[4], "all");

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *folder = g_strdup_printf ("%s/clinic-%u", argv[2], i % 10);
          g_autofree char *path = g_strdup_printf ("%s/client-%05u.needlemap", folder, i);
          g_autoptr(NmConsultation) c = make_consultation (i, all || i % 50 == 7);
          g_autoptr(GBytes) bytes = nm_file_serialize (c);
          g_autoptr(GError) error = NULL;

          g_mkdir_with_parents (folder, 0700);
          if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
            {
              g_printerr ("bench-find-lot: %s\n", error->message);
              return 1;
            }
        }
      return 0;
    }

  if (argc >= 3 && g_str_equal (argv[1], "time") &&
      (argc < 4 || g_ascii_string_to_unsigned (argv[3], 10, 1, 10000, &runs, NULL)))
    {
      const char *paths[] = { argv[2], NULL };
      g_autofree double *ms = g_new0 (double, runs);
      guint found = 0;

      for (guint r = 0; r < runs; r++)
        {
          g_autoptr(GString) out = g_string_new (NULL);
          g_autoptr(GString) err = g_string_new (NULL);
          gint64 start = g_get_monotonic_time ();

          if (nm_find_lot_command ("RECALL-42", paths, FALSE, out, err) != 0)
            {
              g_printerr ("bench-find-lot: %s", err->str);
              return 1;
            }
          ms[r] = (g_get_monotonic_time () - start) / 1000.0;
          found = 0;
          for (const char *p = out->str; *p != '\0'; p++)
            found += *p == '\n';
        }
      qsort (ms, runs, sizeof *ms, compare_doubles);
      printf ("%.3f %.3f %.3f %u\n", ms[runs / 2], ms[0], ms[runs - 1], found);
      return 0;
    }

  g_printerr ("usage: bench-find-lot write DIR N [all] | time DIR [RUNS]\n");
  return 2;
}
