/* nm-scales.c
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

#define G_LOG_DOMAIN "nm-scales"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nm-finding.h"
#include "nm-scales.h"
#include "nm-vocab.h"

/* The scales of issue 16 and where their numbers come from (full
 * references in docs/protocol.md, "Scales").
 *
 * Goodman & Baron quantitative (GBQ2: Goodman GJ, Baron JA, J Cosmet
 * Dermatol 2006;5:48-52).  The paper's Table 1 was NOT available in the
 * text we could retrieve: the reference search found the paper (a copy of
 * its first page, with the abstract: "inter-rater agreement within four
 * score points in 19 of the 21 patient-photos assessed") but not the table.
 * The table is transcribed from our knowledge of the paper, and checked
 * against the one figure that every summary repeats, the maximum of 84:
 *   milder scarring, 1 point: macular erythematous or pigmented scars;
 *     mildly atrophic dish-like scars;
 *   moderate scarring, 2 points: moderately atrophic scars; punched-out
 *     scars with shallow bases, small (< 5 mm); shallow but broad atrophic
 *     areas;
 *   severe scarring, 3 points: punched-out scars with deep but normal
 *     bases, small (< 5 mm); punched-out with deep abnormal bases, small
 *     (< 5 mm); linear or troughed dermal scarring; deep broad atrophic areas;
 *   hyperplastic: papular scars, 2 points; keloidal/hypertrophic scars by
 *     area: < 5 cm² 6 points, 5–20 cm² 12 points, > 20 cm² 18 points;
 *   number of lesions of a type: 1–10 × 1, 11–20 × 2, > 20 × 3.
 * Banding each of the ten counted types on its own gives the maximum
 * 2×3 + 3×6 + 4×9 + 6 + 18 = 84; banding the four groups instead would give
 * 42, and the six types of the usual summaries (macular, mild, moderate,
 * severe, papular, keloidal) 45, so only this reading reaches 84.  Counts are
 * made per region and summed for the face before they are banded: the
 * bands are the paper's for a whole face.
 *
 * mMASI (Pandya AG et al., J Am Acad Dermatol 2011;64:78-83): forehead 0.3,
 * right malar 0.3, left malar 0.3, chin 0.1; area 0 none, 1 < 10 %,
 * 2 10–29 %, 3 30–49 %, 4 50–69 %, 5 70–89 %, 6 90–100 %; darkness 0 absent,
 * 1 slight, 2 mild, 3 marked, 4 maximum; score = Σ weight × area × darkness,
 * 0–24 (the MASI without homogeneity).  Checked against altmeyers.org's
 * MASI page (which cites Pandya 2011) for the weights, the area bands and
 * the darkness steps, and against plasticsurgerykey.com's "The Scoring Aid:
 * MASI and Modified MASI" for the formula.
 *
 * Hamilton–Norwood (Norwood OT, South Med J 1975;68:1359-65), Ludwig
 * (Ludwig E, Br J Dermatol 1977;97:247-54), Glogau (Glogau RG, Semin Cutan
 * Med Surg 1996;15:134-8) and GAIS (Narins RS et al., Dermatol Surg
 * 2003;29:588-95): grades and descriptions in our words, from the papers
 * as they are commonly reproduced; not checked against the papers' text. */

G_DEFINE_QUARK (nm-scale-error-quark, nm_scale_error)

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* Grades */

static const NmScaleGrade gbq1_grades[] = {
  /* Translators: Goodman & Baron's name of a grade of acne scarring */
  { "1", N_("Grade 1, macular"), NULL },
  /* Translators: Goodman & Baron's name of a grade of acne scarring */
  { "2", N_("Grade 2, mild"), NULL },
  /* Translators: Goodman & Baron's name of a grade of acne scarring */
  { "3", N_("Grade 3, moderate"), NULL },
  /* Translators: Goodman & Baron's name of a grade of acne scarring */
  { "4", N_("Grade 4, severe"), NULL },
};

