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
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-history.h"
#include "nm-json-reader.h"
#include "nm-recovery.h"

/* A recovery copy is the consultation as a plain document, <id>.needlemap,
 * restored with the normal loader.  A small key file beside it,
 * <id>.recovery, says where it came from, which version of that file the
 * work was based on, and which process it belongs to:
 *
 *   [Recovery]
 *   Origin=file:///…
 *   BaseEtag=1795000000:123456
 *   Owner=<uuid of the process>
 *   Pid=4242
 *   BootId=<the kernel's boot id>
 *
 * and the copy's modification time says when it was saved.  So listing the
 * copies reads no JSON, no JSON is read twice, and an autosave writes one
 * file (the key file only when what it says changes).  Work whose skin type
 * is not chosen yet is written without client.fitzpatrick and read back so
 * (NM_FILE_LOAD_SKIN_TYPE_OPTIONAL): no type is ever made up.
 *
 * A copy always loads: what the reader would refuse (a limit of the format
 * passed) is not written, and the last copy that loads stays.
 *
 * A copy belongs to the process that writes it for as long as that process
 * runs: each process holds an flock() on <owner>.lock, open for its whole
 * life (created under another name and locked before it is given its own,
 * so it is never seen unlocked).  Another process neither lists nor
 * deletes a copy whose owner's lock is held; one whose lock can be taken
 * (or is gone) was left by a process that ended, and the process that
 * lists it takes it over by writing its own name into the key file, under
 * claims.lock, so that two processes never both offer it.  Where flock()
 * does not work, the owner's pid and boot id say whether it still runs.
 *
 * Earlier versions wrote one JSON wrapper instead, <id>.needlemap-recovery:
 *
 *   { "format": "needlemap-recovery", "version": 1, "origin": "file:///…",
 *     "saved_at": 1795000000, "skin_type_chosen": true,
 *     "consultation": { …the document, skin type 1 when not chosen… } }
 *
 * Such copies are still listed and restored, read with the core's one JSON
 * reader; the next write of that slot replaces them.  Copies without an
 * owner (earlier versions) count as left behind; without a base version,
 * their origin counts as changed, so that saving over it asks first.
 *
 * Copies live in $XDG_STATE_HOME/needlemap/recovery/, mode 0600 in a 0700
 * folder, and are written with nm_file_replace_private(). */

#define COPY_SUFFIX     ".needlemap"
#define INFO_SUFFIX     ".recovery"
#define INFO_GROUP      "Recovery"
#define LEGACY_SUFFIX   ".needlemap-recovery"
#define LEGACY_FORMAT   "needlemap-recovery"
#define LOCK_SUFFIX     ".lock"
#define CLAIMS_NAME     "claims.lock"

void
nm_recovery_entry_free (NmRecoveryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_clear_object (&entry->file);
  g_free (entry->origin_uri);
  g_free (entry->base_etag);
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

/* Owners: this process, and the processes that wrote the other copies. */

G_LOCK_DEFINE_STATIC (owner);
static char *owner_id;    /* this process's, once it wrote a copy */
static int   owner_fd = -1;

static char *
read_boot_id (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
    return g_strdup ("");
  return g_strstrip (g_steal_pointer (&text));
}

static gpointer
boot_id_once (gpointer data)
{
  return read_boot_id ();
}

/* The kernel's id of this boot: a pid means this process only within it. */
static const char *
boot_id (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, boot_id_once, NULL);
}

static gboolean
flock_unsupported (int saved_errno)
{
  return saved_errno == ENOLCK || saved_errno == EINVAL || saved_errno == EOPNOTSUPP ||
         saved_errno == ENOSYS;
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
}

/* This process's name as the owner of its copies, with its lock taken:
 * made at its first write, held until it ends. */
static const char *
ensure_owner (const char  *dir_path,
              GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;
  const char *owner;
  int fd;

  G_LOCK (owner);
  if (owner_id != NULL)
    {
      owner = owner_id;
      G_UNLOCK (owner);
      return owner;
    }

  id = g_uuid_string_random ();
  tmp = g_strconcat (dir_path, G_DIR_SEPARATOR_S, id, LOCK_SUFFIX ".new", NULL);
  path = g_strconcat (dir_path, G_DIR_SEPARATOR_S, id, LOCK_SUFFIX, NULL);

  fd = open (tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      /* Translators: shown after “its recovery copy could not be written” */
      set_errno_error (error, errno, _("cannot create the recovery lock"));
      G_UNLOCK (owner);
      return NULL;
    }
  /* nobody else has it: a failure says flock() does not work here, and
   * then the pid in the key files says whether this process runs */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0 && !flock_unsupported (errno))
    g_debug ("the recovery lock cannot be taken: %s", g_strerror (errno));
  if (rename (tmp, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp);
      close (fd);
      set_errno_error (error, saved_errno, _("cannot create the recovery lock"));
      G_UNLOCK (owner);
      return NULL;
    }

  owner_fd = fd;
  owner_id = g_steal_pointer (&id);
  owner = owner_id;
  G_UNLOCK (owner);
  return owner;
}

