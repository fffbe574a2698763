/* test-education-render.c: the presentation's pages, drawn headless
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <string.h>
#ifdef HAVE_POPPLER
#include <poppler.h>
#endif

#include "nm-file.h"
#include "nm-planner.h"
#include "nm-protocol.h"
#include "nm-references.h"
#include "nm-render-education.h"
#include "nm-session.h"
#include "nm-vocab.h"

/* Identifiers no page may show. */
#define CLIENT_NAME   "Quintessa Zybrowski"
#define CLIENT_FIRST  "Quintessa"
#define CLIENT_LAST   "Zybrowski"
#define BIRTH_DATE    "1987-03-04"
#define CLIENT_NOTE   "Xanthoderm allergy"
#define PRACTITIONER  "Ophelia Vantongeren"
#define FINDING_NOTE  "Zybrowski scar under the jaw"
#define SESSION_NOTE  "Quintessa tolerated well"

static GDate today;

static NmPlan *
plan_for (NmConsultation *consultation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmProtocol) protocol = nm_protocol_load_default (&error);

  g_assert_no_error (error);
  return nm_planner_run (consultation, protocol, &today);
}

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

/* The sample, made to carry every kind of identifier the format holds. */
static NmConsultation *
identified_consultation (void)
{
  NmConsultation *consultation = load_sample ();
  g_autoptr(NmSession) session = nm_session_new ("2026-12-01");
  NmFinding *finding;

  nm_consultation_set_client_name (consultation, CLIENT_NAME);
  nm_consultation_set_birth_date (consultation, BIRTH_DATE);
  nm_consultation_set_client_notes (consultation, CLIENT_NOTE);
  nm_consultation_set_practitioner (consultation, PRACTITIONER);
  finding = nm_consultation_get_finding (consultation, 0);
  nm_consultation_set_finding_note (consultation, finding, FINDING_NOTE);
  nm_session_set_notes (session, SESSION_NOTE);
  nm_session_set_done (session, TRUE);
  nm_consultation_add_session (consultation, session);
  return consultation;
}

static NmEducationModel *
sample_model (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);

  return nm_education_model_new_for_consultation (consultation, plan, &today);
}

typedef struct
{
  guint  colours;
  double ink;          /* share of pixels that differ from the corner */
} Stats;

static Stats
measure (cairo_surface_t *surface)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  guint32 corner;
  guint inked = 0, total = 0;
  Stats stats;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  corner = *(const guint32 *) data & 0xffffff;
  for (int y = 0; y < height; y += 2)
    for (int x = 0; x < width; x += 2)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;
        int dr = (int) ((pixel >> 16) & 0xff) - (int) ((corner >> 16) & 0xff);
        int dg = (int) ((pixel >> 8) & 0xff) - (int) ((corner >> 8) & 0xff);
        int db = (int) (pixel & 0xff) - (int) (corner & 0xff);

        g_hash_table_add (seen, GUINT_TO_POINTER (pixel | 0x1000000));
        inked += ABS (dr) + ABS (dg) + ABS (db) > 48;
        total++;
      }
  stats.colours = g_hash_table_size (seen);
  stats.ink = (double) inked / total;
  return stats;
}

static cairo_surface_t *
render (NmEducationModel *model,
        NmEducationPage   page,
        double            t,
        int               width,
        int               height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  nm_render_education_page (cr, model, page, t, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  return memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                 (gsize) stride * height) == 0;
}

static void
collect_text (const char *text,
              gpointer    user_data)
{
  g_string_append (user_data, text);
  g_string_append_c (user_data, '\n');
}

/* Every page, at every size and at several moments of its animation,
 * draws a real picture: many colours and a good share of ink. */
static void
test_pages_draw (void)
{
  g_autoptr(NmEducationModel) model = sample_model ();
  static const int sizes[][2] = { { 1280, 720 }, { 1920, 1080 }, { 800, 600 } };
  static const double times[] = { 1.0, 2.6, 6.0, 1000 };

  for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint k = 0; k < G_N_ELEMENTS (times); k++)
        {
          cairo_surface_t *surface = render (model, page, times[k], sizes[s][0], sizes[s][1]);
          Stats stats = measure (surface);

          if (g_test_verbose ())
            g_test_message ("page %u %dx%d t=%g: %u colours, ink %.3f", page + 1,
                            sizes[s][0], sizes[s][1], times[k], stats.colours, stats.ink);
          g_assert_cmpuint (stats.colours, >, 60);
          g_assert_cmpfloat (stats.ink, >, 0.02);
          cairo_surface_destroy (surface);
        }
}

