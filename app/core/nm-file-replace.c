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
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nm-file.h"
#include "nm-file-private.h"

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

/* Consultation files
 *
 * A consultation is saved as editors save a document: into the file the
 * user chose, whatever stands for it.
 *
 *  - A symbolic link stays a link: the file it points to is written, by a
 *    temporary file in that file's own folder renamed over it, and its
 *    backup “~” is the old contents next to it, never a link.  A link to
 *    nothing, or a loop of links, is refused.
 *  - A file that cannot be written to (read-only, or not ours to change)
 *    is refused, not replaced: renaming over it would succeed in a folder
 *    we may write to, and make it writable.
 *  - A file written by a newer Needlemap is never replaced (the format's
 *    promise): this version would drop what it cannot read.
 *  - A shared file keeps its group and its group's permissions, so that
 *    colleagues still open it: the new file is 0600 plus the old file's
 *    group bits, with the old file's group when we may give it that group
 *    (we are a member, or root), else 0600.  “Other” never gets any bits,
 *    and no bit is added that the old file did not have.  The owner is
 *    kept only by root; anyone else's save makes the file theirs, as any
 *    editor's does.  A new file is 0600.  That the group or mode could not
 *    be kept does not make the save fail: the file was replaced.
 *  - The temporary file is named “NAME.saving-PID-XXXXXX”; one left over
 *    by a killed save holds health data, so the next open or save of NAME
 *    removes it, once its process is gone and it has not been touched for
 *    a while (see remove_stale_temporaries()). */

#define TEMP_INFIX ".saving-"
/* a save writes in seconds: a temporary file untouched for this long, whose
 * process is gone, belongs to a save that was killed */
#define STALE_TEMP_SECONDS (10 * 60)
/* the file's name is cut in its temporary file's, which must fit NAME_MAX */
#define TEMP_BASE_MAX 200
/* a file this large is not one of ours, in any version */
#define VERSION_SCAN_MAX ((goffset) NM_FILE_MAX_BYTES * 4)

/* The start of NAME's temporary files' names, for NAME's base name. */
static char *
temp_base_prefix (const char *target)
{
  g_autofree char *base = g_path_get_basename (target);

  if (strlen (base) > TEMP_BASE_MAX)
    base[TEMP_BASE_MAX] = '\0';
  return g_strconcat (base, TEMP_INFIX, NULL);
}

/* Whether @name is exactly “PREFIX<pid>-XXXXXX”, as the template makes it. */
static gboolean
is_temp_name (const char *name,
              const char *prefix,
              pid_t      *pid)
{
  const char *p;
  char *end = NULL;
  guint64 value;

  if (!g_str_has_prefix (name, prefix))
    return FALSE;
  p = name + strlen (prefix);
  if (!g_ascii_isdigit (*p))
    return FALSE;
  value = g_ascii_strtoull (p, &end, 10);
  if (end - p > 10 || *end != '-' || value == 0 || value > G_MAXINT)
    return FALSE;
  p = end + 1;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isalnum (p[i]))
      return FALSE;
  if (p[6] != '\0')
    return FALSE;

  *pid = (pid_t) value;
  return TRUE;
}

/* A process with this number runs here (perhaps another user's, or,
 * in a shared folder, a save from another computer that shares the
 * number: either way, its file is left alone). */
static gboolean
process_alive (pid_t pid)
{
  return kill (pid, 0) == 0 || errno != ESRCH;
}

/* Removes the temporary files that killed saves of @target left: our exact
 * naming, a regular file, its process gone and the file not written to for
 * STALE_TEMP_SECONDS.  Both conditions, so that neither a save running in
 * another process here nor one from another computer on a shared folder
 * (whose process number means nothing here) loses its file. */
static void
remove_stale_temporaries (const char *target)
{
  g_autofree char *dir_path = g_path_get_dirname (target);
  g_autofree char *prefix = temp_base_prefix (target);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;
      pid_t pid;

      if (!is_temp_name (name, prefix, &pid) || pid == getpid ())
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) ||
          now - (gint64) st.st_mtime < STALE_TEMP_SECONDS || process_alive (pid))
        continue;
      /* no name in the log: it is the client's, often */
      if (g_unlink (path) == 0)
        g_debug ("Removed the temporary file of a save that was interrupted");
    }
}

