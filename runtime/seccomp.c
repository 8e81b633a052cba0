/* linux.seccomp with libseccomp: build the filter (security_prepare, no
 * privileges needed), load it (security_apply or security_finish),
 * hand the SCMP_ACT_NOTIFY fd to listenerPath.
 *
 * Newer syscalls: when the default action is an errno other than ENOSYS,
 * every syscall that the profile does not name and whose native number is
 * above the highest one the profile names gets ERRNO(ENOSYS), so a libc
 * probing clone3, openat2, ... falls back instead of failing with EPERM.
 * This covers the syscalls libseccomp knows by name (every architecture in
 * the filter) and, on the native architecture, numbers up to
 * SECCOMP_ENOSYS_LIMIT it has no name for: the native architecture is
 * built in its own context (exact rules need one architecture) and the
 * others merged in.  (runc patches the BPF program instead.) */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "seccomp_compact.h"
#include "security_impl.h"
#include "util.h"

/* Above every syscall number any architecture uses today (x86_64 is
 * below 500); x32's numbers carry a high bit and are not counted. */
#define SECCOMP_ENOSYS_LIMIT 1024

struct brig_seccomp {
  scmp_filter_ctx ctx;    /* NULL when prog came from the cache */
  struct sock_fprog prog; /* the cached program (seccomp_precompile) */
  bool notify;
};

/* Set by seccomp_precompile in the runtime; the child (a clone or fork,
 * same memory) finds it for the same profile in seccomp_build. */
static struct sock_fprog precompiled;
static const struct spec_seccomp *precompiled_for;

struct name_value {
  const char *name;
  long value;
};

