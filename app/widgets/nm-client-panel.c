/* nm-client-panel.c: who the client is, their skin type and the plan's start
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

#define G_LOG_DOMAIN "needlemap"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <locale.h>

#include "nm-client-panel.h"
#include "nm-file.h"
#include "nm-planner.h"

typedef const char *(*GetText) (NmConsultation *self);
typedef void        (*SetText) (NmConsultation *self, const char *text);

typedef struct
{
  AdwEntryRow  *row;
  GetText       get;
  SetText       set;
  gboolean      is_date;
  GtkLabel     *hint;      /* dates: the form to type, while the field is empty */
  AdwActionRow *message;   /* dates: why what was typed is not taken */
} TextField;

enum {
  FIELD_NAME,
  FIELD_BIRTH_DATE,
  FIELD_GUARDIAN,
  FIELD_START_DATE,
  FIELD_PRACTITIONER,
  FIELD_NOTES,
  N_FIELDS
};

struct _NmClientPanel
{
  GtkWidget        parent_instance;

  NmConsultation  *consultation;
  GSignalGroup    *consultation_signals;
  NmPlan          *plan;
  NmDateEntryStyle date_style;
  gboolean         syncing;
  TextField        fields[N_FIELDS];     /* their rows, hints and messages from the template */
  GtkToggleButton *skin_buttons[6];

  /* from the template */
  GtkWidget       *scroller;
  GtkWidget       *skin_box;
  GtkLabel        *skin_label;
  GtkLabel        *age_label;
  GtkLabel        *minor_label;
};

G_DEFINE_FINAL_TYPE (NmClientPanel, nm_client_panel, GTK_TYPE_WIDGET)

static const char *skin_descriptions[6] = {
  N_("Type I: always burns, never tans"),
  N_("Type II: usually burns, tans minimally"),
  N_("Type III: sometimes burns, tans evenly"),
  N_("Type IV: rarely burns, tans easily"),
  N_("Type V: very rarely burns, tans deeply"),
  N_("Type VI: never burns, deeply pigmented"),
};

/* Dates as people type them: the locale's usual form (14.05.1991 in
 * German, 05/14/1991 in American English, 14/05/1991 in French), and ISO
 * 8601 always. Stored as ISO. Slashes are read in the locale's order; a
 * locale without one of its own (C) shows ISO and reads slashes day first.
 * Years have four digits: a birth date's century is never guessed. */

/**
 * nm_date_entry_style_for_locale:
 * @style: (out): how the current LC_TIME locale writes a date
 */
void
nm_date_entry_style_for_locale (NmDateEntryStyle *style)
{
  const char *locale = setlocale (LC_TIME, NULL);
  const char *format;
  int day = -1, month = -1, year = -1, next = 0;
  char separator = 0;

  style->order = NM_DATE_ENTRY_ISO;
  style->separator = '-';
  style->slash_month_first = FALSE;
  if (locale == NULL || g_str_equal (locale, "C") || g_str_has_prefix (locale, "C.") ||
      g_str_equal (locale, "POSIX"))
    return;

  format = nl_langinfo (D_FMT);
  for (const char *p = format; p != NULL && *p != '\0'; p++)
    {
      if (*p != '%')
        {
          if (separator == 0 && next > 0 && strchr ("./-", *p) != NULL)
            separator = *p;
          continue;
        }
      /* flags and the E and O modifiers */
      while (p[1] != '\0' && strchr ("_-0^#EO", p[1]) != NULL)
        p++;
      if (p[1] == '\0')
        break;
      switch (*++p)
        {
        case 'd': case 'e': day = next++; break;
        case 'm': month = next++; break;
        case 'Y': case 'y': case 'C': case 'G': year = next++; break;
        case 'D': month = next++; day = next++; year = next++; separator = '/'; break;
        case 'F': year = next++; month = next++; day = next++; separator = '-'; break;
        default: break;
        }
    }

  if (day == 0 && month == 1 && year == 2)
    {
      style->order = NM_DATE_ENTRY_DMY;
      style->separator = separator != 0 ? separator : '/';
    }
  else if (month == 0 && day == 1 && year == 2)
    {
      style->order = NM_DATE_ENTRY_MDY;
      style->separator = '/';
      style->slash_month_first = TRUE;
    }
}

