/* Logging: --log FILE, --log-format text|json, --debug.  Errors shown to
 * the user go to stderr as one line "brig: ..." and, when --log is set, to
 * the log file too (JSON lines with --log-format json, as containerd reads
 * them). */
#ifndef BRIG_LOG_H
#define BRIG_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Open the log (path NULL = none).  format is "text" or "json". */
int log_init(const char *path, const char *format, bool debug);
void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
/* The fd of the log file, -1 when none (kept open across fork). */
int log_fd(void);
/* The log's fd itself, for security_reserve_fds to move it. */
int *log_fd_ref(void);

#endif
