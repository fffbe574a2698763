/* nm-spin-guard.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void nm_spin_button_guard (GtkSpinButton *spin);

G_END_DECLS