/* The animations move with time and stop at the page's duration. */
static void
test_pages_animate (void)
{
  g_autoptr(NmEducationModel) model = sample_model ();

  for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
    {
      double duration = nm_education_page_duration (model, page);
      cairo_surface_t *start = render (model, page, 0.0, 640, 360);
      cairo_surface_t *middle = render (model, page, duration > 0 ? duration / 2 : 5.0, 640, 360);

      g_assert_false (same_pixels (start, middle));
      if (duration >= 0)
        {
          cairo_surface_t *end = render (model, page, duration + 0.01, 640, 360);
          cairo_surface_t *later = render (model, page, duration + 60, 640, 360);

          g_assert_true (same_pixels (end, later));
          cairo_surface_destroy (end);
          cairo_surface_destroy (later);
        }
      cairo_surface_destroy (start);
      cairo_surface_destroy (middle);
    }

  /* the map's highlight goes round for as long as the page is up */
  g_assert_cmpfloat (nm_education_page_duration (model, NM_EDUCATION_PAGE_MAP), <, 0);
}

/* The cross-section is to scale: its layers follow REFERENCE.md §8. */
static void
test_skin_layers (void)
{
  NmSkinLayers cheek, eyelid, lip, thigh;

  g_assert_true (nm_skin_layers_for_region ("cheek-left", &cheek));
  g_assert_cmpfloat_with_epsilon (cheek.dermis_mm, (1.14 + 0.87) / 2, 1e-9);   /* MEN zygoma */
  g_assert_cmpfloat (cheek.epidermis_mm, >=, 0.030);                           /* CHO */
  g_assert_cmpfloat (cheek.epidermis_mm, <=, 0.063);
  g_assert_nonnull (strstr (cheek.sources, "MEN"));
  g_assert_nonnull (strstr (cheek.sources, "CHO"));

  g_assert_true (nm_skin_layers_for_region ("eyelid-right", &eyelid));
  g_assert_cmpfloat (eyelid.dermis_mm, <, cheek.dermis_mm);
  g_assert_true (nm_skin_layers_for_region ("upper-lip", &lip));
  g_assert_cmpfloat_with_epsilon (lip.epidermis_mm, 0.063, 1e-9);              /* CHO's thickest */
  g_assert_true (nm_skin_layers_for_region ("thigh-left", &thigh));
  g_assert_cmpfloat_with_epsilon (thigh.epidermis_mm + thigh.dermis_mm, 1.55, 1e-9); /* LAU */

  /* every region of the vocabulary has layers to draw */
  for (guint i = 0; i < nm_vocab_n_regions (); i++)
    {
      NmSkinLayers layers;

      g_assert_true (nm_skin_layers_for_region (nm_vocab_region (i)->id, &layers));
      g_assert_cmpfloat (layers.epidermis_mm, >, 0);
      g_assert_cmpfloat (layers.dermis_mm, >, layers.epidermis_mm);
      g_assert_nonnull (layers.sources);
    }
  g_assert_false (nm_skin_layers_for_region ("elbow", &cheek));
}

/* Without a session log, the next session is the first one from today. */
static void
test_series_next_by_date (void)
{
  g_autoptr(NmEducationModel) model = sample_model ();
  g_autoptr(GString) drawn = g_string_new (NULL);
  GDate later;
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(NmEducationModel) january = NULL;

  nm_education_model_set_text_func (model, collect_text, drawn);
  cairo_surface_destroy (render (model, NM_EDUCATION_PAGE_SERIES, 1000, 1280, 720));
  g_assert_nonnull (strstr (drawn->str, "Skin: session 1 of 4 is next, on Tuesday 1 December 2026. Every 6 weeks."));
  g_assert_nonnull (strstr (drawn->str, "December 2026"));
  g_assert_nonnull (strstr (drawn->str, "April 2027"));

  g_date_clear (&later, 1);
  g_date_set_dmy (&later, 2, G_DATE_JANUARY, 2027);
  january = nm_education_model_new_for_consultation (consultation, plan, &later);
  g_string_truncate (drawn, 0);
  nm_education_model_set_text_func (january, collect_text, drawn);
  cairo_surface_destroy (render (january, NM_EDUCATION_PAGE_SERIES, 1000, 1280, 720));
  g_assert_nonnull (strstr (drawn->str, "Skin: session 2 of 4 is next"));
  g_assert_nonnull (strstr (drawn->str, "Scalp: session 4 of 6 is next"));
}

