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

#include <glib/gstdio.h>
#include <json.h>

#include "nm-file.h"
#include "nm-history.h"
#include "nm-recovery.h"

/* A recovery copy is a small wrapper around the consultation document:
 *
 *   { "format": "needlemap-recovery", "version": 1, "origin": "file:///…",
 *     "saved_at": 1795000000, "skin_type_chosen": true,
 *     "consultation": { …a needlemap-consultation document… } }
 *
 * A consultation whose skin type is not chosen yet cannot be a valid
 * document, so it is stored with type 1 and "skin_type_chosen": false, and
 * the type is unset again on restore. Copies live in
 * $XDG_STATE_HOME/needlemap/recovery/, mode 0600 in a 0700 folder. */

#define RECOVERY_FORMAT "needlemap-recovery"
#define RECOVERY_SUFFIX ".needlemap-recovery"

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
slot_file (const char *id)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *name = g_strconcat (id, RECOVERY_SUFFIX, NULL);

  return g_file_get_child (dir, name);
}

static gboolean
id_is_valid (const char *id)
{
  return id != NULL && g_uuid_string_is_valid (id);
}

gboolean
nm_recovery_write (const char      *id,
                   NmConsultation  *consultation,
                   GFile           *origin,
                   GError         **error)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) document = NULL;
  g_autofree char *dir_path = g_file_get_path (dir);
  json_object *root, *inner, *client = NULL;
  json_tokener *tok;
  gboolean chosen;
  const char *text;
  gboolean ok;

  g_return_val_if_fail (id_is_valid (id), FALSE);
  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), FALSE);

  if (g_mkdir_with_parents (dir_path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create the recovery folder: %s", g_strerror (saved_errno));
      return FALSE;
    }

  document = nm_file_serialize (consultation);
  tok = json_tokener_new ();
  inner = json_tokener_parse_ex (tok, g_bytes_get_data (document, NULL), (int) g_bytes_get_size (document));
  json_tokener_free (tok);
  if (inner == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot serialise the consultation");
      return FALSE;
    }

  chosen = nm_consultation_get_fitzpatrick (consultation) != NM_FITZPATRICK_UNSET;
  if (!chosen && json_object_object_get_ex (inner, "client", &client))
    json_object_object_add (client, "fitzpatrick", json_object_new_int (1));

  root = json_object_new_object ();
  json_object_object_add (root, "format", json_object_new_string (RECOVERY_FORMAT));
  json_object_object_add (root, "version", json_object_new_int (1));
  if (origin != NULL)
    {
      g_autofree char *uri = g_file_get_uri (origin);
      json_object_object_add (root, "origin", json_object_new_string (uri));
    }
  json_object_object_add (root, "saved_at", json_object_new_int64 (g_get_real_time () / G_USEC_PER_SEC));
  json_object_object_add (root, "skin_type_chosen", json_object_new_boolean (chosen));
  json_object_object_add (root, "consultation", inner);

  text = json_object_to_json_string_ext (root, JSON_C_TO_STRING_PLAIN);
  file = slot_file (id);
  ok = nm_file_replace_private (file, text, strlen (text), FALSE, NULL, error);
  json_object_put (root);

  return ok;
}

void
nm_recovery_remove (const char *id)
{
  g_autoptr(GFile) file = NULL;

  if (!id_is_valid (id))
    return;
  file = slot_file (id);
  g_file_delete (file, NULL, NULL);
}

static json_object *
read_wrapper (GFile   *file,
              GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  json_tokener *tok;
  json_object *root;
  json_object *format;

  if (!g_file_load_contents (file, NULL, &data, &len, NULL, error))
    return NULL;

  if (len > NM_FILE_MAX_BYTES * 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the recovery copy is too large");
      return NULL;
    }

  tok = json_tokener_new ();
  root = json_tokener_parse_ex (tok, data, (int) len);
  json_tokener_free (tok);
  if (root == NULL || !json_object_is_type (root, json_type_object) ||
      !json_object_object_get_ex (root, "format", &format) ||
      g_strcmp0 (json_object_get_string (format), RECOVERY_FORMAT) != 0)
    {
      json_object_put (root);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a recovery copy");
      return NULL;
    }
  return root;
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

/**
 * nm_recovery_list:
 *
 * Returns: (transfer full) (element-type NmRecoveryEntry): the recovery
 *   copies there are, oldest first. Unreadable ones are left where they are.
 */
GPtrArray *
nm_recovery_list (void)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GFileEnumerator) children = NULL;
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_recovery_entry_free);

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children == NULL)
    return entries;

  for (;;)
    {
      g_autoptr(GFileInfo) info = g_file_enumerator_next_file (children, NULL, NULL);
      const char *name;
      g_autofree char *id = NULL;
      g_autoptr(GFile) file = NULL;
      NmRecoveryEntry *entry;
      json_object *root, *value;

      if (info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (!g_str_has_suffix (name, RECOVERY_SUFFIX))
        continue;
      id = g_strndup (name, strlen (name) - strlen (RECOVERY_SUFFIX));
      if (!id_is_valid (id))
        continue;

      file = g_file_get_child (dir, name);
      root = read_wrapper (file, NULL);
      if (root == NULL)
        continue;

      entry = g_new0 (NmRecoveryEntry, 1);
      entry->id = g_steal_pointer (&id);
      entry->file = g_steal_pointer (&file);
      if (json_object_object_get_ex (root, "origin", &value) && json_object_is_type (value, json_type_string))
        entry->origin_uri = g_strdup (json_object_get_string (value));
      if (json_object_object_get_ex (root, "saved_at", &value))
        entry->saved_at = json_object_get_int64 (value);
      json_object_put (root);
      g_ptr_array_add (entries, entry);
    }

  g_ptr_array_sort (entries, compare_entries);
  return entries;
}

NmConsultation *
nm_recovery_load (NmRecoveryEntry  *entry,
                  GError          **error)
{
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(GBytes) bytes = NULL;
  json_object *root, *inner, *chosen;
  const char *text;

  g_return_val_if_fail (entry != NULL, NULL);

  root = read_wrapper (entry->file, error);
  if (root == NULL)
    return NULL;
  if (!json_object_object_get_ex (root, "consultation", &inner))
    {
      json_object_put (root);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the recovery copy holds no consultation");
      return NULL;
    }

  /* Through the one strict loader, like any file. */
  text = json_object_to_json_string_ext (inner, JSON_C_TO_STRING_PLAIN);
  bytes = g_bytes_new (text, strlen (text));
  consultation = nm_file_load_bytes (bytes, error);
  if (consultation != NULL &&
      json_object_object_get_ex (root, "skin_type_chosen", &chosen) &&
      !json_object_get_boolean (chosen))
    {
      nm_consultation_set_fitzpatrick (consultation, NM_FITZPATRICK_UNSET);
      nm_history_clear (nm_consultation_get_history (consultation));
    }
  json_object_put (root);

  return g_steal_pointer (&consultation);
}
