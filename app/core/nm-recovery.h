/* nm-recovery.h: unsaved work kept safe across a crash
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nm-consultation.h"

G_BEGIN_DECLS

typedef struct
{
  char   *id;          /* the recovery slot */
  GFile  *file;        /* the recovery copy */
  char   *origin_uri;  /* nullable: the document it was opened from */
  gint64  saved_at;    /* unix time of the copy */
  char   *base_etag;   /* nullable: the stamp (nm_document_get_etag()) of the
                        * version of the origin the work was based on; ""
                        * or NULL when unknown, a bare etag when an earlier
                        * version wrote the copy (counts as changed) */
} NmRecoveryEntry;

/* The origin of a copy now, compared with the version its work was based on. */
typedef enum
{
  NM_RECOVERY_ORIGIN_NONE,       /* a new consultation: no file */
  NM_RECOVERY_ORIGIN_UNCHANGED,  /* still the version the work was based on */
  NM_RECOVERY_ORIGIN_CHANGED,    /* written by another program since (or not known) */
  NM_RECOVERY_ORIGIN_GONE        /* deleted or moved away since */
} NmRecoveryOrigin;

void            nm_recovery_entry_free (NmRecoveryEntry  *entry);
GFile          *nm_recovery_get_dir    (void);
char           *nm_recovery_new_id     (void);
gboolean        nm_recovery_write      (const char       *id,
                                        NmConsultation   *consultation,
                                        GFile            *origin,
                                        GError          **error);
gboolean        nm_recovery_write_bytes (const char      *id,
                                        GBytes           *document,
                                        GFile            *origin,
                                        const char       *base_etag,
                                        GError          **error);
void            nm_recovery_remove     (const char       *id);
GPtrArray      *nm_recovery_list       (void);
NmConsultation *nm_recovery_load       (NmRecoveryEntry  *entry,
                                        GError          **error);
NmRecoveryOrigin nm_recovery_check_origin (NmRecoveryEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmRecoveryEntry, nm_recovery_entry_free)

G_END_DECLS
