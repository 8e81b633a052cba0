#!/usr/bin/env bats
# The OCI lifecycle with runc's command line: create, start, state, kill,
# delete, run, list.

load helpers

bats_require_minimum_version 1.5.0

state_of() { brig state "$1" 2>/dev/null | jq -r .status; }
# status_is ID STATUS: for wait_for, which re-runs it each time.
status_is() { [ "$(state_of "$1")" = "$2" ]; }

@test "run: prints from inside the container and returns its exit code" {
  make_bundle sh -c 'echo "inside $(hostname)"; exit 3'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 3 ]
  [ "$output" = "inside brig" ]
  # run without --keep deletes the container
  no_state "$(cid)"
}

@test "run --keep leaves a stopped container; delete removes it" {
  make_bundle true
  run brig run --keep -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(state_of "$(cid)")" = stopped ]
  brig delete "$(cid)"
  no_state "$(cid)"
}

@test "create/start/state/kill/delete walk through every status" {
  make_bundle sleep 1000
  id=$(cid)
  # The container's stdio is create's: keep it off bats' capture pipe.
  brig create -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  [ ! -s "$TEST_TMP/out" ]
  [ "$(state_of "$id")" = created ]
  pid=$(brig state "$id" | jq -r .pid)
  # Before start the init waits, not yet the configured process.
  not grep -q sleep "/proc/$pid/cmdline"
  brig start "$id"
  [ "$(state_of "$id")" = running ]
  grep -q sleep "/proc/$pid/cmdline"
  run brig delete "$id"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot delete container $id that is not stopped: running"* ]]
  brig kill "$id" KILL
  wait_for 50 status_is "$id" stopped
  brig delete "$id"
  no_state "$id"
  [ ! -e "/proc/$pid" ] || ! grep -q sleep "/proc/$pid/cmdline"
}

