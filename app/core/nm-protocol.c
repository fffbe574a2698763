/* nm-protocol.c
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

#define G_LOG_DOMAIN "nm-protocol"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "nm-file.h"
#include "nm-json-reader.h"
#include "nm-plan.h"
#include "nm-protocol.h"
#include "nm-safety.h"

/* A protocol is kept twice: as the merged JSON tree (so that a clinic file
 * can be laid over it key by key) and as parsed, validated tables that the
 * planner reads. Every change parses the whole merged tree again into fresh
 * tables and swaps them in only when all of it is valid.
 *
 * The built-in file and a clinic's are read by the core's one JSON reader
 * (nm-json-reader.c), as strictly as a consultation file: duplicate keys,
 * NaN, single quotes and the like are refused with their key path, where
 * json-c's parser let them through (a clinic's second "regions" block
 * silently replaced its first).  The merged tree is the reader's too. */

#define PROTOCOL_FORMAT      "needlemap-protocol"
#define PROTOCOL_VERSION     1
#define PROTOCOL_MAX_BYTES   (1024 * 1024)
#define PROTOCOL_MAX_DEPTH   NM_JSON_MAX_DEPTH
#define PROTOCOL_MAX_STRING_CHARS 10000
#define ABSOLUTE_MAX_MM      3.0   /* pens adjust to 3.0 mm at most (PLK, DP) */
#define CLINIC_NOTE          "Set by the clinic's protocol file."

/* Keys of clinical/REFERENCE.md, its "References" section. */
static const char * const reference_keys[] = {
  "K1", "SP1", "SP2", "SPI", "NCT1", "NCT2", "DP", "DK4", "GR", "MBA", "FH",
  "LOW", "JUV", "ALQ", "HAR", "DOG", "TIR", "SPL", "JUH", "NAS", "BUR", "SVE",
  "ANZ", "STA1", "STA2", "ALS", "LIM", "TXA", "CAS", "PAH", "DHU", "KUM",
  "FAG", "ENG", "AUS", "ABL", "ELD", "FAR", "JAC", "FAB", "GBQ1", "GBQ2",
  "GEA", "DRO", "SOZ", "CLA", "MASI", "MSI", "CHU", "COH", "SOC", "ASDS",
  "JDD", "GRA", "NIC", "BDS", "SISU", "BTB", "ESM", "CLN", "KIC", "PUR", "DRM",
  "MON", "FEE", "DPS", "DQ", "RSF", "RSP", "AMI", "AGB", "MAD", "HP101", "PLK",
  "SWM", "RSQ", "SAN", "CHO", "MEN", "SEL", "US50", "USD", "OLT", "LAU", "VMU",
  "XU", "CLA2", "VIT", "BYP", "NTL",
};

/* Warnings whose sources the protocol holds (nm-planner.c raises them). */
static const char * const warning_ids[] = {
  "screening-incomplete", "relative-unacknowledged", "pih-risk",
  "herpes-prophylaxis", "neck-fitzpatrick", "icepick-limited-response",
  "depth-over-evaluated", "keloid-referral", "striae-alba-pih", "under-age",
  "burn-scar-timing", "minor", "minor-guardian", "age-unknown", "active-acne",
  "herpes-ask", "below-indication", "wait-before-start", "logged-over-plan",
  "skin-type-missing",
};

static const char * const skin_rule_ids[NM_N_SKIN_RULES] = {
  "pigment_depth", "interval", "pih_warning", "neck_clearance",
};

typedef struct
{
  double              device_max_mm;
  double              device_step_mm;
  double              evaluated_max_mm;
  NmCitation          device_cite;
  GHashTable         *regions;      /* id -> NmProtocolRegion */
  GHashTable         *indications;  /* id -> NmProtocolIndication */
  GPtrArray          *schedules;    /* of NmProtocolSchedule, in file order */
  NmProtocolSkinRule  skin[NM_N_SKIN_RULES];
  GHashTable         *screening;    /* id -> ScreeningEntry */
  GHashTable         *warnings;     /* id -> NmProtocolWarning */
  GPtrArray          *loosened;     /* of char *: what a clinic file made looser */
} Tables;

typedef struct
{
  NmScreeningClass klass;
  NmCitation       cite;
} ScreeningEntry;

struct _NmProtocol
{
  GObject      parent_instance;

  NmJsonDoc   *doc;     /* the merged tree, which a clinic's file is laid over */
  Tables      *tables;
  NmProtocol  *base;    /* before the clinic's file; NULL when none was laid */
};

G_DEFINE_FINAL_TYPE (NmProtocol, nm_protocol, G_TYPE_OBJECT)

G_DEFINE_QUARK (nm-protocol-error-quark, nm_protocol_error)

/* Memory */

static void
citation_clear (NmCitation *cite)
{
  g_clear_pointer (&cite->sources, g_strfreev);
  g_clear_pointer (&cite->note, g_free);
}

static void
region_free (gpointer data)
{
  NmProtocolRegion *region = data;

  g_free (region->id);
  citation_clear (&region->cite);
  citation_clear (&region->scar_cite);
  g_free (region);
}

static void
indication_free (gpointer data)
{
  NmProtocolIndication *ind = data;

  g_free (ind->id);
  g_free (ind->schedule);
  citation_clear (&ind->cite);
  citation_clear (&ind->depth_cite);
  citation_clear (&ind->series_cite);
  g_free (ind);
}

static void
schedule_free (gpointer data)
{
  NmProtocolSchedule *schedule = data;

  g_free (schedule->id);
  g_free (schedule->label);
  g_free (schedule->note);
  g_free (schedule);
}

static void
screening_entry_free (gpointer data)
{
  ScreeningEntry *entry = data;

  citation_clear (&entry->cite);
  g_free (entry);
}

static void
warning_free (gpointer data)
{
  NmProtocolWarning *warning = data;

  g_free (warning->id);
  g_strfreev (warning->regions);
  citation_clear (&warning->cite);
  g_free (warning);
}

static Tables *
tables_new (void)
{
  Tables *t = g_new0 (Tables, 1);

  t->regions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, region_free);
  t->indications = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, indication_free);
  t->schedules = g_ptr_array_new_with_free_func (schedule_free);
  t->screening = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, screening_entry_free);
  t->warnings = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, warning_free);
  t->loosened = g_ptr_array_new_with_free_func (g_free);

  return t;
}

static void
tables_free (Tables *t)
{
  guint i;

  if (t == NULL)
    return;

  citation_clear (&t->device_cite);
  g_hash_table_unref (t->regions);
  g_hash_table_unref (t->indications);
  g_ptr_array_unref (t->schedules);
  g_hash_table_unref (t->screening);
  g_hash_table_unref (t->warnings);
  g_ptr_array_unref (t->loosened);
  for (i = 0; i < NM_N_SKIN_RULES; i++)
    {
      g_strfreev (t->skin[i].schedules);
      citation_clear (&t->skin[i].cite);
    }
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tables, tables_free)

static void
nm_protocol_finalize (GObject *object)
{
  NmProtocol *self = NM_PROTOCOL (object);

  g_clear_pointer (&self->doc, nm_json_doc_free);
  g_clear_pointer (&self->tables, tables_free);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (nm_protocol_parent_class)->finalize (object);
}

static void
nm_protocol_class_init (NmProtocolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nm_protocol_finalize;
}

static void
nm_protocol_init (NmProtocol *self)
{
}

/* Validation helpers, on the reader's key-path helper: every error names
 * the key path ("regions.nose.max_mm"). */

