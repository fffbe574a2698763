/* nm-vocab.c
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

#define G_LOG_DOMAIN "nm-vocab"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nm-vocab.h"

/* The vocabulary of spec/FORMAT.md §1, in the spec's order.
 *
 * Which view shows which region is our own choice (the spec only says a
 * region may appear in several views).  The rules used:
 *  - face-front shows every face region of both sides plus the neck;
 *  - a profile (face-left/face-right) shows the midline face regions and
 *    that side's regions, plus the neck; the glabella is hidden by the brow
 *    line in profile, so it is front only;
 *  - scalp (seen from above) shows the two scalp regions and, at its front
 *    edge, the forehead;
 *  - body-front shows the neck, décolletage, breasts, abdomen, flanks and
 *    the front of the limbs; body-back the neck, back, buttocks, flanks and
 *    the back of the limbs.  Arms, hands, thighs and lower legs are in both body
 *    views; the hands are drawn with their backs visible in both.
 */

#define FF (1u << NM_VIEW_FACE_FRONT)
#define FL (1u << NM_VIEW_FACE_LEFT)
#define FR (1u << NM_VIEW_FACE_RIGHT)
#define SC (1u << NM_VIEW_SCALP)
#define BF (1u << NM_VIEW_BODY_FRONT)
#define BB (1u << NM_VIEW_BODY_BACK)

static const char * const view_ids[NM_N_VIEWS] = {
  "face-front",
  "face-left",
  "face-right",
  "scalp",
  "body-front",
  "body-back",
};

static const char * const view_names[NM_N_VIEWS] = {
  N_("Face, front"),
  N_("Face, left side"),
  N_("Face, right side"),
  N_("Scalp"),
  N_("Body, front"),
  N_("Body, back"),
};

static const NmRegionInfo regions[] = {
  { "forehead",          N_("Forehead"),                FF | FL | FR | SC },
  { "glabella",          N_("Glabella"),                FF },
  { "temple-left",       N_("Left temple"),             FF | FL },
  { "temple-right",      N_("Right temple"),            FF | FR },
  { "periorbital-left",  N_("Left periorbital area"),   FF | FL },
  { "periorbital-right", N_("Right periorbital area"),  FF | FR },
  { "eyelid-left",       N_("Left eyelid"),             FF | FL },
  { "eyelid-right",      N_("Right eyelid"),            FF | FR },
  { "nose",              N_("Nose"),                    FF | FL | FR },
  { "cheek-left",        N_("Left cheek"),              FF | FL },
  { "cheek-right",       N_("Right cheek"),             FF | FR },
  { "upper-lip",         N_("Upper lip"),               FF | FL | FR },
  { "chin",              N_("Chin"),                    FF | FL | FR },
  { "jawline-left",      N_("Left jawline"),            FF | FL },
  { "jawline-right",     N_("Right jawline"),           FF | FR },
  { "neck",              N_("Neck"),                    FF | FL | FR | BF | BB },
  { "decolletage",       N_("Décolletage"),             BF },
  { "scalp-frontal",     N_("Frontal scalp"),           SC },
  { "scalp-vertex",      N_("Crown"),                   SC },
  { "breast-left",       N_("Left breast"),             BF },
  { "breast-right",      N_("Right breast"),            BF },
  { "abdomen",           N_("Abdomen"),                 BF },
  { "flank-left",        N_("Left flank"),              BF | BB },
  { "flank-right",       N_("Right flank"),             BF | BB },
  { "upper-arm-left",    N_("Left upper arm"),          BF | BB },
  { "upper-arm-right",   N_("Right upper arm"),         BF | BB },
  { "forearm-left",      N_("Left forearm"),            BF | BB },
  { "forearm-right",     N_("Right forearm"),           BF | BB },
  { "hand-left",         N_("Back of the left hand"),   BF | BB },
  { "hand-right",        N_("Back of the right hand"),  BF | BB },
  { "upper-back",        N_("Upper back"),              BB },
  { "lower-back",        N_("Lower back"),              BB },
  { "buttock-left",      N_("Left buttock"),            BB },
  { "buttock-right",     N_("Right buttock"),           BB },
  { "thigh-left",        N_("Left thigh"),              BF | BB },
  { "thigh-right",       N_("Right thigh"),             BF | BB },
  { "lower-leg-left",    N_("Left lower leg"),          BF | BB },
  { "lower-leg-right",   N_("Right lower leg"),         BF | BB },
};