/**
 * nm_date_entry_parse:
 * @text: what was typed: YYYY-MM-DD, or day, month and a four-digit year
 *   with dots, slashes or hyphens (slashes in the order of @style)
 *
 * Returns: (transfer full) (nullable): the date as YYYY-MM-DD, %NULL when
 *   @text is no such date
 */
char *
nm_date_entry_parse (const NmDateEntryStyle *style,
                     const char             *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  guint parts[3], lengths[3], day, month, year;
  const char *p = copy;
  char separator = 0;
  g_autofree char *iso = NULL;

  for (guint n = 0; n < 3; n++)
    {
      guint value = 0, length = 0;

      while (g_ascii_isdigit (*p) && length < 4)
        {
          value = value * 10 + (guint) (*p++ - '0');
          length++;
        }
      if (length == 0 || g_ascii_isdigit (*p))
        return NULL;
      parts[n] = value;
      lengths[n] = length;
      if (n == 2)
        break;
      if (*p != '.' && *p != '/' && *p != '-')
        return NULL;
      if (separator != 0 && *p != separator)
        return NULL;
      separator = *p++;
    }
  if (*p != '\0')
    return NULL;

  if (lengths[0] == 4 && separator == '-' && lengths[1] <= 2 && lengths[2] <= 2)
    {
      year = parts[0];
      month = parts[1];
      day = parts[2];
    }
  else if (lengths[2] == 4 && lengths[0] <= 2 && lengths[1] <= 2)
    {
      gboolean month_first = separator == '/' && style->slash_month_first;

      day = month_first ? parts[1] : parts[0];
      month = month_first ? parts[0] : parts[1];
      year = parts[2];
    }
  else
    return NULL;

  iso = g_strdup_printf ("%04u-%02u-%02u", year, month, day);
  return nm_date_is_valid (iso) ? g_steal_pointer (&iso) : NULL;
}

/**
 * nm_date_entry_format:
 * @iso: (nullable): a date YYYY-MM-DD
 *
 * Returns: (transfer full): @iso in the form of @style; @iso itself when it
 *   is no date, "" for %NULL
 */
char *
nm_date_entry_format (const NmDateEntryStyle *style,
                      const char             *iso)
{
  GDate date;
  guint day, month, year;

  if (!nm_date_parse (iso, &date))
    return g_strdup (iso != NULL ? iso : "");
  day = g_date_get_day (&date);
  month = g_date_get_month (&date);
  year = g_date_get_year (&date);
  switch (style->order)
    {
    case NM_DATE_ENTRY_DMY:
      return g_strdup_printf ("%02u%c%02u%c%04u", day, style->separator, month, style->separator, year);
    case NM_DATE_ENTRY_MDY:
      return g_strdup_printf ("%02u%c%02u%c%04u", month, style->separator, day, style->separator, year);
    case NM_DATE_ENTRY_ISO:
    default:
      return g_strdup (iso);
    }
}

/**
 * nm_date_entry_hint:
 *
 * Returns: the form to type a date in, as the field shows it:
 *   “DD.MM.YYYY” (in the user's language)
 */
const char *
nm_date_entry_hint (const NmDateEntryStyle *style)
{
  /* Translators: how a date is typed; use your language's letters for
   * day, month and year (German: TT.MM.JJJJ), keep the order and marks */
  switch (style->order)
    {
    case NM_DATE_ENTRY_DMY:
      return style->separator == '.' ? C_("date form", "DD.MM.YYYY")
           : style->separator == '-' ? C_("date form", "DD-MM-YYYY")
           : C_("date form", "DD/MM/YYYY");
    case NM_DATE_ENTRY_MDY:
      return C_("date form", "MM/DD/YYYY");
    case NM_DATE_ENTRY_ISO:
    default:
      return C_("date form", "YYYY-MM-DD");
    }
}