/**
 * nm_file_remove_stale_temporaries:
 * @file: a consultation file
 *
 * Removes what saves of @file that were killed left behind (their
 * temporary files hold health data).  Only our own naming, and only files
 * whose process is gone and that no one wrote to for several minutes.
 */
void
nm_file_remove_stale_temporaries (GFile *file)
{
  g_autofree char *path = NULL;
  g_autofree char *real = NULL;

  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    return;
  /* the temporary files are beside the file a link points to */
  real = realpath (path, NULL);
  remove_stale_temporaries (real != NULL ? real : path);
}

/* Reads a consultation's top-level "format" and "version" from a stream,
 * a character at a time, in constant memory: whatever the file is (it may
 * be a newer format this version cannot load, or not ours at all), only
 * those two are looked at.  Keys and the format are compared as they are
 * written: one with an escape ("vers\u0069on") means what the reader
 * decodes it to, which this scan does not tell, so then the reader's own
 * parse decides (see version_as_read()). */
typedef enum
{
  CAPTURE_NONE,
  CAPTURE_KEY,
  CAPTURE_FORMAT,
  CAPTURE_VERSION
} Capture;

typedef struct
{
  int      depth;
  gboolean in_string;
  gboolean escape;
  gboolean expect_key;
  Capture  capture;
  char     buf[64];
  gsize    len;
  gboolean overflow;
  char     key[16];       /* the top-level key whose value comes next */
  gboolean format_seen;
  gboolean format_ours;
  gboolean version_seen;
  double   version;
  gboolean object;        /* the file starts as a JSON object */
  gboolean escaped;       /* a top-level key or the format has an escape */
  gboolean done;
} VersionScan;

static void
scan_keep (VersionScan *s,
           char         c)
{
  if (s->len + 1 < sizeof s->buf)
    s->buf[s->len++] = c;
  else
    s->overflow = TRUE;
}

static void
scan_start (VersionScan *s,
            Capture      capture)
{
  s->capture = capture;
  s->len = 0;
  s->overflow = FALSE;
}

static void
scan_end_number (VersionScan *s)
{
  double version;

  s->buf[s->len] = '\0';
  /* a number too long to keep is a large one */
  version = s->overflow ? G_MAXDOUBLE : g_ascii_strtod (s->buf, NULL);
  s->version = s->version_seen ? MAX (s->version, version) : version;
  s->version_seen = TRUE;
  s->capture = CAPTURE_NONE;
}

static void
scan_char (VersionScan *s,
           char         c)
{
  if (s->in_string)
    {
      if (s->escape)
        s->escape = FALSE;
      else if (c == '\\')
        {
          s->escape = TRUE;
          if (s->capture == CAPTURE_KEY || s->capture == CAPTURE_FORMAT)
            s->escaped = TRUE;
        }
      else if (c == '"')
        {
          s->in_string = FALSE;
          s->buf[s->len] = '\0';
          if (s->capture == CAPTURE_KEY)
            {
              g_strlcpy (s->key, s->overflow ? "" : s->buf, sizeof s->key);
              s->expect_key = FALSE;
            }
          else if (s->capture == CAPTURE_FORMAT)
            {
              s->format_seen = TRUE;
              s->format_ours = !s->overflow && strcmp (s->buf, NM_FILE_FORMAT) == 0;
            }
          s->capture = CAPTURE_NONE;
          return;
        }
      if (s->capture != CAPTURE_NONE)
        scan_keep (s, c);
      return;
    }

  if (s->capture == CAPTURE_VERSION)
    {
      if (c != '\0' && (g_ascii_isdigit (c) || strchr ("+-.eE", c) != NULL))
        {
          scan_keep (s, c);
          return;
        }
      scan_end_number (s);
    }

  switch (c)
    {
    case '"':
      s->in_string = TRUE;
      if (s->depth != 1)
        scan_start (s, CAPTURE_NONE);
      else if (s->expect_key)
        scan_start (s, CAPTURE_KEY);
      else
        scan_start (s, strcmp (s->key, "format") == 0 ? CAPTURE_FORMAT : CAPTURE_NONE);
      break;

    case '{':
    case '[':
      s->depth++;
      if (s->depth == 1)
        {
          s->expect_key = TRUE;
          s->object = c == '{';
          s->done = c == '[';   /* not an object: not ours */
        }
      break;

    case '}':
    case ']':
      s->depth--;
      s->done = s->depth <= 0;
      break;

    case ',':
      if (s->depth == 1)
        {
          s->expect_key = TRUE;
          s->key[0] = '\0';
        }
      break;

    default:
      if (s->depth == 1 && !s->expect_key && strcmp (s->key, "version") == 0 &&
          (c == '-' || g_ascii_isdigit (c)))
        {
          scan_start (s, CAPTURE_VERSION);
          scan_keep (s, c);
        }
      break;
    }

  if (s->format_seen && s->version_seen)
    s->done = TRUE;
}