@test "state prints the runtime-spec state with runc's fields" {
  make_bundle sleep 1000
  cfg '.annotations = {"org.example.key": "v1", "a.first": "v0", "z.html": "<x>&y"}'
  id=$(cid)
  brig create -b "$BUNDLE" "$id"
  # runc's bytes: Go's escapes of <>&, no newline after the closing brace
  brig state "$id" >"$TEST_TMP/state"
  [ "$(tail -c 2 "$TEST_TMP/state")" = "$(printf '\n}')" ]
  grep -qF '"z.html": "\u003cx\u003e\u0026y"' "$TEST_TMP/state"
  run brig state "$id"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .id)" = "$id" ]
  [ "$(echo "$output" | jq -r .ociVersion)" = "1.3.0" ]
  [ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
  [ "$(echo "$output" | jq -r .rootfs)" = "$BUNDLE/rootfs" ]
  [ "$(echo "$output" | jq -r .owner)" = "" ]
  [ "$(echo "$output" | jq -r '.annotations["org.example.key"]')" = v1 ]
  [[ "$(echo "$output" | jq -r .created)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z$ ]]
  # same keys, same order as runc (1.1.5 here), annotations by key
  [ "$(echo "$output" | jq -c keys_unsorted)" = '["ociVersion","id","pid","status","bundle","rootfs","created","annotations","owner"]' ]
  [ "$(echo "$output" | jq -c '.annotations | keys_unsorted')" = '["a.first","org.example.key","z.html"]' ]
  [ "$(echo "$output" | jq -r '.annotations["z.html"]')" = "<x>&y" ]
  # indented with two spaces, as runc
  [ "$(echo "$output" | sed -n 2p)" = '  "ociVersion": "1.3.0",' ]
  # list -f json: the same fields, annotations included, Go's escapes
  run brig list -f json
  [ "$(echo "$output" | jq -c '.[0] | keys_unsorted')" = '["ociVersion","id","pid","status","bundle","rootfs","created","annotations","owner"]' ]
  [ "$(echo "$output" | jq -c '.[0].annotations')" = '{"a.first":"v0","org.example.key":"v1","z.html":"<x>&y"}' ]
  [[ "$output" == *'"z.html":"\u003cx\u003e\u0026y"'* ]]
}

@test "a surrogate pair escaped in config.json is one character in the state" {
  make_bundle sleep 1000
  cfg -a '.annotations = {"e": "x\ud83d\ude00y"}' # -a: written as \ud83d\ude00
  grep -q 'ud83d' "$BUNDLE/config.json"
  brig create -b "$BUNDLE" "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .annotations.e)" = "x$(printf '\360\237\230\200')y" ]
}

@test "kill of a created container stops it; start then refuses" {
  make_bundle sleep 1000
  id=$(cid)
  brig create -b "$BUNDLE" "$id"
  brig kill "$id" SIGKILL
  wait_for 50 status_is "$id" stopped
  run brig start "$id"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start a container that has stopped"* ]]
  run brig kill "$id" 9
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
}

@test "start of a running container is refused" {
  make_bundle sleep 1000
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id"
  run brig start "$id"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start an already running container"* ]]
}

@test "state of a stopped container gives pid 0, as runc (the init's pid may be another process's by now)" {
  make_bundle true
  id=$(cid)
  brig create -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  pid=$(brig state "$id" | jq -r .pid)
  [ "$pid" -gt 0 ]
  brig start "$id"
  wait_for 50 status_is "$id" stopped
  [ "$(brig state "$id" | jq -r .pid)" = 0 ]
  [ "$(brig list -f json | jq -r ".[] | select(.id == \"$id\") | .pid")" = 0 ]
  brig delete "$id"
}

@test "kill RTMIN+N and RTMAX-N are glibc's and kill(1)'s numbers (RTMIN 34, RTMAX 64)" {
  # a signal the init has no handler for yet is dropped (it is its pid
  # namespace's init): the shell says when its traps are set
  make_bundle sh -c 'trap "echo 37 > /tmp/r" 37; trap "echo 62 > /tmp/r" 62; : > /tmp/ready; while :; do sleep 0.1; done'
  cfg '.mounts |= map(select(.destination != "/tmp")) | .root.readonly = false'
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  wait_for 100 test -e "$BUNDLE/rootfs/tmp/ready"
  brig kill "$id" RTMIN+3
  # -s: the trap's file exists before its number is written
  wait_for 100 test -s "$BUNDLE/rootfs/tmp/r"
  [ "$(cat "$BUNDLE/rootfs/tmp/r")" = 37 ]
  rm -f "$BUNDLE/rootfs/tmp/r"
  brig kill "$id" SIGRTMAX-2
  wait_for 100 test -s "$BUNDLE/rootfs/tmp/r"
  [ "$(cat "$BUNDLE/rootfs/tmp/r")" = 62 ]
  run brig kill "$id" RTMAX+1
  [ "$status" -eq 1 ]
  brig delete -f "$id"
}

@test "a created container's init ends on a signal whose default ends a process; others leave it created (runc's)" {
  make_bundle sh -c 'echo started > /tmp/s; sleep 1000'
  cfg '.mounts |= map(select(.destination != "/tmp")) | .root.readonly = false'
  id=$(cid)
  brig create -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  # ignored by default: still created, and it starts
  brig kill "$id" WINCH
  brig kill "$id" CHLD
  sleep 0.3
  [ "$(state_of "$id")" = created ]
  brig start "$id"
  wait_for 100 test -s "$BUNDLE/rootfs/tmp/s"
  brig delete -f "$id"
  rm -f "$BUNDLE/rootfs/tmp/s"
  for sig in TERM RTMIN+2; do
    brig create -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
    pid=$(brig state "$id" | jq -r .pid)
    brig kill "$id" $sig
    wait_for 100 status_is "$id" stopped
    # gone (or a zombie, until whoever it was re-parented to reaps it)
    wait_for 100 eval "! test -e /proc/$pid || grep -q '^State:.Z' /proc/$pid/status"
    # it never ran the process
    not test -e "$BUNDLE/rootfs/tmp/s"
    brig delete "$id"
  done
}

@test "kill accepts names with and without SIG and numbers; default and empty are TERM; 0 only checks (runc's)" {
  make_bundle sh -c 'trap "echo got-term >> /tmp/t" TERM; trap "echo got-usr1 > /tmp/u" USR1; : > /tmp/ready; while :; do sleep 0.1; done'
  cfg '.mounts |= map(select(.destination != "/tmp")) | .root.readonly = false'
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id"
  wait_for 100 test -e "$BUNDLE/rootfs/tmp/ready"
  brig kill "$id" USR1
  wait_for 30 test -e "$BUNDLE/rootfs/tmp/u"
  rm -f "$BUNDLE/rootfs/tmp/u"
  brig kill "$id" SIGUSR1
  wait_for 30 test -e "$BUNDLE/rootfs/tmp/u"
  rm -f "$BUNDLE/rootfs/tmp/u"
  brig kill "$id" 10
  wait_for 30 test -e "$BUNDLE/rootfs/tmp/u"
  # 0 sends nothing: the init is there, so it succeeds
  brig kill "$id" 0
  brig kill --all "$id" 0
  brig kill "$id"
  wait_for 30 test -e "$BUNDLE/rootfs/tmp/t"
  brig kill "$id" ""
  wait_for 30 eval '[ "$(wc -l < "$BUNDLE/rootfs/tmp/t")" -eq 2 ]'
  [ "$(sort -u "$BUNDLE/rootfs/tmp/t")" = got-term ]
  [ "$(state_of "$id")" = running ]
  run brig kill "$id" NOSUCHSIG
  [ "$status" -eq 1 ]
  brig kill "$id" KILL
  wait_for 50 status_is "$id" stopped
  run brig kill "$id" 0
  [ "$status" -eq 1 ]
  [ "$output" = "brig: container not running" ]
}

@test "kill --all signals every process of the container" {
  make_bundle sh -c 'sleep 1000 & sleep 1000 & wait'
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id"
  sleep 0.3
  pid=$(brig state "$id" | jq -r .pid)
  kids=$(pgrep -P "$pid" | wc -l)
  [ "$kids" -eq 2 ]
  brig kill --all "$id" KILL
  wait_for 50 status_is "$id" stopped
  [ -z "$(pgrep -P "$pid")" ]
}

@test "delete --force of a running container kills it and cleans up" {
  make_bundle sleep 1000
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id"
  pid=$(brig state "$id" | jq -r .pid)
  brig delete --force "$id"
  no_state "$id"
  wait_for 50 eval "! kill -0 $pid 2>/dev/null"
}

@test "a container's files lie in shared directories of the root, and delete removes each, a crash's too" {
  make_bundle sleep 1000
  id=$(cid)
  brig create -b "$BUNDLE" "$(cid other)" </dev/null >/dev/null 2>&1
  brig create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  # its own file (empty), state and exec FIFO: no directory of its own
  [ -f "$BRIG_ROOT/$id" ] && [ ! -s "$BRIG_ROOT/$id" ]
  [ -p "$BRIG_ROOT/.fifo/$id" ] && [ -f "$BRIG_ROOT/.state/$id" ]
  [ "$(find "$BRIG_ROOT" -mindepth 1 -maxdepth 1 -type d | sort | xargs -n1 basename | tr '\n' ' ')" = ".fifo .state .tmp " ]
  # a crash's temporary file of a state save
  echo partial > "$BRIG_ROOT/.tmp/$id"
  brig delete --force "$id"
  no_state "$id"
  # a torn state.json: --force removes every file all the same
  brig create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  head -c 20 "$BRIG_ROOT/.state/$id" >"$TEST_TMP/torn"
  cp "$TEST_TMP/torn" "$BRIG_ROOT/.state/$id"
  echo partial > "$BRIG_ROOT/.tmp/$id"
  run brig delete --force "$id"
  [ "$status" -eq 0 ]
  no_state "$id"
  # the other container's files are all there
  [ -f "$BRIG_ROOT/$(cid other)" ] && [ -f "$BRIG_ROOT/.state/$(cid other)" ]
  [ -p "$BRIG_ROOT/.fifo/$(cid other)" ]
  brig delete --force "$(cid other)"
  no_state "$(cid other)"
  # the shared directories stay, empty
  [ -z "$(find "$BRIG_ROOT" -mindepth 2)" ]
}

@test "delete --force of a container that does not exist exits 0" {
  run brig delete --force nosuch
  [ "$status" -eq 0 ]
  run brig delete nosuch
  [ "$status" -eq 1 ]
  [ "$output" = "brig: container does not exist" ]
}

@test "commands on a missing container say 'container does not exist'" {
  for c in start state "kill" delete; do
    run brig $c nosuch
    [ "$status" -eq 1 ]
    [ "$output" = "brig: container does not exist" ]
  done
  # kill looks for the container before its signal (runc's order)
  run brig kill nosuch NOSUCHSIG
  [ "$status" -eq 1 ]
  [ "$output" = "brig: container does not exist" ]
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  for s in NOSUCHSIG SIGFOO 99 65 -1; do
    run brig kill "$(cid)" -- "$s"
    [ "$status" -eq 1 ]
    [ "$output" = "brig: unknown signal \"$s\"" ]
  done
  [ "$(brig state "$(cid)" | jq -r .status)" = created ]
}

@test "a duplicate id is refused and the first container is untouched" {
  make_bundle sleep 1000
  id=$(cid)
  brig create -b "$BUNDLE" "$id"
  run brig create -b "$BUNDLE" "$id"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container with id exists: $id"* ]]
  [ "$(state_of "$id")" = created ]
}

@test "racing creates of one id: exactly one wins" {
  make_bundle sleep 1000
  id=$(cid)
  for i in 1 2 3 4 5 6; do
    ( rc=0; brig create -b "$BUNDLE" "$id" >"$TEST_TMP/out.$i" 2>&1 || rc=$?; echo $rc > "$TEST_TMP/rc.$i" ) &
  done
  wait
  [ "$(cat "$TEST_TMP"/rc.* | grep -c '^0$')" -eq 1 ]
  [ "$(cat "$TEST_TMP"/rc.* | grep -c '^1$')" -eq 5 ]
  [ "$(state_of "$id")" = created ]
}

@test "invalid container ids are refused" {
  for bad in . .. a/b 'a b' "$(printf 'x%.0s' $(seq 256))" 'a*' '' \
    .state .tmp .fifo .config .notify .monitors; do
    run brig create -b "$BUNDLE" "$bad"
    [ "$status" -eq 1 ]
    [[ "$output" == *"container id"* ]]
  done
  root_clean
  # 255 bytes of the allowed set is fine
  make_bundle true
  long=$(printf 'a%.0s' $(seq 250))_.+-
  run brig run -b "$BUNDLE" "$long"
  [ "$status" -eq 0 ]
}

@test "list shows runc's columns, json and quiet forms" {
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid a)"
  brig run -d -b "$BUNDLE" "$(cid b)"
  run brig list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  [[ "${lines[1]}" =~ ^$(cid a)\ +[0-9]+\ +created\ +$BUNDLE\ +[0-9T:.Z-]+\ +root$ ]]
  [[ "${lines[2]}" =~ ^$(cid b)\ +[0-9]+\ +running\ +$BUNDLE\ +[0-9T:.Z-]+\ +root$ ]]
  run brig list -q
  [ "$output" = "$(printf '%s\n%s' "$(cid a)" "$(cid b)")" ]
  run brig list --format json
  [ "$(echo "$output" | jq -r '.[1].status')" = running ]
  [ "$(echo "$output" | jq -r '.[0].owner')" = root ]
  [ "$(echo "$output" | jq -c '.[0] | keys_unsorted')" = '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' ]
  run brig list -f yaml
  [ "$status" -eq 1 ]
  # started since: running; paused: paused
  brig start "$(cid a)"
  brig pause "$(cid b)"
  run brig list
  [[ "${lines[1]}" =~ ^$(cid a)\ +[1-9][0-9]*\ +running\ + ]]
  [[ "${lines[2]}" =~ ^$(cid b)\ +[1-9][0-9]*\ +paused\ + ]]
  brig delete -f "$(cid b)"
}

@test "list holds no fd per container: 20 large states list whole under a low fd limit" {
  make_bundle sleep 1000
  # a state.json past 8 KiB goes the locked way (container_load)
  cfg ".annotations = {\"big\": \"$(head -c 9000 /dev/zero | tr '\0' x)\"}"
  for i in $(seq 20); do
    brig create -b "$BUNDLE" "$(cid "$i")" </dev/null >/dev/null 2>&1
  done
  run bash -c "ulimit -n 30 && \"\$0\" --root \"\$1\" list -q | wc -l" "$BRIG" "$BRIG_ROOT"
  [ "$status" -eq 0 ]
  [ "$output" = 20 ]
}

@test "list and state read past a held lock, a \"creating\" state.json too (it is creating); a damaged one goes the locked way" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid a)"
  brig create -b "$BUNDLE" "$(cid b)"
  # a process holds the lock of a's own file, as a command working on it
  # does (in the background: teardown kills it before deleting)
  bg sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 600' sh "$BRIG_ROOT/$(cid a)"
  wait_for 50 sh -c "! flock -n '$BRIG_ROOT/$(cid a)' true"
  # state and list read past it (a hook of the container's may run
  # `brig state` while create or start holds the lock)
  run timeout 2 "$BRIG" --root "$BRIG_ROOT" state "$(cid a)"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<< "$output")" = running ]
  run timeout 5 "$BRIG" --root "$BRIG_ROOT" list
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" =~ ^$(cid a)\ +[1-9][0-9]*\ +running\  ]]
  [[ "${lines[2]}" =~ ^$(cid b)\ +[1-9][0-9]*\ +created\  ]]
  # a create in progress ("creating" under the lock): list does not wait
  # for it (runc takes no lock), it is creating
  cp "$BRIG_ROOT/.state/$(cid a)" "$TEST_TMP/a.json"
  jq -c '.status = "creating"' "$TEST_TMP/a.json" >"$BRIG_ROOT/.state/$(cid a)"
  run timeout 2 "$BRIG" --root "$BRIG_ROOT" list
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" =~ ^$(cid a)\ +[1-9][0-9]*\ +creating\  ]]
  kill "$BG_PID"
  wait "$BG_PID" || true
  run brig list
  [[ "${lines[1]}" =~ ^$(cid a)\ +[1-9][0-9]*\ +creating\  ]]
  cp "$TEST_TMP/a.json" "$BRIG_ROOT/.state/$(cid a)"
  # a torn state.json: left out of the list, with a warning naming it
  head -c 40 "$TEST_TMP/a.json" >"$BRIG_ROOT/.state/$(cid a)"
  run --separate-stderr brig list -q
  [ "$status" -eq 0 ]
  [ "$output" = "$(cid b)" ]
  [[ "$stderr" == "brig: warning: list: container $(cid a): state.json: corrupt state: "*"invalid JSON at the end of the text: parse error: premature EOF" ]]
  cp "$TEST_TMP/a.json" "$BRIG_ROOT/.state/$(cid a)"
  run brig list -q
  [ "$output" = "$(printf '%s\n%s' "$(cid a)" "$(cid b)")" ]
}

