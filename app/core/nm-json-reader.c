/* nm-json-reader.c
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

#define G_LOG_DOMAIN "nm-json"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nm-json-reader.h"

/* One reader for every JSON document the core reads: consultation files,
 * the treatment protocol (built-in and a clinic's) and old recovery copies.
 * It is a strict RFC 8259 scanner that builds a read-only tree, keeps the
 * key path for its messages and enforces the caller's limits (bytes,
 * nesting, string length); the callers check the tree with one key-path
 * helper (NmJsonCheck) and one set of typed getters.
 *
 * json-c's own parser is not used, because it is not strict enough for
 * files that hold health data.  Measured on Debian 12's json-c 0.16 with
 * JSON_TOKENER_STRICT: it refuses single-quoted values, trailing commas,
 * comments, ".5", "+1", "01" and "True", but it still accepts
 *
 *  - single-quoted keys: {'format': …};
 *  - NaN, Infinity and -Infinity as numbers, and 1e999 (as infinity);
 *  - "1." and "1.e5", which it also writes back as they were (not JSON),
 *    and "-01" (as -1);
 *  - integers beyond 64 bits, silently clamped (2^64 reads as 2^64 - 1);
 *  - raw control characters (tab, newline, 0x01) inside strings;
 *  - duplicate keys, the last one winning, so that a clinic's first
 *    "regions" block is silently dropped;
 *  - \u0000, kept as a NUL byte inside the string, which C code then
 *    reads cut short; and lone surrogates, turned into U+FFFD;
 *  - invalid UTF-8, unless asked to check it.
 *
 * All of these are refused here, with the key path and the line and column
 * of the problem.  json-c remains the library for the values the model
 * keeps as they were read (unknown keys, see nm_json_node_to_json_c()). */

/* The tree lives in an arena: no allocation per value and nothing to free
 * one by one.  Strings and keys are copied into it, decoded and
 * NUL-terminated; numbers keep their bytes in the document. */

#define ARENA_BLOCK_SIZE   (64 * 1024)
#define MAX_SPARE_BLOCKS   8
#define MAX_PATH_KEY_BYTES 64

struct _NmJsonDoc
{
  GBytes     *bytes;   /* what numbers point into; NULL for a built document */
  GPtrArray  *blocks;  /* of ARENA_BLOCK_SIZE */
  GPtrArray  *large;   /* larger ones, for one large array */
  char       *next;
  gsize       left;
  NmJsonNode *root;
};

/* A few freed blocks are kept for the next document: reading and dropping
 * documents in turn (a protocol, its overlays) would otherwise give the
 * pages back to the system each time and fault them in again, which made
 * the protocol tests spend a tenth of their time in the kernel. */
G_LOCK_DEFINE_STATIC (spare_blocks);
static gpointer spare_blocks[MAX_SPARE_BLOCKS];
static guint n_spare_blocks;

static gpointer
block_new (void)
{
  gpointer block = NULL;

  G_LOCK (spare_blocks);
  if (n_spare_blocks > 0)
    block = spare_blocks[--n_spare_blocks];
  G_UNLOCK (spare_blocks);

  return block != NULL ? block : g_malloc (ARENA_BLOCK_SIZE);
}

static void
block_free (gpointer block)
{
  G_LOCK (spare_blocks);
  if (n_spare_blocks < MAX_SPARE_BLOCKS)
    {
      spare_blocks[n_spare_blocks++] = block;
      block = NULL;
    }
  G_UNLOCK (spare_blocks);

  g_free (block);
}

static gpointer
doc_alloc (NmJsonDoc *doc,
           gsize      size)
{
  gpointer p;

  size = (size + 7) & ~(gsize) 7;
  if (size > ARENA_BLOCK_SIZE)
    {
      p = g_malloc (size);
      g_ptr_array_add (doc->large, p);
      return p;
    }

  if (size > doc->left)
    {
      doc->next = block_new ();
      doc->left = ARENA_BLOCK_SIZE;
      g_ptr_array_add (doc->blocks, doc->next);
    }

  p = doc->next;
  doc->next += size;
  doc->left -= size;

  return p;
}

