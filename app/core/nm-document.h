/* nm-document.h
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

#include "nm-consultation.h"
#include "nm-plan.h"
#include "nm-protocol.h"
#include "nm-recovery.h"

G_BEGIN_DECLS

/* An open consultation: the model, the file it came from, the version of
 * that file it was read from (its etag), the watch on it, the modified
 * state, the recovery copy and the plan recomputed after every edit. The
 * window shows a document; it holds no file state of its own. Every read
 * and write runs on a worker thread, so a slow share never blocks the
 * window. GIO only: no GTK here. */

typedef enum
{
  NM_DOCUMENT_DISK_IN_SYNC,    /* the file is the version this document read or wrote */
  NM_DOCUMENT_DISK_CHANGED,    /* another program wrote it since */
  NM_DOCUMENT_DISK_DELETED     /* deleted or moved away by another program */
} NmDocumentDiskState;

#define NM_TYPE_DOCUMENT (nm_document_get_type ())

G_DECLARE_FINAL_TYPE (NmDocument, nm_document, NM, DOCUMENT, GObject)

NmDocument          *nm_document_new                (NmConsultation       *consultation,
                                                     GFile                *file);
NmDocument          *nm_document_new_from_recovery  (NmRecoveryEntry      *entry,
                                                     GError              **error);
NmConsultation      *nm_document_get_consultation   (NmDocument           *self);
GFile               *nm_document_get_file           (NmDocument           *self);
const char          *nm_document_get_etag           (NmDocument           *self);
gboolean             nm_document_get_modified       (NmDocument           *self);
gboolean             nm_document_get_busy           (NmDocument           *self);
NmDocumentDiskState  nm_document_get_disk_state     (NmDocument           *self);
gboolean             nm_document_get_restored       (NmDocument           *self);
void                 nm_document_set_restored       (NmDocument           *self,
                                                     gboolean              restored);
char                *nm_document_dup_title          (NmDocument           *self);

/* The plan */
void                 nm_document_set_protocol       (NmDocument           *self,
                                                     NmProtocol           *protocol);
NmProtocol          *nm_document_get_protocol       (NmDocument           *self);
void                 nm_document_set_translate      (NmDocument           *self,
                                                     gboolean              translate);
NmPlan              *nm_document_get_plan           (NmDocument           *self);
void                 nm_document_get_today          (NmDocument           *self,
                                                     GDate                *today);
void                 nm_document_recompute_plan     (NmDocument           *self);

/* Reading and writing */
void                 nm_document_load_async         (GFile                *file,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
NmDocument          *nm_document_load_finish        (GAsyncResult         *result,
                                                     GError              **error);
void                 nm_document_save_async         (NmDocument           *self,
                                                     GFile                *file,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void                 nm_document_overwrite_async    (NmDocument           *self,
                                                     GFile                *file,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean             nm_document_save_finish        (NmDocument           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 nm_document_reload_async       (NmDocument           *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean             nm_document_reload_finish      (NmDocument           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void                 nm_document_ignore_disk_change (NmDocument           *self);

/* The recovery copy: written a couple of seconds after an edit */
const char          *nm_document_get_recovery_id    (NmDocument           *self);
void                 nm_document_autosave_now       (NmDocument           *self);
void                 nm_document_drop_recovery      (NmDocument           *self);
gboolean             nm_document_get_recovery_busy  (NmDocument           *self);
const GError        *nm_document_get_recovery_error (NmDocument           *self);

G_END_DECLS
