/* test-i18n-outputs.c: plans, PDF, calendar, dates, depths and paper in the
 * clinic's language, and the --plan JSON the same in every locale
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "i18n-test-util.h"
#include "nm-file.h"
#include "nm-ics.h"
#include "nm-planner.h"
#include "nm-poppler-compat.h"
#include "nm-render-map.h"
#include "nm-render-pdf.h"
#include "nm-render-schedule.h"

static NmConsultation *
load_sample (void)
{
  g_autofree char *path = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  NmConsultation *consultation = nm_file_load (file, NULL, &error);

  g_assert_no_error (error);
  return consultation;
}

static void
set_today (GDate *today)
{
  g_date_clear (today, 1);
  g_date_set_dmy (today, 20, G_DATE_NOVEMBER, 2026);
}

static NmPlan *
plan_for (NmConsultation *consultation,
          gboolean        translate)
{
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  NmPlannerOptions options = { 0 };
  GDate today;

  set_today (&today);
  protocol = nm_protocol_load_default (&error);
  g_assert_no_error (error);
  options.translate = translate;
  return nm_planner_run_full (consultation, protocol, &today, &options);
}

/* All reasons, blocks and warnings of @plan, one a line. */
static char *
plan_texts (NmPlan *plan)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    g_string_append_printf (out, "%s\n", nm_plan_get_blocked_by (plan, i)->message);
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    g_string_append_printf (out, "%s\n", nm_plan_get_warning (plan, i)->message);
  for (guint i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);

      for (guint r = 0; region->reasons[r] != NULL; r++)
        g_string_append_printf (out, "%s\n", region->reasons[r]);
    }
  return g_string_free (out, FALSE);
}

static void
test_depth_display (void)
{
  g_autofree char *de_one = NULL;
  g_autofree char *de_quarter = NULL;
  g_autofree char *de_range = NULL;
  g_autofree char *machine = NULL;
  g_autofree char *en = NULL;

  if (!i18n_test_use_locale ("de_DE.UTF-8", "de"))
    return;
  de_one = nm_format_mm_display (1.5);
  de_quarter = nm_format_mm_display (0.25);
  de_range = nm_format_mm_range_display (0.75, 1.0);
  machine = nm_format_mm (1.5);
  g_assert_cmpstr (de_one, ==, "1,5");
  g_assert_cmpstr (de_quarter, ==, "0,25");
  g_assert_cmpstr (de_range, ==, "0,75–1,0 mm");
  /* files and the JSON keep the point whatever the locale */
  g_assert_cmpstr (machine, ==, "1.5");

  if (!i18n_test_use_locale ("en_US.UTF-8", "en_US"))
    return;
  en = nm_format_mm_display (1.5);
  g_assert_cmpstr (en, ==, "1.5");
  i18n_test_reset_locale ();
}

/* The depth key standing beside the head is narrow: its German and French
 * words ("Kein Microneedling", "Profondeur d'aiguille") fit it instead of
 * being cut at its edge. Ink in the key's last columns is a cut word. */
static void
test_depth_key_fits (void)
{
  static const struct { const char *locale, *language; } cases[] = {
    { "de_DE.UTF-8", "de" }, { "fr_FR.UTF-8", "fr" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const int w = 150, h = 280;
      cairo_surface_t *surface;
      cairo_t *cr;
      guint edge_ink = 0;

      if (!i18n_test_use_locale (cases[i].locale, cases[i].language))
        return;
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cr = cairo_create (surface);
      nm_render_depth_legend (cr, 0, 0, w, h, FALSE);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      for (int y = 0; y < h; y++)
        {
          const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface) +
                                                  y * cairo_image_surface_get_stride (surface));

          for (int x = w - 2; x < w; x++)
            if ((row[x] >> 24) > 0x40)
              edge_ink++;
        }
      g_test_message ("%s: %u pixels of ink at the right edge", cases[i].language, edge_ink);
      g_assert_cmpuint (edge_ink, ==, 0);
      cairo_surface_destroy (surface);
    }
  i18n_test_reset_locale ();
}

static void
test_dates (void)
{
  GDate date;
  g_autofree char *de = NULL;
  g_autofree char *fr = NULL;
  g_autofree char *pt = NULL;

  set_today (&date);
  if (!i18n_test_use_locale ("de_DE.UTF-8", "de"))
    return;
  de = nm_render_format_date (&date);
  g_assert_cmpstr (de, ==, "20.11.2026");

  if (!i18n_test_use_locale ("fr_FR.UTF-8", "fr"))
    return;
  fr = nm_render_format_date (&date);
  g_assert_cmpstr (fr, ==, "20 nov. 2026");

  if (!i18n_test_use_locale ("pt_BR.UTF-8", "pt_BR"))
    return;
  pt = nm_render_format_date (&date);
  g_assert_cmpstr (pt, ==, "20/11/2026");
  i18n_test_reset_locale ();
}

