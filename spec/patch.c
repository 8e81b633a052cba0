/* The configuration on the command line (lxc -f / -s): --set PATH=VALUE
 * applied to the config's JSON tree before it becomes structs.
 *
 *   PATH   dotted keys from the top, ["..."] for a key with dots (or any
 *          character), [N] for element N of an array:
 *            linux.resources.cpu.shares   linux.sysctl["net.ipv4.ip_forward"]
 *            mounts[0].options            annotations["a=b"]
 *   =      sets the value (objects on the way are created);
 *   +=     appends to an array (created when absent); a JSON array VALUE
 *          appends each of its elements.
 *   VALUE  JSON, or a plain string when it does not parse as JSON.  A
 *          VALUE that starts with {, [ or " must be valid JSON.  A number
 *          or boolean where the spec wants a string is taken as its text.
 *
 * The patched config passes the same parser as config.json; a type error
 * names the --set that caused it.  Unknown fields, ignored in config.json,
 * are refused in a --set: the parser marks every node it reads, and a
 * --set whose node it never read is outside the spec. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

#define SET_MAX_STEPS SPEC_MAX_DEPTH

struct set_step {
  char *key; /* NULL: an index */
  size_t index;
};

struct set_expr {
  const char *arg; /* as given */
  char *name;      /* "--set <arg>" for messages */
  struct set_step *steps;
  size_t n;
  bool append;
  const char *value;
};

/* Replaced nodes stay allocated until the parse is over: a pointer the
 * watch list holds is never reused for another node. */
struct patch {
  yajl_val *dead;
  size_t n_dead;
  struct p_watch *watch;
  size_t n_watch;
};

static void set_expr_clear(struct set_expr *e) {
  for (size_t i = 0; i < e->n; i++)
    free(e->steps[i].key);
  free(e->steps);
  free(e->name);
  memset(e, 0, sizeof(*e));
}

static bool key_char(char ch) {
  return ch != '.' && ch != '[' && ch != ']' && ch != '=' && ch != '"' &&
         ch != '\0';
}

