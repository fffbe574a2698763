/* nm-session.c
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

#define G_LOG_DOMAIN "nm-session"

#include "config.h"

#include <math.h>
#include <string.h>

#include "nm-consultation-private.h"
#include "nm-gs1.h"
#include "nm-session.h"
#include "nm-vocab.h"

struct _NmSession
{
  GObject         parent_instance;

  char           *date;
  gboolean        done;
  char           *notes;
  char           *device;
  char           *time;     /* "HH:MM", local time; NULL: all day */
  guint           duration_min;
  double         *depths;   /* one per region in vocabulary order; NAN when unset */
  json_object    *extra;

  /* traceability (issue 16): what was used on the client; NULL: not said */
  char           *cartridge_gtin;    /* GS1 AI 01, 14 digits */
  char           *cartridge_lot;     /* GS1 AI 10 */
  char           *cartridge_expiry;  /* YYYY-MM-DD */
  char           *serum;
  char           *numbing_cream;

  NmConsultation *owner;    /* not a reference: the owner holds us */
};

G_DEFINE_FINAL_TYPE (NmSession, nm_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATE,
  PROP_DONE,
  PROP_NOTES,
  PROP_DEVICE,
  PROP_TIME,
  PROP_DURATION_MIN,
  PROP_CARTRIDGE_GTIN,
  PROP_CARTRIDGE_LOT,
  PROP_CARTRIDGE_EXPIRY,
  PROP_SERUM,
  PROP_NUMBING_CREAM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
save_old (NmSession *self,
          guint      prop_id,
          GValue    *old_value)
{
  g_value_init (old_value, properties[prop_id]->value_type);
  g_object_get_property (G_OBJECT (self), properties[prop_id]->name, old_value);
}

static void
record (NmSession    *self,
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
set_string (NmSession   *self,
            char       **field,
            guint        prop_id,
            const char  *value)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  if (g_strcmp0 (*field, value) == 0)
    return;

  save_old (self, prop_id, &old_value);
  g_free (*field);
  *field = g_strdup (value);
  record (self, prop_id, &old_value);
}

static void
nm_session_finalize (GObject *object)
{
  NmSession *self = NM_SESSION (object);

  g_clear_pointer (&self->date, g_free);
  g_clear_pointer (&self->notes, g_free);
  g_clear_pointer (&self->device, g_free);
  g_clear_pointer (&self->time, g_free);
  g_clear_pointer (&self->depths, g_free);
  g_clear_pointer (&self->extra, json_object_put);
  g_clear_pointer (&self->cartridge_gtin, g_free);
  g_clear_pointer (&self->cartridge_lot, g_free);
  g_clear_pointer (&self->cartridge_expiry, g_free);
  g_clear_pointer (&self->serum, g_free);
  g_clear_pointer (&self->numbing_cream, g_free);

  G_OBJECT_CLASS (nm_session_parent_class)->finalize (object);
}

static void
nm_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  NmSession *self = NM_SESSION (object);

  switch (prop_id)
    {
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;

    case PROP_DONE:
      g_value_set_boolean (value, self->done);
      break;

    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;

    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;

    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;

    case PROP_DURATION_MIN:
      g_value_set_uint (value, self->duration_min);
      break;

    case PROP_CARTRIDGE_GTIN:
      g_value_set_string (value, self->cartridge_gtin);
      break;

    case PROP_CARTRIDGE_LOT:
      g_value_set_string (value, self->cartridge_lot);
      break;

    case PROP_CARTRIDGE_EXPIRY:
      g_value_set_string (value, self->cartridge_expiry);
      break;

    case PROP_SERUM:
      g_value_set_string (value, self->serum);
      break;

    case PROP_NUMBING_CREAM:
      g_value_set_string (value, self->numbing_cream);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  NmSession *self = NM_SESSION (object);

  switch (prop_id)
    {
    case PROP_DATE:
      nm_session_set_date (self, g_value_get_string (value));
      break;

    case PROP_DONE:
      nm_session_set_done (self, g_value_get_boolean (value));
      break;

    case PROP_NOTES:
      nm_session_set_notes (self, g_value_get_string (value));
      break;

    case PROP_DEVICE:
      nm_session_set_device (self, g_value_get_string (value));
      break;

    case PROP_TIME:
      nm_session_set_time (self, g_value_get_string (value));
      break;

    case PROP_DURATION_MIN:
      nm_session_set_duration_min (self, g_value_get_uint (value));
      break;

    case PROP_CARTRIDGE_GTIN:
      nm_session_set_cartridge_gtin (self, g_value_get_string (value));
      break;

    case PROP_CARTRIDGE_LOT:
      nm_session_set_cartridge_lot (self, g_value_get_string (value));
      break;

    case PROP_CARTRIDGE_EXPIRY:
      nm_session_set_cartridge_expiry (self, g_value_get_string (value));
      break;

    case PROP_SERUM:
      nm_session_set_serum (self, g_value_get_string (value));
      break;

    case PROP_NUMBING_CREAM:
      nm_session_set_numbing_cream (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_session_class_init (NmSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nm_session_finalize;
  object_class->get_property = nm_session_get_property;
  object_class->set_property = nm_session_set_property;

  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DONE] =
    g_param_spec_boolean ("done", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTES] =
    g_param_spec_string ("notes", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE] =
    g_param_spec_string ("device", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] =
    g_param_spec_string ("time", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION_MIN] =
    g_param_spec_uint ("duration-min", NULL, NULL, 0, NM_SESSION_DURATION_MAX, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CARTRIDGE_GTIN] =
    g_param_spec_string ("cartridge-gtin", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CARTRIDGE_LOT] =
    g_param_spec_string ("cartridge-lot", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CARTRIDGE_EXPIRY] =
    g_param_spec_string ("cartridge-expiry", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERUM] =
    g_param_spec_string ("serum", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NUMBING_CREAM] =
    g_param_spec_string ("numbing-cream", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nm_session_init (NmSession *self)
{
  guint n = nm_vocab_n_regions ();

  self->depths = g_new (double, n);
  for (guint i = 0; i < n; i++)
    self->depths[i] = NAN;
}

/**
 * nm_session_new:
 * @date: (nullable): the session's date, YYYY-MM-DD
 *
 * Returns: (transfer full): a new session, not done, with no depths
 */
NmSession *
nm_session_new (const char *date)
{
  NmSession *self;

  g_return_val_if_fail (date == NULL || nm_date_is_valid (date), NULL);

  self = g_object_new (NM_TYPE_SESSION, NULL);
  self->date = g_strdup (date);

  return self;
}

/**
 * nm_session_copy:
 * @self: a #NmSession
 *
 * Returns: (transfer full): an equal session that belongs to no consultation
 */
NmSession *
nm_session_copy (NmSession *self)
{
  NmSession *copy;

  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  copy = nm_session_new (self->date);
  copy->done = self->done;
  copy->notes = g_strdup (self->notes);
  copy->device = g_strdup (self->device);
  copy->time = g_strdup (self->time);
  copy->duration_min = self->duration_min;
  copy->cartridge_gtin = g_strdup (self->cartridge_gtin);
  copy->cartridge_lot = g_strdup (self->cartridge_lot);
  copy->cartridge_expiry = g_strdup (self->cartridge_expiry);
  copy->serum = g_strdup (self->serum);
  copy->numbing_cream = g_strdup (self->numbing_cream);
  memcpy (copy->depths, self->depths, sizeof (double) * nm_vocab_n_regions ());
  if (self->extra != NULL)
    copy->extra = json_object_get (self->extra);

  return copy;
}

const char *
nm_session_get_date (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->date;
}

void
nm_session_set_date (NmSession  *self,
                     const char *date)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (date == NULL || nm_date_is_valid (date));

  set_string (self, &self->date, PROP_DATE, date);
}

gboolean
nm_session_get_done (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), FALSE);

  return self->done;
}

void
nm_session_set_done (NmSession *self,
                     gboolean   done)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_SESSION (self));

  done = !!done;
  if (self->done == done)
    return;

  save_old (self, PROP_DONE, &old_value);
  self->done = done;
  record (self, PROP_DONE, &old_value);
}

