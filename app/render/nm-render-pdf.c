/* nm-render-pdf.c: the pages of the client's treatment plan
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

#define G_LOG_DOMAIN "nm-render"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <librsvg/rsvg.h>
#include <locale.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "nm-references.h"
#include "nm-render-style.h"
#include "nm-render-map.h"
#include "nm-render-pdf.h"
#include "nm-render-schedule.h"
#include "nm-texts.h"
#include "nm-vocab.h"

/* The document is laid out once, in points, when it is created: which
 * page shows what, and where long tables break. Drawing a page then only
 * needs its index, so the PDF export, printing and the tests all draw the
 * very same pages through nm_render_pdf_page(). */

G_DEFINE_QUARK (nm-render-pdf-error-quark, nm_render_pdf_error)

#define BODY_SIZE     9.5
#define SMALL_SIZE    7.5
#define MARGIN_X      58.0
#define MARGIN_TOP    72.0
#define MARGIN_BOTTOM 64.0
#define CELL_PAD      6.0
#define SCHEDULE_FONT 8.0

typedef struct
{
  double r, g, b;
} Rgb;

static const Rgb ink      = { 0.133, 0.145, 0.161 };
static const Rgb muted    = { 0.396, 0.420, 0.447 };
static const Rgb faint    = { 0.820, 0.839, 0.851 };
static const Rgb zebra    = { 0.957, 0.965, 0.969 };
static const Rgb accent   = { 0.110, 0.420, 0.471 };
static const Rgb tint     = { 0.914, 0.949, 0.953 };
static const Rgb ok_c     = { 0.180, 0.490, 0.255 };
static const Rgb caution  = { 0.690, 0.400, 0.000 };
static const Rgb blocked  = { 0.700, 0.150, 0.120 };

typedef enum
{
  PAGE_COVER,
  PAGE_SUMMARY,
  PAGE_MAPS,
  PAGE_REGIONS,
  PAGE_SCHEDULE,
  PAGE_AFTERCARE,
  PAGE_CONSENT,
  PAGE_SOURCES
} PageKind;

/* The blocks of the summary, in order; a page shows a run of them. */
typedef enum
{
  SUMMARY_STATE,
  SUMMARY_GLANCE,
  SUMMARY_SERIES,
  SUMMARY_NOT_NEEDLED,
  SUMMARY_PRECAUTIONS,
  SUMMARY_REVIEWED,
  N_SUMMARY_BLOCKS
} SummaryBlock;

/* The two parts of the consent, on one page or two. */
typedef enum
{
  CONSENT_RISKS,            /* about the plan, the risks, the client's answers */
  CONSENT_SIGNATURES,       /* the statement and the signature lines */
  N_CONSENT_PARTS
} ConsentPart;

typedef struct
{
  PageKind  kind;
  char     *title;          /* for the outline and the contents */
  gboolean  continued;      /* a table continued from the page before */
  guint     first_row;      /* table pages: rows [first_row, last_row); */
  guint     last_row;       /* summary and consent: blocks or parts */
  NmView    views[2];
  guint     n_views;
  gboolean  outline;        /* listed in the outline and the contents */
} Page;

typedef struct
{
  char   **cells;           /* Pango markup, one per column */
  double   height;
} Row;

typedef struct
{
  guint       n_columns;
  const char *titles[6];
  double      widths[6];    /* fractions of the content width */
  GPtrArray  *rows;         /* of Row */
} Table;

struct _NmPdfDocument
{
  gatomicrefcount  ref_count;
  NmConsultation  *consultation;
  NmPlan          *plan;
  char            *clinic_name;
  char            *clinic_address;
  char            *clinic_logo;
  char            *practitioner;
  NmPaper          paper;
  GDate            today;
  double           width;
  double           height;
  GArray          *pages;   /* of Page */
  Table            regions;
  Table            sessions;
  Table            sources;
  GPtrArray       *cited;            /* the keys cited: source n is cited[n - 1] */
  GHashTable      *numbers;          /* key → its number, GUINT_TO_POINTER */
  gboolean         numbered;         /* laid out: no source gets a number now */
  double           schedule_height;
  double           wait_height;      /* the note on why the first session moved */
};

/* The material risks to name in the consent, clinical/REFERENCE.md §6a
 * ("Risks to name in the consent": CHU, GRA, CAS), each with the sources
 * that report it (§5, §6, §6a, §7). */
static const struct
{
  const char *text;
  const char *sources;
} consent_risks[] = {
  { N_("Redness and swelling, usually for a day or two."), "CHU, DQ" },
  { N_("Pinpoint bleeding during the session, and light bruising or flaking afterwards."), "CHU, DQ" },
  { N_("Darker patches of skin (post-inflammatory hyperpigmentation), more often in darker skin."),
    "CHU, DOG, COH" },
  { N_("Infection of the treated skin."), "CHU" },
  { N_("A cold sore flare-up, for anyone who has had cold sores before."), "CAS, CHU" },
  { N_("Tram-track marks: lines of small scars where the needles pressed too hard."), "CHU, DOG" },
  { N_("Granulomas (small firm lumps) from products applied that are not made for use in the skin."),
    "GRA, CHU" },
};

static double   summary_block          (NmPdfDocument       *doc,
                                        cairo_t             *cr,
                                        SummaryBlock         block,
                                        double               y);
static gboolean summary_shows_warning  (NmPdfDocument       *doc,
                                        const NmPlanWarning *w);
static double   consent_part           (NmPdfDocument       *doc,
                                        cairo_t             *cr,
                                        ConsentPart          part,
                                        double               y);
static double   deepest_mm             (NmPdfDocument       *doc);

/* Paper */

/* Territories whose customary paper is US Letter (glibc's LC_PAPER data). */
static const char * const letter_territories[] = {
  "US", "CA", "MX", "PH", "CL", "CO", "CR", "GT", "NI", "PA", "PR", "SV", "VE", "DO", "BZ", NULL
};

/**
 * nm_paper_from_locale_name:
 * @locale: (nullable): a locale name such as "en_US.UTF-8"
 *
 * Returns: %NM_PAPER_LETTER for the territories that use Letter, else A4
 */
NmPaper
nm_paper_from_locale_name (const char *locale)
{
  const char *underscore;
  char territory[3] = { 0 };

  if (locale == NULL || (underscore = strchr (locale, '_')) == NULL ||
      strlen (underscore) < 3)
    return NM_PAPER_A4;

  territory[0] = g_ascii_toupper (underscore[1]);
  territory[1] = g_ascii_toupper (underscore[2]);
  return g_strv_contains (letter_territories, territory) ? NM_PAPER_LETTER : NM_PAPER_A4;
}

/**
 * nm_paper_from_locale:
 *
 * The paper of the current LC_PAPER locale: its width in glibc's locale
 * data, else its territory.
 */
NmPaper
nm_paper_from_locale (void)
{
#ifdef _NL_PAPER_WIDTH
  {
    /* glibc returns the width in millimetres as a pointer-sized integer */
    intptr_t mm = (intptr_t) nl_langinfo (_NL_PAPER_WIDTH);

    if (mm == 216)
      return NM_PAPER_LETTER;
    if (mm == 210)
      return NM_PAPER_A4;
  }
#endif
  return nm_paper_from_locale_name (setlocale (LC_PAPER, NULL));
}

void
nm_paper_get_size (NmPaper  paper,
                   double  *width_pt,
                   double  *height_pt)
{
  if (paper == NM_PAPER_AUTO)
    paper = nm_paper_from_locale ();

  if (paper == NM_PAPER_LETTER)
    {
      *width_pt = 612.0;
      *height_pt = 792.0;
    }
  else
    {
      *width_pt = 595.0;
      *height_pt = 842.0;
    }
}

/* Text */

static void
set_rgb (cairo_t   *cr,
         const Rgb *c)
{
  cairo_set_source_rgb (cr, c->r, c->g, c->b);
}

/* One unit is one point; unhinted metrics so that text measured while
 * laying out fits the same on a PDF, a printer or an image surface. */
static PangoLayout *
layout_new (cairo_t    *cr,
            double      size,
            int         weight,
            double      width,
            const char *markup)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoFontDescription *desc = pango_font_description_new ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);

  pango_font_description_set_family (desc, NM_RENDER_FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_context_changed (layout);

  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_line_spacing (layout, 1.25);
  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.width / PANGO_SCALE;
}

/* Draws markup at (x, y) and returns its height. */
static double
text (cairo_t    *cr,
      double      x,
      double      y,
      double      width,
      double      size,
      int         weight,
      const Rgb  *colour,
      const char *markup)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, size, weight, width, markup);

  set_rgb (cr, colour);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return layout_height (layout);
}

static double
text_aligned (cairo_t    *cr,
              double      x,
              double      y,
              double      align,
              double      size,
              int         weight,
              const Rgb  *colour,
              const char *markup)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, size, weight, -1, markup);

  set_rgb (cr, colour);
  cairo_move_to (cr, x - align * layout_width (layout), y);
  pango_cairo_show_layout (cr, layout);
  return layout_height (layout);
}

static double
measure (cairo_t    *cr,
         double      width,
         double      size,
         int         weight,
         const char *markup)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, size, weight, width, markup);

  return layout_height (layout);
}

/* Draws markup wrapped to @width in at most @max_lines lines, the last
 * ellipsized, and returns its height: for names and other free text, which
 * must stay inside their box however long they are. */
static double
text_box (cairo_t    *cr,
          double      x,
          double      y,
          double      width,
          int         max_lines,
          double      size,
          int         weight,
          const Rgb  *colour,
          const char *markup)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, size, weight, MAX (width, 1), markup);

  pango_layout_set_height (layout, -MAX (max_lines, 1));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  set_rgb (cr, colour);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return layout_height (layout);
}

