/* nm-render-schedule.c: the treatment series on a timeline
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

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "nm-render-style.h"
#include "nm-render-schedule.h"
#include "nm-vocab.h"

/* The timeline: one lane per series, sessions as numbered marks on their
 * dates (rings when planned, filled when done), the three healing phases
 * under each session, a line for today, and after a break in the axis the
 * first maintenance session. Everything scales with the font size, so the
 * same function serves a widget (pixels) and a PDF page (points). */

typedef struct
{
  double r, g, b;
} Rgb;

typedef struct
{
  Rgb text;
  Rgb muted;
  Rgb grid;
  Rgb accent;
  Rgb paper;
  Rgb phase[3];
} Palette;

static const Palette light_palette = {
  .text   = { 0.141, 0.122, 0.192 },
  .muted  = { 0.369, 0.361, 0.392 },
  .grid   = { 0.870, 0.867, 0.855 },
  .accent = { 0.110, 0.420, 0.471 },
  .paper  = { 1.0, 1.0, 1.0 },
  .phase  = { { 0.800, 0.267, 0.224 },   /* inflammation */
              { 0.898, 0.647, 0.039 },   /* proliferation */
              { 0.247, 0.573, 0.478 } }, /* remodelling */
};

static const Palette dark_palette = {
  .text   = { 0.96, 0.96, 0.96 },
  .muted  = { 0.70, 0.70, 0.72 },
  .grid   = { 0.28, 0.28, 0.30 },
  .accent = { 0.40, 0.76, 0.82 },
  .paper  = { 0.14, 0.14, 0.15 },
  .phase  = { { 0.93, 0.42, 0.38 },
              { 0.96, 0.76, 0.25 },
              { 0.42, 0.78, 0.66 } },
};

static void
set_rgb (cairo_t   *cr,
         const Rgb *c,
         double     alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}

/* Layouts at 72 units per inch with unhinted metrics: one unit is one
 * point on paper and one pixel on screen, and text measures the same on
 * every surface. */
static PangoLayout *
make_layout (cairo_t    *cr,
             const char *family,
             double      size,
             int         weight,
             const char *text)
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

  pango_font_description_set_family (desc, family);
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);

  pango_layout_context_changed (layout);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
text_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.width / PANGO_SCALE;
}

static double
text_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

/* Draws @layout with its top at @y, its left edge (align 0), centre (0.5)
 * or right edge (1) at @x. */
static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y,
             double       align)
{
  cairo_move_to (cr, x - align * text_width (layout), y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_text (cairo_t    *cr,
           const char *family,
           double      size,
           int         weight,
           const Rgb  *colour,
           const char *text,
           double      x,
           double      y,
           double      align)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, family, size, weight, text);

  set_rgb (cr, colour, 1.0);
  show_layout (cr, layout, x, y, align);
}

/* Like draw_text(), in a box @width wide: wrapped on up to @lines lines,
 * the last ellipsized */
static void
draw_text_within (cairo_t    *cr,
                  const char *family,
                  double      size,
                  const Rgb  *colour,
                  const char *text,
                  double      x,
                  double      y,
                  double      width,
                  int         lines,
                  double      align)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, family, size, PANGO_WEIGHT_NORMAL, text);

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, -MAX (lines, 1));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align >= 0.75 ? PANGO_ALIGN_RIGHT
                                      : align >= 0.25 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  set_rgb (cr, colour, 1.0);
  cairo_move_to (cr, x - align * width, y);
  pango_cairo_show_layout (cr, layout);
}

static double
measure_text (cairo_t    *cr,
              const char *family,
              double      size,
              int         weight,
              const char *text)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, family, size, weight, text);

  return text_width (layout);
}

/**
 * nm_render_format_date:
 * @date: a valid date
 *
 * Returns: (transfer full): @date as the plan shows it, e.g. "1 Dec 2026"
 */
char *
nm_render_format_date (const GDate *date)
{
  char buffer[64];

  g_return_val_if_fail (date != NULL && g_date_valid (date), g_strdup (""));

  /* Translators: a date on the treatment plan, strftime format */
  if (g_date_strftime (buffer, sizeof buffer, _("%-d %b %Y"), date) == 0)
    return g_strdup ("");
  return g_strdup (buffer);
}

/**
 * nm_render_format_depth:
 *
 * Returns: (transfer full): "0.5 mm" or "1.0–1.25 mm", with the locale's
 *   decimal separator and a no-break space before the unit
 */
char *
nm_render_format_depth (double min_mm,
                        double max_mm)
{
  g_autofree char *lo = nm_format_mm_display (min_mm);
  g_autofree char *hi = nm_format_mm_display (max_mm);

  /* a no-break space before the unit, so that a line never breaks
   * between the number and its "mm"; an en dash between a range's ends */
  if (g_str_equal (lo, hi))
    return g_strdup_printf ("%s\u00a0mm", hi);
  return g_strdup_printf ("%s\u2013%s\u00a0mm", lo, hi);
}

/**
 * nm_schedule_series_depth:
 *
 * The shallowest and deepest planned depth of the regions of @series.
 */
void
nm_schedule_series_depth (NmPlan             *plan,
                          const NmPlanSeries *series,
                          double             *min_mm,
                          double             *max_mm)
{
  double lo = G_MAXDOUBLE, hi = 0.0;

  for (guint i = 0; series->regions != NULL && series->regions[i] != NULL; i++)
    {
      const NmPlanRegion *region = nm_plan_lookup_region (plan, series->regions[i]);

      if (region == NULL || !region->treat)
        continue;
      lo = MIN (lo, region->min_mm);
      hi = MAX (hi, region->max_mm);
    }
  *min_mm = lo == G_MAXDOUBLE ? 0.0 : lo;
  *max_mm = hi;
}

/**
 * nm_schedule_maintenance_date:
 * @series: a series with at least one date
 * @date: (out): the first maintenance session
 *
 * %NM_MAINTENANCE_MONTHS after the last session of @series.
 */
void
nm_schedule_maintenance_date (const NmPlanSeries *series,
                              GDate              *date)
{
  g_return_if_fail (series != NULL && series->n_dates > 0);

  *date = series->dates[series->n_dates - 1];
  g_date_add_months (date, NM_MAINTENANCE_MONTHS);
}

