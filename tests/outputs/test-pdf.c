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

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nm-poppler-compat.h"
#include "nm-references.h"
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
      /* and the no-break spaces (U+00A0, U+202F) the PDF keeps units with */
      if (g_str_has_prefix (p, "\u00a0") || g_str_has_prefix (p, "\u202f"))
        {
          p += strlen (g_str_has_prefix (p, "\u00a0") ? "\u00a0" : "\u202f") - 1;
          space = TRUE;
        }
      else if (g_ascii_isspace (*p))
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
  g_autofree char *squeezed = squeeze (needle);

  if (strstr (haystack, squeezed) == NULL)
    g_error ("“%s” is not in the PDF's text", needle);
}

static void
assert_lacks (const char *haystack,
              const char *needle)
{
  g_autofree char *squeezed = squeeze (needle);

  if (strstr (haystack, squeezed) != NULL)
    g_error ("“%s” is in the PDF's text", needle);
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

/* Issue 13 item 16: no year past 9999 anywhere in the PDF (the series,
 * the first maintenance session a year after it); the maintenance
 * session the schedule draws is the planner's. */
static void
test_year_9999 (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  GDate today;
  NmPdfOptions options = { NULL, NULL, NULL, NULL, NM_PAPER_A4, &today };
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (NM_MAINTENANCE_MONTHS, ==, NM_PLAN_MAINTENANCE_MONTHS);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  nm_consultation_set_birth_date (consultation, "9970-05-14");
  for (guint i = 0; i < 2; i++)
    {
      nm_consultation_set_start_date (consultation, i == 0 ? "9999-11-01" : "9997-11-01");
      plan = plan_for (consultation);
      g_assert_cmpint (nm_plan_get_status (plan) == NM_PLAN_BLOCKED, ==, i == 0);
      doc = nm_pdf_document_new (consultation, plan, &options);
      pdf = export (doc, NULL);
      text = all_text (pdf);
      g_assert_null (strstr (text, "10000"));
      if (i == 1)
        g_assert_nonnull (strstr (text, "9998"));   /* the maintenance session */
      g_clear_pointer (&text, g_free);
      g_clear_object (&pdf);
      g_clear_pointer (&doc, nm_pdf_document_unref);
      g_clear_pointer (&plan, nm_plan_unref);
    }
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
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_PRECAUTIONS);
  assert_contains (text, "With precautions");
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
  /* aftercare with its sources' numbers, consent and signatures */
  assert_contains (text, "No makeup for 48 hours. [");
  assert_lacks (text, "FEE, DQ");
  assert_contains (text, "Consent");
  assert_contains (text, "I agree to the treatment described");
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

/* The treatment-plan PDF of @consultation, planned on 1 Dec 2026: its
 * text with white space folded, and its document and plan if asked. */
static char *
export_text_with (NmConsultation   *consultation,
                  NmProtocol       *protocol,
                  NmPlan          **plan_out,
                  NmPdfDocument   **doc_out,
                  PopplerDocument **pdf_out);

static char *
export_text (NmConsultation  *consultation,
             NmPlan         **plan_out,
             NmPdfDocument  **doc_out,
             PopplerDocument **pdf_out)
{
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;

  protocol = nm_protocol_load_default (&error);
  g_assert_no_error (error);
  return export_text_with (consultation, protocol, plan_out, doc_out, pdf_out);
}

/* The same with a clinic's protocol file over the built-in one. */
static char *
export_text_clinic (NmConsultation  *consultation,
                    const char      *clinic,
                    NmPlan         **plan_out,
                    NmPdfDocument  **doc_out)
{
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (clinic, strlen (clinic));
  g_autoptr(GError) error = NULL;

  protocol = nm_protocol_load_default (&error);
  g_assert_no_error (error);
  g_assert_true (nm_protocol_overlay_bytes (protocol, bytes, &error));
  g_assert_no_error (error);
  return export_text_with (consultation, protocol, plan_out, doc_out, NULL);
}

static char *
export_text_with (NmConsultation   *consultation,
                  NmProtocol       *protocol,
                  NmPlan          **plan_out,
                  NmPdfDocument   **doc_out,
                  PopplerDocument **pdf_out)
{
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *raw = NULL;
  NmPdfOptions options = { 0 };
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_DECEMBER, 2026);
  plan = nm_planner_run (consultation, protocol, &today);
  options.paper = NM_PAPER_A4;
  options.today = &today;
  options.practitioner = "Dr Inês Moreira";
  doc = nm_pdf_document_new (consultation, plan, &options);
  pdf = export (doc, NULL);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, (int) nm_pdf_document_get_n_pages (doc));
  raw = all_text (pdf);

  if (plan_out != NULL)
    *plan_out = g_steal_pointer (&plan);
  if (doc_out != NULL)
    *doc_out = g_steal_pointer (&doc);
  if (pdf_out != NULL)
    *pdf_out = g_steal_pointer (&pdf);
  return squeeze (raw);
}

/* A client of 36 with skin type II, every screening question answered no,
 * rolling scars on a cheek and fine lines on the forehead. */
static NmConsultation *
screened_client (void)
{
  NmConsultation *c = nm_consultation_new ();
  g_autoptr(NmFinding) scar = nm_finding_new ("cheek-left", "acne-scar-rolling", 3);
  g_autoptr(NmFinding) lines = nm_finding_new ("forehead", "fine-lines", 2);

  nm_consultation_set_client_name (c, "Jo Reyes");
  nm_consultation_set_birth_date (c, "1990-01-01");
  nm_consultation_set_fitzpatrick (c, 2);
  nm_consultation_set_start_date (c, "2026-12-01");
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);
  nm_consultation_add_finding (c, scar);
  nm_consultation_add_finding (c, lines);
  return c;
}

static gboolean
has_page_titled (NmPdfDocument *doc,
                 const char    *title)
{
  for (guint i = 0; i < nm_pdf_document_get_n_pages (doc); i++)
    if (g_strcmp0 (nm_pdf_document_get_page_title (doc, i), title) == 0)
      return TRUE;
  return FALSE;
}

/* What a plan that cannot be agreed to never says or offers. */
static void
assert_nothing_to_sign (const char    *text,
                        NmPdfDocument *doc)
{
  assert_lacks (text, "I agree to the treatment described");
  assert_lacks (text, "Your consent");
  assert_lacks (text, "Treatment can go ahead");
  assert_lacks (text, "found nothing that stands in the way");
  assert_lacks (text, "reviewed with you");
  g_assert_false (has_page_titled (doc, "Consent"));
}