/* The section starts on the deepest treated region; Up/Down go round the
 * treated regions. */
static void
test_model_regions (void)
{
  g_autoptr(NmEducationModel) model = sample_model ();
  g_autoptr(NmEducationModel) empty = nm_education_model_new (3, NULL, &today);
  const char * const *regions = nm_education_model_get_regions (model);
  guint n = g_strv_length ((char **) regions);
  NmPlan *plan = nm_education_model_get_plan (model);

  g_assert_cmpstr (nm_education_model_get_region (model), ==, "cheek-left");
  g_assert_cmpuint (n, ==, 8);
  for (guint i = 0; i < n; i++)
    g_assert_true (nm_plan_lookup_region (plan, regions[i])->treat);
  g_assert_false (g_strv_contains (regions, "eyelid-left"));

  for (guint i = 0; i < n; i++)
    g_assert_true (nm_education_model_step_region (model, 1));
  g_assert_cmpstr (nm_education_model_get_region (model), ==, "cheek-left");
  g_assert_true (nm_education_model_step_region (model, -1));
  g_assert_cmpstr (nm_education_model_get_region (model), ==, "forehead");
  g_assert_false (nm_education_model_set_region (model, "eyelid-left"));
  g_assert_true (nm_education_model_set_region (model, "neck"));
  g_assert_cmpstr (nm_education_model_get_region (model), ==, "neck");

  /* nothing planned: the page still explains the treatment on the cheek */
  g_assert_cmpstr (nm_education_model_get_region (empty), ==, "cheek-left");
  g_assert_false (nm_education_model_step_region (empty, 1));
  for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
    cairo_surface_destroy (render (empty, page, 1000, 640, 360));
}

