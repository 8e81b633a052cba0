#!/usr/bin/env bats
# exec: a new process in a running container, with each flag observed from
# inside.

load helpers

bats_require_minimum_version 1.5.0

start_ctr() {
  make_bundle sleep 1000
  cfg '.process.capabilities.bounding += ["CAP_SYS_ADMIN", "CAP_NET_RAW"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  ID=$(cid)
  PID=$(brig state "$ID" | jq -r .pid)
}

@test "exec joins every namespace and the cgroup of the container" {
  start_ctr
  run brig exec "$ID" sh -c 'for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done'
  [ "$status" -eq 0 ]
  expected=$(for n in pid net ipc uts mnt cgroup; do readlink /proc/$PID/ns/$n; done)
  [ "$output" = "$expected" ]
  # from the host's view: the exec'd process shares the init's cgroups
  brig exec -d --pid-file "$TEST_TMP/p" "$ID" sleep 999 </dev/null >/dev/null 2>&1
  [ "$(cat /proc/$(cat "$TEST_TMP/p")/cgroup)" = "$(cat /proc/$PID/cgroup)" ]
  kill -9 "$(cat "$TEST_TMP/p")"
}

@test "foreground exec without a terminal: the process's stdio are pipes brig relays, not the caller's files (runc)" {
  start_ctr
  echo in-data >"$TEST_TMP/in"
  rc=0
  brig exec "$ID" sh -c 'for f in 0 1 2; do stat -L -c %F /proc/self/fd/$f; done; cat' \
    <"$TEST_TMP/in" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
  cat "$TEST_TMP/out" "$TEST_TMP/err"
  [ "$rc" -eq 0 ]
  [ "$(cat "$TEST_TMP/out")" = "$(printf 'fifo\nfifo\nfifo\nin-data')" ]
}

@test "exec -t whose process fails before handing over its pty fails at once" {
  start_ctr
  brig exec "$ID" rm /dev/ptmx
  rc=0
  timeout -s KILL 20 "$BRIG" --root "$BRIG_ROOT" exec -t "$ID" true \
    </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -ne 0 ] && [ "$rc" -ne 137 ] # not killed by timeout
  [[ "$(cat "$TEST_TMP/out")" == "brig: "*ptmx* ]]
}

@test "exec --pid-file naming a directory fails, leaving the directory and no temporary file" {
  start_ctr
  mkdir -p "$TEST_TMP/pd/sub/x"
  rc=0
  brig exec --pid-file "$TEST_TMP/pd/sub" "$ID" true </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -ne 0 ]
  [[ "$(cat "$TEST_TMP/out")" == "brig: "*"pid file $TEST_TMP/pd/sub"*"Is a directory"* ]]
  [ "$(ls -A "$TEST_TMP/pd")" = sub ]
  [ -d "$TEST_TMP/pd/sub/x" ]
}

@test "exec returns the process's exit status; 255 when brig cannot exec" {
  start_ctr
  run brig exec "$ID" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  [ -z "$output" ]
  # a process's own 255 is its status, not a failure of brig's (runc)
  run brig exec "$ID" sh -c 'exit 255'
  [ "$status" -eq 255 ]
  [ -z "$output" ]
  run brig exec "$ID" /nosuch
  [ "$status" -eq 255 ]
  [ "$output" = 'brig: exec failed: exec: "/nosuch": stat /nosuch: no such file or directory' ]
  run brig exec nosuch true
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: container does not exist" ]
}

@test "exec: a process killed by signal N gives 128+N" {
  start_ctr
  run brig exec "$ID" sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
}

@test "exec --user, --additional-gids, --env, --cwd" {
  start_ctr
  run brig exec -u 1000:1000 -g 5 -g 65534 -e FOO=bar -e PATH=/bin --cwd /home/user "$ID" sh -c 'echo "$(id -u):$(id -g):$(id -G):$FOO:$PATH:$(pwd)"'
  [ "$status" -eq 0 ]
  [ "$output" = "1000:1000:1000 5 65534:bar:/bin:/home/user" ]
  run brig exec -u 1000 "$ID" id -u
  [ "$output" = 1000 ]
}

