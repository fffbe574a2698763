/* nm-file-reader.c
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
#include <math.h>
#include <string.h>

#include "nm-consultation-private.h"
#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-gs1.h"
#include "nm-json-reader.h"
#include "nm-scales.h"
#include "nm-vocab.h"

/* Reading a consultation file: bytes → consultation, whole or not at all.
 * It runs in three passes, so that nothing is built from a file that is
 * not exactly the format:
 *
 *  1. the bytes must be UTF-8 and within the size limit;
 *  2. the core's one JSON reader (nm-json-reader.c) checks the strict
 *     RFC 8259 syntax, the nesting and string limits and duplicate keys,
 *     and builds a tree whose errors name the key path;
 *  3. the tree is checked key by key into a new consultation, with the
 *     reader's key-path helper; unknown keys are kept as json-c values.
 *     Only a fully checked consultation is returned.
 *
 * Writing is in nm-file-writer.c, the atomic replacement of a file in
 * nm-file-replace.c. */

G_DEFINE_QUARK (nm-file-error-quark, nm_file_error)

/* Checking the tree into a consultation */

typedef struct
{
  NmJsonCheck      check;
  NmFileLoadFlags  flags;
  guint            n_points;
  guint            n_unknown;   /* values kept in unknown keys so far */
} Loader;

static gsize
push_key (Loader     *l,
          const char *key)
{
  return nm_json_path_push_key (&l->check.path, key, -1);
}

static gsize
push_index (Loader *l,
            guint   index)
{
  return nm_json_path_push_index (&l->check.path, index);
}

static void
pop (Loader *l,
     gsize   mark)
{
  nm_json_path_pop (&l->check.path, mark);
}

static gboolean
expect_type (Loader           *l,
             const NmJsonNode *value,
             json_type         type,
             const char       *what)
{
  return nm_json_expect (&l->check, value, type, what);
}

static gboolean
get_string (Loader            *l,
            const NmJsonNode  *value,
            const char       **out)
{
  return nm_json_get_string (&l->check, value, out);
}

static gboolean
get_date (Loader            *l,
          const NmJsonNode  *value,
          const char       **out)
{
  if (!get_string (l, value, out))
    return FALSE;

  /* Never the value itself: a birth date is personal data, and the
   * message may end up on standard error or in a log (issue 13). */
  if (!nm_date_is_valid (*out))
    return nm_json_fail (&l->check, _("must be a calendar date written YYYY-MM-DD"));

  return TRUE;
}

static gboolean
get_int (Loader           *l,
         const NmJsonNode *value,
         gint64            min,
         gint64            max,
         gint64           *out)
{
  if (!expect_type (l, value, json_type_int, N_("an integer")))
    return FALSE;

  *out = value->v.integer;
  if (*out < min || *out > max)
    return nm_json_fail (&l->check, _("%lld is out of range: must be %lld–%lld"),
                         (long long) *out, (long long) min, (long long) max);

  return TRUE;
}

/* The significant digits of a number's text, trailing zeros included. */
static guint
n_significant_digits (const NmJsonNode *number)
{
  gboolean leading = TRUE;
  guint n = 0;

  for (guint i = 0; i < number->n; i++)
    {
      char c = number->text[i];

      if (c == 'e' || c == 'E')
        break;
      if (!g_ascii_isdigit (c) || (leading && c == '0'))
        continue;
      leading = FALSE;
      n++;
    }

  return n;
}

static gboolean
get_number (Loader           *l,
            const NmJsonNode *value,
            double            min,
            double            max,
            double           *out)
{
  if (!nm_json_get_number (&l->check, value, out))
    return FALSE;

  if (!isfinite (*out) || *out < min || *out > max)
    {
      g_autofree char *text = nm_json_number_text (value);

      return nm_json_fail (&l->check, _("%s is out of range: must be %g–%g"), text, min, max);
    }

  /* Rounded as a file holds it (see _nm_file_round_number()); a text of
   * as many digits or fewer reads as such already. */
  if (*out == 0)
    *out = 0.0;
  else if (n_significant_digits (value) > NM_FILE_NUMBER_DIGITS)
    *out = _nm_file_round_number (*out);

  return TRUE;
}

/* The values in @value, itself included. The file's nesting limit keeps
 * the recursion shallow. */
