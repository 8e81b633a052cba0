#!/usr/bin/env bats
# NOTIFY_SOCKET passthrough (podman --sdnotify=container).

load helpers

# A datagram socket on the host that records what it receives.
listen_host() {
  mkdir -p "$TEST_TMP/host"
  python3 - "$TEST_TMP/host/notify.sock" "$TEST_TMP/got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
got = [s.recv(4096), s.recv(4096)]  # READY=1, then MAINPID=, as runc
open(sys.argv[2], "wb").write(b"".join(got))
PY
  LPID=$!
  wait_for 50 test -S "$TEST_TMP/host/notify.sock"
}

@test "READY=1 from the container reaches the caller's NOTIFY_SOCKET after start" {
  make_bundle sh -c 'sleep 0.5; /sdnotify "STATUS=starting"; /sdnotify READY=1; sleep 1000'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  [ ! -e "$TEST_TMP/got" ]
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig start "$(cid)"
  # start returned only once the container was ready
  wait_for 20 test -e "$TEST_TMP/got"
  # the init's host pid: a Type=notify unit follows the container
  [ "$(cat "$TEST_TMP/got")" = "$(printf 'READY=1\nMAINPID=%s' "$(brig state "$(cid)" | jq -r .pid)")" ]
  wait "$LPID"
}

@test "the container sees NOTIFY_SOCKET at the caller's path, bound to brig's socket" {
  make_bundle sh -c 'echo "$NOTIFY_SOCKET"; ls -l "$NOTIFY_SOCKET" | cut -c1; /sdnotify READY=1'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig start "$(cid)"
  wait "$LPID"
  [ "$(sed -n 1p "$TEST_TMP/out")" = "$TEST_TMP/host/notify.sock" ]
  [ "$(sed -n 2p "$TEST_TMP/out")" = s ]
}

@test "a NOTIFY_SOCKET already in process.env is replaced by the caller's, not doubled" {
  make_bundle sh -c 'env | grep -c "^NOTIFY_SOCKET="; echo "$NOTIFY_SOCKET"; /sdnotify READY=1'
  cfg '.process.env += ["NOTIFY_SOCKET=/run/elsewhere.sock"]'
  cp "$TOP/build/sdnotify" "$BUNDLE/rootfs/sdnotify"
  listen_host
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig start "$(cid)"
  wait "$LPID"
  [[ "$(cat "$TEST_TMP/got")" =~ ^READY=1$'\n'MAINPID=[1-9][0-9]*$ ]]
  [ "$(cat "$TEST_TMP/out")" = "$(printf '1\n%s' "$TEST_TMP/host/notify.sock")" ]
}

@test "start fails clearly when the container exits without READY=1" {
  make_bundle true
  mkdir -p "$TEST_TMP/host"
  NOTIFY_SOCKET=$TEST_TMP/host/notify.sock brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run env NOTIFY_SOCKET="$TEST_TMP/host/notify.sock" "$BRIG" --root "$BRIG_ROOT" start "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container exited before it was ready"* ]]
}
