/* nm-education-window.c: the client presentation, full screen
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

#include "nm-education-window.h"
#include "nm-vocab.h"

/* The window only keeps time and turns keys, clicks and a presenter's
 * clicker (which sends Page Up/Down) into page changes; every picture is
 * nm_render_education_page(). */

struct _NmEducationWindow
{
  GtkWindow          parent_instance;

  NmEducationModel  *model;
  NmEducationPage    page;
  gint64             page_start;   /* frame time of the page's first frame, µs; 0: not yet */
  double             t;            /* seconds since then, from the frame clock */
  guint              tick_id;
  gboolean           updating_regions;

  GtkWidget         *area;
  GtkWidget         *regions;      /* GtkDropDown, on the first page */
};

G_DEFINE_FINAL_TYPE (NmEducationWindow, nm_education_window, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
draw_page_cb (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  NmEducationWindow *self = user_data;

  nm_render_education_page (cr, self->model, self->page, self->t, width, height);
}

/* Time comes from the frame clock, so the animation runs at the same speed
 * whatever the frame rate; once a page is finished the clock is left
 * alone. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  NmEducationWindow *self = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double duration = nm_education_page_duration (self->model, self->page);

  if (self->page_start == 0)
    self->page_start = now;
  self->t = (now - self->page_start) / (double) G_USEC_PER_SEC;
  gtk_widget_queue_draw (widget);

  if (duration >= 0 && self->t > duration)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
nm_education_window_restart (NmEducationWindow *self)
{
  self->page_start = 0;
  self->t = 0;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (self->area, tick_cb, self, NULL);
  gtk_widget_set_visible (self->regions,
                          self->page == NM_EDUCATION_PAGE_NEEDLING
                          && g_strv_length ((char **) nm_education_model_get_regions (self->model)) > 1);
  gtk_widget_queue_draw (self->area);
}

static void
sync_region_choice (NmEducationWindow *self)
{
  const char * const *regions = nm_education_model_get_regions (self->model);
  const char *region = nm_education_model_get_region (self->model);

  self->updating_regions = TRUE;
  for (guint i = 0; regions[i] != NULL; i++)
    if (g_strcmp0 (regions[i], region) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->regions), i);
  self->updating_regions = FALSE;
}

static void
on_region_selected_cb (NmEducationWindow *self)
{
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->regions));
  const char * const *regions = nm_education_model_get_regions (self->model);

  if (self->updating_regions || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (nm_education_model_set_region (self->model, regions[selected]))
    nm_education_window_restart (self);
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   NmEducationWindow     *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* the region list's popup keeps its own keys */
  if (focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL)
    return GDK_EVENT_PROPAGATE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Escape:
      gtk_window_close (GTK_WINDOW (self));
      return GDK_EVENT_STOP;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
    case GDK_KEY_space:
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      if (!nm_education_window_next (self))
        gtk_widget_error_bell (GTK_WIDGET (self));
      return GDK_EVENT_STOP;

    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
    case GDK_KEY_BackSpace:
      if (!nm_education_window_previous (self))
        gtk_widget_error_bell (GTK_WIDGET (self));
      return GDK_EVENT_STOP;

    case GDK_KEY_Up:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Up:
    case GDK_KEY_KP_Down:
      /* on the first page they choose the area the section is drawn for */
      if (self->page == NM_EDUCATION_PAGE_NEEDLING)
        {
          int delta = keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up ? -1 : 1;

          if (nm_education_model_step_region (self->model, delta))
            {
              sync_region_choice (self);
              nm_education_window_restart (self);
            }
          return GDK_EVENT_STOP;
        }
      if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
        nm_education_window_previous (self);
      else
        nm_education_window_next (self);
      return GDK_EVENT_STOP;

    case GDK_KEY_Home:
      nm_education_window_set_page (self, 0);
      return GDK_EVENT_STOP;

    case GDK_KEY_End:
      nm_education_window_set_page (self, NM_EDUCATION_N_PAGES - 1);
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_click_pressed_cb (GtkGestureClick   *gesture,
                     int                n_press,
                     double             x,
                     double             y,
                     NmEducationWindow *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (button == GDK_BUTTON_SECONDARY)
    nm_education_window_previous (self);
  else
    nm_education_window_next (self);
}

static void
nm_education_window_dispose (GObject *object)
{
  NmEducationWindow *self = NM_EDUCATION_WINDOW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (self->area, self->tick_id);
      self->tick_id = 0;
    }
  g_clear_pointer (&self->model, nm_education_model_unref);

  G_OBJECT_CLASS (nm_education_window_parent_class)->dispose (object);
}

