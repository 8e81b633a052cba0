#!/usr/bin/env bats
# cgroup v2 only (/sys/fs/cgroup is cgroup2): run by tools/cgroup2-guest in
# a guest booted with cgroup_no_v1=all; skipped on any other host.
# Every resource read back from its v2 file and its effect, update, freeze,
# cgroup.kill, OOM events from memory.events, eBPF device rules allowing
# and denying (and replaced on update), exec into a container that made
# cgroups of its own, stats, cgroupsPath forms, cleanup.
#
# Container starts are slow in the guest (TCG): the busybox rootfs is made
# once per file and shared read-only; each test has its own bundle dir
# (config.json) and a writable /share.

load ../helpers
TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
BRIG=${BRIG:-$TOP/build/brig}

CG=/sys/fs/cgroup

# BRIG_CGROUP2_BUNDLE: a tools/mkbundle bundle to share (the guest's,
# made on the host); else one is made here.
setup_file() {
  [ "$(stat -fc %T $CG)" = cgroup2fs ] || return 0
  if [ -n "${BRIG_CGROUP2_BUNDLE:-}" ]; then
    export SHARED=$BRIG_CGROUP2_BUNDLE
    return 0
  fi
  SHARED_TMP=$(mktemp -d /tmp/brig-cg2.XXXXXX)
  chmod 755 "$SHARED_TMP"
  export SHARED_TMP SHARED=$SHARED_TMP/bundle
  "$TOP/tools/mkbundle" "$SHARED" -- true
}

teardown_file() {
  [ -z "${SHARED_TMP:-}" ] || rm -rf "$SHARED_TMP"
}

setup() {
  [ "$(stat -fc %T $CG)" = cgroup2fs ] || skip "not a cgroup v2 host"
  TEST_TMP=$(mktemp -d /tmp/brig-bats.XXXXXX)
  chmod 755 "$TEST_TMP"
  BRIG_ROOT=$TEST_TMP/root
  BUNDLE=$TEST_TMP/bundle
  mkdir -p "$BUNDLE" "$TEST_TMP/share"
  chmod 777 "$TEST_TMP/share"
  bundle true
}

teardown() {
  [ -n "${TEST_TMP:-}" ] || return 0
  # a parent a test froze is thawed first
  [ ! -e "$CG/brig-abs-$$/cgroup.freeze" ] || echo 0 >"$CG/brig-abs-$$/cgroup.freeze" || true
  teardown_brig
  local d
  for d in "$CG/brig-abs-$$" "$CG/brig-rel-$$"; do
    [ -d "$d" ] || continue
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
    rmdir "$d" 2>/dev/null || true
  done
}

# bundle CMD...: $BUNDLE/config.json running CMD on the shared rootfs, with
# $TEST_TMP/share at /share.
bundle() {
  jq --arg root "$SHARED/rootfs" --arg share "$TEST_TMP/share" \
    '.root.path = $root | .process.args = $ARGS.positional
     | .mounts += [{"destination": "/share", "type": "bind",
                    "source": $share, "options": ["rbind", "rw"]}]' \
    "$SHARED/config.json" --args -- "$@" > "$BUNDLE/config.json"
}

# cg FILE [ID]: a file of the container's cgroup.
cg() { cat "$CG/brig/${2:-$(cid)}/$1"; }

# start [JQ FILTER]: run $(cid) detached, its stdio in a file.
start() {
  [ $# -eq 0 ] || cfg "$1"
  brig run -d -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 < /dev/null
}

# refused JQ MESSAGE: `run` of $(cid r) fails naming MESSAGE and leaves no
# cgroup.
refused() {
  bundle true
  cfg "$1"
  run brig run -b "$BUNDLE" "$(cid r)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$2"* ]]
  [ ! -e "$CG/brig/$(cid r)" ]
  no_state "$(cid r)"
}

