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
#include "nm-vocab.h"

/* Loading runs in three passes, so that nothing is built from a file that
 * is not exactly the format:
 *
 *  1. the bytes must be UTF-8 and within the size limit;
 *  2. a strict RFC 8259 scanner checks the syntax, because json-c even in
 *     strict mode accepts single quotes, NaN, Infinity, "1.", raw control
 *     characters in strings and duplicate keys (last one wins), and turns
 *     \u0000 and lone surrogates into other text.  The scanner also keeps
 *     the key path for its messages and enforces the nesting and string
 *     limits;
 *  3. json-c builds the tree, which is then checked key by key into a new
 *     consultation.  Only a fully checked consultation is returned.
 *
 * Saving writes keys in the spec's order, then unknown keys in the order
 * they had in the file, to a temporary file that is renamed over the old
 * one, which is kept as a backup (see replace_contents()). */

G_DEFINE_QUARK (nm-file-error-quark, nm_file_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

#define MAX_PATH_KEY_BYTES 64

/* Key paths */

typedef struct
{
  GString *path;
} Path;

static gsize
path_push_key (GString    *path,
               const char *key,
               gsize       key_len)
{
  gsize old_len = path->len;
  const char *end;

  if (path->len > 0)
    g_string_append_c (path, '.');

  /* Keep messages one short line even for a hostile key. */
  if (key_len > MAX_PATH_KEY_BYTES)
    {
      g_utf8_validate (key, MAX_PATH_KEY_BYTES, &end);
      g_string_append_len (path, key, end - key);
      g_string_append (path, "…");
    }
  else
    {
      g_string_append_len (path, key, key_len);
    }

  return old_len;
}

static gsize
path_push_index (GString *path,
                 guint    index)
{
  gsize old_len = path->len;

  g_string_append_printf (path, "[%u]", index);

  return old_len;
}

static void
path_pop (GString *path,
          gsize    old_len)
{
  g_string_truncate (path, old_len);
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError     **error,
      NmFileError  code,
      GString     *path,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (path != NULL && path->len > 0)
    g_set_error (error, NM_FILE_ERROR, code, "%s: %s", path->str, message);
  else
    g_set_error_literal (error, NM_FILE_ERROR, code, message);

  return FALSE;
}

/* Pass 2: strict syntax */

typedef struct
{
  const char  *data;
  gsize        len;
  gsize        pos;
  GString     *path;
  GError     **error;
} Scanner;

static gboolean G_GNUC_PRINTF (2, 3)
scan_fail (Scanner    *s,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  guint line = 1, column = 1;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  for (gsize i = 0; i < s->pos && i < s->len; i++)
    {
      if (s->data[i] == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) s->data[i] & 0xC0) != 0x80)
        {
          column++;
        }
    }

  return fail (s->error, NM_FILE_ERROR_INVALID, s->path,
               _("line %u, column %u: %s"), line, column, message);
}

static gboolean
scan_unexpected (Scanner    *s,
                 const char *expected)
{
  guchar c;

  if (s->pos >= s->len)
    return scan_fail (s, _("the file ends too early (expected %s)"), _(expected));

  c = s->data[s->pos];
  if (c >= 0x21 && c < 0x7F)
    return scan_fail (s, _("unexpected character “%c” (expected %s)"), c, _(expected));

  return scan_fail (s, _("unexpected byte 0x%02X (expected %s)"), c, _(expected));
}

static void
scan_ws (Scanner *s)
{
  while (s->pos < s->len &&
         (s->data[s->pos] == ' ' || s->data[s->pos] == '\t' ||
          s->data[s->pos] == '\n' || s->data[s->pos] == '\r'))
    s->pos++;
}

