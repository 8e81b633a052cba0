#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kapi.h"

void cleanup_freep(void *p) {
  free(*(void **)p);
}

void cleanup_closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

void cleanup_fclosep(void *f) {
  FILE **fp = f;
  if (*fp != NULL)
    fclose(*fp);
}

static void oom(void) {
  static const char msg[] = "brig: out of memory\n";
  if (write(2, msg, sizeof(msg) - 1) < 0) {
    /* nothing more to do */
  }
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL)
    oom();
  return p;
}

void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (p == NULL)
    oom();
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (q == NULL)
    oom();
  return q;
}

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *xstrdup(const char *s) {
  char *p;
  if (s == NULL)
    return NULL;
  p = strdup(s);
  if (p == NULL)
    oom();
  return p;
}

size_t fmt_u64(char *buf, unsigned long long v) {
  char tmp[20];
  size_t n = 0, len;
  do
    tmp[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  len = n;
  while (n > 0)
    *buf++ = tmp[--n];
  return len;
}

const char *one_line(const char *s, char *buf, size_t size) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  if (size == 0)
    return buf;
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch >= 0x20 && ch != 0x7f) {
      if (o + 1 >= size)
        break;
      buf[o++] = (char)ch;
      continue;
    }
    if (o + 6 >= size)
      break;
    memcpy(buf + o, "\\u00", 4);
    buf[o + 4] = hex[ch >> 4];
    buf[o + 5] = hex[ch & 15];
    o += 6;
  }
  buf[o] = '\0';
  return buf;
}

bool bytes_equal(const void *a, const void *b, size_t n) {
  const char *x = a, *y = b;
  uint64_t u, v;
  for (; n >= 8; n -= 8, x += 8, y += 8) {
    memcpy(&u, x, 8);
    memcpy(&v, y, 8);
    if (u != v)
      return false;
  }
  return memcmp(x, y, n) == 0;
}

/* Appends s[0..len) to out within cap bytes; the full length counts. */
static void put(char *out, size_t cap, size_t *n, const char *s, size_t len) {
  if (*n < cap)
    memcpy(out + *n, s, len < cap - *n ? len : cap - *n);
  *n += len;
}

/* The conversions brig's own formats use, without printf: literal text,
 * %%, %s, %.*s, and %d %i %u with no, l, ll or z length.  Writes at most
 * cap bytes of the text (no NUL) and returns its whole length, or -1 at
 * anything else (flags, widths, other conversions): the caller then uses
 * the libc.  musl's printf spends ~1,000 instructions on a "%s/%s". */
static long fast_vformat(char *out, size_t cap, const char *fmt, va_list ap) {
  size_t n = 0;
  for (const char *p = fmt; *p != '\0'; p++) {
    const char *lit = p, *s;
    char num[24];
    size_t len;
    int lng = 0;
    bool neg = false;
    unsigned long long u;

    while (*p != '\0' && *p != '%')
      p++;
    put(out, cap, &n, lit, (size_t)(p - lit));
    if (*p == '\0')
      break;
    p++;
    if (*p == '%') {
      put(out, cap, &n, "%", 1);
      continue;
    }
    if (*p == 's' || (p[0] == '.' && p[1] == '*' && p[2] == 's')) {
      int prec = -1;
      if (*p == '.') {
        prec = va_arg(ap, int);
        p += 2;
      }
      s = va_arg(ap, const char *);
      if (s == NULL)
        return -1;
      len = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
      put(out, cap, &n, s, len);
      continue;
    }
    if (*p == 'z') {
      lng = 3;
      p++;
    } else {
      for (; *p == 'l' && lng < 2; p++)
        lng++;
    }
    if (*p == 'd' || *p == 'i') {
      long long v = lng == 0   ? va_arg(ap, int)
                    : lng == 1 ? va_arg(ap, long)
                    : lng == 2 ? va_arg(ap, long long)
                               : (long long)va_arg(ap, ssize_t);
      neg = v < 0;
      u = neg ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    } else if (*p == 'u') {
      u = lng == 0   ? va_arg(ap, unsigned)
          : lng == 1 ? va_arg(ap, unsigned long)
          : lng == 2 ? va_arg(ap, unsigned long long)
                     : va_arg(ap, size_t);
    } else {
      return -1;
    }
    num[0] = '-';
    len = fmt_u64(num + neg, u) + neg;
    put(out, cap, &n, num, len);
  }
  return n > (size_t)LONG_MAX ? -1 : (long)n;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap, aq;
  char *out = NULL;
  long n;
  va_start(ap, fmt);
  va_copy(aq, ap);
  n = fast_vformat(NULL, 0, fmt, aq);
  va_end(aq);
  if (n >= 0) {
    out = xmalloc((size_t)n + 1);
    fast_vformat(out, (size_t)n, fmt, ap);
    out[n] = '\0';
  } else if (vasprintf(&out, fmt, ap) < 0) {
    oom();
  }
  va_end(ap);
  return out;
}

bool env_entry_valid(const char *kv) {
  const char *eq = strchr(kv, '=');
  return eq != NULL && eq != kv;
}