/* The Hamilton–Norwood types, with the A variants and the vertex type. */
static const NmScaleGrade norwood_grades[] = {
  { "I",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type I"),
    /* Translators: Hamilton–Norwood type I of male hair loss */
    N_("Little or no recession of the hairline at the temples.") },
  { "II",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type II"),
    /* Translators: Hamilton–Norwood type II of male hair loss; "the line between the ears"
     * runs across the top of the head from one ear canal to the other */
    N_("Triangular, usually symmetrical recessions at the temples, no deeper than about 2 cm in front of the line between the ears.") },
  { "IIa",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type IIa"),
    /* Translators: Hamilton–Norwood type IIa of male hair loss */
    N_("The whole front hairline has moved back as one, with no island of hair left at the middle of the front, by no more than 2 cm.") },
  { "III",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type III"),
    /* Translators: Hamilton–Norwood type III of male hair loss */
    N_("Deep, usually symmetrical recessions at the temples, bare or thinly covered: the least hair loss counted as baldness.") },
  { "IIIa",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type IIIa"),
    /* Translators: Hamilton–Norwood type IIIa of male hair loss; "the line between the ears"
     * runs across the top of the head from one ear canal to the other */
    N_("The whole front hairline has moved back as one to about 2 cm in front of the line between the ears.") },
  { "III-vertex",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type III vertex"),
    /* Translators: Hamilton–Norwood type III-vertex of male hair loss */
    N_("Hair loss mainly on the crown, with recessions at the temples no deeper than in type III.") },
  { "IV",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type IV"),
    /* Translators: Hamilton–Norwood type IV of male hair loss */
    N_("Recessions deeper than in type III and little or no hair on the crown, the two areas still separated by a band of fairly dense hair across the top.") },
  { "IVa",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type IVa"),
    /* Translators: Hamilton–Norwood type IVa of male hair loss; "the line between the ears"
     * runs across the top of the head from one ear canal to the other */
    N_("The whole front hairline has moved back as one past the line between the ears.") },
  { "V",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type V"),
    /* Translators: Hamilton–Norwood type V of male hair loss */
    N_("The crown and the front bald areas are still separate, but the band between them is narrower and sparser, and both areas are larger.") },
  { "Va",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type Va"),
    /* Translators: Hamilton–Norwood type Va of male hair loss */
    N_("The most advanced A type: the front hairline has moved back as one as far as the crown.") },
  { "VI",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type VI"),
    /* Translators: Hamilton–Norwood type VI of male hair loss */
    N_("The band across the top is gone: the front and crown bald areas have joined and reach further to the sides.") },
  { "VII",
    /* Translators: a Hamilton–Norwood type of male hair loss */
    N_("Type VII"),
    /* Translators: Hamilton–Norwood type VII of male hair loss */
    N_("The most extensive: only a narrow horseshoe band of hair is left at the sides and back, often thin and fine.") },
};

/* The Ludwig grades of female-pattern hair loss. */
static const NmScaleGrade ludwig_grades[] = {
  { "I",
    /* Translators: a Ludwig grade of female-pattern hair loss */
    N_("Grade I"),
    /* Translators: Ludwig grade I of female-pattern hair loss */
    N_("Visible thinning over the crown, bounded at the front by a line 1–3 cm behind the front hairline, which is kept.") },
  { "II",
    /* Translators: a Ludwig grade of female-pattern hair loss */
    N_("Grade II"),
    /* Translators: Ludwig grade II of female-pattern hair loss */
    N_("Pronounced thinning over the crown, within the area of grade I.") },
  { "III",
    /* Translators: a Ludwig grade of female-pattern hair loss */
    N_("Grade III"),
    /* Translators: Ludwig grade III of female-pattern hair loss */
    N_("Full baldness within the area of grades I and II.") },
};

/* The Glogau photoageing types. */
static const NmScaleGrade glogau_grades[] = {
  { "I",
    /* Translators: a Glogau photoageing type, with Glogau's short name of the type */
    N_("Type I, no wrinkles"),
    /* Translators: Glogau photoageing type I */
    N_("Early photoageing: slight changes of pigment, no keratoses, very few wrinkles. Usually in the twenties or thirties; little or no make-up.") },
  { "II",
    /* Translators: a Glogau photoageing type, with Glogau's short name of the type */
    N_("Type II, wrinkles in motion"),
    /* Translators: Glogau photoageing type II */
    N_("Early to moderate photoageing: first sun spots, keratoses felt but not seen, lines that show when the face moves. Usually late thirties or forties; some foundation.") },
  { "III",
    /* Translators: a Glogau photoageing type, with Glogau's short name of the type */
    N_("Type III, wrinkles at rest"),
    /* Translators: Glogau photoageing type III */
    N_("Advanced photoageing: obvious discolouration, visible small blood vessels and keratoses, wrinkles even when the face is still. Usually fifties or older; always heavy foundation.") },
  { "IV",
    /* Translators: a Glogau photoageing type, with Glogau's short name of the type */
    N_("Type IV, only wrinkles"),
    /* Translators: Glogau photoageing type IV */
    N_("Severe photoageing: yellow-grey skin, earlier skin cancers, wrinkles all over with no normal skin between. Usually sixties or seventies; make-up cakes and cracks.") },
};

