/* errtext.c: brig's errno texts are glibc's wording whatever libc brig is
 * built with (the unit tests link glibc: its strerror is the reference). */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "tap.h"

int main(void) {
  int differ = 0;
  for (int e = 1; e < 134; e++)
    if (strcmp(brig_strerror(e), strerror(e)) != 0) {
      printf("#   errno %d: brig \"%s\", glibc \"%s\"\n", e, brig_strerror(e),
             strerror(e));
      differ++;
    }
  ok(differ == 0, "errno 1..133 read as glibc words them (%d differ)", differ);
  is_str(brig_strerror(EXDEV), "Invalid cross-device link",
         "EXDEV, where musl says \"Cross-device link\"");
  is_str(brig_strerror(EBUSY), "Device or resource busy",
         "EBUSY, where musl says \"Resource busy\"");
  ok(brig_strerror(0) != NULL && brig_strerror(-1) != NULL &&
         brig_strerror(100000) != NULL,
     "an errno outside the table still gets a text");
  return tap_done();
}