/* Moves @c onto the member @key of @object, which may be missing;
 * returns the member, or NULL. */
static const NmJsonNode *
enter (NmJsonCheck      *c,
       const NmJsonNode *object,
       const char       *key,
       gsize            *mark)
{
  *mark = nm_json_path_push_key (&c->path, key, -1);

  return nm_json_member (object, key);
}

static gboolean
leave (NmJsonCheck *c,
       gsize        mark)
{
  nm_json_path_pop (&c->path, mark);

  return TRUE;
}

/* The member @key of @object, entered, or an error when it is missing. */
static const NmJsonNode *
enter_required (NmJsonCheck      *c,
                const NmJsonNode *object,
                const char       *key,
                gsize            *mark)
{
  const NmJsonNode *value = enter (c, object, key, mark);

  if (value == NULL)
    nm_json_fail (c, _("missing"));

  return value;
}

static gboolean
check_object (NmJsonCheck      *c,
              const NmJsonNode *value)
{
  return nm_json_expect (c, value, json_type_object, N_("an object"));
}

/* Refuses keys not in @allowed (a NULL-terminated list). */
static gboolean
check_keys (NmJsonCheck        *c,
            const NmJsonNode   *object,
            const char * const *allowed)
{
  for (guint i = 0; i < object->n; i++)
    if (!g_strv_contains (allowed, object->children[i]->key))
      {
        nm_json_path_push_key (&c->path, object->children[i]->key, -1);
        return nm_json_fail (c, _("unknown key"));
      }

  return TRUE;
}

static gboolean
get_number (NmJsonCheck      *c,
            const NmJsonNode *object,
            const char       *key,
            double            min,
            double            max,
            double           *out)
{
  gsize mark;
  const NmJsonNode *value = enter_required (c, object, key, &mark);

  if (value == NULL || !nm_json_get_number (c, value, out))
    return FALSE;

  if (!isfinite (*out) || *out < min || *out > max)
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

      return nm_json_fail (c, _("must be between %s and %s"),
                           g_ascii_formatd (lo, sizeof lo, "%g", min),
                           g_ascii_formatd (hi, sizeof hi, "%g", max));
    }

  return leave (c, mark);
}

/* Depths must be positive and within the device (or the absolute maximum). */
static gboolean
get_depth (NmJsonCheck      *c,
           const NmJsonNode *object,
           const char       *key,
           double            device_max,
           double           *out)
{
  if (!get_number (c, object, key, 0.0, device_max, out))
    return FALSE;

  if (*out <= 0.0)
    {
      nm_json_path_push_key (&c->path, key, -1);
      return nm_json_fail (c, _("must be more than 0"));
    }

  return TRUE;
}

static gboolean
get_uint (NmJsonCheck      *c,
          const NmJsonNode *object,
          const char       *key,
          guint             min,
          guint             max,
          guint            *out)
{
  gsize mark;
  const NmJsonNode *value = enter_required (c, object, key, &mark);

  if (value == NULL)
    return FALSE;
  if (value->type != json_type_int)
    return nm_json_fail (c, _("must be a whole number, not %s"), nm_json_type_name (value));
  if (value->v.integer < min || value->v.integer > max)
    return nm_json_fail (c, _("must be between %u and %u"), min, max);

  *out = (guint) value->v.integer;

  return leave (c, mark);
}

static gboolean
get_bool (NmJsonCheck      *c,
          const NmJsonNode *object,
          const char       *key,
          gboolean          fallback,
          gboolean         *out)
{
  gsize mark;
  const NmJsonNode *value = enter (c, object, key, &mark);

  *out = fallback;

  return value == NULL || nm_json_get_boolean (c, value, out) ? leave (c, mark) : FALSE;
}

static gboolean
get_string (NmJsonCheck       *c,
            const NmJsonNode  *object,
            const char        *key,
            gboolean           required,
            char             **out)
{
  gsize mark;
  const NmJsonNode *value = enter (c, object, key, &mark);
  const char *text;

  *out = NULL;
  if (value == NULL)
    return required ? nm_json_fail (c, _("missing")) : leave (c, mark);
  if (!nm_json_get_string (c, value, &text))
    return FALSE;
  if (value->n > 2000)
    return nm_json_fail (c, _("is too long"));

  *out = g_strdup (text);

  return leave (c, mark);
}

/* An array of strings, each accepted by @check (which may be NULL). */
static gboolean
get_string_array (NmJsonCheck        *c,
                  const NmJsonNode   *object,
                  const char         *key,
                  gboolean          (*check) (const char *item, gpointer data),
                  gpointer            check_data,
                  const char         *what,
                  char             ***out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize mark;
  const NmJsonNode *value = enter_required (c, object, key, &mark);

  if (value == NULL || !nm_json_expect (c, value, json_type_array, N_("an array")))
    return FALSE;
  if (value->n == 0)
    return nm_json_fail (c, _("must not be empty"));
  if (value->n > 64)
    return nm_json_fail (c, _("has too many items"));

  for (guint i = 0; i < value->n; i++)
    {
      const char *text;

      nm_json_path_push_index (&c->path, i);
      if (!nm_json_get_string (c, value->children[i], &text))
        return FALSE;
      if (check != NULL && !check (text, check_data))
        return nm_json_fail (c, _("\"%s\" is not %s"), text, _(what));
      g_strv_builder_add (builder, text);
      nm_json_path_pop (&c->path, mark + 1);
    }

  *out = g_strv_builder_end (builder);

  return leave (c, mark);
}

static gboolean
source_is_valid (const char *key,
                 gpointer    data)
{
  gboolean allow_clinic = GPOINTER_TO_INT (data);

  if (allow_clinic && g_strcmp0 (key, NM_PROTOCOL_CLINIC_SOURCE) == 0)
    return TRUE;
  return nm_reference_key_is_known (key);
}

static gboolean
get_citation (NmJsonCheck      *c,
              const NmJsonNode *object,
              gboolean          allow_clinic,
              NmCitation       *cite)
{
  return get_string_array (c, object, "sources", source_is_valid, GINT_TO_POINTER (allow_clinic),
                           N_("a key of the clinical reference"), &cite->sources) &&
         get_string (c, object, "note", FALSE, &cite->note);
}

static gboolean
region_id_is_valid (const char *id,
                    gpointer    data)
{
  return nm_vocab_region_index (id) >= 0;
}

