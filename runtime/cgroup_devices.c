/* linux.resources.devices as one rule list both drivers use: v1 writes it
 * to devices.allow/deny, v2 compiles it to an eBPF program
 * (cgroup_v2_devices.c). */
#include "cgroup_internal.h"

#include <stdlib.h>
#include <string.h>

#include "rootless.h"
#include "util.h"

bool cg_devices_wanted(bool update) {
  return !update && !rootless_cgroups();
}

/* runc's allowed devices, added after the config's rules. */
static const struct cg_dev_rule default_rules[] = {
    {true, 'c', -1, -1, "m"},    {true, 'b', -1, -1, "m"},
    {true, 'c', 1, 3, "rwm"},    {true, 'c', 1, 8, "rwm"},
    {true, 'c', 1, 7, "rwm"},    {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"},    {true, 'c', 1, 9, "rwm"},
    {true, 'c', 136, -1, "rwm"}, {true, 'c', 5, 2, "rwm"},
    {true, 'c', 10, 200, "rwm"},
};

static struct cg_dev_rule to_rule(const struct spec_device_cgroup *d) {
  struct cg_dev_rule r = {
      .allow = d->allow,
      .type = d->type && *d->type ? d->type[0] : 'a',
      .major = d->major.set ? d->major.v : -1,
      .minor = d->minor.set ? d->minor.v : -1,
  };
  snprintf(r.access, sizeof(r.access), "%s",
           d->access && *d->access ? d->access : "rwm");
  return r;
}

static bool denies_all(const struct cg_dev_rule *r) {
  return !r->allow && r->type == 'a' && strcmp(r->access, "rwm") == 0;
}

static bool same_device(const struct cg_dev_rule *a,
                        const struct cg_dev_rule *b) {
  return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

int cg_device_rules(const struct spec_resources *res, struct cg_dev_rule **out,
                    size_t *n, struct brig_error *err) {
  size_t nd = sizeof(default_rules) / sizeof(default_rules[0]);
  struct cg_dev_rule *cfg = xcalloc(res->n_devices + 1, sizeof(*cfg));
  struct cg_dev_rule *r = xcalloc(res->n_devices + nd + 1, sizeof(*r));
  size_t k = 0, nc = 0;
  bool leading = true;
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < res->n_devices; i++) {
    const struct spec_device_cgroup *d = &res->devices[i];
    struct cg_dev_rule c = to_rule(d);
    const char *acc = d->access && *d->access ? d->access : "rwm";
    if (c.type != 'a' && c.type != 'c' && c.type != 'b') {
      free(cfg);
      free(r);
      return brig_err(err, 0,
                      "linux.resources.devices[%zu].type: \"%c\" is not a, c "
                      "or b",
                      i, c.type);
    }
    if (strlen(acc) > 3 || strspn(acc, "rwm") != strlen(acc)) {
      free(cfg);
      free(r);
      return brig_err(err, 0,
                      "linux.resources.devices[%zu].access: \"%s\" is not "
                      "made of r, w, m",
                      i, acc);
    }
    /* a config's own "deny all" first, as engines write it, is the one
     * every list starts with */
    leading = leading && denies_all(&c);
    if (!leading)
      cfg[nc++] = c;
  }
  /* An allow-list (the runtime-spec's "allowed device list"; runc's rules
   * start from "deny all" whatever the config says first), with runc's
   * default devices.  A default the config names is put before the
   * config's rules, which refine it (a denied /dev/zero, or only its
   * reading, stays denied; runc's defaults come last and win); the other
   * defaults after them, so that "c *:* m" still lets the init make the
   * nodes of /dev. */
  r[k++] = (struct cg_dev_rule){false, 'a', -1, -1, "rwm"};
  for (int named = 1; named >= 0; named--) {
    for (size_t j = 0; j < nd; j++) {
      bool is_named = false;
      for (size_t i = 0; i < nc && !is_named; i++)
        is_named = same_device(&cfg[i], &default_rules[j]);
      if (is_named == (named == 1))
        r[k++] = default_rules[j];
    }
    if (named == 1)
      for (size_t i = 0; i < nc; i++)
        r[k++] = cfg[i];
  }
  free(cfg);
  *out = r;
  *n = k;
  return 0;
}
