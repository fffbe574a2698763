/* test-gs1.c: the GS1 codes of needle cartridges (issue 16, traceability)
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nm-consultation.h"
#include "nm-gs1.h"

static void
assert_code (const char *text,
             const char *gtin,
             const char *expiry,
             const char *lot)
{
  g_autoptr(GError) error = NULL;
  NmGs1Code code;

  g_test_message ("%s", text);
  g_assert_true (nm_gs1_parse (text, 2026, &code, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (code.gtin, ==, gtin);
  g_assert_cmpstr (code.expiry, ==, expiry);
  g_assert_cmpstr (code.lot, ==, lot);
}

/* Good codes, printed and scanned */
static void
test_good (void)
{
  /* the human-readable form, in any order, with spaces */
  assert_code ("(01)09506000134352(17)271231(10)ABC123", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("(10)ABC123(01)09506000134352(17)271231", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("(17)271231 (10)ABC123 (01)09506000134352", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("  (01)04012345123456(10)L-2026/07\n", "04012345123456", "", "L-2026/07");
  /* a lot may hold brackets: only "(digits)" starts a field */
  assert_code ("(10)A(B)C(17)280229", "", "2028-02-29", "A(B)C");
  /* the raw form: fixed fields need no separator, a lot ends at GS or the end */
  assert_code ("0109506000134352172712311" "0ABC123", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("0109506000134352" "10ABC123\x1d" "17271231", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("10ABC123\x1d" "0109506000134352", "09506000134352", "", "ABC123");
  /* symbology identifiers and a leading FNC1 */
  assert_code ("]d20109506000134352" "17271231" "10ABC123", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("]C1\x1d" "0109506000134352" "10XY\x1d" "17271200", "09506000134352", "2027-12-31", "XY");
  assert_code ("]Q310LOT7", "", "", "LOT7");
  /* what keyboard scanners type for GS */
  assert_code ("0109506000134352" "10ABC123<GS>17271231", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("0109506000134352" "10ABC123{GS}17271231", "09506000134352", "2027-12-31", "ABC123");
  assert_code ("10ABC123|17271231", "", "2027-12-31", "ABC123");
  assert_code ("10ABC123^17271231", "", "2027-12-31", "ABC123");
  assert_code ("10ABC123~17271231", "", "2027-12-31", "ABC123");
  assert_code ("10ABC123\xe2\x90\x9d" "17271231", "", "2027-12-31", "ABC123");
  /* day 00 is the month's last day, in leap years too */
  assert_code ("(17)280200(10)A", "", "2028-02-29", "A");
  assert_code ("(17)270200(10)A", "", "2027-02-28", "A");
  assert_code ("(17)270400(10)A", "", "2027-04-30", "A");
  /* the century (§7.12): from 2026, 76 is 2076, 77 is 1977 */
  assert_code ("(17)760101(10)A", "", "2076-01-01", "A");
  assert_code ("(17)770101(10)A", "", "1977-01-01", "A");
  /* 20 characters, every kind CSET 82 has */
  assert_code ("(10)aZ09!\"%&'()*+,-./:", "", "", "aZ09!\"%&'()*+,-./:");
  assert_code ("10;<=>?_abcdefghijklmn", "", "", ";<=>?_abcdefghijklmn");
  /* other fields checked and dropped */
  assert_code ("(01)09506000134352(11)260101(21)SN1(10)ABC", "09506000134352", "", "ABC");
}

/* Every kind of malformed code is refused with its own one-line message. */
static void
test_malformed (void)
{
  static const struct {
    const char *text;
    const char *says;
  } bad[] = {
    { "", "empty" },
    { "   \n", "empty" },
    { "]d2", "empty" },
    { "]d1" "10ABC", "symbology" },
    { "]E0" "10ABC", "symbology" },
    { "ABC123", "application identifier" },
    { "(01)0950600013435(10)A", "14 digits, not 13" },
    { "(01)095060001343520(10)A", "14 digits, not 15" },
    { "(01)09506000134353(10)A", "check digit" },
    { "(01)0950600013435X(10)A", "digits only" },
    { "0109506000134353", "check digit" },
    { "01095060001343", "14 digits, not 12" },
    { "(17)271331(10)A", "month 13" },
    { "(17)270015(10)A", "month 00" },
    { "(17)270230(10)A", "day 30" },
    { "(17)270229(10)A", "day 29" },
    { "(17)2712(10)A", "6 digits, not 4" },
    { "(17)27A231(10)A", "digits only" },
    { "1727123", "6 digits, not 5" },
    { "(10)", "empty" },
    { "(10)(17)271231", "empty" },
    { "10\x1d" "17271231", "empty" },
    { "(10)ABCDEFGHIJKLMNOPQRSTU", "longer than 20" },
    { "10ABC123" "17271231" "0109506000134352", "longer than 20" },
    { "(10)AB CD", "space" },
    { "(10)AB#CD", "“#”" },
    { "(10)AB@", "“@”" },
    { "10AB\x01", "cannot hold" },
    { "(10)L\xc3\xa9", "cannot hold" },
    { "(10)A(10)B", "twice" },
    { "10A\x1d" "10B", "twice" },
    { "(240)ABC(10)A", "(240) is not an application identifier" },
    { "99ABC", "99… is not an application identifier" },
    { "(01", "in brackets" },
    { "(10)A)", "“)”" },  /* ')' is CSET 82: kept… */
    { "\xff", "not text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      NmGs1Code code;

      if (g_str_equal (bad[i].says, "“)”"))
        {
          /* …so this one is good: a lot "A)" */
          g_assert_true (nm_gs1_parse (bad[i].text, 2026, &code, NULL));
          g_assert_cmpstr (code.lot, ==, "A)");
          continue;
        }
      g_assert_false (nm_gs1_parse (bad[i].text, 2026, &code, &error));
      g_assert_error (error, NM_GS1_ERROR, NM_GS1_ERROR_INVALID);
      g_test_message ("%u -> %s", i, error->message);
      g_assert_nonnull (strstr (error->message, bad[i].says));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_true (g_str_has_prefix (error->message, "Not a valid GS1 code: "));
      /* nothing half-read */
      g_assert_cmpstr (code.lot, ==, "");
      g_assert_cmpstr (code.gtin, ==, "");
      g_assert_cmpstr (code.expiry, ==, "");
    }
}

static void
test_checks (void)
{
  g_assert_true (nm_gs1_gtin_is_valid ("09506000134352"));
  g_assert_true (nm_gs1_gtin_is_valid ("07612345678900"));
  g_assert_false (nm_gs1_gtin_is_valid ("09506000134351"));
  g_assert_false (nm_gs1_gtin_is_valid ("9506000134352"));
  g_assert_false (nm_gs1_gtin_is_valid (NULL));
  g_assert_true (nm_gs1_lot_is_valid ("A"));
  g_assert_true (nm_gs1_lot_is_valid ("ABCDEFGHIJKLMNOPQRST"));
  g_assert_false (nm_gs1_lot_is_valid ("ABCDEFGHIJKLMNOPQRSTU"));
  g_assert_false (nm_gs1_lot_is_valid (""));
  g_assert_false (nm_gs1_lot_is_valid ("A B"));
  g_assert_false (nm_gs1_lot_is_valid (NULL));

  g_assert_true (nm_gs1_looks_like_code ("(01)09506000134352(10)A"));
  g_assert_true (nm_gs1_looks_like_code ("]d2010950600013435210A"));
  g_assert_true (nm_gs1_looks_like_code ("0109506000134352" "10A"));
  g_assert_true (nm_gs1_looks_like_code ("\x1d" "10A"));
  g_assert_false (nm_gs1_looks_like_code ("ABC123"));
  g_assert_false (nm_gs1_looks_like_code ("0109506000134352"));
  g_assert_false (nm_gs1_looks_like_code ("(A)"));
  g_assert_false (nm_gs1_looks_like_code ("2026-07"));
}

/* Random codes built from the pieces that matter: never a crash, and the
 * fields of a code read are always valid, those of a refused one empty. */
static void
test_random (void)
{
  static const char *const pieces[] = {
    "(", ")", "(01)", "(10)", "(17)", "(21)", "01", "10", "17", "11", "21", "\x1d", "<GS>", "|",
    "]d2", "]C1", "]x", "0", "1", "2", "9", "09506000134352", "271231", "270200", "A", "z", " ",
    "#", "\xc3\xa9", "\xff", "\n", "\"", "/", "00", "13", "31",
  };
  GRand *rand = g_rand_new_with_seed (16);

  for (guint i = 0; i < 200000; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      guint n = g_rand_int_range (rand, 0, 12);
      NmGs1Code code;

      for (guint k = 0; k < n; k++)
        g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      if (nm_gs1_parse (text->str, 2026, &code, &error))
        {
          g_assert_no_error (error);
          g_assert_true (code.lot[0] == '\0' || nm_gs1_lot_is_valid (code.lot));
          g_assert_true (code.gtin[0] == '\0' || nm_gs1_gtin_is_valid (code.gtin));
          g_assert_true (code.expiry[0] == '\0' || nm_date_is_valid (code.expiry));
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_null (strchr (error->message, '\n'));
          g_assert_true (code.lot[0] == '\0' && code.gtin[0] == '\0' && code.expiry[0] == '\0');
        }
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gs1/good", test_good);
  g_test_add_func ("/gs1/malformed", test_malformed);
  g_test_add_func ("/gs1/checks", test_checks);
  g_test_add_func ("/gs1/random", test_random);

  return g_test_run ();
}
