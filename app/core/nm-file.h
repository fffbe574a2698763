/* nm-file.h
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

G_BEGIN_DECLS

/* Reading and writing consultation files (*.needlemap, spec §2). */

#define NM_FILE_FORMAT            "needlemap-consultation"
#define NM_FILE_VERSION           1

/* Limits that keep a hostile file harmless (spec §2). */
#define NM_FILE_MAX_BYTES         (16 * 1024 * 1024)
#define NM_FILE_MAX_FINDINGS      10000
#define NM_FILE_MAX_POINTS        100000
#define NM_FILE_MAX_STRING_CHARS  10000
/* Added by Needlemap 0.3 (issue 13): the session log, every value of the
 * file (objects, arrays, strings, numbers, true/false/null, each counted
 * once), and the values inside keys this version does not know, which are
 * kept to be written back.  Each is far above what the window can make
 * (see docs/file-format.md); they keep loading linear and its memory
 * bounded (docs/benchmarks.md). */
#define NM_FILE_MAX_SESSIONS      1000
#define NM_FILE_MAX_VALUES        1000000
#define NM_FILE_MAX_UNKNOWN_VALUES 100000
/* The format's own deepest nesting: top → findings → finding → outline → point. */
#define NM_FILE_MAX_DEPTH         5

#define NM_FILE_ERROR (nm_file_error_quark ())

typedef enum
{
  NM_FILE_ERROR_INVALID,        /* not exactly the format; the message names the key path */
  NM_FILE_ERROR_NEWER_VERSION,  /* written by a newer Needlemap */
  NM_FILE_ERROR_TOO_LARGE,      /* beyond one of the limits */
  NM_FILE_ERROR_INCOMPLETE      /* the model cannot be saved yet (no skin type) */
} NmFileError;

GQuark          nm_file_error_quark (void);

NmConsultation *nm_file_load_bytes  (GBytes          *bytes,
                                     GError         **error);
NmConsultation *nm_file_load        (GFile           *file,
                                     GCancellable    *cancellable,
                                     GError         **error);
GFile          *nm_file_new_for_arg (const char     *arg);
GBytes         *nm_file_read_bounded (GFile          *file,
                                      gsize           max_bytes,
                                      char          **etag,
                                      GCancellable   *cancellable,
                                      GError        **error);
GBytes         *nm_file_serialize   (NmConsultation  *self);
GBytes         *nm_file_serialize_for_save (NmConsultation  *self,
                                            GError         **error);
gboolean        nm_file_save        (NmConsultation  *self,
                                     GFile           *file,
                                     GCancellable    *cancellable,
                                     GError         **error);

gboolean        nm_file_replace_private (GFile           *file,
                                         const void      *data,
                                         gsize            len,
                                         gboolean         keep_backup,
                                         GCancellable    *cancellable,
                                         GError         **error);
gboolean        nm_file_replace_consultation (GFile        *file,
                                              const void   *data,
                                              gsize         len,
                                              GCancellable *cancellable,
                                              GError      **error);
gboolean        nm_file_check_not_newer (GFile           *file,
                                         GCancellable    *cancellable,
                                         GError         **error);
void            nm_file_remove_stale_temporaries (GFile  *file);

G_END_DECLS
