/* spec/: parsing config.json into the model, the error lines for malformed
 * configs, emitting, the default spec and features.json. */
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "tap.h"
#include "util.h"

/* Each malformed config and the exact line it must produce. */
static const struct {
  const char *json;
  const char *want;
} bad_configs[] = {
    {"{\"ociVersion\":\"1.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":"
     "\"1G\"}}}}",
     "config.json: .linux.resources.memory.limit: expected an integer, got "
     "\"1G\""},
    {"{\"ociVersion\":\"1.0\",\"mounts\":[{\"destination\":\"/a\"},"
     "{\"destination\":\"/b\"},{\"destination\":\"x\"}]}",
     "config.json: .mounts[2].destination: expected an absolute path, got "
     "\"x\""},
    {"{\"ociVersion\":\"1.0\",\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":"
     "1}}}",
     "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, "
     "got 1"},
};

static void test_bad_configs(void) {
  for (size_t i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
    struct brig_error err = {0};
    struct spec_config *cfg = spec_parse(
        bad_configs[i].json, strlen(bad_configs[i].json), "config.json", &err);
    ok(cfg == NULL, "bad config %zu refused", i);
    is_str(err.msg, bad_configs[i].want, "bad config %zu message", i);
    spec_free(cfg);
  }
}

int main(void) {
  test_bad_configs();
  return tap_done();
}
