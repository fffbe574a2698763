/* nm-consultation.c
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

#define G_LOG_DOMAIN "nm-consultation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nm-consultation-private.h"
#include "nm-scales.h"
#include "nm-vocab.h"

/* The consultation owns its findings and sessions and one undo history.
 * Every edit, whether made through a setter here or on a finding or
 * session that belongs to it, is recorded as a command and followed by
 * the "changed" signal; undo and redo emit "changed" once per step. */

struct _NmConsultation
{
  GObject      parent_instance;

  char        *client_name;
  char        *birth_date;
  guint        fitzpatrick;
  char        *client_notes;
  char        *guardian;
  char        *start_date;
  double       device_max_mm;
  double       device_step_mm;
  char        *practitioner;
  char        *calendar_uid;
  NmAnswer    *screening;        /* one per screening item */
  char       **acknowledgements; /* one per screening item; NULL when none */
  GListStore  *findings;
  GListStore  *sessions;
  GPtrArray   *scores;           /* NmScoreRecord of every visit, never changed in place; or NULL */
  json_object *extra[NM_N_EXTRAS];

  NmHistory   *history;
};

G_DEFINE_FINAL_TYPE (NmConsultation, nm_consultation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT_NAME,
  PROP_BIRTH_DATE,
  PROP_FITZPATRICK,
  PROP_CLIENT_NOTES,
  PROP_START_DATE,
  PROP_PRACTITIONER,
  PROP_GUARDIAN,
  PROP_DEVICE_MAX_MM,
  PROP_DEVICE_STEP_MM,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_MODIFIED,
  PROP_SCORES,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gboolean
_nm_string_is_valid (const char *text)
{
  return text != NULL && g_utf8_validate (text, -1, NULL);
}

static void
emit_changed (NmConsultation *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Property commands */

typedef struct
{
  NmConsultation *self;
  GObject        *target;   /* a reference unless it is self */
  GParamSpec     *pspec;
  GValue          old_value;
  GValue          new_value;
} PropertyCommand;

static void
property_command_free (gpointer data)
{
  PropertyCommand *command = data;

  if (command->target != G_OBJECT (command->self))
    g_object_unref (command->target);
  g_param_spec_unref (command->pspec);
  g_value_unset (&command->old_value);
  g_value_unset (&command->new_value);
  g_free (command);
}

static void
property_command_apply (gpointer data,
                        gboolean undo)
{
  PropertyCommand *command = data;

  g_object_set_property (command->target, command->pspec->name,
                         undo ? &command->old_value : &command->new_value);
}

void
_nm_consultation_record (NmConsultation     *self,
                         NmHistoryApplyFunc  apply,
                         gpointer            data,
                         GDestroyNotify      destroy)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  if (nm_history_is_replaying (self->history))
    {
      if (destroy != NULL)
        destroy (data);
      return;
    }

  nm_history_push (self->history, apply, data, destroy);
  emit_changed (self);
}

void
_nm_consultation_record_property (NmConsultation *self,
                                  GObject        *target,
                                  GParamSpec     *pspec,
                                  const GValue   *old_value,
                                  const GValue   *new_value)
{
  PropertyCommand *command;

  g_return_if_fail (NM_IS_CONSULTATION (self));

  if (nm_history_is_replaying (self->history))
    return;

  command = g_new0 (PropertyCommand, 1);
  command->self = self;
  command->target = target == G_OBJECT (self) ? target : g_object_ref (target);
  command->pspec = g_param_spec_ref (pspec);
  g_value_init (&command->old_value, G_VALUE_TYPE (old_value));
  g_value_copy (old_value, &command->old_value);
  g_value_init (&command->new_value, G_VALUE_TYPE (new_value));
  g_value_copy (new_value, &command->new_value);

  _nm_consultation_record (self, property_command_apply, command, property_command_free);
}

void
_nm_consultation_begin_group (NmConsultation *self)
{
  if (!nm_history_is_replaying (self->history))
    nm_history_begin_group (self->history);
}

void
_nm_consultation_end_group (NmConsultation *self)
{
  if (!nm_history_is_replaying (self->history))
    nm_history_end_group (self->history);
}

static void
save_old (NmConsultation *self,
          guint           prop_id,
          GValue         *old_value)
{
  g_value_init (old_value, properties[prop_id]->value_type);
  g_object_get_property (G_OBJECT (self), properties[prop_id]->name, old_value);
}

static void
record (NmConsultation *self,
        guint           prop_id,
        const GValue   *old_value)
{
  g_auto(GValue) new_value = G_VALUE_INIT;

  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);

  g_value_init (&new_value, properties[prop_id]->value_type);
  g_object_get_property (G_OBJECT (self), properties[prop_id]->name, &new_value);
  _nm_consultation_record_property (self, G_OBJECT (self), properties[prop_id],
                                    old_value, &new_value);
}

