#include "vrrp/io/vip.h"

#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <sys/socket.h>

#include <cstring>

namespace lvsd::vrrp::io {

struct VipManager::Impl {
  nl_sock* sock = nullptr;
};

VipManager::VipManager() : impl_(std::make_unique<Impl>()) {}

VipManager::~VipManager() {
  if (impl_->sock != nullptr) {
    nl_socket_free(impl_->sock);
  }
}

Result<void> VipManager::change(const Vip& vip, bool add) {
  if (impl_->sock == nullptr) {
    impl_->sock = nl_socket_alloc();
    if (impl_->sock == nullptr) {
      return fail("nl_socket_alloc failed");
    }
    if (const int err = nl_connect(impl_->sock, NETLINK_ROUTE); err < 0) {
      nl_socket_free(impl_->sock);
      impl_->sock = nullptr;
      return fail(std::string("netlink connect: ") + nl_geterror(err));
    }
  }
  const int ifindex = static_cast<int>(::if_nametoindex(vip.dev.c_str()));
  if (ifindex == 0) {
    return fail("VIP " + vip.address.toString() + ": no interface " + vip.dev);
  }
  const int af = vip.address.isV4() ? AF_INET : AF_INET6;
  rtnl_addr* addr = rtnl_addr_alloc();
  nl_addr* local = nl_addr_build(af, vip.address.bytes().data(), vip.address.size());
  if (addr == nullptr || local == nullptr) {
    rtnl_addr_put(addr);
    nl_addr_put(local);
    return fail("out of memory");
  }
  nl_addr_set_prefixlen(local, vip.prefixLen);
  rtnl_addr_set_ifindex(addr, ifindex);
  rtnl_addr_set_family(addr, af);
  rtnl_addr_set_local(addr, local);
  rtnl_addr_set_prefixlen(addr, vip.prefixLen);
  if (add) {
    if (vip.address.isV4() && !vip.label.empty()) {
      rtnl_addr_set_label(addr, vip.label.c_str());
    }
    rtnl_addr_set_scope(addr, vip.address.isLinkLocalV6() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
    if (vip.address.isV6()) {
      rtnl_addr_set_flags(addr, IFA_F_NODAD);
    }
  }
  const int err =
      add ? rtnl_addr_add(impl_->sock, addr, 0) : rtnl_addr_delete(impl_->sock, addr, 0);
  rtnl_addr_put(addr);
  nl_addr_put(local);
  if (err < 0) {
    if (add && err == -NLE_EXIST) {
      return {};
    }
    if (!add && (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)) {
      return {};
    }
    return fail(std::string(add ? "add " : "remove ") + vip.address.toString() + "/" +
                std::to_string(vip.prefixLen) + " on " + vip.dev + ": " + nl_geterror(err));
  }
  return {};
}

Result<void> VipManager::add(const Vip& vip) { return change(vip, true); }
Result<void> VipManager::remove(const Vip& vip) { return change(vip, false); }

bool VipManager::present(const Vip& vip) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    return false;
  }
  bool found = false;
  for (ifaddrs* a = list; a != nullptr && !found; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || vip.dev != a->ifa_name) {
      continue;
    }
    if (a->ifa_addr->sa_family == AF_INET && vip.address.isV4()) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      found = std::memcmp(&sin->sin_addr, vip.address.bytes().data(), 4) == 0;
    } else if (a->ifa_addr->sa_family == AF_INET6 && vip.address.isV6()) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
      found = std::memcmp(&sin6->sin6_addr, vip.address.bytes().data(), 16) == 0;
    }
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace lvsd::vrrp::io