/* Like text_aligned(), on one line of at most @max_width, ellipsized. */
static double
text_aligned_box (cairo_t    *cr,
                  double      x,
                  double      y,
                  double      align,
                  double      max_width,
                  double      size,
                  int         weight,
                  const Rgb  *colour,
                  const char *markup)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, size, weight, -1, markup);

  if (layout_width (layout) > max_width)
    {
      pango_layout_set_width (layout, (int) (MAX (max_width, 1) * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_height (layout, -1);
    }
  set_rgb (cr, colour);
  cairo_move_to (cr, x - align * MIN (layout_width (layout), max_width), y);
  pango_cairo_show_layout (cr, layout);
  return layout_height (layout);
}

static void
rule (cairo_t   *cr,
      double     x0,
      double     x1,
      double     y,
      double     line_width,
      const Rgb *colour)
{
  set_rgb (cr, colour);
  cairo_set_line_width (cr, line_width);
  cairo_move_to (cr, x0, y);
  cairo_line_to (cr, x1, y);
  cairo_stroke (cr);
}

static char *
esc (const char *s)
{
  return g_markup_escape_text (s != NULL ? s : "", -1);
}

/* Sources by number */

/* The number of source @key in the Sources list: the sources are numbered
 * in the order the laid-out pages first cite them, so every number the
 * pages show is one of the list's. */
static guint
source_number (NmPdfDocument *doc,
               const char    *key)
{
  gpointer n;

  if (g_hash_table_lookup_extended (doc->numbers, key, NULL, &n))
    return GPOINTER_TO_UINT (n);
  if (doc->numbered)
    {
      g_warning ("Source %s is cited by a page but not listed", key);
      return 0;
    }
  if (nm_reference_lookup (key) == NULL)
    return 0;
  g_ptr_array_add (doc->cited, g_strdup (key));
  g_hash_table_insert (doc->numbers, g_ptr_array_index (doc->cited, doc->cited->len - 1),
                       GUINT_TO_POINTER (doc->cited->len));
  return doc->cited->len;
}

static int
compare_numbers (gconstpointer a,
                 gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* "[3, 7]": the numbers of @keys in the Sources list, in order, with
 * no-break spaces so that a citation never breaks across lines */
static char *
cite_numbers (const char * const *keys,
              gpointer            user_data)
{
  NmPdfDocument *doc = user_data;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      guint n = source_number (doc, keys[i]);
      gboolean seen = FALSE;

      for (guint j = 0; j < numbers->len; j++)
        seen |= g_array_index (numbers, guint, j) == n;
      if (n > 0 && !seen)
        g_array_append_val (numbers, n);
    }
  if (numbers->len == 0)
    return g_strdup ("");
  g_array_sort (numbers, compare_numbers);
  g_string_append_c (out, '[');
  for (guint j = 0; j < numbers->len; j++)
    g_string_append_printf (out, "%s%u", j > 0 ? ",\u00a0" : "", g_array_index (numbers, guint, j));
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "[3, 7]" for a list of keys, "DQ, MON" */
static char *
cite_list (NmPdfDocument *doc,
           const char    *list)
{
  g_auto(GStrv) keys = g_strsplit (list != NULL ? list : "", ",", -1);

  for (guint i = 0; keys[i] != NULL; i++)
    g_strstrip (keys[i]);
  return cite_numbers ((const char * const *) keys, doc);
}

/* @text (plain, not markup) with its keys in brackets, "(JUV, DP)", by
 * number, "[3, 7]". The consultation's own device, "(plan.device)", is
 * no source to look up: the text already says so. */
static char *
cite_text (NmPdfDocument *doc,
           const char    *text)
{
  g_autofree char *numbered = nm_references_rewrite (text, cite_numbers, doc);
  g_autoptr(GString) out = g_string_new (numbered);

  g_string_replace (out, " (plan.device)", "", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* @text cited by number, escaped for markup */
static char *
esc_cited (NmPdfDocument *doc,
           const char    *text)
{
  g_autofree char *cited = cite_text (doc, text);

  return esc (cited);
}

/* Document model */

static double
content_width (NmPdfDocument *doc)
{
  return doc->width - 2 * MARGIN_X;
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_strfreev (row->cells);
  g_free (row);
}

static void
table_add (Table  *table,
           char  **cells)
{
  Row *row = g_new0 (Row, 1);

  row->cells = cells;
  g_ptr_array_add (table->rows, row);
}

static void
table_measure (NmPdfDocument *doc,
               cairo_t       *cr,
               Table         *table)
{
  double cw = content_width (doc);

  for (guint i = 0; i < table->rows->len; i++)
    {
      Row *row = g_ptr_array_index (table->rows, i);

      row->height = 0;
      for (guint c = 0; c < table->n_columns; c++)
        row->height = MAX (row->height,
                           measure (cr, table->widths[c] * cw - 2 * CELL_PAD, BODY_SIZE - 0.5,
                                    PANGO_WEIGHT_NORMAL, row->cells[c]));
      row->height += 2 * CELL_PAD;
    }
}

static double
table_header_height (void)
{
  return SMALL_SIZE * 1.3 + 2 * CELL_PAD;
}

static double
table_draw (NmPdfDocument *doc,
            cairo_t       *cr,
            const Table   *table,
            guint          first,
            guint          last,
            double         y)
{
  double cw = content_width (doc);
  double x;

  /* header */
  x = MARGIN_X;
  for (guint c = 0; c < table->n_columns; c++)
    {
      g_autofree char *title = g_utf8_strup (table->titles[c], -1);
      g_autofree char *markup = g_strdup_printf ("<span letter_spacing=\"600\">%s</span>", title);

      text (cr, x + CELL_PAD, y + CELL_PAD, -1, SMALL_SIZE, PANGO_WEIGHT_BOLD, &accent, markup);
      x += table->widths[c] * cw;
    }
  y += table_header_height ();
  rule (cr, MARGIN_X, MARGIN_X + cw, y, 1.2, &accent);

  for (guint i = first; i < last; i++)
    {
      Row *row = g_ptr_array_index (table->rows, i);

      if ((i - first) % 2 == 1)
        {
          set_rgb (cr, &zebra);
          cairo_rectangle (cr, MARGIN_X, y, cw, row->height);
          cairo_fill (cr);
        }
      x = MARGIN_X;
      for (guint c = 0; c < table->n_columns; c++)
        {
          text (cr, x + CELL_PAD, y + CELL_PAD, table->widths[c] * cw - 2 * CELL_PAD,
                BODY_SIZE - 0.5, PANGO_WEIGHT_NORMAL, &ink, row->cells[c]);
          x += table->widths[c] * cw;
        }
      y += row->height;
    }
  rule (cr, MARGIN_X, MARGIN_X + cw, y, 0.6, &faint);
  return y;
}

/* Whether any reason the plan is blocked is lifelong (a keloid): it will
 * not pass with time. */
static gboolean
blocked_for_life (NmPlan *plan)
{
  for (guint i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    if (nm_plan_get_blocked_by (plan, i)->lifelong)
      return TRUE;
  return FALSE;
}

/* The headline: the plan's state, as the window's status says it; a
 * lifelong block is "not suitable", not only "not suitable now". */
static const char *
state_title (NmPlan *plan)
{
  NmPlanState state = nm_plan_get_state (plan);

  if (state == NM_PLAN_STATE_BLOCKED && blocked_for_life (plan))
    return _("Not suitable");

  switch (state)
    {
    case NM_PLAN_STATE_READY:
      return _("Ready");
    case NM_PLAN_STATE_PRECAUTIONS:
      return _("With precautions");
    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
      return _("Screening not finished");
    case NM_PLAN_STATE_NO_SKIN_TYPE:
      return _("Skin type needed");
    case NM_PLAN_STATE_BLOCKED:
    default:
      return _("Not suitable now");
    }
}

static const Rgb *
state_colour (NmPlanState state)
{
  switch (state)
    {
    case NM_PLAN_STATE_READY:
      return &ok_c;
    case NM_PLAN_STATE_PRECAUTIONS:
    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
    case NM_PLAN_STATE_NO_SKIN_TYPE:
      return &caution;
    case NM_PLAN_STATE_BLOCKED:
    default:
      return &blocked;
    }
}

/* Whether the plan can be agreed to: the screening is complete, the skin
 * type is set and nothing blocks. Only then is there a consent to sign. */
static gboolean
plan_is_final (NmPdfDocument *doc)
{
  NmPlanState state = nm_plan_get_state (doc->plan);

  return state == NM_PLAN_STATE_READY || state == NM_PLAN_STATE_PRECAUTIONS;
}

/* Whether the plan warns with @id. */
static gboolean
plan_has_warning (NmPlan     *plan,
                  const char *id)
{
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (plan, i)->id, id) == 0)
      return TRUE;
  return FALSE;
}

/* Whether there is a consent to sign: the plan can be agreed to, it
 * plans at least one session, and the practitioner has acknowledged every
 * answer that calls for care. */
static gboolean
has_consent (NmPdfDocument *doc)
{
  return plan_is_final (doc) &&
         nm_plan_get_n_series (doc->plan) > 0 &&
         !plan_has_warning (doc->plan, "relative-unacknowledged");
}

/* The client's own yes answers, as statements: a short name for each
 * screening item, in the client's words rather than the practitioner's
 * question ("Does the client take blood thinners or aspirin?"). */
static const struct
{
  const char *id;
  const char *name;   /* untranslated msgid */
} answer_names[] = {
  { "active-infection",          N_("A skin infection in the area") },
  { "open-wounds",               N_("Open wounds, sores or irritated skin in the area") },
  { "skin-cancer",               N_("Skin cancer or a suspicious mole or lesion in the area") },
  { "bleeding-disorder",         N_("Haemophilia or another bleeding disorder") },
  { "isotretinoin",              N_("Isotretinoin now or in the last 6 months") },
  { "pregnancy",                 N_("Pregnant or breastfeeding") },
  { "keloid-tendency",           N_("Keloid scars") },
  { "radiotherapy",              N_("Radiotherapy now or in the last 3 months") },
  { "metal-allergy",             N_("Allergy to stainless steel, nickel or topical anaesthetics") },
  { "uncontrolled-diabetes",     N_("Diabetes that is not under control") },
  { "immunosuppression",         N_("Immunosuppressants, chemotherapy or high-dose steroids") },
  { "autoimmune-skin-disease",   N_("Scleroderma or another collagen-vascular disease") },
  { "anticoagulants",            N_("Blood thinners or aspirin") },
  { "herpes-history",            N_("Cold sores before") },
  { "active-acne",               N_("Active inflammatory acne in the area") },
  { "rosacea",                   N_("Rosacea") },
  { "eczema-psoriasis",          N_("Eczema, psoriasis or dermatitis") },
  { "recent-procedure",          N_("A recent filler, toxin, peel, laser or surgery in the area") },
  { "sunburn",                   N_("Sunburn or a fresh tan") },
  { "vitiligo",                  N_("Vitiligo, or another condition that spreads to injured skin") },
  { "photosensitising-drugs",    N_("Photosensitising medicines") },
  { "tattoo-in-area",            N_("A tattoo or permanent make-up in the area") },
  { "pigmented-lesions-in-area", N_("Moles, actinic keratoses or other pigmented lesions in the area") },
  { "pih-history",               N_("Hyperpigmentation or scarring after an earlier procedure") },
};

/* "Blood thinners or aspirin: yes", as Pango markup. */
static char *
yes_answer (const char *id)
{
  const char *name = NULL;
  g_autofree char *e = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (answer_names); i++)
    if (g_strcmp0 (answer_names[i].id, id) == 0)
      name = _(answer_names[i].name);
  e = esc (name != NULL ? name : nm_vocab_screening_question (id));
  /* Translators: one of the client's screening answers, e.g. "Blood
   * thinners or aspirin: yes" */
  return g_strdup_printf (_("%s: <b>yes</b>"), e);
}

/* The message of the plan's `wait-before-start` warning, or NULL. */
static const char *
wait_message (NmPlan *plan)
{
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *warning = nm_plan_get_warning (plan, i);

      if (g_strcmp0 (warning->id, "wait-before-start") == 0)
        return warning->message;
    }
  return NULL;
}

/* The sources the `wait-before-start` warning cites, "(ESM)", or "". */
static char *
wait_sources (NmPlan *plan)
{
  const char *why = wait_message (plan);
  const char *open = why != NULL ? strrchr (why, '(') : NULL;
  const char *close = open != NULL ? strchr (open, ')') : NULL;

  if (close == NULL)
    return g_strdup ("");
  return g_strndup (open, (gsize) (close - open + 1));
}

/* The note that says why the first session moved, as Pango markup; NULL
 * when no wait applies. The date once, in the locale's format: the
 * planner's own message (which gives it as YYYY-MM-DD) is not repeated. */
static char *
wait_note (NmPdfDocument *doc)
{
  const GDate *until = nm_plan_get_wait_until (doc->plan);
  gboolean sunburn = nm_consultation_get_screening (doc->consultation, "sunburn") == NM_ANSWER_YES;
  gboolean procedure = nm_consultation_get_screening (doc->consultation, "recent-procedure") == NM_ANSWER_YES;
  g_autofree char *date = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *sources_e = NULL;
  const char *why;
  char *note;

  if (until == NULL || !g_date_valid (until) || nm_plan_get_n_series (doc->plan) == 0)
    return NULL;
  date = nm_render_format_date (until);
  sources = wait_sources (doc->plan);
  sources_e = esc_cited (doc, sources);
  if (sunburn && procedure)
    why = _("Sunburn or a fresh tan, and a recent procedure in the area");
  else if (sunburn)
    why = _("Sunburn or a fresh tan");
  else if (procedure)
    why = _("A recent filler, toxin, peel, laser or surgery in the area");
  else
    why = _("The screening asks to wait");
  /* Translators: a date, the reason and the numbers of its sources on
   * the Sources page, e.g. "The first session moves to 15 Dec 2026.
   * Sunburn or a fresh tan: at least 2 weeks from today [4]." */
  note = g_strdup_printf (_("<b>The first session moves to %s.</b> %s: at least 2 weeks from today %s."),
                          date, why, sources_e);
  if (procedure)
    {
      char *longer = g_strdup_printf ("%s %s", note,
                                      _("Fillers, toxin and surgery may need 3–12 months: "
                                        "your practitioner checks the waiting time for the area."));

      g_free (note);
      note = longer;
    }
  return note;
}

/* The context of a severity named after its finding, "Rolling acne scars
 * (Moderate)": translated on its own, so that it can be put in a form that
 * needs no agreement with the finding's gender and number. */
#define SEVERITY_AFTER_FINDING "severity after a finding"

/* A finding's severity by name: acne scars by their Goodman & Baron
 * grade (GBQ1; nm_vocab_severity_description), anything else by the
 * generic scale (nm_vocab_severity_name's names). */
static const char *
severity_name (const char *kind,
               guint       severity)
{
  /* Translators: a finding's severity, in brackets after the finding's
   * name in the client's plan, e.g. "Rolling acne scars (Moderate)", for
   * every kind of finding. Choose a form that needs no agreement with the
   * finding (gender, number), e.g. French "gravité modérée" rather than
   * "Modéré". Acne scars: Goodman & Baron's grades 1–4. */
  static const char * const grades[] = {
    NC_("severity after a finding", "Macular"), NC_("severity after a finding", "Mild"),
    NC_("severity after a finding", "Moderate"), NC_("severity after a finding", "Severe"),
  };
  /* Translators: see "Macular": the generic scale 1–4 of other findings */
  static const char * const generic[] = {
    NC_("severity after a finding", "Mild"), NC_("severity after a finding", "Moderate"),
    NC_("severity after a finding", "Marked"), NC_("severity after a finding", "Severe"),
  };

  if (severity < NM_SEVERITY_MIN || severity > NM_SEVERITY_MAX)
    return NULL;
  if (kind != NULL && g_str_has_prefix (kind, "acne-scar-"))
    return g_dpgettext2 (GETTEXT_PACKAGE, SEVERITY_AFTER_FINDING, grades[severity - NM_SEVERITY_MIN]);
  return g_dpgettext2 (GETTEXT_PACKAGE, SEVERITY_AFTER_FINDING, generic[severity - NM_SEVERITY_MIN]);
}

/* "Rolling acne scars (Moderate)" for each finding of @region, in the
 * consultation's order, without repeats. */
static char *
region_findings_text (NmPdfDocument *doc,
                      const char    *region)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < nm_consultation_get_n_findings (doc->consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (doc->consultation, i);
      const char *kind = nm_finding_get_kind (finding);
      const char *severity;
      g_autofree char *line = NULL;

      if (g_strcmp0 (nm_finding_get_region (finding), region) != 0 ||
          g_hash_table_contains (seen, kind))
        continue;
      g_hash_table_add (seen, (gpointer) kind);
      severity = severity_name (kind, nm_finding_get_severity (finding));
      /* Translators: a finding and its severity (see "Macular", context
       * "severity after a finding"), e.g. "Rolling acne scars (Moderate)";
       * the order and the punctuation are yours to change */
      line = g_strdup_printf (C_("finding and its severity", "%s (%s)"), nm_vocab_kind_name (kind),
                              severity != NULL ? severity : "");
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, line);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
build_region_table (NmPdfDocument *doc)
{
  Table *t = &doc->regions;

  t->n_columns = 3;
  t->titles[0] = _("Area");
  t->titles[1] = _("Depth");
  t->titles[2] = _("Why this depth");
  t->widths[0] = 0.25;
  t->widths[1] = 0.22;
  t->widths[2] = 0.53;

  for (guint i = 0; i < nm_plan_get_n_regions (doc->plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (doc->plan, i);
      g_autofree char *name = esc (nm_vocab_region_name (region->region));
      g_autofree char *findings_raw = region_findings_text (doc, region->region);
      g_autofree char *findings = esc (findings_raw);
      g_autoptr(GString) why = g_string_new (NULL);
      char **cells = g_new0 (char *, 4);

      cells[0] = g_strdup_printf ("<b>%s</b>\n<span size=\"85%%\" foreground=\"#656b72\">%s</span>",
                                  name, findings);
      if (region->treat)
        {
          g_autofree char *depth = nm_render_format_depth (region->min_mm, region->max_mm);
          g_autoptr(GString) cell = g_string_new (NULL);

          g_string_append_printf (cell, "<b>%s</b>", depth);
          /* a shallower finding is needled at its own depth where it lies
           * (pigment over a scar, a macular scar): say so beside the
           * region's depth, which is for its deepest finding */
          for (guint f = 0; f < region->n_finding_depths; f++)
            {
              const NmPlanFindingDepth *fd = &region->finding_depths[f];
              g_autofree char *kind = esc (nm_vocab_kind_name (fd->kind));
              g_autofree char *line = NULL;

              if (fd->treat && fd->min_mm == region->min_mm && fd->max_mm == region->max_mm)
                continue;
              if (fd->treat)
                {
                  g_autofree char *own = nm_render_format_depth (fd->min_mm, fd->max_mm);

                  /* Translators: in the depth column, under the area's depth:
                   * a finding of the area and its own, shallower depth, e.g.
                   * "Melasma: keep to 0.5 mm" */
                  line = g_strdup_printf (_("%s: keep to <b>%s</b>"), kind, own);
                }
              else
                /* Translators: a finding of the area that is not needled */
                line = g_strdup_printf (_("%s: not needled"), kind);
              g_string_append_printf (cell, "\n<span size=\"85%%\" foreground=\"#8a5a00\">%s</span>", line);
            }
          cells[1] = g_string_free (g_steal_pointer (&cell), FALSE);
        }
      else
        cells[1] = g_strdup_printf ("<b><span foreground=\"#b32619\">%s</span></b>", _("Not needled"));

      for (guint r = 0; region->reasons != NULL && region->reasons[r] != NULL; r++)
        {
          g_autofree char *reason = esc_cited (doc, region->reasons[r]);

          if (why->len > 0)
            g_string_append_c (why, '\n');
          g_string_append_printf (why, "• %s", reason);
        }
      cells[2] = g_strdup (why->str);
      table_add (t, cells);
    }
}

typedef struct
{
  GDate  date;
  guint  series;
  guint  number;
} Slot;

static int
slot_compare (gconstpointer a,
              gconstpointer b)
{
  const Slot *x = a, *y = b;
  int c = g_date_compare (&x->date, &y->date);

  if (c != 0)
    return c;
  return x->series < y->series ? -1 : x->series > y->series;
}

/* Whether the plan warns that what was logged in @region went over the
 * plan (too deep, or an area that is never needled). */
static gboolean
logged_over_plan (NmPlan     *plan,
                  const char *region)
{
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *w = nm_plan_get_warning (plan, i);

      if (g_strcmp0 (w->id, "logged-over-plan") == 0 && g_strcmp0 (w->region, region) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The areas and depth cells of a done session: what was logged, area by
 * area (areas outside the plan too), not what was planned. */
static void
done_cells (NmPdfDocument *doc,
            NmSession     *session,
            char         **areas_out,
            char         **depth_out)
{
  g_auto(GStrv) regions = nm_session_dup_depth_regions (session);
  g_autoptr(GString) areas = g_string_new (NULL);
  double lo = G_MAXDOUBLE, hi = 0;

  for (guint r = 0; regions != NULL && regions[r] != NULL; r++)
    {
      double mm = 0;
      g_autofree char *name = NULL;
      g_autofree char *depth = NULL;

      if (!nm_session_get_depth (session, regions[r], &mm))
        continue;
      lo = MIN (lo, mm);
      hi = MAX (hi, mm);
      name = esc (nm_vocab_region_name (regions[r]));
      depth = nm_render_format_depth (mm, mm);
      if (areas->len > 0)
        g_string_append_c (areas, '\n');
      /* Translators: in the schedule, an area of a done session and the
       * depth logged there, e.g. "Left cheek: 1.25 mm" */
      g_string_append_printf (areas, _("%s: <b>%s</b>"), name, depth);
      if (logged_over_plan (doc->plan, regions[r]))
        g_string_append_printf (areas, " <span foreground=\"#b32619\">%s</span>",
                                /* Translators: after a logged depth that went past the plan */
                                _("(over the plan)"));
    }
  if (areas->len == 0)
    {
      *areas_out = g_strdup_printf ("<span foreground=\"#656b72\">%s</span>", _("No depths logged"));
      *depth_out = g_strdup ("");
      return;
    }
  *areas_out = g_string_free (g_steal_pointer (&areas), FALSE);
  {
    g_autofree char *range = nm_render_format_depth (lo, hi);

    /* Translators: the depth column of a done session: the logged depths */
    *depth_out = g_strdup_printf (_("%s\n<span size=\"85%%\" foreground=\"#656b72\">logged</span>"), range);
  }
}

static void
build_session_table (NmPdfDocument *doc)
{
  Table *t = &doc->sessions;
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  g_autoptr(GArray) logged = nm_schedule_match_sessions (doc->consultation, doc->plan);

  t->n_columns = 5;
  t->titles[0] = _("Date");
  t->titles[1] = _("Session");
  t->titles[2] = _("Areas");
  t->titles[3] = _("Depth");
  t->titles[4] = _("Status");
  t->widths[0] = 0.17;
  t->widths[1] = 0.22;
  t->widths[2] = 0.33;
  t->widths[3] = 0.14;
  t->widths[4] = 0.14;

  for (guint s = 0; s < nm_plan_get_n_series (doc->plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (doc->plan, s);

      for (guint k = 0; k < series->n_dates; k++)
        {
          Slot slot = { series->dates[k], s, k + 1 };

          g_array_append_val (slots, slot);
        }
    }
  g_array_sort (slots, slot_compare);

  for (guint i = 0; i < slots->len; i++)
    {
      Slot *slot = &g_array_index (slots, Slot, i);
      const NmPlanSeries *series = nm_plan_get_series (doc->plan, slot->series);
      g_autofree char *date = nm_render_format_date (&slot->date);
      g_autoptr(GString) areas = g_string_new (NULL);
      double min_mm, max_mm;
      g_autofree char *depth = NULL;
      const char *status = _("Planned");
      char **cells = g_new0 (char *, 6);

      for (guint r = 0; series->regions[r] != NULL; r++)
        g_string_append_printf (areas, "%s%s", r > 0 ? ", " : "", nm_vocab_region_name (series->regions[r]));
      nm_schedule_series_depth (doc->plan, series, &min_mm, &max_mm);
      depth = nm_render_format_depth (min_mm, max_mm);

      for (guint l = 0; l < logged->len; l++)
        {
          NmScheduleSlot *ls = &g_array_index (logged, NmScheduleSlot, l);
          NmSession *session = nm_consultation_get_session (doc->consultation, l);

          if (ls->series == (int) slot->series && ls->number == slot->number)
            {
              GDate actual;

              if (nm_session_get_done (session) && nm_date_parse (nm_session_get_date (session), &actual))
                {
                  g_autofree char *on = nm_render_format_date (&actual);

                  status = NULL;
                  g_clear_pointer (&cells[4], g_free);
                  cells[4] = g_strdup_printf ("<span foreground=\"#1c6b78\"><b>%s</b></span>\n%s",
                                              _("Done"), on);
                  g_clear_pointer (&cells[2], g_free);
                  g_clear_pointer (&cells[3], g_free);
                  done_cells (doc, session, &cells[2], &cells[3]);
                }
              else
                status = _("Booked");
            }
        }
      /* a date that has passed without a session logged as done */
      if (cells[4] == NULL && g_date_valid (&doc->today) && g_date_compare (&slot->date, &doc->today) < 0)
        {
          GDate booked;
          gboolean later = FALSE;

          /* a booking moved to a later date is not overdue yet */
          for (guint l = 0; l < logged->len; l++)
            {
              NmScheduleSlot *ls = &g_array_index (logged, NmScheduleSlot, l);

              if (ls->series == (int) slot->series && ls->number == slot->number
                  && nm_date_parse (nm_session_get_date (nm_consultation_get_session (doc->consultation, l)), &booked)
                  && g_date_compare (&booked, &doc->today) >= 0)
                later = TRUE;
            }
          if (!later)
            /* Translators: the status of a planned session whose date has
             * passed and that is not logged as done */
            status = _("Overdue");
        }

      {
        g_autofree char *label = esc (series->label);
        g_autofree char *areas_e = esc (areas->str);

        cells[0] = g_strdup_printf ("<b>%s</b>", date);
        cells[1] = g_strdup_printf (_("%s\n<span size=\"85%%\" foreground=\"#656b72\">session %u of %u</span>"),
                                    label, slot->number, series->sessions);
        if (cells[2] == NULL)
          cells[2] = g_steal_pointer (&areas_e);
        if (cells[3] == NULL)
          cells[3] = g_strdup (depth);
        if (cells[4] == NULL)
          cells[4] = g_strdup (status);
      }
      table_add (t, cells);
    }
}

static void
add_page (NmPdfDocument *doc,
          PageKind       kind,
          const char    *title,
          gboolean       outline)
{
  Page page = { 0 };

  page.kind = kind;
  page.title = g_strdup (title);
  page.outline = outline;
  g_array_append_val (doc->pages, page);
}

static Page *
last_page (NmPdfDocument *doc)
{
  return &g_array_index (doc->pages, Page, doc->pages->len - 1);
}

/* Splits rows [0, n) over pages of @kind whose first page has @first_room
 * points for rows and the next ones @room. */
static void
paginate (NmPdfDocument *doc,
          const Table   *table,
          PageKind       kind,
          const char    *title,
          const char    *continued_title,
          double         first_room,
          double         room)
{
  guint i = 0;
  gboolean first = TRUE;

  do
    {
      double left = (first ? first_room : room) - table_header_height ();
      guint start = i;

      while (i < table->rows->len)
        {
          Row *row = g_ptr_array_index (table->rows, i);

          if (row->height > left && i > start)
            break;
          left -= row->height;
          i++;
        }
      add_page (doc, kind, first ? title : continued_title, first);
      last_page (doc)->first_row = start;
      last_page (doc)->last_row = i;
      last_page (doc)->continued = !first;
      first = FALSE;
    }
  while (i < table->rows->len);
}

static double
page_title_height (void)
{
  return 40.0;
}

static double
body_bottom (NmPdfDocument *doc)
{
  return doc->height - MARGIN_BOTTOM;
}

static const char *
regions_intro (void)
{
  return _("Each area takes the depth of its deepest finding, within the limits for that area "
           "and your skin type; a shallower finding keeps to its own depth where it lies. Numbers "
           "in square brackets refer to the sources, listed under Sources.");
}

static const char *
sources_intro (void)
{
  return _("Each number in square brackets in this plan, after a depth, a precaution or a piece "
           "of advice, refers to the source listed here under that number. Where sources differ, "
           "the plan follows the more cautious one.");
}


/* The sources the laid-out pages cite, by number, spelled out in a
 * table: the reasons, blocks and warnings cite theirs in brackets, the
 * aftercare, the schedule and the consent's risks in small print. */
static void
build_sources_table (NmPdfDocument *doc)
{
  Table *t = &doc->sources;

  t->n_columns = 2;
  /* Translators: the heading of the Sources page's column of numbers
   * ("[1]", "[2]"…), which the plan's text cites; keep it short */
  t->titles[0] = _("No.");
  t->titles[1] = _("Source");
  t->widths[0] = 0.09;
  t->widths[1] = 0.91;

  for (guint i = 0; i < doc->cited->len; i++)
    {
      char **cells = g_new0 (char *, 3);

      cells[0] = g_strdup_printf ("<b>[%u]</b>", i + 1);
      cells[1] = esc (nm_reference_lookup (g_ptr_array_index (doc->cited, i)));
      table_add (t, cells);
    }
}

static int
view_family (NmView view)
{
  switch (view)
    {
    case NM_VIEW_FACE_FRONT:
      return 0;
    case NM_VIEW_FACE_LEFT:
    case NM_VIEW_FACE_RIGHT:
      return 1;
    case NM_VIEW_SCALP:
      return 2;
    case NM_VIEW_BODY_FRONT:
    case NM_VIEW_BODY_BACK:
    case NM_N_VIEWS:
    default:
      return 3;
    }
}

/* The face's views, the scalp's, the body's: a region is mapped in the
 * first of these groups that shows it. */
static int
view_group (NmView view)
{
  switch (view_family (view))
    {
    case 0:
    case 1:
      return 0;
    case 2:
      return 1;
    default:
      return 2;
    }
}

/* Whether @finding gets a map on @view: the views of the first group that
 * shows its region (the forehead is in the face's views, not also on a
 * scalp page; the neck not also on the body's). The view an outline was
 * drawn on brings no page of its own: a forehead outlined on the scalp's
 * view would print a scalp page with nothing on the scalp, while the
 * face's pages show the forehead's depth. */
static gboolean
finding_shown_on (NmFinding *finding,
                  NmView     view)
{
  const char *region = nm_finding_get_region (finding);

  if (!nm_vocab_region_in_view (region, view))
    return FALSE;
  for (guint w = 0; w < NM_N_VIEWS; w++)
    if (view_group (w) < view_group (view) && nm_vocab_region_in_view (region, w))
      return FALSE;
  return TRUE;
}

/* Adds pages of @kind for blocks [0, @n) of heights @heights: as many
 * blocks to a page as fit below its title, a block that is taller than a
 * page alone on one. Blocks of height 0 are left out. */
static void
paginate_blocks (NmPdfDocument *doc,
                 PageKind       kind,
                 const char    *title,
                 const char    *continued_title,
                 const double  *heights,
                 guint          n,
                 double         room)
{
  guint i = 0;
  gboolean first = TRUE;

  while (i < n)
    {
      double left = room;
      guint start = i;

      while (i < n && (heights[i] <= left || i == start))
        left -= heights[i++];
      add_page (doc, kind, first ? title : continued_title, first);
      last_page (doc)->first_row = start;
      last_page (doc)->last_row = i;
      last_page (doc)->continued = !first;
      first = FALSE;
    }
}

static void
layout_document (NmPdfDocument *doc)
{
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  double body_h = body_bottom (doc) - MARGIN_TOP;
  double room = body_h - page_title_height ();
  guint n_map_views = 0;
  NmView map_views[NM_N_VIEWS];
  double summary_h[N_SUMMARY_BLOCKS];
  g_autofree char *wait = NULL;

  add_page (doc, PAGE_COVER, _("Cover"), TRUE);

  /* the summary: its blocks, measured by drawing them where nothing shows */
  for (guint b = 0; b < N_SUMMARY_BLOCKS; b++)
    summary_h[b] = summary_block (doc, cr, b, MARGIN_TOP);
  paginate_blocks (doc, PAGE_SUMMARY, _("Summary"), _("Summary (continued)"),
                   summary_h, N_SUMMARY_BLOCKS, room);
  wait = wait_note (doc);

  /* the depth maps: every view a finding is shown on, a page per family
   * of views (the front of the face; its profiles; the scalp; the body) */
  for (guint v = 0; v < NM_N_VIEWS; v++)
    for (guint i = 0; i < nm_consultation_get_n_findings (doc->consultation); i++)
      if (finding_shown_on (nm_consultation_get_finding (doc->consultation, i), v))
        {
          map_views[n_map_views++] = v;
          break;
        }
  for (guint i = 0; i < n_map_views; i++)
    {
      add_page (doc, PAGE_MAPS, _("Depth maps"), i == 0);
      last_page (doc)->views[0] = map_views[i];
      last_page (doc)->n_views = 1;
      if (i + 1 < n_map_views && view_family (map_views[i + 1]) == view_family (map_views[i]))
        {
          last_page (doc)->views[1] = map_views[++i];
          last_page (doc)->n_views = 2;
        }
    }

  build_region_table (doc);
  table_measure (doc, cr, &doc->regions);
  if (doc->regions.rows->len > 0)
    {
      double intro = measure (cr, content_width (doc), BODY_SIZE, PANGO_WEIGHT_NORMAL, regions_intro ()) + 14;

      paginate (doc, &doc->regions, PAGE_REGIONS, _("Areas and depths"), _("Areas and depths (continued)"),
                room - intro, room);
    }

  build_session_table (doc);
  table_measure (doc, cr, &doc->sessions);
  doc->schedule_height = MIN (nm_render_schedule_natural_height_for_width (doc->plan, SCHEDULE_FONT,
                                                                          content_width (doc)),
                              body_h * 0.5);
  doc->wait_height = wait != NULL
                       ? measure (cr, content_width (doc) - 24, BODY_SIZE, PANGO_WEIGHT_NORMAL, wait) + 34
                       : 0;
  if (doc->sessions.rows->len > 0)
    {
      paginate (doc, &doc->sessions, PAGE_SCHEDULE, _("Schedule"), _("Schedule (continued)"),
                room - doc->wait_height - doc->schedule_height - 24, room);
      /* the schedule drawing's small print (nm_render_schedule) */
      g_free (cite_list (doc, NM_SCHEDULE_HEALING_SOURCES));
      g_free (cite_list (doc, NM_SCHEDULE_MAINTENANCE_SOURCES));
    }

  /* aftercare only follows sessions; a consent only a plan that can be
   * agreed to: the screening complete, the skin type set, nothing that
   * blocks */
  if (nm_plan_get_n_series (doc->plan) > 0)
    {
      add_page (doc, PAGE_AFTERCARE, _("Aftercare"), TRUE);
      /* its sources in the order the page cites them (draw_aftercare) */
      for (guint i = 0; i < nm_texts_n_aftercare (); i++)
        if (nm_texts_aftercare (i).kind == NM_AFTERCARE_DO)
          g_free (cite_list (doc, nm_texts_aftercare (i).sources));
      for (guint i = 0; i < nm_texts_n_aftercare (); i++)
        if (nm_texts_aftercare (i).kind == NM_AFTERCARE_DONT)
          g_free (cite_list (doc, nm_texts_aftercare (i).sources));
      for (guint i = 0; i < nm_texts_n_healing_signs (); i++)
        g_free (cite_list (doc, nm_texts_healing_sign (i).sources));
      if (deepest_mm (doc) > 0)
        g_free (cite_list (doc, "DP"));
    }
  if (has_consent (doc))
    {
      double consent_h[N_CONSENT_PARTS];

      for (guint part = 0; part < N_CONSENT_PARTS; part++)
        consent_h[part] = consent_part (doc, cr, part, MARGIN_TOP);
      paginate_blocks (doc, PAGE_CONSENT, _("Consent"), _("Consent (continued)"),
                       consent_h, N_CONSENT_PARTS, room);
    }

  doc->numbered = TRUE;
  build_sources_table (doc);
  table_measure (doc, cr, &doc->sources);
  if (doc->sources.rows->len > 0)
    {
      double intro = measure (cr, content_width (doc), BODY_SIZE, PANGO_WEIGHT_NORMAL, sources_intro ()) + 14;

      paginate (doc, &doc->sources, PAGE_SOURCES, _("Sources"), _("Sources (continued)"),
                room - intro, room);
    }

  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
}

/**
 * nm_pdf_document_new:
 * @consultation: the consultation
 * @plan: its plan
 * @options: (nullable): the clinic's details and the paper
 *
 * Lays out the treatment plan's pages.
 *
 * Returns: (transfer full): the document
 */
NmPdfDocument *
nm_pdf_document_new (NmConsultation     *consultation,
                     NmPlan             *plan,
                     const NmPdfOptions *options)
{
  static const NmPdfOptions defaults = { 0 };
  NmPdfDocument *doc;
  const char *practitioner;

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  if (options == NULL)
    options = &defaults;

  doc = g_new0 (NmPdfDocument, 1);
  g_atomic_ref_count_init (&doc->ref_count);
  doc->consultation = g_object_ref (consultation);
  doc->plan = nm_plan_ref (plan);
  doc->clinic_name = g_strdup (options->clinic_name);
  doc->clinic_address = g_strdup (options->clinic_address);
  doc->clinic_logo = g_strdup (options->clinic_logo);

  practitioner = nm_consultation_get_practitioner (consultation);
  if (practitioner == NULL || practitioner[0] == '\0')
    practitioner = options->practitioner;
  doc->practitioner = g_strdup (practitioner);

  doc->paper = options->paper == NM_PAPER_AUTO ? nm_paper_from_locale () : options->paper;
  nm_paper_get_size (doc->paper, &doc->width, &doc->height);

  if (options->today != NULL && g_date_valid (options->today))
    doc->today = *options->today;
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      g_date_clear (&doc->today, 1);
      g_date_set_dmy (&doc->today, g_date_time_get_day_of_month (now),
                      g_date_time_get_month (now), g_date_time_get_year (now));
    }

  doc->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  doc->regions.rows = g_ptr_array_new_with_free_func (row_free);
  doc->sessions.rows = g_ptr_array_new_with_free_func (row_free);
  doc->sources.rows = g_ptr_array_new_with_free_func (row_free);
  doc->cited = g_ptr_array_new_with_free_func (g_free);
  doc->numbers = g_hash_table_new (g_str_hash, g_str_equal);
  layout_document (doc);
  return doc;
}

NmPdfDocument *
nm_pdf_document_ref (NmPdfDocument *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
nm_pdf_document_unref (NmPdfDocument *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->pages->len; i++)
    g_free (g_array_index (self->pages, Page, i).title);
  g_array_unref (self->pages);
  g_ptr_array_unref (self->regions.rows);
  g_ptr_array_unref (self->sessions.rows);
  g_ptr_array_unref (self->sources.rows);
  g_hash_table_unref (self->numbers);
  g_ptr_array_unref (self->cited);
  g_object_unref (self->consultation);
  nm_plan_unref (self->plan);
  g_free (self->clinic_name);
  g_free (self->clinic_address);
  g_free (self->clinic_logo);
  g_free (self->practitioner);
  g_free (self);
}

guint
nm_pdf_document_get_n_pages (NmPdfDocument *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pages->len;
}

NmPaper
nm_pdf_document_get_paper (NmPdfDocument *self)
{
  g_return_val_if_fail (self != NULL, NM_PAPER_A4);
  return self->paper;
}

void
nm_pdf_document_get_page_size (NmPdfDocument *self,
                               double        *width_pt,
                               double        *height_pt)
{
  g_return_if_fail (self != NULL);
  *width_pt = self->width;
  *height_pt = self->height;
}

const char *
nm_pdf_document_get_page_title (NmPdfDocument *self,
                                guint          page)
{
  g_return_val_if_fail (self != NULL && page < self->pages->len, NULL);
  return g_array_index (self->pages, Page, page).title;
}

/**
 * nm_pdf_document_page_is_map:
 *
 * Returns: whether @page shows depth maps (drawn as vector graphics)
 */
gboolean
nm_pdf_document_page_is_map (NmPdfDocument *self,
                             guint          page)
{
  g_return_val_if_fail (self != NULL && page < self->pages->len, FALSE);
  return g_array_index (self->pages, Page, page).kind == PAGE_MAPS;
}

/* Drawing */

static const char *
clinic_or_app (NmPdfDocument *doc)
{
  return doc->clinic_name != NULL && doc->clinic_name[0] != '\0' ? doc->clinic_name : PACKAGE_NAME;
}

static void
draw_header_footer (NmPdfDocument *doc,
                    cairo_t       *cr,
                    guint          index)
{
  double x1 = doc->width - MARGIN_X;
  double hy = MARGIN_TOP - 34;
  double fy = doc->height - MARGIN_BOTTOM + 22;
  g_autofree char *clinic = esc (clinic_or_app (doc));
  g_autofree char *clinic_up = g_utf8_strup (clinic, -1);
  g_autofree char *clinic_markup = g_strdup_printf ("<span letter_spacing=\"900\">%s</span>", clinic_up);
  g_autofree char *name = esc (nm_consultation_get_client_name (doc->consultation));
  g_autofree char *right = NULL;
  g_autofree char *page_no = NULL;

  if (name[0] != '\0')
    right = g_strdup_printf (_("Treatment plan · %s"), name);
  else
    right = g_strdup (_("Treatment plan"));
  /* a plan that cannot be agreed to says so on every page, so that no page
   * read alone passes for a final plan */
  if (!plan_is_final (doc))
    {
      NmPlanState state = nm_plan_get_state (doc->plan);
      const Rgb *c = state_colour (state);
      g_autofree char *marked = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\"><b>%s</b></span> · %s",
                                                 (guint) (c->r * 255 + 0.5), (guint) (c->g * 255 + 0.5),
                                                 (guint) (c->b * 255 + 0.5), state_title (doc->plan), right);

      g_free (right);
      right = g_steal_pointer (&marked);
    }

  /* the clinic on the left, up to half the line; the plan and the
   * client's name in what is left, each cut short rather than run into
   * the other */
  {
    g_autoptr(PangoLayout) clinic_layout = layout_new (cr, SMALL_SIZE, PANGO_WEIGHT_BOLD, -1, clinic_markup);
    double cw = x1 - MARGIN_X;
    double clinic_w = MIN (layout_width (clinic_layout), cw * 0.45);

    text_aligned_box (cr, MARGIN_X, hy, 0.0, clinic_w, SMALL_SIZE, PANGO_WEIGHT_BOLD, &accent, clinic_markup);
    text_aligned_box (cr, x1, hy, 1.0, cw - clinic_w - 24, SMALL_SIZE, PANGO_WEIGHT_NORMAL, &muted, right);
  }
  rule (cr, MARGIN_X, x1, hy + 15, 0.5, &faint);

  rule (cr, MARGIN_X, x1, fy - 6, 0.5, &faint);
  text (cr, MARGIN_X, fy, -1, SMALL_SIZE - 0.5, PANGO_WEIGHT_NORMAL, &muted,
        _("A plan, not a predicted result · guidance for trained practitioners"));
  page_no = g_strdup_printf (_("Page %u of %u"), index + 1, doc->pages->len);
  text_aligned (cr, x1, fy, 1.0, SMALL_SIZE, PANGO_WEIGHT_BOLD, &muted, page_no);
}

static double
draw_page_title (NmPdfDocument *doc,
                 cairo_t       *cr,
                 const char    *title)
{
  g_autofree char *t = esc (title);

  text (cr, MARGIN_X, MARGIN_TOP - 6, -1, 20, PANGO_WEIGHT_LIGHT, &ink, t);
  set_rgb (cr, &accent);
  cairo_rectangle (cr, MARGIN_X, MARGIN_TOP + 24, 28, 2.2);
  cairo_fill (cr);
  return MARGIN_TOP + page_title_height ();
}

static void
draw_logo (NmPdfDocument *doc,
           cairo_t       *cr,
           double         x,
           double         y,
           double         box_w,
           double         box_h,
           double        *used_w)
{
  *used_w = 0;
  if (doc->clinic_logo == NULL || doc->clinic_logo[0] == '\0')
    return;

  if (g_str_has_suffix (doc->clinic_logo, ".svg") || g_str_has_suffix (doc->clinic_logo, ".SVG"))
    {
      g_autoptr(GObject) object = G_OBJECT (rsvg_handle_new_from_file (doc->clinic_logo, NULL));
      RsvgHandle *handle = (RsvgHandle *) object;
      double w = 0, h = 0, scale;
      RsvgRectangle viewport;

      if (handle == NULL)
        return;
      if (!rsvg_handle_get_intrinsic_size_in_pixels (handle, &w, &h) || w <= 0 || h <= 0)
        {
          w = box_h;
          h = box_h;
        }
      scale = MIN (box_w / w, box_h / h);
      viewport.x = x;
      viewport.y = y;
      viewport.width = w * scale;
      viewport.height = h * scale;
      if (rsvg_handle_render_document (handle, cr, &viewport, NULL))
        *used_w = viewport.width;
    }
  else
    {
      cairo_surface_t *image = cairo_image_surface_create_from_png (doc->clinic_logo);
      double w, h, scale;

      if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
        {
          cairo_surface_destroy (image);
          return;
        }
      w = cairo_image_surface_get_width (image);
      h = cairo_image_surface_get_height (image);
      if (w > 0 && h > 0)
        {
          scale = MIN (box_w / w, box_h / h);
          cairo_save (cr);
          cairo_translate (cr, x, y);
          cairo_scale (cr, scale, scale);
          cairo_set_source_surface (cr, image, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
          cairo_paint (cr);
          cairo_restore (cr);
          *used_w = w * scale;
        }
      cairo_surface_destroy (image);
    }
}

static double
draw_field (cairo_t    *cr,
            double      x,
            double      y,
            double      label_w,
            double      width,
            int         max_lines,
            const char *label,
            const char *value)
{
  g_autofree char *l = g_utf8_strup (label, -1);
  g_autofree char *l_markup = g_strdup_printf ("<span letter_spacing=\"600\">%s</span>", l);
  g_autofree char *v = esc (value);
  double h;

  text (cr, x, y + 2.5, label_w, SMALL_SIZE, PANGO_WEIGHT_BOLD, &muted, l_markup);
  h = text_box (cr, x + label_w, y, width - label_w, max_lines, BODY_SIZE + 1.5, PANGO_WEIGHT_NORMAL, &ink, v);
  return h + 7;
}

static void
draw_status_pill (cairo_t      *cr,
                  double        x,
                  double        y,
                  NmPlan       *plan)
{
  NmPlanState state = nm_plan_get_state (plan);
  g_autoptr(PangoLayout) layout = layout_new (cr, BODY_SIZE, PANGO_WEIGHT_BOLD, -1, state_title (plan));
  double w = layout_width (layout) + 26, h = layout_height (layout) + 10;
  const Rgb *c = state_colour (state);

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + h / 2, y + h / 2, h / 2, G_PI / 2, 3 * G_PI / 2);
  cairo_arc (cr, x + w - h / 2, y + h / 2, h / 2, -G_PI / 2, G_PI / 2);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, c->r, c->g, c->b, 0.12);
  cairo_fill_preserve (cr);
  set_rgb (cr, c);
  cairo_set_line_width (cr, 0.8);
  cairo_stroke (cr);
  cairo_arc (cr, x + 10, y + h / 2, 2.6, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_move_to (cr, x + 17, y + 5);
  pango_cairo_show_layout (cr, layout);
}

static char *
format_iso_date (const char *iso)
{
  GDate date;

  if (iso == NULL || !nm_date_parse (iso, &date))
    return NULL;
  return nm_render_format_date (&date);
}

static const char *
fitzpatrick_name (guint type)
{
  static const char * const names[] = { "", "I", "II", "III", "IV", "V", "VI" };

  return type <= 6 ? names[type] : "";
}

static void
draw_cover (NmPdfDocument *doc,
            cairo_t       *cr)
{
  double x = MARGIN_X, cw = content_width (doc);
  double y = 56, logo_w = 0, hx, col;
  g_autofree char *today = nm_render_format_date (&doc->today);
  g_autofree char *birth = format_iso_date (nm_consultation_get_birth_date (doc->consultation));
  g_autofree char *skin = NULL;
  g_autofree char *first = NULL;
  const char *name = nm_consultation_get_client_name (doc->consultation);
  guint n_series = nm_plan_get_n_series (doc->plan);

  /* the clinic's letterhead */
  draw_logo (doc, cr, x, y, 150, 54, &logo_w);
  hx = logo_w > 0 ? x + logo_w + 16 : x;
  if (doc->clinic_name != NULL && doc->clinic_name[0] != '\0')
    {
      g_autofree char *n = esc (doc->clinic_name);
      g_autofree char *a = esc (doc->clinic_address);
      /* within the letterhead's 84 points: a line of name, four of address */
      double h = text_box (cr, hx, y + 2, x + cw - hx, 1, 15, PANGO_WEIGHT_BOLD, &ink, n);

      if (a[0] != '\0')
        text_box (cr, hx, y + 4 + h, x + cw - hx, 4, SMALL_SIZE + 0.5, PANGO_WEIGHT_NORMAL, &muted, a);
    }
  if (logo_w > 0 || (doc->clinic_name != NULL && doc->clinic_name[0] != '\0'))
    {
      y += 84;
      rule (cr, x, x + cw, y, 0.6, &faint);
      y += 64;
    }
  else
    y += 60;

  /* title block */
  {
    g_autofree char *kicker = g_utf8_strup (_("Microneedling"), -1);
    g_autofree char *k_markup = g_strdup_printf ("<span letter_spacing=\"2400\">%s</span>", kicker);

    text (cr, x, y, -1, 9, PANGO_WEIGHT_BOLD, &accent, k_markup);
    y += 18;
    y += text (cr, x, y, cw, 36, PANGO_WEIGHT_LIGHT, &ink, _("Treatment plan"));
    y += 6;
    set_rgb (cr, &accent);
    cairo_rectangle (cr, x, y, 44, 3);
    cairo_fill (cr);
    y += 30;
  }

  /* client */
  col = 104;
  if (name != NULL && name[0] != '\0')
    /* a name of any length: three lines at most */
    y += draw_field (cr, x, y, col, cw, 3, _("Prepared for"), name);
  if (birth != NULL)
    y += draw_field (cr, x, y, col, cw / 2 + 60, 2, _("Date of birth"), birth);
  if (nm_consultation_get_fitzpatrick (doc->consultation) != NM_FITZPATRICK_UNSET)
    {
      skin = g_strdup_printf (_("Fitzpatrick type %s"),
                              fitzpatrick_name (nm_consultation_get_fitzpatrick (doc->consultation)));
      y += draw_field (cr, x, y, col, cw / 2 + 60, 2, _("Skin type"), skin);
    }
  y += draw_field (cr, x, y, col, cw / 2 + 60, 2, _("Plan date"), today);
  if (doc->practitioner != NULL && doc->practitioner[0] != '\0')
    y += draw_field (cr, x, y, col, cw / 2 + 60, 2, _("Practitioner"), doc->practitioner);
  if (n_series > 0)
    {
      GDate earliest = nm_plan_get_series (doc->plan, 0)->dates[0];

      for (guint s = 1; s < n_series; s++)
        if (g_date_compare (&nm_plan_get_series (doc->plan, s)->dates[0], &earliest) < 0)
          earliest = nm_plan_get_series (doc->plan, s)->dates[0];
      first = nm_render_format_date (&earliest);
      if (nm_plan_get_wait_until (doc->plan) != NULL)
        {
          /* Translators: the first session's date on the cover, when the
           * screening moved it later (sunburn, a recent procedure) */
          g_autofree char *moved = g_strdup_printf (_("%s, after a wait (see the schedule)"), first);

          g_free (first);
          first = g_steal_pointer (&moved);
        }
      y += draw_field (cr, x, y, col, cw / 2 + 60, 2, _("First session"), first);
    }
  y += 10;
  draw_status_pill (cr, x + col, y, doc->plan);
  y += 56;

  /* contents */
  {
    g_autofree char *c_up = g_utf8_strup (_("Contents"), -1);
    g_autofree char *c_markup = g_strdup_printf ("<span letter_spacing=\"600\">%s</span>", c_up);

    text (cr, x, y, -1, SMALL_SIZE, PANGO_WEIGHT_BOLD, &accent, c_markup);
    y += 16;
    rule (cr, x, x + cw * 0.6, y, 0.6, &faint);
    y += 6;
    for (guint i = 1; i < doc->pages->len; i++)
      {
        Page *page = &g_array_index (doc->pages, Page, i);
        g_autofree char *t = NULL;
        g_autofree char *n = NULL;

        if (!page->outline)
          continue;
        t = esc (page->title);
        n = g_strdup_printf ("%u", i + 1);
        text (cr, x, y, -1, BODY_SIZE, PANGO_WEIGHT_NORMAL, &ink, t);
        text_aligned (cr, x + cw * 0.6, y, 1.0, BODY_SIZE, PANGO_WEIGHT_NORMAL, &muted, n);
        y += BODY_SIZE * 1.9;
      }
  }

  /* foot of the cover */
  {
    double fy = doc->height - MARGIN_BOTTOM - 30;

    rule (cr, x, x + cw, fy - 8, 0.5, &faint);
    text (cr, x, fy, cw, SMALL_SIZE, PANGO_WEIGHT_NORMAL, &muted,
          _("This document is a treatment plan, not a predicted result. It is guidance prepared "
            "by a trained practitioner and does not replace their judgement on the day of each session. "
            "It contains personal health information: please keep it private."));
  }
}

static double
section_heading (cairo_t    *cr,
                 double      x,
                 double      y,
                 const char *title)
{
  g_autofree char *t = esc (title);

  return text (cr, x, y, -1, 11.5, PANGO_WEIGHT_BOLD, &ink, t) + 6;
}

static double
bullet (cairo_t    *cr,
        double      x,
        double      y,
        double      width,
        const Rgb  *dot,
        const char *markup)
{
  double h;

  set_rgb (cr, dot);
  /* Text leaves a current point behind: start afresh, or the dot would be
   * joined to it by a line. */
  cairo_new_path (cr);
  cairo_arc (cr, x + 3, y + BODY_SIZE * 0.62, 2.1, 0, 2 * G_PI);
  cairo_fill (cr);
  h = text (cr, x + 13, y, width - 13, BODY_SIZE, PANGO_WEIGHT_NORMAL, &ink, markup);
  return h + 5;
}

/* The state panel's text, as Pango markup. */
static char *
state_text (NmPdfDocument *doc)
{
  NmPlanState state = nm_plan_get_state (doc->plan);
  guint n_unanswered = g_strv_length ((char **) nm_plan_get_unanswered (doc->plan));
  guint n_blocks = nm_plan_get_n_blocked_by (doc->plan);

  /* final, but nothing to sign yet: say why */
  if (plan_is_final (doc) && nm_plan_get_n_series (doc->plan) == 0)
    return g_strdup (_("The screening is complete, but no area is to be needled, so no sessions "
                       "are planned and there is nothing to agree to or sign."));
  if (plan_is_final (doc) && plan_has_warning (doc->plan, "relative-unacknowledged"))
    return g_strdup (_("The screening is complete. Your practitioner has still to go through some of "
                       "your answers with you; until then there is nothing to agree to or sign."));

  switch (state)
    {
    case NM_PLAN_STATE_READY:
      return g_strdup (_("The screening is complete and found nothing that stands in the way "
                         "of the treatment planned here."));
    case NM_PLAN_STATE_PRECAUTIONS:
      return g_strdup (_("The screening is complete. Treatment can go ahead with the precautions "
                         "listed below, which your practitioner reviews with you."));
    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u screening question is not answered yet. Until every "
                                           "question is answered, the depths and dates here are only "
                                           "a draft and there is nothing to agree to or sign.",
                                           "%u screening questions are not answered yet. Until every "
                                           "question is answered, the depths and dates here are only "
                                           "a draft and there is nothing to agree to or sign.",
                                           n_unanswered),
                              n_unanswered);
    case NM_PLAN_STATE_NO_SKIN_TYPE:
      if (n_unanswered > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The skin type (Fitzpatrick I–VI) is not recorded, and %u "
                                             "screening question is not answered yet. Safe depths depend "
                                             "on both: until they are in, the depths and dates here are "
                                             "only a draft and there is nothing to agree to or sign.",
                                             "The skin type (Fitzpatrick I–VI) is not recorded, and %u "
                                             "screening questions are not answered yet. Safe depths depend "
                                             "on both: until they are in, the depths and dates here are "
                                             "only a draft and there is nothing to agree to or sign.",
                                             n_unanswered),
                                n_unanswered);
      return g_strdup (_("The skin type (Fitzpatrick I–VI) is not recorded. Safe depths depend on "
                         "it: until it is set, the depths and dates here are only a draft and there "
                         "is nothing to agree to or sign."));
    case NM_PLAN_STATE_BLOCKED:
    default:
      if (blocked_for_life (doc->plan))
        return g_strdup (g_dngettext (GETTEXT_PACKAGE,
                                      "Microneedling is not suitable, for the reason below. "
                                      "No sessions are planned.",
                                      "Microneedling is not suitable, for the reasons below. "
                                      "No sessions are planned.",
                                      MAX (n_blocks, 1)));
      return g_strdup (g_dngettext (GETTEXT_PACKAGE,
                                    "Microneedling is not suitable now, for the reason below. "
                                    "No sessions are planned.",
                                    "Microneedling is not suitable now, for the reasons below. "
                                    "No sessions are planned.",
                                    MAX (n_blocks, 1)));
    }
}

