#!/usr/bin/env bats
# The container's filesystem: config mounts (each kind and option), the
# cgroup layout, tmpcopyup, symlinks in the rootfs, masked and read-only
# paths, sysctl, root.readonly, rootfsPropagation and --no-pivot.

load helpers

# mnt_field DEST N: field N of the last /proc/self/mountinfo line in $output
# whose mount point is DEST (6 = per-mount options, 4 = root in the fs).
mnt_field() {
  echo "$output" | awk -v d="$1" -v n="$2" '$5 == d { f = $n } END { print f }'
}
# mnt_fstype DEST: the filesystem type of the mount at DEST.
mnt_fstype() {
  echo "$output" | awk -v d="$1" '$5 == d { for (i = 7; $i != "-"; i++); f = $(i + 1) } END { print f }'
}
# has_opt LIST OPT: OPT is one of the comma-separated LIST.
has_opt() { [[ ",$1," == *",$2,"* ]]; }

add_mount() { cfg ".mounts += [$1]"; }

# host_mounts_under DIR: mounts of the host (this shell) under DIR.
host_mounts_under() { awk -v d="$1" 'index($5, d) == 1' /proc/self/mountinfo; }

@test "the default config's proc, sysfs, tmpfs, devpts, mqueue get their types and options" {
  make_bundle cat /proc/self/mountinfo
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(mnt_fstype /proc)" = proc ]
  [ "$(mnt_fstype /sys)" = sysfs ]
  o=$(mnt_field /sys 6)
  has_opt "$o" ro && has_opt "$o" nosuid && has_opt "$o" nodev && has_opt "$o" noexec
  [ "$(mnt_fstype /dev)" = tmpfs ]
  has_opt "$(mnt_field /dev 6)" nosuid
  not has_opt "$(mnt_field /dev 6)" relatime # strictatime
  [ "$(mnt_fstype /dev/pts)" = devpts ]
  [[ "$output" == *"devpts devpts rw,gid=5,mode=620,ptmxmode=666"* ]]
  [ "$(mnt_fstype /dev/mqueue)" = mqueue ]
  has_opt "$(mnt_field /dev/mqueue 6)" nodev
  [ "$(mnt_fstype /tmp)" = tmpfs ]
  o=$(mnt_field /tmp 6)
  has_opt "$o" nosuid && has_opt "$o" nodev && ! has_opt "$o" noexec
}

@test "sysfs in its own network namespace: the container's devices only, its superblock ro when the mount is" {
  make_bundle sh -c 'ls /sys/class/net; cat /proc/self/mountinfo'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = lo ]
  [ "$(echo "$output" | grep -c '^[a-z0-9]*$')" -eq 1 ] # no host device
  sys=$(echo "$output" | awk '$5 == "/sys"')
  [[ "$sys" == *" - sysfs sysfs ro" ]]
  has_opt "$(mnt_field /sys 6)" ro
  # a read-write sysfs mount: read-write superblock too
  cfg '(.mounts[] | select(.destination == "/sys") | .options) |= map(select(. != "ro"))'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = lo ]
  sys=$(echo "$output" | awk '$5 == "/sys"')
  [[ "$sys" == *" - sysfs sysfs rw" ]]
  not has_opt "$(mnt_field /sys 6)" ro
}

@test "bind mount with ro,nosuid,nodev,noexec,noatime: flags on the bind, writes fail" {
  mkdir -p "$TEST_TMP/src"
  echo content > "$TEST_TMP/src/f"
  make_bundle sh -c 'cat /proc/self/mountinfo; cat /mnt/b/f; touch /mnt/b/new && echo WROTE'
  add_mount "{\"destination\": \"/mnt/b\", \"type\": \"bind\", \"source\": \"$TEST_TMP/src\", \"options\": [\"bind\", \"ro\", \"nosuid\", \"nodev\", \"noexec\", \"noatime\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  o=$(mnt_field /mnt/b 6)
  has_opt "$o" ro && has_opt "$o" nosuid && has_opt "$o" nodev
  has_opt "$o" noexec && has_opt "$o" noatime
  [[ "$output" == *content* ]]
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" != *WROTE* ]]
  [ ! -e "$TEST_TMP/src/new" ]
}