@test "list of an empty root prints only the header; json prints null" {
  run brig list
  [ "$output" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
  run brig list -f json
  [ "$output" = null ]
}

@test "--root is created with mode 0700" {
  make_bundle true
  brig run -b "$BUNDLE" "$(cid)"
  [ "$(stat -c %a "$BRIG_ROOT")" = 700 ]
}

@test "--pid-file gets the init's host pid" {
  make_bundle sleep 1000
  id=$(cid)
  brig create --pid-file "$TEST_TMP/pid" -b "$BUNDLE" "$id"
  [ "$(cat "$TEST_TMP/pid")" = "$(brig state "$id" | jq -r .pid)" ]
  brig run -d --pid-file "$TEST_TMP/pid2" -b "$BUNDLE" "$(cid 2)"
  [ "$(cat "$TEST_TMP/pid2")" = "$(brig state "$(cid 2)" | jq -r .pid)" ]
}

@test "--pid-file never writes through a file already at its temporary name (another user's, a FIFO)" {
  make_bundle sleep 1000
  mkdir -m 1777 "$TEST_TMP/shared"
  mkfifo "$TEST_TMP/shared/.pid.tmp"
  # (into a file: the init holds create's stdout)
  status=0
  timeout -k 5 20 "$BRIG" --root "$BRIG_ROOT" create --pid-file "$TEST_TMP/shared/pid" \
    -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || status=$?
  cat "$TEST_TMP/out"
  [ "$status" -eq 0 ]
  [ -f "$TEST_TMP/shared/pid" ]
  [ "$(cat "$TEST_TMP/shared/pid")" = "$(brig state "$(cid)" | jq -r .pid)" ]
  [ ! -e "$TEST_TMP/shared/.pid.tmp" ]
  brig delete -f "$(cid)"
}

@test "--pid-file naming a directory fails and leaves the directory, no state, no cgroup" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/piddir/sub"
  # to a file, not a pipe: an init that wrongly lived on would hold it
  rc=0
  brig create --pid-file "$TEST_TMP/piddir/sub" -b "$BUNDLE" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -ne 0 ]
  [[ "$(cat "$TEST_TMP/out")" == "brig: "*"pid file $TEST_TMP/piddir/sub"*"Is a directory"* ]]
  [ -d "$TEST_TMP/piddir/sub" ]
  [ "$(ls -A "$TEST_TMP/piddir")" = sub ]
  no_state "$(cid)"
  [ ! -e "/sys/fs/cgroup/pids/brig/$(cid)" ]
}

