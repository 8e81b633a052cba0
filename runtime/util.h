/* Small helpers shared by every file: cleanup attributes, allocation that
 * aborts on OOM, file and string utilities. */
#ifndef BRIG_UTIL_H
#define BRIG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "error.h"

void cleanup_freep(void *p);
void cleanup_closep(int *fd);
void cleanup_fclosep(void *f);

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))

/* Take ownership out of a cleanup variable. */
#define steal_pointer(pp)                                                      \
  ({                                                                           \
    __typeof__(*(pp)) steal_tmp_ = *(pp);                                      \
    *(pp) = NULL;                                                              \
    steal_tmp_;                                                                \
  })
#define steal_fd(fdp)                                                          \
  ({                                                                           \
    int steal_fd_tmp_ = *(fdp);                                                \
    *(fdp) = -1;                                                               \
    steal_fd_tmp_;                                                             \
  })

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/* Formats as asprintf does; the common conversions without printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* v in decimal at buf (up to 20 bytes, no NUL); returns the length. */
size_t fmt_u64(char *buf, unsigned long long v);
/* s with its control characters (a newline in a config value or an
 * argument, an escape sequence) written as JSON writes them, \u00XX, into
 * buf (size, cut to fit): a message that quotes s stays one line.  Returns
 * buf. */
const char *one_line(const char *s, char *buf, size_t size);
/* a[0..n) == b[0..n), eight bytes a step (musl's memcmp takes one). */
bool bytes_equal(const void *a, const void *b, size_t n);
/* memcpy and memmove with plain loads and stores (memcopy.c: musl's cost
 * ~30 ns a call); they are memcpy and memmove in the musl build. */
void *brig_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *brig_memmove(void *dst, const void *src, size_t n);

size_t strv_len(char *const *v);
/* An environment entry as POSIX environ has them: NAME=VALUE with a
 * non-empty NAME (runc refuses the others). */
bool env_entry_valid(const char *kv);
void strv_free(char **v);

/* fopen(path, "re") in one syscall: an O_CLOEXEC openat and fdopen "r"
 * (musl's fopen adds two fcntl(F_SETFD) calls to the open). */
FILE *fopen_re(const char *path);

/* Read a whole file (at most max bytes; more is an error EFBIG).
 * Returns 0 and a NUL-terminated malloc'd buffer, or -1 with err. */
int read_file_at(int dirfd, const char *path, size_t max, char **out,
                 size_t *len, struct brig_error *err);
/* The rest of fd, as read_file_at; -1 with errno (EFBIG: over max). */
int read_fd(int fd, size_t max, char **out, size_t *len);
/* Write all of buf to fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* CLOCK_MONOTONIC in milliseconds: deadlines and durations. */
int64_t monotonic_ms(void);
/* Open path, write the string, close.  -1 with errno set on failure. */
int write_file_str(const char *path, const char *s);
/* Write name (at dirfd) atomically: written as tmp (at tmpfd, on the same
 * filesystem), then swapped in (fsync-free); no symlink followed at
 * tmp. */
int write_file_replace(int tmpfd, const char *tmp, int dirfd, const char *name,
                       const char *data, size_t len, mode_t mode,
                       struct brig_error *err);
/* write_file_replace with tmp .<name>.tmp beside name. */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len,
                      mode_t mode, struct brig_error *err);
/* --pid-file: the pid written whole (write_file_atomic next to it). */
int write_pid_file(const char *path, pid_t pid, struct brig_error *err);
/* word is one of the words of list (separated by spaces or newlines, as
 * cgroup.controllers): cpu is not cpuset. */
bool words_contain(const char *list, const char *word);

/* mkdir -p; mode for the created components. */
int mkdir_p(const char *path, mode_t mode);

/* Parse a non-negative decimal integer; -1 on junk or overflow. */
int parse_u64(const char *s, uint64_t *out);
int parse_i64(const char *s, int64_t *out);

/* "YYYY-MM-DDTHH:MM:SS" of t in UTC into buf (at least UTC_TIME_LEN + 1
 * bytes); returns the length.  Computed here: glibc's gmtime_r reads
 * /etc/localtime on its first call, though UTC needs no zone. */
#define UTC_TIME_LEN 19
size_t format_utc(char *buf, size_t size, time_t t);

/* Print s as a JSON string (quoted, with Go's escapes: runc's text). */
void json_put_str(FILE *out, const char *s);
/* Append s to buf (malloc'd or NULL; grown) as json_put_str writes it. */
char *json_append_string(char *buf, const char *s);
/* JSON text (yajl's) with Go's encoding/json escapes in its strings, as
 * runc prints it: <, >, & and U+2028, U+2029 as \u escapes, control
 * characters but \n, \r, \t as \u00xx (lower-case hex).  A new string. */
char *json_go_escapes(const char *json, size_t len);

#endif
