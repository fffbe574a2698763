/* test-consultation.c
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

#include "nm-consultation.h"
#include "nm-file.h"
#include "nm-vocab.h"

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* The serialised form covers every part of the model, so equal bytes
 * mean equal models. */
static char *
snapshot (NmConsultation *c)
{
  g_autoptr(GBytes) bytes = nm_file_serialize (c);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static NmConsultation *
make_consultation (void)
{
  NmConsultation *c = nm_consultation_new ();
  g_autoptr(NmFinding) f1 = nm_finding_new ("cheek-left", "acne-scar-rolling", 3);
  g_autoptr(NmFinding) f2 = nm_finding_new ("forehead", "fine-lines", 1);
  g_autoptr(NmSession) s = nm_session_new ("2026-12-01");
  const NmPoint points[] = { { 0.61, 0.52 }, { 0.66, 0.55 }, { 0.63, 0.60 } };

  nm_consultation_set_fitzpatrick (c, 4);
  nm_consultation_set_client_name (c, "Test Client");
  nm_finding_set_outline (f1, "face-front", points, G_N_ELEMENTS (points));
  nm_consultation_add_finding (c, f1);
  nm_consultation_add_finding (c, f2);
  nm_session_set_depth (s, "cheek-left", 1.25);
  nm_consultation_add_session (c, s);
  nm_history_clear (nm_consultation_get_history (c));

  return c;
}

static void
test_dates (void)
{
  GDate date;

  g_assert_true (nm_date_is_valid ("2026-12-01"));
  g_assert_true (nm_date_is_valid ("2024-02-29"));
  g_assert_false (nm_date_is_valid ("2023-02-29"));
  g_assert_false (nm_date_is_valid ("2026-02-30"));
  g_assert_false (nm_date_is_valid ("2026-13-01"));
  g_assert_false (nm_date_is_valid ("2026-00-10"));
  g_assert_false (nm_date_is_valid ("2026-04-31"));
  g_assert_false (nm_date_is_valid ("0000-01-01"));
  g_assert_false (nm_date_is_valid ("2026-1-01"));
  g_assert_false (nm_date_is_valid ("2026-01-01T00:00"));
  g_assert_false (nm_date_is_valid ("2026/01/01"));
  g_assert_false (nm_date_is_valid (" 2026-01-01"));
  g_assert_false (nm_date_is_valid (""));
  g_assert_false (nm_date_is_valid (NULL));

  g_assert_true (nm_date_parse ("1991-05-14", &date));
  g_assert_cmpint (g_date_get_year (&date), ==, 1991);
  g_assert_cmpint (g_date_get_month (&date), ==, 5);
  g_assert_cmpint (g_date_get_day (&date), ==, 14);
}

static void
test_notify (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(NmFinding) f = nm_finding_new ("chin", "pih", 2);
  g_autoptr(NmSession) s = nm_session_new (NULL);
  guint name = 0, fitz = 0, severity = 0, done = 0, can_undo = 0;

  g_signal_connect (c, "notify::client-name", G_CALLBACK (count_notify_cb), &name);
  g_signal_connect (c, "notify::fitzpatrick", G_CALLBACK (count_notify_cb), &fitz);
  g_signal_connect (c, "notify::can-undo", G_CALLBACK (count_notify_cb), &can_undo);
  g_signal_connect (f, "notify::severity", G_CALLBACK (count_notify_cb), &severity);
  g_signal_connect (s, "notify::done", G_CALLBACK (count_notify_cb), &done);

  nm_consultation_set_client_name (c, "A");
  nm_consultation_set_client_name (c, "A");
  g_assert_cmpuint (name, ==, 1);
  g_assert_cmpuint (can_undo, ==, 1);
  g_object_set (c, "client-name", "B", NULL);
  g_assert_cmpuint (name, ==, 2);
  g_assert_cmpstr (nm_consultation_get_client_name (c), ==, "B");

  nm_consultation_set_fitzpatrick (c, 5);
  nm_consultation_set_fitzpatrick (c, 5);
  g_assert_cmpuint (fitz, ==, 1);

  nm_finding_set_severity (f, 4);
  nm_finding_set_severity (f, 4);
  g_assert_cmpuint (severity, ==, 1);
  nm_consultation_add_finding (c, f);
  nm_consultation_set_finding_severity (c, f, 1);
  g_assert_cmpuint (severity, ==, 2);

  nm_session_set_done (s, TRUE);
  nm_session_set_done (s, TRUE);
  g_assert_cmpuint (done, ==, 1);

  /* Undo notifies too. */
  nm_consultation_undo (c);
  g_assert_cmpuint (severity, ==, 3);
  g_assert_cmpuint (nm_finding_get_severity (f), ==, 4);
}

static void
test_changed (void)
{
  g_autoptr(NmConsultation) c = make_consultation ();
  NmFinding *f = nm_consultation_get_finding (c, 0);
  NmSession *s = nm_consultation_get_session (c, 0);
  g_autoptr(NmFinding) extra = nm_finding_new ("nose", "enlarged-pores", 2);
  guint changed = 0;

  g_signal_connect (c, "changed", G_CALLBACK (count_cb), &changed);

  nm_consultation_set_screening (c, "pregnancy", NM_ANSWER_NO);
  g_assert_cmpuint (changed, ==, 1);
  nm_consultation_set_screening (c, "pregnancy", NM_ANSWER_NO);
  g_assert_cmpuint (changed, ==, 1);
  nm_consultation_set_acknowledgement (c, "anticoagulants", "stopped aspirin a week ago");
  g_assert_cmpuint (changed, ==, 2);
  nm_finding_set_note (f, "deep");
  g_assert_cmpuint (changed, ==, 3);
  nm_session_set_depth (s, "chin", 0.5);
  g_assert_cmpuint (changed, ==, 4);
  nm_consultation_add_finding (c, extra);
  g_assert_cmpuint (changed, ==, 5);
  nm_consultation_remove_finding (c, extra);
  g_assert_cmpuint (changed, ==, 6);

  /* A finding that left the consultation no longer reports to it. */
  nm_finding_set_severity (extra, 4);
  g_assert_cmpuint (changed, ==, 6);

  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpuint (changed, ==, 7);
  g_assert_true (nm_consultation_redo (c));
  g_assert_cmpuint (changed, ==, 8);
}

typedef void (*EditFunc) (NmConsultation *c);

static void edit_client_name (NmConsultation *c) { nm_consultation_set_client_name (c, "Other Name"); }
static void edit_client_name_null (NmConsultation *c) { nm_consultation_set_client_name (c, NULL); }
static void edit_birth_date (NmConsultation *c) { nm_consultation_set_birth_date (c, "1991-05-14"); }
static void edit_fitzpatrick (NmConsultation *c) { nm_consultation_set_fitzpatrick (c, 2); }
static void edit_client_notes (NmConsultation *c) { nm_consultation_set_client_notes (c, "Prefers mornings"); }
static void edit_start_date (NmConsultation *c) { nm_consultation_set_start_date (c, "2027-01-05"); }
static void edit_practitioner (NmConsultation *c) { nm_consultation_set_practitioner (c, "Dr Who"); }
static void edit_screening_yes (NmConsultation *c) { nm_consultation_set_screening (c, "anticoagulants", NM_ANSWER_YES); }
static void edit_acknowledgement (NmConsultation *c) { nm_consultation_set_acknowledgement (c, "rosacea", "mild, stable"); }
static void edit_severity (NmConsultation *c) { nm_consultation_set_finding_severity (c, nm_consultation_get_finding (c, 0), 1); }
static void edit_note (NmConsultation *c) { nm_consultation_set_finding_note (c, nm_consultation_get_finding (c, 1), "around the brows"); }
static void edit_kind (NmConsultation *c) { nm_finding_set_kind (nm_consultation_get_finding (c, 1), "wrinkles"); }
static void edit_region_same_view (NmConsultation *c) { nm_finding_set_region (nm_consultation_get_finding (c, 0), "chin"); }
static void edit_region_other_view (NmConsultation *c) { nm_finding_set_region (nm_consultation_get_finding (c, 0), "cheek-right"); }
static void
edit_view (NmConsultation *c)
{
  NmFinding *f = nm_consultation_get_finding (c, 0);

  /* Another view in which the finding's region appears. */
  for (NmView v = 0; v < NM_N_VIEWS; v++)
    {
      if (nm_vocab_region_in_view (nm_finding_get_region (f), v) &&
          g_strcmp0 (nm_view_id (v), nm_finding_get_view (f)) != 0)
        {
          nm_finding_set_view (f, nm_view_id (v));
          return;
        }
    }
  g_assert_not_reached ();
}
static void edit_clear_outline (NmConsultation *c) { nm_finding_clear_outline (nm_consultation_get_finding (c, 0)); }

static void
edit_outline (NmConsultation *c)
{
  const NmPoint points[] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0.5, 0.25 } };

  nm_consultation_set_finding_outline (c, nm_consultation_get_finding (c, 1), "face-front",
                                       points, G_N_ELEMENTS (points));
}

