/* nm-window.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nm-application.h"

G_BEGIN_DECLS

#define NM_TYPE_WINDOW (nm_window_get_type ())

G_DECLARE_FINAL_TYPE (NmWindow, nm_window, NM, WINDOW, AdwApplicationWindow)

NmWindow *nm_window_new (NmApplication *application);

G_END_DECLS