/* One line of the state panel for each reason the plan is blocked. A
 * lifelong condition is called lifelong: it will not pass with time. */
static char *
block_line (NmPdfDocument     *doc,
            const NmPlanBlock *block)
{
  g_autofree char *m = esc_cited (doc, block->message);

  if (block->lifelong)
    /* Translators: a reason the plan is blocked, then this for a condition
     * that does not pass, such as a history of keloids */
    return g_strdup_printf (_("%s <b>Lifelong: this does not pass with time.</b>"), m);
  /* Translators: a reason the plan is blocked, then this for one that can
   * pass, such as a pregnancy or an infection */
  return g_strdup_printf (_("%s <b>Treatment can be reconsidered once this no longer applies.</b>"), m);
}

/* The state panel: a tinted box with the headline, what it means, and
 * the questions still to answer or the reasons not to treat. */
static double
summary_state (NmPdfDocument *doc,
               cairo_t       *cr,
               double         y)
{
  double x = MARGIN_X, cw = content_width (doc);
  NmPlanState state = nm_plan_get_state (doc->plan);
  const Rgb *sc = state_colour (state);
  g_autofree char *status_text = state_text (doc);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *list_title = NULL;
  double box_h, list_y;

  if (state == NM_PLAN_STATE_BLOCKED)
    {
      for (guint i = 0; i < nm_plan_get_n_blocked_by (doc->plan); i++)
        g_ptr_array_add (lines, block_line (doc, nm_plan_get_blocked_by (doc->plan, i)));
    }
  else if (state == NM_PLAN_STATE_SCREENING_INCOMPLETE || state == NM_PLAN_STATE_NO_SKIN_TYPE)
    {
      const char * const *unanswered = nm_plan_get_unanswered (doc->plan);

      for (guint i = 0; unanswered != NULL && unanswered[i] != NULL; i++)
        {
          const char *q = nm_vocab_screening_question (unanswered[i]);

          g_ptr_array_add (lines, esc (q != NULL ? q : unanswered[i]));
        }
      if (lines->len > 0)
        list_title = _("Still to answer");
    }

  /* measure first: the box is drawn under the text */
  box_h = 30 + measure (cr, cw - 40, BODY_SIZE, PANGO_WEIGHT_NORMAL, status_text) + 10;
  if (list_title != NULL)
    box_h += measure (cr, cw - 40, BODY_SIZE, PANGO_WEIGHT_BOLD, list_title) + 4;
  for (guint i = 0; i < lines->len; i++)
    box_h += measure (cr, cw - 53, BODY_SIZE, PANGO_WEIGHT_NORMAL, g_ptr_array_index (lines, i)) + 5;

  cairo_set_source_rgba (cr, sc->r, sc->g, sc->b, 0.07);
  cairo_rectangle (cr, x, y, cw, box_h);
  cairo_fill (cr);
  set_rgb (cr, sc);
  cairo_rectangle (cr, x, y, 3.5, box_h);
  cairo_fill (cr);
  text (cr, x + 20, y + 12, cw - 40, 12, PANGO_WEIGHT_BOLD, sc, state_title (doc->plan));
  list_y = y + 30 + text (cr, x + 20, y + 30, cw - 40, BODY_SIZE, PANGO_WEIGHT_NORMAL, &ink, status_text) + 10;
  if (list_title != NULL)
    list_y += text (cr, x + 20, list_y, cw - 40, BODY_SIZE, PANGO_WEIGHT_BOLD, &ink, list_title) + 4;
  for (guint i = 0; i < lines->len; i++)
    list_y += bullet (cr, x + 20, list_y, cw - 40, sc, g_ptr_array_index (lines, i));

  return box_h + 22;
}

