/* test-plan-command.c
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
#include <glib/gstdio.h>

#include "nm-planner.h"

/* `needlemap --plan FILE` as the core runs it. $XDG_CONFIG_HOME points at a
 * fresh directory (set before GLib reads it) so the clinic overlay is under
 * the test's control. */

static char *config_dir;

static char *
clinic_protocol_path (void)
{
  return g_build_filename (config_dir, "needlemap", "protocol.json", NULL);
}

static char *
write_temp (const char *name,
            const char *text)
{
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_sample_matches_expected (void)
{
  g_autofree char *sample = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);
  g_autofree char *expected_path = g_build_filename (TEST_SRCDIR, "planner", "sample.plan.json", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);

  g_setenv ("NEEDLEMAP_TODAY", "2026-11-20", TRUE);
  g_assert_cmpint (nm_plan_command (sample, NULL, out, err), ==, 0);
  g_assert_cmpstr (err->str, ==, "");
  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
  g_assert_cmpstr (out->str, ==, expected);
  /* no personal data in the plan */
  g_assert_null (strstr (out->str, "Ana Silva"));
  g_assert_null (strstr (out->str, "1991"));
  g_unsetenv ("NEEDLEMAP_TODAY");
}

/* Without a start date the series starts on NEEDLEMAP_TODAY. */
static void
test_today_from_environment (void)
{
  g_autofree char *path = write_temp ("nm-plan-today.needlemap",
                                      "{\"format\": \"needlemap-consultation\", \"version\": 1,"
                                      " \"client\": {\"fitzpatrick\": 2},"
                                      " \"findings\": [{\"region\": \"forehead\", \"kind\": \"fine-lines\", \"severity\": 2}]}");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(GString) out2 = g_string_new (NULL);

  g_setenv ("NEEDLEMAP_TODAY", "2027-03-01", TRUE);
  g_assert_cmpint (nm_plan_command (path, NULL, out, err), ==, 0);
  g_assert_nonnull (strstr (out->str, "\"dates\": [\"2027-03-01\", \"2027-03-29\", \"2027-04-26\", \"2027-05-24\"]"));
  /* screening unanswered: caution */
  g_assert_nonnull (strstr (out->str, "\"status\": \"caution\""));
  g_assert_nonnull (strstr (out->str, "\"id\": \"screening-incomplete\""));

  /* an explicit date wins over the environment */
  g_assert_cmpint (nm_plan_command (path, "2027-04-05", out2, err), ==, 0);
  g_assert_nonnull (strstr (out2->str, "\"dates\": [\"2027-04-05\""));

  g_setenv ("NEEDLEMAP_TODAY", "2027-02-30", TRUE);
  g_string_truncate (err, 0);
  g_assert_cmpint (nm_plan_command (path, NULL, out, err), ==, 2);
  g_assert_true (g_str_has_prefix (err->str, "needlemap: NEEDLEMAP_TODAY: "));
  g_unsetenv ("NEEDLEMAP_TODAY");
  g_unlink (path);
}

static void
test_bad_files (void)
{
  const char *texts[] = {
    "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 9}, \"findings\": []}",
    "not json",
    "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 3},"
    " \"findings\": [{\"region\": \"elbow\", \"kind\": \"pih\", \"severity\": 2}]}",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts) + 1; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(GString) err = g_string_new (NULL);
      g_autofree char *prefix = NULL;

      if (i < G_N_ELEMENTS (texts))
        path = write_temp ("nm-plan-bad.needlemap", texts[i]);
      else
        path = g_strdup ("/nonexistent/client.needlemap");

      g_assert_cmpint (nm_plan_command (path, "2027-01-01", out, err), ==, 1);
      g_assert_cmpstr (out->str, ==, "");
      prefix = g_strdup_printf ("needlemap: %s: ", path);
      g_assert_true (g_str_has_prefix (err->str, prefix));
      /* one line */
      g_assert_true (g_str_has_suffix (err->str, "\n"));
      g_assert_true (strchr (err->str, '\n') == err->str + err->len - 1);
      if (i < G_N_ELEMENTS (texts))
        g_unlink (path);
    }
}

/* The clinic's protocol in $XDG_CONFIG_HOME is laid over the default. */
static void
test_clinic_overlay (void)
{
  g_autofree char *sample = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);
  g_autofree char *clinic = clinic_protocol_path ();
  g_autofree char *dir = g_path_get_dirname (clinic);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  g_autofree char *prefix = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (clinic,
                                      "{\"format\": \"needlemap-protocol\","
                                      " \"indications\": {\"alopecia\": {\"series\": {\"sessions\": 12, \"interval_weeks\": 1}}}}",
                                      -1, NULL));
  g_assert_cmpint (nm_plan_command (sample, NULL, out, err), ==, 0);
  g_assert_nonnull (strstr (out->str, "\"sessions\": 12,\n      \"interval_weeks\": 1,"));
  g_assert_nonnull (strstr (out->str, "Scalp series: 12 sessions, the most of the series, from androgenetic hair loss (CLINIC)"));

  /* a broken clinic protocol is a bad file too, named in the message */
  g_assert_true (g_file_set_contents (clinic,
                                      "{\"format\": \"needlemap-protocol\", \"regions\": {\"neck\": {\"max_mm\": \"deep\"}}}",
                                      -1, NULL));
  g_string_truncate (out, 0);
  g_assert_cmpint (nm_plan_command (sample, NULL, out, err), ==, 1);
  g_assert_cmpstr (out->str, ==, "");
  prefix = g_strdup_printf ("needlemap: %s: regions.neck.max_mm: must be a number", clinic);
  g_assert_true (g_str_has_prefix (err->str, prefix));

  g_unlink (clinic);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  config_dir = g_dir_make_tmp ("nm-plan-config-XXXXXX", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan-command/sample-matches-expected", test_sample_matches_expected);
  g_test_add_func ("/plan-command/today-from-environment", test_today_from_environment);
  g_test_add_func ("/plan-command/bad-files", test_bad_files);
  g_test_add_func ("/plan-command/clinic-overlay", test_clinic_overlay);

  status = g_test_run ();

  {
    g_autofree char *sub = g_build_filename (config_dir, "needlemap", NULL);
    g_rmdir (sub);
    g_rmdir (config_dir);
    g_free (config_dir);
  }
  return status;
}
