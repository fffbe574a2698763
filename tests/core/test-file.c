/* test-file.c
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

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nm-file.h"

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "core", "data", name, NULL);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static NmConsultation *
load_data (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = data_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NmConsultation *c;

  c = nm_file_load (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);

  return c;
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("needlemap-test-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

static void
remove_temp_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  return st.st_mode & 0777;
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  if (!g_bytes_equal (a, b))
    {
      g_autofree char *sa = g_strndup (g_bytes_get_data (a, NULL), g_bytes_get_size (a));
      g_autofree char *sb = g_strndup (g_bytes_get_data (b, NULL), g_bytes_get_size (b));

      g_assert_cmpstr (sa, ==, sb);
    }
}

static void
test_load_full (void)
{
  g_autoptr(NmConsultation) c = load_data ("full.needlemap");
  NmFinding *f;
  NmSession *s;
  const NmPoint *points;
  guint n;
  double depth;

  g_assert_cmpstr (nm_consultation_get_client_name (c), ==, "Ana Silva");
  g_assert_cmpstr (nm_consultation_get_birth_date (c), ==, "1991-05-14");
  g_assert_cmpuint (nm_consultation_get_fitzpatrick (c), ==, 4);
  g_assert_cmpint (nm_consultation_get_screening (c, "anticoagulants"), ==, NM_ANSWER_YES);
  g_assert_cmpint (nm_consultation_get_screening (c, "pregnancy"), ==, NM_ANSWER_NO);
  g_assert_cmpint (nm_consultation_get_screening (c, "rosacea"), ==, NM_ANSWER_UNKNOWN);
  g_assert_cmpstr (nm_consultation_get_start_date (c), ==, "2026-12-01");
  g_assert_cmpstr (nm_consultation_get_practitioner (c), ==, "");
  g_assert_cmpstr (nm_consultation_get_acknowledgement (c, "anticoagulants"), ==,
                   "Low-dose aspirin; GP agreed to pause 7 days.");

  g_assert_cmpuint (nm_consultation_get_n_findings (c), ==, 2);
  f = nm_consultation_get_finding (c, 0);
  g_assert_cmpstr (nm_finding_get_region (f), ==, "cheek-left");
  g_assert_cmpstr (nm_finding_get_kind (f), ==, "acne-scar-rolling");
  g_assert_cmpuint (nm_finding_get_severity (f), ==, 3);
  g_assert_cmpstr (nm_finding_get_view (f), ==, "face-front");
  points = nm_finding_get_outline (f, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (points[2].x, ==, 0.63);
  g_assert_cmpfloat (points[2].y, ==, 0.6);
  f = nm_consultation_get_finding (c, 1);
  g_assert_null (nm_finding_get_note (f));
  g_assert_false (nm_finding_has_outline (f));

  g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, 1);
  s = nm_consultation_get_session (c, 0);
  g_assert_cmpstr (nm_session_get_date (s), ==, "2026-12-01");
  g_assert_true (nm_session_get_done (s));
  g_assert_true (nm_session_get_depth (s, "cheek-left", &depth));
  g_assert_cmpfloat (depth, ==, 1.25);
  g_assert_cmpstr (nm_session_get_device (s), ==, "pen A");

  /* Loading is not an edit. */
  g_assert_false (nm_consultation_can_undo (c));
  g_assert_false (nm_consultation_get_modified (c));
}

static void
test_serialize_canonical (void)
{
  g_autoptr(NmConsultation) c = load_data ("full.needlemap");
  g_autofree char *path = data_path ("full.needlemap");
  g_autoptr(GBytes) original = read_bytes (path);
  g_autoptr(GBytes) written = nm_file_serialize (c);
  const char *text;
  gsize len;

  /* The fixture is written in the canonical form, unknown keys included,
   * so saving it changes nothing. */
  assert_bytes_equal (written, original);

  text = g_bytes_get_data (written, &len);
  g_assert_cmpint (text[len - 1], ==, '\n');
  g_assert_true (g_utf8_validate (text, len, NULL));
}

