/* test-file-numbers.c
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

/* How numbers are written and read: six significant digits ("%.6g"),
 * whatever the locale, rounded to as many when read, so that a file saves
 * to the same bytes from its first save on and plans the same. */

#include "config.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-planner.h"
#include "nm-vocab.h"

#define POINTS_PER_FINDING 500
#define HALF_UNIT_ABS      (5e-7 + 1e-15)     /* a number of 0–1 */
#define HALF_UNIT_REL      (5e-6 * (1 + 1e-9))

/* The rule, written out: printf's "%.6g" in the C locale, 0 for −0. */
static void
append_reference (GString *out,
                  double   value)
{
  char buf[64];
  locale_t c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  locale_t old = uselocale (c_locale);

  if (value == 0)
    g_snprintf (buf, sizeof buf, "0");
  else
    g_snprintf (buf, sizeof buf, "%.6g", value);
  uselocale (old);
  freelocale (c_locale);

  g_string_append (out, buf);
}

/* Values in 0–1: short and long decimals, their neighbours, powers of
 * two down to the smallest subnormal. */
static GArray *
make_values (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261201);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  static const double fixed[] = {
    0.0, -0.0, 1.0, 0.5, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 1e-4, 1e-5, 1e-7,
    9.9999e-5, 0.999999999999999, 0.9999999999999999, 0.99999999999999994,
    DBL_MIN, DBL_EPSILON, 5e-324, 1e-310, 0.05 + 0.11 * 3, 0.95 - 0.11 * 7,
  };

  g_array_append_vals (values, fixed, G_N_ELEMENTS (fixed));

  for (int e = -1074; e <= 0; e++)
    {
      double v = ldexp (1.0, e);

      g_array_append_val (values, v);
      v = nextafter (v, 1.0);
      g_array_append_val (values, v);
    }

  for (guint i = 0; i < 8000; i++)
    {
      guint64 mantissa = 0;
      int digits = g_rand_int_range (rand, 1, 18);
      char text[64];
      double v;

      v = g_rand_double (rand);
      g_array_append_val (values, v);

      /* Short decimals and their neighbours. */
      for (int k = 0; k < digits; k++)
        mantissa = mantissa * 10 + g_rand_int_range (rand, 0, 10);
      g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT "e-%d",
                  mantissa, digits + g_rand_int_range (rand, 0, 8));
      v = g_ascii_strtod (text, NULL);
      g_array_append_val (values, v);
      v = nextafter (v, 0.0);
      g_array_append_val (values, v);
      v = nextafter (nextafter (v, 1.0), 1.0);
      if (v <= 1.0)
        g_array_append_val (values, v);
    }

  return values;
}

/* One finding per POINTS_PER_FINDING values, each value as x and 1 - x
 * as y; *@expected gets what each outline must be written as. */
static NmConsultation *
make_consultation (GArray     *values,
                   GPtrArray **expected)
{
  NmConsultation *c = nm_consultation_new ();
  const NmRegionInfo *region = nm_vocab_region (0);
  guint view = 0;

  while ((region->views & (1u << view)) == 0)
    view++;

  nm_consultation_set_fitzpatrick (c, 3);
  *expected = g_ptr_array_new_with_free_func (g_free);

  for (guint start = 0; start < values->len; start += POINTS_PER_FINDING)
    {
      guint n = MIN (POINTS_PER_FINDING, values->len - start);
      g_autoptr(NmFinding) finding = nm_finding_new (region->id, nm_vocab_kind (0)->id, 2);
      g_autofree NmPoint *points = g_new (NmPoint, n);
      GString *text = g_string_new ("\"outline\": [");

      for (guint i = 0; i < n; i++)
        {
          points[i].x = g_array_index (values, double, start + i);
          points[i].y = 1.0 - points[i].x;
          g_string_append (text, i > 0 ? ", [" : "[");
          append_reference (text, points[i].x);
          g_string_append (text, ", ");
          append_reference (text, points[i].y);
          g_string_append_c (text, ']');
        }
      g_string_append_c (text, ']');

      nm_finding_set_outline (finding, nm_view_id (view), points, n);
      nm_consultation_add_finding (c, finding);
      g_ptr_array_add (*expected, g_string_free (text, FALSE));
    }

  return c;
}

