/* nm-file-private.h
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

#include "nm-file.h"
#include "nm-json-reader.h"

G_BEGIN_DECLS

/* Shared by the reader, the writer and recovery; not public API. */

/* Significant digits of the numbers a file holds (outline points, depths). */
#define NM_FILE_NUMBER_DIGITS 6

typedef enum
{
  NM_FILE_LOAD_DEFAULT            = 0,
  /* Work whose skin type is not chosen yet (a recovery copy): no
   * client.fitzpatrick, which nm_file_serialize() leaves out then. */
  NM_FILE_LOAD_SKIN_TYPE_OPTIONAL = 1 << 0,
} NmFileLoadFlags;

NmJsonRules     _nm_file_rules        (void);
NmConsultation *_nm_file_load_tree    (const NmJsonNode  *root,
                                       NmFileLoadFlags    flags,
                                       GError           **error);
NmConsultation *_nm_file_load_bytes   (GBytes            *bytes,
                                       NmFileLoadFlags    flags,
                                       GError           **error);
NmConsultation *_nm_file_load         (GFile             *file,
                                       NmFileLoadFlags    flags,
                                       GCancellable      *cancellable,
                                       GError           **error);

double          _nm_file_round_number (double             value);

/* The version of a file a document read or wrote, as one opaque string:
 * GIO's etag (for a local file its modification time) plus the device,
 * the inode, the size and the change time (ctime), which no user tool
 * can set back.  A same-second write on a file system of whole-second
 * times, or another file renamed into place with the old modification
 * time (rsync -t, cp -p, sync clients), still gives another stamp.
 * Compared only for equality; attributes a file system does not have
 * are left out of it. */
#define NM_FILE_STAMP_ATTRIBUTES \
  G_FILE_ATTRIBUTE_ETAG_VALUE "," G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
  G_FILE_ATTRIBUTE_UNIX_INODE "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
  G_FILE_ATTRIBUTE_TIME_CHANGED "," G_FILE_ATTRIBUTE_TIME_CHANGED_USEC

char           *_nm_file_stamp_from_info (GFileInfo        *info);
char           *_nm_file_query_stamp     (GFile            *file,
                                          GCancellable     *cancellable,
                                          GError          **error);

/* nm_file_replace_consultation() over the version @expected (a stamp, as
 * above) only: checked before anything is written, and again once the
 * new contents are on disk, just before they replace the file; when
 * another program wrote the file since, nothing is replaced and the error
 * is G_IO_ERROR_WRONG_ETAG.  %NULL @expected: any version. */
gboolean        _nm_file_replace_consultation_over (GFile         *file,
                                                    const void    *data,
                                                    gsize          len,
                                                    const char    *expected,
                                                    GCancellable  *cancellable,
                                                    GError       **error);

/* Tests only: called on the saving thread with the file a save replaces
 * (the link's target), its new contents complete on disk and not yet in
 * place.  %NULL removes it. */
typedef void (*NmFileBeforeReplaceHook) (const char *target,
                                         gpointer    user_data);
void            _nm_file_set_before_replace_hook (NmFileBeforeReplaceHook hook,
                                                  gpointer                user_data);

G_END_DECLS
