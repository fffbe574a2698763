/* nm-history.h
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

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A stack of undoable commands.  A command is an edit that has already
 * been applied; the history only needs to know how to apply it again in
 * either direction.  Several commands pushed between begin_group() and
 * end_group() form one undo step. */

#define NM_TYPE_HISTORY (nm_history_get_type ())

G_DECLARE_FINAL_TYPE (NmHistory, nm_history, NM, HISTORY, GObject)

/* Applies @data backwards when @undo is TRUE, forwards otherwise. */
typedef void (*NmHistoryApplyFunc) (gpointer data,
                                    gboolean undo);

NmHistory *nm_history_new          (void);
void       nm_history_push         (NmHistory          *self,
                                    NmHistoryApplyFunc  apply,
                                    gpointer            data,
                                    GDestroyNotify      destroy);
void       nm_history_begin_group  (NmHistory          *self);
void       nm_history_end_group    (NmHistory          *self);
gboolean   nm_history_in_group     (NmHistory          *self);
gboolean   nm_history_can_undo     (NmHistory          *self);
gboolean   nm_history_can_redo     (NmHistory          *self);
gboolean   nm_history_undo         (NmHistory          *self);
gboolean   nm_history_redo         (NmHistory          *self);
gboolean   nm_history_is_replaying (NmHistory          *self);
void       nm_history_clear        (NmHistory          *self);
guint      nm_history_get_n_undo   (NmHistory          *self);
gboolean   nm_history_get_modified (NmHistory          *self);
void       nm_history_mark_saved   (NmHistory          *self);
guint64    nm_history_get_position (NmHistory          *self);
void       nm_history_mark_saved_at (NmHistory         *self,
                                    guint64             position);

G_END_DECLS
