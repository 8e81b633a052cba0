/* brig exec [flags] ID [CMD...]: run a process in a running container. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exec.h"
#include "security.h"
#include "util.h"

static const char usage[] =
    "usage: brig exec [command options] <container-id> <command> "
    "[command options]  || -p process.json <container-id>\n\n"
    "Execute a new process inside the container.\n\n"
    "Options:\n"
    "   --console-socket value         path to an AF_UNIX socket which will "
    "receive a file descriptor referencing the master end of the console's "
    "pseudoterminal\n"
    "   --cwd value                    current working directory in the "
    "container\n"
    "   --env value, -e value          set environment variables\n"
    "   --tty, -t                      allocate a pseudo-TTY\n"
    "   --user value, -u value         UID (format: <uid>[:<gid>])\n"
    "   --additional-gids value, -g value  additional gids\n"
    "   --process value, -p value      path to the process.json\n"
    "   --detach, -d                   detach from the container's process\n"
    "   --pid-file value               specify the file to write the "
    "process id to\n"
    "   --process-label value          set the asm process label for the "
    "process commonly used with selinux\n"
    "   --apparmor value               set the apparmor profile for the "
    "process\n"
    "   --no-new-privs                 set the no new privileges value for "
    "the process\n"
    "   --cap value, -c value          add a capability to the bounding set "
    "for the process\n"
    "   --preserve-fds value           Pass N additional file descriptors to "
    "the container (stdio + $LISTEN_FDS + N in total) (default: 0)\n"
    "   --cgroup value                 run the process in an (existing) "
    "sub-cgroup(s). Format is [<controller>:]<cgroup>.\n"
    "   --ignore-paused                allow exec in a paused container\n";

enum {
  OPT_CONSOLE = 256,
  OPT_CWD,
  OPT_PID_FILE,
  OPT_LABEL,
  OPT_APPARMOR,
  OPT_NNP,
  OPT_PRESERVE,
  OPT_CGROUP,
  OPT_IGNORE_PAUSED
};

static char **strv_append(char **v, const char *s) {
  size_t n = strv_len(v);
  v = xrealloc(v, (n + 2) * sizeof(char *));
  v[n] = xstrdup(s);
  v[n + 1] = NULL;
  return v;
}

/* What a --process file leaves out is the container's, as runc takes it
 * (newInitConfig, finalizeNamespace): capabilities, AppArmor profile,
 * SELinux label, rlimits and oomScoreAdj.  Moved from the container's
 * process, which exec does not use then. */
static void process_fallback(struct spec_process *p, struct spec_process *c) {
  if (c == NULL)
    return;
  if (p->capabilities == NULL) {
    p->capabilities = c->capabilities;
    c->capabilities = NULL;
  }
  if (p->apparmor_profile == NULL || *p->apparmor_profile == '\0') {
    free(p->apparmor_profile);
    p->apparmor_profile = c->apparmor_profile;
    c->apparmor_profile = NULL;
  }
  if (p->selinux_label == NULL || *p->selinux_label == '\0') {
    free(p->selinux_label);
    p->selinux_label = c->selinux_label;
    c->selinux_label = NULL;
  }
  if (p->n_rlimits == 0) {
    free(p->rlimits);
    p->rlimits = c->rlimits;
    p->n_rlimits = c->n_rlimits;
    c->rlimits = NULL;
    c->n_rlimits = 0;
  }
  if (!p->oom_score_adj.set)
    p->oom_score_adj = c->oom_score_adj;
}

struct exec_flags {
  const char *process_file, *cwd, *user, *apparmor, *label;
  char **env, **gids, **caps, **cgroups;
  bool tty;
  int nnp; /* --no-new-privs[=BOOL]: -1 not given */
};

