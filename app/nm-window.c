/* nm-window.c: the consultation window
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

#include <glib/gi18n.h>
#include <math.h>

#include "nm-message-dialog.h"
#include "nm-client-panel.h"
#include "nm-education-window.h"
#include "nm-file.h"
#include "nm-finding.h"
#include "nm-history.h"
#include "nm-map-view.h"
#include "nm-plan-panel.h"
#include "nm-planner.h"
#include "nm-protocol.h"
#include "nm-recovery.h"
#include "nm-schedule-view.h"
#include "nm-screening-panel.h"
#include "nm-tag-panel.h"
#include "nm-window.h"
#include "nm-window-private.h"

struct _NmWindow
{
  AdwApplicationWindow  parent_instance;

  /* What the window shows: the document owns the file, its state, the
   * recovery copy and the plan. These two are the document's, kept here
   * for the many places that read them. */
  NmDocument           *document;
  NmConsultation       *consultation;
  NmPlan               *plan;
  GSettings            *settings;
  NmProtocol           *protocol;
  guint                 closing_confirmed : 1;
  guint                 discard_confirmed : 1;
  guint                 close_when_idle : 1;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;       /* the whole window: the welcome page */
  GtkStack             *stack;
  AdwBin               *workspace_bin;

  /* The workspace's widgets (nm-workspace.ui): NULL until a consultation
   * is first shown (nm_window_ensure_workspace()), then there whenever
   * self->consultation is. */
  AdwToastOverlay      *main_toast_overlay;  /* the map or the schedule */
  AdwToast             *undo_toast;          /* what the last undo or redo changed (weak) */
  GHashTable           *region_views;        /* interned region → the view it was last selected in, + 1 */
  AdwViewStack         *side_stack;
  NmMapView            *map_view;
  NmTagPanel           *tag_panel;
  NmClientPanel        *client_panel;
  NmScreeningPanel     *screening_panel;
  NmPlanPanel          *plan_panel;
  NmScheduleView       *schedule_view;
  GtkWidget            *main_switcher;
  GtkMenuButton        *primary_menu_button;
  GMenuModel           *primary_menu;
  GtkInfoBar           *changed_bar;
  GtkLabel             *changed_label;
  GtkWidget            *reload_button;
  GtkInfoBar           *recovery_bar;
  GtkLabel             *recovery_label;
  GtkMenuButton        *status_button;
  GtkImage             *status_icon;
  GtkLabel             *status_label;
  GtkLabel             *status_heading;
  GtkLabel             *status_reasons;
  GtkWidget            *status_action;
  GtkScrolledWindow    *status_scroller;
  GtkSpinner           *save_spinner;

  GtkWindow            *help_overlay;        /* built when first shown */
};

G_DEFINE_FINAL_TYPE (NmWindow, nm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONSULTATION,
  PROP_FILE,
  PROP_MODIFIED,
  PROP_PLAN,
  PROP_VIEW,
  PROP_LAYER,
  PROP_TOOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


static void on_document_replaced_cb (NmWindow   *self,
                                     GParamSpec *pspec,
                                     NmDocument *document);

static void nm_window_ask_overwrite (NmWindow *self);
static gboolean nm_window_offer_copy (NmWindow     *self,
                                      const GError *error);
static void nm_window_save_as       (NmWindow *self);

static void on_reloaded_cb              (GObject       *source,
                                         GAsyncResult  *result,
                                         gpointer       user_data);
static void on_map_selection_changed_cb (NmWindow      *self,
                                         NmMapView     *map_view);
static void on_map_region_tagged_cb     (NmWindow      *self,
                                         const char    *region,
                                         NmMapView     *map_view);
static void on_map_outline_drawn_cb     (NmWindow      *self,
                                         const char    *region,
                                         const NmPoint *points,
                                         guint          n_points,
                                         NmMapView     *map_view);
static void on_map_notify_cb            (NmWindow      *self,
                                         GParamSpec    *pspec,
                                         NmMapView     *map_view);

static const char *layer_ids[] = { "findings", "depth" };
static const char *tool_ids[] = { "select", "brush", "outline" };

static void
nm_window_update_title (NmWindow *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *title = self->consultation != NULL ? nm_consultation_dup_title (self->consultation)
                                                      : g_strdup (_("Needlemap"));

  adw_window_title_set_title (self->window_title, title);

  if (self->document != NULL && nm_document_get_busy (self->document))
    subtitle = g_strdup (_("Saving…"));
  else if (nm_window_get_file (self) != NULL)
    {
      g_autofree char *basename = g_file_get_basename (nm_window_get_file (self));

      subtitle = nm_window_get_modified (self) ? g_strdup_printf ("• %s", basename) : g_steal_pointer (&basename);
    }
  else if (self->consultation != NULL)
    subtitle = g_strdup (nm_window_get_modified (self) ? _("Not saved") : "");

  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_window_set_title (GTK_WINDOW (self),
                        adw_window_title_get_title (self->window_title));
}

static void
nm_window_update_actions (NmWindow *self)
{
  gboolean have = self->consultation != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 have && nm_consultation_can_undo (self->consultation));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 have && nm_consultation_can_redo (self->consultation));
}

/* Loads the built-in protocol with the clinic's own file over it (the one
 * chosen in Preferences, else the one in the user's config folder), as the
 * command line does. A clinic file that cannot be used is said in a dialog,
 * and no plan is made until it is mended or removed: planning with the
 * built-in rules instead would drop the clinic's stricter ones. */
static void
nm_window_load_protocol (NmWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) failed = NULL;

  g_clear_object (&self->protocol);
  self->protocol = nm_protocol_load_for_user (&failed, &error);
  if (self->protocol != NULL)
    return;

  if (failed == NULL)
    {
      g_critical ("The built-in protocol is broken: %s", error->message);
      return;
    }

  {
    g_autofree char *name = g_file_get_parse_name (failed);
    g_autofree char *body = g_strdup_printf (_("%s: %s\n\nNo plan is made until the file is mended, "
                                               "or another one is chosen in Preferences."),
                                             name, error->message);

    _nm_window_show_error (self, _("The Clinic Protocol Cannot Be Used"), body);
  }
}

/* The status button shows one of the plan's five states, each with its own
 * icon and colour: an unfinished screening or a missing skin type never
 * looks like a precaution answered yes, nor like Ready. The popover says
 * why, and its button goes to where the practitioner acts on it. */
#define STATUS_POPOVER_WIDTH      340
#define STATUS_POPOVER_MAX_HEIGHT 360

static const char *status_classes[] = { "success", "warning", "incomplete", "needs-skin-type", "error" };

/* The popover's reasons come in groups, each under a heading of its own,
 * so that a warning is never read as one more unanswered question. Plain
 * bullets: an emoji such as ⛔ shows as an empty box without an emoji font. */
static void
append_status_heading (GString    *reasons,
                       const char *heading)
{
  g_autofree char *escaped = g_markup_escape_text (heading, -1);

  if (reasons->len > 0)
    g_string_append (reasons, "\n\n");
  g_string_append_printf (reasons, "<b>%s</b>", escaped);
}

static void
append_status_line (GString    *reasons,
                    const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append_printf (reasons, "\n• %s", escaped);
}

