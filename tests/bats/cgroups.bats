#!/usr/bin/env bats
# cgroups on a hybrid host (v1 controllers + cgroup2 at /sys/fs/cgroup/unified):
# resources read back from the cgroup files and their effect, update, pause,
# resume, ps, events, kill --all, cleanup after failure, cgroupsPath forms,
# and the clear error for what this host lacks.

load helpers

bats_require_minimum_version 1.5.0

CG=/sys/fs/cgroup
HIERS="cpu cpuacct cpuset memory devices freezer blkio pids systemd unified"

# cg_file CTRL FILE [PATH]: a file of the container's cgroup (/brig/<cid>).
cg_file() { cat "$CG/$1${3:-/brig/$(cid)}/$2"; }

# no_cgroup PATH: PATH exists in no hierarchy.
no_cgroup() {
  local h
  for h in $HIERS; do [ ! -e "$CG/$h$1" ] || { echo "left: $CG/$h$1"; return 1; }; done
}

# start_detached [JQ FILTER]: run $(cid) detached with the bundle's config
# (edited by the filter), its stdio in a file.
start_detached() {
  [ $# -eq 0 ] || cfg "$1"
  brig run -d -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 < /dev/null
}

# blkio_weight_file: the file a blkio cgroup's weight goes to here, CFQ's
# blkio.weight or else BFQ's blkio.bfq.weight (as runc), read off a cgroup
# of the test's own (neither is on the root); empty when the kernel has
# neither scheduler.
blkio_weight_file() {
  local d="$CG/blkio/brig-wprobe-$$" f
  mkdir "$d"
  for f in blkio.weight blkio.bfq.weight; do
    if [ -e "$d/$f" ]; then
      echo "$f"
      break
    fi
  done
  rmdir "$d"
}

WEIGHT_MISSING="linux.resources.blockIO.weight: neither blkio.weight nor blkio.bfq.weight exists on this host"

# refused JQ MESSAGE: `run` fails naming MESSAGE and leaves no cgroup.
refused() {
  make_bundle true
  cfg "$1"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"$2"* ]]
  no_cgroup "/brig/$(cid)"
  no_state "$(cid)"
}

teardown() {
  # a parent a test froze is thawed first: its container could not die
  [ ! -e "$CG/freezer/brig-abs-$$/freezer.state" ] ||
    echo THAWED >"$CG/freezer/brig-abs-$$/freezer.state" || true
  teardown_brig
  # a test that moved a shell or used an absolute path cleans up here too
  local h d
  for h in $HIERS; do
    for d in "$CG/$h/brig-test-$$" "$CG/$h/brig-abs-$$" "$CG/$h/brig-rel-$$" \
      "$CG/$h/brig/$(cid)"; do
      [ -d "$d" ] || continue
      find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
      rmdir "$d" 2>/dev/null || true
    done
  done
}

@test "cgroup: /brig/<id> in every hierarchy, incl. unified; delete removes it" {
  make_bundle sleep 1000
  start_detached
  pid=$(brig state "$(cid)" | jq -r .pid)
  for h in $HIERS; do grep -qx "$pid" "$CG/$h/brig/$(cid)/cgroup.procs"; done
  brig delete -f "$(cid)"
  no_cgroup "/brig/$(cid)"
}

@test "cgroup: the init is in its cgroup in every hierarchy before its cgroup namespace is made" {
  # Each line of /proc/self/cgroup inside is "/": the namespace is rooted
  # at /brig/<id> in every hierarchy, so the init had joined all of them.
  make_bundle cat /proc/self/cgroup
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 10 ]
  for l in "${lines[@]}"; do [[ "$l" == *:/ ]]; done
  # without a cgroup namespace the same lines name /brig/<id>
  cfg '.linux.namespaces |= map(select(.type != "cgroup"))'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "${#lines[@]}" -eq 10 ]
  for l in "${lines[@]}"; do [[ "$l" == *":/brig/$(cid 2)" ]]; done
}

@test "memory: limit, reservation, swap, swappiness, disableOOMKiller" {
  make_bundle sleep 1000
  start_detached '.linux.resources.memory = {"limit": 67108864,
    "reservation": 33554432, "swap": 134217728, "swappiness": 20,
    "disableOOMKiller": true}'
  [ "$(cg_file memory memory.limit_in_bytes)" = 67108864 ]
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 33554432 ]
  [ "$(cg_file memory memory.memsw.limit_in_bytes)" = 134217728 ]
  [ "$(cg_file memory memory.swappiness)" = 20 ]
  cg_file memory memory.oom_control | grep -qx "oom_kill_disable 1"
}

@test "memory.kernel and kernelTCP are ignored with a warning, as runc 1.1.5 (create and update)" {
  make_bundle sleep 1000
  start_detached '.linux.resources.memory = {"kernel": 1048576, "kernelTCP": 16777216}'
  cat "$TEST_TMP/out"
  grep -q "linux.resources.memory.kernel: kernel memory settings are ignored and will be removed (as runc)" "$TEST_TMP/out"
  grep -q "linux.resources.memory.kernelTCP: kernel memory settings are ignored and will be removed (as runc)" "$TEST_TMP/out"
  [ "$(cg_file memory memory.kmem.limit_in_bytes)" != 1048576 ]
  [ "$(cg_file memory memory.kmem.tcp.limit_in_bytes)" != 16777216 ]
  run brig update --kernel-memory 2097152 --kernel-memory-tcp 2097152 "$(cid)"
  [ "$status" -eq 0 ]
  [[ "$output" == *"memory.kernel: kernel memory settings are ignored"* ]]
  [[ "$output" == *"memory.kernelTCP: kernel memory settings are ignored"* ]]
  [ "$(cg_file memory memory.kmem.limit_in_bytes)" != 2097152 ]
  [ "$(cg_file memory memory.kmem.tcp.limit_in_bytes)" != 2097152 ]
}

