/* bench-memory.c
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

/* Peak memory of loading the worst files the format allows (issue 13):
 *
 *   bench-memory [NEEDLEMAP]
 *
 * writes each worst case below to a file in $TMPDIR (each within every limit
 * of docs/file-format.md, up to 16 MiB, unless its name says it is
 * refused), then loads it in a child process: nm_file_load(), the plan
 * (built-in protocol) and the bytes of a save (nm_file_serialize_for_save()),
 * as opening and saving it in the window would. The child's peak resident
 * memory is ru_maxrss from wait4(); the parent frees each file's text
 * before it forks, so the child starts small. With NEEDLEMAP (the built
 * program), `needlemap --plan FILE` is measured the same way.
 *
 * One line per case: "NAME|FILE_MIB|RESULT|CORE_MIB|CORE_MS|CLI_MIB|CLI_MS",
 * RESULT "loaded", "loaded, not saved" (the save's own limit: written with
 * the writer's indentation the file would pass 16 MiB) or "refused".
 * A benchmark: it asserts nothing. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nm-file.h"
#include "nm-planner.h"
#include "nm-vocab.h"

#define BUDGET (NM_FILE_MAX_BYTES - 64 * 1024)   /* bytes each file may fill */

static void
append_chars (GString *s,
              char     c,
              gsize    n)
{
  gsize len = s->len;

  g_string_set_size (s, len + n);
  memset (s->str + len, c, n);
}

/* "text" of @n characters (ASCII: one byte each) */
static void
append_text (GString *s,
             gsize    n)
{
  g_string_append_c (s, '"');
  append_chars (s, 'a', n);
  g_string_append_c (s, '"');
}

/* The top of a file: a client with every text at its longest, every
 * screening item answered, a plan with every acknowledgement. */
static GString *
begin_file (gboolean long_texts)
{
  GString *s = g_string_new ("{\"format\": \"needlemap-consultation\", \"version\": 1, \"client\": {\"name\": ");
  gsize n = long_texts ? NM_FILE_MAX_STRING_CHARS : 10;

  append_text (s, n);
  g_string_append (s, ", \"birth_date\": \"1990-01-01\", \"fitzpatrick\": 3, \"notes\": ");
  append_text (s, n);
  g_string_append (s, ", \"guardian\": ");
  append_text (s, n);
  g_string_append (s, "}, \"screening\": {");
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    g_string_append_printf (s, "%s\"%s\": false", i > 0 ? ", " : "", nm_vocab_screening (i)->id);
  g_string_append (s, "}, \"plan\": {\"start_date\": \"2026-12-01\", \"acknowledged\": {");
  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    {
      g_string_append_printf (s, "%s\"%s\": ", i > 0 ? ", " : "", nm_vocab_screening (i)->id);
      append_text (s, long_texts ? 1000 : 1);
    }
  g_string_append (s, "}}");

  return s;
}

/* @n findings with @points outline points each and a note of @note
 * characters; the regions and kinds go round the vocabulary. */
static void
append_findings (GString *s,
                 guint    n,
                 guint    points,
                 gsize    note)
{
  g_string_append (s, ", \"findings\": [");
  for (guint i = 0; i < n; i++)
    {
      const NmRegionInfo *region = nm_vocab_region (i % nm_vocab_n_regions ());
      const NmKindInfo *kind = nm_vocab_kind (i % nm_vocab_n_kinds ());
      guint view = 0;

      while (view < 31 && (region->views & (1u << view)) == 0)
        view++;
      g_string_append_printf (s, "%s{\"region\": \"%s\", \"kind\": \"%s\", \"severity\": %u, \"view\": \"%s\", "
                              "\"note\": ", i > 0 ? ",\n" : "\n", region->id, kind->id, 1 + i % 4,
                              nm_view_id (view));
      append_text (s, note);
      g_string_append (s, ", \"outline\": [");
      for (guint p = 0; p < points; p++)
        g_string_append_printf (s, "%s[0.%06u, 0.%06u]", p > 0 ? ", " : "", 100000 + (i * 7 + p) % 800000,
                                900000 - (i * 3 + p) % 800000);
      g_string_append (s, "]}");
    }
  g_string_append (s, "]");
}

/* @n sessions with a depth for every region and notes and device of @text
 * characters each. */
