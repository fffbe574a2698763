/* test-flatpak-manifest.c
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Flatpak manifest cannot be built in CI (no runtimes, no network), so
 * its promises are checked statically: a stable GNOME runtime, the minimal
 * sandbox, every download pinned by checksum, and the app built from the
 * checkout with meson.  The checker is also fed broken manifests to prove
 * that it rejects them.
 */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#define MANIFEST_PATH TOP_SRCDIR "/flatpak/" APP_ID ".json"

typedef enum
{
  MANIFEST_ERROR_INVALID,
} ManifestError;

#define MANIFEST_ERROR (manifest_error_quark ())
static G_DEFINE_QUARK (manifest-error-quark, manifest_error)

static const char * const expected_finish_args[] = {
  "--share=ipc",
  "--socket=wayland",
  "--socket=fallback-x11",
  "--device=dri",
};

static gboolean
fail (GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, MANIFEST_ERROR, MANIFEST_ERROR_INVALID, message);

  return FALSE;
}

static const char *
get_string (json_object *object,
            const char  *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;

  return json_object_get_string (value);
}

static json_object *
get_array (json_object *object,
           const char  *key)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_array))
    return NULL;

  return value;
}

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;

  return TRUE;
}

/* A stable runtime is a plain release number such as "48", never a branch
 * such as "master" or a nightly. */
static gboolean
is_stable_runtime_version (const char *version)
{
  guint64 number = 0;

  if (version == NULL ||
      !g_ascii_string_to_unsigned (version, 10, 47, 99, &number, NULL))
    return FALSE;

  return TRUE;
}

static gboolean
check_finish_args (json_object  *root,
                   GError      **error)
{
  json_object *args = get_array (root, "finish-args");
  gboolean seen[G_N_ELEMENTS (expected_finish_args)] = { FALSE, };
  size_t n;

  if (args == NULL)
    return fail (error, "finish-args is missing");

  n = json_object_array_length (args);
  for (size_t i = 0; i < n; i++)
    {
      json_object *item = json_object_array_get_idx (args, i);
      const char *arg = json_object_get_string (item);
      gboolean known = FALSE;

      if (!json_object_is_type (item, json_type_string))
        return fail (error, "finish-args[%zu] is not a string", i);

      if (g_str_has_prefix (arg, "--filesystem"))
        return fail (error, "finish-args grants file system access: %s", arg);
      if (g_str_equal (arg, "--share=network"))
        return fail (error, "finish-args grants network access");

      for (size_t j = 0; j < G_N_ELEMENTS (expected_finish_args); j++)
        {
          if (g_str_equal (arg, expected_finish_args[j]))
            {
              if (seen[j])
                return fail (error, "finish-args repeats %s", arg);
              seen[j] = TRUE;
              known = TRUE;
            }
        }

      if (!known)
        return fail (error, "finish-args has an unexpected permission: %s", arg);
    }

  for (size_t j = 0; j < G_N_ELEMENTS (expected_finish_args); j++)
    if (!seen[j])
      return fail (error, "finish-args lacks %s", expected_finish_args[j]);

  return TRUE;
}

/* Every download must name an https URL and a sha256 so that a build is
 * reproducible and cannot be fed a different tarball. */
static gboolean
check_sources_pinned (json_object  *module,
                      const char   *name,
                      gboolean     *has_archive,
                      GError      **error)
{
  json_object *sources = get_array (module, "sources");

  if (sources == NULL || json_object_array_length (sources) == 0)
    return fail (error, "module %s has no sources", name);

  for (size_t i = 0; i < json_object_array_length (sources); i++)
    {
      json_object *source = json_object_array_get_idx (sources, i);
      const char *type = get_string (source, "type");
      const char *url = get_string (source, "url");

      if (type == NULL)
        return fail (error, "module %s: sources[%zu] has no type", name, i);

      if (g_str_equal (type, "archive") || g_str_equal (type, "file"))
        {
          if (url == NULL || !g_str_has_prefix (url, "https://"))
            return fail (error, "module %s: sources[%zu] is not fetched over https", name, i);
          if (!is_sha256 (get_string (source, "sha256")))
            return fail (error, "module %s: sources[%zu] has no valid sha256", name, i);
          if (g_str_equal (type, "archive") && has_archive != NULL)
            *has_archive = TRUE;
        }
      else if (g_str_equal (type, "git"))
        {
          if (get_string (source, "commit") == NULL)
            return fail (error, "module %s: sources[%zu] is a git source without a commit",
                         name, i);
        }
    }

  return TRUE;
}

