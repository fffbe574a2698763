/* test-protocol.c
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
#include <glib/gstdio.h>

#include "nm-planner.h"

static NmProtocol *
default_protocol (void)
{
  g_autoptr(GError) error = NULL;
  NmProtocol *protocol = nm_protocol_load_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (protocol);
  return protocol;
}

static json_object *
default_tree (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (RESOURCE_BASE "/protocol.json", 0, NULL);
  json_object *tree;

  g_assert_nonnull (bytes);
  tree = json_tokener_parse (g_bytes_get_data (bytes, NULL));
  g_assert_nonnull (tree);
  return tree;
}

/* The resource is the file in the source tree. */
static void
test_resource_is_source (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (RESOURCE_BASE "/protocol.json", 0, NULL);
  g_autofree char *path = g_build_filename (TOP_SRCDIR, "resources", "protocol.json", NULL);
  g_autofree char *text = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &text, &size, NULL));
  g_assert_cmpmem (text, size, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_default_covers_vocabulary (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  guint i;

  g_assert_cmpfloat (nm_protocol_get_device_max_mm (protocol), ==, 2.5);
  g_assert_cmpfloat (nm_protocol_get_device_step_mm (protocol), ==, 0.25);
  g_assert_cmpfloat (nm_protocol_get_evaluated_max_mm (protocol), ==, 1.5);

  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      const NmProtocolRegion *region = nm_protocol_get_region (protocol, id);

      g_assert_nonnull (region);
      g_assert_nonnull (region->cite.sources);
      g_assert_cmpint (region->treat, ==, !g_str_has_prefix (id, "eyelid-"));
      if (region->treat)
        {
          double steps = region->max_mm / 0.25;
          g_assert_cmpfloat (fabs (steps - round (steps)), <, 1e-9);
          g_assert_cmpfloat (region->max_mm, <=, 2.5);
          g_assert_cmpfloat (region->max_mm, >=, 0.25);
        }
    }

  for (i = 0; i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      const NmProtocolIndication *ind = nm_protocol_get_indication (protocol, id);

      g_assert_nonnull (ind);
      g_assert_cmpint (ind->treat, ==, !g_str_equal (id, "keloid"));
      if (!ind->treat)
        {
          g_assert_true (ind->refer);
          continue;
        }
      g_assert_cmpfloat (ind->min_mm, <=, ind->max_mm);
      g_assert_cmpuint (ind->sessions, >=, 1);
      g_assert_cmpint (nm_protocol_get_schedule_index (protocol, ind->schedule), >=, 0);
      /* hair loss runs beside the skin series */
      g_assert_cmpstr (ind->schedule, ==, g_str_equal (id, "alopecia") ? "scalp" : "skin");
    }

  /* the spec's default classes */
  for (i = 0; i < nm_vocab_n_screening (); i++)
    g_assert_cmpint (nm_protocol_get_screening_class (protocol, nm_vocab_screening (i)->id), ==,
                     nm_vocab_screening (i)->default_class);

  g_assert_cmpuint (nm_protocol_get_skin_rule (protocol, NM_SKIN_RULE_PIGMENT_DEPTH)->fitzpatrick_min, ==, 4);
  g_assert_cmpuint (nm_protocol_get_skin_rule (protocol, NM_SKIN_RULE_NECK_CLEARANCE)->fitzpatrick_max, ==, 4);
}

