/* Commands not written yet. */
#include "cli.h"

#define STUB(name)                                                             \
  CMD(name) {                                                                  \
    (void)argc, (void)argv;                                                    \
    return brig_err(err, 0, #name ": not implemented yet"), 1;                 \
  }
