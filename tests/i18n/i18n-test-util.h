/* i18n-test-util.h: switching a test process to another language
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>

/* Binds the message catalogues to the build's tree ($NEEDLEMAP_LOCALEDIR,
 * set by tests/i18n/meson.build), as the application does at start. */
static inline void
i18n_test_bind_catalogues (void)
{
  const char *dir = g_getenv ("NEEDLEMAP_LOCALEDIR");

  g_assert_nonnull (dir);
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Switches every category to @locale and the messages to @language.
 * Returns FALSE, having told the test framework why, when the system has
 * no such locale (build-aux/dev deps generates the ones the tests use). */
static inline gboolean
i18n_test_use_locale (const char *locale,
                      const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  if (setlocale (LC_ALL, locale) == NULL)
    {
      g_autofree char *why = g_strdup_printf ("the locale %s is not installed "
                                              "(run build-aux/dev deps)", locale);
      setlocale (LC_ALL, "C.UTF-8");
      g_test_skip (why);
      return FALSE;
    }
  return TRUE;
}

static inline void
i18n_test_reset_locale (void)
{
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
}

/* Whether @text has a decimal comma before a unit of millimetres:
 * "1,5 mm", "0,75–1,0 mm". */
static inline gboolean
i18n_test_has_decimal_comma_mm (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("[0-9],[0-9]+(–[0-9],[0-9]+)?[  ]mm", 0, 0, NULL);

  return g_regex_match (regex, text, 0, NULL);
}

/* Whether @text has a depth with a decimal point: "1.5 mm". */
static inline gboolean
i18n_test_has_decimal_point_mm (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("[0-9]\\.[0-9]+(–[0-9]\\.[0-9]+)?[  ]mm", 0, 0, NULL);

  return g_regex_match (regex, text, 0, NULL);
}