@test "bind mount with rw: writes reach the source" {
  mkdir -p "$TEST_TMP/src"
  make_bundle sh -c 'echo hi > /mnt/b/new'
  add_mount "{\"destination\": \"/mnt/b\", \"source\": \"$TEST_TMP/src\", \"options\": [\"rbind\", \"rw\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(cat "$TEST_TMP/src/new")" = hi ]
}

@test "a file bind mount creates the destination file; a relative source is the bundle's" {
  echo "from bundle" > "$BUNDLE/data.txt"
  make_bundle sh -c 'cat /etc/brig/data.txt; [ -f /etc/brig/data.txt ] && echo ISFILE'
  echo "from bundle" > "$BUNDLE/data.txt"
  add_mount '{"destination": "/etc/brig/data.txt", "type": "bind", "source": "data.txt", "options": ["bind", "ro"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "from bundle" ]
  [ "${lines[1]}" = ISFILE ]
  [ -f "$BUNDLE/rootfs/etc/brig/data.txt" ]
}

@test "rbind carries submounts, bind does not; rro makes submounts read-only, ro does not" {
  mkdir -p "$TEST_TMP/src/sub"
  mount -t tmpfs brig-test-sub "$TEST_TMP/src/sub"
  make_bundle sh -c 'cat /proc/self/mountinfo
    touch /mnt/ro/sub/x && echo RO_SUB_WRITABLE
    touch /mnt/rro/sub/x || echo RRO_SUB_READONLY
    touch /mnt/rro/y || echo RRO_TOP_READONLY'
  add_mount "{\"destination\": \"/mnt/plain\", \"source\": \"$TEST_TMP/src\", \"options\": [\"bind\"]}"
  add_mount "{\"destination\": \"/mnt/ro\", \"source\": \"$TEST_TMP/src\", \"options\": [\"rbind\", \"ro\"]}"
  add_mount "{\"destination\": \"/mnt/rro\", \"source\": \"$TEST_TMP/src\", \"options\": [\"rbind\", \"rro\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  umount "$TEST_TMP/src/sub"
  [ -z "$(mnt_fstype /mnt/plain/sub)" ]
  [ "$(mnt_fstype /mnt/ro/sub)" = tmpfs ]
  has_opt "$(mnt_field /mnt/ro 6)" ro
  has_opt "$(mnt_field /mnt/ro/sub 6)" rw
  has_opt "$(mnt_field /mnt/rro/sub 6)" ro
  [[ "$output" == *RO_SUB_WRITABLE* ]]
  [[ "$output" == *RRO_SUB_READONLY* ]]
  [[ "$output" == *RRO_TOP_READONLY* ]]
}

@test "recursive rnosuid, rnodev, rnoexec, rnoatime reach submounts" {
  mkdir -p "$TEST_TMP/src/sub"
  mount -t tmpfs brig-test-sub "$TEST_TMP/src/sub"
  make_bundle cat /proc/self/mountinfo
  add_mount "{\"destination\": \"/mnt/r\", \"source\": \"$TEST_TMP/src\", \"options\": [\"rbind\", \"rnosuid\", \"rnodev\", \"rnoexec\", \"rnoatime\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  umount "$TEST_TMP/src/sub"
  [ "$status" -eq 0 ]
  for d in /mnt/r /mnt/r/sub; do
    o=$(mnt_field $d 6)
    has_opt "$o" nosuid && has_opt "$o" nodev && has_opt "$o" noexec
    has_opt "$o" noatime
  done
}

@test "mount propagation options: rshared shows a peer group, rprivate none" {
  make_bundle cat /proc/self/mountinfo
  add_mount '{"destination": "/mnt/s", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]}'
  add_mount '{"destination": "/mnt/p", "type": "tmpfs", "source": "tmpfs", "options": ["rprivate"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | awk '$5 == "/mnt/s"')" == *" shared:"* ]]
  [[ "$(echo "$output" | awk '$5 == "/mnt/p"')" != *" shared:"* ]]
}

