/* test-ics.c: the session calendar (RFC 5545)
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

#include "nm-ics.h"
#include "outputs-test-util.h"

/* A strict reader of the subset of RFC 5545 the export writes: physical
 * lines end with CRLF and hold at most 75 octets; a continuation line
 * starts with one space; folding never splits a UTF-8 sequence; every
 * content line is NAME[;PARAM=VALUE]:VALUE; BEGIN and END nest. */

typedef struct
{
  char *name;      /* with its parameters, e.g. "DTSTART;VALUE=DATE" */
  char *value;
} Property;

typedef struct
{
  GPtrArray *props;   /* of Property, of one VEVENT */
} Event;

static void
property_free (gpointer data)
{
  Property *p = data;

  g_free (p->name);
  g_free (p->value);
  g_free (p);
}

static const char *
event_get (GPtrArray  *props,
           const char *name)
{
  const char *found = NULL;
  guint n = 0;

  for (guint i = 0; i < props->len; i++)
    {
      Property *p = g_ptr_array_index (props, i);

      if (g_strcmp0 (p->name, name) == 0)
        {
          found = p->value;
          n++;
        }
    }
  g_assert_cmpuint (n, <=, 1);
  return found;
}

/* Returns the VEVENTs, each a GPtrArray of Property; fails the test on any
 * departure from the rules above. */
static GPtrArray *
parse_strict (const char *text)
{
  g_autoptr(GPtrArray) logical = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *current = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_str_has_suffix (text, "\r\n"));

  while (*p != '\0')
    {
      const char *eol = strstr (p, "\r\n");
      gsize len;

      g_assert_nonnull (eol);
      len = (gsize) (eol - p);
      g_assert_cmpuint (len, <=, 75);
      g_assert_null (memchr (p, '\n', len));
      g_assert_null (memchr (p, '\r', len));
      /* the fold did not cut a character in two */
      g_assert_true (g_utf8_validate (p, (gssize) len, NULL));

      if (*p == ' ')
        {
          char *prev;
          g_autofree char *rest = g_strndup (p + 1, len - 1);

          g_assert_cmpuint (logical->len, >, 0);
          prev = g_ptr_array_index (logical, logical->len - 1);
          logical->pdata[logical->len - 1] = g_strconcat (prev, rest, NULL);
          g_free (prev);
        }
      else
        {
          g_assert_cmpuint (len, >, 0);
          g_ptr_array_add (logical, g_strndup (p, len));
        }
      p = eol + 2;
    }

  for (guint i = 0; i < logical->len; i++)
    {
      const char *line = g_ptr_array_index (logical, i);
      const char *colon = strchr (line, ':');
      Property *prop;

      g_assert_nonnull (colon);
      g_assert_true (colon > line);
      for (const char *c = line; c < colon; c++)
        g_assert_true (g_ascii_isupper (*c) || g_ascii_isdigit (*c) || *c == '-' || *c == ';' || *c == '=');

      if (g_str_has_prefix (line, "BEGIN:"))
        {
          g_ptr_array_add (stack, g_strdup (colon + 1));
          if (g_str_equal (colon + 1, "VEVENT"))
            {
              g_assert_null (current);
              current = g_ptr_array_new_with_free_func (property_free);
            }
          continue;
        }
      if (g_str_has_prefix (line, "END:"))
        {
          g_assert_cmpuint (stack->len, >, 0);
          g_assert_cmpstr (g_ptr_array_index (stack, stack->len - 1), ==, colon + 1);
          g_ptr_array_remove_index (stack, stack->len - 1);
          if (g_str_equal (colon + 1, "VEVENT"))
            {
              g_ptr_array_add (events, current);
              current = NULL;
            }
          continue;
        }
      g_assert_cmpuint (stack->len, >, 0);
      if (current != NULL)
        {
          prop = g_new0 (Property, 1);
          prop->name = g_strndup (line, (gsize) (colon - line));
          prop->value = g_strdup (colon + 1);
          g_ptr_array_add (current, prop);
        }
    }
  g_assert_cmpuint (stack->len, ==, 0);
  g_assert_null (current);
  return events;
}

static GDateTime *
fixed_stamp (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+02:00");

  return g_date_time_new (tz, 2026, 11, 20, 10, 30, 0);
}

