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
#include <float.h>
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
 *  2. a strict RFC 8259 scanner checks the syntax and builds a tree of
 *     Nodes.  json-c's parser is not used: even in strict mode it
 *     accepts single quotes, NaN, Infinity, "1.", raw control characters
 *     in strings and duplicate keys (last one wins), and turns \u0000 and
 *     lone surrogates into other text.  The scanner also keeps the key path
 *     for its messages and enforces the nesting and string limits;
 *  3. the tree is checked key by key into a new consultation; unknown
 *     keys are kept as json-c values.  Only a fully checked consultation
 *     is returned.
 *
 * Saving writes keys in the spec's order, then unknown keys in the order
 * they had in the file, to a temporary file that is renamed over the old
 * one, which is kept as a backup (see replace_contents()). */

G_DEFINE_QUARK (nm-file-error-quark, nm_file_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_object_put)

#define MAX_PATH_KEY_BYTES 64

/* Key paths
 *
 * A path is kept as a stack of parts, keys and array indices, and written
 * out only for an error message, so that loading formats nothing. */

#define MAX_PATH_PARTS (NM_FILE_MAX_DEPTH + 1)

typedef struct
{
  const char *key;      /* NULL for an index */
  gsize       key_len;
  guint       index;
} PathPart;

typedef struct
{
  PathPart parts[MAX_PATH_PARTS];
  guint    n_parts;
} Path;

static gsize
path_push (Path     *path,
           PathPart  part)
{
  gsize old_len = path->n_parts;

  g_assert (path->n_parts < MAX_PATH_PARTS);
  path->parts[path->n_parts++] = part;

  return old_len;
}

static gsize
path_push_key (Path       *path,
               const char *key,
               gsize       key_len)
{
  return path_push (path, (PathPart) { key, key_len, 0 });
}

static gsize
path_push_index (Path  *path,
                 guint  index)
{
  return path_push (path, (PathPart) { NULL, 0, index });
}