static void
test_paper (void)
{
  static const struct { const char *locale; const char *language; NmPaper paper; } cases[] = {
    { "de_DE.UTF-8", "de", NM_PAPER_A4 },
    { "en_US.UTF-8", "en_US", NM_PAPER_LETTER },
    { "pt_BR.UTF-8", "pt_BR", NM_PAPER_A4 },
    { "fr_FR.UTF-8", "fr", NM_PAPER_A4 },
    { "es_ES.UTF-8", "es", NM_PAPER_A4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (!i18n_test_use_locale (cases[i].locale, cases[i].language))
        return;
      g_test_message ("%s", cases[i].locale);
      g_assert_cmpint (nm_paper_from_locale (), ==, cases[i].paper);
    }
  i18n_test_reset_locale ();
}

/* The --plan JSON is English with '.' decimals in any locale; the plan for
 * people is in the clinic's language with its decimal comma. */
static void
test_planner (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autofree char *path = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);
  g_autofree char *expected_path = g_build_filename (TEST_SRCDIR, "planner", "sample.plan.json", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(NmPlan) english = NULL;
  g_autoptr(NmPlan) german = NULL;
  g_autofree char *english_json = NULL;
  g_autofree char *german_texts = NULL;
  g_autoptr(GError) error = NULL;

  if (!i18n_test_use_locale ("de_DE.UTF-8", "de"))
    return;
  /* the catalogue is in effect */
  g_assert_cmpstr (_("Needle depth"), ==, "Nadeltiefe");

  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nm_plan_command (path, "2026-11-20", out, err), ==, 0);
  g_assert_cmpstr (err->str, ==, "");
  g_assert_cmpstr (out->str, ==, expected);

  english = plan_for (consultation, FALSE);
  english_json = nm_plan_to_json (english);
  g_assert_cmpstr (english_json, ==, expected);

  german = plan_for (consultation, TRUE);
  german_texts = plan_texts (german);
  g_test_message ("%s", german_texts);
  g_assert_nonnull (strstr (german_texts, "Schweregrad 3 von 4"));
  g_assert_nonnull (strstr (german_texts, "Rolling-Aknenarben"));
  g_assert_nonnull (strstr (german_texts, "postinflammatorischen Hyperpigmentierung"));
  g_assert_true (i18n_test_has_decimal_comma_mm (german_texts));
  g_assert_false (i18n_test_has_decimal_point_mm (german_texts));
  g_assert_null (strstr (german_texts, "severity"));
  g_assert_null (strstr (german_texts, "Capped at"));
  /* the sources' keys stay as they are */
  g_assert_nonnull (strstr (german_texts, "(JUV, DP, NCT1)"));
  g_assert_cmpstr (nm_plan_get_series (german, 0)->label, ==, "Hautserie");
  /* the decisions are the same */
  g_assert_cmpuint (nm_plan_get_n_regions (german), ==, nm_plan_get_n_regions (english));
  for (guint i = 0; i < nm_plan_get_n_regions (german); i++)
    {
      g_assert_cmpfloat (nm_plan_get_region (german, i)->max_mm, ==, nm_plan_get_region (english, i)->max_mm);
      g_assert_cmpfloat (nm_plan_get_region (german, i)->min_mm, ==, nm_plan_get_region (english, i)->min_mm);
    }
  i18n_test_reset_locale ();
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static char *
pdf_text (NmConsultation *consultation,
          NmPlan         *plan,
          double         *width,
          double         *height)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  GString *out = g_string_new (NULL);
  NmPdfOptions options = { 0 };
  GDate today;

  set_today (&today);
  options.paper = NM_PAPER_AUTO;
  options.today = &today;
  doc = nm_pdf_document_new (consultation, plan, &options);
  g_assert_true (nm_render_pdf_write (doc, append_bytes, bytes, &error));
  g_assert_no_error (error);
  data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  pdf = poppler_document_new_from_bytes (data, NULL, &error);
  g_assert_no_error (error);

  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      g_autofree char *text = poppler_page_get_text (page);

      if (i == 0)
        poppler_page_get_size (page, width, height);
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  {
    /* poppler breaks lines inside table cells: one space for any run */
    g_autoptr(GRegex) space = g_regex_new ("[ \n]+", 0, 0, NULL);
    g_autofree char *text = g_string_free (out, FALSE);

    return g_regex_replace_literal (space, text, -1, 0, " ", 0, NULL);
  }
}

