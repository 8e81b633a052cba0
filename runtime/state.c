/* The state directory <root>/<id>/: id rules, locking, state.json, and the
 * live status of a container derived from its init process. */
#include "container.h"

#include <dirent.h>
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
#include "proc.h"
#include "util.h"

#define STATE_FILE "state.json"
#define STATE_MAX (1u << 20)

int container_id_valid(const char *id, struct brig_error *err) {
  size_t len = strlen(id);
  if (len == 0)
    return brig_err(err, 0, "container id cannot be empty");
  if (len > 255)
    return brig_err(err, 0, "invalid container id: longer than 255 bytes");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return brig_err(err, 0, "invalid container id: %s", id);
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

static int lock_dir(int dirfd, struct brig_error *err) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open state dir");
  while (flock(fd, LOCK_EX) < 0) {
    if (errno == EINTR)
      continue;
    int saved = errno;
    close(fd);
    return brig_err(err, saved, "lock state dir");
  }
  return fd;
}

int container_lock(struct container *c, struct brig_error *err) {
  c->lock_fd = lock_dir(c->dirfd, err);
  return c->lock_fd < 0 ? -1 : 0;
}

/* The live status; fifo: the exec FIFO's path relative to dirfd. */
static const char *live_status_at(const struct container_state *st, int dirfd,
                                  const char *fifo) {
  struct stat sb;

  /* A create never finished: it is in progress (the creator holds the
   * lock) or died; `delete --force` removes what it made. */
  if (strcmp(st->status, "creating") == 0)
    return "creating";
  if (st->pid <= 0)
    return "stopped";
  if (!proc_alive(st->pid, st->init_start_time))
    return "stopped";
  if (st->cgroup_path != NULL && *st->cgroup_path != '\0' &&
      cgroup_path_is_frozen(st->cgroup_path) == 1)
    return "paused";
  if (fstatat(dirfd, fifo, &sb, AT_SYMLINK_NOFOLLOW) == 0)
    return "created";
  return "running";
}

const char *container_live_status(const struct container *c) {
  return live_status_at(&c->st, c->dirfd, EXEC_FIFO);
}

/* st.status from the live init (live_status_at reads the recorded one:
 * replaced after). */
static void set_live_status(struct container *c, int dirfd, const char *fifo) {
  char *now = xstrdup(live_status_at(&c->st, dirfd, fifo));
  free(c->st.status);
  c->st.status = now;
}

int container_load(const char *root, const char *id, struct container **out,
                   struct brig_error *err) {
  _cleanup_close_ int rootfd = -1;
  _cleanup_free_ char *data = NULL;
  struct container *c;
  size_t len;

  if (container_id_valid(id, err) < 0)
    return -1;
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 && errno != ENOENT)
    return brig_err(err, errno, "open state root %s", root);
  c = xcalloc(1, sizeof(*c));
  c->lock_fd = -1;
  c->dirfd =
      rootfd < 0
          ? -1
          : openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c->dirfd < 0) {
    container_free(c);
    if (rootfd < 0 || errno == ENOENT || errno == ENOTDIR) {
      brig_err(err, 0, "container does not exist");
      err->errnum = ENOENT;
      return -1;
    }
    return brig_err(err, errno, "open state dir of %s", id);
  }
  c->id = xstrdup(id);
  c->dir = xasprintf("%s/%s", root, id);
  c->lock_fd = lock_dir(c->dirfd, err);
  if (c->lock_fd < 0) {
    container_free(c);
    return -1;
  }
  if (read_file_at(c->dirfd, STATE_FILE, STATE_MAX, &data, &len, err) < 0) {
    if (err->errnum == ENOENT) {
      /* A create that died before its first save (we hold the lock, so
       * none is in progress): "creating", for `delete --force`.  It made
       * at most the default cgroup (a cgroupsPath of the config is saved
       * before it is made). */
      brig_err_clear(err);
      c->st.id = xstrdup(id);
      c->st.status = xstrdup("creating");
      c->st.oci_version = xstrdup("");
      c->st.bundle = xstrdup("");
      c->st.rootfs = xstrdup("");
      c->st.created = xstrdup("");
      c->st.owner = xstrdup("");
      c->st.cgroup_path = cgroup_default_path(id);
      c->st.exit_status = -1;
      *out = c;
      return 0;
    }
    container_free(c);
    return -1;
  }
  if (state_parse_file(data, len, STATE_FILE, &c->st, err) < 0) {
    *out = c; /* the caller may still force-delete it */
    return brig_err_wrap(err, "container %s", id);
  }
  set_live_status(c, c->dirfd, EXEC_FIFO);
  *out = c;
  return 0;
}

