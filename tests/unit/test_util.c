/* runtime/util.c: format_utc gives what gmtime_r + strftime give (UTC),
 * without reading /etc/localtime; xasprintf and fmt_u64 give what the
 * libc's snprintf gives; read_fd reads regular files, /proc files and
 * pipes whole, within its limit. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"
#include "util.h"

static void libc_utc(time_t t, char *buf, size_t size) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

static void test_known(void) {
  static const struct {
    time_t t;
    const char *want;
  } cases[] = {
      {0, "1970-01-01T00:00:00"},           {-1, "1969-12-31T23:59:59"},
      {68169600, "1972-02-29T00:00:00"},    {951782400, "2000-02-29T00:00:00"},
      {946684799, "1999-12-31T23:59:59"},   {2147483647, "2038-01-19T03:14:07"},
      {4107542400, "2100-03-01T00:00:00"},  {4107456000, "2100-02-28T00:00:00"},
      {13574563200, "2400-02-29T00:00:00"},
  };
  char buf[64];
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t n = format_utc(buf, sizeof(buf), cases[i].t);
    is_str(buf, cases[i].want, "format_utc(%lld)", (long long)cases[i].t);
    ok(n == UTC_TIME_LEN, "its length is %d", UTC_TIME_LEN);
  }
}

/* Every day boundary +-1 s over 1900..2500, and pseudo-random instants. */
static void test_against_libc(void) {
  char got[64], want[64];
  size_t bad = 0, n = 0;
  unsigned long long x = 88172645463325252ULL;
  for (time_t day = -2208988800LL; day < 16725225600LL; day += 86400) {
    for (int d = -1; d <= 1; d++, n++) {
      format_utc(got, sizeof(got), day + d);
      libc_utc(day + d, want, sizeof(want));
      if (strcmp(got, want) != 0 && bad++ < 5)
        printf("#   %lld: got %s want %s\n", (long long)(day + d), got, want);
    }
  }
  for (int i = 0; i < 200000; i++, n++) {
    time_t t;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t = (time_t)(x % 16725225600ULL);
    format_utc(got, sizeof(got), t);
    libc_utc(t, want, sizeof(want));
    if (strcmp(got, want) != 0 && bad++ < 5)
      printf("#   %lld: got %s want %s\n", (long long)t, got, want);
  }
  ok(bad == 0, "format_utc agrees with gmtime_r on %zu instants", n);
}

/* xasprintf against snprintf: its own conversions and the formats it
 * leaves to the libc. */
#define SAME(...)                                                              \
  do {                                                                         \
    char want_[512];                                                           \
    char *got_ = xasprintf(__VA_ARGS__);                                       \
    snprintf(want_, sizeof(want_), __VA_ARGS__);                               \
    if (strcmp(got_, want_) != 0 && bad++ < 5)                                 \
      printf("#   %s: got \"%s\" want \"%s\"\n", #__VA_ARGS__, got_, want_);   \
    n++;                                                                       \
    free(got_);                                                                \
  } while (0)

static void test_xasprintf(void) {
  static const long long sv[] = {
      0,    1,       -1,      9,        10,       -10,       99,       100,
      4096, INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, LLONG_MAX, LLONG_MIN};
  static const unsigned long long uv[] = {
      0, 1, 9, 10, 1000000007ULL, UINT_MAX, ULONG_MAX, ULLONG_MAX, SIZE_MAX};
  static const char *const strs[] = {"", "a", "cpu", "memory.limit_in_bytes",
                                     "/sys/fs/cgroup/cpu,cpuacct/brig/x"};
  const char *volatile nothing = NULL; /* NULL, hidden from -Wformat */
  size_t bad = 0, n = 0;
  char text[600];

  SAME("%s", "");
  SAME("plain text, no conversions");
  SAME("100%% of %s", "it");
  SAME("%%%%%s%%", "x");
  for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++) {
    SAME("%s/%s", strs[i], "tasks");
    SAME("[%s]%s:%s", strs[i], strs[i], strs[i]);
    for (int prec = -1; prec <= 40; prec++)
      SAME("<%.*s>", prec, strs[i]);
  }
  for (size_t i = 0; i < sizeof(sv) / sizeof(*sv); i++) {
    SAME("%d|%i", (int)sv[i], (int)sv[i]);
    SAME("%ld|%li", (long)sv[i], (long)sv[i]);
    SAME("%lld|%lli", sv[i], sv[i]);
    SAME("%zd", (ssize_t)sv[i]);
    SAME("v=%" PRId64 ".", (int64_t)sv[i]);
  }
  for (size_t i = 0; i < sizeof(uv) / sizeof(*uv); i++) {
    SAME("%u", (unsigned)uv[i]);
    SAME("%lu %llu", (unsigned long)uv[i], uv[i]);
    SAME("%zu/%s", (size_t)uv[i], "x");
    SAME("%" PRIu64, (uint64_t)uv[i]);
  }
  /* left to the libc: flags, widths, other conversions, NULL strings */
  SAME("%x %X %o", 255u, 48879u, 8u);
  SAME("%5d|%-5d|%05d|%+d", 42, 42, 42, 42);
  SAME("%c%c", 'o', 'k');
  SAME("%8s|%-8s|", "ab", "cd");
  SAME("%hhd %hd", (signed char)-3, (short)-300);
  SAME("%.3f", 2.0 / 3);
  SAME("%s then %x", "text", 16u);
  SAME("%s", nothing);
  memset(text, 'z', sizeof(text) - 1);
  text[sizeof(text) - 1] = '\0';
  {
    char *got = xasprintf("%s-%s-%d", text, text, 7);
    size_t len = strlen(text);
    ok(strlen(got) == 2 * len + 3 && got[len] == '-' &&
           strcmp(got + 2 * len + 1, "-7") == 0,
       "xasprintf sizes a long result exactly");
    free(got);
  }
  ok(bad == 0, "xasprintf agrees with snprintf on %zu formats", n);
}