static guint
count_values (const NmJsonNode *value)
{
  guint n = 1;

  if (value->type == json_type_object || value->type == json_type_array)
    for (guint i = 0; i < value->n; i++)
      n += count_values (value->children[i]);

  return n;
}

/* Copies @key/@value into *@extra, creating it if needed. What unknown
 * keys hold is kept as json-c values, which cost far more than the
 * reader's tree (an empty object is a hash table): their values are
 * counted, and refused beyond %NM_FILE_MAX_UNKNOWN_VALUES in all. The
 * loader's path is on @key. */
static gboolean
keep_unknown (Loader            *l,
              json_object      **extra,
              const char        *key,
              const NmJsonNode  *value)
{
  guint n = count_values (value);

  if (n > NM_FILE_MAX_UNKNOWN_VALUES - l->n_unknown)
    return nm_json_set_error (l->check.error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE, &l->check.path,
                              /* Translators: keys that Needlemap does not know are kept
                               * and written back; this is the limit on what they hold */
                              _("the keys this version does not know hold more than %u values "
                                "in all"), NM_FILE_MAX_UNKNOWN_VALUES);
  l->n_unknown += n;

  if (*extra == NULL)
    *extra = json_object_new_object ();

  json_object_object_add (*extra, key, nm_json_node_to_json_c (value));

  return TRUE;
}

static gboolean
load_client (Loader           *l,
             NmConsultation   *c,
             const NmJsonNode *client)
{
  json_object *extra = NULL;
  gboolean has_fitzpatrick = FALSE;

  if (!expect_type (l, client, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < client->n; i++)
    {
      const NmJsonNode *value = client->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);
      const char *text;
      gint64 number;

      if (strcmp (key, "name") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          nm_consultation_set_client_name (c, text);
        }
      else if (strcmp (key, "birth_date") == 0)
        {
          if (!get_date (l, value, &text))
            goto fail;
          nm_consultation_set_birth_date (c, text);
        }
      else if (strcmp (key, "fitzpatrick") == 0)
        {
          if (!get_int (l, value, NM_FITZPATRICK_MIN, NM_FITZPATRICK_MAX, &number))
            goto fail;
          nm_consultation_set_fitzpatrick (c, number);
          has_fitzpatrick = TRUE;
        }
      else if (strcmp (key, "notes") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          nm_consultation_set_client_notes (c, text);
        }
      else if (strcmp (key, "guardian") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          nm_consultation_set_guardian (c, text);
        }
      else if (!keep_unknown (l, &extra, key, value))
        {
          goto fail;
        }

      pop (l, mark);
      continue;

    fail:
      g_clear_pointer (&extra, json_object_put);
      return FALSE;
    }

  if (!has_fitzpatrick && !(l->flags & NM_FILE_LOAD_SKIN_TYPE_OPTIONAL))
    {
      g_clear_pointer (&extra, json_object_put);
      return nm_json_fail (&l->check, _("the required key “fitzpatrick” (skin type 1–6) is missing"));
    }

  _nm_consultation_take_extra (c, NM_EXTRA_CLIENT, extra);

  return TRUE;
}

static gboolean
load_screening (Loader           *l,
                NmConsultation   *c,
                const NmJsonNode *screening)
{
  if (!expect_type (l, screening, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < screening->n; i++)
    {
      const NmJsonNode *value = screening->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);

      if (nm_vocab_screening_index (key) < 0)
        return nm_json_fail (&l->check, _("unknown screening item"));
      if (!expect_type (l, value, json_type_boolean, N_("true or false")))
        return FALSE;

      nm_consultation_set_screening (c, key,
                                     value->v.boolean ? NM_ANSWER_YES : NM_ANSWER_NO);
      pop (l, mark);
    }

  return TRUE;
}

