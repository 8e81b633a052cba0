#!/usr/bin/env bats
# process.capabilities, noNewPrivileges, user, fds, umask, rlimits,
# oomScoreAdj, AppArmor/SELinux: each read back from inside the container.

load helpers

bats_require_minimum_version 1.5.0

# caps_hex NAME...: the /proc/<pid>/status hex mask of these capabilities.
caps_hex() {
  local -A num=([CAP_CHOWN]=0 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7
    [CAP_NET_BIND_SERVICE]=10 [CAP_NET_RAW]=13 [CAP_SYS_CHROOT]=18
    [CAP_SYS_ADMIN]=21 [CAP_SYS_RESOURCE]=24 [CAP_AUDIT_WRITE]=29)
  local mask=0 c
  for c in "$@"; do mask=$((mask | (1 << ${num[$c]}))); done
  printf '%016x' "$mask"
}

status_field() { # status_field NAME: value of NAME in the captured output
  echo "$output" | awk -v k="$1:" '$1 == k { print $2 }'
}

@test "default capabilities: the three runc grants, as runc shows them" {
  make_bundle sh -c 'grep -E "^Cap" /proc/self/status'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  want=$(caps_hex CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
  [ "$want" = 0000000020000420 ]
  [ "$(status_field CapBnd)" = "$want" ]
  [ "$(status_field CapEff)" = "$want" ]
  [ "$(status_field CapPrm)" = "$want" ]
  [ "$(status_field CapInh)" = 0000000000000000 ]
  # ambient needs inheritable: runc skips it, so do we
  [ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "non-root user keeps exactly its ambient capabilities after exec" {
  make_bundle sh -c 'grep -E "^Cap" /proc/self/status; id -u'
  cfg '.process.user = {uid: 1000, gid: 1000}
       | ["CAP_KILL", "CAP_NET_BIND_SERVICE"] as $s
       | .process.capabilities = {bounding: ($s + ["CAP_CHOWN"]),
           effective: $s, permitted: $s, inheritable: $s, ambient: $s}' 
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  want=$(caps_hex CAP_KILL CAP_NET_BIND_SERVICE)
  [ "$(status_field CapBnd)" = "$(caps_hex CAP_KILL CAP_NET_BIND_SERVICE CAP_CHOWN)" ]
  [ "$(status_field CapEff)" = "$want" ]
  [ "$(status_field CapPrm)" = "$want" ]
  [ "$(status_field CapInh)" = "$want" ]
  [ "$(status_field CapAmb)" = "$want" ]
  [ "${lines[-1]}" = 1000 ]
}

@test "non-root user without ambient ends with no effective capabilities" {
  make_bundle sh -c 'grep -E "^Cap" /proc/self/status'
  cfg '.process.user = {uid: 1000, gid: 1000}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$(status_field CapEff)" = 0000000000000000 ]
  [ "$(status_field CapPrm)" = 0000000000000000 ]
  [ "$(status_field CapBnd)" = 0000000020000420 ]
}

@test "no capabilities object: every set empty (as runc)" {
  make_bundle sh -c 'grep -E "^Cap" /proc/self/status'
  cfg 'del(.process.capabilities)'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  for f in CapBnd CapEff CapPrm CapInh CapAmb; do
    [ "$(status_field $f)" = 0000000000000000 ]
  done
}

@test "CAP_SYS_RESOURCE (not in brig's bounding set) is dropped with a warning" {
  grep -q '^CapBnd:.*' /proc/self/status
  # The premise: this host's bounding set lacks bit 24.
  [ $(( 0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> 24 & 1 )) -eq 0 ]
  make_bundle sh -c 'grep -E "^CapBnd" /proc/self/status'
  cfg '.process.capabilities.bounding += ["CAP_SYS_RESOURCE"]
       | .process.capabilities.effective += ["CAP_SYS_RESOURCE"]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: ignoring capabilities unknown to the kernel or missing from brig's bounding set: CAP_SYS_RESOURCE"* ]]
  [[ "$output" == *"CapBnd:	0000000020000420"* ]]
}

@test "an unknown capability name is dropped with a warning (runtime-spec 1.1, runc), in create and in exec --cap" {
  make_bundle sh -c 'grep -E "^Cap(Bnd|Eff)" /proc/self/status'
  cfg '.process.capabilities.bounding += ["CAP_BOGUS"]
       | .process.capabilities.effective += ["CAP_BOGUS", "CAP_KILL"]'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [ "$stderr" = "brig: warning: ignoring capabilities unknown to the kernel or missing from brig's bounding set: CAP_BOGUS" ]
  # the known names are granted as asked: KILL, AUDIT_WRITE, NET_BIND_SERVICE
  [ "${lines[0]}" = "CapEff:	0000000020000420" ]
  [ "${lines[1]}" = "CapBnd:	0000000020000420" ]
  make_bundle sleep 1000
  id=$(cid b)
  brig run -d -b "$BUNDLE" "$id" > "$TEST_TMP/out" 2>&1
  run --separate-stderr brig exec --cap CAP_NOPE --cap CAP_SYS_ADMIN "$id" grep CapEff /proc/self/status
  [ "$status" -eq 0 ]
  [ "$stderr" = "brig: warning: ignoring capabilities unknown to the kernel or missing from brig's bounding set: CAP_NOPE" ]
  [ "$output" = "CapEff:	0000000020200420" ]
  brig delete -f "$id"
}

@test "brig without CAP_SETPCAP: a bounding set with nothing of brig's to drop runs, one that drops fails naming the capability" {
  command -v capsh >/dev/null || skip "capsh not installed"
  make_bundle sh -c 'grep -E "^CapBnd" /proc/self/status'
  # brig's own bounding set minus CAP_SETPCAP: drops of CAP_SETPCAP and
  # CAP_SYS_RESOURCE (not there) are no failure
  all=$(capsh --print | sed -n 's/^Bounding set =//p' | tr ',' '\n' |
    grep -v '^cap_setpcap$' | tr a-z A-Z | jq -R . | jq -sc .)
  cfg --argjson all "$all" '.process.capabilities.bounding = $all'
  run capsh --drop=cap_setpcap -- -c "exec \"$BRIG\" --root \"$BRIG_ROOT\" run -b \"$BUNDLE\" $(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  host=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
  [ "$(status_field CapBnd)" = "$(printf '%016x' $((0x$host & ~(1 << 8))))" ]
  cfg '.process.capabilities.bounding -= ["CAP_KILL"]'
  run capsh --drop=cap_setpcap -- -c "exec \"$BRIG\" --root \"$BRIG_ROOT\" run -b \"$BUNDLE\" $(cid)"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.capabilities.bounding: drop CAP_KILL: Operation not permitted"* ]]
  no_state "$(cid)"
}

@test "capabilities the kernel refuses to set are named: effective not in permitted, inheritable not in bounding" {
  make_bundle true
  cfg '.process.capabilities.effective += ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -ne 0 ]
  [ "$stderr" = "brig: config.json: .process.capabilities.effective: CAP_NET_ADMIN, CAP_SYS_ADMIN not in process.capabilities.permitted (an effective capability must be permitted): Operation not permitted" ]
  no_state "$(cid a)"
  cfg '.process.capabilities.effective -= ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]
       | .process.capabilities.inheritable = ["CAP_KILL", "CAP_SYS_ADMIN"]'
  run --separate-stderr brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -ne 0 ]
  [ "$stderr" = "brig: config.json: .process.capabilities.inheritable: CAP_SYS_ADMIN not in process.capabilities.bounding: Operation not permitted" ]
  no_state "$(cid b)"
}

@test "the capability warning goes to --log as a JSON warning" {
  make_bundle true
  cfg '.process.capabilities.bounding += ["CAP_SYS_RESOURCE"]'
  run "$BRIG" --root "$BRIG_ROOT" --log "$TEST_TMP/log.json" --log-format json run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  run grep -c '"level":"warning".*missing from brig.s bounding set: CAP_SYS_RESOURCE"' "$TEST_TMP/log.json"
  [ "$output" = 1 ]
}

@test "noNewPrivileges true sets NoNewPrivs 1, false leaves 0" {
  make_bundle sh -c 'grep -E "^NoNewPrivs" /proc/self/status'
  cfg '.process.noNewPrivileges = true'
  run brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [ "$(status_field NoNewPrivs)" = 1 ]
  cfg '.process.noNewPrivileges = false'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$(status_field NoNewPrivs)" = 0 ]
}

@test "user uid, gid and additionalGids" {
  make_bundle sh -c 'id -u; id -g; id -G'
  cfg '.process.user = {uid: 1000, gid: 1000, additionalGids: [5, 65534]}'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1000 ]
  [ "${lines[2]}" = "1000 5 65534" ]
}

@test "additionalGids given twice reach the process once (runc); the kernel's list read from /proc" {
  make_bundle sh -c 'grep ^Groups: /proc/self/status'
  cfg '.process.user = {uid: 1000, gid: 1000, additionalGids: [65534, 5, 65534, 5, 7]}'
  run brig run -b "$BUNDLE" "$(cid)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "Groups: 5 7 65534" ]
}

@test "only fds 0, 1, 2 reach the process" {
  make_bundle sh -c 'ls /proc/1/fd; true'
  run brig run -b "$BUNDLE" "$(cid)" 3</dev/null 4</dev/null
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2" ]
}

@test "--preserve-fds 1 passes fd 3 and no more" {
  make_bundle sh -c 'ls /proc/1/fd; true'
  run brig run --preserve-fds 1 -b "$BUNDLE" "$(cid)" 3</dev/null 4</dev/null
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2 3" ]
}

@test "umask defaults to 0022 and follows process.user.umask" {
  make_bundle sh -c umask
  run brig run -b "$BUNDLE" "$(cid a)"
  [ "$status" -eq 0 ]
  [ "$output" = 0022 ]
  cfg '.process.user.umask = 63'
  run brig run -b "$BUNDLE" "$(cid b)"
  [ "$status" -eq 0 ]
  [ "$output" = 0077 ]
}

@test "rlimits: soft and hard RLIMIT_NOFILE read back" {
  make_bundle sh -c 'ulimit -Sn; ulimit -Hn'
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000}]'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 512 ]
  [ "${lines[1]}" = 1000 ]
}

