#!/usr/bin/env bats
# Terminals: the pty in the container's devpts, --console-socket (the
# protocol containerd and conmon speak), consoleSize, /dev/console, and the
# foreground relay of `run`.

load helpers

bats_require_minimum_version 1.5.0

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

@test "the created init lets go of the --console-socket connection once the pty is sent (runc)" {
  make_bundle sleep 1000
  cfg '.process.terminal = true'
  python3 - "$TEST_TMP/tty.sock" "$TEST_TMP/eof" <<'PY' &
import array, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
fds = array.array("i")
c.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
c.settimeout(10)
try:
    what = "eof" if c.recv(1) == b"" else "data"
except socket.timeout:
    what = "still open"
open(sys.argv[2], "w").write(what)
PY
  LPID=$!
  wait_for 50 test -S "$TEST_TMP/tty.sock"
  brig create --console-socket "$TEST_TMP/tty.sock" -b "$BUNDLE" "$(cid)"
  wait "$LPID"
  [ "$(cat "$TEST_TMP/eof")" = eof ]
  brig delete -f "$(cid)"
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

# Without a terminal, a foreground process gets pipes brig relays, as from
# runc (setupProcessPipes), never the caller's own stdio.

@test "foreground run without a terminal: the process's stdio are pipes, not the caller's file or terminal" {
  make_bundle sh -c 'for f in 0 1 2; do stat -L -c %F /proc/self/fd/$f; done'
  : >"$TEST_TMP/in"
  rc=0
  brig run -b "$BUNDLE" "$(cid)" <"$TEST_TMP/in" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
  cat "$TEST_TMP/out" "$TEST_TMP/err"
  [ "$rc" -eq 0 ]
  [ "$(cat "$TEST_TMP/out")" = "$(printf 'fifo\nfifo\nfifo')" ]
}

@test "foreground run without a terminal: the caller's files keep their owner (runc chowns its own pipes to the process's user)" {
  make_bundle sh -c 'id -u; echo to-err >&2'
  cfg '.process.user = {"uid": 1000, "gid": 1000}'
  : >"$TEST_TMP/out"
  : >"$TEST_TMP/err"
  brig run -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  [ "$(cat "$TEST_TMP/out")" = 1000 ]
  [ "$(cat "$TEST_TMP/err")" = to-err ]
  [ "$(stat -c %u "$TEST_TMP/out")" = 0 ]
  [ "$(stat -c %u "$TEST_TMP/err")" = 0 ]
}

@test "foreground run relays stdin to its end, a megabyte each way, and keeps stdout and stderr in order when they are one file" {
  make_bundle sh -c 'read l; echo "got:$l"; cat | wc -c'
  run brig run -b "$BUNDLE" "$(cid)" < <(echo hello; head -c 1048576 /dev/zero)
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = got:hello ]
  [ "${lines[1]}" = 1048576 ]
  make_bundle sh -c 'head -c 1048576 /dev/zero'
  [ "$(brig run -b "$BUNDLE" "$(cid 2)" </dev/null | wc -c)" = 1048576 ]
  make_bundle sh -c 'echo a; echo b >&2; echo c; echo d >&2'
  brig run -b "$BUNDLE" "$(cid 3)" </dev/null >"$TEST_TMP/both" 2>&1
  [ "$(cat "$TEST_TMP/both")" = "$(printf 'a\nb\nc\nd')" ]
}

@test "foreground run: a process that closes its stdin is not sent SIGPIPE by brig's relay" {
  make_bundle sh -c 'exec 0<&-; sleep 1; echo alive'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid)" < <(yes)
  [ "$status" -eq 0 ]
  [ "$output" = alive ]
}

@test "foreground run: a non-blocking stdout with a slow reader loses nothing" {
  make_bundle seq 100000
  out=$(python3 -c 'import fcntl, os, sys
fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK)
os.execvp(sys.argv[1], sys.argv[1:])' "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" </dev/null |
    (sleep 2; wc -l))
  [ "$out" = 100000 ]
}

