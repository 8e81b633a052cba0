#!/usr/bin/env bats
# linux.seccomp: actions, errnoRet, defaultErrnoRet, argument filters,
# unknown names, flags and the notify listener, seen from inside.

load helpers

bats_require_minimum_version 1.5.0

LISTENER=$TOP/build/seccomp-listener

deny_mkdir() { # deny_mkdir [ERRNO]: default allow, mkdir/mkdirat -> errno
  cfg ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
        syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"
                    ${1:+, errnoRet: $1}}]}"
}

@test "a profile denying mkdir makes mkdir fail with EPERM; Seccomp is 2" {
  make_bundle sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d'
  deny_mkdir
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = "Seccomp:	2" ]
  [[ "${lines[1]}" == *"Operation not permitted"* ]]
}

@test "errnoRet chooses the errno" {
  make_bundle mkdir /tmp/d
  deny_mkdir 30
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Read-only file system"* ]]
}

@test "defaultErrnoRet applies to syscalls the profile does not allow" {
  make_bundle mkdir /tmp/d
  # Allow every x86_64 syscall but mkdir/mkdirat; the default is EROFS.
  names=$(awk '/^#define __NR_/ {sub("__NR_", "", $2); print $2}' \
    /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
    grep -vx -e mkdir -e mkdirat | jq -R . | jq -s -c .)
  [ "$(echo "$names" | jq length)" -gt 300 ]
  cfg ".linux.seccomp = {defaultAction: \"SCMP_ACT_ERRNO\", defaultErrnoRet: 30,
        architectures: [\"SCMP_ARCH_X86_64\"],
        syscalls: [{names: $names, action: \"SCMP_ACT_ALLOW\"}]}"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"mkdir: can't create directory '/tmp/d': Read-only file system"* ]]
}

@test "an argument filter denies personality(PER_LINUX32) only" {
  make_bundle sh -c 'linux64 true && echo linux64-ok; linux32 true'
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["personality"], action: "SCMP_ACT_ERRNO",
                    args: [{index: 0, value: 8, op: "SCMP_CMP_EQ"}]}]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = linux64-ok ]
  [[ "${lines[1]}" == *"Operation not permitted"* ]]
}

@test "a syscall name libseccomp does not know is skipped" {
  make_bundle sh -c 'mkdir /tmp/d'
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["no_such_syscall_brig", "mkdir", "mkdirat"],
                    action: "SCMP_ACT_ERRNO"}]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" != *no_such_syscall_brig* ]]
}

@test "SCMP_ACT_KILL_PROCESS kills the process with SIGSYS" {
  make_bundle mkdir /tmp/d
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_KILL_PROCESS"}]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq $((128 + 31)) ]
}

@test "a profile denying execve and exit_group: the process dies at once (no spinning init), run and start end" {
  make_bundle true
  # (defaultAction ERRNO for all would do as well in build/brig; a
  # sanitizer's runtime then spins on its own failed exits)
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names:
        ["execve", "execveat", "exit", "exit_group"], action: "SCMP_ACT_ERRNO"}]}'
  id=$(cid a)
  # the init's execve and every exit fail: it dies of a fault (SIGILL, or
  # SIGSEGV from glibc's _exit); it spun for ever before
  # (into a file: a spinning init would hold a pipe open)
  status=0
  timeout -k 5 60 "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$id" \
    > "$TEST_TMP/run.out" 2>&1 || status=$?
  # a spinning init has every signal blocked: only SIGKILL ends it
  [ "$status" -lt 124 ] || brig delete -f "$id" || true
  [ "$status" -eq $((128 + 4)) ] || [ "$status" -eq $((128 + 11)) ]
  grep -q "exec /bin/true: Operation not permitted" "$TEST_TMP/run.out"
  no_state "$id"
  [ ! -e /sys/fs/cgroup/pids/brig/"$id" ]
  id=$(cid b)
  brig create -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  pid=$(brig state "$id" | jq -r .pid)
  timeout -k 5 60 "$BRIG" --root "$BRIG_ROOT" start "$id"
  wait_for 100 sh -c "! kill -0 $pid 2>/dev/null" || { brig delete -f "$id"; false; }
  [ "$(brig state "$id" | jq -r .status)" = stopped ]
  brig delete "$id"
  no_state "$id"
  [ ! -e /sys/fs/cgroup/pids/brig/"$id" ]
}

