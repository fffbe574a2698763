/* nm-planner.c
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

#define G_LOG_DOMAIN "nm-planner"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nm-file.h"
#include "nm-plan-private.h"
#include "nm-planner.h"
#include "nm-safety.h"

/* The planner is a pure function of the consultation, the protocol and the
 * date: no I/O, no clock, no locale. Every decision it takes is written into
 * the region's reasons with the protocol's citation, so the practitioner can
 * see which rule gave which number.
 *
 * Its texts are English with '.' decimals by default, so `needlemap --plan`
 * gives the same bytes in every locale. With NmPlannerOptions.translate (the
 * window, the PDF, printing and the calendar) they are looked up in the
 * message catalogue and depths use the locale's decimal separator; the
 * sources' keys in brackets ("(JUV, DP)") are never translated. */

#define EPSILON 1e-9

typedef struct
{
  const char *id;
  const char *text;
} ItemText;

/* What each screening item means for the treatment, one plain clause. The
 * planner appends the protocol's sources. */
static const ItemText screening_texts[] = {
  { "active-infection", N_("Active skin infection, warts or active herpes: do not needle until it has cleared") },
  { "open-wounds", N_("Open wounds, sores or irritated skin: do not needle") },
  { "skin-cancer", N_("Active skin cancer or a suspicious lesion: do not needle, refer") },
  { "bleeding-disorder", N_("Bleeding disorder: needling is contraindicated") },
  { "isotretinoin", N_("Isotretinoin now or in the last 6 months: wait 6 months after the last dose") },
  { "pregnancy", N_("Pregnant or breastfeeding: postpone the treatment") },
  { "keloid-tendency", N_("History of keloids: needling may start new ones") },
  { "radiotherapy", N_("Radiotherapy now or in the last 3 months: postpone the treatment") },
  { "metal-allergy", N_("Allergy to stainless steel, nickel or topical anaesthetics: needling is contraindicated") },
  { "uncontrolled-diabetes", N_("Uncontrolled diabetes: postpone until it is controlled") },
  { "immunosuppression", N_("Immunosuppressants, chemotherapy or high-dose steroids: needling is contraindicated") },
  { "autoimmune-skin-disease", N_("Scleroderma or collagen-vascular disease: needling is contraindicated") },
  { "anticoagulants", N_("Anticoagulants or aspirin: needs the prescriber's approval, expect more bleeding") },
  { "herpes-history", N_("History of cold sores: antiviral prophylaxis before each session") },
  { "active-acne", N_("Active acne: avoid inflamed lesions") },
  { "rosacea", N_("Rosacea: do not needle active papulopustular rosacea") },
  { "eczema-psoriasis", N_("Eczema, psoriasis or dermatitis: avoid active patches") },
  { "recent-procedure", N_("Recent filler, toxin, peel, laser or surgery: check the waiting time for the area") },
  { "sunburn", N_("Sunburn or a fresh tan: wait 2 weeks") },
  { "vitiligo", N_("Vitiligo: needling may start new patches (Koebner phenomenon); only stable vitiligo, "
                   "with the dermatologist's agreement") },
  { "photosensitising-drugs", N_("Photosensitising medicines: ask the prescriber before needling, strict sun protection") },
  { "tattoo-in-area", N_("Tattoo or permanent make-up in the area: needle around it, never through it") },
  { "pigmented-lesions-in-area", N_("Moles, actinic keratoses or other pigmented lesions in the area: avoid them, "
                                    "and refer a suspicious one before any treatment") },
  { "pih-history", N_("Hyperpigmentation or scarring after an earlier procedure: consider going shallower "
                      "than planned, and prime the skin") },
};

/* Short names of the screening items, for lists inside a sentence ("the plan
 * is blocked by isotretinoin, pregnancy"). The English plan lists the ids. */
static const ItemText screening_names[] = {
  { "active-infection", N_("active skin infection") },
  { "open-wounds", N_("open wounds") },
  { "skin-cancer", N_("skin cancer or a suspicious lesion") },
  { "bleeding-disorder", N_("bleeding disorder") },
  { "isotretinoin", N_("isotretinoin") },
  { "pregnancy", N_("pregnancy or breastfeeding") },
  { "keloid-tendency", N_("keloid tendency") },
  { "radiotherapy", N_("radiotherapy") },
  { "metal-allergy", N_("allergy to steel, nickel or anaesthetics") },
  { "uncontrolled-diabetes", N_("uncontrolled diabetes") },
  { "immunosuppression", N_("immunosuppression") },
  { "autoimmune-skin-disease", N_("collagen-vascular disease") },
  { "anticoagulants", N_("anticoagulants") },
  { "herpes-history", N_("history of cold sores") },
  { "active-acne", N_("active acne") },
  { "rosacea", N_("rosacea") },
  { "eczema-psoriasis", N_("eczema, psoriasis or dermatitis") },
  { "recent-procedure", N_("recent procedure") },
  { "sunburn", N_("sunburn or a fresh tan") },
  { "vitiligo", N_("vitiligo") },
  { "photosensitising-drugs", N_("photosensitising medicines") },
  { "tattoo-in-area", N_("tattoo in the area") },
  { "pigmented-lesions-in-area", N_("pigmented lesions in the area") },
  { "pih-history", N_("pigmentation or scarring after a procedure") },
  { "minor", N_("under 18 without a guardian") },
};

/* The protocol's texts that reach the plan (schedule labels, the notes of
 * regions that are never needled), so that they are in the message
 * catalogue; tests/i18n checks this list against resources/protocol.json.
 * A clinic's own texts are shown as written. */
static const char * const protocol_texts[] G_GNUC_UNUSED = {
  N_("Skin series"),
  N_("Scalp series"),
  N_("eyelids lie inside the orbital rim, which the device labeling excludes, and have the thinnest facial dermis."),
  N_("Set by the clinic's protocol file."),
};

static const char * const roman[] = { "", "I", "II", "III", "IV", "V", "VI" };

typedef struct
{
  const char *kind;
  guint       severity;
} Item;

typedef struct
{
  NmConsultation *consultation;
  NmProtocol     *protocol;
  NmPlan         *plan;
  gboolean        translate;
  gboolean        own_device;        /* the consultation's device holds depths back */
  guint           fitzpatrick;
  double          step;
  double          device_max;
  gboolean        blocked;
  gboolean        relative_yes;      /* a relative item is true: caution (spec §3) */
  NmAnswer        herpes_history;
  gboolean        active_acne;
  char           *blocked_list;      /* "isotretinoin, pregnancy" */
  GDate           today;
  GDate           start;             /* the first session, after any wait */
  GPtrArray      *region_warnings;   /* of NmPlanWarning, appended after the others */
} Planner;

static const char *plan_tr  (const Planner *pl,
                             const char    *msgid) G_GNUC_FORMAT (2);
static const char *plan_trn (const Planner *pl,
                             const char    *msgid,
                             const char    *msgid_plural,
                             gulong         n) G_GNUC_FORMAT (2) G_GNUC_FORMAT (3);

/* A text of the plan: @msgid itself for the --plan JSON, else its
 * translation. The sources' keys are never part of a msgid. */
static const char *
plan_tr (const Planner *pl,
         const char    *msgid)
{
  return pl->translate ? g_dgettext (GETTEXT_PACKAGE, msgid) : msgid;
}

static const char *
plan_trn (const Planner *pl,
          const char    *msgid,
          const char    *msgid_plural,
          gulong         n)
{
  if (pl->translate)
    return g_dngettext (GETTEXT_PACKAGE, msgid, msgid_plural, n);
  return n == 1 ? msgid : msgid_plural;
}

/* A depth: "0.75" in the JSON, "0,75" in a German window. */
static char *
plan_mm (const Planner *pl,
         double         mm)
{
  return pl->translate ? nm_format_mm_display (mm) : nm_format_mm (mm);
}

/* A date in a sentence: "2026-12-15" in the JSON, "15 Dec 2026" in the
 * window and the PDF, as the schedule writes dates. */
static char *
plan_date (const Planner *pl,
           const GDate   *date)
{
  char buffer[64];

  /* the schedule's msgid (nm_render_format_date()), so the same form */
  if (pl->translate &&
      g_date_strftime (buffer, sizeof buffer, g_dgettext (GETTEXT_PACKAGE, "%-d %b %Y"), date) > 0)
    return g_strdup (buffer);
  return g_strdup_printf ("%04u-%02u-%02u", (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date), (guint) g_date_get_day (date));
}

/* g_strv_builder_take() is GLib 2.80 */
static void
take_reason (GStrvBuilder *builder,
             char         *reason)
{
  g_strv_builder_add (builder, reason);
  g_free (reason);
}

static double
round_down (double mm,
            double step)
{
  return floor (mm / step + EPSILON) * step;
}

static char *
cite (const NmCitation *citation)
{
  g_autofree char *keys = nm_citation_format (citation);
  return g_strdup_printf ("(%s)", keys);
}

static char *
skin_range (guint min,
            guint max)
{
  min = CLAMP (min, 1, 6);
  max = CLAMP (max, 1, 6);
  if (min == max)
    return g_strdup (roman[min]);
  return g_strdup_printf ("%s–%s", roman[min], roman[max]);
}

static gboolean
skin_rule_applies (const NmProtocolSkinRule *rule,
                   guint                     fitzpatrick)
{
  return fitzpatrick >= rule->fitzpatrick_min && fitzpatrick <= rule->fitzpatrick_max;
}

