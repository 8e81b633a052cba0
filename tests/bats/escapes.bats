#!/usr/bin/env bats
# Escapes that hit runc and crun (issue 8).  Each test runs the attack from
# a container or a crafted bundle and checks that the host is intact.  The
# attacks that need a window inside brig use build/brig-faults (make
# faults: $BRIG_FAULT_DELAY_MS sleeps at an in-container step) and
# build/escape-probe (tools/escape-probe.c), copied into the rootfs; they
# run a private copy of brig-faults, so a working attack would change that
# copy, never build/.

load helpers

setup() {
  setup_brig
  FAULTS=${BRIG_FAULTS_BIN:-$TOP/build/brig-faults}
  PROBE=$TOP/build/escape-probe
  [ -x "$FAULTS" ] && [ -x "$PROBE" ] ||
    { echo "run 'make faults' first" >&2; return 1; }
}

# Run a private copy of the fault build; remember its checksum and inode.
use_brig_copy() {
  cp "$FAULTS" "$TEST_TMP/brig"
  BRIG=$TEST_TMP/brig
  SUM=$(sha256sum < "$BRIG")
  read -r DEV INO < <(stat -c '%d %i' "$BRIG")
}

brig_unchanged() { [ "$(sha256sum < "$BRIG")" = "$SUM" ]; }

add_probe() {
  cp "$PROBE" "${1:-$BUNDLE}/rootfs/bin/escape-probe"
}

# The probe's report, shown when a test fails.
report() {
  echo "--- probe output:"
  cat "$TEST_TMP/probe.out"
}

no_breach() {
  report
  ! grep -q BREACH "$TEST_TMP/probe.out"
}

# ---- CVE-2019-5736: /proc/<pid>/exe of a brig process in the container ----

@test "CVE-2019-5736: exec: the container cannot open or write brig's binary" {
  use_brig_copy
  add_probe
  cfg ".process.args = [\"/bin/escape-probe\", \"exe\", \"$DEV\", \"$INO\", \"5\"]"
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/probe.out" 2>&1
  BRIG_FAULT_DELAY_MS=1500 BRIG_FAULT_AT=exec run brig exec "$(cid)" /bin/true
  [ "$status" -eq 0 ]
  wait_for 100 grep -q '^done' "$TEST_TMP/probe.out"
  no_breach
  grep -q '^seen brig' "$TEST_TMP/probe.out" # the window was there
  brig_unchanged
}

@test "CVE-2019-5736: run: the init before exec cannot be reached through /proc/<pid>/exe" {
  use_brig_copy
  add_probe
  cfg ".process.args = [\"/bin/escape-probe\", \"exe\", \"$DEV\", \"$INO\", \"5\"]"
  brig run -d -b "$BUNDLE" "$(cid a)" </dev/null >"$TEST_TMP/probe.out" 2>&1
  pid=$(brig state "$(cid a)" | jq .pid)
  # A second container in the first one's pid namespace: its init is seen
  # by the probe while it is still brig.
  "$TOP/tools/mkbundle" "$TEST_TMP/b2" -- /bin/true >/dev/null
  jq ".linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$pid/ns/pid\" else . end)" \
    "$TEST_TMP/b2/config.json" >"$TEST_TMP/b2/c" && mv "$TEST_TMP/b2/c" "$TEST_TMP/b2/config.json"
  BRIG_FAULT_DELAY_MS=1500 BRIG_FAULT_AT=init run brig run -b "$TEST_TMP/b2" "$(cid b)" </dev/null
  [ "$status" -eq 0 ]
  wait_for 100 grep -q '^done' "$TEST_TMP/probe.out"
  no_breach
  grep -q '^seen brig' "$TEST_TMP/probe.out"
  brig_unchanged
}

@test "CVE-2019-5736: run --init: the built-in init's exe is out of reach" {
  use_brig_copy
  add_probe
  cfg ".process.args = [\"/bin/escape-probe\", \"exe\", \"$DEV\", \"$INO\", \"1\"]"
  run brig run --init -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output" >"$TEST_TMP/probe.out"
  [ "$status" -eq 0 ]
  no_breach
  grep -q '^seen brig pid 1' "$TEST_TMP/probe.out"
  brig_unchanged
}

@test "CVE-2019-5736: brig re-executes itself from a sealed memfd" {
  use_brig_copy
  cfg '.process.args = ["sleep", "30"]'
  brig run -d --init -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  pid=$(brig state "$(cid)" | jq .pid)
  exe=$(readlink "/proc/$pid/exe")
  echo "init exe: $exe"
  [[ "$exe" == "/memfd:brig (deleted)" ]]
  # and the host file is never what a container's brig process runs
  [ "$(stat -L -c '%d %i' "/proc/$pid/exe")" != "$DEV $INO" ]
  grep -q '^Name:.*brig' "/proc/$pid/status"
}

# ---- CVE-2016-9962: ptrace / fds of the brig process joining ----

@test "CVE-2016-9962: exec: the container cannot ptrace brig or read its fds" {
  use_brig_copy
  add_probe
  cfg '.process.args = ["/bin/escape-probe", "trace", "4"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/probe.out" 2>&1
  BRIG_FAULT_DELAY_MS=1500 BRIG_FAULT_AT=exec run brig exec "$(cid)" /bin/true
  [ "$status" -eq 0 ]
  wait_for 100 grep -q '^done' "$TEST_TMP/probe.out"
  no_breach
  grep -q '^seen brig' "$TEST_TMP/probe.out"
}

# ---- CVE-2024-21626 (Leaky Vessels): cwd and fds of the runtime ----

