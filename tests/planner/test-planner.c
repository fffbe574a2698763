/* test-planner.c
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
#include <json.h>

#include "nm-planner.h"

/* Clinical cases, one per row, each with the reasoning from
 * clinical/REFERENCE.md that gives its numbers. Severity places a window half
 * the indication's range wide: start = lo + (s-1)·span/6, end = start + span/2;
 * the start rounds to the nearest 0.25 mm step (ties down), the end rounds
 * down; then the caps apply. Every case runs with all screening items
 * answered "no" unless its screening column says otherwise, and a start date
 * of 2027-01-04. */

typedef struct
{
  const char *name;
  guint       fitzpatrick;
  const char *findings;     /* "region kind severity, ..." */
  const char *screening;    /* "id=yes id=unknown ..." over all-no; "absolute=unknown" */
  const char *acknowledged; /* ids, space separated */
  const char *birth_date;
  const char *region;       /* the region to check */
  gboolean    treat;
  double      min_mm;
  double      max_mm;
  guint       sessions;     /* of the region's series; 0 when none */
  guint       interval;
  const char *status;
  const char *warning;      /* a warning the plan must carry, or NULL */
} Case;

static const Case cases[] = {
  /* Rolling 1.0–2.0 (JUV, DP, NCT1); severity 2 → 1.17–1.67, the start
   * rounded down (the careful side) → 1.0–1.5; the cheek's scar limit is 1.5
   * (NCT1, HAR, SP1). Acne scars: 3 sessions 4 weeks apart (HAR). */
  { "rolling-mild", 2, "cheek-left acne-scar-rolling 2", NULL, NULL, NULL,
    "cheek-left", TRUE, 1.0, 1.5, 3, 4, "ok", NULL },
  /* Grade 1 (macular, GBQ1): colour, not contour; held at 0.5 mm (spec §3.1). */
  { "rolling-macular", 2, "cheek-left acne-scar-rolling 1", NULL, NULL, NULL,
    "cheek-left", TRUE, 0.5, 0.5, 3, 4, "ok", NULL },
  /* Severity 4 → 1.5–2.0, capped at the 1.5 scar limit (SP1: >1.5 not evaluated). */
  { "rolling-severe", 2, "cheek-left acne-scar-rolling 4", NULL, NULL, NULL,
    "cheek-left", TRUE, 1.5, 1.5, 3, 4, "ok", NULL },
  /* Severity 3 → 1.33–1.83 → 1.25–1.75, capped 1.5; skin type IV lengthens
   * the skin series to 6 weeks (LOW 6–8 wk; DOG monthly). No pigment: ok. */
  { "rolling-fst4-interval", 4, "cheek-left acne-scar-rolling 3", NULL, NULL, NULL,
    "cheek-left", TRUE, 1.25, 1.5, 3, 6, "caution", "pih-risk" },
  /* Fine lines 0.5–1.0 (LOW), severity 4 → 0.75–1.0; forehead limit 0.5
   * (GR, MBA, DP, FH) caps both ends. 4 sessions 30 d apart (ABL). */
  { "forehead-lines-severe", 2, "forehead fine-lines 4", NULL, NULL, NULL,
    "forehead", TRUE, 0.5, 0.5, 4, 4, "ok", NULL },
  /* Severity 1 → 0.5–0.75, capped 0.5. */
  { "forehead-lines-mild", 3, "forehead fine-lines 1", NULL, NULL, NULL,
    "forehead", TRUE, 0.5, 0.5, 4, 4, "ok", NULL },
  /* Periorbital ⚠ 0.2–0.5: the conservative one step, 0.25 (GR, MBA, DP). */
  { "periorbital", 2, "periorbital-left fine-lines 2", NULL, NULL, NULL,
    "periorbital-left", TRUE, 0.25, 0.25, 4, 4, "caution", "below-indication" },
  /* Eyelids: never needled (SP1); nothing treated, so no series, and the
   * plan says there is nothing to needle. */
  { "eyelid", 2, "eyelid-right wrinkles 3", NULL, NULL, NULL,
    "eyelid-right", FALSE, 0, 0, 0, 0, "caution", "nothing-to-needle" },
  /* Keloid ⚠ (JDD, BDS, SISU vs NAS): never needled, refer; a keloid on
   * the map blocks as a history of keloids does (spec §3.1). */
  { "keloid", 2, "upper-back keloid 2", NULL, NULL, NULL,
    "upper-back", FALSE, 0, 0, 0, 0, "blocked", "keloid-referral" },
  /* A keloid stops the whole region, striae included. */
  { "keloid-with-striae", 3, "abdomen striae-rubra 2, abdomen keloid 1", NULL, NULL, NULL,
    "abdomen", FALSE, 0, 0, 0, 0, "blocked", "keloid-referral" },
  /* Melasma 0.5–1.5 (LIM, LOW), severity 2 → 0.75–1.0; skin type V caps
   * pigment at 0.5 (LOW, CHU). 2 sessions 30 d apart (LIM) → 4 weeks,
   * lengthened to 6 for IV–VI. PIH warning (CHU, DOG). */
  { "melasma-fst5", 5, "cheek-right melasma 2", NULL, NULL, NULL,
    "cheek-right", TRUE, 0.5, 0.5, 2, 6, "caution", "pih-risk" },
  /* Severity 4 → 1.0–1.5 on skin type II: the cheek's general 1.0 limit
   * (GR, MBA; ⚠ DP up to 2.0) applies, not the scar limit. */
  { "melasma-fst2", 2, "cheek-right melasma 4", NULL, NULL, NULL,
    "cheek-right", TRUE, 1.0, 1.0, 2, 4, "ok", NULL },
  /* PIH 0.25–0.5 (LOW conservative), severity 1 → 0.25; generic series
   * 3 sessions, 6 weeks (FEE, SAN). Skin type VI: PIH warning. */
  { "pih-fst6", 6, "chin pih 1", NULL, NULL, NULL,
    "chin", TRUE, 0.25, 0.25, 3, 6, "caution", "pih-risk" },
  /* Alopecia 0.5–1.0 (FAG: 0.6 beat 1.2), severity 4 → 0.75–1.0.
   * Scalp series: 6 sessions every 2 weeks (FAG, NCT2). */
  { "alopecia-severe", 3, "scalp-vertex alopecia 4", NULL, NULL, NULL,
    "scalp-vertex", TRUE, 0.75, 1.0, 6, 2, "ok", NULL },
  /* The skin-type interval rule covers the skin series only: the scalp keeps
   * 2 weeks. Skin type V: PIH warning on every treated region (DOG). */
  { "alopecia-fst5", 5, "scalp-frontal alopecia 2", NULL, NULL, NULL,
    "scalp-frontal", TRUE, 0.5, 0.75, 6, 2, "caution", "pih-risk" },
  /* Wrinkles 0.5–1.5, severity 4 → 1.0–1.5; neck limit 1.5 (ALQ ⚠ SP1).
   * SkinPen neck clearance is for skin types II–IV (SP2): type V warns.
   * 4 monthly (ABL, ALQ), lengthened to 6 weeks. */
  { "neck-fst5", 5, "neck wrinkles 4", NULL, NULL, NULL,
    "neck", TRUE, 1.0, 1.5, 4, 6, "caution", "neck-fitzpatrick" },
  /* Same on skin type III: cleared, no warning. */
  { "neck-fst3", 3, "neck wrinkles 4", NULL, NULL, NULL,
    "neck", TRUE, 1.0, 1.5, 4, 4, "ok", NULL },
  /* Striae 1.5–2.0 (DP), severity 4 → 1.75–2.0; abdomen limit 1.75 (waist
   * skin 1.91 mm, LAU). Over 1.5 mm (SP1) and striae alba PIH 21.9% (STA2). */
  { "striae-alba-abdomen", 3, "abdomen striae-alba 4", NULL, NULL, NULL,
    "abdomen", TRUE, 1.75, 1.75, 3, 4, "caution", "striae-alba-pih" },
  /* Severity 1 → 1.5–1.75; thigh limit 1.5 (skin 1.55 mm, LAU). */
  { "striae-rubra-thigh", 2, "thigh-left striae-rubra 1", NULL, NULL, NULL,
    "thigh-left", TRUE, 1.5, 1.5, 3, 4, "ok", NULL },
  /* Icepick 1.5–2.0 (JUV capped at NCT1), severity 4 → 1.75–2.0; back limit
   * 2.0 (NCT1). Icepick responds poorly (SPL); over 1.5 mm (SP1). */
  { "icepick-back", 2, "upper-back acne-scar-icepick 4", NULL, NULL, NULL,
    "upper-back", TRUE, 1.75, 2.0, 3, 4, "caution", "depth-over-evaluated" },
  /* Texture 0.5–1.0, severity 3 → 0.75; the hand's derived limit 0.5 (OLT, VMU). */
  { "hand-texture", 2, "hand-left uneven-texture 3", NULL, NULL, NULL,
    "hand-left", TRUE, 0.5, 0.5, 4, 4, "ok", NULL },
  /* Lentigines 0.25–0.5 (LOW), severity 2 → 0.29–0.42 → 0.25; décolletage
   * derived limit 0.5 (MEN). Generic 3 sessions, 6 weeks. */
  { "decolletage-lentigines", 1, "decolletage solar-lentigines 2", NULL, NULL, NULL,
    "decolletage", TRUE, 0.25, 0.25, 3, 6, "ok", NULL },
  /* Severity 4 → 0.375–0.5: the start ties down to 0.25, the end reaches 0.5. */
  { "decolletage-lentigines-severe", 1, "decolletage solar-lentigines 4", NULL, NULL, NULL,
    "decolletage", TRUE, 0.25, 0.5, 3, 6, "ok", NULL },
  /* Perioral work with cold sores not asked: ask (spec §3.2). Upper lip 0.5. */
  { "upper-lip-herpes", 2, "upper-lip fine-lines 2", "herpes-history=unknown", NULL, NULL,
    "upper-lip", TRUE, 0.5, 0.5, 4, 4, "caution", "herpes-ask" },
  /* …and after a "no", nothing to say. */
  { "upper-lip-no-herpes", 2, "upper-lip fine-lines 2", NULL, NULL, NULL,
    "upper-lip", TRUE, 0.5, 0.5, 4, 4, "ok", NULL },
  /* Isotretinoin is absolute (SP1): blocked, nothing needled, no series. */
  { "isotretinoin-blocks", 2, "cheek-left acne-scar-rolling 3", "isotretinoin=yes", NULL, NULL,
    "cheek-left", FALSE, 0, 0, 0, 0, "blocked", NULL },
  /* Pregnancy ⚠ (SP1 vs DK4): absolute by default, blocks. */
  { "pregnancy-blocks", 2, "forehead fine-lines 2", "pregnancy=yes anticoagulants=yes", NULL, NULL,
    "forehead", FALSE, 0, 0, 0, 0, "blocked", NULL },
  /* Anticoagulants ⚠ relative (SISU, KIC): caution; acknowledged, so no
   * unacknowledged warning. */
  { "anticoagulants-acknowledged", 2, "forehead fine-lines 2", "anticoagulants=yes", "anticoagulants", NULL,
    "forehead", TRUE, 0.5, 0.5, 4, 4, "caution", "anticoagulants" },
  /* Not acknowledged: the practitioner is asked to. */
  { "anticoagulants-unacknowledged", 2, "forehead fine-lines 2", "anticoagulants=yes", NULL, NULL,
    "forehead", TRUE, 0.5, 0.5, 4, 4, "caution", "relative-unacknowledged" },
  /* Active acne (DK4, NCT1): avoid lesions, caution. */
  { "active-acne", 2, "cheek-left acne-scar-boxcar 2", "active-acne=yes", "active-acne", NULL,
    "cheek-left", TRUE, 1.0, 1.25, 3, 4, "caution", "active-acne" },
  /* Absolute items unanswered: caution (spec §3). */
  { "screening-unanswered", 2, "forehead fine-lines 2", "absolute=unknown", NULL, NULL,
    "forehead", TRUE, 0.5, 0.5, 4, 4, "caution", "screening-incomplete" },
  /* Relative items unanswered are an unfinished screening too (spec §3). */
  { "relative-unanswered", 2, "forehead fine-lines 2", "relative=unknown", NULL, NULL,
    "forehead", TRUE, 0.5, 0.5, 4, 4, "caution", "screening-incomplete" },
  /* Fine lines 0.5–0.75 and boxcar severity 4 1.25–1.5: the region takes the
   * deeper; the series takes the most sessions (4, ABL) and longest interval. */
  { "deepest-finding", 2, "cheek-left fine-lines 1, cheek-left acne-scar-boxcar 4", NULL, NULL, NULL,
    "cheek-left", TRUE, 1.25, 1.5, 4, 4, "ok", NULL },
  /* Burn 1–3 (BUR) held at 2.0, severity 3 → 1.25–1.75; forearm derived 0.5
   * (VMU). Timing disputed (BUR vs SVE). Generic 3 sessions, 6 weeks. */
  { "burn-forearm", 2, "forearm-right scar-burn 3", NULL, NULL, NULL,
    "forearm-right", TRUE, 0.5, 0.5, 3, 6, "caution", "burn-scar-timing" },
  /* SkinPen is indicated from 22 years (SP2). */
  { "under-age", 2, "forehead fine-lines 2", NULL, NULL, "2006-01-01",
    "forehead", TRUE, 0.5, 0.5, 4, 4, "caution", "under-age" },
  /* Under 18 on the first session's date and no guardian: blocked (spec §3.1). */
  { "minor-blocked", 2, "forehead fine-lines 2", NULL, NULL, "2010-01-01",
    "forehead", FALSE, 0, 0, 0, 0, "blocked", NULL },
  /* 22 on the day of the first session: no warning. */
  { "of-age", 2, "forehead fine-lines 2", NULL, NULL, "2005-01-04",
    "forehead", TRUE, 0.5, 0.5, 4, 4, "ok", NULL },
  /* History of cold sores and perioral work: prophylaxis (JDD, DRM). */
  { "herpes-history", 2, "chin fine-lines 2", "herpes-history=yes", "herpes-history", NULL,
    "chin", TRUE, 0.5, 0.75, 4, 4, "caution", "herpes-prophylaxis" },
  /* The same kind twice: the more severe one governs (1.5–2.0 → 1.5). */
  { "same-kind-twice", 2, "cheek-left acne-scar-rolling 1, cheek-left acne-scar-rolling 4", NULL, NULL, NULL,
    "cheek-left", TRUE, 1.5, 1.5, 3, 4, "ok", NULL },
  /* Lower leg: no chart or thickness; half the thigh (LAU) → 0.75, below
   * the striae's 1.5 mm: another treatment is named. */
  { "lower-leg-striae", 2, "lower-leg-left striae-rubra 4", NULL, NULL, NULL,
    "lower-leg-left", TRUE, 0.75, 0.75, 3, 4, "caution", "below-indication" },
  /* Glabella one chart (DP) thin-skin 0.5; laxity 0.5–1.5 → severity 1 0.5–1.0. */
  { "glabella-laxity", 2, "glabella laxity 1", NULL, NULL, NULL,
    "glabella", TRUE, 0.5, 0.5, 4, 4, "ok", NULL },
  /* Jawline scar limit 1.5 (NCT1): boxcar severity 3 → 1.17–1.42 → 1.0–1.25. */
  { "jawline-boxcar", 2, "jawline-right acne-scar-boxcar 3", NULL, NULL, NULL,
    "jawline-right", TRUE, 1.0, 1.25, 3, 4, "ok", NULL },
};

