/* bench-render.c: how long a full redraw of the map takes
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
 * Not a test: it measures and prints, it asserts nothing. For each view,
 * size and number of lesion outlines it draws the depth layer into a
 * software image surface, as the window, the PNG export and the tests do,
 * and prints the median of the runs in five situations (see Mode).
 * Usage: bench-render [RUNS [VIEW WxH OUTLINES]] (the second form
 * measures one case only, for profiling).
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nm-atlas.h"
#include "nm-finding.h"
#include "nm-planner.h"
#include "nm-protocol.h"
#include "nm-render-map.h"

#include "bench-map-data.h"

typedef enum
{
  MODE_CACHED,    /* nothing changed since the last frame */
  MODE_EDIT,      /* the fills and labels changed, the outlines did not */
  MODE_HOVER,     /* only the hovered region changed */
  MODE_RESIZE,    /* a size not drawn recently (as in a live resize) */
  MODE_SCALED,    /* the same, as the map view shows it during a live
                     resize: the last size's frame, scaled */
  MODE_UNCACHED,  /* the atlas's cache off: librsvg renders the view */
  MODE_WORKER,    /* a size not drawn recently, as the map view's worker
                     thread draws it once the size settles: kept as layers
                     at once (NmMapStyle.settled) */
  N_MODES
} Mode;

static const char * const mode_names[N_MODES] = {
  "cached", "after an edit", "hover", "resize", "scaled", "uncached", "worker",
};

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The drawing thread's CPU time, in ms: the machine is shared, and what a
 * redraw costs on one core is what the aims are about. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
median_ms (NmConsultation *c[2],
           NmPlan         *plan[2],
           NmView          view,
           int             width,
           int             height,
           guint           runs,
           Mode            mode)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  const char * const *regions = nm_atlas_regions_in_view (atlas, view);
  guint n_regions = g_strv_length ((char **) regions);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  g_autofree double *times = g_new (double, runs);
  cairo_surface_t *last = NULL;
  NmMapStyle style = { 0 };
  double median;

  /* Off then on empties the cache: no layers of another case's sizes
   * (the worker mode keeps every size it draws). */
  nm_atlas_set_raster_cache (atlas, FALSE);
  nm_atlas_set_raster_cache (atlas, mode != MODE_UNCACHED);
  style.view = view;
  style.layer = NM_MAP_LAYER_DEPTH;
  style.settled = mode == MODE_WORKER;

  /* The frame of the size before the resize began. */
  if (mode == MODE_SCALED)
    {
      cairo_t *cr;

      last = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width - 5, height);
      cr = cairo_create (last);
      style.consultation = c[0];
      style.plan = plan[0];
      nm_render_map (cr, &style, width - 5, height);
      cairo_destroy (cr);
    }

  for (guint i = 0; i < runs + 2; i++)
    {
      double start;
      cairo_t *cr;
      guint v = mode == MODE_EDIT ? i % 2 : 0;
      /* five sizes in turn, more than the atlas keeps */
      int w = mode == MODE_RESIZE || mode == MODE_WORKER ? width - (int) (i % 5) : width;

      style.consultation = c[v];
      style.plan = plan[v];
      style.hover_region = mode == MODE_HOVER ? regions[i % n_regions] : NULL;

      start = cpu_ms ();
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      if (mode == MODE_SCALED)
        {
          double x, y, sw, sh;

          /* as GSK's cairo renderer draws a texture node (a GPU renderer
           * draws one textured rectangle) */
          nm_render_map_rescale (view, width - 5, height, w, height, &x, &y, &sw, &sh);
          cairo_rectangle (cr, 0, 0, w, height);
          cairo_clip (cr);
          cairo_translate (cr, x, y);
          cairo_scale (cr, sw / (width - 5), sh / height);
          cairo_set_source_surface (cr, last, 0, 0);
          cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
          cairo_rectangle (cr, 0, 0, width - 5, height);
          cairo_fill (cr);
        }
      else
        nm_render_map (cr, &style, w, height);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      /* the first two are warm-up: parsing, pick buffer, cache */
      if (i >= 2)
        times[i - 2] = cpu_ms () - start;
    }

  nm_atlas_set_raster_cache (atlas, TRUE);
  qsort (times, runs, sizeof (double), compare_doubles);
  median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
  cairo_surface_destroy (surface);
  g_clear_pointer (&last, cairo_surface_destroy);
  return median;
}

