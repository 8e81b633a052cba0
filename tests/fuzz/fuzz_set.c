/* libFuzzer target: --set PATH=VALUE arguments (one per line of the input,
 * at most 8) over a fixed config.  Must never crash or leak; a refusal is
 * one non-empty line naming the config or a --set; a config that parses
 * must emit JSON that parses again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

static const char base[] =
    "{\"ociVersion\":\"1.3.0\",\"hostname\":\"h\","
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"A=1\"],"
    "\"user\":{\"uid\":0,\"gid\":0},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\","
    "\"hard\":1024,\"soft\":1024}]},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\","
    "\"source\":\"proc\",\"options\":[\"nosuid\"]}],"
    "\"annotations\":{\"a\":\"b\"},"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}],"
    "\"sysctl\":{\"kernel.shmmax\":\"1\"},\"resources\":{\"memory\":"
    "{\"limit\":1048576},\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
    "\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1), *sets[9] = {0}, *p;
  struct brig_error err = {0};
  struct spec_config *cfg;
  size_t n = 0;

  memcpy(text, data, size);
  text[size] = '\0';
  for (p = text; n < 8;) {
    char *nl = strchr(p, '\n');
    sets[n++] = p;
    if (nl == NULL)
      break;
    *nl = '\0';
    p = nl + 1;
  }
  cfg = spec_parse_with(base, strlen(base), "config.json", sets, &err);
  if (cfg != NULL) {
    char *json = spec_emit(cfg, false, &err);
    struct spec_config *again;
    if (json == NULL)
      abort();
    again = spec_parse(json, strlen(json), "emitted.json", &err);
    if (again == NULL) {
      fprintf(stderr, "emitted config does not parse: %s\n", err.msg);
      abort();
    }
    spec_free(again);
    free(json);
    spec_free(cfg);
  } else if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL ||
             (strncmp(err.msg, "config.json: ", 13) != 0 &&
              strncmp(err.msg, "--set ", 6) != 0)) {
    fprintf(stderr, "bad refusal: %s\n", err.msg);
    abort();
  }
  free(text);
  return 0;
}
