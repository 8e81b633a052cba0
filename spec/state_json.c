/* state.json (brig's private record) and the runtime-spec state JSON. */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "internal.h"
#include "util.h"

static void gen_str(yajl_gen g, const char *s) {
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv_str(yajl_gen g, const char *k, const char *v) {
  gen_str(g, k);
  gen_str(g, v ? v : "");
}

static char *gen_finish(yajl_gen g) {
  const unsigned char *buf;
  size_t len;
  char *out;
  yajl_gen_get_buf(g, &buf, &len);
  out = xmalloc(len + 1);
  memcpy(out, buf, len);
  out[len] = '\0';
  yajl_gen_free(g);
  return out;
}

static void gen_public(yajl_gen g, const struct container_state *st) {
  gen_kv_str(g, "ociVersion", st->oci_version);
  gen_kv_str(g, "id", st->id);
  gen_str(g, "pid");
  yajl_gen_integer(g, st->pid);
  gen_kv_str(g, "status", st->status);
  gen_kv_str(g, "bundle", st->bundle);
  gen_kv_str(g, "rootfs", st->rootfs);
  gen_kv_str(g, "created", st->created);
  gen_kv_str(g, "owner", st->owner);
  if (st->n_annotations > 0) {
    gen_str(g, "annotations");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < st->n_annotations; i++)
      gen_kv_str(g, st->annotations[i].key, st->annotations[i].value);
    yajl_gen_map_close(g);
  }
}

char *state_emit_public(const struct container_state *st, bool pretty) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    abort();
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
  }
  yajl_gen_map_open(g);
  gen_public(g, st);
  yajl_gen_map_close(g);
  return gen_finish(g);
}

char *state_emit_file(const struct container_state *st) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    abort();
  yajl_gen_map_open(g);
  gen_public(g, st);
  gen_str(g, "brig");
  yajl_gen_map_open(g);
  gen_str(g, "initStartTime");
  yajl_gen_integer(g, (long long)st->init_start_time);
  gen_kv_str(g, "cgroupPath", st->cgroup_path);
  gen_str(g, "useInit");
  yajl_gen_bool(g, st->use_init);
  gen_str(g, "systemdCgroup");
  yajl_gen_bool(g, st->systemd_cgroup);
  if (st->exit_status >= 0) {
    gen_str(g, "exitStatus");
    yajl_gen_integer(g, st->exit_status);
  }
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  return gen_finish(g);
}

static const char *get_str(yajl_val root, const char *k1, const char *k2) {
  const char *path[] = {k1, k2, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);
  return v ? YAJL_GET_STRING(v) : NULL;
}

static int get_int(yajl_val root, const char *k1, const char *k2,
                   long long *out) {
  const char *path[] = {k1, k2, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_number);
  if (v == NULL || !YAJL_IS_INTEGER(v))
    return -1;
  *out = YAJL_GET_INTEGER(v);
  return 0;
}

static bool get_bool(yajl_val root, const char *k1, const char *k2) {
  const char *path[] = {k1, k2, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_true);
  return v != NULL;
}

int state_parse_file(const char *data, size_t len, const char *name,
                     struct container_state *out, struct brig_error *err) {
  struct pctx pc = {.name = name, .err = err};
  yajl_val root, ann;
  long long n;
  const char *required[] = {"ociVersion", "id", "status", "bundle", "created"};
  const char *ann_path[] = {"annotations", NULL};

  memset(out, 0, sizeof(*out));
  /* The config parser's checks (size, NUL, UTF-8, depth) guard yajl. */
  root = p_tree(&pc, data, len);
  if (root == NULL) {
    if (err == NULL)
      return -1;
    /* "<name>: <what>" -> "<name>: corrupt state: <what>" */
    size_t nlen = strlen(name);
    char what[BRIG_ERROR_MAX];
    snprintf(what, sizeof(what), "%s",
             strncmp(err->msg, name, nlen) == 0 && err->msg[nlen] == ':'
                 ? err->msg + nlen + 2
                 : err->msg);
    return brig_err(err, 0, "%s: corrupt state: %s", name, what);
  }
  if (!YAJL_IS_OBJECT(root)) {
    yajl_tree_free(root);
    return brig_err(err, 0, "%s: corrupt state: not a JSON object", name);
  }
  for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
    if (get_str(root, required[i], NULL) == NULL) {
      yajl_tree_free(root);
      return brig_err(err, 0, "%s: corrupt state: .%s missing", name,
                      required[i]);
    }
  }
  if (get_int(root, "pid", NULL, &n) < 0 || n < 0 || n > 4194304) {
    yajl_tree_free(root);
    return brig_err(err, 0, "%s: corrupt state: .pid invalid", name);
  }
  out->pid = (pid_t)n;
  out->oci_version = xstrdup(get_str(root, "ociVersion", NULL));
  out->id = xstrdup(get_str(root, "id", NULL));
  out->status = xstrdup(get_str(root, "status", NULL));
  out->bundle = xstrdup(get_str(root, "bundle", NULL));
  out->rootfs = xstrdup(get_str(root, "rootfs", NULL));
  out->created = xstrdup(get_str(root, "created", NULL));
  out->owner = xstrdup(get_str(root, "owner", NULL));
  if (get_int(root, "brig", "initStartTime", &n) == 0 && n >= 0)
    out->init_start_time = (uint64_t)n;
  out->cgroup_path = xstrdup(get_str(root, "brig", "cgroupPath"));
  out->use_init = get_bool(root, "brig", "useInit");
  out->exit_status = -1;
  if (get_int(root, "brig", "exitStatus", &n) == 0 && n >= 0 && n <= 255)
    out->exit_status = (int)n;
  out->systemd_cgroup = get_bool(root, "brig", "systemdCgroup");
  ann = yajl_tree_get(root, ann_path, yajl_t_object);
  if (ann != NULL && YAJL_IS_OBJECT(ann) && ann->u.object.len > 0) {
    size_t cnt = ann->u.object.len;
    out->annotations = xcalloc(cnt, sizeof(*out->annotations));
    for (size_t i = 0; i < cnt; i++) {
      yajl_val v = ann->u.object.values[i];
      if (!YAJL_IS_STRING(v))
        continue;
      out->annotations[out->n_annotations].key = xstrdup(ann->u.object.keys[i]);
      out->annotations[out->n_annotations].value = xstrdup(YAJL_GET_STRING(v));
      out->n_annotations++;
    }
  }
  yajl_tree_free(root);
  return 0;
}

void state_clear(struct container_state *st) {
  free(st->oci_version);
  free(st->id);
  free(st->status);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  free(st->owner);
  free(st->cgroup_path);
  for (size_t i = 0; i < st->n_annotations; i++) {
    free(st->annotations[i].key);
    free(st->annotations[i].value);
  }
  free(st->annotations);
  memset(st, 0, sizeof(*st));
}
