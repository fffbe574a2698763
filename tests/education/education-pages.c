/* education-pages.c: renders every page of the client presentation of a
 * consultation to PNG files, for looking at them and for screenshots
 *
 *   education-pages FILE.needlemap OUTDIR [WIDTH HEIGHT [SECONDS]]
 *
 * In another language: LANG=de_DE.UTF-8 NEEDLEMAP_LOCALEDIR=build/po
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "nm-file.h"
#include "nm-planner.h"
#include "nm-protocol.h"
#include "nm-render-education.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(NmEducationModel) model = NULL;
  int width = 1280, height = 720;
  double t = 1000;
  GDate today;

  /* in the environment's language: LANG=de_DE.UTF-8, and the build's
   * catalogues with NEEDLEMAP_LOCALEDIR=build/po */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("NEEDLEMAP_LOCALEDIR") != NULL
                                     ? g_getenv ("NEEDLEMAP_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 3)
    {
      g_printerr ("usage: %s FILE.needlemap OUTDIR [WIDTH HEIGHT [SECONDS]]\n", argv[0]);
      return 2;
    }
  if (argc >= 5)
    {
      width = atoi (argv[3]);
      height = atoi (argv[4]);
    }
  if (argc >= 6)
    t = g_ascii_strtod (argv[5], NULL);

  file = g_file_new_for_commandline_arg (argv[1]);
  consultation = nm_file_load (file, NULL, &error);
  protocol = nm_protocol_load_default (&error);
  if (consultation == NULL || protocol == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* a fixed "today" before the sample's start date */
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  plan = nm_planner_run (consultation, protocol, &today);
  model = nm_education_model_new_for_consultation (consultation, plan, &today);

  for (guint page = 0; page < NM_EDUCATION_N_PAGES; page++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
      cairo_t *cr = cairo_create (surface);
      g_autofree char *name = g_strdup_printf ("education-%u.png", page + 1);
      g_autofree char *path = g_build_filename (argv[2], name, NULL);

      nm_render_education_page (cr, model, page, t, width, height);
      cairo_destroy (cr);
      if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
        return 1;
      cairo_surface_destroy (surface);
      g_print ("%s\n", path);
    }
  return 0;
}
