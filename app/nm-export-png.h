/* nm-export-png.h: `needlemap --export-png`
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

#include <gio/gio.h>

#include "nm-consultation.h"
#include "nm-plan.h"
#include "nm-vocab.h"

G_BEGIN_DECLS

#define NM_EXPORT_PNG_DEFAULT_HEIGHT 1200
#define NM_EXPORT_PNG_MIN_WIDTH      960
#define NM_EXPORT_PNG_MAX_SIDE       8192

gboolean  nm_export_png_parse_size   (const char     *text,
                                      int            *width,
                                      int            *height);
NmView    nm_export_png_default_view (NmConsultation *consultation);
void      nm_export_png_default_size (NmView          view,
                                      int            *width,
                                      int            *height);
GBytes   *nm_export_png_render       (NmConsultation *consultation,
                                      NmPlan         *plan,
                                      NmView          view,
                                      int             width,
                                      int             height,
                                      GError        **error);
int       nm_export_png_command      (const char     *out_path,
                                      const char     *path,
                                      const char     *view_id,
                                      const char     *size,
                                      const char     *today_iso,
                                      GString        *err);

G_END_DECLS
