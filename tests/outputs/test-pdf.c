/* test-pdf.c: the treatment-plan PDF, read back with poppler
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
#include "nm-render-pdf.h"
#include "nm-render-schedule.h"
#include "outputs-test-util.h"

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static PopplerDocument *
export (NmPdfDocument *doc,
        gsize         *size)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  PopplerDocument *pdf;

  g_assert_true (nm_render_pdf_write (doc, append_bytes, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bytes->len, >, 1000);
  g_assert_true (memcmp (bytes->data, "%PDF-", 5) == 0);
  if (size != NULL)
    *size = bytes->len;
  data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  pdf = poppler_document_new_from_bytes (data, NULL, &error);
  g_assert_no_error (error);
  return pdf;
}

static char *
all_text (PopplerDocument *pdf)
{
  GString *out = g_string_new (NULL);

  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      g_autofree char *text = poppler_page_get_text (page);

      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* poppler breaks lines inside table cells: compare with runs of white
 * space folded to one space */
static char *
squeeze (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” is not in the PDF's text", needle);
}

static void
assert_page_sizes (PopplerDocument *pdf,
                   double           w,
                   double           h)
{
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      double pw, ph;

      poppler_page_get_size (page, &pw, &ph);
      g_assert_cmpfloat_with_epsilon (pw, w, 0.5);
      g_assert_cmpfloat_with_epsilon (ph, h, 0.5);
    }
}

/* The depth maps are vector graphics: no page that shows them holds an
 * image (cairo would embed a raster as an image XObject). */
static void
assert_maps_are_vector (NmPdfDocument   *doc,
                        PopplerDocument *pdf)
{
  guint n_maps = 0;

  for (guint i = 0; i < nm_pdf_document_get_n_pages (doc); i++)
    {
      g_autoptr(PopplerPage) page = NULL;
      GList *images;

      if (!nm_pdf_document_page_is_map (doc, i))
        continue;
      n_maps++;
      page = poppler_document_get_page (pdf, (int) i);
      images = poppler_page_get_image_mapping (page);
      for (GList *l = images; l != NULL; l = l->next)
        {
          PopplerImageMapping *m = l->data;

          g_assert_cmpfloat (m->area.x2 - m->area.x1, <=, 64);
          g_assert_cmpfloat (m->area.y2 - m->area.y1, <=, 64);
        }
      g_assert_null (images);
      poppler_page_free_image_mapping (images);
    }
  g_assert_cmpuint (n_maps, >, 0);
}

static void
test_sample_a4 (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  GDate today;
  NmPdfOptions options = { "Clínica Aurora", "Rua das Flores 12\n1200-195 Lisboa", NULL,
                           "Dr Inês Moreira", NM_PAPER_A4, &today };
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *author = NULL;
  PopplerIndexIter *outline;
  guint n_outline = 0;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  doc = nm_pdf_document_new (consultation, plan, &options);
  pdf = export (doc, NULL);

  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, (int) nm_pdf_document_get_n_pages (doc));
  g_assert_cmpint (poppler_document_get_n_pages (pdf), >=, 7);
  assert_page_sizes (pdf, 595, 842);

  raw = all_text (pdf);
  text = squeeze (raw);
  assert_contains (text, "Ana Silva");
  assert_contains (text, "Clínica Aurora");
  assert_contains (text, "Dr Inês Moreira");
  assert_contains (text, "Suitable with precautions");
  assert_contains (text, "a plan, not a predicted result");
  assert_contains (text, "trained practitioners");

  for (guint i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);

      assert_contains (text, nm_vocab_region_name (region->region));
      if (region->treat)
        {
          g_autofree char *depth = nm_render_format_depth (region->min_mm, region->max_mm);

          assert_contains (text, depth);
        }
      else
        assert_contains (text, "Not needled");
    }
  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      for (guint k = 0; k < series->n_dates; k++)
        {
          g_autofree char *date = nm_render_format_date (&series->dates[k]);

          assert_contains (text, date);
        }
    }
  /* every page is numbered */
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autofree char *label = g_strdup_printf ("Page %d of %d", i + 1, poppler_document_get_n_pages (pdf));

      if (i > 0)
        assert_contains (text, label);
    }
  /* aftercare with its source keys, consent and signatures */
  assert_contains (text, "No makeup for 48 hours");
  assert_contains (text, "FEE, DQ");
  assert_contains (text, "Consent");
  assert_contains (text, "Practitioner");

  assert_maps_are_vector (doc, pdf);

  title = poppler_document_get_title (pdf);
  author = poppler_document_get_author (pdf);
  g_assert_cmpstr (title, ==, "Microneedling treatment plan");
  g_assert_cmpstr (author, ==, "Dr Inês Moreira");
  /* the client's name is not in the metadata */
  g_assert_null (strstr (title, "Ana"));

  outline = poppler_index_iter_new (pdf);
  g_assert_nonnull (outline);
  do
    n_outline++;
  while (poppler_index_iter_next (outline));
  poppler_index_iter_free (outline);
  g_assert_cmpuint (n_outline, >=, 6);
}

