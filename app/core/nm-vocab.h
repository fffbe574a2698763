/* nm-vocab.h
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

#include <glib.h>

G_BEGIN_DECLS

/* The fixed vocabulary of spec/FORMAT.md §1. Ids are the spec's strings;
 * display names are translatable and returned already translated. */

typedef enum
{
  NM_VIEW_FACE_FRONT,
  NM_VIEW_FACE_LEFT,
  NM_VIEW_FACE_RIGHT,
  NM_VIEW_SCALP,
  NM_VIEW_BODY_FRONT,
  NM_VIEW_BODY_BACK,
  NM_N_VIEWS
} NmView;

typedef enum
{
  NM_CATEGORY_SCAR,
  NM_CATEGORY_STRIAE,
  NM_CATEGORY_PIGMENT,
  NM_CATEGORY_AGEING,
  NM_CATEGORY_TEXTURE,
  NM_CATEGORY_HAIR,
  NM_N_CATEGORIES
} NmCategory;

typedef enum
{
  NM_SCREENING_ABSOLUTE,
  NM_SCREENING_RELATIVE
} NmScreeningClass;

#define NM_SEVERITY_MIN 1
#define NM_SEVERITY_MAX 4

typedef struct
{
  const char *id;
  const char *name;          /* untranslated msgid: use nm_vocab_region_name() */
  guint       views;         /* bit mask of 1 << NmView */
} NmRegionInfo;

typedef struct
{
  const char *id;
  NmCategory  category;
  const char *name;          /* untranslated msgid */
} NmKindInfo;

typedef struct
{
  const char       *id;
  NmScreeningClass  default_class;
  const char       *question; /* untranslated msgid: one plain-language question */
} NmScreeningInfo;

/* Views */
const char         *nm_view_id                    (NmView       view);
const char         *nm_view_name                  (NmView       view);
gboolean            nm_view_from_id               (const char  *id,
                                                   NmView      *view);

/* Regions, in the spec's order */
guint               nm_vocab_n_regions            (void);
const NmRegionInfo *nm_vocab_region               (guint        index);
int                 nm_vocab_region_index         (const char  *id);
const char         *nm_vocab_region_name          (const char  *id);
gboolean            nm_vocab_region_in_view       (const char  *id,
                                                   NmView       view);
gboolean            nm_vocab_region_never_treated (const char  *id);

/* Finding kinds, in the spec's order */
guint               nm_vocab_n_kinds              (void);
const NmKindInfo   *nm_vocab_kind                 (guint        index);
int                 nm_vocab_kind_index           (const char  *id);
const char         *nm_vocab_kind_name            (const char  *id);
NmCategory          nm_vocab_kind_category        (const char  *id);

/* Categories */
const char         *nm_category_id                (NmCategory   category);
const char         *nm_category_name              (NmCategory   category);

/* Severities 1–4 */
const char         *nm_vocab_severity_name        (guint        severity);
const char         *nm_vocab_severity_description (const char  *kind_id,
                                                   guint        severity);

/* Screening items, in the spec's order */
guint                  nm_vocab_n_screening       (void);
const NmScreeningInfo *nm_vocab_screening         (guint        index);
int                    nm_vocab_screening_index   (const char  *id);
const char            *nm_vocab_screening_question (const char *id);

G_END_DECLS