static void
append_sessions (GString *s,
                 guint    n,
                 gsize    text)
{
  g_string_append (s, ", \"sessions\": [");
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (s, "%s{\"date\": \"2026-%02u-%02u\", \"done\": true, \"depth_mm\": {",
                              i > 0 ? ",\n" : "\n", 1 + i % 12, 1 + i % 28);
      for (guint r = 0; r < nm_vocab_n_regions (); r++)
        g_string_append_printf (s, "%s\"%s\": %u.%02u", r > 0 ? ", " : "", nm_vocab_region (r)->id,
                                r % 2, 5 + (i + r) % 90);
      g_string_append (s, "}, \"notes\": ");
      append_text (s, text);
      g_string_append (s, ", \"device\": ");
      append_text (s, MIN (text, 200));
      g_string_append (s, "}");
    }
  g_string_append (s, "]");
}

/* An unknown key holding @n empty objects: @n + 1 values. */
static void
append_unknown_objects (GString    *s,
                        const char *key,
                        guint       n)
{
  g_string_append_printf (s, ", \"%s\": [", key);
  for (guint i = 0; i < n; i++)
    g_string_append (s, i > 0 ? ",{}" : "{}");
  g_string_append (s, "]");
}

/* An unknown key holding as many strings of the longest length as fit
 * until the file is @budget bytes. */
static void
append_unknown_strings (GString    *s,
                        const char *key,
                        gsize       budget)
{
  gboolean first = TRUE;

  g_string_append_printf (s, ", \"%s\": [", key);
  while (s->len + NM_FILE_MAX_STRING_CHARS + 8 < budget)
    {
      if (!first)
        g_string_append_c (s, ',');
      first = FALSE;
      append_text (s, NM_FILE_MAX_STRING_CHARS);
    }
  g_string_append (s, "]");
}

/* The values the file's other keys hold, to leave the unknown keys the
 * rest of NM_FILE_MAX_UNKNOWN_VALUES. */
static GString *
make_case (const char *name)
{
  GString *s;

  if (g_str_equal (name, "unknown keys: empty objects"))
    {
      /* the file, at the limit: json-c's costliest value */
      s = begin_file (FALSE);
      append_findings (s, 0, 0, 0);
      append_unknown_objects (s, "x_big", NM_FILE_MAX_UNKNOWN_VALUES - 1);
    }
  else if (g_str_equal (name, "unknown keys: long strings"))
    {
      s = begin_file (TRUE);
      append_findings (s, 0, 0, 0);
      append_unknown_strings (s, "x_text", BUDGET);
    }
  else if (g_str_equal (name, "findings: 10,000, outlines, notes"))
    {
      /* 10 points each makes 100,000; the notes fill the rest */
      s = begin_file (TRUE);
      append_findings (s, NM_FILE_MAX_FINDINGS, NM_FILE_MAX_POINTS / NM_FILE_MAX_FINDINGS,
                       (BUDGET - 200000) / NM_FILE_MAX_FINDINGS - 320);
    }
  else if (g_str_equal (name, "sessions: 1,000, all depths, notes"))
    {
      s = begin_file (TRUE);
      append_findings (s, 0, 0, 0);
      append_sessions (s, NM_FILE_MAX_SESSIONS, MIN (NM_FILE_MAX_STRING_CHARS, (BUDGET - 200000) / NM_FILE_MAX_SESSIONS - 1900));
    }
  else if (g_str_equal (name, "sessions: 1,000, all depths, no notes"))
    {
      /* what the schedule shows most of: a full history of sessions */
      s = begin_file (FALSE);
      append_findings (s, 0, 0, 0);
      append_sessions (s, NM_FILE_MAX_SESSIONS, 0);
    }
  else if (g_str_equal (name, "findings: 1,000, outlines"))
    {
      s = begin_file (FALSE);
      append_findings (s, 1000, NM_FILE_MAX_POINTS / NM_FILE_MAX_FINDINGS, 20);
    }
  else if (g_str_equal (name, "findings: 10,000, outlines"))
    {
      s = begin_file (FALSE);
      append_findings (s, NM_FILE_MAX_FINDINGS, NM_FILE_MAX_POINTS / NM_FILE_MAX_FINDINGS, 20);
    }
  else if (g_str_equal (name, "every limit at once"))
    {
      /* findings, sessions and unknown values all at their limits, and
       * long strings in what is left */
      s = begin_file (TRUE);
      append_findings (s, NM_FILE_MAX_FINDINGS, NM_FILE_MAX_POINTS / NM_FILE_MAX_FINDINGS, 200);
      append_sessions (s, NM_FILE_MAX_SESSIONS, 1000);
      /* x_big and its objects, and the 1 + n strings of x_text */
      append_unknown_objects (s, "x_big", NM_FILE_MAX_UNKNOWN_VALUES - 2 - 1000);
      append_unknown_strings (s, "x_text", BUDGET);
    }
  else if (g_str_equal (name, "refused: 999,990 values, unknown"))
    {
      /* within the values of a file, beyond those of unknown keys: the
       * largest tree the reader builds before the loader refuses */
      s = begin_file (FALSE);
      append_findings (s, 0, 0, 0);
      g_string_append (s, ", \"x\": [0");
      for (guint i = 1; i < NM_FILE_MAX_VALUES - 200; i++)
        g_string_append (s, ",0");
      g_string_append (s, "]");
    }
  else if (g_str_equal (name, "refused: 1,000,000 empty objects"))
    {
      /* the file of the issue (855 MB before) */
      s = begin_file (FALSE);
      append_findings (s, 0, 0, 0);
      append_unknown_objects (s, "x_big", 1000000);
    }
  else
    g_assert_not_reached ();

  g_string_append (s, "}\n");
  g_assert_cmpuint (s->len, <=, NM_FILE_MAX_BYTES);

  return s;
}

