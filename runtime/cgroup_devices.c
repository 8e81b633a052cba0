/* linux.resources.devices as one rule list both drivers use: v1 writes it
 * to devices.allow/deny, v2 compiles it to an eBPF program
 * (cgroup_v2_devices.c). */
#include "cgroup_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* runc's allowed devices, added after a config that starts by denying
 * everything. */
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

int cg_device_rules(const struct spec_resources *res, struct cg_dev_rule **out,
                    size_t *n, struct brig_error *err) {
  size_t nd = sizeof(default_rules) / sizeof(default_rules[0]);
  struct cg_dev_rule *r = xcalloc(res->n_devices + nd + 1, sizeof(*r));
  size_t k = 0;
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < res->n_devices; i++) {
    const struct spec_device_cgroup *d = &res->devices[i];
    r[k] = to_rule(d);
    char type = r[k].type;
    if (type != 'a' && type != 'c' && type != 'b') {
      free(r);
      return brig_err(err, 0,
                      "linux.resources.devices[%zu].type: \"%c\" is not a, c "
                      "or b",
                      i, type);
    }
    const char *acc = d->access && *d->access ? d->access : "rwm";
    if (strlen(acc) > 3 || strspn(acc, "rwm") != strlen(acc)) {
      free(r);
      return brig_err(err, 0,
                      "linux.resources.devices[%zu].access: \"%s\" is not "
                      "made of r, w, m",
                      i, acc);
    }
    k++;
  }
  if (k > 0 && !r[0].allow && r[0].type == 'a') {
    /* Deny-all first: add runc's defaults, except a device the config
     * names itself (its own rule wins). */
    for (size_t j = 0; j < nd; j++) {
      const struct cg_dev_rule *d = &default_rules[j];
      bool named = false;
      for (size_t i = 1; i < res->n_devices && !named; i++)
        named = r[i].type == d->type && r[i].major == d->major &&
                r[i].minor == d->minor;
      if (!named)
        r[k++] = *d;
    }
  }
  *out = r;
  *n = k;
  return 0;
}
