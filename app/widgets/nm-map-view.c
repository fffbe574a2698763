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
#include <math.h>

#include "nm-atlas.h"
#include "nm-finding.h"
#include "nm-map-view.h"

/* Everything a frame of the map depends on. Two equal keys draw equal
 * frames, so the texture of the last one is appended again. */
typedef struct
{
  int             width, height, scale;
  NmView          view;
  NmMapLayer      layer;
  gboolean        dark;
  const char     *hover;         /* interned */
  const char     *focus_ring;    /* interned; NULL when no ring is drawn */
  /* Bumped whenever the selection, the consultation (another one, or its
   * ::changed), the plan (plans are immutable) or the outline being drawn
   * changes. */
  guint           serial;
} FrameKey;

/* A live resize waits this long without a new size before the map is
 * drawn exactly at its size; meanwhile the last frame is shown scaled. */
#define SETTLE_MS 150

/* The widget only turns pointer and keys into selections and signals; every
 * pixel is drawn by nm_render_map(), the same function the PDF and the PNG
 * export use. */
struct _NmMapView
{
  GtkWidget       parent_instance;

  NmConsultation *consultation;
  gulong          changed_handler;
  NmPlan         *plan;
  NmView          view;
  NmMapLayer      layer;
  NmMapTool       tool;

  GPtrArray      *selection;     /* interned region ids, NULL-terminated */
  const char     *hover;         /* interned */
  const char     *focus_region;  /* interned */

  GArray         *stroke;        /* widget-space points of an outline in progress */
  gboolean        keyboard_nav;  /* the keyboard moved or brought the focus: the
                                  * focus region is shown, and its ring */
  double          drag_x;
  double          drag_y;

  /* The last frame, kept as a texture and appended again while nothing it
   * depends on has changed (see FrameKey). */
  GdkTexture     *texture;
  FrameKey        texture_key;
  guint           serial;        /* see FrameKey */
  guint           settle_id;     /* the exact redraw once a live resize settles */

  /* The exact frame at a new size is drawn on a worker thread (see
   * start_render()). */
  FrameKey        requested;     /* the last frame asked of it */
  gboolean        requested_valid;
  GCancellable   *cancellable;   /* of the render in flight */
  guint           generation;    /* bumped when a render's result goes stale */
  NmConsultation *snapshot;      /* the consultation as the worker reads it */
  guint           snapshot_serial;
};

G_DEFINE_FINAL_TYPE (NmMapView, nm_map_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONSULTATION,
  PROP_VIEW,
  PROP_LAYER,
  PROP_TOOL,
  N_PROPS
};

enum {
  SELECTION_CHANGED,
  REGION_TAGGED,
  OUTLINE_DRAWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define MAX_OUTLINE_POINTS 400

static const char *
region_at (NmMapView *self,
           double     x,
           double     y)
{
  NmAtlas *atlas = nm_atlas_get_default ();

  if (atlas == NULL)
    return NULL;
  return nm_atlas_region_at (atlas, self->view,
                             gtk_widget_get_width (GTK_WIDGET (self)),
                             gtk_widget_get_height (GTK_WIDGET (self)),
                             x, y);
}

static gboolean
is_selected (NmMapView  *self,
             const char *region)
{
  for (guint i = 0; i + 1 < self->selection->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->selection, i), region) == 0)
      return TRUE;
  return FALSE;
}

static guint
count_findings (NmMapView  *self,
                const char *region)
{
  guint n = 0;

  if (self->consultation == NULL)
    return 0;
  for (guint i = 0; i < nm_consultation_get_n_findings (self->consultation); i++)
    if (g_strcmp0 (nm_finding_get_region (nm_consultation_get_finding (self->consultation, i)), region) == 0)
      n++;
  return n;
}

