#!/usr/bin/env bats
# The command line outside the lifecycle: spec, features, version, help,
# and how unknown commands and flags are refused.

load helpers

bats_require_minimum_version 1.5.0

setup() {
  setup_brig
  SPECDIR=$TEST_TMP/spec
  mkdir -p "$SPECDIR"
}

@test "spec: writes runc's default config with brig's version and hostname" {
  cd "$SPECDIR"
  run --separate-stderr brig spec
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$(jq -r .ociVersion config.json)" = "1.3.0" ]
  [ "$(jq -r .hostname config.json)" = "brig" ]
  [ "$(jq -c .process.args config.json)" = '["sh"]' ]
  [ "$(jq -r .process.terminal config.json)" = "true" ]
  [ "$(jq -r .process.cwd config.json)" = "/" ]
  [ "$(jq -c .process.capabilities.bounding config.json)" = \
    '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]' ]
  [ "$(jq -c .process.rlimits config.json)" = \
    '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]' ]
  [ "$(jq -c '[.mounts[].destination]' config.json)" = \
    '["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]' ]
  [ "$(jq -c '[.linux.namespaces[].type]' config.json)" = \
    '["pid","network","ipc","uts","mount"]' ]
  [ "$(jq -c .linux.resources.devices config.json)" = \
    '[{"allow":false,"access":"rwm"}]' ]
  [ "$(jq -r '.linux.maskedPaths | length' config.json)" = 10 ]
  [ "$(jq -c .linux.readonlyPaths config.json)" = \
    '["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]' ]
  [ "$(jq -r .root.path config.json)" = rootfs ]
  [ "$(jq -r .root.readonly config.json)" = true ]
}

@test "spec: equal to runc spec but for ociVersion and hostname" {
  command -v runc >/dev/null || skip "runc not installed"
  mkdir "$SPECDIR/runc"
  (cd "$SPECDIR/runc" && runc spec)
  brig spec -b "$SPECDIR"
  diff <(jq -S . "$SPECDIR/config.json") \
    <(jq -S '.ociVersion = "1.3.0" | .hostname = "brig"' \
      "$SPECDIR/runc/config.json")
}

@test "spec: refuses to overwrite an existing config.json" {
  echo '{"mine":true}' > "$SPECDIR/config.json"
  run --separate-stderr brig spec --bundle "$SPECDIR"
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: File config.json exists. Remove it first" ]
  [ "$(cat "$SPECDIR/config.json")" = '{"mine":true}' ]
}

@test "spec: -b and --bundle write into the bundle, not the cwd" {
  cd "$TEST_TMP"
  brig spec -b "$SPECDIR"
  [ -f "$SPECDIR/config.json" ]
  [ ! -e "$TEST_TMP/config.json" ]
  mkdir "$TEST_TMP/other"
  brig spec --bundle="$TEST_TMP/other"
  [ -f "$TEST_TMP/other/config.json" ]
}

@test "spec: a missing bundle directory is an error" {
  run --separate-stderr brig spec -b "$TEST_TMP/nope"
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: open bundle $TEST_TMP/nope: No such file or directory" ]
}

@test "spec --rootless: user namespace, caller's ids, no network, /sys bound, the cgroup mount kept (as runc)" {
  brig spec --rootless -b "$SPECDIR"
  c=$SPECDIR/config.json
  [ "$(jq -c '[.linux.namespaces[].type]' "$c")" = \
    '["pid","ipc","uts","mount","user"]' ]
  [ "$(jq -c .linux.uidMappings "$c")" = \
    "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" ]
  [ "$(jq -c .linux.gidMappings "$c")" = \
    "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" ]
  [ "$(jq -c '.mounts[] | select(.destination == "/sys")' "$c")" = \
    '{"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}' ]
  # the cgroup mount is kept, as runc keeps it (without a cgroup of the
  # container's own the host's hierarchies are bound: rootless.bats)
  [ "$(jq -c '[.mounts[] | select(.type == "cgroup")]' "$c")" = \
    '[{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}]' ]
  [ "$(jq -c '.mounts[] | select(.destination == "/dev/pts") | .options' "$c")" = \
    '["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]' ]
  [ "$(jq -r '.linux.resources' "$c")" = null ]
}