static const NmKindInfo kinds[] = {
  { "acne-scar-icepick", NM_CATEGORY_SCAR,    N_("Icepick acne scars") },
  { "acne-scar-boxcar",  NM_CATEGORY_SCAR,    N_("Boxcar acne scars") },
  { "acne-scar-rolling", NM_CATEGORY_SCAR,    N_("Rolling acne scars") },
  { "scar-surgical",     NM_CATEGORY_SCAR,    N_("Surgical scar") },
  { "scar-traumatic",    NM_CATEGORY_SCAR,    N_("Traumatic scar") },
  { "scar-burn",         NM_CATEGORY_SCAR,    N_("Burn scar") },
  { "scar-hypertrophic", NM_CATEGORY_SCAR,    N_("Hypertrophic scar") },
  { "keloid",            NM_CATEGORY_SCAR,    N_("Keloid") },
  { "striae-rubra",      NM_CATEGORY_STRIAE,  N_("Stretch marks, red (striae rubrae)") },
  { "striae-alba",       NM_CATEGORY_STRIAE,  N_("Stretch marks, white (striae albae)") },
  { "melasma",           NM_CATEGORY_PIGMENT, N_("Melasma") },
  { "pih",               NM_CATEGORY_PIGMENT, N_("Post-inflammatory hyperpigmentation") },
  { "solar-lentigines",  NM_CATEGORY_PIGMENT, N_("Sun spots (solar lentigines)") },
  { "fine-lines",        NM_CATEGORY_AGEING,  N_("Fine lines") },
  { "wrinkles",          NM_CATEGORY_AGEING,  N_("Wrinkles") },
  { "laxity",            NM_CATEGORY_AGEING,  N_("Skin laxity") },
  { "enlarged-pores",    NM_CATEGORY_TEXTURE, N_("Enlarged pores") },
  { "uneven-texture",    NM_CATEGORY_TEXTURE, N_("Uneven texture") },
  { "alopecia",          NM_CATEGORY_HAIR,    N_("Androgenetic hair loss") },
};

static const char * const category_ids[NM_N_CATEGORIES] = {
  "scar",
  "striae",
  "pigment",
  "ageing",
  "texture",
  "hair",
};

static const char * const category_names[NM_N_CATEGORIES] = {
  N_("Scars"),
  N_("Stretch marks"),
  N_("Pigmentation"),
  N_("Ageing"),
  N_("Texture"),
  N_("Hair"),
};

static const char * const severity_names[NM_SEVERITY_MAX] = {
  N_("Mild"),
  N_("Moderate"),
  N_("Marked"),
  N_("Severe"),
};

static const char * const generic_severity_descriptions[NM_SEVERITY_MAX] = {
  N_("Mild: slight, noticed only on close inspection."),
  N_("Moderate: clearly visible at conversational distance."),
  N_("Marked: obvious and extensive within the region."),
  N_("Severe: the most pronounced degree, covering most of the region."),
};

/* Goodman & Baron qualitative global scarring grades 1–4 (REFERENCE §3, GBQ1). */
static const char * const acne_scar_severity_descriptions[NM_SEVERITY_MAX] = {
  /* Translators: the grade's number is the severity's; the grade has no
   * name of its own here, so that it never contradicts the severity's name
   * (Mild, Moderate, Marked, Severe) shown beside it */
  N_("Grade 1: flat red, white or brown marks (macular); a change of colour, not of contour."),
  N_("Grade 2: atrophy or hypertrophy not obvious at 50 cm or more; covered by make-up or beard shadow."),
  N_("Grade 3: obvious at 50 cm or more, not easily covered, but flattens when the skin is stretched by hand."),
  N_("Grade 4: obvious at more than 50 cm and does not flatten when the skin is stretched."),
};

