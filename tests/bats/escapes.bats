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

# The original CVE-2019-5736: a binary of the container replaced with a
# "#!/proc/self/exe" script, so that a runtime process exec'ing it in the
# container runs the runtime's own binary there.  The interpreter line's
# argument (--log=FIFO) makes that brig block on the FIFO until the probe
# has tried its /proc/<pid>/exe.  Seen on this kernel (6.18): the script
# does run, its interpreter being /proc/self/exe of the brig process that
# exec'd it: brig's read-only overlayfs copy (or, rootless, its sealed
# memfd), which refuses the argv it is given (and, in a build without
# that copy, brig's own file, which the probe then opened and wrote to).
victim_script() {
  mkdir -p "$TEST_TMP/shared"
  [ -p "$TEST_TMP/shared/gate" ] || mkfifo "$TEST_TMP/shared/gate"
  printf '#!/proc/self/exe --log=/shared/gate\n' >"$1/rootfs/bin/victim"
  chmod 755 "$1/rootfs/bin/victim"
}
shared_mount() {
  echo "{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$TEST_TMP/shared\", \"options\": [\"bind\"]}"
}

# interpreted OUTPUT PROBE_OUT [LAST]: what ran as the script's interpreter
# was brig's unwritable copy, tried by the probe and never the host's file;
# LAST is the probe's last line to wait for ("done", or "released" when the
# process's exit ends the probe's pid namespace too).
interpreted() {
  echo "$1"
  [[ "$1" == *"brig: No help topic for '/bin/victim'"* ]]
  wait_for 100 grep -q "^${3:-done}" "$2"
  cp "$2" "$TEST_TMP/probe.out"
  no_breach
  # the overlayfs copy shows as /<binary name> (its mount is detached)
  grep -Eq '^seen interpreter pid [0-9]* exe (/brig|/memfd:brig \(deleted\))$' "$2"
  grep -q '^refused /proc/[0-9]*/exe is not the host' "$2"
  [ "${3:-done}" != done ] || grep -q '^refused write to the exe' "$2"
  brig_unchanged
}