@test "memory: a process over the limit is OOM-killed (137) and events reports it" {
  # the root is read-only and /tmp a tmpfs: the fifo sits at /go
  make_bundle sh -c 'read go < /go; x=aaaaaaaaaaaaaaaa; while :; do x="$x$x"; done'
  mkfifo "$BUNDLE/rootfs/go"
  start_detached '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  timeout 30 "$BRIG" --root "$BRIG_ROOT" events --interval 60s "$(cid)" \
    > "$TEST_TMP/events" 2>&1 &
  epid=$!
  sleep 0.5
  timeout 10 sh -c "echo go > '$BUNDLE/rootfs/go'"
  wait "$epid" # events ends when the container stops
  cat "$TEST_TMP/events"
  grep -qx "{\"type\":\"oom\",\"id\":\"$(cid)\"}" "$TEST_TMP/events"
  grep -q "^oom_kill [1-9]" "$CG/memory/brig/$(cid)/memory.oom_control"
  # the same through run: the exit status of a SIGKILLed init
  brig delete -f "$(cid)"
  make_bundle sh -c 'x=aaaaaaaaaaaaaaaa; while :; do x="$x$x"; done'
  cfg '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  run brig run -b "$BUNDLE" "$(cid)-fg"
  [ "$status" -eq 137 ]
}

@test "pids: the limit is written and forks stop at it" {
  # busybox sh dies when a fork fails: bomb from a subshell, whose
  # children stay behind with the init
  make_bundle sh -c '(i=0; while [ $i -lt 40 ]; do sleep 1000 & i=$((i+1)); done) 2>/dev/null; echo forked; exec sleep 1000'
  start_detached '.linux.resources.pids = {"limit": 10}'
  [ "$(cg_file pids pids.max)" = 10 ]
  wait_for 100 grep -q forked "$TEST_TMP/out"
  # init + 8 sleeps: the subshell (the 10th) exited when its fork failed
  [ "$(cg_file pids pids.current)" -eq 9 ]
  [ "$(wc -l < "$CG/pids/brig/$(cid)/cgroup.procs")" -eq 9 ]
  grep -q "^max [1-9]" "$CG/pids/brig/$(cid)/pids.events"
}

@test "cpu: shares, quota, period, burst, idle, cpus, mems" {
  make_bundle sleep 1000
  start_detached '.linux.resources.cpu = {"shares": 512, "quota": 20000,
    "period": 50000, "burst": 5000, "idle": 0, "cpus": "0", "mems": "0"}'
  [ "$(cg_file cpu cpu.shares)" = 512 ]
  [ "$(cg_file cpu cpu.cfs_quota_us)" = 20000 ]
  [ "$(cg_file cpu cpu.cfs_period_us)" = 50000 ]
  [ "$(cg_file cpu cpu.cfs_burst_us)" = 5000 ]
  [ "$(cg_file cpu cpu.idle)" = 0 ]
  [ "$(cg_file cpuset cpuset.cpus)" = 0 ]
  [ "$(cg_file cpuset cpuset.mems)" = 0 ]
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -q "^Cpus_allowed_list:[[:space:]]*0$" "/proc/$pid/status"
}

@test "blockIO: per-device throttles; the weight in CFQ's or BFQ's file, refused naming both where the kernel has neither" {
  dev=$(cat /sys/block/vda/dev 2>/dev/null) || skip "no vda"
  maj=${dev%:*} min=${dev#*:}
  wf=$(blkio_weight_file) weight='"weight": 300,'
  if [ -z "$wf" ]; then
    refused '.linux.resources.blockIO = {"weight": 300}' "$WEIGHT_MISSING"
    weight=""
  fi
  make_bundle sleep 1000
  start_detached ".linux.resources.blockIO = {$weight
    \"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
    \"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 100}],
    \"weightDevice\": [{\"major\": $maj, \"minor\": $min, \"weight\": 0, \"leafWeight\": 0}]}"
  # a weightDevice weight of 0 is not given (runc writes nothing)
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  [ "$(cg_file blkio blkio.throttle.read_bps_device)" = "$dev 1048576" ]
  [ "$(cg_file blkio blkio.throttle.write_iops_device)" = "$dev 100" ]
  [ -z "$wf" ] || [ "$(cg_file blkio "$wf")" = 300 ]
}

@test "devices: rules in order, runc's defaults after deny-all, a denied device cannot be opened" {
  make_bundle sh -c 'head -c1 /dev/zero > /dev/null 2>&1 && echo zero-ok || echo zero-denied; echo > /dev/null && echo null-ok'
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"},
    {"allow": false, "type": "c", "major": 1, "minor": 5, "access": "rwm"}]'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *zero-denied* ]]
  [[ "$output" == *null-ok* ]]
  make_bundle sleep 1000
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"},
    {"allow": true, "type": "c", "major": 4, "minor": 1, "access": "r"}]'
  brig run -d -b "$BUNDLE" "$(cid)-d" > "$TEST_TMP/out" 2>&1 < /dev/null
  list=$(cat "$CG/devices/brig/$(cid)-d/devices.list")
  echo "$list"
  for rule in "c 4:1 r" "c *:* m" "b *:* m" "c 1:3 rwm" "c 1:5 rwm" \
      "c 136:* rwm" "c 5:2 rwm" "c 10:200 rwm"; do
    grep -qxF "$rule" <<< "$list"
  done
  not grep -q "^a " <<< "$list"
}

@test "devices: an allow-list whatever the config says, as runc: none given is deny-all and the defaults; other devices stay out of reach" {
  # /dev/fuse (10:229) is not in the defaults: with CAP_MKNOD the node is
  # made ("m" for every char device, as runc) but cannot be opened
  make_bundle sh -c 'mknod /dev/f c 10 229 && echo made && exec 3<>/dev/f && echo OPENED'
  cfg '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
    | .linux.resources = {"memory": {"limit": 104857600}}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [[ "$output" == *made*"Operation not permitted"* ]]
  [[ "$output" != *OPENED* ]]
  # only allow rules: still a list, not an "a *:* rwm" with additions
  make_bundle sleep 1000
  cfg '.linux.resources = {"devices": [{"allow": true, "type": "c", "major": 4, "minor": 1, "access": "r"}]}'
  brig run -d -b "$BUNDLE" "$(cid)-d" > "$TEST_TMP/out" 2>&1 < /dev/null
  list=$(cat "$CG/devices/brig/$(cid)-d/devices.list")
  echo "$list"
  for rule in "c 4:1 r" "c 1:3 rwm" "c 136:* rwm"; do
    grep -qxF "$rule" <<< "$list"
  done
  not grep -q "^a " <<< "$list"
  # update -r with device rules leaves them as they are (runc's -r ignores them)
  echo '{"devices": [{"allow": true, "access": "rwm"}], "pids": {"limit": 50}}' > "$TEST_TMP/r.json"
  brig update -r "$TEST_TMP/r.json" "$(cid)-d"
  [ "$(cat "$CG/pids/brig/$(cid)-d/pids.max")" = 50 ]
  [ "$(cat "$CG/devices/brig/$(cid)-d/devices.list")" = "$list" ]
}