static char *dupn(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static void add_step(struct set_expr *e, char *key, size_t index) {
  e->steps = xrealloc(e->steps, (e->n + 1) * sizeof(*e->steps));
  e->steps[e->n].key = key;
  e->steps[e->n].index = index;
  e->n++;
}

/* ["..."]: a JSON-like string with \" and \\ escapes. */
static int parse_quoted(struct pctx *c, const char **sp, char **out) {
  const char *s = *sp + 2; /* after [" */
  size_t cap = strlen(s) + 1, n = 0;
  char *key = xmalloc(cap);
  for (;;) {
    if (*s == '\0') {
      free(key);
      return p_fail(c, "unterminated [\"...\"] in the path");
    }
    if (*s == '"')
      break;
    if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
      s++;
    key[n++] = *s++;
  }
  key[n] = '\0';
  if (s[1] != ']') {
    free(key);
    return p_fail(c, "expected ] after [\"...\"] in the path");
  }
  *sp = s + 2;
  *out = key;
  return 0;
}

/* PATH(=|+=)VALUE -> steps.  Messages: "--set <arg>: <what>". */
static int parse_set(struct pctx *c, struct set_expr *e) {
  const char *s = e->arg;
  size_t len = strlen(s), bad;
  bool first = true;

  bad = p_utf8_invalid_at((const unsigned char *)s, len);
  if (bad < len)
    return p_fail(c, "invalid UTF-8 at offset %zu", bad);

  for (;;) {
    if (e->n >= SET_MAX_STEPS)
      return p_fail(c, "the path is longer than %d steps", SET_MAX_STEPS);
    if (s[0] == '[' && s[1] == '"') {
      char *key = NULL;
      if (parse_quoted(c, &s, &key) < 0)
        return -1;
      add_step(e, key, 0);
    } else if (s[0] == '[') {
      char *end;
      unsigned long long i;
      if (first)
        return p_fail(c, "the path must start with a key");
      errno = 0;
      i = s[1] >= '0' && s[1] <= '9' ? strtoull(s + 1, &end, 10) : 0;
      if (s[1] < '0' || s[1] > '9' || errno != 0 || *end != ']' ||
          i > SPEC_MAX_CONFIG_SIZE)
        return p_fail(c, "expected [N] or [\"key\"] in the path");
      add_step(e, NULL, (size_t)i);
      s = end + 1;
    } else {
      const char *start = s;
      if (!first && *s++ != '.')
        return p_fail(c, "expected ., [ or = after \"%.*s\"",
                      (int)(s - 1 - e->arg), e->arg);
      start = s;
      while (key_char(*s) && !(s[0] == '+' && s[1] == '='))
        s++;
      if (s == start)
        return p_fail(c, "expected PATH=VALUE (an empty key in the path)");
      add_step(e, dupn(start, (size_t)(s - start)), 0);
    }
    first = false;
    if (s[0] == '=' || (s[0] == '+' && s[1] == '=')) {
      e->append = s[0] == '+';
      e->value = s + (e->append ? 2 : 1);
      return 0;
    }
    if (s[0] != '.' && s[0] != '[')
      return p_fail(c, "expected PATH=VALUE");
  }
}

static bool simple_key(const char *k) {
  if (*k == '\0')
    return false;
  for (; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
          (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
      return false;
  return true;
}

static size_t push_step(struct pctx *c, const struct set_step *st) {
  if (st->key == NULL)
    return p_push_index(c, st->index);
  return simple_key(st->key) ? p_push_key(c, st->key)
                             : p_push_mapkey(c, st->key);
}

static yajl_val node_new(yajl_type t) {
  yajl_val v = xcalloc(1, sizeof(*v));
  v->type = t;
  return v;
}

/* The slot of obj[key] (first occurrence), or NULL. */
static yajl_val *obj_slot(yajl_val obj, const char *key) {
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return &obj->u.object.values[i];
  return NULL;
}

static yajl_val *obj_add(yajl_val obj, const char *key) {
  size_t n = obj->u.object.len;
  obj->u.object.keys = xrealloc(obj->u.object.keys, (n + 1) * sizeof(char *));
  obj->u.object.values =
      xrealloc(obj->u.object.values, (n + 1) * sizeof(yajl_val));
  obj->u.object.keys[n] = xstrdup(key);
  obj->u.object.values[n] = NULL;
  obj->u.object.len = n + 1;
  return &obj->u.object.values[n];
}

static void arr_add(yajl_val arr, yajl_val v) {
  size_t n = arr->u.array.len;
  arr->u.array.values =
      xrealloc(arr->u.array.values, (n + 1) * sizeof(yajl_val));
  arr->u.array.values[n] = v;
  arr->u.array.len = n + 1;
}

static void bury(struct patch *pt, yajl_val v) {
  if (v == NULL)
    return;
  pt->dead = xrealloc(pt->dead, (pt->n_dead + 1) * sizeof(yajl_val));
  pt->dead[pt->n_dead++] = v;
}

static int type_fail(struct pctx *c, yajl_val v, const char *want) {
  char got[128];
  p_describe(v, got, sizeof(got));
  return p_fail(c, "expected %s, got %s", want, got);
}

/* VALUE -> a node; *scalar: a number or boolean. */
static yajl_val value_node(struct pctx *c, const char *text, bool *scalar) {
  size_t len = strlen(text), i;
  struct brig_error scratch = {0};
  struct pctx vc = {.name = "VALUE", .err = &scratch};
  yajl_val v;

  *scalar = false; /* the whole argument is valid UTF-8 (parse_set) */
  for (i = 0; text[i] == ' ' || text[i] == '\t' || text[i] == '\n'; i++)
    ;
  v = len > 0 ? p_tree(&vc, text, len) : NULL;
  if (v != NULL) {
    *scalar = YAJL_IS_NUMBER(v) || YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v);
    return v;
  }
  if (text[i] == '{' || text[i] == '[' || text[i] == '"') {
    /* "VALUE: invalid JSON: ..." */
    p_fail(c, "%s", scratch.msg);
    return NULL;
  }
  v = node_new(yajl_t_string);
  v->u.string = xstrdup(text);
  return v;
}

/* The node at the last key of the path in the tree, or NULL. */
static yajl_val resolve_anchor(yajl_val root, const struct set_expr *e) {
  yajl_val cur = root, anchor = NULL;
  for (size_t i = 0; i < e->n && cur != NULL; i++) {
    const struct set_step *st = &e->steps[i];
    yajl_val *slot;
    if (st->key != NULL) {
      if (!YAJL_IS_OBJECT(cur))
        return NULL;
      slot = obj_slot(cur, st->key);
      cur = slot ? *slot : NULL;
      anchor = cur;
    } else {
      if (!YAJL_IS_ARRAY(cur) || st->index >= cur->u.array.len)
        return NULL;
      cur = cur->u.array.values[st->index];
    }
  }
  return anchor;
}

/* Apply one --set to the tree; records its watch entry. */
static int apply_set(struct pctx *c, struct patch *pt, yajl_val root,
                     const struct set_expr *e) {
  yajl_val cur = root, val;
  yajl_val *slot = NULL;
  struct p_watch w = {0};
  bool scalar;
  size_t last = e->n - 1;

  for (size_t i = 0; i < e->n; i++) {
    const struct set_step *st = &e->steps[i];
    bool final = i == last;
    if (st->key != NULL) {
      if (!YAJL_IS_OBJECT(cur))
        return type_fail(c, cur, "an object");
      slot = obj_slot(cur, st->key);
      push_step(c, st);
      if (slot == NULL)
        slot = obj_add(cur, st->key);
    } else {
      if (!YAJL_IS_ARRAY(cur))
        return type_fail(c, cur, "an array");
      push_step(c, st);
      if (st->index >= cur->u.array.len)
        return p_fail(c, "no such element (the array has %zu)",
                      cur->u.array.len);
      slot = &cur->u.array.values[st->index];
    }
    if (final)
      break;
    if (*slot == NULL || YAJL_IS_NULL(*slot)) {
      if (e->steps[i + 1].key == NULL)
        return p_fail(c, "no such element (no array here)");
      bury(pt, *slot);
      *slot = node_new(yajl_t_object);
    }
    cur = *slot;
  }

  val = value_node(c, e->value, &scalar);
  if (val == NULL)
    return -1;
  w.leaf = val;
  w.raw = scalar ? e->value : NULL;
  if (e->append) {
    if (*slot == NULL || YAJL_IS_NULL(*slot)) {
      bury(pt, *slot);
      *slot = node_new(yajl_t_array);
    }
    if (!YAJL_IS_ARRAY(*slot)) {
      yajl_tree_free(val);
      return type_fail(c, *slot, "an array to append to");
    }
    if (YAJL_IS_ARRAY(val)) {
      for (size_t k = 0; k < val->u.array.len; k++)
        arr_add(*slot, val->u.array.values[k]);
      free(val->u.array.values);
      free(val);
      w.leaf = NULL;
    } else {
      arr_add(*slot, val);
    }
  } else {
    bury(pt, *slot);
    *slot = val;
  }
  w.anchor = resolve_anchor(root, e);
  pt->watch = xrealloc(pt->watch, (pt->n_watch + 1) * sizeof(*pt->watch));
  pt->watch[pt->n_watch++] = w;
  return 0;
}

static void patch_clear(struct patch *pt) {
  for (size_t i = 0; i < pt->n_dead; i++)
    yajl_tree_free(pt->dead[i]);
  free(pt->dead);
  free(pt->watch);
  memset(pt, 0, sizeof(*pt));
}

/* Parse data with the first n sets applied.  *bad_set: the index of a set
 * that failed on its own (syntax, path, unknown field), else -1. */
static struct spec_config *parse_n(const char *data, size_t len,
                                   const char *name, struct set_expr *sets,
                                   size_t n, bool check_unknown, long *bad_set,
                                   struct brig_error *err) {
  struct pctx c = {.name = name, .err = err};
  struct patch pt = {0};
  struct spec_config *cfg = NULL;
  struct p_doc doc = {0};
  yajl_val tree;

  *bad_set = -1;
  /* Without sets nothing changes the tree: the block-built document. */
  if (n == 0)
    tree = p_doc_parse(&c, data, len, &doc) == 0 ? doc.root : NULL;
  else
    tree = p_tree(&c, data, len);
  if (tree == NULL)
    return NULL;
  if (p_expect_object(&c, tree) < 0)
    goto out;
  for (size_t i = 0; i < n; i++) {
    struct pctx sc = {.name = sets[i].name, .err = err};
    if (apply_set(&sc, &pt, tree, &sets[i]) < 0) {
      *bad_set = (long)i;
      goto out;
    }
  }
  c.watch = pt.watch;
  c.n_watch = pt.n_watch;
  cfg = xcalloc(1, sizeof(*cfg));
  if (parse_config(&c, tree, cfg) < 0) {
    spec_free(cfg);
    cfg = NULL;
    goto out;
  }
  for (size_t i = 0; check_unknown && i < n; i++) {
    struct pctx sc = {.name = sets[i].name, .err = err};
    /* A later --set that replaced this one's node overrides it. */
    if (pt.watch[i].seen ||
        resolve_anchor(tree, &sets[i]) != pt.watch[i].anchor)
      continue;
    for (size_t k = 0; k < sets[i].n; k++)
      push_step(&sc, &sets[i].steps[k]);
    p_fail(&sc, "unknown field (not in the runtime spec brig implements)");
    spec_free(cfg);
    cfg = NULL;
    *bad_set = (long)i;
    break;
  }
out:
  patch_clear(&pt);
  if (n == 0)
    p_doc_free(&doc);
  else
    yajl_tree_free(tree);
  return cfg;
}

/* "--set <arg>" as typed: only control characters escaped, a long arg
 * cut (on a character boundary) with "...". */
static char *shown_name(const char *arg) {
  size_t n = strlen(arg), max = 200, pos;
  char *out;
  if (n > max) {
    n = max;
    while (n > 0 && ((unsigned char)arg[n] & 0xC0) == 0x80)
      n--;
  }
  out = xmalloc(6 + n * 6 + 4);
  pos = (size_t)sprintf(out, "--set ");
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)arg[i];
    if (ch < 0x20 || ch == 0x7f)
      pos += (size_t)sprintf(out + pos, "\\u%04x", ch);
    else
      out[pos++] = (char)ch;
  }
  strcpy(out + pos, arg[n] != '\0' ? "..." : "");
  return out;
}

