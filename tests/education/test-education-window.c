/* test-education-window.c: the presentation opens full screen and closes,
 * under Xvfb
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <adwaita.h>
#include <string.h>

#include "nm-education-window.h"
#include "nm-window.h"
#include "../app/window-test-util.h"

static void
spin (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static NmEducationWindow *
find_presentation (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  NmEducationWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (NM_IS_EDUCATION_WINDOW (window))
        {
          g_assert_null (found);
          found = NM_EDUCATION_WINDOW (window);
        }
    }
  return found;
}

static NmWindow *
window_with_sample (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);
  g_autofree char *path = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (window_test_open (window, file, &error));
  g_assert_no_error (error);
  nm_consultation_set_client_name (nm_window_get_consultation (window), "Quintessa Zybrowski");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  spin ();
  return window;
}

static cairo_surface_t *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_cmpint (width, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint
count_colours (cairo_surface_t *surface)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y += 2)
    for (int x = 0; x < width; x += 2)
      g_hash_table_add (seen, GUINT_TO_POINTER (*(const guint32 *) (data + y * stride + x * 4) | 1));
  return g_hash_table_size (seen);
}

/* F5's action opens a full-screen presentation; "window.close", which
 * Escape triggers, takes it away again. */
static void
test_present_opens_and_closes (void)
{
  NmWindow *window = window_with_sample ();
  NmEducationWindow *presentation;
  cairo_surface_t *surface;
  g_autoptr(GtkWidget) watch = NULL;

  g_assert_null (find_presentation ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL));
  presentation = find_presentation ();
  g_assert_nonnull (presentation);
  watch = g_object_ref (GTK_WIDGET (presentation));

  gtk_test_widget_wait_for_draw (GTK_WIDGET (presentation));
  for (guint i = 0; i < 200 && !gtk_window_is_fullscreen (GTK_WINDOW (presentation)); i++)
    {
      g_usleep (10000);
      spin ();
    }
  g_assert_true (gtk_window_is_fullscreen (GTK_WINDOW (presentation)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (presentation)));

  /* no identifier in the window's title either */
  g_assert_null (strstr (gtk_window_get_title (GTK_WINDOW (presentation)), "Quintessa"));

  /* it draws the first page: a real picture, not a flat colour */
  surface = render_widget (GTK_WIDGET (presentation));
  g_assert_cmpuint (count_colours (surface), >, 50);
  cairo_surface_destroy (surface);

  /* pages go forward and back, and stop at both ends */
  g_assert_cmpuint (nm_education_window_get_page (presentation), ==, NM_EDUCATION_PAGE_NEEDLING);
  g_assert_false (nm_education_window_previous (presentation));
  for (guint i = 1; i < NM_EDUCATION_N_PAGES; i++)
    g_assert_true (nm_education_window_next (presentation));
  g_assert_cmpuint (nm_education_window_get_page (presentation), ==, NM_EDUCATION_PAGE_AFTERCARE);
  g_assert_false (nm_education_window_next (presentation));
  g_assert_true (nm_education_window_previous (presentation));
  g_assert_cmpuint (nm_education_window_get_page (presentation), ==, NM_EDUCATION_PAGE_SERIES);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (presentation));

  /* the model holds no identifier: the consultation's name stays behind */
  g_assert_cmpuint (nm_education_model_get_fitzpatrick (nm_education_window_get_model (presentation)), ==, 4);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (presentation), "window.close", NULL));
  spin ();
  g_assert_null (find_presentation ());
  g_assert_false (gtk_widget_get_visible (watch));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Escape leaves: deliver the key the way the window's key controller gets it. */
static void
test_escape_closes (void)
{
  NmWindow *window = window_with_sample ();
  NmEducationWindow *presentation;
  GListModel *controllers;
  gboolean handled = FALSE;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL);
  presentation = find_presentation ();
  g_assert_nonnull (presentation);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (presentation));

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (presentation));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          /* Page Down, as a clicker sends it, turns the page */
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Page_Down, 0, 0, &handled);
          g_assert_true (handled);
          g_assert_cmpuint (nm_education_window_get_page (presentation), ==, NM_EDUCATION_PAGE_HEALING);
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Page_Up, 0, 0, &handled);
          g_assert_cmpuint (nm_education_window_get_page (presentation), ==, NM_EDUCATION_PAGE_NEEDLING);
          /* Down changes the area of the section on the first page */
          g_assert_cmpstr (nm_education_model_get_region (nm_education_window_get_model (presentation)),
                           ==, "cheek-left");
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
          g_assert_cmpstr (nm_education_model_get_region (nm_education_window_get_model (presentation)),
                           ==, "cheek-right");
          g_assert_cmpuint (nm_education_window_get_page (presentation), ==, NM_EDUCATION_PAGE_NEEDLING);
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
        }
    }
  g_object_unref (controllers);
  g_assert_true (handled);
  spin ();
  g_assert_null (find_presentation ());

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Without a consultation there is nothing to present. */
static void
test_present_needs_consultation (void)
{
  NmWindow *window = g_object_new (NM_TYPE_WINDOW, NULL);

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.present", NULL);
  spin ();
  g_assert_null (find_presentation ());
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/education/window/present-opens-and-closes", test_present_opens_and_closes);
  g_test_add_func ("/education/window/escape-closes", test_escape_closes);
  g_test_add_func ("/education/window/needs-consultation", test_present_needs_consultation);

  return g_test_run ();
}