static void
nm_window_update_status (NmWindow *self)
{
  g_autoptr(GString) reasons = g_string_new (NULL);
  g_autofree char *label_text = NULL;
  const char *heading, *icon, *action_label = NULL;
  const char * const *unanswered;
  NmPlanState state;
  guint n_unanswered, n_warnings = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->status_button), self->plan != NULL);
  if (self->plan == NULL)
    return;

  state = nm_plan_get_state (self->plan);
  unanswered = nm_plan_get_unanswered (self->plan);
  n_unanswered = unanswered != NULL ? g_strv_length ((char **) unanswered) : 0;
  switch (state)
    {
    case NM_PLAN_STATE_BLOCKED:
      /* a lifelong condition never becomes "now" */
      if (nm_plan_has_lifelong_block (self->plan))
        {
          label_text = g_strdup (_("Not suitable"));
          heading = _("Not suitable: do not needle");
        }
      else
        {
          label_text = g_strdup (_("Not suitable now"));
          heading = _("Not suitable now: do not needle");
        }
      icon = "dialog-error-symbolic";
      action_label = _("Show the _Plan");
      break;

    case NM_PLAN_STATE_NO_SKIN_TYPE:
      label_text = g_strdup (_("Skin type needed"));
      heading = _("Choose the client’s skin type: it sets the safe depths");
      icon = "avatar-default-symbolic";
      action_label = _("Choose the _Skin Type");
      break;

    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
      label_text = g_strdup_printf (ngettext ("Screening not finished: %u question",
                                              "Screening not finished: %u questions",
                                              n_unanswered), n_unanswered);
      heading = _("Finish the screening before the plan is used");
      icon = "dialog-question-symbolic";
      action_label = _("Go to the _Screening");
      break;

    case NM_PLAN_STATE_PRECAUTIONS:
      label_text = g_strdup (_("With precautions"));
      heading = _("Suitable with precautions: heed each one");
      icon = "dialog-warning-symbolic";
      action_label = _("Show the _Plan");
      break;

    case NM_PLAN_STATE_READY:
    default:
      state = NM_PLAN_STATE_READY;
      label_text = g_strdup (_("Ready"));
      heading = _("Nothing stands in the way of this plan");
      icon = "emblem-ok-symbolic";
      break;
    }

  if (nm_plan_get_n_blocked_by (self->plan) > 0)
    /* Translators: a heading in the plan status popover, over the
     * contraindications that block the plan */
    append_status_heading (reasons, _("Stands in the way"));
  for (guint i = 0; i < nm_plan_get_n_blocked_by (self->plan); i++)
    {
      const NmPlanBlock *block = nm_plan_get_blocked_by (self->plan, i);

      if (block->lifelong)
        {
          /* Translators: a reason the plan is blocked, and that the
           * condition does not pass (a keloid tendency, a bleeding disorder) */
          g_autofree char *text = g_strdup_printf (_("%s Lifelong: this does not pass with time."),
                                                   block->message);
          append_status_line (reasons, text);
        }
      else
        append_status_line (reasons, block->message);
    }
  if (n_unanswered > 0)
    {
      /* Translators: a heading in the plan status popover, over the
       * screening questions not answered yet */
      append_status_heading (reasons, _("Not answered yet"));
      for (guint i = 0; i < n_unanswered; i++)
        append_status_line (reasons, nm_vocab_screening_question (unanswered[i]));
    }
  for (guint i = 0; i < nm_plan_get_n_warnings (self->plan); i++)
    {
      const NmPlanWarning *warning = nm_plan_get_warning (self->plan, i);

      /* the unanswered questions are listed above, one by one */
      if (n_unanswered > 0 && g_strcmp0 (warning->id, "screening-incomplete") == 0)
        continue;
      if (n_warnings++ == 0)
        /* Translators: a heading in the plan status popover, over the
         * plan's warnings */
        append_status_heading (reasons, _("Precautions"));
      if (warning->region != NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s: %s", nm_vocab_region_name (warning->region),
                                                   warning->message);
          append_status_line (reasons, text);
        }
      else
        append_status_line (reasons, warning->message);
    }
  if (reasons->len == 0)
    {
      g_autofree char *escaped = g_markup_escape_text (state == NM_PLAN_STATE_NO_SKIN_TYPE
                                                         ? _("Choose it in the Client panel.")
                                                         : _("No contraindication and no warning."), -1);

      g_string_append (reasons, escaped);
    }

  gtk_label_set_text (self->status_label, label_text);
  gtk_image_set_from_icon_name (self->status_icon, icon);
  gtk_label_set_text (self->status_heading, heading);
  gtk_label_set_markup (self->status_reasons, reasons->str);
  {
    /* A scrolled window asks its child for a height without a width, which
     * a wrapping label answers with one line a paragraph: ask for the
     * popover's width (its box's width-request) instead. */
    int natural = 0;

    gtk_widget_measure (GTK_WIDGET (self->status_reasons), GTK_ORIENTATION_VERTICAL,
                        STATUS_POPOVER_WIDTH, NULL, &natural, NULL, NULL);
    gtk_scrolled_window_set_min_content_height (self->status_scroller,
                                                MIN (natural, STATUS_POPOVER_MAX_HEIGHT));
  }
  gtk_widget_set_visible (self->status_action, action_label != NULL);
  if (action_label != NULL)
    gtk_button_set_label (GTK_BUTTON (self->status_action), action_label);
  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    if (i != (guint) state)
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_button), status_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_button), status_classes[state]);
}

static void
on_status_action_clicked_cb (NmWindow  *self,
                             GtkButton *button)
{
  const char *page = "plan";

  if (self->plan == NULL)
    return;
  switch (nm_plan_get_state (self->plan))
    {
    case NM_PLAN_STATE_NO_SKIN_TYPE:
      page = "client";
      break;
    case NM_PLAN_STATE_SCREENING_INCOMPLETE:
      page = "screening";
      break;
    case NM_PLAN_STATE_READY:
    case NM_PLAN_STATE_PRECAUTIONS:
    case NM_PLAN_STATE_BLOCKED:
    default:
      break;
    }
  gtk_menu_button_popdown (self->status_button);
  adw_view_stack_set_visible_child_name (self->side_stack, page);
}

/* The document made a new plan: every view of it follows. */
static void
nm_window_show_plan (NmWindow *self)
{
  NmPlan *plan = self->document != NULL ? nm_document_get_plan (self->document) : NULL;

  if (self->document != NULL)
    {
      GDate today;

      nm_document_get_today (self->document, &today);
      nm_schedule_view_set_today (self->schedule_view, &today);
    }

  g_clear_pointer (&self->plan, nm_plan_unref);
  self->plan = plan != NULL ? nm_plan_ref (plan) : NULL;
  nm_map_view_set_plan (self->map_view, self->plan);
  nm_plan_panel_set_plan (self->plan_panel, self->plan);
  nm_client_panel_set_plan (self->client_panel, self->plan);
  nm_schedule_view_set_plan (self->schedule_view, self->plan);
  nm_window_update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
}

static void
on_document_plan_cb (NmWindow   *self,
                     GParamSpec *pspec,
                     NmDocument *document)
{
  nm_window_show_plan (self);
}

