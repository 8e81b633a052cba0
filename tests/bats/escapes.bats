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

# (a bare "! cmd" never fails a bats test: count instead)
no_match() { [ "$(grep -c "$1" "$2")" -eq 0 ]; }

no_breach() {
  report
  no_match BREACH "$TEST_TMP/probe.out"
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

@test "CVE-2019-5736: brig re-executes itself from a copy no one can write" {
  use_brig_copy
  cfg '.process.args = ["sleep", "30"]'
  brig run -d --init -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  pid=$(brig state "$(cid)" | jq .pid)
  exe=$(readlink "/proc/$pid/exe")
  echo "init exe: $exe"
  # the host file is never what a container's brig process runs
  [ "$(stat -L -c '%d %i' "/proc/$pid/exe")" != "$DEV $INO" ]
  grep -q '^Name:.*brig' "/proc/$pid/status"
  # and what it runs cannot be opened for writing, even by the host's root
  # (a read-only overlayfs: EROFS; a sealed memfd: the write is refused)
  run python3 -c "
import os, sys
try:
    fd = os.open('/proc/$pid/exe', os.O_WRONLY)
    os.write(fd, b'x')
except OSError as e:
    print('refused:', e.strerror)
    sys.exit(0)
print('written')
sys.exit(1)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "refused: "* ]]
  # as root brig takes the overlayfs way: no copy of the binary at all
  [ "$exe" = "/$(basename "$BRIG")" ]
  grep -q 'overlay' <<<"$(stat -f -L -c %T "/proc/$pid/exe")"
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

# fd 3 is a host directory handed over with --preserve-fds (as an engine
# or socket activation may): a cwd through it must still be refused.
@test "CVE-2024-21626: run: cwd /proc/self/fd/N never reaches a host directory" {
  mkdir "$TEST_TMP/hostdir" && touch "$TEST_TMP/hostdir/host-only-file"
  for n in 3 4 5 6 7 8 9 10; do
    cfg ".process.cwd = \"/proc/self/fd/$n\" | .process.args = [\"sh\", \"-c\", \"pwd; ls\"]"
    run brig run --preserve-fds 1 -b "$BUNDLE" "$(cid "$n")" </dev/null 3<"$TEST_TMP/hostdir"
    echo "fd $n: status $status: $output"
    [ "$status" -ne 0 ] # no fd of the process is a directory of its own root
    [[ "$output" != *host-only-file* ]]
  done
}

