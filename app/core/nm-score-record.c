/* nm-score-record.c
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

#define G_LOG_DOMAIN "nm-scales"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nm-consultation.h"
#include "nm-scales.h"
#include "nm-vocab.h"

/* A score record: one scale's score with what it was made from, and its
 * JSON form (docs/file-format.md, "Scores"):
 *   { "scale": "goodman-baron-qualitative", "region": "cheek-left", "grade": "3" }
 *   { "scale": "gais", "date": "2027-01-05", "rater": "client", "grade": "much-improved" }
 *   { "scale": "goodman-baron-quantitative", "value": 8,
 *     "counts": { "cheek-left": { "macular": 4, "keloidal-cm2": 0 } } }
 *   { "scale": "mmasi", "value": 6.1,
 *     "regions": { "forehead": { "area": 3, "darkness": 2 }, … } }
 * A computed value is written beside its inputs, for other programs; on
 * reading it must be what the inputs give, so that a file never shows one
 * score and keeps the inputs of another.  Keys this version does not know
 * are kept and written back. */

struct _NmScoreRecord
{
  NmScale       scale;
  char         *date;     /* the visit's day; NULL: the baseline */
  char         *region;   /* per-region scales */
  NmScoreRater  rater;    /* rated scales */
  int           grade;    /* graded scales: the grade's index; else -1 */
  guint         value;    /* GBQ2: the score; mMASI: the score × 10 */
  GHashTable   *gbq;      /* GBQ2: region id → NmGbqCounts */
  NmMmasiInput  mmasi;
  json_object  *extra;    /* unknown keys, in the order read; or NULL */
};

G_DEFINE_BOXED_TYPE (NmScoreRecord, nm_score_record, nm_score_record_copy, nm_score_record_free)

static NmScoreRecord *
record_new (NmScale scale)
{
  NmScoreRecord *self = g_new0 (NmScoreRecord, 1);

  self->scale = scale;
  self->grade = -1;
  nm_mmasi_input_init (&self->mmasi);

  if (scale == NM_SCALE_GOODMAN_BARON_QUANTITATIVE)
    self->gbq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

/* An area as the file holds it, six significant digits like the file's
 * other numbers: what is read is what will be saved. */
static double
round_area (double cm2)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (text, sizeof text, "%.6g", cm2);
  return g_ascii_strtod (text, NULL);
}

void
nm_score_record_free (NmScoreRecord *self)
{
  if (self == NULL)
    return;

  g_free (self->date);
  g_free (self->region);
  g_clear_pointer (&self->gbq, g_hash_table_unref);
  g_clear_pointer (&self->extra, json_object_put);
  g_free (self);
}

NmScoreRecord *
nm_score_record_copy (const NmScoreRecord *self)
{
  NmScoreRecord *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = record_new (self->scale);
  copy->date = g_strdup (self->date);
  copy->region = g_strdup (self->region);
  copy->rater = self->rater;
  copy->grade = self->grade;
  copy->value = self->value;
  copy->mmasi = self->mmasi;
  if (self->extra != NULL)
    json_object_deep_copy (self->extra, &copy->extra, NULL);

  if (self->gbq != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->gbq);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy->gbq, g_strdup (key), g_memdup2 (value, sizeof (NmGbqCounts)));
    }

  return copy;
}

static gboolean
gbq_counts_equal (const NmGbqCounts *a,
                  const NmGbqCounts *b)
{
  return memcmp (a->counts, b->counts, sizeof a->counts) == 0
         && a->keloidal_cm2 == b->keloidal_cm2;
}

/* Returns: whether @a and @b record the same score from the same inputs
 * (unknown keys are not compared): a re-scoring that changed nothing */
gboolean
nm_score_record_equal (const NmScoreRecord *a,
                       const NmScoreRecord *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->scale != b->scale || g_strcmp0 (a->date, b->date) != 0
      || g_strcmp0 (a->region, b->region) != 0
      || a->rater != b->rater || a->grade != b->grade || a->value != b->value)
    return FALSE;

  if (a->scale == NM_SCALE_MMASI)
    for (guint r = 0; r < NM_MMASI_N_REGIONS; r++)
      if (a->mmasi.items[r].area != b->mmasi.items[r].area
          || a->mmasi.items[r].darkness != b->mmasi.items[r].darkness
          || a->mmasi.items[r].overridden != b->mmasi.items[r].overridden)
        return FALSE;

  if (a->gbq != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      if (g_hash_table_size (a->gbq) != g_hash_table_size (b->gbq))
        return FALSE;

      g_hash_table_iter_init (&iter, a->gbq);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const NmGbqCounts *other = g_hash_table_lookup (b->gbq, key);

          if (other == NULL || !gbq_counts_equal (value, other))
            return FALSE;
        }
    }

  return TRUE;
}