static void
on_document_state_cb (NmWindow   *self,
                      GParamSpec *pspec,
                      NmDocument *document)
{
  gboolean busy = nm_document_get_busy (document);

  gtk_widget_set_visible (GTK_WIDGET (self->save_spinner), busy);
  gtk_spinner_set_spinning (self->save_spinner, busy);
  nm_window_update_title (self);
  nm_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  if (g_strcmp0 (pspec->name, "file") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);

  /* Closing waits for a save in progress, then closes or asks again. */
  if (!busy && self->close_when_idle)
    {
      self->close_when_idle = FALSE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
on_consultation_changed_cb (NmWindow       *self,
                            NmConsultation *consultation)
{
  nm_window_update_title (self);
  nm_window_update_actions (self);
}

/* Another program wrote the file, or took it away: say so, and offer to
 * reload, the way GNOME Text Editor does. The document tells its own saves
 * from someone else's by their etag. */
static void
on_document_disk_state_cb (NmWindow   *self,
                           GParamSpec *pspec,
                           NmDocument *document)
{
  switch (nm_document_get_disk_state (document))
    {
    case NM_DOCUMENT_DISK_DELETED:
      gtk_label_set_text (self->changed_label,
                          _("This consultation was deleted or moved by another program. "
                            "Saving writes it again here."));
      gtk_widget_set_visible (self->reload_button, FALSE);
      gtk_info_bar_set_revealed (self->changed_bar, TRUE);
      break;

    case NM_DOCUMENT_DISK_CHANGED:
      gtk_label_set_text (self->changed_label,
                          _("This consultation was changed on disk by another program."));
      gtk_widget_set_visible (self->reload_button, TRUE);
      gtk_info_bar_set_revealed (self->changed_bar, TRUE);
      break;

    case NM_DOCUMENT_DISK_IN_SYNC:
    default:
      gtk_info_bar_set_revealed (self->changed_bar, FALSE);
      break;
    }
}

/* What keeps the recovery copy from being written, in the user's words:
 * a full disk, no permission, or what else the error says. */
static char *
recovery_problem (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return g_strdup (_("Unsaved work can’t be protected: the disk is full. "
                       "Free some space or save the consultation."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_PERM) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ROFS))
    return g_strdup (_("Unsaved work can’t be protected: Needlemap is not allowed to write "
                       "its recovery copy. Save the consultation to keep your changes."));

  if (error->domain == NM_FILE_ERROR)
    /* Translators: %s says which field and what is wrong with it, for
     * example “client.notes: longer than 10000 characters” */
    return g_strdup_printf (_("Changes from now on can’t be restored after a crash: %s. "
                              "The last copy that can be restored is kept."), error->message);

  /* Translators: %s is the system's reason */
  return g_strdup_printf (_("Unsaved work can’t be protected: its recovery copy could not be "
                            "written (%s). Save the consultation to keep your changes."),
                          error->message);
}

/* A recovery copy that cannot be written is never silent (issue 13). */
static void
on_document_recovery_error_cb (NmWindow   *self,
                               GParamSpec *pspec,
                               NmDocument *document)
{
  const GError *error = document != NULL ? nm_document_get_recovery_error (document) : NULL;

  if (error != NULL)
    {
      g_autofree char *text = recovery_problem (error);

      gtk_label_set_text (self->recovery_label, text);
    }
  gtk_info_bar_set_revealed (self->recovery_bar, error != NULL);
}

static void sync_toast_targets (NmWindow *self);

/* Builds the workspace (the map, the schedule and the side panel) when a
 * consultation is first shown: at start-up the window shows the welcome
 * page alone, and its first frame comes sooner without them. */
static void
nm_window_ensure_workspace (NmWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GtkBuilderScope) scope = NULL;
  g_autoptr(GError) error = NULL;

  if (self->map_view != NULL)
    return;

  scope = gtk_builder_cscope_new ();
  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "on_map_selection_changed_cb", G_CALLBACK (on_map_selection_changed_cb),
                                           "on_map_region_tagged_cb", G_CALLBACK (on_map_region_tagged_cb),
                                           "on_map_outline_drawn_cb", G_CALLBACK (on_map_outline_drawn_cb),
                                           NULL);
  builder = gtk_builder_new ();
  gtk_builder_set_scope (builder, scope);
  /* the swapped handlers get the window */
  gtk_builder_set_current_object (builder, G_OBJECT (self));
  gtk_builder_set_translation_domain (builder, GETTEXT_PACKAGE);
  if (!gtk_builder_add_from_resource (builder, RESOURCE_BASE "/nm-workspace.ui", &error))
    g_error ("Cannot build the workspace: %s", error->message);  /* a build bug */

  self->main_toast_overlay = ADW_TOAST_OVERLAY (gtk_builder_get_object (builder, "main_toast_overlay"));
  self->side_stack = ADW_VIEW_STACK (gtk_builder_get_object (builder, "side_stack"));
  self->map_view = NM_MAP_VIEW (gtk_builder_get_object (builder, "map_view"));
  self->tag_panel = NM_TAG_PANEL (gtk_builder_get_object (builder, "tag_panel"));
  self->client_panel = NM_CLIENT_PANEL (gtk_builder_get_object (builder, "client_panel"));
  self->screening_panel = NM_SCREENING_PANEL (gtk_builder_get_object (builder, "screening_panel"));
  self->plan_panel = NM_PLAN_PANEL (gtk_builder_get_object (builder, "plan_panel"));
  self->schedule_view = NM_SCHEDULE_VIEW (gtk_builder_get_object (builder, "schedule_view"));
  adw_bin_set_child (self->workspace_bin, GTK_WIDGET (gtk_builder_get_object (builder, "workspace")));
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (self->main_switcher),
                                GTK_STACK (gtk_builder_get_object (builder, "main_stack")));

  g_signal_connect_object (self->map_view, "notify", G_CALLBACK (on_map_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_builder_get_object (builder, "main_stack"), "notify::visible-child",
                           G_CALLBACK (sync_toast_targets), self, G_CONNECT_SWAPPED);
}

/**
 * nm_window_set_document:
 * @document: (nullable): what to show, %NULL for the welcome page
 *
 * Shows @document. Whatever the window showed before is let go: callers
 * ask first when it holds unsaved work.
 */
void
nm_window_set_document (NmWindow   *self,
                        NmDocument *document)
{
  NmConsultation *consultation;

  g_return_if_fail (NM_IS_WINDOW (self));
  g_return_if_fail (document == NULL || NM_IS_DOCUMENT (document));

  nm_window_ensure_workspace (self);

  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (self->consultation, self);
      if (self->document != document)
        nm_document_drop_recovery (self->document);
    }
  g_set_object (&self->document, document);
  consultation = document != NULL ? nm_document_get_consultation (document) : NULL;
  g_set_object (&self->consultation, consultation);

  if (document != NULL)
    {
      nm_document_set_translate (document, TRUE);
      nm_document_set_protocol (document, self->protocol);
      g_signal_connect_object (document, "notify::plan", G_CALLBACK (on_document_plan_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::modified", G_CALLBACK (on_document_state_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::busy", G_CALLBACK (on_document_state_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::file", G_CALLBACK (on_document_state_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::disk-state", G_CALLBACK (on_document_disk_state_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::consultation", G_CALLBACK (on_document_replaced_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (document, "notify::recovery-error", G_CALLBACK (on_document_recovery_error_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (consultation, "changed", G_CALLBACK (on_consultation_changed_cb),
                               self, G_CONNECT_SWAPPED);
      on_document_disk_state_cb (self, NULL, document);
    }
  else
    gtk_info_bar_set_revealed (self->changed_bar, FALSE);
  on_document_recovery_error_cb (self, NULL, document);

  nm_map_view_set_consultation (self->map_view, consultation);
  nm_tag_panel_set_consultation (self->tag_panel, consultation);
  nm_tag_panel_set_regions (self->tag_panel, NULL);
  nm_client_panel_set_consultation (self->client_panel, consultation);
  nm_screening_panel_set_consultation (self->screening_panel, consultation);
  nm_plan_panel_set_consultation (self->plan_panel, consultation);
  nm_schedule_view_set_consultation (self->schedule_view, consultation);
  gtk_widget_set_visible (self->main_switcher, consultation != NULL);
  gtk_stack_set_visible_child_name (self->stack, consultation != NULL ? "consultation" : "welcome");
  /* A new client starts with who they are; an opened file with the map. */
  if (consultation != NULL)
    adw_view_stack_set_visible_child_name (self->side_stack,
                                      nm_consultation_get_fitzpatrick (consultation) == 0 ? "client" : "tag");
  nm_window_show_plan (self);

  gtk_widget_set_visible (GTK_WIDGET (self->save_spinner), FALSE);
  nm_window_update_title (self);
  nm_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSULTATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/* A reload put a new consultation in the same document. */
static void
on_document_replaced_cb (NmWindow   *self,
                         GParamSpec *pspec,
                         NmDocument *document)
{
  g_autoptr(NmDocument) same = g_object_ref (document);

  nm_window_set_document (self, same);
}

void
_nm_window_show_error (NmWindow   *self,
                      const char *heading,
                      const char *body)
{
  GtkWidget *dialog;

  dialog = nm_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What is typed in a field and not applied yet goes into the consultation
 * before it is saved, exported or closed. */
void
_nm_window_commit_edits (NmWindow *self)
{
  if (self->consultation != NULL)
    {
      nm_client_panel_commit (self->client_panel);
      nm_schedule_view_commit (self->schedule_view);
    }
}

/* While a drawing tool (Brush, Outline) is on over the map, a toast lets
 * the pointer through to the map under it: a stroke or an outline started
 * there is drawn, not swallowed by the toast (Ctrl+Z still undoes what the
 * toast offers to). With Select, or over the schedule, its buttons work. */
static void
sync_toast_targets (NmWindow *self)
{
  GtkStack *main_stack;
  gboolean drawing;

  if (self->main_toast_overlay == NULL || self->map_view == NULL || self->main_switcher == NULL)
    return;
  main_stack = gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (self->main_switcher));
  drawing = nm_map_view_get_tool (self->map_view) != NM_MAP_TOOL_SELECT &&
            (main_stack == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "map") == 0);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->main_toast_overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0)
      gtk_widget_set_can_target (child, !drawing);
}

static gboolean
sync_toast_targets_idle (gpointer data)
{
  sync_toast_targets (data);
  return G_SOURCE_REMOVE;
}

/* A toast queued behind another is shown when that one goes. */
static void
on_toast_dismissed_cb (AdwToast *toast,
                       NmWindow *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, sync_toast_targets_idle, g_object_ref (self), g_object_unref);
}

