/* The parse context: JSON paths in messages, the pre-parse safety checks,
 * and typed accessors over yajl's tree. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "internal.h"
#include "util.h"

int p_fail(struct pctx *c, const char *fmt, ...) {
  char msg[BRIG_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (c->len == 0)
    return brig_err(c->err, 0, "%s: %s", c->name, msg);
  return brig_err(c->err, 0, "%s: %s: %s", c->name, c->path, msg);
}

/* Append s to buf (size) at *pos, JSON-escaped, at most max source bytes
 * (cut on a character boundary); "..." marks a cut. */
static void append_escaped(char *buf, size_t size, size_t *pos, const char *s,
                           size_t max) {
  size_t n = strlen(s);
  bool cut = false;
  if (n > max) {
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
    cut = true;
  }
  for (size_t i = 0; i < n && *pos + 8 < size; i++) {
    unsigned char ch = (unsigned char)s[i];
    const char *esc = NULL;
    switch (ch) {
    case '"':
      esc = "\\\"";
      break;
    case '\\':
      esc = "\\\\";
      break;
    case '\n':
      esc = "\\n";
      break;
    case '\t':
      esc = "\\t";
      break;
    case '\r':
      esc = "\\r";
      break;
    default:
      break;
    }
    if (esc != NULL) {
      *pos += (size_t)snprintf(buf + *pos, size - *pos, "%s", esc);
    } else if (ch < 0x20 || ch == 0x7f) {
      *pos += (size_t)snprintf(buf + *pos, size - *pos, "\\u%04x", ch);
    } else {
      buf[(*pos)++] = (char)ch;
      buf[*pos] = '\0';
    }
  }
  if (cut && *pos + 4 < size)
    *pos += (size_t)snprintf(buf + *pos, size - *pos, "...");
}

/* s to quote in a message: JSON-escaped into buf, cut after 40 bytes. */
static const char *quotable(char *buf, size_t size, const char *s) {
  size_t pos = 0;
  buf[0] = '\0';
  append_escaped(buf, size, &pos, s, 40);
  return buf;
}

void p_describe(yajl_val v, char *buf, size_t size) {
  size_t pos = 0;
  buf[0] = '\0';
  if (v == NULL || YAJL_IS_NULL(v)) {
    snprintf(buf, size, "null");
  } else if (YAJL_IS_TRUE(v)) {
    snprintf(buf, size, "true");
  } else if (YAJL_IS_FALSE(v)) {
    snprintf(buf, size, "false");
  } else if (YAJL_IS_OBJECT(v)) {
    snprintf(buf, size, "an object");
  } else if (YAJL_IS_ARRAY(v)) {
    snprintf(buf, size, "an array");
  } else if (YAJL_IS_NUMBER(v)) {
    append_escaped(buf, size, &pos, v->u.number.r, 40);
  } else if (YAJL_IS_STRING(v)) {
    buf[pos++] = '"';
    buf[pos] = '\0';
    append_escaped(buf, size, &pos, v->u.string, 40);
    if (pos + 2 < size) {
      buf[pos++] = '"';
      buf[pos] = '\0';
    }
  }
}

void p_touch(struct pctx *c, yajl_val v) {
  for (size_t i = 0; i < c->n_watch; i++)
    if (c->watch[i].anchor == v)
      c->watch[i].seen = true;
}

/* The VALUE text of a --set number or boolean, or NULL. */
static const char *watch_raw(const struct pctx *c, yajl_val v) {
  for (size_t i = 0; i < c->n_watch; i++)
    if (c->watch[i].leaf == v && c->watch[i].raw != NULL)
      return c->watch[i].raw;
  return NULL;
}

static size_t push_raw(struct pctx *c, const char *s) {
  size_t mark = c->len;
  size_t n = strlen(s);
  if (c->len + n + 1 > sizeof(c->path)) {
    /* Very deep or long paths are shortened, never overflowed. */
    n = sizeof(c->path) - 1 - c->len;
  }
  memcpy(c->path + c->len, s, n);
  c->len += n;
  c->path[c->len] = '\0';
  return mark;
}

size_t p_push_key(struct pctx *c, const char *key) {
  size_t mark = c->len;
  push_raw(c, ".");
  push_raw(c, key);
  return mark;
}

size_t p_push_index(struct pctx *c, size_t i) {
  char buf[32];
  size_t n;
  buf[0] = '[';
  n = 1 + fmt_u64(buf + 1, i);
  buf[n] = ']';
  buf[n + 1] = '\0';
  return push_raw(c, buf);
}

size_t p_push_mapkey(struct pctx *c, const char *key) {
  char buf[160];
  size_t pos = 0;
  size_t mark = c->len;
  buf[0] = '\0';
  append_escaped(buf, sizeof(buf), &pos, key, 80);
  push_raw(c, "[\"");
  push_raw(c, buf);
  push_raw(c, "\"]");
  return mark;
}

