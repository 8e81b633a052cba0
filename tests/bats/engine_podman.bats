#!/usr/bin/env bats
# podman (Debian's 4.3) with conmon (2.1) drives brig: `podman --runtime`
# with a rootfs directory (no image, no registry), the cgroupfs manager, no
# network, the file events logger, and storage, tmp dir and config under a
# temp dir (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF).  The runtime is a
# two-line wrapper that records each call and execs build/brig, so every
# test proves brig (not Debian's runc or crun) ran its container.  podman
# never passes --root: brig keeps the state in its default root; the
# cleanup (tests/engines/cleanup) deletes exactly the ids the wrapper saw.
# Run under tools/subreaper (tools/run-tests and make test-engines do):
# conmon double-forks and PID 1 here does not reap it.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
  command -v podman >/dev/null && command -v conmon >/dev/null ||
    skip "podman or conmon not installed (make deps)"
  E_TMP=$(mktemp -d /tmp/brig-pod.XXXXXX)
  NS=brig-pod-${E_TMP##*.}
  export E_TMP NS
  mkdir -p "$E_TMP/bin" "$E_TMP/crun"
  printf '#!/bin/sh\necho "$*" >> %s/calls\nexec %s "$@"\n' "$E_TMP" "$BRIG" > "$E_TMP/bin/brig"
  chmod +x "$E_TMP/bin/brig"
  # podman adds --log/--log-format only for runtimes named runc or crun
  ln -s "$E_TMP/bin/brig" "$E_TMP/crun/crun"
  "$TOP/tools/mkbundle" "$E_TMP/img" >/dev/null
  cat > "$E_TMP/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
init_path = "/usr/bin/catatonit"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$E_TMP/events.log"
tmp_dir = "$E_TMP/tmp"
volume_path = "$E_TMP/volumes"
lock_type = "file"
runtime = "brig"
[engine.runtimes]
brig = ["$E_TMP/bin/brig"]
crun = ["$E_TMP/crun/crun"]
[network]
network_config_dir = "$E_TMP/net"
CONF
  cat > "$E_TMP/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$E_TMP/storage"
runroot = "$E_TMP/runroot"
CONF
  : > "$E_TMP/registries.conf"
}

teardown_file() {
  [ -n "$E_TMP" ] || return 0
  "$TOP/tests/engines/cleanup" "$E_TMP" "$NS"
  [ ! -e "$E_TMP" ]
}

setup() {
  [ -n "$BRIG_SUBREAPER" ] || skip "run under tools/subreaper (conmon is not reaped here otherwise)"
}
teardown() {
  p rm -af -t 0 >/dev/null 2>&1 || true
}

p() {
  CONTAINERS_CONF=$E_TMP/containers.conf CONTAINERS_STORAGE_CONF=$E_TMP/storage.conf \
    CONTAINERS_REGISTRIES_CONF=$E_TMP/registries.conf podman "$@"
}
# prun NAME [--FLAG=VALUE...] CMD...: podman run on the busybox rootfs
prun() {
  local name=$1 flags=()
  shift
  while [[ $1 == -* ]]; do flags+=("$1"); shift; done
  p run --cgroup-parent "/$NS" --name "$name" "${flags[@]}" --rootfs "$E_TMP/img/rootfs" "$@"
}
full_id() { p inspect --format '{{.Id}}' "$1"; }
# brig_ran NAME: brig created and started that container
brig_ran() {
  local id
  id=$(full_id "$1")
  grep -qE "(^| )create --bundle .* $id\$" "$E_TMP/calls" && grep -qE "(^| )start $id\$" "$E_TMP/calls"
}
bstate() { "$BRIG" state "$(full_id "$1")"; }
memcg() { echo "/sys/fs/cgroup/memory/$NS/libpod-$(full_id "$1")"; }

@test "podman: output and exit code" {
  run prun out1 sh -c 'echo hello from brig; exit 3' < /dev/null
  [ "$status" -eq 3 ]
  [ "$output" = "hello from brig" ]
  brig_ran out1
}

@test "podman: exec and exec -t" {
  prun ex1 -d sleep 100 > /dev/null
  [ "$(bstate ex1 | jq -r .status)" = running ]
  run p exec ex1 sh -c 'echo beside $(cat /proc/1/cmdline | tr "\\0" " "); exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "beside sleep 100" ]
  run script -qec "CONTAINERS_CONF=$E_TMP/containers.conf CONTAINERS_STORAGE_CONF=$E_TMP/storage.conf podman exec -t ex1 sh -c '[ -t 0 ] && tty'" /dev/null < /dev/null
  [ "$status" -eq 0 ]
  [[ $output == *"/dev/pts/"* ]]
  grep -qE "^exec .*--console-socket .*$(full_id ex1)\$" "$E_TMP/calls" ||
    grep -qE "^exec .*--tty .*$(full_id ex1)\$" "$E_TMP/calls"
  run -127 p exec ex1 /no/such/binary
  run -126 p exec ex1 /etc/passwd
  brig_ran ex1
}