@test "update: flags with size suffixes, a file, stdin; refused value; stopped" {
  make_bundle sleep 1000
  start_detached '.linux.resources.memory = {"limit": 104857600}'
  wf=$(blkio_weight_file)
  if [ -z "$wf" ]; then
    # no weight file here: refused, naming both; the pids limit it wrote
    # first is put back (runc)
    run brig update --pids-limit 44 --blkio-weight 300 "$(cid)"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"$WEIGHT_MISSING"* ]]
    [ "$(cg_file pids pids.max)" = max ]
  fi
  brig update --memory 50m --memory-swap 100M --memory-reservation 10MiB \
    --cpu-share 256 --cpu-quota 30000 --cpu-period 60000 --pids-limit 33 \
    --cpuset-cpus 0 --cpuset-mems 0 ${wf:+--blkio-weight 300} "$(cid)"
  [ "$(cg_file memory memory.limit_in_bytes)" = 52428800 ]
  [ "$(cg_file memory memory.memsw.limit_in_bytes)" = 104857600 ]
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 10485760 ]
  [ "$(cg_file cpu cpu.shares)" = 256 ]
  [ "$(cg_file cpu cpu.cfs_quota_us)" = 30000 ]
  [ "$(cg_file cpu cpu.cfs_period_us)" = 60000 ]
  [ "$(cg_file pids pids.max)" = 33 ]
  [ "$(cg_file cpuset cpuset.cpus)" = 0 ]
  [ "$(cg_file cpuset cpuset.mems)" = 0 ]
  [ -z "$wf" ] || [ "$(cg_file blkio "$wf")" = 300 ]
  # raising limit and swap together needs memsw written first
  brig update --memory 1g --memory-swap 2g "$(cid)"
  [ "$(cg_file memory memory.limit_in_bytes)" = 1073741824 ]
  echo '{"memory": {"limit": 41943040, "swap": 83886080}, "pids": {"limit": 7}}' \
    > "$TEST_TMP/r.json"
  brig update -r "$TEST_TMP/r.json" "$(cid)"
  [ "$(cg_file memory memory.limit_in_bytes)" = 41943040 ]
  [ "$(cg_file memory memory.memsw.limit_in_bytes)" = 83886080 ]
  [ "$(cg_file pids pids.max)" = 7 ]
  echo '{"cpu": {"shares": 300}}' | brig update -r - --cpu-share 999 "$(cid)"
  [ "$(cg_file cpu cpu.shares)" = 300 ]
  # a stdin that cannot be read, or past 8 MiB: one line, limits kept
  run brig update -r - "$(cid)" </
  [ "$status" -eq 1 ]
  [ "$output" = "brig: read resources from stdin: Is a directory" ]
  run sh -c "head -c 8388609 /dev/zero | '$BRIG' --root '$BRIG_ROOT' update -r - '$(cid)'"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: read resources from stdin: File too large" ]
  [ "$(cg_file cpu cpu.shares)" = 300 ]
  run brig update --cpu-quota 100 "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: linux.resources.cpu.quota: set cpu.cfs_quota_us=100: Invalid argument" ]
  run brig update --memory 12q "$(cid)"
  [[ "$output" == *"invalid value for memory: invalid size: '12q'"* ]]
  # sizes as runc reads them: a decimal, a space before the unit, a bare
  # b, -1 for unlimited; not hex, an exponent, a sign, a second point, a
  # point with no digit after it, a doubled unit or nothing
  brig update --memory-reservation 1.5m "$(cid)"
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 1572864 ]
  brig update --memory-reservation "8 kB" "$(cid)"
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 8192 ]
  brig update --memory-reservation 12288b "$(cid)"
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 12288 ]
  brig update --memory-reservation -1 "$(cid)"
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 9223372036854771712 ]
  for bad in 0x10 1e8 +5 1.5.5 1.m 5kk ""; do
    run brig update --memory-reservation "$bad" "$(cid)"
    echo "$bad: $output"
    [ "$status" -eq 1 ]
    [ "$output" = "brig: invalid value for memory-reservation: invalid size: '$bad'" ]
  done
  [ "$(cg_file memory memory.soft_limit_in_bytes)" = 9223372036854771712 ]
  run brig update --l3-cache-schema "L3:0=f" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"l3 cache schema is not enabled"* ]]
  run brig update --mem-bw-schema "MB:0=70" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"memory bandwidth schema is not enabled"* ]]
  # (the pid read first: a stopped container's state gives 0)
  pid=$(brig state "$(cid)" | jq -r .pid)
  brig kill "$(cid)" KILL
  wait_for 50 sh -c "! kill -0 $pid 2>/dev/null"
  run brig update --memory 10m "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
}

@test "update and cgroup refuse a value with a newline inside (the kernel would take its first line) and leave the file; a trailing newline is taken" {
  make_bundle sleep 1000
  start_detached '.linux.resources.pids = {"limit": 50}'
  cpus=$(cg_file cpuset cpuset.cpus)
  run --separate-stderr brig update --cpuset-cpus $'0\njunk' "$(cid)"
  [ "$status" -eq 1 ]
  [ "$stderr" = 'brig: linux.resources.cpu.cpus: set cpuset.cpus=0\u000ajunk: a newline inside the value (a cgroup file takes one line a write): Invalid argument' ]
  [ "$(cg_file cpuset cpuset.cpus)" = "$cpus" ]
  run --separate-stderr brig cgroup "$(cid)" pids.max $'5\n6'
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: cgroup $(cid): set pids.max=5\\u000a6: a newline inside the value (a cgroup file takes one line a write): Invalid argument" ]
  [ "$(cg_file pids pids.max)" = 50 ]
  brig cgroup "$(cid)" pids.max $'9\n'
  [ "$(cg_file pids pids.max)" = 9 ]
}