/* One line about a region, for the tooltip and for screen readers. */
static char *
describe_region (NmMapView  *self,
                 const char *region)
{
  g_autoptr(GString) text = g_string_new (nm_vocab_region_name (region));
  guint n = count_findings (self, region);
  const NmPlanRegion *planned = self->plan != NULL ? nm_plan_lookup_region (self->plan, region) : NULL;

  if (n > 0)
    {
      g_string_append (text, ": ");
      g_string_append_printf (text, ngettext ("%u finding", "%u findings", n), n);
    }
  if (planned != NULL && planned->treat)
    {
      g_autofree char *min = nm_format_mm_display (planned->min_mm);
      g_autofree char *max = nm_format_mm_display (planned->max_mm);

      if (planned->min_mm == planned->max_mm)
        g_string_append_printf (text, _(", %s mm"), max);
      else
        g_string_append_printf (text, _(", %s–%s mm"), min, max);
    }
  else if (planned != NULL)
    g_string_append (text, _(", not needled"));
  else if (nm_vocab_region_never_treated (region))
    g_string_append (text, _(", never needled"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_accessible (NmMapView *self)
{
  g_autofree char *description = NULL;

  if (self->focus_region != NULL)
    description = describe_region (self, self->focus_region);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, nm_view_name (self->view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : _("Use the arrow keys to move between regions and Enter to tag"),
                                  -1);
}

/* What a frame drawn now would depend on. */
static void
frame_key_init (NmMapView *self,
                FrameKey  *key)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const char *keyboard = gtk_widget_has_focus (widget) ? nm_map_view_get_keyboard_region (self) : NULL;

  key->width = gtk_widget_get_width (widget);
  key->height = gtk_widget_get_height (widget);
  key->scale = gtk_widget_get_scale_factor (widget);
  key->view = self->view;
  key->layer = self->layer;
  key->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  key->hover = self->hover != NULL ? self->hover : keyboard;
  key->focus_ring = keyboard;
  key->serial = self->serial;
}

/* Equal but for the size and the pixel density. */
static gboolean
frame_key_same_content (const FrameKey *a,
                        const FrameKey *b)
{
  return a->view == b->view && a->layer == b->layer && a->dark == b->dark &&
         a->hover == b->hover && a->focus_ring == b->focus_ring && a->serial == b->serial;
}

static gboolean
frame_key_equal (const FrameKey *a,
                 const FrameKey *b)
{
  return a->width == b->width && a->height == b->height && a->scale == b->scale &&
         frame_key_same_content (a, b);
}

/* Something the frame depends on changed beyond what FrameKey reads from
 * the widget itself. */
static void
invalidate (NmMapView *self)
{
  self->serial++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Everything one frame draws, for drawing it on a worker thread while the
 * widget goes on changing: the consultation as a snapshot, the plan (which
 * never changes) with a reference, the selection's interned ids and the
 * outline being drawn as copies. */
typedef struct
{
  FrameKey        key;
  NmMapStyle      style;
  NmConsultation *consultation;   /* owned: style.consultation */
  NmPlan         *plan;           /* owned: style.plan */
  GPtrArray      *selected;       /* owned: style.selected */
  GArray         *stroke;         /* nullable */
  guint           generation;
} FrameJob;

static void
frame_job_free (FrameJob *job)
{
  g_clear_object (&job->consultation);
  g_clear_pointer (&job->plan, nm_plan_unref);
  g_clear_pointer (&job->selected, g_ptr_array_unref);
  g_clear_pointer (&job->stroke, g_array_unref);
  g_free (job);
}

/* The style of a frame drawn now, reading the widget itself (main thread
 * only). */
static void
frame_style_init (NmMapView      *self,
                  const FrameKey *key,
                  NmMapStyle     *style)
{
  *style = (NmMapStyle) { 0 };
  style->view = key->view;
  style->layer = key->layer;
  style->consultation = self->consultation;
  style->plan = self->plan;
  style->hover_region = key->hover;
  style->selected = (const char * const *) self->selection->pdata;
  style->dark = key->dark;
  /* The widget draws the same size again (a hover, an edit): kept as
   * layers from the first drawing on. */
  style->settled = TRUE;
}

/* Draws one frame into an image at the screen's pixel density rather than
 * through gtk_snapshot_append_cairo(): GTK 4.8 records that into a vector
 * surface, which would bypass the atlas's raster cache and re-render the
 * SVG on every hover. Reads only its arguments: safe on a worker thread
 * for a FrameJob's copies. */
static GdkTexture *
draw_frame (const FrameKey   *key,
            const NmMapStyle *style,
            const GArray     *stroke)
{
  int width = key->width, height = key->height, scale = key->scale;
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  nm_render_map (cr, style, width, height);

  /* The depth layer carries its scale in mm, in the band the figure
   * leaves free: never over the head or its hair. */
  if (key->layer == NM_MAP_LAYER_DEPTH && width > 200 && height > 120)
    nm_render_map_legend (cr, style->view, width, height, style->dark);

  /* The outline being drawn, on top. */
  if (stroke != NULL && stroke->len > 1)
    {
      cairo_set_line_width (cr, 2.5);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.9);
      for (guint i = 0; i < stroke->len; i++)
        {
          const NmPoint *p = &g_array_index (stroke, NmPoint, i);

          if (i == 0)
            cairo_move_to (cr, p->x, p->y);
          else
            cairo_line_to (cr, p->x, p->y);
        }
      cairo_stroke (cr);
    }

  /* A keyboard focus ring around the focused region's anchor. */
  if (key->focus_ring != NULL)
    {
      NmAtlas *atlas = nm_atlas_get_default ();
      double x, y, w, h;

      if (atlas != NULL &&
          nm_atlas_region_bounds (atlas, key->view, key->focus_ring, width, height, &x, &y, &w, &h))
        {
          cairo_set_line_width (cr, 2.0);
          cairo_set_dash (cr, (double[]) { 4.0, 3.0 }, 2, 0);
          cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);
          cairo_rectangle (cr, x - 3, y - 3, w + 6, h + 6);
          cairo_stroke (cr);
        }
    }

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height * scale,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes,
                                 cairo_image_surface_get_stride (surface));
}