static void
edit_add_finding (NmConsultation *c)
{
  g_autoptr(NmFinding) f = nm_finding_new ("hand-left", "solar-lentigines", 2);

  nm_consultation_insert_finding (c, 1, f);
}

static void edit_remove_finding (NmConsultation *c) { nm_consultation_remove_finding (c, nm_consultation_get_finding (c, 0)); }

static void
edit_add_session (NmConsultation *c)
{
  g_autoptr(NmSession) s = nm_session_new ("2026-12-29");

  nm_session_set_depth (s, "forehead", 0.5);
  nm_consultation_add_session (c, s);
}

static void edit_remove_session (NmConsultation *c) { nm_consultation_remove_session (c, nm_consultation_get_session (c, 0)); }
static void edit_session_date (NmConsultation *c) { nm_session_set_date (nm_consultation_get_session (c, 0), "2026-12-02"); }
static void edit_session_done (NmConsultation *c) { nm_session_set_done (nm_consultation_get_session (c, 0), TRUE); }
static void edit_session_notes (NmConsultation *c) { nm_session_set_notes (nm_consultation_get_session (c, 0), "well tolerated"); }
static void edit_session_device (NmConsultation *c) { nm_session_set_device (nm_consultation_get_session (c, 0), "pen 2"); }
static void edit_session_depth (NmConsultation *c) { nm_session_set_depth (nm_consultation_get_session (c, 0), "cheek-left", 1.5); }
static void edit_session_new_depth (NmConsultation *c) { nm_session_set_depth (nm_consultation_get_session (c, 0), "neck", 2.0); }
static void edit_session_unset_depth (NmConsultation *c) { nm_session_unset_depth (nm_consultation_get_session (c, 0), "cheek-left"); }

