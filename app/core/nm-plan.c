/* nm-plan.c
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

#define G_LOG_DOMAIN "nm-plan"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "nm-plan-private.h"
#include "nm-safety.h"

G_DEFINE_BOXED_TYPE (NmPlan, nm_plan, nm_plan_ref, nm_plan_unref)

static void
block_free (gpointer data)
{
  NmPlanBlock *block = data;

  g_free (block->id);
  g_free (block->message);
  g_free (block);
}

static void
warning_free (gpointer data)
{
  NmPlanWarning *warning = data;

  g_free (warning->id);
  g_free (warning->message);
  g_free (warning->region);
  g_free (warning);
}

static void
region_free (gpointer data)
{
  NmPlanRegion *region = data;

  for (guint i = 0; i < region->n_finding_depths; i++)
    g_free (region->finding_depths[i].kind);
  g_free (region->finding_depths);
  g_free (region->region);
  g_free (region->deepest_kind);
  g_strfreev (region->findings);
  g_strfreev (region->reasons);
  g_free (region);
}

static void
series_free (gpointer data)
{
  NmPlanSeries *series = data;

  g_free (series->schedule);
  g_free (series->label);
  g_strfreev (series->regions);
  g_free (series->dates);
  g_free (series);
}

NmPlan *
_nm_plan_new (void)
{
  NmPlan *self = g_new0 (NmPlan, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->status = NM_PLAN_OK;
  self->blocked_by = g_ptr_array_new_with_free_func (block_free);
  self->warnings = g_ptr_array_new_with_free_func (warning_free);
  self->regions = g_ptr_array_new_with_free_func (region_free);
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->unanswered = g_new0 (char *, 1);
  self->age = -1;
  return self;
}

/* Takes @message. */
NmPlanBlock *
_nm_plan_add_block (NmPlan     *self,
                    const char *id,
                    char       *message)
{
  NmPlanBlock *block = g_new0 (NmPlanBlock, 1);

  block->id = g_strdup (id);
  block->message = message;
  g_ptr_array_add (self->blocked_by, block);
  return block;
}

/* Takes @message. */
void
_nm_plan_add_warning (NmPlan     *self,
                      const char *id,
                      char       *message,
                      const char *region)
{
  NmPlanWarning *warning = g_new0 (NmPlanWarning, 1);

  warning->id = g_strdup (id);
  warning->message = message;
  warning->region = g_strdup (region);
  g_ptr_array_add (self->warnings, warning);
}

NmPlanRegion *
_nm_plan_add_region (NmPlan     *self,
                     const char *region_id)
{
  NmPlanRegion *region = g_new0 (NmPlanRegion, 1);

  region->region = g_strdup (region_id);
  region->series = -1;
  g_ptr_array_add (self->regions, region);
  return region;
}

NmPlanSeries *
_nm_plan_add_series (NmPlan     *self,
                     const char *schedule,
                     const char *label)
{
  NmPlanSeries *series = g_new0 (NmPlanSeries, 1);

  series->schedule = g_strdup (schedule);
  series->label = g_strdup (label);
  g_ptr_array_add (self->series, series);
  return series;
}

NmPlan *
nm_plan_ref (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
nm_plan_unref (NmPlan *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->blocked_by);
  g_ptr_array_unref (self->warnings);
  g_ptr_array_unref (self->regions);
  g_ptr_array_unref (self->series);
  g_strfreev (self->unanswered);
  g_free (self);
}

NmPlanStatus
nm_plan_get_status (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, NM_PLAN_BLOCKED);
  return self->status;
}

/**
 * nm_plan_get_state:
 *
 * What the window's status and the PDF's headline say: blocked first, then
 * a missing skin type, then an unfinished screening, then precautions
 * (status `caution` for any other reason), else ready.
 */
NmPlanState
nm_plan_get_state (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, NM_PLAN_STATE_BLOCKED);
  return self->state;
}

/**
 * nm_plan_has_lifelong_block:
 *
 * Returns: whether a reason the plan is blocked does not pass with time
 *   (then it is "not suitable", not "not suitable now")
 */
gboolean
nm_plan_has_lifelong_block (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->blocked_by->len; i++)
    if (((NmPlanBlock *) g_ptr_array_index (self->blocked_by, i))->lifelong)
      return TRUE;
  return FALSE;
}

/**
 * nm_plan_get_unanswered:
 *
 * Returns: (transfer none): the screening items not answered yet, in the
 *   spec's order; empty (never %NULL) when the screening is complete
 */
const char * const *
nm_plan_get_unanswered (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->unanswered;
}