/**
 * nm_score_record_new_grade:
 * @scale: a graded scale
 * @grade: the index of the grade (nm_scale_grade_index())
 * @region: (nullable): the region, for a per-region scale; else %NULL
 * @rater: the rater, for a rated scale (GAIS); else %NM_SCORE_RATER_NONE
 *
 * Returns: (transfer full) (nullable): the record, or %NULL when the
 *   arguments are not those of @scale
 */
NmScoreRecord *
nm_score_record_new_grade (NmScale        scale,
                           guint          grade,
                           const char    *region,
                           NmScoreRater   rater,
                           GError       **error)
{
  const NmScaleInfo *info;
  NmScoreRecord *self;

  g_return_val_if_fail ((guint) scale < NM_N_SCALES, NULL);

  info = nm_scale_info (scale);
  if (!info->graded || grade >= info->n_grades)
    {
      g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                   /* Translators: %s is a scale's id in the file, "glogau" */
                   _("%s has no grade %u"), info->id, grade);
      return NULL;
    }

  if (info->per_region != (region != NULL)
      || (region != NULL && nm_vocab_region_index (region) < 0))
    {
      g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                   /* Translators: %s is a scale's id in the file */
                   info->per_region ? _("%s is scored for one known region")
                                    : _("%s is not scored per region"),
                   info->id);
      return NULL;
    }

  if (info->rated != (rater != NM_SCORE_RATER_NONE)
      || (rater != NM_SCORE_RATER_NONE && nm_score_rater_id (rater) == NULL))
    {
      g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                   /* Translators: %s is a scale's id in the file, "gais" */
                   info->rated ? _("%s needs a rater, the practitioner or the client")
                               : _("%s has no rater"),
                   info->id);
      return NULL;
    }

  self = record_new (scale);
  self->grade = grade;
  self->region = g_strdup (region);
  self->rater = rater;

  return self;
}

static int
compare_regions (gconstpointer a,
                 gconstpointer b)
{
  return nm_vocab_region_index (a) - nm_vocab_region_index (b);
}

static gboolean
gbq_total (GHashTable *region_counts,
           guint      *out_score,
           GError    **error)
{
  NmGbqCounts face = { { 0, }, 0 };
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, region_counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    nm_gbq_counts_add (&face, value);

  return nm_gbq_score (&face, out_score, error);
}

/**
 * nm_score_record_new_gbq:
 * @region_counts: region id → #NmGbqCounts, what was counted in each region
 *   (may be empty: no scars, a score of 0)
 *
 * Returns: (transfer full) (nullable): the record of the face's score
 */
NmScoreRecord *
nm_score_record_new_gbq (GHashTable  *region_counts,
                         GError     **error)
{
  g_autoptr(NmScoreRecord) self = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (region_counts != NULL, NULL);

  self = record_new (NM_SCALE_GOODMAN_BARON_QUANTITATIVE);

  g_hash_table_iter_init (&iter, region_counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NmGbqCounts *counts;

      if (nm_vocab_region_index (key) < 0)
        {
          g_set_error (error, NM_SCALE_ERROR, NM_SCALE_ERROR_INVALID,
                       _("unknown region “%s”"), (const char *) key);
          return NULL;
        }

      if (!nm_gbq_counts_check (value, error))
        return NULL;

      counts = g_memdup2 (value, sizeof (NmGbqCounts));
      counts->keloidal_cm2 = round_area (counts->keloidal_cm2);
      g_hash_table_insert (self->gbq, g_strdup (key), counts);
    }

  if (!gbq_total (self->gbq, &self->value, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * nm_score_record_new_mmasi:
 * @input: all four regions known
 *
 * Returns: (transfer full) (nullable): the record, or %NULL when a region's
 *   area or darkness is unknown or out of range
 */
NmScoreRecord *
nm_score_record_new_mmasi (const NmMmasiInput  *input,
                           GError             **error)
{
  NmScoreRecord *self;
  guint tenths;

  g_return_val_if_fail (input != NULL, NULL);

  if (!nm_mmasi_score_tenths (input, &tenths, error))
    return NULL;

  self = record_new (NM_SCALE_MMASI);
  self->mmasi = *input;
  self->value = tenths;

  return self;
}

NmScale
nm_score_record_get_scale (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->scale;
}

/* Returns: (nullable): the day of the visit the score is from; %NULL for
 * the baseline, taken at the consultation */
const char *
nm_score_record_get_date (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->date;
}

void
nm_score_record_set_date (NmScoreRecord *self,
                          const char    *date)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (date == NULL || nm_date_is_valid (date));

  if (self->date == date)
    return;

  g_free (self->date);
  self->date = g_strdup (date);
}

const char *
nm_score_record_get_region (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->region;
}

NmScoreRater
nm_score_record_get_rater (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, NM_SCORE_RATER_NONE);

  return self->rater;
}

/* Returns: the grade's index, or -1 for a computed scale */
int
nm_score_record_get_grade (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->grade;
}

/* Returns: the score, for plots: a computed scale's value (mMASI 0–24 in
 * tenths); a graded scale's place in its list of grades, from 1 */
double
nm_score_record_get_value (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->grade >= 0)
    return self->grade + 1;
  if (self->scale == NM_SCALE_MMASI)
    return self->value / 10.0;

  return self->value;
}

