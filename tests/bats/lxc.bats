#!/usr/bin/env bats
# The LXC tool set, part 1: execute (built-in init), stop, wait, monitor.

load helpers

bats_require_minimum_version 1.5.0

# start_monitor [ARGS...]: brig monitor ARGS in the background, its output
# in $TEST_TMP/mon, its pid in $mpid; stop_monitor ends it.
start_monitor() {
  bg "$BRIG" --root "$BRIG_ROOT" monitor "$@" > "$TEST_TMP/mon" 2>&1
  mpid=$BG_PID
  sleep 0.3
}
stop_monitor() { kill "$mpid"; wait "$mpid" || true; }

# The app (PID 1 under run, 2 under execute) double-forks 50 children in a
# background job, then becomes `sleep`, which never reaps: the orphans go to
# PID 1, and only an init that reaps them leaves no zombie.
zombies_script='echo "pid=$$"; ( for i in $(seq 50); do (sleep 0.1 &) ; done; sleep 1.5; n=0; for s in /proc/[0-9]*/stat; do case "$(cut -d" " -f3 "$s" 2>/dev/null)" in Z) n=$((n+1));; esac; done; echo "zombies=$n" ) & exec sleep 2.5'

@test "execute: the process is PID 2 and double-forked orphans leave no zombie" {
  make_bundle sh -c "$zombies_script"
  run brig execute -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'pid=2\nzombies=0')" ]
}

@test "without an init the same orphans stay zombies (the test can fail)" {
  make_bundle sh -c "$zombies_script"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = pid=1 ]
  [[ "${lines[1]}" =~ ^zombies=[1-9][0-9]*$ ]]
}

@test "execute -- CMD replaces process.args; PID 1 is brig's init" {
  run brig execute -b "$BUNDLE" "$(cid)" -- sh -c 'echo $$; cat /proc/1/status | grep -E "^(Name|CapEff)"; grep CapEff /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 2 ]
  [[ "${lines[1]}" == Name:*brig* ]]
  # the init runs with the process's capabilities
  [ "$(echo "${lines[2]}" | awk '{print $2}')" = "$(echo "${lines[3]}" | awk '{print $2}')" ]
}

@test "execute: SIGTERM to brig execute reaches the app; its exit code comes back" {
  make_bundle sh -c 'trap "exit 33" TERM; echo ready; while :; do sleep 0.1; done'
  bg "$BRIG" --root "$BRIG_ROOT" execute -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out"
  p=$BG_PID
  wait_for 100 grep -q ready "$TEST_TMP/out"
  kill -TERM $p
  rc=0; wait $p || rc=$?
  [ "$rc" -eq 33 ]
}

@test "execute: the init forwards each listed signal and kill reaches the app" {
  make_bundle sh -c 'for s in INT HUP QUIT USR1 USR2 WINCH; do trap "echo got-$s" $s; done; trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done'
  brig run -d --init -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 </dev/null
  wait_for 100 grep -q ready "$TEST_TMP/out"
  for s in INT HUP QUIT USR1 USR2 WINCH; do
    brig kill "$(cid)" $s
    wait_for 30 grep -q "got-$s" "$TEST_TMP/out"
  done
  brig kill "$(cid)" TERM
  run brig wait -t 5s "$(cid)"
  [ "$status" -eq 0 ]
}

@test "execute: the init is non-dumpable and holds no host fd" {
  make_bundle sleep 1000
  brig run -d --init -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  ipid=$(brig state "$(cid)" | jq -r .pid)
  wait_for 50 eval "[ \"\$(ls /proc/$ipid/fd | sort -n | tr '\n' ' ')\" = '0 1 2 3 ' ]" # 3: its signalfd
  [ "$(readlink /proc/$ipid/fd/3)" = "anon_inode:[signalfd]" ]
  [ "$(awk '/^Uid/{print $2}' /proc/$ipid/status)" = 0 ]
  # non-dumpable: /proc/<init>/ files belong to root and are not readable
  # by the container's processes even as root without CAP_SYS_PTRACE
  run brig exec "$(cid)" cat /proc/1/environ
  [ "$status" -ne 0 ]
}

@test "--init requires a new pid namespace" {
  cfg '.linux.namespaces |= map(select(.type != "pid"))'
  run brig run --init -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--init requires a new pid namespace"* ]]
  root_clean
}