static char *
doc_strndup (NmJsonDoc  *doc,
             const char *text,
             gsize       len)
{
  char *copy = doc_alloc (doc, len + 1);

  memcpy (copy, text, len);
  copy[len] = '\0';

  return copy;
}

static NmJsonNode *
doc_new_node (NmJsonDoc *doc,
              json_type  type)
{
  NmJsonNode *node = doc_alloc (doc, sizeof (NmJsonNode));

  memset (node, 0, sizeof *node);
  node->type = type;

  return node;
}

/**
 * nm_json_doc_new:
 *
 * An empty document, to build with nm_json_doc_copy() and friends.
 *
 * Returns: (transfer full): the document
 */
NmJsonDoc *
nm_json_doc_new (void)
{
  NmJsonDoc *doc = g_new0 (NmJsonDoc, 1);

  doc->blocks = g_ptr_array_new_with_free_func (block_free);
  doc->large = g_ptr_array_new_with_free_func (g_free);

  return doc;
}

void
nm_json_doc_free (NmJsonDoc *doc)
{
  if (doc == NULL)
    return;

  g_clear_pointer (&doc->bytes, g_bytes_unref);
  g_ptr_array_unref (doc->blocks);
  g_ptr_array_unref (doc->large);
  g_free (doc);
}

/* Returns: (transfer none): the top-level object */
const NmJsonNode *
nm_json_doc_get_root (NmJsonDoc *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);

  return doc->root;
}

void
nm_json_doc_set_root (NmJsonDoc  *doc,
                      NmJsonNode *root)
{
  g_return_if_fail (doc != NULL);
  g_return_if_fail (root != NULL && root->type == json_type_object);

  doc->root = root;
}

/* Key paths
 *
 * A path is kept as a stack of parts and written out only for an error
 * message, so that reading formats nothing. */

static gsize
path_push (NmJsonPath     *path,
           NmJsonPathPart  part)
{
  gsize old_len = path->n_parts;

  g_assert (path->n_parts < NM_JSON_MAX_PATH_PARTS);
  path->parts[path->n_parts++] = part;

  return old_len;
}

/* Returns: the mark to give nm_json_path_pop() */
gsize
nm_json_path_push_key (NmJsonPath *path,
                       const char *key,
                       gssize      key_len)
{
  return path_push (path, (NmJsonPathPart) { key, key_len < 0 ? strlen (key) : (gsize) key_len, 0 });
}

gsize
nm_json_path_push_index (NmJsonPath *path,
                         guint       index)
{
  return path_push (path, (NmJsonPathPart) { NULL, 0, index });
}

void
nm_json_path_pop (NmJsonPath *path,
                  gsize       mark)
{
  g_assert (mark <= path->n_parts);

  path->n_parts = mark;
}

static void
append_key (GString    *out,
            const char *key,
            gsize       key_len)
{
  const char *end;

  if (out->len > 0)
    g_string_append_c (out, '.');

  /* Keep messages one short line even for a hostile key. */
  if (key_len > MAX_PATH_KEY_BYTES)
    {
      g_utf8_validate (key, MAX_PATH_KEY_BYTES, &end);
      g_string_append_len (out, key, end - key);
      g_string_append (out, "…");
    }
  else
    {
      g_string_append_len (out, key, key_len);
    }
}

/* Returns: (transfer full) (nullable): "client.name",
 *   "findings[3].outline[0][1]"; %NULL for the top level */
