/* nm-document.c: an open consultation, its file and its plan
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

#define G_LOG_DOMAIN "nm-document"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "nm-document.h"
#include "nm-file.h"
#include "nm-file-private.h"
#include "nm-planner.h"

/* The document is the one owner of an open consultation's file state, as
 * GNOME Text Editor's EditorDocument is:
 *
 *  - reading runs on a worker thread (size check, contents with their
 *    etag, the strict loader); the finished model is handed to the main
 *    thread whole;
 *  - saving takes a snapshot of the model on the main thread (the bytes
 *    and the history's position), writes it on a worker thread, and then
 *    marks exactly that position saved, so edits made while the save ran
 *    stay unsaved;
 *  - saves are queued, never run two at a time, and "busy" is TRUE while
 *    one is running, so the window can show it and wait for it on close;
 *  - the file is watched; our own writes are recognised by their etag and
 *    events during a save are checked again when it ends;
 *  - a recovery copy is written a couple of seconds after an edit, and
 *    removed when the work is saved or discarded. */

/* Unsaved work goes to a recovery copy a couple of seconds after an edit,
 * and never later than that while edits keep coming. */
#define AUTOSAVE_DELAY_MS 2000

struct _NmDocument
{
  GObject              parent_instance;

  NmConsultation      *consultation;
  GFile               *file;
  char                *etag;
  GFileMonitor        *monitor;
  NmDocumentDiskState  disk_state;

  NmProtocol          *protocol;
  NmPlan              *plan;
  gboolean             translate;

  char                *recovery_id;
  guint                autosave_source;
  gboolean             restored;
  gboolean             recovery_running;   /* a write or removal on a worker */
  int                  recovery_pending;   /* RecoveryOp to run after it */
  GError              *recovery_error;     /* why the last write failed, or NULL */

  GQueue               saves;        /* of GTask waiting to run */
  GTask               *saving;       /* the one running, or NULL */
  GCancellable        *cancellable;  /* cancelled on dispose */
};

G_DEFINE_FINAL_TYPE (NmDocument, nm_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONSULTATION,
  PROP_FILE,
  PROP_MODIFIED,
  PROP_BUSY,
  PROP_DISK_STATE,
  PROP_PLAN,
  PROP_RESTORED,
  PROP_RECOVERY_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void nm_document_start_next_save (NmDocument *self);

/* File state */

static void
set_disk_state (NmDocument          *self,
                NmDocumentDiskState  state)
{
  if (self->disk_state == state)
    return;
  self->disk_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISK_STATE]);
}

/* The version of @file now: its stamp, not only its etag (see
 * NM_FILE_STAMP_ATTRIBUTES); what self->etag holds. */
static char *
query_etag (GFile *file)
{
  return _nm_file_query_stamp (file, NULL, NULL);
}

/* Compares the file on disk with the version this document read or wrote.
 * A query of one attribute: cheap, and only after the monitor said
 * something happened. */
static void
check_disk (NmDocument *self)
{
  g_autofree char *etag = NULL;

  if (self->file == NULL || self->saving != NULL)
    return;

  if (!g_file_query_exists (self->file, NULL))
    {
      set_disk_state (self, NM_DOCUMENT_DISK_DELETED);
      return;
    }

  etag = query_etag (self->file);
  if (etag != NULL && g_strcmp0 (etag, self->etag) != 0)
    set_disk_state (self, NM_DOCUMENT_DISK_CHANGED);
  else if (self->disk_state == NM_DOCUMENT_DISK_DELETED)
    set_disk_state (self, NM_DOCUMENT_DISK_CHANGED);  /* back, but not ours */
}

static void
on_file_changed_cb (NmDocument        *self,
                    GFile             *file,
                    GFile             *other,
                    GFileMonitorEvent  event,
                    GFileMonitor      *monitor)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
      check_disk (self);
      break;

    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      break;
    }
}

