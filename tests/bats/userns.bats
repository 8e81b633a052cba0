#!/usr/bin/env bats
# User namespaces as root: mappings, ownership of what the container makes,
# /dev and /sys in a user namespace, idmapped mounts, and joining a user
# namespace by path.  (The rootless side is rootless.bats.)

load helpers

bats_require_minimum_version 1.5.0

# The container's ids: uid 0-65535 -> host 100000-165535, gid -> 200000.
userns_cfg() {
  cfg '.linux.namespaces += [{"type":"user"}]
       | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
       | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
}

# The rootfs owned by the container's root.
own_rootfs() { chown -R 100000:200000 "$BUNDLE/rootfs"; }

add_mount() { cfg ".mounts += [$1]"; }

setup() {
  setup_brig
  HOLDER=
}

teardown() {
  [ -z "$HOLDER" ] || kill -9 "$HOLDER" 2>/dev/null || true
  teardown_brig
}

@test "userns: uid_map and gid_map read back inside, setgroups left allowed (root wrote them)" {
  make_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g'
  cfg '.linux.namespaces += [{"type":"user"}]
       | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
                               {"containerID": 1000, "hostID": 300000, "size": 10}]
       | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 100000 1000" ]
  [ "$(echo "${lines[1]}" | tr -s ' ')" = " 1000 300000 10" ]
  [ "$(echo "${lines[2]}" | tr -s ' ')" = " 0 200000 65536" ]
  [ "${lines[3]}" = allow ]
  [ "${lines[4]}" = 0 ]
  [ "${lines[5]}" = 0 ]
}

@test "userns: oomScoreAdj is set for the init and for exec (written from outside the namespace)" {
  make_bundle sleep 1000
  userns_cfg
  own_rootfs
  cfg '.process.oomScoreAdj = 500'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; false; }
  pid=$(brig state "$(cid)" | jq -r .pid)
  [ "$(cat /proc/$pid/oom_score_adj)" = 500 ]
  run brig exec "$(cid)" cat /proc/self/oom_score_adj
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = 500 ]
}

@test "userns: exec's process joins the init's session keyring _ses.ID (other-searchable, runc)" {
  make_bundle sleep 1000
  userns_cfg
  own_rootfs
  cfg '.linux.maskedPaths -= ["/proc/keys"]'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; false; }
  run "$TOP/build/keyring-run" "brig-caller-$(cid)" "$BRIG" --root "$BRIG_ROOT" \
    exec "$(cid)" cat /proc/keys
  echo "$output"
  [ "$status" -eq 0 ]
  not grep -q "brig-caller" <<<"$output"
  [ "$(grep -c "keyring *_ses.$(cid): " <<<"$output")" -eq 1 ]
}

@test "userns: exec joins a container with a user and a time namespace" {
  make_bundle sleep 1000
  userns_cfg
  own_rootfs
  cfg '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime": {"secs": 86400}}'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; false; }
  run brig exec "$(cid)" cut -d. -f1 /proc/uptime
  echo "$output"
  [ "$status" -eq 0 ]
  [ $((output - $(cut -d. -f1 /proc/uptime))) -ge 86390 ]
}

@test "userns: files and directories made inside are owned by the mapped root on the host" {
  make_bundle sh -c 'touch /root/made; mkdir /root/dir; echo ok'
  userns_cfg
  own_rootfs
  # a mount destination brig itself creates
  add_mount '{"destination": "/newdir/sub", "type": "tmpfs", "source": "tmpfs"}'
  cfg '.root.readonly = false'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = ok ]
  [ "$(stat -c %u:%g "$BUNDLE/rootfs/root/made")" = 100000:200000 ]
  [ "$(stat -c %u:%g "$BUNDLE/rootfs/root/dir")" = 100000:200000 ]
  [ "$(stat -c %u:%g "$BUNDLE/rootfs/newdir/sub")" = 100000:200000 ]
}

@test "userns: a user namespace without mappings, or mappings without one, are refused" {
  cfg '.linux.namespaces += [{"type":"user"}]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"a new user namespace needs uid and gid mappings"* ]]
  make_bundle true
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1}]'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"id mappings need a user namespace"* ]]
  root_clean
}