static void
set_texture (NmMapView      *self,
             GdkTexture     *texture,
             const FrameKey *key)
{
  g_set_object (&self->texture, texture);
  self->texture_key = *key;
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FrameJob *job = task_data;

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, draw_frame (&job->key, &job->style, job->stroke), g_object_unref);
}

static void
on_rendered_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(NmMapView) self = user_data;   /* the reference the task kept */
  FrameJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  /* A newer frame was asked for (or the widget went away) meanwhile. */
  if (texture == NULL || job->generation != self->generation || self->cancellable == NULL)
    return;
  g_clear_object (&self->cancellable);
  set_texture (self, texture, &job->key);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The consultation as the worker reads it: copied once per state of it
 * (a resize does not change it). */
static NmConsultation *
ref_consultation_snapshot (NmMapView *self)
{
  if (self->consultation == NULL)
    return NULL;
  if (self->snapshot == NULL || self->snapshot_serial != self->serial)
    {
      g_clear_object (&self->snapshot);
      self->snapshot = nm_consultation_snapshot (self->consultation);
      self->snapshot_serial = self->serial;
    }
  return g_object_ref (self->snapshot);
}

/* Drops a frame being drawn on the worker thread: its result will not be
 * shown. */
static void
cancel_render (NmMapView *self)
{
  self->generation++;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

/* Draws the frame of @key on a worker thread; the texture replaces the
 * scaled one when it is done, unless a newer one was asked for. */
static void
start_render (NmMapView      *self,
              const FrameKey *key)
{
  g_autoptr(GTask) task = NULL;
  FrameJob *job = g_new0 (FrameJob, 1);

  cancel_render (self);
  self->cancellable = g_cancellable_new ();

  job->key = *key;
  job->generation = self->generation;
  self->requested = *key;
  self->requested_valid = TRUE;
  frame_style_init (self, key, &job->style);
  job->consultation = ref_consultation_snapshot (self);
  job->plan = self->plan != NULL ? nm_plan_ref (self->plan) : NULL;
  job->selected = g_ptr_array_copy (self->selection, NULL, NULL);
  if (self->stroke != NULL)
    job->stroke = g_array_copy (self->stroke);
  job->style.consultation = job->consultation;
  job->style.plan = job->plan;
  job->style.selected = (const char * const *) job->selected->pdata;

  /* No source object: the task may be finalized on the worker thread, and
   * the widget must not be; the reference in user_data is dropped in the
   * callback, on this thread. */
  task = g_task_new (NULL, self->cancellable, on_rendered_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_render);
  g_task_set_task_data (task, job, (GDestroyNotify) frame_job_free);
  g_task_run_in_thread (task, render_thread);
}

static gboolean
on_settled_cb (gpointer data)
{
  NmMapView *self = data;
  FrameKey key;

  self->settle_id = 0;
  frame_key_init (self, &key);
  if (key.width > 0 && key.height > 0 &&
      (self->texture == NULL || !frame_key_equal (&key, &self->texture_key)))
    start_render (self, &key);
  else
    self->requested_valid = FALSE;
  return G_SOURCE_REMOVE;
}

/* Whether a frame of @b shown scaled stands for @a until @a is drawn: the
 * same view and layer in the same colours, at another size or density (a
 * hover or an edit meanwhile shows a moment later). */
static gboolean
frame_key_can_scale (const FrameKey *a,
                     const FrameKey *b)
{
  return a->view == b->view && a->layer == b->layer && a->dark == b->dark &&
         (a->width != b->width || a->height != b->height || a->scale != b->scale);
}

/* The exact frame of @key is wanted: at a new size, once no new size has
 * come for SETTLE_MS (a live resize sends one every frame); at the same
 * size with other content, at once. Either is drawn on a worker thread. */
static void
request_render (NmMapView      *self,
                const FrameKey *key)
{
  gboolean new_size, pending = self->settle_id != 0 || self->cancellable != NULL;

  if (pending && self->requested_valid && frame_key_equal (key, &self->requested))
    return;
  new_size = !self->requested_valid || self->requested.width != key->width ||
             self->requested.height != key->height || self->requested.scale != key->scale;
  self->requested = *key;
  self->requested_valid = TRUE;

  if (new_size)
    {
      cancel_render (self);
      g_clear_handle_id (&self->settle_id, g_source_remove);
      self->settle_id = g_timeout_add (SETTLE_MS, on_settled_cb, self);
    }
  else if (!pending)
    start_render (self, key);
  /* else other content at the size being drawn: once that frame is in,
   * its size's layers are kept and the main thread draws the change at
   * the cost of a hover. */
}

/* While a new size is unsettled or drawn on the worker thread: the last
 * frame, scaled so that its view lies where the view lies at the new size.
 * Rendering the map at a size not drawn before costs a full rendering of
 * the SVG and every outline; scaling the last texture costs the GPU (or
 * the software renderer) one textured rectangle. */
static void
append_scaled (NmMapView   *self,
               GtkSnapshot *snapshot,
               int          width,
               int          height)
{
  double x, y, w, h;

  nm_render_map_rescale (self->view, self->texture_key.width, self->texture_key.height,
                         width, height, &x, &y, &w, &h);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (x, y, w, h));
  gtk_snapshot_pop (snapshot);
}

