/* test-scales.c
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

#include "config.h"

#include <math.h>
#include <string.h>

#include "nm-consultation.h"
#include "nm-file.h"
#include "nm-finding.h"
#include "nm-scales.h"
#include "nm-vocab.h"

/* Golden tests of the scales of issue 16.  Neither GBQ2 nor the mMASI
 * paper gives a worked example that we could retrieve, so the expected
 * scores are computed by hand from the papers' definitions (nm-scales.c),
 * with each step written beside the case. */

/* Goodman & Baron quantitative */

static void
test_gbq_bands (void)
{
  /* Number of lesions: 1–10 × 1, 11–20 × 2, > 20 × 3 */
  g_assert_cmpuint (nm_gbq_count_band (0), ==, 0);
  g_assert_cmpuint (nm_gbq_count_band (1), ==, 1);
  g_assert_cmpuint (nm_gbq_count_band (10), ==, 1);
  g_assert_cmpuint (nm_gbq_count_band (11), ==, 2);
  g_assert_cmpuint (nm_gbq_count_band (20), ==, 2);
  g_assert_cmpuint (nm_gbq_count_band (21), ==, 3);
  g_assert_cmpuint (nm_gbq_count_band (G_MAXUINT), ==, 3);

  /* Keloidal: < 5 cm² 6, 5–20 cm² 12, > 20 cm² 18 */
  g_assert_cmpuint (nm_gbq_keloidal_points (0), ==, 0);
  g_assert_cmpuint (nm_gbq_keloidal_points (0.1), ==, 6);
  g_assert_cmpuint (nm_gbq_keloidal_points (4.99), ==, 6);
  g_assert_cmpuint (nm_gbq_keloidal_points (5), ==, 12);
  g_assert_cmpuint (nm_gbq_keloidal_points (20), ==, 12);
  g_assert_cmpuint (nm_gbq_keloidal_points (20.01), ==, 18);

  /* Points per lesion type: milder 1, moderate 2, severe 3, papular 2 */
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_MACULAR), ==, 1);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_MILDLY_ATROPHIC), ==, 1);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_MODERATELY_ATROPHIC), ==, 2);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_PUNCHED_OUT_SHALLOW), ==, 2);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_SHALLOW_BROAD), ==, 2);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_PUNCHED_OUT_DEEP_NORMAL), ==, 3);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_PUNCHED_OUT_DEEP_ABNORMAL), ==, 3);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_LINEAR_TROUGHED), ==, 3);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_DEEP_BROAD), ==, 3);
  g_assert_cmpuint (nm_gbq_type_points (NM_GBQ_PAPULAR), ==, 2);
}

static guint
gbq_score (const NmGbqCounts *face)
{
  g_autoptr(GError) error = NULL;
  guint score = G_MAXUINT;

  g_assert_true (nm_gbq_score (face, &score, &error));
  g_assert_no_error (error);

  return score;
}

static void
test_gbq_bounds (void)
{
  NmGbqCounts face = { { 0, }, 0 };

  /* No scars: 0 */
  g_assert_cmpuint (gbq_score (&face), ==, 0);

  /* Every type over 20 and keloids over 20 cm²: the paper's maximum,
   * 2 × 1 × 3 + 3 × 2 × 3 + 4 × 3 × 3 + 2 × 3 + 18 = 6 + 18 + 36 + 6 + 18 = 84 */
  for (guint i = 0; i < NM_GBQ_N_COUNTED; i++)
    face.counts[i] = 21;
  face.keloidal_cm2 = 25;
  g_assert_cmpuint (gbq_score (&face), ==, 84);
  g_assert_cmpuint (NM_GBQ_MAX, ==, 84);

  /* More of everything is still 84 */
  for (guint i = 0; i < NM_GBQ_N_COUNTED; i++)
    face.counts[i] = 500;
  face.keloidal_cm2 = 400;
  g_assert_cmpuint (gbq_score (&face), ==, 84);
}

static void
test_gbq_examples (void)
{
  NmGbqCounts cheek_left = { { 0, }, 0 };
  NmGbqCounts cheek_right = { { 0, }, 0 };
  NmGbqCounts chin = { { 0, }, 0 };
  NmGbqCounts face = { { 0, }, 0 };

  /* By hand: cheek-left 4 macular + 8 shallow punched-out; cheek-right
   * 5 shallow punched-out + 3 linear; chin keloids 3 cm².  Face: macular 4
   * → 1 × 1 = 1; shallow punched-out 13 → 2 × 2 = 4; linear 3 → 3 × 1 = 3;
   * keloidal 3 cm² → 6.  Total 14. */
  cheek_left.counts[NM_GBQ_MACULAR] = 4;
  cheek_left.counts[NM_GBQ_PUNCHED_OUT_SHALLOW] = 8;
  cheek_right.counts[NM_GBQ_PUNCHED_OUT_SHALLOW] = 5;
  cheek_right.counts[NM_GBQ_LINEAR_TROUGHED] = 3;
  chin.keloidal_cm2 = 3;
  nm_gbq_counts_add (&face, &cheek_left);
  nm_gbq_counts_add (&face, &cheek_right);
  nm_gbq_counts_add (&face, &chin);
  g_assert_cmpuint (face.counts[NM_GBQ_PUNCHED_OUT_SHALLOW], ==, 13);
  g_assert_cmpuint (gbq_score (&face), ==, 14);

  /* The face's counts are banded, not each region's: 12 + 12 macular
   * is 24 → 1 × 3 = 3, where banding each cheek would give 2 + 2 = 4. */
  memset (&face, 0, sizeof face);
  memset (&cheek_left, 0, sizeof cheek_left);
  cheek_left.counts[NM_GBQ_MACULAR] = 12;
  nm_gbq_counts_add (&face, &cheek_left);
  nm_gbq_counts_add (&face, &cheek_left);
  g_assert_cmpuint (gbq_score (&face), ==, 3);

  /* Each type is banded on its own, not its group: 21 macular + 21 mildly
   * atrophic is 3 + 3 = 6, not 3. */
  memset (&face, 0, sizeof face);
  face.counts[NM_GBQ_MACULAR] = 21;
  face.counts[NM_GBQ_MILDLY_ATROPHIC] = 21;
  g_assert_cmpuint (gbq_score (&face), ==, 6);

  /* By hand, a severe face: 25 deep broad atrophic → 3 × 3 = 9; 15 deep
   * abnormal punched-out → 3 × 2 = 6; 2 papular → 2 × 1 = 2; 12 macular →
   * 1 × 2 = 2.  Total 19. */
  memset (&face, 0, sizeof face);
  face.counts[NM_GBQ_DEEP_BROAD] = 25;
  face.counts[NM_GBQ_PUNCHED_OUT_DEEP_ABNORMAL] = 15;
  face.counts[NM_GBQ_PAPULAR] = 2;
  face.counts[NM_GBQ_MACULAR] = 12;
  g_assert_cmpuint (gbq_score (&face), ==, 19);
}