static gboolean
schedule_id_is_valid (const char *id,
                      gpointer    data)
{
  Tables *t = data;
  guint i;

  for (i = 0; i < t->schedules->len; i++)
    {
      NmProtocolSchedule *schedule = g_ptr_array_index (t->schedules, i);
      if (g_strcmp0 (schedule->id, id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* For the checks of spec §3.1, which leave wrong types to the parser:
 * the value of an integer or decimal @value (which may be NULL). */
static gboolean
number_value (const NmJsonNode *value,
              double           *out)
{
  if (value == NULL || (value->type != json_type_int && value->type != json_type_double))
    return FALSE;
  *out = value->type == json_type_int ? (double) value->v.integer : value->v.number;
  return TRUE;
}

static gboolean
number_member (const NmJsonNode *object,
               const char       *key,
               double           *out)
{
  return number_value (nm_json_member (object, key), out);
}

static gboolean
get_fitzpatrick_range (NmJsonCheck      *c,
                       const NmJsonNode *object,
                       guint            *min,
                       guint            *max)
{
  gsize mark;
  const NmJsonNode *value = enter_required (c, object, "fitzpatrick", &mark);
  const NmJsonNode *lo, *hi;

  if (value == NULL)
    return FALSE;
  if (value->type != json_type_array || value->n != 2)
    return nm_json_fail (c, _("must be a pair [from, to] of skin types"));

  lo = value->children[0];
  hi = value->children[1];
  if (lo->type != json_type_int || hi->type != json_type_int ||
      lo->v.integer < 1 || hi->v.integer > 6 || lo->v.integer > hi->v.integer)
    return nm_json_fail (c, _("must be two skin types 1–6, the first not above the second"));

  *min = (guint) lo->v.integer;
  *max = (guint) hi->v.integer;

  return leave (c, mark);
}

/* Sections; each starts with @c at the top level, and leaves it there. */

static gboolean
parse_device (NmJsonCheck      *c,
              const NmJsonNode *root,
              gboolean          allow_clinic,
              Tables           *t)
{
  static const char * const keys[] = { "max_mm", "step_mm", "evaluated_max_mm", "sources", "note", NULL };
  gsize mark;
  const NmJsonNode *device = enter_required (c, root, "device", &mark);
  double steps;

  if (device == NULL ||
      !check_object (c, device) ||
      !check_keys (c, device, keys) ||
      !get_depth (c, device, "max_mm", ABSOLUTE_MAX_MM, &t->device_max_mm) ||
      !get_number (c, device, "step_mm", 0.05, 1.0, &t->device_step_mm) ||
      !get_depth (c, device, "evaluated_max_mm", t->device_max_mm, &t->evaluated_max_mm) ||
      !get_citation (c, device, allow_clinic, &t->device_cite))
    return FALSE;

  steps = t->device_max_mm / t->device_step_mm;
  if (fabs (steps - round (steps)) > 1e-6)
    {
      nm_json_path_push_key (&c->path, "max_mm", -1);
      return nm_json_fail (c, _("must be a whole number of steps (device.step_mm)"));
    }

  return leave (c, mark);
}

/* The sections of one object per id: regions, indications, skin types,
 * screening items and warnings.  @entry is an object; @c is at it. */
typedef gboolean (*ParseEntry) (NmJsonCheck      *c,
                                const NmJsonNode *entry,
                                guint             index,
                                const char       *id,
                                gboolean          allow_clinic,
                                Tables           *t);

/* The section @name of @root: one object for every id @id_at (0 …
 * @n_ids - 1), and no other key (@unknown says why one is refused). */
static gboolean
parse_section (NmJsonCheck      *c,
               const NmJsonNode *root,
               const char       *name,
               const char     *(*id_at) (guint index),
               guint             n_ids,
               const char       *unknown,
               ParseEntry        parse_entry,
               gboolean          allow_clinic,
               Tables           *t)
{
  gsize mark;
  const NmJsonNode *section = enter_required (c, root, name, &mark);

  if (section == NULL || !check_object (c, section))
    return FALSE;

  for (guint i = 0; i < section->n; i++)
    {
      const char *key = section->children[i]->key;
      guint known = 0;

      while (known < n_ids && !g_str_equal (id_at (known), key))
        known++;
      if (known == n_ids)
        {
          nm_json_path_push_key (&c->path, key, -1);
          return nm_json_fail (c, "%s", _(unknown));
        }
    }

  for (guint i = 0; i < n_ids; i++)
    {
      gsize inner;
      const NmJsonNode *entry = enter_required (c, section, id_at (i), &inner);

      if (entry == NULL || !check_object (c, entry) ||
          !parse_entry (c, entry, i, id_at (i), allow_clinic, t))
        return FALSE;
      leave (c, inner);
    }

  return leave (c, mark);
}

static const char *
region_id (guint index)
{
  return nm_vocab_region (index)->id;
}

static const char *
kind_id (guint index)
{
  return nm_vocab_kind (index)->id;
}

static const char *
screening_id (guint index)
{
  return nm_vocab_screening (index)->id;
}

static const char *
skin_rule_id (guint index)
{
  return skin_rule_ids[index];
}

static const char *
warning_id (guint index)
{
  return warning_ids[index];
}

static gboolean
parse_region (NmJsonCheck      *c,
              const NmJsonNode *entry,
              guint             index,
              const char       *id,
              gboolean          allow_clinic,
              Tables           *t)
{
  static const char * const keys[] = { "treat", "max_mm", "scar", "sources", "note", NULL };
  static const char * const scar_keys[] = { "max_mm", "sources", "note", NULL };
  NmProtocolRegion *region;
  const NmJsonNode *scar;
  gsize mark;

  if (!check_keys (c, entry, keys))
    return FALSE;

  region = g_new0 (NmProtocolRegion, 1);
  region->id = g_strdup (id);
  g_hash_table_insert (t->regions, region->id, region);

  if (!get_bool (c, entry, "treat", TRUE, &region->treat) ||
      !get_citation (c, entry, allow_clinic, &region->cite))
    return FALSE;

  if (nm_vocab_region_never_treated (id) && region->treat)
    {
      nm_json_path_push_key (&c->path, "treat", -1);
      return nm_json_fail (c, _("must be false: this region is never needled"));
    }

  if (!region->treat)
    {
      if (nm_json_member (entry, "max_mm") != NULL || nm_json_member (entry, "scar") != NULL)
        {
          nm_json_path_push_key (&c->path, "max_mm", -1);
          return nm_json_fail (c, _("must not be set for a region that is not treated"));
        }
      return TRUE;
    }

  if (!get_depth (c, entry, "max_mm", NM_SAFETY_MAX_MM, &region->max_mm))
    return FALSE;

  scar = enter (c, entry, "scar", &mark);
  if (scar != NULL)
    {
      if (!check_object (c, scar) ||
          !check_keys (c, scar, scar_keys) ||
          !get_depth (c, scar, "max_mm", NM_SAFETY_MAX_MM, &region->scar_max_mm) ||
          !get_citation (c, scar, allow_clinic, &region->scar_cite))
        return FALSE;
      region->has_scar_limit = TRUE;
    }

  return leave (c, mark);
}

static gboolean
parse_schedules (NmJsonCheck      *c,
                 const NmJsonNode *root,
                 Tables           *t)
{
  static const char * const keys[] = { "label", "note", "sources", NULL };
  gsize mark;
  const NmJsonNode *schedules = enter_required (c, root, "schedules", &mark);

  if (schedules == NULL || !check_object (c, schedules))
    return FALSE;
  if (schedules->n == 0)
    return nm_json_fail (c, _("must name at least one schedule"));

  for (guint i = 0; i < schedules->n; i++)
    {
      const NmJsonNode *value = schedules->children[i];
      gsize inner = nm_json_path_push_key (&c->path, value->key, -1);
      NmProtocolSchedule *schedule;

      if (!check_object (c, value) || !check_keys (c, value, keys))
        return FALSE;

      schedule = g_new0 (NmProtocolSchedule, 1);
      schedule->id = g_strdup (value->key);
      g_ptr_array_add (t->schedules, schedule);
      if (!get_string (c, value, "label", TRUE, &schedule->label) ||
          !get_string (c, value, "note", FALSE, &schedule->note))
        return FALSE;
      leave (c, inner);
    }

  return leave (c, mark);
}

static gboolean
parse_indication (NmJsonCheck      *c,
                  const NmJsonNode *entry,
                  guint             index,
                  const char       *id,
                  gboolean          allow_clinic,
                  Tables           *t)
{
  static const char * const keys[] = { "depth", "series", NULL };
  static const char * const untreated_keys[] = { "treat", "refer", "sources", "note", NULL };
  static const char * const depth_keys[] = { "min_mm", "max_mm", "sources", "note", NULL };
  static const char * const series_keys[] = { "sessions", "interval_weeks", "schedule", "sources", "note", NULL };
  NmProtocolIndication *ind = g_new0 (NmProtocolIndication, 1);
  const NmJsonNode *depth, *series;
  double min, max;
  gsize mark;

  ind->id = g_strdup (id);
  g_hash_table_insert (t->indications, ind->id, ind);

  if (!get_bool (c, entry, "treat", TRUE, &ind->treat))
    return FALSE;

  if (g_str_equal (id, "keloid") && ind->treat)
    {
      nm_json_path_push_key (&c->path, "treat", -1);
      return nm_json_fail (c, _("must be false: keloids are never needled, refer to a specialist"));
    }

  if (!ind->treat)
    return check_keys (c, entry, untreated_keys) &&
           get_bool (c, entry, "refer", FALSE, &ind->refer) &&
           get_citation (c, entry, allow_clinic, &ind->cite);

  if (!check_keys (c, entry, keys))
    return FALSE;

  depth = enter_required (c, entry, "depth", &mark);
  if (depth == NULL ||
      !check_object (c, depth) ||
      !check_keys (c, depth, depth_keys) ||
      !get_depth (c, depth, "min_mm", NM_SAFETY_MAX_MM, &min) ||
      !get_depth (c, depth, "max_mm", NM_SAFETY_MAX_MM, &max) ||
      !get_citation (c, depth, allow_clinic, &ind->depth_cite))
    return FALSE;
  if (min > max)
    {
      nm_json_path_push_key (&c->path, "min_mm", -1);
      return nm_json_fail (c, _("must not be more than max_mm"));
    }
  ind->min_mm = min;
  ind->max_mm = max;
  leave (c, mark);

  series = enter_required (c, entry, "series", &mark);
  if (series == NULL ||
      !check_object (c, series) ||
      !check_keys (c, series, series_keys) ||
      !get_uint (c, series, "sessions", 1, 52, &ind->sessions) ||
      !get_uint (c, series, "interval_weeks", 1, 52, &ind->interval_weeks) ||
      !get_string (c, series, "schedule", TRUE, &ind->schedule) ||
      !get_citation (c, series, allow_clinic, &ind->series_cite))
    return FALSE;
  if (!schedule_id_is_valid (ind->schedule, t))
    {
      nm_json_path_push_key (&c->path, "schedule", -1);
      return nm_json_fail (c, _("\"%s\" is not a key of schedules"), ind->schedule);
    }

  return leave (c, mark);
}

static gboolean
parse_skin_rule (NmJsonCheck      *c,
                 const NmJsonNode *entry,
                 guint             index,
                 const char       *id,
                 gboolean          allow_clinic,
                 Tables           *t)
{
  static const char * const keys[NM_N_SKIN_RULES][7] = {
    { "fitzpatrick", "max_mm", "sources", "note", NULL },
    { "fitzpatrick", "min_weeks", "schedules", "sources", "note", NULL },
    { "fitzpatrick", "sources", "note", NULL },
    { "fitzpatrick", "sources", "note", NULL },
  };
  NmProtocolSkinRule *rule = &t->skin[index];

  if (!check_keys (c, entry, keys[index]) ||
      !get_fitzpatrick_range (c, entry, &rule->fitzpatrick_min, &rule->fitzpatrick_max) ||
      !get_citation (c, entry, allow_clinic, &rule->cite))
    return FALSE;

  if (index == NM_SKIN_RULE_PIGMENT_DEPTH)
    return get_depth (c, entry, "max_mm", NM_SAFETY_MAX_MM, &rule->max_mm);
  if (index == NM_SKIN_RULE_INTERVAL)
    return get_uint (c, entry, "min_weeks", 1, 52, &rule->min_weeks) &&
           get_string_array (c, entry, "schedules", schedule_id_is_valid, t,
                             N_("a key of schedules"), &rule->schedules);

  return TRUE;
}

static gboolean
parse_screening_item (NmJsonCheck      *c,
                      const NmJsonNode *entry,
                      guint             index,
                      const char       *id,
                      gboolean          allow_clinic,
                      Tables           *t)
{
  static const char * const keys[] = { "class", "sources", "note", NULL };
  g_autofree char *class_name = NULL;
  ScreeningEntry *item;

  if (!check_keys (c, entry, keys))
    return FALSE;

  item = g_new0 (ScreeningEntry, 1);
  g_hash_table_insert (t->screening, g_strdup (id), item);
  if (!get_string (c, entry, "class", TRUE, &class_name) ||
      !get_citation (c, entry, allow_clinic, &item->cite))
    return FALSE;

  if (g_str_equal (class_name, "absolute"))
    item->klass = NM_SCREENING_ABSOLUTE;
  else if (g_str_equal (class_name, "relative"))
    item->klass = NM_SCREENING_RELATIVE;
  else
    {
      nm_json_path_push_key (&c->path, "class", -1);
      return nm_json_fail (c, _("must be \"absolute\" or \"relative\""));
    }

  return TRUE;
}

static gboolean
parse_warning (NmJsonCheck      *c,
               const NmJsonNode *entry,
               guint             index,
               const char       *id,
               gboolean          allow_clinic,
               Tables           *t)
{
  static const char * const keys[] = { "regions", "min_age_years", "sources", "note", NULL };
  NmProtocolWarning *warning;

  if (!check_keys (c, entry, keys))
    return FALSE;

  warning = g_new0 (NmProtocolWarning, 1);
  warning->id = g_strdup (id);
  g_hash_table_insert (t->warnings, warning->id, warning);
  if (!get_citation (c, entry, allow_clinic, &warning->cite))
    return FALSE;

  if (g_str_equal (id, "herpes-prophylaxis"))
    return get_string_array (c, entry, "regions", region_id_is_valid, NULL,
                             N_("a region of the vocabulary"), &warning->regions);
  if (g_str_equal (id, "under-age"))
    return get_uint (c, entry, "min_age_years", 0, 120, &warning->min_age_years);

  return TRUE;
}

/* The format, which even a clinic's partial file states. */
static gboolean
check_format (NmJsonCheck      *c,
              const NmJsonNode *root,
              gboolean          whole)
{
  gsize mark;
  const NmJsonNode *format = enter (c, root, "format", &mark);

  if (format == NULL && whole)
    return nm_json_fail (c, _("missing"));
  if (format == NULL || format->type != json_type_string || strcmp (format->text, PROTOCOL_FORMAT) != 0)
    return nm_json_fail (c, _("must be \"%s\""), PROTOCOL_FORMAT);

  return leave (c, mark);
}

static Tables *
parse_root (const NmJsonNode  *root,
            gboolean           allow_clinic,
            GError           **error)
{
  static const char * const keys[] = {
    "format", "version", "note", "device", "regions", "indications", "schedules",
    "skin_types", "screening", "warnings", NULL
  };
  g_autoptr(Tables) t = tables_new ();
  const NmJsonNode *version;
  NmJsonCheck check;
  NmJsonCheck *c = &check;
  gsize mark;

  nm_json_check_init (c, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_INVALID, error);

  if (!check_format (c, root, TRUE))
    return NULL;

  version = enter_required (c, root, "version", &mark);
  if (version == NULL)
    return NULL;
  if (version->type != json_type_int || version->v.integer < 1)
    {
      nm_json_fail (c, _("must be a whole number from 1"));
      return NULL;
    }
  if (version->v.integer > PROTOCOL_VERSION)
    {
      g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_VERSION,
                   _("version: protocol version %lld is newer than this "
                     "application understands (%d)"),
                   (long long) version->v.integer, PROTOCOL_VERSION);
      return NULL;
    }
  leave (c, mark);

  if (!check_keys (c, root, keys) ||
      !parse_device (c, root, allow_clinic, t) ||
      !parse_section (c, root, "regions", region_id, nm_vocab_n_regions (),
                      N_("not a region of the vocabulary"), parse_region, allow_clinic, t) ||
      !parse_schedules (c, root, t) ||
      !parse_section (c, root, "indications", kind_id, nm_vocab_n_kinds (),
                      N_("not a finding kind of the vocabulary"), parse_indication, allow_clinic, t) ||
      !parse_section (c, root, "skin_types", skin_rule_id, NM_N_SKIN_RULES,
                      N_("unknown key"), parse_skin_rule, allow_clinic, t) ||
      !parse_section (c, root, "screening", screening_id, nm_vocab_n_screening (),
                      N_("not a screening item of the vocabulary"), parse_screening_item,
                      allow_clinic, t) ||
      !parse_section (c, root, "warnings", warning_id, G_N_ELEMENTS (warning_ids),
                      N_("unknown key"), parse_warning, allow_clinic, t))
    return NULL;

  return g_steal_pointer (&t);
}

/* Spec §3.1: what no protocol may loosen. Checked on the merged tree before
 * anything else, so the message names the ceiling a value goes past rather
 * than a narrower range it happens to fail first. Values of the wrong type
 * are left to the parser's own messages. */

/* @c is at @object. */
static gboolean
check_ceiling (NmJsonCheck      *c,
               const NmJsonNode *object,
               const char       *key,
               double            ceiling)
{
  double value;

  if (number_member (object, key, &value) && value > ceiling + 1e-9)
    {
      g_autofree char *have = nm_format_mm (value);
      g_autofree char *limit = nm_format_mm (ceiling);

      nm_json_path_push_key (&c->path, key, -1);
      /* Translators: "3.0 is above the 0.5 mm ceiling that every plan keeps" */
      return nm_json_fail (c, _("%s is above the %s mm ceiling that every plan keeps"), have, limit);
    }
  return TRUE;
}

/* A skin-type rule must still cover skin types IV–VI; @c is at skin_types. */
static gboolean
check_covers_dark_skin (NmJsonCheck      *c,
                        const NmJsonNode *skin,
                        const char       *rule_id)
{
  const NmJsonNode *range = nm_json_member (nm_json_member (skin, rule_id), "fitzpatrick");
  double from, to;

  if (range == NULL || range->type != json_type_array || range->n != 2 ||
      !number_value (range->children[0], &from) || !number_value (range->children[1], &to))
    return TRUE;

  if ((int) from <= NM_SAFETY_DARK_SKIN_MIN && (int) to >= 6)
    return TRUE;

  nm_json_path_push_key (&c->path, rule_id, -1);
  nm_json_path_push_key (&c->path, "fitzpatrick", -1);
  return nm_json_fail (c, _("must cover skin types IV–VI: every plan keeps this rule for them"));
}

static gboolean
check_region_ceilings (NmJsonCheck      *c,
                       const NmJsonNode *regions)
{
  for (guint i = 0; regions != NULL && i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      double ceiling = nm_safety_region_ceiling (id);
      gsize mark;
      const NmJsonNode *entry = enter (c, regions, id, &mark);

      /* eyelids: parse_regions() refuses "treat": true */
      if (entry != NULL && entry->type == json_type_object && ceiling > 0.0)
        {
          if (!check_ceiling (c, entry, "max_mm", ceiling))
            return FALSE;
          nm_json_path_push_key (&c->path, "scar", -1);
          if (!check_ceiling (c, nm_json_member (entry, "scar"), "max_mm", ceiling))
            return FALSE;
        }
      leave (c, mark);
    }

  return TRUE;
}

static gboolean
check_intervals (NmJsonCheck      *c,
                 const NmJsonNode *root)
{
  const NmJsonNode *indications = nm_json_member (root, "indications");

  for (guint i = 0; indications != NULL && i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      const NmJsonNode *series = nm_json_member (nm_json_member (indications, id), "series");
      guint least = nm_safety_min_interval_weeks_for_kind (id);
      double weeks;

      if (number_member (series, "interval_weeks", &weeks) && weeks < least)
        {
          nm_json_path_push_key (&c->path, "indications", -1);
          nm_json_path_push_key (&c->path, id, -1);
          nm_json_path_push_key (&c->path, "series", -1);
          nm_json_path_push_key (&c->path, "interval_weeks", -1);
          return nm_json_fail (c,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "%g is below the %u week between sessions that every plan keeps",
                                            "%g is below the %u weeks between sessions that every plan keeps",
                                            least),
                               weeks, least);
        }
    }

  return TRUE;
}

static gboolean
check_safety (const NmJsonNode  *root,
              GError           **error)
{
  const NmJsonNode *screening = nm_json_member (root, "screening");
  const NmJsonNode *skin = nm_json_member (root, "skin_types");
  const NmJsonNode *value;
  NmJsonCheck check;
  NmJsonCheck *c = &check;
  gsize mark;

  nm_json_check_init (c, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_INVALID, error);

  value = enter (c, root, "device", &mark);
  if (!check_ceiling (c, value, "max_mm", NM_SAFETY_MAX_MM) ||
      !check_ceiling (c, value, "evaluated_max_mm", NM_SAFETY_MAX_MM))
    return FALSE;
  leave (c, mark);

  value = enter (c, root, "regions", &mark);
  if (!check_region_ceilings (c, value))
    return FALSE;
  leave (c, mark);

  if (skin != NULL && skin->type == json_type_object)
    {
      gsize inner;

      double weeks;

      mark = nm_json_path_push_key (&c->path, "skin_types", -1);

      /* the skin-type rule lengthens skin series: never below every plan's 3 weeks */
      value = enter (c, skin, "interval", &inner);
      if (number_member (value, "min_weeks", &weeks) && weeks < 3)
        {
          nm_json_path_push_key (&c->path, "min_weeks", -1);
          return nm_json_fail (c, g_dngettext (GETTEXT_PACKAGE,
                                               "%g is below the %u week between sessions that every plan keeps",
                                               "%g is below the %u weeks between sessions that every plan keeps", 3),
                               weeks, 3u);
        }
      leave (c, inner);

      value = enter (c, skin, "pigment_depth", &inner);
      if (!check_ceiling (c, value, "max_mm", NM_SAFETY_PIGMENT_DARK_MAX_MM))
        return FALSE;
      leave (c, inner);
      if (!check_covers_dark_skin (c, skin, "pigment_depth") ||
          !check_covers_dark_skin (c, skin, "pih_warning"))
        return FALSE;
      leave (c, mark);
    }

  if (!check_intervals (c, root))
    return FALSE;

  for (guint i = 0; screening != NULL && i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      const NmJsonNode *klass = nm_json_member (nm_json_member (screening, id), "class");

      if (nm_safety_item_is_absolute (id) && klass != NULL &&
          klass->type == json_type_string && g_str_equal (klass->text, "relative"))
        {
          nm_json_path_push_key (&c->path, "screening", -1);
          nm_json_path_push_key (&c->path, id, -1);
          nm_json_path_push_key (&c->path, "class", -1);
          return nm_json_fail (c, _("must stay “absolute”: a clinic may make a relative item "
                                    "absolute, never the reverse"));
        }
    }

  return TRUE;
}

/* What a clinic's file sets looser than the protocol it was laid over (within
 * the ceilings, which check_safety() holds): one line per value, such as
 * "regions.cheek-left.max_mm 1.5 (built-in 1.0)". */

static void
add_loosened (Tables     *t,
              const char *path,
              double      value,
              double      base)
{
  gboolean whole = value == floor (value) && base == floor (base) && !g_str_has_suffix (path, "_mm");
  g_autofree char *have = whole ? g_strdup_printf ("%.0f", value) : nm_format_mm (value);
  g_autofree char *was = whole ? g_strdup_printf ("%.0f", base) : nm_format_mm (base);

  g_ptr_array_add (t->loosened, g_strdup_printf ("%s %s (built-in %s)", path, have, was));
}

/* @path.@key when @value goes past @base (deeper, more); negative values
 * compare the other way round and are written as their opposite. */
static void
loosened_deeper (Tables     *t,
                 const char *path,
                 const char *key,
                 double      value,
                 double      base)
{
  g_autofree char *child = NULL;

  if (value <= base + 1e-9)
    return;
  child = g_strconcat (path, ".", key, NULL);
  add_loosened (t, child, fabs (value), fabs (base));
}

/* @path.treat true where the built-in protocol never treats. */
static gboolean
loosened_enabled (Tables     *t,
                  const char *path,
                  gboolean    base_treat)
{
  if (base_treat)
    return FALSE;
  g_ptr_array_add (t->loosened, g_strdup_printf ("%s.treat true (built-in false)", path));
  return TRUE;
}

static gboolean
range_covers (guint min,
              guint max,
              guint base_min,
              guint base_max)
{
  return min <= base_min && max >= base_max;
}

static void
find_loosened (Tables       *t,
               const Tables *base)
{
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  if (t->device_max_mm > base->device_max_mm + 1e-9)
    add_loosened (t, "device.max_mm", t->device_max_mm, base->device_max_mm);
  if (t->evaluated_max_mm > base->evaluated_max_mm + 1e-9)
    add_loosened (t, "device.evaluated_max_mm", t->evaluated_max_mm, base->evaluated_max_mm);

  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      const NmProtocolRegion *r = g_hash_table_lookup (t->regions, id);
      const NmProtocolRegion *b = g_hash_table_lookup (base->regions, id);
      g_autofree char *path = g_strconcat ("regions.", id, NULL);

      if (r == NULL || b == NULL || !r->treat || loosened_enabled (t, path, b->treat))
        continue;
      loosened_deeper (t, path, "max_mm", r->max_mm, b->max_mm);
      if (r->has_scar_limit)
        loosened_deeper (t, path, "scar.max_mm", r->scar_max_mm, b->has_scar_limit ? b->scar_max_mm : b->max_mm);
    }

  for (i = 0; i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      const NmProtocolIndication *r = g_hash_table_lookup (t->indications, id);
      const NmProtocolIndication *b = g_hash_table_lookup (base->indications, id);
      g_autofree char *path = g_strconcat ("indications.", id, NULL);

      if (r == NULL || b == NULL || !r->treat || loosened_enabled (t, path, b->treat))
        continue;
      loosened_deeper (t, path, "depth.max_mm", r->max_mm, b->max_mm);
      loosened_deeper (t, path, "depth.min_mm", r->min_mm, b->min_mm);
      loosened_deeper (t, path, "series.sessions", r->sessions, b->sessions);
      /* fewer weeks apart is looser: compared the other way round */
      loosened_deeper (t, path, "series.interval_weeks", -(double) r->interval_weeks, -(double) b->interval_weeks);
      /* another schedule escapes the skin-type rules of its own */
      if (g_strcmp0 (r->schedule, b->schedule) != 0)
        g_ptr_array_add (t->loosened, g_strdup_printf ("%s.series.schedule %s (built-in %s)",
                                                       path, r->schedule, b->schedule));
    }

  {
    const NmProtocolSkinRule *r = &t->skin[NM_SKIN_RULE_PIGMENT_DEPTH];
    const NmProtocolSkinRule *b = &base->skin[NM_SKIN_RULE_PIGMENT_DEPTH];

    if (r->max_mm > b->max_mm + 1e-9)
      add_loosened (t, "skin_types.pigment_depth.max_mm", r->max_mm, b->max_mm);
  }
  {
    const NmProtocolSkinRule *r = &t->skin[NM_SKIN_RULE_INTERVAL];
    const NmProtocolSkinRule *b = &base->skin[NM_SKIN_RULE_INTERVAL];

    if (r->min_weeks < b->min_weeks)
      add_loosened (t, "skin_types.interval.min_weeks", r->min_weeks, b->min_weeks);
    for (i = 0; b->schedules != NULL && b->schedules[i] != NULL; i++)
      if (r->schedules == NULL || !g_strv_contains ((const char * const *) r->schedules, b->schedules[i]))
        g_ptr_array_add (t->loosened, g_strdup_printf ("skin_types.interval.schedules without %s",
                                                       b->schedules[i]));
  }
  for (i = 0; i < NM_N_SKIN_RULES; i++)
    {
      const NmProtocolSkinRule *r = &t->skin[i];
      const NmProtocolSkinRule *b = &base->skin[i];
      /* the neck clearance is looser when it covers more types */
      gboolean looser = i == NM_SKIN_RULE_NECK_CLEARANCE
        ? !range_covers (b->fitzpatrick_min, b->fitzpatrick_max, r->fitzpatrick_min, r->fitzpatrick_max)
        : !range_covers (r->fitzpatrick_min, r->fitzpatrick_max, b->fitzpatrick_min, b->fitzpatrick_max);

      if (looser)
        g_ptr_array_add (t->loosened,
                         g_strdup_printf ("skin_types.%s.fitzpatrick [%u, %u] (built-in [%u, %u])",
                                          skin_rule_ids[i], r->fitzpatrick_min, r->fitzpatrick_max,
                                          b->fitzpatrick_min, b->fitzpatrick_max));
    }

  g_hash_table_iter_init (&iter, base->screening);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const ScreeningEntry *b = value;
      const ScreeningEntry *r = g_hash_table_lookup (t->screening, key);

      if (r != NULL && b->klass == NM_SCREENING_ABSOLUTE && r->klass != NM_SCREENING_ABSOLUTE)
        g_ptr_array_add (t->loosened, g_strdup_printf ("screening.%s.class relative (built-in absolute)",
                                                       (const char *) key));
    }

  {
    const NmProtocolWarning *r = g_hash_table_lookup (t->warnings, "under-age");
    const NmProtocolWarning *b = g_hash_table_lookup (base->warnings, "under-age");

    if (r != NULL && b != NULL && r->min_age_years < b->min_age_years)
      add_loosened (t, "warnings.under-age.min_age_years", r->min_age_years, b->min_age_years);
  }
  {
    const NmProtocolWarning *r = g_hash_table_lookup (t->warnings, "herpes-prophylaxis");
    const NmProtocolWarning *b = g_hash_table_lookup (base->warnings, "herpes-prophylaxis");

    for (i = 0; b != NULL && r != NULL && b->regions != NULL && b->regions[i] != NULL; i++)
      if (r->regions == NULL || !g_strv_contains ((const char * const *) r->regions, b->regions[i]))
        g_ptr_array_add (t->loosened, g_strdup_printf ("warnings.herpes-prophylaxis.regions without %s",
                                                       b->regions[i]));
  }
}