static void
test_six_digits (void)
{
  g_autoptr(GArray) values = make_values ();
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(NmConsultation) c = make_consultation (values, &expected);
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(GBytes) bytes = nm_file_serialize (c);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  for (guint i = 0; i < expected->len; i++)
    if (strstr (text, g_ptr_array_index (expected, i)) == NULL)
      {
        g_test_message ("outline %u is not written as %.200s…", i,
                        (const char *) g_ptr_array_index (expected, i));
        g_test_fail ();
      }

  /* Each number reads back as its text, within half a unit of its sixth
   * digit (and a hair, for the binary representation of that decimal):
   * for a point, 1/250 of a pixel across an 8K-wide view. */
  loaded = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_findings (loaded), ==, expected->len);
  for (guint f = 0; f < expected->len; f++)
    {
      const NmPoint *points;
      guint n;

      points = nm_finding_get_outline (nm_consultation_get_finding (loaded, f), &n);
      for (guint i = 0; i < n; i++)
        {
          double want = g_array_index (values, double, f * POINTS_PER_FINDING + i);
          g_autoptr(GString) written = g_string_new (NULL);

          append_reference (written, want);
          g_assert_cmpfloat (points[i].x, ==, g_ascii_strtod (written->str, NULL));
          g_assert_cmpfloat (fabs (points[i].x - want), <=, HALF_UNIT_ABS);
          g_assert_cmpfloat (fabs (points[i].x - want), <=, HALF_UNIT_REL * want + DBL_TRUE_MIN);
          g_assert_cmpfloat (fabs (points[i].y - (1.0 - want)), <=, HALF_UNIT_ABS);
        }
    }

  /* From the first save on, the same bytes. */
  again = nm_file_serialize (loaded);
  g_assert_true (g_bytes_equal (bytes, again));
}

/* Rounding twice is rounding once; −0 is 0. */
static void
test_round_is_stable (void)
{
  g_autoptr(GArray) values = make_values ();

  for (guint i = 0; i < values->len; i++)
    {
      double value = g_array_index (values, double, i);
      double once = _nm_file_round_number (value);

      g_assert_cmpfloat (_nm_file_round_number (once), ==, once);
      g_assert_cmpfloat (_nm_file_round_number (1.0 - value), ==,
                         _nm_file_round_number (_nm_file_round_number (1.0 - value)));
    }

  g_assert_false (signbit (_nm_file_round_number (-0.0)));
  g_assert_cmpfloat (_nm_file_round_number (1e-7), ==, 1e-7);
  g_assert_cmpfloat (_nm_file_round_number (0.1 + 0.2), ==, 0.3);
}

/* A file written with more digits (by an older Needlemap, which wrote
 * the shortest text that read back exactly, or by hand) is read rounded:
 * its plan does not change when it is saved and opened again, and its
 * first save is its last change. */
static const char long_digits[] =
  "{\"format\": \"needlemap-consultation\", \"version\": 1,\n"
  " \"client\": {\"fitzpatrick\": 3},\n"
  " \"findings\": [{\"region\": \"cheek-left\", \"kind\": \"acne-scar-rolling\", \"severity\": 3,\n"
  "   \"view\": \"face-front\", \"outline\": [[0.30000000000000004, 0.33333333333333331],\n"
  "   [1e-07, -0.0], [0.99999999999999989, 0.1]]}],\n"
  " \"plan\": {\"start_date\": \"2026-12-01\", \"device\": {\"max_mm\": 1.5000000000000002,\n"
  "   \"step_mm\": 0.2500001}},\n"
  " \"sessions\": [{\"date\": \"2026-12-01\", \"done\": true,\n"
  "   \"depth_mm\": {\"cheek-left\": 1.5000001}}],\n"
  " \"x_kept\": 0.30000000000000004}\n";

