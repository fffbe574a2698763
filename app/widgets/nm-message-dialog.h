/* nm-message-dialog.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       nm_message_dialog_keep_focus      (AdwMessageDialog *dialog);
GtkWidget *nm_message_dialog_new             (GtkWindow        *parent,
                                              const char       *heading,
                                              const char       *body);
void       nm_window_let_go_of_parent_early  (GtkWindow        *window);

G_END_DECLS