static NmConsultation *
build_consultation (guint        fitzpatrick,
                    const char  *findings,
                    const char  *screening,
                    const char  *acknowledged,
                    const char  *birth_date)
{
  NmConsultation *c = nm_consultation_new ();
  g_auto(GStrv) parts = NULL;
  guint i;

  nm_consultation_set_fitzpatrick (c, fitzpatrick);
  nm_consultation_set_start_date (c, "2027-01-04");
  /* an adult unless the case says otherwise: no birth date is a warning */
  nm_consultation_set_birth_date (c, birth_date != NULL ? birth_date : "1990-01-01");

  for (i = 0; i < nm_vocab_n_screening (); i++)
    nm_consultation_set_screening (c, nm_vocab_screening (i)->id, NM_ANSWER_NO);

  parts = g_strsplit (screening != NULL ? screening : "", " ", -1);
  for (i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (parts[i], "=", 2);
      NmAnswer answer;
      guint j;

      if (kv[0] == NULL || kv[1] == NULL)
        continue;
      answer = g_str_equal (kv[1], "yes") ? NM_ANSWER_YES :
               g_str_equal (kv[1], "no") ? NM_ANSWER_NO : NM_ANSWER_UNKNOWN;
      if (g_str_equal (kv[0], "absolute") || g_str_equal (kv[0], "relative"))
        {
          NmScreeningClass klass = g_str_equal (kv[0], "absolute") ? NM_SCREENING_ABSOLUTE
                                                                   : NM_SCREENING_RELATIVE;
          for (j = 0; j < nm_vocab_n_screening (); j++)
            if (nm_vocab_screening (j)->default_class == klass)
              nm_consultation_set_screening (c, nm_vocab_screening (j)->id, answer);
        }
      else
        nm_consultation_set_screening (c, kv[0], answer);
    }

  if (acknowledged != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (acknowledged, " ", -1);
      for (i = 0; ids[i] != NULL; i++)
        nm_consultation_set_acknowledgement (c, ids[i], "Discussed with the client and her doctor");
    }

  if (findings != NULL)
    {
      g_auto(GStrv) list = g_strsplit (findings, ",", -1);
      for (i = 0; list[i] != NULL; i++)
        {
          g_autofree char *item = g_strstrip (g_strdup (list[i]));
          g_auto(GStrv) f = g_strsplit (item, " ", 3);
          g_autoptr(NmFinding) finding = NULL;

          g_assert_nonnull (f[0]);
          g_assert_nonnull (f[1]);
          g_assert_nonnull (f[2]);
          finding = nm_finding_new (f[0], f[1], (guint) atoi (f[2]));
          nm_consultation_add_finding (c, finding);
        }
    }

  return c;
}

