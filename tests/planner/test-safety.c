/* test-safety.c
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json.h>

#include "nm-file.h"
#include "nm-planner.h"

/* The safety layer: spec/FORMAT.md §3.1 (safety rules every plan keeps) and
 * §3.2 (warning and blocking ids), and the examples of issue 11.
 *
 *   /safety/rule/…      one case for every rule of §3.1 and id of §3.2
 *   /safety/issue-11/…  the examples of issue 11 that are planner behaviour
 *   /safety/clinic/…    clinic protocol files: refused past a ceiling,
 *                       loosened values warned, stricter ones silent
 *   /safety/property/…  generated consultations and generated clinic files
 *
 * The spec's numbers (ceilings, the twelve absolute items, the face and
 * perioral regions, the age, the wait) are written out again below from the
 * spec itself rather than taken from nm-safety.c, so that a mistake there
 * cannot hide here.
 *
 * Every case, whatever else it checks, also goes through check_spec(): the
 * §3.1 invariants and the §3.2 conditions that can be computed from the
 * inputs alone. The property tests run the same check over thousands of
 * generated consultations and clinic files; they use g_test_rand_int(), so
 * `--seed` reproduces a run, and each broken rule is reported once with its
 * first example (the consultation file, the clinic files and the plan).
 *
 * Cases whose `defect` says SPEC-DEFECT failed against the planner when
 * they were written. They say what the spec says; do not weaken them. */

#define EPS     1e-9
#define TODAY   "2026-12-01"
#define BORN    "1990-01-01"
#define NO_SKIN 9               /* Case.fitz: no skin type chosen yet */

/* Spec §3.1, §3.2 and §1.4 */

#define SPEC_MAX_MM          2.5
#define SPEC_PIGMENT_DARK_MM 1.0
#define SPEC_MACULAR_MM      0.5
#define SPEC_WAIT_DAYS       14
#define SPEC_ADULT_YEARS     18
#define SPEC_SKIN_WEEKS      3
#define SPEC_SCALP_WEEKS     1

/* Hair loss is needled on the scalp; every other finding on skin. */
static guint
spec_min_weeks_for_kind (const char *kind)
{
  return nm_vocab_kind_category (kind) == NM_CATEGORY_HAIR ? SPEC_SCALP_WEEKS : SPEC_SKIN_WEEKS;
}

typedef struct
{
  const char *region;
  double      mm;
} SpecCeiling;

/* Eyelids never; periorbital ≤ 0.5 mm; forehead, glabella, temples, nose
 * and upper lip ≤ 1.0 mm; everything else the device and 2.5 mm. */
static const SpecCeiling spec_ceilings[] = {
  { "eyelid-left", 0.0 },
  { "eyelid-right", 0.0 },
  { "periorbital-left", 0.5 },
  { "periorbital-right", 0.5 },
  { "forehead", 1.0 },
  { "glabella", 1.0 },
  { "temple-left", 1.0 },
  { "temple-right", 1.0 },
  { "nose", 1.0 },
  { "upper-lip", 1.0 },
};

static const char * const spec_absolute[] = {
  "active-infection", "open-wounds", "skin-cancer", "bleeding-disorder", "isotretinoin",
  "pregnancy", "keloid-tendency", "radiotherapy", "metal-allergy", "uncontrolled-diabetes",
  "immunosuppression", "autoimmune-skin-disease", NULL
};

static const char * const spec_relative[] = {
  "anticoagulants", "herpes-history", "active-acne", "rosacea", "eczema-psoriasis",
  "recent-procedure", "sunburn", "vitiligo", "photosensitising-drugs", "tattoo-in-area",
  "pigmented-lesions-in-area", "pih-history", NULL
};

/* The face, for `active-acne` (the regions of §1.2 from the forehead to the
 * jawline), and where cold sores come back (`herpes-*`: the upper lip, the
 * chin and the cheeks). */
static const char * const spec_face[] = {
  "forehead", "glabella", "temple-left", "temple-right", "periorbital-left",
  "periorbital-right", "eyelid-left", "eyelid-right", "nose", "cheek-left",
  "cheek-right", "upper-lip", "chin", "jawline-left", "jawline-right", NULL
};

static const char * const spec_perioral[] = {
  "upper-lip", "chin", "cheek-left", "cheek-right", NULL
};

static double
spec_ceiling (const char *region)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (spec_ceilings); i++)
    if (g_str_equal (spec_ceilings[i].region, region))
      return spec_ceilings[i].mm;
  return SPEC_MAX_MM;
}

static gboolean
spec_is_absolute (const char *item)
{
  return g_strv_contains (spec_absolute, item);
}

static gboolean
is_scalp (const char *region)
{
  return g_str_has_prefix (region, "scalp-");
}

static gboolean
is_acne_scar (const char *kind)
{
  return g_str_has_prefix (kind, "acne-scar-");
}

/* Dates */

static void
parse_date (const char *iso,
            GDate      *date)
{
  g_date_clear (date, 1);
  if (!nm_date_parse (iso, date))
    g_error ("not a date: %s", iso);
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date), (guint) g_date_get_day (date));
}

/* Whole years from @born to @on; a birthday counts on the day itself. */
static int
years_between (const GDate *born,
               const GDate *on)
{
  int years = (int) g_date_get_year (on) - (int) g_date_get_year (born);

  if (g_date_get_month (on) < g_date_get_month (born) ||
      (g_date_get_month (on) == g_date_get_month (born) &&
       g_date_get_day (on) < g_date_get_day (born)))
    years--;
  return years;
}

static double
parse_mm (const char *text)
{
  char *end = NULL;
  double mm = g_ascii_strtod (text, &end);

  if (end == text)
    g_error ("not a depth: %s", text);
  return mm;
}

/* Violations: each with a category; the first of each category keeps its
 * whole input, so that it can be reproduced. */

typedef struct
{
  GHashTable     *counts;      /* category -> GUINT_TO_POINTER (count) */
  GHashTable     *examples;    /* category -> char *, the first example */
  GString        *details;     /* every violation, one line each (capped) */
  guint           total;
  guint           n_details;
  /* the input at hand */
  NmConsultation *consultation;
  NmPlan         *plan;
  const char     *overlays;
  const GDate    *today;
} Tally;

static void
tally_init (Tally *t)
{
  memset (t, 0, sizeof *t);
  t->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->examples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t->details = g_string_new (NULL);
}

static void
tally_clear (Tally *t)
{
  g_hash_table_unref (t->counts);
  g_hash_table_unref (t->examples);
  g_string_free (t->details, TRUE);
}

static char *
describe_input (Tally *t)
{
  GString *text = g_string_new (NULL);

  if (t->today != NULL)
    {
      g_autofree char *today = format_date (t->today);
      g_string_append_printf (text, "today: %s\n", today);
    }
  if (t->overlays != NULL)
    g_string_append_printf (text, "clinic protocol files, laid over the built-in one in turn:\n%s\n", t->overlays);
  if (t->consultation != NULL)
    {
      g_autoptr(GBytes) bytes = nm_file_serialize (t->consultation);
      g_string_append_printf (text, "consultation:\n%.*s", (int) g_bytes_get_size (bytes),
                              (const char *) g_bytes_get_data (bytes, NULL));
    }
  if (t->plan != NULL)
    {
      g_autofree char *json = nm_plan_to_json (t->plan);
      g_string_append_printf (text, "plan:\n%s\n", json);
    }
  return g_string_free (text, FALSE);
}

static void violation (Tally      *t,
                       const char *category,
                       const char *format,
                       ...) G_GNUC_PRINTF (3, 4);

static void
violation (Tally      *t,
           const char *category,
           const char *format,
           ...)
{
  g_autofree char *detail = NULL;
  guint count;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  t->total++;
  count = GPOINTER_TO_UINT (g_hash_table_lookup (t->counts, category));
  g_hash_table_insert (t->counts, g_strdup (category), GUINT_TO_POINTER (count + 1));
  if (count == 0)
    {
      g_autofree char *input = describe_input (t);
      g_hash_table_insert (t->examples, g_strdup (category),
                           g_strdup_printf ("%s\n%s", detail, input));
    }
  if (t->n_details < 60)
    g_string_append_printf (t->details, "[%s] %s\n", category, detail);
  t->n_details++;
}