static int
hex4 (const char *p)
{
  int value = 0;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/* Scans a string at s->pos (on its opening quote).  When @decoded is
 * given, the decoded text is appended to it (used for keys). */
static gboolean
scan_string (Scanner *s,
             GString *decoded)
{
  gsize n_chars = 0;

  s->pos++;

  for (;;)
    {
      guchar c;

      if (s->pos >= s->len)
        return scan_fail (s, _("the file ends inside a string"));

      c = s->data[s->pos];

      if (c == '"')
        {
          s->pos++;
          break;
        }
      else if (c < 0x20)
        {
          return scan_fail (s, _("control character 0x%02X inside a string"), c);
        }
      else if (c == '\\')
        {
          gunichar ch;

          if (s->pos + 1 >= s->len)
            return scan_fail (s, _("the file ends inside a string"));

          switch (s->data[s->pos + 1])
            {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case '/': ch = '/'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case 'u':
              {
                int hi, lo;

                if (s->pos + 6 > s->len || (hi = hex4 (s->data + s->pos + 2)) < 0)
                  return scan_fail (s, _("invalid \\u escape"));
                if (hi == 0)
                  return scan_fail (s, _("a string contains a NUL character (\\u0000)"));
                if (hi >= 0xDC00 && hi <= 0xDFFF)
                  return scan_fail (s, _("unpaired surrogate in a \\u escape"));
                if (hi >= 0xD800 && hi <= 0xDBFF)
                  {
                    if (s->pos + 12 > s->len ||
                        s->data[s->pos + 6] != '\\' || s->data[s->pos + 7] != 'u' ||
                        (lo = hex4 (s->data + s->pos + 8)) < 0 ||
                        lo < 0xDC00 || lo > 0xDFFF)
                      return scan_fail (s, _("unpaired surrogate in a \\u escape"));
                    ch = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    s->pos += 6;
                  }
                else
                  {
                    ch = hi;
                  }
                s->pos += 4;
              }
              break;
            default:
              s->pos++;
              return scan_fail (s, _("invalid escape in a string"));
            }

          s->pos += 2;
          if (decoded != NULL)
            g_string_append_unichar (decoded, ch);
          n_chars++;
        }
      else
        {
          /* The whole buffer is known to be UTF-8: count lead bytes. */
          if ((c & 0xC0) != 0x80)
            n_chars++;
          if (decoded != NULL)
            g_string_append_c (decoded, c);
          s->pos++;
        }

      if (n_chars > NM_FILE_MAX_STRING_CHARS)
        return fail (s->error, NM_FILE_ERROR_TOO_LARGE, s->path,
                     decoded != NULL ? _("a key is longer than %u characters")
                                     : _("a string is longer than %u characters"),
                     NM_FILE_MAX_STRING_CHARS);
    }

  return TRUE;
}

static gboolean
scan_digits (Scanner *s)
{
  gsize start = s->pos;

  while (s->pos < s->len && g_ascii_isdigit (s->data[s->pos]))
    s->pos++;

  return s->pos > start;
}

static gboolean
scan_number (Scanner *s)
{
  g_autofree char *text = NULL;
  gsize start = s->pos;
  gboolean integer = TRUE;

  if (s->data[s->pos] == '-')
    s->pos++;

  if (s->pos < s->len && s->data[s->pos] == '0')
    s->pos++;
  else if (!scan_digits (s))
    return scan_unexpected (s, N_("a digit"));

  if (s->pos < s->len && s->data[s->pos] == '.')
    {
      s->pos++;
      integer = FALSE;
      if (!scan_digits (s))
        return scan_unexpected (s, N_("a digit after the decimal point"));
    }

  if (s->pos < s->len && (s->data[s->pos] == 'e' || s->data[s->pos] == 'E'))
    {
      s->pos++;
      integer = FALSE;
      if (s->pos < s->len && (s->data[s->pos] == '+' || s->data[s->pos] == '-'))
        s->pos++;
      if (!scan_digits (s))
        return scan_unexpected (s, N_("a digit in the exponent"));
    }

  /* "04", "1.5.2", "7abc": keep the key path in the message. */
  if (s->pos < s->len && (g_ascii_isalnum (s->data[s->pos]) || s->data[s->pos] == '.'))
    return scan_fail (s, _("invalid number (leading zeros and letters are not allowed)"));

  text = g_strndup (s->data + start, s->pos - start);

  if (integer)
    {
      errno = 0;
      g_ascii_strtoll (text, NULL, 10);
      if (errno == ERANGE)
        {
          s->pos = start;
          return scan_fail (s, _("the integer %.40s is out of range"), text);
        }
    }
  else if (!isfinite (g_ascii_strtod (text, NULL)))
    {
      s->pos = start;
      return scan_fail (s, _("the number %.40s is out of range"), text);
    }

  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word)
{
  gsize n = strlen (word);

  if (s->len - s->pos < n || memcmp (s->data + s->pos, word, n) != 0)
    return scan_unexpected (s, N_("a value"));

  s->pos += n;

  return TRUE;
}

static gboolean scan_value (Scanner *s,
                            guint    depth);

static gboolean
scan_object (Scanner *s,
             guint    depth)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  s->pos++;
  scan_ws (s);
  if (s->pos < s->len && s->data[s->pos] == '}')
    {
      s->pos++;
      return TRUE;
    }

  for (;;)
    {
      g_autoptr(GString) key = g_string_new (NULL);
      gsize mark;

      scan_ws (s);
      if (s->pos >= s->len || s->data[s->pos] != '"')
        return scan_unexpected (s, N_("a key in double quotes"));
      if (!scan_string (s, key))
        return FALSE;

      mark = path_push_key (s->path, key->str, key->len);

      if (strlen (key->str) != key->len)
        return scan_fail (s, _("a key contains a NUL character"));
      if (g_hash_table_contains (keys, key->str))
        return scan_fail (s, _("this key appears twice"));
      g_hash_table_add (keys, g_string_free (g_steal_pointer (&key), FALSE));

      scan_ws (s);
      if (s->pos >= s->len || s->data[s->pos] != ':')
        return scan_unexpected (s, N_("“:”"));
      s->pos++;

      if (!scan_value (s, depth))
        return FALSE;
      path_pop (s->path, mark);

      scan_ws (s);
      if (s->pos < s->len && s->data[s->pos] == ',')
        {
          s->pos++;
          continue;
        }
      if (s->pos < s->len && s->data[s->pos] == '}')
        {
          s->pos++;
          return TRUE;
        }
      return scan_unexpected (s, N_("“,” or “}”"));
    }
}