const char *
nm_session_get_notes (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->notes;
}

void
nm_session_set_notes (NmSession  *self,
                      const char *notes)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (notes == NULL || _nm_string_is_valid (notes));

  set_string (self, &self->notes, PROP_NOTES, notes);
}

const char *
nm_session_get_device (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->device;
}

void
nm_session_set_device (NmSession  *self,
                       const char *device)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (device == NULL || _nm_string_is_valid (device));

  set_string (self, &self->device, PROP_DEVICE, device);
}

/**
 * nm_session_get_depth:
 * @self: a #NmSession
 * @region: a region id
 * @depth_mm: (out) (optional): the depth used in @region
 *
 * Returns: %TRUE if the session records a depth for @region
 */
gboolean
nm_session_get_depth (NmSession  *self,
                      const char *region,
                      double     *depth_mm)
{
  int i;

  g_return_val_if_fail (NM_IS_SESSION (self), FALSE);

  i = nm_vocab_region_index (region);
  if (i < 0 || isnan (self->depths[i]))
    return FALSE;

  if (depth_mm != NULL)
    *depth_mm = self->depths[i];

  return TRUE;
}

typedef struct
{
  NmSession *session;
  guint      region;
  double     old_depth;
  double     new_depth;
} DepthCommand;

static void
depth_command_free (gpointer data)
{
  DepthCommand *command = data;

  g_object_unref (command->session);
  g_free (command);
}