@test "stop: SIGTERM first, SIGKILL after the timeout for a process that ignores it" {
  make_bundle sh -c 'trap "" TERM; while :; do sleep 0.1; done'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  SECONDS=0
  run brig stop -t 1s "$(cid)"
  [ "$status" -eq 0 ]
  [ "$SECONDS" -ge 1 ]
  [ "$SECONDS" -lt 15 ]
  [ "$(brig state "$(cid)" | jq -r .status)" = stopped ]
}

@test "stop: a created container stops at SIGTERM, not after the timeout" {
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid)" </dev/null > "$TEST_TMP/out" 2>&1
  SECONDS=0
  run brig stop -t 60s "$(cid)"
  [ "$status" -eq 0 ]
  [ "$SECONDS" -lt 30 ]
  [ "$(brig state "$(cid)" | jq -r .status)" = stopped ]
}

@test "stop: a process that handles SIGTERM stops without SIGKILL" {
  make_bundle sh -c 'trap "echo term > /dev/shm/x; exit 0" TERM; echo ready; while :; do sleep 0.1; done'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null > "$TEST_TMP/out" 2>&1
  wait_for 100 grep -q ready "$TEST_TMP/out"
  SECONDS=0
  run brig stop -t 30s "$(cid)"
  [ "$status" -eq 0 ]
  [ "$SECONDS" -lt 10 ]
  run brig stop "$(cid)"
  [ "$status" -eq 0 ]
  run brig stop -s BOGUS "$(cid)"
  [ "$status" -eq 1 ]
}

@test "wait: 124 on timeout, 0 on reaching the state" {
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig wait --state running --timeout 500ms "$(cid)"
  [ "$status" -eq 124 ]
  ( sleep 0.5; "$BRIG" --root "$BRIG_ROOT" start "$(cid)" ) &
  run brig wait --state running --timeout 10s "$(cid)"
  [ "$status" -eq 0 ]
  ( sleep 0.5; "$BRIG" --root "$BRIG_ROOT" kill "$(cid)" KILL ) &
  SECONDS=0
  run brig wait "$(cid)"
  [ "$status" -eq 0 ]
  [ "$SECONDS" -lt 5 ]
  run brig wait --state bogus "$(cid)"
  [ "$status" -eq 1 ]
}

@test "wait: several states as lxc-wait takes them (RUNNING|STOPPED); an unreadable root is an error, not a wait for ever" {
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig wait -s 'paused|running' -t 500ms "$(cid)"
  [ "$status" -eq 124 ]
  ( sleep 0.5; "$BRIG" --root "$BRIG_ROOT" start "$(cid)" ) &
  run brig wait -s 'STOPPED|RUNNING' -t 10s "$(cid)"
  [ "$status" -eq 0 ]
  run --separate-stderr brig wait -s 'running|bogus' "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *'unknown state "running|bogus"'* ]]
  brig delete -f "$(cid)"
  touch "$TEST_TMP/notadir"
  run --separate-stderr timeout -k 2 10 "$BRIG" --root "$TEST_TMP/notadir" wait -s running "$(cid)"
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: open state root $TEST_TMP/notadir: Not a directory" ]
}

@test "wait --timeout holds while a create runs a long hook (it does not wait for the container's lock)" {
  make_bundle sleep 1000
  cfg '.hooks = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "4"]}]}'
  "$BRIG" --root "$BRIG_ROOT" create -b "$BUNDLE" "$(cid)" > "$TEST_TMP/create.out" 2>&1 < /dev/null &
  cpid=$!
  wait_for 50 test -e "$BRIG_ROOT/$(cid)"
  sleep 0.3
  SECONDS=0
  run brig wait -s running -t 1s "$(cid)"
  [ "$status" -eq 124 ]
  [ "$SECONDS" -lt 3 ]
  wait "$cpid"
  brig delete -f "$(cid)"
}

@test "monitor prints created, running, stopped, deleted made by other commands" {
  start_monitor -f json
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  brig start "$(cid)"
  brig kill "$(cid)" KILL
  wait_for 50 grep -q '"stopped"' "$TEST_TMP/mon"
  brig delete "$(cid)"
  wait_for 50 grep -q '"deleted"' "$TEST_TMP/mon"
  stop_monitor
  [ "$(jq -r .event "$TEST_TMP/mon" | tr '\n' ' ')" = "created running stopped deleted " ]
  [ "$(jq -r .id "$TEST_TMP/mon" | sort -u)" = "$(cid)" ]
}