static gboolean
scan_array (Scanner *s,
            guint    depth)
{
  guint index = 0;

  s->pos++;
  scan_ws (s);
  if (s->pos < s->len && s->data[s->pos] == ']')
    {
      s->pos++;
      return TRUE;
    }

  for (;;)
    {
      gsize mark = path_push_index (s->path, index++);

      if (!scan_value (s, depth))
        return FALSE;
      path_pop (s->path, mark);

      scan_ws (s);
      if (s->pos < s->len && s->data[s->pos] == ',')
        {
          s->pos++;
          continue;
        }
      if (s->pos < s->len && s->data[s->pos] == ']')
        {
          s->pos++;
          return TRUE;
        }
      return scan_unexpected (s, N_("“,” or “]”"));
    }
}

/* @depth is the nesting level of the container holding this value. */
static gboolean
scan_value (Scanner *s,
            guint    depth)
{
  scan_ws (s);
  if (s->pos >= s->len)
    return scan_unexpected (s, N_("a value"));

  switch (s->data[s->pos])
    {
    case '{':
    case '[':
      if (depth + 1 > NM_FILE_MAX_DEPTH)
        return fail (s->error, NM_FILE_ERROR_TOO_LARGE, s->path,
                     _("nesting deeper than %u levels"), NM_FILE_MAX_DEPTH);
      if (s->data[s->pos] == '{')
        return scan_object (s, depth + 1);
      return scan_array (s, depth + 1);

    case '"':
      return scan_string (s, NULL);

    case 't':
      return scan_literal (s, "true");

    case 'f':
      return scan_literal (s, "false");

    case 'n':
      return scan_literal (s, "null");

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return scan_number (s);

    default:
      return scan_unexpected (s, N_("a value"));
    }
}