static const NmScreeningInfo screening[] = {
  { "active-infection",        NM_SCREENING_ABSOLUTE,
    N_("Is there a skin infection in the area now (bacterial, viral or fungal, warts, active cold sores)?") },
  { "open-wounds",             NM_SCREENING_ABSOLUTE,
    N_("Are there open wounds, sores or irritated skin in the area?") },
  { "skin-cancer",             NM_SCREENING_ABSOLUTE,
    N_("Is there active skin cancer or a suspicious mole or lesion in the area?") },
  { "bleeding-disorder",       NM_SCREENING_ABSOLUTE,
    N_("Does the client have haemophilia or another bleeding disorder?") },
  { "isotretinoin",            NM_SCREENING_ABSOLUTE,
    N_("Has the client taken isotretinoin now or in the last 6 months?") },
  { "pregnancy",               NM_SCREENING_ABSOLUTE,
    N_("Is the client pregnant or breastfeeding?") },
  { "keloid-tendency",         NM_SCREENING_ABSOLUTE,
    N_("Has the client ever formed keloid scars?") },
  { "radiotherapy",            NM_SCREENING_ABSOLUTE,
    N_("Is the client having radiotherapy, or had it in the last 3 months?") },
  { "metal-allergy",           NM_SCREENING_ABSOLUTE,
    N_("Is the client allergic to stainless steel, nickel or topical anaesthetics?") },
  { "uncontrolled-diabetes",   NM_SCREENING_ABSOLUTE,
    N_("Does the client have diabetes that is not under control?") },
  { "immunosuppression",       NM_SCREENING_ABSOLUTE,
    N_("Is the client on immunosuppressants, chemotherapy or high-dose steroids?") },
  { "autoimmune-skin-disease", NM_SCREENING_ABSOLUTE,
    N_("Does the client have scleroderma or another collagen-vascular disease?") },
  { "anticoagulants",          NM_SCREENING_RELATIVE,
    N_("Does the client take blood thinners or aspirin?") },
  { "herpes-history",          NM_SCREENING_RELATIVE,
    N_("Has the client had cold sores before (antiviral cover may be needed)?") },
  { "active-acne",             NM_SCREENING_RELATIVE,
    N_("Is there active inflammatory acne in the area?") },
  { "rosacea",                 NM_SCREENING_RELATIVE,
    N_("Does the client have rosacea?") },
  { "eczema-psoriasis",        NM_SCREENING_RELATIVE,
    N_("Does the client have eczema, psoriasis or dermatitis?") },
  { "recent-procedure",        NM_SCREENING_RELATIVE,
    N_("Has the area recently had filler, toxin, a peel, laser or surgery?") },
  { "sunburn",                 NM_SCREENING_RELATIVE,
    N_("Is the skin sunburnt or freshly tanned?") },
  { "vitiligo",                NM_SCREENING_RELATIVE,
    N_("Does the client have vitiligo, or another condition that spreads to injured skin?") },
  { "photosensitising-drugs",  NM_SCREENING_RELATIVE,
    N_("Does the client take photosensitising medicines (for example doxycycline, or retinoids other than isotretinoin)?") },
  { "tattoo-in-area",          NM_SCREENING_RELATIVE,
    N_("Is there a tattoo or permanent make-up in the area?") },
  { "pigmented-lesions-in-area", NM_SCREENING_RELATIVE,
    N_("Are there moles, actinic keratoses or other pigmented lesions in the area?") },
  { "pih-history",             NM_SCREENING_RELATIVE,
    N_("Has the client had hyperpigmentation or scarring after an earlier procedure?") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (regions) == 38);
G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == 19);
G_STATIC_ASSERT (G_N_ELEMENTS (screening) == 24);

static inline const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

const char *
nm_view_id (NmView view)
{
  g_return_val_if_fail (view < NM_N_VIEWS, NULL);

  return view_ids[view];
}

const char *
nm_view_name (NmView view)
{
  g_return_val_if_fail (view < NM_N_VIEWS, NULL);

  return tr (view_names[view]);
}