/* When the scan cannot tell: the top-level "format" and "version" as the
 * reader sees them, escapes decoded, from the reader's own parse of the
 * whole file.  %FALSE when the reader would not read @file at all (not
 * JSON, not one object, beyond the format's limits, a key twice): the
 * reader refuses such a file as invalid, not as a newer version, and the
 * document's version check guards it against a save the user did not
 * choose. */
static gboolean
version_as_read (GFile         *file,
                 GCancellable  *cancellable,
                 gboolean      *format_seen,
                 gboolean      *format_ours,
                 gboolean      *version_seen,
                 double        *version)
{
  NmJsonRules rules = _nm_file_rules ();
  g_autoptr(GBytes) bytes = nm_file_read_bounded (file, NM_FILE_MAX_BYTES, NULL, cancellable, NULL);
  g_autoptr(NmJsonDoc) doc = bytes != NULL ? nm_json_doc_parse (bytes, &rules, NULL) : NULL;
  const NmJsonNode *root = doc != NULL ? nm_json_doc_get_root (doc) : NULL;
  const NmJsonNode *node;

  if (root == NULL || root->type != json_type_object)
    return FALSE;

  node = nm_json_member (root, "format");
  *format_seen = node != NULL;
  *format_ours = node != NULL && node->type == json_type_string &&
                 strcmp (node->text, NM_FILE_FORMAT) == 0;

  node = nm_json_member (root, "version");
  *version_seen = node != NULL && (node->type == json_type_int || node->type == json_type_double);
  if (node != NULL && node->type == json_type_int)
    *version = (double) node->v.integer;
  else if (node != NULL && node->type == json_type_double)
    *version = node->v.number;
  return TRUE;
}

/**
 * nm_file_check_not_newer:
 * @file: where a consultation is about to be saved
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Refuses with %NM_FILE_ERROR_NEWER_VERSION when @file holds a
 * consultation of a newer format version than this Needlemap writes: the
 * format promises such a file is never overwritten.  Reads only as far as
 * the top-level "format" and "version" keys, in constant memory, unless
 * they are not written plainly (an escape in a top-level key or in the
 * format, or no plain "version"): then the file is parsed as the reader
 * parses it, so that what the reader refuses as a newer version is never
 * written over.  A file that does not exist, is not ours, or cannot be
 * read passes: the save itself says what is wrong with it.
 *
 * Returns: %FALSE when @file must not be written over
 */
gboolean
nm_file_check_not_newer (GFile         *file,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  VersionScan scan = { 0 };
  goffset total = 0;
  char buffer[16 * 1024];

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* only a regular file is opened: a pipe would never end */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return TRUE;
  in = g_file_read (file, cancellable, NULL);
  if (in == NULL)
    return TRUE;

  while (!scan.done && total < VERSION_SCAN_MAX)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, cancellable, NULL);

      if (n <= 0)
        break;
      total += n;
      for (gssize i = 0; i < n && !scan.done; i++)
        scan_char (&scan, buffer[i]);
    }
  if (scan.capture == CAPTURE_VERSION)
    scan_end_number (&scan);

  /* a JSON object whose keys the scan could not tell: the reader decides */
  if (scan.object && (scan.escaped || !scan.version_seen) && total < VERSION_SCAN_MAX)
    version_as_read (file, cancellable, &scan.format_seen, &scan.format_ours,
                     &scan.version_seen, &scan.version);

  if (scan.version_seen && scan.version > NM_FILE_VERSION && (!scan.format_seen || scan.format_ours))
    {
      g_set_error (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION,
                   /* Translators: %g is the version of the file, %d this Needlemap's */
                   _("the file was saved by a newer Needlemap (format version %g; this one "
                     "writes version %d), so it is not replaced: save a copy instead"),
                   scan.version, NM_FILE_VERSION);
      return FALSE;
    }

  return TRUE;
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *message)
{
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), message);
}

/* The file a save of @path writes: @path, or the file the link @path
 * points to (resolved whole, so that a link to a link works). */