/* JSON text -> tree, refusing anything but one UTF-8 JSON object. */
static NmJsonDoc *
parse_bytes (GBytes  *bytes,
             GError **error)
{
  const NmJsonRules rules = {
    NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE, NM_PROTOCOL_ERROR_PARSE,
    PROTOCOL_MAX_BYTES, PROTOCOL_MAX_DEPTH, PROTOCOL_MAX_STRING_CHARS, 0,
  };

  return nm_json_doc_parse (bytes, &rules, error);
}

static gboolean
is_citation_key (const char *key)
{
  return g_str_equal (key, "sources") || g_str_equal (key, "note");
}

static int
member_index (const NmJsonNode *object,
              const char       *key)
{
  for (guint i = 0; i < object->n; i++)
    if (g_str_equal (object->children[i]->key, key))
      return (int) i;

  return -1;
}

/* Overlay: objects merge key by key, everything else replaces; a new key
 * comes after the others. When a clinic changes a value of a cited object
 * without citing its own sources, the object cites the clinic instead of
 * the reference it no longer follows.  The merged object lives in @doc;
 * @c is at @base. */
static NmJsonNode *
merge_object (NmJsonCheck      *c,
              NmJsonDoc        *doc,
              const char       *key,
              const NmJsonNode *base,
              const NmJsonNode *overlay)
{
  g_autofree NmJsonNode **merged = g_new0 (NmJsonNode *, MAX (base->n, 1));
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GPtrArray) members = g_ptr_array_new ();
  gboolean changes_values = FALSE;
  int sources, note;

  /* In the overlay's order, which is the order its errors are found in. */
  for (guint i = 0; i < overlay->n; i++)
    {
      const NmJsonNode *value = overlay->children[i];
      int index = member_index (base, value->key);
      const NmJsonNode *current = index >= 0 ? base->children[index] : NULL;
      NmJsonNode *result;

      if (value->type == json_type_object && current != NULL)
        {
          gsize mark = nm_json_path_push_key (&c->path, value->key, -1);

          if (current->type != json_type_object)
            {
              nm_json_fail (c, _("must not be an object"));
              return NULL;
            }
          result = merge_object (c, doc, value->key, current, value);
          if (result == NULL)
            return NULL;
          nm_json_path_pop (&c->path, mark);
        }
      else
        {
          if (value->type != json_type_object && !is_citation_key (value->key))
            changes_values = TRUE;
          result = nm_json_doc_copy (doc, value, value->key);
        }

      if (index >= 0)
        merged[index] = result;
      else
        g_ptr_array_add (added, result);
    }

  for (guint i = 0; i < base->n; i++)
    g_ptr_array_add (members, merged[i] != NULL ? merged[i]
                              : nm_json_doc_copy (doc, base->children[i], base->children[i]->key));
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (members, g_ptr_array_index (added, i));

  sources = -1;
  note = -1;
  for (guint i = 0; i < members->len; i++)
    {
      const char *member = ((NmJsonNode *) g_ptr_array_index (members, i))->key;

      if (g_str_equal (member, "sources"))
        sources = (int) i;
      else if (g_str_equal (member, "note"))
        note = (int) i;
    }

  if (changes_values && sources >= 0)
    {
      if (nm_json_member (overlay, "sources") == NULL)
        {
          NmJsonNode *clinic = nm_json_doc_new_string (doc, NULL, NM_PROTOCOL_CLINIC_SOURCE);

          g_ptr_array_index (members, sources) =
            nm_json_doc_new_container (doc, json_type_array, "sources", &clinic, 1);
        }
      if (nm_json_member (overlay, "note") == NULL)
        {
          NmJsonNode *text = nm_json_doc_new_string (doc, "note", CLINIC_NOTE);

          if (note >= 0)
            g_ptr_array_index (members, note) = text;
          else
            g_ptr_array_add (members, text);
        }
    }

  return nm_json_doc_new_container (doc, json_type_object, key,
                                    (NmJsonNode **) members->pdata, members->len);
}