static void
test_gbq_invalid (void)
{
  g_autoptr(GHashTable) regions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  NmGbqCounts counts = { { 0, }, 0 };
  NmScoreRecord *record;
  guint score = 99;

  counts.keloidal_cm2 = -1;
  g_assert_false (nm_gbq_score (&counts, &score, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_assert_cmpuint (score, ==, 99);
  g_clear_error (&error);

  counts.keloidal_cm2 = NAN;
  g_assert_false (nm_gbq_counts_check (&counts, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);

  counts.keloidal_cm2 = 0;
  counts.counts[NM_GBQ_PAPULAR] = NM_GBQ_MAX_COUNT + 1;
  g_hash_table_insert (regions, (gpointer) "chin", &counts);
  record = nm_score_record_new_gbq (regions, &error);
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_assert_null (record);
  g_clear_error (&error);

  counts.counts[NM_GBQ_PAPULAR] = NM_GBQ_MAX_COUNT;
  g_hash_table_remove_all (regions);
  g_hash_table_insert (regions, (gpointer) "not-a-region", &counts);
  record = nm_score_record_new_gbq (regions, &error);
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_assert_null (record);
}

/* mMASI */

static NmMmasiInput
mmasi (int fa, int fd, int ra, int rd, int la, int ld, int ca, int cd)
{
  NmMmasiInput input;

  nm_mmasi_input_init (&input);
  input.items[NM_MMASI_FOREHEAD] = (NmMmasiItem) { fa, fd, FALSE };
  input.items[NM_MMASI_RIGHT_MALAR] = (NmMmasiItem) { ra, rd, FALSE };
  input.items[NM_MMASI_LEFT_MALAR] = (NmMmasiItem) { la, ld, FALSE };
  input.items[NM_MMASI_CHIN] = (NmMmasiItem) { ca, cd, FALSE };

  return input;
}

static guint
mmasi_tenths (NmMmasiInput input)
{
  g_autoptr(GError) error = NULL;
  guint tenths = G_MAXUINT;

  g_assert_true (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_no_error (error);

  return tenths;
}

static void
test_mmasi_scores (void)
{
  g_assert_cmpstr (nm_mmasi_region_id (NM_MMASI_FOREHEAD), ==, "forehead");
  g_assert_cmpstr (nm_mmasi_region_id (NM_MMASI_RIGHT_MALAR), ==, "cheek-right");
  g_assert_cmpstr (nm_mmasi_region_id (NM_MMASI_LEFT_MALAR), ==, "cheek-left");
  g_assert_cmpstr (nm_mmasi_region_id (NM_MMASI_CHIN), ==, "chin");
  g_assert_cmpuint (nm_mmasi_weight_tenths (NM_MMASI_FOREHEAD), ==, 3);
  g_assert_cmpuint (nm_mmasi_weight_tenths (NM_MMASI_RIGHT_MALAR), ==, 3);
  g_assert_cmpuint (nm_mmasi_weight_tenths (NM_MMASI_LEFT_MALAR), ==, 3);
  g_assert_cmpuint (nm_mmasi_weight_tenths (NM_MMASI_CHIN), ==, 1);

  /* Bounds: 0, and 0.3 × 6 × 4 × 3 + 0.1 × 6 × 4 = 21.6 + 2.4 = 24 */
  g_assert_cmpuint (mmasi_tenths (mmasi (0, 0, 0, 0, 0, 0, 0, 0)), ==, 0);
  g_assert_cmpuint (mmasi_tenths (mmasi (6, 4, 6, 4, 6, 4, 6, 4)), ==, 240);

  /* Area without darkness, or darkness without area, scores nothing */
  g_assert_cmpuint (mmasi_tenths (mmasi (6, 0, 0, 4, 0, 0, 0, 0)), ==, 0);

  /* By hand: forehead 0.3 × 3 × 2 = 1.8; right malar 0.3 × 4 × 3 = 3.6;
   * left malar 0.3 × 2 × 1 = 0.6; chin 0.1 × 1 × 1 = 0.1.  Total 6.1. */
  g_assert_cmpuint (mmasi_tenths (mmasi (3, 2, 4, 3, 2, 1, 1, 1)), ==, 61);

  /* By hand: the chin alone at its maximum, 0.1 × 6 × 4 = 2.4 */
  g_assert_cmpuint (mmasi_tenths (mmasi (0, 0, 0, 0, 0, 0, 6, 4)), ==, 24);
}

static void
test_mmasi_invalid (void)
{
  g_autoptr(GError) error = NULL;
  NmMmasiInput input;
  guint tenths = 99;

  input = mmasi (7, 1, 0, 0, 0, 0, 0, 0);
  g_assert_false (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);

  input = mmasi (0, 0, 0, 0, 0, 5, 0, 0);
  g_assert_false (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);

  input = mmasi (0, 0, -2, 0, 0, 0, 0, 0);
  g_assert_false (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);

  /* An area not given yet: no score is made up */
  input = mmasi (3, 2, NM_MMASI_UNKNOWN, 3, 0, 0, 0, 0);
  g_assert_false (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INCOMPLETE);
  g_assert_null (nm_score_record_new_mmasi (&input, NULL));
  g_clear_error (&error);

  nm_mmasi_input_init (&input);
  g_assert_false (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INCOMPLETE);
  g_assert_cmpuint (tenths, ==, 99);
}

static void
test_mmasi_area_steps (void)
{
  /* 0 none, 1 < 10 %, 2 10–29 %, 3 30–49 %, 4 50–69 %, 5 70–89 %, 6 90–100 % */
  g_assert_cmpint (nm_mmasi_area_from_fraction (0), ==, 0);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.001), ==, 1);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.0999), ==, 1);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.10), ==, 2);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.299), ==, 2);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.30), ==, 3);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.50), ==, 4);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.70), ==, 5);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.8999), ==, 5);
  g_assert_cmpint (nm_mmasi_area_from_fraction (0.90), ==, 6);
  g_assert_cmpint (nm_mmasi_area_from_fraction (1), ==, 6);
  g_assert_cmpint (nm_mmasi_area_from_fraction (1.01), ==, -1);
  g_assert_cmpint (nm_mmasi_area_from_fraction (-0.1), ==, -1);
  g_assert_cmpint (nm_mmasi_area_from_fraction (NAN), ==, -1);
}