static void
test_round_trip (void)
{
  g_autoptr(NmConsultation) c = load_data ("compact.needlemap");
  g_autoptr(NmConsultation) again = NULL;
  g_autoptr(GBytes) first = nm_file_serialize (c);
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *x_first, *format;

  again = nm_file_load_bytes (first, &error);
  g_assert_no_error (error);
  second = nm_file_serialize (again);
  assert_bytes_equal (first, second);

  /* Unknown keys kept, after the known ones, in their order. */
  text = g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  x_first = strstr (text, "\"x_first\": 1");
  format = strstr (text, "\"format\"");
  g_assert_nonnull (x_first);
  g_assert_nonnull (format);
  g_assert_true (format < x_first);
  g_assert_nonnull (strstr (text, "\"x\": \"y\""));
  g_assert_nonnull (strstr (text, "\"x\": []"));
  g_assert_nonnull (strstr (text, "\"outline\": [[0, 1], [1, 0], [0.5, 0.5]]"));
  g_assert_true (g_str_has_prefix (text, "{\n  \"format\": \"needlemap-consultation\",\n  \"version\": 1,\n"));
}

static void
test_round_trip_model (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(NmFinding) f = nm_finding_new ("neck", "laxity", 2);
  g_autoptr(NmSession) s = nm_session_new (NULL);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  const NmPoint points[] = { { 0.1, 1.0 / 3.0 }, { 1e-7, 0.999999999 } };
  const NmPoint *got;
  double depth;
  guint n;

  nm_consultation_set_fitzpatrick (c, 6);
  nm_consultation_set_client_name (c, "Zoë \"Quote\" \\ Back\nslash\ttab\x01");
  nm_consultation_set_client_notes (c, "");
  nm_consultation_set_screening (c, "sunburn", NM_ANSWER_YES);
  nm_consultation_set_acknowledgement (c, "sunburn", "");
  nm_finding_set_outline (f, "body-front", points, G_N_ELEMENTS (points));
  nm_finding_set_note (f, "ünïcödé");
  nm_consultation_add_finding (c, f);
  nm_session_set_depth (s, "neck", 2.5);
  nm_session_set_depth (s, "abdomen", 0.1 + 0.2);
  nm_consultation_add_session (c, s);

  first = nm_file_serialize (c);
  loaded = nm_file_load_bytes (first, &error);
  g_assert_no_error (error);
  second = nm_file_serialize (loaded);
  assert_bytes_equal (first, second);

  g_assert_cmpstr (nm_consultation_get_client_name (loaded), ==, nm_consultation_get_client_name (c));
  g_assert_cmpstr (nm_consultation_get_client_notes (loaded), ==, "");
  g_assert_null (nm_consultation_get_birth_date (loaded));
  g_assert_cmpstr (nm_consultation_get_acknowledgement (loaded, "sunburn"), ==, "");
  g_set_object (&f, nm_consultation_get_finding (loaded, 0));
  got = nm_finding_get_outline (f, &n);
  g_assert_cmpuint (n, ==, 2);
  /* Numbers keep six significant digits (see test-file-numbers.c). */
  g_assert_cmpfloat (got[0].y, ==, 0.333333);
  g_assert_cmpfloat (got[1].x, ==, 1e-7);
  g_assert_cmpfloat (got[1].y, ==, 1.0);
  g_assert_true (nm_session_get_depth (nm_consultation_get_session (loaded, 0), "abdomen", &depth));
  g_assert_cmpfloat (depth, ==, 0.3);
}

/* A session's appointment time and length (additive keys "time" and
 * "duration_min"): read, written back, refused when not a time or out of
 * range, and undoable like any other edit. */