@test "run -d --pid-file that cannot be written: the started container is killed and removed (runc's order)" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/piddir/sub"
  rc=0
  brig run -d --pid-file "$TEST_TMP/piddir/sub" -b "$BUNDLE" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -eq 1 ]
  [[ "$(cat "$TEST_TMP/out")" == "brig: run $(cid): "*"pid file $TEST_TMP/piddir/sub"*"Is a directory" ]]
  [ "$(ls -A "$TEST_TMP/piddir")" = sub ]
  no_state "$(cid)"
  for c in /sys/fs/cgroup/*/; do [ ! -e "$c/brig/$(cid)" ]; done
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" != "$BUNDLE/rootfs" ]
  done
}

@test "run forwards signals to the container" {
  make_bundle sh -c 'trap "exit 42" USR1; trap "exit 43" HUP; echo ready; while :; do sleep 0.1; done'
  bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out1"
  runpid=$BG_PID
  wait_for 100 grep -q ready "$TEST_TMP/out1"
  kill -USR1 $runpid
  rc=0; wait $runpid || rc=$?
  [ "$rc" -eq 42 ]
  bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid 2)" > "$TEST_TMP/out2"
  runpid=$BG_PID
  wait_for 100 grep -q ready "$TEST_TMP/out2"
  kill -HUP $runpid
  rc=0; wait $runpid || rc=$?
  [ "$rc" -eq 43 ]
}

@test "run forwards every signal runc does (PWR, RTMIN+6, XCPU, a SEGV or BUS sent by kill), not SIGWINCH without a terminal" {
  make_bundle sh -c 'trap "echo winch >> /tmp/got" WINCH; trap "echo pwr >> /tmp/got" PWR
    trap "echo xcpu >> /tmp/got" XCPU; trap "echo segv >> /tmp/got" SEGV
    trap "echo bus >> /tmp/got" BUS; trap "echo rt >> /tmp/got; exit 44" 40
    : > /tmp/ready; while :; do sleep 0.1; done'
  cfg '.mounts |= map(select(.destination != "/tmp")) | .root.readonly = false'
  bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  runpid=$BG_PID
  wait_for 100 test -e "$BUNDLE/rootfs/tmp/ready"
  for sig in WINCH PWR XCPU SEGV BUS 40; do
    kill -$sig $runpid
    sleep 0.3
  done
  rc=0; wait $runpid || rc=$?
  [ "$rc" -eq 44 ]
  [ "$(cat "$BUNDLE/rootfs/tmp/got")" = "$(printf 'pwr\nxcpu\nsegv\nbus\nrt')" ]
  no_state "$(cid)"
}

@test "foreground run reaps the container's orphans at once when it has no pid namespace (runc's subreaper)" {
  # the subshell's child is orphaned, reparented to run (a subreaper), and
  # exits: a zombie of run's until run reaps it
  make_bundle sh -c '(sh -c "echo \$\$ > /tmp/orphan" &); while :; do sleep 0.1; done'
  cfg '.linux.namespaces |= map(select(.type != "pid"))
    | .mounts |= map(select(.destination != "/tmp")) | .root.readonly = false'
  bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  runpid=$BG_PID
  wait_for 100 test -s "$BUNDLE/rootfs/tmp/orphan"
  opid=$(cat "$BUNDLE/rootfs/tmp/orphan")
  wait_for 100 not test -e "/proc/$opid"
  kill -KILL "$(brig state "$(cid)" | jq -r .pid)"
  rc=0; wait $runpid || rc=$?
  [ "$rc" -eq 137 ]
}

@test "socket activation: LISTEN_FDS fds from 3 on reach the process with LISTEN_FDS and LISTEN_PID=1 when LISTEN_PID is brig's; not otherwise, not for exec (runc)" {
  make_bundle sh -c 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat /proc/self/fd/3 2>/dev/null || echo no-fd3'
  echo activated > "$TEST_TMP/sock-stand-in"
  run bash -c 'exec 3<"$1"; LISTEN_FDS=1 LISTEN_PID=$$ exec "$2" --root "$3" run -b "$4" "$5"' \
    _ "$TEST_TMP/sock-stand-in" "$BRIG" "$BRIG_ROOT" "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "fds=1 pid=1" ]
  [ "${lines[1]}" = activated ]
  # LISTEN_PID another process's: not ours to pass on
  run bash -c 'exec 3<"$1"; LISTEN_FDS=1 LISTEN_PID=1 exec "$2" --root "$3" run -b "$4" "$5"' \
    _ "$TEST_TMP/sock-stand-in" "$BRIG" "$BRIG_ROOT" "$BUNDLE" "$(cid 2)"
  [ "${lines[0]}" = "fds= pid=" ]
  [ "${lines[1]}" = no-fd3 ]
  # exec takes none
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid 3)" </dev/null >/dev/null 2>&1
  run bash -c 'exec 3<"$1"; LISTEN_FDS=1 LISTEN_PID=$$ exec "$2" --root "$3" exec "$4" sh -c "cat /proc/self/fd/3 2>/dev/null || echo no-fd3"' \
    _ "$TEST_TMP/sock-stand-in" "$BRIG" "$BRIG_ROOT" "$(cid 3)"
  [ "$output" = no-fd3 ]
  brig delete -f "$(cid 3)"
}

@test "run with SIGCHLD ignored by its caller still gets the exit status" {
  make_bundle sh -c 'exit 7'
  rc=0
  # (bash passes an ignored SIGCHLD on to what it execs; dash does not)
  timeout -k 5 30 bash -c 'trap "" CHLD; exec "$0" --root "$1" run -b "$2" "$3"' \
    "$BRIG" "$BRIG_ROOT" "$BUNDLE" "$(cid)" < /dev/null > "$TEST_TMP/out" 2>&1 || rc=$?
  [ "$rc" -eq 7 ]
  no_state "$(cid)"
}

@test "run returns 128+N when the process is killed by signal N" {
  # PID 1 of a pid namespace cannot be killed from inside: use a child.
  make_bundle sh -c 'sh -c "kill -9 \$\$"; exit $?'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 137 ]
  make_bundle sleep 1000
  bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid 2)"
  runpid=$BG_PID
  wait_for 50 status_is "$(cid 2)" running
  brig kill "$(cid 2)" KILL
  rc=0; wait $runpid || rc=$?
  [ "$rc" -eq 137 ]
}

@test "a foreground run's container deleted from outside: run ends, and leaves alone a new container of the same id" {
  make_bundle sleep 1000
  bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)"
  runpid=$BG_PID
  wait_for 50 status_is "$(cid)" running
  old=$(brig state "$(cid)" | jq -r .pid)
  # run cleans up only once it runs again, after the id is taken anew
  kill -STOP $runpid
  brig delete -f "$(cid)"
  brig run -d -b "$BUNDLE" "$(cid)"
  new=$(brig state "$(cid)" | jq -r .pid)
  [ "$new" != "$old" ]
  kill -CONT $runpid
  rc=0; wait $runpid || rc=$?
  [ "$rc" -eq 137 ]
  [ "$(brig state "$(cid)" | jq -r '.status + " " + (.pid | tostring)')" = "running $new" ]
  [ -d "/sys/fs/cgroup/pids/brig/$(cid)" ]
  brig delete -f "$(cid)"
}

@test "a missing executable fails create with runc's wording and leaves nothing" {
  make_bundle /bin/nosuch
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *'exec: "/bin/nosuch": stat /bin/nosuch: no such file or directory'* ]]
  no_state "$(cid)"
  make_bundle nosuch
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *'exec: "nosuch": executable file not found in $PATH'* ]]
  make_bundle /etc/passwd
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *'exec: "/etc/passwd": permission denied'* ]]
  root_clean
}

@test "a bare name is searched in process.env's PATH, else in the usual directories" {
  make_bundle hello-there
  printf '#!/bin/sh\necho "from $0"\n' > "$BUNDLE/rootfs/usr/sbin/hello-there"
  printf '#!/bin/sh\necho "from $0"\n' > "$BUNDLE/rootfs/home/user/hello-there"
  chmod 755 "$BUNDLE/rootfs/usr/sbin/hello-there" "$BUNDLE/rootfs/home/user/hello-there"
  cfg '.process.env = ["PATH=/nowhere:/home/user"]'
  run brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [ "$output" = "from /home/user/hello-there" ]
  # no PATH in the config: /usr/local/sbin, /usr/local/bin, /usr/sbin, ...
  cfg '.process.env = ["TERM=xterm"]'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$output" = "from /usr/sbin/hello-there" ]
}

@test "a program found through a relative PATH entry (., empty) is refused, as runc (Go's ErrDot)" {
  make_bundle hello-there
  printf '#!/bin/sh\necho "from $0"\n' > "$BUNDLE/rootfs/home/user/hello-there"
  chmod 755 "$BUNDLE/rootfs/home/user/hello-there"
  for p in ".:/bin" "/nowhere::/bin" "user:/bin"; do
    cfg --arg p "PATH=$p" '.process.env = [$p] | .process.cwd = "/home/user"'
    [ "$p" != "user:/bin" ] || cfg '.process.cwd = "/home"'
    run brig run -b "$BUNDLE" "$(cid "${#p}")"
    echo "$p: $output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'exec: "hello-there": cannot run executable found relative to current directory'* ]]
  done
  # an absolute entry before the relative one wins
  cfg '.process.env = ["PATH=/home/user:."] | .process.cwd = "/home/user"'
  run brig run -b "$BUNDLE" "$(cid abs)"
  [ "$status" -eq 0 ]
  [ "$output" = "from /home/user/hello-there" ]
}

@test "a failure in the middle of create leaves no state, cgroup or process" {
  make_bundle sleep 1000
  cfg '.process.cwd = "/etc/passwd/dir"'
  id=$(cid)
  run brig create -b "$BUNDLE" "$id"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == "brig: create $id: chdir to cwd (\"/etc/passwd/dir\") set in config.json failed: Not a directory" ]]
  no_state "$id"
  for c in /sys/fs/cgroup/*/; do [ ! -e "$c/brig/$id" ]; done
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" != "$BUNDLE/rootfs" ]
  done
  not grep -q "$BUNDLE" /proc/self/mountinfo
}