static void
watch_file (NmDocument *self)
{
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->file == NULL)
    return;

  self->monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect_object (self->monitor, "changed", G_CALLBACK (on_file_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

/* The recovery copy. Written and removed on a worker thread, one
 * operation at a time and in order: the latest one asked for while another
 * runs is the one run next. The application is held meanwhile, so that a
 * last window closing does not leave a copy the user discarded. */

typedef enum
{
  RECOVERY_NONE,
  RECOVERY_WRITE,
  RECOVERY_REMOVE
} RecoveryOp;

typedef struct
{
  RecoveryOp  op;
  char       *id;
  GBytes     *document;   /* RECOVERY_WRITE */
  GFile      *origin;
  char       *base_etag;  /* the version of @origin the work is based on */
} RecoveryJob;

static void
recovery_job_free (gpointer data)
{
  RecoveryJob *job = data;

  g_free (job->id);
  g_clear_pointer (&job->document, g_bytes_unref);
  g_clear_object (&job->origin);
  g_free (job->base_etag);
  g_free (job);
}

static void
recovery_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  RecoveryJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (job->op == RECOVERY_REMOVE)
    nm_recovery_remove (job->id);
  else if (!nm_recovery_write_bytes (job->id, job->document, job->origin, job->base_etag, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void run_recovery (NmDocument *self,
                          RecoveryOp  op);

static void
recovery_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NmDocument *self = NM_DOCUMENT (source);
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();
  RecoveryOp next;

  /* No personal data in the log: only what went wrong, once. The window
   * says it until a later write succeeds; the last copy stays meanwhile. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self->recovery_error == NULL || !g_error_matches (error, self->recovery_error->domain,
                                                            self->recovery_error->code))
        g_message ("Could not write the recovery copy: %s", error->message);
      g_clear_error (&self->recovery_error);
      self->recovery_error = g_steal_pointer (&error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERY_ERROR]);
    }
  else if (self->recovery_error != NULL)
    {
      g_clear_error (&self->recovery_error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERY_ERROR]);
    }

  self->recovery_running = FALSE;
  next = self->recovery_pending;
  self->recovery_pending = RECOVERY_NONE;
  if (next != RECOVERY_NONE)
    run_recovery (self, next);
  if (app != NULL)
    g_application_release (app);
}

static void
run_recovery (NmDocument *self,
              RecoveryOp  op)
{
  g_autoptr(GTask) task = NULL;
  GApplication *app = g_application_get_default ();
  RecoveryJob *job;

  if (self->recovery_running)
    {
      self->recovery_pending = op;
      return;
    }

  job = g_new0 (RecoveryJob, 1);
  job->op = op;
  job->id = g_strdup (self->recovery_id);
  if (op == RECOVERY_WRITE)
    {
      /* the snapshot, taken now on this thread */
      job->document = nm_file_serialize (self->consultation);
      job->origin = self->file != NULL ? g_object_ref (self->file) : NULL;
      job->base_etag = self->file != NULL ? g_strdup (self->etag) : NULL;
    }

  self->recovery_running = TRUE;
  if (app != NULL)
    g_application_hold (app);
  task = g_task_new (self, NULL, recovery_done_cb, NULL);
  g_task_set_source_tag (task, run_recovery);
  g_task_set_task_data (task, job, recovery_job_free);
  g_task_run_in_thread (task, recovery_thread);
}

static void
write_recovery (NmDocument *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->recovery_id == NULL)
    return;

  run_recovery (self, nm_document_get_modified (self) ? RECOVERY_WRITE : RECOVERY_REMOVE);
}

static gboolean
on_autosave_timeout_cb (gpointer user_data)
{
  NmDocument *self = user_data;

  self->autosave_source = 0;
  write_recovery (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_autosave (NmDocument *self)
{
  if (self->autosave_source == 0)
    self->autosave_source = g_timeout_add (AUTOSAVE_DELAY_MS, on_autosave_timeout_cb, self);
}

/* The model */

static void
on_consultation_changed_cb (NmDocument     *self,
                            NmConsultation *consultation)
{
  nm_document_recompute_plan (self);
  schedule_autosave (self);
}

static void
on_consultation_modified_cb (NmDocument     *self,
                             GParamSpec     *pspec,
                             NmConsultation *consultation)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
set_consultation (NmDocument     *self,
                  NmConsultation *consultation)
{
  if (self->consultation != NULL)
    g_signal_handlers_disconnect_by_data (self->consultation, self);
  g_set_object (&self->consultation, consultation);
  g_signal_connect_object (consultation, "changed", G_CALLBACK (on_consultation_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::modified", G_CALLBACK (on_consultation_modified_cb),
                           self, G_CONNECT_SWAPPED);
}

/* GObject */

static void
nm_document_dispose (GObject *object)
{
  NmDocument *self = NM_DOCUMENT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->consultation != NULL)
    g_signal_handlers_disconnect_by_data (self->consultation, self);

  G_OBJECT_CLASS (nm_document_parent_class)->dispose (object);
}

static void
nm_document_finalize (GObject *object)
{
  NmDocument *self = NM_DOCUMENT (object);

  g_assert (self->saving == NULL);
  g_assert (g_queue_is_empty (&self->saves));

  g_clear_object (&self->consultation);
  g_clear_object (&self->file);
  g_clear_pointer (&self->etag, g_free);
  g_clear_object (&self->protocol);
  g_clear_pointer (&self->plan, nm_plan_unref);
  g_clear_pointer (&self->recovery_id, g_free);
  g_clear_error (&self->recovery_error);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (nm_document_parent_class)->finalize (object);
}

static void
nm_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NmDocument *self = NM_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_CONSULTATION:
      g_value_set_object (value, self->consultation);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, nm_document_get_modified (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, nm_document_get_busy (self));
      break;

    case PROP_DISK_STATE:
      g_value_set_int (value, self->disk_state);
      break;

    case PROP_PLAN:
      g_value_set_boxed (value, self->plan);
      break;

    case PROP_RESTORED:
      g_value_set_boolean (value, self->restored);
      break;

    case PROP_RECOVERY_ERROR:
      g_value_set_boxed (value, self->recovery_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nm_document_class_init (NmDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nm_document_dispose;
  object_class->finalize = nm_document_finalize;
  object_class->get_property = nm_document_get_property;

  properties[PROP_CONSULTATION] =
    g_param_spec_object ("consultation", NULL, NULL, NM_TYPE_CONSULTATION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISK_STATE] =
    g_param_spec_int ("disk-state", NULL, NULL,
                      NM_DOCUMENT_DISK_IN_SYNC, NM_DOCUMENT_DISK_DELETED, NM_DOCUMENT_DISK_IN_SYNC,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_boxed ("plan", NULL, NULL, NM_TYPE_PLAN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESTORED] =
    g_param_spec_boolean ("restored", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RECOVERY_ERROR] =
    g_param_spec_boxed ("recovery-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nm_document_init (NmDocument *self)
{
  self->cancellable = g_cancellable_new ();
  self->recovery_id = nm_recovery_new_id ();
  g_queue_init (&self->saves);
}

/**
 * nm_document_new:
 * @consultation: the model
 * @file: (nullable): where it was read from, when it was
 *
 * A document for a model already in memory (a new consultation, a restored
 * recovery copy). Files are opened with nm_document_load_async().
 *
 * Returns: (transfer full): the document
 */
NmDocument *
nm_document_new (NmConsultation *consultation,
                 GFile          *file)
{
  NmDocument *self;

  g_return_val_if_fail (NM_IS_CONSULTATION (consultation), NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  self = g_object_new (NM_TYPE_DOCUMENT, NULL);
  set_consultation (self, consultation);
  g_set_object (&self->file, file);
  watch_file (self);
  return self;
}

/* The etag a restored document carries when its copy does not say which
 * version of its file the work was based on (an earlier version's copy):
 * no file has it, so a save over the file asks first. */
#define UNKNOWN_BASE ""

/**
 * nm_document_new_from_recovery:
 * @entry: a copy of nm_recovery_list()
 * @error: why it cannot be restored
 *
 * The work kept in @entry, as unsaved changes to the file it came from,
 * based on the version of that file it was based on: when another program
 * wrote the file since (or took it away), the disk state says so at once,
 * and a save over it fails with %G_IO_ERROR_WRONG_ETAG instead of undoing
 * that program's changes unasked. The document takes the copy's slot over.
 *
 * Returns: (transfer full) (nullable): the document
 */
NmDocument *
nm_document_new_from_recovery (NmRecoveryEntry  *entry,
                               GError          **error)
{
  g_autoptr(NmConsultation) consultation = NULL;
  g_autoptr(GFile) origin = NULL;
  NmDocument *self;

  g_return_val_if_fail (entry != NULL, NULL);

  consultation = nm_recovery_load (entry, error);
  if (consultation == NULL)
    return NULL;

  if (entry->origin_uri != NULL)
    origin = g_file_new_for_uri (entry->origin_uri);
  self = nm_document_new (consultation, origin);
  g_free (self->recovery_id);
  self->recovery_id = g_strdup (entry->id);
  self->restored = TRUE;
  if (origin != NULL)
    {
      self->etag = g_strdup (entry->base_etag != NULL ? entry->base_etag : UNKNOWN_BASE);
      check_disk (self);
    }
  return self;
}

NmConsultation *
nm_document_get_consultation (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->consultation;
}

/**
 * nm_document_get_file:
 *
 * Returns: (transfer none) (nullable): the file, %NULL before the first save
 */
GFile *
nm_document_get_file (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->file;
}

/**
 * nm_document_get_etag:
 *
 * Returns: (nullable): the version of the file this document read or
 *   last wrote: not only GIO's etag but a stamp of it, the inode, the size
 *   and the change time (see NM_FILE_STAMP_ATTRIBUTES), compared only for
 *   equality
 */
const char *
nm_document_get_etag (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->etag;
}

/**
 * nm_document_get_modified:
 *
 * Returns: whether there is work that is not in the file: edits since it
 *   was read or saved, or a restored recovery copy
 */
gboolean
nm_document_get_modified (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), FALSE);
  return self->restored || nm_consultation_get_modified (self->consultation);
}

/**
 * nm_document_get_busy:
 *
 * Returns: whether a save is running or waiting to
 */
gboolean
nm_document_get_busy (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), FALSE);
  return self->saving != NULL || !g_queue_is_empty (&self->saves);
}

NmDocumentDiskState
nm_document_get_disk_state (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NM_DOCUMENT_DISK_IN_SYNC);
  return self->disk_state;
}

gboolean
nm_document_get_restored (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), FALSE);
  return self->restored;
}

/**
 * nm_document_set_restored:
 *
 * Marks the document as holding work restored from a recovery copy: it
 * counts as modified until it is saved.
 */
void
nm_document_set_restored (NmDocument *self,
                          gboolean    restored)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));

  restored = !!restored;
  if (self->restored == restored)
    return;
  self->restored = restored;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTORED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/* The plan */

