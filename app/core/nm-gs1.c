/* nm-gs1.c: the GS1 element strings of a needle cartridge's barcode
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

#define G_LOG_DOMAIN "nm-gs1"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nm-gs1.h"

/* What is read (GS1 General Specifications, §3 application identifiers,
 * §7.8 the group separator, §7.12 the century of a YYMMDD date):
 *
 *  - the human-readable form, "(01)…(17)…(10)…" in any order, spaces
 *    between fields allowed;
 *  - the raw form a USB scanner types, "01…17…10…", where a field of
 *    variable length (10, 21) ends at the group separator GS (0x1D) or at
 *    the end. Keyboard scanners often cannot type GS: "<GS>", "{GS}",
 *    "[GS]", U+241D (␝) and the characters '|', '^' and '~', none of which
 *    a GS1 field may hold, are read as GS too;
 *  - a symbology identifier first, as scanners may send it: "]d2" (GS1
 *    DataMatrix), "]C1" (GS1-128), "]Q3" (GS1 QR Code), "]e0" (GS1
 *    DataBar); another one is not a GS1 barcode and is refused;
 *  - surrounding white space (the scanner's Enter) is ignored.
 *
 * The application identifiers read are 01 (GTIN), 10 (lot), 17 (expiry),
 * and, checked then dropped, 11 (production date), 15 (best before), 16
 * (sell by) and 21 (serial number). Anything else is refused, as is any
 * field that is not exactly right: its length, its characters (digits;
 * CSET 82 for a lot or serial number), the GTIN's check digit, the date.
 * Each refusal is one line that says which field is wrong and how. */

G_DEFINE_QUARK (nm-gs1-error-quark, nm_gs1_error)

#define GS '\x1d'

typedef enum
{
  AI_GTIN,
  AI_LOT,
  AI_DATE,
  AI_SERIAL,
} AiKind;

typedef struct
{
  const char *ai;
  AiKind      kind;
  guint       length;   /* fixed length, or the most for a variable one */
  gboolean    fixed;
} AiInfo;

static const AiInfo ais[] = {
  { "01", AI_GTIN, 14, TRUE },
  { "10", AI_LOT, NM_GS1_LOT_MAX, FALSE },
  { "11", AI_DATE, 6, TRUE },
  { "15", AI_DATE, 6, TRUE },
  { "16", AI_DATE, 6, TRUE },
  { "17", AI_DATE, 6, TRUE },
  { "21", AI_SERIAL, 20, FALSE },
};

static const AiInfo *
lookup_ai (const char *ai,
           gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (ais); i++)
    if (strlen (ais[i].ai) == len && strncmp (ais[i].ai, ai, len) == 0)
      return &ais[i];
  return NULL;
}

/* GS1 AI encodable character set 82 (General Specifications, figure 7.11-1) */
static gboolean
is_cset82 (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!\"%&'()*+,-./:;<=>?_", c) != NULL);
}

/**
 * nm_gs1_lot_is_valid:
 * @lot: (nullable): a lot number
 *
 * Returns: whether @lot can be a GS1 lot (AI 10): 1–20 characters of
 *   CSET 82
 */
gboolean
nm_gs1_lot_is_valid (const char *lot)
{
  gsize n;

  if (lot == NULL)
    return FALSE;
  n = strlen (lot);
  if (n == 0 || n > NM_GS1_LOT_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!is_cset82 (lot[i]))
      return FALSE;
  return TRUE;
}