static void
message_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_test_message ("%s", lines[i]);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Property tests: each broken rule once, with its count and first example. */
static void
tally_report (Tally      *t,
              const char *what)
{
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  guint i;

  if (t->total == 0)
    return;

  g_hash_table_iter_init (&iter, t->counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (categories, key);
  g_ptr_array_sort (categories, compare_strings);

  for (i = 0; i < categories->len; i++)
    {
      const char *category = g_ptr_array_index (categories, i);
      g_autofree char *head = g_strdup_printf ("=== [%s] broken %u times in %s; the first:", category,
                                               GPOINTER_TO_UINT (g_hash_table_lookup (t->counts, category)),
                                               what);

      message_lines (head);
      message_lines (g_hash_table_lookup (t->examples, category));
    }
  {
    g_autoptr(GString) summary = g_string_new (NULL);

    for (i = 0; i < categories->len; i++)
      g_string_append_printf (summary, "%s%s x%u", i > 0 ? ", " : "",
                              (const char *) g_ptr_array_index (categories, i),
                              GPOINTER_TO_UINT (g_hash_table_lookup (t->counts, g_ptr_array_index (categories, i))));
    g_test_fail_printf ("%s: %u violations of the spec: %s", what, t->total, summary->str);
  }
}

/* Plan lookups */

static guint
count_warnings (NmPlan     *plan,
                const char *id,
                const char *region)   /* NULL: any region */
{
  guint i, n = 0;

  for (i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *warning = nm_plan_get_warning (plan, i);

      if (g_str_equal (warning->id, id) && (region == NULL || g_strcmp0 (warning->region, region) == 0))
        n++;
    }
  return n;
}

static const NmPlanBlock *
find_block (NmPlan     *plan,
            const char *id)
{
  guint i;

  for (i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    if (g_str_equal (nm_plan_get_blocked_by (plan, i)->id, id))
      return nm_plan_get_blocked_by (plan, i);
  return NULL;
}

static guint
count_blocks (NmPlan     *plan,
              const char *id)
{
  guint i, n = 0;

  for (i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    if (g_str_equal (nm_plan_get_blocked_by (plan, i)->id, id))
      n++;
  return n;
}

static gboolean
region_has_finding_kind (NmConsultation *c,
                         const char     *region,
                         const char     *kind)
{
  guint i;

  for (i = 0; i < nm_consultation_get_n_findings (c); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (c, i);

      if (g_str_equal (nm_finding_get_region (finding), region) &&
          g_str_equal (nm_finding_get_kind (finding), kind))
        return TRUE;
    }
  return FALSE;
}

/* Goodman & Baron grade 1: every finding of this acne-scar kind in the
 * region is of severity 1. */
static gboolean
all_macular (NmConsultation *c,
             const char     *region,
             const char     *kind)
{
  gboolean any = FALSE;
  guint i;

  if (!is_acne_scar (kind))
    return FALSE;
  for (i = 0; i < nm_consultation_get_n_findings (c); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (c, i);

      if (!g_str_equal (nm_finding_get_region (finding), region) ||
          !g_str_equal (nm_finding_get_kind (finding), kind))
        continue;
      if (nm_finding_get_severity (finding) > 1)
        return FALSE;
      any = TRUE;
    }
  return any;
}

/* What the spec says the plan must be, from the inputs alone */

typedef struct
{
  gboolean   blocked;        /* an absolute item, a keloid, a minor alone */
  gboolean   keloid;         /* the item or a keloid finding */
  gboolean   birth_known;
  int        age;            /* on the first session's date */
  gboolean   minor;
  gboolean   guardian;
  gboolean   relative_yes;   /* a relative item is true */
  gboolean   wait;           /* sunburn or a recent procedure */
  gboolean   moved;          /* the first session moved for the wait */
  GDate      first;          /* the first session's date */
  GDate      wait_until;     /* today + 14 days */
  GPtrArray *unanswered;     /* item ids, spec order */
} Expect;

static void
compute_expect (NmConsultation *c,
                NmProtocol     *protocol,
                const GDate    *today,
                Expect         *e)
{
  const char *start = nm_consultation_get_start_date (c);
  const char *birth = nm_consultation_get_birth_date (c);
  const char *guardian = nm_consultation_get_guardian (c);
  guint i;

  memset (e, 0, sizeof *e);
  e->unanswered = g_ptr_array_new ();
  e->age = -1;

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      NmAnswer answer = nm_consultation_get_screening (c, id);
      gboolean absolute = spec_is_absolute (id) ||
                          nm_protocol_get_screening_class (protocol, id) == NM_SCREENING_ABSOLUTE;

      if (answer == NM_ANSWER_UNKNOWN)
        g_ptr_array_add (e->unanswered, (gpointer) id);
      else if (answer == NM_ANSWER_YES && absolute)
        e->blocked = TRUE;
      else if (answer == NM_ANSWER_YES)
        e->relative_yes = TRUE;
    }

  e->keloid = nm_consultation_get_screening (c, "keloid-tendency") == NM_ANSWER_YES;
  for (i = 0; i < nm_consultation_get_n_findings (c); i++)
    if (g_str_equal (nm_finding_get_kind (nm_consultation_get_finding (c, i)), "keloid"))
      e->keloid = TRUE;
  e->blocked = e->blocked || e->keloid;

  g_date_clear (&e->first, 1);
  if (start == NULL || !nm_date_parse (start, &e->first))
    e->first = *today;
  e->wait = nm_consultation_get_screening (c, "sunburn") == NM_ANSWER_YES ||
            nm_consultation_get_screening (c, "recent-procedure") == NM_ANSWER_YES;
  e->wait_until = *today;
  g_date_add_days (&e->wait_until, SPEC_WAIT_DAYS);
  if (e->wait && g_date_compare (&e->first, &e->wait_until) < 0)
    {
      e->first = e->wait_until;
      e->moved = TRUE;
    }

  e->guardian = guardian != NULL && *guardian != '\0';
  if (birth != NULL)
    {
      GDate born;

      parse_date (birth, &born);
      e->birth_known = TRUE;
      e->age = years_between (&born, &e->first);
      e->minor = e->age < SPEC_ADULT_YEARS;
      if (e->minor && !e->guardian)
        e->blocked = TRUE;
    }
}

static void
expect_clear (Expect *e)
{
  g_clear_pointer (&e->unanswered, g_ptr_array_unref);
}

static const char *
state_name (NmPlanState state)
{
  switch (state)
    {
    case NM_PLAN_STATE_READY: return "ready";
    case NM_PLAN_STATE_PRECAUTIONS: return "precautions";
    case NM_PLAN_STATE_SCREENING_INCOMPLETE: return "incomplete";
    case NM_PLAN_STATE_NO_SKIN_TYPE: return "noskin";
    case NM_PLAN_STATE_BLOCKED: return "blocked";
    default: return "?";
    }
}

/* The plan's JSON against its structs, and §3's shape */
static void
check_json (Tally  *t,
            NmPlan *plan)
{
  g_autofree char *json = nm_plan_to_json (plan);
  json_object *root = json_tokener_parse (json);
  json_object *regions = NULL, *value = NULL;
  size_t i, j;

  if (root == NULL)
    {
      violation (t, "json", "nm_plan_to_json() is not JSON");
      return;
    }

  if (!json_object_object_get_ex (root, "status", &value) ||
      g_strcmp0 (json_object_get_string (value), nm_plan_status_to_string (nm_plan_get_status (plan))) != 0)
    violation (t, "json", "\"status\" is not the plan's status");
  if (!json_object_object_get_ex (root, "blocked_by", &value) ||
      json_object_array_length (value) != nm_plan_get_n_blocked_by (plan))
    violation (t, "json", "\"blocked_by\" has not the plan's blocks");
  if (!json_object_object_get_ex (root, "warnings", &value) ||
      json_object_array_length (value) != nm_plan_get_n_warnings (plan))
    violation (t, "json", "\"warnings\" has not the plan's warnings");
  if (!json_object_object_get_ex (root, "series", &value) ||
      json_object_array_length (value) != nm_plan_get_n_series (plan))
    violation (t, "json", "\"series\" has not the plan's series");
  if (!json_object_object_get_ex (root, "regions", &regions) ||
      json_object_array_length (regions) != nm_plan_get_n_regions (plan))
    {
      violation (t, "json", "\"regions\" has not the plan's regions");
      json_object_put (root);
      return;
    }

  for (i = 0; i < json_object_array_length (regions); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, (guint) i);
      json_object *entry = json_object_array_get_idx (regions, i);
      json_object *depth = NULL, *fds = NULL, *findings = NULL;
      gboolean has_depth = json_object_object_get_ex (entry, "depth_mm", &depth);
      gboolean has_fds = json_object_object_get_ex (entry, "finding_depths", &fds);

      if (!json_object_object_get_ex (entry, "findings", &findings))
        {
          violation (t, "json", "regions[%zu] has no \"findings\"", i);
          continue;
        }
      if (!region->treat)
        {
          if (has_depth)
            violation (t, "json", "%s is not treated but has \"depth_mm\"", region->region);
          continue;
        }
      if (!has_depth)
        violation (t, "json", "%s is treated but has no \"depth_mm\"", region->region);
      if (!has_fds)
        {
          violation (t, "finding-depths", "%s is treated but its JSON has no \"finding_depths\"", region->region);
          continue;
        }
      if (json_object_array_length (fds) != json_object_array_length (findings))
        {
          violation (t, "finding-depths", "%s: %zu finding_depths for %zu findings in the JSON", region->region,
                     json_object_array_length (fds), json_object_array_length (findings));
          continue;
        }
      for (j = 0; j < json_object_array_length (fds); j++)
        {
          json_object *fd = json_object_array_get_idx (fds, j);
          json_object *kind = NULL;

          if (!json_object_object_get_ex (fd, "kind", &kind) ||
              g_strcmp0 (json_object_get_string (kind),
                         json_object_get_string (json_object_array_get_idx (findings, j))) != 0)
            violation (t, "finding-depths", "%s: finding_depths[%zu] is not findings[%zu] in the JSON",
                       region->region, j, j);
        }
    }

  json_object_put (root);
}

/* §3.1 and §3.2 for one plan, from its inputs */
static void
check_spec (Tally          *t,
            NmConsultation *c,
            NmProtocol     *protocol,
            NmPlan         *plan,
            const GDate    *today)
{
  const NmProtocolWarning *herpes_rule = nm_protocol_get_warning (protocol, "herpes-prophylaxis");
  const NmProtocolSkinRule *pih_rule = nm_protocol_get_skin_rule (protocol, NM_SKIN_RULE_PIH_WARNING);
  guint fitz = nm_consultation_get_fitzpatrick (c);
  gboolean dark = fitz >= 4 && fitz <= 6;
  gboolean blocked = nm_plan_get_n_blocked_by (plan) > 0;
  double plan_device = nm_plan_get_device_max_mm (plan);
  double protocol_device = nm_protocol_get_device_max_mm (protocol);
  double consultation_device = nm_consultation_get_device_max_mm (c);
  NmAnswer acne = nm_consultation_get_screening (c, "active-acne");
  NmAnswer herpes = nm_consultation_get_screening (c, "herpes-history");
  g_autoptr(GHashTable) logged = g_hash_table_new (g_str_hash, g_str_equal); /* region -> deepest logged */
  g_autofree double *logged_mm = g_new0 (double, nm_vocab_n_regions ());
  gboolean perioral_treated = FALSE, listed_treated = FALSE;
  guint n_treated = 0, in_series = 0;
  int previous = -1;
  Expect e;
  guint i, j;

  compute_expect (c, protocol, today, &e);

  /* Blocking (§3.1: the twelve absolute items, a keloid finding, a minor
   * without a guardian; a clinic may make relative items absolute) */
  if (blocked != e.blocked)
    violation (t, "blocked", "blocked_by has %u entries where the spec says %s",
               nm_plan_get_n_blocked_by (plan), e.blocked ? "blocked" : "not blocked");
  if (e.keloid)
    {
      const NmPlanBlock *block = find_block (plan, "keloid-tendency");

      if (block == NULL)
        violation (t, "keloid", "a keloid (finding or item) but no keloid-tendency in blocked_by");
      else if (!block->lifelong)
        violation (t, "keloid", "keloid-tendency is not marked lifelong");
      if (count_blocks (plan, "keloid-tendency") > 1)
        violation (t, "keloid", "keloid-tendency is in blocked_by %u times", count_blocks (plan, "keloid-tendency"));
    }
  if ((e.minor && !e.guardian) != (find_block (plan, "minor") != NULL))
    violation (t, "minor", "age %d, guardian %s: blocked_by %s minor", e.age, e.guardian ? "set" : "none",
               find_block (plan, "minor") != NULL ? "has" : "lacks");
  for (i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    {
      const char *id = nm_plan_get_blocked_by (plan, i)->id;
      gboolean explained;

      if (g_str_equal (id, "minor"))
        explained = e.minor && !e.guardian;
      else if (g_str_equal (id, "keloid-tendency"))
        explained = e.keloid;
      else
        explained = nm_vocab_screening_index (id) >= 0 &&
                    nm_consultation_get_screening (c, id) == NM_ANSWER_YES &&
                    (spec_is_absolute (id) ||
                     nm_protocol_get_screening_class (protocol, id) == NM_SCREENING_ABSOLUTE);
      if (!explained)
        violation (t, "blocked", "blocked_by has %s, which nothing in the consultation explains", id);
    }

  /* Regions: one for every region with a finding, in the spec's order */
  {
    guint expected = 0;

    for (i = 0; i < nm_vocab_n_regions (); i++)
      {
        const char *id = nm_vocab_region (i)->id;
        gboolean has = FALSE;

        for (j = 0; j < nm_consultation_get_n_findings (c) && !has; j++)
          has = g_str_equal (nm_finding_get_region (nm_consultation_get_finding (c, j)), id);
        if (has)
          {
            expected++;
            if (nm_plan_lookup_region (plan, id) == NULL)
              violation (t, "regions", "%s has findings but is not in the plan", id);
          }
      }
    if (expected != nm_plan_get_n_regions (plan))
      violation (t, "regions", "%u regions in the plan for %u regions with findings",
                 nm_plan_get_n_regions (plan), expected);
  }

  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      int at = nm_vocab_region_index (region->region);
      double ceiling = spec_ceiling (region->region);
      gboolean keloid_here = region_has_finding_kind (c, region->region, "keloid");
      guint n_kinds = 0;
      int previous_kind = -1;

      if (at <= previous)
        violation (t, "regions", "%s is out of the spec's order", region->region);
      previous = at;

      /* findings: the region's kinds, vocabulary order, no repeats */
      for (j = 0; region->findings != NULL && region->findings[j] != NULL; j++)
        {
          int k = nm_vocab_kind_index (region->findings[j]);

          if (k <= previous_kind || !region_has_finding_kind (c, region->region, region->findings[j]))
            violation (t, "regions", "%s: findings[%u] %s is not in order or not found there",
                       region->region, j, region->findings[j]);
          previous_kind = k;
          n_kinds++;
        }
      for (j = 0; j < nm_vocab_n_kinds (); j++)
        if (region_has_finding_kind (c, region->region, nm_vocab_kind (j)->id) &&
            !g_strv_contains ((const char * const *) region->findings, nm_vocab_kind (j)->id))
          violation (t, "regions", "%s: %s is missing from findings", region->region, nm_vocab_kind (j)->id);

      if (!region->treat)
        {
          if (region->series != -1)
            violation (t, "series", "%s is not treated but is in series %d", region->region, region->series);
          if (region->reasons == NULL || region->reasons[0] == NULL)
            violation (t, "regions", "%s is not treated and no reason says why", region->region);
          continue;
        }

      n_treated++;
      if (ceiling <= 0.0)
        violation (t, "eyelid", "%s is treated (%g-%g mm): eyelids are never needled",
                   region->region, region->min_mm, region->max_mm);
      if (keloid_here)
        violation (t, "keloid", "%s has a keloid and is treated", region->region);
      if (blocked || e.blocked)
        violation (t, "blocked-treats", "%s is treated in a plan that must be blocked", region->region);
      if (region->max_mm > ceiling + EPS)
        violation (t, "ceiling", "%s: %g mm above its %g mm ceiling", region->region, region->max_mm, ceiling);
      if (region->max_mm > SPEC_MAX_MM + EPS)
        violation (t, "ceiling-2.5", "%s: %g mm above 2.5 mm", region->region, region->max_mm);
      if (region->max_mm > plan_device + EPS || region->max_mm > protocol_device + EPS ||
          (consultation_device > 0.0 && region->max_mm > consultation_device + EPS))
        violation (t, "device", "%s: %g mm above the device (plan %g, protocol %g, consultation %g)",
                   region->region, region->max_mm, plan_device, protocol_device, consultation_device);
      if (!(region->min_mm > 0.0) || region->min_mm > region->max_mm + EPS)
        violation (t, "depth", "%s: depth %g-%g mm", region->region, region->min_mm, region->max_mm);

      /* finding_depths: one per finding kind, in the order of findings */
      if (region->n_finding_depths != n_kinds)
        violation (t, "finding-depths", "%s: %u finding_depths for %u findings",
                   region->region, region->n_finding_depths, n_kinds);
      for (j = 0; j < region->n_finding_depths && j < n_kinds; j++)
        {
          const NmPlanFindingDepth *fd = &region->finding_depths[j];

          if (g_strcmp0 (fd->kind, region->findings[j]) != 0)
            violation (t, "finding-depths", "%s: finding_depths[%u] is %s where findings[%u] is %s",
                       region->region, j, fd->kind, j, region->findings[j]);
          if (!fd->treat)
            continue;
          if (fd->max_mm > region->max_mm + EPS || fd->min_mm > fd->max_mm + EPS || !(fd->min_mm > 0.0))
            violation (t, "finding-over-region", "%s: %s at %g-%g mm, the region %g-%g mm",
                       region->region, fd->kind, fd->min_mm, fd->max_mm, region->min_mm, region->max_mm);
          if (dark && nm_vocab_kind_category (fd->kind) == NM_CATEGORY_PIGMENT &&
              fd->max_mm > SPEC_PIGMENT_DARK_MM + EPS)
            violation (t, "pigment-dark", "%s: %s at %g mm in skin type %u", region->region, fd->kind,
                       fd->max_mm, fitz);
          if (all_macular (c, region->region, fd->kind) && fd->max_mm > SPEC_MACULAR_MM + EPS)
            violation (t, "grade-1-scar", "%s: %s of grade 1 at %g mm", region->region, fd->kind, fd->max_mm);
        }

      if (region->series < 0 || (guint) region->series >= nm_plan_get_n_series (plan) ||
          !g_strv_contains ((const char * const *) nm_plan_get_series (plan, (guint) region->series)->regions,
                            region->region))
        violation (t, "series", "%s is treated but not in its series (%d)", region->region, region->series);

      if (g_strv_contains (spec_perioral, region->region))
        perioral_treated = TRUE;
      if (g_strv_contains (spec_perioral, region->region) ||
          (herpes_rule->regions != NULL &&
           g_strv_contains ((const char * const *) herpes_rule->regions, region->region)))
        listed_treated = TRUE;
    }

  /* Series */
  if ((blocked || e.blocked) && nm_plan_get_n_series (plan) > 0)
    violation (t, "blocked-treats", "a blocked plan has %u series", nm_plan_get_n_series (plan));
  for (i = 0; i < nm_plan_get_n_series (plan); i++)
    {
      const NmPlanSeries *series = nm_plan_get_series (plan, i);
      gboolean skin_region = FALSE;
      guint least = g_str_equal (series->schedule, "scalp") ? SPEC_SCALP_WEEKS : SPEC_SKIN_WEEKS;

      for (j = 0; series->regions != NULL && series->regions[j] != NULL; j++)
        {
          const NmPlanRegion *region = nm_plan_lookup_region (plan, series->regions[j]);

          if (!is_scalp (series->regions[j]))
            skin_region = TRUE;
          if (region == NULL || !region->treat || region->series != (int) i)
            violation (t, "series", "series %u lists %s, which is not a treated region of it", i,
                       series->regions[j]);
          in_series++;
        }
      if (series->interval_weeks < least)
        violation (t, "interval", "%s series every %u weeks, below %u", series->schedule,
                   series->interval_weeks, least);
      if (skin_region && series->interval_weeks < SPEC_SKIN_WEEKS)
        violation (t, "interval-skin-region", "%s series every %u weeks needles %s, which is not scalp",
                   series->schedule, series->interval_weeks, series->regions[0]);
      if (series->sessions < 1 || series->n_dates != series->sessions)
        {
          violation (t, "series", "%s series: %u sessions, %u dates", series->schedule,
                     series->sessions, series->n_dates);
          continue;
        }
      if (g_date_compare (&series->dates[0], &e.first) != 0)
        {
          g_autofree char *got = format_date (&series->dates[0]);
          g_autofree char *want = format_date (&e.first);

          violation (t, e.wait ? "wait" : "first-date", "%s series starts %s, the first session is %s",
                     series->schedule, got, want);
        }
      if (e.wait && g_date_compare (&series->dates[0], &e.wait_until) < 0)
        violation (t, "wait", "%s series starts before the wait is over", series->schedule);
      for (j = 1; j < series->n_dates; j++)
        if (g_date_days_between (&series->dates[j - 1], &series->dates[j]) != (int) series->interval_weeks * 7)
          violation (t, "series", "%s series: dates %u and %u are not %u weeks apart", series->schedule,
                     j - 1, j, series->interval_weeks);
    }
  if (in_series != n_treated)
    violation (t, "series", "%u treated regions, %u in series", n_treated, in_series);

  /* Status and state (§3) */
  {
    NmPlanStatus status;
    NmPlanState state;

    if (blocked)
      status = NM_PLAN_BLOCKED;
    else if (e.relative_yes || e.unanswered->len > 0 || nm_plan_get_n_warnings (plan) > 0)
      status = NM_PLAN_CAUTION;
    else
      status = NM_PLAN_OK;
    if (nm_plan_get_status (plan) != status)
      violation (t, "status", "status %s where §3 gives %s (relative true: %s, unanswered: %u, warnings: %u)",
                 nm_plan_status_to_string (nm_plan_get_status (plan)), nm_plan_status_to_string (status),
                 e.relative_yes ? "yes" : "no", e.unanswered->len, nm_plan_get_n_warnings (plan));

    if (blocked)
      state = NM_PLAN_STATE_BLOCKED;
    else if (fitz == NM_FITZPATRICK_UNSET)
      state = NM_PLAN_STATE_NO_SKIN_TYPE;
    else if (e.unanswered->len > 0)
      state = NM_PLAN_STATE_SCREENING_INCOMPLETE;
    else if (status == NM_PLAN_CAUTION)
      state = NM_PLAN_STATE_PRECAUTIONS;
    else
      state = NM_PLAN_STATE_READY;
    if (nm_plan_get_state (plan) != state)
      violation (t, "state", "state %s where the precedence gives %s", state_name (nm_plan_get_state (plan)),
                 state_name (state));
  }

  /* §3.2: age */
  if ((count_warnings (plan, "age-unknown", NULL) > 0) != !e.birth_known)
    violation (t, "age-unknown", "birth date %s, age-unknown %u times",
               e.birth_known ? "known" : "unknown", count_warnings (plan, "age-unknown", NULL));
  if ((count_warnings (plan, "minor-guardian", NULL) > 0) != (e.minor && e.guardian))
    violation (t, "minor-guardian", "age %d, guardian %s, minor-guardian %u times", e.age,
               e.guardian ? "set" : "none", count_warnings (plan, "minor-guardian", NULL));
  if (nm_plan_get_age (plan) != e.age)
    violation (t, "age", "nm_plan_get_age() %d, on the first session's date %d", nm_plan_get_age (plan), e.age);
  if (nm_plan_get_minor (plan) != e.minor)
    violation (t, "minor", "nm_plan_get_minor() %d for age %d", nm_plan_get_minor (plan), e.age);

  /* §3.2: screening-incomplete names the unanswered items */
  {
    const char * const *unanswered = nm_plan_get_unanswered (plan);
    guint n = unanswered != NULL ? g_strv_length ((char **) unanswered) : 0;

    if (n != e.unanswered->len)
      violation (t, "screening-incomplete", "nm_plan_get_unanswered() has %u items, %u are unanswered",
                 n, e.unanswered->len);
    for (i = 0; i < n && i < e.unanswered->len; i++)
      if (g_strcmp0 (unanswered[i], g_ptr_array_index (e.unanswered, i)) != 0)
        violation (t, "screening-incomplete", "nm_plan_get_unanswered()[%u] is %s, not %s", i, unanswered[i],
                   (const char *) g_ptr_array_index (e.unanswered, i));
    if ((count_warnings (plan, "screening-incomplete", NULL) > 0) != (e.unanswered->len > 0))
      violation (t, "screening-incomplete", "%u unanswered, screening-incomplete %u times", e.unanswered->len,
                 count_warnings (plan, "screening-incomplete", NULL));
    for (i = 0; i < nm_plan_get_n_warnings (plan); i++)
      {
        const NmPlanWarning *warning = nm_plan_get_warning (plan, i);

        if (!g_str_equal (warning->id, "screening-incomplete"))
          continue;
        for (j = 0; j < e.unanswered->len; j++)
          if (strstr (warning->message, g_ptr_array_index (e.unanswered, j)) == NULL)
            violation (t, "screening-incomplete", "the message does not name %s: %s",
                       (const char *) g_ptr_array_index (e.unanswered, j), warning->message);
      }
  }

  /* §3.2: wait-before-start */
  if ((count_warnings (plan, "wait-before-start", NULL) > 0) != e.wait)
    violation (t, "wait", "sunburn or recent procedure %s, wait-before-start %u times",
               e.wait ? "true" : "not true", count_warnings (plan, "wait-before-start", NULL));
  {
    const GDate *until = nm_plan_get_wait_until (plan);

    if (e.moved && (until == NULL || g_date_compare (until, &e.wait_until) != 0))
      violation (t, "wait", "nm_plan_get_wait_until() is not today + 14 days");
    if (!e.moved && until != NULL)
      violation (t, "wait", "nm_plan_get_wait_until() is set though the start did not move");
  }

  /* §3.2: pih-risk, one per treated region in IV–VI */
  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      guint n = count_warnings (plan, "pih-risk", region->region);

      if (dark && region->treat && n != 1)
        violation (t, "pih-risk", "skin type %u, %s treated: pih-risk %u times", fitz, region->region, n);
      if (!region->treat && n > 0)
        violation (t, "pih-risk", "%s not treated but has pih-risk", region->region);
    }
  if (dark && count_warnings (plan, "pih-risk", NULL) != n_treated)
    violation (t, "pih-risk", "%u pih-risk for %u treated regions", count_warnings (plan, "pih-risk", NULL), n_treated);
  /* a clinic may warn for more skin types (a stricter rule), never fewer */
  if (fitz >= 1 && fitz < 4)
    {
      gboolean covered = fitz >= pih_rule->fitzpatrick_min && fitz <= pih_rule->fitzpatrick_max;

      if (!covered && count_warnings (plan, "pih-risk", NULL) > 0)
        violation (t, "pih-risk", "skin type %u has pih-risk", fitz);
      if (covered && count_warnings (plan, "pih-risk", NULL) != n_treated)
        violation (t, "pih-risk", "the clinic warns of PIH for skin type %u: %u pih-risk for %u treated regions",
                   fitz, count_warnings (plan, "pih-risk", NULL), n_treated);
    }

  /* §3.2: active-acne on each treated face region */
  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      guint n = count_warnings (plan, "active-acne", region->region);

      if (acne == NM_ANSWER_YES && region->treat && g_strv_contains (spec_face, region->region) && n != 1)
        violation (t, "active-acne", "active acne, %s treated: active-acne %u times", region->region, n);
      if ((!region->treat || !g_strv_contains (spec_face, region->region)) && n > 0)
        violation (t, "active-acne", "active-acne on %s, not a treated face region", region->region);
    }
  if (acne != NM_ANSWER_YES && count_warnings (plan, "active-acne", NULL) > 0)
    violation (t, "active-acne", "active-acne is not true but warns");

  /* §3.2: herpes-prophylaxis, herpes-ask */
  {
    guint prophylaxis = count_warnings (plan, "herpes-prophylaxis", NULL);
    guint ask = count_warnings (plan, "herpes-ask", NULL);

    if (herpes == NM_ANSWER_YES && perioral_treated && prophylaxis == 0)
      violation (t, "herpes", "cold sores and perioral work: no herpes-prophylaxis");
    if (herpes == NM_ANSWER_UNKNOWN && perioral_treated && ask == 0)
      violation (t, "herpes", "cold sores not asked, perioral work: no herpes-ask");
    if (prophylaxis > 0 && (herpes != NM_ANSWER_YES || !listed_treated))
      violation (t, "herpes", "herpes-prophylaxis with herpes-history %s and %s",
                 herpes == NM_ANSWER_YES ? "true" : herpes == NM_ANSWER_NO ? "false" : "unanswered",
                 listed_treated ? "perioral work" : "no perioral work");
    if (ask > 0 && (herpes != NM_ANSWER_UNKNOWN || !listed_treated))
      violation (t, "herpes", "herpes-ask with herpes-history %s and %s",
                 herpes == NM_ANSWER_YES ? "true" : herpes == NM_ANSWER_NO ? "false" : "unanswered",
                 listed_treated ? "perioral work" : "no perioral work");
  }

  /* §3.2: below-indication where a cap holds a finding below its indication */
  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      gboolean must = FALSE, may = FALSE;

      if (!region->treat)
        {
          if (count_warnings (plan, "below-indication", region->region) > 0)
            violation (t, "below-indication", "%s not treated but has below-indication", region->region);
          continue;
        }
      for (j = 0; j < region->n_finding_depths; j++)
        {
          const NmPlanFindingDepth *fd = &region->finding_depths[j];
          const NmProtocolIndication *ind = nm_protocol_get_indication (protocol, fd->kind);

          if (!fd->treat || ind == NULL || !ind->treat || fd->max_mm >= ind->min_mm - EPS)
            continue;
          if (all_macular (c, region->region, fd->kind))
            may = TRUE;   /* a macular scar has no scar depth (REFERENCE §6a) */
          else
            must = TRUE;
        }
      if (must && count_warnings (plan, "below-indication", region->region) == 0)
        violation (t, "below-indication", "%s: a finding is held below its indication, no below-indication",
                   region->region);
      if (!must && !may && count_warnings (plan, "below-indication", region->region) > 0)
        violation (t, "below-indication", "%s: below-indication, but no finding is below its indication",
                   region->region);
    }

  /* §3.2: logged-over-plan */
  for (i = 0; i < nm_consultation_get_n_sessions (c); i++)
    {
      NmSession *session = nm_consultation_get_session (c, i);
      g_auto(GStrv) regions = nm_session_dup_depth_regions (session);

      for (j = 0; regions[j] != NULL; j++)
        {
          int at = nm_vocab_region_index (regions[j]);
          double mm = 0.0;

          if (at >= 0 && nm_session_get_depth (session, regions[j], &mm))
            logged_mm[at] = MAX (logged_mm[at], mm);
        }
    }
  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      const NmPlanRegion *region = nm_plan_lookup_region (plan, id);
      guint n = count_warnings (plan, "logged-over-plan", id);
      gboolean must, must_not;

      if (logged_mm[i] <= 0.0)
        {
          if (n > 0)
            violation (t, "logged-over-plan", "%s: logged-over-plan with nothing logged there", id);
          continue;
        }
      if (blocked)
        {
          must = logged_mm[i] > spec_ceiling (id) + EPS;
          must_not = FALSE;
        }
      else
        {
          must = region == NULL || !region->treat || logged_mm[i] > region->max_mm + EPS;
          must_not = !must;
        }
      if (must && n == 0)
        violation (t, "logged-over-plan", "%s: %g mm logged, planned %s: no logged-over-plan", id, logged_mm[i],
                   region == NULL ? "nothing" : !region->treat ? "never" : "less");
      if (must_not && n > 0)
        violation (t, "logged-over-plan", "%s: %g mm logged within the planned %g mm, yet logged-over-plan",
                   id, logged_mm[i], region->max_mm);
    }

  /* Region warnings carry their region (§3.2) */
  for (i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *warning = nm_plan_get_warning (plan, i);
      static const char * const regional[] = {
        "pih-risk", "below-indication", "logged-over-plan", "herpes-prophylaxis", "herpes-ask", NULL
      };

      if (g_strv_contains (regional, warning->id) && warning->region == NULL)
        violation (t, "warning-region", "%s carries no region", warning->id);
      if (warning->message == NULL || *warning->message == '\0')
        violation (t, "warning-message", "%s has no message", warning->id);
    }
  if (nm_protocol_get_base (protocol) == NULL && count_warnings (plan, "clinic-rule-loosened", NULL) > 0)
    violation (t, "clinic-rule-loosened", "clinic-rule-loosened without a clinic file");
  if (nm_protocol_get_base (protocol) != NULL && nm_protocol_get_n_loosened (protocol) == 0 &&
      count_warnings (plan, "clinic-rule-loosened", NULL) > 0)
    violation (t, "clinic-rule-loosened", "clinic-rule-loosened from a clinic file that loosens nothing");

  check_json (t, plan);
  expect_clear (&e);
}

