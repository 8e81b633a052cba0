/* Mount options of config.json: flags for mount(2), what a bind mount must
 * set or clear afterwards, propagation, recursive attributes for
 * mount_setattr(2), and the rest as data. */
#include "mounts.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "kapi.h"
#include "util.h"

enum opt_kind { OPT_SET, OPT_CLEAR, OPT_PROP, OPT_REC_SET, OPT_REC_CLR };

struct opt_def {
  const char *name;
  enum opt_kind kind;
  uint64_t value;
};

/* The MS_* flag set or cleared by each name, as mount(8) knows them. */
static const struct opt_def opt_defs[] = {
    {"defaults", OPT_SET, 0},
    {"ro", OPT_SET, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"nosuid", OPT_SET, MS_NOSUID},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"nodev", OPT_SET, MS_NODEV},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"noexec", OPT_SET, MS_NOEXEC},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"sync", OPT_SET, MS_SYNCHRONOUS},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPT_SET, MS_DIRSYNC},
    {"remount", OPT_SET, MS_REMOUNT},
    {"mand", OPT_SET, MS_MANDLOCK},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"noatime", OPT_SET, MS_NOATIME},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"nodiratime", OPT_SET, MS_NODIRATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"relatime", OPT_SET, MS_RELATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"strictatime", OPT_SET, MS_STRICTATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"lazytime", OPT_SET, MS_LAZYTIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"silent", OPT_SET, MS_SILENT},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"iversion", OPT_SET, MS_I_VERSION},
    {"noiversion", OPT_CLEAR, MS_I_VERSION},
    {"acl", OPT_SET, MS_POSIXACL}, /* as runc: a flag, not fs data */
    {"noacl", OPT_CLEAR, MS_POSIXACL},
    {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    {"private", OPT_PROP, MS_PRIVATE},
    {"rprivate", OPT_PROP, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROP, MS_SHARED},
    {"rshared", OPT_PROP, MS_SHARED | MS_REC},
    {"slave", OPT_PROP, MS_SLAVE},
    {"rslave", OPT_PROP, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROP, MS_UNBINDABLE},
    {"runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC},
    {"rro", OPT_REC_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_REC_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_REC_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_REC_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_REC_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_REC_CLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_REC_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    /* The atime mode is one field: setting any value clears the field.
     * Clearing noatime or strictatime falls back to relatime, the kernel's
     * default; clearing relatime means strictatime. */
    {"rnoatime", OPT_REC_SET, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_REC_SET, MOUNT_ATTR_RELATIME},
    {"rrelatime", OPT_REC_SET, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_REC_SET, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPT_REC_SET, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_REC_SET, MOUNT_ATTR_RELATIME},
};

static const char *const atime_rec_opts[] = {"rnoatime",     "ratime",
                                             "rrelatime",    "rnorelatime",
                                             "rstrictatime", "rnostrictatime"};

static bool is_atime_rec_opt(const char *name) {
  for (size_t i = 0; i < sizeof(atime_rec_opts) / sizeof(*atime_rec_opts); i++)
    if (strcmp(name, atime_rec_opts[i]) == 0)
      return true;
  return false;
}

static void data_append(char **data, const char *opt) {
  char *old = *data;
  *data = old ? xasprintf("%s,%s", old, opt) : xstrdup(opt);
  free(old);
}

void mount_opts_parse(char *const *options, struct mount_opts *o) {
  memset(o, 0, sizeof(*o));
  for (size_t i = 0; options != NULL && options[i] != NULL; i++) {
    const char *name = options[i];
    const struct opt_def *def = NULL;

    if (strcmp(name, "bind") == 0 || strcmp(name, "rbind") == 0) {
      o->bind = true;
      o->recursive = o->recursive || name[0] == 'r';
      continue;
    }
    if (strcmp(name, "tmpcopyup") == 0) {
      o->tmpcopyup = true;
      continue;
    }
    if (strcmp(name, "idmap") == 0 || strcmp(name, "ridmap") == 0) {
      o->idmap = true;
      o->idmap_recursive = name[0] == 'r';
      continue;
    }
    for (size_t j = 0; j < sizeof(opt_defs) / sizeof(*opt_defs); j++) {
      /* the first byte first: most names differ there */
      if (name[0] == opt_defs[j].name[0] &&
          strcmp(name, opt_defs[j].name) == 0) {
        def = &opt_defs[j];
        break;
      }
    }
    if (def == NULL) {
      data_append(&o->data, name);
      continue;
    }
    switch (def->kind) {
    case OPT_SET:
      o->flags |= def->value;
      o->clear &= ~def->value;
      break;
    case OPT_CLEAR:
      o->clear |= def->value;
      o->flags &= ~def->value;
      break;
    case OPT_PROP:
      o->propagation = def->value;
      break;
    case OPT_REC_SET:
      if (is_atime_rec_opt(name)) {
        o->rec_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
        o->rec_clr |= MOUNT_ATTR__ATIME;
      }
      o->rec_set |= def->value;
      o->rec_clr &= ~def->value | MOUNT_ATTR__ATIME;
      break;
    case OPT_REC_CLR:
      o->rec_clr |= def->value;
      o->rec_set &= ~def->value;
      break;
    }
  }
}

void mount_opts_free(struct mount_opts *o) {
  free(o->data);
  o->data = NULL;
}

bool mount_is_bind(const struct spec_mount *m) {
  if (m->type != NULL && strcmp(m->type, "bind") == 0)
    return true;
  for (size_t i = 0; m->options != NULL && m->options[i] != NULL; i++)
    if (strcmp(m->options[i], "bind") == 0 ||
        strcmp(m->options[i], "rbind") == 0)
      return true;
  return false;
}

void mount_flags_to_attr(unsigned long set, unsigned long clr,
                         uint64_t *attr_set, uint64_t *attr_clr) {
  static const struct {
    unsigned long ms;
    uint64_t attr;
  } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY},
      {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},
      {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
      {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  *attr_set = 0;
  *attr_clr = 0;
  for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
    if (set & map[i].ms)
      *attr_set |= map[i].attr;
    if (clr & map[i].ms)
      *attr_clr |= map[i].attr;
  }
  /* One atime mode: a set flag wins; a cleared one falls back to relatime
   * (strictatime for "norelatime"). */
  if (set & MS_NOATIME)
    *attr_set |= MOUNT_ATTR_NOATIME;
  else if (set & MS_STRICTATIME)
    *attr_set |= MOUNT_ATTR_STRICTATIME;
  else if (set & MS_RELATIME)
    *attr_set |= MOUNT_ATTR_RELATIME;
  else if (clr & MS_RELATIME)
    *attr_set |= MOUNT_ATTR_STRICTATIME;
  else if (!(clr & (MS_NOATIME | MS_STRICTATIME)))
    return;
  *attr_clr |= MOUNT_ATTR__ATIME;
}