/* Every object holding a number cites reference keys; none cites the clinic. */
static void
check_cited (json_object *object,
             const char  *path)
{
  gboolean has_number = FALSE;
  json_object *sources = NULL;

  json_object_object_foreach (object, key, value)
    {
      g_autofree char *child = g_strconcat (path, ".", key, NULL);

      if (json_object_is_type (value, json_type_object))
        check_cited (value, child);
      else if ((json_object_is_type (value, json_type_double) ||
                json_object_is_type (value, json_type_int) ||
                (json_object_is_type (value, json_type_array) && g_str_equal (key, "fitzpatrick"))) &&
               !g_str_equal (child, ".version"))
        has_number = TRUE;
    }

  if (!has_number)
    return;

  if (!json_object_object_get_ex (object, "sources", &sources))
    g_error ("%s holds a number without sources", path);
  g_assert_cmpuint (json_object_array_length (sources), >, 0);
  for (size_t i = 0; i < json_object_array_length (sources); i++)
    {
      const char *source = json_object_get_string (json_object_array_get_idx (sources, i));
      if (!nm_reference_key_is_known (source))
        g_error ("%s cites unknown key %s", path, source);
    }
}

static void
test_every_number_cited (void)
{
  json_object *tree = default_tree ();

  check_cited (tree, "");
  json_object_put (tree);
}

/* Breaking the protocol: each mutation gives an error naming its path. */

typedef struct
{
  const char *path;    /* dot path; last part the key to change */
  const char *value;   /* JSON text, or NULL to delete */
  int         code;
  const char *message; /* expected message start */
} Breakage;

