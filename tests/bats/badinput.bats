#!/usr/bin/env bats
# Bad input (issue 14): every case of tests/badinput/cases.txt must fail
# with exactly its one expected line on stderr, exit 1 (exec: 255, an
# unknown command: 3, as runc), and leave nothing behind.
#
# cases.txt: "# section" lines, then KIND<TAB>INPUT<TAB>EXPECTED:
#   file     INPUT (printf %b) is the whole config.json;  brig create
#   jq       INPUT is a jq filter over config.json;       brig create
#   jqrun    likewise;                                     brig run
#   cmd      INPUT is the command line after `brig --root ROOT` (shell words)
#   special  INPUT names a function below that sets up and runs the case
# In INPUT and EXPECTED, @ID@, @BUNDLE@, @TMP@ and @ROOT@ stand for the
# test's container id, bundle, temp dir and state root; /proc/@PID@/ for
# any pid.  BADINPUT_RECORD=1 rewrites EXPECTED from what brig prints (to
# review with git diff).

load helpers

CASES=$BATS_TEST_DIRNAME/../badinput/cases.txt

setup() {
  setup_brig
  make_bundle sleep 100
  cp "$BUNDLE/config.json" "$TEST_TMP/good.json"
}

teardown() {
  if mountpoint -q "$TEST_TMP/ro" 2>/dev/null; then umount "$TEST_TMP/ro"; fi
  teardown_brig
}

subst() {
  local s=$1
  s=${s//@ID@/$ID}
  s=${s//@BUNDLE@/$BUNDLE}
  s=${s//@TMP@/$TEST_TMP}
  s=${s//@ROOT@/$BRIG_ROOT}
  printf '%s' "$s"
}

# normalize: the printed line with the test's paths put back as @...@
normalize() {
  sed -e "s|$BUNDLE|@BUNDLE@|g" -e "s|$BRIG_ROOT|@ROOT@|g" \
    -e "s|$TEST_TMP|@TMP@|g" -e "s|$ID|@ID@|g" \
    -e 's|/proc/[0-9][0-9]*/|/proc/@PID@/|g'
}

# left_nothing: no state, cgroup, mount or process of the case.
left_nothing() {
  local d p
  no_state "$ID" || { echo "left: state"; return 1; }
  for d in /sys/fs/cgroup/*/brig/"$ID"; do
    if [ -e "$d" ]; then echo "left: $d"; return 1; fi
  done
  if grep -q "$BUNDLE" /proc/self/mountinfo; then echo "left: a mount"; return 1; fi
  # a process with the id as one of its arguments (the init, a brig)
  # (the pattern in a file: grep's own arguments must not match)
  printf '%s\n' "$ID" >"$TEST_TMP/id.pat"
  p=$(grep -lzxF -f "$TEST_TMP/id.pat" /proc/[0-9]*/cmdline 2>/dev/null || true)
  if [ -n "$p" ]; then echo "left: process $p"; return 1; fi
  return 0
}

# --- special cases: each runs brig with its output in $TEST_TMP/out ---
brig_out() { "$BRIG" --root "$BRIG_ROOT" "$@" </dev/null >"$TEST_TMP/out" 2>&1; }

config_missing() { rm "$BUNDLE/config.json"; brig_out create -b "$BUNDLE" "$ID"; }
config_is_dir() {
  rm "$BUNDLE/config.json"
  mkdir "$BUNDLE/config.json"
  brig_out create -b "$BUNDLE" "$ID"
}
config_dangling_link() {
  ln -sf /nonexistent/config.json "$BUNDLE/config.json"
  brig_out create -b "$BUNDLE" "$ID"
}
config_too_big() {
  { printf '{"ociVersion":"1.3.0","hostname":"'
    head -c 8388608 /dev/zero | tr '\0' x
    printf '"}'; } >"$BUNDLE/config.json"
  brig_out create -b "$BUNDLE" "$ID"
}
config_too_deep() {
  printf '{"ociVersion":"1.3.0","annotations":%s' \
    "$(printf '[%.0s' {1..64})" >"$BUNDLE/config.json"
  brig_out create -b "$BUNDLE" "$ID"
}
rootfs_missing() {
  local rc=0
  mv "$BUNDLE/rootfs" "$BUNDLE/rootfs.away"
  brig_out create -b "$BUNDLE" "$ID" || rc=$?
  mv "$BUNDLE/rootfs.away" "$BUNDLE/rootfs"
  return $rc
}
root_read_only() {
  mkdir -p "$TEST_TMP/ro"
  mount -t tmpfs -o ro,size=64k tmpfs "$TEST_TMP/ro"
  "$BRIG" --root "$TEST_TMP/ro/state" create -b "$BUNDLE" "$ID" \
    </dev/null >"$TEST_TMP/out" 2>&1
  local rc=$?
  umount "$TEST_TMP/ro"
  return $rc
}
# A created container whose state.json is then damaged: `state` reports
# it; `delete --force` still removes it all (init, cgroup, state files).
damaged_state() {
  brig_out create -b "$BUNDLE" "$ID" || { cat "$TEST_TMP/out"; return 99; }
  "$@" >"$TEST_TMP/state.new"
  mv "$TEST_TMP/state.new" "$BRIG_ROOT/.state/$ID"
  brig_out state "$ID"
  local rc=$?
  cp "$TEST_TMP/out" "$TEST_TMP/out.state"
  brig_out delete --force "$ID" || { cat "$TEST_TMP/out"; return 98; }
  # delete's warning is not the case's output
  cp "$TEST_TMP/out.state" "$TEST_TMP/out"
  return $rc
}
state_torn() { damaged_state head -c 20 "$BRIG_ROOT/.state/$ID"; }
state_not_object() { damaged_state echo '[]'; }
state_deep() { damaged_state sh -c 'head -c 200000 /dev/zero | tr "\0" "["'; }

# run_case KIND INPUT: brig's output in $TEST_TMP/out, status returned.
run_case() {
  local kind=$1 input
  input=$(subst "$2")
  rm -rf "$BUNDLE/config.json"
  cp "$TEST_TMP/good.json" "$BUNDLE/config.json"
  case $kind in
  file)
    printf '%b' "$input" >"$BUNDLE/config.json"
    brig_out create -b "$BUNDLE" "$ID" ;;
  jq | jqrun)
    jq "$input" "$TEST_TMP/good.json" >"$BUNDLE/config.json" || return 90
    if [ "$kind" = jq ]; then
      brig_out create -b "$BUNDLE" "$ID"
    else
      brig_out run -b "$BUNDLE" "$ID"
    fi ;;
  cmd)
    eval "brig_out $input" ;;
  special)
    "$input" ;;
  *) echo "bad kind $kind" >"$TEST_TMP/out"; return 91 ;;
  esac
}

