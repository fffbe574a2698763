/* nm-map-view.c: the interactive anatomical map
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

#include "nm-map-view.h"
#include "nm-render-map.h"

struct _NmMapView
{
  GtkWidget       parent_instance;

  NmConsultation *consultation;
  gulong          changed_handler;
  NmView          view;
};

G_DEFINE_FINAL_TYPE (NmMapView, nm_map_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONSULTATION,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
nm_map_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  NmMapView *self = NM_MAP_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  NmMapStyle style = { 0 };
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  style.view = self->view;
  style.layer = NM_MAP_LAYER_FINDINGS;
  style.consultation = self->consultation;
  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  nm_render_map (cr, &style, width, height);
  cairo_destroy (cr);
}

static void
nm_map_view_dispose (GObject *object)
{
  NmMapView *self = NM_MAP_VIEW (object);

  nm_map_view_set_consultation (self, NULL);

  G_OBJECT_CLASS (nm_map_view_parent_class)->dispose (object);
}

static void
nm_map_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NmMapView *self = NM_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      g_value_set_object (value, self->consultation);
      break;

    case PROP_VIEW:
      g_value_set_int (value, self->view);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_map_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  NmMapView *self = NM_MAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      nm_map_view_set_consultation (self, g_value_get_object (value));
      break;

    case PROP_VIEW:
      nm_map_view_set_view (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_map_view_class_init (NmMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_map_view_dispose;
  object_class->get_property = nm_map_view_get_property;
  object_class->set_property = nm_map_view_set_property;
  widget_class->snapshot = nm_map_view_snapshot;

  properties[PROP_CONSULTATION] =
    g_param_spec_object ("consultation", NULL, NULL, NM_TYPE_CONSULTATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW] =
    g_param_spec_int ("view", NULL, NULL, 0, NM_N_VIEWS - 1, NM_VIEW_FACE_FRONT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "nm-map-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
on_dark_changed_cb (NmMapView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
nm_map_view_init (NmMapView *self)
{
  self->view = NM_VIEW_FACE_FRONT;
  gtk_widget_set_size_request (GTK_WIDGET (self), 240, 240);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, nm_view_name (self->view),
                                  -1);
}

GtkWidget *
nm_map_view_new (void)
{
  return g_object_new (NM_TYPE_MAP_VIEW, NULL);
}

NmConsultation *
nm_map_view_get_consultation (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NULL);
  return self->consultation;
}

void
nm_map_view_set_consultation (NmMapView      *self,
                              NmConsultation *consultation)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));
  g_return_if_fail (!consultation || NM_IS_CONSULTATION (consultation));

  if (self->consultation == consultation)
    return;

  if (self->consultation != NULL)
    g_clear_signal_handler (&self->changed_handler, self->consultation);
  g_set_object (&self->consultation, consultation);
  if (consultation != NULL)
    self->changed_handler = g_signal_connect_object (consultation, "changed",
                                                     G_CALLBACK (gtk_widget_queue_draw),
                                                     self, G_CONNECT_SWAPPED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSULTATION]);
}

NmView
nm_map_view_get_view (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NM_VIEW_FACE_FRONT);
  return self->view;
}

void
nm_map_view_set_view (NmMapView *self,
                      NmView     view)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));
  g_return_if_fail (view < NM_N_VIEWS);

  if (self->view == view)
    return;
  self->view = view;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, nm_view_name (view),
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}
