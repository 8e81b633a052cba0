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