@test "with noNewPrivileges the filter is loaded before create returns (runc): the created init has it, startContainer hooks run under it" {
  # (the root is read-only: the hook writes to the container's /tmp)
  make_bundle cat /tmp/hook.out
  deny_mkdir
  printf '#!/bin/sh\nmkdir /tmp/by-hook 2>/dev/null && echo made > /tmp/hook.out || echo denied > /tmp/hook.out\n' \
    > "$BUNDLE/rootfs/hook.sh"
  chmod +x "$BUNDLE/rootfs/hook.sh"
  cfg '.process.noNewPrivileges = true
       | .hooks.startContainer = [{"path": "/hook.sh", "args": ["hook.sh"]}]'
  brig create -b "$BUNDLE" "$(cid)" >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; false; }
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep "^Seccomp:" /proc/$pid/status
  [ "$(awk '/^Seccomp:/ {print $2}' /proc/$pid/status)" = 2 ]
  [ "$(awk '/^NoNewPrivs:/ {print $2}' /proc/$pid/status)" = 1 ]
  brig start "$(cid)"
  wait_for 100 sh -c "[ \"\$('$BRIG' --root '$BRIG_ROOT' state '$(cid)' | jq -r .status)\" = stopped ]"
  cat "$TEST_TMP/out"
  [ "$(cat "$TEST_TMP/out")" = denied ]
}

@test "a profile denying the socket calls (no networking) runs: run, create+start and exec (runc loads its filter after its last sync)" {
  make_bundle sh -c 'grep "^Seccomp:" /proc/self/status; echo alive; sleep 100'
  printf '\001\002not a program' >"$BUNDLE/rootfs/badexe"
  chmod +x "$BUNDLE/rootfs/badexe"
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["sendto", "sendmsg", "recvfrom", "recvmsg",
                            "socket", "socketpair", "connect"],
                    action: "SCMP_ACT_ERRNO"}]}
       | .process.args[2] = "grep \"^Seccomp:\" /proc/self/status; echo alive"'
  run brig run -b "$BUNDLE" "$(cid 1)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Seccomp:\t2\nalive')" ]
  cfg '.process.args[2] = "sleep 100"'
  brig create -b "$BUNDLE" "$(cid 2)" >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; false; }
  brig start "$(cid 2)"
  [ "$(brig state "$(cid 2)" | jq -r .status)" = running ]
  pid=$(brig state "$(cid 2)" | jq -r .pid)
  [ "$(awk '/^Seccomp:/ {print $2}' /proc/$pid/status)" = 2 ]
  run brig exec "$(cid 2)" sh -c 'grep "^Seccomp:" /proc/self/status; echo exec-alive'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Seccomp:\t2\nexec-alive')" ]
  # an execve failing under the filter is reported through brig exec
  run brig exec "$(cid 2)" /badexe
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: exec /badexe: Exec format error" ]
  brig delete -f "$(cid 2)"
}

@test "the filter loads with noNewPrivileges false (before capabilities go)" {
  make_bundle sh -c 'grep "^NoNewPrivs:" /proc/self/status; mkdir /tmp/d'
  deny_mkdir
  cfg '.process.noNewPrivileges = false'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ "${lines[0]}" = "NoNewPrivs:	0" ]
  [[ "${lines[1]}" == *"Operation not permitted"* ]]
}

@test "flags LOG, SPEC_ALLOW, TSYNC are accepted" {
  make_bundle sh -c 'mkdir /tmp/d'
  deny_mkdir
  cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: clear error, nothing left behind" {
  make_bundle true
  deny_mkdir
  cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported by libseccomp 2.5.4"* ]]
  root_clean
}

