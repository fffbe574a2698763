/* nm-file-replace.c
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
#include <unistd.h>

#include "nm-file.h"

/* Replacing a file that holds health data: atomically, readable by its
 * owner only, keeping the previous version as a backup. */

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