/* Public API */

/**
 * nm_protocol_new_from_bytes:
 * @bytes: a complete protocol document
 * @error: return location for an error naming the key path
 *
 * Returns: (transfer full) (nullable): the validated protocol
 */
NmProtocol *
nm_protocol_new_from_bytes (GBytes  *bytes,
                            GError **error)
{
  g_autoptr(NmProtocol) self = NULL;
  g_autoptr(NmJsonDoc) doc = NULL;
  Tables *tables;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = parse_bytes (bytes, error);
  if (doc == NULL || !check_safety (nm_json_doc_get_root (doc), error))
    return NULL;

  tables = parse_root (nm_json_doc_get_root (doc), FALSE, error);
  if (tables == NULL)
    return NULL;

  self = g_object_new (NM_TYPE_PROTOCOL, NULL);
  self->doc = g_steal_pointer (&doc);
  self->tables = tables;
  return g_steal_pointer (&self);
}

/**
 * nm_protocol_load_default:
 *
 * Loads and validates the built-in protocol (resource protocol.json).
 *
 * Returns: (transfer full) (nullable): the protocol
 */
NmProtocol *
nm_protocol_load_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  NmProtocol *self;

  bytes = g_resources_lookup_data (RESOURCE_BASE "/protocol.json",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  self = nm_protocol_new_from_bytes (bytes, error);
  if (self == NULL)
    g_prefix_error (error, "built-in protocol: ");
  return self;
}