static GListStore *
findings_new (void)
{
  GListStore *store = g_list_store_new (NM_TYPE_FINDING);
  const struct { const char *region, *kind; guint severity; } findings[] = {
    { "forehead",   "melasma", 2 },
    { "cheek-left", "melasma", 1 },
    { "cheek-left", "melasma", 4 },
    { "cheek-left", "acne-scar-rolling", 3 },
    { "chin",       "pih", 3 },            /* not melasma */
    { "nose",       "melasma", 3 },        /* not an mMASI region */
    { "cheek-right", "acne-scar-icepick", 2 },
    { "cheek-right", "acne-scar-boxcar", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (findings); i++)
    {
      g_autoptr(NmFinding) finding = nm_finding_new (findings[i].region, findings[i].kind,
                                                     findings[i].severity);
      g_list_store_append (store, finding);
    }

  return store;
}

static void
test_mmasi_from_findings (void)
{
  g_autoptr(GListStore) findings = findings_new ();
  g_autoptr(GError) error = NULL;
  const double coverage[NM_MMASI_N_REGIONS] = { 0.35, 0.5, -1, 0 };
  NmMmasiInput input;
  guint tenths;

  nm_mmasi_input_init (&input);
  nm_mmasi_fill_from_findings (&input, G_LIST_MODEL (findings), coverage);

  /* Forehead: melasma of severity 2, 35 % covered → area 3, darkness 2 */
  g_assert_cmpint (input.items[NM_MMASI_FOREHEAD].area, ==, 3);
  g_assert_cmpint (input.items[NM_MMASI_FOREHEAD].darkness, ==, 2);
  /* Right cheek: no melasma (its coverage is ignored) → 0, 0 */
  g_assert_cmpint (input.items[NM_MMASI_RIGHT_MALAR].area, ==, 0);
  g_assert_cmpint (input.items[NM_MMASI_RIGHT_MALAR].darkness, ==, 0);
  /* Left cheek: the darkest of its melasma findings; no outline → area unknown */
  g_assert_cmpint (input.items[NM_MMASI_LEFT_MALAR].area, ==, NM_MMASI_UNKNOWN);
  g_assert_cmpint (input.items[NM_MMASI_LEFT_MALAR].darkness, ==, 4);
  /* Chin: PIH is not melasma → 0, 0 */
  g_assert_cmpint (input.items[NM_MMASI_CHIN].area, ==, 0);
  g_assert_cmpint (input.items[NM_MMASI_CHIN].darkness, ==, 0);

  g_assert_false (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INCOMPLETE);
  g_clear_error (&error);

  /* The practitioner gives the left cheek's area, and overrides the
   * forehead's darkness; filling again keeps both */
  input.items[NM_MMASI_LEFT_MALAR] = (NmMmasiItem) { 5, 4, TRUE };
  input.items[NM_MMASI_FOREHEAD] = (NmMmasiItem) { 3, 1, TRUE };
  nm_mmasi_fill_from_findings (&input, G_LIST_MODEL (findings), NULL);
  g_assert_cmpint (input.items[NM_MMASI_LEFT_MALAR].area, ==, 5);
  g_assert_cmpint (input.items[NM_MMASI_FOREHEAD].darkness, ==, 1);

  /* 0.3 × 3 × 1 + 0.3 × 5 × 4 = 0.9 + 6.0 = 6.9 */
  g_assert_true (nm_mmasi_score_tenths (&input, &tenths, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tenths, ==, 69);

  /* A melasma finding whose outline covers next to nothing is still area 1 */
  {
    const double tiny[NM_MMASI_N_REGIONS] = { 0, 0, 0, 0 };

    nm_mmasi_input_init (&input);
    nm_mmasi_fill_from_findings (&input, G_LIST_MODEL (findings), tiny);
    g_assert_cmpint (input.items[NM_MMASI_FOREHEAD].area, ==, 1);
    g_assert_cmpint (input.items[NM_MMASI_LEFT_MALAR].area, ==, 1);
    g_assert_cmpint (input.items[NM_MMASI_CHIN].area, ==, 0);
  }
}

/* Graded scales */

static void
test_grades (void)
{
  static const char * const norwood[] = {
    "I", "II", "IIa", "III", "IIIa", "III-vertex", "IV", "IVa", "V", "Va", "VI", "VII",
  };
  static const char * const gais[] = {
    "very-much-improved", "much-improved", "improved", "no-change", "worse",
  };
  struct { NmScale scale; guint n; } counts[] = {
    { NM_SCALE_GOODMAN_BARON_QUALITATIVE, 4 },
    { NM_SCALE_HAMILTON_NORWOOD, 12 },
    { NM_SCALE_LUDWIG, 3 },
    { NM_SCALE_GLOGAU, 4 },
    { NM_SCALE_GAIS, 5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      const NmScaleInfo *info = nm_scale_info (counts[i].scale);
      NmScale found;

      g_assert_true (info->graded);
      g_assert_cmpuint (info->n_grades, ==, counts[i].n);
      g_assert_true (nm_scale_from_id (info->id, &found));
      g_assert_cmpint (found, ==, counts[i].scale);

      for (guint g = 0; g < info->n_grades; g++)
        {
          g_assert_cmpint (nm_scale_grade_index (counts[i].scale, info->grades[g].id), ==, g);
          g_assert_nonnull (nm_scale_grade_label (counts[i].scale, g));
          g_assert_cmpuint (strlen (nm_scale_grade_description (counts[i].scale, g)), >, 10);
        }

      g_assert_null (nm_scale_grade_label (counts[i].scale, info->n_grades));
      g_assert_null (nm_scale_grade_description (counts[i].scale, info->n_grades));
      g_assert_cmpint (nm_scale_grade_index (counts[i].scale, "nonsense"), ==, -1);
    }

  for (guint g = 0; g < G_N_ELEMENTS (norwood); g++)
    g_assert_cmpint (nm_scale_grade_index (NM_SCALE_HAMILTON_NORWOOD, norwood[g]), ==, g);
  for (guint g = 0; g < G_N_ELEMENTS (gais); g++)
    g_assert_cmpint (nm_scale_grade_index (NM_SCALE_GAIS, gais[g]), ==, g);

  /* The qualitative grades are the acne-scar severities, word for word */
  for (guint g = 0; g < 4; g++)
    g_assert_cmpstr (nm_scale_grade_description (NM_SCALE_GOODMAN_BARON_QUALITATIVE, g), ==,
                     nm_vocab_severity_description ("acne-scar-boxcar", g + 1));

  g_assert_false (nm_scale_info (NM_SCALE_MMASI)->graded);
  g_assert_cmpfloat (nm_scale_info (NM_SCALE_MMASI)->max, ==, 24);
  g_assert_cmpfloat (nm_scale_info (NM_SCALE_GOODMAN_BARON_QUANTITATIVE)->max, ==, 84);
}

static void
test_gbq1_region_grade (void)
{
  g_autoptr(GListStore) findings = findings_new ();

  g_assert_cmpuint (nm_gbq1_region_grade (G_LIST_MODEL (findings), "cheek-right"), ==, 4);
  g_assert_cmpuint (nm_gbq1_region_grade (G_LIST_MODEL (findings), "cheek-left"), ==, 3);
  g_assert_cmpuint (nm_gbq1_region_grade (G_LIST_MODEL (findings), "forehead"), ==, 0);
}

static void
test_grade_records (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NmScoreRecord) record = NULL;
  g_autoptr(NmScoreRecord) copy = NULL;

  record = nm_score_record_new_grade (NM_SCALE_GAIS, 1, NULL, NM_SCORE_RATER_CLIENT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nm_score_record_get_grade (record), ==, 1);
  g_assert_cmpfloat (nm_score_record_get_value (record), ==, 2);
  g_assert_cmpint (nm_score_record_get_rater (record), ==, NM_SCORE_RATER_CLIENT);
  copy = nm_score_record_copy (record);
  g_assert_true (nm_score_record_equal (record, copy));
  g_clear_pointer (&copy, nm_score_record_free);
  copy = nm_score_record_new_grade (NM_SCALE_GAIS, 1, NULL, NM_SCORE_RATER_PRACTITIONER, NULL);
  g_assert_false (nm_score_record_equal (record, copy));

  /* Refused: GAIS without a rater, a grade past the last, a region on a
   * whole-head scale, none on a per-region one, an unknown region, a
   * rater on a scale that has none */
  g_assert_null (nm_score_record_new_grade (NM_SCALE_GAIS, 1, NULL, NM_SCORE_RATER_NONE, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nm_score_record_new_grade (NM_SCALE_GLOGAU, 4, NULL, NM_SCORE_RATER_NONE, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nm_score_record_new_grade (NM_SCALE_HAMILTON_NORWOOD, 0, "scalp-vertex",
                                            NM_SCORE_RATER_NONE, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nm_score_record_new_grade (NM_SCALE_GOODMAN_BARON_QUALITATIVE, 2, NULL,
                                            NM_SCORE_RATER_NONE, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nm_score_record_new_grade (NM_SCALE_GOODMAN_BARON_QUALITATIVE, 2, "cheeks",
                                            NM_SCORE_RATER_NONE, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nm_score_record_new_grade (NM_SCALE_LUDWIG, 0, NULL,
                                            NM_SCORE_RATER_CLIENT, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (nm_score_record_new_grade (NM_SCALE_MMASI, 0, NULL, NM_SCORE_RATER_NONE, &error));
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
}

/* JSON */

static NmJsonDoc *
parse (const char *text)
{
  NmJsonRules rules = {
    NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID, NM_SCALE_ERROR_INVALID,
    1024 * 1024, NM_JSON_MAX_DEPTH, 10000, 0,
  };
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  NmJsonDoc *doc = nm_json_doc_parse (bytes, &rules, &error);

  g_assert_no_error (error);
  return doc;
}

static GPtrArray *
read_scores (const char  *text,
             GError     **error)
{
  g_autoptr(NmJsonDoc) doc = parse (text);
  const NmJsonNode *scores = nm_json_member (nm_json_doc_get_root (doc), "scores");
  NmJsonCheck check;
  gsize mark;
  GPtrArray *records;

  nm_json_check_init (&check, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID, error);
  mark = nm_json_path_push_key (&check.path, "scores", -1);
  records = nm_score_records_from_json (&check, scores);
  nm_json_path_pop (&check.path, mark);

  return records;
}

static const char golden_scores[] =
  "{\"scores\":["
  "{\"scale\":\"goodman-baron-qualitative\",\"region\":\"cheek-left\",\"grade\":\"3\"},"
  "{\"scale\":\"goodman-baron-quantitative\",\"value\":14,\"counts\":{"
    "\"cheek-left\":{\"macular\":4,\"punched-out-shallow\":8},"
    "\"cheek-right\":{\"punched-out-shallow\":5,\"linear-troughed\":3},"
    "\"chin\":{\"keloidal-cm2\":3}}},"
  "{\"scale\":\"mmasi\",\"value\":6.1,\"regions\":{"
    "\"forehead\":{\"area\":3,\"darkness\":2},"
    "\"cheek-right\":{\"area\":4,\"darkness\":3},"
    "\"cheek-left\":{\"area\":2,\"darkness\":1,\"overridden\":true},"
    "\"chin\":{\"area\":1,\"darkness\":1}}},"
  "{\"scale\":\"hamilton-norwood\",\"grade\":\"III-vertex\"},"
  "{\"scale\":\"ludwig\",\"grade\":\"II\"},"
  "{\"scale\":\"glogau\",\"grade\":\"III\",\"x-later\":{\"kept\":[1,2.50]}},"
  "{\"scale\":\"gais\",\"rater\":\"practitioner\",\"grade\":\"much-improved\"},"
  "{\"scale\":\"gais\",\"rater\":\"client\",\"grade\":\"improved\"},"
  "{\"scale\":\"gais\",\"date\":\"2027-01-05\",\"rater\":\"client\",\"grade\":\"no-change\"}"
  "]}";

static void
test_json_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = read_scores (golden_scores, &error);
  g_autoptr(GPtrArray) again = NULL;
  json_object *array, *root;
  g_autofree char *written = NULL;
  const NmGbqCounts *chin;
  const NmMmasiInput *input;

  g_assert_no_error (error);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, 9);

  g_assert_cmpfloat (nm_score_record_get_value (records->pdata[0]), ==, 3);
  g_assert_cmpstr (nm_score_record_get_region (records->pdata[0]), ==, "cheek-left");
  g_assert_cmpfloat (nm_score_record_get_value (records->pdata[1]), ==, 14);
  chin = nm_score_record_get_gbq_counts (records->pdata[1], "chin");
  g_assert_cmpfloat (chin->keloidal_cm2, ==, 3);
  g_assert_cmpfloat (nm_score_record_get_value (records->pdata[2]), ==, 6.1);
  input = nm_score_record_get_mmasi (records->pdata[2]);
  g_assert_true (input->items[NM_MMASI_LEFT_MALAR].overridden);
  g_assert_false (input->items[NM_MMASI_FOREHEAD].overridden);
  g_assert_cmpint (nm_score_record_get_grade (records->pdata[3]), ==, 5);
  g_assert_cmpint (nm_score_record_get_rater (records->pdata[7]), ==, NM_SCORE_RATER_CLIENT);
  g_assert_null (nm_score_record_get_date (records->pdata[7]));
  g_assert_cmpstr (nm_score_record_get_date (records->pdata[8]), ==, "2027-01-05");
  g_assert_false (nm_score_record_same_slot (records->pdata[7], records->pdata[8]));

  /* Written back byte for byte, unknown keys included */
  array = nm_score_records_to_json (records);
  root = json_object_new_object ();
  json_object_object_add (root, "scores", array);
  written = g_strdup (json_object_to_json_string_ext (root, JSON_C_TO_STRING_PLAIN));
  json_object_put (root);
  g_assert_cmpstr (written, ==, golden_scores);

  again = read_scores (written, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    g_assert_true (nm_score_record_equal (records->pdata[i], again->pdata[i]));
}

static void
test_json_from_records (void)
{
  g_autoptr(GHashTable) regions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(NmScoreRecord) gbq = NULL;
  g_autoptr(NmScoreRecord) masi = NULL;
  g_autoptr(GError) error = NULL;
  NmGbqCounts forehead = { { 0, }, 0 };
  NmMmasiInput input = mmasi (6, 4, 6, 4, 6, 4, 6, 4);
  json_object *object;

  /* The empty face scores 0 and is written with its empty counts */
  gbq = nm_score_record_new_gbq (regions, &error);
  g_assert_no_error (error);
  object = nm_score_record_to_json (gbq);
  g_assert_cmpstr (json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN), ==,
                   "{\"scale\":\"goodman-baron-quantitative\",\"value\":0,\"counts\":{}}");
  json_object_put (object);
  g_clear_pointer (&gbq, nm_score_record_free);

  forehead.counts[NM_GBQ_PAPULAR] = 2;
  forehead.keloidal_cm2 = 5.5;
  g_hash_table_insert (regions, (gpointer) "forehead", &forehead);
  gbq = nm_score_record_new_gbq (regions, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nm_score_record_get_value (gbq), ==, 2 + 12);
  object = nm_score_record_to_json (gbq);
  g_assert_cmpstr (json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN), ==,
                   "{\"scale\":\"goodman-baron-quantitative\",\"value\":14,"
                   "\"counts\":{\"forehead\":{\"papular\":2,\"keloidal-cm2\":5.5}}}");
  json_object_put (object);

  /* An area is kept as the file holds it, to six significant digits */
  g_clear_pointer (&gbq, nm_score_record_free);
  forehead.keloidal_cm2 = 5.123456789;
  gbq = nm_score_record_new_gbq (regions, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nm_score_record_get_gbq_counts (gbq, "forehead")->keloidal_cm2, ==, 5.12346);
  object = nm_score_record_to_json (gbq);
  g_assert_cmpstr (json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN), ==,
                   "{\"scale\":\"goodman-baron-quantitative\",\"value\":14,"
                   "\"counts\":{\"forehead\":{\"papular\":2,\"keloidal-cm2\":5.12346}}}");
  json_object_put (object);

  masi = nm_score_record_new_mmasi (&input, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nm_score_record_get_value (masi), ==, 24);
  object = nm_score_record_to_json (masi);
  g_assert_cmpstr (json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN), ==,
                   "{\"scale\":\"mmasi\",\"value\":24,\"regions\":{"
                   "\"forehead\":{\"area\":6,\"darkness\":4},"
                   "\"cheek-right\":{\"area\":6,\"darkness\":4},"
                   "\"cheek-left\":{\"area\":6,\"darkness\":4},"
                   "\"chin\":{\"area\":6,\"darkness\":4}}}");
  json_object_put (object);
}

static const char mmasi_regions_json[] =
  "\"regions\":{\"forehead\":{\"area\":3,\"darkness\":2},\"cheek-right\":{\"area\":4,\"darkness\":3},"
  "\"cheek-left\":{\"area\":2,\"darkness\":1},\"chin\":{\"area\":1,\"darkness\":1}}";

static void
test_json_refused (void)
{
  g_autofree char *mmasi_wrong = g_strdup_printf ("{\"scores\":[{\"scale\":\"mmasi\",\"value\":6.2,%s}]}",
                                                  mmasi_regions_json);
  g_autofree char *mmasi_ok = g_strdup_printf ("{\"scores\":[{\"scale\":\"mmasi\",\"value\":6.10,%s}]}",
                                               mmasi_regions_json);
  const struct { const char *json; const char *message; } cases[] = {
    { "{\"scores\":{}}", "scores: must be an array" },
    { "{\"scores\":[3]}", "scores[0]: must be an object" },
    { "{\"scores\":[{\"grade\":\"I\"}]}", "scores[0]: the required key “scale” is missing" },
    { "{\"scores\":[{\"scale\":\"pasi\"}]}", "scores[0].scale: unknown scale “pasi”" },
    { "{\"scores\":[{\"scale\":\"ludwig\",\"grade\":\"IV\"}]}",
      "scores[0].grade: “IV” is not a grade of ludwig" },
    { "{\"scores\":[{\"scale\":\"ludwig\",\"grade\":2}]}", "scores[0].grade: must be a string" },
    { "{\"scores\":[{\"scale\":\"ludwig\"}]}", "scores[0]: the required key “grade” is missing" },
    { "{\"scores\":[{\"scale\":\"ludwig\",\"grade\":\"I\",\"region\":\"scalp-vertex\"}]}",
      "scores[0].region: ludwig has no “region”" },
    { "{\"scores\":[{\"scale\":\"ludwig\",\"grade\":\"I\",\"value\":1}]}",
      "scores[0].value: ludwig has no “value”" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-qualitative\",\"grade\":\"2\"}]}",
      "scores[0]: the required key “region” is missing" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-qualitative\",\"grade\":\"5\",\"region\":\"chin\"}]}",
      "scores[0].grade: “5” is not a grade of goodman-baron-qualitative" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-qualitative\",\"grade\":\"2\",\"region\":\"cheeks\"}]}",
      "scores[0].region: unknown region “cheeks”" },
    { "{\"scores\":[{\"scale\":\"gais\",\"grade\":\"worse\"}]}",
      "scores[0]: the required key “rater” is missing" },
    { "{\"scores\":[{\"scale\":\"gais\",\"grade\":\"worse\",\"rater\":\"mother\"}]}",
      "scores[0].rater: must be “practitioner” or “client”" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":0}]}",
      "scores[0]: the required key “counts” is missing" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"counts\":{}}]}",
      "scores[0]: the required key “value” is missing" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":3,\"counts\":{}}]}",
      "scores[0].value: 3 is not the score of its inputs, 0" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":85,\"counts\":{}}]}",
      "scores[0].value: 85 is not the score of its inputs, 0" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":0,\"counts\":{\"chin\":{\"icepick\":3}}}]}",
      "scores[0].counts.chin.icepick: unknown scar type “icepick”" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":0,\"counts\":{\"chin\":{\"papular\":-1}}}]}",
      "scores[0].counts.chin.papular: -1 is out of range: must be 0–10000" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":0,\"counts\":{\"chin\":{\"papular\":1.5}}}]}",
      "scores[0].counts.chin.papular: must be an integer" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":0,\"counts\":{\"chin\":{\"keloidal-cm2\":-2}}}]}",
      "scores[0].counts.chin.keloidal-cm2: must be an area from 0 to 10000 cm²" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":0,\"counts\":{\"jaw\":{}}}]}",
      "scores[0].counts.jaw: unknown region “jaw”" },
    { "{\"scores\":[{\"scale\":\"mmasi\",\"value\":0,\"regions\":{\"forehead\":{\"area\":0,\"darkness\":0}}}]}",
      "scores[0].regions: the region “cheek-right” is missing" },
    { "{\"scores\":[{\"scale\":\"mmasi\",\"value\":0,\"regions\":{\"nose\":{\"area\":0,\"darkness\":0}}}]}",
      "scores[0].regions.nose: not an mMASI region" },
    { "{\"scores\":[{\"scale\":\"mmasi\",\"value\":0,\"regions\":{\"chin\":{\"area\":7,\"darkness\":0}}}]}",
      "scores[0].regions.chin.area: 7 is out of range: must be 0–6" },
    { "{\"scores\":[{\"scale\":\"mmasi\",\"value\":0,\"regions\":{\"chin\":{\"area\":1,\"darkness\":5}}}]}",
      "scores[0].regions.chin.darkness: 5 is out of range: must be 0–4" },
    { "{\"scores\":[{\"scale\":\"mmasi\",\"value\":0,\"regions\":{\"chin\":{\"area\":1}}}]}",
      "scores[0].regions.chin: the required keys “area” and “darkness” are missing" },
    { "{\"scores\":[{\"scale\":\"mmasi\",\"value\":0,\"regions\":{\"chin\":{\"area\":1,\"darkness\":1,\"homogeneity\":2}}}]}",
      "scores[0].regions.chin: unknown key “homogeneity”" },
    { mmasi_wrong, "scores[0].value: 6.2 is not the score of its inputs, 6.1" },
    { "{\"scores\":[{\"scale\":\"glogau\",\"grade\":\"II\"},{\"scale\":\"mmasi\",\"value\":24}]}",
      "scores[1]: the required key “regions” is missing" },
    { "{\"scores\":[{\"scale\":\"glogau\",\"grade\":\"II\"},{\"scale\":\"glogau\",\"grade\":\"III\"}]}",
      "scores[1]: scores[0] already scores this" },
    { "{\"scores\":[{\"scale\":\"glogau\",\"date\":\"2027-01-05\",\"grade\":\"II\"},"
      "{\"scale\":\"glogau\",\"grade\":\"II\"},"
      "{\"scale\":\"glogau\",\"date\":\"2027-01-05\",\"grade\":\"III\"}]}",
      "scores[2]: scores[0] already scores this" },
    { "{\"scores\":[{\"scale\":\"glogau\",\"date\":\"2027-02-30\",\"grade\":\"II\"}]}",
      "scores[0].date: must be a calendar date written YYYY-MM-DD" },
    { "{\"scores\":[{\"scale\":\"glogau\",\"date\":20270105,\"grade\":\"II\"}]}",
      "scores[0].date: must be a string" },
    { "{\"scores\":[{\"scale\":\"goodman-baron-qualitative\",\"region\":\"chin\",\"grade\":\"2\"},"
      "{\"scale\":\"goodman-baron-qualitative\",\"region\":\"nose\",\"grade\":\"2\"},"
      "{\"scale\":\"goodman-baron-qualitative\",\"region\":\"chin\",\"grade\":\"3\"}]}",
      "scores[2]: scores[0] already scores this" },
  };
  g_autoptr(GPtrArray) ok = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) records = NULL;

      records = read_scores (cases[i].json, &error);
      g_assert_null (records);
      g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].message);
      g_clear_error (&error);
    }

  /* The same record with its value written with another zero is read */
  ok = read_scores (mmasi_ok, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ok->len, ==, 1);
  g_assert_cmpfloat (nm_score_record_get_value (ok->pdata[0]), ==, 6.1);
  g_clear_pointer (&ok, g_ptr_array_unref);

  /* An area with more digits is read as the file will hold it */
  ok = read_scores ("{\"scores\":[{\"scale\":\"goodman-baron-quantitative\",\"value\":12,"
                    "\"counts\":{\"chin\":{\"keloidal-cm2\":19.99999999}}}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nm_score_record_get_gbq_counts (ok->pdata[0], "chin")->keloidal_cm2, ==, 20);
}

static void
test_json_limit (void)
{
  g_autoptr(GString) json = g_string_new ("{\"scores\":[");
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= NM_SCORE_RECORDS_MAX; i++)
    g_string_append_printf (json, "%s{\"scale\":\"ludwig\",\"grade\":\"I\"}", i > 0 ? "," : "");
  g_string_append (json, "]}");

  records = read_scores (json->str, &error);
  g_assert_null (records);
  g_assert_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "scores: 10001 scores, more than the limit of 10000"));
}

