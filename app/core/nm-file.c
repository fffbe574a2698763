/* nm-file.c
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

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "nm-consultation-private.h"
#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-json-reader.h"
#include "nm-vocab.h"

/* Loading runs in three passes, so that nothing is built from a file that
 * is not exactly the format:
 *
 *  1. the bytes must be UTF-8 and within the size limit;
 *  2. the core's one JSON reader (nm-json-reader.c) checks the strict
 *     RFC 8259 syntax, the nesting and string limits and duplicate keys,
 *     and builds a tree whose errors name the key path;
 *  3. the tree is checked key by key into a new consultation; unknown
 *     keys are kept as json-c values.  Only a fully checked consultation
 *     is returned.
 *
 * Saving writes keys in the spec's order, then unknown keys in the order
 * they had in the file, to a temporary file that is renamed over the old
 * one, which is kept as a backup (see replace_contents()). */

G_DEFINE_QUARK (nm-file-error-quark, nm_file_error)

/* Checking the tree into a consultation */

typedef struct
{
  NmJsonCheck  check;
  guint        n_points;
} Loader;

static gboolean G_GNUC_PRINTF (2, 3)
load_fail (Loader     *l,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return nm_json_fail (&l->check, "%s", message);
}

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

  if (!nm_date_is_valid (*out))
    return load_fail (l, _("“%s” is not a calendar date written YYYY-MM-DD"), *out);

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
    return load_fail (l, _("%lld is out of range: must be %lld–%lld"),
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

      return load_fail (l, _("%s is out of range: must be %g–%g"), text, min, max);
    }

  /* Rounded as a file holds it (see _nm_file_round_number()); a text of
   * as many digits or fewer reads as such already. */
  if (*out == 0)
    *out = 0.0;
  else if (n_significant_digits (value) > NM_FILE_NUMBER_DIGITS)
    *out = _nm_file_round_number (*out);

  return TRUE;
}

/* Copies @key/@value into *@extra, creating it if needed. */
static void
keep_unknown (json_object      **extra,
              const char        *key,
              const NmJsonNode  *value)
{
  if (*extra == NULL)
    *extra = json_object_new_object ();

  json_object_object_add (*extra, key, nm_json_node_to_json_c (value));
}

static gboolean
load_client (Loader         *l,
             NmConsultation *c,
             const NmJsonNode     *client)
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
      else
        {
          keep_unknown (&extra, key, value);
        }

      pop (l, mark);
      continue;

    fail:
      g_clear_pointer (&extra, json_object_put);
      return FALSE;
    }

  if (!has_fitzpatrick)
    {
      g_clear_pointer (&extra, json_object_put);
      return load_fail (l, _("the required key “fitzpatrick” (skin type 1–6) is missing"));
    }

  _nm_consultation_take_extra (c, NM_EXTRA_CLIENT, extra);

  return TRUE;
}

static gboolean
load_screening (Loader         *l,
                NmConsultation *c,
                const NmJsonNode     *screening)
{
  if (!expect_type (l, screening, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < screening->n; i++)
    {
      const NmJsonNode *value = screening->children[i];
      const char *key = value->key;
      gsize mark = push_key (l, key);

      if (nm_vocab_screening_index (key) < 0)
        return load_fail (l, _("unknown screening item"));
      if (!expect_type (l, value, json_type_boolean, N_("true or false")))
        return FALSE;

      nm_consultation_set_screening (c, key,
                                     value->v.boolean ? NM_ANSWER_YES : NM_ANSWER_NO);
      pop (l, mark);
    }

  return TRUE;
}

static gboolean
load_outline (Loader      *l,
              const NmJsonNode  *outline,
              GArray      *points)
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
        return load_fail (l, _("a point must have exactly two numbers, x and y"));

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
load_finding (Loader      *l,
              const NmJsonNode  *object)
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
        load_fail (l, _("the required key “%s” is missing"), required[i]);
        return NULL;
      }

  value = nm_json_member (object, "region");
  mark = push_key (l, "region");
  if (!get_string (l, value, &region))
    return NULL;
  if (nm_vocab_region_index (region) < 0)
    {
      load_fail (l, _("unknown region “%s”"), region);
      return NULL;
    }
  pop (l, mark);

  value = nm_json_member (object, "kind");
  mark = push_key (l, "kind");
  if (!get_string (l, value, &kind))
    return NULL;
  if (nm_vocab_kind_index (kind) < 0)
    {
      load_fail (l, _("unknown finding kind “%s”"), kind);
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
          load_fail (l, _("unknown view “%s”"), view_id);
          return NULL;
        }
      if (!nm_vocab_region_in_view (region, view))
        {
          load_fail (l, _("region “%s” does not appear in view “%s”"), region, view_id);
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
        keep_unknown (&extra, key, item);
    }
  _nm_finding_take_extra (finding, extra);

  return g_steal_pointer (&finding);
}

