/* The cgroup front: layout detection, the hierarchies mounted on this host,
 * cgroupsPath resolution, and dispatch to the v1 (and hybrid) or v2 driver.
 * Operations common to both drivers (kill_all, destroy) live here. */
#include "cgroup_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_UNIFIED CGROUP_ROOT "/unified"

static bool is_fs(const char *path, long magic) {
  struct statfs sfs;
  return statfs(path, &sfs) == 0 && (long)sfs.f_type == magic;
}

enum cgroup_layout cgroup_detect_layout(void) {
  struct statfs sfs;
  if (statfs(CGROUP_ROOT, &sfs) == 0) {
    if ((long)sfs.f_type == CGROUP2_SUPER_MAGIC)
      return CGROUP_LAYOUT_V2;
    if ((long)sfs.f_type == TMPFS_MAGIC &&
        is_fs(CGROUP_UNIFIED, CGROUP2_SUPER_MAGIC))
      return CGROUP_LAYOUT_HYBRID;
  }
  return CGROUP_LAYOUT_V1;
}

static void msleep(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* ---- file helpers ---- */

/* Paths under /sys/fs/cgroup are walked from a directory fd of it, opened
 * once per process.  A walk from "/" passes "sys" and "fs", sysfs
 * directories, and each lookup there takes sysfs's kernfs lock for
 * reading, which a new network namespace holds for writing while it
 * registers its loopback device: the runtime's mkdirs of the v1 cgroups,
 * made while the init makes its network namespace, waited on it (58 us
 * per run here), and ten walks of six components cost more than ten of
 * three.  A process that closes its inherited fds (a container init,
 * an exec helper) forgets the fd first (cgroup_forget_root_fd) and opens
 * its own when it needs one. */
static int cg_root_fd = -1;

void cgroup_forget_root_fd(void) {
  cg_root_fd = -1;
}

void cgroup_close_root_fd(void) {
  if (cg_root_fd >= 0)
    close(cg_root_fd);
  cg_root_fd = -1;
}

/* The fd to resolve path from and path relative to it. */
static const char *cg_at(const char *path, int *dirfd) {
  size_t n = strlen(CGROUP_ROOT);
  *dirfd = AT_FDCWD;
  if (strncmp(path, CGROUP_ROOT "/", n + 1) != 0 || path[n + 1] == '\0')
    return path;
  if (cg_root_fd < 0)
    cg_root_fd = open(CGROUP_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cg_root_fd < 0)
    return path;
  *dirfd = cg_root_fd;
  return path + n + 1;
}

/* dir/file built on the stack when it fits (list reads one per
 * container), on the heap past it; cg_file_done frees that. */
struct cg_file {
  char stack[512];
  char *heap;
  const char *path; /* dir/file in full, for messages */
  const char *rel;  /* what to open from at */
  int at;
};

static void cg_file_done(struct cg_file *f) {
  free(f->heap);
}

#define _cleanup_cg_file_ __attribute__((cleanup(cg_file_done)))

static void cg_file_init(struct cg_file *f, const char *dir, const char *file) {
  size_t dl = strlen(dir), fl = strlen(file);
  char *p = f->stack;
  f->heap = NULL;
  if (dl + fl + 2 > sizeof(f->stack))
    p = f->heap = xmalloc(dl + fl + 2);
  memcpy(p, dir, dl);
  p[dl] = '/';
  memcpy(p + dl + 1, file, fl + 1);
  f->path = p;
  f->rel = cg_at(p, &f->at);
}

int cg_open_write(const char *dir, const char *file) {
  _cleanup_cg_file_ struct cg_file f;
  cg_file_init(&f, dir, file);
  return openat(f.at, f.rel, O_WRONLY | O_CLOEXEC);
}

int cg_write(const char *dir, const char *file, const char *val,
             struct brig_error *err) {
  const char *nl = strchr(val, '\n');
  /* the kernel parses one line a write and drops the rest unread */
  if (nl != NULL && nl[1] != '\0')
    return brig_err(err, EINVAL,
                    "set %s=%s: a newline inside the value (a cgroup file "
                    "takes one line a write)",
                    file, val);
  /* (declared after the early return: its cleanup needs cg_file_init) */
  _cleanup_cg_file_ struct cg_file f;
  cg_undo_note(dir, file, val);
  cg_file_init(&f, dir, file);
  _cleanup_close_ int fd = openat(f.at, f.rel, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && cg_dir_exists(dir))
      return brig_err(err, ENOENT,
                      "set %s=%s: %s does not exist on this host "
                      "(not supported by the kernel)",
                      file, val, f.path);
    return brig_err(err, errno, "set %s=%s: open %s", file, val, f.path);
  }
  ssize_t n = write(fd, val, strlen(val));
  if (n < 0)
    return brig_err(err, errno, "set %s=%s", file, val);
  return 0;
}

int cg_write_u64(const char *dir, const char *file, uint64_t v,
                 struct brig_error *err) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%" PRIu64, v);
  return cg_write(dir, file, buf, err);
}

int cg_write_i64(const char *dir, const char *file, int64_t v,
                 struct brig_error *err) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%" PRId64, v);
  return cg_write(dir, file, buf, err);
}

int cg_read(const char *dir, const char *file, char **out) {
  struct brig_error e;
  _cleanup_cg_file_ struct cg_file f;
  size_t len;
  cg_file_init(&f, dir, file);
  if (read_file_at(f.at, f.rel, 1 << 20, out, &len, &e) < 0) {
    errno = e.errnum ? e.errnum : EIO;
    return -1;
  }
  return 0;
}

