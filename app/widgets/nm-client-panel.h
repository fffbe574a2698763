/* nm-client-panel.h
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nm-consultation.h"
#include "nm-plan.h"

G_BEGIN_DECLS

/* How dates are typed and shown in the panel: the locale's usual form,
 * stored as ISO 8601 whatever was typed. */
typedef enum
{
  NM_DATE_ENTRY_ISO,   /* YYYY-MM-DD */
  NM_DATE_ENTRY_DMY,   /* DD.MM.YYYY, DD/MM/YYYY or DD-MM-YYYY */
  NM_DATE_ENTRY_MDY    /* MM/DD/YYYY */
} NmDateEntryOrder;

typedef struct
{
  NmDateEntryOrder order;              /* how dates are shown */
  char             separator;          /* '-', '.' or '/' */
  gboolean         slash_month_first;  /* how a date typed with slashes is read */
} NmDateEntryStyle;

void        nm_date_entry_style_for_locale (NmDateEntryStyle       *style);
char       *nm_date_entry_parse            (const NmDateEntryStyle *style,
                                            const char             *text);
char       *nm_date_entry_format           (const NmDateEntryStyle *style,
                                            const char             *iso);
const char *nm_date_entry_hint             (const NmDateEntryStyle *style);
typedef void (*NmDatePicked) (GtkEditable *entry,
                              gpointer     user_data);
GtkWidget  *nm_date_button_new             (GtkEditable            *entry,
                                            int                     years_back,
                                            NmDatePicked            picked,
                                            gpointer                picked_data);

#define NM_TYPE_CLIENT_PANEL (nm_client_panel_get_type ())

G_DECLARE_FINAL_TYPE (NmClientPanel, nm_client_panel, NM, CLIENT_PANEL, GtkWidget)

GtkWidget *nm_client_panel_new              (void);
void       nm_client_panel_set_consultation (NmClientPanel  *self,
                                             NmConsultation *consultation);
void       nm_client_panel_set_plan         (NmClientPanel  *self,
                                             NmPlan         *plan);
void       nm_client_panel_commit           (NmClientPanel  *self);

G_END_DECLS
