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
} NmRecoveryEntry;

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
                                        GError          **error);
void            nm_recovery_remove     (const char       *id);
GPtrArray      *nm_recovery_list       (void);
NmConsultation *nm_recovery_load       (NmRecoveryEntry  *entry,
                                        GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmRecoveryEntry, nm_recovery_entry_free)

G_END_DECLS
