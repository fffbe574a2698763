/* nm-finding.h
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

/* One finding: a kind of skin condition with a severity in one region,
 * optionally with a lesion outline drawn on one view.  Edits to a finding
 * that belongs to a consultation are recorded in that consultation's undo
 * history and make it emit NmConsultation::changed. */

typedef struct
{
  double x;
  double y;
} NmPoint;

#define NM_TYPE_FINDING (nm_finding_get_type ())

G_DECLARE_FINAL_TYPE (NmFinding, nm_finding, NM, FINDING, GObject)

NmFinding     *nm_finding_new           (const char    *region,
                                         const char    *kind,
                                         guint          severity);
NmFinding     *nm_finding_copy          (NmFinding     *self);
const char    *nm_finding_get_region    (NmFinding     *self);
void           nm_finding_set_region    (NmFinding     *self,
                                         const char    *region);
const char    *nm_finding_get_kind      (NmFinding     *self);
void           nm_finding_set_kind      (NmFinding     *self,
                                         const char    *kind);
guint          nm_finding_get_severity  (NmFinding     *self);
void           nm_finding_set_severity  (NmFinding     *self,
                                         guint          severity);
const char    *nm_finding_get_note      (NmFinding     *self);
void           nm_finding_set_note      (NmFinding     *self,
                                         const char    *note);
const char    *nm_finding_get_view      (NmFinding     *self);
void           nm_finding_set_view      (NmFinding     *self,
                                         const char    *view);
gboolean       nm_finding_has_outline   (NmFinding     *self);
const NmPoint *nm_finding_get_outline   (NmFinding     *self,
                                         guint         *n_points);
void           nm_finding_set_outline   (NmFinding     *self,
                                         const char    *view,
                                         const NmPoint *points,
                                         guint          n_points);
void           nm_finding_clear_outline (NmFinding     *self);

G_END_DECLS
