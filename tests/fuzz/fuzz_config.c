/* libFuzzer target: any bytes through the config parser.  Must never
 * crash or leak; a config that parses must emit JSON that parses again;
 * the block-built document (p_doc_parse) must be yajl_tree_parse's tree,
 * or fail with its line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tree_equal.h"
#include "internal.h"
#include "spec.h"

static void same_as_yajl_tree(const uint8_t *data, size_t size) {
  struct brig_error e1 = {0}, e2 = {0};
  struct pctx c1 = {.name = "t.json", .err = &e1};
  struct pctx c2 = {.name = "t.json", .err = &e2};
  struct p_doc doc;
  yajl_val tree = p_tree(&c1, (const char *)data, size);
  int r = p_doc_parse(&c2, (const char *)data, size, &doc);
  if ((tree != NULL) != (r == 0) ||
      (tree != NULL ? !tree_equal(tree, doc.root)
                    : strcmp(e1.msg, e2.msg) != 0)) {
    fprintf(stderr, "p_doc_parse and yajl_tree_parse differ: %s | %s\n", e1.msg,
            e2.msg);
    abort();
  }
  yajl_tree_free(tree);
  if (r == 0)
    p_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct brig_error err = {0};
  same_as_yajl_tree(data, size);
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
