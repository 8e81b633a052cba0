#!/usr/bin/env bats
# personality, scheduler, ioPriority, execCPUAffinity, memoryPolicy.

load helpers

bats_require_minimum_version 1.5.0

@test "personality LINUX32 makes uname -m report a 32-bit machine" {
  make_bundle uname -m
  cfg '.linux.personality = {domain: "LINUX32"}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = i686 ]
}

@test "personality flags are ignored with a warning (the spec supports none; runc 1.2): ASLR stays on" {
  make_bundle cat /proc/self/personality
  cfg '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE", "READ_IMPLIES_EXEC"]}'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid)"
  echo "$output $stderr"
  [ "$status" -eq 0 ]
  [ "$output" = 00000000 ]
  [[ "$stderr" == *"linux.personality.flags: ignored: the runtime-spec supports no flag yet"* ]]
}

@test "an unknown personality domain is refused" {
  make_bundle true
  cfg '.linux.personality = {domain: "LINUX16"}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"LINUX16"* ]]
}

@test "scheduler SCHED_BATCH with nice 5" {
  make_bundle sh -c 'grep -E "^(policy|prio) " /proc/self/sched | tr -s " "'
  cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "policy : 3" ]
  [ "${lines[1]}" = "prio : 125" ]
}

@test "scheduler flags: SCHED_FLAG_RESET_ON_FORK gives a forked child nice 0, the process keeps -5" {
  # busybox sh forks the first grep and execs the last
  make_bundle sh -c 'grep ^prio /proc/self/sched; grep ^prio /proc/self/sched'
  cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: -5, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | tr -s " ")" = "prio : 120" ]
  [ "$(echo "${lines[1]}" | tr -s " ")" = "prio : 115" ]
  # without the flag the forked child keeps nice -5
  cfg '.process.scheduler.flags = []'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | tr -s " ")" = "prio : 115" ]
}

@test "an unknown scheduler flag is refused, naming it; nothing left" {
  make_bundle true
  cfg '.process.scheduler = {policy: "SCHED_OTHER", flags: ["SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_BOGUS"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ "$output" = "brig: config.json: .process.scheduler.flags[1]: unknown scheduler flag \"SCHED_FLAG_BOGUS\"" ]
  no_state "$(cid)"
}

@test "scheduler SCHED_RR priority 10, in a cgroup given real-time runtime: policy 2, prio 89" {
  make_bundle sh -c 'grep -E "^(policy|prio) " /proc/self/sched | tr -s " "'
  # a cgroup gets at most its parent's real-time share: a parent of
  # brig's own (/brig) has none, the root has the host's
  cfg ".linux.cgroupsPath = \"/$(cid)\"
    | .linux.resources.cpu = {realtimeRuntime: 10000, realtimePeriod: 1000000}
    | .process.scheduler = {policy: \"SCHED_RR\", priority: 10}"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "policy : 2" ]
  [ "${lines[1]}" = "prio : 89" ]
  [ ! -e "/sys/fs/cgroup/cpu/$(cid)" ]
}

@test "execCPUAffinity takes cpu lists as the kernel writes them: ranges and commas" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  # each final differs from its initial (a final not applied shows the
  # initial) and from the machine's cpus where it can (2 cpus here)
  for c in "0 0-1 0-1" "0 1,0 0-1" "1 0-0 0" "0 1-1,1 1"; do
    set -- $c
    jq --arg i "$1" --arg f "$2" '.process + {args: ["grep", "Cpus_allowed_list", "/proc/self/status"],
        execCPUAffinity: {initial: $i, final: $f}}' \
      "$BUNDLE/config.json" > "$TEST_TMP/p.json"
    run brig exec --process "$TEST_TMP/p.json" "$(cid)"
    echo "initial $1, final $2: $output"
    [ "$status" -eq 0 ]
    [ "$output" = "Cpus_allowed_list:	$3" ]
  done
  jq '.process + {args: ["true"], execCPUAffinity: {final: "1-0"}}' \
    "$BUNDLE/config.json" > "$TEST_TMP/p.json"
  run brig exec --process "$TEST_TMP/p.json" "$(cid)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'invalid range in "1-0"'* ]]
}

@test "ioPriority IOPRIO_CLASS_BE 6 is read back by ionice" {
  make_bundle ionice
  cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = "best-effort: prio 6" ]
}

