/* nm-render-schedule.h: the treatment series on a timeline
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

#include <cairo.h>

#include "nm-consultation.h"
#include "nm-plan.h"
#include "nm-references.h"

G_BEGIN_DECLS

/* Healing after each session (clinical/REFERENCE.md §7), in days after it. */
#define NM_HEALING_INFLAMMATION_END    3    /* first days: AMI, AGB */
#define NM_HEALING_PROLIFERATION_START 3    /* day 2–3 (MAD) or ~5 (AMI, AGB) */
#define NM_HEALING_PROLIFERATION_END   56   /* lasting ~6–8 weeks (AMI, AGB) */
#define NM_HEALING_REMODELLING_END     365  /* ~8 weeks to ~1 year (AMI) */

/* Maintenance after a series, in months: every 6–12 months (RSQ), 3–12
 * for lines (SWM); the conservative end, the fewest sessions, is 12. */
#define NM_MAINTENANCE_MONTHS          12

/* The sources the drawing cites in small print (clinical/REFERENCE.md §7):
 * the healing phases' timings, and maintenance sessions. */
#define NM_SCHEDULE_HEALING_SOURCES     "AMI, AGB, MAD"
#define NM_SCHEDULE_MAINTENANCE_SOURCES "RSQ, SWM"

/* The smallest text of the timeline, as a share of the style's font size */
#define NM_SCHEDULE_SMALLEST_TEXT 0.8

typedef struct
{
  gboolean    dark;          /* draw for a dark background */
  const char *font_family;   /* nullable: Cantarell */
  double      font_size;     /* 0: 8 units */
  gboolean    show_legend;   /* the healing phases' key under the lanes */
  NmReferencesCiteFunc cite; /* nullable: how sources are cited, e.g. by their
                              * number in a list ("[4, 5]"); NULL: named in
                              * short, "(Chu 2021)" */
  gpointer    cite_data;
} NmScheduleStyle;

/* Where one entry of the session log falls in the plan. */
typedef struct
{
  int   series;              /* index into the plan's series, -1: none */
  guint number;              /* 1-based session number in that series */
} NmScheduleSlot;

void    nm_render_schedule             (cairo_t               *cr,
                                        NmConsultation        *consultation,
                                        NmPlan                *plan,
                                        const GDate           *today,
                                        double                 width,
                                        double                 height,
                                        const NmScheduleStyle *style);
double  nm_render_schedule_natural_height (NmPlan            *plan,
                                        double                 font_size);
double  nm_render_schedule_natural_height_for_width (NmPlan *plan,
                                                     double  font_size,
                                                     double  width);
GArray *nm_schedule_match_sessions     (NmConsultation        *consultation,
                                        NmPlan                *plan);
void    nm_schedule_maintenance_date   (const NmPlanSeries    *series,
                                        GDate                 *date);
void    nm_schedule_series_depth       (NmPlan                *plan,
                                        const NmPlanSeries    *series,
                                        double                *min_mm,
                                        double                *max_mm);
char   *nm_render_format_date          (const GDate           *date);
char   *nm_render_format_depth         (double                 min_mm,
                                        double                 max_mm);

G_END_DECLS