static const char *
item_text (const ItemText *items,
           guint           n_items,
           const char     *id)
{
  guint i;

  for (i = 0; i < n_items; i++)
    if (g_str_equal (items[i].id, id))
      return items[i].text;
  return id;
}

static const char *
screening_text (const Planner *pl,
                const char    *id)
{
  return plan_tr (pl, item_text (screening_texts, G_N_ELEMENTS (screening_texts), id));
}

static const char *
kind_name (const Planner *pl,
           const char    *kind)
{
  int index = nm_vocab_kind_index (kind);

  if (index < 0)
    return kind;
  /* The English plan uses the untranslated name whatever the locale. */
  return pl->translate ? nm_vocab_kind_name (kind) : nm_vocab_kind (index)->name;
}

/* Whether names and notes start with a small letter inside a sentence:
 * not in German, where nouns keep their capital. */
static gboolean
lowercase_in_sentence (const Planner *pl)
{
  /* Translators: inside the plan's sentences the name of a finding kind
   * ("Fine lines") or a protocol's note starts with a small letter
   * ("…from fine lines"). Translate as "keep" if your language keeps the
   * capital letter (German nouns); anything else makes it small. */
  return !pl->translate || !g_str_equal (C_("kind names inside a sentence", "lowercase"), "keep");
}

/* A kind's name inside a sentence: "Fine lines" -> "fine lines". */
static char *
kind_name_lower (const Planner *pl,
                 const char    *kind)
{
  char *name = g_strdup (kind_name (pl, kind));
  gunichar first = g_utf8_get_char (name);

  if (!lowercase_in_sentence (pl))
    return name;

  if (g_unichar_isupper (first) && g_unichar_islower (g_utf8_get_char (g_utf8_next_char (name))))
    {
      g_autofree char *rest = g_strdup (g_utf8_next_char (name));
      char buffer[8] = { 0 };

      g_unichar_to_utf8 (g_unichar_tolower (first), buffer);
      g_free (name);
      name = g_strconcat (buffer, rest, NULL);
    }
  return name;
}

/* "0.5–0.75 mm", or "0.5 mm" when both ends are the same */
static char *
format_range (const Planner *pl,
              double         min,
              double         max)
{
  g_autofree char *lo = plan_mm (pl, min);
  g_autofree char *hi = plan_mm (pl, max);

  if (g_str_equal (lo, hi))
    return g_strdup_printf ("%s mm", lo);
  return g_strdup_printf ("%s–%s mm", lo, hi);
}

/* Screening items in a sentence: their ids in the English plan
 * ("isotretinoin, pregnancy"), their short names otherwise. */
static char *
join_ids (const Planner *pl,
          GPtrArray     *ids)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint i;

  for (i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      /* "; " between the translated names: some hold an "or" of their own
       * ("pregnancy or breastfeeding") */
      if (i > 0)
        g_string_append (text, pl->translate ? "; " : ", ");
      if (pl->translate)
        g_string_append (text, plan_tr (pl, item_text (screening_names, G_N_ELEMENTS (screening_names), id)));
      else
        g_string_append (text, id);
    }
  return g_strdup (text->str);
}

/* "Note text." -> "note text", to be quoted inside a sentence. */
static char *
note_clause (const Planner *pl,
             const char    *note)
{
  char *text;
  gsize len;

  if (note == NULL || *note == '\0')
    return g_strdup ("");
  text = g_strdup (note);
  len = strlen (text);
  if (len > 0 && text[len - 1] == '.')
    text[len - 1] = '\0';
  if (lowercase_in_sentence (pl) && g_ascii_isupper (text[0]) && g_ascii_islower (text[1]))
    text[0] = g_ascii_tolower (text[0]);
  return text;
}

static void
add_warning (Planner          *pl,
             const char       *id,
             const char       *region,
             const char       *text)
{
  const NmProtocolWarning *warning = nm_protocol_get_warning (pl->protocol, id);
  g_autofree char *sources = cite (&warning->cite);

  _nm_plan_add_warning (pl->plan, id, g_strdup_printf ("%s %s.", text, sources), region);
}

static void
add_region_warning (Planner    *pl,
                    const char *id,
                    const char *region,
                    const char *text)
{
  const NmProtocolWarning *warning = nm_protocol_get_warning (pl->protocol, id);
  g_autofree char *sources = cite (&warning->cite);
  NmPlanWarning *entry = g_new0 (NmPlanWarning, 1);

  entry->id = g_strdup (id);
  entry->message = g_strdup_printf ("%s %s.", text, sources);
  entry->region = g_strdup (region);
  g_ptr_array_add (pl->region_warnings, entry);
}

static void
plan_warning_free (gpointer data)
{
  NmPlanWarning *warning = data;

  g_free (warning->id);
  g_free (warning->message);
  g_free (warning->region);
  g_free (warning);
}

/* Adds a block; lifelong conditions are marked as such (spec §3.1). */
static void
add_block (Planner    *pl,
           const char *id,
           char       *message)
{
  NmPlanBlock *block = _nm_plan_add_block (pl->plan, id, message);

  block->lifelong = nm_safety_block_is_lifelong (id);
}

/* Screening: blocked_by, relative items, unanswered items. The twelve
 * absolute items of spec §1.4 block whatever the protocol's class says. */
static void
plan_screening (Planner *pl)
{
  g_autoptr(GPtrArray) unanswered = g_ptr_array_new ();
  g_autoptr(GPtrArray) unacknowledged = g_ptr_array_new ();
  g_autoptr(GPtrArray) blocking = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) unanswered_ids = g_strv_builder_new ();
  guint i;

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      NmScreeningClass klass = nm_protocol_get_screening_class (pl->protocol, id);
      NmAnswer answer = nm_consultation_get_screening (pl->consultation, id);
      g_autofree char *sources = cite (nm_protocol_get_screening_citation (pl->protocol, id));

      if (g_str_equal (id, "herpes-history"))
        pl->herpes_history = answer;

      if (answer == NM_ANSWER_UNKNOWN)
        {
          g_ptr_array_add (unanswered, (gpointer) id);
          g_strv_builder_add (unanswered_ids, id);
          continue;
        }

      if (klass == NM_SCREENING_ABSOLUTE || nm_safety_item_is_absolute (id))
        {
          if (answer == NM_ANSWER_YES)
            {
              add_block (pl, id, g_strdup_printf ("%s %s.", screening_text (pl, id), sources));
              g_ptr_array_add (blocking, (gpointer) id);
            }
          continue;
        }

      if (answer != NM_ANSWER_YES)
        continue;

      pl->relative_yes = TRUE;
      /* Each of these has its own warning, by region or with dates. */
      if (g_str_equal (id, "active-acne"))
        pl->active_acne = TRUE;
      else if (!g_str_equal (id, "herpes-history") && !g_str_equal (id, "sunburn") &&
               !g_str_equal (id, "recent-procedure"))
        _nm_plan_add_warning (pl->plan, id,
                              g_strdup_printf ("%s %s.", screening_text (pl, id), sources), NULL);

      {
        /* acknowledged, with a rationale or without one (spec: "may be empty") */
        const char *ack = nm_consultation_get_acknowledgement (pl->consultation, id);
        if (ack == NULL)
          g_ptr_array_add (unacknowledged, (gpointer) id);
      }
    }

  pl->blocked = blocking->len > 0;
  g_strfreev (pl->plan->unanswered);
  pl->plan->unanswered = g_strv_builder_end (unanswered_ids);

  if (unanswered->len > 0)
    {
      g_autofree char *list = join_ids (pl, unanswered);
      g_autofree char *text = g_strdup_printf (plan_trn (pl, "Screening not finished, %u question unanswered: %s",
                                                         "Screening not finished, %u questions unanswered: %s",
                                                         unanswered->len),
                                               unanswered->len, list);
      add_warning (pl, "screening-incomplete", NULL, text);
    }

  if (unacknowledged->len > 0)
    {
      g_autofree char *list = join_ids (pl, unacknowledged);
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "Acknowledge before treating: %s"), list);
      add_warning (pl, "relative-unacknowledged", NULL, text);
    }
}

/* A keloid seen on the map is a history of keloid formation (REFERENCE
 * §6a): it blocks the plan as the screening item does. */