@test "userns: /dev nodes are the host's bound (no mknod), and work" {
  make_bundle sh -c 'grep " /dev/null " /proc/self/mountinfo | wc -l; echo x > /dev/null && head -c 4 /dev/zero | wc -c'
  userns_cfg
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 4 ]
}

@test "userns: a configured device the host does not have is refused: mknod needs privilege" {
  make_bundle true
  userns_cfg
  cfg '.linux.devices = [{"path": "/dev/brig-none", "type": "c", "major": 1, "minor": 3}]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'device "/dev/brig-none" (1:3): creating a device node needs privilege'* ]]
}

@test "userns: sysfs without a network namespace of its own is the host's /sys bound" {
  make_bundle sh -c 'ls /sys/kernel >/dev/null && echo readable; awk "\$5 == \"/sys\" { print \$6 }" /proc/self/mountinfo'
  userns_cfg
  cfg '.linux.namespaces |= map(select(.type != "network"))'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = readable ]
  [[ ",${lines[1]}," == *",ro,"* ]]
  # with its own network namespace it is a sysfs of its own
  make_bundle sh -c 'ls /sys/class/net'
  userns_cfg
  run brig run -b "$BUNDLE" "$(cid 2)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = lo ]
}

@test "idmap: a bind mount of a host-root-owned dir shows the container's root as owner" {
  mkdir "$TEST_TMP/data"
  echo hi > "$TEST_TMP/data/file"
  make_bundle sh -c 'stat -c %u:%g /plain/file /mapped/file; touch /mapped/new; cat /mapped/file'
  userns_cfg
  own_rootfs
  add_mount "{\"destination\": \"/plain\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"rbind\"]}"
  add_mount "{\"destination\": \"/mapped\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"rbind\", \"idmap\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  # without idmap host root is nobody; through it, root
  [ "${lines[0]}" = 65534:65534 ]
  [ "${lines[1]}" = 0:0 ]
  [ "${lines[2]}" = hi ]
  # what the container's root writes through it is host root's, no chown
  [ "$(stat -c %u:%g "$TEST_TMP/data/new")" = 0:0 ]
  [ "$(stat -c %u:%g "$TEST_TMP/data/file")" = 0:0 ]
}

@test "idmap: per-mount uidMappings/gidMappings (runtime-spec 1.1) map the source's ids" {
  mkdir "$TEST_TMP/data"
  touch "$TEST_TMP/data/f"
  chown 1000:2000 "$TEST_TMP/data/f"
  make_bundle stat -c %u:%g /m/f
  userns_cfg
  own_rootfs
  # host 1000 -> container 5, host 2000 -> container 7 (through the
  # container's own maps: mount id 5 is host 100005)
  add_mount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"bind\"],
              \"uidMappings\": [{\"containerID\": 1000, \"hostID\": 100005, \"size\": 1}],
              \"gidMappings\": [{\"containerID\": 2000, \"hostID\": 200007, \"size\": 1}]}"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = 5:7 ]
}

@test "idmap: ridmap maps the submounts of an rbind too, idmap only its top" {
  mkdir -p "$TEST_TMP/data/sub"
  mount -t tmpfs tmpfs "$TEST_TMP/data/sub"
  touch "$TEST_TMP/data/sub/f"
  make_bundle sh -c 'stat -c %u /i/sub/f /r/sub/f /i/sub /r/sub'
  userns_cfg
  own_rootfs
  add_mount "{\"destination\": \"/i\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"rbind\", \"idmap\"]}"
  add_mount "{\"destination\": \"/r\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"rbind\", \"ridmap\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  umount "$TEST_TMP/data/sub"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = 65534 ]
  [ "${lines[1]}" = 0 ]
}