static NmProtocol *
default_protocol (void)
{
  g_autoptr(GError) error = NULL;
  NmProtocol *protocol = nm_protocol_load_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (protocol);
  return protocol;
}

static void
test_case (gconstpointer data)
{
  const Case *tc = data;
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (tc->fitzpatrick, tc->findings, tc->screening,
                                                    tc->acknowledged, tc->birth_date);
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanRegion *region;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  plan = nm_planner_run (c, protocol, &today);

  g_assert_cmpstr (nm_plan_status_to_string (nm_plan_get_status (plan)), ==, tc->status);

  region = nm_plan_lookup_region (plan, tc->region);
  g_assert_nonnull (region);
  g_assert_cmpint (region->treat, ==, tc->treat);
  g_assert_nonnull (region->reasons);
  g_assert_nonnull (region->reasons[0]);
  if (tc->treat)
    {
      g_assert_cmpfloat_with_epsilon (region->min_mm, tc->min_mm, 1e-9);
      g_assert_cmpfloat_with_epsilon (region->max_mm, tc->max_mm, 1e-9);
    }

  if (tc->sessions == 0)
    g_assert_cmpint (region->series, ==, -1);
  else
    {
      const NmPlanSeries *series;

      g_assert_cmpint (region->series, >=, 0);
      series = nm_plan_get_series (plan, (guint) region->series);
      g_assert_cmpuint (series->sessions, ==, tc->sessions);
      g_assert_cmpuint (series->interval_weeks, ==, tc->interval);
      g_assert_true (g_strv_contains ((const char * const *) series->regions, tc->region));
      /* the first date is the start date */
      g_assert_cmpuint (g_date_get_year (&series->dates[0]), ==, 2027);
      g_assert_cmpuint (g_date_get_month (&series->dates[0]), ==, 1);
      g_assert_cmpuint (g_date_get_day (&series->dates[0]), ==, 4);
    }

  if (tc->warning != NULL)
    g_assert_true (nm_plan_has_warning (plan, tc->warning, NULL));
  if (g_strcmp0 (tc->status, "ok") == 0)
    g_assert_cmpuint (nm_plan_get_n_warnings (plan), ==, 0);
  if (g_strcmp0 (tc->status, "blocked") == 0)
    {
      g_assert_cmpuint (nm_plan_get_n_blocked_by (plan), >, 0);
      g_assert_cmpuint (nm_plan_get_n_series (plan), ==, 0);
    }
  else
    g_assert_cmpuint (nm_plan_get_n_blocked_by (plan), ==, 0);
}

