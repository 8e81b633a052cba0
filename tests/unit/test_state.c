/* spec/state_json.c: the plain state.json reader gives what the tree parser
 * gives, or leaves the text to it (torn, corrupt, escaped, unusual). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tap.h"
#include "util.h"

static bool same_str(const char *a, const char *b) {
  return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static bool same_state(const struct container_state *a,
                       const struct container_state *b) {
  if (!same_str(a->oci_version, b->oci_version) || !same_str(a->id, b->id) ||
      !same_str(a->status, b->status) || a->pid != b->pid ||
      !same_str(a->bundle, b->bundle) || !same_str(a->rootfs, b->rootfs) ||
      !same_str(a->created, b->created) || !same_str(a->owner, b->owner) ||
      a->n_annotations != b->n_annotations ||
      a->init_start_time != b->init_start_time ||
      !same_str(a->cgroup_path, b->cgroup_path) ||
      !same_str(a->freezer_file, b->freezer_file) ||
      a->use_init != b->use_init || a->exit_status != b->exit_status ||
      a->systemd_cgroup != b->systemd_cgroup ||
      a->no_new_keyring != b->no_new_keyring)
    return false;
  for (size_t i = 0; i < a->n_annotations; i++)
    if (!same_str(a->annotations[i].key, b->annotations[i].key) ||
        !same_str(a->annotations[i].value, b->annotations[i].value))
      return false;
  return true;
}

/* 1: the plain reader took it and agrees with the tree parser; 0: the plain
 * reader left it; -1: the plain reader took it and disagrees (or took what
 * the tree parser refuses). */
static int compare(const char *text, size_t len) {
  struct container_state plain, tree;
  struct brig_error err = {0};
  int ret;
  if (state_parse_plain(text, len, &plain) < 0)
    return 0;
  ret = state_parse_tree(text, len, "state.json", &tree, &err) == 0 &&
                same_state(&plain, &tree)
            ? 1
            : -1;
  if (ret < 0)
    printf("#   disagree on: %.*s\n", (int)len, text);
  state_clear(&plain);
  state_clear(&tree);
  return ret;
}

static struct container_state sample(int variant) {
  static struct spec_kv ann[] = {{"org.a", "1"}, {"b", ""}};
  struct container_state st = {
      .oci_version = "1.3.0",
      .id = "c1",
      .status = "running",
      .pid = 4242,
      .bundle = "/srv/bundles/c1",
      .rootfs = "/srv/bundles/c1/rootfs",
      .created = "2024-05-01T10:00:00.123456789Z",
      .owner = "",
      .init_start_time = 987654321,
      .cgroup_path = "/brig/c1",
      .freezer_file = "/sys/fs/cgroup/freezer/brig/c1/freezer.state",
      .exit_status = -1,
  };
  if (variant & 1) {
    st.annotations = ann;
    st.n_annotations = 2;
  }
  if (variant & 2) {
    st.use_init = true;
    st.systemd_cgroup = true;
    st.no_new_keyring = true;
  }
  if (variant & 4) {
    st.status = "stopped";
    st.pid = 0;
    st.exit_status = 137;
  }
  if (variant & 8) {
    st.cgroup_path = "";
    st.freezer_file = NULL; /* no cgroup, or a state.json from before */
    st.owner = "user";
  }
  return st;
}

static void test_emitted(void) {
  for (int v = 0; v < 16; v++) {
    struct container_state st = sample(v);
    char *json = state_emit_file(&st);
    ok(compare(json, strlen(json)) == 1,
       "variant %d: brig's own state.json is read plainly, as the tree does",
       v);
    free(json);
  }
}

/* The freezer file create recorded comes back from either reader; none
 * recorded, none read. */
static void test_freezer_file(void) {
  for (int v = 0; v < 16; v += 8) {
    struct container_state st = sample(v), plain, tree;
    struct brig_error err = {0};
    char *json = state_emit_file(&st);
    ok(state_parse_plain(json, strlen(json), &plain) == 0 &&
           state_parse_tree(json, strlen(json), "state.json", &tree, &err) == 0,
       "variant %d: both readers take it", v);
    ok(same_str(plain.freezer_file, st.freezer_file) &&
           same_str(tree.freezer_file, st.freezer_file),
       "variant %d: freezerFile %s read back", v,
       st.freezer_file ? st.freezer_file : "(none)");
    ok((strstr(json, "\"freezerFile\"") != NULL) == (st.freezer_file != NULL),
       "variant %d: written only when there is one", v);
    state_clear(&plain);
    state_clear(&tree);
    free(json);
  }
}

