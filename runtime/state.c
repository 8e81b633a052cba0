/* A container's files in the state root (container.h): id rules, locking,
 * state.json, and the live status of a container derived from its init
 * process. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "contain.h"
#include "exitnote.h"
#include "proc.h"
#include "util.h"

#define STATE_MAX (1u << 20)

int container_id_valid(const char *id, struct brig_error *err) {
  /* the state root's own directories (container.h, exitnote.h) */
  static const char *const reserved[] = {STATE_KIND, TMP_KIND,    FIFO_KIND,
                                         KEPT_KIND,  NOTIFY_KIND, MONITOR_DIR};
  size_t len = strlen(id);
  if (len == 0)
    return brig_err(err, 0, "container id cannot be empty");
  if (len > 255)
    return brig_err(err, 0, "invalid container id: longer than 255 bytes");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return brig_err(err, 0, "invalid container id: %s", id);
  for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
    if (strcmp(id, reserved[i]) == 0)
      return brig_err(err, 0,
                      "invalid container id: %s (a name of the state root's "
                      "own)",
                      id);
  /* every name of the state root's own starts with '.', and list and
   * monitor pass over them: such an id would hide its container */
  if (id[0] == '.')
    return brig_err(err, 0,
                    "invalid container id: %s (a leading '.' is for the "
                    "state root's own names)",
                    id);
  for (const char *p = id; *p; p++) {
    char ch = *p;
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
        (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '+' ||
        ch == '-')
      continue;
    return brig_err(err, 0, "invalid container id: %s", id);
  }
  return 0;
}

int container_root_open(const char *root, bool create, struct brig_error *err) {
  /* It is there but on the first run: made (mkdir -p) only when the
   * open fails. */
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    return fd;
  if (create && mkdir_p(root, 0700) < 0)
    return brig_err(err, errno, "create state root %s", root);
  fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open state root %s", root);
  return fd;
}

void container_file(char buf[CONTAINER_FILE_MAX], const char *id,
                    const char *kind) {
  /* snprintf's "%s/%s" without its format parsing (list does this for
   * each container): cut to fit the same way */
  size_t k = strnlen(kind, CONTAINER_FILE_MAX - 1);
  size_t i =
      k + 1 < CONTAINER_FILE_MAX ? strnlen(id, CONTAINER_FILE_MAX - 2 - k) : 0;
  memcpy(buf, kind, k);
  if (k + 1 < CONTAINER_FILE_MAX) {
    buf[k++] = '/';
    memcpy(buf + k, id, i);
  }
  buf[k + i] = '\0';
}

int container_kind_dir(int rootfd, const char *kind, bool make,
                       struct brig_error *err) {
  int fd = openat(rootfd, kind, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && make) {
    if (mkdirat(rootfd, kind, 0700) < 0 && errno != EEXIST)
      return brig_err(err, errno, "create %s in the state root", kind);
    fd = openat(rootfd, kind, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0)
    return brig_err(err, errno == ELOOP ? ENOTDIR : errno,
                    "%s in the state root", kind);
  return fd;
}

/* One of a container's files, by a path with no symlink anywhere (the
 * kind directory included): one openat2, or two opens where it is
 * missing. */
static int open_file_of(int rootfd, const char *id, const char *kind) {
  char path[CONTAINER_FILE_MAX];
  struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
                         .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
  int fd;

  container_file(path, id, kind);
  fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS) {
    int dirfd =
        openat(rootfd, kind, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dirfd < 0)
      return -1;
    fd = openat(dirfd, id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    close(dirfd);
  }
  return fd;
}

/* <root>/<id>, the container's own file: a regular one (O_NOFOLLOW: a
 * symlink planted there is never followed). */
static int open_self(int rootfd, const char *id, struct brig_error *err) {
  struct stat sb;
  int fd = openat(rootfd, id, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      brig_err(err, 0, "container does not exist");
      err->errnum = ENOENT;
      return -1;
    }
    return brig_err(err, errno, "open the state of %s", id);
  }
  if (fstat(fd, &sb) < 0) {
    int saved = errno;
    close(fd);
    return brig_err(err, saved, "stat the state of %s", id);
  }
  if (!S_ISREG(sb.st_mode)) {
    close(fd);
    return brig_err(err, 0, "state of %s: not a regular file", id);
  }
  return fd;
}