@test "monitor: a container deleted and made again under the same id between two looks is followed, without spinning" {
  make_bundle sleep 1000
  start_monitor
  brig run -d -b "$BUNDLE" "$(cid y)" </dev/null >/dev/null 2>&1
  brig run -d -b "$BUNDLE" "$(cid x)" </dev/null >/dev/null 2>&1
  wait_for 50 grep -q "$(cid x) running" "$TEST_TMP/mon"
  # y's stop keeps the monitor waiting (up to 1 s) for an exit note no
  # detached container sends; x goes and comes back meanwhile
  brig kill "$(cid y)" KILL
  brig kill "$(cid x)" KILL
  wait_for 50 eval '[ "$(brig state "$(cid x)" | jq -r .status)" = stopped ]'
  brig delete "$(cid x)"
  brig run -d -b "$BUNDLE" "$(cid x)" </dev/null >/dev/null 2>&1
  sleep 1.5
  cpu() { awk '{print $14 + $15}' "/proc/$mpid/stat"; }
  a=$(cpu); sleep 1; b=$(cpu)
  # an old pidfd left in the poll set: ~100 ticks a second
  [ $((b - a)) -lt 20 ]
  # the new x is followed: its stop is one more line (the first x's may
  # or may not have been seen)
  n=$(grep -c "$(cid x) stopped" "$TEST_TMP/mon" || true)
  brig kill "$(cid x)" KILL
  wait_for 50 sh -c "[ \$(grep -c '$(cid x) stopped' $TEST_TMP/mon) -gt $n ]"
  stop_monitor
  brig delete -f "$(cid x)"
  brig delete -f "$(cid y)"
}

@test "monitor: a create held up in its hook does not hold up the other containers' events" {
  make_bundle true
  # a's createRuntime hook runs while create holds a's lock, until the
  # test says go (or 60 s)
  printf '#!/bin/sh\ntouch "%s"\ni=0\nwhile [ ! -e "%s" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done\n' \
    "$TEST_TMP/in-hook" "$TEST_TMP/go" > "$TEST_TMP/hook.sh"
  chmod +x "$TEST_TMP/hook.sh"
  cp -a "$BUNDLE" "$TEST_TMP/hooked"
  jq --arg h "$TEST_TMP/hook.sh" '.hooks = {"createRuntime": [{"path": $h}]}' \
    "$BUNDLE/config.json" > "$TEST_TMP/hooked/config.json"
  start_monitor
  bg "$BRIG" --root "$BRIG_ROOT" create -b "$TEST_TMP/hooked" "$(cid a)" \
    </dev/null >"$TEST_TMP/cout" 2>&1
  cpid=$BG_PID
  wait_for 100 test -e "$TEST_TMP/in-hook"
  # the monitor has seen a's file appear, and looks at it
  sleep 0.3
  brig run -b "$BUNDLE" "$(cid b)"
  wait_for 100 grep -q "$(cid b) stopped" "$TEST_TMP/mon"
  touch "$TEST_TMP/go"
  wait "$cpid"
  wait_for 100 grep -q "$(cid a) created" "$TEST_TMP/mon"
  stop_monitor
  brig delete -f "$(cid a)"
}

@test "monitor reports an oom" {
  make_bundle sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
  cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  start_monitor "$(cid)"
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  wait_for 100 grep -q " oom$" "$TEST_TMP/mon"
  stop_monitor
  grep -q "$(cid) oom" "$TEST_TMP/mon"
}

@test "monitor prints paused and resumed, and wait sees paused" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  start_monitor "$(cid)"
  ( sleep 0.3; "$BRIG" --root "$BRIG_ROOT" pause "$(cid)" ) &
  run brig wait --state paused --timeout 10s "$(cid)"
  [ "$status" -eq 0 ]
  brig resume "$(cid)"
  wait_for 50 grep -q " resumed$" "$TEST_TMP/mon"
  stop_monitor
  [ "$(awk '{print $3}' "$TEST_TMP/mon" | tr '\n' ' ')" = "paused resumed " ]
}