static const char *
current_owner (void)
{
  const char *owner;

  G_LOCK (owner);
  owner = owner_id;
  G_UNLOCK (owner);
  return owner;
}

typedef enum
{
  OWNER_GONE,   /* ended, or never recorded: the copy was left behind */
  OWNER_SELF,   /* this process */
  OWNER_LIVE    /* another process that still runs */
} OwnerState;

/* Whether the process that wrote @keys still runs: its lock is held. */
static OwnerState
owner_state (const char *dir_path,
             GKeyFile   *keys)
{
  g_autofree char *owner = g_key_file_get_string (keys, INFO_GROUP, "Owner", NULL);
  g_autofree char *boot = NULL;
  g_autofree char *path = NULL;
  const char *self_owner = current_owner ();
  gint64 pid;
  int fd, saved_errno;

  if (owner == NULL || !g_uuid_string_is_valid (owner))
    return OWNER_GONE;
  if (self_owner != NULL && strcmp (owner, self_owner) == 0)
    return OWNER_SELF;

  path = g_strconcat (dir_path, G_DIR_SEPARATOR_S, owner, LOCK_SUFFIX, NULL);
  fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? OWNER_GONE : OWNER_LIVE;
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      close (fd);
      return OWNER_GONE;
    }
  saved_errno = errno;
  close (fd);
  if (saved_errno == EWOULDBLOCK || !flock_unsupported (saved_errno))
    return OWNER_LIVE;

  /* no flock() here: the same boot, and a process of that pid */
  boot = g_key_file_get_string (keys, INFO_GROUP, "BootId", NULL);
  pid = g_key_file_get_int64 (keys, INFO_GROUP, "Pid", NULL);
  if (boot == NULL || strcmp (boot, boot_id ()) != 0 || pid <= 0 || pid > G_MAXINT)
    return OWNER_GONE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM ? OWNER_LIVE : OWNER_GONE;
}

static GKeyFile *
load_keys (GFile *info)
{
  g_autofree char *path = g_file_get_path (info);
  g_autoptr(GKeyFile) keys = g_key_file_new ();

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_steal_pointer (&keys);
}

/* The key file's text for a copy of @owner. */
static char *
info_text (GFile       *origin,
           const char  *base_etag,
           const char  *owner,
           gsize       *len)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();

  if (origin != NULL)
    {
      g_autofree char *uri = g_file_get_uri (origin);

      g_key_file_set_string (keys, INFO_GROUP, "Origin", uri);
      if (base_etag != NULL)
        g_key_file_set_string (keys, INFO_GROUP, "BaseEtag", base_etag);
    }
  g_key_file_set_string (keys, INFO_GROUP, "Owner", owner);
  g_key_file_set_int64 (keys, INFO_GROUP, "Pid", getpid ());
  g_key_file_set_string (keys, INFO_GROUP, "BootId", boot_id ());

  return g_key_file_to_data (keys, len, NULL);
}

/* Writes @text into @info unless it holds it already. */
static gboolean
write_info (GFile       *info,
            const char  *text,
            gsize        len,
            GError     **error)
{
  g_autofree char *old = NULL;
  gsize old_len;

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
  return nm_recovery_write_bytes (id, document, origin, NULL, error);
}

/**
 * nm_recovery_write_bytes:
 * @id: the slot
 * @document: the consultation as nm_file_serialize() wrote it
 * @origin: (nullable): the file it belongs to
 * @base_etag: (nullable): the stamp (nm_document_get_etag()) of the version of @origin the work is
 *   based on (the one read or last saved), %NULL when not known
 *
 * nm_recovery_write() for a consultation serialised already: it reads
 * nothing but its arguments, so it may run on a worker thread while the
 * consultation goes on changing.
 *
 * Only what the reader loads is written: a document beyond the format's
 * limits fails with the reader's %NM_FILE_ERROR, and the slot keeps the
 * last copy that loads.
 *
 * Returns: %TRUE when the copy is on disk
 */