static int lock_self(struct container *c, bool wait, struct brig_error *err) {
  struct stat sb;
  while (flock(c->selffd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
    if (errno != EINTR)
      return brig_err(err, errno, "lock the state of %s", c->id);
  }
  c->locked = true;
  /* Removed while we waited: another container may have its id by now,
   * but this one is gone. */
  if (fstat(c->selffd, &sb) == 0 && sb.st_nlink == 0) {
    container_unlock(c);
    brig_err(err, 0, "container does not exist");
    err->errnum = ENOENT;
    return -1;
  }
  return 0;
}

int container_lock(struct container *c, struct brig_error *err) {
  return lock_self(c, true, err);
}

void container_unlock(struct container *c) {
  if (c->locked && c->selffd >= 0)
    flock(c->selffd, LOCK_UN);
  c->locked = false;
}

void container_release(struct container *c) {
  container_unlock(c);
  if (c->selffd >= 0)
    close(c->selffd);
  if (c->rootfd >= 0)
    close(c->rootfd);
  c->selffd = c->rootfd = -1;
}

/* The live status; rootfd: the state root, id: the container's. */
static const char *live_status_at(const struct container_state *st, int rootfd,
                                  const char *id) {
  char fifo[CONTAINER_FILE_MAX];
  struct stat sb;

  /* A create never finished: it is in progress (the creator holds the
   * lock) or died; `delete --force` removes what it made. */
  if (strcmp(st->status, "creating") == 0)
    return "creating";
  if (st->pid <= 0)
    return "stopped";
  if (!proc_alive(st->pid, st->init_start_time))
    return "stopped";
  if (st->freezer_file != NULL
          ? cgroup_file_is_frozen(st->freezer_file) == 1
          : st->cgroup_path != NULL && *st->cgroup_path != '\0' &&
                cgroup_path_is_frozen(st->cgroup_path) == 1)
    return "paused";
  container_file(fifo, id, FIFO_KIND);
  if (rootfd != -1 && fstatat(rootfd, fifo, &sb, AT_SYMLINK_NOFOLLOW) == 0)
    return "created";
  return "running";
}

const char *container_live_status(const struct container *c) {
  return live_status_at(&c->st, c->rootfd, c->id);
}

/* st.status from the live init (live_status_at reads the recorded one:
 * replaced after). */
static void set_live_status(struct container *c, int rootfd) {
  char *now = xstrdup(live_status_at(&c->st, rootfd, c->id));
  free(c->st.status);
  c->st.status = now;
}

static struct container *container_new(const char *root, const char *id) {
  struct container *c = xcalloc(1, sizeof(*c));
  c->rootfd = -1;
  c->selffd = -1;
  c->id = xstrdup(id);
  c->root = xstrdup(root);
  return c;
}

/* The state of a container whose create has saved nothing: "creating",
 * created when its own file was made (self: that file's stat, or NULL:
 * empty), so that "created" is always a time a Go client can parse. */
static void set_creating(struct container *c, const char *id,
                         const struct stat *self) {
  c->st.id = xstrdup(id);
  c->st.status = xstrdup("creating");
  c->st.oci_version = xstrdup("");
  c->st.bundle = xstrdup("");
  c->st.rootfs = xstrdup("");
  c->st.created = self != NULL ? rfc3339_at(&self->st_mtim) : xstrdup("");
  c->st.owner = xstrdup("");
  c->st.exit_status = -1;
}

static int load(const char *root, const char *id, bool wait,
                struct container **out, struct brig_error *err) {
  _cleanup_free_ char *data = NULL;
  _cleanup_close_ int fd = -1;
  struct container *c;
  size_t len;

  if (container_id_valid(id, err) < 0)
    return -1;
  c = container_new(root, id);
  c->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0) {
    container_free(c);
    if (errno == ENOENT) {
      brig_err(err, 0, "container does not exist");
      err->errnum = ENOENT;
      return -1;
    }
    return brig_err(err, errno, "open state root %s", root);
  }
  c->selffd = open_self(c->rootfd, id, err);
  if (c->selffd < 0 || lock_self(c, wait, err) < 0) {
    container_free(c);
    return -1;
  }
  fd = open_file_of(c->rootfd, id, STATE_KIND);
  if (fd < 0 || read_fd(fd, STATE_MAX, &data, &len) < 0) {
    if (errno == ENOENT) {
      /* A create that died before its first save (we hold the lock, so
       * none is in progress): "creating", for `delete --force`.  It made
       * at most the default cgroup (a cgroupsPath of the config is saved
       * before it is made). */
      struct stat self;
      brig_err_clear(err);
      set_creating(c, id, fstat(c->selffd, &self) == 0 ? &self : NULL);
      c->st.cgroup_path = cgroup_default_path(id);
      *out = c;
      return 0;
    }
    brig_err(err, errno, "read the state of %s", id);
    container_free(c);
    return -1;
  }
  if (state_parse_file(data, len, STATE_FILE, &c->st, err) < 0) {
    *out = c; /* the caller may still force-delete it */
    return brig_err_wrap(err, "container %s", id);
  }
  set_live_status(c, c->rootfd);
  *out = c;
  return 0;
}

