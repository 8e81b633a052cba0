/* brig list [-f table|json] [-q] */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
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

static int by_id(const void *a, const void *b) {
  return strcmp(((const struct row *)a)->c->id, ((const struct row *)b)->c->id);
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

CMD(list) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *format = "table";
  bool quiet = false;
  struct row *rows = NULL;
  size_t n = 0;
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
    if (de->d_name[0] == '.')
      continue;
    if (container_load(brig_g.root, de->d_name, &ct, &e) < 0) {
      container_free(ct);
      continue;
    }
    rows = xrealloc(rows, (n + 1) * sizeof(*rows));
    rows[n].c = ct;
    snprintf(rows[n].pid, sizeof(rows[n].pid), "%d",
             strcmp(ct->st.status, "stopped") == 0 ? 0 : (int)ct->st.pid);
    if (fstat(ct->dirfd, &sb) == 0) {
      struct passwd *pw = getpwuid(sb.st_uid);
      snprintf(rows[n].owner, sizeof(rows[n].owner), "%s",
               pw ? pw->pw_name : "");
      if (pw == NULL)
        snprintf(rows[n].owner, sizeof(rows[n].owner), "#%u", sb.st_uid);
    }
    n++;
  }
  if (d != NULL)
    closedir(d);
  if (n > 0)
    qsort(rows, n, sizeof(*rows), by_id);
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
        printf(",\"owner\":");
        json_put_str(stdout, rows[i].owner);
        putchar('}');
      }
      printf("]\n");
    }
  } else {
    int w[5];
    for (size_t col = 0; col < 5; col++)
      w[col] = width(rows, n, col);
    printf("%-*s%-*s%-*s%-*s%-*s%s\n", w[0], "ID", w[1], "PID", w[2], "STATUS",
           w[3], "BUNDLE", w[4], "CREATED", "OWNER");
    for (size_t i = 0; i < n; i++)
      printf("%-*s%-*s%-*s%-*s%-*s%s\n", w[0], rows[i].c->id, w[1], rows[i].pid,
             w[2], rows[i].c->st.status, w[3], rows[i].c->st.bundle, w[4],
             rows[i].c->st.created, rows[i].owner);
  }
  for (size_t i = 0; i < n; i++)
    container_free(rows[i].c);
  free(rows);
  return 0;
}