static gboolean
series_has_region (const NmPlanSeries *series,
                   const char         *region)
{
  return series->regions != NULL && g_strv_contains ((const char * const *) series->regions, region);
}

/**
 * nm_schedule_match_sessions:
 * @consultation: the consultation whose session log to place
 * @plan: its plan
 *
 * Places each entry of the session log in a series: the series whose
 * regions it recorded depths for (the first such one), else the series
 * whose next session is planned closest to its date. Within a series the
 * entries are numbered in date order; a booked appointment (not done,
 * no depths) on a planned date takes that date's number.
 *
 * Returns: (transfer full) (element-type NmScheduleSlot): one slot per
 *   entry of the log, in the log's order
 */
GArray *
nm_schedule_match_sessions (NmConsultation *consultation,
                            NmPlan         *plan)
{
  guint n = nm_consultation_get_n_sessions (consultation);
  guint n_series = nm_plan_get_n_series (plan);
  GArray *slots = g_array_sized_new (FALSE, TRUE, sizeof (NmScheduleSlot), n);
  g_autofree guint *order = g_new (guint, n + 1);
  g_autofree guint *counts = g_new0 (guint, n_series + 1);

  g_array_set_size (slots, n);

  /* date order, stable */
  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0; j--)
      {
        const char *a = nm_session_get_date (nm_consultation_get_session (consultation, order[j - 1]));
        const char *b = nm_session_get_date (nm_consultation_get_session (consultation, order[j]));

        if (g_strcmp0 (a, b) <= 0)
          break;
        order[j - 1] ^= order[j];
        order[j] ^= order[j - 1];
        order[j - 1] ^= order[j];
      }

  for (guint k = 0; k < n; k++)
    {
      NmSession *session = nm_consultation_get_session (consultation, order[k]);
      NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, order[k]);
      g_auto(GStrv) regions = nm_session_dup_depth_regions (session);
      GDate date;
      int best = -1;
      gint best_distance = G_MAXINT;
      gboolean dated = nm_date_parse (nm_session_get_date (session), &date);

      /* A booked appointment (not done, nothing recorded) on a planned date
       * is that planned session, whatever was logged before it. */
      if (!nm_session_get_done (session) && regions[0] == NULL && dated)
        for (guint s = 0; s < n_series && best < 0; s++)
          {
            const NmPlanSeries *series = nm_plan_get_series (plan, s);

            for (guint d = 0; d < series->n_dates; d++)
              if (g_date_compare (&series->dates[d], &date) == 0)
                {
                  best = (int) s;
                  slot->series = best;
                  slot->number = d + 1;
                  break;
                }
          }
      if (best >= 0)
        continue;

      for (guint s = 0; s < n_series && best < 0; s++)
        for (guint r = 0; regions[r] != NULL; r++)
          if (series_has_region (nm_plan_get_series (plan, s), regions[r]))
            {
              best = (int) s;
              break;
            }

      if (best < 0 && dated)
        for (guint s = 0; s < n_series; s++)
          {
            const NmPlanSeries *series = nm_plan_get_series (plan, s);
            guint next = MIN (counts[s], series->n_dates - 1);
            gint distance;

            if (series->n_dates == 0)
              continue;
            distance = ABS (g_date_days_between (&series->dates[next], &date));
            if (distance < best_distance)
              {
                best_distance = distance;
                best = (int) s;
              }
          }

      slot->series = best;
      slot->number = best >= 0 ? ++counts[best] : 0;
    }

  return slots;
}

typedef struct
{
  cairo_t       *cr;
  const Palette *pal;
  const char    *family;
  double         fs;
  guint32        j0;          /* first day on the axis */
  guint32        j1;          /* last day on the axis */
  double         ax0;         /* axis, in units */
  double         ax1;
  double         width;
  const GDate   *today;       /* nullable */
  NmReferencesCiteFunc cite;  /* nullable */
  gpointer       cite_data;
} Frame;

/* How the drawing cites @list, "AMI, AGB": as the style asks, else by
 * the sources' short names in brackets */
static char *
frame_cite (const Frame *f,
            const char  *list)
{
  g_autofree char *names = NULL;

  if (f->cite != NULL)
    {
      g_auto(GStrv) keys = g_strsplit (list, ",", -1);

      for (guint i = 0; keys[i] != NULL; i++)
        g_strstrip (keys[i]);
      return f->cite ((const char * const *) keys, f->cite_data);
    }
  names = nm_references_short_names (list);
  return g_strdup_printf ("(%s)", names);
}

static double
frame_x (const Frame *f,
         const GDate *date)
{
  double t = ((double) g_date_get_julian (date) - f->j0) / (double) (f->j1 - f->j0);

  return f->ax0 + t * (f->ax1 - f->ax0);
}

static double
frame_x_days (const Frame *f,
              const GDate *date,
              int          days)
{
  double per_day = (f->ax1 - f->ax0) / (double) (f->j1 - f->j0);

  return frame_x (f, date) + days * per_day;
}