gboolean
nm_recovery_write_bytes (const char  *id,
                         GBytes      *document,
                         GFile       *origin,
                         const char  *base_etag,
                         GError     **error)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GFile) info = NULL;
  g_autoptr(GFile) legacy = NULL;
  g_autoptr(GKeyFile) old_keys = NULL;
  g_autoptr(NmConsultation) check = NULL;
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *text = NULL;
  g_autofree char *old_owner = NULL;
  const char *owner;
  gsize len;

  g_return_val_if_fail (id_is_valid (id), FALSE);
  g_return_val_if_fail (document != NULL, FALSE);

  /* A copy that would not load back is no copy: keep the last one. */
  check = _nm_file_load_bytes (document, NM_FILE_LOAD_SKIN_TYPE_OPTIONAL, error);
  if (check == NULL)
    return FALSE;

  if (g_mkdir_with_parents (dir_path, 0700) != 0)
    {
      /* Translators: shown after “its recovery copy could not be written” */
      set_errno_error (error, errno, _("cannot create the recovery folder"));
      return FALSE;
    }
  owner = ensure_owner (dir_path, error);
  if (owner == NULL)
    return FALSE;

  copy = slot_file (id, COPY_SUFFIX);
  info = slot_file (id, INFO_SUFFIX);
  text = info_text (origin, base_etag, owner, &len);

  /* A new slot (or one taken over) says whose it is before its copy
   * appears, so that no other process ever sees it unowned. Otherwise the
   * copy goes first: a key file never names a base version newer than
   * what its copy holds. */
  old_keys = load_keys (info);
  if (old_keys != NULL)
    old_owner = g_key_file_get_string (old_keys, INFO_GROUP, "Owner", NULL);
  if (g_strcmp0 (old_owner, owner) != 0)
    {
      if (!write_info (info, text, len, error) ||
          !nm_file_replace_private (copy, g_bytes_get_data (document, NULL), g_bytes_get_size (document),
                                    FALSE, NULL, error))
        return FALSE;
    }
  else if (!nm_file_replace_private (copy, g_bytes_get_data (document, NULL), g_bytes_get_size (document),
                                     FALSE, NULL, error) ||
           !write_info (info, text, len, error))
    return FALSE;

  /* A slot restored from an older version's copy now has a newer one. */
  legacy = slot_file (id, LEGACY_SUFFIX);
  g_file_delete (legacy, NULL, NULL);

  return TRUE;
}

/**
 * nm_recovery_remove:
 * @id: a slot
 *
 * Deletes the copy in @id: its work was saved or discarded. A copy that
 * belongs to another process that still runs is never deleted.
 */
