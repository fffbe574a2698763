/* test-session-form.c: the Log Session form's cartridge and products
 * (issue 16, traceability): a GS1 code scanned into the lot fills the lot,
 * expiry and GTIN; a malformed one is refused with its reason; an expired
 * cartridge warns.
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "nm-client-panel.h"
#include "nm-consultation.h"
#include "nm-session-form.h"

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* the first visible label with the error style: the form's problem */
static const char *
problem_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") && gtk_widget_get_visible (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = problem_text (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
text_of (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* as a USB scanner does: the characters, then Enter */
static void
scan (GtkWidget  *row,
      const char *code)
{
  gtk_editable_set_text (GTK_EDITABLE (row), code);
  g_signal_emit_by_name (row, "entry-activated");
}

static NmSessionForm *
new_form (NmConsultation *c,
          const char     *date)
{
  g_autoptr(NmSession) draft = nm_session_new (date);
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 10, G_DATE_JANUARY, 2028);
  return nm_session_form_new (NULL, c, NULL, draft, NM_SESSION_FORM_LOG, NULL, NULL, &today);
}

static void
test_scan_fills_fields (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  NmSessionForm *form;
  GtkWidget *lot, *expiry, *gtin, *serum, *cream, *warning;
  NmDateEntryStyle style;
  g_autofree char *expiry_iso = NULL;
  NmSession *logged;

  nm_date_entry_style_for_locale (&style);
  nm_consultation_set_fitzpatrick (c, 2);
  form = new_form (c, "2026-12-01");
  gtk_window_present (GTK_WINDOW (form));

  lot = find_row (GTK_WIDGET (form), "Cartridge Lot");
  expiry = find_row (GTK_WIDGET (form), "Cartridge Expiry");
  gtin = find_row (GTK_WIDGET (form), "Cartridge GTIN");
  serum = find_row (GTK_WIDGET (form), "Serum");
  cream = find_row (GTK_WIDGET (form), "Numbing Cream");
  warning = find_named (GTK_WIDGET (form), "expiry-warning");
  g_assert_nonnull (lot);
  g_assert_nonnull (expiry);
  g_assert_nonnull (gtin);
  g_assert_nonnull (serum);
  g_assert_nonnull (cream);
  g_assert_nonnull (warning);

  /* the printed form fills all three */
  scan (lot, "(01)09506000134352(17)271231(10)ABC123");
  g_assert_cmpstr (text_of (lot), ==, "ABC123");
  g_assert_cmpstr (text_of (gtin), ==, "09506000134352");
  expiry_iso = nm_date_entry_parse (&style, text_of (expiry));
  g_assert_cmpstr (expiry_iso, ==, "2027-12-31");
  g_assert_null (problem_text (GTK_WIDGET (form)));
  g_assert_false (gtk_widget_get_visible (warning));

  /* a malformed scan is refused with its reason; the fields stay */
  scan (lot, "0109506000134353" "17280131" "10XYZ");
  g_assert_nonnull (problem_text (GTK_WIDGET (form)));
  g_assert_nonnull (strstr (problem_text (GTK_WIDGET (form)), "check digit"));
  g_assert_true (gtk_widget_has_css_class (lot, "error"));
  g_assert_cmpstr (text_of (gtin), ==, "09506000134352");
  /* and cannot be logged */
  g_assert_false (nm_session_form_accept (form));
  g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, 0);

  /* the raw form as a keyboard scanner types it, with a symbology
   * identifier and "<GS>" for the group separator: an expired cartridge */
  scan (lot, "]d2" "0104012345123456" "10LOT-7<GS>" "17261130");
  g_assert_null (problem_text (GTK_WIDGET (form)));
  g_assert_false (gtk_widget_has_css_class (lot, "error"));
  g_assert_cmpstr (text_of (lot), ==, "LOT-7");
  g_assert_cmpstr (text_of (gtin), ==, "04012345123456");
  g_clear_pointer (&expiry_iso, g_free);
  expiry_iso = nm_date_entry_parse (&style, text_of (expiry));
  g_assert_cmpstr (expiry_iso, ==, "2026-11-30");
  /* expired the day before the session: warned, not refused */
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (warning)), "expired"));

  gtk_editable_set_text (GTK_EDITABLE (serum), "  Hyaluronic acid 1%  ");
  gtk_editable_set_text (GTK_EDITABLE (cream), "Lidocaine 5%");
  logged = nm_session_form_get_session (form);
  g_object_ref (logged);
  g_assert_true (nm_session_form_accept (form));
  g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, 1);
  g_assert_true (nm_consultation_get_session (c, 0) == logged);
  g_assert_cmpstr (nm_session_get_cartridge_lot (logged), ==, "LOT-7");
  g_assert_cmpstr (nm_session_get_cartridge_gtin (logged), ==, "04012345123456");
  g_assert_cmpstr (nm_session_get_cartridge_expiry (logged), ==, "2026-11-30");
  g_assert_cmpstr (nm_session_get_serum (logged), ==, "Hyaluronic acid 1%");
  g_assert_cmpstr (nm_session_get_numbing_cream (logged), ==, "Lidocaine 5%");
  g_assert_true (nm_session_cartridge_expired (logged));
  /* one undo takes the whole session back */
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpuint (nm_consultation_get_n_sessions (c), ==, 0);
  g_object_unref (logged);
}

