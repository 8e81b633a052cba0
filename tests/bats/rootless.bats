#!/usr/bin/env bats
# Rootless: brig run by an unprivileged user (brig-rl-<pid>, made for this
# run, with subordinate ids in /etc/subuid and /etc/subgid, removed at the
# end even on failure): user namespace, no cgroup, state under
# $XDG_RUNTIME_DIR, and errors that name what needs privilege.

load helpers

bats_require_minimum_version 1.5.0

# The user is this run's own (the pid of the bats process running the file:
# runs from other checkouts at the same time each have theirs), within
# useradd's 32 characters.  setup_file exports it to the tests.
RL_SUB=600000

# Remove the test user and its subordinate ranges (exact lines only); fail
# (bats reports it) if the user is still there.
remove_user() {
  [ -n "${RL_USER:-}" ] || return 0
  if getent passwd "$RL_USER" >/dev/null; then
    userdel "$RL_USER" >/dev/null 2>&1 || true
  fi
  local f
  for f in /etc/subuid /etc/subgid; do
    [ -f "$f" ] && sed -i "/^$RL_USER:$RL_SUB:65536\$/d" "$f"
  done
  ! getent passwd "$RL_USER" >/dev/null || { echo "user $RL_USER left" >&2; return 1; }
}

setup_file() {
  command -v useradd >/dev/null || skip "no useradd"
  command -v newuidmap >/dev/null || skip "no newuidmap (Debian package uidmap)"
  local user=brig-rl-$$
  # not ours: leave it, and teardown_file with it (RL_USER unset)
  ! getent passwd "$user" >/dev/null || { echo "user $user exists" >&2; return 1; }
  export RL_USER=$user
  useradd -M -d /nonexistent -s /usr/sbin/nologin "$RL_USER"
  echo "$RL_USER:$RL_SUB:65536" >> /etc/subuid
  echo "$RL_USER:$RL_SUB:65536" >> /etc/subgid
}

teardown_file() { remove_user; }

setup() {
  setup_brig
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
  RL_XDG=$TEST_TMP/xdg
  mkdir -m 700 "$RL_XDG"
  chown "$RL_USER:" "$RL_XDG"
  rl_bundle sh -c 'echo ok'
}

