/* Namespaces: clone flags from the config, joining by path, id maps and
 * time offsets. */
#ifndef BRIG_NAMESPACES_H
#define BRIG_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* CLONE_NEW* flag of a namespace type. */
int ns_clone_flag(enum spec_ns_type t);
/* The config's namespace of type t, or NULL. */
/* The config joins brig's own network namespace by path (the host's, as
 * runc's isHostNetNS tells). */
bool ns_joins_host_netns(const struct spec_config *cfg);
const struct spec_namespace *ns_find(const struct spec_linux *l,
                                     enum spec_ns_type t);
/* Flags of the namespaces to create at clone (no path; not cgroup/time,
 * which are unshared at their own moment). */
int ns_clone_flags(const struct spec_linux *l);
/* Join the namespace at path (setns with the type's flag). */
int ns_join_path(const char *path, enum spec_ns_type t, struct brig_error *err);
/* Join the config's namespace entry ns (one of cfg->linux_->namespaces,
 * with a path); a failure names its JSON path. */
int ns_join_entry(const struct spec_config *cfg,
                  const struct spec_namespace *ns, struct brig_error *err);
/* The same with path relative to dirfd. */
int ns_join_at(int dirfd, const char *path, enum spec_ns_type t,
               struct brig_error *err);
/* Write uid_map and gid_map of pid: as root directly; as another user
 * directly for a single mapping of its own id, else with newuidmap /
 * newgidmap. */
int ns_write_maps(pid_t pid, const struct spec_id_mapping *uid, size_t n_uid,
                  const struct spec_id_mapping *gid, size_t n_gid,
                  struct brig_error *err);
/* The same with linux.uidMappings / gidMappings. */
int ns_write_id_maps(pid_t pid, const struct spec_linux *l,
                     struct brig_error *err);
/* An fd of a new user namespace with these maps (for an idmapped mount):
 * a short-lived child is cloned into it, mapped, and ended. */
int ns_userns_with_maps(const struct spec_id_mapping *uid, size_t n_uid,
                        const struct spec_id_mapping *gid, size_t n_gid,
                        struct brig_error *err);
/* A new user namespace has uid and gid mappings; one joined by path or
 * no user namespace has none. */
int ns_check_user(const struct spec_linux *l, struct brig_error *err);
/* The host ids of the container's root (uid and gid 0) by the config's
 * mappings; false when it has none or they do not map 0. */
bool ns_host_root(const struct spec_linux *l, uid_t *uid, gid_t *gid);
/* Set up the time namespace in the calling process for its future
 * children: unshare(CLONE_NEWTIME) + timens_offsets, or setns by path. */
int ns_prepare_time(const struct spec_config *cfg, struct brig_error *err);
/* Join a pid namespace by path for the future children. */
int ns_prepare_pid(const struct spec_config *cfg, struct brig_error *err);
/* Before ns_prepare_pid/_time: an fd of the runtime's own namespace for
 * children of that kind when the config will change it, else -1; after
 * the clone, ns_restore_for_children sets it back (and closes it). */
int ns_own_for_children(const struct spec_linux *l, enum spec_ns_type t);
void ns_restore_for_children(int *fd, enum spec_ns_type t);

#endif