static void
plan_keloid_findings (Planner *pl)
{
  g_autoptr(GPtrArray) regions = g_ptr_array_new ();
  g_autofree char *sources = NULL;
  g_autofree char *list = NULL;
  guint i;

  if (nm_consultation_get_screening (pl->consultation, "keloid-tendency") == NM_ANSWER_YES)
    return;

  for (i = 0; i < nm_consultation_get_n_findings (pl->consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (pl->consultation, i);
      const char *region = nm_finding_get_region (finding);
      int index = nm_vocab_region_index (region);

      if (index >= 0 && g_str_equal (nm_finding_get_kind (finding), "keloid") &&
          !g_ptr_array_find_with_equal_func (regions, nm_vocab_region (index)->id, g_str_equal, NULL))
        g_ptr_array_add (regions, (gpointer) nm_vocab_region (index)->id);
    }
  if (regions->len == 0)
    return;

  {
    g_autoptr(GString) names = g_string_new (NULL);

    for (i = 0; i < regions->len; i++)
      {
        const char *id = g_ptr_array_index (regions, i);

        if (i > 0)
          g_string_append (names, ", ");
        g_string_append (names, pl->translate ? nm_vocab_region_name (id) : id);
      }
    list = g_string_free (g_steal_pointer (&names), FALSE);
  }

  sources = cite (nm_protocol_get_screening_citation (pl->protocol, "keloid-tendency"));
  add_block (pl, "keloid-tendency",
             /* Translators: %s is a list of regions ("décolletage, upper back") */
             g_strdup_printf (plan_tr (pl, "Keloid on the map (%s): a history of keloid formation, "
                                           "needling may start new ones anywhere; refer to a specialist %s."),
                              list, sources));
  if (!pl->blocked)
    pl->blocked = TRUE;
}

/* Sunburn, a fresh tan or a recent procedure: no session for at least two
 * weeks (REFERENCE §6a: ESM, SISU). Moves the first session when needed. */
static void
plan_wait (Planner *pl)
{
  gboolean sunburn = nm_consultation_get_screening (pl->consultation, "sunburn") == NM_ANSWER_YES;
  gboolean procedure = nm_consultation_get_screening (pl->consultation, "recent-procedure") == NM_ANSWER_YES;
  g_autofree char *sources = NULL;
  g_autofree char *until = NULL;
  g_autofree char *text = NULL;
  const char *why;
  GDate earliest;

  if (!sunburn && !procedure)
    return;

  earliest = pl->today;
  g_date_add_days (&earliest, NM_SAFETY_WAIT_DAYS);
  if (g_date_get_year (&earliest) <= NM_DATE_MAX_YEAR)
    until = plan_date (pl, &earliest);

  if (sunburn && procedure)
    why = plan_tr (pl, "Sunburn or a fresh tan, and a recent procedure in the area");
  else if (sunburn)
    why = plan_tr (pl, "Sunburn or a fresh tan");
  else
    why = plan_tr (pl, "A recent filler, toxin, peel, laser or surgery in the area");

  if (g_date_get_year (&earliest) > NM_DATE_MAX_YEAR)
    {
      /* A today in the last days of 9999: no date to say, never a
       * five-digit year; the plan is blocked (nm_planner_run_full()). */
      pl->start = earliest;
      text = g_strdup_printf (plan_tr (pl, "%s: no session for at least 2 weeks from today"), why);
    }
  else if (g_date_compare (&pl->start, &earliest) < 0)
    {
      pl->start = earliest;
      pl->plan->has_wait = TRUE;
      pl->plan->wait_until = earliest;
      /* Translators: "Sunburn or a fresh tan: the first session moves to
       * 2026-12-15, at least 2 weeks from today (ESM)." */
      text = g_strdup_printf (plan_tr (pl, "%s: the first session moves to %s, at least 2 weeks from today"),
                              why, until);
    }
  else
    text = g_strdup_printf (plan_tr (pl, "%s: no session before %s, at least 2 weeks from today"),
                            why, until);

  if (procedure)
    {
      g_autofree char *longer = g_strdup_printf (plan_tr (pl, "%s; fillers, toxin and surgery may need 3–12 months, "
                                                              "check the waiting time for the area"), text);
      g_free (text);
      text = g_steal_pointer (&longer);
    }

  add_warning (pl, "wait-before-start", NULL, text);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *x = *(const Item * const *) a;
  const Item *y = *(const Item * const *) b;
  int kx = nm_vocab_kind_index (x->kind);
  int ky = nm_vocab_kind_index (y->kind);

  if (kx != ky)
    return kx < ky ? -1 : 1;
  /* the more severe first */
  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return 0;
}

typedef struct
{
  double   min;
  double   max;
  gboolean treat;          /* FALSE: no whole device step fits */
  gboolean below;          /* held below its indication's lowest depth */
} FindingDepth;

/* Skin-type rules of the protocol; an unknown skin type takes the careful
 * side of the rules that hold depths and intervals back. */
static gboolean
skin_rule_holds_back (const Planner            *pl,
                      const NmProtocolSkinRule *rule)
{
  return pl->fitzpatrick == NM_FITZPATRICK_UNSET || skin_rule_applies (rule, pl->fitzpatrick);
}

/* One finding's depth: the indication's range, the severity's place in it,
 * then the protocol's caps, then the ceilings of spec §3.1 that no protocol
 * can lift. */
static void
plan_finding (Planner                *pl,
              const NmProtocolRegion *rule,
              const Item             *item,
              GStrvBuilder           *reasons,
              FindingDepth           *out)
{
  const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, item->kind);
  const NmProtocolSkinRule *pigment = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_PIGMENT_DEPTH);
  NmCategory category = nm_vocab_kind_category (item->kind);
  g_autofree char *limit_what = g_strdup (plan_tr (pl, "the limit for this region"));
  g_autofree char *limit_sources = cite (&rule->cite);
  g_autofree char *sources = cite (&ind->depth_cite);
  g_autofree char *lo_text = plan_mm (pl, ind->min_mm);
  g_autofree char *hi_text = plan_mm (pl, ind->max_mm);
  g_autofree char *placed = NULL;
  guint severity = CLAMP (item->severity, NM_SEVERITY_MIN, NM_SEVERITY_MAX);
  double span = ind->max_mm - ind->min_mm;
  double min, max, limit, ceiling;

#define SET_LIMIT(value, what, sources_text) \
  G_STMT_START { \
    limit = (value); \
    g_free (limit_what); limit_what = (what); \
    g_free (limit_sources); limit_sources = (sources_text); \
  } G_STMT_END

  memset (out, 0, sizeof *out);

  /* A window half the range wide slides from the shallow end (severity 1)
   * to the deep end (severity 4). */
  min = ind->min_mm + (severity - 1) * span / 6.0;
  max = min + span / 2.0;
  min = round_down (min, pl->step);
  max = round_down (max, pl->step);
  if (min > max)
    min = max;

  placed = format_range (pl, min, max);
  take_reason (reasons,
               /* Translators: "Melasma, severity 2 of 4: the indication's
                * 0.5–1.5 mm (LIM, LOW), placed at 0.75–1.0 mm by severity."
                * The third %s is the sources' keys in brackets. */
               g_strdup_printf (plan_tr (pl, "%s, severity %u of 4: the indication's %s–%s mm %s, "
                                             "placed at %s by severity."),
                                kind_name (pl, item->kind), severity, lo_text, hi_text,
                                sources, placed));

  limit = rule->max_mm;
  if (category == NM_CATEGORY_SCAR && rule->has_scar_limit)
    SET_LIMIT (rule->scar_max_mm, g_strdup (plan_tr (pl, "this region's limit for scars")),
               cite (&rule->scar_cite));
  if (category == NM_CATEGORY_PIGMENT && skin_rule_holds_back (pl, pigment) && pigment->max_mm < limit)
    {
      g_autofree char *range = skin_range (pigment->fitzpatrick_min, pigment->fitzpatrick_max);

      SET_LIMIT (pigment->max_mm,
                 g_strdup_printf (plan_tr (pl, "the limit for pigment findings in skin types %s"), range),
                 cite (&pigment->cite));
    }
  if (pl->device_max < limit)
    {
      if (pl->own_device)
        SET_LIMIT (pl->device_max, g_strdup (plan_tr (pl, "the maximum of the device this consultation is planned for")),
                   g_strdup ("(plan.device)"));
      else
        SET_LIMIT (pl->device_max, g_strdup (plan_tr (pl, "the device maximum")),
                   cite (nm_protocol_get_device_citation (pl->protocol)));
    }

  /* Spec §3.1, whatever the protocol says. A protocol file that goes past
   * a ceiling is refused when it is loaded; this holds all the same. */
  ceiling = nm_safety_region_ceiling (rule->id);
  if (ceiling < limit)
    SET_LIMIT (ceiling, g_strdup (plan_tr (pl, "the ceiling every plan keeps for this region")),
               g_strdup_printf ("(%s)", nm_safety_region_ceiling_sources (rule->id)));
  if (category == NM_CATEGORY_PIGMENT && nm_safety_skin_is_dark (pl->fitzpatrick) &&
      NM_SAFETY_PIGMENT_DARK_MAX_MM < limit)
    SET_LIMIT (NM_SAFETY_PIGMENT_DARK_MAX_MM,
               g_strdup (plan_tr (pl, "the ceiling every plan keeps for pigment in skin types IV–VI")),
               g_strdup ("(LOW, CHU)"));
  if (nm_safety_is_macular_scar (item->kind, item->severity) && NM_SAFETY_MACULAR_SCAR_MAX_MM < limit)
    SET_LIMIT (NM_SAFETY_MACULAR_SCAR_MAX_MM,
               g_strdup (plan_tr (pl, "as Goodman & Baron grade 1 (macular) is a change of colour, "
                                      "not of contour, with nothing atrophic to remodel")),
               g_strdup ("(GBQ1)"));
  if (NM_SAFETY_MAX_MM < limit)
    SET_LIMIT (NM_SAFETY_MAX_MM, g_strdup (plan_tr (pl, "the deepest any plan goes")), g_strdup ("(SP1)"));
  limit = round_down (limit, pl->step);