void p_pop(struct pctx *c, size_t mark) {
  c->len = mark;
  c->path[mark] = '\0';
}

/* One pass over the text outside yajl: nesting depth (yajl's tree
 * functions recurse), \u0000 escapes (yajl would cut the string), lone
 * surrogates and comments.
 * Only a few bytes matter, inside strings and out: each run of the others
 * is skipped in a tight loop. */
static const bool json_structural[256] = {
    ['"'] = true, ['{'] = true, ['['] = true,
    ['}'] = true, [']'] = true, ['/'] = true};
static const bool json_in_string[256] = {['"'] = true, ['\\'] = true};

/* The value of 4 hex digits (yajl checked them), or 0x10000 if not. */
static unsigned hex4(const unsigned char *h) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    unsigned d = h[k] >= '0' && h[k] <= '9'   ? h[k] - '0'
                 : h[k] >= 'a' && h[k] <= 'f' ? h[k] - 'a' + 10
                 : h[k] >= 'A' && h[k] <= 'F' ? h[k] - 'A' + 10
                                              : 16;
    if (d > 15)
      return 0x10000;
    v = v << 4 | d;
  }
  return v;
}

/* One level of the text walked by path_of: an object (its key when the
 * value is being read) or an array (the element's index). */
struct walk_frame {
  bool obj, want_key;
  size_t index;
  char key[84];
};

static bool is_identifier(const char *k) {
  if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
    return false;
  for (k++; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
          (*k >= '0' && *k <= '9') || *k == '_'))
      return false;
  return true;
}

/* The key of the string at s[start] (its opening quote): escapes made
 * plain, the rest of \u forms as '?', cut after 80 bytes.  Returns the
 * offset of its closing quote (len if none). */
static size_t walk_string(const char *s, size_t len, size_t start, char *key,
                          size_t size) {
  size_t i = start + 1, n = 0;
  while (i < len && s[i] != '"') {
    char ch = s[i];
    if (ch == '\\' && i + 1 < len) {
      ch = s[++i];
      ch = ch == 'n'   ? '\n'
           : ch == 't' ? '\t'
           : ch == 'r' ? '\r'
           : ch == 'b' ? '\b'
           : ch == 'f' ? '\f'
           : ch == 'u' ? '?'
                       : ch;
      if (s[i] == 'u')
        i += 4 < len - i ? 4 : len - i - 1;
    }
    if (key != NULL && n + 1 < size)
      key[n++] = ch;
    i++;
  }
  if (key != NULL)
    key[n] = '\0';
  return i;
}

/* Add to c's path where offset off of the text lies: the key or index of
 * each object and array around it, as the parser names them (a key that
 * is not an identifier as ["key"]).  Only for a message: the text is not
 * known to be valid JSON yet, and anything odd before off just makes the
 * path shorter. */
static void path_of(struct pctx *c, const char *s, size_t len, size_t off) {
  struct walk_frame st[SPEC_MAX_DEPTH + 1];
  size_t depth = 0, i = 0, base = c->len;
  bool in_key = false;

  while (i < off && i < len) {
    struct walk_frame *top = depth > 0 ? &st[depth - 1] : NULL;
    switch (s[i]) {
    case '{':
    case '[':
      if (depth == SPEC_MAX_DEPTH + 1)
        goto done;
      st[depth++] =
          (struct walk_frame){.obj = s[i] == '{', .want_key = s[i] == '{'};
      break;
    case '}':
    case ']':
      if (depth > 0)
        depth--;
      break;
    case ',':
      if (top != NULL && top->obj) {
        top->want_key = true;
        top->key[0] = '\0';
      } else if (top != NULL) {
        top->index++;
      }
      break;
    case ':':
      if (top != NULL)
        top->want_key = false;
      break;
    case '"': {
      bool key = top != NULL && top->obj && top->want_key;
      size_t end =
          walk_string(s, len, i, key ? top->key : NULL, sizeof(top->key) - 3);
      if (end >= off) {
        in_key = key; /* off lies inside this string */
        goto done;
      }
      i = end;
      break;
    }
    default:
      break;
    }
    i++;
  }
done:
  p_pop(c, base);
  for (size_t d = 0; d < depth; d++) {
    const struct walk_frame *f = &st[d];
    if (!f->obj)
      p_push_index(c, f->index);
    else if (d + 1 == depth && (in_key || f->want_key))
      break; /* in a key, or cut short before one: its object's path */
    else if (is_identifier(f->key))
      p_push_key(c, f->key);
    else
      p_push_mapkey(c, f->key);
  }
}