static double
summary_glance (NmPdfDocument *doc,
                cairo_t       *cr,
                double         y)
{
  double x = MARGIN_X, cw = content_width (doc);
  double colw = cw / 3;
  guint n_treated = 0, total = 0;
  g_autofree char *a = NULL;
  g_autofree char *b = g_strdup_printf ("%u", nm_plan_get_n_series (doc->plan));
  g_autofree char *c = NULL;
  const char *labels[3] = { _("areas to treat"), _("treatment series"), _("sessions in all") };
  const char *values[3];

  for (guint i = 0; i < nm_plan_get_n_regions (doc->plan); i++)
    if (nm_plan_get_region (doc->plan, i)->treat)
      n_treated++;
  for (guint s = 0; s < nm_plan_get_n_series (doc->plan); s++)
    total += nm_plan_get_series (doc->plan, s)->n_dates;
  a = g_strdup_printf ("%u", n_treated);
  c = g_strdup_printf ("%u", total);
  values[0] = a;
  values[1] = b;
  values[2] = c;
  for (guint i = 0; i < 3; i++)
    {
      text (cr, x + i * colw, y, -1, 26, PANGO_WEIGHT_LIGHT, &accent, values[i]);
      text (cr, x + i * colw, y + 34, colw - 10, BODY_SIZE, PANGO_WEIGHT_NORMAL, &muted, labels[i]);
    }
  return 62;
}