/* The five points of the Global Aesthetic Improvement Scale. */
static const NmScaleGrade gais_grades[] = {
  { "very-much-improved",
    /* Translators: a point of the Global Aesthetic Improvement Scale (vs before) */
    N_("Very much improved"),
    /* Translators: what the GAIS point "very-much-improved" means */
    N_("The best cosmetic result possible for this client.") },
  { "much-improved",
    /* Translators: a point of the Global Aesthetic Improvement Scale (vs before) */
    N_("Much improved"),
    /* Translators: what the GAIS point "much-improved" means */
    N_("Marked improvement, but not quite the best result possible for this client.") },
  { "improved",
    /* Translators: a point of the Global Aesthetic Improvement Scale (vs before) */
    N_("Improved"),
    /* Translators: what the GAIS point "improved" means */
    N_("Obvious improvement, but another treatment is indicated.") },
  { "no-change",
    /* Translators: a point of the Global Aesthetic Improvement Scale (vs before) */
    N_("No change"),
    /* Translators: what the GAIS point "no-change" means */
    N_("The appearance is essentially the same as before.") },
  { "worse",
    /* Translators: a point of the Global Aesthetic Improvement Scale (vs before) */
    N_("Worse"),
    /* Translators: what the GAIS point "worse" means */
    N_("The appearance is worse than before.") },
};

static const NmScaleInfo scales[NM_N_SCALES] = {
  [NM_SCALE_GOODMAN_BARON_QUALITATIVE] = {
    "goodman-baron-qualitative", N_("Goodman & Baron qualitative grade"), "GBQ1",
    TRUE, TRUE, FALSE, G_N_ELEMENTS (gbq1_grades), gbq1_grades, 1, 4 },
  [NM_SCALE_GOODMAN_BARON_QUANTITATIVE] = {
    "goodman-baron-quantitative", N_("Goodman & Baron quantitative score"), "GBQ2",
    FALSE, FALSE, FALSE, 0, NULL, 0, NM_GBQ_MAX },
  [NM_SCALE_MMASI] = {
    /* Translators: modified Melasma Area and Severity Index */
    "mmasi", N_("mMASI"), "MASI",
    FALSE, FALSE, FALSE, 0, NULL, 0, 24 },
  [NM_SCALE_HAMILTON_NORWOOD] = {
    /* Translators: the name of a scale of male hair loss */
    "hamilton-norwood", N_("Hamilton–Norwood type"), "NOR",
    TRUE, FALSE, FALSE, G_N_ELEMENTS (norwood_grades), norwood_grades,
    1, G_N_ELEMENTS (norwood_grades) },
  [NM_SCALE_LUDWIG] = {
    "ludwig", N_("Ludwig grade"), "LUD",
    TRUE, FALSE, FALSE, G_N_ELEMENTS (ludwig_grades), ludwig_grades,
    1, G_N_ELEMENTS (ludwig_grades) },
  [NM_SCALE_GLOGAU] = {
    "glogau", N_("Glogau photoageing type"), "GLO",
    TRUE, FALSE, FALSE, G_N_ELEMENTS (glogau_grades), glogau_grades,
    1, G_N_ELEMENTS (glogau_grades) },
  [NM_SCALE_GAIS] = {
    /* Translators: Global Aesthetic Improvement Scale */
    "gais", N_("GAIS"), "GAIS",
    TRUE, FALSE, TRUE, G_N_ELEMENTS (gais_grades), gais_grades,
    1, G_N_ELEMENTS (gais_grades) },
};

const NmScaleInfo *
nm_scale_info (NmScale scale)
{
  g_return_val_if_fail ((guint) scale < NM_N_SCALES, NULL);

  return &scales[scale];
}