static char *
unescape (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '\\')
        {
          c++;
          g_assert_true (*c == '\\' || *c == ';' || *c == ',' || *c == 'n' || *c == 'N');
          g_string_append_c (out, *c == 'n' || *c == 'N' ? '\n' : *c);
        }
      else
        {
          /* unescaped , and ; are separators, which TEXT never uses here */
          g_assert_true (*c != ',' && *c != ';');
          g_string_append_c (out, *c);
        }
    }
  return g_string_free (out, FALSE);
}

static void
test_sample_calendar (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(GDateTime) stamp = fixed_stamp ();
  NmIcsOptions options = { FALSE, NULL, stamp };
  g_autoptr(GError) error = NULL;
  g_autofree char *ics = nm_ics_build (consultation, plan, &options, &error);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GHashTable) uids = g_hash_table_new (g_str_hash, g_str_equal);
  guint expected = 0, e = 0;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
  g_assert_nonnull (strstr (ics, "\r\nCALSCALE:GREGORIAN\r\n"));
  g_assert_true (g_str_has_suffix (ics, "END:VCALENDAR\r\n"));
  /* no full name, anywhere: not in UIDs, summaries or descriptions */
  g_assert_null (strstr (ics, "Ana"));
  g_assert_null (strstr (ics, "Silva"));

  events = parse_strict (ics);
  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    expected += nm_plan_get_series (plan, s)->n_dates;
  g_assert_cmpuint (expected, ==, 10);
  g_assert_cmpuint (events->len, ==, expected);

  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      for (guint k = 0; k < series->n_dates; k++, e++)
        {
          GPtrArray *props = g_ptr_array_index (events, e);
          GDate next = series->dates[k];
          g_autofree char *start = g_strdup_printf ("%04d%02d%02d", g_date_get_year (&series->dates[k]),
                                                    g_date_get_month (&series->dates[k]),
                                                    g_date_get_day (&series->dates[k]));
          g_autofree char *end = NULL;
          g_autofree char *summary = unescape (event_get (props, "SUMMARY"));
          g_autofree char *number = g_strdup_printf ("session %u of %u", k + 1, series->sessions);
          const char *uid = event_get (props, "UID");

          g_date_add_days (&next, 1);
          end = g_strdup_printf ("%04d%02d%02d", g_date_get_year (&next), g_date_get_month (&next),
                                 g_date_get_day (&next));
          g_assert_cmpstr (event_get (props, "DTSTART;VALUE=DATE"), ==, start);
          g_assert_cmpstr (event_get (props, "DTEND;VALUE=DATE"), ==, end);
          /* DTSTAMP is the stamp in UTC */
          g_assert_cmpstr (event_get (props, "DTSTAMP"), ==, "20261120T083000Z");
          g_assert_nonnull (uid);
          g_assert_false (g_hash_table_contains (uids, uid));
          g_hash_table_add (uids, (gpointer) uid);
          g_assert_nonnull (strstr (summary, number));
          g_assert_nonnull (strstr (summary, "(A.S.)"));
          g_assert_nonnull (event_get (props, "DESCRIPTION"));
          g_free (unescape (event_get (props, "DESCRIPTION")));
        }
    }
}

/* A wait before the first session (sunburn): the first event of each
 * series says it moved, to when and why; the others do not. */
static void
test_wait_before_start (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GDateTime) stamp = fixed_stamp ();
  NmIcsOptions options = { FALSE, NULL, stamp };
  g_autofree char *ics = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const char *why = NULL;
  const GDate *until;
  char date[64];
  g_autofree char *moved = NULL;
  guint e = 0, n_moved = 0;

  nm_consultation_set_screening (consultation, "sunburn", NM_ANSWER_YES);
  plan = plan_for (consultation);
  until = nm_plan_get_wait_until (plan);
  g_assert_nonnull (until);
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (plan, i)->id, "wait-before-start") == 0)
      why = nm_plan_get_warning (plan, i)->message;
  g_assert_nonnull (why);
  g_date_strftime (date, sizeof date, "%-d %b %Y", until);
  moved = g_strdup_printf ("Moved to %s to wait first: %s", date, why);

  ics = nm_ics_build (consultation, plan, &options, NULL);
  events = parse_strict (ics);
  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      g_assert_cmpint (g_date_compare (&series->dates[0], until), >=, 0);
      for (guint k = 0; k < series->n_dates; k++, e++)
        {
          g_autofree char *description = unescape (event_get (g_ptr_array_index (events, e), "DESCRIPTION"));

          if (k == 0)
            {
              g_assert_nonnull (strstr (description, moved));
              n_moved++;
            }
          else
            g_assert_null (strstr (description, "Moved to"));
        }
    }
  g_assert_cmpuint (n_moved, ==, nm_plan_get_n_series (plan));
  g_assert_cmpuint (n_moved, >, 0);

  /* without the wait, nothing says it moved */
  nm_consultation_set_screening (consultation, "sunburn", NM_ANSWER_NO);
  {
    g_autoptr(NmPlan) unmoved = plan_for (consultation);
    g_autofree char *plain = nm_ics_build (consultation, unmoved, &options, NULL);

    g_assert_null (nm_plan_get_wait_until (unmoved));
    g_assert_null (strstr (plain, "Moved to"));
  }
}

