/* runtime/util.c: format_utc gives what gmtime_r + strftime give (UTC),
 * without reading /etc/localtime. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int main(void) {
  /* UTC whatever the zone: a zone that is not UTC must change nothing */
  setenv("TZ", "Asia/Kolkata", 1);
  tzset();
  test_known();
  test_against_libc();
  return tap_done();
}
