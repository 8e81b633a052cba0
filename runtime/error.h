/* One error type, one way to fail: functions return < 0 and fill a
 * struct brig_error; callers add context on the way up. */
#ifndef BRIG_ERROR_H
#define BRIG_ERROR_H

#include <stdarg.h>

#define BRIG_ERROR_MAX 1024

struct brig_error {
  int errnum;               /* errno of the root cause, 0 if none */
  char msg[BRIG_ERROR_MAX]; /* one line, no trailing newline */
};

/* Set err to the formatted message; when errnum != 0, append
 * ": strerror(errnum)".  Always returns -1. */
int brig_err(struct brig_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message with "<context>: ".  Returns -1. */
int brig_err_wrap(struct brig_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same without the ": " between.  Returns -1. */
int brig_err_prepend(struct brig_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* strerror(errnum) in glibc's wording, with any libc (runtime/errtext.c). */
const char *brig_strerror(int errnum);

/* Clear err (msg empty, errnum 0). */
void brig_err_clear(struct brig_error *err);

#endif