#undef SET_LIMIT

  if (max > limit + EPSILON)
    {
      g_autofree char *limit_text = plan_mm (pl, limit);

      max = limit;
      if (min > max)
        min = max;
      take_reason (reasons,
                   /* Translators: "Capped at 0.5 mm, the limit for this
                    * region (GR, MBA)."; the second %s is one of "the limit
                    * for this region", "the device maximum"… */
                   g_strdup_printf (plan_tr (pl, "Capped at %s mm, %s %s."),
                                    limit_text, limit_what, limit_sources));
    }

  if (max < pl->step - EPSILON)
    return;
  if (min < pl->step)
    min = pl->step;

  out->treat = TRUE;
  out->min = min;
  out->max = max;
  out->below = max < ind->min_mm - EPSILON && !nm_safety_is_macular_scar (item->kind, item->severity);
}

typedef struct
{
  NmPlanRegion *region;
  int           schedule;      /* protocol schedule index, -1 when not treated */
  GPtrArray    *indications;   /* treated NmProtocolIndication* */
  gboolean      never;         /* never needled: an eyelid, a keloid, the protocol */
  double        would_max;     /* the depth it has, or would have unblocked */
  GPtrArray    *below;         /* kinds held below their indication (const char *) */
} RegionWork;

static void
plan_untreated (NmPlanRegion *region,
                GStrvBuilder *reasons)
{
  region->treat = FALSE;
  region->min_mm = 0.0;
  region->max_mm = 0.0;
  g_clear_pointer (&region->reasons, g_strfreev);
  region->reasons = g_strv_builder_end (reasons);
  for (guint i = 0; i < region->n_finding_depths; i++)
    g_free (region->finding_depths[i].kind);
  g_clear_pointer (&region->finding_depths, g_free);
  region->n_finding_depths = 0;
}

static void
plan_region (Planner    *pl,
             const char *region_id,
             GPtrArray  *items,
             RegionWork *work)
{
  const NmProtocolRegion *rule = nm_protocol_get_region (pl->protocol, region_id);
  g_autoptr(GStrvBuilder) reasons = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) kinds = g_strv_builder_new ();
  NmPlanRegion *region = _nm_plan_add_region (pl->plan, region_id);
  g_autoptr(GArray) depths = g_array_new (FALSE, TRUE, sizeof (NmPlanFindingDepth));
  const Item *deepest = NULL;
  const char *previous = NULL;
  const Item *untreated = NULL;
  double best_min = 0.0, best_max = 0.0;
  guint n_treated = 0;
  guint i;

  work->region = region;
  work->schedule = -1;
  work->indications = g_ptr_array_new ();
  work->below = g_ptr_array_new ();

  g_ptr_array_sort (items, compare_items);
  for (i = 0; i < items->len; i++)
    {
      const Item *item = g_ptr_array_index (items, i);
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, item->kind);

      if (g_strcmp0 (previous, item->kind) != 0)
        g_strv_builder_add (kinds, item->kind);
      previous = item->kind;
      if ((!ind->treat || g_str_equal (item->kind, "keloid")) && untreated == NULL)
        untreated = item;
    }
  region->findings = g_strv_builder_end (kinds);

  if (!rule->treat || nm_safety_region_ceiling (region_id) <= 0.0)
    {
      g_autofree char *note = note_clause (pl, rule->cite.note != NULL ? plan_tr (pl, rule->cite.note) : NULL);
      g_autofree char *sources = cite (&rule->cite);

      take_reason (reasons,
                   g_strdup_printf (plan_tr (pl, "Not needled: %s %s."),
                                    *note != '\0' ? note : plan_tr (pl, "the protocol excludes this region"),
                                    sources));
      plan_untreated (region, reasons);
      work->never = TRUE;
      return;
    }

  if (untreated != NULL)
    {
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, untreated->kind);
      g_autofree char *sources = cite (&ind->cite);
      g_autofree char *name = kind_name_lower (pl, untreated->kind);

      if (ind->refer || g_str_equal (untreated->kind, "keloid"))
        take_reason (reasons,
                     g_strdup_printf (plan_tr (pl, "Not needled: %s is never needled, refer to a specialist %s."),
                                      name, sources));
      else
        take_reason (reasons,
                     g_strdup_printf (plan_tr (pl, "Not needled: %s is never needled %s."),
                                      name, sources));
      plan_untreated (region, reasons);
      work->never = TRUE;
      return;
    }

  for (i = 0; i < items->len; i++)
    {
      const Item *item = g_ptr_array_index (items, i);
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, item->kind);
      NmPlanFindingDepth entry = { 0 };
      FindingDepth depth;
      int schedule;

      /* the same kind at a lower severity adds nothing */
      if (i > 0 && g_str_equal (((const Item *) g_ptr_array_index (items, i - 1))->kind, item->kind))
        continue;

      plan_finding (pl, rule, item, reasons, &depth);
      entry.kind = g_strdup (item->kind);
      entry.treat = depth.treat;
      entry.min_mm = depth.treat ? depth.min : 0.0;
      entry.max_mm = depth.treat ? depth.max : 0.0;
      g_array_append_val (depths, entry);

      if (!depth.treat)
        {
          take_reason (reasons,
                       g_strdup_printf (plan_tr (pl, "%s: the limit is below one device step, so it is not needled."),
                                        kind_name (pl, item->kind)));
          continue;
        }

      n_treated++;
      if (depth.below)
        g_ptr_array_add (work->below, (gpointer) item->kind);
      g_ptr_array_add (work->indications, (gpointer) ind);
      schedule = nm_protocol_get_schedule_index (pl->protocol, ind->schedule);
      if (work->schedule < 0 || (schedule >= 0 && schedule < work->schedule))
        work->schedule = schedule;

      if (deepest == NULL || depth.max > best_max + EPSILON ||
          (fabs (depth.max - best_max) < EPSILON && depth.min > best_min + EPSILON))
        {
          deepest = item;
          best_min = depth.min;
          best_max = depth.max;
        }
    }

  region->n_finding_depths = depths->len;
  region->finding_depths = (NmPlanFindingDepth *) (void *) g_array_free (g_steal_pointer (&depths), FALSE);

  if (deepest == NULL)
    {
      plan_untreated (region, reasons);
      work->schedule = -1;
      work->never = TRUE;
      return;
    }

  if (n_treated > 1)
    {
      g_autofree char *name = kind_name_lower (pl, deepest->kind);
      g_autofree char *range = format_range (pl, best_min, best_max);

      take_reason (reasons,
                   g_strdup_printf (plan_tr (pl, "The region takes its deepest finding, %s: %s."), name, range));
    }

  /* The region's depth serves its deepest finding; say where to hold back. */
  for (i = 0; i < region->n_finding_depths; i++)
    {
      const NmPlanFindingDepth *entry = &region->finding_depths[i];
      g_autofree char *name = NULL;
      g_autofree char *range = NULL;

      if (!entry->treat || entry->max_mm >= best_max - EPSILON)
        continue;
      name = kind_name_lower (pl, entry->kind);
      range = format_range (pl, entry->min_mm, entry->max_mm);
      take_reason (reasons,
                   /* Translators: "Over the melasma, keep to 0.25–0.5 mm:
                    * the region's depth is for its deeper finding." */
                   g_strdup_printf (plan_tr (pl, "Over the %s, keep to %s: the region's depth is for "
                                                 "its deeper finding."), name, range));
    }

  work->would_max = best_max;

  if (pl->blocked)
    {
      g_autoptr(GStrvBuilder) blocked = g_strv_builder_new ();

      take_reason (blocked,
                   g_strdup_printf (plan_tr (pl, "Not needled: the plan is blocked (%s)."),
                                    pl->blocked_list));
      plan_untreated (region, blocked);
      work->schedule = -1;
      return;
    }

  region->treat = TRUE;
  region->min_mm = best_min;
  region->max_mm = best_max;
  region->deepest_kind = g_strdup (deepest->kind);
  region->reasons = g_strv_builder_end (reasons);
}

/* Alternatives to name when a ceiling holds a finding below its
 * indication (REFERENCE §6a: SPL, HAR). */
static const char *
below_alternative (const Planner *pl,
                   const char    *kind)
{
  if (g_str_equal (kind, "acne-scar-icepick"))
    return plan_tr (pl, "consider TCA CROSS for icepick scars");
  if (g_str_equal (kind, "acne-scar-rolling"))
    return plan_tr (pl, "consider subcision for rolling scars");
  if (g_str_equal (kind, "acne-scar-boxcar"))
    return plan_tr (pl, "consider punch excision for deep boxcar scars");
  if (g_str_equal (kind, "striae-alba") || g_str_equal (kind, "striae-rubra"))
    return plan_tr (pl, "consider non-ablative fractional laser, compared with needling for striae (STA1)");
  return plan_tr (pl, "weigh another treatment or a specialist's opinion");
}

