/* kapi.h: the kernel interfaces brig calls that one of its two C libraries
 * does not declare.
 *
 * build/brig links musl (its start-up does no CPUID probing, which costs
 * ~0.4 ms per exec in a VM where every CPUID traps to the hypervisor); the
 * test builds (ASan, valgrind, unit, fuzz) link glibc.  glibc 2.36 declares
 * the new mount API (fsopen, fsconfig, fsmount, move_mount, open_tree,
 * mount_setattr), statx and renameat2; musl 1.2.3 declares none of them.
 * For musl they come from the kernel's uapi headers and raw syscalls here,
 * so every source file includes this header instead of caring which libc
 * it is built with.
 */
#ifndef BRIG_KAPI_H
#define BRIG_KAPI_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#ifndef __GLIBC__
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static inline int fsopen(const char *fs_name, unsigned int flags) {
  return (int)syscall(SYS_fsopen, fs_name, flags);
}

static inline int fsconfig(int fd, unsigned int cmd, const char *key,
                           const void *value, int aux) {
  return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int fsmount(int fd, unsigned int flags, unsigned int attr_flags) {
  return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

static inline int move_mount(int from_dfd, const char *from_path, int to_dfd,
                             const char *to_path, unsigned int flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path,
                      flags);
}

static inline int open_tree(int dfd, const char *path, unsigned int flags) {
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int mount_setattr(int dfd, const char *path, unsigned int flags,
                                struct mount_attr *attr, size_t size) {
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}

static inline int renameat2(int olddfd, const char *oldpath, int newdfd,
                            const char *newpath, unsigned int flags) {
  return (int)syscall(SYS_renameat2, olddfd, oldpath, newdfd, newpath, flags);
}

#ifndef STATX_MNT_ID
/* The layout of the kernel's struct statx (include/uapi/linux/stat.h); only
 * the fields brig reads are named. */
struct statx_timestamp {
  long long tv_sec;
  unsigned int tv_nsec;
  int reserved;
};
struct statx {
  unsigned int stx_mask, stx_blksize;
  unsigned long long stx_attributes;
  unsigned int stx_nlink, stx_uid, stx_gid;
  unsigned short stx_mode, pad1;
  unsigned long long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
  struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  unsigned int stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
  unsigned long long stx_mnt_id;
  unsigned long long spare[13];
};
#define STATX_MNT_ID 0x00001000U
static inline int statx(int dfd, const char *path, int flags, unsigned int mask,
                        struct statx *buf) {
  return (int)syscall(SYS_statx, dfd, path, flags, mask, buf);
}
#endif
#endif /* !__GLIBC__ */

#endif
