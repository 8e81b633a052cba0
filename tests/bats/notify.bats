#!/usr/bin/env bats
# NOTIFY_SOCKET passthrough (podman --sdnotify=container).

load helpers

# A datagram socket on the host that records what it receives, at
# $HOST_SOCK: named "notify" as systemd's is, not brig's own "notify.sock";
# listen_host @NAME binds an abstract one.
listen_host() {
  mkdir -p "$TEST_TMP/host"
  HOST_SOCK=${1:-$TEST_TMP/host/notify}
  python3 - "$HOST_SOCK" "$TEST_TMP/got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
name = sys.argv[1]
s.bind("\0" + name[1:] if name.startswith("@") else name)
open(sys.argv[2] + ".bound", "w").close()
s.settimeout(30)
got = [s.recv(4096), s.recv(4096)]  # READY=1, then MAINPID=, as runc
open(sys.argv[2], "wb").write(b"".join(got))
PY
  LPID=$!
  wait_for 50 test -e "$TEST_TMP/got.bound"
}

@test "READY=1 from the container reaches the caller's NOTIFY_SOCKET after start" {
  make_bundle sh -c 'sleep 0.5; /sdnotify "STATUS=starting"; /sdnotify READY=1; sleep 1000'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  [ ! -e "$TEST_TMP/got" ]
  NOTIFY_SOCKET=$HOST_SOCK brig start "$(cid)"
  # start returned only once the container was ready
  wait_for 20 test -e "$TEST_TMP/got"
  # the init's host pid: a Type=notify unit follows the container
  [ "$(cat "$TEST_TMP/got")" = "$(printf 'READY=1\nMAINPID=%s' "$(brig state "$(cid)" | jq -r .pid)")" ]
  wait "$LPID"
}

@test "the container sees NOTIFY_SOCKET at /run/notify/notify.sock (runc's), a read-only bind of brig's socket" {
  make_bundle sh -c 'echo "$NOTIFY_SOCKET"; ls -l "$NOTIFY_SOCKET" | cut -c1
    grep " /run/notify " /proc/self/mountinfo | grep -c " ro,"; /sdnotify READY=1'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  NOTIFY_SOCKET=$HOST_SOCK brig start "$(cid)"
  wait "$LPID"
  [ "$(cat "$TEST_TMP/out")" = "$(printf '/run/notify/notify.sock\ns\n1')" ]
  [[ "$(cat "$TEST_TMP/got")" =~ ^READY=1$'\n'MAINPID=[1-9][0-9]*$ ]]
}

@test "an abstract NOTIFY_SOCKET (@name) gets READY=1 too" {
  make_bundle sh -c '/sdnotify READY=1; sleep 1000'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host "@brig-bats-notify-$$"
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  NOTIFY_SOCKET=$HOST_SOCK brig start "$(cid)"
  wait "$LPID"
  [ "$(cat "$TEST_TMP/got")" = "$(printf 'READY=1\nMAINPID=%s' "$(brig state "$(cid)" | jq -r .pid)")" ]
  brig delete -f "$(cid)"
}

@test "a foreground run sends its own pid as MAINPID (it supervises the container), as runc" {
  make_bundle sh -c '/sdnotify READY=1; sleep 1000'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$HOST_SOCK "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 &
  RUNPID=$!
  wait "$LPID"
  [ "$(cat "$TEST_TMP/got")" = "$(printf 'READY=1\nMAINPID=%s' "$RUNPID")" ]
  brig kill "$(cid)" KILL
  wait "$RUNPID" || true
  no_state "$(cid)"
}

@test "a foreground run with a terminal relays the output while it waits for READY=1 (more than the pty holds)" {
  make_bundle sh -c 'head -c 300000 /dev/zero | tr "\\0" x; echo; /sdnotify READY=1; echo after-ready'
  cfg '.process.terminal = true'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  rc=0
  NOTIFY_SOCKET=$HOST_SOCK timeout -k 5 60 "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
  [ "$rc" -eq 0 ]
  [ "$(tr -cd x < "$TEST_TMP/out" | wc -c)" -eq 300000 ]
  grep -q after-ready "$TEST_TMP/out"
  wait "$LPID"
  [[ "$(cat "$TEST_TMP/got")" =~ ^READY=1$'\n'MAINPID=[1-9][0-9]*$ ]]
  [ ! -s "$TEST_TMP/err" ]
}

