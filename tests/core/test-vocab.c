/* test-vocab.c
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

#include <string.h>

#include "nm-vocab.h"

/* The tables of spec/FORMAT.md §1, in the spec's order. */

static const char * const spec_views[] = {
  "face-front", "face-left", "face-right", "scalp", "body-front", "body-back",
};

static const char * const spec_regions[] = {
  "forehead", "glabella", "temple-left", "temple-right",
  "periorbital-left", "periorbital-right", "eyelid-left", "eyelid-right",
  "nose", "cheek-left", "cheek-right", "upper-lip", "chin",
  "jawline-left", "jawline-right", "neck", "decolletage",
  "scalp-frontal", "scalp-vertex", "breast-left", "breast-right", "abdomen",
  "flank-left", "flank-right", "upper-arm-left", "upper-arm-right",
  "forearm-left", "forearm-right", "hand-left", "hand-right",
  "upper-back", "lower-back", "buttock-left", "buttock-right",
  "thigh-left", "thigh-right", "lower-leg-left", "lower-leg-right",
};

static const struct { const char *id; const char *category; } spec_kinds[] = {
  { "acne-scar-icepick", "scar" }, { "acne-scar-boxcar", "scar" },
  { "acne-scar-rolling", "scar" }, { "scar-surgical", "scar" },
  { "scar-traumatic", "scar" }, { "scar-burn", "scar" },
  { "scar-hypertrophic", "scar" }, { "keloid", "scar" },
  { "striae-rubra", "striae" }, { "striae-alba", "striae" },
  { "melasma", "pigment" }, { "pih", "pigment" }, { "solar-lentigines", "pigment" },
  { "fine-lines", "ageing" }, { "wrinkles", "ageing" }, { "laxity", "ageing" },
  { "enlarged-pores", "texture" }, { "uneven-texture", "texture" },
  { "alopecia", "hair" },
};

static const struct { const char *id; NmScreeningClass class; } spec_screening[] = {
  { "active-infection", NM_SCREENING_ABSOLUTE }, { "open-wounds", NM_SCREENING_ABSOLUTE },
  { "skin-cancer", NM_SCREENING_ABSOLUTE }, { "bleeding-disorder", NM_SCREENING_ABSOLUTE },
  { "isotretinoin", NM_SCREENING_ABSOLUTE }, { "pregnancy", NM_SCREENING_ABSOLUTE },
  { "keloid-tendency", NM_SCREENING_ABSOLUTE }, { "radiotherapy", NM_SCREENING_ABSOLUTE },
  { "metal-allergy", NM_SCREENING_ABSOLUTE }, { "uncontrolled-diabetes", NM_SCREENING_ABSOLUTE },
  { "immunosuppression", NM_SCREENING_ABSOLUTE },
  { "autoimmune-skin-disease", NM_SCREENING_ABSOLUTE },
  { "anticoagulants", NM_SCREENING_RELATIVE }, { "herpes-history", NM_SCREENING_RELATIVE },
  { "active-acne", NM_SCREENING_RELATIVE }, { "rosacea", NM_SCREENING_RELATIVE },
  { "eczema-psoriasis", NM_SCREENING_RELATIVE }, { "recent-procedure", NM_SCREENING_RELATIVE },
  { "sunburn", NM_SCREENING_RELATIVE }, { "vitiligo", NM_SCREENING_RELATIVE },
  { "photosensitising-drugs", NM_SCREENING_RELATIVE }, { "tattoo-in-area", NM_SCREENING_RELATIVE },
  { "pigmented-lesions-in-area", NM_SCREENING_RELATIVE }, { "pih-history", NM_SCREENING_RELATIVE },
};

static void
test_views (void)
{
  g_assert_cmpuint (NM_N_VIEWS, ==, G_N_ELEMENTS (spec_views));

  for (guint i = 0; i < NM_N_VIEWS; i++)
    {
      NmView view;
      guint n_regions = 0;

      g_assert_cmpstr (nm_view_id (i), ==, spec_views[i]);
      g_assert_true (nm_view_from_id (spec_views[i], &view));
      g_assert_cmpint (view, ==, i);
      g_assert_nonnull (nm_view_name (i));
      g_assert_cmpstr (nm_view_name (i), !=, "");

      for (guint r = 0; r < nm_vocab_n_regions (); r++)
        if (nm_vocab_region_in_view (nm_vocab_region (r)->id, i))
          n_regions++;
      g_assert_cmpuint (n_regions, >, 0);
    }

  g_assert_false (nm_view_from_id ("face", NULL));
  g_assert_false (nm_view_from_id (NULL, NULL));
}