static void
set_string (NmConsultation  *self,
            char           **field,
            guint            prop_id,
            const char      *value)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  if (g_strcmp0 (*field, value) == 0)
    return;

  save_old (self, prop_id, &old_value);
  g_free (*field);
  *field = g_strdup (value);
  record (self, prop_id, &old_value);
}

/* Screening answers and acknowledgements */

typedef enum
{
  MAP_SCREENING,
  MAP_ACKNOWLEDGEMENT
} MapKind;

typedef struct
{
  NmConsultation *self;
  MapKind         kind;
  guint           index;
  NmAnswer        old_answer;
  NmAnswer        new_answer;
  char           *old_text;
  char           *new_text;
} MapCommand;

static void
map_command_free (gpointer data)
{
  MapCommand *command = data;

  g_free (command->old_text);
  g_free (command->new_text);
  g_free (command);
}

static void
map_command_apply (gpointer data,
                   gboolean undo)
{
  MapCommand *command = data;
  NmConsultation *self = command->self;

  if (command->kind == MAP_SCREENING)
    {
      self->screening[command->index] = undo ? command->old_answer : command->new_answer;
    }
  else
    {
      g_free (self->acknowledgements[command->index]);
      self->acknowledgements[command->index] =
        g_strdup (undo ? command->old_text : command->new_text);
    }
}

/* Findings and sessions */

typedef struct
{
  NmConsultation *self;
  GListStore     *store;
  GObject        *item;
  guint           position;
  gboolean        insert;
} ListCommand;

static void
list_command_free (gpointer data)
{
  ListCommand *command = data;

  g_object_unref (command->item);
  g_free (command);
}

static void
set_owner (NmConsultation *owner,
           GObject        *item)
{
  if (NM_IS_FINDING (item))
    _nm_finding_set_owner (NM_FINDING (item), owner);
  else
    _nm_session_set_owner (NM_SESSION (item), owner);
}

static void
list_insert (NmConsultation *self,
             GListStore     *store,
             guint           position,
             GObject        *item)
{
  set_owner (self, item);
  g_list_store_insert (store, position, item);
}

static void
list_remove (NmConsultation *self,
             GListStore     *store,
             guint           position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), position);

  set_owner (NULL, item);
  g_list_store_remove (store, position);
}

static void
list_command_apply (gpointer data,
                    gboolean undo)
{
  ListCommand *command = data;

  if (command->insert != undo)
    list_insert (command->self, command->store, command->position, command->item);
  else
    list_remove (command->self, command->store, command->position);
}

static void
record_list (NmConsultation *self,
             GListStore     *store,
             guint           position,
             GObject        *item,
             gboolean        insert)
{
  ListCommand *command = g_new0 (ListCommand, 1);

  command->self = self;
  command->store = store;
  command->item = g_object_ref (item);
  command->position = position;
  command->insert = insert;
  _nm_consultation_record (self, list_command_apply, command, list_command_free);
}

/* GObject */

