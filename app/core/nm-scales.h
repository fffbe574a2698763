/* nm-scales.h
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
#include <json.h>

#include "nm-json-reader.h"

G_BEGIN_DECLS

/* Validated clinical scales (issue 16): their grades and descriptions for a
 * reference card, the two computed scores (Goodman & Baron quantitative,
 * mMASI) and a score record that is read from and written to JSON.  The
 * sources of every number are in nm-scales.c and docs/protocol.md. */

#define NM_SCALE_ERROR (nm_scale_error_quark ())

typedef enum
{
  NM_SCALE_ERROR_INVALID,      /* an input out of range or not of the scale */
  NM_SCALE_ERROR_INCOMPLETE,   /* an input the score needs is not known yet */
} NmScaleError;

GQuark nm_scale_error_quark (void);

typedef enum
{
  NM_SCALE_GOODMAN_BARON_QUALITATIVE,   /* "goodman-baron-qualitative", per region, 1–4 */
  NM_SCALE_GOODMAN_BARON_QUANTITATIVE,  /* "goodman-baron-quantitative", 0–84 */
  NM_SCALE_MMASI,                       /* "mmasi", 0–24 */
  NM_SCALE_HAMILTON_NORWOOD,            /* "hamilton-norwood", I–VII with A and vertex */
  NM_SCALE_LUDWIG,                      /* "ludwig", I–III */
  NM_SCALE_GLOGAU,                      /* "glogau", I–IV */
  NM_SCALE_GAIS,                        /* "gais", 5 points, practitioner's or client's */
  NM_N_SCALES
} NmScale;

typedef enum
{
  NM_SCORE_RATER_NONE,
  NM_SCORE_RATER_PRACTITIONER,          /* "practitioner" */
  NM_SCORE_RATER_CLIENT,                /* "client" */
} NmScoreRater;

typedef struct
{
  const char *id;           /* the grade's id in files: "IIIa", "much-improved" */
  const char *label;        /* untranslated msgid: "Type IIIa" */
  const char *description;  /* untranslated msgid */
} NmScaleGrade;

typedef struct
{
  const char         *id;          /* the scale's id in files */
  const char         *name;        /* untranslated msgid */
  const char         *sources;     /* reference keys (docs/protocol.md), "GBQ2" */
  gboolean            graded;      /* a choice of grades, not a computed value */
  gboolean            per_region;  /* scored for one region (record has "region") */
  gboolean            rated;       /* scored by a rater (record has "rater") */
  guint               n_grades;    /* graded scales */
  const NmScaleGrade *grades;      /* graded scales, in the paper's order */
  double              min;         /* computed scales: the range */
  double              max;
} NmScaleInfo;

const NmScaleInfo *nm_scale_info               (NmScale      scale);
const char        *nm_scale_id                 (NmScale      scale);
const char        *nm_scale_name               (NmScale      scale);
gboolean           nm_scale_from_id            (const char  *id,
                                                NmScale     *out);
int                nm_scale_grade_index        (NmScale      scale,
                                                const char  *grade_id);
const char        *nm_scale_grade_label        (NmScale      scale,
                                                guint        index);
const char        *nm_scale_grade_description  (NmScale      scale,
                                                guint        index);
const char        *nm_score_rater_id           (NmScoreRater rater);
gboolean           nm_score_rater_from_id      (const char  *id,
                                                NmScoreRater *out);

/* Goodman & Baron qualitative: a region's grade is the highest severity of
 * its acne-scar findings (spec §1.3); 0 when it has none.  @findings holds
 * NmFinding. */
guint              nm_gbq1_region_grade        (GListModel  *findings,
                                                const char  *region);

/* Goodman & Baron quantitative (GBQ2).  The ten counted rows of the paper's
 * table, then the keloidal row, scored by area. */
typedef enum
{
  NM_GBQ_MACULAR,                  /* milder, 1 point */
  NM_GBQ_MILDLY_ATROPHIC,
  NM_GBQ_MODERATELY_ATROPHIC,      /* moderate, 2 points */
  NM_GBQ_PUNCHED_OUT_SHALLOW,
  NM_GBQ_SHALLOW_BROAD,
  NM_GBQ_PUNCHED_OUT_DEEP_NORMAL,  /* severe, 3 points */
  NM_GBQ_PUNCHED_OUT_DEEP_ABNORMAL,
  NM_GBQ_LINEAR_TROUGHED,
  NM_GBQ_DEEP_BROAD,
  NM_GBQ_PAPULAR,                  /* hyperplastic, 2 points */
  NM_GBQ_N_COUNTED
} NmGbqType;

#define NM_GBQ_MAX             84
#define NM_GBQ_MAX_COUNT       10000   /* lesions of one type in one region */
#define NM_GBQ_MAX_KELOID_CM2  10000.0

/* What is counted in one region, or summed for the face. */
typedef struct
{
  guint  counts[NM_GBQ_N_COUNTED];
  double keloidal_cm2;             /* keloidal or hypertrophic scars, area in cm² */
} NmGbqCounts;

const char        *nm_gbq_type_id              (NmGbqType    type);
gboolean           nm_gbq_type_from_id         (const char  *id,
                                                NmGbqType   *out);
const char        *nm_gbq_type_name            (NmGbqType    type);
guint              nm_gbq_type_points          (NmGbqType    type);
const char        *nm_gbq_keloidal_name        (void);
guint              nm_gbq_count_band           (guint        count);
guint              nm_gbq_keloidal_points      (double       cm2);
gboolean           nm_gbq_counts_check         (const NmGbqCounts *counts,
                                                GError     **error);