char *
nm_json_path_to_string (const NmJsonPath *path)
{
  g_autoptr(GString) out = NULL;

  if (path == NULL || path->n_parts == 0)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < path->n_parts; i++)
    {
      const NmJsonPathPart *part = &path->parts[i];

      if (part->key != NULL)
        append_key (out, part->key, part->key_len);
      else
        g_string_append_printf (out, "[%u]", part->index);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
set_error_valist (GError           **error,
                  GQuark             domain,
                  int                code,
                  const NmJsonPath  *path,
                  const char        *format,
                  va_list            args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);
  g_autofree char *where = nm_json_path_to_string (path);

  if (where != NULL && *where != '\0')
    g_set_error (error, domain, code, "%s: %s", where, message);
  else
    g_set_error_literal (error, domain, code, message);

  return FALSE;
}

/**
 * nm_json_set_error:
 *
 * Sets @error to "path: message", or only the message at the top level.
 *
 * Returns: %FALSE, to return at once
 */
gboolean
nm_json_set_error (GError           **error,
                   GQuark             domain,
                   int                code,
                   const NmJsonPath  *path,
                   const char        *format,
                   ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, domain, code, path, format, args);
  va_end (args);

  return FALSE;
}

/* The scanner: strict syntax, and the tree */

typedef struct
{
  const char         *data;
  gsize               len;
  gsize               pos;
  NmJsonPath          path;
  NmJsonDoc          *doc;
  GPtrArray          *items;   /* children of the open containers */
  guint               n_values;
  const NmJsonRules  *rules;
  GError            **error;
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

  return nm_json_set_error (s->error, s->rules->domain, s->rules->syntax_code, &s->path,
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

/* Decodes the JSON string text starting after its opening quote, which
 * scan_string() has accepted, up to its closing quote, into @out (which
 * has room for as many bytes); returns the length. */
static gsize
decode_json_string (const char *text,
                    char       *out)
{
  const char *p = text;
  gsize n = 0;

  for (;;)
    {
      const char *run = p;

      while (*p != '"' && *p != '\\')
        p++;
      memcpy (out + n, run, p - run);
      n += p - run;
      if (*p == '"')
        break;

      switch (p[1])
        {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u':
          {
            gunichar ch = hex4 (p + 2);

            if (ch >= 0xD800 && ch <= 0xDBFF)
              {
                ch = 0x10000 + ((ch - 0xD800) << 10) + (hex4 (p + 8) - 0xDC00);
                p += 6;
              }
            n += g_unichar_to_utf8 (ch, out + n);
            p += 4;
          }
          break;
        default:  /* '"', '\\' and '/' stand for themselves */
          out[n++] = p[1];
          break;
        }
      p += 2;
    }

  return n;
}

/* Scans a string at s->pos (on its opening quote); *@escaped tells whether
 * it has escapes, that is whether its text differs from its bytes. */
static gboolean
scan_string (Scanner  *s,
             gboolean  is_key,
             gboolean *escaped)
{
  gsize n_chars = 0;

  *escaped = FALSE;
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
          if (s->pos + 1 >= s->len)
            return scan_fail (s, _("the file ends inside a string"));

          switch (s->data[s->pos + 1])
            {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
              break;
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
                    s->pos += 6;
                  }
                s->pos += 4;
              }
              break;
            default:
              s->pos++;
              return scan_fail (s, _("invalid escape in a string"));
            }

          s->pos += 2;
          *escaped = TRUE;
          n_chars++;
        }
      else
        {
          /* The whole buffer is known to be UTF-8: count lead bytes. */
          if ((c & 0xC0) != 0x80)
            n_chars++;
          s->pos++;
        }

      if (n_chars > s->rules->max_string_chars)
        return nm_json_set_error (s->error, s->rules->domain, s->rules->limit_code, &s->path,
                                  is_key ? _("a key is longer than %u characters")
                                         : _("a string is longer than %u characters"),
                                  s->rules->max_string_chars);
    }

  return TRUE;
}

/* The text of the string that scan_string() scanned from @start, copied
 * into the document; its length goes to *@len. */