@test "create: /brig/<id> with the controllers enabled down the path; delete removes it" {
  bundle sleep 1000
  brig --debug run -d -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 < /dev/null
  # clone3 started the init inside its cgroup
  grep -q "cloned into its cgroup (CLONE_INTO_CGROUP)" "$TEST_TMP/out"
  [ -d "$CG/brig/$(cid)" ]
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -qx "$pid" "$CG/brig/$(cid)/cgroup.procs"
  for c in cpu memory pids io; do
    grep -qw "$c" "$CG/cgroup.subtree_control"
    grep -qw "$c" "$CG/brig/cgroup.subtree_control"
    grep -qw "$c" "$CG/brig/$(cid)/cgroup.controllers"
  done
  # the container's own cgroup is a leaf, and its namespace's root
  [ -z "$(cg cgroup.subtree_control)" ]
  [ "$(cat /proc/$pid/cgroup)" = "0::/brig/$(cid)" ]
  brig exec "$(cid)" cat /proc/self/cgroup | grep -qx "0::/"
  brig delete -f "$(cid)"
  [ ! -e "$CG/brig/$(cid)" ]
}

@test "memory: memory.max, memory.low, memory.swap.max (swap less memory); unified memory.high/min" {
  bundle sleep 1000
  start '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432,
      "swap": 134217728, "swappiness": 20, "kernel": 1048576, "disableOOMKiller": true}
    | .linux.resources.unified = {"memory.high": "60000000", "memory.min": "4194304"}'
  [ "$(cg memory.max)" = 67108864 ]
  [ "$(cg memory.low)" = 33554432 ]
  [ "$(cg memory.swap.max)" = 67108864 ]
  [ "$(cg memory.high)" = 59998208 ] # page aligned by the kernel
  [ "$(cg memory.min)" = 4194304 ]
  # -1: unlimited memory, and so unlimited swap
  brig update --memory -1 "$(cid)"
  [ "$(cg memory.max)" = max ]
  [ "$(cg memory.swap.max)" = max ]
}

@test "memory: swap below the limit, or without a limit, is refused" {
  refused '.linux.resources.memory = {"limit": 67108864, "swap": 33554432}' \
    "memory.swap: 33554432 is below the memory limit 67108864"
  refused '.linux.resources.memory = {"swap": 33554432}' \
    "a swap limit needs a memory limit on cgroup v2"
}

@test "OOM: a process over memory.max is killed, memory.events counts it, events reports it" {
  bundle sh -c 'read go < /share/go; x=aaaaaaaaaaaaaaaa; while :; do x="$x$x"; done'
  mkfifo "$TEST_TMP/share/go"
  start '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  timeout 60 "$BRIG" --root "$BRIG_ROOT" events --interval 1s "$(cid)" \
    > "$TEST_TMP/events" 2>&1 &
  epid=$!
  # the OOM only once events watches memory.events: its first stats event
  # comes after that
  wait_for 200 grep -q '"type":"stats"' "$TEST_TMP/events"
  timeout 10 sh -c "echo go > '$TEST_TMP/share/go'"
  wait "$epid" # events ends when the container stops
  cat "$TEST_TMP/events"
  grep -qx "{\"type\":\"oom\",\"id\":\"$(cid)\"}" "$TEST_TMP/events"
  grep -q "^oom_kill [1-9]" "$CG/brig/$(cid)/memory.events"
  [ "$(brig state "$(cid)" | jq -r .status)" = stopped ]
}

@test "cpu: shares as weight (runc's conversion), cpu.max, burst, idle, cpuset" {
  bundle sleep 1000
  start '.linux.resources.cpu = {"shares": 512, "quota": 20000,
    "period": 50000, "burst": 5000, "idle": 0, "cpus": "1", "mems": "0"}'
  [ "$(cg cpu.weight)" = 20 ] # 1 + (512 - 2) * 9999 / 262142
  [ "$(cg cpu.max)" = "20000 50000" ]
  [ "$(cg cpu.max.burst)" = 5000 ]
  [ "$(cg cpu.idle)" = 0 ]
  [ "$(cg cpuset.cpus)" = 1 ]
  [ "$(cg cpuset.mems)" = 0 ]
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -q "^Cpus_allowed_list:[[:space:]]*1$" "/proc/$pid/status"
  # -1 quota: no limit, the period kept
  brig update --cpu-quota -1 --cpu-period 100000 --cpu-share 2 "$(cid)"
  [ "$(cg cpu.max)" = "max 100000" ]
  [ "$(cg cpu.weight)" = 1 ]
  brig update --cpu-share 262144 "$(cid)"
  [ "$(cg cpu.weight)" = 10000 ]
  echo '{"cpu": {"idle": 1}}' | brig update -r - "$(cid)"
  [ "$(cg cpu.idle)" = 1 ]
  # out of idle with a weight in one update: idle 0 first (the kernel
  # refuses a weight while idle), as runc
  echo '{"cpu": {"idle": 0, "shares": 1024}}' | brig update -r - "$(cid)"
  [ "$(cg cpu.idle)" = 0 ]
  [ "$(cg cpu.weight)" = 39 ]
  # and into idle with a weight: the weight while not idle yet
  echo '{"cpu": {"idle": 1, "shares": 2048}}' | brig update -r - "$(cid)"
  [ "$(cg cpu.idle)" = 1 ]
}