@test "spec: the written config is accepted back by brig's parser" {
  brig spec -b "$SPECDIR"
  mkdir "$SPECDIR/rootfs"
  # A parse error would name config.json; create gets past the parser.
  run --separate-stderr brig create -b "$SPECDIR" "$(cid)"
  [ "$status" -eq 1 ]
  [ -n "$stderr" ]
  [[ "$stderr" != *"config.json:"* ]]
}

@test "spec: an unknown flag, a missing value, an extra argument" {
  run --separate-stderr brig spec -x
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: spec: flag provided but not defined: -x" ]
  run --separate-stderr brig spec --bogus
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: spec: flag provided but not defined: -bogus" ]
  run --separate-stderr brig spec -b
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: spec: flag needs an argument: -b" ]
  run --separate-stderr brig spec extra
  [ "$status" -eq 1 ]
  [ "$stderr" = 'brig: "spec" requires exactly 0 argument(s)' ]
}

@test "features: runtime-spec features.json of what brig implements" {
  run --separate-stderr brig features
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  f=$TEST_TMP/features.json
  printf '%s\n' "$output" > "$f"
  [ "$(jq -r .ociVersionMin "$f")" = "1.0.0" ]
  [ "$(jq -r .ociVersionMax "$f")" = "1.3.0" ]
  [ "$(jq -c .hooks "$f")" = \
    '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
  # runc's lists of names are sorted (mountOptions too, below)
  [ "$(jq -c .linux.namespaces "$f")" = \
    '["cgroup","ipc","mount","network","pid","time","user","uts"]' ]
  for l in .mountOptions .linux.seccomp.actions .linux.seccomp.operators \
    .linux.seccomp.archs .linux.seccomp.knownFlags; do
    jq -e "$l == ($l | sort)" "$f" >/dev/null || { echo "not sorted: $l"; return 1; }
  done
  [ "$(jq -r '.linux.capabilities | length' "$f")" = 41 ]
  [ "$(jq -r '.linux.capabilities[40]' "$f")" = CAP_CHECKPOINT_RESTORE ]
  [ "$(jq -c .linux.cgroup "$f")" = \
    '{"v1":true,"v2":true,"systemd":false,"systemdUser":false,"rdma":true}' ]
  [ "$(jq -r .linux.seccomp.enabled "$f")" = true ]
  [ "$(jq -c .linux.seccomp.supportedFlags "$f")" = \
    '["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_TSYNC"]' ]
  [ "$(jq -r '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' "$f")" != null ]
  [ "$(jq -r '.linux.seccomp.operators | length' "$f")" = 7 ]
  [ "$(jq -r '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' "$f")" != null ]
  # implemented (lsm.c), refused at create on a host without the LSM
  [ "$(jq -r .linux.apparmor.enabled "$f")" = true ]
  [ "$(jq -r .linux.selinux.enabled "$f")" = true ]
  [ "$(jq -r .linux.intelRdt.enabled "$f")" = false ]
  [ "$(jq -r .linux.mountExtensions.idmap.enabled "$f")" = true ]
  [ "$(jq -r '.mountOptions | index("rbind")' "$f")" != null ]
  # the recursive attributes and tmpcopyup are listed, as runc 1.1 lists
  # them: containerd's CRI and Docker look for "rro" before using it
  for o in rro rrw rnosuid rsuid rnodev rdev rnoexec rexec rnodiratime \
    rdiratime rnosymfollow rsymfollow rnoatime ratime rrelatime \
    rnorelatime rstrictatime rnostrictatime tmpcopyup; do
    jq -e --arg o "$o" '.mountOptions | index($o) != null' "$f" >/dev/null ||
      { echo "missing: $o"; return 1; }
  done
  lsv=$(dpkg-query -W -f='${Version}' libseccomp2 2>/dev/null | cut -d- -f1)
  [ -z "$lsv" ] ||
    [ "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' "$f")" = "$lsv" ]
}

@test "features: -h prints usage; a flag or argument is refused" {
  run --separate-stderr brig features -h
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "usage: brig features" ]
  run --separate-stderr brig features -q
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: features: flag provided but not defined: -q" ]
  run --separate-stderr brig features extra
  [ "$status" -eq 1 ]
  [ "$stderr" = 'brig: "features" requires exactly 0 argument(s)' ]
}

@test "list: an argument is refused" {
  run --separate-stderr brig list extra
  [ "$status" -eq 1 ]
  [ "$stderr" = 'brig: "list" requires exactly 0 argument(s)' ]
}

