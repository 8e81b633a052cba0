#!/usr/bin/env bats
# OCI hooks: each kind at its moment, in its namespaces, with the state on
# stdin; timeouts; the failure rules.

load helpers

bats_require_minimum_version 1.5.0

# A hook that records what it sees: hook.sh KIND DIR
write_hook() {
  mkdir -p "$TEST_TMP/out"
  cat > "$1" <<'SH'
#!/bin/sh
kind=$1 dir=$2
cat > "$dir/$kind.state"
readlink /proc/self/ns/mnt > "$dir/$kind.mnt"
readlink /proc/self/ns/pid > "$dir/$kind.pid"
echo "$0|$#|$(env | grep -v '^PWD=\|^SHLVL=\|^_=' | sort | tr '\n' ' ')" > "$dir/$kind.env"
SH
  chmod +x "$1"
}

hooks_bundle() {
  make_bundle sleep 1000
  write_hook "$TEST_TMP/hook.sh"
  cp "$TEST_TMP/hook.sh" "$BUNDLE/rootfs/hook.sh"
  mkdir -p "$BUNDLE/rootfs/hookout"
  local h=$TEST_TMP/hook.sh o=$TEST_TMP/out
  cfg --arg h "$h" --arg o "$o" '
    .mounts += [{"destination": "/hookout", "type": "bind", "source": $o, "options": ["rbind", "rw"]}] |
    .hooks = {
      "prestart": [{"path": $h, "args": ["hook.sh", "prestart", $o], "env": ["HOOK_VAR=p"]}],
      "createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime", $o], "env": ["HOOK_VAR=cr"]}],
      "createContainer": [{"path": $h, "args": ["hook.sh", "createContainer", $o], "env": ["HOOK_VAR=cc"]}],
      "startContainer": [{"path": "/hook.sh", "args": ["hook.sh", "startContainer", "/hookout"], "env": ["HOOK_VAR=sc", "PATH=/bin"]}],
      "poststart": [{"path": $h, "args": ["hook.sh", "poststart", $o], "env": ["HOOK_VAR=ps"]}],
      "poststop": [{"path": $h, "args": ["hook.sh", "poststop", $o], "env": ["HOOK_VAR=pst"]}]
    }'
}

@test "each hook kind runs at its moment with the state on stdin" {
  hooks_bundle
  id=$(cid)
  o=$TEST_TMP/out
  brig create -b "$BUNDLE" "$id" >/dev/null
  pid=$(brig state "$id" | jq -r .pid)
  for k in prestart createRuntime createContainer; do [ -s "$o/$k.state" ]; done
  for k in startContainer poststart poststop; do [ ! -e "$o/$k.state" ]; done
  [ "$(jq -r .status "$o/createRuntime.state")" = creating ]
  [ "$(jq -r .pid "$o/createRuntime.state")" = "$pid" ]
  [ "$(jq -r .id "$o/prestart.state")" = "$id" ]
  [ "$(jq -r .bundle "$o/createRuntime.state")" = "$BUNDLE" ]
  [ "$(jq -r .status "$o/createContainer.state")" = creating ]
  brig start "$id"
  [ "$(jq -r .status "$o/startContainer.state")" = created ]
  [ "$(jq -r .status "$o/poststart.state")" = running ]
  [ "$(jq -r .pid "$o/poststart.state")" = "$pid" ]
  [ ! -e "$o/poststop.state" ]
  brig delete -f "$id"
  [ "$(jq -r .status "$o/poststop.state")" = stopped ]
  no_state "$id"
  # the runtime-spec's state, nothing more, in runc's order (specs.State):
  # no pid once stopped; annotations only when the config has some
  for k in prestart createRuntime createContainer startContainer poststart; do
    [ "$(jq -c keys_unsorted "$o/$k.state")" = '["ociVersion","id","status","pid","bundle"]' ]
  done
  [ "$(jq -c keys_unsorted "$o/poststop.state")" = '["ociVersion","id","status","bundle"]' ]
}