/* Whether @plan needles deeper, or more often, than @base anywhere: what a
 * loosened clinic value does to a plan it changes (§3.1). */
static gboolean
plan_is_looser (NmPlan      *plan,
                NmPlan      *base,
                GString     *why)
{
  guint i, j;

  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *region = nm_plan_get_region (plan, i);
      const NmPlanRegion *was = nm_plan_lookup_region (base, region->region);

      if (!region->treat)
        continue;
      if (was == NULL || !was->treat)
        {
          g_string_append_printf (why, "%s is needled only with the clinic file", region->region);
          return TRUE;
        }
      if (region->max_mm > was->max_mm + EPS || region->min_mm > was->min_mm + EPS)
        {
          g_string_append_printf (why, "%s %g-%g mm, built-in %g-%g mm", region->region,
                                  region->min_mm, region->max_mm, was->min_mm, was->max_mm);
          return TRUE;
        }
      for (j = 0; j < region->n_finding_depths; j++)
        {
          const NmPlanFindingDepth *fd = &region->finding_depths[j];
          const NmPlanFindingDepth *fd_was = nm_plan_region_lookup_finding (was, fd->kind);

          if (!fd->treat)
            continue;
          if (fd_was == NULL || !fd_was->treat || fd->max_mm > fd_was->max_mm + EPS ||
              fd->min_mm > fd_was->min_mm + EPS)
            {
              g_string_append_printf (why, "%s: %s at %g-%g mm, built-in %g-%g mm", region->region, fd->kind,
                                      fd->min_mm, fd->max_mm, fd_was != NULL ? fd_was->min_mm : 0.0,
                                      fd_was != NULL ? fd_was->max_mm : 0.0);
              return TRUE;
            }
        }
      if (region->series >= 0 && was->series >= 0)
        {
          const NmPlanSeries *series = nm_plan_get_series (plan, (guint) region->series);
          const NmPlanSeries *series_was = nm_plan_get_series (base, (guint) was->series);

          if (series->sessions > series_was->sessions || series->interval_weeks < series_was->interval_weeks)
            {
              g_string_append_printf (why, "%s: %u sessions every %u weeks, built-in %u every %u",
                                      region->region, series->sessions, series->interval_weeks,
                                      series_was->sessions, series_was->interval_weeks);
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* The two plans are the same but for clinic-rule-loosened and the texts. */
static gboolean
plans_equal (NmPlan *plan,
             NmPlan *base)
{
  guint i, j, n = 0;

  if (nm_plan_get_status (plan) != nm_plan_get_status (base) && count_warnings (plan, "clinic-rule-loosened", NULL) == 0)
    return FALSE;
  if (nm_plan_get_n_blocked_by (plan) != nm_plan_get_n_blocked_by (base) ||
      nm_plan_get_n_regions (plan) != nm_plan_get_n_regions (base) ||
      nm_plan_get_n_series (plan) != nm_plan_get_n_series (base))
    return FALSE;
  for (i = 0; i < nm_plan_get_n_blocked_by (plan); i++)
    if (!g_str_equal (nm_plan_get_blocked_by (plan, i)->id, nm_plan_get_blocked_by (base, i)->id))
      return FALSE;
  for (i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *w = nm_plan_get_warning (plan, i);

      if (g_str_equal (w->id, "clinic-rule-loosened"))
        continue;
      n++;
      if (count_warnings (base, w->id, w->region) != count_warnings (plan, w->id, w->region))
        return FALSE;
    }
  if (n != nm_plan_get_n_warnings (base))
    return FALSE;
  for (i = 0; i < nm_plan_get_n_regions (plan); i++)
    {
      const NmPlanRegion *a = nm_plan_get_region (plan, i);
      const NmPlanRegion *b = nm_plan_get_region (base, i);

      if (!g_str_equal (a->region, b->region) || a->treat != b->treat ||
          fabs (a->min_mm - b->min_mm) > EPS || fabs (a->max_mm - b->max_mm) > EPS ||
          a->n_finding_depths != b->n_finding_depths || a->series != b->series)
        return FALSE;
      for (j = 0; j < a->n_finding_depths; j++)
        if (g_strcmp0 (a->finding_depths[j].kind, b->finding_depths[j].kind) != 0 ||
            a->finding_depths[j].treat != b->finding_depths[j].treat ||
            fabs (a->finding_depths[j].min_mm - b->finding_depths[j].min_mm) > EPS ||
            fabs (a->finding_depths[j].max_mm - b->finding_depths[j].max_mm) > EPS)
          return FALSE;
    }
  for (i = 0; i < nm_plan_get_n_series (plan); i++)
    {
      const NmPlanSeries *a = nm_plan_get_series (plan, i);
      const NmPlanSeries *b = nm_plan_get_series (base, i);

      if (!g_str_equal (a->schedule, b->schedule) || a->sessions != b->sessions ||
          a->interval_weeks != b->interval_weeks ||
          !g_strv_equal ((const char * const *) a->regions, (const char * const *) b->regions) ||
          g_date_compare (&a->dates[0], &b->dates[0]) != 0)
        return FALSE;
    }
  return TRUE;
}

/* §3.1: a looser clinic value warns on every plan it changes, and only there */
static void
check_loosened (Tally          *t,
                NmConsultation *c,
                NmProtocol     *protocol,
                NmPlan         *plan,
                const GDate    *today,
                gboolean        step_changed)
{
  NmProtocol *base = nm_protocol_get_base (protocol);
  g_autoptr(NmPlan) builtin = NULL;
  g_autoptr(GString) why = g_string_new (NULL);
  guint n = count_warnings (plan, "clinic-rule-loosened", NULL);

  if (base == NULL)
    return;
  builtin = nm_planner_run (c, base, today);

  if (plans_equal (plan, builtin) && n > 0)
    violation (t, "clinic-rule-loosened", "the plan is the built-in protocol's, yet clinic-rule-loosened %u times", n);
  /* A finer device step is no rule, but it can reach deeper between the
   * same limits. A file that loosens no value can still change a series:
   * a stricter limit that leaves a region out takes its longer interval
   * with it; that is the other regions' own interval, not a looser rule. */
  if (!step_changed && nm_protocol_get_n_loosened (protocol) > 0 &&
      plan_is_looser (plan, builtin, why) && n == 0)
    violation (t, "clinic-rule-loosened", "the clinic file made the plan looser (%s), no clinic-rule-loosened",
               why->str);
}

/* Consultations from a description */

typedef struct
{
  const char *name;
  guint       fitz;       /* 0: type III; NO_SKIN: none chosen */
  const char *birth;      /* NULL: 1990-01-01; "-": none */
  const char *guardian;
  const char *start;      /* NULL: 2026-12-01; "-": none (today) */
  const char *today;      /* NULL: 2026-12-01 */
  const char *findings;   /* "region kind severity, …" */
  const char *screening;  /* over all "no": "id=yes id=unknown absolute=unknown relative=unknown" */
  const char *ack;        /* items acknowledged: ids, or "all" for every one answered yes */
  const char *logged;     /* "date region=mm region=mm; date …" */
  const char *device;     /* plan.device "max/step" */
  const char *overlay;    /* a clinic protocol file laid over the built-in one */
  const char *expect;     /* tokens, see check_token() */
  const char *defect;     /* SPEC-DEFECT: what the planner does instead, when it fails */
} Case;

static void
set_answers (NmConsultation     *c,
             const char * const *ids,
             NmAnswer            answer)
{
  guint i;

  for (i = 0; ids[i] != NULL; i++)
    nm_consultation_set_screening (c, ids[i], answer);
}

static NmAnswer
parse_answer (const char *text)
{
  if (g_str_equal (text, "yes"))
    return NM_ANSWER_YES;
  if (g_str_equal (text, "no"))
    return NM_ANSWER_NO;
  if (g_str_equal (text, "unknown"))
    return NM_ANSWER_UNKNOWN;
  g_error ("not an answer: %s", text);
}

static NmConsultation *
case_consultation (const Case *tc)
{
  NmConsultation *c = nm_consultation_new ();
  g_auto(GStrv) parts = NULL;
  guint i;

  nm_consultation_set_fitzpatrick (c, tc->fitz == NO_SKIN ? NM_FITZPATRICK_UNSET : tc->fitz == 0 ? 3 : tc->fitz);
  if (tc->birth == NULL)
    nm_consultation_set_birth_date (c, BORN);
  else if (!g_str_equal (tc->birth, "-"))
    nm_consultation_set_birth_date (c, tc->birth);
  if (tc->guardian != NULL)
    nm_consultation_set_guardian (c, tc->guardian);
  if (tc->start == NULL)
    nm_consultation_set_start_date (c, TODAY);
  else if (!g_str_equal (tc->start, "-"))
    nm_consultation_set_start_date (c, tc->start);

  set_answers (c, spec_absolute, NM_ANSWER_NO);
  set_answers (c, spec_relative, NM_ANSWER_NO);
  parts = g_strsplit (tc->screening != NULL ? tc->screening : "", " ", -1);
  for (i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (parts[i], "=", 2);

      if (*parts[i] == '\0')
        continue;
      g_assert_nonnull (kv[1]);
      if (g_str_equal (kv[0], "absolute"))
        set_answers (c, spec_absolute, parse_answer (kv[1]));
      else if (g_str_equal (kv[0], "relative"))
        set_answers (c, spec_relative, parse_answer (kv[1]));
      else
        {
          g_assert_cmpint (nm_vocab_screening_index (kv[0]), >=, 0);
          nm_consultation_set_screening (c, kv[0], parse_answer (kv[1]));
        }
    }

  if (tc->ack != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (tc->ack, " ", -1);

      for (i = 0; ids[i] != NULL; i++)
        {
          if (g_str_equal (ids[i], "all"))
            {
              guint k;

              for (k = 0; k < nm_vocab_n_screening (); k++)
                if (nm_consultation_get_screening (c, nm_vocab_screening (k)->id) == NM_ANSWER_YES)
                  nm_consultation_set_acknowledgement (c, nm_vocab_screening (k)->id,
                                                       "Discussed with the client and her doctor");
            }
          else if (*ids[i] != '\0')
            nm_consultation_set_acknowledgement (c, ids[i], "Discussed with the client and her doctor");
        }
    }

  if (tc->findings != NULL)
    {
      g_auto(GStrv) list = g_strsplit (tc->findings, ",", -1);

      for (i = 0; list[i] != NULL; i++)
        {
          g_autofree char *item = g_strstrip (g_strdup (list[i]));
          g_auto(GStrv) f = g_strsplit (item, " ", 3);
          g_autoptr(NmFinding) finding = NULL;

          g_assert_cmpuint (g_strv_length (f), ==, 3);
          g_assert_cmpint (nm_vocab_region_index (f[0]), >=, 0);
          g_assert_cmpint (nm_vocab_kind_index (f[1]), >=, 0);
          finding = nm_finding_new (f[0], f[1], (guint) atoi (f[2]));
          nm_consultation_add_finding (c, finding);
        }
    }

  if (tc->logged != NULL)
    {
      g_auto(GStrv) sessions = g_strsplit (tc->logged, ";", -1);

      for (i = 0; sessions[i] != NULL; i++)
        {
          g_autofree char *text = g_strstrip (g_strdup (sessions[i]));
          g_auto(GStrv) words = g_strsplit (text, " ", -1);
          g_autoptr(NmSession) session = nm_session_new (words[0]);
          guint k;

          nm_session_set_done (session, TRUE);
          for (k = 1; words[k] != NULL; k++)
            {
              g_auto(GStrv) kv = g_strsplit (words[k], "=", 2);

              g_assert_nonnull (kv[1]);
              nm_session_set_depth (session, kv[0], parse_mm (kv[1]));
            }
          nm_consultation_add_session (c, session);
        }
    }

  if (tc->device != NULL)
    {
      g_auto(GStrv) mm = g_strsplit (tc->device, "/", 2);

      g_assert_nonnull (mm[1]);
      nm_consultation_set_device_max_mm (c, parse_mm (mm[0]));
      nm_consultation_set_device_step_mm (c, parse_mm (mm[1]));
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

static NmProtocol *
clinic_protocol (const char *overlay)
{
  NmProtocol *protocol = default_protocol ();

  if (overlay != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (overlay, strlen (overlay));
      g_autoptr(GError) error = NULL;

      if (!nm_protocol_overlay_bytes (protocol, bytes, &error))
        g_error ("the clinic file of the case is refused: %s\n%s", error->message, overlay);
    }
  return protocol;
}

/* Expectation tokens, separated by spaces; '!' in front negates those that
 * test presence (w:, b:, life:, m:, rs:, status=).
 *
 *   status=ok|caution|blocked       state=ready|precautions|incomplete|noskin|blocked
 *   b:ID   b=N   life:ID            blocked_by has ID; has N entries; ID is lifelong
 *   w:ID[@REGION][=N]               a warning (for REGION), or exactly N of them
 *   nw=N                            N warnings in all
 *   m:ID[@REGION]~TEXT              a warning or block ID whose message has TEXT ('+' is a space)
 *   r:REGION=MIN-MAX|no|absent      the region's depth, not treated, not in the plan
 *   r:REGION<=MM                    treated, no deeper than MM
 *   f:REGION:KIND=MIN-MAX|no        a finding's depth; f:REGION:KIND<=MM
 *   rs:REGION~TEXT                  a reason of the region has TEXT
 *   s=N   s:SCHEDULE=SESSIONS/WEEKS  the number of series; a series' schedule
 *   iv:REGION>=WEEKS                the series of REGION is at least WEEKS apart
 *   d0=DATE                         every series starts on DATE
 *   wait=DATE|none   age=N   minor=0|1   loosened=N (values the clinic file loosened)
 *   unanswered=none|absolute|relative|ID,ID…
 */

static char *
token_text (const char *text)
{
  char *copy = g_strdup (text);

  g_strdelimit (copy, "+", ' ');
  return copy;
}

static gboolean
parse_range (const char *text,
             double     *min,
             double     *max)
{
  const char *dash = strchr (text + 1, '-');

  if (dash == NULL)
    return FALSE;
  *min = g_ascii_strtod (text, NULL);
  *max = g_ascii_strtod (dash + 1, NULL);
  return TRUE;
}

static gboolean
message_has (NmPlan     *plan,
             const char *id,
             const char *region,
             const char *text)
{
  guint i;

  for (i = 0; i < nm_plan_get_n_warnings (plan); i++)
    {
      const NmPlanWarning *w = nm_plan_get_warning (plan, i);

      if (g_str_equal (w->id, id) && (region == NULL || g_strcmp0 (w->region, region) == 0) &&
          strstr (w->message, text) != NULL)
        return TRUE;
    }
  for (i = 0; region == NULL && i < nm_plan_get_n_blocked_by (plan); i++)
    {
      const NmPlanBlock *b = nm_plan_get_blocked_by (plan, i);

      if (g_str_equal (b->id, id) && strstr (b->message, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
check_token (Tally      *t,
             NmPlan     *plan,
             NmProtocol *protocol,
             const char *token)
{
  gboolean negate = token[0] == '!';
  const char *tk = negate ? token + 1 : token;
  gboolean ok = TRUE;
  g_autofree char *got = NULL;

  if (g_str_has_prefix (tk, "status="))
    {
      const char *status = nm_plan_status_to_string (nm_plan_get_status (plan));

      ok = g_str_equal (status, tk + 7) != negate;
      got = g_strdup (status);
    }
  else if (g_str_has_prefix (tk, "state="))
    {
      ok = g_str_equal (state_name (nm_plan_get_state (plan)), tk + 6);
      got = g_strdup (state_name (nm_plan_get_state (plan)));
    }
  else if (g_str_has_prefix (tk, "b="))
    {
      ok = nm_plan_get_n_blocked_by (plan) == (guint) atoi (tk + 2);
      got = g_strdup_printf ("%u", nm_plan_get_n_blocked_by (plan));
    }
  else if (g_str_has_prefix (tk, "b:"))
    {
      ok = (find_block (plan, tk + 2) != NULL) != negate;
      got = g_strdup (find_block (plan, tk + 2) != NULL ? "present" : "absent");
    }
  else if (g_str_has_prefix (tk, "life:"))
    {
      const NmPlanBlock *block = find_block (plan, tk + 5);

      ok = block != NULL && block->lifelong != negate;
      got = g_strdup (block == NULL ? "no such block" : block->lifelong ? "lifelong" : "not lifelong");
    }
  else if (g_str_has_prefix (tk, "nw="))
    {
      ok = nm_plan_get_n_warnings (plan) == (guint) atoi (tk + 3);
      got = g_strdup_printf ("%u", nm_plan_get_n_warnings (plan));
    }
  else if (g_str_has_prefix (tk, "w:"))
    {
      g_autofree char *spec = g_strdup (tk + 2);
      char *count = strchr (spec, '=');
      char *region = strchr (spec, '@');
      guint n;

      if (count != NULL)
        *count++ = '\0';
      if (region != NULL)
        *region++ = '\0';
      n = count_warnings (plan, spec, region);
      if (count != NULL)
        ok = n == (guint) atoi (count);
      else
        ok = (n > 0) != negate;
      got = g_strdup_printf ("%u", n);
    }
  else if (g_str_has_prefix (tk, "m:"))
    {
      g_autofree char *spec = g_strdup (tk + 2);
      char *text = strchr (spec, '~');
      char *region = strchr (spec, '@');
      g_autofree char *wanted = NULL;

      g_assert_nonnull (text);
      *text++ = '\0';
      if (region != NULL)
        *region++ = '\0';
      wanted = token_text (text);
      ok = message_has (plan, spec, region, wanted) != negate;
      got = g_strdup ("see the plan");
    }
  else if (g_str_has_prefix (tk, "rs:"))
    {
      g_autofree char *spec = g_strdup (tk + 3);
      char *text = strchr (spec, '~');
      const NmPlanRegion *region;
      g_autofree char *wanted = NULL;
      gboolean found = FALSE;
      guint i;

      g_assert_nonnull (text);
      *text++ = '\0';
      wanted = token_text (text);
      region = nm_plan_lookup_region (plan, spec);
      for (i = 0; region != NULL && region->reasons != NULL && region->reasons[i] != NULL; i++)
        found = found || strstr (region->reasons[i], wanted) != NULL;
      ok = found != negate;
      got = region != NULL && region->reasons != NULL ? g_strjoinv (" | ", region->reasons) : g_strdup ("no region");
    }
  else if (g_str_has_prefix (tk, "r:"))
    {
      g_autofree char *spec = g_strdup (tk + 2);
      char *le = strstr (spec, "<=");
      char *eq = strchr (spec, '=');
      const NmPlanRegion *region;
      double min, max;

      if (le != NULL)
        {
          *le = '\0';
          region = nm_plan_lookup_region (plan, spec);
          ok = region != NULL && region->treat && region->max_mm <= g_ascii_strtod (le + 2, NULL) + EPS;
        }
      else
        {
          g_assert_nonnull (eq);
          *eq++ = '\0';
          region = nm_plan_lookup_region (plan, spec);
          if (g_str_equal (eq, "absent"))
            ok = region == NULL;
          else if (g_str_equal (eq, "no"))
            ok = region != NULL && !region->treat;
          else
            {
              g_assert_true (parse_range (eq, &min, &max));
              ok = region != NULL && region->treat && fabs (region->min_mm - min) < EPS &&
                   fabs (region->max_mm - max) < EPS;
            }
        }
      got = region == NULL ? g_strdup ("absent") : !region->treat ? g_strdup ("not treated")
            : g_strdup_printf ("%g-%g", region->min_mm, region->max_mm);
    }
  else if (g_str_has_prefix (tk, "f:"))
    {
      g_autofree char *spec = g_strdup (tk + 2);
      char *kind = strchr (spec, ':');
      char *le, *eq;
      const NmPlanRegion *region;
      const NmPlanFindingDepth *fd = NULL;
      double min, max;

      g_assert_nonnull (kind);
      *kind++ = '\0';
      le = strstr (kind, "<=");
      eq = strchr (kind, '=');
      if (le != NULL)
        *le = '\0';
      else if (eq != NULL)
        *eq = '\0';
      region = nm_plan_lookup_region (plan, spec);
      if (region != NULL)
        fd = nm_plan_region_lookup_finding (region, kind);
      if (fd == NULL)
        ok = FALSE;
      else if (le != NULL)
        ok = fd->treat && fd->max_mm <= g_ascii_strtod (le + 2, NULL) + EPS;
      else if (g_str_equal (eq + 1, "no"))
        ok = !fd->treat;
      else
        {
          g_assert_true (parse_range (eq + 1, &min, &max));
          ok = fd->treat && fabs (fd->min_mm - min) < EPS && fabs (fd->max_mm - max) < EPS;
        }
      got = fd == NULL ? g_strdup ("no such finding depth") : !fd->treat ? g_strdup ("not treated")
            : g_strdup_printf ("%g-%g", fd->min_mm, fd->max_mm);
    }
  else if (g_str_has_prefix (tk, "s="))
    {
      ok = nm_plan_get_n_series (plan) == (guint) atoi (tk + 2);
      got = g_strdup_printf ("%u", nm_plan_get_n_series (plan));
    }
  else if (g_str_has_prefix (tk, "s:"))
    {
      g_autofree char *spec = g_strdup (tk + 2);
      char *eq = strchr (spec, '=');
      guint i, sessions, weeks;

      g_assert_nonnull (eq);
      *eq++ = '\0';
      g_assert_cmpint (sscanf (eq, "%u/%u", &sessions, &weeks), ==, 2);
      ok = FALSE;
      got = g_strdup ("no such series");
      for (i = 0; i < nm_plan_get_n_series (plan); i++)
        {
          const NmPlanSeries *series = nm_plan_get_series (plan, i);

          if (!g_str_equal (series->schedule, spec))
            continue;
          ok = series->sessions == sessions && series->interval_weeks == weeks;
          g_free (got);
          got = g_strdup_printf ("%u/%u", series->sessions, series->interval_weeks);
        }
    }
  else if (g_str_has_prefix (tk, "iv:"))
    {
      g_autofree char *spec = g_strdup (tk + 3);
      char *ge = strstr (spec, ">=");
      const NmPlanRegion *region;

      g_assert_nonnull (ge);
      *ge = '\0';
      region = nm_plan_lookup_region (plan, spec);
      ok = region != NULL && region->treat && region->series >= 0 &&
           nm_plan_get_series (plan, (guint) region->series)->interval_weeks >= (guint) atoi (ge + 2);
      got = region == NULL || region->series < 0 ? g_strdup ("not in a series")
            : g_strdup_printf ("%u weeks", nm_plan_get_series (plan, (guint) region->series)->interval_weeks);
    }
  else if (g_str_has_prefix (tk, "d0="))
    {
      guint i;

      ok = nm_plan_get_n_series (plan) > 0;
      got = g_strdup ("no series");
      for (i = 0; i < nm_plan_get_n_series (plan); i++)
        {
          g_autofree char *first = format_date (&nm_plan_get_series (plan, i)->dates[0]);

          ok = ok && g_str_equal (first, tk + 3);
          g_free (got);
          got = g_strdup (first);
        }
    }
  else if (g_str_has_prefix (tk, "wait="))
    {
      const GDate *until = nm_plan_get_wait_until (plan);

      got = until != NULL ? format_date (until) : g_strdup ("none");
      ok = g_str_equal (got, tk + 5);
    }
  else if (g_str_has_prefix (tk, "age="))
    {
      ok = nm_plan_get_age (plan) == atoi (tk + 4);
      got = g_strdup_printf ("%d", nm_plan_get_age (plan));
    }
  else if (g_str_has_prefix (tk, "minor="))
    {
      ok = nm_plan_get_minor (plan) == (atoi (tk + 6) != 0);
      got = g_strdup_printf ("%d", nm_plan_get_minor (plan));
    }
  else if (g_str_has_prefix (tk, "loosened="))
    {
      ok = nm_protocol_get_n_loosened (protocol) == (guint) atoi (tk + 9);
      got = g_strdup_printf ("%u", nm_protocol_get_n_loosened (protocol));
    }
  else if (g_str_has_prefix (tk, "unanswered="))
    {
      const char *list = tk + 11;
      g_autofree char *want = NULL;

      got = g_strjoinv (",", (char **) nm_plan_get_unanswered (plan));
      if (g_str_equal (list, "none"))
        want = g_strdup ("");
      else if (g_str_equal (list, "absolute"))
        want = g_strjoinv (",", (char **) spec_absolute);
      else if (g_str_equal (list, "relative"))
        want = g_strjoinv (",", (char **) spec_relative);
      else
        want = g_strdup (list);
      ok = g_str_equal (got, want);
    }
  else
    g_error ("unknown expectation token %s", token);

  if (!ok)
    violation (t, "expect", "%s: got %s", token, got != NULL ? got : "?");
}

static void
run_case (gconstpointer data)
{
  const Case *tc = data;
  g_autoptr(NmProtocol) protocol = clinic_protocol (tc->overlay);
  g_autoptr(NmConsultation) c = case_consultation (tc);
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPlan) again = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  g_auto(GStrv) tokens = NULL;
  Tally t;
  GDate today;
  guint i;

  parse_date (tc->today != NULL ? tc->today : TODAY, &today);
  plan = nm_planner_run (c, protocol, &today);
  again = nm_planner_run (c, protocol, &today);

  tally_init (&t);
  t.consultation = c;
  t.plan = plan;
  t.overlays = tc->overlay;
  t.today = &today;

  tokens = g_strsplit (tc->expect, " ", -1);
  for (i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      check_token (&t, plan, protocol, tokens[i]);

  check_spec (&t, c, protocol, plan, &today);
  if (tc->overlay != NULL)
    check_loosened (&t, c, protocol, plan, &today, FALSE);
  json = nm_plan_to_json (plan);
  json_again = nm_plan_to_json (again);
  if (!g_str_equal (json, json_again))
    violation (&t, "deterministic", "the same inputs gave two JSON texts");

  if (t.total > 0)
    {
      g_autofree char *input = describe_input (&t);

      if (tc->defect != NULL)
        g_test_message ("KNOWN SPEC-DEFECT: %s", tc->defect);
      message_lines (t.details->str);
      message_lines (input);
      g_test_fail_printf ("%s: %u expectations not met%s", tc->name, t.total,
                          tc->defect != NULL ? " (known SPEC-DEFECT)" : "");
    }
  tally_clear (&t);
}

/* 1. Every rule of §3.1 and id of §3.2.
 *
 * Defaults: skin type III, born 1990-01-01, today and start 2026-12-01, every
 * item answered "no". Depths follow the protocol's windows (see
 * test-planner.c): cheek rolling 3 is 1.25–1.5 mm, cheek fine lines 2
 * 0.5–0.75 mm, forehead fine lines 2 0.5 mm. */

static const Case rule_cases[] = {
  /* Keloid findings block as keloid-tendency, lifelong, whatever the answer */
  { .name = "keloid/finding-item-no", .findings = "abdomen keloid 2, cheek-left acne-scar-rolling 3",
    .expect = "status=blocked state=blocked b=1 b:keloid-tendency life:keloid-tendency r:abdomen=no "
              "r:cheek-left=no s=0 m:keloid-tendency~abdomen" },
  { .name = "keloid/finding-item-unanswered", .findings = "decolletage keloid 1, forehead fine-lines 2",
    .screening = "keloid-tendency=unknown",
    .expect = "status=blocked state=blocked b:keloid-tendency life:keloid-tendency r:forehead=no s=0 "
              "unanswered=keloid-tendency" },
  { .name = "keloid/finding-and-item", .findings = "upper-back keloid 3, cheek-left fine-lines 2",
    .screening = "keloid-tendency=yes",
    .expect = "status=blocked b=1 b:keloid-tendency life:keloid-tendency r:upper-back=no r:cheek-left=no s=0" },
  { .name = "keloid/item-only", .findings = "cheek-left fine-lines 2", .screening = "keloid-tendency=yes",
    .expect = "status=blocked b=1 life:keloid-tendency r:cheek-left=no s=0" },
  { .name = "keloid/on-an-eyelid", .findings = "eyelid-left keloid 1, chin fine-lines 2",
    .expect = "status=blocked b:keloid-tendency r:chin=no s=0" },

  /* Minors (§3.1): under 18 on the first session's date */
  { .name = "minor/no-guardian", .birth = "2012-06-15", .findings = "cheek-left fine-lines 2",
    .expect = "status=blocked state=blocked b=1 b:minor !life:minor minor=1 age=14 r:cheek-left=no s=0 "
              "!w:minor-guardian" },
  { .name = "minor/empty-guardian", .birth = "2012-06-15", .guardian = "", .findings = "cheek-left fine-lines 2",
    .expect = "status=blocked b:minor minor=1" },
  { .name = "minor/guardian", .birth = "2012-06-15", .guardian = "Maria Silva", .findings = "cheek-left fine-lines 2",
    .expect = "status=caution state=precautions !b:minor w:minor-guardian=1 minor=1 age=14 "
              "r:cheek-left=0.5-0.75 s=1 d0=2026-12-01" },
  { .name = "minor/18th-birthday-on-first-session", .birth = "2008-12-01", .findings = "cheek-left fine-lines 2",
    .expect = "!b:minor !w:minor-guardian minor=0 age=18 r:cheek-left=0.5-0.75 status=caution w:under-age" },
  { .name = "minor/a-day-before-18", .birth = "2008-12-02", .findings = "cheek-left fine-lines 2",
    .expect = "status=blocked b:minor minor=1 age=17" },
  { .name = "minor/18-at-a-later-start", .birth = "2009-02-01", .start = "2027-03-01",
    .findings = "cheek-left fine-lines 2",
    .expect = "!b:minor minor=0 age=18 d0=2027-03-01" },
  { .name = "minor/17-at-a-later-start-with-guardian", .birth = "2010-02-01", .start = "2027-03-01",
    .guardian = "J. Doe", .findings = "cheek-left fine-lines 2",
    .expect = "!b:minor w:minor-guardian minor=1 age=17" },
  { .name = "minor/18-once-the-wait-moves-the-start", .birth = "2008-12-10", .screening = "sunburn=yes",
    .ack = "all", .findings = "cheek-left fine-lines 2",
    .expect = "!b:minor minor=0 age=18 wait=2026-12-15 d0=2026-12-15 w:wait-before-start status=caution" },
  { .name = "minor/still-17-after-the-wait", .birth = "2008-12-20", .screening = "recent-procedure=yes",
    .ack = "all", .findings = "cheek-left fine-lines 2",
    .expect = "status=blocked b:minor minor=1 age=17" },
  { .name = "minor/no-start-date-counts-today", .birth = "2008-12-02", .start = "-",
    .findings = "cheek-left fine-lines 2",
    .expect = "status=blocked b:minor age=17" },
  { .name = "minor/with-guardian-and-absolute", .birth = "2012-06-15", .guardian = "Maria Silva",
    .screening = "pregnancy=yes", .findings = "cheek-left fine-lines 2",
    .expect = "status=blocked b=1 b:pregnancy !life:pregnancy w:minor-guardian r:cheek-left=no" },

  /* age-unknown */
  { .name = "age-unknown/no-birth-date", .birth = "-", .findings = "cheek-left fine-lines 2",
    .expect = "status=caution state=precautions w:age-unknown=1 age=-1 minor=0 !b:minor r:cheek-left=0.5-0.75" },
  { .name = "age-unknown/not-with-a-birth-date", .findings = "cheek-left fine-lines 2",
    .expect = "status=ok state=ready !w:age-unknown age=36 nw=0" },

  /* screening-incomplete names the unanswered items */
  { .name = "screening-incomplete/relative-unanswered", .screening = "relative=unknown",
    .findings = "cheek-left fine-lines 2",
    .expect = "status=caution state=incomplete w:screening-incomplete=1 unanswered=relative "
              "m:screening-incomplete~anticoagulants m:screening-incomplete~pih-history "
              "m:screening-incomplete~herpes-history r:cheek-left=0.5-0.75" },
  { .name = "screening-incomplete/absolute-unanswered", .screening = "absolute=unknown",
    .findings = "cheek-left fine-lines 2",
    .expect = "status=caution state=incomplete unanswered=absolute m:screening-incomplete~isotretinoin "
              "m:screening-incomplete~autoimmune-skin-disease !b:isotretinoin" },
  { .name = "screening-incomplete/nothing-answered", .screening = "absolute=unknown relative=unknown",
    .findings = "cheek-left fine-lines 2",
    .expect = "status=caution state=incomplete m:screening-incomplete~24" },
  { .name = "screening-incomplete/one-item", .screening = "vitiligo=unknown", .findings = "cheek-left fine-lines 2",
    .expect = "status=caution state=incomplete unanswered=vitiligo m:screening-incomplete~vitiligo" },
  { .name = "screening-incomplete/complete", .findings = "cheek-left fine-lines 2",
    .expect = "status=ok state=ready unanswered=none !w:screening-incomplete" },

  /* pih-risk once per treated region in skin types IV–VI, none in I–III */
  { .name = "pih-risk/type-1", .fitz = 1,
    .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2, eyelid-left wrinkles 2",
    .expect = "!w:pih-risk r:cheek-left=1.25-1.5 r:eyelid-left=no" },
  { .name = "pih-risk/type-2", .fitz = 2, .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2",
    .expect = "!w:pih-risk status=ok" },
  { .name = "pih-risk/type-3", .fitz = 3, .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2",
    .expect = "!w:pih-risk status=ok" },
  { .name = "pih-risk/type-4", .fitz = 4,
    .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2, eyelid-left wrinkles 2",
    .expect = "status=caution w:pih-risk=2 w:pih-risk@cheek-left=1 w:pih-risk@forehead=1 !w:pih-risk@eyelid-left "
              "s:skin=4/6" },
  { .name = "pih-risk/type-5", .fitz = 5, .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2",
    .expect = "status=caution w:pih-risk=2 w:pih-risk@cheek-left=1 w:pih-risk@forehead=1" },
  { .name = "pih-risk/type-6-no-pigment", .fitz = 6, .findings = "upper-back striae-alba 2",
    .expect = "status=caution w:pih-risk@upper-back=1" },
  { .name = "pih-risk/not-on-a-blocked-plan", .fitz = 6, .screening = "isotretinoin=yes",
    .findings = "cheek-left acne-scar-rolling 3",
    .expect = "status=blocked !w:pih-risk" },

  /* active-acne on each treated face region */
  { .name = "active-acne/each-face-region", .screening = "active-acne=yes", .ack = "all",
    .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2, abdomen striae-rubra 2, eyelid-left wrinkles 1",
    .expect = "status=caution state=precautions w:active-acne@cheek-left=1 w:active-acne@forehead=1 "
              "!w:active-acne@abdomen !w:active-acne@eyelid-left m:active-acne@cheek-left~active+lesions" },
  { .name = "active-acne/body-only", .screening = "active-acne=yes", .ack = "all",
    .findings = "upper-back acne-scar-rolling 3",
    .expect = "status=caution !w:active-acne@upper-back" },
  { .name = "active-acne/false", .findings = "cheek-left acne-scar-rolling 3", .expect = "!w:active-acne status=ok" },
  { .name = "active-acne/unanswered", .screening = "active-acne=unknown", .findings = "cheek-left acne-scar-rolling 3",
    .expect = "!w:active-acne status=caution state=incomplete" },

  /* herpes-prophylaxis, herpes-ask, nothing for false or away from the mouth */
  { .name = "herpes/true-upper-lip", .screening = "herpes-history=yes", .ack = "all",
    .findings = "upper-lip fine-lines 2",
    .expect = "status=caution w:herpes-prophylaxis !w:herpes-ask" },
  { .name = "herpes/true-chin", .screening = "herpes-history=yes", .ack = "all", .findings = "chin fine-lines 2",
    .expect = "w:herpes-prophylaxis !w:herpes-ask" },
  { .name = "herpes/true-cheek", .screening = "herpes-history=yes", .ack = "all",
    .findings = "cheek-right acne-scar-boxcar 2",
    .expect = "w:herpes-prophylaxis !w:herpes-ask" },
  { .name = "herpes/unanswered-upper-lip", .screening = "herpes-history=unknown", .findings = "upper-lip fine-lines 2",
    .expect = "w:herpes-ask !w:herpes-prophylaxis unanswered=herpes-history status=caution" },
  { .name = "herpes/unanswered-chin", .screening = "herpes-history=unknown", .findings = "chin pih 2",
    .expect = "w:herpes-ask !w:herpes-prophylaxis" },
  { .name = "herpes/false-upper-lip", .findings = "upper-lip fine-lines 2, chin fine-lines 2",
    .expect = "!w:herpes-ask !w:herpes-prophylaxis status=ok" },
  { .name = "herpes/true-scalp-only", .screening = "herpes-history=yes", .findings = "scalp-vertex alopecia 2",
    .expect = "!w:herpes-prophylaxis !w:herpes-ask status=caution" },
  { .name = "herpes/unanswered-scalp-only", .screening = "herpes-history=unknown", .findings = "scalp-vertex alopecia 2",
    .expect = "!w:herpes-prophylaxis !w:herpes-ask" },
  { .name = "herpes/true-upper-lip-blocked", .screening = "herpes-history=yes isotretinoin=yes",
    .findings = "upper-lip fine-lines 2",
    .expect = "status=blocked !w:herpes-prophylaxis" },

  /* below-indication: a cap holds a finding below its indication's lowest depth */
  { .name = "below-indication/temple-icepick-3", .findings = "temple-left acne-scar-icepick 3",
    .expect = "r:temple-left=0.5-0.5 w:below-indication@temple-left=1 m:below-indication@temple-left~TCA+CROSS "
              "m:below-indication@temple-left~1.5+mm" },
  { .name = "below-indication/forehead-boxcar-3", .findings = "forehead acne-scar-boxcar 3",
    .expect = "r:forehead=0.5-0.5 w:below-indication@forehead=1 m:below-indication@forehead~punch+excision" },
  { .name = "below-indication/periorbital-rolling-4", .findings = "periorbital-right acne-scar-rolling 4",
    .expect = "r:periorbital-right=0.25-0.25 w:below-indication@periorbital-right m:below-indication~subcision" },
  { .name = "below-indication/not-when-within", .findings = "cheek-left acne-scar-rolling 3, forehead fine-lines 2",
    .expect = "!w:below-indication status=ok" },

  /* wait-before-start moves the first date of every series by at least 14 days */
  { .name = "wait/sunburn", .screening = "sunburn=yes", .ack = "all",
    .findings = "cheek-left acne-scar-rolling 3, scalp-vertex alopecia 2",
    .expect = "w:wait-before-start=1 wait=2026-12-15 s=2 d0=2026-12-15 status=caution state=precautions" },
  { .name = "wait/recent-procedure", .screening = "recent-procedure=yes", .ack = "all",
    .findings = "cheek-left acne-scar-rolling 3, scalp-vertex alopecia 2",
    .expect = "w:wait-before-start=1 wait=2026-12-15 s=2 d0=2026-12-15" },
  { .name = "wait/both", .screening = "recent-procedure=yes sunburn=yes", .ack = "all",
    .findings = "forehead fine-lines 2", .expect = "w:wait-before-start=1 wait=2026-12-15 d0=2026-12-15" },
  { .name = "wait/no-start-date", .start = "-", .screening = "sunburn=yes", .ack = "all",
    .findings = "forehead fine-lines 2", .expect = "wait=2026-12-15 d0=2026-12-15" },
  { .name = "wait/start-in-the-past", .start = "2026-11-20", .screening = "sunburn=yes", .ack = "all",
    .findings = "forehead fine-lines 2", .expect = "wait=2026-12-15 d0=2026-12-15" },
  { .name = "wait/start-already-later", .start = "2027-01-10", .screening = "sunburn=yes", .ack = "all",
    .findings = "forehead fine-lines 2", .expect = "w:wait-before-start wait=none d0=2027-01-10" },
  { .name = "wait/none", .findings = "cheek-left acne-scar-rolling 3",
    .expect = "!w:wait-before-start wait=none d0=2026-12-01" },
  { .name = "wait/blocked-plan-has-no-dates", .screening = "sunburn=yes pregnancy=yes",
    .findings = "forehead fine-lines 2", .expect = "status=blocked s=0 w:wait-before-start" },

  /* logged-over-plan */
  { .name = "logged/over-the-planned-max", .findings = "cheek-left acne-scar-rolling 3",
    .logged = "2026-11-01 cheek-left=1.75",
    .expect = "w:logged-over-plan@cheek-left=1 status=caution state=precautions m:logged-over-plan~1.75" },
  { .name = "logged/at-the-planned-max", .findings = "cheek-left acne-scar-rolling 3",
    .logged = "2026-11-01 cheek-left=1.5; 2026-10-01 cheek-left=1.0",
    .expect = "!w:logged-over-plan status=ok state=ready nw=0" },
  { .name = "logged/on-an-eyelid", .findings = "cheek-left acne-scar-rolling 3",
    .logged = "2026-11-01 cheek-left=1.25 eyelid-left=0.25",
    .expect = "w:logged-over-plan@eyelid-left=1 !w:logged-over-plan@cheek-left status=caution" },
  { .name = "logged/on-an-eyelid-with-findings", .findings = "eyelid-right fine-lines 2",
    .logged = "2026-11-01 eyelid-right=0.25", .expect = "w:logged-over-plan@eyelid-right=1 r:eyelid-right=no" },
  { .name = "logged/on-a-region-not-in-the-plan", .findings = "cheek-left acne-scar-rolling 3",
    .logged = "2026-11-01 neck=0.5", .expect = "w:logged-over-plan@neck=1 r:neck=absent status=caution" },
  { .name = "logged/over-the-periorbital-plan", .findings = "periorbital-left fine-lines 2",
    .logged = "2026-11-01 periorbital-left=0.5", .expect = "r:periorbital-left=0.25-0.25 w:logged-over-plan@periorbital-left" },
  { .name = "logged/over-a-ceiling-in-a-blocked-plan", .screening = "isotretinoin=yes",
    .findings = "forehead fine-lines 2", .logged = "2026-11-01 forehead=1.5",
    .expect = "status=blocked w:logged-over-plan@forehead" },
  { .name = "logged/not-done-sessions-count-too", .findings = "nose fine-lines 2",
    .logged = "2026-11-01 nose=0.75", .expect = "w:logged-over-plan@nose" },

  /* Ceilings with the built-in protocol */
  { .name = "ceiling/eyelids-never", .findings = "eyelid-left wrinkles 4, eyelid-right fine-lines 1",
    .expect = "r:eyelid-left=no r:eyelid-right=no s=0 rs:eyelid-left~Not+needled" },
  { .name = "ceiling/periorbital", .findings = "periorbital-left wrinkles 4, periorbital-right acne-scar-icepick 4",
    .expect = "r:periorbital-left<=0.5 r:periorbital-right<=0.5" },
  { .name = "ceiling/thin-skin", .fitz = 2,
    .findings = "forehead acne-scar-rolling 4, glabella wrinkles 4, temple-left laxity 4, temple-right scar-burn 4, "
                "nose scar-surgical 4, upper-lip acne-scar-icepick 4",
    .expect = "r:forehead<=1.0 r:glabella<=1.0 r:temple-left<=1.0 r:temple-right<=1.0 r:nose<=1.0 r:upper-lip<=1.0" },
  { .name = "ceiling/pigment-type-5", .fitz = 5,
    .findings = "upper-back melasma 4, upper-back acne-scar-rolling 4, abdomen solar-lentigines 4",
    .expect = "f:upper-back:melasma<=1.0 f:upper-back:acne-scar-rolling=1.5-2.0 r:upper-back=1.5-2.0 "
              "f:abdomen:solar-lentigines<=1.0" },
  { .name = "ceiling/grade-1-scars", .fitz = 2,
    .findings = "cheek-left acne-scar-rolling 1, cheek-right acne-scar-icepick 1, chin acne-scar-boxcar 1, "
                "upper-back acne-scar-rolling 1",
    .expect = "r:cheek-left=0.5-0.5 r:cheek-right=0.5-0.5 r:chin=0.5-0.5 r:upper-back=0.5-0.5 "
              "f:upper-back:acne-scar-rolling=0.5-0.5" },
  { .name = "ceiling/grade-2-scar-is-not-macular", .fitz = 2, .findings = "cheek-left acne-scar-rolling 2",
    .expect = "r:cheek-left=1-1.5" },
  { .name = "ceiling/grade-1-beside-pigment", .fitz = 2,
    .findings = "upper-back acne-scar-boxcar 1, upper-back acne-scar-rolling 4",
    .expect = "f:upper-back:acne-scar-boxcar=0.5-0.5 f:upper-back:acne-scar-rolling=1.5-2.0 r:upper-back=1.5-2.0" },
  { .name = "ceiling/the-consultations-device", .fitz = 2, .device = "1.0/0.25",
    .findings = "upper-back acne-scar-icepick 4, lower-back acne-scar-rolling 4",
    .expect = "r:upper-back=1.0-1.0 w:below-indication@upper-back r:lower-back=1.0-1.0 "
              "!w:below-indication@lower-back" },
  { .name = "ceiling/the-consultations-device-step", .fitz = 2, .device = "2.5/0.3",
    .findings = "periorbital-left wrinkles 4, forehead fine-lines 4, upper-back acne-scar-icepick 4",
    .expect = "r:periorbital-left=no r:forehead=0.3-0.3 r:upper-back<=2.0" },

  /* Series intervals: skin at least 3 weeks, scalp at least 1 */
  { .name = "interval/skin-and-scalp", .fitz = 2, .findings = "cheek-left acne-scar-rolling 3, scalp-frontal alopecia 2",
    .expect = "s=2 s:skin=3/4 s:scalp=6/2 iv:cheek-left>=3" },
  { .name = "interval/alopecia-on-a-cheek", .fitz = 2, .findings = "cheek-left alopecia 2",
    .expect = "iv:cheek-left>=3",
    .defect = "interpretation of §3.1 'skin series at least 3 weeks apart': a cheek with an alopecia finding "
              "joins the fortnightly scalp series, so facial skin is needled every 2 weeks" },

  /* State precedence: BLOCKED > NO_SKIN_TYPE > SCREENING_INCOMPLETE > PRECAUTIONS > READY */
  { .name = "state/blocked-over-no-skin-type", .fitz = NO_SKIN, .screening = "isotretinoin=yes vitiligo=unknown",
    .findings = "cheek-left fine-lines 2", .expect = "state=blocked status=blocked" },
  { .name = "state/no-skin-type-over-incomplete", .fitz = NO_SKIN, .screening = "vitiligo=unknown anticoagulants=yes",
    .findings = "cheek-left fine-lines 2", .expect = "state=noskin status=caution" },
  { .name = "state/no-skin-type-when-screened", .fitz = NO_SKIN, .findings = "cheek-left fine-lines 2",
    .expect = "state=noskin !status=ok" },
  { .name = "state/incomplete-over-precautions", .screening = "vitiligo=unknown anticoagulants=yes",
    .ack = "all", .findings = "cheek-left fine-lines 2", .expect = "state=incomplete status=caution" },
  { .name = "state/precautions", .screening = "anticoagulants=yes", .ack = "all",
    .findings = "cheek-left fine-lines 2", .expect = "state=precautions status=caution" },
  { .name = "state/precautions-from-a-warning", .fitz = 4, .findings = "cheek-left fine-lines 2",
    .expect = "state=precautions status=caution w:pih-risk@cheek-left" },
  { .name = "state/ready", .findings = "cheek-left fine-lines 2", .expect = "state=ready status=ok nw=0 b=0" },
  { .name = "state/ready-without-findings", .expect = "state=ready status=ok nw=0 s=0" },
  { .name = "state/blocked-over-everything", .fitz = NO_SKIN, .birth = "-",
    .screening = "relative=unknown skin-cancer=yes", .findings = "cheek-left fine-lines 2",
    .expect = "state=blocked status=blocked b:skin-cancer" },
};

/* The twelve absolute items block, each alone, whatever is acknowledged */
static void
test_absolute_item (gconstpointer data)
{
  const char *item = data;
  g_autofree char *screening = g_strdup_printf ("%s=yes", item);
  g_autofree char *life = NULL;
  g_autofree char *expect = NULL;
  Case tc = { 0 };

  /* keloids are for life; isotretinoin and pregnancy pass */
  if (g_str_equal (item, "keloid-tendency"))
    life = g_strdup ("life:keloid-tendency");
  else if (g_str_equal (item, "isotretinoin") || g_str_equal (item, "pregnancy"))
    life = g_strdup_printf ("!life:%s", item);
  else
    life = g_strdup ("");
  expect = g_strdup_printf ("status=blocked state=blocked b=1 b:%s r:cheek-left=no r:upper-back=no s=0 "
                            "!w:pih-risk %s", item, life);

  tc.name = item;
  tc.fitz = 5;
  tc.screening = screening;
  tc.ack = item;
  tc.findings = "cheek-left acne-scar-rolling 3, upper-back striae-rubra 2";
  tc.expect = expect;
  run_case (&tc);
}

/* §3: caution when any relative item is true, acknowledged or not */
static void
test_relative_item (gconstpointer data)
{
  const char *item = data;
  g_autofree char *screening = g_strdup_printf ("%s=yes", item);
  g_autofree char *expect = g_strdup_printf ("status=caution state=precautions !b:%s b=0", item);
  Case tc = { 0 };

  tc.name = item;
  tc.screening = screening;
  tc.ack = item;
  tc.findings = "upper-back fine-lines 2";
  tc.expect = expect;
  run_case (&tc);
}

/* §3: caution, and the screening not finished, when any item is unanswered */
static void
test_unanswered_item (gconstpointer data)
{
  const char *item = data;
  g_autofree char *screening = g_strdup_printf ("%s=unknown", item);
  g_autofree char *expect = g_strdup_printf ("status=caution state=incomplete unanswered=%s "
                                             "m:screening-incomplete~%s !b:%s", item, item, item);
  Case tc = { 0 };

  tc.name = item;
  tc.screening = screening;
  tc.findings = "cheek-left fine-lines 2";
  tc.expect = expect;
  run_case (&tc);
}

/* The vocabulary is the spec's: 24 items in its order, twelve absolute */
static void
test_vocabulary_is_the_spec (void)
{
  guint i;

  g_assert_cmpuint (nm_vocab_n_screening (), ==, 24);
  for (i = 0; i < 12; i++)
    {
      g_assert_cmpstr (nm_vocab_screening (i)->id, ==, spec_absolute[i]);
      g_assert_cmpint (nm_vocab_screening (i)->default_class, ==, NM_SCREENING_ABSOLUTE);
      g_assert_cmpstr (nm_vocab_screening (12 + i)->id, ==, spec_relative[i]);
      g_assert_cmpint (nm_vocab_screening (12 + i)->default_class, ==, NM_SCREENING_RELATIVE);
    }
  for (i = 0; i < G_N_ELEMENTS (spec_ceilings); i++)
    g_assert_cmpint (nm_vocab_region_index (spec_ceilings[i].region), >=, 0);
  for (i = 0; spec_face[i] != NULL; i++)
    g_assert_true (nm_vocab_region_in_view (spec_face[i], NM_VIEW_FACE_FRONT));
}

/* 2. The examples of issue 11, as a clinician expects them. Today
 * 2026-12-01, born 1990-01-01, start 2026-12-01, every answered item "no"
 * unless stated; skin type III unless stated. */

static const Case issue_cases[] = {
  /* 1. A keloid on the map blocks, for life, and nothing is needled */
  { .name = "01-keloid-on-the-map", .fitz = 6, .findings = "decolletage keloid 2, upper-back acne-scar-rolling 4",
    .expect = "status=blocked state=blocked b:keloid-tendency life:keloid-tendency r:decolletage=no "
              "r:upper-back=no s=0 m:keloid-tendency~decolletage" },
  /* 3. Active acne: never needle over active lesions, on the cheek */
  { .name = "03-active-acne", .fitz = 3, .screening = "active-acne=yes",
    .findings = "cheek-left acne-scar-rolling 3",
    .expect = "status=caution state=precautions w:active-acne@cheek-left=1 "
              "m:active-acne@cheek-left~never+needle+over+active+lesions" },
  /* 4. A child gets no plan without a guardian, and not the "under 22" line alone */
  { .name = "04-child", .birth = "2016-03-01", .findings = "cheek-left acne-scar-rolling 4",
    .expect = "status=blocked state=blocked b:minor minor=1 age=10 r:cheek-left=no s=0 m:minor~18" },
  /* 5. PIH risk for type V without a pigment finding */
  { .name = "05-pih-risk-without-pigment", .fitz = 5, .findings = "cheek-left acne-scar-rolling 4",
    .expect = "status=caution !status=ok w:pih-risk@cheek-left=1 r:cheek-left=1.5-1.5 s:skin=3/6" },
  /* 6. PIH under deep scars on the back, type IV: the PIH keeps its own depth */
  { .name = "06-pih-under-deep-scars", .fitz = 4, .findings = "upper-back acne-scar-rolling 4, upper-back pih 4",
    .expect = "r:upper-back=1.5-2.0 f:upper-back:acne-scar-rolling=1.5-2.0 f:upper-back:pih=0.25-0.5 "
              "w:pih-risk@upper-back=1 rs:upper-back~Over+the+post-inflammatory+hyperpigmentation,+keep+to+0.25–0.5+mm status=caution" },
  /* 7. Only the twelve absolute items answered: not ok, the screening is not finished */
  { .name = "07-relative-items-unasked", .screening = "relative=unknown", .findings = "cheek-left acne-scar-rolling 3",
    .expect = "status=caution state=incomplete unanswered=relative w:screening-incomplete=1 "
              "m:screening-incomplete~rosacea m:screening-incomplete~tattoo-in-area" },
  /* 8. Never "Ready" before the skin type and all 24 answers; a blocked keloid is lifelong */
  { .name = "08-no-skin-type-screened", .fitz = NO_SKIN, .findings = "cheek-left fine-lines 2",
    .expect = "state=noskin !status=ok" },
  { .name = "08-no-skin-type-empty-screening", .fitz = NO_SKIN, .screening = "absolute=unknown relative=unknown",
    .findings = "cheek-left fine-lines 2", .expect = "state=noskin status=caution" },
  { .name = "08-empty-screening", .screening = "absolute=unknown relative=unknown",
    .findings = "cheek-left fine-lines 2", .expect = "state=incomplete status=caution" },
  { .name = "08-keloid-is-lifelong", .findings = "chin keloid 1", .screening = "keloid-tendency=yes",
    .expect = "state=blocked life:keloid-tendency" },
  /* 9. Goodman & Baron grade 1 (macular) scars stay at 0.5 mm */
  { .name = "09-grade-1-scars", .findings = "cheek-left acne-scar-rolling 1, cheek-right acne-scar-icepick 1",
    .expect = "r:cheek-left=0.5-0.5 r:cheek-right=0.5-0.5 f:cheek-left:acne-scar-rolling=0.5-0.5 "
              "f:cheek-right:acne-scar-icepick=0.5-0.5" },
  /* 10. Logged sessions are checked */
  { .name = "10-logged-sessions", .findings = "periorbital-left fine-lines 2",
    .logged = "2026-11-15 periorbital-left=2.0 eyelid-left=1.0",
    .expect = "status=caution !status=ok w:logged-over-plan@periorbital-left=1 w:logged-over-plan@eyelid-left=1" },
  { .name = "10-logged-sessions-without-findings", .logged = "2026-11-15 periorbital-left=2.0 eyelid-left=1.0",
    .expect = "status=caution w:logged-over-plan@periorbital-left=1 w:logged-over-plan@eyelid-left=1" },
  /* 11. Waiting times move the dates */
  { .name = "11-sunburn-moves-the-dates", .screening = "sunburn=yes", .findings = "cheek-left acne-scar-rolling 3",
    .expect = "w:wait-before-start wait=2026-12-15 d0=2026-12-15 m:wait-before-start~2026-12-15 status=caution" },
  /* 12. Held below the indication, with other treatments named */
  { .name = "12-below-the-indication", .findings = "temple-left acne-scar-icepick 3, forehead acne-scar-boxcar 3",
    .expect = "r:temple-left=0.5-0.5 r:forehead=0.5-0.5 w:below-indication@temple-left=1 "
              "w:below-indication@forehead=1 m:below-indication@temple-left~TCA+CROSS "
              "m:below-indication@forehead~punch+excision status=caution" },
  /* 13. Cold sores: nothing after a "no"; no prophylaxis for scalp-only work */
  { .name = "13-cold-sores-false", .findings = "upper-lip fine-lines 2, chin fine-lines 2",
    .expect = "!w:herpes-ask !w:herpes-prophylaxis status=ok nw=0" },
  { .name = "13-cold-sores-true-scalp-only", .screening = "herpes-history=yes",
    .findings = "scalp-vertex alopecia 2, scalp-frontal alopecia 3",
    .expect = "!w:herpes-prophylaxis !w:herpes-ask status=caution" },
  { .name = "13-cold-sores-true-scalp-only-acknowledged", .screening = "herpes-history=yes", .ack = "all",
    .findings = "scalp-vertex alopecia 2, scalp-frontal alopecia 3",
    .expect = "!w:herpes-prophylaxis !w:herpes-ask status=caution state=precautions" },
  /* 14. No birth date is said, never skipped */
  { .name = "14-no-birth-date", .birth = "-", .findings = "cheek-left acne-scar-rolling 3",
    .expect = "w:age-unknown=1 status=caution !status=ok age=-1" },
};

/* Clinic files are written with ' for " in this file. */
static char *
clinic_json (const char *text)
{
  char *json = g_strdup (text);

  g_strdelimit (json, "'", '"');
  return json;
}

static void
run_clinic_case (gconstpointer data)
{
  const Case *tc = data;
  g_autofree char *overlay = clinic_json (tc->overlay);
  Case copy = *tc;

  copy.overlay = overlay;
  run_case (&copy);
}

/* An overlay is refused, names @key, and leaves @protocol as it was. */
static gboolean
assert_refused (NmProtocol *protocol,
                const char *overlay,
                const char *key,
                const char *text)
{
  g_autofree char *before = nm_protocol_to_json (protocol);
  g_autofree char *after = NULL;
  NmProtocol *base = nm_protocol_get_base (protocol);
  guint loosened = nm_protocol_get_n_loosened (protocol);
  g_autoptr(GBytes) bytes = g_bytes_new (overlay, strlen (overlay));
  g_autoptr(GError) error = NULL;
  gboolean ok = nm_protocol_overlay_bytes (protocol, bytes, &error);

  if (ok)
    {
      g_test_fail_printf ("accepted a clinic file that goes past §3.1 (%s): %s", key, overlay);
      return FALSE;
    }
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  if (!g_str_has_prefix (error->message, key) || error->message[strlen (key)] != ':')
    g_test_fail_printf ("the refusal does not name %s first: %s", key, error->message);
  if (text != NULL && strstr (error->message, text) == NULL)
    g_test_fail_printf ("the refusal of %s does not say “%s”: %s", key, text, error->message);

  after = nm_protocol_to_json (protocol);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (nm_protocol_get_base (protocol) == base);
  g_assert_cmpuint (nm_protocol_get_n_loosened (protocol), ==, loosened);
  return TRUE;
}

typedef struct
{
  const char *name;
  const char *overlay;    /* ' for " */
  const char *key;        /* the key the message names first */
  const char *text;       /* and what it says of it, or NULL */
} Refusal;

#define CLINIC(body) "{'format': 'needlemap-protocol', " body "}"

static const Refusal refusals[] = {
  { "periorbital-left-3.0", CLINIC ("'regions': {'periorbital-left': {'max_mm': 3.0}}"),
    "regions.periorbital-left.max_mm", "3.0 is above the 0.5 mm ceiling" },
  { "periorbital-right-0.75", CLINIC ("'regions': {'periorbital-right': {'max_mm': 0.75}}"),
    "regions.periorbital-right.max_mm", "0.75 is above the 0.5 mm ceiling" },
  { "forehead-1.25", CLINIC ("'regions': {'forehead': {'max_mm': 1.25}}"),
    "regions.forehead.max_mm", "1.25 is above the 1.0 mm ceiling" },
  { "glabella-1.5", CLINIC ("'regions': {'glabella': {'max_mm': 1.5, 'sources': ['DP']}}"),
    "regions.glabella.max_mm", "1.5 is above the 1.0 mm ceiling" },
  { "temple-left-2.0", CLINIC ("'regions': {'temple-left': {'max_mm': 2.0}}"),
    "regions.temple-left.max_mm", "above the 1.0 mm ceiling" },
  { "temple-right-1.25", CLINIC ("'regions': {'temple-right': {'max_mm': 1.25}}"),
    "regions.temple-right.max_mm", "above the 1.0 mm ceiling" },
  { "nose-1.5", CLINIC ("'regions': {'nose': {'max_mm': 1.5}}"), "regions.nose.max_mm", "above the 1.0 mm ceiling" },
  { "upper-lip-1.25", CLINIC ("'regions': {'upper-lip': {'max_mm': 1.25}}"),
    "regions.upper-lip.max_mm", "above the 1.0 mm ceiling" },
  { "forehead-scar-1.5", CLINIC ("'regions': {'forehead': {'scar': {'max_mm': 1.5, 'sources': ['CLINIC']}}}"),
    "regions.forehead.scar.max_mm", "1.5 is above the 1.0 mm ceiling" },
  { "nose-scar-1.25", CLINIC ("'regions': {'nose': {'max_mm': 1.0, 'scar': {'max_mm': 1.25, 'sources': ['CLINIC']}}}"),
    "regions.nose.scar.max_mm", "above the 1.0 mm ceiling" },
  { "cheek-scar-2.75", CLINIC ("'regions': {'cheek-left': {'scar': {'max_mm': 2.75}}}"),
    "regions.cheek-left.scar.max_mm", "2.75 is above the 2.5 mm ceiling" },
  { "upper-back-3.0", CLINIC ("'regions': {'upper-back': {'max_mm': 3.0}}"),
    "regions.upper-back.max_mm", "3.0 is above the 2.5 mm ceiling" },
  { "device-3.0", CLINIC ("'device': {'max_mm': 3.0}"), "device.max_mm", "3.0 is above the 2.5 mm ceiling" },
  { "device-evaluated-2.75", CLINIC ("'device': {'evaluated_max_mm': 2.75}"), "device.evaluated_max_mm", NULL },
  { "eyelid-left-treated", CLINIC ("'regions': {'eyelid-left': {'treat': true}}"), "regions.eyelid-left.treat", NULL },
  { "eyelid-right-treated-with-a-depth", CLINIC ("'regions': {'eyelid-right': {'treat': true, 'max_mm': 0.25}}"),
    "regions.eyelid-right.treat", NULL },
  { "keloid-treated", CLINIC ("'indications': {'keloid': {'treat': true}}"), "indications.keloid.treat", NULL },
  { "pigment-rule-from-v", CLINIC ("'skin_types': {'pigment_depth': {'fitzpatrick': [5, 6]}}"),
    "skin_types.pigment_depth.fitzpatrick", NULL },
  { "pigment-rule-without-vi", CLINIC ("'skin_types': {'pigment_depth': {'fitzpatrick': [1, 5]}}"),
    "skin_types.pigment_depth.fitzpatrick", NULL },
  { "pigment-depth-1.25", CLINIC ("'skin_types': {'pigment_depth': {'max_mm': 1.25}}"),
    "skin_types.pigment_depth.max_mm", "1.25 is above the 1.0 mm ceiling" },
  { "pih-warning-from-v", CLINIC ("'skin_types': {'pih_warning': {'fitzpatrick': [5, 6]}}"),
    "skin_types.pih_warning.fitzpatrick", NULL },
  { "skin-interval-2", CLINIC ("'indications': {'acne-scar-rolling': {'series': {'interval_weeks': 2}}}"),
    "indications.acne-scar-rolling.series.interval_weeks", "below the 3 weeks" },
  { "skin-interval-1", CLINIC ("'indications': {'melasma': {'series': {'interval_weeks': 1}}}"),
    "indications.melasma.series.interval_weeks", "below the 3 weeks" },
  { "skin-in-the-scalp-schedule-weekly",
    CLINIC ("'indications': {'acne-scar-rolling': {'series': {'schedule': 'scalp', 'interval_weeks': 1}}}"),
    "indications.acne-scar-rolling.series.interval_weeks", "below the 3 weeks" },
  { "indication-depth-3.0", CLINIC ("'indications': {'acne-scar-icepick': {'depth': {'max_mm': 3.0}}}"),
    "indications.acne-scar-icepick.depth.max_mm", NULL },
  { "one-bad-value-refuses-the-file",
    CLINIC ("'regions': {'cheek-left': {'max_mm': 1.5}, 'periorbital-left': {'max_mm': 1.0}}"),
    "regions.periorbital-left.max_mm", "above the 0.5 mm ceiling" },
};

static void
test_refusal (gconstpointer data)
{
  const Refusal *r = data;
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autofree char *overlay = clinic_json (r->overlay);

  if (!assert_refused (protocol, overlay, r->key, r->text))
    return;
  g_assert_null (nm_protocol_get_base (protocol));
  g_assert_cmpuint (nm_protocol_get_n_loosened (protocol), ==, 0);
}

/* "A clinic may make a relative item absolute, never the reverse" (§1.4) */
static void
test_absolute_made_relative (gconstpointer data)
{
  const char *item = data;
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autofree char *overlay = g_strdup_printf ("{\"format\": \"needlemap-protocol\", \"screening\": "
                                              "{\"%s\": {\"class\": \"relative\", \"sources\": [\"CLINIC\"]}}}", item);
  g_autofree char *key = g_strdup_printf ("screening.%s.class", item);

  assert_refused (protocol, overlay, key, NULL);
}

/* A refused file after an accepted one leaves the accepted one in place */
static void
test_refused_after_accepted (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autofree char *good = clinic_json (CLINIC ("'regions': {'cheek-left': {'max_mm': 1.5}}"));
  g_autofree char *bad = clinic_json (CLINIC ("'regions': {'cheek-right': {'max_mm': 1.5}}, "
                                              "'device': {'max_mm': 3.0}"));
  g_autoptr(GBytes) bytes = g_bytes_new (good, strlen (good));
  g_autoptr(GError) error = NULL;

  g_assert_true (nm_protocol_overlay_bytes (protocol, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nm_protocol_get_n_loosened (protocol), ==, 1);
  if (!assert_refused (protocol, bad, "device.max_mm", "above the 2.5 mm ceiling"))
    return;
  g_assert_cmpfloat (nm_protocol_get_region (protocol, "cheek-left")->max_mm, ==, 1.5);
  g_assert_cmpfloat (nm_protocol_get_region (protocol, "cheek-right")->max_mm, ==, 1.0);
}

/* Issue 11, example 2: the review's clinic file is refused, key by key, and
 * the plans keep the built-in protocol's safety. */
static void
test_issue_02_clinic_file (void)
{
  static const char * const loosened_items[] = {
    "pregnancy", "isotretinoin", "keloid-tendency", "skin-cancer", "active-infection", "bleeding-disorder", NULL
  };
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GString) whole = g_string_new ("{\"format\": \"needlemap-protocol\", "
                                           "\"device\": {\"max_mm\": 3.0}, "
                                           "\"regions\": {\"periorbital-left\": {\"max_mm\": 3.0}}, "
                                           "\"screening\": {");
  guint i;

  for (i = 0; loosened_items[i] != NULL; i++)
    g_string_append_printf (whole, "%s\"%s\": {\"class\": \"relative\"}", i > 0 ? ", " : "", loosened_items[i]);
  g_string_append (whole, "}}");

  /* the whole file, then each of its values alone */
  assert_refused (protocol, whole->str, "device.max_mm", "3.0 is above the 2.5 mm ceiling");
  assert_refused (protocol, "{\"format\": \"needlemap-protocol\", \"regions\": {\"periorbital-left\": {\"max_mm\": 3.0}}}",
                  "regions.periorbital-left.max_mm", "3.0 is above the 0.5 mm ceiling");
  for (i = 0; loosened_items[i] != NULL; i++)
    {
      g_autofree char *one = g_strdup_printf ("{\"format\": \"needlemap-protocol\", \"screening\": "
                                              "{\"%s\": {\"class\": \"relative\"}}}", loosened_items[i]);
      g_autofree char *key = g_strdup_printf ("screening.%s.class", loosened_items[i]);

      assert_refused (protocol, one, key, NULL);
    }

  /* what the review saw: periorbital 1.0–1.5 mm with status ok, an isotretinoin client at 2.75 mm */
  {
    Case periorbital = { .name = "02-periorbital", .findings = "periorbital-left wrinkles 4",
                         .expect = "r:periorbital-left<=0.5" };
    Case isotretinoin = { .name = "02-isotretinoin", .screening = "isotretinoin=yes",
                          .findings = "upper-back acne-scar-icepick 4",
                          .expect = "status=blocked b:isotretinoin r:upper-back=no s=0" };

    run_case (&periorbital);
    run_case (&isotretinoin);
  }
}

/* Issue 11, example 15: one source of truth for the device. A consultation
 * that stores its device (plan.device) gets the same plan whatever device
 * the window's Preferences hold. */
static void
test_issue_15_one_device (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  Case tc = { .name = "15-one-device", .fitz = 2, .device = "1.5/0.25",
              .findings = "upper-back acne-scar-rolling 4, cheek-left fine-lines 3" };
  g_autoptr(NmConsultation) c = case_consultation (&tc);
  NmPlannerOptions preferences[] = {
    { .device_max_mm = 2.5, .step_mm = 0.25 },
    { .device_max_mm = 1.0, .step_mm = 0.5 },
    { .device_max_mm = 0.5, .step_mm = 0.1 },
  };
  g_autoptr(NmPlan) command_line = NULL;
  g_autofree char *json = NULL;
  GDate today;
  guint i;

  parse_date (TODAY, &today);
  command_line = nm_planner_run (c, protocol, &today);
  json = nm_plan_to_json (command_line);
  g_assert_cmpfloat (nm_plan_get_device_max_mm (command_line), ==, 1.5);
  g_assert_cmpfloat (nm_plan_get_device_step_mm (command_line), ==, 0.25);

  for (i = 0; i < G_N_ELEMENTS (preferences); i++)
    {
      g_autoptr(NmPlan) window = nm_planner_run_full (c, protocol, &today, &preferences[i]);
      g_autofree char *window_json = nm_plan_to_json (window);

      if (!g_str_equal (window_json, json))
        {
          g_test_message ("KNOWN SPEC-DEFECT: NmPlannerOptions.device_max_mm (the window's Preferences) still "
                          "lowers the plan of a consultation that stores its own device");
          g_test_message ("with Preferences %g mm / %g mm the window plans device %g mm, the command line %g mm",
                          preferences[i].device_max_mm, preferences[i].step_mm,
                          nm_plan_get_device_max_mm (window), nm_plan_get_device_max_mm (command_line));
          g_test_fail_printf ("the window and the command line plan the same file differently (Preferences "
                              "%g/%g mm)", preferences[i].device_max_mm, preferences[i].step_mm);
        }
    }
}

/* 3. Clinic files within the ceilings: looser values warn on the plans they
 * change, and only there; stricter values never warn and hold. */

static const Case clinic_cases[] = {
  /* Looser, within the ceilings */
  { .name = "loosened/periorbital-0.5", .overlay = CLINIC ("'regions': {'periorbital-left': {'max_mm': 0.5}}"),
    .findings = "periorbital-left wrinkles 4, periorbital-right wrinkles 4",
    .expect = "loosened=1 r:periorbital-left=0.5-0.5 r:periorbital-right=0.25-0.25 "
              "w:clinic-rule-loosened@periorbital-left "
              "m:clinic-rule-loosened@periorbital-left~regions.periorbital-left.max_mm "
              "!w:clinic-rule-loosened@periorbital-right status=caution" },
  { .name = "loosened/periorbital-0.5-plan-unchanged",
    .overlay = CLINIC ("'regions': {'periorbital-left': {'max_mm': 0.5}}"),
    .findings = "cheek-left fine-lines 2",
    .expect = "loosened=1 !w:clinic-rule-loosened status=ok state=ready nw=0" },
  { .name = "loosened/cheek-scar-2.0", .fitz = 2,
    .overlay = CLINIC ("'regions': {'cheek-left': {'scar': {'max_mm': 2.0}}}"),
    .findings = "cheek-left acne-scar-rolling 4",
    .expect = "r:cheek-left=1.5-2.0 w:clinic-rule-loosened@cheek-left "
              "m:clinic-rule-loosened@cheek-left~regions.cheek-left.scar.max_mm" },
  { .name = "loosened/cheek-scar-2.0-other-cheek", .fitz = 2,
    .overlay = CLINIC ("'regions': {'cheek-left': {'scar': {'max_mm': 2.0}}}"),
    .findings = "cheek-right acne-scar-rolling 4",
    .expect = "r:cheek-right=1.5-1.5 !w:clinic-rule-loosened status=ok" },
  { .name = "loosened/forehead-at-its-ceiling", .fitz = 2,
    .overlay = CLINIC ("'regions': {'forehead': {'max_mm': 1.0, 'scar': {'max_mm': 1.0, 'sources': ['DP']}}}"),
    .findings = "forehead acne-scar-boxcar 4",
    .expect = "r:forehead=1.0-1.0 w:clinic-rule-loosened@forehead !w:below-indication" },
  { .name = "loosened/sessions", .fitz = 2,
    .overlay = CLINIC ("'indications': {'acne-scar-rolling': {'series': {'sessions': 6}}}"),
    .findings = "cheek-left acne-scar-rolling 3",
    .expect = "s:skin=6/4 w:clinic-rule-loosened m:clinic-rule-loosened~indications.acne-scar-rolling.series.sessions" },
  { .name = "loosened/sessions-plan-unchanged", .fitz = 2,
    .overlay = CLINIC ("'indications': {'acne-scar-rolling': {'series': {'sessions': 6}}}"),
    .findings = "forehead fine-lines 2", .expect = "!w:clinic-rule-loosened status=ok" },
  { .name = "loosened/interval-3-weeks", .fitz = 2,
    .overlay = CLINIC ("'indications': {'acne-scar-rolling': {'series': {'interval_weeks': 3}}}"),
    .findings = "cheek-left acne-scar-rolling 3", .expect = "s:skin=3/3 w:clinic-rule-loosened" },
  { .name = "loosened/skin-type-interval-4", .fitz = 5,
    .overlay = CLINIC ("'skin_types': {'interval': {'min_weeks': 4}}"),
    .findings = "cheek-left acne-scar-rolling 3", .expect = "s:skin=3/4 w:clinic-rule-loosened" },
  { .name = "loosened/skin-type-interval-4-type-2", .fitz = 2,
    .overlay = CLINIC ("'skin_types': {'interval': {'min_weeks': 4}}"),
    .findings = "cheek-left acne-scar-rolling 3", .expect = "s:skin=3/4 !w:clinic-rule-loosened status=ok" },
  { .name = "loosened/evaluated-2.0", .fitz = 2, .overlay = CLINIC ("'device': {'evaluated_max_mm': 2.0}"),
    .findings = "upper-back acne-scar-icepick 4",
    .expect = "r:upper-back=1.75-2.0 !w:depth-over-evaluated w:clinic-rule-loosened" },
  { .name = "loosened/under-age-18", .birth = "2006-01-01",
    .overlay = CLINIC ("'warnings': {'under-age': {'min_age_years': 18}}"),
    .findings = "cheek-left fine-lines 2", .expect = "!w:under-age w:clinic-rule-loosened" },
  { .name = "loosened/neck-clearance-all-types", .fitz = 5,
    .overlay = CLINIC ("'skin_types': {'neck_clearance': {'fitzpatrick': [1, 6]}}"),
    .findings = "neck wrinkles 2", .expect = "!w:neck-fitzpatrick w:clinic-rule-loosened" },
  { .name = "loosened/pigment-1.0", .fitz = 5,
    .overlay = CLINIC ("'skin_types': {'pigment_depth': {'max_mm': 1.0}}"),
    .findings = "cheek-left melasma 4", .expect = "r:cheek-left=1.0-1.0 w:clinic-rule-loosened@cheek-left" },
  { .name = "loosened/indication-min", .fitz = 2,
    .overlay = CLINIC ("'indications': {'acne-scar-rolling': {'depth': {'min_mm': 1.5}}}"),
    .findings = "upper-back acne-scar-rolling 2",
    .expect = "r:upper-back=1.5-1.75 w:clinic-rule-loosened@upper-back" },
  { .name = "loosened/a-finding-deeper-the-region-not", .fitz = 2,
    .overlay = CLINIC ("'indications': {'pih': {'depth': {'max_mm': 1.0}}}"),
    .findings = "upper-back acne-scar-rolling 4, upper-back pih 4",
    .expect = "r:upper-back=1.5-2.0 f:upper-back:pih=0.5-1.0 w:clinic-rule-loosened",
    .defect = "the clinic file needles the PIH at 0.5–1.0 mm where the built-in protocol says 0.25–0.5 mm, "
              "but the region's own depth is the same, so no clinic-rule-loosened" },
  { .name = "loosened/not-from-a-stricter-change", .fitz = 5, .screening = "anticoagulants=yes",
    .overlay = CLINIC ("'screening': {'anticoagulants': {'class': 'absolute'}}, "
                       "'regions': {'cheek-left': {'scar': {'max_mm': 2.0}}}"),
    .findings = "forehead fine-lines 2",
    .expect = "status=blocked b:anticoagulants loosened=1 !w:clinic-rule-loosened",
    .defect = "a plan blocked by the file's stricter rule gets clinic-rule-loosened for every warning the "
              "built-in plan had (pih-risk, anticoagulants…), though the loosened cheek limit does not touch it" },

  /* Stricter: honoured, never warned */
  { .name = "stricter/relative-made-absolute",
    .overlay = CLINIC ("'screening': {'anticoagulants': {'class': 'absolute'}}"), .screening = "anticoagulants=yes",
    .findings = "cheek-left fine-lines 2",
    .expect = "loosened=0 status=blocked b:anticoagulants r:cheek-left=no s=0 !w:clinic-rule-loosened" },
  { .name = "stricter/sunburn-made-absolute",
    .overlay = CLINIC ("'screening': {'sunburn': {'class': 'absolute'}}"), .screening = "sunburn=yes",
    .findings = "cheek-left fine-lines 2", .expect = "loosened=0 status=blocked b:sunburn s=0" },
  { .name = "stricter/lower-cheek-limits",
    .overlay = CLINIC ("'regions': {'cheek-left': {'max_mm': 0.5, 'scar': {'max_mm': 0.5}}}"),
    .findings = "cheek-left acne-scar-rolling 3",
    .expect = "loosened=0 r:cheek-left=0.5-0.5 w:below-indication@cheek-left !w:clinic-rule-loosened" },
  { .name = "stricter/longer-interval",
    .overlay = CLINIC ("'indications': {'acne-scar-rolling': {'series': {'interval_weeks': 8, 'sessions': 2}}}"),
    .findings = "cheek-left acne-scar-rolling 3", .expect = "loosened=0 s:skin=2/8 !w:clinic-rule-loosened status=ok" },
  { .name = "stricter/pigment-rule-wider-and-lower",
    .overlay = CLINIC ("'skin_types': {'pigment_depth': {'fitzpatrick': [3, 6], 'max_mm': 0.25}}"),
    .findings = "cheek-left melasma 3",
    .expect = "loosened=0 f:cheek-left:melasma=0.25-0.25 w:below-indication@cheek-left !w:clinic-rule-loosened" },
  { .name = "stricter/interval-rule-covers-scalp", .fitz = 5,
    .overlay = CLINIC ("'skin_types': {'interval': {'schedules': ['skin', 'scalp']}}"),
    .findings = "scalp-vertex alopecia 2", .expect = "loosened=0 s:scalp=6/6" },
  { .name = "stricter/neck-clearance-narrower", .fitz = 4,
    .overlay = CLINIC ("'skin_types': {'neck_clearance': {'fitzpatrick': [2, 3]}}"),
    .findings = "neck wrinkles 2", .expect = "loosened=0 w:neck-fitzpatrick" },
  { .name = "stricter/under-age-25", .birth = "2003-06-01",
    .overlay = CLINIC ("'warnings': {'under-age': {'min_age_years': 25}}"),
    .findings = "cheek-left fine-lines 2", .expect = "loosened=0 w:under-age" },
  { .name = "stricter/cold-sores-on-the-nose", .screening = "herpes-history=yes", .ack = "all",
    .overlay = CLINIC ("'warnings': {'herpes-prophylaxis': {'regions': ['upper-lip', 'chin', 'cheek-left', "
                       "'cheek-right', 'nose']}}"),
    .findings = "nose fine-lines 2", .expect = "loosened=0 w:herpes-prophylaxis@nose" },
  { .name = "stricter/pih-warning-from-type-3", .fitz = 3,
    .overlay = CLINIC ("'skin_types': {'pih_warning': {'fitzpatrick': [3, 6]}}"),
    .findings = "cheek-left acne-scar-rolling 3", .expect = "loosened=0 w:pih-risk@cheek-left=1 status=caution" },
};

/* A clinic file that moves a skin indication into the scalp schedule must
 * not needle skin more often than every 3 weeks (§3.1): refuse it, or hold
 * the series. */
static void
test_skin_in_the_scalp_schedule (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autofree char *overlay = clinic_json (CLINIC ("'indications': {'acne-scar-rolling': {'series': "
                                                  "{'schedule': 'scalp', 'interval_weeks': 1}}}"));
  g_autoptr(GBytes) bytes = g_bytes_new (overlay, strlen (overlay));
  g_autoptr(GError) error = NULL;

  if (!nm_protocol_overlay_bytes (protocol, bytes, &error))
    {
      g_test_message ("refused: %s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "indications.acne-scar-rolling.series."));
      return;
    }

  {
    Case tc = { .name = "skin-in-the-scalp-schedule", .fitz = 2, .overlay = overlay,
                .findings = "cheek-left acne-scar-rolling 3", .expect = "iv:cheek-left>=3",
                .defect = "accepted: indications.acne-scar-rolling.series {schedule: scalp, interval_weeks: 1} "
                          "needles cheek scars every week (the ceiling is checked by schedule id, not by region)" };
    run_case (&tc);
  }
}

/* A stricter device alone (a shallower maximum) is a rule made stricter */
static void
test_stricter_device_alone (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autofree char *overlay = clinic_json (CLINIC ("'device': {'max_mm': 1.5, 'evaluated_max_mm': 1.5}"));
  g_autoptr(GBytes) bytes = g_bytes_new (overlay, strlen (overlay));
  g_autoptr(GError) error = NULL;

  if (!nm_protocol_overlay_bytes (protocol, bytes, &error))
    {
      g_test_message ("KNOWN SPEC-DEFECT: a clinic cannot lower the device maximum alone; every region and "
                      "indication deeper than it must be lowered by hand in the same file (§3.1: a clinic file "
                      "may make any rule stricter)");
      g_test_fail_printf ("a shallower device is refused: %s", error->message);
      return;
    }

  {
    Case tc = { .name = "stricter-device", .fitz = 2, .overlay = overlay,
                .findings = "upper-back acne-scar-icepick 4",
                .expect = "loosened=0 r:upper-back=1.5-1.5 !w:clinic-rule-loosened" };
    run_case (&tc);
  }
}

/* 4. Property tests */

static double
random_quarter (int from,
                int to)
{
  return 0.25 * g_test_rand_int_range (from, to + 1);
}

static const char *
random_region (void)
{
  return nm_vocab_region ((guint) g_test_rand_int_range (0, (gint32) nm_vocab_n_regions ()))->id;
}

static const char *
random_kind (gboolean keloids)
{
  const char *kind;

  do
    kind = nm_vocab_kind ((guint) g_test_rand_int_range (0, (gint32) nm_vocab_n_kinds ()))->id;
  while (!keloids && g_str_equal (kind, "keloid"));
  return kind;
}

static void
shift_days (GDate *date,
            int    days)
{
  if (days >= 0)
    g_date_add_days (date, (guint) days);
  else
    g_date_subtract_days (date, (guint) -days);
}

static NmConsultation *
random_consultation (GDate *today)
{
  static const double steps[] = { 0.05, 0.1, 0.2, 0.25, 0.3, 0.5 };
  NmConsultation *c = nm_consultation_new ();
  gboolean complete = g_test_rand_int_range (0, 100) < 35;
  GDate first;
  guint i, n;
  int roll;

  g_date_clear (today, 1);
  g_date_set_dmy (today, (GDateDay) g_test_rand_int_range (1, 29), (GDateMonth) g_test_rand_int_range (1, 13),
                  (GDateYear) g_test_rand_int_range (2026, 2029));
  nm_consultation_set_fitzpatrick (c, (guint) g_test_rand_int_range (0, 7));

  first = *today;
  if (g_test_rand_int_range (0, 4) > 0)
    {
      g_autofree char *iso = NULL;

      shift_days (&first, g_test_rand_int_range (-20, 40));
      iso = format_date (&first);
      nm_consultation_set_start_date (c, iso);
    }

  /* ages: none, minors, around the 18th birthday (within a wait), adults */
  roll = g_test_rand_int_range (0, 100);
  if (roll >= 10)
    {
      g_autofree char *iso = NULL;
      GDate born = first;

      if (roll < 30)
        {
          g_date_subtract_years (&born, (guint) g_test_rand_int_range (8, 18));
          shift_days (&born, -g_test_rand_int_range (0, 365));
        }
      else if (roll < 45)
        {
          g_date_subtract_years (&born, 18);
          shift_days (&born, g_test_rand_int_range (-20, 21));
        }
      else
        {
          g_date_subtract_years (&born, (guint) g_test_rand_int_range (18, 81));
          shift_days (&born, -g_test_rand_int_range (0, 365));
        }
      iso = format_date (&born);
      nm_consultation_set_birth_date (c, iso);
    }
  if (g_test_rand_int_range (0, 100) < 40)
    nm_consultation_set_guardian (c, "A. Guardian");

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      int answer = complete ? 50 : g_test_rand_int_range (0, 100);

      if (answer < 6)
        {
          nm_consultation_set_screening (c, id, NM_ANSWER_YES);
          if (g_test_rand_bit ())
            nm_consultation_set_acknowledgement (c, id, "Discussed");
        }
      else if (answer < 14)
        nm_consultation_set_screening (c, id, NM_ANSWER_UNKNOWN);
      else
        nm_consultation_set_screening (c, id, NM_ANSWER_NO);
    }

  n = (guint) g_test_rand_int_range (0, 7);
  for (i = 0; i < n; i++)
    {
      const char *kind = g_test_rand_int_range (0, 100) < 3 ? "keloid" : random_kind (FALSE);
      g_autoptr(NmFinding) finding = nm_finding_new (random_region (), kind, (guint) g_test_rand_int_range (1, 5));

      nm_consultation_add_finding (c, finding);
    }

  if (g_test_rand_int_range (0, 100) < 20)
    {
      nm_consultation_set_device_max_mm (c, random_quarter (2, 10));
      if (g_test_rand_bit ())
        nm_consultation_set_device_step_mm (c, steps[g_test_rand_int_range (0, G_N_ELEMENTS (steps))]);
    }

  n = g_test_rand_int_range (0, 100) < 60 ? 0 : (guint) g_test_rand_int_range (1, 3);
  for (i = 0; i < n; i++)
    {
      GDate date = first;
      g_autofree char *iso = NULL;
      g_autoptr(NmSession) session = NULL;
      guint k, regions = (guint) g_test_rand_int_range (1, 4);

      shift_days (&date, -g_test_rand_int_range (1, 60));
      iso = format_date (&date);
      session = nm_session_new (iso);
      nm_session_set_done (session, g_test_rand_int_range (0, 4) > 0);
      for (k = 0; k < regions; k++)
        {
          const char *region = random_region ();

          if (nm_consultation_get_n_findings (c) > 0 && g_test_rand_int_range (0, 10) < 7)
            region = nm_finding_get_region (nm_consultation_get_finding (c, (guint) g_test_rand_int_range (0, (gint32) nm_consultation_get_n_findings (c))));
          nm_session_set_depth (session, region, random_quarter (1, 12));
        }
      nm_consultation_add_session (c, session);
    }

  return c;
}

static json_object *
member_object (json_object *parent,
               const char  *key)
{
  json_object *child = NULL;

  if (!json_object_object_get_ex (parent, key, &child) || !json_object_is_type (child, json_type_object))
    {
      child = json_object_new_object ();
      json_object_object_add (parent, key, child);
    }
  return child;
}

/* Skin types [from, to], two times in three still covering IV–VI */
static json_object *
random_fitzpatrick (void)
{
  json_object *range = json_object_new_array ();
  gboolean dark = g_test_rand_int_range (0, 3) > 0;
  int from = g_test_rand_int_range (1, dark ? 5 : 7);

  json_object_array_add (range, json_object_new_int (from));
  json_object_array_add (range, json_object_new_int (dark ? 6 : g_test_rand_int_range (from, 7)));
  return range;
}

static json_object *
clinic_sources (void)
{
  json_object *sources = json_object_new_array ();

  json_object_array_add (sources, json_object_new_string ("CLINIC"));
  return sources;
}

/* A clinic file that changes a few values, within the ceilings or not */
static json_object *
random_overlay (gboolean *step_changed)
{
  static const double steps[] = { 0.05, 0.1, 0.125, 0.5 };
  json_object *root = json_object_new_object ();
  guint i, n = (guint) g_test_rand_int_range (1, 6);

  json_object_object_add (root, "format", json_object_new_string ("needlemap-protocol"));
  for (i = 0; i < n; i++)
    {
      switch (g_test_rand_int_range (0, 17))
        {
        case 0: case 1: case 2:   /* a region's limit, mostly within its ceiling */
          {
            const char *region;
            double ceiling;

            do
              region = random_region ();
            while (spec_ceiling (region) <= 0.0);
            ceiling = spec_ceiling (region);
            json_object_object_add (member_object (member_object (root, "regions"), region), "max_mm",
                                    json_object_new_double (g_test_rand_int_range (0, 3) > 0
                                                            ? random_quarter (1, (int) (ceiling / 0.25 + 0.5))
                                                            : random_quarter (1, 12)));
          }
          break;

        case 3:   /* a scar limit */
          {
            const char *region;
            json_object *scar;

            do
              region = random_region ();
            while (spec_ceiling (region) <= 0.0);
            scar = member_object (member_object (member_object (root, "regions"), region), "scar");
            json_object_object_add (scar, "max_mm", json_object_new_double (random_quarter (1, 11)));
            json_object_object_add (scar, "sources", clinic_sources ());
          }
          break;

        case 4:   /* the device */
          {
            json_object *device = member_object (root, "device");

            switch (g_test_rand_int_range (0, 3))
              {
              case 0:   /* a shallower device below 2.0 mm needs every deeper limit lowered too */
                json_object_object_add (device, "max_mm", json_object_new_double (random_quarter (8, 12)));
                break;
              case 1:
                json_object_object_add (device, "step_mm",
                                        json_object_new_double (steps[g_test_rand_int_range (0, G_N_ELEMENTS (steps))]));
                *step_changed = TRUE;
                break;
              default:
                json_object_object_add (device, "evaluated_max_mm", json_object_new_double (random_quarter (4, 12)));
                break;
              }
          }
          break;

        case 5:   /* an indication's depth */
          {
            json_object *depth = member_object (member_object (member_object (root, "indications"),
                                                               random_kind (FALSE)), "depth");

            json_object_object_add (depth, g_test_rand_bit () ? "min_mm" : "max_mm",
                                    json_object_new_double (random_quarter (1, 11)));
          }
          break;

        case 6: case 7:   /* an indication's series */
          {
            json_object *series = member_object (member_object (member_object (root, "indications"),
                                                                random_kind (FALSE)), "series");
            int what = g_test_rand_int_range (0, 10);

            if (what < 4)
              json_object_object_add (series, "sessions", json_object_new_int (g_test_rand_int_range (1, 13)));
            else if (what < 9)
              json_object_object_add (series, "interval_weeks", json_object_new_int (g_test_rand_int_range (1, 9)));
            else
              json_object_object_add (series, "schedule", json_object_new_string (g_test_rand_bit () ? "scalp" : "skin"));
          }
          break;

        case 8:   /* the pigment rule */
          {
            json_object *rule = member_object (member_object (root, "skin_types"), "pigment_depth");

            if (g_test_rand_bit ())
              json_object_object_add (rule, "fitzpatrick", random_fitzpatrick ());
            else
              json_object_object_add (rule, "max_mm", json_object_new_double (random_quarter (1, 5)));
          }
          break;

        case 9:   /* the skin-type interval rule */
          {
            json_object *rule = member_object (member_object (root, "skin_types"), "interval");
            int what = g_test_rand_int_range (0, 3);

            if (what == 0)
              json_object_object_add (rule, "fitzpatrick", random_fitzpatrick ());
            else if (what == 1)
              json_object_object_add (rule, "min_weeks", json_object_new_int (g_test_rand_int_range (1, 11)));
            else
              {
                json_object *schedules = json_object_new_array ();

                json_object_array_add (schedules, json_object_new_string (g_test_rand_bit () ? "skin" : "scalp"));
                if (g_test_rand_bit ())
                  json_object_array_add (schedules, json_object_new_string ("scalp"));
                json_object_object_add (rule, "schedules", schedules);
              }
          }
          break;

        case 10:
          json_object_object_add (member_object (member_object (root, "skin_types"), "pih_warning"),
                                  "fitzpatrick", random_fitzpatrick ());
          break;

        case 11:
          json_object_object_add (member_object (member_object (root, "skin_types"), "neck_clearance"),
                                  "fitzpatrick", random_fitzpatrick ());
          break;

        case 12: case 13:   /* a screening class: mostly a relative item made absolute */
          {
            const char *item = nm_vocab_screening ((guint) g_test_rand_int_range (0, 24))->id;
            gboolean relative = spec_is_absolute (item) ? g_test_rand_int_range (0, 4) == 0 : g_test_rand_bit ();

            json_object_object_add (member_object (member_object (root, "screening"), item),
                                    "class", json_object_new_string (relative ? "relative" : "absolute"));
          }
          break;

        case 14:   /* what can never be enabled, now and then */
          if (g_test_rand_int_range (0, 3) > 0)
            json_object_object_add (member_object (member_object (root, "regions"), "neck"),
                                    "max_mm", json_object_new_double (random_quarter (1, 8)));
          else if (g_test_rand_bit ())
            json_object_object_add (member_object (member_object (root, "regions"),
                                                   g_test_rand_bit () ? "eyelid-left" : "eyelid-right"),
                                    "treat", json_object_new_boolean (TRUE));
          else
            json_object_object_add (member_object (member_object (root, "indications"), "keloid"),
                                    "treat", json_object_new_boolean (TRUE));
          break;

        case 15:   /* the age the device is indicated from */
          json_object_object_add (member_object (member_object (root, "warnings"), "under-age"),
                                  "min_age_years", json_object_new_int (g_test_rand_int_range (0, 31)));
          break;

        default:   /* where cold sores are warned about */
          {
            json_object *regions = json_object_new_array ();
            guint k, count = (guint) g_test_rand_int_range (1, 5);

            for (k = 0; k < count; k++)
              json_object_array_add (regions, json_object_new_string (random_region ()));
            json_object_object_add (member_object (member_object (root, "warnings"), "herpes-prophylaxis"),
                                    "regions", regions);
          }
          break;
        }
    }
  return root;
}

static gboolean
number_of (json_object *object,
           const char  *key,
           double      *out)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, key, &value) ||
      (!json_object_is_type (value, json_type_double) && !json_object_is_type (value, json_type_int)))
    return FALSE;
  *out = json_object_get_double (value);
  return TRUE;
}

static json_object *
object_of (json_object *object,
           const char  *key)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_object))
    return NULL;
  return value;
}

static gboolean
covers_dark_skin (json_object *rule)
{
  json_object *range = NULL;

  if (rule == NULL || !json_object_object_get_ex (rule, "fitzpatrick", &range))
    return TRUE;
  return json_object_get_int (json_object_array_get_idx (range, 0)) <= 4 &&
         json_object_get_int (json_object_array_get_idx (range, 1)) >= 6;
}

/* What in @overlay, laid over @current, goes past §3.1: @keys gets the key
 * paths a refusal may name first (the limits checked before anything else);
 * returns whether anything at all goes past a limit. */
static gboolean
overlay_past_limits (json_object *overlay,
                     NmProtocol  *current,
                     GPtrArray   *keys)
{
  json_object *device = object_of (overlay, "device");
  json_object *regions = object_of (overlay, "regions");
  json_object *indications = object_of (overlay, "indications");
  json_object *skin = object_of (overlay, "skin_types");
  json_object *screening = object_of (overlay, "screening");
  gboolean past = FALSE;
  double mm;
  guint i;

#define PAST(...) G_STMT_START { g_ptr_array_add (keys, g_strdup_printf (__VA_ARGS__)); past = TRUE; } G_STMT_END

  if (number_of (device, "max_mm", &mm) && mm > SPEC_MAX_MM + EPS)
    PAST ("device.max_mm");
  if (number_of (device, "evaluated_max_mm", &mm) && mm > SPEC_MAX_MM + EPS)
    PAST ("device.evaluated_max_mm");

  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      json_object *entry = object_of (regions, id);
      json_object *treat = NULL;

      if (entry == NULL)
        continue;
      if (spec_ceiling (id) <= 0.0)
        {
          if (json_object_object_get_ex (entry, "treat", &treat) && json_object_get_boolean (treat))
            past = TRUE;   /* the parser refuses it */
          continue;
        }
      if (number_of (entry, "max_mm", &mm) && mm > spec_ceiling (id) + EPS)
        PAST ("regions.%s.max_mm", id);
      if (number_of (object_of (entry, "scar"), "max_mm", &mm) && mm > spec_ceiling (id) + EPS)
        PAST ("regions.%s.scar.max_mm", id);
    }

  if (number_of (object_of (skin, "pigment_depth"), "max_mm", &mm) && mm > SPEC_PIGMENT_DARK_MM + EPS)
    PAST ("skin_types.pigment_depth.max_mm");
  if (number_of (object_of (skin, "interval"), "min_weeks", &mm) && mm < SPEC_SKIN_WEEKS)
    PAST ("skin_types.interval.min_weeks");
  if (!covers_dark_skin (object_of (skin, "pigment_depth")))
    PAST ("skin_types.pigment_depth.fitzpatrick");
  if (!covers_dark_skin (object_of (skin, "pih_warning")))
    PAST ("skin_types.pih_warning.fitzpatrick");

  for (i = 0; i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      const NmProtocolIndication *ind = nm_protocol_get_indication (current, id);
      json_object *entry = object_of (indications, id);
      json_object *series = object_of (entry, "series");
      json_object *value = NULL;
      const char *schedule = ind->schedule;
      double weeks = ind->interval_weeks;

      if (entry == NULL)
        continue;
      if (g_str_equal (id, "keloid"))
        {
          if (json_object_object_get_ex (entry, "treat", &value) && json_object_get_boolean (value))
            past = TRUE;   /* the parser refuses it */
          continue;
        }
      if (number_of (object_of (entry, "depth"), "min_mm", &mm) && mm > SPEC_MAX_MM + EPS)
        past = TRUE;
      if (number_of (object_of (entry, "depth"), "max_mm", &mm) && mm > SPEC_MAX_MM + EPS)
        past = TRUE;
      if (series != NULL && json_object_object_get_ex (series, "schedule", &value))
        schedule = json_object_get_string (value);
      number_of (series, "interval_weeks", &weeks);
      /* spec §3.1 by where the needle goes: hair loss is needled on the
       * scalp (1 week), everything else on skin (3), whatever the
       * schedule's name */
      (void) schedule;
      if (series != NULL && weeks < spec_min_weeks_for_kind (id))
        PAST ("indications.%s.series.interval_weeks", id);
    }

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      json_object *klass = NULL;

      if (spec_is_absolute (id) && json_object_object_get_ex (object_of (screening, id), "class", &klass) &&
          g_strcmp0 (json_object_get_string (klass), "absolute") != 0)
        PAST ("screening.%s.class", id);
    }

#undef PAST
  return past;
}

/* §3.1 on an accepted protocol itself */
static void
check_protocol (Tally      *t,
                NmProtocol *protocol)
{
  const NmProtocolSkinRule *pigment = nm_protocol_get_skin_rule (protocol, NM_SKIN_RULE_PIGMENT_DEPTH);
  const NmProtocolSkinRule *pih = nm_protocol_get_skin_rule (protocol, NM_SKIN_RULE_PIH_WARNING);
  guint i;

  if (nm_protocol_get_device_max_mm (protocol) > SPEC_MAX_MM + EPS)
    violation (t, "accepted-protocol", "device.max_mm %g", nm_protocol_get_device_max_mm (protocol));
  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      const NmProtocolRegion *region = nm_protocol_get_region (protocol, nm_vocab_region (i)->id);
      double ceiling = spec_ceiling (region->id);

      if (region->treat && (ceiling <= 0.0 || region->max_mm > ceiling + EPS ||
                            (region->has_scar_limit && region->scar_max_mm > ceiling + EPS)))
        violation (t, "accepted-protocol", "regions.%s: %g mm (scar %g) past its %g mm ceiling", region->id,
                   region->max_mm, region->scar_max_mm, ceiling);
    }
  for (i = 0; i < nm_vocab_n_kinds (); i++)
    {
      const NmProtocolIndication *ind = nm_protocol_get_indication (protocol, nm_vocab_kind (i)->id);

      if (g_str_equal (ind->id, "keloid") && ind->treat)
        violation (t, "accepted-protocol", "keloids are treated");
      if (ind->treat && ind->interval_weeks < spec_min_weeks_for_kind (ind->id))
        violation (t, "accepted-protocol", "indications.%s every %u weeks in the %s schedule", ind->id,
                   ind->interval_weeks, ind->schedule);
    }
  if (pigment->max_mm > SPEC_PIGMENT_DARK_MM + EPS || pigment->fitzpatrick_min > 4 || pigment->fitzpatrick_max < 6)
    violation (t, "accepted-protocol", "the pigment rule is %g mm for %u–%u", pigment->max_mm,
               pigment->fitzpatrick_min, pigment->fitzpatrick_max);
  if (pih->fitzpatrick_min > 4 || pih->fitzpatrick_max < 6)
    violation (t, "accepted-protocol", "the PIH warning covers %u–%u", pih->fitzpatrick_min, pih->fitzpatrick_max);
  for (i = 0; spec_absolute[i] != NULL; i++)
    if (nm_protocol_get_screening_class (protocol, spec_absolute[i]) != NM_SCREENING_ABSOLUTE)
      violation (t, "accepted-protocol", "%s is not absolute", spec_absolute[i]);
}

