/* A shorter program for the same seccomp filter (runtime/seccomp_compact.c).
 *
 * libseccomp compares a syscall number with one jeq per syscall, so
 * podman's profile (~370 names on x86_64, x32 and x86) is 1331
 * instructions, and the kernel converts and JIT-compiles every one of
 * them when a container loads it (~0.5 ms here).  The profile's decisions
 * are only a few hundred runs of consecutive numbers.  seccomp_compact()
 * derives them from libseccomp's own program and writes a binary search
 * over the runs; the few syscalls whose decision reads their arguments
 * jump into an exact copy of libseccomp's instructions for them. */
#ifndef BRIG_SECCOMP_COMPACT_H
#define BRIG_SECCOMP_COMPACT_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* Run a classic BPF seccomp program on seccomp_data given as 16 words:
 * nr, arch, instruction pointer (2), args (12: low, high of each).
 * 0 with the returned value in *ret, -1 for a program this interpreter
 * refuses (what the kernel's checker would refuse, or loops). */
int seccomp_bpf_run(const struct sock_filter *prog, size_t n,
                    const uint32_t data[16], uint32_t *ret);

/* The compacted program of prog (malloc'd into *out, *out_n instructions),
 * or -1 when prog is not of the shape this can prove equivalent (then use
 * prog).  Before it returns 0 it has checked the new program against prog
 * on every run's first and last syscall number of every architecture. */
int seccomp_compact(const struct sock_filter *prog, size_t n,
                    struct sock_filter **out, size_t *out_n);

#endif