static void
test_carry_forward (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) baseline = read_scores (golden_scores, &error);
  g_autoptr(GPtrArray) today = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_score_record_free);
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(GPtrArray) nothing = NULL;

  g_assert_no_error (error);

  /* Today: the left cheek re-graded 2, a new grade for the right cheek */
  g_ptr_array_add (today, nm_score_record_new_grade (NM_SCALE_GOODMAN_BARON_QUALITATIVE, 1,
                                                     "cheek-left", NM_SCORE_RATER_NONE, NULL));
  g_ptr_array_add (today, nm_score_record_new_grade (NM_SCALE_GOODMAN_BARON_QUALITATIVE, 2,
                                                     "cheek-right", NM_SCORE_RATER_NONE, NULL));

  g_ptr_array_set_size (baseline, 8);   /* the baseline only, without the dated GAIS */
  day = nm_score_records_carry_forward (baseline, today, "2027-02-02");

  /* Today's two, then the baseline's GBQ2, mMASI, Norwood, Ludwig and
   * Glogau as they were; not its cheek-left grade, not the two GAIS; all
   * dated today */
  g_assert_cmpuint (day->len, ==, 7);
  g_assert_cmpint (nm_score_record_get_grade (day->pdata[0]), ==, 1);
  g_assert_cmpstr (nm_score_record_get_region (day->pdata[1]), ==, "cheek-right");
  for (guint i = 0; i < day->len; i++)
    {
      g_autoptr(NmScoreRecord) undated = nm_score_record_copy (day->pdata[i]);

      g_assert_cmpstr (nm_score_record_get_date (day->pdata[i]), ==, "2027-02-02");
      g_assert_cmpint (nm_score_record_get_scale (day->pdata[i]), !=, NM_SCALE_GAIS);
      nm_score_record_set_date (undated, NULL);
      if (i >= 2)
        g_assert_true (nm_score_record_equal (undated, baseline->pdata[i - 1]));
    }

  /* Nothing scored today: the last visit's list without its GAIS */
  nothing = nm_score_records_carry_forward (baseline, NULL, NULL);
  g_assert_cmpuint (nothing->len, ==, 6);

  /* Lists: copies are equal, no list is not an empty one, order counts */
  {
    g_autoptr(GPtrArray) copy = nm_score_records_copy (baseline);
    g_autoptr(GPtrArray) empty = g_ptr_array_new ();

    g_assert_true (nm_score_records_equal (baseline, copy));
    g_assert_true (nm_score_records_equal (NULL, NULL));
    g_assert_false (nm_score_records_equal (NULL, empty));
    g_assert_false (nm_score_records_equal (baseline, day));
    g_ptr_array_remove_index (copy, 0);
    g_assert_false (nm_score_records_equal (baseline, copy));
    g_assert_null (nm_score_records_copy (NULL));
  }
}

