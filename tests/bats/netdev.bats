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
  [ -z "$(ls -A "$BRIG_ROOT")" ]
}

@test "netDevices without a new network namespace is refused" {
  ip link add "$DEV" type veth peer name "${DEV}p"
  cfg --arg d "$DEV" '.linux.netDevices = {($d): {}} | .linux.namespaces |= map(select(.type != "network"))'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *".linux.netDevices: requires a new network namespace" ]]
  ip link show "$DEV"
}

@test "intelRdt is refused clearly when resctrl is absent" {
  [ ! -e /sys/fs/resctrl/info ]
  cfg '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=ff"}'
  run brig create -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 1 ]
  [[ "$output" == *".linux.intelRdt: resctrl is not mounted on this host (/sys/fs/resctrl)" ]]
  [ -z "$(ls -A "$BRIG_ROOT" 2>/dev/null)" ]
}