static void
test_regions (void)
{
  g_assert_cmpuint (nm_vocab_n_regions (), ==, 38);
  g_assert_cmpuint (nm_vocab_n_regions (), ==, G_N_ELEMENTS (spec_regions));

  for (guint i = 0; i < G_N_ELEMENTS (spec_regions); i++)
    {
      const NmRegionInfo *info = nm_vocab_region (i);

      g_assert_cmpstr (info->id, ==, spec_regions[i]);
      g_assert_cmpint (nm_vocab_region_index (spec_regions[i]), ==, i);
      g_assert_nonnull (nm_vocab_region_name (info->id));
      g_assert_cmpstr (nm_vocab_region_name (info->id), !=, "");
      /* Every region can be tagged somewhere. */
      g_assert_cmpuint (info->views, !=, 0);
      g_assert_cmpuint (info->views & ~((1u << NM_N_VIEWS) - 1), ==, 0);
    }

  g_assert_cmpint (nm_vocab_region_index ("cheek"), ==, -1);
  g_assert_cmpint (nm_vocab_region_index (NULL), ==, -1);
  g_assert_null (nm_vocab_region_name ("elbow"));

  /* The spec's own example, and the client's sides in the profiles. */
  g_assert_true (nm_vocab_region_in_view ("cheek-left", NM_VIEW_FACE_FRONT));
  g_assert_true (nm_vocab_region_in_view ("cheek-left", NM_VIEW_FACE_LEFT));
  g_assert_false (nm_vocab_region_in_view ("cheek-left", NM_VIEW_FACE_RIGHT));
  g_assert_true (nm_vocab_region_in_view ("cheek-right", NM_VIEW_FACE_RIGHT));
  g_assert_true (nm_vocab_region_in_view ("scalp-vertex", NM_VIEW_SCALP));
  g_assert_false (nm_vocab_region_in_view ("scalp-vertex", NM_VIEW_FACE_FRONT));
  g_assert_true (nm_vocab_region_in_view ("abdomen", NM_VIEW_BODY_FRONT));
  g_assert_false (nm_vocab_region_in_view ("abdomen", NM_VIEW_BODY_BACK));
  g_assert_true (nm_vocab_region_in_view ("upper-back", NM_VIEW_BODY_BACK));
  g_assert_true (nm_vocab_region_in_view ("buttock-left", NM_VIEW_BODY_BACK));
  g_assert_true (nm_vocab_region_in_view ("thigh-right", NM_VIEW_BODY_FRONT));
  g_assert_true (nm_vocab_region_in_view ("thigh-right", NM_VIEW_BODY_BACK));
  g_assert_false (nm_vocab_region_in_view ("nose", NM_N_VIEWS));

  /* Profiles never show the other side. */
  for (guint i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;

      if (g_str_has_suffix (id, "-right"))
        g_assert_false (nm_vocab_region_in_view (id, NM_VIEW_FACE_LEFT));
      if (g_str_has_suffix (id, "-left"))
        g_assert_false (nm_vocab_region_in_view (id, NM_VIEW_FACE_RIGHT));
    }

  g_assert_true (nm_vocab_region_never_treated ("eyelid-left"));
  g_assert_true (nm_vocab_region_never_treated ("eyelid-right"));
  g_assert_false (nm_vocab_region_never_treated ("periorbital-left"));
  g_assert_false (nm_vocab_region_never_treated ("cheek-left"));
}

static void
test_kinds (void)
{
  guint per_category[NM_N_CATEGORIES] = { 0 };

  g_assert_cmpuint (nm_vocab_n_kinds (), ==, 19);
  g_assert_cmpuint (nm_vocab_n_kinds (), ==, G_N_ELEMENTS (spec_kinds));

  for (guint i = 0; i < G_N_ELEMENTS (spec_kinds); i++)
    {
      const NmKindInfo *info = nm_vocab_kind (i);

      g_assert_cmpstr (info->id, ==, spec_kinds[i].id);
      g_assert_cmpint (nm_vocab_kind_index (info->id), ==, i);
      g_assert_cmpstr (nm_category_id (nm_vocab_kind_category (info->id)), ==,
                       spec_kinds[i].category);
      g_assert_cmpint (info->category, ==, nm_vocab_kind_category (info->id));
      g_assert_nonnull (nm_vocab_kind_name (info->id));
      g_assert_cmpstr (nm_vocab_kind_name (info->id), !=, "");
      per_category[info->category]++;
    }

  g_assert_cmpuint (per_category[NM_CATEGORY_SCAR], ==, 8);
  g_assert_cmpuint (per_category[NM_CATEGORY_STRIAE], ==, 2);
  g_assert_cmpuint (per_category[NM_CATEGORY_PIGMENT], ==, 3);
  g_assert_cmpuint (per_category[NM_CATEGORY_AGEING], ==, 3);
  g_assert_cmpuint (per_category[NM_CATEGORY_TEXTURE], ==, 2);
  g_assert_cmpuint (per_category[NM_CATEGORY_HAIR], ==, 1);

  for (guint c = 0; c < NM_N_CATEGORIES; c++)
    {
      g_assert_nonnull (nm_category_id (c));
      g_assert_nonnull (nm_category_name (c));
    }

  g_assert_cmpint (nm_vocab_kind_index ("scar"), ==, -1);
  g_assert_null (nm_vocab_kind_name ("acne"));
}

