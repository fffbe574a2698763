/* nm-application.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NM_TYPE_APPLICATION (nm_application_get_type ())

G_DECLARE_FINAL_TYPE (NmApplication, nm_application, NM, APPLICATION, AdwApplication)

NmApplication *nm_application_new (void);

G_END_DECLS
