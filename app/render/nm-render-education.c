/* nm-render-education.c: the pages of the client presentation
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

#define G_LOG_DOMAIN "nm-education"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "nm-render-style.h"
#include "nm-atlas.h"
#include "nm-finding.h"
#include "nm-references.h"
#include "nm-render-education.h"
#include "nm-render-map.h"
#include "nm-render-schedule.h"
#include "nm-texts.h"
#include "nm-vocab.h"

/* Pages are laid out on a design canvas at least 1280 × 720 units, scaled
 * uniformly to the target, so type stays large on a clinic screen and the
 * layout fills 4:3 and 16:9 alike. */
#define DESIGN_W 1280.0
#define DESIGN_H 720.0
#define MARGIN   64.0


/* Timings of the animated pages, in seconds. */
#define NEEDLE_DOWN_START   0.8
#define NEEDLE_DOWN_END     2.4
#define NEEDLE_UP_START     3.4
#define NEEDLE_UP_END       4.4
#define CHANNELS_CLOSE      5.8
#define CHANNELS_CLOSED     7.8
#define COLLAGEN_DONE       9.6
#define NEEDLING_DURATION  10.0
#define HEALING_START       0.8
#define HEALING_SWEEP      12.0
#define MAP_STEP            3.6
#define MAP_MOVE            0.7
#define SERIES_START        0.5
#define SERIES_STEP         0.16
#define AFTERCARE_STEP      0.35

typedef struct
{
  double r, g, b;
} Rgb;

/* High contrast on a near-black ground: body text is white, secondary
 * text stays above 7:1, captions above 4.5:1. */
static const Rgb bg_top    = { 0.063, 0.075, 0.094 };
static const Rgb bg_bottom = { 0.106, 0.122, 0.153 };
static const Rgb fg        = { 1.000, 1.000, 1.000 };
static const Rgb muted     = { 0.820, 0.839, 0.871 };
static const Rgb faint     = { 0.612, 0.643, 0.690 };
static const Rgb accent    = { 0.471, 0.682, 0.929 };
static const Rgb warm      = { 1.000, 0.745, 0.435 };
static const Rgb good      = { 0.561, 0.941, 0.643 };
static const Rgb bad       = { 1.000, 0.482, 0.388 };
static const Rgb card      = { 0.141, 0.161, 0.200 };
static const Rgb dermis    = { 0.878, 0.588, 0.588 };
static const Rgb fibre     = { 0.961, 0.773, 0.741 };
static const Rgb fat       = { 0.965, 0.871, 0.561 };
static const Rgb fat_line  = { 0.847, 0.722, 0.384 };
static const Rgb channel   = { 0.541, 0.094, 0.133 };
static const Rgb steel     = { 0.839, 0.859, 0.894 };

static const Rgb phase_colours[NM_N_HEALING_PHASES] = {
  [NM_HEALING_INFLAMMATION]  = { 1.000, 0.482, 0.388 },
  [NM_HEALING_PROLIFERATION] = { 0.973, 0.894, 0.361 },
  [NM_HEALING_REMODELLING]   = { 0.471, 0.682, 0.929 },
};

static const Rgb series_colours[] = {
  { 0.471, 0.682, 0.929 },
  { 1.000, 0.745, 0.435 },
  { 0.561, 0.941, 0.643 },
  { 0.863, 0.541, 0.867 },
};

struct _NmEducationModel
{
  gatomicrefcount      ref_count;
  guint                fitzpatrick;
  NmPlan              *plan;          /* nullable */
  GDate                today;
  /* What nm_render_map() reads: the skin type and the findings. Built
   * here, never the practitioner's consultation, so the map cannot reach
   * an identifier either. */
  NmConsultation      *findings;
  GArray              *logged;        /* guint per series: sessions the log has, -1 none */
  GPtrArray           *regions;       /* region ids for the cross-section */
  guint                region;        /* index into regions */
  NmEducationTextFunc  text_func;
  gpointer             text_data;
  /* Rasters that do not change from frame to frame: the maps and the
   * region masks, at one device size each. */
  GHashTable          *rasters;       /* key → cairo_surface_t */
};

G_DEFINE_BOXED_TYPE (NmEducationModel, nm_education_model,
                     nm_education_model_ref, nm_education_model_unref)

/* ------------------------------------------------------------ the model */

static void
nm_education_model_update_regions (NmEducationModel *self)
{
  double deepest = -1;

  g_ptr_array_set_size (self->regions, 0);
  self->region = 0;

  if (self->plan != NULL && nm_plan_get_status (self->plan) != NM_PLAN_BLOCKED)
    {
      for (guint i = 0; i < nm_plan_get_n_regions (self->plan); i++)
        {
          const NmPlanRegion *region = nm_plan_get_region (self->plan, i);

          if (!region->treat)
            continue;
          /* the deepest treated region is the one shown first */
          if (region->max_mm > deepest)
            {
              deepest = region->max_mm;
              self->region = self->regions->len;
            }
          g_ptr_array_add (self->regions, g_strdup (region->region));
        }
    }

  /* With nothing planned the page still explains the treatment, on the
   * cheek, the most common area. */
  if (self->regions->len == 0)
    g_ptr_array_add (self->regions, g_strdup ("cheek-left"));
  g_ptr_array_add (self->regions, NULL);
}

/**
 * nm_education_model_new:
 * @fitzpatrick: the skin type 1–6, or 0 when not chosen
 * @plan: (nullable): the plan to present
 * @today: (nullable): the day the presentation is given, for "next
 *   session"; the current day when %NULL
 *
 * Returns: (transfer full): a model with no findings yet
 */
NmEducationModel *
nm_education_model_new (guint        fitzpatrick,
                        NmPlan      *plan,
                        const GDate *today)
{
  NmEducationModel *self = g_new0 (NmEducationModel, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->fitzpatrick = MIN (fitzpatrick, NM_FITZPATRICK_MAX);
  self->plan = plan != NULL ? nm_plan_ref (plan) : NULL;
  if (today != NULL && g_date_valid (today))
    self->today = *today;
  else
    {
      g_date_clear (&self->today, 1);
      g_date_set_time_t (&self->today, time (NULL));
    }
  self->findings = nm_consultation_new ();
  if (self->fitzpatrick != NM_FITZPATRICK_UNSET)
    nm_consultation_set_fitzpatrick (self->findings, self->fitzpatrick);
  self->regions = g_ptr_array_new_with_free_func (g_free);
  self->logged = g_array_new (FALSE, TRUE, sizeof (int));
  self->rasters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) cairo_surface_destroy);
  nm_education_model_update_regions (self);
  return self;
}

/**
 * nm_education_model_new_for_consultation:
 * @consultation: the consultation
 * @plan: (nullable): its plan
 * @today: (nullable): see nm_education_model_new()
 *
 * Copies from @consultation the skin type, each finding's region, kind
 * and severity, and how many sessions of each series its log holds as
 * done; nothing else: no name, birth date, notes, outlines, practitioner
 * or session notes.
 *
 * Returns: (transfer full): the model
 */
NmEducationModel *
nm_education_model_new_for_consultation (NmConsultation *consultation,
                                         NmPlan         *plan,
                                         const GDate    *today)
{
  NmEducationModel *self;

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);

  self = nm_education_model_new (nm_consultation_get_fitzpatrick (consultation), plan, today);
  for (guint i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);

      nm_education_model_add_finding (self, nm_finding_get_region (finding),
                                      nm_finding_get_kind (finding),
                                      nm_finding_get_severity (finding));
    }

  /* "Session 2 of 4" counts the sessions done, placed in their series the
   * way the schedule places them */
  if (plan != NULL && nm_consultation_get_n_sessions (consultation) > 0)
    {
      g_autoptr(GArray) slots = nm_schedule_match_sessions (consultation, plan);

      g_array_set_size (self->logged, nm_plan_get_n_series (plan));
      for (guint s = 0; s < self->logged->len; s++)
        g_array_index (self->logged, int, s) = -1;
      for (guint i = 0; i < slots->len; i++)
        {
          const NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, i);
          int *done;

          if (slot->series < 0 || (guint) slot->series >= self->logged->len)
            continue;
          done = &g_array_index (self->logged, int, slot->series);
          *done = MAX (*done, 0);
          if (nm_session_get_done (nm_consultation_get_session (consultation, i)))
            *done = MAX (*done, (int) slot->number);
        }
    }
  return self;
}

NmEducationModel *
nm_education_model_ref (NmEducationModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
nm_education_model_unref (NmEducationModel *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->plan, nm_plan_unref);
  g_clear_object (&self->findings);
  g_clear_pointer (&self->regions, g_ptr_array_unref);
  g_clear_pointer (&self->logged, g_array_unref);
  g_clear_pointer (&self->rasters, g_hash_table_unref);
  g_free (self);
}

void
nm_education_model_add_finding (NmEducationModel *self,
                                const char       *region,
                                const char       *kind,
                                guint             severity)
{
  g_autoptr(NmFinding) finding = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (region != NULL && kind != NULL);

  finding = nm_finding_new (region, kind, CLAMP (severity, NM_SEVERITY_MIN, NM_SEVERITY_MAX));
  nm_consultation_add_finding (self->findings, finding);
  g_hash_table_remove_all (self->rasters);
}

guint
nm_education_model_get_fitzpatrick (NmEducationModel *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fitzpatrick;
}

/**
 * nm_education_model_get_plan:
 *
 * Returns: (transfer none) (nullable): the plan
 */
NmPlan *
nm_education_model_get_plan (NmEducationModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->plan;
}

/**
 * nm_education_model_get_regions:
 *
 * Returns: (transfer none): the regions the cross-section page can show,
 *   the treated ones in the spec's order (or the cheek when nothing is
 *   planned), %NULL-terminated
 */
const char * const *
nm_education_model_get_regions (NmEducationModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->regions->pdata;
}

/**
 * nm_education_model_get_region:
 *
 * Returns: the region of the cross-section page; at first the deepest
 *   treated region
 */
const char *
nm_education_model_get_region (NmEducationModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_ptr_array_index (self->regions, self->region);
}

