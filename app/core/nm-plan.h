/* nm-plan.h
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

/* The result of nm_planner_run(): immutable once built, refcounted. Its
 * JSON form is spec/FORMAT.md §3. */

typedef enum
{
  NM_PLAN_OK,
  NM_PLAN_CAUTION,
  NM_PLAN_BLOCKED
} NmPlanStatus;

/* The state a plan puts the consultation in, as the window's status and the
 * PDF's headline say it: one of five, in this order of precedence. */
typedef enum
{
  NM_PLAN_STATE_READY,                 /* ok: every answer in, nothing to heed */
  NM_PLAN_STATE_PRECAUTIONS,           /* caution: warnings or relative items */
  NM_PLAN_STATE_SCREENING_INCOMPLETE,  /* some of the 24 items unanswered */
  NM_PLAN_STATE_NO_SKIN_TYPE,          /* the skin type is not chosen yet */
  NM_PLAN_STATE_BLOCKED                /* not suitable now */
} NmPlanState;

typedef struct
{
  char     *id;              /* a screening item id, "keloid-tendency" or "minor" */
  char     *message;
  gboolean  lifelong;        /* a condition that does not pass (keloid formation,
                              * a bleeding disorder…), never "until it clears" */
} NmPlanBlock;

typedef struct
{
  char *id;                  /* e.g. "pih-risk" */
  char *message;             /* one plain sentence citing its sources */
  char *region;              /* nullable */
} NmPlanWarning;

typedef struct
{
  char      *kind;           /* a finding kind id of the region */
  gboolean   treat;          /* FALSE: no whole device step fits its limit */
  double     min_mm;         /* 0 when !treat */
  double     max_mm;
} NmPlanFindingDepth;

typedef struct
{
  char      *region;         /* region id */
  gboolean   treat;
  double     min_mm;         /* 0 when !treat */
  double     max_mm;         /* 0 when !treat */
  char      *deepest_kind;   /* the finding that set the depth; NULL when !treat */
  char     **findings;       /* finding kind ids, vocabulary order, no repeats */
  char     **reasons;        /* why, each naming its rule and sources */
  int        series;         /* index into the plan's series, -1 when !treat */
  guint      n_finding_depths;
  NmPlanFindingDepth *finding_depths; /* when treat: one per findings[] entry, same order */
} NmPlanRegion;

typedef struct
{
  char      *schedule;       /* protocol schedule id, "skin" or "scalp" */
  char      *label;
  char     **regions;        /* region ids, vocabulary order */
  guint      sessions;
  guint      interval_weeks;
  guint      n_dates;        /* == sessions */
  GDate     *dates;
} NmPlanSeries;

/* The first maintenance session comes this long after a series' last
 * session (the schedule and the PDF show it: NM_MAINTENANCE_MONTHS of
 * nm-render-schedule.h is the same); the planner keeps it within the
 * dates a file can hold too. */
#define NM_PLAN_MAINTENANCE_MONTHS 12

typedef struct _NmPlan NmPlan;

#define NM_TYPE_PLAN (nm_plan_get_type ())

GType               nm_plan_get_type          (void) G_GNUC_CONST;
NmPlan             *nm_plan_ref               (NmPlan       *self);
void                nm_plan_unref             (NmPlan       *self);

NmPlanStatus        nm_plan_get_status        (NmPlan       *self);
NmPlanState         nm_plan_get_state         (NmPlan       *self);
const char * const *nm_plan_get_unanswered    (NmPlan       *self);
gboolean            nm_plan_has_lifelong_block (NmPlan      *self);
const GDate        *nm_plan_get_wait_until    (NmPlan       *self);
gboolean            nm_plan_get_minor         (NmPlan       *self);
int                 nm_plan_get_age           (NmPlan       *self);
double              nm_plan_get_device_max_mm (NmPlan       *self);
double              nm_plan_get_device_step_mm (NmPlan      *self);
const char         *nm_plan_status_to_string  (NmPlanStatus  status);
guint               nm_plan_get_n_blocked_by  (NmPlan       *self);
const NmPlanBlock  *nm_plan_get_blocked_by    (NmPlan       *self,
                                               guint         index);
guint               nm_plan_get_n_warnings    (NmPlan       *self);
const NmPlanWarning *nm_plan_get_warning      (NmPlan       *self,
                                               guint         index);
gboolean            nm_plan_has_warning       (NmPlan       *self,
                                               const char   *id,
                                               const char   *region);
guint               nm_plan_get_n_regions     (NmPlan       *self);
const NmPlanRegion *nm_plan_get_region        (NmPlan       *self,
                                               guint         index);
const NmPlanRegion *nm_plan_lookup_region     (NmPlan       *self,
                                               const char   *region_id);
const NmPlanFindingDepth *nm_plan_region_lookup_finding (const NmPlanRegion *region,
                                               const char   *kind);
gboolean            nm_plan_depth_for_finding (const NmPlanRegion *region,
                                               const char   *kind,
                                               guint         severity,
                                               double       *min_mm,
                                               double       *max_mm);
guint               nm_plan_get_n_series      (NmPlan       *self);
const NmPlanSeries *nm_plan_get_series        (NmPlan       *self,
                                               guint         index);
char               *nm_plan_to_json           (NmPlan       *self);

char               *nm_format_mm              (double        mm);
char               *nm_format_mm_display      (double        mm);
char               *nm_format_mm_range_display (double       min_mm,
                                               double        max_mm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmPlan, nm_plan_unref)

G_END_DECLS
