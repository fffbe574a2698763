/* window-test-util.h: the window's asynchronous file operations, waited for
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nm-window.h"

/* The window reads and writes on worker threads; a test waits for the
 * result by running the main loop until it comes. */

static void
window_test_result_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static inline GAsyncResult *
window_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

G_GNUC_UNUSED static gboolean
window_test_save (NmWindow  *window,
                  GFile     *file,
                  GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nm_window_save_async (window, file, NULL, window_test_result_cb, &result);
  return nm_window_save_finish (window, window_test_wait (&result), error);
}

G_GNUC_UNUSED static gboolean
window_test_open (NmWindow  *window,
                  GFile     *file,
                  GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nm_window_open_async (window, file, NULL, window_test_result_cb, &result);
  return nm_window_open_finish (window, window_test_wait (&result), error);
}

/* Waits for the saves a window action started, and for what they show. */
G_GNUC_UNUSED static void
window_test_wait_idle (NmWindow *window)
{
  NmDocument *document = nm_window_get_document (window);

  while (document != NULL && nm_document_get_busy (document))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}