@test "exec -t whose process writes while its input is not read: no deadlock of the relay" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  # the pty's input fills (nothing reads it) while the output must flow;
  # no pipe to bats (a stuck brig would hold it), timeout's whole group
  # killed in the end
  rc=0
  timeout -k 5 60 sh -c 'yes | "$1" --root "$2" exec -t "$3" seq 200000' _ \
    "$BRIG" "$BRIG_ROOT" "$(cid)" >"$TEST_TMP/out" 2>&1 </dev/null || rc=$?
  echo "status $rc"
  [ "$rc" -eq 0 ]
  grep -q "^200000" "$TEST_TMP/out"
}

# stopped: the state brig reports once the process has exited
stopped() { brig state "$1" 2>/dev/null | grep -q '"status": "stopped"'; }

@test "foreground run: once the process has exited, a signal ends brig's wait for a reader that never reads the rest (pipe)" {
  # 150 KB: more than the caller's pipe takes, less than that plus the
  # container's pipe and brig's buffer, so the process exits with output left
  make_bundle sh -c 'head -c 150000 /dev/zero'
  mkfifo "$TEST_TMP/fifo"
  bg sh -c 'exec sleep 1000 <"$1"' _ "$TEST_TMP/fifo" 3>&-
  bg sh -c 'exec "$1" --root "$2" run -b "$3" "$4" </dev/null >"$5"' _ \
    "$BRIG" "$BRIG_ROOT" "$BUNDLE" "$(cid)" "$TEST_TMP/fifo" 3>&-
  B=$BG_PID
  wait_for 100 stopped "$(cid)"
  sleep 1
  [ -e "$BRIG_ROOT/$(cid)" ] # still waiting for the reader
  kill -TERM "$B"
  wait_for 100 not test -e "$BRIG_ROOT/$(cid)"
  rc=0
  wait "$B" || rc=$?
  [ "$rc" -eq 0 ] # the process's own status
}

@test "foreground run: a terminal that takes no more output (a stopped reader) does not keep brig from a signal once the process has exited" {
  make_bundle sh -c 'head -c 150000 /dev/zero | tr "\0" x'
  mkfifo "$TEST_TMP/fifo"
  bg sh -c 'exec sleep 1000 <"$1"' _ "$TEST_TMP/fifo" 3>&-
  # script's pty is brig's stdout and stderr; script copies it to the fifo
  # nobody reads, so the pty fills and a blocking write to it would hang
  bg sh -c 'exec script -qec "$1" /dev/null </dev/null >"$2"' _ \
    "$BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid) </dev/null" "$TEST_TMP/fifo" 3>&-
  wait_for 100 stopped "$(cid)"
  sleep 1
  [ -e "$BRIG_ROOT/$(cid)" ]
  B=$(pgrep -f -- "^$BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid)\$")
  [ -n "$B" ]
  kill -TERM "$B"
  wait_for 100 not test -e "$BRIG_ROOT/$(cid)"
}

@test "foreground run: once the process has closed its stdin, brig reads no more of the caller's (runc)" {
  make_bundle sh -c 'exec 0<&-; sleep 1'
  head -c 4194304 /dev/zero >"$TEST_TMP/in"
  left=$({ brig run -b "$BUNDLE" "$(cid)" >/dev/null 2>&1; wc -c; } <"$TEST_TMP/in")
  echo "left $left"
  [ "$left" -gt 3000000 ]
}

@test "brig started with stdout closed: the output goes nowhere, not into the file brig opens next (its --log)" {
  make_bundle sh -c 'echo container-output; echo container-err >&2'
  rc=0
  "$BRIG" --root "$BRIG_ROOT" --log "$TEST_TMP/log" run -b "$BUNDLE" "$(cid)" </dev/null >&- 2>"$TEST_TMP/err" || rc=$?
  cat "$TEST_TMP/log" "$TEST_TMP/err" || true
  [ "$rc" -eq 0 ]
  not grep -q container-output "$TEST_TMP/log"
  [ "$(cat "$TEST_TMP/err")" = container-err ]
}
