/* test-json-reader.c
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

/* The core's one JSON reader: strict where json-c 0.16 is not, with the
 * key path in every message. */

#include "config.h"

#include <string.h>

#include "nm-json-reader.h"

#define TEST_ERROR (g_quark_from_static_string ("test-json-error"))

enum
{
  TEST_SYNTAX = 1,
  TEST_LIMIT,
  TEST_VALUE
};

static const NmJsonRules *
rules (void)
{
  static NmJsonRules r;

  r = (NmJsonRules) { TEST_ERROR, TEST_SYNTAX, TEST_LIMIT, 1024 * 1024, 5, 100 };

  return &r;
}

static NmJsonDoc *
parse_with (const char        *text,
            gsize              len,
            const NmJsonRules *with,
            GError           **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len);

  return nm_json_doc_parse (bytes, with, error);
}

static NmJsonDoc *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  NmJsonDoc *doc = parse_with (text, strlen (text), rules (), &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);

  return doc;
}

typedef struct
{
  const char *text;
  const char *message;   /* how the message starts */
} Refusal;

static void
assert_refused (const Refusal *rows,
                guint          n_rows)
{
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NmJsonDoc) doc = parse_with (rows[i].text, strlen (rows[i].text), rules (), &error);

      {
        /* the input may be invalid UTF-8 on purpose: print it escaped */
        g_autofree char *shown = g_strescape (rows[i].text, NULL);

        g_test_message ("%s", shown);
      }
      g_assert_null (doc);
      g_assert_error (error, TEST_ERROR, TEST_SYNTAX);
      if (!g_str_has_prefix (error->message, rows[i].message))
        {
          g_test_message ("expected “%s…”, got “%s”", rows[i].message, error->message);
          g_test_fail ();
        }
    }
}

/* Each of these is accepted by json-c 0.16 with JSON_TOKENER_STRICT (see
 * the comment at the top of nm-json-reader.c); the reader refuses it, at
 * the key path of the value. */
static void
test_refuses_what_json_c_accepts (void)
{
  static const Refusal rows[] = {
    { "{'a': 1}", "line 1, column 2: unexpected character “'” (expected a key in double quotes)" },
    { "{\"a\": NaN}", "a: line 1, column 7: unexpected character “N”" },
    { "{\"a\": Infinity}", "a: line 1, column 7: unexpected character “I”" },
    { "{\"a\": -Infinity}", "a: line 1, column 8: unexpected character “I” (expected a digit)" },
    { "{\"a\": 1.}", "a: line 1, column 9: unexpected character “}” (expected a digit after the decimal point)" },
    { "{\"a\": 1.e5}", "a: line 1, column 9: unexpected character “e”" },
    { "{\"a\": -01}", "a: line 1, column 9: invalid number" },
    { "{\"a\": 1e999}", "a: line 1, column 7: a number out of the range that can be read" },
    { "{\"a\": 18446744073709551616}", "a: line 1, column 7: an integer out of the range that can be read" },
    { "{\"a\": \"x\ty\"}", "a: line 1, column 9: control character 0x09 inside a string" },
    { "{\"a\": \"x\ny\"}", "a: line 1, column 9: control character 0x0A inside a string" },
    { "{\"a\": \"x\001y\"}", "a: line 1, column 9: control character 0x01 inside a string" },
    { "{\"a\": 1, \"a\": 2}", "a: line 1, column 13: this key appears twice" },
    { "{\"a\": \"x\\u0000y\"}", "a: line 1, column 9: a string contains a NUL character" },
    { "{\"a\": \"\\ud800\"}", "a: line 1, column 8: unpaired surrogate" },
    { "{\"a\": \"\\ud800xy\"}", "a: line 1, column 8: unpaired surrogate" },
    { "{\"a\": \"\\udc00\"}", "a: line 1, column 8: unpaired surrogate" },
    { "{\"a\": \"\\ud800\\u0041\"}", "a: line 1, column 8: unpaired surrogate" },
    { "{\"a\": \"\xC3\x28\"}", "the file is not UTF-8 text (invalid byte at offset 7)" },
  };

  assert_refused (rows, G_N_ELEMENTS (rows));
}

