/* nm-recovery.c: unsaved work kept safe across a crash
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

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-history.h"
#include "nm-json-reader.h"
#include "nm-recovery.h"

/* A recovery copy is the consultation as a plain document, <id>.needlemap,
 * restored with the normal loader.  When it was opened from a file, a small
 * key file beside it, <id>.recovery, says which:
 *
 *   [Recovery]
 *   Origin=file:///…
 *
 * and the copy's modification time says when it was saved.  So listing the
 * copies reads no JSON, no JSON is read twice, and an autosave writes one
 * file (the key file only when the origin changes).  Work whose skin type
 * is not chosen yet is written without client.fitzpatrick and read back so
 * (NM_FILE_LOAD_SKIN_TYPE_OPTIONAL): no type is ever made up.
 *
 * Earlier versions wrote one JSON wrapper instead, <id>.needlemap-recovery:
 *
 *   { "format": "needlemap-recovery", "version": 1, "origin": "file:///…",
 *     "saved_at": 1795000000, "skin_type_chosen": true,
 *     "consultation": { …the document, skin type 1 when not chosen… } }
 *
 * Such copies are still listed and restored, read with the core's one JSON
 * reader; the next write of that slot replaces them.
 *
 * Copies live in $XDG_STATE_HOME/needlemap/recovery/, mode 0600 in a 0700
 * folder, and are written with nm_file_replace_private(). */

#define COPY_SUFFIX     ".needlemap"
#define INFO_SUFFIX     ".recovery"
#define INFO_GROUP      "Recovery"
#define LEGACY_SUFFIX   ".needlemap-recovery"
#define LEGACY_FORMAT   "needlemap-recovery"

void
nm_recovery_entry_free (NmRecoveryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_clear_object (&entry->file);
  g_free (entry->origin_uri);
  g_free (entry);
}

GFile *
nm_recovery_get_dir (void)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "needlemap", "recovery", NULL);

  return g_file_new_for_path (path);
}

char *
nm_recovery_new_id (void)
{
  return g_uuid_string_random ();
}

static GFile *
slot_file (const char *id,
           const char *suffix)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_file_get_child (dir, name);
}

static gboolean
id_is_valid (const char *id)
{
  return id != NULL && g_uuid_string_is_valid (id);
}

/* The key file for @origin, written only when it changes; none without. */
static gboolean
write_info (GFile    *info,
            GFile    *origin,
            GError  **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *uri = NULL;
  g_autofree char *text = NULL;
  g_autofree char *old = NULL;
  gsize len, old_len;

  if (origin == NULL)
    {
      g_file_delete (info, NULL, NULL);
      return TRUE;
    }

  uri = g_file_get_uri (origin);
  g_key_file_set_string (keys, INFO_GROUP, "Origin", uri);
  text = g_key_file_to_data (keys, &len, NULL);

  if (g_file_load_contents (info, NULL, &old, &old_len, NULL, NULL) &&
      old_len == len && memcmp (old, text, len) == 0)
    return TRUE;

  return nm_file_replace_private (info, text, len, FALSE, NULL, error);
}

gboolean
nm_recovery_write (const char      *id,
                   NmConsultation  *consultation,
                   GFile           *origin,
                   GError         **error)
{
  g_autoptr(GBytes) document = NULL;

  g_return_val_if_fail (id_is_valid (id), FALSE);
  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), FALSE);

  document = nm_file_serialize (consultation);
  return nm_recovery_write_bytes (id, document, origin, error);
}

/**
 * nm_recovery_write_bytes:
 * @id: the slot
 * @document: the consultation as nm_file_serialize() wrote it
 * @origin: (nullable): the file it belongs to
 *
 * nm_recovery_write() for a consultation serialised already: it reads
 * nothing but its arguments, so it may run on a worker thread while the
 * consultation goes on changing.
 */
