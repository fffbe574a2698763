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
#include <json.h>

#include "nm-file.h"
#include "nm-plan.h"
#include "nm-protocol.h"
#include "nm-safety.h"

/* A protocol is kept twice: as the merged JSON tree (so that a clinic file
 * can be laid over it key by key) and as parsed, validated tables that the
 * planner reads. Every change parses the whole merged tree again into fresh
 * tables and swaps them in only when all of it is valid. */

#define PROTOCOL_FORMAT      "needlemap-protocol"
#define PROTOCOL_VERSION     1
#define PROTOCOL_MAX_BYTES   (1024 * 1024)
#define PROTOCOL_MAX_DEPTH   16
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

  json_object *root;
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

  g_clear_pointer (&self->root, json_object_put);
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

/* Validation helpers. Every error names the key path ("regions.nose.max_mm"). */

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError     **error,
      const char  *path,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_INVALID,
               "%s: %s", path, message);
  return FALSE;
}

static char *
join_path (const char *parent,
           const char *key)
{
  if (parent == NULL || *parent == '\0')
    return g_strdup (key);
  return g_strconcat (parent, ".", key, NULL);
}

static const char *
type_name (json_object *value)
{
  switch (json_object_get_type (value))
    {
    case json_type_null: return "null";
    case json_type_boolean: return _("a boolean");
    case json_type_double:
    case json_type_int: return _("a number");
    case json_type_object: return _("an object");
    case json_type_array: return _("an array");
    case json_type_string: return _("a string");
    default: return _("something else");
    }
}

static gboolean
check_object (json_object  *value,
              const char   *path,
              GError      **error)
{
  if (!json_object_is_type (value, json_type_object))
    return fail (error, path, _("must be an object, not %s"), type_name (value));
  return TRUE;
}

/* Refuses keys not in @allowed (a NULL-terminated list). */
static gboolean
check_keys (json_object        *object,
            const char         *path,
            const char * const *allowed,
            GError            **error)
{
  json_object_object_foreach (object, key, value)
    {
      (void) value;
      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *child = join_path (path, key);
          return fail (error, child, _("unknown key"));
        }
    }
  return TRUE;
}

static json_object *
get_member (json_object *object,
            const char  *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, key, &value))
    return NULL;
  return value;
}

static gboolean
get_number (json_object  *object,
            const char   *path,
            const char   *key,
            double        min,
            double        max,
            double       *out,
            GError      **error)
{
  g_autofree char *child = join_path (path, key);
  json_object *value = get_member (object, key);
  double number;

  if (value == NULL)
    return fail (error, child, _("missing"));
  if (!json_object_is_type (value, json_type_double) &&
      !json_object_is_type (value, json_type_int))
    return fail (error, child, _("must be a number, not %s"), type_name (value));

  number = json_object_get_double (value);
  if (!isfinite (number) || number < min || number > max)
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

      return fail (error, child, _("must be between %s and %s"),
                   g_ascii_formatd (lo, sizeof lo, "%g", min),
                   g_ascii_formatd (hi, sizeof hi, "%g", max));
    }

  *out = number;
  return TRUE;
}

/* Depths must be positive and within the device (or the absolute maximum). */
static gboolean
get_depth (json_object  *object,
           const char   *path,
           const char   *key,
           double        device_max,
           double       *out,
           GError      **error)
{
  if (!get_number (object, path, key, 0.0, device_max, out, error))
    return FALSE;
  if (*out <= 0.0)
    {
      g_autofree char *child = join_path (path, key);
      return fail (error, child, _("must be more than 0"));
    }
  return TRUE;
}

static gboolean
get_uint (json_object  *object,
          const char   *path,
          const char   *key,
          guint         min,
          guint         max,
          guint        *out,
          GError      **error)
{
  g_autofree char *child = join_path (path, key);
  json_object *value = get_member (object, key);
  gint64 number;

  if (value == NULL)
    return fail (error, child, _("missing"));
  if (!json_object_is_type (value, json_type_int))
    return fail (error, child, _("must be a whole number, not %s"), type_name (value));

  number = json_object_get_int64 (value);
  if (number < min || number > max)
    return fail (error, child, _("must be between %u and %u"), min, max);

  *out = (guint) number;
  return TRUE;
}

static gboolean
get_bool (json_object  *object,
          const char   *path,
          const char   *key,
          gboolean      fallback,
          gboolean     *out,
          GError      **error)
{
  json_object *value = get_member (object, key);

  if (value == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!json_object_is_type (value, json_type_boolean))
    {
      g_autofree char *child = join_path (path, key);
      return fail (error, child, _("must be true or false, not %s"), type_name (value));
    }

  *out = json_object_get_boolean (value);
  return TRUE;
}

