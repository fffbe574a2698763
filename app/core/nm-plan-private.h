/* nm-plan-private.h
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

#include "nm-plan.h"

G_BEGIN_DECLS

/* Only the planner builds plans. */

struct _NmPlan
{
  gatomicrefcount  ref_count;
  NmPlanStatus     status;
  GPtrArray       *blocked_by;   /* of NmPlanBlock */
  GPtrArray       *warnings;     /* of NmPlanWarning */
  GPtrArray       *regions;      /* of NmPlanRegion */
  GPtrArray       *series;       /* of NmPlanSeries */
  NmPlanState      state;
  char           **unanswered;   /* screening ids, spec order; never NULL */
  gboolean         has_wait;
  GDate            wait_until;   /* the first session moved to this date */
  gboolean         minor;
  int              age;          /* years on the first session; -1 unknown */
  double           device_max_mm;
  double           device_step_mm;
};

NmPlan        *_nm_plan_new         (void);
NmPlanBlock   *_nm_plan_add_block   (NmPlan     *self,
                                     const char *id,
                                     char       *message);
void           _nm_plan_add_warning (NmPlan     *self,
                                     const char *id,
                                     char       *message,
                                     const char *region);
NmPlanRegion  *_nm_plan_add_region  (NmPlan     *self,
                                     const char *region);
NmPlanSeries  *_nm_plan_add_series  (NmPlan     *self,
                                     const char *schedule,
                                     const char *label);

G_END_DECLS