@test "CVE-2024-21626: exec: cwd /proc/self/fd/N never reaches a host directory" {
  mkdir "$TEST_TMP/hostdir" && touch "$TEST_TMP/hostdir/host-only-file"
  # in a cgroup: brig exec opens the host's cgroupfs on its way in
  cfg ".process.args = [\"sleep\", \"30\"] | .linux.cgroupsPath = \"/brig-bats-$$-$BATS_TEST_NUMBER\""
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  for n in 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    run brig exec --preserve-fds 1 --cwd "/proc/self/fd/$n" "$(cid)" sh -c 'pwd; ls' 3<"$TEST_TMP/hostdir"
    echo "fd $n: status $status: $output"
    [ "$status" -ne 0 ]
    [[ "$output" != *host-only-file* ]]
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

# ---- CVE-2021-30465: mount destinations through symlinks ----

# A createContainer hook runs in the container's mount namespace before
# pivot_root: it sees whether a mount landed on a host path.
hook_check() {
  cfg ".hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"if [ -e /marker-$$ ] || [ -e /etc/marker-$$ ] || [ -e $TEST_TMP/outside/marker-$$ ]; then echo BREACH; else echo clean; fi >> $TEST_TMP/hook.out\"]}]"
}

@test "CVE-2021-30465: a mount destination that is a symlink to /, /etc or a host path stays inside the rootfs" {
  mkdir -p "$TEST_TMP/src" "$TEST_TMP/outside"
  touch "$TEST_TMP/src/marker-$$"
  hook_check
  i=0
  for target in / /etc ../../../../../../../etc "$TEST_TMP/outside"; do
    i=$((i + 1))
    rm -rf "$BUNDLE/rootfs/mnt"; mkdir -p "$BUNDLE/rootfs/mnt"
    ln -s "$target" "$BUNDLE/rootfs/mnt/evil"
    cfg ".mounts = (.mounts | map(select(.destination != \"/mnt/evil\"))) + [{\"destination\": \"/mnt/evil\", \"type\": \"bind\", \"source\": \"$TEST_TMP/src\", \"options\": [\"bind\"]}] | .process.args = [\"true\"]"
    run brig run -b "$BUNDLE" "$(cid $i)" </dev/null
    echo "-> $target: $status $output"
  done
  cat "$TEST_TMP/hook.out"
  [ "$(grep -c clean "$TEST_TMP/hook.out")" -eq 4 ]
  no_match BREACH "$TEST_TMP/hook.out"
  [ ! -e "/etc/marker-$$" ] && [ ! -e "/marker-$$" ]
}

@test "CVE-2021-30465: a container process swapping a mount destination for a symlink races in vain" {
  mkdir -p "$TEST_TMP/src" "$TEST_TMP/outside" "$TEST_TMP/shared"
  touch "$TEST_TMP/src/marker-$$"
  # container A flips shared/evil between a directory and a symlink to /etc
  # and to a host path, as fast as it can
  cfg ".process.args = [\"sh\", \"-c\", \"cd /shared; end=\$((\$(date +%s) + 8)); while [ \$(date +%s) -lt \$end ]; do rm -rf evil; ln -s /etc evil; rm -f evil; ln -s $TEST_TMP/outside evil; rm -f evil; mkdir evil; done\"] | .mounts += [{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$TEST_TMP/shared\", \"options\": [\"bind\"]}] | .root.readonly = false"
  brig run -d -b "$BUNDLE" "$(cid racer)" </dev/null >/dev/null 2>&1
  # container B (its own bundle) mounts onto mnt/evil, which is A's flipper
  "$TOP/tools/mkbundle" "$TEST_TMP/b2" -- true >/dev/null
  BUNDLE=$TEST_TMP/b2
  hook_check
  rmdir "$BUNDLE/rootfs/tmp"
  ln -s "$TEST_TMP/shared" "$BUNDLE/rootfs/mnt-host" 2>/dev/null || true
  cfg ".mounts = (.mounts | map(select(.destination != \"/tmp\"))) + [{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$TEST_TMP/shared\", \"options\": [\"bind\"]}, {\"destination\": \"/tmp/evil\", \"type\": \"bind\", \"source\": \"$TEST_TMP/src\", \"options\": [\"bind\"]}]"
  for i in $(seq 30); do
    brig run -b "$BUNDLE" "$(cid "b$i")" </dev/null >/dev/null 2>&1 || true
  done
  cat "$TEST_TMP/hook.out"
  no_match BREACH "$TEST_TMP/hook.out"
  [ ! -e "/etc/marker-$$" ]
}

# ---- CVE-2025-31133, CVE-2025-52565: /dev/null, /dev/console, /dev/pts ----

@test "CVE-2025-31133: a /dev/null that is a symlink to a procfs file is not used to mask paths" {
  # no /dev tmpfs: /dev comes from the rootfs, where null points at
  # /proc/sys/kernel/core_pattern
  cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) | .process.args = ["sh", "-c", "cat /proc/kcore | head -c 200; echo; cat /proc/sys/kernel/core_pattern"]'
  ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
  run brig run -b "$BUNDLE" "$(cid)" </dev/null
  echo "status $status: $output"
  if [ "$status" -eq 0 ]; then
    # /proc/kcore masked by something that is not core_pattern
    [ "$(echo "$output" | sed -n 1p)" != "$(cat /proc/sys/kernel/core_pattern)" ]
  else
    [[ "$output" == *"/dev/null"* ]]
  fi
  # the same with /dev/null swapped for a character device that is not 1:3
  rm "$BUNDLE/rootfs/dev/null"
  mknod "$BUNDLE/rootfs/dev/null" c 1 5 # /dev/zero
  run brig run -b "$BUNDLE" "$(cid 2)" </dev/null
  echo "status $status: $output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'"/dev/null" is not 1:3'* ]]
}

