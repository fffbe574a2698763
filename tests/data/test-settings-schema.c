/* test-settings-schema.c
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The preference keys are a contract between the preferences window, the
 * PDF and calendar exporters and the planner: their names, types, defaults
 * and limits are checked here against the compiled schema in the build tree.
 */

#include "config.h"

#include <gio/gio.h>

typedef struct
{
  GSettingsSchemaSource *source;
  GSettingsSchema       *schema;
  GSettings             *settings;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *dir = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);

  /* Only our own compiled schema: nothing installed on the machine. */
  fixture->source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);

  fixture->schema = g_settings_schema_source_lookup (fixture->source, APP_ID, FALSE);
  g_assert_nonnull (fixture->schema);

  fixture->settings = g_settings_new_full (fixture->schema, NULL, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->settings);
  g_clear_pointer (&fixture->schema, g_settings_schema_unref);
  g_clear_pointer (&fixture->source, g_settings_schema_source_unref);
}

static GSettingsSchemaKey *
get_key (Fixture    *fixture,
         const char *name,
         const char *type)
{
  GSettingsSchemaKey *key;

  g_assert_true (g_settings_schema_has_key (fixture->schema, name));
  key = g_settings_schema_get_key (fixture->schema, name);
  g_assert_cmpstr (g_variant_type_peek_string (g_settings_schema_key_get_value_type (key)),
                   ==, type);

  return key;
}

static gboolean
key_accepts (GSettingsSchemaKey *key,
             GVariant           *value)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);

  return g_settings_schema_key_range_check (key, owned);
}

static void
test_every_key_documented (Fixture       *fixture,
                           gconstpointer  data)
{
  g_auto(GStrv) keys = g_settings_schema_list_keys (fixture->schema);

  g_assert_cmpuint (g_strv_length (keys), >=, 12);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (fixture->schema, keys[i]);
      const char *summary = g_settings_schema_key_get_summary (key);
      const char *description = g_settings_schema_key_get_description (key);

      if (summary == NULL || *summary == '\0' || description == NULL || *description == '\0')
        g_error ("key %s lacks a summary or a description", keys[i]);
    }
}

static void
test_clinic_strings (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char * const names[] = {
    "clinic-name", "clinic-address", "clinic-logo", "practitioner", "clinic-protocol",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSettingsSchemaKey) key = get_key (fixture, names[i], "s");
      g_autofree char *value = g_settings_get_string (fixture->settings, names[i]);

      /* Empty by default: nothing about a clinic is assumed. */
      g_assert_cmpstr (value, ==, "");
    }

  {
    g_autofree char *name = NULL;

    g_settings_set_string (fixture->settings, "clinic-name", "Clínica Exemplo");
    name = g_settings_get_string (fixture->settings, "clinic-name");
    g_assert_cmpstr (name, ==, "Clínica Exemplo");
  }
}

static void
test_paper_size (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GSettingsSchemaKey) key = get_key (fixture, "paper-size", "s");
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  g_autoptr(GVariant) choices = NULL;
  g_autofree char *kind = NULL;
  g_autofree const char **nicks = NULL;

  g_variant_get (range, "(sv)", &kind, &choices);
  g_assert_cmpstr (kind, ==, "enum");
  nicks = g_variant_get_strv (choices, NULL);
  g_assert_cmpuint (g_strv_length ((char **) nicks), ==, 3);
  g_assert_true (g_strv_contains (nicks, "auto"));
  g_assert_true (g_strv_contains (nicks, "a4"));
  g_assert_true (g_strv_contains (nicks, "letter"));

  g_assert_cmpint (g_settings_get_enum (fixture->settings, "paper-size"), ==, 0);
  g_assert_false (key_accepts (key, g_variant_new_string ("a3")));
  g_assert_true (g_settings_set_string (fixture->settings, "paper-size", "letter"));
  g_assert_cmpint (g_settings_get_enum (fixture->settings, "paper-size"), ==, 2);
}

static void
test_device_depths (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSettingsSchemaKey) max_depth = get_key (fixture, "device-max-depth", "d");
  g_autoptr(GSettingsSchemaKey) step = get_key (fixture, "device-depth-step", "d");

  g_assert_cmpfloat_with_epsilon (g_settings_get_double (fixture->settings, "device-max-depth"),
                                  2.5, 1e-9);
  g_assert_true (key_accepts (max_depth, g_variant_new_double (0.25)));
  g_assert_true (key_accepts (max_depth, g_variant_new_double (2.5)));
  g_assert_false (key_accepts (max_depth, g_variant_new_double (0.2)));
  g_assert_false (key_accepts (max_depth, g_variant_new_double (2.75)));

  g_assert_cmpfloat_with_epsilon (g_settings_get_double (fixture->settings, "device-depth-step"),
                                  0.25, 1e-9);
  g_assert_true (key_accepts (step, g_variant_new_double (0.05)));
  g_assert_true (key_accepts (step, g_variant_new_double (0.5)));
  g_assert_false (key_accepts (step, g_variant_new_double (0.01)));
  g_assert_false (key_accepts (step, g_variant_new_double (1.0)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/data/schema/every-key-documented", Fixture, NULL,
              fixture_setup, test_every_key_documented, fixture_teardown);
  g_test_add ("/data/schema/clinic-strings", Fixture, NULL,
              fixture_setup, test_clinic_strings, fixture_teardown);
  g_test_add ("/data/schema/paper-size", Fixture, NULL,
              fixture_setup, test_paper_size, fixture_teardown);
  g_test_add ("/data/schema/device-depths", Fixture, NULL,
              fixture_setup, test_device_depths, fixture_teardown);

  return g_test_run ();
}
