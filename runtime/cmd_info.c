/* brig info [-f text|json] ID (lxc-info): what the container is and uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "events.h"
#include "util.h"

static const char usage[] =
    "usage: brig info [command options] <container-id>\n\n"
    "Name, state, pid, created, bundle, cgroup paths, CPU time, memory use "
    "and peak, pids, block I/O and namespace inodes (lxc-info).\n\n"
    "Options:\n"
    "   --format value, -f value  text or json (default: \"text\")\n";

static const char *ns_names[] = {"cgroup", "ipc",  "mnt",  "net",
                                 "pid",    "time", "user", "uts"};

CMD(info) {
  struct container *ct = NULL;
  struct cgroup *cg = NULL;
  struct events_stats st;
  bool json = false, have_stats = false, alive;
  unsigned long long ino[8] = {0};
  int c, ret = 1;

  memset(&st, 0, sizeof(st));
  c = cli_format_only(argc, argv, "info", usage, &json, err);
  if (c != 0)
    return c == CLI_HELP ? 0 : 1;
  if (cli_exact_args(argc, 1, "info", err) < 0)
    return 1;
  if (container_load(brig_g.root, argv[optind], &ct, err) < 0)
    goto out;
  alive = strcmp(ct->st.status, "stopped") != 0;
  if (ct->st.cgroup_path && *ct->st.cgroup_path &&
      cgroup_open(ct->st.cgroup_path, &cg, err) == 0)
    have_stats = cgroup_stats(cg, &st, err) == 0;
  brig_err_clear(err);
  for (size_t i = 0; alive && i < 8; i++) {
    char path[64];
    struct stat sb;
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)ct->st.pid,
             ns_names[i]);
    if (stat(path, &sb) == 0)
      ino[i] = (unsigned long long)sb.st_ino;
  }
  if (json) {
    printf("{\"name\":\"%s\",\"state\":\"%s\",\"pid\":%d,\"created\":\"%s\","
           "\"bundle\":",
           ct->id, ct->st.status, alive ? (int)ct->st.pid : 0, ct->st.created);
    json_put_str(stdout, ct->st.bundle);
    printf(",\"cgroups\":[");
    for (size_t i = 0; cg && cgroup_dir_at(cg, i); i++) {
      printf("%s", i ? "," : "");
      json_put_str(stdout, cgroup_dir_at(cg, i));
    }
    printf("],\"cpu_ns\":%llu,\"memory_bytes\":%llu,\"memory_peak_bytes\":"
           "%llu,\"pids\":%llu,\"block_io_bytes\":%llu,\"namespaces\":{",
           (unsigned long long)st.cpu.total,
           (unsigned long long)st.memory.usage.usage,
           (unsigned long long)st.memory.usage.max,
           (unsigned long long)st.pids.current,
           (unsigned long long)cgroup_io_bytes(&st));
    for (size_t i = 0, n = 0; i < 8; i++)
      if (ino[i])
        printf("%s\"%s\":%llu", n++ ? "," : "", ns_names[i], ino[i]);
    printf("}}\n");
  } else {
    printf("Name:           %s\n", ct->id);
    printf("State:          %s\n", ct->st.status);
    if (alive)
      printf("PID:            %d\n", (int)ct->st.pid);
    printf("Created:        %s\n", ct->st.created);
    printf("Bundle:         %s\n", ct->st.bundle);
    for (size_t i = 0; cg && cgroup_dir_at(cg, i); i++)
      printf("Cgroup:         %s\n", cgroup_dir_at(cg, i));
    if (have_stats) {
      printf("CPU use:        %.2f seconds\n", (double)st.cpu.total / 1e9);
      printf("Memory use:     %llu bytes\n",
             (unsigned long long)st.memory.usage.usage);
      printf("Memory peak:    %llu bytes\n",
             (unsigned long long)st.memory.usage.max);
      printf("Pids:           %llu\n", (unsigned long long)st.pids.current);
      printf("Block I/O:      %llu bytes\n",
             (unsigned long long)cgroup_io_bytes(&st));
    }
    for (size_t i = 0; i < 8; i++)
      if (ino[i])
        printf("Namespace %-5s %llu\n", ns_names[i], ino[i]);
  }
  ret = 0;
out:
  if (have_stats)
    events_stats_free(&st);
  cgroup_free(cg);
  container_free(ct);
  return ret;
}