static gboolean
scan_document (const char  *data,
               gsize        len,
               GError     **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  Scanner s = { data, len, 0, path, error };

  scan_ws (&s);
  if (s.pos >= s.len)
    return fail (error, NM_FILE_ERROR_INVALID, NULL, _("the file is empty"));
  if (s.len >= 3 && memcmp (s.data, "\xEF\xBB\xBF", 3) == 0)
    return fail (error, NM_FILE_ERROR_INVALID, NULL,
                 _("the file starts with a byte order mark, which JSON does not allow"));
  if (s.data[s.pos] != '{')
    return scan_unexpected (&s, N_("one JSON object, starting with “{”"));
  if (!scan_value (&s, 0))
    return FALSE;

  scan_ws (&s);
  if (s.pos < s.len)
    return scan_fail (&s, _("trailing bytes after the JSON object"));

  return TRUE;
}

/* Pass 3: the tree */

typedef struct
{
  GString  *path;
  GError  **error;
  guint     n_points;
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

  return fail (l->error, NM_FILE_ERROR_INVALID, l->path, "%s", message);
}

static const char *
type_name (json_object *value)
{
  switch (json_object_get_type (value))
    {
    case json_type_null:    return "null";
    case json_type_boolean: return _("true/false");
    case json_type_double:  return _("a decimal number");
    case json_type_int:     return _("an integer");
    case json_type_object:  return _("an object");
    case json_type_array:   return _("an array");
    case json_type_string:  return _("a string");
    default:                return _("something else");
    }
}

static gboolean
expect_type (Loader      *l,
             json_object *value,
             json_type    type,
             const char  *what)
{
  if (json_object_is_type (value, type))
    return TRUE;

  return load_fail (l, _("must be %s, not %s"), _(what), type_name (value));
}

static gboolean
get_string (Loader       *l,
            json_object  *value,
            const char  **out)
{
  if (!expect_type (l, value, json_type_string, N_("a string")))
    return FALSE;

  *out = json_object_get_string (value);

  return TRUE;
}

static gboolean
get_date (Loader       *l,
          json_object  *value,
          const char  **out)
{
  if (!get_string (l, value, out))
    return FALSE;

  if (!nm_date_is_valid (*out))
    return load_fail (l, _("“%s” is not a calendar date written YYYY-MM-DD"), *out);

  return TRUE;
}

static gboolean
get_int (Loader      *l,
         json_object *value,
         gint64       min,
         gint64       max,
         gint64      *out)
{
  if (!expect_type (l, value, json_type_int, N_("an integer")))
    return FALSE;

  *out = json_object_get_int64 (value);
  if (*out < min || *out > max)
    return load_fail (l, _("%lld is out of range: must be %lld–%lld"),
                      (long long) *out, (long long) min, (long long) max);

  return TRUE;
}

static gboolean
get_number (Loader      *l,
            json_object *value,
            double       min,
            double       max,
            double      *out)
{
  if (!json_object_is_type (value, json_type_double) &&
      !json_object_is_type (value, json_type_int))
    return load_fail (l, _("must be a number, not %s"), type_name (value));

  *out = json_object_get_double (value);
  if (!isfinite (*out) || *out < min || *out > max)
    return load_fail (l, _("%s is out of range: must be %g–%g"),
                      json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN), min, max);

  return TRUE;
}

/* Copies @key/@value into *@extra, creating it if needed. */
static void
keep_unknown (json_object **extra,
              const char   *key,
              json_object  *value)
{
  if (*extra == NULL)
    *extra = json_object_new_object ();

  json_object_object_add (*extra, key, json_object_get (value));
}

