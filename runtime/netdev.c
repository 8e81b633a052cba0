#include "netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "namespaces.h"
#include "util.h"

struct nl_req {
  struct nlmsghdr nh;
  union {
    struct ifinfomsg ifi;
    struct ifaddrmsg ifa;
  };
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

static void link_req(struct nl_req *r, int index, unsigned short flags) {
  memset(r, 0, sizeof(*r));
  r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  r->nh.nlmsg_type = RTM_NEWLINK;
  r->nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
  r->ifi.ifi_family = AF_UNSPEC;
  r->ifi.ifi_index = index;
}

/* An address to give back to a device once it has moved: the spec keeps
 * its permanent global ones (IFA_F_PERMANENT, RT_SCOPE_UNIVERSE). */
struct kept_addr {
  int index; /* the device's index on the host */
  unsigned char family, prefixlen;
  unsigned char local[16], address[16], broadcast[4];
  unsigned char has; /* 1 local, 2 address, 4 broadcast */
};

struct kept {
  struct kept_addr *a;
  size_t n;
};

static void keep_one(struct kept *k, const struct nlmsghdr *nh,
                     const int *indexes, size_t n_indexes) {
  const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
  int len = (int)IFA_PAYLOAD(nh);
  uint32_t flags = ifa->ifa_flags;
  size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
  struct kept_addr a = {.index = (int)ifa->ifa_index,
                        .family = ifa->ifa_family,
                        .prefixlen = ifa->ifa_prefixlen};
  bool ours = false;
  for (size_t i = 0; i < n_indexes; i++)
    ours = ours || indexes[i] == (int)ifa->ifa_index;
  if (!ours || ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
      (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
    return;
  for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len);
       rta = RTA_NEXT(rta, len)) {
    size_t l = RTA_PAYLOAD(rta);
    if (rta->rta_type == IFA_FLAGS && l >= sizeof(uint32_t))
      memcpy(&flags, RTA_DATA(rta), sizeof(uint32_t));
    else if (rta->rta_type == IFA_LOCAL && l == alen)
      memcpy(a.local, RTA_DATA(rta), alen), a.has |= 1;
    else if (rta->rta_type == IFA_ADDRESS && l == alen)
      memcpy(a.address, RTA_DATA(rta), alen), a.has |= 2;
    else if (rta->rta_type == IFA_BROADCAST && l == 4 && alen == 4)
      memcpy(a.broadcast, RTA_DATA(rta), 4), a.has |= 4;
  }
  if (!(flags & IFA_F_PERMANENT) || !(a.has & 3))
    return;
  k->a = xrealloc(k->a, (k->n + 1) * sizeof(*k->a));
  k->a[k->n++] = a;
}

/* A dump request of type (RTM_GETADDR, RTM_GETLINK) on sock; fn sees each
 * answer of type want.  A datagram cut short or a dump the kernel says
 * changed meanwhile fails it: nothing may be missed. */
static int nl_dump(int sock, unsigned short type, unsigned short want,
                   void (*fn)(void *ctx, const struct nlmsghdr *nh), void *ctx,
                   const char *what, struct brig_error *err) {
  static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
  struct nl_req r;
  memset(&r, 0, sizeof(r));
  r.nh.nlmsg_len = NLMSG_LENGTH(type == RTM_GETADDR ? sizeof(struct ifaddrmsg)
                                                    : sizeof(struct ifinfomsg));
  r.nh.nlmsg_type = type;
  r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  if (send(sock, &r, r.nh.nlmsg_len, 0) < 0)
    return brig_err(err, errno, "netDevices: %s", what);
  for (;;) {
    struct iovec iov = {buf, sizeof(buf)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = recvmsg(sock, &mh, 0);
    if (n < 0)
      return brig_err(err, errno, "netDevices: %s", what);
    if (mh.msg_flags & MSG_TRUNC)
      return brig_err(err, EMSGSIZE, "netDevices: %s", what);
    for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
         nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
        return brig_err(err, EAGAIN, "netDevices: %s: changed meanwhile", what);
      if (nh->nlmsg_type == NLMSG_DONE)
        return 0;
      if (nh->nlmsg_type == NLMSG_ERROR)
        return brig_err(err, -((struct nlmsgerr *)NLMSG_DATA(nh))->error,
                        "netDevices: %s", what);
      if (nh->nlmsg_type == want)
        fn(ctx, nh);
    }
  }
}

struct keep_ctx {
  struct kept *k;
  const int *indexes;
  size_t n;
};

static void keep_cb(void *ctx, const struct nlmsghdr *nh) {
  struct keep_ctx *c = ctx;
  keep_one(c->k, nh, c->indexes, c->n);
}

/* The permanent global addresses of the devices with these indexes. */
static int keep_addrs(int sock, const int *indexes, size_t n_indexes,
                      struct kept *k, struct brig_error *err) {
  struct keep_ctx c = {k, indexes, n_indexes};
  return nl_dump(sock, RTM_GETADDR, RTM_NEWADDR, keep_cb, &c,
                 "list the addresses", err);
}

struct links {
  int *index;
  size_t n;
};

static void link_cb(void *ctx, const struct nlmsghdr *nh) {
  struct links *l = ctx;
  const struct ifinfomsg *ifi = NLMSG_DATA(nh);
  l->index = xrealloc(l->index, (l->n + 1) * sizeof(*l->index));
  l->index[l->n++] = ifi->ifi_index;
}

static bool links_have(const struct links *l, int index) {
  for (size_t i = 0; i < l->n; i++)
    if (l->index[i] == index)
      return true;
  return false;
}

/* Whether sock's namespace has a device of that name. */
static bool link_named(int sock, const char *name) {
  struct nl_req r;
  memset(&r, 0, sizeof(r));
  r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  r.nh.nlmsg_type = RTM_GETLINK;
  r.nh.nlmsg_flags = NLM_F_REQUEST; /* no ack: one answer, nothing left */
  r.ifi.ifi_family = AF_UNSPEC;
  add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  /* the device's RTM_NEWLINK (nl_transact's EPROTO), or an error */
  return nl_transact(sock, &r) == -EPROTO;
}

static int move_one(int sock, const struct spec_net_device *d, int index,
                    int nsfd, struct brig_error *err) {
  const char *name = d->name && *d->name ? d->name : d->host_name;
  struct nl_req r;
  link_req(&r, index, 0);
  add_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
  add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
  int ret = nl_transact(sock, &r);
  if (ret < 0)
    return brig_err(err, -ret,
                    "netDevices: move \"%s\" into the container "
                    "as \"%s\"",
                    d->host_name, name);
  return 0;
}

/* In the container's namespace (sock is there): the device, at index
 * there (host_index on the host, where its addresses were kept), gets
 * its addresses back and is brought up. */
static int settle_one(int sock, const struct spec_net_device *d, int index,
                      int host_index, const struct kept *k,
                      struct brig_error *err) {
  const char *name = d->name && *d->name ? d->name : d->host_name;
  struct nl_req r;
  int ret;
  link_req(&r, index, 0);
  r.ifi.ifi_flags = IFF_UP;
  r.ifi.ifi_change = IFF_UP;
  ret = nl_transact(sock, &r);
  if (ret < 0)
    return brig_err(err, -ret, "netDevices: bring \"%s\" up in the container",
                    name);
  for (size_t i = 0; i < k->n; i++) {
    const struct kept_addr *a = &k->a[i];
    size_t alen = a->family == AF_INET ? 4 : 16;
    if (a->index != host_index)
      continue;
    memset(&r, 0, sizeof(r));
    r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    r.nh.nlmsg_type = RTM_NEWADDR;
    r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    r.ifa.ifa_family = a->family;
    r.ifa.ifa_prefixlen = a->prefixlen;
    r.ifa.ifa_flags = IFA_F_PERMANENT;
    r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
    r.ifa.ifa_index = (unsigned)index;
    if (a->has & 1)
      add_attr(&r, IFA_LOCAL, a->local, alen);
    if (a->has & 2)
      add_attr(&r, IFA_ADDRESS, a->address, alen);
    if (a->has & 4)
      add_attr(&r, IFA_BROADCAST, a->broadcast, 4);
    ret = nl_transact(sock, &r);
    if (ret < 0 && ret != -EEXIST) {
      char text[64];
      inet_ntop(a->family, (a->has & 1) ? a->local : a->address, text,
                sizeof(text));
      return brig_err(err, -ret, "netDevices: give \"%s\" its address %s/%u",
                      name, text, a->prefixlen);
    }
  }
  return 0;
}

/* A name the kernel takes for a device (dev_valid_name). */
static bool name_valid(const char *name) {
  if (*name == '\0' || strlen(name) >= IFNAMSIZ || strcmp(name, ".") == 0 ||
      strcmp(name, "..") == 0)
    return false;
  for (const char *c = name; *c; c++)
    if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
      return false;
  return true;
}

/* Every device there, every name valid, new in the container and unique,
 * before any moves: a device moved into a namespace that then goes away
 * is gone (a virtual one) or back on the host under another name, and
 * one moved into a pod's namespace stays there. */
static int check_all(const struct spec_linux *l, int inside, int *indexes,
                     struct brig_error *err) {
  for (size_t i = 0; i < l->n_net_devices; i++) {
    const struct spec_net_device *d = &l->net_devices[i];
    const char *name = d->name && *d->name ? d->name : d->host_name;
    indexes[i] = (int)if_nametoindex(d->host_name);
    if (indexes[i] == 0)
      return brig_err(err, errno, "netDevices: host device \"%s\"",
                      d->host_name);
    if (!name_valid(name))
      return brig_err(err, EINVAL, "netDevices: \"%s\": not a device name",
                      name);
    for (size_t j = 0; j < i; j++) {
      const struct spec_net_device *e = &l->net_devices[j];
      if (indexes[j] == indexes[i])
        return brig_err(err, EEXIST, "netDevices: \"%s\" given twice",
                        d->host_name);
      if (strchr(name, '%') == NULL &&
          strcmp(name, e->name && *e->name ? e->name : e->host_name) == 0)
        return brig_err(err, EEXIST,
                        "netDevices: \"%s\" and \"%s\" both named \"%s\"",
                        e->host_name, d->host_name, name);
    }
    /* a template ("eth%d"): the kernel picks a free name */
    if (strchr(name, '%') == NULL && link_named(inside, name))
      return brig_err(err, EEXIST,
                      "netDevices: \"%s\": the container already has \"%s\"",
                      d->host_name, name);
  }
  return 0;
}

/* A netlink socket in the network namespace nsfd (a socket stays in the
 * namespace it was made in). */
static int socket_in(int nsfd, struct brig_error *err) {
  _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int sock = -1;
  if (self < 0)
    return brig_err(err, errno, "open /proc/self/ns/net");
  if (setns(nsfd, CLONE_NEWNET) < 0)
    return brig_err(err, errno,
                    "netDevices: enter the container's network "
                    "namespace");
  sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int e = errno;
  if (setns(self, CLONE_NEWNET) < 0)
    abort(); /* brig would go on in the container's namespace */
  if (sock < 0)
    return brig_err(err, e, "netlink socket");
  return sock;
}

int netdev_move_all(const struct spec_linux *l, pid_t pid,
                    struct brig_error *err) {
  char path[64];
  _cleanup_close_ int nsfd = -1, sock = -1, inside = -1;
  _cleanup_free_ int *indexes = NULL, *there = NULL;
  struct kept k = {0};
  struct links seen = {0};
  int ret = -1;