static void
test_days (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = read_scores (golden_scores, &error);
  g_autoptr(GPtrArray) today = NULL;
  g_autoptr(GPtrArray) merged = NULL;
  g_autoptr(GPtrArray) on = NULL;
  g_autoptr(GPtrArray) baseline = NULL;
  g_auto(GStrv) dates = NULL;

  g_assert_no_error (error);

  /* A visit on 2026-12-20 where nothing changed: the baseline carried */
  baseline = nm_score_records_on (all, NULL);
  g_assert_cmpuint (baseline->len, ==, 8);
  today = nm_score_records_carry_forward (baseline, NULL, "2026-12-20");
  merged = nm_score_records_set_day (all, "2026-12-20", today);

  /* The baseline first, then the days in order, each day in its order */
  g_assert_cmpuint (merged->len, ==, 8 + 6 + 1);
  g_assert_null (nm_score_record_get_date (merged->pdata[7]));
  g_assert_cmpstr (nm_score_record_get_date (merged->pdata[8]), ==, "2026-12-20");
  g_assert_cmpint (nm_score_record_get_scale (merged->pdata[8]), ==, NM_SCALE_GOODMAN_BARON_QUALITATIVE);
  g_assert_cmpint (nm_score_record_get_scale (merged->pdata[13]), ==, NM_SCALE_GLOGAU);
  g_assert_cmpstr (nm_score_record_get_date (merged->pdata[14]), ==, "2027-01-05");

  dates = nm_score_records_dup_dates (merged);
  g_assert_cmpuint (g_strv_length (dates), ==, 2);
  g_assert_cmpstr (dates[0], ==, "2026-12-20");
  g_assert_cmpstr (dates[1], ==, "2027-01-05");

  on = nm_score_records_on (merged, "2026-12-20");
  g_assert_cmpuint (on->len, ==, 6);
  g_clear_pointer (&on, g_ptr_array_unref);

  /* Setting a day again replaces it; an empty day removes it */
  g_clear_pointer (&all, g_ptr_array_unref);
  all = nm_score_records_set_day (merged, "2026-12-20", NULL);
  g_assert_cmpuint (all->len, ==, 9);
  on = nm_score_records_on (all, "2026-12-20");
  g_assert_cmpuint (on->len, ==, 0);

  /* What a file can hold: one record per slot */
  g_assert_true (nm_score_records_are_valid (all));
  g_assert_true (nm_score_records_are_valid (NULL));
  g_ptr_array_add (all, nm_score_record_copy (all->pdata[3]));
  g_assert_false (nm_score_records_are_valid (all));
  nm_score_record_set_date (all->pdata[all->len - 1], "2027-03-01");
  g_assert_true (nm_score_records_are_valid (all));
}