@test "hooks' state carries the config's annotations" {
  hooks_bundle
  cfg '.annotations = {"b": "2", "a": "1"} | .process.args = ["true"]'
  brig run -b "$BUNDLE" "$(cid)" >/dev/null
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    [ "$(jq -c .annotations "$TEST_TMP/out/$k.state")" = '{"a":"1","b":"2"}' ]
  done
  [ "$(jq -c keys_unsorted "$TEST_TMP/out/poststop.state")" = '["ociVersion","id","status","bundle","annotations"]' ]
}

@test "hooks run in the runtime's or the container's namespaces as the spec says" {
  hooks_bundle
  id=$(cid)
  o=$TEST_TMP/out
  brig run -d -b "$BUNDLE" "$id" >/dev/null
  pid=$(brig state "$id" | jq -r .pid)
  host_mnt=$(readlink /proc/self/ns/mnt)
  ctr_mnt=$(readlink /proc/$pid/ns/mnt)
  ctr_pid=$(readlink /proc/$pid/ns/pid)
  [ "$host_mnt" != "$ctr_mnt" ]
  for k in prestart createRuntime poststart; do
    [ "$(cat "$o/$k.mnt")" = "$host_mnt" ]
  done
  for k in createContainer startContainer; do
    [ "$(cat "$o/$k.mnt")" = "$ctr_mnt" ]
    [ "$(cat "$o/$k.pid")" = "$ctr_pid" ]
  done
}

@test "hooks get their own args and env only" {
  hooks_bundle
  brig run -d -b "$BUNDLE" "$(cid)" >/dev/null
  o=$TEST_TMP/out
  [ "$(cat "$o/createRuntime.env")" = "$TEST_TMP/hook.sh|2|HOOK_VAR=cr " ]
  [ "$(cat "$o/startContainer.env")" = "/hook.sh|2|HOOK_VAR=sc PATH=/bin " ]
}

@test "the state on stdin is compact JSON with slashes not escaped" {
  hooks_bundle
  brig run -d -b "$BUNDLE" "$(cid)" >/dev/null
  grep -q "\"bundle\":\"$BUNDLE\"" "$TEST_TMP/out/createRuntime.state"
  [ "$(wc -l < "$TEST_TMP/out/createRuntime.state")" -eq 0 ]
}

@test "prestart and createRuntime run once the container's mounts and /dev are made, before the pivot (runc's order)" {
  make_bundle sleep 1000
  cat > "$TEST_TMP/mnt.sh" <<'SH'
#!/bin/sh
pid=$(sed 's/.*"pid":\([0-9]*\).*/\1/')
cut -d' ' -f5 "/proc/$pid/mountinfo" > "$1/$2.mounts"
SH
  chmod +x "$TEST_TMP/mnt.sh"
  mkdir -p "$TEST_TMP/out"
  cfg --arg h "$TEST_TMP/mnt.sh" --arg o "$TEST_TMP/out" '.hooks = {
    "prestart": [{"path": $h, "args": ["mnt.sh", $o, "prestart"]}],
    "createRuntime": [{"path": $h, "args": ["mnt.sh", $o, "createRuntime"]}]}'
  brig create -b "$BUNDLE" "$(cid)" > "$TEST_TMP/create.out" 2>&1
  for k in prestart createRuntime; do
    # the init's mount namespace, seen from the host: the container's
    # /proc, /dev and /dev/pts under the rootfs, the host's / still there
    grep -qx "$BUNDLE/rootfs/proc" "$TEST_TMP/out/$k.mounts"
    grep -qx "$BUNDLE/rootfs/dev" "$TEST_TMP/out/$k.mounts"
    grep -qx "$BUNDLE/rootfs/dev/pts" "$TEST_TMP/out/$k.mounts"
    grep -qx "/" "$TEST_TMP/out/$k.mounts"
  done
  brig delete -f "$(cid)"
}