/* The bookmarks are the outlined pages, each pointing at its page. */
static void
assert_outline_matches (PopplerDocument *pdf,
                        NmPdfDocument   *doc)
{
  PopplerIndexIter *iter = poppler_index_iter_new (pdf);
  guint n_entries = 0, n_titled = 0;

  g_assert_nonnull (iter);
  do
    {
      PopplerAction *action = poppler_index_iter_get_action (iter);
      PopplerDest *dest;
      int page;

      g_assert_cmpint (action->type, ==, POPPLER_ACTION_GOTO_DEST);
      dest = action->goto_dest.dest;
      g_assert_nonnull (dest);
      if (dest->type == POPPLER_DEST_NAMED)
        {
          PopplerDest *named = poppler_document_find_dest (pdf, dest->named_dest);

          g_assert_nonnull (named);
          page = named->page_num;
          poppler_dest_free (named);
        }
      else
        page = dest->page_num;
      g_assert_cmpint (page, >=, 1);
      g_assert_cmpint (page, <=, (int) nm_pdf_document_get_n_pages (doc));
      g_assert_cmpstr (action->any.title, ==, nm_pdf_document_get_page_title (doc, (guint) page - 1));
      /* the first page of its kind: the one before has another title */
      if (page > 1)
        g_assert_cmpstr (nm_pdf_document_get_page_title (doc, (guint) page - 2), !=, action->any.title);
      poppler_action_free (action);
      n_entries++;
    }
  while (poppler_index_iter_next (iter));
  poppler_index_iter_free (iter);

  /* one entry per distinct title that is not a continuation */
  for (guint i = 0; i < nm_pdf_document_get_n_pages (doc); i++)
    {
      const char *title = nm_pdf_document_get_page_title (doc, i);

      if (strstr (title, "(continued)") == NULL &&
          (i == 0 || g_strcmp0 (nm_pdf_document_get_page_title (doc, i - 1), title) != 0))
        n_titled++;
    }
  g_assert_cmpuint (n_entries, ==, n_titled);
}

static void
test_state_ready (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = export_text (c, &plan, &doc, &pdf);

  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_READY);
  assert_contains (text, "Ready");
  assert_contains (text, "The screening is complete and found nothing that stands in the way");
  /* the consent: the risks with their sources, the client's answers, the
   * statement and the signatures */
  g_assert_true (has_page_titled (doc, "Consent"));
  assert_contains (text, "Redness and swelling");
  assert_contains (text, "Pinpoint bleeding");
  assert_contains (text, "post-inflammatory hyperpigmentation");
  assert_contains (text, "Infection of the treated skin.");
  assert_contains (text, "A cold sore flare-up");
  assert_contains (text, "Tram-track marks");
  assert_contains (text, "Granulomas (small firm lumps) from products applied that are not made for use in the skin. [");
  assert_contains (text, "A cold sore flare-up, for anyone who has had cold sores before. [");
  assert_contains (text, "None: you answered no to every screening question.");
  assert_contains (text, "I agree to the treatment described");
  assert_lacks (text, "Parent or guardian");
  assert_lacks (text, "Screening not finished");
  assert_outline_matches (pdf, doc);
}

static void
test_state_precautions (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;
  const char *care, *answer;

  nm_consultation_set_screening (c, "anticoagulants", NM_ANSWER_YES);
  nm_consultation_set_acknowledgement (c, "anticoagulants", "Stops aspirin a week before, with her GP.");
  text = export_text (c, &plan, &doc, NULL);
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_PRECAUTIONS);
  assert_contains (text, "With precautions");
  assert_contains (text, "Treatment can go ahead with the precautions listed below");
  /* the client's own yes is in the consent, after the risks */
  care = strstr (text, "Your answers that call for care");
  g_assert_nonnull (care);
  answer = strstr (care, "Blood thinners or aspirin: yes");
  g_assert_nonnull (answer);
  g_assert_nonnull (strstr (answer, "I agree to the treatment described"));
  assert_lacks (text, "None: you answered no");
  /* the client's own answers are statements, not the practitioner's
   * questions about "the client" */
  assert_lacks (text, "Does the client");
  assert_lacks (text, "Has the client");
}

static void
test_state_screening_incomplete (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  const char * const unasked[] = { "rosacea", "sunburn", "tattoo-in-area", "pih-history", "vitiligo" };

  for (guint i = 0; i < G_N_ELEMENTS (unasked); i++)
    nm_consultation_set_screening (c, unasked[i], NM_ANSWER_UNKNOWN);
  text = export_text (c, &plan, &doc, &pdf);
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_SCREENING_INCOMPLETE);
  assert_contains (text, "Screening not finished");
  assert_contains (text, "5 screening questions are not answered yet");
  for (guint i = 0; i < G_N_ELEMENTS (unasked); i++)
    assert_contains (text, nm_vocab_screening_question (unasked[i]));
  /* an answered question is not listed */
  assert_lacks (text, nm_vocab_screening_question ("anticoagulants"));
  /* every page after the cover says the plan is not final */
  assert_contains (text, "Screening not finished · Treatment plan · Jo Reyes");
  assert_nothing_to_sign (text, doc);
  assert_outline_matches (pdf, doc);
}

static void
test_state_no_skin_type (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;

  nm_consultation_set_fitzpatrick (c, NM_FITZPATRICK_UNSET);
  text = export_text (c, &plan, &doc, NULL);
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_NO_SKIN_TYPE);
  assert_contains (text, "Skin type needed");
  assert_contains (text, "The skin type (Fitzpatrick I–VI) is not recorded");
  assert_lacks (text, "Ready");
  assert_nothing_to_sign (text, doc);
}

/* A keloid on the map blocks as a lifelong condition: called lifelong,
 * never "until it no longer applies". */
static void
test_state_blocked_lifelong (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmFinding) keloid = nm_finding_new ("decolletage", "keloid", 2);
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  const NmPlanBlock *block;

  nm_consultation_set_fitzpatrick (c, 6);
  nm_consultation_add_finding (c, keloid);
  text = export_text (c, &plan, &doc, &pdf);
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_BLOCKED);
  g_assert_cmpuint (nm_plan_get_n_blocked_by (plan), ==, 1);
  block = nm_plan_get_blocked_by (plan, 0);
  g_assert_cmpstr (block->id, ==, "keloid-tendency");
  g_assert_true (block->lifelong);

  /* lifelong: not suitable, not only "now" */
  assert_contains (text, "Not suitable");
  assert_lacks (text, "Not suitable now");
  assert_lacks (text, "not suitable now");
  assert_contains (text, "Microneedling is not suitable, for the reason below.");
  {
    g_autofree char *message = squeeze (block->message);
    g_autofree char *line = NULL;

    /* its sources by number: "… specialist [1, 2, 3]. Lifelong: …" */
    g_assert_true (g_str_has_suffix (message, ")."));
    *strrchr (message, '(') = '\0';
    line = g_strconcat (message, "[", NULL);
    assert_contains (text, line);
    assert_contains (strstr (text, line), "]. Lifelong: this does not pass with time.");
  }
  assert_lacks (text, "no longer applies");
  assert_lacks (text, "Session 1 of");
  assert_contains (text, "Not suitable · Treatment plan · Jo Reyes");
  /* the planner's "Keloid on the map" once; nothing else says "on the map" */
  assert_contains (text, "on the map");
  assert_lacks (strstr (text, "on the map") + 1, "on the map");
  assert_nothing_to_sign (text, doc);
  /* nothing to take care of after a session that is not planned */
  g_assert_false (has_page_titled (doc, "Aftercare"));
  assert_outline_matches (pdf, doc);
}

