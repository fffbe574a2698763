/* nm-export-png.c: `needlemap --export-png OUT.png FILE [--view VIEW] [--size WxH]`
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

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "nm-atlas.h"
#include "nm-export.h"
#include "nm-export-png.h"
#include "nm-file.h"
#include "nm-finding.h"
#include "nm-planner.h"
#include "nm-render-map.h"

/**
 * nm_export_png_parse_size:
 * @text: "WIDTHxHEIGHT", e.g. "1600x1200"
 * @width: (out): the width in pixels
 * @height: (out): the height in pixels
 *
 * Returns: %FALSE unless @text is two decimal integers from 1 to 8192
 *   joined by "x" (nothing else, not even spaces)
 */
gboolean
nm_export_png_parse_size (const char *text,
                          int        *width,
                          int        *height)
{
  guint64 w, h;
  const char *x;
  g_autofree char *left = NULL;

  if (text == NULL)
    return FALSE;
  x = strchr (text, 'x');
  if (x == NULL || x == text || x[1] == '\0')
    return FALSE;
  left = g_strndup (text, x - text);
  /* g_ascii_string_to_unsigned accepts digits only: no sign, no space. */
  if (!g_ascii_string_to_unsigned (left, 10, 1, NM_EXPORT_PNG_MAX_SIDE, &w, NULL)
      || !g_ascii_string_to_unsigned (x + 1, 10, 1, NM_EXPORT_PNG_MAX_SIDE, &h, NULL))
    return FALSE;
  if (!g_ascii_isdigit (left[0]) || !g_ascii_isdigit (x[1]))
    return FALSE;

  if (width != NULL)
    *width = (int) w;
  if (height != NULL)
    *height = (int) h;
  return TRUE;
}

/**
 * nm_export_png_default_view:
 *
 * The view exported when none is asked for: the first view, in the spec's
 * order (face-front, face-left, face-right, scalp, body-front, body-back),
 * that shows a region with a finding; face-front when there is none.
 */
NmView
nm_export_png_default_view (NmConsultation *consultation)
{
  guint n = consultation != NULL ? nm_consultation_get_n_findings (consultation) : 0;

  for (guint v = 0; v < NM_N_VIEWS; v++)
    for (guint i = 0; i < n; i++)
      if (nm_vocab_region_in_view (nm_finding_get_region (nm_consultation_get_finding (consultation, i)), v))
        return v;
  return NM_VIEW_FACE_FRONT;
}

/**
 * nm_export_png_default_size:
 *
 * The size exported when none is asked for: 1200 pixels high, and as wide
 * as the view needs at that height, but at least 960 so that the legend
 * reads, and at most 1600.
 */
void
nm_export_png_default_size (NmView  view,
                            int    *width,
                            int    *height)
{
  double vw, vh, w;
  const double h = NM_EXPORT_PNG_DEFAULT_HEIGHT;

  nm_atlas_view_size (nm_atlas_get_default (), view, &vw, &vh);
  /* About three quarters of the height is the map, see nm_render_depth_figure(). */
  w = ceil (h * 0.76 * vw / vh + h * 0.07);
  *width = (int) CLAMP (w, NM_EXPORT_PNG_MIN_WIDTH, 1600);
  *height = (int) h;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * nm_export_png_render:
 *
 * Draws nm_render_depth_figure() into a software image and encodes it.
 *
 * Returns: (transfer full) (nullable): the PNG file's bytes
 */
GBytes *
nm_export_png_render (NmConsultation  *consultation,
                      NmPlan          *plan,
                      NmView           view,
                      int              width,
                      int              height,
                      GError         **error)
{
  g_autoptr(GByteArray) png = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (view < NM_N_VIEWS, NULL);

  if (width < 1 || height < 1 || width > NM_EXPORT_PNG_MAX_SIDE || height > NM_EXPORT_PNG_MAX_SIDE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the size %d×%d is outside 1–%d pixels"), width, height, NM_EXPORT_PNG_MAX_SIDE);
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  nm_render_depth_figure (cr, consultation, plan, view, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);

  png = g_byte_array_new ();
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, png);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("cannot draw the picture: %s"), cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

/**
 * nm_export_png_command:
 * @out_path: where to write the PNG
 * @path: the consultation file
 * @view_id: (nullable): a view id of spec §1.1; %NULL for
 *   nm_export_png_default_view()
 * @size: (nullable): "WxH"; %NULL for nm_export_png_default_size()
 * @today_iso: (nullable): as for nm_plan_command()
 * @err: receives one line "needlemap: FILE: problem" on failure
 *
 * Returns: the exit status of spec §4: 0 done; 1 bad file or unwritable
 *   OUT; 2 usage error (an unknown view, a malformed size)
 */
int
nm_export_png_command (const char *out_path,
                       const char *path,
                       const char *view_id,
                       const char *size,
                       const char *today_iso,
                       GString    *err)
{
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;
  NmView view = NM_VIEW_FACE_FRONT;
  int width = 0, height = 0;
  int status;

  g_return_val_if_fail (err != NULL, 2);

  if (out_path == NULL || *out_path == '\0' || path == NULL)
    {
      g_string_append_printf (err, "needlemap: %s\n", _("--export-png needs OUT.png and FILE"));
      return 2;
    }
  if (size != NULL && !nm_export_png_parse_size (size, &width, &height))
    {
      g_string_append (err, "needlemap: ");
      g_string_append_printf (err, _("--size %s: expected WIDTHxHEIGHT, each 1–%d"),
                              size, NM_EXPORT_PNG_MAX_SIDE);
      g_string_append_c (err, '\n');
      return 2;
    }
  if (view_id != NULL && !nm_view_from_id (view_id, &view))
    {
      g_string_append (err, "needlemap: ");
      g_string_append_printf (err, _("%s: unknown view (face-front, face-left, "
                                     "face-right, scalp, body-front or body-back)"), view_id);
      g_string_append_c (err, '\n');
      return 2;
    }

  out = nm_file_new_for_arg (out_path);
  if (!nm_export_check_command_target (out, out_path, path, err))
    return 1;

  status = nm_plan_load_for_command (path, today_iso, TRUE, &consultation, &plan, err);
  if (status != 0)
    return status;

  if (view_id == NULL)
    view = nm_export_png_default_view (consultation);
  if (size == NULL)
    nm_export_png_default_size (view, &width, &height);

  png = nm_export_png_render (consultation, plan, view, width, height, &error);
  if (png == NULL || !nm_export_write_atomically (out, png, &error))
    {
      g_string_append_printf (err, "needlemap: %s: %s\n", out_path, error->message);
      return 1;
    }

  return 0;
}
