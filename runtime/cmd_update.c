/* brig update [flags | -r FILE|-] ID: change a running container's
 * resources.  As runc: with --resources every other flag is ignored. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "container.h"
#include "util.h"

static const char usage[] =
    "usage: brig update [command options] <container-id>\n\n"
    "Update container resource constraints.\n\n"
    "Options:\n"
    "   --resources value, -r value  path to the file containing the "
    "resources to update or '-' to read from the standard input\n"
    "   --blkio-weight value         Specifies per cgroup weight, range is "
    "from 10 to 1000 (default: 0)\n"
    "   --cpu-period value           CPU CFS period to be used for "
    "hardcapping (in usecs). 0 to use system default\n"
    "   --cpu-quota value            CPU CFS hardcap limit (in usecs). "
    "Allowed cpu time in a given period\n"
    "   --cpu-share value            CPU shares (relative weight vs. other "
    "containers)\n"
    "   --cpu-rt-period value        CPU realtime period to be used for "
    "hardcapping (in usecs). 0 to use system default\n"
    "   --cpu-rt-runtime value       CPU realtime hardcap limit (in usecs). "
    "Allowed cpu time in a given period\n"
    "   --cpuset-cpus value          CPU(s) to use\n"
    "   --cpuset-mems value          Memory node(s) to use\n"
    "   --memory value               Memory limit (in bytes)\n"
    "   --memory-reservation value   Memory reservation or soft_limit (in "
    "bytes)\n"
    "   --memory-swap value          Total memory usage (memory + swap); set "
    "'-1' to enable unlimited swap\n"
    "   --kernel-memory value        Kernel memory limit (in bytes)\n"
    "   --kernel-memory-tcp value    Kernel memory limit (in bytes) for tcp "
    "buffer\n"
    "   --pids-limit value           Maximum number of pids allowed in the "
    "container (default: 0)\n"
    "   --l3-cache-schema value      The string of Intel RDT/CAT L3 cache "
    "schema\n"
    "   --mem-bw-schema value        The string of Intel RDT/MBA memory "
    "bandwidth schema\n";

enum {
  OPT_BLKIO = 256,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_SHARE,
  OPT_RT_PERIOD,
  OPT_RT_RUNTIME,
  OPT_CPUS,
  OPT_MEMS,
  OPT_MEMORY,
  OPT_MEM_RES,
  OPT_MEM_SWAP,
  OPT_KMEM,
  OPT_KMEM_TCP,
  OPT_PIDS,
  OPT_L3,
  OPT_MBA,
};

/* A size as runc's RAMInBytes reads it: "512", "1.5g", "10MiB", "4 kB"
 * (binary multiples), or -1 for "unlimited". */
static int parse_size(const char *flag, const char *s, int64_t *out,
                      struct brig_error *err) {
  static const char units[] = "kmgtp";
  char *end;
  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  /* digits, or digits.digits: strtod alone would take 0x10 and 1e8 */
  const char *num = s;
  while (*num >= '0' && *num <= '9')
    num++;
  if (num != s && num[0] == '.' && num[1] >= '0' && num[1] <= '9')
    for (num++; *num >= '0' && *num <= '9';)
      num++;
  errno = 0;
  double v = strtod(s, &end);
  if (num == s || end != num || errno != 0 || v < 0)
    goto bad;
  if (*end == ' ')
    end++;
  double mult = 1;
  if (*end != '\0') {
    const char *u = strchr(units, end[0] | 0x20);
    if (u == NULL && (end[0] | 0x20) != 'b')
      goto bad;
    if (u != NULL) {
      for (const char *k = units; k <= u; k++)
        mult *= 1024;
      end++;
      if ((*end | 0x20) == 'i')
        end++;
    }
    if ((*end | 0x20) == 'b')
      end++;
    if (*end != '\0')
      goto bad;
  }
  if (v * mult >= 9.2e18)
    goto bad;
  *out = (int64_t)(v * mult);
  return 0;
bad:
  return brig_err(err, 0, "invalid value for %s: invalid size: '%s'", flag, s);
}

static int read_resources_file(const char *path, char **data, size_t *len,
                               struct brig_error *err) {
  if (strcmp(path, "-") != 0)
    return read_file_at(AT_FDCWD, path, SPEC_MAX_CONFIG_SIZE, data, len, err);
  size_t cap = 4096;
  *len = 0;
  *data = xmalloc(cap);
  for (;;) {
    ssize_t n = read(0, *data + *len, cap - *len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      free(*data);
      *data = NULL; /* the caller frees what it is given */
      return brig_err(err, errno, "read resources from stdin");
    }
    if (n == 0)
      break;
    *len += (size_t)n;
    if (*len > SPEC_MAX_CONFIG_SIZE) {
      free(*data);
      *data = NULL;
      return brig_err(err, EFBIG, "read resources from stdin");
    }
    if (cap - *len < 2)
      *data = xrealloc(*data, cap *= 2);
  }
  (*data)[*len] = '\0';
  return 0;
}

/* Flags into a spec_resources (only what was given is set). */
struct update_flags {
  struct spec_memory mem;
  struct spec_cpu cpu;
  struct spec_block_io bio;
  bool any_mem, any_cpu, any_bio;
  struct opt_i64 pids;
};

