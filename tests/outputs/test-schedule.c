/* test-schedule.c: the timeline and where logged sessions fall
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

#include <string.h>

#include "nm-render-schedule.h"
#include "outputs-test-util.h"

static NmSession *
log_session (NmConsultation *consultation,
             const char     *date,
             const char     *region,
             gboolean        done)
{
  g_autoptr(NmSession) session = nm_session_new (date);

  nm_session_set_done (session, done);
  if (region != NULL)
    nm_session_set_depth (session, region, 0.5);
  nm_consultation_add_session (consultation, session);
  return session;
}

static void
test_match_sessions (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(GArray) slots = NULL;
  int skin = -1, scalp = -1;

  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    if (g_strcmp0 (nm_plan_get_series (plan, s)->schedule, "skin") == 0)
      skin = (int) s;
    else
      scalp = (int) s;
  g_assert_cmpint (skin, >=, 0);
  g_assert_cmpint (scalp, >=, 0);

  /* logged out of order: numbered by date within each series */
  log_session (consultation, "2026-12-16", "scalp-vertex", TRUE);
  log_session (consultation, "2026-12-01", "cheek-left", TRUE);
  log_session (consultation, "2026-12-02", "scalp-frontal", TRUE);
  /* no depths: the series whose next session is nearest */
  log_session (consultation, "2027-01-13", NULL, FALSE);

  slots = nm_schedule_match_sessions (consultation, plan);
  g_assert_cmpuint (slots->len, ==, 4);
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 0).series, ==, scalp);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 0).number, ==, 2);
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 1).series, ==, skin);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 1).number, ==, 1);
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 2).series, ==, scalp);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 2).number, ==, 1);
  /* skin's 2nd is planned 2027-01-12, the scalp's 3rd 2026-12-29 */
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 3).series, ==, skin);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 3).number, ==, 2);
}

/* A booked appointment on a planned date is that planned session (the
 * new-user test booked the 4th date before the 2nd and 3rd were logged,
 * and the log called it "session 3 of 4"). */
static void
test_booked_takes_its_date (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(GArray) slots = NULL;
  const NmPlanSeries *series = NULL;
  char iso[4][16];
  int skin = -1;

  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    if (g_strcmp0 (nm_plan_get_series (plan, s)->schedule, "skin") == 0)
      skin = (int) s;
  g_assert_cmpint (skin, >=, 0);
  series = nm_plan_get_series (plan, skin);
  g_assert_cmpuint (series->n_dates, >=, 4);
  for (guint d = 0; d < 4; d++)
    g_date_strftime (iso[d], sizeof iso[d], "%Y-%m-%d", &series->dates[d]);

  log_session (consultation, iso[0], "cheek-left", TRUE);
  log_session (consultation, iso[3], NULL, FALSE);
  log_session (consultation, iso[1], NULL, FALSE);

  slots = nm_schedule_match_sessions (consultation, plan);
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 0).series, ==, skin);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 0).number, ==, 1);
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 1).series, ==, skin);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 1).number, ==, 4);
  g_assert_cmpint (g_array_index (slots, NmScheduleSlot, 2).series, ==, skin);
  g_assert_cmpuint (g_array_index (slots, NmScheduleSlot, 2).number, ==, 2);
}

static guint
count_accent (cairo_surface_t *surface)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        /* the accent, #1c6b78 */
        if (ABS (r - 0x1c) < 24 && ABS (g - 0x6b) < 24 && ABS (b - 0x78) < 24)
          n++;
      }
  return n;
}

static cairo_surface_t *
draw (NmConsultation *consultation,
      NmPlan         *plan,
      const GDate    *today)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 900, 320);
  cairo_t *cr = cairo_create (surface);
  NmScheduleStyle style = { FALSE, NULL, 10, TRUE };

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  nm_render_schedule (cr, consultation, plan, today, 900, 320, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return surface;
}

static void
test_done_against_planned (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  cairo_surface_t *planned, *done;
  guint before, after;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  planned = draw (consultation, plan, &today);
  before = count_accent (planned);
  g_assert_cmpuint (before, >, 200);   /* the rings are drawn */

  log_session (consultation, "2026-12-01", "cheek-left", TRUE);
  log_session (consultation, "2026-12-01", "scalp-vertex", TRUE);
  done = draw (consultation, plan, &today);
  after = count_accent (done);
  /* done sessions are filled marks: much more accent ink */
  g_assert_cmpuint (after, >, before + 300);

  cairo_surface_destroy (planned);
  cairo_surface_destroy (done);
}

static void
test_maintenance (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  GDate maintenance;
  const NmPlanSeries *series = nm_plan_get_series (plan, 0);

  nm_schedule_maintenance_date (series, &maintenance);
  g_assert_cmpint (g_date_days_between (&series->dates[series->n_dates - 1], &maintenance), >=, 365);
  g_assert_cmpfloat (nm_render_schedule_natural_height (plan, 10), >, 10 * 11.5 * 2);
}