/* Returns: (transfer container) (element-type utf8): the regions counted
 * for a GBQ2 record, in the vocabulary's order */
GList *
nm_score_record_get_gbq_regions (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->gbq == NULL)
    return NULL;

  return g_list_sort (g_hash_table_get_keys (self->gbq), compare_regions);
}

/* Returns: (nullable): what was counted in @region, for a GBQ2 record */
const NmGbqCounts *
nm_score_record_get_gbq_counts (const NmScoreRecord *self,
                                const char          *region)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->gbq == NULL || region == NULL)
    return NULL;

  return g_hash_table_lookup (self->gbq, region);
}

/* Returns: (nullable): the four regions of an mMASI record */
const NmMmasiInput *
nm_score_record_get_mmasi (const NmScoreRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->scale == NM_SCALE_MMASI ? &self->mmasi : NULL;
}

/* Writing */

static json_object *
new_tenths (guint tenths)
{
  g_autofree char *text = g_strdup_printf ("%u.%u", tenths / 10, tenths % 10);

  if (tenths % 10 == 0)
    return json_object_new_int (tenths / 10);

  return json_object_new_double_s (tenths / 10.0, text);
}

static json_object *
new_area (double cm2)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (cm2 == floor (cm2) && cm2 < G_MAXINT)
    return json_object_new_int ((int) cm2);

  g_ascii_formatd (text, sizeof text, "%.6g", cm2);
  return json_object_new_double_s (cm2, text);
}

/**
 * nm_score_record_to_json:
 *
 * Returns: (transfer full): the record's JSON object; its keys in the order
 *   of docs/file-format.md, then the unknown keys it was read with
 */
json_object *
nm_score_record_to_json (const NmScoreRecord *self)
{
  const NmScaleInfo *info;
  json_object *object;

  g_return_val_if_fail (self != NULL, NULL);

  info = nm_scale_info (self->scale);
  object = json_object_new_object ();
  json_object_object_add (object, "scale", json_object_new_string (info->id));

  if (self->date != NULL)
    json_object_object_add (object, "date", json_object_new_string (self->date));
  if (self->region != NULL)
    json_object_object_add (object, "region", json_object_new_string (self->region));
  if (self->rater != NM_SCORE_RATER_NONE)
    json_object_object_add (object, "rater", json_object_new_string (nm_score_rater_id (self->rater)));
  if (self->grade >= 0)
    json_object_object_add (object, "grade", json_object_new_string (info->grades[self->grade].id));

  if (self->scale == NM_SCALE_GOODMAN_BARON_QUANTITATIVE)
    {
      json_object *counts = json_object_new_object ();
      GList *regions = nm_score_record_get_gbq_regions (self);

      json_object_object_add (object, "value", json_object_new_int (self->value));

      for (GList *l = regions; l != NULL; l = l->next)
        {
          const NmGbqCounts *c = g_hash_table_lookup (self->gbq, l->data);
          json_object *region = json_object_new_object ();

          for (guint i = 0; i < NM_GBQ_N_COUNTED; i++)
            if (c->counts[i] > 0)
              json_object_object_add (region, nm_gbq_type_id (i), json_object_new_int (c->counts[i]));
          if (c->keloidal_cm2 > 0)
            json_object_object_add (region, "keloidal-cm2", new_area (c->keloidal_cm2));

          json_object_object_add (counts, l->data, region);
        }
      g_list_free (regions);

      json_object_object_add (object, "counts", counts);
    }
  else if (self->scale == NM_SCALE_MMASI)
    {
      json_object *regions = json_object_new_object ();

      json_object_object_add (object, "value", new_tenths (self->value));

      for (guint r = 0; r < NM_MMASI_N_REGIONS; r++)
        {
          const NmMmasiItem *item = &self->mmasi.items[r];
          json_object *region = json_object_new_object ();

          json_object_object_add (region, "area", json_object_new_int (item->area));
          json_object_object_add (region, "darkness", json_object_new_int (item->darkness));
          if (item->overridden)
            json_object_object_add (region, "overridden", json_object_new_boolean (TRUE));

          json_object_object_add (regions, nm_mmasi_region_id (r), region);
        }

      json_object_object_add (object, "regions", regions);
    }

  if (self->extra != NULL)
    {
      json_object_object_foreach (self->extra, key, value)
        json_object_object_add (object, key, json_object_get (value));
    }

  return object;
}

