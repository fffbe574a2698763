/* nm-history.c
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

#define G_LOG_DOMAIN "nm-history"

#include "config.h"

#include "nm-history.h"

typedef struct
{
  NmHistoryApplyFunc apply;
  gpointer           data;
  GDestroyNotify     destroy;
} Command;

/* One undo step: one or more commands, applied in order on redo and in
 * reverse order on undo. */
typedef struct
{
  guint64  serial;
  GArray  *commands;
} Step;

struct _NmHistory
{
  GObject    parent_instance;

  GPtrArray *undo_stack;   /* of Step, top is last */
  GPtrArray *redo_stack;   /* of Step, top is last */
  Step      *open_group;
  guint      group_depth;
  guint64    next_serial;
  /* Serial of the step on top of the undo stack when last saved; 0 is
   * the empty stack and G_MAXUINT64 a state that can no longer be reached. */
  guint64    saved_serial;
  gboolean   replaying;
};

G_DEFINE_FINAL_TYPE (NmHistory, nm_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
command_clear (gpointer data)
{
  Command *command = data;

  if (command->destroy != NULL)
    command->destroy (command->data);
}

static Step *
step_new (guint64 serial)
{
  Step *step = g_new0 (Step, 1);

  step->serial = serial;
  step->commands = g_array_new (FALSE, FALSE, sizeof (Command));
  g_array_set_clear_func (step->commands, command_clear);

  return step;
}

static void
step_free (gpointer data)
{
  Step *step = data;

  g_array_unref (step->commands);
  g_free (step);
}

static guint64
top_serial (NmHistory *self)
{
  if (self->undo_stack->len == 0)
    return 0;

  return ((Step *) g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1))->serial;
}

typedef struct
{
  gboolean can_undo;
  gboolean can_redo;
  gboolean modified;
} State;

static State
get_state (NmHistory *self)
{
  State state;

  state.can_undo = nm_history_can_undo (self);
  state.can_redo = nm_history_can_redo (self);
  state.modified = nm_history_get_modified (self);

  return state;
}