teardown() {
  local id h
  for id in $(ls "$RL_XDG/brig" 2>/dev/null); do
    rbrig delete -f "$id" >/dev/null 2>&1 || true
  done
  if [ -n "${DELEG:-}" ]; then
    for h in /sys/fs/cgroup/*/; do
      [ -d "$h$DELEG" ] && rmdir "$h$DELEG"/* "$h$DELEG" 2>/dev/null
    done
  fi
  teardown_brig
}

# rl CMD...: run CMD as the test user, with a clean environment.
rl() {
  setpriv --reuid "$RL_UID" --regid "$RL_GID" --clear-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$TEST_TMP" \
    XDG_RUNTIME_DIR="$RL_XDG" "$@"
}
# rbrig ARGS...: brig as the test user (its default state root).
rbrig() { rl "$BRIG" "$@"; }

# rl_bundle CMD...: a bundle owned by the user, config from its
# `brig spec --rootless`, process.args = CMD, no terminal.
rl_bundle() {
  make_bundle true
  rm -f "$BUNDLE/config.json"
  chown -R "$RL_USER:" "$BUNDLE"
  (cd "$BUNDLE" && rbrig spec --rootless)
  local args
  args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
  cfg ".process.args = $args | .process.terminal = false | .root.readonly = false"
  chown "$RL_USER:" "$BUNDLE/config.json"
}

# for wait_for, which re-runs it: the state is read each time
rstatus_is() { [ "$(rbrig state "$1" | jq -r .status)" = "$2" ]; }

@test "rootless: spec --rootless then run: the user is root in its own user namespace" {
  rl_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /root/made; ls /sys/fs/cgroup/pids/cgroup.procs; touch /sys/fs/cgroup/pids/x 2>&1 | grep -c "Read-only"'
  run rbrig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 $RL_UID 1" ]
  [ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 $RL_GID 1" ]
  [ "${lines[2]}" = 0 ]
  # the spec's cgroup mount, with no cgroup of the container's own: the
  # host's hierarchies, bound read-only
  [ "${lines[3]}" = /sys/fs/cgroup/pids/cgroup.procs ]
  [ "${lines[4]}" = 1 ]
  # what root makes inside is the user's on the host
  [ "$(stat -c %u:%g "$BUNDLE/rootfs/root/made")" = "$RL_UID:$RL_GID" ]
  root_clean "$RL_XDG/brig"
}

@test "rootless: create, state, start, exec, kill --all, delete; state under \$XDG_RUNTIME_DIR/brig, no cgroup" {
  rl_bundle sleep 1000
  rbrig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  [ -f "$RL_XDG/brig/.state/$(cid)" ]
  [ "$(stat -c %u "$RL_XDG/brig/$(cid)")" = "$RL_UID" ]
  [ "$(stat -c %u "$RL_XDG/brig/.state/$(cid)")" = "$RL_UID" ]
  no_state "$(cid)" /run/brig
  run rbrig state "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = created ]
  pid=$(echo "$output" | jq -r .pid)
  [ "$(stat -c %u /proc/$pid)" = "$RL_UID" ]
  # the init, still brig until start: without CAP_SYS_ADMIN for the
  # overlayfs, brig re-executed itself from a sealed memfd copy
  [ "$(readlink "/proc/$pid/exe")" = "/memfd:brig (deleted)" ]
  # no cgroup of its own anywhere
  not grep -q "$(cid)" /proc/$pid/cgroup
  run rbrig start "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(rbrig state "$(cid)" | jq -r .status)" = running ]
  run rbrig exec "$(cid)" sh -c 'id -u; cat /proc/self/uid_map'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 $RL_UID 1" ]
  run rbrig kill --all "$(cid)" KILL
  [ "$status" -eq 0 ]
  wait_for 50 rstatus_is "$(cid)" stopped
  run rbrig delete "$(cid)"
  [ "$status" -eq 0 ]
  no_state "$(cid)" "$RL_XDG/brig"
}

@test "rootless podman's way: root in the user's own user namespace, a config without one: state under \$XDG_RUNTIME_DIR/brig, /dev nodes bound" {
  rl_bundle sh -c 'stat -c "%F %t:%T" /dev/null /dev/zero; echo hi > /dev/null && echo written'
  cfg 'del(.linux.uidMappings, .linux.gidMappings)
       | .linux.namespaces -= [{"type":"user"}]'
  # as conmon runs it: euid 0 in a user namespace, no USER in the environment
  run rl unshare -r "$BRIG" run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 1:3" ]
  [ "${lines[1]}" = "character special file 1:5" ]
  [ "${lines[2]}" = written ]
  # its state root was the user's: made there, and nothing under /run/brig
  [ -d "$RL_XDG/brig" ]
  no_state "$(cid)" /run/brig
  root_clean "$RL_XDG/brig"
  # USER=root keeps /run/brig (runc): the user may not write there
  run rl env USER=root unshare -r "$BRIG" run -b "$BUNDLE" "$(cid 2)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"/run/brig"* ]]
}

# ns_pid PID: host process PID's pid in its own pid namespace (1: the
# container's init, not a brig helper on its way there).
ns_pid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }
cmdline_is() { [ "$(tr '\0' ' ' < "/proc/$1/cmdline")" = "$2" ]; }
# gone PID: the process has ended (or is a zombie nobody reaped yet).
gone() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }

@test "rootless: without a cgroup, state has the init's pid from create on; kill and delete reach it" {
  rl_bundle sleep 1000
  rbrig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  # no cgroup to find the init by: only the saved pid leads to it
  [ "$(jq -r .brig.cgroupPath "$RL_XDG/brig/.state/$(cid)")" = "" ]
  pid=$(rbrig state "$(cid)" | jq -r .pid)
  [ "$pid" -gt 0 ]
  [ "$(ns_pid "$pid")" = 1 ]
  [ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
  [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
  run rbrig start "$(cid)"
  [ "$status" -eq 0 ]
  # the same process becomes the container's command
  wait_for 50 cmdline_is "$pid" "sleep 1000 "
  [ "$(rbrig state "$(cid)" | jq -r .pid)" = "$pid" ]
  run rbrig kill "$(cid)" KILL
  [ "$status" -eq 0 ]
  wait_for 50 gone "$pid"
  wait_for 50 rstatus_is "$(cid)" stopped
  run rbrig delete "$(cid)"
  [ "$status" -eq 0 ]
  no_state "$(cid)" "$RL_XDG/brig"
}

@test "rootless: without a cgroup, a create killed after the clone has saved the init's pid; delete --force ends it" {
  local faults=${BRIG_FAULTS_BIN:-$TOP/build/brig-faults} st=0
  [ -x "$faults" ] || skip "build/brig-faults missing (make faults)"
  rl_bundle sleep 1000
  # SIGKILLed after the init was cloned and set up, before create's own
  # save of its pid
  rl env BRIG_FAULT_KILL=create-spawned "$faults" create -b "$BUNDLE" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1 || st=$?
  [ "$st" -eq 137 ]
  [ "$(jq -r .brig.cgroupPath "$RL_XDG/brig/.state/$(cid)")" = "" ]
  run rbrig state "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = creating ]
  pid=$(echo "$output" | jq -r .pid)
  [ "$pid" -gt 0 ]
  [ "$(ns_pid "$pid")" = 1 ]
  [ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
  run rbrig delete --force "$(cid)"
  [ "$status" -eq 0 ]
  wait_for 50 gone "$pid"
  no_state "$(cid)" "$RL_XDG/brig"
}

@test "rootless: several ranges through newuidmap/newgidmap (subordinate ids)" {
  rl_bundle sh -c 'cat /proc/self/uid_map; cat /proc/self/setgroups; id -u; sleep 1000'
  cfg ".linux.uidMappings += [{\"containerID\": 1, \"hostID\": $RL_SUB, \"size\": 65536}]
       | .linux.gidMappings += [{\"containerID\": 1, \"hostID\": $RL_SUB, \"size\": 65536}]
       | .process.user = {\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [5]}"
  rbrig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  wait_for 50 grep -qx 1000 "$TEST_TMP/out"
  cat "$TEST_TMP/out"
  [ "$(sed -n 1p "$TEST_TMP/out" | tr -s ' ')" = " 0 $RL_UID 1" ]
  [ "$(sed -n 2p "$TEST_TMP/out" | tr -s ' ')" = " 1 $RL_SUB 65536" ]
  [ "$(sed -n 3p "$TEST_TMP/out")" = allow ]
  # container uid 1000 is subordinate uid RL_SUB + 999 on the host
  pid=$(rbrig state "$(cid)" | jq -r .pid)
  [ "$(awk '/^Uid:/ { print $2 }' /proc/$pid/status)" = $((RL_SUB + 999)) ]
  [ "$(awk '/^Groups:/ { print $2 }' /proc/$pid/status)" = $((RL_SUB + 4)) ]
}

@test "rootless: ranges outside the user's subordinate ids: newuidmap's refusal is reported" {
  rl_bundle true
  cfg '.linux.uidMappings += [{"containerID": 1, "hostID": 1, "size": 10}]'
  run rbrig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"write uid_map of pid"*"newuidmap"* ]]
  root_clean "$RL_XDG/brig"
}

@test "rootless: resource objects that set nothing (Go's zero values) need no cgroup, as runc" {
  rl_bundle echo ran
  cfg '.linux.resources = {"memory": {"limit": 0, "disableOOMKiller": false},
                           "cpu": {"shares": 0, "cpus": ""}, "pids": {"limit": 0},
                           "blockIO": {"weight": 0}}'
  run rbrig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = ran ]
  root_clean "$RL_XDG/brig"
}

@test "rootless: errors name what needs privilege" {
  # a resource limit without a delegated cgroup
  rl_bundle true
  cfg '.linux.resources = {"memory": {"limit": 67108864}}'
  run rbrig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"rootless: .linux.resources.memory needs a cgroup, and creating one needs privilege or a cgroup delegated to this user"* ]]
  # a cgroupsPath without the privilege to make it: the place the config
  # names, or nothing (runc); no limits needed for that
  rl_bundle true
  cfg '.linux.cgroupsPath = "/brig-rl-none/c"'
  run rbrig run -b "$BUNDLE" "$(cid 4)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"rootless: .linux.cgroupsPath needs a cgroup, and creating one needs privilege or a cgroup delegated to this user"* ]]
  for d in /sys/fs/cgroup/*/brig-rl-none; do [ ! -e "$d" ]; done
  # a device node the host does not have
  rl_bundle true
  cfg '.linux.devices = [{"path": "/dev/brig-none", "type": "c", "major": 1, "minor": 3}]'
  run rbrig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'device "/dev/brig-none" (1:3): creating a device node needs privilege'* ]]
  # an idmapped mount (the host's filesystem is not the user's)
  mkdir "$TEST_TMP/data"
  rl_bundle true
  cfg ".mounts += [{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"bind\", \"idmap\"]}]"
  run rbrig run -b "$BUNDLE" "$(cid 3)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'idmapped mount of "'"$TEST_TMP/data"'" on "/m": '*"needs privilege"* ]]
  root_clean "$RL_XDG/brig"
}