static gboolean
load_outline (Loader           *l,
              const NmJsonNode *outline,
              GArray           *points)
{
  size_t n;

  if (!expect_type (l, outline, json_type_array, N_("an array of [x, y] points")))
    return FALSE;

  n = outline->n;
  if (l->n_points + n > NM_FILE_MAX_POINTS)
    return nm_json_set_error (l->check.error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE, &l->check.path,
                              _("more than %u outline points in the file"), NM_FILE_MAX_POINTS);
  l->n_points += n;

  for (size_t i = 0; i < n; i++)
    {
      const NmJsonNode *pair = outline->children[i];
      gsize mark = push_index (l, i);
      NmPoint point;
      gsize inner;

      if (!expect_type (l, pair, json_type_array, N_("an [x, y] point")) )
        return FALSE;
      if (pair->n != 2)
        return nm_json_fail (&l->check, _("a point must have exactly two numbers, x and y"));

      inner = push_index (l, 0);
      if (!get_number (l, pair->children[0], 0.0, 1.0, &point.x))
        return FALSE;
      pop (l, inner);
      inner = push_index (l, 1);
      if (!get_number (l, pair->children[1], 0.0, 1.0, &point.y))
        return FALSE;
      pop (l, inner);

      g_array_append_val (points, point);
      pop (l, mark);
    }

  return TRUE;
}

static NmFinding *
load_finding (Loader           *l,
              const NmJsonNode *object)
{
  g_autoptr(NmFinding) finding = NULL;
  g_autoptr(GArray) points = NULL;
  const NmJsonNode *value;
  json_object *extra = NULL;
  const char *region = NULL;
  const char *kind = NULL;
  const char *note = NULL;
  const char *view_id = NULL;
  gint64 severity = 0;
  gsize mark;
  NmView view;

  if (!expect_type (l, object, json_type_object, N_("an object")))
    return NULL;

  static const char * const required[] = { "region", "kind", "severity" };
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (nm_json_member (object, required[i]) == NULL)
      {
        nm_json_fail (&l->check, _("the required key “%s” is missing"), required[i]);
        return NULL;
      }

  value = nm_json_member (object, "region");
  mark = push_key (l, "region");
  if (!get_string (l, value, &region))
    return NULL;
  if (nm_vocab_region_index (region) < 0)
    {
      nm_json_fail (&l->check, _("unknown region “%s”"), region);
      return NULL;
    }
  pop (l, mark);

  value = nm_json_member (object, "kind");
  mark = push_key (l, "kind");
  if (!get_string (l, value, &kind))
    return NULL;
  if (nm_vocab_kind_index (kind) < 0)
    {
      nm_json_fail (&l->check, _("unknown finding kind “%s”"), kind);
      return NULL;
    }
  pop (l, mark);

  value = nm_json_member (object, "severity");
  mark = push_key (l, "severity");
  if (!get_int (l, value, NM_SEVERITY_MIN, NM_SEVERITY_MAX, &severity))
    return NULL;
  pop (l, mark);

  if ((value = nm_json_member (object, "note")) != NULL)
    {
      mark = push_key (l, "note");
      if (!get_string (l, value, &note))
        return NULL;
      pop (l, mark);
    }

  if ((value = nm_json_member (object, "view")) != NULL)
    {
      mark = push_key (l, "view");
      if (!get_string (l, value, &view_id))
        return NULL;
      if (!nm_view_from_id (view_id, &view))
        {
          nm_json_fail (&l->check, _("unknown view “%s”"), view_id);
          return NULL;
        }
      if (!nm_vocab_region_in_view (region, view))
        {
          nm_json_fail (&l->check, _("region “%s” does not appear in view “%s”"), region, view_id);
          return NULL;
        }
      pop (l, mark);
    }

  if ((value = nm_json_member (object, "outline")) != NULL)
    {
      points = g_array_new (FALSE, FALSE, sizeof (NmPoint));
      mark = push_key (l, "outline");
      if (!load_outline (l, value, points))
        return NULL;
      pop (l, mark);
    }

  finding = nm_finding_new (region, kind, severity);
  nm_finding_set_note (finding, note);
  if (points != NULL)
    nm_finding_set_outline (finding, view_id, (const NmPoint *) (gpointer) points->data, points->len);
  else
    nm_finding_set_view (finding, view_id);

  for (guint i = 0; i < object->n; i++)
    {
      const NmJsonNode *item = object->children[i];
      const char *key = item->key;
      if (strcmp (key, "region") != 0 && strcmp (key, "kind") != 0 &&
          strcmp (key, "severity") != 0 && strcmp (key, "note") != 0 &&
          strcmp (key, "view") != 0 && strcmp (key, "outline") != 0)
        {
          gboolean kept;

          mark = push_key (l, key);
          kept = keep_unknown (l, &extra, key, item);
          pop (l, mark);
          if (!kept)
            {
              g_clear_pointer (&extra, json_object_put);
              return NULL;
            }
        }
    }
  _nm_finding_take_extra (finding, extra);

  return g_steal_pointer (&finding);
}

