#!/usr/bin/env bats
# The configuration on the command line (issue 12, lxc -f / -s):
# --config FILE and --set PATH=VALUE for create, run and execute.

load helpers
bats_require_minimum_version 1.5.0

# show: print hostname, $X, $DEBUG, $PATH from inside the container.
show_cmd='echo "host=$(hostname) X=$X DEBUG=$DEBUG PATH=$PATH"'

setup() {
  setup_brig
  make_bundle sh -c "$show_cmd"
  cfg '.hostname = "base" | .process.env += ["X=config.json"]'
  # --config: another file, outside the bundle, with a relative root.path
  mkdir -p "$TEST_TMP/etc"
  jq '.hostname = "conf" | .process.env += ["X=conf"]
      | .linux.resources.cpu.shares = 256' "$BUNDLE/config.json" \
    > "$TEST_TMP/etc/over.json"
}

# no_trace ID: nothing of the container is left.
no_trace() {
  no_state "$1"
  local d
  for d in /sys/fs/cgroup/*/brig/"$1"; do
    [ ! -e "$d" ] || { echo "left: $d"; return 1; }
  done
  not grep -q "$BUNDLE" /proc/self/mountinfo
}

@test "config.json alone" {
  brig run -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1
  grep -q "^host=base X=config.json DEBUG= " "$TEST_TMP/out"
}

@test "--config overrides config.json; root.path stays the bundle's" {
  brig run -b "$BUNDLE" --config "$TEST_TMP/etc/over.json" "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1
  cat "$TEST_TMP/out"
  grep -q "^host=conf X=conf DEBUG= " "$TEST_TMP/out"
}

@test "--set overrides --config: hostname, env, cpu.shares in the cgroup" {
  local id
  id=$(cid)
  brig run -b "$BUNDLE" --config "$TEST_TMP/etc/over.json" \
    --set hostname=cli --set 'process.env+=DEBUG=1' \
    --set linux.resources.cpu.shares=512 "$id" </dev/null >"$TEST_TMP/out" 2>&1
  cat "$TEST_TMP/out"
  grep -q "^host=cli X=conf DEBUG=1 PATH=/usr/local/sbin:" "$TEST_TMP/out"
  # the cgroup value, seen from the host while the container lives
  brig run -d -b "$BUNDLE" --config "$TEST_TMP/etc/over.json" \
    --set linux.resources.cpu.shares=512 \
    --set 'process.args=["sleep","30"]' "$id" </dev/null >/dev/null 2>&1
  [ "$(cat /sys/fs/cgroup/cpu/brig/"$id"/cpu.shares)" = 512 ]
  brig delete -f "$id"
  # --config alone gives its own value
  brig run -d -b "$BUNDLE" --config "$TEST_TMP/etc/over.json" \
    --set 'process.args=["sleep","30"]' "$id" </dev/null >/dev/null 2>&1
  [ "$(cat /sys/fs/cgroup/cpu/brig/"$id"/cpu.shares)" = 256 ]
  brig delete -f "$id"
  no_trace "$id"
}

@test "--set with a [\"...\"] key: a sysctl seen inside" {
  brig run -b "$BUNDLE" --set 'linux.sysctl["net.ipv4.ip_forward"]=1' \
    --set 'process.args=["cat","/proc/sys/net/ipv4/ip_forward"]' "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1
  [ "$(cat "$TEST_TMP/out")" = 1 ]
  brig run -b "$BUNDLE" --set 'linux.sysctl["net.ipv4.ip_forward"]="0"' \
    --set 'process.args=["cat","/proc/sys/net/ipv4/ip_forward"]' "$(cid 2)" \
    </dev/null >"$TEST_TMP/out" 2>&1
  [ "$(cat "$TEST_TMP/out")" = 0 ]
}

@test "--set += appends (plain strings, JSON arrays)" {
  brig run -b "$BUNDLE" --set 'process.env+=DEBUG=a=b' \
    --set 'process.env+=["X=two","Y=3"]' "$(cid)" \
    </dev/null >"$TEST_TMP/out" 2>&1
  cat "$TEST_TMP/out"
  grep -q "^host=base X=two DEBUG=a=b PATH=/usr/local/sbin:" "$TEST_TMP/out"
}

@test "create + start take --config and --set; the kept config has the sets" {
  local id
  id=$(cid)
  brig create -b "$BUNDLE" --set hostname=created \
    --set 'hooks.poststop=[{"path":"/bin/sh","args":["sh","-c","echo stopped > '"$TEST_TMP"'/hook"]}]' \
    "$id" </dev/null >"$TEST_TMP/out" 2>&1
  brig start "$id"
  wait_for 50 grep -q host=created "$TEST_TMP/out"
  wait_for 50 sh -c "brig_state=\$('$BRIG' --root '$BRIG_ROOT' state '$id'); echo \"\$brig_state\" | grep -q stopped"
  brig delete "$id"
  [ "$(cat "$TEST_TMP/hook")" = stopped ]
  no_trace "$id"
}

@test "exec uses the config create used (--set, --config), not config.json" {
  local id
  id=$(cid)
  brig run -d -b "$BUNDLE" --set 'process.args=["sleep","30"]' \
    --set 'process.capabilities.bounding=["CAP_KILL"]' \
    --set 'process.capabilities.effective=["CAP_KILL"]' \
    --set 'process.capabilities.permitted=["CAP_KILL"]' \
    --set 'process.env+=X=set' "$id" </dev/null >/dev/null 2>&1
  run brig exec "$id" sh -c 'grep CapEff /proc/self/status; echo "X=$X"'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "CapEff:	0000000000000020" ]
  [ "${lines[1]}" = "X=set" ]
  brig delete -f "$id"
  no_trace "$id"
  # --config, and no config.json in the bundle at all
  jq '.process.args = ["sleep", "30"]' "$TEST_TMP/etc/over.json" >"$TEST_TMP/etc/sleep.json"
  rm "$BUNDLE/config.json"
  brig run -d -b "$BUNDLE" --config "$TEST_TMP/etc/sleep.json" "$(cid 2)" </dev/null >/dev/null 2>&1
  run brig exec "$(cid 2)" sh -c 'echo "X=$X"'
  [ "$status" -eq 0 ]
  [ "$output" = "X=conf" ]
  brig delete -f "$(cid 2)"
  no_trace "$(cid 2)"
}

@test "execute takes --set" {
  brig execute -b "$BUNDLE" --set hostname=ex "$(cid)" -- hostname \
    </dev/null >"$TEST_TMP/out" 2>&1
  [ "$(cat "$TEST_TMP/out")" = ex ]
}

@test "a value of the wrong type is refused, naming the --set; nothing left" {
  local id
  id=$(cid)
  run brig run -b "$BUNDLE" --set linux.resources.memory.limit=1G "$id"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: --set linux.resources.memory.limit=1G: .linux.resources.memory.limit: expected an integer, got "1G"' ]
  no_trace "$id"
  run brig create -b "$BUNDLE" --config "$TEST_TMP/etc/over.json" \
    --set process.terminal=yes "$id"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: --set process.terminal=yes: .process.terminal: expected a boolean, got "yes"' ]
  no_trace "$id"
}

@test "a path outside the spec is refused; nothing left" {
  local id
  id=$(cid)
  run brig run -b "$BUNDLE" --set linux.resources.memory.limits=1 "$id"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: --set linux.resources.memory.limits=1: .linux.resources.memory.limits: unknown field (not in the runtime spec brig implements)' ]
  no_trace "$id"
  run brig create -b "$BUNDLE" --set 'linux["sysctl.x"]=1' "$id"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: --set linux["sysctl.x"]=1: .linux["sysctl.x"]: unknown field (not in the runtime spec brig implements)' ]
  run brig execute -b "$BUNDLE" --set process.args.x=1 "$id"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: --set process.args.x=1: .process.args: expected an object, got an array' ]
  run brig run -b "$BUNDLE" --set hostname "$id"
  [ "$status" -eq 1 ]
  [ "$output" = 'brig: --set hostname: expected PATH=VALUE' ]
  no_trace "$id"
}

@test "a bad --config file is refused like config.json, by its path" {
  local id
  id=$(cid)
  echo '{"ociVersion":"1.3.0","hostname":1}' > "$TEST_TMP/etc/bad.json"
  run brig create -b "$BUNDLE" --config "$TEST_TMP/etc/bad.json" "$id"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: $TEST_TMP/etc/bad.json: .hostname: expected a string, got 1" ]
  run brig create -b "$BUNDLE" --config "$TEST_TMP/etc/none.json" "$id"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: create $id: open $TEST_TMP/etc/none.json: No such file or directory" ]
  # a --set that fixes the file's error wins
  jq '.hostname = 1 | .process.args = ["hostname"]' "$BUNDLE/config.json" \
    > "$TEST_TMP/etc/bad.json"
  brig run -b "$BUNDLE" --config "$TEST_TMP/etc/bad.json" \
    --set hostname=fixed "$id" </dev/null >"$TEST_TMP/out" 2>&1
  cat "$TEST_TMP/out"
  [ "$(cat "$TEST_TMP/out")" = fixed ]
  no_trace "$id"
}

@test "features and usage mention --config and --set" {
  run --separate-stderr brig features
  [ "$status" -eq 0 ]
  printf '%s\n' "$output" | jq -e '.annotations["org.brig.cmdline.config"] | test("--set PATH=VALUE")'
  for c in create run; do
    run brig "$c" --help
    [[ "$output" == *"--config value"* ]]
    [[ "$output" == *"--set PATH=VALUE"* ]]
  done
}

@test "what the kernel refuses at create names the --config file and the JSON path; nothing left" {
  local id
  id=$(cid)
  jq '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "x"}]' \
    "$TEST_TMP/etc/over.json" > "$TEST_TMP/etc/bad.json"
  run brig run -b "$BUNDLE" --config "$TEST_TMP/etc/bad.json" "$id"
  [ "$status" -eq 1 ]
  n=$(jq '.mounts | length - 1' "$TEST_TMP/etc/bad.json")
  [ "$output" = "brig: $TEST_TMP/etc/bad.json: .mounts[$n]: mount \"nosuchfs\" on \"/mnt\": No such device" ]
  no_trace "$id"
  run brig run -b "$BUNDLE" --config "$TEST_TMP/etc/over.json" \
    --set linux.resources.cpu.cpus=99999 "$id"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: $TEST_TMP/etc/over.json: .linux.resources.cpu.cpus: set cpuset.cpus=99999: Numerical result out of range" ]
  no_trace "$id"
}
