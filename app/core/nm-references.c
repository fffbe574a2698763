/* nm-references.c: the sources behind the plan, spelled out
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

#define G_LOG_DOMAIN "nm-references"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nm-references.h"

/* Transcribed from the References list at the end of clinical/REFERENCE.md
 * (and the three added under its §6a), in that order. Where one line of
 * the list holds several keys, each key has its own part of the line; two
 * keys of one entry ("ESM/CLN") share it. Citations are bibliographic
 * data and are not translated. */
static const struct
{
  const char *key;
  const char *citation;
  const char *short_name;    /* first author and year, or the site's name */
} references[] = {
  { "K1", "Kalluri H et al. Characterization of microchannels created by metal microneedles. "
          "AAPS J 2011;13:473 — pmc.ncbi.nlm.nih.gov/articles/PMC3160154", "Kalluri 2011" },
  { "SP1", "SkinPen Precision contraindications/precautions as quoted at "
           "theeliteclinic.com/copy-of-alumier-peel; device range per FDA De Novo as "
           "summarized at pinovaaesthetics.com/blogs/news/skinpen-needle-depth-and-protocol",
           "SkinPen Precision" },
  { "SP2", "FDA DEN160029 and K202243 summaries — 510k.innolitics.com/search/DEN160029 ; "
           "/K202243", "FDA DEN160029" },
  { "SPI", "skinpeninternational.com/skinpen-indications/", "skinpeninternational.com" },
  { "NCT1", "NCT02646917 SkinPen acne scars — clinicaltrials.gov/show/NCT02646917", "NCT02646917" },
  { "NCT2", "NCT02154503 (trials.co)", "NCT02154503" },
  { "DP", "Dr. Pen depth chart — drpen.net/blogs/how-it-works/needle-depth-guide",
          "Dr. Pen depth chart" },
  { "DK4", "Dermapen 4 manual §10 — esmanual.top/manual/431836/Dermapen-4.html?page=23",
           "Dermapen 4 manual" },
  { "GR", "glow-refinery.com/blogs/microneedling-resources/microneedling-depth-guide-for-different-areas-of-your-face",
          "glow-refinery.com" },
  { "MBA", "microneedlingbeforeafter.com/es/blog", "microneedlingbeforeafter.com" },
  { "FH", "findhealthclinics.com/US/Searcy/132226440223922/Aesthetic-Solutions-Searcy",
          "findhealthclinics.com" },
  { "LOW", "low-authority charts: e1515.com.tw/post/length-micro-needling-depth-chart ; "
           "ssuc.ca/contentai/length-micro-needling-depth-chart ; "
           "glownetics.com/fade-hyperpigmentation-microneedling-serums ; "
           "purehnb.com/hyperpigmentation-after-microneedling ; "
           "necolebitchie.com/how-deep-microneedling-for-wrinkles ; "
           "trendsmask.com/microneedling-how-often-160038.html", "low-authority charts" },
  { "JUV", "juvenology.co.uk/post/microneedling-acne-scars", "juvenology.co.uk" },
  { "ALQ", "Alqam M et al. Microneedling device for wrinkles on the neck. Aesthet Surg J "
           "2022 (PMC9472661; NCT03803059)", "Alqam 2022" },
  { "HAR", "Harris AG, Naidoo C, Murrell DF. Skin needling for acne scarring: review. Int J "
           "Womens Dermatol 2015;1:77", "Harris 2015" },
  { "DOG", "Dogra S et al. Microneedling for acne scars in Asian skin type. J Cosmet "
           "Dermatol 2014 (read.qxmd.com/read/25196684)", "Dogra 2014" },
  { "TIR", "Tirmizi SS et al. Cureus 2021;13:e12578", "Tirmizi 2021" },
  { "SPL", "Litchman G et al. Microneedling. StatPearls — statpearls.com/sp/ms/38285",
           "Litchman, StatPearls" },
  { "JUH", "Juhasz MLW, Cohen JL. Microneedling for scars. CCID 2020;13:997 (PMC7764156)",
           "Juhasz 2020" },
  { "NAS", "Needling for non-atrophic scars review (PMC6880027)", "PMC6880027" },
  { "BUR", "\"The Value of Medical Needling in Burn Scars\", Handbook of Burns Vol 2, "
           "Springer (doi 10.1007/978-3-030-34511-2_11)", "Handbook of Burns" },
  { "SVE", "Svenning & Drejøe, J Med Case Rep Rev 2019;2:6", "Svenning 2019" },
  { "ANZ", "anzbaasm.com/8445", "anzbaasm.com" },
  { "STA1", "Microneedling vs non-ablative fractional laser for striae alba. Am J Clin "
            "Dermatol 2019 (doi 10.1007/s40257-018-0415-0)", "Am J Clin Dermatol 2019" },
  { "STA2", "Arch Dermatol Res 2023 (doi 10.1007/s00403-023-02601-w)", "Arch Dermatol Res 2023" },
  { "ALS", "Alster TS, Li MK. Dermatol Surg 2020;46:459", "Alster 2020" },
  { "LIM", "Lima EVA et al. Microneedling adjuvant for facial melasma. BMC Dermatol "
           "2017;17:14", "Lima 2017" },
  { "TXA", "TXA microinjection vs mesoneedling split-face RCT (discovery.researcher.life); "
           "Fatima A et al. Pak J Health Sci 2025 (doi 10.54393/pjhs.v6i5.2533)", "Fatima 2025" },
  { "CAS", "Cassiano DP et al., MN + oral TXA RCT (tressless.com summary)", "Cassiano" },
  { "PAH", "Skin microneedling for pigmented acne scars in dark skin, J Cosmet Dermatol "
           "(revivetrainings.com summary)", "revivetrainings.com" },
  { "DHU", "Dhurat R et al. Int J Trichology 2013;5:6 (PMC3746236)", "Dhurat 2013" },
  { "KUM", "Kumar MK et al. J Cutan Aesthet Surg 2019", "Kumar 2019" },
  { "FAG", "Faghihi G et al. J Cosmet Dermatol 2021;20:1241", "Faghihi 2021" },
  { "ENG", "English RS et al. Dermatol Ther 2022;12:41 (PMC8776974)", "English 2022" },
  { "AUS", "Aust MC et al. Percutaneous collagen induction therapy. Plast Reconstr Surg "
           "2008;121:1421", "Aust 2008" },
  { "ABL", "Ablon G. J Clin Aesthet Dermatol 2018;11(8):29 (PMC6122507)", "Ablon 2018" },
  { "ELD", "El-Domyati M et al. Int J Dermatol 2015 (medicalxpress.com summary)",
           "El-Domyati 2015" },
  { "FAR", "Farber et al. Plast Aesthet Res 2020;7:72", "Farber 2020" },
  { "JAC", "Jacob CI, Dover JS, Kaminer MS. JAAD 2001;45:109", "Jacob 2001" },
  { "FAB", "Fabbrocini G et al. Dermatol Res Pract 2010 "
           "(hindawi.com/journals/drp/2010/893080/tab1)", "Fabbrocini 2010" },
  { "GBQ1", "Goodman GJ, Baron JA. Qualitative global scarring grading system. Dermatol Surg "
            "2006 (PMID 17199653)", "Goodman 2006, qualitative" },
  { "GBQ2", "Goodman GJ, Baron JA. Quantitative system. J Cosmet Dermatol 2006;5:48 (doi "
            "10.1111/j.1473-2165.2006.00222.x)", "Goodman 2006, quantitative" },
  { "GEA", "geantsage.pixnet.net/blog/category/3221558", "geantsage.pixnet.net" },
  { "DRO", "droracle.ai/articles/821269", "droracle.ai" },
  { "SOZ", "sozoclinic.sg/acne-scars/goodman-and-baron-quantitative-grading-system/",
           "sozoclinic.sg" },
  { "CLA", "Clark AK et al. Acne scars: how do we grade them? Am J Clin Dermatol 2018;19:139",
           "Clark 2018" },
  { "MASI", "medicalalgorithms.com (Kimbrough-Green 1994); "
            "altmeyers.org/de/dermatologie/melasma-assessment-severity-index-16838; Pandya "
            "AG et al. JAAD 2011;64:78; JAMA Dermatol 2016 research letter "
            "\"Interpretability of the mMASI\"", "Pandya 2011" },
  { "MSI", "Majid I et al. Indian J Dermatol 2016", "Majid 2016" },
  { "CHU", "Chu S et al. Safety profile for microneedling. Dermatol Surg 2021;47:1249",
           "Chu 2021" },
  { "COH", "Cohen BE, Elbuluk N. Microneedling in skin of color. JAAD 2016;74:348", "Cohen 2016" },
  { "SOC", "plasticsurgerykey.com/applications-and-safety-in-skin-of-color",
           "plasticsurgerykey.com" },
  { "ASDS", "Waldman A et al. ASDS isotretinoin consensus. Dermatol Surg 2017;43:1249 (+ "
            "the-hospitalist.org summary)", "Waldman 2017" },
  { "JDD", "jddonline.com microneedling for acne scars (2024)", "jddonline.com 2024" },
  { "GRA", "\"Adverse reactions with microneedle therapy\" (facial granulomas), JAMA "
           "Dermatol 2014 (tighti.best copy)", "JAMA Dermatol 2014" },
  { "NIC", "\"Microneedling in the nickel-allergic patient\" (discovery.researcher.life)",
           "discovery.researcher.life" },
  { "BDS", "balancedayspa.com/pages/microneedling-contraindications", "balancedayspa.com" },
  { "SISU", "sisubeautyclinic.com/blogs/microneedling/microneedling-contraindications",
            "sisubeautyclinic.com" },
  { "BTB", "beautyandthebroworlando.com/before-your-microneedling-appointment/",
           "beautyandthebroworlando.com" },
  { "ESM", "esthetikmtl.com/en/consultation-microneedling", "esthetikmtl.com" },
  { "CLN", "esthetikmtl.com/en/consultation-microneedling", "esthetikmtl.com" },
  { "KIC", "kichi.studio/pages/microneedling-suitability", "kichi.studio" },
  { "PUR", "purelyboutique.com/microneedling-treatment-holliston/", "purelyboutique.com" },
  { "DRM", "drmorgancosmeticsurgery.com (cold sores)", "drmorgancosmeticsurgery.com" },
  { "MON", "monarchbrowandfacials.com/blog//microneedling-aftercare-instructions",
           "monarchbrowandfacials.com" },
  { "FEE", "fifthelementesthetics.com/pages/microneedling-aftercare", "fifthelementesthetics.com" },
  { "DPS", "drpenskincare.com/blog/what-are-the-post-care-instructions-for-microneedling",
           "drpenskincare.com" },
  { "DQ", "dermatiquelaserandskin.com/skinpen-pre-post-care-instructions/",
          "dermatiquelaserandskin.com" },
  { "RSF", "realself.com/microneedling-rf", "realself.com" },
  { "RSP", "realself.com/nonsurgical/skinpen", "realself.com" },
  { "AMI", "amieamed.com/dermatology-treatments/microneedling/pci/", "amieamed.com" },
  { "AGB", "agbeautysalon.wordpress.com (2019/09/10)", "agbeautysalon.wordpress.com" },
  { "MAD", "masteraestheticsdirect.com/lessons/wound-healing-response-and-microneedling/",
           "masteraestheticsdirect.com" },
  { "HP101", "healthproblems101.com", "healthproblems101.com" },
  { "PLK", "plasticna-kirurgija.si/en/non-surgical/microneedling/", "plasticna-kirurgija.si" },
  { "SWM", "swmphs.com/how-often-can-you-get-microneedling-treatments/", "swmphs.com" },
  { "RSQ", "realself.com/question/long-the-effects-micro-needling-last-maintenance-required",
           "realself.com" },
  { "SAN", "sanolaserbeauty.com", "sanolaserbeauty.com" },
  { "CHO", "Chopra K et al. Aesthet Surg J 2015;35:1007", "Chopra 2015" },
  { "MEN", "Meng Y et al. BMC Med Imaging 2022;22:113 (PMC9205051, Table 2)", "Meng 2022" },
  { "SEL", "selcukmedj.org (six face regions)", "selcukmedj.org" },
  { "US50", "50 MHz facial skin study (discovery.researcher.life)", "50 MHz facial skin study" },
  { "USD", "Dermatol Surg 2018 high-resolution ultrasound face/neck "
           "(insights.ovid.com/dersu/201806000/00042728-201806000-00014)", "Dermatol Surg 2018" },
  { "OLT", "Oltulu P et al. Turk J Plast Surg 2018;26:56", "Oltulu 2018" },
  { "LAU", "Laurent A et al. Vaccine 2007;25:6423", "Laurent 2007" },
  { "VMU", "Van Mulder TJS et al. (researchportal.be/nl/node/2450488)", "Van Mulder" },
  { "XU", "Xu H et al. JAAD 2017;77:1133 (PMC5685878)", "Xu 2017" },
  { "CLA2", "realself.com/article/microneedling-aesthetic-studio-claytor-plastic-surgery1",
            "realself.com" },
  { "VIT", "Microneedling in vitiligo: a systematic review. Dermatol Ther 2020;33:e14297 "
           "(PMID 32940387)", "Dermatol Ther 2020" },
  { "BYP", "bypia.com FAQ “Is there anyone who needs to be extra cautious when it comes to "
           "microneedling”", "bypia.com" },
  { "NTL", "nadiatamaralee.com “What to know before a microneedling treatment”",
           "nadiatamaralee.com" },
};