void
nm_document_set_protocol (NmDocument *self,
                          NmProtocol *protocol)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));
  g_return_if_fail (protocol == NULL || NM_IS_PROTOCOL (protocol));

  if (g_set_object (&self->protocol, protocol))
    nm_document_recompute_plan (self);
}

NmProtocol *
nm_document_get_protocol (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->protocol;
}

/**
 * nm_document_set_translate:
 *
 * Plan texts in the user's language (the window), or in English with '.'
 * decimals (the default, as `--plan` prints them).
 */
void
nm_document_set_translate (NmDocument *self,
                           gboolean    translate)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));

  translate = !!translate;
  if (self->translate == translate)
    return;
  self->translate = translate;
  nm_document_recompute_plan (self);
}

/**
 * nm_document_get_plan:
 *
 * Returns: (transfer none) (nullable): the plan of the consultation as it
 *   is now, %NULL without a protocol
 */
NmPlan *
nm_document_get_plan (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->plan;
}

/**
 * nm_document_get_today:
 * @today: (out): the date plans start from when the file has none
 *
 * $NEEDLEMAP_TODAY when set (tests, reproducible output), else the local date.
 */
void
nm_document_get_today (NmDocument *self,
                       GDate      *today)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));
  g_return_if_fail (today != NULL);

  if (!nm_planner_today (NULL, today, NULL))
    {
      g_date_clear (today, 1);
      g_date_set_time_t (today, time (NULL));
    }
}