/* A consultation's toasts show under the map or the schedule, not centred
 * on the whole window, where they covered the controls at the end of the
 * rows beside them (a logged session's Remove button) and the side panel. */
static void
nm_window_add_toast (NmWindow *self,
                     AdwToast *toast)
{
  AdwToastOverlay *overlay = self->toast_overlay;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "consultation") == 0)
    overlay = self->main_toast_overlay;
  if (overlay == self->main_toast_overlay)
    g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (overlay, toast);
  if (overlay == self->main_toast_overlay)
    sync_toast_targets (self);
}

void
_nm_window_toast (NmWindow   *self,
                 const char *message)
{
  nm_window_add_toast (self, adw_toast_new (message));
}

/* A millimetre setting as the device's dial shows it: whole hundredths,
 * never 0.30000000000000004 from a spin button's sum. */
static double
round_mm (double mm)
{
  return round (mm * 100.0) / 100.0;
}

/* A new consultation is planned for the device in Preferences, and keeps it
 * (plan.device) when Preferences change later. Starting is not an edit: the
 * new consultation is neither modified nor undoable back to no device. */
static void
nm_window_apply_device_defaults (NmWindow       *self,
                                 NmConsultation *consultation)
{
  double max_mm = round_mm (g_settings_get_double (self->settings, "device-max-depth"));
  double step_mm = round_mm (g_settings_get_double (self->settings, "device-depth-step"));

  g_assert (!nm_consultation_can_undo (consultation));

  if (max_mm > 0.0)
    nm_consultation_set_device_max_mm (consultation, MIN (max_mm, NM_DEVICE_MAX_MM_LIMIT));
  if (step_mm > 0.0)
    nm_consultation_set_device_step_mm (consultation, CLAMP (step_mm, NM_DEVICE_STEP_MM_MIN,
                                                             NM_DEVICE_STEP_MM_MAX));
  nm_history_clear (nm_consultation_get_history (consultation));
}

void
nm_window_new_consultation (NmWindow *self)
{
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmDocument) document = NULL;

  g_return_if_fail (NM_IS_WINDOW (self));

  consultation = nm_consultation_new ();
  nm_window_apply_device_defaults (self, consultation);
  document = nm_document_new (consultation, NULL);
  nm_window_set_document (self, document);
}

/* Opening: the file is read on a worker thread into a document; only a
 * document read whole is shown. */

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NmWindow *self = g_task_get_source_object (task);
  g_autoptr(NmDocument) document = NULL;
  GError *error = NULL;

  document = nm_document_load_finish (result, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  nm_window_set_document (self, document);
  g_task_return_boolean (task, TRUE);
}

/**
 * nm_window_open_async:
 * @file: a consultation file
 *
 * Reads @file without blocking the window and shows it here. On failure
 * the window keeps what it showed.
 */
void
nm_window_open_async (NmWindow            *self,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (NM_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nm_window_open_async);
  nm_document_load_async (file, cancellable, open_cb, task);
}

gboolean
nm_window_open_finish (NmWindow      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Saving: a snapshot is written on a worker thread; the header bar shows
 * it, and edits made meanwhile stay unsaved. */

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!nm_document_save_finish (NM_DOCUMENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * nm_window_save_async:
 * @file: (nullable): where; %NULL for the document's own file
 */
void
nm_window_save_async (NmWindow            *self,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (NM_IS_WINDOW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nm_window_save_async);
  if (self->document == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no consultation to save"));
      g_object_unref (task);
      return;
    }
  nm_document_save_async (self->document, file, cancellable, save_cb, task);
}

gboolean
nm_window_save_finish (NmWindow      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Opens @file through the application, which knows every window: a file
 * already open is brought forward, one that cannot be read is reported
 * here, and a good one goes here when this window holds nothing worth
 * keeping, or else into a new window, the way GNOME's document
 * applications do. */
static void
nm_window_open_file (NmWindow *self,
                     GFile    *file)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app != NULL)
    g_application_open (app, &file, 1, "");
  else
    nm_window_open_async (self, file, NULL, NULL, NULL);
}

static GtkFileFilter *
consultation_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Needlemap Consultations"));
  gtk_file_filter_add_mime_type (filter, "application/x-needlemap");
  gtk_file_filter_add_pattern (filter, "*.needlemap");
  return filter;
}

/* The folder the file dialogs open in: the current file's, else the last
 * one a dialog chose in this run, else Documents (else home), never the
 * process's working directory. The last folder is kept in memory only: a
 * folder's name can name a client, so it is not written to the settings. */
static GFile *last_dialog_folder;

/**
 * nm_window_dup_dialog_folder:
 * @self: (nullable): the window the dialog is for
 *
 * Returns: (transfer full): the folder a file dialog of @self opens in
 */
GFile *
nm_window_dup_dialog_folder (NmWindow *self)
{
  GFile *file = self != NULL ? nm_window_get_file (self) : NULL;
  GFile *parent = file != NULL ? g_file_get_parent (file) : NULL;
  const char *documents;

  if (parent != NULL)
    return parent;
  if (last_dialog_folder != NULL)
    return g_object_ref (last_dialog_folder);
  documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (documents);
  return g_file_new_for_path (g_get_home_dir ());
}

/**
 * nm_window_remember_dialog_folder:
 * @chosen: (nullable): a file a dialog chose
 *
 * The next dialog of a window with no file opens in @chosen's folder.
 */
void
nm_window_remember_dialog_folder (GFile *chosen)
{
  GFile *parent = chosen != NULL ? g_file_get_parent (chosen) : NULL;

  if (parent == NULL)
    return;
  g_clear_object (&last_dialog_folder);
  last_dialog_folder = parent;
}

/**
 * nm_window_set_dialog_folder:
 * @self: (nullable): the window the dialog is for
 * @chooser: its file chooser, before it is shown
 *
 * Opens @chooser in nm_window_dup_dialog_folder().
 */
void
nm_window_set_dialog_folder (NmWindow       *self,
                             GtkFileChooser *chooser)
{
  g_autoptr(GFile) folder = nm_window_dup_dialog_folder (self);

  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
}

static void
on_open_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(NmWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      nm_window_remember_dialog_folder (file);
      if (file != NULL)
        nm_window_open_file (self, file);
    }
  g_object_unref (native);
}

