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

/* How numbers are written: the shortest "%.Pg" text that reads back as
 * the same double, whatever the locale. */

#include "config.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "nm-file.h"
#include "nm-vocab.h"

#define POINTS_PER_FINDING 500

/* The definition, done the slow way: try P = 1, 2, … 17. */
static void
append_reference (GString *out,
                  double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == 0)
    {
      g_string_append_c (out, '0');
      return;
    }

  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

/* Values in 0–1 that take every path of the writer. */
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
test_shortest (void)
{
  g_autoptr(GArray) values = make_values ();
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(NmConsultation) c = make_consultation (values, &expected);
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(GBytes) bytes = nm_file_serialize (c);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  for (guint i = 0; i < expected->len; i++)
    if (strstr (text, g_ptr_array_index (expected, i)) == NULL)
      {
        g_test_message ("outline %u is not written as %.200s…", i,
                        (const char *) g_ptr_array_index (expected, i));
        g_test_fail ();
      }

  /* Every double reads back exactly (−0 as 0). */
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

          g_assert_cmpfloat (points[i].x, ==, want);
          g_assert_cmpfloat (points[i].y, ==, 1.0 - want);
        }
    }
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

  g_test_add_func ("/file-numbers/shortest", test_shortest);
  g_test_add_func ("/file-numbers/locale", test_locale);

  return g_test_run ();
}
