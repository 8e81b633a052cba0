/* brig list [-f table|json] [-q] */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "log.h"
#include "util.h"

static const char usage[] =
    "usage: brig list [command options]\n\n"
    "List containers started by brig with the given root.\n\n"
    "Options:\n"
    "   --format value, -f value  select one of: table or json (default: "
    "\"table\")\n"
    "   --quiet, -q               display only container IDs\n";

struct row {
  struct container *c;
  char pid[16];
  char owner[64];
};

/* The user name of uid from /etc/passwd, or "#uid"; the last answer is
 * kept (one owner for a whole list, as a rule).  No NSS: brig is static. */
static void owner_name(uid_t uid, char *buf, size_t len) {
  static uid_t last_uid = (uid_t)-1;
  static char last[64];
  _cleanup_fclose_ FILE *f = NULL;
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;

  if (uid == last_uid) {
    size_t n = strnlen(last, len - 1);
    memcpy(buf, last, n);
    buf[n] = '\0';
    return;
  }
  snprintf(last, sizeof(last), "#%u", (unsigned)uid);
  f = fopen_re("/etc/passwd");
  while (f != NULL && getline(&line, &cap, f) > 0) {
    char *name = line, *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    char *end;
    if (c2 == NULL)
      continue;
    *c1 = '\0';
    if (strtoul(c2 + 1, &end, 10) == uid && *end == ':' && end > c2 + 1) {
      snprintf(last, sizeof(last), "%s", name);
      break;
    }
  }
  last_uid = uid;
  snprintf(buf, len, "%s", last);
}

static int by_id(const void *a, const void *b) {
  return strcmp(((const struct row *)a)->c->id, ((const struct row *)b)->c->id);
}

/* The peeks read a created container as running: those whose exec FIFO
 * is there now are created.  Listed after the peeks, so a container seen
 * running (started since) is not taken back to created. */
