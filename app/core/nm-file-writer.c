/* nm-file-writer.c
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

#define G_LOG_DOMAIN "nm-file"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "nm-consultation-private.h"
#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-json-reader.h"
#include "nm-scales.h"
#include "nm-vocab.h"

/* Writing a consultation file: consultation → bytes, keys in the spec's
 * order, then unknown keys in the order they had in the file; and saving,
 * which refuses what the loader would refuse to read back and replaces
 * the file atomically (nm-file-replace.c). */

static void
write_indent (GString *out,
              guint    level)
{
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void
write_string (GString    *out,
              const char *text)
{
  g_string_append_c (out, '"');

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }

  g_string_append_c (out, '"');
}

/* Numbers
 *
 * The format's numbers are outline points, in fractions of a view, and
 * depths in millimetres, set in steps of 0.05 mm: NM_FILE_NUMBER_DIGITS
 * significant digits are far below a pixel of any screen and below any
 * needle's step.  A number is written with that many ("%.6g"), and read
 * rounded to that many (see _nm_file_round_number()), so what is loaded is
 * what will be saved: a file saves to the same bytes from its first save
 * on, and its plan does not change across a save. */

#define NUMBER_FORMAT "%." G_STRINGIFY (NM_FILE_NUMBER_DIGITS) "g"

/**
 * _nm_file_round_number:
 * @value: a finite number
 *
 * Returns: @value as a file holds it: to NM_FILE_NUMBER_DIGITS significant
 *   digits, and −0 as 0
 */
double
_nm_file_round_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == 0)
    return 0.0;

  return g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, NUMBER_FORMAT, value), NULL);
}

static void
write_number (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* −0 would be written "-0", which reads back as the integer 0. */
  if (value == 0)
    g_string_append_c (out, '0');
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, NUMBER_FORMAT, value));
}

/* Writes the opening of a member: separator, newline, indent, key. */
static void
write_key (GString    *out,
           gboolean   *first,
           guint       level,
           const char *key)
{
  g_string_append (out, *first ? "\n" : ",\n");
  *first = FALSE;
  write_indent (out, level);
  write_string (out, key);
  g_string_append (out, ": ");
}

static void
write_close (GString  *out,
             gboolean  empty,
             guint     level,
             char      bracket)
{
  if (!empty)
    {
      g_string_append_c (out, '\n');
      write_indent (out, level);
    }
  g_string_append_c (out, bracket);
}

static void write_json (GString     *out,
                        json_object *value,
                        guint        level);

static void
write_extra_members (GString     *out,
                     gboolean    *first,
                     guint        level,
                     json_object *extra)
{
  if (extra == NULL)
    return;

  json_object_object_foreach (extra, key, value)
    {
      write_key (out, first, level, key);
      write_json (out, value, level);
    }
}

/* Unknown values are written back as read; numbers keep their text. */
static void
write_json (GString     *out,
            json_object *value,
            guint        level)
{
  gboolean first = TRUE;

  switch (json_object_get_type (value))
    {
    case json_type_object:
      g_string_append_c (out, '{');
      write_extra_members (out, &first, level + 1, value);
      write_close (out, first, level, '}');
      break;

    case json_type_array:
      g_string_append_c (out, '[');
      for (size_t i = 0; i < json_object_array_length (value); i++)
        {
          g_string_append (out, first ? "\n" : ",\n");
          first = FALSE;
          write_indent (out, level + 1);
          write_json (out, json_object_array_get_idx (value, i), level + 1);
        }
      write_close (out, first, level, ']');
      break;

    case json_type_string:
      write_string (out, json_object_get_string (value));
      break;

    case json_type_null:
      g_string_append (out, "null");
      break;

    case json_type_boolean:
    case json_type_int:
    case json_type_double:
    default:
      g_string_append (out, json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN));
      break;
    }
}

static void
write_string_member (GString    *out,
                     gboolean   *first,
                     guint       level,
                     const char *key,
                     const char *value)
{
  if (value == NULL)
    return;

  write_key (out, first, level, key);
  write_string (out, value);
}

static void
write_client (GString        *out,
              NmConsultation *c)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  write_string_member (out, &first, 2, "name", nm_consultation_get_client_name (c));
  write_string_member (out, &first, 2, "birth_date", nm_consultation_get_birth_date (c));
  if (nm_consultation_get_fitzpatrick (c) != NM_FITZPATRICK_UNSET)
    {
      write_key (out, &first, 2, "fitzpatrick");
      g_string_append_printf (out, "%u", nm_consultation_get_fitzpatrick (c));
    }
  write_string_member (out, &first, 2, "notes", nm_consultation_get_client_notes (c));
  write_string_member (out, &first, 2, "guardian", nm_consultation_get_guardian (c));
  write_extra_members (out, &first, 2, _nm_consultation_get_extra (c, NM_EXTRA_CLIENT));
  write_close (out, first, 1, '}');
}

