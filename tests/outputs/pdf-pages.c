/* pdf-pages.c: renders each page of a PDF to PNG, for looking at exports
 * (poppler-utils is not a build dependency)
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nm-poppler-compat.h"
#include <stdlib.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  double dpi;

  if (argc != 4)
    {
      g_printerr ("usage: %s IN.pdf DPI OUT-PREFIX\n", argv[0]);
      return 2;
    }
  dpi = g_ascii_strtod (argv[2], NULL);
  file = g_file_new_for_commandline_arg (argv[1]);
  doc = poppler_document_new_from_gfile (file, NULL, NULL, &error);
  if (doc == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }

  for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (doc, i);
      g_autofree char *out = g_strdup_printf ("%s-%d.png", argv[3], i + 1);
      double w, h;
      cairo_surface_t *surface;
      cairo_t *cr;

      poppler_page_get_size (page, &w, &h);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (w * dpi / 72), (int) (h * dpi / 72));
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, dpi / 72, dpi / 72);
      poppler_page_render_for_printing (page, cr);
      cairo_destroy (cr);
      cairo_surface_write_to_png (surface, out);
      cairo_surface_destroy (surface);
      g_print ("%s\n", out);
    }
  return 0;
}