int cg_read_small(const char *dir, const char *file, char *buf, size_t len) {
  _cleanup_cg_file_ struct cg_file f;
  cg_file_init(&f, dir, file);
  _cleanup_close_ int fd = openat(f.at, f.rel, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0)
    return -1;
  /* cgroup files are seq files: one read gives all that fits */
  do
    n = read(fd, buf, len - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  if ((size_t)n == len - 1) {
    errno = EFBIG;
    return -1;
  }
  buf[n] = '\0';
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(a, b);
}

size_t cg_hugepage_sizes(char (*sizes)[24], size_t max) {
  DIR *d = opendir("/sys/kernel/mm/hugepages");
  struct dirent *e;
  size_t n = 0;
  while (d != NULL && n < max && (e = readdir(d)) != NULL) {
    unsigned long kb;
    if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
      continue;
    if (kb >= 1048576)
      snprintf(sizes[n++], 24, "%luGB", kb / 1048576);
    else if (kb >= 1024)
      snprintf(sizes[n++], 24, "%luMB", kb / 1024);
    else
      snprintf(sizes[n++], 24, "%luKB", kb);
  }
  if (d != NULL)
    closedir(d);
  /* in the order of their names: the order of runc's hugetlb keys (a Go
   * map's, sorted) */
  qsort(sizes, n, sizeof(sizes[0]), by_name);
  return n;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out) {
  char s[64];
  if (cg_read_small(dir, file, s, sizeof(s)) < 0)
    return -1;
  s[strcspn(s, "\n")] = '\0';
  if (strcmp(s, "max") == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  if (parse_u64(s, out) < 0) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

bool cg_file_exists(const char *dir, const char *file) {
  _cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
  int at;
  const char *rel = cg_at(path, &at);
  return faccessat(at, rel, F_OK, 0) == 0;
}

bool cg_dir_exists(const char *dir) {
  struct stat st;
  int at;
  const char *rel = cg_at(dir, &at);
  return fstatat(at, rel, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

static DIR *cg_opendir(const char *dir) {
  int at, fd;
  const char *rel = cg_at(dir, &at);
  DIR *d;
  fd = openat(at, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  d = fdopendir(fd);
  if (d == NULL)
    close(fd);
  return d;
}

static int cg_rmdir(const char *dir) {
  int at;
  const char *rel = cg_at(dir, &at);
  return unlinkat(at, rel, AT_REMOVEDIR);
}

static int cg_mkdir(const char *dir) {
  int at;
  const char *rel = cg_at(dir, &at);
  return mkdirat(at, rel, 0755);
}

static int read_pids_into(const char *dir, pid_t **pids, size_t *n, size_t *cap,
                          int depth, struct brig_error *err) {
  _cleanup_free_ char *s = NULL;
  if (cg_read(dir, "cgroup.procs", &s) < 0)
    return brig_err(err, errno, "read %s/cgroup.procs", dir);
  for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
    uint64_t v;
    if (parse_u64(line, &v) < 0 || v == 0 || v > INT32_MAX)
      continue;
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 16;
      *pids = xrealloc(*pids, *cap * sizeof(**pids));
    }
    (*pids)[(*n)++] = (pid_t)v;
  }
  /* cgroups the container made inside its own (cgroupns) hold its
   * processes too */
  DIR *d = depth < 32 ? cg_opendir(dir) : NULL;
  struct dirent *e;
  int ret = 0;
  while (d != NULL && ret == 0 && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    _cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
    if (read_pids_into(sub, pids, n, cap, depth + 1, err) < 0 &&
        err->errnum != ENOENT)
      ret = -1;
  }
  if (d != NULL)
    closedir(d);
  return ret;
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n,
                 struct brig_error *err) {
  size_t cap = 0;
  *pids = NULL;
  *n = 0;
  if (read_pids_into(dir, pids, n, &cap, 0, err) < 0) {
    free(*pids);
    *pids = NULL;
    *n = 0;
    return -1;
  }
  return 0;
}

int cg_rmdir_tree(const char *dir) {
  DIR *d;
  struct dirent *e;
  /* Most cgroups have no children: one rmdir, no directory walk. */
  if (cg_rmdir(dir) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY && errno != ENOTEMPTY)
    return -1;
  d = cg_opendir(dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  while ((e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    _cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
    cg_rmdir_tree(sub);
  }
  closedir(d);
  for (int i = 0; i < 100; i++) {
    if (cg_rmdir(dir) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY)
      return -1;
    msleep(10); /* tasks still exiting */
  }
  return -1;
}

/* A process in dir or in any cgroup under it. */
static bool cg_subtree_populated(const char *dir) {
  _cleanup_free_ char *path = xasprintf("%s/cgroup.procs", dir);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  char c;
  if (fd >= 0 && read(fd, &c, 1) == 1)
    return true;
  DIR *d = opendir(dir);
  struct dirent *e;
  bool found = false;
  while (d != NULL && !found && (e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    _cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
    found = cg_subtree_populated(sub);
  }
  if (d != NULL)
    closedir(d);
  return found;
}

/* A leaf cgroup that was there already: the container's only if no
 * process is in it or under it, since delete and a failed create kill
 * whatever is left in the container's cgroup and remove the cgroups under
 * it; and not frozen, or the init would stop on joining it (runc: "cgroup
 * unexpectedly frozen"). */
static int leaf_free(struct cgroup *cg, const char *dir,
                     struct brig_error *err) {
  _cleanup_free_ char *v1 = NULL, *v2 = NULL;
  if (cg_subtree_populated(dir))
    return cg->foreign = true,
           brig_err(err, EBUSY,
                    "cgroup %s already has processes (in it or in a cgroup "
                    "under it): not a container's own",
                    dir);
  if ((cg_read(dir, "freezer.state", &v1) == 0 && strncmp(v1, "THAWED", 6)) ||
      (cg_read(dir, "cgroup.freeze", &v2) == 0 && v2[0] == '1'))
    return cg->foreign = true,
           brig_err(err, EBUSY, "cgroup %s is frozen: not a container's own",
                    dir);
  return 0;
}

int cg_mkdir_path(struct cgroup *cg, struct cgroup_hier *h,
                  int (*made_hook)(const char *dir, bool leaf,
                                   struct brig_error *err),
                  struct brig_error *err) {
  _cleanup_free_ char *dir = xstrdup(h->mount);
  _cleanup_free_ char *rel = xstrdup(h->rel);
  char *save = NULL;
  /* The parents exist as a rule (/brig): the leaf alone first, the walk
   * (which makes and records missing parents) when that fails otherwise
   * than for being there. */
  if (h->dir != NULL && *h->rel != '\0' && cg_mkdir(h->dir) == 0) {
    cg->made = xrealloc(cg->made, (cg->n_made + 1) * sizeof(*cg->made));
    cg->made[cg->n_made++] = xstrdup(h->dir);
    return made_hook != NULL ? made_hook(h->dir, true, err) : 0;
  }
  if (h->dir != NULL && *h->rel != '\0' && errno == EEXIST)
    return leaf_free(cg, h->dir, err);
  for (char *c = strtok_r(rel, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    char *next = xasprintf("%s/%s", dir, c);
    free(dir);
    dir = next;
    if (cg_mkdir(dir) == 0) {
      cg->made = xrealloc(cg->made, (cg->n_made + 1) * sizeof(*cg->made));
      cg->made[cg->n_made++] = xstrdup(dir);
      if (made_hook != NULL &&
          made_hook(dir, save == NULL || *save == '\0', err) < 0)
        return -1;
    } else if (errno != EEXIST) {
      return brig_err(err, errno, "create cgroup %s", dir);
    } else if (save == NULL || *save == '\0') {
      return leaf_free(cg, dir, err);
    }
  }
  return 0;
}

/* ---- hierarchies ---- */

static bool in_list(const char *item, size_t len, const char *list) {
  for (const char *p = list; *p;) {
    size_t l = (size_t)(strchrnul(p, ',') - p);
    if (l == len && strncmp(p, item, len) == 0)
      return true;
    p += l;
    if (*p == ',')
      p++;
  }
  return false;
}

/* Same comma-separated set, any order. */
static bool same_set(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  /* the same items and as many commas: the same length */
  if (strlen(a) != strlen(b))
    return false;
  for (const char *p = a; *p;) {
    size_t l = (size_t)(strchrnul(p, ',') - p);
    if (!in_list(p, l, b))
      return false;
    na++;
    p += l + (p[l] == ',');
  }
  for (const char *p = b; *p;) {
    size_t l = (size_t)(strchrnul(p, ',') - p);
    nb++;
    p += l + (p[l] == ',');
  }
  return na == nb;
}

/* The controllers the kernel knows: the first field of each line of
 * /proc/cgroups but its header, as (pointer, length) into buf. */
struct known {
  char *buf;
  size_t n;
  const char *name[64];
  size_t len[64];
};

static void known_controllers(struct known *k) {
  struct brig_error e;
  size_t len;
  k->buf = NULL;
  k->n = 0;
  if (read_file_at(AT_FDCWD, "/proc/cgroups", 1 << 16, &k->buf, &len, &e) < 0)
    return;
  for (char *line = k->buf; *line != '\0' && k->n < 64;) {
    char *nl = strchrnul(line, '\n');
    size_t l = strcspn(line, " \t\n");
    if (line[0] != '#' && l > 0) {
      k->name[k->n] = line;
      k->len[k->n++] = l;
    }
    line = *nl ? nl + 1 : nl;
  }
}

static bool is_known(const struct known *k, const char *o, size_t len) {
  for (size_t i = 0; i < k->n; i++)
    if (k->len[i] == len && k->name[i][0] == o[0] &&
        memcmp(k->name[i], o, len) == 0)
      return true;
  return false;
}

static void add_hier(struct cgroup *cg, const char *controllers,
                     const char *mount, bool unified) {
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].unified == unified &&
        same_set(cg->h[i].controllers, controllers))
      return; /* the same hierarchy mounted twice: keep the first */
  cg->h = xrealloc(cg->h, (cg->n + 1) * sizeof(*cg->h));
  cg->h[cg->n] = (struct cgroup_hier){
      .controllers = xstrdup(controllers),
      .mount = xstrdup(mount),
      .unified = unified,
  };
  cg->n++;
}

/* The next field of *p (separated by spaces, tabs or a newline),
 * NUL-terminated in place; NULL when none is left. */
static bool is_blank(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n';
}

static char *next_field(char **p) {
  char *f = *p, *end;
  while (is_blank(*f))
    f++;
  if (*f == '\0')
    return NULL;
  for (end = f; *end != '\0' && !is_blank(*end); end++)
    ;
  if (*end != '\0')
    *end++ = '\0';
  *p = end;
  return f;
}

/* Fill cg->h from /proc/self/mountinfo: every v1 hierarchy under
 * /sys/fs/cgroup, plus the cgroup2 one (unified on hybrid, the root on v2).
 * Both files are read whole and cut in place: no stdio, no copies. */
static int find_hierarchies(struct cgroup *cg, struct brig_error *err) {
  _cleanup_free_ char *buf = NULL;
  struct known known;
  size_t len, root_len = strlen(CGROUP_ROOT);
  struct brig_error e;
  if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", 64 << 20, &buf, &len, &e) <
      0)
    return brig_err(err, e.errnum, "open /proc/self/mountinfo");
  known_controllers(&known);
  for (char *line = buf, *next; *line != '\0'; line = next) {
    /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE OPTIONS" */
    char *nl = strchrnul(line, '\n');
    char *sep, *p = line, *rest, *mnt = NULL, *fstype, *opts = NULL;
    next = *nl ? nl + 1 : nl;
    *nl = '\0';
    sep = strstr(line, " - ");
    if (sep == NULL || strncmp(sep + 3, "cgroup", 6) != 0)
      continue; /* most lines: not a cgroup fs */
    *sep = '\0';
    rest = sep + 3;
    fstype = next_field(&rest);
    if (fstype == NULL)
      continue;
    if (next_field(&rest) != NULL)
      opts = next_field(&rest);
    for (int i = 0; i < 5 && (mnt = next_field(&p)) != NULL; i++)
      ;
    if (mnt == NULL || opts == NULL)
      continue;
    if (strncmp(mnt, CGROUP_ROOT, root_len) != 0)
      continue;
    if (strcmp(fstype, "cgroup2") == 0) {
      if ((cg->layout == CGROUP_LAYOUT_V2 && strcmp(mnt, CGROUP_ROOT) == 0) ||
          (cg->layout == CGROUP_LAYOUT_HYBRID &&
           strcmp(mnt, CGROUP_UNIFIED) == 0))
        add_hier(cg, "", mnt, true);
      continue;
    }
    if (strcmp(fstype, "cgroup") != 0 || cg->layout == CGROUP_LAYOUT_V2)
      continue;
    /* The controllers are the super options the kernel knows, plus name=;
     * kept in order, written over opts (never longer). */
    char *w = opts;
    for (char *o = opts; *o != '\0';) {
      size_t l = strcspn(o, ",");
      char *after = o[l] ? o + l + 1 : o + l;
      if ((l >= 5 && strncmp(o, "name=", 5) == 0) || is_known(&known, o, l)) {
        if (w != opts)
          *w++ = ',';
        memmove(w, o, l);
        w += l;
      }
      o = after;
    }
    *w = '\0';
    if (*opts)
      add_hier(cg, opts, mnt, false);
  }
  free(known.buf);
  if (cg->n == 0)
    return brig_err(err, 0, "no cgroup hierarchy is mounted under %s",
                    CGROUP_ROOT);
  return 0;
}

/* The caller's own path in hierarchy h (from /proc/self/cgroup). */
static char *own_cgroup(const struct cgroup_hier *h, struct brig_error *err) {
  _cleanup_fclose_ FILE *f = fopen_re("/proc/self/cgroup");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  if (f == NULL)
    return brig_err(err, errno, "open /proc/self/cgroup"), NULL;
  while (getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL)
      continue;
    *c2 = '\0';
    bool v2line = strcmp(line, "0:") == 0 && c1[1] == '\0';
    if (h->unified ? v2line : (!v2line && same_set(c1 + 1, h->controllers)))
      return xstrdup(c2 + 1);
  }
  brig_err(err, 0, "cgroup %s: not listed in /proc/self/cgroup",
           *h->controllers ? h->controllers : "(unified)");
  return NULL;
}

static char *join_path(const char *a, const char *b) {
  size_t la = strlen(a);
  while (la > 0 && a[la - 1] == '/')
    la--;
  while (*b == '/')
    b++;
  size_t lb = strlen(b);
  char *p = xmalloc(la + lb + 2);
  memcpy(p, a, la);
  p[la] = '/';
  memcpy(p + la + 1, b, lb + 1);
  return p;
}

bool cgroup_path_is_clean(const char *p) {
  /* no "..", no "." components: the path must stay inside the hierarchy */
  for (const char *c = p; *c;) {
    while (*c == '/')
      c++;
    size_t l = strcspn(c, "/");
    if ((l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
      return false;
    c += l;
  }
  return true;
}

static void set_dir(struct cgroup_hier *h, const char *rel) {
  free(h->rel);
  free(h->dir);
  h->rel = xstrdup(rel);
  h->dir = join_path(h->mount, rel);
}

/* cgroup_path(): the common path, or one "controllers:path" line per
 * hierarchy when they differ. */
static void set_recorded_path(struct cgroup *cg) {
  bool same = true;
  free(cg->path);
  for (size_t i = 1; i < cg->n; i++)
    if (strcmp(cg->h[i].rel, cg->h[0].rel) != 0)
      same = false;
  if (same) {
    cg->path = xstrdup(cg->h[0].rel);
    return;
  }
  cg->path = xstrdup("");
  for (size_t i = 0; i < cg->n; i++) {
    char *n = xasprintf("%s%s%s:%s", cg->path, i ? "\n" : "",
                        cg->h[i].controllers, cg->h[i].rel);
    free(cg->path);
    cg->path = n;
  }
}

/* The layout and the hierarchies of this host, found once per process:
 * `list` and `monitor` look at one cgroup per container. */
static struct cgroup *host_hierarchies(struct brig_error *err) {
  static struct cgroup *found;
  if (found == NULL) {
    found = xcalloc(1, sizeof(*found));
    found->layout = cgroup_detect_layout();
    if (find_hierarchies(found, err) < 0) {
      cgroup_free(found);
      found = NULL;
    }
  }
  return found;
}

static struct cgroup *cgroup_new(struct brig_error *err) {
  struct cgroup *found = host_hierarchies(err);
  struct cgroup *cg;

  if (found == NULL)
    return NULL;
  cg = xcalloc(1, sizeof(*cg));
  cg->layout = found->layout;
  cg->drv =
      cg->layout == CGROUP_LAYOUT_V2 ? &cgroup_driver_v2 : &cgroup_driver_v1;
  cg->h = xcalloc(found->n, sizeof(*cg->h));
  for (size_t i = 0; i < found->n; i++) {
    cg->h[i].controllers = xstrdup(found->h[i].controllers);
    cg->h[i].mount = xstrdup(found->h[i].mount);
    cg->h[i].unified = found->h[i].unified;
  }
  cg->n = found->n;
  return cg;
}

char *cgroup_default_path(const char *id) {
  return xasprintf(CGROUP_DEFAULT_PARENT "/%s", id);
}

int cgroup_resolve(const char *id, const char *cgroups_path,
                   struct cgroup **out, struct brig_error *err) {
  struct cgroup *cg;
  *out = NULL;
  if (cgroups_path != NULL && *cgroups_path &&
      !cgroup_path_is_clean(cgroups_path))
    return brig_err(err, 0,
                    "linux.cgroupsPath %s: must not contain \".\" or \"..\"",
                    cgroups_path);
  cg = cgroup_new(err);
  if (cg == NULL)
    return -1;
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_hier *h = &cg->h[i];
    _cleanup_free_ char *rel = NULL;
    if (cgroups_path == NULL || *cgroups_path == '\0') {
      rel = cgroup_default_path(id);
    } else if (cgroups_path[0] == '/') {
      rel = xstrdup(cgroups_path);
    } else {
      _cleanup_free_ char *own = own_cgroup(h, err);
      if (own == NULL) {
        cgroup_free(cg);
        return -1;
      }
      /* v2: under the parent of its own cgroup, as runc's fs2 driver puts
       * it (the own one holds processes, so no controller could be
       * enabled for a cgroup under it) */
      if (cg->layout == CGROUP_LAYOUT_V2) {
        char *slash = strrchr(own, '/');
        if (slash != NULL)
          slash[slash == own ? 1 : 0] = '\0';
      }
      rel = join_path(own, cgroups_path);
    }
    set_dir(h, rel);
  }
  set_recorded_path(cg);
  *out = cg;
  return 0;
}

int cgroup_make(struct cgroup *cg, struct brig_error *err) {
  return cgroup_make_some(cg, CGROUP_HIER_ALL, err);
}

int cgroup_make_some(struct cgroup *cg, unsigned which,
                     struct brig_error *err) {
  if (cg->drv->create(cg, which, err) < 0) {
    /* undo what was made, children first */
    for (size_t i = cg->n_made; i-- > 0;)
      rmdir(cg->made[i]);
    return -1;
  }
  return 0;
}

int cgroup_create(const char *id, const char *cgroups_path, struct cgroup **out,
                  struct brig_error *err) {
  if (cgroup_resolve(id, cgroups_path, out, err) < 0)
    return -1;
  if (cgroup_make(*out, err) < 0) {
    cgroup_free(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

/* h's path in a recorded cgroup path (cgroup_path()): the path itself when
 * it is one line, else the last "controllers:path" line naming h's
 * controllers ("" for cgroup2); NULL when none does. */
static char *recorded_rel(const char *path, const struct cgroup_hier *h) {
  const char *found = NULL;
  size_t found_len = 0;
  if (strchr(path, '\n') == NULL)
    return xstrdup(path);
  for (const char *l = path; *l;) {
    size_t len = strcspn(l, "\n");
    const char *colon = memchr(l, ':', len);
    if (colon != NULL && h->unified == (colon == l)) {
      _cleanup_free_ char *ctrls = xstrndup(l, (size_t)(colon - l));
      if (same_set(h->controllers, ctrls)) {
        found = colon + 1;
        found_len = len - (size_t)(colon + 1 - l);
      }
    }
    l += len + (l[len] == '\n');
  }
  return found == NULL ? NULL : xstrndup(found, found_len);
}

int cgroup_path_is_frozen(const char *path) {
  static struct cgroup_hier *src; /* the host's: found once */
  struct brig_error e = {0};
  struct cgroup *host = host_hierarchies(&e);
  _cleanup_free_ char *rel = NULL, *dir = NULL, *file = NULL;
  if (host == NULL || path == NULL || *path == '\0')
    return -1;
  /* the one hierarchy the driver's is_frozen reads */
  if (src == NULL)
    src = cg_hier(host, host->layout == CGROUP_LAYOUT_V2 ? "" : "freezer");
  if (src == NULL || (rel = recorded_rel(path, src)) == NULL)
    return 0;
  dir = join_path(src->mount, rel);
  file = join_path(dir, src->unified ? "cgroup.freeze" : "freezer.state");
  return cgroup_file_is_frozen(file);
}

char *cgroup_freezer_file(struct cgroup *cg) {
  struct cgroup_hier *h;
  if (cg->layout == CGROUP_LAYOUT_V2)
    return cg->n > 0 ? join_path(cg->h[0].dir, "cgroup.freeze") : NULL;
  h = cg_hier(cg, "freezer");
  return h != NULL ? join_path(h->dir, "freezer.state") : NULL;
}

int cgroup_file_is_frozen(const char *file) {
  const char *base = strrchr(file, '/');
  bool v2;
  if (base == NULL || base == file || *file != '/')
    return -1;
  if (strcmp(base + 1, "cgroup.freeze") == 0)
    v2 = true;
  else if (strcmp(base + 1, "freezer.state") == 0)
    v2 = false;
  else
    return -1;
  _cleanup_free_ char *dir = xstrndup(file, (size_t)(base - file));
  struct cgroup_hier one = {
      .controllers = v2 ? "" : "freezer", .dir = dir, .unified = v2};
  struct cgroup cg = {
      .drv = v2 ? &cgroup_driver_v2 : &cgroup_driver_v1,
      .layout = v2 ? CGROUP_LAYOUT_V2 : CGROUP_LAYOUT_V1,
      .h = &one,
      .n = 1,
  };
  return cg.drv->is_frozen(&cg);
}

int cgroup_open(const char *path, struct cgroup **out, struct brig_error *err) {
  struct cgroup *cg;
  *out = NULL;
  /* brig writes the field always, "" when it made no cgroup */
  if (path == NULL)
    return brig_err(err, 0,
                    "state.json: brig.cgroupPath is missing or not a string "
                    "(a damaged state)");
  if (*path == '\0')
    return brig_err(err, 0,
                    "the container has no cgroup (rootless, without a "
                    "cgroup delegated to its user)");
  cg = cgroup_new(err);
  if (cg == NULL)
    return -1;
  for (size_t i = 0; i < cg->n; i++) {
    _cleanup_free_ char *rel = recorded_rel(path, &cg->h[i]);
    /* create never records one: a damaged state.json must not send a
     * kill --all or a delete to the cgroups above the container's */
    if (rel != NULL && !cgroup_path_is_clean(rel)) {
      cgroup_free(cg);
      return brig_err(err, 0,
                      "state.json: brig.cgroupPath %s has a \"..\" or \".\" "
                      "component (a damaged state)",
                      rel);
    }
    if (rel != NULL)
      set_dir(&cg->h[i], rel);
  }
  if (strchr(path, '\n') != NULL) {
    /* a hierarchy mounted since the container was made: not ours */
    size_t k = 0;
    for (size_t i = 0; i < cg->n; i++) {
      if (cg->h[i].dir != NULL) {
        cg->h[k++] = cg->h[i];
      } else {
        free(cg->h[i].controllers);
        free(cg->h[i].mount);
      }
    }
    cg->n = k;
    if (k == 0) {
      cgroup_free(cg);
      return brig_err(err, 0, "open cgroup: no hierarchy in recorded path");
    }
  }
  set_recorded_path(cg);
  *out = cg;
  return 0;
}

/* Whether the controller name at c (up to ',' or ':') is named in the
 * prefixes of args[0..a-1] or earlier in args[a]'s. */
static bool named_before(char *const *args, size_t a, const char *c) {
  size_t l = strcspn(c, ",:");
  for (size_t k = 0; k <= a; k++) {
    const char *colon = strchr(args[k], ':');
    for (const char *p = args[k]; colon != NULL && p < colon;) {
      size_t pl = strcspn(p, ",:");
      if (p == c || pl == 0)
        return false;
      if (pl == l && strncmp(p, c, l) == 0)
        return true;
      p += pl + (p[pl] == ',');
    }
  }
  return false;
}

int cgroup_descend(struct cgroup *cg, char *const *args,
                   struct brig_error *err) {
  size_t n = strv_len(args);
  /* the sub-cgroup each hierarchy gets (NULL: the container's own) */
  _cleanup_free_ const char **sub = xcalloc(cg->n + 1, sizeof(*sub));

  for (size_t a = 0; a < n; a++) {
    const char *arg = args[a], *colon = strchr(arg, ':');
    const char *path = colon != NULL ? colon + 1 : arg;
    if (!cgroup_path_is_clean(path))
      return brig_err(err, 0, "--cgroup %s: must not contain \".\" or \"..\"",
                      arg);
    if (colon == NULL) {
      if (n != 1)
        return brig_err(err, 0,
                        "invalid --cgroup argument: %s (missing <controller>: "
                        "prefix)",
                        arg);
      for (size_t i = 0; i < cg->n; i++)
        sub[i] = path;
      continue;
    }
    for (const char *c = arg;; c++) {
      size_t l = strcspn(c, ",:"), i;
      if (l == 0)
        return brig_err(err, 0,
                        "invalid --cgroup argument: %s (empty <controller> "
                        "prefix)",
                        arg);
      if (named_before(args, a, c))
        return brig_err(err, 0,
                        "invalid --cgroup argument(s): controller %.*s "
                        "specified multiple times",
                        (int)l, c);
      for (i = 0; i < cg->n; i++)
        if (!cg->h[i].unified && in_list(c, l, cg->h[i].controllers))
          break;
      if (i == cg->n)
        return brig_err(err, 0, "--cgroup %s: unknown controller %.*s", arg,
                        (int)l, c);
      /* cpu and cpuacct share "cpu,cpuacct": one sub-cgroup for both */
      if (sub[i] != NULL && strcmp(sub[i], path) != 0)
        return brig_err(err, 0,
                        "--cgroup %s: %.*s shares the hierarchy %s with a "
                        "controller given another sub-cgroup",
                        arg, (int)l, c, cg->h[i].controllers);
      sub[i] = path;
      c += l;
      if (*c != ',')
        break; /* the ':' */
    }
  }
  for (size_t i = 0; i < cg->n; i++) {
    struct stat st;
    if (sub[i] == NULL || sub[i][strspn(sub[i], "/")] == '\0')
      continue;
    _cleanup_free_ char *rel = join_path(cg->h[i].rel, sub[i]);
    set_dir(&cg->h[i], rel);
    if (stat(cg->h[i].dir, &st) < 0)
      return brig_err(err, errno, "--cgroup: sub-cgroup %s", cg->h[i].dir);
  }
  return 0;
}

const char *cgroup_path(const struct cgroup *cg) {
  return cg->path;
}

enum cgroup_layout cgroup_get_layout(const struct cgroup *cg) {
  return cg->layout;
}

struct cgroup_hier *cg_hier(struct cgroup *cg, const char *controller) {
  for (size_t i = 0; i < cg->n; i++) {
    struct cgroup_hier *h = &cg->h[i];
    if (*controller == '\0'
            ? h->unified
            : (!h->unified &&
               in_list(controller, strlen(controller), h->controllers)))
      return h;
  }
  return NULL;
}

bool cgroup_v1_dir_at(const struct cgroup *cg, size_t i, const char **name,
                      const char **dir) {
  for (size_t k = 0; k < cg->n; k++) {
    const struct cgroup_hier *h = &cg->h[k];
    if (h->unified || h->dir == NULL)
      continue;
    if (i-- == 0) {
      const char *slash = strrchr(h->mount, '/');
      *name = slash ? slash + 1 : h->mount;
      *dir = h->dir;
      return true;
    }
  }
  return false;
}

void cgroup_free(struct cgroup *cg) {
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n; i++) {
    free(cg->h[i].controllers);
    free(cg->h[i].mount);
    free(cg->h[i].rel);
    free(cg->h[i].dir);
  }
  free(cg->h);
  for (size_t i = 0; i < cg->n_made; i++)
    free(cg->made[i]);
  free(cg->made);
  free(cg->path);
  free(cg);
}

/* "oom_kill N" of memory.oom_control (v1) or memory.events (v2). */
uint64_t cgroup_oom_kills(struct cgroup *cg) {
  static const char *files[] = {"memory.oom_control", "memory.events"};
  for (size_t i = 0; i < 2; i++) {
    char *v = NULL, *p;
    struct brig_error e = {0};
    uint64_t n = 0;
    if (cgroup_get_value(cg, files[i], &v, &e) < 0)
      continue;
    p = strstr(v, "oom_kill ");
    if (p != NULL)
      n = strtoull(p + 9, NULL, 10);
    free(v);
    return n;
  }
  return 0;
}

uint64_t cgroup_io_bytes(const struct events_stats *st) {
  const struct events_blkio_list *l = &st->blkio[EVENTS_BLKIO_SERVICE_BYTES];
  uint64_t total = 0, rw = 0;
  bool has_total = false;
  for (size_t i = 0; i < l->n; i++) {
    if (strcasecmp(l->v[i].op, "total") == 0) {
      total += l->v[i].value;
      has_total = true;
    } else if (strcasecmp(l->v[i].op, "read") == 0 ||
               strcasecmp(l->v[i].op, "write") == 0) {
      rw += l->v[i].value;
    }
  }
  return has_total ? total : rw;
}

/* ---- dispatch ---- */

/* The field of linux.resources a cgroup file (v1 or v2) is written from:
 * a write the kernel refused names it. */
static const char *resource_field(const char *file) {
  static const char *const map[][2] = {
      {"memory.limit_in_bytes", "memory.limit"},
      {"memory.max", "memory.limit"},
      {"memory.soft_limit_in_bytes", "memory.reservation"},
      {"memory.low", "memory.reservation"},
      {"memory.memsw.limit_in_bytes", "memory.swap"},
      {"memory.swap.max", "memory.swap"},
      {"memory.kmem.limit_in_bytes", "memory.kernel"},
      {"memory.swappiness", "memory.swappiness"},
      {"memory.oom_control", "memory.disableOOMKiller"},
      {"memory.use_hierarchy", "memory.useHierarchy"},
      {"cpu.shares", "cpu.shares"},
      {"cpu.weight", "cpu.shares"},
      {"cpu.cfs_quota_us", "cpu.quota"},
      {"cpu.cfs_period_us", "cpu.period"},
      {"cpu.max", "cpu.quota"},
      {"cpu.cfs_burst_us", "cpu.burst"},
      {"cpu.max.burst", "cpu.burst"},
      {"cpu.rt_runtime_us", "cpu.realtimeRuntime"},
      {"cpu.rt_period_us", "cpu.realtimePeriod"},
      {"cpu.idle", "cpu.idle"},
      {"cpuset.cpus", "cpu.cpus"},
      {"cpuset.mems", "cpu.mems"},
      {"pids.max", "pids.limit"},
      {"blkio.weight", "blockIO.weight"},
      {"blkio.bfq.weight", "blockIO.weight"},
      {"blkio.leaf_weight", "blockIO.leafWeight"},
      {"blkio.weight_device", "blockIO.weightDevice"},
      {"blkio.bfq.weight_device", "blockIO.weightDevice"},
      {"blkio.leaf_weight_device", "blockIO.weightDevice"},
      {"blkio.throttle.read_bps_device", "blockIO.throttleReadBpsDevice"},
      {"blkio.throttle.write_bps_device", "blockIO.throttleWriteBpsDevice"},
      {"blkio.throttle.read_iops_device", "blockIO.throttleReadIOPSDevice"},
      {"blkio.throttle.write_iops_device", "blockIO.throttleWriteIOPSDevice"},
      {"io.weight", "blockIO"},
      {"io.bfq.weight", "blockIO"},
      {"io.max", "blockIO"},
      {"net_cls.classid", "network.classID"},
      {"net_prio.ifpriomap", "network.priorities"},
      {"rdma.max", "rdma"},
      {"devices.allow", "devices"},
      {"devices.deny", "devices"},
  };
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (strcmp(file, map[i][0]) == 0)
      return map[i][1];
  return strncmp(file, "hugetlb.", 8) == 0 ? "hugepageLimits" : NULL;
}

int cgroup_apply(struct cgroup *cg, const struct spec_resources *res,
                 bool update, struct brig_error *err) {
  /* no resources still means the device allow-list */
  static const struct spec_resources none;
  char file[64];
  const struct spec_memory *m = res != NULL ? res->memory : NULL;
  if (m != NULL && m->kernel.set && m->kernel.v != 0)
    log_warn("linux.resources.memory.kernel: kernel memory settings are "
             "ignored and will be removed (as runc)");
  if (m != NULL && m->kernel_tcp.set && m->kernel_tcp.v != 0)
    log_warn("linux.resources.memory.kernelTCP: kernel memory settings are "
             "ignored and will be removed (as runc)");
  /* an update that fails part way leaves the files as they were (runc) */
  if (update)
    cg_undo_begin();
  int ret = cg->drv->apply(cg, res != NULL ? res : &none, update, err);
  if (update && ret < 0)
    cg_undo_restore();
  if (update)
    cg_undo_end();
  if (ret == 0)
    return 0;
  /* "set FILE=VALUE...": name the field */
  size_t n = strcspn(err->msg, "=");
  if (strncmp(err->msg, "set ", 4) != 0 || err->msg[n] != '=' ||
      n - 4 >= sizeof(file))
    return -1;
  memcpy(file, err->msg + 4, n - 4);
  file[n - 4] = '\0';
  const char *field = resource_field(file);
  return brig_err_wrap(err, "linux.resources%s%s", field ? "." : "",
                       field ? field : "");
}

int cgroup_add_pid(struct cgroup *cg, pid_t pid, unsigned which,
                   struct brig_error *err) {
  return cg->drv->add_pid(cg, pid, which, err);
}

int cgroup_join_self_v1(struct cgroup *cg, struct brig_error *err) {
  int ret = 0;
  for (size_t i = 0; i < cg->n && ret == 0; i++)
    if (!cg->h[i].unified && cg_write(cg->h[i].dir, "tasks", "0", err) < 0)
      ret = brig_err_wrap(err, "join cgroup %s", cg->h[i].dir);
  /* The init goes on into the container: no fd of the host's cgroup tree
   * stays with it (CVE-2024-21626). */
  cgroup_close_root_fd();
  return ret;
}

int cgroup_clone_fd(struct cgroup *cg) {
  const struct cgroup_hier *h;
  if (cg == NULL || cg->layout == CGROUP_LAYOUT_V1 || cg->n == 0)
    return -1;
  h = cg_hier(cg, "");
  if (h == NULL)
    return -1;
  int at;
  const char *rel = cg_at(h->dir, &at);
  return openat(at, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_freeze(struct cgroup *cg, bool freeze, struct brig_error *err) {
  return cg->drv->freeze(cg, freeze, err);
}

int cgroup_is_frozen(struct cgroup *cg) {
  return cg->drv->is_frozen(cg);
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n,
                struct brig_error *err) {
  const char *dir = cg->drv->procs_dir(cg);
  if (!cg_dir_exists(dir)) {
    *pids = NULL;
    *n = 0;
    return 0; /* removed: nothing left in it */
  }
  return cg_read_pids(dir, pids, n, err);
}

int cgroup_stats(struct cgroup *cg, struct events_stats *st,
                 struct brig_error *err) {
  memset(st, 0, sizeof(*st));
  return cg->drv->stats(cg, st, err);
}

int cgroup_oom_eventfd(struct cgroup *cg, struct brig_error *err) {
  return cg->drv->oom_eventfd(cg, err);
}

static struct cgroup_hier *hier_for_key(struct cgroup *cg, const char *key,
                                        struct brig_error *err) {
  size_t l = strcspn(key, ".");
  if (key[l] == '\0' || strchr(key, '/') != NULL || key[0] == '.')
    return brig_err(err, 0, "%s: not a cgroup file name", key), NULL;
  _cleanup_free_ char *ctrl = xasprintf("%.*s", (int)l, key);
  struct cgroup_hier *h = NULL;
  if (cg->layout != CGROUP_LAYOUT_V2 && strcmp(ctrl, "cgroup") != 0)
    h = cg_hier(cg, ctrl);
  if (h == NULL && cg->layout != CGROUP_LAYOUT_V1)
    h = cg_hier(cg, "");
  if (h == NULL && cg->n > 0 && strcmp(ctrl, "cgroup") == 0)
    h = &cg->h[0];
  if (h == NULL)
    brig_err(err, 0, "%s: the %s controller is not mounted on this host", key,
             ctrl);
  return h;
}

int cgroup_get_value(struct cgroup *cg, const char *key, char **value,
                     struct brig_error *err) {
  struct cgroup_hier *h = hier_for_key(cg, key, err);
  if (h == NULL)
    return -1;
  if (cg_read(h->dir, key, value) < 0)
    return brig_err(err, errno, "read %s/%s", h->dir, key);
  return 0;
}

int cgroup_set_value(struct cgroup *cg, const char *key, const char *value,
                     struct brig_error *err) {
  struct cgroup_hier *h = hier_for_key(cg, key, err);
  if (h == NULL)
    return -1;
  return cg_write(h->dir, key, value, err);
}

/* ---- kill and destroy (both drivers) ---- */

bool cgroup_exists(const struct cgroup *cg) {
  for (size_t i = 0; i < cg->n; i++)
    if (cg_dir_exists(cg->h[i].dir))
      return true;
  return false;
}

int cgroup_kill_all(struct cgroup *cg, int sig, struct brig_error *err) {
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  struct brig_error ignored;
  if (sig == SIGKILL && cg->drv->kill != NULL &&
      cg->drv->kill(cg, &ignored) == 0)
    return 0;
  int was_frozen = cgroup_is_frozen(cg);
  /* Freeze first so nothing forks past the signal (signal 0 only asks). */
  bool froze =
      sig != 0 && was_frozen == 0 && cgroup_freeze(cg, true, &ignored) == 0;
  int ret = cgroup_pids(cg, &pids, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH)
      ret = brig_err(err, errno, "kill %d", (int)pids[i]);
  /* Thawed afterwards, a paused container too (runc's signalAllProcesses):
   * its processes take the signal now, not at a `resume`. */
  if (froze || (was_frozen == 1 && sig != 0))
    cgroup_freeze(cg, false, &ignored);
  return ret;
}

void cg_rmdir_made(struct cgroup *cg, bool leaves) {
  /* except the shared /brig, which another container may be entering */
  for (size_t i = cg->n_made; i-- > 0;) {
    const char *base = strrchr(cg->made[i], '/');
    bool leaf = false;
    for (size_t j = 0; !leaves && j < cg->n; j++)
      leaf = leaf || strcmp(cg->made[i], cg->h[j].dir) == 0;
    if (!leaf && !(base && strcmp(base, CGROUP_DEFAULT_PARENT) == 0))
      rmdir(cg->made[i]);
  }
}

int cgroup_destroy(struct cgroup *cg, struct brig_error *err) {
  const char *procs = cg->drv->procs_dir(cg);
  if (cg->foreign) {
    /* a create refused: only the directories it made, nobody killed */
    cg_rmdir_made(cg, true);
    return 0;
  }
  /* The usual case, a container whose processes are gone: the directory
   * that holds every process is removed at once (the kernel refuses while
   * a process or a child cgroup is left in it), and the others after it,
   * without reading cgroup.procs and walking for child cgroups first. */
  if (procs != NULL && cg_rmdir(procs) == 0)
    return cg->drv->remove(cg, err);
  /* Kill until cgroup.procs is empty (about 5 s at most). */
  for (int i = 0; i < 500; i++) {
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    struct brig_error e;
    if (cgroup_pids(cg, &pids, &n, &e) < 0 || n == 0)
      break;
    if (i % 10 == 0)
      cgroup_kill_all(cg, SIGKILL, &e);
    msleep(10);
  }
  return cg->drv->remove(cg, err);
}

const char *cgroup_dir_at(const struct cgroup *cg, size_t i) {
  return i < cg->n ? cg->h[i].dir : NULL;
}

uint64_t cg_read_u64_or_0(const char *dir, const char *file) {
  uint64_t v;
  return cg_read_u64(dir, file, &v) == 0 ? v : 0;
}

void cg_read_kv(const char *dir, const char *file,
                void (*fn)(void *ctx, const char *k, uint64_t v), void *ctx) {
  _cleanup_free_ char *s = NULL;
  if (cg_read(dir, file, &s) < 0)
    return;
  for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
    char key[128];
    uint64_t v;
    if (sscanf(line, "%127s %" SCNu64, key, &v) == 2)
      fn(ctx, key, v);
  }
}

void cg_read_range_list(const char *dir, const char *file,
                        struct events_u64_list *l) {
  _cleanup_free_ char *s = NULL;
  if (cg_read(dir, file, &s) < 0)
    return;
  s[strcspn(s, "\n")] = '\0';
  for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
    unsigned long a, b;
    int n = sscanf(t, "%lu-%lu", &a, &b);
    if (n == 1)
      b = a;
    if (n < 1 || b < a || b - a > 65536)
      continue;
    for (unsigned long v = a; v <= b; v++) {
      l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
      l->v[l->n++] = v;
    }
  }
}