@test "CVE-2025-52565: a /dev/console symlinked to a procfs file never exposes it" {
  make_bundle sh -c 'stat -L -c "%F %t" /dev/console; echo end'
  # /dev from the rootfs (devpts still mounted on /dev/pts): console
  # points at core_pattern
  cfg '.process.terminal = true | .mounts |= map(select(.destination != "/dev"))'
  mknod "$BUNDLE/rootfs/dev/null" c 1 3
  ln -s pts/ptmx "$BUNDLE/rootfs/dev/ptmx"
  ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/console"
  "$TOP/build/recvtty" "$TEST_TMP/tty.sock" >"$TEST_TMP/tty.out" 2>&1 &
  RECV_PID=$!
  wait_for 50 test -S "$TEST_TMP/tty.sock"
  run brig create --console-socket "$TEST_TMP/tty.sock" -b "$BUNDLE" "$(cid)"
  echo "create: $status $output"
  if [ "$status" -eq 0 ]; then
    brig start "$(cid)"
    wait "$RECV_PID" || true
    out=$(tr -d '\r' <"$TEST_TMP/tty.out")
    echo "$out"
    # what the container reaches as /dev/console is its pty (devpts, 0x88)
    [ "$(echo "$out" | sed -n 1p)" = "character special file 88" ]
  else
    kill "$RECV_PID" 2>/dev/null || true
    wait "$RECV_PID" 2>/dev/null || true
  fi
}

# ---- ids, --root, and the bundle's rootfs ----

@test "a path-traversal container id is refused and creates nothing" {
  mkdir -p "$BRIG_ROOT"
  for id in ../../outside ../outside .. . a/b "x/../../outside"; do
    run brig create -b "$BUNDLE" "$id"
    echo "$id: $status $output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"invalid container id"* ]]
    run brig delete -f "$id"
    [ "$status" -ne 0 ]
  done
  [ ! -e "$TEST_TMP/outside" ] && [ ! -e "$BRIG_ROOT/../outside" ]
  [ ! -e "$TEST_TMP/root/outside" ]
}

@test "--root tricks: a state entry that is a symlink is never followed" {
  mkdir -p "$BRIG_ROOT" "$TEST_TMP/victim"
  echo keep >"$TEST_TMP/victim/state.json"
  echo keep >"$TEST_TMP/victim/precious"
  ln -s "$TEST_TMP/victim" "$BRIG_ROOT/planted"
  run brig delete -f planted
  echo "$output"
  run brig kill planted KILL
  run brig state planted
  [ "$status" -ne 0 ]
  [ "$(cat "$TEST_TMP/victim/precious")" = keep ]
  [ "$(cat "$TEST_TMP/victim/state.json")" = keep ]
  # a --root that is itself a symlink is the caller's choice: it works
  ln -s "$BRIG_ROOT" "$TEST_TMP/rootlink"
  cfg '.process.args = ["true"]'
  "$BRIG" --root "$TEST_TMP/rootlink" run -b "$BUNDLE" "$(cid)" </dev/null
  [ ! -e "$TEST_TMP/rootlink/$(cid)" ]
  rm -f "$BRIG_ROOT/planted"
}

@test "a bundle whose rootfs is a symlink out of the bundle is refused" {
  mv "$BUNDLE/rootfs" "$TEST_TMP/realroot"
  ln -s / "$BUNDLE/rootfs"
  run brig create -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'is the host'* ]]
  rm "$BUNDLE/rootfs"
  ln -s /etc "$BUNDLE/rootfs"
  run brig create -b "$BUNDLE" "$(cid 2)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"outside the bundle"* ]]
  [ ! -e /etc/proc ] && [ ! -e /etc/dev/pts ]
  [ -z "$(ls -A "$BRIG_ROOT" 2>/dev/null)" ]
  # a symlink inside the bundle is fine
  rm "$BUNDLE/rootfs"
  mv "$TEST_TMP/realroot" "$BUNDLE/real"
  ln -s real "$BUNDLE/rootfs"
  cfg '.process.args = ["true"]'
  brig run -b "$BUNDLE" "$(cid 3)" </dev/null
}