static gboolean
load_findings (Loader           *l,
               NmConsultation   *c,
               const NmJsonNode *findings)
{
  size_t n;

  if (!expect_type (l, findings, json_type_array, N_("an array")))
    return FALSE;

  n = findings->n;
  if (n > NM_FILE_MAX_FINDINGS)
    return nm_json_set_error (l->check.error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE, &l->check.path,
                              _("%zu findings, more than the limit of %u"), n, NM_FILE_MAX_FINDINGS);

  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding = NULL;
      gsize mark = push_index (l, i);

      finding = load_finding (l, findings->children[i]);
      if (finding == NULL)
        return FALSE;
      nm_consultation_add_finding (c, finding);
      pop (l, mark);
    }

  return TRUE;
}

static gboolean
load_acknowledged (Loader           *l,
                   NmConsultation   *c,
                   const NmJsonNode *acknowledged)
{
  if (!expect_type (l, acknowledged, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < acknowledged->n; i++)
    {
      const NmJsonNode *value = acknowledged->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);
      const char *rationale;

      if (nm_vocab_screening_index (key) < 0)
        return nm_json_fail (&l->check, _("unknown screening item"));
      if (!get_string (l, value, &rationale))
        return FALSE;

      nm_consultation_set_acknowledgement (c, key, rationale);
      pop (l, mark);
    }

  return TRUE;
}

/* plan.device: the device this consultation is planned for. Only its two
 * numbers are known; anything else in it is refused, since a setting the
 * planner silently ignored could be a safety setting the user expects. */
static gboolean
load_device (Loader           *l,
             NmConsultation   *c,
             const NmJsonNode *device)
{
  if (!expect_type (l, device, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < device->n; i++)
    {
      const NmJsonNode *value = device->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);
      double mm;

      if (strcmp (key, "max_mm") == 0)
        {
          if (!get_number (l, value, NM_DEVICE_STEP_MM_MIN, NM_DEVICE_MAX_MM_LIMIT, &mm))
            return FALSE;
          nm_consultation_set_device_max_mm (c, mm);
        }
      else if (strcmp (key, "step_mm") == 0)
        {
          if (!get_number (l, value, NM_DEVICE_STEP_MM_MIN, NM_DEVICE_STEP_MM_MAX, &mm))
            return FALSE;
          nm_consultation_set_device_step_mm (c, mm);
        }
      else
        return nm_json_fail (&l->check, _("unknown key: a device has “max_mm” and “step_mm”"));

      pop (l, mark);
    }

  if (nm_consultation_get_device_max_mm (c) > 0.0 && nm_consultation_get_device_step_mm (c) > 0.0 &&
      nm_consultation_get_device_max_mm (c) < nm_consultation_get_device_step_mm (c))
    return nm_json_fail (&l->check, _("max_mm is less than one step (step_mm)"));

  return TRUE;
}

static gboolean
load_plan (Loader           *l,
           NmConsultation   *c,
           const NmJsonNode *plan)
{
  json_object *extra = NULL;

  if (!expect_type (l, plan, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < plan->n; i++)
    {
      const NmJsonNode *value = plan->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);
      const char *text;

      if (strcmp (key, "start_date") == 0)
        {
          if (!get_date (l, value, &text))
            goto fail;
          nm_consultation_set_start_date (c, text);
        }
      else if (strcmp (key, "practitioner") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          nm_consultation_set_practitioner (c, text);
        }
      else if (strcmp (key, "acknowledged") == 0)
        {
          if (!load_acknowledged (l, c, value))
            goto fail;
        }
      else if (strcmp (key, "device") == 0)
        {
          if (!load_device (l, c, value))
            goto fail;
        }
      else if (strcmp (key, "calendar_uid") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          if (!nm_calendar_uid_is_valid (text))
            {
              nm_json_fail (&l->check, _("must be 8–64 letters, digits or “-”"));
              goto fail;
            }
          nm_consultation_set_calendar_uid (c, text);
        }
      else if (!keep_unknown (l, &extra, key, value))
        {
          goto fail;
        }

      pop (l, mark);
      continue;

    fail:
      g_clear_pointer (&extra, json_object_put);
      return FALSE;
    }

  _nm_consultation_take_extra (c, NM_EXTRA_PLAN, extra);

  return TRUE;
}