static void
write_screening (GString        *out,
                 NmConsultation *c)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      NmAnswer answer = nm_consultation_get_screening (c, id);

      if (answer == NM_ANSWER_UNKNOWN)
        continue;

      write_key (out, &first, 2, id);
      g_string_append (out, answer == NM_ANSWER_YES ? "true" : "false");
    }
  write_close (out, first, 1, '}');
}

static void
write_finding (GString   *out,
               NmFinding *finding)
{
  gboolean first = TRUE;
  const NmPoint *points;
  guint n_points;

  g_string_append_c (out, '{');
  write_string_member (out, &first, 3, "region", nm_finding_get_region (finding));
  write_string_member (out, &first, 3, "kind", nm_finding_get_kind (finding));
  write_key (out, &first, 3, "severity");
  g_string_append_printf (out, "%u", nm_finding_get_severity (finding));
  write_string_member (out, &first, 3, "note", nm_finding_get_note (finding));
  write_string_member (out, &first, 3, "view", nm_finding_get_view (finding));

  if (nm_finding_has_outline (finding))
    {
      /* Points stay on one line: an outline is data, not structure. */
      points = nm_finding_get_outline (finding, &n_points);
      write_key (out, &first, 3, "outline");
      g_string_append_c (out, '[');
      for (guint i = 0; i < n_points; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          g_string_append_c (out, '[');
          write_number (out, points[i].x);
          g_string_append (out, ", ");
          write_number (out, points[i].y);
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, ']');
    }

  write_extra_members (out, &first, 3, _nm_finding_get_extra (finding));
  write_close (out, first, 2, '}');
}

static void
write_findings (GString        *out,
                NmConsultation *c)
{
  guint n = nm_consultation_get_n_findings (c);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i == 0 ? "\n" : ",\n");
      write_indent (out, 2);
      write_finding (out, nm_consultation_get_finding (c, i));
    }
  write_close (out, n == 0, 1, ']');
}

static void
write_plan (GString        *out,
            NmConsultation *c)
{
  gboolean first = TRUE;
  gboolean first_ack = TRUE;

  g_string_append_c (out, '{');
  write_string_member (out, &first, 2, "start_date", nm_consultation_get_start_date (c));
  write_string_member (out, &first, 2, "practitioner", nm_consultation_get_practitioner (c));

  if (nm_consultation_get_device_max_mm (c) > 0.0 || nm_consultation_get_device_step_mm (c) > 0.0)
    {
      gboolean first_device = TRUE;

      write_key (out, &first, 2, "device");
      g_string_append_c (out, '{');
      if (nm_consultation_get_device_max_mm (c) > 0.0)
        {
          write_key (out, &first_device, 3, "max_mm");
          write_number (out, nm_consultation_get_device_max_mm (c));
        }
      if (nm_consultation_get_device_step_mm (c) > 0.0)
        {
          write_key (out, &first_device, 3, "step_mm");
          write_number (out, nm_consultation_get_device_step_mm (c));
        }
      write_close (out, first_device, 2, '}');
    }

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      const char *rationale = nm_consultation_get_acknowledgement (c, id);

      if (rationale == NULL)
        continue;

      if (first_ack)
        {
          write_key (out, &first, 2, "acknowledged");
          g_string_append_c (out, '{');
        }
      write_string_member (out, &first_ack, 3, id, rationale);
    }
  if (!first_ack)
    write_close (out, FALSE, 2, '}');
  write_string_member (out, &first, 2, "calendar_uid", nm_consultation_get_calendar_uid (c));

  write_extra_members (out, &first, 2, _nm_consultation_get_extra (c, NM_EXTRA_PLAN));
  write_close (out, first, 1, '}');
}