static void
test_blocked_plan (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;

  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  text = export_text (consultation, &plan, &doc, NULL);
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_BLOCKED);
  g_assert_false (nm_plan_get_blocked_by (plan, 0)->lifelong);
  assert_contains (text, "Not suitable now");
  assert_contains (text, "Treatment can be reconsidered once this no longer applies.");
  assert_lacks (text, "Lifelong");
  assert_lacks (text, "Session 1 of");
  assert_nothing_to_sign (text, doc);
}

/* A client of 16: with a guardian the plan can be agreed to, and the
 * guardian signs; without one it is blocked, with nothing to sign. */
static void
test_minor_guardian (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;
  const char *consent;

  nm_consultation_set_birth_date (c, "2010-03-01");
  nm_consultation_set_guardian (c, "Marta Reyes");
  text = export_text (c, &plan, &doc, NULL);
  g_assert_true (nm_plan_get_minor (plan));
  g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_PRECAUTIONS);
  consent = strstr (text, "Your consent");
  g_assert_nonnull (consent);
  g_assert_nonnull (strstr (consent, "The client is under 18."));
  g_assert_nonnull (strstr (consent, "Parent or guardian"));
  g_assert_nonnull (strstr (consent, "Marta Reyes"));
  g_assert_nonnull (strstr (consent, "I agree to the treatment described"));

  {
    g_autoptr(NmPlan) alone = NULL;
    g_autoptr(NmPdfDocument) alone_doc = NULL;
    g_autofree char *alone_text = NULL;

    nm_consultation_set_guardian (c, NULL);
    alone_text = export_text (c, &alone, &alone_doc, NULL);
    g_assert_cmpint (nm_plan_get_state (alone), ==, NM_PLAN_STATE_BLOCKED);
    assert_contains (alone_text, "Not suitable now");
    assert_lacks (alone_text, "The client is under 18.");
    assert_nothing_to_sign (alone_text, alone_doc);
  }
}

static char *
without_spaces (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* The number the Sources page gives @key ("[12]"), from its citation; 0
 * when it is not listed. Compared without white space: poppler may or may
 * not put a space between the table's cells, and a long address breaks at
 * a slash. */
static guint
source_number (const char *sources,
               const char *key)
{
  g_autofree char *citation = without_spaces (nm_reference_lookup (key));
  const char *row = strstr (sources, citation);
  const char *open;

  if (row == NULL)
    return 0;
  /* the number ends right before the citation */
  if (row == sources || row[-1] != ']')
    return 0;
  for (open = row - 1; open > sources && *open != '['; open--)
    ;
  return (guint) g_ascii_strtoull (open + 1, NULL, 10);
}

/* The Sources page spells out every source the plan cites, each under
 * the number the text cites it by, in the order of first citation. */
static void
test_sources (void)
{
  g_autoptr(NmConsultation) c = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_auto(GStrv) keys = NULL;
  g_autofree char *all_sources = NULL;
  const char *sources;

  text = export_text (c, &plan, &doc, NULL);
  g_assert_true (has_page_titled (doc, "Sources"));
  g_assert_nonnull (strstr (text, "Each number in square brackets in this plan"));
  sources = all_sources = without_spaces (strstr (text, "Each number in square brackets in this plan"));

  /* every key of every reason and warning, with its citation */
  for (guint i = 0; i < nm_plan_get_n_regions (plan); i++)
    for (char **r = nm_plan_get_region (plan, i)->reasons; r != NULL && *r != NULL; r++)
      g_ptr_array_add (texts, *r);
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    g_ptr_array_add (texts, nm_plan_get_warning (plan, i)->message);
  g_ptr_array_add (texts, NULL);
  keys = nm_references_collect ((const char * const *) texts->pdata);
  g_assert_cmpuint (g_strv_length (keys), >, 10);
  for (guint i = 0; keys[i] != NULL; i++)
    if (source_number (sources, keys[i]) == 0)
      g_error ("the Sources page lacks %s, %s", keys[i], nm_reference_lookup (keys[i]));
  /* numbered from 1 in the order the pages first cite them: the summary's
   * precautions come before the areas' reasons; each source once */
  g_assert_cmpuint (source_number (sources, "SP1"), ==, 1);
  g_assert_cmpuint (source_number (sources, "CHU"), <, source_number (sources, "HAR"));
  g_assert_cmpuint (source_number (sources, "HAR"), <, source_number (sources, "AMI"));
  g_assert_null (strstr (strstr (sources, without_spaces (nm_reference_lookup ("HAR"))) + 1,
                         without_spaces (nm_reference_lookup ("HAR"))));
  /* the consent's risks cite GRA; the schedule's phases AMI */
  g_assert_cmpuint (source_number (sources, "GRA"), >, 0);
  g_assert_cmpuint (source_number (sources, "AMI"), >, 0);
  /* a key nothing in this plan cites is not listed */
  assert_lacks (text, "Kalluri");
  assert_lacks (text, "Characterization of microchannels");

  /* without a consent (blocked) the risks' only source goes too */
  nm_consultation_set_screening (c, "pregnancy", NM_ANSWER_YES);
  {
    g_autofree char *blocked_text = export_text (c, NULL, NULL, NULL);
    g_autofree char *blocked = without_spaces (blocked_text);

    g_assert_cmpuint (source_number (blocked, "SP1"), >, 0);
    assert_lacks (blocked, "Adverse reactions with microneedle therapy");
  }
}

/* Each finding's own depth: the sample's melasma lies over boxcar scars
 * on the right cheek and keeps to its own, shallower depth. */
static void
test_finding_depths (void)
{
  g_autoptr(NmConsultation) c = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *text = export_text (c, &plan, NULL, NULL);
  const NmPlanRegion *cheek = nm_plan_lookup_region (plan, "cheek-right");
  const NmPlanFindingDepth *melasma;
  g_autofree char *depth = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (cheek);
  melasma = nm_plan_region_lookup_finding (cheek, "melasma");
  g_assert_nonnull (melasma);
  g_assert_true (melasma->treat);
  g_assert_cmpfloat (melasma->max_mm, <, cheek->max_mm);
  depth = nm_render_format_depth (melasma->min_mm, melasma->max_mm);
  line = g_strdup_printf ("Melasma: keep to %s", depth);
  assert_contains (text, line);
  /* the deepest finding is the region's depth: no line of its own */
  assert_lacks (text, "Boxcar acne scars: keep to");
}

/* A wait before the first session: the schedule says to when and why. */
static void
test_wait_before_start (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;
  g_autofree char *date = NULL;
  g_autofree char *note = NULL;
  g_autofree char *why = NULL;

  nm_consultation_set_screening (c, "sunburn", NM_ANSWER_YES);
  nm_consultation_set_acknowledgement (c, "sunburn", "");
  text = export_text (c, &plan, &doc, NULL);
  g_assert_nonnull (nm_plan_get_wait_until (plan));
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (plan, i)->id, "wait-before-start") == 0)
      why = squeeze (nm_plan_get_warning (plan, i)->message);
  g_assert_nonnull (why);
  date = nm_render_format_date (nm_plan_get_wait_until (plan));
  note = g_strdup_printf ("The first session moves to %s. Sunburn or a fresh tan: at least 2 weeks from today [", date);
  /* on the summary and on the schedule, each once, in the locale's date
   * format: the planner's message, with its YYYY-MM-DD, is not repeated */
  assert_contains (text, note);
  assert_contains (strstr (text, note) + 1, note);
  assert_lacks (strstr (strstr (text, note) + 1, note) + 1, note);
  assert_lacks (text, why);
  assert_lacks (text, "2026-12-15");
  assert_contains (text, "after a wait (see the schedule)");
  /* the schedule's drawing labels the wait */
  {
    char until[32];
    g_autofree char *label = NULL;

    g_date_strftime (until, sizeof until, "%-d %b", nm_plan_get_wait_until (plan));
    label = g_strdup_printf ("Wait until %s", until);
    assert_contains (text, label);
  }
  g_assert_true (has_page_titled (doc, "Consent"));
}