@test "exec: ids past 2147483647 are refused (runc's range; 4294967295 would leave the process root); 2147483647 is taken" {
  start_ctr
  for flags in "-u 4294967295" "-u 0:4294967295" "-u 2147483648" "-g 4294967295"; do
    # shellcheck disable=SC2086 # the flags are words
    run brig exec $flags "$ID" id
    echo "$flags: $output"
    [ "$status" -eq 255 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"invalid --"* ]]
  done
  echo '{"args": ["id", "-u"], "cwd": "/", "user": {"uid": 4294967295, "gid": 0}}' >"$TEST_TMP/p.json"
  run brig exec --process "$TEST_TMP/p.json" "$ID"
  echo "$output"
  [ "$status" -eq 255 ]
  [[ "$output" == *".user.uid: expected an integer from 0 to 2147483647, got 4294967295" ]]
  run brig exec -u 2147483647:2147483647 -g 2147483647 "$ID" sh -c 'echo "$(id -u):$(id -g):$(id -G)"'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "2147483647:2147483647:2147483647" ]
}

@test "exec refuses an --env without NAME=, a relative --cwd, a process file's env entry without NAME= (runc's 255); nothing runs" {
  start_ctr
  cat > "$TEST_TMP/proc.json" <<'JSON'
{"args": ["touch", "/tmp/ran"], "env": ["PATH=/bin", "X"], "cwd": "/"}
JSON
  for flags in "-e FOO" "-e =x" "--cwd tmp"; do
    # shellcheck disable=SC2086
    run --separate-stderr brig exec $flags "$ID" touch /tmp/ran
    [ "$status" -eq 255 ]
    case $flags in
    -e*) [ "$stderr" = "brig: exec failed: exec: invalid --env \"${flags#-e }\": want NAME=VALUE" ] ;;
    *) [ "$stderr" = 'brig: exec failed: exec: --cwd "tmp" is not an absolute path' ] ;;
    esac
  done
  run --separate-stderr brig exec -p "$TEST_TMP/proc.json" "$ID"
  [ "$status" -eq 255 ]
  [ "$stderr" = "brig: exec failed: $TEST_TMP/proc.json: .env[1]: expected NAME=VALUE with a non-empty NAME, got \"X\"" ]
  run brig exec "$ID" test -e /tmp/ran
  [ "$status" -eq 1 ]
}

@test "exec --cap adds a capability; the default sets come from config.json" {
  start_ctr
  run brig exec "$ID" grep CapEff /proc/self/status
  base=$(echo "$output" | awk '{print $2}')
  run brig exec --cap CAP_SYS_ADMIN "$ID" grep CapEff /proc/self/status
  with=$(echo "$output" | awk '{print $2}')
  [ $(( 0x$with & (1 << 21) )) -ne 0 ]
  [ $(( 0x$base & (1 << 21) )) -eq 0 ]
}

@test "exec --no-new-privs=false clears the config's noNewPrivileges (runc asks IsSet); given bare or not at all, as before" {
  make_bundle sleep 1000
  cfg '.process.noNewPrivileges = true'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig exec --no-new-privs=false "$(cid)" grep NoNewPrivs /proc/self/status
  [ "$output" = "NoNewPrivs:	0" ]
  run brig exec "$(cid)" grep NoNewPrivs /proc/self/status
  [ "$output" = "NoNewPrivs:	1" ]
  run brig exec --no-new-privs=true "$(cid)" grep NoNewPrivs /proc/self/status
  [ "$output" = "NoNewPrivs:	1" ]
  brig delete -f "$(cid)"
}

@test "exec --no-new-privs sets NoNewPrivs" {
  start_ctr
  cfg '.process.noNewPrivileges = false'
  run brig exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
  [ "$output" = "NoNewPrivs:	1" ]
}