/* Every prefix of a state.json (a torn file): the plain reader takes none;
 * state_parse_file still reports the tree parser's error. */
static void test_torn(void) {
  struct container_state st = sample(3), out;
  struct brig_error err = {0};
  char *json = state_emit_file(&st);
  size_t len = strlen(json);
  int taken = 0;
  for (size_t l = 0; l < len; l++) {
    if (state_parse_plain(json, l, &out) == 0) {
      taken++;
      state_clear(&out);
    }
  }
  ok(taken == 0, "no torn prefix is taken (%d of %zu)", taken, len);
  ok(state_parse_file(json, 40, "state.json", &out, &err) < 0,
     "a torn file is refused");
  is_str(
      err.msg,
      "state.json: corrupt state: .pid: invalid JSON at the end of the text: "
      "parse error: "
      "premature EOF",
      "with the tree parser's message");
  free(json);
}

/* Every byte of a state.json replaced by each of a set of bytes: whatever
 * the plain reader takes, the tree parser reads the same. */
static void test_mutations(void) {
  static const char bytes[] = "\"{}[],:\\0-1 .eEtfnux/\t\n\x7f\x80\x01";
  struct container_state st = sample(7);
  char *json = state_emit_file(&st);
  size_t len = strlen(json);
  int bad = 0, taken = 0, tried = 0;
  char *buf = xmalloc(len + 1);
  for (size_t i = 0; i < len; i++) {
    for (size_t b = 0; b < sizeof(bytes); b++) { /* with the NUL byte */
      memcpy(buf, json, len);
      buf[i] = bytes[b];
      int r = compare(buf, len);
      tried++;
      bad += r < 0;
      taken += r > 0;
    }
  }
  ok(bad == 0, "mutations: %d of %d taken, %d disagree", taken, tried, bad);
  ok(taken > 0 && taken < tried, "some mutations are taken, some left");
  free(buf);
  free(json);
}

static void test_cases(void) {
  static const struct {
    const char *text;
    int want; /* as compare() */
    const char *what;
  } cases[] = {
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"created\","
       "\"bundle\":\"/b\",\"created\":\"t\"}",
       1, "the required fields alone"},
      {" {\n \"ociVersion\" : \"1\", \"id\":\"a\",\"pid\":0,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\" } \n",
       1, "whitespace between tokens"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\",\"extra\":12,"
       "\"brig\":{\"useInit\":false,\"exitStatus\":300,\"initStartTime\":-5}}",
       1, "unknown keys, out-of-range private fields"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\",\"brig\":\"x\",\"rootfs\":5,"
       "\"annotations\":{\"k\":1,\"v\":\"w\"}}",
       1, "fields of other types are absent, as in the tree"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"id\":\"b\",\"pid\":1,"
       "\"status\":\"s\",\"bundle\":\"/b\",\"created\":\"t\"}",
       0, "a duplicate key is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\\u0041\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}",
       0, "an escape is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\xc3\xa9\",\"created\":\"t\"}",
       0, "non-ASCII is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":01,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}",
       0, "a leading zero is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1.0,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}",
       0, "a fraction is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":-0,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}",
       1, "-0 is 0"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1234567890123456789,"
       "\"status\":\"s\",\"bundle\":\"/b\",\"created\":\"t\"}",
       0, "19 digits are left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\",\"x\":{\"y\":{}}}",
       0, "nesting deeper than the private object is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}/* c */",
       0, "a comment is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}x",
       0, "trailing garbage is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":1,\"status\":\"s\","
       "\"bundle\":\"/b\"}",
       0, "a missing required field is left"},
      {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":4194305,\"status\":\"s\","
       "\"bundle\":\"/b\",\"created\":\"t\"}",
       0, "a pid out of range is left"},
      {"[]", 0, "not an object"},
      {"", 0, "empty"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ok(compare(cases[i].text, strlen(cases[i].text)) == cases[i].want, "%s",
       cases[i].what);
}

int main(void) {
  test_emitted();
  test_freezer_file();
  test_torn();
  test_mutations();
  test_cases();
  return tap_done();
}
