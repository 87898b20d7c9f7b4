#include "common/bytes.h"

#include <gtest/gtest.h>

namespace lvsd {
namespace {

TEST(Bytes, RoundTrip) {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  w.u8(0x21);
  w.u16(0xbeef);
  w.u32(0x01020304);
  w.patchU16(1, 0x1234);
  ByteReader r(buf);
  EXPECT_EQ(r.u8(), 0x21);
  EXPECT_EQ(r.u16(), 0x1234);
  EXPECT_EQ(r.u32(), 0x01020304u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Bytes, ShortReadFailsAndStaysFailed) {
  const std::vector<uint8_t> buf{1, 2, 3};
  ByteReader r(buf);
  EXPECT_EQ(r.u16(), 0x0102);
  EXPECT_EQ(r.u16(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u8(), 0);  // the remaining byte is not handed out after a failure
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.bytes(1).empty());
}

}  // namespace
}  // namespace lvsd
