#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

static int log_fd_ = -1;
static bool log_json_;
static bool log_debug_;

int log_init(const char *path, const char *format, bool debug) {
  log_debug_ = debug;
  log_json_ = format != NULL && strcmp(format, "json") == 0;
  if (path == NULL || *path == '\0')
    return 0;
  log_fd_ = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return log_fd_ < 0 ? -1 : 0;
}

int *log_fd_ref(void) {
  return &log_fd_;
}

int log_fd(void) {
  return log_fd_;
}

static const char *level_name(enum log_level lvl) {
  switch (lvl) {
  case LOG_LVL_ERROR:
    return "error";
  case LOG_LVL_WARN:
    return "warning";
  case LOG_LVL_INFO:
    return "info";
  default:
    return "debug";
  }
}

/* JSON-escape s into out (bounded). */
static void json_escape(const char *s, char *out, size_t n) {
  size_t o = 0;
  for (; *s && o + 7 < n; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(out + o, n - o, "\\u%04x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
}

void log_msg(enum log_level lvl, const char *fmt, ...) {
  char msg[2048], line[4600], ts[64];
  struct timeval tv;
  va_list ap;
  int n;

  if (lvl == LOG_LVL_DEBUG && !log_debug_)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);

  /* Without a log file, warnings and debug go to stderr; errors are
   * printed by the caller (main) once. */
  if (log_fd_ < 0) {
    if (lvl != LOG_LVL_ERROR) {
      char safe[sizeof(msg)];
      n = snprintf(line, sizeof(line), "brig: %s: %s\n", level_name(lvl),
                   one_line(msg, safe, sizeof(safe)));
      write_all(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
    }
    return;
  }
  gettimeofday(&tv, NULL);
  n = (int)format_utc(ts, sizeof(ts), tv.tv_sec);
  snprintf(ts + n, sizeof(ts) - (size_t)n, ".%06ldZ", (long)tv.tv_usec);
  if (log_json_) {
    char esc[4200];
    json_escape(msg, esc, sizeof(esc));
    n = snprintf(line, sizeof(line),
                 "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                 level_name(lvl), esc, ts);
  } else {
    char safe[sizeof(msg)];
    n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", ts,
                 level_name(lvl), one_line(msg, safe, sizeof(safe)));
  }
  if (n > (int)sizeof(line))
    n = sizeof(line);
  write_all(log_fd_, line, (size_t)n);
}