gboolean
nm_recovery_write_bytes (const char  *id,
                         GBytes      *document,
                         GFile       *origin,
                         GError     **error)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GFile) info = NULL;
  g_autoptr(GFile) legacy = NULL;
  g_autofree char *dir_path = g_file_get_path (dir);

  g_return_val_if_fail (id_is_valid (id), FALSE);
  g_return_val_if_fail (document != NULL, FALSE);

  if (g_mkdir_with_parents (dir_path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the recovery folder: %s", g_strerror (saved_errno));
      return FALSE;
    }

  copy = slot_file (id, COPY_SUFFIX);
  info = slot_file (id, INFO_SUFFIX);
  if (!nm_file_replace_private (copy, g_bytes_get_data (document, NULL), g_bytes_get_size (document),
                                FALSE, NULL, error) ||
      !write_info (info, origin, error))
    return FALSE;

  /* A slot restored from an older version's copy now has a newer one. */
  legacy = slot_file (id, LEGACY_SUFFIX);
  g_file_delete (legacy, NULL, NULL);

  return TRUE;
}

void
nm_recovery_remove (const char *id)
{
  static const char * const suffixes[] = { COPY_SUFFIX, INFO_SUFFIX, LEGACY_SUFFIX };

  if (!id_is_valid (id))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autoptr(GFile) file = slot_file (id, suffixes[i]);

      g_file_delete (file, NULL, NULL);
    }
}

/* An older version's copy: its wrapper, read with the file's limits and
 * one level more. */
static NmJsonDoc *
read_legacy (GFile   *file,
             GError **error)
{
  NmJsonRules rules = _nm_file_rules ();
  g_autoptr(NmJsonDoc) doc = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const NmJsonNode *format;

  rules.max_bytes *= 2;
  rules.max_depth += 1;

  bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return NULL;

  doc = nm_json_doc_parse (bytes, &rules, error);
  if (doc == NULL)
    return NULL;

  format = nm_json_member (nm_json_doc_get_root (doc), "format");
  if (format == NULL || format->type != json_type_string || strcmp (format->text, LEGACY_FORMAT) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a recovery copy");
      return NULL;
    }

  return g_steal_pointer (&doc);
}

static NmRecoveryEntry *
entry_new (GFile      *dir,
           const char *name,
           const char *id,
           gint64      modified)
{
  NmRecoveryEntry *entry = g_new0 (NmRecoveryEntry, 1);

  entry->id = g_strdup (id);
  entry->file = g_file_get_child (dir, name);
  entry->saved_at = modified;

  return entry;
}

/* What the key file beside a copy says, when there is one. */
static void
read_info (NmRecoveryEntry *entry)
{
  g_autoptr(GFile) info = slot_file (entry->id, INFO_SUFFIX);
  g_autofree char *path = g_file_get_path (info);
  g_autoptr(GKeyFile) keys = g_key_file_new ();

  if (g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL))
    entry->origin_uri = g_key_file_get_string (keys, INFO_GROUP, "Origin", NULL);
}

static void
read_legacy_info (NmRecoveryEntry *entry)
{
  g_autoptr(NmJsonDoc) doc = read_legacy (entry->file, NULL);
  const NmJsonNode *value;

  if (doc == NULL)
    return;

  value = nm_json_member (nm_json_doc_get_root (doc), "origin");
  if (value != NULL && value->type == json_type_string)
    entry->origin_uri = g_strdup (value->text);
  value = nm_json_member (nm_json_doc_get_root (doc), "saved_at");
  if (value != NULL && value->type == json_type_int)
    entry->saved_at = value->v.integer;
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const NmRecoveryEntry *ea = *(NmRecoveryEntry **) a;
  const NmRecoveryEntry *eb = *(NmRecoveryEntry **) b;

  if (ea->saved_at != eb->saved_at)
    return ea->saved_at < eb->saved_at ? -1 : 1;
  return g_strcmp0 (ea->id, eb->id);
}

/* The id of a file named <id>@suffix, or NULL. */
static char *
id_of (const char *name,
       const char *suffix)
{
  g_autofree char *id = NULL;

  if (!g_str_has_suffix (name, suffix))
    return NULL;
  id = g_strndup (name, strlen (name) - strlen (suffix));

  return id_is_valid (id) ? g_steal_pointer (&id) : NULL;
}

