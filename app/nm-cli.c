/* nm-cli.c: the command line of spec/FORMAT.md §4
 *
 * Copyright 2026 The Needlemap authors
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

int
nm_cli_main (int   argc,
             char *argv[])
{
  g_autoptr(NmApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = nm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