gboolean
nm_education_model_set_region (NmEducationModel *self,
                               const char       *region)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i + 1 < self->regions->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->regions, i), region) == 0)
      {
        self->region = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * nm_education_model_step_region:
 * @delta: +1 for the next region, -1 for the previous
 *
 * Returns: whether the region changed (it wraps around)
 */
gboolean
nm_education_model_step_region (NmEducationModel *self,
                                int               delta)
{
  guint n;
  guint old;

  g_return_val_if_fail (self != NULL, FALSE);

  n = self->regions->len - 1;
  old = self->region;
  self->region = (guint) (((int) self->region + delta % (int) n + (int) n) % (int) n);
  return self->region != old;
}

/**
 * nm_education_model_set_text_func:
 * @func: (nullable): called with every string the pages draw
 *
 * Lets a test see all the text the pages draw themselves. (The map and its
 * legend, drawn by nm_render_map(), only show region depths and scales.)
 */
void
nm_education_model_set_text_func (NmEducationModel    *self,
                                  NmEducationTextFunc  func,
                                  gpointer             user_data)
{
  g_return_if_fail (self != NULL);

  self->text_func = func;
  self->text_data = user_data;
}

/* ------------------------------------------------------- skin thickness */

/* Skin layers per region, for a cross-section drawn to scale
 * (clinical/REFERENCE.md §8). As the reference suggests, the epidermis
 * comes from histology and the dermis from ultrasound, which measures the
 * epidermis several times too thick:
 *  - epidermis on the face: CHO, 0.030–0.063 mm; the upper lip is CHO's
 *    thickest, 0.063 mm; other facial sites take the middle of the range,
 *    0.046 mm; on the body the meta-analysis mean, 0.10 mm (XU);
 *  - dermis on the face and neck: MEN (HFUS), the mean of its male and
 *    female values; where MEN has no site, the nearest one it has;
 *  - upper lip: epidermis + dermis ≈ 1.0 mm at the nasolabial fold (USD);
 *  - body: epidermis + dermis by 20 MHz ultrasound (LAU: suprascapular
 *    2.54, deltoid 2.02, waist 1.91, thigh 1.55 mm), the dorsal forearm
 *    1.44 mm (VMU) and the back of the hand, dermis 2.1 mm (OLT); where no
 *    site was measured, the lowest body dermis OLT reports, 2.1 mm. */
typedef struct
{
  const char *prefix;        /* region id or id prefix */
  double      epidermis;
  double      dermis;        /* < 0: -(epidermis + dermis) */
  const char *site;
  const char *sources;
} SkinRow;

#define FACE_EPIDERMIS 0.046
#define BODY_EPIDERMIS 0.10
#define MEN_MEAN(m, f) (((m) + (f)) / 2.0)

static const SkinRow skin_rows[] = {
  { "forehead",      FACE_EPIDERMIS, MEN_MEAN (1.17, 0.86), N_("forehead"),                 "MEN, CHO" },
  { "glabella",      FACE_EPIDERMIS, MEN_MEAN (1.14, 0.90), N_("glabella"),                 "MEN, CHO" },
  { "temple",        FACE_EPIDERMIS, MEN_MEAN (1.06, 0.80), N_("temple"),                   "MEN, CHO" },
  { "periorbital",   FACE_EPIDERMIS, MEN_MEAN (0.67, 0.58), N_("eyelid, the nearest site"), "MEN, CHO" },
  { "eyelid",        FACE_EPIDERMIS, MEN_MEAN (0.67, 0.58), N_("eyelid"),                   "MEN, CHO" },
  { "nose",          FACE_EPIDERMIS, MEN_MEAN (1.03, 0.93), N_("bridge of the nose"),       "MEN, CHO" },
  { "cheek",         FACE_EPIDERMIS, MEN_MEAN (1.14, 0.87), N_("cheekbone"),                "MEN, CHO" },
  { "upper-lip",     0.063,          -1.0,                  N_("nasolabial fold"),          "USD, CHO" },
  { "chin",          FACE_EPIDERMIS, MEN_MEAN (1.02, 0.91), N_("under the jaw, the nearest site"), "MEN, CHO" },
  { "jawline",       FACE_EPIDERMIS, MEN_MEAN (1.02, 0.91), N_("under the jaw"),            "MEN, CHO" },
  { "neck",          FACE_EPIDERMIS, MEN_MEAN (0.98, 0.99), N_("neck"),                     "MEN, CHO" },
  { "decolletage",   FACE_EPIDERMIS, MEN_MEAN (0.98, 0.99), N_("neck, the nearest site"),   "MEN, CHO" },
  { "upper-back",    BODY_EPIDERMIS, -2.54,                 N_("over the shoulder blade"),  "LAU, XU" },
  { "upper-arm",     BODY_EPIDERMIS, -2.02,                 N_("upper arm"),                "LAU, XU" },
  { "forearm",       BODY_EPIDERMIS, -1.44,                 N_("back of the forearm"),      "VMU, XU" },
  { "hand",          BODY_EPIDERMIS, 2.1,                   N_("back of the hand"),         "OLT, XU" },
  { "abdomen",       BODY_EPIDERMIS, -1.91,                 N_("waist"),                    "LAU, XU" },
  { "flank",         BODY_EPIDERMIS, -1.91,                 N_("waist"),                    "LAU, XU" },
  { "lower-back",    BODY_EPIDERMIS, -1.91,                 N_("waist, the nearest site"),  "LAU, XU" },
  { "thigh",         BODY_EPIDERMIS, -1.55,                 N_("thigh"),                    "LAU, XU" },
  { "scalp",         BODY_EPIDERMIS, 2.1,                   N_("body skin, its thinnest reported dermis"), "OLT, XU" },
  { "breast",        BODY_EPIDERMIS, 2.1,                   N_("body skin, its thinnest reported dermis"), "OLT, XU" },
  { "buttock",       BODY_EPIDERMIS, 2.1,                   N_("body skin, its thinnest reported dermis"), "OLT, XU" },
  { "lower-leg",     BODY_EPIDERMIS, 2.1,                   N_("body skin, its thinnest reported dermis"), "OLT, XU" },
};

/**
 * nm_skin_layers_for_region:
 * @region: a region id
 * @layers: (out): the thicknesses and where they were measured
 *
 * Returns: whether @region is known
 */
gboolean
nm_skin_layers_for_region (const char   *region,
                           NmSkinLayers *layers)
{
  g_return_val_if_fail (layers != NULL, FALSE);

  if (region == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (skin_rows); i++)
    {
      const SkinRow *row = &skin_rows[i];

      if (g_str_has_prefix (region, row->prefix))
        {
          layers->epidermis_mm = row->epidermis;
          layers->dermis_mm = row->dermis >= 0 ? row->dermis : -row->dermis - row->epidermis;
          layers->site = _(row->site);
          layers->sources = row->sources;
          return TRUE;
        }
    }
  return FALSE;
}

/* --------------------------------------------------------------- drawing */

typedef struct
{
  cairo_t          *cr;
  NmEducationModel *model;
  double            scale;   /* device units per design unit */
  double            W, H;    /* the design canvas */
  double            t;
} Ctx;

static double
clamp01 (double x)
{
  return CLAMP (x, 0.0, 1.0);
}

/* smoothstep from 0 at @a to 1 at @b */
static double
ease (double t,
      double a,
      double b)
{
  double x = clamp01 ((t - a) / (b - a));

  return x * x * (3 - 2 * x);
}

static void
set_rgb (cairo_t   *cr,
         const Rgb *c,
         double     alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Every text of the pages goes through layout() and show(); show() hands
 * the string to the model's text function. */
static PangoLayout *
layout (Ctx        *c,
        const char *text,
        double      size,
        gboolean    bold,
        double      width,
        gboolean    markup)
{
  PangoLayout *layout = pango_cairo_create_layout (c->cr);
  PangoFontDescription *font = pango_font_description_from_string (NM_RENDER_FONT_FAMILY);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  if (markup)
    pango_layout_set_markup (layout, text, -1);
  else
    pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
size_of (PangoLayout *layout,
         double      *w,
         double      *h)
{
  int pw, ph;

  pango_layout_get_pixel_size (layout, &pw, &ph);
  if (w != NULL)
    *w = pw;
  if (h != NULL)
    *h = ph;
}

static void
show (Ctx         *c,
      PangoLayout *layout,
      double       x,
      double       y,
      const Rgb   *colour,
      double       alpha)
{
  if (c->model->text_func != NULL)
    c->model->text_func (pango_layout_get_text (layout), c->model->text_data);
  if (alpha <= 0)
    return;
  cairo_move_to (c->cr, x, y);
  set_rgb (c->cr, colour, alpha);
  pango_cairo_show_layout (c->cr, layout);
}

/* Draws @text and returns its height. */
static double
text (Ctx        *c,
      const char *string,
      double      x,
      double      y,
      double      width,
      double      size,
      gboolean    bold,
      const Rgb  *colour,
      double      alpha)
{
  g_autoptr(PangoLayout) l = layout (c, string, size, bold, width, FALSE);
  double h;

  size_of (l, NULL, &h);
  show (c, l, x, y, colour, alpha);
  return h;
}

static double
text_height (Ctx        *c,
             const char *string,
             double      width,
             double      size,
             gboolean    bold)
{
  g_autoptr(PangoLayout) l = layout (c, string, size, bold, width, FALSE);
  double h;

  size_of (l, NULL, &h);
  return h;
}

static void
draw_background (Ctx *c)
{
  cairo_pattern_t *pattern = cairo_pattern_create_linear (0, 0, 0, c->H);

  cairo_pattern_add_color_stop_rgb (pattern, 0, bg_top.r, bg_top.g, bg_top.b);
  cairo_pattern_add_color_stop_rgb (pattern, 1, bg_bottom.r, bg_bottom.g, bg_bottom.b);
  cairo_set_source (c->cr, pattern);
  cairo_paint (c->cr);
  cairo_pattern_destroy (pattern);
}

/* The title and the page dots; returns the top of the content. */
static double
draw_frame (Ctx             *c,
            NmEducationPage  page)
{
  double dots_w = (NM_EDUCATION_N_PAGES - 1) * 26 + 40;
  double x = (c->W - dots_w) / 2;

  draw_background (c);
  text (c, nm_education_page_title (page), MARGIN, 36, c->W - 2 * MARGIN, 46, TRUE, &fg, 1);

  for (guint i = 0; i < NM_EDUCATION_N_PAGES; i++)
    {
      if (i == page)
        {
          rounded_rect (c->cr, x, c->H - 38, 40, 12, 6);
          set_rgb (c->cr, &accent, 1);
          x += 40 + 14;
        }
      else
        {
          cairo_arc (c->cr, x + 6, c->H - 32, 6, 0, 2 * G_PI);
          set_rgb (c->cr, &faint, 0.7);
          x += 26;
        }
      cairo_fill (c->cr);
    }
  return 120;
}

/* ------------------------------------------------ page 1: the needle */

static void
draw_dermis_fibres (cairo_t *cr,
                    double   x,
                    double   y,
                    double   w,
                    double   h,
                    guint    seed,
                    const Rgb *colour,
                    double   alpha,
                    double   line)
{
  /* a fixed pseudo-random pattern, the same every frame */
  guint32 state = seed * 2654435761u + 1;
  guint n = (guint) (w * h / 1800) + 6;

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_set_line_width (cr, line);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  set_rgb (cr, colour, alpha);
  for (guint i = 0; i < n; i++)
    {
      double fx, fy, len, amp;

      state = state * 1664525u + 1013904223u;
      fx = x + (state >> 8) % 10000 / 10000.0 * w;
      state = state * 1664525u + 1013904223u;
      fy = y + (state >> 8) % 10000 / 10000.0 * h;
      state = state * 1664525u + 1013904223u;
      len = 30 + (state >> 8) % 50;
      amp = 3 + (state >> 12) % 4;
      cairo_move_to (cr, fx, fy);
      cairo_curve_to (cr, fx + len / 3, fy - amp, fx + 2 * len / 3, fy + amp, fx + len, fy);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_fat (cairo_t *cr,
          double   x,
          double   y,
          double   w,
          double   h)
{
  double r = 26;

  set_rgb (cr, &fat, 1);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill (cr);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  set_rgb (cr, &fat_line, 1);
  cairo_set_line_width (cr, 2);
  for (int row = 0; y + row * r * 1.5 < y + h + r; row++)
    for (int col = -1; x + col * r * 2 < x + w + r; col++)
      {
        double cx = x + col * r * 2 + (row % 2) * r;
        double cy = y + r * 0.9 + row * r * 1.5;

        cairo_new_sub_path (cr);
        cairo_arc (cr, cx, cy, r * 0.92, 0, 2 * G_PI);
      }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_needle (cairo_t *cr,
             double   x,
             double   tip_y,
             double   length)
{
  cairo_move_to (cr, x - 3.2, tip_y - length);
  cairo_line_to (cr, x + 3.2, tip_y - length);
  cairo_line_to (cr, x + 1.6, tip_y - 8);
  cairo_line_to (cr, x, tip_y);
  cairo_line_to (cr, x - 1.6, tip_y - 8);
  cairo_close_path (cr);
  set_rgb (cr, &steel, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
draw_step (Ctx        *c,
           guint       number,
           const char *string,
           double      x,
           double      y,
           double      width,
           double      size,
           double      emphasis)
{
  g_autofree char *digit = g_strdup_printf ("%u", number);
  g_autoptr(PangoLayout) d = layout (c, digit, size * 0.8, TRUE, -1, FALSE);
  double dw, dh, r = size * 0.75;

  cairo_arc (c->cr, x + r, y + r * 0.9, r, 0, 2 * G_PI);
  set_rgb (c->cr, &accent, 0.35 + 0.65 * emphasis);
  cairo_fill (c->cr);
  size_of (d, &dw, &dh);
  show (c, d, x + r - dw / 2, y + r * 0.9 - dh / 2, &bg_top, 1);
  text (c, string, x + 2 * r + 16, y, width - 2 * r - 16, size, FALSE, &fg, 0.45 + 0.55 * emphasis);
}

/* The cross-section of page 1, in design units: the skin's layers to
 * scale for the region shown, and the needle's setting there. */
typedef struct
{
  const char         *region;
  const NmPlanRegion *planned;     /* nullable: no depth planned here */
  NmSkinLayers        skin;
  double              needle_mm;
  double              view_mm;     /* the depth the picture shows */
  double              x, w;        /* the picture, with its ruler */
  double              surface_y;   /* the top of the epidermis */
  double              dermis_y;
  double              hypo_y;
  double              bottom;
  double              ppm;         /* units per millimetre */
} Section;

static void
section_init (Ctx     *c,
              Section *s,
              double   top)
{
  NmEducationModel *model = c->model;

  s->region = nm_education_model_get_region (model);
  if (!nm_skin_layers_for_region (s->region, &s->skin))
    nm_skin_layers_for_region ("cheek-left", &s->skin);
  s->planned = NULL;
  if (model->plan != NULL && nm_plan_get_status (model->plan) != NM_PLAN_BLOCKED)
    s->planned = nm_plan_lookup_region (model->plan, s->region);
  if (s->planned != NULL && !s->planned->treat)
    s->planned = NULL;
  s->needle_mm = s->planned != NULL ? s->planned->max_mm : 0.5;

  /* the depth shown: the skin and a little of the fat below, and always
   * the needle, in whole half millimetres so the ruler stays round */
  s->view_mm = ceil (MAX ((s->skin.epidermis_mm + s->skin.dermis_mm) * 1.5, s->needle_mm + 0.4) * 2) / 2;

  s->x = MARGIN;
  s->w = c->W * 0.56;
  s->surface_y = top + 118;
  s->bottom = c->H - 128;
  s->ppm = (s->bottom - s->surface_y) / s->view_mm;
  s->dermis_y = s->surface_y + s->skin.epidermis_mm * s->ppm;
  s->hypo_y = s->dermis_y + s->skin.dermis_mm * s->ppm;
}

/* Which area, at which setting */
static void
draw_section_header (Ctx           *c,
                     const Section *s,
                     double         top)
{
  g_autofree char *header = NULL;

  if (s->planned != NULL)
    {
      g_autofree char *range = nm_render_depth_text (s->planned->min_mm, s->planned->max_mm);

      /* TRANSLATORS: %s is a region such as "Left cheek", then a depth such as "1.25–1.5 mm" */
      header = g_strdup_printf (_("%s: needles set to %s"), nm_vocab_region_name (s->region), range);
    }
  else
    header = g_strdup_printf (_("%s: your practitioner sets the depth"), nm_vocab_region_name (s->region));
  text (c, header, s->x, top, s->w, 28, TRUE, &fg, 1);
  if (c->model->regions->len > 2)
    text (c, _("Up and Down keys: another area"), s->x, top + 38, s->w, 18, FALSE, &faint, 1);
}

/* The layers, to scale, in the skin's colour for the client's type */
static void
draw_skin_layers (Ctx           *c,
                  const Section *s)
{
  cairo_t *cr = c->cr;
  double x = s->x + 70, w = s->w - 70;
  double rgb[3];

  nm_skin_tone_for_fitzpatrick (c->model->fitzpatrick, rgb);
  cairo_save (cr);
  rounded_rect (cr, x, s->surface_y, w, s->bottom - s->surface_y, 10);
  cairo_clip (cr);
  draw_fat (cr, x, s->hypo_y, w, s->bottom - s->hypo_y);
  set_rgb (cr, &dermis, 1);
  cairo_rectangle (cr, x, s->dermis_y, w, s->hypo_y - s->dermis_y);
  cairo_fill (cr);
  draw_dermis_fibres (cr, x, s->dermis_y + 4, w, s->hypo_y - s->dermis_y - 8, 3, &fibre, 0.55, 2.2);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_rectangle (cr, x, s->surface_y, w, MAX (s->dermis_y - s->surface_y, 2));
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.5);
  cairo_rectangle (cr, x, s->surface_y, w, 1.5);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The ruler, every 0.5 mm */
static void
draw_depth_ruler (Ctx           *c,
                  const Section *s)
{
  cairo_t *cr = c->cr;

  cairo_set_line_width (cr, 2);
  set_rgb (cr, &muted, 1);
  cairo_move_to (cr, s->x + 56, s->surface_y);
  cairo_line_to (cr, s->x + 56, s->bottom);
  cairo_stroke (cr);
  for (guint i = 0; i * 0.5 <= s->view_mm + 1e-6; i++)
    {
      double ty = s->surface_y + i * 0.5 * s->ppm;
      g_autofree char *value = nm_format_mm_display (i * 0.5);
      g_autofree char *label = i == 0 ? g_strdup (_("0 mm")) : g_steal_pointer (&value);
      g_autoptr(PangoLayout) l = layout (c, label, 18, FALSE, -1, FALSE);
      double lw, lh;

      cairo_move_to (cr, s->x + 48, ty);
      cairo_line_to (cr, s->x + 64, ty);
      set_rgb (cr, &muted, 1);
      cairo_stroke (cr);
      size_of (l, &lw, &lh);
      show (c, l, s->x + 42 - lw, ty - lh / 2, &muted, 1);
    }
}

/* The layers' names and thicknesses, at the right edge of the section */
static void
draw_layer_names (Ctx           *c,
                  const Section *s)
{
  cairo_t *cr = c->cr;
  double px = s->x, pw = s->w;
  g_autofree char *epi_mm = nm_format_mm_display (s->skin.epidermis_mm);
  g_autofree char *dermis_mm = nm_format_mm_display (s->skin.dermis_mm);
  /* TRANSLATORS: %s is a thickness such as "0.05" */
  g_autofree char *epi_text = g_strdup_printf (_("Epidermis, %s mm"), epi_mm);
  g_autofree char *dermis_text = g_strdup_printf (_("Dermis, %s mm"), dermis_mm);

  {
    g_autoptr(PangoLayout) l = layout (c, epi_text, 20, TRUE, -1, FALSE);
    double lw, lh, lx;

    size_of (l, &lw, &lh);
    lx = px + pw - lw - 16;
    show (c, l, lx, s->surface_y - lh - 14, &fg, 1);
    set_rgb (cr, &fg, 0.8);
    cairo_set_line_width (cr, 1.5);
    cairo_move_to (cr, lx + lw / 2, s->surface_y - 12);
    cairo_line_to (cr, lx + lw / 2, s->surface_y + (s->dermis_y - s->surface_y) / 2);
    cairo_stroke (cr);
  }
  {
    g_autoptr(PangoLayout) l = layout (c, dermis_text, 20, TRUE, -1, FALSE);
    double lw, lh;

    size_of (l, &lw, &lh);
    rounded_rect (cr, px + pw - lw - 26, (s->dermis_y + s->hypo_y - lh) / 2 - 4, lw + 16, lh + 8, 6);
    cairo_set_source_rgba (cr, 0.2, 0.05, 0.07, 0.72);
    cairo_fill (cr);
    show (c, l, px + pw - lw - 18, (s->dermis_y + s->hypo_y - lh) / 2, &fg, 1);
  }
  if (s->bottom - s->hypo_y > 40)
    {
      g_autoptr(PangoLayout) l = layout (c, _("Fat (hypodermis)"), 20, TRUE, -1, FALSE);
      double lw, lh;

      size_of (l, &lw, &lh);
      rounded_rect (cr, px + pw - lw - 26, s->bottom - lh - 22, lw + 16, lh + 8, 6);
      cairo_set_source_rgba (cr, 0.25, 0.2, 0.05, 0.72);
      cairo_fill (cr);
      show (c, l, px + pw - lw - 18, s->bottom - lh - 18, &fg, 1);
    }
}

/* The needles at time t: they go in and come out; then the channels they
 * leave close and new collagen forms around them. */
typedef struct
{
  double x[5];
  double tip_shift;    /* the tips below the surface, in units */
  double channel_w;    /* the open channels' width at the surface */
  double collagen;     /* 0–1 */
} Needles;

static void
needles_at (Ctx           *c,
            const Section *s,
            Needles       *n)
{
  double t = c->t;
  double down = ease (t, NEEDLE_DOWN_START, NEEDLE_DOWN_END) * (1 - ease (t, NEEDLE_UP_START, NEEDLE_UP_END));

  n->tip_shift = -40 + down * (s->needle_mm * s->ppm + 40);
  n->channel_w = t < NEEDLE_UP_START ? 0 : 6 * (1 - ease (t, CHANNELS_CLOSE, CHANNELS_CLOSED));
  n->collagen = ease (t, CHANNELS_CLOSED - 0.6, COLLAGEN_DONE);
  for (guint i = 0; i < G_N_ELEMENTS (n->x); i++)
    n->x[i] = s->x + 140 + i * (s->w - 440) / (G_N_ELEMENTS (n->x) - 1);
}

/* The planned range as a band, the setting as a dashed line with its
 * value beside the needles */
static void
draw_needle_setting (Ctx           *c,
                     const Section *s,
                     const Needles *n)
{
  static const double dash[] = { 10, 8 };
  cairo_t *cr = c->cr;
  const NmPlanRegion *planned = s->planned;
  double setting_y = s->surface_y + s->needle_mm * s->ppm;
  g_autofree char *value = nm_format_mm_display (s->needle_mm);
  /* TRANSLATORS: the needle setting on the cross-section, e.g. "1.5 mm" */
  g_autofree char *tag = g_strdup_printf (_("%s mm"), value);
  g_autoptr(PangoLayout) l = NULL;
  double lw, lh;

  if (planned != NULL && planned->max_mm > planned->min_mm)
    {
      cairo_rectangle (cr, s->x + 70, s->surface_y + planned->min_mm * s->ppm, s->w - 70,
                       (planned->max_mm - planned->min_mm) * s->ppm);
      set_rgb (cr, &accent, 0.30);
      cairo_fill (cr);
    }

  cairo_save (cr);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, 2);
  set_rgb (cr, &accent, 1);
  cairo_move_to (cr, s->x + 64, setting_y);
  cairo_line_to (cr, n->x[4] + 30, setting_y);
  cairo_stroke (cr);
  cairo_restore (cr);

  l = layout (c, tag, 20, TRUE, -1, FALSE);
  size_of (l, &lw, &lh);
  rounded_rect (cr, n->x[4] + 34, setting_y - lh / 2 - 4, lw + 16, lh + 8, 6);
  set_rgb (cr, &accent, 1);
  cairo_fill (cr);
  show (c, l, n->x[4] + 42, setting_y - lh / 2, &bg_top, 1);
}

/* Where each needle went: its channel while open, the repair signals
 * spreading from it, then the new collagen around it */
static void
draw_channels (Ctx           *c,
               const Section *s,
               const Needles *n)
{
  cairo_t *cr = c->cr;
  double t = c->t;
  double surface_y = s->surface_y;

  for (guint i = 0; i < G_N_ELEMENTS (n->x); i++)
    {
      double depth = s->needle_mm * s->ppm;
      double x = n->x[i];

      if (n->channel_w > 0.05)
        {
          cairo_move_to (cr, x - n->channel_w / 2, surface_y);
          cairo_line_to (cr, x + n->channel_w / 2, surface_y);
          cairo_line_to (cr, x, surface_y + depth * (0.4 + 0.6 * n->channel_w / 6));
          cairo_close_path (cr);
          set_rgb (cr, &channel, 0.9);
          cairo_fill (cr);
        }
      /* the repair signals spread from each channel while it is open */
      if (t > NEEDLE_UP_START && t < CHANNELS_CLOSED + 0.5)
        {
          double k = ease (t, NEEDLE_UP_START, CHANNELS_CLOSE) * (1 - ease (t, CHANNELS_CLOSED - 0.5, CHANNELS_CLOSED + 0.5));
          cairo_pattern_t *glow = cairo_pattern_create_radial (x, surface_y + depth / 2, 0,
                                                               x, surface_y + depth / 2, 18 + 30 * k);

          cairo_pattern_add_color_stop_rgba (glow, 0, warm.r, warm.g, warm.b, 0.55 * k);
          cairo_pattern_add_color_stop_rgba (glow, 1, warm.r, warm.g, warm.b, 0);
          cairo_set_source (cr, glow);
          cairo_arc (cr, x, surface_y + depth / 2, 18 + 30 * k, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_pattern_destroy (glow);
        }
      if (n->collagen > 0)
        draw_dermis_fibres (cr, x - 36, s->dermis_y + 2, 72, MIN (s->hypo_y, surface_y + depth) - s->dermis_y - 2,
                            11 + i, &fg, 0.85 * n->collagen, 3.0);
    }
}

/* The pen: its face rests on the skin when the needles are all the way
 * in; it fades out once they are out. */
static void
draw_pen (Ctx           *c,
          const Section *s,
          const Needles *n,
          double         top)
{
  cairo_t *cr = c->cr;
  double alpha = 1 - ease (c->t, NEEDLE_UP_END, NEEDLE_UP_END + 0.6);
  double face_y = s->surface_y + n->tip_shift - s->needle_mm * s->ppm;

  if (c->t >= NEEDLE_UP_END + 0.6)
    return;

  cairo_push_group (cr);
  for (guint i = 0; i < G_N_ELEMENTS (n->x); i++)
    draw_needle (cr, n->x[i], s->surface_y + n->tip_shift, s->needle_mm * s->ppm);
  rounded_rect (cr, n->x[0] - 40, face_y - 56, n->x[4] - n->x[0] + 80, 56, 14);
  cairo_set_source_rgb (cr, 0.30, 0.33, 0.38);
  cairo_fill_preserve (cr);
  set_rgb (cr, &steel, 1);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  cairo_pop_group_to_source (cr);
  cairo_save (cr);
  cairo_rectangle (cr, 0, top + 64, c->W, c->H);
  cairo_clip (cr);
  cairo_paint_with_alpha (cr, alpha);
  cairo_restore (cr);
}

/* Under the picture: where the thicknesses come from, its sources named
 * in short, in the room above the page dots (smaller type in a longer
 * language) */
static void
draw_section_caption (Ctx           *c,
                      const Section *s)
{
  g_autofree char *sources = nm_references_short_names (s->skin.sources);
  /* TRANSLATORS: %s is where the skin was measured, e.g. "cheekbone";
   * then its sources named in short, "Meng 2022, Chopra 2015" */
  g_autofree char *caption = g_strdup_printf (_("To scale. Thicknesses measured at the %s (average of women and men). Source: %s"),
                                              s->skin.site, sources);
  /* TRANSLATORS: %s is a source named in short, "Kalluri 2011"; a
   * one-line caption under the picture */
  g_autofree char *reach = g_strdup_printf (_("The setting is the needle’s length; skin gives way under it, "
                                              "so the needle reaches less deep (%s)."),
                                            nm_reference_short_name ("K1"));
  double y = s->bottom + 12;
  double room = c->H - 46 - y;
  double size;

  for (size = 16; size > 12; size -= 1)
    if (text_height (c, caption, s->w, size, FALSE) + 2 + text_height (c, reach, s->w, size, FALSE) <= room)
      break;
  y += text (c, caption, s->x, y, s->w, size, FALSE, &faint, 1);
  text (c, reach, s->x, y + 2, s->w, size, FALSE, &faint, 1);
}

/* The steps, beside the picture, the one the animation is at bright */
static void
draw_needling_steps (Ctx           *c,
                     const Section *s,
                     double         top)
{
  double t = c->t;
  double col_x = s->x + s->w + 48;
  double col_w = c->W - col_x - MARGIN;
  double y = top + 10;
  const char *steps[4];
  g_autofree char *lab = NULL;
  double size, lab_size;
  int active;

  steps[0] = _("A pen moves fine sterile needles in and out of the skin, to the depth set for each area.");
  steps[1] = _("Each needle leaves a tiny channel. The skin reads it as a small injury and starts to repair.");
  steps[2] = nm_texts_channels_close ();
  steps[3] = _("Over the following weeks and months the repair builds new collagen in the dermis.");
  /* TRANSLATORS: the sources of the steps, named in short: a laboratory
   * study ("Kalluri 2011") and a study of new collagen ("Aust 2008") */
  lab = g_strdup_printf (_("Lab study: %s. New collagen: %s."), nm_reference_short_name ("K1"),
                         nm_reference_short_name ("AUS"));
  /* the largest type that keeps the steps and their sources above the
   * page dots */
  for (size = 24; size > 16; size -= 1)
    {
      double h = 0;

      lab_size = MAX (size * 2 / 3, 13);
      for (int i = 0; i < 4; i++)
        h += text_height (c, steps[i], col_w - 52, size, FALSE) + size * 1.25;
      h += text_height (c, lab, col_w - 52, lab_size, FALSE);
      if (y + h <= c->H - 50)
        break;
    }
  lab_size = MAX (size * 2 / 3, 13);
  if (t < NEEDLE_UP_START)
    active = 0;
  else if (t < CHANNELS_CLOSE)
    active = 1;
  else if (t < CHANNELS_CLOSED)
    active = 2;
  else if (t < NEEDLING_DURATION)
    active = 3;
  else
    active = -1;    /* the end: everything at full strength */

  for (int i = 0; i < 4; i++)
    {
      double emphasis = active < 0 || i == active ? 1.0 : i < active ? 0.55 : 0.15;
      const char *string = steps[i];

      draw_step (c, i + 1, string, col_x, y, col_w, size, emphasis);
      y += text_height (c, string, col_w - 52, size, FALSE) + size * 1.25;
    }
  text (c, lab, col_x + 52, y, col_w - 52, lab_size, FALSE, &faint, 1);
}

static void
page_needling (Ctx *c)
{
  double top = draw_frame (c, NM_EDUCATION_PAGE_NEEDLING);
  Section s;
  Needles n;

  section_init (c, &s, top);
  draw_section_header (c, &s, top);
  draw_skin_layers (c, &s);
  draw_depth_ruler (c, &s);
  draw_layer_names (c, &s);
  needles_at (c, &s, &n);
  draw_needle_setting (c, &s, &n);
  draw_channels (c, &s, &n);
  draw_pen (c, &s, &n, top);
  draw_section_caption (c, &s);
  draw_needling_steps (c, &s, top);
}

/* --------------------------------------------- page 2: healing over time */

/* Days after a session on a logarithmic axis, so the first days, when the
 * most is visible, get as much room as the year of remodelling. */
static double
day_to_unit (double day)
{
  return log1p (MAX (day, 0)) / log1p (365);
}

static double
unit_to_day (double u)
{
  return expm1 (u * log1p (365));
}

/* Page 2's timeline: a lane per healing phase over the days after a
 * session, and the "now" that sweeps along them */
typedef struct
{
  double gutter;           /* where the track starts, right of the names */
  double x1;               /* where it ends */
  double track;            /* its length */
  double lane_y, lane_h, lane_gap;
  double axis_y;
  double progress;         /* of the sweep, 0–1 */
  double cursor_x;
  double now_day;          /* the day under the cursor */
} Sweep;

static void
sweep_init (Ctx   *c,
            Sweep *s,
            double top)
{
  double widest = 0;

  /* the phases' names and timings each on one line left of the track (in
   * French a timing on two ran into the next phase's name) */
  for (guint p = 0; p < NM_N_HEALING_PHASES; p++)
    {
      NmHealingPhaseInfo info = nm_texts_healing_phase (p);
      g_autoptr(PangoLayout) name = layout (c, info.name, 24, TRUE, -1, FALSE);
      g_autoptr(PangoLayout) timing = layout (c, info.timing, 15, FALSE, -1, FALSE);
      double w;

      size_of (name, &w, NULL);
      widest = MAX (widest, w);
      size_of (timing, &w, NULL);
      widest = MAX (widest, w);
    }
  s->gutter = MARGIN + CLAMP (widest + 20, 300, 440);
  s->x1 = c->W - MARGIN - 20;
  s->track = s->x1 - s->gutter;
  s->lane_y = top + 22;
  s->lane_h = 40;
  s->lane_gap = 12;
  s->axis_y = s->lane_y + NM_N_HEALING_PHASES * (s->lane_h + s->lane_gap) + 4;
  s->progress = ease (c->t, HEALING_START, HEALING_START + HEALING_SWEEP);
  s->cursor_x = s->gutter + s->progress * s->track;
  s->now_day = unit_to_day (s->progress);
}

/* A lane per phase, named on the left, lit up to the cursor */
static void
draw_phase_lanes (Ctx         *c,
                  const Sweep *s)
{
  cairo_t *cr = c->cr;
  double lane_h = s->lane_h;

  for (guint p = 0; p < NM_N_HEALING_PHASES; p++)
    {
      NmHealingPhaseInfo info = nm_texts_healing_phase (p);
      double y = s->lane_y + p * (lane_h + s->lane_gap);
      double bx0 = s->gutter + day_to_unit (info.start_day) * s->track;
      double bx1 = s->gutter + day_to_unit (info.end_day) * s->track;
      double lit = CLAMP (s->cursor_x, bx0, bx1);

      text (c, info.name, MARGIN, y - 6, s->gutter - MARGIN - 16, 24, TRUE, &phase_colours[p], 1);
      text (c, info.timing, MARGIN, y + 24, s->gutter - MARGIN - 16, 15, FALSE, &muted, 1);

      rounded_rect (cr, bx0, y + 4, bx1 - bx0, lane_h - 8, (lane_h - 8) / 2);
      set_rgb (cr, &phase_colours[p], 0.22);
      cairo_fill (cr);
      if (lit > bx0)
        {
          cairo_save (cr);
          cairo_rectangle (cr, bx0, y, lit - bx0, lane_h);
          cairo_clip (cr);
          rounded_rect (cr, bx0, y + 4, bx1 - bx0, lane_h - 8, (lane_h - 8) / 2);
          set_rgb (cr, &phase_colours[p], 0.95);
          cairo_fill (cr);
          cairo_restore (cr);
        }
    }
}

/* The phase on @day; the overlap of two phases belongs to the later one */
static guint
phase_on_day (double day)
{
  for (int p = NM_N_HEALING_PHASES - 1; p >= 0; p--)
    {
      NmHealingPhaseInfo info = nm_texts_healing_phase (p);

      if (day >= info.start_day)
        return p;
    }
  return 0;
}

/* The axis of days under the lanes */
static void
draw_day_axis (Ctx         *c,
               const Sweep *s)
{
  static const struct { double day; const char *label; } ticks[] = {
    { 0, N_("Session") }, { 1, N_("1 day") }, { 3, N_("3 days") }, { 7, N_("1 week") },
    { 14, N_("2 weeks") }, { 56, N_("8 weeks") }, { 182, N_("6 months") }, { 365, N_("1 year") },
  };
  cairo_t *cr = c->cr;

  set_rgb (cr, &muted, 1);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, s->gutter, s->axis_y);
  cairo_line_to (cr, s->x1, s->axis_y);
  cairo_stroke (cr);
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    {
      double x = s->gutter + day_to_unit (ticks[i].day) * s->track;
      g_autoptr(PangoLayout) l = layout (c, _(ticks[i].label), 17, FALSE, -1, FALSE);
      double lw, lh;

      cairo_move_to (cr, x, s->axis_y - 6);
      cairo_line_to (cr, x, s->axis_y + 6);
      set_rgb (cr, &muted, 1);
      cairo_stroke (cr);
      size_of (l, &lw, &lh);
      show (c, l, CLAMP (x - lw / 2, s->gutter - 10, s->x1 - lw + 10), s->axis_y + 10, &muted, 1);
    }
}

/* The moving "now": a line while it sweeps, and above the lanes the
 * moment under it in the unit a client would use */
static void
draw_now (Ctx         *c,
          const Sweep *s)
{
  cairo_t *cr = c->cr;
  double now_day = s->now_day;
  guint day = (guint) floor (now_day) + 1;
  g_autofree char *when = NULL;
  g_autoptr(PangoLayout) l = NULL;
  double lw, lh, bx;

  if (s->progress > 0 && s->progress < 1)
    {
      cairo_set_line_width (cr, 3);
      set_rgb (cr, &fg, 0.9);
      cairo_move_to (cr, s->cursor_x, s->lane_y - 6);
      cairo_line_to (cr, s->cursor_x, s->axis_y);
      cairo_stroke (cr);
      cairo_arc (cr, s->cursor_x, s->axis_y, 7, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  if (s->progress <= 0)
    return;

  if (now_day < 14)
    when = g_strdup_printf (_("Day %u"), day);
  else if (now_day < 61)
    when = g_strdup_printf (_("Week %u"), (guint) floor (now_day / 7) + 1);
  else
    when = g_strdup_printf (_("Month %u"), MIN ((guint) floor (now_day / 30.44) + 1, 12));
  l = layout (c, when, 17, TRUE, -1, FALSE);
  size_of (l, &lw, &lh);
  bx = CLAMP (s->cursor_x - lw / 2 - 8, s->gutter - 8, s->x1 - lw - 8);
  rounded_rect (cr, bx, s->lane_y - lh - 16, lw + 16, lh + 6, 6);
  set_rgb (cr, &fg, 1);
  cairo_fill (cr);
  show (c, l, bx + 8, s->lane_y - lh - 13, &bg_top, 1);
}

/* What happens underneath, for the phase under the cursor */
static void
draw_underneath (Ctx         *c,
                 const Sweep *s)
{
  guint current = phase_on_day (s->now_day);
  NmHealingPhaseInfo info = nm_texts_healing_phase (current);
  g_autoptr(PangoLayout) head = layout (c, _("Underneath:"), 24, TRUE, -1, FALSE);
  double hw;

  size_of (head, &hw, NULL);
  show (c, head, MARGIN, s->axis_y + 40, &phase_colours[current], 1);
  text (c, info.underneath, MARGIN + hw + 10, s->axis_y + 40, c->W - 2 * MARGIN - hw - 10, 24, FALSE, &fg, 1);
}

/* What the client may see, one card per period, shown as the cursor
 * reaches it; the one under the cursor edged */
static void
draw_healing_cards (Ctx         *c,
                    const Sweep *s)
{
  cairo_t *cr = c->cr;
  double progress = s->progress, now_day = s->now_day;
  guint n_signs = nm_texts_n_healing_signs ();
  double cards_y = s->axis_y + 92;
  double card_w = (c->W - 2 * MARGIN - (n_signs - 1) * 20) / n_signs;
  double card_h, size;

  text (c, _("What you may see"), MARGIN, cards_y, -1, 22, TRUE, &muted, 1);
  cards_y += 34;
  card_h = c->H - 112 - cards_y;
  /* the largest type that fits every card's text above its sources */
  for (size = 20; size > 14; size -= 1)
    {
      gboolean fits = TRUE;

      for (guint i = 0; i < n_signs && fits; i++)
        {
          NmHealingSign sign = nm_texts_healing_sign (i);
          g_autofree char *sources = nm_references_short_names (sign.sources);

          fits = 14 + text_height (c, sign.when, card_w - 36, 23, TRUE) + 6 +
                 text_height (c, sign.text, card_w - 36, size, FALSE) + 6 +
                 text_height (c, sources, card_w - 36, 13, FALSE) + 12 <= card_h;
        }
      if (fits)
        break;
    }
  for (guint i = 0; i < n_signs; i++)
    {
      NmHealingSign sign = nm_texts_healing_sign (i);
      double x = MARGIN + i * (card_w + 20);
      double shown = progress >= 1 ? 1 : clamp01 ((now_day - sign.start_day) / MAX (sign.start_day * 0.3, 0.4) + 0.01);
      gboolean now = progress < 1 && progress > 0 && now_day >= sign.start_day && now_day < sign.end_day;
      double y = cards_y + 14 + (1 - shown) * 20;

      if (progress <= 0 && i > 0)
        shown = 0;
      if (progress <= 0 && i == 0)
        shown = 1;
      rounded_rect (cr, x, cards_y, card_w, card_h, 14);
      set_rgb (cr, &card, 0.35 + 0.65 * shown);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, now ? 3 : 1);
      set_rgb (cr, now ? &accent : &faint, now ? 1 : 0.4);
      cairo_stroke (cr);
      y += text (c, sign.when, x + 18, y, card_w - 36, 23, TRUE, &warm, shown) + 6;
      text (c, sign.text, x + 18, y, card_w - 36, size, FALSE, &fg, shown);
      /* its sources named in short, on the card's last lines */
      {
        g_autofree char *sources = nm_references_short_names (sign.sources);
        double h = text_height (c, sources, card_w - 36, 13, FALSE);

        text (c, sources, x + 18, cards_y + card_h - 12 - h, card_w - 36, 13, FALSE, &faint, shown);
      }
    }
}

static void
page_healing (Ctx *c)
{
  double top = draw_frame (c, NM_EDUCATION_PAGE_HEALING);
  Sweep s;

  sweep_init (c, &s, top);
  draw_phase_lanes (c, &s);
  draw_day_axis (c, &s);
  draw_now (c, &s);
  draw_underneath (c, &s);
  draw_healing_cards (c, &s);
  {
    g_autoptr(GString) keys = g_string_new (NULL);
    g_autofree char *sources = NULL;
    g_autofree char *line = NULL;

    /* the phases' sources (the cards name their own) */
    for (guint p = 0; p < NM_N_HEALING_PHASES; p++)
      g_string_append_printf (keys, "%s%s", p > 0 ? ", " : "", nm_texts_healing_phase (p).sources);
    sources = nm_references_short_names (keys->str);
    /* TRANSLATORS: %s is the sources of the healing phases, named in
     * short: "amieamed.com, Aust 2008" */
    line = g_strdup_printf (_("Timings differ from person to person and between sources. Healing phases: %s."),
                            sources);
    text (c, line, MARGIN, c->H - 98, c->W - 2 * MARGIN, 16, FALSE, &faint, 1);
  }
}

/* ------------------------------------------------------ page 3: the map */

/* The view that shows a region on this page: the front of the face, the
 * scalp or the body, never a profile. */
static NmView
map_view_for_region (const char *region)
{
  static const NmView order[] = { NM_VIEW_FACE_FRONT, NM_VIEW_SCALP, NM_VIEW_BODY_FRONT, NM_VIEW_BODY_BACK };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (nm_vocab_region_in_view (region, order[i]))
      return order[i];
  return NM_VIEW_FACE_FRONT;
}

static gboolean
target_is_raster (cairo_t *cr)
{
  return cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_IMAGE;
}

/* Draws the depth map of @view into (x, y, w, h). On raster targets the
 * map is rendered once per size and replayed, so an animation over it
 * costs a blit per frame. */
static void
draw_map (Ctx    *c,
          NmView  view,
          double  x,
          double  y,
          double  w,
          double  h)
{
  NmMapStyle style = { 0 };
  cairo_t *cr = c->cr;
  cairo_surface_t *raster;
  g_autofree char *key = NULL;
  int sw = (int) ceil (w * c->scale), sh = (int) ceil (h * c->scale);

  style.view = view;
  style.layer = NM_MAP_LAYER_DEPTH;
  style.consultation = c->model->findings;
  style.plan = c->model->plan;
  style.dark = TRUE;

  if (!target_is_raster (cr) || sw <= 0 || sh <= 0)
    {
      cairo_save (cr);
      cairo_translate (cr, x, y);
      nm_render_map (cr, &style, w, h);
      cairo_restore (cr);
      return;
    }

  key = g_strdup_printf ("map:%d:%d:%d", view, sw, sh);
  raster = g_hash_table_lookup (c->model->rasters, key);
  if (raster == NULL)
    {
      cairo_t *rcr;

      raster = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, sw, sh);
      rcr = cairo_create (raster);
      cairo_scale (rcr, sw / w, sh / h);
      nm_render_map (rcr, &style, w, h);
      cairo_destroy (rcr);
      g_hash_table_insert (c->model->rasters, g_steal_pointer (&key), raster);
    }
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, w / sw, h / sh);
  cairo_set_source_surface (cr, raster, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
}

/* Lights @region up with white at @alpha, through its shape. */
static void
draw_region_glow (Ctx        *c,
                  NmView      view,
                  const char *region,
                  double      x,
                  double      y,
                  double      w,
                  double      h,
                  double      alpha)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  cairo_t *cr = c->cr;
  int sw = (int) ceil (w * c->scale), sh = (int) ceil (h * c->scale);

  if (atlas == NULL)
    return;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  set_rgb (cr, &fg, alpha);
  if (target_is_raster (cr) && sw > 0 && sh > 0)
    {
      g_autofree char *key = g_strdup_printf ("mask:%s:%d:%d:%d", region, view, sw, sh);
      cairo_surface_t *mask = g_hash_table_lookup (c->model->rasters, key);

      if (mask == NULL)
        {
          cairo_t *mcr;

          mask = cairo_image_surface_create (CAIRO_FORMAT_A8, sw, sh);
          mcr = cairo_create (mask);
          cairo_scale (mcr, sw / w, sh / h);
          nm_atlas_render_region_shape (atlas, mcr, view, region, w, h);
          cairo_destroy (mcr);
          g_hash_table_insert (c->model->rasters, g_steal_pointer (&key), mask);
        }
      cairo_scale (cr, w / sw, h / sh);
      cairo_mask_surface (cr, mask, 0, 0);
    }
  else
    {
      cairo_pattern_t *mask = nm_atlas_region_mask (atlas, cr, view, region, w, h);

      if (mask != NULL)
        {
          cairo_mask (cr, mask);
          cairo_pattern_destroy (mask);
        }
    }
  cairo_restore (cr);
}

/* "Left cheek: about 1.25–1.5 mm, for rolling acne scars." */
static char *
region_sentence (const NmPlanRegion *region)
{
  g_autoptr(GString) kinds = g_string_new (NULL);
  guint n = region->findings != NULL ? g_strv_length (region->findings) : 0;

  for (guint i = 0; i < n; i++)
    {
      const char *name = nm_vocab_kind_name (region->findings[i]);
      gunichar first = g_utf8_get_char (name);
      char buffer[8] = { 0 };

      if (i > 0)
        /* TRANSLATORS: joins finding kinds: "a, b and c" */
        g_string_append (kinds, i + 1 == n ? _(" and ") : _(", "));
      /* lower case inside a sentence, unless the language keeps the
       * capital (German nouns: see the planner's "kind names inside a
       * sentence") */
      if (g_str_equal (C_("kind names inside a sentence", "lowercase"), "keep"))
        g_unichar_to_utf8 (first, buffer);
      else
        g_unichar_to_utf8 (g_unichar_tolower (first), buffer);
      g_string_append (kinds, buffer);
      g_string_append (kinds, g_utf8_next_char (name));
    }

  if (region->treat)
    {
      g_autofree char *range = nm_render_depth_text (region->min_mm, region->max_mm);

      /* TRANSLATORS: a region, a depth such as "1.0–1.5 mm", then what it treats */
      return g_strdup_printf (_("%s: about %s, for %s."), nm_vocab_region_name (region->region),
                              range, kinds->str);
    }
  /* TRANSLATORS: a region that will not be needled */
  return g_strdup_printf (_("%s: not needled here."), nm_vocab_region_name (region->region));
}

/* The regions page 3 lists: the treated ones first, in the spec's order,
 * then those not needled; none when the plan is blocked. Returns how many
 * are treated. */
static guint
shown_regions (NmPlan    *plan,
               gboolean   blocked,
               GPtrArray *shown)
{
  guint n_treated = 0;

  for (guint pass = 0; plan != NULL && !blocked && pass < 2; pass++)
    for (guint i = 0; i < nm_plan_get_n_regions (plan); i++)
      {
        const NmPlanRegion *region = nm_plan_get_region (plan, i);

        if (region->treat == (pass == 0))
          g_ptr_array_add (shown, (gpointer) region);
        if (pass == 0 && region->treat)
          n_treated++;
      }
  return n_treated;
}

/* Page 3's maps, side by side: one per view that holds a listed region
 * (the face when there is none) */
typedef struct
{
  NmView views[NM_N_VIEWS];
  guint  n_views;
  double x, y, w, h;        /* all of them */
} Maps;

static void
maps_init (Maps            *maps,
           const GPtrArray *shown,
           double           x,
           double           y,
           double           w,
           double           h)
{
  maps->n_views = 0;
  for (guint i = 0; i < shown->len; i++)
    {
      NmView view = map_view_for_region (((const NmPlanRegion *) g_ptr_array_index (shown, i))->region);
      gboolean seen = FALSE;

      for (guint v = 0; v < maps->n_views; v++)
        seen |= maps->views[v] == view;
      if (!seen)
        maps->views[maps->n_views++] = view;
    }
  if (maps->n_views == 0)
    maps->views[maps->n_views++] = NM_VIEW_FACE_FRONT;
  maps->x = x;
  maps->y = y;
  maps->w = w;
  maps->h = h;
}

/* The highlight moves from one treated region to the next, every
 * MAP_STEP seconds: the region glows, and a ring travels to it from the
 * one before. */
static void
draw_map_highlight (Ctx             *c,
                    NmAtlas         *atlas,
                    const Maps      *maps,
                    const GPtrArray *shown,
                    guint            n_treated)
{
  cairo_t *cr = c->cr;
  double cycle = c->t / MAP_STEP;
  guint index = (guint) floor (cycle) % n_treated;
  guint prev = (index + n_treated - 1) % n_treated;
  double local = fmod (c->t, MAP_STEP);
  double move = c->t < MAP_STEP ? 1 : ease (local, 0, MAP_MOVE);
  double pulse = 0.5 + 0.5 * sin (2 * G_PI * local / 1.8);
  const NmPlanRegion *now = g_ptr_array_index (shown, index);
  const NmPlanRegion *before = g_ptr_array_index (shown, prev);
  double ax = 0, ay = 0, bx = 0, by = 0;
  double hx, hy, r;

  for (guint v = 0; v < maps->n_views; v++)
    {
      double vx = maps->x + v * maps->w / maps->n_views, vw = maps->w / maps->n_views;
      double rx, ry;

      if (maps->views[v] == map_view_for_region (now->region)
          && nm_atlas_region_anchor (atlas, maps->views[v], now->region, vw, maps->h, &rx, &ry))
        {
          ax = vx + rx;
          ay = maps->y + ry;
          draw_region_glow (c, maps->views[v], now->region, vx, maps->y, vw, maps->h,
                            (0.28 + 0.24 * pulse) * move);
        }
      if (maps->views[v] == map_view_for_region (before->region)
          && nm_atlas_region_anchor (atlas, maps->views[v], before->region, vw, maps->h, &rx, &ry))
        {
          bx = vx + rx;
          by = maps->y + ry;
        }
    }
  if (ax <= 0 && ay <= 0)
    return;

  hx = bx + (ax - bx) * move;
  hy = by + (ay - by) * move;
  r = 50 + 5 * pulse;
  if (c->t < MAP_STEP)
    {
      hx = ax;
      hy = ay;
    }
  cairo_new_path (cr);
  cairo_set_line_width (cr, 14);
  set_rgb (cr, &accent, 0.30);
  cairo_arc (cr, hx, hy, r, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 4);
  set_rgb (cr, &fg, 0.95);
  cairo_arc (cr, hx, hy, r, 0, 2 * G_PI);
  cairo_stroke (cr);
}

/* The largest type, 26 down to 15, at which every sentence of the list
 * and the footnote fit in @height */
static double
region_list_size (Ctx             *c,
                  const GPtrArray *shown,
                  double           width,
                  double           height)
{
  double size;

  for (size = 26; size > 14; size -= 1)
    {
      double total = 0;

      for (guint i = 0; i < shown->len; i++)
        {
          g_autofree char *sentence = region_sentence (g_ptr_array_index (shown, i));

          total += text_height (c, sentence, width - 30, size, FALSE) + size * 0.6;
        }
      total += text_height (c, nm_texts_not_a_promise (), width, 17, FALSE) + 20;
      if (total <= height)
        break;
    }
  return size;
}

/* One sentence per region beside its depth's colour (grey when not
 * needled), the one the highlight is on bright and bold */
static void
draw_region_list (Ctx             *c,
                  const GPtrArray *shown,
                  guint            n_treated,
                  double           x,
                  double           y,
                  double           width,
                  double           size)
{
  cairo_t *cr = c->cr;

  for (guint i = 0; i < shown->len; i++)
    {
      const NmPlanRegion *region = g_ptr_array_index (shown, i);
      g_autofree char *sentence = region_sentence (region);
      gboolean current = n_treated > 0 && i == (guint) floor (c->t / MAP_STEP) % n_treated;
      double h = text_height (c, sentence, width - 30, size, current);

      if (region->treat)
        {
          NmRgba swatch;

          nm_render_depth_colour ((region->min_mm + region->max_mm) / 2, &swatch);
          rounded_rect (cr, x, y + 3, 12, h - 6, 4);
          cairo_set_source_rgb (cr, swatch.red, swatch.green, swatch.blue);
          cairo_fill (cr);
        }
      else
        {
          cairo_save (cr);
          rounded_rect (cr, x, y + 3, 12, h - 6, 4);
          cairo_clip (cr);
          set_rgb (cr, &faint, 1);
          cairo_paint (cr);
          cairo_restore (cr);
        }
      text (c, sentence, x + 30, y, width - 30, size, current,
            region->treat ? (current ? &fg : &muted) : &faint, 1);
      y += h + size * 0.6;
    }
  text (c, nm_texts_not_a_promise (), x, y + 10, width, 17, FALSE, &faint, 1);
}

static void
page_map (Ctx *c)
{
  NmPlan *plan = c->model->plan;
  NmAtlas *atlas = nm_atlas_get_default ();
  double top = draw_frame (c, NM_EDUCATION_PAGE_MAP);
  double map_w = c->W * 0.54, map_x = MARGIN - 24;
  double list_x = map_x + map_w + 24, list_w = c->W - list_x - MARGIN;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();     /* const NmPlanRegion * */
  gboolean blocked = plan != NULL && nm_plan_get_status (plan) == NM_PLAN_BLOCKED;
  guint n_treated = shown_regions (plan, blocked, shown);
  Maps maps;

  maps_init (&maps, shown, map_x, top - 10, map_w, c->H - top - 160);
  for (guint v = 0; v < maps.n_views; v++)
    draw_map (c, maps.views[v], maps.x + v * maps.w / maps.n_views, maps.y, maps.w / maps.n_views, maps.h);
  nm_render_depth_legend (c->cr, MARGIN, c->H - 156, MIN (map_w - 40, 540), 72, TRUE);
  cairo_new_path (c->cr);
  if (n_treated > 0 && atlas != NULL)
    draw_map_highlight (c, atlas, &maps, shown, n_treated);

  if (blocked)
    {
      text (c, _("Treatment is on hold for now. Your practitioner will explain why, and when it can start."),
            list_x, top, list_w, 30, TRUE, &fg, 1);
      return;
    }
  if (shown->len == 0)
    {
      text (c, _("Nothing is planned yet."), list_x, top, list_w, 30, TRUE, &fg, 1);
      return;
    }
  draw_region_list (c, shown, n_treated, list_x, top, list_w,
                    region_list_size (c, shown, list_w, c->H - top - 80));
}

/* ---------------------------------------------------- page 4: the series */

typedef struct
{
  GDate date;
  guint series;
  guint number;      /* 1-based in its series */
  guint order;       /* in date order over all series, for the animation */
} Mark;

static int
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const Mark *ma = a, *mb = b;
  int d = g_date_compare (&ma->date, &mb->date);

  return d != 0 ? d : (int) ma->series - (int) mb->series;
}

static const char *
series_name (const NmPlanSeries *series)
{
  if (g_strcmp0 (series->schedule, "scalp") == 0)
    return _("Scalp");
  if (g_strcmp0 (series->schedule, "skin") == 0)
    return _("Skin");
  return series->label;
}

/* Every session of every series, in date order */
static GArray *
series_marks (NmPlan *plan)
{
  GArray *marks = g_array_new (FALSE, TRUE, sizeof (Mark));

  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      for (guint d = 0; d < series->n_dates; d++)
        {
          Mark mark = { .series = s, .number = d + 1 };

          mark.date = series->dates[d];
          g_array_append_val (marks, mark);
        }
    }
  g_array_sort (marks, compare_marks);
  for (guint i = 0; i < marks->len; i++)
    g_array_index (marks, Mark, i).order = i;
  return marks;
}

/* "Skin: session 2 of 4 is next, on …", or that all are done */
static char *
next_session_line (Ctx                *c,
                   const NmPlanSeries *series,
                   guint               s)
{
  guint next = series->n_dates;
  int logged = s < c->model->logged->len ? g_array_index (c->model->logged, int, s) : -1;
  char date[128];

  /* the log says how many are done; without one, the dates and today */
  if (logged >= 0)
    next = MIN ((guint) logged, series->n_dates);
  else
    for (guint d = 0; d < series->n_dates; d++)
      if (g_date_compare (&series->dates[d], &c->model->today) >= 0)
        {
          next = d;
          break;
        }
  if (next >= series->n_dates)
    return g_strdup_printf (_("%s: all %u sessions are done."), series_name (series), series->n_dates);

  /* TRANSLATORS: a date such as "Tuesday 1 December 2026" */
  g_date_strftime (date, sizeof date, _("%A %-d %B %Y"), &series->dates[next]);
  /* TRANSLATORS: "Skin: session 2 of 4 is next, on Tuesday 12 January 2027. Every 6 weeks." */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s: session %u of %u is next, on %s. Every week.",
                                       "%s: session %u of %u is next, on %s. Every %u weeks.",
                                       series->interval_weeks),
                          series_name (series), next + 1, series->n_dates, date,
                          series->interval_weeks);
}

/* One line per series, by its colour; returns the bottom of the last */
static double
draw_next_sessions (Ctx    *c,
                    NmPlan *plan,
                    double  y)
{
  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);
      const Rgb *colour = &series_colours[s % G_N_ELEMENTS (series_colours)];
      g_autofree char *line = next_session_line (c, series, s);

      cairo_arc (c->cr, MARGIN + 11, y + 15, 11, 0, 2 * G_PI);
      set_rgb (c->cr, colour, 1);
      cairo_fill (c->cr);
      y += text (c, line, MARGIN + 34, y, c->W - 2 * MARGIN - 34, 24, TRUE, &fg, 1) + 6;
    }
  return y;
}