/* A done session shows what was logged, area by area, not the plan: the
 * cheek at its logged depth, and an eyelid the plan never needles. */
static void
test_done_session_logged (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmSession) session = nm_session_new ("2026-12-01");
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *text = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *cheek = NULL;
  g_autofree char *eyelid = NULL;
  const NmPlanRegion *region;
  const char *schedule;
  gboolean warned = FALSE;

  nm_session_set_done (session, TRUE);
  nm_session_set_depth (session, "cheek-left", 1.75);
  nm_session_set_depth (session, "eyelid-left", 0.25);
  nm_consultation_add_session (c, session);
  text = export_text (c, &plan, NULL, NULL);
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (plan, i)->id, "logged-over-plan") == 0 &&
        g_strcmp0 (nm_plan_get_warning (plan, i)->region, "eyelid-left") == 0)
      warned = TRUE;
  g_assert_true (warned);
  region = nm_plan_lookup_region (plan, "cheek-left");
  g_assert_nonnull (region);
  g_assert_cmpfloat (region->max_mm, !=, 1.75);

  /* the schedule's table: the logged depth of each area */
  schedule = strstr (text, "Done 1 Dec 2026");
  g_assert_nonnull (schedule);
  cheek = g_strdup_printf ("%s: 1.75 mm", nm_vocab_region_name ("cheek-left"));
  eyelid = g_strdup_printf ("%s: 0.25 mm (over the plan)", nm_vocab_region_name ("eyelid-left"));
  assert_contains (text, cheek);
  assert_contains (text, eyelid);
  assert_contains (schedule, "logged");
}

/* No consent to sign while there is nothing to treat, or while the
 * practitioner has a yes answer still to acknowledge: the summary says
 * why instead. */
static void
test_consent_only_when_signable (void)
{
  {
    g_autoptr(NmConsultation) c = screened_client ();
    g_autoptr(NmPlan) plan = NULL;
    g_autoptr(NmPdfDocument) doc = NULL;
    g_autofree char *text = NULL;

    nm_consultation_set_screening (c, "anticoagulants", NM_ANSWER_YES);
    text = export_text (c, &plan, &doc, NULL);
    g_assert_cmpint (nm_plan_get_state (plan), ==, NM_PLAN_STATE_PRECAUTIONS);
    g_assert_cmpuint (nm_plan_get_n_series (plan), >, 0);
    assert_nothing_to_sign (text, doc);
    assert_contains (text, "Your practitioner has still to go through some of your answers with you");
  }
  {
    g_autoptr(NmConsultation) c = nm_consultation_new ();
    g_autoptr(NmFinding) eyelid = nm_finding_new ("eyelid-left", "fine-lines", 2);
    g_autoptr(NmPlan) plan = NULL;
    g_autoptr(NmPdfDocument) doc = NULL;
    g_autofree char *text = NULL;

    nm_consultation_set_client_name (c, "Jo Reyes");
    nm_consultation_set_birth_date (c, "1990-01-01");
    nm_consultation_set_fitzpatrick (c, 2);
    for (guint i = 0; i < nm_vocab_n_screening (); i++)
      nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);
    nm_consultation_add_finding (c, eyelid);
    text = export_text (c, &plan, &doc, NULL);
    g_assert_true (nm_plan_get_state (plan) == NM_PLAN_STATE_READY ||
                   nm_plan_get_state (plan) == NM_PLAN_STATE_PRECAUTIONS);
    g_assert_cmpuint (nm_plan_get_n_series (plan), ==, 0);
    assert_nothing_to_sign (text, doc);
    assert_contains (text, "no area is to be needled, so no sessions are planned and there is nothing to agree to or sign");
  }
}

/* A scar depth a clinic's file loosens past the built-in one. */
#define CLINIC_LOOSENED \
  "{\"format\": \"needlemap-protocol\"," \
  " \"regions\": {\"cheek-left\": {\"scar\": {\"max_mm\": 2.0}}}}"

static const char *
warning_message (NmPlan     *plan,
                 const char *id)
{
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (plan, i)->id, id) == 0)
      return nm_plan_get_warning (plan, i)->message;
  return NULL;
}

/* What the plan tells the practitioner to do (acknowledge an answer, mind
 * a loosened clinic rule) is not a precaution in the client's copy. */