/* Warnings that depend on a treated region's findings and depth. */
static void
plan_region_warnings (Planner    *pl,
                      RegionWork *work)
{
  NmPlanRegion *region = work->region;
  const NmProtocolSkinRule *neck = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_NECK_CLEARANCE);
  const NmProtocolSkinRule *pih = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_PIH_WARNING);
  gboolean pigment = FALSE;
  guint i;

  if (g_strv_contains ((const char * const *) region->findings, "keloid"))
    add_region_warning (pl, "keloid-referral", region->region,
                        plan_tr (pl, "Keloid: not needled, refer to a specialist"));

  if (!region->treat)
    return;

  for (i = 0; region->findings[i] != NULL; i++)
    if (nm_vocab_kind_category (region->findings[i]) == NM_CATEGORY_PIGMENT)
      pigment = TRUE;

  /* PIH is the commonest adverse event in darker skin, after scar
   * treatment too (REFERENCE §6a: DOG, COH, CHU): every treated region;
   * a clinic's protocol may warn for more skin types, never fewer. */
  if (pl->fitzpatrick >= NM_SAFETY_DARK_SKIN_MIN ||
      (pl->fitzpatrick != NM_FITZPATRICK_UNSET && skin_rule_applies (pih, pl->fitzpatrick)))
    {
      g_autofree char *text = NULL;

      if (pigment)
        text = g_strdup_printf (plan_tr (pl, "Skin type %s with pigment findings: risk of "
                                             "post-inflammatory hyperpigmentation, prime the skin "
                                             "and protect it from sun"), roman[pl->fitzpatrick]);
      else
        text = g_strdup_printf (plan_tr (pl, "Skin type %s: risk of post-inflammatory hyperpigmentation "
                                             "after needling, prime the skin and protect it from sun"),
                                roman[pl->fitzpatrick]);
      add_region_warning (pl, "pih-risk", region->region, text);
    }

  if (pl->active_acne && nm_safety_region_is_face (region->region))
    add_region_warning (pl, "active-acne", region->region,
                        plan_tr (pl, "Active acne: never needle over active lesions, and postpone while "
                                     "the acne is moderate to severe"));

  for (i = 0; i < work->below->len; i++)
    {
      const char *kind = g_ptr_array_index (work->below, i);
      const NmPlanFindingDepth *depth = nm_plan_region_lookup_finding (region, kind);
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, kind);
      g_autofree char *held = plan_mm (pl, depth->max_mm);
      g_autofree char *lowest = plan_mm (pl, ind->min_mm);
      g_autofree char *text = NULL;

      /* Translators: "Icepick acne scars held at 0.5 mm, below the
       * indication's lowest 1.5 mm: needling alone will do little here;
       * consider TCA CROSS for icepick scars" */
      if (nm_vocab_kind_category (kind) == NM_CATEGORY_SCAR)
        text = g_strdup_printf (plan_tr (pl, "%s held at %s mm, below the indication's lowest %s mm: "
                                             "needling alone will do little here; %s"),
                                kind_name (pl, kind), held, lowest, below_alternative (pl, kind));
      else
        text = g_strdup_printf (plan_tr (pl, "%s held at %s mm, below the indication's lowest %s mm: "
                                             "expect less effect; %s"),
                                kind_name (pl, kind), held, lowest, below_alternative (pl, kind));
      add_region_warning (pl, "below-indication", region->region, text);
    }

  if (g_str_equal (region->region, "neck") && !skin_rule_applies (neck, pl->fitzpatrick))
    {
      g_autofree char *range = skin_range (neck->fitzpatrick_min, neck->fitzpatrick_max);
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "The device's neck clearance covers skin types %s only"),
                                               range);
      add_region_warning (pl, "neck-fitzpatrick", region->region, text);
    }

  if (g_strv_contains ((const char * const *) region->findings, "acne-scar-icepick"))
    add_region_warning (pl, "icepick-limited-response", region->region,
                        plan_tr (pl, "Icepick scars respond poorly to needling alone"));

  if (g_strv_contains ((const char * const *) region->findings, "striae-alba"))
    add_region_warning (pl, "striae-alba-pih", region->region,
                        /* xgettext:no-c-format */
                        plan_tr (pl, "Striae alba: hyperpigmentation followed needling in 21.9% of one study's clients"));

  if (g_strv_contains ((const char * const *) region->findings, "scar-burn"))
    add_region_warning (pl, "burn-scar-timing", region->region,
                        plan_tr (pl, "Burn scars: when to start is disputed, check the scar's age"));

  if (region->max_mm > nm_protocol_get_evaluated_max_mm (pl->protocol) + EPSILON)
    {
      g_autofree char *limit = plan_mm (pl, nm_protocol_get_evaluated_max_mm (pl->protocol));
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "Deeper than %s mm: the device's safety and "
                                                             "effectiveness were not evaluated there"), limit);
      add_region_warning (pl, "depth-over-evaluated", region->region, text);
    }
}

/* A name: at least one letter or digit, not only spaces, invisible
 * characters or punctuation. */
static gboolean
text_has_a_letter (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Age on the first session's date (spec §3.1): a minor is blocked unless a
 * parent or guardian consents; an unknown age is said, never skipped. */
static void
plan_age (Planner *pl)
{
  const NmProtocolWarning *warning = nm_protocol_get_warning (pl->protocol, "under-age");
  const char *birth = nm_consultation_get_birth_date (pl->consultation);
  gboolean has_guardian = text_has_a_letter (nm_consultation_get_guardian (pl->consultation));
  GDate born;
  int age;

  if (birth == NULL || !nm_date_parse (birth, &born))
    {
      add_warning (pl, "age-unknown", NULL,
                   plan_tr (pl, "No birth date: check that the client is an adult, or that a parent "
                                "or guardian consents"));
      return;
    }

  age = nm_age_on (&born, &pl->start);
  if (g_date_compare (&born, &pl->start) > 0)
    {
      add_block (pl, "birth-date-after-start",
                 g_strdup (plan_tr (pl, "The birth date is after the first session: correct the client's birth date.")));
      pl->blocked = TRUE;
      return;
    }
  if (age > NM_SAFETY_MAX_AGE)
    {
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "A birth date %d years before the first session "
                                                             "cannot be right: correct the client's birth date."), age);

      add_block (pl, "birth-date-implausible", g_steal_pointer (&text));
      pl->blocked = TRUE;
      return;
    }
  pl->plan->age = age;

  if (age < NM_SAFETY_ADULT_AGE)
    {
      const NmProtocolWarning *minor = nm_protocol_get_warning (pl->protocol, "minor");
      g_autofree char *sources = cite (&minor->cite);

      pl->plan->minor = TRUE;
      if (!has_guardian)
        {
          add_block (pl, "minor",
                     g_strdup_printf (plan_trn (pl, "Under 18 at the first session (%d year old): treat only with a "
                                                    "parent's or guardian's consent and signature; name the guardian %s.",
                                                "Under 18 at the first session (%d years old): treat only with a "
                                                    "parent's or guardian's consent and signature; name the guardian %s.",
                                                MAX (age, 0)),
                                      MAX (age, 0), sources));
          pl->blocked = TRUE;
        }
      else
        {
          g_autofree char *text = g_strdup_printf (plan_trn (pl, "Under 18 at the first session (%d year old): the "
                                                                 "guardian signs the consent; the device is indicated "
                                                                 "for adults %u and over",
                                                             "Under 18 at the first session (%d years old): the "
                                                                 "guardian signs the consent; the device is indicated "
                                                                 "for adults %u and over",
                                                             MAX (age, 0)),
                                                   MAX (age, 0), warning->min_age_years);
          add_warning (pl, "minor-guardian", NULL, text);
        }
      return;
    }

  if (age < (int) warning->min_age_years)
    {
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "Under %u at the first session: the device is "
                                                             "indicated for adults %u and over"),
                                               warning->min_age_years, warning->min_age_years);
      add_warning (pl, "under-age", NULL, text);
    }
}

/* Cold sores come back after perioral needling (spec §3.2): prophylaxis
 * with a history, a question when it was not asked, nothing after a "no". */
/* Cold sores come back after needling around the mouth and on the cheeks
 * (spec §3.2): prophylaxis with a history, a question when it was not
 * asked, nothing after a "no"; one warning for each region concerned. */
static void
plan_herpes (Planner    *pl,
             RegionWork *works,
             guint       n_works)
{
  const NmProtocolWarning *warning = nm_protocol_get_warning (pl->protocol, "herpes-prophylaxis");
  guint i;

  if (pl->herpes_history == NM_ANSWER_NO)
    return;

  for (i = 0; i < n_works; i++)
    {
      const char *region = works[i].region->region;

      if (!works[i].region->treat ||
          !(nm_safety_region_is_perioral (region) ||
            g_strv_contains ((const char * const *) warning->regions, region)))
        continue;

      if (pl->herpes_history == NM_ANSWER_YES)
        add_region_warning (pl, "herpes-prophylaxis", region,
                            plan_tr (pl, "History of cold sores, and they can come back where this region is "
                                         "needled: give antiviral prophylaxis before each session"));
      else
        add_region_warning (pl, "herpes-ask", region,
                            plan_tr (pl, "Cold sores can come back where this region is needled: ask about "
                                         "them, antiviral prophylaxis may be needed"));
    }
}

/* Logged sessions are checked against the plan (spec §3.2): a depth deeper
 * than the region's planned maximum (which holds the ceilings), or on a
 * region that is never needled or not in the plan. A blocked plan compares
 * with the depths it would have had, since the sessions came before. */
typedef enum
{
  LOGGED_OK,
  LOGGED_NEVER,       /* on a region that is never needled */
  LOGGED_NOT_PLANNED, /* on a region the plan does not hold */
  LOGGED_DEEPER       /* deeper than the region's planned maximum */
} LoggedProblem;

