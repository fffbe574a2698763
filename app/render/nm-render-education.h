/* nm-render-education.h: the pages of the client presentation
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

G_BEGIN_DECLS

/* The presentation shown full-screen to the client. Its model holds only
 * what the pages need: the skin type, the findings' regions, kinds and
 * severities, the plan and today's date. It never holds a name, a birth
 * date, notes or the practitioner, so no page can show them. */

typedef enum
{
  NM_EDUCATION_PAGE_NEEDLING,     /* skin cross-section, the needle to scale */
  NM_EDUCATION_PAGE_HEALING,      /* healing phases on a timeline */
  NM_EDUCATION_PAGE_MAP,          /* the client's depth map, region by region */
  NM_EDUCATION_PAGE_SERIES,       /* the sessions on month calendars */
  NM_EDUCATION_PAGE_AFTERCARE,    /* do's and don'ts */
  NM_EDUCATION_N_PAGES
} NmEducationPage;

/* Skin layers under a region, in mm, with where they were measured. */
typedef struct
{
  double      epidermis_mm;
  double      dermis_mm;
  const char *site;              /* translated, e.g. "cheekbone" */
  const char *sources;           /* reference keys, e.g. "MEN, CHO" */
} NmSkinLayers;

/* Called with every string a page draws (see nm_education_model_set_text_func()). */
typedef void (*NmEducationTextFunc) (const char *text,
                                     gpointer    user_data);

typedef struct _NmEducationModel NmEducationModel;

#define NM_TYPE_EDUCATION_MODEL (nm_education_model_get_type ())

GType               nm_education_model_get_type          (void) G_GNUC_CONST;
NmEducationModel   *nm_education_model_new               (guint                 fitzpatrick,
                                                          NmPlan               *plan,
                                                          const GDate          *today);
NmEducationModel   *nm_education_model_new_for_consultation (NmConsultation    *consultation,
                                                          NmPlan               *plan,
                                                          const GDate          *today);
NmEducationModel   *nm_education_model_ref               (NmEducationModel     *self);
void                nm_education_model_unref             (NmEducationModel     *self);

void                nm_education_model_add_finding       (NmEducationModel     *self,
                                                          const char           *region,
                                                          const char           *kind,
                                                          guint                 severity);
guint               nm_education_model_get_fitzpatrick   (NmEducationModel     *self);
NmPlan             *nm_education_model_get_plan          (NmEducationModel     *self);
const char * const *nm_education_model_get_regions       (NmEducationModel     *self);
const char         *nm_education_model_get_region        (NmEducationModel     *self);
gboolean            nm_education_model_set_region        (NmEducationModel     *self,
                                                          const char           *region);
gboolean            nm_education_model_step_region       (NmEducationModel     *self,
                                                          int                   delta);
void                nm_education_model_set_text_func     (NmEducationModel     *self,
                                                          NmEducationTextFunc   func,
                                                          gpointer              user_data);

gboolean            nm_skin_layers_for_region            (const char           *region,
                                                          NmSkinLayers         *layers);

const char         *nm_education_page_title              (NmEducationPage       page);
double              nm_education_page_duration           (NmEducationModel     *model,
                                                          NmEducationPage       page);
void                nm_render_education_page             (cairo_t              *cr,
                                                          NmEducationModel     *model,
                                                          NmEducationPage       page,
                                                          double                t_seconds,
                                                          double                width,
                                                          double                height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmEducationModel, nm_education_model_unref)

G_END_DECLS
