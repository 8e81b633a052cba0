#!/usr/bin/env bats
# /dev: default devices and symlinks on a /dev tmpfs, linux.devices,
# devpts with its own ptmx, mqueue, /dev/shm, /dev/console.

load helpers

@test "default devices: null zero full random urandom tty with their numbers, mode 0666" {
  make_bundle sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null character special file 1:3 666 0:0" ]
  [ "${lines[1]}" = "/dev/zero character special file 1:5 666 0:0" ]
  [ "${lines[2]}" = "/dev/full character special file 1:7 666 0:0" ]
  [ "${lines[3]}" = "/dev/random character special file 1:8 666 0:0" ]
  [ "${lines[4]}" = "/dev/urandom character special file 1:9 666 0:0" ]
  [ "${lines[5]}" = "/dev/tty character special file 5:0 666 0:0" ]
}

@test "default devices work: /dev/null swallows, /dev/zero gives zeros, /dev/full is full" {
  make_bundle sh -c 'echo x > /dev/null && echo NULL_OK; head -c 4 /dev/zero | od -An -tx1; echo x > /dev/full || echo FULL_ERR'
  run brig run -b "$BUNDLE" "$(cid)"
  [[ "$output" == *NULL_OK* ]]
  [[ "$output" == *" 00 00 00 00"* ]]
  [[ "$output" == *"No space left on device"* ]]
}

@test "symlinks: /dev/fd, stdin, stdout, stderr, ptmx" {
  make_bundle sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "fd -> /proc/self/fd" ]
  [ "${lines[1]}" = "stdin -> /proc/self/fd/0" ]
  [ "${lines[2]}" = "stdout -> /proc/self/fd/1" ]
  [ "${lines[3]}" = "stderr -> /proc/self/fd/2" ]
  [ "${lines[4]}" = "ptmx -> pts/ptmx" ]
}

@test "devpts is a new instance: its own ptmx with ptmxmode, no host ptys" {
  make_bundle sh -c 'stat -c "%t:%T %a" /dev/pts/ptmx; ls /dev/pts | wc -l'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "5:2 666" ]
  [ "${lines[1]}" = 1 ]
}

@test "mqueue is mounted on /dev/mqueue and empty in the container's ipc namespace" {
  # A queue in the host's ipc namespace, seen through a mount of our own.
  mkdir "$TEST_TMP/mq"
  mount -t mqueue brig-test-mq "$TEST_TMP/mq"
  touch "$TEST_TMP/mq/brig-bats-$$"
  make_bundle sh -c 'grep " /dev/mqueue " /proc/self/mountinfo | grep -c " - mqueue "; ls /dev/mqueue | wc -l'
  run brig run -b "$BUNDLE" "$(cid)"
  rm -f "$TEST_TMP/mq/brig-bats-$$"
  umount "$TEST_TMP/mq"
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 0 ]
}

@test "/dev/shm exists as a 1777 directory when the config does not mount it" {
  make_bundle sh -c 'stat -c "%F %a" /dev/shm; grep -c " /dev/shm " /proc/self/mountinfo'
  cfg '.mounts |= map(select(.destination != "/dev/shm"))'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "${lines[0]}" = "directory 1777" ]
  [ "${lines[1]}" = 0 ]
}

@test "a config's /dev/shm mount keeps its mode: a bound host directory is not made 1777" {
  mkdir -m 755 "$TEST_TMP/shm"
  make_bundle stat -c "%a" /dev/shm
  cfg ".mounts |= map(select(.destination != \"/dev/shm\")) | .mounts += [{\"destination\": \"/dev/shm\", \"type\": \"bind\", \"source\": \"$TEST_TMP/shm\", \"options\": [\"bind\"]}]"
  run brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [ "$output" = 755 ]
  [ "$(stat -c %a "$TEST_TMP/shm")" = 755 ]
  # a read-only /dev/shm tmpfs is no error either
  cfg '.mounts |= map(if .destination == "/dev/shm" then {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["ro", "mode=1777"]} else . end)'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$output" = 1777 ]
}

@test "a bound /dev gets no node, not even from linux.devices (the host's directory)" {
  mkdir "$TEST_TMP/fakedev"
  make_bundle ls /dev
  cfg ".mounts |= map(select(.destination | startswith(\"/dev\") | not)) | .mounts += [{\"destination\": \"/dev\", \"type\": \"bind\", \"source\": \"$TEST_TMP/fakedev\", \"options\": [\"rbind\"]}] | .linux.maskedPaths = [] | .linux.devices = [{\"path\": \"/dev/brignode\", \"type\": \"c\", \"major\": 1, \"minor\": 3}]"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ -z "$(ls -A "$TEST_TMP/fakedev")" ]
}

@test "linux.devices: char, block and fifo nodes with numbers, fileMode, uid, gid" {
  make_bundle sh -c 'for d in fuse net/tun loop-test fifo-test; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done'
  cfg '.linux.devices = [
    {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384, "uid": 0, "gid": 0},
    {"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438, "uid": 1000, "gid": 5},
    {"path": "/dev/loop-test", "type": "b", "major": 7, "minor": 42, "fileMode": 432},
    {"path": "/dev/fifo-test", "type": "p", "fileMode": 420}]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/fuse character special file a:e5 600 0:0" ]
  [ "${lines[1]}" = "/dev/net/tun character special file a:c8 666 1000:5" ]
  [ "${lines[2]}" = "/dev/loop-test block special file 7:2a 660 0:0" ]
  [ "${lines[3]}" = "/dev/fifo-test fifo 0:0 644 0:0" ]
}

