/* nm-consultation-private.h
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

#include <json-c/json.h>

#include "nm-consultation.h"

G_BEGIN_DECLS

/* Shared between the model classes and the file code; not public API. */

/* Where unknown keys of a file are kept, to be written back on save. */
typedef enum
{
  NM_EXTRA_TOP,
  NM_EXTRA_CLIENT,
  NM_EXTRA_PLAN,
  NM_N_EXTRAS
} NmExtraLevel;

/* Records an edit of @target (the consultation itself, one of its findings
 * or sessions) from @old to @new, then emits NmConsultation::changed.
 * Does nothing while undo or redo is replaying. */
void         _nm_consultation_record_property (NmConsultation     *self,
                                               GObject            *target,
                                               GParamSpec         *pspec,
                                               const GValue       *old_value,
                                               const GValue       *new_value);
void         _nm_consultation_record          (NmConsultation     *self,
                                               NmHistoryApplyFunc  apply,
                                               gpointer            data,
                                               GDestroyNotify      destroy);
void         _nm_consultation_begin_group     (NmConsultation     *self);
void         _nm_consultation_end_group       (NmConsultation     *self);

/* Extras are JSON objects holding only unknown keys, in file order, or NULL. */
json_object *_nm_consultation_get_extra       (NmConsultation     *self,
                                               NmExtraLevel        level);
void         _nm_consultation_take_extra      (NmConsultation     *self,
                                               NmExtraLevel        level,
                                               json_object        *extra);

void         _nm_finding_set_owner            (NmFinding          *self,
                                               NmConsultation     *owner);
NmConsultation *_nm_finding_get_owner         (NmFinding          *self);
json_object *_nm_finding_get_extra            (NmFinding          *self);
void         _nm_finding_take_extra           (NmFinding          *self,
                                               json_object        *extra);

void         _nm_session_set_owner            (NmSession          *self,
                                               NmConsultation     *owner);
NmConsultation *_nm_session_get_owner         (NmSession          *self);
json_object *_nm_session_get_extra            (NmSession          *self);
void         _nm_session_take_extra           (NmSession          *self,
                                               json_object        *extra);

/* A string the format can hold: UTF-8 (the caller checks the length limit). */
gboolean     _nm_string_is_valid              (const char         *text);

G_END_DECLS