const char *
nm_scale_id (NmScale scale)
{
  g_return_val_if_fail ((guint) scale < NM_N_SCALES, NULL);

  return scales[scale].id;
}

/* Returns: the scale's name, translated */
const char *
nm_scale_name (NmScale scale)
{
  g_return_val_if_fail ((guint) scale < NM_N_SCALES, NULL);

  return tr (scales[scale].name);
}

gboolean
nm_scale_from_id (const char *id,
                  NmScale    *out)
{
  for (guint i = 0; id != NULL && i < NM_N_SCALES; i++)
    if (strcmp (scales[i].id, id) == 0)
      {
        *out = i;
        return TRUE;
      }

  return FALSE;
}

/* Returns: the index of the grade @grade_id of @scale, or -1 */
int
nm_scale_grade_index (NmScale     scale,
                      const char *grade_id)
{
  g_return_val_if_fail ((guint) scale < NM_N_SCALES, -1);

  for (guint i = 0; grade_id != NULL && i < scales[scale].n_grades; i++)
    if (strcmp (scales[scale].grades[i].id, grade_id) == 0)
      return i;

  return -1;
}

/* Returns: (nullable): the grade's short label, translated */
const char *
nm_scale_grade_label (NmScale scale,
                      guint   index)
{
  g_return_val_if_fail ((guint) scale < NM_N_SCALES, NULL);

  if (index >= scales[scale].n_grades)
    return NULL;

  return tr (scales[scale].grades[index].label);
}

/* Returns: (nullable): what the grade means, translated, for a reference
 * card.  The Goodman & Baron qualitative grades are the acne-scar
 * severities, so their words are the severity descriptions'. */
const char *
nm_scale_grade_description (NmScale scale,
                            guint   index)
{
  g_return_val_if_fail ((guint) scale < NM_N_SCALES, NULL);

  if (index >= scales[scale].n_grades)
    return NULL;

  if (scale == NM_SCALE_GOODMAN_BARON_QUALITATIVE)
    return nm_vocab_severity_description ("acne-scar-rolling", index + 1);

  return tr (scales[scale].grades[index].description);
}

const char *
nm_score_rater_id (NmScoreRater rater)
{
  switch (rater)
    {
    case NM_SCORE_RATER_PRACTITIONER: return "practitioner";
    case NM_SCORE_RATER_CLIENT:       return "client";
    case NM_SCORE_RATER_NONE:
    default:                          return NULL;
    }
}

gboolean
nm_score_rater_from_id (const char   *id,
                        NmScoreRater *out)
{
  if (g_strcmp0 (id, "practitioner") == 0)
    *out = NM_SCORE_RATER_PRACTITIONER;
  else if (g_strcmp0 (id, "client") == 0)
    *out = NM_SCORE_RATER_CLIENT;
  else
    return FALSE;

  return TRUE;
}

/* Goodman & Baron qualitative */

guint
nm_gbq1_region_grade (GListModel *findings,
                      const char *region)
{
  guint grade = 0;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (findings), 0);
  g_return_val_if_fail (region != NULL, 0);

  n = g_list_model_get_n_items (findings);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding = g_list_model_get_item (findings, i);

      if (g_str_has_prefix (nm_finding_get_kind (finding), "acne-scar-")
          && g_strcmp0 (nm_finding_get_region (finding), region) == 0)
        grade = MAX (grade, nm_finding_get_severity (finding));
    }

  return grade;
}

/* Goodman & Baron quantitative */

static const struct
{
  const char *id;
  const char *name;
  guint       points;
} gbq_types[NM_GBQ_N_COUNTED] = {
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "macular",                   N_("Macular erythematous or pigmented scars"), 1 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "mildly-atrophic",           N_("Mildly atrophic dish-like scars"), 1 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "moderately-atrophic",       N_("Moderately atrophic scars"), 2 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "punched-out-shallow",       N_("Punched-out scars with shallow bases, small (under 5 mm)"), 2 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "shallow-broad-atrophic",    N_("Shallow but broad atrophic areas"), 2 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "punched-out-deep-normal",   N_("Punched-out scars with deep but normal bases, small (under 5 mm)"), 3 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "punched-out-deep-abnormal", N_("Punched-out scars with deep abnormal bases, small (under 5 mm)"), 3 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "linear-troughed",           N_("Linear or troughed dermal scarring"), 3 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "deep-broad-atrophic",       N_("Deep, broad atrophic areas"), 3 },
  /* Translators: a scar type of Goodman & Baron's quantitative score */
  { "papular",                   N_("Papular scars"), 2 },
};