/* The age on the first session's date, as the plan counts it (spec §3.1):
 * the plan's own figure once it has one, else counted here from the first
 * session (today when it has no date). -1 when the birth date is unknown;
 * below -1 when it comes after the first session. */
static int
client_age (NmClientPanel *self,
            gboolean      *minor)
{
  const char *text = self->consultation != NULL ? nm_consultation_get_birth_date (self->consultation) : NULL;
  GDate born, on;
  int age;

  *minor = FALSE;
  if (!nm_date_parse (text, &born))
    return -1;

  if (self->plan != NULL && nm_plan_get_age (self->plan) >= 0)
    {
      *minor = nm_plan_get_minor (self->plan);
      return nm_plan_get_age (self->plan);
    }

  if (!nm_date_parse (nm_consultation_get_start_date (self->consultation), &on) &&
      !nm_planner_today (NULL, &on, NULL))
    g_date_set_time_t (&on, time (NULL));
  if (g_date_compare (&born, &on) > 0)
    return -2;
  age = nm_age_on (&born, &on);
  *minor = age < 18;
  return age;
}

static void
sync_age (NmClientPanel *self)
{
  GtkWidget *age_label = GTK_WIDGET (self->age_label);
  gboolean minor;
  int age = client_age (self, &minor);
  const char *guardian = self->consultation != NULL ? nm_consultation_get_guardian (self->consultation) : NULL;
  gboolean has_guardian = guardian != NULL && guardian[0] != '\0';

  gtk_widget_remove_css_class (age_label, "warning");
  gtk_widget_remove_css_class (age_label, "error");
  gtk_widget_remove_css_class (age_label, "dim-label");
  if (age == -1)
    {
      gtk_label_set_text (self->age_label, _("age unknown"));
      gtk_widget_add_css_class (age_label, "dim-label");
    }
  else if (age < -1)
    {
      gtk_label_set_text (self->age_label, _("after the first session"));
      gtk_widget_add_css_class (age_label, "error");
    }
  else
    {
      g_autofree char *text = NULL;

      if (minor)
        /* Translators: the client's age beside the birth date */
        text = g_strdup_printf (ngettext ("%d year: under 18", "%d years: under 18", age), age);
      else
        /* Translators: the client's age beside the birth date */
        text = g_strdup_printf (ngettext ("%d year", "%d years", age), age);
      gtk_label_set_text (self->age_label, text);
      gtk_widget_add_css_class (age_label, minor ? "warning" : "dim-label");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->minor_label), minor);
  gtk_widget_remove_css_class (GTK_WIDGET (self->minor_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->minor_label), "dim-label");
  if (minor && !has_guardian)
    {
      gtk_label_set_text (self->minor_label,
                          _("Under 18 on the first session: a parent or guardian must consent. "
                            "Enter their name under Guardian; until then the plan is blocked."));
      gtk_widget_add_css_class (GTK_WIDGET (self->minor_label), "warning");
    }
  else if (minor)
    {
      gtk_label_set_text (self->minor_label,
                          _("Under 18 on the first session: the guardian named above consents, "
                            "and signs the consent page."));
      gtk_widget_add_css_class (GTK_WIDGET (self->minor_label), "dim-label");
    }
}

static gboolean
is_editing (TextField *field)
{
  return (gtk_widget_get_state_flags (GTK_WIDGET (field->row)) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0;
}

/* Whether what @field holds is the date @iso, in whatever form. */
static gboolean
same_date (NmClientPanel *self,
           TextField     *field,
           const char    *iso)
{
  g_autofree char *typed = nm_date_entry_parse (&self->date_style,
                                                gtk_editable_get_text (GTK_EDITABLE (field->row)));

  return typed != NULL && g_strcmp0 (typed, iso) == 0;
}

/* A date field's problem, said under it (%NULL: none), and its form shown
 * in it while it is empty or what was typed is not taken. */
static void
show_date_problem (TextField  *field,
                   const char *problem)
{
  if (problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (field->row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (field->row), "error");
  if (!field->is_date)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->message), problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (field->message), problem != NULL);
  gtk_widget_set_visible (GTK_WIDGET (field->hint),
                          problem != NULL || gtk_editable_get_text (GTK_EDITABLE (field->row))[0] == '\0');
}

