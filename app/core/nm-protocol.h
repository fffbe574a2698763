/* nm-protocol.h
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

#include <gio/gio.h>

#include "nm-vocab.h"

G_BEGIN_DECLS

/* The treatment protocol: every clinical number the planner uses, as data
 * (resources/protocol.json), each citing keys of clinical/REFERENCE.md.
 * docs/protocol.md describes the format for clinics. */

#define NM_PROTOCOL_ERROR (nm_protocol_error_quark ())

typedef enum
{
  NM_PROTOCOL_ERROR_PARSE,    /* not one JSON object in UTF-8 */
  NM_PROTOCOL_ERROR_INVALID,  /* a key is missing, unknown, of the wrong type or out of range */
  NM_PROTOCOL_ERROR_VERSION,  /* a newer protocol version */
} NmProtocolError;

/* The source key a clinic's own values cite when its file gives none. */
#define NM_PROTOCOL_CLINIC_SOURCE "CLINIC"

#define NM_TYPE_PROTOCOL (nm_protocol_get_type ())
G_DECLARE_FINAL_TYPE (NmProtocol, nm_protocol, NM, PROTOCOL, GObject)

typedef struct
{
  char **sources;            /* reference keys, at least one */
  char  *note;               /* nullable */
} NmCitation;

typedef struct
{
  char       *id;
  gboolean    treat;         /* FALSE: never needled (eyelids) */
  double      max_mm;        /* deepest needle depth for the region */
  NmCitation  cite;
  gboolean    has_scar_limit;
  double      scar_max_mm;   /* limit for scar findings, when set */
  NmCitation  scar_cite;
} NmProtocolRegion;

typedef struct
{
  char       *id;            /* a finding kind id */
  gboolean    treat;         /* FALSE: never needled (keloid) */
  gboolean    refer;         /* refer to a specialist */
  NmCitation  cite;          /* why not treated, when !treat */
  double      min_mm;
  double      max_mm;
  NmCitation  depth_cite;
  guint       sessions;
  guint       interval_weeks;
  char       *schedule;      /* a schedule id */
  NmCitation  series_cite;
} NmProtocolIndication;

typedef struct
{
  char       *id;
  char       *label;
  char       *note;
} NmProtocolSchedule;

typedef enum
{
  NM_SKIN_RULE_PIGMENT_DEPTH,  /* max_mm for pigment findings */
  NM_SKIN_RULE_INTERVAL,       /* min_weeks between sessions of some schedules */
  NM_SKIN_RULE_PIH_WARNING,    /* warn about PIH with pigment findings */
  NM_SKIN_RULE_NECK_CLEARANCE, /* skin types the neck clearance covers */
  NM_N_SKIN_RULES
} NmSkinRule;

typedef struct
{
  guint       fitzpatrick_min;
  guint       fitzpatrick_max;
  double      max_mm;        /* NM_SKIN_RULE_PIGMENT_DEPTH */
  guint       min_weeks;     /* NM_SKIN_RULE_INTERVAL */
  char      **schedules;     /* NM_SKIN_RULE_INTERVAL */
  NmCitation  cite;
} NmProtocolSkinRule;

typedef struct
{
  char       *id;
  char      **regions;       /* herpes-prophylaxis: perioral regions */
  guint       min_age_years; /* under-age */
  NmCitation  cite;
} NmProtocolWarning;

GQuark                      nm_protocol_error_quark         (void);

NmProtocol                 *nm_protocol_load_default        (GError            **error);
NmProtocol                 *nm_protocol_new_from_bytes      (GBytes             *bytes,
                                                             GError            **error);
gboolean                    nm_protocol_overlay_bytes       (NmProtocol         *self,
                                                             GBytes             *bytes,
                                                             GError            **error);
gboolean                    nm_protocol_overlay_file        (NmProtocol         *self,
                                                             GFile              *clinic_file,
                                                             GError            **error);
GFile                      *nm_protocol_get_user_file       (void);
NmProtocol                 *nm_protocol_load_for_user       (GFile             **failed_file,
                                                             GError            **error);
char                       *nm_protocol_to_json             (NmProtocol         *self);
NmProtocol                 *nm_protocol_get_base            (NmProtocol         *self);
guint                       nm_protocol_get_n_loosened      (NmProtocol         *self);
const char                 *nm_protocol_get_loosened        (NmProtocol         *self,
                                                             guint               index);

double                      nm_protocol_get_device_max_mm   (NmProtocol         *self);
double                      nm_protocol_get_device_step_mm  (NmProtocol         *self);
double                      nm_protocol_get_evaluated_max_mm (NmProtocol        *self);
const NmCitation           *nm_protocol_get_device_citation (NmProtocol         *self);

const NmProtocolRegion     *nm_protocol_get_region          (NmProtocol         *self,
                                                             const char         *region_id);
const NmProtocolIndication *nm_protocol_get_indication      (NmProtocol         *self,
                                                             const char         *kind_id);
guint                       nm_protocol_get_n_schedules     (NmProtocol         *self);
const NmProtocolSchedule   *nm_protocol_get_schedule        (NmProtocol         *self,
                                                             guint               index);
int                         nm_protocol_get_schedule_index  (NmProtocol         *self,
                                                             const char         *schedule_id);
const NmProtocolSkinRule   *nm_protocol_get_skin_rule       (NmProtocol         *self,
                                                             NmSkinRule          rule);
NmScreeningClass            nm_protocol_get_screening_class (NmProtocol         *self,
                                                             const char         *item_id);
const NmCitation           *nm_protocol_get_screening_citation (NmProtocol      *self,
                                                             const char         *item_id);
const NmProtocolWarning    *nm_protocol_get_warning         (NmProtocol         *self,
                                                             const char         *warning_id);

char                       *nm_citation_format              (const NmCitation   *cite);
gboolean                    nm_reference_key_is_known       (const char         *key);

G_END_DECLS