/* The months of the calendar in a grid */
typedef struct
{
  guint  cols;
  double cell_w, cell_h;   /* one month */
} MonthGrid;

/* The arrangement of @n months in (@avail_w, @avail_h) that gives the
 * largest days */
static void
month_grid_arrange (MonthGrid *grid,
                    guint      n,
                    double     avail_w,
                    double     avail_h)
{
  double best = 0;
  guint rows = 1;

  grid->cols = 1;
  for (guint k = 1; k <= n; k++)
    {
      guint r = (n + k - 1) / k;
      double w = (avail_w - (k - 1) * 36) / k, h = (avail_h - (r - 1) * 24) / r;
      double day = MIN (w / 7, h / 8.2);

      if (day > best)
        {
          best = day;
          grid->cols = k;
          rows = r;
        }
    }
  grid->cell_w = (avail_w - (grid->cols - 1) * 36) / grid->cols;
  grid->cell_h = (avail_h - (rows - 1) * 24) / rows;
}

/* The sessions on @date as a disc in their series' colours (two series on
 * one day share it), each growing in as the animation reaches it and
 * dimmed once done. Returns whether a mark shows. */
static gboolean
draw_day_marks (Ctx         *c,
                GArray      *marks,
                const GDate *date,
                double       cx,
                double       cy,
                double       r)
{
  cairo_t *cr = c->cr;
  GArray *logged = c->model->logged;
  gboolean marked = FALSE;
  guint n_here = 0, k = 0;

  for (guint i = 0; i < marks->len; i++)
    n_here += g_date_compare (&g_array_index (marks, Mark, i).date, date) == 0;

  for (guint i = 0; i < marks->len; i++)
    {
      const Mark *mark = &g_array_index (marks, Mark, i);
      double appear, rr, a0, a1;
      gboolean past;

      if (g_date_compare (&mark->date, date) != 0)
        continue;
      appear = ease (c->t, SERIES_START + mark->order * SERIES_STEP,
                     SERIES_START + mark->order * SERIES_STEP + 0.35);
      rr = r * (appear < 1 ? 0.6 + 0.5 * appear - 0.1 * appear * appear : 1);
      if (mark->series < logged->len && g_array_index (logged, int, mark->series) >= 0)
        past = (int) mark->number <= g_array_index (logged, int, mark->series);
      else
        past = g_date_compare (&mark->date, &c->model->today) < 0;
      a0 = -G_PI / 2 + 2 * G_PI * k / n_here;
      a1 = -G_PI / 2 + 2 * G_PI * (k + 1) / n_here;
      if (n_here > 1)
        cairo_move_to (cr, cx, cy);
      else
        cairo_new_path (cr);
      cairo_arc (cr, cx, cy, rr, a0, a1);
      cairo_close_path (cr);
      set_rgb (cr, &series_colours[mark->series % G_N_ELEMENTS (series_colours)],
               appear * (past ? 0.45 : 1));
      cairo_fill (cr);
      marked |= appear > 0.5;
      k++;
    }
  return marked;
}