gboolean
nm_view_from_id (const char *id,
                 NmView     *view)
{
  if (id == NULL)
    return FALSE;

  for (guint i = 0; i < NM_N_VIEWS; i++)
    {
      if (strcmp (id, view_ids[i]) == 0)
        {
          if (view != NULL)
            *view = (NmView) i;
          return TRUE;
        }
    }

  return FALSE;
}

guint
nm_vocab_n_regions (void)
{
  return G_N_ELEMENTS (regions);
}

const NmRegionInfo *
nm_vocab_region (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (regions), NULL);

  return &regions[index];
}

int
nm_vocab_region_index (const char *id)
{
  if (id == NULL)
    return -1;

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (strcmp (id, regions[i].id) == 0)
      return (int) i;

  return -1;
}

const char *
nm_vocab_region_name (const char *id)
{
  int i = nm_vocab_region_index (id);

  if (i < 0)
    return NULL;

  return tr (regions[i].name);
}

gboolean
nm_vocab_region_in_view (const char *id,
                         NmView      view)
{
  int i = nm_vocab_region_index (id);

  if (i < 0 || view >= NM_N_VIEWS)
    return FALSE;

  return (regions[i].views & (1u << view)) != 0;
}

gboolean
nm_vocab_region_never_treated (const char *id)
{
  /* Spec §1.2: eyelids, inside the orbital rim, are never needled (SP1). */
  return g_strcmp0 (id, "eyelid-left") == 0 ||
         g_strcmp0 (id, "eyelid-right") == 0;
}

guint
nm_vocab_n_kinds (void)
{
  return G_N_ELEMENTS (kinds);
}

const NmKindInfo *
nm_vocab_kind (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (kinds), NULL);

  return &kinds[index];
}

int
nm_vocab_kind_index (const char *id)
{
  if (id == NULL)
    return -1;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (id, kinds[i].id) == 0)
      return (int) i;

  return -1;
}

const char *
nm_vocab_kind_name (const char *id)
{
  int i = nm_vocab_kind_index (id);

  if (i < 0)
    return NULL;

  return tr (kinds[i].name);
}

NmCategory
nm_vocab_kind_category (const char *id)
{
  int i = nm_vocab_kind_index (id);

  g_return_val_if_fail (i >= 0, NM_N_CATEGORIES);

  return kinds[i].category;
}

const char *
nm_category_id (NmCategory category)
{
  g_return_val_if_fail (category < NM_N_CATEGORIES, NULL);

  return category_ids[category];
}

const char *
nm_category_name (NmCategory category)
{
  g_return_val_if_fail (category < NM_N_CATEGORIES, NULL);

  return tr (category_names[category]);
}

const char *
nm_vocab_severity_name (guint severity)
{
  if (severity < NM_SEVERITY_MIN || severity > NM_SEVERITY_MAX)
    return NULL;

  return tr (severity_names[severity - 1]);
}

const char *
nm_vocab_severity_description (const char *kind_id,
                               guint       severity)
{
  if (severity < NM_SEVERITY_MIN || severity > NM_SEVERITY_MAX)
    return NULL;

  if (kind_id != NULL && g_str_has_prefix (kind_id, "acne-scar-"))
    return tr (acne_scar_severity_descriptions[severity - 1]);

  return tr (generic_severity_descriptions[severity - 1]);
}

guint
nm_vocab_n_screening (void)
{
  return G_N_ELEMENTS (screening);
}

const NmScreeningInfo *
nm_vocab_screening (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (screening), NULL);

  return &screening[index];
}

int
nm_vocab_screening_index (const char *id)
{
  if (id == NULL)
    return -1;

  for (guint i = 0; i < G_N_ELEMENTS (screening); i++)
    if (strcmp (id, screening[i].id) == 0)
      return (int) i;

  return -1;
}

const char *
nm_vocab_screening_question (const char *id)
{
  int i = nm_vocab_screening_index (id);

  if (i < 0)
    return NULL;

  return tr (screening[i].question);
}
