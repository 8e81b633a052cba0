#!/usr/bin/env bats
# The LXC tool set, part 2: cgroup get/set, ls.

load helpers

@test "cgroup ID KEY reads and KEY VALUE writes the container's cgroup file" {
  make_bundle sleep 1000
  cfg '.linux.resources.memory = {"limit": 67108864}'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig cgroup "$(cid)" memory.limit_in_bytes
  [ "$status" -eq 0 ]
  [ "$output" = 67108864 ]
  brig cgroup "$(cid)" memory.limit_in_bytes 33554432
  [ "$(cat /sys/fs/cgroup/memory/brig/$(cid)/memory.limit_in_bytes)" = 33554432 ]
  run brig cgroup "$(cid)" pids.current
  [ "$output" = 1 ]
  # cpuset lives in its own hierarchy
  brig cgroup "$(cid)" cpuset.cpus 0
  [ "$(cat /sys/fs/cgroup/cpuset/brig/$(cid)/cpuset.cpus)" = 0 ]
}

@test "cgroup refuses keys with / or .., unknown keys and a stopped container" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  for k in ../memory.limit_in_bytes memory/../x nodot 'memory..x'; do
    run brig cgroup "$(cid)" "$k"
    [ "$status" -eq 1 ]
    [[ "$output" == *"invalid key"* ]]
  done
  run brig cgroup "$(cid)" memory.nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *"memory.nosuch"*"No such file or directory" ]]
  brig kill "$(cid)" KILL
  wait_for 50 eval "[ \"\$(brig state $(cid) | jq -r .status)\" = stopped ]"
  run brig cgroup "$(cid)" memory.limit_in_bytes
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
}

@test "ls is list" {
  make_bundle sleep 1000
  brig create -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  [ "$(brig ls -q)" = "$(cid)" ]
  [ "$(brig ls)" = "$(brig list)" ]
}

@test "run --report: a job over its memory limit is reported oom_killed" {
  make_bundle sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a)'
  cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  run brig run --report "$TEST_TMP/r.json" -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 137 ]
  [ "$(jq -r .oom_killed "$TEST_TMP/r.json")" = true ]
  [ "$(jq -r .exit_code "$TEST_TMP/r.json")" = 137 ]
  [ "$(jq -r .signal "$TEST_TMP/r.json")" = 9 ]
  [ "$(jq -r .memory_peak_bytes "$TEST_TMP/r.json")" -gt 30000000 ]
}

@test "execute --report: a normal job's exit code, CPU time and times" {
  make_bundle sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exit 3'
  run brig execute --report "$TEST_TMP/r.json" -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 3 ]
  r=$TEST_TMP/r.json
  [ "$(jq -r .exit_code "$r")" = 3 ]
  [ "$(jq -r .oom_killed "$r")" = false ]
  [ "$(jq -r .cpu_total_ns "$r")" -gt 10000000 ]
  [ "$(jq -r .cpu_user_ns "$r")" -gt 0 ]
  [ "$(jq -r .wall_time_ms "$r")" -gt 0 ]
  [[ "$(jq -r .started "$r")" < "$(jq -r .ended "$r")" ]]
  # pids.peak, which this kernel keeps in v1 too (null where it does not)
  [ "$(jq -r .pids_peak "$r")" -ge 1 ]
}

@test "info shows state, cgroups, live usage and namespace inodes" {
  make_bundle sleep 1000
  cfg '.linux.resources.memory = {"limit": 67108864}'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  pid=$(brig state "$(cid)" | jq -r .pid)
  run brig info -f json "$(cid)"
  [ "$status" -eq 0 ]
  j=$output
  [ "$(echo "$j" | jq -r .state)" = running ]
  [ "$(echo "$j" | jq -r .pid)" = "$pid" ]
  [ "$(echo "$j" | jq -r .bundle)" = "$BUNDLE" ]
  echo "$j" | jq -r '.cgroups[]' | grep -qx "/sys/fs/cgroup/memory/brig/$(cid)"
  [ "$(echo "$j" | jq -r .memory_bytes)" = "$(cat /sys/fs/cgroup/memory/brig/$(cid)/memory.usage_in_bytes)" ] ||
    [ "$(echo "$j" | jq -r .memory_bytes)" -gt 0 ]
  [ "$(echo "$j" | jq -r .pids)" = 1 ]
  [ "$(echo "$j" | jq -r .namespaces.net)" = "$(stat -L -c %i /proc/$pid/ns/net)" ]
  run brig info "$(cid)"
  [[ "$output" == *"State:          running"* ]]
  [[ "$output" == *"Memory use:"* ]]
}