static void
check_generated (Tally          *t,
                 NmConsultation *c,
                 NmProtocol     *protocol,
                 const GDate    *today,
                 gboolean        step_changed)
{
  g_autoptr(NmPlan) plan = nm_planner_run (c, protocol, today);
  g_autoptr(NmPlan) again = nm_planner_run (c, protocol, today);
  g_autofree char *json = nm_plan_to_json (plan);
  g_autofree char *json_again = nm_plan_to_json (again);

  t->consultation = c;
  t->plan = plan;
  t->today = today;
  check_spec (t, c, protocol, plan, today);
  check_loosened (t, c, protocol, plan, today, step_changed);
  if (!g_str_equal (json, json_again))
    violation (t, "deterministic", "the same inputs gave two JSON texts");
  t->consultation = NULL;
  t->plan = NULL;
}

#define N_CONSULTATIONS      15000
#define N_CLINIC_FILES       2000
#define N_PER_CLINIC_FILE    12

static void
test_property_consultations (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  Tally t;
  guint i;

  tally_init (&t);
  for (i = 0; i < N_CONSULTATIONS; i++)
    {
      GDate today;
      g_autoptr(NmConsultation) c = random_consultation (&today);

      check_generated (&t, c, protocol, &today, FALSE);
    }
  tally_report (&t, "generated consultations, built-in protocol");
  tally_clear (&t);
}