size_t strv_len(char *const *v) {
  size_t n = 0;
  while (v != NULL && v[n] != NULL)
    n++;
  return n;
}

void strv_free(char **v) {
  if (v == NULL)
    return;
  for (size_t i = 0; v[i] != NULL; i++)
    free(v[i]);
  free(v);
}

/* A regular file's buffer is sized from fstat (its size, the NUL and one
 * byte to see the end in), so a config.json of 12.7 KB is one block of
 * fresh pages, not 4, 8 and 16 KB ones each copied into the next. */
int read_fd(int fd, size_t max, char **out, size_t *len) {
  size_t cap = 4096, used = 0;
  struct stat st;

  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    cap = ((size_t)st.st_size < max ? (size_t)st.st_size : max) + 2;
  _cleanup_free_ char *buf = xmalloc(cap);

  for (;;) {
    ssize_t r;
    if (used + 1 >= cap) {
      if (cap > max + 1) {
        errno = EFBIG;
        return -1;
      }
      cap *= 2;
      buf = xrealloc(buf, cap);
    }
    r = read(fd, buf + used, cap - used - 1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0)
      break;
    used += (size_t)r;
    if (used > max) {
      errno = EFBIG;
      return -1;
    }
  }
  buf[used] = '\0';
  if (len != NULL)
    *len = used;
  *out = steal_pointer(&buf);
  return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out,
                 size_t *len, struct brig_error *err) {
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open %s", path);
  if (read_fd(fd, max, out, len) < 0) {
    if (errno == EFBIG)
      return brig_err(err, EFBIG, "read %s: larger than %zu bytes", path, max);
    return brig_err(err, errno, "read %s", path);
  }
  return 0;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int write_file_str(const char *path, const char *s) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  int ret, saved;
  if (fd < 0)
    return -1;
  ret = write_all(fd, s, strlen(s));
  saved = errno;
  close(fd);
  errno = saved;
  return ret;
}

