/* test-file-bounds.c: what a consultation file may hold, and what its
 * errors may say (issue 13, items 10–12)
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

#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-json-reader.h"
#include "nm-vocab.h"

#define HEAD "{\"format\": \"needlemap-consultation\", \"version\": 1, " \
             "\"client\": {\"name\": \"A\", \"fitzpatrick\": 2}, \"screening\": {}, \"findings\": []"

static NmConsultation *
load_text (const char  *text,
           gsize        len,
           GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, len);

  return nm_file_load_bytes (bytes, error);
}

/* Item 10: a refused file's message names the key and the problem, never
 * the value of a personal field (the name, the birth date, notes, the
 * guardian, a finding's or a session's notes), since it is printed on
 * standard error by the command line and may end up in a log. */
static void
test_no_personal_values_in_errors (void)
{
  static const struct
  {
    const char *file;    /* with %s where the personal value goes */
    const char *value;
    const char *path;    /* the key the message must name */
  } cases[] = {
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"birth_date\": \"%s\"}, \"findings\": []}", "14/05/1991", "client.birth_date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"birth_date\": \"%s\"}, \"findings\": []}", "1991-02-30", "client.birth_date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"birth_date\": \"%s\"}, \"findings\": []}", "1991-05-14T08:00", "client.birth_date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"birth_date\": \"%s\"}, \"findings\": []}", "May 14th 1991", "client.birth_date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"name\": \"%s\\u0000\"}, \"findings\": []}", "Jane Privatename", "client.name" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"name\": \"%s\\x\"}, \"findings\": []}", "Jane Privatename", "client.name" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"notes\": \"%s\\ud800\"}, \"findings\": []}", "takes warfarin daily", "client.notes" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"guardian\": \"%s\t\"}, \"findings\": []}", "Maria Guardianname", "client.guardian" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"name\": \"%s", "Jane Privatename", "client.name" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 2}, "
      "\"findings\": [{\"region\": \"chin\", \"kind\": \"pih\", \"severity\": 2, \"note\": \"%s\\q\"}]}",
      "after her divorce", "findings[0].note" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 2}, "
      "\"findings\": [], \"sessions\": [{\"date\": \"2026-01-01\", \"notes\": \"%s\\u12\"}]}",
      "bruising badly twice", "sessions[0].notes" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 2}, "
      "\"findings\": [], \"sessions\": [{\"date\": \"%s\"}]}", "2026-13-40", "sessions[0].date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 2}, "
      "\"findings\": [], \"plan\": {\"start_date\": \"%s\"}}", "01.12.2026", "plan.start_date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"fitzpatrick\": 2}, "
      "\"findings\": [], \"plan\": {\"practitioner\": \"%s\x01\"}}", "Dr Practitionername", "plan.practitioner" },
    /* a number where a personal text belongs, too large to read */
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"birth_date\": %s}, \"findings\": []}", "14051991000000000000000", "client.birth_date" },
    { "{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": "
      "{\"fitzpatrick\": 2, \"notes\": %s}, \"findings\": []}", "14051991e999", "client.notes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) halves = g_strsplit (cases[i].file, "%s", 2);
      g_autofree char *text = g_strconcat (halves[0], cases[i].value, halves[1], NULL);
      g_autoptr(NmConsultation) c = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) words = g_strsplit_set (cases[i].value, " /-.T:", -1);

      c = load_text (text, strlen (text), &error);
      g_assert_null (c);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].path));
      g_assert_null (strstr (error->message, cases[i].value));
      /* nor any part of it: a year, a surname */
      for (guint w = 0; words[w] != NULL; w++)
        if (strlen (words[w]) >= 3)
          g_assert_null (strstr (error->message, words[w]));
    }
}

static GBytes *
sessions_file (guint n)
{
  GString *s = g_string_new (HEAD ", \"sessions\": [");

  for (guint i = 0; i < n; i++)
    g_string_append (s, i > 0 ? ",{}" : "{}");
  g_string_append (s, "]}");

  return g_string_free_to_bytes (s);
}

/* Item 11: 100,000 empty sessions (300 KB) took over 100 s to load, each
 * insert searching the whole list; the log is now bounded, and loading it
 * linear. */