@test "cpu.shares the kernel would clamp is refused, naming what it allows at either end; nothing left" {
  refused '.linux.resources.cpu = {"shares": 1}' \
    "linux.resources.cpu.shares: set cpu.shares=1: the kernel allows at least 2"
  refused '.linux.resources.cpu = {"shares": 300000}' \
    "linux.resources.cpu.shares: set cpu.shares=300000: the kernel allows at most 262144"
}

@test "update --memory below what the container holds: refused with its current and peak usage (runc); the limit stays" {
  make_bundle sh -c 'head -c 20000000 /dev/zero > /dev/shm/f; echo ready; sleep 1000'
  start_detached '.linux.resources = {"memory": {"limit": 67108864}}'
  wait_for 100 grep -q ready "$TEST_TMP/out"
  run --separate-stderr brig update --memory 8388608 "$(cid)"
  echo "$stderr"
  [ "$status" -eq 1 ]
  re='^brig: linux\.resources\.memory\.limit: set memory\.limit_in_bytes=8388608: Device or resource busy \(current usage: ([0-9]+), peak usage: ([0-9]+)\)$'
  [[ "$stderr" =~ $re ]]
  # the shm file is charged to the container: both figures hold it
  [ "${BASH_REMATCH[1]}" -ge 20000000 ]
  [ "${BASH_REMATCH[2]}" -ge "${BASH_REMATCH[1]}" ]
  [ "$(cg_file memory memory.limit_in_bytes)" = 67108864 ]
}

@test "update that fails part way puts back what it had written (runc): memory and swap raised together, pids, cpu shares" {
  make_bundle sleep 1000
  start_detached '.linux.resources = {"memory": {"limit": 268435456}, "pids": {"limit": 100}}'
  swap=$(cg_file memory memory.memsw.limit_in_bytes)
  shares=$(cg_file cpu cpu.shares)
  # every field before cpu.cpus is written, then the kernel refuses CPU 99
  echo '{"memory": {"limit": 300003328, "swap": 600006656}, "pids": {"limit": 5},
         "cpu": {"shares": 500, "cpus": "99"}}' > "$TEST_TMP/r.json"
  run --separate-stderr brig update -r "$TEST_TMP/r.json" "$(cid)"
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: linux.resources.cpu.cpus: set cpuset.cpus=99: Numerical result out of range" ]
  [ "$(cg_file memory memory.limit_in_bytes)" = 268435456 ]
  [ "$(cg_file memory memory.memsw.limit_in_bytes)" = "$swap" ]
  [ "$(cg_file pids pids.max)" = 100 ]
  [ "$(cg_file cpu cpu.shares)" = "$shares" ]
  # the same update without the bad field lands whole
  echo '{"memory": {"limit": 300003328, "swap": 600006656}, "pids": {"limit": 5},
         "cpu": {"shares": 500}}' > "$TEST_TMP/r.json"
  brig update -r "$TEST_TMP/r.json" "$(cid)"
  [ "$(cg_file memory memory.limit_in_bytes)" = 300003328 ]
  [ "$(cg_file memory memory.memsw.limit_in_bytes)" = 600006656 ]
  [ "$(cg_file pids pids.max)" = 5 ]
  [ "$(cg_file cpu cpu.shares)" = 500 ]
}

@test "update that fails part way puts back per-device lines: a throttle it added goes, one it changed gets its old rate" {
  dev=$(cat /sys/block/vda/dev 2>/dev/null) || skip "no vda"
  maj=${dev%:*} min=${dev#*:}
  make_bundle sleep 1000
  start_detached ".linux.resources.blockIO.throttleWriteBpsDevice = [{\"major\": $maj, \"minor\": $min, \"rate\": 2000000}]"
  [ "$(cg_file blkio blkio.throttle.write_bps_device)" = "$dev 2000000" ]
  # the unified key fails after every blockIO line is written
  echo "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
         \"throttleWriteBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 3000000}]},
         \"unified\": {\"memory.bogus\": \"1\"}}" > "$TEST_TMP/r.json"
  run brig update -r "$TEST_TMP/r.json" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"memory.bogus"* ]]
  [ "$(cg_file blkio blkio.throttle.read_bps_device)" = "" ]
  [ "$(cg_file blkio blkio.throttle.write_bps_device)" = "$dev 2000000" ]
}

@test "update: checkBeforeUpdate refuses a memory limit below the usage, and leaves the limit" {
  make_bundle sleep 1000
  start_detached '.linux.resources.memory = {"limit": 104857600}'
  echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' > "$TEST_TMP/r.json"
  run brig update -r "$TEST_TMP/r.json" "$(cid)"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" =~ "set memory.limit_in_bytes=4096: below the current usage "[0-9]+" (checkBeforeUpdate)" ]]
  [ "$(cg_file memory memory.limit_in_bytes)" = 104857600 ]
}

@test "a bad hugetlb page size or unified key is refused naming it" {
  refused '.linux.resources.hugepageLimits = [{"pageSize": "../2MB", "limit": 4194304}]' \
    'linux.resources.hugepageLimits[0].pageSize: "../2MB" is not a page size like "2MB"'
  refused '.linux.resources.unified = {"nodot": "1"}' \
    'linux.resources.unified: "nodot" is not a cgroup file name'
}

@test "kill --all TERM of a paused container thaws it: the signal is taken at once (runc)" {
  make_bundle sh -c 'trap "exit 7" TERM; sleep 1000 & wait'
  start_detached
  wait_for 50 sh -c "[ \$(wc -l < $CG/pids/brig/$(cid)/cgroup.procs) -eq 2 ]"
  brig pause "$(cid)"
  brig kill --all "$(cid)" TERM
  [ "$(cg_file freezer freezer.state)" = THAWED ]
  wait_for 50 sh -c "[ \"\$('$BRIG' --root '$BRIG_ROOT' state '$(cid)' | jq -r .status)\" = stopped ]"
  brig delete "$(cid)"
  no_cgroup "/brig/$(cid)"
}

