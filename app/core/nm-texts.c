/* nm-texts.c: plain-language texts shared by the screen, the PDF and the
 * client presentation
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

#define G_LOG_DOMAIN "nm-texts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "nm-texts.h"

/* Aftercare, clinical/REFERENCE.md §7. Where the sources disagree the
 * longer wait is given: makeup 48 h (FEE, DQ; RSF says next day), actives
 * a week (DPS; MON 4 d, FEE 5–7 d), sweat and swimming 5 days (MON; FEE
 * 24–48 h), sunscreen from the second day (MON; FEE after 24 h). */
static const struct
{
  NmAftercareKind  kind;
  const char      *text;
  const char      *sources;
} aftercare[] = {
  { NM_AFTERCARE_DO,
    N_("For the first 6–8 hours put nothing on the skin; then wash gently and use a plain hyaluronic acid serum."),
    "DQ" },
  { NM_AFTERCARE_DO,
    N_("From the second day, wear a broad-spectrum mineral sunscreen, SPF 30 or higher, every day."),
    "MON, FEE, FAR" },
  { NM_AFTERCARE_DO,
    N_("Keep out of strong sun on the first day: no sunscreen yet, so shade and a hat."),
    "MON" },
  { NM_AFTERCARE_DO,
    N_("Let any flaking come off by itself."),
    "DQ, MON" },
  { NM_AFTERCARE_DONT,
    N_("No makeup for 48 hours."),
    "FEE, DQ" },
  { NM_AFTERCARE_DONT,
    N_("No retinoids, AHA/BHA acids, vitamin C or benzoyl peroxide for at least a week."),
    "DPS, FEE, MON" },
  { NM_AFTERCARE_DONT,
    N_("No workouts that make you sweat, no sauna and no swimming for 5 days."),
    "MON, FEE" },
  { NM_AFTERCARE_DONT,
    N_("No picking, scrubbing or exfoliating while the skin peels."),
    "DQ, MON" },
  { NM_AFTERCARE_DONT,
    N_("No alcohol, smoking or blood-thinning supplements for 24 hours."),
    "MON" },
  /* Transient redness and swelling last up to 7 days (CHU); beyond that,
   * or with signs of infection or cold sores (CAS), the client calls. */
  { NM_AFTERCARE_CONTACT,
    N_("Call the clinic if redness or swelling grows after the second day or lasts beyond a week, or if blisters, cold sores or anything else worries you."),
    "CHU, CAS" },
};

/* Healing phases, clinical/REFERENCE.md §7: inflammation from the first
 * moment over the first days (AMI, AGB); proliferation from day 2–3 (MAD)
 * or ~5 (AMI, AGB) for ~6–8 weeks; remodelling from ~8 weeks to ~1 year
 * (AMI). The days below are drawn on timelines. */
static const struct
{
  const char *name;
  const char *timing;
  const char *underneath;
  double      start_day;
  double      end_day;
  const char *sources;
} phases[NM_N_HEALING_PHASES] = {
  [NM_HEALING_INFLAMMATION] = {
    N_("Inflammation"), N_("Starts at once, for the first few days"),
    N_("Platelets seal the channels and release signals that start the repair."),
    0, 3, "AMI, AGB" },
  [NM_HEALING_PROLIFERATION] = {
    N_("New tissue"), N_("From about day 3 to week 8"),
    N_("Fibroblasts lay down new collagen (type III) and new small blood vessels."),
    3, 56, "MAD, AMI, AGB" },
  [NM_HEALING_REMODELLING] = {
    N_("Remodelling"), N_("From about week 8, for up to a year"),
    N_("The new collagen matures into stronger type I collagen and reorganises."),
    56, 365, "AMI, AUS" },
};

static const struct
{
  double      start_day;
  double      end_day;
  const char *when;
  const char *text;
  const char *sources;
} signs[] = {
  { 0, 2, N_("Days 1–2"),
    N_("Redness and some swelling, like a mild sunburn."), "DQ" },
  { 2, 10, N_("Up to day 10"),
    N_("Pinpoint marks, light bruising or flaking settle within 7–10 days."), "DQ, CHU" },
  { 10, 56, N_("Weeks 2–8"),
    N_("Little to see on the surface while new collagen forms underneath."), "AMI, MAD" },
  { 56, 365, N_("Months 2–12"),
    N_("Any changes build slowly; more collagen was measured at 6 months."), "AMI, AUS" },
};

guint
nm_texts_n_aftercare (void)
{
  return G_N_ELEMENTS (aftercare);
}

/**
 * nm_texts_aftercare:
 * @index: below nm_texts_n_aftercare()
 *
 * Returns: one piece of aftercare advice, translated, with its sources
 */
NmAftercareItem
nm_texts_aftercare (guint index)
{
  NmAftercareItem item = { 0 };

  g_return_val_if_fail (index < G_N_ELEMENTS (aftercare), item);

  item.kind = aftercare[index].kind;
  item.text = _(aftercare[index].text);
  item.sources = aftercare[index].sources;
  return item;
}

/**
 * nm_texts_healing_phase:
 *
 * Returns: the phase's name, timing and explanation, translated
 */
NmHealingPhaseInfo
nm_texts_healing_phase (NmHealingPhase phase)
{
  NmHealingPhaseInfo info = { 0 };

  g_return_val_if_fail (phase < NM_N_HEALING_PHASES, info);

  info.name = _(phases[phase].name);
  info.timing = _(phases[phase].timing);
  info.underneath = _(phases[phase].underneath);
  info.start_day = phases[phase].start_day;
  info.end_day = phases[phase].end_day;
  info.sources = phases[phase].sources;
  return info;
}

guint
nm_texts_n_healing_signs (void)
{
  return G_N_ELEMENTS (signs);
}

/**
 * nm_texts_healing_sign:
 * @index: below nm_texts_n_healing_signs()
 *
 * Returns: what a client may notice in one period after a session
 */
NmHealingSign
nm_texts_healing_sign (guint index)
{
  NmHealingSign sign = { 0 };

  g_return_val_if_fail (index < G_N_ELEMENTS (signs), sign);

  sign.start_day = signs[index].start_day;
  sign.end_day = signs[index].end_day;
  sign.when = _(signs[index].when);
  sign.text = _(signs[index].text);
  sign.sources = signs[index].sources;
  return sign;
}

/**
 * nm_texts_not_a_promise:
 *
 * Returns: the honest caveat every client-facing plan carries
 */
const char *
nm_texts_not_a_promise (void)
{
  return _("This is a plan, not a promised result: skin responds differently from person to person, and your practitioner adjusts the plan at each session.");
}

/**
 * nm_texts_channels_close:
 *
 * Returns: how fast the micro-channels close (K1, with the clinic pages'
 *   longer figure, MON)
 */
const char *
nm_texts_channels_close (void)
{
  return _("The tiny channels close within hours: 12–18 hours in a laboratory study.");
}