/**
 * nm_plan_get_wait_until:
 *
 * Returns: (nullable): the date the first session was moved to because
 *   the screening asks to wait (`wait-before-start`), or %NULL
 */
const GDate *
nm_plan_get_wait_until (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->has_wait ? &self->wait_until : NULL;
}

/**
 * nm_plan_get_minor:
 *
 * Returns: whether the client is under 18 on the first session's date
 *   (blocked without a guardian, `minor-guardian` with one)
 */
gboolean
nm_plan_get_minor (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->minor;
}

/**
 * nm_plan_get_age:
 *
 * Returns: the client's age in whole years on the first session's date,
 *   -1 when the birth date is unknown
 */
int
nm_plan_get_age (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->age;
}

/* The device the plan was made for: the consultation's, else the protocol's. */
double
nm_plan_get_device_max_mm (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->device_max_mm;
}

double
nm_plan_get_device_step_mm (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->device_step_mm;
}

/**
 * nm_plan_region_lookup_finding:
 *
 * Returns: (nullable): the depth of @kind in a treated @region
 */
const NmPlanFindingDepth *
nm_plan_region_lookup_finding (const NmPlanRegion *region,
                               const char         *kind)
{
  g_return_val_if_fail (region != NULL, NULL);

  for (guint i = 0; i < region->n_finding_depths; i++)
    if (g_strcmp0 (region->finding_depths[i].kind, kind) == 0)
      return &region->finding_depths[i];
  return NULL;
}

/**
 * nm_plan_depth_for_finding:
 * @region: a treated region of the plan
 * @kind: the finding's kind
 * @severity: the finding's severity
 * @min_mm: (out): the shallow end
 * @max_mm: (out): the deep end
 *
 * The depth to needle one finding where it lies: its kind's depth in the
 * region (finding_depths), and for an acne scar of Goodman & Baron grade 1
 * (macular) never more than spec §3.1's 0.5 mm, even where a worse scar of
 * the same kind sets the kind's depth.
 *
 * Returns: %FALSE when the finding is not needled
 */
gboolean
nm_plan_depth_for_finding (const NmPlanRegion *region,
                           const char         *kind,
                           guint               severity,
                           double             *min_mm,
                           double             *max_mm)
{
  const NmPlanFindingDepth *depth;

  g_return_val_if_fail (region != NULL, FALSE);

  depth = nm_plan_region_lookup_finding (region, kind);
  if (!region->treat || depth == NULL || !depth->treat)
    return FALSE;

  *min_mm = depth->min_mm;
  *max_mm = depth->max_mm;
  if (nm_safety_is_macular_scar (kind, severity))
    {
      *max_mm = MIN (*max_mm, NM_SAFETY_MACULAR_SCAR_MAX_MM);
      *min_mm = MIN (*min_mm, *max_mm);
    }
  return TRUE;
}

const char *
nm_plan_status_to_string (NmPlanStatus status)
{
  switch (status)
    {
    case NM_PLAN_OK: return "ok";
    case NM_PLAN_CAUTION: return "caution";
    case NM_PLAN_BLOCKED: return "blocked";
    default: g_return_val_if_reached ("blocked");
    }
}

guint
nm_plan_get_n_blocked_by (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->blocked_by->len;
}

const NmPlanBlock *
nm_plan_get_blocked_by (NmPlan *self,
                        guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->blocked_by->len, NULL);
  return g_ptr_array_index (self->blocked_by, index);
}

guint
nm_plan_get_n_warnings (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->warnings->len;
}

const NmPlanWarning *
nm_plan_get_warning (NmPlan *self,
                     guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->warnings->len, NULL);
  return g_ptr_array_index (self->warnings, index);
}

/**
 * nm_plan_has_warning:
 * @region: (nullable): a region id, or %NULL to match any region
 *
 * Returns: whether the plan carries the warning @id (for @region)
 */
gboolean
nm_plan_has_warning (NmPlan     *self,
                     const char *id,
                     const char *region)
{
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);

  for (i = 0; i < self->warnings->len; i++)
    {
      NmPlanWarning *warning = g_ptr_array_index (self->warnings, i);

      if (g_strcmp0 (warning->id, id) == 0 &&
          (region == NULL || g_strcmp0 (warning->region, region) == 0))
        return TRUE;
    }
  return FALSE;
}

guint
nm_plan_get_n_regions (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->regions->len;
}

const NmPlanRegion *
nm_plan_get_region (NmPlan *self,
                    guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->regions->len, NULL);
  return g_ptr_array_index (self->regions, index);
}

/**
 * nm_plan_lookup_region:
 *
 * Returns: (nullable): the plan for @region_id, %NULL when it has no findings
 */