static void
draw_mark (const Frame *f,
           double       x,
           double       y,
           guint        number,
           gboolean     done,
           gboolean     faint,
           gboolean     overdue)
{
  cairo_t *cr = f->cr;
  double r = f->fs * 0.95;
  g_autofree char *label = g_strdup_printf ("%u", number);
  g_autoptr(PangoLayout) layout = make_layout (cr, f->family, f->fs * 0.95, PANGO_WEIGHT_BOLD, label);

  cairo_new_path (cr);
  cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  if (done)
    {
      set_rgb (cr, &f->pal->accent, 1.0);
      cairo_fill (cr);
      set_rgb (cr, &f->pal->paper, 1.0);
    }
  else
    {
      set_rgb (cr, &f->pal->paper, 1.0);
      cairo_fill_preserve (cr);
      set_rgb (cr, overdue ? &f->pal->phase[0] : &f->pal->accent, faint ? 0.35 : 1.0);
      cairo_set_line_width (cr, f->fs * (overdue ? 0.24 : 0.16));
      if (faint)
        {
          double dash[] = { f->fs * 0.25, f->fs * 0.2 };

          cairo_set_dash (cr, dash, 2, 0);
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      set_rgb (cr, overdue ? &f->pal->phase[0] : &f->pal->accent, faint ? 0.45 : 1.0);
    }
  show_layout (cr, layout, x, y - text_height (layout) / 2, 0.5);
}

static const char *
phase_name (guint phase)
{
  switch (phase)
    {
    case 0: return _("Inflammation");
    case 1: return _("Proliferation");
    default: return _("Remodelling");
    }
}

static void
draw_phases (const Frame *f,
             const GDate *date,
             double       y,
             double       bar,
             double       alpha)
{
  static const int spans[3][2] = {
    { 0, NM_HEALING_INFLAMMATION_END },
    { NM_HEALING_PROLIFERATION_START, NM_HEALING_PROLIFERATION_END },
    { NM_HEALING_PROLIFERATION_END, NM_HEALING_REMODELLING_END },
  };
  cairo_t *cr = f->cr;

  for (guint p = 0; p < 3; p++)
    {
      double x0 = frame_x_days (f, date, spans[p][0]);
      double x1 = frame_x_days (f, date, spans[p][1]);
      double yy = y + p * f->fs;   /* a row of text each, for their labels */

      x1 = MAX (x1, x0 + f->fs * 0.3);   /* a few days stay visible */
      if (p == 2)
        {
          /* remodelling runs on for months past the axis: fade it out */
          cairo_pattern_t *fade = cairo_pattern_create_linear (x0, 0, x1, 0);

          cairo_pattern_add_color_stop_rgba (fade, 0, f->pal->phase[p].r, f->pal->phase[p].g,
                                             f->pal->phase[p].b, alpha);
          cairo_pattern_add_color_stop_rgba (fade, 1, f->pal->phase[p].r, f->pal->phase[p].g,
                                             f->pal->phase[p].b, 0.0);
          cairo_set_source (cr, fade);
          cairo_pattern_destroy (fade);
        }
      else
        set_rgb (cr, &f->pal->phase[p], alpha);
      cairo_rectangle (cr, x0, yy, x1 - x0, bar);
      cairo_fill (cr);
    }
}

static void
draw_month_grid (const Frame *f,
                 double       top,
                 double       bottom)
{
  cairo_t *cr = f->cr;
  GDate d;
  double per_month = (f->ax1 - f->ax0) / ((f->j1 - f->j0) / 30.44);
  static const guint steps[] = { 1, 2, 3, 4, 6, 12 };
  guint step = 12;
  gboolean first = TRUE;
  double widest = 0;

  g_date_clear (&d, 1);
  g_date_set_julian (&d, f->j0);
  g_date_set_day (&d, 1);
  g_date_add_months (&d, 1);

  /* every month named that has room for the widest name, a month with
   * its year */
  {
    GDate m = d;

    for (guint i = 0; i < 12; i++, g_date_add_months (&m, 1))
      {
        char label[32];

        g_date_strftime (label, sizeof label, _("%b %Y"), &m);
        widest = MAX (widest, measure_text (f->cr, f->family, f->fs * 0.9, PANGO_WEIGHT_NORMAL, label));
      }
  }
  for (guint i = G_N_ELEMENTS (steps); i > 0; i--)
    if (per_month * steps[i - 1] >= widest + f->fs * 0.8)
      step = steps[i - 1];

  for (guint i = 0; g_date_get_julian (&d) <= f->j1; i++, g_date_add_months (&d, 1))
    {
      double x = frame_x (f, &d);
      char label[32];

      set_rgb (cr, &f->pal->grid, 1.0);
      cairo_set_line_width (cr, MAX (0.5, f->fs * 0.06));
      cairo_move_to (cr, x, top + f->fs * 1.8);
      cairo_line_to (cr, x, bottom);
      cairo_stroke (cr);

      if (i % step != 0)
        continue;
      /* Translators: month labels on the schedule's axis, strftime formats */
      g_date_strftime (label, sizeof label,
                       first || g_date_get_month (&d) == G_DATE_JANUARY ? _("%b %Y") : _("%b"), &d);
      first = FALSE;
      draw_text (cr, f->family, f->fs * 0.9, PANGO_WEIGHT_NORMAL, &f->pal->muted, label,
                 x + f->fs * 0.3, top + f->fs * 0.4, 0.0);
    }
}

static const char *legend_spans[3] = {
  N_("days 0–3"), N_("day 3 to week 8"), N_("week 8 to about a year"),
};

/* Lays out the key of the healing phases from @x within the width: an
 * entry goes to the next row when it would run past the edge. Draws it
 * if @draw; returns the number of rows. */
static guint
legend_layout (const Frame *f,
               double       x,
               double       y,
               gboolean     draw)
{
  cairo_t *cr = f->cr;
  double bar = f->fs * 0.55;
  double x0 = x, row_h = f->fs * 1.4;
  guint rows = 1;

  for (guint p = 0; p < 3; p++)
    {
      g_autofree char *text = g_strdup_printf ("%s, %s", phase_name (p), _(legend_spans[p]));
      double w = f->fs * 2.0 + measure_text (cr, f->family, f->fs * 0.9, PANGO_WEIGHT_NORMAL, text);

      if (x > x0 && x + w > f->width)
        {
          x = x0;
          y += row_h;
          rows++;
        }
      if (draw)
        {
          set_rgb (cr, &f->pal->phase[p], 0.85);
          cairo_rectangle (cr, x, y + f->fs * 0.35, f->fs * 1.6, bar);
          cairo_fill (cr);
          draw_text (cr, f->family, f->fs * 0.9, PANGO_WEIGHT_NORMAL, &f->pal->text, text,
                     x + f->fs * 2.0, y, 0.0);
        }
      x += w + f->fs * 0.6;
    }
  /* the sources of the healing timings, clinical/REFERENCE.md §7 */
  if (draw)
    {
      g_autofree char *sources = frame_cite (f, NM_SCHEDULE_HEALING_SOURCES);
      /* Translators: %s is the sources of the healing phases: their
       * numbers on the PDF's Sources page, "[4, 5, 6]", or on screen
       * their names in brackets, "(amieamed.com, …)" */
      g_autofree char *line = g_strdup_printf (_("Healing phases after each session %s"), sources);

      draw_text_within (cr, f->family, f->fs * NM_SCHEDULE_SMALLEST_TEXT, &f->pal->muted, line,
                        x0, y + row_h, f->width - x0, 1, 0.0);
    }
  return rows;
}

static void
draw_legend (const Frame *f,
             double       x,
             double       y)
{
  legend_layout (f, x, y, TRUE);
}

/* The wait before the first session: from today, when the screening
 * found the reason to wait (the planner counts the wait from today), else
 * from the plan's start date, to the date the first session moved to.
 * Returns FALSE when no wait applies or none is left. */
static gboolean
wait_span (NmConsultation *consultation,
           NmPlan         *plan,
           const GDate    *today,
           GDate          *from,
           GDate          *until)
{
  const GDate *wait_until = nm_plan_get_wait_until (plan);

  if (wait_until == NULL || !g_date_valid (wait_until))
    return FALSE;
  *until = *wait_until;
  g_date_clear (from, 1);
  if (today != NULL && g_date_valid (today))
    *from = *today;
  else if (consultation == NULL || !nm_date_parse (nm_consultation_get_start_date (consultation), from))
    return FALSE;
  return g_date_compare (from, until) < 0;
}

/* The wait before the first session (sunburn, a recent procedure): a band
 * across the lanes from @from to @until, hatched and edged with dashes so
 * that it reads without colour. */
static void
draw_wait_band (const Frame *f,
                const GDate *from,
                const GDate *until,
                double       y0,
                double       y1)
{
  cairo_t *cr = f->cr;
  double x0 = MAX (frame_x (f, from), f->ax0);
  double x1 = MIN (frame_x (f, until), f->ax1);
  double step = f->fs * 0.7;
  double dash[] = { f->fs * 0.35, f->fs * 0.25 };

  if (x1 <= x0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip_preserve (cr);
  set_rgb (cr, &f->pal->muted, 0.10);
  cairo_fill (cr);
  set_rgb (cr, &f->pal->muted, 0.45);
  cairo_set_line_width (cr, MAX (0.5, f->fs * 0.07));
  for (double x = x0 - (y1 - y0); x < x1; x += step)
    {
      cairo_move_to (cr, x, y1);
      cairo_line_to (cr, x + (y1 - y0), y0);
    }
  cairo_stroke (cr);
  cairo_restore (cr);

  cairo_save (cr);
  set_rgb (cr, &f->pal->text, 0.8);
  cairo_set_line_width (cr, MAX (0.75, f->fs * 0.1));
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x0, y1);
  cairo_move_to (cr, x1, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Layout in units of the font size: the month header, the lanes, the key. */
#define HEADER_FS 2.4
#define LANE_FS   12.0
#define LEGEND_FS 3.6   /* one row of the key, and its sources */
#define LEGEND_ROW_FS 1.4

/**
 * nm_render_schedule_natural_height:
 * @plan: the plan
 * @font_size: the style's font size (0: the default)
 *
 * Returns: the height at which nm_render_schedule() draws every lane in
 *   full, with the healing phases and their key
 */
double
nm_render_schedule_natural_height (NmPlan *plan,
                                   double  font_size)
{
  guint n = MAX (nm_plan_get_n_series (plan), 1);
  double fs = font_size > 0 ? font_size : 8.0;

  return fs * (HEADER_FS + LANE_FS * n + LEGEND_FS + 1.0);
}

static double axis_start (const Frame *f,
                          NmPlan      *plan,
                          double       width);

/**
 * nm_render_schedule_natural_height_for_width:
 * @plan: the plan
 * @font_size: the style's font size (0: the default)
 * @width: the width it is drawn at
 *
 * Returns: the height at which nm_render_schedule() draws every lane in
 *   full at @width, with the healing phases and their key, which takes
 *   more rows when narrow
 */
double
nm_render_schedule_natural_height_for_width (NmPlan *plan,
                                             double  font_size,
                                             double  width)
{
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  Frame f = { 0 };
  guint rows;

  f.cr = cairo_create (scratch);
  f.family = NM_RENDER_FONT_FAMILY;
  f.fs = font_size > 0 ? font_size : 8.0;
  f.width = width;
  rows = legend_layout (&f, axis_start (&f, plan, width), 0, FALSE);
  cairo_destroy (f.cr);
  cairo_surface_destroy (scratch);
  return nm_render_schedule_natural_height (plan, font_size) + f.fs * LEGEND_ROW_FS * (rows - 1);
}

/* Where the parts of the timeline go, worked out once per drawing. */
typedef struct
{
  double   width;
  double   maint_w;       /* the maintenance column, right of the axis */
  double   header_h;      /* the month names, above the lanes */
  double   lane_h;
  guint    n_series;
  gboolean show_phases;   /* the lanes are tall enough for them */
} Lanes;

static double
lanes_bottom (const Lanes *l)
{
  return l->header_h + l->lane_h * l->n_series;
}

/* The axis runs from the first session to the end of proliferation after
 * the last one, and takes in every logged session and a wait before the
 * first (@wait_from, nullable). Today joins it when it is near. */
static void
frame_set_days (Frame          *f,
                NmConsultation *consultation,
                NmPlan         *plan,
                GArray         *slots,
                const GDate    *wait_from,
                const GDate    *today)
{
  guint32 j0 = G_MAXUINT32, j1 = 0;

  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      for (guint k = 0; k < series->n_dates; k++)
        {
          j0 = MIN (j0, g_date_get_julian (&series->dates[k]));
          j1 = MAX (j1, g_date_get_julian (&series->dates[k]) + NM_HEALING_PROLIFERATION_END);
        }
    }
  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      GDate d;

      if (nm_date_parse (nm_session_get_date (nm_consultation_get_session (consultation, i)), &d))
        {
          j0 = MIN (j0, g_date_get_julian (&d));
          j1 = MAX (j1, g_date_get_julian (&d) + NM_HEALING_INFLAMMATION_END);
        }
    }
  if (wait_from != NULL)
    j0 = MIN (j0, g_date_get_julian (wait_from));
  /* far away, today is an arrow at the end of the axis instead */
  if (today != NULL && g_date_valid (today))
    {
      guint32 jt = g_date_get_julian (today);

      if (jt + 120 >= j0 && jt <= j1 + 120)
        {
          j0 = MIN (j0, jt);
          j1 = MAX (j1, jt);
        }
    }
  f->j0 = j0 > 7 ? j0 - 7 : 1;
  f->j1 = j1 + 7;
}

/* Labels on the left, the maintenance column on the right, the axis
 * between them; the lanes share the height left by the header and key. */
static char *lane_sub_text   (const NmPlanSeries *series);
static char *lane_depth_text (NmPlan             *plan,
                              const NmPlanSeries *series);

/* The lanes' label column: as wide as their labels, up to a third of the
 * width (longer ones are cut short). */
static double
axis_start (const Frame *f,
            NmPlan      *plan,
            double       width)
{
  double need = 0;

  for (guint s = 0; plan != NULL && s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);
      g_autofree char *sub = lane_sub_text (series);
      g_autofree char *depth = lane_depth_text (plan, series);

      need = MAX (need, measure_text (f->cr, f->family, f->fs * 1.15, PANGO_WEIGHT_BOLD,
                                      series->label != NULL ? series->label : series->schedule));
      need = MAX (need, measure_text (f->cr, f->family, f->fs * 0.9, PANGO_WEIGHT_NORMAL, sub));
      need = MAX (need, measure_text (f->cr, f->family, f->fs * 0.9, PANGO_WEIGHT_NORMAL, depth));
    }
  return CLAMP (MAX (width * 0.2, need + f->fs * 0.5), f->fs * 9, MAX (width / 3, f->fs * 9)) + f->fs;
}