static char *
string_text (Scanner  *s,
             gsize     start,
             gboolean  escaped,
             guint    *len)
{
  gsize raw = s->pos - start - 2;
  char *text = doc_alloc (s->doc, raw + 1);
  gsize n;

  /* An escape is never shorter than what it stands for. */
  if (escaped)
    {
      n = decode_json_string (s->data + start + 1, text);
    }
  else
    {
      memcpy (text, s->data + start + 1, raw);
      n = raw;
    }
  text[n] = '\0';
  *len = n;

  return text;
}

static gboolean
scan_digits (Scanner *s)
{
  gsize start = s->pos;

  while (s->pos < s->len && g_ascii_isdigit (s->data[s->pos]))
    s->pos++;

  return s->pos > start;
}

static NmJsonNode *
scan_number (Scanner *s)
{
  char buf[64];
  g_autofree char *long_text = NULL;
  const char *text;
  gsize start = s->pos;
  gboolean integer = TRUE;
  NmJsonNode *node;

  if (s->data[s->pos] == '-')
    s->pos++;

  if (s->pos < s->len && s->data[s->pos] == '0')
    s->pos++;
  else if (!scan_digits (s))
    {
      scan_unexpected (s, N_("a digit"));
      return NULL;
    }

  if (s->pos < s->len && s->data[s->pos] == '.')
    {
      s->pos++;
      integer = FALSE;
      if (!scan_digits (s))
        {
          scan_unexpected (s, N_("a digit after the decimal point"));
          return NULL;
        }
    }

  if (s->pos < s->len && (s->data[s->pos] == 'e' || s->data[s->pos] == 'E'))
    {
      s->pos++;
      integer = FALSE;
      if (s->pos < s->len && (s->data[s->pos] == '+' || s->data[s->pos] == '-'))
        s->pos++;
      if (!scan_digits (s))
        {
          scan_unexpected (s, N_("a digit in the exponent"));
          return NULL;
        }
    }

  /* "04", "1.5.2", "7abc": keep the key path in the message. */
  if (s->pos < s->len && (g_ascii_isalnum (s->data[s->pos]) || s->data[s->pos] == '.'))
    {
      scan_fail (s, _("invalid number (leading zeros and letters are not allowed)"));
      return NULL;
    }

  /* The bytes need not end in a NUL: read from a copy. */
  if (s->pos - start < sizeof buf)
    {
      memcpy (buf, s->data + start, s->pos - start);
      buf[s->pos - start] = '\0';
      text = buf;
    }
  else
    {
      text = long_text = g_strndup (s->data + start, s->pos - start);
    }

  node = doc_new_node (s->doc, integer ? json_type_int : json_type_double);
  node->text = s->data + start;
  node->n = s->pos - start;

  if (integer)
    {
      errno = 0;
      node->v.integer = g_ascii_strtoll (text, NULL, 10);
      if (errno == ERANGE)
        {
          s->pos = start;
          /* the value is never quoted: it may be a personal field's */
          scan_fail (s, "%s", _("an integer out of the range that can be read"));
          return NULL;
        }
    }
  else
    {
      node->v.number = g_ascii_strtod (text, NULL);
      if (!isfinite (node->v.number))
        {
          s->pos = start;
          scan_fail (s, "%s", _("a number out of the range that can be read"));
          return NULL;
        }
    }

  return node;
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

static NmJsonNode *scan_value (Scanner *s,
                               guint    depth);

typedef enum
{
  SEPARATOR_NEXT,
  SEPARATOR_END,
  SEPARATOR_ERROR
} Separator;

/* After a member of an object or array: a “,” before the next one, or
 * @close to end it. */
static Separator
scan_separator (Scanner    *s,
                char        close,
                const char *expected)
{
  scan_ws (s);
  if (s->pos < s->len && (s->data[s->pos] == ',' || s->data[s->pos] == close))
    return s->data[s->pos++] == ',' ? SEPARATOR_NEXT : SEPARATOR_END;
  scan_unexpected (s, expected);
  return SEPARATOR_ERROR;
}

/* Moves the children from s->items[@base] on into @node. */
static void
scan_take_children (Scanner    *s,
                    NmJsonNode *node,
                    guint       base)
{
  node->n = s->items->len - base;
  node->children = doc_alloc (s->doc, MAX (node->n, 1) * sizeof (NmJsonNode *));
  /* An empty object or array may come before anything was ever pushed,
   * when the array's storage is still NULL: no arithmetic on it then. */
  if (node->n > 0)
    memcpy (node->children, s->items->pdata + base, node->n * sizeof (NmJsonNode *));
  g_ptr_array_set_size (s->items, base);
}

/* Whether the open object, whose members so far are s->items[@base] on,
 * has @key already.  Small objects are searched, large ones hashed. */
static gboolean
scan_has_key (Scanner     *s,
              guint        base,
              GHashTable **keys,
              const char  *key)
{
  guint n = s->items->len - base;

  if (*keys == NULL && n <= 16)
    {
      for (guint i = base; i < s->items->len; i++)
        if (strcmp (((NmJsonNode *) g_ptr_array_index (s->items, i))->key, key) == 0)
          return TRUE;
      return FALSE;
    }

  if (*keys == NULL)
    {
      *keys = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = base; i < s->items->len; i++)
        g_hash_table_add (*keys, (char *) ((NmJsonNode *) g_ptr_array_index (s->items, i))->key);
    }

  return !g_hash_table_add (*keys, (char *) key);
}