static void
nm_map_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  NmMapView *self = NM_MAP_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkTexture) texture = NULL;
  NmMapStyle style;
  FrameKey key;

  if (width <= 0 || height <= 0)
    return;

  /* Nothing changed: the last texture again, no drawing and no upload. */
  frame_key_init (self, &key);
  if (self->texture != NULL && frame_key_equal (&key, &self->texture_key))
    {
      gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
      return;
    }
  /* A new size: the last frame scaled now, the exact one from the worker
   * thread. */
  if (self->texture != NULL && frame_key_can_scale (&key, &self->texture_key))
    {
      append_scaled (self, snapshot, width, height);
      request_render (self, &key);
      return;
    }

  /* The size of the last frame (whose layers the atlas keeps), or the
   * very first frame, or another view or layer: drawn here, and whatever
   * the worker thread draws is stale. */
  cancel_render (self);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->requested_valid = FALSE;
  frame_style_init (self, &key, &style);
  texture = draw_frame (&key, &style, self->stroke);
  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
  set_texture (self, texture, &key);
}

/* For the tests and the benchmark: whether the frame the widget shows now
 * is the exact drawing at its size and of its content (not the last frame
 * scaled, nor one still being drawn). */
gboolean
nm_map_view_is_exact (NmMapView *self)
{
  FrameKey key;

  g_return_val_if_fail (NM_IS_MAP_VIEW (self), FALSE);

  frame_key_init (self, &key);
  return self->texture != NULL && frame_key_equal (&key, &self->texture_key);
}