static void
test_severities (void)
{
  const char *names[] = { "Mild", "Moderate", "Marked", "Severe" };

  g_assert_null (nm_vocab_severity_name (0));
  g_assert_null (nm_vocab_severity_name (5));
  g_assert_null (nm_vocab_severity_description ("melasma", 0));
  g_assert_null (nm_vocab_severity_description ("melasma", 5));

  for (guint s = NM_SEVERITY_MIN; s <= NM_SEVERITY_MAX; s++)
    {
      const char *acne = nm_vocab_severity_description ("acne-scar-rolling", s);
      const char *generic = nm_vocab_severity_description ("melasma", s);
      g_autofree char *grade = g_strdup_printf ("Grade %u", s);

      /* Tests run untranslated (LC_ALL=C.UTF-8). */
      g_assert_cmpstr (nm_vocab_severity_name (s), ==, names[s - 1]);
      g_assert_nonnull (acne);
      g_assert_nonnull (generic);
      g_assert_cmpstr (acne, !=, generic);
      /* Goodman & Baron qualitative grades for the three acne-scar kinds. */
      g_assert_true (g_str_has_prefix (acne, grade));
      g_assert_cmpstr (acne, ==, nm_vocab_severity_description ("acne-scar-icepick", s));
      g_assert_cmpstr (acne, ==, nm_vocab_severity_description ("acne-scar-boxcar", s));
      g_assert_cmpstr (generic, ==, nm_vocab_severity_description ("scar-burn", s));
      g_assert_true (g_str_has_prefix (generic, names[s - 1]));
    }

  g_assert_nonnull (strstr (nm_vocab_severity_description ("acne-scar-boxcar", 1), "colour"));
  g_assert_nonnull (strstr (nm_vocab_severity_description ("acne-scar-boxcar", 3), "stretched"));
  g_assert_nonnull (strstr (nm_vocab_severity_description ("acne-scar-boxcar", 4), "does not flatten"));
}

static void
test_screening (void)
{
  guint n_absolute = 0;

  g_assert_cmpuint (nm_vocab_n_screening (), ==, 24);
  g_assert_cmpuint (nm_vocab_n_screening (), ==, G_N_ELEMENTS (spec_screening));

  for (guint i = 0; i < G_N_ELEMENTS (spec_screening); i++)
    {
      const NmScreeningInfo *info = nm_vocab_screening (i);
      const char *question;

      g_assert_cmpstr (info->id, ==, spec_screening[i].id);
      g_assert_cmpint (info->default_class, ==, spec_screening[i].class);
      g_assert_cmpint (nm_vocab_screening_index (info->id), ==, i);

      question = nm_vocab_screening_question (info->id);
      g_assert_nonnull (question);
      g_assert_true (g_str_has_suffix (question, "?"));
      g_assert_null (strchr (question, '\n'));

      if (info->default_class == NM_SCREENING_ABSOLUTE)
        n_absolute++;
    }

  g_assert_cmpuint (n_absolute, ==, 12);
  g_assert_cmpint (nm_vocab_screening_index ("smoking"), ==, -1);
  g_assert_null (nm_vocab_screening_question ("smoking"));
}

static void
test_ids_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < nm_vocab_n_regions (); i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) nm_vocab_region (i)->id));
  g_hash_table_remove_all (seen);
  for (guint i = 0; i < nm_vocab_n_kinds (); i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) nm_vocab_kind (i)->id));
  g_hash_table_remove_all (seen);
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) nm_vocab_screening (i)->id));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vocab/views", test_views);
  g_test_add_func ("/vocab/regions", test_regions);
  g_test_add_func ("/vocab/kinds", test_kinds);
  g_test_add_func ("/vocab/severities", test_severities);
  g_test_add_func ("/vocab/screening", test_screening);
  g_test_add_func ("/vocab/ids-unique", test_ids_unique);

  return g_test_run ();
}
