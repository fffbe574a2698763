/* test-print.c: printing draws the same pages as the PDF export
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

#include <glib/gstdio.h>
#include <string.h>

#include "nm-export.h"
#include "nm-ics.h"
#include "nm-poppler-compat.h"
#include "nm-print.h"
#include "outputs-test-util.h"
#include "../test-wait.h"

/* GtkPrintOperation's export action runs the real print pipeline, with a
 * real GtkPrintContext calling our draw-page handler, into a PDF file. */
static void
test_print_pipeline (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  NmPdfOptions options = { 0 };
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test-print.pdf", NULL);
  GtkPageSetup *setup;
  int n_pages = 0;

  options.paper = NM_PAPER_LETTER;
  doc = nm_pdf_document_new (consultation, plan, &options);
  operation = nm_print_operation_new (doc);

  g_object_get (operation, "n-pages", &n_pages, NULL);
  g_assert_cmpint (n_pages, ==, (int) nm_pdf_document_get_n_pages (doc));
  setup = gtk_print_operation_get_default_page_setup (operation);
  g_assert_cmpstr (gtk_paper_size_get_name (gtk_page_setup_get_paper_size (setup)), ==, GTK_PAPER_NAME_LETTER);

  gtk_print_operation_set_export_filename (operation, path);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);

  file = g_file_new_for_path (path);
  pdf = poppler_document_new_from_gfile (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), ==, n_pages);
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      g_autofree char *text = poppler_page_get_text (page);
      g_autofree char *label = g_strdup_printf ("Page %d of %d", i + 1, n_pages);
      double w, h;

      poppler_page_get_size (page, &w, &h);
      g_assert_cmpfloat_with_epsilon (w, 612, 1);
      g_assert_cmpfloat_with_epsilon (h, 792, 1);
      if (i > 0)
        g_assert_nonnull (strstr (text, label));
      else
        g_assert_nonnull (strstr (text, "Ana Silva"));
    }
  g_unlink (path);
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nm_export_finish (result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Issue 13 item 9, in the window: the calendar exported from a file that
 * has no calendar id yet gets one, made on the model itself (not on the
 * export's copy), and the consultation counts as changed until it is
 * saved, so that closing asks and the next export updates the same
 * events. */
static void
test_window_calendar_id (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test-window.ics", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autofree char *ics = NULL;
  g_autofree char *first_uid = NULL;
  gboolean done = FALSE;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  nm_consultation_set_calendar_uid (consultation, NULL);
  nm_history_mark_saved (nm_consultation_get_history (consultation));
  g_assert_false (nm_consultation_get_modified (consultation));

  nm_export_async (NM_EXPORT_ICS, consultation, plan, NULL, &today, out, NULL, NULL, on_exported_cb, &done);
  test_wait_until (test_wait_is_set, &done, "the calendar export");
  g_assert_true (nm_calendar_uid_is_valid (nm_consultation_get_calendar_uid (consultation)));
  g_assert_true (nm_consultation_get_modified (consultation));
  g_assert_false (nm_consultation_can_undo (consultation));
  g_assert_true (g_file_get_contents (path, &ics, NULL, NULL));
  first_uid = nm_ics_uid (nm_consultation_get_calendar_uid (consultation),
                          nm_plan_get_series (plan, 0)->schedule, 1);
  g_assert_nonnull (strstr (ics, first_uid));
  g_clear_pointer (&ics, g_free);

  /* saved: not changed any more; a second export keeps the id and does
   * not mark it changed again */
  nm_history_mark_saved (nm_consultation_get_history (consultation));
  done = FALSE;
  nm_export_async (NM_EXPORT_ICS, consultation, plan, NULL, &today, out, NULL, NULL, on_exported_cb, &done);
  test_wait_until (test_wait_is_set, &done, "the second calendar export");
  g_assert_false (nm_consultation_get_modified (consultation));
  g_assert_true (g_file_get_contents (path, &ics, NULL, NULL));
  g_assert_nonnull (strstr (ics, first_uid));
  g_unlink (path);
}

/* Issue 14: the calendar exported from the window (on its worker, from a
 * copy of the consultation) writes an appointment's time and length as
 * the command line does, not an all-day event. */
static void
test_window_calendar_times (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test-window-times.ics", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(NmSession) booked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *direct = NULL;
  g_autofree char *start = NULL;
  const NmPlanSeries *series = nm_plan_get_series (plan, 0);
  gboolean done = FALSE;
  GDate today;
  char iso[16];

  g_assert_cmpuint (series->n_dates, >=, 2);
  g_snprintf (iso, sizeof iso, "%04d-%02d-%02d", g_date_get_year (&series->dates[1]),
              g_date_get_month (&series->dates[1]), g_date_get_day (&series->dates[1]));
  booked = nm_session_new (iso);
  nm_session_set_time (booked, "09:05");
  nm_session_set_duration_min (booked, 45);
  nm_consultation_add_session (consultation, booked);
  g_clear_pointer (&plan, nm_plan_unref);
  plan = plan_for (consultation);
  start = g_strdup_printf ("\r\nDTSTART:%.4s%.2s%.2sT090500\r\nDURATION:PT45M\r\n", iso, iso + 5, iso + 8);

  /* as the command line builds it */
  direct = nm_ics_build (consultation, plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (direct, start));

  /* as the window exports it */
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 20, G_DATE_NOVEMBER, 2026);
  nm_export_async (NM_EXPORT_ICS, consultation, plan, NULL, &today, out, NULL, NULL, on_exported_cb, &done);
  test_wait_until (test_wait_is_set, &done, "the calendar export");
  g_assert_true (g_file_get_contents (path, &ics, NULL, NULL));
  g_assert_nonnull (strstr (ics, start));
  g_unlink (path);
}

/* Issue 14: a session done on another day than planned is in the calendar
 * on the day it was done (as the schedule draws it), from the window and
 * the command line alike (both write through nm_export_ics()). */
static void
test_calendar_done_on_the_day (void)
{
  g_autoptr(NmConsultation) consultation = load_sample ();
  g_autoptr(NmPlan) plan = plan_for (consultation);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "needlemap-test-done-day.ics", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(NmSession) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *event = NULL;
  const NmPlanSeries *series = nm_plan_get_series (plan, 0);
  GDate later;
  char iso[16];
  const char *at;

  /* session 1, done two days after its planned date, at 10:30 */
  g_assert_cmpuint (nm_consultation_get_n_sessions (consultation), ==, 0);
  later = series->dates[0];
  g_date_add_days (&later, 2);
  g_snprintf (iso, sizeof iso, "%04d-%02d-%02d", g_date_get_year (&later), g_date_get_month (&later),
              g_date_get_day (&later));
  done = nm_session_new (iso);
  nm_session_set_done (done, TRUE);
  nm_session_set_depth (done, series->regions[0], nm_plan_lookup_region (plan, series->regions[0])->min_mm);
  nm_consultation_add_session (consultation, done);
  g_clear_pointer (&plan, nm_plan_unref);
  plan = plan_for (consultation);
  series = nm_plan_get_series (plan, 0);
  planned = g_strdup_printf ("%04d%02d%02d", g_date_get_year (&series->dates[0]),
                             g_date_get_month (&series->dates[0]), g_date_get_day (&series->dates[0]));
  actual = g_strdup_printf ("\r\nDTSTART;VALUE=DATE:%.4s%.2s%.2s\r\n", iso, iso + 5, iso + 8);
  uid = nm_ics_uid (nm_consultation_ensure_calendar_uid (consultation), series->schedule, 1);

  g_assert_true (nm_export_ics (consultation, plan, NULL, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &ics, NULL, NULL));
  at = strstr (ics, uid);
  g_assert_nonnull (at);
  event = g_strndup (at, strstr (at, "END:VEVENT") - at);
  g_assert_nonnull (strstr (event, actual));
  g_assert_null (strstr (event, planned));
  g_clear_pointer (&ics, g_free);
  g_clear_pointer (&event, g_free);

  /* with the time it was done at: a timed event that day */
  nm_session_set_time (done, "10:30");
  g_clear_pointer (&actual, g_free);
  actual = g_strdup_printf ("\r\nDTSTART:%.4s%.2s%.2sT103000\r\n", iso, iso + 5, iso + 8);
  g_assert_true (nm_export_ics (consultation, plan, NULL, out, &error));
  g_assert_true (g_file_get_contents (path, &ics, NULL, NULL));
  at = strstr (ics, uid);
  event = g_strndup (at, strstr (at, "END:VEVENT") - at);
  g_assert_nonnull (strstr (event, actual));
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/outputs/print/pipeline", test_print_pipeline);
  g_test_add_func ("/outputs/print/window-calendar-id", test_window_calendar_id);
  g_test_add_func ("/outputs/print/window-calendar-times", test_window_calendar_times);
  g_test_add_func ("/outputs/print/calendar-done-on-the-day", test_calendar_done_on_the_day);

  return g_test_run ();
}
