/* Placeholder until the parser lands. */
#include "spec.h"

#include <stdlib.h>

struct spec_config *spec_load_file(const char *path, struct brig_error *err) {
  brig_err(err, 0, "%s: parser not implemented", path);
  return NULL;
}

void spec_free(struct spec_config *cfg) {
  free(cfg);
}

char *spec_default_json(bool rootless, struct brig_error *err) {
  (void)rootless;
  brig_err(err, 0, "not implemented");
  return NULL;
}

char *spec_features_json(struct brig_error *err) {
  brig_err(err, 0, "not implemented");
  return NULL;
}

const char *spec_yajl_version(void) {
  return "2.1.0";
}

const char *spec_ns_type_name(enum spec_ns_type t) {
  static const char *names[] = {"pid", "network", "mount",  "ipc",
                                "uts", "user",    "cgroup", "time"};
  return (unsigned)t < SPEC_NS_COUNT ? names[t] : "unknown";
}