/* Where the drawing on the white ground is: the pixels clearly darker
 * than the paper, and their bounds. */
typedef struct
{
  guint n;
  int   x0, y0, x1, y1;
} Ink;

static Ink
find_ink (cairo_surface_t *surface)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  Ink ink = { 0, G_MAXINT, G_MAXINT, -1, -1 };

  cairo_surface_flush (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        if (r + g + b < 3 * 160)
          {
            ink.n++;
            ink.x0 = MIN (ink.x0, x);
            ink.y0 = MIN (ink.y0, y);
            ink.x1 = MAX (ink.x1, x);
            ink.y1 = MAX (ink.y1, y);
          }
      }
  return ink;
}

static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  int height = cairo_image_surface_get_height (a);

  cairo_surface_flush (a);
  cairo_surface_flush (b);
  g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (b));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (b));
  return memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                 (gsize) stride * height) == 0;
}

/* A blocked plan has no sessions: the timeline says so in one line of
 * text across the middle, and draws no session marks. */
static void
test_blocked_draws_a_message (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmConsultation) nothing = nm_consultation_new ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPlan) unplanned = NULL;
  cairo_surface_t *surface, *other;
  Ink ink;

  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  plan = plan_for (consultation);
  g_assert_cmpuint (nm_plan_get_n_series (plan), ==, 0);
  surface = draw (consultation, plan, NULL);

  /* the message: a line of text (900 × 320, a 10 px font), centred */
  ink = find_ink (surface);
  g_test_message ("ink: %u pixels in %d,%d–%d,%d", ink.n, ink.x0, ink.y0, ink.x1, ink.y1);
  g_assert_cmpuint (ink.n, >, 200);
  g_assert_cmpint (ink.x1 - ink.x0, >, 200);
  g_assert_cmpint (ink.y1 - ink.y0, <, 30);
  g_assert_cmpint (ABS ((ink.x0 + ink.x1) / 2 - 450), <, 20);
  g_assert_cmpint (ink.y0, >, 320 / 4);
  g_assert_cmpint (ink.y1, <, 320 * 3 / 4);
  /* no session marks */
  g_assert_cmpuint (count_accent (surface), ==, 0);

  /* and it says why: not the message of a plan with nothing to treat */
  nm_consultation_set_fitzpatrick (nothing, 3);
  unplanned = plan_for (nothing);
  g_assert_cmpuint (nm_plan_get_n_series (unplanned), ==, 0);
  g_assert_cmpint (nm_plan_get_status (unplanned), !=, NM_PLAN_BLOCKED);
  other = draw (nothing, unplanned, NULL);
  g_assert_cmpuint (find_ink (other).n, >, 200);
  g_assert_false (same_pixels (surface, other));

  cairo_surface_destroy (surface);
  cairo_surface_destroy (other);
}

/* Light neutral greys: the wait band's ground and hatching, which read
 * without colour; the lanes' own grounds are lighter. */
static guint
count_band_grey (cairo_surface_t *surface)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        if (r >= 225 && r <= 243 && ABS (r - g) < 8 && ABS (g - b) < 12)
          n++;
      }
  return n;
}

/* Sunburn moves the first session: the span from the start date to it is
 * drawn as a band across the lanes, in greys that print. */
static void
test_wait_band (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plain = NULL;
  g_autoptr(NmPlan) waiting = NULL;
  cairo_surface_t *without, *with;
  guint before, after;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  nm_consultation_set_start_date (consultation, "2026-12-01");
  plain = plan_for (consultation);
  g_assert_null (nm_plan_get_wait_until (plain));
  nm_consultation_set_screening (consultation, "sunburn", NM_ANSWER_YES);
  waiting = plan_for (consultation);
  g_assert_nonnull (nm_plan_get_wait_until (waiting));

  without = draw (consultation, plain, &today);
  with = draw (consultation, waiting, &today);
  before = count_band_grey (without);
  after = count_band_grey (with);
  g_test_message ("band greys: %u without the wait, %u with it", before, after);
  g_assert_cmpuint (after, >, before + 3000);

  cairo_surface_destroy (without);
  cairo_surface_destroy (with);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/schedule/match", test_match_sessions);
  g_test_add_func ("/outputs/schedule/booked-takes-its-date", test_booked_takes_its_date);
  g_test_add_func ("/outputs/schedule/done-vs-planned", test_done_against_planned);
  g_test_add_func ("/outputs/schedule/maintenance", test_maintenance);
  g_test_add_func ("/outputs/schedule/blocked", test_blocked_draws_a_message);
  g_test_add_func ("/outputs/schedule/wait-band", test_wait_band);

  return g_test_run ();
}