static void
test_uids_stable (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autoptr(NmPlan) moved_plan = NULL;
  g_autoptr(GDateTime) stamp = fixed_stamp ();
  NmIcsOptions options = { FALSE, NULL, stamp };
  g_autofree char *a = nm_ics_build (consultation, plan, &options, NULL);
  g_autofree char *b = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *other_salt = NULL;
  g_autoptr(GPtrArray) ea = NULL;
  g_autoptr(GPtrArray) em = NULL;

  /* the same file gives the same calendar */
  b = nm_ics_build (consultation, plan, &options, NULL);
  g_assert_cmpstr (a, ==, b);

  /* moving the start date keeps every UID: calendars update the events */
  nm_consultation_set_start_date (consultation, "2027-02-01");
  moved_plan = plan_for (consultation);
  moved = nm_ics_build (consultation, moved_plan, &options, NULL);
  ea = parse_strict (a);
  em = parse_strict (moved);
  g_assert_cmpuint (ea->len, ==, em->len);
  for (guint i = 0; i < ea->len; i++)
    {
      g_assert_cmpstr (event_get (g_ptr_array_index (ea, i), "UID"), ==,
                       event_get (g_ptr_array_index (em, i), "UID"));
      g_assert_cmpstr (event_get (g_ptr_array_index (ea, i), "DTSTART;VALUE=DATE"), !=,
                       event_get (g_ptr_array_index (em, i), "DTSTART;VALUE=DATE"));
    }

  /* another file (another salt) gives other UIDs */
  options.salt = "another-file";
  other_salt = nm_ics_build (consultation, moved_plan, &options, NULL);
  g_assert_null (strstr (other_salt, event_get (g_ptr_array_index (em, 0), "UID")));
  {
    g_autofree char *u1 = nm_ics_uid ("s", "skin", 1);
    g_autofree char *u2 = nm_ics_uid ("s", "skin", 2);
    g_autofree char *u3 = nm_ics_uid ("s", "scalp", 1);

    g_assert_cmpstr (u1, !=, u2);
    g_assert_cmpstr (u1, !=, u3);
    g_assert_true (g_str_has_suffix (u1, "@needlemap.github.io"));
  }
}