@test "a foreground run forwards signals before READY=1; an exit without it is a warning, the exit code the container's" {
  make_bundle sh -c 'trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done'
  mkdir -p "$TEST_TMP/host"
  NOTIFY_SOCKET=$TEST_TMP/host/notify bg "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  runpid=$BG_PID
  wait_for 100 grep -q ready "$TEST_TMP/out"
  kill -TERM "$runpid"
  wait_for 100 not kill -0 "$runpid"
  rc=0; wait "$runpid" || rc=$?
  [ "$rc" -eq 3 ]
  grep -q "exited before it was ready" "$TEST_TMP/err"
  no_state "$(cid)"
}

@test "a NOTIFY_SOCKET already in process.env is replaced by brig's, not doubled" {
  make_bundle sh -c 'env | grep -c "^NOTIFY_SOCKET="; echo "$NOTIFY_SOCKET"; /sdnotify READY=1'
  cfg '.process.env += ["NOTIFY_SOCKET=/run/elsewhere.sock"]'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  NOTIFY_SOCKET=$HOST_SOCK brig start "$(cid)"
  wait "$LPID"
  [[ "$(cat "$TEST_TMP/got")" =~ ^READY=1$'\n'MAINPID=[1-9][0-9]*$ ]]
  [ "$(cat "$TEST_TMP/out")" = "$(printf '1\n/run/notify/notify.sock')" ]
}

@test "start without NOTIFY_SOCKET does not wait for READY=1 (runc: only a caller with a socket waits)" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/host"
  HOST_SOCK=$TEST_TMP/host/notify
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  SECONDS=0
  run env -u NOTIFY_SOCKET timeout 20 "$BRIG" --root "$BRIG_ROOT" start "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$SECONDS" -lt 10 ]
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  brig delete -f "$(cid)"
}

@test "a container that exits without READY=1: start returns 0 with a warning and forwards nothing (runc)" {
  make_bundle true
  listen_host
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run env NOTIFY_SOCKET="$HOST_SOCK" "$BRIG" --root "$BRIG_ROOT" start "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"exited before it was ready (no READY=1 on NOTIFY_SOCKET)"* ]]
  [ "$(brig state "$(cid)" | jq -r .status)" = stopped ]
  kill "$LPID"
  wait "$LPID" || true
  [ ! -e "$TEST_TMP/got" ]
}

@test "start fails naming NOTIFY_SOCKET when the caller's socket is not there (runc dials it first)" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/host"
  HOST_SOCK=$TEST_TMP/host/notify
  NOTIFY_SOCKET=$HOST_SOCK brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run env NOTIFY_SOCKET="$HOST_SOCK" timeout 20 "$BRIG" --root "$BRIG_ROOT" start "$(cid)"
  echo "$output"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"connect to NOTIFY_SOCKET $HOST_SOCK: No such file or directory"* ]]
  brig delete -f "$(cid)"
}

@test "a relative --root is made absolute (runc): the notify socket's mount is found from the bundle too" {
  make_bundle sh -c '/sdnotify READY=1'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  mkdir "$TEST_TMP/cwd"
  (cd "$TEST_TMP/cwd" && NOTIFY_SOCKET=$HOST_SOCK "$BRIG" --root relroot run -b "$BUNDLE" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1) || { cat "$TEST_TMP/out"; false; }
  wait "$LPID"
  [[ "$(cat "$TEST_TMP/got")" =~ ^READY=1$'\n'MAINPID=[1-9][0-9]*$ ]]
  # its state root is there, under the directory it was run from
  [ -d "$TEST_TMP/cwd/relroot" ]
  root_clean "$TEST_TMP/cwd/relroot"
}
