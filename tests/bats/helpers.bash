# Shared set-up for brig's bats tests.  Every test gets its own state root
# and bundle under a temp dir, and teardown removes every container it made.
#   brig ARGS...          run build/brig with the test's --root
#   make_bundle [CMD...]  (re)make $BUNDLE with process.args = CMD
#   cfg 'JQ FILTER'       edit $BUNDLE/config.json in place with jq
#   cid                   a container id unique to this test

BRIG=${BRIG:-$BATS_TEST_DIRNAME/../../build/brig}
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup_brig() {
  TEST_TMP=$(mktemp -d /tmp/brig-bats.XXXXXX)
  # containers running as other uids (user namespaces) must reach the bundle
  chmod 755 "$TEST_TMP"
  BRIG_ROOT=$TEST_TMP/root
  BUNDLE=$TEST_TMP/bundle
  make_bundle sh -c 'echo ok'
}

# bg CMD...: run CMD in the background; teardown ends it (by pid) even when
# the test fails before its own cleanup.  The pid is in $BG_PID.
BG_PIDS=()
bg() {
  "$@" &
  BG_PID=$!
  BG_PIDS+=("$BG_PID")
}

teardown_brig() {
  local id p
  for p in "${BG_PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  if [ -d "$BRIG_ROOT" ]; then
    for id in $(ls "$BRIG_ROOT" 2>/dev/null); do
      "$BRIG" --root "$BRIG_ROOT" delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
  # A mount left inside the temp dir would make rm fail loudly: detach it.
  grep -o " $TEST_TMP[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$TEST_TMP"
}

setup() { setup_brig; }
teardown() { teardown_brig; }

brig() { "$BRIG" --root "$BRIG_ROOT" "$@"; }

make_bundle() {
  rm -f "$BUNDLE/config.json"
  "$TOP/tools/mkbundle" "$BUNDLE" -- "$@"
}

cfg() {
  local tmp="$BUNDLE/config.json.tmp"
  jq "$@" "$BUNDLE/config.json" > "$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

cid() { echo "bats-$$-${BATS_TEST_NUMBER}${1:+-$1}"; }

# no_state ID [ROOT]: nothing of container ID's is left in the state root
# (default $BRIG_ROOT): its own file, nor its file in .state, .tmp, .fifo,
# .config or .notify.
no_state() {
  local r=${2:-$BRIG_ROOT} p
  for p in "$r/$1" "$r"/.{state,tmp,fifo,config,notify}/"$1"; do
    if [ -e "$p" ] || [ -L "$p" ]; then echo "left: $p"; return 1; fi
  done
}

# root_clean [ROOT]: nothing in the state root (default $BRIG_ROOT) but the
# directories all containers' files share, empty, and the seccomp filter
# cache.
root_clean() {
  local r=${1:-$BRIG_ROOT} left
  left=$(find "$r" -mindepth 1 -path "$r/.bpf@cache" -prune -o -print 2>/dev/null |
    grep -vxF -e "$r/.state" -e "$r/.tmp" -e "$r/.fifo" -e "$r/.config" -e "$r/.notify") || true
  [ -z "$left" ] || { echo "left in the state root: $left"; return 1; }
}

# strace_joined FILE: FILE (strace -f output) with each call another
# process's interrupted ("<unfinished ...>" ... "<... x resumed>") put back
# on one line, where it began.
strace_joined() {
  perl -ne '
    if (/^(\d+)\s+(.*) <unfinished \.\.\.>$/) {
      push @out, undef; $slot{$1} = $#out; $head{$1} = "$1 $2"; next;
    }
    if (/^(\d+)\s+<\.\.\. \S+ resumed>(.*)$/ && exists $slot{$1}) {
      my ($pid, $rest) = ($1, $2);
      $rest =~ s/^\)\s+=/) =/;
      $out[$slot{$pid}] = "$head{$pid}$rest\n"; delete $slot{$pid}; next;
    }
    push @out, $_;
    END { print grep { defined } @out }' "$1"
}

# strace_join FILE: strace_joined in place.
strace_join() { strace_joined "$1" >"$1.j" && mv "$1.j" "$1"; }

# wait_for N CMD...: retry CMD every 0.1 s up to N times.
wait_for() {
  local n=$1; shift
  local i
  for ((i = 0; i < n; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# not CMD...: fails when CMD succeeds.  A bare "! CMD" on a line of its own
# never fails a test (bash's errexit ignores a negated command) unless it is
# the test's last line.
not() {
  if "$@"; then
    return 1
  fi
  return 0
}