static const Breakage breakages[] = {
  { "regions.nose", NULL, NM_PROTOCOL_ERROR_INVALID, "regions.nose: missing" },
  { "regions.cheek-left.max_mm", "\"deep\"", NM_PROTOCOL_ERROR_INVALID, "regions.cheek-left.max_mm: must be a number" },
  { "regions.cheek-left.max_mm", "3.5", NM_PROTOCOL_ERROR_INVALID, "regions.cheek-left.max_mm: 3.5 is above the 2.5 mm ceiling" },
  /* spec §3.1: the ceilings every plan keeps */
  { "regions.periorbital-left.max_mm", "0.75", NM_PROTOCOL_ERROR_INVALID, "regions.periorbital-left.max_mm: 0.75 is above the 0.5 mm ceiling" },
  { "regions.forehead.max_mm", "1.25", NM_PROTOCOL_ERROR_INVALID, "regions.forehead.max_mm: 1.25 is above the 1.0 mm ceiling" },
  { "regions.upper-lip.max_mm", "1.5", NM_PROTOCOL_ERROR_INVALID, "regions.upper-lip.max_mm: 1.5 is above the 1.0 mm ceiling" },
  { "device.max_mm", "3.0", NM_PROTOCOL_ERROR_INVALID, "device.max_mm: 3.0 is above the 2.5 mm ceiling" },
  { "skin_types.pigment_depth.max_mm", "1.5", NM_PROTOCOL_ERROR_INVALID, "skin_types.pigment_depth.max_mm: 1.5 is above the 1.0 mm ceiling" },
  { "skin_types.pigment_depth.fitzpatrick", "[5, 6]", NM_PROTOCOL_ERROR_INVALID, "skin_types.pigment_depth.fitzpatrick: must cover skin types IV–VI" },
  { "skin_types.pih_warning.fitzpatrick", "[4, 5]", NM_PROTOCOL_ERROR_INVALID, "skin_types.pih_warning.fitzpatrick: must cover skin types IV–VI" },
  { "indications.fine-lines.series.interval_weeks", "2", NM_PROTOCOL_ERROR_INVALID, "indications.fine-lines.series.interval_weeks: 2 is below the 3 weeks" },
  { "screening.isotretinoin.class", "\"relative\"", NM_PROTOCOL_ERROR_INVALID, "screening.isotretinoin.class: must stay" },
  { "regions.cheek-left.max_mm", "0", NM_PROTOCOL_ERROR_INVALID, "regions.cheek-left.max_mm: must be more than 0" },
  { "regions.cheek-left.scar.max_mm", "-1", NM_PROTOCOL_ERROR_INVALID, "regions.cheek-left.scar.max_mm: must be between" },
  { "regions.eyelid-left.treat", "true", NM_PROTOCOL_ERROR_INVALID, "regions.eyelid-left.treat: must be false" },
  { "regions.nosee", "{}", NM_PROTOCOL_ERROR_INVALID, "regions.nosee: not a region" },
  { "regions.forehead.colour", "1", NM_PROTOCOL_ERROR_INVALID, "regions.forehead.colour: unknown key" },
  { "regions.nose.sources", NULL, NM_PROTOCOL_ERROR_INVALID, "regions.nose.sources: missing" },
  { "regions.nose.sources", "[\"XYZ\"]", NM_PROTOCOL_ERROR_INVALID, "regions.nose.sources[0]: \"XYZ\" is not a key" },
  { "regions.nose.sources", "[\"CLINIC\"]", NM_PROTOCOL_ERROR_INVALID, "regions.nose.sources[0]" },
  { "regions.nose.sources", "[]", NM_PROTOCOL_ERROR_INVALID, "regions.nose.sources: must not be empty" },
  { "indications.keloid.treat", "true", NM_PROTOCOL_ERROR_INVALID, "indications.keloid.treat: must be false" },
  { "indications.melasma.depth.min_mm", "1.6", NM_PROTOCOL_ERROR_INVALID, "indications.melasma.depth.min_mm: must not be more than max_mm" },
  { "indications.alopecia.series.schedule", "\"hair\"", NM_PROTOCOL_ERROR_INVALID, "indications.alopecia.series.schedule: \"hair\" is not a key" },
  { "indications.fine-lines.series.sessions", "2.5", NM_PROTOCOL_ERROR_INVALID, "indications.fine-lines.series.sessions: must be a whole number" },
  { "indications.fine-lines.series.interval_weeks", "60", NM_PROTOCOL_ERROR_INVALID, "indications.fine-lines.series.interval_weeks: must be between 1 and 52" },
  { "indications.pih", NULL, NM_PROTOCOL_ERROR_INVALID, "indications.pih: missing" },
  { "screening.pregnancy.class", "\"maybe\"", NM_PROTOCOL_ERROR_INVALID, "screening.pregnancy.class: must be" },
  { "screening.sunburn", NULL, NM_PROTOCOL_ERROR_INVALID, "screening.sunburn: missing" },
  { "device.step_mm", "0", NM_PROTOCOL_ERROR_INVALID, "device.step_mm: must be between" },
  { "device.max_mm", "2.4", NM_PROTOCOL_ERROR_INVALID, "device.max_mm: must be a whole number of steps" },
  { "skin_types.interval.fitzpatrick", "[5, 3]", NM_PROTOCOL_ERROR_INVALID, "skin_types.interval.fitzpatrick: must be two skin types" },
  { "skin_types.interval.schedules", "[\"body\"]", NM_PROTOCOL_ERROR_INVALID, "skin_types.interval.schedules[0]" },
  { "warnings.herpes-prophylaxis.regions", "[\"lip\"]", NM_PROTOCOL_ERROR_INVALID, "warnings.herpes-prophylaxis.regions[0]" },
  { "warnings.pih-risk", NULL, NM_PROTOCOL_ERROR_INVALID, "warnings.pih-risk: missing" },
  { "schedules.skin", NULL, NM_PROTOCOL_ERROR_INVALID, "indications.acne-scar-icepick.series.schedule" },
  { "format", "\"other\"", NM_PROTOCOL_ERROR_INVALID, "format: must be" },
  { "version", "2", NM_PROTOCOL_ERROR_VERSION, "version: protocol version 2 is newer" },
  { "extra", "1", NM_PROTOCOL_ERROR_INVALID, "extra: unknown key" },
};