static gboolean
load_client (Loader         *l,
             NmConsultation *c,
             json_object    *client)
{
  json_object *extra = NULL;
  gboolean has_fitzpatrick = FALSE;

  if (!expect_type (l, client, json_type_object, N_("an object")))
    return FALSE;

  json_object_object_foreach (client, key, value)
    {
      gsize mark = path_push_key (l->path, key, strlen (key));
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
      else
        {
          keep_unknown (&extra, key, value);
        }

      path_pop (l->path, mark);
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
                json_object    *screening)
{
  if (!expect_type (l, screening, json_type_object, N_("an object")))
    return FALSE;

  json_object_object_foreach (screening, key, value)
    {
      gsize mark = path_push_key (l->path, key, strlen (key));

      if (nm_vocab_screening_index (key) < 0)
        return load_fail (l, _("unknown screening item"));
      if (!expect_type (l, value, json_type_boolean, N_("true or false")))
        return FALSE;

      nm_consultation_set_screening (c, key,
                                     json_object_get_boolean (value) ? NM_ANSWER_YES : NM_ANSWER_NO);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static gboolean
load_outline (Loader      *l,
              json_object *outline,
              GArray      *points)
{
  size_t n;

  if (!expect_type (l, outline, json_type_array, N_("an array of [x, y] points")))
    return FALSE;

  n = json_object_array_length (outline);
  if (l->n_points + n > NM_FILE_MAX_POINTS)
    return fail (l->error, NM_FILE_ERROR_TOO_LARGE, l->path,
                 _("more than %u outline points in the file"), NM_FILE_MAX_POINTS);
  l->n_points += n;

  for (size_t i = 0; i < n; i++)
    {
      json_object *pair = json_object_array_get_idx (outline, i);
      gsize mark = path_push_index (l->path, i);
      NmPoint point;
      gsize inner;

      if (!expect_type (l, pair, json_type_array, N_("an [x, y] point")) )
        return FALSE;
      if (json_object_array_length (pair) != 2)
        return load_fail (l, _("a point must have exactly two numbers, x and y"));

      inner = path_push_index (l->path, 0);
      if (!get_number (l, json_object_array_get_idx (pair, 0), 0.0, 1.0, &point.x))
        return FALSE;
      path_pop (l->path, inner);
      inner = path_push_index (l->path, 1);
      if (!get_number (l, json_object_array_get_idx (pair, 1), 0.0, 1.0, &point.y))
        return FALSE;
      path_pop (l->path, inner);

      g_array_append_val (points, point);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static NmFinding *
load_finding (Loader      *l,
              json_object *object)
{
  g_autoptr(NmFinding) finding = NULL;
  g_autoptr(GArray) points = NULL;
  json_object *value;
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
    if (!json_object_object_get_ex (object, required[i], NULL))
      {
        load_fail (l, _("the required key “%s” is missing"), required[i]);
        return NULL;
      }

  json_object_object_get_ex (object, "region", &value);
  mark = path_push_key (l->path, "region", 6);
  if (!get_string (l, value, &region))
    return NULL;
  if (nm_vocab_region_index (region) < 0)
    {
      load_fail (l, _("unknown region “%s”"), region);
      return NULL;
    }
  path_pop (l->path, mark);

  json_object_object_get_ex (object, "kind", &value);
  mark = path_push_key (l->path, "kind", 4);
  if (!get_string (l, value, &kind))
    return NULL;
  if (nm_vocab_kind_index (kind) < 0)
    {
      load_fail (l, _("unknown finding kind “%s”"), kind);
      return NULL;
    }
  path_pop (l->path, mark);

  json_object_object_get_ex (object, "severity", &value);
  mark = path_push_key (l->path, "severity", 8);
  if (!get_int (l, value, NM_SEVERITY_MIN, NM_SEVERITY_MAX, &severity))
    return NULL;
  path_pop (l->path, mark);

  if (json_object_object_get_ex (object, "note", &value))
    {
      mark = path_push_key (l->path, "note", 4);
      if (!get_string (l, value, &note))
        return NULL;
      path_pop (l->path, mark);
    }

  if (json_object_object_get_ex (object, "view", &value))
    {
      mark = path_push_key (l->path, "view", 4);
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
      path_pop (l->path, mark);
    }

  if (json_object_object_get_ex (object, "outline", &value))
    {
      points = g_array_new (FALSE, FALSE, sizeof (NmPoint));
      mark = path_push_key (l->path, "outline", 7);
      if (!load_outline (l, value, points))
        return NULL;
      path_pop (l->path, mark);
    }

  finding = nm_finding_new (region, kind, severity);
  nm_finding_set_note (finding, note);
  if (points != NULL)
    nm_finding_set_outline (finding, view_id, (const NmPoint *) (gpointer) points->data, points->len);
  else
    nm_finding_set_view (finding, view_id);

  json_object_object_foreach (object, key, item)
    {
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
               json_object    *findings)
{
  size_t n;

  if (!expect_type (l, findings, json_type_array, N_("an array")))
    return FALSE;

  n = json_object_array_length (findings);
  if (n > NM_FILE_MAX_FINDINGS)
    return fail (l->error, NM_FILE_ERROR_TOO_LARGE, l->path,
                 _("%zu findings, more than the limit of %u"), n, NM_FILE_MAX_FINDINGS);

  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding = NULL;
      gsize mark = path_push_index (l->path, i);

      finding = load_finding (l, json_object_array_get_idx (findings, i));
      if (finding == NULL)
        return FALSE;
      nm_consultation_add_finding (c, finding);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static gboolean
load_acknowledged (Loader         *l,
                   NmConsultation *c,
                   json_object    *acknowledged)
{
  if (!expect_type (l, acknowledged, json_type_object, N_("an object")))
    return FALSE;

  json_object_object_foreach (acknowledged, key, value)
    {
      gsize mark = path_push_key (l->path, key, strlen (key));
      const char *rationale;

      if (nm_vocab_screening_index (key) < 0)
        return load_fail (l, _("unknown screening item"));
      if (!get_string (l, value, &rationale))
        return FALSE;

      nm_consultation_set_acknowledgement (c, key, rationale);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static gboolean
load_plan (Loader         *l,
           NmConsultation *c,
           json_object    *plan)
{
  json_object *extra = NULL;

  if (!expect_type (l, plan, json_type_object, N_("an object")))
    return FALSE;

  json_object_object_foreach (plan, key, value)
    {
      gsize mark = path_push_key (l->path, key, strlen (key));
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
      else
        {
          keep_unknown (&extra, key, value);
        }

      path_pop (l->path, mark);
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
              json_object *object)
{
  g_autoptr(NmSession) session = NULL;
  json_object *extra = NULL;

  if (!expect_type (l, object, json_type_object, N_("an object")))
    return NULL;

  session = nm_session_new (NULL);

  json_object_object_foreach (object, key, value)
    {
      gsize mark = path_push_key (l->path, key, strlen (key));
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
          nm_session_set_done (session, json_object_get_boolean (value));
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

          json_object_object_foreach (value, region, depth)
            {
              gsize inner = path_push_key (l->path, region, strlen (region));
              double mm;

              if (nm_vocab_region_index (region) < 0)
                {
                  load_fail (l, _("unknown region"));
                  goto fail;
                }
              if (!get_number (l, depth, NM_SESSION_DEPTH_MIN, NM_SESSION_DEPTH_MAX, &mm))
                goto fail;
              nm_session_set_depth (session, region, mm);
              path_pop (l->path, inner);
            }
        }
      else
        {
          keep_unknown (&extra, key, value);
        }

      path_pop (l->path, mark);
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
               json_object    *sessions)
{
  size_t n;

  if (!expect_type (l, sessions, json_type_array, N_("an array")))
    return FALSE;

  n = json_object_array_length (sessions);
  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(NmSession) session = NULL;
      gsize mark = path_push_index (l->path, i);

      session = load_session (l, json_object_array_get_idx (sessions, i));
      if (session == NULL)
        return FALSE;
      nm_consultation_add_session (c, session);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static NmConsultation *
load_tree (json_object  *root,
           GError      **error)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(GString) path = g_string_new (NULL);
  Loader loader = { path, error, 0 };
  Loader *l = &loader;
  json_object *value;
  json_object *extra = NULL;
  const char *format;
  gint64 version;
  gsize mark;

  if (!json_object_object_get_ex (root, "format", &value))
    {
      load_fail (l, _("this is not a Needlemap consultation: the key “format” is missing"));
      return NULL;
    }
  mark = path_push_key (path, "format", 6);
  if (!get_string (l, value, &format))
    return NULL;
  if (strcmp (format, NM_FILE_FORMAT) != 0)
    {
      load_fail (l, _("must be “%s”, not “%s”"), NM_FILE_FORMAT, format);
      return NULL;
    }
  path_pop (path, mark);

  if (!json_object_object_get_ex (root, "version", &value))
    {
      load_fail (l, _("the required key “version” is missing"));
      return NULL;
    }
  mark = path_push_key (path, "version", 7);
  if (!expect_type (l, value, json_type_int, N_("an integer")))
    return NULL;
  version = json_object_get_int64 (value);
  if (version < 1)
    {
      load_fail (l, _("%lld is not a version: they start at 1"), (long long) version);
      return NULL;
    }
  if (version > NM_FILE_VERSION)
    {
      fail (error, NM_FILE_ERROR_NEWER_VERSION, path,
            _("the file has format version %lld, but this Needlemap "
            "reads only version %d; open it with a newer Needlemap"),
            (long long) version, NM_FILE_VERSION);
      return NULL;
    }
  path_pop (path, mark);

  if (!json_object_object_get_ex (root, "client", NULL))
    {
      load_fail (l, _("the required key “client” is missing"));
      return NULL;
    }
  if (!json_object_object_get_ex (root, "findings", NULL))
    {
      load_fail (l, _("the required key “findings” is missing"));
      return NULL;
    }

  json_object_object_foreach (root, key, item)
    {
      gboolean ok = TRUE;

      mark = path_push_key (path, key, strlen (key));

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

      path_pop (path, mark);
    }

  _nm_consultation_take_extra (c, NM_EXTRA_TOP, extra);

  /* Loading is not an edit. */
  nm_history_clear (nm_consultation_get_history (c));

  return g_steal_pointer (&c);
}

/* The bytes need not end in a NUL, so no strspn() here. */
static gboolean
only_whitespace (const char *data,
                 gsize       from,
                 gsize       len)
{
  for (gsize i = from; i < len; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
      return FALSE;

  return TRUE;
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
  g_autoptr(json_object) root = NULL;
  struct json_tokener *tokener;
  const char *data;
  const char *bad;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &len);

  if (len > NM_FILE_MAX_BYTES)
    {
      fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
            _("the file is larger than %u MiB"), NM_FILE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  if (len == 0)
    {
      fail (error, NM_FILE_ERROR_INVALID, NULL, _("the file is empty"));
      return NULL;
    }

  if (!g_utf8_validate (data, len, &bad))
    {
      fail (error, NM_FILE_ERROR_INVALID, NULL,
            _("the file is not UTF-8 text (invalid byte at offset %zu)"), (gsize) (bad - data));
      return NULL;
    }

  if (!scan_document (data, len, error))
    return NULL;

  tokener = json_tokener_new_ex (NM_FILE_MAX_DEPTH + 1);
  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  root = json_tokener_parse_ex (tokener, data, len);

  /* The scanner has accepted it, so json-c must consume it all; check
   * anyway rather than trust two parsers to agree. */
  if (root == NULL ||
      json_tokener_get_error (tokener) != json_tokener_success ||
      !only_whitespace (data, json_tokener_get_parse_end (tokener), len) ||
      !json_object_is_type (root, json_type_object))
    {
      fail (error, NM_FILE_ERROR_INVALID, NULL, _("the file is not one valid JSON object (%s)"),
            json_tokener_error_desc (json_tokener_get_error (tokener)));
      json_tokener_free (tokener);
      return NULL;
    }
  json_tokener_free (tokener);

  return load_tree (root, error);
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
      fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
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

/* The shortest text that reads back as the same double. */
static gboolean
format_double (char   *buf,
               gsize   size,
               int     precision,
               double  value)
{
  char format[8];

  g_snprintf (format, sizeof format, "%%.%dg", precision);
  g_ascii_formatd (buf, size, format, value);

  return g_ascii_strtod (buf, NULL) == value;
}

static void
write_double (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  int lo = 1, hi = 17;

  /* -0.0 would be written "-0", which reads back as the integer 0. */
  if (value == 0)
    value = 0.0;

  /* The fewest significant digits that read back as the same double.  If
   * p digits do, so do more (the nearest (p+1)-digit decimal is at least as
   * close), so a binary search finds the same p as trying 1, 2, … 17. */
  while (lo < hi)
    {
      int mid = (lo + hi) / 2;

      if (format_double (buf, sizeof buf, mid, value))
        hi = mid;
      else
        lo = mid + 1;
    }
  format_double (buf, sizeof buf, lo, value);

  g_string_append (out, buf);
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
          write_double (out, points[i].x);
          g_string_append (out, ", ");
          write_double (out, points[i].y);
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
      write_double (out, depth);
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
check_text (GString     *path,
            const char  *key,
            const char  *text,
            GError     **error)
{
  gsize mark;

  if (text == NULL || g_utf8_strlen (text, -1) <= NM_FILE_MAX_STRING_CHARS)
    return TRUE;

  mark = path_push_key (path, key, strlen (key));
  fail (error, NM_FILE_ERROR_TOO_LARGE, path,
        _("longer than %u characters"), NM_FILE_MAX_STRING_CHARS);
  path_pop (path, mark);

  return FALSE;
}

/* Refuses to save what the loader would refuse to read back. */
static gboolean
check_savable (NmConsultation  *c,
               GError         **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  guint n_findings = nm_consultation_get_n_findings (c);
  guint n_points = 0;

  if (nm_consultation_get_fitzpatrick (c) == NM_FITZPATRICK_UNSET)
    return fail (error, NM_FILE_ERROR_INCOMPLETE, NULL,
                 _("client.fitzpatrick: choose the skin type (1–6) before saving"));

  if (n_findings > NM_FILE_MAX_FINDINGS)
    return fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
                 _("findings: %u findings, more than the limit of %u"),
                 n_findings, NM_FILE_MAX_FINDINGS);

  g_string_assign (path, "client");
  if (!check_text (path, "name", nm_consultation_get_client_name (c), error) ||
      !check_text (path, "notes", nm_consultation_get_client_notes (c), error))
    return FALSE;

  g_string_assign (path, "plan");
  if (!check_text (path, "practitioner", nm_consultation_get_practitioner (c), error))
    return FALSE;
  g_string_assign (path, "plan.acknowledged");
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

      g_string_printf (path, "findings[%u]", i);
      if (!check_text (path, "note", nm_finding_get_note (finding), error))
        return FALSE;
      nm_finding_get_outline (finding, &n);
      n_points += n;
    }
  if (n_points > NM_FILE_MAX_POINTS)
    return fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
                 _("findings: %u outline points, more than the limit of %u"),
                 n_points, NM_FILE_MAX_POINTS);

  for (guint i = 0; i < nm_consultation_get_n_sessions (c); i++)
    {
      NmSession *session = nm_consultation_get_session (c, i);

      g_string_printf (path, "sessions[%u]", i);
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
    return fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
                 _("the consultation would be larger than %u MiB"),
                 NM_FILE_MAX_BYTES / (1024 * 1024));

  return nm_file_replace_private (file, data, len, TRUE, cancellable, error);
}
