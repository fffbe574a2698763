/* test-icons.c
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The icons are drawn and checked like any other picture: the right size,
 * transparent around the tile, a real drawing rather than an empty canvas,
 * and a symbolic icon in one colour only so that GTK can recolour it.
 */

#include "config.h"

#include <stdlib.h>

#include <cairo.h>
#include <glib.h>
#include <librsvg/rsvg.h>

#define ICONS_DIR TOP_SRCDIR "/resources/icons"
#define APP_ICON ICONS_DIR "/scalable/apps/" APP_ID ".svg"
#define SYMBOLIC_ICON ICONS_DIR "/symbolic/apps/" APP_ID "-symbolic.svg"

static RsvgHandle *
load_icon (const char *path,
           double      expected_size)
{
  g_autoptr(GError) error = NULL;
  RsvgHandle *handle;
  double width = 0, height = 0;

  handle = rsvg_handle_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (handle);

  g_assert_true (rsvg_handle_get_intrinsic_size_in_pixels (handle, &width, &height));
  g_assert_cmpfloat (width, ==, expected_size);
  g_assert_cmpfloat (height, ==, expected_size);

  return handle;
}

static cairo_surface_t *
render_icon (RsvgHandle *handle,
             int         size)
{
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  RsvgRectangle viewport = { 0, 0, size, size };

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cr = cairo_create (surface);
  g_assert_true (rsvg_handle_render_document (handle, cr, &viewport, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static guint32
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return *(const guint32 *) (data + y * stride + x * 4);
}

static guint
alpha_of (guint32 pixel)
{
  return pixel >> 24;
}

/* Un-premultiplies one channel of an ARGB32 pixel. */
static guint
channel_of (guint32 pixel,
            guint   shift)
{
  guint alpha = alpha_of (pixel);
  guint value = (pixel >> shift) & 0xff;

  return alpha == 0 ? 0 : (value * 255 + alpha / 2) / alpha;
}

static void
test_app_icon (void)
{
  RsvgHandle *handle = load_icon (APP_ICON, 128);
  cairo_surface_t *surface = render_icon (handle, 128);
  g_autoptr(GHashTable) colours = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint opaque = 0;

  /* The tile sits on a transparent canvas with round corners. */
  g_assert_cmpuint (alpha_of (pixel_at (surface, 0, 0)), ==, 0);
  g_assert_cmpuint (alpha_of (pixel_at (surface, 127, 0)), ==, 0);
  g_assert_cmpuint (alpha_of (pixel_at (surface, 17, 13)), <, 255);
  g_assert_cmpuint (alpha_of (pixel_at (surface, 64, 64)), ==, 255);

  for (int y = 0; y < 128; y++)
    for (int x = 0; x < 128; x++)
      {
        guint32 pixel = pixel_at (surface, x, y);

        if (alpha_of (pixel) == 255)
          {
            opaque++;
            /* Quantise so that gradients count as a handful of colours. */
            g_hash_table_add (colours, GUINT_TO_POINTER (pixel & 0x00e0e0e0));
          }
      }

  /* Most of the canvas is covered, in many colours: a drawing, not a box. */
  g_assert_cmpuint (opaque, >, 128 * 128 / 2);
  g_assert_cmpuint (opaque, <, 128 * 128 * 9 / 10);
  g_assert_cmpuint (g_hash_table_size (colours), >=, 12);

  cairo_surface_destroy (surface);
  g_object_unref (handle);
}

static void
check_symbolic_at (RsvgHandle *handle,
                   int         size)
{
  cairo_surface_t *surface = render_icon (handle, size);
  guint painted = 0;

  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        guint32 pixel = pixel_at (surface, x, y);

        /* Faint edge pixels lose precision when un-premultiplied. */
        if (alpha_of (pixel) < 64)
          continue;

        painted++;
        g_assert_cmpint (abs ((int) channel_of (pixel, 16) - 0x2e), <=, 4);
        g_assert_cmpint (abs ((int) channel_of (pixel, 8) - 0x34), <=, 4);
        g_assert_cmpint (abs ((int) channel_of (pixel, 0) - 0x36), <=, 4);
      }

  /* Enough ink to read, enough air to be a line drawing. */
  g_assert_cmpuint (painted, >, size * size / 8);
  g_assert_cmpuint (painted, <, size * size / 2);

  cairo_surface_destroy (surface);
}

static void
test_symbolic_icon (void)
{
  RsvgHandle *handle = load_icon (SYMBOLIC_ICON, 16);

  check_symbolic_at (handle, 16);
  check_symbolic_at (handle, 64);

  g_object_unref (handle);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/icons/app", test_app_icon);
  g_test_add_func ("/data/icons/symbolic", test_symbolic_icon);

  return g_test_run ();
}
