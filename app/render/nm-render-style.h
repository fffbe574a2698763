/* nm-render-style.h: what every Needlemap drawing shares
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* One type family for the map, the schedule, the PDF and the presentation:
 * GNOME's own, so the drawings match the window around them. */
#define NM_RENDER_FONT_FAMILY "Cantarell"
