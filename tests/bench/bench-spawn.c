/* bench-spawn.c
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

/* bench-spawn RUNS TIMEOUT_S PROGRAM [ARGS...]
 *
 * Starts PROGRAM RUNS times, one after the other, and prints
 * "MEDIAN_MS MEDIAN_MAXRSS_KB MEDIAN_CPU_MS": the time from spawning it to
 * its exit (a program that exits right after its first frame gives its
 * start-up time), its peak resident memory (ru_maxrss from wait4) and the
 * CPU time it used (user and system, from wait4: the steadier figure on a
 * machine that other work shares).  Prints "n/a" and
 * exits 1 when a run fails or outlives TIMEOUT_S seconds. */

#include "config.h"

#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gboolean
run_once (char   **argv,
          double   timeout_s,
          double  *ms,
          double  *maxrss_kb,
          double  *cpu_ms)
{
  struct rusage usage;
  gint64 start = g_get_monotonic_time ();
  int status = 0;
  pid_t pid;

  pid = fork ();
  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      /* Its warnings (no session bus under Xvfb) are not ours to print. */
      int null = open ("/dev/null", O_WRONLY);

      dup2 (null, STDOUT_FILENO);
      dup2 (null, STDERR_FILENO);
      execvp (argv[0], argv);
      _exit (127);
    }

  for (;;)
    {
      pid_t done = wait4 (pid, &status, WNOHANG, &usage);

      if (done == pid)
        break;
      if (done < 0)
        return FALSE;
      if (g_get_monotonic_time () - start > timeout_s * G_USEC_PER_SEC)
        {
          kill (pid, SIGKILL);
          wait4 (pid, &status, 0, &usage);
          return FALSE;
        }
      g_usleep (200);
    }

  *ms = (g_get_monotonic_time () - start) / 1000.0;
  *maxrss_kb = usage.ru_maxrss;
  *cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
            (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;

  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree double *ms = NULL;
  g_autofree double *rss = NULL;
  g_autofree double *cpu = NULL;
  guint64 runs;
  double timeout_s;

  if (argc < 4 || !g_ascii_string_to_unsigned (argv[1], 10, 1, 1000, &runs, NULL))
    {
      fprintf (stderr, "usage: bench-spawn RUNS TIMEOUT_S PROGRAM [ARGS...]\n");
      return 2;
    }
  timeout_s = g_ascii_strtod (argv[2], NULL);
  ms = g_new0 (double, runs);
  rss = g_new0 (double, runs);
  cpu = g_new0 (double, runs);

  for (guint r = 0; r < runs; r++)
    if (!run_once (argv + 3, timeout_s, &ms[r], &rss[r], &cpu[r]))
      {
        printf ("n/a\n");
        return 1;
      }

  qsort (ms, runs, sizeof *ms, compare_doubles);
  qsort (rss, runs, sizeof *rss, compare_doubles);
  qsort (cpu, runs, sizeof *cpu, compare_doubles);
  printf ("%.1f %.0f %.1f\n", ms[runs / 2], rss[runs / 2], cpu[runs / 2]);

  return 0;
}