static void test_fmt_u64(void) {
  size_t bad = 0, n = 0;
  unsigned long long x = 88172645463325252ULL;
  for (int i = 0; i < 100000; i++, n++) {
    char got[24], want[24];
    unsigned long long v = i < 64 ? (1ULL << i) - 1 : x;
    size_t len;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    if (i % 3 == 0)
      v %= 1000000;
    len = fmt_u64(got, v);
    got[len] = '\0';
    snprintf(want, sizeof(want), "%llu", v);
    if (strcmp(got, want) != 0 && bad++ < 5)
      printf("#   %llu: got %s\n", v, got);
  }
  ok(bad == 0, "fmt_u64 agrees with snprintf on %zu values", n);
}

/* A file of n bytes (byte i is 'a' + i % 26) in a fresh temporary file,
 * its fd at offset 0. */
static int temp_file_of(size_t n) {
  char path[] = "/tmp/brig-test-readfd-XXXXXX";
  int fd = mkstemp(path);
  char *b = malloc(n);
  if (fd < 0 || b == NULL)
    return -1;
  unlink(path);
  for (size_t i = 0; i < n; i++)
    b[i] = (char)('a' + i % 26);
  if (write(fd, b, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    fd = -1;
  }
  free(b);
  return fd;
}

static bool pattern_ok(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != (char)('a' + i % 26))
      return false;
  return s[n] == '\0';
}