#define GBQ_KELOIDAL_ID "keloidal-cm2"

const char *
nm_gbq_type_id (NmGbqType type)
{
  g_return_val_if_fail ((guint) type < NM_GBQ_N_COUNTED, NULL);

  return gbq_types[type].id;
}

gboolean
nm_gbq_type_from_id (const char *id,
                     NmGbqType  *out)
{
  for (guint i = 0; id != NULL && i < NM_GBQ_N_COUNTED; i++)
    if (strcmp (gbq_types[i].id, id) == 0)
      {
        *out = i;
        return TRUE;
      }

  return FALSE;
}

const char *
nm_gbq_type_name (NmGbqType type)
{
  g_return_val_if_fail ((guint) type < NM_GBQ_N_COUNTED, NULL);

  return tr (gbq_types[type].name);
}

/* Returns: the points of one band of the type: 1 milder, 2 moderate and
 * papular, 3 severe */
guint
nm_gbq_type_points (NmGbqType type)
{
  g_return_val_if_fail ((guint) type < NM_GBQ_N_COUNTED, 0);

  return gbq_types[type].points;
}

const char *
nm_gbq_keloidal_name (void)
{
  /* Translators: the last row of Goodman & Baron's quantitative score,
   * scored by the area the scars cover, in square centimetres */
  return _("Keloidal or hypertrophic scars (area in cm²)");
}

/* Returns: the multiplier of a number of lesions of one type: 0 none,
 * 1 for 1–10, 2 for 11–20, 3 for more than 20 */
guint
nm_gbq_count_band (guint count)
{
  if (count == 0)
    return 0;
  if (count <= 10)
    return 1;
  if (count <= 20)
    return 2;

  return 3;
}

/* Returns: the points of keloidal or hypertrophic scars covering @cm2:
 * 0 none, 6 under 5 cm², 12 for 5–20 cm², 18 over 20 cm² */
guint
nm_gbq_keloidal_points (double cm2)
{
  if (!(cm2 > 0))
    return 0;
  if (cm2 < 5)
    return 6;
  if (cm2 <= 20)
    return 12;

  return 18;
}

gboolean
nm_gbq_counts_check (const NmGbqCounts *counts,
                     GError           **error)
{
  g_return_val_if_fail (counts != NULL, FALSE);

  for (guint i = 0; i < NM_GBQ_N_COUNTED; i++)
    if (counts->counts[i] > NM_GBQ_MAX_COUNT)
      {
        g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                     /* Translators: %s is a scar type's id in the file, "papular" */
                     _("%s: at most %u scars can be counted, not %u"),
                     gbq_types[i].id, NM_GBQ_MAX_COUNT, counts->counts[i]);
        return FALSE;
      }

  if (!isfinite (counts->keloidal_cm2) || counts->keloidal_cm2 < 0
      || counts->keloidal_cm2 > NM_GBQ_MAX_KELOID_CM2)
    {
      g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                   /* Translators: %s is the key "keloidal-cm2" of the file */
                   _("%s: the area must be from 0 to %g cm²"),
                   GBQ_KELOIDAL_ID, NM_GBQ_MAX_KELOID_CM2);
      return FALSE;
    }

  return TRUE;
}

/* Adds one region's counts to @sum, the face's. */
void
nm_gbq_counts_add (NmGbqCounts       *sum,
                   const NmGbqCounts *counts)
{
  g_return_if_fail (sum != NULL && counts != NULL);

  for (guint i = 0; i < NM_GBQ_N_COUNTED; i++)
    sum->counts[i] = MIN ((guint64) sum->counts[i] + counts->counts[i], G_MAXUINT);

  sum->keloidal_cm2 += counts->keloidal_cm2;
}

