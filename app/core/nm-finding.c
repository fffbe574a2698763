/* nm-finding.c
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

#define G_LOG_DOMAIN "nm-finding"

#include "config.h"

#include <math.h>

#include "nm-consultation-private.h"
#include "nm-finding.h"
#include "nm-vocab.h"

struct _NmFinding
{
  GObject         parent_instance;

  char           *region;
  char           *kind;
  guint           severity;
  char           *note;
  char           *view;
  GArray         *outline;   /* of NmPoint, never modified once set; NULL if none */
  json_object    *extra;

  NmConsultation *owner;     /* not a reference: the owner holds us */
};

G_DEFINE_FINAL_TYPE (NmFinding, nm_finding, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REGION,
  PROP_KIND,
  PROP_SEVERITY,
  PROP_NOTE,
  PROP_VIEW,
  PROP_OUTLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Call after changing @prop_id, with the value it had before. */
static void
record (NmFinding    *self,
        guint         prop_id,
        const GValue *old_value)
{
  g_auto(GValue) new_value = G_VALUE_INIT;

  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);

  if (self->owner == NULL)
    return;

  g_value_init (&new_value, properties[prop_id]->value_type);
  g_object_get_property (G_OBJECT (self), properties[prop_id]->name, &new_value);
  _nm_consultation_record_property (self->owner, G_OBJECT (self), properties[prop_id],
                                    old_value, &new_value);
}

static void
save_old (NmFinding *self,
          guint      prop_id,
          GValue    *old_value)
{
  g_value_init (old_value, properties[prop_id]->value_type);
  g_object_get_property (G_OBJECT (self), properties[prop_id]->name, old_value);
}

static gboolean
points_are_valid (const NmPoint *points,
                  guint          n_points)
{
  for (guint i = 0; i < n_points; i++)
    {
      if (!isfinite (points[i].x) || !isfinite (points[i].y) ||
          points[i].x < 0.0 || points[i].x > 1.0 ||
          points[i].y < 0.0 || points[i].y > 1.0)
        return FALSE;
    }

  return TRUE;
}

static void
set_outline_array (NmFinding *self,
                   GArray    *outline)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  if (self->outline == outline)
    return;

  if (outline != NULL)
    g_return_if_fail (points_are_valid ((const NmPoint *) (gpointer) outline->data, outline->len));

  save_old (self, PROP_OUTLINE, &old_value);
  g_clear_pointer (&self->outline, g_array_unref);
  if (outline != NULL)
    self->outline = g_array_ref (outline);
  record (self, PROP_OUTLINE, &old_value);
}

static void
nm_finding_finalize (GObject *object)
{
  NmFinding *self = NM_FINDING (object);

  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->view, g_free);
  g_clear_pointer (&self->outline, g_array_unref);
  g_clear_pointer (&self->extra, json_object_put);

  G_OBJECT_CLASS (nm_finding_parent_class)->finalize (object);
}

