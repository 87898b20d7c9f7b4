#include "check/core/agent_reply.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

TEST(AgentReply, HealthWords) {
  EXPECT_EQ(parseAgentReply("up\n").verdict, Verdict::Up);
  EXPECT_EQ(parseAgentReply("down\n").verdict, Verdict::Down);
  EXPECT_EQ(parseAgentReply("fail\n").verdict, Verdict::Down);
  EXPECT_EQ(parseAgentReply("STOPPED\r\n").verdict, Verdict::Down);
  EXPECT_EQ(parseAgentReply("75%\n").verdict, Verdict::NoChange);
}

TEST(AgentReply, CombinedWordsWithMixedSeparators) {
  const Outcome o = parseAgentReply("up, 75%\tmaxconn:30 drain\n");
  EXPECT_EQ(o.verdict, Verdict::Up);
  EXPECT_EQ(o.weightPercent, 75U);
  EXPECT_EQ(o.maxconn, 30U);
  EXPECT_EQ(o.admin, Admin::Drain);
  EXPECT_EQ(parseAgentReply("maint").admin, Admin::Maint);
  EXPECT_EQ(parseAgentReply("ready").admin, Admin::Ready);
}

TEST(AgentReply, DescriptionAfterSharp) {
  const Outcome o = parseAgentReply("down#disk full, sorry\n");
  EXPECT_EQ(o.verdict, Verdict::Down);
  EXPECT_NE(o.reason.find("disk full, sorry"), std::string::npos);
}

TEST(AgentReply, OnlyFirstLineAndUnknownWordsIgnored) {
  const Outcome o = parseAgentReply("bogus 50%\ndown\n");
  EXPECT_EQ(o.verdict, Verdict::NoChange);
  EXPECT_EQ(o.weightPercent, 50U);
  EXPECT_NE(o.reason.find("ignored: bogus"), std::string::npos);
}

TEST(AgentReply, MalformedNumbersAreIgnored) {
  EXPECT_FALSE(parseAgentReply("x%").weightPercent);
  EXPECT_FALSE(parseAgentReply("%").weightPercent);
  EXPECT_FALSE(parseAgentReply("99999999%").weightPercent);
  EXPECT_FALSE(parseAgentReply("maxconn:").maxconn);
  EXPECT_FALSE(parseAgentReply("maxconn:-1").maxconn);
}

TEST(AgentReply, NoProtocolWordIsDown) {
  const Outcome o = parseAgentReply(std::string("\x00\xff garbage", 11));
  EXPECT_EQ(o.verdict, Verdict::Down);
  EXPECT_EQ(o.reason, "agent: unrecognised reply");
}

TEST(AgentReply, EmptyIsDown) {
  EXPECT_EQ(parseAgentReply("").verdict, Verdict::Down);
  EXPECT_EQ(parseAgentReply("\n").verdict, Verdict::Down);
  EXPECT_EQ(parseAgentReply(" ,\t\n").verdict, Verdict::Down);
}

}  // namespace
}  // namespace lvsd::check
