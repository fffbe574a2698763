/* nm-print.c: printing the treatment plan
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

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include <glib/gi18n.h>

#include "nm-print.h"

/**
 * nm_print_draw_page:
 *
 * The print operation's #GtkPrintOperation::draw-page handler: the same
 * page renderer as the PDF export, scaled to the printable page.
 */
void
nm_print_draw_page (GtkPrintOperation *operation,
                    GtkPrintContext   *context,
                    int                page_nr,
                    NmPdfDocument     *doc)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);

  g_return_if_fail (page_nr >= 0 && (guint) page_nr < nm_pdf_document_get_n_pages (doc));

  nm_render_pdf_page (cr, doc, (guint) page_nr,
                      gtk_print_context_get_width (context),
                      gtk_print_context_get_height (context));
}

/**
 * nm_print_operation_new:
 * @doc: the laid-out treatment plan
 *
 * Returns: (transfer full): a print operation for @doc on its paper, in
 *   points, over the full page (the pages carry their own margins)
 */
GtkPrintOperation *
nm_print_operation_new (NmPdfDocument *doc)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  GtkPaperSize *paper;

  g_return_val_if_fail (doc != NULL, NULL);

  paper = gtk_paper_size_new (nm_pdf_document_get_paper (doc) == NM_PAPER_LETTER
                                ? GTK_PAPER_NAME_LETTER : GTK_PAPER_NAME_A4);
  gtk_page_setup_set_paper_size_and_default_margins (setup, paper);
  gtk_paper_size_free (paper);

  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_n_pages (operation, (int) nm_pdf_document_get_n_pages (doc));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_job_name (operation, _("Treatment plan"));

  g_object_set_data_full (G_OBJECT (operation), "nm-pdf-document",
                          nm_pdf_document_ref (doc), (GDestroyNotify) nm_pdf_document_unref);
  g_signal_connect (operation, "draw-page", G_CALLBACK (nm_print_draw_page), doc);
  return operation;
}