static void
test_session_appointment (void)
{
  static const char text[] =
    "{\"format\":\"needlemap-consultation\",\"version\":1,\"client\":{\"fitzpatrick\":2},"
    "\"findings\":[],\"sessions\":[{\"date\":\"2026-12-01\",\"done\":false,\"time\":\"14:30\","
    "\"duration_min\":45},{\"date\":\"2027-01-12\",\"done\":false}]}";
  static const char *bad[] = {
    "\"time\":\"24:00\"", "\"time\":\"9:30\"", "\"time\":\"09:60\"", "\"time\":\"0930\"",
    "\"time\":930", "\"duration_min\":0", "\"duration_min\":1441", "\"duration_min\":45.5",
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmConsultation) again = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  NmSession *s;

  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  s = nm_consultation_get_session (c, 0);
  g_assert_cmpstr (nm_session_get_time (s), ==, "14:30");
  g_assert_cmpuint (nm_session_get_duration_min (s), ==, 45);
  g_assert_null (nm_session_get_time (nm_consultation_get_session (c, 1)));
  g_assert_cmpuint (nm_session_get_duration_min (nm_consultation_get_session (c, 1)), ==, 0);

  /* written back as read, and only where set */
  first = nm_file_serialize (c);
  written = g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_assert_nonnull (strstr (written, "\"time\": \"14:30\""));
  g_assert_nonnull (strstr (written, "\"duration_min\": 45"));
  g_assert_true (strstr (written, "\"time\"") == g_strrstr (written, "\"time\""));
  again = nm_file_load_bytes (first, &error);
  g_assert_no_error (error);
  second = nm_file_serialize (again);
  assert_bytes_equal (first, second);

  /* an edit like any other: one undo each */
  nm_session_set_time (s, "09:00");
  nm_session_set_duration_min (s, 60);
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpuint (nm_session_get_duration_min (s), ==, 45);
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpstr (nm_session_get_time (s), ==, "14:30");
  g_assert_false (nm_session_time_is_valid ("12:3"));
  g_assert_true (nm_session_time_is_valid ("00:00"));
  g_assert_true (nm_session_time_is_valid ("23:59"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *file = g_strdup_printf ("{\"format\":\"needlemap-consultation\",\"version\":1,"
                                               "\"client\":{\"fitzpatrick\":2},\"findings\":[],"
                                               "\"sessions\":[{\"date\":\"2026-12-01\",%s}]}", bad[i]);
      g_autoptr(GBytes) b = g_bytes_new (file, strlen (file));
      g_autoptr(NmConsultation) refused = NULL;
      g_autoptr(GError) why = NULL;

      refused = nm_file_load_bytes (b, &why);
      g_test_message ("%s -> %s", bad[i], why != NULL ? why->message : "(loaded)");
      g_assert_null (refused);
      g_assert_error (why, NM_FILE_ERROR, NM_FILE_ERROR_INVALID);
      g_assert_nonnull (strstr (why->message, "sessions"));
    }
}

/* What a session used (issue 16, traceability): additive keys read,
 * written back only where set, undoable, and refused when not exactly the
 * format, by key path and never with the value itself. */
static void
test_session_traceability (void)
{
  static const char text[] =
    "{\"format\":\"needlemap-consultation\",\"version\":1,\"client\":{\"fitzpatrick\":2},"
    "\"findings\":[],\"sessions\":[{\"date\":\"2026-12-01\",\"done\":true,"
    "\"cartridge_gtin\":\"09506000134352\",\"cartridge_lot\":\"ABC-123/7\","
    "\"cartridge_expiry\":\"2026-11-30\",\"serum\":\"hyaluronic acid 1%\","
    "\"numbing_cream\":\"lidocaine 5%\"},{\"date\":\"2027-01-12\",\"done\":false}]}";
  static const char *bad[] = {
    "\"cartridge_lot\":\"\"", "\"cartridge_lot\":\"ABCDEFGHIJKLMNOPQRSTU\"",
    "\"cartridge_lot\":\"SECRET LOT\"", "\"cartridge_lot\":\"SECRET#\"", "\"cartridge_lot\":17",
    "\"cartridge_gtin\":\"09506000134351\"", "\"cartridge_gtin\":\"9506000134352\"",
    "\"cartridge_gtin\":9506000134352", "\"cartridge_expiry\":\"2027-02-29\"",
    "\"cartridge_expiry\":\"271231\"", "\"serum\":true", "\"numbing_cream\":[]",
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmConsultation) again = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *long_text = NULL;
  NmSession *s, *s2;

  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  s = nm_consultation_get_session (c, 0);
  s2 = nm_consultation_get_session (c, 1);
  g_assert_cmpstr (nm_session_get_cartridge_gtin (s), ==, "09506000134352");
  g_assert_cmpstr (nm_session_get_cartridge_lot (s), ==, "ABC-123/7");
  g_assert_cmpstr (nm_session_get_cartridge_expiry (s), ==, "2026-11-30");
  g_assert_cmpstr (nm_session_get_serum (s), ==, "hyaluronic acid 1%");
  g_assert_cmpstr (nm_session_get_numbing_cream (s), ==, "lidocaine 5%");
  /* expired the day before the session */
  g_assert_true (nm_session_cartridge_expired (s));
  g_assert_null (nm_session_get_cartridge_lot (s2));
  g_assert_null (nm_session_get_serum (s2));
  g_assert_false (nm_session_cartridge_expired (s2));

  first = nm_file_serialize (c);
  written = g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_assert_nonnull (strstr (written, "\"cartridge_gtin\": \"09506000134352\""));
  g_assert_nonnull (strstr (written, "\"cartridge_lot\": \"ABC-123/7\""));
  g_assert_nonnull (strstr (written, "\"cartridge_expiry\": \"2026-11-30\""));
  g_assert_nonnull (strstr (written, "\"serum\": \"hyaluronic acid 1%\""));
  g_assert_nonnull (strstr (written, "\"numbing_cream\": \"lidocaine 5%\""));
  /* only where set */
  g_assert_true (strstr (written, "\"cartridge_lot\"") == g_strrstr (written, "\"cartridge_lot\""));
  g_assert_true (strstr (written, "\"serum\"") == g_strrstr (written, "\"serum\""));
  again = nm_file_load_bytes (first, &error);
  g_assert_no_error (error);
  second = nm_file_serialize (again);
  assert_bytes_equal (first, second);

  /* copied, in a snapshot too, and undoable like any edit */
  {
    g_autoptr(NmSession) copy = nm_session_copy (s);
    g_autoptr(NmConsultation) snap = nm_consultation_snapshot (c);
    NmSession *snapped = nm_consultation_get_session (snap, 0);

    g_assert_cmpstr (nm_session_get_cartridge_lot (snapped), ==, "ABC-123/7");
    g_assert_cmpstr (nm_session_get_cartridge_gtin (snapped), ==, "09506000134352");
    g_assert_cmpstr (nm_session_get_cartridge_expiry (snapped), ==, "2026-11-30");
    g_assert_cmpstr (nm_session_get_serum (snapped), ==, "hyaluronic acid 1%");
    g_assert_cmpstr (nm_session_get_numbing_cream (snapped), ==, "lidocaine 5%");

    g_assert_cmpstr (nm_session_get_cartridge_lot (copy), ==, "ABC-123/7");
    g_assert_cmpstr (nm_session_get_cartridge_gtin (copy), ==, "09506000134352");
    g_assert_cmpstr (nm_session_get_numbing_cream (copy), ==, "lidocaine 5%");
  }
  nm_session_set_cartridge_lot (s, "XYZ");
  nm_session_set_cartridge_expiry (s, "2027-12-31");
  g_assert_false (nm_session_cartridge_expired (s));
  /* good until the end of its expiry day */
  nm_session_set_cartridge_expiry (s, "2026-12-01");
  g_assert_false (nm_session_cartridge_expired (s));
  g_assert_true (nm_consultation_undo (c));
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpstr (nm_session_get_cartridge_expiry (s), ==, "2026-11-30");
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpstr (nm_session_get_cartridge_lot (s), ==, "ABC-123/7");

  /* a serum too long for a file is not saved */
  long_text = g_strnfill (NM_FILE_MAX_STRING_CHARS + 1, 'a');
  nm_session_set_serum (s2, long_text);
  {
    g_autofree char *dir = make_temp_dir ();
    g_autofree char *path = g_build_filename (dir, "long.needlemap", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GError) why = NULL;

    g_assert_false (nm_file_save (c, file, NULL, &why));
    g_assert_nonnull (why);
    g_assert_nonnull (strstr (why->message, "sessions[1].serum"));
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_rmdir (dir);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *file = g_strdup_printf ("{\"format\":\"needlemap-consultation\",\"version\":1,"
                                               "\"client\":{\"fitzpatrick\":2},\"findings\":[],"
                                               "\"sessions\":[{\"date\":\"2026-12-01\",%s}]}", bad[i]);
      g_autoptr(GBytes) b = g_bytes_new (file, strlen (file));
      g_autoptr(NmConsultation) refused = NULL;
      g_autoptr(GError) why = NULL;

      refused = nm_file_load_bytes (b, &why);
      g_test_message ("%s -> %s", bad[i], why != NULL ? why->message : "(loaded)");
      g_assert_null (refused);
      g_assert_error (why, NM_FILE_ERROR, NM_FILE_ERROR_INVALID);
      g_assert_nonnull (strstr (why->message, "sessions[0]."));
      g_assert_null (strstr (why->message, "SECRET"));
    }
}

static void
test_save (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autofree char *backup_path = g_strconcat (path, "~", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = load_data ("full.needlemap");
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GBytes) on_disk = NULL;
  g_autoptr(GBytes) backup = NULL;
  g_autoptr(GError) error = NULL;

  /* New files are created private. */
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  expected = nm_file_serialize (c);
  on_disk = read_bytes (path);
  assert_bytes_equal (on_disk, expected);

  loaded = nm_file_load (file, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&on_disk, g_bytes_unref);
  g_clear_pointer (&expected, g_bytes_unref);
  expected = nm_file_serialize (loaded);
  on_disk = read_bytes (path);
  assert_bytes_equal (on_disk, expected);

  /* A file that was readable by others is not any more after a save; its
   * group keeps what it could do (a shared folder's colleagues); the
   * previous version is kept as a backup, closed to others too. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  nm_consultation_set_client_name (c, "Changed Name");
  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (path), ==, 0640);
  g_assert_true (g_file_test (backup_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (backup_path), ==, 0640);
  backup = read_bytes (backup_path);
  assert_bytes_equal (backup, on_disk);

  remove_temp_dir (dir);
}

static void
test_failed_save_keeps_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "client.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = load_data ("full.needlemap");
  g_autoptr(NmConsultation) unset = nm_consultation_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_text = NULL;

  g_assert_true (nm_file_save (c, file, NULL, &error));
  g_assert_no_error (error);
  before = read_bytes (path);
  nm_consultation_set_client_name (c, "Someone Else");

  /* Cancelled before it could finish. */
  g_cancellable_cancel (cancellable);
  g_assert_false (nm_file_save (c, file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  after = read_bytes (path);
  assert_bytes_equal (after, before);
  g_clear_pointer (&after, g_bytes_unref);

  /* A model the format cannot hold yet is refused, not written. */
  g_assert_false (nm_file_save (unset, file, NULL, &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, "client.fitzpatrick"));
  g_clear_error (&error);
  after = read_bytes (path);
  assert_bytes_equal (after, before);
  g_clear_pointer (&after, g_bytes_unref);

  long_text = g_strnfill (NM_FILE_MAX_STRING_CHARS + 1, 'a');
  nm_finding_set_note (nm_consultation_get_finding (c, 1), long_text);
  g_assert_false (nm_file_save (c, file, NULL, &error));
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "findings[1].note"));
  g_clear_error (&error);
  after = read_bytes (path);
  assert_bytes_equal (after, before);

  /* No temporary files left behind. */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (d) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }

  remove_temp_dir (dir);
}

