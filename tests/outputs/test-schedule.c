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
test_maintenance_and_phases (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  GDate maintenance;
  const NmPlanSeries *series = nm_plan_get_series (plan, 0);

  nm_schedule_maintenance_date (series, &maintenance);
  g_assert_cmpint (g_date_days_between (&series->dates[series->n_dates - 1], &maintenance), >=, 365);
  g_assert_cmpint (NM_HEALING_INFLAMMATION_END, <=, NM_HEALING_PROLIFERATION_START);
  g_assert_cmpint (NM_HEALING_PROLIFERATION_END, ==, 8 * 7);
  g_assert_cmpfloat (nm_render_schedule_natural_height (plan, 10), >, 10 * 11.5 * 2);
}

static void
test_blocked_draws_a_message (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  cairo_surface_t *surface;

  nm_consultation_set_screening (consultation, "pregnancy", NM_ANSWER_YES);
  plan = plan_for (consultation);
  g_assert_cmpuint (nm_plan_get_n_series (plan), ==, 0);
  surface = draw (consultation, plan, NULL);
  g_assert_cmpuint (count_accent (surface), ==, 0);
  cairo_surface_destroy (surface);
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
  g_test_add_func ("/outputs/schedule/done-vs-planned", test_done_against_planned);
  g_test_add_func ("/outputs/schedule/maintenance", test_maintenance_and_phases);
  g_test_add_func ("/outputs/schedule/blocked", test_blocked_draws_a_message);
  g_test_add_func ("/outputs/schedule/wait-band", test_wait_band);

  return g_test_run ();
}