static void
plan_logged (Planner    *pl,
             RegionWork *works,
             guint       n_works)
{
  guint r, s, j;

  /* Region by region, every logged session counts; the deepest is named. */
  for (r = 0; r < nm_vocab_n_regions (); r++)
    {
      const char *region_id = nm_vocab_region (r)->id;
      const RegionWork *work = NULL;
      LoggedProblem problem = LOGGED_OK;
      const char *deepest_date = NULL;
      g_autofree char *deepest_shown = NULL;
      GDate deepest_day;
      double deepest = 0.0;
      guint n_over = 0;
      g_autofree char *logged = NULL;
      g_autofree char *text = NULL;

      for (j = 0; j < n_works; j++)
        if (g_str_equal (works[j].region->region, region_id))
          work = &works[j];

      for (s = 0; s < nm_consultation_get_n_sessions (pl->consultation); s++)
        {
          NmSession *session = nm_consultation_get_session (pl->consultation, s);
          LoggedProblem this_problem;
          double mm = 0.0;

          if (!nm_session_get_depth (session, region_id, &mm) || mm <= 0.0)
            continue;

          if (nm_safety_region_ceiling (region_id) <= 0.0 || (work != NULL && work->never))
            this_problem = LOGGED_NEVER;
          else if (work == NULL)
            this_problem = LOGGED_NOT_PLANNED;
          else if (mm > work->would_max + EPSILON)
            this_problem = LOGGED_DEEPER;
          else
            continue;

          problem = this_problem;
          n_over++;
          if (deepest_date == NULL || mm > deepest + EPSILON)
            {
              deepest = mm;
              deepest_date = nm_session_get_date (session);
            }
        }
      if (problem == LOGGED_OK)
        continue;

      logged = plan_mm (pl, deepest);
      if (deepest_date == NULL)
        deepest_date = "?";
      else if (nm_date_parse (deepest_date, &deepest_day))
        deepest_date = deepest_shown = plan_date (pl, &deepest_day);
      switch (problem)
        {
        case LOGGED_NEVER:
          text = g_strdup_printf (plan_trn (pl, "%u logged session on a region that is never needled: %s mm on %s",
                                            "%u logged sessions on a region that is never needled, the deepest %s mm on %s",
                                            n_over),
                                  n_over, logged, deepest_date);
          break;

        case LOGGED_NOT_PLANNED:
          text = g_strdup_printf (plan_trn (pl, "%u logged session on a region that is not in the plan: %s mm on %s",
                                            "%u logged sessions on a region that is not in the plan, the deepest %s mm on %s",
                                            n_over),
                                  n_over, logged, deepest_date);
          break;

        case LOGGED_DEEPER:
        case LOGGED_OK:
        default:
          {
            g_autofree char *planned = plan_mm (pl, work->would_max);

            text = g_strdup_printf (plan_trn (pl, "%u logged session deeper than the planned %s mm: %s mm on %s",
                                              "%u logged sessions deeper than the planned %s mm, the deepest %s mm on %s",
                                              n_over),
                                    n_over, planned, logged, deepest_date);
          }
          break;
        }
      add_region_warning (pl, "logged-over-plan", region_id, text);
    }
}

static void
plan_series (Planner    *pl,
             RegionWork *works,
             guint       n_works)
{
  const NmProtocolSkinRule *interval_rule = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_INTERVAL);
  guint s, i, j;

  for (s = 0; s < nm_protocol_get_n_schedules (pl->protocol); s++)
    {
      const NmProtocolSchedule *schedule = nm_protocol_get_schedule (pl->protocol, s);
      g_autoptr(GStrvBuilder) regions = g_strv_builder_new ();
      const NmProtocolIndication *most = NULL;
      const NmProtocolIndication *longest = NULL;
      NmPlanSeries *series;
      gboolean lengthened = FALSE;
      gboolean safety_interval = FALSE;
      guint sessions = 0, interval = 0, least = 1;
      g_autofree char *sessions_sources = NULL;
      g_autofree char *interval_sources = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *most_name = NULL;
      const char *label;
      int index;

      for (i = 0; i < n_works; i++)
        {
          if (works[i].schedule != (int) s)
            continue;
          g_strv_builder_add (regions, works[i].region->region);
          least = MAX (least, nm_safety_min_interval_weeks_for_region (works[i].region->region));
          for (j = 0; j < works[i].indications->len; j++)
            {
              const NmProtocolIndication *ind = g_ptr_array_index (works[i].indications, j);

              if (most == NULL || ind->sessions > sessions)
                {
                  most = ind;
                  sessions = ind->sessions;
                }
              if (longest == NULL || ind->interval_weeks > interval)
                {
                  longest = ind;
                  interval = ind->interval_weeks;
                }
            }
        }

      if (most == NULL)
        continue;

      if (skin_rule_holds_back (pl, interval_rule) &&
          g_strv_contains ((const char * const *) interval_rule->schedules, schedule->id) &&
          interval < interval_rule->min_weeks)
        {
          interval = interval_rule->min_weeks;
          lengthened = TRUE;
        }
      /* Spec §3.1: skin series at least 3 weeks apart, scalp series 1,
       * by the regions needled, whatever the schedule is called. */
      if (interval < least)
        {
          interval = least;
          lengthened = FALSE;
          safety_interval = TRUE;
        }

      index = (int) pl->plan->series->len;
      label = schedule->label != NULL ? plan_tr (pl, schedule->label) : NULL;
      series = _nm_plan_add_series (pl->plan, schedule->id, label);
      series->regions = g_strv_builder_end (regions);
      series->sessions = sessions;
      series->interval_weeks = interval;
      series->n_dates = sessions;
      series->dates = g_new0 (GDate, sessions);
      for (i = 0; i < sessions; i++)
        {
          series->dates[i] = pl->start;
          g_date_add_days (&series->dates[i], i * interval * 7);
        }

      /* Tell each region of the series where its schedule comes from. */
      sessions_sources = cite (&most->series_cite);
      if (safety_interval)
        interval_sources = g_strdup (plan_tr (pl, "the shortest interval every plan keeps (SPL, HAR)"));
      else if (lengthened)
        {
          g_autofree char *range = skin_range (interval_rule->fitzpatrick_min, interval_rule->fitzpatrick_max);
          g_autofree char *rule_sources = cite (&interval_rule->cite);

          /* Translators: the interval of a series; the last %s is the
           * sources' keys in brackets */
          interval_sources = g_strdup_printf (plan_tr (pl, "lengthened to %u weeks for skin types %s %s"),
                                              interval, range, rule_sources);
        }
      else
        {
          g_autofree char *longest_sources = cite (&longest->series_cite);
          g_autofree char *longest_name = kind_name_lower (pl, longest->id);

          /* Translators: the interval of a series: "the longest interval,
           * from melasma (LIM, LOW)" */
          interval_sources = g_strdup_printf (plan_tr (pl, "the longest interval, from %s %s"),
                                              longest_name, longest_sources);
        }
      most_name = kind_name_lower (pl, most->id);
      {
        g_autofree char *how_many = NULL;
        g_autofree char *how_often = NULL;

        /* Translators: the first part of "Skin series: 4 sessions, the
         * most of the series, from fine lines (ABL); every 6 weeks, …" */
        how_many = g_strdup_printf (plan_trn (pl, "%u session", "%u sessions", sessions), sessions);
        how_often = g_strdup_printf (plan_trn (pl, "every week", "every %u weeks", interval), interval);
        /* Translators: "Skin series: 4 sessions, the most of the series, from
         * fine lines (ABL); every 6 weeks, the longest interval, from melasma
         * (LIM)." */
        summary = g_strdup_printf (plan_tr (pl, "%s: %s, the most of the series, from %s %s; %s, %s."),
                                   label, how_many, most_name, sessions_sources,
                                   how_often, interval_sources);
      }

      for (i = 0; i < n_works; i++)
        {
          g_autoptr(GStrvBuilder) reasons = NULL;
          NmPlanRegion *region = works[i].region;

          if (works[i].schedule != (int) s)
            continue;

          region->series = index;
          reasons = g_strv_builder_new ();
          g_strv_builder_addv (reasons, (const char **) region->reasons);
          g_strv_builder_add (reasons, summary);
          g_strfreev (region->reasons);
          region->reasons = g_strv_builder_end (reasons);
        }
    }
}

/* The values a clinic's file loosened, "; "-separated: for @region those
 * that can reach it (its own limits, its findings' indications, and the
 * device and skin-type rules), else all of them. */
static char *
loosened_keys (const Planner      *pl,
               const NmPlanRegion *region)
{
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autofree char *own = region != NULL ? g_strdup_printf ("regions.%s.", region->region) : NULL;
  guint pass, i, j;

  for (pass = 0; pass < 2 && keys->len == 0; pass++)
    for (i = 0; i < nm_protocol_get_n_loosened (pl->protocol); i++)
      {
        const char *key = nm_protocol_get_loosened (pl->protocol, i);
        gboolean relevant = region == NULL || pass == 1 ||
                            g_str_has_prefix (key, own) ||
                            g_str_has_prefix (key, "device.") ||
                            g_str_has_prefix (key, "skin_types.");

        for (j = 0; !relevant && region->findings[j] != NULL; j++)
          {
            g_autofree char *kind = g_strdup_printf ("indications.%s.depth", region->findings[j]);
            relevant = g_str_has_prefix (key, kind);
          }
        if (!relevant)
          continue;
        if (keys->len > 0)
          g_string_append (keys, "; ");
        g_string_append (keys, key);
      }
  return g_string_free (g_steal_pointer (&keys), FALSE);
}

/* Where a clinic's protocol file made this plan looser than the built-in
 * protocol would (spec §3.1 `clinic-rule-loosened`): the plan is made again
 * with the protocol the file was laid over, and every region that goes
 * deeper, every series that is longer or closer, and every warning that
 * went away is said, with the values the file changed. */