/* The UID lines of a calendar, in order, joined by newlines. */
static char *
uid_lines (const char *ics)
{
  g_autoptr(GPtrArray) events = parse_strict (ics);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      g_string_append (out, event_get (g_ptr_array_index (events, i), "UID"));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* Issue 13 item 9: event UIDs were a hash of the client's name and birth
 * date keyed with a constant anyone can read, so an initials-only calendar
 * gave the birth date away. They come from a random id kept in the file
 * (plan.calendar_uid) now: made on the first export or save, the same on
 * every export after, different for two clients with the same name and
 * birth date. */
static void
test_uids_random (void)
{
  g_autoptr(NmConsultation) a = load_sample ();
  g_autoptr(NmConsultation) b = load_sample ();
  g_autoptr(NmConsultation) reloaded = NULL;
  g_autoptr(NmPlan) plan = plan_for (a);
  g_autoptr(GDateTime) stamp = fixed_stamp ();
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GError) error = NULL;
  NmIcsOptions options = { FALSE, NULL, stamp };
  g_autofree char *ics_a = NULL;
  g_autofree char *ics_a2 = NULL;
  g_autofree char *ics_b = NULL;
  g_autofree char *ics_renamed = NULL;
  g_autofree char *ics_reloaded = NULL;
  g_autofree char *uids_a = NULL;
  g_autofree char *uids_b = NULL;
  g_autofree char *uid = NULL;
  g_auto(GStrv) lines = NULL;

  /* two consultations of one client, as in files written before the id */
  g_assert_nonnull (nm_consultation_get_calendar_uid (a));
  nm_consultation_set_calendar_uid (a, NULL);
  nm_consultation_set_calendar_uid (b, NULL);
  g_assert_cmpstr (nm_consultation_get_client_name (a), ==, nm_consultation_get_client_name (b));
  g_assert_cmpstr (nm_consultation_get_birth_date (a), ==, nm_consultation_get_birth_date (b));

  /* the first export makes the id, the next one keeps it */
  ics_a = nm_ics_build (a, plan, &options, NULL);
  g_assert_true (nm_calendar_uid_is_valid (nm_consultation_get_calendar_uid (a)));
  uid = g_strdup (nm_consultation_get_calendar_uid (a));
  ics_a2 = nm_ics_build (a, plan, &options, NULL);
  g_assert_cmpstr (ics_a, ==, ics_a2);
  g_assert_cmpstr (nm_consultation_get_calendar_uid (a), ==, uid);

  /* the same name and birth date: other UIDs, every one */
  ics_b = nm_ics_build (b, plan, &options, NULL);
  g_assert_cmpstr (nm_consultation_get_calendar_uid (b), !=, uid);
  uids_a = uid_lines (ics_a);
  uids_b = uid_lines (ics_b);
  lines = g_strsplit (uids_a, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 2);
  for (guint i = 0; lines[i][0] != '\0'; i++)
    g_assert_null (strstr (uids_b, lines[i]));

  /* not from the name or the birth date: the old keyed hash is not what
   * they are, and changing both changes no UID */
  {
    static const char key[] = "io.github.needlemap.Needlemap calendar uid v1";
    g_autofree char *message = g_strdup_printf ("%s\n%s", nm_consultation_get_client_name (a),
                                                nm_consultation_get_birth_date (a));
    g_autofree char *digest = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) key,
                                                         sizeof key - 1, message, -1);
    g_autofree char *old_salt = g_strndup (digest, 32);
    g_autofree char *old_uid = nm_ics_uid (old_salt, nm_plan_get_series (plan, 0)->schedule, 1);

    g_assert_null (strstr (ics_a, old_uid));
    g_assert_null (strstr (uids_a, "1991"));
  }
  nm_consultation_set_client_name (a, "Someone Else");
  nm_consultation_set_birth_date (a, "1970-01-01");
  ics_renamed = nm_ics_build (a, plan, &options, NULL);
  {
    g_autofree char *uids_renamed = uid_lines (ics_renamed);

    g_assert_cmpstr (uids_renamed, ==, uids_a);
  }

  /* saved, the id is in the file; read back, the same UIDs */
  saved = nm_file_serialize_for_save (a, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), uid));
  reloaded = nm_file_load_bytes (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nm_consultation_get_calendar_uid (reloaded), ==, uid);
  ics_reloaded = nm_ics_build (reloaded, plan, &options, NULL);
  {
    g_autofree char *uids_reloaded = uid_lines (ics_reloaded);

    g_assert_cmpstr (uids_reloaded, ==, uids_a);
  }

  /* a new consultation gets its id on its first save */
  {
    g_autoptr(NmConsultation) fresh = nm_consultation_new ();
    g_autoptr(GBytes) bytes = NULL;

    nm_consultation_set_fitzpatrick (fresh, 3);
    g_assert_null (nm_consultation_get_calendar_uid (fresh));
    bytes = nm_file_serialize_for_save (fresh, &error);
    g_assert_no_error (error);
    g_assert_true (nm_calendar_uid_is_valid (nm_consultation_get_calendar_uid (fresh)));
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    "\"calendar_uid\""));
  }
}

/* plan.calendar_uid is read strictly: a string of 8–64 letters, digits
 * or “-” */
static void
test_calendar_uid_in_file (void)
{
  static const struct { const char *value; gboolean ok; } cases[] = {
    { "\"4f1c2a9e-6b7d-4e3a-9c5f-0d8e7b6a5c41\"", TRUE },
    { "\"abcdefgh\"", TRUE },
    { "\"abcdefg\"", FALSE },
    { "\"a b c d e f g h\"", FALSE },
    { "\"abcdefgh@example.org\"", FALSE },
    { "12345678", FALSE },
    { "null", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"format\": \"needlemap-consultation\", \"version\": 1, "
                                               "\"client\": {\"fitzpatrick\": 2}, \"findings\": [], "
                                               "\"plan\": {\"calendar_uid\": %s}}", cases[i].value);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
      g_autoptr(GError) error = NULL;
      g_autoptr(NmConsultation) c = nm_file_load_bytes (bytes, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (strstr (cases[i].value, nm_consultation_get_calendar_uid (c)));
        }
      else
        {
          g_assert_null (c);
          g_assert_error (error, NM_FILE_ERROR, NM_FILE_ERROR_INVALID);
          g_assert_true (g_str_has_prefix (error->message, "plan.calendar_uid: "));
        }
    }
}

