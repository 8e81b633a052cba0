#!/usr/bin/env bats
# linux.netDevices and linux.intelRdt.

load helpers

setup() {
  setup_brig
  DEV=brigd$$${BATS_TEST_NUMBER}
}

teardown() {
  teardown_brig
  ip link del "$DEV" 2>/dev/null || true
  ip link del "${DEV}p" 2>/dev/null || true
  ip link del "${DEV}q" 2>/dev/null || true
  ip netns del "brig-lo-$$" 2>/dev/null || true
}

# lo_check: a container command printing lo's flags, then "hi" once a
# TCP connection to 127.0.0.1 gets through (the listener killed after 50
# tries, 5 s, either way: on a loaded machine it may start late)
lo_check='cat /sys/class/net/lo/flags; echo hi | nc -l -p 9999 127.0.0.1 & l=$!
  for i in $(seq 50); do nc 127.0.0.1 9999 </dev/null 2>/dev/null && break; sleep 0.1; done
  kill $l 2>/dev/null; true'

@test "a new network namespace has its loopback device up: 127.0.0.1 answers (as with runc and crun)" {
  make_bundle sh -c "$lo_check"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0x9 ] # IFF_UP | IFF_LOOPBACK
  [ "${lines[1]}" = hi ]
}

@test "the loopback device is up with a user namespace too, and in a joined network namespace left as it is" {
  make_bundle sh -c "$lo_check"
  cfg '.linux.namespaces += [{"type": "user"}]
       | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
       | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0x9 ]
  [ "${lines[1]}" = hi ]
  # a network namespace given by path belongs to whoever made it: its lo
  # stays down
  make_bundle cat /sys/class/net/lo/flags
  ns=brig-lo-$$
  ip netns add "$ns"
  cfg --arg p "/run/netns/$ns" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  run brig run -b "$BUNDLE" "$(cid 2)"
  ip netns del "$ns"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = 0x8 ]
}

@test "netDevices moves a host interface into the container, renamed" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  make_bundle sh -c 'cat /sys/class/net/eth7/ifindex && echo moved'
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {"name": "eth7"}}'
  brig create -b "$BUNDLE" "$(cid)" > "$TEST_TMP/out" 2>&1
  # gone from the host while the container holds it
  not ip link show "$DEV" 2>/dev/null
  brig start "$(cid)"
  wait_for 50 grep -q moved "$TEST_TMP/out"
}

@test "netDevices keeps the host name when none is given" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  make_bundle sh -c "ls /sys/class/net"
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {}}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  echo "$output" | grep -qx "$DEV"
}

@test "netDevices: a missing host device fails create and leaves nothing" {
  make_bundle true
  cfg '.linux.netDevices = {"nosuchdev0": {"name": "eth0"}}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [ "$output" = "brig: create $(cid): netDevices: host device \"nosuchdev0\": No such device" ]
  root_clean
}

@test "netDevices without a network namespace of the container's is refused" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {}} | .linux.namespaces |= map(select(.type != "network"))'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *".linux.netDevices: requires a network namespace of the container's own (.linux.namespaces)" ]]
  ip link show "$DEV"
}

@test "netDevices: the device is up in the container with its permanent global addresses (runtime-spec)" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  ip addr add 192.0.2.13/24 dev "$DEV"
  ip addr add 2001:db8::13/64 dev "$DEV" nodad
  make_bundle sh -c 'cat /sys/class/net/eth7/flags; ip -o addr show dev eth7'
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {"name": "eth7"}}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ $((lines[0] & 1)) -eq 1 ] # IFF_UP
  grep -q "inet 192.0.2.13/24 .*scope global" <<<"$output"
  grep -q "inet6 2001:db8::13/64 scope global" <<<"$output"
}

@test "netDevices: every device is checked before any moves; a refused one leaves the others on the host" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  make_bundle true
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {}, "nosuchdev0": {}}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'netDevices: host device "nosuchdev0": No such device' ]]
  ip link show "$DEV" # still the host's (a veth moved away is destroyed)
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {"name": "lo"}}'
  run brig run -b "$BUNDLE" "$(cid 2)"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"netDevices: \"$DEV\": the container already has \"lo\": File exists" ]]
  ip link show "$DEV"
  root_clean
}

@test "netDevices into a network namespace joined by path (a pod's): moved there, and left there at delete (runtime-spec)" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  ns=brig-lo-$$
  ip netns add "$ns"
  make_bundle sh -c 'ls /sys/class/net'
  cfg --arg d "$DEV" --arg p "/run/netns/$ns" '.linux.netDevices = {($d): {"name": "eth8"}}
    | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx eth8 <<<"$output"
  ip -n "$ns" link show eth8
  not ip link show "$DEV" 2>/dev/null
}

@test "netDevices: the moved device is found by what it is, not its host index (taken in a pod's namespace)" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  ip addr add 192.0.2.14/24 dev "$DEV"
  idx=$(cat "/sys/class/net/$DEV/ifindex")
  ns=brig-lo-$$
  ip netns add "$ns"
  ip -n "$ns" link add taken index "$idx" type veth peer name takenp
  make_bundle sh -c 'cat /sys/class/net/eth9/flags /sys/class/net/taken/flags; ip -o -4 addr show'
  cfg --arg d "$DEV" --arg p "/run/netns/$ns" '.linux.netDevices = {($d): {"name": "eth9"}}
    | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ $((lines[0] & 1)) -eq 1 ] # eth9 up
  [ $((lines[1] & 1)) -eq 0 ] # the other device left as it was
  grep -q "eth9 .*inet 192.0.2.14/24" <<<"$output"
  not grep -q "taken .*inet" <<<"$output"
}

@test "netDevices: a device given twice, a name the kernel refuses, one a pod's namespace has, the host's namespace by path: refused before any moves" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  ip link add "${DEV}q" type veth peer name "${DEV}r"
  ns=brig-lo-$$
  ip netns add "$ns"
  ip -n "$ns" link add eth5 type veth peer name eth6
  make_bundle true
  refuse() { # refuse JQ MESSAGE
    cfg "$1"
    n=$((n + 1))
    run brig run -b "$BUNDLE" "$(cid "$n")"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"$2"* ]]
    ip link show "$DEV" >/dev/null
    ip link show "${DEV}q" >/dev/null
  }
  n=0
  refuse ".linux.netDevices = {\"${DEV}q\": {}, \"$DEV\": {\"name\": \"a b\"}}" \
    "netDevices: \"a b\": not a device name"
  refuse ".linux.netDevices = {\"${DEV}q\": {\"name\": \"eth5\"}, \"$DEV\": {}}
    | .linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/$ns\" else . end)" \
    "netDevices: \"${DEV}q\": the container already has \"eth5\""
  refuse ".linux.netDevices = {\"$DEV\": {}}
    | .linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$$/ns/net\" else . end)" \
    ".linux.netDevices: requires a network namespace of the container's own"
  root_clean
}

@test "intelRdt is refused clearly when resctrl is absent" {
  [ ! -e /sys/fs/resctrl/info ]
  cfg '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=ff"}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *".linux.intelRdt: resctrl is not mounted on this host (/sys/fs/resctrl)" ]]
  root_clean
}