@test "cpu: realtime is refused (no v2 controller); a refused value leaves no cgroup" {
  refused '.linux.resources.cpu = {"realtimeRuntime": 1000}' \
    "cgroup v2 has no realtime CPU controller"
  refused '.linux.resources.cpu = {"quota": 100, "period": 100000}' \
    "brig: config.json: .linux.resources.cpu.quota: set cpu.max=100 100000: Invalid argument"
}

@test "pids: pids.max is written and forks stop at it" {
  bundle sh -c '(i=0; while [ $i -lt 40 ]; do sleep 1000 & i=$((i+1)); done) 2>/dev/null; echo forked; exec sleep 1000'
  start '.linux.resources.pids = {"limit": 10}'
  [ "$(cg pids.max)" = 10 ]
  wait_for 300 grep -q forked "$TEST_TMP/out"
  [ "$(cg pids.current)" -eq 9 ]
  grep -q "^max [1-9]" "$CG/brig/$(cid)/pids.events"
}

@test "io: weight converted to io.weight, throttles in io.max; hugetlb; rdma without a device" {
  dev=$(cat /sys/block/loop0/dev) || skip "no loop0"
  maj=${dev%:*} min=${dev#*:}
  bundle sleep 1000
  start ".linux.resources.blockIO = {\"weight\": 500,
      \"weightDevice\": [{\"major\": $maj, \"minor\": $min, \"weight\": 300}],
      \"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
      \"throttleWriteBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 2097152}],
      \"throttleReadIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 100}],
      \"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 200}]}
    | .linux.resources.hugepageLimits = [{\"pageSize\": \"2MB\", \"limit\": 4194304}]"
  cat "$CG/brig/$(cid)/io.weight" "$CG/brig/$(cid)/io.max"
  if [ -e "$CG/brig/$(cid)/io.bfq.weight" ]; then
    grep -qx "default 500" "$CG/brig/$(cid)/io.bfq.weight"
    grep -qx "$dev 300" "$CG/brig/$(cid)/io.bfq.weight"
  else
    grep -qx "default 4950" "$CG/brig/$(cid)/io.weight" # 1 + 490 * 9999 / 990
    # a weight per device only with BFQ: skipped, said (runc skips it)
    not grep -q "^$dev " "$CG/brig/$(cid)/io.weight"
    grep -q "weightDevice\[0\]: skipped: a weight per device needs the BFQ scheduler" "$TEST_TMP/out"
  fi
  grep -qx "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200" "$CG/brig/$(cid)/io.max"
  [ "$(cg hugetlb.2MB.max)" = 4194304 ]
  [ "$(cg hugetlb.2MB.rsvd.max)" = 4194304 ]
  # an rdma device this guest does not have: the kernel's refusal, named;
  # only the limits given are written (runc)
  brig delete -f "$(cid)"
  refused '.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 3}}' \
    "brig: config.json: .linux.resources.rdma: set rdma.max=mlx5_0 hca_handle=3: "
}

@test "unified: files written as given; a controller not enabled, net_cls, leafWeight refused" {
  bundle sleep 1000
  start '.linux.resources.unified = {"pids.max": "42", "cpu.weight.nice": "5",
    "memory.oom.group": "1", "cgroup.freeze": "0"}'
  [ "$(cg pids.max)" = 42 ]
  [ "$(cg cpu.weight.nice)" = 5 ]
  [ "$(cg memory.oom.group)" = 1 ]
  refused '.linux.resources.unified = {"nosuch.max": "1"}' \
    "linux.resources.unified: the nosuch controller is not enabled for /brig/$(cid r)"
  refused '.linux.resources.network = {"classID": 1048577}' \
    "cgroup v2 has no net_cls or net_prio controller"
  refused '.linux.resources.blockIO = {"leafWeight": 300}' \
    "cgroup v2 has no leaf weight"
}

@test "devices (eBPF): deny-all + runc's defaults, a denied device, an allowed read-only one" {
  bundle sh -c '
    head -c1 /dev/zero > /dev/null 2>&1 && echo zero-ok || echo zero-denied
    echo > /dev/null && echo null-ok
    head -c1 /dev/urandom > /dev/null 2>&1 && echo urandom-read || echo urandom-noread
    echo x 2> /dev/null > /dev/urandom && echo urandom-write || echo urandom-nowrite
    head -c1 /dev/full > /dev/null 2>&1 && echo full-ok || echo full-denied
    mknod /tmp/n c 1 3 2> /dev/null && echo mknod-ok || echo mknod-denied
    mknod /tmp/b b 7 0 2> /dev/null && echo mknodb-ok || echo mknodb-denied'
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"},
      {"allow": false, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
      {"allow": false, "type": "c", "major": 1, "minor": 9, "access": "rwm"},
      {"allow": true, "type": "c", "major": 1, "minor": 9, "access": "r"},
      {"allow": false, "type": "b", "access": "m"}]
    | .process.capabilities[] += ["CAP_MKNOD"]'
  # a device the rules deny must also be absent from the defaults: /dev/full
  # (1:7) is a default; drop it by naming it denied
  cfg '.linux.resources.devices += [{"allow": false, "type": "c", "major": 1, "minor": 7, "access": "rw"}]'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *zero-denied* ]]
  [[ "$output" == *null-ok* ]]
  [[ "$output" == *urandom-read* ]]
  [[ "$output" == *urandom-nowrite* ]]
  [[ "$output" == *full-denied* ]]
  [[ "$output" == *mknod-ok* ]]     # "c *:* m" is a default
  [[ "$output" == *mknodb-denied* ]] # and "b *:* m" is refused at the end
}

