/* nm-ics.c: the session series as iCalendar (RFC 5545)
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

#define G_LOG_DOMAIN "nm-ics"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nm-ics.h"
#include "nm-vocab.h"

G_DEFINE_QUARK (nm-ics-error-quark, nm_ics_error)

/* RFC 5545 §3.1: lines are at most 75 octets, excluding the CRLF; longer
 * ones continue on a next line that starts with one space. */
#define ICS_LINE_OCTETS 75

/**
 * nm_ics_append_line:
 * @out: where to append
 * @line: one content line, UTF-8, without its line ending
 *
 * Appends @line folded at 75 octets, never inside a UTF-8 sequence, each
 * physical line ended by CRLF.
 */
void
nm_ics_append_line (GString    *out,
                    const char *line)
{
  const char *p = line;
  gsize room = ICS_LINE_OCTETS;

  g_return_if_fail (out != NULL && line != NULL);

  while (*p != '\0')
    {
      const char *next = g_utf8_next_char (p);
      gsize len = (gsize) (next - p);

      if (len > room)
        {
          g_string_append (out, "\r\n ");
          room = ICS_LINE_OCTETS - 1;   /* the leading space counts */
        }
      g_string_append_len (out, p, (gssize) len);
      room -= len;
      p = next;
    }
  g_string_append (out, "\r\n");
}

/**
 * nm_ics_escape_text:
 * @text: (nullable): UTF-8 text
 *
 * Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and
 * newlines; other control characters are dropped.
 *
 * Returns: (transfer full): the escaped text
 */