@test "a full state root fails create in one line naming the state file, and leaves no state, cgroup or process" {
  make_bundle sleep 1000
  id=$(cid)
  # inodes for the root, the container's lock, .fifo and its FIFO, .state
  # and .tmp: none left for the state file
  mkdir -p "$BRIG_ROOT"
  mount -t tmpfs -o size=64k,nr_inodes=6 brig-test-full "$BRIG_ROOT"
  run brig create -b "$BUNDLE" "$id"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$output" = "brig: create $id: state root: write .state/$id: No space left on device" ]
  no_state "$id"
  for c in /sys/fs/cgroup/*/; do [ ! -e "$c/brig/$id" ]; done
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" != "$BUNDLE/rootfs" ]
  done
  umount "$BRIG_ROOT"
}

@test "a reused pid never makes a dead container look alive" {
  make_bundle sleep 1000
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id"
  pid=$(brig state "$id" | jq -r .pid)
  # a live process of ours takes the place of the init in state.json
  bg sleep 1000
  decoy=$BG_PID
  kill -9 "$pid"
  wait_for 50 eval "! kill -0 $pid 2>/dev/null"
  tmp=$(mktemp)
  jq --argjson p "$decoy" '.pid = $p' "$BRIG_ROOT/.state/$id" > "$tmp"
  mv "$tmp" "$BRIG_ROOT/.state/$id"
  [ "$(state_of "$id")" = stopped ]
  run brig kill "$id" KILL
  [ "$status" -eq 1 ]
  kill -0 "$decoy"
  brig delete "$id"
  kill -0 "$decoy"
  kill "$decoy"
}

@test "a zombie init is stopped" {
  make_bundle true
  id=$(cid)
  # A subreaper that never reaps: the init exits and stays a zombie child.
  python3 - "$BRIG" "$BRIG_ROOT" "$BUNDLE" "$id" > "$TEST_TMP/out" <<'PY'
import ctypes, subprocess, sys, time, json
brig, root, bundle, cid = sys.argv[1:]
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
b = [brig, "--root", root]
subprocess.run(b + ["create", "-b", bundle, cid], check=True)
pid = json.loads(subprocess.run(b + ["state", cid], capture_output=True).stdout)["pid"]
subprocess.run(b + ["start", cid], check=True)
for _ in range(50):
    if open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] == "Z":
        break
    time.sleep(0.1)
print(open(f"/proc/{pid}/stat").read().split(")")[1].split()[0])
print(json.loads(subprocess.run(b + ["state", cid], capture_output=True).stdout)["status"])
PY
  [ "$(sed -n 1p "$TEST_TMP/out")" = Z ]
  [ "$(sed -n 2p "$TEST_TMP/out")" = stopped ]
}

@test "namespaces: each kind is new, or joined from a path" {
  make_bundle sh -c 'for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  for n in pid net ipc uts mnt cgroup; do
    host=$(readlink /proc/self/ns/$n)
    [[ "$output" == *"${n}:["* ]]
    not grep -qx "$host" <<<"$output"
  done
  # join the network namespace of a running container
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid a)"
  apid=$(brig state "$(cid a)" | jq -r .pid)
  make_bundle readlink /proc/self/ns/net
  cfg --arg p "/proc/$apid/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(readlink /proc/$apid/ns/net)" ]
}

@test "a namespace with an empty path is a new one, as runc takes it" {
  make_bundle readlink /proc/self/ns/net
  cfg '.linux.namespaces |= map(if .type == "network" then .path = "" else . end)'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [[ "$output" == net:* ]]
  [ "$output" != "$(readlink /proc/self/ns/net)" ]
}

@test "time namespace with offsets shifts the container's clocks" {
  make_bundle cat /proc/uptime
  cfg '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0}, "monotonic": {"secs": 3600}}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  inside=${output%%.*}
  host=$(cut -d. -f1 /proc/uptime)
  [ $((inside - host)) -ge 86390 ]
  [ $((inside - host)) -le 86410 ]
}

@test "with a time namespace and a pid namespace joined by path, hooks run in the host's" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid a)" </dev/null >/dev/null 2>&1
  apid=$(brig state "$(cid a)" | jq -r .pid)
  make_bundle cat /proc/uptime
  hook='readlink /proc/self/ns/time /proc/self/ns/pid >"$0"'
  cfg --arg p "/proc/$apid/ns/pid" --arg h "$hook" --arg o "$TEST_TMP/hookns" \
    '.linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = $p else . end] + [{"type":"time"}]
     | .linux.timeOffsets = {"monotonic": {"secs": 3600}}
     | .hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", $h, $o]}]'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$(cat "$TEST_TMP/hookns")" = "$(readlink /proc/self/ns/time /proc/self/ns/pid)" ]
}

@test "hostname and domainname are set inside" {
  make_bundle sh -c 'hostname; cat /proc/sys/kernel/domainname'
  cfg '.hostname = "box1" | .domainname = "example.org"'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = box1 ]
  [ "${lines[1]}" = example.org ]
}

@test "an empty hostname or domainname is none (runc): the inherited name stays; no uts namespace needed" {
  make_bundle hostname
  cfg '.hostname = "" | .domainname = ""'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(hostname)" ]
  cfg '.linux.namespaces |= map(select(.type != "uts"))'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(hostname)" ]
}

@test "hostname without a uts namespace is refused" {
  cfg '.linux.namespaces |= map(select(.type != "uts"))'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"without a private UTS namespace"* ]]
  root_clean
}

@test "process env, cwd and user reach the process" {
  make_bundle sh -c 'echo "$FOO|$(pwd)|$(id -u):$(id -g)"'
  cfg '.process.env += ["FOO=bar baz"] | .process.cwd = "/home/user" | .process.user = {"uid": 1000, "gid": 1000}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = "bar baz|/home/user|1000:1000" ]
}

@test "HOME missing or empty in process.env is the user's home in the container's /etc/passwd, else / (runc's): run, execute, exec" {
  make_bundle sh -c 'echo "$HOME"'
  run brig run -b "$BUNDLE" "$(cid 1)"
  [ "$status" -eq 0 ]
  [ "$output" = /root ]
  cfg '.process.user = {"uid": 1000, "gid": 1000}'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$output" = /home/user ]
  run brig execute -b "$BUNDLE" "$(cid 3)"
  [ "$output" = /home/user ]
  cfg '.process.env += ["HOME="]'
  run brig run -b "$BUNDLE" "$(cid 4)"
  [ "$output" = /home/user ]
  cfg '.process.env += ["HOME=/x"]'
  run brig run -b "$BUNDLE" "$(cid 5)"
  [ "$output" = /x ]
  cfg '.process.env -= ["HOME=", "HOME=/x"] | .process.user = {"uid": 4242, "gid": 4242}'
  run brig run -b "$BUNDLE" "$(cid 6)"
  [ "$output" = / ]
  cfg '.process.args = ["sleep", "1000"] | .process.user = {"uid": 0, "gid": 0}'
  brig run -d -b "$BUNDLE" "$(cid 7)" </dev/null >/dev/null 2>&1
  run brig exec "$(cid 7)" sh -c 'echo "$HOME"'
  [ "$output" = /root ]
  run brig exec -u 1000:1000 "$(cid 7)" sh -c 'echo "$HOME"'
  [ "$output" = /home/user ]
  run brig exec -u 1000:1000 -e HOME=/q "$(cid 7)" sh -c 'echo "$HOME"'
  [ "$output" = /q ]
  brig delete -f "$(cid 7)"
  # Read as a stream: past a line longer than the reader's buffer (64 KiB,
  # skipped), a 20,000-byte line is read whole and the first line of the
  # uid wins.
  cp "$BUNDLE/rootfs/etc/passwd" "$TEST_TMP/passwd"
  {
    for i in $(seq 2000 3999); do echo "u$i:x:$i:$i::/home/u$i:/bin/sh"; done
    printf 'huge:x:4242:4242:%s:/huge:/bin/sh\n' "$(head -c 70000 /dev/zero | tr '\0' g)"
    printf 'long:x:4242:4242:%s:/far:/bin/sh\n' "$(head -c 20000 /dev/zero | tr '\0' g)"
    echo "next:x:4242:4242::/next:/bin/sh"
  } >> "$BUNDLE/rootfs/etc/passwd"
  cfg '.process.args = ["sh", "-c", "echo \"$HOME\""] | .process.user = {"uid": 4242, "gid": 4242}'
  run brig run -b "$BUNDLE" "$(cid 9)"
  [ "$output" = /far ]
  cp "$TEST_TMP/passwd" "$BUNDLE/rootfs/etc/passwd"
  cfg '.process.user = {"uid": 0, "gid": 0}'
  # Only a regular file is read: a FIFO there would block the init.
  rm "$BUNDLE/rootfs/etc/passwd"
  mkfifo "$BUNDLE/rootfs/etc/passwd"
  run timeout 20 "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid 8)"
  [ "$status" -eq 0 ]
  [ "$output" = / ]
}

@test "a new session keyring _ses.ID (runc's name) unless --no-new-keyring" {
  make_bundle cat /proc/keys
  cfg '.linux.maskedPaths -= ["/proc/keys"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  echo "$output" | grep -q "keyring *_ses.$(cid): "
  run brig run --no-new-keyring -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  not grep -q "$(cid 2)" <<<"$output"
}

@test "--systemd-cgroup is refused clearly until a systemd driver exists" {
  run brig --systemd-cgroup create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"systemd cgroup driver is not supported"* ]]
  root_clean
}

@test "--log-format json writes the error as one JSON line" {
  run brig --log "$TEST_TMP/log" --log-format json start nosuch
  [ "$status" -eq 1 ]
  [ "$(jq -r .level "$TEST_TMP/log")" = error ]
  [ "$(jq -r .msg "$TEST_TMP/log")" = "container does not exist" ]
  [[ "$(jq -r .time "$TEST_TMP/log")" =~ ^20[0-9-]+T[0-9:.]+Z$ ]]
}

@test "the container gets only fds 0, 1, 2 (and --preserve-fds)" {
  make_bundle ls /proc/self/fd
  run brig run -b "$BUNDLE" "$(cid)" 5>/dev/null 6>/dev/null
  [ "$status" -eq 0 ]
  # ls itself opens the directory as fd 3
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]
  run brig run --preserve-fds 2 -b "$BUNDLE" "$(cid 2)" 3>/dev/null 4>/dev/null
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 4 5 " ]
}

@test "a user namespace with uid/gid mappings: root inside is an unprivileged uid outside" {
  make_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; sleep 1000'
  cfg '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}]'
  brig run -d -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 </dev/null
  pid=$(brig state "$(cid)" | jq -r .pid)
  wait_for 50 grep -qx 0 "$TEST_TMP/out"
  [ "$(sed -n 1p "$TEST_TMP/out" | tr -s ' ')" = " 0 100000 65536" ]
  [ "$(sed -n 2p "$TEST_TMP/out" | tr -s ' ')" = " 0 200000 1000" ]
  # seen from the host, the container's root is uid 100000
  [ "$(stat -c %u /proc/$pid)" = 100000 ]
  [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ]
}

@test "signals the caller ignored are at their default in the container (run, create/start, exec)" {
  # nohup ignores SIGHUP, a Go engine SIGPIPE, GNU make 32 and 33 (which
  # musl's and glibc's sigaction refuse to touch); an ignored signal stays
  # ignored across exec and a shell cannot trap it.  HUP, USR1, USR2, PIPE
  # and 34 (musl keeps it for itself) ignored here: bits 0, 9, 11, 12, 33.
  ign() { (trap '' HUP USR1 USR2 PIPE 34; "$@"); }
  sigign() { awk '/^SigIgn:/ { print $2 }' <<<"$1"; }
  # the caller does ignore them, so each check below can fail
  mask=$(sigign "$(ign cat /proc/self/status)")
  [ $((0x$mask & 0x200001a01)) -eq $((0x200001a01)) ]
  make_bundle cat /proc/self/status
  out=$(ign "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" </dev/null)
  echo "run: $(grep SigIgn <<<"$out")"
  [ "$(sigign "$out")" = 0000000000000000 ]
  make_bundle sleep 100
  ign "$BRIG" --root "$BRIG_ROOT" create -b "$BUNDLE" "$(cid 2)" >/dev/null 2>&1 </dev/null
  brig start "$(cid 2)"
  out=$(ign "$BRIG" --root "$BRIG_ROOT" exec "$(cid 2)" cat /proc/self/status </dev/null)
  [ "$(sigign "$out")" = 0000000000000000 ]
  out=$(brig exec "$(cid 2)" cat /proc/1/status)
  [ "$(sigign "$out")" = 0000000000000000 ]
  brig delete -f "$(cid 2)"
}

@test "list, state and kill do not wait for a create held up in its hook: it is creating (runc takes no lock to read)" {
  make_bundle sleep 1000
  printf '#!/bin/sh\ntouch "%s"\ni=0\nwhile [ ! -e "%s" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done\n' \
    "$TEST_TMP/in-hook" "$TEST_TMP/go" > "$TEST_TMP/hook.sh"
  chmod +x "$TEST_TMP/hook.sh"
  cfg ".hooks = {\"createRuntime\": [{\"path\": \"$TEST_TMP/hook.sh\"}]}"
  bg "$BRIG" --root "$BRIG_ROOT" create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/cout" 2>&1
  cpid=$BG_PID
  wait_for 100 test -e "$TEST_TMP/in-hook"
  run timeout 5 "$BRIG" --root "$BRIG_ROOT" list -f json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0].status' <<< "$output")" = creating ]
  run timeout 5 "$BRIG" --root "$BRIG_ROOT" state "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<< "$output")" = creating ]
  run timeout 5 "$BRIG" --root "$BRIG_ROOT" kill "$(cid)" KILL
  [ "$status" -eq 1 ]
  [ "$output" = "brig: container not running" ]
  touch "$TEST_TMP/go"
  wait "$cpid"
  [ "$(brig state "$(cid)" | jq -r .status)" = created ]
  brig delete -f "$(cid)"
}

@test "state of a container whose state.json is larger than 8 KiB is read whole, without waiting for its lock" {
  make_bundle sleep 1000
  cfg "$(printf '.annotations = {%s"x": "y"}' "$(for i in $(seq 200); do printf '"k%03d": "%060d", ' "$i" 0; done)")"
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  [ "$(stat -c %s "$BRIG_ROOT/.state/$(cid)")" -gt 8192 ]
  # another command holds the container's lock meanwhile
  exec 7<"$BRIG_ROOT/$(cid)"
  flock -x 7
  run timeout 5 "$BRIG" --root "$BRIG_ROOT" state "$(cid)"
  exec 7<&-
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<< "$output")" = running ]
  [ "$(jq -r '.annotations.k200' <<< "$output")" = "$(printf '%060d' 0)" ]
  brig delete -f "$(cid)"
}

@test "create --preserve-fds N with fewer fds open: brig's own (its lock) reach no slot of the init's; start works" {
  make_bundle sh -c 'for i in 3 4 5 6 7 8 9 10 11; do readlink /proc/self/fd/$i || echo none; done'
  # only 0, 1 and 2 open (bats holds more): fds 3-10 are the caller's to
  # give, and none is given
  (for f in /proc/$BASHPID/fd/*; do n=${f##*/}; [ "$n" -le 2 ] || eval "exec $n>&-"; done
   exec "$BRIG" --root "$BRIG_ROOT" create --preserve-fds 8 -b "$BUNDLE" "$(cid)" \
     </dev/null >"$TEST_TMP/out" 2>&1) || { cat "$TEST_TMP/out"; false; }
  run timeout -k 5 10 "$BRIG" --root "$BRIG_ROOT" start "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  wait_for 50 grep -q . "$TEST_TMP/out"
  cat "$TEST_TMP/out"
  # the 8 slots are there, empty ones /dev/null (brig's own fds, the
  # re-exec's mount included, moved above them), and nothing after them
  [ "$(grep -c '^/dev/null$' "$TEST_TMP/out")" -eq 8 ]
  [ "$(tail -1 "$TEST_TMP/out")" = none ]
}
