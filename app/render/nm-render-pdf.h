/* nm-render-pdf.h: the pages of the client's treatment plan
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

#include <cairo.h>

#include "nm-consultation.h"
#include "nm-plan.h"

G_BEGIN_DECLS

typedef enum
{
  NM_PAPER_AUTO,     /* follow the locale (LC_PAPER) */
  NM_PAPER_A4,
  NM_PAPER_LETTER
} NmPaper;

/* Everything the pages need besides the consultation and its plan; plain
 * data so that the command line can fill it without GSettings. */
typedef struct
{
  const char  *clinic_name;      /* nullable */
  const char  *clinic_address;   /* nullable; line breaks kept */
  const char  *clinic_logo;      /* nullable: path of a PNG or SVG */
  const char  *practitioner;     /* nullable: used when the consultation names none */
  NmPaper      paper;
  const GDate *today;            /* nullable: the local date */
} NmPdfOptions;

#define NM_RENDER_PDF_ERROR (nm_render_pdf_error_quark ())

typedef enum
{
  NM_RENDER_PDF_ERROR_FAILED
} NmRenderPdfError;

typedef struct _NmPdfDocument NmPdfDocument;

GQuark          nm_render_pdf_error_quark       (void);

NmPaper         nm_paper_from_locale            (void);
NmPaper         nm_paper_from_locale_name       (const char          *locale);
void            nm_paper_get_size               (NmPaper              paper,
                                                 double              *width_pt,
                                                 double              *height_pt);

NmPdfDocument  *nm_pdf_document_new             (NmConsultation      *consultation,
                                                 NmPlan              *plan,
                                                 const NmPdfOptions  *options);
NmPdfDocument  *nm_pdf_document_ref             (NmPdfDocument       *self);
void            nm_pdf_document_unref           (NmPdfDocument       *self);
guint           nm_pdf_document_get_n_pages     (NmPdfDocument       *self);
NmPaper         nm_pdf_document_get_paper       (NmPdfDocument       *self);
void            nm_pdf_document_get_page_size   (NmPdfDocument       *self,
                                                 double              *width_pt,
                                                 double              *height_pt);
const char     *nm_pdf_document_get_page_title  (NmPdfDocument       *self,
                                                 guint                page);
gboolean        nm_pdf_document_page_is_map     (NmPdfDocument       *self,
                                                 guint                page);

void            nm_render_pdf_page              (cairo_t             *cr,
                                                 NmPdfDocument       *doc,
                                                 guint                page,
                                                 double               width,
                                                 double               height);
gboolean        nm_render_pdf_write             (NmPdfDocument       *doc,
                                                 cairo_write_func_t   write_func,
                                                 gpointer             closure,
                                                 GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NmPdfDocument, nm_pdf_document_unref)

G_END_DECLS
