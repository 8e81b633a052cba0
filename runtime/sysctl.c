/* linux.sysctl: only keys that belong to a namespace the container has of
 * its own are allowed (as runc validates); each is written under the
 * container's /proc/sys through procfs_open_sys (a real procfs, no symlink
 * or mount crossed). */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "namespaces.h"
#include "util.h"

static bool has_namespace(const struct spec_config *cfg, enum spec_ns_type t) {
  const struct spec_linux *l = cfg->linux_;
  for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
    if (l->namespaces[i].type == t)
      return true;
  return false;
}

/* A network namespace joined by path that is the runtime's own (runc's
 * isHostNetNS): its net.* keys are the host's. */
static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* A refusal by policy: errno EPERM, but no strerror in the message. */
static int refuse(struct brig_error *err, const char *key, const char *why) {
  brig_err(err, 0, "sysctl \"%s\" %s", key, why);
  err->errnum = EPERM;
  return -1;
}

/* Prefix err with the JSON path of the config's i-th sysctl. */
static int sysctl_where(const struct spec_config *cfg, size_t i,
                        struct brig_error *err) {
  return brig_err_wrap(err, "linux.sysctl[\"%s\"]", cfg->linux_->sysctl[i].key);
}

/* sysctl.d(5): a key whose first separator is '/' separates with '/'
 * and keeps its dots as part of a name ("net/ipv4/conf/eth0.100/rp_filter");
 * otherwise '.' separates and a '/' has no place. */
static bool slash_key(const char *key) {
  const char *sep = strpbrk(key, "./");
  return sep != NULL && *sep == '/';
}

/* The key with '.' as its separator (a dot of a name as '/'), as the
 * checks below read it; the path under /proc/sys with '/'. */
static char *sysctl_swap(const char *key, bool to_path) {
  char *out = xstrdup(key);
  bool slash = slash_key(key);
  for (char *p = out; *p; p++)
    if (slash != to_path && (*p == '.' || *p == '/'))
      *p = *p == '.' ? '/' : '.';
  return out;
}

static bool key_valid(const char *key) {
  char sep = slash_key(key) ? '/' : '.';
  if (key[0] == '\0' || (sep == '.' && strchr(key, '/') != NULL))
    return false;
  for (const char *c = key;;) { /* no empty, "." or ".." component */
    size_t n = strcspn(c, sep == '/' ? "/" : ".");
    if (n == 0 || (n <= 2 && strncmp(c, "..", n) == 0))
      return false;
    if (c[n] == '\0')
      return true;
    c += n + 1;
  }
}

int rootfs_sysctl_check_key(const struct spec_config *cfg, const char *name,
                            struct brig_error *err) {
  if (!key_valid(name))
    return brig_err(err, EINVAL, "sysctl \"%s\": not a valid key", name);
  _cleanup_free_ char *key = sysctl_swap(name, false);
  for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(*ipc_keys); i++)
    if (strcmp(key, ipc_keys[i]) == 0)
      return has_namespace(cfg, SPEC_NS_IPC)
                 ? 0
                 : refuse(err, key, "needs the container's own ipc namespace");
  if (strncmp(key, "fs.mqueue.", 10) == 0)
    return has_namespace(cfg, SPEC_NS_IPC)
               ? 0
               : refuse(err, key, "needs the container's own ipc namespace");
  if (strncmp(key, "net.", 4) == 0)
    return has_namespace(cfg, SPEC_NS_NETWORK)
               ? 0
               : refuse(err, key,
                        "needs the container's own network namespace");
  if (strcmp(key, "kernel.hostname") == 0 ||
      strcmp(key, "kernel.domainname") == 0) {
    /* The config's own field says it too: which one wins would depend on
     * the order they are applied in (runc refuses kernel.hostname). */
    bool host = key[7] == 'h';
    if (host ? cfg->hostname != NULL : cfg->domainname != NULL)
      return refuse(err, key,
                    host ? "is not allowed as it conflicts with the OCI "
                           "\"hostname\" field"
                         : "is not allowed as it conflicts with the OCI "
                           "\"domainname\" field");
    return has_namespace(cfg, SPEC_NS_UTS)
               ? 0
               : refuse(err, key, "needs the container's own uts namespace");
  }
  return refuse(err, key, "is not in a separate kernel namespace: refused");
}

int rootfs_sysctl_check(const struct spec_config *cfg, struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
  for (size_t i = 0; l != NULL && i < l->n_sysctl; i++)
    if (rootfs_sysctl_check_key(cfg, l->sysctl[i].key, err) < 0)
      return sysctl_where(cfg, i, err);
  return 0;
}

int rootfs_sysctl_check_host(const struct spec_config *cfg,
                             struct brig_error *err) {
  const struct spec_linux *l = cfg->linux_;
  for (size_t i = 0; l != NULL && i < l->n_sysctl; i++) {
    if (rootfs_sysctl_check_key(cfg, l->sysctl[i].key, err) < 0)
      return sysctl_where(cfg, i, err);
    _cleanup_free_ char *key = sysctl_swap(l->sysctl[i].key, false);
    if (strncmp(key, "net.", 4) == 0 && ns_joins_host_netns(cfg) &&
        refuse(err, key, "not allowed in host network namespace") < 0)
      return sysctl_where(cfg, i, err);
  }
  return 0;
}

int rootfs_sysctl(const struct rootfs_ctx *ctx, struct brig_error *err) {
  const struct spec_linux *l = ctx->cfg->linux_;

  if (l == NULL || l->n_sysctl == 0)
    return 0;
  if (rootfs_sysctl_check(ctx->cfg, err) < 0)
    return -1;
  for (size_t i = 0; i < l->n_sysctl; i++) {
    const char *key = l->sysctl[i].key, *value = l->sysctl[i].value;
    _cleanup_free_ char *path = sysctl_swap(key, true);
    _cleanup_close_ int fd = -1;

    /* The container's /proc may be anything (a symlink, another
     * filesystem, a mount over /proc/sys or one of its files). */
    fd = procfs_open_sys(path, O_WRONLY, err);
    if (fd < 0)
      return sysctl_where(ctx->cfg, i, err);
    if (write_all(fd, value ? value : "", value ? strlen(value) : 0) < 0) {
      brig_err(err, errno, "write \"%s\"", value ? value : "");
      return sysctl_where(ctx->cfg, i, err);
    }
  }
  return 0;
}