static void
test_practitioner_only_warnings (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *text = NULL;
  const char * const ids[] = { "relative-unacknowledged", "clinic-rule-loosened" };

  nm_consultation_set_screening (c, "anticoagulants", NM_ANSWER_YES);
  text = export_text_clinic (c, CLINIC_LOOSENED, &plan, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const char *message = warning_message (plan, ids[i]);
      g_autofree char *squeezed = NULL;

      if (message == NULL)
        g_error ("the plan has no %s warning", ids[i]);
      squeezed = squeeze (message);
      assert_lacks (text, squeezed);
    }
  assert_lacks (text, "Acknowledge before treating");
  /* a precaution for the client stays */
  assert_contains (text, "Precautions");
}

/* Acne scars are graded by Goodman & Baron's names (macular, mild,
 * moderate, severe), other findings by the generic scale. */
static void
test_acne_scar_grades (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmFinding) macular = nm_finding_new ("cheek-right", "acne-scar-boxcar", 1);
  g_autoptr(NmFinding) severe = nm_finding_new ("chin", "acne-scar-icepick", 4);
  g_autofree char *text = NULL;

  nm_consultation_add_finding (c, macular);
  nm_consultation_add_finding (c, severe);
  text = export_text (c, NULL, NULL, NULL);
  /* the client's rolling scars are grade 3 */
  assert_contains (text, "Rolling acne scars (Moderate)");
  assert_contains (text, "Boxcar acne scars (Macular)");
  assert_contains (text, "Icepick acne scars (Severe)");
  assert_lacks (text, "acne scars (Marked)");
  /* fine lines of severity 2 keep the generic name */
  assert_contains (text, "Fine lines (Moderate)");
}

/* CLINIC (the clinic's own protocol file) is explained under Sources;
 * plan.device (the consultation's own device) is not a source to list. */
static void
test_sources_clinic_and_device (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sources = NULL;
  gboolean cites_clinic = FALSE, cites_device = FALSE;

  /* a stricter scar limit, without sources of its own: cited as CLINIC */
  text = export_text_clinic (c,
                             "{\"format\": \"needlemap-protocol\","
                             " \"regions\": {\"cheek-left\": {\"scar\": {\"max_mm\": 1.25}}}}",
                             &plan, NULL);
  for (guint i = 0; i < nm_plan_get_n_regions (plan); i++)
    for (char **r = nm_plan_get_region (plan, i)->reasons; r != NULL && *r != NULL; r++)
      cites_clinic |= strstr (*r, "(CLINIC)") != NULL;
  g_assert_true (cites_clinic);
  g_assert_nonnull (strstr (text, "Each number in square brackets in this plan"));
  sources = without_spaces (strstr (text, "Each number in square brackets in this plan"));
  g_assert_cmpuint (source_number (sources, "CLINIC"), >, 0);
  assert_contains (text, "The clinic’s own protocol file");
  assert_lacks (text, "CLINIC");

  {
    g_autoptr(NmPlan) device_plan = NULL;
    g_autofree char *device_text = NULL;
    g_autofree char *device_sources = NULL;

    nm_consultation_set_device_max_mm (c, 1.0);
    device_text = export_text (c, &device_plan, NULL, NULL);
    for (guint i = 0; i < nm_plan_get_n_regions (device_plan); i++)
      for (char **r = nm_plan_get_region (device_plan, i)->reasons; r != NULL && *r != NULL; r++)
        cites_device |= strstr (*r, "(plan.device)") != NULL;
    g_assert_true (cites_device);
    device_sources = without_spaces (strstr (device_text, "Each number in square brackets in this plan"));
    assert_lacks (device_sources, "plan.device");
    /* nor a source to name to the client at all: the reason says it */
    assert_contains (device_text, "the maximum of the device this consultation is planned for.");
    assert_lacks (device_text, "plan.device");
  }
}

/* Whether @word is one of the words of a citation the references table
 * spells out ("DP" of "Cassiano DP et al.", "TXA"): such words are the
 * Sources page's own text, not keys. */
static gboolean
word_of_a_citation (const char *word)
{
  for (guint i = 0; i < nm_references_get_n (); i++)
    {
      const char *citation = nm_reference_lookup (nm_references_get_key (i));

      for (const char *p = strstr (citation, word); p != NULL; p = strstr (p + 1, word))
        if ((p == citation || !g_ascii_isalnum (p[-1])) && !g_ascii_isalnum (p[strlen (word)]))
          return TRUE;
    }
  return FALSE;
}

/* Reads the numbers of a citation, "[3, 7]", at @p; returns how many, 0
 * when @p is no citation. */
static guint
read_citation (const char *p,
               GArray     *numbers)
{
  guint n = 0;

  if (*p != '[' || !g_ascii_isdigit (p[1]))
    return 0;
  p++;
  for (;;)
    {
      char *end;
      guint64 number = g_ascii_strtoull (p, &end, 10);

      if (end == p)
        return 0;
      g_array_append_val (numbers, number);
      n++;
      p = end;
      if (*p == ']')
        return n;
      if (*p != ',')
        return 0;
      p++;
      /* a no-break space after the commas (poppler may give a space) */
      if (g_str_has_prefix (p, "\u00a0"))
        p += strlen ("\u00a0");
      while (g_ascii_isspace (*p))
        p++;
    }
}

/* The client's copy names no source by its key: not in the text, not on
 * the Sources page. The sources are cited by number, "[3, 7]"; the
 * Sources page lists them from 1, each under its number, and every
 * number cited is one of its entries, and every entry is cited. */
static void
assert_cites_by_number (NmPdfDocument   *doc,
                        PopplerDocument *pdf)
{
  g_autoptr(GArray) cited = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) listed = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint n_words = 0;

  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      g_autofree char *text = poppler_page_get_text (page);
      const char *title = nm_pdf_document_get_page_title (doc, (guint) i);
      gboolean sources = g_str_has_prefix (title, "Sources");
      const char *p = text;

      while (*p != '\0')
        {
          const char *start = p;
          g_autofree char *word = NULL;

          if (!g_ascii_isalnum (*p))
            {
              /* a number in brackets at a line's start on the Sources
               * page is an entry; anywhere else, a citation */
              if (sources && *p == '[' && (p == text || p[-1] == '\n'))
                g_assert_cmpuint (read_citation (p, listed), ==, 1);
              else if (*p == '[')
                read_citation (p, cited);
              p++;
              continue;
            }
          while (g_ascii_isalnum (*p))
            p++;
          word = g_strndup (start, (gsize) (p - start));
          n_words++;
          if (nm_reference_lookup (word) != NULL && !(sources && word_of_a_citation (word)))
            g_error ("page %d (%s) shows the source key %s: “%.60s”", i + 1, title, word,
                     start > text + 30 ? start - 30 : text);
        }
    }
  g_assert_cmpuint (n_words, >, 100);

  /* the list: 1, 2, 3… */
  g_assert_cmpuint (listed->len, >, 0);
  for (guint i = 0; i < listed->len; i++)
    g_assert_cmpuint (g_array_index (listed, guint64, i), ==, i + 1);
  /* each number cited is listed; each listed is cited */
  g_assert_cmpuint (cited->len, >, 0);
  for (guint i = 0; i < cited->len; i++)
    {
      guint64 n = g_array_index (cited, guint64, i);

      if (n < 1 || n > listed->len)
        g_error ("the PDF cites [%" G_GUINT64_FORMAT "], which the Sources page (1–%u) lacks",
                 n, listed->len);
    }
  for (guint n = 1; n <= listed->len; n++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < cited->len && !found; i++)
        found = g_array_index (cited, guint64, i) == n;
      if (!found)
        g_error ("source [%u] is listed but nothing cites it", n);
    }
}