/**
 * nm_gbq_score:
 * @face: the counts of the whole face (nm_gbq_counts_add() of its regions)
 * @out_score: (out): 0–84
 *
 * Each counted type scores its points × the band of its number of scars;
 * keloidal scars score by their area.  The face's counts may be the sum of
 * many regions, so they are not limited as one region's are.
 *
 * Returns: %FALSE for a keloidal area that is not a number from 0 up
 */
gboolean
nm_gbq_score (const NmGbqCounts *face,
              guint             *out_score,
              GError           **error)
{
  guint score = 0;

  g_return_val_if_fail (face != NULL && out_score != NULL, FALSE);

  if (!isfinite (face->keloidal_cm2) || face->keloidal_cm2 < 0)
    {
      g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                   /* Translators: %s is the key "keloidal-cm2" of the file */
                   _("%s: the area must be from 0 to %g cm²"),
                   GBQ_KELOIDAL_ID, NM_GBQ_MAX_KELOID_CM2);
      return FALSE;
    }

  for (guint i = 0; i < NM_GBQ_N_COUNTED; i++)
    score += gbq_types[i].points * nm_gbq_count_band (face->counts[i]);

  score += nm_gbq_keloidal_points (face->keloidal_cm2);
  g_assert (score <= NM_GBQ_MAX);

  *out_score = score;
  return TRUE;
}

/* mMASI */

static const struct
{
  const char *region;
  guint       weight_tenths;
} mmasi_regions[NM_MMASI_N_REGIONS] = {
  { "forehead",    3 },
  { "cheek-right", 3 },
  { "cheek-left",  3 },
  { "chin",        1 },
};

static const char * const mmasi_area_descriptions[NM_MMASI_AREA_MAX + 1] = {
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("No involvement"),
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("Under 10 %"),
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("10–29 %"),
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("30–49 %"),
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("50–69 %"),
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("70–89 %"),
  /* Translators: an mMASI area step: the share of the region that melasma covers */
  N_("90–100 %"),
};

static const char * const mmasi_darkness_descriptions[NM_MMASI_DARKNESS_MAX + 1] = {
  /* Translators: an mMASI darkness step of melasma, compared with normal skin */
  N_("Absent"),
  /* Translators: an mMASI darkness step of melasma, compared with normal skin */
  N_("Slight"),
  /* Translators: an mMASI darkness step of melasma, compared with normal skin */
  N_("Mild"),
  /* Translators: an mMASI darkness step of melasma, compared with normal skin */
  N_("Marked"),
  /* Translators: an mMASI darkness step of melasma, compared with normal skin */
  N_("Maximum"),
};

const char *
nm_mmasi_region_id (NmMmasiRegion region)
{
  g_return_val_if_fail ((guint) region < NM_MMASI_N_REGIONS, NULL);

  return mmasi_regions[region].region;
}

gboolean
nm_mmasi_region_from_id (const char    *id,
                         NmMmasiRegion *out)
{
  for (guint i = 0; id != NULL && i < NM_MMASI_N_REGIONS; i++)
    if (strcmp (mmasi_regions[i].region, id) == 0)
      {
        *out = i;
        return TRUE;
      }

  return FALSE;
}

/* Returns: the region's weight in tenths: 3 forehead and malar, 1 chin */
guint
nm_mmasi_weight_tenths (NmMmasiRegion region)
{
  g_return_val_if_fail ((guint) region < NM_MMASI_N_REGIONS, 0);

  return mmasi_regions[region].weight_tenths;
}

const char *
nm_mmasi_area_description (guint area)
{
  g_return_val_if_fail (area <= NM_MMASI_AREA_MAX, NULL);

  return tr (mmasi_area_descriptions[area]);
}

const char *
nm_mmasi_darkness_description (guint darkness)
{
  g_return_val_if_fail (darkness <= NM_MMASI_DARKNESS_MAX, NULL);

  return tr (mmasi_darkness_descriptions[darkness]);
}

/* Returns: the area step 0–6 of the share 0–1 of a region that melasma
 * covers, or -1 for a share that is not a number from 0 to 1 */
int
nm_mmasi_area_from_fraction (double fraction)
{
  static const double lower[] = { 0.10, 0.30, 0.50, 0.70, 0.90 };
  int area = 1;

  if (!isfinite (fraction) || fraction < 0 || fraction > 1)
    return -1;
  if (fraction == 0)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (lower); i++)
    if (fraction >= lower[i])
      area = i + 2;

  return area;
}

