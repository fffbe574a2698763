/* nm-export.c: the treatment plan as PDF and the sessions as iCalendar
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

#include <glib/gi18n.h>
#include <string.h>

#include "nm-export.h"
#include "nm-file.h"
#include "nm-planner.h"
#include "nm-render-schedule.h"

/**
 * nm_export_settings_load:
 * @settings: (out caller-allocates): filled in
 * @gsettings: (nullable): the application's settings; %NULL to read them
 *   only when the schema is installed
 */
void
nm_export_settings_load (NmExportSettings *settings,
                         GSettings        *gsettings)
{
  g_autoptr(GSettings) own = NULL;

  memset (settings, 0, sizeof *settings);
  settings->paper = NM_PAPER_AUTO;

  if (gsettings == NULL)
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
      /* an older installed schema may lack a key: read none rather than abort */
      if (schema == NULL ||
          !g_settings_schema_has_key (schema, "clinic-name") ||
          !g_settings_schema_has_key (schema, "paper-size") ||
          !g_settings_schema_has_key (schema, "include-client-name-in-calendar"))
        return;
      gsettings = own = g_settings_new_full (schema, NULL, NULL);
    }

  settings->clinic_name = g_settings_get_string (gsettings, "clinic-name");
  settings->clinic_address = g_settings_get_string (gsettings, "clinic-address");
  settings->clinic_logo = g_settings_get_string (gsettings, "clinic-logo");
  settings->practitioner = g_settings_get_string (gsettings, "practitioner");
  switch (g_settings_get_enum (gsettings, "paper-size"))
    {
    case 1:
      settings->paper = NM_PAPER_A4;
      break;
    case 2:
      settings->paper = NM_PAPER_LETTER;
      break;
    default:
      settings->paper = NM_PAPER_AUTO;
    }
  settings->include_client_name = g_settings_get_boolean (gsettings, "include-client-name-in-calendar");
}

void
nm_export_settings_clear (NmExportSettings *settings)
{
  g_clear_pointer (&settings->clinic_name, g_free);
  g_clear_pointer (&settings->clinic_address, g_free);
  g_clear_pointer (&settings->clinic_logo, g_free);
  g_clear_pointer (&settings->practitioner, g_free);
}

/* Fills @options with pointers into @settings: valid while it is. */
void
nm_export_settings_pdf_options (const NmExportSettings *settings,
                                NmPdfOptions           *options)
{
  memset (options, 0, sizeof *options);
  options->clinic_name = settings->clinic_name;
  options->clinic_address = settings->clinic_address;
  options->clinic_logo = settings->clinic_logo;
  options->practitioner = settings->practitioner;
  options->paper = settings->paper;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * nm_export_pdf_bytes:
 *
 * Returns: (transfer full) (nullable): the whole treatment-plan PDF
 */
GBytes *
nm_export_pdf_bytes (NmConsultation      *consultation,
                     NmPlan              *plan,
                     const NmPdfOptions  *options,
                     GError             **error)
{
  g_autoptr(NmPdfDocument) doc = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  doc = nm_pdf_document_new (consultation, plan, options);
  if (!nm_render_pdf_write (doc, append_bytes, bytes, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * nm_export_write_atomically:
 *
 * Writes @bytes to a temporary file beside @out and renames it over @out
 * at the end, so that on any error @out is neither created nor changed.
 * The file is private (0600): it holds health information.
 */
gboolean
nm_export_write_atomically (GFile   *out,
                            GBytes  *bytes,
                            GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  /* The same writer as a consultation's: a complete temporary file renamed
   * over OUT, so that on any error (a full disk included) OUT is neither
   * created nor changed; private, as it comes from a health record. */
  return nm_file_replace_private (out, data, size, FALSE, NULL, error);
}

/* The identity of the file @file names, following symbolic links: two
 * paths to one file (a link, "./x" and "x", a hard link) have the same. */
static char *
file_identity (GFile *file)
{
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_ID_FILE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL)
    return NULL;
  return g_strdup (g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_ID_FILE));
}

/**
 * nm_export_check_target:
 * @out: where an export would be written
 * @input: (nullable): the consultation file it comes from
 * @error: return location for a #GError
 *
 * An export must never replace the consultation it was made from: checks
 * that @out and @input are not the same file, by name or through a link,
 * and that @out is not a folder.
 *
 * Returns: %TRUE when @out may be written
 */
gboolean
nm_export_check_target (GFile   *out,
                        GFile   *input,
                        GError **error)
{
  g_autofree char *out_id = NULL;
  g_autofree char *input_id = NULL;

  g_return_val_if_fail (G_IS_FILE (out), FALSE);
  g_return_val_if_fail (input == NULL || G_IS_FILE (input), FALSE);

  {
    GFileType type = g_file_query_file_type (out, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL);

    if (type == G_FILE_TYPE_DIRECTORY)
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                             _("this is a folder; give the name of a file to write"));
        return FALSE;
      }
    /* a link, a pipe or a device is never replaced by a file */
    if (type != G_FILE_TYPE_UNKNOWN && type != G_FILE_TYPE_REGULAR)
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                             _("this is not a regular file; an export only writes or replaces files"));
        return FALSE;
      }
  }
  if (input == NULL)
    return TRUE;
  if (!g_file_equal (out, input))
    {
      out_id = file_identity (out);
      input_id = out_id != NULL ? file_identity (input) : NULL;
      if (out_id == NULL || g_strcmp0 (out_id, input_id) != 0)
        return TRUE;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("this is the consultation itself; an export cannot replace it"));
  return FALSE;
}

