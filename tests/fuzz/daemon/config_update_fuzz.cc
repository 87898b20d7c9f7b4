// Fuzzes the config update a child applies (daemon/config_codec.h): any bytes must be rejected
// or applied without crashing, a rejected update leaves the base untouched, and an applied one
// re-encodes to an update that rebuilds the same config (the same bytes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/config_codec.h"

namespace {

lvsd::config::Config base() {
  using namespace lvsd::config;
  Config c;
  c.global.router_id = "lb1";
  VirtualServer vs;
  vs.name = "web";
  vs.endpoint = Endpoint{lvsd::IpAddress::v4(0x0a000001), 80};
  RealServer rs;
  rs.endpoint = Endpoint{lvsd::IpAddress::v4(0x0a000102), 80};
  rs.checks.emplace_back().type = CheckType::Http;
  vs.real_servers.push_back(rs);
  c.virtual_servers.push_back(vs);
  vs.name = "dns";
  vs.protocol = Protocol::Udp;
  c.virtual_servers.push_back(vs);
  c.vrrp_instances.emplace_back().name = "VI_1";
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lvsd::config::Config kBase = base();
  lvsd::config::Config c = kBase;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = lvsd::daemon::applyUpdate(c, in);
  if (!r) {
    if (!(c == kBase)) {
      std::abort();  // a rejected update must change nothing
    }
    return 0;
  }
  lvsd::config::Config again = kBase;
  if (!lvsd::daemon::applyUpdate(again, lvsd::daemon::makeUpdate(kBase, c).payload)) {
    std::abort();
  }
  // Compared as encodings, byte for byte: a decoded double may be NaN (never in a validated
  // config), which operator== never finds equal to itself.
  const lvsd::config::Config empty;
  if (lvsd::daemon::makeUpdate(empty, again).payload !=
      lvsd::daemon::makeUpdate(empty, c).payload) {
    std::abort();
  }
  return 0;
}
