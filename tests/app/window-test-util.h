/* window-test-util.h: the window's asynchronous file operations, waited for
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nm-window.h"
#include "../test-wait.h"

/* The window reads and writes on worker threads; a test waits for the
 * result by running the main loop until it comes. */

G_GNUC_UNUSED static gboolean
window_test_save (NmWindow  *window,
                  GFile     *file,
                  GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nm_window_save_async (window, file, NULL, test_wait_result_cb, &result);
  return nm_window_save_finish (window, test_wait_result (&result, "the window's save"), error);
}

G_GNUC_UNUSED static gboolean
window_test_open (NmWindow  *window,
                  GFile     *file,
                  GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nm_window_open_async (window, file, NULL, test_wait_result_cb, &result);
  return nm_window_open_finish (window, test_wait_result (&result, "the window to open a file"), error);
}

G_GNUC_UNUSED static gboolean
window_test_document_idle (gpointer document)
{
  return !nm_document_get_busy (document);
}

/* Waits for the saves a window action started, and for what they show. */
G_GNUC_UNUSED static void
window_test_wait_idle (NmWindow *window)
{
  NmDocument *document = nm_window_get_document (window);

  if (document != NULL)
    test_wait_notify (document, "busy", window_test_document_idle, document,
                      "the document's saves to end");
  test_wait_drain ();
}

/* The end of a window's test: @window was destroyed (or is now), and no
 * one holds it any more. A leaked window fails the test. The caller holds
 * the one reference left (g_object_ref() it while it is alive). */
G_GNUC_UNUSED static void
window_test_finalize (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));   /* nothing when it was already */
  /* what GTK had queued for it (a redraw, a resize) lets go of it */
  test_wait_drain ();
  g_assert_finalize_object (window);
}

/* Destroys a window the test did not keep a reference to, and checks that
 * it is gone. */
G_GNUC_UNUSED static void
window_test_destroy (gpointer window)
{
  window_test_finalize (g_object_ref (window));
}
