@test "smoke" {
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}
