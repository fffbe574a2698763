/* nm-find-lot.c: `needlemap --find-lot LOT FOLDER…`, who was treated with
 * a needle cartridge lot
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

#define G_LOG_DOMAIN "nm-find-lot"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nm-consultation.h"
#include "nm-file.h"
#include "nm-find-lot.h"
#include "nm-gs1.h"

/* The folders are walked in name order, so the output is the same for the
 * same files. In a folder, the files named *.needlemap are checked, links
 * to files included; links to folders are not followed (a loop, or the same
 * files twice), but a folder named on the command line may be a link. A
 * file reached twice (a link and its target) is checked and listed once,
 * under the name met first.
 *
 * Speed: a file is read whole (it is at most 16 MiB) and parsed only when
 * its bytes can hold the lot as a JSON string: the lot as the writer
 * escapes it, or any escape ("\u…", "\/") that could spell it otherwise.
 * A file that cannot hold the lot is not parsed, so it is never reported
 * as malformed either: it cannot have used the lot. A file that can and is
 * not a consultation the application would open is reported and skipped,
 * as is one that cannot be read; never its contents, only its name and
 * what is wrong. */

enum {
  EXIT_OK = 0,
  EXIT_PROBLEM = 1,
  EXIT_USAGE = 2,
};

/* folders within folders, beyond which a tree is not walked (a bind-mount
 * loop) */
#define MAX_FOLDER_DEPTH 64

typedef struct
{
  const char  *lot;
  char        *needle;     /* the lot as a JSON string's bytes, quotes included */
  gsize        needle_len;
  gboolean     json;
  GString     *out;
  GString     *err;
  json_object *sessions;
  json_object *skipped;
  GHashTable  *seen;       /* "device:inode" of the files checked */
  guint        n_problems;
} Search;

static const char *
display_name (const char *path,
              char      **to_free)
{
  if (g_utf8_validate (path, -1, NULL))
    return path;
  *to_free = g_filename_display_name (path);
  return *to_free;
}

static void
problem (Search     *s,
         const char *path,
         const char *message)
{
  g_autofree char *shown_free = NULL;
  const char *shown = display_name (path, &shown_free);
  json_object *entry;

  s->n_problems++;
  /* Translators: a file name, then what is wrong with it; one line */
  g_string_append_printf (s->err, _("needlemap: %s: %s, skipped\n"), shown, message);
  if (!s->json)
    return;
  entry = json_object_new_object ();
  json_object_object_add (entry, "file", json_object_new_string (shown));
  json_object_object_add (entry, "problem", json_object_new_string (message));
  json_object_array_add (s->skipped, entry);
}

static gboolean
has_bytes (const char *data,
           gsize       len,
           const char *needle,
           gsize       needle_len)
{
  const char *p = data;
  const char *end = data + len;

  if (needle_len == 0 || needle_len > len)
    return needle_len == 0;
  while ((gsize) (end - p) >= needle_len)
    {
      p = memchr (p, needle[0], (end - p) - needle_len + 1);
      if (p == NULL)
        return FALSE;
      if (memcmp (p, needle, needle_len) == 0)
        return TRUE;
      p++;
    }
  return FALSE;
}

static gboolean
may_hold_lot (Search     *s,
              const char *data,
              gsize       len)
{
  return has_bytes (data, len, s->needle, s->needle_len) ||
         has_bytes (data, len, "\\u", 2) ||
         (strchr (s->lot, '/') != NULL && has_bytes (data, len, "\\/", 2));
}