static void
on_history_notify_cb (NmConsultation *self,
                      GParamSpec     *pspec,
                      NmHistory      *history)
{
  if (g_strcmp0 (pspec->name, "can-undo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  else if (g_strcmp0 (pspec->name, "can-redo") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  else if (g_strcmp0 (pspec->name, "modified") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
clear_owner (GListStore *store)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      set_owner (NULL, item);
    }
}

static void
nm_consultation_dispose (GObject *object)
{
  NmConsultation *self = NM_CONSULTATION (object);

  /* Findings and sessions may outlive us (an undo command or a caller may
   * hold them); they must not point back at a dead consultation. */
  if (self->findings != NULL)
    clear_owner (self->findings);
  if (self->sessions != NULL)
    clear_owner (self->sessions);

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_object (&self->history);
  g_clear_object (&self->findings);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (nm_consultation_parent_class)->dispose (object);
}

static void
nm_consultation_finalize (GObject *object)
{
  NmConsultation *self = NM_CONSULTATION (object);

  g_clear_pointer (&self->client_name, g_free);
  g_clear_pointer (&self->birth_date, g_free);
  g_clear_pointer (&self->client_notes, g_free);
  g_clear_pointer (&self->start_date, g_free);
  g_clear_pointer (&self->practitioner, g_free);
  g_clear_pointer (&self->calendar_uid, g_free);
  g_clear_pointer (&self->guardian, g_free);
  g_clear_pointer (&self->screening, g_free);
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    g_free (self->acknowledgements[i]);
  g_clear_pointer (&self->acknowledgements, g_free);
  for (guint i = 0; i < NM_N_EXTRAS; i++)
    g_clear_pointer (&self->extra[i], json_object_put);
  g_clear_pointer (&self->scores, g_ptr_array_unref);

  G_OBJECT_CLASS (nm_consultation_parent_class)->finalize (object);
}

static void
nm_consultation_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  NmConsultation *self = NM_CONSULTATION (object);

  switch (prop_id)
    {
    case PROP_CLIENT_NAME:
      g_value_set_string (value, self->client_name);
      break;

    case PROP_BIRTH_DATE:
      g_value_set_string (value, self->birth_date);
      break;

    case PROP_FITZPATRICK:
      g_value_set_uint (value, self->fitzpatrick);
      break;

    case PROP_CLIENT_NOTES:
      g_value_set_string (value, self->client_notes);
      break;

    case PROP_START_DATE:
      g_value_set_string (value, self->start_date);
      break;

    case PROP_PRACTITIONER:
      g_value_set_string (value, self->practitioner);
      break;

    case PROP_GUARDIAN:
      g_value_set_string (value, self->guardian);
      break;

    case PROP_DEVICE_MAX_MM:
      g_value_set_double (value, self->device_max_mm);
      break;

    case PROP_DEVICE_STEP_MM:
      g_value_set_double (value, self->device_step_mm);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, nm_consultation_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, nm_consultation_can_redo (self));
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, nm_consultation_get_modified (self));
      break;

    case PROP_SCORES:
      g_value_set_boxed (value, self->scores);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_consultation_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  NmConsultation *self = NM_CONSULTATION (object);

  switch (prop_id)
    {
    case PROP_CLIENT_NAME:
      nm_consultation_set_client_name (self, g_value_get_string (value));
      break;

    case PROP_BIRTH_DATE:
      nm_consultation_set_birth_date (self, g_value_get_string (value));
      break;

    case PROP_FITZPATRICK:
      nm_consultation_set_fitzpatrick (self, g_value_get_uint (value));
      break;

    case PROP_CLIENT_NOTES:
      nm_consultation_set_client_notes (self, g_value_get_string (value));
      break;

    case PROP_START_DATE:
      nm_consultation_set_start_date (self, g_value_get_string (value));
      break;

    case PROP_PRACTITIONER:
      nm_consultation_set_practitioner (self, g_value_get_string (value));
      break;

    case PROP_GUARDIAN:
      nm_consultation_set_guardian (self, g_value_get_string (value));
      break;

    case PROP_DEVICE_MAX_MM:
      nm_consultation_set_device_max_mm (self, g_value_get_double (value));
      break;

    case PROP_DEVICE_STEP_MM:
      nm_consultation_set_device_step_mm (self, g_value_get_double (value));
      break;

    case PROP_SCORES:
      nm_consultation_set_scores (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_consultation_class_init (NmConsultationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nm_consultation_dispose;
  object_class->finalize = nm_consultation_finalize;
  object_class->get_property = nm_consultation_get_property;
  object_class->set_property = nm_consultation_set_property;

  properties[PROP_CLIENT_NAME] =
    g_param_spec_string ("client-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BIRTH_DATE] =
    g_param_spec_string ("birth-date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FITZPATRICK] =
    g_param_spec_uint ("fitzpatrick", NULL, NULL,
                       NM_FITZPATRICK_UNSET, NM_FITZPATRICK_MAX, NM_FITZPATRICK_UNSET,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_NOTES] =
    g_param_spec_string ("client-notes", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_START_DATE] =
    g_param_spec_string ("start-date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRACTITIONER] =
    g_param_spec_string ("practitioner", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUARDIAN] =
    g_param_spec_string ("guardian", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE_MAX_MM] =
    g_param_spec_double ("device-max-mm", NULL, NULL, 0.0, NM_DEVICE_MAX_MM_LIMIT, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE_STEP_MM] =
    g_param_spec_double ("device-step-mm", NULL, NULL, 0.0, NM_DEVICE_STEP_MM_MAX, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCORES] =
    g_param_spec_boxed ("scores", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NmConsultation::changed:
   *
   * Emitted after every edit, and after every undo or redo step.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
nm_consultation_init (NmConsultation *self)
{
  self->screening = g_new0 (NmAnswer, nm_vocab_n_screening ());
  self->acknowledgements = g_new0 (char *, nm_vocab_n_screening ());
  self->findings = g_list_store_new (NM_TYPE_FINDING);
  self->sessions = g_list_store_new (NM_TYPE_SESSION);
  self->history = nm_history_new ();
  g_signal_connect_object (self->history, "notify",
                           G_CALLBACK (on_history_notify_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * nm_consultation_new:
 *
 * Returns: (transfer full): an empty consultation with no skin type chosen
 */
NmConsultation *
nm_consultation_new (void)
{
  return g_object_new (NM_TYPE_CONSULTATION, NULL);
}

/**
 * nm_consultation_snapshot:
 * @self: a #NmConsultation
 *
 * A copy of everything a plan, a PDF or a calendar reads, for another
 * thread to read while this one goes on editing. It shares nothing mutable
 * with @self: no history, no unknown keys (they are for saving only), and
 * the sessions' and findings' own copies.
 *
 * Returns: (transfer full): the copy
 */
NmConsultation *
nm_consultation_snapshot (NmConsultation *self)
{
  NmConsultation *copy;
  guint i;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  copy = nm_consultation_new ();
  copy->client_name = g_strdup (self->client_name);
  copy->birth_date = g_strdup (self->birth_date);
  copy->fitzpatrick = self->fitzpatrick;
  copy->client_notes = g_strdup (self->client_notes);
  copy->guardian = g_strdup (self->guardian);
  copy->start_date = g_strdup (self->start_date);
  copy->practitioner = g_strdup (self->practitioner);
  copy->calendar_uid = g_strdup (self->calendar_uid);
  copy->device_max_mm = self->device_max_mm;
  copy->device_step_mm = self->device_step_mm;
  if (self->scores != NULL)
    copy->scores = g_ptr_array_ref (self->scores);
  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      copy->screening[i] = self->screening[i];
      copy->acknowledgements[i] = g_strdup (self->acknowledgements[i]);
    }

  for (i = 0; i < nm_consultation_get_n_findings (self); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (self, i);
      g_autoptr(NmFinding) dup = nm_finding_new (nm_finding_get_region (finding),
                                                 nm_finding_get_kind (finding),
                                                 nm_finding_get_severity (finding));
      const NmPoint *points;
      guint n_points = 0;

      nm_finding_set_note (dup, nm_finding_get_note (finding));
      points = nm_finding_get_outline (finding, &n_points);
      if (n_points > 0)
        nm_finding_set_outline (dup, nm_finding_get_view (finding), points, n_points);
      g_list_store_append (copy->findings, dup);
    }

  for (i = 0; i < nm_consultation_get_n_sessions (self); i++)
    {
      NmSession *session = nm_consultation_get_session (self, i);
      g_autoptr(NmSession) dup = nm_session_new (nm_session_get_date (session));
      g_auto(GStrv) regions = nm_session_dup_depth_regions (session);

      nm_session_set_done (dup, nm_session_get_done (session));
      nm_session_set_notes (dup, nm_session_get_notes (session));
      nm_session_set_device (dup, nm_session_get_device (session));
      nm_session_set_cartridge_lot (dup, nm_session_get_cartridge_lot (session));
      nm_session_set_cartridge_gtin (dup, nm_session_get_cartridge_gtin (session));
      nm_session_set_cartridge_expiry (dup, nm_session_get_cartridge_expiry (session));
      nm_session_set_serum (dup, nm_session_get_serum (session));
      nm_session_set_numbing_cream (dup, nm_session_get_numbing_cream (session));
      /* the appointment's time: a calendar exported from the window is
       * timed as the command line's is */
      nm_session_set_time (dup, nm_session_get_time (session));
      nm_session_set_duration_min (dup, nm_session_get_duration_min (session));
      for (guint j = 0; regions[j] != NULL; j++)
        {
          double mm;

          if (nm_session_get_depth (session, regions[j], &mm))
            nm_session_set_depth (dup, regions[j], mm);
        }
      g_list_store_append (copy->sessions, dup);
    }

  return copy;
}

/**
 * nm_consultation_dup_title:
 *
 * What a consultation is called on screen: the client's name, or "New
 * Consultation" before one is entered.
 *
 * Returns: (transfer full): the title
 */
char *
nm_consultation_dup_title (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  if (self->client_name != NULL && self->client_name[0] != '\0')
    return g_strdup (self->client_name);
  return g_strdup (_("New Consultation"));
}

/* Client */

/**
 * nm_consultation_get_client_name:
 * @self: a #NmConsultation
 *
 * Returns: (nullable): the client's name
 */
const char *
nm_consultation_get_client_name (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->client_name;
}

void
nm_consultation_set_client_name (NmConsultation *self,
                                 const char     *name)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (name == NULL || _nm_string_is_valid (name));

  set_string (self, &self->client_name, PROP_CLIENT_NAME, name);
}

/**
 * nm_consultation_get_birth_date:
 * @self: a #NmConsultation
 *
 * Returns: (nullable): the client's birth date, YYYY-MM-DD
 */
const char *
nm_consultation_get_birth_date (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->birth_date;
}

void
nm_consultation_set_birth_date (NmConsultation *self,
                                const char     *date)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (date == NULL || nm_date_is_valid (date));

  set_string (self, &self->birth_date, PROP_BIRTH_DATE, date);
}

/**
 * nm_consultation_get_fitzpatrick:
 * @self: a #NmConsultation
 *
 * Returns: the Fitzpatrick skin type 1–6, or %NM_FITZPATRICK_UNSET
 */
guint
nm_consultation_get_fitzpatrick (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NM_FITZPATRICK_UNSET);

  return self->fitzpatrick;
}

void
nm_consultation_set_fitzpatrick (NmConsultation *self,
                                 guint           fitzpatrick)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (fitzpatrick <= NM_FITZPATRICK_MAX);

  if (self->fitzpatrick == fitzpatrick)
    return;

  save_old (self, PROP_FITZPATRICK, &old_value);
  self->fitzpatrick = fitzpatrick;
  record (self, PROP_FITZPATRICK, &old_value);
}

/**
 * nm_consultation_get_guardian:
 * @self: a #NmConsultation
 *
 * Returns: (nullable): the parent or guardian who consents for a client
 *   under 18 (client.guardian)
 */
const char *
nm_consultation_get_guardian (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->guardian;
}

void
nm_consultation_set_guardian (NmConsultation *self,
                              const char     *guardian)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (guardian == NULL || _nm_string_is_valid (guardian));

  set_string (self, &self->guardian, PROP_GUARDIAN, guardian);
}

/**
 * nm_consultation_get_client_notes:
 * @self: a #NmConsultation
 *
 * Returns: (nullable): free notes about the client
 */
const char *
nm_consultation_get_client_notes (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->client_notes;
}

void
nm_consultation_set_client_notes (NmConsultation *self,
                                  const char     *notes)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (notes == NULL || _nm_string_is_valid (notes));

  set_string (self, &self->client_notes, PROP_CLIENT_NOTES, notes);
}

/* Screening */

/**
 * nm_consultation_get_screening:
 * @self: a #NmConsultation
 * @item_id: a screening item id (spec §1.4)
 *
 * Returns: the answer; %NM_ANSWER_UNKNOWN when not asked yet
 */
NmAnswer
nm_consultation_get_screening (NmConsultation *self,
                               const char     *item_id)
{
  int i;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NM_ANSWER_UNKNOWN);

  i = nm_vocab_screening_index (item_id);
  g_return_val_if_fail (i >= 0, NM_ANSWER_UNKNOWN);

  return self->screening[i];
}

void
nm_consultation_set_screening (NmConsultation *self,
                               const char     *item_id,
                               NmAnswer        answer)
{
  MapCommand *command;
  int i;

  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (answer <= NM_ANSWER_YES);

  i = nm_vocab_screening_index (item_id);
  g_return_if_fail (i >= 0);

  if (self->screening[i] == answer)
    return;

  command = g_new0 (MapCommand, 1);
  command->self = self;
  command->kind = MAP_SCREENING;
  command->index = i;
  command->old_answer = self->screening[i];
  command->new_answer = answer;
  self->screening[i] = answer;
  _nm_consultation_record (self, map_command_apply, command, map_command_free);
}

/* Findings */

/**
 * nm_consultation_get_findings:
 * @self: a #NmConsultation
 *
 * Returns: (transfer none): the findings, a list of #NmFinding
 */
GListModel *
nm_consultation_get_findings (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return G_LIST_MODEL (self->findings);
}

guint
nm_consultation_get_n_findings (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->findings));
}