/* For the tests: whether a frame is being drawn on the worker thread. */
gboolean
nm_map_view_is_rendering (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), FALSE);

  return self->cancellable != NULL;
}

static void
set_hover (NmMapView  *self,
           const char *region)
{
  if (self->hover == region)
    return;
  self->hover = region;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   region == NULL ? NULL :
                                   self->tool == NM_MAP_TOOL_OUTLINE ? "crosshair" : "pointer");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              NmMapView                *self)
{
  set_hover (self, region_at (self, x, y));
}

static void
on_leave_cb (GtkEventControllerMotion *motion,
             NmMapView                *self)
{
  set_hover (self, NULL);
}

static void
set_selection_internal (NmMapView          *self,
                        const char * const *regions)
{
  g_ptr_array_set_size (self->selection, 0);
  for (guint i = 0; regions != NULL && regions[i] != NULL; i++)
    {
      const char *id = g_intern_string (regions[i]);

      if (!g_ptr_array_find (self->selection, id, NULL))
        g_ptr_array_add (self->selection, (gpointer) id);
    }
  g_ptr_array_add (self->selection, NULL);
  self->serial++;
}

/* What a click or Enter does to @region: tags it with the brush, or selects
 * it (adding it to the selection when @extend, as Ctrl+click does). */
void
nm_map_view_activate_region (NmMapView  *self,
                             const char *region,
                             gboolean    extend)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));

  if (region == NULL)
    {
      if (!extend && self->selection->len > 1)
        nm_map_view_set_selection (self, NULL);
      return;
    }

  region = g_intern_string (region);
  self->focus_region = region;

  if (self->tool == NM_MAP_TOOL_BRUSH && !extend)
    {
      const char *one[] = { region, NULL };

      nm_map_view_set_selection (self, one);
      g_signal_emit (self, signals[REGION_TAGGED], 0, region);
      return;
    }

  if (extend)
    {
      g_autoptr(GPtrArray) next = g_ptr_array_new ();

      for (guint i = 0; i + 1 < self->selection->len; i++)
        if (g_ptr_array_index (self->selection, i) != region)
          g_ptr_array_add (next, g_ptr_array_index (self->selection, i));
      if (!is_selected (self, region))
        g_ptr_array_add (next, (gpointer) region);
      g_ptr_array_add (next, NULL);
      nm_map_view_set_selection (self, (const char * const *) next->pdata);
    }
  else
    {
      const char *one[] = { region, NULL };

      nm_map_view_set_selection (self, one);
    }
}