static void
add_match (Search     *s,
           const char *path,
           NmSession  *session)
{
  g_auto(GStrv) regions = nm_session_dup_depth_regions (session);
  const char *date = nm_session_get_date (session);

  if (s->json)
    {
      g_autofree char *shown_free = NULL;
      json_object *entry = json_object_new_object ();
      json_object *list = json_object_new_array ();

      json_object_object_add (entry, "file", json_object_new_string (display_name (path, &shown_free)));
      if (date != NULL)
        json_object_object_add (entry, "date", json_object_new_string (date));
      json_object_object_add (entry, "done", json_object_new_boolean (nm_session_get_done (session)));
      for (guint i = 0; regions[i] != NULL; i++)
        json_object_array_add (list, json_object_new_string (regions[i]));
      json_object_object_add (entry, "regions", list);
      if (nm_session_get_cartridge_gtin (session) != NULL)
        json_object_object_add (entry, "cartridge_gtin",
                                json_object_new_string (nm_session_get_cartridge_gtin (session)));
      if (nm_session_get_cartridge_expiry (session) != NULL)
        json_object_object_add (entry, "cartridge_expiry",
                                json_object_new_string (nm_session_get_cartridge_expiry (session)));
      json_object_array_add (s->sessions, entry);
      return;
    }

  /* FILE <tab> DATE <tab> REGION,REGION: one session a line */
  g_string_append (s->out, path);
  g_string_append_c (s->out, '\t');
  g_string_append (s->out, date != NULL ? date : "-");
  g_string_append_c (s->out, '\t');
  if (regions[0] == NULL)
    g_string_append_c (s->out, '-');
  for (guint i = 0; regions[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (s->out, ',');
      g_string_append (s->out, regions[i]);
    }
  g_string_append_c (s->out, '\n');
}

static void
check_file (Search     *s,
            const char *path)
{
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  struct stat st;
  char *data;
  gsize len = 0;
  int fd;

  /* non-blocking: a pipe named *.needlemap must not hang the search */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;

      problem (s, path, g_strerror (saved));
      return;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      problem (s, path, _("not a regular file"));
      return;
    }
  /* a file reached twice (a link beside its target) is listed once */
  if (!g_hash_table_add (s->seen, g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino)))
    {
      close (fd);
      return;
    }
  if (st.st_size > NM_FILE_MAX_BYTES)
    {
      close (fd);
      problem (s, path, _("larger than the 16 MiB a consultation file may hold"));
      return;
    }

  /* one byte more than told: a file that grew is refused at the limit */
  data = g_malloc ((gsize) st.st_size + 1);
  for (;;)
    {
      gssize n = read (fd, data + len, (gsize) st.st_size + 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_free (data);
          problem (s, path, g_strerror (saved));
          return;
        }
      if (n == 0 || len + n > (gsize) st.st_size)
        {
          len += n;
          break;
        }
      len += n;
    }
  close (fd);
  if (len > (gsize) st.st_size && len > NM_FILE_MAX_BYTES)
    {
      g_free (data);
      problem (s, path, _("larger than the 16 MiB a consultation file may hold"));
      return;
    }

  if (!may_hold_lot (s, data, len))
    {
      g_free (data);
      return;
    }

  bytes = g_bytes_new_take (data, len);
  c = nm_file_load_bytes (bytes, &error);
  if (c == NULL)
    {
      problem (s, path, error->message);
      return;
    }
  for (guint i = 0; i < nm_consultation_get_n_sessions (c); i++)
    {
      NmSession *session = nm_consultation_get_session (c, i);

      if (g_strcmp0 (nm_session_get_cartridge_lot (session), s->lot) == 0)
        add_match (s, path, session);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
walk (Search     *s,
      const char *folder,
      guint       depth)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DIR *dir;
  struct dirent *entry_info;

  if (depth > MAX_FOLDER_DEPTH)
    {
      problem (s, folder, _("folders nested too deep"));
      return;
    }
  dir = opendir (folder);
  if (dir == NULL)
    {
      int saved = errno;

      problem (s, folder, g_strerror (saved));
      return;
    }
  while ((entry_info = readdir (dir)) != NULL)
    if (strcmp (entry_info->d_name, ".") != 0 && strcmp (entry_info->d_name, "..") != 0)
      g_ptr_array_add (names, g_strdup (entry_info->d_name));
  closedir (dir);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (folder, entry, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        {
          int saved = errno;

          problem (s, path, g_strerror (saved));
          continue;
        }
      if (S_ISDIR (st.st_mode))
        walk (s, path, depth + 1);
      else if (g_str_has_suffix (entry, ".needlemap"))
        /* a file, a link (followed), or anything else named so: reported */
        check_file (s, path);
    }
}