static void
path_pop (Path  *path,
          gsize  old_len)
{
  path->n_parts = old_len;
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

/* "client.name", "findings[3].outline[0][1]"; NULL for the top level. */
static char *
path_to_string (const Path *path)
{
  g_autoptr(GString) out = NULL;

  if (path == NULL || path->n_parts == 0)
    return NULL;

  out = g_string_new (NULL);
  for (guint i = 0; i < path->n_parts; i++)
    {
      const PathPart *part = &path->parts[i];

      if (part->key != NULL)
        append_key (out, part->key, part->key_len);
      else
        g_string_append_printf (out, "[%u]", part->index);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError     **error,
      NmFileError  code,
      const Path  *path,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  g_autofree char *where = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  where = path_to_string (path);
  if (where != NULL && *where != '\0')
    g_set_error (error, NM_FILE_ERROR, code, "%s: %s", where, message);
  else
    g_set_error_literal (error, NM_FILE_ERROR, code, message);

  return FALSE;
}

/* Pass 2: strict syntax, and the tree
 *
 * The scanner reads the file once and builds a tree of Nodes in an arena:
 * no allocation per value, and nothing to free one by one.  Strings and
 * keys are copied, decoded and NUL-terminated, into the arena; numbers
 * keep their bytes in the file, which outlives the tree. */

#define ARENA_BLOCK_SIZE (64 * 1024)

typedef struct
{
  GPtrArray *blocks;
  char      *next;
  gsize      left;
} Arena;

static gpointer
arena_alloc (Arena *arena,
             gsize  size)
{
  gpointer p;

  size = (size + 7) & ~(gsize) 7;
  if (size > arena->left)
    {
      gsize block_size = MAX (size, ARENA_BLOCK_SIZE);

      arena->next = g_malloc (block_size);
      arena->left = block_size;
      g_ptr_array_add (arena->blocks, arena->next);
    }

  p = arena->next;
  arena->next += size;
  arena->left -= size;

  return p;
}

typedef struct _Node Node;

struct _Node
{
  json_type    type;
  guint        n;         /* bytes of a string or number, children of a container */
  const char  *key;       /* the key of an object member, else NULL */
  const char  *text;      /* a string (NUL-terminated); a number's bytes in the file */
  Node       **children;  /* members or elements, in the file's order */
  union
  {
    gboolean   boolean;
    gint64     integer;
    double     number;
  } v;
};

typedef struct
{
  const char  *data;
  gsize        len;
  gsize        pos;
  Path         path;
  Arena        arena;
  GPtrArray   *items;   /* children of the open containers */
  GError     **error;
} Scanner;

static Node *
scan_new_node (Scanner   *s,
               json_type  type)
{
  Node *node = arena_alloc (&s->arena, sizeof (Node));

  memset (node, 0, sizeof *node);
  node->type = type;

  return node;
}

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

  return fail (s->error, NM_FILE_ERROR_INVALID, &s->path,
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

      if (n_chars > NM_FILE_MAX_STRING_CHARS)
        return fail (s->error, NM_FILE_ERROR_TOO_LARGE, &s->path,
                     is_key ? _("a key is longer than %u characters")
                            : _("a string is longer than %u characters"),
                     NM_FILE_MAX_STRING_CHARS);
    }

  return TRUE;
}

/* The text of the string that scan_string() scanned from @start, copied
 * into the arena; its length goes to *@len. */
static char *
string_text (Scanner  *s,
             gsize     start,
             gboolean  escaped,
             guint    *len)
{
  gsize raw = s->pos - start - 2;
  char *text = arena_alloc (&s->arena, raw + 1);
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

static Node *
scan_number (Scanner *s)
{
  char buf[64];
  g_autofree char *long_text = NULL;
  const char *text;
  gsize start = s->pos;
  gboolean integer = TRUE;
  Node *node;

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

  node = scan_new_node (s, integer ? json_type_int : json_type_double);
  node->text = s->data + start;
  node->n = s->pos - start;

  if (integer)
    {
      errno = 0;
      node->v.integer = g_ascii_strtoll (text, NULL, 10);
      if (errno == ERANGE)
        {
          s->pos = start;
          {
            scan_fail (s, _("the integer %.40s is out of range"), text);
            return NULL;
          }
        }
    }
  else
    {
      node->v.number = g_ascii_strtod (text, NULL);
      if (!isfinite (node->v.number))
        {
          s->pos = start;
          {
            scan_fail (s, _("the number %.40s is out of range"), text);
            return NULL;
          }
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

static Node *scan_value (Scanner *s,
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
scan_take_children (Scanner *s,
                    Node    *node,
                    guint    base)
{
  node->n = s->items->len - base;
  node->children = arena_alloc (&s->arena, MAX (node->n, 1) * sizeof (Node *));
  /* An empty object or array may come before anything was ever pushed,
   * when the array's storage is still NULL: no arithmetic on it then. */
  if (node->n > 0)
    memcpy (node->children, s->items->pdata + base, node->n * sizeof (Node *));
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
        if (strcmp (((Node *) g_ptr_array_index (s->items, i))->key, key) == 0)
          return TRUE;
      return FALSE;
    }

  if (*keys == NULL)
    {
      *keys = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = base; i < s->items->len; i++)
        g_hash_table_add (*keys, (char *) ((Node *) g_ptr_array_index (s->items, i))->key);
    }

  return !g_hash_table_add (*keys, (char *) key);
}

/* @depth is the nesting level of this object, from 1. */
static Node *
scan_object (Scanner *s,
             guint    depth)
{
  g_autoptr(GHashTable) keys = NULL;
  guint base = s->items->len;
  Node *object;

  s->pos++;
  scan_ws (s);
  if (s->pos < s->len && s->data[s->pos] == '}')
    {
      s->pos++;
      goto done;
    }

  for (;;)
    {
      Node *value;
      gboolean escaped;
      const char *key;
      guint key_len;
      gsize start, mark;

      scan_ws (s);
      if (s->pos >= s->len || s->data[s->pos] != '"')
        goto unexpected_key;
      start = s->pos;
      if (!scan_string (s, TRUE, &escaped))
        goto fail;
      key = string_text (s, start, escaped, &key_len);

      mark = path_push_key (&s->path, key, key_len);

      if (strlen (key) != key_len)
        {
          scan_fail (s, _("a key contains a NUL character"));
          goto fail;
        }
      if (scan_has_key (s, base, &keys, key))
        {
          scan_fail (s, _("this key appears twice"));
          goto fail;
        }

      scan_ws (s);
      if (s->pos >= s->len || s->data[s->pos] != ':')
        {
          scan_unexpected (s, N_("“:”"));
          goto fail;
        }
      s->pos++;

      value = scan_value (s, depth);
      if (value == NULL)
        goto fail;
      value->key = key;
      g_ptr_array_add (s->items, value);
      path_pop (&s->path, mark);

      switch (scan_separator (s, '}', N_("“,” or “}”")))
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
  object = scan_new_node (s, json_type_object);
  scan_take_children (s, object, base);

  return object;

unexpected_key:
  scan_unexpected (s, N_("a key in double quotes"));
fail:
  g_ptr_array_set_size (s->items, base);

  return NULL;
}

static Node *
scan_array (Scanner *s,
            guint    depth)
{
  guint base = s->items->len;
  guint index = 0;
  Node *array;

  s->pos++;
  scan_ws (s);
  if (s->pos < s->len && s->data[s->pos] == ']')
    {
      s->pos++;
      goto done;
    }

  for (;;)
    {
      gsize mark = path_push_index (&s->path, index++);
      Node *value = scan_value (s, depth);

      if (value == NULL)
        goto fail;
      g_ptr_array_add (s->items, value);
      path_pop (&s->path, mark);

      switch (scan_separator (s, ']', N_("“,” or “]”")))
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
  array = scan_new_node (s, json_type_array);
  scan_take_children (s, array, base);

  return array;

fail:
  g_ptr_array_set_size (s->items, base);

  return NULL;
}

/* @depth is the nesting level of the container holding this value.
 * Returns NULL on error. */
static Node *
scan_value (Scanner *s,
            guint    depth)
{
  gboolean escaped;
  gsize start;
  Node *node;

  scan_ws (s);
  if (s->pos >= s->len)
    {
      scan_unexpected (s, N_("a value"));
      return NULL;
    }

  switch (s->data[s->pos])
    {
    case '{':
    case '[':
      if (depth + 1 > NM_FILE_MAX_DEPTH)
        {
          fail (s->error, NM_FILE_ERROR_TOO_LARGE, &s->path,
                _("nesting deeper than %u levels"), NM_FILE_MAX_DEPTH);
          return NULL;
        }
      if (s->data[s->pos] == '{')
        return scan_object (s, depth + 1);
      return scan_array (s, depth + 1);

    case '"':
      start = s->pos;
      if (!scan_string (s, FALSE, &escaped))
        return NULL;
      node = scan_new_node (s, json_type_string);
      node->text = string_text (s, start, escaped, &node->n);
      return node;

    case 't':
      if (!scan_literal (s, "true"))
        return NULL;
      node = scan_new_node (s, json_type_boolean);
      node->v.boolean = TRUE;
      return node;

    case 'f':
      if (!scan_literal (s, "false"))
        return NULL;
      return scan_new_node (s, json_type_boolean);

    case 'n':
      if (!scan_literal (s, "null"))
        return NULL;
      return scan_new_node (s, json_type_null);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return scan_number (s);

    default:
      {
        scan_unexpected (s, N_("a value"));
        return NULL;
      }
    }
}

/* The document's tree lives in @arena; returns its root object, or NULL
 * on error. */
static Node *
scan_document (const char  *data,
               gsize        len,
               Arena       *arena,
               GError     **error)
{
  Scanner s = { data, len, 0, { { { 0 } }, 0 }, *arena, NULL, error };
  Node *root = NULL;

  scan_ws (&s);
  if (s.pos >= s.len)
    {
      fail (error, NM_FILE_ERROR_INVALID, NULL, _("the file is empty"));
      return NULL;
    }
  if (s.len >= 3 && memcmp (s.data, "\xEF\xBB\xBF", 3) == 0)
    {
      fail (error, NM_FILE_ERROR_INVALID, NULL,
            _("the file starts with a byte order mark, which JSON does not allow"));
      return NULL;
    }
  if (s.data[s.pos] != '{')
    {
      scan_unexpected (&s, N_("one JSON object, starting with “{”"));
      return NULL;
    }

  s.items = g_ptr_array_new ();
  root = scan_value (&s, 0);
  if (root != NULL)
    {
      scan_ws (&s);
      if (s.pos < s.len)
        {
          scan_fail (&s, _("trailing bytes after the JSON object"));
          root = NULL;
        }
    }
  g_ptr_array_free (s.items, TRUE);
  *arena = s.arena;

  return root;
}

/* The member @key of @object, or NULL. */
static const Node *
node_member (const Node *object,
             const char *key)
{
  for (guint i = 0; i < object->n; i++)
    if (strcmp (object->children[i]->key, key) == 0)
      return object->children[i];

  return NULL;
}

/* A number as json-c writes it: doubles as they were in the file. */
static char *
node_number_text (const Node *number)
{
  if (number->type == json_type_int)
    return g_strdup_printf ("%" G_GINT64_FORMAT, number->v.integer);

  return g_strndup (number->text, number->n);
}

/* The json-c value of @node, for keys kept as they were read. */
static json_object *
node_to_json (const Node *node)
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
        g_autofree char *text = node_number_text (node);

        /* Keeps the text, to write the number back as it was. */
        return json_object_new_double_s (node->v.number, text);
      }

    case json_type_string:
      return json_object_new_string_len (node->text, node->n);

    case json_type_array:
      value = json_object_new_array_ext (MAX (node->n, 1));
      for (guint i = 0; i < node->n; i++)
        json_object_array_add (value, node_to_json (node->children[i]));
      return value;

    case json_type_object:
      value = json_object_new_object ();
      for (guint i = 0; i < node->n; i++)
        json_object_object_add_ex (value, node->children[i]->key,
                                   node_to_json (node->children[i]),
                                   JSON_C_OBJECT_ADD_KEY_IS_NEW);
      return value;

    case json_type_null:
    default:
      return NULL;
    }
}

/* Pass 3: the tree */

typedef struct
{
  Path     *path;
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
type_name (const Node *value)
{
  switch (value->type)
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
             const Node  *value,
             json_type    type,
             const char  *what)
{
  if (value->type == type)
    return TRUE;

  return load_fail (l, _("must be %s, not %s"), _(what), type_name (value));
}

static gboolean
get_string (Loader       *l,
            const Node   *value,
            const char  **out)
{
  if (!expect_type (l, value, json_type_string, N_("a string")))
    return FALSE;

  *out = value->text;

  return TRUE;
}

static gboolean
get_date (Loader       *l,
          const Node   *value,
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
         const Node  *value,
         gint64       min,
         gint64       max,
         gint64      *out)
{
  if (!expect_type (l, value, json_type_int, N_("an integer")))
    return FALSE;

  *out = value->v.integer;
  if (*out < min || *out > max)
    return load_fail (l, _("%lld is out of range: must be %lld–%lld"),
                      (long long) *out, (long long) min, (long long) max);

  return TRUE;
}

static gboolean
get_number (Loader      *l,
            const Node  *value,
            double       min,
            double       max,
            double      *out)
{
  if (value->type != json_type_double && value->type != json_type_int)
    return load_fail (l, _("must be a number, not %s"), type_name (value));

  *out = value->type == json_type_int ? (double) value->v.integer : value->v.number;
  if (!isfinite (*out) || *out < min || *out > max)
    {
      g_autofree char *text = node_number_text (value);

      return load_fail (l, _("%s is out of range: must be %g–%g"), text, min, max);
    }

  return TRUE;
}

/* Copies @key/@value into *@extra, creating it if needed. */
static void
keep_unknown (json_object **extra,
              const char   *key,
              const Node   *value)
{
  if (*extra == NULL)
    *extra = json_object_new_object ();

  json_object_object_add (*extra, key, node_to_json (value));
}

static gboolean
load_client (Loader         *l,
             NmConsultation *c,
             const Node     *client)
{
  json_object *extra = NULL;
  gboolean has_fitzpatrick = FALSE;

  if (!expect_type (l, client, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < client->n; i++)
    {
      const Node *value = client->children[i];
      const char *key = value->key;
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
                const Node     *screening)
{
  if (!expect_type (l, screening, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < screening->n; i++)
    {
      const Node *value = screening->children[i];
      const char *key = value->key;
      gsize mark = path_push_key (l->path, key, strlen (key));

      if (nm_vocab_screening_index (key) < 0)
        return load_fail (l, _("unknown screening item"));
      if (!expect_type (l, value, json_type_boolean, N_("true or false")))
        return FALSE;

      nm_consultation_set_screening (c, key,
                                     value->v.boolean ? NM_ANSWER_YES : NM_ANSWER_NO);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static gboolean
load_outline (Loader      *l,
              const Node  *outline,
              GArray      *points)
{
  size_t n;

  if (!expect_type (l, outline, json_type_array, N_("an array of [x, y] points")))
    return FALSE;

  n = outline->n;
  if (l->n_points + n > NM_FILE_MAX_POINTS)
    return fail (l->error, NM_FILE_ERROR_TOO_LARGE, l->path,
                 _("more than %u outline points in the file"), NM_FILE_MAX_POINTS);
  l->n_points += n;

  for (size_t i = 0; i < n; i++)
    {
      const Node *pair = outline->children[i];
      gsize mark = path_push_index (l->path, i);
      NmPoint point;
      gsize inner;

      if (!expect_type (l, pair, json_type_array, N_("an [x, y] point")) )
        return FALSE;
      if (pair->n != 2)
        return load_fail (l, _("a point must have exactly two numbers, x and y"));

      inner = path_push_index (l->path, 0);
      if (!get_number (l, pair->children[0], 0.0, 1.0, &point.x))
        return FALSE;
      path_pop (l->path, inner);
      inner = path_push_index (l->path, 1);
      if (!get_number (l, pair->children[1], 0.0, 1.0, &point.y))
        return FALSE;
      path_pop (l->path, inner);

      g_array_append_val (points, point);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static NmFinding *
load_finding (Loader      *l,
              const Node  *object)
{
  g_autoptr(NmFinding) finding = NULL;
  g_autoptr(GArray) points = NULL;
  const Node *value;
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
    if (node_member (object, required[i]) == NULL)
      {
        load_fail (l, _("the required key “%s” is missing"), required[i]);
        return NULL;
      }

  value = node_member (object, "region");
  mark = path_push_key (l->path, "region", 6);
  if (!get_string (l, value, &region))
    return NULL;
  if (nm_vocab_region_index (region) < 0)
    {
      load_fail (l, _("unknown region “%s”"), region);
      return NULL;
    }
  path_pop (l->path, mark);

  value = node_member (object, "kind");
  mark = path_push_key (l->path, "kind", 4);
  if (!get_string (l, value, &kind))
    return NULL;
  if (nm_vocab_kind_index (kind) < 0)
    {
      load_fail (l, _("unknown finding kind “%s”"), kind);
      return NULL;
    }
  path_pop (l->path, mark);

  value = node_member (object, "severity");
  mark = path_push_key (l->path, "severity", 8);
  if (!get_int (l, value, NM_SEVERITY_MIN, NM_SEVERITY_MAX, &severity))
    return NULL;
  path_pop (l->path, mark);

  if ((value = node_member (object, "note")) != NULL)
    {
      mark = path_push_key (l->path, "note", 4);
      if (!get_string (l, value, &note))
        return NULL;
      path_pop (l->path, mark);
    }

  if ((value = node_member (object, "view")) != NULL)
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

  if ((value = node_member (object, "outline")) != NULL)
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

  for (guint i = 0; i < object->n; i++)
    {
      const Node *item = object->children[i];
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
               const Node     *findings)
{
  size_t n;

  if (!expect_type (l, findings, json_type_array, N_("an array")))
    return FALSE;

  n = findings->n;
  if (n > NM_FILE_MAX_FINDINGS)
    return fail (l->error, NM_FILE_ERROR_TOO_LARGE, l->path,
                 _("%zu findings, more than the limit of %u"), n, NM_FILE_MAX_FINDINGS);

  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding = NULL;
      gsize mark = path_push_index (l->path, i);

      finding = load_finding (l, findings->children[i]);
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
                   const Node     *acknowledged)
{
  if (!expect_type (l, acknowledged, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < acknowledged->n; i++)
    {
      const Node *value = acknowledged->children[i];
      const char *key = value->key;
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

/* plan.device: the device this consultation is planned for. Only its two
 * numbers are known; anything else in it is refused, since a setting the
 * planner silently ignored could be a safety setting the user expects. */
static gboolean
load_device (Loader         *l,
             NmConsultation *c,
             const Node     *device)
{
  if (!expect_type (l, device, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < device->n; i++)
    {
      const Node *value = device->children[i];
      const char *key = value->key;
      gsize mark = path_push_key (l->path, key, strlen (key));
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

      path_pop (l->path, mark);
    }

  if (nm_consultation_get_device_max_mm (c) > 0.0 && nm_consultation_get_device_step_mm (c) > 0.0 &&
      nm_consultation_get_device_max_mm (c) < nm_consultation_get_device_step_mm (c))
    return load_fail (l, _("max_mm is less than one step (step_mm)"));

  return TRUE;
}

static gboolean
load_plan (Loader         *l,
           NmConsultation *c,
           const Node     *plan)
{
  json_object *extra = NULL;

  if (!expect_type (l, plan, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < plan->n; i++)
    {
      const Node *value = plan->children[i];
      const char *key = value->key;
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
      else if (strcmp (key, "device") == 0)
        {
          if (!load_device (l, c, value))
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
              const Node  *object)
{
  g_autoptr(NmSession) session = NULL;
  json_object *extra = NULL;

  if (!expect_type (l, object, json_type_object, N_("an object")))
    return NULL;

  session = nm_session_new (NULL);

  for (guint i = 0; i < object->n; i++)
    {
      const Node *value = object->children[i];
      const char *key = value->key;
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
              const Node *depth = value->children[j];
              const char *region = depth->key;
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
               const Node     *sessions)
{
  size_t n;

  if (!expect_type (l, sessions, json_type_array, N_("an array")))
    return FALSE;

  n = sessions->n;
  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(NmSession) session = NULL;
      gsize mark = path_push_index (l->path, i);

      session = load_session (l, sessions->children[i]);
      if (session == NULL)
        return FALSE;
      nm_consultation_add_session (c, session);
      path_pop (l->path, mark);
    }

  return TRUE;
}

static NmConsultation *
load_tree (const Node   *root,
           GError      **error)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  Path path_parts = { { { 0 } }, 0 };
  Path *path = &path_parts;
  Loader loader = { path, error, 0 };
  Loader *l = &loader;
  const Node *value;
  json_object *extra = NULL;
  const char *format;
  gint64 version;
  gsize mark;

  if ((value = node_member (root, "format")) == NULL)
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

  if ((value = node_member (root, "version")) == NULL)
    {
      load_fail (l, _("the required key “version” is missing"));
      return NULL;
    }
  mark = path_push_key (path, "version", 7);
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
      fail (error, NM_FILE_ERROR_NEWER_VERSION, path,
            _("the file has format version %lld, but this Needlemap "
            "reads only version %d; open it with a newer Needlemap"),
            (long long) version, NM_FILE_VERSION);
      return NULL;
    }
  path_pop (path, mark);

  if (node_member (root, "client") == NULL)
    {
      load_fail (l, _("the required key “client” is missing"));
      return NULL;
    }
  if (node_member (root, "findings") == NULL)
    {
      load_fail (l, _("the required key “findings” is missing"));
      return NULL;
    }

  for (guint i = 0; i < root->n; i++)
    {
      const Node *item = root->children[i];
      const char *key = item->key;
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
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func (g_free);
  Arena arena = { blocks, NULL, 0 };
  const Node *root;
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

  root = scan_document (data, len, &arena, error);
  if (root == NULL)
    return NULL;

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
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = nm_file_read_bounded (file, NM_FILE_MAX_BYTES, NULL, cancellable, error);
  if (bytes == NULL)
    return NULL;

  return nm_file_load_bytes (bytes, error);
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

/**
 * nm_file_read_bounded:
 * @file: a file
 * @max_bytes: the most it may hold
 * @etag: (out) (optional): the etag of what was read
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
  guint8 buffer[64 * 1024];

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_ETAG_VALUE, G_FILE_QUERY_INFO_NONE, cancellable, error);
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
      fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
            _("the file is larger than %u MiB"), (guint) (max_bytes / (1024 * 1024)));
      return NULL;
    }

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return NULL;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (data->len + (gsize) n > max_bytes)
        {
          fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
                _("the file is larger than %u MiB"), (guint) (max_bytes / (1024 * 1024)));
          return NULL;
        }
      g_byte_array_append (data, buffer, (guint) n);
    }

  if (etag != NULL)
    *etag = g_strdup (g_file_info_get_etag (info));
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
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
 * A double is written as the shortest text that reads back as the same
 * double: printf's "%.Pg" with the smallest precision P that round-trips.
 * The rule is the format's, so it must not change; the way to find P
 * below is only faster than trying P = 1, 2, … 17 with printf and strtod,
 * which is what write_double_by_search() still does for the values outside
 * the fast path (subnormals, infinities, NaN). */

/* The shortest "%.Pg" text of @value, found by a binary search over P.  If
 * P digits read back, so do more for P ≤ 15 (see write_double()), and no
 * search reaches P = 16 unless 15 failed, so this finds the smallest P. */
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
write_double_by_search (GString *out,
                        double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  int lo = 1, hi = 17;

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

/* 10^0 … 10^22, all exact doubles. */
static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Whether the decimal @mantissa × 10^@exponent reads back as @value. */
static gboolean
decimal_reads_as (guint64 mantissa,
                  int     exponent,
                  double  value)
{
  char buf[48];

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
  /* Both operands are exact doubles and IEEE 754 rounds a single product
   * or quotient correctly, so this is the correctly rounded reading that
   * strtod() gives (Clinger's fast path). */
  if (mantissa <= (G_GUINT64_CONSTANT (1) << 53) &&
      exponent >= -22 && exponent <= 22)
    {
      double m = (double) mantissa;

      if (exponent >= 0)
        return m * exact_powers_of_ten[exponent] == value;
      return m / exact_powers_of_ten[-exponent] == value;
    }
#endif

  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT "e%d", mantissa, exponent);

  return g_ascii_strtod (buf, NULL) == value;
}

/* Reads the significant digits and the exponent of a "%.Ne" text (no
 * sign): N + 1 digits into @digits, returns the exponent. */
static int
parse_e_format (const char *text,
                char       *digits,
                guint       n_digits)
{
  const char *p = text;
  guint n = 0;

  while (n < n_digits && *p != '\0')
    {
      if (g_ascii_isdigit (*p))
        digits[n++] = *p;
      p++;
    }
  g_assert (n == n_digits && (*p == 'e' || *p == 'E'));

  return (int) g_ascii_strtoll (p + 1, NULL, 10);
}

/* Rounds @value (positive, normal) to @precision significant digits, as
 * printf's "%.{precision-1}e" would, using @digits17/@exponent17 (the value
 * rounded to 17 digits) where that is certain to give the same digits.
 * Returns the exponent. */
static int
round_digits (double      value,
              const char *digits17,
              int         exponent17,
              guint       precision,
              char       *digits)
{
  gboolean half = digits17[precision] == '5';
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  int exponent = exponent17;

  for (guint i = precision + 1; i < 17 && half; i++)
    half = digits17[i] == '0';

  /* Exactly half way in the 17 digits: the value itself may be just
   * below, on or above the half, so ask printf. */
  if (half)
    {
      g_snprintf (format, sizeof format, "%%.%ue", precision - 1);
      g_ascii_formatd (buf, sizeof buf, format, value);
      return parse_e_format (buf, digits, precision);
    }

  memcpy (digits, digits17, precision);
  if (digits17[precision] >= '5')
    {
      int i = precision - 1;

      while (i >= 0 && digits[i] == '9')
        digits[i--] = '0';
      if (i >= 0)
        {
          digits[i]++;
        }
      else
        {
          digits[0] = '1';
          exponent++;
        }
    }

  return exponent;
}

/* Appends what printf's "%.{precision}g" writes for a value whose first
 * @n_digits significant digits are @digits (no trailing zeros beyond the
 * first) and whose exponent is @exponent. */
static void
append_g_format (GString    *out,
                 gboolean    negative,
                 const char *digits,
                 guint       n_digits,
                 int         exponent,
                 int         precision)
{
  char buf[64];
  gsize n = 0;

  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;

  if (negative)
    buf[n++] = '-';

  if (exponent < -4 || exponent >= precision)
    {
      int e = ABS (exponent);

      buf[n++] = digits[0];
      if (n_digits > 1)
        {
          buf[n++] = '.';
          memcpy (buf + n, digits + 1, n_digits - 1);
          n += n_digits - 1;
        }
      buf[n++] = 'e';
      buf[n++] = exponent < 0 ? '-' : '+';
      if (e >= 100)
        buf[n++] = '0' + e / 100;
      buf[n++] = '0' + e / 10 % 10;
      buf[n++] = '0' + e % 10;
    }
  else if (exponent >= 0)
    {
      for (int i = 0; i <= exponent; i++)
        buf[n++] = (guint) i < n_digits ? digits[i] : '0';
      if (n_digits > (guint) exponent + 1)
        {
          buf[n++] = '.';
          memcpy (buf + n, digits + exponent + 1, n_digits - exponent - 1);
          n += n_digits - exponent - 1;
        }
    }
  else
    {
      buf[n++] = '0';
      buf[n++] = '.';
      for (int i = -1; i > exponent; i--)
        buf[n++] = '0';
      memcpy (buf + n, digits, n_digits);
      n += n_digits;
    }

  g_string_append_len (out, buf, n);
}

/* The mantissa of the first @n digits, without trailing zeros, and the
 * exponent to go with it. */
static guint64
digits_mantissa (const char *digits,
                 guint       n,
                 int         exponent,
                 int        *mantissa_exponent)
{
  guint64 mantissa = 0;

  while (n > 1 && digits[n - 1] == '0')
    n--;
  for (guint i = 0; i < n; i++)
    mantissa = mantissa * 10 + (guint) (digits[i] - '0');
  *mantissa_exponent = exponent - (int) (n - 1);

  return mantissa;
}

/* Writes the same text as write_double_by_search(), faster: printf runs
 * once for 17 digits, the 15- and 16-digit roundings are taken from them,
 * and reading back usually needs no strtod().  Why P is the same: for a
 * normal double, a decimal of at most 15 significant digits that reads
 * back as it is the double rounded to 15 digits (the double's spacing is
 * below half a unit in the 15th digit, which is why DBL_DIG is 15); so if
 * any P ≤ 15 reads back, the 15-digit rounding does, and its length
 * without trailing zeros is the smallest such P.  Otherwise P is 16 if the
 * 16-digit rounding reads back, else 17, which always does. */
static void
write_double (GString *out,
              double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  char digits17[17];
  char digits[17];
  gboolean negative;
  guint64 mantissa;
  int exponent17, exponent, mantissa_exponent;
  double magnitude;

  /* -0.0 would be written "-0", which reads back as the integer 0. */
  if (value == 0)
    {
      g_string_append_c (out, '0');
      return;
    }

  if (fpclassify (value) != FP_NORMAL)
    {
      write_double_by_search (out, value);
      return;
    }

  negative = value < 0;
  magnitude = fabs (value);
  g_ascii_formatd (text, sizeof text, "%.16e", magnitude);
  exponent17 = parse_e_format (text, digits17, 17);

  for (guint precision = 15; precision <= 16; precision++)
    {
      exponent = round_digits (magnitude, digits17, exponent17, precision, digits);
      mantissa = digits_mantissa (digits, precision, exponent, &mantissa_exponent);
      if (decimal_reads_as (mantissa, mantissa_exponent, magnitude))
        {
          guint n = precision;

          while (n > 1 && digits[n - 1] == '0')
            n--;
          append_g_format (out, negative, digits, n, exponent, precision == 15 ? (int) n : 16);
          return;
        }
    }

  append_g_format (out, negative, digits17, 17, exponent17, 17);
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

  if (nm_consultation_get_device_max_mm (c) > 0.0 || nm_consultation_get_device_step_mm (c) > 0.0)
    {
      gboolean first_device = TRUE;

      write_key (out, &first, 2, "device");
      g_string_append_c (out, '{');
      if (nm_consultation_get_device_max_mm (c) > 0.0)
        {
          write_key (out, &first_device, 3, "max_mm");
          write_double (out, nm_consultation_get_device_max_mm (c));
        }
      if (nm_consultation_get_device_step_mm (c) > 0.0)
        {
          write_key (out, &first_device, 3, "step_mm");
          write_double (out, nm_consultation_get_device_step_mm (c));
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
check_text (Path        *path,
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
  Path path_parts = { { { 0 } }, 0 };
  Path *path = &path_parts;
  guint n_findings = nm_consultation_get_n_findings (c);
  guint n_points = 0;

  if (nm_consultation_get_fitzpatrick (c) == NM_FITZPATRICK_UNSET)
    return fail (error, NM_FILE_ERROR_INCOMPLETE, NULL,
                 _("client.fitzpatrick: choose the skin type (1–6) before saving"));

  if (n_findings > NM_FILE_MAX_FINDINGS)
    return fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
                 _("findings: %u findings, more than the limit of %u"),
                 n_findings, NM_FILE_MAX_FINDINGS);

  path_pop (path, 0);
  path_push_key (path, "client", 6);
  if (!check_text (path, "name", nm_consultation_get_client_name (c), error) ||
      !check_text (path, "notes", nm_consultation_get_client_notes (c), error) ||
      !check_text (path, "guardian", nm_consultation_get_guardian (c), error))
    return FALSE;

  path_pop (path, 0);
  path_push_key (path, "plan", 4);
  if (!check_text (path, "practitioner", nm_consultation_get_practitioner (c), error))
    return FALSE;
  path_push_key (path, "acknowledged", 12);
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

      path_pop (path, 0);
      path_push_key (path, "findings", 8);
      path_push_index (path, i);
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

      path_pop (path, 0);
      path_push_key (path, "sessions", 8);
      path_push_index (path, i);
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

  bytes = nm_file_serialize_for_save (self, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);

  return nm_file_replace_private (file, data, len, TRUE, cancellable, error);
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

  bytes = nm_file_serialize (self);
  if (g_bytes_get_size (bytes) > NM_FILE_MAX_BYTES)
    {
      fail (error, NM_FILE_ERROR_TOO_LARGE, NULL,
            _("the consultation would be larger than %u MiB"),
            NM_FILE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  return g_steal_pointer (&bytes);
}