static int
gtin_check_digit (const char *digits,
                  gsize       n)
{
  int sum = 0;

  /* weights 3, 1, 3, … from the digit next to the check digit */
  for (gsize i = 0; i < n; i++)
    sum += (digits[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return (10 - sum % 10) % 10;
}

/**
 * nm_gs1_gtin_is_valid:
 * @gtin: (nullable): a GTIN as AI 01 holds it
 *
 * Returns: whether @gtin is 14 digits whose last is the right check digit
 */
gboolean
nm_gs1_gtin_is_valid (const char *gtin)
{
  if (gtin == NULL || strlen (gtin) != 14)
    return FALSE;
  for (guint i = 0; i < 14; i++)
    if (!g_ascii_isdigit (gtin[i]))
      return FALSE;
  return gtin_check_digit (gtin, 13) == gtin[13] - '0';
}

static gboolean
fail (GError    **error,
      const char *ai,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError    **error,
      const char *ai,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (ai != NULL)
    /* Translators: an application identifier such as (17), then what is
     * wrong with its field */
    g_set_error (error, NM_GS1_ERROR, NM_GS1_ERROR_INVALID, _("Not a valid GS1 code: (%s) %s"), ai, what);
  else
    g_set_error (error, NM_GS1_ERROR, NM_GS1_ERROR_INVALID, _("Not a valid GS1 code: %s"), what);
  return FALSE;
}

static const char *
field_name (const AiInfo *info)
{
  switch (info->kind)
    {
    case AI_GTIN:
      return _("the GTIN");
    case AI_LOT:
      return _("the lot");
    case AI_SERIAL:
      return _("the serial number");
    case AI_DATE:
    default:
      return g_str_equal (info->ai, "17") ? _("the expiry date") : _("the date");
    }
}

static gboolean
parse_date (const AiInfo *info,
            const char   *v,
            int           this_year,
            char          out[11],
            GError      **error)
{
  int yy = (v[0] - '0') * 10 + (v[1] - '0');
  int mm = (v[2] - '0') * 10 + (v[3] - '0');
  int dd = (v[4] - '0') * 10 + (v[5] - '0');
  int century = this_year / 100 * 100;
  int diff = yy - this_year % 100;
  int year;

  /* §7.12: a year 51–99 ahead is the last century's, 50 or more back the
   * next century's */
  if (diff >= 51)
    century -= 100;
  else if (diff <= -50)
    century += 100;
  year = century + yy;

  if (mm < 1 || mm > 12)
    /* Translators: %s is “the expiry date”; %02d a month number */
    return fail (error, info->ai, _("%s has no month %02d"), field_name (info), mm);
  if (dd > g_date_get_days_in_month ((GDateMonth) mm, (GDateYear) year))
    /* Translators: %s is “the expiry date”; %02d a day of the month */
    return fail (error, info->ai, _("%s has day %02d in a month that has fewer days"), field_name (info), dd);
  /* day 00: the month's last day */
  if (dd == 0)
    dd = g_date_get_days_in_month ((GDateMonth) mm, (GDateYear) year);
  g_snprintf (out, 11, "%04d-%02d-%02d", year, mm, dd);
  return TRUE;
}

typedef struct
{
  NmGs1Code *code;
  int        this_year;
  guint      seen;   /* bit per entry of ais[] */
} Parse;

/* One field's value, already cut out of the text. */
static gboolean
take_field (Parse        *p,
            const AiInfo *info,
            const char   *v,
            gsize         n,
            GError      **error)
{
  guint bit = 1u << (info - ais);

  if (p->seen & bit)
    return fail (error, info->ai, _("appears twice"));
  p->seen |= bit;

  if (info->fixed)
    {
      if (n != info->length)
        /* Translators: %s is e.g. “the GTIN”; %u a number of digits */
        return fail (error, info->ai, _("%s must be %u digits, not %u"), field_name (info),
                     info->length, (guint) n);
      for (gsize i = 0; i < n; i++)
        if (!g_ascii_isdigit (v[i]))
          /* Translators: %s is e.g. “the GTIN” */
          return fail (error, info->ai, _("%s must be digits only"), field_name (info));
    }
  else
    {
      if (n == 0)
        /* Translators: %s is e.g. “the lot” */
        return fail (error, info->ai, _("%s is empty"), field_name (info));
      if (n > info->length)
        /* Translators: %s is e.g. “the lot”; %u its most characters */
        return fail (error, info->ai, _("%s is longer than %u characters (or a group separator is missing after it)"),
                     field_name (info), info->length);
      for (gsize i = 0; i < n; i++)
        if (!is_cset82 (v[i]))
          {
            if (v[i] == ' ')
              /* Translators: %s is e.g. “the lot” */
              return fail (error, info->ai, _("%s cannot contain a space"), field_name (info));
            if ((guchar) v[i] < 0x20 || (guchar) v[i] >= 0x7f)
              /* Translators: %s is e.g. “the lot” */
              return fail (error, info->ai, _("%s contains a character a GS1 code cannot hold"), field_name (info));
            /* Translators: %s is e.g. “the lot”, %c the character */
            return fail (error, info->ai, _("%s cannot contain “%c”"), field_name (info), v[i]);
          }
    }

  switch (info->kind)
    {
    case AI_GTIN:
      if (gtin_check_digit (v, 13) != v[13] - '0')
        return fail (error, info->ai, _("the GTIN’s check digit is wrong: it should be %d"),
                     gtin_check_digit (v, 13));
      memcpy (p->code->gtin, v, 14);
      p->code->gtin[14] = '\0';
      break;

    case AI_DATE:
      {
        char iso[11];

        if (!parse_date (info, v, p->this_year, iso, error))
          return FALSE;
        if (g_str_equal (info->ai, "17"))
          memcpy (p->code->expiry, iso, sizeof iso);
      }
      break;

    case AI_LOT:
      memcpy (p->code->lot, v, n);
      p->code->lot[n] = '\0';
      break;

    case AI_SERIAL:
    default:
      break;
    }
  return TRUE;
}

/* "(01)…(10)…": a field runs to the next "(digits)", a GS or the end */
static gboolean
is_ai_start (const char *s)
{
  gsize i = 1;

  if (s[0] != '(')
    return FALSE;
  while (g_ascii_isdigit (s[i]) && i <= 4)
    i++;
  return i >= 3 && s[i] == ')';
}

static gboolean
parse_bracketed (Parse      *p,
                 const char *s,
                 GError    **error)
{
  while (*s != '\0')
    {
      const AiInfo *info;
      const char *ai, *v, *end;
      gsize ai_len;

      while (*s == ' ' || *s == GS)
        s++;
      if (*s == '\0')
        break;
      if (!is_ai_start (s))
        return fail (error, NULL, _("expected an application identifier in brackets, such as “(10)”"));
      ai = s + 1;
      ai_len = strchr (ai, ')') - ai;
      info = lookup_ai (ai, ai_len);
      if (info == NULL)
        {
          g_autofree char *which = g_strndup (ai, ai_len);

          /* Translators: %s is the digits of an application identifier */
          return fail (error, NULL, _("(%s) is not an application identifier Needlemap reads: "
                                      "it reads (01), (10), (11), (15), (16), (17) and (21)"), which);
        }
      v = ai + ai_len + 1;
      end = v;
      while (*end != '\0' && *end != GS && !is_ai_start (end))
        end++;
      /* spaces between fields */
      while (end > v && end[-1] == ' ')
        end--;
      if (!take_field (p, info, v, end - v, error))
        return FALSE;
      s = end;
    }
  return TRUE;
}

/* "0104012345123456" "17271231" "10ABC" GS "21…": as scanned */
static gboolean
parse_raw (Parse      *p,
           const char *s,
           GError    **error)
{
  while (*s != '\0')
    {
      const AiInfo *info;
      const char *v, *end;

      if (*s == GS)
        {
          s++;
          continue;
        }
      if (!g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[1]))
        return fail (error, NULL, _("expected the two digits of an application identifier, such as 10"));
      info = lookup_ai (s, 2);
      if (info == NULL)
        /* Translators: %.2s is the digits of an application identifier */
        return fail (error, NULL, _("%.2s… is not an application identifier Needlemap reads: "
                                    "it reads 01, 10, 11, 15, 16, 17 and 21"), s);
      v = s + 2;
      if (info->fixed)
        {
          end = v;
          while (*end != '\0' && *end != GS && (gsize) (end - v) < info->length)
            end++;
        }
      else
        {
          end = v;
          while (*end != '\0' && *end != GS)
            end++;
        }
      if (!take_field (p, info, v, end - v, error))
        return FALSE;
      s = end;
    }
  return TRUE;
}

/* The text with every GS substitute made GS, white space around removed. */
static char *
normalise (const char *text)
{
  static const char *const gs_texts[] = { "<GS>", "{GS}", "[GS]", "<gs>", "{gs}", "[gs]", "\xe2\x90\x9d" };
  GString *out = g_string_new (NULL);
  const char *s = text;
  const char *end;

  while (g_ascii_isspace (*s))
    s++;
  end = s + strlen (s);
  while (end > s && g_ascii_isspace (end[-1]))
    end--;

  while (s < end)
    {
      gboolean replaced = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (gs_texts); i++)
        {
          gsize n = strlen (gs_texts[i]);

          if ((gsize) (end - s) >= n && strncmp (s, gs_texts[i], n) == 0)
            {
              g_string_append_c (out, GS);
              s += n;
              replaced = TRUE;
              break;
            }
        }
      if (replaced)
        continue;
      g_string_append_c (out, (*s == '|' || *s == '^' || *s == '~') ? GS : *s);
      s++;
    }
  return g_string_free (out, FALSE);
}