@test "a hook's stdin is a file: /dev/stdin opens (as from runc's pipe)" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/out"
  cfg --arg o "$TEST_TMP/out/state.json" '.hooks = {
    "createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "cat /dev/stdin > \($o)"]}]}'
  brig create -b "$BUNDLE" "$(cid)" > "$TEST_TMP/create.out" 2>&1
  [ "$(jq -r .id "$TEST_TMP/out/state.json")" = "$(cid)" ]
  [ "$(jq -r .status "$TEST_TMP/out/state.json")" = creating ]
  brig delete -f "$(cid)"
}

@test "a hook without env gets brig's environment; without args, its path as argv[0] (runc's)" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/out"
  printf '#!/bin/sh\necho "$0 $#" > %s/argv; env > %s/env\n' "$TEST_TMP/out" "$TEST_TMP/out" > "$TEST_TMP/env.sh"
  chmod +x "$TEST_TMP/env.sh"
  cfg --arg h "$TEST_TMP/env.sh" '.hooks = {"prestart": [{"path": $h, "args": []}]}'
  BRIG_BATS_CALLER=here brig create -b "$BUNDLE" "$(cid)" > "$TEST_TMP/create.out" 2>&1
  grep -qx "BRIG_BATS_CALLER=here" "$TEST_TMP/out/env"
  grep -qx "PATH=$PATH" "$TEST_TMP/out/env"
  [ "$(cat "$TEST_TMP/out/argv")" = "$TEST_TMP/env.sh 0" ]
  brig delete -f "$(cid)"
}

@test "createContainer and startContainer hooks without env get the process's environment, not brig's; createContainer runs in the rootfs, startContainer in the process's cwd (runc's init)" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/out" "$BUNDLE/rootfs/hookout"
  printf '#!/bin/sh\npwd > %s/cc.pwd; env > %s/cc.env\n' "$TEST_TMP/out" "$TEST_TMP/out" > "$TEST_TMP/cc.sh"
  chmod +x "$TEST_TMP/cc.sh"
  printf '#!/bin/sh\npwd > /hookout/sc.pwd; env > /hookout/sc.env\n' > "$BUNDLE/rootfs/sc.sh"
  chmod +x "$BUNDLE/rootfs/sc.sh"
  cfg --arg h "$TEST_TMP/cc.sh" --arg o "$TEST_TMP/out" '
    .process.env = ["PATH=/bin", "CTR_VAR=one", "CTR_VAR=ctr"] | .process.cwd = "/tmp" |
    .mounts += [{"destination": "/hookout", "type": "bind", "source": $o, "options": ["rbind", "rw"]}] |
    .hooks = {"createContainer": [{"path": $h}], "startContainer": [{"path": "/sc.sh"}]}'
  cd /
  BRIG_BATS_CALLER=here brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/run.out" 2>&1
  cat "$TEST_TMP/run.out"
  for k in cc sc; do
    cat "$TEST_TMP/out/$k.env"
    grep -qx "CTR_VAR=ctr" "$TEST_TMP/out/$k.env"
    ! grep -q "CTR_VAR=one" "$TEST_TMP/out/$k.env"
    ! grep -q "BRIG_BATS_CALLER" "$TEST_TMP/out/$k.env"
  done
  # HOME comes with the process's user, after createContainer (runc)
  ! grep -q "^HOME=" "$TEST_TMP/out/cc.env"
  grep -q "^HOME=/" "$TEST_TMP/out/sc.env"
  [ "$(cat "$TEST_TMP/out/cc.pwd")" = "$(realpath "$BUNDLE/rootfs")" ]
  [ "$(cat "$TEST_TMP/out/sc.pwd")" = /tmp ]
  brig delete -f "$(cid)"
}

@test "create's and run's hooks run in the bundle directory, as runc's (it chdirs there)" {
  make_bundle true
  mkdir -p "$TEST_TMP/out"
  cfg --arg o "$TEST_TMP/out" '.hooks = {
    "createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "pwd > \($o)/cr"]}],
    "poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "pwd > \($o)/ps"]}]}'
  (cd / && "$BRIG" --root "$BRIG_ROOT" run -b "$BUNDLE" "$(cid)" > "$TEST_TMP/run.out" 2>&1)
  [ "$(cat "$TEST_TMP/out/cr")" = "$(realpath "$BUNDLE")" ]
  [ "$(cat "$TEST_TMP/out/ps")" = "$(realpath "$BUNDLE")" ]
}