@test "CVE-2019-5736: a #!/proc/self/exe binary run by brig exec, run and run --init never reaches brig's file" {
  use_brig_copy
  add_probe
  victim_script "$BUNDLE"
  probe_cfg() {
    cfg ".process.args = [\"/bin/escape-probe\", \"gate\", \"/shared/gate\", \"$DEV\", \"$INO\", \"$1\"] | .mounts += [$(shared_mount)]"
  }
  probe_cfg 4
  brig run -d -b "$BUNDLE" "$(cid exec)" </dev/null >"$TEST_TMP/exec.out" 2>&1
  run brig exec "$(cid exec)" /bin/victim
  [ "$status" -eq 3 ] # brig's status for an unknown command (runc's)
  interpreted "$output" "$TEST_TMP/exec.out"

  # run: a second container in the probe's pid namespace, whose process
  # (exec'd by brig's init) is the script
  make_bundle sleep 1
  add_probe
  probe_cfg 4
  brig run -d -b "$BUNDLE" "$(cid a)" </dev/null >"$TEST_TMP/run.out" 2>&1
  pid=$(brig state "$(cid a)" | jq .pid)
  "$TOP/tools/mkbundle" "$TEST_TMP/b2" -- /bin/victim >/dev/null
  victim_script "$TEST_TMP/b2"
  jq ".linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$pid/ns/pid\" else . end) | .mounts += [$(shared_mount)]" \
    "$TEST_TMP/b2/config.json" >"$TEST_TMP/b2/c" && mv "$TEST_TMP/b2/c" "$TEST_TMP/b2/config.json"
  run brig run -b "$TEST_TMP/b2" "$(cid b)" </dev/null
  [ "$status" -eq 3 ]
  interpreted "$output" "$TEST_TMP/run.out"

  # --init: the built-in init's child execs the script; the probe is
  # exec'd into the container while it is created
  make_bundle /bin/victim
  add_probe
  victim_script "$BUNDLE"
  cfg ".mounts += [$(shared_mount)]"
  brig create --init -b "$BUNDLE" "$(cid init)" </dev/null >"$TEST_TMP/init.out" 2>&1
  brig exec -d "$(cid init)" /bin/escape-probe gate /shared/gate "$DEV" "$INO" 4 \
    </dev/null >"$TEST_TMP/init-probe.out" 2>&1
  brig start "$(cid init)"
  wait_for 100 grep -q "No help topic" "$TEST_TMP/init.out"
  interpreted "$(cat "$TEST_TMP/init.out")" "$TEST_TMP/init-probe.out" released
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

# exec's helper read the init's namespaces by pid and skipped any it could
# not find: an init that died just before the join left it in the host's.
@test "exec: an init that dies before the join fails the exec, never runs it in the host's namespaces" {
  use_brig_copy
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  pid=$(brig state "$(cid)" | jq -r .pid)
  BRIG_FAULT_DELAY_MS=1500 BRIG_FAULT_AT=exec-join brig exec "$(cid)" \
    readlink /proc/self/ns/mnt </dev/null >"$TEST_TMP/exec.out" 2>&1 &
  epid=$!
  sleep 0.5
  kill -9 "$pid"
  rc=0
  wait "$epid" || rc=$?
  cat "$TEST_TMP/exec.out"
  [ "$rc" -ne 0 ]
  [[ "$(cat "$TEST_TMP/exec.out")" != *"$(readlink /proc/self/ns/mnt)"* ]]
  [[ "$(cat "$TEST_TMP/exec.out")" == "brig: "*"container init $pid: "* ]]
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

# Run inside the container: every open fd from 3 up, and whether any of
# them is a directory the process can enter (a leaked host directory would
# show its entries); then sleep, so the host can list /proc/<pid>/fd.
FDPROBE='n=3; while [ $n -le 64 ]; do
  [ -e /proc/self/fd/$n ] && echo "fd $n -> $(readlink /proc/self/fd/$n)"
  if cd /proc/self/fd/$n 2>/dev/null; then echo "REACH fd $n: $(ls -a | tr "\n" " ")"; cd /; fi
  n=$((n + 1))
done; echo checked; exec sleep 30'

# fds_ok OUT PID "EXPECTED": the probe in OUT saw exactly the fds EXPECTED
# (from 3 up, space-separated), entered none, and the host sees 0 1 2 and
# EXPECTED in /proc/PID/fd once the process is sleep.
fds_ok() {
  local out=$1 pid=$2 want=$3 seen host
  wait_for 100 grep -q '^checked' "$out"
  cat "$out"
  no_match REACH "$out"
  seen=$(sed -n 's/^fd \([0-9]*\) .*/\1/p' "$out" | tr '\n' ' ')
  [ "$seen" = "$want" ]
  wait_for 50 grep -q sleep "/proc/$pid/cmdline"
  host=$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')
  echo "host sees /proc/$pid/fd: $host"
  [ "$host" = "0 1 2 $want" ]
}

@test "CVE-2024-21626: no fd of brig reaches the process (run, create/start, exec, run --init, --preserve-fds)" {
  # in a cgroup: brig opens the host's cgroupfs on its way in
  cfg --arg p "$FDPROBE" ".process.args = [\"sh\", \"-c\", \$p] | .linux.cgroupsPath = \"/brig-bats-$$-$BATS_TEST_NUMBER\""
  brig run -d -b "$BUNDLE" "$(cid run)" </dev/null >"$TEST_TMP/run.out" 2>&1
  fds_ok "$TEST_TMP/run.out" "$(brig state "$(cid run)" | jq .pid)" ""

  cfg ".linux.cgroupsPath = \"/brig-bats-$$-$BATS_TEST_NUMBER-cs\""
  brig create -b "$BUNDLE" "$(cid cs)" </dev/null >"$TEST_TMP/cs.out" 2>&1
  brig start "$(cid cs)"
  fds_ok "$TEST_TMP/cs.out" "$(brig state "$(cid cs)" | jq .pid)" ""

  brig exec -d --pid-file "$TEST_TMP/exec.pid" "$(cid run)" sh -c "$FDPROBE" \
    </dev/null >"$TEST_TMP/exec.out" 2>&1
  fds_ok "$TEST_TMP/exec.out" "$(cat "$TEST_TMP/exec.pid")" ""

  # fds handed over on purpose are there, and nothing else
  echo a >"$TEST_TMP/f3" && echo b >"$TEST_TMP/f4"
  brig exec -d --preserve-fds 2 --pid-file "$TEST_TMP/exec2.pid" "$(cid run)" sh -c "$FDPROBE" \
    </dev/null >"$TEST_TMP/exec2.out" 2>&1 3<"$TEST_TMP/f3" 4<"$TEST_TMP/f4"
  fds_ok "$TEST_TMP/exec2.out" "$(cat "$TEST_TMP/exec2.pid")" "3 4 "
  cfg ".linux.cgroupsPath = \"/brig-bats-$$-$BATS_TEST_NUMBER-pf\""
  brig run -d --preserve-fds 2 -b "$BUNDLE" "$(cid pf)" </dev/null >"$TEST_TMP/pf.out" 2>&1 \
    3<"$TEST_TMP/f3" 4<"$TEST_TMP/f4"
  fds_ok "$TEST_TMP/pf.out" "$(brig state "$(cid pf)" | jq .pid)" "3 4 "

  # --init: the process is the built-in init's child
  cfg ".linux.cgroupsPath = \"/brig-bats-$$-$BATS_TEST_NUMBER-init\""
  brig run -d --init -b "$BUNDLE" "$(cid init)" </dev/null >"$TEST_TMP/init.out" 2>&1
  init=$(brig state "$(cid init)" | jq .pid)
  wait_for 50 test -n "$(cat /proc/$init/task/*/children)"
  fds_ok "$TEST_TMP/init.out" "$(cat /proc/$init/task/*/children | tr -d ' ')" ""
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

@test "CVE-2019-16884: a fake procfs mounted over /proc is refused (the mount, as runc; brig's writes check it too)" {
  mkdir -p "$TEST_TMP/fakeproc/self"
  echo untouched >"$TEST_TMP/fakeproc/self/oom_score_adj"
  cfg ".process.oomScoreAdj = 500 | .mounts += [{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$TEST_TMP/fakeproc\", \"options\": [\"rbind\"]}]"
  run brig run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'mount on "/proc": only proc (or a bind of a procfs directory) may be mounted there'* ]]
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
  echo "$output"
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

@test "CVE-2025-52881: sysctl writes never follow a mount over /proc/sys" {
  mkdir -p "$TEST_TMP/fakesys/kernel"
  echo untouched >"$TEST_TMP/fakesys/kernel/shmmax"
  # a host directory with look-alike files over /proc/sys
  cfg ".linux.sysctl = {\"kernel.shmmax\": \"123456789\"} | .mounts += [{\"destination\": \"/proc/sys\", \"type\": \"bind\", \"source\": \"$TEST_TMP/fakesys\", \"options\": [\"rbind\"]}]"
  run brig run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  [ "$(cat "$TEST_TMP/fakesys/kernel/shmmax")" = untouched ]
  [ "$status" -ne 0 ]
  [[ "$output" == *'/proc/sys'* ]]
  # a procfs directory over it neither (nothing but lxcfs's files is
  # mounted inside /proc, as runc; the sysctl write would refuse to cross
  # it too)
  cfg '.mounts |= map(if .destination == "/proc/sys" then .source = "/proc/sys" else . end)'
  run brig run -b "$BUNDLE" "$(cid 2)" </dev/null
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'mount on "/proc/sys": it is inside /proc'* ]]
  # and with /proc/sys left alone the key is set
  cfg '.mounts |= map(select(.destination != "/proc/sys")) | .process.args = ["cat", "/proc/sys/kernel/shmmax"]'
  run brig run -b "$BUNDLE" "$(cid 3)" </dev/null
  [ "$status" -eq 0 ]
  [ "$output" = 123456789 ]
}