/* Specific behaviours beyond the table */

static void
test_blocked_lists_items (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (3, "forehead fine-lines 2",
                                                    "isotretinoin=yes radiotherapy=yes", NULL, NULL);
  g_autoptr(NmPlan) plan = NULL;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  plan = nm_planner_run (c, protocol, &today);

  g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);
  g_assert_cmpuint (nm_plan_get_n_blocked_by (plan), ==, 2);
  /* spec order */
  g_assert_cmpstr (nm_plan_get_blocked_by (plan, 0)->id, ==, "isotretinoin");
  g_assert_cmpstr (nm_plan_get_blocked_by (plan, 1)->id, ==, "radiotherapy");
  g_assert_nonnull (strstr (nm_plan_get_blocked_by (plan, 0)->message, "SP1"));
  g_assert_nonnull (strstr (nm_plan_lookup_region (plan, "forehead")->reasons[0], "isotretinoin"));
}

static void
test_two_series (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (2, "scalp-vertex alopecia 2, cheek-left acne-scar-rolling 2, "
                                                    "cheek-right acne-scar-boxcar 1, scalp-frontal alopecia 1",
                                                    NULL, NULL, NULL);
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanSeries *skin, *scalp;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  plan = nm_planner_run (c, protocol, &today);

  /* fixed order: the protocol's schedules, skin then scalp */
  g_assert_cmpuint (nm_plan_get_n_series (plan), ==, 2);
  skin = nm_plan_get_series (plan, 0);
  scalp = nm_plan_get_series (plan, 1);
  g_assert_cmpstr (skin->schedule, ==, "skin");
  g_assert_cmpstr (scalp->schedule, ==, "scalp");
  g_assert_cmpuint (g_strv_length (skin->regions), ==, 2);
  g_assert_cmpstr (skin->regions[0], ==, "cheek-left");
  g_assert_cmpstr (skin->regions[1], ==, "cheek-right");
  g_assert_cmpstr (scalp->regions[0], ==, "scalp-frontal");
  g_assert_cmpstr (scalp->regions[1], ==, "scalp-vertex");
  g_assert_cmpuint (scalp->sessions, ==, 6);
  g_assert_cmpuint (scalp->interval_weeks, ==, 2);
  /* 2027-01-04 + 5 × 14 days */
  g_assert_cmpuint (g_date_get_julian (&scalp->dates[5]) - g_date_get_julian (&scalp->dates[0]), ==, 70);
  g_assert_cmpuint (g_date_get_month (&scalp->dates[5]), ==, 3);
  g_assert_cmpuint (g_date_get_day (&scalp->dates[5]), ==, 15);
}