static char *
plan_of (NmConsultation *c)
{
  g_autoptr(NmProtocol) protocol = nm_protocol_load_default (NULL);
  g_autoptr(GDate) today = g_date_new_dmy (1, G_DATE_DECEMBER, 2026);
  g_autoptr(NmPlan) plan = nm_planner_run (c, protocol, today);

  return nm_plan_to_json (plan);
}

static void
test_long_digits (void)
{
  g_autoptr(GBytes) original = g_bytes_new_static (long_digits, sizeof long_digits - 1);
  g_autofree char *text = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *plan_again = NULL;
  const NmPoint *points;
  double depth;
  guint n;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmConsultation) reopened = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;

  c = nm_file_load_bytes (original, &error);
  g_assert_no_error (error);
  points = nm_finding_get_outline (nm_consultation_get_finding (c, 0), &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (points[0].x, ==, 0.3);
  g_assert_cmpfloat (points[0].y, ==, 0.333333);
  g_assert_cmpfloat (points[1].x, ==, 1e-7);
  g_assert_false (signbit (points[1].y));
  g_assert_cmpfloat (points[2].x, ==, 1.0);
  g_assert_cmpfloat (nm_consultation_get_device_max_mm (c), ==, 1.5);
  g_assert_cmpfloat (nm_consultation_get_device_step_mm (c), ==, 0.25);
  g_assert_true (nm_session_get_depth (nm_consultation_get_session (c, 0), "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 1.5);

  first = nm_file_serialize (c);
  text = g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_assert_nonnull (strstr (text, "\"outline\": [[0.3, 0.333333], [1e-07, 0], [1, 0.1]]"));
  g_assert_nonnull (strstr (text, "\"max_mm\": 1.5,"));
  g_assert_nonnull (strstr (text, "\"cheek-left\": 1.5\n"));
  /* An unknown key is kept as it was written. */
  g_assert_nonnull (strstr (text, "\"x_kept\": 0.30000000000000004"));

  reopened = nm_file_load_bytes (first, &error);
  g_assert_no_error (error);
  second = nm_file_serialize (reopened);
  g_assert_true (g_bytes_equal (first, second));

  plan = plan_of (c);
  plan_again = plan_of (reopened);
  g_assert_cmpstr (plan, ==, plan_again);
}

static void
test_locale (void)
{
  g_autoptr(GArray) values = make_values ();
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(NmConsultation) c = make_consultation (values, &expected);
  g_autoptr(NmSession) session = nm_session_new ("2026-12-01");
  g_autoptr(GBytes) in_c = NULL;
  g_autoptr(GBytes) in_german = NULL;
  g_autoptr(GBytes) reloaded = NULL;
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  char probe[16];

  nm_session_set_depth (session, nm_vocab_region (0)->id, 1.25);
  nm_session_set_depth (session, nm_vocab_region (1)->id, 0.1 + 0.2);
  nm_consultation_add_session (c, session);

  setlocale (LC_NUMERIC, "C");
  in_c = nm_file_serialize (c);

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      setlocale (LC_NUMERIC, saved);
      g_test_skip ("the de_DE.UTF-8 locale is not installed, so there is no decimal comma to try");
      return;
    }

  /* The locale really writes a comma, so the test means something. */
  g_snprintf (probe, sizeof probe, "%.1f", 0.5);
  g_assert_cmpstr (probe, ==, "0,5");

  in_german = nm_file_serialize (c);
  loaded = nm_file_load_bytes (in_c, &error);
  g_assert_no_error (error);
  reloaded = nm_file_serialize (loaded);
  setlocale (LC_NUMERIC, saved);

  g_assert_true (g_bytes_equal (in_c, in_german));
  g_assert_true (g_bytes_equal (in_c, reloaded));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file-numbers/six-digits", test_six_digits);
  g_test_add_func ("/file-numbers/round-is-stable", test_round_is_stable);
  g_test_add_func ("/file-numbers/long-digits", test_long_digits);
  g_test_add_func ("/file-numbers/locale", test_locale);

  return g_test_run ();
}