/* What json-c refuses too, refused here with a place. */
static void
test_refuses_other_syntax (void)
{
  static const Refusal rows[] = {
    { "", "the file is empty" },
    { " \n\t ", "the file is empty" },
    { "\xEF\xBB\xBF{}", "the file starts with a byte order mark" },
    { "[]", "line 1, column 1: unexpected character “[” (expected one JSON object" },
    { "{} x", "line 1, column 4: trailing bytes after the JSON object" },
    { "{}{}", "line 1, column 3: trailing bytes" },
    { "{\"a\": [1, 2,]}", "a[2]: line 1, column 13: unexpected character “]” (expected a value)" },
    { "{\"a\": 1,}", "line 1, column 9: unexpected character “}” (expected a key in double quotes)" },
    { "{/* c */\"a\": 1}", "line 1, column 2: unexpected character “/”" },
    { "{\"a\": True}", "a: line 1, column 7: unexpected character “T” (expected a value)" },
    { "{\"a\": .5}", "a: line 1, column 7: unexpected character “.”" },
    { "{\"a\": +1}", "a: line 1, column 7: unexpected character “+”" },
    { "{\"a\": 01}", "a: line 1, column 8: invalid number" },
    { "{\"a\": \"\\x41\"}", "a: line 1, column 9: invalid escape in a string" },
    { "{\"a\": \"\\u12G4\"}", "a: line 1, column 8: invalid \\u escape" },
    { "{\"a\": {\"b\": [\"", "a.b[0]: line 1, column 15: the file ends inside a string" },
    { "{\"a\"", "a: line 1, column 5: the file ends too early (expected “:”)" },
  };

  assert_refused (rows, G_N_ELEMENTS (rows));
}

static void
test_limits (void)
{
  NmJsonRules small = *rules ();
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, ' ');
  g_autofree char *x101 = g_strnfill (101, 'x');
  g_autofree char *long_string = g_strdup_printf ("{\"a\": [\"%s\"]}", x101);
  g_autofree char *long_key = g_strdup_printf ("{\"%s\": 1}", x101);
  g_autofree char *just_fits = g_strdup_printf ("{\"a\": \"%s\\n\"}", x101 + 2);
  g_autoptr(GString) accents = g_string_new ("{\"a\": \"");
  g_autoptr(NmJsonDoc) doc = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append (accents, "é");
  g_string_append (accents, "\"}");

  small.max_depth = 2;
  doc = parse_with ("{\"a\": {\"b\": []}}", 16, &small, &error);
  g_assert_null (doc);
  g_assert_error (error, TEST_ERROR, TEST_LIMIT);
  g_assert_cmpstr (error->message, ==, "a.b: nesting deeper than 2 levels");
  g_clear_error (&error);

  doc = parse_with ("{\"a\": {\"b\": 1}}", 15, &small, &error);
  g_assert_no_error (error);
  g_clear_pointer (&doc, nm_json_doc_free);

  doc = parse_with (long_string, strlen (long_string), rules (), &error);
  g_assert_null (doc);
  g_assert_error (error, TEST_ERROR, TEST_LIMIT);
  g_assert_cmpstr (error->message, ==, "a[0]: a string is longer than 100 characters");
  g_clear_error (&error);

  doc = parse_with (long_key, strlen (long_key), rules (), &error);
  g_assert_null (doc);
  g_assert_error (error, TEST_ERROR, TEST_LIMIT);
  g_assert_cmpstr (error->message, ==, "a key is longer than 100 characters");
  g_clear_error (&error);

  /* A character, not a byte, and an escape is one character. */
  doc = parse_ok (just_fits);
  g_clear_pointer (&doc, nm_json_doc_free);
  doc = parse_ok (accents->str);
  g_clear_pointer (&doc, nm_json_doc_free);

  big[0] = '{';
  big[1] = '}';
  doc = parse_with (big, strlen (big), rules (), &error);
  g_assert_null (doc);
  g_assert_error (error, TEST_ERROR, TEST_LIMIT);
  g_assert_cmpstr (error->message, ==, "the file is larger than 1 MiB");
}

static void
test_tree (void)
{
  g_autoptr(NmJsonDoc) doc = parse_ok ("{\"s\": \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\","
                                       " \"i\": -42, \"d\": 0.5e1, \"t\": true, \"f\": false,"
                                       " \"z\": null, \"o\": {\"k\": []}, \"a\": [1, [2]]}");
  const NmJsonNode *root = nm_json_doc_get_root (doc);
  const NmJsonNode *value;
  g_autofree char *text = NULL;

  g_assert_cmpint (root->type, ==, json_type_object);
  g_assert_cmpuint (root->n, ==, 8);
  g_assert_cmpstr (root->children[0]->key, ==, "s");
  g_assert_cmpstr (root->children[7]->key, ==, "a");

  value = nm_json_member (root, "s");
  g_assert_cmpstr (value->text, ==, "a\"\\/\b\f\n\r\té😀");
  g_assert_cmpuint (value->n, ==, strlen ("a\"\\/\b\f\n\r\té😀"));

  value = nm_json_member (root, "i");
  g_assert_cmpint (value->type, ==, json_type_int);
  g_assert_cmpint (value->v.integer, ==, -42);

  value = nm_json_member (root, "d");
  g_assert_cmpint (value->type, ==, json_type_double);
  g_assert_cmpfloat (value->v.number, ==, 5.0);
  text = nm_json_number_text (value);
  g_assert_cmpstr (text, ==, "0.5e1");

  g_assert_true (nm_json_member (root, "t")->v.boolean);
  g_assert_false (nm_json_member (root, "f")->v.boolean);
  g_assert_cmpint (nm_json_member (root, "z")->type, ==, json_type_null);
  g_assert_cmpuint (nm_json_member (nm_json_member (root, "o"), "k")->n, ==, 0);
  g_assert_cmpint (nm_json_member (root, "a")->children[1]->children[0]->v.integer, ==, 2);

  g_assert_null (nm_json_member (root, "missing"));
  g_assert_null (nm_json_member (nm_json_member (root, "a"), "s"));
  g_assert_null (nm_json_member (NULL, "s"));
}

