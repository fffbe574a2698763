/* nm-print.h: printing the treatment plan
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

#include <gtk/gtk.h>

#include "nm-render-pdf.h"

G_BEGIN_DECLS

GtkPrintOperation *nm_print_operation_new (NmPdfDocument     *doc);
void               nm_print_draw_page     (GtkPrintOperation *operation,
                                           GtkPrintContext   *context,
                                           int                page_nr,
                                           NmPdfDocument     *doc);

G_END_DECLS