@test "podman: stop and kill" {
  prun st1 -d sh -c 'trap "exit 9" TERM; sleep 100 & wait' > /dev/null
  p stop -t 5 st1
  [ "$(p inspect --format '{{.State.ExitCode}}' st1)" = 9 ]
  prun kl1 -d sleep 100 > /dev/null
  p kill -s KILL kl1
  p wait kl1
  [ "$(p inspect --format '{{.State.ExitCode}}' kl1)" = 137 ]
  grep -qE "^kill $(full_id kl1) 9\$" "$E_TMP/calls"
  brig_ran st1
  brig_ran kl1
}

@test "podman: --memory, --pids-limit and update --memory" {
  prun res1 -d --memory=64m --pids-limit=50 sleep 100 > /dev/null
  [ "$(cat "$(memcg res1)/memory.limit_in_bytes")" = $((64 << 20)) ]
  [ "$(cat /sys/fs/cgroup/pids/$NS/libpod-$(full_id res1)/pids.max)" = 50 ]
  p update --memory 128m res1
  [ "$(cat "$(memcg res1)/memory.limit_in_bytes")" = $((128 << 20)) ]
  grep -qE "^update --resources[= ].* $(full_id res1)\$" "$E_TMP/calls"
  brig_ran res1
}

@test "podman: --cap-drop, --read-only, --user, --tmpfs" {
  run prun cap1 --cap-drop=CHOWN sh -c 'chown 1000 /tmp 2>/dev/null && echo chowned || echo refused' < /dev/null
  [ "$output" = refused ]
  run prun ro1 --read-only sh -c 'touch /x 2>/dev/null || echo ro' < /dev/null
  [ "$output" = ro ]
  run prun usr1 --user=1000:1000 id -u < /dev/null
  [ "$output" = 1000 ]
  run prun tf1 --tmpfs=/scratch:size=1m sh -c 'grep " /scratch " /proc/mounts' < /dev/null
  [[ $output == *"tmpfs /scratch tmpfs"* ]]
  for n in cap1 ro1 usr1 tf1; do brig_ran "$n"; done
}

@test "podman: pause and unpause" {
  prun pa1 -d sleep 100 > /dev/null
  p pause pa1
  [ "$(bstate pa1 | jq -r .status)" = paused ]
  [ "$(p inspect --format '{{.State.Status}}' pa1)" = paused ]
  p unpause pa1
  [ "$(bstate pa1 | jq -r .status)" = running ]
  brig_ran pa1
}

@test "podman: top" {
  prun top1 -d sleep 100 > /dev/null
  run p top top1
  [ "$status" -eq 0 ]
  [[ $output == *"sleep 100"* ]]
  brig_ran top1
}

@test "podman: restart re-creates the same id" {
  prun rs1 -d sleep 100 > /dev/null
  pid1=$(bstate rs1 | jq .pid)
  p restart -t 0 rs1
  pid2=$(bstate rs1 | jq .pid)
  [ "$pid1" != "$pid2" ]
  [ "$(grep -cE "^create --bundle .* $(full_id rs1)\$" "$E_TMP/calls")" -eq 2 ]
  brig_ran rs1
}

@test "podman: --init (catatonit as PID 1)" {
  run prun in1 --init sh -c 'cat /proc/1/comm; echo $$' < /dev/null
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'podman-init\n2')" ]
  brig_ran in1
}

@test "podman: the default seccomp profile applies" {
  prun sc1 -d sleep 100 > /dev/null
  run p exec sc1 grep Seccomp: /proc/1/status
  [[ $output == *"Seccomp:"*2 ]]
  bundle=$(p inspect --format '{{.StaticDir}}' sc1)
  [ "$(jq -r .linux.seccomp.defaultAction "$bundle/config.json")" = SCMP_ACT_ERRNO ]
  [ "$(jq '.linux.seccomp.syscalls | length' "$bundle/config.json")" -gt 10 ]
  brig_ran sc1
}

@test "podman: the runtime named crun gets --log and --log-format json" {
  run p --runtime crun run --cgroup-parent "/$NS" --name cr1 --rootfs "$E_TMP/img/rootfs" sh -c 'echo via-crun-name' < /dev/null
  [ "$status" -eq 0 ]
  [ "$output" = via-crun-name ]
  id=$(full_id cr1)
  grep -qE "^--log-format=json --log $E_TMP/runroot/.*/oci-log create .* $id\$" "$E_TMP/calls"
  brig_ran cr1
}

@test "podman: a brig error reaches podman's stderr" {
  run -127 prun err1 /no/such/binary < /dev/null
  [[ $output == *"no/such/binary"* ]]
}

@test "podman: nothing of brig's is left after the containers" {
  p rm -af -t 0 >/dev/null
  for id in $(awk '/create / {print $NF}' "$E_TMP/calls" | sort -u); do
    no_state "$id" /run/brig
  done
  [ -z "$(find /sys/fs/cgroup/memory/"$NS" -mindepth 1 -name 'libpod-*' -type d 2>/dev/null)" ]
}