static gboolean
load_findings (Loader         *l,
               NmConsultation *c,
               const NmJsonNode     *findings)
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
load_acknowledged (Loader         *l,
                   NmConsultation *c,
                   const NmJsonNode     *acknowledged)
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
        return load_fail (l, _("unknown screening item"));
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
load_device (Loader         *l,
             NmConsultation *c,
             const NmJsonNode     *device)
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
        return load_fail (l, _("unknown key: a device has “max_mm” and “step_mm”"));

      pop (l, mark);
    }

  return TRUE;
}

static gboolean
load_plan (Loader         *l,
           NmConsultation *c,
           const NmJsonNode     *plan)
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
      else
        {
          keep_unknown (&extra, key, value);
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

static NmSession *
load_session (Loader      *l,
              const NmJsonNode  *object)
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
                  load_fail (l, _("unknown region"));
                  goto fail;
                }
              if (!get_number (l, depth, NM_SESSION_DEPTH_MIN, NM_SESSION_DEPTH_MAX, &mm))
                goto fail;
              nm_session_set_depth (session, region, mm);
              pop (l, inner);
            }
        }
      else
        {
          keep_unknown (&extra, key, value);
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

static gboolean
load_sessions (Loader         *l,
               NmConsultation *c,
               const NmJsonNode     *sessions)
{
  size_t n;

  if (!expect_type (l, sessions, json_type_array, N_("an array")))
    return FALSE;

  n = sessions->n;
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

static NmConsultation *
load_tree (const NmJsonNode  *root,
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

  if ((value = nm_json_member (root, "format")) == NULL)
    {
      load_fail (l, _("this is not a Needlemap consultation: the key “format” is missing"));
      return NULL;
    }
  mark = push_key (l, "format");
  if (!get_string (l, value, &format))
    return NULL;
  if (strcmp (format, NM_FILE_FORMAT) != 0)
    {
      load_fail (l, _("must be “%s”, not “%s”"), NM_FILE_FORMAT, format);
      return NULL;
    }
  pop (l, mark);

  if ((value = nm_json_member (root, "version")) == NULL)
    {
      load_fail (l, _("the required key “version” is missing"));
      return NULL;
    }
  mark = push_key (l, "version");
  if (!expect_type (l, value, json_type_int, N_("an integer")))
    return NULL;
  version = value->v.integer;
  if (version < 1)
    {
      load_fail (l, _("%lld is not a version: they start at 1"), (long long) version);
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
      load_fail (l, _("the required key “client” is missing"));
      return NULL;
    }
  if (nm_json_member (root, "findings") == NULL)
    {
      load_fail (l, _("the required key “findings” is missing"));
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
      else
        keep_unknown (&extra, key, item);

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
  const NmJsonRules rules = {
    NM_FILE_ERROR, NM_FILE_ERROR_INVALID, NM_FILE_ERROR_TOO_LARGE,
    NM_FILE_MAX_BYTES, NM_FILE_MAX_DEPTH, NM_FILE_MAX_STRING_CHARS,
  };
  g_autoptr(NmJsonDoc) doc = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = nm_json_doc_parse (bytes, &rules, error);
  if (doc == NULL)
    return NULL;

  return load_tree (nm_json_doc_get_root (doc), error);
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
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Refuse an oversized file before reading it into memory. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      g_file_info_get_size (info) > NM_FILE_MAX_BYTES)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("the file is larger than %u MiB"), NM_FILE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  return nm_file_load_bytes (bytes, error);
}

/* Saving */

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
  write_key (out, &first, 2, "fitzpatrick");
  g_string_append_printf (out, "%u", nm_consultation_get_fitzpatrick (c));
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

/**
 * nm_file_serialize:
 * @self: a #NmConsultation
 *
 * Writes the consultation as the spec's JSON: keys in the spec's order, then
 * unknown keys in the order they were read, two-space indentation, UTF-8,
 * ending with a newline.  The same consultation always gives the same bytes.
 * It does not check the limits; nm_file_save() does.
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
          !check_text (path, "device", nm_session_get_device (session), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
restrict_mode (GFile         *file,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_file_set_attribute_uint32 (file, G_FILE_ATTRIBUTE_UNIX_MODE, 0600,
                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                   cancellable, &local_error))
    return TRUE;

  /* Shares without Unix permissions (SMB, WebDAV) cannot do this. */
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

/* Keeps the current contents of @path as “@path~”: a hard link where the
 * file system has them, else a copy.  No file yet is fine. */
static gboolean
make_backup (const char  *path,
             GError     **error)
{
  g_autofree char *backup = g_strconcat (path, "~", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;

  if (g_unlink (backup) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANT_CREATE_BACKUP,
                   _("Could not replace the previous backup: %s"), g_strerror (saved));
      return FALSE;
    }
  if (link (path, backup) == 0 || errno == ENOENT)
    return TRUE;

  if (!g_file_get_contents (path, &contents, &len, &local_error) ||
      !g_file_set_contents_full (backup, contents, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANT_CREATE_BACKUP,
                   _("Could not keep a backup of the previous file: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Replaces @file's contents atomically: whatever happens, @file holds the
 * old or the new contents, never a part.  g_file_replace_contents() cannot
 * promise that on GLib 2.74: when a write fails (a full disk) it still
 * closes the stream normally, which renames the partial temporary file
 * over the old one; and when it cannot create a temporary file (no free
 * inode) it falls back to rewriting the file in place.  So a local file
 * goes through g_file_set_contents_full(), which only ever renames a
 * complete temporary file and deletes it on failure.  Other files (GVfs
 * shares) go through GIO, closed with a cancelled cancellable after a
 * failed write so that the temporary file is dropped instead. */
static gboolean
replace_contents (GFile         *file,
                  const char    *data,
                  gsize          len,
                  gboolean       keep_backup,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GCancellable) abandon = NULL;
  g_autofree char *path = g_file_is_native (file) ? g_file_get_path (file) : NULL;

  if (path != NULL)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          (keep_backup && !make_backup (path, error)))
        return FALSE;

      return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                       0600, error);
    }

  /* REPLACE_DESTINATION with PRIVATE creates the new file 0600 instead of
   * copying the old file's permissions. */
  out = g_file_replace (file, NULL, keep_backup,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        cancellable, error);
  if (out == NULL)
    return FALSE;

  if (g_output_stream_write_all (G_OUTPUT_STREAM (out), data, len, NULL, cancellable, error))
    return g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error);

  abandon = g_cancellable_new ();
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);

  return FALSE;
}

