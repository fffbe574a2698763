/* nm-texts.h: plain-language texts shared by the screen, the PDF and the
 * client presentation
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

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every text here is for clients, cites the keys of clinical/REFERENCE.md
 * it rests on, and takes the more cautious advice where sources differ.
 * Strings are returned translated. */

typedef enum
{
  NM_AFTERCARE_DO,
  NM_AFTERCARE_DONT,
  NM_AFTERCARE_CONTACT       /* when to call the clinic */
} NmAftercareKind;

typedef struct
{
  NmAftercareKind  kind;
  const char      *text;      /* translated */
  const char      *sources;   /* reference keys, e.g. "DQ, MON" */
} NmAftercareItem;

typedef enum
{
  NM_HEALING_INFLAMMATION,
  NM_HEALING_PROLIFERATION,
  NM_HEALING_REMODELLING,
  NM_N_HEALING_PHASES
} NmHealingPhase;

typedef struct
{
  const char *name;           /* translated, e.g. "Inflammation" */
  const char *timing;         /* translated, e.g. "From about day 3 to week 8" */
  const char *underneath;     /* translated: what happens in the skin */
  double      start_day;      /* days after a session */
  double      end_day;
  const char *sources;
} NmHealingPhaseInfo;

/* What the client may notice, by time after a session. */
typedef struct
{
  double      start_day;
  double      end_day;
  const char *when;           /* translated, e.g. "Days 1–2" */
  const char *text;           /* translated */
  const char *sources;
} NmHealingSign;

guint                     nm_texts_n_aftercare      (void);
NmAftercareItem           nm_texts_aftercare        (guint          index);

NmHealingPhaseInfo        nm_texts_healing_phase    (NmHealingPhase phase);
guint                     nm_texts_n_healing_signs  (void);
NmHealingSign             nm_texts_healing_sign     (guint          index);

const char               *nm_texts_not_a_promise    (void);
const char               *nm_texts_channels_close   (void);

G_END_DECLS