static const struct {
  const char *name;
  EditFunc    edit;
} edits[] = {
  { "client-name", edit_client_name },
  { "client-name-null", edit_client_name_null },
  { "birth-date", edit_birth_date },
  { "fitzpatrick", edit_fitzpatrick },
  { "client-notes", edit_client_notes },
  { "start-date", edit_start_date },
  { "practitioner", edit_practitioner },
  { "screening", edit_screening_yes },
  { "acknowledgement", edit_acknowledgement },
  { "finding-severity", edit_severity },
  { "finding-note", edit_note },
  { "finding-kind", edit_kind },
  { "finding-region", edit_region_same_view },
  { "finding-region-other-view", edit_region_other_view },
  { "finding-view", edit_view },
  { "finding-outline", edit_outline },
  { "finding-clear-outline", edit_clear_outline },
  { "add-finding", edit_add_finding },
  { "remove-finding", edit_remove_finding },
  { "add-session", edit_add_session },
  { "remove-session", edit_remove_session },
  { "session-date", edit_session_date },
  { "session-done", edit_session_done },
  { "session-notes", edit_session_notes },
  { "session-device", edit_session_device },
  { "session-depth", edit_session_depth },
  { "session-new-depth", edit_session_new_depth },
  { "session-unset-depth", edit_session_unset_depth },
};

