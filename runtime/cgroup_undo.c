/* update's way back.  runc puts the previous resources back when setting
 * new ones fails part way; brig keeps no copy of them, so it keeps the
 * files instead: while an update runs, each cgroup file it is about to
 * write is read first, once (cg_write calls cg_undo_note).  When a later
 * step fails, cg_undo_restore gives every such file its old contents back,
 * the last written first; a write the kernel refuses there (one that
 * depends on another file's value, as memory.limit_in_bytes does on
 * memory.memsw.limit_in_bytes) is tried again after the others, until a
 * round puts nothing more back.
 *
 * Files with one line per device or interface (blkio.throttle.*, io.max,
 * the weight files, rdma.max, net_prio.ifpriomap) get back only the lines
 * of the keys the update wrote; a key the update added, absent before, is
 * written with the value that removes its rule. */
#include "cgroup_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

struct undo_file {
  char *dir, *file;
  char *old;  /* as read before the first write; NULL: unreadable */
  char *keys; /* keyed files: the keys written, each followed by '\n' */
  bool done;
};

static struct undo_file *undo;
static size_t n_undo;
static bool undo_on;

/* The line that removes key's rule from file, or NULL when the file is not
 * one of lines per key.  "" for a keyed file whose keys are all listed
 * (nothing to remove). */
static const char *reset_of(const char *file) {
  static const char *const map[][2] = {
      {"blkio.throttle.read_bps_device", "0"},
      {"blkio.throttle.write_bps_device", "0"},
      {"blkio.throttle.read_iops_device", "0"},
      {"blkio.throttle.write_iops_device", "0"},
      {"blkio.weight_device", "0"},
      {"blkio.leaf_weight_device", "0"},
      {"blkio.bfq.weight_device", "default"},
      {"io.bfq.weight", "default"},
      {"io.weight", "default"},
      {"io.max", "rbps=max wbps=max riops=max wiops=max"},
      {"rdma.max", "hca_handle=max hca_object=max"},
      {"net_prio.ifpriomap", ""},
  };
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (strcmp(file, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

/* The key of a line: its first word, "default" for a bare number (a
 * weight file's default weight). */
static size_t line_key(const char *line, const char **key) {
  size_t n = strcspn(line, " \n");
  if (n > 0 && strspn(line, "0123456789") == n) {
    *key = "default";
    return 7;
  }
  *key = line;
  return n;
}

static bool has_key(const char *keys, const char *key, size_t len) {
  for (const char *p = keys; p != NULL && *p != '\0'; p = strchr(p, '\n') + 1) {
    size_t n = strcspn(p, "\n");
    if (n == len && strncmp(p, key, len) == 0)
      return true;
  }
  return false;
}

void cg_undo_begin(void) {
  undo_on = true;
}

void cg_undo_note(const char *dir, const char *file, const char *val) {
  struct undo_file *u = NULL;
  if (!undo_on)
    return;
  for (size_t i = 0; i < n_undo && u == NULL; i++)
    if (strcmp(undo[i].dir, dir) == 0 && strcmp(undo[i].file, file) == 0)
      u = &undo[i];
  if (u == NULL) {
    undo = xrealloc(undo, (n_undo + 1) * sizeof(*undo));
    u = &undo[n_undo++];
    *u = (struct undo_file){xstrdup(dir), xstrdup(file), NULL, NULL, false};
    if (cg_read(dir, file, &u->old) < 0)
      u->old = NULL;
  }
  if (reset_of(file) != NULL) {
    const char *key;
    size_t len = line_key(val, &key);
    if (!has_key(u->keys, key, len)) {
      char *k = xasprintf("%s%.*s\n", u->keys ? u->keys : "", (int)len, key);
      free(u->keys);
      u->keys = k;
    }
  }
}

/* Write one line back; false when the kernel refuses it. */
static bool put_back(const char *dir, const char *file, const char *line,
                     size_t len) {
  struct brig_error ignored;
  _cleanup_free_ char *v = xasprintf("%.*s", (int)len, line);
  return cg_write(dir, file, v, &ignored) == 0;
}

static bool restore_file(const struct undo_file *u) {
  const char *reset = reset_of(u->file);
  bool ok = true;
  if (reset == NULL) {
    const char *v = u->old;
    size_t len = strcspn(v, "\n");
    /* memory.oom_control reads "oom_kill_disable N\nunder_oom ..." */
    if (strcmp(u->file, "memory.oom_control") == 0 &&
        strncmp(v, "oom_kill_disable ", 17) == 0)
      v += 17, len -= 17;
    /* an empty value (a v2 cpuset.cpus) is written as a newline: a write
     * of nothing changes nothing */
    return len == 0 ? put_back(u->dir, u->file, "\n", 1)
                    : put_back(u->dir, u->file, v, len);
  }
  /* keys the update added: their rule removed */
  for (const char *k = u->keys; k != NULL && *k != '\0';
       k = strchr(k, '\n') + 1) {
    size_t n = strcspn(k, "\n");
    bool there = false;
    for (const char *l = u->old; *l != '\0' && !there;
         l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
      const char *key;
      size_t kl = line_key(l, &key);
      there = kl == n && strncmp(key, k, n) == 0;
    }
    if (!there && *reset != '\0') {
      _cleanup_free_ char *line = xasprintf("%.*s %s", (int)n, k, reset);
      ok = put_back(u->dir, u->file, line, strlen(line)) && ok;
    }
  }
  /* the old lines of the keys it wrote */
  for (const char *l = u->old; *l != '\0';
       l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
    const char *key;
    size_t kl = line_key(l, &key);
    if (has_key(u->keys, key, kl))
      ok = put_back(u->dir, u->file, l, strcspn(l, "\n")) && ok;
  }
  return ok;
}

void cg_undo_restore(void) {
  bool progress = true;
  undo_on = false;
  while (progress) {
    progress = false;
    for (size_t i = n_undo; i-- > 0;) {
      if (undo[i].done || undo[i].old == NULL)
        continue;
      if (restore_file(&undo[i]))
        undo[i].done = progress = true;
    }
  }
  for (size_t i = 0; i < n_undo; i++)
    if (!undo[i].done && undo[i].old != NULL)
      log_warn("update: %s/%s could not be given its previous value back",
               undo[i].dir, undo[i].file);
}

void cg_undo_end(void) {
  for (size_t i = 0; i < n_undo; i++) {
    free(undo[i].dir);
    free(undo[i].file);
    free(undo[i].old);
    free(undo[i].keys);
  }
  free(undo);
  undo = NULL;
  n_undo = 0;
  undo_on = false;
}