static void
lay_out (Frame    *f,
         Lanes    *l,
         NmPlan   *plan,
         double    width,
         double    height,
         guint     n_series,
         gboolean  show_legend)
{
  double legend_h = 0;

  l->width = width;
  f->width = width;
  l->maint_w = CLAMP (width * 0.13, f->fs * 8, f->fs * 12);
  l->header_h = f->fs * HEADER_FS;
  l->n_series = n_series;
  f->ax0 = axis_start (f, plan, width);
  f->ax1 = width - l->maint_w - f->fs * 1.5;
  if (show_legend)
    legend_h = f->fs * (LEGEND_FS + LEGEND_ROW_FS * (legend_layout (f, f->ax0, 0, FALSE) - 1));
  l->lane_h = MIN ((height - l->header_h - legend_h) / n_series, f->fs * LANE_FS);
  l->show_phases = l->lane_h >= f->fs * 10.4;
}

/* The month grid and the axis line under the month names */
static void
draw_axis (const Frame *f,
           const Lanes *l)
{
  cairo_t *cr = f->cr;

  draw_month_grid (f, 0, lanes_bottom (l));
  set_rgb (cr, &f->pal->grid, 1.0);
  cairo_set_line_width (cr, MAX (0.75, f->fs * 0.1));
  cairo_move_to (cr, f->ax0, l->header_h - f->fs * 0.2);
  cairo_line_to (cr, f->ax1, l->header_h - f->fs * 0.2);
  cairo_stroke (cr);
}