static double
summary_series (NmPdfDocument *doc,
                cairo_t       *cr,
                double         y)
{
  double x = MARGIN_X, cw = content_width (doc), y0 = y;
  g_autofree char *wait = wait_note (doc);

  y += section_heading (cr, x, y, _("Treatment series"));
  for (guint s = 0; s < nm_plan_get_n_series (doc->plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (doc->plan, s);
      g_autofree char *from = nm_render_format_date (&series->dates[0]);
      g_autofree char *to = nm_render_format_date (&series->dates[series->n_dates - 1]);
      g_autoptr(GString) areas = g_string_new (NULL);
      g_autofree char *label = esc (series->label);
      g_autofree char *areas_e = NULL;
      g_autofree char *line = NULL;

      for (guint r = 0; series->regions[r] != NULL; r++)
        g_string_append_printf (areas, "%s%s", r > 0 ? ", " : "", nm_vocab_region_name (series->regions[r]));
      areas_e = esc (areas->str);
      line = g_strdup_printf (_("<b>%s</b>: %u sessions every %u weeks, %s to %s.\n"
                                "<span foreground=\"#656b72\">%s</span>"),
                              label, series->sessions, series->interval_weeks, from, to, areas_e);
      y += bullet (cr, x, y, cw, &accent, line);
    }
  if (wait != NULL)
    y += bullet (cr, x, y, cw, &caution, wait);
  return y - y0 + 12;
}

static double
summary_not_needled (NmPdfDocument *doc,
                     cairo_t       *cr,
                     double         y)
{
  double x = MARGIN_X, cw = content_width (doc), y0 = y;

  y += section_heading (cr, x, y, _("Areas that will not be needled"));
  for (guint i = 0; i < nm_plan_get_n_regions (doc->plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (doc->plan, i);
      g_autofree char *name = NULL;
      g_autofree char *why = NULL;
      g_autofree char *line = NULL;

      if (region->treat)
        continue;
      name = esc (nm_vocab_region_name (region->region));
      why = esc_cited (doc, region->reasons != NULL && region->reasons[0] != NULL ? region->reasons[0] : "");
      /* Translators: an area that is not needled and why, e.g. "Left
       * eyelid: …"; the colon is yours (French puts a space before it) */
      line = g_strdup_printf (_("<b>%s</b>: %s"), name, why);
      y += bullet (cr, x, y, cw, &blocked, line);
    }
  return y - y0 + 12;
}

/* Whether the summary lists warning @w: the state panel already names
 * the unanswered questions, and the series section the wait; what is
 * meant for the practitioner stays out of the client's copy. */
static gboolean
summary_shows_warning (NmPdfDocument       *doc,
                       const NmPlanWarning *w)
{
  NmPlanState state = nm_plan_get_state (doc->plan);

  /* instructions to the practitioner, not precautions for the client */
  if (g_strcmp0 (w->id, "relative-unacknowledged") == 0 ||
      g_strcmp0 (w->id, "clinic-rule-loosened") == 0)
    return FALSE;
  if (g_strcmp0 (w->id, "screening-incomplete") == 0)
    return state != NM_PLAN_STATE_SCREENING_INCOMPLETE && state != NM_PLAN_STATE_NO_SKIN_TYPE;
  /* the wait is said once, by the series section and the schedule (in
   * the locale's date format); with no session planned there is nothing
   * to wait for */
  if (g_strcmp0 (w->id, "wait-before-start") == 0)
    return FALSE;
  return TRUE;
}

/* One warning about several areas: the same id and the same words. */
static gboolean
same_warning (const NmPlanWarning *a,
              const NmPlanWarning *b)
{
  return g_strcmp0 (a->id, b->id) == 0 && g_strcmp0 (a->message, b->message) == 0;
}

static double
summary_precautions (NmPdfDocument *doc,
                     cairo_t       *cr,
                     double         y)
{
  double x = MARGIN_X, cw = content_width (doc), y0 = y;

  y += section_heading (cr, x, y, _("Precautions"));
  for (guint i = 0; i < nm_plan_get_n_warnings (doc->plan); i++)
    {
      const NmPlanWarning *w = nm_plan_get_warning (doc->plan, i);
      g_autofree char *m = NULL;
      g_autoptr(GString) areas = g_string_new (NULL);
      g_autofree char *line = NULL;
      gboolean repeated = FALSE;

      if (!summary_shows_warning (doc, w))
        continue;
      /* one line per warning, naming all of its areas */
      for (guint j = 0; j < i; j++)
        if (same_warning (nm_plan_get_warning (doc->plan, j), w))
          repeated = TRUE;
      if (repeated)
        continue;
      m = esc_cited (doc, w->message);
      for (guint j = i; j < nm_plan_get_n_warnings (doc->plan); j++)
        {
          const NmPlanWarning *o = nm_plan_get_warning (doc->plan, j);

          if (same_warning (o, w) && o->region != NULL)
            g_string_append_printf (areas, "%s%s", areas->len > 0 ? ", " : "",
                                    nm_vocab_region_name (o->region));
        }
      if (areas->len > 0)
        {
          g_autofree char *a = esc (areas->str);

          line = g_strdup_printf ("%s <span foreground=\"#656b72\">(%s)</span>", m, a);
        }
      else
        line = g_strdup (m);
      y += bullet (cr, x, y, cw, &caution, line);
    }
  return y - y0 + 12;
}

static double
summary_reviewed (NmPdfDocument *doc,
                  cairo_t       *cr,
                  double         y)
{
  double x = MARGIN_X, cw = content_width (doc), y0 = y;
  gboolean any = FALSE;

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const NmScreeningInfo *info = nm_vocab_screening (i);
      const char *ack = nm_consultation_get_acknowledgement (doc->consultation, info->id);
      g_autofree char *q = NULL;
      g_autofree char *a = NULL;
      g_autofree char *line = NULL;

      if (ack == NULL || nm_consultation_get_screening (doc->consultation, info->id) != NM_ANSWER_YES)
        continue;
      if (!any)
        y += section_heading (cr, x, y, _("Reviewed by your practitioner"));
      any = TRUE;
      q = yes_answer (info->id);
      a = esc (ack);
      line = a[0] != '\0' ? g_strdup_printf ("%s\n<i>%s</i>", q, a) : g_strdup (q);
      y += bullet (cr, x, y, cw, &accent, line);
    }
  return y - y0;
}

/* Whether the summary has @block at all. */
static gboolean
summary_has_block (NmPdfDocument *doc,
                   SummaryBlock   block)
{
  gboolean is_blocked = nm_plan_get_state (doc->plan) == NM_PLAN_STATE_BLOCKED;

  switch (block)
    {
    case SUMMARY_STATE:
      return TRUE;
    case SUMMARY_GLANCE:
      return !is_blocked;
    case SUMMARY_SERIES:
      return nm_plan_get_n_series (doc->plan) > 0;
    case SUMMARY_NOT_NEEDLED:
      /* blocked, no area is needled: the state panel says so once */
      if (is_blocked)
        return FALSE;
      for (guint i = 0; i < nm_plan_get_n_regions (doc->plan); i++)
        if (!nm_plan_get_region (doc->plan, i)->treat)
          return TRUE;
      return FALSE;
    case SUMMARY_PRECAUTIONS:
      for (guint i = 0; i < nm_plan_get_n_warnings (doc->plan); i++)
        if (summary_shows_warning (doc, nm_plan_get_warning (doc->plan, i)))
          return TRUE;
      return FALSE;
    case SUMMARY_REVIEWED:
      for (guint i = 0; i < nm_vocab_n_screening (); i++)
        {
          const char *id = nm_vocab_screening (i)->id;

          if (nm_consultation_get_acknowledgement (doc->consultation, id) != NULL &&
              nm_consultation_get_screening (doc->consultation, id) == NM_ANSWER_YES)
            return TRUE;
        }
      return FALSE;
    case N_SUMMARY_BLOCKS:
    default:
      return FALSE;
    }
}

/* Draws @block at @y and returns its height (0 when the plan has none). */
static double
summary_block (NmPdfDocument *doc,
               cairo_t       *cr,
               SummaryBlock   block,
               double         y)
{
  if (!summary_has_block (doc, block))
    return 0;

  switch (block)
    {
    case SUMMARY_STATE:
      return summary_state (doc, cr, y);
    case SUMMARY_GLANCE:
      return summary_glance (doc, cr, y);
    case SUMMARY_SERIES:
      return summary_series (doc, cr, y);
    case SUMMARY_NOT_NEEDLED:
      return summary_not_needled (doc, cr, y);
    case SUMMARY_PRECAUTIONS:
      return summary_precautions (doc, cr, y);
    case SUMMARY_REVIEWED:
      return summary_reviewed (doc, cr, y);
    case N_SUMMARY_BLOCKS:
    default:
      return 0;
    }
}

static void
draw_summary (NmPdfDocument *doc,
              cairo_t       *cr,
              const Page    *page)
{
  double y = draw_page_title (doc, cr, page->title);

  for (guint b = page->first_row; b < page->last_row; b++)
    y += summary_block (doc, cr, b, y);
}

static void
draw_one_map (NmPdfDocument *doc,
              cairo_t       *cr,
              NmView         view,
              double         x,
              double         y,
              double         w,
              double         h)
{
  NmMapStyle style = { 0 };
  g_autofree char *caption = esc (nm_view_name (view));
  g_autofree char *cap_up = g_utf8_strup (caption, -1);
  g_autofree char *cap_markup = g_strdup_printf ("<span letter_spacing=\"600\">%s</span>", cap_up);

  style.view = view;
  style.layer = NM_MAP_LAYER_DEPTH;
  style.consultation = doc->consultation;
  style.plan = doc->plan;

  /* a hairline frame around each view */
  set_rgb (cr, &faint);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, x + 4, y + 4, w - 8, h - 8);
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_rectangle (cr, x + 4, y + 4, w - 8, h - 8);
  cairo_clip (cr);
  cairo_translate (cr, x + 14, y + 30);
  nm_render_map (cr, &style, w - 28, h - 44);
  cairo_restore (cr);

  text_aligned (cr, x + w / 2, y + 14, 0.5, SMALL_SIZE, PANGO_WEIGHT_BOLD, &accent, cap_markup);
}