void
nm_recovery_remove (const char *id)
{
  static const char * const suffixes[] = { COPY_SUFFIX, INFO_SUFFIX, LEGACY_SUFFIX };
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autoptr(GFile) info = NULL;
  g_autoptr(GKeyFile) keys = NULL;

  if (!id_is_valid (id))
    return;

  info = slot_file (id, INFO_SUFFIX);
  keys = load_keys (info);
  if (keys != NULL && owner_state (dir_path, keys) == OWNER_LIVE)
    {
      g_debug ("a recovery copy of another running process is left alone");
      return;
    }

  /* the key file last: while the copy is there, it says whose it is */
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
read_info (NmRecoveryEntry *entry,
           GKeyFile        *keys)
{
  if (keys == NULL)
    return;
  entry->origin_uri = g_key_file_get_string (keys, INFO_GROUP, "Origin", NULL);
  entry->base_etag = g_key_file_get_string (keys, INFO_GROUP, "BaseEtag", NULL);
}

/* Takes over a copy left by a process that ended: its key file names this
 * process now, and says the rest as it did. */
static void
claim (const char *dir_path,
       const char *id,
       GKeyFile   *keys)
{
  g_autoptr(GKeyFile) owned = g_key_file_new ();
  g_autoptr(GFile) info = slot_file (id, INFO_SUFFIX);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *owner;
  gsize len;

  owner = ensure_owner (dir_path, &error);
  if (owner != NULL)
    {
      if (keys != NULL)
        {
          g_autofree char *data = g_key_file_to_data (keys, &len, NULL);

          g_key_file_load_from_data (owned, data, len, G_KEY_FILE_NONE, NULL);
        }
      g_key_file_set_string (owned, INFO_GROUP, "Owner", owner);
      g_key_file_set_int64 (owned, INFO_GROUP, "Pid", getpid ());
      g_key_file_set_string (owned, INFO_GROUP, "BootId", boot_id ());
      text = g_key_file_to_data (owned, &len, NULL);
      nm_file_replace_private (info, text, len, FALSE, NULL, &error);
    }
  /* offered all the same: the work is not to be hidden */
  if (error != NULL)
    g_debug ("a recovery copy could not be taken over: %s", error->message);
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

/* Deletes the lock files of processes that ended. */
static void
remove_dead_locks (GFile      *dir,
                   GPtrArray  *infos)
{
  const char *self_owner = current_owner ();

  for (guint i = 0; i < infos->len; i++)
    {
      const char *name = g_file_info_get_name (g_ptr_array_index (infos, i));
      g_autofree char *owner = id_of (name, LOCK_SUFFIX);
      g_autoptr(GFile) file = NULL;
      g_autofree char *path = NULL;
      int fd;

      if (owner == NULL || g_strcmp0 (owner, self_owner) == 0)
        continue;
      file = g_file_get_child (dir, name);
      path = g_file_get_path (file);
      fd = open (path, O_RDWR | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        g_unlink (path);
      close (fd);
    }
}

/**
 * nm_recovery_list:
 *
 * Lists the copies from their key files and times, without reading the
 * copies themselves: nm_recovery_load() checks them.  Only copies left by
 * processes that ended are listed (and this process's own): those are
 * taken over, so that no other process lists them too, and a copy that
 * belongs to another running process is neither listed nor touched.  A
 * key file whose copy is gone (a restored copy, deleted) is deleted.
 *
 * Returns: (transfer full) (element-type NmRecoveryEntry): the recovery
 *   copies there are, oldest first
 */
GPtrArray *
nm_recovery_list (void)
{
  g_autoptr(GFile) dir = nm_recovery_get_dir ();
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autofree char *claims_path = g_build_filename (dir_path, CLAIMS_NAME, NULL);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_recovery_entry_free);
  int claims_fd;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children == NULL)
    return entries;

  /* one process at a time looks for copies left behind and takes them */
  claims_fd = open (claims_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (claims_fd >= 0)
    flock (claims_fd, LOCK_EX);

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
      g_autofree char *legacy = NULL;
      g_autoptr(GFile) key_file = NULL;
      g_autoptr(GKeyFile) keys = NULL;
      NmRecoveryEntry *entry;
      OwnerState state;

      if ((id = id_of (name, COPY_SUFFIX)) == NULL &&
          (id = id_of (name, LEGACY_SUFFIX)) == NULL &&
          (id = id_of (name, INFO_SUFFIX)) == NULL)
        continue;

      key_file = slot_file (id, INFO_SUFFIX);
      keys = load_keys (key_file);
      state = keys != NULL ? owner_state (dir_path, keys) : OWNER_GONE;
      if (state == OWNER_LIVE)
        continue;

      copy = g_strconcat (id, COPY_SUFFIX, NULL);
      legacy = g_strconcat (id, LEGACY_SUFFIX, NULL);
      if (g_str_has_suffix (name, INFO_SUFFIX))
        {
          /* this process's own may be a copy about to be written */
          if (state == OWNER_GONE &&
              !g_hash_table_contains (names, copy) && !g_hash_table_contains (names, legacy))
            g_file_delete (key_file, NULL, NULL);
          continue;
        }
      if (g_str_has_suffix (name, LEGACY_SUFFIX) && g_hash_table_contains (names, copy))
        continue;

      if (state == OWNER_GONE)
        claim (dir_path, id, keys);
      entry = entry_new (dir, name, id, modified);
      if (g_str_has_suffix (name, LEGACY_SUFFIX))
        read_legacy_info (entry);
      else
        read_info (entry, keys);
      g_ptr_array_add (entries, entry);
    }

  remove_dead_locks (dir, infos);
  if (claims_fd >= 0)
    close (claims_fd);

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

/**
 * nm_recovery_check_origin:
 * @entry: a copy of nm_recovery_list()
 *
 * Compares the file the copy's work came from with the version the work
 * was based on: restoring the work over a file another program wrote since
 * would silently undo that program's changes.
 *
 * Returns: what became of the origin
 */
NmRecoveryOrigin
nm_recovery_check_origin (NmRecoveryEntry *entry)
{
  g_autoptr(GFile) origin = NULL;
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (entry != NULL, NM_RECOVERY_ORIGIN_NONE);

  if (entry->origin_uri == NULL)
    return NM_RECOVERY_ORIGIN_NONE;

  origin = g_file_new_for_uri (entry->origin_uri);
  stamp = _nm_file_query_stamp (origin, NULL, NULL);
  if (stamp == NULL)
    return NM_RECOVERY_ORIGIN_GONE;

  /* a copy that does not say (an earlier version's) may be older; one
   * that keeps a bare etag (also an earlier version's) never equals a
   * stamp, and counts as changed too */
  if (entry->base_etag == NULL || entry->base_etag[0] == '\0')
    return NM_RECOVERY_ORIGIN_CHANGED;
  if (strcmp (stamp, entry->base_etag) != 0)
    return NM_RECOVERY_ORIGIN_CHANGED;
  return NM_RECOVERY_ORIGIN_UNCHANGED;
}
