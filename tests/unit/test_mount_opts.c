/* Mount option sorting (runtime/mount_opts.c) and sysctl key checks. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "mounts.h"
#include "rootfs.h"
#include "tap.h"

static void parse(struct mount_opts *o, char **opts) {
  mount_opts_parse(opts, o);
}

int main(void) {
  struct mount_opts o;

  {
    char *opts[] = {"nosuid", "noexec", "ro", "mode=755", "size=64k", NULL};
    parse(&o, opts);
    ok(o.flags == (MS_NOSUID | MS_NOEXEC | MS_RDONLY), "flags set");
    is_str(o.data, "mode=755,size=64k", "unknown options become data");
    ok(!o.bind && !o.tmpcopyup && o.propagation == 0, "nothing else");
    mount_opts_free(&o);
  }
  {
    char *opts[] = {"ro", "rw", "nodev", "dev", "suid", NULL};
    parse(&o, opts);
    ok(o.flags == 0, "a later rw/dev undoes ro/nodev");
    ok(o.clear == (MS_RDONLY | MS_NODEV | MS_NOSUID), "cleared flags kept");
    ok(o.data == NULL, "no data");
    mount_opts_free(&o);
  }
  {
    char *opts[] = {"iversion", "mode=1777", NULL};
    parse(&o, opts);
    ok(o.flags == MS_I_VERSION, "iversion is MS_I_VERSION, as runc");
    is_str(o.data, "mode=1777", "and not data the filesystem refuses");
    mount_opts_free(&o);
    char *off[] = {"iversion", "noiversion", NULL};
    parse(&o, off);
    ok(o.flags == 0 && o.clear == MS_I_VERSION, "noiversion clears it");
    mount_opts_free(&o);
  }
  {
    char *opts[] = {"rbind", "rprivate", "rro", "rnosuid", "tmpcopyup", NULL};
    parse(&o, opts);
    ok(o.bind && o.recursive, "rbind is a recursive bind");
    ok(o.propagation == (MS_PRIVATE | MS_REC), "rprivate");
    ok(o.rec_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID), "rro rnosuid");
    ok(o.tmpcopyup, "tmpcopyup");
    mount_opts_free(&o);
  }
  {
    char *opts[] = {"rbind", "idmap", NULL};
    parse(&o, opts);
    ok(o.idmap && !o.idmap_recursive && o.data == NULL,
       "idmap: an idmapped bind, not data");
    mount_opts_free(&o);
    char *ropts[] = {"bind", "ridmap", NULL};
    parse(&o, ropts);
    ok(o.idmap && o.idmap_recursive, "ridmap: recursive idmap");
    mount_opts_free(&o);
  }
  {
    struct spec_id_mapping map = {0, 100000, 65536};
    struct spec_mount m = {
        .destination = "/m", .type = "bind", .source = "/src", .options = NULL};
    struct spec_config cfg = {.mounts = &m, .n_mounts = 1};
    struct brig_error err = {0};
    ok(!rootfs_mount_is_idmapped(&m), "a plain bind is not idmapped");
    m.uid_mappings = &map;
    m.n_uid_mappings = 1;
    ok(rootfs_mount_is_idmapped(&m), "per-mount uidMappings idmap it");
    ok(rootfs_check_idmap_mounts(&cfg, &err) < 0 &&
           strstr(err.msg, "needs both uidMappings and gidMappings") != NULL,
       "uid mappings alone are refused (%s)", err.msg);
    m.gid_mappings = &map;
    m.n_gid_mappings = 1;
    ok(rootfs_check_idmap_mounts(&cfg, &err) == 0,
       "both, on a bind, without a user namespace: accepted");
  }
  {
    char *opts[] = {"rro", "rrw", "rnoatime", NULL};
    parse(&o, opts);
    ok(o.rec_set == MOUNT_ATTR_NOATIME, "rrw undoes rro; rnoatime set");
    ok(o.rec_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME),
       "rrw clears ro; an atime mode clears the atime field");
    mount_opts_free(&o);
  }
  {
    char *opts[] = {"rnoatime", "rstrictatime", NULL};
    parse(&o, opts);
    ok(o.rec_set == MOUNT_ATTR_STRICTATIME, "last atime mode wins");
    mount_opts_free(&o);
  }
  {
    uint64_t set, clr;
    mount_flags_to_attr(MS_RDONLY | MS_NOSUID | MS_NOATIME, MS_NODEV, &set,
                        &clr);
    ok(set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME),
       "bind flags to mount attrs");
    ok(clr == (MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME), "cleared to attr_clr");
    mount_flags_to_attr(MS_NOEXEC, 0, &set, &clr);
    ok(set == MOUNT_ATTR_NOEXEC && clr == 0, "no atime change unless asked");
  }
  {
    struct spec_mount m = {.destination = "/x", .type = "none"};
    char *b[] = {"bind", NULL};
    ok(!mount_is_bind(&m), "type none without bind is not a bind");
    m.options = b;
    ok(mount_is_bind(&m), "a bind option makes a bind");
    m.options = NULL;
    m.type = "bind";
    ok(mount_is_bind(&m), "type bind");
  }
  {
    struct spec_namespace ns[] = {{.type = SPEC_NS_IPC}};
    struct spec_linux l = {.namespaces = ns, .n_namespaces = 1};
    struct spec_config cfg = {.linux_ = &l};
    struct brig_error err = {0};
    ok(rootfs_sysctl_check_key(&cfg, "kernel.shmmax", &err) == 0,
       "ipc key with an ipc namespace");
    ok(rootfs_sysctl_check_key(&cfg, "fs.mqueue.msg_max", &err) == 0,
       "fs.mqueue.* with an ipc namespace");
    ok(rootfs_sysctl_check_key(&cfg, "net.ipv4.ip_forward", &err) < 0,
       "net.* without a network namespace");
    is_str(err.msg,
           "sysctl \"net.ipv4.ip_forward\" needs the container's own network "
           "namespace",
           "net.* refusal names the key");
    ok(rootfs_sysctl_check_key(&cfg, "vm.swappiness", &err) < 0,
       "vm.swappiness refused");
    is_str(err.msg,
           "sysctl \"vm.swappiness\" is not in a separate kernel namespace: "
           "refused",
           "non-namespaced refusal names the key");
    ok(rootfs_sysctl_check_key(&cfg, "kernel.hostname", &err) < 0,
       "kernel.hostname needs a uts namespace");
    ok(rootfs_sysctl_check_key(&cfg, "net/../../x", &err) < 0,
       "a key with / or .. is refused");
    {
      struct spec_namespace uts[] = {{.type = SPEC_NS_UTS}};
      struct spec_linux lu = {.namespaces = uts, .n_namespaces = 1};
      struct spec_config cu = {.linux_ = &lu};
      ok(rootfs_sysctl_check_key(&cu, "kernel.hostname", &err) == 0 &&
             rootfs_sysctl_check_key(&cu, "kernel.domainname", &err) == 0,
         "kernel.hostname and domainname with a uts namespace");
      cu.hostname = "h";
      ok(rootfs_sysctl_check_key(&cu, "kernel.hostname", &err) < 0,
         "kernel.hostname beside a hostname field is refused");
      is_str(err.msg,
             "sysctl \"kernel.hostname\" is not allowed as it conflicts with "
             "the OCI \"hostname\" field",
             "runc's line for kernel.hostname");
      ok(rootfs_sysctl_check_key(&cu, "kernel.domainname", &err) == 0,
         "kernel.domainname without a domainname field");
      cu.domainname = "d";
      ok(rootfs_sysctl_check_key(&cu, "kernel.domainname", &err) < 0,
         "kernel.domainname beside a domainname field is refused");
      is_str(err.msg,
             "sysctl \"kernel.domainname\" is not allowed as it conflicts "
             "with the OCI \"domainname\" field",
             "the line for kernel.domainname");
    }
    l.n_namespaces = 0;
    ok(rootfs_sysctl_check_key(&cfg, "kernel.sem", &err) < 0,
       "ipc key without an ipc namespace refused");
  }
  return tap_done();
}