static void
nm_window_open_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = consultation_filter ();

  native = gtk_file_chooser_native_new (_("Open a Consultation"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  nm_window_set_dialog_folder (self, GTK_FILE_CHOOSER (native));
  g_signal_connect (native, "response", G_CALLBACK (on_open_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
nm_window_open_sample_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmDocument) document = NULL;
  NmWindow *target = self;

  bytes = g_resources_lookup_data (RESOURCE_BASE "/sample.needlemap", 0, &error);
  if (bytes != NULL)
    consultation = nm_file_load_bytes (bytes, &error);
  if (consultation == NULL)
    {
      _nm_window_show_error (self, _("Could Not Open the Sample"), error->message);
      return;
    }

  if (!nm_window_is_pristine (self))
    target = nm_window_new (NM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
  /* The sample has no file: saving it asks where, so it is never written
   * over by accident. */
  document = nm_document_new (consultation, NULL);
  nm_window_set_document (target, document);
  gtk_window_present (GTK_WINDOW (target));
}

static void
nm_window_new_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  NmWindow *target = self;

  if (!nm_window_is_pristine (self))
    {
      target = nm_window_new (NM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      gtk_window_present (GTK_WINDOW (target));
    }
  nm_window_new_consultation (target);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  NmWindow *self = NM_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (!nm_window_save_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
        {
          /* nothing is written over another program's version unasked */
          nm_window_ask_overwrite (self);
          return;
        }
      /* The window stays open, and a later save does not close it. */
      self->closing_confirmed = FALSE;
      if (nm_window_offer_copy (self, error))
        return;
      _nm_window_show_error (self, _("Could Not Save the Consultation"), error->message);
      return;
    }

  if (self->closing_confirmed)
    {
      /* edits made while it saved ask again */
      self->closing_confirmed = FALSE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else
    {
      /* two words: read at a glance, and out of the way soon after */
      AdwToast *toast = adw_toast_new (_("Consultation saved"));

      adw_toast_set_timeout (toast, 2);
      nm_window_add_toast (self, toast);
    }
}

static void
on_overwrite_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          NmWindow         *self)
{
  if (g_strcmp0 (response, "overwrite") == 0 && self->document != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, on_saved_cb, NULL);

      nm_document_overwrite_async (self->document, NULL, NULL, save_cb, g_steal_pointer (&task));
      return;
    }
  self->closing_confirmed = FALSE;
  /* take theirs: the changes made here go, as the user chose */
  if (g_strcmp0 (response, "reload") == 0 && self->document != NULL)
    {
      nm_document_reload_async (self->document, NULL, on_reloaded_cb, g_object_ref (self));
      return;
    }
  if (g_strcmp0 (response, "save-as") == 0)
    nm_window_save_as (self);
}

/* Another program wrote the file after this window read it: keep this
 * version over it, keep it in another file, or leave both as they are. */
static void
nm_window_ask_overwrite (NmWindow *self)
{
  GtkWidget *dialog;

  dialog = nm_message_dialog_new (GTK_WINDOW (self), _("Changed by Another Program"),
                                  _("The file was changed by another program after it was opened here. "
                                    "Saving over it replaces those changes; loading their version "
                                    "throws away the changes made here; saving a copy keeps both."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "reload", _("_Load Their Version"),
                                    "save-as", _("_Save a Copy…"),
                                    "overwrite", _("_Replace Their Version"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reload",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overwrite",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save-as");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_overwrite_response_cb), self, 0);
  /* Enter must never pick the version that loses the other program's work */
  nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A save the file or its folder refused, where a copy elsewhere can be
 * saved: says why in words, and offers the copy. Nothing was written.
 * Returns: whether @error was one of those */
static gboolean
nm_window_offer_copy (NmWindow     *self,
                      const GError *error)
{
  GtkWidget *dialog;
  const char *heading;
  const char *body;

  if (g_error_matches (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION))
    {
      /* Translators: a dialog's heading: the file on disk was written by a
       * newer version of this application */
      heading = _("Saved by a Newer Needlemap");
      body = _("The file was saved with a newer version of Needlemap, which this version "
               "cannot read. It is not replaced, so that nothing the newer version "
               "added is lost. Your work here is kept: save it as a copy.");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY))
    {
      heading = _("The File Is Read-Only");
      body = _("This file is protected against changes, or you do not have permission to "
               "change it, so it was not changed. Your work here is kept: save it as a copy.");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      /* Translators: a dialog's heading: the folder does not let the user
       * create files (a save writes a temporary file there first) */
      heading = _("No Permission to Save in This Folder");
      body = _("Saving creates a new file in the folder, and you do not have permission to do "
               "that there, so the file was not changed. Your work here is kept: save it as a "
               "copy in another folder.");
    }
  else
    return FALSE;

  dialog = nm_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save-as", _("_Save a Copy…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save-as",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save-as");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_overwrite_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
on_save_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(NmWindow) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  nm_window_remember_dialog_folder (file);
  if (file != NULL)
    nm_window_save_async (self, file, NULL, on_saved_cb, NULL);
  else
    self->closing_confirmed = FALSE;
  g_object_unref (native);
}

/* A consultation is saved with its skin type (spec: client.fitzpatrick is
 * required). Said before a file is chosen, in words rather than a key path,
 * and the Client panel is shown where it is chosen. */
static gboolean
nm_window_check_savable (NmWindow *self)
{
  if (nm_consultation_get_fitzpatrick (self->consultation) != NM_FITZPATRICK_UNSET)
    return TRUE;

  self->closing_confirmed = FALSE;
  adw_view_stack_set_visible_child_name (self->side_stack, "client");
  _nm_window_show_error (self, _("Choose the Skin Type First"),
                         _("The client’s skin type sets the safe needle depths, so a "
                           "consultation is saved with one. Choose it in the Client panel."));
  return FALSE;
}

static void
nm_window_save_as (NmWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = consultation_filter ();
  g_autofree char *suggestion = NULL;

  if (self->consultation == NULL)
    return;
  _nm_window_commit_edits (self);
  if (!nm_window_check_savable (self))
    return;

  native = gtk_file_chooser_native_new (_("Save the Consultation"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  if (nm_window_get_file (self) != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), nm_window_get_file (self), NULL);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      /* No client name in the suggested file name: it shows in file lists. */
      suggestion = g_date_time_format (now, _("Consultation %Y-%m-%d.needlemap"));
      nm_window_set_dialog_folder (self, GTK_FILE_CHOOSER (native));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggestion);
    }

  g_signal_connect (native, "response", G_CALLBACK (on_save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
nm_window_save (NmWindow *self)
{
  if (self->consultation == NULL)
    return;

  _nm_window_commit_edits (self);
  if (nm_window_get_file (self) == NULL)
    {
      nm_window_save_as (self);
      return;
    }

  if (!nm_window_check_savable (self))
    return;

  nm_window_save_async (self, NULL, NULL, on_saved_cb, NULL);
}

static void
nm_window_save_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  nm_window_save (NM_WINDOW (widget));
}

static void
nm_window_save_as_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  nm_window_save_as (NM_WINDOW (widget));
}

/* Undo and redo say what they changed, and show where: an undo step holds
 * only how to apply its commands, so the window compares the consultation
 * before and after (issue 14, defect 11). */
typedef struct
{
  NmFinding *finding;
  guint      severity;
  char      *note;
  char      *view;
  GBytes    *outline;
} FindingState;

static void
finding_state_free (gpointer data)
{
  FindingState *state = data;

  g_object_unref (state->finding);
  g_free (state->note);
  g_free (state->view);
  g_bytes_unref (state->outline);
  g_free (state);
}

static GPtrArray *
findings_state (NmConsultation *consultation)
{
  GPtrArray *states = g_ptr_array_new_with_free_func (finding_state_free);

  for (guint i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);
      FindingState *state = g_new0 (FindingState, 1);
      guint n_points = 0;
      const NmPoint *points = nm_finding_get_outline (finding, &n_points);

      state->finding = g_object_ref (finding);
      state->severity = nm_finding_get_severity (finding);
      state->note = g_strdup (nm_finding_get_note (finding));
      state->view = g_strdup (nm_finding_get_view (finding));
      state->outline = g_bytes_new (points, n_points * sizeof (NmPoint));
      g_ptr_array_add (states, state);
    }
  return states;
}

static FindingState *
find_state (GPtrArray *states,
            NmFinding *finding)
{
  for (guint i = 0; i < states->len; i++)
    if (((FindingState *) g_ptr_array_index (states, i))->finding == finding)
      return g_ptr_array_index (states, i);
  return NULL;
}

/* The findings an undo or redo added, removed or changed, in @changed. */
static void
changed_findings (GPtrArray *before,
                  GPtrArray *after,
                  GPtrArray *changed)
{
  for (guint i = 0; i < after->len; i++)
    {
      FindingState *now = g_ptr_array_index (after, i);
      FindingState *then = find_state (before, now->finding);

      if (then == NULL || then->severity != now->severity || g_strcmp0 (then->note, now->note) != 0 ||
          g_strcmp0 (then->view, now->view) != 0 || !g_bytes_equal (then->outline, now->outline))
        g_ptr_array_add (changed, now);
    }
  for (guint i = 0; i < before->len; i++)
    {
      FindingState *then = g_ptr_array_index (before, i);

      if (find_state (after, then->finding) == NULL)
        g_ptr_array_add (changed, then);
    }
}

static gboolean
same_session (NmSession *a,
              NmSession *b)
{
  g_auto(GStrv) regions_a = nm_session_dup_depth_regions (a);
  g_auto(GStrv) regions_b = nm_session_dup_depth_regions (b);

  if (g_strcmp0 (nm_session_get_date (a), nm_session_get_date (b)) != 0 ||
      nm_session_get_done (a) != nm_session_get_done (b) ||
      g_strcmp0 (nm_session_get_notes (a), nm_session_get_notes (b)) != 0 ||
      g_strcmp0 (nm_session_get_device (a), nm_session_get_device (b)) != 0 ||
      g_strcmp0 (nm_session_get_time (a), nm_session_get_time (b)) != 0 ||
      nm_session_get_duration_min (a) != nm_session_get_duration_min (b) ||
      g_strcmp0 (nm_session_get_cartridge_lot (a), nm_session_get_cartridge_lot (b)) != 0 ||
      g_strcmp0 (nm_session_get_cartridge_gtin (a), nm_session_get_cartridge_gtin (b)) != 0 ||
      g_strcmp0 (nm_session_get_cartridge_expiry (a), nm_session_get_cartridge_expiry (b)) != 0 ||
      g_strcmp0 (nm_session_get_serum (a), nm_session_get_serum (b)) != 0 ||
      g_strcmp0 (nm_session_get_numbing_cream (a), nm_session_get_numbing_cream (b)) != 0 ||
      !g_strv_equal ((const char * const *) regions_a, (const char * const *) regions_b))
    return FALSE;
  for (guint i = 0; regions_a[i] != NULL; i++)
    {
      double mm_a = 0, mm_b = 0;

      nm_session_get_depth (a, regions_a[i], &mm_a);
      nm_session_get_depth (b, regions_a[i], &mm_b);
      if (mm_a != mm_b)
        return FALSE;
    }
  return TRUE;
}

static gboolean
sessions_changed (NmConsultation *before,
                  NmConsultation *after)
{
  guint n = nm_consultation_get_n_sessions (after);

  if (nm_consultation_get_n_sessions (before) != n)
    return TRUE;
  for (guint i = 0; i < n; i++)
    if (!same_session (nm_consultation_get_session (before, i), nm_consultation_get_session (after, i)))
      return TRUE;
  return FALSE;
}

static guint
screening_changed (NmConsultation *before,
                   NmConsultation *after)
{
  guint n = 0;

  for (guint i = 0; i < nm_vocab_n_screening (); i++)
    if (nm_consultation_get_screening (before, nm_vocab_screening (i)->id) !=
        nm_consultation_get_screening (after, nm_vocab_screening (i)->id))
      n++;
  return n;
}

static gboolean
client_changed (NmConsultation *before,
                NmConsultation *after)
{
  return g_strcmp0 (nm_consultation_get_client_name (before), nm_consultation_get_client_name (after)) != 0 ||
         g_strcmp0 (nm_consultation_get_birth_date (before), nm_consultation_get_birth_date (after)) != 0 ||
         g_strcmp0 (nm_consultation_get_guardian (before), nm_consultation_get_guardian (after)) != 0 ||
         g_strcmp0 (nm_consultation_get_client_notes (before), nm_consultation_get_client_notes (after)) != 0 ||
         g_strcmp0 (nm_consultation_get_start_date (before), nm_consultation_get_start_date (after)) != 0 ||
         g_strcmp0 (nm_consultation_get_practitioner (before), nm_consultation_get_practitioner (after)) != 0 ||
         nm_consultation_get_fitzpatrick (before) != nm_consultation_get_fitzpatrick (after);
}

/* The view to show @finding in: its outline's, the one its region was last
 * selected in (where it was tagged), the one shown if it has the region,
 * else the first that has it. */
static NmView
view_of_finding (NmWindow     *self,
                 FindingState *state)
{
  const char *region = nm_finding_get_region (state->finding);
  NmView view = nm_map_view_get_view (self->map_view);
  guint selected_in = GPOINTER_TO_UINT (g_hash_table_lookup (self->region_views, g_intern_string (region)));

  if (g_bytes_get_size (state->outline) > 0 && nm_view_from_id (state->view, &view))
    return view;
  if (selected_in > 0 && nm_vocab_region_in_view (region, selected_in - 1))
    return selected_in - 1;
  if (nm_vocab_region_in_view (region, view))
    return view;
  for (guint v = 0; v < NM_N_VIEWS; v++)
    if (nm_vocab_region_in_view (region, v))
      return v;
  return view;
}

/* One toast at a time: Ctrl+Z held down replaces it rather than queueing
 * one toast per step. */
static void
show_undo_toast (NmWindow   *self,
                 const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  /* the overlay holds the toast until it is dismissed */
  g_set_weak_pointer (&self->undo_toast, toast);
  adw_toast_set_timeout (toast, 3);
  nm_window_add_toast (self, toast);
}

static void
nm_window_undo_redo (NmWindow *self,
                     gboolean  undo)
{
  g_autoptr(NmConsultation) before = NULL;
  g_autoptr(GPtrArray) findings_before = NULL;
  g_autoptr(GPtrArray) findings_after = NULL;
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autofree char *what = NULL;
  const char *panel = NULL;
  guint n_answers;

  if (self->consultation == NULL)
    return;
  before = nm_consultation_snapshot (self->consultation);
  findings_before = findings_state (self->consultation);
  if (!(undo ? nm_consultation_undo (self->consultation) : nm_consultation_redo (self->consultation)))
    return;
  findings_after = findings_state (self->consultation);
  changed_findings (findings_before, findings_after, changed);

  if (changed->len > 0)
    {
      FindingState *first = g_ptr_array_index (changed, 0);
      NmView view = view_of_finding (self, first);
      g_autoptr(GPtrArray) regions = g_ptr_array_new ();

      /* the map shows the view, and the regions selected, with their
       * findings in the Findings panel */
      for (guint i = 0; i < changed->len; i++)
        {
          const char *region = nm_finding_get_region (((FindingState *) g_ptr_array_index (changed, i))->finding);

          if (nm_vocab_region_in_view (region, view) && !g_ptr_array_find_with_equal_func (regions, region, g_str_equal, NULL))
            g_ptr_array_add (regions, (gpointer) region);
        }
      g_ptr_array_add (regions, NULL);
      gtk_stack_set_visible_child_name (gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (self->main_switcher)), "map");
      nm_map_view_set_view (self->map_view, view);
      nm_map_view_set_selection (self->map_view, (const char * const *) regions->pdata);
      if (find_state (findings_after, first->finding) != NULL)
        nm_tag_panel_select_finding (self->tag_panel, first->finding);
      panel = "tag";

      if (changed->len == 1)
        /* Translators: what Undo or Redo changed, in a toast: a kind of
         * finding and its region, "Rolling acne scars · Left cheek" */
        what = g_strdup_printf (_("%s · %s"), nm_vocab_kind_name (nm_finding_get_kind (first->finding)),
                                nm_vocab_region_name (nm_finding_get_region (first->finding)));
      else
        /* Translators: what Undo or Redo changed, in a toast */
        what = g_strdup_printf (ngettext ("%u finding", "%u findings", changed->len), changed->len);
    }
  else if ((n_answers = screening_changed (before, self->consultation)) > 0)
    {
      panel = "screening";
      /* Translators: what Undo or Redo changed, in a toast */
      what = g_strdup_printf (ngettext ("%u screening answer", "%u screening answers", n_answers), n_answers);
    }
  else if (client_changed (before, self->consultation))
    {
      panel = "client";
      /* Translators: what Undo or Redo changed, in a toast */
      what = g_strdup (_("the client’s details"));
    }
  else if (sessions_changed (before, self->consultation))
    {
      gtk_stack_set_visible_child_name (gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (self->main_switcher)),
                                        "schedule");
      /* Translators: what Undo or Redo changed, in a toast */
      what = g_strdup (_("the sessions"));
    }
  else
    {
      /* the acknowledgements and the device */
      panel = "plan";
      /* Translators: what Undo or Redo changed, in a toast */
      what = g_strdup (_("the plan"));
    }

  if (panel != NULL)
    adw_view_stack_set_visible_child_name (self->side_stack, panel);
  {
    /* Translators: a toast after Undo; %s says what, such as "Rolling acne
     * scars · Left cheek" or "2 screening answers" */
    g_autofree char *message = g_strdup_printf (undo ? _("Undone: %s") : _("Redone: %s"), what);

    show_undo_toast (self, message);
  }
}

static void
nm_window_undo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  nm_window_undo_redo (NM_WINDOW (widget), TRUE);
}

