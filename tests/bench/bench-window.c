/* bench-window.c
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

/* The yardstick for start-up time and memory: the smallest GTK 4 program
 * that shows a window (a GtkWindow with a label).  It exits with status 0
 * as soon as its first frame has been painted, printing nothing, which is
 * what needlemap does with NEEDLEMAP_BENCH_EXIT_AFTER_FIRST_FRAME=1. */

#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>

#ifdef BENCH_ADWAITA
# include <adwaita.h>
#endif

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  exit (0);
}

static void
on_realize (GtkWidget *window,
            gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
}

static void
on_activate (GtkApplication *app,
             gpointer        user_data)
{
  GtkWidget *window = gtk_application_window_new (app);

  gtk_window_set_title (GTK_WINDOW (window), "Benchmark");
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Benchmark window"));
  g_signal_connect (window, "realize", G_CALLBACK (on_realize), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;

#ifdef BENCH_ADWAITA
  /* The same window in an AdwApplication: what libadwaita's own start-up
   * (its style sheet above all) costs before any of Needlemap's code. */
  app = GTK_APPLICATION (adw_application_new ("io.github.needlemap.BenchWindow", G_APPLICATION_NON_UNIQUE));
#else
  app = gtk_application_new ("io.github.needlemap.BenchWindow", G_APPLICATION_NON_UNIQUE);
#endif
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