static void
write_session (GString   *out,
               NmSession *session)
{
  g_auto(GStrv) regions = nm_session_dup_depth_regions (session);
  gboolean first = TRUE;
  gboolean first_depth = TRUE;

  g_string_append_c (out, '{');
  write_string_member (out, &first, 3, "date", nm_session_get_date (session));
  write_key (out, &first, 3, "done");
  g_string_append (out, nm_session_get_done (session) ? "true" : "false");

  write_key (out, &first, 3, "depth_mm");
  g_string_append_c (out, '{');
  for (guint i = 0; regions[i] != NULL; i++)
    {
      double depth = 0.0;

      nm_session_get_depth (session, regions[i], &depth);
      write_key (out, &first_depth, 4, regions[i]);
      write_number (out, depth);
    }
  write_close (out, first_depth, 3, '}');

  write_string_member (out, &first, 3, "notes", nm_session_get_notes (session));
  write_string_member (out, &first, 3, "device", nm_session_get_device (session));
  /* the appointment's time and length, when it has them */
  write_string_member (out, &first, 3, "time", nm_session_get_time (session));
  if (nm_session_get_duration_min (session) > 0)
    {
      write_key (out, &first, 3, "duration_min");
      g_string_append_printf (out, "%u", nm_session_get_duration_min (session));
    }
  /* what was used (issue 16), when said */
  write_string_member (out, &first, 3, "cartridge_gtin", nm_session_get_cartridge_gtin (session));
  write_string_member (out, &first, 3, "cartridge_lot", nm_session_get_cartridge_lot (session));
  write_string_member (out, &first, 3, "cartridge_expiry", nm_session_get_cartridge_expiry (session));
  write_string_member (out, &first, 3, "serum", nm_session_get_serum (session));
  write_string_member (out, &first, 3, "numbing_cream", nm_session_get_numbing_cream (session));
  write_extra_members (out, &first, 3, _nm_session_get_extra (session));
  write_close (out, first, 2, '}');
}

static void
write_sessions (GString        *out,
                NmConsultation *c)
{
  guint n = nm_consultation_get_n_sessions (c);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i == 0 ? "\n" : ",\n");
      write_indent (out, 2);
      write_session (out, nm_consultation_get_session (c, i));
    }
  write_close (out, n == 0, 1, ']');
}

/* The scores of the course (docs/file-format.md, "Scores"), when there is
 * a list. */
static void
write_scores (GString   *out,
              gboolean  *first,
              GPtrArray *scores)
{
  json_object *array;

  if (scores == NULL)
    return;

  array = nm_score_records_to_json (scores);
  write_key (out, first, 1, "scores");
  write_json (out, array, 1);
  json_object_put (array);
}

/**
 * nm_file_serialize:
 * @self: a #NmConsultation
 *
 * Writes the consultation as the spec's JSON: keys in the spec's order, then
 * unknown keys in the order they were read, two-space indentation, UTF-8,
 * ending with a newline.  The same consultation always gives the same bytes.
 * It does not check the limits; nm_file_save() does.  Without a skin type
 * it leaves out client.fitzpatrick, which nm_file_save() refuses and only
 * a recovery copy loads without.
 *
 * Returns: (transfer full): the file's contents
 */
GBytes *
nm_file_serialize (NmConsultation *self)
{
  GString *out;
  gboolean first = TRUE;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  out = g_string_new ("{");
  write_key (out, &first, 1, "format");
  write_string (out, NM_FILE_FORMAT);
  write_key (out, &first, 1, "version");
  g_string_append_printf (out, "%d", NM_FILE_VERSION);
  write_key (out, &first, 1, "client");
  write_client (out, self);
  write_key (out, &first, 1, "screening");
  write_screening (out, self);
  write_key (out, &first, 1, "findings");
  write_findings (out, self);
  write_key (out, &first, 1, "plan");
  write_plan (out, self);
  write_key (out, &first, 1, "sessions");
  write_sessions (out, self);
  write_scores (out, &first, nm_consultation_get_scores (self));
  write_extra_members (out, &first, 1, _nm_consultation_get_extra (self, NM_EXTRA_TOP));
  g_string_append (out, "\n}\n");

  return g_string_free_to_bytes (out);
}

static gboolean
check_text (NmJsonPath  *path,
            const char  *key,
            const char  *text,
            GError     **error)
{
  gsize mark;

  if (text == NULL || g_utf8_strlen (text, -1) <= NM_FILE_MAX_STRING_CHARS)
    return TRUE;

  mark = nm_json_path_push_key (path, key, -1);
  nm_json_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE, path,
                     _("longer than %u characters"), NM_FILE_MAX_STRING_CHARS);
  nm_json_path_pop (path, mark);

  return FALSE;
}