/* The break in the axis before the maintenance column, and its heading */
static void
draw_maintenance_break (const Frame *f,
                        const Lanes *l)
{
  cairo_t *cr = f->cr;
  double bx = f->ax1 + f->fs * 0.75;
  double by = l->header_h - f->fs * 0.2;

  set_rgb (cr, &f->pal->muted, 1.0);
  cairo_move_to (cr, bx - f->fs * 0.45, by + f->fs * 0.5);
  cairo_line_to (cr, bx - f->fs * 0.05, by - f->fs * 0.5);
  cairo_move_to (cr, bx + f->fs * 0.05, by + f->fs * 0.5);
  cairo_line_to (cr, bx + f->fs * 0.45, by - f->fs * 0.5);
  cairo_stroke (cr);
  draw_text (cr, f->family, f->fs * 0.9, PANGO_WEIGHT_BOLD, &f->pal->muted, _("Maintenance"),
             l->width - l->maint_w / 2 - f->fs * 0.5, f->fs * 0.4, 0.5);
}

/* One series' lane: where it is, and where its session log puts each
 * session (per session, 0-based). */
typedef struct
{
  const NmPlanSeries *series;
  guint               index;       /* the series' index in the plan */
  double              y0;          /* the top of the lane */
  double              base;        /* the line the session marks sit on */
  char               *depth;       /* the planned depth, as shown */
  GDate              *done_at;     /* the logged date, where logged[] */
  gboolean           *done;        /* logged as done */
  gboolean           *logged;      /* in the log */
  gboolean           *overdue;     /* its date has passed, not logged as done */
  double              spacing;     /* between the two closest planned sessions */
  gboolean            compact;     /* too close for a label under each */
} Lane;

static void
lane_clear (Lane *lane)
{
  g_clear_pointer (&lane->depth, g_free);
  g_clear_pointer (&lane->done_at, g_free);
  g_clear_pointer (&lane->done, g_free);
  g_clear_pointer (&lane->logged, g_free);
  g_clear_pointer (&lane->overdue, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Lane, lane_clear)

static void
lane_init (Lane           *lane,
           const Frame    *f,
           const Lanes    *l,
           NmPlan         *plan,
           guint           s,
           NmConsultation *consultation,
           GArray         *slots)
{
  const NmPlanSeries *series = nm_plan_get_series (plan, s);
  double min_mm, max_mm, label_need;
  g_autofree char *example = NULL;

  lane->series = series;
  lane->index = s;
  lane->y0 = l->header_h + s * l->lane_h;
  lane->base = lane->y0 + f->fs * 3.4;
  nm_schedule_series_depth (plan, series, &min_mm, &max_mm);
  lane->depth = nm_render_format_depth (min_mm, max_mm);
  lane->done_at = g_new0 (GDate, series->n_dates + 1);
  lane->done = g_new0 (gboolean, series->n_dates + 1);
  lane->logged = g_new0 (gboolean, series->n_dates + 1);
  lane->overdue = g_new0 (gboolean, series->n_dates + 1);

  /* the log's entries for this series */
  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      NmScheduleSlot *slot = &g_array_index (slots, NmScheduleSlot, i);
      NmSession *session = nm_consultation_get_session (consultation, i);

      if (slot->series != (int) s || slot->number == 0 || slot->number > series->n_dates)
        continue;
      if (!nm_date_parse (nm_session_get_date (session), &lane->done_at[slot->number - 1]))
        continue;
      lane->logged[slot->number - 1] = TRUE;
      lane->done[slot->number - 1] = nm_session_get_done (session);
    }

  /* a session whose date has passed without being logged as done: the
   * log records done sessions (and booked ones, not done) */
  for (guint k = 0; f->today != NULL && k < series->n_dates; k++)
    {
      const GDate *d = lane->logged[k] ? &lane->done_at[k] : &series->dates[k];

      lane->overdue[k] = !lane->done[k] && g_date_compare (d, f->today) < 0;
    }

  lane->spacing = G_MAXDOUBLE;
  for (guint k = 0; k + 1 < series->n_dates; k++)
    lane->spacing = MIN (lane->spacing, frame_x (f, &series->dates[k + 1]) - frame_x (f, &series->dates[k]));
  example = g_strdup_printf (_("Session %u of %u"), series->sessions, series->sessions);
  label_need = measure_text (f->cr, f->family, f->fs * 0.85, PANGO_WEIGHT_NORMAL, example) + f->fs * 0.8;
  lane->compact = lane->spacing < label_need;
}