/**
 * nm_protocol_overlay_bytes:
 * @self: a protocol
 * @bytes: a partial protocol (any subset of keys) in the same format
 * @error: return location for an error naming the key path
 *
 * Lays a clinic's protocol over @self key by key. On error @self is
 * unchanged. Values a clinic changes without citing sources cite
 * %NM_PROTOCOL_CLINIC_SOURCE.
 */
gboolean
nm_protocol_overlay_bytes (NmProtocol *self,
                           GBytes     *bytes,
                           GError    **error)
{
  g_autoptr(NmJsonDoc) overlay = NULL;
  g_autoptr(NmJsonDoc) merged = NULL;
  NmJsonCheck check;
  NmJsonNode *root;
  Tables *tables;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  overlay = parse_bytes (bytes, error);
  if (overlay == NULL)
    return FALSE;

  nm_json_check_init (&check, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_INVALID, error);
  if (!check_format (&check, nm_json_doc_get_root (overlay), FALSE))
    return FALSE;

  merged = nm_json_doc_new ();
  root = merge_object (&check, merged, NULL, nm_json_doc_get_root (self->doc),
                       nm_json_doc_get_root (overlay));
  if (root == NULL)
    return FALSE;
  nm_json_doc_set_root (merged, root);

  if (!check_safety (root, error))
    return FALSE;

  tables = parse_root (root, TRUE, error);
  if (tables == NULL)
    return FALSE;

  /* The first overlay keeps what it was laid over: the planner compares
   * with it to say where the clinic's file made a plan looser. */
  if (self->base == NULL)
    {
      self->base = g_object_new (NM_TYPE_PROTOCOL, NULL);
      self->base->doc = g_steal_pointer (&self->doc);
      self->base->tables = g_steal_pointer (&self->tables);
    }
  else
    {
      nm_json_doc_free (self->doc);
      tables_free (self->tables);
    }
  find_loosened (tables, self->base->tables);
  self->doc = g_steal_pointer (&merged);
  self->tables = tables;
  return TRUE;
}