@test "devices (eBPF): 40 rules load (the verifier's log no longer overflows)" {
  bundle sh -c 'echo > /dev/null && echo null-ok; head -c1 /dev/zero > /dev/null 2>&1 && echo zero-ok || echo zero-denied'
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"}]
    + [range(100; 140) | {"allow": true, "type": "c", "major": ., "minor": 1, "access": "r"}]
    + [{"allow": false, "type": "c", "major": 1, "minor": 5, "access": "rwm"}]'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *null-ok* ]]
  [[ "$output" == *zero-denied* ]]
}

@test "devices (eBPF): an allow-list without a deny-all in the config; its rules refine the defaults; update leaves them" {
  bundle sleep 1000
  start '.linux.resources.devices = [{"allow": false, "type": "c", "major": 1, "minor": 5, "access": "r"}]'
  run brig exec "$(cid)" head -c1 /dev/zero
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  brig exec "$(cid)" sh -c 'head -c1 /dev/urandom > /dev/null'
  brig exec "$(cid)" sh -c 'echo > /dev/zero' # only reading was denied
  # not in the defaults: denied (mknod of a char device is allowed)
  run brig exec "$(cid)" sh -c 'mknod /dev/f c 10 229 && exec 3<>/dev/f && echo OPENED'
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" != *OPENED* ]]
  # runc's update -r ignores device rules: the program stays
  echo '{"devices": [{"allow": true, "access": "rwm"}], "pids": {"limit": 50}}' |
    brig update -r - "$(cid)"
  run brig exec "$(cid)" head -c1 /dev/zero
  [ "$status" -ne 0 ]
  brig exec "$(cid)" sh -c 'head -c1 /dev/urandom > /dev/null'
}