@test "execCPUAffinity is exec's: initial before the cgroup join, final before the exec; not the init's (runtime-spec)" {
  make_bundle sh -c 'grep Cpus_allowed_list /proc/self/status; sleep 1000'
  cfg '.process.execCPUAffinity = {initial: "0", final: "1"}
    | .linux.resources.cpu.cpus = "1"'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  wait_for 100 grep -q Cpus_allowed_list "$TEST_TMP/out"
  # the init: the cpuset's cpus, no affinity of its own
  [ "$(cat "$TEST_TMP/out")" = "Cpus_allowed_list:	1" ]
  grep -q "^Cpus_allowed_list:	1$" "/proc/$(brig state "$(cid)" | jq -r .pid)/status"
  # exec: "initial" 0 is outside the cpuset, so it must come before the
  # join; "final" 1 is the process's
  jq '.process + {args: ["grep", "Cpus_allowed_list", "/proc/self/status"]}' \
    "$BUNDLE/config.json" > "$TEST_TMP/p.json"
  run brig exec --process "$TEST_TMP/p.json" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "Cpus_allowed_list:	1" ]
  brig delete -f "$(cid)"
  # without a cpuset: the init keeps every cpu, final or not
  make_bundle grep Cpus_allowed_list /proc/self/status
  cfg '.process.execCPUAffinity = {final: "1"}'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  [ "$output" = "Cpus_allowed_list:	$(cat /sys/devices/system/cpu/online)" ]
}

@test "a malformed cpu list is refused naming the field" {
  make_bundle true
  cfg '.process.execCPUAffinity = {initial: "0-x"}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.execCPUAffinity.initial"* ]]
}

@test "memoryPolicy MPOL_BIND nodes 0 with MPOL_F_STATIC_NODES shows in numa_maps" {
  [ -e /proc/self/numa_maps ]
  make_bundle sh -c 'grep -c " bind=static:0 " /proc/self/numa_maps'
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0",
        flags: ["MPOL_F_STATIC_NODES"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" -gt 0 ]
}

@test "a non-root process.user can open its own stdio again (/dev/stdout), for run and exec" {
  make_bundle sh -c 'echo via-dev-stdout > /dev/stdout; id -u'
  cfg '.process.user = {"uid": 1000, "gid": 1000}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'via-dev-stdout\n1000')" ]
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid 2)" </dev/null >/dev/null 2>&1
  run brig exec --user 1000:1000 "$(cid 2)" sh -c 'echo exec-ok > /dev/stdout'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = exec-ok ]
}

@test "a process.cwd the rootfs lacks is made (root's, 0755), in a read-only root and in a mount too, as runc; exec's --cwd is not" {
  make_bundle sh -c 'pwd; stat -c "%u %a" /work/deep /work/deep/er; id -u'
  cfg '.root.readonly = true | .process.cwd = "/work/deep/er" | .process.user = {"uid": 1000, "gid": 1000}'
  run brig run -b "$BUNDLE" "$(cid a)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /work/deep/er ]
  [ "${lines[1]}" = "0 755" ]
  [ "${lines[2]}" = "0 755" ]
  [ "${lines[3]}" = 1000 ]
  [ -d "$BUNDLE/rootfs/work/deep/er" ]
  # inside a tmpfs mount: made there, not in the rootfs under it
  cfg '.process.cwd = "/scratch/made" | .mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs"}]
       | .process.args = ["pwd"]'
  run brig run -b "$BUNDLE" "$(cid b)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = /scratch/made ]
  [ ! -e "$BUNDLE/rootfs/scratch/made" ]
  make_bundle sleep 100
  brig run -d -b "$BUNDLE" "$(cid c)" </dev/null >/dev/null 2>&1
  run brig exec --cwd /not/made "$(cid c)" pwd
  echo "$output"
  [ "$status" -eq 255 ]
  [[ "$output" == *'chdir to cwd ("/not/made")'*"No such file or directory" ]]
  run brig exec "$(cid c)" test -e /not
  [ "$status" -eq 1 ]
}

@test "cwd is entered as root first (a 0700 root directory for a non-root user), as runc; exec --cwd too" {
  make_bundle sh -c 'pwd; id -u'
  mkdir -p "$BUNDLE/rootfs/root"
  chmod 0700 "$BUNDLE/rootfs/root"
  cfg '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/root"'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /root ]
  [ "${lines[1]}" = 1000 ]
  make_bundle sleep 1000
  mkdir -p "$BUNDLE/rootfs/root"
  chmod 0700 "$BUNDLE/rootfs/root"
  brig run -d -b "$BUNDLE" "$(cid 2)" </dev/null >/dev/null 2>&1
  run brig exec -u 1000:1000 --cwd /root "$(cid 2)" pwd
  [ "$status" -eq 0 ]
  [ "$output" = /root ]
  brig delete -f "$(cid 2)"
}

@test "a name given twice in process.env is passed once, at its first place, with its last value; PATH is looked up in it (runc)" {
  make_bundle sh -c 'env | grep -c "^PATH="; env | grep -E "^(A|PATH)=" | sort; echo "$A"'
  cfg '.process.env = ["PATH=/nope", "A=1", "PATH=/bin:/usr/bin", "A=2"]'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = "A=2" ]
  [ "${lines[2]}" = "PATH=/bin:/usr/bin" ]
  [ "${lines[3]}" = 2 ]
}
