/* nm-gs1.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* GS1 element strings as printed under a needle cartridge's barcode,
 * "(01)GTIN(17)YYMMDD(10)LOT", or as a USB scanner types the barcode
 * itself: "01…17…10…" with the group separator (0x1D) after a field of
 * variable length. See nm-gs1.c for what is accepted. */

#define NM_GS1_LOT_MAX 20   /* AI 10: up to 20 characters of CSET 82 */

typedef struct
{
  char gtin[15];     /* AI 01: 14 digits, check digit verified; "" when absent */
  char expiry[11];   /* AI 17: YYYY-MM-DD (day 00 → the month's last day); "" when absent */
  char lot[NM_GS1_LOT_MAX + 1];  /* AI 10; "" when absent */
} NmGs1Code;

#define NM_GS1_ERROR (nm_gs1_error_quark ())
GQuark nm_gs1_error_quark (void);

typedef enum
{
  NM_GS1_ERROR_INVALID,
} NmGs1Error;

gboolean nm_gs1_parse          (const char *text,
                                int         this_year,
                                NmGs1Code  *code,
                                GError    **error);
gboolean nm_gs1_looks_like_code (const char *text);
gboolean nm_gs1_gtin_is_valid  (const char *gtin);
gboolean nm_gs1_lot_is_valid   (const char *lot);

G_END_DECLS