static char *
resolve_target (const char  *path,
                GError     **error)
{
  GStatBuf st;
  char *real;
  char *target;

  if (g_lstat (path, &st) != 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return g_strdup (path);   /* a new file */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("could not look at the file: %s"), g_strerror (saved));
      return NULL;
    }
  if (!S_ISLNK (st.st_mode))
    return g_strdup (path);

  real = realpath (path, NULL);
  if (real == NULL)
    {
      int saved = errno;

      if (saved == ELOOP)
        set_errno_error (error, saved,
                         _("the file is a link that leads back to itself through other links; "
                           "nothing was written"));
      else if (saved == ENOENT || saved == ENOTDIR)
        set_errno_error (error, ENOENT,
                         _("the file is a link to a file that does not exist; nothing was written"));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     _("could not follow the link to the file: %s"), g_strerror (saved));
      return NULL;
    }
  target = g_strdup (real);
  free (real);
  return target;
}

/* An existing file may be replaced only when it is a regular file we may
 * write to: otherwise the rename would replace what we may not change. */
static gboolean
check_replaceable (const char      *target,
                   const GStatBuf  *st,
                   GError         **error)
{
  if (!S_ISREG (st->st_mode))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                           _("not a regular file; nothing was written"));
      return FALSE;
    }

  /* (access() lets root write anything: the mode is asked first) */
  if ((st->st_mode & 0222) == 0 || access (target, W_OK) != 0)
    {
      gboolean read_only_disk = (st->st_mode & 0222) != 0 && errno == EROFS;

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                           read_only_disk
                           ? _("the disk is read-only; the file was not changed")
                           : _("the file is read-only, or you do not have permission to change it; "
                               "it was not changed"));
      return FALSE;
    }

  return TRUE;
}

/* The error of a temporary file that could not be created in the folder:
 * the first thing a save does there, so a folder we may not write to is
 * told here, before anything changed. */
static void
set_create_error (GError **error,
                  int      saved)
{
  switch (saved)
    {
    case EACCES:
    case EPERM:
      set_errno_error (error, saved,
                       _("you do not have permission to create files in the folder, which saving "
                         "needs; the file was not changed"));
      break;
    case EROFS:
      set_errno_error (error, saved, _("the disk is read-only; the file was not changed"));
      break;
    case ENOSPC:
    case EDQUOT:
      set_errno_error (error, ENOSPC, _("the disk is full; the file was not changed"));
      break;
    default:
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("could not create a file in the folder: %s; the file was not changed"),
                   g_strerror (saved));
    }
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = ENOSPC;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Gives the new file (@fd, still 0600) the old file's group and its
 * group's permissions, as the comment above says.  Failing that is not a
 * failed save: it says so in the log, without the file's name. */
static void
keep_group_and_mode (int             fd,
                     const GStatBuf *old)
{
  struct stat now;
  uid_t owner = geteuid () == 0 ? old->st_uid : (uid_t) -1;
  mode_t mode = 0600 | (old->st_mode & 0060);

  if (fstat (fd, &now) != 0)
    return;
  if ((owner != (uid_t) -1 && now.st_uid != owner) || now.st_gid != old->st_gid)
    {
      /* the owner is root's to keep; the group is ours to give when we are
       * a member of it */
      if (fchown (fd, owner, old->st_gid) != 0 &&
          (owner == (uid_t) -1 || fchown (fd, (uid_t) -1, old->st_gid) != 0))
        g_message ("Saved; could not keep the file's group: %s", g_strerror (errno));
      if (fstat (fd, &now) != 0)
        return;
    }

  /* group permissions for the old file's group only */
  if (now.st_gid != old->st_gid)
    mode = 0600;
  if (mode != 0600 && fchmod (fd, mode) != 0)
    g_message ("Saved; could not keep the file's permissions: %s", g_strerror (errno));
}

/* The backup is the old file itself (a hard link): it keeps its owner and
 * group; only what “other” could do is taken away, when it is ours to. */
static void
restrict_backup (const char     *target,
                 const GStatBuf *old)
{
  g_autofree char *backup = g_strconcat (target, "~", NULL);
  GStatBuf st;

  if (g_lstat (backup, &st) != 0 || !S_ISREG (st.st_mode) || (st.st_mode & 0007) == 0)
    return;
  if (g_chmod (backup, st.st_mode & 0770) != 0)
    g_message ("Saved; could not make the backup private: %s", g_strerror (errno));
}