static void
depth_command_apply (gpointer data,
                     gboolean undo)
{
  DepthCommand *command = data;

  command->session->depths[command->region] = undo ? command->old_depth : command->new_depth;
}

static void
change_depth (NmSession *self,
              guint      region,
              double     depth)
{
  DepthCommand *command;
  double old_depth = self->depths[region];

  if ((isnan (old_depth) && isnan (depth)) || old_depth == depth)
    return;

  self->depths[region] = depth;

  if (self->owner == NULL)
    return;

  command = g_new0 (DepthCommand, 1);
  command->session = g_object_ref (self);
  command->region = region;
  command->old_depth = old_depth;
  command->new_depth = depth;
  _nm_consultation_record (self->owner, depth_command_apply, command, depth_command_free);
}

/**
 * nm_session_set_depth:
 * @self: a #NmSession
 * @region: a region id
 * @depth_mm: the depth used, NM_SESSION_DEPTH_MIN–NM_SESSION_DEPTH_MAX
 */
void
nm_session_set_depth (NmSession  *self,
                      const char *region,
                      double      depth_mm)
{
  int i;

  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (isfinite (depth_mm) &&
                    depth_mm >= NM_SESSION_DEPTH_MIN && depth_mm <= NM_SESSION_DEPTH_MAX);

  i = nm_vocab_region_index (region);
  g_return_if_fail (i >= 0);

  change_depth (self, i, depth_mm);
}

void
nm_session_unset_depth (NmSession  *self,
                        const char *region)
{
  int i;

  g_return_if_fail (NM_IS_SESSION (self));

  i = nm_vocab_region_index (region);
  g_return_if_fail (i >= 0);

  change_depth (self, i, NAN);
}

/**
 * nm_session_dup_depth_regions:
 * @self: a #NmSession
 *
 * Returns: (transfer full): the ids of the regions with a depth, in
 *   vocabulary order
 */
char **
nm_session_dup_depth_regions (NmSession *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  for (guint i = 0; i < nm_vocab_n_regions (); i++)
    if (!isnan (self->depths[i]))
      g_strv_builder_add (builder, nm_vocab_region (i)->id);

  return g_strv_builder_end (builder);
}

void
_nm_session_set_owner (NmSession      *self,
                       NmConsultation *owner)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (owner == NULL || self->owner == NULL || self->owner == owner);

  self->owner = owner;
}

NmConsultation *
_nm_session_get_owner (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->owner;
}

json_object *
_nm_session_get_extra (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->extra;
}

void
_nm_session_take_extra (NmSession   *self,
                        json_object *extra)
{
  g_return_if_fail (NM_IS_SESSION (self));

  g_clear_pointer (&self->extra, json_object_put);
  self->extra = extra;
}

/**
 * nm_session_time_is_valid:
 * @text: (nullable): a time of day
 *
 * Returns: whether @text is a time of day as the format writes it,
 *   "HH:MM" on a 24-hour clock (00:00–23:59)
 */
gboolean
nm_session_time_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;
  return (text[0] - '0') * 10 + (text[1] - '0') < 24 && text[3] < '6';
}

