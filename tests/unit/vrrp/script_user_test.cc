// Script user choice (keepalived's rule): a missing default falls back to "nobody"; a missing
// configured user is an error naming it; "" keeps the daemon's user.
#include "vrrp/track/script_user.h"

#include <gtest/gtest.h>

#include <set>

namespace lvsd::vrrp::track {
namespace {

std::function<bool(const std::string&)> accounts(std::set<std::string> names) {
  return [names = std::move(names)](const std::string& n) { return names.count(n) > 0; };
}

TEST(ScriptUser, ExistingDefaultIsUsed) {
  auto p = pickScriptUser("lvsd_script", accounts({"lvsd_script", "nobody"}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user, "lvsd_script");
  EXPECT_FALSE(p->fellBack);
}

TEST(ScriptUser, MissingDefaultFallsBackToNobody) {
  auto p = pickScriptUser("lvsd_script", accounts({"nobody"}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user, "nobody");
  EXPECT_TRUE(p->fellBack);
}

TEST(ScriptUser, MissingDefaultAndNobodyIsAnErrorNamingBoth) {
  auto p = pickScriptUser("lvsd_script", accounts({}));
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("lvsd_script"), std::string::npos);
  EXPECT_NE(p.error().message.find("nobody"), std::string::npos);
}

TEST(ScriptUser, MissingConfiguredUserIsAnErrorWithoutFallback) {
  auto p = pickScriptUser("alice", accounts({"nobody"}));
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("\"alice\""), std::string::npos);
}

TEST(ScriptUser, ConfiguredUserCreatedLaterIsPickedUp) {
  std::set<std::string> names{"nobody"};
  auto exists = [&names](const std::string& n) { return names.count(n) > 0; };
  EXPECT_FALSE(pickScriptUser("alice", exists));
  names.insert("alice");
  auto p = pickScriptUser("alice", exists);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user, "alice");
}

TEST(ScriptUser, EmptyKeepsDaemonUser) {
  auto p = pickScriptUser("", accounts({}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user, "");
  EXPECT_FALSE(p->fellBack);
}

}  // namespace
}  // namespace lvsd::vrrp::track
