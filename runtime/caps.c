/* Capabilities (libcap) and the uid/gid change, in runc's order:
 *   caps_apply_bounding  PR_CAPBSET_DROP for every cap not in bounding
 *                        (while still root with CAP_SETPCAP effective)
 *   PR_SET_KEEPCAPS, user_apply (setgroups, setresgid, setresuid),
 *   PR_SET_KEEPCAPS 0
 *   caps_apply_sets      effective/permitted/inheritable (cap_set_proc),
 *                        then ambient (PR_CAP_AMBIENT_RAISE)
 * execve then recomputes the sets: for uid 0 permitted = bounding (plus
 * inheritable), for other uids only ambient survives. */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "security_impl.h"
#include "util.h"

static int kernel_last_cap(void) {
  int n = (int)cap_max_bits() - 1;
  return n > 63 ? 63 : n;
}

/* Add name to the list of dropped names (comma separated, once). */
static void note_dropped(char *buf, size_t size, const char *name) {
  size_t len = strlen(buf);
  char needle[128];

  snprintf(needle, sizeof(needle), "%s,", name);
  if (strstr(buf, needle) != NULL)
    return;
  snprintf(buf + len, size - len, "%s", needle);
}

int caps_resolve(const struct spec_capabilities *c, struct cap_plan *plan,
                 bool warn, struct brig_error *err) {
  char dropped[1024] = "";
  char *const *lists[CAPSET_COUNT];
  /* Each named capability is looked up in our bounding set once, however
   * many sets name it (this process's own: a child in a new user
   * namespace has a full one, so no answer is kept across calls). */
  uint64_t asked = 0, held = 0;

  (void)err;
  memset(plan, 0, sizeof(*plan));
  plan->last_cap = kernel_last_cap();
  if (c == NULL)
    return 0;
  lists[CAPSET_BOUNDING] = c->bounding;
  lists[CAPSET_EFFECTIVE] = c->effective;
  lists[CAPSET_PERMITTED] = c->permitted;
  lists[CAPSET_INHERITABLE] = c->inheritable;
  lists[CAPSET_AMBIENT] = c->ambient;
  for (int s = 0; s < CAPSET_COUNT; s++) {
    for (char *const *n = lists[s]; n && *n; n++) {
      int cap = spec_capability_from_name(*n);
      uint64_t bit = cap < 0 || cap > plan->last_cap ? 0 : 1ULL << cap;
      if (bit != 0 && !(asked & bit)) {
        asked |= bit;
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
          held |= bit;
      }
      if (!(held & bit)) {
        note_dropped(dropped, sizeof(dropped), *n);
        continue;
      }
      plan->sets[s] |= bit;
    }
  }
  if (*dropped != '\0') {
    dropped[strlen(dropped) - 1] = '\0';
    log_msg(warn ? LOG_LVL_WARN : LOG_LVL_DEBUG,
            "ignoring capabilities unknown to the kernel or missing from "
            "brig's bounding set: %s",
            dropped);
  }
  return 0;
}