/* Returns: (transfer full): a JSON array of @records' objects */
json_object *
nm_score_records_to_json (GPtrArray *records)
{
  json_object *array = json_object_new_array ();

  for (guint i = 0; records != NULL && i < records->len; i++)
    json_object_array_add (array, nm_score_record_to_json (g_ptr_array_index (records, i)));

  return array;
}

/* Reading */

static gboolean
get_int (NmJsonCheck      *check,
         const NmJsonNode *node,
         gint64            min,
         gint64            max,
         gint64           *out)
{
  if (!nm_json_expect (check, node, json_type_int, N_("an integer")))
    return FALSE;

  if (node->v.integer < min || node->v.integer > max)
    return nm_json_fail (check, _("%lld is out of range: must be %lld–%lld"),
                         (long long) node->v.integer, (long long) min, (long long) max);

  *out = node->v.integer;
  return TRUE;
}

static gboolean
read_gbq_region (NmJsonCheck      *check,
                 const NmJsonNode *node,
                 NmGbqCounts      *counts)
{
  if (!nm_json_expect (check, node, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < node->n; i++)
    {
      const NmJsonNode *member = node->children[i];
      gsize mark = nm_json_path_push_key (&check->path, member->key, -1);
      NmGbqType type;

      if (nm_gbq_type_from_id (member->key, &type))
        {
          gint64 count;

          if (!get_int (check, member, 0, NM_GBQ_MAX_COUNT, &count))
            return FALSE;
          counts->counts[type] = count;
        }
      else if (strcmp (member->key, "keloidal-cm2") == 0)
        {
          double cm2;

          if (!nm_json_get_number (check, member, &cm2))
            return FALSE;
          if (!isfinite (cm2) || cm2 < 0 || cm2 > NM_GBQ_MAX_KELOID_CM2)
            return nm_json_fail (check, _("must be an area from 0 to %g cm²"), NM_GBQ_MAX_KELOID_CM2);
          counts->keloidal_cm2 = round_area (cm2);
        }
      else
        {
          /* Translators: a scar type of Goodman & Baron's quantitative score, as the file names it */
          return nm_json_fail (check, _("unknown scar type “%s”"), member->key);
        }

      nm_json_path_pop (&check->path, mark);
    }

  return TRUE;
}

static gboolean
read_gbq_counts (NmJsonCheck      *check,
                 const NmJsonNode *node,
                 NmScoreRecord    *self)
{
  if (!nm_json_expect (check, node, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < node->n; i++)
    {
      const NmJsonNode *member = node->children[i];
      gsize mark = nm_json_path_push_key (&check->path, member->key, -1);
      NmGbqCounts counts = { { 0, }, 0 };

      if (nm_vocab_region_index (member->key) < 0)
        return nm_json_fail (check, _("unknown region “%s”"), member->key);
      if (g_hash_table_contains (self->gbq, member->key))
        return nm_json_fail (check, _("region “%s” is counted twice"), member->key);
      if (!read_gbq_region (check, member, &counts))
        return FALSE;

      g_hash_table_insert (self->gbq, g_strdup (member->key), g_memdup2 (&counts, sizeof counts));
      nm_json_path_pop (&check->path, mark);
    }

  return TRUE;
}

static gboolean
read_mmasi_regions (NmJsonCheck      *check,
                    const NmJsonNode *node,
                    NmScoreRecord    *self)
{
  if (!nm_json_expect (check, node, json_type_object, N_("an object")))
    return FALSE;

  for (guint i = 0; i < node->n; i++)
    {
      const NmJsonNode *member = node->children[i];
      gsize mark = nm_json_path_push_key (&check->path, member->key, -1);
      const NmJsonNode *area, *darkness, *overridden;
      NmMmasiRegion region;
      NmMmasiItem *item;
      gint64 value;

      if (!nm_mmasi_region_from_id (member->key, &region))
        return nm_json_fail (check, _("not an mMASI region: must be forehead, cheek-right, cheek-left or chin"));
      if (!nm_json_expect (check, member, json_type_object, N_("an object")))
        return FALSE;

      item = &self->mmasi.items[region];
      if (item->area != NM_MMASI_UNKNOWN)
        return nm_json_fail (check, _("region “%s” is scored twice"), member->key);

      area = nm_json_member (member, "area");
      darkness = nm_json_member (member, "darkness");
      overridden = nm_json_member (member, "overridden");
      if (area == NULL || darkness == NULL)
        return nm_json_fail (check, _("the required keys “area” and “darkness” are missing"));

      for (guint j = 0; j < member->n; j++)
        if (member->children[j] != area && member->children[j] != darkness
            && member->children[j] != overridden)
          return nm_json_fail (check, _("unknown key “%s”: a region has “area”, “darkness” and “overridden”"),
                               member->children[j]->key);

      nm_json_path_push_key (&check->path, "area", -1);
      if (!get_int (check, area, 0, NM_MMASI_AREA_MAX, &value))
        return FALSE;
      item->area = value;
      nm_json_path_pop (&check->path, mark + 1);

      nm_json_path_push_key (&check->path, "darkness", -1);
      if (!get_int (check, darkness, 0, NM_MMASI_DARKNESS_MAX, &value))
        return FALSE;
      item->darkness = value;
      nm_json_path_pop (&check->path, mark + 1);

      if (overridden != NULL)
        {
          nm_json_path_push_key (&check->path, "overridden", -1);
          if (!nm_json_get_boolean (check, overridden, &item->overridden))
            return FALSE;
        }

      nm_json_path_pop (&check->path, mark);
    }

  for (guint r = 0; r < NM_MMASI_N_REGIONS; r++)
    if (self->mmasi.items[r].area == NM_MMASI_UNKNOWN)
      return nm_json_fail (check, _("the region “%s” is missing: the mMASI needs forehead, cheek-right, cheek-left and chin"),
                           nm_mmasi_region_id (r));

  return TRUE;
}

/**
 * nm_score_record_from_json:
 * @check: where @node is, and the error to set
 * @node: a score record's object
 *
 * Reads one score record, checking everything docs/file-format.md asks of
 * it; the error names the key path.
 *
 * Returns: (transfer full) (nullable): the record
 */
NmScoreRecord *
nm_score_record_from_json (NmJsonCheck      *check,
                           const NmJsonNode *node)
{
  g_autoptr(NmScoreRecord) self = NULL;
  const NmJsonNode *scale_node, *value_node = NULL;
  const NmJsonNode *grade_node = NULL, *counts_node = NULL, *regions_node = NULL;
  const NmScaleInfo *info;
  const char *text;
  NmScale scale;

  g_return_val_if_fail (check != NULL && node != NULL, NULL);

  if (!nm_json_expect (check, node, json_type_object, N_("an object")))
    return NULL;

  scale_node = nm_json_member (node, "scale");
  if (scale_node == NULL)
    {
      nm_json_fail (check, _("the required key “%s” is missing"), "scale");
      return NULL;
    }

  {
    gsize mark = nm_json_path_push_key (&check->path, "scale", -1);

    if (!nm_json_get_string (check, scale_node, &text))
      return NULL;
    if (!nm_scale_from_id (text, &scale))
      {
        nm_json_fail (check, _("unknown scale “%s”"), text);
        return NULL;
      }
    nm_json_path_pop (&check->path, mark);
  }

  info = nm_scale_info (scale);
  self = record_new (scale);

  for (guint i = 0; i < node->n; i++)
    {
      const NmJsonNode *member = node->children[i];
      const char *key = member->key;
      gsize mark = nm_json_path_push_key (&check->path, key, -1);

      if (strcmp (key, "scale") == 0)
        {
        }
      else if (strcmp (key, "date") == 0)
        {
          if (!nm_json_get_string (check, member, &text))
            return NULL;
          if (!nm_date_is_valid (text))
            {
              nm_json_fail (check, _("must be a calendar date written YYYY-MM-DD"));
              return NULL;
            }
          self->date = g_strdup (text);
        }
      else if (strcmp (key, "region") == 0 && info->per_region)
        {
          if (!nm_json_get_string (check, member, &text))
            return NULL;
          if (nm_vocab_region_index (text) < 0)
            {
              nm_json_fail (check, _("unknown region “%s”"), text);
              return NULL;
            }
          self->region = g_strdup (text);
        }
      else if (strcmp (key, "rater") == 0 && info->rated)
        {
          if (!nm_json_get_string (check, member, &text))
            return NULL;
          if (!nm_score_rater_from_id (text, &self->rater))
            {
              nm_json_fail (check, _("must be “practitioner” or “client”"));
              return NULL;
            }
        }
      else if (strcmp (key, "grade") == 0 && info->graded)
        {
          grade_node = member;
          if (!nm_json_get_string (check, member, &text))
            return NULL;
          self->grade = nm_scale_grade_index (scale, text);
          if (self->grade < 0)
            {
              /* Translators: the first %s is what the file holds, the second a scale's id */
              nm_json_fail (check, _("“%s” is not a grade of %s"), text, info->id);
              return NULL;
            }
        }
      else if (strcmp (key, "value") == 0 && !info->graded)
        {
          value_node = member;
        }
      else if (strcmp (key, "counts") == 0 && scale == NM_SCALE_GOODMAN_BARON_QUANTITATIVE)
        {
          counts_node = member;
          if (!read_gbq_counts (check, member, self))
            return NULL;
        }
      else if (strcmp (key, "regions") == 0 && scale == NM_SCALE_MMASI)
        {
          regions_node = member;
          if (!read_mmasi_regions (check, member, self))
            return NULL;
        }
      else if (strcmp (key, "region") == 0 || strcmp (key, "rater") == 0
               || strcmp (key, "grade") == 0 || strcmp (key, "value") == 0
               || strcmp (key, "counts") == 0 || strcmp (key, "regions") == 0)
        {
          /* A key of another scale is a mistake, not a newer version's. */
          /* Translators: %s is a scale's id, then a key of the file */
          nm_json_fail (check, _("%s has no “%s”"), info->id, key);
          return NULL;
        }
      else
        {
          if (self->extra == NULL)
            self->extra = json_object_new_object ();
          json_object_object_add (self->extra, key, nm_json_node_to_json_c (member));
        }

      nm_json_path_pop (&check->path, mark);
    }

  if (info->per_region && self->region == NULL)
    return nm_json_fail (check, _("the required key “%s” is missing"), "region"), NULL;
  if (info->rated && self->rater == NM_SCORE_RATER_NONE)
    return nm_json_fail (check, _("the required key “%s” is missing"), "rater"), NULL;
  if (info->graded && grade_node == NULL)
    return nm_json_fail (check, _("the required key “%s” is missing"), "grade"), NULL;
  if (!info->graded && value_node == NULL)
    return nm_json_fail (check, _("the required key “%s” is missing"), "value"), NULL;
  if (scale == NM_SCALE_GOODMAN_BARON_QUANTITATIVE && counts_node == NULL)
    return nm_json_fail (check, _("the required key “%s” is missing"), "counts"), NULL;
  if (scale == NM_SCALE_MMASI && regions_node == NULL)
    return nm_json_fail (check, _("the required key “%s” is missing"), "regions"), NULL;

  if (value_node != NULL)
    {
      gsize mark = nm_json_path_push_key (&check->path, "value", -1);
      g_autoptr(GError) error = NULL;
      double value, computed;

      if (!nm_json_get_number (check, value_node, &value))
        return NULL;

      if (scale == NM_SCALE_GOODMAN_BARON_QUANTITATIVE)
        {
          if (!gbq_total (self->gbq, &self->value, &error))
            return nm_json_fail (check, "%s", error->message), NULL;
          computed = self->value;
        }
      else
        {
          if (!nm_mmasi_score_tenths (&self->mmasi, &self->value, &error))
            return nm_json_fail (check, "%s", error->message), NULL;
          computed = self->value / 10.0;
        }

      if (!isfinite (value) || fabs (value - computed) > 0.05)
        {
          g_autofree char *written = nm_json_number_text (value_node);

          /* Translators: %s is the value the file holds, %g the score of the counts or regions beside it */
          return nm_json_fail (check, _("%s is not the score of its inputs, %g"),
                               written, computed), NULL;
        }

      nm_json_path_pop (&check->path, mark);
    }

  return g_steal_pointer (&self);
}

/* A record's slot as a string: equal for records of one slot. */
static char *
slot_key (const NmScoreRecord *self)
{
  return g_strdup_printf ("%s|%d|%s|%d", self->date != NULL ? self->date : "",
                          self->scale, self->region != NULL ? self->region : "", self->rater);
}

/**
 * nm_score_records_from_json:
 * @array: an array of score records ("scores")
 *
 * Returns: (transfer full) (element-type NmScoreRecord) (nullable): the
 *   records, or %NULL with @check's error set
 */
GPtrArray *
nm_score_records_from_json (NmJsonCheck      *check,
                            const NmJsonNode *array)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) slots = NULL;

  g_return_val_if_fail (check != NULL && array != NULL, NULL);

  if (!nm_json_expect (check, array, json_type_array, N_("an array")))
    return NULL;

  if (array->n > NM_SCORE_RECORDS_MAX)
    {
      nm_json_fail (check, _("%u scores, more than the limit of %u"), array->n, NM_SCORE_RECORDS_MAX);
      return NULL;
    }

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_score_record_free);
  slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < array->n; i++)
    {
      gsize mark = nm_json_path_push_index (&check->path, i);
      NmScoreRecord *record = nm_score_record_from_json (check, array->children[i]);
      gpointer first;
      char *slot;

      if (record == NULL)
        return NULL;

      g_ptr_array_add (records, record);

      slot = slot_key (record);
      if (g_hash_table_lookup_extended (slots, slot, NULL, &first))
        {
          g_free (slot);
          nm_json_fail (check, _("scores[%u] already scores this: one score a day per scale, region and rater"),
                        GPOINTER_TO_UINT (first));
          return NULL;
        }
      g_hash_table_insert (slots, slot, GUINT_TO_POINTER (i));

      nm_json_path_pop (&check->path, mark);
    }

  return g_steal_pointer (&records);
}

