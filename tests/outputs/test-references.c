/* test-references.c: the reference keys and their citations
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

#include "nm-protocol.h"
#include "nm-references.h"

/* The table holds exactly the keys the protocol accepts: each of ours is
 * known there, no key twice, and as many as REFERENCE.md lists (90). */
static void
test_table (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (nm_references_get_n (), ==, 90);
  for (guint i = 0; i < nm_references_get_n (); i++)
    {
      const char *key = nm_references_get_key (i);
      const char *citation = nm_reference_lookup (key);

      g_assert_true (nm_reference_key_is_known (key));
      g_assert_false (g_hash_table_contains (seen, key));
      g_hash_table_add (seen, (gpointer) key);
      g_assert_nonnull (citation);
      g_assert_cmpuint (strlen (citation), >, 8);
      /* one key's part of a shared line: no other key's citation in it */
      g_assert_null (strstr (citation, "; CAS "));
      g_assert_null (strstr (citation, "; MSI "));
    }
}

/* Keys that share a line of the list each get their own part of it. */
static void
test_shared_lines (void)
{
  g_assert_cmpstr (nm_reference_lookup ("HAR"), ==,
                   "Harris AG, Naidoo C, Murrell DF. Skin needling for acne scarring: review. "
                   "Int J Womens Dermatol 2015;1:77");
  g_assert_cmpstr (nm_reference_lookup ("CAS"), ==,
                   "Cassiano DP et al., MN + oral TXA RCT (tressless.com summary)");
  g_assert_true (g_str_has_prefix (nm_reference_lookup ("TXA"), "TXA microinjection"));
  g_assert_true (g_str_has_suffix (nm_reference_lookup ("TXA"), "(doi 10.54393/pjhs.v6i5.2533)"));
  g_assert_cmpstr (nm_reference_lookup ("MSI"), ==, "Majid I et al. Indian J Dermatol 2016");
  g_assert_true (g_str_has_suffix (nm_reference_lookup ("MASI"), "“Interpretability of the mMASI”")
                 || g_str_has_suffix (nm_reference_lookup ("MASI"), "\"Interpretability of the mMASI\""));
  g_assert_cmpstr (nm_reference_lookup ("ESM"), ==, nm_reference_lookup ("CLN"));
  g_assert_cmpstr (nm_reference_lookup ("GRA"), ==,
                   "\"Adverse reactions with microneedle therapy\" (facial granulomas), "
                   "JAMA Dermatol 2014 (tighti.best copy)");
  g_assert_cmpstr (nm_reference_lookup ("CHU"), ==,
                   "Chu S et al. Safety profile for microneedling. Dermatol Surg 2021;47:1249");
  g_assert_true (g_str_has_prefix (nm_reference_lookup ("VIT"), "Microneedling in vitiligo"));
  g_assert_cmpstr (nm_reference_lookup ("NCT2"), ==, "NCT02154503 (trials.co)");
  g_assert_true (g_str_has_prefix (nm_reference_lookup ("DRM"), "drmorgancosmeticsurgery.com"));
  g_assert_null (nm_reference_lookup ("JAMA"));
  g_assert_null (nm_reference_lookup ("har"));
  g_assert_null (nm_reference_lookup (""));
  g_assert_null (nm_reference_lookup (NULL));
}

static void
test_collect (void)
{
  const char * const texts[] = {
    "Rolling acne scars, severity 3 of 4: the indication's 1.0–2.0 mm (JUV, DP, NCT1), placed at 1.25–1.75 mm.",
    "Not needled: eyelids lie inside the orbital rim (SP1, CHO, MEN).",
    "Defer: 2 weeks at the least (SISU; BDS, ESM).",
    "Photosensitising medicines (e.g. doxycycline, retinoids): ask first (BYP, NTL).",
    "Capitals outside brackets are not citations: PIH, TCA CROSS, HAR.",
    "An unknown key in brackets is passed over (XYZ, JUV) and so is an open one (HAR",
    NULL
  };
  g_auto(GStrv) keys = nm_references_collect (texts);
  const char * const expected[] = {
    "BDS", "BYP", "CHO", "DP", "ESM", "JUV", "MEN", "NCT1", "NTL", "SISU", "SP1", NULL
  };
  g_autofree char *got = g_strjoinv (" ", keys);
  g_autofree char *want = g_strjoinv (" ", (char **) expected);

  g_assert_cmpstr (got, ==, want);

  {
    g_autoptr(GHashTable) set = g_hash_table_new (g_str_hash, g_str_equal);
    g_auto(GStrv) sorted = NULL;

    nm_references_scan_list (set, "DQ, MON, FEE");
    nm_references_scan_list (set, "MON");
    nm_references_scan (set, NULL);
    sorted = nm_references_sorted (set);
    g_assert_cmpuint (g_strv_length (sorted), ==, 3);
    g_assert_cmpstr (sorted[0], ==, "DQ");
    g_assert_cmpstr (sorted[1], ==, "FEE");
    g_assert_cmpstr (sorted[2], ==, "MON");
  }
}