static int apply_flags(struct spec_process *p, const struct exec_flags *f,
                       int argc, char **argv, struct brig_error *err) {
  if (argc > 0) {
    strv_free(p->args);
    p->args = xcalloc((size_t)argc + 1, sizeof(char *));
    for (int i = 0; i < argc; i++)
      p->args[i] = xstrdup(argv[i]);
  }
  p->terminal = f->tty; /* consoleSize stays (runc) */
  for (size_t i = 0; f->env && f->env[i]; i++) {
    if (!env_entry_valid(f->env[i]))
      return brig_err(err, 0, "exec: invalid --env \"%s\": want NAME=VALUE",
                      f->env[i]);
    /* appended, as runc: the last of a key wins (process_env) */
    p->env = strv_append(p->env, f->env[i]);
  }
  /* runc ignores an empty --cwd, --user, --apparmor, --process-label */
  if (f->cwd && f->cwd[0] != '\0' && f->cwd[0] != '/')
    return brig_err(err, 0, "exec: --cwd \"%s\" is not an absolute path",
                    f->cwd);
  if (f->cwd && f->cwd[0] != '\0') {
    free(p->cwd);
    p->cwd = xstrdup(f->cwd);
  }
  if (f->user && f->user[0] != '\0') {
    uint64_t uid, gid;
    _cleanup_free_ char *u = xstrdup(f->user);
    char *colon = strchr(u, ':');
    if (colon)
      *colon = '\0';
    /* 0-2147483647, as runc and the config's process.user */
    if (parse_u64(u, &uid) < 0 || uid > INT32_MAX ||
        (colon && (parse_u64(colon + 1, &gid) < 0 || gid > INT32_MAX)))
      return brig_err(err, 0, "exec: invalid --user \"%s\": want UID[:GID]",
                      f->user);
    p->user.uid = (uint32_t)uid;
    if (colon)
      p->user.gid = (uint32_t)gid;
  }
  for (size_t i = 0; f->gids && f->gids[i]; i++) {
    uint64_t g;
    if (parse_u64(f->gids[i], &g) < 0 || g > INT32_MAX)
      return brig_err(err, 0, "exec: invalid --additional-gids \"%s\"",
                      f->gids[i]);
    p->user.additional_gids =
        xrealloc(p->user.additional_gids,
                 (p->user.n_additional_gids + 1) * sizeof(uint32_t));
    p->user.additional_gids[p->user.n_additional_gids++] = (uint32_t)g;
  }
  for (size_t i = 0; f->caps && f->caps[i]; i++) {
    const char *cap = f->caps[i]; /* an unknown one: warned and dropped */
    if (p->capabilities == NULL)
      p->capabilities = xcalloc(1, sizeof(*p->capabilities));
    p->capabilities->bounding = strv_append(p->capabilities->bounding, cap);
    p->capabilities->effective = strv_append(p->capabilities->effective, cap);
    p->capabilities->permitted = strv_append(p->capabilities->permitted, cap);
    /* Never inheritable (CVE-2022-29162): a file cap of a program the
     * container runs would otherwise be raised across its execve. */
    p->capabilities->ambient = strv_append(p->capabilities->ambient, cap);
  }
  if (f->nnp >= 0)
    p->no_new_privileges = f->nnp == 1;
  if (f->apparmor && f->apparmor[0] != '\0') {
    free(p->apparmor_profile);
    p->apparmor_profile = xstrdup(f->apparmor);
  }
  if (f->label && f->label[0] != '\0') {
    free(p->selinux_label);
    p->selinux_label = xstrdup(f->label);
  }
  return 0;
}