int container_load(const char *root, const char *id, struct container **out,
                   struct brig_error *err) {
  return load(root, id, true, out, err);
}

int container_load_try(const char *root, const char *id, struct container **out,
                       struct brig_error *err) {
  return load(root, id, false, out, err);
}

/* Read state.json without the container's lock: it is only ever replaced
 * whole (write_file_atomic), so what is read is one version of it.  A
 * create in progress (its lock held) is "creating", never waited for:
 * `list`, `state`, `kill` and a poststart hook's `brig state` do not wait
 * for another command's hooks (runc takes no lock to read).  Missing or
 * "creating" with the lock free (a create that died), or damaged: as a
 * locked load says. */
static int peek(int rootfd, const char *root, const char *id, bool wait,
                bool fifo, struct container **out, struct brig_error *err) {
  char buf[8192];
  _cleanup_free_ char *big = NULL;
  const char *data = buf;
  struct brig_error e = {0};
  struct container *c;
  ssize_t n = -1;
  size_t len;
  int fd;

  if (container_id_valid(id, err) < 0)
    return -1;
  c = container_new(root, id);
  fd = open_file_of(rootfd, id, STATE_KIND);
  if (fd >= 0) {
    n = read(fd, buf, sizeof(buf));
    if (n == (ssize_t)sizeof(buf)) { /* larger: the whole file */
      n = lseek(fd, 0, SEEK_SET) == 0 && read_fd(fd, STATE_MAX, &big, &len) == 0
              ? (ssize_t)len
              : -1;
      data = big;
    }
    close(fd);
  }
  bool parsed =
      n > 0 && state_parse_file(data, (size_t)n, STATE_FILE, &c->st, &e) == 0;
  if (parsed && strcmp(c->st.status, "creating") != 0) {
    set_live_status(c, fifo ? rootfd : -1);
    *out = c;
    return 0;
  }
  if (n > 0 && !parsed) { /* damaged: load's words */
    container_free(c);
    return load(root, id, wait, out, err);
  }
  /* missing or "creating": a create at work holds the lock */
  struct container *l = NULL;
  int r = load(root, id, false, &l, err);
  if (r == 0 || err->errnum != EWOULDBLOCK) {
    container_free(c);
    *out = l;
    return r;
  }
  brig_err_clear(err);
  if (!parsed) {
    struct stat self;
    set_creating(c, id,
                 fstatat(rootfd, id, &self, AT_SYMLINK_NOFOLLOW) == 0 ? &self
                                                                      : NULL);
  }
  *out = c;
  return 0;
}