static void
nm_window_redo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  nm_window_undo_redo (NM_WINDOW (widget), FALSE);
}

static void
on_close_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      NmWindow         *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->discard_confirmed = TRUE;
      if (self->document != NULL)
        nm_document_drop_recovery (self->document);
      gtk_window_destroy (GTK_WINDOW (self));
    }
  else if (g_strcmp0 (response, "save") == 0)
    {
      self->closing_confirmed = TRUE;
      nm_window_save (self);
    }
}

static gboolean
nm_window_close_request (GtkWindow *window)
{
  NmWindow *self = NM_WINDOW (window);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (!gtk_window_is_maximized (window))
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (!self->discard_confirmed)
    _nm_window_commit_edits (self);

  /* A save in progress finishes first; then the window closes, or asks
   * about what was edited meanwhile. */
  if (self->document != NULL && nm_document_get_busy (self->document) && !self->discard_confirmed)
    {
      self->close_when_idle = TRUE;
      return TRUE;
    }

  if (!nm_window_get_modified (self) || self->discard_confirmed)
    {
      if (self->document != NULL)
        nm_document_drop_recovery (self->document);
      return GTK_WINDOW_CLASS (nm_window_parent_class)->close_request (window);
    }

  /* Named as the title bar names it, the client or “New Consultation”:
   * with several windows open, the practitioner knows which one asks. */
  body = g_strdup_printf (_("“%s” has changes that are not saved. Changes that you do not save are lost."),
                          adw_window_title_get_title (self->window_title));
  dialog = nm_message_dialog_new (window, _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
on_reloaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(NmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nm_document_reload_finish (NM_DOCUMENT (source), result, &error))
    {
      /* a newer version on disk: what is shown stays, and only a copy
       * of it can be saved */
      if (g_error_matches (error, NM_FILE_ERROR, NM_FILE_ERROR_NEWER_VERSION))
        nm_window_offer_copy (self, error);
      else
        nm_window_show_open_error (self, nm_window_get_file (self), error);
    }
}

static void
on_reload_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       NmWindow         *self)
{
  if (g_strcmp0 (response, "reload") == 0 && self->document != NULL)
    nm_document_reload_async (self->document, NULL, on_reloaded_cb, g_object_ref (self));
  else
    /* the bar stays: the choice is still to be made */
    on_document_disk_state_cb (self, NULL, self->document);
}