static void
test_undo_redo_each (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(NmConsultation) c = make_consultation ();
      g_autofree char *before = snapshot (c);
      g_autofree char *after = NULL;
      g_autofree char *undone = NULL;
      g_autofree char *redone = NULL;

      g_test_message ("edit %s", edits[i].name);

      g_assert_false (nm_consultation_can_undo (c));
      edits[i].edit (c);
      after = snapshot (c);
      g_assert_cmpstr (before, !=, after);
      g_assert_true (nm_consultation_can_undo (c));
      g_assert_false (nm_consultation_can_redo (c));
      /* Every edit is exactly one step. */
      g_assert_cmpuint (nm_history_get_n_undo (nm_consultation_get_history (c)), ==, 1);

      g_assert_true (nm_consultation_undo (c));
      undone = snapshot (c);
      g_assert_cmpstr (undone, ==, before);
      g_assert_false (nm_consultation_can_undo (c));
      g_assert_true (nm_consultation_can_redo (c));

      g_assert_true (nm_consultation_redo (c));
      redone = snapshot (c);
      g_assert_cmpstr (redone, ==, after);
      g_assert_false (nm_consultation_redo (c));
    }
}

static void
test_undo_redo_all (void)
{
  g_autoptr(NmConsultation) c = make_consultation ();
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);

  /* Every edit in a row, then undo all the way back and redo forward. */
  g_ptr_array_add (states, snapshot (c));
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      /* Some edits need findings or sessions that earlier ones removed. */
      if (nm_consultation_get_n_findings (c) < 2)
        edit_add_finding (c);
      else if (nm_consultation_get_n_sessions (c) < 1)
        edit_add_session (c);
      else
        {
          edits[i].edit (c);
        }
      g_ptr_array_add (states, snapshot (c));
    }

  for (guint i = states->len - 1; i > 0; i--)
    {
      g_autofree char *now = NULL;

      g_assert_true (nm_consultation_undo (c));
      now = snapshot (c);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i - 1));
    }
  g_assert_false (nm_consultation_undo (c));

  for (guint i = 1; i < states->len; i++)
    {
      g_autofree char *now = NULL;

      g_assert_true (nm_consultation_redo (c));
      now = snapshot (c);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i));
    }
}

static void
test_groups (void)
{
  g_autoptr(NmConsultation) c = make_consultation ();
  g_autofree char *before = snapshot (c);
  g_autofree char *after = NULL;
  g_autofree char *now = NULL;
  NmHistory *history = nm_consultation_get_history (c);
  guint changed = 0;

  g_signal_connect (c, "changed", G_CALLBACK (count_cb), &changed);

  nm_consultation_begin_group (c);
  edit_client_name (c);
  nm_consultation_begin_group (c);   /* groups nest */
  edit_add_finding (c);
  edit_severity (c);
  nm_consultation_end_group (c);
  g_assert_true (nm_history_in_group (history));
  edit_session_done (c);
  nm_consultation_end_group (c);
  g_assert_false (nm_history_in_group (history));

  /* "changed" after every edit, one undo step for the group. */
  g_assert_cmpuint (changed, ==, 4);
  g_assert_cmpuint (nm_history_get_n_undo (history), ==, 1);
  after = snapshot (c);

  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpuint (changed, ==, 5);
  now = snapshot (c);
  g_assert_cmpstr (now, ==, before);
  g_clear_pointer (&now, g_free);

  g_assert_true (nm_consultation_redo (c));
  now = snapshot (c);
  g_assert_cmpstr (now, ==, after);

  /* An empty group is no step. */
  nm_consultation_begin_group (c);
  nm_consultation_end_group (c);
  g_assert_cmpuint (nm_history_get_n_undo (history), ==, 1);
}

