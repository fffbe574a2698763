/* nm-window-private.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nm-export.h"
#include "nm-finding.h"
#include "nm-plan.h"
#include "nm-window.h"

G_BEGIN_DECLS

/* nm-window-outputs.c: Export PDF…, Export Calendar…, Print… */
void _nm_window_class_outputs_init (GtkWidgetClass *widget_class);
void _nm_window_commit_edits       (NmWindow       *self);
void _nm_window_show_error         (NmWindow       *self,
                                    const char     *heading,
                                    const char     *body);
void _nm_window_toast              (NmWindow       *self,
                                    const char     *message);
void _nm_window_export_async       (NmWindow            *self,
                                    NmExportKind         kind,
                                    GFile               *file,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);

/* nm-window-outline.c: an outline drawn on the map goes to a finding */
void _nm_window_outline_drawn      (NmWindow       *self,
                                    const char     *region,
                                    const char     *view,
                                    const NmPoint  *points,
                                    guint           n_points);

G_END_DECLS