static void
test_letter_and_locale (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmPdfOptions options = { 0 };
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  double w, h;

  options.paper = NM_PAPER_LETTER;
  doc = nm_pdf_document_new (consultation, plan, &options);
  pdf = export (doc, NULL);
  assert_page_sizes (pdf, 612, 792);

  g_assert_cmpint (nm_paper_from_locale_name ("en_US.UTF-8"), ==, NM_PAPER_LETTER);
  g_assert_cmpint (nm_paper_from_locale_name ("fr_CA"), ==, NM_PAPER_LETTER);
  g_assert_cmpint (nm_paper_from_locale_name ("es_MX.utf8"), ==, NM_PAPER_LETTER);
  g_assert_cmpint (nm_paper_from_locale_name ("fil_PH"), ==, NM_PAPER_LETTER);
  g_assert_cmpint (nm_paper_from_locale_name ("en_GB.UTF-8"), ==, NM_PAPER_A4);
  g_assert_cmpint (nm_paper_from_locale_name ("pt_PT.UTF-8@euro"), ==, NM_PAPER_A4);
  g_assert_cmpint (nm_paper_from_locale_name ("C.UTF-8"), ==, NM_PAPER_A4);
  g_assert_cmpint (nm_paper_from_locale_name (NULL), ==, NM_PAPER_A4);
  nm_paper_get_size (NM_PAPER_A4, &w, &h);
  g_assert_cmpfloat (w, ==, 595);
  g_assert_cmpfloat (h, ==, 842);
  /* the tests run in C.UTF-8, whose paper is A4 */
  g_assert_cmpint (nm_paper_from_locale (), ==, NM_PAPER_A4);
}

static void
test_every_region (void)
{
  g_autoptr(NmConsultation) consultation = every_region ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmPdfOptions options = { 0 };
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  gsize size = 0;
  gboolean continued = FALSE;

  options.paper = NM_PAPER_A4;
  doc = nm_pdf_document_new (consultation, plan, &options);
  pdf = export (doc, &size);
  g_assert_cmpuint (size, <, 1024 * 1024);

  raw = all_text (pdf);
  text = squeeze (raw);
  assert_contains (text, "Zoë Ångström-Castellano");
  for (guint i = 0; i < nm_vocab_n_regions (); i++)
    assert_contains (text, nm_vocab_region_name (nm_vocab_region (i)->id));
  /* the region table runs over more than one page */
  for (guint i = 0; i < nm_pdf_document_get_n_pages (doc); i++)
    if (strstr (nm_pdf_document_get_page_title (doc, i), "continued") != NULL)
      continued = TRUE;
  g_assert_true (continued);
  assert_contains (text, "(continued)");
  assert_maps_are_vector (doc, pdf);
}

/* Printing draws the very same pages: render one at print resolution on an
 * image surface, as a GtkPrintContext's cairo context would be, and find
 * the ink where the layout puts it. */
