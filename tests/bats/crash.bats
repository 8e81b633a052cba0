#!/usr/bin/env bats
# Crash safety (issue 14): build/brig-faults (make faults, -DBRIG_FAULTS)
# SIGKILLs itself at the step named by $BRIG_FAULT_KILL.  After each kill
# `state`, `list` and `delete --force` must work and leave nothing behind:
# no state, cgroup, mount or process.  Then the races of two commands.

load helpers

setup() {
  setup_brig
  FAULTS=${BRIG_FAULTS_BIN:-$TOP/build/brig-faults}
  [ -x "$FAULTS" ] || skip "build/brig-faults missing (make faults)"
  make_bundle sleep 1000
}
teardown() { teardown_brig; }

# fbrig STEP ARGS...: brig-faults, killed at STEP.  Its stdio (which a
# container init or exec'd process keeps) goes to $TEST_TMP/out, not to
# the pipe bats' `run` reads to its end.
fbrig() {
  local step=$1
  shift
  BRIG_FAULT_KILL=$step "$FAULTS" --root "$BRIG_ROOT" "$@" \
    </dev/null >"$TEST_TMP/out" 2>&1
}

# Nothing of container $1 is left: state files, cgroup in any hierarchy,
# mount under the test dir, process inside the bundle's rootfs or running
# brig with this test's root.
assert_clean() {
  local id=$1 p root
  no_state "$id" || { echo "state left"; return 1; }
  for p in /sys/fs/cgroup/*/brig/"$id" /sys/fs/cgroup/brig/"$id"; do
    [ ! -e "$p" ] || { echo "cgroup left: $p"; return 1; }
  done
  ! grep -q " $TEST_TMP" /proc/self/mountinfo || { echo "mount left"; return 1; }
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    if [ "$root" = "$BUNDLE/rootfs" ]; then
      echo "process left: ${p#/proc/} $(tr '\0' ' ' < "$p/cmdline")"
      return 1
    fi
    if tr '\0' '\n' < "$p/cmdline" 2>/dev/null | grep -qx "$BRIG_ROOT"; then
      echo "brig left: ${p#/proc/} $(tr '\0' ' ' < "$p/cmdline")"
      return 1
    fi
  done
}

# After a kill: state and list show the container, delete --force removes
# everything.  $1 id, $2 the status state must report (a regex: an init
# on its way out may be "running" a moment before it is "stopped").
check_after_kill() {
  local id=$1 want=$2 created
  run brig state "$id"
  echo "state: $output"
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | jq -r .status)" =~ ^($want)$ ]]
  # "created" is a time (Go's time.Time refuses ""): a create that saved
  # nothing was created when its own file was made
  created=$(echo "$output" | jq -r .created)
  [[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
  [ $(($(date +%s) - $(date -d "$created" +%s))) -lt 60 ]
  run brig list -q
  [ "$status" -eq 0 ]
  [[ "$output" == *"$id"* ]]
  run brig list -f json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg id "$id" '.[] | select(.id == $id and (.created | length) > 0)' >/dev/null
  run brig delete --force "$id"
  echo "delete: $output"
  [ "$status" -eq 0 ]
  assert_clean "$id"
  run brig list -q
  [ -z "$output" ]
}

# create_killed STEP STATUS
create_killed() {
  local id
  id=$(cid)
  run fbrig "$1" create -b "$BUNDLE" "$id"
  [ "$status" -eq 137 ]
  check_after_kill "$id" "$2"
}

@test "run: an init that fails after the start byte was sent still reports its own error" {
  # run sends its start byte while the init sets up; an init that fails
  # then exits with the byte unread, and the kernel reports ECONNRESET to
  # the runtime before the init's error still queued for it.  The runtime
  # waits after the send (run-sent) so that the init is gone by its read.
  rmdir "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/elsewhere"
  ln -s /elsewhere "$BUNDLE/rootfs/proc"
  run env BRIG_FAULT_AT=run-sent BRIG_FAULT_DELAY_MS=500 \
    "$FAULTS" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'mount destination "/proc" of "proc" goes through a symlink'* ]]
  assert_clean "$(cid)"
}

# The default cgroup (/brig/<id>) is not recorded before the last save:
# delete --force finds it from the id of a container's file without state.json.
@test "create killed after making the container's own file (no state.json)" {
  create_killed create-file creating
}
@test "create killed after the cgroup is made (default cgroup, no state.json yet)" {
  create_killed create-cgroup creating
  no_state "$(cid)"
}
@test "create killed right after the clone (default cgroup, no state.json yet)" {
  create_killed create-clone creating
}
@test "create killed with the init ready, before the state save" {
  create_killed create-spawned creating
}

# A cgroupsPath of the config is saved in state.json before it is made.
custom_cgroup() {
  CGPATH=/brig-crash-$$-$BATS_TEST_NUMBER
  cfg ".linux.cgroupsPath = \"$CGPATH\""
}
no_custom_cgroup() {
  local p
  for p in /sys/fs/cgroup/*"$CGPATH"; do
    [ ! -e "$p" ] || { echo "cgroup left: $p"; return 1; }
  done
}
@test "create killed after the first state save (config cgroupsPath)" {
  custom_cgroup
  create_killed create-saved creating
  no_custom_cgroup
}
@test "create killed after the cgroup is made (config cgroupsPath)" {
  custom_cgroup
  create_killed create-cgroup creating
  no_custom_cgroup
}
@test "create killed right after the clone (config cgroupsPath)" {
  custom_cgroup
  create_killed create-clone creating
  no_custom_cgroup
}
@test "create killed after the last state save" {
  create_killed create-done created
}

# start_killed STEP
start_killed() {
  local id
  id=$(cid)
  brig create -b "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1
  run fbrig "$1" start "$id"
  [ "$status" -eq 137 ]
  run brig state "$id"
  # The init was let go: running, or stopped when the killed start closed
  # the FIFO before the init's "0" reached it (EPIPE, as runc's init) —
  # never "created" again.
  st=$(echo "$output" | jq -r .status)
  [[ "$st" =~ ^(running|stopped)$ ]]
  run brig start "$id"
  [ "$status" -ne 0 ]
  # (a running init may stop meanwhile: its "0" to a closed FIFO fails)
  check_after_kill "$id" "running|stopped"
}

@test "start killed after opening the exec fifo" {
  start_killed start-opened
}
@test "start killed after the init answered" {
  start_killed start-released
}
# run starts the init right after it saves the state (the start byte is
# waiting when the init is set up), unless something has to come first.
@test "run killed before it starts the init: the init, waiting on run's socket, exits" {
  local id
  id=$(cid)
  run fbrig run-start run -b "$BUNDLE" "$id"
  [ "$status" -eq 137 ]
  # the init got EOF where it waited for "go" and exited without exec'ing
  wait_for 50 sh -c "$BRIG --root '$BRIG_ROOT' state '$id' | jq -e '.status == \"stopped\"'"
  check_after_kill "$id" stopped
}
@test "run killed after it started the init: running or stopped, delete removes it" {
  local id st
  id=$(cid)
  run fbrig create-done run -b "$BUNDLE" "$id"
  [ "$status" -eq 137 ]
  # The init had the start byte: it runs the process if its "0" reached
  # run before the kill, else it got EPIPE and exited (as a killed start).
  wait_for 50 sh -c "$BRIG --root '$BRIG_ROOT' state '$id' | jq -e '.status != \"created\"'"
  run brig state "$id"
  st=$(echo "$output" | jq -r .status)
  [[ "$st" =~ ^(running|stopped)$ ]]
  check_after_kill "$id" "$st"
}
@test "run --pid-file killed before its start: the init never starts, no pid file" {
  local id
  id=$(cid)
  # the pid file comes once the process has started (runc's order); the
  # init, which may have its start byte, runs its process only when its
  # "0" reaches a live run
  run fbrig create-done run --pid-file "$TEST_TMP/pid" -b "$BUNDLE" "$id"
  [ "$status" -eq 137 ]
  [ ! -e "$TEST_TMP/pid" ]
  wait_for 50 sh -c "$BRIG --root '$BRIG_ROOT' state '$id' | jq -e '.status == \"stopped\"'"
  check_after_kill "$id" stopped
}

@test "exec whose helper dies in the container's namespaces: exec fails naming the signal, the container runs on" {
  local id
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1
  run fbrig exec-helper exec "$id" true
  [ "$status" -eq 255 ]
  cat "$TEST_TMP/out"
  [ "$(cat "$TEST_TMP/out")" = "brig: exec failed: exec helper killed by signal 9" ]
  check_after_kill "$id" running
}

# exec_killed STEP
exec_killed() {
  local id
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1
  run fbrig "$1" exec "$id" sleep 999
  [ "$status" -eq 137 ]
  check_after_kill "$id" running
}

@test "exec killed after forking its helper" {
  exec_killed exec-forked
}
@test "exec killed with the process cloned" {
  exec_killed exec-pid
}
@test "exec killed with the process running" {
  exec_killed exec-started
}

# delete_killed STEP STATUS
delete_killed() {
  local id
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1
  run fbrig "$1" delete --force "$id"
  [ "$status" -eq 137 ]
  check_after_kill "$id" "$2"
}

@test "delete killed after killing the init" {
  delete_killed delete-killed stopped
}
@test "delete killed after removing the cgroup" {
  delete_killed delete-cgroup stopped
}
@test "delete killed after removing all but the container's own file" {
  delete_killed delete-files creating
}

@test "build/brig has no kill points" {
  local id
  id=$(cid)
  BRIG_FAULT_KILL=create-file brig create -b "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1
  [ "$(brig state "$id" | jq -r .status)" = created ]
  not grep -q create-file "$BRIG"
  grep -q create-file "$FAULTS"
}

# --- races: each pair ends in one consistent outcome ---

# rounds of each race (RACE_ROUNDS)
ROUNDS=${RACE_ROUNDS:-5}

# rc_to NAME CMD...: run CMD (stdin /dev/null, stderr to $TEST_TMP/e.NAME),
# its exit code into $TEST_TMP/r.NAME (bats' set -e would end a subshell
# at the failure).
rc_to() {
  local name=$1 rc=0
  shift
  "$@" </dev/null 2>"$TEST_TMP/e.$name" || rc=$?
  echo "$rc" >"$TEST_TMP/r.$name"
}

@test "race: two creates of one id, one wins, the loser leaves nothing" {
  local id i r1 r2
  for ((i = 0; i < ROUNDS; i++)); do
    id=$(cid "$i")
    rc_to 1 brig create -b "$BUNDLE" "$id" >/dev/null &
    rc_to 2 brig create -b "$BUNDLE" "$id" >/dev/null &
    wait
    r1=$(cat "$TEST_TMP/r.1") r2=$(cat "$TEST_TMP/r.2")
    [ $((r1 + r2)) -eq 1 ]
    grep -q "container with id exists" "$TEST_TMP/e.1" "$TEST_TMP/e.2"
    [ "$(brig state "$id" | jq -r .status)" = created ]
    # one init: the loser's (if it got that far) is gone
    [ "$(cat /sys/fs/cgroup/pids/brig/"$id"/cgroup.procs | wc -l)" -eq 1 ]
    brig delete "$id"
    assert_clean "$id"
  done
}

@test "race: delete against start ends started-and-refused or deleted" {
  local id i rs rd st
  for ((i = 0; i < ROUNDS; i++)); do
    id=$(cid "$i")
    brig create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    rc_to s brig start "$id" &
    rc_to d brig delete "$id" &
    wait
    rs=$(cat "$TEST_TMP/r.s") rd=$(cat "$TEST_TMP/r.d")
    if [ "$rd" -eq 0 ]; then
      # deleted first (created is deletable); start found nothing
      [ "$rs" -ne 0 ]
      assert_clean "$id"
    else
      # started first: delete refused a running container
      [ "$rs" -eq 0 ]
      grep -q "not stopped" "$TEST_TMP/e.d"
      [ "$(brig state "$id" | jq -r .status)" = running ]
      brig delete --force "$id"
      assert_clean "$id"
    fi
  done
}

@test "race: kill against exit, both end stopped" {
  local id i rk
  make_bundle sh -c 'sleep 0.2'
  for ((i = 0; i < ROUNDS; i++)); do
    id=$(cid "$i")
    brig run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    sleep 0.$((150 + RANDOM % 100))
    run brig kill "$id" KILL
    rk=$status
    # either it was signalled, or it had exited: "container not running"
    [ "$rk" -eq 0 ] || [[ "$output" == *"not running"* ]]
    wait_for 50 sh -c "[ \"\$(\"$BRIG\" --root \"$BRIG_ROOT\" state $id | jq -r .status)\" = stopped ]"
    brig delete "$id"
    assert_clean "$id"
  done
}

@test "race: pause against delete --force ends deleted" {
  local id i
  for ((i = 0; i < ROUNDS; i++)); do
    id=$(cid "$i")
    brig run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    rc_to p brig pause "$id" &
    rc_to d brig delete --force "$id" &
    wait
    cat "$TEST_TMP/e.p" "$TEST_TMP/e.d"
    [ "$(cat "$TEST_TMP/r.d")" -eq 0 ]
    # pause either won (then delete thawed and killed) or found it gone
    [ "$(cat "$TEST_TMP/r.p")" -eq 0 ] || grep -qE "does not exist|not running" "$TEST_TMP/e.p"
    run brig state "$id"
    [ "$status" -ne 0 ]
    assert_clean "$id"
  done
}

@test "race: exec against kill, exec runs or fails cleanly" {
  local id i re
  for ((i = 0; i < ROUNDS; i++)); do
    id=$(cid "$i")
    brig run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    rc_to x brig exec "$id" sh -c 'echo hi' >"$TEST_TMP/xo" &
    rc_to k brig kill "$id" KILL &
    wait
    re=$(cat "$TEST_TMP/r.x")
    [ "$(cat "$TEST_TMP/r.k")" -eq 0 ]
    # exec printed and exited 0, or was killed with the container (137),
    # or found it stopped: one line naming the problem
    if [ "$re" -eq 0 ]; then
      grep -qx hi "$TEST_TMP/xo"
    elif [ "$re" -ne 137 ]; then
      cat "$TEST_TMP/e.x"
      [ "$(wc -l < "$TEST_TMP/e.x")" -eq 1 ]
      grep -q "^brig: exec" "$TEST_TMP/e.x"
    fi
    wait_for 50 sh -c "[ \"\$(\"$BRIG\" --root \"$BRIG_ROOT\" state $id | jq -r .status)\" = stopped ]"
    brig delete "$id"
    assert_clean "$id"
  done
}

@test "delete: a cgroup the kernel will not remove is left with a warning; the container goes (runc's destroy)" {
  local id d
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  brig kill "$id" KILL
  wait_for 50 eval '[ "$(brig state "$id" | jq -r .status)" = stopped ]'
  run env BRIG_FAULT_FAIL=delete-cgroup "$FAULTS" --root "$BRIG_ROOT" delete "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"delete $id: its cgroup is left behind: remove cgroup /brig/$id: Device or resource busy"* ]]
  no_state "$id"
  run brig state "$id"
  [ "$status" -ne 0 ]
  # what the kernel kept is there still; the test removes it
  [ -d "/sys/fs/cgroup/pids/brig/$id" ]
  for d in /sys/fs/cgroup/*/brig/"$id"; do rmdir "$d"; done
  assert_clean "$id"
}