@test "pause/resume: paused state, runc's errors, kill and delete --force of a paused container" {
  make_bundle sleep 1000
  start_detached
  run brig resume "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not paused"* ]]
  brig pause "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  [ "$(cg_file freezer freezer.state)" = FROZEN ]
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -q "^State:.*(stopped)\|^State:.*(sleeping)\|^State:.*D" "/proc/$pid/status"
  run brig pause "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  brig resume "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  [ "$(cg_file freezer freezer.state)" = THAWED ]
  # kill --all KILL of a paused container: killed and thawed
  brig pause "$(cid)"
  brig kill --all "$(cid)" KILL
  wait_for 50 sh -c "[ \"\$('$BRIG' --root '$BRIG_ROOT' state '$(cid)' | jq -r .status)\" = stopped ]"
  brig delete "$(cid)"
  no_cgroup "/brig/$(cid)"
  # delete --force of a paused one
  start_detached
  brig pause "$(cid)"
  brig delete --force "$(cid)"
  no_cgroup "/brig/$(cid)"
  no_state "$(cid)"
}

@test "state reads the freezer file create recorded, not the host's cgroup mounts; a state.json without one (an older brig's) still tells paused" {
  make_bundle sleep 1000
  start_detached ".linux.cgroupsPath = \"/brig-abs-$$/c\""
  f=$(jq -r .brig.freezerFile "$BRIG_ROOT/.state/$(cid)")
  [ "$f" = "$CG/freezer/brig-abs-$$/c/freezer.state" ]
  brig pause "$(cid)"
  # (the ASan pass: LeakSanitizer cannot work under ptrace)
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=open,openat,openat2,statfs -e signal=none \
    -o "$TEST_TMP/trace" "$BRIG" --root "$BRIG_ROOT" state "$(cid)" >"$TEST_TMP/st"
  cat "$TEST_TMP/trace"
  [ "$(jq -r .status "$TEST_TMP/st")" = paused ]
  grep -q 'freezer/brig-abs-[0-9]*/c/freezer.state' "$TEST_TMP/trace"
  not grep -E 'mountinfo|/proc/cgroups|statfs' "$TEST_TMP/trace"
  brig resume "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  # the field gone: found through the recorded cgroup path, as before
  jq -c 'del(.brig.freezerFile)' "$BRIG_ROOT/.state/$(cid)" >"$TEST_TMP/old"
  cat "$TEST_TMP/old" >"$BRIG_ROOT/.state/$(cid)"
  brig pause "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  run brig pause "$(cid)"
  [ "$status" -eq 1 ]
  brig resume "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  brig delete -f "$(cid)"
  no_cgroup "/brig-abs-$$/c"
  no_state "$(cid)"
}

@test "v1: a container frozen only through its parent is not paused (runc reads freezer.self_freezing); pause and resume work under it" {
  make_bundle sleep 1000
  start_detached ".linux.cgroupsPath = \"/brig-abs-$$/c\""
  P=$CG/freezer/brig-abs-$$
  echo FROZEN >"$P/freezer.state"
  wait_for 50 sh -c "[ \$(cat $P/c/freezer.state) = FROZEN ]"
  [ "$(cat "$P/c/freezer.self_freezing")" = 0 ]
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  run brig resume "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not paused"* ]]
  brig pause "$(cid)"
  [ "$(cat "$P/c/freezer.self_freezing")" = 1 ]
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  # thawed itself, still FROZEN through the parent: resume succeeds
  brig resume "$(cid)"
  [ "$(cat "$P/c/freezer.self_freezing")" = 0 ]
  [ "$(cat "$P/c/freezer.state")" = FROZEN ]
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  echo THAWED >"$P/freezer.state"
  [ "$(cat "$P/c/freezer.state")" = THAWED ]
  brig delete -f "$(cid)"
  no_cgroup "/brig-abs-$$/c"
}

@test "ps of a stopped container: json null, as runc; the table only its header" {
  make_bundle true
  start_detached
  wait_for 100 eval '[ "$(brig state "$(cid)" | jq -r .status)" = stopped ]'
  run brig ps -f json "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = null ]
  run brig ps "$(cid)"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" == UID*PID*PPID*CMD ]]
}

@test "ps: json lists the host pids, table keeps the header and the container's rows; ps's failures are one line" {
  make_bundle sh -c 'sleep 1000 & exec sleep 1001'
  start_detached
  wait_for 50 sh -c "[ \$(wc -l < $CG/pids/brig/$(cid)/cgroup.procs) -eq 2 ]"
  run brig ps -f json "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq length)" -eq 2 ]
  for p in $(echo "$output" | jq '.[]'); do
    grep -qx "$p" "$CG/memory/brig/$(cid)/cgroup.procs"
  done
  run brig ps "$(cid)"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == UID*PID*PPID*CMD ]]
  [ "${#lines[@]}" -eq 3 ]
  [[ "$output" == *"sleep 1001"* ]]
  run brig ps "$(cid)" -- -o pid,args
  [ "${lines[0]}" = "    PID COMMAND" ] || [[ "${lines[0]}" == *PID*COMMAND* ]]
  [ "${#lines[@]}" -eq 3 ]
  # ps's own failure, and ps arguments that give no PID column: one line
  # naming what was wrong, as runc
  run brig ps "$(cid)" -- --no-such-option
  echo "$output"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"ps: exit status 1: error: unknown gnu long option"* ]]
  run brig ps "$(cid)" -- -o comm
  echo "$output"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: couldn't find PID field in ps output" ]
  run brig ps -f yaml "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *"invalid format option"* ]]
}