@test "info and monitor refuse an unknown --format with one line naming it" {
  run brig info -f yaml "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: info: invalid format "yaml"' ]
  run brig monitor --format yaml
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: monitor: invalid format "yaml"' ]
  [ ! -e "$BRIG_ROOT" ]
}

@test "stop, wait, cgroup, info: a bad duration or a wrong argument count is one line, exit 1" {
  for c in "wait --timeout 5x x|wait: invalid --timeout \"5x\"" \
    "wait --timeout -1s x|wait: invalid --timeout \"-1s\"" \
    "stop -t 5x x|stop: invalid --timeout \"5x\"" \
    "wait|\"wait\" requires exactly 1 argument(s)" \
    "stop x y|\"stop\" requires exactly 1 argument(s)" \
    "info|\"info\" requires exactly 1 argument(s)" \
    "cgroup x|\"cgroup\" requires 2 or 3 argument(s)" \
    "cgroup x k v w|\"cgroup\" requires 2 or 3 argument(s)"; do
    # shellcheck disable=SC2086
    run brig ${c%%|*}
    [ "$status" -eq 1 ]
    [ "$output" = "brig: ${c#*|}" ]
  done
  [ ! -e "$BRIG_ROOT" ]
}

@test "checkconfig reports this machine's hybrid layout and exits 0" {
  run brig checkconfig
  [ "$status" -eq 0 ]
  [[ "$output" == *"cgroups"*"enabled: hybrid layout"* ]]
  echo "$output" | grep -q "^pid namespace  *enabled$"
  echo "$output" | grep -q "^openat2 (RESOLVE_IN_ROOT)  *enabled$"
  echo "$output" | grep -q "^cgroup controller rdma  *not available (optional): not in the kernel$"
  echo "$output" | grep -q "^CLONE_INTO_CGROUP  *not available (optional): needs the cgroup v2 layout$"
  # no colour when stdout is not a terminal
  not grep -q $'\033' <<<"$output"
}

@test "run -d --console-file: a relay keeps the terminal and appends its output" {
  make_bundle sh -c 'tty; for i in 1 2 3; do echo line$i; sleep 0.2; done'
  cfg '.process.terminal = true'
  echo "earlier" > "$TEST_TMP/console.log"
  brig run -d --console-file "$TEST_TMP/console.log" -b "$BUNDLE" "$(cid)"
  wait_for 50 grep -q line3 "$TEST_TMP/console.log"
  [ "$(tr -d '\r' < "$TEST_TMP/console.log")" = "$(printf 'earlier\n/dev/pts/0\nline1\nline2\nline3')" ]
  # no signal blocked in the relay (run blocks them while it sets up)
  cfg '.process.args = ["sleep", "1000"]'
  brig run -d --console-file "$TEST_TMP/r.log" -b "$BUNDLE" "$(cid r)"
  # (the init too, until its exec: brig's command line)
  wait_for 50 eval '[ "$(pgrep -f "console-file $TEST_TMP/r.log" | wc -l)" = 1 ]'
  relay=$(pgrep -f "console-file $TEST_TMP/r.log")
  [ "$(awk '/^SigBlk:/ {print $2}' "/proc/$relay/status")" = 0000000000000000 ]
  brig delete -f "$(cid r)"
  cfg '.process.args = ["sh", "-c", "tty; for i in 1 2 3; do echo line$i; sleep 0.2; done"]'
  # the relay exits with the container
  wait_for 50 eval "! pgrep -f 'console-file $TEST_TMP/console.log' >/dev/null"
  run brig run -d --console-file "$TEST_TMP/x.log" -b "$BUNDLE" --console-socket /nonexistent "$(cid 2)"
  [ "$status" -eq 1 ]
  # without process.terminal: one line, the process never ran (it would
  # print "not a tty" here), no container, cgroup or file left
  cfg '.process.terminal = false | .process.args = ["sh", "-c", "touch /ran; tty"]'
  run brig run -d --console-file "$TEST_TMP/y.log" -b "$BUNDLE" "$(cid 3)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: run $(cid 3): --console-file needs process.terminal" ]
  no_state "$(cid 3)"
  [ ! -e "/sys/fs/cgroup/pids/brig/$(cid 3)" ]
  [ ! -e "$TEST_TMP/y.log" ]
  [ ! -e "$BUNDLE/rootfs/ran" ]
}