@test "startContainer hooks under a profile that denies pidfd_open and memfd_create: state on stdin, timeout kept" {
  make_bundle sh -c 'cat /tmp/hook.state'
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["pidfd_open", "memfd_create"], action: "SCMP_ACT_ERRNO"}]} |
       .process.noNewPrivileges = true |
       .hooks = {"startContainer": [{"path": "/bin/sh", "timeout": 10, "args": ["sh", "-c", "cat > /tmp/hook.state; echo from-hook"]}]}'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid)"
  echo "$output $stderr"
  [ "$status" -eq 0 ]
  [ "$(jq -r .id <<<"$output")" = "$(cid)" ]
  # the timeout still ends a hook that does not exit
  cfg '.hooks = {"startContainer": [{"path": "/bin/sleep", "timeout": 1, "args": ["sleep", "30"]}]}'
  SECONDS=0
  run brig run -b "$BUNDLE" "$(cid 2)"
  echo "$output"
  [ "$status" -eq 1 ]
  [ "$SECONDS" -lt 10 ]
  [[ "$output" == *"startContainer hook #0 (/bin/sleep): timed out after 1s"* ]]
}

@test "startContainer hooks without memfd_create: a state larger than a pipe may hold (pipe-max-size) is refused in one line, nothing left" {
  make_bundle true
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["memfd_create"], action: "SCMP_ACT_ERRNO"}]} |
       .process.noNewPrivileges = true |
       .hooks = {"startContainer": [{"path": "/bin/true"}]}'
  max=$(cat /proc/sys/fs/pipe-max-size)
  head -c $((max + 4096)) /dev/zero | tr '\0' a >"$TEST_TMP/big"
  cfg --rawfile big "$TEST_TMP/big" '.annotations = {"big": $big}'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid)"
  echo "$output $stderr"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"startContainer hook #0 (/bin/true): a pipe of "*" bytes for the hook's state: Operation not permitted"* ]]
  no_state "$(cid)"
}

start_listener() { # start_listener MODE
  [ -x "$LISTENER" ]
  SOCK=$TEST_TMP/listener.sock
  "$LISTENER" "$SOCK" "$TEST_TMP/state.json" "$1" 3>&- &
  LISTENER_PID=$!
  wait_for 50 test -S "$SOCK"
  cfg ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
        listenerPath: \"$SOCK\", listenerMetadata: \"bats-meta\",
        syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
}

stop_listener() {
  kill "$LISTENER_PID" 2>/dev/null || true
  wait "$LISTENER_PID" 2>/dev/null || true
}

@test "notify: the listener gets the fd and the state, and answers mkdir" {
  make_bundle sh -c 'mkdir /tmp/d && echo mkdir-ok; test -d /tmp/d || echo not-made'
  start_listener success
  run brig run -b "$BUNDLE" "$(cid)"
  stop_listener
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = mkdir-ok ]
  [ "${lines[1]}" = not-made ]
  run jq -r '[.ociVersion, (.fds | join(",")), .metadata, .state.id,
              .state.status, (.pid == .state.pid | tostring)] | join(" ")' \
    "$TEST_TMP/state.json"
  [ "$output" = "1.3.0 seccompFd bats-meta $(cid) creating true" ]
}

@test "notify: without listenerMetadata the state sent has no metadata key (runc's omitempty)" {
  make_bundle mkdir /tmp/d
  start_listener success
  cfg 'del(.linux.seccomp.listenerMetadata)'
  run brig run -b "$BUNDLE" "$(cid)"
  stop_listener
  [ "$status" -eq 0 ]
  run jq -r '[has("metadata"), .state.id] | map(tostring) | join(" ")' "$TEST_TMP/state.json"
  [ "$output" = "false $(cid)" ]
}