void
nm_mmasi_input_init (NmMmasiInput *input)
{
  g_return_if_fail (input != NULL);

  for (guint i = 0; i < NM_MMASI_N_REGIONS; i++)
    input->items[i] = (NmMmasiItem) { NM_MMASI_UNKNOWN, NM_MMASI_UNKNOWN, FALSE };
}

/**
 * nm_mmasi_fill_from_findings:
 * @input: the input; its overridden regions are left as they are
 * @findings: the consultation's NmFinding
 * @coverage: (nullable) (array fixed-size=4): per #NmMmasiRegion, the share
 *   0–1 of the region that melasma outlines cover, or a negative number
 *   when it is not known
 *
 * Fills the regions that the practitioner did not set from the melasma
 * findings of the map:
 *  - darkness: the highest severity of the region's melasma findings, step
 *    for step (1 mild → 1 slight, 2 moderate → 2 mild, 3 marked → 3 marked,
 *    4 severe → 4 maximum); 0 when the region has none;
 *  - area: 0 when the region has no melasma finding; else the step of the
 *    covered share, at least 1; NM_MMASI_UNKNOWN when the share is not
 *    known (no outline), so that a score is never made up: the
 *    practitioner gives the area.
 */
void
nm_mmasi_fill_from_findings (NmMmasiInput *input,
                             GListModel   *findings,
                             const double *coverage)
{
  int darkness[NM_MMASI_N_REGIONS] = { 0, };
  guint n;

  g_return_if_fail (input != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (findings));

  n = g_list_model_get_n_items (findings);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding = g_list_model_get_item (findings, i);
      NmMmasiRegion region;

      if (g_strcmp0 (nm_finding_get_kind (finding), "melasma") == 0
          && nm_mmasi_region_from_id (nm_finding_get_region (finding), &region))
        darkness[region] = MAX (darkness[region],
                                (int) CLAMP (nm_finding_get_severity (finding),
                                             NM_SEVERITY_MIN, NM_SEVERITY_MAX));
    }

  for (guint r = 0; r < NM_MMASI_N_REGIONS; r++)
    {
      NmMmasiItem *item = &input->items[r];
      int area = NM_MMASI_UNKNOWN;

      if (item->overridden)
        continue;

      if (darkness[r] == 0)
        area = 0;
      else if (coverage != NULL && coverage[r] >= 0)
        area = MAX (1, nm_mmasi_area_from_fraction (MIN (coverage[r], 1.0)));

      item->darkness = darkness[r];
      item->area = area;
    }
}

/**
 * nm_mmasi_score_tenths:
 * @out_tenths: (out): the score × 10, 0–240
 *
 * Returns: %FALSE with %NM_SCALE_ERROR_INCOMPLETE when a region's area or
 *   darkness is not known, %NM_SCALE_ERROR_INVALID when it is out of range
 */
gboolean
nm_mmasi_score_tenths (const NmMmasiInput *input,
                       guint              *out_tenths,
                       GError            **error)
{
  guint tenths = 0;

  g_return_val_if_fail (input != NULL && out_tenths != NULL, FALSE);

  for (guint r = 0; r < NM_MMASI_N_REGIONS; r++)
    {
      const NmMmasiItem *item = &input->items[r];

      if (item->area == NM_MMASI_UNKNOWN || item->darkness == NM_MMASI_UNKNOWN)
        {
          g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INCOMPLETE,
                       /* Translators: %s is a region's name */
                       _("%s: the area and darkness of melasma are needed"),
                       nm_vocab_region_name (mmasi_regions[r].region));
          return FALSE;
        }

      if (item->area < 0 || item->area > NM_MMASI_AREA_MAX
          || item->darkness < 0 || item->darkness > NM_MMASI_DARKNESS_MAX)
        {
          g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                       /* Translators: %s is a region's name */
                       _("%s: the area must be from 0 to %d and the darkness from 0 to %d"),
                       nm_vocab_region_name (mmasi_regions[r].region),
                       NM_MMASI_AREA_MAX, NM_MMASI_DARKNESS_MAX);
          return FALSE;
        }

      tenths += mmasi_regions[r].weight_tenths * item->area * item->darkness;
    }

  *out_tenths = tenths;
  return TRUE;
}