/**
 * nm_consultation_get_finding:
 * @self: a #NmConsultation
 * @position: an index
 *
 * Returns: (transfer none) (nullable): the finding at @position
 */
NmFinding *
nm_consultation_get_finding (NmConsultation *self,
                             guint           position)
{
  g_autoptr(NmFinding) finding = NULL;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  /* The store keeps its own reference, so this stays valid. */
  finding = g_list_model_get_item (G_LIST_MODEL (self->findings), position);

  return finding;
}

void
nm_consultation_add_finding (NmConsultation *self,
                             NmFinding      *finding)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  nm_consultation_insert_finding (self, nm_consultation_get_n_findings (self), finding);
}

/**
 * nm_consultation_insert_finding:
 * @self: a #NmConsultation
 * @position: where to insert, at most the number of findings
 * @finding: a finding that belongs to no consultation
 */
void
nm_consultation_insert_finding (NmConsultation *self,
                                guint           position,
                                NmFinding      *finding)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (NM_IS_FINDING (finding));
  g_return_if_fail (position <= nm_consultation_get_n_findings (self));
  /* The owner, not g_list_store_find(): that would make loading a file
   * quadratic in its number of findings. */
  g_return_if_fail (_nm_finding_get_owner (finding) == NULL);

  list_insert (self, self->findings, position, G_OBJECT (finding));
  record_list (self, self->findings, position, G_OBJECT (finding), TRUE);
}