@test "tmpfs with tmpcopyup gets the directory's contents, owners and modes" {
  mkdir -p "$BUNDLE/rootfs/opt/app/sub"
  echo payload > "$BUNDLE/rootfs/opt/app/file"
  ln -s file "$BUNDLE/rootfs/opt/app/link"
  chown 1000:1000 "$BUNDLE/rootfs/opt/app/sub"
  chmod 0750 "$BUNDLE/rootfs/opt/app/sub"
  chmod 0711 "$BUNDLE/rootfs/opt/app"
  cfg '.process.args = ["sh", "-c", "cat /proc/self/mountinfo; cat /opt/app/link; stat -c \"%u:%g %a\" /opt/app/sub /opt/app; echo x > /opt/app/new && echo WROTE"]'
  add_mount '{"destination": "/opt/app", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(mnt_fstype /opt/app)" = tmpfs ]
  [[ "$output" == *payload* ]]
  [[ "$output" == *"1000:1000 750"* ]]
  [[ "$output" == *"0:0 711"* ]]
  [[ "$output" == *WROTE* ]]
  # The copy went to the tmpfs, not the rootfs.
  [ ! -e "$BUNDLE/rootfs/opt/app/new" ]
}

@test "tmpfs with tmpcopyup and ro is read-only after the copy" {
  mkdir -p "$BUNDLE/rootfs/opt/app"
  echo payload > "$BUNDLE/rootfs/opt/app/file"
  cfg '.process.args = ["sh", "-c", "cat /opt/app/file; touch /opt/app/new && echo WROTE"]'
  add_mount '{"destination": "/opt/app", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [[ "$output" == *payload* ]]
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" != *WROTE* ]]
}

@test "cgroup mount: a read-only tmpfs with the container's own cgroup of each controller" {
  cgp=/brig-bats-$$-$BATS_TEST_NUMBER
  made=()
  for c in memory pids systemd; do
    if [ ! -d /sys/fs/cgroup/$c$cgp ]; then mkdir /sys/fs/cgroup/$c$cgp; made+=($c); fi
  done
  make_bundle sh -c 'cat /proc/self/mountinfo; ls /sys/fs/cgroup; touch /sys/fs/cgroup/x; touch /sys/fs/cgroup/memory/x'
  # Without a cgroup namespace mountinfo shows the cgroup's full path.
  cfg ".linux.cgroupsPath = \"$cgp\" | .linux.namespaces |= map(select(.type != \"cgroup\"))"
  add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  for c in "${made[@]}"; do rmdir /sys/fs/cgroup/$c$cgp 2>/dev/null || true; done
  [ "$(mnt_fstype /sys/fs/cgroup)" = tmpfs ]
  has_opt "$(mnt_field /sys/fs/cgroup 6)" ro
  # name=systemd appears as "systemd".
  for c in memory pids systemd; do
    [ "$(mnt_fstype /sys/fs/cgroup/$c)" = cgroup ]
    [ "$(mnt_field /sys/fs/cgroup/$c 4)" = "$cgp" ]
    for o in ro nosuid nodev noexec; do
      has_opt "$(mnt_field /sys/fs/cgroup/$c 6)" $o
    done
  done
  [[ "$output" == *"touch: /sys/fs/cgroup/x: Read-only file system"* ]]
  [[ "$output" == *"touch: /sys/fs/cgroup/memory/x: Read-only file system"* ]]
  # Controllers the container has no directory in are left out.
  [ -z "$(mnt_fstype /sys/fs/cgroup/unified)" ]
}