static void test_read_fd(void) {
  char *s = NULL;
  size_t len = 0;
  int fd, p[2], r;

  fd = temp_file_of(12700);
  r = read_fd(fd, 1 << 20, &s, &len);
  ok(r == 0 && len == 12700 && pattern_ok(s, len),
     "read_fd: a regular file of 12,700 bytes, whole and NUL-terminated");
  ok(r == 0 && malloc_usable_size(s) < 12700 + 1024,
     "read_fd: its buffer is sized from the file (one block, not 16 KB of "
     "doublings)");
  free(s);
  close(fd);

  fd = temp_file_of(5000);
  r = read_fd(fd, 5000, &s, &len);
  ok(r == 0 && len == 5000 && pattern_ok(s, len),
     "read_fd: a file of exactly the limit is read");
  free(s);
  lseek(fd, 0, SEEK_SET);
  s = NULL;
  errno = 0;
  r = read_fd(fd, 4999, &s, &len);
  ok(r < 0 && errno == EFBIG && s == NULL,
     "read_fd: one byte over the limit fails with EFBIG");
  close(fd);

  fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  r = read_fd(fd, 1 << 20, &s, &len);
  ok(r == 0 && len > 0 && s[len - 1] == '\n' && strlen(s) == len,
     "read_fd: a /proc file (st_size 0) is read whole");
  free(s);
  close(fd);

  if (pipe(p) == 0) {
    char buf[10000];
    memset(buf, 'x', sizeof(buf));
    r = write(p[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : -1;
    close(p[1]);
    if (r == 0)
      r = read_fd(p[0], 1 << 20, &s, &len);
    ok(r == 0 && len == sizeof(buf) && s[0] == 'x' && s[len - 1] == 'x' &&
           s[len] == '\0',
       "read_fd: a pipe is read to its end");
    if (r == 0)
      free(s);
    close(p[0]);
  } else {
    ok(0, "read_fd: pipe: %s", strerror(errno));
  }
}

static void test_bytes_equal(void) {
  char a[64], b[64];
  size_t bad = 0, n = 0;
  for (size_t i = 0; i < sizeof(a); i++)
    a[i] = b[i] = (char)('a' + i % 26);
  /* every length from 0 to 40 at every offset, equal, then one byte off
   * at each position (in the words and in the tail) */
  for (size_t off = 0; off < 8; off++)
    for (size_t len = 0; len + off <= 40; len++) {
      n++;
      if (!bytes_equal(a + off, b + off, len))
        bad++;
      for (size_t k = 0; k < len; k++) {
        b[off + k] ^= 0x40;
        n++;
        if (bytes_equal(a + off, b + off, len))
          bad++;
        b[off + k] ^= 0x40;
      }
    }
  ok(bad == 0, "bytes_equal agrees with memcmp in %zu cases", n);
}

/* brig_memcpy and brig_memmove against a byte loop: every length to 300 at
 * every source and destination offset in a word pair, bytes around the
 * destination untouched; memmove with the regions overlapping both ways. */
static void test_memcopy(void) {
  static unsigned char src[400], dst[400], want[400];
  size_t bad = 0, n = 0;
  for (size_t i = 0; i < sizeof(src); i++)
    src[i] = (unsigned char)(i * 7 + 3);
  for (size_t so = 0; so < 16; so++)
    for (size_t d_o = 0; d_o < 16; d_o++)
      for (size_t len = 0; len <= 300; len++) {
        for (size_t i = 0; i < sizeof(dst); i++)
          dst[i] = want[i] = 0xee;
        for (size_t i = 0; i < len; i++)
          want[d_o + i] = src[so + i];
        n++;
        if (brig_memcpy(dst + d_o, src + so, len) != dst + d_o ||
            !bytes_equal(dst, want, sizeof(dst)))
          bad++;
      }
  ok(bad == 0, "brig_memcpy copies exactly [0, len) in %zu cases", n);
  bad = 0;
  n = 0;
  for (size_t len = 0; len <= 300; len++)
    for (size_t from = 0; from < 80; from++)
      for (size_t to = 0; to < 80; to++) {
        for (size_t i = 0; i < sizeof(dst); i++)
          dst[i] = want[i] = (unsigned char)(i * 13 + 1);
        for (size_t i = 0; i < len; i++)
          want[to + i] = dst[from + i];
        n++;
        if (brig_memmove(dst + to, dst + from, len) != dst + to ||
            !bytes_equal(dst, want, sizeof(dst)))
          bad++;
      }
  ok(bad == 0,
     "brig_memmove is right with the regions overlapping either "
     "way in %zu cases",
     n);
}

static void test_one_line(void) {
  char buf[64], small[8];
  is_str(one_line("plain text", buf, sizeof(buf)), "plain text",
         "one_line leaves printable text alone");
  is_str(one_line("a\nb\rc\td\x1b[0m\x7f", buf, sizeof(buf)),
         "a\\u000ab\\u000dc\\u0009d\\u001b[0m\\u007f",
         "one_line writes control characters as \\u00XX");
  is_str(one_line("\xc3\xa9t\xc3\xa9", buf, sizeof(buf)), "\xc3\xa9t\xc3\xa9",
         "one_line keeps UTF-8");
  /* cut to fit, never half an escape */
  is_str(one_line("abcd\nefgh", small, sizeof(small)), "abcd",
         "one_line cuts before an escape that does not fit");
  is_str(one_line("abcdefghij", small, sizeof(small)), "abcdefg",
         "one_line cuts plain text to fit");
}

static void test_error_one_line(void) {
  struct brig_error err = {0};
  brig_err(&err, 2, "mount source \"%s\"", "/x\ny");
  is_str(err.msg, "mount source \"/x\\u000ay\": No such file or directory",
         "brig_err keeps a message with a newline in it on one line");
  brig_err_wrap(&err, "create %s", "a\nb");
  is_str(err.msg,
         "create a\\u000ab: mount source \"/x\\u000ay\": No such file or "
         "directory",
         "brig_err_wrap too");
}

/* Integer flags and files: decimal digits, a sign for the signed one,
 * nothing strtoll would skip or leave behind. */
static void test_parse_ints(void) {
  static const char *const bad[] = {"",  " 5", "\t5", "\n5",  "5 ", "5\n",
                                    "+", "-",  "- 5", "0x10", "5k", "1e3"};
  uint64_t u = 0;
  int64_t i = 0;
  size_t refused_u = 0, refused_i = 0;
  for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
    refused_u += parse_u64(bad[k], &u) < 0;
    refused_i += parse_i64(bad[k], &i) < 0;
  }
  ok(refused_u == sizeof(bad) / sizeof(bad[0]),
     "parse_u64 refuses white space, signs alone, hex and suffixes");
  ok(refused_i == sizeof(bad) / sizeof(bad[0]),
     "parse_i64 refuses white space, signs alone, hex and suffixes");
  ok(parse_u64("-5", &u) < 0 && parse_u64("+5", &u) < 0,
     "parse_u64 refuses a sign");
  ok(parse_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX &&
         parse_u64("18446744073709551616", &u) < 0,
     "parse_u64 takes UINT64_MAX and refuses one more");
  ok(parse_i64("-9223372036854775808", &i) == 0 && i == INT64_MIN &&
         parse_i64("9223372036854775808", &i) < 0,
     "parse_i64 takes INT64_MIN and refuses INT64_MAX + 1");
  ok(parse_i64("-42", &i) == 0 && i == -42 && parse_i64("+7", &i) == 0 &&
         i == 7 && parse_i64("0", &i) == 0 && i == 0,
     "parse_i64 reads signed decimals");
}

/* runc's Go durations (events --interval) and LXC's -t (stop, wait). */
static void test_durations(void) {
  static const struct {
    const char *s;
    int64_t go, lxc; /* -2: refused */
  } cases[] = {
      {"5s", 5000, 5000},
      {"500ms", 500, 500},
      {"1m30s", 90000, 90000},
      {"1.5h", 5400000, 5400000},
      {"1h30m", 5400000, 5400000},
      {"0", 0, 0},
      {"250us", 1, 1},
      {"250µs", 1, 1},
      {"10ns", 1, 1},
      {"-2s", -2000, -2},
      {"+2s", 2000, 2000},
      {"10", -2, 10000},
      {"2.5", -2, 2500},
      {"", -2, -2},
      {"s", -2, -2},
      {"5x", -2, -2},
      {"5s3", -2, -2},
      {"nan", -2, -2},
      {"infs", -2, -2},
      {"1e300h", -2, -2},
      {"-", -2, -2},
      {" 5s", -2, -2},
      {"1e3s", -2, -2},
      {"0x10s", -2, -2},
      {".5s", 500, 500},
      {"5.s", 5000, 5000},
      {".s", -2, -2},
      {"1.5", -2, 1500},
      {"1e3", -2, -2},
      {" 5", -2, -2},
      {"1.2.3", -2, -2},
      {".", -2, -2},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int64_t go = -2, lxc = -2;
    if (cli_parse_go_duration(cases[i].s, &go) < 0)
      go = -2;
    if (cli_parse_duration(cases[i].s, &lxc) < 0)
      lxc = -2;
    ok(go == cases[i].go && lxc == cases[i].lxc,
       "duration \"%s\": %lld ms (Go), %lld ms (LXC -t)", cases[i].s,
       (long long)go, (long long)lxc);
  }
}

static void test_env_entry(void) {
  ok(env_entry_valid("A=1") && env_entry_valid("A=") && env_entry_valid("A==b"),
     "NAME=VALUE, an empty value, '=' in the value");
  ok(!env_entry_valid("A") && !env_entry_valid("=x") && !env_entry_valid("") &&
         !env_entry_valid("="),
     "no '=', an empty name, empty");
}

static void test_go_escapes(void) {
  /* yajl's text as Go's encoding/json writes it (runc's state, hooks) */
  const char *in = "{\"a<b\":\"x>y&z\\b\\f\\u001B\\n\\t\\\"\\\\ \xe2\x80\xa8"
                   "\xe2\x80\xa9\xe2\x80\xaa\",\"n\":[1,2]}";
  char *out = json_go_escapes(in, strlen(in));
  is_str(
      out,
      "{\"a\\u003cb\":\"x\\u003ey\\u0026z\\u0008\\u000c\\u001b\\n\\t\\\"\\\\ "
      "\\u2028\\u2029\xe2\x80\xaa\",\"n\":[1,2]}",
      "Go's escapes: <>&, \\b \\f, lower-case hex, U+2028/9; the rest kept");
  free(out);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  json_put_str(f, "a<\n\t\x01\"\\&\xe2\x80\xa8>");
  fclose(f);
  is_str(buf, "\"a\\u003c\\n\\t\\u0001\\\"\\\\\\u0026\\u2028\\u003e\"",
         "json_put_str: Go's escapes");
  free(buf);
  char *app = json_append_string(xstrdup("x:"), "<a\"");
  is_str(app, "x:\"\\u003ca\\\"\"",
         "json_append_string: appended, Go's escapes");
  free(app);
}

int main(void) {
  /* UTC whatever the zone: a zone that is not UTC must change nothing */
  setenv("TZ", "Asia/Kolkata", 1);
  tzset();
  test_known();
  test_against_libc();
  test_xasprintf();
  test_fmt_u64();
  test_bytes_equal();
  test_read_fd();
  test_memcopy();
  test_one_line();
  test_error_one_line();
  test_durations();
  test_env_entry();
  test_go_escapes();
  test_parse_ints();
  return tap_done();
}
