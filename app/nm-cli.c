/* nm-cli.c: the command line of spec/FORMAT.md §4
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
#include <locale.h>
#include <stdio.h>

#include "nm-application.h"
#include "nm-cli.h"
#include "nm-export-png.h"
#include "nm-export.h"
#include "nm-find-lot.h"
#include "nm-planner.h"

/* Exit codes of spec §4. */
enum {
  EXIT_OK = 0,
  EXIT_BAD_FILE = 1,
  EXIT_USAGE = 2,
};

typedef struct
{
  gboolean   version;
  char      *plan;
  char      *export_png;
  char      *export_pdf;
  char      *export_ics;
  char      *view;
  char      *size;
  char      *find_lot;
  gboolean   json;
  char     **files;
} NmCliOptions;

static void
nm_cli_options_clear (NmCliOptions *opts)
{
  g_clear_pointer (&opts->plan, g_free);
  g_clear_pointer (&opts->export_png, g_free);
  g_clear_pointer (&opts->export_pdf, g_free);
  g_clear_pointer (&opts->export_ics, g_free);
  g_clear_pointer (&opts->view, g_free);
  g_clear_pointer (&opts->size, g_free);
  g_clear_pointer (&opts->find_lot, g_free);
  g_clear_pointer (&opts->files, g_strfreev);
}

static int
usage_error (const char *message)
{
  /* One line, like every error (spec §4). */
  g_printerr (_("needlemap: %s (see “needlemap --help”)\n"), message);
  return EXIT_USAGE;
}

static int
run_plan (const char *path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  int status;

  status = nm_plan_command (path, g_getenv ("NEEDLEMAP_TODAY"), out, err);
  if (err->len > 0)
    fputs (err->str, stderr);
  if (status == EXIT_OK)
    {
      fwrite (out->str, 1, out->len, stdout);
      if (fflush (stdout) != 0)
        return EXIT_BAD_FILE;
    }
  return status;
}

static int
run_export_png (const NmCliOptions *opts)
{
  g_autoptr(GString) err = g_string_new (NULL);
  int status;

  if (opts->files == NULL || opts->files[0] == NULL || opts->files[1] != NULL)
    return usage_error (_("--export-png takes OUT.png and exactly one file"));

  status = nm_export_png_command (opts->export_png, opts->files[0], opts->view, opts->size,
                                  g_getenv ("NEEDLEMAP_TODAY"), err);
  if (err->len > 0)
    fputs (err->str, stderr);
  return status;
}

/* --export-pdf OUT FILE and --export-ics OUT FILE */
static int
run_export (const NmCliOptions *opts,
            gboolean            pdf)
{
  g_autoptr(GString) err = g_string_new (NULL);
  int status;

  if (opts->files == NULL || opts->files[0] == NULL || opts->files[1] != NULL)
    return usage_error (pdf ? _("--export-pdf takes OUT.pdf and exactly one file")
                            : _("--export-ics takes OUT.ics and exactly one file"));

  if (pdf)
    status = nm_export_pdf_command (opts->export_pdf, opts->files[0], g_getenv ("NEEDLEMAP_TODAY"), err);
  else
    status = nm_export_ics_command (opts->export_ics, opts->files[0], g_getenv ("NEEDLEMAP_TODAY"), err);
  if (err->len > 0)
    fputs (err->str, stderr);
  return status;
}

/* --find-lot LOT FOLDER… [--json] (issue 16) */
static int
run_find_lot (const NmCliOptions *opts)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  int status;

  if (opts->files == NULL || opts->files[0] == NULL)
    return usage_error (_("--find-lot takes a lot and at least one folder"));

  status = nm_find_lot_command (opts->find_lot, (const char * const *) opts->files, opts->json, out, err);
  if (err->len > 0)
    fputs (err->str, stderr);
  fwrite (out->str, 1, out->len, stdout);
  if (fflush (stdout) != 0)
    return EXIT_BAD_FILE;
  return status;
}