@test "cgroup mount without ro: each hierarchy is writable, as runc binds them (nested containers)" {
  make_bundle sh -c 'cat /proc/self/mountinfo
    mkdir /sys/fs/cgroup/memory/sub && echo made && rmdir /sys/fs/cgroup/memory/sub && echo removed'
  add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(mnt_fstype /sys/fs/cgroup/memory)" = cgroup ]
  not has_opt "$(mnt_field /sys/fs/cgroup/memory 6)" ro
  has_opt "$(mnt_field /sys/fs/cgroup/memory 6)" rw
  for o in nosuid nodev noexec; do
    has_opt "$(mnt_field /sys/fs/cgroup/memory 6)" $o
  done
  [[ "$output" == *made*removed* ]]
}

@test "iversion and noiversion are mount flags (as runc and brig features say), not tmpfs data" {
  make_bundle cat /proc/self/mountinfo
  add_mount '{"destination": "/mnt/a", "type": "tmpfs", "source": "tmpfs", "options": ["iversion"]}'
  add_mount '{"destination": "/mnt/b", "type": "tmpfs", "source": "tmpfs", "options": ["noiversion", "mode=700"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(mnt_fstype /mnt/a)" = tmpfs ]
  [ "$(mnt_fstype /mnt/b)" = tmpfs ]
  brig features | jq -e '.mountOptions | index("iversion") and index("noiversion")'
}

@test "acl and noacl are mount flags (MS_POSIXACL, as runc and brig features say), not tmpfs data" {
  make_bundle cat /proc/self/mountinfo
  add_mount '{"destination": "/mnt/a", "type": "tmpfs", "source": "tmpfs", "options": ["acl"]}'
  add_mount '{"destination": "/mnt/b", "type": "tmpfs", "source": "tmpfs", "options": ["noacl", "size=1m"]}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(mnt_fstype /mnt/a)" = tmpfs ]
  [ "$(mnt_fstype /mnt/b)" = tmpfs ]
  has_opt "$(echo "$output" | awk '$5 == "/mnt/b" { print $NF }')" size=1024k
  brig features | jq -e '.mountOptions | index("acl") and index("noacl")'
}

@test "a tmpfs over a directory of the rootfs takes its mode, unless mode= is given (runc)" {
  make_bundle stat -c "%n %a" /opt/r /opt/t /opt/new
  mkdir -p "$BUNDLE/rootfs/opt/r" "$BUNDLE/rootfs/opt/t"
  chmod 0750 "$BUNDLE/rootfs/opt/r" "$BUNDLE/rootfs/opt/t"
  add_mount '{"destination": "/opt/r", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}'
  add_mount '{"destination": "/opt/t", "type": "tmpfs", "source": "tmpfs", "options": ["mode=700"]}'
  add_mount '{"destination": "/opt/new", "type": "tmpfs", "source": "tmpfs"}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/opt/r 750" ]
  [ "${lines[1]}" = "/opt/t 700" ]
  # made for the mount: tmpfs's own default
  [ "${lines[2]}" = "/opt/new 1777" ]
}

@test "nothing but proc is mounted inside /proc, a symlink of the image to it included; lxcfs's files may be (runc)" {
  ln -s /proc "$BUNDLE/rootfs/p"
  add_mount '{"destination": "/p/fs", "type": "tmpfs", "source": "tmpfs"}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'mount on "/p/fs": it is inside /proc, where only proc (and lxcfs'* ]]
  no_state "$(cid)"
  cfg '.mounts |= map(select(.destination != "/p/fs"))'
  echo "12345.67 890.12" > "$TEST_TMP/uptime"
  add_mount "{\"destination\": \"/proc/uptime\", \"type\": \"bind\", \"source\": \"$TEST_TMP/uptime\", \"options\": [\"bind\", \"ro\"]}"
  cfg '.process.args = ["cat", "/proc/uptime"]'
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  [ "$output" = "12345.67 890.12" ]
}

@test "an unknown mount type fails create naming the mount, and leaves nothing" {
  add_mount '{"destination": "/mnt/x", "type": "nosuchfs", "source": "x"}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'mount "nosuchfs" on "/mnt/x": No such device'* ]]
  no_state "$(cid)"
}

@test "a missing bind source refuses create with a clear line and leaves nothing" {
  add_mount "{\"destination\": \"/mnt/x\", \"type\": \"bind\", \"source\": \"$TEST_TMP/nope\", \"options\": [\"rbind\"]}"
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"mount source \"$TEST_TMP/nope\" of \"/mnt/x\": No such file or directory"* ]]
  no_state "$(cid)"
  [ -z "$(host_mounts_under "$TEST_TMP")" ]
}