/**
 * nm_score_records_are_valid:
 * @records: (nullable) (element-type NmScoreRecord): a list
 *
 * Returns: whether a file can hold @records: at most %NM_SCORE_RECORDS_MAX,
 *   at most one per slot
 */
gboolean
nm_score_records_are_valid (GPtrArray *records)
{
  g_autoptr(GHashTable) slots = NULL;

  if (records == NULL)
    return TRUE;
  if (records->len > NM_SCORE_RECORDS_MAX)
    return FALSE;

  slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < records->len; i++)
    if (!g_hash_table_add (slots, slot_key (records->pdata[i])))
      return FALSE;

  return TRUE;
}

/* Whether @a and @b score the same thing, on any day. */
static gboolean
same_measure (const NmScoreRecord *a,
              const NmScoreRecord *b)
{
  return a->scale == b->scale && g_strcmp0 (a->region, b->region) == 0 && a->rater == b->rater;
}

/* Returns: whether @a and @b score the same thing on the same day: the
 * same date, the same scale, for the same region (Goodman & Baron
 * qualitative) and by the same rater (GAIS) */
gboolean
nm_score_record_same_slot (const NmScoreRecord *a,
                           const NmScoreRecord *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return same_measure (a, b) && g_strcmp0 (a->date, b->date) == 0;
}