/* The parser refused the patched config with err: name the config itself
 * or the --set from which on it fails with this very message. */
static void blame(const char *data, size_t len, const char *name,
                  struct set_expr *sets, size_t n, struct brig_error *err) {
  size_t nlen = strlen(name), k;
  struct brig_error e = {0};
  long bad;

  if (strncmp(err->msg, name, nlen) != 0 || err->msg[nlen] != ':')
    return;
  for (k = 0; k < n; k++) {
    struct spec_config *t = parse_n(data, len, name, sets, k, false, &bad, &e);
    if (t != NULL) {
      spec_free(t);
      continue;
    }
    if (strcmp(e.msg, err->msg) == 0)
      break;
  }
  if (k == 0)
    return; /* config.json alone fails so */
  e = *err;
  brig_err(err, 0, "%s%s", sets[k - 1].name, e.msg + nlen);
}

struct spec_config *spec_parse_with(const char *data, size_t len,
                                    const char *name, char *const *set_args,
                                    struct brig_error *err) {
  size_t n = set_args ? strv_len(set_args) : 0;
  struct set_expr *sets = xcalloc(n + 1, sizeof(*sets));
  struct spec_config *cfg = NULL;
  struct brig_error final = {0};
  long bad;

  for (size_t i = 0; i < n; i++) {
    struct pctx sc = {.err = err};
    sets[i].arg = set_args[i];
    sets[i].name = shown_name(set_args[i]);
    sc.name = sets[i].name;
    if (parse_set(&sc, &sets[i]) < 0)
      goto out;
  }
  cfg = parse_n(data, len, name, sets, n, true, &bad, &final);
  if (cfg == NULL && bad < 0 && n > 0)
    blame(data, len, name, sets, n, &final);
  if (cfg == NULL && err != NULL)
    *err = final;
out:
  for (size_t i = 0; i < n; i++)
    set_expr_clear(&sets[i]);
  free(sets);
  return cfg;
}

struct spec_config *spec_load_with(const char *path, const char *name,
                                   char *const *sets, struct brig_error *err) {
  _cleanup_free_ char *data = NULL;
  const char *base = strrchr(path, '/');
  size_t len = 0;
  if (read_file_at(AT_FDCWD, path, SPEC_MAX_CONFIG_SIZE, &data, &len, err) < 0)
    return NULL;
  if (name == NULL)
    name = base != NULL && base[1] != '\0' ? base + 1 : path;
  return spec_parse_with(data, len, name, sets, err);
}