static void
on_pressed_cb (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               NmMapView       *self)
{
  GdkModifierType state;

  if (self->tool == NM_MAP_TOOL_OUTLINE)
    return;

  self->keyboard_nav = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  nm_map_view_activate_region (self, region_at (self, x, y),
                               (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0);
}

/* Widget coordinates to the 0–1 coordinates of the view that outlines are
 * stored in. */
static gboolean
widget_to_view (NmMapView *self,
                double     x,
                double     y,
                NmPoint   *out)
{
  NmAtlas *atlas = nm_atlas_get_default ();

  if (atlas == NULL)
    return FALSE;
  nm_atlas_widget_to_view (atlas, self->view, gtk_widget_get_width (GTK_WIDGET (self)),
                           gtk_widget_get_height (GTK_WIDGET (self)), x, y, &out->x, &out->y);
  /* A ten-thousandth of the view is far below a pixel: kept to that, the
   * numbers in the file stay short. */
  out->x = round (out->x * 10000.0) / 10000.0;
  out->y = round (out->y * 10000.0) / 10000.0;
  return TRUE;
}

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  NmMapView      *self)
{
  NmPoint p = { x, y };

  if (self->tool != NM_MAP_TOOL_OUTLINE || region_at (self, x, y) == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->keyboard_nav = FALSE;
  self->drag_x = x;
  self->drag_y = y;
  g_clear_pointer (&self->stroke, g_array_unref);
  self->stroke = g_array_new (FALSE, FALSE, sizeof (NmPoint));
  g_array_append_val (self->stroke, p);
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          dx,
                   double          dy,
                   NmMapView      *self)
{
  NmPoint p = { self->drag_x + dx, self->drag_y + dy };
  const NmPoint *last;

  if (self->stroke == NULL || self->stroke->len >= MAX_OUTLINE_POINTS)
    return;
  last = &g_array_index (self->stroke, NmPoint, self->stroke->len - 1);
  if (hypot (p.x - last->x, p.y - last->y) < 4.0)
    return;
  g_array_append_val (self->stroke, p);
  invalidate (self);
}

static void
on_drag_end_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                NmMapView      *self)
{
  g_autoptr(GArray) stroke = g_steal_pointer (&self->stroke);
  g_autoptr(GArray) points = NULL;
  const NmPoint *first;
  const char *region;

  invalidate (self);
  if (stroke == NULL || stroke->len < 3)
    return;

  first = &g_array_index (stroke, NmPoint, 0);
  region = region_at (self, first->x, first->y);
  if (region == NULL)
    return;

  points = g_array_sized_new (FALSE, FALSE, sizeof (NmPoint), stroke->len);
  for (guint i = 0; i < stroke->len; i++)
    {
      const NmPoint *p = &g_array_index (stroke, NmPoint, i);
      NmPoint v;

      if (widget_to_view (self, p->x, p->y, &v))
        g_array_append_val (points, v);
    }
  if (points->len < 3)
    return;

  g_signal_emit (self, signals[OUTLINE_DRAWN], 0, region, points->data, points->len);
}

/* Moves the keyboard focus to the region whose anchor lies nearest in the
 * direction (dx, dy); with (0, 0) in reading order, dy giving the step. */
