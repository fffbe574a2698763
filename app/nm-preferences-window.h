/* nm-preferences-window.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NM_TYPE_PREFERENCES_WINDOW (nm_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (NmPreferencesWindow, nm_preferences_window, NM, PREFERENCES_WINDOW, AdwPreferencesWindow)

NmPreferencesWindow *nm_preferences_window_new (GtkWindow *parent);

G_END_DECLS