@test "events --stats: runc's stats event with cpu, memory, pids, blkio, hugetlb" {
  make_bundle sleep 1000
  start_detached '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 9}'
  run brig events --stats "$(cid)"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  e=$output
  [ "$(jq -r .type <<< "$e")" = stats ]
  [ "$(jq -r .id <<< "$e")" = "$(cid)" ]
  [ "$(jq .data.memory.usage.limit <<< "$e")" -eq 67108864 ]
  [ "$(jq .data.pids.current <<< "$e")" -eq 1 ]
  [ "$(jq .data.pids.limit <<< "$e")" -eq 9 ]
  [ "$(jq '.data.cpu.usage.percpu | length' <<< "$e")" -eq "$(nproc)" ]
  [ "$(jq '.data.memory.raw.total_rss != null' <<< "$e")" = true ]
  [ "$(jq -c '[.data | keys[]]' <<< "$e")" = '["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]' ]
  run brig events --interval 0 "$(cid)"
  [[ "$output" == *"duration interval must be greater than 0"* ]]
  # a stream: one stats event each interval
  timeout 1.5 "$BRIG" --root "$BRIG_ROOT" events --interval 400ms "$(cid)" > "$TEST_TMP/ev" || true
  [ "$(grep -c '"type":"stats"' "$TEST_TMP/ev")" -ge 2 ]
  # a stopped container has no events (runc's message)
  pid=$(brig state "$(cid)" | jq -r .pid)
  brig kill "$(cid)" KILL
  wait_for 50 sh -c "! kill -0 $pid 2>/dev/null"
  run brig events --stats "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: container with id $(cid) is not running" ]
}

@test "events --stats: direct reads show in blkio (the throttle counters when BFQ's stay empty)" {
  make_bundle sh -c 'dd if=/bin/busybox of=/dev/null bs=4096 count=16 iflag=direct 2>/dev/null; echo read; sleep 1000'
  cfg '.root.readonly = false'
  start_detached
  wait_for 50 grep -q read "$TEST_TMP/out"
  run brig events --stats "$(cid)"
  [ "$status" -eq 0 ]
  echo "$output" | jq -c .data.blkio
  [ "$(jq '.data.blkio.ioServiceBytesRecursive | map(select(.op == "Read") | .value) | add' <<< "$output")" -ge 65536 ]
}

@test "kill --all signals every process in the cgroup" {
  make_bundle sh -c 'sleep 1000 & sleep 1001 & exec sleep 1002'
  start_detached
  wait_for 50 sh -c "[ \$(wc -l < $CG/pids/brig/$(cid)/cgroup.procs) -eq 3 ]"
  brig kill --all "$(cid)" KILL
  wait_for 50 sh -c "[ ! -s $CG/pids/brig/$(cid)/cgroup.procs ]"
}

@test "kill --all of a stopped container kills what its init left in the cgroup (no pid namespace: containerd's shim), and is no error once the cgroup is gone" {
  make_bundle sh -c 'sleep 1000 & sleep 1001 & exit 0'
  start_detached '.linux.namespaces |= map(select(.type != "pid"))'
  wait_for 50 sh -c "[ \"\$($BRIG --root $BRIG_ROOT state $(cid) | jq -r .status)\" = stopped ]"
  [ "$(wc -l < $CG/pids/brig/$(cid)/cgroup.procs)" -eq 2 ]
  run brig kill "$(cid)" KILL
  [ "$status" -eq 1 ]
  [ "$output" = "brig: container not running" ]
  brig kill --all "$(cid)" KILL
  wait_for 50 sh -c "[ ! -s $CG/pids/brig/$(cid)/cgroup.procs ]"
  for d in "$CG"/*/brig/"$(cid)"; do rmdir "$d" 2>/dev/null || true; done
  ! ls -d "$CG"/*/brig/"$(cid)" 2>/dev/null
  brig kill --all "$(cid)" KILL
  brig delete "$(cid)"
  no_state "$(cid)"
}

# nest_cgroups PID: make a/b and c inside the container's cgroup in every
# hierarchy (as a container with a writable cgroup mount would) and move PID
# into a/b.
nest_cgroups() {
  local h
  for h in $HIERS; do
    mkdir -p "$CG/$h/brig/$(cid)/a/b" "$CG/$h/brig/$(cid)/c"
    echo "$1" > "$CG/$h/brig/$(cid)/a/b/cgroup.procs"
  done
  grep -qx "$1" "$CG/pids/brig/$(cid)/a/b/cgroup.procs"
  grep -qx "$1" "$CG/unified/brig/$(cid)/a/b/cgroup.procs"
}

@test "delete -f kills the processes in child cgroups made inside the container's and removes them all" {
  make_bundle sh -c 'sleep 1000 & exec sleep 1001'
  start_detached
  wait_for 50 sh -c "[ \$(wc -l < $CG/pids/brig/$(cid)/cgroup.procs) -eq 2 ]"
  init=$(brig state "$(cid)" | jq -r .pid)
  child=$(grep -vx "$init" "$CG/pids/brig/$(cid)/cgroup.procs")
  nest_cgroups "$child"
  brig delete -f "$(cid)"
  no_cgroup "/brig/$(cid)"
  [ ! -e "/proc/$child" ]
}

@test "the end of a foreground run kills the processes in child cgroups made inside the container's and removes them all" {
  # no pid namespace: the child outlives the init unless brig kills it
  make_bundle sh -c 'sleep 1000 & echo $! > /w/child; while [ ! -e /w/go ]; do sleep 0.1; done'
  mkdir "$TEST_TMP/w"
  cfg --arg w "$TEST_TMP/w" '.mounts += [{"destination": "/w", "type": "bind", "source": $w, "options": ["rbind"]}]
    | .linux.namespaces |= map(select(.type != "pid"))'
  bg brig run -b "$BUNDLE" "$(cid)"
  run_pid=$BG_PID
  wait_for 100 test -s "$TEST_TMP/w/child"
  child=$(cat "$TEST_TMP/w/child")
  nest_cgroups "$child"
  touch "$TEST_TMP/w/go"
  wait "$run_pid"
  no_cgroup "/brig/$(cid)"
  no_state "$(cid)"
  # killed by brig: only a zombie (or nothing) is left of it
  [ ! -e "/proc/$child" ] || [ "$(awk '{print $3}' "/proc/$child/stat")" = Z ]
}

@test "a refused value fails create with one line naming the field and leaves no cgroup" {
  refused '.linux.resources.cpu = {"quota": 100, "period": 100000}' \
    "brig: config.json: .linux.resources.cpu.quota: set cpu.cfs_quota_us=100: Invalid argument"
  [ "${#lines[@]}" -eq 1 ]
  refused '.linux.resources.cpu.cpus = "99999"' \
    "brig: config.json: .linux.resources.cpu.cpus: set cpuset.cpus=99999: Numerical result out of range"
  refused '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": 4095, "minor": 4095, "rate": 1}]}' \
    "brig: config.json: .linux.resources.blockIO.throttleReadBpsDevice: set blkio.throttle.read_bps_device=4095:4095 1: No such device"
  refused '.linux.resources.memory = {"limit": 4096, "swap": 4096}' \
    "brig: config.json: .linux.resources.memory.limit: container init was OOM-killed (memory limit too low?)"
}