@test "CVE-2024-21626: run: cwd /proc/self/fd/N never reaches a host directory" {
  for n in 3 4 5 6 7 8 9 10; do
    cfg ".process.cwd = \"/proc/self/fd/$n\" | .process.args = [\"sh\", \"-c\", \"pwd; ls ..\"]"
    run brig run -b "$BUNDLE" "$(cid "$n")" </dev/null
    echo "fd $n: status $status: $output"
    # refused, or a cwd inside the container (fd/N of the process itself)
    if [ "$status" -eq 0 ]; then
      [[ "$output" != *"(unreachable)"* ]]
      [[ "$output" != *"$TEST_TMP"* ]]
    fi
  done
}

@test "CVE-2024-21626: exec: cwd /proc/self/fd/N never reaches a host directory" {
  cfg '.process.args = ["sleep", "30"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  for n in 3 4 5 6 7 8 9 10; do
    run brig exec --cwd "/proc/self/fd/$n" "$(cid)" sh -c 'pwd; ls ..'
    echo "fd $n: status $status: $output"
    if [ "$status" -eq 0 ]; then
      [[ "$output" != *"(unreachable)"* ]]
      false # no fd above 2 exists in the process to chdir into
    fi
  done
}

@test "CVE-2024-21626: no fd of brig reaches the process (run, exec, run --init)" {
  cfg '.process.args = ["sh", "-c", "ls /proc/self/fd; sleep 30"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  wait_for 50 grep -q . "$TEST_TMP/out"
  run brig exec "$(cid)" ls /proc/self/fd
  echo "exec: $output"
  [ "$(echo $output)" = "0 1 2 3" ] # 3: ls's own directory
  echo "run: $(cat "$TEST_TMP/out")"
  [ "$(echo $(cat "$TEST_TMP/out"))" = "0 1 2 3" ]
  cfg '.process.args = ["ls", "/proc/self/fd"]'
  run brig run --init -b "$BUNDLE" "$(cid init)" </dev/null
  echo "run --init: $output"
  [ "$(echo $output)" = "0 1 2 3" ]
}

# ---- CVE-2022-29162: inheritable capabilities ----

@test "CVE-2022-29162: the inheritable set is empty unless asked for (run, exec --cap)" {
  cfg '.process.args = ["sh", "-c", "grep CapInh /proc/self/status; sleep 30"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  wait_for 50 grep -q CapInh "$TEST_TMP/out"
  cat "$TEST_TMP/out"
  grep -q 'CapInh:.*0000000000000000' "$TEST_TMP/out"
  run brig exec --cap CAP_NET_RAW --cap CAP_SYS_ADMIN "$(cid)" grep Cap /proc/self/status
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" != *"CapBnd:	0000000000000000"* ]]
  run brig exec "$(cid)" grep CapInh /proc/self/status
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  # asked for in the config: then (and only then) it is set
  cfg '.process.capabilities.inheritable = ["CAP_KILL"] | .process.args = ["grep", "CapInh", "/proc/self/status"]'
  run brig run -b "$BUNDLE" "$(cid 2)" </dev/null
  [[ "$output" == *"CapInh:	0000000000000020"* ]]
}

# ---- CVE-2019-16884, CVE-2023-27561/28642, CVE-2025-52881: procfs writes ----

@test "CVE-2019-16884: a fake procfs mounted over /proc is refused for brig's writes" {
  mkdir -p "$TEST_TMP/fakeproc/self"
  echo untouched >"$TEST_TMP/fakeproc/self/oom_score_adj"
  cfg ".process.oomScoreAdj = 500 | .mounts += [{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$TEST_TMP/fakeproc\", \"options\": [\"rbind\"]}]"
  run brig run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"is not the root of a procfs"* ]]
  [ "$(cat "$TEST_TMP/fakeproc/self/oom_score_adj")" = untouched ]
}

@test "CVE-2019-16884: exec refuses a /proc the container mounted itself" {
  cfg '.process.args = ["sleep", "30"] | .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"] | .root.readonly = false'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  # the container hides its procfs under a tmpfs with look-alike files
  brig exec "$(cid)" sh -c 'mkdir -p /fake/self && echo 0 > /fake/self/oom_score_adj && mount --bind /fake /proc'
  jq '.process + {args: ["true"], oomScoreAdj: 600}' "$BUNDLE/config.json" >"$TEST_TMP/p.json"
  run brig exec --process "$TEST_TMP/p.json" "$(cid)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"is not the root of a procfs"* ]]
}

@test "CVE-2023-27561/28642: a rootfs whose /proc is a symlink is refused" {
  rmdir "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/elsewhere"
  ln -s /elsewhere "$BUNDLE/rootfs/proc"
  run brig run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"symlink"* ]]
  rm "$BUNDLE/rootfs/proc"
  ln -s ../../../../../.. "$BUNDLE/rootfs/proc"
  run brig run -b "$BUNDLE" "$(cid 2)" </dev/null
  [ "$status" -ne 0 ]
  [[ "$output" == *"symlink"* ]]
}

@test "CVE-2025-52881: brig's procfs writes cannot be redirected by a mount over them" {
  echo untouched >"$TEST_TMP/victim"
  # a bind mount over the very file brig writes oomScoreAdj to
  cfg ".process.oomScoreAdj = 500 | .mounts += [{\"destination\": \"/proc/self/oom_score_adj\", \"type\": \"bind\", \"source\": \"$TEST_TMP/victim\", \"options\": [\"bind\"]}]"
  run brig run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  [ "$(cat "$TEST_TMP/victim")" = untouched ]
}