/* The session's traceability keys (issue 16): which cartridge, serum and
 * numbing cream were used. Never the value in a message: the messages
 * name the key and what it must be. Returns FALSE (with the error set)
 * for a value that is not exactly the format. */
static gboolean
is_trace_key (const char *key)
{
  return strcmp (key, "cartridge_gtin") == 0 || strcmp (key, "cartridge_lot") == 0 ||
         strcmp (key, "cartridge_expiry") == 0 || strcmp (key, "serum") == 0 ||
         strcmp (key, "numbing_cream") == 0;
}

static gboolean
load_session_trace (Loader           *l,
                    NmSession        *session,
                    const char       *key,
                    const NmJsonNode *value)
{
  const char *text;

  if (strcmp (key, "cartridge_expiry") == 0)
    {
      if (!get_date (l, value, &text))
        return FALSE;
      nm_session_set_cartridge_expiry (session, text);
      return TRUE;
    }

  if (!get_string (l, value, &text))
    return FALSE;
  if (strcmp (key, "cartridge_gtin") == 0)
    {
      if (!nm_gs1_gtin_is_valid (text))
        return nm_json_fail (&l->check, _("must be a GTIN: 14 digits, the last a valid check digit"));
      nm_session_set_cartridge_gtin (session, text);
    }
  else if (strcmp (key, "cartridge_lot") == 0)
    {
      if (!nm_gs1_lot_is_valid (text))
        return nm_json_fail (&l->check, _("must be a lot number of 1–%d characters: letters, digits "
                                          "and the signs a GS1 lot may hold"), NM_GS1_LOT_MAX);
      nm_session_set_cartridge_lot (session, text);
    }
  else if (strcmp (key, "serum") == 0)
    nm_session_set_serum (session, text);
  else
    nm_session_set_numbing_cream (session, text);
  return TRUE;
}

static NmSession *
load_session (Loader           *l,
              const NmJsonNode *object)
{
  g_autoptr(NmSession) session = NULL;
  json_object *extra = NULL;

  if (!expect_type (l, object, json_type_object, N_("an object")))
    return NULL;

  session = nm_session_new (NULL);

  for (guint i = 0; i < object->n; i++)
    {
      const NmJsonNode *value = object->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);
      const char *text;

      if (strcmp (key, "date") == 0)
        {
          if (!get_date (l, value, &text))
            goto fail;
          nm_session_set_date (session, text);
        }
      else if (strcmp (key, "done") == 0)
        {
          if (!expect_type (l, value, json_type_boolean, N_("true or false")))
            goto fail;
          nm_session_set_done (session, value->v.boolean);
        }
      else if (strcmp (key, "notes") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          nm_session_set_notes (session, text);
        }
      else if (strcmp (key, "device") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          nm_session_set_device (session, text);
        }
      else if (strcmp (key, "time") == 0)
        {
          if (!get_string (l, value, &text))
            goto fail;
          if (!nm_session_time_is_valid (text))
            {
              nm_json_fail (&l->check, _("“%s” is not a time of day written HH:MM"), text);
              goto fail;
            }
          nm_session_set_time (session, text);
        }
      else if (strcmp (key, "duration_min") == 0)
        {
          gint64 minutes;

          if (!get_int (l, value, 1, NM_SESSION_DURATION_MAX, &minutes))
            goto fail;
          nm_session_set_duration_min (session, (guint) minutes);
        }
      else if (strcmp (key, "depth_mm") == 0)
        {
          if (!expect_type (l, value, json_type_object, N_("an object")))
            goto fail;

          for (guint j = 0; j < value->n; j++)
            {
              const NmJsonNode *depth = value->children[j];
              const char *region = depth->key;
              gsize inner = push_key (l, region);
              double mm;

              if (nm_vocab_region_index (region) < 0)
                {
                  nm_json_fail (&l->check, _("unknown region"));
                  goto fail;
                }
              if (!get_number (l, depth, NM_SESSION_DEPTH_MIN, NM_SESSION_DEPTH_MAX, &mm))
                goto fail;
              nm_session_set_depth (session, region, mm);
              pop (l, inner);
            }
        }
      else if (is_trace_key (key))
        {
          if (!load_session_trace (l, session, key, value))
            goto fail;
        }
      else if (!keep_unknown (l, &extra, key, value))
        {
          goto fail;
        }

      pop (l, mark);
      continue;

    fail:
      g_clear_pointer (&extra, json_object_put);
      return NULL;
    }

  _nm_session_take_extra (session, extra);

  return g_steal_pointer (&session);
}

