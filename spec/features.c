/* features.json (runtime-spec features.md): what brig implements. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static void em_klist(struct emitter *e, const char *key,
                     const char *const *names) {
  em_key(e, key);
  em_array_open(e);
  for (size_t i = 0; names[i] != NULL; i++)
    em_str(e, names[i]);
  em_array_close(e);
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names (up to NULL) sorted, as runc lists its namespaces and seccomp
 * names */
static void em_sorted_list(struct emitter *e, const char *key,
                           const char *const *names) {
  size_t n = 0;
  while (names[n] != NULL)
    n++;
  const char **copy = xcalloc(n + 1, sizeof(*copy));
  memcpy(copy, names, n * sizeof(*copy));
  qsort(copy, n, sizeof(*copy), name_cmp);
  em_klist(e, key, copy);
  free(copy);
}

static void em_enabled(struct emitter *e, const char *key, bool on) {
  em_key(e, key);
  em_open(e);
  em_kbool(e, "enabled", on);
  em_close(e);
}

char *spec_features_json(struct brig_error *err) {
  const struct scmp_version *sv = seccomp_version();
  struct emitter e;
  char version[64];

  em_init(&e, "    ");
  em_open(&e);
  em_kstr(&e, "ociVersionMin", "1.0.0");
  em_kstr(&e, "ociVersionMax", SPEC_OCI_VERSION);
  em_klist(&e, "hooks", spec_hook_kinds);
  em_klist(&e, "mountOptions", spec_mount_options);

  em_key(&e, "linux");
  em_open(&e);
  const char *ns[SPEC_NS_COUNT + 1] = {NULL};
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    ns[t] = spec_ns_type_name((enum spec_ns_type)t);
  em_sorted_list(&e, "namespaces", ns);
  em_key(&e, "capabilities");
  em_array_open(&e);
  for (int cap = 0; cap <= spec_capability_last(); cap++)
    em_str(&e, spec_capability_name(cap));
  em_array_close(&e);
  em_key(&e, "cgroup");
  em_open(&e);
  em_kbool(&e, "v1", true);
  em_kbool(&e, "v2", true);
  em_kbool(&e, "systemd", false);
  em_kbool(&e, "systemdUser", false);
  em_kbool(&e, "rdma", true); /* linux.resources.rdma: rdma.max, v1 and v2 */
  em_close(&e);
  em_key(&e, "seccomp");
  em_open(&e);
  em_kbool(&e, "enabled", true);
  em_sorted_list(&e, "actions", spec_seccomp_actions);
  em_sorted_list(&e, "operators", spec_seccomp_operators);
  em_sorted_list(&e, "archs", spec_seccomp_archs);
  em_sorted_list(&e, "knownFlags", spec_seccomp_known_flags);
  em_sorted_list(&e, "supportedFlags", spec_seccomp_supported_flags);
  em_close(&e);
  /* Implemented (lsm.c); a host without the LSM refuses a request. */
  em_enabled(&e, "apparmor", true);
  em_enabled(&e, "selinux", true);
  em_enabled(&e, "intelRdt", false);
  em_key(&e, "mountExtensions");
  em_open(&e);
  em_enabled(&e, "idmap", true);
  em_close(&e);
  em_close(&e);

  em_key(&e, "annotations");
  em_open(&e);
  snprintf(version, sizeof(version), "%u.%u.%u", sv->major, sv->minor,
           sv->micro);
  em_kstr(&e, "io.github.seccomp.libseccomp.version", version);
  /* issue 12: the config on the command line (lxc -f / -s) */
  em_kstr(&e, "org.brig.cmdline.config",
          "create, run, execute: --config FILE, --set PATH=VALUE");
  em_close(&e);
  em_close(&e);
  return em_finish(&e, err);
}