/* A lot typed by hand is kept as typed; one that cannot be a lot, a GTIN
 * that does not add up and a code without a lot are refused. */
static void
test_typed (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  NmSessionForm *form;
  GtkWidget *lot, *gtin, *warning;
  NmSession *logged;

  nm_consultation_set_fitzpatrick (c, 2);
  form = new_form (c, "2026-12-01");
  gtk_window_present (GTK_WINDOW (form));
  lot = find_row (GTK_WIDGET (form), "Cartridge Lot");
  gtin = find_row (GTK_WIDGET (form), "Cartridge GTIN");
  warning = find_named (GTK_WIDGET (form), "expiry-warning");

  /* a code without a lot fills what it has and asks for the lot */
  scan (lot, "(01)09506000134352(17)271231");
  g_assert_nonnull (strstr (problem_text (GTK_WIDGET (form)), "no lot"));
  g_assert_cmpstr (text_of (lot), ==, "");
  g_assert_cmpstr (text_of (gtin), ==, "09506000134352");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (form), "Cartridge Expiry")), "");

  gtk_editable_set_text (GTK_EDITABLE (lot), "AB 12");
  g_assert_false (nm_session_form_accept (form));
  g_assert_nonnull (strstr (problem_text (GTK_WIDGET (form)), "no spaces"));

  gtk_editable_set_text (GTK_EDITABLE (lot), "AB-12");
  gtk_editable_set_text (GTK_EDITABLE (gtin), "9506000134351");
  g_assert_false (nm_session_form_accept (form));
  g_assert_nonnull (strstr (problem_text (GTK_WIDGET (form)), "GTIN"));
  /* a GTIN-13 is kept as the GTIN-14 it is */
  gtk_editable_set_text (GTK_EDITABLE (gtin), "9506000134352");
  g_assert_false (gtk_widget_get_visible (warning));

  logged = g_object_ref (nm_session_form_get_session (form));
  g_assert_true (nm_session_form_accept (form));
  g_assert_cmpstr (nm_session_get_cartridge_lot (logged), ==, "AB-12");
  g_assert_cmpstr (nm_session_get_cartridge_gtin (logged), ==, "09506000134352");
  g_assert_null (nm_session_get_cartridge_expiry (logged));
  g_assert_null (nm_session_get_serum (logged));
  g_object_unref (logged);
}

/* Edit Session shows what the session used and changes it in one step. */
static void
test_edit (void)
{
  g_autoptr(NmConsultation) c = nm_consultation_new ();
  g_autoptr(NmSession) session = nm_session_new ("2026-12-01");
  NmDateEntryStyle style;
  g_autofree char *expiry_iso = NULL;
  NmSessionForm *form;
  GDate today;

  nm_date_entry_style_for_locale (&style);
  nm_consultation_set_fitzpatrick (c, 2);
  nm_session_set_done (session, TRUE);
  nm_session_set_cartridge_lot (session, "LOT-9");
  nm_session_set_cartridge_gtin (session, "09506000134352");
  nm_session_set_cartridge_expiry (session, "2027-06-30");
  nm_session_set_serum (session, "Serum A");
  nm_consultation_add_session (c, session);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 10, G_DATE_JANUARY, 2028);
  form = nm_session_form_new (NULL, c, NULL, session, NM_SESSION_FORM_EDIT, NULL, NULL, &today);
  gtk_window_present (GTK_WINDOW (form));
  g_assert_cmpstr (text_of (find_row (GTK_WIDGET (form), "Cartridge Lot")), ==, "LOT-9");
  g_assert_cmpstr (text_of (find_row (GTK_WIDGET (form), "Cartridge GTIN")), ==, "09506000134352");
  expiry_iso = nm_date_entry_parse (&style, text_of (find_row (GTK_WIDGET (form), "Cartridge Expiry")));
  g_assert_cmpstr (expiry_iso, ==, "2027-06-30");
  g_assert_cmpstr (text_of (find_row (GTK_WIDGET (form), "Serum")), ==, "Serum A");
  g_assert_cmpstr (text_of (find_row (GTK_WIDGET (form), "Numbing Cream")), ==, "");

  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (form), "Serum")), "");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (form), "Numbing Cream")), "Cream B");
  g_assert_true (nm_session_form_accept (form));
  g_assert_null (nm_session_get_serum (session));
  g_assert_cmpstr (nm_session_get_numbing_cream (session), ==, "Cream B");
  g_assert_cmpstr (nm_session_get_cartridge_lot (session), ==, "LOT-9");
  /* one step back */
  g_assert_true (nm_consultation_undo (c));
  g_assert_cmpstr (nm_session_get_serum (session), ==, "Serum A");
  g_assert_null (nm_session_get_numbing_cream (session));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/session-form/scan-fills-fields", test_scan_fills_fields);
  g_test_add_func ("/session-form/typed", test_typed);
  g_test_add_func ("/session-form/edit", test_edit);

  return g_test_run ();
}