/**
 * nm_score_records_carry_forward:
 * @earlier: (nullable) (element-type NmScoreRecord): the scores of the last
 *   visit (or the baseline), whole
 * @today: (nullable) (element-type NmScoreRecord): what was scored today,
 *   at most one per slot
 * @date: (nullable): today, the date every record of the result gets
 *
 * Re-scoring takes seconds because what did not change need not be scored
 * again: today's list is @today's records, then copies of @earlier's for
 * every slot that today did not score, in @earlier's order.  GAIS is not
 * carried: it is the practitioner's and the client's judgement of one
 * session, and an old one copied to a later day would be an answer nobody
 * gave.
 *
 * Returns: (transfer full) (element-type NmScoreRecord): the day's whole list
 */
GPtrArray *
nm_score_records_carry_forward (GPtrArray  *earlier,
                                GPtrArray  *today,
                                const char *date)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_score_record_free);

  g_return_val_if_fail (date == NULL || nm_date_is_valid (date), records);

  for (guint i = 0; today != NULL && i < today->len; i++)
    g_ptr_array_add (records, nm_score_record_copy (today->pdata[i]));

  for (guint i = 0; earlier != NULL && i < earlier->len; i++)
    {
      gboolean scored = nm_scale_info (nm_score_record_get_scale (earlier->pdata[i]))->rated;

      for (guint j = 0; today != NULL && j < today->len && !scored; j++)
        scored = same_measure (earlier->pdata[i], today->pdata[j]);

      if (!scored)
        g_ptr_array_add (records, nm_score_record_copy (earlier->pdata[i]));
    }

  for (guint i = 0; i < records->len; i++)
    nm_score_record_set_date (records->pdata[i], date);

  return records;
}