/* The consultation file (docs/file-format.md, "Scores"), in the file's
 * own layout: the deepest records (counts, regions) are at the format's
 * 5 levels, which the loader enforces. */
static const char scored_file[] =
  "{\n"
  "  \"format\": \"needlemap-consultation\",\n"
  "  \"version\": 1,\n"
  "  \"client\": {\n"
  "    \"fitzpatrick\": 3\n"
  "  },\n"
  "  \"screening\": {},\n"
  "  \"findings\": [],\n"
  "  \"plan\": {},\n"
  "  \"sessions\": [\n"
  "    {\n"
  "      \"date\": \"2026-12-01\",\n"
  "      \"done\": true,\n"
  "      \"depth_mm\": {}\n"
  "    }\n"
  "  ],\n"
  "  \"scores\": [\n"
  "    {\n"
  "      \"scale\": \"goodman-baron-quantitative\",\n"
  "      \"value\": 6,\n"
  "      \"counts\": {\n"
  "        \"cheek-left\": {\n"
  "          \"keloidal-cm2\": 2.5\n"
  "        }\n"
  "      }\n"
  "    },\n"
  "    {\n"
  "      \"scale\": \"glogau\",\n"
  "      \"grade\": \"II\"\n"
  "    },\n"
  "    {\n"
  "      \"scale\": \"mmasi\",\n"
  "      \"date\": \"2026-12-01\",\n"
  "      \"value\": 0.1,\n"
  "      \"regions\": {\n"
  "        \"forehead\": {\n"
  "          \"area\": 0,\n"
  "          \"darkness\": 0\n"
  "        },\n"
  "        \"cheek-right\": {\n"
  "          \"area\": 0,\n"
  "          \"darkness\": 0\n"
  "        },\n"
  "        \"cheek-left\": {\n"
  "          \"area\": 0,\n"
  "          \"darkness\": 0\n"
  "        },\n"
  "        \"chin\": {\n"
  "          \"area\": 1,\n"
  "          \"darkness\": 1,\n"
  "          \"overridden\": true\n"
  "        }\n"
  "      }\n"
  "    },\n"
  "    {\n"
  "      \"scale\": \"gais\",\n"
  "      \"date\": \"2026-12-01\",\n"
  "      \"rater\": \"client\",\n"
  "      \"grade\": \"improved\"\n"
  "    }\n"
  "  ]\n"
  "}\n";