/* Keys that are not publications but may stand in a plan's brackets like
 * one: CLINIC, a rule from the clinic's own protocol file. They are
 * explained on the Sources page in the reader's language. ("plan.device",
 * the consultation's own device, cites the consultation itself and is not
 * a source to list.) */
static const struct
{
  const char *key;
  const char *explanation;   /* untranslated msgid */
  const char *short_name;    /* untranslated msgid */
} notes[] = {
  { "CLINIC", N_("The clinic’s own protocol file: a rule the clinic sets for its practice, in place of "
                 "the built-in one."),
    /* Translators: a source named in short, like "Chu 2021": a rule of
     * the clinic's own protocol file */
    N_("Clinic protocol") },
};

/**
 * nm_references_get_n:
 *
 * Returns: the number of reference keys
 */
guint
nm_references_get_n (void)
{
  return G_N_ELEMENTS (references);
}

/**
 * nm_references_get_key:
 * @index: from 0 to nm_references_get_n() - 1
 *
 * Returns: the key at @index, in the order of the reference list
 */
const char *
nm_references_get_key (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (references), NULL);
  return references[index].key;
}

/**
 * nm_reference_lookup:
 * @key: (nullable): a reference key such as "HAR"
 *
 * Returns: (nullable): the citation of @key (for CLINIC, which is no
 *   publication, what it stands for, translated), or %NULL for an unknown key
 */