@test "idmap: refused without a bind, without any mappings, or with uid mappings only" {
  make_bundle true
  add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}'
  userns_cfg
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'(\"/t\"): idmapped mounts are supported for bind mounts only'* ||
     "$output" == *'("/t"): idmapped mounts are supported for bind mounts only'* ]]
  make_bundle true
  add_mount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$TEST_TMP\", \"options\": [\"bind\", \"idmap\"]}"
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"it needs a user namespace"* ]]
  make_bundle true
  add_mount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$TEST_TMP\", \"options\": [\"bind\"],
              \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1}]}"
  run brig run -b "$BUNDLE" "$(cid 3)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"needs both uidMappings and gidMappings"* ]]
  root_clean
}

# hold_userns: a process in a new user namespace mapped 0 -> 100000,
# 65536 wide ($HOLDER), killed by teardown.
own_userns() { [ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }

hold_userns() {
  bg unshare -U sleep 1000
  HOLDER=$BG_PID
  # own_userns is re-run by wait_for: the readlink happens each time
  wait_for 50 own_userns "$HOLDER"
  echo "0 100000 65536" > /proc/$HOLDER/uid_map
  echo "0 200000 65536" > /proc/$HOLDER/gid_map
}

@test "userns by path: joined first, the new namespaces (pid too) are its own" {
  hold_userns
  make_bundle sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; echo $$; hostname; grep -c . /proc/self/mountinfo >/dev/null && echo mounted'
  cfg ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$HOLDER/ns/user\"}] | .hostname = \"joined\""
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/user)" ]
  [ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 100000 65536" ]
  [ "${lines[2]}" = 1 ]
  [ "${lines[3]}" = joined ]
  [ "${lines[4]}" = mounted ]
}

@test "userns by path: created namespaces are owned by the joined user namespace" {
  hold_userns
  make_bundle sleep 1000
  cfg ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$HOLDER/ns/user\"}]"
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  pid=$(brig state "$(cid)" | jq -r .pid)
  [ "$(readlink /proc/$pid/ns/user)" = "$(readlink /proc/$HOLDER/ns/user)" ]
  [ "$(stat -c %u /proc/$pid)" = 100000 ]
  # the namespaces it made (mount, pid, network...) are owned by the
  # joined user namespace, not by the host's
  joined=$(readlink /proc/$HOLDER/ns/user)
  for t in mnt pid net ipc uts; do
    [ "$(readlink /proc/$pid/ns/$t)" != "$(readlink /proc/self/ns/$t)" ]
    owner=$(lsns -n -o ONS -t "$t" -p "$pid" | tr -d ' ')
    [ "user:[$owner]" = "$joined" ]
  done
  brig delete -f "$(cid)"
}

@test "userns by path: exec into the container joins it" {
  hold_userns
  make_bundle sleep 1000
  cfg ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$HOLDER/ns/user\"}]"
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig exec "$(cid)" sh -c 'id -u; cat /proc/self/uid_map'
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 100000 65536" ]
}

@test "userns by path: an idmapped mount takes the joined namespace's mappings" {
  hold_userns
  mkdir "$TEST_TMP/data"
  touch "$TEST_TMP/data/f"
  make_bundle stat -c %u /m/f
  own_rootfs
  cfg ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$HOLDER/ns/user\"}]"
  add_mount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$TEST_TMP/data\", \"options\": [\"bind\", \"idmap\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "$output" = 0 ]
}

@test "features: user namespaces and idmapped mounts are listed" {
  run --separate-stderr brig features
  echo "$output"; [ "$status" -eq 0 ]
  f=$TEST_TMP/features.json
  printf '%s\n' "$output" > "$f"
  [ "$(jq -r '.linux.namespaces | index("user") != null' "$f")" = true ]
  [ "$(jq -r .linux.mountExtensions.idmap.enabled "$f")" = true ]
  [ "$(jq -r '.mountOptions | index("idmap") != null and index("ridmap") != null' "$f")" = true ]
}

@test "userns: the init is in its cgroup in every hierarchy (the runtime wrote its pid: the init may not)" {
  make_bundle cat /proc/self/cgroup
  userns_cfg
  own_rootfs
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 10 ]
  # rooted at /brig/<id> in every hierarchy: joined before the namespace
  for l in "${lines[@]}"; do [[ "$l" == *:/ ]]; done
}

