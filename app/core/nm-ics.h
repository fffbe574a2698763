/* nm-ics.h: the session series as iCalendar (RFC 5545)
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

#include "nm-consultation.h"
#include "nm-plan.h"

G_BEGIN_DECLS

#define NM_ICS_ERROR (nm_ics_error_quark ())

typedef enum
{
  NM_ICS_ERROR_NO_SESSIONS,   /* nothing planned: a calendar needs one event */
} NmIcsError;

typedef struct
{
  gboolean    include_client_name; /* FALSE: initials only (the default) */
  const char *salt;                /* nullable: the consultation's calendar id */
  GDateTime  *stamp;               /* nullable: now; converted to UTC */
  /* nullable: the session of the log that is session @number (1-based)
   * of the plan's series @series, if any; a done one's event is on the
   * day it was done, not the day it was planned */
  NmSession *(*logged) (guint series, guint number, gpointer data);
  gpointer    logged_data;
} NmIcsOptions;

GQuark  nm_ics_error_quark    (void);

char   *nm_ics_build          (NmConsultation      *consultation,
                               NmPlan              *plan,
                               const NmIcsOptions  *options,
                               GError             **error);

char   *nm_ics_escape_text    (const char          *text);
void    nm_ics_append_line    (GString             *out,
                               const char          *line);
char   *nm_ics_client_initials (const char         *name);
char   *nm_ics_uid            (const char          *salt,
                               const char          *schedule,
                               guint                session);

G_END_DECLS