@test "a proc or sysfs destination through a symlink is refused, naming the mount (runc, CVE-2023-28642)" {
  make_bundle true
  mkdir "$BUNDLE/rootfs/elsewhere"
  for fs in sysfs proc; do
    d=$([ "$fs" = proc ] && echo /proc || echo /sys)
    rm -rf "$BUNDLE/rootfs$d"
    ln -s /elsewhere "$BUNDLE/rootfs$d"
    run brig run -b "$BUNDLE" "$(cid "$fs")"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"mount destination \"$d\" of \"$fs\" goes through a symlink: refused"* ]]
    [ -z "$(ls "$BUNDLE/rootfs/elsewhere")" ]
  done
  root_clean
}

@test "a destination through a symlink to a host path stays inside the rootfs" {
  mkdir -p "$TEST_TMP/host/etc"
  echo original > "$TEST_TMP/host/etc/file"
  echo replaced > "$TEST_TMP/repl"
  make_bundle sh -c 'cat /proc/self/mountinfo; echo written > /evil/etc/new'
  ln -s "$TEST_TMP/host" "$BUNDLE/rootfs/evil"
  ln -s "../../../../../../../../$TEST_TMP/host" "$BUNDLE/rootfs/evil2"
  # No tmpfs on /tmp, so what is made under $TEST_TMP stays in the rootfs.
  cfg '.mounts |= map(select(.destination != "/tmp"))'
  add_mount '{"destination": "/evil/etc", "type": "tmpfs", "source": "tmpfs"}'
  add_mount '{"destination": "/evil2/made/here", "type": "tmpfs", "source": "tmpfs"}'
  add_mount "{\"destination\": \"/evil/etc/file\", \"source\": \"$TEST_TMP/repl\", \"options\": [\"bind\"]}"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  # Inside, the mounts sit at the symlinks' targets taken inside the root.
  [ "$(mnt_fstype "$TEST_TMP/host/etc")" = tmpfs ]
  [ "$(mnt_fstype "$TEST_TMP/host/made/here")" = tmpfs ]
  # The host's directory is untouched: no new entries, same file.
  [ "$(ls "$TEST_TMP/host")" = etc ]
  [ "$(ls "$TEST_TMP/host/etc")" = file ]
  [ "$(cat "$TEST_TMP/host/etc/file")" = original ]
  # What was made was made in the rootfs.
  [ -d "$BUNDLE/rootfs/$TEST_TMP/host/made/here" ]
}

@test "a destination through a dangling relative symlink is made from the link's directory, never above the root" {
  local climb="brig-climb-$$"
  make_bundle cat /proc/self/mountinfo
  mkdir -p "$BUNDLE/rootfs/srv/app"
  # neither target exists yet: brig makes it, reading the link itself
  ln -s ../data/store "$BUNDLE/rootfs/srv/app/cache"
  ln -s "../../../../../../../../$climb" "$BUNDLE/rootfs/srv/climb"
  add_mount '{"destination": "/srv/app/cache/sub", "type": "tmpfs", "source": "tmpfs"}'
  add_mount '{"destination": "/srv/climb/y", "type": "tmpfs", "source": "tmpfs"}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  # "../data/store" from /srv/app is /srv/data/store (not /data/store)
  [ "$(mnt_fstype /srv/data/store/sub)" = tmpfs ]
  [ -d "$BUNDLE/rootfs/srv/data/store/sub" ]
  [ ! -e "$BUNDLE/rootfs/data" ]
  # ".." stops at the container's root
  [ "$(mnt_fstype "/$climb/y")" = tmpfs ]
  [ -d "$BUNDLE/rootfs/$climb/y" ]
  [ ! -e "/$climb" ]
  [ ! -e "$TEST_TMP/$climb" ]
  [ ! -e "$BUNDLE/$climb" ]
}

