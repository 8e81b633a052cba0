/* brig version / --version: version, spec, commit, library versions. */
#include <seccomp.h>
#include <stdio.h>
#include <sys/capability.h>

#include "cli.h"
#include "spec.h"

CMD(version) {
  const struct scmp_version *sv = seccomp_version();
  (void)argc, (void)argv, (void)err;
  printf("brig version %s\n", BRIG_VERSION);
  printf("commit: %s\n", BRIG_COMMIT);
  printf("spec: %s\n", SPEC_OCI_VERSION);
  printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
  printf("yajl: %s\n", spec_yajl_version());
  printf("libcap: %d.%d\n", LIBCAP_MAJOR, LIBCAP_MINOR);
  return 0;
}