static void
on_changed_bar_response_cb (NmWindow   *self,
                            int         response,
                            GtkInfoBar *bar)
{
  gtk_info_bar_set_revealed (bar, FALSE);
  if (self->document == NULL)
    return;

  /* Closing the bar only hides it: the other program's version is still
   * there, and the next save asks before writing over it (issue 13). */
  if (response != 1 || nm_document_get_file (self->document) == NULL)
    return;

  /* unsaved work is never thrown away unasked */
  if (nm_document_get_modified (self->document))
    {
      GtkWidget *dialog = nm_message_dialog_new (GTK_WINDOW (self), _("Discard Your Changes?"),
                                                 _("Loading the other program's version throws away the "
                                                   "changes made here that are not saved."));

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "reload", _("_Discard and Load"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reload",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      nm_message_dialog_keep_focus (ADW_MESSAGE_DIALOG (dialog));
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_reload_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  nm_document_reload_async (self->document, NULL, on_reloaded_cb, g_object_ref (self));
}

static void
on_map_selection_changed_cb (NmWindow  *self,
                             NmMapView *map_view)
{
  const char * const *selection = nm_map_view_get_selection (map_view);

  /* The map clears its selection while the window is being torn down. */
  if (self->tag_panel == NULL)
    return;
  nm_tag_panel_set_regions (self->tag_panel, selection);
  for (guint i = 0; selection != NULL && selection[i] != NULL; i++)
    g_hash_table_insert (self->region_views, (gpointer) g_intern_string (selection[i]),
                         GUINT_TO_POINTER (nm_map_view_get_view (map_view) + 1));
  if (selection != NULL && selection[0] != NULL)
    adw_view_stack_set_visible_child_name (self->side_stack, "tag");
}

static gboolean
nm_window_require_kind (NmWindow *self)
{
  if (nm_tag_panel_get_kind (self->tag_panel) != NULL)
    return TRUE;
  adw_view_stack_set_visible_child_name (self->side_stack, "tag");
  _nm_window_toast (self, _("Choose what to tag in the Findings panel first"));
  return FALSE;
}

static void
on_map_region_tagged_cb (NmWindow   *self,
                         const char *region,
                         NmMapView  *map_view)
{
  const char *regions[] = { region, NULL };

  if (nm_window_require_kind (self))
    nm_tag_panel_tag_regions (self->tag_panel, regions);
}

static void
on_map_outline_drawn_cb (NmWindow      *self,
                         const char    *region,
                         const NmPoint *points,
                         guint          n_points,
                         NmMapView     *map_view)
{
  /* never a new finding: the outline goes to one the region has */
  _nm_window_outline_drawn (self, region, nm_view_id (nm_map_view_get_view (map_view)),
                            points, n_points);
}

/* F6 moves the keyboard between the map and the side panel, the way GNOME
 * applications move between panes: arrows and Enter tag on the map, Tab
 * and Enter pick the kind in the panel. */
static void
nm_window_switch_pane_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *page;

  if (self->consultation == NULL)
    return;

  if (focus != GTK_WIDGET (self->map_view))
    {
      /* as Tab would: the map shows the region the keyboard is on */
      gtk_widget_child_focus (GTK_WIDGET (self->map_view), GTK_DIR_TAB_FORWARD);
      return;
    }

  page = adw_view_stack_get_visible_child (self->side_stack);
  if (page != NULL && !gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD))
    gtk_widget_grab_focus (page);
}

/* win.show-panel: a page of the side panel ("client", "tag", "screening",
 * "plan"), where a widget sends the practitioner to put something right. */
static void
nm_window_show_panel_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);
  const char *page = g_variant_get_string (param, NULL);

  if (self->consultation != NULL && adw_view_stack_get_child_by_name (self->side_stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->side_stack, page);
}

/* The main menu's popover is built when first opened, not at start-up. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  NmWindow *self = user_data;

  gtk_menu_button_set_menu_model (button, self->primary_menu);
}

/* The keyboard shortcuts, built when first asked for rather than with
 * every window (where GtkApplication would build them from
 * gtk/help-overlay.ui). */
static void
nm_window_show_help_overlay_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);

  if (self->help_overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new ();

      gtk_builder_set_translation_domain (builder, GETTEXT_PACKAGE);
      if (!gtk_builder_add_from_resource (builder, RESOURCE_BASE "/nm-help-overlay.ui", NULL))
        g_error ("Cannot build the keyboard shortcuts window");  /* a build bug */
      self->help_overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      g_object_ref_sink (self->help_overlay);
      /* what GtkApplicationWindow does with gtk/help-overlay.ui: the
       * shortcuts named by their action show the application's keys */
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                               GTK_SHORTCUTS_WINDOW (self->help_overlay));
      gtk_window_set_hide_on_close (self->help_overlay, TRUE);
    }
  gtk_window_present (self->help_overlay);
}

static void
nm_window_toggle_layer_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  NmWindow *self = NM_WINDOW (widget);

  nm_window_ensure_workspace (self);
  nm_map_view_set_layer (self->map_view,
                         nm_map_view_get_layer (self->map_view) == NM_MAP_LAYER_DEPTH
                           ? NM_MAP_LAYER_FINDINGS : NM_MAP_LAYER_DEPTH);
}

static void
on_settings_changed_cb (NmWindow   *self,
                        const char *key,
                        GSettings  *settings)
{
  /* The device settings are only the defaults for new consultations: an
   * open one keeps the device it is planned with. */
  if (g_strcmp0 (key, "clinic-protocol") == 0)
    {
      nm_window_load_protocol (self);
      if (self->document != NULL)
        nm_document_set_protocol (self->document, self->protocol);
    }
}