static void
test_start_date_defaults_to_today (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (2, "forehead fine-lines 2", NULL, NULL, NULL);
  g_autoptr(NmPlan) plan = NULL;
  GDate today;

  nm_consultation_set_start_date (c, NULL);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 29, G_DATE_FEBRUARY, 2028);
  plan = nm_planner_run (c, protocol, &today);

  g_assert_cmpint (g_date_compare (&nm_plan_get_series (plan, 0)->dates[0], &today), ==, 0);
  /* 4 weeks after a leap day */
  g_assert_cmpuint (g_date_get_month (&nm_plan_get_series (plan, 0)->dates[1]), ==, 3);
  g_assert_cmpuint (g_date_get_day (&nm_plan_get_series (plan, 0)->dates[1]), ==, 28);
}

/* Issue 13 item 16: no date the plan gives may pass 9999-12-31, the last
 * a file can hold (YYYY-MM-DD), nor the first maintenance session a year
 * after a series' last one (the schedule and the PDF show it): the plan
 * is blocked, saying why; a series is never cut short. */
static void
test_dates_past_9999 (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (2, "forehead fine-lines 2, cheek-left acne-scar-rolling 3",
                                                    NULL, NULL, NULL);
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *json = NULL;
  GDate today, maintenance;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_DECEMBER, 2026);
  /* an adult then, not 8,000 years old (that blocks on its own) */
  nm_consultation_set_birth_date (c, "9960-01-01");

  /* the start date: blocked, no series, no five-digit year */
  nm_consultation_set_start_date (c, "9999-11-01");
  plan = nm_planner_run (c, protocol, &today);
  g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);
  g_assert_cmpuint (nm_plan_get_n_blocked_by (plan), ==, 1);
  g_assert_cmpstr (nm_plan_get_blocked_by (plan, 0)->id, ==, "dates-out-of-range");
  g_assert_nonnull (strstr (nm_plan_get_blocked_by (plan, 0)->message, "9999"));
  g_assert_false (nm_plan_get_blocked_by (plan, 0)->lifelong);
  g_assert_cmpuint (nm_plan_get_n_series (plan), ==, 0);
  json = nm_plan_to_json (plan);
  g_assert_null (strstr (json, "10000"));
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&plan, nm_plan_unref);

  /* two years earlier: every date, and the maintenance session, fit */
  nm_consultation_set_start_date (c, "9997-11-01");
  plan = nm_planner_run (c, protocol, &today);
  g_assert_cmpint (nm_plan_get_status (plan), !=, NM_PLAN_BLOCKED);
  g_assert_cmpuint (nm_plan_get_n_series (plan), >, 0);
  for (guint s = 0; s < nm_plan_get_n_series (plan); s++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, s);

      g_assert_cmpuint (series->n_dates, ==, series->sessions);
      maintenance = series->dates[series->n_dates - 1];
      g_date_add_months (&maintenance, NM_PLAN_MAINTENANCE_MONTHS);
      g_assert_cmpuint (g_date_get_year (&maintenance), <=, 9999);
    }
  g_clear_pointer (&plan, nm_plan_unref);

  /* a today in the last days of 9999 and a sunburn's wait: the wait
   * names no date past the year, and the plan is blocked */
  nm_consultation_set_start_date (c, NULL);
  nm_consultation_set_screening (c, "sunburn", NM_ANSWER_YES);
  g_date_set_dmy (&today, 25, G_DATE_DECEMBER, 9999);
  plan = nm_planner_run (c, protocol, &today);
  g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);
  g_assert_true (nm_plan_has_warning (plan, "wait-before-start", NULL));
  json = nm_plan_to_json (plan);
  g_assert_null (strstr (json, "10000"));
  g_assert_nonnull (strstr (json, "dates-out-of-range"));
}