static void
test_breakage (gconstpointer data)
{
  const Breakage *b = data;
  json_object *tree = default_tree ();
  json_object *parent = tree;
  g_auto(GStrv) parts = g_strsplit (b->path, ".", -1);
  guint n = g_strv_length (parts), i;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmProtocol) protocol = NULL;

  for (i = 0; i + 1 < n; i++)
    g_assert_true (json_object_object_get_ex (parent, parts[i], &parent));
  if (b->value == NULL)
    json_object_object_del (parent, parts[n - 1]);
  else
    json_object_object_add (parent, parts[n - 1], json_tokener_parse (b->value));

  bytes = g_bytes_new (json_object_to_json_string (tree), strlen (json_object_to_json_string (tree)));
  protocol = nm_protocol_new_from_bytes (bytes, &error);
  g_assert_null (protocol);
  g_assert_error (error, NM_PROTOCOL_ERROR, b->code);
  if (!g_str_has_prefix (error->message, b->message))
    g_error ("expected \"%s…\", got \"%s\"", b->message, error->message);

  json_object_put (tree);
}

static void
test_not_json (void)
{
  const char *texts[] = { "", "{", "[]", "{} x", "{\"format\": \"needlemap-protocol\",}", "\xff{}" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (texts[i], strlen (texts[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(NmProtocol) protocol = nm_protocol_new_from_bytes (bytes, &error);

      g_assert_null (protocol);
      g_assert_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE);
    }
}

static gboolean
overlay (NmProtocol  *protocol,
         const char  *text,
         GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  return nm_protocol_overlay_bytes (protocol, bytes, error);
}

/* A clinic's value replaces the default key by key and cites the clinic. */
static void
test_overlay_value (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GError) error = NULL;
  const NmProtocolRegion *left, *right;

  g_assert_true (overlay (protocol,
                          "{\"format\": \"needlemap-protocol\","
                          " \"regions\": {\"cheek-left\": {\"max_mm\": 1.5}}}", &error));
  g_assert_no_error (error);

  left = nm_protocol_get_region (protocol, "cheek-left");
  right = nm_protocol_get_region (protocol, "cheek-right");
  g_assert_cmpfloat (left->max_mm, ==, 1.5);
  g_assert_cmpstrv (left->cite.sources, ((const char *[]) { NM_PROTOCOL_CLINIC_SOURCE, NULL }));
  g_assert_cmpstr (left->cite.note, ==, "Set by the clinic's protocol file.");
  /* untouched keys keep their values and citations */
  g_assert_cmpfloat (left->scar_max_mm, ==, 1.5);
  g_assert_cmpstrv (left->scar_cite.sources, ((const char *[]) { "NCT1", "HAR", "SP1", NULL }));
  g_assert_cmpfloat (right->max_mm, ==, 1.0);
  g_assert_cmpstrv (right->cite.sources, ((const char *[]) { "GR", "MBA", "DP", NULL }));
}

/* A clinic that cites its sources keeps them; the planner shows them. */
static void
test_overlay_cited_reaches_plan (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(NmFinding) finding = nm_finding_new ("cheek-right", "melasma", 4);
  g_autoptr(NmPlan) plan = NULL;
  const NmPlanRegion *region;
  GDate today;

  g_assert_true (overlay (protocol,
                          "{\"format\": \"needlemap-protocol\","
                          " \"regions\": {\"cheek-right\": {\"max_mm\": 1.25, \"sources\": [\"DP\"],"
                          "                                 \"note\": \"Thick skin in our clients.\"}}}",
                          &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (nm_protocol_get_region (protocol, "cheek-right")->cite.sources,
                    ((const char *[]) { "DP", NULL }));

  nm_consultation_set_fitzpatrick (c, 2);
  nm_consultation_add_finding (c, finding);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  plan = nm_planner_run (c, protocol, &today);
  region = nm_plan_lookup_region (plan, "cheek-right");

  /* melasma 4: 1.0–1.5, capped at the clinic's 1.25 (DP) */
  g_assert_cmpfloat (region->max_mm, ==, 1.25);
  g_assert_cmpstr (region->reasons[1], ==, "Capped at 1.25 mm, the limit for this region (DP).");
}

/* A clinic can make a relative item absolute (it then blocks), never the
 * reverse (spec §3.1; the refusal is in test_overlay_refused). */
static void
test_overlay_reclassify (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(NmPlan) plan = NULL;
  GDate today;

  g_assert_true (overlay (protocol,
                          "{\"format\": \"needlemap-protocol\","
                          " \"screening\": {\"anticoagulants\": {\"class\": \"absolute\"}}}", &error));
  g_assert_no_error (error);
  g_assert_cmpint (nm_protocol_get_screening_class (protocol, "anticoagulants"), ==, NM_SCREENING_ABSOLUTE);
  /* stricter: nothing loosened */
  g_assert_cmpuint (nm_protocol_get_n_loosened (protocol), ==, 0);

  nm_consultation_set_fitzpatrick (c, 3);
  nm_consultation_set_screening (c, "anticoagulants", NM_ANSWER_YES);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  plan = nm_planner_run (c, protocol, &today);
  g_assert_cmpint (nm_plan_get_status (plan), ==, NM_PLAN_BLOCKED);
  g_assert_cmpstr (nm_plan_get_blocked_by (plan, 0)->id, ==, "anticoagulants");
  g_assert_nonnull (strstr (nm_plan_get_blocked_by (plan, 0)->message, "(CLINIC)"));
  g_assert_false (nm_plan_has_warning (plan, "clinic-rule-loosened", NULL));
}

/* A value looser than the built-in one, within the ceilings, is allowed and
 * said on every plan it changes, with the key (spec §3.1). */
static void
test_overlay_loosened (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) cheek = nm_consultation_new ();
  g_autoptr(NmConsultation) back = nm_consultation_new ();
  g_autoptr(NmFinding) scar = nm_finding_new ("cheek-left", "acne-scar-rolling", 4);
  g_autoptr(NmFinding) other = nm_finding_new ("upper-back", "acne-scar-rolling", 2);
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmPlan) unchanged = NULL;
  const NmPlanRegion *region;
  GDate today;
  guint i;

  g_assert_true (overlay (protocol,
                          "{\"format\": \"needlemap-protocol\","
                          " \"regions\": {\"cheek-left\": {\"scar\": {\"max_mm\": 2.0}}}}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nm_protocol_get_n_loosened (protocol), ==, 1);
  g_assert_cmpstr (nm_protocol_get_loosened (protocol, 0), ==, "regions.cheek-left.scar.max_mm 2.0 (built-in 1.5)");
  g_assert_nonnull (nm_protocol_get_base (protocol));

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2027);
  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      nm_consultation_set_screening (cheek, nm_vocab_screening (i)->id, NM_ANSWER_NO);
      nm_consultation_set_screening (back, nm_vocab_screening (i)->id, NM_ANSWER_NO);
    }
  nm_consultation_set_fitzpatrick (cheek, 2);
  nm_consultation_set_birth_date (cheek, "1990-01-01");
  nm_consultation_add_finding (cheek, scar);
  plan = nm_planner_run (cheek, protocol, &today);
  region = nm_plan_lookup_region (plan, "cheek-left");
  g_assert_cmpfloat (region->max_mm, ==, 2.0);
  g_assert_true (nm_plan_has_warning (plan, "clinic-rule-loosened", "cheek-left"));

  /* a plan the looser value does not reach carries no such warning */
  nm_consultation_set_fitzpatrick (back, 2);
  nm_consultation_set_birth_date (back, "1990-01-01");
  nm_consultation_add_finding (back, other);
  unchanged = nm_planner_run (back, protocol, &today);
  g_assert_false (nm_plan_has_warning (unchanged, "clinic-rule-loosened", NULL));
  g_assert_cmpint (nm_plan_get_status (unchanged), ==, NM_PLAN_OK);
}

/* A broken overlay is refused whole, naming the path; nothing changes. */
static void
test_overlay_refused (void)
{
  const struct { const char *text; const char *message; } rows[] = {
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": {\"max_mm\": 9}}}",
      "regions.cheek-left.max_mm: 9.0 is above the 2.5 mm ceiling" },
    { "{\"format\": \"needlemap-protocol\", \"device\": {\"max_mm\": 3.0},"
      " \"regions\": {\"periorbital-left\": {\"max_mm\": 3.0}}}",
      "device.max_mm: 3.0 is above the 2.5 mm ceiling" },
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"periorbital-left\": {\"max_mm\": 3.0}}}",
      "regions.periorbital-left.max_mm: 3.0 is above the 0.5 mm ceiling" },
    { "{\"format\": \"needlemap-protocol\", \"screening\": {\"pregnancy\": {\"class\": \"relative\"}}}",
      "screening.pregnancy.class: must stay" },
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"eyelid-right\": {\"treat\": true}}}",
      "regions.eyelid-right.treat: must be false" },
    { "{\"format\": \"needlemap-protocol\", \"indications\": {\"keloid\": {\"treat\": true}}}",
      "indications.keloid.treat: must be false" },
    { "{\"regions\": {\"cheek-left\": {\"max_mm\": 1.5}}}", "format: must be" },
    { "{\"format\": \"needlemap-protocol\", \"regions\": 3}", "regions: must be an object" },
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": 3}}", "regions.cheek-left: must be an object" },
    { "{\"format\": \"needlemap-protocol\", \"screening\": {\"pregnancy\": {\"class\": \"never\"}}}",
      "screening.pregnancy.class: must be" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(NmProtocol) protocol = default_protocol ();
      g_autoptr(GError) error = NULL;
      g_autofree char *before = nm_protocol_to_json (protocol);
      g_autofree char *after = NULL;

      g_assert_false (overlay (protocol, rows[i].text, &error));
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, rows[i].message))
        g_error ("expected \"%s…\", got \"%s\"", rows[i].message, error->message);
      after = nm_protocol_to_json (protocol);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpfloat (nm_protocol_get_region (protocol, "cheek-left")->max_mm, ==, 1.0);
    }
}