static int apply_flag(struct update_flags *u, int opt, const char *val,
                      struct brig_error *err) {
  int64_t v;
  switch (opt) {
  case OPT_MEMORY:
  case OPT_MEM_RES:
  case OPT_MEM_SWAP:
  case OPT_KMEM:
  case OPT_KMEM_TCP: {
    static const char *const names[] = {"memory", "memory-reservation",
                                        "memory-swap", "kernel-memory",
                                        "kernel-memory-tcp"};
    struct opt_i64 *dst[] = {&u->mem.limit, &u->mem.reservation, &u->mem.swap,
                             &u->mem.kernel, &u->mem.kernel_tcp};
    int i = opt - OPT_MEMORY;
    if (parse_size(names[i], val, &v, err) < 0)
      return -1;
    *dst[i] = (struct opt_i64){true, v};
    u->any_mem = true;
    return 0;
  }
  case OPT_CPU_QUOTA:
  case OPT_RT_RUNTIME:
    if (cli_parse_int("update",
                      opt == OPT_CPU_QUOTA ? "cpu-quota" : "cpu-rt-runtime",
                      val, INT64_MIN, INT64_MAX, &v, err) < 0)
      return -1;
    *(opt == OPT_CPU_QUOTA ? &u->cpu.quota : &u->cpu.realtime_runtime) =
        (struct opt_i64){true, v};
    u->any_cpu = true;
    return 0;
  case OPT_CPU_PERIOD:
  case OPT_CPU_SHARE:
  case OPT_RT_PERIOD: {
    const char *name = opt == OPT_CPU_PERIOD  ? "cpu-period"
                       : opt == OPT_CPU_SHARE ? "cpu-share"
                                              : "cpu-rt-period";
    if (cli_parse_int("update", name, val, 0, INT64_MAX, &v, err) < 0)
      return -1;
    *(opt == OPT_CPU_PERIOD  ? &u->cpu.period
      : opt == OPT_CPU_SHARE ? &u->cpu.shares
                             : &u->cpu.realtime_period) =
        (struct opt_u64){true, (uint64_t)v};
    u->any_cpu = true;
    return 0;
  }
  case OPT_CPUS:
    u->cpu.cpus = (char *)val;
    u->any_cpu = true;
    return 0;
  case OPT_MEMS:
    u->cpu.mems = (char *)val;
    u->any_cpu = true;
    return 0;
  case OPT_PIDS:
    if (cli_parse_int("update", "pids-limit", val, INT64_MIN, INT64_MAX, &v,
                      err) < 0)
      return -1;
    u->pids = (struct opt_i64){true, v};
    return 0;
  case OPT_BLKIO:
    if (cli_parse_int("update", "blkio-weight", val, 0, 65535, &v, err) < 0)
      return -1;
    u->bio.weight = (struct opt_u64){v != 0, (uint64_t)v};
    u->any_bio = v != 0;
    return 0;
  case OPT_L3:
    return brig_err(err, 0,
                    "Intel RDT/CAT: l3 cache schema is not enabled "
                    "(brig has no resctrl support)");
  case OPT_MBA:
    return brig_err(err, 0,
                    "Intel RDT/MBA: memory bandwidth schema is not "
                    "enabled (brig has no resctrl support)");
  }
  return brig_err(err, 0, "update: unknown flag");
}

CMD(update) {
  static const struct option opts[] = {
      {"resources", required_argument, NULL, 'r'},
      {"blkio-weight", required_argument, NULL, OPT_BLKIO},
      {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
      {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
      {"cpu-share", required_argument, NULL, OPT_CPU_SHARE},
      {"cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD},
      {"cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME},
      {"cpuset-cpus", required_argument, NULL, OPT_CPUS},
      {"cpuset-mems", required_argument, NULL, OPT_MEMS},
      {"memory", required_argument, NULL, OPT_MEMORY},
      {"memory-reservation", required_argument, NULL, OPT_MEM_RES},
      {"memory-swap", required_argument, NULL, OPT_MEM_SWAP},
      {"kernel-memory", required_argument, NULL, OPT_KMEM},
      {"kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP},
      {"pids-limit", required_argument, NULL, OPT_PIDS},
      {"l3-cache-schema", required_argument, NULL, OPT_L3},
      {"mem-bw-schema", required_argument, NULL, OPT_MBA},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct update_flags u = {0};
  const char *file = NULL;
  struct spec_resources *parsed = NULL, flags = {0};
  struct container *c = NULL;
  struct cgroup *cg = NULL;
  int opt, ret = 1;

  while ((opt = cli_next(argc, argv, "update", "r:", opts, usage, err)) != -1) {
    if (opt == CLI_HELP)
      return 0;
    if (opt == CLI_ERROR)
      return 1;
    if (opt == 'r')
      file = optarg;
    else if (apply_flag(&u, opt, optarg, err) < 0)
      return 1;
  }
  if (cli_exact_args(argc, 1, "update", err) < 0)
    return 1;
  if (file != NULL) {
    _cleanup_free_ char *data = NULL;
    size_t len;
    if (read_resources_file(file, &data, &len, err) < 0)
      return 1;
    parsed = spec_parse_resources(data, len, strcmp(file, "-") ? file : "stdin",
                                  err);
    if (parsed == NULL)
      return 1;
  } else {
    /* as runc: --pids-limit 0 leaves the limit alone */
    flags.memory = u.any_mem ? &u.mem : NULL;
    flags.cpu = u.any_cpu ? &u.cpu : NULL;
    flags.block_io = u.any_bio ? &u.bio : NULL;
    flags.has_pids = u.pids.set;
    flags.pids_limit = u.pids;
  }
  if (container_load(brig_g.root, argv[optind], &c, err) < 0)
    goto out;
  if (strcmp(c->st.status, "stopped") == 0 ||
      strcmp(c->st.status, "creating") == 0) {
    brig_err(err, 0, "container not running");
    goto out;
  }
  if (cgroup_open(c->st.cgroup_path, &cg, err) < 0 ||
      cgroup_apply(cg, parsed ? parsed : &flags, true, err) < 0)
    goto out;
  ret = 0;
out:
  cgroup_free(cg);
  container_free(c);
  spec_resources_free(parsed);
  return ret;
}
