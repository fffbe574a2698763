/* nm-window.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nm-application.h"
#include "nm-consultation.h"
#include "nm-document.h"
#include "nm-map-view.h"
#include "nm-plan.h"
#include "nm-recovery.h"
#include "nm-tag-panel.h"

G_BEGIN_DECLS

#define NM_TYPE_WINDOW (nm_window_get_type ())

G_DECLARE_FINAL_TYPE (NmWindow, nm_window, NM, WINDOW, AdwApplicationWindow)

NmWindow       *nm_window_new              (NmApplication  *application);
NmConsultation *nm_window_get_consultation (NmWindow       *self);
GFile          *nm_window_get_file         (NmWindow       *self);
gboolean        nm_window_get_modified     (NmWindow       *self);
gboolean        nm_window_is_pristine      (NmWindow       *self);
void            nm_window_new_consultation (NmWindow       *self);
NmDocument     *nm_window_get_document     (NmWindow       *self);
void            nm_window_set_document     (NmWindow       *self,
                                            NmDocument     *document);
void            nm_window_open_async       (NmWindow            *self,
                                            GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean        nm_window_open_finish      (NmWindow       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
void            nm_window_save_async       (NmWindow            *self,
                                            GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean        nm_window_save_finish      (NmWindow       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
NmPlan         *nm_window_get_plan         (NmWindow       *self);
NmMapView      *nm_window_get_map_view     (NmWindow       *self);
NmTagPanel     *nm_window_get_tag_panel    (NmWindow       *self);
gboolean        nm_window_restore          (NmWindow         *self,
                                            NmRecoveryEntry  *entry,
                                            GError          **error);
void            nm_window_describe_open_error (GFile         *file,
                                               const GError  *error,
                                               char         **heading,
                                               char         **body);
void            nm_window_show_open_error  (NmWindow       *self,
                                            GFile          *file,
                                            const GError   *error);

GFile          *nm_window_dup_dialog_folder      (NmWindow       *self);
void            nm_window_remember_dialog_folder (GFile          *chosen);
void            nm_window_set_dialog_folder      (NmWindow       *self,
                                                  GtkFileChooser *chooser);

G_END_DECLS