static void
test_property_clinic_files (void)
{
  guint accepted = 0, refused = 0, past = 0, plans = 0;
  Tally t;
  guint k;

  tally_init (&t);
  for (k = 0; k < N_CLINIC_FILES; k++)
    {
      g_autoptr(NmProtocol) protocol = default_protocol ();
      g_autoptr(GString) overlays = g_string_new (NULL);
      gboolean step_changed = FALSE;
      guint n_files = g_test_rand_int_range (0, 4) == 0 ? 2 : 1;
      guint f, i;

      for (f = 0; f < n_files; f++)
        {
          gboolean changes_step = FALSE;
          json_object *overlay = random_overlay (&changes_step);
          g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
          gboolean beyond = overlay_past_limits (overlay, protocol, keys);
          g_autofree char *text = g_strdup (json_object_to_json_string_ext (overlay, JSON_C_TO_STRING_PLAIN));
          g_autofree char *before = nm_protocol_to_json (protocol);
          NmProtocol *base = nm_protocol_get_base (protocol);
          guint loosened = nm_protocol_get_n_loosened (protocol);
          g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
          g_autoptr(GError) error = NULL;
          g_autofree char *shown = NULL;
          gboolean ok;

          json_object_put (overlay);
          ok = nm_protocol_overlay_bytes (protocol, bytes, &error);
          shown = g_strdup_printf ("%s%s", overlays->str, text);
          t.overlays = shown;
          past += beyond;

          if (ok)
            {
              accepted++;
              g_string_append_printf (overlays, "%s\n", text);
              step_changed = step_changed || changes_step;
              if (beyond)
                violation (&t, "accepted-past-a-ceiling", "a clinic file past §3.1 is accepted");
              check_protocol (&t, protocol);
            }
          else
            {
              g_autofree char *after = nm_protocol_to_json (protocol);
              gboolean named = keys->len == 0;

              refused++;
              for (i = 0; i < keys->len && !named; i++)
                named = g_str_has_prefix (error->message, g_ptr_array_index (keys, i)) &&
                        error->message[strlen (g_ptr_array_index (keys, i))] == ':';
              if (!named)
                violation (&t, "refusal-names-the-key", "refused without naming the key past the ceiling: %s",
                           error->message);
              if (!g_str_equal (before, after) || nm_protocol_get_base (protocol) != base ||
                  nm_protocol_get_n_loosened (protocol) != loosened)
                violation (&t, "refused-file-changed-the-protocol", "refused (%s), yet the protocol changed",
                           error->message);
            }
        }

      if (nm_protocol_get_base (protocol) == NULL)
        continue;
      t.overlays = overlays->str;
      for (i = 0; i < N_PER_CLINIC_FILE; i++)
        {
          GDate today;
          g_autoptr(NmConsultation) c = random_consultation (&today);

          check_generated (&t, c, protocol, &today, step_changed);
          plans++;
        }
      t.overlays = NULL;
    }

  g_test_message ("%u clinic files: %u accepted, %u refused (%u past a limit of §3.1); %u plans checked",
                  accepted + refused, accepted, refused, past, plans);
  /* the generator reaches both sides of the ceilings */
  g_assert_cmpuint (accepted, >, N_CLINIC_FILES / 4);
  g_assert_cmpuint (past, >, N_CLINIC_FILES / 10);
  tally_report (&t, "generated clinic files and consultations");
  tally_clear (&t);
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  /* a failed check marks its case and the run goes on to the next */
  g_test_set_nonfatal_assertions ();

  g_test_add_func ("/safety/rule/vocabulary-is-the-spec", test_vocabulary_is_the_spec);
  for (i = 0; spec_absolute[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/rule/absolute-blocks/%s", spec_absolute[i]);
      g_test_add_data_func (path, spec_absolute[i], test_absolute_item);
    }
  for (i = 0; spec_relative[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/rule/relative-true-is-caution/%s", spec_relative[i]);
      g_test_add_data_func (path, spec_relative[i], test_relative_item);
    }
  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/rule/unanswered-is-incomplete/%s",
                                               nm_vocab_screening (i)->id);
      g_test_add_data_func (path, nm_vocab_screening (i)->id, test_unanswered_item);
    }
  for (i = 0; i < G_N_ELEMENTS (rule_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/rule/%s", rule_cases[i].name);
      g_test_add_data_func (path, &rule_cases[i], run_case);
    }

  for (i = 0; i < G_N_ELEMENTS (issue_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/issue-11/%s", issue_cases[i].name);
      g_test_add_data_func (path, &issue_cases[i], run_case);
    }
  g_test_add_func ("/safety/issue-11/02-clinic-file-of-the-review", test_issue_02_clinic_file);
  g_test_add_func ("/safety/issue-11/15-one-device", test_issue_15_one_device);

  for (i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/clinic/refused/%s", refusals[i].name);
      g_test_add_data_func (path, &refusals[i], test_refusal);
    }
  for (i = 0; spec_absolute[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/clinic/refused/absolute-made-relative/%s", spec_absolute[i]);
      g_test_add_data_func (path, spec_absolute[i], test_absolute_made_relative);
    }
  g_test_add_func ("/safety/clinic/refused/after-an-accepted-file", test_refused_after_accepted);
  g_test_add_func ("/safety/clinic/skin-in-the-scalp-schedule", test_skin_in_the_scalp_schedule);
  g_test_add_func ("/safety/clinic/stricter/device-alone", test_stricter_device_alone);
  for (i = 0; i < G_N_ELEMENTS (clinic_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/safety/clinic/%s", clinic_cases[i].name);
      g_test_add_data_func (path, &clinic_cases[i], run_clinic_case);
    }

  g_test_add_func ("/safety/property/consultations", test_property_consultations);
  g_test_add_func ("/safety/property/clinic-files", test_property_clinic_files);

  return g_test_run ();
}
