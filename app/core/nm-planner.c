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
  guint           fitzpatrick;
  double          step;
  double          device_max;
  gboolean        blocked;
  gboolean        herpes_history;
  char           *blocked_list;      /* "isotretinoin, pregnancy" */
  GDate           start;
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

/* Nearest step, halves going down: the shallow side of a tie. */
static double
round_nearest (double mm,
               double step)
{
  return ceil (mm / step - 0.5 - EPSILON) * step;
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

      if (i > 0)
        g_string_append (text, ", ");
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

/* Screening: blocked_by, relative items, unanswered items. */
static void
plan_screening (Planner *pl)
{
  g_autoptr(GPtrArray) unanswered = g_ptr_array_new ();
  g_autoptr(GPtrArray) unacknowledged = g_ptr_array_new ();
  g_autoptr(GPtrArray) blocking = g_ptr_array_new ();
  gboolean herpes = FALSE;
  guint i;

  for (i = 0; i < nm_vocab_n_screening (); i++)
    {
      const char *id = nm_vocab_screening (i)->id;
      NmScreeningClass klass = nm_protocol_get_screening_class (pl->protocol, id);
      NmAnswer answer = nm_consultation_get_screening (pl->consultation, id);
      g_autofree char *sources = cite (nm_protocol_get_screening_citation (pl->protocol, id));

      if (klass == NM_SCREENING_ABSOLUTE)
        {
          if (answer == NM_ANSWER_YES)
            {
              _nm_plan_add_block (pl->plan, id,
                                  g_strdup_printf ("%s %s.", screening_text (pl, id), sources));
              g_ptr_array_add (blocking, (gpointer) id);
            }
          else if (answer == NM_ANSWER_UNKNOWN)
            g_ptr_array_add (unanswered, (gpointer) id);
          continue;
        }

      if (answer != NM_ANSWER_YES)
        continue;

      if (g_str_equal (id, "herpes-history"))
        herpes = TRUE;
      else
        _nm_plan_add_warning (pl->plan, id,
                              g_strdup_printf ("%s %s.", screening_text (pl, id), sources), NULL);

      {
        const char *ack = nm_consultation_get_acknowledgement (pl->consultation, id);
        if (ack == NULL || *ack == '\0')
          g_ptr_array_add (unacknowledged, (gpointer) id);
      }
    }

  pl->blocked = blocking->len > 0;
  pl->blocked_list = join_ids (pl, blocking);

  if (unanswered->len > 0)
    {
      g_autofree char *list = join_ids (pl, unanswered);
      g_autofree char *text = g_strdup_printf (plan_trn (pl, "Screening not finished, %u absolute item unanswered: %s",
                                                         "Screening not finished, %u absolute items unanswered: %s",
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

  /* herpes-prophylaxis is raised later, once the perioral regions are known */
  pl->herpes_history = herpes;
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

/* One finding's depth: the indication's range, the severity's place in it,
 * then the caps. Returns FALSE when no whole device step fits. */
static gboolean
plan_finding (Planner                *pl,
              const NmProtocolRegion *rule,
              const Item             *item,
              GStrvBuilder           *reasons,
              double                 *out_min,
              double                 *out_max,
              gboolean               *out_pigment_capped)
{
  const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, item->kind);
  const NmProtocolSkinRule *pigment = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_PIGMENT_DEPTH);
  NmCategory category = nm_vocab_kind_category (item->kind);
  const NmCitation *limit_cite = &rule->cite;
  g_autofree char *limit_what = g_strdup (plan_tr (pl, "the limit for this region"));
  g_autofree char *sources = cite (&ind->depth_cite);
  g_autofree char *lo_text = plan_mm (pl, ind->min_mm);
  g_autofree char *hi_text = plan_mm (pl, ind->max_mm);
  g_autofree char *placed = NULL;
  guint severity = CLAMP (item->severity, NM_SEVERITY_MIN, NM_SEVERITY_MAX);
  double span = ind->max_mm - ind->min_mm;
  gboolean pigment_limit = FALSE;
  double min, max, limit;

  *out_pigment_capped = FALSE;

  /* A window half the range wide slides from the shallow end (severity 1)
   * to the deep end (severity 4). */
  min = ind->min_mm + (severity - 1) * span / 6.0;
  max = min + span / 2.0;
  min = round_nearest (min, pl->step);
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
    {
      limit = rule->scar_max_mm;
      limit_cite = &rule->scar_cite;
      g_free (limit_what);
      limit_what = g_strdup (plan_tr (pl, "this region's limit for scars"));
    }
  if (category == NM_CATEGORY_PIGMENT && skin_rule_applies (pigment, pl->fitzpatrick) &&
      pigment->max_mm < limit)
    {
      g_autofree char *range = skin_range (pigment->fitzpatrick_min, pigment->fitzpatrick_max);

      limit = pigment->max_mm;
      pigment_limit = TRUE;
      limit_cite = &pigment->cite;
      g_free (limit_what);
      limit_what = g_strdup_printf (plan_tr (pl, "the limit for pigment findings in skin types %s"), range);
    }
  if (pl->device_max < limit)
    {
      limit = pl->device_max;
      pigment_limit = FALSE;
      limit_cite = nm_protocol_get_device_citation (pl->protocol);
      g_free (limit_what);
      limit_what = g_strdup (plan_tr (pl, "the device maximum"));
    }
  limit = round_down (limit, pl->step);

  if (max > limit + EPSILON)
    {
      g_autofree char *limit_text = plan_mm (pl, limit);
      g_autofree char *limit_sources = cite (limit_cite);

      max = limit;
      if (min > max)
        min = max;
      *out_pigment_capped = pigment_limit;
      take_reason (reasons,
                   /* Translators: "Capped at 0.5 mm, the limit for this
                    * region (GR, MBA)."; the second %s is one of "the limit
                    * for this region", "the device maximum"… */
                   g_strdup_printf (plan_tr (pl, "Capped at %s mm, %s %s."),
                                    limit_text, limit_what, limit_sources));
    }

  if (max < pl->step - EPSILON)
    return FALSE;
  if (min < pl->step)
    min = pl->step;

  *out_min = min;
  *out_max = max;
  return TRUE;
}

typedef struct
{
  NmPlanRegion *region;
  int           schedule;      /* protocol schedule index, -1 when not treated */
  GPtrArray    *indications;   /* treated NmProtocolIndication* */
} RegionWork;

static void
plan_untreated (NmPlanRegion *region,
                GStrvBuilder *reasons)
{
  region->treat = FALSE;
  region->min_mm = 0.0;
  region->max_mm = 0.0;
  region->reasons = g_strv_builder_end (reasons);
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
  const Item *deepest = NULL;
  const char *previous = NULL;
  const Item *untreated = NULL;
  double best_min = 0.0, best_max = 0.0;
  const Item *capped[NM_SEVERITY_MAX * 8];
  double capped_max[G_N_ELEMENTS (capped)];
  guint n_capped = 0;
  guint n_treated = 0;
  guint i;

  work->region = region;
  work->schedule = -1;
  work->indications = g_ptr_array_new ();

  g_ptr_array_sort (items, compare_items);
  for (i = 0; i < items->len; i++)
    {
      const Item *item = g_ptr_array_index (items, i);
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, item->kind);

      if (g_strcmp0 (previous, item->kind) != 0)
        g_strv_builder_add (kinds, item->kind);
      previous = item->kind;
      if (!ind->treat && untreated == NULL)
        untreated = item;
    }
  region->findings = g_strv_builder_end (kinds);

  if (pl->blocked)
    {
      take_reason (reasons,
                   g_strdup_printf (plan_tr (pl, "Not needled: the plan is blocked by %s (absolute contraindication)."),
                                    pl->blocked_list));
      plan_untreated (region, reasons);
      return;
    }

  if (!rule->treat)
    {
      g_autofree char *note = note_clause (pl, rule->cite.note != NULL ? plan_tr (pl, rule->cite.note) : NULL);
      g_autofree char *sources = cite (&rule->cite);

      take_reason (reasons,
                   g_strdup_printf (plan_tr (pl, "Not needled: %s %s."),
                                    *note != '\0' ? note : plan_tr (pl, "the protocol excludes this region"),
                                    sources));
      plan_untreated (region, reasons);
      return;
    }

  if (untreated != NULL)
    {
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, untreated->kind);
      g_autofree char *sources = cite (&ind->cite);

      if (ind->refer)
        take_reason (reasons,
                     g_strdup_printf (plan_tr (pl, "Not needled: %s is never needled, refer to a specialist %s."),
                                      kind_name (pl, untreated->kind), sources));
      else
        take_reason (reasons,
                     g_strdup_printf (plan_tr (pl, "Not needled: %s is never needled %s."),
                                      kind_name (pl, untreated->kind), sources));
      plan_untreated (region, reasons);
      return;
    }

  for (i = 0; i < items->len; i++)
    {
      const Item *item = g_ptr_array_index (items, i);
      const NmProtocolIndication *ind = nm_protocol_get_indication (pl->protocol, item->kind);
      int schedule;
      gboolean pigment_capped;
      double min, max;

      /* the same kind at a lower severity adds nothing */
      if (i > 0 && g_str_equal (((const Item *) g_ptr_array_index (items, i - 1))->kind, item->kind))
        continue;

      if (!plan_finding (pl, rule, item, reasons, &min, &max, &pigment_capped))
        {
          take_reason (reasons,
                       g_strdup_printf (plan_tr (pl, "%s: the limit is below one device step, so it is not needled."),
                                        kind_name (pl, item->kind)));
          continue;
        }

      n_treated++;
      if (pigment_capped && n_capped < G_N_ELEMENTS (capped))
        {
          capped[n_capped] = item;
          capped_max[n_capped++] = max;
        }
      g_ptr_array_add (work->indications, (gpointer) ind);
      schedule = nm_protocol_get_schedule_index (pl->protocol, ind->schedule);
      if (work->schedule < 0 || (schedule >= 0 && schedule < work->schedule))
        work->schedule = schedule;

      if (deepest == NULL || max > best_max + EPSILON ||
          (fabs (max - best_max) < EPSILON && min > best_min + EPSILON))
        {
          deepest = item;
          best_min = min;
          best_max = max;
        }
    }

  if (deepest == NULL)
    {
      plan_untreated (region, reasons);
      work->schedule = -1;
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
  for (i = 0; i < n_capped; i++)
    {
      const NmProtocolSkinRule *pigment = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_PIGMENT_DEPTH);
      g_autofree char *name = kind_name_lower (pl, capped[i]->kind);
      g_autofree char *limit = plan_mm (pl, capped_max[i]);
      g_autofree char *sources = cite (&pigment->cite);

      if (capped_max[i] < best_max - EPSILON)
        take_reason (reasons,
                     /* Translators: "Over the melasma itself keep to 0.5 mm
                      * (LOW, CHU): the region's depth is for its deeper finding." */
                     g_strdup_printf (plan_tr (pl, "Over the %s itself keep to %s mm %s: the region's depth is for "
                                                   "its deeper finding."), name, limit, sources));
    }

  region->treat = TRUE;
  region->min_mm = best_min;
  region->max_mm = best_max;
  region->deepest_kind = g_strdup (deepest->kind);
  region->reasons = g_strv_builder_end (reasons);
}

/* Warnings that depend on a treated region's findings and depth. */
static void
plan_region_warnings (Planner      *pl,
                      NmPlanRegion *region)
{
  const NmProtocolSkinRule *pih = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_PIH_WARNING);
  const NmProtocolSkinRule *neck = nm_protocol_get_skin_rule (pl->protocol, NM_SKIN_RULE_NECK_CLEARANCE);
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

  if (pigment && skin_rule_applies (pih, pl->fitzpatrick))
    {
      g_autofree char *range = skin_range (pih->fitzpatrick_min, pih->fitzpatrick_max);
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "Skin type %s with pigment findings: risk of "
                                                             "post-inflammatory hyperpigmentation, prime the skin "
                                                             "and protect it from sun"), range);
      add_region_warning (pl, "pih-risk", region->region, text);
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