gboolean
nm_map_view_move_focus (NmMapView *self,
                        int        dx,
                        int        dy)
{
  NmAtlas *atlas = nm_atlas_get_default ();
  const char * const *regions;
  const char *best = NULL;
  double best_score = G_MAXDOUBLE;
  double fx = 0, fy = 0;
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (NM_IS_MAP_VIEW (self), FALSE);

  if (atlas == NULL || w <= 0 || h <= 0)
    return FALSE;
  regions = nm_atlas_regions_in_view (atlas, self->view);
  if (regions == NULL || regions[0] == NULL)
    return FALSE;

  if (self->focus_region == NULL ||
      !nm_atlas_region_anchor (atlas, self->view, self->focus_region, w, h, &fx, &fy))
    {
      self->focus_region = g_intern_string (regions[0]);
      goto done;
    }

  if (dx == 0 && dy != 0 && (dy == 2 || dy == -2))
    {
      /* Tab order: the atlas's own order, which runs top to bottom. */
      guint n = g_strv_length ((char **) regions);
      guint i;

      for (i = 0; i < n; i++)
        if (g_strcmp0 (regions[i], self->focus_region) == 0)
          break;
      if ((dy > 0 && i + 1 >= n) || (dy < 0 && i == 0))
        return FALSE;
      self->focus_region = g_intern_string (regions[dy > 0 ? i + 1 : i - 1]);
      goto done;
    }

  for (guint i = 0; regions[i] != NULL; i++)
    {
      double x, y, along, across, score;

      if (g_strcmp0 (regions[i], self->focus_region) == 0 ||
          !nm_atlas_region_anchor (atlas, self->view, regions[i], w, h, &x, &y))
        continue;
      along = (x - fx) * dx + (y - fy) * dy;
      across = fabs ((x - fx) * dy) + fabs ((y - fy) * dx);
      if (along <= 1.0)
        continue;
      score = along + 2.0 * across;
      if (score < best_score)
        {
          best_score = score;
          best = regions[i];
        }
    }
  if (best == NULL)
    return TRUE;  /* stay: the edge of the map */
  self->focus_region = g_intern_string (best);

done:
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *key,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   NmMapView             *self)
{
  gboolean extend = (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0;
  gboolean handled;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      self->keyboard_nav = TRUE;
      return nm_map_view_move_focus (self, -1, 0);
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      self->keyboard_nav = TRUE;
      return nm_map_view_move_focus (self, 1, 0);
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      self->keyboard_nav = TRUE;
      return nm_map_view_move_focus (self, 0, -1);
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      self->keyboard_nav = TRUE;
      return nm_map_view_move_focus (self, 0, 1);
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
      if (state & GDK_CONTROL_MASK)
        return FALSE;
      handled = nm_map_view_move_focus (self, 0, 2);
      self->keyboard_nav = handled;
      return handled;
    case GDK_KEY_ISO_Left_Tab:
      if (state & GDK_CONTROL_MASK)
        return FALSE;
      handled = nm_map_view_move_focus (self, 0, -2);
      self->keyboard_nav = handled;
      return handled;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      self->keyboard_nav = TRUE;
      if (self->focus_region == NULL)
        nm_map_view_move_focus (self, 0, 0);
      nm_map_view_activate_region (self, self->focus_region, extend);
      return TRUE;
    case GDK_KEY_space:
      self->keyboard_nav = TRUE;
      if (self->focus_region == NULL)
        nm_map_view_move_focus (self, 0, 0);
      nm_map_view_activate_region (self, self->focus_region,
                                   self->tool == NM_MAP_TOOL_BRUSH ? FALSE : TRUE);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->selection->len > 1)
        {
          nm_map_view_set_selection (self, NULL);
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

static gboolean
on_query_tooltip_cb (GtkWidget  *widget,
                     int         x,
                     int         y,
                     gboolean    keyboard,
                     GtkTooltip *tooltip,
                     NmMapView  *self)
{
  const char *region = keyboard ? self->focus_region : region_at (self, x, y);
  g_autofree char *text = NULL;

  if (region == NULL)
    return FALSE;
  text = describe_region (self, region);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_focus_changed_cb (NmMapView *self)
{
  if (gtk_widget_has_focus (GTK_WIDGET (self)) && self->focus_region == NULL)
    nm_map_view_move_focus (self, 0, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Tab or F6 brings the focus: the keyboard is in use, and the region it
 * is on is shown at once. A click focuses the map through
 * gtk_widget_grab_focus(), not here. */
static gboolean
nm_map_view_focus (GtkWidget        *widget,
                   GtkDirectionType  direction)
{
  NmMapView *self = NM_MAP_VIEW (widget);

  if (gtk_widget_is_focus (widget))
    return FALSE;
  self->keyboard_nav = TRUE;
  return gtk_widget_grab_focus (widget);
}

static void
nm_map_view_dispose (GObject *object)
{
  NmMapView *self = NM_MAP_VIEW (object);

  nm_map_view_set_consultation (self, NULL);
  g_clear_pointer (&self->plan, nm_plan_unref);
  g_clear_pointer (&self->stroke, g_array_unref);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  cancel_render (self);
  g_clear_object (&self->snapshot);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (nm_map_view_parent_class)->dispose (object);
}

static void
nm_map_view_finalize (GObject *object)
{
  NmMapView *self = NM_MAP_VIEW (object);

  g_clear_pointer (&self->selection, g_ptr_array_unref);

  G_OBJECT_CLASS (nm_map_view_parent_class)->finalize (object);
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

    case PROP_LAYER:
      g_value_set_int (value, self->layer);
      break;

    case PROP_TOOL:
      g_value_set_int (value, self->tool);
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

    case PROP_LAYER:
      nm_map_view_set_layer (self, g_value_get_int (value));
      break;

    case PROP_TOOL:
      nm_map_view_set_tool (self, g_value_get_int (value));
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
  object_class->finalize = nm_map_view_finalize;
  object_class->get_property = nm_map_view_get_property;
  object_class->set_property = nm_map_view_set_property;
  widget_class->snapshot = nm_map_view_snapshot;
  widget_class->focus = nm_map_view_focus;

  properties[PROP_CONSULTATION] =
    g_param_spec_object ("consultation", NULL, NULL, NM_TYPE_CONSULTATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW] =
    g_param_spec_int ("view", NULL, NULL, 0, NM_N_VIEWS - 1, NM_VIEW_FACE_FRONT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYER] =
    g_param_spec_int ("layer", NULL, NULL, NM_MAP_LAYER_FINDINGS, NM_MAP_LAYER_DEPTH,
                      NM_MAP_LAYER_FINDINGS,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOL] =
    g_param_spec_int ("tool", NULL, NULL, NM_MAP_TOOL_SELECT, NM_MAP_TOOL_OUTLINE,
                      NM_MAP_TOOL_SELECT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NmMapView::selection-changed:
   *
   * The selected regions changed.
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * NmMapView::region-tagged:
   * @region: the region id
   *
   * In brush mode, a region was clicked or activated from the keyboard.
   */
  signals[REGION_TAGGED] =
    g_signal_new ("region-tagged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * NmMapView::outline-drawn:
   * @region: the region the outline starts in
   * @points: (array length=n_points): NmPoint, normalised to the view
   * @n_points: the number of points
   */
  signals[OUTLINE_DRAWN] =
    g_signal_new ("outline-drawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_POINTER, G_TYPE_UINT);

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
  GtkEventController *controller;
  GtkGesture *gesture;

  self->view = NM_VIEW_FACE_FRONT;
  self->layer = NM_MAP_LAYER_FINDINGS;
  self->selection = g_ptr_array_new ();
  g_ptr_array_add (self->selection, NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 240, 240);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), self);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (on_focus_changed_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (on_focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);
  update_accessible (self);
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
                                                     G_CALLBACK (invalidate),
                                                     self, G_CONNECT_SWAPPED);
  if (self->selection != NULL)
    nm_map_view_set_selection (self, NULL);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSULTATION]);
}

void
nm_map_view_set_plan (NmMapView *self,
                      NmPlan    *plan)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));

  if (self->plan == plan)
    return;
  g_clear_pointer (&self->plan, nm_plan_unref);
  self->plan = plan != NULL ? nm_plan_ref (plan) : NULL;
  update_accessible (self);
  invalidate (self);
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
  self->hover = NULL;
  if (self->focus_region != NULL && !nm_vocab_region_in_view (self->focus_region, view))
    self->focus_region = NULL;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

NmMapLayer
nm_map_view_get_layer (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NM_MAP_LAYER_FINDINGS);
  return self->layer;
}

void
nm_map_view_set_layer (NmMapView  *self,
                       NmMapLayer  layer)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));

  if (self->layer == layer)
    return;
  self->layer = layer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
}