const NmPlanRegion *
nm_plan_lookup_region (NmPlan     *self,
                       const char *region_id)
{
  guint i;

  g_return_val_if_fail (self != NULL, NULL);

  for (i = 0; i < self->regions->len; i++)
    {
      NmPlanRegion *region = g_ptr_array_index (self->regions, i);
      if (g_strcmp0 (region->region, region_id) == 0)
        return region;
    }
  return NULL;
}

guint
nm_plan_get_n_series (NmPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->series->len;
}

const NmPlanSeries *
nm_plan_get_series (NmPlan *self,
                    guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->series->len, NULL);
  return g_ptr_array_index (self->series, index);
}

/**
 * nm_format_mm:
 *
 * Formats a depth the same way everywhere, whatever the locale: two
 * decimals at most, one at least ("1.0", "1.25", "0.5").
 *
 * Returns: (transfer full): the text
 */
char *
nm_format_mm (double mm)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len;

  /* -0.0 and rounding noise print as their nearest hundredth */
  g_ascii_formatd (buffer, sizeof buffer, "%.2f", round (mm * 100.0) / 100.0 + 0.0);
  len = strlen (buffer);
  if (len >= 4 && buffer[len - 1] == '0')
    buffer[len - 1] = '\0';
  return g_strdup (buffer);
}

/**
 * nm_format_mm_display:
 *
 * A depth as people read it: nm_format_mm() with the decimal separator of
 * the current LC_NUMERIC locale ("1,25" in German, French, Spanish and
 * Portuguese). For the screen, the PDF, printing and the calendar texts,
 * never for anything a program reads back: files and the --plan JSON use
 * nm_format_mm().
 *
 * Returns: (transfer full): the text
 */
char *
nm_format_mm_display (double mm)
{
  g_autofree char *text = nm_format_mm (mm);
  const char *point = localeconv ()->decimal_point;
  char *dot = strchr (text, '.');

  if (dot == NULL || point == NULL || point[0] == '\0' || g_str_equal (point, "."))
    return g_steal_pointer (&text);

  *dot = '\0';
  return g_strconcat (text, point, dot + 1, NULL);
}

/**
 * nm_format_mm_range_display:
 *
 * A depth range for people: "1,0–1,5 mm" (an en dash between the ends), or
 * "1,0 mm" when the ends are equal.
 *
 * Returns: (transfer full): the text
 */
char *
nm_format_mm_range_display (double min_mm,
                            double max_mm)
{
  g_autofree char *lo = nm_format_mm_display (min_mm);
  g_autofree char *hi = nm_format_mm_display (max_mm);

  if (g_str_equal (lo, hi))
    return g_strdup_printf ("%s mm", hi);
  return g_strdup_printf ("%s\u2013%s mm", lo, hi);
}

/* JSON output: fixed key order, two-space indent, arrays of strings on one
 * line, so the same plan always gives the same bytes. */

