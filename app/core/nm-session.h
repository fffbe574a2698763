/* nm-session.h
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

#include <glib-object.h>

G_BEGIN_DECLS

/* One entry of the session log (spec §2 "sessions"): when it was, whether it
 * was done, the depth used per region, free notes and the device. */

#define NM_TYPE_SESSION (nm_session_get_type ())

G_DECLARE_FINAL_TYPE (NmSession, nm_session, NM, SESSION, GObject)

NmSession  *nm_session_new                (const char  *date);
NmSession  *nm_session_copy               (NmSession   *self);
const char *nm_session_get_date           (NmSession   *self);
void        nm_session_set_date           (NmSession   *self,
                                           const char  *date);
gboolean    nm_session_get_done           (NmSession   *self);
void        nm_session_set_done           (NmSession   *self,
                                           gboolean     done);
const char *nm_session_get_notes          (NmSession   *self);
void        nm_session_set_notes          (NmSession   *self,
                                           const char  *notes);
const char *nm_session_get_device         (NmSession   *self);
void        nm_session_set_device         (NmSession   *self,
                                           const char  *device);
gboolean    nm_session_get_depth          (NmSession   *self,
                                           const char  *region,
                                           double      *depth_mm);
void        nm_session_set_depth          (NmSession   *self,
                                           const char  *region,
                                           double       depth_mm);
void        nm_session_unset_depth        (NmSession   *self,
                                           const char  *region);
char      **nm_session_dup_depth_regions  (NmSession   *self);
const char *nm_session_get_time           (NmSession   *self);
void        nm_session_set_time           (NmSession   *self,
                                           const char  *time);
guint       nm_session_get_duration_min   (NmSession   *self);
void        nm_session_set_duration_min   (NmSession   *self,
                                           guint        minutes);
gboolean    nm_session_time_is_valid      (const char  *text);

/* traceability (issue 16) */
const char *nm_session_get_cartridge_gtin   (NmSession   *self);
void        nm_session_set_cartridge_gtin   (NmSession   *self,
                                             const char  *gtin);
const char *nm_session_get_cartridge_lot    (NmSession   *self);
void        nm_session_set_cartridge_lot    (NmSession   *self,
                                             const char  *lot);
const char *nm_session_get_cartridge_expiry (NmSession   *self);
void        nm_session_set_cartridge_expiry (NmSession   *self,
                                             const char  *date);
gboolean    nm_session_cartridge_expired    (NmSession   *self);
const char *nm_session_get_serum            (NmSession   *self);
void        nm_session_set_serum            (NmSession   *self,
                                             const char  *serum);
const char *nm_session_get_numbing_cream    (NmSession   *self);
void        nm_session_set_numbing_cream    (NmSession   *self,
                                             const char  *cream);

/* Depths a session log may record, in mm. */
#define NM_SESSION_DEPTH_MIN 0.0
#define NM_SESSION_DEPTH_MAX 3.0
/* The longest appointment a session may say it lasts, in minutes: a day. */
#define NM_SESSION_DURATION_MAX 1440

G_END_DECLS