int caps_apply_bounding(const struct cap_plan *plan, struct brig_error *err) {
  for (int cap = 0; cap <= plan->last_cap; cap++) {
    if (plan->sets[CAPSET_BOUNDING] & (1ULL << cap))
      continue;
    /* Dropping one not in the set succeeds too: no read first, but a
     * failed drop (no CAP_SETPCAP) of one that is not there is none. */
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      int e = errno;
      if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
        continue;
      return brig_err(err, e, "process.capabilities.bounding: drop %s",
                      spec_capability_name(cap) ? spec_capability_name(cap)
                                                : "capability");
    }
  }
  return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t bits, int last) {
  for (int cap = 0; cap <= last; cap++) {
    cap_value_t v = cap;
    if ((bits & (1ULL << cap)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
      return -1;
  }
  return 0;
}

/* The names of the capabilities in bits, comma separated. */
static void cap_names(char *buf, size_t size, uint64_t bits, int last) {
  size_t len = 0;
  buf[0] = '\0';
  for (int cap = 0; cap <= last && len < size; cap++) {
    const char *name = spec_capability_name(cap);
    if (!(bits & (1ULL << cap)))
      continue;
    len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                            name ? name : "?");
  }
}

/* capset(2) refused the sets (errno e): name the capabilities it refused,
 * checking its rules in the order a config most often breaks them. */
static int sets_refused(const struct cap_plan *plan, int e,
                        struct brig_error *err) {
  uint64_t eff = plan->sets[CAPSET_EFFECTIVE];
  uint64_t perm = plan->sets[CAPSET_PERMITTED];
  uint64_t inh = plan->sets[CAPSET_INHERITABLE];
  uint64_t own_perm = 0, own_inh = 0, bset = 0, bad;
  bool setpcap = false;
  const char *set = NULL, *why = NULL;
  char names[512];
  cap_t own = cap_get_proc();

  for (int cap = 0; cap <= plan->last_cap; cap++) {
    cap_flag_value_t v;
    cap_value_t cv = cap;
    if (own != NULL && cap_get_flag(own, cv, CAP_PERMITTED, &v) == 0 && v)
      own_perm |= 1ULL << cap;
    if (own != NULL && cap_get_flag(own, cv, CAP_INHERITABLE, &v) == 0 && v)
      own_inh |= 1ULL << cap;
    if (cap == CAP_SETPCAP && own != NULL &&
        cap_get_flag(own, cv, CAP_EFFECTIVE, &v) == 0 && v)
      setpcap = true;
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
      bset |= 1ULL << cap;
  }
  if (own != NULL)
    cap_free(own);
  if ((bad = eff & ~perm) != 0) {
    set = "effective";
    why = "not in process.capabilities.permitted (an effective capability "
          "must be permitted)";
  } else if ((bad = perm & ~own_perm) != 0) {
    set = "permitted";
    why = "not in the runtime's own permitted set";
  } else if ((bad = inh & ~(own_inh | bset)) != 0) {
    set = "inheritable";
    why = "not in process.capabilities.bounding";
  } else if (!setpcap && (bad = inh & ~(own_inh | own_perm)) != 0) {
    set = "inheritable";
    why = "neither permitted nor inheritable in the runtime, which lacks "
          "CAP_SETPCAP";
  }
  if (set == NULL)
    return brig_err(err, e,
                    "process.capabilities: set effective %#llx permitted "
                    "%#llx inheritable %#llx",
                    (unsigned long long)eff, (unsigned long long)perm,
                    (unsigned long long)inh);
  cap_names(names, sizeof(names), bad, plan->last_cap);
  return brig_err(err, e, "process.capabilities.%s: %s %s", set, names, why);
}

int caps_apply_sets(const struct cap_plan *plan, struct brig_error *err) {
  cap_t c = cap_init();
  int ret;

  if (c == NULL)
    return brig_err(err, errno, "cap_init");
  if (set_flag(c, CAP_EFFECTIVE, plan->sets[CAPSET_EFFECTIVE], plan->last_cap) <
          0 ||
      set_flag(c, CAP_PERMITTED, plan->sets[CAPSET_PERMITTED], plan->last_cap) <
          0 ||
      set_flag(c, CAP_INHERITABLE, plan->sets[CAPSET_INHERITABLE],
               plan->last_cap) < 0) {
    cap_free(c);
    return brig_err(err, errno, "cap_set_flag");
  }
  ret = cap_set_proc(c);
  cap_free(c);
  if (ret < 0)
    return sets_refused(plan, errno, err);

  /* Clear what the runtime may carry, then raise: the kernel allows an
   * ambient cap only when it is both permitted and inheritable; runc skips
   * the others silently, so do we (logged at debug level). */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
      errno != EINVAL)
    return brig_err(err, errno, "process.capabilities.ambient: clear");
  for (int cap = 0; cap <= plan->last_cap; cap++) {
    uint64_t bit = 1ULL << cap;
    if (!(plan->sets[CAPSET_AMBIENT] & bit))
      continue;
    if (!(plan->sets[CAPSET_PERMITTED] & bit) ||
        !(plan->sets[CAPSET_INHERITABLE] & bit)) {
      log_debug("ambient capability %s skipped: not both permitted and "
                "inheritable",
                spec_capability_name(cap));
      continue;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return brig_err(err, errno, "process.capabilities.ambient: raise %s",
                      spec_capability_name(cap));
  }
  return 0;
}

/* setgroups(2) is "deny" in this user namespace (its gid_map was written
 * without privilege, as for a rootless container). */
static bool setgroups_denied(void) {
  char buf[8] = "";
  int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (read(fd, buf, sizeof(buf) - 1) < 0)
    buf[0] = '\0';
  close(fd);
  return strncmp(buf, "deny", 4) == 0;
}

/* As runc (fixStdioPermissions): stdio becomes the process's uid's, so
 * that it can open it again (/dev/stdout, a pty's /proc/self/fd/0);
 * /dev/null and what it owns already are left, and a file whose owner or
 * group this namespace cannot map, or a read-only one, stays as it is. */
static int stdio_to_user(uid_t uid, struct brig_error *err) {
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid == uid ||
        (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
      continue;
    if (fchown(fd, uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM &&
        errno != EROFS)
      return brig_err(err, errno, "process.user.uid: chown stdio fd %d to %u",
                      fd, (unsigned)uid);
  }
  return 0;
}

/* A failed setresuid or setresgid; EINVAL is an id the user namespace
 * does not map, which runc says too. */
static int id_refused(struct brig_error *err, const char *field,
                      const char *call, unsigned id) {
  if (errno == EINVAL)
    return brig_err(err, 0,
                    "process.user.%s: %u is not mapped in the container's "
                    "user namespace (%s)",
                    field, id, call);
  return brig_err(err, errno, "process.user.%s: %s %u", field, call, id);
}

static int gid_cmp(const void *a, const void *b) {
  gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
  return x < y ? -1 : x > y;
}

int user_apply(const struct spec_user *u, struct brig_error *err) {
  /* Each additional gid once, as runc passes them (the kernel keeps a
   * repeated one twice; it sorts the list itself).  None or one needs no
   * copy: the default start path does not allocate here. */
  _cleanup_free_ gid_t *sorted = NULL;
  const gid_t *gids = u->additional_gids;
  size_t n = u->n_additional_gids;
  if (n > 1) {
    sorted = xmalloc(n * sizeof(gid_t));
    memcpy(sorted, u->additional_gids, n * sizeof(gid_t));
    qsort(sorted, n, sizeof(gid_t), gid_cmp);
    size_t kept = 1;
    for (size_t i = 1; i < n; i++)
      if (sorted[kept - 1] != sorted[i])
        sorted[kept++] = sorted[i];
    gids = sorted;
    n = kept;
  }
  if (stdio_to_user(u->uid, err) < 0)
    return -1;
  if (setgroups(n, gids) < 0) {
    if (errno == EPERM && setgroups_denied()) {
      if (u->n_additional_gids > 0)
        return brig_err(err, EPERM,
                        "process.user.additionalGids: setgroups is denied in "
                        "this user namespace (its gid_map was written "
                        "without privilege: map subordinate gids with "
                        "newgidmap)");
      /* nothing to set: the groups stay those of the namespace */
    } else if (errno == EINVAL) {
      return brig_err(err, 0,
                      "process.user.additionalGids: a gid is not mapped in "
                      "the container's user namespace (setgroups)");
    } else {
      return brig_err(err, errno, "process.user.additionalGids: setgroups");
    }
  }
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return id_refused(err, "gid", "setresgid", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return id_refused(err, "uid", "setresuid", u->uid);
  return 0;
}