/* Each file in tests/core/malformed and what its one-line error must name. */
static const struct {
  const char *file;
  const char *expect;
} malformed[] = {
  { "empty", "the file is empty" },
  { "whitespace-only", "the file is empty" },
  { "truncated", "findings[0]" },
  { "truncated-in-string", "client.name" },
  { "not-an-object", "one JSON object" },
  { "top-level-string", "one JSON object" },
  { "trailing-bytes", "trailing bytes" },
  { "trailing-object", "trailing bytes" },
  { "comment", "line 1, column 1" },
  { "single-quotes", "client: " },
  { "nan", "client.fitzpatrick" },
  { "infinity", "sessions[0].depth_mm.cheek-left" },
  { "trailing-comma", "findings[1]" },
  { "duplicate-key", "client.fitzpatrick: line 4" },
  { "leading-zero", "client.fitzpatrick" },
  { "missing-format", "“format” is missing" },
  { "wrong-format", "format: must be" },
  { "newer-version", "version 2" },
  { "version-string", "version: must be an integer" },
  { "version-zero", "version: 0 is not a version" },
  { "version-huge-integer", "version: line 3" },
  { "client-not-object", "client: must be an object" },
  { "missing-fitzpatrick", "client: the required key “fitzpatrick”" },
  { "fitzpatrick-7", "client.fitzpatrick: 7 is out of range" },
  { "fitzpatrick-decimal", "client.fitzpatrick: must be an integer" },
  { "name-number", "client.name: must be a string" },
  { "missing-findings", "“findings” is missing" },
  { "findings-object", "findings: must be an array" },
  { "finding-not-object", "findings[1]: must be an object" },
  { "unknown-region", "findings[1].region: unknown region “elbow”" },
  { "unknown-kind", "findings[1].kind: unknown finding kind “tattoo”" },
  { "missing-kind", "findings[1]: the required key “kind”" },
  { "severity-zero", "findings[0].severity: 0 is out of range" },
  { "severity-five", "findings[1].severity: 5 is out of range" },
  { "severity-string", "findings[0].severity: must be an integer" },
  { "note-huge-string", "findings[0].note: a string is longer than 10000" },
  { "key-huge-string", "plan: a key is longer than 10000" },
  { "nul-escape", "findings[0].note" },
  { "lone-surrogate", "client.name" },
  { "raw-control-character", "client.notes" },
  { "bad-escape", "client.notes" },
  { "unknown-screening", "screening.smoking: unknown screening item" },
  { "screening-null", "screening.pregnancy: must be true or false" },
  { "birth-date-feb-30", "client.birth_date: must be a calendar date" },
  { "birth-date-not-leap", "client.birth_date" },
  { "start-date-short", "plan.start_date" },
  { "start-date-with-time", "plan.start_date" },
  { "session-date-month-13", "sessions[0].date" },
  { "outline-point-above-one", "findings[0].outline[1][0]: 1.2 is out of range" },
  { "outline-point-negative", "findings[0].outline[0][1]" },
  { "outline-point-one-number", "findings[0].outline[2]: a point must have exactly two" },
  { "outline-point-string", "findings[0].outline[2][0]: must be a number" },
  { "outline-not-array", "findings[0].outline: must be an array" },
  { "view-unknown", "findings[0].view: unknown view “face-top”" },
  { "view-without-region", "findings[0].view: region “cheek-left” does not appear in view “face-right”" },
  { "deep-nesting", "x_deep[0][0][0][0]: nesting deeper than 5 levels" },
  { "very-deep-nesting", "x[0][0][0][0]: nesting deeper" },
  { "depth-unknown-region", "sessions[0].depth_mm.elbow: unknown region" },
  { "depth-out-of-range", "sessions[0].depth_mm.cheek-left: 9 is out of range" },
  { "depth-negative", "sessions[0].depth_mm.cheek-left" },
  { "depth-overflow", "sessions[0].depth_mm.cheek-left" },
  { "done-string", "sessions[0].done: must be true or false" },
  { "sessions-object", "sessions: must be an array" },
  { "ack-unknown-item", "plan.acknowledged.smoking: unknown screening item" },
  { "ack-not-string", "plan.acknowledged.anticoagulants: must be a string" },
  { "plan-not-object", "plan: must be an object" },
  { "not-utf8", "not UTF-8" },
  { "binary-garbage", "not UTF-8" },
  { "byte-order-mark", "byte order mark" },
  { "nul-byte", "not UTF-8" },
  { "utf16", "not UTF-8" },
};