char *
nm_ics_escape_text (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case ';': g_string_append (out, "\\;"); break;
        case ',': g_string_append (out, "\\,"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r':
          if (p[1] != '\n')
            g_string_append (out, "\\n");
          break;
        default:
          if ((unsigned char) *p >= 0x20 && *p != 0x7f)
            g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * nm_ics_client_initials:
 * @name: (nullable): a client's name
 *
 * Returns: (transfer full): the initials of @name ("Ana Silva" → "A.S."),
 *   or an empty string
 */
char *
nm_ics_client_initials (const char *name)
{
  GString *out = g_string_new (NULL);
  gboolean at_word = TRUE;

  for (const char *p = name != NULL ? name : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        {
          if (at_word)
            {
              g_string_append_unichar (out, g_unichar_toupper (c));
              g_string_append_c (out, '.');
            }
          at_word = FALSE;
        }
      else if (g_unichar_isspace (c) || c == '-')
        at_word = TRUE;
    }
  return g_string_free (out, FALSE);
}

/**
 * nm_ics_uid:
 * @salt: the per-consultation part: its calendar id
 *   (nm_consultation_ensure_calendar_uid()), random, so that nothing about
 *   the client can be recovered from a UID
 * @schedule: the series' schedule id ("skin", "scalp")
 * @session: the session number, from 1
 *
 * A UID that stays the same for this session of this series of this file,
 * whatever its date, so moving the start date updates the events.
 *
 * Returns: (transfer full): the UID
 */
char *
nm_ics_uid (const char *salt,
            const char *schedule,
            guint       session)
{
  g_autofree char *message = NULL;
  g_autofree char *digest = NULL;

  g_return_val_if_fail (salt != NULL && schedule != NULL, NULL);

  message = g_strdup_printf ("%s/%s/%u", salt, schedule, session);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, message, -1);
  return g_strdup_printf ("%.40s@needlemap.github.io", digest);
}

static void
append_property (GString    *out,
                 const char *name,
                 const char *value)
{
  g_autofree char *line = g_strconcat (name, ":", value, NULL);

  nm_ics_append_line (out, line);
}

static void
append_text_property (GString    *out,
                      const char *name,
                      const char *text)
{
  g_autofree char *escaped = nm_ics_escape_text (text);

  append_property (out, name, escaped);
}

static gboolean
plan_blocked_by (NmPlan     *plan,
                 const char *id)
{
  for (guint i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    if (g_strcmp0 (nm_plan_get_blocked_by (plan, i)->id, id) == 0)
      return TRUE;
  return FALSE;
}

/* A DATE value; the planner gives no date past 9999-12-30 (nor its day
 * after, the DTEND), see nm_planner_run_full(). */
static char *
format_date (const GDate *date)
{
  g_return_val_if_fail (g_date_get_year (date) <= NM_DATE_MAX_YEAR, g_strdup ("99991231"));

  return g_strdup_printf ("%04u%02u%02u",
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
}

/* The message of the plan's `wait-before-start` warning: why the first
 * session moved (sunburn, a recent procedure), with its sources. */
/* The appointment on @date: the first session of the log that day with a
 * time (booked, or logged once done); %NULL when none has one. */
static NmSession *
appointment_on (NmConsultation *consultation,
                const GDate    *date)
{
  char iso[16];

  g_snprintf (iso, sizeof iso, "%04u-%02u-%02u", (guint) g_date_get_year (date),
              (guint) g_date_get_month (date), (guint) g_date_get_day (date));
  for (guint i = 0; i < nm_consultation_get_n_sessions (consultation); i++)
    {
      NmSession *session = nm_consultation_get_session (consultation, i);

      if (g_strcmp0 (nm_session_get_date (session), iso) == 0 && nm_session_get_time (session) != NULL)
        return session;
    }
  return NULL;
}

/* When the event is: a whole day, or from the appointment's time for its
 * length (an hour when it does not say). The time is floating local time
 * (RFC 5545 §3.3.5, form 1): the hour the clinic booked, wherever the
 * calendar is opened. */
static void
append_when (GString        *out,
             NmConsultation *consultation,
             const GDate    *date)
{
  NmSession *appointment = appointment_on (consultation, date);
  g_autofree char *start = format_date (date);

  if (appointment != NULL)
    {
      const char *time = nm_session_get_time (appointment);
      guint minutes = nm_session_get_duration_min (appointment);
      g_autofree char *start_time = g_strdup_printf ("%sT%.2s%.2s00", start, time, time + 3);
      g_autofree char *duration = NULL;

      if (minutes == 0)
        minutes = 60;
      if (minutes % 60 == 0)
        duration = g_strdup_printf ("PT%uH", minutes / 60);
      else if (minutes > 60)
        duration = g_strdup_printf ("PT%uH%uM", minutes / 60, minutes % 60);
      else
        duration = g_strdup_printf ("PT%uM", minutes);
      append_property (out, "DTSTART", start_time);
      append_property (out, "DURATION", duration);
    }
  else
    {
      GDate next = *date;
      g_autofree char *end = NULL;

      g_date_add_days (&next, 1);
      end = format_date (&next);
      append_property (out, "DTSTART;VALUE=DATE", start);
      append_property (out, "DTEND;VALUE=DATE", end);
    }
}

static const char *
wait_message (NmPlan *plan)
{
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *warning = nm_plan_get_warning (plan, i);

      if (g_strcmp0 (warning->id, "wait-before-start") == 0)
        return warning->message;
    }
  return NULL;
}

/* The event's description: what a practitioner needs to prepare the
 * session, and the areas and depth range the plan gives. A first session
 * that the screening moved later says so, and why. */
static char *
describe_session (NmPlan             *plan,
                  const NmPlanSeries *series,
                  guint               session)
{
  GString *out = g_string_new (NULL);
  const GDate *wait_until = nm_plan_get_wait_until (plan);

  g_string_append_printf (out,
                          /* Translators: the first line of a calendar event's
                           * description, e.g. "Skin series: session 2 of 4, every 6 weeks." */
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%s: session %u of %u, every %u week.",
                                       "%s: session %u of %u, every %u weeks.",
                                       series->interval_weeks),
                          series->label != NULL ? series->label : series->schedule,
                          session, series->sessions, series->interval_weeks);
  g_string_append_c (out, '\n');
  g_string_append (out, _("Planned depths:"));
  for (guint i = 0; series->regions != NULL && series->regions[i] != NULL; i++)
    {
      const NmPlanRegion *region = nm_plan_lookup_region (plan, series->regions[i]);
      g_autofree char *depth = NULL;

      if (region == NULL || !region->treat)
        continue;
      depth = nm_format_mm_range_display (region->min_mm, region->max_mm);
      g_string_append_printf (out, "\n%s %s", nm_vocab_region_name (region->region), depth);
    }
  if (session == 1 && wait_until != NULL && g_date_valid (wait_until))
    {
      const char *why = wait_message (plan);
      char date[64];

      /* Translators: a date in a calendar event's description, strftime format */
      if (g_date_strftime (date, sizeof date, _("%-d %b %Y"), wait_until) == 0)
        date[0] = '\0';
      g_string_append_c (out, '\n');
      if (why != NULL)
        /* Translators: %s are a date and the reason, e.g. "Sunburn or
         * fresh tan: wait at least 2 weeks (ESM)." */
        g_string_append_printf (out, _("Moved to %s to wait first: %s"), date, why);
      else
        g_string_append_printf (out, _("Moved to %s: the screening asks to wait before the "
                                       "first session."), date);
    }
  g_string_append_c (out, '\n');
  g_string_append (out, _("A plan, not a predicted result; the practitioner confirms "
                          "each depth on the day."));
  return g_string_free (out, FALSE);
}

/**
 * nm_ics_build:
 * @consultation: the consultation
 * @plan: its plan
 * @options: (nullable): options
 * @error: return location for an error
 *
 * One VEVENT per planned session of every series: an all-day event on the
 * session's date (timed when an appointment that day has a time), or on
 * the day it was done when @options->logged places a done session there.
 * The client is named by initials unless @options->include_client_name is
 * set.
 *
 * Returns: (transfer full) (nullable): the calendar text, CRLF line endings
 */
char *
nm_ics_build (NmConsultation      *consultation,
              NmPlan              *plan,
              const NmIcsOptions  *options,
              GError             **error)
{
  static const NmIcsOptions defaults = { FALSE, NULL, NULL, NULL, NULL };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) stamp_utc = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *who = NULL;
  guint n_events = 0;

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  if (options == NULL)
    options = &defaults;

  if (options->stamp != NULL)
    stamp_utc = g_date_time_to_utc (options->stamp);
  else
    stamp_utc = g_date_time_new_now_utc ();
  stamp = g_date_time_format (stamp_utc, "%Y%m%dT%H%M%SZ");

  /* The consultation's random calendar id, made now if it has none (a
   * file that was never saved, or written before Needlemap 0.3): the
   * same UIDs on every export once it is saved. */
  salt = options->salt != NULL && options->salt[0] != '\0'
           ? g_strdup (options->salt)
           : g_strdup (nm_consultation_ensure_calendar_uid (consultation));

  if (options->include_client_name)
    who = g_strdup (nm_consultation_get_client_name (consultation) ?: "");
  else
    who = nm_ics_client_initials (nm_consultation_get_client_name (consultation));

  nm_ics_append_line (out, "BEGIN:VCALENDAR");
  nm_ics_append_line (out, "VERSION:2.0");
  nm_ics_append_line (out, "PRODID:-//Needlemap//Needlemap " PACKAGE_VERSION "//EN");
  nm_ics_append_line (out, "CALSCALE:GREGORIAN");
  nm_ics_append_line (out, "METHOD:PUBLISH");

  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      for (guint k = 0; k < series->n_dates; k++)
        {
          g_autofree char *uid = nm_ics_uid (salt, series->schedule, k + 1);
          g_autofree char *summary = NULL;
          g_autofree char *description = describe_session (plan, series, k + 1);
          NmSession *logged = options->logged != NULL ? options->logged (s, k + 1, options->logged_data) : NULL;
          GDate when = series->dates[k];
          GDate done_on;

          /* done on another day than planned: on the day it was done */
          if (logged != NULL && nm_session_get_done (logged) &&
              nm_date_parse (nm_session_get_date (logged), &done_on))
            when = done_on;

          if (who[0] != '\0')
            /* Translators: a calendar event's title: the series, the session
             * number, the number of sessions and the client's initials */
            summary = g_strdup_printf (_("Microneedling: %s, session %u of %u (%s)"),
                                       series->label != NULL ? series->label : series->schedule,
                                       k + 1, series->sessions, who);
          else
            summary = g_strdup_printf (_("Microneedling: %s, session %u of %u"),
                                       series->label != NULL ? series->label : series->schedule,
                                       k + 1, series->sessions);

          nm_ics_append_line (out, "BEGIN:VEVENT");
          append_property (out, "UID", uid);
          append_property (out, "DTSTAMP", stamp);
          append_when (out, consultation, &when);
          append_text_property (out, "SUMMARY", summary);
          append_text_property (out, "DESCRIPTION", description);
          append_property (out, "TRANSP", "OPAQUE");
          append_property (out, "CLASS", "PRIVATE");
          nm_ics_append_line (out, "END:VEVENT");
          n_events++;
        }
    }

  nm_ics_append_line (out, "END:VCALENDAR");

  if (n_events == 0)
    {
      g_set_error_literal (error, NM_ICS_ERROR, NM_ICS_ERROR_NO_SESSIONS,
                           plan_blocked_by (plan, "dates-out-of-range")
                             ? _("no planned sessions: their dates would run past the year 9999")
                             : nm_plan_get_status (plan) == NM_PLAN_BLOCKED
                             ? _("no planned sessions: the plan is blocked by a contraindication")
                             : _("no planned sessions: the consultation has no treated findings"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