/* One month's calendar in the cell at (@mx, @my): its name, the weekdays'
 * initials, then the days, Monday first, today ringed */
static void
draw_month (Ctx             *c,
            GArray          *marks,
            const GDate     *month,
            double           mx,
            double           my,
            const MonthGrid *grid)
{
  cairo_t *cr = c->cr;
  double cell_w = grid->cell_w, cell_h = grid->cell_h;
  double head_h, day_w, day_h;
  char name[64];
  guint days = g_date_get_days_in_month (g_date_get_month (month), g_date_get_year (month));
  guint offset = g_date_get_weekday (month) - 1;   /* Monday first */
  GDate weekday;
  double font = CLAMP (MIN (cell_w / 7, cell_h / 8.2) * 0.52, 12, 26);

  g_date_strftime (name, sizeof name, "%B %Y", month);
  head_h = text (c, name, mx, my, cell_w, font * 1.15, TRUE, &fg, 1) + 4;
  day_w = cell_w / 7;
  day_h = (cell_h - head_h) / 7;

  /* weekday initials, from a known Monday */
  g_date_clear (&weekday, 1);
  g_date_set_dmy (&weekday, 5, G_DATE_JANUARY, 2026);
  for (guint d = 0; d < 7; d++, g_date_add_days (&weekday, 1))
    {
      char abbrev[32];
      g_autoptr(PangoLayout) l = NULL;
      double lw, lh;

      g_date_strftime (abbrev, sizeof abbrev, "%a", &weekday);
      l = layout (c, abbrev, font * 0.8, FALSE, -1, FALSE);
      size_of (l, &lw, &lh);
      show (c, l, mx + d * day_w + (day_w - lw) / 2, my + head_h + (day_h - lh) / 2, &faint, 1);
    }

  for (guint day = 1; day <= days; day++)
    {
      guint slot = offset + day - 1;
      double cx = mx + (slot % 7) * day_w + day_w / 2;
      double cy = my + head_h + (1 + slot / 7) * day_h + day_h / 2;
      double r = MIN (day_w, day_h) * 0.46;
      g_autofree char *number = g_strdup_printf ("%u", day);
      g_autoptr(PangoLayout) l = layout (c, number, font * 0.9, FALSE, -1, FALSE);
      GDate date;
      gboolean marked;
      double lw, lh;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, day, g_date_get_month (month), g_date_get_year (month));
      marked = draw_day_marks (c, marks, &date, cx, cy, r);
      if (g_date_compare (&date, &c->model->today) == 0)
        {
          cairo_set_line_width (cr, 3);
          set_rgb (cr, &fg, 1);
          cairo_arc (cr, cx, cy, r + 2, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      size_of (l, &lw, &lh);
      show (c, l, cx - lw / 2, cy - lh / 2, marked ? &bg_top : &muted, 1);
    }
}

static void
page_series (Ctx *c)
{
  NmPlan *plan = c->model->plan;
  double top = draw_frame (c, NM_EDUCATION_PAGE_SERIES);
  g_autoptr(GArray) marks = NULL;
  GDate first, last, month;
  guint n_months, shown_months;
  MonthGrid grid;
  double grid_y;

  if (plan == NULL || nm_plan_get_status (plan) == NM_PLAN_BLOCKED || nm_plan_get_n_series (plan) == 0)
    {
      text (c, _("No sessions are planned yet."), MARGIN, top, c->W - 2 * MARGIN, 30, TRUE, &fg, 1);
      return;
    }

  marks = series_marks (plan);
  if (marks->len == 0)
    return;
  grid_y = draw_next_sessions (c, plan, top) + 18;

  /* the months the series span, at most six */
  first = g_array_index (marks, Mark, 0).date;
  last = g_array_index (marks, Mark, marks->len - 1).date;
  n_months = (g_date_get_year (&last) - g_date_get_year (&first)) * 12
             + g_date_get_month (&last) - g_date_get_month (&first) + 1;
  shown_months = MIN (n_months, 6);
  month_grid_arrange (&grid, shown_months, c->W - 2 * MARGIN, c->H - 130 - grid_y);

  g_date_clear (&month, 1);
  g_date_set_dmy (&month, 1, g_date_get_month (&first), g_date_get_year (&first));
  for (guint m = 0; m < shown_months; m++, g_date_add_months (&month, 1))
    draw_month (c, marks, &month, MARGIN + (m % grid.cols) * (grid.cell_w + 36),
                grid_y + (m / grid.cols) * (grid.cell_h + 24), &grid);

  if (n_months > shown_months)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "The series goes on for %u more month.",
                                                            "The series goes on for %u more months.",
                                                            n_months - shown_months),
                                               n_months - shown_months);

      text (c, more, MARGIN, c->H - 126, c->W - 2 * MARGIN, 18, FALSE, &muted, 1);
    }
  text (c, _("Dates are a plan: a session can move if your skin needs more time."),
        MARGIN, c->H - 100, c->W - 2 * MARGIN, 17, FALSE, &faint, 1);
}