@test "maskedPaths: a file reads empty, a directory is an empty read-only tmpfs, a missing path is ignored" {
  make_bundle sh -c 'cat /proc/self/mountinfo; echo "[$(cat /opt/secretfile)]"; echo "[$(ls /opt/secretdir)]"; touch /opt/secretdir/x'
  mkdir -p "$BUNDLE/rootfs/opt/secretdir"
  echo secret > "$BUNDLE/rootfs/opt/secretdir/key"
  echo secret > "$BUNDLE/rootfs/opt/secretfile"
  cfg '.linux.maskedPaths += ["/opt/secretfile", "/opt/secretdir", "/opt/missing"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "${lines[-3]}" = "[]" ]
  [ "${lines[-2]}" = "[]" ]
  [[ "${lines[-1]}" == *"Read-only file system"* ]]
  [ "$(mnt_fstype /opt/secretdir)" = tmpfs ]
  has_opt "$(mnt_field /opt/secretdir 6)" ro
  [ "$(mnt_field /opt/secretfile 4)" = /null ]
  [ "$(mnt_field /proc/timer_list 4)" = /null ]
}

@test "maskedPaths: the masked directories share one empty tmpfs, each read-only, nosuid, nodev, noexec" {
  make_bundle sh -c 'cat /proc/self/mountinfo; echo "n1=$(ls -A /opt/d1 | wc -l) n2=$(ls -A /opt/d2 | wc -l)"; touch /opt/d1/x; touch /opt/d2/x'
  mkdir -p "$BUNDLE/rootfs/opt/d1" "$BUNDLE/rootfs/opt/d2"
  echo a > "$BUNDLE/rootfs/opt/d1/a"
  echo b > "$BUNDLE/rootfs/opt/d2/b"
  cfg '.linux.maskedPaths += ["/opt/d1", "/opt/d2"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"n1=0 n2=0"* ]]
  [ "$(mnt_fstype /opt/d1)" = tmpfs ]
  [ "$(mnt_fstype /opt/d2)" = tmpfs ]
  # one superblock (major:minor) for both
  [ -n "$(mnt_field /opt/d1 3)" ]
  [ "$(mnt_field /opt/d1 3)" = "$(mnt_field /opt/d2 3)" ]
  for d in /opt/d1 /opt/d2; do
    for o in ro nosuid nodev noexec; do has_opt "$(mnt_field $d 6)" $o; done
  done
  [[ "$output" == *"touch: /opt/d1/x: Read-only file system"* ]]
  [[ "$output" == *"touch: /opt/d2/x: Read-only file system"* ]]
  [ ! -e "$BUNDLE/rootfs/opt/d1/x" ]
  [ ! -e "$BUNDLE/rootfs/opt/d2/x" ]
}

@test "readonlyPaths: /proc/sys and a rootfs path refuse writes, a missing path is ignored" {
  make_bundle sh -c 'cat /proc/self/mountinfo; echo x > /proc/sys/kernel/domainname; touch /data/f'
  mkdir -p "$BUNDLE/rootfs/data"
  cfg '.root.readonly = false | .linux.readonlyPaths += ["/data", "/nonexistent"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  has_opt "$(mnt_field /proc/sys 6)" ro
  has_opt "$(mnt_field /data 6)" ro
  [[ "$output" == *"can't create /proc/sys/kernel/domainname: Read-only file system"* ]]
  [[ "$output" == *"touch: /data/f: Read-only file system"* ]]
  [ ! -e "$BUNDLE/rootfs/data/f" ]
}

@test "sysctl: namespaced keys are written and read back inside" {
  make_bundle sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/fs/mqueue/msg_max'
  cfg '.linux.sysctl = {"kernel.shmmax": "123456789", "net.ipv4.ip_forward": "1", "fs.mqueue.msg_max": "42"}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 123456789 ]
  [ "${lines[1]}" = 1 ]
  [ "${lines[2]}" = 42 ]
  [ "$(cat /proc/sys/fs/mqueue/msg_max)" != 42 ]
}

