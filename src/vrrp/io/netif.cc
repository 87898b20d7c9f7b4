#include "vrrp/io/netif.h"

#include <ifaddrs.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <utility>

namespace lvsd::vrrp::io {

int ifIndex(const std::string& ifname) {
  return static_cast<int>(::if_nametoindex(ifname.c_str()));
}

namespace {

bool ifreqCall(const std::string& ifname, unsigned long req, ifreq& ifr) {
  if (ifname.size() >= IFNAMSIZ) {
    return false;
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  std::memset(&ifr, 0, sizeof(ifr));
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  const bool ok = ::ioctl(fd, req, &ifr) == 0;
  ::close(fd);
  return ok;
}

struct NlSock {
  nl_sock* s = nullptr;
  NlSock() {
    s = nl_socket_alloc();
    if (s != nullptr && nl_connect(s, NETLINK_ROUTE) < 0) {
      nl_socket_free(s);
      s = nullptr;
    }
  }
  ~NlSock() {
    if (s != nullptr) {
      nl_socket_free(s);
    }
  }
  NlSock(const NlSock&) = delete;
  NlSock& operator=(const NlSock&) = delete;
};

}  // namespace

std::optional<Mac> ifMac(const std::string& ifname) {
  ifreq ifr{};
  if (!ifreqCall(ifname, SIOCGIFHWADDR, ifr)) {
    return std::nullopt;
  }
  Mac m{};
  std::memcpy(m.data(), ifr.ifr_hwaddr.sa_data, m.size());
  return m;
}

bool ifUp(const std::string& ifname) {
  ifreq ifr{};
  if (!ifreqCall(ifname, SIOCGIFFLAGS, ifr)) {
    return false;
  }
  const auto flags = static_cast<unsigned>(ifr.ifr_flags);
  return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
}

std::optional<IpAddress> ifPrimaryAddress(const std::string& ifname, Family family) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    return std::nullopt;
  }
  std::optional<IpAddress> out;
  for (ifaddrs* a = list; a != nullptr && !out; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || ifname != a->ifa_name) {
      continue;
    }
    if (family == Family::V4 && a->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      out = IpAddress::fromBytes(Family::V4, reinterpret_cast<const uint8_t*>(&sin->sin_addr));
    } else if (family == Family::V6 && a->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
      auto addr =
          IpAddress::fromBytes(Family::V6, reinterpret_cast<const uint8_t*>(&sin6->sin6_addr));
      if (addr.isLinkLocalV6()) {
        out = addr;
      }
    }
  }
  ::freeifaddrs(list);
  return out;
}

Mac virtualMac(Family family, uint8_t vrid) {
  return Mac{0x00, 0x00, 0x5e, 0x00, static_cast<uint8_t>(family == Family::V4 ? 1 : 2), vrid};
}

std::string macToString(const Mac& mac) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

Result<void> createVmac(const std::string& base, const std::string& name, const Mac& mac) {
  const int baseIndex = ifIndex(base);
  if (baseIndex == 0) {
    return fail("vmac: no interface " + base);
  }
  NlSock sock;
  if (sock.s == nullptr) {
    return fail("vmac: netlink connect failed");
  }
  // ARP for a VIP on the macvlan must be answered by the macvlan (virtual MAC), never by the
  // base interface with its own MAC: arp_ignore=1 + arp_filter=1 on the base, and arp_announce=2
  // so the base's own ARP requests (e.g. for a reply sent from the VIP) carry the base address,
  // not the VIP. Best effort: a read-only /proc/sys only costs the client a MAC change.
  for (const auto& [key, value] : {std::pair<const char*, const char*>{"arp_ignore", "1\n"},
                                   {"arp_filter", "1\n"},
                                   {"arp_announce", "2\n"}}) {
    const std::string path = "/proc/sys/net/ipv4/conf/" + base + "/" + key;
    if (FILE* f = std::fopen(path.c_str(), "we")) {
      std::fputs(value, f);
      std::fclose(f);
    }
  }
  if (ifIndex(name) == 0) {
    rtnl_link* link = rtnl_link_macvlan_alloc();
    if (link == nullptr) {
      return fail("vmac: out of memory");
    }
    nl_addr* ll = nl_addr_build(AF_LLC, mac.data(), mac.size());
    rtnl_link_set_link(link, baseIndex);
    rtnl_link_set_name(link, name.c_str());
    rtnl_link_set_addr(link, ll);
    rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_PRIVATE);
    const int err = rtnl_link_add(sock.s, link, NLM_F_CREATE | NLM_F_EXCL);
    nl_addr_put(ll);
    rtnl_link_put(link);
    if (err < 0 && err != -NLE_EXIST) {
      return fail("vmac " + name + ": " + nl_geterror(err));
    }
  }
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link* orig = nullptr;
  if (rtnl_link_get_kernel(sock.s, 0, name.c_str(), &orig) < 0 || change == nullptr) {
    rtnl_link_put(change);
    return fail("vmac " + name + ": cannot read back");
  }
  rtnl_link_set_flags(change, IFF_UP);
  const int err = rtnl_link_change(sock.s, orig, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(orig);
  if (err < 0) {
    return fail("vmac " + name + " up: " + nl_geterror(err));
  }
  return {};
}

Result<void> deleteVmac(const std::string& name) {
  if (ifIndex(name) == 0) {
    return {};
  }
  NlSock sock;
  if (sock.s == nullptr) {
    return fail("vmac: netlink connect failed");
  }
  rtnl_link* link = rtnl_link_alloc();
  rtnl_link_set_name(link, name.c_str());
  const int err = rtnl_link_delete(sock.s, link);
  rtnl_link_put(link);
  if (err < 0 && err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND) {
    return fail("vmac " + name + " delete: " + nl_geterror(err));
  }
  return {};
}

}  // namespace lvsd::vrrp::io