static gboolean
check_app_module (json_object  *module,
                  const char   *manifest_dir,
                  GError      **error)
{
  json_object *sources = get_array (module, "sources");
  const char *buildsystem = get_string (module, "buildsystem");
  gboolean from_checkout = FALSE;

  if (g_strcmp0 (buildsystem, "meson") != 0)
    return fail (error, "the needlemap module is not built with meson");

  if (sources == NULL)
    return fail (error, "the needlemap module has no sources");

  for (size_t i = 0; i < json_object_array_length (sources); i++)
    {
      json_object *source = json_object_array_get_idx (sources, i);
      const char *path = get_string (source, "path");
      g_autofree char *meson_build = NULL;

      if (g_strcmp0 (get_string (source, "type"), "dir") != 0 || path == NULL)
        continue;

      /* The directory must be this checkout: its meson.build declares us. */
      meson_build = g_build_filename (manifest_dir, path, "meson.build", NULL);
      if (g_file_test (meson_build, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *contents = NULL;

          if (g_file_get_contents (meson_build, &contents, NULL, NULL) &&
              strstr (contents, "project('needlemap'") != NULL)
            from_checkout = TRUE;
        }
    }

  if (!from_checkout)
    return fail (error, "the needlemap module is not built from the checkout (type dir)");

  return TRUE;
}

static gboolean
check_manifest (json_object  *root,
                const char   *manifest_dir,
                GError      **error)
{
  json_object *modules;
  const char *id;
  size_t n_modules;
  gboolean have_json_c = FALSE;
  gboolean have_app = FALSE;

  if (!json_object_is_type (root, json_type_object))
    return fail (error, "the manifest is not a JSON object");

  id = get_string (root, "id");
  if (id == NULL)
    id = get_string (root, "app-id");
  if (g_strcmp0 (id, APP_ID) != 0)
    return fail (error, "the application id is %s, not %s", id ? id : "missing", APP_ID);

  if (g_strcmp0 (get_string (root, "runtime"), "org.gnome.Platform") != 0)
    return fail (error, "the runtime is not org.gnome.Platform");
  if (!is_stable_runtime_version (get_string (root, "runtime-version")))
    return fail (error, "the runtime version is not a stable GNOME release");
  if (g_strcmp0 (get_string (root, "sdk"), "org.gnome.Sdk") != 0)
    return fail (error, "the SDK is not org.gnome.Sdk");
  if (g_strcmp0 (get_string (root, "command"), "needlemap") != 0)
    return fail (error, "the command is not needlemap");

  if (!check_finish_args (root, error))
    return FALSE;

  modules = get_array (root, "modules");
  if (modules == NULL || (n_modules = json_object_array_length (modules)) == 0)
    return fail (error, "the manifest has no modules");

  for (size_t i = 0; i < n_modules; i++)
    {
      json_object *module = json_object_array_get_idx (modules, i);
      const char *name;
      gboolean has_archive = FALSE;

      if (!json_object_is_type (module, json_type_object))
        return fail (error, "modules[%zu] is not an inline module", i);

      name = get_string (module, "name");
      if (name == NULL)
        return fail (error, "modules[%zu] has no name", i);

      if (!check_sources_pinned (module, name, &has_archive, error))
        return FALSE;

      if (g_str_equal (name, "json-c"))
        {
          if (have_app)
            return fail (error, "json-c is built after the application");
          if (!has_archive)
            return fail (error, "json-c is not built from a release archive");
          have_json_c = TRUE;
        }
      else if (g_str_equal (name, "needlemap"))
        {
          if (i != n_modules - 1)
            return fail (error, "the needlemap module is not the last module");
          if (!check_app_module (module, manifest_dir, error))
            return FALSE;
          have_app = TRUE;
        }
    }

  if (!have_json_c)
    return fail (error, "no json-c module");
  if (!have_app)
    return fail (error, "no needlemap module");

  return TRUE;
}

static json_object *
load_manifest (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  json_object *root;

  g_file_get_contents (MANIFEST_PATH, &contents, NULL, &error);
  g_assert_no_error (error);

  root = json_tokener_parse (contents);
  g_assert_nonnull (root);

  return root;
}

static void
test_manifest_valid (void)
{
  json_object *root = load_manifest ();
  g_autofree char *dir = g_path_get_dirname (MANIFEST_PATH);
  g_autoptr(GError) error = NULL;

  g_assert_true (check_manifest (root, dir, &error));
  g_assert_no_error (error);

  json_object_put (root);
}

/* Applies @mutate to a fresh copy of the manifest and expects the checker
 * to refuse it with a message containing @expected. */
static void
assert_rejected (void        (*mutate) (json_object *root),
                 const char   *expected)
{
  json_object *root = load_manifest ();
  g_autofree char *dir = g_path_get_dirname (MANIFEST_PATH);
  g_autoptr(GError) error = NULL;

  mutate (root);
  g_assert_false (check_manifest (root, dir, &error));
  g_assert_error (error, MANIFEST_ERROR, MANIFEST_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, expected));

  json_object_put (root);
}

