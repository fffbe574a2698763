/* nm-json-reader.h
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

#pragma once

#include <gio/gio.h>
#include <json.h>

G_BEGIN_DECLS

/* The one JSON reader of the core: consultation files, the protocol and
 * recovery copies are read through it.  Not public API. */

/* The deepest nesting any document may be read with (the protocol's). */
#define NM_JSON_MAX_DEPTH       16
#define NM_JSON_MAX_PATH_PARTS  (NM_JSON_MAX_DEPTH + 1)

/* What a caller accepts, and the error domain and codes of its refusals. */
typedef struct
{
  GQuark  domain;
  int     syntax_code;       /* not UTF-8, not JSON, not one object */
  int     limit_code;        /* beyond one of the limits below */
  gsize   max_bytes;         /* a whole number of MiB */
  guint   max_depth;         /* nesting levels, at most NM_JSON_MAX_DEPTH */
  guint   max_string_chars;  /* characters in one string or key */
  guint   max_values;        /* values in the whole document; 0: no limit */
} NmJsonRules;

/* A value of a document.  Read-only; it lives as long as its document. */
typedef struct _NmJsonNode NmJsonNode;

struct _NmJsonNode
{
  json_type     type;
  guint         n;         /* bytes of a string or number; members or elements */
  const char   *key;       /* the key of an object member, else NULL */
  const char   *text;      /* a string (NUL-terminated); a number's text (not) */
  NmJsonNode  **children;  /* members or elements, in the document's order */
  union
  {
    gboolean    boolean;
    gint64      integer;
    double      number;
  } v;
};

typedef struct _NmJsonDoc NmJsonDoc;

NmJsonDoc        *nm_json_doc_parse       (GBytes             *bytes,
                                           const NmJsonRules  *rules,
                                           GError            **error);
const NmJsonNode *nm_json_doc_get_root    (NmJsonDoc          *doc);
void              nm_json_doc_free        (NmJsonDoc          *doc);

/* Building a document from parts of others (the protocol's overlay). */
NmJsonDoc        *nm_json_doc_new         (void);
void              nm_json_doc_set_root    (NmJsonDoc          *doc,
                                           NmJsonNode         *root);
NmJsonNode       *nm_json_doc_copy        (NmJsonDoc          *doc,
                                           const NmJsonNode   *node,
                                           const char         *key);
NmJsonNode       *nm_json_doc_new_string  (NmJsonDoc          *doc,
                                           const char         *key,
                                           const char         *text);
NmJsonNode       *nm_json_doc_new_container (NmJsonDoc        *doc,
                                           json_type           type,
                                           const char         *key,
                                           NmJsonNode * const *children,
                                           guint               n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmJsonDoc, nm_json_doc_free)

/* Key paths: a stack of keys and indices, formatted only for a message
 * ("findings[3].outline[0][1]").  Keys are not copied. */
typedef struct
{
  const char *key;      /* NULL for an index */
  gsize       key_len;
  guint       index;
} NmJsonPathPart;

typedef struct
{
  NmJsonPathPart parts[NM_JSON_MAX_PATH_PARTS];
  guint          n_parts;
} NmJsonPath;

gsize             nm_json_path_push_key   (NmJsonPath         *path,
                                           const char         *key,
                                           gssize              key_len);
gsize             nm_json_path_push_index (NmJsonPath         *path,
                                           guint               index);
void              nm_json_path_pop        (NmJsonPath         *path,
                                           gsize               mark);
char             *nm_json_path_to_string  (const NmJsonPath   *path);

gboolean          nm_json_set_error       (GError            **error,
                                           GQuark              domain,
                                           int                 code,
                                           const NmJsonPath   *path,
                                           const char         *format,
                                           ...) G_GNUC_PRINTF (5, 6);

/* Checking a document: where the check is, and how it reports a value
 * that is not what it should be ("path: message"). */
typedef struct
{
  NmJsonPath   path;
  GQuark       domain;
  int          code;
  GError     **error;
} NmJsonCheck;

void              nm_json_check_init      (NmJsonCheck        *check,
                                           GQuark              domain,
                                           int                 code,
                                           GError            **error);
gboolean          nm_json_fail            (NmJsonCheck        *check,
                                           const char         *format,
                                           ...) G_GNUC_PRINTF (2, 3);

const char       *nm_json_type_name       (const NmJsonNode   *node);
const NmJsonNode *nm_json_member          (const NmJsonNode   *object,
                                           const char         *key);
gboolean          nm_json_expect          (NmJsonCheck        *check,
                                           const NmJsonNode   *node,
                                           json_type           type,
                                           const char         *what);
gboolean          nm_json_get_string      (NmJsonCheck        *check,
                                           const NmJsonNode   *node,
                                           const char        **out);
gboolean          nm_json_get_boolean     (NmJsonCheck        *check,
                                           const NmJsonNode   *node,
                                           gboolean           *out);
gboolean          nm_json_get_number      (NmJsonCheck        *check,
                                           const NmJsonNode   *node,
                                           double             *out);
char             *nm_json_number_text     (const NmJsonNode   *node);

json_object      *nm_json_node_to_json_c  (const NmJsonNode   *node);

G_END_DECLS