gboolean
nm_export_pdf (NmConsultation      *consultation,
               NmPlan              *plan,
               const NmPdfOptions  *options,
               GFile               *out,
               GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (G_IS_FILE (out), FALSE);

  bytes = nm_export_pdf_bytes (consultation, plan, options, error);
  return bytes != NULL && nm_export_write_atomically (out, bytes, error);
}

typedef struct
{
  NmConsultation *consultation;
  GArray         *slots;   /* NmScheduleSlot per session of the log */
} LoggedSessions;

/* The session of the log placed at @series's session @number, as the
 * schedule places it: a done one first. */
static NmSession *
logged_session (guint    series,
                guint    number,
                gpointer data)
{
  LoggedSessions *logged = data;
  NmSession *found = NULL;

  for (guint i = 0; i < logged->slots->len; i++)
    {
      const NmScheduleSlot *slot = &g_array_index (logged->slots, NmScheduleSlot, i);
      NmSession *session = nm_consultation_get_session (logged->consultation, i);

      if (slot->series != (int) series || slot->number != number)
        continue;
      if (nm_session_get_done (session))
        return session;
      if (found == NULL)
        found = session;
    }
  return found;
}

/* The calendar as the window and the command line write it: a done
 * session on the day it was done, as the schedule shows it. */
static char *
build_ics (NmConsultation      *consultation,
           NmPlan              *plan,
           const NmIcsOptions  *options,
           GError             **error)
{
  g_autoptr(GArray) slots = nm_schedule_match_sessions (consultation, plan);
  LoggedSessions logged = { consultation, slots };
  NmIcsOptions with_log = { 0 };

  if (options != NULL)
    with_log = *options;
  with_log.logged = logged_session;
  with_log.logged_data = &logged;
  return nm_ics_build (consultation, plan, &with_log, error);
}

gboolean
nm_export_ics (NmConsultation      *consultation,
               NmPlan              *plan,
               const NmIcsOptions  *options,
               GFile               *out,
               GError             **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (G_IS_FILE (out), FALSE);

  text = build_ics (consultation, plan, options, error);
  if (text == NULL)
    return FALSE;
  {
    gsize len = strlen (text);

    bytes = g_bytes_new_take (g_steal_pointer (&text), len);
  }
  return nm_export_write_atomically (out, bytes, error);
}

static gboolean
check_out_path (const char *out_path,
                const char *option,
                GString    *err)
{
  if (out_path == NULL || out_path[0] == '\0')
    {
      g_string_append (err, "needlemap: ");
      g_string_append_printf (err, _("%s needs OUT and FILE"), option);
      g_string_append_c (err, '\n');
      return FALSE;
    }
  return TRUE;
}

/**
 * nm_export_check_command_target:
 * @out: the output of an export command
 * @out_path: its name as given
 * @path: (nullable): the consultation file as given
 * @err: receives one line "needlemap: OUT: problem" on failure
 *
 * nm_export_check_target() for the command line.
 *
 * Returns: %TRUE when @out may be written
 */