static json_object *
find_module (json_object *root,
             const char  *name)
{
  json_object *modules = get_array (root, "modules");

  for (size_t i = 0; i < json_object_array_length (modules); i++)
    {
      json_object *module = json_object_array_get_idx (modules, i);

      if (g_strcmp0 (get_string (module, "name"), name) == 0)
        return module;
    }

  g_assert_not_reached ();
}

static void
add_filesystem (json_object *root)
{
  json_object_array_add (get_array (root, "finish-args"),
                         json_object_new_string ("--filesystem=home"));
}

static void
add_network (json_object *root)
{
  json_object_array_add (get_array (root, "finish-args"),
                         json_object_new_string ("--share=network"));
}

static void
drop_wayland (json_object *root)
{
  json_object *args = get_array (root, "finish-args");

  for (size_t i = 0; i < json_object_array_length (args); i++)
    if (g_str_equal (json_object_get_string (json_object_array_get_idx (args, i)),
                     "--socket=wayland"))
      {
        json_object_array_del_idx (args, i, 1);
        return;
      }

  g_assert_not_reached ();
}

static void
use_master_runtime (json_object *root)
{
  json_object_object_add (root, "runtime-version", json_object_new_string ("master"));
}

static void
unpin_json_c (json_object *root)
{
  json_object *source = json_object_array_get_idx (get_array (find_module (root, "json-c"),
                                                              "sources"), 0);

  json_object_object_add (source, "sha256", json_object_new_string ("0123abcd"));
}

static void
fetch_json_c_over_http (json_object *root)
{
  json_object *source = json_object_array_get_idx (get_array (find_module (root, "json-c"),
                                                              "sources"), 0);

  json_object_object_add (source, "url",
                          json_object_new_string ("http://example.org/json-c.tar.gz"));
}

static void
build_app_with_cmake (json_object *root)
{
  json_object_object_add (find_module (root, "needlemap"), "buildsystem",
                          json_object_new_string ("cmake-ninja"));
}

static void
build_app_from_elsewhere (json_object *root)
{
  json_object *source = json_object_array_get_idx (get_array (find_module (root, "needlemap"),
                                                              "sources"), 0);

  json_object_object_add (source, "path", json_object_new_string ("../no-such-dir"));
}

static void
test_manifest_rejects_filesystem (void)
{
  assert_rejected (add_filesystem, "file system access");
}

static void
test_manifest_rejects_network (void)
{
  assert_rejected (add_network, "network access");
}

static void
test_manifest_rejects_missing_socket (void)
{
  assert_rejected (drop_wayland, "lacks --socket=wayland");
}

static void
test_manifest_rejects_unstable_runtime (void)
{
  assert_rejected (use_master_runtime, "stable GNOME release");
}

static void
test_manifest_rejects_unpinned_source (void)
{
  assert_rejected (unpin_json_c, "sha256");
  assert_rejected (fetch_json_c_over_http, "https");
}

static void
test_manifest_rejects_wrong_app_build (void)
{
  assert_rejected (build_app_with_cmake, "meson");
  assert_rejected (build_app_from_elsewhere, "checkout");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/data/flatpak/valid", test_manifest_valid);
  g_test_add_func ("/data/flatpak/rejects-filesystem", test_manifest_rejects_filesystem);
  g_test_add_func ("/data/flatpak/rejects-network", test_manifest_rejects_network);
  g_test_add_func ("/data/flatpak/rejects-missing-socket", test_manifest_rejects_missing_socket);
  g_test_add_func ("/data/flatpak/rejects-unstable-runtime",
                   test_manifest_rejects_unstable_runtime);
  g_test_add_func ("/data/flatpak/rejects-unpinned-source", test_manifest_rejects_unpinned_source);
  g_test_add_func ("/data/flatpak/rejects-wrong-app-build", test_manifest_rejects_wrong_app_build);

  return g_test_run ();
}