const char *
nm_reference_lookup (const char *key)
{
  if (key == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    if (strcmp (references[i].key, key) == 0)
      return references[i].citation;
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    if (strcmp (notes[i].key, key) == 0)
      return g_dgettext (GETTEXT_PACKAGE, notes[i].explanation);
  return NULL;
}

/**
 * nm_reference_short_name:
 * @key: (nullable): a reference key such as "HAR"
 *
 * Returns: (nullable): @key named in short, for a line with no room for
 *   the citation: the first author and the year ("Harris 2015"), the
 *   author alone where the citation has no year, or the site's name
 *   ("juvenology.co.uk"); %NULL for an unknown key
 */
const char *
nm_reference_short_name (const char *key)
{
  if (key == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    if (strcmp (references[i].key, key) == 0)
      return references[i].short_name;
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    if (strcmp (notes[i].key, key) == 0)
      return g_dgettext (GETTEXT_PACKAGE, notes[i].short_name);
  return NULL;
}

/* The table's own string for @key (a reference or a note), or NULL. */
static const char *
static_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    if (strcmp (references[i].key, key) == 0)
      return references[i].key;
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    if (strcmp (notes[i].key, key) == 0)
      return notes[i].key;
  return NULL;
}

/* Adds each known key of [start, end), a list separated by commas or
 * semicolons, to @keys. Anything that is not a key ("e.g. doxycycline")
 * is passed over. */
static void
scan_list (GHashTable *keys,
           const char *start,
           const char *end)
{
  const char *p = start;

  while (p < end)
    {
      const char *item_end = p;
      g_autofree char *item = NULL;

      while (item_end < end && *item_end != ',' && *item_end != ';')
        item_end++;
      item = g_strstrip (g_strndup (p, (gsize) (item_end - p)));
      /* the table's own string, so the set needs no copies */
      if (static_key (item) != NULL)
        g_hash_table_add (keys, (gpointer) static_key (item));
      p = item_end + 1;
    }
}

/**
 * nm_references_scan:
 * @keys: a set of keys (a #GHashTable of strings, g_str_hash)
 * @text: (nullable): a text that cites its sources in brackets
 *
 * Adds to @keys every known key that @text cites in round brackets,
 * "(JUV, DP)" or "(SP1; CHO, MEN)". The keys added are the table's own
 * strings and live as long as the program.
 */
void
nm_references_scan (GHashTable *keys,
                    const char *text)
{
  const char *open;

  g_return_if_fail (keys != NULL);

  for (open = text != NULL ? strchr (text, '(') : NULL; open != NULL; open = strchr (open + 1, '('))
    {
      const char *close = strchr (open + 1, ')');
      const char *nested = strchr (open + 1, '(');

      if (close == NULL)
        break;
      if (nested != NULL && nested < close)
        continue;
      scan_list (keys, open + 1, close);
    }
}

/**
 * nm_references_scan_list:
 * @keys: a set of keys
 * @list: (nullable): keys separated by commas, "DQ, MON"
 *
 * Adds every known key of @list to @keys.
 */
void
nm_references_scan_list (GHashTable *keys,
                         const char *list)
{
  g_return_if_fail (keys != NULL);

  if (list != NULL)
    scan_list (keys, list, list + strlen (list));
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * nm_references_sorted:
 * @keys: a set of keys
 *
 * Returns: (transfer full): the keys of @keys in alphabetical order,
 *   %NULL-terminated
 */
char **
nm_references_sorted (GHashTable *keys)
{
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (keys != NULL, NULL);

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (out, g_strdup (key));
  g_ptr_array_sort (out, compare_keys);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/**
 * nm_references_collect:
 * @texts: (array zero-terminated=1): texts citing their sources in brackets
 *
 * Returns: (transfer full): the known keys that @texts cite, without
 *   repeats, in alphabetical order, %NULL-terminated
 */
char **
nm_references_collect (const char * const *texts)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; texts != NULL && texts[i] != NULL; i++)
    nm_references_scan (keys, texts[i]);
  return nm_references_sorted (keys);
}

/**
 * nm_references_short_names:
 * @list: (nullable): keys separated by commas, "MEN, CHO"
 *
 * Returns: (transfer full): the known keys of @list named in short and
 *   joined, "Meng 2022, Chopra 2015"; a name two keys share (two pages of
 *   one site) is given once; "" when @list names no known key
 */
char *
nm_references_short_names (const char *list)
{
  g_auto(GStrv) items = g_strsplit_set (list != NULL ? list : "", ",;", -1);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *name = nm_reference_short_name (g_strstrip (items[i]));

      if (name != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_add (names, NULL);
  /* Translators: joins sources named in short, "Meng 2022, Chopra 2015" */
  return g_strjoinv (_(", "), (char **) names->pdata);
}

/* Appends the bracketed group [open, close] of @text to @out, its keys
 * cited by @cite: the whole group when it holds nothing but keys, else
 * each key in its place. */
static void
rewrite_group (GString              *out,
               const char           *open,
               const char           *close,
               NmReferencesCiteFunc  cite,
               gpointer              user_data)
{
  g_autofree char *inside = g_strndup (open + 1, (gsize) (close - open - 1));
  g_auto(GStrv) items = g_strsplit_set (inside, ",;", -1);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  guint n_items = 0;
  const char *p;

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *key = static_key (g_strstrip (items[i]));

      n_items += items[i][0] != '\0';
      if (key != NULL)
        g_ptr_array_add (keys, (gpointer) key);
    }

  if (keys->len == 0)
    {
      g_string_append_len (out, open, close - open + 1);
      return;
    }
  if (keys->len == n_items)
    {
      g_autofree char *cited = NULL;

      g_ptr_array_add (keys, NULL);
      cited = cite ((const char * const *) keys->pdata, user_data);
      /* nothing to cite: the space before the brackets goes with them */
      if (cited == NULL || cited[0] == '\0')
        {
          if (out->len > 0 && out->str[out->len - 1] == ' ')
            g_string_truncate (out, out->len - 1);
        }
      else
        g_string_append (out, cited);
      return;
    }

  /* a key among other words, "(0.80–1.06 mm, MEN)": the key alone */
  g_string_append_c (out, '(');
  p = open + 1;
  while (p < close)
    {
      const char *end = p;
      const char *start, *stop;
      g_autofree char *item = NULL;
      const char *key;

      while (end < close && *end != ',' && *end != ';')
        end++;
      start = p;
      stop = end;
      while (start < stop && g_ascii_isspace (*start))
        start++;
      while (stop > start && g_ascii_isspace (stop[-1]))
        stop--;
      item = g_strndup (start, (gsize) (stop - start));
      key = static_key (item);
      g_string_append_len (out, p, start - p);
      if (key != NULL)
        {
          const char *one[] = { key, NULL };
          g_autofree char *cited = cite (one, user_data);

          g_string_append (out, cited != NULL ? cited : "");
        }
      else
        g_string_append (out, item);
      g_string_append_len (out, stop, end - stop);
      if (end < close)
        g_string_append_c (out, *end);
      p = end + 1;
    }
  g_string_append_c (out, ')');
}

/**
 * nm_references_rewrite:
 * @text: (nullable): a text that cites its sources in brackets, "(JUV, DP)"
 * @cite: makes the text that stands for some keys
 * @user_data: for @cite
 *
 * Rewrites the citations of @text for a reader who does not know the
 * keys: a group of keys in brackets, "(JUV, DP)", becomes what @cite
 * makes of them (e.g. "[3, 7]"; nothing drops the group and the space
 * before it); a key among other words in brackets, "(0.80–1.06 mm, MEN)",
 * becomes what @cite makes of it alone. Brackets that hold no key are
 * left as they are.
 *
 * Returns: (transfer full): the rewritten text ("" for %NULL)
 */
char *
nm_references_rewrite (const char           *text,
                       NmReferencesCiteFunc  cite,
                       gpointer              user_data)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  g_return_val_if_fail (cite != NULL, g_string_free (out, FALSE));

  while (p != NULL && *p != '\0')
    {
      const char *open = strchr (p, '(');
      const char *close = open != NULL ? strchr (open + 1, ')') : NULL;
      const char *nested = open != NULL ? strchr (open + 1, '(') : NULL;

      if (close == NULL)
        {
          g_string_append (out, p);
          break;
        }
      if (nested != NULL && nested < close)
        {
          g_string_append_len (out, p, nested - p);
          p = nested;
          continue;
        }
      g_string_append_len (out, p, open - p);
      rewrite_group (out, open, close, cite, user_data);
      p = close + 1;
    }
  return g_string_free (out, FALSE);
}
