#!/usr/bin/env bats
# Terminals: the pty in the container's devpts, --console-socket (the
# protocol containerd and conmon speak), consoleSize, /dev/console, and the
# foreground relay of `run`.

load helpers

RECVTTY=$TOP/build/recvtty

# recv_start: a receiver on $TEST_TMP/tty.sock writing to $TEST_TMP/tty.out
recv_start() {
  bg "$RECVTTY" "$@" "$TEST_TMP/tty.sock" > "$TEST_TMP/tty.out" 2>&1
  RECV_PID=$BG_PID
  wait_for 50 test -S "$TEST_TMP/tty.sock"
}

@test "--console-socket receives a working pty master with consoleSize" {
  make_bundle sh -c 'tty; stty size; [ -t 0 ] && [ -t 1 ] && echo is-a-tty'
  cfg '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
  recv_start
  brig create --console-socket "$TEST_TMP/tty.sock" -b "$BUNDLE" "$(cid)"
  brig start "$(cid)"
  wait "$RECV_PID"
  out=$(tr -d '\r' < "$TEST_TMP/tty.out")
  [ "$(echo "$out" | sed -n 1p)" = /dev/pts/0 ]
  [ "$(echo "$out" | sed -n 2p)" = "30 100" ]
  [ "$(echo "$out" | sed -n 3p)" = is-a-tty ]
}

@test "a relative --console-socket is the bundle's, as runc (it enters the bundle)" {
  make_bundle tty
  cfg '.process.terminal = true'
  recv_start
  rel=$(realpath -m --relative-to="$BUNDLE" "$TEST_TMP/tty.sock")
  [ "${rel#/}" = "$rel" ]
  (cd / && brig create --console-socket "$rel" -b "$BUNDLE" "$(cid)")
  brig start "$(cid)"
  wait "$RECV_PID"
  [ "$(tr -d '\r' < "$TEST_TMP/tty.out" | sed -n 1p)" = /dev/pts/0 ]
}

@test "input written to the master reaches the process" {
  make_bundle sh -c 'read line; echo "got:$line"'
  cfg '.process.terminal = true'
  recv_start -i $'hello\n'
  brig create --console-socket "$TEST_TMP/tty.sock" -b "$BUNDLE" "$(cid)"
  brig start "$(cid)"
  wait "$RECV_PID"
  grep -q '^got:hello' <(tr -d '\r' < "$TEST_TMP/tty.out")
}

@test "/dev/console is the container's pty" {
  make_bundle sh -c 'stat -c "%t:%T" /dev/console /dev/pts/0'
  cfg '.process.terminal = true'
  recv_start
  brig create --console-socket "$TEST_TMP/tty.sock" -b "$BUNDLE" "$(cid)"
  brig start "$(cid)"
  wait "$RECV_PID"
  out=$(tr -d '\r' < "$TEST_TMP/tty.out")
  # devpts major 136 (0x88), minor 0, on both
  [ "$(echo "$out" | sed -n 1p)" = "88:0" ]
  [ "$(echo "$out" | sed -n 2p)" = "88:0" ]
}

@test "create of a terminal container without a console socket is refused" {
  cfg '.process.terminal = true'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: create $(cid): cannot allocate tty if brig will detach without setting console socket" ]
  root_clean
}

@test "--console-socket without terminal is refused" {
  run brig create --console-socket "$TEST_TMP/nosock" -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot use console socket"* ]]
}

@test "a console socket nobody listens on fails create and leaves nothing" {
  cfg '.process.terminal = true'
  run brig create --console-socket "$TEST_TMP/nosock" -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"connect console socket $TEST_TMP/nosock: No such file or directory"* ]]
  root_clean
}

@test "foreground run relays the terminal itself" {
  make_bundle sh -c 'tty; echo "exit-code-follows"; exit 5'
  cfg '.process.terminal = true'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 5 ]
  out=$(echo "$output" | tr -d '\r')
  [ "$(echo "$out" | sed -n 1p)" = /dev/pts/0 ]
  [ "$(echo "$out" | sed -n 2p)" = exit-code-follows ]
}

@test "foreground run and exec -t pass the output on as written: no \\r before each \\n (runc clears ONLCR)" {
  make_bundle sh -c 'echo one; echo two; sleep 1000'
  cfg '.process.terminal = true'
  run brig run -d --console-file "$TEST_TMP/console.log" -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  wait_for 100 grep -q two "$TEST_TMP/console.log"
  [ "$(od -An -c "$TEST_TMP/console.log" | tr -s ' ')" = " o n e \\n t w o \\n" ]
  run brig exec -t "$(cid 2)" sh -c 'echo a; echo b'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'a\nb')" ]
  brig delete -f "$(cid 2)"
  make_bundle sh -c 'echo one; echo two'
  cfg '.process.terminal = true'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'one\ntwo')" ]
}

@test "foreground run under a real terminal: lines still end in \\r\\n there (output processing stays on, as runc)" {
  command -v script
  make_bundle sh -c 'echo one; echo two'
  cfg '.process.terminal = true'
  script -qec "$BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid)" "$TEST_TMP/typescript" < /dev/null > /dev/null
  # script(1)'s own header line first; then the container's lines
  grep -q "one"$'\r'"\$" "$TEST_TMP/typescript"
  grep -q "^two"$'\r'"\$" "$TEST_TMP/typescript"
}

@test "foreground run under a real terminal: raw mode restored on exit" {
  command -v script
  make_bundle sh -c 'stty -a | grep -o "\-icanon\|icanon" | head -1'
  cfg '.process.terminal = true'
  run script -qec "$BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid); stty -a | grep -o -- '-icanon\|icanon' | head -1" /dev/null
  [ "$status" -eq 0 ]
  # script(1) types its EOF character when its own stdin ends; the
  # container's pty echoes it as "^@": not ours to assert on.
  out=$(echo "$output" | tr -d '\r' | sed 's/\^@//g' | grep -x -- '-\?icanon')
  # inside: the container's own pty starts canonical; after: ours is back
  [ "$(echo "$out" | sed -n 1p)" = icanon ]
  [ "$(echo "$out" | sed -n 2p)" = icanon ]
}

@test "run -t and exec -t take the window size from stderr, stdout or /dev/tty when stdin is redirected (runc); exec sets it before the process runs" {
  command -v script
  make_bundle stty size
  cfg '.process.terminal = true'
  # the first run: only stdin redirected; the second: every stream (the
  # controlling terminal, /dev/tty, is what is left)
  script -qec "stty rows 33 cols 77; $BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid) < /dev/null; $BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid 2) < /dev/null > $TEST_TMP/out2 2>&1" "$TEST_TMP/typescript" < /dev/null > /dev/null
  cat -A "$TEST_TMP/typescript" "$TEST_TMP/out2"
  grep -q "^33 77"$'\r'"\$" "$TEST_TMP/typescript"
  [ "$(tr -d '\r' < "$TEST_TMP/out2")" = "33 77" ]
  cfg '.process.args = ["sh", "-c", "sleep 1000"] | .process.terminal = false'
  brig run -d -b "$BUNDLE" "$(cid 3)" < /dev/null > /dev/null 2>&1
  script -qec "stty rows 21 cols 55; $BRIG --root $BRIG_ROOT exec -t $(cid 3) stty size < /dev/null" "$TEST_TMP/typescript2" < /dev/null > /dev/null
  cat -A "$TEST_TMP/typescript2"
  grep -q "^21 55"$'\r'"\$" "$TEST_TMP/typescript2"
  brig delete -f "$(cid 3)"
}