static void
plan_loosened (Planner                *pl,
               const NmPlannerOptions *options)
{
  NmProtocol *base = nm_protocol_get_base (pl->protocol);
  g_autoptr(NmPlan) builtin = NULL;
  g_autofree char *keys = NULL;
  guint i, j;

  if (base == NULL || nm_protocol_get_n_loosened (pl->protocol) == 0)
    return;

  builtin = nm_planner_run_full (pl->consultation, base, &pl->today, options);
  keys = loosened_keys (pl, NULL);

  /* A plan the clinic's file blocks is only stricter than the built-in
   * one: nothing in it is looser. */
  if (pl->blocked)
    return;

  for (i = 0; i < pl->plan->regions->len; i++)
    {
      const NmPlanRegion *region = g_ptr_array_index (pl->plan->regions, i);
      const NmPlanRegion *was = nm_plan_lookup_region (builtin, region->region);
      g_autofree char *text = NULL;
      g_autofree char *region_keys = NULL;

      if (!region->treat)
        continue;
      region_keys = loosened_keys (pl, region);
      if (was == NULL || !was->treat)
        text = g_strdup_printf (plan_tr (pl, "Needled only because the clinic's protocol file sets %s (CLINIC)."),
                                region_keys);
      else if (region->max_mm > was->max_mm + EPSILON || region->min_mm > was->min_mm + EPSILON)
        {
          g_autofree char *depth = format_range (pl, was->min_mm, was->max_mm);

          text = g_strdup_printf (plan_tr (pl, "Deeper than the built-in protocol's %s because the clinic's "
                                               "protocol file sets %s (CLINIC)."), depth, region_keys);
        }
      else
        /* a finding needled deeper within an unchanged region depth */
        for (j = 0; j < region->n_finding_depths && text == NULL; j++)
          {
            const NmPlanFindingDepth *now = &region->finding_depths[j];
            const NmPlanFindingDepth *before = nm_plan_region_lookup_finding (was, now->kind);
            g_autofree char *name = NULL;
            g_autofree char *depth = NULL;

            if (!now->treat || (before != NULL && before->treat &&
                                now->max_mm <= before->max_mm + EPSILON &&
                                now->min_mm <= before->min_mm + EPSILON))
              continue;
            name = kind_name_lower (pl, now->kind);
            depth = before != NULL && before->treat ? format_range (pl, before->min_mm, before->max_mm)
                                                    : g_strdup (plan_tr (pl, "no needling"));
            text = g_strdup_printf (plan_tr (pl, "Over the %s, deeper than the built-in protocol's %s because "
                                                 "the clinic's protocol file sets %s (CLINIC)."),
                                    name, depth, region_keys);
          }

      /* its series: more sessions, or closer together */
      if (text == NULL && region->series >= 0 && was->series >= 0)
        {
          const NmPlanSeries *series = g_ptr_array_index (pl->plan->series, region->series);
          const NmPlanSeries *before = g_ptr_array_index (builtin->series, was->series);

          if (series->sessions > before->sessions || series->interval_weeks < before->interval_weeks)
            text = g_strdup_printf (plan_tr (pl, "%u sessions every %u weeks where the built-in protocol "
                                                 "plans %u every %u weeks, because the clinic's protocol "
                                                 "file sets %s (CLINIC)."),
                                    series->sessions, series->interval_weeks,
                                    before->sessions, before->interval_weeks, keys);
        }

      if (text != NULL)
        _nm_plan_add_warning (pl->plan, "clinic-rule-loosened", g_steal_pointer (&text), region->region);
    }

  for (i = 0; i < builtin->warnings->len; i++)
    {
      const NmPlanWarning *was = g_ptr_array_index (builtin->warnings, i);
      gboolean kept = FALSE;

      for (j = 0; j < pl->plan->warnings->len && !kept; j++)
        {
          const NmPlanWarning *now = g_ptr_array_index (pl->plan->warnings, j);

          kept = g_str_equal (now->id, was->id) && g_strcmp0 (now->region, was->region) == 0;
        }
      if (!kept)
        _nm_plan_add_warning (pl->plan, "clinic-rule-loosened",
                              g_strdup_printf (plan_tr (pl, "The built-in protocol would warn (%s) where the "
                                                            "clinic's protocol file, which sets %s, does not: %s"),
                                               was->id, keys, was->message),
                              was->region);
    }
}

/* Whether a date that @plan gives, or the first maintenance session
 * (%NM_PLAN_MAINTENANCE_MONTHS after a series' last session, which the
 * schedule and the PDF show), falls after the last day a file can hold. */
static gboolean
plan_dates_beyond_format (NmPlan *plan)
{
  if (plan->has_wait && g_date_get_year (&plan->wait_until) > NM_DATE_MAX_YEAR)
    return TRUE;

  for (guint s = 0; s < plan->series->len; s++)
    {
      const NmPlanSeries *series = g_ptr_array_index (plan->series, s);
      GDate last;

      if (series->n_dates == 0)
        continue;
      last = series->dates[series->n_dates - 1];
      g_date_add_months (&last, NM_PLAN_MAINTENANCE_MONTHS);
      if (g_date_get_year (&last) > NM_DATE_MAX_YEAR)
        return TRUE;
    }

  return FALSE;
}

static NmPlan *planner_run (NmConsultation         *consultation,
                            NmProtocol             *protocol,
                            const GDate            *today,
                            const NmPlannerOptions *options,
                            gboolean                beyond_format);

/**
 * nm_planner_run_full:
 * @consultation: the consultation
 * @protocol: the protocol (default, maybe with a clinic's overlay)
 * @today: the date a series starts on when the consultation has no start date
 * @options: (nullable): device overrides and the language of the texts
 *
 * Computes the plan. A pure, deterministic function: the same inputs give
 * the same plan (and the same JSON bytes).
 *
 * The device is the consultation's (plan.device) where it sets one, else
 * the protocol's; @options may only make it shallower. The rules of spec
 * §3.1 are applied after the protocol, whatever it says.
 *
 * Returns: (transfer full): the plan
 */
NmPlan *
nm_planner_run_full (NmConsultation         *consultation,
                     NmProtocol             *protocol,
                     const GDate            *today,
                     const NmPlannerOptions *options)
{
  NmPlan *plan = planner_run (consultation, protocol, today, options, FALSE);

  /* Dates past 9999-12-31 cannot be written (YYYY-MM-DD), in a file, the
   * plan's JSON, a calendar or the PDF. A series is never cut short nor
   * moved: the plan is made again, blocked, saying why (issue 13). */
  if (plan != NULL && plan_dates_beyond_format (plan))
    {
      nm_plan_unref (plan);
      plan = planner_run (consultation, protocol, today, options, TRUE);
    }

  return plan;
}

/* nm_planner_run_full(); @beyond_format: block the plan, its dates would
 * run past the year 9999. */
