/* outputs-test-util.h: the sample consultation and its plan, for tests
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nm-file.h"
#include "nm-planner.h"
#include "nm-vocab.h"

static inline NmConsultation *
load_sample (void)
{
  g_autofree char *path = g_build_filename (TOP_SRCDIR, "resources", "sample.needlemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  NmConsultation *consultation = nm_file_load (file, NULL, &error);

  g_assert_no_error (error);
  return consultation;
}

static inline NmPlan *
plan_for (NmConsultation *consultation)
{
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  protocol = nm_protocol_load_default (&error);
  g_assert_no_error (error);
  return nm_planner_run (consultation, protocol, &today);
}

/* A consultation with a finding in every region, several per region. */
static inline NmConsultation *
every_region (void)
{
  NmConsultation *consultation = nm_consultation_new ();

  nm_consultation_set_client_name (consultation, "Zoë Ångström-Castellano");
  nm_consultation_set_fitzpatrick (consultation, 3);
  nm_consultation_set_start_date (consultation, "2027-01-04");
  for (guint i = 0; i < nm_vocab_n_regions (); i++)
    {
      const char *region = nm_vocab_region (i)->id;
      const char *kinds[] = { "fine-lines", "acne-scar-rolling", "uneven-texture", "striae-alba" };

      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          g_autoptr(NmFinding) finding = NULL;

          if (g_str_has_prefix (region, "scalp"))
            finding = nm_finding_new (region, "alopecia", 1 + (i + k) % 4);
          else
            finding = nm_finding_new (region, kinds[k], 1 + (i + k) % 4);
          nm_consultation_add_finding (consultation, finding);
        }
    }
  return consultation;
}