static void
on_date_changed_cb (GtkEditable *editable,
                    TextField   *field)
{
  gtk_widget_set_visible (GTK_WIDGET (field->hint),
                          gtk_widget_has_css_class (GTK_WIDGET (field->row), "error") ||
                          gtk_editable_get_text (editable)[0] == '\0');
}

static void
sync_from_model (NmClientPanel *self)
{
  guint skin = 0;

  self->syncing = TRUE;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      TextField *field = &self->fields[i];
      const char *value = self->consultation ? field->get (self->consultation) : NULL;
      g_autofree char *shown = field->is_date ? nm_date_entry_format (&self->date_style, value)
                                              : g_strdup (value ? value : "");

      /* the same date typed another way stays as typed while it is being
       * edited (setting it would bring the apply button back), and takes
       * the locale's form when the field is left */
      if (field->is_date && is_editing (field) && same_date (self, field, value))
        ;
      else if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (field->row)), shown) != 0)
        gtk_editable_set_text (GTK_EDITABLE (field->row), shown);
      show_date_problem (field, NULL);
    }

  if (self->consultation != NULL)
    skin = nm_consultation_get_fitzpatrick (self->consultation);
  for (guint i = 0; i < 6; i++)
    gtk_toggle_button_set_active (self->skin_buttons[i], skin == i + 1);
  gtk_label_set_text (self->skin_label,
                      skin >= 1 && skin <= 6 ? _(skin_descriptions[skin - 1])
                                             : _("Choose the client’s skin type: the plan needs it."));
  sync_age (self);
  self->syncing = FALSE;
}

/* Puts what @row holds into the consultation; @leaving: the field is
 * being left (its focus state may still say otherwise). */
static void
apply_field (NmClientPanel *self,
             AdwEntryRow   *row,
             gboolean       leaving)
{
  TextField *field = g_object_get_data (G_OBJECT (row), "field");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *iso = NULL;
  const char *value = text;
  const char *current;

  if (self->syncing || self->consultation == NULL)
    return;

  if (field->is_date)
    {
      g_autofree char *problem = NULL;

      if (text[0] != '\0' && (iso = nm_date_entry_parse (&self->date_style, text)) == NULL)
        {
          g_autofree char *example = nm_date_entry_format (&self->date_style, "1991-05-14");

          /* Translators: what was typed, the form (“DD.MM.YYYY”), an example */
          problem = g_strdup_printf (_("“%s” is not a date: type it as %s, for example %s."),
                                     text, nm_date_entry_hint (&self->date_style), example);
        }
      else if (iso != NULL && field == &self->fields[FIELD_BIRTH_DATE])
        {
          GDate born, today;

          if (nm_date_parse (iso, &born) && nm_planner_today (NULL, &today, NULL) &&
              g_date_compare (&born, &today) > 0)
            /* Translators: the date as it was typed */
            problem = g_strdup_printf (_("A birth date cannot be in the future: %s is after today."), text);
        }
      /* Said where the practitioner is typing; the model keeps the old date. */
      show_date_problem (field, problem);
      if (problem != NULL)
        return;
      value = iso;
    }

  current = field->get (self->consultation);
  if (g_strcmp0 (current ? current : "", value ? value : "") == 0)
    {
      /* the same date typed another way: shown as the locale writes it
       * once the field is left */
      if (field->is_date && (leaving || !is_editing (field)))
        {
          g_autofree char *shown = nm_date_entry_format (&self->date_style, current);

          self->syncing = TRUE;
          if (g_strcmp0 (shown, text) != 0)
            gtk_editable_set_text (GTK_EDITABLE (row), shown);
          self->syncing = FALSE;
        }
      return;
    }
  field->set (self->consultation, field->is_date ? value : text);
}