int write_file_replace(int tmpfd, const char *tmp, int dirfd, const char *name,
                       const char *data, size_t len, mode_t mode,
                       struct brig_error *err) {
  /* A new file, always: one found there (a crash's leftover, or
   * another user's file or FIFO in a shared directory) is unlinked, never
   * written through */
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(tmpfd, tmp, flags, mode);
  if (fd < 0 && errno == EEXIST && unlinkat(tmpfd, tmp, 0) == 0)
    fd = openat(tmpfd, tmp, flags, mode);
  if (fd < 0)
    return brig_err(err, errno, "create %s", tmp);
  if (write_all(fd, data, len) < 0) {
    int saved = errno;
    close(fd);
    unlinkat(tmpfd, tmp, 0);
    return brig_err(err, saved, "write %s", tmp);
  }
  close(fd);
  /* Swap, then drop the old file: a rename over an existing file makes
   * ext4 (auto_da_alloc) start writing the new one out, ~3x the cost. */
  if (renameat2(tmpfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
    if (unlinkat(tmpfd, tmp, 0) == 0 || errno != EISDIR)
      return 0;
    /* `name` was a directory: put it back, fail as rename(2) would */
    renameat2(tmpfd, tmp, dirfd, name, RENAME_EXCHANGE);
    unlinkat(tmpfd, tmp, 0);
    return brig_err(err, EISDIR, "rename %s to %s", tmp, name);
  }
  if (renameat(tmpfd, tmp, dirfd, name) < 0) {
    int saved = errno;
    unlinkat(tmpfd, tmp, 0);
    return brig_err(err, saved, "rename %s to %s", tmp, name);
  }
  return 0;
}

int write_file_atomic(int dirfd, const char *name, const char *data, size_t len,
                      mode_t mode, struct brig_error *err) {
  _cleanup_free_ char *tmp = xasprintf(".%s.tmp", name);
  return write_file_replace(dirfd, tmp, dirfd, name, data, len, mode, err);
}

int mkdir_p(const char *path, mode_t mode) {
  _cleanup_free_ char *copy = xstrdup(path);
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  if (mkdir(copy, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int parse_u64(const char *s, uint64_t *out) {
  char *end;
  unsigned long long v;
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

int parse_i64(const char *s, int64_t *out) {
  char *end;
  long long v;
  /* strtoll would skip leading white space: " 5" is not a number here */
  const char *digits = s != NULL && (*s == '-' || *s == '+') ? s + 1 : s;
  if (digits == NULL || *digits < '0' || *digits > '9')
    return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

/* Go's escape (encoding/json, HTML-safe) of the character at s, which
 * is inside a string: its length in s and the escape in esc, or 0 when it
 * goes as it is. */
static size_t go_escape(const char *s, char esc[8]) {
  static const char hex[] = "0123456789abcdef";
  unsigned char ch = (unsigned char)*s;
  if (ch == '"' || ch == '\\' || ch == '\n' || ch == '\r' || ch == '\t') {
    esc[0] = '\\';
    esc[1] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch == '\t' ? 't' : (char)ch;
    esc[2] = '\0';
    return 1;
  }
  if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&') {
    memcpy(esc, "\\u00", 4);
    esc[4] = hex[ch >> 4];
    esc[5] = hex[ch & 15];
    esc[6] = '\0';
    return 1;
  }
  if (ch == 0xe2 && (unsigned char)s[1] == 0x80 &&
      ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9)) {
    memcpy(esc, (unsigned char)s[2] == 0xa8 ? "\\u2028" : "\\u2029", 7);
    return 3;
  }
  return 0;
}

char *json_append_string(char *buf, const char *s) {
  size_t n = buf ? strlen(buf) : 0;
  char *o = xrealloc(buf, n + 3 + (s ? strlen(s) * 6 : 0)), esc[8];
  o[n++] = '"';
  while (s != NULL && *s) {
    size_t k = go_escape(s, esc);
    if (k == 0) {
      o[n++] = *s++;
    } else {
      size_t l = strlen(esc);
      memcpy(o + n, esc, l);
      n += l;
      s += k;
    }
  }
  o[n++] = '"';
  o[n] = '\0';
  return o;
}

void json_put_str(FILE *out, const char *s) {
  char *q = json_append_string(NULL, s);
  fputs(q, out);
  free(q);
}

char *json_go_escapes(const char *json, size_t len) {
  char *out = xmalloc(len * 6 + 1), esc[8];
  size_t o = 0;
  bool in_str = false;
  for (size_t i = 0; i < len;) {
    char ch = json[i];
    if (!in_str) {
      in_str = ch == '"';
      out[o++] = json[i++];
      continue;
    }
    if (ch == '"') {
      in_str = false;
      out[o++] = json[i++];
    } else if (ch == '\\' && i + 1 < len) {
      /* yajl's escapes: \b and \f, and upper-case hex, as Go's */
      char e = json[i + 1];
      if (e == 'b' || e == 'f') {
        memcpy(out + o, e == 'b' ? "\\u0008" : "\\u000c", 6);
        o += 6;
        i += 2;
      } else if (e == 'u' && i + 6 <= len) {
        for (size_t k = 0; k < 6; k++)
          out[o++] = k >= 2 && json[i + k] >= 'A' && json[i + k] <= 'F'
                         ? (char)(json[i + k] - 'A' + 'a')
                         : json[i + k];
        i += 6;
      } else {
        out[o++] = json[i++];
        out[o++] = json[i++];
      }
    } else {
      size_t n = go_escape(json + i, esc);
      if (n == 0) {
        out[o++] = json[i++];
      } else {
        size_t l = strlen(esc);
        memcpy(out + o, esc, l);
        o += l;
        i += n;
      }
    }
  }
  out[o] = '\0';
  return out;
}

static bool leap_year(long long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

size_t format_utc(char *buf, size_t size, time_t t) {
  static const int month_days[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
  long long days = t / 86400, secs = t % 86400, year = 1970;
  int month = 0, n;

  if (secs < 0) {
    secs += 86400;
    days--;
  }
  /* Whole 400-year cycles (146097 days each) first, then year by year
   * from 1970, then month by month. */
  year += 400 * (days / 146097);
  days %= 146097;
  if (days < 0) {
    year -= 400;
    days += 146097;
  }
  while (days >= (leap_year(year) ? 366 : 365)) {
    days -= leap_year(year) ? 366 : 365;
    year++;
  }
  while (days >= month_days[month] + (month == 1 && leap_year(year))) {
    days -= month_days[month] + (month == 1 && leap_year(year));
    month++;
  }
  n = snprintf(buf, size, "%04lld-%02d-%02lldT%02lld:%02lld:%02lld", year,
               month + 1, days + 1, secs / 3600, secs / 60 % 60, secs % 60);
  return n < 0 ? 0 : (size_t)n;
}

FILE *fopen_re(const char *path) {
  int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  FILE *f;
  if (fd < 0)
    return NULL;
  f = fdopen(fd, "r");
  if (f == NULL)
    close(fd);
  return f;
}

int write_pid_file(const char *path, pid_t pid, struct brig_error *err) {
  _cleanup_free_ char *dir = NULL, *data = NULL;
  const char *base = strrchr(path, '/');
  _cleanup_close_ int dfd = -1;

  if (base == NULL)
    dir = xstrdup(".");
  else if (base == path)
    dir = xstrdup("/");
  else
    dir = xasprintf("%.*s", (int)(base - path), path);
  base = base ? base + 1 : path;
  dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return brig_err(err, errno, "open pid file directory %s", dir);
  data = xasprintf("%d", (int)pid);
  if (write_file_atomic(dfd, base, data, strlen(data), 0644, err) < 0)
    return brig_err_wrap(err, "write pid file %s", path);
  return 0;
}

bool words_contain(const char *list, const char *word) {
  size_t l = strlen(word);
  for (const char *p = list; *p;) {
    p += strspn(p, " \n");
    size_t n = strcspn(p, " \n");
    if (n == l && strncmp(p, word, l) == 0)
      return true;
    p += n;
  }
  return false;
}

int64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