# The init opens the exec FIFO after pivot_root, through /proc/self/fd/N
# of its fd: a /proc that is not a procfs must not stand in for it (the
# init would write "0" to a file of the bundle's choosing and run the
# process before `start`).
@test "the exec FIFO is never opened through a fake /proc" {
  mkdir -p "$TEST_TMP/out" "$TEST_TMP/fake/self/fd" "$BUNDLE/rootfs/proc/self/fd"
  for n in $(seq 3 64); do
    echo untouched >"$TEST_TMP/fake/self/fd/$n"
    echo untouched >"$BUNDLE/rootfs/proc/self/fd/$n"
  done
  out_mount="{\"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$TEST_TMP/out\", \"options\": [\"bind\"]}"
  cfg ".process.args = [\"sh\", \"-c\", \"echo ran > /out/ran\"] | .mounts += [$out_mount]"
  cp "$BUNDLE/config.json" "$TEST_TMP/config.json"
  # a host directory bound over /proc, then no procfs at all (the rootfs's
  # own /proc directory)
  cfg ".mounts += [{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$TEST_TMP/fake\", \"options\": [\"rbind\"]}]"
  run brig create -b "$BUNDLE" "$(cid 1)" </dev/null
  echo "bound: $status $output"
  st1=$status out1=$output
  cp "$TEST_TMP/config.json" "$BUNDLE/config.json"
  cfg '.mounts |= map(select(.type != "proc"))'
  run brig create -b "$BUNDLE" "$(cid 2)" </dev/null
  echo "none: $status $output"
  sleep 0.5 # (an init let through would run the process now)
  [ ! -e "$TEST_TMP/out/ran" ]
  [ "$(cat "$TEST_TMP"/fake/self/fd/* "$BUNDLE"/rootfs/proc/self/fd/* | sort -u)" = untouched ]
  [ "$st1" -ne 0 ]
  [ "$status" -ne 0 ]
  [[ "$out1" == *'mount on "/proc": only proc (or a bind of a procfs directory) may be mounted there'* ]]
  [[ "$output" == *'"/proc" is not the root of a procfs: refusing to use it for the exec FIFO'* ]]
  root_clean
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
  [ ! -e "/etc/marker-$$" ]
  [ ! -e "/marker-$$" ]
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

# console_run: create + start with a console socket; the pty's output in
# $out.  Asserts create and start succeed (the bundle is harmless to brig).
console_run() {
  bg "$TOP/build/recvtty" "$TEST_TMP/tty.sock" >"$TEST_TMP/tty.out" 2>&1
  RECV_PID=$BG_PID
  wait_for 50 test -S "$TEST_TMP/tty.sock"
  run brig create --console-socket "$TEST_TMP/tty.sock" -b "$BUNDLE" "$1"
  echo "create: $status $output"
  [ "$status" -eq 0 ]
  brig start "$1"
  wait "$RECV_PID" || true
  out=$(tr -d '\r' <"$TEST_TMP/tty.out")
  echo "$out"
}

@test "CVE-2025-52565: a /dev/console symlinked to a procfs file never exposes it" {
  make_bundle sh -c 'stat -L -c "%F %t" /dev/console; echo end'
  # /dev from the rootfs (devpts still mounted on /dev/pts): console
  # points at core_pattern
  cfg '.process.terminal = true | .mounts |= map(select(.destination != "/dev"))'
  mknod "$BUNDLE/rootfs/dev/null" c 1 3
  ln -s pts/ptmx "$BUNDLE/rootfs/dev/ptmx"
  ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/console"
  console_run "$(cid)"
  # what the container reaches as /dev/console is its pty (devpts, 0x88)
  [ "$(echo "$out" | sed -n 1p)" = "character special file 88" ]
}

# The pty's path swapped for a symlink (runc bound /dev/pts/N by path):
# devpts is mounted elsewhere, and the rootfs's own /dev/pts/N point at
# core_pattern.  Only the console's source decides the outcome here: the
# masked and read-only paths come later and do not touch /dev/console.
@test "CVE-2025-52565: a /dev/pts/N that is a symlink is not bound as /dev/console" {
  make_bundle sh -c 'stat -L -c "%F %t" /dev/console; tty; echo end'
  cfg '.process.terminal = true | .mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts")) | .mounts += [{"destination": "/ptsreal", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
  mkdir "$BUNDLE/rootfs/ptsreal" "$BUNDLE/rootfs/dev/pts"
  mknod "$BUNDLE/rootfs/dev/null" c 1 3
  ln -s /ptsreal/ptmx "$BUNDLE/rootfs/dev/ptmx"
  for n in 0 1 2 3 4 5 6 7; do
    ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/pts/$n"
  done
  console_run "$(cid)"
  [ "$(echo "$out" | sed -n 1p)" = "character special file 88" ]
  [ "$(echo "$out" | sed -n 3p)" = end ]
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
  [ ! -e "$TEST_TMP/outside" ]
  [ ! -e "$BRIG_ROOT/../outside" ]
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
  rm -f "$BRIG_ROOT/planted"
  # a shared directory (.state, .tmp, .fifo, .config) replaced by a
  # symlink: no file is read, written or removed through it
  cfg '.process.args = ["sleep", "100"]'
  for k in .state .tmp .fifo .config; do
    rm -rf "${BRIG_ROOT:?}"/.state "$BRIG_ROOT"/.tmp "$BRIG_ROOT"/.fifo "$BRIG_ROOT"/.config
    ln -s "$TEST_TMP/victim" "$BRIG_ROOT/$k"
    echo keep >"$TEST_TMP/victim/$(cid k)"
    cfg '.hooks = {poststop: [{path: "/bin/true"}]}'
    run brig create -b "$BUNDLE" "$(cid k)"
    echo "$k: $output"
    [ "$status" -ne 0 ]
    [ "$(cat "$TEST_TMP/victim/$(cid k)")" = keep ]
    [ ! -e "$BRIG_ROOT/$(cid k)" ] # its own file, removed again
    # an existing container's own file beside it: state, delete
    : >"$BRIG_ROOT/$(cid k)"
    run brig state "$(cid k)"
    run brig delete -f "$(cid k)"
    [ "$(cat "$TEST_TMP/victim/$(cid k)")" = keep ]
    rm -f "$BRIG_ROOT/$(cid k)" "$BRIG_ROOT/$k"
  done
  [ "$(cat "$TEST_TMP/victim/precious")" = keep ]
  cfg 'del(.hooks)'
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
  [ ! -e /etc/proc ]
  [ ! -e /etc/dev/pts ]
  root_clean
  # a symlink inside the bundle is fine
  rm "$BUNDLE/rootfs"
  mv "$TEST_TMP/realroot" "$BUNDLE/real"
  ln -s real "$BUNDLE/rootfs"
  cfg '.process.args = ["true"]'
  brig run -b "$BUNDLE" "$(cid 3)" </dev/null
}