static void
on_field_apply_cb (AdwEntryRow   *row,
                   NmClientPanel *self)
{
  apply_field (self, row, FALSE);
}

static void
on_field_focus_leave_cb (GtkEventControllerFocus *controller,
                         NmClientPanel           *self)
{
  apply_field (self, ADW_ENTRY_ROW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller))), TRUE);
}

static void
on_skin_toggled_cb (GtkToggleButton *button,
                    NmClientPanel   *self)
{
  guint skin = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "skin"));

  if (self->syncing || self->consultation == NULL || !gtk_toggle_button_get_active (button))
    return;
  if (nm_consultation_get_fitzpatrick (self->consultation) != skin)
    nm_consultation_set_fitzpatrick (self->consultation, skin);
}

/* A calendar to pick a date for a field in which dates are typed: the
 * button opens it on the field's date, or, when the field holds none, on
 * @years_back years before today; picking a day writes it in the field as
 * the locale writes dates and applies it, as typing it and pressing Enter
 * would: one edit, undone in one step. */
typedef struct
{
  GtkEditable      *entry;
  NmDatePicked      picked;
  gpointer          picked_data;
  NmDateEntryStyle  style;
  int               years_back;
  GtkPopover       *popover;
  GtkCalendar      *calendar;
  GtkSpinButton    *year;
  gboolean          syncing;
} DateButton;

static void
date_button_show (DateButton  *db,
                  const GDate *date)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                                     g_date_get_day (date), 0, 0, 0);

  db->syncing = TRUE;
  gtk_calendar_select_day (db->calendar, when);
  gtk_spin_button_set_value (db->year, g_date_get_year (date));
  db->syncing = FALSE;
}

static void
on_date_button_shown_cb (GtkPopover *popover,
                         DateButton *db)
{
  g_autofree char *iso = nm_date_entry_parse (&db->style, gtk_editable_get_text (db->entry));
  GDate date;

  if (!nm_date_parse (iso, &date))
    {
      if (!nm_planner_today (NULL, &date, NULL))
        g_date_set_time_t (&date, time (NULL));
      if (db->years_back > 0)
        g_date_subtract_years (&date, (guint) db->years_back);
    }
  date_button_show (db, &date);
}

static void
date_button_pick (DateButton *db)
{
  g_autoptr(GDateTime) picked = gtk_calendar_get_date (db->calendar);
  g_autofree char *iso = g_date_time_format (picked, "%Y-%m-%d");
  g_autofree char *shown = nm_date_entry_format (&db->style, iso);

  if (db->syncing)
    return;
  gtk_popover_popdown (db->popover);
  gtk_editable_set_text (db->entry, shown);
  if (db->picked != NULL)
    db->picked (db->entry, db->picked_data);
}

static void
on_date_button_day_selected_cb (GtkCalendar *calendar,
                                DateButton  *db)
{
  date_button_pick (db);
}

/* A click on the day already selected picks it too (the calendar tells
 * only of a change). */
static void
on_date_button_released_cb (GtkGestureClick *gesture,
                            int              n_press,
                            double           x,
                            double           y,
                            DateButton      *db)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (db->calendar), x, y, GTK_PICK_DEFAULT);

  if (picked != NULL && gtk_widget_has_css_class (picked, "day-number") &&
      !gtk_widget_has_css_class (picked, "other-month") &&
      gtk_widget_get_visible (GTK_WIDGET (db->popover)))
    date_button_pick (db);
}

/* Enter picks the day shown, the one already selected too (Space picks the
 * day the keyboard moved to, when it is another). */
static gboolean
on_date_button_key_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       DateButton            *db)
{
  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter) ||
      !gtk_widget_is_focus (GTK_WIDGET (db->calendar)))
    return GDK_EVENT_PROPAGATE;
  date_button_pick (db);
  return GDK_EVENT_STOP;
}