/**
 * nm_recovery_list:
 *
 * Lists the copies from their key files and times, without reading the
 * copies themselves: nm_recovery_load() checks them.  A key file whose
 * copy is gone (a restored copy, deleted) is deleted.
 *
 * Returns: (transfer full) (element-type NmRecoveryEntry): the recovery
 *   copies there are, oldest first
 */
GPtrArray *
nm_recovery_list (void)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_recovery_entry_free);

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children == NULL)
    return entries;

  for (;;)
    {
      GFileInfo *info = g_file_enumerator_next_file (children, NULL, NULL);

      if (info == NULL)
        break;
      g_ptr_array_add (infos, info);
      g_hash_table_add (names, (char *) g_file_info_get_name (info));
    }

  for (guint i = 0; i < infos->len; i++)
    {
      GFileInfo *info = g_ptr_array_index (infos, i);
      const char *name = g_file_info_get_name (info);
      gint64 modified = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
      g_autofree char *id = NULL;
      g_autofree char *copy = NULL;

      if ((id = id_of (name, COPY_SUFFIX)) != NULL)
        {
          NmRecoveryEntry *entry = entry_new (dir, name, id, modified);

          read_info (entry);
          g_ptr_array_add (entries, entry);
        }
      else if ((id = id_of (name, LEGACY_SUFFIX)) != NULL)
        {
          NmRecoveryEntry *entry;

          copy = g_strconcat (id, COPY_SUFFIX, NULL);
          if (g_hash_table_contains (names, copy))
            continue;
          entry = entry_new (dir, name, id, modified);
          read_legacy_info (entry);
          g_ptr_array_add (entries, entry);
        }
      else if ((id = id_of (name, INFO_SUFFIX)) != NULL)
        {
          copy = g_strconcat (id, COPY_SUFFIX, NULL);
          if (!g_hash_table_contains (names, copy))
            {
              g_autoptr(GFile) orphan = g_file_get_child (dir, name);

              g_file_delete (orphan, NULL, NULL);
            }
        }
    }

  g_ptr_array_sort (entries, compare_entries);
  return entries;
}

static NmConsultation *
load_legacy (NmRecoveryEntry  *entry,
             GError          **error)
{
  g_autoptr(NmJsonDoc) doc = read_legacy (entry->file, error);
  g_autoptr(NmConsultation) consultation = NULL;
  const NmJsonNode *inner, *chosen;

  if (doc == NULL)
    return NULL;

  inner = nm_json_member (nm_json_doc_get_root (doc), "consultation");
  if (inner == NULL || inner->type != json_type_object)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the recovery copy holds no consultation");
      return NULL;
    }

  consultation = _nm_file_load_tree (inner, NM_FILE_LOAD_DEFAULT, error);

  /* It was stored with skin type 1. */
  chosen = nm_json_member (nm_json_doc_get_root (doc), "skin_type_chosen");
  if (consultation != NULL && chosen != NULL && chosen->type == json_type_boolean && !chosen->v.boolean)
    {
      nm_consultation_set_fitzpatrick (consultation, NM_FITZPATRICK_UNSET);
      nm_history_clear (nm_consultation_get_history (consultation));
    }

  return g_steal_pointer (&consultation);
}

/**
 * nm_recovery_load:
 * @entry: a copy of nm_recovery_list()
 * @error: return location for a #GError
 *
 * Reads the copy with the normal loader: whole or not at all.
 *
 * Returns: (transfer full) (nullable): the consultation, with an empty
 *   undo history
 */
NmConsultation *
nm_recovery_load (NmRecoveryEntry  *entry,
                  GError          **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  name = g_file_get_basename (entry->file);
  if (g_str_has_suffix (name, LEGACY_SUFFIX))
    return load_legacy (entry, error);

  return _nm_file_load (entry->file, NM_FILE_LOAD_SKIN_TYPE_OPTIONAL, NULL, error);
}
