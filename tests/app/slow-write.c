/* slow-write.c: an LD_PRELOAD shim that makes a file system slow
 *
 * Copyright 2026 The Needlemap authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every write() to a file whose path contains $NM_SLOW_WRITE_MATCH sleeps
 * $NM_SLOW_WRITE_MS milliseconds first, like a share on a slow network.
 * Used by test-responsive to check that the window keeps drawing while it
 * saves and exports. */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef ssize_t (*WriteFunc) (int fd, const void *buf, size_t count);

ssize_t write (int fd, const void *buf, size_t count);

ssize_t
write (int         fd,
       const void *buf,
       size_t      count)
{
  static WriteFunc real_write;
  const char *match = getenv ("NM_SLOW_WRITE_MATCH");
  const char *ms = getenv ("NM_SLOW_WRITE_MS");

  if (real_write == NULL)
    real_write = (WriteFunc) dlsym (RTLD_NEXT, "write");

  if (match != NULL && *match != '\0' && ms != NULL && fd > 2)
    {
      char link[64], target[PATH_MAX];
      ssize_t len;

      snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
      len = readlink (link, target, sizeof target - 1);
      if (len > 0)
        {
          target[len] = '\0';
          if (strstr (target, match) != NULL)
            {
              long delay = strtol (ms, NULL, 10);
              struct timespec ts = { delay / 1000, (delay % 1000) * 1000000L };

              nanosleep (&ts, NULL);
            }
        }
    }

  return real_write (fd, buf, count);
}
