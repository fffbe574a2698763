/* test-print.c: printing draws the same pages as the PDF export
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

#include "nm-poppler-compat.h"
#include "nm-print.h"
#include "outputs-test-util.h"

/* GtkPrintOperation's export action runs the real print pipeline, with a
 * real GtkPrintContext calling our draw-page handler, into a PDF file. */
static void
test_print_pipeline (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmPdfOptions options = { 0 };
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test-print.pdf", NULL);
  GtkPageSetup *setup;
  int n_pages = 0;

  options.paper = NM_PAPER_LETTER;
  doc = nm_pdf_document_new (consultation, plan, &options);
  operation = nm_print_operation_new (doc);

  g_object_get (operation, "n-pages", &n_pages, NULL);
  g_assert_cmpint (n_pages, ==, (int) nm_pdf_document_get_n_pages (doc));
  setup = gtk_print_operation_get_default_page_setup (operation);
  g_assert_cmpstr (gtk_paper_size_get_name (gtk_page_setup_get_paper_size (setup)), ==, GTK_PAPER_NAME_LETTER);

  gtk_print_operation_set_export_filename (operation, path);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);

  file = g_file_new_for_path (path);
  pdf = poppler_document_new_from_gfile (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, n_pages);
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      g_autofree char *text = poppler_page_get_text (page);
      g_autofree char *label = g_strdup_printf ("Page %d of %d", i + 1, n_pages);
      double w, h;

      poppler_page_get_size (page, &w, &h);
      g_assert_cmpfloat_with_epsilon (w, 612, 1);
      g_assert_cmpfloat_with_epsilon (h, 792, 1);
      if (i > 0)
        g_assert_nonnull (strstr (text, label));
      else
        g_assert_nonnull (strstr (text, "Ana Silva"));
    }
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/print/pipeline", test_print_pipeline);

  return g_test_run ();
}