@test "exec --tty gives the process a terminal; --console-socket sends it" {
  start_ctr
  run brig exec -t "$ID" sh -c 'tty; [ -t 0 ] && echo yes'
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -d '\r' | sed -n 2p)" = yes ]
  [[ "$(echo "$output" | tr -d '\r' | sed -n 1p)" == /dev/pts/* ]]
  bg "$TOP/build/recvtty" "$TEST_TMP/tty.sock" > "$TEST_TMP/tty.out"
  rpid=$BG_PID
  wait_for 50 test -S "$TEST_TMP/tty.sock"
  brig exec -t -d --console-socket "$TEST_TMP/tty.sock" "$ID" sh -c 'tty; echo via-socket'
  wait $rpid
  grep -q via-socket "$TEST_TMP/tty.out"
  run brig exec -t -d "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot allocate tty"* ]]
  # a foreground exec relays the pty itself: a console socket is refused
  # (runc's checkTerminal)
  run brig exec -t --console-socket "$TEST_TMP/tty.sock" "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot use console socket if brig will not detach or allocate tty"* ]]
}

@test "exec -t --console-socket: the pty has the config's consoleSize (runc keeps the container's)" {
  make_bundle sleep 1000
  cfg '.process.consoleSize = {"height": 31, "width": 101}'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  bg "$TOP/build/recvtty" "$TEST_TMP/tty.sock" > "$TEST_TMP/tty.out"
  rpid=$BG_PID
  wait_for 50 test -S "$TEST_TMP/tty.sock"
  brig exec -t -d --console-socket "$TEST_TMP/tty.sock" "$(cid)" stty size
  wait $rpid
  cat "$TEST_TMP/tty.out"
  [ "$(tr -d '\r' < "$TEST_TMP/tty.out")" = "31 101" ]
}

@test "exec --detach with --pid-file: the caller reaps the process" {
  start_ctr
  brig exec -d --pid-file "$TEST_TMP/pid" "$ID" sleep 999 </dev/null >/dev/null 2>&1
  p=$(cat "$TEST_TMP/pid")
  grep -q 'sleep' "/proc/$p/cmdline"
  [ "$(readlink /proc/$p/ns/pid)" = "$(readlink /proc/$PID/ns/pid)" ]
  kill -9 "$p"
}

@test "exec --process FILE runs the process described there" {
  start_ctr
  cat > "$TEST_TMP/proc.json" <<'JSON'
{"args": ["sh", "-c", "echo $X; id -u; pwd"], "env": ["X=from-file", "PATH=/bin"], "cwd": "/tmp", "user": {"uid": 65534, "gid": 65534}}
JSON
  run brig exec -p "$TEST_TMP/proc.json" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'from-file\n65534\n/tmp')" ]
  echo '{"args": []}' > "$TEST_TMP/bad.json"
  run brig exec -p "$TEST_TMP/bad.json" "$ID"
  [ "$status" -eq 255 ]
  [[ "$output" == *"bad.json"*".args"* ]]
}

@test "exec --process FILE: what the file leaves out is the container's (capabilities, rlimits, oomScoreAdj), as runc" {
  make_bundle sleep 1000
  cfg '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
       | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
       | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]
       | .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 777, "soft": 555}]
       | .process.oomScoreAdj = 321'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  PID=$(brig state "$(cid)" | jq -r .pid)
  cat > "$TEST_TMP/proc.json" <<'JSON'
{"args": ["sh", "-c", "grep -E '^Cap(Bnd|Eff)' /proc/self/status; ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj"], "env": ["PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}
JSON
  run brig exec -p "$TEST_TMP/proc.json" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(grep '^CapEff' /proc/$PID/status)" ]
  [ "${lines[1]}" = "$(grep '^CapBnd' /proc/$PID/status)" ]
  [ "${lines[2]}" = 555 ]
  [ "${lines[3]}" = 777 ]
  [ "${lines[4]}" = 321 ]
  # what the file gives is the file's
  jq '.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}
      | .rlimits = [{"type": "RLIMIT_NOFILE", "hard": 444, "soft": 333}] | .oomScoreAdj = 123' \
    "$TEST_TMP/proc.json" > "$TEST_TMP/own.json"
  run brig exec -p "$TEST_TMP/own.json" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "$(printf 'CapBnd:\t0000000000000020')" ]
  [ "${lines[2]}" = 333 ]
  [ "${lines[3]}" = 444 ]
  [ "${lines[4]}" = 123 ]
}

@test "exec -e is appended to the config's env, so it wins over a key given twice there; empty --cwd and --user are ignored (runc)" {
  make_bundle sleep 1000
  cfg '.process.env += ["A=1", "A=2"] | .process.cwd = "/tmp"'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig exec -e A=3 --cwd "" --user "" "$(cid)" sh -c 'echo "$A"; pwd; id -u'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '3\n/tmp\n0')" ]
}

@test "exec --preserve-fds passes extra fds" {
  start_ctr
  run brig exec --preserve-fds 1 "$ID" ls /proc/self/fd 3</dev/null
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 4 " ]
  run brig exec "$ID" ls /proc/self/fd 3</dev/null
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "exec into a stopped container is refused with runc's message" {
  start_ctr
  brig kill "$ID" KILL
  wait_for 50 eval "! kill -0 $PID 2>/dev/null"
  run brig exec "$ID" true
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: cannot exec in a stopped container" ]
}

@test "exec into a paused container is refused unless --ignore-paused" {
  start_ctr
  brig pause "$ID"
  run brig exec "$ID" true
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: cannot exec in a paused container (use --ignore-paused to override)" ]
  # allowed with --ignore-paused: the process runs once the container thaws
  bg "$BRIG" --root "$BRIG_ROOT" exec --ignore-paused "$ID" echo ran > "$TEST_TMP/out" 2>&1
  epid=$BG_PID
  sleep 0.5
  [ ! -s "$TEST_TMP/out" ]
  brig resume "$ID"
  wait $epid
  [ "$(cat "$TEST_TMP/out")" = ran ]
}

@test "exec forwards signals to the process" {
  start_ctr
  bg "$BRIG" --root "$BRIG_ROOT" exec "$ID" sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done'
  epid=$BG_PID
  sleep 0.5
  kill -USR1 $epid
  rc=0; wait $epid || rc=$?
  [ "$rc" -eq 42 ]
}

@test "exec into a cgroup the process cannot join fails with one line and leaves no process" {
  start_ctr
  cs=$(cg_dirs "$PID" | grep '/cpuset/')
  mkdir "$cs/nocpu"
  # a cpuset without cpus takes no task (ENOSPC): brig joins the helper
  # while it enters the namespaces, and must not let it go on
  echo "" >"$cs/nocpu/cpuset.cpus"
  [ -z "$(cat "$cs/nocpu/cpuset.cpus")" ]
  run brig exec --cgroup cpuset:nocpu "$ID" echo ran-nocpu
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"nocpu"*"No space left on device"* ]]
  [ -z "$(cat "$cs/nocpu/cgroup.procs")" ]
  # nor a helper (a fork of brig, with its arguments)
  ! pgrep -f "ran-nocpu"
  # the container's own cgroup has only its init in it
  [ "$(cat "$cs/cgroup.procs")" = "$PID" ]
  rmdir "$cs/nocpu"
}

@test "exec into a container whose /proc is a tmpfs with FIFOs for status files does not hang on them" {
  # the exec'd process reads which signals it has ignored before it execs,
  # in the container's mount namespace: only from a real procfs
  make_bundle sh -c 'mount -t tmpfs none /proc && mkdir -p /proc/self /proc/thread-self &&
    mkfifo /proc/self/status /proc/thread-self/status && exec sleep 1000'
  cfg '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  pid=$(brig state "$(cid)" | jq -r .pid)
  wait_for 50 test -p "/proc/$pid/root/proc/thread-self/status"
  # timeout's 124 would be a hang; the fallback asks the kernel instead
  run timeout 20 "$BRIG" --root "$BRIG_ROOT" exec "$(cid)" echo ran
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = ran ]
}

@test "exec usage errors exit 1" {
  run brig exec
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: "exec" requires a minimum of 2 argument(s)' ]
  run brig exec --bogus x true
  [ "$status" -eq 1 ]
}

# cg_dirs PID: the directory of each of PID's cgroups, one per hierarchy.
cg_dirs() {
  local n ctrl path
  while IFS=: read -r n ctrl path; do
    if [ -n "$ctrl" ]; then
      echo "/sys/fs/cgroup/${ctrl#name=}$path"
    elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
      echo "/sys/fs/cgroup$path"
    else
      echo "/sys/fs/cgroup/unified$path"
    fi
  done <"/proc/$1/cgroup"
}

@test "exec --cgroup: one sub-cgroup for every hierarchy or one per controller, runc's [<controller>:]<cgroup>" {
  start_ctr
  dirs=$(cg_dirs "$PID")
  mem=$(cg_dirs "$PID" | grep '/memory/')
  for d in $dirs; do mkdir -p "$d/sub" "$d/other"; done
  # no prefix: every hierarchy (seen through the container's cgroup namespace)
  run brig exec --cgroup sub "$ID" cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq "$(wc -l <"/proc/$PID/cgroup")" ]
  [ -z "$(echo "$output" | grep -v ':/sub$')" ]
  # prefixed: the named controllers' hierarchies; the others stay
  run brig exec --cgroup memory,pids:sub --cgroup freezer:other "$ID" cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | grep -c ':/sub$')" -eq 2 ]
  echo "$output" | grep -qx '[0-9]*:memory:/sub'
  echo "$output" | grep -qx '[0-9]*:pids:/sub'
  echo "$output" | grep -qx '[0-9]*:freezer:/other'
  [ "$(echo "$output" | grep -c ':/$')" -eq $((${#lines[@]} - 3)) ]
  # from the host: the process is in the sub-cgroup's cgroup.procs
  brig exec -d --pid-file "$TEST_TMP/p" --cgroup memory:sub "$ID" sleep 999 </dev/null >/dev/null 2>&1
  grep -qx "$(cat "$TEST_TMP/p")" "$mem/sub/cgroup.procs"
  kill -9 "$(cat "$TEST_TMP/p")"
  # bad arguments: runc's wording, exit 255, no process let into a cgroup
  for bad in "--cgroup a --cgroup b|invalid --cgroup argument: a (missing <controller>: prefix)" \
    "--cgroup :x|invalid --cgroup argument: :x (empty <controller> prefix)" \
    "--cgroup memory,:x|invalid --cgroup argument: memory,:x (empty <controller> prefix)" \
    "--cgroup memory:sub --cgroup pids,memory:other|invalid --cgroup argument(s): controller memory specified multiple times" \
    "--cgroup nosuch:sub|--cgroup nosuch:sub: unknown controller nosuch" \
    "--cgroup memory:../x|--cgroup memory:../x: must not contain \".\" or \"..\"" \
    "--cgroup memory:missing|--cgroup: sub-cgroup $mem/missing: No such file or directory"; do
    # shellcheck disable=SC2086
    run brig exec ${bad%%|*} "$ID" sh -c 'echo ran'
    [ "$status" -eq 255 ]
    [ "$output" = "brig: exec failed: ${bad#*|}" ]
  done
  for d in $dirs; do [ -z "$(cat "$d/sub/cgroup.procs" "$d/other/cgroup.procs")" ]; done
  # delete removes the sub-cgroups with the container's
  brig delete -f "$ID"
  for d in $dirs; do [ ! -e "$d" ]; done
}

@test "exec --apparmor and --process-label reach the process: without AppArmor or SELinux, the config's clear error" {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]
  [ ! -e /sys/fs/selinux/enforce ]
  start_ctr
  run brig exec --apparmor brig-test "$ID" sh -c 'echo ran'
  [ "$status" -eq 255 ]
  [ "$output" = 'brig: exec failed: apparmor profile "brig-test" requested but AppArmor is not enabled on this host' ]
  run brig exec --process-label system_u:system_r:container_t:s0 "$ID" sh -c 'echo ran'
  [ "$status" -eq 255 ]
  [ "$output" = 'brig: exec failed: selinux label "system_u:system_r:container_t:s0" requested but SELinux is not enabled on this host' ]
  # only the init is left in the container
  [ "$(brig ps --format json "$ID")" = "[$PID]" ]
}

# keys_seen ID: /proc/keys as an exec'd process of ID sees it, run from a
# session keyring of the caller's own that only its possessors may see.
keys_seen() {
  "$TOP/build/keyring-run" "brig-caller-$1" \
    "$BRIG" --root "$BRIG_ROOT" exec "$1" cat /proc/keys
}

@test "exec's process joins the container's session keyring _ses.ID, never its caller's (runc)" {
  make_bundle sleep 1000
  cfg '.linux.maskedPaths -= ["/proc/keys"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run keys_seen "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  not grep -q "brig-caller" <<<"$output"
  # the init's own, the only one of that name: joined, not made again
  [ "$(grep -c "keyring *_ses.$(cid): " <<<"$output")" -eq 1 ]
  # made with --no-new-keyring: no keyring of its own, the caller's stays
  brig run -d --no-new-keyring -b "$BUNDLE" "$(cid 2)" </dev/null >/dev/null 2>&1
  run keys_seen "$(cid 2)"
  echo "$output"
  [ "$status" -eq 0 ]
  grep -q "keyring *brig-caller-$(cid 2): " <<<"$output"
  not grep -q "_ses.$(cid 2)" <<<"$output"
}
