#include "check/core/dns_message.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

// A response for "www.example.com A" with a CNAME (compressed) and an A record.
std::vector<uint8_t> sampleResponse(uint16_t id, uint8_t rcode) {
  auto q = buildDnsQuery(id, "www.example.com", kDnsA);
  std::vector<uint8_t> m = q.value();
  m[2] = 0x81;  // QR, RD
  m[3] = static_cast<uint8_t>(0x80 | rcode);
  m[7] = 2;  // ANCOUNT
  // CNAME: name ptr to 12, type 5, class 1, ttl 60, rdata "web" + ptr to "example.com" (16)
  const uint8_t cname[] = {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'w', 'e', 'b', 0xC0, 16};
  m.insert(m.end(), std::begin(cname), std::end(cname));
  const uint8_t a[] = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7};
  m.insert(m.end(), std::begin(a), std::end(a));
  return m;
}

TEST(DnsMessage, QueryLayout) {
  auto q = buildDnsQuery(0x1234, "a.bc.", kDnsAaaa);
  ASSERT_TRUE(q);
  const std::vector<uint8_t> want{0x12, 0x34, 1,   0, 0,   1,   0, 0, 0,  0, 0,
                                  0,    1,    'a', 2, 'b', 'c', 0, 0, 28, 0, 1};
  EXPECT_EQ(*q, want);
  EXPECT_FALSE(buildDnsQuery(1, "a..b", kDnsA));
  EXPECT_FALSE(buildDnsQuery(1, "", kDnsA));
  EXPECT_FALSE(buildDnsQuery(1, std::string(64, 'x') + ".com", kDnsA));
}

TEST(DnsMessage, ParsesCompressedAnswers) {
  auto r = parseDnsResponse(sampleResponse(7, 0));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->questionName, "www.example.com");
  ASSERT_EQ(r->answers.size(), 2U);
  EXPECT_EQ(r->answers[0].type, kDnsCname);
  EXPECT_EQ(r->answers[0].data, "web.example.com");
  EXPECT_EQ(r->answers[1].data, "192.0.2.7");
}

TEST(DnsMessage, RejectsLoopsAndTruncation) {
  auto m = sampleResponse(7, 0);
  m[12 + 17 + 4] = 0xC0;  // first answer's name -> pointer to itself
  m[12 + 17 + 5] = static_cast<uint8_t>(12 + 17 + 4);
  EXPECT_FALSE(parseDnsResponse(m));
  auto t = sampleResponse(7, 0);
  t.resize(t.size() - 2);
  EXPECT_FALSE(parseDnsResponse(t));
  EXPECT_FALSE(parseDnsResponse(std::vector<uint8_t>{1, 2, 3}));
}

TEST(DnsMessage, Evaluate) {
  auto r = parseDnsResponse(sampleResponse(7, 0)).value();
  DnsExpect e{"WWW.example.com.", kDnsA, 0, "", {}};
  EXPECT_EQ(evaluateDns(e, 7, r).verdict, Verdict::Up);
  EXPECT_EQ(evaluateDns(e, 8, r).verdict, Verdict::Down);
  e.answer = "192.0.2.7";
  EXPECT_EQ(evaluateDns(e, 7, r).verdict, Verdict::Up);
  e.answer = "192.0.2.8";
  EXPECT_EQ(evaluateDns(e, 7, r).verdict, Verdict::Down);
  e.answer.clear();
  e.answers = {"192.0.2.7"};  // every listed answer must appear
  EXPECT_EQ(evaluateDns(e, 7, r).verdict, Verdict::Up);
  e.answers.push_back("192.0.2.9");
  EXPECT_EQ(evaluateDns(e, 7, r).verdict, Verdict::Down);
  e.answers.clear();
  auto nx = parseDnsResponse(sampleResponse(7, 3)).value();
  e.answer.clear();
  EXPECT_EQ(evaluateDns(e, 7, nx).verdict, Verdict::Down);
  e.rcode = *dnsRcodeFromName("nxdomain");
  EXPECT_EQ(evaluateDns(e, 7, nx).verdict, Verdict::Up);
  EXPECT_EQ(dnsTypeFromName("aaaa"), kDnsAaaa);
  EXPECT_FALSE(dnsTypeFromName("BOGUS"));
}

}  // namespace
}  // namespace lvsd::check