static void
on_map_notify_cb (NmWindow   *self,
                  GParamSpec *pspec,
                  NmMapView  *map_view)
{
  if (g_strcmp0 (pspec->name, "view") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
  else if (g_strcmp0 (pspec->name, "layer") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
  else if (g_strcmp0 (pspec->name, "tool") == 0)
    {
      NmMapTool tool = nm_map_view_get_tool (map_view);

      nm_tag_panel_set_tool (self->tag_panel, tool);
      sync_toast_targets (self);
      if (tool != NM_MAP_TOOL_SELECT)
        adw_view_stack_set_visible_child_name (self->side_stack, "tag");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
    }
}

static void
nm_window_dispose (GObject *object)
{
  NmWindow *self = NM_WINDOW (object);

  /* The recovery copy stays: a window torn down without closing (the app
   * quitting under it) still has its work kept. */
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      g_signal_handlers_disconnect_by_data (self->consultation, self);
    }
  g_clear_object (&self->document);
  g_clear_object (&self->consultation);
  g_clear_object (&self->settings);
  g_clear_object (&self->protocol);
  g_clear_pointer (&self->plan, nm_plan_unref);

  if (self->help_overlay != NULL)
    gtk_window_destroy (self->help_overlay);
  g_clear_object (&self->help_overlay);
  g_clear_weak_pointer (&self->undo_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_WINDOW);
  /* the workspace went with the template's widgets */
  self->main_toast_overlay = NULL;
  self->side_stack = NULL;
  self->map_view = NULL;
  self->tag_panel = NULL;
  self->client_panel = NULL;
  self->screening_panel = NULL;
  self->plan_panel = NULL;
  self->schedule_view = NULL;
  g_clear_pointer (&self->region_views, g_hash_table_unref);

  G_OBJECT_CLASS (nm_window_parent_class)->dispose (object);
}

static void
nm_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NmWindow *self = NM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      g_value_set_object (value, self->consultation);
      break;

    case PROP_FILE:
      g_value_set_object (value, nm_window_get_file (self));
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, nm_window_get_modified (self));
      break;

    case PROP_PLAN:
      g_value_set_boxed (value, self->plan);
      break;

    case PROP_VIEW:
      g_value_set_string (value, self->map_view ? nm_view_id (nm_map_view_get_view (self->map_view)) : "face-front");
      break;

    case PROP_LAYER:
      g_value_set_string (value, layer_ids[self->map_view ? nm_map_view_get_layer (self->map_view) : 0]);
      break;

    case PROP_TOOL:
      g_value_set_string (value, tool_ids[self->map_view ? nm_map_view_get_tool (self->map_view) : 0]);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  NmWindow *self = NM_WINDOW (object);
  const char *id;

  /* the view, layer and tool of the map */
  nm_window_ensure_workspace (self);

  switch (prop_id)
    {
    case PROP_VIEW:
      {
        NmView view;

        if (nm_view_from_id (g_value_get_string (value), &view))
          nm_map_view_set_view (self->map_view, view);
      }
      break;

    case PROP_LAYER:
      id = g_value_get_string (value);
      for (guint i = 0; i < G_N_ELEMENTS (layer_ids); i++)
        if (g_strcmp0 (id, layer_ids[i]) == 0)
          nm_map_view_set_layer (self->map_view, i);
      break;

    case PROP_TOOL:
      id = g_value_get_string (value);
      for (guint i = 0; i < G_N_ELEMENTS (tool_ids); i++)
        if (g_strcmp0 (id, tool_ids[i]) == 0)
          nm_map_view_set_tool (self->map_view, i);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_window_class_init (NmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nm_window_dispose;
  object_class->get_property = nm_window_get_property;
  object_class->set_property = nm_window_set_property;
  window_class->close_request = nm_window_close_request;

  properties[PROP_CONSULTATION] =
    g_param_spec_object ("consultation", NULL, NULL, NM_TYPE_CONSULTATION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_boxed ("plan", NULL, NULL, NM_TYPE_PLAN,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, "face-front",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYER] =
    g_param_spec_string ("layer", NULL, NULL, "findings",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOL] =
    g_param_spec_string ("tool", NULL, NULL, "select",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NM_TYPE_MAP_VIEW);
  g_type_ensure (NM_TYPE_TAG_PANEL);
  g_type_ensure (NM_TYPE_CLIENT_PANEL);
  g_type_ensure (NM_TYPE_SCREENING_PANEL);
  g_type_ensure (NM_TYPE_PLAN_PANEL);
  g_type_ensure (NM_TYPE_SCHEDULE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/nm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, workspace_bin);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, main_switcher);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, changed_bar);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, changed_label);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, reload_button);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, recovery_bar);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_button);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_heading);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_reasons);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_action);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, status_scroller);
  gtk_widget_class_bind_template_child (widget_class, NmWindow, save_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_status_action_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_bar_response_cb);

  gtk_widget_class_install_property_action (widget_class, "win.view", "view");
  gtk_widget_class_install_property_action (widget_class, "win.layer", "layer");
  gtk_widget_class_install_property_action (widget_class, "win.tool", "tool");
  gtk_widget_class_install_action (widget_class, "win.toggle-layer", NULL, nm_window_toggle_layer_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, nm_window_show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.switch-pane", NULL, nm_window_switch_pane_action);
  gtk_widget_class_install_action (widget_class, "win.show-panel", "s", nm_window_show_panel_action);

  gtk_widget_class_install_action (widget_class, "win.new", NULL, nm_window_new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, nm_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, nm_window_open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, nm_window_save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, nm_window_save_as_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, nm_window_undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, nm_window_redo_action);
  _nm_window_class_outputs_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "win.toggle-layer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.switch-pane", NULL);
  _nm_window_class_education_init (widget_class);
  for (guint i = 0; i < NM_N_VIEWS; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.view", "s", nm_view_id (i));
  for (guint i = 0; i < G_N_ELEMENTS (tool_ids); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.tool", "s", tool_ids[i]);
}

static void
nm_window_init (NmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->region_views = g_hash_table_new (NULL, NULL);
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_menu, self, NULL);

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb),
                           self, G_CONNECT_SWAPPED);
  nm_window_load_protocol (self);

  nm_window_update_title (self);
  nm_window_update_actions (self);
}

NmWindow *
nm_window_new (NmApplication *application)
{
  return g_object_new (NM_TYPE_WINDOW, "application", application, NULL);
}

NmConsultation *
nm_window_get_consultation (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  return self->consultation;
}

GFile *
nm_window_get_file (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  return self->document != NULL ? nm_document_get_file (self->document) : NULL;
}

/**
 * nm_window_get_document:
 *
 * Returns: (transfer none) (nullable): the document shown, %NULL on the
 *   welcome page
 */
NmDocument *
nm_window_get_document (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  return self->document;
}

gboolean
nm_window_get_modified (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);
  return self->document != NULL && nm_document_get_modified (self->document);
}

/* A window is pristine when replacing what it shows loses nothing. */
gboolean
nm_window_is_pristine (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);

  return self->consultation == NULL ||
         (nm_window_get_file (self) == NULL && !nm_window_get_modified (self) &&
          g_list_model_get_n_items (nm_consultation_get_findings (self->consultation)) == 0);
}

/**
 * nm_window_get_plan:
 *
 * Returns: (transfer none) (nullable): the plan of the consultation as it
 *   stands, recomputed on every edit.
 */
NmPlan *
nm_window_get_plan (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  return self->plan;
}

NmMapView *
nm_window_get_map_view (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  nm_window_ensure_workspace (self);
  return self->map_view;
}

NmTagPanel *
nm_window_get_tag_panel (NmWindow *self)
{
  g_return_val_if_fail (NM_IS_WINDOW (self), NULL);
  nm_window_ensure_workspace (self);
  return self->tag_panel;
}

/**
 * nm_window_restore:
 * @self: a #NmWindow
 * @entry: a recovery copy
 * @error: return location for a #GError
 *
 * Shows the work kept in @entry, as unsaved changes to the document it came
 * from, and takes the copy over.
 *
 * Returns: %TRUE when restored
 */
gboolean
nm_window_restore (NmWindow         *self,
                   NmRecoveryEntry  *entry,
                   GError          **error)
{
  g_autoptr(NmDocument) document = NULL;

  g_return_val_if_fail (NM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  /* based on the version of its file it was based on: when another program
   * wrote the file since, the bar says so and saving asks first */
  document = nm_document_new_from_recovery (entry, error);
  if (document == NULL)
    return FALSE;
  nm_window_set_document (self, document);

  /* The copy is the document's own now: written again at once, in this
   * version's form and with this process as its owner. */
  nm_document_autosave_now (document);
  return TRUE;
}