/**
 * nm_consultation_remove_finding:
 * @self: a #NmConsultation
 * @finding: one of its findings
 *
 * Returns: %TRUE if @finding was found and removed
 */
gboolean
nm_consultation_remove_finding (NmConsultation *self,
                                NmFinding      *finding)
{
  g_autoptr(NmFinding) hold = NULL;
  guint position;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);
  g_return_val_if_fail (NM_IS_FINDING (finding), FALSE);

  if (!g_list_store_find (self->findings, finding, &position))
    return FALSE;

  hold = g_object_ref (finding);
  list_remove (self, self->findings, position);
  record_list (self, self->findings, position, G_OBJECT (finding), FALSE);

  return TRUE;
}

void
nm_consultation_set_finding_severity (NmConsultation *self,
                                      NmFinding      *finding,
                                      guint           severity)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (g_list_store_find (self->findings, finding, NULL));

  nm_finding_set_severity (finding, severity);
}

void
nm_consultation_set_finding_note (NmConsultation *self,
                                  NmFinding      *finding,
                                  const char     *note)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (g_list_store_find (self->findings, finding, NULL));

  nm_finding_set_note (finding, note);
}

void
nm_consultation_set_finding_outline (NmConsultation *self,
                                     NmFinding      *finding,
                                     const char     *view,
                                     const NmPoint  *points,
                                     guint           n_points)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (g_list_store_find (self->findings, finding, NULL));

  nm_finding_set_outline (finding, view, points, n_points);
}