static void
test_sessions_limit (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmSession) extra = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* at the limit: loaded, and saved */
  bytes = sessions_file (NM_FILE_MAX_SESSIONS);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, NM_FILE_MAX_SESSIONS);
  saved = nm_file_serialize_for_save (c, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);

  /* one more in the model: not saved, saying why */
  extra = nm_session_new ("2026-01-01");
  nm_consultation_add_session (c, extra);
  g_clear_pointer (&saved, g_bytes_unref);
  saved = nm_file_serialize_for_save (c, &error);
  g_assert_null (saved);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "sessions: 1001 sessions, more than the limit of 1000");
  g_clear_error (&error);
  g_clear_object (&c);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* one beyond in a file: refused */
  bytes = sessions_file (NM_FILE_MAX_SESSIONS + 1);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "sessions: 1001 sessions, more than the limit of 1000");
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* the file of the issue: refused at once (before, it ran for minutes
   * and meson's timeout failed the test) */
  start = g_get_monotonic_time ();
  bytes = sessions_file (100000);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100000 sessions"));
  g_test_message ("100,000 sessions refused in %.3f s", (g_get_monotonic_time () - start) / 1e6);
}

/* Adding sessions to a consultation is linear: 50,000 (a model may hold
 * more than a file; the limit is the file's) in a fraction of a second,
 * where the search of the whole list on each insert took minutes. */
static void
test_sessions_linear (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  gint64 start = g_get_monotonic_time ();
  double seconds;

  for (guint i = 0; i < 50000; i++)
    {
      g_autoptr(NmSession) session = nm_session_new (NULL);

      nm_consultation_add_session (c, session);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("50,000 sessions added in %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 10.0);
  g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, 50000);

  /* the same session twice is still refused */
  {
    NmSession *first = nm_consultation_get_session (c, 0);

    g_test_expect_message ("nm-consultation", G_LOG_LEVEL_CRITICAL, "*owner*");
    nm_consultation_add_session (c, first);
    g_test_assert_expected_messages ();
    g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, 50000);
  }
}

/* "x": [{},{},…] with @n elements, under the top level and, when
 * @in_finding, as well under a finding. */
static GBytes *
unknown_file (guint    n,
              gboolean in_finding)
{
  GString *s = g_string_new ("{\"format\": \"needlemap-consultation\", \"version\": 1, "
                             "\"client\": {\"fitzpatrick\": 2, \"x_client\": 1}, \"findings\": [");

  if (in_finding)
    g_string_append (s, "{\"region\": \"chin\", \"kind\": \"pih\", \"severity\": 2, \"x_finding\": [1, 2]}");
  g_string_append (s, "], \"x_big\": [");
  for (guint i = 0; i < n; i++)
    g_string_append (s, i > 0 ? ",{}" : "{}");
  g_string_append (s, "]}");

  return g_string_free_to_bytes (s);
}

/* Item 12: unknown keys are kept as json-c values, and "x": [{},{},…] of a
 * million took 855 MB; what they hold is bounded, in all. */
static void
test_unknown_values_limit (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(GError) error = NULL;

  /* x_client (1) + x_finding (3) + x_big (1 + n) = the limit: kept, and
   * written back */
  bytes = unknown_file (NM_FILE_MAX_UNKNOWN_VALUES - 5, TRUE);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  saved = nm_file_serialize (c);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), "\"x_big\""));
  g_clear_object (&c);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* one more, anywhere: refused, naming the key where the limit was met */
  bytes = unknown_file (NM_FILE_MAX_UNKNOWN_VALUES - 4, TRUE);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "x_big: the keys this version does not know hold more than 100000 values in all");
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* the same count without the finding's: within */
  bytes = unknown_file (NM_FILE_MAX_UNKNOWN_VALUES - 4 + 3 - 1, FALSE);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  g_clear_object (&c);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* the file of the issue (3 MB): refused while it is read, at the
   * file's limit of values, before its tree is built whole */
  bytes = unknown_file (1000000, FALSE);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "more than 1000000 values in the file"));
}

/* The reader's count of values is exact: a document of exactly
 * max_values values is read, one more is refused; each kind of value
 * counts once. It cannot be fooled by values hidden in known keys. */
static void
test_values_limit_exact (void)
{
  NmJsonRules rules = _nm_file_rules ();
  static const char *documents[] = {
    /* the root, a and its 3, b and its 2, e and its 1: 10 values */
    "{\"a\": [1, \"two\", null], \"b\": {\"c\": true, \"d\": 1.5}, \"e\": [0]}",
    /* the root, findings and its 8 (one of them holding one) */
    "{\"findings\": [{\"x\": {}}, [], 0, false, \"s\", null, 7]}",
  };

  g_assert_cmpuint (rules.max_values, ==, NM_FILE_MAX_VALUES);

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (documents[i], strlen (documents[i]));
      g_autoptr(NmJsonDoc) doc = NULL;
      g_autoptr(GError) error = NULL;

      rules.max_values = 10;
      doc = nm_json_doc_parse (bytes, &rules, &error);
      g_assert_no_error (error);
      g_assert_nonnull (doc);
      g_clear_pointer (&doc, nm_json_doc_free);

      rules.max_values = 9;
      doc = nm_json_doc_parse (bytes, &rules, &error);
      g_assert_null (doc);
      g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "more than 9 values in the file"));
    }
}