static NmFileBeforeReplaceHook before_replace_hook;
static gpointer before_replace_data;

void
_nm_file_set_before_replace_hook (NmFileBeforeReplaceHook hook,
                                  gpointer                user_data)
{
  before_replace_hook = hook;
  before_replace_data = user_data;
}

/* Whether @file is still the version @expected (any, when %NULL); a file
 * that is gone is no version another program wrote over, and may be
 * written, as a new one. */
static gboolean
check_version (GFile         *file,
               const char    *expected,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *now = NULL;

  if (expected == NULL)
    return TRUE;

  now = _nm_file_query_stamp (file, cancellable, NULL);
  if (now != NULL && strcmp (now, expected) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG,
                           _("the file was changed by another program after it was opened here"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
replace_local (const char    *path,
               const char    *data,
               gsize          len,
               const char    *expected,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFile) target_file = NULL;
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *name = NULL;
  g_autofree char *temp = NULL;
  GStatBuf old;
  gboolean have_old;
  int fd;

  target = resolve_target (path, error);
  if (target == NULL)
    return FALSE;
  target_file = g_file_new_for_path (target);
  if (!check_version (target_file, expected, cancellable, error))
    return FALSE;

  have_old = g_stat (target, &old) == 0;
  if (!have_old && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("could not look at the file: %s"), g_strerror (saved));
      return FALSE;
    }
  if (have_old && !check_replaceable (target, &old, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  remove_stale_temporaries (target);

  dir = g_path_get_dirname (target);
  prefix = temp_base_prefix (target);
  name = g_strdup_printf ("%s%d-XXXXXX", prefix, (int) getpid ());
  temp = g_build_filename (dir, name, NULL);
  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_create_error (error, errno);
      return FALSE;
    }

  if (!write_all (fd, data, len) || fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      g_unlink (temp);
      if (saved == ENOSPC || saved == EDQUOT)
        set_errno_error (error, ENOSPC, _("the disk is full; the file was not changed"));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     _("could not write the file: %s; it was not changed"), g_strerror (saved));
      return FALSE;
    }
  if (have_old)
    keep_group_and_mode (fd, &old);
  if (close (fd) != 0)
    {
      int saved = errno;

      g_unlink (temp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("could not write the file: %s; it was not changed"), g_strerror (saved));
      return FALSE;
    }

  /* Another program's save may have landed while ours was written and
   * synced (seconds, on slow disks): looked at again now, before the
   * backup (whose link changes the file's change time) and the rename. */
  if (before_replace_hook != NULL)
    before_replace_hook (target, before_replace_data);
  if (!check_version (target_file, expected, cancellable, error))
    {
      g_unlink (temp);
      return FALSE;
    }

  /* the backup last, once the new contents are safely on disk */
  if ((have_old && !make_backup (target, error)) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_unlink (temp);
      return FALSE;
    }

  if (g_rename (temp, target) != 0)
    {
      int saved = errno;

      g_unlink (temp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("could not replace the file: %s; it was not changed"), g_strerror (saved));
      return FALSE;
    }

  if (have_old)
    restrict_backup (target, &old);
  return TRUE;
}

/**
 * nm_file_replace_consultation:
 * @file: where to save a consultation
 * @data: (array length=len): the document
 * @len: its length
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Saves a consultation file as the comment above says: atomically, with a
 * backup, through symbolic links, never over a read-only file or a newer
 * version, keeping a shared file's group.  On error @file is unchanged.
 *
 * Returns: %TRUE when @file now holds @data
 */
gboolean
nm_file_replace_consultation (GFile         *file,
                              const void    *data,
                              gsize          len,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return _nm_file_replace_consultation_over (file, data, len, NULL, cancellable, error);
}

gboolean
_nm_file_replace_consultation_over (GFile         *file,
                                    const void    *data,
                                    gsize          len,
                                    const char    *expected,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!nm_file_check_not_newer (file, cancellable, error))
    return FALSE;

  path = g_file_is_native (file) ? g_file_get_path (file) : NULL;
  if (path != NULL)
    return replace_local (path, data, len, expected, cancellable, error);

  /* a share's file (GVfs): checked once, before writing */
  if (!check_version (file, expected, cancellable, error))
    return FALSE;
  return nm_file_replace_private (file, data, len, TRUE, cancellable, error);
}