@test "cpuset: /brig without clone_children (an older brig made it) gets it; the container has cpus and mems" {
  make_bundle sleep 1000
  # brig makes /brig when it is missing; then it is made to look like an
  # older brig's
  [ -d "$CG/cpuset/brig" ] || { start_detached; brig delete -f "$(cid)"; }
  echo 0 > "$CG/cpuset/brig/cgroup.clone_children"
  start_detached
  [ "$(cg_file cpuset cpuset.cpus)" = "$(cat "$CG/cpuset/brig/cpuset.cpus")" ]
  [ "$(cg_file cpuset cpuset.mems)" = "$(cat "$CG/cpuset/brig/cpuset.mems")" ]
  [ "$(cat "$CG/cpuset/brig/cgroup.clone_children")" = 1 ]
}

@test "absolute cgroupsPath: made there, removed on delete" {
  make_bundle sleep 1000
  start_detached ".linux.cgroupsPath = \"/brig-abs-$$/a/b\""
  for h in $HIERS; do [ -d "$CG/$h/brig-abs-$$/a/b" ]; done
  [ "$(cat "$CG/cpuset/brig-abs-$$/a/cpuset.cpus")" != "" ]
  # parents brig made hand cpus and mems down themselves (clone_children,
  # which children inherit)
  [ "$(cat "$CG/cpuset/brig-abs-$$/cgroup.clone_children")" = 1 ]
  [ "$(cat "$CG/cpuset/brig-abs-$$/a/cgroup.clone_children")" = 1 ]
  [ "$(cat "$CG/cpuset/brig-abs-$$/a/b/cpuset.cpus")" = "$(cat "$CG/cpuset/cpuset.cpus")" ]
  [ "$(cat "$CG/cpuset/brig-abs-$$/a/b/cpuset.mems")" = "$(cat "$CG/cpuset/cpuset.mems")" ]
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -qx "$pid" "$CG/freezer/brig-abs-$$/a/b/cgroup.procs"
  brig delete -f "$(cid)"
  no_cgroup "/brig-abs-$$/a/b"
}