static void
notify_state (NmHistory   *self,
              const State *before)
{
  State after = get_state (self);

  if (after.can_undo != before->can_undo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (after.can_redo != before->can_redo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  if (after.modified != before->modified)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
nm_history_finalize (GObject *object)
{
  NmHistory *self = NM_HISTORY (object);

  g_clear_pointer (&self->open_group, step_free);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);

  G_OBJECT_CLASS (nm_history_parent_class)->finalize (object);
}

static void
nm_history_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  NmHistory *self = NM_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, nm_history_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, nm_history_can_redo (self));
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, nm_history_get_modified (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_history_class_init (NmHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nm_history_finalize;
  object_class->get_property = nm_history_get_property;

  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nm_history_init (NmHistory *self)
{
  self->undo_stack = g_ptr_array_new_with_free_func (step_free);
  self->redo_stack = g_ptr_array_new_with_free_func (step_free);
  self->next_serial = 1;
}

NmHistory *
nm_history_new (void)
{
  return g_object_new (NM_TYPE_HISTORY, NULL);
}

static void
push_step (NmHistory *self,
           Step      *step)
{
  State before = get_state (self);

  /* A new edit makes the redo branch unreachable, including a saved
   * state that may live there. */
  for (guint i = 0; i < self->redo_stack->len; i++)
    if (((Step *) g_ptr_array_index (self->redo_stack, i))->serial == self->saved_serial)
      self->saved_serial = G_MAXUINT64;
  g_ptr_array_set_size (self->redo_stack, 0);

  g_ptr_array_add (self->undo_stack, step);
  notify_state (self, &before);
}

/**
 * nm_history_push:
 * @self: a #NmHistory
 * @apply: applies the command in either direction
 * @data: (transfer full): the command's data
 * @destroy: (nullable): frees @data
 *
 * Records an edit that the caller has just applied.  While the history is
 * replaying (inside undo or redo) nothing is recorded and @data is freed.
 */
void
nm_history_push (NmHistory          *self,
                 NmHistoryApplyFunc  apply,
                 gpointer            data,
                 GDestroyNotify      destroy)
{
  Command command = { apply, data, destroy };
  Step *step;

  g_return_if_fail (NM_IS_HISTORY (self));
  g_return_if_fail (apply != NULL);

  if (self->replaying)
    {
      command_clear (&command);
      return;
    }

  if (self->open_group != NULL)
    {
      g_array_append_val (self->open_group->commands, command);
      return;
    }

  step = step_new (self->next_serial++);
  g_array_append_val (step->commands, command);
  push_step (self, step);
}

void
nm_history_begin_group (NmHistory *self)
{
  g_return_if_fail (NM_IS_HISTORY (self));

  if (self->group_depth++ == 0)
    self->open_group = step_new (self->next_serial++);
}

void
nm_history_end_group (NmHistory *self)
{
  Step *step;

  g_return_if_fail (NM_IS_HISTORY (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;

  step = g_steal_pointer (&self->open_group);
  if (step->commands->len == 0)
    step_free (step);
  else
    push_step (self, step);
}

gboolean
nm_history_in_group (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return self->group_depth > 0;
}

gboolean
nm_history_can_undo (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return self->undo_stack->len > 0;
}

gboolean
nm_history_can_redo (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return self->redo_stack->len > 0;
}

static gboolean
replay (NmHistory *self,
        GPtrArray *from,
        GPtrArray *to,
        gboolean   undo)
{
  State before;
  Step *step;

  if (self->group_depth > 0 || self->replaying || from->len == 0)
    return FALSE;

  before = get_state (self);
  step = g_ptr_array_steal_index (from, from->len - 1);

  self->replaying = TRUE;
  for (guint i = 0; i < step->commands->len; i++)
    {
      guint j = undo ? step->commands->len - 1 - i : i;
      Command *command = &g_array_index (step->commands, Command, j);

      command->apply (command->data, undo);
    }
  self->replaying = FALSE;

  g_ptr_array_add (to, step);
  notify_state (self, &before);

  return TRUE;
}

/**
 * nm_history_undo:
 * @self: a #NmHistory
 *
 * Returns: %TRUE if a step was undone
 */
gboolean
nm_history_undo (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return replay (self, self->undo_stack, self->redo_stack, TRUE);
}

/**
 * nm_history_redo:
 * @self: a #NmHistory
 *
 * Returns: %TRUE if a step was redone
 */
gboolean
nm_history_redo (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return replay (self, self->redo_stack, self->undo_stack, FALSE);
}

gboolean
nm_history_is_replaying (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return self->replaying;
}

/**
 * nm_history_clear:
 * @self: a #NmHistory
 *
 * Forgets every step; the current state counts as saved.
 */
void
nm_history_clear (NmHistory *self)
{
  State before;

  g_return_if_fail (NM_IS_HISTORY (self));
  g_return_if_fail (self->group_depth == 0);

  before = get_state (self);
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  self->saved_serial = 0;
  notify_state (self, &before);
}

guint
nm_history_get_n_undo (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), 0);

  return self->undo_stack->len;
}

/**
 * nm_history_get_modified:
 * @self: a #NmHistory
 *
 * Returns: %TRUE when the state differs from the one last marked saved
 */
gboolean
nm_history_get_modified (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), FALSE);

  return top_serial (self) != self->saved_serial;
}

/**
 * nm_history_get_position:
 * @self: a #NmHistory
 *
 * Returns: a token for the current state, to mark it saved later with
 *   nm_history_mark_saved_at() (a save that runs while edits go on)
 */
guint64
nm_history_get_position (NmHistory *self)
{
  g_return_val_if_fail (NM_IS_HISTORY (self), 0);

  return top_serial (self);
}

static gboolean
position_is_reachable (NmHistory *self,
                       guint64    position)
{
  if (position == 0)
    return TRUE;
  for (guint i = 0; i < self->undo_stack->len; i++)
    if (((Step *) g_ptr_array_index (self->undo_stack, i))->serial == position)
      return TRUE;
  for (guint i = 0; i < self->redo_stack->len; i++)
    if (((Step *) g_ptr_array_index (self->redo_stack, i))->serial == position)
      return TRUE;
  return FALSE;
}

/**
 * nm_history_mark_saved_at:
 * @self: a #NmHistory
 * @position: a token from nm_history_get_position()
 *
 * Marks the state of @position as the saved one: the current state counts
 * as modified if edits came after it.
 */
void
nm_history_mark_saved_at (NmHistory *self,
                          guint64    position)
{
  State before;

  g_return_if_fail (NM_IS_HISTORY (self));

  before = get_state (self);
  self->saved_serial = position_is_reachable (self, position) ? position : G_MAXUINT64;
  notify_state (self, &before);
}

void
nm_history_mark_saved (NmHistory *self)
{
  State before;

  g_return_if_fail (NM_IS_HISTORY (self));

  before = get_state (self);
  self->saved_serial = top_serial (self);
  notify_state (self, &before);
}