static void
check_cites_by_number (NmConsultation *c,
                       const char     *clinic)
{
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;

  if (clinic != NULL)
    {
      g_autoptr(NmProtocol) protocol = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new (clinic, strlen (clinic));
      g_autoptr(GError) error = NULL;

      protocol = nm_protocol_load_default (&error);
      g_assert_no_error (error);
      g_assert_true (nm_protocol_overlay_bytes (protocol, bytes, &error));
      g_assert_no_error (error);
      text = export_text_with (c, protocol, NULL, &doc, &pdf);
    }
  else
    text = export_text (c, NULL, &doc, &pdf);
  assert_cites_by_number (doc, pdf);
}

/* No source key in the client's PDF, for the sample and for plans that
 * cite many sources: precautions on darker skin, a plan blocked for many
 * reasons, a clinic's own rule. */
static void
test_sources_by_number (void)
{
  g_autoptr(NmConsultation) sample = load_sample ();
  g_autoptr(NmConsultation) precautions = screened_client ();
  g_autoptr(NmConsultation) blocked = screened_client ();
  g_autoptr(NmConsultation) clinic = screened_client ();
  g_autoptr(NmFinding) melasma = nm_finding_new ("upper-lip", "melasma", 2);
  g_autoptr(NmFinding) hair = nm_finding_new ("scalp-vertex", "alopecia", 2);
  static const char * const relative[] = {
    "anticoagulants", "herpes-history", "active-acne", "rosacea", "eczema-psoriasis",
    "recent-procedure", "sunburn", "vitiligo", "immunosuppression", "autoimmune-skin-disease",
  };

  check_cites_by_number (sample, NULL);

  nm_consultation_set_fitzpatrick (precautions, 5);
  nm_consultation_add_finding (precautions, melasma);
  nm_consultation_add_finding (precautions, hair);
  for (guint i = 0; i < G_N_ELEMENTS (relative); i++)
    nm_consultation_set_screening (precautions, relative[i], NM_ANSWER_YES);
  check_cites_by_number (precautions, NULL);

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (blocked, nm_vocab_screening (i)->id, NM_ANSWER_YES);
  check_cites_by_number (blocked, NULL);

  nm_consultation_set_device_max_mm (clinic, 1.0);
  check_cites_by_number (clinic,
                         "{\"format\": \"needlemap-protocol\","
                         " \"regions\": {\"cheek-left\": {\"scar\": {\"max_mm\": 0.75}}}}");
}

/* Depth maps only for views that show a finding's region where it is
 * mapped: a face-only plan (the forehead is also on the scalp's view)
 * gets the face's front and profiles, no scalp or body page. */
static void
test_face_only_maps (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = export_text (c, NULL, &doc, NULL);
  guint n_maps = 0;

  for (guint i = 0; i < nm_pdf_document_get_n_pages (doc); i++)
    if (nm_pdf_document_page_is_map (doc, i))
      n_maps++;
  /* the front of the face; its left and right sides */
  g_assert_cmpuint (n_maps, ==, 2);

  /* a scalp finding brings the scalp's page */
  {
    g_autoptr(NmFinding) crown = nm_finding_new ("scalp-vertex", "alopecia", 2);
    g_autoptr(NmPdfDocument) scalp_doc = NULL;
    g_autofree char *scalp_text = NULL;

    nm_consultation_add_finding (c, crown);
    scalp_text = export_text (c, NULL, &scalp_doc, NULL);
    n_maps = 0;
    for (guint i = 0; i < nm_pdf_document_get_n_pages (scalp_doc); i++)
      if (nm_pdf_document_page_is_map (scalp_doc, i))
        n_maps++;
    g_assert_cmpuint (n_maps, ==, 3);
  }
}

/* A forehead outlined on the scalp's view (where the forehead shows at its
 * edge) brings no scalp page with nothing on the scalp (issue 14, defect
 * 10): the face's pages show the forehead. */
static void
test_no_empty_scalp_page (void)
{
  static const NmPoint ring[] = { { 0.45, 0.12 }, { 0.55, 0.12 }, { 0.55, 0.16 }, { 0.45, 0.16 } };
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autofree char *text = NULL;
  NmFinding *forehead = NULL;
  guint n_maps = 0;

  for (guint i = 0; i < nm_consultation_get_n_findings (c); i++)
    if (g_strcmp0 (nm_finding_get_region (nm_consultation_get_finding (c, i)), "forehead") == 0)
      forehead = nm_consultation_get_finding (c, i);
  g_assert_nonnull (forehead);
  nm_finding_set_outline (forehead, "scalp", ring, G_N_ELEMENTS (ring));
  text = export_text (c, NULL, &doc, NULL);
  for (guint i = 0; i < nm_pdf_document_get_n_pages (doc); i++)
    if (nm_pdf_document_page_is_map (doc, i))
      n_maps++;
  g_assert_cmpuint (n_maps, ==, 2);
  assert_lacks (text, "SCALP");
}

/* Where the glyphs of a page lie, as poppler reads them back: one
 * rectangle per character that is not white space. */
typedef struct
{
  PopplerRectangle rect;
  gunichar         c;
} Glyph;

static GArray *
page_glyphs (PopplerPage *page)
{
  GArray *glyphs = g_array_new (FALSE, FALSE, sizeof (Glyph));
  g_autofree char *text = poppler_page_get_text (page);
  PopplerRectangle *rects = NULL;
  guint n_rects = 0;
  const char *p = text;

  g_assert_true (poppler_page_get_text_layout (page, &rects, &n_rects));
  for (guint i = 0; i < n_rects && p != NULL && *p != '\0'; i++, p = g_utf8_next_char (p))
    {
      Glyph glyph = { rects[i], g_utf8_get_char (p) };

      if (!g_unichar_isspace (glyph.c) && rects[i].x2 > rects[i].x1 && rects[i].y2 > rects[i].y1)
        g_array_append_val (glyphs, glyph);
    }
  g_free (rects);
  return glyphs;
}

