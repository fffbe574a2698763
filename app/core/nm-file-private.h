/* nm-file-private.h
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

#pragma once

#include "nm-file.h"

G_BEGIN_DECLS

/* Shared by the reader, the writer and recovery; not public API. */

/* Significant digits of the numbers a file holds (outline points, depths). */
#define NM_FILE_NUMBER_DIGITS 6

double          _nm_file_round_number (double value);

G_END_DECLS