/* -------------------------------------------------- page 5: aftercare */

static void
draw_icon (cairo_t         *cr,
           NmAftercareKind  kind,
           double           x,
           double           y,
           double           r,
           double           alpha)
{
  const Rgb *colour = kind == NM_AFTERCARE_DO ? &good : kind == NM_AFTERCARE_DONT ? &bad : &warm;

  cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  set_rgb (cr, colour, alpha);
  cairo_fill (cr);
  cairo_set_line_width (cr, r * 0.28);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  set_rgb (cr, &bg_top, alpha);
  switch (kind)
    {
    case NM_AFTERCARE_DO:
      cairo_move_to (cr, x - r * 0.45, y + r * 0.02);
      cairo_line_to (cr, x - r * 0.1, y + r * 0.38);
      cairo_line_to (cr, x + r * 0.48, y - r * 0.35);
      break;
    case NM_AFTERCARE_DONT:
      cairo_move_to (cr, x - r * 0.38, y - r * 0.38);
      cairo_line_to (cr, x + r * 0.38, y + r * 0.38);
      cairo_move_to (cr, x + r * 0.38, y - r * 0.38);
      cairo_line_to (cr, x - r * 0.38, y + r * 0.38);
      break;
    case NM_AFTERCARE_CONTACT:
    default:
      cairo_move_to (cr, x, y - r * 0.5);
      cairo_line_to (cr, x, y + r * 0.12);
      cairo_move_to (cr, x, y + r * 0.48);
      cairo_line_to (cr, x, y + r * 0.5);
      break;
    }
  cairo_stroke (cr);
}

