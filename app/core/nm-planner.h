/* nm-planner.h
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
#include "nm-protocol.h"

G_BEGIN_DECLS

typedef struct
{
  double   device_max_mm; /* 0: the protocol's device.max_mm (2.5 mm) */
  double   step_mm;       /* 0: the protocol's device.step_mm (0.25 mm) */
  gboolean translate;     /* reasons and messages in the user's language, depths
                           * with the locale's decimal separator; FALSE (the
                           * --plan JSON): English and '.' whatever the locale */
} NmPlannerOptions;

NmPlan *nm_planner_run      (NmConsultation         *consultation,
                             NmProtocol             *protocol,
                             const GDate            *today);
NmPlan *nm_planner_run_full (NmConsultation         *consultation,
                             NmProtocol             *protocol,
                             const GDate            *today,
                             const NmPlannerOptions *options);

gboolean nm_planner_today   (const char             *today_iso,
                             GDate                  *today,
                             GError                **error);
int      nm_plan_load_for_command (const char       *path,
                                   const char       *today_iso,
                                   gboolean          translate,
                                   NmConsultation  **consultation,
                                   NmPlan          **plan,
                                   GString          *err);
int      nm_plan_command    (const char             *path,
                             const char             *today_iso,
                             GString                *out,
                             GString                *err);

G_END_DECLS