static void
test_reasons_cite_sources (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (5, "cheek-right melasma 3, cheek-right acne-scar-rolling 4",
                                                    NULL, NULL, NULL);
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanRegion *region;
  g_autofree char *all = NULL;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  plan = nm_planner_run (c, protocol, &today);
  region = nm_plan_lookup_region (plan, "cheek-right");
  all = g_strjoinv ("\n", region->reasons);

  g_assert_nonnull (strstr (all, "(JUV, DP, NCT1)"));       /* rolling range */
  g_assert_nonnull (strstr (all, "(NCT1, HAR, SP1)"));      /* scar limit */
  g_assert_nonnull (strstr (all, "(LOW, CHU)"));            /* pigment cap */
  g_assert_nonnull (strstr (all, "Over the melasma, keep to 0.5 mm"));
  g_assert_nonnull (strstr (all, "deepest finding, rolling acne scars"));
  g_assert_nonnull (strstr (all, "lengthened to 6 weeks"));
  g_assert_cmpstr (region->deepest_kind, ==, "acne-scar-rolling");
  g_assert_true (nm_plan_has_warning (plan, "pih-risk", "cheek-right"));
}

static void
test_device_options (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (2, "upper-back acne-scar-icepick 4", NULL, NULL, NULL);
  NmPlannerOptions options = { .device_max_mm = 1.5, .step_mm = 0.5 };
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanRegion *region;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  plan = nm_planner_run_full (c, protocol, &today, &options);
  region = nm_plan_lookup_region (plan, "upper-back");

  /* 1.75–2.0 on 0.5 steps → 1.5–2.0, then the 1.5 mm device */
  g_assert_cmpfloat_with_epsilon (region->max_mm, 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (region->min_mm, 1.5, 1e-9);
  g_assert_nonnull (strstr (region->reasons[1], "the device maximum (SP1)"));
  g_assert_false (nm_plan_has_warning (plan, "depth-over-evaluated", NULL));

  /* A device that goes deeper than the protocol's maximum does not take the
   * plan past it. */
  {
    g_autoptr(NmConsultation) deep = build_consultation (2, "upper-back scar-burn 4", NULL, NULL, NULL);
    NmPlannerOptions deeper = { .device_max_mm = 3.0, .step_mm = 0.25 };
    g_autoptr(NmPlan) deep_plan = nm_planner_run_full (deep, protocol, &today, &deeper);

    region = nm_plan_lookup_region (deep_plan, "upper-back");
    g_assert_true (region->treat);
    g_assert_cmpfloat (region->max_mm, <=, nm_protocol_get_device_max_mm (protocol));
  }
}

/* Property tests over generated consultations */

static gboolean
is_step_multiple (double mm,
                  double step)
{
  double n = mm / step;
  return fabs (n - round (n)) < 1e-9;
}

static void
check_plan_properties (NmConsultation *c,
                       NmProtocol     *protocol,
                       NmPlan         *plan,
                       const GDate    *start)
{
  double step = nm_protocol_get_device_step_mm (protocol);
  double device = nm_protocol_get_device_max_mm (protocol);
  gboolean any_absolute = FALSE, any_unanswered = FALSE, any_relative = FALSE;
  int previous = -1;
  guint i, j, in_series = 0, treated = 0;

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const NmScreeningInfo *info = nm_vocab_screening (i);
      NmAnswer answer = nm_consultation_get_screening (c, info->id);

      if (info->default_class == NM_SCREENING_ABSOLUTE && answer == NM_ANSWER_YES)
        any_absolute = TRUE;
      if (answer == NM_ANSWER_UNKNOWN)
        any_unanswered = TRUE;
      if (info->default_class == NM_SCREENING_RELATIVE && answer == NM_ANSWER_YES)
        any_relative = TRUE;
    }

  /* a keloid on the map blocks as the screening item does (spec §3.1) */
  for (i = 0; i < nm_consultation_get_n_findings (c); i++)
    if (g_str_equal (nm_finding_get_kind (nm_consultation_get_finding (c, i)), "keloid"))
      any_absolute = TRUE;

  /* status per spec §3 */
  if (any_absolute)
    g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);
  else if (any_relative || any_unanswered || nm_plan_get_n_warnings (plan) > 0)
    g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_CAUTION);
  else
    g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_OK);
  g_assert_cmpint (nm_plan_get_n_blocked_by (plan) > 0, ==, any_absolute);

  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      const NmProtocolRegion *rule = nm_protocol_get_region (protocol, region->region);
      int index = nm_vocab_region_index (region->region);

      /* one entry per region, in spec order */
      g_assert_cmpint (index, >, previous);
      previous = index;
      g_assert_nonnull (region->findings[0]);
      g_assert_nonnull (region->reasons[0]);

      if (g_str_has_prefix (region->region, "eyelid-") ||
          g_strv_contains ((const char * const *) region->findings, "keloid") ||
          any_absolute)
        g_assert_false (region->treat);

      if (!region->treat)
        {
          g_assert_cmpint (region->series, ==, -1);
          continue;
        }

      treated++;
      g_assert_cmpfloat (region->min_mm, >=, step - 1e-9);
      g_assert_cmpfloat (region->min_mm, <=, region->max_mm);
      g_assert_cmpfloat (region->max_mm, <=, device + 1e-9);
      g_assert_cmpfloat (region->max_mm, <=, MAX (rule->max_mm, rule->has_scar_limit ? rule->scar_max_mm : 0) + 1e-9);
      if (!rule->has_scar_limit)
        g_assert_cmpfloat (region->max_mm, <=, rule->max_mm + 1e-9);
      g_assert_true (is_step_multiple (region->min_mm, step));
      g_assert_true (is_step_multiple (region->max_mm, step));
      g_assert_cmpint (region->series, >=, 0);
      g_assert_true (g_strv_contains ((const char * const *) nm_plan_get_series (plan, (guint) region->series)->regions,
                                      region->region));

      /* pigment in darker skin always warns */
      if (nm_consultation_get_fitzpatrick (c) >= 4)
        for (j = 0; region->findings[j] != NULL; j++)
          if (nm_vocab_kind_category (region->findings[j]) == NM_CATEGORY_PIGMENT)
            g_assert_true (nm_plan_has_warning (plan, "pih-risk", region->region));
    }

  for (i = 0; i < nm_plan_get_n_series (plan); i++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, i);

      g_assert_cmpuint (series->n_dates, ==, series->sessions);
      g_assert_cmpuint (series->sessions, >=, 1);
      /* the first session is the start date, or two weeks later after
       * sunburn or a recent procedure (today is the start date here) */
      if (nm_consultation_get_screening (c, "sunburn") == NM_ANSWER_YES ||
          nm_consultation_get_screening (c, "recent-procedure") == NM_ANSWER_YES)
        g_assert_cmpint (g_date_days_between (start, &series->dates[0]), ==, 14);
      else
        g_assert_cmpint (g_date_compare (&series->dates[0], start), ==, 0);
      for (j = 1; j < series->n_dates; j++)
        g_assert_cmpint (g_date_days_between (&series->dates[j - 1], &series->dates[j]), ==,
                         (int) series->interval_weeks * 7);
      for (j = 0; series->regions[j] != NULL; j++)
        {
          const NmPlanRegion *region = nm_plan_lookup_region (plan, series->regions[j]);
          g_assert_nonnull (region);
          g_assert_true (region->treat);
          g_assert_cmpint (region->series, ==, (int) i);
          in_series++;
        }
    }
  /* every treated region is in exactly one series */
  g_assert_cmpuint (in_series, ==, treated);
}