/* A clinic's file is read as strictly as a consultation: what json-c
 * would have let through is refused, with the key path, and changes
 * nothing. */
static void
test_overlay_strict (void)
{
  const struct { const char *text; int code; const char *message; } rows[] = {
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": {\"max_mm\": 1.5}},"
      " \"regions\": {}}", NM_PROTOCOL_ERROR_PARSE, "regions: line 1, column " },
    { "{'format': \"needlemap-protocol\"}", NM_PROTOCOL_ERROR_PARSE, "line 1, column 2: " },
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": {\"max_mm\": NaN}}}",
      NM_PROTOCOL_ERROR_PARSE, "regions.cheek-left.max_mm: line 1, column " },
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": {\"max_mm\": 1e999}}}",
      NM_PROTOCOL_ERROR_PARSE, "regions.cheek-left.max_mm: line 1, column " },
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": {\"note\": \"a\\u0000b\"}}}",
      NM_PROTOCOL_ERROR_PARSE, "regions.cheek-left.note: line 1, column " },
    /* null was read as a missing key, which deleted the built-in value */
    { "{\"format\": \"needlemap-protocol\", \"regions\": {\"cheek-left\": {\"scar\": null}}}",
      NM_PROTOCOL_ERROR_INVALID, "regions.cheek-left.scar: must be an object, not null" },
  };
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autofree char *before = nm_protocol_to_json (protocol);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      g_assert_false (overlay (protocol, rows[i].text, &error));
      g_assert_error (error, NM_PROTOCOL_ERROR, rows[i].code);
      if (!g_str_has_prefix (error->message, rows[i].message))
        g_error ("expected \"%s…\", got \"%s\"", rows[i].message, error->message);
      after = nm_protocol_to_json (protocol);
      g_assert_cmpstr (before, ==, after);
    }
}