static void
append_string (GString    *out,
               const char *text)
{
  const char *p;

  g_string_append_c (out, '"');
  for (p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_string_array (GString           *out,
                     const char * const *items)
{
  guint i;

  g_string_append_c (out, '[');
  for (i = 0; items != NULL && items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_string (out, items[i]);
    }
  g_string_append_c (out, ']');
}

static void
append_mm (GString *out,
           double   mm)
{
  g_autofree char *text = nm_format_mm (mm);
  g_string_append (out, text);
}

static void
append_blocks (GString *out,
               NmPlan  *self)
{
  guint i;

  if (self->blocked_by->len == 0)
    {
      g_string_append (out, "  \"blocked_by\": [],\n");
      return;
    }

  g_string_append (out, "  \"blocked_by\": [\n");
  for (i = 0; i < self->blocked_by->len; i++)
    {
      NmPlanBlock *block = g_ptr_array_index (self->blocked_by, i);

      g_string_append (out, "    { \"id\": ");
      append_string (out, block->id);
      g_string_append (out, ", \"message\": ");
      append_string (out, block->message);
      g_string_append (out, i + 1 < self->blocked_by->len ? " },\n" : " }\n");
    }
  g_string_append (out, "  ],\n");
}

static void
append_warnings (GString *out,
                 NmPlan  *self)
{
  guint i;

  if (self->warnings->len == 0)
    {
      g_string_append (out, "  \"warnings\": [],\n");
      return;
    }

  g_string_append (out, "  \"warnings\": [\n");
  for (i = 0; i < self->warnings->len; i++)
    {
      NmPlanWarning *warning = g_ptr_array_index (self->warnings, i);

      g_string_append (out, "    { \"id\": ");
      append_string (out, warning->id);
      g_string_append (out, ", \"message\": ");
      append_string (out, warning->message);
      if (warning->region != NULL)
        {
          g_string_append (out, ", \"region\": ");
          append_string (out, warning->region);
        }
      g_string_append (out, i + 1 < self->warnings->len ? " },\n" : " }\n");
    }
  g_string_append (out, "  ],\n");
}

static void
append_regions (GString *out,
                NmPlan  *self)
{
  guint i, j;

  if (self->regions->len == 0)
    {
      g_string_append (out, "  \"regions\": [],\n");
      return;
    }

  g_string_append (out, "  \"regions\": [\n");
  for (i = 0; i < self->regions->len; i++)
    {
      NmPlanRegion *region = g_ptr_array_index (self->regions, i);

      g_string_append (out, "    {\n      \"region\": ");
      append_string (out, region->region);
      g_string_append (out, ",\n      \"treat\": ");
      g_string_append (out, region->treat ? "true" : "false");
      if (region->treat)
        {
          g_string_append (out, ",\n      \"depth_mm\": { \"min\": ");
          append_mm (out, region->min_mm);
          g_string_append (out, ", \"max\": ");
          append_mm (out, region->max_mm);
          g_string_append (out, " }");
        }
      g_string_append (out, ",\n      \"findings\": ");
      append_string_array (out, (const char * const *) region->findings);
      if (region->treat)
        {
          g_string_append (out, ",\n      \"finding_depths\": [");
          for (j = 0; j < region->n_finding_depths; j++)
            {
              const NmPlanFindingDepth *depth = &region->finding_depths[j];

              g_string_append (out, j > 0 ? ",\n        { \"kind\": " : "\n        { \"kind\": ");
              append_string (out, depth->kind);
              if (depth->treat)
                {
                  g_string_append (out, ", \"depth_mm\": { \"min\": ");
                  append_mm (out, depth->min_mm);
                  g_string_append (out, ", \"max\": ");
                  append_mm (out, depth->max_mm);
                  g_string_append (out, " }");
                }
              else
                g_string_append (out, ", \"treat\": false");
              g_string_append (out, " }");
            }
          g_string_append (out, j > 0 ? "\n      ]" : "]");
        }
      g_string_append (out, ",\n      \"reasons\": [");
      for (j = 0; region->reasons != NULL && region->reasons[j] != NULL; j++)
        {
          g_string_append (out, j > 0 ? ",\n        " : "\n        ");
          append_string (out, region->reasons[j]);
        }
      g_string_append (out, j > 0 ? "\n      ]\n" : "]\n");
      g_string_append (out, i + 1 < self->regions->len ? "    },\n" : "    }\n");
    }
  g_string_append (out, "  ],\n");
}

static void
append_series (GString *out,
               NmPlan  *self)
{
  guint i, j;

  if (self->series->len == 0)
    {
      g_string_append (out, "  \"series\": []\n");
      return;
    }

  g_string_append (out, "  \"series\": [\n");
  for (i = 0; i < self->series->len; i++)
    {
      NmPlanSeries *series = g_ptr_array_index (self->series, i);

      g_string_append (out, "    {\n      \"regions\": ");
      append_string_array (out, (const char * const *) series->regions);
      g_string_append_printf (out, ",\n      \"sessions\": %u,\n      \"interval_weeks\": %u,\n      \"dates\": [",
                              series->sessions, series->interval_weeks);
      for (j = 0; j < series->n_dates; j++)
        {
          if (j > 0)
            g_string_append (out, ", ");
          g_string_append_printf (out, "\"%04u-%02u-%02u\"",
                                  (guint) g_date_get_year (&series->dates[j]),
                                  (guint) g_date_get_month (&series->dates[j]),
                                  (guint) g_date_get_day (&series->dates[j]));
        }
      g_string_append (out, "]\n");
      g_string_append (out, i + 1 < self->series->len ? "    },\n" : "    }\n");
    }
  g_string_append (out, "  ]\n");
}

/**
 * nm_plan_to_json:
 *
 * The plan as spec/FORMAT.md §3: keys in the spec's order, numbers printed
 * the same in every locale, ending with a newline. The same plan gives the
 * same bytes.
 *
 * Returns: (transfer full): UTF-8 JSON text
 */
char *
nm_plan_to_json (NmPlan *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new ("{\n  \"format\": \"needlemap-plan\",\n  \"version\": 1,\n  \"status\": ");
  append_string (out, nm_plan_status_to_string (self->status));
  g_string_append (out, ",\n");
  append_blocks (out, self);
  append_warnings (out, self);
  append_regions (out, self);
  append_series (out, self);
  g_string_append (out, "}\n");

  return g_string_free (out, FALSE);
}