@test "an rlimit above the hard limit fails naming the rlimit (no CAP_SYS_RESOURCE)" {
  hard=$(ulimit -Hn)
  [ "$hard" != unlimited ]
  make_bundle true
  cfg ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 1024, hard: $((hard * 2))}]"
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *"process.rlimits: setrlimit RLIMIT_NOFILE (soft 1024, hard $((hard * 2))): Operation not permitted"* ]]
  root_clean
}

@test "oomScoreAdj is written to /proc/self/oom_score_adj" {
  make_bundle cat /proc/self/oom_score_adj
  cfg '.process.oomScoreAdj = 567'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -eq 0 ]
  [ "$output" = 567 ]
}

@test "apparmorProfile without AppArmor: clear error, nothing left behind" {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]
  make_bundle true
  cfg '.process.apparmorProfile = "brig-test"'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'apparmor profile "brig-test" requested but AppArmor is not enabled on this host'* ]]
  root_clean
}

@test "selinuxLabel without SELinux: clear error, nothing left behind" {
  [ ! -e /sys/fs/selinux/enforce ]
  make_bundle true
  cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [[ "$output" == *'selinux label "system_u:system_r:container_t:s0" requested but SELinux is not enabled on this host'* ]]
  root_clean
}

@test "mountLabel without SELinux: clear error" {
  [ ! -e /sys/fs/selinux/enforce ]
  make_bundle true
  cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  run brig run -b "$BUNDLE" "$(cid)"
  [ "$status" -ne 0 ]
  [ "$output" = 'brig: config.json: .linux.mountLabel: "system_u:object_r:container_file_t:s0" requested but SELinux is not enabled on this host' ]
}