/* Every key has a short name for a line with no room for the citation,
 * taken from the citation: its first author or its site, and its year
 * where it gives one. */
static void
test_short_names (void)
{
  for (guint i = 0; i < nm_references_get_n (); i++)
    {
      const char *key = nm_references_get_key (i);
      const char *name = nm_reference_short_name (key);
      const char *citation = nm_reference_lookup (key);
      g_autofree char *folded = g_ascii_strdown (citation, -1);
      g_auto(GStrv) words = NULL;

      g_assert_nonnull (name);
      g_assert_cmpuint (strlen (name), >, 2);
      g_assert_cmpuint (strlen (name), <=, 28);
      g_assert_cmpstr (name, !=, key);
      /* every word of the name is the citation's (no invented data) */
      words = g_strsplit_set (name, " ,", -1);
      for (guint w = 0; words[w] != NULL; w++)
        if (words[w][0] != '\0' && strstr (citation, words[w]) == NULL &&
            strstr (folded, words[w]) == NULL)
          g_error ("%s: “%s” is not in “%s”", key, words[w], citation);
    }
  g_assert_cmpstr (nm_reference_short_name ("K1"), ==, "Kalluri 2011");
  g_assert_cmpstr (nm_reference_short_name ("AUS"), ==, "Aust 2008");
  g_assert_cmpstr (nm_reference_short_name ("GR"), ==, "glow-refinery.com");
  g_assert_cmpstr (nm_reference_short_name ("CAS"), ==, "Cassiano");
  g_assert_nonnull (nm_reference_short_name ("CLINIC"));
  g_assert_null (nm_reference_short_name ("JAMA"));
  g_assert_null (nm_reference_short_name (NULL));

  {
    g_autofree char *two = nm_references_short_names ("MEN, CHO");
    g_autofree char *shared = nm_references_short_names ("RSQ, RSF; XYZ");
    g_autofree char *none = nm_references_short_names ("XYZ");

    g_assert_cmpstr (two, ==, "Meng 2022, Chopra 2015");
    g_assert_cmpstr (shared, ==, "realself.com");
    g_assert_cmpstr (none, ==, "");
  }
}

static char *
cite_test (const char * const *keys,
           gpointer            user_data)
{
  g_autofree char *joined = g_strjoinv ("+", (char **) keys);

  if (g_strv_contains (keys, "DROP"))
    return g_strdup ("");
  return g_strdup_printf ("<%s>", joined);
}

/* Citations in brackets are rewritten; other brackets are left alone. */
static void
test_rewrite (void)
{
  static const struct
  {
    const char *text;
    const char *expected;
  } cases[] = {
    { "the indication's 1.0–2.0 mm (JUV, DP, NCT1), placed", "the indication's 1.0–2.0 mm <JUV+DP+NCT1>, placed" },
    { "the orbital rim (SP1; CHO, MEN).", "the orbital rim <SP1+CHO+MEN>." },
    { "dermis (0.80–1.06 mm, MEN) is thinner", "dermis (0.80–1.06 mm, <MEN>) is thinner" },
    { "Photosensitising medicines (e.g. doxycycline): ask (BYP)", "Photosensitising medicines (e.g. doxycycline): ask <BYP>" },
    { "Left cheek (Left cheek, Chin) and (plan.device)", "Left cheek (Left cheek, Chin) and (plan.device)" },
    { "Capitals outside brackets: PIH, HAR.", "Capitals outside brackets: PIH, HAR." },
    { "nested (a (HAR) b) and open (HAR", "nested (a <HAR> b) and open (HAR" },
    { "set by the clinic (CLINIC).", "set by the clinic <CLINIC>." },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = nm_references_rewrite (cases[i].text, cite_test, NULL);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
  {
    g_autofree char *null = nm_references_rewrite (NULL, cite_test, NULL);

    g_assert_cmpstr (null, ==, "");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/references/table", test_table);
  g_test_add_func ("/outputs/references/shared-lines", test_shared_lines);
  g_test_add_func ("/outputs/references/collect", test_collect);
  g_test_add_func ("/outputs/references/short-names", test_short_names);
  g_test_add_func ("/outputs/references/rewrite", test_rewrite);

  return g_test_run ();
}