@test "monitor: its socket is in <root>/.monitors while it runs, which goes with the last monitor" {
  bg "$BRIG" --root "$BRIG_ROOT" monitor > "$TEST_TMP/mon1" 2>&1
  m1=$BG_PID
  bg "$BRIG" --root "$BRIG_ROOT" monitor > "$TEST_TMP/mon2" 2>&1
  m2=$BG_PID
  wait_for 50 test -S "$BRIG_ROOT/.monitors/$m1.sock"
  wait_for 50 test -S "$BRIG_ROOT/.monitors/$m2.sock"
  # not a container
  [ -z "$(brig list -q)" ]
  kill $m1; wait $m1 || true
  [ ! -e "$BRIG_ROOT/.monitors/$m1.sock" ]
  [ -S "$BRIG_ROOT/.monitors/$m2.sock" ]
  kill $m2; wait $m2 || true
  [ ! -e "$BRIG_ROOT/.monitors" ]
}

# dead_monitor: a monitor SIGKILLed once listening; its socket stays,
# its pid in DEAD_PID.
dead_monitor() {
  bg "$BRIG" --root "$BRIG_ROOT" monitor > "$TEST_TMP/mon.dead" 2>&1
  DEAD_PID=$BG_PID
  wait_for 50 test -S "$BRIG_ROOT/.monitors/$DEAD_PID.sock"
  kill -KILL $DEAD_PID; wait $DEAD_PID || true
  [ -S "$BRIG_ROOT/.monitors/$DEAD_PID.sock" ]
}

@test "monitor: a run removes a dead monitor's socket and the empty directory" {
  dead_monitor
  make_bundle true
  brig run -b "$BUNDLE" "$(cid)"
  [ ! -e "$BRIG_ROOT/.monitors" ]
}

@test "monitor: a new monitor removes a dead monitor's socket and leaves a live one's" {
  dead_monitor
  bg "$BRIG" --root "$BRIG_ROOT" monitor > "$TEST_TMP/mon2" 2>&1
  m2=$BG_PID
  wait_for 50 test -S "$BRIG_ROOT/.monitors/$m2.sock"
  wait_for 50 test ! -e "$BRIG_ROOT/.monitors/$DEAD_PID.sock"
  bg "$BRIG" --root "$BRIG_ROOT" monitor > "$TEST_TMP/mon3" 2>&1
  m3=$BG_PID
  # a container's event shows m3 past its sweep
  make_bundle sleep 100
  brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  wait_for 50 grep -q "$(cid)" "$TEST_TMP/mon3"
  [ -S "$BRIG_ROOT/.monitors/$m2.sock" ]
  brig delete -f "$(cid)"
  kill $m2 $m3; wait $m2 $m3 || true
  [ ! -e "$BRIG_ROOT/.monitors" ]
}

@test "monitor: a foreground run's exit status comes with stopped" {
  start_monitor -f json "$(cid)"
  make_bundle sh -c 'sleep 0.3; exit 7'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 7 ]
  wait_for 50 grep -q '"deleted"' "$TEST_TMP/mon"
  stop_monitor
  [ "$(jq -c 'select(.event == "stopped") | .status' "$TEST_TMP/mon")" = 7 ]
}

@test "monitor without ids also follows the containers that existed before it started" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  start_monitor -f json
  brig pause "$(cid)"
  brig resume "$(cid)"
  brig kill "$(cid)" KILL
  wait_for 50 grep -q '"stopped"' "$TEST_TMP/mon"
  brig delete "$(cid)"
  wait_for 50 grep -q '"deleted"' "$TEST_TMP/mon"
  stop_monitor
  # nothing for the state it found, each change after
  [ "$(jq -r .event "$TEST_TMP/mon" | tr '\n' ' ')" = "paused resumed stopped deleted " ]
  [ "$(jq -r .id "$TEST_TMP/mon" | sort -u)" = "$(cid)" ]
}

@test "monitor: events the kernel dropped (inotify queue overflow) are made up for by a rescan" {
  make_bundle sleep 1000
  start_monitor
  kill -STOP "$mpid"
  # more events than the kernel queues (fs.inotify.max_queued_events) for
  # the stopped monitor: files of no container (a leading dot), made and
  # removed; then a container it must still see
  max=$(cat /proc/sys/fs/inotify/max_queued_events)
  (cd "$BRIG_ROOT" && seq -f ".flood%g" 1 $((max + 100)) | xargs touch)
  (cd "$BRIG_ROOT" && seq -f ".flood%g" 1 $((max + 100)) | xargs rm -f)
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  kill -CONT "$mpid"
  wait_for 50 grep -q "$(cid) running" "$TEST_TMP/mon"
  brig delete -f "$(cid)"
  wait_for 50 grep -q "$(cid) deleted" "$TEST_TMP/mon"
  stop_monitor
}
