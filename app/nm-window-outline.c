/* nm-window-outline.c: an outline drawn on the map goes to a finding
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

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "nm-finding.h"
#include "nm-map-view.h"
#include "nm-message-dialog.h"
#include "nm-tag-panel.h"
#include "nm-vocab.h"
#include "nm-window-private.h"

/* An outline shows where a finding is: it never makes one.  It goes to the
 * one finding of its region; with several, the practitioner says which;
 * with none, the practitioner is sent to tag one first. */

typedef struct
{
  NmWindow       *window;
  NmConsultation *consultation;
  GPtrArray      *findings;     /* of NmFinding, the region's */
  char           *view;
  GArray         *points;       /* of NmPoint */
} OutlineChoice;

static void
outline_choice_free (OutlineChoice *choice)
{
  g_clear_object (&choice->window);
  g_clear_object (&choice->consultation);
  g_clear_pointer (&choice->findings, g_ptr_array_unref);
  g_clear_pointer (&choice->view, g_free);
  g_clear_pointer (&choice->points, g_array_unref);
  g_free (choice);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutlineChoice, outline_choice_free)

static gboolean
consultation_has (NmConsultation *consultation,
                  NmFinding      *finding)
{
  for (guint i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    if (nm_consultation_get_finding (consultation, i) == finding)
      return TRUE;
  return FALSE;
}

static void
attach (NmWindow       *self,
        NmConsultation *consultation,
        NmFinding      *finding,
        const char     *view,
        const NmPoint  *points,
        guint           n_points)
{
  const char *one[] = { nm_finding_get_region (finding), NULL };
  NmTagPanel *panel;
  g_autofree char *message = NULL;

  /* one undo step, whatever the outline replaces */
  nm_consultation_begin_group (consultation);
  nm_consultation_set_finding_outline (consultation, finding, view, points, n_points);
  nm_consultation_end_group (consultation);

  /* the Findings panel shows the finding, outlined, ready for its
   * severity to be changed */
  nm_map_view_set_selection (nm_window_get_map_view (self), one);
  panel = nm_window_get_tag_panel (self);
  if (panel != NULL)
    nm_tag_panel_select_finding (panel, finding);

  /* Translators: %s is the kind of finding, "Rolling acne scars" */
  message = g_strdup_printf (_("Outline added to %s"), nm_vocab_kind_name (nm_finding_get_kind (finding)));
  _nm_window_toast (self, message);
}

static void
on_choice_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       OutlineChoice    *choice)
{
  guint64 index;
  NmFinding *finding;

  if (!g_str_has_prefix (response, "finding-") ||
      !g_ascii_string_to_unsigned (response + strlen ("finding-"), 10, 0,
                                   choice->findings->len - 1, &index, NULL))
    return;

  finding = g_ptr_array_index (choice->findings, index);
  /* the consultation may have changed under the dialog */
  if (nm_window_get_consultation (choice->window) != choice->consultation ||
      !consultation_has (choice->consultation, finding))
    return;
  attach (choice->window, choice->consultation, finding, choice->view,
          (const NmPoint *) (gpointer) choice->points->data, choice->points->len);
}

static void
ask_which (NmWindow       *self,
           NmConsultation *consultation,
           const char     *region,
           GPtrArray      *findings,
           const char     *view,
           const NmPoint  *points,
           guint           n_points)
{
  g_autoptr(OutlineChoice) choice = g_new0 (OutlineChoice, 1);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  choice->window = g_object_ref (self);
  choice->consultation = g_object_ref (consultation);
  choice->findings = g_ptr_array_ref (findings);
  choice->view = g_strdup (view);
  choice->points = g_array_sized_new (FALSE, FALSE, sizeof (NmPoint), n_points);
  g_array_append_vals (choice->points, points, n_points);

  /* Translators: %s is a region of the body, "Right cheek" */
  body = g_strdup_printf (_("%s has several findings. Choose the one this outline shows."),
                          nm_vocab_region_name (region));
  dialog = nm_message_dialog_new (GTK_WINDOW (self), _("Which Finding Is Outlined?"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  for (guint i = 0; i < findings->len; i++)
    {
      NmFinding *finding = g_ptr_array_index (findings, i);
      g_autofree char *id = g_strdup_printf ("finding-%u", i);
      g_autofree char *label = NULL;

      /* Translators: a button naming a finding: its kind ("Rolling acne
       * scars") and its severity, 1–4 */
      label = g_strdup_printf (_("%s, severity %u"), nm_vocab_kind_name (nm_finding_get_kind (finding)),
                               nm_finding_get_severity (finding));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), id, label);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_choice_response_cb),
                         g_steal_pointer (&choice), (GClosureNotify) (void (*) (void)) outline_choice_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * _nm_window_outline_drawn:
 * @region: the region the outline starts in
 * @view: the view it was drawn on, an id
 *
 * Puts the outline on the region's finding, asking which one if there are
 * several; with none, asks the practitioner to tag one first.
 */
void
_nm_window_outline_drawn (NmWindow      *self,
                          const char    *region,
                          const char    *view,
                          const NmPoint *points,
                          guint          n_points)
{
  NmConsultation *consultation = nm_window_get_consultation (self);
  g_autoptr(GPtrArray) findings = NULL;

  if (consultation == NULL || region == NULL)
    return;

  findings = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);

      if (g_strcmp0 (nm_finding_get_region (finding), region) == 0)
        g_ptr_array_add (findings, g_object_ref (finding));
    }

  if (findings->len == 1)
    attach (self, consultation, g_ptr_array_index (findings, 0), view, points, n_points);
  else if (findings->len > 1)
    ask_which (self, consultation, region, findings, view, points, n_points);
  else
    {
      const char *one[] = { region, NULL };
      g_autofree char *message = NULL;

      /* the region, selected in the Findings panel, ready to be tagged */
      nm_map_view_set_selection (nm_window_get_map_view (self), one);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-panel", "s", "tag");
      /* Translators: %s is a region of the body, "Right cheek" */
      message = g_strdup_printf (_("Nothing is tagged on %s: tag a finding, then outline it"),
                                 nm_vocab_region_name (region));
      _nm_window_toast (self, message);
    }
}