static void
test_redo_cleared (void)
{
  g_autoptr(NmConsultation) c = make_consultation ();
  guint can_redo = 0;

  g_signal_connect (c, "notify::can-redo", G_CALLBACK (count_notify_cb), &can_redo);

  edit_client_name (c);
  nm_consultation_undo (c);
  g_assert_true (nm_consultation_can_redo (c));
  g_assert_cmpuint (can_redo, ==, 1);

  edit_practitioner (c);
  g_assert_false (nm_consultation_can_redo (c));
  g_assert_cmpuint (can_redo, ==, 2);
  g_assert_false (nm_consultation_redo (c));
  g_assert_cmpstr (nm_consultation_get_client_name (c), ==, "Test Client");
}

static void
test_modified (void)
{
  g_autoptr(NmConsultation) c = make_consultation ();
  guint modified = 0;

  g_signal_connect (c, "notify::modified", G_CALLBACK (count_notify_cb), &modified);

  g_assert_false (nm_consultation_get_modified (c));
  edit_fitzpatrick (c);
  g_assert_true (nm_consultation_get_modified (c));
  nm_consultation_mark_saved (c);
  g_assert_false (nm_consultation_get_modified (c));
  edit_note (c);
  g_assert_true (nm_consultation_get_modified (c));
  nm_consultation_undo (c);
  g_assert_false (nm_consultation_get_modified (c));
  nm_consultation_undo (c);
  g_assert_true (nm_consultation_get_modified (c));
  nm_consultation_redo (c);
  g_assert_false (nm_consultation_get_modified (c));
  g_assert_cmpuint (modified, ==, 6);

  /* Once the saved state is in a discarded redo branch, it is gone. */
  nm_consultation_undo (c);
  edit_practitioner (c);
  g_assert_true (nm_consultation_get_modified (c));
  nm_consultation_undo (c);
  g_assert_true (nm_consultation_get_modified (c));
}

static void
test_region_change_drops_outline (void)
{
  g_autoptr(NmConsultation) c = make_consultation ();
  NmFinding *f = nm_consultation_get_finding (c, 0);
  guint n = 0;

  g_assert_true (nm_finding_has_outline (f));
  nm_finding_set_region (f, "chin");
  g_assert_cmpstr (nm_finding_get_view (f), ==, "face-front");
  g_assert_true (nm_finding_has_outline (f));

  /* The abdomen is not in face-front: the outline means nothing there. */
  nm_finding_set_region (f, "abdomen");
  g_assert_null (nm_finding_get_view (f));
  g_assert_false (nm_finding_has_outline (f));

  nm_consultation_undo (c);
  g_assert_cmpstr (nm_finding_get_region (f), ==, "chin");
  g_assert_cmpstr (nm_finding_get_view (f), ==, "face-front");
  nm_finding_get_outline (f, &n);
  g_assert_cmpuint (n, ==, 3);
}

