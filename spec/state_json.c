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

/* How a stopped container's pid is written: as recorded (state.json),
 * 0 (`state`, as runc prints it), or not at all (hooks, as runc's
 * specs.State). */
enum stopped_pid { PID_RECORDED, PID_ZERO, PID_NONE };

static void gen_annotations(yajl_gen g, const struct container_state *st) {
  if (st->n_annotations > 0) {
    gen_str(g, "annotations");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < st->n_annotations; i++)
      gen_kv_str(g, st->annotations[i].key, st->annotations[i].value);
    yajl_gen_map_close(g);
  }
}

static void gen_public(yajl_gen g, const struct container_state *st,
                       enum stopped_pid sp) {
  gen_kv_str(g, "ociVersion", st->oci_version);
  gen_kv_str(g, "id", st->id);
  /* A stopped container's init is gone, its pid free for reuse: runc
   * prints 0 (state, list) and gives hooks none (gen_hook). */
  bool stopped = st->status != NULL && strcmp(st->status, "stopped") == 0;
  gen_str(g, "pid");
  yajl_gen_integer(g, stopped && sp == PID_ZERO ? 0 : st->pid);
  gen_kv_str(g, "status", st->status);
  gen_kv_str(g, "bundle", st->bundle);
  gen_kv_str(g, "rootfs", st->rootfs);
  gen_kv_str(g, "created", st->created);
  /* runc's order: annotations (when any), then owner */
  gen_annotations(g, st);
  gen_kv_str(g, "owner", st->owner);
}

/* What a hook reads on its stdin: the runtime-spec's state and nothing
 * more, in runc's order (specs.State: ociVersion, id, status, pid but
 * once stopped, bundle, annotations when any). */
static void gen_hook(yajl_gen g, const struct container_state *st) {
  gen_kv_str(g, "ociVersion", st->oci_version);
  gen_kv_str(g, "id", st->id);
  gen_kv_str(g, "status", st->status);
  if (st->status == NULL || strcmp(st->status, "stopped") != 0) {
    gen_str(g, "pid");
    yajl_gen_integer(g, st->pid);
  }
  gen_kv_str(g, "bundle", st->bundle);
  gen_annotations(g, st);
}

static char *emit_public(const struct container_state *st, bool pretty,
                         enum stopped_pid sp) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    abort();
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
  }
  yajl_gen_map_open(g);
  if (sp == PID_NONE)
    gen_hook(g, st);
  else
    gen_public(g, st, sp);
  yajl_gen_map_close(g);
  /* runc's text: Go's escapes, and no newline after the indented form
   * (json.MarshalIndent written as it is) */
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  char *out = json_go_escapes((const char *)buf, len);
  yajl_gen_free(g);
  return out;
}

char *state_emit_public(const struct container_state *st, bool pretty) {
  return emit_public(st, pretty, PID_ZERO);
}

char *state_emit_hook(const struct container_state *st) {
  return emit_public(st, false, PID_NONE);
}

char *state_emit_file(const struct container_state *st) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    abort();
  yajl_gen_map_open(g);
  gen_public(g, st, PID_RECORDED);
  gen_str(g, "brig");
  yajl_gen_map_open(g);
  gen_str(g, "initStartTime");
  yajl_gen_integer(g, (long long)st->init_start_time);
  gen_kv_str(g, "cgroupPath", st->cgroup_path);
  if (st->freezer_file != NULL)
    gen_kv_str(g, "freezerFile", st->freezer_file);
  gen_str(g, "useInit");
  yajl_gen_bool(g, st->use_init);
  gen_str(g, "systemdCgroup");
  yajl_gen_bool(g, st->systemd_cgroup);
  if (st->no_new_keyring) {
    gen_str(g, "noNewKeyring");
    yajl_gen_bool(g, true);
  }
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

/* ---- the plain reader ----
 * state.json as brig writes it (one object; ASCII strings without escapes;
 * integers; true, false; objects one level deep) without yajl's tree: most
 * of `list`'s time went there.  Anything else is left to the tree parser,
 * which gives the same fields or the error message. */

enum plain_type { PLAIN_STR, PLAIN_INT, PLAIN_TRUE, PLAIN_FALSE, PLAIN_OBJ };

struct plain_member {
  int parent; /* index of the object holding it, -1 for the top one */
  const char *key;
  size_t klen;
  enum plain_type type;
  const char *s; /* PLAIN_STR: not NUL-terminated */
  size_t slen;
  long long i; /* PLAIN_INT */
};

#define PLAIN_MAX 128

struct plain {
  const char *p, *end;
  struct plain_member m[PLAIN_MAX];
  int n;
};

static void plain_ws(struct plain *pl) {
  while (pl->p < pl->end &&
         (*pl->p == ' ' || *pl->p == '\t' || *pl->p == '\n' || *pl->p == '\r'))
    pl->p++;
}

static bool plain_lit(struct plain *pl, const char *lit) {
  size_t l = strlen(lit);
  if ((size_t)(pl->end - pl->p) < l || memcmp(pl->p, lit, l) != 0)
    return false;
  pl->p += l;
  return true;
}

