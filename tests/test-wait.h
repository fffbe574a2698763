/* test-wait.h: waiting for what a test waits for, never for a time
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A test waits for the event it expects (a property's notification, an
 * asynchronous result, a file monitor's event), with the main loop asleep
 * until something happens. A generous timeout is only a safety net: when
 * it runs out, the test fails; no test is paced by it, so a loaded machine
 * makes a test slower, never wrong. GIO only: the core tests use it too.
 */

#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

/* A wait this long has failed. */
#define TEST_WAIT_TIMEOUT_S 60

typedef gboolean (*TestWaitCheck) (gpointer data);

G_GNUC_UNUSED static gboolean
test_wait_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop, asleep until something happens, until @done holds:
 * for a state that has no notification of its own (checked again each time
 * the loop wakes, for whatever event). */
G_GNUC_UNUSED static void
test_wait_until (TestWaitCheck  done,
                gpointer       data,
                const char    *what)
{
  gboolean timed_out = FALSE;
  guint source;

  if (done (data))
    return;
  source = g_timeout_add_seconds (TEST_WAIT_TIMEOUT_S, test_wait_timeout_cb, &timed_out);
  while (!done (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!done (data))
    g_error ("waited %d s for %s", TEST_WAIT_TIMEOUT_S, what);
  if (!timed_out)
    g_source_remove (source);
}

G_GNUC_UNUSED static gboolean
test_wait_is_set (gpointer flag)
{
  return *(const gboolean *) flag;
}

/* Runs the main loop until *@flag is set by whatever the test waits for. */
G_GNUC_UNUSED static void
test_wait_flag (gboolean   *flag,
                const char *what)
{
  test_wait_until (test_wait_is_set, flag, what);
}

typedef struct
{
  TestWaitCheck done;
  gpointer      data;
  gboolean      fired;
} TestWaitNotify;

G_GNUC_UNUSED static void
test_wait_notify_cb (GObject    *object,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  TestWaitNotify *wait = user_data;

  if (wait->done == NULL || wait->done (wait->data))
    wait->fired = TRUE;
}

/* Waits for @object to notify @property, until @done (when given) holds;
 * returns at once when it already does. */
G_GNUC_UNUSED static void
test_wait_notify (gpointer       object,
                  const char    *property,
                  TestWaitCheck  done,
                  gpointer       data,
                  const char    *what)
{
  g_autofree char *signal = g_strconcat ("notify::", property, NULL);
  TestWaitNotify wait = { done, data, FALSE };
  gulong handler;

  g_assert_true (G_IS_OBJECT (object));
  if (done != NULL && done (data))
    return;
  handler = g_signal_connect (object, signal, G_CALLBACK (test_wait_notify_cb), &wait);
  test_wait_flag (&wait.fired, what);
  g_signal_handler_disconnect (object, handler);
}

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult ** it
 * is given. */
G_GNUC_UNUSED static void
test_wait_result_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

G_GNUC_UNUSED static gboolean
test_wait_have_result (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

/* Waits for test_wait_result_cb() to fill *@slot, and returns it. */
G_GNUC_UNUSED static GAsyncResult *
test_wait_result (GAsyncResult **slot,
                  const char    *what)
{
  test_wait_until (test_wait_have_result, slot, what);
  return *slot;
}

/* Dispatches what is ready now, without waiting for anything more. */
G_GNUC_UNUSED static void
test_wait_drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

G_GNUC_UNUSED static void
test_wait_marker_cb (GFileMonitor      *monitor,
                     GFile             *file,
                     GFile             *other,
                     GFileMonitorEvent  event,
                     gpointer           user_data)
{
  if (event == G_FILE_MONITOR_EVENT_CREATED || event == G_FILE_MONITOR_EVENT_MOVED_IN ||
      event == G_FILE_MONITOR_EVENT_RENAMED || event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    *(gboolean *) user_data = TRUE;
}

/* Every file monitor of this process has been told of everything that
 * happened in the folder @dir so far: a marker file is written there and
 * its own monitor's event awaited. The kernel reports a folder's events in
 * order, and GLib hands each one to every monitor of the folder before the
 * next, so the events before the marker's are queued by then; they are
 * dispatched before this returns. */
G_GNUC_UNUSED static void
test_wait_file_events (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, ".test-wait-marker", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileMonitor) monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  gboolean seen = FALSE;

  g_assert_nonnull (monitor);
  g_signal_connect (monitor, "changed", G_CALLBACK (test_wait_marker_cb), &seen);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  test_wait_flag (&seen, "the file monitor's event for a marker file");
  g_signal_handlers_disconnect_by_data (monitor, &seen);
  g_file_monitor_cancel (monitor);
  g_assert_cmpint (g_unlink (path), ==, 0);
  test_wait_drain ();
}