NmMapTool
nm_map_view_get_tool (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NM_MAP_TOOL_SELECT);
  return self->tool;
}

void
nm_map_view_set_tool (NmMapView *self,
                      NmMapTool  tool)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));

  if (self->tool == tool)
    return;
  self->tool = tool;
  g_clear_pointer (&self->stroke, g_array_unref);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

const char * const *
nm_map_view_get_selection (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NULL);
  return (const char * const *) self->selection->pdata;
}

void
nm_map_view_set_selection (NmMapView          *self,
                           const char * const *regions)
{
  g_return_if_fail (NM_IS_MAP_VIEW (self));

  set_selection_internal (self, regions);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/**
 * nm_map_view_get_keyboard_region:
 *
 * The keyboard's region is shown only while the keyboard is in use on the
 * map (it brought the focus, or moved it): after a click, the region
 * clicked last is no longer highlighted once the selection is cleared
 * (Escape, a click beside the figure), so that the map never highlights a
 * region while the Findings panel says that none is selected (issue 14).
 *
 * Returns: (nullable): the region the map shows as the keyboard's while
 *   it has the focus, highlighted and with its focus ring, or %NULL
 */
const char *
nm_map_view_get_keyboard_region (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NULL);

  return self->keyboard_nav ? self->focus_region : NULL;
}

const char *
nm_map_view_get_focus_region (NmMapView *self)
{
  g_return_val_if_fail (NM_IS_MAP_VIEW (self), NULL);
  return self->focus_region;
}