/* Lays the advice out at @size; draws it only when @draw. Returns the
 * bottom of the last block. */
static double
aftercare_items (Ctx      *c,
                 double    top,
                 double    size,
                 gboolean  draw)
{
  double col_w = (c->W - 2 * MARGIN - 60) / 2;
  double col_y[2] = { top, top };
  double gap = size * 0.7;
  guint n = nm_texts_n_aftercare ();

  for (guint i = 0; i < n; i++)
    {
      NmAftercareItem item = nm_texts_aftercare (i);
      double appear = ease (c->t, 0.3 + i * AFTERCARE_STEP, 0.3 + i * AFTERCARE_STEP + 0.4);
      double x, h;
      guint col;
      g_autofree char *markup = NULL;
      g_autofree char *escaped = NULL;
      g_autoptr(PangoLayout) l = NULL;

      /* its sources are named under the advice, page_aftercare() */
      escaped = g_markup_escape_text (item.text, -1);
      markup = g_strdup (escaped);

      if (item.kind == NM_AFTERCARE_CONTACT)
        {
          double y = MAX (col_y[0], col_y[1]) + 4;
          double w = c->W - 2 * MARGIN;

          l = layout (c, markup, size, FALSE, w - 90, TRUE);
          size_of (l, NULL, &h);
          if (draw)
            {
              rounded_rect (c->cr, MARGIN, y, w, h + 28, 14);
              set_rgb (c->cr, &card, appear);
              cairo_fill (c->cr);
              draw_icon (c->cr, item.kind, MARGIN + 38, y + 14 + MIN (h / 2, 18), 17, appear);
              show (c, l, MARGIN + 72, y + 14, &fg, appear);
            }
          col_y[0] = col_y[1] = y + h + 28 + gap;
          continue;
        }

      col = item.kind == NM_AFTERCARE_DO ? 0 : 1;
      x = MARGIN + col * (col_w + 60);
      l = layout (c, markup, size, FALSE, col_w - 44, TRUE);
      size_of (l, NULL, &h);
      if (draw)
        {
          draw_icon (c->cr, item.kind, x + 12, col_y[col] + size * 0.7, 10, appear);
          show (c, l, x + 44 - 16 * (1 - appear), col_y[col], &fg, appear);
        }
      col_y[col] += h + gap;
    }
  return MAX (col_y[0], col_y[1]);
}