static void
assert_no_identifier (const char *text)
{
  static const char *forbidden[] = {
    CLIENT_FIRST, CLIENT_LAST, BIRTH_DATE, "1987", "03-04", "04.03", CLIENT_NOTE, "Xanthoderm",
    PRACTITIONER, "Vantongeren", "Ophelia", FINDING_NOTE, SESSION_NOTE, "Ana Silva",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    if (strstr (text, forbidden[i]) != NULL)
      g_error ("the presentation shows \"%s\"", forbidden[i]);
}

/* All the text the pages draw goes through one function: collect it from
 * every page at several moments and look for the client's identifiers. */
static void
test_privacy_drawn_text (void)
{
  g_autoptr(NmConsultation) consultation = identified_consultation ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(NmEducationModel) model = nm_education_model_new_for_consultation (consultation, plan, &today);
  g_autoptr(GString) drawn = g_string_new (NULL);

  nm_education_model_set_text_func (model, collect_text, drawn);
  for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
    for (double t = 0; t < 16; t += 1.7)
      cairo_surface_destroy (render (model, page, t, 1280, 720));

  assert_no_identifier (drawn->str);
  /* and the pages do say what they should */
  g_assert_nonnull (strstr (drawn->str, "mm"));
  g_assert_nonnull (strstr (drawn->str, "Left cheek: about 1.25–1.5\u00a0mm, for rolling acne scars."));
  g_assert_nonnull (strstr (drawn->str, "Source: Meng 2022, Chopra 2015"));
  /* the log's done session counts: the skin series is at its second */
  g_assert_nonnull (strstr (drawn->str, "Skin: session 2 of 4 is next, on Tuesday 12 January 2027"));
  g_assert_nonnull (strstr (drawn->str, "Scalp: session 1 of 6 is next"));
  g_assert_nonnull (strstr (drawn->str, "No makeup for 48 hours."));
  g_assert_nonnull (strstr (drawn->str, "Redness and some swelling"));
  g_assert_nonnull (strstr (drawn->str, "not a promised result"));
}

/* Fails when a word of @text is a source key of the references table. */
static void
assert_no_source_key (const char *text,
                      const char *what)
{
  const char *p = text;
  guint n_words = 0;

  while (*p != '\0')
    {
      const char *start = p;
      g_autofree char *word = NULL;

      if (!g_ascii_isalnum (*p))
        {
          p++;
          continue;
        }
      while (g_ascii_isalnum (*p))
        p++;
      word = g_strndup (start, (gsize) (p - start));
      n_words++;
      if (nm_reference_lookup (word) != NULL)
        g_error ("%s shows the source key %s: “%.60s”", what, word, start > text + 30 ? start - 30 : text);
    }
  g_assert_cmpuint (n_words, >, 100);
}

/* The client sees no source by its key on any page: the sources are
 * named in short ("Kalluri 2011", "glow-refinery.com"). For the sample,
 * for a plan with precautions on darker skin and for a blocked one. */
static void
test_sources_named (void)
{
  g_autoptr(NmConsultation) sample = load_sample ();
  g_autoptr(NmConsultation) precautions = load_sample ();
  g_autoptr(NmConsultation) blocked = load_sample ();
  NmConsultation *consultations[] = { sample, precautions, blocked };

  nm_consultation_set_fitzpatrick (precautions, 5);
  nm_consultation_set_screening (precautions, "anticoagulants", NM_ANSWER_YES);
  nm_consultation_set_screening (precautions, "herpes-history", NM_ANSWER_YES);
  nm_consultation_set_screening (blocked, "pregnancy", NM_ANSWER_YES);
  nm_consultation_set_screening (blocked, "isotretinoin", NM_ANSWER_YES);

  for (guint i = 0; i < G_N_ELEMENTS (consultations); i++)
    {
      g_autoptr(NmPlan) plan = plan_for (consultations[i]);
      g_autoptr(NmEducationModel) model = nm_education_model_new_for_consultation (consultations[i], plan, &today);
      g_autoptr(GString) drawn = g_string_new (NULL);

      nm_education_model_set_text_func (model, collect_text, drawn);
      for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
        for (double t = 0; t < 16; t += 2.3)
          cairo_surface_destroy (render (model, page, t, 1280, 720));
      assert_no_source_key (drawn->str, "the presentation");
      /* where a page names a source, it is spelled out */
      g_assert_nonnull (strstr (drawn->str, "Kalluri 2011"));
      g_assert_nonnull (strstr (drawn->str, "Aust 2008"));
      g_assert_nonnull (strstr (drawn->str, "dermatiquelaserandskin.com"));
    }
}

#ifdef HAVE_POPPLER
/* The same, independently of the text function: render every page into a
 * PDF and read its text back with poppler. */
static void
test_privacy_pdf (void)
{
  g_autoptr(NmConsultation) consultation = identified_consultation ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(NmEducationModel) model = nm_education_model_new_for_consultation (consultation, plan, &today);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("needlemap-education-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GObject) document = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_no_error (error);
  path = g_build_filename (dir, "presentation.pdf", NULL);
  surface = cairo_pdf_surface_create (path, 1280, 720);
  cr = cairo_create (surface);
  for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
    {
      nm_render_education_page (cr, model, page, 1000, 1280, 720);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  uri = g_filename_to_uri (path, NULL, &error);
  g_assert_no_error (error);
  document = G_OBJECT (poppler_document_new_from_file (uri, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (POPPLER_DOCUMENT (document)), ==, NM_EDUCATION_N_PAGES);
  for (int i = 0; i < poppler_document_get_n_pages (POPPLER_DOCUMENT (document)); i++)
    {
      g_autoptr(GObject) page = G_OBJECT (poppler_document_get_page (POPPLER_DOCUMENT (document), i));
      g_autofree char *text = poppler_page_get_text (POPPLER_PAGE (page));

      g_string_append (all, text);
      g_string_append_c (all, '\n');
    }

  assert_no_identifier (all->str);
  assert_no_source_key (all->str, "the presentation's PDF");
  g_assert_nonnull (strstr (all->str, "mm"));
  g_assert_nonnull (strstr (all->str, "Your map"));
  g_assert_nonnull (strstr (all->str, "Looking after your skin"));
  g_assert_nonnull (strstr (all->str, "Epidermis"));
  /* the map's own labels (drawn by nm_render_map) are in the PDF too */
  g_assert_nonnull (strstr (all->str, "Needle depth"));

  g_unlink (path);
  g_rmdir (dir);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);

  g_test_add_func ("/education/render/pages-draw", test_pages_draw);
  g_test_add_func ("/education/render/pages-animate", test_pages_animate);
  g_test_add_func ("/education/render/skin-layers", test_skin_layers);
  g_test_add_func ("/education/model/regions", test_model_regions);
  g_test_add_func ("/education/render/series-next-by-date", test_series_next_by_date);
  g_test_add_func ("/education/privacy/drawn-text", test_privacy_drawn_text);
  g_test_add_func ("/education/render/sources-named", test_sources_named);
#ifdef HAVE_POPPLER
  g_test_add_func ("/education/privacy/pdf", test_privacy_pdf);
#endif

  return g_test_run ();
}
