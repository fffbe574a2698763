/* nm-message-dialog.c
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

#include "config.h"

#include "nm-message-dialog.h"

#define PREVIOUS_FOCUS "nm-message-dialog-previous-focus"

/* An AdwMessageDialog lays its buttons out twice, side by side and stacked
 * (in the other order), and shows whichever fits. The default response's
 * button has the focus in the side-by-side layout; when the stacked one is
 * shown instead, GTK moves the focus to its first button, which is the
 * last response added: often the destructive one, so that Enter would
 * discard or overwrite. */

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
on_focus_cb (GtkWindow  *dialog,
             GParamSpec *pspec,
             gpointer    user_data)
{
  GtkWidget *focus = gtk_window_get_focus (dialog);
  GtkWidget *previous = g_object_get_data (G_OBJECT (dialog), PREVIOUS_FOCUS);
  const char *label = NULL;
  GtkWidget *same;

  g_object_set_data (G_OBJECT (dialog), PREVIOUS_FOCUS, focus);
  if (focus == NULL || !GTK_IS_BUTTON (focus))
    return;
  /* a Tab or an arrow within one layout is the user's */
  if (previous != NULL && gtk_widget_get_parent (previous) == gtk_widget_get_parent (focus))
    return;

  if (previous != NULL && GTK_IS_BUTTON (previous))
    label = gtk_button_get_label (GTK_BUTTON (previous));
  else
    {
      const char *id = adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog));

      if (id != NULL)
        label = adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), id);
    }
  if (label == NULL || g_strcmp0 (label, gtk_button_get_label (GTK_BUTTON (focus))) == 0)
    return;

  /* the same response in the layout now shown */
  same = find_button (gtk_widget_get_parent (focus), label);
  if (same != NULL)
    gtk_widget_grab_focus (same);
}

/**
 * nm_message_dialog_keep_focus:
 * @dialog: a message dialog, before it is presented
 *
 * Keeps the keyboard focus on the same response, the default one at
 * first, whichever layout of its buttons @dialog shows: Enter then never
 * picks a destructive response the user did not move to.
 */
void
nm_message_dialog_keep_focus (AdwMessageDialog *dialog)
{
  g_return_if_fail (ADW_IS_MESSAGE_DIALOG (dialog));

  g_signal_connect (dialog, "notify::focus-widget", G_CALLBACK (on_focus_cb), NULL);
}

static void
on_parent_destroy_cb (GtkWindow *window)
{
  gtk_window_set_transient_for (window, NULL);
}

/**
 * nm_window_let_go_of_parent_early:
 * @window: a window with its transient parent set
 *
 * A window can outlive the one it is transient for: a dialog is held by
 * the click that answers it while its response destroys its parent (the
 * form after Record Anyway, the window after Discard). GTK 4.8 then keeps
 * pointing at the parent that is gone, and lets go of it when @window is
 * finalized: "instance with invalid (NULL) class pointer". This lets go of
 * it while the parent is still there, as it is destroyed.
 */
void
nm_window_let_go_of_parent_early (GtkWindow *window)
{
  GtkWindow *parent;

  g_return_if_fail (GTK_IS_WINDOW (window));

  parent = gtk_window_get_transient_for (window);
  if (parent != NULL)
    /* after GTK's own handler, which destroys @window with its parent */
    g_signal_connect_object (parent, "destroy", G_CALLBACK (on_parent_destroy_cb), window,
                             G_CONNECT_SWAPPED);
}

/**
 * nm_message_dialog_new:
 * @parent: (nullable): the window it stays over
 * @heading: (nullable): its heading
 * @body: (nullable): its body
 *
 * adw_message_dialog_new(), for a dialog that can outlive @parent
 * (nm_window_let_go_of_parent_early()).
 *
 * Returns: (transfer floating): the dialog, not yet presented
 */
GtkWidget *
nm_message_dialog_new (GtkWindow  *parent,
                       const char *heading,
                       const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  nm_window_let_go_of_parent_early (GTK_WINDOW (dialog));
  return dialog;
}