@test "update: memory, pids, cpu through flags and --resources" {
  bundle sleep 1000
  start '.linux.resources.memory = {"limit": 104857600}'
  brig update --memory 50m --memory-swap 100M --memory-reservation 10MiB \
    --cpu-share 1024 --cpu-quota 30000 --cpu-period 60000 --pids-limit 33 \
    --cpuset-cpus 0 "$(cid)"
  [ "$(cg memory.max)" = 52428800 ]
  [ "$(cg memory.swap.max)" = 52428800 ]
  [ "$(cg memory.low)" = 10485760 ]
  [ "$(cg cpu.weight)" = 39 ]
  [ "$(cg cpu.max)" = "30000 60000" ]
  [ "$(cg pids.max)" = 33 ]
  [ "$(cg cpuset.cpus)" = 0 ]
  echo '{"memory": {"limit": 41943040, "swap": 83886080}, "pids": {"limit": -1},
    "unified": {"memory.high": "max"}}' | brig update -r - "$(cid)"
  [ "$(cg memory.max)" = 41943040 ]
  [ "$(cg memory.swap.max)" = 41943040 ]
  [ "$(cg pids.max)" = max ]
  # a period alone keeps the quota (cpu.max holds both)
  brig update --cpu-period 80000 "$(cid)"
  [ "$(cg cpu.max)" = "30000 80000" ]
  # memory+swap equal to memory: no swap (memory.swap.max 0, as runc)
  brig update --memory 40m --memory-swap 40m "$(cid)"
  [ "$(cg memory.swap.max)" = 0 ]
  run brig update --cpu-quota 100 "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: linux.resources.cpu.quota: set cpu.max=100: Invalid argument" ]
}

@test "update that fails part way puts back what it had written (runc): memory.max, pids.max, cpu.max, an io.max line it added" {
  dev=$(cat /sys/block/loop0/dev) || skip "no loop0"
  maj=${dev%:*} min=${dev#*:}
  bundle sleep 1000
  start '.linux.resources = {"memory": {"limit": 104857600}, "pids": {"limit": 100}}'
  cpumax=$(cg cpu.max)
  # the unified key fails after every other field is written
  echo "{\"memory\": {\"limit\": 52428800}, \"pids\": {\"limit\": 5},
    \"cpu\": {\"quota\": 30000, \"period\": 60000},
    \"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}]},
    \"unified\": {\"memory.bogus\": \"1\"}}" > "$TEST_TMP/r.json"
  run brig update -r "$TEST_TMP/r.json" "$(cid)"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"memory.bogus"* ]]
  [ "$(cg memory.max)" = 104857600 ]
  [ "$(cg pids.max)" = 100 ]
  [ "$(cg cpu.max)" = "$cpumax" ]
  ! grep -q "^$dev " "$CG/brig/$(cid)/io.max"
}

@test "pause/resume: cgroup.freeze, frozen 1 in cgroup.events; kill --all of a paused one" {
  bundle sh -c 'sleep 1000 & exec sleep 1001'
  start
  # state reads the file create recorded
  [ "$(jq -r .brig.freezerFile "$BRIG_ROOT/.state/$(cid)")" = "$CG/brig/$(cid)/cgroup.freeze" ]
  brig pause "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  [ "$(cg cgroup.freeze)" = 1 ]
  grep -qx "frozen 1" "$CG/brig/$(cid)/cgroup.events"
  brig resume "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  [ "$(cg cgroup.freeze)" = 0 ]
  grep -qx "frozen 0" "$CG/brig/$(cid)/cgroup.events"
  # a state.json without the field (an older brig's): found through the
  # recorded cgroup path
  jq -c 'del(.brig.freezerFile)' "$BRIG_ROOT/.state/$(cid)" >"$TEST_TMP/old"
  cat "$TEST_TMP/old" >"$BRIG_ROOT/.state/$(cid)"
  brig pause "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  brig resume "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  brig pause "$(cid)"
  brig kill --all "$(cid)" KILL
  wait_for 100 sh -c "[ \"\$('$BRIG' --root '$BRIG_ROOT' state '$(cid)' | jq -r .status)\" = stopped ]"
  brig delete "$(cid)"
  [ ! -e "$CG/brig/$(cid)" ]
}

@test "a container frozen only through its parent is running, not paused (runc reads cgroup.freeze); pause and resume work under it" {
  bundle sleep 1000
  start ".linux.cgroupsPath = \"/brig-abs-$$/c\""
  P=$CG/brig-abs-$$
  echo 1 >"$P/cgroup.freeze"
  wait_for 100 grep -qx "frozen 1" "$P/c/cgroup.events"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  brig pause "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  # its own freeze undone, still frozen through the parent: resume succeeds
  brig resume "$(cid)"
  [ "$(cat "$P/c/cgroup.freeze")" = 0 ]
  grep -qx "frozen 1" "$P/c/cgroup.events"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  echo 0 >"$P/cgroup.freeze"
  wait_for 100 grep -qx "frozen 0" "$P/c/cgroup.events"
  brig delete -f "$(cid)"
  [ ! -e "$P/c" ]
}