/* Every glyph of every page lies between the side margins (58 pt) and
 * inside the page, and no glyph is printed over another: text that runs
 * past its box shows as one or the other. */
static void
assert_page_glyphs_apart (PopplerPage *page,
                          int          i,
                          double       margin_x)
{
  g_autoptr(GArray) glyphs = page_glyphs (page);
  double w, h;

  poppler_page_get_size (page, &w, &h);
  g_assert_cmpuint (glyphs->len, >, 0);
      for (guint a = 0; a < glyphs->len; a++)
        {
          const PopplerRectangle *r = &g_array_index (glyphs, Glyph, a).rect;

          if (r->x1 < margin_x - 1 || r->x2 > w - margin_x + 1 || r->y1 < 0 || r->y2 > h)
            g_error ("page %d: a glyph at (%.0f, %.0f)–(%.0f, %.0f) is outside the page's text area",
                     i + 1, r->x1, r->y1, r->x2, r->y2);
          for (guint b = a + 1; b < glyphs->len; b++)
            {
              const PopplerRectangle *q = &g_array_index (glyphs, Glyph, b).rect;
              double ox = MIN (r->x2, q->x2) - MAX (r->x1, q->x1);
              double oy = MIN (r->y2, q->y2) - MAX (r->y1, q->y1);
              double smaller = MIN ((r->x2 - r->x1) * (r->y2 - r->y1), (q->x2 - q->x1) * (q->y2 - q->y1));

              /* neighbours in a line touch; glyphs printed over each
               * other cover much of one another */
              if (ox > 0 && oy > 0 && ox * oy > 0.3 * smaller)
                g_error ("page %d: glyphs overlap: U+%04X at (%.0f, %.0f) and U+%04X at (%.0f, %.0f)",
                         i + 1, g_array_index (glyphs, Glyph, a).c, r->x1, r->y1,
                         g_array_index (glyphs, Glyph, b).c, q->x1, q->y1);
            }
        }
}

static void
assert_text_in_boxes (PopplerDocument *pdf)
{
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);

      assert_page_glyphs_apart (page, i, 58);
    }
}

/* Long names stay in their boxes (issue 13, item 14): a name of 118
 * characters ran over the running header's clinic and into the consent's
 * Date column; one of 10,000 over the cover's disclaimer. */
static void
test_long_names (void)
{
  /* 118 characters, in words */
  const char *long_name = "Maria da Conceição Albuquerque Vasconcelos de Sá Magalhães "
                          "Pereira Nogueira Cavalcanti Brandão Figueiredo Guimarães Sá";
  g_autoptr(GString) huge = g_string_new (NULL);
  const char *names[2];

  g_assert_cmpuint (g_utf8_strlen (long_name, -1), ==, 118);
  for (guint i = 0; g_utf8_strlen (huge->str, -1) < 10000; i++)
    g_string_append (huge, i % 7 == 6 ? "Wolfeschlegelsteinhausen " : "Abcdefghij ");
  g_string_truncate (huge, 10000);
  names[0] = long_name;
  names[1] = huge->str;

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr(NmConsultation) c = screened_client ();
      g_autoptr(PopplerDocument) pdf = NULL;
      g_autoptr(NmPdfDocument) doc = NULL;
      g_autofree char *text = NULL;

      nm_consultation_set_client_name (c, names[n]);
      text = export_text (c, NULL, &doc, &pdf);
      g_assert_true (has_page_titled (doc, "Consent"));
      assert_text_in_boxes (pdf);
      /* the name of 118 characters is whole on the cover */
      if (n == 0)
        assert_contains (text, long_name);
    }

  /* a minor's consent: the client and the guardian side by side */
  {
    g_autoptr(NmConsultation) c = screened_client ();
    g_autoptr(PopplerDocument) pdf = NULL;
    g_autofree char *text = NULL;

    nm_consultation_set_client_name (c, long_name);
    nm_consultation_set_birth_date (c, "2012-01-01");
    nm_consultation_set_guardian (c, long_name);
    text = export_text (c, NULL, NULL, &pdf);
    assert_text_in_boxes (pdf);
  }
}

/* The sample's pages, with their usual names, pass the same check. */
static void
test_sample_text_in_boxes (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = export_text (consultation, NULL, NULL, &pdf);

  assert_text_in_boxes (pdf);
}

/* The timeline alone on a page of its own size, as the schedule view draws
 * it at @fs pixels a font size. */
static PopplerDocument *
schedule_pdf (NmConsultation *c,
              NmPlan         *plan,
              const GDate    *today,
              double          width,
              double          fs,
              double         *height)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  NmScheduleStyle style = { FALSE, NULL, fs, TRUE };
  cairo_surface_t *surface;
  cairo_t *cr;
  PopplerDocument *pdf;

  *height = nm_render_schedule_natural_height_for_width (plan, fs, width);
  surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, *height);
  cr = cairo_create (surface);
  nm_render_schedule (cr, c, plan, today, width, *height, &style);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  pdf = poppler_document_new_from_bytes (data, NULL, &error);
  g_assert_no_error (error);
  return pdf;
}

/* The schedule's text (issue 14, defect 10): at the view's font size, no
 * text smaller than 11 px; nothing drawn past the width (the key of the
 * phases wraps instead) nor any label over another, at the widths a
 * 1024 px window gives it, beside the side panel or alone. */
static void
test_schedule_text (void)
{
  g_autoptr(NmConsultation) c = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  const double widths[] = { 580, 1000 };
  /* the schedule view's size: Cantarell 11 pt at 96 dpi */
  const double fs = 11 * 96 / 72.0;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  plan = plan_for (c);
  g_assert_cmpfloat (fs * NM_SCHEDULE_SMALLEST_TEXT, >=, 11);

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      double height;
      g_autoptr(PopplerDocument) pdf = schedule_pdf (c, plan, &today, widths[i], fs, &height);
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, 0);
      g_autofree char *raw = poppler_page_get_text (page);
      g_autofree char *text = squeeze (raw);
      GList *attributes = poppler_page_get_text_attributes (page);
      double smallest = G_MAXDOUBLE;

      for (GList *l = attributes; l != NULL; l = l->next)
        smallest = MIN (smallest, ((PopplerTextAttributes *) l->data)->font_size);
      poppler_page_free_text_attributes (attributes);
      g_test_message ("width %.0f: smallest text %.1f px, height %.0f", widths[i], smallest, height);
      g_assert_cmpfloat (smallest, >=, 11 - 0.01);

      assert_page_glyphs_apart (page, 0, 0);
      assert_contains (text, "Inflammation, days 0–3");
      assert_contains (text, "Proliferation, day 3 to week 8");
      assert_contains (text, "Remodelling, week 8 to about a year");
      /* on its own (the window's), the sources named in short */
      assert_contains (text, "Healing phases after each session (amieamed.com");
      assert_lacks (text, "AMI, AGB");
    }
}