int
nm_cli_main (int   argc,
             char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NmApplication) app = NULL;
  g_auto(GStrv) args = NULL;
  NmCliOptions opts = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &opts.plan,
      N_("Print the treatment plan of FILE as JSON and exit"), N_("FILE") },
    { "export-png", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_png,
      N_("Write the depth map of FILE as a PNG picture to OUT and exit"), N_("OUT") },
    { "export-pdf", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_pdf,
      N_("Write the treatment-plan PDF of FILE to OUT and exit"), N_("OUT") },
    { "export-ics", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_ics,
      N_("Write the sessions of FILE as an iCalendar file to OUT and exit"), N_("OUT") },
    { "view", 0, 0, G_OPTION_ARG_STRING, &opts.view,
      N_("The view to export (default: the first view with findings)"), N_("VIEW") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &opts.size,
      N_("The picture's size in pixels (default: 1200 high)"), N_("WxH") },
    { "find-lot", 0, 0, G_OPTION_ARG_STRING, &opts.find_lot,
      N_("List the sessions in the consultation files of FOLDER… that used the needle cartridge lot LOT, and exit"),
      N_("LOT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opts.json,
      N_("With --find-lot: write JSON rather than one line per session"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opts.version,
      N_("Show the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opts.files,
      NULL, N_("[FILE…]") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* $NEEDLEMAP_LOCALEDIR: a catalogue tree other than the installed one, so
   * that tests and screenshots can run the build's translations */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("NEEDLEMAP_LOCALEDIR") != NULL
                                     ? g_getenv ("NEEDLEMAP_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The command line is parsed here, before GTK or D-Bus is touched, so that
   * --help, --version and every export work over SSH and in CI. */
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Plan microneedling treatments on a face and body map."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      nm_cli_options_clear (&opts);
      return usage_error (error->message);
    }

  /* Each command is run alone: never one of two silently dropped. */
  if (!opts.version &&
      (opts.plan != NULL) + (opts.export_png != NULL) +
      (opts.export_pdf != NULL) + (opts.export_ics != NULL) > 1)
    {
      nm_cli_options_clear (&opts);
      return usage_error (_("--plan, --export-pdf, --export-ics and --export-png go one at a time"));
    }
  if (!opts.version && opts.find_lot != NULL &&
      (opts.plan != NULL || opts.export_png != NULL || opts.export_pdf != NULL ||
       opts.export_ics != NULL || opts.view != NULL || opts.size != NULL))
    {
      nm_cli_options_clear (&opts);
      return usage_error (_("--find-lot goes alone, with --json at most"));
    }
  if (!opts.version && opts.json && opts.find_lot == NULL)
    {
      nm_cli_options_clear (&opts);
      return usage_error (_("--json goes with --find-lot"));
    }

  if (opts.version)
    {
      g_print ("needlemap %s\n", PACKAGE_VERSION);
      status = EXIT_OK;
    }
  else if (opts.find_lot != NULL)
    status = run_find_lot (&opts);
  else if (opts.export_png != NULL)
    status = run_export_png (&opts);
  else if (opts.export_pdf != NULL || opts.export_ics != NULL)
    status = run_export (&opts, opts.export_pdf != NULL);
  else if (opts.view != NULL || opts.size != NULL)
    status = usage_error (_("--view and --size go with --export-png"));
  else if (opts.plan != NULL)
    {
      if (opts.files != NULL)
        status = usage_error (_("--plan takes exactly one file"));
      else
        status = run_plan (opts.plan);
    }
  else
    {
      g_autoptr(GPtrArray) app_argv = g_ptr_array_new ();

      g_ptr_array_add (app_argv, argv[0]);
      for (guint i = 0; opts.files != NULL && opts.files[i] != NULL; i++)
        g_ptr_array_add (app_argv, opts.files[i]);
      g_ptr_array_add (app_argv, NULL);

      app = nm_application_new ();
      status = g_application_run (G_APPLICATION (app),
                                  (int) app_argv->len - 1,
                                  (char **) app_argv->pdata);
    }

  nm_cli_options_clear (&opts);
  return status;
}