static void
page_aftercare (Ctx *c)
{
  double top = draw_frame (c, NM_EDUCATION_PAGE_AFTERCARE);
  double col_w = (c->W - 2 * MARGIN - 60) / 2;
  double size, bottom, note_h;
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autofree char *sources = NULL;
  g_autofree char *note = NULL;

  /* the advice's sources, named in short once under it: beside each line
   * they would take the room of the advice */
  for (guint i = 0; i < nm_texts_n_aftercare (); i++)
    g_string_append_printf (keys, "%s%s", i > 0 ? ", " : "", nm_texts_aftercare (i).sources);
  sources = nm_references_short_names (keys->str);
  /* TRANSLATORS: %s is the sources of the advice, named in short:
   * "dermatiquelaserandskin.com, Chu 2021, …" */
  note = g_strdup_printf (_("Where sources differ, this advice takes the more cautious one. Sources: %s."),
                          sources);
  note_h = text_height (c, note, c->W - 2 * MARGIN, 16, FALSE);

  draw_icon (c->cr, NM_AFTERCARE_DO, MARGIN + 16, top + 18, 16, 1);
  text (c, _("Do"), MARGIN + 44, top, col_w, 30, TRUE, &good, 1);
  draw_icon (c->cr, NM_AFTERCARE_DONT, MARGIN + col_w + 60 + 16, top + 18, 16, 1);
  text (c, _("Don’t"), MARGIN + col_w + 60 + 44, top, col_w, 30, TRUE, &bad, 1);

  /* the largest type that leaves room for the footnote */
  for (size = 25; size > 15; size -= 1)
    if (aftercare_items (c, top + 54, size, FALSE) <= c->H - 64 - note_h)
      break;
  bottom = aftercare_items (c, top + 54, size, TRUE);

  text (c, note, MARGIN, MAX (bottom - 6, c->H - 58 - note_h), c->W - 2 * MARGIN, 16, FALSE, &faint, 1);
}