static gboolean
get_string (json_object  *object,
            const char   *path,
            const char   *key,
            gboolean      required,
            char        **out,
            GError      **error)
{
  g_autofree char *child = join_path (path, key);
  json_object *value = get_member (object, key);

  if (value == NULL)
    {
      if (required)
        return fail (error, child, _("missing"));
      *out = NULL;
      return TRUE;
    }
  if (!json_object_is_type (value, json_type_string))
    return fail (error, child, _("must be a string, not %s"), type_name (value));
  if (json_object_get_string_len (value) > 2000)
    return fail (error, child, _("is too long"));

  *out = g_strdup (json_object_get_string (value));
  return TRUE;
}

/* An array of strings, each accepted by @check (which may be NULL). */
static gboolean
get_string_array (json_object  *object,
                  const char   *path,
                  const char   *key,
                  gboolean    (*check) (const char *item, gpointer data),
                  gpointer      check_data,
                  const char   *what,
                  char       ***out,
                  GError      **error)
{
  g_autofree char *child = join_path (path, key);
  json_object *value = get_member (object, key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  size_t i, n;

  if (value == NULL)
    return fail (error, child, _("missing"));
  if (!json_object_is_type (value, json_type_array))
    return fail (error, child, _("must be an array, not %s"), type_name (value));

  n = json_object_array_length (value);
  if (n == 0)
    return fail (error, child, _("must not be empty"));
  if (n > 64)
    return fail (error, child, _("has too many items"));

  for (i = 0; i < n; i++)
    {
      json_object *item = json_object_array_get_idx (value, i);
      g_autofree char *item_path = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", child, i);
      const char *text;

      if (!json_object_is_type (item, json_type_string))
        return fail (error, item_path, _("must be a string, not %s"), type_name (item));
      text = json_object_get_string (item);
      if (check != NULL && !check (text, check_data))
        return fail (error, item_path, _("\"%s\" is not %s"), text, _(what));
      g_strv_builder_add (builder, text);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
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
get_citation (json_object  *object,
              const char   *path,
              gboolean      allow_clinic,
              NmCitation   *cite,
              GError      **error)
{
  if (!get_string_array (object, path, "sources", source_is_valid,
                         GINT_TO_POINTER (allow_clinic),
                         N_("a key of the clinical reference"), &cite->sources, error))
    return FALSE;
  return get_string (object, path, "note", FALSE, &cite->note, error);
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

static gboolean
get_fitzpatrick_range (json_object  *object,
                       const char   *path,
                       guint        *min,
                       guint        *max,
                       GError      **error)
{
  g_autofree char *child = join_path (path, "fitzpatrick");
  json_object *value = get_member (object, "fitzpatrick");
  json_object *lo, *hi;

  if (value == NULL)
    return fail (error, child, _("missing"));
  if (!json_object_is_type (value, json_type_array) || json_object_array_length (value) != 2)
    return fail (error, child, _("must be a pair [from, to] of skin types"));

  lo = json_object_array_get_idx (value, 0);
  hi = json_object_array_get_idx (value, 1);
  if (!json_object_is_type (lo, json_type_int) || !json_object_is_type (hi, json_type_int) ||
      json_object_get_int64 (lo) < 1 || json_object_get_int64 (hi) > 6 ||
      json_object_get_int64 (lo) > json_object_get_int64 (hi))
    return fail (error, child, _("must be two skin types 1–6, the first not above the second"));

  *min = (guint) json_object_get_int64 (lo);
  *max = (guint) json_object_get_int64 (hi);
  return TRUE;
}

/* Sections */

static gboolean
parse_device (json_object  *root,
              gboolean      allow_clinic,
              Tables       *t,
              GError      **error)
{
  static const char * const keys[] = { "max_mm", "step_mm", "evaluated_max_mm", "sources", "note", NULL };
  json_object *device = get_member (root, "device");
  double steps;

  if (device == NULL)
    return fail (error, "device", _("missing"));
  if (!check_object (device, "device", error) ||
      !check_keys (device, "device", keys, error) ||
      !get_depth (device, "device", "max_mm", ABSOLUTE_MAX_MM, &t->device_max_mm, error) ||
      !get_number (device, "device", "step_mm", 0.05, 1.0, &t->device_step_mm, error) ||
      !get_depth (device, "device", "evaluated_max_mm", t->device_max_mm, &t->evaluated_max_mm, error) ||
      !get_citation (device, "device", allow_clinic, &t->device_cite, error))
    return FALSE;

  steps = t->device_max_mm / t->device_step_mm;
  if (fabs (steps - round (steps)) > 1e-6)
    return fail (error, "device.max_mm", _("must be a whole number of steps (device.step_mm)"));

  return TRUE;
}

static gboolean
parse_regions (json_object  *root,
               gboolean      allow_clinic,
               Tables       *t,
               GError      **error)
{
  static const char * const keys[] = { "treat", "max_mm", "scar", "sources", "note", NULL };
  static const char * const scar_keys[] = { "max_mm", "sources", "note", NULL };
  json_object *regions = get_member (root, "regions");
  guint i;

  if (regions == NULL)
    return fail (error, "regions", _("missing"));
  if (!check_object (regions, "regions", error))
    return FALSE;

  json_object_object_foreach (regions, key, value)
    {
      (void) value;
      if (nm_vocab_region_index (key) < 0)
        {
          g_autofree char *path = join_path ("regions", key);
          return fail (error, path, _("not a region of the vocabulary"));
        }
    }

  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      g_autofree char *path = join_path ("regions", id);
      json_object *entry = get_member (regions, id);
      NmProtocolRegion *region;
      json_object *scar;

      if (entry == NULL)
        return fail (error, path, _("missing"));
      if (!check_object (entry, path, error) || !check_keys (entry, path, keys, error))
        return FALSE;

      region = g_new0 (NmProtocolRegion, 1);
      region->id = g_strdup (id);
      g_hash_table_insert (t->regions, region->id, region);

      if (!get_bool (entry, path, "treat", TRUE, &region->treat, error) ||
          !get_citation (entry, path, allow_clinic, &region->cite, error))
        return FALSE;

      if (nm_vocab_region_never_treated (id) && region->treat)
        {
          g_autofree char *child = join_path (path, "treat");
          return fail (error, child, _("must be false: this region is never needled"));
        }

      if (!region->treat)
        {
          if (get_member (entry, "max_mm") != NULL || get_member (entry, "scar") != NULL)
            {
              g_autofree char *child = join_path (path, "max_mm");
              return fail (error, child, _("must not be set for a region that is not treated"));
            }
          continue;
        }

      if (!get_depth (entry, path, "max_mm", NM_SAFETY_MAX_MM, &region->max_mm, error))
        return FALSE;

      scar = get_member (entry, "scar");
      if (scar != NULL)
        {
          g_autofree char *scar_path = join_path (path, "scar");

          if (!check_object (scar, scar_path, error) ||
              !check_keys (scar, scar_path, scar_keys, error) ||
              !get_depth (scar, scar_path, "max_mm", NM_SAFETY_MAX_MM, &region->scar_max_mm, error) ||
              !get_citation (scar, scar_path, allow_clinic, &region->scar_cite, error))
            return FALSE;
          region->has_scar_limit = TRUE;
        }
    }

  return TRUE;
}

static gboolean
parse_schedules (json_object  *root,
                 Tables       *t,
                 GError      **error)
{
  static const char * const keys[] = { "label", "note", "sources", NULL };
  json_object *schedules = get_member (root, "schedules");

  if (schedules == NULL)
    return fail (error, "schedules", _("missing"));
  if (!check_object (schedules, "schedules", error))
    return FALSE;
  if (json_object_object_length (schedules) == 0)
    return fail (error, "schedules", _("must name at least one schedule"));

  json_object_object_foreach (schedules, key, value)
    {
      g_autofree char *path = join_path ("schedules", key);
      NmProtocolSchedule *schedule;

      if (!check_object (value, path, error) || !check_keys (value, path, keys, error))
        return FALSE;

      schedule = g_new0 (NmProtocolSchedule, 1);
      schedule->id = g_strdup (key);
      g_ptr_array_add (t->schedules, schedule);
      if (!get_string (value, path, "label", TRUE, &schedule->label, error) ||
          !get_string (value, path, "note", FALSE, &schedule->note, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_indications (json_object  *root,
                   gboolean      allow_clinic,
                   Tables       *t,
                   GError      **error)
{
  static const char * const keys[] = { "depth", "series", NULL };
  static const char * const untreated_keys[] = { "treat", "refer", "sources", "note", NULL };
  static const char * const depth_keys[] = { "min_mm", "max_mm", "sources", "note", NULL };
  static const char * const series_keys[] = { "sessions", "interval_weeks", "schedule", "sources", "note", NULL };
  json_object *indications = get_member (root, "indications");
  guint i;

  if (indications == NULL)
    return fail (error, "indications", _("missing"));
  if (!check_object (indications, "indications", error))
    return FALSE;

  json_object_object_foreach (indications, key, value)
    {
      (void) value;
      if (nm_vocab_kind_index (key) < 0)
        {
          g_autofree char *path = join_path ("indications", key);
          return fail (error, path, _("not a finding kind of the vocabulary"));
        }
    }

  for (i = 0; i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      g_autofree char *path = join_path ("indications", id);
      g_autofree char *depth_path = NULL;
      g_autofree char *series_path = NULL;
      json_object *entry = get_member (indications, id);
      NmProtocolIndication *ind;
      json_object *depth, *series;
      double min, max;

      if (entry == NULL)
        return fail (error, path, _("missing"));
      if (!check_object (entry, path, error))
        return FALSE;

      ind = g_new0 (NmProtocolIndication, 1);
      ind->id = g_strdup (id);
      g_hash_table_insert (t->indications, ind->id, ind);

      if (!get_bool (entry, path, "treat", TRUE, &ind->treat, error))
        return FALSE;

      if (g_str_equal (id, "keloid") && ind->treat)
        {
          g_autofree char *child = join_path (path, "treat");
          return fail (error, child, _("must be false: keloids are never needled, refer to a specialist"));
        }

      if (!ind->treat)
        {
          if (!check_keys (entry, path, untreated_keys, error) ||
              !get_bool (entry, path, "refer", FALSE, &ind->refer, error) ||
              !get_citation (entry, path, allow_clinic, &ind->cite, error))
            return FALSE;
          continue;
        }

      if (!check_keys (entry, path, keys, error))
        return FALSE;

      depth_path = join_path (path, "depth");
      depth = get_member (entry, "depth");
      if (depth == NULL)
        return fail (error, depth_path, _("missing"));
      if (!check_object (depth, depth_path, error) ||
          !check_keys (depth, depth_path, depth_keys, error) ||
          !get_depth (depth, depth_path, "min_mm", NM_SAFETY_MAX_MM, &min, error) ||
          !get_depth (depth, depth_path, "max_mm", NM_SAFETY_MAX_MM, &max, error) ||
          !get_citation (depth, depth_path, allow_clinic, &ind->depth_cite, error))
        return FALSE;
      if (min > max)
        {
          g_autofree char *child = join_path (depth_path, "min_mm");
          return fail (error, child, _("must not be more than max_mm"));
        }
      ind->min_mm = min;
      ind->max_mm = max;

      series_path = join_path (path, "series");
      series = get_member (entry, "series");
      if (series == NULL)
        return fail (error, series_path, _("missing"));
      if (!check_object (series, series_path, error) ||
          !check_keys (series, series_path, series_keys, error) ||
          !get_uint (series, series_path, "sessions", 1, 52, &ind->sessions, error) ||
          !get_uint (series, series_path, "interval_weeks", 1, 52, &ind->interval_weeks, error) ||
          !get_string (series, series_path, "schedule", TRUE, &ind->schedule, error) ||
          !get_citation (series, series_path, allow_clinic, &ind->series_cite, error))
        return FALSE;
      if (!schedule_id_is_valid (ind->schedule, t))
        {
          g_autofree char *child = join_path (series_path, "schedule");
          return fail (error, child, _("\"%s\" is not a key of schedules"), ind->schedule);
        }
    }

  return TRUE;
}

static gboolean
parse_skin_types (json_object  *root,
                  gboolean      allow_clinic,
                  Tables       *t,
                  GError      **error)
{
  static const char * const keys[NM_N_SKIN_RULES][7] = {
    { "fitzpatrick", "max_mm", "sources", "note", NULL },
    { "fitzpatrick", "min_weeks", "schedules", "sources", "note", NULL },
    { "fitzpatrick", "sources", "note", NULL },
    { "fitzpatrick", "sources", "note", NULL },
  };
  json_object *skin = get_member (root, "skin_types");
  guint i;

  if (skin == NULL)
    return fail (error, "skin_types", _("missing"));
  if (!check_object (skin, "skin_types", error) ||
      !check_keys (skin, "skin_types", skin_rule_ids, error))
    return FALSE;

  for (i = 0; i < NM_N_SKIN_RULES; i++)
    {
      g_autofree char *path = join_path ("skin_types", skin_rule_ids[i]);
      json_object *entry = get_member (skin, skin_rule_ids[i]);
      NmProtocolSkinRule *rule = &t->skin[i];

      if (entry == NULL)
        return fail (error, path, _("missing"));
      if (!check_object (entry, path, error) ||
          !check_keys (entry, path, keys[i], error) ||
          !get_fitzpatrick_range (entry, path, &rule->fitzpatrick_min, &rule->fitzpatrick_max, error) ||
          !get_citation (entry, path, allow_clinic, &rule->cite, error))
        return FALSE;

      if (i == NM_SKIN_RULE_PIGMENT_DEPTH &&
          !get_depth (entry, path, "max_mm", NM_SAFETY_MAX_MM, &rule->max_mm, error))
        return FALSE;
      if (i == NM_SKIN_RULE_INTERVAL &&
          (!get_uint (entry, path, "min_weeks", 1, 52, &rule->min_weeks, error) ||
           !get_string_array (entry, path, "schedules", schedule_id_is_valid, t,
                              N_("a key of schedules"), &rule->schedules, error)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_screening (json_object  *root,
                 gboolean      allow_clinic,
                 Tables       *t,
                 GError      **error)
{
  static const char * const keys[] = { "class", "sources", "note", NULL };
  json_object *screening = get_member (root, "screening");
  guint i;

  if (screening == NULL)
    return fail (error, "screening", _("missing"));
  if (!check_object (screening, "screening", error))
    return FALSE;

  json_object_object_foreach (screening, key, value)
    {
      (void) value;
      if (nm_vocab_screening_index (key) < 0)
        {
          g_autofree char *path = join_path ("screening", key);
          return fail (error, path, _("not a screening item of the vocabulary"));
        }
    }

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      g_autofree char *path = join_path ("screening", id);
      g_autofree char *class_name = NULL;
      json_object *entry = get_member (screening, id);
      ScreeningEntry *item;

      if (entry == NULL)
        return fail (error, path, _("missing"));
      if (!check_object (entry, path, error) || !check_keys (entry, path, keys, error))
        return FALSE;

      item = g_new0 (ScreeningEntry, 1);
      g_hash_table_insert (t->screening, g_strdup (id), item);
      if (!get_string (entry, path, "class", TRUE, &class_name, error) ||
          !get_citation (entry, path, allow_clinic, &item->cite, error))
        return FALSE;

      if (g_str_equal (class_name, "absolute"))
        item->klass = NM_SCREENING_ABSOLUTE;
      else if (g_str_equal (class_name, "relative"))
        item->klass = NM_SCREENING_RELATIVE;
      else
        {
          g_autofree char *child = join_path (path, "class");
          return fail (error, child, _("must be \"absolute\" or \"relative\""));
        }
    }

  return TRUE;
}

static gboolean
parse_warnings (json_object  *root,
                gboolean      allow_clinic,
                Tables       *t,
                GError      **error)
{
  static const char * const keys[] = { "regions", "min_age_years", "sources", "note", NULL };
  json_object *warnings = get_member (root, "warnings");
  guint i;

  if (warnings == NULL)
    return fail (error, "warnings", _("missing"));
  if (!check_object (warnings, "warnings", error) ||
      !check_keys (warnings, "warnings", warning_ids, error))
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (warning_ids); i++)
    {
      g_autofree char *path = join_path ("warnings", warning_ids[i]);
      json_object *entry = get_member (warnings, warning_ids[i]);
      NmProtocolWarning *warning;

      if (entry == NULL)
        return fail (error, path, _("missing"));
      if (!check_object (entry, path, error) || !check_keys (entry, path, keys, error))
        return FALSE;

      warning = g_new0 (NmProtocolWarning, 1);
      warning->id = g_strdup (warning_ids[i]);
      g_hash_table_insert (t->warnings, warning->id, warning);
      if (!get_citation (entry, path, allow_clinic, &warning->cite, error))
        return FALSE;

      if (g_str_equal (warning->id, "herpes-prophylaxis") &&
          !get_string_array (entry, path, "regions", region_id_is_valid, NULL,
                             N_("a region of the vocabulary"), &warning->regions, error))
        return FALSE;
      if (g_str_equal (warning->id, "under-age") &&
          !get_uint (entry, path, "min_age_years", 0, 120, &warning->min_age_years, error))
        return FALSE;
    }

  return TRUE;
}

static Tables *
parse_root (json_object  *root,
            gboolean      allow_clinic,
            GError      **error)
{
  static const char * const keys[] = {
    "format", "version", "note", "device", "regions", "indications", "schedules",
    "skin_types", "screening", "warnings", NULL
  };
  g_autoptr(Tables) t = tables_new ();
  json_object *format, *version;

  if (!check_object (root, "(top level)", error))
    return NULL;

  format = get_member (root, "format");
  if (format == NULL)
    {
      fail (error, "format", _("missing"));
      return NULL;
    }
  if (!json_object_is_type (format, json_type_string) ||
      g_strcmp0 (json_object_get_string (format), PROTOCOL_FORMAT) != 0)
    {
      fail (error, "format", _("must be \"%s\""), PROTOCOL_FORMAT);
      return NULL;
    }

  version = get_member (root, "version");
  if (version == NULL)
    {
      fail (error, "version", _("missing"));
      return NULL;
    }
  if (!json_object_is_type (version, json_type_int) || json_object_get_int64 (version) < 1)
    {
      fail (error, "version", _("must be a whole number from 1"));
      return NULL;
    }
  if (json_object_get_int64 (version) > PROTOCOL_VERSION)
    {
      g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_VERSION,
                   _("version: protocol version %lld is newer than this "
                     "application understands (%d)"),
                   (long long) json_object_get_int64 (version), PROTOCOL_VERSION);
      return NULL;
    }

  if (!check_keys (root, "", keys, error) ||
      !parse_device (root, allow_clinic, t, error) ||
      !parse_regions (root, allow_clinic, t, error) ||
      !parse_schedules (root, t, error) ||
      !parse_indications (root, allow_clinic, t, error) ||
      !parse_skin_types (root, allow_clinic, t, error) ||
      !parse_screening (root, allow_clinic, t, error) ||
      !parse_warnings (root, allow_clinic, t, error))
    return NULL;

  return g_steal_pointer (&t);
}

/* Spec §3.1: what no protocol may loosen. Checked on the merged tree before
 * anything else, so the message names the ceiling a value goes past rather
 * than a narrower range it happens to fail first. Values of the wrong type
 * are left to the parser's own messages. */

static gboolean
number_member (json_object *object,
               const char  *key,
               double      *out)
{
  json_object *value = object != NULL ? get_member (object, key) : NULL;

  if (value == NULL ||
      (!json_object_is_type (value, json_type_double) && !json_object_is_type (value, json_type_int)))
    return FALSE;
  *out = json_object_get_double (value);
  return TRUE;
}

static gboolean
check_ceiling (json_object  *object,
               const char   *path,
               const char   *key,
               double        ceiling,
               GError      **error)
{
  double value;

  if (number_member (object, key, &value) && value > ceiling + 1e-9)
    {
      g_autofree char *child = join_path (path, key);
      g_autofree char *have = nm_format_mm (value);
      g_autofree char *limit = nm_format_mm (ceiling);

      /* Translators: "3.0 is above the 0.5 mm ceiling that every plan keeps" */
      return fail (error, child, _("%s is above the %s mm ceiling that every plan keeps"), have, limit);
    }
  return TRUE;
}

/* A skin-type rule must still cover skin types IV–VI. */
static gboolean
check_covers_dark_skin (json_object  *skin,
                        const char   *rule_id,
                        GError      **error)
{
  json_object *rule = skin != NULL ? get_member (skin, rule_id) : NULL;
  json_object *range = rule != NULL ? get_member (rule, "fitzpatrick") : NULL;
  g_autofree char *path = NULL;

  if (range == NULL || !json_object_is_type (range, json_type_array) ||
      json_object_array_length (range) != 2)
    return TRUE;

  if (json_object_get_int (json_object_array_get_idx (range, 0)) <= NM_SAFETY_DARK_SKIN_MIN &&
      json_object_get_int (json_object_array_get_idx (range, 1)) >= 6)
    return TRUE;

  path = g_strdup_printf ("skin_types.%s.fitzpatrick", rule_id);
  return fail (error, path, _("must cover skin types IV–VI: every plan keeps this rule for them"));
}

static gboolean
check_safety (json_object  *root,
              GError      **error)
{
  json_object *regions = get_member (root, "regions");
  json_object *indications = get_member (root, "indications");
  json_object *screening = get_member (root, "screening");
  json_object *skin = get_member (root, "skin_types");
  guint i;

  if (!check_ceiling (get_member (root, "device"), "device", "max_mm", NM_SAFETY_MAX_MM, error) ||
      !check_ceiling (get_member (root, "device"), "device", "evaluated_max_mm", NM_SAFETY_MAX_MM, error))
    return FALSE;

  for (i = 0; regions != NULL && i < nm_vocab_n_regions (); i++)
    {
      const char *id = nm_vocab_region (i)->id;
      json_object *entry = get_member (regions, id);
      double ceiling = nm_safety_region_ceiling (id);
      g_autofree char *path = join_path ("regions", id);
      g_autofree char *scar_path = join_path (path, "scar");

      if (entry == NULL || !json_object_is_type (entry, json_type_object) || ceiling <= 0.0)
        continue;   /* eyelids: parse_regions refuses "treat": true */
      if (!check_ceiling (entry, path, "max_mm", ceiling, error) ||
          !check_ceiling (get_member (entry, "scar"), scar_path, "max_mm", ceiling, error))
        return FALSE;
    }

  if (skin != NULL && json_object_is_type (skin, json_type_object))
    {
      json_object *interval = get_member (skin, "interval");
      double weeks;

      /* the skin-type rule lengthens skin series: never below every plan's 3 weeks */
      if (number_member (interval, "min_weeks", &weeks) && weeks < 3)
        return fail (error, "skin_types.interval.min_weeks",
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%g is below the %u week between sessions that every plan keeps",
                                  "%g is below the %u weeks between sessions that every plan keeps", 3),
                     weeks, 3u);
      if (!check_ceiling (get_member (skin, "pigment_depth"), "skin_types.pigment_depth", "max_mm",
                          NM_SAFETY_PIGMENT_DARK_MAX_MM, error) ||
          !check_covers_dark_skin (skin, "pigment_depth", error) ||
          !check_covers_dark_skin (skin, "pih_warning", error))
        return FALSE;
    }

  for (i = 0; indications != NULL && i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      json_object *entry = get_member (indications, id);
      json_object *series = entry != NULL ? get_member (entry, "series") : NULL;
      guint least;
      double weeks;

      if (series == NULL)
        continue;
      least = nm_safety_min_interval_weeks_for_kind (id);
      if (number_member (series, "interval_weeks", &weeks) && weeks < least)
        {
          g_autofree char *path = g_strdup_printf ("indications.%s.series.interval_weeks", id);

          return fail (error, path,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%g is below the %u week between sessions that every plan keeps",
                                    "%g is below the %u weeks between sessions that every plan keeps",
                                    least),
                       weeks, least);
        }
    }

  for (i = 0; screening != NULL && i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      json_object *entry = get_member (screening, id);
      json_object *klass = entry != NULL ? get_member (entry, "class") : NULL;

      if (nm_safety_item_is_absolute (id) && klass != NULL &&
          json_object_is_type (klass, json_type_string) &&
          g_str_equal (json_object_get_string (klass), "relative"))
        {
          g_autofree char *path = g_strdup_printf ("screening.%s.class", id);

          return fail (error, path, _("must stay “absolute”: a clinic may make a relative item "
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
      g_autofree char *path = join_path ("regions", id);

      if (r == NULL || b == NULL || !r->treat)
        continue;
      if (!b->treat)
        {
          g_autofree char *child = join_path (path, "treat");
          g_ptr_array_add (t->loosened, g_strdup_printf ("%s true (built-in false)", child));
          continue;
        }
      if (r->max_mm > b->max_mm + 1e-9)
        {
          g_autofree char *child = join_path (path, "max_mm");
          add_loosened (t, child, r->max_mm, b->max_mm);
        }
      if (r->has_scar_limit)
        {
          double was = b->has_scar_limit ? b->scar_max_mm : b->max_mm;

          if (r->scar_max_mm > was + 1e-9)
            {
              g_autofree char *child = join_path (path, "scar.max_mm");
              add_loosened (t, child, r->scar_max_mm, was);
            }
        }
    }

  for (i = 0; i < nm_vocab_n_kinds (); i++)
    {
      const char *id = nm_vocab_kind (i)->id;
      const NmProtocolIndication *r = g_hash_table_lookup (t->indications, id);
      const NmProtocolIndication *b = g_hash_table_lookup (base->indications, id);
      g_autofree char *path = join_path ("indications", id);

      if (r == NULL || b == NULL || !r->treat)
        continue;
      if (!b->treat)
        {
          g_autofree char *child = join_path (path, "treat");
          g_ptr_array_add (t->loosened, g_strdup_printf ("%s true (built-in false)", child));
          continue;
        }
      if (r->max_mm > b->max_mm + 1e-9)
        {
          g_autofree char *child = join_path (path, "depth.max_mm");
          add_loosened (t, child, r->max_mm, b->max_mm);
        }
      if (r->min_mm > b->min_mm + 1e-9)
        {
          g_autofree char *child = join_path (path, "depth.min_mm");
          add_loosened (t, child, r->min_mm, b->min_mm);
        }
      if (r->sessions > b->sessions)
        {
          g_autofree char *child = join_path (path, "series.sessions");
          add_loosened (t, child, r->sessions, b->sessions);
        }
      if (r->interval_weeks < b->interval_weeks)
        {
          g_autofree char *child = join_path (path, "series.interval_weeks");
          add_loosened (t, child, r->interval_weeks, b->interval_weeks);
        }
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
static json_object *
parse_bytes (GBytes  *bytes,
             GError **error)
{
  json_tokener *tok;
  json_object *root;
  const char *data;
  gsize size, end;
  enum json_tokener_error jerr;

  data = g_bytes_get_data (bytes, &size);
  if (size > PROTOCOL_MAX_BYTES)
    {
      g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE,
                   _("too large for a protocol (over %d bytes)"), PROTOCOL_MAX_BYTES);
      return NULL;
    }
  if (!g_utf8_validate (data, size, NULL))
    {
      g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE, _("not UTF-8 text"));
      return NULL;
    }

  tok = json_tokener_new_ex (PROTOCOL_MAX_DEPTH);
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT);
  root = json_tokener_parse_ex (tok, data, (int) size);
  jerr = json_tokener_get_error (tok);
  end = json_tokener_get_parse_end (tok);
  json_tokener_free (tok);

  if (jerr != json_tokener_success)
    {
      g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE,
                   _("not valid JSON (%s)"), json_tokener_error_desc (jerr));
      g_clear_pointer (&root, json_object_put);
      return NULL;
    }

  for (; end < size; end++)
    if (!g_ascii_isspace (data[end]))
      {
        g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE,
                     _("trailing bytes after the JSON object"));
        json_object_put (root);
        return NULL;
      }

  if (!json_object_is_type (root, json_type_object))
    {
      g_set_error (error, NM_PROTOCOL_ERROR, NM_PROTOCOL_ERROR_PARSE,
                   _("not a JSON object"));
      json_object_put (root);
      return NULL;
    }

  return root;
}

/* Overlay: objects merge key by key, everything else replaces. When a clinic
 * changes a value of a cited object without citing its own sources, the
 * object cites the clinic instead of the reference it no longer follows. */
static gboolean
merge_into (json_object  *base,
            json_object  *overlay,
            const char   *path,
            GError      **error)
{
  gboolean changes_values = FALSE;

  json_object_object_foreach (overlay, key, value)
    {
      json_object *current = get_member (base, key);

      if (json_object_is_type (value, json_type_object))
        {
          g_autofree char *child = join_path (path, key);

          if (current == NULL)
            {
              json_object *copy = NULL;

              json_object_deep_copy (value, &copy, NULL);
              json_object_object_add (base, key, copy);
            }
          else if (!json_object_is_type (current, json_type_object))
            return fail (error, child, _("must not be an object"));
          else if (!merge_into (current, value, child, error))
            return FALSE;
        }
      else
        {
          json_object *copy = NULL;

          if (!g_str_equal (key, "sources") && !g_str_equal (key, "note"))
            changes_values = TRUE;
          json_object_deep_copy (value, &copy, NULL);
          json_object_object_add (base, key, copy);
        }
    }

  if (changes_values && get_member (base, "sources") != NULL)
    {
      if (get_member (overlay, "sources") == NULL)
        {
          json_object *sources = json_object_new_array ();

          json_object_array_add (sources, json_object_new_string (NM_PROTOCOL_CLINIC_SOURCE));
          json_object_object_add (base, "sources", sources);
        }
      if (get_member (overlay, "note") == NULL)
        json_object_object_add (base, "note", json_object_new_string (CLINIC_NOTE));
    }

  return TRUE;
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
  json_object *root;
  Tables *tables;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = parse_bytes (bytes, error);
  if (root == NULL)
    return NULL;

  if (!check_safety (root, error))
    {
      json_object_put (root);
      return NULL;
    }

  tables = parse_root (root, FALSE, error);
  if (tables == NULL)
    {
      json_object_put (root);
      return NULL;
    }

  self = g_object_new (NM_TYPE_PROTOCOL, NULL);
  self->root = root;
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
  json_object *overlay;
  json_object *merged = NULL;
  json_object *value;
  Tables *tables;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  overlay = parse_bytes (bytes, error);
  if (overlay == NULL)
    return FALSE;

  /* A partial file still says what it is. */
  value = get_member (overlay, "format");
  if (value == NULL || !json_object_is_type (value, json_type_string) ||
      g_strcmp0 (json_object_get_string (value), PROTOCOL_FORMAT) != 0)
    {
      json_object_put (overlay);
      return fail (error, "format", _("must be \"%s\""), PROTOCOL_FORMAT);
    }

  json_object_deep_copy (self->root, &merged, NULL);
  if (!merge_into (merged, overlay, "", error))
    {
      json_object_put (overlay);
      json_object_put (merged);
      return FALSE;
    }
  json_object_put (overlay);

  if (!check_safety (merged, error))
    {
      json_object_put (merged);
      return FALSE;
    }

  tables = parse_root (merged, TRUE, error);
  if (tables == NULL)
    {
      json_object_put (merged);
      return FALSE;
    }

  /* The first overlay keeps what it was laid over: the planner compares
   * with it to say where the clinic's file made a plan looser. */
  if (self->base == NULL)
    {
      self->base = g_object_new (NM_TYPE_PROTOCOL, NULL);
      self->base->root = g_steal_pointer (&self->root);
      self->base->tables = g_steal_pointer (&self->tables);
    }
  else
    {
      json_object_put (self->root);
      tables_free (self->tables);
    }
  find_loosened (tables, self->base->tables);
  self->root = merged;
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
  const char *text;

  g_return_val_if_fail (NM_IS_PROTOCOL (self), NULL);

  text = json_object_to_json_string_ext (self->root,
                                         JSON_C_TO_STRING_PRETTY |
                                         JSON_C_TO_STRING_NOSLASHESCAPE);
  return g_strconcat (text, "\n", NULL);
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