static void
on_date_button_year_cb (GtkSpinButton *spin,
                        DateButton    *db)
{
  g_autoptr(GDateTime) shown = gtk_calendar_get_date (db->calendar);
  int year = gtk_spin_button_get_value_as_int (spin);
  int month = g_date_time_get_month (shown);
  int day = MIN (g_date_time_get_day_of_month (shown), g_date_get_days_in_month (month, year));
  GDate date;

  if (db->syncing)
    return;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  date_button_show (db, &date);
}

static void
on_date_button_calendar_year_cb (GtkCalendar *calendar,
                                 GParamSpec  *pspec,
                                 DateButton  *db)
{
  g_autoptr(GDateTime) shown = gtk_calendar_get_date (calendar);
  gboolean was = db->syncing;

  db->syncing = TRUE;
  gtk_spin_button_set_value (db->year, g_date_time_get_year (shown));
  db->syncing = was;
}

/**
 * nm_date_button_new:
 * @entry: the field the date is typed in
 * @years_back: how many years before today the calendar opens on when
 *   @entry holds no date (0: today)
 * @picked: (nullable): called when a day was picked and written in @entry
 * @picked_data: for @picked
 *
 * Returns: (transfer floating): a button that opens a calendar for @entry
 */
GtkWidget *
nm_date_button_new (GtkEditable  *entry,
                    int           years_back,
                    NmDatePicked  picked,
                    gpointer      picked_data)
{
  DateButton *db = g_new0 (DateButton, 1);
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *year_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *year_label;
  GtkGesture *click;
  GtkEventController *key;

  db->entry = entry;
  db->years_back = years_back;
  db->picked = picked;
  db->picked_data = picked_data;
  nm_date_entry_style_for_locale (&db->style);
  g_object_set_data_full (G_OBJECT (button), "nm-date-button", db, g_free);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* Translators: the tooltip of the button beside a date field */
  gtk_widget_set_tooltip_text (button, _("Pick from a Calendar"));

  /* the year typed or stepped: a birth date is decades away, a click a
   * year on the calendar's own arrows */
  /* Translators: beside the year in the date picker */
  year_label = gtk_label_new_with_mnemonic (_("_Year"));
  db->year = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1900, 2200, 1));
  gtk_editable_set_width_chars (GTK_EDITABLE (db->year), 5);
  gtk_label_set_mnemonic_widget (GTK_LABEL (year_label), GTK_WIDGET (db->year));
  gtk_box_append (GTK_BOX (year_box), year_label);
  gtk_box_append (GTK_BOX (year_box), GTK_WIDGET (db->year));
  gtk_widget_set_halign (year_box, GTK_ALIGN_CENTER);

  /* the calendar first: it has the focus when the popover opens */
  db->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (db->calendar));
  gtk_box_append (GTK_BOX (box), year_box);

  db->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (db->popover, box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), GTK_WIDGET (db->popover));

  g_signal_connect (db->popover, "show", G_CALLBACK (on_date_button_shown_cb), db);
  g_signal_connect (db->calendar, "day-selected", G_CALLBACK (on_date_button_day_selected_cb), db);
  g_signal_connect (db->calendar, "notify::year", G_CALLBACK (on_date_button_calendar_year_cb), db);
  g_signal_connect (db->year, "value-changed", G_CALLBACK (on_date_button_year_cb), db);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_date_button_released_cb), db);
  gtk_widget_add_controller (GTK_WIDGET (db->calendar), GTK_EVENT_CONTROLLER (click));
  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_date_button_key_cb), db);
  gtk_widget_add_controller (GTK_WIDGET (db->popover), key);

  return button;
}

/* a day picked in a field's calendar: applied as typing it would be */
static void
date_picked_cb (GtkEditable *entry,
                gpointer     user_data)
{
  apply_field (NM_CLIENT_PANEL (user_data), ADW_ENTRY_ROW (entry), TRUE);
}