/**
 * nm_score_records_on:
 * @records: (element-type NmScoreRecord): the scores of every visit
 * @date: (nullable): a visit's day; %NULL for the baseline
 *
 * Returns: (transfer container) (element-type NmScoreRecord): the records
 *   of that day, in @records' order; they belong to @records
 */
GPtrArray *
nm_score_records_on (GPtrArray  *records,
                     const char *date)
{
  GPtrArray *day = g_ptr_array_new ();

  for (guint i = 0; records != NULL && i < records->len; i++)
    if (g_strcmp0 (nm_score_record_get_date (records->pdata[i]), date) == 0)
      g_ptr_array_add (day, records->pdata[i]);

  return day;
}

static int
compare_dates (gconstpointer a,
               gconstpointer b)
{
  const NmScoreRecord *ra = *(NmScoreRecord * const *) a;
  const NmScoreRecord *rb = *(NmScoreRecord * const *) b;

  /* the baseline first; dates written YYYY-MM-DD sort as text */
  return g_strcmp0 (ra->date, rb->date);
}

/**
 * nm_score_records_set_day:
 * @records: (nullable) (element-type NmScoreRecord): the scores of every visit
 * @date: (nullable): a visit's day; %NULL for the baseline
 * @day: (nullable) (element-type NmScoreRecord): that day's scores, at most
 *   one per slot; their dates are set to @date
 *
 * Returns: (transfer full) (element-type NmScoreRecord): a new list with
 *   @day in place of that day's records, the baseline first and the visits
 *   by date (records of one day keep their order)
 */