/**
 * nm_document_recompute_plan:
 *
 * Makes the plan again. Every edit does this by itself; call it when
 * something outside the consultation changed (the date, the protocol).
 */
void
nm_document_recompute_plan (NmDocument *self)
{
  g_autoptr(NmPlan) plan = NULL;

  g_return_if_fail (NM_IS_DOCUMENT (self));

  if (self->protocol != NULL)
    {
      NmPlannerOptions options = { 0 };
      GDate today;

      /* The device is the consultation's own (plan.device): the window,
       * the command line and every export make the same plan. */
      options.translate = self->translate;
      nm_document_get_today (self, &today);
      plan = nm_planner_run_full (self->consultation, self->protocol, &today, &options);
    }

  g_clear_pointer (&self->plan, nm_plan_unref);
  self->plan = g_steal_pointer (&plan);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
}

/* Loading */

typedef struct
{
  NmConsultation *consultation;
  char           *etag;
} LoadResult;

static void
load_result_free (gpointer data)
{
  LoadResult *result = data;

  g_clear_object (&result->consultation);
  g_free (result->etag);
  g_free (result);
}

/* Worker thread: nothing here touches anything but @file and what it makes. */
static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;
  LoadResult *result;

  /* what saves of it that were killed left behind holds health data */
  nm_file_remove_stale_temporaries (file);

  bytes = nm_file_read_bounded (file, NM_FILE_MAX_BYTES, &etag, cancellable, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = g_new0 (LoadResult, 1);
  result->consultation = nm_file_load_bytes (bytes, &error);
  result->etag = g_steal_pointer (&etag);
  if (result->consultation == NULL)
    {
      load_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, result, load_result_free);
}