static void
nm_education_window_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NmEducationWindow *self = NM_EDUCATION_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_uint (value, self->page);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_education_window_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  NmEducationWindow *self = NM_EDUCATION_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      nm_education_window_set_page (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_education_window_class_init (NmEducationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nm_education_window_dispose;
  object_class->get_property = nm_education_window_get_property;
  object_class->set_property = nm_education_window_set_property;

  properties[PROP_PAGE] =
    g_param_spec_uint ("page", NULL, NULL, 0, NM_EDUCATION_N_PAGES - 1, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nm_education_window_init (NmEducationWindow *self)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *corner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Presentation"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1280, 720);
  gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");

  self->area = gtk_drawing_area_new ();
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_widget_set_vexpand (self->area, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_page_cb, self, NULL);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->area);

  /* Top right: the area of the cross-section, and a way out for a mouse */
  self->regions = gtk_drop_down_new (NULL, NULL);
  gtk_widget_set_tooltip_text (self->regions, _("Area shown in the section (Up and Down keys)"));
  gtk_widget_set_visible (self->regions, FALSE);
  gtk_widget_add_css_class (self->regions, "osd");
  gtk_widget_set_tooltip_text (close, _("Leave the Presentation (Esc)"));
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_add_css_class (close, "osd");
  gtk_widget_set_focusable (close, FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (close), "window.close");
  gtk_widget_set_halign (corner, GTK_ALIGN_END);
  gtk_widget_set_valign (corner, GTK_ALIGN_START);
  gtk_widget_set_margin_top (corner, 18);
  gtk_widget_set_margin_end (corner, 18);
  gtk_box_append (GTK_BOX (corner), self->regions);
  gtk_box_append (GTK_BOX (corner), close);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), corner);
  gtk_window_set_child (GTK_WINDOW (self), overlay);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed_cb), self);
  gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (click));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Presentation for the client"),
                                  -1);
}

/**
 * nm_education_window_new:
 * @parent: (nullable): the consultation window
 * @model: what to present
 *
 * A window that goes full screen when shown and leaves on Escape.
 *
 * Returns: (transfer none): the window, owned by GTK's toplevel list
 */
NmEducationWindow *
nm_education_window_new (GtkWindow        *parent,
                         NmEducationModel *model)
{
  NmEducationWindow *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const char * const *regions;

  g_return_val_if_fail (model != NULL, NULL);

  self = g_object_new (NM_TYPE_EDUCATION_WINDOW, NULL);
  self->model = nm_education_model_ref (model);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }

  regions = nm_education_model_get_regions (model);
  for (guint i = 0; regions[i] != NULL; i++)
    gtk_string_list_append (names, nm_vocab_region_name (regions[i]));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->regions), G_LIST_MODEL (names));
  sync_region_choice (self);
  g_signal_connect_swapped (self->regions, "notify::selected", G_CALLBACK (on_region_selected_cb), self);

  gtk_window_fullscreen (GTK_WINDOW (self));
  nm_education_window_restart (self);
  return self;
}

/**
 * nm_education_window_get_model:
 *
 * Returns: (transfer none): what the window presents
 */
NmEducationModel *
nm_education_window_get_model (NmEducationWindow *self)
{
  g_return_val_if_fail (NM_IS_EDUCATION_WINDOW (self), NULL);
  return self->model;
}

NmEducationPage
nm_education_window_get_page (NmEducationWindow *self)
{
  g_return_val_if_fail (NM_IS_EDUCATION_WINDOW (self), 0);
  return self->page;
}

void
nm_education_window_set_page (NmEducationWindow *self,
                              NmEducationPage    page)
{
  g_return_if_fail (NM_IS_EDUCATION_WINDOW (self));
  g_return_if_fail (page < NM_EDUCATION_N_PAGES);

  if (self->page == page)
    return;
  self->page = page;
  nm_education_window_restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

/**
 * nm_education_window_next:
 *
 * Returns: whether there was a next page
 */
gboolean
nm_education_window_next (NmEducationWindow *self)
{
  g_return_val_if_fail (NM_IS_EDUCATION_WINDOW (self), FALSE);

  if (self->page + 1 >= NM_EDUCATION_N_PAGES)
    return FALSE;
  nm_education_window_set_page (self, self->page + 1);
  return TRUE;
}

/**
 * nm_education_window_previous:
 *
 * Returns: whether there was a previous page
 */
gboolean
nm_education_window_previous (NmEducationWindow *self)
{
  g_return_val_if_fail (NM_IS_EDUCATION_WINDOW (self), FALSE);

  if (self->page == 0)
    return FALSE;
  nm_education_window_set_page (self, self->page - 1);
  return TRUE;
}