/**
 * nm_protocol_overlay_file:
 * @self: a protocol
 * @clinic_file: the clinic's protocol file
 * @error: return location for an error; the message names the key path, not
 *   the file (callers add the file's name)
 *
 * Returns: %TRUE when the file was read, valid and laid over @self
 */
gboolean
nm_protocol_overlay_file (NmProtocol *self,
                          GFile      *clinic_file,
                          GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (clinic_file), FALSE);

  bytes = nm_file_read_bounded (clinic_file, PROTOCOL_MAX_BYTES, NULL, NULL, error);
  if (bytes == NULL)
    return FALSE;

  return nm_protocol_overlay_bytes (self, bytes, error);
}

/**
 * nm_protocol_get_user_file:
 *
 * The clinic's protocol file, the same for the window, the command line
 * and every export: the one chosen in Preferences (the "clinic-protocol"
 * setting, read when the settings schema is installed), else
 * $XDG_CONFIG_HOME/needlemap/protocol.json.
 *
 * Returns: (transfer full): the file
 */
GFile *
nm_protocol_get_user_file (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *path = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "clinic-protocol"))
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      g_autofree char *chosen = g_settings_get_string (settings, "clinic-protocol");

      if (chosen != NULL && chosen[0] != '\0')
        return g_file_new_for_path (chosen);
    }

  path = g_build_filename (g_get_user_config_dir (), "needlemap", "protocol.json", NULL);
  return g_file_new_for_path (path);
}