/**
 * nm_document_load_async:
 * @file: a consultation file
 *
 * Reads @file on a worker thread into a new document.
 */
void
nm_document_load_async (GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nm_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/**
 * nm_document_load_finish:
 *
 * Returns: (transfer full) (nullable): the document, %NULL with @error set
 */
NmDocument *
nm_document_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  LoadResult *loaded;
  NmDocument *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;

  self = nm_document_new (loaded->consultation, g_task_get_task_data (G_TASK (result)));
  self->etag = g_steal_pointer (&loaded->etag);
  load_result_free (loaded);
  return self;
}

/* Reloading: the same file read again into this document (its history
 * starts anew, as after opening). */

static void
reload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NmDocument *self = g_task_get_source_object (task);
  g_autoptr(NmDocument) fresh = NULL;
  g_autoptr(GError) error = NULL;

  fresh = nm_document_load_finish (result, &error);
  if (fresh == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_consultation (self, fresh->consultation);
  g_free (self->etag);
  self->etag = g_steal_pointer (&fresh->etag);
  nm_document_set_restored (self, FALSE);
  set_disk_state (self, NM_DOCUMENT_DISK_IN_SYNC);
  nm_document_drop_recovery (self);
  nm_document_recompute_plan (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSULTATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  g_task_return_boolean (task, TRUE);
}

void
nm_document_reload_async (NmDocument          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (NM_IS_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nm_document_reload_async);
  if (self->file == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("the consultation has no file yet"));
      g_object_unref (task);
      return;
    }
  nm_document_load_async (self->file, cancellable, reload_cb, task);
}

