/* nm-consultation.h
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

#include "nm-finding.h"
#include "nm-history.h"
#include "nm-session.h"

G_BEGIN_DECLS

typedef enum
{
  NM_ANSWER_UNKNOWN,
  NM_ANSWER_NO,
  NM_ANSWER_YES
} NmAnswer;

/* Fitzpatrick skin type 1–6; 0 means "not chosen yet" (a file cannot be
 * saved in that state, since the format requires it). */
#define NM_FITZPATRICK_UNSET 0
#define NM_FITZPATRICK_MIN   1
#define NM_FITZPATRICK_MAX   6

#define NM_TYPE_CONSULTATION (nm_consultation_get_type ())

G_DECLARE_FINAL_TYPE (NmConsultation, nm_consultation, NM, CONSULTATION, GObject)

NmConsultation *nm_consultation_new                  (void);
NmConsultation *nm_consultation_snapshot             (NmConsultation *self);
char           *nm_consultation_dup_title            (NmConsultation *self);

/* Client */
const char     *nm_consultation_get_client_name      (NmConsultation *self);
void            nm_consultation_set_client_name      (NmConsultation *self,
                                                      const char     *name);
const char     *nm_consultation_get_birth_date       (NmConsultation *self);
void            nm_consultation_set_birth_date       (NmConsultation *self,
                                                      const char     *date);
guint           nm_consultation_get_fitzpatrick      (NmConsultation *self);
void            nm_consultation_set_fitzpatrick      (NmConsultation *self,
                                                      guint           fitzpatrick);
const char     *nm_consultation_get_guardian         (NmConsultation *self);
void            nm_consultation_set_guardian         (NmConsultation *self,
                                                      const char     *guardian);
const char     *nm_consultation_get_client_notes     (NmConsultation *self);
void            nm_consultation_set_client_notes     (NmConsultation *self,
                                                      const char     *notes);

/* Screening */
NmAnswer        nm_consultation_get_screening        (NmConsultation *self,
                                                      const char     *item_id);
void            nm_consultation_set_screening        (NmConsultation *self,
                                                      const char     *item_id,
                                                      NmAnswer        answer);

/* Findings */
GListModel     *nm_consultation_get_findings         (NmConsultation *self);
guint           nm_consultation_get_n_findings       (NmConsultation *self);
NmFinding      *nm_consultation_get_finding          (NmConsultation *self,
                                                      guint           position);
void            nm_consultation_add_finding          (NmConsultation *self,
                                                      NmFinding      *finding);
void            nm_consultation_insert_finding       (NmConsultation *self,
                                                      guint           position,
                                                      NmFinding      *finding);
gboolean        nm_consultation_remove_finding       (NmConsultation *self,
                                                      NmFinding      *finding);
void            nm_consultation_set_finding_severity (NmConsultation *self,
                                                      NmFinding      *finding,
                                                      guint           severity);
void            nm_consultation_set_finding_note     (NmConsultation *self,
                                                      NmFinding      *finding,
                                                      const char     *note);
void            nm_consultation_set_finding_outline  (NmConsultation *self,
                                                      NmFinding      *finding,
                                                      const char     *view,
                                                      const NmPoint  *points,
                                                      guint           n_points);

/* Plan settings */
const char     *nm_consultation_get_start_date       (NmConsultation *self);
void            nm_consultation_set_start_date       (NmConsultation *self,
                                                      const char     *date);
const char     *nm_consultation_get_practitioner     (NmConsultation *self);
void            nm_consultation_set_practitioner     (NmConsultation *self,
                                                      const char     *practitioner);
/* The calendar's own id (plan.calendar_uid, added by Needlemap 0.3): random,
 * kept in the file, so that re-exported events update the same ones. */
const char     *nm_consultation_get_calendar_uid     (NmConsultation *self);
void            nm_consultation_set_calendar_uid     (NmConsultation *self,
                                                      const char     *uid);
const char     *nm_consultation_ensure_calendar_uid  (NmConsultation *self);
gboolean        nm_calendar_uid_is_valid             (const char     *uid);
double          nm_consultation_get_device_max_mm    (NmConsultation *self);
void            nm_consultation_set_device_max_mm    (NmConsultation *self,
                                                      double          max_mm);
double          nm_consultation_get_device_step_mm   (NmConsultation *self);
void            nm_consultation_set_device_step_mm   (NmConsultation *self,
                                                      double          step_mm);
const char     *nm_consultation_get_acknowledgement  (NmConsultation *self,
                                                      const char     *item_id);
void            nm_consultation_set_acknowledgement  (NmConsultation *self,
                                                      const char     *item_id,
                                                      const char     *rationale);

/* Scores of the course: the baseline and every visit's (issue 16;
 * element-type NmScoreRecord) */
GPtrArray      *nm_consultation_get_scores           (NmConsultation *self);
void            nm_consultation_set_scores           (NmConsultation *self,
                                                      GPtrArray      *scores);

/* Session log */
GListModel     *nm_consultation_get_sessions         (NmConsultation *self);
guint           nm_consultation_get_n_sessions       (NmConsultation *self);
NmSession      *nm_consultation_get_session          (NmConsultation *self,
                                                      guint           position);
void            nm_consultation_add_session          (NmConsultation *self,
                                                      NmSession      *session);
void            nm_consultation_insert_session       (NmConsultation *self,
                                                      guint           position,
                                                      NmSession      *session);
gboolean        nm_consultation_remove_session       (NmConsultation *self,
                                                      NmSession      *session);

/* Undo and redo */
NmHistory      *nm_consultation_get_history          (NmConsultation *self);
gboolean        nm_consultation_can_undo             (NmConsultation *self);
gboolean        nm_consultation_can_redo             (NmConsultation *self);
gboolean        nm_consultation_undo                 (NmConsultation *self);
gboolean        nm_consultation_redo                 (NmConsultation *self);
void            nm_consultation_begin_group          (NmConsultation *self);
void            nm_consultation_end_group            (NmConsultation *self);
gboolean        nm_consultation_get_modified         (NmConsultation *self);
void            nm_consultation_mark_saved           (NmConsultation *self);
guint64         nm_consultation_get_position         (NmConsultation *self);
void            nm_consultation_mark_saved_at        (NmConsultation *self,
                                                      guint64         position);

/* Dates are ISO 8601 calendar dates, YYYY-MM-DD, that exist. */
gboolean        nm_date_is_valid                     (const char     *text);
/* The last year a date YYYY-MM-DD can hold: no date the core computes
 * (a series, a wait, a maintenance session) may pass its last day. */
#define NM_DATE_MAX_YEAR 9999

gboolean        nm_date_parse                        (const char     *text,
                                                      GDate          *date);
int             nm_age_on                            (const GDate    *born,
                                                      const GDate    *on);

/* The device a consultation is planned for (plan.device): 0 means "not
 * set", and the protocol's device applies. */
#define NM_DEVICE_MAX_MM_LIMIT  2.5
#define NM_DEVICE_STEP_MM_MIN   0.05
#define NM_DEVICE_STEP_MM_MAX   0.5

G_END_DECLS