/* What the template cannot say of a field: what it edits, its limit, how
 * it is applied, and for a date the form to type it in, in the locale's
 * own words. */
static void
setup_field (NmClientPanel *self,
             guint          index,
             GetText        get,
             SetText        set)
{
  TextField *field = &self->fields[index];
  GtkEventController *focus;

  field->get = get;
  field->set = set;
  field->is_date = field->hint != NULL;
  /* the format's limit, kept as the practitioner types or pastes */
  gtk_text_set_max_length (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (field->row))),
                           NM_FILE_MAX_STRING_CHARS);
  g_object_set_data (G_OBJECT (field->row), "field", field);
  g_signal_connect_object (field->row, "apply", G_CALLBACK (on_field_apply_cb), self, 0);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_field_focus_leave_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (field->row), focus);

  if (field->is_date)
    {
      g_autofree char *example = nm_date_entry_format (&self->date_style, "1991-05-14");
      g_autofree char *tooltip = NULL;

      /* the form to type, in the row itself; the same dates as ISO too */
      gtk_label_set_text (field->hint, nm_date_entry_hint (&self->date_style));
      /* Translators: the form (“DD.MM.YYYY”) and an example date in it */
      tooltip = g_strdup_printf (_("As %s, for example %s; YYYY-MM-DD also works"),
                                 nm_date_entry_hint (&self->date_style), example);
      gtk_widget_set_tooltip_text (GTK_WIDGET (field->row), tooltip);
      g_signal_connect (field->row, "changed", G_CALLBACK (on_date_changed_cb), field);
    }
}

/* What the template cannot hold: the fields' behaviour, the calendars,
 * and the skin types' descriptions. */
static void
build (NmClientPanel *self)
{
  guint i = 0;

  setup_field (self, FIELD_NAME, nm_consultation_get_client_name, nm_consultation_set_client_name);
  setup_field (self, FIELD_BIRTH_DATE, nm_consultation_get_birth_date, nm_consultation_set_birth_date);
  /* a calendar that opens thirty years back, near most clients' births */
  adw_entry_row_add_suffix (self->fields[FIELD_BIRTH_DATE].row,
                            nm_date_button_new (GTK_EDITABLE (self->fields[FIELD_BIRTH_DATE].row), 30,
                                                date_picked_cb, self));
  setup_field (self, FIELD_GUARDIAN, nm_consultation_get_guardian, nm_consultation_set_guardian);
  setup_field (self, FIELD_NOTES, nm_consultation_get_client_notes, nm_consultation_set_client_notes);
  setup_field (self, FIELD_START_DATE, nm_consultation_get_start_date, nm_consultation_set_start_date);
  adw_entry_row_add_suffix (self->fields[FIELD_START_DATE].row,
                            nm_date_button_new (GTK_EDITABLE (self->fields[FIELD_START_DATE].row), 0,
                                                date_picked_cb, self));
  setup_field (self, FIELD_PRACTITIONER, nm_consultation_get_practitioner, nm_consultation_set_practitioner);

  for (GtkWidget *button = gtk_widget_get_first_child (self->skin_box);
       button != NULL && i < 6;
       button = gtk_widget_get_next_sibling (button), i++)
    {
      gtk_widget_set_tooltip_text (button, _(skin_descriptions[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(skin_descriptions[i]), -1);
      g_object_set_data (G_OBJECT (button), "skin", GUINT_TO_POINTER (i + 1));
      g_signal_connect_object (button, "toggled", G_CALLBACK (on_skin_toggled_cb), self, 0);
      self->skin_buttons[i] = GTK_TOGGLE_BUTTON (button);
    }
}

static void
nm_client_panel_dispose (GObject *object)
{
  NmClientPanel *self = NM_CLIENT_PANEL (object);

  nm_client_panel_set_consultation (self, NULL);
  g_clear_pointer (&self->plan, nm_plan_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), NM_TYPE_CLIENT_PANEL);
  g_clear_object (&self->consultation_signals);

  G_OBJECT_CLASS (nm_client_panel_parent_class)->dispose (object);
}

static void
nm_client_panel_class_init (NmClientPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nm_client_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/needlemap/Needlemap/nm-client-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, NmClientPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, NmClientPanel, skin_box);
  gtk_widget_class_bind_template_child (widget_class, NmClientPanel, skin_label);
  gtk_widget_class_bind_template_child (widget_class, NmClientPanel, age_label);
  gtk_widget_class_bind_template_child (widget_class, NmClientPanel, minor_label);
#define BIND_FIELD(name, member) \
  gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, G_STRUCT_OFFSET (NmClientPanel, member))
  BIND_FIELD ("name_row", fields[FIELD_NAME].row);
  BIND_FIELD ("birth_date_row", fields[FIELD_BIRTH_DATE].row);
  BIND_FIELD ("birth_date_hint", fields[FIELD_BIRTH_DATE].hint);
  BIND_FIELD ("birth_date_message", fields[FIELD_BIRTH_DATE].message);
  BIND_FIELD ("guardian_row", fields[FIELD_GUARDIAN].row);
  BIND_FIELD ("notes_row", fields[FIELD_NOTES].row);
  BIND_FIELD ("start_date_row", fields[FIELD_START_DATE].row);
  BIND_FIELD ("start_date_hint", fields[FIELD_START_DATE].hint);
  BIND_FIELD ("start_date_message", fields[FIELD_START_DATE].message);
  BIND_FIELD ("practitioner_row", fields[FIELD_PRACTITIONER].row);