int seccomp_action_from_name(const char *name, bool errno_set,
                             uint64_t errno_ret, uint32_t *action) {
  uint32_t ret = errno_set ? (uint32_t)errno_ret : (uint32_t)EPERM;

  if (name == NULL)
    return -1;
  if (errno_set && errno_ret > 0xffff)
    return -1;
  if (strcmp(name, "SCMP_ACT_KILL") == 0 ||
      strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
    *action = SCMP_ACT_KILL_THREAD;
  else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
    *action = SCMP_ACT_KILL_PROCESS;
  else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
    *action = SCMP_ACT_TRAP;
  else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
    *action = SCMP_ACT_ERRNO(ret);
  else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
    *action = SCMP_ACT_TRACE(ret);
  else if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
    *action = SCMP_ACT_ALLOW;
  else if (strcmp(name, "SCMP_ACT_LOG") == 0)
    *action = SCMP_ACT_LOG;
  else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
    *action = SCMP_ACT_NOTIFY;
  else
    return -1;
  return 0;
}

int seccomp_op_from_name(const char *name) {
  static const struct name_value t[] = {
      {"SCMP_CMP_NE", SCMP_CMP_NE},
      {"SCMP_CMP_LT", SCMP_CMP_LT},
      {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ},
      {"SCMP_CMP_GE", SCMP_CMP_GE},
      {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
      {NULL, 0}};
  for (const struct name_value *e = t; name && e->name; e++)
    if (strcmp(e->name, name) == 0)
      return (int)e->value;
  return -1;
}

uint32_t seccomp_arch_from_name(const char *name) {
  char lower[32];
  size_t i;

  if (name == NULL || strncmp(name, "SCMP_ARCH_", 10) != 0)
    return 0;
  name += 10;
  for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
    lower[i] =
        (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
  lower[i] = '\0';
  if (name[i] != '\0' || i == 0)
    return 0;
  return seccomp_arch_resolve_name(lower);
}

int seccomp_flag_attr(const char *name, int *attr, struct brig_error *err) {
  if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
    *attr = SCMP_FLTATR_CTL_TSYNC;
  else if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
    *attr = SCMP_FLTATR_CTL_LOG;
  else if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
    *attr = SCMP_FLTATR_CTL_SSB;
  else if (strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0) {
    const struct scmp_version *v = seccomp_version();
    return brig_err(err, 0,
                    "linux.seccomp.flags: %s is not supported by "
                    "libseccomp %u.%u.%u",
                    name, v->major, v->minor, v->micro);
  } else
    return brig_err(err, 0, "linux.seccomp.flags: unknown flag \"%s\"", name);
  return 0;
}

static int set_flags(scmp_filter_ctx ctx, char **flags,
                     struct brig_error *err) {
  for (char **f = flags; f && *f; f++) {
    int attr, rc;
    if (seccomp_flag_attr(*f, &attr, err) < 0)
      return -1;
    rc = seccomp_attr_set(ctx, (enum scmp_filter_attr)attr, 1);
    if (rc < 0)
      return brig_err(err, -rc, "linux.seccomp.flags: %s", *f);
  }
  return 0;
}

/* Is any index used twice?  Then each comparison becomes its own rule
 * (OR), else all go in one rule (AND) -- as runc does. */
static bool args_share_index(const struct spec_seccomp_syscall *s) {
  for (size_t i = 0; i < s->n_args; i++)
    for (size_t j = i + 1; j < s->n_args; j++)
      if (s->args[i].index == s->args[j].index)
        return true;
  return false;
}

static int make_cond(const struct spec_seccomp_arg *a, size_t k,
                     struct scmp_arg_cmp *out, struct brig_error *err) {
  int op = seccomp_op_from_name(a->op);
  if (op < 0)
    return brig_err(err, 0, "args[%zu].op: unknown operator \"%s\"", k,
                    a->op ? a->op : "");
  if (a->index > 5)
    return brig_err(err, 0, "args[%zu].index: %u is not 0..5", k, a->index);
  out->arg = a->index;
  out->op = (enum scmp_compare)op;
  out->datum_a = a->value;
  out->datum_b = a->value_two;
  return 0;
}

static int add_syscall_rules(scmp_filter_ctx ctx, size_t idx,
                             const struct spec_seccomp_syscall *s,
                             uint32_t action, int nr, const char *name,
                             struct brig_error *err) {
  struct scmp_arg_cmp conds[6];
  int rc;

  if (s->n_args == 0) {
    rc = seccomp_rule_add(ctx, action, nr, 0);
  } else if (args_share_index(s)) {
    for (size_t k = 0; k < s->n_args; k++) {
      if (make_cond(&s->args[k], k, &conds[0], err) < 0)
        return brig_err_wrap(err, "linux.seccomp.syscalls[%zu]", idx);
      rc = seccomp_rule_add_array(ctx, action, nr, 1, conds);
      if (rc < 0)
        return brig_err(err, -rc, "linux.seccomp.syscalls[%zu]: add %s", idx,
                        name);
    }
    return 0;
  } else {
    if (s->n_args > 6)
      return brig_err(err, 0, "linux.seccomp.syscalls[%zu]: more than 6 args",
                      idx);
    for (size_t k = 0; k < s->n_args; k++)
      if (make_cond(&s->args[k], k, &conds[k], err) < 0)
        return brig_err_wrap(err, "linux.seccomp.syscalls[%zu]", idx);
    rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)s->n_args, conds);
  }
  if (rc < 0)
    return brig_err(err, -rc, "linux.seccomp.syscalls[%zu]: add %s", idx, name);
  return 0;
}

/* The syscall a notified child needs to tell brig its fd (brig takes it
 * with pidfd_getfd): as runc, write alone.  (Its wait for brig's answer
 * is a read, which the listener, holding the fd by then, may see.) */
static bool notify_forbidden(const char *name) {
  return strcmp(name, "write") == 0;
}

/* Syscalls above `highest` get ERRNO(ENOSYS): by name (translated to each
 * architecture of ctx) and, when ctx holds just the native architecture,
 * numbers libseccomp has no name for (exact rules need a single arch). */
static int add_enosys_rules(scmp_filter_ctx ctx, bool native, int highest,
                            struct brig_error *err) {
  uint32_t enosys = SCMP_ACT_ERRNO(ENOSYS);
  int added = 0, rc;

  for (int nr = highest + 1; nr < SECCOMP_ENOSYS_LIMIT; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (name != NULL)
      rc = seccomp_rule_add(ctx, enosys, nr, 0);
    else if (native)
      rc = seccomp_rule_add_exact(ctx, enosys, nr, 0);
    else
      rc = 1;
    free(name);
    if (rc < 0)
      return brig_err(err, -rc, "linux.seccomp: ENOSYS rule for %d", nr);
    added += rc == 0;
  }
  log_debug("seccomp: %d syscalls above %d return ENOSYS", added, highest);
  return 0;
}

/* The highest native number the profile names, -1 when none. */
static int highest_named(const struct spec_seccomp *sc) {
  int highest = -1;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    for (char **n = sc->syscalls[i].names; n && *n; n++) {
      int nr = seccomp_syscall_resolve_name(*n);
      if (nr != __NR_SCMP_ERROR && nr > highest)
        highest = nr;
    }
  return highest;
}

/* Fill ctx: attributes, flags, the rules, the ENOSYS rules.  native: ctx
 * holds only the native architecture, else the profile's others. */
static int fill_filter(struct brig_seccomp *f, scmp_filter_ctx ctx,
                       const struct spec_seccomp *sc, uint32_t def, bool native,
                       struct brig_error *err) {
  int rc;

  /* no_new_privs is process.noNewPrivileges' business, not libseccomp's. */
  rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0)
    return brig_err(err, -rc, "linux.seccomp: clear the NNP attribute");
  /* A binary search over syscall numbers, not a chain of compares: the
   * kernel runs the filter for every syscall number when it loads it (its
   * per-syscall cache), 0.7 ms for podman's profile as a chain, 0.25 ms as
   * a tree; every syscall in the container then runs ~20 instructions, not
   * up to ~650. */
  rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (rc < 0)
    return brig_err(err, -rc, "linux.seccomp: set the optimize attribute");
  if (!native) {
    rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
    if (rc < 0)
      return brig_err(err, -rc, "linux.seccomp: remove the native arch");
    for (char **a = sc->architectures; a && *a; a++) {
      uint32_t arch = seccomp_arch_from_name(*a);
      if (arch == seccomp_arch_native())
        continue;
      rc = seccomp_arch_add(ctx, arch);
      if (rc < 0 && rc != -EEXIST)
        return brig_err(err, -rc, "linux.seccomp.architectures: add %s", *a);
    }
  }
  if (set_flags(ctx, sc->flags, err) < 0)
    return -1;

  for (size_t i = 0; i < sc->n_syscalls; i++) {
    const struct spec_seccomp_syscall *s = &sc->syscalls[i];
    uint32_t action;
    if (seccomp_action_from_name(s->action, s->errno_ret.set, s->errno_ret.v,
                                 &action) < 0)
      return brig_err(err, 0,
                      "linux.seccomp.syscalls[%zu].action: unknown \"%s\"", i,
                      s->action ? s->action : "");
    for (char **n = s->names; n && *n; n++) {
      int nr = seccomp_syscall_resolve_name(*n);
      if (nr == __NR_SCMP_ERROR) {
        if (native)
          log_debug("seccomp: skipping syscall \"%s\" unknown to libseccomp",
                    *n);
        continue;
      }
      if (action == SCMP_ACT_NOTIFY) {
        if (notify_forbidden(*n))
          return brig_err(err, 0,
                          "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY "
                          "cannot be used for \"%s\" (brig needs it to hand "
                          "over the fd)",
                          i, *n);
        f->notify = true;
      }
      if (action == def)
        continue; /* libseccomp refuses a rule equal to the default */
      if (add_syscall_rules(ctx, i, s, action, nr, *n, err) < 0)
        return -1;
    }
  }
  /* As runc: ENOSYS for syscalls newer than the profile (a libc then
   * falls back to an older one) unless the default lets them through
   * (allow, log, trace: a tracer handles new ones itself) or already
   * says ENOSYS; a killing, trapping or notifying default too. */
  bool permissive = def == SCMP_ACT_ALLOW || def == SCMP_ACT_LOG ||
                    (def & 0xffff0000U) == SCMP_ACT_TRACE(0);
  if (!permissive && def != SCMP_ACT_ERRNO(ENOSYS))
    return add_enosys_rules(ctx, native, highest_named(sc), err);
  return 0;
}