/* Scans a member's key and its “:”, and moves the path onto the member;
 * @base and @keys are for scan_has_key(). */
static gboolean
scan_key (Scanner     *s,
          guint        base,
          GHashTable **keys,
          const char **key,
          gsize       *mark)
{
  gboolean escaped;
  guint key_len;
  gsize start;

  scan_ws (s);
  if (s->pos >= s->len || s->data[s->pos] != '"')
    return scan_unexpected (s, N_("a key in double quotes"));
  start = s->pos;
  if (!scan_string (s, TRUE, &escaped))
    return FALSE;
  *key = string_text (s, start, escaped, &key_len);

  *mark = nm_json_path_push_key (&s->path, *key, key_len);

  if (strlen (*key) != key_len)
    return scan_fail (s, _("a key contains a NUL character"));
  if (scan_has_key (s, base, keys, *key))
    return scan_fail (s, _("this key appears twice"));

  scan_ws (s);
  if (s->pos >= s->len || s->data[s->pos] != ':')
    return scan_unexpected (s, N_("“:”"));
  s->pos++;

  return TRUE;
}

/* An object or an array; @depth is its nesting level, from 1. */
static NmJsonNode *
scan_container (Scanner  *s,
                gboolean  is_object,
                guint     depth)
{
  g_autoptr(GHashTable) keys = NULL;
  char close = is_object ? '}' : ']';
  guint base = s->items->len;
  NmJsonNode *container;

  s->pos++;
  scan_ws (s);
  if (s->pos < s->len && s->data[s->pos] == close)
    {
      s->pos++;
      goto done;
    }

  for (guint index = 0;; index++)
    {
      const char *key = NULL;
      NmJsonNode *value;
      gsize mark = 0;

      if (!is_object)
        mark = nm_json_path_push_index (&s->path, index);
      else if (!scan_key (s, base, &keys, &key, &mark))
        goto fail;

      value = scan_value (s, depth);
      if (value == NULL)
        goto fail;
      value->key = key;
      g_ptr_array_add (s->items, value);
      nm_json_path_pop (&s->path, mark);

      switch (scan_separator (s, close, is_object ? N_("“,” or “}”") : N_("“,” or “]”")))
        {
        case SEPARATOR_NEXT:
          continue;
        case SEPARATOR_END:
          goto done;
        case SEPARATOR_ERROR:
        default:
          goto fail;
        }
    }

done:
  container = doc_new_node (s->doc, is_object ? json_type_object : json_type_array);
  scan_take_children (s, container, base);

  return container;

fail:
  g_ptr_array_set_size (s->items, base);

  return NULL;
}

/* @depth is the nesting level of the container holding this value.
 * Returns NULL on error. */