static void
test_finding_accessors (void)
{
  g_autoptr(NmFinding) f = nm_finding_new ("cheek-left", "melasma", 2);
  g_autoptr(NmFinding) copy = NULL;
  const NmPoint points[] = { { 0.1, 0.2 }, { 0.3, 0.4 } };
  const NmPoint *got;
  guint n;

  g_assert_cmpstr (nm_finding_get_region (f), ==, "cheek-left");
  g_assert_cmpstr (nm_finding_get_kind (f), ==, "melasma");
  g_assert_cmpuint (nm_finding_get_severity (f), ==, 2);
  g_assert_null (nm_finding_get_note (f));
  g_assert_null (nm_finding_get_view (f));
  g_assert_null (nm_finding_get_outline (f, &n));
  g_assert_cmpuint (n, ==, 0);

  nm_finding_set_outline (f, "face-left", points, 2);
  got = nm_finding_get_outline (f, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (got[1].x, ==, 0.3);
  g_assert_cmpfloat (got[1].y, ==, 0.4);

  copy = nm_finding_copy (f);
  g_assert_cmpstr (nm_finding_get_view (copy), ==, "face-left");
  got = nm_finding_get_outline (copy, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (got[0].x, ==, 0.1);
}

static void
test_session_accessors (void)
{
  g_autoptr(NmSession) s = nm_session_new ("2026-12-01");
  g_auto(GStrv) regions = NULL;
  double depth = -1;

  g_assert_false (nm_session_get_depth (s, "neck", &depth));
  g_assert_cmpfloat (depth, ==, -1);
  nm_session_set_depth (s, "neck", 2.5);
  nm_session_set_depth (s, "forehead", 0.25);
  g_assert_true (nm_session_get_depth (s, "neck", &depth));
  g_assert_cmpfloat (depth, ==, 2.5);

  /* Vocabulary order, not insertion order. */
  regions = nm_session_dup_depth_regions (s);
  g_assert_cmpuint (g_strv_length (regions), ==, 2);
  g_assert_cmpstr (regions[0], ==, "forehead");
  g_assert_cmpstr (regions[1], ==, "neck");
}

static void
test_outlives_owner (void)
{
  NmConsultation *c = make_consultation ();
  g_autoptr(NmFinding) f = g_object_ref (nm_consultation_get_finding (c, 0));
  g_autoptr(NmSession) s = g_object_ref (nm_consultation_get_session (c, 0));

  g_object_unref (c);

  /* Must not touch the dead consultation. */
  nm_finding_set_severity (f, 1);
  nm_session_set_done (s, TRUE);
  g_assert_cmpuint (nm_finding_get_severity (f), ==, 1);
}

static void
test_answers (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();

  g_assert_cmpuint (nm_consultation_get_fitzpatrick (c), ==, NM_FITZPATRICK_UNSET);
  g_assert_cmpint (nm_consultation_get_screening (c, "pregnancy"), ==, NM_ANSWER_UNKNOWN);
  nm_consultation_set_screening (c, "pregnancy", NM_ANSWER_YES);
  g_assert_cmpint (nm_consultation_get_screening (c, "pregnancy"), ==, NM_ANSWER_YES);
  nm_consultation_set_screening (c, "pregnancy", NM_ANSWER_UNKNOWN);
  g_assert_cmpint (nm_consultation_get_screening (c, "pregnancy"), ==, NM_ANSWER_UNKNOWN);

  g_assert_null (nm_consultation_get_acknowledgement (c, "rosacea"));
  nm_consultation_set_acknowledgement (c, "rosacea", "controlled");
  g_assert_cmpstr (nm_consultation_get_acknowledgement (c, "rosacea"), ==, "controlled");
  nm_consultation_set_acknowledgement (c, "rosacea", NULL);
  g_assert_null (nm_consultation_get_acknowledgement (c, "rosacea"));
  nm_consultation_undo (c);
  g_assert_cmpstr (nm_consultation_get_acknowledgement (c, "rosacea"), ==, "controlled");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/consultation/dates", test_dates);
  g_test_add_func ("/consultation/notify", test_notify);
  g_test_add_func ("/consultation/changed", test_changed);
  g_test_add_func ("/consultation/answers", test_answers);
  g_test_add_func ("/consultation/undo-redo-each", test_undo_redo_each);
  g_test_add_func ("/consultation/undo-redo-all", test_undo_redo_all);
  g_test_add_func ("/consultation/groups", test_groups);
  g_test_add_func ("/consultation/redo-cleared", test_redo_cleared);
  g_test_add_func ("/consultation/modified", test_modified);
  g_test_add_func ("/consultation/region-change-drops-outline", test_region_change_drops_outline);
  g_test_add_func ("/consultation/finding-accessors", test_finding_accessors);
  g_test_add_func ("/consultation/session-accessors", test_session_accessors);
  g_test_add_func ("/consultation/outlives-owner", test_outlives_owner);

  return g_test_run ();
}
