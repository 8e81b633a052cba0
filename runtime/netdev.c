#include "netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

struct nl_req {
  struct nlmsghdr nh;
  struct ifinfomsg ifi;
  char attrs[256];
};

static void add_attr(struct nl_req *r, unsigned short type, const void *data,
                     size_t len) {
  struct rtattr *rta =
      (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
  rta->rta_type = type;
  rta->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(rta), data, len);
  r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send r and read the kernel's ack: 0, or -errno. */
static int nl_transact(int sock, struct nl_req *r) {
  char buf[1024];
  ssize_t n;
  struct nlmsghdr *nh;
  if (send(sock, r, r->nh.nlmsg_len, 0) < 0)
    return -errno;
  n = recv(sock, buf, sizeof(buf), 0);
  if (n < 0)
    return -errno;
  nh = (struct nlmsghdr *)buf;
  if (!NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != NLMSG_ERROR)
    return -EPROTO;
  return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
}

static int move_one(int sock, const struct spec_net_device *d, int nsfd,
                    struct brig_error *err) {
  const char *name = d->name && *d->name ? d->name : d->host_name;
  struct nl_req r;
  unsigned int idx = if_nametoindex(d->host_name);
  int ret;

  if (idx == 0)
    return brig_err(err, errno, "netDevices: host device \"%s\"", d->host_name);
  if (strlen(name) >= IFNAMSIZ)
    return brig_err(err, 0, "netDevices: name \"%s\" is too long", name);
  memset(&r, 0, sizeof(r));
  r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  r.nh.nlmsg_type = RTM_NEWLINK;
  r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  r.ifi.ifi_family = AF_UNSPEC;
  r.ifi.ifi_index = (int)idx;
  add_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
  add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  ret = nl_transact(sock, &r);
  if (ret < 0)
    return brig_err(err, -ret,
                    "netDevices: move \"%s\" into the container "
                    "as \"%s\"",
                    d->host_name, name);
  return 0;
}

int netdev_move_all(const struct spec_linux *l, pid_t pid,
                    struct brig_error *err) {
  char path[64];
  _cleanup_close_ int nsfd = -1, sock = -1;

  if (l == NULL || l->n_net_devices == 0)
    return 0;
  snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  nsfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    return brig_err(err, errno, "open %s", path);
  sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (sock < 0)
    return brig_err(err, errno, "netlink socket");
  for (size_t i = 0; i < l->n_net_devices; i++)
    if (move_one(sock, &l->net_devices[i], nsfd, err) < 0)
      return -1;
  return 0;
}

int netdev_loopback_up(struct brig_error *err) {
  struct ifreq ifr;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e;

  if (fd < 0)
    return brig_err(err, errno, "bring up the loopback device: socket");
  memset(&ifr, 0, sizeof(ifr));
  memcpy(ifr.ifr_name, "lo", 3);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
    goto fail;
  if (!(ifr.ifr_flags & IFF_UP)) {
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
      goto fail;
  }
  close(fd);
  return 0;
fail:
  e = errno;
  close(fd);
  return brig_err(err, e, "bring up the loopback device lo");
}