/* The scale a view of @vw × @vh gets in a box of @w × @h. */
static double
fit_scale (double vw,
           double vh,
           double w,
           double h)
{
  return vw > 0 && vh > 0 ? MIN ((w - 28) / vw, (h - 44) / vh) : 0;
}

static void
draw_maps (NmPdfDocument *doc,
           cairo_t       *cr,
           const Page    *page)
{
  double x = MARGIN_X, cw = content_width (doc);
  double y = draw_page_title (doc, cr, _("Depth maps"));
  double legend_h = 40, legend_w = MIN (cw, 9 * legend_h);
  double area_h;

  text (cr, x, y, cw, BODY_SIZE, PANGO_WEIGHT_NORMAL, &muted,
        nm_plan_get_state (doc->plan) == NM_PLAN_STATE_BLOCKED
          ? _("No area is needled while treatment is not suitable: the areas with findings are "
              "hatched. Left and right are your own.")
          : _("The planned needle depth for each area, in millimetres. Left and right are your own; "
              "hatched areas are not needled, and an outlined patch is needled at its own depth."));
  y += 24;
  area_h = body_bottom (doc) - y - legend_h - 18;

  if (page->n_views == 1)
    draw_one_map (doc, cr, page->views[0], x, y, cw, area_h);
  else
    {
      NmAtlas *atlas = nm_atlas_get_default ();
      double w0 = 1, h0 = 1, w1 = 1, h1 = 1, beside, stacked;

      if (atlas != NULL)
        {
          nm_atlas_view_size (atlas, page->views[0], &w0, &h0);
          nm_atlas_view_size (atlas, page->views[1], &w1, &h1);
        }
      /* side by side or one above the other, whichever draws them larger */
      beside = MIN (fit_scale (w0, h0, cw / 2, area_h), fit_scale (w1, h1, cw / 2, area_h));
      stacked = MIN (fit_scale (w0, h0, cw, area_h / 2), fit_scale (w1, h1, cw, area_h / 2));
      if (beside >= stacked)
        {
          draw_one_map (doc, cr, page->views[0], x, y, cw / 2, area_h);
          draw_one_map (doc, cr, page->views[1], x + cw / 2, y, cw / 2, area_h);
        }
      else
        {
          draw_one_map (doc, cr, page->views[0], x, y, cw, area_h / 2);
          draw_one_map (doc, cr, page->views[1], x, y + area_h / 2, cw, area_h / 2);
        }
    }
  y += area_h + 10;

  /* the depth key */
  nm_render_depth_legend (cr, x + (cw - legend_w) / 2, y, legend_w, legend_h, FALSE);
}