@test "userns: a new user namespace with network and uts namespaces joined by path (made on the host): joined first, as runc" {
  # the namespaces a pod sandbox would hold, made by the host's root
  bg unshare -n -u sh -c 'hostname held; exec sleep 1000'
  HOLDER=$BG_PID
  wait_for 50 eval '[ "$(readlink /proc/$HOLDER/ns/net)" != "$(readlink /proc/self/ns/net)" ]'
  wait_for 50 eval '[ "$(cat /proc/$HOLDER/comm)" = sleep ]'
  make_bundle sh -c 'readlink /proc/self/ns/net; hostname; cat /proc/self/uid_map; readlink /proc/self/ns/user'
  userns_cfg
  own_rootfs
  cfg ".linux.namespaces |= map(select(.type != \"network\" and .type != \"uts\"))
       | .linux.namespaces += [{\"type\": \"network\", \"path\": \"/proc/$HOLDER/ns/net\"},
                               {\"type\": \"uts\", \"path\": \"/proc/$HOLDER/ns/uts\"}]
       | del(.hostname)"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/net)" ]
  [ "${lines[1]}" = held ]
  [ "$(echo "${lines[2]}" | tr -s ' ')" = " 0 100000 65536" ]
  [ "${lines[3]}" != "$(readlink /proc/self/ns/user)" ]
  no_state "$(cid)"
}

@test "userns: the foreground pipes belong to the container's root, who can reopen its /dev/stdout (runc chowns them so)" {
  make_bundle sh -c 'echo via-proc >/proc/self/fd/1; echo to-err >/proc/self/fd/2; stat -L -c %u:%g /proc/self/fd/0'
  userns_cfg
  own_rootfs
  brig run -b "$BUNDLE" "$(cid)" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || { cat "$TEST_TMP/out" "$TEST_TMP/err"; false; }
  cat "$TEST_TMP/out" "$TEST_TMP/err"
  [ "$(sed -n 1p "$TEST_TMP/out")" = via-proc ]
  [ "$(sed -n 2p "$TEST_TMP/out")" = 0:0 ]
  [ "$(cat "$TEST_TMP/err")" = to-err ]
  cfg '.process.args = ["sleep", "1000"]'
  brig run -d -b "$BUNDLE" "$(cid 2)" </dev/null >/dev/null 2>&1
  run --separate-stderr brig exec "$(cid 2)" sh -c 'echo exec-via-proc >/proc/self/fd/1' </dev/null
  [ "$status" -eq 0 ]
  [ "$output" = exec-via-proc ]
}

@test "userns: /dev/mqueue belongs to the container's root, who may chmod it; the ipc namespace is still a new one (as crun)" {
  make_bundle sh -c 'stat -c %u:%g /dev/mqueue; chmod 0700 /dev/mqueue && stat -c %a /dev/mqueue; readlink /proc/self/ns/ipc'
  userns_cfg
  own_rootfs
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"; [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 700 ]
  [ "${lines[2]}" != "$(readlink /proc/self/ns/ipc)" ]
  [[ "${lines[2]}" == ipc:* ]]
}

@test "userns: a uid, gid or additional gid the namespace does not map is named as such (runc), for create and exec" {
  make_bundle sleep 100
  userns_cfg
  own_rootfs
  for u in '{"uid": 70000, "gid": 0}|process.user.uid: 70000 is not mapped in the container'"'"'s user namespace (setresuid)' \
    '{"uid": 0, "gid": 70000}|process.user.gid: 70000 is not mapped in the container'"'"'s user namespace (setresgid)' \
    '{"uid": 0, "gid": 0, "additionalGids": [70000]}|process.user.additionalGids: a gid is not mapped in the container'"'"'s user namespace (setgroups)'; do
    cfg ".process.user = ${u%%|*}"
    run brig create -b "$BUNDLE" "$(cid)"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$output" = "brig: config.json: .${u#*|}" ]
    no_state "$(cid)"
  done
  cfg '.process.user = {"uid": 0, "gid": 0}'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig exec -u 70000 "$(cid)" id
  echo "$output"
  [ "$status" -eq 255 ]
  [ "$output" = "brig: exec failed: process.user.uid: 70000 is not mapped in the container's user namespace (setresuid)" ]
}