/**
 * nm_find_lot_command:
 * @lot: a lot number, or a GS1 code holding one (its lot is searched)
 * @paths: folders (walked) and files (checked whatever their name)
 * @json: write JSON rather than lines of text
 * @out: receives the sessions found
 * @err: receives one line per file or folder skipped, and usage errors
 *
 * `needlemap --find-lot LOT FOLDER…`: the sessions whose cartridge_lot is
 * exactly @lot (GS1 lots are case-sensitive), in the files of @paths.
 *
 * Returns: the exit status: 0 every file was checked (found or not), 1
 *   some file or folder could not be checked (the others were), 2 @lot is
 *   not a lot
 */
int
nm_find_lot_command (const char         *lot,
                     const char * const *paths,
                     gboolean            json,
                     GString            *out,
                     GString            *err)
{
  g_autoptr(GString) needle = g_string_new ("\"");
  NmGs1Code code;
  Search s = { 0 };

  g_return_val_if_fail (lot != NULL, EXIT_USAGE);
  g_return_val_if_fail (out != NULL && err != NULL, EXIT_USAGE);

  if (nm_gs1_looks_like_code (lot))
    {
      g_autoptr(GError) error = NULL;

      if (!nm_gs1_parse (lot, 0, &code, &error))
        {
          g_string_append_printf (err, "needlemap: %s\n", error->message);
          return EXIT_USAGE;
        }
      if (code.lot[0] == '\0')
        {
          g_string_append (err, _("needlemap: the GS1 code has no lot (10) to look for\n"));
          return EXIT_USAGE;
        }
      lot = code.lot;
    }
  else if (!nm_gs1_lot_is_valid (lot))
    {
      g_string_append_printf (err, _("needlemap: --find-lot takes a lot number of 1–%d characters: "
                                     "letters, digits and the signs a GS1 lot may hold, no spaces\n"),
                              NM_GS1_LOT_MAX);
      return EXIT_USAGE;
    }
  if (paths == NULL || paths[0] == NULL)
    {
      g_string_append (err, _("needlemap: --find-lot takes a lot and at least one folder\n"));
      return EXIT_USAGE;
    }

  /* the lot as the writer spells it in JSON: only '"' is escaped (CSET 82
   * has no backslash or control character) */
  for (const char *p = lot; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (needle, '\\');
      g_string_append_c (needle, *p);
    }
  g_string_append_c (needle, '"');

  s.lot = lot;
  s.needle = needle->str;
  s.needle_len = needle->len;
  s.json = json;
  s.out = out;
  s.err = err;
  s.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (json)
    {
      s.sessions = json_object_new_array ();
      s.skipped = json_object_new_array ();
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      GStatBuf st;

      /* a folder named here may be a link */
      if (g_stat (paths[i], &st) != 0)
        {
          int saved = errno;

          problem (&s, paths[i], g_strerror (saved));
        }
      else if (S_ISDIR (st.st_mode))
        walk (&s, paths[i], 0);
      else
        check_file (&s, paths[i]);
    }

  if (json)
    {
      json_object *root = json_object_new_object ();

      json_object_object_add (root, "format", json_object_new_string ("needlemap-lot-search"));
      json_object_object_add (root, "version", json_object_new_int (1));
      json_object_object_add (root, "lot", json_object_new_string (lot));
      json_object_object_add (root, "sessions", s.sessions);
      json_object_object_add (root, "skipped", s.skipped);
      g_string_append (out, json_object_to_json_string_ext (root, JSON_C_TO_STRING_PRETTY |
                                                                  JSON_C_TO_STRING_SPACED |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
      g_string_append_c (out, '\n');
      json_object_put (root);
    }

  g_hash_table_unref (s.seen);
  return s.n_problems > 0 ? EXIT_PROBLEM : EXIT_OK;
}
