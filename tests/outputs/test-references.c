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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/references/table", test_table);
  g_test_add_func ("/outputs/references/shared-lines", test_shared_lines);
  g_test_add_func ("/outputs/references/collect", test_collect);

  return g_test_run ();
}