static void
test_check (void)
{
  g_autoptr(NmJsonDoc) doc = parse_ok ("{\"findings\": [{\"outline\": [[0.5, \"x\"]]}]}");
  const NmJsonNode *point = nm_json_doc_get_root (doc)->children[0]->children[0]->children[0]->children[0];
  g_autoptr(GError) error = NULL;
  NmJsonCheck check;
  double number;
  gsize mark;

  nm_json_check_init (&check, TEST_ERROR, TEST_VALUE, &error);
  nm_json_path_push_key (&check.path, "findings", -1);
  nm_json_path_push_index (&check.path, 3);
  nm_json_path_push_key (&check.path, "outline", -1);
  nm_json_path_push_index (&check.path, 0);

  mark = nm_json_path_push_index (&check.path, 0);
  g_assert_true (nm_json_get_number (&check, point->children[0], &number));
  g_assert_cmpfloat (number, ==, 0.5);
  nm_json_path_pop (&check.path, mark);

  nm_json_path_push_index (&check.path, 1);
  g_assert_false (nm_json_get_number (&check, point->children[1], &number));
  g_assert_error (error, TEST_ERROR, TEST_VALUE);
  g_assert_cmpstr (error->message, ==, "findings[3].outline[0][1]: must be a number, not a string");
  g_clear_error (&error);

  nm_json_check_init (&check, TEST_ERROR, TEST_VALUE, &error);
  g_assert_false (nm_json_expect (&check, point, json_type_object, "an object"));
  g_assert_cmpstr (error->message, ==, "must be an object, not an array");
}

/* A copy lives in its own document, whatever happens to the original. */
static void
test_copy (void)
{
  g_autoptr(NmJsonDoc) copy = nm_json_doc_new ();
  NmJsonNode *members[2];
  NmJsonDoc *doc = parse_ok ("{\"keep\": {\"n\": 1.50, \"s\": \"text\", \"l\": [true, null]}}");

  members[0] = nm_json_doc_copy (copy, nm_json_member (nm_json_doc_get_root (doc), "keep"), "kept");
  members[1] = nm_json_doc_new_string (copy, "added", "new");
  nm_json_doc_set_root (copy, nm_json_doc_new_container (copy, json_type_object, NULL, members, 2));
  nm_json_doc_free (doc);

  {
    const NmJsonNode *root = nm_json_doc_get_root (copy);
    const NmJsonNode *kept = nm_json_member (root, "kept");
    g_autofree char *text = nm_json_number_text (nm_json_member (kept, "n"));
    json_object *as_json_c = nm_json_node_to_json_c (root);

    g_assert_cmpstr (text, ==, "1.50");
    g_assert_cmpstr (nm_json_member (kept, "s")->text, ==, "text");
    g_assert_cmpuint (nm_json_member (kept, "l")->n, ==, 2);
    g_assert_cmpstr (nm_json_member (root, "added")->text, ==, "new");
    g_assert_cmpstr (json_object_to_json_string_ext (as_json_c, JSON_C_TO_STRING_PLAIN), ==,
                     "{\"kept\":{\"n\":1.50,\"s\":\"text\",\"l\":[true,null]},\"added\":\"new\"}");
    json_object_put (as_json_c);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-reader/refuses-what-json-c-accepts", test_refuses_what_json_c_accepts);
  g_test_add_func ("/json-reader/refuses-other-syntax", test_refuses_other_syntax);
  g_test_add_func ("/json-reader/limits", test_limits);
  g_test_add_func ("/json-reader/tree", test_tree);
  g_test_add_func ("/json-reader/check", test_check);
  g_test_add_func ("/json-reader/copy", test_copy);

  return g_test_run ();
}