@test "rootless: --rootless false makes cgroup permission errors fatal, as runc" {
  rl_bundle true
  run rbrig --rootless false run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"create cgroup"*"Permission denied"* ]]
  run rbrig --rootless true run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  run rbrig --rootless auto run -b "$BUNDLE" "$(cid 3)"
  [ "$status" -eq 0 ]
  # runc's words: a Go bool, "auto" in any case, or nothing (auto)
  run rbrig --rootless=0 run -b "$BUNDLE" "$(cid 4)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"create cgroup"*"Permission denied"* ]]
  for w in T 1 AUTO ""; do
    run rbrig --rootless="$w" run -b "$BUNDLE" "$(cid 5)"
    [ "$status" -eq 0 ]
  done
}

@test "rootless: the container cannot reach the host's root-owned files" {
  rl_bundle sh -c 'cat /etc/shadow-probe 2>&1 || echo denied'
  echo secret > "$TEST_TMP/probe"
  chmod 600 "$TEST_TMP/probe"
  cfg ".mounts += [{\"destination\": \"/etc/shadow-probe\", \"type\": \"bind\", \"source\": \"$TEST_TMP/probe\", \"options\": [\"bind\"]}]"
  run rbrig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [[ "$output" == *denied* ]]
  [[ "$output" != *secret* ]]
}