static void
test_pdf_german (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *text = NULL;
  double width = 0, height = 0;

  if (!i18n_test_use_locale ("de_DE.UTF-8", "de"))
    return;
  plan = plan_for (consultation, TRUE);
  text = pdf_text (consultation, plan, &width, &height);

  /* German headings, German dates, decimal commas, A4 */
  g_assert_nonnull (strstr (text, "Behandlungsplan"));
  g_assert_nonnull (strstr (text, "Nachsorge"));
  g_assert_nonnull (strstr (text, "Einwilligung"));
  g_assert_nonnull (strstr (text, "Areale und Tiefen"));
  g_assert_nonnull (strstr (text, "20.11.2026"));
  g_assert_nonnull (strstr (text, "Schweregrad"));
  g_assert_true (i18n_test_has_decimal_comma_mm (text));
  g_assert_false (i18n_test_has_decimal_point_mm (text));
  g_assert_null (strstr (text, "Aftercare"));
  g_assert_null (strstr (text, "Treatment plan"));
  g_assert_cmpfloat_with_epsilon (width, 595.3, 1.0);
  g_assert_cmpfloat_with_epsilon (height, 841.9, 1.0);
  i18n_test_reset_locale ();
}

static void
test_pdf_french (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *text = NULL;
  double width = 0, height = 0;

  if (!i18n_test_use_locale ("fr_FR.UTF-8", "fr"))
    return;
  plan = plan_for (consultation, TRUE);
  text = pdf_text (consultation, plan, &width, &height);

  g_assert_nonnull (strstr (text, "Plan de traitement"));
  g_assert_nonnull (strstr (text, "Soins post-traitement"));
  g_assert_nonnull (strstr (text, "sévérité"));
  g_assert_true (i18n_test_has_decimal_comma_mm (text));
  g_assert_false (i18n_test_has_decimal_point_mm (text));
  g_assert_null (strstr (text, "Aftercare"));
  g_assert_cmpfloat_with_epsilon (width, 595.3, 1.0);
  i18n_test_reset_locale ();
}

/* The calendar's texts follow the language; its machine part does not. */
static void
test_ics_german (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GDateTime) stamp = g_date_time_new_utc (2026, 11, 20, 9, 30, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *unfolded = NULL;
  NmIcsOptions options = { FALSE, "salt", stamp };

  if (!i18n_test_use_locale ("de_DE.UTF-8", "de"))
    return;
  plan = plan_for (consultation, TRUE);
  text = nm_ics_build (consultation, plan, &options, &error);
  g_assert_no_error (error);
  {
    /* undo RFC 5545 folding and escaping before looking for phrases */
    g_autoptr(GRegex) fold = g_regex_new ("\r\n ", 0, 0, NULL);
    g_autofree char *joined = g_regex_replace_literal (fold, text, -1, 0, "", 0, NULL);
    g_autoptr(GRegex) esc = g_regex_new ("\\\\([,;\\\\])", 0, 0, NULL);

    unfolded = g_regex_replace (esc, joined, -1, 0, "\\1", 0, NULL);
  }
  g_test_message ("%s", unfolded);
  g_assert_nonnull (strstr (unfolded, "SUMMARY:Microneedling: Hautserie, Sitzung 1 von 4"));
  g_assert_nonnull (strstr (unfolded, "Geplante Tiefen:"));
  g_assert_nonnull (strstr (unfolded, "Linke Wange 1,25–1,5 mm"));
  g_assert_nonnull (strstr (unfolded, "DTSTART;VALUE=DATE:2026"));
  g_assert_nonnull (strstr (unfolded, "DTSTAMP:20261120T093000Z"));
  g_assert_nonnull (strstr (unfolded, "VERSION:2.0"));
  g_assert_null (strstr (unfolded, "session"));
  i18n_test_reset_locale ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = g_dir_make_tmp ("needlemap-i18n-XXXXXX", NULL);

  /* no clinic protocol from the user's configuration */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_test_init (&argc, &argv, NULL);
  i18n_test_bind_catalogues ();

  g_test_add_func ("/i18n/depth-display", test_depth_display);
  g_test_add_func ("/i18n/depth-key-fits", test_depth_key_fits);
  g_test_add_func ("/i18n/dates", test_dates);
  g_test_add_func ("/i18n/paper", test_paper);
  g_test_add_func ("/i18n/planner", test_planner);
  g_test_add_func ("/i18n/pdf/german", test_pdf_german);
  g_test_add_func ("/i18n/pdf/french", test_pdf_french);
  g_test_add_func ("/i18n/ics/german", test_ics_german);

  {
    int status = g_test_run ();

    g_rmdir (config);
    return status;
  }
}