static NmJsonNode *
scan_value (Scanner *s,
            guint    depth)
{
  gboolean escaped;
  gsize start;
  NmJsonNode *node;

  scan_ws (s);
  if (s->pos >= s->len)
    {
      scan_unexpected (s, N_("a value"));
      return NULL;
    }

  /* Counted before the tree holds it: a file of a million “{},” is
   * refused at the limit, not after building all of it. */
  if (s->rules->max_values > 0 && ++s->n_values > s->rules->max_values)
    {
      nm_json_set_error (s->error, s->rules->domain, s->rules->limit_code, &s->path,
                         _("more than %u values in the file"), s->rules->max_values);
      return NULL;
    }

  switch (s->data[s->pos])
    {
    case '{':
    case '[':
      if (depth + 1 > s->rules->max_depth)
        {
          nm_json_set_error (s->error, s->rules->domain, s->rules->limit_code, &s->path,
                             _("nesting deeper than %u levels"), s->rules->max_depth);
          return NULL;
        }
      return scan_container (s, s->data[s->pos] == '{', depth + 1);

    case '"':
      start = s->pos;
      if (!scan_string (s, FALSE, &escaped))
        return NULL;
      node = doc_new_node (s->doc, json_type_string);
      node->text = string_text (s, start, escaped, &node->n);
      return node;

    case 't':
      if (!scan_literal (s, "true"))
        return NULL;
      node = doc_new_node (s->doc, json_type_boolean);
      node->v.boolean = TRUE;
      return node;

    case 'f':
      if (!scan_literal (s, "false"))
        return NULL;
      return doc_new_node (s->doc, json_type_boolean);

    case 'n':
      if (!scan_literal (s, "null"))
        return NULL;
      return doc_new_node (s->doc, json_type_null);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return scan_number (s);

    default:
      scan_unexpected (s, N_("a value"));
      return NULL;
    }
}

/* Returns the document's top-level object, or NULL on error. */
static NmJsonNode *
scan_document (Scanner *s)
{
  NmJsonNode *root = NULL;

  scan_ws (s);
  if (s->pos >= s->len)
    {
      nm_json_set_error (s->error, s->rules->domain, s->rules->syntax_code, NULL,
                         _("the file is empty"));
      return NULL;
    }
  if (s->len >= 3 && memcmp (s->data, "\xEF\xBB\xBF", 3) == 0)
    {
      nm_json_set_error (s->error, s->rules->domain, s->rules->syntax_code, NULL,
                         _("the file starts with a byte order mark, which JSON does not allow"));
      return NULL;
    }
  if (s->data[s->pos] != '{')
    {
      scan_unexpected (s, N_("one JSON object, starting with “{”"));
      return NULL;
    }

  root = scan_value (s, 0);
  if (root != NULL)
    {
      scan_ws (s);
      if (s->pos < s->len)
        {
          scan_fail (s, _("trailing bytes after the JSON object"));
          root = NULL;
        }
    }

  return root;
}

/**
 * nm_json_doc_parse:
 * @bytes: a JSON document, which must be one object
 * @rules: the limits, and the error domain and codes to refuse it with
 * @error: return location for an error that names the key path
 *
 * Reads @bytes, whole or not at all: UTF-8 within the size limit, strict
 * RFC 8259 syntax, no duplicate keys, no NUL or lone surrogate in a
 * string, and the nesting and string limits of @rules.
 *
 * Returns: (transfer full) (nullable): the document, which keeps @bytes
 */