@test "list leaves out a damaged state.json with a warning naming it (runc's); the others are listed" {
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid ok)" </dev/null >/dev/null 2>&1
  : >"$BRIG_ROOT/$(cid bad)"
  echo '{bad' > "$BRIG_ROOT/.state/$(cid bad)"
  warning="brig: warning: list: container $(cid bad): state.json: corrupt state: invalid JSON near line 1, column 2: lexical error: invalid char in json text."
  run --separate-stderr brig list
  [ "$status" -eq 0 ]
  [ "$stderr" = "$warning" ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[1]}" =~ ^$(cid ok)\ +[1-9][0-9]*\ +running\  ]]
  run --separate-stderr brig list --format json
  [ "$status" -eq 0 ]
  [ "$stderr" = "$warning" ]
  [ "$(echo "$output" | jq -c '[.[].id]')" = "[\"$(cid ok)\"]" ]
  run --separate-stderr brig list -q
  [ "$stderr" = "$warning" ]
  [ "$output" = "$(cid ok)" ]
  rm -r "${BRIG_ROOT:?}/$(cid bad)"
  brig delete -f "$(cid ok)"
}

@test "a damaged state.json whose cgroupPath climbs out with .. is refused by kill --all, ps, events and delete's cgroup removal" {
  make_bundle sleep 1000
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  pid=$(brig state "$id" | jq -r .pid)
  cp "$BRIG_ROOT/.state/$id" "$TEST_TMP/good"
  # (it climbs back to the container's own cgroup: were it followed, only
  # this container would be hit, and the test would see it)
  jq -c --arg p "/brig/$id/x/.." '.brig.cgroupPath = $p' "$TEST_TMP/good" > "$BRIG_ROOT/.state/$id"
  msg="brig: state.json: brig.cgroupPath /brig/$id/x/.. has a \"..\" or \".\" component (a damaged state)"
  run --separate-stderr brig kill --all "$id" KILL
  [ "$status" -eq 1 ]
  [ "$stderr" = "$msg" ]
  kill -0 "$pid"
  run --separate-stderr brig ps "$id"
  [ "$status" -eq 1 ]
  [ "$stderr" = "$msg" ]
  run --separate-stderr brig events --stats "$id"
  [ "$status" -eq 1 ]
  [ "$stderr" = "$msg" ]
  # delete --force ends the init and the files, leaves the cgroup it will
  # not trust with a warning
  run --separate-stderr brig delete -f "$id"
  [ "$status" -eq 0 ]
  [ "$stderr" = "brig: warning: delete $id: its cgroup is left behind: ${msg#brig: }" ]
  no_state "$id"
  wait_for 50 sh -c "! kill -0 $pid 2>/dev/null"
  for d in /sys/fs/cgroup/*/brig/"$id"; do
    wait_for 50 sh -c "[ ! -d $d ] || rmdir $d"
  done
}

@test "a damaged state.json without brig.cgroupPath, or with a number there, is named as damaged by ps and events" {
  make_bundle sleep 1000
  id=$(cid)
  brig run -d -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  cp "$BRIG_ROOT/.state/$id" "$TEST_TMP/good"
  msg="brig: state.json: brig.cgroupPath is missing or not a string (a damaged state)"
  jq -c 'del(.brig.cgroupPath)' "$TEST_TMP/good" > "$BRIG_ROOT/.state/$id"
  run --separate-stderr brig ps "$id"
  [ "$status" -eq 1 ]
  [ "$stderr" = "$msg" ]
  jq -c '.brig.cgroupPath = 5' "$TEST_TMP/good" > "$BRIG_ROOT/.state/$id"
  run --separate-stderr brig events --stats "$id"
  [ "$status" -eq 1 ]
  [ "$stderr" = "$msg" ]
  cp "$TEST_TMP/good" "$BRIG_ROOT/.state/$id"
  brig delete -f "$id"
  no_state "$id"
}

@test "flags after the container id (runc's order) are taken; exec and ps pass them on" {
  make_bundle sleep 1000
  id=$(cid)
  cd "$BUNDLE"
  brig run "$id" -d > "$TEST_TMP/out" 2>&1
  [ ! -s "$TEST_TMP/out" ]
  [ "$(brig state "$id" | jq -r .status)" = running ]
  brig update "$id" --pids-limit 7
  [ "$(cat /sys/fs/cgroup/pids/brig/"$id"/pids.max)" = 7 ]
  run --separate-stderr brig state "$id" --help
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "usage: brig state <container-id>" ]
  run --separate-stderr brig exec "$id" echo -n x
  [ "$status" -eq 0 ]
  [ "$output" = x ]
  run --separate-stderr brig ps "$id" -o comm,pid
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^COMMAND\ +PID$ ]]
  [[ "${lines[1]}" =~ ^sleep\ +[0-9]+$ ]]
  [ "${#lines[@]}" -eq 2 ]
  run --separate-stderr brig kill "$id" -9
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: kill: flag provided but not defined: -9" ]
  # "--" ends the flags: "-f" is then an id
  run --separate-stderr brig delete -- -f
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: container does not exist" ]
  brig delete "$id" -f
  no_state "$id"
  [ ! -e /sys/fs/cgroup/pids/brig/"$id" ]
}

@test "--version and version print version, commit, spec and libraries" {
  run --separate-stderr brig --version
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 6 ]
  [ "${lines[0]}" = "brig version 0.1.0" ]
  [[ "${lines[1]}" =~ ^commit:\ ([0-9a-f]{7,}|unknown)$ ]]
  [ "${lines[2]}" = "spec: 1.3.0" ]
  [[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  [ "${lines[4]}" = "yajl: 2.1.0" ]
  [[ "${lines[5]}" =~ ^libcap:\ [0-9]+\.[0-9]+$ ]]
  first=$output
  run --separate-stderr brig version
  [ "$status" -eq 0 ]
  [ "$output" = "$first" ]
  run --separate-stderr brig -v
  [ "$output" = "$first" ]
}

@test "--help and every command's --help exit 0 with usage on stdout" {
  run --separate-stderr brig --help
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "usage: brig [global options] COMMAND [options] [args]" ]
  [[ "$output" == *"   spec       create a new specification file"* ]]
  [[ "$output" == *"   features   show the enabled features"* ]]
  [ "$stderr" = "" ]
  for c in create start state kill delete run list spec features; do
    run --separate-stderr brig "$c" --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: brig $c"* ]]
    [ "$stderr" = "" ]
  done
  run --separate-stderr brig spec -h
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "usage: brig spec [command options]" ]
}

@test "checkpoint and restore are refused with one line (no CRIU); --criu is accepted" {
  for c in checkpoint restore; do
    run --separate-stderr brig "$c" --image-path "$TEST_TMP/img" x
    [ "$status" -eq 1 ]
    [ "$stderr" = "brig: $c: not supported: brig has no CRIU (checkpoint/restore) support" ]
    [ "$output" = "" ]
    # --help fails too: podman and cri-o read its success as "supported"
    run --separate-stderr brig "$c" --help
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = "usage: brig $c [command options] <container-id>" ]
    [ "$stderr" = "brig: $c: not supported: brig has no CRIU (checkpoint/restore) support" ]
  done
  [ ! -e "$TEST_TMP/img" ]
  run --separate-stderr brig --criu /usr/sbin/criu list -q
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
}

@test "help COMMAND gives that command's help, as runc; help alone the global one" {
  run --separate-stderr brig help run
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "usage: brig run [command options] <container-id>" ]
  run --separate-stderr brig help
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "usage: brig [global options] COMMAND"* ]]
  run --separate-stderr brig help frobnicate
  [ "$status" -eq 3 ]
  [ "$stderr" = "brig: No help topic for 'frobnicate'" ]
}

@test "an unknown command exits 3 (runc's status) with one line on stderr" {
  run --separate-stderr brig frobnicate
  [ "$status" -eq 3 ]
  [ "$output" = "" ]
  [ "$stderr" = "brig: No help topic for 'frobnicate'" ]
}

@test "global bool flags take Go's =true/=false; a flag missing its value says so" {
  make_bundle true
  run --separate-stderr brig --debug=true run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"brig: debug: "* ]]
  run --separate-stderr brig --debug=false run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run --separate-stderr brig --systemd-cgroup=false list -q
  [ "$status" -eq 0 ]
  run --separate-stderr brig --debug=maybe list
  [ "$status" -eq 1 ]
  [ "$stderr" = 'brig: invalid boolean value "maybe" for -debug: parse error' ]
  run --separate-stderr "$BRIG" --log
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: flag needs an argument: --log" ]
}

@test "flags take Go's forms, as runc: -name, -name=v, -x=v, a bool's =true|=false" {
  make_bundle sleep 1000
  id=$(cid)
  # one dash for a long global flag and a command's; -b=PATH
  "$BRIG" -root "$BRIG_ROOT" run -detach=true -b="$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  [ ! -s "$TEST_TMP/out" ]
  [ "$("$BRIG" -root="$BRIG_ROOT" state "$id" | jq -r .status)" = running ]
  run --separate-stderr brig list -quiet
  [ "$output" = "$id" ]
  run --separate-stderr brig list --quiet=false -format=json
  [ "$(jq -r '.[0].id' <<< "$output")" = "$id" ]
  # a bool set false is not set: --tty=false runs without a terminal
  run --separate-stderr brig exec --tty=false -d=false "$id" sh -c 'test -t 0 || echo notty'
  [ "$status" -eq 0 ]
  [ "$output" = notty ]
  # exec's command keeps its own words
  run --separate-stderr brig exec "$id" echo -n=true
  [ "$output" = "-n=true" ]
  run --separate-stderr brig delete --force=maybe "$id"
  [ "$status" -eq 1 ]
  [ "$stderr" = 'brig: delete: invalid boolean value "maybe" for -force: parse error' ]
  run --separate-stderr brig delete --force=false "$id"
  [ "$status" -eq 1 ]
  [ "$(brig state "$id" | jq -r .status)" = running ]
  brig delete -f=true "$id"
  no_state "$id"
  [ ! -e /sys/fs/cgroup/pids/brig/"$id" ]
}

@test "a bad global flag exits 1 with one line on stderr" {
  run --separate-stderr brig --bogus list
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: flag provided but not defined: -bogus" ]
  run --separate-stderr brig -x list
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: flag provided but not defined: -x" ]
  run --separate-stderr brig --log-format yaml list
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: invalid log-format: yaml" ]
  run --separate-stderr brig --rootless bogus list
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: invalid --rootless value: bogus" ]
  run --separate-stderr brig --log "$TEST_TMP/no/such/dir/log" list
  [ "$status" -eq 1 ]
  [ "$stderr" = "brig: open log $TEST_TMP/no/such/dir/log: No such file or directory" ]
}

@test "a config error names the file, the JSON path and the problem" {
  cfg '.linux.resources = {"memory": {"limit": "1G"}}'
  run --separate-stderr brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *'config.json: .linux.resources.memory.limit: expected an integer, got "1G"' ]]
  [ "${#stderr_lines[@]}" -eq 1 ]
}

@test "tools/demo (make demo) runs a container and leaves behind nothing it made" {
  # brig keeps /brig in each hierarchy for other containers; the demo
  # removes it again when it made it, and leaves it when it was there.
  before=$(ls -d /sys/fs/cgroup/*/brig 2>/dev/null | sort)
  tmp_before=$(ls -d /tmp/brig-demo.* 2>/dev/null | sort)
  run "$BATS_TEST_DIRNAME/../../tools/demo"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello from inside brig: pid 1, host brig, user 0"* ]]
  [ "$(ls -d /sys/fs/cgroup/*/brig 2>/dev/null | sort)" = "$before" ]
  [ "$(ls -d /tmp/brig-demo.* 2>/dev/null | sort)" = "$tmp_before" ]
}

