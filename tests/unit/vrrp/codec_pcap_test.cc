// Every advert captured from real keepalived (v2, v3, 100 ms, unicast, password auth, IPv6)
// decodes to the values tshark printed for it and re-encodes byte-identical.
#include <gtest/gtest.h>

#include <algorithm>

#include "pcap_reader.h"
#include "vrrp/codec/codec.h"

namespace lvsd::vrrp {
namespace {

using testing::IpPacket;
using testing::TsharkVrrp;

const std::filesystem::path kDir = LVSD_VRRP_PCAP_DIR;

struct PcapCase {
  const char* name;
  uint8_t version;
  Family family;
  size_t addresses;
};

class PcapVectors : public ::testing::TestWithParam<PcapCase> {};

DecodeOptions optionsFor(const TsharkVrrp& t) {
  DecodeOptions o;
  o.version = static_cast<uint8_t>(t.version);
  o.vrid = static_cast<uint8_t>(t.vrid);
  std::vector<IpAddress> addrs;
  for (const auto& s : t.addresses) {
    addrs.push_back(*IpAddress::parse(s));
  }
  o.expectedAddresses = addrs;
  if (t.version == 2) {
    o.v2AdverIntSec = static_cast<uint8_t>(t.adverInt);
    o.v2AuthType = static_cast<V2AuthType>(t.authType);
    std::copy(t.authString.begin(), t.authString.end(), o.v2Password.begin());
  }
  return o;
}

TEST_P(PcapVectors, DecodeMatchesTsharkAndReencodesIdentically) {
  const PcapCase& c = GetParam();
  const auto packets = testing::readPcap(kDir / (std::string(c.name) + ".pcap"));
  ASSERT_TRUE(packets.has_value()) << c.name;
  const auto decodes = testing::readTsharkDecode(kDir / (std::string(c.name) + ".txt"));

  std::vector<const IpPacket*> vrrp;
  for (const auto& p : *packets) {
    if (p.protocol == kIpProtoVrrp) {
      vrrp.push_back(&p);
    }
  }
  ASSERT_FALSE(vrrp.empty());
  ASSERT_EQ(vrrp.size(), decodes.size()) << "pcap and tshark decode disagree on VRRP frames";

  for (size_t i = 0; i < vrrp.size(); ++i) {
    const IpPacket& p = *vrrp[i];
    const TsharkVrrp& t = decodes[i];
    SCOPED_TRACE(std::string(c.name) + " frame " + std::to_string(p.frameNumber));
    ASSERT_EQ(p.frameNumber, t.frameNumber);
    EXPECT_EQ(p.src.family(), c.family);
    EXPECT_EQ(t.ttl, 255);
    EXPECT_EQ(p.ttl, t.ttl);

    const RxMeta meta{p.src, p.dst, p.ttl};
    const auto a = decode(p.payload, meta, optionsFor(t));
    ASSERT_TRUE(a.has_value()) << rejectReasonName(a.error());
    EXPECT_EQ(a->version, t.version);
    EXPECT_EQ(a->version, c.version);
    EXPECT_EQ(a->type, t.type);
    EXPECT_EQ(a->vrid, t.vrid);
    EXPECT_EQ(a->priority, t.priority);
    EXPECT_EQ(a->addresses.size(), static_cast<size_t>(t.addrCount));
    EXPECT_EQ(a->addresses.size(), c.addresses);
    EXPECT_EQ(a->adverInt, t.adverInt);
    EXPECT_EQ(a->checksum, t.checksum);
    ASSERT_EQ(a->addresses.size(), t.addresses.size());
    for (size_t k = 0; k < t.addresses.size(); ++k) {
      EXPECT_EQ(a->addresses[k].toString(), t.addresses[k]);
    }
    if (t.version == 2) {
      EXPECT_EQ(static_cast<int>(a->authType), t.authType);
      const std::string pass(a->authData.begin(),
                             std::find(a->authData.begin(), a->authData.end(), 0));
      EXPECT_EQ(pass, t.authString);
    }
    EXPECT_FALSE(a->trailer.has_value());

    const auto again = encode(*a, p.src, p.dst);
    EXPECT_EQ(again, p.payload);
  }
}

INSTANTIATE_TEST_SUITE_P(Keepalived, PcapVectors,
                         ::testing::Values(PcapCase{"vrrp-v2-multicast", 2, Family::V4, 1},
                                           PcapCase{"vrrp-v2-unicast", 2, Family::V4, 1},
                                           PcapCase{"vrrp-v2-auth-pass", 2, Family::V4, 2},
                                           PcapCase{"vrrp-v3-multicast", 3, Family::V4, 1},
                                           PcapCase{"vrrp-v3-unicast", 3, Family::V4, 1},
                                           PcapCase{"vrrp-v3-100ms", 3, Family::V4, 1},
                                           PcapCase{"vrrp-v3-ipv6", 3, Family::V6, 1}),
                         [](const auto& p) {
                           std::string n = p.param.name;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(PcapVectors, V3Ipv4UsesThePseudoHeaderChecksum) {
  // keepalived's default: RFC 5798 checksum; the message-only variant must not validate it.
  const auto packets = testing::readPcap(kDir / "vrrp-v3-multicast.pcap");
  ASSERT_TRUE(packets.has_value());
  const auto it = std::find_if(packets->begin(), packets->end(),
                               [](const IpPacket& p) { return p.protocol == kIpProtoVrrp; });
  ASSERT_NE(it, packets->end());
  DecodeOptions o;
  o.vrid = 51;
  const RxMeta meta{it->src, it->dst, it->ttl};
  EXPECT_TRUE(decode(it->payload, meta, o).has_value());
  o.checksumMode = ChecksumMode::NoPseudoHeader;
  const auto r = decode(it->payload, meta, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), RejectReason::BadChecksum);
  o.checksumMode = ChecksumMode::AcceptEither;
  EXPECT_TRUE(decode(it->payload, meta, o).has_value());
}

}  // namespace
}  // namespace lvsd::vrrp