NmJsonDoc *
nm_json_doc_parse (GBytes             *bytes,
                   const NmJsonRules  *rules,
                   GError            **error)
{
  g_autoptr(NmJsonDoc) doc = NULL;
  Scanner s = { 0 };
  const char *bad;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (rules->max_depth <= NM_JSON_MAX_DEPTH, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  s.data = g_bytes_get_data (bytes, &s.len);
  s.rules = rules;
  s.error = error;

  if (s.len > rules->max_bytes)
    {
      nm_json_set_error (error, rules->domain, rules->limit_code, NULL,
                         _("the file is larger than %u MiB"),
                         (guint) (rules->max_bytes / (1024 * 1024)));
      return NULL;
    }

  if (s.len == 0)
    {
      nm_json_set_error (error, rules->domain, rules->syntax_code, NULL, _("the file is empty"));
      return NULL;
    }

  /* The scanner relies on it. */
  if (!g_utf8_validate (s.data, s.len, &bad))
    {
      nm_json_set_error (error, rules->domain, rules->syntax_code, NULL,
                         _("the file is not UTF-8 text (invalid byte at offset %zu)"),
                         (gsize) (bad - s.data));
      return NULL;
    }

  doc = nm_json_doc_new ();
  doc->bytes = g_bytes_ref (bytes);
  s.doc = doc;
  s.items = g_ptr_array_new ();
  doc->root = scan_document (&s);
  g_ptr_array_free (s.items, TRUE);

  if (doc->root == NULL)
    return NULL;

  return g_steal_pointer (&doc);
}

/* Building */

/* A new value of @doc under a copy of @key (nullable). */
static NmJsonNode *
doc_new_member (NmJsonDoc  *doc,
                json_type   type,
                const char *key)
{
  NmJsonNode *node = doc_new_node (doc, type);

  node->key = key != NULL ? doc_strndup (doc, key, strlen (key)) : NULL;

  return node;
}

/**
 * nm_json_doc_copy:
 * @doc: the document to copy into
 * @node: a value of any document
 * @key: (nullable): its key in its new object
 *
 * Returns: (transfer none): a deep copy of @node that lives in @doc
 */
NmJsonNode *
nm_json_doc_copy (NmJsonDoc        *doc,
                  const NmJsonNode *node,
                  const char       *key)
{
  NmJsonNode *copy;

  g_return_val_if_fail (doc != NULL && node != NULL, NULL);

  copy = doc_new_member (doc, node->type, key);
  copy->n = node->n;
  copy->v = node->v;

  switch (node->type)
    {
    case json_type_string:
    case json_type_int:
    case json_type_double:
      if (node->text != NULL)
        copy->text = doc_strndup (doc, node->text, node->n);
      break;

    case json_type_object:
    case json_type_array:
      copy->children = doc_alloc (doc, MAX (node->n, 1) * sizeof (NmJsonNode *));
      for (guint i = 0; i < node->n; i++)
        copy->children[i] = nm_json_doc_copy (doc, node->children[i], node->children[i]->key);
      break;

    case json_type_null:
    case json_type_boolean:
    default:
      break;
    }

  return copy;
}

/* Returns: (transfer none): a string that lives in @doc */
NmJsonNode *
nm_json_doc_new_string (NmJsonDoc  *doc,
                        const char *key,
                        const char *text)
{
  NmJsonNode string = { .type = json_type_string, .n = strlen (text), .text = text };

  return nm_json_doc_copy (doc, &string, key);
}

/* Returns: (transfer none): an object (whose @children have their keys
 * set, and are all distinct) or an array, that lives in @doc */
NmJsonNode *
nm_json_doc_new_container (NmJsonDoc          *doc,
                           json_type           type,
                           const char         *key,
                           NmJsonNode * const *children,
                           guint               n)
{
  NmJsonNode *node;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (type == json_type_object || type == json_type_array, NULL);
  g_return_val_if_fail (n == 0 || children != NULL, NULL);

  node = doc_new_member (doc, type, key);
  node->n = n;
  node->children = doc_alloc (doc, MAX (n, 1) * sizeof (NmJsonNode *));
  if (n > 0)
    memcpy (node->children, children, n * sizeof (NmJsonNode *));

  return node;
}

/* Checking */

void
nm_json_check_init (NmJsonCheck  *check,
                    GQuark        domain,
                    int           code,
                    GError      **error)
{
  memset (check, 0, sizeof *check);
  check->domain = domain;
  check->code = code;
  check->error = error;
}

/**
 * nm_json_fail:
 *
 * Sets the check's error to "path: message" with its domain and code.
 *
 * Returns: %FALSE
 */
gboolean
nm_json_fail (NmJsonCheck *check,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (check->error, check->domain, check->code, &check->path, format, args);
  va_end (args);

  return FALSE;
}

const char *
nm_json_type_name (const NmJsonNode *node)
{
  switch (node->type)
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

/* Returns: (nullable): the member @key of @object; %NULL when there is
 * none, or when @object is %NULL or not an object */
const NmJsonNode *
nm_json_member (const NmJsonNode *object,
                const char       *key)
{
  if (object == NULL || object->type != json_type_object)
    return NULL;

  for (guint i = 0; i < object->n; i++)
    if (strcmp (object->children[i]->key, key) == 0)
      return object->children[i];

  return NULL;
}

/* @what: an untranslated N_() text, "an object" */
gboolean
nm_json_expect (NmJsonCheck      *check,
                const NmJsonNode *node,
                json_type         type,
                const char       *what)
{
  if (node->type == type)
    return TRUE;

  return nm_json_fail (check, _("must be %s, not %s"), _(what), nm_json_type_name (node));
}

gboolean
nm_json_get_string (NmJsonCheck       *check,
                    const NmJsonNode  *node,
                    const char       **out)
{
  *out = node->type == json_type_string ? node->text : NULL;

  return nm_json_expect (check, node, json_type_string, N_("a string"));
}

gboolean
nm_json_get_boolean (NmJsonCheck      *check,
                     const NmJsonNode *node,
                     gboolean         *out)
{
  *out = node->type == json_type_boolean && node->v.boolean;

  return nm_json_expect (check, node, json_type_boolean, N_("true or false"));
}

/* An integer or a decimal number, as a double. */
gboolean
nm_json_get_number (NmJsonCheck      *check,
                    const NmJsonNode *node,
                    double           *out)
{
  if (node->type != json_type_double && node->type != json_type_int)
    return nm_json_fail (check, _("must be a number, not %s"), nm_json_type_name (node));

  *out = node->type == json_type_int ? (double) node->v.integer : node->v.number;

  return TRUE;
}

/* Returns: (transfer full): a number as it was read: integers as such,
 * decimal numbers as they were written */
char *
nm_json_number_text (const NmJsonNode *node)
{
  if (node->type == json_type_int)
    return g_strdup_printf ("%" G_GINT64_FORMAT, node->v.integer);

  return g_strndup (node->text, node->n);
}

/**
 * nm_json_node_to_json_c:
 * @node: a value
 *
 * The json-c value of @node, for values kept as they were read: decimal
 * numbers keep their text, to be written back unchanged.
 *
 * Returns: (transfer full) (nullable): the value; %NULL for null
 */
json_object *
nm_json_node_to_json_c (const NmJsonNode *node)
{
  json_object *value = NULL;

  switch (node->type)
    {
    case json_type_boolean:
      return json_object_new_boolean (node->v.boolean);

    case json_type_int:
      return json_object_new_int64 (node->v.integer);

    case json_type_double:
      {
        g_autofree char *text = nm_json_number_text (node);

        return json_object_new_double_s (node->v.number, text);
      }

    case json_type_string:
      return json_object_new_string_len (node->text, node->n);

    case json_type_array:
      value = json_object_new_array_ext (MAX (node->n, 1));
      for (guint i = 0; i < node->n; i++)
        json_object_array_add (value, nm_json_node_to_json_c (node->children[i]));
      return value;

    case json_type_object:
      value = json_object_new_object ();
      for (guint i = 0; i < node->n; i++)
        json_object_object_add_ex (value, node->children[i]->key,
                                   nm_json_node_to_json_c (node->children[i]),
                                   JSON_C_OBJECT_ADD_KEY_IS_NEW);
      return value;

    case json_type_null:
    default:
      return NULL;
    }
}