/* A second file is laid over the first; the base stays the built-in one. */
static void
test_overlay_twice (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GError) error = NULL;

  g_assert_true (overlay (protocol, "{\"format\": \"needlemap-protocol\","
                                    " \"regions\": {\"cheek-left\": {\"max_mm\": 1.5}}}", &error));
  g_assert_no_error (error);
  g_assert_true (overlay (protocol, "{\"format\": \"needlemap-protocol\","
                                    " \"regions\": {\"cheek-right\": {\"max_mm\": 1.25, \"note\": \"R\"}}}",
                          &error));
  g_assert_no_error (error);

  g_assert_cmpfloat (nm_protocol_get_region (protocol, "cheek-left")->max_mm, ==, 1.5);
  g_assert_cmpfloat (nm_protocol_get_region (protocol, "cheek-right")->max_mm, ==, 1.25);
  g_assert_cmpstr (nm_protocol_get_region (protocol, "cheek-right")->cite.note, ==, "R");
  g_assert_cmpstrv (nm_protocol_get_region (protocol, "cheek-right")->cite.sources,
                    ((const char *[]) { NM_PROTOCOL_CLINIC_SOURCE, NULL }));
  g_assert_cmpfloat (nm_protocol_get_region (nm_protocol_get_base (protocol), "cheek-left")->max_mm, ==, 1.0);
  g_assert_cmpuint (nm_protocol_get_n_loosened (protocol), ==, 2);
}