CMD(exec) {
  static const struct option opts[] = {
      {"process", required_argument, NULL, 'p'},
      {"tty", no_argument, NULL, 't'},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"cwd", required_argument, NULL, OPT_CWD},
      {"env", required_argument, NULL, 'e'},
      {"user", required_argument, NULL, 'u'},
      {"additional-gids", required_argument, NULL, 'g'},
      {"cap", required_argument, NULL, 'c'},
      {"no-new-privs", no_argument, NULL, OPT_NNP},
      {"apparmor", required_argument, NULL, OPT_APPARMOR},
      {"process-label", required_argument, NULL, OPT_LABEL},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"cgroup", required_argument, NULL, OPT_CGROUP},
      {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct exec_opts o = {.root = brig_g.root};
  struct exec_flags f = {.nnp = -1};
  struct spec_config *cfg = NULL;
  struct container *ct = NULL;
  struct spec_process *fileproc = NULL;
  int c, code = 0, ret = 255;
  int64_t n;

  while ((c = cli_next(argc, argv, "exec", "p:te:u:g:c:d", opts, usage, err)) !=
         -1) {
    switch (c) {
    case CLI_HELP:
      return 0;
    case CLI_ERROR:
      return 1;
    case 'p':
      f.process_file = optarg;
      break;
    case 't':
      f.tty = true;
      break;
    case OPT_CONSOLE:
      o.console_socket = optarg;
      break;
    case OPT_CWD:
      f.cwd = optarg;
      break;
    case 'e':
      f.env = strv_append(f.env, optarg);
      break;
    case 'u':
      f.user = optarg;
      break;
    case 'g':
      f.gids = strv_append(f.gids, optarg);
      break;
    case 'c':
      f.caps = strv_append(f.caps, optarg);
      break;
    case OPT_NNP:
      f.nnp = cli_bool; /* =false clears the config's (runc) */
      break;
    case OPT_APPARMOR:
      f.apparmor = optarg;
      break;
    case OPT_LABEL:
      f.label = optarg;
      break;
    case 'd':
      o.detach = true;
      break;
    case OPT_PID_FILE:
      o.pid_file = optarg;
      break;
    case OPT_PRESERVE:
      if (cli_parse_int("exec", "preserve-fds", optarg, 0, 65536, &n, err))
        goto out_usage;
      o.preserve_fds = (int)n;
      break;
    case OPT_CGROUP:
      f.cgroups = strv_append(f.cgroups, optarg);
      o.cgroups = f.cgroups;
      break;
    case OPT_IGNORE_PAUSED:
      o.ignore_paused = true;
      break;
    }
  }
  if (argc - optind < (f.process_file ? 1 : 2)) {
    brig_err(err, 0, "\"exec\" requires a minimum of %d argument(s)",
             f.process_file ? 1 : 2);
    goto out_usage;
  }
  o.id = argv[optind];
  security_reserve_fds(o.preserve_fds);
  /* As runc: every failure past the command line is "exec failed", 255. */
  cfg = exec_load_config(o.root, o.id, &ct, err);
  if (cfg == NULL)
    goto out;
  if (f.process_file != NULL) {
    _cleanup_free_ char *data = NULL;
    size_t len;
    if (read_file_at(AT_FDCWD, f.process_file, SPEC_MAX_CONFIG_SIZE, &data,
                     &len, err) < 0)
      goto out;
    fileproc = spec_parse_process(data, len, f.process_file, err);
    if (fileproc == NULL)
      goto out;
    process_fallback(fileproc, cfg->process);
    o.process = fileproc;
  } else {
    if (cfg->process == NULL) {
      brig_err(err, 0, "exec: the container's config.json has no process");
      goto out;
    }
    if (apply_flags(cfg->process, &f, argc - optind - 1, argv + optind + 1,
                    err) < 0)
      goto out;
    o.process = cfg->process;
  }
  o.cfg = cfg;
  o.c = ct; /* container_exec frees it */
  ct = NULL;
  if (container_exec(&o, &code, err) == 0) {
    /* the process's own status, 255 included: nothing to say (runc) */
    ret = o.detach ? 0 : code;
    goto done;
  }
  goto out;
out_usage:
  ret = 1;
out:
  if (ret == 255)
    brig_err_wrap(err, "exec failed");
done:
  strv_free(f.env);
  strv_free(f.gids);
  strv_free(f.caps);
  strv_free(f.cgroups);
  spec_process_free(fileproc);
  spec_free(cfg);
  container_free(ct);
  return ret;
}