# delegate: a cgroup $DELEG in every hierarchy owned by the user (cpuset
# initialised), as a delegating manager makes one; rl_in_deleg then runs a
# command as the user from inside it (brig's cgroup is made under it).
delegate() {
  local h
  DELEG=brig-rl-$$
  for h in /sys/fs/cgroup/*/; do
    mkdir "$h$DELEG"
    if [ -f "$h$DELEG/cpuset.cpus" ]; then
      cat "${h}cpuset.cpus" > "$h$DELEG/cpuset.cpus"
      cat "${h}cpuset.mems" > "$h$DELEG/cpuset.mems"
    fi
    chown -R "$RL_USER:" "$h$DELEG"
  done
}
rl_in_deleg() {
  # a shell of ours moves itself in, then becomes the user
  sh -c 'for h in /sys/fs/cgroup/*/; do echo $$ > "$h$0/cgroup.procs"; done
         exec "$@"' "$DELEG" \
    setpriv --reuid "$RL_UID" --regid "$RL_GID" --clear-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$TEST_TMP" \
    XDG_RUNTIME_DIR="$RL_XDG" "$@"
}

@test "rootless: with a delegated cgroup, the container gets its cgroup and limits" {
  delegate
  rl_bundle sleep 1000
  cfg ".linux.cgroupsPath = \"/$DELEG/c1\"
       | .linux.resources = {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 64}}"
  rl_in_deleg "$BRIG" run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>"$TEST_TMP/err" ||
    { cat "$TEST_TMP/err"; false; }
  pid=$(rbrig state "$(cid)" | jq -r .pid)
  grep -qx "4:memory:/$DELEG/c1" /proc/$pid/cgroup
  [ "$(cat /sys/fs/cgroup/memory/$DELEG/c1/memory.limit_in_bytes)" = 67108864 ]
  [ "$(cat /sys/fs/cgroup/pids/$DELEG/c1/pids.max)" = 64 ]
  # the delegated cgroup is the container's: pause works through it
  run rbrig pause "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(rbrig state "$(cid)" | jq -r .status)" = paused ]
  run rbrig delete -f "$(cid)"
  [ "$status" -eq 0 ]
  [ ! -d "/sys/fs/cgroup/memory/$DELEG/c1" ]
}

@test "rootless: without a cgroup, pause says the container has none" {
  rl_bundle sleep 1000
  rbrig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run rbrig pause "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"the container has no cgroup (rootless, without a cgroup delegated to its user)"* ]]
}