static void
test_base_is_valid (void)
{
  g_autoptr(NmConsultation) c = load_data ("base.needlemap");

  /* The corpus is this file with one thing broken each. */
  g_assert_cmpuint (nm_consultation_get_n_findings (c), ==, 2);
}

static void
test_malformed (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "core", "malformed", NULL);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  g_assert_cmpuint (G_N_ELEMENTS (malformed), >=, 30);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autofree char *file_name = g_strconcat (malformed[i].file, ".needlemap", NULL);
      g_autofree char *path = g_build_filename (dir, file_name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(NmConsultation) c = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", malformed[i].file);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_hash_table_add (listed, g_steal_pointer (&file_name));

      c = nm_file_load (file, NULL, &error);
      g_assert_null (c);
      g_assert_nonnull (error);
      g_assert_true (error->domain == NM_FILE_ERROR);
      g_test_message ("  -> %s", error->message);
      if (strstr (error->message, malformed[i].expect) == NULL)
        {
          g_test_message ("MISMATCH %s: “%s” does not contain “%s”", malformed[i].file,
                          error->message, malformed[i].expect);
          g_test_fail ();
        }
      /* One clear line, of a sane length, in valid UTF-8. */
      g_assert_null (strchr (error->message, '\n'));
      g_assert_cmpuint (strlen (error->message), <, 300);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  /* Every file of the corpus is in the table. */
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (!g_hash_table_contains (listed, name))
      g_error ("%s is not listed in the test table", name);
}