static int scan_text(struct pctx *c, const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t depth = 0, i = 0;
  for (;;) {
    while (i < len && !json_structural[u[i]])
      i++;
    if (i == len)
      return 0;
    switch (u[i++]) {
    case '"':
      for (;;) {
        while (i < len && !json_in_string[u[i]])
          i++;
        if (i >= len)
          return 0;
        if (u[i] == '"') {
          i++;
          break;
        }
        /* a backslash and the character it escapes */
        if (i + 5 < len && u[i + 1] == 'u') {
          unsigned cp = hex4(u + i + 2);
          if (cp == 0) {
            path_of(c, s, len, i);
            return p_fail(c, "a string contains a NUL character (\\u0000)");
          }
          /* yajl would make invalid UTF-8 of a lone surrogate, which
           * brig's own files (state.json) then refuse */
          if (cp >= 0xd800 && cp <= 0xdfff &&
              (cp >= 0xdc00 || i + 11 >= len || u[i + 6] != '\\' ||
               u[i + 7] != 'u' || hex4(u + i + 8) < 0xdc00 ||
               hex4(u + i + 8) > 0xdfff)) {
            path_of(c, s, len, i);
            return p_fail(
                c, "a string contains an unpaired surrogate (\\u%04x)", cp);
          }
          if (cp >= 0xd800 && cp <= 0xdfff)
            i += 6; /* the pair's high half: its low half next */
        }
        i += 2;
      }
      break;
    case '/': /* yajl lets comments by (allow_comments); JSON, runc not */
      return p_fail(c, "invalid JSON: a comment at offset %zu", i - 1);
    case '{':
    case '[':
      if (++depth > SPEC_MAX_DEPTH)
        return p_fail(c, "nested deeper than %d levels", SPEC_MAX_DEPTH);
      break;
    default: /* } or ] */
      if (depth > 0)
        depth--;
      break;
    }
  }
}

/* Strict UTF-8 (RFC 3629): yajl lets overlong forms and surrogates by.
 * Returns the offset of the first bad byte, or len. */
size_t p_utf8_invalid_at(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned char b = s[i];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      uint64_t w;
      /* ASCII, the whole of most configs: eight bytes per step */
      for (i++; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        if ((w & 0x8080808080808080ULL) != 0)
          break;
      }
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      if (b == 0xE0)
        lo = 0xA0; /* overlong */
      if (b == 0xED)
        hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      if (b == 0xF0)
        lo = 0x90; /* overlong */
      if (b == 0xF4)
        hi = 0x8F; /* above U+10FFFF */
    } else {
      return i;
    }
    if (i + n >= len)
      return i; /* cut short by the end of the text */
    if (s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k <= n; k++)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF)
        return i;
    i += n + 1;
  }
  return len;
}

/* The checks before yajl sees the text: size, NUL bytes, strict UTF-8, an
 * empty document, \u0000 escapes and the nesting depth. */