@test "sysctl: keys with '/' as separator (sysctl.d: a dot is then part of a name), checked as the dotted ones" {
  make_bundle sh -c 'cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/conf/lo/forwarding'
  cfg '.linux.sysctl = {"kernel/shm_rmid_forced": "1", "net/ipv4/conf/lo/forwarding": "1"}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '1\n1')" ]
  # a dot inside a name: the interface eth0.100 (not there: ENOENT, named)
  cfg '.linux.sysctl = {"net/ipv4/conf/eth0.100/rp_filter": "1"}'
  run brig run -b "$BUNDLE" "$(cid 2)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'net/ipv4/conf/eth0.100/rp_filter'*"No such file or directory"* ]]
  # still refused without the namespace it needs, and never a way out
  cfg '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net/ipv4/ip_forward": "1"}'
  run brig create -b "$BUNDLE" "$(cid 3)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'sysctl "net.ipv4.ip_forward" needs the container'"'"'s own network namespace'* ]]
  cfg '.linux.sysctl = {"kernel/../../../etc/x": "1"}'
  run brig create -b "$BUNDLE" "$(cid 4)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'sysctl "kernel/../../../etc/x": not a valid key'* ]]
  root_clean
}

@test "sysctl: a non-namespaced key is refused naming the key, and nothing is left" {
  before=$(cat /proc/sys/vm/swappiness)
  cfg '.linux.sysctl = {"vm.swappiness": "7"}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'sysctl "vm.swappiness" is not in a separate kernel namespace'* ]]
  [ "$(cat /proc/sys/vm/swappiness)" = "$before" ]
  no_state "$(cid)"
}

@test "sysctl: net.* with the host's network namespace joined by path is refused (runc's isHostNetNS); another one by path is fine" {
  v=$(cat /proc/sys/net/ipv4/ip_forward)
  cfg ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$$/ns/net\" else . end)
    | .linux.sysctl = {\"net.ipv4.ip_forward\": \"$v\"}"
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'sysctl "net.ipv4.ip_forward" not allowed in host network namespace'* ]]
  no_state "$(cid)"
  # a container's own network namespace, joined by path: its key
  make_bundle sleep 1000
  brig run -d -b "$BUNDLE" "$(cid net)" </dev/null >/dev/null 2>&1
  npid=$(brig state "$(cid net)" | jq -r .pid)
  make_bundle cat /proc/sys/net/ipv4/ip_forward
  cfg ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$npid/ns/net\" else . end)
    | .linux.sysctl = {\"net.ipv4.ip_forward\": \"1\"}"
  run brig run -b "$BUNDLE" "$(cid 2)"
  [ "$status" -eq 0 ]
  [ "$output" = 1 ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$v" ]
  brig delete -f "$(cid net)"
}

@test "sysctl: net.* without a network namespace is refused" {
  cfg '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'sysctl "net.ipv4.ip_forward" needs the container'"'"'s own network namespace'* ]]
  no_state "$(cid)"
}

@test "root.readonly: / is read-only, /tmp stays writable" {
  make_bundle sh -c 'cat /proc/self/mountinfo; touch /rootfile; touch /tmp/ok && echo TMP_OK'
  cfg '.root.readonly = true'
  run brig run -b "$BUNDLE" "$(cid)"
  has_opt "$(mnt_field / 6)" ro
  [[ "$output" == *"touch: /rootfile: Read-only file system"* ]]
  [[ "$output" == *TMP_OK* ]]
  [ ! -e "$BUNDLE/rootfs/rootfile" ]
}

@test "root.readonly false: / is writable" {
  make_bundle sh -c 'touch /rootfile && echo ROOT_OK'
  cfg '.root.readonly = false'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ -e "$BUNDLE/rootfs/rootfile" ]
}