/**
 * nm_file_replace_private:
 * @file: where to write
 * @data: (array length=len): the bytes
 * @len: their length
 * @keep_backup: whether to keep the previous file as a backup
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes @data atomically, readable by its owner only: on error @file is
 * left as it was. Every file that holds health data goes through here.
 *
 * Returns: %TRUE on success
 */
gboolean
nm_file_replace_private (GFile         *file,
                         const void    *data,
                         gsize          len,
                         gboolean       keep_backup,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GFile) backup = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!replace_contents (file, data, len, keep_backup, cancellable, error))
    return FALSE;

  if (!restrict_mode (file, cancellable, error))
    return FALSE;

  /* The backup holds health data too. */
  path = g_file_get_path (file);
  if (keep_backup && path != NULL)
    {
      g_autofree char *backup_path = g_strconcat (path, "~", NULL);

      backup = g_file_new_for_path (backup_path);
      if (g_file_query_exists (backup, cancellable) &&
          !restrict_mode (backup, cancellable, error))
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
 * (“name~” on local disks), and the file is readable by its owner only
 * (mode 0600).  On error @file is untouched.  Does not mark the
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

  if (!check_savable (self, error))
    return FALSE;

  bytes = nm_file_serialize (self);
  data = g_bytes_get_data (bytes, &len);
  if (len > NM_FILE_MAX_BYTES)
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_TOO_LARGE,
                   _("the consultation would be larger than %u MiB"),
                   NM_FILE_MAX_BYTES / (1024 * 1024));
      return FALSE;
    }

  return nm_file_replace_private (file, data, len, TRUE, cancellable, error);
}