int seccomp_build(const struct spec_seccomp *sc, struct brig_seccomp **out,
                  struct brig_error *err) {
  struct brig_seccomp *f;
  scmp_filter_ctx others = NULL;
  uint32_t def;
  bool foreign = false;
  int rc;

  *out = NULL;
  if (sc == NULL)
    return 0;
  if (sc == precompiled_for && precompiled.len > 0) {
    f = xcalloc(1, sizeof(*f));
    f->prog = precompiled;
    *out = f;
    return 0;
  }
  if (seccomp_action_from_name(sc->default_action, sc->default_errno_ret.set,
                               sc->default_errno_ret.v, &def) < 0)
    return brig_err(err, 0, "linux.seccomp.defaultAction: unknown \"%s\"%s",
                    sc->default_action ? sc->default_action : "",
                    sc->default_errno_ret.v > 0xffff ? " (errnoRet too big)"
                                                     : "");
  if (def == SCMP_ACT_NOTIFY)
    return brig_err(err, 0,
                    "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be "
                    "the default action");
  for (char **a = sc->architectures; a && *a; a++) {
    uint32_t arch = seccomp_arch_from_name(*a);
    if (arch == 0)
      return brig_err(err, 0, "linux.seccomp.architectures: unknown \"%s\"",
                      *a);
    if (arch != seccomp_arch_native())
      foreign = true;
  }
  f = xcalloc(1, sizeof(*f));
  f->ctx = seccomp_init(def);
  if (f->ctx == NULL) {
    free(f);
    return brig_err(err, EINVAL, "linux.seccomp: seccomp_init");
  }
  if (fill_filter(f, f->ctx, sc, def, true, err) < 0)
    goto fail;
  /* Other architectures are built apart and merged in, so the native part
   * can hold exact rules. */
  if (foreign) {
    others = seccomp_init(def);
    if (others == NULL) {
      brig_err(err, EINVAL, "linux.seccomp: seccomp_init");
      goto fail;
    }
    if (fill_filter(f, others, sc, def, false, err) < 0)
      goto fail;
    rc = seccomp_merge(f->ctx, others);
    if (rc < 0) {
      brig_err(err, -rc, "linux.seccomp: merge the architectures");
      goto fail;
    }
    others = NULL; /* merged: released by libseccomp */
  }
  if (f->notify && (sc->listener_path == NULL || *sc->listener_path == '\0')) {
    brig_err(err, 0,
             "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
    goto fail;
  }
  *out = f;
  return 0;
fail:
  if (others != NULL)
    seccomp_release(others);
  seccomp_filter_free(f);
  return -1;
}

int seccomp_load_filter(struct brig_seccomp *f, int *notify_fd,
                        struct brig_error *err) {
  int rc;

  *notify_fd = -1;
  if (f->ctx == NULL) {
    /* As libseccomp loads a filter without flags (NNP attribute off). */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->prog) < 0)
      return brig_err(err, errno, "linux.seccomp: load the filter");
    return 0;
  }
  rc = seccomp_load(f->ctx);
  if (rc < 0)
    return brig_err(err, -rc, "linux.seccomp: load the filter");
  if (f->notify) {
    *notify_fd = seccomp_notify_fd(f->ctx);
    if (*notify_fd < 0)
      return brig_err(err, -*notify_fd, "linux.seccomp: get the notify fd");
  }
  return 0;
}