@test "a hook's stdout and stderr are not brig's: a failing one's are quoted in the error" {
  make_bundle true
  cfg '.hooks = {
    "createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo quiet; echo also >&2"]}],
    "createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "echo to-out; echo to-err >&2; exit 3"]}]}'
  id=$(cid)
  run --separate-stderr brig run -b "$BUNDLE" "$id"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "brig: run $id: createContainer hook #0 (/bin/sh): exit status 3, output: to-out\u000ato-err" ]
  assert_nothing_left "$id"
}

@test "a poststart hook may run brig state, kill, exec and ps on its container: no wait for the start that runs it" {
  make_bundle sleep 1000
  mkdir -p "$TEST_TMP/out"
  id=$(cid)
  cfg --arg b "$BRIG" --arg r "$BRIG_ROOT" --arg id "$id" --arg o "$TEST_TMP/out" '.hooks = {
    "poststart": [{"path": "/bin/sh", "timeout": 10, "args": ["sh", "-c",
      "\($b) --root \($r) state \($id) > \($o)/state && \($b) --root \($r) kill \($id) 0 && \($b) --root \($r) exec \($id) true && \($b) --root \($r) ps \($id) > \($o)/ps && echo ok > \($o)/kill"]}]}'
  brig create -b "$BUNDLE" "$id" > "$TEST_TMP/create.out" 2>&1
  run --separate-stderr brig start "$id"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(jq -r .status "$TEST_TMP/out/state")" = running ]
  [ "$(cat "$TEST_TMP/out/kill")" = ok ]
  grep -q "sleep 1000" "$TEST_TMP/out/ps"
  brig delete -f "$id"
}