static void mark_created(int rootfd, struct row *rows, size_t n) {
  int fd = n == 0 ? -1
                  : openat(rootfd, FIFO_KIND,
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  struct dirent *de;
  if (d == NULL) {
    if (fd >= 0)
      close(fd);
    return;
  }
  while ((de = readdir(d)) != NULL) {
    struct container key_c = {.id = de->d_name};
    struct row key = {.c = &key_c}, *r;
    if (de->d_name[0] == '.')
      continue;
    r = bsearch(&key, rows, n, sizeof(*rows), by_id);
    if (r != NULL && strcmp(r->c->st.status, "running") == 0) {
      free(r->c->st.status);
      r->c->st.status = xstrdup("created");
    }
  }
  closedir(d);
}

/* Column width as Go's tabwriter(minwidth 12, padding 3). */
static int width(const struct row *rows, size_t n, size_t col) {
  static const char *hdr[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED"};
  int w = (int)strlen(hdr[col]);
  for (size_t i = 0; i < n; i++) {
    const char *cells[] = {rows[i].c->id, rows[i].pid, rows[i].c->st.status,
                           rows[i].c->st.bundle, rows[i].c->st.created};
    if ((int)strlen(cells[col]) > w)
      w = (int)strlen(cells[col]);
  }
  w += 3;
  return w < 12 ? 12 : w;
}

/* One table line: five cells padded to their widths w (each at least its
 * cell's length plus 3: width()), then the owner; line holds the sum of
 * the widths, the owner and the newline.  printf's "%-*s" without its
 * format parsing, for 1,000 rows. */
static void put_row(char *line, const size_t w[5], const char *const cells[6]) {
  size_t at = 0, len;
  for (size_t col = 0; col < 5; col++) {
    len = strlen(cells[col]);
    memcpy(line + at, cells[col], len);
    memset(line + at + len, ' ', w[col] - len);
    at += w[col];
  }
  len = strlen(cells[5]);
  memcpy(line + at, cells[5], len);
  line[at + len] = '\n';
  fwrite(line, 1, at + len + 1, stdout);
}

CMD(list) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *format = "table";
  bool quiet = false;
  static char out[1 << 16]; /* the table in few writes */
  struct row *rows = NULL;
  size_t n = 0, cap = 0;
  DIR *d;
  struct dirent *de;
  int c;

  while ((c = cli_next(argc, argv, "list", "f:q", opts, usage, err)) != -1) {
    if (c == CLI_HELP)
      return 0;
    if (c == CLI_ERROR)
      return 1;
    if (c == 'f')
      format = optarg;
    else
      quiet = true;
  }
  if (cli_exact_args(argc, 0, "list", err) < 0)
    return 1;
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
    brig_err(err, 0, "invalid format option");
    return 1;
  }
  d = opendir(brig_g.root);
  if (d == NULL && errno != ENOENT) {
    brig_err(err, errno, "open %s", brig_g.root);
    return 1;
  }
  while (d != NULL && (de = readdir(d)) != NULL) {
    struct container *ct = NULL;
    struct brig_error e = {0};
    struct stat sb;
    /* a container's own file: not .state, .monitors, ... */
    if (de->d_name[0] == '.')
      continue;
    if (container_peek(dirfd(d), brig_g.root, de->d_name, &ct, &e) < 0) {
      /* Gone since the readdir (a delete at the same time): nothing to
       * say.  A damaged state is left out with a warning, as runc does
       * ("load container ID: ..."). */
      if (e.errnum != ENOENT)
        log_warn("list: %s", e.msg);
      container_free(ct);
      continue;
    }
    container_release(ct); /* read: no lock nor fd held to the end */
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      rows = xrealloc(rows, cap * sizeof(*rows));
    }
    rows[n].c = ct;
    rows[n].owner[0] = '\0';
    int pid = strcmp(ct->st.status, "stopped") == 0 ? 0 : (int)ct->st.pid;
    char *p = rows[n].pid; /* "%d" without printf, for 1,000 rows */
    if (pid < 0)
      *p++ = '-';
    p[fmt_u64(p, pid < 0 ? -(unsigned long long)pid : (unsigned)pid)] = '\0';
    if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
      owner_name(sb.st_uid, rows[n].owner, sizeof(rows[n].owner));
    n++;
  }
  if (n > 0)
    qsort(rows, n, sizeof(*rows), by_id);
  if (d != NULL) {
    mark_created(dirfd(d), rows, n);
    closedir(d);
  }
  setvbuf(stdout, out, _IOFBF, sizeof(out));
  if (quiet) {
    for (size_t i = 0; i < n; i++)
      printf("%s\n", rows[i].c->id);
  } else if (strcmp(format, "json") == 0) {
    if (n == 0)
      printf("null\n");
    else {
      putchar('[');
      for (size_t i = 0; i < n; i++) {
        const struct container_state *st = &rows[i].c->st;
        printf("%s{\"ociVersion\":", i ? "," : "");
        json_put_str(stdout, st->oci_version);
        printf(",\"id\":");
        json_put_str(stdout, st->id);
        printf(",\"pid\":%s,\"status\":", rows[i].pid);
        json_put_str(stdout, st->status);
        printf(",\"bundle\":");
        json_put_str(stdout, st->bundle);
        printf(",\"rootfs\":");
        json_put_str(stdout, st->rootfs);
        printf(",\"created\":");
        json_put_str(stdout, st->created);
        /* runc's: annotations (when any) before the owner */
        for (size_t a = 0; a < st->n_annotations; a++) {
          fputs(a ? "," : ",\"annotations\":{", stdout);
          json_put_str(stdout, st->annotations[a].key);
          putchar(':');
          json_put_str(stdout, st->annotations[a].value);
        }
        if (st->n_annotations > 0)
          putchar('}');
        printf(",\"owner\":");
        json_put_str(stdout, rows[i].owner);
        putchar('}');
      }
      printf("]\n");
    }
  } else {
    static const char *hdr[] = {"ID",     "PID",     "STATUS",
                                "BUNDLE", "CREATED", "OWNER"};
    size_t w[5], line_max = sizeof(rows[0].owner) + 1;
    for (size_t col = 0; col < 5; col++)
      line_max += w[col] = (size_t)width(rows, n, col);
    _cleanup_free_ char *line = xmalloc(line_max);
    put_row(line, w, hdr);
    for (size_t i = 0; i < n; i++) {
      const char *cells[] = {rows[i].c->id,         rows[i].pid,
                             rows[i].c->st.status,  rows[i].c->st.bundle,
                             rows[i].c->st.created, rows[i].owner};
      put_row(line, w, cells);
    }
  }
  for (size_t i = 0; i < n; i++)
    container_free(rows[i].c);
  free(rows);
  return 0;
}