/* <id>/state.json with no symlink on the way (what the O_NOFOLLOW open of
 * the state dir guards): one openat2, or two opens where it is missing. */
static int open_state_file(int rootfd, const char *id, const char *path) {
  struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
                         .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
  int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS) {
    int dirfd =
        openat(rootfd, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dirfd < 0)
      return -1;
    fd = openat(dirfd, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    close(dirfd);
  }
  return fd;
}

int container_peek(int rootfd, const char *root, const char *id,
                   struct container **out, struct brig_error *err) {
  char buf[8192], path[300];
  struct brig_error e = {0};
  struct container *c;
  ssize_t n = -1;
  int fd;

  if (container_id_valid(id, err) < 0)
    return -1;
  c = xcalloc(1, sizeof(*c));
  c->lock_fd = -1;
  c->dirfd = -1;
  snprintf(path, sizeof(path), "%s/%s", id, STATE_FILE);
  fd = open_state_file(rootfd, id, path);
  if (fd >= 0) {
    /* state.json is only ever replaced whole (write_file_atomic): a read
     * short of the buffer is all of it. */
    n = read(fd, buf, sizeof(buf));
    close(fd);
  }
  if (n <= 0 || (size_t)n == sizeof(buf) ||
      state_parse_file(buf, (size_t)n, STATE_FILE, &c->st, &e) < 0 ||
      strcmp(c->st.status, "creating") == 0) {
    /* missing, large, damaged or in the making: as a locked load says */
    container_free(c);
    return container_load(root, id, out, err);
  }
  c->id = xstrdup(id);
  c->dir = xasprintf("%s/%s", root, id);
  snprintf(path, sizeof(path), "%s/%s", id, EXEC_FIFO);
  set_live_status(c, rootfd, path);
  *out = c;
  return 0;
}

int container_save(struct container *c, struct brig_error *err) {
  _cleanup_free_ char *json = state_emit_file(&c->st);
  return write_file_atomic(c->dirfd, STATE_FILE, json, strlen(json), 0600, err);
}

/* Unlink every file of the state dir. */
static int remove_all_files(struct container *c, struct brig_error *err) {
  DIR *d;
  struct dirent *de;
  int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return brig_err(err, errno, "open %s", c->dir);
  d = fdopendir(fd);
  if (d == NULL) {
    close(fd);
    return brig_err(err, errno, "read %s", c->dir);
  }
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    unlinkat(c->dirfd, de->d_name, 0);
  }
  closedir(d);
  return 0;
}

/* Remove the files of the state dir and the dir itself.  The files a
 * state dir holds in the usual case go by name, and the directory is read
 * only when something else is left (a crash's temporary file, ...). */
int container_remove_dir(struct container *c, struct brig_error *err) {
  static const char *const known[] = {STATE_FILE, EXEC_FIFO, HOOKS_CONFIG};
  for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
    unlinkat(c->dirfd, known[i], 0);
  fault_kill("delete-files");
  if (rmdir(c->dir) == 0 || errno == ENOENT)
    return 0;
  if (errno != ENOTEMPTY && errno != EEXIST)
    return brig_err(err, errno, "remove %s", c->dir);
  if (remove_all_files(c, err) < 0)
    return -1;
  if (rmdir(c->dir) < 0 && errno != ENOENT)
    return brig_err(err, errno, "remove %s", c->dir);
  return 0;
}

void container_free(struct container *c) {
  if (c == NULL)
    return;
  if (c->lock_fd >= 0)
    close(c->lock_fd);
  if (c->dirfd >= 0)
    close(c->dirfd);
  state_clear(&c->st);
  free(c->id);
  free(c->dir);
  free(c);
}

int container_load_hooks(struct container *c, struct spec_config **out,
                         struct brig_error *err) {
  _cleanup_free_ char *data = NULL;
  size_t len;
  *out = NULL;
  if (c->no_hooks_config)
    return 0;
  if (read_file_at(c->dirfd, HOOKS_CONFIG, SPEC_MAX_CONFIG_SIZE, &data, &len,
                   err) < 0) {
    if (err->errnum == ENOENT) {
      brig_err_clear(err);
      return 0;
    }
    return -1;
  }
  *out = spec_parse(data, len, HOOKS_CONFIG, err);
  return *out == NULL ? -1 : 0;
}
