/* Batch reports (run/execute --report FILE): what a job did, from its
 * cgroup, written when it ends. */
#ifndef BRIG_REPORT_H
#define BRIG_REPORT_H

#include <stdint.h>

#include "error.h"

struct report_start {
  char *started;    /* RFC 3339 */
  int64_t start_ms; /* CLOCK_MONOTONIC */
};

void report_begin(struct report_start *r);
/* Read the container's cgroup (before it is deleted) and write FILE. */
int report_write(const char *path, const char *root, const char *id,
                 const struct report_start *r, int wait_status_code,
                 struct brig_error *err);

#endif