static void
draw_regions (NmPdfDocument *doc,
              cairo_t       *cr,
              const Page    *page)
{
  double y = draw_page_title (doc, cr, page->title);

  if (!page->continued)
    y += text (cr, MARGIN_X, y, content_width (doc), BODY_SIZE, PANGO_WEIGHT_NORMAL, &muted, regions_intro ()) + 14;
  table_draw (doc, cr, &doc->regions, page->first_row, page->last_row, y);
}

static void
draw_schedule (NmPdfDocument *doc,
               cairo_t       *cr,
               const Page    *page)
{
  double y = draw_page_title (doc, cr, page->title);

  if (!page->continued && doc->wait_height > 0)
    {
      g_autofree char *wait = wait_note (doc);
      double h = doc->wait_height - 14;

      cairo_set_source_rgba (cr, caution.r, caution.g, caution.b, 0.08);
      cairo_rectangle (cr, MARGIN_X, y, content_width (doc), h);
      cairo_fill (cr);
      set_rgb (cr, &caution);
      cairo_rectangle (cr, MARGIN_X, y, 3.5, h);
      cairo_fill (cr);
      text (cr, MARGIN_X + 12, y + 10, content_width (doc) - 24, BODY_SIZE, PANGO_WEIGHT_NORMAL, &ink, wait);
      y += doc->wait_height;
    }
  if (!page->continued)
    {
      NmScheduleStyle style = { FALSE, NM_RENDER_FONT_FAMILY, SCHEDULE_FONT, TRUE, cite_numbers, doc };

      cairo_save (cr);
      cairo_translate (cr, MARGIN_X, y);
      nm_render_schedule (cr, doc->consultation, doc->plan, &doc->today,
                          content_width (doc), doc->schedule_height, &style);
      cairo_restore (cr);
      y += doc->schedule_height + 24;
    }
  table_draw (doc, cr, &doc->sessions, page->first_row, page->last_row, y);
}