static void
test_newer_version (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = NULL;
  const char *text = "{\"format\": \"needlemap-consultation\", \"version\": 7, "
                     "\"client\": {\"fitzpatrick\": 3}, \"findings\": [], \"new\": {}}";

  bytes = g_bytes_new_static (text, strlen (text));
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, "version 7"));
  g_assert_nonnull (strstr (error->message, "version 1"));
}

static GBytes *
generate_findings (guint n_findings,
                   guint n_points_each)
{
  GString *s = g_string_new ("{\"format\": \"needlemap-consultation\", \"version\": 1, "
                             "\"client\": {\"fitzpatrick\": 2}, \"findings\": [");

  for (guint i = 0; i < n_findings; i++)
    {
      g_string_append (s, i > 0 ? ",\n" : "\n");
      g_string_append (s, "{\"region\": \"abdomen\", \"kind\": \"striae-alba\", \"severity\": 2");
      if (n_points_each > 0)
        {
          g_string_append (s, ", \"view\": \"body-front\", \"outline\": [");
          for (guint p = 0; p < n_points_each; p++)
            g_string_append (s, p > 0 ? ", [0.5, 0.25]" : "[0.5, 0.25]");
          g_string_append (s, "]");
        }
      g_string_append (s, "}");
    }
  g_string_append (s, "]}\n");

  return g_string_free_to_bytes (s);
}