/* Refuses to save what the loader would refuse to read back. */
static gboolean
check_savable (NmConsultation  *c,
               GError         **error)
{
  NmJsonPath path_parts = { 0 };
  NmJsonPath *path = &path_parts;
  guint n_findings = nm_consultation_get_n_findings (c);
  guint n_points = 0;

  if (nm_consultation_get_fitzpatrick (c) == NM_FITZPATRICK_UNSET)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_INCOMPLETE,
                   _("client.fitzpatrick: choose the skin type (1–6) before saving"));
      return FALSE;
    }

  if (n_findings > NM_FILE_MAX_FINDINGS)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("findings: %u findings, more than the limit of %u"),
                   n_findings, NM_FILE_MAX_FINDINGS);
      return FALSE;
    }

  if (nm_consultation_get_n_sessions (c) > NM_FILE_MAX_SESSIONS)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("sessions: %u sessions, more than the limit of %u"),
                   nm_consultation_get_n_sessions (c), NM_FILE_MAX_SESSIONS);
      return FALSE;
    }

  nm_json_path_pop (path, 0);
  nm_json_path_push_key (path, "client", -1);
  if (!check_text (path, "name", nm_consultation_get_client_name (c), error) ||
      !check_text (path, "notes", nm_consultation_get_client_notes (c), error) ||
      !check_text (path, "guardian", nm_consultation_get_guardian (c), error))
    return FALSE;

  nm_json_path_pop (path, 0);
  nm_json_path_push_key (path, "plan", -1);
  if (!check_text (path, "practitioner", nm_consultation_get_practitioner (c), error))
    return FALSE;
  nm_json_path_push_key (path, "acknowledged", -1);
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;

      if (!check_text (path, id, nm_consultation_get_acknowledgement (c, id), error))
        return FALSE;
    }

  for (guint i = 0; i < n_findings; i++)
    {
      NmFinding *finding = nm_consultation_get_finding (c, i);
      guint n = 0;

      nm_json_path_pop (path, 0);
      nm_json_path_push_key (path, "findings", -1);
      nm_json_path_push_index (path, i);
      if (!check_text (path, "note", nm_finding_get_note (finding), error))
        return FALSE;
      nm_finding_get_outline (finding, &n);
      n_points += n;
    }
  if (n_points > NM_FILE_MAX_POINTS)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("findings: %u outline points, more than the limit of %u"),
                   n_points, NM_FILE_MAX_POINTS);
      return FALSE;
    }

  for (guint i = 0; i < nm_consultation_get_n_sessions (c); i++)
    {
      NmSession *session = nm_consultation_get_session (c, i);

      nm_json_path_pop (path, 0);
      nm_json_path_push_key (path, "sessions", -1);
      nm_json_path_push_index (path, i);
      if (!check_text (path, "notes", nm_session_get_notes (session), error) ||
          !check_text (path, "device", nm_session_get_device (session), error) ||
          !check_text (path, "serum", nm_session_get_serum (session), error) ||
          !check_text (path, "numbing_cream", nm_session_get_numbing_cream (session), error))
        return FALSE;
    }

  return TRUE;
}

/**
 * nm_file_save:
 * @self: a #NmConsultation
 * @file: where to save
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Saves atomically: the new contents go to a temporary file that replaces
 * @file only once complete, the previous file is kept as a backup
 * (“name~” on local disks), and a new file is readable by its owner only
 * (mode 0600; a shared file keeps its group).  A symbolic link is followed;
 * a read-only file, or one written by a newer Needlemap, is refused: see
 * nm_file_replace_consultation().  On error @file is untouched.  Does not mark the
 * consultation saved; the caller decides (an autosave should not).
 *
 * Returns: %TRUE on success
 */
gboolean
nm_file_save (NmConsultation  *self,
              GFile           *file,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = nm_file_serialize_for_save (self, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);

  return nm_file_replace_consultation (file, data, len, cancellable, error);
}

/* The same JSON without the whitespace between its tokens: strings are
 * copied as they are (a backslash escapes the character after it). */
static GBytes *
without_layout (GBytes *bytes)
{
  gsize len, n = 0;
  const char *in = g_bytes_get_data (bytes, &len);
  char *out = g_malloc (len + 1);
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = in[i];

      if (in_string)
        {
          out[n++] = c;
          if (c == '\\' && i + 1 < len)
            out[n++] = in[++i];
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
          out[n++] = c;
        }
      else if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
        out[n++] = c;
    }
  /* a text file ends with a newline */
  out[n++] = '\n';

  return g_bytes_new_take (out, n);
}

/**
 * nm_file_serialize_for_save:
 * @self: a consultation
 * @error: why it cannot be saved yet (no skin type, a limit)
 *
 * The bytes nm_file_save() writes, for a caller that writes them itself
 * (from another thread: the bytes are a snapshot, the model may change).
 *
 * Returns: (transfer full) (nullable): the document
 */
GBytes *
nm_file_serialize_for_save (NmConsultation  *self,
                            GError         **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  if (!check_savable (self, error))
    return NULL;

  /* A saved file has its calendar id from its first save on. */
  nm_consultation_ensure_calendar_uid (self);
  bytes = nm_file_serialize (self);
  /* A file read within the limit is always savable: a dense file that
   * the indentation would push past it is written without indentation. */
  if (g_bytes_get_size (bytes) > NM_FILE_MAX_BYTES)
    {
      GBytes *compact = without_layout (bytes);

      g_bytes_unref (bytes);
      bytes = compact;
    }
  if (g_bytes_get_size (bytes) > NM_FILE_MAX_BYTES)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("the consultation would be larger than %u MiB"),
                   NM_FILE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  return g_steal_pointer (&bytes);
}