/* A string of printable ASCII without escapes; pl->p is at its '"'. */
static bool plain_str(struct plain *pl, const char **s, size_t *len) {
  const char *q = ++pl->p;
  while (q < pl->end && *q != '"') {
    if (*q < 0x20 || *q > 0x7e || *q == '\\')
      return false;
    q++;
  }
  if (q == pl->end)
    return false;
  *s = pl->p;
  *len = (size_t)(q - pl->p);
  pl->p = q + 1;
  return true;
}

/* -?(0|[1-9][0-9]*), at most 18 digits: never out of long long's range. */
static bool plain_int(struct plain *pl, long long *out) {
  bool neg = *pl->p == '-';
  long long v = 0;
  int digits = 0;
  if (neg)
    pl->p++;
  while (pl->p < pl->end && *pl->p >= '0' && *pl->p <= '9') {
    if (++digits > 18 || (digits == 2 && v == 0))
      return false; /* too long, or a leading zero */
    v = v * 10 + (*pl->p++ - '0');
  }
  if (digits == 0 || pl->p == pl->end ||
      (*pl->p != ',' && *pl->p != '}' && *pl->p != ' ' && *pl->p != '\t' &&
       *pl->p != '\n' && *pl->p != '\r'))
    return false; /* a fraction, an exponent, or garbage */
  *out = neg ? -v : v;
  return true;
}

static bool plain_object(struct plain *pl, int parent, int depth) {
  pl->p++; /* '{' */
  plain_ws(pl);
  if (pl->p < pl->end && *pl->p == '}') {
    pl->p++;
    return true;
  }
  for (;;) {
    struct plain_member *m;
    int at = pl->n;
    if (at == PLAIN_MAX || pl->p == pl->end || *pl->p != '"')
      return false;
    m = &pl->m[pl->n++];
    memset(m, 0, sizeof(*m));
    m->parent = parent;
    if (!plain_str(pl, &m->key, &m->klen))
      return false;
    for (int k = 0; k < at; k++) /* a duplicate: the tree keeps both */
      if (pl->m[k].parent == parent && pl->m[k].klen == m->klen &&
          memcmp(pl->m[k].key, m->key, m->klen) == 0)
        return false;
    plain_ws(pl);
    if (pl->p == pl->end || *pl->p++ != ':')
      return false;
    plain_ws(pl);
    if (pl->p == pl->end)
      return false;
    if (*pl->p == '"') {
      m->type = PLAIN_STR;
      if (!plain_str(pl, &m->s, &m->slen))
        return false;
    } else if (*pl->p == '-' || (*pl->p >= '0' && *pl->p <= '9')) {
      m->type = PLAIN_INT;
      if (!plain_int(pl, &m->i))
        return false;
    } else if (plain_lit(pl, "true")) {
      m->type = PLAIN_TRUE;
    } else if (plain_lit(pl, "false")) {
      m->type = PLAIN_FALSE;
    } else if (*pl->p == '{' && depth == 0) {
      m->type = PLAIN_OBJ;
      if (!plain_object(pl, at, 1))
        return false;
    } else {
      return false;
    }
    plain_ws(pl);
    if (pl->p == pl->end)
      return false;
    if (*pl->p == '}') {
      pl->p++;
      return true;
    }
    if (*pl->p++ != ',')
      return false;
    plain_ws(pl);
  }
}

/* The member `key` of the object at `parent` (-1: the top one) when it has
 * the type `type`, else NULL (as yajl_tree_get with a type). */
static const struct plain_member *plain_get(const struct plain *pl, int parent,
                                            const char *key,
                                            enum plain_type type) {
  size_t l = strlen(key);
  for (int k = 0; k < pl->n; k++) {
    const struct plain_member *m = &pl->m[k];
    if (m->parent == parent && m->klen == l && memcmp(m->key, key, l) == 0)
      return m->type == type ? m : NULL;
  }
  return NULL;
}

static char *plain_dup(const struct plain_member *m) {
  return m == NULL ? NULL : xstrndup(m->s, m->slen);
}