/* Two states of one map, as before and after an edit: the same outlines
 * (and skin tone), two plans with other depths in several regions (other
 * fills and labels). The plans come from the per-region findings alone,
 * as the outlines' findings would otherwise set every region's depth. */
static void
make_pair (NmView          view,
           guint           n_outlines,
           NmProtocol     *protocol,
           const GDate    *today,
           NmConsultation *c[2],
           NmPlan         *plan[2])
{
  for (guint v = 0; v < 2; v++)
    {
      g_autoptr(NmConsultation) findings = make_consultation (view, 0, v);

      c[v] = make_consultation (view, n_outlines, 0);
      plan[v] = nm_planner_run (findings, protocol, today);
    }
}

/* How many treated regions have another range in the second plan. */
static guint
count_changes (NmPlan *plan[2])
{
  guint n = 0;

  for (guint i = 0; i < nm_plan_get_n_regions (plan[0]); i++)
    {
      const NmPlanRegion *a = nm_plan_get_region (plan[0], i);
      const NmPlanRegion *b = nm_plan_lookup_region (plan[1], a->region);

      if (b == NULL || a->treat != b->treat || a->min_mm != b->min_mm || a->max_mm != b->max_mm)
        n++;
    }
  return n;
}

static void
free_pair (NmConsultation *c[2],
           NmPlan         *plan[2])
{
  for (guint v = 0; v < 2; v++)
    {
      nm_plan_unref (plan[v]);
      g_object_unref (c[v]);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const NmView views[] = { NM_VIEW_FACE_FRONT, NM_VIEW_BODY_FRONT };
  static const int sizes[][2] = { { 1280, 800 }, { 3840, 2160 } };
  static const guint outlines[] = { 0, 100, 1000 };
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  guint runs = argc > 1 ? (guint) MAX (atoi (argv[1]), 1) : 30;
  GDate today;

  if (argc == 5)
    {
      NmView view;
      int w, h;
      NmConsultation *c[2];
      NmPlan *plan[2];

      if (!nm_view_from_id (argv[2], &view) || sscanf (argv[3], "%dx%d", &w, &h) != 2)
        {
          g_printerr ("usage: bench-render [RUNS [VIEW WxH OUTLINES]]\n");
          return 2;
        }
      protocol = nm_protocol_load_default (NULL);
      g_date_clear (&today, 1);
      g_date_set_dmy (&today, 1, 12, 2026);
      make_pair (view, (guint) atoi (argv[4]), protocol, &today, c, plan);
      g_print ("regions whose depth differs between the two edits: %u\n", count_changes (plan));
      for (Mode mode = 0; mode < N_MODES; mode++)
        g_print ("%s %.2f ms%s", mode_names[mode], median_ms (c, plan, view, w, h, runs, mode),
                 mode + 1 < N_MODES ? ", " : "\n");
      free_pair (c, plan);
      return 0;
    }

  protocol = nm_protocol_load_default (&error);
  if (protocol == NULL)
    {
      g_printerr ("bench-render: %s\n", error->message);
      return 1;
    }
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 12, 2026);

  g_print ("Full redraw of the depth layer, software image surface, median of %u runs "
           "(ms of the drawing thread's CPU time)\n\n", runs);
  g_print ("| view       | size      | outlines | cached | after an edit | hover | resize | resize, scaled | resize, worker | uncached |\n");
  g_print ("|------------|-----------|---------:|-------:|--------------:|------:|-------:|---------------:|---------------:|---------:|\n");

  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint o = 0; o < G_N_ELEMENTS (outlines); o++)
        {
          NmConsultation *c[2];
          NmPlan *plan[2];
          double ms[N_MODES];

          make_pair (views[v], outlines[o], protocol, &today, c, plan);
          for (Mode mode = 0; mode < N_MODES; mode++)
            ms[mode] = median_ms (c, plan, views[v], sizes[s][0], sizes[s][1], runs, mode);
          free_pair (c, plan);

          g_print ("| %-10s | %4dx%-4d | %8u | %6.2f | %13.2f | %5.2f | %6.2f | %14.2f | %14.2f | %8.2f |\n",
                   nm_view_id (views[v]), sizes[s][0], sizes[s][1], outlines[o],
                   ms[MODE_CACHED], ms[MODE_EDIT], ms[MODE_HOVER], ms[MODE_RESIZE],
                   ms[MODE_SCALED], ms[MODE_WORKER], ms[MODE_UNCACHED]);
        }

  return 0;
}