/* Plan settings */

/**
 * nm_consultation_get_start_date:
 * @self: a #NmConsultation
 *
 * Returns: (nullable): the planned first session, YYYY-MM-DD
 */
const char *
nm_consultation_get_start_date (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->start_date;
}

void
nm_consultation_set_start_date (NmConsultation *self,
                                const char     *date)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (date == NULL || nm_date_is_valid (date));

  set_string (self, &self->start_date, PROP_START_DATE, date);
}

/**
 * nm_consultation_get_practitioner:
 * @self: a #NmConsultation
 *
 * Returns: (nullable): the practitioner's name
 */
/**
 * nm_calendar_uid_is_valid:
 * @uid: (nullable): text
 *
 * Returns: whether @uid can be a calendar id: 8–64 ASCII letters, digits
 *   and “-” (a random UUID is one)
 */
gboolean
nm_calendar_uid_is_valid (const char *uid)
{
  gsize n = 0;

  if (uid == NULL)
    return FALSE;
  for (; uid[n] != '\0'; n++)
    if (!g_ascii_isalnum (uid[n]) && uid[n] != '-')
      return FALSE;
  return n >= 8 && n <= 64;
}

/**
 * nm_consultation_get_calendar_uid:
 *
 * The consultation's calendar id (plan.calendar_uid): the part of every
 * calendar event's UID that says which consultation it belongs to. It is
 * random, never derived from the client (a keyed hash of the name and
 * birth date let anyone with the key recover the birth date from an
 * initials-only calendar, issue 13).
 *
 * Returns: (nullable): the id; %NULL before the first save or export of a
 *   consultation, or in a file written before Needlemap 0.3
 */
const char *
nm_consultation_get_calendar_uid (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->calendar_uid;
}

/**
 * nm_consultation_set_calendar_uid:
 * @uid: (nullable): an id, see nm_calendar_uid_is_valid()
 *
 * Sets the id as read from a file. Not an edit: nothing to undo.
 */
void
nm_consultation_set_calendar_uid (NmConsultation *self,
                                  const char     *uid)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (uid == NULL || nm_calendar_uid_is_valid (uid));

  g_free (self->calendar_uid);
  self->calendar_uid = g_strdup (uid);
}

/**
 * nm_consultation_ensure_calendar_uid:
 *
 * The calendar id, made (a random UUID) when there is none yet: on the
 * first save (nm_file_serialize_for_save()) or the first calendar export.
 * Kept from then on, in the file once it is saved. Not an edit: nothing
 * to undo, and the consultation does not count as changed (a caller that
 * must have it saved says so, as the window's export does).
 *
 * Returns: the id
 */
const char *
nm_consultation_ensure_calendar_uid (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  if (self->calendar_uid == NULL)
    self->calendar_uid = g_uuid_string_random ();

  return self->calendar_uid;
}

const char *
nm_consultation_get_practitioner (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->practitioner;
}

void
nm_consultation_set_practitioner (NmConsultation *self,
                                  const char     *practitioner)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (practitioner == NULL || _nm_string_is_valid (practitioner));

  set_string (self, &self->practitioner, PROP_PRACTITIONER, practitioner);
}

static void
set_double (NmConsultation *self,
            double         *field,
            guint           prop_id,
            double          value)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  if (*field == value)
    return;

  save_old (self, prop_id, &old_value);
  *field = value;
  record (self, prop_id, &old_value);
}

/**
 * nm_consultation_get_device_max_mm:
 * @self: a #NmConsultation
 *
 * The deepest setting of the device this consultation is planned for
 * (plan.device.max_mm). The plan, the window, the command line and every
 * export read it here, so one file always gives one plan.
 *
 * Returns: the depth in mm, 0 when not set (the protocol's device applies)
 */
double
nm_consultation_get_device_max_mm (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), 0.0);

  return self->device_max_mm;
}

void
nm_consultation_set_device_max_mm (NmConsultation *self,
                                   double          max_mm)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (max_mm >= 0.0 && max_mm <= NM_DEVICE_MAX_MM_LIMIT);

  set_double (self, &self->device_max_mm, PROP_DEVICE_MAX_MM, max_mm);
}

