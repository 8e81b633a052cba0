/* tree_equal: two yajl trees alike node for node (types, keys in order,
 * strings, number text and flags, the values the flags vouch for).  For
 * the checks that spec/json.c's block-built document is the tree
 * yajl_tree_parse gives (tests/unit/test_spec.c, tests/fuzz/fuzz_config.c). */
#ifndef BRIG_TESTS_TREE_EQUAL_H
#define BRIG_TESTS_TREE_EQUAL_H

#include <stdbool.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static inline bool tree_equal(yajl_val a, yajl_val b) {
  if (a == NULL || b == NULL || a->type != b->type)
    return a == b;
  switch (a->type) {
  case yajl_t_string:
    return strcmp(a->u.string, b->u.string) == 0;
  case yajl_t_number:
    if (strcmp(a->u.number.r, b->u.number.r) != 0 ||
        a->u.number.flags != b->u.number.flags)
      return false;
    if ((a->u.number.flags & YAJL_NUMBER_INT_VALID) &&
        a->u.number.i != b->u.number.i)
      return false;
    if ((a->u.number.flags & YAJL_NUMBER_DOUBLE_VALID) &&
        memcmp(&a->u.number.d, &b->u.number.d, sizeof(double)) != 0)
      return false;
    return true;
  case yajl_t_object:
    if (a->u.object.len != b->u.object.len)
      return false;
    for (size_t i = 0; i < a->u.object.len; i++)
      if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0 ||
          !tree_equal(a->u.object.values[i], b->u.object.values[i]))
        return false;
    return true;
  case yajl_t_array:
    if (a->u.array.len != b->u.array.len)
      return false;
    for (size_t i = 0; i < a->u.array.len; i++)
      if (!tree_equal(a->u.array.values[i], b->u.array.values[i]))
        return false;
    return true;
  default:
    return true;
  }
}

#endif
