/* nm-export.h: the treatment plan as PDF and the sessions as iCalendar
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

#include "nm-consultation.h"
#include "nm-ics.h"
#include "nm-plan.h"
#include "nm-render-pdf.h"

G_BEGIN_DECLS

/* The clinic's settings as plain data, read from GSettings when the schema
 * is installed (never required: the command line works without it). */
typedef struct
{
  char     *clinic_name;
  char     *clinic_address;
  char     *clinic_logo;
  char     *practitioner;
  NmPaper   paper;
  gboolean  include_client_name;
} NmExportSettings;

void      nm_export_settings_load      (NmExportSettings    *settings,
                                        GSettings           *gsettings);
void      nm_export_settings_clear     (NmExportSettings    *settings);
void      nm_export_settings_pdf_options (const NmExportSettings *settings,
                                        NmPdfOptions        *options);

GBytes   *nm_export_pdf_bytes          (NmConsultation      *consultation,
                                        NmPlan              *plan,
                                        const NmPdfOptions  *options,
                                        GError             **error);
gboolean  nm_export_pdf                (NmConsultation      *consultation,
                                        NmPlan              *plan,
                                        const NmPdfOptions  *options,
                                        GFile               *out,
                                        GError             **error);
gboolean  nm_export_ics                (NmConsultation      *consultation,
                                        NmPlan              *plan,
                                        const NmIcsOptions  *options,
                                        GFile               *out,
                                        GError             **error);
gboolean  nm_export_write_atomically   (GFile               *out,
                                        GBytes              *bytes,
                                        GError             **error);
gboolean  nm_export_check_target       (GFile               *out,
                                        GFile               *input,
                                        GError             **error);
gboolean  nm_export_check_command_target (GFile             *out,
                                        const char          *out_path,
                                        const char          *path,
                                        GString             *err);

typedef enum
{
  NM_EXPORT_PDF,
  NM_EXPORT_ICS,
  NM_EXPORT_PRINT_DOCUMENT
} NmExportKind;

void      nm_export_async              (NmExportKind         kind,
                                        NmConsultation      *consultation,
                                        NmPlan              *plan,
                                        GSettings           *gsettings,
                                        const GDate         *today,
                                        GFile               *out,
                                        GFile               *input,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  nm_export_finish             (GAsyncResult        *result,
                                        GError             **error);
NmPdfDocument *nm_export_print_document_finish (GAsyncResult *result,
                                        GError             **error);

int       nm_export_pdf_command        (const char          *out_path,
                                        const char          *path,
                                        const char          *today_iso,
                                        GString             *err);
int       nm_export_ics_command        (const char          *out_path,
                                        const char          *path,
                                        const char          *today_iso,
                                        GString             *err);

G_END_DECLS
