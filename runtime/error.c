#include "error.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Every message is one line: a value it quotes may hold a newline. */
static void keep_one_line(struct brig_error *err) {
  char copy[BRIG_ERROR_MAX];
  for (const char *p = err->msg; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f) {
      memcpy(copy, err->msg, sizeof(copy));
      one_line(copy, err->msg, sizeof(err->msg));
      return;
    }
  }
}

static void append_errno(struct brig_error *err, int errnum) {
  size_t len = strlen(err->msg);
  if (errnum != 0 && len < sizeof(err->msg))
    snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
             brig_strerror(errnum));
}

int brig_err(struct brig_error *err, int errnum, const char *fmt, ...) {
  va_list ap;
  if (err == NULL)
    return -1;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
  err->errnum = errnum;
  append_errno(err, errnum);
  keep_one_line(err);
  return -1;
}

/* Put prefix and sep (at most 2 bytes) before the message. */
static int prepend(struct brig_error *err, const char *sep, const char *fmt,
                   va_list ap) {
  char prefix[BRIG_ERROR_MAX];
  char old[BRIG_ERROR_MAX];
  size_t slen = strlen(sep);
  vsnprintf(prefix, sizeof(prefix), fmt, ap);
  size_t plen = strnlen(prefix, sizeof(prefix) - 3);
  memcpy(old, err->msg, sizeof(old));
  memcpy(err->msg, prefix, plen);
  memcpy(err->msg + plen, sep, slen);
  /* Truncate the old message to fit; the prefix matters more. */
  size_t room = sizeof(err->msg) - plen - 3;
  size_t olen = strnlen(old, room);
  memcpy(err->msg + plen + slen, old, olen);
  err->msg[plen + slen + olen] = '\0';
  keep_one_line(err);
  return -1;
}

int brig_err_wrap(struct brig_error *err, const char *fmt, ...) {
  va_list ap;
  if (err == NULL)
    return -1;
  va_start(ap, fmt);
  prepend(err, ": ", fmt, ap);
  va_end(ap);
  return -1;
}

int brig_err_prepend(struct brig_error *err, const char *fmt, ...) {
  va_list ap;
  if (err == NULL)
    return -1;
  va_start(ap, fmt);
  prepend(err, "", fmt, ap);
  va_end(ap);
  return -1;
}

void brig_err_clear(struct brig_error *err) {
  if (err == NULL)
    return;
  err->errnum = 0;
  err->msg[0] = '\0';
}