static NmConsultation *
random_consultation (GRand *rand,
                     GDate *start)
{
  NmConsultation *c = nm_consultation_new ();
  guint n, i;

  nm_consultation_set_fitzpatrick (c, (guint) g_rand_int_range (rand, 1, 7));
  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      int roll = g_rand_int_range (rand, 0, 100);
      NmAnswer answer = roll < 4 ? NM_ANSWER_YES : roll < 8 ? NM_ANSWER_UNKNOWN : NM_ANSWER_NO;
      const char *id = nm_vocab_screening (i)->id;

      nm_consultation_set_screening (c, id, answer);
      if (answer == NM_ANSWER_YES && g_rand_boolean (rand))
        nm_consultation_set_acknowledgement (c, id, "Discussed");
    }

  n = (guint) g_rand_int_range (rand, 0, 9);
  for (i = 0; i < n; i++)
    {
      g_autoptr(NmFinding) finding =
        nm_finding_new (nm_vocab_region ((guint) g_rand_int_range (rand, 0, (gint32) nm_vocab_n_regions ()))->id,
                        nm_vocab_kind ((guint) g_rand_int_range (rand, 0, (gint32) nm_vocab_n_kinds ()))->id,
                        (guint) g_rand_int_range (rand, 1, 5));
      nm_consultation_add_finding (c, finding);
    }

  g_date_clear (start, 1);
  g_date_set_dmy (start, (GDateDay) g_rand_int_range (rand, 1, 29),
                  (GDateMonth) g_rand_int_range (rand, 1, 13),
                  (GDateYear) g_rand_int_range (rand, 2025, 2031));
  if (g_rand_boolean (rand))
    {
      g_autofree char *iso = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (start),
                                              g_date_get_month (start), g_date_get_day (start));
      nm_consultation_set_start_date (c, iso);
    }

  return c;
}