@test "flags are named exactly, as Go's flag package takes them: no abbreviation, no grouped or glued short flags" {
  local w
  # each refused whole, named as Go names it (one dash, no value)
  for w in "--deb list|-deb" "--bogus=1 list|-bogus" "list --form json|list: flag provided but not defined: -form" \
           "create -bogus x|create: flag provided but not defined: -bogus" \
           "create -b/tmp x|create: flag provided but not defined: -b/tmp" \
           "run -db /x y|run: flag provided but not defined: -db" \
           "exec -td x sh|exec: flag provided but not defined: -td" \
           "delete --forc x|delete: flag provided but not defined: -forc"; do
    run --separate-stderr brig ${w%|*}
    [ "$status" -eq 1 ]
    case ${w#*|} in
      -*) [ "$stderr" = "brig: flag provided but not defined: ${w#*|}" ] ;;
      *) [ "$stderr" = "brig: ${w#*|}" ] ;;
    esac
  done
  # the exact names, with one dash or two, a value after '=' or not
  run brig -root "$BRIG_ROOT" list -q
  [ "$status" -eq 0 ]
  run brig --root="$BRIG_ROOT" list --format=json
  [ "$status" -eq 0 ]
  [ "$output" = null ]
  run brig --root "$BRIG_ROOT" -debug=false list -format json
  [ "$status" -eq 0 ]
  [ "$output" = null ]
}
