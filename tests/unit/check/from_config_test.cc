// Config -> probe specs: bind_address reaches every network probe (UDP, DNS, ICMP here; TCP,
// agent and HTTP are covered in pool_test.cc), and a changed source is a changed plan.
#include "check/config/from_config.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

config::VirtualServer oneServer() {
  config::VirtualServer vs;
  vs.name = "dns";
  vs.endpoint = config::Endpoint{ip("10.0.0.1"), 53};
  vs.scheduler = "wrr";
  vs.delay_loop = std::chrono::seconds(1);
  config::RealServer rs;
  rs.endpoint = config::Endpoint{ip("10.0.1.1"), 53};
  rs.weight = 1;
  vs.real_servers.push_back(rs);
  return vs;
}

TEST(CheckFromConfig, BindAddressIsTheSourceOfUdpDnsAndIcmpProbes) {
  const config::Global g;
  const config::VirtualServer vs = oneServer();
  const auto& rs = vs.real_servers[0];
  config::Check c;
  c.rise = 1;
  c.fall = 1;
  c.dns.name = "www.example.com";
  c.dns.type = "A";
  for (auto type : {config::CheckType::Udp, config::CheckType::Dns, config::CheckType::Icmp}) {
    c.type = type;
    c.bind_address.reset();
    const CheckPlan unbound = planCheck(g, vs, rs, c);
    c.bind_address = ip("10.0.9.9");
    const CheckPlan bound = planCheck(g, vs, rs, c);
    EXPECT_FALSE(samePlan(unbound, bound)) << unbound.summary;
    std::optional<IpAddress> before, after;
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, UdpSpec> || std::is_same_v<S, DnsSpec> ||
                        std::is_same_v<S, IcmpSpec>) {
            before = s.source;
          } else {
            ADD_FAILURE() << "unexpected spec for " << unbound.summary;
          }
        },
        unbound.spec);
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, UdpSpec> || std::is_same_v<S, DnsSpec> ||
                        std::is_same_v<S, IcmpSpec>) {
            after = s.source;
          }
        },
        bound.spec);
    EXPECT_FALSE(before.has_value()) << unbound.summary;
    EXPECT_EQ(after, ip("10.0.9.9")) << bound.summary;
  }
  // IPv6 source for an IPv6 target.
  c.type = config::CheckType::Icmp;
  c.connect_address = ip("2001:db8::1");
  c.bind_address = ip("2001:db8::99");
  const auto spec = std::get<IcmpSpec>(planCheck(g, vs, rs, c).spec);
  EXPECT_EQ(spec.address, ip("2001:db8::1"));
  EXPECT_EQ(spec.source, ip("2001:db8::99"));
}

}  // namespace
}  // namespace lvsd::check