static void
test_client_name_option (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmIcsOptions options = { TRUE, NULL, NULL };
  g_autofree char *ics = NULL;
  g_autofree char *initials = nm_ics_client_initials ("Zoë ångström-castellano");

  ics = nm_ics_build (consultation, plan, &options, NULL);
  g_assert_nonnull (strstr (ics, "(Ana Silva)"));
  g_assert_cmpstr (initials, ==, "Z.Å.C.");
  g_free (initials);
  initials = nm_ics_client_initials (NULL);
  g_assert_cmpstr (initials, ==, "");
}

static void
test_escaping_and_folding (void)
{
  g_autofree char *escaped = nm_ics_escape_text ("a,b;c\\d\ne\r\nf\x01g");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new ("DESCRIPTION:");
  g_autoptr(GPtrArray) parsed = NULL;
  g_autofree char *doc = NULL;

  g_assert_cmpstr (escaped, ==, "a\\,b\\;c\\\\d\\ne\\nfg");

  /* 200 three-octet characters: folds fall between characters */
  for (guint i = 0; i < 200; i++)
    g_string_append (line, "€");
  nm_ics_append_line (out, "BEGIN:VCALENDAR");
  nm_ics_append_line (out, "BEGIN:VEVENT");
  nm_ics_append_line (out, line->str);
  nm_ics_append_line (out, "END:VEVENT");
  nm_ics_append_line (out, "END:VCALENDAR");
  doc = g_strdup (out->str);
  parsed = parse_strict (doc);
  g_assert_cmpuint (parsed->len, ==, 1);
  g_assert_cmpstr (event_get (g_ptr_array_index (parsed, 0), "DESCRIPTION"), ==, line->str + strlen ("DESCRIPTION:"));

  /* exactly 75 octets is not folded, 76 is */
  g_string_truncate (out, 0);
  nm_ics_append_line (out, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
  g_assert_cmpuint (out->len, ==, 77);
  g_string_truncate (out, 0);
  nm_ics_append_line (out, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXY");
  g_assert_true (g_str_has_suffix (out->str, "X\r\n Y\r\n"));
}

static void
test_blocked_plan_has_no_calendar (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ics = NULL;

  nm_consultation_set_screening (consultation, "isotretinoin", NM_ANSWER_YES);
  plan = plan_for (consultation);
  g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);
  ics = nm_ics_build (consultation, plan, NULL, &error);
  g_assert_null (ics);
  g_assert_error (error, NM_ICS_ERROR, NM_ICS_ERROR_NO_SESSIONS);
}

/* Issue 13 item 16: a start date late in 9999 gives no DTSTART or DTEND
 * of a fifth digit: the plan is blocked, and the calendar says why. */
static void
test_year_9999 (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ics = NULL;

  nm_consultation_set_birth_date (consultation, "9970-05-14");
  nm_consultation_set_start_date (consultation, "9999-11-01");
  plan = plan_for (consultation);
  ics = nm_ics_build (consultation, plan, NULL, &error);
  g_assert_null (ics);
  g_assert_error (error, NM_ICS_ERROR, NM_ICS_ERROR_NO_SESSIONS);
  g_assert_cmpstr (error->message, ==, "no planned sessions: their dates would run past the year 9999");
  g_clear_error (&error);
  g_clear_pointer (&plan, nm_plan_unref);

  /* the latest start that fits: every date has four digits of year */
  nm_consultation_set_start_date (consultation, "9997-11-01");
  plan = plan_for (consultation);
  ics = nm_ics_build (consultation, plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (ics, "DTSTART;VALUE=DATE:9997"));
  g_assert_null (strstr (ics, ":10000"));
}

/* Debian's python3-icalendar (installed by build-aux/dev) reads the calendar back
 * too: a parser that calendar software builds on. */
static void
test_python_icalendar (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autofree char *ics = nm_ics_build (consultation, plan, NULL, NULL);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test.ics", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = {
    "/usr/bin/python3", "-c",
    "import sys, icalendar\n"
    "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
    "evs = cal.walk('VEVENT')\n"
    "print(len(evs), ' '.join(str(e.decoded('DTSTART')) for e in evs))\n",
    path, NULL
  };

  if (!g_spawn_sync (NULL, (char **) (const char *[]) { "/usr/bin/python3", "-c", "import icalendar", NULL },
                     NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("python3-icalendar is not installed");
      return;
    }

  g_assert_true (g_file_set_contents (path, ics, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_str_has_prefix (out, "10 2026-12-01 2027-01-12 2027-02-23 2027-04-06 2026-12-01 2026-12-15"));
  g_unlink (path);
}

/* Appointment times: a session of the log with a time on a planned date
 * makes that event timed (floating local time, its length, an hour when
 * it does not say); a date without one stays an all-day event. */
static void
test_appointment_times (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GDateTime) stamp = fixed_stamp ();
  NmIcsOptions options = { FALSE, NULL, stamp };
  g_autoptr(NmSession) first = nm_session_new ("2026-12-01");
  g_autoptr(NmSession) second = nm_session_new ("2027-01-12");
  g_autoptr(NmSession) untimed = nm_session_new ("2027-02-23");
  g_autoptr(GError) error = NULL;
  g_autofree char *ics = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GPtrArray *props;

  nm_session_set_time (first, "14:30");
  nm_session_set_duration_min (first, 45);
  nm_session_set_time (second, "09:05");
  nm_consultation_add_session (consultation, first);
  nm_consultation_add_session (consultation, second);
  nm_consultation_add_session (consultation, untimed);
  plan = plan_for (consultation);
  ics = nm_ics_build (consultation, plan, &options, &error);
  g_assert_no_error (error);
  events = parse_strict (ics);
  g_assert_cmpuint (events->len, ==, 10);

  /* skin series: 1 Dec at 14:30 for 45 minutes */
  props = g_ptr_array_index (events, 0);
  g_assert_cmpstr (event_get (props, "DTSTART"), ==, "20261201T143000");
  g_assert_cmpstr (event_get (props, "DURATION"), ==, "PT45M");
  g_assert_null (event_get (props, "DTSTART;VALUE=DATE"));
  g_assert_null (event_get (props, "DTEND;VALUE=DATE"));
  g_assert_null (event_get (props, "DTEND"));
  /* 12 Jan at 09:05, an hour */
  props = g_ptr_array_index (events, 1);
  g_assert_cmpstr (event_get (props, "DTSTART"), ==, "20270112T090500");
  g_assert_cmpstr (event_get (props, "DURATION"), ==, "PT1H");
  /* 23 Feb: a session without a time: all day, as before */
  props = g_ptr_array_index (events, 2);
  g_assert_cmpstr (event_get (props, "DTSTART;VALUE=DATE"), ==, "20270223");
  g_assert_cmpstr (event_get (props, "DTEND;VALUE=DATE"), ==, "20270224");
  g_assert_null (event_get (props, "DTSTART"));
  g_assert_null (event_get (props, "DURATION"));
  /* 6 Apr: nothing in the log: all day */
  props = g_ptr_array_index (events, 3);
  g_assert_cmpstr (event_get (props, "DTSTART;VALUE=DATE"), ==, "20270406");
  /* the scalp series' first session is the same appointment */
  props = g_ptr_array_index (events, 4);
  g_assert_cmpstr (event_get (props, "DTSTART"), ==, "20261201T143000");
  props = g_ptr_array_index (events, 5);
  g_assert_cmpstr (event_get (props, "DTSTART;VALUE=DATE"), ==, "20261215");

  /* longer than an hour, not whole hours */
  nm_session_set_duration_min (first, 90);
  g_clear_pointer (&ics, g_free);
  ics = nm_ics_build (consultation, plan, &options, NULL);
  g_assert_nonnull (strstr (ics, "\r\nDURATION:PT1H30M\r\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/ics/sample", test_sample_calendar);
  g_test_add_func ("/outputs/ics/uids-stable", test_uids_stable);
  g_test_add_func ("/outputs/ics/client-name", test_client_name_option);
  g_test_add_func ("/outputs/ics/escaping-folding", test_escaping_and_folding);
  g_test_add_func ("/outputs/ics/blocked", test_blocked_plan_has_no_calendar);
  g_test_add_func ("/outputs/ics/wait-before-start", test_wait_before_start);
  g_test_add_func ("/outputs/ics/python-icalendar", test_python_icalendar);
  g_test_add_func ("/outputs/ics/year-9999", test_year_9999);
  g_test_add_func ("/outputs/ics/uids-random", test_uids_random);
  g_test_add_func ("/outputs/ics/calendar-uid-in-file", test_calendar_uid_in_file);
  g_test_add_func ("/outputs/ics/appointment-times", test_appointment_times);

  return g_test_run ();
}
