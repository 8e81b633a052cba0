#!/usr/bin/env bats
# Performance mechanisms that must not change behaviour: the compiled
# seccomp filter cache (<root>/.bpf@cache), state saves, the static binary,
# joining cgroups without the global cgroup lock, the sysfs superblock made
# by the runtime while the init sets up, the v1 cgroups made while the init
# makes its network namespace, run's start byte sent with the state save.

load helpers

CACHE() { echo "$BRIG_ROOT/.bpf@cache"; }

deny_mkdir() { # deny_mkdir ERRNO
  cfg ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
        syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\",
                    errnoRet: $1}]}"
}

@test "brig is one static binary" {
  # The sanitizer build (tools/run-asan) is dynamic by design: ASan and
  # UBSan need their runtime libraries.  build/brig is checked in the plain
  # pass of the suite.
  if ldd "$BRIG" 2>/dev/null | grep -q libasan; then
    skip "the binary under test is the ASan build"
  fi
  run file -L "$BRIG"
  [[ "$output" == *"statically linked"* ]]
}

@test "brig links musl when the machine has it: no glibc start-up (CPUID probes)" {
  if ldd "$BRIG" 2>/dev/null | grep -q libasan; then
    skip "the binary under test is the ASan build"
  fi
  command -v musl-gcc >/dev/null || skip "musl-gcc missing: brig links glibc"
  # glibc's static start-up reads $GLIBC_TUNABLES; musl has no such thing.
  run grep -c GLIBC_TUNABLES "$BRIG"
  [ "$output" = 0 ]
}

# allow_all FILE: a cache entry's program replaced by "allow everything"
# (its key kept), as someone who could write the cache would.
allow_all() {
  python3 - "$1" <<'PY'
import struct, sys
p = sys.argv[1]
d = open(p, "rb").read()
k = struct.unpack_from("<I", d, 8)[0]
head = d[:12 + k]
prog = struct.pack("<HBBI", 0x06, 0, 0, 0x7fff0000)  # BPF_RET|BPF_K ALLOW
open(p, "wb").write(head + struct.pack("<I", 1) + prog)
PY
}