bool seccomp_filter_notifies(const struct brig_seccomp *f) {
  return f != NULL && f->notify;
}

void seccomp_filter_free(struct brig_seccomp *f) {
  if (f == NULL)
    return;
  if (f->ctx != NULL)
    seccomp_release(f->ctx);
  free(f);
}

/* ---- the compiled-filter cache ----
 * Building a large profile with libseccomp costs milliseconds (podman's:
 * ~370 names, three architectures); its BPF program depends only on the
 * profile, libseccomp's version and brig's.  The runtime keys it by a
 * canonical text of all three, kept whole in the cache file and compared
 * byte for byte (the file name is only a hash), so a different profile
 * can never get another's program.  Profiles with flags or
 * SCMP_ACT_NOTIFY are not cached (loading those needs libseccomp).
 * File: "BRIGBPF1", key length (u32), key, instruction count (u32),
 * struct sock_filter[count]. */

#define CACHE_MAGIC "BRIGBPF1"
#define CACHE_MAX_INSNS 65535

/* The key is written twice: first only counted (p NULL), then into one
 * block of that size, so a profile of ~370 names makes one ~8 KB block
 * instead of a doubling series of them, each copied into the next. */
struct key_buf {
  char *p;
  size_t len;
};

static void key_add(struct key_buf *k, const char *s, size_t n) {
  if (k->p != NULL)
    memcpy(k->p + k->len, s, n);
  k->len += n;
}