static void
test_limits (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = NULL;
  GString *big;

  /* At the limits: accepted. */
  bytes = generate_findings (NM_FILE_MAX_FINDINGS, 0);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_findings (c), ==, NM_FILE_MAX_FINDINGS);
  g_clear_object (&c);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = generate_findings (2, NM_FILE_MAX_POINTS / 2);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_clear_object (&c);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* One beyond: refused. */
  bytes = generate_findings (NM_FILE_MAX_FINDINGS + 1, 0);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "findings: 10001 findings"));
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = generate_findings (2, NM_FILE_MAX_POINTS / 2 + 1);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "findings[1].outline: more than 100000 outline points"));
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Over 16 MiB, even of harmless whitespace. */
  big = g_string_new ("{\"format\": \"needlemap-consultation\", \"version\": 1, "
                      "\"client\": {\"fitzpatrick\": 2}, \"findings\": []}");
  while (big->len <= NM_FILE_MAX_BYTES)
    g_string_append_c (big, ' ');
  bytes = g_string_free_to_bytes (big);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "larger than 16 MiB"));
}

static void
test_load_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/needlemap/none.needlemap");
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = nm_file_load (file, NULL, &error);

  g_assert_null (c);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file/load-full", test_load_full);
  g_test_add_func ("/file/serialize-canonical", test_serialize_canonical);
  g_test_add_func ("/file/round-trip", test_round_trip);
  g_test_add_func ("/file/round-trip-model", test_round_trip_model);
  g_test_add_func ("/file/session-appointment", test_session_appointment);
  g_test_add_func ("/file/session-traceability", test_session_traceability);
  g_test_add_func ("/file/save", test_save);
  g_test_add_func ("/file/failed-save-keeps-file", test_failed_save_keeps_file);
  g_test_add_func ("/file/base-is-valid", test_base_is_valid);
  g_test_add_func ("/file/malformed", test_malformed);
  g_test_add_func ("/file/newer-version", test_newer_version);
  g_test_add_func ("/file/limits", test_limits);
  g_test_add_func ("/file/load-missing-file", test_load_missing_file);

  return g_test_run ();
}