static void
plan_age (Planner *pl)
{
  const NmProtocolWarning *warning = nm_protocol_get_warning (pl->protocol, "under-age");
  const char *birth = nm_consultation_get_birth_date (pl->consultation);
  GDate born;
  int age;

  if (birth == NULL || !nm_date_parse (birth, &born))
    return;

  age = g_date_get_year (&pl->start) - g_date_get_year (&born);
  if (g_date_get_month (&pl->start) < g_date_get_month (&born) ||
      (g_date_get_month (&pl->start) == g_date_get_month (&born) &&
       g_date_get_day (&pl->start) < g_date_get_day (&born)))
    age--;

  if (age < (int) warning->min_age_years)
    {
      g_autofree char *text = g_strdup_printf (plan_tr (pl, "Under %u at the first session: the device is "
                                                             "indicated for adults %u and over"),
                                               warning->min_age_years, warning->min_age_years);
      add_warning (pl, "under-age", NULL, text);
    }
}

static void
plan_herpes (Planner    *pl,
             RegionWork *works,
             guint       n_works)
{
  const NmProtocolWarning *warning = nm_protocol_get_warning (pl->protocol, "herpes-prophylaxis");
  gboolean history = pl->herpes_history;
  const char *perioral = NULL;
  guint i;

  for (i = 0; i < n_works && perioral == NULL; i++)
    if (works[i].region->treat &&
        g_strv_contains ((const char * const *) warning->regions, works[i].region->region))
      perioral = works[i].region->region;

  if (history)
    add_warning (pl, "herpes-prophylaxis", perioral,
                 plan_tr (pl, "History of cold sores: give antiviral prophylaxis before each session"));
  else if (perioral != NULL)
    add_warning (pl, "herpes-prophylaxis", perioral,
                 plan_tr (pl, "Perioral work: ask about cold sores and consider antiviral prophylaxis"));
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
      guint sessions = 0, interval = 0;
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

      if (skin_rule_applies (interval_rule, pl->fitzpatrick) &&
          g_strv_contains ((const char * const *) interval_rule->schedules, schedule->id) &&
          interval < interval_rule->min_weeks)
        {
          interval = interval_rule->min_weeks;
          lengthened = TRUE;
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
      if (lengthened)
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
      /* Translators: "Skin series: 4 sessions, the most of the series, from
       * fine lines (ABL); every 6 weeks, the longest interval, from melasma
       * (LIM)."; both numbers are always more than one. */
      summary = g_strdup_printf (plan_tr (pl, "%s: %u sessions, the most of the series, from %s %s; every %u weeks, %s."),
                                 label, sessions, most_name, sessions_sources,
                                 interval, interval_sources);

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

/**
 * nm_planner_run_full:
 * @consultation: the consultation
 * @protocol: the protocol (default, maybe with a clinic's overlay)
 * @today: the date a series starts on when the consultation has no start date
 * @options: (nullable): device overrides
 *
 * Computes the plan. A pure, deterministic function: the same inputs give
 * the same plan (and the same JSON bytes).
 *
 * Returns: (transfer full): the plan
 */
NmPlan *
nm_planner_run_full (NmConsultation         *consultation,
                     NmProtocol             *protocol,
                     const GDate            *today,
                     const NmPlannerOptions *options)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
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
  if (options != NULL && options->step_mm > 0.0)
    pl.step = options->step_mm;
  /* A device setting may only lower the protocol's maximum, never raise it. */
  if (options != NULL && options->device_max_mm > 0.0)
    pl.device_max = MIN (pl.device_max, options->device_max_mm);
  pl.translate = options != NULL && options->translate;
  pl.region_warnings = g_ptr_array_new_with_free_func (plan_warning_free);

  start = nm_consultation_get_start_date (consultation);
  if (start == NULL || !nm_date_parse (start, &pl.start))
    pl.start = *today;

  plan_screening (&pl);
  plan_age (&pl);

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
  for (i = 0; i < n_works; i++)
    plan_region_warnings (&pl, works[i].region);
  for (i = 0; i < pl.region_warnings->len; i++)
    g_ptr_array_add (pl.plan->warnings, g_ptr_array_index (pl.region_warnings, i));
  g_ptr_array_set_free_func (pl.region_warnings, NULL);

  if (!pl.blocked)
    plan_series (&pl, works, n_works);

  if (pl.blocked)
    pl.plan->status = NM_PLAN_BLOCKED;
  else if (pl.plan->warnings->len > 0)
    pl.plan->status = NM_PLAN_CAUTION;  /* relative items and unanswered ones all warn */
  else
    pl.plan->status = NM_PLAN_OK;

  for (i = 0; i < nm_vocab_n_regions (); i++)
    g_clear_pointer (&by_region[i], g_ptr_array_unref);
  for (i = 0; i < n_works; i++)
    g_ptr_array_unref (works[i].indications);
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

  file = g_file_new_for_commandline_arg (path);
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