static NmPlan *
planner_run (NmConsultation         *consultation,
             NmProtocol             *protocol,
             const GDate            *today,
             const NmPlannerOptions *options,
             gboolean                beyond_format)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) block_ids = g_ptr_array_new ();
  g_autofree GPtrArray **by_region = NULL;
  g_autofree RegionWork *works = NULL;
  Planner pl = { 0 };
  const char *start;
  guint n_works = 0;
  guint i;

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);
  g_return_val_if_fail (NM_IS_PROTOCOL (protocol), NULL);
  g_return_val_if_fail (today != NULL && g_date_valid (today), NULL);

  pl.consultation = consultation;
  pl.protocol = protocol;
  pl.plan = _nm_plan_new ();
  pl.fitzpatrick = nm_consultation_get_fitzpatrick (consultation);
  pl.step = nm_protocol_get_device_step_mm (protocol);
  pl.device_max = nm_protocol_get_device_max_mm (protocol);
  /* The consultation's own device (plan.device) is the one source: the
   * options stand in only where it sets none. A device setting may only
   * lower the protocol's maximum, never raise it. */
  if (nm_consultation_get_device_step_mm (consultation) > 0.0)
    pl.step = nm_consultation_get_device_step_mm (consultation);
  else if (options != NULL && options->step_mm > 0.0)
    pl.step = options->step_mm;
  if (nm_consultation_get_device_max_mm (consultation) > 0.0)
    {
      pl.own_device = nm_consultation_get_device_max_mm (consultation) < pl.device_max;
      pl.device_max = MIN (pl.device_max, nm_consultation_get_device_max_mm (consultation));
    }
  else if (options != NULL && options->device_max_mm > 0.0)
    pl.device_max = MIN (pl.device_max, options->device_max_mm);
  pl.device_max = MIN (pl.device_max, NM_SAFETY_MAX_MM);
  pl.plan->device_max_mm = pl.device_max;
  pl.plan->device_step_mm = pl.step;
  pl.translate = options != NULL && options->translate;
  pl.region_warnings = g_ptr_array_new_with_free_func (plan_warning_free);
  pl.today = *today;

  start = nm_consultation_get_start_date (consultation);
  if (start == NULL || !nm_date_parse (start, &pl.start))
    pl.start = *today;

  plan_screening (&pl);
  plan_keloid_findings (&pl);
  plan_wait (&pl);
  plan_age (&pl);
  if (beyond_format)
    add_block (&pl, "dates-out-of-range",
               g_strdup (plan_tr (&pl, "The session dates would run past the year 9999, the last a "
                                       "consultation file can hold (the maintenance session comes a year "
                                       "after the last session): check the start date.")));
  if (pl.fitzpatrick == NM_FITZPATRICK_UNSET)
    add_warning (&pl, "skin-type-missing", NULL,
                 plan_tr (&pl, "Choose the client's skin type (Fitzpatrick I–VI): the plan depends on it"));

  for (i = 0; i < pl.plan->blocked_by->len; i++)
    g_ptr_array_add (block_ids, ((NmPlanBlock *) g_ptr_array_index (pl.plan->blocked_by, i))->id);
  pl.blocked = block_ids->len > 0;
  pl.blocked_list = join_ids (&pl, block_ids);

  /* Findings by region, regions in the vocabulary's order. */
  by_region = g_new0 (GPtrArray *, nm_vocab_n_regions ());
  for (i = 0; i < nm_consultation_get_n_findings (consultation); i++)
    {
      NmFinding *finding = nm_consultation_get_finding (consultation, i);
      int r = nm_vocab_region_index (nm_finding_get_region (finding));
      Item *item;

      if (r < 0 || nm_vocab_kind_index (nm_finding_get_kind (finding)) < 0)
        continue;

      item = g_new0 (Item, 1);
      /* the vocabulary's own strings: they outlive the finding */
      item->kind = nm_vocab_kind (nm_vocab_kind_index (nm_finding_get_kind (finding)))->id;
      item->severity = nm_finding_get_severity (finding);
      g_ptr_array_add (items, item);
      if (by_region[r] == NULL)
        by_region[r] = g_ptr_array_new ();
      g_ptr_array_add (by_region[r], item);
    }

  works = g_new0 (RegionWork, nm_vocab_n_regions ());
  for (i = 0; i < nm_vocab_n_regions (); i++)
    {
      if (by_region[i] == NULL)
        continue;
      plan_region (&pl, nm_vocab_region (i)->id, by_region[i], &works[n_works]);
      n_works++;
    }

  plan_herpes (&pl, works, n_works);
  if (pl.active_acne)
    {
      gboolean face = FALSE;

      for (i = 0; i < n_works; i++)
        face = face || (works[i].region->treat && nm_safety_region_is_face (works[i].region->region));
      if (!face)
        add_warning (&pl, "active-acne", NULL,
                     plan_tr (&pl, "Active acne: never needle over active lesions, and postpone while "
                                   "the acne is moderate to severe"));
    }
  for (i = 0; i < n_works; i++)
    plan_region_warnings (&pl, &works[i]);
  plan_logged (&pl, works, n_works);
  if (!pl.blocked)
    {
      gboolean any = FALSE;

      for (i = 0; i < n_works; i++)
        any = any || works[i].region->treat;
      /* findings, and none of them can be needled: nothing to consent to */
      if (!any && n_works > 0)
        _nm_plan_add_warning (pl.plan, "nothing-to-needle",
                              g_strdup (plan_tr (&pl, "Nothing in this plan can be needled: refer, or tag what "
                                                      "can be treated.")),
                              NULL);
    }
  for (i = 0; i < pl.region_warnings->len; i++)
    g_ptr_array_add (pl.plan->warnings, g_ptr_array_index (pl.region_warnings, i));
  g_ptr_array_set_free_func (pl.region_warnings, NULL);

  if (!pl.blocked)
    plan_series (&pl, works, n_works);

  plan_loosened (&pl, options);

  if (pl.blocked)
    pl.plan->status = NM_PLAN_BLOCKED;
  else if (pl.plan->warnings->len > 0 || pl.relative_yes)
    pl.plan->status = NM_PLAN_CAUTION;  /* a relative item true, acknowledged or not, with or
                                         * without a warning of its own (spec §3) */
  else
    pl.plan->status = NM_PLAN_OK;

  if (pl.blocked)
    pl.plan->state = NM_PLAN_STATE_BLOCKED;
  else if (pl.fitzpatrick == NM_FITZPATRICK_UNSET)
    pl.plan->state = NM_PLAN_STATE_NO_SKIN_TYPE;
  else if (pl.plan->unanswered[0] != NULL)
    pl.plan->state = NM_PLAN_STATE_SCREENING_INCOMPLETE;
  else if (pl.plan->status == NM_PLAN_CAUTION)
    pl.plan->state = NM_PLAN_STATE_PRECAUTIONS;
  else
    pl.plan->state = NM_PLAN_STATE_READY;

  for (i = 0; i < nm_vocab_n_regions (); i++)
    g_clear_pointer (&by_region[i], g_ptr_array_unref);
  for (i = 0; i < n_works; i++)
    {
      g_ptr_array_unref (works[i].indications);
      g_ptr_array_unref (works[i].below);
    }
  g_ptr_array_unref (pl.region_warnings);
  g_free (pl.blocked_list);

  return pl.plan;
}

/**
 * nm_planner_run:
 *
 * nm_planner_run_full() with the protocol's device maximum and step.
 *
 * Returns: (transfer full): the plan
 */
NmPlan *
nm_planner_run (NmConsultation *consultation,
                NmProtocol     *protocol,
                const GDate    *today)
{
  return nm_planner_run_full (consultation, protocol, today, NULL);
}

/**
 * nm_planner_today:
 * @today_iso: (nullable): a date YYYY-MM-DD, or %NULL
 * @today: (out): the date
 *
 * The date a plan starts from when its file has no start date: @today_iso,
 * else $NEEDLEMAP_TODAY (for reproducible output), else the local date.
 */
gboolean
nm_planner_today (const char  *today_iso,
                  GDate       *today,
                  GError     **error)
{
  const char *text = today_iso != NULL ? today_iso : g_getenv ("NEEDLEMAP_TODAY");

  if (text != NULL && *text != '\0')
    {
      if (!nm_date_parse (text, today))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("NEEDLEMAP_TODAY: “%s” is not a date YYYY-MM-DD"), text);
          return FALSE;
        }
      return TRUE;
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    g_date_clear (today, 1);
    g_date_set_dmy (today,
                    (GDateDay) g_date_time_get_day_of_month (now),
                    (GDateMonth) g_date_time_get_month (now),
                    (GDateYear) g_date_time_get_year (now));
  }
  return TRUE;
}

/**
 * nm_plan_load_for_command:
 * @path: a consultation file (a path or URI)
 * @today_iso: (nullable): the date to start from when the file has none
 * @translate: plan texts in the user's language (see NmPlannerOptions)
 * @consultation: (out) (optional): the loaded consultation
 * @plan: (out): its plan
 * @err: receives one line "needlemap: FILE: problem" on failure
 *
 * What every command that works on one file does first: loads the file and
 * the protocol (the built-in one with $XDG_CONFIG_HOME/needlemap/protocol.json
 * laid over it when present) and runs the planner.
 *
 * Returns: the exit status: 0 done, 1 bad file (or bad clinic protocol),
 *   2 bad NEEDLEMAP_TODAY
 */
int
nm_plan_load_for_command (const char      *path,
                          const char      *today_iso,
                          gboolean         translate,
                          NmConsultation **consultation,
                          NmPlan         **plan,
                          GString         *err)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) failed = NULL;
  g_autoptr(NmConsultation) loaded = NULL;
  g_autoptr(NmProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  NmPlannerOptions options = { 0 };
  GDate today;

  g_return_val_if_fail (path != NULL, 2);
  g_return_val_if_fail (plan != NULL && err != NULL, 2);

  if (!nm_planner_today (today_iso, &today, &error))
    {
      g_string_append_printf (err, "needlemap: %s\n", error->message);
      return 2;
    }

  file = nm_file_new_for_arg (path);
  loaded = nm_file_load (file, NULL, &error);
  if (loaded == NULL)
    {
      g_string_append_printf (err, "needlemap: %s: %s\n", path, error->message);
      return 1;
    }

  protocol = nm_protocol_load_for_user (&failed, &error);
  if (protocol == NULL)
    {
      g_autofree char *name = failed != NULL ? g_file_get_parse_name (failed) : g_strdup ("protocol");

      g_string_append_printf (err, "needlemap: %s: %s\n", name, error->message);
      return 1;
    }

  options.translate = translate;
  *plan = nm_planner_run_full (loaded, protocol, &today, &options);
  if (consultation != NULL)
    *consultation = g_steal_pointer (&loaded);
  return 0;
}

/**
 * nm_plan_command:
 * @path: a consultation file (a path or URI)
 * @today_iso: (nullable): the date to start from when the file has none
 * @out: receives the plan JSON
 * @err: receives one line "needlemap: FILE: problem" on failure
 *
 * `needlemap --plan FILE`: loads the file and the protocol (see
 * nm_plan_load_for_command()), runs the planner and writes spec §3 JSON.
 *
 * Returns: the exit status: 0 done, 1 bad file (or bad clinic protocol),
 *   2 bad NEEDLEMAP_TODAY
 */
int
nm_plan_command (const char *path,
                 const char *today_iso,
                 GString    *out,
                 GString    *err)
{
  g_autoptr(NmPlan) plan = NULL;
  g_autofree char *json = NULL;
  int status;

  g_return_val_if_fail (path != NULL, 2);
  g_return_val_if_fail (out != NULL && err != NULL, 2);

  /* English and '.' decimals whatever the locale: spec §3, "deterministic" */
  status = nm_plan_load_for_command (path, today_iso, FALSE, NULL, &plan, err);
  if (status != 0)
    return status;

  json = nm_plan_to_json (plan);
  g_string_append (out, json);
  return 0;
}