static void
test_file (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (scored_file, strlen (scored_file));
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = nm_file_load_bytes (bytes, &error);
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GPtrArray) visit = NULL;
  g_autoptr(GPtrArray) rescored = NULL;
  GPtrArray *scores;

  g_assert_no_error (error);
  scores = nm_consultation_get_scores (c);
  g_assert_cmpuint (scores->len, ==, 4);
  g_assert_cmpfloat (nm_score_record_get_value (scores->pdata[0]), ==, 6);
  g_assert_cmpfloat (nm_score_record_get_value (scores->pdata[2]), ==, 0.1);
  visit = nm_score_records_on (scores, "2026-12-01");
  g_assert_cmpuint (visit->len, ==, 2);
  g_assert_false (nm_consultation_can_undo (c));

  /* Written back byte for byte */
  written = nm_file_serialize (c);
  g_assert_cmpmem (g_bytes_get_data (written, NULL), g_bytes_get_size (written),
                   scored_file, strlen (scored_file));

  /* Re-scoring a visit is an edit that can be undone; the same scores are none */
  rescored = nm_score_records_set_day (scores, "2026-12-01", NULL);
  nm_consultation_set_scores (c, rescored);
  g_assert_cmpuint (nm_consultation_get_scores (c)->len, ==, 2);
  g_assert_true (nm_consultation_can_undo (c));
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpuint (nm_consultation_get_scores (c)->len, ==, 4);
  g_assert_false (nm_consultation_can_undo (c));
  {
    g_autoptr(GPtrArray) same = nm_score_records_copy (nm_consultation_get_scores (c));

    nm_consultation_set_scores (c, same);
    g_assert_false (nm_consultation_can_undo (c));
  }

  /* A snapshot has the scores too (the progress report reads one) */
  {
    g_autoptr(NmConsultation) snapshot = nm_consultation_snapshot (c);

    g_assert_true (nm_score_records_equal (nm_consultation_get_scores (snapshot),
                                           nm_consultation_get_scores (c)));
  }

  /* Without scores, no key is written */
  nm_consultation_set_scores (c, NULL);
  g_clear_pointer (&written, g_bytes_unref);
  written = nm_file_serialize (c);
  g_assert_null (g_strstr_len (g_bytes_get_data (written, NULL), g_bytes_get_size (written), "scores"));
}

