/* libFuzzer target: any bytes through the `update --resources` and
 * `exec --process` parsers.  Must never crash or leak; a refusal is always
 * one non-empty line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

static void check_refusal(const struct brig_error *err) {
  if (err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct brig_error err = {0};
  struct spec_resources *r;
  struct spec_process *p;

  r = spec_parse_resources((const char *)data, size, "resources.json", &err);
  if (r == NULL)
    check_refusal(&err);
  spec_resources_free(r);
  brig_err_clear(&err);
  p = spec_parse_process((const char *)data, size, "process.json", &err);
  if (p == NULL) {
    check_refusal(&err);
  } else if (p->args == NULL || p->args[0] == NULL || p->cwd == NULL ||
             p->cwd[0] != '/') {
    abort(); /* what the parser promises the runtime */
  }
  spec_process_free(p);
  return 0;
}