/* The deepest planned depth, for the downtime line of the aftercare page. */
static double
deepest_mm (NmPdfDocument *doc)
{
  double deepest = 0;

  for (guint i = 0; i < nm_plan_get_n_regions (doc->plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (doc->plan, i);

      if (region->treat)
        deepest = MAX (deepest, region->max_mm);
    }
  return deepest;
}

/* A bullet and its sources' numbers, "[3, 7]", in small print */
static double
cited (NmPdfDocument *doc,
       cairo_t       *cr,
       double         x,
       double         y,
       double         width,
       const char    *markup,
       const char    *sources)
{
  g_autofree char *numbers = cite_list (doc, sources);
  g_autofree char *line = g_strdup_printf ("%s <span size=\"75%%\" foreground=\"#656b72\">%s</span>",
                                           markup, numbers);

  return bullet (cr, x, y, width, &accent, line);
}

static void
draw_aftercare (NmPdfDocument *doc,
                cairo_t       *cr)
{
  double x = MARGIN_X, cw = content_width (doc);
  double y = draw_page_title (doc, cr, _("Aftercare"));
  double deepest = deepest_mm (doc);
  double half = (cw - 24) / 2, y_left, y_right;

  /* The advice is the client texts shared with the presentation (nm-texts),
   * from clinical/REFERENCE.md §7, each line with its source keys. */
  y += section_heading (cr, x, y, _("After each session"));
  y_left = y_right = y;
  y_left += text (cr, x, y_left, half, BODY_SIZE, PANGO_WEIGHT_BOLD, &ink, _("Do")) + 4;
  y_right += text (cr, x + half + 24, y_right, half, BODY_SIZE, PANGO_WEIGHT_BOLD, &ink, _("Avoid")) + 4;
  for (guint i = 0; i < nm_texts_n_aftercare (); i++)
    {
      NmAftercareItem item = nm_texts_aftercare (i);
      g_autofree char *escaped = esc (item.text);

      if (item.kind == NM_AFTERCARE_DO)
        y_left += cited (doc, cr, x, y_left, half, escaped, item.sources);
      else if (item.kind == NM_AFTERCARE_DONT)
        y_right += cited (doc, cr, x + half + 24, y_right, half, escaped, item.sources);
    }
  y = MAX (y_left, y_right) + 14;

  y += section_heading (cr, x, y, _("What to expect"));
  for (guint i = 0; i < nm_texts_n_healing_signs (); i++)
    {
      NmHealingSign sign = nm_texts_healing_sign (i);
      /* Translators: when, and what to expect then, e.g. "Days 1–2:
       * Redness and some swelling…"; the colon is yours (French puts a
       * space before it) */
      g_autofree char *line = g_markup_printf_escaped (_("<b>%s:</b> %s"), sign.when, sign.text);

      y += cited (doc, cr, x, y, cw, line, sign.sources);
    }
  if (deepest > 0)
    {
      g_autofree char *depth = nm_format_mm_display (deepest);
      const char *days = deepest <= 0.5 ? _("about 2–3 days") : deepest <= 1.5 ? _("about 4–5 days") : _("about 6–7 days");
      /* Translators: a no-break space (U+00A0) before "mm" keeps the
       * number and its unit on one line */
      g_autofree char *line = g_strdup_printf (_("At the deepest planned depth, %s mm, visible recovery "
                                                 "takes %s."), depth, days);

      y += cited (doc, cr, x, y, cw, line, "DP");
    }
  y += 14;

  y += section_heading (cr, x, y, _("Contact the clinic"));
  for (guint i = 0; i < nm_texts_n_aftercare (); i++)
    {
      NmAftercareItem item = nm_texts_aftercare (i);
      g_autofree char *escaped = NULL;

      if (item.kind != NM_AFTERCARE_CONTACT)
        continue;
      escaped = esc (item.text);
      y += bullet (cr, x, y, cw, &blocked, escaped);
    }
  y += 18;

  /* the source keys, in small print */
  set_rgb (cr, &tint);
  {
    const char *sources = _("The numbers in square brackets after each piece of advice refer to its "
                            "sources, listed in full under Sources at the end of this plan. Where sources "
                            "differ, this plan gives the more cautious advice.");
    double h = measure (cr, cw - 24, SMALL_SIZE, PANGO_WEIGHT_NORMAL, sources) + 20;

    set_rgb (cr, &tint);
    cairo_rectangle (cr, x, y, cw, h);
    cairo_fill (cr);
    text (cr, x + 12, y + 10, cw - 24, SMALL_SIZE, PANGO_WEIGHT_NORMAL, &muted, sources);
  }
}

static double
signature_line (cairo_t    *cr,
                double      x,
                double      y,
                double      width,
                const char *who,
                const char *name)
{
  double name_w = width * 0.62;

  rule (cr, x, x + name_w - 18, y + 34, 0.8, &ink);
  rule (cr, x + name_w, x + width, y + 34, 0.8, &ink);
  text (cr, x, y + 40, -1, SMALL_SIZE, PANGO_WEIGHT_BOLD, &muted, who);
  text (cr, x + name_w, y + 40, -1, SMALL_SIZE, PANGO_WEIGHT_BOLD, &muted, _("Date"));
  if (name != NULL && name[0] != '\0')
    {
      g_autofree char *n = esc (name);

      /* under its own line, never into the date's column */
      return MAX (70, 52 + text_box (cr, x, y + 52, name_w - 18, 2, BODY_SIZE, PANGO_WEIGHT_NORMAL, &ink, n) + 6);
    }
  return 70;
}

static double
consent_risks_part (NmPdfDocument *doc,
                    cairo_t       *cr,
                    double         y)
{
  double x = MARGIN_X, cw = content_width (doc), y0 = y;
  gboolean any = FALSE;

  y += text (cr, x, y, cw, BODY_SIZE + 0.5, PANGO_WEIGHT_NORMAL, &ink,
             _("<b>This is a plan, not a predicted result.</b> Skin responds differently from one person "
               "to another, and no particular outcome is promised. The depths and dates in this plan are a "
               "starting point: at each session your practitioner checks your skin and may choose a "
               "shallower depth, a different interval, or to pause treatment.")) + 10;
  y += text (cr, x, y, cw, BODY_SIZE + 0.5, PANGO_WEIGHT_NORMAL, &ink,
             _("The recommendations come from published sources, cited by number throughout and "
               "listed under Sources, and are guidance for trained practitioners. They do not replace "
               "the practitioner’s clinical judgement. Tell your practitioner before every session about "
               "any change in your health, medicines, pregnancy, recent treatments or sun exposure.")) + 20;

  y += section_heading (cr, x, y, _("Risks"));
  y += text (cr, x, y, cw, BODY_SIZE, PANGO_WEIGHT_NORMAL, &muted,
             _("Microneedling can cause the following, even when it is done well:")) + 6;
  for (guint i = 0; i < G_N_ELEMENTS (consent_risks); i++)
    {
      g_autofree char *risk = esc (_(consent_risks[i].text));

      y += cited (doc, cr, x, y, cw, risk, consent_risks[i].sources);
    }
  y += 14;

  /* the client's own answers that call for care (relative items: an
   * absolute one answered yes blocks, and then there is no consent) */
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const NmScreeningInfo *info = nm_vocab_screening (i);
      g_autofree char *line = NULL;

      if (nm_consultation_get_screening (doc->consultation, info->id) != NM_ANSWER_YES)
        continue;
      if (!any)
        {
          y += section_heading (cr, x, y, _("Your answers that call for care"));
          any = TRUE;
        }
      line = yes_answer (info->id);
      y += bullet (cr, x, y, cw, &caution, line);
    }
  if (!any)
    {
      y += section_heading (cr, x, y, _("Your answers that call for care"));
      y += text (cr, x, y, cw, BODY_SIZE, PANGO_WEIGHT_NORMAL, &ink,
                 _("None: you answered no to every screening question.")) + 5;
    }
  return y - y0 + 16;
}

static double
consent_signatures_part (NmPdfDocument *doc,
                         cairo_t       *cr,
                         double         y)
{
  double x = MARGIN_X, cw = content_width (doc), y0 = y;
  gboolean minor = nm_plan_get_minor (doc->plan);

  y += section_heading (cr, x, y, _("Your consent"));
  y += text (cr, x, y, cw, BODY_SIZE + 0.5, PANGO_WEIGHT_NORMAL, &ink,
             _("I have read this treatment plan, its precautions and risks, and the aftercare advice. "
               "I have had the chance to ask questions, and I understand that the plan is not a "
               "guarantee of results. I have told my practitioner about my health and medicines "
               "truthfully, and I agree to the treatment described.")) + 12;
  if (minor)
    y += text (cr, x, y, cw, BODY_SIZE + 0.5, PANGO_WEIGHT_NORMAL, &ink,
               _("<b>The client is under 18.</b> As their parent or guardian, I have read this plan "
                 "with them and I consent to the treatment on their behalf.")) + 12;

  if (minor)
    {
      /* the client and the guardian who consents for them, side by side */
      double half = (cw - 24) / 2;

      /* Translators: under the line the treated person signs on; the word
       * for "client" may need a form that suits anyone who signs */
      double client_h = signature_line (cr, x, y, half, C_("signature", "Client"),
                                        nm_consultation_get_client_name (doc->consultation));

      y += MAX (client_h, signature_line (cr, x + half + 24, y, half, _("Parent or guardian"),
                                          nm_consultation_get_guardian (doc->consultation)));
    }
  else
    y += signature_line (cr, x, y, cw, C_("signature", "Client"),
                         nm_consultation_get_client_name (doc->consultation));
  y += signature_line (cr, x, y, cw, _("Practitioner"), doc->practitioner);
  return y - y0;
}

static double
consent_part (NmPdfDocument *doc,
              cairo_t       *cr,
              ConsentPart    part,
              double         y)
{
  switch (part)
    {
    case CONSENT_RISKS:
      return consent_risks_part (doc, cr, y);
    case CONSENT_SIGNATURES:
      return consent_signatures_part (doc, cr, y);
    case N_CONSENT_PARTS:
    default:
      return 0;
    }
}

static void
draw_consent (NmPdfDocument *doc,
              cairo_t       *cr,
              const Page    *page)
{
  double y = draw_page_title (doc, cr, page->title);

  for (guint part = page->first_row; part < page->last_row; part++)
    y += consent_part (doc, cr, part, y);
}

static void
draw_sources (NmPdfDocument *doc,
              cairo_t       *cr,
              const Page    *page)
{
  double y = draw_page_title (doc, cr, page->title);

  if (!page->continued)
    y += text (cr, MARGIN_X, y, content_width (doc), BODY_SIZE, PANGO_WEIGHT_NORMAL, &muted,
               sources_intro ()) + 14;
  table_draw (doc, cr, &doc->sources, page->first_row, page->last_row, y);
}

/**
 * nm_render_pdf_page:
 * @cr: a cairo context
 * @doc: the document
 * @page: the page index, from 0
 * @width: the width to fill, in units of @cr
 * @height: the height to fill
 *
 * Draws one page of the treatment plan scaled to @width × @height (the
 * page's proportions are kept). The PDF export and printing both call it.
 */
void
nm_render_pdf_page (cairo_t       *cr,
                    NmPdfDocument *doc,
                    guint          page,
                    double         width,
                    double         height)
{
  const Page *p;
  double scale;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (doc != NULL);
  g_return_if_fail (page < doc->pages->len);

  p = &g_array_index (doc->pages, Page, page);
  scale = MIN (width / doc->width, height / doc->height);

  cairo_save (cr);
  cairo_scale (cr, scale, scale);

  if (p->kind != PAGE_COVER)
    draw_header_footer (doc, cr, page);

  switch (p->kind)
    {
    case PAGE_COVER:
      draw_cover (doc, cr);
      break;
    case PAGE_SUMMARY:
      draw_summary (doc, cr, p);
      break;
    case PAGE_MAPS:
      draw_maps (doc, cr, p);
      break;
    case PAGE_REGIONS:
      draw_regions (doc, cr, p);
      break;
    case PAGE_SCHEDULE:
      draw_schedule (doc, cr, p);
      break;
    case PAGE_AFTERCARE:
      draw_aftercare (doc, cr);
      break;
    case PAGE_CONSENT:
      draw_consent (doc, cr, p);
      break;
    case PAGE_SOURCES:
      draw_sources (doc, cr, p);
      break;
    default:
      g_assert_not_reached ();
    }

  cairo_restore (cr);
}

/**
 * nm_render_pdf_write:
 * @doc: the document
 * @write_func: where the PDF bytes go
 * @closure: for @write_func
 * @error: return location for an error
 *
 * Writes the whole document as PDF: metadata, an outline of bookmarks and
 * every page as vector graphics with embedded font subsets.
 *
 * Returns: %TRUE when the PDF was written whole
 */
gboolean
nm_render_pdf_write (NmPdfDocument       *doc,
                     cairo_write_func_t   write_func,
                     gpointer             closure,
                     GError             **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (write_func != NULL, FALSE);

  surface = cairo_pdf_surface_create_for_stream (write_func, closure, doc->width, doc->height);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Microneedling treatment plan"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR,
                                  doc->practitioner != NULL && doc->practitioner[0] != '\0'
                                    ? doc->practitioner : clinic_or_app (doc));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_NAME " " PACKAGE_VERSION);

  cr = cairo_create (surface);
  for (guint i = 0; i < doc->pages->len; i++)
    {
      const Page *p = &g_array_index (doc->pages, Page, i);

      if (p->outline)
        {
          g_autofree char *link = g_strdup_printf ("page=%u", i + 1);

          cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT, p->title, link, 0);
        }
      nm_render_pdf_page (cr, doc, i, doc->width, doc->height);
      cairo_show_page (cr);
    }

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, NM_RENDER_PDF_ERROR, NM_RENDER_PDF_ERROR_FAILED,
                   "%s", cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
