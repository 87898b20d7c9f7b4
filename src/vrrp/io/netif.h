#pragma once
// Interface facts for the VRRP adapter: index, MAC, primary addresses, up/running, and the
// VRRP virtual MAC macvlan (use_vmac).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/address.h"
#include "common/result.h"

namespace lvsd::vrrp::io {

using Mac = std::array<uint8_t, 6>;

/// @return the interface index, 0 when absent.
int ifIndex(const std::string& ifname);
/// @return the hardware address of @p ifname.
std::optional<Mac> ifMac(const std::string& ifname);
/// @return whether @p ifname exists and is administratively up with carrier (IFF_UP|IFF_RUNNING).
bool ifUp(const std::string& ifname);
/// @return the first IPv4 address, or for IPv6 the link-local address, of @p ifname.
std::optional<IpAddress> ifPrimaryAddress(const std::string& ifname, Family family);

/// 00-00-5E-00-01-{VRID} (IPv4) / 00-00-5E-00-02-{VRID} (IPv6), RFC 5798 §7.3.
Mac virtualMac(Family family, uint8_t vrid);

/// Creates (or re-uses) a macvlan @p name on @p base in private mode with @p mac, and sets it up.
Result<void> createVmac(const std::string& base, const std::string& name, const Mac& mac);
/// Deletes the macvlan @p name (absent counts as success).
Result<void> deleteVmac(const std::string& name);

std::string macToString(const Mac& mac);

}  // namespace lvsd::vrrp::io