@test "rootfsPropagation rshared makes / shared; the default does not" {
  make_bundle cat /proc/self/mountinfo
  run brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | awk '$5 == "/"')" != *" shared:"* ]]
  cfg '.linux.rootfsPropagation = "rshared"'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | awk '$5 == "/"')" == *" shared:"* ]]
  [[ "$(echo "$output" | awk '$5 == "/proc"')" == *" shared:"* ]]
}

@test "the container's / is private when its rootfs is on a shared host mount (default, rprivate, --no-pivot)" {
  mkdir "$TEST_TMP/shared"
  mount -t tmpfs brig-test-shared "$TEST_TMP/shared"
  mount --make-shared "$TEST_TMP/shared"
  BUNDLE=$TEST_TMP/shared/bundle
  make_bundle cat /proc/self/mountinfo
  for how in default rprivate no-pivot; do
    flags=()
    [ "$how" != rprivate ] || cfg '.linux.rootfsPropagation = "rprivate"'
    [ "$how" != no-pivot ] || flags=(--no-pivot)
    run brig run "${flags[@]}" -b "$BUNDLE" "$(cid "$how")"
    echo "$how: $output"
    [ "$status" -eq 0 ]
    root=$(echo "$output" | awk '$5 == "/"')
    [ -n "$root" ]
    [[ "$root" != *" shared:"* && "$root" != *" master:"* ]]
  done
  umount "$TEST_TMP/shared"
}

@test "rootfsPropagation rslave: / is a slave of the host's shared mount; a host mount made later shows inside" {
  mkdir "$TEST_TMP/shared"
  mount -t tmpfs brig-test-shared "$TEST_TMP/shared"
  mount --make-shared "$TEST_TMP/shared"
  BUNDLE=$TEST_TMP/shared/bundle
  make_bundle sleep 1000
  mkdir "$BUNDLE/rootfs/hostmnt"
  cfg '.linux.rootfsPropagation = "rslave" | .process.capabilities |= with_entries(if .key != "ambient" then .value += ["CAP_SYS_ADMIN"] else . end)'
  brig run -d -b "$BUNDLE" "$(cid)" </dev/null >/dev/null 2>&1
  run brig exec "$(cid)" cat /proc/self/mountinfo
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | awk '$5 == "/"')" == *" master:"* ]]
  mount -t tmpfs brig-test-late "$BUNDLE/rootfs/hostmnt"
  run brig exec "$(cid)" cat /proc/self/mountinfo
  [[ "$(echo "$output" | awk '$5 == "/hostmnt"')" == *brig-test-late* ]]
  # nothing made inside goes the other way
  brig exec "$(cid)" mount -t tmpfs inner /tmp
  not grep -q " $BUNDLE/rootfs/tmp " /proc/self/mountinfo
  brig delete -f "$(cid)"
  umount "$BUNDLE/rootfs/hostmnt"
  umount "$TEST_TMP/shared"
}

@test "a relative mount destination is taken relative to / (runtime-spec 1.1, as runc)" {
  make_bundle sh -c 'grep " /reltmp " /proc/self/mountinfo | cut -d" " -f9'
  cfg '.mounts += [{"destination": "reltmp", "type": "tmpfs", "source": "tmpfs"}] | .root.readonly = false'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = tmpfs ]
}

@test "an unknown rootfsPropagation is refused" {
  cfg '.linux.rootfsPropagation = "sideways"'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *sideways* ]]
  no_state "$(cid)"
}

@test "--no-pivot: the container runs in its rootfs with the same mounts as with pivot_root" {
  make_bundle sh -c 'cut -d" " -f5 /proc/self/mountinfo; ls /'
  cfg '.root.readonly = false'
  run brig run -b "$BUNDLE" "$(cid p)"
  [ "$status" -eq 0 ]
  pivoted=$output
  run brig run --no-pivot -b "$BUNDLE" "$(cid n)"
  [ "$status" -eq 0 ]
  [ "$output" = "$pivoted" ]
  [[ "$output" == *linuxrc* ]]
  [[ "$output" == *"/dev/pts"* ]]
}