void               nm_gbq_counts_add           (NmGbqCounts       *sum,
                                                const NmGbqCounts *counts);
gboolean           nm_gbq_score                (const NmGbqCounts *face,
                                                guint       *out_score,
                                                GError     **error);

/* mMASI (Pandya 2011): four regions, area 0–6 × darkness 0–4, weighted.
 * Scores are kept in tenths (0–240) so that they add up exactly. */
typedef enum
{
  NM_MMASI_FOREHEAD,     /* "forehead" */
  NM_MMASI_RIGHT_MALAR,  /* "cheek-right" */
  NM_MMASI_LEFT_MALAR,   /* "cheek-left" */
  NM_MMASI_CHIN,         /* "chin" */
  NM_MMASI_N_REGIONS
} NmMmasiRegion;

#define NM_MMASI_UNKNOWN      (-1)
#define NM_MMASI_AREA_MAX     6
#define NM_MMASI_DARKNESS_MAX 4
#define NM_MMASI_MAX_TENTHS   240

typedef struct
{
  int      area;        /* 0–6, or NM_MMASI_UNKNOWN */
  int      darkness;    /* 0–4, or NM_MMASI_UNKNOWN */
  gboolean overridden;  /* set by the practitioner: not filled from the map */
} NmMmasiItem;

typedef struct
{
  NmMmasiItem items[NM_MMASI_N_REGIONS];
} NmMmasiInput;

const char        *nm_mmasi_region_id          (NmMmasiRegion region);
gboolean           nm_mmasi_region_from_id     (const char   *id,
                                                NmMmasiRegion *out);
guint              nm_mmasi_weight_tenths      (NmMmasiRegion region);
const char        *nm_mmasi_area_description   (guint         area);
const char        *nm_mmasi_darkness_description (guint       darkness);
int                nm_mmasi_area_from_fraction (double        fraction);
void               nm_mmasi_input_init         (NmMmasiInput *input);
void               nm_mmasi_fill_from_findings (NmMmasiInput *input,
                                                GListModel   *findings,
                                                const double *coverage);
gboolean           nm_mmasi_score_tenths       (const NmMmasiInput *input,
                                                guint        *out_tenths,
                                                GError      **error);

/* A score record: one scale's score as seen on one day. */
#define NM_TYPE_SCORE_RECORD (nm_score_record_get_type ())

typedef struct _NmScoreRecord NmScoreRecord;

GType              nm_score_record_get_type    (void) G_GNUC_CONST;
NmScoreRecord     *nm_score_record_new_grade   (NmScale       scale,
                                                guint         grade,
                                                const char   *region,
                                                NmScoreRater  rater,
                                                GError      **error);
NmScoreRecord     *nm_score_record_new_gbq     (GHashTable   *region_counts,
                                                GError      **error);
NmScoreRecord     *nm_score_record_new_mmasi   (const NmMmasiInput *input,
                                                GError      **error);
NmScoreRecord     *nm_score_record_copy        (const NmScoreRecord *self);
void               nm_score_record_free        (NmScoreRecord *self);
gboolean           nm_score_record_equal       (const NmScoreRecord *a,
                                                const NmScoreRecord *b);

NmScale            nm_score_record_get_scale   (const NmScoreRecord *self);
const char        *nm_score_record_get_date    (const NmScoreRecord *self);
void               nm_score_record_set_date    (NmScoreRecord       *self,
                                                const char          *date);
const char        *nm_score_record_get_region  (const NmScoreRecord *self);
NmScoreRater       nm_score_record_get_rater   (const NmScoreRecord *self);
int                nm_score_record_get_grade   (const NmScoreRecord *self);
double             nm_score_record_get_value   (const NmScoreRecord *self);
GList             *nm_score_record_get_gbq_regions (const NmScoreRecord *self);
const NmGbqCounts *nm_score_record_get_gbq_counts  (const NmScoreRecord *self,
                                                    const char          *region);
const NmMmasiInput *nm_score_record_get_mmasi  (const NmScoreRecord *self);

json_object       *nm_score_record_to_json     (const NmScoreRecord *self);
NmScoreRecord     *nm_score_record_from_json   (NmJsonCheck         *check,
                                                const NmJsonNode    *node);
GPtrArray         *nm_score_records_from_json  (NmJsonCheck         *check,
                                                const NmJsonNode    *array);
json_object       *nm_score_records_to_json    (GPtrArray           *records);

/* A list holds the scores of every visit, each record dated (no date: the
 * baseline, at the consultation), and at most one record per slot: a date
 * and a scale, with its region or rater. */
#define NM_SCORE_RECORDS_MAX 10000

GPtrArray         *nm_score_records_copy       (GPtrArray           *records);
gboolean           nm_score_records_are_valid  (GPtrArray           *records);
gboolean           nm_score_records_equal      (GPtrArray           *a,
                                                GPtrArray           *b);
gboolean           nm_score_record_same_slot   (const NmScoreRecord *a,
                                                const NmScoreRecord *b);
GPtrArray         *nm_score_records_carry_forward (GPtrArray        *earlier,
                                                   GPtrArray        *today,
                                                   const char       *date);
GPtrArray         *nm_score_records_on         (GPtrArray           *records,
                                                const char          *date);
GPtrArray         *nm_score_records_set_day    (GPtrArray           *records,
                                                const char          *date,
                                                GPtrArray           *day);
char             **nm_score_records_dup_dates  (GPtrArray           *records);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmScoreRecord, nm_score_record_free)

G_END_DECLS