static void
test_overlay_file (void)
{
  g_autoptr(NmProtocol) protocol = default_protocol ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nm-protocol-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "protocol.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/needlemap/protocol.json");

  g_assert_true (g_file_set_contents (path,
                                      "{\"format\": \"needlemap-protocol\","
                                      " \"indications\": {\"alopecia\": {\"series\": {\"sessions\": 12,"
                                      " \"interval_weeks\": 1, \"sources\": [\"DHU\"]}}}}", -1, NULL));
  g_assert_true (nm_protocol_overlay_file (protocol, file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nm_protocol_get_indication (protocol, "alopecia")->sessions, ==, 12);
  g_assert_cmpuint (nm_protocol_get_indication (protocol, "alopecia")->interval_weeks, ==, 1);
  g_assert_cmpstr (nm_protocol_get_indication (protocol, "alopecia")->schedule, ==, "scalp");
  g_assert_cmpstrv (nm_protocol_get_indication (protocol, "alopecia")->series_cite.sources,
                    ((const char *[]) { "DHU", NULL }));
  /* the depth object was not touched: its citation stays */
  g_assert_cmpstrv (nm_protocol_get_indication (protocol, "alopecia")->depth_cite.sources,
                    ((const char *[]) { "FAG", "ENG", "DHU", NULL }));

  g_assert_false (nm_protocol_overlay_file (protocol, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/resource-is-source", test_resource_is_source);
  g_test_add_func ("/protocol/default-covers-vocabulary", test_default_covers_vocabulary);
  g_test_add_func ("/protocol/every-number-cited", test_every_number_cited);
  for (i = 0; i < G_N_ELEMENTS (breakages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/protocol/broken/%u-%s", i, breakages[i].path);
      g_test_add_data_func (path, &breakages[i], test_breakage);
    }
  g_test_add_func ("/protocol/not-json", test_not_json);
  g_test_add_func ("/protocol/overlay/value", test_overlay_value);
  g_test_add_func ("/protocol/overlay/cited-reaches-plan", test_overlay_cited_reaches_plan);
  g_test_add_func ("/protocol/overlay/reclassify", test_overlay_reclassify);
  g_test_add_func ("/protocol/overlay/loosened", test_overlay_loosened);
  g_test_add_func ("/protocol/overlay/refused", test_overlay_refused);
  g_test_add_func ("/protocol/overlay/strict", test_overlay_strict);
  g_test_add_func ("/protocol/overlay/twice", test_overlay_twice);
  g_test_add_func ("/protocol/overlay/file", test_overlay_file);

  return g_test_run ();
}