static void
nm_finding_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  NmFinding *self = NM_FINDING (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;

    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_SEVERITY:
      g_value_set_uint (value, self->severity);
      break;

    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;

    case PROP_VIEW:
      g_value_set_string (value, self->view);
      break;

    case PROP_OUTLINE:
      g_value_set_boxed (value, self->outline);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_finding_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  NmFinding *self = NM_FINDING (object);

  switch (prop_id)
    {
    case PROP_REGION:
      nm_finding_set_region (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      nm_finding_set_kind (self, g_value_get_string (value));
      break;

    case PROP_SEVERITY:
      nm_finding_set_severity (self, g_value_get_uint (value));
      break;

    case PROP_NOTE:
      nm_finding_set_note (self, g_value_get_string (value));
      break;

    case PROP_VIEW:
      nm_finding_set_view (self, g_value_get_string (value));
      break;

    case PROP_OUTLINE:
      set_outline_array (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_finding_class_init (NmFindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nm_finding_finalize;
  object_class->get_property = nm_finding_get_property;
  object_class->set_property = nm_finding_set_property;

  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEVERITY] =
    g_param_spec_uint ("severity", NULL, NULL,
                       NM_SEVERITY_MIN, NM_SEVERITY_MAX, NM_SEVERITY_MIN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A GArray of NmPoint; treat it as read-only. */
  properties[PROP_OUTLINE] =
    g_param_spec_boxed ("outline", NULL, NULL, G_TYPE_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nm_finding_init (NmFinding *self)
{
  self->severity = NM_SEVERITY_MIN;
}

/**
 * nm_finding_new:
 * @region: a region id (spec §1.2)
 * @kind: a finding kind id (spec §1.3)
 * @severity: 1–4
 *
 * Returns: (transfer full): a new finding, not yet part of a consultation
 */
NmFinding *
nm_finding_new (const char *region,
                const char *kind,
                guint       severity)
{
  NmFinding *self;

  g_return_val_if_fail (nm_vocab_region_index (region) >= 0, NULL);
  g_return_val_if_fail (nm_vocab_kind_index (kind) >= 0, NULL);
  g_return_val_if_fail (severity >= NM_SEVERITY_MIN && severity <= NM_SEVERITY_MAX, NULL);

  self = g_object_new (NM_TYPE_FINDING, NULL);
  self->region = g_strdup (region);
  self->kind = g_strdup (kind);
  self->severity = severity;

  return self;
}

/**
 * nm_finding_copy:
 * @self: a #NmFinding
 *
 * Returns: (transfer full): an equal finding that belongs to no consultation
 */
NmFinding *
nm_finding_copy (NmFinding *self)
{
  NmFinding *copy;

  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  copy = nm_finding_new (self->region, self->kind, self->severity);
  copy->note = g_strdup (self->note);
  copy->view = g_strdup (self->view);
  if (self->outline != NULL)
    copy->outline = g_array_ref (self->outline);
  if (self->extra != NULL)
    copy->extra = json_object_get (self->extra);

  return copy;
}

const char *
nm_finding_get_region (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  return self->region;
}

/**
 * nm_finding_set_region:
 * @self: a #NmFinding
 * @region: a region id
 *
 * Moves the finding to @region.  An outline drawn on a view in which
 * @region does not appear is dropped, since its coordinates no longer
 * mean anything.
 */
void
nm_finding_set_region (NmFinding  *self,
                       const char *region)
{
  g_auto(GValue) old_value = G_VALUE_INIT;
  NmView view;

  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (nm_vocab_region_index (region) >= 0);

  if (g_strcmp0 (self->region, region) == 0)
    return;

  if (self->owner != NULL)
    _nm_consultation_begin_group (self->owner);

  if (self->view != NULL && nm_view_from_id (self->view, &view) &&
      !nm_vocab_region_in_view (region, view))
    nm_finding_clear_outline (self);

  save_old (self, PROP_REGION, &old_value);
  g_free (self->region);
  self->region = g_strdup (region);
  record (self, PROP_REGION, &old_value);

  if (self->owner != NULL)
    _nm_consultation_end_group (self->owner);
}

const char *
nm_finding_get_kind (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  return self->kind;
}

void
nm_finding_set_kind (NmFinding  *self,
                     const char *kind)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (nm_vocab_kind_index (kind) >= 0);

  if (g_strcmp0 (self->kind, kind) == 0)
    return;

  save_old (self, PROP_KIND, &old_value);
  g_free (self->kind);
  self->kind = g_strdup (kind);
  record (self, PROP_KIND, &old_value);
}

guint
nm_finding_get_severity (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), 0);

  return self->severity;
}

void
nm_finding_set_severity (NmFinding *self,
                         guint      severity)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (severity >= NM_SEVERITY_MIN && severity <= NM_SEVERITY_MAX);

  if (self->severity == severity)
    return;

  save_old (self, PROP_SEVERITY, &old_value);
  self->severity = severity;
  record (self, PROP_SEVERITY, &old_value);
}

const char *
nm_finding_get_note (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  return self->note;
}

void
nm_finding_set_note (NmFinding  *self,
                     const char *note)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (note == NULL || _nm_string_is_valid (note));

  if (g_strcmp0 (self->note, note) == 0)
    return;

  save_old (self, PROP_NOTE, &old_value);
  g_free (self->note);
  self->note = g_strdup (note);
  record (self, PROP_NOTE, &old_value);
}

/**
 * nm_finding_get_view:
 * @self: a #NmFinding
 *
 * Returns: (nullable): the id of the view the outline was drawn on
 */
const char *
nm_finding_get_view (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  return self->view;
}

/**
 * nm_finding_set_view:
 * @self: a #NmFinding
 * @view: (nullable): a view id in which the finding's region appears
 */
void
nm_finding_set_view (NmFinding  *self,
                     const char *view)
{
  g_auto(GValue) old_value = G_VALUE_INIT;
  NmView v;

  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (view == NULL ||
                    (nm_view_from_id (view, &v) && nm_vocab_region_in_view (self->region, v)));

  if (g_strcmp0 (self->view, view) == 0)
    return;

  save_old (self, PROP_VIEW, &old_value);
  g_free (self->view);
  self->view = g_strdup (view);
  record (self, PROP_VIEW, &old_value);
}

gboolean
nm_finding_has_outline (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), FALSE);

  return self->outline != NULL;
}