/**
 * nm_consultation_get_device_step_mm:
 * @self: a #NmConsultation
 *
 * Returns: the device's depth step in mm (plan.device.step_mm), 0 when not
 *   set (the protocol's device applies)
 */
double
nm_consultation_get_device_step_mm (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), 0.0);

  return self->device_step_mm;
}

void
nm_consultation_set_device_step_mm (NmConsultation *self,
                                    double          step_mm)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (step_mm == 0.0 || (step_mm >= NM_DEVICE_STEP_MM_MIN && step_mm <= NM_DEVICE_STEP_MM_MAX));

  set_double (self, &self->device_step_mm, PROP_DEVICE_STEP_MM, step_mm);
}

/**
 * nm_consultation_get_acknowledgement:
 * @self: a #NmConsultation
 * @item_id: a screening item id
 *
 * Returns: (nullable): the practitioner's rationale for going ahead despite
 *   @item_id, or %NULL when it has not been acknowledged
 */
const char *
nm_consultation_get_acknowledgement (NmConsultation *self,
                                     const char     *item_id)
{
  int i;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  i = nm_vocab_screening_index (item_id);
  g_return_val_if_fail (i >= 0, NULL);

  return self->acknowledgements[i];
}

/**
 * nm_consultation_set_acknowledgement:
 * @self: a #NmConsultation
 * @item_id: a screening item id
 * @rationale: (nullable): why treatment goes ahead; %NULL withdraws it
 */
void
nm_consultation_set_acknowledgement (NmConsultation *self,
                                     const char     *item_id,
                                     const char     *rationale)
{
  MapCommand *command;
  int i;

  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (rationale == NULL || _nm_string_is_valid (rationale));

  i = nm_vocab_screening_index (item_id);
  g_return_if_fail (i >= 0);

  if (g_strcmp0 (self->acknowledgements[i], rationale) == 0)
    return;

  command = g_new0 (MapCommand, 1);
  command->self = self;
  command->kind = MAP_ACKNOWLEDGEMENT;
  command->index = i;
  command->old_text = g_steal_pointer (&self->acknowledgements[i]);
  command->new_text = g_strdup (rationale);
  self->acknowledgements[i] = g_strdup (rationale);
  _nm_consultation_record (self, map_command_apply, command, map_command_free);
}

/* Session log */

/**
 * nm_consultation_get_sessions:
 * @self: a #NmConsultation
 *
 * Returns: (transfer none): the session log, a list of #NmSession
 */
GListModel *
nm_consultation_get_sessions (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return G_LIST_MODEL (self->sessions);
}

guint
nm_consultation_get_n_sessions (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
}

/**
 * nm_consultation_get_session:
 * @self: a #NmConsultation
 * @position: an index
 *
 * Returns: (transfer none) (nullable): the session at @position
 */
NmSession *
nm_consultation_get_session (NmConsultation *self,
                             guint           position)
{
  g_autoptr(NmSession) session = NULL;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  session = g_list_model_get_item (G_LIST_MODEL (self->sessions), position);

  return session;
}

void
nm_consultation_add_session (NmConsultation *self,
                             NmSession      *session)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  nm_consultation_insert_session (self, nm_consultation_get_n_sessions (self), session);
}

void
nm_consultation_insert_session (NmConsultation *self,
                                guint           position,
                                NmSession      *session)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (NM_IS_SESSION (session));
  g_return_if_fail (position <= nm_consultation_get_n_sessions (self));
  /* The owner, not g_list_store_find(): that made loading a file
   * quadratic in its number of sessions (issue 13). */
  g_return_if_fail (_nm_session_get_owner (session) == NULL);

  list_insert (self, self->sessions, position, G_OBJECT (session));
  record_list (self, self->sessions, position, G_OBJECT (session), TRUE);
}

gboolean
nm_consultation_remove_session (NmConsultation *self,
                                NmSession      *session)
{
  g_autoptr(NmSession) hold = NULL;
  guint position;

  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);
  g_return_val_if_fail (NM_IS_SESSION (session), FALSE);

  if (!g_list_store_find (self->sessions, session, &position))
    return FALSE;

  hold = g_object_ref (session);
  list_remove (self, self->sessions, position);
  record_list (self, self->sessions, position, G_OBJECT (session), FALSE);

  return TRUE;
}

/* Undo and redo */

/**
 * nm_consultation_get_history:
 * @self: a #NmConsultation
 *
 * Returns: (transfer none): the undo history
 */
NmHistory *
nm_consultation_get_history (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->history;
}

gboolean
nm_consultation_can_undo (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);

  return nm_history_can_undo (self->history);
}

gboolean
nm_consultation_can_redo (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);

  return nm_history_can_redo (self->history);
}

/**
 * nm_consultation_undo:
 * @self: a #NmConsultation
 *
 * Undoes the last step (one edit or one group of edits).
 *
 * Returns: %TRUE if something was undone
 */