/* ------------------------------------------------------------ the pages */

/**
 * nm_education_page_title:
 *
 * Returns: the page's title, translated
 */
const char *
nm_education_page_title (NmEducationPage page)
{
  switch (page)
    {
    case NM_EDUCATION_PAGE_NEEDLING:
      return _("How microneedling works");
    case NM_EDUCATION_PAGE_HEALING:
      return _("Healing and new collagen, over time");
    case NM_EDUCATION_PAGE_MAP:
      return _("Your map");
    case NM_EDUCATION_PAGE_SERIES:
      return _("Your series");
    case NM_EDUCATION_PAGE_AFTERCARE:
      return _("Looking after your skin");
    case NM_EDUCATION_N_PAGES:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * nm_education_page_duration:
 *
 * Returns: the seconds after which @page no longer changes, or a negative
 *   number when it animates for as long as it is shown (the map's
 *   highlight goes round the treated regions)
 */
double
nm_education_page_duration (NmEducationModel *model,
                            NmEducationPage   page)
{
  NmPlan *plan;
  guint n = 0;

  g_return_val_if_fail (model != NULL, 0);

  plan = model->plan;
  switch (page)
    {
    case NM_EDUCATION_PAGE_NEEDLING:
      return NEEDLING_DURATION;
    case NM_EDUCATION_PAGE_HEALING:
      return HEALING_START + HEALING_SWEEP;
    case NM_EDUCATION_PAGE_MAP:
      for (guint i = 0; plan != NULL && i < nm_plan_get_n_regions (plan); i++)
        n += nm_plan_get_region (plan, i)->treat;
      return n > 0 && nm_plan_get_status (plan) != NM_PLAN_BLOCKED ? -1 : 0;
    case NM_EDUCATION_PAGE_SERIES:
      for (guint s = 0; plan != NULL && s < nm_plan_get_n_series (plan); s++)
        n += nm_plan_get_series (plan, s)->n_dates;
      return SERIES_START + n * SERIES_STEP + 0.4;
    case NM_EDUCATION_PAGE_AFTERCARE:
      return 0.3 + nm_texts_n_aftercare () * AFTERCARE_STEP + 0.4;
    case NM_EDUCATION_N_PAGES:
    default:
      g_return_val_if_reached (0);
    }
}

/**
 * nm_render_education_page:
 * @cr: a cairo context; the page fills (0, 0, @width, @height)
 * @model: what to show
 * @page: which page
 * @t_seconds: time since the page appeared; animations run from 0 to
 *   nm_education_page_duration(), and any later time gives the finished
 *   page (what a PDF or a still shows)
 *
 * Draws one page of the client presentation for a dark, full screen.
 * Nothing here reads anything that identifies the client: the model holds
 * no such data.
 */
void
nm_render_education_page (cairo_t          *cr,
                          NmEducationModel *model,
                          NmEducationPage   page,
                          double            t_seconds,
                          double            width,
                          double            height)
{
  Ctx c = { 0 };

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (page < NM_EDUCATION_N_PAGES);

  if (width <= 0 || height <= 0)
    return;

  c.cr = cr;
  c.model = model;
  c.scale = MIN (width / DESIGN_W, height / DESIGN_H);
  c.W = width / c.scale;
  c.H = height / c.scale;
  c.t = MAX (t_seconds, 0);

  /* the raster cache holds one size: drop the others when it changes */
  if (g_hash_table_size (model->rasters) > 48)
    g_hash_table_remove_all (model->rasters);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_scale (cr, c.scale, c.scale);

  switch (page)
    {
    case NM_EDUCATION_PAGE_NEEDLING:
      page_needling (&c);
      break;
    case NM_EDUCATION_PAGE_HEALING:
      page_healing (&c);
      break;
    case NM_EDUCATION_PAGE_MAP:
      page_map (&c);
      break;
    case NM_EDUCATION_PAGE_SERIES:
      page_series (&c);
      break;
    case NM_EDUCATION_PAGE_AFTERCARE:
      page_aftercare (&c);
      break;
    case NM_EDUCATION_N_PAGES:
    default:
      g_assert_not_reached ();
    }

  cairo_restore (cr);
}
