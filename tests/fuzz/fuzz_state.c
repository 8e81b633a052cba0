/* libFuzzer target: any bytes through the state.json reader.  Must never
 * crash or leak; a refusal is one non-empty line; a state that parses
 * must emit a state.json that parses again to the same fields; what the
 * plain reader takes, the tree parser reads the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static int same(const char *a, const char *b) {
  if (a == NULL || b == NULL)
    return (a == NULL || *a == '\0') && (b == NULL || *b == '\0');
  return strcmp(a, b) == 0;
}

static void plain_agrees(const char *data, size_t size) {
  struct brig_error err = {0};
  struct container_state plain, tree;
  if (state_parse_plain(data, size, &plain) < 0)
    return;
  if (state_parse_tree(data, size, "state.json", &tree, &err) < 0 ||
      plain.pid != tree.pid || !same(plain.oci_version, tree.oci_version) ||
      !same(plain.id, tree.id) || !same(plain.status, tree.status) ||
      !same(plain.bundle, tree.bundle) || !same(plain.rootfs, tree.rootfs) ||
      !same(plain.created, tree.created) || !same(plain.owner, tree.owner) ||
      (plain.rootfs == NULL) != (tree.rootfs == NULL) ||
      (plain.owner == NULL) != (tree.owner == NULL) ||
      (plain.cgroup_path == NULL) != (tree.cgroup_path == NULL) ||
      !same(plain.cgroup_path, tree.cgroup_path) ||
      plain.init_start_time != tree.init_start_time ||
      plain.use_init != tree.use_init ||
      plain.systemd_cgroup != tree.systemd_cgroup ||
      plain.exit_status != tree.exit_status ||
      plain.n_annotations != tree.n_annotations)
    abort();
  for (size_t i = 0; i < plain.n_annotations; i++)
    if (strcmp(plain.annotations[i].key, tree.annotations[i].key) != 0 ||
        strcmp(plain.annotations[i].value, tree.annotations[i].value) != 0)
      abort();
  state_clear(&plain);
  state_clear(&tree);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct brig_error err = {0};
  struct container_state st, again;
  char *json;

  plain_agrees((const char *)data, size);

  if (state_parse_file((const char *)data, size, "state.json", &st, &err) < 0) {
    if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL)
      abort();
    state_clear(&st);
    return 0;
  }
  json = state_emit_file(&st);
  if (state_parse_file(json, strlen(json), "emitted.json", &again, &err) < 0) {
    fprintf(stderr, "emitted state does not parse: %s\n", err.msg);
    abort();
  }
  if (again.pid != st.pid || !same(again.id, st.id) ||
      !same(again.status, st.status) || !same(again.bundle, st.bundle) ||
      !same(again.cgroup_path, st.cgroup_path) ||
      again.n_annotations != st.n_annotations ||
      again.init_start_time != st.init_start_time ||
      again.use_init != st.use_init)
    abort();
  free(state_emit_public(&st, size % 2 == 0));
  state_clear(&again);
  state_clear(&st);
  free(json);
  return 0;
}