gboolean
nm_consultation_undo (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);

  if (!nm_history_undo (self->history))
    return FALSE;

  emit_changed (self);

  return TRUE;
}

gboolean
nm_consultation_redo (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);

  if (!nm_history_redo (self->history))
    return FALSE;

  emit_changed (self);

  return TRUE;
}

/**
 * nm_consultation_begin_group:
 * @self: a #NmConsultation
 *
 * Starts merging edits into one undo step, until the matching
 * nm_consultation_end_group().  Groups nest.
 */
void
nm_consultation_begin_group (NmConsultation *self)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  nm_history_begin_group (self->history);
}

void
nm_consultation_end_group (NmConsultation *self)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  nm_history_end_group (self->history);
}

/**
 * nm_consultation_get_modified:
 * @self: a #NmConsultation
 *
 * Returns: %TRUE if the consultation differs from when it was last loaded
 *   or marked saved
 */
gboolean
nm_consultation_get_modified (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), FALSE);

  return nm_history_get_modified (self->history);
}

void
nm_consultation_mark_saved (NmConsultation *self)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  nm_history_mark_saved (self->history);
}

/* A token for the current state; see nm_history_get_position(). */
guint64
nm_consultation_get_position (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), 0);

  return nm_history_get_position (self->history);
}

void
nm_consultation_mark_saved_at (NmConsultation *self,
                               guint64         position)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));

  nm_history_mark_saved_at (self->history, position);
}

/* Extras */

json_object *
_nm_consultation_get_extra (NmConsultation *self,
                            NmExtraLevel    level)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);
  g_return_val_if_fail (level < NM_N_EXTRAS, NULL);

  return self->extra[level];
}

void
_nm_consultation_take_extra (NmConsultation *self,
                             NmExtraLevel    level,
                             json_object    *extra)
{
  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (level < NM_N_EXTRAS);

  g_clear_pointer (&self->extra[level], json_object_put);
  self->extra[level] = extra;
}

/* Dates */

/**
 * nm_date_parse:
 * @text: (nullable): text to check
 * @date: (out) (optional): where to store the date
 *
 * Parses an ISO 8601 calendar date written exactly YYYY-MM-DD that exists
 * in the Gregorian calendar (2026-02-30 does not).
 *
 * Returns: %TRUE if @text is such a date
 */
gboolean
nm_date_parse (const char *text,
               GDate      *date)
{
  guint year, month, day;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  month = (text[5] - '0') * 10 + (text[6] - '0');
  day = (text[8] - '0') * 10 + (text[9] - '0');

  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  if (date != NULL)
    g_date_set_dmy (date, day, month, year);

  return TRUE;
}

gboolean
nm_date_is_valid (const char *text)
{
  return nm_date_parse (text, NULL);
}

/**
 * nm_age_on:
 * @born: a birth date
 * @on: the day to count to
 *
 * Returns: the age in whole years on @on (a birthday counts on the day
 *   itself; 29 February births have theirs on 1 March in other years)
 */
int
nm_age_on (const GDate *born,
           const GDate *on)
{
  int age;

  g_return_val_if_fail (born != NULL && g_date_valid (born), -1);
  g_return_val_if_fail (on != NULL && g_date_valid (on), -1);

  age = (int) g_date_get_year (on) - (int) g_date_get_year (born);
  if (g_date_get_month (on) < g_date_get_month (born) ||
      (g_date_get_month (on) == g_date_get_month (born) &&
       g_date_get_day (on) < g_date_get_day (born)))
    age--;
  return age;
}

/**
 * nm_consultation_get_scores:
 * @self: a #NmConsultation
 *
 * Returns: (transfer none) (nullable) (element-type NmScoreRecord): every
 *   score of the course (issue 16): the baseline (records without a date)
 *   and each visit's (nm_score_records_on()); do not change it
 */
GPtrArray *
nm_consultation_get_scores (NmConsultation *self)
{
  g_return_val_if_fail (NM_IS_CONSULTATION (self), NULL);

  return self->scores;
}

/**
 * nm_consultation_set_scores:
 * @self: a #NmConsultation
 * @scores: (nullable) (element-type NmScoreRecord): every score, at most
 *   one per slot (nm_score_record_same_slot()) and at most
 *   %NM_SCORE_RECORDS_MAX, as a file can hold them; copied.  To re-score a
 *   visit, give nm_score_records_set_day() of the current list.
 */
void
nm_consultation_set_scores (NmConsultation *self,
                            GPtrArray      *scores)
{
  g_auto(GValue) old_value = G_VALUE_INIT;

  g_return_if_fail (NM_IS_CONSULTATION (self));
  g_return_if_fail (nm_score_records_are_valid (scores));

  if (nm_score_records_equal (self->scores, scores))
    return;

  save_old (self, PROP_SCORES, &old_value);
  g_clear_pointer (&self->scores, g_ptr_array_unref);
  self->scores = nm_score_records_copy (scores);
  record (self, PROP_SCORES, &old_value);
}