static int precheck(struct pctx *c, const char *data, size_t len) {
  const char *nul;
  size_t i;

  if (len > SPEC_MAX_CONFIG_SIZE)
    return p_fail(c, "larger than %u bytes", SPEC_MAX_CONFIG_SIZE);
  nul = memchr(data, '\0', len);
  if (nul != NULL)
    return p_fail(c, "contains a NUL byte at offset %zu", (size_t)(nul - data));
  i = p_utf8_invalid_at((const unsigned char *)data, len);
  if (i < len)
    return p_fail(c, "invalid UTF-8 at offset %zu", i);
  for (i = 0; i < len; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
      break;
  if (i == len)
    return p_fail(c, "invalid JSON: empty document");
  return scan_text(c, data, len);
}

/* yajl's message, first line only and printable: it may quote raw input.
 * at: "" or where in the text it stopped (" near line 3, column 7"). */
static int json_fail(struct pctx *c, char *msg, const char *at) {
  char *nl = strchr(msg, '\n');
  if (nl != NULL)
    *nl = '\0';
  for (char *p = msg; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
      *p = '?';
  return p_fail(c, "invalid JSON%s: %s", at, msg[0] ? msg : "parse error");
}

/* Parse data with h as yajl_tree_parse does (comments allowed, the status
 * of the completion decides).  A failure names the JSON path and the line
 * and column where yajl stopped: it has read the bad token (in a string,
 * up to the byte before the bad one), or the text ended first. */
static int yajl_run(struct pctx *c, yajl_handle h, const char *data,
                    size_t len) {
  yajl_config(h, yajl_allow_comments, 1);
  yajl_status st = yajl_parse(h, (const unsigned char *)data, len);
  bool cut = st == yajl_status_ok;
  size_t off = cut ? len : yajl_get_bytes_consumed(h);
  if (cut)
    st = yajl_complete_parse(h);
  if (st == yajl_status_ok)
    return 0;
  unsigned char *msg = yajl_get_error(h, 1, (const unsigned char *)data, len);
  char buf[256], at[64] = " at the end of the text";
  size_t line = 1, col = 1;
  snprintf(buf, sizeof(buf), "%s", msg != NULL ? (char *)msg : "");
  if (msg != NULL)
    yajl_free_error(h, msg);
  for (size_t i = 0; i + 1 < off && i < len; i++, col++)
    if (data[i] == '\n')
      line++, col = 0;
  if (!cut)
    snprintf(at, sizeof(at), " near line %zu, column %zu", line, col);
  path_of(c, data, len, off);
  return json_fail(c, buf, at);
}

yajl_val p_tree(struct pctx *c, const char *data, size_t len) {
  char errbuf[256] = "";
  _cleanup_free_ char *text = NULL;
  yajl_val tree;

  if (precheck(c, data, len) < 0)
    return NULL;
  text = xmalloc(len + 1);
  memcpy(text, data, len);
  text[len] = '\0';
  tree = yajl_tree_parse(text, errbuf, sizeof(errbuf));
  if (tree == NULL) {
    /* the same message as p_doc_parse's, with where it stopped */
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    if (h == NULL || yajl_run(c, h, data, len) == 0)
      json_fail(c, errbuf, "");
    if (h != NULL)
      yajl_free(h);
  }
  return tree;
}

/* p_doc_parse: the tree yajl_tree_parse gives (the same nodes, keys in
 * order, duplicates kept, numbers with their text and flags), built from
 * yajl's callbacks into a few large blocks.  yajl_tree_parse allocates
 * every node and string on its own, grows each object and array one
 * element at a time, and yajl_tree_free visits it all again.  Here
 * children wait on a stack until their container closes, which then
 * takes exactly its size, and the whole tree is one free per block.  A
 * `run` of podman's config (12.7 KB) went from 1.39 M to 1.16 M user-space
 * instructions in the runtime, the minimal config's from 484 K to 426 K
 * (callgrind; with the faster scan_text above). */

#define DOC_BLOCK (16 * 1024)

struct doc_block {
  struct doc_block *prev;
  size_t size, used;
  max_align_t data[];
};

struct doc_frame {
  size_t vals, keys; /* where its children start on the stacks */
};

struct doc_builder {
  struct doc_block *blocks;
  yajl_val *vals; /* values of the open containers, innermost last */
  size_t n_vals, cap_vals;
  char **keys; /* keys of the open objects */
  size_t n_keys, cap_keys;
  struct doc_frame frames[SPEC_MAX_DEPTH + 1];
  size_t depth;
  yajl_val root;
};

static void *doc_alloc(struct doc_builder *b, size_t n) {
  struct doc_block *blk = b->blocks;
  n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  if (blk == NULL || blk->size - blk->used < n) {
    size_t size = n > DOC_BLOCK ? n : DOC_BLOCK;
    blk = xmalloc(sizeof(*blk) + size);
    blk->prev = b->blocks;
    blk->size = size;
    blk->used = 0;
    b->blocks = blk;
  }
  blk->used += n;
  return (char *)blk->data + blk->used - n;
}

static char *doc_strndup(struct doc_builder *b, const void *s, size_t n) {
  char *d = doc_alloc(b, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static yajl_val doc_node(struct doc_builder *b, yajl_type type) {
  yajl_val v = doc_alloc(b, sizeof(*v));
  memset(v, 0, sizeof(*v));
  v->type = type;
  return v;
}

static void *grow(void *p, size_t *cap, size_t elem) {
  *cap = *cap ? *cap * 2 : 64;
  return xrealloc(p, *cap * elem);
}

/* A finished value: the root, or the next child of the open container. */
static int doc_add(struct doc_builder *b, yajl_val v) {
  if (b->depth == 0) {
    b->root = v;
    return 1;
  }
  if (b->n_vals == b->cap_vals)
    b->vals = grow(b->vals, &b->cap_vals, sizeof(*b->vals));
  b->vals[b->n_vals++] = v;
  return 1;
}

static int doc_null(void *ctx) {
  struct doc_builder *b = ctx;
  return doc_add(b, doc_node(b, yajl_t_null));
}

static int doc_bool(void *ctx, int value) {
  struct doc_builder *b = ctx;
  return doc_add(b, doc_node(b, value ? yajl_t_true : yajl_t_false));
}

/* As yajl's tree: YAJL_NUMBER_INT_VALID when the text is a decimal
 * integer of at most INT64_MAX in magnitude (yajl's rule: so not
 * INT64_MIN), i that integer or else INT64_MAX or INT64_MIN by the sign;
 * d and YAJL_NUMBER_DOUBLE_VALID when strtod takes all of it. */
static int doc_number(void *ctx, const char *s, size_t len) {
  struct doc_builder *b = ctx;
  yajl_val v = doc_node(b, yajl_t_number);
  const char *p = s, *end = s + len;
  bool neg = *p == '-', ok = true;
  uint64_t mag = 0;
  char *stop;

  v->u.number.r = doc_strndup(b, s, len);
  if (neg)
    p++;
  if (p == end)
    ok = false;
  for (; ok && p < end; p++) {
    unsigned d = (unsigned char)*p - '0';
    if (d > 9 || mag > ((uint64_t)INT64_MAX - d) / 10)
      ok = false;
    else
      mag = mag * 10 + d;
  }
  if (ok) {
    v->u.number.i = neg ? -(long long)mag : (long long)mag;
    v->u.number.flags |= YAJL_NUMBER_INT_VALID;
  } else {
    v->u.number.i = neg ? INT64_MIN : INT64_MAX;
  }
  errno = 0;
  v->u.number.d = strtod(v->u.number.r, &stop);
  if (errno == 0 && *stop == '\0')
    v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
  return doc_add(b, v);
}

static int doc_string(void *ctx, const unsigned char *s, size_t len) {
  struct doc_builder *b = ctx;
  yajl_val v = doc_node(b, yajl_t_string);
  v->u.string = doc_strndup(b, s, len);
  return doc_add(b, v);
}

static int doc_key(void *ctx, const unsigned char *s, size_t len) {
  struct doc_builder *b = ctx;
  if (b->n_keys == b->cap_keys)
    b->keys = grow(b->keys, &b->cap_keys, sizeof(*b->keys));
  b->keys[b->n_keys++] = doc_strndup(b, s, len);
  return 1;
}

static int doc_open(void *ctx) {
  struct doc_builder *b = ctx;
  if (b->depth > SPEC_MAX_DEPTH)
    return 0; /* precheck keeps texts this deep out */
  b->frames[b->depth].vals = b->n_vals;
  b->frames[b->depth].keys = b->n_keys;
  b->depth++;
  return 1;
}

/* The children of the innermost container, moved into the tree. */
static yajl_val *doc_take(struct doc_builder *b, size_t *n) {
  struct doc_frame *f = &b->frames[b->depth - 1];
  yajl_val *vals = NULL;
  *n = b->n_vals - f->vals;
  if (*n > 0) {
    vals = doc_alloc(b, *n * sizeof(*vals));
    memcpy(vals, b->vals + f->vals, *n * sizeof(*vals));
  }
  b->n_vals = f->vals;
  return vals;
}

static int doc_close_map(void *ctx) {
  struct doc_builder *b = ctx;
  struct doc_frame *f = &b->frames[b->depth - 1];
  yajl_val v = doc_node(b, yajl_t_object);
  size_t n;
  v->u.object.values = doc_take(b, &n);
  v->u.object.len = n;
  if (n > 0) {
    v->u.object.keys = doc_alloc(b, n * sizeof(char *));
    memcpy(v->u.object.keys, b->keys + f->keys, n * sizeof(char *));
  }
  b->n_keys = f->keys;
  b->depth--;
  return doc_add(b, v);
}

static int doc_close_array(void *ctx) {
  struct doc_builder *b = ctx;
  yajl_val v = doc_node(b, yajl_t_array);
  v->u.array.values = doc_take(b, &v->u.array.len);
  b->depth--;
  return doc_add(b, v);
}

static const yajl_callbacks doc_callbacks = {
    .yajl_null = doc_null,
    .yajl_boolean = doc_bool,
    .yajl_number = doc_number,
    .yajl_string = doc_string,
    .yajl_start_map = doc_open,
    .yajl_map_key = doc_key,
    .yajl_end_map = doc_close_map,
    .yajl_start_array = doc_open,
    .yajl_end_array = doc_close_array,
};

static void doc_blocks_free(struct doc_block *blk) {
  while (blk != NULL) {
    struct doc_block *prev = blk->prev;
    free(blk);
    blk = prev;
  }
}

int p_doc_parse(struct pctx *c, const char *data, size_t len,
                struct p_doc *doc) {
  struct doc_builder b = {0};
  yajl_handle h;
  int ret = 0;

  memset(doc, 0, sizeof(*doc));
  if (precheck(c, data, len) < 0)
    return -1;
  h = yajl_alloc(&doc_callbacks, NULL, &b);
  if (h == NULL)
    return p_fail(c, "out of memory");
  if (yajl_run(c, h, data, len) < 0)
    ret = -1;
  else if (b.root == NULL)
    ret = p_fail(c, "invalid JSON: parse error");
  if (ret < 0) {
    doc_blocks_free(b.blocks);
  } else {
    doc->root = b.root;
    doc->blocks = b.blocks;
  }
  yajl_free(h);
  free(b.vals);
  free(b.keys);
  return ret;
}

void p_doc_free(struct p_doc *doc) {
  doc_blocks_free(doc->blocks);
  memset(doc, 0, sizeof(*doc));
}

static int type_error(struct pctx *c, yajl_val v, const char *want) {
  char got[128];
  p_describe(v, got, sizeof(got));
  return p_fail(c, "expected %s, got %s", want, got);
}

int p_expect_object(struct pctx *c, yajl_val v) {
  if (!YAJL_IS_OBJECT(v))
    return type_error(c, v, "an object");
  return 0;
}

int p_string(struct pctx *c, yajl_val v, char **out) {
  const char *s = YAJL_IS_STRING(v) ? v->u.string : watch_raw(c, v);
  if (s == NULL)
    return type_error(c, v, "a string");
  free(*out);
  *out = xstrdup(s);
  return 0;
}

int p_bool(struct pctx *c, yajl_val v, bool *out) {
  if (YAJL_IS_TRUE(v))
    *out = true;
  else if (YAJL_IS_FALSE(v))
    *out = false;
  else
    return type_error(c, v, "a boolean");
  return 0;
}

/* The raw text of an integer, or NULL (floats and exponents are not). */
static const char *integer_text(yajl_val v) {
  const char *r;
  if (!YAJL_IS_NUMBER(v))
    return NULL;
  r = v->u.number.r;
  if (*r == '-')
    r++;
  if (*r == '\0')
    return NULL;
  for (; *r; r++)
    if (*r < '0' || *r > '9')
      return NULL;
  return v->u.number.r;
}

int p_int(struct pctx *c, yajl_val v, int64_t min, int64_t max, int64_t *out) {
  const char *r = integer_text(v);
  char got[128];
  long long n;
  char *end;
  if (r == NULL)
    return type_error(c, v, "an integer");
  errno = 0;
  n = strtoll(r, &end, 10);
  if (errno != 0 || *end != '\0' || n < min || n > max) {
    p_describe(v, got, sizeof(got));
    return p_fail(c,
                  "expected an integer from %" PRId64 " to %" PRId64 ", got %s",
                  min, max, got);
  }
  *out = n;
  return 0;
}

int p_uint(struct pctx *c, yajl_val v, uint64_t max, uint64_t *out) {
  const char *r = integer_text(v);
  char got[128];
  unsigned long long n;
  char *end;
  if (r == NULL)
    return type_error(c, v, "an integer");
  errno = 0;
  n = strtoull(r, &end, 10);
  if (*r == '-' || errno != 0 || *end != '\0' || n > max) {
    p_describe(v, got, sizeof(got));
    return p_fail(c, "expected an integer from 0 to %" PRIu64 ", got %s", max,
                  got);
  }
  *out = n;
  return 0;
}

int p_strv(struct pctx *c, yajl_val v, char ***out) {
  char **list;
  size_t n;
  if (!YAJL_IS_ARRAY(v))
    return type_error(c, v, "an array of strings");
  n = v->u.array.len;
  list = xcalloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    yajl_val e = v->u.array.values[i];
    const char *s = YAJL_IS_STRING(e) ? e->u.string : watch_raw(c, e);
    if (s == NULL) {
      size_t mark = p_push_index(c, i);
      type_error(c, e, "a string");
      p_pop(c, mark);
      strv_free(list);
      return -1;
    }
    list[i] = xstrdup(s);
  }
  strv_free(*out);
  *out = list;
  return 0;
}

int p_field(struct pctx *c, yajl_val obj, const char *key, yajl_val *out) {
  yajl_val found = NULL;
  bool seen = false;
  *out = NULL;
  for (size_t i = 0; i < obj->u.object.len; i++) {
    if (strcmp(obj->u.object.keys[i], key) != 0)
      continue;
    if (seen) {
      char buf[128];
      return p_fail(c, "duplicate key \"%s\"", quotable(buf, sizeof(buf), key));
    }
    seen = true;
    found = obj->u.object.values[i];
    p_touch(c, found);
  }
  if (found != NULL && !YAJL_IS_NULL(found))
    *out = found;
  return 0;
}

/* The shape every optional-field accessor shares. */
#define WITH_FIELD(c, obj, key, expr)                                          \
  do {                                                                         \
    yajl_val v_;                                                               \
    size_t mark_;                                                              \
    int r_;                                                                    \
    if (p_field((c), (obj), (key), &v_) < 0)                                   \
      return -1;                                                               \
    if (v_ == NULL)                                                            \
      return 0;                                                                \
    mark_ = p_push_key((c), (key));                                            \
    r_ = (expr);                                                               \
    if (r_ < 0)                                                                \
      return -1;                                                               \
    p_pop((c), mark_);                                                         \
    return 0;                                                                  \
  } while (0)

int f_str(struct pctx *c, yajl_val obj, const char *key, char **out) {
  WITH_FIELD(c, obj, key, p_string(c, v_, out));
}

int f_bool(struct pctx *c, yajl_val obj, const char *key, bool *out) {
  WITH_FIELD(c, obj, key, p_bool(c, v_, out));
}

int f_opt_bool(struct pctx *c, yajl_val obj, const char *key,
               struct opt_bool *out) {
  WITH_FIELD(c, obj, key, (out->set = true, p_bool(c, v_, &out->v)));
}

int f_opt_i64(struct pctx *c, yajl_val obj, const char *key, int64_t min,
              int64_t max, struct opt_i64 *out) {
  WITH_FIELD(c, obj, key, (out->set = true, p_int(c, v_, min, max, &out->v)));
}

int f_opt_u64(struct pctx *c, yajl_val obj, const char *key, uint64_t max,
              struct opt_u64 *out) {
  WITH_FIELD(c, obj, key, (out->set = true, p_uint(c, v_, max, &out->v)));
}

int f_strv(struct pctx *c, yajl_val obj, const char *key, char ***out) {
  WITH_FIELD(c, obj, key, p_strv(c, v_, out));
}

int f_env(struct pctx *c, yajl_val obj, const char *key, char ***out) {
  if (f_strv(c, obj, key, out) < 0)
    return -1;
  for (size_t i = 0; *out != NULL && (*out)[i] != NULL; i++) {
    const char *s = (*out)[i];
    char buf[128];
    if (env_entry_valid(s))
      continue;
    size_t mark = p_push_key(c, key);
    p_push_index(c, i);
    p_fail(c, "expected NAME=VALUE with a non-empty NAME, got \"%s\"",
           quotable(buf, sizeof(buf), s));
    p_pop(c, mark);
    return -1;
  }
  return 0;
}

int f_missing(struct pctx *c, const char *key) {
  size_t mark = p_push_key(c, key);
  p_fail(c, "required field missing");
  p_pop(c, mark);
  return -1;
}

/* Required variant: absent is an error. */
#define WITH_REQUIRED(c, obj, key, expr)                                       \
  do {                                                                         \
    yajl_val v_;                                                               \
    size_t mark_;                                                              \
    if (p_field((c), (obj), (key), &v_) < 0)                                   \
      return -1;                                                               \
    if (v_ == NULL)                                                            \
      return f_missing((c), (key));                                            \
    mark_ = p_push_key((c), (key));                                            \
    if ((expr) < 0)                                                            \
      return -1;                                                               \
    p_pop((c), mark_);                                                         \
    return 0;                                                                  \
  } while (0)

int f_req_str(struct pctx *c, yajl_val obj, const char *key, char **out) {
  WITH_REQUIRED(c, obj, key, p_string(c, v_, out));
}

int f_req_i64(struct pctx *c, yajl_val obj, const char *key, int64_t min,
              int64_t max, int64_t *out) {
  WITH_REQUIRED(c, obj, key, p_int(c, v_, min, max, out));
}

int f_req_u64(struct pctx *c, yajl_val obj, const char *key, uint64_t max,
              uint64_t *out) {
  WITH_REQUIRED(c, obj, key, p_uint(c, v_, max, out));
}

int f_req_u32(struct pctx *c, yajl_val obj, const char *key, uint32_t *out) {
  uint64_t n = 0;
  if (f_req_u64(c, obj, key, UINT32_MAX, &n) < 0)
    return -1;
  *out = (uint32_t)n;
  return 0;
}

int p_check_absolute(struct pctx *c, const char *s) {
  if (s[0] != '/') {
    char buf[128];
    return p_fail(c, "expected an absolute path, got \"%s\"",
                  quotable(buf, sizeof(buf), s));
  }
  return 0;
}

int p_check_name(struct pctx *c, const char *s, const char *const *names,
                 const char *what) {
  char buf[128];
  for (size_t i = 0; names[i] != NULL; i++)
    if (strcmp(names[i], s) == 0)
      return 0;
  return p_fail(c, "unknown %s \"%s\"", what, quotable(buf, sizeof(buf), s));
}

/* names NULL: s must be an absolute path; else one of names. */
static int check_string(struct pctx *c, const char *s, const char *const *names,
                        const char *what) {
  return names == NULL ? p_check_absolute(c, s)
                       : p_check_name(c, s, names, what);
}

static int check_field(struct pctx *c, const char *key, const char *s,
                       const char *const *names, const char *what) {
  size_t mark;
  if (s == NULL)
    return 0;
  mark = p_push_key(c, key);
  if (check_string(c, s, names, what) < 0)
    return -1;
  p_pop(c, mark);
  return 0;
}

static int check_list(struct pctx *c, const char *key, char **list,
                      const char *const *names, const char *what) {
  size_t mark = p_push_key(c, key);
  for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
    size_t emark = p_push_index(c, i);
    if (check_string(c, list[i], names, what) < 0)
      return -1;
    p_pop(c, emark);
  }
  p_pop(c, mark);
  return 0;
}

int f_check_name(struct pctx *c, const char *key, const char *s,
                 const char *const *names, const char *what) {
  return check_field(c, key, s, names, what);
}

int f_check_absolute(struct pctx *c, const char *key, const char *s) {
  return check_field(c, key, s, NULL, NULL);
}

int f_check_names(struct pctx *c, const char *key, char **list,
                  const char *const *names, const char *what) {
  return check_list(c, key, list, names, what);
}

int f_check_absolutes(struct pctx *c, const char *key, char **list) {
  return check_list(c, key, list, NULL, NULL);
}

/* len zero-filled elements of size bytes into *arrp, the count set before
 * any is parsed so that a failure frees cleanly. */
static char *alloc_elems(size_t len, size_t size, void *arrp, size_t *n) {
  char *arr = xcalloc(len, size);
  *(void **)arrp = arr;
  *n = len;
  return arr;
}

static int p_array(struct pctx *c, yajl_val v, size_t size, elem_fn fn,
                   void *arrp, size_t *n) {
  char *arr;
  if (!YAJL_IS_ARRAY(v))
    return type_error(c, v, "an array");
  arr = alloc_elems(v->u.array.len, size, arrp, n);
  for (size_t i = 0; i < v->u.array.len; i++) {
    yajl_val e = v->u.array.values[i];
    size_t emark = p_push_index(c, i);
    if (p_expect_object(c, e) < 0 || fn(c, e, arr + i * size) < 0)
      return -1;
    p_pop(c, emark);
  }
  return 0;
}

int f_array(struct pctx *c, yajl_val obj, const char *key, size_t size,
            elem_fn fn, void *arrp, size_t *n) {
  WITH_FIELD(c, obj, key, p_array(c, v_, size, fn, arrp, n));
}

static int cmp_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Maps refuse a key given twice (Go would silently keep the last). */
static int check_map_keys(struct pctx *c, yajl_val v) {
  size_t n = v->u.object.len;
  const char **keys;
  if (n < 2)
    return 0;
  keys = xcalloc(n, sizeof(char *));
  memcpy(keys, v->u.object.keys, n * sizeof(char *));
  qsort(keys, n, sizeof(char *), cmp_keys);
  for (size_t i = 1; i < n; i++) {
    if (strcmp(keys[i - 1], keys[i]) == 0) {
      char buf[128];
      quotable(buf, sizeof(buf), keys[i]);
      free(keys);
      return p_fail(c, "duplicate key \"%s\"", buf);
    }
  }
  free(keys);
  return 0;
}

static int p_map(struct pctx *c, yajl_val v, size_t size, entry_fn fn,
                 void *arrp, size_t *n) {
  char *arr;
  if (p_expect_object(c, v) < 0 || check_map_keys(c, v) < 0)
    return -1;
  arr = alloc_elems(v->u.object.len, size, arrp, n);
  for (size_t i = 0; i < v->u.object.len; i++) {
    size_t emark = p_push_mapkey(c, v->u.object.keys[i]);
    p_touch(c, v->u.object.values[i]);
    if (fn(c, v->u.object.keys[i], v->u.object.values[i], arr + i * size) < 0)
      return -1;
    p_pop(c, emark);
  }
  return 0;
}

int f_map(struct pctx *c, yajl_val obj, const char *key, size_t size,
          entry_fn fn, void *arrp, size_t *n) {
  WITH_FIELD(c, obj, key, p_map(c, v_, size, fn, arrp, n));
}

static int kv_entry(struct pctx *c, const char *key, yajl_val v, void *elem) {
  struct spec_kv *kv = elem;
  kv->key = xstrdup(key);
  return p_string(c, v, &kv->value);
}

int f_kv(struct pctx *c, yajl_val obj, const char *key, struct spec_kv **out,
         size_t *n) {
  return f_map(c, obj, key, sizeof(struct spec_kv), kv_entry, out, n);
}

static int p_object(struct pctx *c, yajl_val v, size_t size, elem_fn fn,
                    void *outp) {
  void *o;
  if (p_expect_object(c, v) < 0)
    return -1;
  o = xcalloc(1, size);
  *(void **)outp = o;
  return fn(c, v, o);
}

int f_object(struct pctx *c, yajl_val obj, const char *key, size_t size,
             elem_fn fn, void *outp) {
  WITH_FIELD(c, obj, key, p_object(c, v_, size, fn, outp));
}