#undef BIND_FIELD

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nm-client-panel");
}

static void
nm_client_panel_init (NmClientPanel *self)
{
  nm_date_entry_style_for_locale (&self->date_style);
  self->consultation_signals = g_signal_group_new (NM_TYPE_CONSULTATION);
  g_signal_group_connect_object (self->consultation_signals, "changed",
                                 G_CALLBACK (sync_from_model), self, G_CONNECT_SWAPPED);

  gtk_widget_init_template (GTK_WIDGET (self));
  build (self);
  sync_from_model (self);
}

GtkWidget *
nm_client_panel_new (void)
{
  return g_object_new (NM_TYPE_CLIENT_PANEL, NULL);
}

void
nm_client_panel_set_consultation (NmClientPanel  *self,
                                  NmConsultation *consultation)
{
  g_return_if_fail (NM_IS_CLIENT_PANEL (self));

  if (self->consultation == consultation)
    return;
  g_set_object (&self->consultation, consultation);
  /* during dispose, what was built goes away with the panel */
  if (self->consultation_signals == NULL)
    return;
  g_signal_group_set_target (self->consultation_signals, consultation);
  sync_from_model (self);
}

/**
 * nm_client_panel_set_plan:
 * @self: a #NmClientPanel
 * @plan: (nullable): the consultation's plan as it stands
 *
 * The plan gives the age the panel shows beside the birth date: on the
 * first session's date, the date the plan checks it on.
 */
void
nm_client_panel_set_plan (NmClientPanel *self,
                          NmPlan        *plan)
{
  g_return_if_fail (NM_IS_CLIENT_PANEL (self));

  if (self->plan == plan)
    return;
  g_clear_pointer (&self->plan, nm_plan_unref);
  if (plan != NULL)
    self->plan = nm_plan_ref (plan);
  if (self->scroller != NULL)
    sync_age (self);
}

/**
 * nm_client_panel_commit:
 * @self: a #NmClientPanel
 *
 * Puts what is typed in a field but not applied yet (the field still has
 * the focus) into the consultation, as leaving the field would: to be
 * called before the consultation is saved, exported or closed, so that
 * nothing typed is lost.
 */
void
nm_client_panel_commit (NmClientPanel *self)
{
  g_return_if_fail (NM_IS_CLIENT_PANEL (self));

  for (guint i = 0; i < N_FIELDS; i++)
    if (self->fields[i].row != NULL)
      on_field_apply_cb (self->fields[i].row, self);
}