assert_nothing_left() {
  no_state "$1"
  for c in /sys/fs/cgroup/*/; do [ ! -e "$c/brig/$1" ]; done
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" != "$BUNDLE/rootfs" ]
  done
}

@test "a hook over its timeout is killed and create fails, leaving nothing" {
  make_bundle sleep 1000
  cfg '.hooks = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}'
  id=$(cid)
  SECONDS=0
  run brig create -b "$BUNDLE" "$id"
  [ "$status" -eq 1 ]
  [ "$SECONDS" -lt 10 ]
  [ "$output" = "brig: create $id: createRuntime hook #0 (/bin/sleep): timed out after 1s" ]
  assert_nothing_left "$id"
}

@test "a failing prestart, createRuntime or createContainer hook fails create and leaves nothing" {
  for kind in prestart createRuntime createContainer; do
    make_bundle sleep 1000
    cfg --arg k "$kind" '.hooks = {($k): [{"path": "/bin/false"}]}'
    id=$(cid "$kind")
    run brig create -b "$BUNDLE" "$id"
    [ "$status" -eq 1 ]
    [ "$output" = "brig: create $id: $kind hook #0 (/bin/false): exit status 1" ]
    assert_nothing_left "$id"
  done
}

@test "poststop hooks run after a failed create hook and a failed startContainer hook (runtime-spec lifecycle, runc)" {
  for kind in prestart createRuntime createContainer startContainer; do
    make_bundle sleep 1000
    rm -f "$TEST_TMP/poststop.$kind"
    cfg --arg k "$kind" --arg o "$TEST_TMP/poststop.$kind" '.hooks = {($k): [{"path": "/bin/false"}],
      "poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($o)"]}]}'
    id=$(cid "$kind")
    if [ "$kind" = startContainer ]; then
      brig create -b "$BUNDLE" "$id" > "$TEST_TMP/create.out" 2>&1
      run brig start "$id"
    else
      run brig create -b "$BUNDLE" "$id"
    fi
    [ "$status" -eq 1 ]
    [[ "$output" == *"$kind hook #0 (/bin/false): exit status 1"* ]]
    assert_nothing_left "$id"
    [ "$(jq -r .id "$TEST_TMP/poststop.$kind")" = "$id" ]
    [ "$(jq -r .status "$TEST_TMP/poststop.$kind")" = stopped ]
    # the init is gone, its pid may be another's: none given (runc's)
    [ "$(jq 'has("pid")' "$TEST_TMP/poststop.$kind")" = false ]
  done
}

@test "a failing startContainer hook fails start and removes the container" {
  make_bundle sleep 1000
  cfg '.hooks = {"startContainer": [{"path": "/bin/false"}]}'
  id=$(cid)
  brig create -b "$BUNDLE" "$id" >/dev/null
  run brig start "$id"
  [ "$status" -eq 1 ]
  [[ "$output" == *"startContainer hook #0 (/bin/false): exit status 1"* ]]
  assert_nothing_left "$id"
  # run: the init's answer comes over run's socket, not the exec FIFO;
  # its pid file is written once the process has started (runc): none
  id=$(cid run)
  run brig run --pid-file "$TEST_TMP/run.pid" -b "$BUNDLE" "$id" </dev/null
  [ "$status" -eq 1 ]
  [[ "$output" == *"startContainer hook #0 (/bin/false): exit status 1"* ]]
  [ ! -e "$TEST_TMP/run.pid" ]
  assert_nothing_left "$id"
}

@test "a failed run removes its own container, never a new one made with the same id meanwhile" {
  # the poststop hook of the failed start makes a container of the same
  # id (its files were removed before the poststop hooks ran)
  "$TOP/tools/mkbundle" "$TEST_TMP/b2" -- sleep 1000 >/dev/null
  id=$(cid)
  printf '#!/bin/sh\nexec "%s" --root "%s" create -b "%s" "%s" </dev/null >/dev/null 2>&1\n' \
    "$BRIG" "$BRIG_ROOT" "$TEST_TMP/b2" "$id" >"$TEST_TMP/again.sh"
  chmod +x "$TEST_TMP/again.sh"
  make_bundle sleep 1000
  cfg --arg h "$TEST_TMP/again.sh" '.hooks = {"startContainer": [{"path": "/bin/false"}],
    "poststop": [{"path": $h}]}'
  run brig run -b "$BUNDLE" "$id" </dev/null
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"startContainer hook #0 (/bin/false): exit status 1"* ]]
  # the new container is there, untouched
  [ "$(brig state "$id" | jq -r .status)" = created ]
  [ "$(brig state "$id" | jq -r .bundle)" = "$TEST_TMP/b2" ]
  brig delete -f "$id"
}

# runtime-spec: a failing poststart or poststop hook is a warning, the
# hooks after it still run and the lifecycle goes on as if it had not
# failed (runc stops the container on a poststart failure).
@test "a failing poststart hook is a warning: the next one runs, start succeeds, the container runs (start and run)" {
  make_bundle sleep 1000
  cfg --arg o "$TEST_TMP" '.hooks = {"poststart": [{"path": "/bin/false"}, {"path": "/bin/touch", "args": ["touch", ($o + "/second")]}]}'
  id=$(cid)
  brig create -b "$BUNDLE" "$id" >/dev/null
  run brig start "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "brig: warning: start $id: poststart hook #0 (/bin/false): exit status 1" ]
  [ -e "$TEST_TMP/second" ]
  [ "$(brig state "$id" | jq -r .status)" = running ]
  brig delete -f "$id"
  rm "$TEST_TMP/second"
  cfg '.process.args = ["sh", "-c", "exit 7"]'
  run brig run -b "$BUNDLE" "$(cid run)" </dev/null
  [ "$status" -eq 7 ]
  [ "$output" = "brig: warning: start $(cid run): poststart hook #0 (/bin/false): exit status 1" ]
  [ -e "$TEST_TMP/second" ]
  assert_nothing_left "$(cid run)"
}

@test "foreground run relays the output while poststart hooks run (runc's copy does): a hook waiting on the process after a pipe's worth of output is not stuck" {
  make_bundle sh -c 'head -c 300000 /dev/zero; touch /root/done'
  cfg '.root.readonly = false'
  cfg --arg d "$BUNDLE/rootfs/root/done" --arg o "$TEST_TMP/hook.out" \
    '.hooks = {"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", "for i in $(seq 100); do if [ -e \"$1\" ]; then echo seen >\"$2\"; exit 0; fi; sleep 0.1; done; echo not-seen >\"$2\"", "_", $d, $o]}]}'
  n=$(brig run -b "$BUNDLE" "$(cid)" </dev/null | wc -c)
  [ "$n" = 300000 ]
  [ "$(cat "$TEST_TMP/hook.out")" = seen ]
  assert_nothing_left "$(cid)"
}

@test "create and run -d are not ended halfway by SIGTERM or SIGINT (runc's handler takes them): a createRuntime hook signalling its runtime" {
  make_bundle sleep 1000
  cfg '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "kill -TERM $PPID; kill -INT $PPID; kill -HUP $PPID; sleep 0.2"]}]}'
  rc=0
  brig create -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -eq 0 ]
  [ "$(brig state "$(cid)" | jq -r .status)" = created ]
  brig run -d -b "$BUNDLE" "$(cid 2)" </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -eq 0 ]
  [ "$(brig state "$(cid 2)" | jq -r .status)" = running ]
  # nothing of brig's blocked mask reaches the process
  [ "$(awk '/^SigBlk:/ {print $2}' "/proc/$(brig state "$(cid 2)" | jq -r .pid)/status")" = 0000000000000000 ]
}

@test "foreground run whose --pid-file cannot be written: the poststart hooks have run to their end when it fails (runc's order), nothing left" {
  make_bundle sleep 1000
  cfg --arg o "$TEST_TMP/hook-done" '.hooks = {"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", "sleep 1; touch \"$1\"", "_", $o]}]}'
  rc=0
  brig run --pid-file "$TEST_TMP/nodir/pid" -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -eq 1 ]
  [ -e "$TEST_TMP/hook-done" ]
  assert_nothing_left "$(cid)"
}

@test "a failing poststop hook is a warning; the next one runs and delete goes on" {
  make_bundle sleep 1000
  cfg --arg o "$TEST_TMP" '.hooks = {"poststop": [{"path": "/bin/false"}, {"path": "/bin/touch", "args": ["touch", ($o + "/second")]}]}'
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" >/dev/null
  run brig delete -f "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "brig: warning: delete $id: poststop hook #0 (/bin/false): exit status 1" ]
  [ -e "$TEST_TMP/second" ]
  assert_nothing_left "$id"
}

@test "a hook binary that does not exist fails create with one line" {
  make_bundle true
  cfg '.hooks = {"prestart": [{"path": "/no/such/hook"}]}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: create $(cid): prestart hook #0 (/no/such/hook): exec: No such file or directory" ]
  assert_nothing_left "$(cid)"
}

# ignchld CMD...: CMD with SIGCHLD ignored, as a caller may leave it
# (bash's trap "" CHLD, a daemon's SIG_IGN survive exec)
ignchld() {
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

@test "hooks and exec wait for their children when the caller ignored SIGCHLD" {
  make_bundle sleep 1000
  cfg --arg o "$TEST_TMP/pre.state" '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($o)"]}]}'
  id=$(cid)
  # (into a file: the init holds create's stdout)
  rc=0
  ignchld "$BRIG" --root "$BRIG_ROOT" create -b "$BUNDLE" "$id" </dev/null >"$TEST_TMP/out" 2>&1 || rc=$?
  cat "$TEST_TMP/out"
  [ "$rc" -eq 0 ]
  [ "$(jq -r .id "$TEST_TMP/pre.state")" = "$id" ]
  brig start "$id"
  # the process's status, which brig waits for
  run ignchld "$BRIG" --root "$BRIG_ROOT" exec "$id" sh -c 'exit 3'
  echo "$output"
  [ "$status" -eq 3 ]
  [ -z "$output" ]
  brig delete -f "$id"
}