int container_peek(int rootfd, const char *root, const char *id,
                   struct container **out, struct brig_error *err) {
  return peek(rootfd, root, id, true, false, out, err);
}

static int read_at_root(const char *root, const char *id, bool wait,
                        struct container **out, struct brig_error *err) {
  int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) /* for load's words */
    return load(root, id, wait, out, err);
  int ret = peek(rootfd, root, id, wait, true, out, err);
  close(rootfd);
  return ret;
}

int container_read(const char *root, const char *id, struct container **out,
                   struct brig_error *err) {
  return read_at_root(root, id, true, out, err);
}

int container_read_try(const char *root, const char *id, struct container **out,
                       struct brig_error *err) {
  return read_at_root(root, id, false, out, err);
}

int container_write(struct container *c, const char *kind, const char *data,
                    struct brig_error *err) {
  _cleanup_close_ int dirfd = container_kind_dir(c->rootfd, kind, true, err);
  _cleanup_close_ int tmpfd = -1;
  if (dirfd < 0 ||
      (tmpfd = container_kind_dir(c->rootfd, TMP_KIND, true, err)) < 0)
    return -1;
  if (write_file_replace(tmpfd, c->id, dirfd, c->id, data, strlen(data), 0600,
                         err) < 0)
    /* (its own message names only the file: the id, said already) */
    return brig_err(err, err->errnum, "state root: write %s/%s", kind, c->id);
  return 0;
}

int container_save(struct container *c, struct brig_error *err) {
  _cleanup_free_ char *json = state_emit_file(&c->st);
  return container_write(c, STATE_KIND, json, err);
}

/* Remove the container's files, its own file last: until then `list`,
 * `state` and `delete` see it. */
int container_remove_files(struct container *c, struct brig_error *err) {
  static const char *const kinds[] = {STATE_KIND, FIFO_KIND, KEPT_KIND,
                                      TMP_KIND, NOTIFY_KIND};
  struct brig_error e = {0};
  for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
    /* by the directory's fd: no symlink in its place is followed */
    _cleanup_close_ int dirfd =
        container_kind_dir(c->rootfd, kinds[i], false, &e);
    if (dirfd < 0)
      continue;
    if (strcmp(kinds[i], NOTIFY_KIND) == 0) {
      _cleanup_close_ int sub =
          openat(dirfd, c->id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        continue;
      unlinkat(sub, NOTIFY_SOCKET_NAME, 0);
      unlinkat(dirfd, c->id, AT_REMOVEDIR);
    } else {
      unlinkat(dirfd, c->id, 0);
    }
  }
  fault_kill("delete-files");
  if (unlinkat(c->rootfd, c->id, 0) < 0 && errno != ENOENT)
    return brig_err(err, errno, "remove %s/%s", c->root, c->id);
  return 0;
}

void container_free(struct container *c) {
  if (c == NULL)
    return;
  if (c->selffd >= 0)
    close(c->selffd);
  if (c->rootfd >= 0)
    close(c->rootfd);
  state_clear(&c->st);
  free(c->id);
  free(c->root);
  free(c);
}

int container_load_kept(struct container *c, struct spec_config **out,
                        struct brig_error *err) {
  _cleanup_free_ char *data = NULL;
  _cleanup_close_ int fd = -1;
  size_t len;
  *out = NULL;
  if (c->no_kept_config)
    return 0;
  fd = open_file_of(c->rootfd, c->id, KEPT_KIND);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0 || read_fd(fd, SPEC_MAX_CONFIG_SIZE, &data, &len) < 0)
    return brig_err(err, errno, "read the kept config of %s", c->id);
  *out = spec_parse(data, len, KEPT_CONFIG, err);
  return *out == NULL ? -1 : 0;
}