gboolean
nm_export_check_command_target (GFile      *out,
                                const char *out_path,
                                const char *path,
                                GString    *err)
{
  g_autoptr(GFile) input = NULL;
  g_autoptr(GError) error = NULL;

  /* "newdir/" names a folder, even one that does not exist yet */
  if (out_path != NULL && g_str_has_suffix (out_path, G_DIR_SEPARATOR_S))
    {
      g_string_append_printf (err, "needlemap: %s: %s\n", out_path,
                              _("this is a folder; give the name of a file to write"));
      return FALSE;
    }
  input = path != NULL ? nm_file_new_for_arg (path) : NULL;
  if (nm_export_check_target (out, input, &error))
    return TRUE;
  g_string_append_printf (err, "needlemap: %s: %s\n", out_path, error->message);
  return FALSE;
}

/**
 * nm_export_pdf_command:
 * @out_path: where to write the PDF
 * @path: the consultation file
 * @today_iso: (nullable): as for nm_plan_command()
 * @err: receives one line "needlemap: FILE: problem" on failure
 *
 * `needlemap --export-pdf OUT FILE`.
 *
 * Returns: the exit status of spec §4: 0 done, 1 bad file or unwritable
 *   OUT, 2 usage
 */
int
nm_export_pdf_command (const char *out_path,
                       const char *path,
                       const char *today_iso,
                       GString    *err)
{
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;
  NmExportSettings settings;
  NmPdfOptions options;
  GDate today;
  int status;

  g_return_val_if_fail (err != NULL, 2);

  if (!check_out_path (out_path, "--export-pdf", err))
    return 2;
  out = nm_file_new_for_arg (out_path);
  if (!nm_export_check_command_target (out, out_path, path, err))
    return 1;
  status = nm_plan_load_for_command (path, today_iso, TRUE, &consultation, &plan, err);
  if (status != 0)
    return status;

  nm_export_settings_load (&settings, NULL);
  nm_export_settings_pdf_options (&settings, &options);
  if (nm_planner_today (today_iso, &today, NULL))
    options.today = &today;

  if (!nm_export_pdf (consultation, plan, &options, out, &error))
    {
      g_string_append_printf (err, "needlemap: %s: %s\n", out_path, error->message);
      status = 1;
    }
  nm_export_settings_clear (&settings);
  return status;
}

/**
 * nm_export_ics_command:
 *
 * `needlemap --export-ics OUT FILE`; as nm_export_pdf_command(). A plan
 * with no sessions (blocked, or nothing to treat) is an error of FILE.
 */
int
nm_export_ics_command (const char *out_path,
                       const char *path,
                       const char *today_iso,
                       GString    *err)
{
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(NmPlan) plan = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  NmExportSettings settings;
  NmIcsOptions options = { 0 };
  gboolean had_uid;
  int status;

  g_return_val_if_fail (err != NULL, 2);

  if (!check_out_path (out_path, "--export-ics", err))
    return 2;
  out = nm_file_new_for_arg (out_path);
  if (!nm_export_check_command_target (out, out_path, path, err))
    return 1;
  status = nm_plan_load_for_command (path, today_iso, TRUE, &consultation, &plan, err);
  if (status != 0)
    return status;

  nm_export_settings_load (&settings, NULL);
  options.include_client_name = settings.include_client_name;
  nm_export_settings_clear (&settings);

  /* The command never writes FILE: without a calendar id in it (a file
   * never saved by Needlemap 0.3 or later), the events get a random one
   * now, and other UIDs on the next export. Said, not hidden. */
  had_uid = nm_consultation_get_calendar_uid (consultation) != NULL;
  text = build_ics (consultation, plan, &options, &error);
  if (text == NULL)
    {
      g_string_append_printf (err, "needlemap: %s: %s\n", path, error->message);
      return 1;
    }
  {
    gsize len = strlen (text);

    bytes = g_bytes_new_take (g_steal_pointer (&text), len);
  }
  if (!nm_export_write_atomically (out, bytes, &error))
    {
      g_string_append_printf (err, "needlemap: %s: %s\n", out_path, error->message);
      return 1;
    }
  if (!had_uid)
    g_string_append_printf (err, "needlemap: %s: %s\n", path,
                            /* Translators: a note after a calendar export that worked */
                            _("note: the file has no calendar id yet, so another export gives these "
                              "events other UIDs; save the file once in Needlemap to keep them"));
  return 0;
}