int state_parse_plain(const char *data, size_t len,
                      struct container_state *out) {
  struct plain *pl = xmalloc(sizeof(*pl));
  const char *required[] = {"ociVersion", "id", "status", "bundle", "created"};
  const struct plain_member *m, *brig, *ann;
  int b = -2; /* no "brig" object: nothing has it as parent */
  bool ok;

  memset(out, 0, sizeof(*out));
  pl->p = data;
  pl->end = data + len;
  pl->n = 0;
  plain_ws(pl);
  ok = len <= SPEC_MAX_CONFIG_SIZE && pl->p < pl->end && *pl->p == '{' &&
       plain_object(pl, -1, 0);
  if (ok) {
    plain_ws(pl);
    ok = pl->p == pl->end;
  }
  for (size_t i = 0; ok && i < sizeof(required) / sizeof(required[0]); i++)
    ok = plain_get(pl, -1, required[i], PLAIN_STR) != NULL;
  m = ok ? plain_get(pl, -1, "pid", PLAIN_INT) : NULL;
  if (m == NULL || m->i < 0 || m->i > 4194304) {
    free(pl); /* the tree parser says what is wrong */
    return -1;
  }
  out->pid = (pid_t)m->i;
  out->oci_version = plain_dup(plain_get(pl, -1, "ociVersion", PLAIN_STR));
  out->id = plain_dup(plain_get(pl, -1, "id", PLAIN_STR));
  out->status = plain_dup(plain_get(pl, -1, "status", PLAIN_STR));
  out->bundle = plain_dup(plain_get(pl, -1, "bundle", PLAIN_STR));
  out->rootfs = plain_dup(plain_get(pl, -1, "rootfs", PLAIN_STR));
  out->created = plain_dup(plain_get(pl, -1, "created", PLAIN_STR));
  out->owner = plain_dup(plain_get(pl, -1, "owner", PLAIN_STR));
  brig = plain_get(pl, -1, "brig", PLAIN_OBJ);
  if (brig != NULL)
    b = (int)(brig - pl->m);
  m = plain_get(pl, b, "initStartTime", PLAIN_INT);
  if (m != NULL && m->i >= 0)
    out->init_start_time = (uint64_t)m->i;
  out->cgroup_path = plain_dup(plain_get(pl, b, "cgroupPath", PLAIN_STR));
  out->freezer_file = plain_dup(plain_get(pl, b, "freezerFile", PLAIN_STR));
  out->use_init = plain_get(pl, b, "useInit", PLAIN_TRUE) != NULL;
  out->exit_status = -1;
  m = plain_get(pl, b, "exitStatus", PLAIN_INT);
  if (m != NULL && m->i >= 0 && m->i <= 255)
    out->exit_status = (int)m->i;
  out->systemd_cgroup = plain_get(pl, b, "systemdCgroup", PLAIN_TRUE) != NULL;
  out->no_new_keyring = plain_get(pl, b, "noNewKeyring", PLAIN_TRUE) != NULL;
  ann = plain_get(pl, -1, "annotations", PLAIN_OBJ);
  if (ann != NULL) {
    int a = (int)(ann - pl->m);
    size_t cnt = 0;
    for (int k = 0; k < pl->n; k++)
      cnt += pl->m[k].parent == a;
    if (cnt > 0)
      out->annotations = xcalloc(cnt, sizeof(*out->annotations));
    for (int k = 0; k < pl->n; k++) {
      m = &pl->m[k];
      if (m->parent != a || m->type != PLAIN_STR)
        continue;
      out->annotations[out->n_annotations].key = xstrndup(m->key, m->klen);
      out->annotations[out->n_annotations].value = plain_dup(m);
      out->n_annotations++;
    }
  }
  free(pl);
  return 0;
}

int state_parse_file(const char *data, size_t len, const char *name,
                     struct container_state *out, struct brig_error *err) {
  if (state_parse_plain(data, len, out) == 0)
    return 0;
  return state_parse_tree(data, len, name, out, err);
}

int state_parse_tree(const char *data, size_t len, const char *name,
                     struct container_state *out, struct brig_error *err) {
  struct pctx pc = {.name = name, .err = err};
  struct p_doc doc;
  yajl_val root, ann;
  long long n;
  const char *required[] = {"ociVersion", "id", "status", "bundle", "created"};
  const char *ann_path[] = {"annotations", NULL};

  memset(out, 0, sizeof(*out));
  /* The config parser's checks (size, NUL, UTF-8, depth) guard yajl. */
  if (p_doc_parse(&pc, data, len, &doc) < 0) {
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
  root = doc.root;
  if (!YAJL_IS_OBJECT(root)) {
    p_doc_free(&doc);
    return brig_err(err, 0, "%s: corrupt state: not a JSON object", name);
  }
  for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
    if (get_str(root, required[i], NULL) == NULL) {
      p_doc_free(&doc);
      return brig_err(err, 0, "%s: corrupt state: .%s missing", name,
                      required[i]);
    }
  }
  if (get_int(root, "pid", NULL, &n) < 0 || n < 0 || n > 4194304) {
    p_doc_free(&doc);
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
  out->freezer_file = xstrdup(get_str(root, "brig", "freezerFile"));
  out->use_init = get_bool(root, "brig", "useInit");
  out->exit_status = -1;
  if (get_int(root, "brig", "exitStatus", &n) == 0 && n >= 0 && n <= 255)
    out->exit_status = (int)n;
  out->systemd_cgroup = get_bool(root, "brig", "systemdCgroup");
  out->no_new_keyring = get_bool(root, "brig", "noNewKeyring");
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
  p_doc_free(&doc);
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
  free(st->freezer_file);
  for (size_t i = 0; i < st->n_annotations; i++) {
    free(st->annotations[i].key);
    free(st->annotations[i].value);
  }
  free(st->annotations);
  memset(st, 0, sizeof(*st));
}