static void
test_page_renderer_at_print_resolution (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmPdfOptions options = { 0 };
  g_autoptr(NmPdfDocument) doc = NULL;
  const double dpi = 150;
  int w, h;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint dark_header = 0, dark_margin = 0;

  options.paper = NM_PAPER_A4;
  doc = nm_pdf_document_new (consultation, plan, &options);
  w = (int) (595 * dpi / 72);
  h = (int) (842 * dpi / 72);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* a print context's units here are device pixels */
  nm_render_pdf_page (cr, doc, 1, w, h);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  {
    const guchar *data = cairo_image_surface_get_data (surface);
    int stride = cairo_image_surface_get_stride (surface);

    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          guint32 px = *(const guint32 *) (data + y * stride + x * 4);
          gboolean dark = ((px >> 16) & 0xff) < 160 && ((px >> 8) & 0xff) < 160;

          if (!dark)
            continue;
          /* the page title, "Summary", sits below the top margin */
          if (y > 70 * dpi / 72 && y < 100 * dpi / 72 && x > 58 * dpi / 72)
            dark_header++;
          /* nothing is drawn in the side margins */
          if (x < 50 * dpi / 72 || x > w - 50 * dpi / 72)
            dark_margin++;
        }
  }
  g_assert_cmpuint (dark_header, >, 100);
  g_assert_cmpuint (dark_margin, ==, 0);
  cairo_surface_destroy (surface);
}

static char *
write_png_logo (void)
{
  char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test-logo.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 120, 60);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.1, 0.4, 0.5);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static void
test_logos (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autofree char *png = write_png_logo ();
  g_autofree char *svg = g_build_filename (g_get_tmp_dir (), "needlemap-test-logo.svg", NULL);
  NmPdfOptions options = { "Clinic", NULL, png, NULL, NM_PAPER_A4, NULL };

  /* a PNG logo is an image on the cover */
  {
    g_autoptr(NmPdfDocument) doc = nm_pdf_document_new (consultation, plan, &options);
    g_autoptr(PopplerDocument) pdf = export (doc, NULL);
    g_autoptr(PopplerPage) cover = poppler_document_get_page (pdf, 0);
    GList *images = poppler_page_get_image_mapping (cover);

    g_assert_cmpuint (g_list_length (images), ==, 1);
    poppler_page_free_image_mapping (images);
  }

  /* an SVG logo stays vector: the cover has ink at the logo but no image */
  g_assert_true (g_file_set_contents (svg,
                                      "<svg xmlns='http://www.w3.org/2000/svg' width='100' height='50'>"
                                      "<rect width='100' height='50' fill='#1c6b78'/></svg>", -1, NULL));
  options.clinic_logo = svg;
  {
    g_autoptr(NmPdfDocument) doc = nm_pdf_document_new (consultation, plan, &options);
    g_autoptr(PopplerDocument) pdf = export (doc, NULL);
    g_autoptr(PopplerPage) cover = poppler_document_get_page (pdf, 0);
    GList *images = poppler_page_get_image_mapping (cover);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
    cairo_t *cr = cairo_create (surface);
    guint32 px;

    g_assert_null (images);
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_paint (cr);
    poppler_page_render (cover, cr);
    cairo_destroy (cr);
    cairo_surface_flush (surface);
    /* inside the logo's box, top left of the cover */
    px = *(guint32 *) (cairo_image_surface_get_data (surface) +
                       70 * cairo_image_surface_get_stride (surface) + 80 * 4);
    g_assert_cmpuint ((px >> 16) & 0xff, <, 80);
    cairo_surface_destroy (surface);
  }

  /* an unreadable logo is left out, the export still works */
  options.clinic_logo = "/nonexistent/logo.png";
  {
    g_autoptr(NmPdfDocument) doc = nm_pdf_document_new (consultation, plan, &options);
    g_autoptr(PopplerDocument) pdf = export (doc, NULL);

    g_assert_cmpint (poppler_document_get_n_pages (pdf), >, 1);
  }
  g_unlink (png);
  g_unlink (svg);
}

static void
test_blocked_plan (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  NmPdfOptions options = { 0 };

  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  plan = plan_for (consultation);
  options.paper = NM_PAPER_A4;
  doc = nm_pdf_document_new (consultation, plan, &options);
  pdf = export (doc, NULL);
  raw = all_text (pdf);
  text = squeeze (raw);
  assert_contains (text, "Not to be treated at present");
  g_assert_null (strstr (text, "Session 1 of"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/pdf/sample-a4", test_sample_a4);
  g_test_add_func ("/outputs/pdf/letter-and-locale", test_letter_and_locale);
  g_test_add_func ("/outputs/pdf/every-region", test_every_region);
  g_test_add_func ("/outputs/pdf/print-resolution", test_page_renderer_at_print_resolution);
  g_test_add_func ("/outputs/pdf/logos", test_logos);
  g_test_add_func ("/outputs/pdf/blocked", test_blocked_plan);

  return g_test_run ();
}