@test "a seccomp cache entry that is not brig's own (writable by others, another owner) is never loaded" {
  make_bundle sh -c 'mkdir /tmp/d && echo made'
  deny_mkdir 1
  run brig run -b "$BUNDLE" "$(cid a)"
  [[ "$output" == *"Operation not permitted"* ]]
  f=$(ls "$(CACHE)"/*)
  allow_all "$f"
  chmod 666 "$f"
  run brig run -b "$BUNDLE" "$(cid b)"
  echo "$output"
  [[ "$output" == *"Operation not permitted"* ]]
  allow_all "$f"
  chown 65534 "$f"
  run brig run -b "$BUNDLE" "$(cid c)"
  echo "$output"
  [[ "$output" == *"Operation not permitted"* ]]
  # a cache directory others may write: not used at all, and said
  allow_all "$f"
  chown 0 "$f"
  chmod 600 "$f"
  chmod 777 "$(CACHE)"
  run brig run -b "$BUNDLE" "$(cid d)"
  echo "$output"
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" == *"seccomp cache $(CACHE): not brig's own (owner, or writable by others): not used"* ]]
  root_clean
}

@test "a seccomp filter is cached after the first run and gives the same result" {
  make_bundle sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d'
  deny_mkdir 1
  run brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = "Seccomp:	2" ]
  [[ "${lines[1]}" == *"Operation not permitted"* ]]
  [ "$(ls "$(CACHE)" | wc -l)" -eq 1 ]
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = "Seccomp:	2" ]
  [[ "${lines[1]}" == *"Operation not permitted"* ]]
  # another profile: its own entry, its own behaviour
  deny_mkdir 30
  run brig run -b "$BUNDLE" "$(cid c)"
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [ "$(ls "$(CACHE)" | wc -l)" -eq 2 ]
  # the containers are gone; list does not see the cache
  root_clean
  [ "$(brig list -q)" = "" ]
}

@test "the cache key spells out the profile: counts, lengths, names, action, errno" {
  make_bundle mkdir /tmp/d
  deny_mkdir 30
  run brig run -b "$BUNDLE" "$(cid)"
  [[ "$output" == *"Read-only file system"* ]]
  f="$(CACHE)/$(ls "$(CACHE)")"
  # one rule: 2 names (5 and 7 bytes), a 14-byte action, errno 30, 0 args
  [ "$(grep -a -c -F '1;2;5;mkdir7;mkdirat14;SCMP_ACT_ERRNO30;0;' "$f")" = 1 ]
}

@test "a cache file whose key does not match is not used" {
  make_bundle mkdir /tmp/d
  deny_mkdir 30
  run brig run -b "$BUNDLE" "$(cid a)"
  [[ "$output" == *"Read-only file system"* ]]
  f=$(ls "$(CACHE)")
  # the other profile's program under this profile's name: refused
  deny_mkdir 1
  run brig run -b "$BUNDLE" "$(cid b)"
  [[ "$output" == *"Operation not permitted"* ]]
  g=$(ls "$(CACHE)" | grep -vx "$f")
  cp "$(CACHE)/$g" "$(CACHE)/$f"
  deny_mkdir 30
  run brig run -b "$BUNDLE" "$(cid c)"
  [[ "$output" == *"Read-only file system"* ]]
  # garbage is ignored too
  head -c 100 /dev/urandom > "$(CACHE)/$f"
  run brig run -b "$BUNDLE" "$(cid d)"
  [[ "$output" == *"Read-only file system"* ]]
}

@test "exec loads the cached filter of the container" {
  make_bundle sleep 100
  deny_mkdir 30
  brig create -b "$BUNDLE" "$(cid)"
  brig start "$(cid)"
  run brig exec "$(cid)" mkdir /tmp/d
  [[ "$output" == *"Read-only file system"* ]]
  run brig exec "$(cid)" grep "^Seccomp:" /proc/self/status
  [ "$output" = "Seccomp:	2" ]
  brig delete -f "$(cid)"
}

@test "a notify profile is not cached" {
  make_bundle true
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        listenerPath: "/nonexistent/sock",
        syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ ! -e "$(CACHE)" ] || [ -z "$(ls "$(CACHE)")" ]
}

@test "state.json is rewritten in place of the old one (no temp file left)" {
  make_bundle sleep 100
  brig create -b "$BUNDLE" "$(cid)"
  brig start "$(cid)"
  [ -f "$BRIG_ROOT/.state/$(cid)" ]
  [ -z "$(ls -A "$BRIG_ROOT/.tmp")" ]
  run brig state "$(cid)"
  [[ "$output" == *'"status": "running"'* ]]
  brig delete -f "$(cid)"
}

@test "a run makes and removes no directory in the state root (a block each, and its discard, on a disk)" {
  make_bundle true
  brig run -b "$BUNDLE" "$(cid first)" # the shared directories, once
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -y -e trace=mkdir,mkdirat,rmdir,unlinkat,openat -e signal=none \
    -o "$TEST_TMP/trace" "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  strace_join "$TEST_TMP/trace"
  cat "$TEST_TMP/trace"
  # its own file made and removed, state in the shared .state
  grep -Eq "openat\([0-9]*<$BRIG_ROOT>, \"$(cid)\", O_RDONLY\|O_CREAT\|O_EXCL\|[A-Z_|]*, 0600\) = [0-9]" "$TEST_TMP/trace"
  grep -q "unlinkat([0-9]*<$BRIG_ROOT/.state>, \"$(cid)\", 0) = 0" "$TEST_TMP/trace"
  grep -q "unlinkat([0-9]*<$BRIG_ROOT>, \"$(cid)\", 0) = 0" "$TEST_TMP/trace"
  # no directory made in the root or under it (the shared ones are
  # there), none removed
  not grep -E "mkdirat\([0-9]*<$BRIG_ROOT[/>].*\) = 0|mkdir\(\"$BRIG_ROOT" "$TEST_TMP/trace"
  not grep -E "rmdir\(\"$BRIG_ROOT|unlinkat\([0-9]*<$BRIG_ROOT[/>].*AT_REMOVEDIR\) = 0" "$TEST_TMP/trace"
  no_state "$(cid)"
}

@test "the init joins its cgroups without writing a pid to cgroup.procs (no RCU grace period)" {
  # Writing a pid to cgroup.procs takes the kernel's threadgroup rwsem for
  # writing: an RCU grace period, 5-15 ms on an idle host.  The init moves
  # itself into each v1 hierarchy instead ("0" to tasks) and is cloned into
  # its cgroup2 directory (clone3 CLONE_INTO_CGROUP).
  make_bundle true
  # (the ASan pass: LeakSanitizer cannot work under ptrace; the rest of
  # ASan still checks this run)
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -ff -qq -y -e trace=write,clone3 -e signal=none -o "$TEST_TMP/trace" \
    "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  # one file per process (-ff): no call split by another process's
  cat "$TEST_TMP"/trace.* > "$TEST_TMP/all"
  grep -q "clone3(.*CLONE_INTO_CGROUP.*) *= [1-9]" "$TEST_TMP/all"
  for h in cpu cpuacct cpuset memory devices freezer blkio pids systemd; do
    grep -q "write([0-9]*</sys/fs/cgroup/$h/brig/$(cid)/tasks>, \"0\", 1) *= 1" \
      "$TEST_TMP/all"
  done
  not grep "cgroup.procs>" "$TEST_TMP/all"
}


@test "the runtime makes the container's sysfs superblock in its network namespace, then returns to its own" {
  # Making a sysfs superblock scans every one on the machine (one per
  # network namespace): the runtime does it while the init does its first
  # mounts, and the init's mount of sysfs shares it.
  make_bundle sh -c 'ls /sys/class/net'
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=execve,setns,fsopen,fsconfig,mount -e signal=none \
    -o "$TEST_TMP/trace" "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" \
    > "$TEST_TMP/out"
  strace_join "$TEST_TMP/trace"
  [ "$(cat "$TEST_TMP/out")" = lo ]
  runtime=$(awk 'NR == 1 { print $1 }' "$TEST_TMP/trace")
  grep "^$runtime " "$TEST_TMP/trace" > "$TEST_TMP/runtime"
  fs=$(sed -n 's/.*fsopen("sysfs", FSOPEN_CLOEXEC) *= \([0-9]*\)$/\1/p' "$TEST_TMP/runtime")
  [ -n "$fs" ]
  grep -q "fsconfig($fs, FSCONFIG_SET_FLAG, \"ro\", NULL, 0) *= 0" "$TEST_TMP/runtime"
  grep -q "fsconfig($fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) *= 0" "$TEST_TMP/runtime"
  # into the container's network namespace and back
  [ "$(grep -c 'setns([0-9]*, CLONE_NEWNET) *= 0' "$TEST_TMP/runtime")" -eq 2 ]
  # the init still mounts sysfs itself
  grep -v "^$runtime " "$TEST_TMP/trace" | grep -q 'mount("sysfs", .*"sysfs", .*) *= 0'
}

@test "the v1 cgroups are made while the init makes its network namespace and joins its keyring" {
  # The runtime clones the init without CLONE_NEWNET (~0.45 ms less), nor
  # the mount, uts and ipc namespaces, and makes the v1 cgroups and writes
  # the limits meanwhile; the init makes those namespaces in one unshare,
  # then joins the cgroups after that.
  make_bundle readlink /proc/self/ns/net
  cfg '.linux.resources.memory.limit = 268435456'
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=clone3,unshare,keyctl,mkdirat,write -e signal=none -y \
    -o "$TEST_TMP/trace" "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" \
    > "$TEST_TMP/out"
  strace_join "$TEST_TMP/trace"
  # its own network namespace all the same
  [ "$(cat "$TEST_TMP/out")" != "$(readlink /proc/self/ns/net)" ]
  t=$TEST_TMP/trace
  runtime=$(awk 'NR == 1 { print $1 }' "$t")
  line() { grep -n "$1" "$t" | head -1 | cut -d: -f1; }
  clone=$(line "^$runtime .*clone3(.*CLONE_NEWPID")
  [ -n "$clone" ]
  for f in CLONE_NEWNET CLONE_NEWNS CLONE_NEWUTS CLONE_NEWIPC; do
    not grep -q "$f[|,]" <<<"$(sed -n "${clone}p" "$t")"
  done
  grep -q "unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET) = 0" "$t"
  mkdir_mem=$(line "^$runtime .*mkdirat([0-9]*</sys/fs/cgroup>, \"memory/brig/$(cid)\"")
  limit=$(line "^$runtime .*write([0-9]*</sys/fs/cgroup/memory/brig/$(cid)/memory.limit_in_bytes>")
  unshare=$(line "unshare(.*CLONE_NEWNET")
  keyring=$(line "keyctl(KEYCTL_JOIN_SESSION_KEYRING, \"_ses.$(cid)\"")
  joined=$(line "write([0-9]*</sys/fs/cgroup/memory/brig/$(cid)/tasks>, \"0\"")
  echo "clone $clone mkdir $mkdir_mem limit $limit unshare $unshare keyring $keyring joined $joined"
  # the runtime: clone, then the v1 cgroup and its limit
  [ "$clone" -lt "$mkdir_mem" ]
  [ "$mkdir_mem" -lt "$limit" ]
  # the init: its network namespace and keyring, then (after the limit)
  # it joins
  [ "$clone" -lt "$unshare" ]
  [ "$unshare" -lt "$joined" ]
  [ "$keyring" -lt "$joined" ]
  [ "$limit" -lt "$joined" ]
}

@test "the go is sent before the init says its network namespace is made (no sleep for it)" {
  # Nothing of the runtime's needs the init's new network namespace before
  # the go: it sends it first and reads SYNC_EARLY (type 7) after.
  make_bundle true
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=execve,sendto,recvmsg -e signal=none -o "$TEST_TMP/go" \
    "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" >/dev/null
  strace_join "$TEST_TMP/go"
  t=$TEST_TMP/go
  runtime=$(grep 'sendto([0-9]*, "\\1\\0\\0\\0' "$t" | awk '{ print $1; exit }')
  [ -n "$runtime" ]
  go=$(grep -n "^$runtime .*sendto([0-9]*, \"\\\\1\\\\0\\\\0\\\\0" "$t" | head -1 | cut -d: -f1)
  early=$(grep -n "^$runtime .*iov_base=\"\\\\7\\\\0\\\\0\\\\0" "$t" | head -1 | cut -d: -f1)
  echo "runtime $runtime go $go early $early"
  [ -n "$go" ] && [ -n "$early" ]
  [ "$go" -lt "$early" ]
}

# run_order ARGS...: a traced `run ARGS` of /bin/true; prints the trace
# line numbers of the runtime's start byte ("g") and of its read of the
# init's SYNC_READY (a sync message whose type is 2): both the runtime's
# own calls, in the order it made them whatever the init's speed.
run_order() {
  local t=$TEST_TMP/order runtime
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=execve,sendto,recvmsg -e signal=none -o "$t" \
    "$BRIG" --root "$BRIG_ROOT" run "$@" -b "$BUNDLE" "$(cid)" >/dev/null
  strace_join "$t"
  runtime=$(awk 'NR == 1 { print $1 }' "$t")
  echo "$(grep -n "^$runtime .*sendto([0-9]*, \"g\", 1," "$t" | cut -d: -f1)" \
    "$(grep -n "^$runtime .*recvmsg(.*iov_base=\"\\\\2\\\\0\\\\0\\\\0" "$t" | head -1 | cut -d: -f1)"
}

@test "run sends the start byte with the state save, before the init is ready (one round trip less)" {
  make_bundle true
  read -r go ready <<<"$(run_order)"
  echo "go $go ready $ready"
  [ -n "$go" ] && [ -n "$ready" ]
  [ "$go" -lt "$ready" ] # sent before the runtime reads the init's READY
  # with a pid file the byte waits for the init too: a run killed before
  # its start must leave no process running (crash.bats), as runc's
  read -r go ready <<<"$(run_order --pid-file "$TEST_TMP/pid")"
  echo "with --pid-file: go $go ready $ready"
  [ -n "$go" ] && [ -n "$ready" ]
  [ "$go" -gt "$ready" ]
  [ -s "$TEST_TMP/pid" ]
  # a prestart hook comes before the process: the byte waits for the init
  cfg '.hooks = {"prestart": [{"path": "/bin/true"}]}'
  read -r go ready <<<"$(run_order)"
  echo "with a prestart hook: go $go ready $ready"
  [ -n "$go" ] && [ -n "$ready" ]
  [ "$go" -gt "$ready" ]
}

# selfexe_trace [BRIG ARGS...]: strace of a run of $BUNDLE (fsmount,
# execveat, move_mount, umount2), its output in $TEST_TMP/out
selfexe_trace() {
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=fsmount,execveat,move_mount,umount2 -e signal=none \
    -o "$TEST_TMP/trace" "$BRIG" --root "$BRIG_ROOT" run "$@" -b "$BUNDLE" \
    "$(cid)" >"$TEST_TMP/out"
  strace_join "$TEST_TMP/trace"
}

@test "the overlay brig runs from goes with the old root: attached under it before its unmount, left nowhere" {
  # Closed as it is, the overlay's detached mount goes at once, in a
  # synchronous RCU grace period of its own; attached under the old root,
  # it goes in the unmount that takes one anyway.
  make_bundle sh -c 'ls /proc/self/fd; grep -c overlay /proc/self/mountinfo || true'
  rootfs=$(realpath "$BUNDLE/rootfs")
  grep overlay /proc/self/mountinfo >"$TEST_TMP/host.before" || true
  for prop in "" shared; do
    [ -z "$prop" ] || cfg ".linux.rootfsPropagation = \"$prop\""
    selfexe_trace
    cat "$TEST_TMP/trace"
    runtime=$(awk 'NR == 1 { print $1 }' "$TEST_TMP/trace")
    # the runtime's overlay fd survives its re-exec ...
    fd=$(sed -n "s/^$runtime  *fsmount([0-9]*, 0, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV) *= \([0-9]*\)$/\1/p" "$TEST_TMP/trace")
    [ -n "$fd" ]
    grep -q "^$runtime  *execveat($fd, \"brig\", " "$TEST_TMP/trace"
    # ... and the init attaches it on the rootfs's old place, then unmounts
    grep -v "^$runtime " "$TEST_TMP/trace" >"$TEST_TMP/init"
    grep -n . "$TEST_TMP/init" | grep -E "move_mount\($fd, \"\", AT_FDCWD, \"${rootfs#/}\", MOVE_MOUNT_F_EMPTY_PATH\) *= 0|umount2\(\"\.\", MNT_DETACH\) *= 0" \
      | cut -d: -f2- | awk '{ print $2 }' | cut -c1-10 >"$TEST_TMP/order"
    [ "$(cat "$TEST_TMP/order")" = "$(printf 'move_mount\numount2(".')" ]
    # the container has neither the fd nor the mount
    [ "$(cat "$TEST_TMP/out")" = "$(printf '0\n1\n2\n3\n0')" ]
    # nor does the host, whatever the rootfs propagation
    grep overlay /proc/self/mountinfo >"$TEST_TMP/host.after" || true
    diff "$TEST_TMP/host.before" "$TEST_TMP/host.after"
  done
}

@test "exec closes the overlay's fd: the process has only its stdio" {
  make_bundle sleep 100
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig exec "$(cid)" ls /proc/self/fd
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '0\n1\n2\n3')" ]
  run brig exec --preserve-fds 3 "$(cid)" ls /proc/self/fd 3</dev/null 4</dev/null 5</dev/null
  echo "$output"
  [ "$output" = "$(printf '0\n1\n2\n3\n4\n5\n6')" ]
  brig delete -f "$(cid)"
}

@test "a large seccomp profile is a binary search over syscall numbers: few instructions per syscall" {
  # podman's default profile: ~370 names.  A linear filter runs hundreds
  # of compares per syscall, and the kernel's per-syscall cache set-up at
  # load time runs each of them for every syscall number (0.7 ms here);
  # the binary tree runs a few dozen.
  make_bundle true
  prof=$("$BATS_TEST_DIRNAME/../../tools/podman-seccomp")
  cfg ".linux.seccomp = $prof"
  brig run -b "$BUNDLE" "$(cid a)"
  [ "$(ls "$(CACHE)" | wc -l)" -eq 1 ]
  walk=$(python3 "$BATS_TEST_DIRNAME/lib/bpfwalk.py" "$(CACHE)"/*)
  # what the profile says, syscall by syscall (x86_64 numbers)
  grep -qx "0 allow [0-9]*" <<<"$walk"         # read
  grep -qx "83 allow [0-9]*" <<<"$walk"        # mkdir
  grep -qx "101 errno:38 [0-9]*" <<<"$walk"    # ptrace: not listed
  grep -qx "246 errno:1 [0-9]*" <<<"$walk"     # kexec_load: refused, EPERM
  grep -qx "463 errno:38 [0-9]*" <<<"$walk"    # above every known one
  most=$(awk '{print $3}' <<<"$walk" | sort -n | tail -1)
  echo "most instructions for one syscall: $most"
  [ "$most" -le 64 ]
}

@test "podman's profile loads as runs of syscall numbers (under 700 instructions), argument rules kept" {
  # libseccomp's program compares each number on its own: 1331
  # instructions for this profile, each converted and JIT-compiled by the
  # kernel at every load.  The cache holds the same decisions as a binary
  # search over runs of numbers (runtime/seccomp_compact.c; its unit test
  # runs both programs on every number near the named ones).
  make_bundle sh -c 'linux32 true && echo ok32; linux32 -R true; echo rc=$?'
  prof=$("$BATS_TEST_DIRNAME/../../tools/podman-seccomp")
  cfg ".linux.seccomp = $prof"
  run brig run -b "$BUNDLE" "$(cid)"
  # personality(PER_LINUX32) is allowed by its argument; 0x40008 is not
  # listed, so it gets the default action, errno 38
  [[ "$output" == *ok32* ]]
  [[ "$output" == *"personality(0x40008): Function not implemented"* ]]
  [[ "$output" == *rc=1* ]]
  n=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); k=struct.unpack_from("<I",d,8)[0]; print(struct.unpack_from("<I",d,12+k)[0])' "$(CACHE)"/*)
  echo "instructions: $n"
  [ "$n" -lt 700 ]
}

@test "cgroup paths are walked from an fd of /sys/fs/cgroup, which the init closes before it goes on" {
  # A walk from "/" passes sysfs's "sys" and "fs", whose lookups wait on
  # the kernfs lock a new network namespace holds while it registers its
  # loopback device (the init makes one while the runtime makes the v1
  # cgroups).
  make_bundle true
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -y -e trace=open,openat,mkdir,mkdirat,rmdir,unlinkat,close,execve \
    -e signal=none -o "$TEST_TMP/trace" \
    "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  strace_join "$TEST_TMP/trace"
  t=$TEST_TMP/trace
  runtime=$(awk 'NR == 1 { print $1 }' "$t")
  # no absolute path below /sys/fs/cgroup/ is walked (the open of
  # /sys/fs/cgroup itself is the only one)
  not grep -E '(open|openat|mkdir|rmdir)\((AT_FDCWD[^,]*, )?"/sys/fs/cgroup/' "$t"
  grep -qE "^$runtime +mkdirat\([0-9]+</sys/fs/cgroup>, \"memory/brig/$(cid)\"" "$t"
  grep -qE "^$runtime +unlinkat\([0-9]+</sys/fs/cgroup>, \"memory/brig/$(cid)\", AT_REMOVEDIR\) = 0" "$t"
  # the init joins through its own fd and closes it before the execve
  init=$(grep -E "openat\([0-9]+</sys/fs/cgroup>, \"memory/brig/$(cid)/tasks\"" "$t" | awk '{print $1}')
  [ -n "$init" ]
  [ "$init" != "$runtime" ]
  grep -n "^$init " "$t" > "$TEST_TMP/init"
  opened=$(grep -E 'open(at)?\((AT_FDCWD[^,]*, )?"/sys/fs/cgroup"' "$TEST_TMP/init" | head -1 | cut -d: -f1)
  joined=$(grep -E 'brig/[^/]*/tasks' "$TEST_TMP/init" | tail -1 | cut -d: -f1)
  closed=$(grep -E 'close\([0-9]+</sys/fs/cgroup>' "$TEST_TMP/init" | head -1 | cut -d: -f1)
  exec=$(grep -E 'execve\(' "$TEST_TMP/init" | head -1 | cut -d: -f1)
  echo "init $init opened $opened joined $joined closed $closed exec $exec"
  [ -n "$opened" ]
  [ -n "$closed" ]
  [ -n "$exec" ]
  [ "$opened" -lt "$joined" ]
  [ "$joined" -lt "$closed" ]
  [ "$closed" -lt "$exec" ]
}

@test "an open is one syscall: no fcntl(FD_CLOEXEC) after it (musl's open and fopen add one)" {
  command -v musl-gcc >/dev/null || skip "musl-gcc missing: brig links glibc"
  if ldd "$BRIG" 2>/dev/null | grep -q libasan; then
    skip "the binary under test is the ASan build"
  fi
  make_bundle true
  strace -f -qq -e trace=open,openat,fcntl -e signal=none -o "$TEST_TMP/trace" \
    "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  strace_join "$TEST_TMP/trace"
  # a "fcntl(FD, F_SETFD, FD_CLOEXEC)" right after the same process opened FD
  awk '/ (open|openat)\(/ && / = [0-9]+$/ { last[$1] = $NF; next }
       /fcntl\([0-9]+, F_SETFD, FD_CLOEXEC\)/ {
         fd = $2; sub(/^fcntl\(/, "", fd); sub(/,$/, "", fd)
         if (last[$1] == fd) { print; bad = 1 } }
       { last[$1] = "" }
       END { exit bad }' "$TEST_TMP/trace"
  [ "$(grep -cE ' (open|openat)\(' "$TEST_TMP/trace")" -gt 20 ]
}

@test "an exited container's cgroups are removed without reading cgroup.procs first" {
  make_bundle true
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -y -e trace=openat,unlinkat,rmdir,wait4 -e signal=none \
    -o "$TEST_TMP/trace" "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  strace_join "$TEST_TMP/trace"
  t=$TEST_TMP/trace
  runtime=$(awk 'NR == 1 { print $1 }' "$t")
  grep -n "^$runtime " "$t" > "$TEST_TMP/rt"
  exited=$(grep -E 'wait4\(.*WIFEXITED' "$TEST_TMP/rt" | tail -1 | cut -d: -f1)
  first_rm=$(grep -E "unlinkat\(.*brig/$(cid)\", AT_REMOVEDIR\) = 0" "$TEST_TMP/rt" | head -1 | cut -d: -f1)
  echo "exited $exited first rmdir $first_rm"
  [ -n "$exited" ]
  [ -n "$first_rm" ]
  [ "$exited" -lt "$first_rm" ]
  not grep -q "cgroup.procs" <<<"$(sed -n "${exited},${first_rm}p" "$TEST_TMP/rt")"
  # all ten (or however many this host has) are gone
  for d in /sys/fs/cgroup/*/brig/"$(cid)"; do [ ! -e "$d" ]; done
}