GPtrArray *
nm_score_records_set_day (GPtrArray  *records,
                          const char *date,
                          GPtrArray  *day)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) nm_score_record_free);

  g_return_val_if_fail (date == NULL || nm_date_is_valid (date), result);

  for (guint i = 0; records != NULL && i < records->len; i++)
    if (g_strcmp0 (nm_score_record_get_date (records->pdata[i]), date) != 0)
      g_ptr_array_add (result, nm_score_record_copy (records->pdata[i]));

  for (guint i = 0; day != NULL && i < day->len; i++)
    {
      NmScoreRecord *copy = nm_score_record_copy (day->pdata[i]);

      nm_score_record_set_date (copy, date);
      g_ptr_array_add (result, copy);
    }

  /* g_ptr_array_sort () is a merge sort: stable, so a day keeps its order */
  g_ptr_array_sort (result, compare_dates);

  return result;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * nm_score_records_dup_dates:
 * @records: (nullable) (element-type NmScoreRecord): the scores of every visit
 *
 * Returns: (transfer full): the days that have scores, without the
 *   baseline, earliest first, each once
 */
char **
nm_score_records_dup_dates (GPtrArray *records)
{
  g_autoptr(GPtrArray) dates = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      const char *date = nm_score_record_get_date (records->pdata[i]);

      if (date != NULL && !g_ptr_array_find_with_equal_func (dates, date, g_str_equal, NULL))
        g_ptr_array_add (dates, g_strdup (date));
    }

  g_ptr_array_sort (dates, compare_strings);
  g_ptr_array_add (dates, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&dates), FALSE);
}

/* Returns: (transfer full) (nullable) (element-type NmScoreRecord): a deep
 * copy of @records; %NULL for %NULL */
GPtrArray *
nm_score_records_copy (GPtrArray *records)
{
  GPtrArray *copy;

  if (records == NULL)
    return NULL;

  copy = g_ptr_array_new_full (records->len, (GDestroyNotify) nm_score_record_free);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (copy, nm_score_record_copy (records->pdata[i]));

  return copy;
}

/* Returns: whether @a and @b hold equal records in the same order; %NULL
 * (no list) is not the empty list */
gboolean
nm_score_records_equal (GPtrArray *a,
                        GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (!nm_score_record_equal (a->pdata[i], b->pdata[i]))
      return FALSE;

  return TRUE;
}