/* The scores of the course (docs/file-format.md, "Scores"). */
static gboolean
load_scores (Loader           *l,
             NmConsultation   *c,
             const NmJsonNode *scores)
{
  g_autoptr(GPtrArray) records = nm_score_records_from_json (&l->check, scores);

  if (records == NULL)
    return FALSE;

  nm_consultation_set_scores (c, records);
  return TRUE;
}

static gboolean
load_sessions (Loader           *l,
               NmConsultation   *c,
               const NmJsonNode *sessions)
{
  size_t n;

  if (!expect_type (l, sessions, json_type_array, N_("an array")))
    return FALSE;

  n = sessions->n;
  if (n > NM_FILE_MAX_SESSIONS)
    return nm_json_set_error (l->check.error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE, &l->check.path,
                              _("%zu sessions, more than the limit of %u"), n, NM_FILE_MAX_SESSIONS);

  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(NmSession) session = NULL;
      gsize mark = push_index (l, i);

      session = load_session (l, sessions->children[i]);
      if (session == NULL)
        return FALSE;
      nm_consultation_add_session (c, session);
      pop (l, mark);
    }

  return TRUE;
}

/**
 * _nm_file_load_tree:
 * @root: the top-level object of a document read by nm_json_doc_parse()
 *   with the file's limits
 * @flags: what else to accept
 * @error: return location for a #NM_FILE_ERROR
 *
 * Returns: (transfer full) (nullable): the consultation, or %NULL on error
 */
NmConsultation *
_nm_file_load_tree (const NmJsonNode  *root,
                    NmFileLoadFlags    flags,
                    GError           **error)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  Loader loader = { 0 };
  Loader *l = &loader;
  const NmJsonNode *value;
  json_object *extra = NULL;
  const char *format;
  gint64 version;
  gsize mark;

  nm_json_check_init (&l->check, NM_FILE_ERROR, NM_FILE_ERROR_INVALID, error);
  l->flags = flags;

  if ((value = nm_json_member (root, "format")) == NULL)
    {
      nm_json_fail (&l->check, _("this is not a Needlemap consultation: the key “format” is missing"));
      return NULL;
    }
  mark = push_key (l, "format");
  if (!get_string (l, value, &format))
    return NULL;
  if (strcmp (format, NM_FILE_FORMAT) != 0)
    {
      nm_json_fail (&l->check, _("must be “%s”, not “%s”"), NM_FILE_FORMAT, format);
      return NULL;
    }
  pop (l, mark);

  if ((value = nm_json_member (root, "version")) == NULL)
    {
      nm_json_fail (&l->check, _("the required key “version” is missing"));
      return NULL;
    }
  mark = push_key (l, "version");
  if (!expect_type (l, value, json_type_int, N_("an integer")))
    return NULL;
  version = value->v.integer;
  if (version < 1)
    {
      nm_json_fail (&l->check, _("%lld is not a version: they start at 1"), (long long) version);
      return NULL;
    }
  if (version > NM_FILE_VERSION)
    {
      nm_json_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION, &l->check.path,
                         _("the file has format version %lld, but this Needlemap "
                           "reads only version %d; open it with a newer Needlemap"),
                         (long long) version, NM_FILE_VERSION);
      return NULL;
    }
  pop (l, mark);

  if (nm_json_member (root, "client") == NULL)
    {
      nm_json_fail (&l->check, _("the required key “client” is missing"));
      return NULL;
    }
  if (nm_json_member (root, "findings") == NULL)
    {
      nm_json_fail (&l->check, _("the required key “findings” is missing"));
      return NULL;
    }

  for (guint i = 0; i < root->n; i++)
    {
      const NmJsonNode *item = root->children[i];
      const char *key = item->key;
      gboolean ok = TRUE;

      mark = push_key (l, key);

      if (strcmp (key, "format") == 0 || strcmp (key, "version") == 0)
        ;
      else if (strcmp (key, "client") == 0)
        ok = load_client (l, c, item);
      else if (strcmp (key, "screening") == 0)
        ok = load_screening (l, c, item);
      else if (strcmp (key, "findings") == 0)
        ok = load_findings (l, c, item);
      else if (strcmp (key, "plan") == 0)
        ok = load_plan (l, c, item);
      else if (strcmp (key, "sessions") == 0)
        ok = load_sessions (l, c, item);
      else if (strcmp (key, "scores") == 0)
        ok = load_scores (l, c, item);
      else
        ok = keep_unknown (l, &extra, key, item);

      if (!ok)
        {
          g_clear_pointer (&extra, json_object_put);
          return NULL;
        }

      pop (l, mark);
    }

  _nm_consultation_take_extra (c, NM_EXTRA_TOP, extra);

  /* Loading is not an edit. */
  nm_history_clear (nm_consultation_get_history (c));

  return g_steal_pointer (&c);
}