/* "v;" or "-;".  fmt_u64, not snprintf, straight into the key: the key of
 * podman's profile has ~900 numbers, and musl's snprintf made them a third
 * of the runtime's user time. */
static void key_u64(struct key_buf *k, bool set, uint64_t v) {
  char tmp[24];
  char *p = k->p != NULL ? k->p + k->len : tmp;
  size_t n = 1;
  if (set)
    n = fmt_u64(p, v);
  else
    *p = '-';
  p[n] = ';';
  k->len += n + 1;
}

/* Length-prefixed, so no two profiles give the same text. */
static void key_str(struct key_buf *k, const char *s) {
  size_t n;
  if (s == NULL) {
    key_add(k, "-;", 2);
    return;
  }
  n = strlen(s);
  key_u64(k, true, n);
  key_add(k, s, n);
}

static void key_strv(struct key_buf *k, char **v) {
  key_u64(k, true, strv_len(v));
  for (char **p = v; p && *p; p++)
    key_str(k, *p);
}

static void key_write(struct key_buf *k, const char *head,
                      const struct spec_seccomp *sc) {
  key_add(k, head, strlen(head));
  key_str(k, sc->default_action);
  key_u64(k, sc->default_errno_ret.set, sc->default_errno_ret.v);
  key_strv(k, sc->architectures);
  key_u64(k, true, sc->n_syscalls);
  for (size_t i = 0; i < sc->n_syscalls; i++) {
    const struct spec_seccomp_syscall *c = &sc->syscalls[i];
    key_strv(k, c->names);
    key_str(k, c->action);
    key_u64(k, c->errno_ret.set, c->errno_ret.v);
    key_u64(k, true, c->n_args);
    for (size_t a = 0; a < c->n_args; a++) {
      key_u64(k, true, c->args[a].index);
      key_u64(k, true, c->args[a].value);
      key_u64(k, true, c->args[a].value_two);
      key_str(k, c->args[a].op);
    }
  }
}