@test "kill --all KILL goes through cgroup.kill, nested cgroups included; ps lists them" {
  bundle sh -c 'mkdir /sys/fs/cgroup/sub && { sh -c "echo \$\$ > /sys/fs/cgroup/sub/cgroup.procs; exec sleep 1000" & }; sleep 1001 & exec sleep 1002'
  cfg '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["rw", "nosuid", "noexec", "nodev"]}]'
  start
  wait_for 100 grep -q . "$CG/brig/$(cid)/sub/cgroup.procs"
  wait_for 100 sh -c "[ \$('$BRIG' --root '$BRIG_ROOT' ps -f json '$(cid)' | jq length) -eq 3 ]"
  # a SIGTERM goes to each; kill --all KILL writes cgroup.kill
  brig kill --all "$(cid)" KILL
  wait_for 100 sh -c "[ \$(cat $CG/brig/$(cid)/cgroup.events | grep -c 'populated 0') -eq 1 ]"
  brig delete "$(cid)"
  [ ! -e "$CG/brig/$(cid)" ]
}

@test "exec into a container whose init made sub-cgroups and enabled controllers joins a leaf" {
  bundle sh -c 'mkdir /sys/fs/cgroup/init /sys/fs/cgroup/other &&
    echo $$ > /sys/fs/cgroup/init/cgroup.procs &&
    echo +pids +memory > /sys/fs/cgroup/cgroup.subtree_control && echo ready > /share/ready; exec sleep 1000'
  cfg '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["rw", "nosuid", "noexec", "nodev"]}]'
  start
  wait_for 100 test -e "$TEST_TMP/share/ready"
  grep -qw pids "$CG/brig/$(cid)/cgroup.subtree_control"
  run brig exec "$(cid)" cat /proc/self/cgroup
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "0::/init" ]
  # exec with --cgroup names one itself
  run brig exec --cgroup other "$(cid)" cat /proc/self/cgroup
  [ "$output" = "0::/other" ]
  # one hierarchy: no <controller>: prefix names it (runc's rule)
  run brig exec --cgroup memory:other "$(cid)" cat /proc/self/cgroup
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: --cgroup memory:other: unknown controller memory" ]
  run brig exec --cgroup nosuch "$(cid)" cat /proc/self/cgroup
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: --cgroup: sub-cgroup $CG/brig/$(cid)/nosuch: No such file or directory" ]
}