/**
 * _nm_file_rules:
 *
 * Returns: the limits of spec §2, and the errors for what is beyond them,
 *   for nm_json_doc_parse()
 */
NmJsonRules
_nm_file_rules (void)
{
  NmJsonRules rules = {
    NM_FILE_ERROR, NM_FILE_ERROR_INVALID, NM_FILE_ERROR_TOO_LARGE,
    NM_FILE_MAX_BYTES, NM_FILE_MAX_DEPTH, NM_FILE_MAX_STRING_CHARS,
    NM_FILE_MAX_VALUES,
  };

  return rules;
}

static NmConsultation *
load_bytes (GBytes           *bytes,
            NmFileLoadFlags   flags,
            GError          **error)
{
  NmJsonRules rules = _nm_file_rules ();
  g_autoptr(NmJsonDoc) doc = nm_json_doc_parse (bytes, &rules, error);

  if (doc == NULL)
    return NULL;

  return _nm_file_load_tree (nm_json_doc_get_root (doc), flags, error);
}

/**
 * nm_file_load_bytes:
 * @bytes: the contents of a consultation file
 * @error: return location for a #NM_FILE_ERROR
 *
 * Loads a consultation, whole or not at all.  The error message names the
 * key path and the problem, in one line, without the file name.
 *
 * Returns: (transfer full) (nullable): the consultation, unmodified and
 *   with an empty undo history; %NULL on error
 */
NmConsultation *
nm_file_load_bytes (GBytes  *bytes,
                    GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_bytes (bytes, NM_FILE_LOAD_DEFAULT, error);
}

/**
 * nm_file_load:
 * @file: a *.needlemap file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads and loads @file; see nm_file_load_bytes().
 *
 * Returns: (transfer full) (nullable): the consultation, or %NULL on error
 */
NmConsultation *
nm_file_load (GFile         *file,
              GCancellable  *cancellable,
              GError       **error)
{
  return _nm_file_load (file, NM_FILE_LOAD_DEFAULT, cancellable, error);
}

/* nm_file_load_bytes(), with @flags: what a recovery copy is checked with
 * before it is written, so that it always loads back. */
NmConsultation *
_nm_file_load_bytes (GBytes           *bytes,
                     NmFileLoadFlags   flags,
                     GError          **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_bytes (bytes, flags, error);
}

/* nm_file_load(), with @flags. */
NmConsultation *
_nm_file_load (GFile            *file,
               NmFileLoadFlags   flags,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = nm_file_read_bounded (file, NM_FILE_MAX_BYTES, NULL, cancellable, error);
  if (bytes == NULL)
    return NULL;

  return load_bytes (bytes, flags, error);
}

/**
 * nm_file_new_for_arg:
 * @arg: a path or a URI from the command line
 *
 * Like g_file_new_for_commandline_arg(), except that only something with
 * "://" in it is taken for a URI: "a:b.needlemap" is a file name.
 *
 * Returns: (transfer full): the file
 */
GFile *
nm_file_new_for_arg (const char *arg)
{
  g_return_val_if_fail (arg != NULL, NULL);

  if (strstr (arg, "://") != NULL)
    return g_file_new_for_commandline_arg (arg);
  return g_file_new_for_path (arg);
}