@test "realtime period and runtime: a period the kernel refuses before the runtime is written again after it (runc)" {
  [ -e "$CG/cpu/cpu.rt_runtime_us" ]
  p=/brig-rt-$$
  mkdir "$CG/cpu$p"
  echo 400000 > "$CG/cpu$p/cpu.rt_runtime_us"
  make_bundle sleep 1000
  start_detached ".linux.cgroupsPath = \"$p/c\"
    | .linux.resources.cpu = {\"realtimePeriod\": 1000000, \"realtimeRuntime\": 300000}"
  [ "$(cat "$CG/cpu$p/c/cpu.rt_runtime_us")" = 300000 ]
  # 300000 of a 500000 period is over the parent's share: the period alone
  # is refused until the runtime is lowered
  run brig update --cpu-rt-period 500000 --cpu-rt-runtime 150000 "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat "$CG/cpu$p/c/cpu.rt_period_us")" = 500000 ]
  [ "$(cat "$CG/cpu$p/c/cpu.rt_runtime_us")" = 150000 ]
  brig delete -f "$(cid)"
  for d in "$CG"/*$p; do rmdir "$d" 2>/dev/null || true; done
  [ -z "$(ls -d "$CG"/*$p 2>/dev/null)" ]
}

@test "realtime runtime over the parent's share: refused, the parent's share named; nothing left" {
  [ -e "$CG/cpu/cpu.rt_runtime_us" ]
  p=/brig-rt0-$$
  mkdir "$CG/cpu$p" # a new cgroup's real-time share is 0
  make_bundle true
  cfg ".linux.cgroupsPath = \"$p/c\" | .linux.resources.cpu = {\"realtimeRuntime\": 1000}"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: config.json: .linux.resources.cpu.realtimeRuntime: set cpu.rt_runtime_us=1000: Invalid argument (the parent cgroup's cpu.rt_runtime_us is 0: a cgroup gets at most its parent's real-time share)" ]
  no_state "$(cid)"
  [ ! -e "$CG/cpu$p/c" ]
  rmdir "$CG/cpu$p"
}

@test "a cgroupsPath whose cgroup already holds other processes is refused; they live on" {
  make_bundle true
  mkdir "$CG/pids/brig-test-$$"
  sleep 300 &
  spid=$!
  echo "$spid" >"$CG/pids/brig-test-$$/cgroup.procs"
  cfg ".linux.cgroupsPath = \"/brig-test-$$\""
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  alive=0
  kill -0 "$spid" || alive=$?
  kill "$spid"
  wait "$spid" || true
  [ "$status" -ne 0 ]
  [ "$output" = "brig: run $(cid): cgroup $CG/pids/brig-test-$$ already has processes (in it or in a cgroup under it): not a container's own: Device or resource busy" ]
  [ "$alive" -eq 0 ]
  [ -d "$CG/pids/brig-test-$$" ] # not brig's to remove
  rmdir "$CG/pids/brig-test-$$"
  no_cgroup "/brig-test-$$"
  no_state "$(cid)"
}

@test "a cgroupsPath whose processes are all in cgroups under it (a slice, a pod) is refused; they and their cgroups live on" {
  make_bundle sleep 1000
  mkdir -p "$CG/pids/brig-test-$$/svc"
  sleep 300 &
  spid=$!
  echo "$spid" >"$CG/pids/brig-test-$$/svc/cgroup.procs"
  cfg ".linux.cgroupsPath = \"/brig-test-$$\""
  # (into a file: a container wrongly made would hold a pipe open)
  status=0
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || status=$?
  cat "$TEST_TMP/out"
  alive=0
  kill -0 "$spid" || alive=$?
  # (brig delete -f of what a wrongly taken cgroup made: it would kill the
  # sleep and remove svc)
  brig delete -f "$(cid)" || true
  kill -0 "$spid" || alive=$?
  kill "$spid" || true
  wait "$spid" || true
  [ "$status" -ne 0 ]
  [ "$(cat "$TEST_TMP/out")" = "brig: run $(cid): cgroup $CG/pids/brig-test-$$ already has processes (in it or in a cgroup under it): not a container's own: Device or resource busy" ]
  [ "$alive" -eq 0 ]
  [ -d "$CG/pids/brig-test-$$/svc" ]
  rmdir "$CG/pids/brig-test-$$/svc" "$CG/pids/brig-test-$$"
  no_cgroup "/brig-test-$$"
  no_state "$(cid)"
}

@test "a frozen cgroupsPath is refused at once (runc: unexpectedly frozen); nothing left" {
  make_bundle true
  mkdir "$CG/freezer/brig-test-$$"
  echo FROZEN >"$CG/freezer/brig-test-$$/freezer.state"
  cfg ".linux.cgroupsPath = \"/brig-test-$$\""
  run timeout -k 5 20 "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" </dev/null
  echo "$output"
  echo THAWED >"$CG/freezer/brig-test-$$/freezer.state" || true
  [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
  [ "$output" = "brig: run $(cid): cgroup $CG/freezer/brig-test-$$ is frozen: not a container's own: Device or resource busy" ]
  rmdir "$CG/freezer/brig-test-$$"
  no_cgroup "/brig-test-$$"
  no_state "$(cid)"
}

@test "cpuset: under an existing parent whose cpus and mems are empty, both are filled down" {
  mkdir "$CG/cpuset/brig-test-$$"
  [ -z "$(cat "$CG/cpuset/brig-test-$$/cpuset.cpus")" ]
  make_bundle sleep 1000
  start_detached ".linux.cgroupsPath = \"/brig-test-$$/c\""
  cat "$TEST_TMP/out"
  [ "$(brig state "$(cid)" | jq -r .status)" = running ]
  [ "$(cat "$CG/cpuset/brig-test-$$/c/cpuset.cpus")" = "$(cat "$CG/cpuset/cpuset.cpus")" ]
  [ "$(cat "$CG/cpuset/brig-test-$$/c/cpuset.mems")" = "$(cat "$CG/cpuset/cpuset.mems")" ]
  brig delete -f "$(cid)"
}

@test "relative cgroupsPath: under the caller's own cgroup in each hierarchy" {
  d=brig-test-$$
  for h in $HIERS; do mkdir "$CG/$h/$d"; done
  cat "$CG/cpuset/cpuset.cpus" > "$CG/cpuset/$d/cpuset.cpus"
  cat "$CG/cpuset/cpuset.mems" > "$CG/cpuset/$d/cpuset.mems"
  make_bundle sleep 1000
  cfg '.linux.cgroupsPath = "rel/x"'
  (
    for h in $HIERS; do echo "$BASHPID" > "$CG/$h/$d/cgroup.procs"; done
    brig run -d -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 < /dev/null
  )
  for h in $HIERS; do [ -d "$CG/$h/$d/rel/x" ]; done
  pid=$(brig state "$(cid)" | jq -r .pid)
  grep -qx "$pid" "$CG/memory/$d/rel/x/cgroup.procs"
  brig delete -f "$(cid)"
  no_cgroup "/$d/rel/x"
}

@test "relative cgroupsPath resolving differently per hierarchy: pause, ps, delete still find it" {
  d=brig-test-$$
  moved="cpu cpuacct cpuset memory devices freezer blkio pids"
  for h in $moved; do mkdir "$CG/$h/$d"; done
  cat "$CG/cpuset/cpuset.cpus" > "$CG/cpuset/$d/cpuset.cpus"
  cat "$CG/cpuset/cpuset.mems" > "$CG/cpuset/$d/cpuset.mems"
  make_bundle sleep 1000
  cfg ".linux.cgroupsPath = \"brig-rel-$$/x\""
  (
    # name=systemd and the unified hierarchy stay at the caller's "/"
    for h in $moved; do echo "$BASHPID" > "$CG/$h/$d/cgroup.procs"; done
    brig run -d -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1 < /dev/null
  )
  for h in $moved; do [ -d "$CG/$h/$d/brig-rel-$$/x" ]; done
  [ -d "$CG/systemd/brig-rel-$$/x" ]
  [ -d "$CG/unified/brig-rel-$$/x" ]
  pid=$(brig state "$(cid)" | jq -r .pid)
  brig pause "$(cid)"
  [ "$(brig state "$(cid)" | jq -r .status)" = paused ]
  [ "$(cat "$CG/freezer/$d/brig-rel-$$/x/freezer.state")" = FROZEN ]
  brig resume "$(cid)"
  [ "$(brig ps -f json "$(cid)")" = "[$pid]" ]
  brig delete -f "$(cid)"
  for h in $moved; do [ ! -e "$CG/$h/$d/brig-rel-$$/x" ]; done
  [ ! -e "$CG/systemd/brig-rel-$$/x" ]
  [ ! -e "$CG/unified/brig-rel-$$/x" ]
}

@test "missing on this host: net_cls" {
  refused '.linux.resources.network = {"classID": 1048577}' \
    "linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host (net_cls.classid)"
}

@test "missing on this host: net_prio" {
  refused '.linux.resources.network = {"priorities": [{"name": "eth0", "priority": 5}]}' \
    "the net_prio cgroup controller is not mounted on this host (net_prio.ifpriomap)"
}

@test "missing on this host: rdma" {
  refused '.linux.resources.rdma = {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}' \
    "linux.resources.rdma: the rdma cgroup controller is not mounted on this host (rdma.max)"
}

@test "missing on this host: hugetlb is only on the cgroup2 mount, not enabled there" {
  refused '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]' \
    "the hugetlb controller exists only on the cgroup2 mount /sys/fs/cgroup/unified"
}

@test "missing on this host: blkio leaf weights" {
  refused '.linux.resources.blockIO = {"leafWeight": 300}' \
    "linux.resources.blockIO.leafWeight: blkio.leaf_weight does not exist on this host"
}

@test "unified: a key whose controller is not on the unified mount is refused" {
  refused '.linux.resources.unified = {"memory.max": "10000000"}' \
    "linux.resources.unified: memory.max: the memory controller is not available on the cgroup2 mount /sys/fs/cgroup/unified (it is a v1 controller here)"
}