/**
 * nm_finding_get_outline:
 * @self: a #NmFinding
 * @n_points: (out) (optional): the number of points
 *
 * Returns: (nullable) (transfer none): the outline in view coordinates
 *   normalised to 0–1, or %NULL when there is none
 */
const NmPoint *
nm_finding_get_outline (NmFinding *self,
                        guint     *n_points)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  if (n_points != NULL)
    *n_points = self->outline != NULL ? self->outline->len : 0;

  if (self->outline == NULL)
    return NULL;

  return (const NmPoint *) (gpointer) self->outline->data;
}

/**
 * nm_finding_set_outline:
 * @self: a #NmFinding
 * @view: (nullable): the view the outline was drawn on
 * @points: (array length=n_points): points with both coordinates in 0–1
 * @n_points: the number of points
 *
 * Sets the outline and its view as one edit.
 */
void
nm_finding_set_outline (NmFinding     *self,
                        const char    *view,
                        const NmPoint *points,
                        guint          n_points)
{
  g_autoptr(GArray) outline = NULL;
  NmView v;

  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (points != NULL || n_points == 0);
  g_return_if_fail (points_are_valid (points, n_points));
  g_return_if_fail (view == NULL ||
                    (nm_view_from_id (view, &v) && nm_vocab_region_in_view (self->region, v)));

  outline = g_array_sized_new (FALSE, FALSE, sizeof (NmPoint), n_points);
  if (n_points > 0)
    g_array_append_vals (outline, points, n_points);

  if (self->owner != NULL)
    _nm_consultation_begin_group (self->owner);
  nm_finding_set_view (self, view);
  set_outline_array (self, outline);
  if (self->owner != NULL)
    _nm_consultation_end_group (self->owner);
}

/**
 * nm_finding_clear_outline:
 * @self: a #NmFinding
 *
 * Removes the outline and its view.
 */
void
nm_finding_clear_outline (NmFinding *self)
{
  g_return_if_fail (NM_IS_FINDING (self));

  if (self->owner != NULL)
    _nm_consultation_begin_group (self->owner);
  set_outline_array (self, NULL);
  nm_finding_set_view (self, NULL);
  if (self->owner != NULL)
    _nm_consultation_end_group (self->owner);
}

void
_nm_finding_set_owner (NmFinding      *self,
                       NmConsultation *owner)
{
  g_return_if_fail (NM_IS_FINDING (self));
  g_return_if_fail (owner == NULL || self->owner == NULL || self->owner == owner);

  self->owner = owner;
}

NmConsultation *
_nm_finding_get_owner (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  return self->owner;
}

json_object *
_nm_finding_get_extra (NmFinding *self)
{
  g_return_val_if_fail (NM_IS_FINDING (self), NULL);

  return self->extra;
}

void
_nm_finding_take_extra (NmFinding   *self,
                        json_object *extra)
{
  g_return_if_fail (NM_IS_FINDING (self));

  g_clear_pointer (&self->extra, json_object_put);
  self->extra = extra;
}