/* The canonical text of sc, NULL when it is not to be cached. */
static char *cache_key(const struct spec_seccomp *sc, size_t *len) {
  const struct scmp_version *v = seccomp_version();
  struct key_buf k = {0};
  char head[128];

  if (sc->flags != NULL && *sc->flags != NULL)
    return NULL;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    if (sc->syscalls[i].action == NULL ||
        strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      return NULL;
  snprintf(head, sizeof(head), "brig %s %s libseccomp %u.%u.%u arch %u;",
           BRIG_VERSION, BRIG_COMMIT, v->major, v->minor, v->micro,
           seccomp_arch_native());
  key_write(&k, head, sc);
  k.p = xmalloc(k.len + 1);
  k.len = 0;
  key_write(&k, head, sc);
  k.p[k.len] = '\0';
  *len = k.len;
  return k.p;
}

/* The cache file's name: a hash of the key, eight bytes a step (the file
 * holds the whole key, which decides). */
static uint64_t key_hash(const char *s, size_t len) {
  uint64_t h = 0xcbf29ce484222325ULL ^ len, w;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  w = 0;
  memcpy(&w, s + i, len - i);
  h = (h ^ w) * 0x100000001b3ULL;
  return h ^ (h >> 32);
}

/* A cache file or directory is trusted only as brig's own: of its type,
 * owned by this user, written by no one else (a program found there is
 * loaded as it is). */
static bool cache_owned(int fd, mode_t type) {
  struct stat st;
  return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type &&
         st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

/* The program in a cache file whose key is exactly key; 0 when found. */
static int cache_read(int dirfd, const char *name, const char *key, size_t klen,
                      struct sock_fprog *out) {
  _cleanup_free_ char *data = NULL;
  size_t len, off = sizeof(CACHE_MAGIC) - 1;
  uint32_t kl, n;

  _cleanup_close_ int fd =
      openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 || !cache_owned(fd, S_IFREG) ||
      read_fd(fd, 1 << 20, &data, &len) < 0)
    return -1;
  if (len < off + 4 || memcmp(data, CACHE_MAGIC, off) != 0)
    return -1;
  memcpy(&kl, data + off, 4);
  off += 4;
  if (kl != klen || len - off < (size_t)kl + 4 ||
      !bytes_equal(data + off, key, klen))
    return -1;
  off += kl;
  memcpy(&n, data + off, 4);
  off += 4;
  if (n == 0 || n > CACHE_MAX_INSNS ||
      len - off != (size_t)n * sizeof(struct sock_filter))
    return -1;
  /* moved to the start of the buffer (aligned, its pages already in)
   * rather than copied into a new block */
  memmove(data, data + off, len - off);
  out->filter = (struct sock_filter *)(void *)steal_pointer(&data);
  out->len = (unsigned short)n;
  return 0;
}

int seccomp_export_program(const struct spec_seccomp *sc,
                           struct sock_fprog *out) {
  struct brig_seccomp *f = NULL;
  struct brig_error e = {0};
  _cleanup_close_ int fd = -1;
  struct stat sb;
  int ret = -1;

  if (seccomp_build(sc, &f, &e) < 0 || f == NULL || f->notify)
    goto out; /* the child builds it again and reports the error */
  fd = memfd_create("brig-seccomp", MFD_CLOEXEC);
  if (fd < 0 || seccomp_export_bpf(f->ctx, fd) < 0 || fstat(fd, &sb) < 0 ||
      sb.st_size == 0 || sb.st_size % (off_t)sizeof(struct sock_filter) ||
      sb.st_size / (off_t)sizeof(struct sock_filter) > CACHE_MAX_INSNS)
    goto out;
  out->len = (unsigned short)(sb.st_size / (off_t)sizeof(struct sock_filter));
  out->filter = xcalloc(out->len, sizeof(struct sock_filter));
  if (pread(fd, out->filter, (size_t)sb.st_size, 0) != sb.st_size) {
    free(out->filter);
    out->filter = NULL;
    out->len = 0;
    goto out;
  }
  ret = 0;
out:
  seccomp_filter_free(f);
  return ret;
}

/* libseccomp's program for sc, compacted when seccomp_compact proves it
 * can: the same decisions in fewer instructions, which the kernel converts
 * and compiles at each load (seccomp_compact.h). */
static int compile_program(const struct spec_seccomp *sc,
                           struct sock_fprog *out) {
  struct sock_filter *small = NULL;
  size_t small_n = 0;

  if (seccomp_export_program(sc, out) < 0)
    return -1;
  if (seccomp_compact(out->filter, out->len, &small, &small_n) == 0) {
    log_debug("seccomp: %u instructions compacted to %zu", out->len, small_n);
    free(out->filter);
    out->filter = small;
    out->len = (unsigned short)small_n;
  }
  return 0;
}

void seccomp_precompile(const struct spec_seccomp *sc, const char *cache_dir) {
  _cleanup_free_ char *key = NULL, *file = NULL;
  _cleanup_close_ int dirfd = -1;
  struct sock_fprog prog = {0};
  struct brig_error e = {0};
  char name[32];
  size_t klen = 0;

  if (sc == NULL || cache_dir == NULL || precompiled_for == sc)
    return;
  key = cache_key(sc, &klen);
  if (key == NULL)
    return;
  snprintf(name, sizeof(name), "%016llx",
           (unsigned long long)key_hash(key, klen));
  if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST)
    return;
  dirfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd >= 0 && !cache_owned(dirfd, S_IFDIR)) {
    log_warn("seccomp cache %s: not brig's own (owner, or writable by "
             "others): not used",
             cache_dir);
    close(dirfd);
    dirfd = -1;
  }
  if (dirfd >= 0 && cache_read(dirfd, name, key, klen, &prog) == 0)
    goto found;
  if (compile_program(sc, &prog) < 0)
    return;
  if (dirfd >= 0) {
    size_t off = sizeof(CACHE_MAGIC) - 1,
           plen = prog.len * sizeof(*prog.filter);
    uint32_t kl = (uint32_t)klen, n = prog.len;
    file = xcalloc(1, off + 8 + klen + plen);
    memcpy(file, CACHE_MAGIC, off);
    memcpy(file + off, &kl, 4);
    memcpy(file + off + 4, key, klen);
    memcpy(file + off + 4 + klen, &n, 4);
    memcpy(file + off + 8 + klen, prog.filter, plen);
    if (write_file_atomic(dirfd, name, file, off + 8 + klen + plen, 0600, &e) <
        0)
      log_debug("seccomp cache: %s", e.msg);
  }