static void
append_stamp_part (GString    *stamp,
                   GFileInfo  *info,
                   const char *attribute)
{
  if (g_file_info_has_attribute (info, attribute))
    g_string_append_printf (stamp, "%" G_GUINT64_FORMAT,
                            g_file_info_get_attribute_type (info, attribute) == G_FILE_ATTRIBUTE_TYPE_UINT32
                            ? (guint64) g_file_info_get_attribute_uint32 (info, attribute)
                            : g_file_info_get_attribute_uint64 (info, attribute));
  else
    g_string_append_c (stamp, '-');
}

/* See NM_FILE_STAMP_ATTRIBUTES: @info must have been asked for those.
 * "e:ETAG;DEVICE;INODE;SIZE;CTIME.USEC", never equal to a bare etag (what
 * an earlier version's recovery copy kept), which so counts as another
 * version. */
char *
_nm_file_stamp_from_info (GFileInfo *info)
{
  GString *stamp = g_string_new ("e:");
  const char *etag = g_file_info_get_etag (info);

  g_string_append (stamp, etag != NULL ? etag : "-");
  g_string_append_c (stamp, ';');
  append_stamp_part (stamp, info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
  g_string_append_c (stamp, ';');
  append_stamp_part (stamp, info, G_FILE_ATTRIBUTE_UNIX_INODE);
  g_string_append_c (stamp, ';');
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    g_string_append_printf (stamp, "%" G_GINT64_FORMAT, (gint64) g_file_info_get_size (info));
  else
    g_string_append_c (stamp, '-');
  g_string_append_c (stamp, ';');
  append_stamp_part (stamp, info, G_FILE_ATTRIBUTE_TIME_CHANGED);
  g_string_append_c (stamp, '.');
  append_stamp_part (stamp, info, G_FILE_ATTRIBUTE_TIME_CHANGED_USEC);

  return g_string_free (stamp, FALSE);
}

/* The stamp of the file @file is now (a link is followed), or %NULL with
 * @error set when there is none (G_IO_ERROR_NOT_FOUND). */
char *
_nm_file_query_stamp (GFile         *file,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, NM_FILE_STAMP_ATTRIBUTES,
                                                 G_FILE_QUERY_INFO_NONE, cancellable, error);

  return info != NULL ? _nm_file_stamp_from_info (info) : NULL;
}

/**
 * nm_file_read_bounded:
 * @file: a file
 * @max_bytes: the most it may hold
 * @etag: (out) (optional): the version of what was read: its stamp (see
 *   NM_FILE_STAMP_ATTRIBUTES), taken from the opened file before reading
 *
 * Reads a whole regular file, and never more than @max_bytes of it: a
 * device (/dev/zero), a pipe or a folder is refused before anything is
 * read, and a file that grows while it is read, or whose size was not told,
 * is refused at the limit rather than filling memory.
 *
 * Returns: (transfer full) (nullable): the contents
 */
GBytes *
nm_file_read_bounded (GFile         *file,
                      gsize          max_bytes,
                      char         **etag,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autofree char *stamp = NULL;
  guint8 buffer[64 * 1024];

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," NM_FILE_STAMP_ATTRIBUTES,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                           _("not a regular file"));
      return NULL;
    }
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      (guint64) g_file_info_get_size (info) > max_bytes)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("the file is larger than %u MiB"), (guint) (max_bytes / (1024 * 1024)));
      return NULL;
    }

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return NULL;
  /* the version of the file opened, not of whatever the name stands for
   * by now: taken before reading, so a write while reading gives another
   * stamp than the one kept */
  if (etag != NULL)
    {
      g_autoptr(GFileInfo) opened = g_file_input_stream_query_info (in, NM_FILE_STAMP_ATTRIBUTES,
                                                                    cancellable, NULL);

      stamp = _nm_file_stamp_from_info (opened != NULL ? opened : info);
    }
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (data->len + (gsize) n > max_bytes)
        {
          g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                       _("the file is larger than %u MiB"), (guint) (max_bytes / (1024 * 1024)));
          return NULL;
        }
      g_byte_array_append (data, buffer, (guint) n);
    }

  if (etag != NULL)
    *etag = g_steal_pointer (&stamp);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