static void
test_file_refused (void)
{
  const struct { const char *from, *to, *message; } cases[] = {
    { "\"grade\": \"improved\"", "\"grade\": \"better\"",
      "scores[3].grade: “better” is not a grade of gais" },
    { "\"value\": 6,", "\"value\": 7,",
      "scores[0].value: 7 is not the score of its inputs, 6" },
    { "\"scale\": \"glogau\",", "\"scale\": \"glogau\", \"region\": \"chin\",",
      "scores[1].region: glogau has no “region”" },
    { "\"scale\": \"gais\",\n      \"date\": \"2026-12-01\",",
      "\"scale\": \"mmasi\",\n      \"date\": \"2026-12-01\",",
      "scores[3].rater: mmasi has no “rater”" },
    /* a session's own list would be too deep for every version */
    { "\"depth_mm\": {}", "\"depth_mm\": {}, \"scores\": [{\"scale\": \"mmasi\", \"regions\": {\"chin\": {}}}]",
      "nesting deeper than 5 levels" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new (scored_file);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(NmConsultation) c = NULL;

      g_assert_cmpuint (g_string_replace (text, cases[i].from, cases[i].to, 1), ==, 1);
      bytes = g_bytes_new (text->str, text->len);
      c = nm_file_load_bytes (bytes, &error);
      g_assert_null (c);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: “%s” does not hold “%s”", i, error->message, cases[i].message);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scales/gbq/bands", test_gbq_bands);
  g_test_add_func ("/scales/gbq/bounds", test_gbq_bounds);
  g_test_add_func ("/scales/gbq/examples", test_gbq_examples);
  g_test_add_func ("/scales/gbq/invalid", test_gbq_invalid);
  g_test_add_func ("/scales/mmasi/scores", test_mmasi_scores);
  g_test_add_func ("/scales/mmasi/invalid", test_mmasi_invalid);
  g_test_add_func ("/scales/mmasi/area-steps", test_mmasi_area_steps);
  g_test_add_func ("/scales/mmasi/from-findings", test_mmasi_from_findings);
  g_test_add_func ("/scales/grades", test_grades);
  g_test_add_func ("/scales/gbq1/region-grade", test_gbq1_region_grade);
  g_test_add_func ("/scales/record/grade", test_grade_records);
  g_test_add_func ("/scales/json/round-trip", test_json_round_trip);
  g_test_add_func ("/scales/json/from-records", test_json_from_records);
  g_test_add_func ("/scales/json/refused", test_json_refused);
  g_test_add_func ("/scales/json/limit", test_json_limit);
  g_test_add_func ("/scales/record/carry-forward", test_carry_forward);
  g_test_add_func ("/scales/record/days", test_days);
  g_test_add_func ("/scales/file/round-trip", test_file);
  g_test_add_func ("/scales/file/refused", test_file_refused);

  return g_test_run ();
}