/* A file over the values limit is refused whatever holds the values:
 * outline points in known keys too, not only unknown keys. */
static void
test_values_limit_file (void)
{
  GString *s = g_string_new ("{\"format\": \"needlemap-consultation\", \"version\": 1, "
                             "\"client\": {\"fitzpatrick\": 2}, \"findings\": [], \"x\": [");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(GError) error = NULL;
  guint n_values = 7;   /* the root, format, version, client and its one, findings, x */

  /* [[0,0],[0,0],…]: three values each, as many as make the limit + 1 */
  while (n_values + 3 <= NM_FILE_MAX_VALUES + 1)
    {
      g_string_append (s, n_values > 7 ? ",[0,0]" : "[0,0]");
      n_values += 3;
    }
  while (n_values <= NM_FILE_MAX_VALUES)
    {
      g_string_append (s, ",0");
      n_values++;
    }
  g_string_append (s, "]}");
  g_assert_cmpuint (n_values, ==, NM_FILE_MAX_VALUES + 1);
  g_assert_cmpuint (s->len, <, NM_FILE_MAX_BYTES);

  bytes = g_string_free_to_bytes (s);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_null (c);
  g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "more than 1000000 values in the file"));
}

/* A file read within the size limit can always be saved: one written
 * without indentation near the limit would pass it once indented, and is
 * then saved without indentation. */
static void
test_dense_file_saves (void)
{
  g_autoptr(GString) s = g_string_new ("{\"format\":\"needlemap-consultation\",\"version\":1,"
                                       "\"client\":{\"name\":\"A\",\"fitzpatrick\":2},\"screening\":{},"
                                       "\"findings\":[");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmConsultation) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  const guint n = 4000;
  gsize note_len;

  note_len = (NM_FILE_MAX_BYTES - 64 * 1024) / n - 120;
  g_assert_cmpuint (note_len, <=, NM_FILE_MAX_STRING_CHARS);
  note = g_strnfill (note_len, 'n');
  for (guint i = 0; i < n; i++)
    {
      const NmRegionInfo *region = nm_vocab_region (i % nm_vocab_n_regions ());
      const NmKindInfo *kind = nm_vocab_kind ((i / nm_vocab_n_regions ()) % nm_vocab_n_kinds ());

      g_string_append_printf (s, "%s{\"region\":\"%s\",\"kind\":\"%s\",\"severity\":2,\"note\":\"%s\"}",
                              i > 0 ? "," : "", region->id, kind->id, note);
    }
  g_string_append (s, "],\"sessions\":[]");
  /* kept unknown keys fill the file to within a few bytes of the limit (room
   * for the calendar id a first save adds) */
  for (guint k = 0; s->len + 240 < NM_FILE_MAX_BYTES; k++)
    {
      gsize room = NM_FILE_MAX_BYTES - s->len - 240;

      g_string_append_printf (s, ",\"x_%u\":\"", k);
      for (gsize j = 0; j < MIN (room, NM_FILE_MAX_STRING_CHARS); j++)
        g_string_append_c (s, 'p');
      g_string_append_c (s, '"');
    }
  g_string_append (s, "}");
  g_assert_cmpuint (s->len, <=, NM_FILE_MAX_BYTES);
  g_assert_cmpuint (s->len + 256, >, NM_FILE_MAX_BYTES);

  bytes = g_bytes_new (s->str, s->len);
  c = nm_file_load_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);

  saved = nm_file_serialize_for_save (c, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  g_assert_cmpuint (g_bytes_get_size (saved), <=, NM_FILE_MAX_BYTES);

  again = nm_file_load_bytes (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nm_consultation_get_n_findings (again), ==, n);
  g_assert_cmpstr (nm_finding_get_note (nm_consultation_get_finding (again, n - 1)), ==, note);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file-bounds/no-personal-values-in-errors", test_no_personal_values_in_errors);
  g_test_add_func ("/file-bounds/sessions-limit", test_sessions_limit);
  g_test_add_func ("/file-bounds/sessions-linear", test_sessions_linear);
  g_test_add_func ("/file-bounds/unknown-values-limit", test_unknown_values_limit);
  g_test_add_func ("/file-bounds/values-limit-exact", test_values_limit_exact);
  g_test_add_func ("/file-bounds/values-limit-file", test_values_limit_file);
  g_test_add_func ("/file-bounds/dense-file-saves", test_dense_file_saves);

  return g_test_run ();
}
