/* bench-map-view.c: what the map view costs at a new size, in a window
 *
 * Copyright 2026 The Needlemap authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: it measures and prints, it asserts nothing. An NmMapView
 * alone in a window shows the depth layer of face-front with one finding
 * on every region and OUTLINES findings with outlines (as bench-render),
 * and is resized to WxH, then WxH less one pixel, and so on (five sizes in
 * turn, more than the atlas keeps, so that every size is new). For each
 * resize it measures:
 *
 *  - frame: the main thread's CPU time of the first frame painted at the
 *    new size (GdkFrameClock::before-paint to ::after-paint: layout,
 *    snapshot and GSK's rendering of the window);
 *  - latency: the wall-clock time from the resize to the painting of the
 *    exact frame at that size (the map view waits SETTLE_MS for a live
 *    resize to settle, then draws on a worker thread);
 *  - main: the main thread's CPU time over that interval (every frame, the
 *    settle timeout, the snapshot of the consultation, the swap);
 *  - others: the CPU time of the process's other threads over it (the
 *    worker thread's drawing, above all);
 *  - swap: for comparison, the main thread's CPU time of the frame that
 *    shows the exact frame (GSK painting a window-sized texture);
 *  - again: and of a frame with nothing changed (the same texture node:
 *    GSK finds nothing to paint).
 *
 * Prints one line: the medians, in ms. Usage: bench-map-view RUNS WxH
 * OUTLINES. Needs a display as large as WxH (Xvfb).
 */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "nm-map-view.h"
#include "nm-planner.h"
#include "nm-protocol.h"

#include "render/bench-map-data.h"

typedef struct
{
  NmMapView *map;
  int        width, height;   /* the size being waited for */
  double     paint_start;     /* main thread CPU at before-paint */
  double     frame_ms;        /* of the first frame at the new size; < 0 until painted */
  gboolean   exact;           /* the exact frame at the new size was painted */
  double     again_ms;        /* of a frame with nothing changed; < 0 until painted */
  double     swap_ms;         /* of the frame that shows the exact one */
} Run;

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
process_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static gboolean
at_size (Run *run)
{
  return gtk_widget_get_width (GTK_WIDGET (run->map)) == run->width &&
         gtk_widget_get_height (GTK_WIDGET (run->map)) == run->height;
}

static void
on_before_paint (GdkFrameClock *clock,
                 Run           *run)
{
  run->paint_start = thread_cpu_ms ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Run           *run)
{
  if (run->again_ms < 0)
    run->again_ms = thread_cpu_ms () - run->paint_start;
  if (!at_size (run))
    return;
  if (run->frame_ms < 0)
    run->frame_ms = thread_cpu_ms () - run->paint_start;
  if (nm_map_view_is_exact (run->map) && !run->exact)
    {
      run->exact = TRUE;
      run->swap_ms = thread_cpu_ms () - run->paint_start;
    }
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  guint n = values->len;

  g_array_sort (values, compare_doubles);
  return n % 2 ? g_array_index (values, double, n / 2)
               : (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

/* Resizes the map and runs the main loop until the exact frame is
 * painted. */
static void
resize (Run *run,
        int  width,
        int  height)
{
  run->width = width;
  run->height = height;
  run->frame_ms = -1;
  run->exact = FALSE;
  run->again_ms = 0;
  gtk_widget_set_size_request (GTK_WIDGET (run->map), width, height);
  while (!run->exact)
    g_main_context_iteration (NULL, TRUE);
}

/* A frame of the same map at the same size (an expose): what any frame of
 * the window costs, for comparison. */
static void
redraw (Run *run)
{
  run->again_ms = -1;
  gtk_widget_queue_draw (GTK_WIDGET (run->map));
  while (run->again_ms < 0)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmConsultation) findings = NULL;
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GArray) frame = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) latency = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) main_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) others = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) swap = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWindow *window;
  GdkFrameClock *clock;
  Run run = { 0 };
  GDate today;
  int width, height;
  guint runs;

  if (argc != 4 || (runs = (guint) atoi (argv[1])) < 1 ||
      sscanf (argv[2], "%dx%d", &width, &height) != 2 || width < 300 || height < 300)
    {
      g_printerr ("usage: bench-map-view RUNS WxH OUTLINES\n");
      return 2;
    }

  gtk_init ();
  adw_init ();

  protocol = nm_protocol_load_default (NULL);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 12, 2026);
  /* as bench-render: the plan from the per-region findings alone */
  findings = make_consultation (NM_VIEW_FACE_FRONT, 0, 0);
  plan = nm_planner_run (findings, protocol, &today);
  consultation = make_consultation (NM_VIEW_FACE_FRONT, (guint) atoi (argv[3]), 0);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  run.map = NM_MAP_VIEW (nm_map_view_new ());
  nm_map_view_set_consultation (run.map, consultation);
  nm_map_view_set_plan (run.map, plan);
  nm_map_view_set_layer (run.map, NM_MAP_LAYER_DEPTH);
  gtk_widget_set_halign (GTK_WIDGET (run.map), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (run.map), GTK_ALIGN_START);
  gtk_widget_set_can_target (GTK_WIDGET (run.map), FALSE);
  gtk_window_set_child (window, GTK_WIDGET (run.map));
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &run);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &run);

  /* the first frame (drawn where it is asked for), and two warm-ups */
  resize (&run, width - 10, height);
  for (guint i = 0; i < runs + 2; i++)
    {
      double start = g_get_monotonic_time () / 1000.0;
      double main_start = thread_cpu_ms ();
      double all_start = process_cpu_ms ();
      double main_ms, v;

      resize (&run, width - (int) (i % 5), height);
      if (i < 2)
        continue;
      main_ms = thread_cpu_ms () - main_start;
      g_array_append_val (frame, run.frame_ms);
      v = g_get_monotonic_time () / 1000.0 - start;
      g_array_append_val (latency, v);
      g_array_append_val (main_cpu, main_ms);
      v = process_cpu_ms () - all_start - main_ms;
      g_array_append_val (others, v);
      g_array_append_val (swap, run.swap_ms);
      redraw (&run);
      g_array_append_val (again, run.again_ms);
    }

  g_print ("%.2f %.1f %.2f %.2f %.2f %.2f\n", median (frame), median (latency), median (main_cpu),
           median (others), median (swap), median (again));
  gtk_window_destroy (window);
  return 0;
}