found:
  free(precompiled.filter);
  precompiled = prog;
  precompiled_for = sc;
}

char *seccomp_process_state_json(const char *metadata, pid_t pid,
                                 const char *state_json) {
  char *buf = xasprintf("{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],"
                        "\"pid\":%d",
                        SPEC_OCI_VERSION, (int)pid);
  char *out;

  /* runc's (the spec's Go type): "metadata" only when there is some */
  if (metadata != NULL && *metadata != '\0') {
    char *with = xasprintf("%s,\"metadata\":", buf);
    free(buf);
    buf = json_append_string(with, metadata);
  }
  out = xasprintf("%s,\"state\":%s}", buf,
                  state_json && *state_json ? state_json : "{}");
  free(buf);
  return out;
}

int seccomp_notify_send(const char *listener_path, int notify_fd,
                        const char *metadata, pid_t pid, const char *state_json,
                        struct brig_error *err) {
  _cleanup_close_ int sock = -1;
  _cleanup_free_ char *msg = NULL;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov;
  struct msghdr mh = {0};
  struct cmsghdr *cm;
  size_t len;
  ssize_t n;

  if (strlen(listener_path) >= sizeof(addr.sun_path))
    return brig_err(err, ENAMETOOLONG, "seccomp listener \"%s\"",
                    listener_path);
  strcpy(addr.sun_path, listener_path);
  sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return brig_err(err, errno, "seccomp listener: socket");
  if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return brig_err(err, errno, "seccomp listener: connect \"%s\"",
                    listener_path);
  msg = seccomp_process_state_json(metadata, pid, state_json);
  len = strlen(msg);
  memset(&control, 0, sizeof(control));
  iov.iov_base = msg;
  iov.iov_len = len;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof(control.buf);
  cm = CMSG_FIRSTHDR(&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &notify_fd, sizeof(int));
  do
    n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return brig_err(err, errno, "seccomp listener: send to \"%s\"",
                    listener_path);
  if ((size_t)n < len && write_all(sock, msg + n, len - (size_t)n) < 0)
    return brig_err(err, errno, "seccomp listener: send to \"%s\"",
                    listener_path);
  return 0;
}
