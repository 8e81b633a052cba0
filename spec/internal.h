/* Private to spec/: the parse context (file name, JSON path, error) and the
 * typed accessors every section parser uses.  Only spec/ includes yajl. */
#ifndef BRIG_SPEC_INTERNAL_H
#define BRIG_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "spec.h"

#define SPEC_PATH_MAX 512

/* A node a --set put into the tree (spec/patch.c).  The parser marks
 * `anchor` seen when it looks the node up, so a --set the parser never
 * read is refused as outside the spec; `raw` is the VALUE text of a number
 * or boolean, taken as a string where the spec wants one. */
struct p_watch {
  yajl_val anchor;
  yajl_val leaf;
  const char *raw;
  bool seen;
};

struct pctx {
  const char *name; /* "config.json" */
  struct brig_error *err;
  char path[SPEC_PATH_MAX]; /* ".linux.sysctl[\"x\"]", "" at the top */
  size_t len;
  struct p_watch *watch; /* --set nodes, NULL when none */
  size_t n_watch;
};

/* Fail at the current path: "<name>: <path>: <msg>".  Returns -1. */
int p_fail(struct pctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Compact rendering of a value for messages: "\"1G\"", 12, an object... */
void p_describe(yajl_val v, char *buf, size_t size);

/* Path marks: push returns the length to pop back to. */
size_t p_push_key(struct pctx *c, const char *key);    /* .key */
size_t p_push_index(struct pctx *c, size_t i);         /* [i] */
size_t p_push_mapkey(struct pctx *c, const char *key); /* ["key"] */
void p_pop(struct pctx *c, size_t mark);

/* The parser read v (a field's value, a map entry): mark a --set seen. */
void p_touch(struct pctx *c, yajl_val v);
/* Offset of the first byte that is not strict UTF-8, or len. */
size_t p_utf8_invalid_at(const unsigned char *s, size_t len);

/* Parse text into a tree after the size, NUL, escape and depth checks;
 * yajl_tree_free frees it.  The --set patcher's trees (spec/patch.c),
 * whose nodes it replaces and grows. */
yajl_val p_tree(struct pctx *c, const char *data, size_t len);

/* The same checks and the same tree, its nodes in a few blocks that
 * p_doc_free frees at once (json.c says why): for trees only read.  Never
 * yajl_tree_free a node of it. */
struct doc_block;
struct p_doc {
  yajl_val root;
  struct doc_block *blocks;
};
int p_doc_parse(struct pctx *c, const char *data, size_t len,
                struct p_doc *doc);
void p_doc_free(struct p_doc *doc);

/* Typed conversions of a value at the current path. */
int p_expect_object(struct pctx *c, yajl_val v);
int p_string(struct pctx *c, yajl_val v, char **out);
int p_bool(struct pctx *c, yajl_val v, bool *out);
int p_int(struct pctx *c, yajl_val v, int64_t min, int64_t max, int64_t *out);
int p_uint(struct pctx *c, yajl_val v, uint64_t max, uint64_t *out);
int p_strv(struct pctx *c, yajl_val v, char ***out);

/* Look up obj[key] (NULL when absent or null).  A key given twice is an
 * error (-1); absent is 0 with *out NULL. */
int p_field(struct pctx *c, yajl_val obj, const char *key, yajl_val *out);

/* Optional fields of obj: absent leaves *out untouched and returns 0. */
int f_str(struct pctx *c, yajl_val obj, const char *key, char **out);
int f_bool(struct pctx *c, yajl_val obj, const char *key, bool *out);
int f_opt_bool(struct pctx *c, yajl_val obj, const char *key,
               struct opt_bool *out);
int f_opt_i64(struct pctx *c, yajl_val obj, const char *key, int64_t min,
              int64_t max, struct opt_i64 *out);
int f_opt_u64(struct pctx *c, yajl_val obj, const char *key, uint64_t max,
              struct opt_u64 *out);
int f_strv(struct pctx *c, yajl_val obj, const char *key, char ***out);
/* f_strv of an environment: each entry NAME=VALUE with a non-empty NAME
 * (POSIX environ; runc refuses the others at its init). */
int f_env(struct pctx *c, yajl_val obj, const char *key, char ***out);
/* Required fields: absent is "<path>.<key>: required field missing". */
int f_req_str(struct pctx *c, yajl_val obj, const char *key, char **out);
int f_req_i64(struct pctx *c, yajl_val obj, const char *key, int64_t min,
              int64_t max, int64_t *out);
int f_req_u64(struct pctx *c, yajl_val obj, const char *key, uint64_t max,
              uint64_t *out);
int f_req_u32(struct pctx *c, yajl_val obj, const char *key, uint32_t *out);
int f_missing(struct pctx *c, const char *key);

/* A string at the current path must be an absolute path. */
int p_check_absolute(struct pctx *c, const char *s);
/* A string at the current path must be one of names (NULL-terminated). */
int p_check_name(struct pctx *c, const char *s, const char *const *names,
                 const char *what);
/* The same for a string (NULL passes) or each string of a list already
 * read from obj[key], with key on the error's path. */
int f_check_name(struct pctx *c, const char *key, const char *s,
                 const char *const *names, const char *what);
int f_check_absolute(struct pctx *c, const char *key, const char *s);
int f_check_names(struct pctx *c, const char *key, char **list,
                  const char *const *names, const char *what);
int f_check_absolutes(struct pctx *c, const char *key, char **list);

/* Arrays and maps of structs: elements are zero-filled, the count is set
 * before any element is parsed so a failure frees cleanly. */
typedef int (*elem_fn)(struct pctx *c, yajl_val v, void *elem);
typedef int (*entry_fn)(struct pctx *c, const char *key, yajl_val v,
                        void *elem);
int f_array(struct pctx *c, yajl_val obj, const char *key, size_t size,
            elem_fn fn, void *arrp, size_t *n);
int f_map(struct pctx *c, yajl_val obj, const char *key, size_t size,
          entry_fn fn, void *arrp, size_t *n);
/* A map of strings to strings. */
int f_kv(struct pctx *c, yajl_val obj, const char *key, struct spec_kv **out,
         size_t *n);

/* An optional sub-object: allocates *out (size bytes) and calls fn. */
int f_object(struct pctx *c, yajl_val obj, const char *key, size_t size,
             elem_fn fn, void *outp);

/* Section parsers (with the path at the section). */
int parse_linux(struct pctx *c, yajl_val v, void *out);
int parse_resources(struct pctx *c, yajl_val v, void *out);
int parse_process(struct pctx *c, yajl_val v, void *out);
int parse_id_mapping(struct pctx *c, yajl_val v, void *out);
/* The whole config (top-level object). */
int parse_config(struct pctx *c, yajl_val v, struct spec_config *cfg);

/* Freeing (each accepts NULL). */
void free_kv(struct spec_kv *kv, size_t n);
void free_linux(struct spec_linux *l);
void free_resources_fields(struct spec_resources *r);

/* JSON output over yajl_gen; a failed call is remembered (sticky) and
 * reported once by em_finish. */
#include <yajl/yajl_gen.h>
struct emitter {
  yajl_gen g;
  yajl_gen_status st;
};
void em_init(struct emitter *e, const char *indent); /* NULL: compact */
char *em_finish(struct emitter *e, struct brig_error *err);
void em_open(struct emitter *e);  /* { */
void em_close(struct emitter *e); /* } */
void em_array_open(struct emitter *e);
void em_array_close(struct emitter *e);
void em_key(struct emitter *e, const char *key);
void em_str(struct emitter *e, const char *s);
void em_u64(struct emitter *e, uint64_t v);
void em_i64(struct emitter *e, int64_t v);
void em_bool(struct emitter *e, bool v);
/* key + value, skipped when the value is absent (NULL / unset). */
void em_kstr(struct emitter *e, const char *key, const char *s);
void em_kstrv(struct emitter *e, const char *key, char *const *v);
void em_ku64(struct emitter *e, const char *key, uint64_t v);
void em_ki64(struct emitter *e, const char *key, int64_t v);
void em_kbool(struct emitter *e, const char *key, bool v);
void em_kopt_u64(struct emitter *e, const char *key, struct opt_u64 v);
void em_kopt_i64(struct emitter *e, const char *key, struct opt_i64 v);
void em_kopt_bool(struct emitter *e, const char *key, struct opt_bool v);

/* Name tables shared by the parser and features.json. */
extern const char *const spec_seccomp_actions[];
extern const char *const spec_seccomp_operators[];
extern const char *const spec_seccomp_archs[];
extern const char *const spec_seccomp_known_flags[];
extern const char *const spec_seccomp_supported_flags[];
extern const char *const spec_mount_propagations[];
extern const char *const spec_mount_options[];
extern const char *const spec_hook_kinds[];

#endif