/**
 * nm_session_get_time:
 *
 * Returns: (nullable): the appointment's local time, "HH:MM"; %NULL when
 *   the session has none (an all-day entry)
 */
const char *
nm_session_get_time (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->time;
}

/**
 * nm_session_set_time:
 * @time: (nullable): a local time "HH:MM", or %NULL for none
 */
void
nm_session_set_time (NmSession  *self,
                     const char *time)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (time == NULL || nm_session_time_is_valid (time));

  set_string (self, &self->time, PROP_TIME, time);
}

/**
 * nm_session_get_duration_min:
 *
 * Returns: how long the appointment lasts, in minutes; 0 when not said
 */
guint
nm_session_get_duration_min (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), 0);

  return self->duration_min;
}

/**
 * nm_session_set_duration_min:
 * @minutes: 1–%NM_SESSION_DURATION_MAX, or 0 for not said
 */
void
nm_session_set_duration_min (NmSession *self,
                             guint      minutes)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (minutes <= NM_SESSION_DURATION_MAX);

  if (self->duration_min == minutes)
    return;
  save_old (self, PROP_DURATION_MIN, &old_value);
  self->duration_min = minutes;
  record (self, PROP_DURATION_MIN, &old_value);
}

/* Traceability (issue 16) */

/**
 * nm_session_get_cartridge_gtin:
 *
 * Returns: (nullable): the needle cartridge's GTIN (GS1 AI 01, 14 digits)
 */
const char *
nm_session_get_cartridge_gtin (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->cartridge_gtin;
}

/**
 * nm_session_set_cartridge_gtin:
 * @gtin: (nullable): 14 digits with a valid check digit, or %NULL
 */
void
nm_session_set_cartridge_gtin (NmSession  *self,
                               const char *gtin)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (gtin == NULL || nm_gs1_gtin_is_valid (gtin));

  set_string (self, &self->cartridge_gtin, PROP_CARTRIDGE_GTIN, gtin);
}

/**
 * nm_session_get_cartridge_lot:
 *
 * Returns: (nullable): the needle cartridge's lot number
 */
const char *
nm_session_get_cartridge_lot (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->cartridge_lot;
}

/**
 * nm_session_set_cartridge_lot:
 * @lot: (nullable): a lot as GS1 AI 10 holds it (nm_gs1_lot_is_valid()),
 *   or %NULL
 */
void
nm_session_set_cartridge_lot (NmSession  *self,
                              const char *lot)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (lot == NULL || nm_gs1_lot_is_valid (lot));

  set_string (self, &self->cartridge_lot, PROP_CARTRIDGE_LOT, lot);
}

/**
 * nm_session_get_cartridge_expiry:
 *
 * Returns: (nullable): the needle cartridge's expiry date, YYYY-MM-DD
 */
const char *
nm_session_get_cartridge_expiry (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->cartridge_expiry;
}

void
nm_session_set_cartridge_expiry (NmSession  *self,
                                 const char *date)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (date == NULL || nm_date_is_valid (date));

  set_string (self, &self->cartridge_expiry, PROP_CARTRIDGE_EXPIRY, date);
}

/**
 * nm_session_cartridge_expired:
 *
 * Returns: whether the session has a date and a cartridge expiry, and
 *   the cartridge had expired on the session's date (it is good until the
 *   end of its expiry date)
 */
gboolean
nm_session_cartridge_expired (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), FALSE);

  /* YYYY-MM-DD compares as text */
  return self->date != NULL && self->cartridge_expiry != NULL &&
         strcmp (self->cartridge_expiry, self->date) < 0;
}

const char *
nm_session_get_serum (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->serum;
}

void
nm_session_set_serum (NmSession  *self,
                      const char *serum)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (serum == NULL || _nm_string_is_valid (serum));

  set_string (self, &self->serum, PROP_SERUM, serum);
}

const char *
nm_session_get_numbing_cream (NmSession *self)
{
  g_return_val_if_fail (NM_IS_SESSION (self), NULL);

  return self->numbing_cream;
}

void
nm_session_set_numbing_cream (NmSession  *self,
                              const char *cream)
{
  g_return_if_fail (NM_IS_SESSION (self));
  g_return_if_fail (cream == NULL || _nm_string_is_valid (cream));

  set_string (self, &self->numbing_cream, PROP_NUMBING_CREAM, cream);
}