@test "events --stats: cpu, memory, pids from the v2 files; ps" {
  bundle sh -c 'sleep 1000 & exec sleep 1001'
  start '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 9}'
  wait_for 100 sh -c "[ \$(wc -l < $CG/brig/$(cid)/cgroup.procs) -eq 2 ]"
  run brig events --stats "$(cid)"
  [ "$status" -eq 0 ]
  e=$output
  echo "$e"
  [ "$(jq -r .type <<< "$e")" = stats ]
  [ "$(jq .data.memory.usage.limit <<< "$e")" -eq 67108864 ]
  [ "$(jq .data.memory.usage.usage <<< "$e")" -gt 0 ]
  [ "$(jq .data.pids.current <<< "$e")" -eq 2 ]
  [ "$(jq .data.pids.limit <<< "$e")" -eq 9 ]
  [ "$(jq .data.cpu.usage.total <<< "$e")" -gt 0 ]
  [ "$(jq '.data.memory.raw.anon != null' <<< "$e")" = true ]
  [ "$(jq -c .data.cpuset.cpus <<< "$e")" = "[0,1]" ]
  # hugetlb: one entry per page size the host has, in runc's (sorted) order
  want=$(for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
    kb=${d##*-}; kb=${kb%kB}
    if [ "$kb" -ge 1048576 ]; then echo "$((kb / 1048576))GB"
    elif [ "$kb" -ge 1024 ]; then echo "$((kb / 1024))MB"
    else echo "${kb}KB"; fi
  done | LC_ALL=C sort | jq -R . | jq -sc .)
  [ "$want" != "[]" ]
  [ "$(jq -c '.data.hugetlb | keys_unsorted' <<< "$e")" = "$want" ]
  run brig ps "$(cid)"
  [[ "${lines[0]}" == UID*PID*PPID*CMD ]]
  [ "${#lines[@]}" -eq 3 ]
}

@test "cgroupsPath: an absolute path made with the controllers enabled down it, removed on delete" {
  bundle sleep 1000
  start ".linux.cgroupsPath = \"/brig-abs-$$/a/b\""
  [ -d "$CG/brig-abs-$$/a/b" ]
  grep -qw memory "$CG/brig-abs-$$/a/cgroup.subtree_control"
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -qx "$pid" "$CG/brig-abs-$$/a/b/cgroup.procs"
  brig delete -f "$(cid)"
  [ ! -e "$CG/brig-abs-$$/a/b" ]
  rmdir "$CG/brig-abs-$$/a" "$CG/brig-abs-$$"
  # a create that fails after making the path removes the parents it made
  refused ".linux.cgroupsPath = \"/brig-abs-$$/x/y\" | .linux.resources.cpu = {\"quota\": 100, \"period\": 100000}" \
    "brig: config.json: .linux.resources.cpu.quota: set cpu.max=100 100000: Invalid argument"
  [ ! -e "$CG/brig-abs-$$" ]
}

@test "cgroupsPath relative: under the parent of brig's own cgroup (runc's fs2: its own holds processes), limits work" {
  bundle sleep 1000
  mkdir -p "$CG/brig-rel-$$/caller"
  cfg ".linux.cgroupsPath = \"c\" | .linux.resources.memory = {\"limit\": 67108864}"
  # brig runs from a cgroup with a process in it: a child of it could not
  # have controllers enabled
  sh -c "echo \$\$ > '$CG/brig-rel-$$/caller/cgroup.procs'
    exec '$BRIG' --root '$BRIG_ROOT' run -d -b '$BUNDLE' '$(cid)'" </dev/null >"$TEST_TMP/out" 2>&1 ||
    { cat "$TEST_TMP/out"; false; }
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -qx "$pid" "$CG/brig-rel-$$/c/cgroup.procs"
  [ "$(cat "$CG/brig-rel-$$/c/memory.max")" = 67108864 ]
  brig delete -f "$(cid)"
  [ ! -e "$CG/brig-rel-$$/c" ]
  rmdir "$CG/brig-rel-$$/caller" "$CG/brig-rel-$$"
}

@test "a cgroup mount in a user namespace without a cgroup namespace: the host's /sys/fs/cgroup bound, read-only (runc #2158)" {
  bundle sh -c 'grep " /sys/fs/cgroup " /proc/self/mountinfo; test -e /sys/fs/cgroup/cgroup.controllers && echo has-controllers; touch /sys/fs/cgroup/x 2>/dev/null || echo ro'
  cfg '.linux.namespaces |= map(select(.type != "cgroup"))
       | .linux.namespaces += [{"type": "user"}]
       | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
       | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
       | .mounts |= map(select(.destination != "/sys/fs/cgroup"))
       | .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                      "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
  # (the host's ids mapped: the bundle's files stay reachable; the user
  # namespace is new all the same, without privilege over the host's
  # cgroup namespace)
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  # a bind of the host's root of the hierarchy ("/"), not a new mount
  [[ "${lines[0]}" == *" / /sys/fs/cgroup ro,"*" - cgroup2 "* ]]
  [ "${lines[1]}" = has-controllers ]
  [ "${lines[2]}" = ro ]
}

@test "features: cgroup v2 reported" {
  run brig features
  [ "$(jq .linux.cgroup.v2 <<< "$output")" = true ]
  [ "$(jq .linux.cgroup.v1 <<< "$output")" = true ]
}

@test "checkconfig: a cgroup v2 host passes (cpuacct, devices, freezer are cgroup2's core; blkio is io)" {
  run brig checkconfig
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"v2 layout"* ]]
  for c in cpuacct devices freezer; do
    echo "$output" | grep -Eq "^cgroup controller $c +enabled"
  done
}
