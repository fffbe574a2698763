/* nm-fuzz.h
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

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point (fuzz-load-plan.c).  The libFuzzer build and
 * the ordinary regression test (test-fuzz-regressions.c) both call it, so
 * a saved crash replays through exactly the same checks. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
