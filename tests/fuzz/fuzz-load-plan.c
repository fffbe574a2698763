/* fuzz-load-plan.c
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

/* One input through everything a file meets: the loader, the planner, the
 * plan's JSON and the saver's serialisation.  Besides "no crash, no leak,
 * no undefined behaviour" (the sanitizers' part) it checks the round trip:
 * whatever loads must serialise to bytes that load again, serialise to
 * the same bytes and plan to the same JSON.  A broken invariant aborts,
 * which libFuzzer reports as a crash. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm-file.h"
#include "nm-planner.h"
#include "nm-fuzz.h"

static void G_GNUC_NORETURN
invariant_broken (const char *what,
                  const char *detail)
{
  /* The detail is an error message of our own, never file contents. */
  fprintf (stderr, "fuzz: invariant broken: %s%s%s\n", what,
           detail != NULL ? ": " : "", detail != NULL ? detail : "");
  abort ();
}

static NmProtocol *
default_protocol (void)
{
  static NmProtocol *protocol = NULL;

  if (protocol == NULL)
    {
      g_autoptr(GError) error = NULL;

      protocol = nm_protocol_load_default (&error);
      if (protocol == NULL)
        invariant_broken ("the built-in protocol does not load", error->message);
    }

  return protocol;
}

static char *
plan_json (NmConsultation *c)
{
  g_autoptr(NmPlan) plan = NULL;
  GDate today;
  char *json;

  /* A fixed day keeps the run deterministic. */
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_DECEMBER, 2026);

  plan = nm_planner_run (c, default_protocol (), &today);
  if (plan == NULL)
    invariant_broken ("the planner returned no plan", NULL);

  json = nm_plan_to_json (plan);
  if (json == NULL || !g_str_has_suffix (json, "\n"))
    invariant_broken ("the plan's JSON does not end with a newline", NULL);

  return json;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* No copy: the loader reads the caller's buffer, which ends exactly at
   * the last byte (libFuzzer's under ASan, the replay test's at a guard
   * page), so reading past the end is caught. */
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) c = NULL;
  g_autoptr(NmConsultation) again = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) saved_again = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;

  c = nm_file_load_bytes (input, &error);
  if (c == NULL)
    {
      /* Refused: whole or nothing, with a message that says why. */
      if (error == NULL || error->domain != NM_FILE_ERROR ||
          error->message == NULL || error->message[0] == '\0')
        invariant_broken ("a refused file has no NM_FILE_ERROR message", NULL);
      return 0;
    }
  if (error != NULL)
    invariant_broken ("a loaded file also set an error", error->message);

  json = plan_json (c);

  saved = nm_file_serialize (c);
  if (saved == NULL || g_bytes_get_size (saved) == 0)
    invariant_broken ("serialising a loaded file gave nothing", NULL);

  /* nm_file_save() refuses what would exceed the size limit; so do we. */
  if (g_bytes_get_size (saved) > NM_FILE_MAX_BYTES)
    return 0;

  again = nm_file_load_bytes (saved, &error);
  if (again == NULL)
    invariant_broken ("a serialised consultation does not load again",
                      error != NULL ? error->message : NULL);

  saved_again = nm_file_serialize (again);
  if (!g_bytes_equal (saved, saved_again))
    invariant_broken ("serialising is not stable across a round trip", NULL);

  json_again = plan_json (again);
  if (strcmp (json, json_again) != 0)
    invariant_broken ("the plan changes across a save and load", NULL);

  return 0;
}
