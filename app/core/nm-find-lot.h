/* nm-find-lot.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int nm_find_lot_command (const char         *lot,
                         const char * const *paths,
                         gboolean            json,
                         GString            *out,
                         GString            *err);

G_END_DECLS