/* Exports from the window run off the main thread: the consultation is
 * copied (nm_consultation_snapshot()) and the plan, which never changes
 * once made, is shared; the pages are laid out, drawn and written on a
 * worker, so neither a long document nor a slow share holds up a frame. */

typedef struct
{
  NmExportKind      kind;
  NmConsultation   *consultation;   /* the snapshot */
  NmPlan           *plan;
  NmExportSettings  settings;
  GDate             today;
  GFile            *out;            /* nullable for NM_EXPORT_PRINT_DOCUMENT */
  GFile            *input;          /* nullable: the consultation's own file */
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->consultation);
  g_clear_pointer (&job->plan, nm_plan_unref);
  nm_export_settings_clear (&job->settings);
  g_clear_object (&job->out);
  g_clear_object (&job->input);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  NmPdfOptions pdf_options;

  nm_export_settings_pdf_options (&job->settings, &pdf_options);
  pdf_options.today = &job->today;

  /* never over the consultation itself, nor over a folder */
  if (job->out != NULL && !nm_export_check_target (job->out, job->input, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (job->kind)
    {
    case NM_EXPORT_PDF:
      if (!nm_export_pdf (job->consultation, job->plan, &pdf_options, job->out, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      break;

    case NM_EXPORT_ICS:
      {
        NmIcsOptions options = { job->settings.include_client_name, NULL, NULL, NULL, NULL };

        if (!nm_export_ics (job->consultation, job->plan, &options, job->out, &error))
          g_task_return_error (task, g_steal_pointer (&error));
        else
          g_task_return_boolean (task, TRUE);
      }
      break;

    case NM_EXPORT_PRINT_DOCUMENT:
    default:
      g_task_return_pointer (task, nm_pdf_document_new (job->consultation, job->plan, &pdf_options),
                             (GDestroyNotify) nm_pdf_document_unref);
      break;
    }
}

/**
 * nm_export_async:
 * @kind: what to make
 * @consultation: the consultation; copied now, so later edits do not reach
 *   the export
 * @plan: its plan
 * @gsettings: (nullable): the clinic's settings (read now)
 * @today: the day the plan counts from
 * @out: (nullable): the file to write; %NULL for %NM_EXPORT_PRINT_DOCUMENT
 * @input: (nullable): the consultation's own file, which an export never
 *   replaces
 *
 * Makes a PDF or calendar file, or the pages to print, on a worker thread.
 * A file is written atomically (see nm_export_write_atomically()).
 */
void
nm_export_async (NmExportKind         kind,
                 NmConsultation      *consultation,
                 NmPlan              *plan,
                 GSettings           *gsettings,
                 const GDate         *today,
                 GFile               *out,
                 GFile               *input,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (NM_IS_CONSULTATION (consultation));
  g_return_if_fail (plan != NULL);
  g_return_if_fail (today != NULL && g_date_valid (today));
  g_return_if_fail (kind == NM_EXPORT_PRINT_DOCUMENT || G_IS_FILE (out));

  /* The calendar's id is made on its first export, here on the model
   * itself: the snapshot carries it, and so does the next save. Until that
   * save the consultation counts as changed, so that closing asks to save
   * it and the next export updates the same events. */
  if (kind == NM_EXPORT_ICS && nm_consultation_get_calendar_uid (consultation) == NULL)
    {
      nm_consultation_ensure_calendar_uid (consultation);
      nm_history_mark_saved_at (nm_consultation_get_history (consultation), G_MAXUINT64);
    }

  job = g_new0 (ExportJob, 1);
  job->kind = kind;
  job->consultation = nm_consultation_snapshot (consultation);
  job->plan = nm_plan_ref (plan);
  nm_export_settings_load (&job->settings, gsettings);
  job->today = *today;
  job->out = out != NULL ? g_object_ref (out) : NULL;
  job->input = input != NULL ? g_object_ref (input) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nm_export_async);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
nm_export_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * nm_export_print_document_finish:
 *
 * Returns: (transfer full): the pages to print
 */
NmPdfDocument *
nm_export_print_document_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
