#include "config/text.h"

#include <gtest/gtest.h>

namespace lvsd::config {
namespace {

TEST(Text, Endpoint) {
  auto v4 = parseEndpoint("10.0.0.1:80");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port, 80);
  auto v6 = parseEndpoint("[2001:db8::1]:443");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address.isV6());
  EXPECT_FALSE(parseEndpoint("2001:db8::1:443"));
  EXPECT_FALSE(parseEndpoint("10.0.0.1"));
  EXPECT_FALSE(parseEndpoint("10.0.0.1:0"));
  EXPECT_FALSE(parseEndpoint("10.0.0.1:65536"));
  EXPECT_FALSE(parseEndpoint("[::1:80"));
  EXPECT_FALSE(parseEndpoint(""));
}

TEST(Text, Vip) {
  EXPECT_EQ(parseVip("10.0.0.1")->prefix_len, 32);
  EXPECT_EQ(parseVip("10.0.0.1/8")->prefix_len, 8);
  EXPECT_EQ(parseVip("fe80::1")->prefix_len, 128);
  EXPECT_FALSE(parseVip("10.0.0.1/33"));
  EXPECT_FALSE(parseVip("10.0.0.1/"));
  EXPECT_FALSE(parseVip("10.0.0.1/-1"));
}

TEST(Text, StatusRange) {
  EXPECT_EQ(*parseStatusRange("200-299"), (StatusRange{200, 299}));
  EXPECT_EQ(*parseStatusRange("404"), (StatusRange{404, 404}));
  EXPECT_FALSE(parseStatusRange("99"));
  EXPECT_FALSE(parseStatusRange("200-600"));
  EXPECT_FALSE(parseStatusRange("300-200"));
  EXPECT_FALSE(parseStatusRange("2xx"));
}

TEST(Text, HexAndNetmask) {
  EXPECT_EQ(*parseHex("00fF"), (std::vector<uint8_t>{0x00, 0xff}));
  EXPECT_FALSE(parseHex("abc"));
  EXPECT_FALSE(parseHex("zz"));
  EXPECT_EQ(*netmaskToPrefix("255.255.255.0"), 24);
  EXPECT_EQ(*netmaskToPrefix("0.0.0.0"), 0);
  EXPECT_EQ(*netmaskToPrefix("255.255.255.255"), 32);
  EXPECT_FALSE(netmaskToPrefix("255.0.255.0"));
}

TEST(Text, Names) {
  EXPECT_TRUE(isInterfaceName("eth0"));
  EXPECT_TRUE(isInterfaceName("vrrp.51"));
  EXPECT_FALSE(isInterfaceName("a-very-long-interface-name"));
  EXPECT_FALSE(isInterfaceName("eth 0"));
  EXPECT_FALSE(isInterfaceName(""));
  EXPECT_TRUE(isDnsName("."));
  EXPECT_TRUE(isDnsName("example.com."));
  EXPECT_FALSE(isDnsName("a..b"));
  EXPECT_FALSE(isDnsName(std::string(64, 'a') + ".com"));
}

}  // namespace
}  // namespace lvsd::config