static char *
lane_sub_text (const NmPlanSeries *series)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session, every %u weeks",
                                       "%u sessions, every %u weeks", series->sessions),
                          series->sessions, series->interval_weeks);
}

static char *
lane_depth_text (NmPlan             *plan,
                 const NmPlanSeries *series)
{
  double min_mm, max_mm;
  g_autofree char *depth = NULL;

  nm_schedule_series_depth (plan, series, &min_mm, &max_mm);
  depth = nm_render_format_depth (min_mm, max_mm);
  return g_strdup_printf (_("Planned depth %s"), depth);
}

/* A line of the lane's label, at the left, cut short before the axis */
static void
draw_text_fit (const Frame *f,
               double       size,
               int          weight,
               const Rgb   *colour,
               const char  *text,
               double       y)
{
  g_autoptr(PangoLayout) layout = make_layout (f->cr, f->family, size, weight, text);

  pango_layout_set_width (layout, (int) (MAX (f->ax0 - f->fs * 1.5, 1) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  set_rgb (f->cr, colour, 1.0);
  show_layout (f->cr, layout, 0, y, 0.0);
}

/* The lane's background (every other one shaded) and its label */
static void
draw_lane_label (const Frame *f,
                 const Lanes *l,
                 const Lane  *lane,
                 gboolean     dark)
{
  cairo_t *cr = f->cr;
  const NmPlanSeries *series = lane->series;
  g_autofree char *sub = NULL;
  g_autofree char *depth_line = NULL;

  if (lane->index % 2 == 1)
    {
      set_rgb (cr, &f->pal->grid, dark ? 0.35 : 0.28);
      cairo_rectangle (cr, 0, lane->y0, l->width, l->lane_h);
      cairo_fill (cr);
    }

  draw_text_fit (f, f->fs * 1.15, PANGO_WEIGHT_BOLD, &f->pal->text,
                 series->label != NULL ? series->label : series->schedule, lane->y0 + f->fs * 0.8);
  sub = lane_sub_text (series);
  draw_text_fit (f, f->fs * 0.9, PANGO_WEIGHT_NORMAL, &f->pal->muted, sub, lane->y0 + f->fs * 2.4);
  depth_line = g_strdup_printf (_("Planned depth %s"), lane->depth);
  draw_text_fit (f, f->fs * 0.9, PANGO_WEIGHT_NORMAL, &f->pal->muted, depth_line, lane->y0 + f->fs * 3.6);
}

/* The healing phases under each session, on the session's logged date
 * where there is one */
static void
draw_lane_phases (const Frame *f,
                  const Lanes *l,
                  const Lane  *lane)
{
  cairo_t *cr = f->cr;
  /* below the sessions' labels and depths */
  double py = lane->y0 + f->fs * 7.2;
  double bar = f->fs * 0.55;

  cairo_save (cr);
  cairo_rectangle (cr, f->ax0, lane->y0, f->ax1 - f->ax0, l->lane_h);
  cairo_clip (cr);
  for (guint k = 0; k < lane->series->n_dates; k++)
    {
      const GDate *d = lane->logged[k] ? &lane->done_at[k] : &lane->series->dates[k];

      draw_phases (f, d, py, bar, lane->done[k] ? 0.75 : 0.4);
    }
  cairo_restore (cr);
  for (guint p = 0; p < 3; p++)
    draw_text (cr, f->family, f->fs * NM_SCHEDULE_SMALLEST_TEXT, PANGO_WEIGHT_NORMAL, &f->pal->muted, phase_name (p),
               f->ax0 - f->fs * 0.4, py + p * f->fs - f->fs * 0.2, 1.0);
}

/* Text on a halo of the paper's colour, which parts the lines under it
 * (today's) from the letters. */
static void
draw_label (const Frame *f,
            double       size,
            int          weight,
            const Rgb   *colour,
            const char  *text,
            double       x,
            double       y,
            double       align)
{
  cairo_t *cr = f->cr;
  g_autoptr(PangoLayout) layout = make_layout (cr, f->family, size, weight, text);

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_move_to (cr, x - align * text_width (layout), y);
  pango_cairo_layout_path (cr, layout);
  set_rgb (cr, &f->pal->paper, 1.0);
  cairo_set_line_width (cr, f->fs * 0.3);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_restore (cr);
  set_rgb (cr, colour, 1.0);
  show_layout (cr, layout, x, y, align);
}

/* The centre of a label under or over a mark at @x, moved right so that it
 * starts on the axis, clear of the phases' and the lane's labels. */
static double
label_centre (const Frame *f,
              double       x,
              double       size,
              const char  *text)
{
  double w = measure_text (f->cr, f->family, size, PANGO_WEIGHT_BOLD, text);

  return MAX (x, f->ax0 + w / 2);
}

/* Session @k: its mark on its logged date (a faint ring stays on the
 * planned one when it moved), then its date and label; in a compact lane
 * only the date, staggered, where there is room. */
static void
draw_session (const Frame *f,
              const Lane  *lane,
              guint        k)
{
  cairo_t *cr = f->cr;
  const NmPlanSeries *series = lane->series;
  double base = lane->base;
  double xp = frame_x (f, &series->dates[k]);
  double x = lane->logged[k] ? frame_x (f, &lane->done_at[k]) : xp;
  char short_date[32];
  const GDate *shown = lane->logged[k] ? &lane->done_at[k] : &series->dates[k];

  g_date_strftime (short_date, sizeof short_date,
                   /* Translators: a session's date on the timeline, strftime format */
                   _("%-d %b"), shown);

  if (lane->logged[k] && fabs (x - xp) > f->fs * 0.2)
    {
      set_rgb (cr, &f->pal->accent, 0.4);
      cairo_move_to (cr, xp, base);
      cairo_line_to (cr, x, base);
      cairo_stroke (cr);
      draw_mark (f, xp, base, k + 1, FALSE, TRUE, FALSE);
    }
  draw_mark (f, x, base, k + 1, lane->done[k], FALSE, lane->overdue[k]);

  if (!lane->compact)
    {
      g_autofree char *label = g_strdup_printf (_("Session %u of %u"), k + 1, series->sessions);
      double lx = label_centre (f, x, f->fs * 0.8, label);

      draw_label (f, f->fs * 0.85, PANGO_WEIGHT_BOLD, &f->pal->text, short_date,
                 label_centre (f, x, f->fs * 0.85, short_date), base - f->fs * 2.5, 0.5);
      draw_label (f, f->fs * 0.8, PANGO_WEIGHT_NORMAL, &f->pal->text, label,
                 lx, base + f->fs * 1.2, 0.5);
      if (lane->logged[k] && lane->done[k])
        draw_label (f, f->fs * 0.8, PANGO_WEIGHT_BOLD, &f->pal->accent,
                   _("Done"), lx, base + f->fs * 2.3, 0.5);
      else if (lane->overdue[k])
        /* Translators: on the schedule, under a session whose date has
         * passed and that is not logged as done */
        draw_label (f, f->fs * 0.8, PANGO_WEIGHT_BOLD, &f->pal->phase[0],
                   _("Overdue"), lx, base + f->fs * 2.3, 0.5);
      else
        draw_label (f, f->fs * 0.8, PANGO_WEIGHT_NORMAL, &f->pal->muted, lane->depth,
                   label_centre (f, x, f->fs * 0.8, lane->depth), base + f->fs * 2.3, 0.5);
    }
  else
    {
      /* every other date higher */
      double ly = base - f->fs * (k % 2 == 0 ? 2.5 : 3.4);

      if (lane->spacing * 2 >= measure_text (cr, f->family, f->fs * 0.8, PANGO_WEIGHT_NORMAL, short_date) + f->fs * 0.3)
        draw_label (f, f->fs * 0.8, k % 2 == 0 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                   &f->pal->text, short_date, x, ly, 0.5);
    }
}

/* The sessions on a line along the lane; a compact lane says their depth
 * once, under them. */
static void
draw_lane_sessions (const Frame *f,
                    const Lane  *lane)
{
  cairo_t *cr = f->cr;
  const NmPlanSeries *series = lane->series;

  set_rgb (cr, &f->pal->accent, 0.35);
  cairo_set_line_width (cr, MAX (0.75, f->fs * 0.12));
  cairo_move_to (cr, frame_x (f, &series->dates[0]), lane->base);
  cairo_line_to (cr, frame_x (f, &series->dates[series->n_dates - 1]), lane->base);
  cairo_stroke (cr);

  for (guint k = 0; k < series->n_dates; k++)
    draw_session (f, lane, k);

  if (lane->compact)
    {
      g_autofree char *note = g_strdup_printf (_("Sessions 1–%u, each %s"), series->sessions, lane->depth);

      draw_text (cr, f->family, f->fs * 0.8, PANGO_WEIGHT_NORMAL, &f->pal->muted, note,
                 frame_x (f, &series->dates[0]) - f->fs, lane->base + f->fs * 1.3, 0.0);
    }
}

/* The first maintenance session, in the column past the axis's break */
static void
draw_lane_maintenance (const Frame *f,
                       const Lanes *l,
                       const Lane  *lane)
{
  cairo_t *cr = f->cr;
  double mx = l->width - l->maint_w / 2 - f->fs * 0.5;
  double base = lane->base;
  char when[32];
  g_autofree char *every = g_strdup_printf (_("then every %u months"), NM_MAINTENANCE_MONTHS);
  g_autofree char *sources = frame_cite (f, NM_SCHEDULE_MAINTENANCE_SOURCES);
  GDate maintenance;

  nm_schedule_maintenance_date (lane->series, &maintenance);
  set_rgb (cr, &f->pal->accent, 1.0);
  cairo_move_to (cr, mx, base - f->fs * 0.8);
  cairo_line_to (cr, mx + f->fs * 0.8, base);
  cairo_line_to (cr, mx, base + f->fs * 0.8);
  cairo_line_to (cr, mx - f->fs * 0.8, base);
  cairo_close_path (cr);
  cairo_set_line_width (cr, f->fs * 0.16);
  cairo_stroke (cr);
  g_date_strftime (when, sizeof when, _("from %b %Y"), &maintenance);
  draw_text (cr, f->family, f->fs * 0.85, PANGO_WEIGHT_BOLD, &f->pal->text, when,
             mx, base - f->fs * 2.5, 0.5);
  draw_text (cr, f->family, f->fs * NM_SCHEDULE_SMALLEST_TEXT, PANGO_WEIGHT_NORMAL, &f->pal->muted, every,
             mx, base + f->fs * 1.2, 0.5);
  draw_text_within (cr, f->family, f->fs * NM_SCHEDULE_SMALLEST_TEXT, &f->pal->muted, sources,
                    mx, base + f->fs * 2.2, l->maint_w, 2, 0.5);
}

/* A line for today across the lanes, its label hanging below them; off
 * the axis, an arrow at its end. Returns where the label ends, or
 * -G_MAXDOUBLE when there is none on the left. */
static double
draw_today (const Frame *f,
            const Lanes *l,
            const GDate *today)
{
  cairo_t *cr = f->cr;
  guint32 jt = g_date_get_julian (today);
  double bottom = lanes_bottom (l);

  if (jt >= f->j0 && jt <= f->j1)
    {
      double x = frame_x (f, today);
      g_autoptr(PangoLayout) layout = make_layout (cr, f->family, f->fs * 0.8, PANGO_WEIGHT_BOLD, _("Today"));
      double tw = text_width (layout) + f->fs * 0.8;
      double th = text_height (layout);

      set_rgb (cr, &f->pal->phase[0], 0.9);
      cairo_set_line_width (cr, MAX (1.0, f->fs * 0.14));
      cairo_move_to (cr, x, l->header_h - f->fs * 0.2);
      cairo_line_to (cr, x, bottom);
      cairo_stroke (cr);
      /* the label hangs below the lanes, clear of the month names */
      cairo_rectangle (cr, x - tw / 2, bottom, tw, th);
      cairo_fill (cr);
      set_rgb (cr, &f->pal->paper, 1.0);
      show_layout (cr, layout, x, bottom, 0.5);
      return x + tw / 2;
    }
  else
    {
      gboolean before = jt < f->j0;
      double x = before ? f->ax0 : f->ax1;
      g_autofree char *date = nm_render_format_date (today);
      g_autofree char *text = g_strdup_printf (before ? _("← Today, %s") : _("Today, %s →"), date);

      draw_text (cr, f->family, f->fs * 0.8, PANGO_WEIGHT_BOLD, &f->pal->phase[0], text,
                 x, bottom + f->fs * 0.2, before ? 0.0 : 1.0);
      return before ? x + measure_text (cr, f->family, f->fs * 0.8, PANGO_WEIGHT_BOLD, text) : -G_MAXDOUBLE;
    }
}

/* The wait's label, below the lanes beside today's, ending where the
 * first session starts */
static void
draw_wait_label (const Frame *f,
                 const Lanes *l,
                 const GDate *wait_from,
                 const GDate *wait_until,
                 double       today_label_end)
{
  char until[32];
  g_autofree char *label = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  double lx;

  /* Translators: a date on the timeline, strftime format */
  g_date_strftime (until, sizeof until, _("%-d %b"), wait_until);
  /* Translators: the label of the span before the first session,
   * which the screening moved later (sunburn, a recent procedure) */
  label = g_strdup_printf (_("Wait until %s"), until);
  layout = make_layout (f->cr, f->family, f->fs * 0.8, PANGO_WEIGHT_BOLD, label);
  lx = MAX (frame_x (f, wait_from), today_label_end + f->fs * 0.5);
  lx = MAX (lx, f->ax0);
  set_rgb (f->cr, &f->pal->text, 1.0);
  show_layout (f->cr, layout, lx, lanes_bottom (l), 0.0);
}

/**
 * nm_render_schedule:
 * @cr: a cairo context
 * @consultation: (nullable): the consultation, for its session log
 * @plan: the plan
 * @today: (nullable): today's date, marked on the axis
 * @width: width in units
 * @height: height in units
 * @style: (nullable): style
 *
 * Draws every series of @plan on one timeline, done sessions against
 * planned ones.
 */
void
nm_render_schedule (cairo_t               *cr,
                    NmConsultation        *consultation,
                    NmPlan                *plan,
                    const GDate           *today,
                    double                 width,
                    double                 height,
                    const NmScheduleStyle *style)
{
  static const NmScheduleStyle defaults = { FALSE, NULL, 0, TRUE };
  g_autoptr(GArray) slots = NULL;
  Frame f = { 0 };
  Lanes l = { 0 };
  guint n_series;
  double today_label_end = -G_MAXDOUBLE;
  gboolean waits;
  GDate wait_from, wait_until;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (plan != NULL);

  if (style == NULL)
    style = &defaults;

  f.cr = cr;
  f.pal = style->dark ? &dark_palette : &light_palette;
  f.family = style->font_family != NULL ? style->font_family : NM_RENDER_FONT_FAMILY;
  f.fs = style->font_size > 0 ? style->font_size : 8.0;
  f.today = today != NULL && g_date_valid (today) ? today : NULL;
  f.cite = style->cite;
  f.cite_data = style->cite_data;

  n_series = nm_plan_get_n_series (plan);
  if (width < f.fs * 20 || height < f.fs * 8)
    return;

  cairo_save (cr);

  if (n_series == 0)
    {
      draw_text (cr, f.family, f.fs * 1.1, PANGO_WEIGHT_NORMAL, &f.pal->muted,
                 nm_plan_get_status (plan) == NM_PLAN_BLOCKED
                   ? _("No sessions: the plan is blocked by a contraindication.")
                   : _("No sessions planned yet: tag findings on the map."),
                 width / 2, height / 2 - f.fs, 0.5);
      cairo_restore (cr);
      return;
    }

  if (consultation != NULL)
    slots = nm_schedule_match_sessions (consultation, plan);
  waits = wait_span (consultation, plan, today, &wait_from, &wait_until);
  frame_set_days (&f, consultation, plan, slots, waits ? &wait_from : NULL, today);
  lay_out (&f, &l, plan, width, height, n_series, style->show_legend);

  draw_axis (&f, &l);
  if (waits)
    draw_wait_band (&f, &wait_from, &wait_until, l.header_h - f.fs * 0.2, lanes_bottom (&l));
  draw_maintenance_break (&f, &l);
  /* today's line under the lanes, so that a session on it hides it rather
   * than being crossed out */
  if (today != NULL && g_date_valid (today))
    today_label_end = draw_today (&f, &l, today);

  for (guint s = 0; s < n_series; s++)
    {
      g_auto(Lane) lane = { 0 };

      lane_init (&lane, &f, &l, plan, s, consultation, slots);
      draw_lane_label (&f, &l, &lane, style->dark);
      if (l.show_phases)
        draw_lane_phases (&f, &l, &lane);
      draw_lane_sessions (&f, &lane);
      draw_lane_maintenance (&f, &l, &lane);
    }

  if (waits)
    draw_wait_label (&f, &l, &wait_from, &wait_until, today_label_end);
  if (style->show_legend && l.show_phases)
    draw_legend (&f, f.ax0, lanes_bottom (&l) + f.fs * 1.5);

  cairo_restore (cr);
}