/**
 * nm_gs1_parse:
 * @text: what was typed or scanned
 * @this_year: the year that decides a YYMMDD date's century (§7.12);
 *   0 for the current one
 * @code: (out caller-allocates): the GTIN, expiry and lot found
 * @error: why @text was refused: one line, saying which field is wrong
 *
 * Returns: %TRUE if @text is a GS1 code whose every field is valid; the
 *   fields it does not have are "" in @code
 */
gboolean
nm_gs1_parse (const char *text,
              int         this_year,
              NmGs1Code  *code,
              GError    **error)
{
  g_autofree char *norm = NULL;
  const char *s;
  Parse p = { 0 };

  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (code, 0, sizeof *code);
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return fail (error, NULL, _("it is not text"));

  if (this_year <= 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      this_year = g_date_time_get_year (now);
    }
  p.code = code;
  p.this_year = this_year;

  norm = normalise (text);
  s = norm;
  if (s[0] == ']')
    {
      static const char *const gs1_ids[] = { "]d2", "]C1", "]Q3", "]e0" };
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (gs1_ids); i++)
        if (strncmp (s, gs1_ids[i], 3) == 0)
          known = TRUE;
      if (!known)
        return fail (error, NULL, _("the scanner says it is not a GS1 barcode "
                                    "(its symbology identifier is not ]d2, ]C1, ]Q3 or ]e0)"));
      s += 3;
    }
  while (*s == GS)
    s++;
  if (*s == '\0')
    return fail (error, NULL, _("it is empty"));

  if (!(s[0] == '(' ? parse_bracketed (&p, s, error) : parse_raw (&p, s, error)))
    {
      memset (code, 0, sizeof *code);
      return FALSE;
    }
  return TRUE;
}

/**
 * nm_gs1_looks_like_code:
 * @text: what was typed in a lot field
 *
 * Whether @text is meant as a GS1 code rather than a lot number: it
 * starts with "(" and digits, a symbology identifier "]", a GS, or is
 * "01", 14 digits and more (a raw scan starting with the GTIN).
 *
 * Returns: %TRUE if @text should be read with nm_gs1_parse()
 */
gboolean
nm_gs1_looks_like_code (const char *text)
{
  g_autofree char *norm = NULL;
  gsize i;

  if (text == NULL)
    return FALSE;
  norm = normalise (text);
  if (norm[0] == ']' || norm[0] == GS || (norm[0] == '(' && g_ascii_isdigit (norm[1])))
    return TRUE;
  if (strncmp (norm, "01", 2) != 0)
    return FALSE;
  for (i = 2; i < 16; i++)
    if (!g_ascii_isdigit (norm[i]))
      return FALSE;
  return norm[16] != '\0';
}