/**
 * nm_protocol_load_for_user:
 * @failed_file: (out) (optional) (transfer full): the clinic file, when it
 *   is the one that failed
 * @error: return location for an error
 *
 * The built-in protocol with the clinic's file laid over it, when that file
 * exists.
 *
 * Returns: (transfer full) (nullable): the protocol
 */
NmProtocol *
nm_protocol_load_for_user (GFile  **failed_file,
                           GError **error)
{
  g_autoptr(NmProtocol) self = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local_error = NULL;

  if (failed_file != NULL)
    *failed_file = NULL;

  self = nm_protocol_load_default (error);
  if (self == NULL)
    return NULL;

  file = nm_protocol_get_user_file ();
  if (!nm_protocol_overlay_file (self, file, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&self);
      if (failed_file != NULL)
        *failed_file = g_steal_pointer (&file);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * nm_protocol_get_base:
 *
 * Returns: (transfer none) (nullable): the protocol as it was before a
 *   clinic's file was laid over it, %NULL when none was
 */
NmProtocol *
nm_protocol_get_base (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  return self->base;
}

/**
 * nm_protocol_get_n_loosened:
 *
 * Returns: how many values the clinic's file sets looser than the
 *   built-in protocol (within the ceilings of spec §3.1)
 */
guint
nm_protocol_get_n_loosened (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), 0);
  return self->tables->loosened->len;
}

/**
 * nm_protocol_get_loosened:
 *
 * Returns: (transfer none): one of them, "key value (built-in value)"
 */
const char *
nm_protocol_get_loosened (NmProtocol *self,
                          guint       index)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  g_return_val_if_fail (index < self->tables->loosened->len, NULL);
  return g_ptr_array_index (self->tables->loosened, index);
}

/**
 * nm_protocol_to_json:
 *
 * Returns: (transfer full): the effective protocol, defaults and clinic merged
 */
char *
nm_protocol_to_json (NmProtocol *self)
{
  json_object *tree;
  char *text;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);

  tree = nm_json_node_to_json_c (nm_json_doc_get_root (self->doc));
  text = g_strconcat (json_object_to_json_string_ext (tree, JSON_C_TO_STRING_PRETTY |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE),
                      "\n", NULL);
  json_object_put (tree);

  return text;
}

double
nm_protocol_get_device_max_mm (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), 0.0);
  return self->tables->device_max_mm;
}

double
nm_protocol_get_device_step_mm (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), 0.0);
  return self->tables->device_step_mm;
}

double
nm_protocol_get_evaluated_max_mm (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), 0.0);
  return self->tables->evaluated_max_mm;
}

const NmCitation *
nm_protocol_get_device_citation (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  return &self->tables->device_cite;
}

/**
 * nm_protocol_get_region:
 *
 * Returns: (transfer none) (nullable): the rule for a region id of the
 *   vocabulary, %NULL for an unknown id
 */
const NmProtocolRegion *
nm_protocol_get_region (NmProtocol *self,
                        const char *region_id)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  g_return_val_if_fail (region_id != NULL, NULL);
  return g_hash_table_lookup (self->tables->regions, region_id);
}

const NmProtocolIndication *
nm_protocol_get_indication (NmProtocol *self,
                            const char *kind_id)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  g_return_val_if_fail (kind_id != NULL, NULL);
  return g_hash_table_lookup (self->tables->indications, kind_id);
}

guint
nm_protocol_get_n_schedules (NmProtocol *self)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), 0);
  return self->tables->schedules->len;
}

const NmProtocolSchedule *
nm_protocol_get_schedule (NmProtocol *self,
                          guint       index)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  g_return_val_if_fail (index < self->tables->schedules->len, NULL);
  return g_ptr_array_index (self->tables->schedules, index);
}

int
nm_protocol_get_schedule_index (NmProtocol *self,
                                const char *schedule_id)
{
  guint i;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), -1);

  for (i = 0; i < self->tables->schedules->len; i++)
    {
      NmProtocolSchedule *schedule = g_ptr_array_index (self->tables->schedules, i);
      if (g_strcmp0 (schedule->id, schedule_id) == 0)
        return (int) i;
    }
  return -1;
}

const NmProtocolSkinRule *
nm_protocol_get_skin_rule (NmProtocol *self,
                           NmSkinRule  rule)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  g_return_val_if_fail (rule < NM_N_SKIN_RULES, NULL);
  return &self->tables->skin[rule];
}

/**
 * nm_protocol_get_screening_class:
 *
 * Returns: the class of a screening item in this protocol (a clinic may
 *   reclassify); the vocabulary's default for an unknown id
 */
NmScreeningClass
nm_protocol_get_screening_class (NmProtocol *self,
                                 const char *item_id)
{
  ScreeningEntry *entry;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), NM_SCREENING_ABSOLUTE);

  entry = g_hash_table_lookup (self->tables->screening, item_id);
  if (entry == NULL)
    return NM_SCREENING_ABSOLUTE;
  return entry->klass;
}

const NmCitation *
nm_protocol_get_screening_citation (NmProtocol *self,
                                    const char *item_id)
{
  ScreeningEntry *entry;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);

  entry = g_hash_table_lookup (self->tables->screening, item_id);
  return entry != NULL ? &entry->cite : NULL;
}

const NmProtocolWarning *
nm_protocol_get_warning (NmProtocol *self,
                         const char *warning_id)
{
  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);
  return g_hash_table_lookup (self->tables->warnings, warning_id);
}

/**
 * nm_citation_format:
 *
 * Returns: (transfer full): the source keys joined for display, "HAR, NCT1"
 */
char *
nm_citation_format (const NmCitation *cite)
{
  g_return_val_if_fail (cite != NULL, NULL);

  if (cite->sources == NULL)
    return g_strdup ("");
  return g_strjoinv (", ", cite->sources);
}

gboolean
nm_reference_key_is_known (const char *key)
{
  guint i;

  if (key == NULL)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (reference_keys); i++)
    if (g_str_equal (reference_keys[i], key))
      return TRUE;
  return FALSE;
}