/* Sessions whose date has passed show whether they were done: "Done" for
 * one logged as done, "Overdue" for one neither logged nor moved later;
 * the PDF's table says the same. */
static void
test_schedule_past_sessions (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmSession) first = nm_session_new ("2026-12-01");
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  double height;
  GDate today;

  nm_session_set_done (first, TRUE);
  nm_session_set_depth (first, "cheek-left", 1.0);
  nm_consultation_add_session (c, first);
  plan = plan_for (c);
  g_assert_cmpuint (nm_plan_get_series (plan, 0)->n_dates, >=, 3);

  /* today after the second session's date, before the third's */
  g_date_clear (&today, 1);
  today = nm_plan_get_series (plan, 0)->dates[1];
  g_date_add_days (&today, 3);
  pdf = schedule_pdf (c, plan, &today, 1000, 14.0, &height);
  page = poppler_document_get_page (pdf, 0);
  raw = poppler_page_get_text (page);
  text = squeeze (raw);
  assert_contains (text, "Done");
  assert_contains (text, "Overdue");
  /* the third is still planned: its depth, not a flag */
  g_assert_null (strstr (strstr (text, "Overdue") + 1, "Overdue"));

  {
    g_autoptr(NmPdfDocument) doc = NULL;
    NmPdfOptions options = { 0 };
    g_autofree char *all = NULL;
    g_autoptr(PopplerDocument) full = NULL;

    options.paper = NM_PAPER_A4;
    options.today = &today;
    doc = nm_pdf_document_new (c, plan, &options);
    full = export (doc, NULL);
    all = all_text (full);
    assert_contains (all, "Overdue");
  }
}

/* Today's line passes under the sessions' marks (issue 14, defect 10: it
 * ran through session 1): along the line, the pixels that today changes
 * stop where the mark of a session on today's date is. */
static void
test_schedule_today_under_sessions (void)
{
  g_autoptr(NmConsultation) c = screened_client ();
  g_autoptr(NmPlan) plan = plan_for (c);
  const GDate *first = &nm_plan_get_series (plan, 0)->dates[0];
  const int w = 1000, fs = 14;
  NmScheduleStyle style = { FALSE, NULL, fs, TRUE };
  int h = (int) nm_render_schedule_natural_height_for_width (plan, fs, w);
  cairo_surface_t *with = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_surface_t *without = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  const guint32 *a, *b;
  int stride, line_x = -1, best = 0, run = 0, longest = 0;

  for (guint i = 0; i < 2; i++)
    {
      cairo_t *cr = cairo_create (i == 0 ? with : without);

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      nm_render_schedule (cr, c, plan, i == 0 ? first : NULL, w, h, &style);
      cairo_destroy (cr);
    }
  cairo_surface_flush (with);
  cairo_surface_flush (without);
  a = (const guint32 *) cairo_image_surface_get_data (with);
  b = (const guint32 *) cairo_image_surface_get_data (without);
  stride = cairo_image_surface_get_stride (with) / 4;

  /* the line: the column that today changes most */
  for (int x = 0; x < w; x++)
    {
      int n = 0;

      for (int y = 0; y < h; y++)
        n += (a[y * stride + x] & 0xffffff) != (b[y * stride + x] & 0xffffff);
      if (n > best)
        {
          best = n;
          line_x = x;
        }
    }
  g_assert_cmpint (line_x, >=, 0);
  g_assert_cmpint (best, >, 4 * fs);
  /* between the line's first and last changed pixels, the longest run
   * left unchanged: the mark (1.9 font sizes across) covers it */
  {
    int top = -1, bottom = -1;

    for (int y = 0; y < h; y++)
      if ((a[y * stride + line_x] & 0xffffff) != (b[y * stride + line_x] & 0xffffff))
        {
          if (top < 0)
            top = y;
          bottom = y;
        }
    for (int y = top; y <= bottom; y++)
      {
        if ((a[y * stride + line_x] & 0xffffff) == (b[y * stride + line_x] & 0xffffff))
          longest = MAX (longest, ++run);
        else
          run = 0;
      }
  }
  g_test_message ("today's line at x %d: %d px changed, longest gap %d px", line_x, best, longest);
  g_assert_cmpint (longest, >=, (int) (1.5 * fs));
  cairo_surface_destroy (with);
  cairo_surface_destroy (without);
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
  g_test_add_func ("/outputs/pdf/state/ready", test_state_ready);
  g_test_add_func ("/outputs/pdf/state/precautions", test_state_precautions);
  g_test_add_func ("/outputs/pdf/state/screening-incomplete", test_state_screening_incomplete);
  g_test_add_func ("/outputs/pdf/state/no-skin-type", test_state_no_skin_type);
  g_test_add_func ("/outputs/pdf/state/blocked-lifelong", test_state_blocked_lifelong);
  g_test_add_func ("/outputs/pdf/minor-guardian", test_minor_guardian);
  g_test_add_func ("/outputs/pdf/sources", test_sources);
  g_test_add_func ("/outputs/pdf/finding-depths", test_finding_depths);
  g_test_add_func ("/outputs/pdf/wait-before-start", test_wait_before_start);
  g_test_add_func ("/outputs/pdf/done-session-logged", test_done_session_logged);
  g_test_add_func ("/outputs/pdf/consent-only-when-signable", test_consent_only_when_signable);
  g_test_add_func ("/outputs/pdf/practitioner-only-warnings", test_practitioner_only_warnings);
  g_test_add_func ("/outputs/pdf/acne-scar-grades", test_acne_scar_grades);
  g_test_add_func ("/outputs/pdf/sources-clinic-and-device", test_sources_clinic_and_device);
  g_test_add_func ("/outputs/pdf/sources-by-number", test_sources_by_number);
  g_test_add_func ("/outputs/pdf/face-only-maps", test_face_only_maps);
  g_test_add_func ("/outputs/pdf/no-empty-scalp-page", test_no_empty_scalp_page);
  g_test_add_func ("/outputs/pdf/long-names", test_long_names);
  g_test_add_func ("/outputs/pdf/sample-text-in-boxes", test_sample_text_in_boxes);
  g_test_add_func ("/outputs/schedule/text", test_schedule_text);
  g_test_add_func ("/outputs/schedule/past-sessions", test_schedule_past_sessions);
  g_test_add_func ("/outputs/schedule/today-under-sessions", test_schedule_today_under_sessions);
  g_test_add_func ("/outputs/pdf/year-9999", test_year_9999);

  return g_test_run ();
}
