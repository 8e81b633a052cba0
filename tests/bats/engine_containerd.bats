#!/usr/bin/env bats
# containerd (Debian's 1.6) drives brig through containerd-shim-runc-v2,
# the shim Kubernetes reaches through CRI: `ctr run --runc-binary`.  One
# containerd per file, with its own root, state, socket and config under a
# temp dir; a busybox OCI image built here (tools/mkimage) and imported.
# The runc binary is a two-line wrapper that records each call and execs
# build/brig, so every test proves brig (not Debian's runc) ran its container.
# teardown_file (tests/engines/cleanup) removes daemons, shims, mounts,
# cgroups and state even when a test or setup failed.

load helpers

IMAGE=docker.io/library/busybox:latest

setup_file() {
  command -v containerd >/dev/null || skip "containerd not installed (make deps)"
  E_TMP=$(mktemp -d /tmp/brig-ctd.XXXXXX)
  NS=brig-ctd-${E_TMP##*.}
  export E_TMP NS
  [ -e /run/containerd ] || touch "$E_TMP/.run-containerd-new"
  mkdir -p "$E_TMP/bin" "$E_TMP/runc-root" "$E_TMP/fifo"
  printf '#!/bin/sh\necho "$*" >> %s/calls\nexec %s "$@"\n' "$E_TMP" "$BRIG" > "$E_TMP/bin/brig"
  chmod +x "$E_TMP/bin/brig"
  cat > "$E_TMP/config.toml" <<TOML
version = 2
root = "$E_TMP/root"
state = "$E_TMP/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$E_TMP/containerd.sock"
TOML
  containerd --config "$E_TMP/config.toml" > "$E_TMP/containerd.log" 2>&1 &
  echo $! > "$E_TMP/containerd.pid"
  wait_for 100 ctr -a "$E_TMP/containerd.sock" version >/dev/null 2>&1
  "$TOP/tools/mkbundle" "$E_TMP/image" >/dev/null
  "$TOP/tools/mkimage" "$E_TMP/image/rootfs" "$E_TMP/busybox.tar" "$IMAGE"
  ctr -a "$E_TMP/containerd.sock" -n "$NS" image import "$E_TMP/busybox.tar" >/dev/null
}

teardown_file() {
  [ -n "$E_TMP" ] || return 0
  "$TOP/tools/../tests/engines/cleanup" "$E_TMP" "$NS"
  [ ! -e "$E_TMP" ]
}

setup() { :; }
# A failed test leaves nothing for the next: delete every task and container.
teardown() {
  local id
  for id in $(c task ls -q 2>/dev/null); do c task delete -f "$id" >/dev/null 2>&1 || true; done
  for id in $(c container ls -q 2>/dev/null); do c container rm "$id" >/dev/null 2>&1 || true; done
}

c() { ctr -a "$E_TMP/containerd.sock" -n "$NS" "$@"; }
RUNC_FLAGS=()
run_flags() {
  RUNC_FLAGS=(--runc-binary "$E_TMP/bin/brig" --runc-root "$E_TMP/runc-root" --fifo-dir "$E_TMP/fifo")
}
# crun ARGS... = ctr run with brig as the runc binary (ARGS: flags, image, id, cmd)
crun() { run_flags; c run "${RUNC_FLAGS[@]}" "$@"; }
# under a terminal: script gives ctr the tty it wants
tty_do() { script -qec "$*" /dev/null < /dev/null; }
bstate() { "$BRIG" --root "$E_TMP/runc-root/$NS" state "$1"; }
# brig_ran ID: the shim called brig to create and delete ID
brig_ran() {
  grep -qE "^--root $E_TMP/runc-root/$NS --log .*/log.json --log-format json create .* $1\$" "$E_TMP/calls" &&
    grep -qE " delete (--force )?$1\$" "$E_TMP/calls"
}
gone() {
  c task delete -f "$1" >/dev/null 2>&1 || true
  c container rm "$1" >/dev/null 2>&1 || true
  no_state "$1" "$E_TMP/runc-root/$NS"
}

@test "containerd: output and exit code" {
  run crun --rm "$IMAGE" out1 sh -c 'echo hello from brig; exit 3' < /dev/null
  [ "$status" -eq 3 ]
  [ "$output" = "hello from brig" ]
  brig_ran out1
}

@test "containerd: stdin reaches the process" {
  pipe_in() { echo piped-in | crun --rm "$IMAGE" in1 sh -c 'read l; echo got $l'; }
  run pipe_in
  [ "$status" -eq 0 ]
  [ "$output" = "got piped-in" ]
  brig_ran in1
}

@test "containerd: -t terminal" {
  run_flags
  run tty_do ctr -a "$E_TMP/containerd.sock" -n "$NS" run --rm -t "${RUNC_FLAGS[*]}" "$IMAGE" tty1 \
    sh -c "'[ -t 0 ] && [ -t 1 ] && tty; exit 4'"
  [ "$status" -eq 4 ]
  [[ $output == *"/dev/pts/0"* ]]
  brig_ran tty1
}

@test "containerd: env and cwd" {
  run crun --rm --env FOO=bar --cwd /tmp "$IMAGE" env1 sh -c 'echo $FOO $(pwd)' < /dev/null
  [ "$status" -eq 0 ]
  [ "$output" = "bar /tmp" ]
  brig_ran env1
}

@test "containerd: exec, plain and -t, in a running task" {
  crun -d "$IMAGE" ex1 sleep 100 < /dev/null
  [ "$(bstate ex1 | jq -r .status)" = running ]
  run c task exec --exec-id e1 ex1 sh -c 'echo beside $(cat /proc/1/cmdline | tr "\\0" " "); exit 5' < /dev/null
  echo "$output"
  [ "$status" -eq 5 ]
  [ "$output" = "beside sleep 100" ]
  run tty_do ctr -a "$E_TMP/containerd.sock" -n "$NS" task exec -t --exec-id e2 ex1 sh -c "'tty; exit 6'"
  [ "$status" -eq 6 ]
  [[ $output == *"/dev/pts/"* ]]
  grep -qE " exec --process .* --detach --pid-file .* ex1\$" "$E_TMP/calls"
  grep -qE " exec --process .* --detach --console-socket .* ex1\$" "$E_TMP/calls" ||
    grep -qE " exec .*--console-socket .* ex1\$" "$E_TMP/calls"
  c task kill -s 9 ex1
  gone ex1
  brig_ran ex1
}

@test "containerd: kill and kill --all" {
  crun -d "$IMAGE" k1 sh -c 'sleep 100 & sleep 101 & wait' < /dev/null
  pid=$(bstate k1 | jq .pid)
  [ "$(c task ls | awk '$1=="k1"{print $2}')" = "$pid" ]
  run c task exec --exec-id p k1 sh -c 'ps -o comm | grep -c "^sleep$"' < /dev/null
  [ "$output" = 2 ]
  c task kill -a -s 9 k1
  wait_for 50 sh -c "ctr -a $E_TMP/containerd.sock -n $NS task ls | grep -q 'k1.*STOPPED'"
  grep -qE " kill --all k1 9\$" "$E_TMP/calls"
  [ -z "$(cat /sys/fs/cgroup/pids/$NS/k1/cgroup.procs 2>/dev/null)" ]
  gone k1
  crun -d "$IMAGE" k2 sh -c 'trap "exit 0" TERM; sleep 100 & wait' < /dev/null
  c task kill k2
  wait_for 50 sh -c "ctr -a $E_TMP/containerd.sock -n $NS task ls | grep -q 'k2.*STOPPED'"
  grep -qE " kill k2 15\$" "$E_TMP/calls"
  gone k2
  brig_ran k1
  brig_ran k2
}

@test "containerd: pause and resume" {
  crun -d "$IMAGE" pr1 sleep 100 < /dev/null
  c task pause pr1
  [ "$(bstate pr1 | jq -r .status)" = paused ]
  c task ls | grep -q 'pr1.*PAUSED'
  c task resume pr1
  [ "$(bstate pr1 | jq -r .status)" = running ]
  c task ls | grep -q 'pr1.*RUNNING'
  c task kill -s 9 pr1
  gone pr1
  brig_ran pr1
}

@test "containerd: task metrics, --memory-limit and task ps" {
  crun -d --memory-limit 33554432 "$IMAGE" m1 sleep 100 < /dev/null
  [ "$(cat /sys/fs/cgroup/memory/$NS/m1/memory.limit_in_bytes)" = 33554432 ]
  run c task metrics m1
  [ "$status" -eq 0 ]
  [[ $output == *"memory.limit_in_bytes"*33554432* ]]
  [[ $output == *"pids.current"* ]]
  pid=$(bstate m1 | jq .pid)
  run c task ps m1
  [ "$status" -eq 0 ]
  [[ $output == *"$pid"* ]]
  grep -qE " ps --format json m1\$" "$E_TMP/calls"
  c task kill -s 9 m1
  gone m1
  brig_ran m1
}

@test "containerd: read-only rootfs" {
  run crun --rm --read-only "$IMAGE" ro1 sh -c 'touch /x || echo refused; touch /tmp/y || echo tmp-refused' < /dev/null
  [ "$status" -eq 0 ]
  [[ $output == *"Read-only file system"* ]]
  [[ $output == *"refused"* ]]
  brig_ran ro1
}

@test "containerd: task delete --force of a running task cleans up" {
  crun -d "$IMAGE" f1 sleep 100 < /dev/null
  pid=$(bstate f1 | jq .pid)
  c task delete -f f1
  not kill -0 "$pid" 2>/dev/null
  no_state "f1" "$E_TMP/runc-root/$NS"
  [ ! -e "/sys/fs/cgroup/memory/$NS/f1" ]
  not grep -qx f1 <<<"$(c task ls -q)"
  c container rm f1
  brig_ran f1
}

@test "containerd: a process that exits at once" {
  crun -d "$IMAGE" q1 true < /dev/null
  wait_for 50 sh -c "ctr -a $E_TMP/containerd.sock -n $NS task ls | grep -q 'q1.*STOPPED'"
  [ "$(bstate q1 | jq -r .status)" = stopped ]
  run crun --rm "$IMAGE" q2 true < /dev/null
  [ "$status" -eq 0 ]
  gone q1
  brig_ran q1
  brig_ran q2
}

@test "containerd: an error from brig reaches ctr (log.json)" {
  run crun --rm "$IMAGE" err1 /no/such/binary < /dev/null
  [ "$status" -ne 0 ]
  [[ $output == *"/no/such/binary"* ]]
  gone err1
  grep -qE " create .* err1\$" "$E_TMP/calls"
}

@test "containerd: nothing of brig's is left after the tasks" {
  run ls "$E_TMP/runc-root/$NS"
  [ -z "$output" ]
  [ -z "$(find /sys/fs/cgroup/*/"$NS" -mindepth 1 -type d 2>/dev/null)" ]
  [ -z "$(c task ls -q)" ]
}