@test "notify: the init closes its copy of the listener fd once handed over (runc): with the agent gone, a notified syscall fails, never hangs" {
  make_bundle sh -c 'mkdir /tmp/d; echo "rc=$?"'
  start_listener close
  cfg '.hooks = {"startContainer": [{"path": "/bin/sh", "timeout": 5, "args": ["sh", "-c", "mkdir /tmp/h; true"]}]}'
  run timeout 30 "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  stop_listener
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Function not implemented"* ]]
  [[ "$output" == *"rc=1"* ]]
}

@test "notify: the listener's errno reaches the process (noNewPrivileges true)" {
  make_bundle mkdir /tmp/d
  cfg '.process.noNewPrivileges = true'
  start_listener errno:28
  cfg '.process.noNewPrivileges = true'
  run brig run -b "$BUNDLE" "$(cid)"
  stop_listener
  [ "$status" -ne 0 ]
  [[ "$output" == *"No space left on device"* ]]
}

@test "notify: exec hands its fd to brig, which sends it to the listener from the host with the process's host pid (runc)" {
  make_bundle sleep 1000
  start_listener success
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  # the first listener serves the init; a second one at the same path
  # takes exec's
  wait_for 50 test -s "$TEST_TMP/state.json"
  ino=$(stat -c %i "$SOCK")
  "$LISTENER" "$SOCK" "$TEST_TMP/state2.json" success 3>&- &
  L2=$!
  wait_for 50 eval '[ "$(stat -c %i "$SOCK" 2>/dev/null)" != "$ino" ]'
  run brig exec --pid-file "$TEST_TMP/exec.pid" "$(cid)" sh -c 'mkdir /tmp/e && echo mkdir-ok; test -d /tmp/e || echo not-made'
  echo "$output"
  kill "$L2" 2>/dev/null || true
  wait "$L2" 2>/dev/null || true
  stop_listener
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = mkdir-ok ]
  [ "${lines[1]}" = not-made ]
  run jq -r '[.metadata, .state.id, .state.status, (.pid | tostring)] | join(" ")' "$TEST_TMP/state2.json"
  [ "$output" = "bats-meta $(cid) running $(cat "$TEST_TMP/exec.pid")" ]
  brig delete -f "$(cid)"
}

@test "notify: socket, connect and sendmsg may be notified (brig takes the fd with pidfd_getfd), for the init and exec; write may not" {
  make_bundle sh -c 'mkdir /tmp/d && echo mkdir-ok; exec sleep 1000'
  start_listener success
  cfg '.linux.seccomp.syscalls[0].names += ["socket", "connect", "sendmsg"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  wait_for 50 test -s "$TEST_TMP/state.json"
  ino=$(stat -c %i "$SOCK")
  "$LISTENER" "$SOCK" "$TEST_TMP/state2.json" success 3>&- &
  L2=$!
  wait_for 50 eval '[ "$(stat -c %i "$SOCK" 2>/dev/null)" != "$ino" ]'
  run brig exec "$(cid)" sh -c 'mkdir /tmp/e && echo exec-mkdir-ok; test -d /tmp/e || echo not-made'
  echo "$output"
  kill "$L2" 2>/dev/null || true
  wait "$L2" 2>/dev/null || true
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'exec-mkdir-ok\nnot-made')" ]
  [ "$(jq -r .state.id "$TEST_TMP/state2.json")" = "$(cid)" ]
  brig delete -f "$(cid)"
  stop_listener
  [ "$(jq -r .state.id "$TEST_TMP/state.json")" = "$(cid)" ]
  # write: the one syscall the init needs to tell brig the fd's number
  cfg '.linux.seccomp.syscalls[0].names += ["write"]'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -ne 0 ]
  [ "$output" = "brig: config.json: .linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for \"write\" (brig needs it to hand over the fd)" ]
  root_clean
}

@test "notify without a listener at listenerPath fails create" {
  make_bundle true
  cfg ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
        listenerPath: \"$TEST_TMP/nobody.sock\",
        syscalls: [{names: [\"mkdir\"], action: \"SCMP_ACT_NOTIFY\"}]}"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"seccomp listener: connect \"$TEST_TMP/nobody.sock\": No such file or directory"* ]]
}