# run_section NAME: every case under "# NAME" in cases.txt.
run_section() {
  local section=$1 in=0 n=0 bad=0 kind input want got rc want_rc line rest
  while IFS= read -r line; do
    if [[ $line == "# "* ]]; then
      [[ $line == "# $section" ]] && in=1 || in=0
      if [ $in -eq 1 ] && [ -n "${BADINPUT_RECORD:-}" ]; then
        printf '%s\n' "$line" >>"$CASES.new"
      fi
      continue
    fi
    [ $in -eq 1 ] && [ -n "$line" ] || continue
    kind=${line%%$'\t'*} rest=${line#*$'\t'}
    input=${rest%%$'\t'*} want=${rest#*$'\t'}
    n=$((n + 1))
    ID=$(cid "$n")
    rc=0
    run_case "$kind" "$input" || rc=$?
    got=$(normalize <"$TEST_TMP/out")
    want_rc=1
    [[ $input == "exec "* ]] && want_rc=255 # runc's exec status
    [[ $want == *"No help topic for"* ]] && want_rc=3 # an unknown command's
    if [ -n "${BADINPUT_RECORD:-}" ]; then
      printf '%s\t%s\t%s\n' "$kind" "$input" "$got" >>"$CASES.new"
    elif [ "$rc" -ne "$want_rc" ] || [ "$got" != "$want" ]; then
      printf 'case %s %s: status %s (want %s)\n  got:  %s\n  want: %s\n' \
        "$kind" "$input" "$rc" "$want_rc" "$got" "$want"
      bad=$((bad + 1))
    fi
    if ! left_nothing; then
      echo "case $kind $input: something left behind"
      bad=$((bad + 1))
      "$BRIG" --root "$BRIG_ROOT" delete -f "$ID" >/dev/null 2>&1
    fi
  done <"$CASES"
  echo "$section: $n cases, $bad failed"
  [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

@test "config.json that is not a config" { run_section "config.json that is not a config"; }
@test "required fields and top-level types" { run_section "required fields and top-level types"; }
@test "process" { run_section "process"; }
@test "the binary" { run_section "the binary"; }
@test "rootfs" { run_section "rootfs"; }
@test "mounts" { run_section "mounts"; }
@test "linux" { run_section "linux"; }
@test "command lines" { run_section "command lines"; }
@test "special set-ups" { run_section "special set-ups (functions in badinput.bats)"; }
@test "the corpus holds at least 100 cases" {
  [ "$(grep -cv -e '^#' -e '^$' "$CASES")" -ge 100 ]
}

@test "a config.json that is a FIFO nobody writes: create and run wait in open() and end on SIGTERM, leaving nothing; --config takes a pipe" {
  local cmd pid i rc
  ID=$(cid)
  rm "$BUNDLE/config.json"
  mkfifo "$BUNDLE/config.json"
  for cmd in create run; do
    "$BRIG" --root "$BRIG_ROOT" "$cmd" -b "$BUNDLE" "$ID" </dev/null >"$TEST_TMP/out" 2>&1 &
    pid=$!
    # waiting for a writer, in openat (257 on x86_64, 56 on arm64)
    wait_for 100 grep -Eq '^(257|56) ' "/proc/$pid/syscall" ||
      { cat "$TEST_TMP/out"; return 1; }
    kill -TERM "$pid"
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"
      echo "$cmd: still waiting 5 s after SIGTERM"
      return 1
    fi
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 143 ]
    left_nothing
  done
  # a pipe with a writer is read as any file
  "$BRIG" --root "$BRIG_ROOT" create -b "$BUNDLE" --config <(cat "$TEST_TMP/good.json") "$ID" </dev/null >"$TEST_TMP/out" 2>&1
  [ "$("$BRIG" --root "$BRIG_ROOT" state "$ID" | jq -r .status)" = created ]
  "$BRIG" --root "$BRIG_ROOT" delete -f "$ID"
  left_nothing
}