static void
test_properties (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261201);
  guint round_;

  for (round_ = 0; round_ < 2000; round_++)
    {
      GDate start;
      g_autoptr(NmConsultation) c = random_consultation (rand, &start);
      g_autoptr(NmPlan) plan = nm_planner_run (c, protocol, &start);
      g_autoptr(NmPlan) again = nm_planner_run (c, protocol, &start);
      g_autofree char *json = nm_plan_to_json (plan);
      g_autofree char *json_again = nm_plan_to_json (again);
      json_object *parsed;

      check_plan_properties (c, protocol, plan, &start);

      /* deterministic, and valid JSON */
      g_assert_cmpstr (json, ==, json_again);
      parsed = json_tokener_parse (json);
      g_assert_nonnull (parsed);
      g_assert_cmpstr (json_object_get_string (json_object_object_get (parsed, "status")), ==,
                       nm_plan_status_to_string (nm_plan_get_status (plan)));
      g_assert_cmpuint (json_object_array_length (json_object_object_get (parsed, "regions")), ==,
                        nm_plan_get_n_regions (plan));
      json_object_put (parsed);
    }
}

/* The same findings in another order give the same bytes. */
static void
test_order_independent (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) a = build_consultation (4, "chin pih 2, cheek-left acne-scar-rolling 3, "
                                                    "cheek-left melasma 1, scalp-vertex alopecia 2", NULL, NULL, NULL);
  g_autoptr(NmConsultation) b = build_consultation (4, "scalp-vertex alopecia 2, cheek-left melasma 1, "
                                                    "cheek-left acne-scar-rolling 3, chin pih 2", NULL, NULL, NULL);
  g_autoptr(NmPlan) pa = NULL;
  g_autoptr(NmPlan) pb = NULL;
  g_autofree char *ja = NULL;
  g_autofree char *jb = NULL;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  pa = nm_planner_run (a, protocol, &today);
  pb = nm_planner_run (b, protocol, &today);
  ja = nm_plan_to_json (pa);
  jb = nm_plan_to_json (pb);
  g_assert_cmpstr (ja, ==, jb);
}

static void
test_format_mm (void)
{
  const struct { double mm; const char *text; } rows[] = {
    { 1.0, "1.0" }, { 1.25, "1.25" }, { 0.5, "0.5" }, { 2.5, "2.5" }, { 0.75, "0.75" },
    { 0.1 + 0.2, "0.3" }, { 0.0, "0.0" }, { -0.0, "0.0" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *text = nm_format_mm (rows[i].mm);
      g_assert_cmpstr (text, ==, rows[i].text);
    }
}

static const NmPlanWarning *
find_warning (NmPlan     *plan,
              const char *id)
{
  for (guint i = 0; i < nm_plan_get_n_warnings (plan); i++)
    if (g_strcmp0 (nm_plan_get_warning (plan, i)->id, id) == 0)
      return nm_plan_get_warning (plan, i);
  return NULL;
}

/* Issue 14: the dates in the plan's sentences are ISO in the JSON (the
 * --plan output) and as the schedule writes them in the window and the
 * PDF (the translated plan): "1 Nov 2026", not "2026-11-01". */
static void
test_dates_in_sentences (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(NmConsultation) c = build_consultation (2, "cheek-left acne-scar-rolling 2, eyelid-left fine-lines 2",
                                                    "sunburn=yes", NULL, NULL);
  g_autoptr(NmSession) session = nm_session_new ("2026-11-01");
  NmPlannerOptions shown = { .translate = TRUE };
  g_autoptr(NmPlan) json = NULL;
  g_autoptr(NmPlan) window = NULL;
  const NmPlanWarning *w;
  GDate today;

  nm_session_set_done (session, TRUE);
  nm_session_set_depth (session, "eyelid-left", 0.25);
  nm_consultation_add_session (c, session);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_DECEMBER, 2026);

  json = nm_planner_run_full (c, protocol, &today, NULL);
  w = find_warning (json, "logged-over-plan");
  g_assert_nonnull (w);
  g_assert_nonnull (strstr (w->message, "on 2026-11-01"));
  w = find_warning (json, "wait-before-start");
  g_assert_nonnull (w);
  g_assert_nonnull (strstr (w->message, "2026-12-15"));

  window = nm_planner_run_full (c, protocol, &today, &shown);
  w = find_warning (window, "logged-over-plan");
  g_assert_nonnull (w);
  g_assert_nonnull (strstr (w->message, "on 1 Nov 2026"));
  g_assert_null (strstr (w->message, "2026-11-01"));
  w = find_warning (window, "wait-before-start");
  g_assert_nonnull (w);
  g_assert_nonnull (strstr (w->message, "15 Dec 2026"));
  g_assert_null (strstr (w->message, "2026-12-15"));
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/planner/case/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/planner/blocked-lists-items", test_blocked_lists_items);
  g_test_add_func ("/planner/two-series", test_two_series);
  g_test_add_func ("/planner/start-date-defaults-to-today", test_start_date_defaults_to_today);
  g_test_add_func ("/planner/reasons-cite-sources", test_reasons_cite_sources);
  g_test_add_func ("/planner/device-options", test_device_options);
  g_test_add_func ("/planner/order-independent", test_order_independent);
  g_test_add_func ("/planner/format-mm", test_format_mm);
  g_test_add_func ("/planner/dates-past-9999", test_dates_past_9999);
  g_test_add_func ("/planner/properties", test_properties);
  g_test_add_func ("/planner/dates-in-sentences", test_dates_in_sentences);

  return g_test_run ();
}