/* The child: what opening the file and saving it does in the window. */
static int
load_plan_save (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  c = nm_file_load (file, NULL, &error);
  if (c == NULL)
    return 1;
  protocol = nm_protocol_load_default (&error);
  if (protocol == NULL)
    return 2;
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 12, 2026);
  plan = nm_planner_run (c, protocol, &today);
  saved = nm_file_serialize_for_save (c, &error);
  return saved != NULL ? 0 : 3;
}

/* Runs @path through the core in a child, or through @program --plan;
 * returns the exit status, the peak in KiB and the time in ms. */
static int
measure (const char *program,
         const char *path,
         long       *max_kib,
         double     *ms)
{
  struct rusage usage;
  gint64 start = g_get_monotonic_time ();
  int status = 0;
  pid_t pid;

  fflush (stdout);
  pid = fork ();
  g_assert (pid >= 0);
  if (pid == 0)
    {
      if (program == NULL)
        _exit (load_plan_save (path));
      if (!freopen ("/dev/null", "w", stdout) || !freopen ("/dev/null", "w", stderr))
        _exit (4);
      execl (program, program, "--plan", path, (char *) NULL);
      _exit (5);
    }
  g_assert (wait4 (pid, &status, 0, &usage) == pid);
  *ms = (g_get_monotonic_time () - start) / 1000.0;
  *max_kib = usage.ru_maxrss;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

int
main (int   argc,
      char *argv[])
{
  static const char *cases[] = {
    "unknown keys: empty objects",
    "unknown keys: long strings",
    "findings: 10,000, outlines, notes",
    "sessions: 1,000, all depths, notes",
    "sessions: 1,000, all depths, no notes",
    "findings: 1,000, outlines",
    "findings: 10,000, outlines",
    "every limit at once",
    "refused: 999,990 values, unknown",
    "refused: 1,000,000 empty objects",
  };
  const char *program = argc > 1 ? argv[1] : NULL;

  /* bench-memory --write DIR: only writes the files, case-N.needlemap,
   * for tests/bench/run to open in the window */
  if (argc == 3 && g_str_equal (argv[1], "--write"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          GString *text = make_case (cases[i]);
          g_autofree char *name = g_strdup_printf ("case-%u.needlemap", i);
          g_autofree char *file = g_build_filename (argv[2], name, NULL);

          g_assert_true (g_file_set_contents_full (file, text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
          printf ("%s|%s\n", file, cases[i]);
          g_string_free (text, TRUE);
        }
      return 0;
    }
  g_autofree char *dir = g_dir_make_tmp ("needlemap-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "worst.needlemap", NULL);

  g_assert_nonnull (dir);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GString *text = make_case (cases[i]);
      double mib = text->len / 1048576.0;
      long core_kib = 0, cli_kib = 0;
      double core_ms = 0, cli_ms = 0;
      int core, cli = -1;

      g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
      g_string_free (text, TRUE);

      core = measure (NULL, path, &core_kib, &core_ms);
      if (program != NULL)
        cli = measure (program, path, &cli_kib, &cli_ms);
      printf ("%s|%.1f|%s|%.0f|%.0f|", cases[i], mib,
              core == 0 ? "loaded" : core == 1 ? "refused" : core == 3 ? "loaded, not saved" : "error", core_kib / 1024.0, core_ms);
      if (cli >= 0)
        printf ("%.0f|%.0f\n", cli_kib / 1024.0, cli_ms);
      else
        printf ("n/a|n/a\n");
      g_unlink (path);
    }
  g_rmdir (dir);

  return 0;
}