gboolean
nm_document_reload_finish (NmDocument    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Saving */

typedef struct
{
  GFile   *file;
  GBytes  *bytes;      /* the snapshot, taken when the save starts */
  guint64  position;   /* the history's position of the snapshot */
  gboolean overwrite;  /* the user chose to write over another version */
  char    *expected;   /* the etag the file must still have, or NULL */
  char    *etag;       /* out: of what was written */
} SaveData;

static void
save_data_free (gpointer data)
{
  SaveData *save = data;

  g_clear_object (&save->file);
  g_clear_pointer (&save->bytes, g_bytes_unref);
  g_free (save->expected);
  g_free (save->etag);
  g_free (save);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *save = task_data;
  g_autoptr(GError) error = NULL;
  gsize len;
  const void *data = g_bytes_get_data (save->bytes, &len);

  /* A newer Needlemap's file is never written over, not even when the
   * user chose to replace another program's version: said first, as
   * only a copy can be saved then. */
  if (!nm_file_check_not_newer (save->file, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Never over a version this document did not read: another program's
   * save is the user's to decide about.  Checked before writing and again
   * just before the new contents replace the file. */
  if (!_nm_file_replace_consultation_over (save->file, data, len, save->expected,
                                           cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  save->etag = query_etag (save->file);
  g_task_return_boolean (task, TRUE);
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NmDocument *self = NM_DOCUMENT (source);
  GTask *outer = user_data;
  SaveData *save = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_assert (self->saving == outer);
  self->saving = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* A file that could not be written keeps what it had; check it
       * again for events we set aside while writing. */
      check_disk (self);
      g_task_return_error (outer, g_steal_pointer (&error));
    }
  else
    {
      gboolean moved = self->file == NULL || !g_file_equal (self->file, save->file);

      g_set_object (&self->file, save->file);
      g_free (self->etag);
      self->etag = g_steal_pointer (&save->etag);
      if (moved)
        watch_file (self);
      set_disk_state (self, NM_DOCUMENT_DISK_IN_SYNC);
      nm_consultation_mark_saved_at (self->consultation, save->position);
      nm_document_set_restored (self, FALSE);
      if (!nm_document_get_modified (self))
        nm_document_drop_recovery (self);
      else
        schedule_autosave (self);
      if (moved)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
      g_task_return_boolean (outer, TRUE);
    }
  g_object_unref (outer);

  nm_document_start_next_save (self);
  if (!nm_document_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Takes the snapshot now, on the main thread, and writes it on a worker. */
static void
nm_document_start_next_save (NmDocument *self)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  SaveData *save;
  g_autoptr(GError) error = NULL;

  if (self->saving != NULL || g_queue_is_empty (&self->saves))
    return;

  outer = g_queue_pop_head (&self->saves);
  save = g_task_get_task_data (outer);
  save->position = nm_consultation_get_position (self->consultation);
  /* over its own file, the version it read (or last wrote) must still be
   * there; taken now, after the saves before this one */
  if (!save->overwrite && self->file != NULL && self->etag != NULL && g_file_equal (save->file, self->file))
    save->expected = g_strdup (self->etag);
  save->bytes = nm_file_serialize_for_save (self->consultation, &error);
  if (save->bytes == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      nm_document_start_next_save (self);
      if (!nm_document_get_busy (self))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      return;
    }

  self->saving = outer;
  inner = g_task_new (self, g_task_get_cancellable (outer), save_done_cb, outer);
  g_task_set_source_tag (inner, nm_document_start_next_save);
  g_task_set_task_data (inner, save, NULL);
  g_task_run_in_thread (inner, save_thread);
}

static void
queue_save (NmDocument          *self,
            GFile               *file,
            gboolean             overwrite,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task;
  SaveData *save;
  gboolean was_busy;

  g_return_if_fail (NM_IS_DOCUMENT (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nm_document_save_async);
  if (file == NULL && self->file == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                               _("the consultation has no file yet: save it as a new file"));
      g_object_unref (task);
      return;
    }

  save = g_new0 (SaveData, 1);
  save->file = g_object_ref (file != NULL ? file : self->file);
  save->overwrite = overwrite;
  g_task_set_task_data (task, save, save_data_free);

  was_busy = nm_document_get_busy (self);
  g_queue_push_tail (&self->saves, task);
  if (!was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  nm_document_start_next_save (self);
}

/**
 * nm_document_save_async:
 * @file: (nullable): where to save; %NULL for the document's own file
 *
 * Saves a snapshot of the consultation as it is when the save starts, on a
 * worker thread. Edits made meanwhile are kept and stay unsaved. Saves run
 * one after the other, in the order asked.
 *
 * A save over the document's own file fails with %G_IO_ERROR_WRONG_ETAG
 * when another program wrote the file since this document read or saved
 * it; nm_document_overwrite_async() writes over it all the same.  No save
 * ever writes over a file of a newer format version (%NM_FILE_ERROR_NEWER_VERSION,
 * told before %G_IO_ERROR_WRONG_ETAG): only a copy can be saved then.
 * nm_file_replace_consultation() says what else a save refuses.
 */
void
nm_document_save_async (NmDocument          *self,
                        GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  queue_save (self, file, FALSE, cancellable, callback, user_data);
}

/**
 * nm_document_overwrite_async:
 *
 * nm_document_save_async() that writes over the file even when another
 * program changed it: the user chose to keep this version.
 */
void
nm_document_overwrite_async (NmDocument          *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  queue_save (self, file, TRUE, cancellable, callback, user_data);
}

gboolean
nm_document_save_finish (NmDocument    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * nm_document_ignore_disk_change:
 *
 * The user keeps what the document holds over the version another program
 * wrote: that version becomes the one this document is based on, so the
 * next save writes over it.
 */
void
nm_document_ignore_disk_change (NmDocument *self)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));

  if (self->file != NULL)
    {
      g_free (self->etag);
      self->etag = query_etag (self->file);
    }
  set_disk_state (self, NM_DOCUMENT_DISK_IN_SYNC);
}

/* The recovery copy */

const char *
nm_document_get_recovery_id (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->recovery_id;
}

/**
 * nm_document_autosave_now:
 *
 * Writes the recovery copy now instead of after the usual delay (or
 * removes it when nothing is unsaved), on a worker thread: see
 * nm_document_get_recovery_busy() to know when it is on disk.
 */
void
nm_document_autosave_now (NmDocument *self)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));
  write_recovery (self);
}

/**
 * nm_document_get_recovery_busy:
 *
 * Returns: whether a write or removal of the recovery copy is under way
 */
gboolean
nm_document_get_recovery_busy (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), FALSE);
  return self->recovery_running;
}

/**
 * nm_document_get_recovery_error:
 *
 * Returns: (nullable) (transfer none): why the last write of the recovery
 *   copy failed (a full disk, no permission, a limit of the format), %NULL
 *   when the unsaved work is in it
 */
const GError *
nm_document_get_recovery_error (NmDocument *self)
{
  g_return_val_if_fail (NM_IS_DOCUMENT (self), NULL);
  return self->recovery_error;
}

/**
 * nm_document_drop_recovery:
 *
 * Removes the recovery copy: the work was saved, or the user discarded it.
 */
void
nm_document_drop_recovery (NmDocument *self)
{
  g_return_if_fail (NM_IS_DOCUMENT (self));

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  run_recovery (self, RECOVERY_REMOVE);
}