  if (l == NULL || l->n_net_devices == 0)
    return 0;
  /* a network namespace joined by path: the init joins it later */
  const struct spec_namespace *net = ns_find(l, SPEC_NS_NETWORK);
  const char *where = path;
  if (net != NULL && net->path != NULL && *net->path != '\0')
    where = net->path;
  else
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
  nsfd = open(where, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    return brig_err(err, errno, "open %s", where);
  sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (sock < 0)
    return brig_err(err, errno, "netlink socket");
  inside = socket_in(nsfd, err);
  if (inside < 0)
    return -1;
  indexes = xcalloc(l->n_net_devices, sizeof(*indexes));
  there = xcalloc(l->n_net_devices, sizeof(*there));
  if (check_all(l, inside, indexes, err) < 0 ||
      keep_addrs(sock, indexes, l->n_net_devices, &k, err) < 0 ||
      nl_dump(inside, RTM_GETLINK, RTM_NEWLINK, link_cb, &seen,
              "list the container's devices", err) < 0)
    goto out;
  /* each moved device is the one new link there (its index changes when
   * its own is taken in the container's namespace) */
  for (size_t i = 0; i < l->n_net_devices; i++) {
    struct links now = {0};
    if (move_one(sock, &l->net_devices[i], indexes[i], nsfd, err) < 0 ||
        nl_dump(inside, RTM_GETLINK, RTM_NEWLINK, link_cb, &now,
                "list the container's devices", err) < 0) {
      free(now.index);
      goto out;
    }
    for (size_t j = 0; j < now.n && there[i] == 0; j++)
      if (!links_have(&seen, now.index[j]))
        there[i] = now.index[j];
    free(seen.index);
    seen = now;
    if (there[i] == 0) {
      brig_err(err, ENODEV, "netDevices: \"%s\" not found in the container",
               l->net_devices[i].host_name);
      goto out;
    }
  }
  for (size_t i = 0; i < l->n_net_devices; i++)
    if (settle_one(inside, &l->net_devices[i], there[i], indexes[i], &k, err) <
        0)
      goto out;
  ret = 0;
out:
  free(seen.index);
  free(k.a);
  return ret;
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
