/* main.c
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nm-cli.h"

int
main (int   argc,
      char *argv[])
{
  return nm_cli_main (argc, argv);
}
