/* bench-pdf.c: how long the PDF export takes and how large it is (a
 * benchmark, not a test: speed is measured, never asserted)
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nm-render-pdf.h"
#include "outputs-test-util.h"

static cairo_status_t
count_bytes (void                *closure,
             const unsigned char *data,
             unsigned int         length)
{
  *(gsize *) closure += length;
  return CAIRO_STATUS_SUCCESS;
}

static void
bench (const char     *name,
       NmConsultation *consultation)
{
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmPdfOptions options = { "Clinic", "Street 1\nTown", NULL, "Practitioner", NM_PAPER_A4, NULL };
  const int runs = 10;
  double best = G_MAXDOUBLE, total = 0;
  gsize size = 0;
  guint pages = 0;

  for (int i = 0; i < runs + 1; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(NmPdfDocument) doc = nm_pdf_document_new (consultation, plan, &options);
      double ms;

      size = 0;
      if (!nm_render_pdf_write (doc, count_bytes, &size, NULL))
        g_error ("export failed");
      ms = (g_get_monotonic_time () - start) / 1000.0;
      pages = nm_pdf_document_get_n_pages (doc);
      if (i == 0)
        continue;   /* the first run loads fonts and the atlas */
      best = MIN (best, ms);
      total += ms;
    }
  g_print ("%-14s %2u pages  %7.1f KiB  best %6.1f ms  mean %6.1f ms\n",
           name, pages, size / 1024.0, best, total / runs);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NmConsultation) sample = load_sample ();
  g_autoptr(NmConsultation) all = every_region ();

  bench ("sample", sample);
  bench ("every region", all);
  return 0;
}
