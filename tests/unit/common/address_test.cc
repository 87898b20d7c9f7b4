#include "common/address.h"

#include <gtest/gtest.h>

namespace lvsd {
namespace {

TEST(IpAddress, ParsesAndFormatsV4) {
  auto a = IpAddress::parse("10.0.0.100");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->isV4());
  EXPECT_EQ(a->v4HostOrder(), 0x0a000064u);
  EXPECT_EQ(a->toString(), "10.0.0.100");
  EXPECT_EQ(formatEndpoint(*a, 80), "10.0.0.100:80");
}

TEST(IpAddress, ParsesAndFormatsV6) {
  auto a = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->isV6());
  EXPECT_EQ(a->toString(), "2001:db8::1");
  EXPECT_EQ(formatEndpoint(*a, 443), "[2001:db8::1]:443");
  EXPECT_TRUE(IpAddress::parse("fe80::1")->isLinkLocalV6());
  EXPECT_TRUE(IpAddress::parse("ff02::12")->isMulticast());
  EXPECT_TRUE(IpAddress::parse("224.0.0.18")->isMulticast());
}

TEST(IpAddress, RejectsGarbage) {
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("10.0.0.256"));
  EXPECT_FALSE(IpAddress::parse("10.0.0"));
  EXPECT_FALSE(IpAddress::parse("2001:db8:::1"));
  EXPECT_FALSE(IpAddress::parse("host.example"));
}

}  // namespace
}  // namespace lvsd
