/* libFuzzer target: any bytes through the config parser.  Must never
 * crash or leak; a config that parses must emit JSON that parses again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct brig_error err = {0};
  struct spec_config *cfg =
      spec_parse((const char *)data, size, "config.json", &err);
  if (cfg != NULL) {
    char *json = spec_emit(cfg, size % 2 == 0, &err);
    struct spec_config *again;
    if (json == NULL) {
      fprintf(stderr, "emit failed: %s\n", err.msg);
      abort();
    }
    again = spec_parse(json, strlen(json), "emitted.json", &err);
    if (again == NULL) {
      fprintf(stderr, "emitted config does not parse: %s\n", err.msg);
      abort();
    }
    spec_free(again);
    free(json);
    spec_free(cfg);
  } else if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL) {
    abort(); /* a refusal is always one non-empty line */
  }
  spec_process_free(
      spec_parse_process((const char *)data, size, "process.json", &err));
  spec_resources_free(
      spec_parse_resources((const char *)data, size, "resources.json", &err));
  return 0;
}