@test "device modes and owners do not follow the caller's umask" {
  make_bundle sh -c 'for d in null tty fuse net fifo-test; do stat -c "%n %a %u:%g" /dev/$d; done'
  cfg '.linux.devices = [
    {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 3510},
    {"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200},
    {"path": "/dev/fifo-test", "type": "p", "fileMode": 438, "uid": 1000, "gid": 1000}]'
  run sh -c "umask 0777; '$BRIG' --root '$BRIG_ROOT' run -b '$BUNDLE' '$(cid)'"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null 666 0:0" ]
  [ "${lines[1]}" = "/dev/tty 666 0:0" ]
  # set-ID and sticky bits of fileMode (06666 = 3510) are kept
  [ "${lines[2]}" = "/dev/fuse 6666 0:0" ]
  # a directory made for a node is 0755 whatever the umask
  [ "${lines[3]}" = "/dev/net 755 0:0" ]
  [ "${lines[4]}" = "/dev/fifo-test 666 1000:1000" ]
}

@test "a node in a set-group-ID directory of the rootfs gets the gid asked for" {
  make_bundle sh -c 'stat -c "%n %a %u:%g" /dev/sg/zero-a /dev/sg/zero-b'
  cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) | .linux.maskedPaths = []
       | .linux.devices = [
         {"path": "/dev/sg/zero-a", "type": "c", "major": 1, "minor": 5, "fileMode": 420},
         {"path": "/dev/sg/zero-b", "type": "c", "major": 1, "minor": 5, "fileMode": 420, "gid": 5}]'
  mkdir -p "$BUNDLE/rootfs/dev/sg"
  chgrp 7 "$BUNDLE/rootfs/dev/sg"
  chmod 2755 "$BUNDLE/rootfs/dev/sg"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/sg/zero-a 644 0:0" ]
  [ "${lines[1]}" = "/dev/sg/zero-b 644 0:5" ]
}

@test "linux.devices overrides a default device" {
  make_bundle stat -c "%t:%T %a" /dev/null
  cfg '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 384}]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$output" = "1:3 600" ]
}

@test "linux.devices outside /dev are made there (runtime-spec: anywhere); a file already there that is another device is an error" {
  make_bundle sh -c 'stat -c "%n %t:%T" /opt/devs/null; echo x > /opt/devs/null && echo null-ok; readlink /dev/ptmx'
  cfg '.linux.devices = [{"path": "/opt/devs/null", "type": "c", "major": 1, "minor": 3},
    {"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2}]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/opt/devs/null 1:3" ]
  [ "${lines[1]}" = null-ok ]
  # /dev/ptmx stays the link to the container's devpts (runc)
  [ "${lines[2]}" = pts/ptmx ]
  cfg '.linux.devices = [{"path": "/etc/passwd", "type": "c", "major": 1, "minor": 3}]'
  cp "$BUNDLE/rootfs/etc/passwd" "$TEST_TMP/passwd"
  run brig create -b "$BUNDLE" "$(cid 2)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'device "/etc/passwd" (1:3): a file already there is not that device'* ]]
  cmp "$BUNDLE/rootfs/etc/passwd" "$TEST_TMP/passwd"
  no_state "$(cid 2)"
  cfg '.linux.devices = [{"path": "dev/relative", "type": "c", "major": 1, "minor": 3}]'
  run brig create -b "$BUNDLE" "$(cid 3)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'.linux.devices[0].path: expected an absolute path, got "dev/relative"'* ]]
  no_state "$(cid 3)"
}

@test "without a /dev mount the default devices and links are made in the rootfs's /dev, as runc" {
  make_bundle sh -c 'stat -c "%n %F %t:%T %a" /dev/null /dev/zero /dev/tty; readlink /dev/fd; head -c 3 /dev/zero | wc -c'
  cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
  [ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
  [ "${lines[2]}" = "/dev/tty character special file 5:0 666" ]
  [ "${lines[3]}" = /proc/self/fd ]
  [ "${lines[4]}" = 3 ]
  # on the rootfs itself (a second run finds them there)
  [ -c "$BUNDLE/rootfs/dev/null" ]
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
}

@test "a /dev mount with ro: its nodes and the mounts under it first, then read-only (runc)" {
  make_bundle sh -c 'grep " /dev " /proc/self/mountinfo | cut -d" " -f6; grep -c " /dev/pts " /proc/self/mountinfo
    echo > /dev/null && echo null-ok; touch /dev/x'
  cfg '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
  run brig run -b "$BUNDLE" "$(cid)"
  [[ ",${lines[0]}," == *,ro,* ]]
  [ "${lines[1]}" = 1 ]
  [ "${lines[2]}" = null-ok ]
  [[ "${lines[3]}" == *"Read-only file system"* ]]
}

@test "/dev/console is the container's pty when process.terminal is set" {
  command -v script >/dev/null || skip "script(1) not installed"
  make_bundle sh -c 'stat -c "%t %F" /dev/console; tty'
  cfg '.process.terminal = true'
  run script -qec "$BRIG --root $BRIG_ROOT run -b $BUNDLE $(cid)" /dev/null
  [[ "$output" == *"88 character special file"* ]]
  [[ "$output" == *"/dev/pts/0"* ]]
}
