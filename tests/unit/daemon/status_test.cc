#include "daemon/status.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "daemon/exit_status.h"

namespace lvsd::daemon {
namespace {

TEST(DescribeExit, ExitAndSignal) {
  EXPECT_EQ(describeExit(3 << 8), "exited with status 3");
  EXPECT_EQ(describeExit(0), "exited with status 0");
  EXPECT_EQ(describeExit(9), "killed by signal 9 (KILL)");
  EXPECT_EQ(describeExit(11 | 0x80), "killed by signal 11 (SEGV), core dumped");
}

TEST(BuildStatus, HasDocumentedShape) {
  DaemonInfo d;
  d.version = "0.1.0";
  d.pid = 10;
  d.uptimeSeconds = 5;
  d.configFile = "/etc/lvsd/lvsd.conf";
  d.generation = 2;
  d.vrrpInstances = 1;
  d.virtualServers = 3;
  d.children.push_back(ChildInfo{"vrrp", 11, "running", 0, "", 2, Json{{"vrrp_instances", 1}}, ""});
  d.children.push_back(ChildInfo{"checker", 0, "backoff", 2, "exited with status 1", 1, {}, ""});
  Json s = buildStatus(d);
  EXPECT_EQ(s["daemon"]["pid"], 10);
  EXPECT_EQ(s["config"]["generation"], 2);
  EXPECT_TRUE(s["last_reload"].is_null());
  ASSERT_EQ(s["children"].size(), 2u);
  EXPECT_EQ(s["children"][0]["report"]["vrrp_instances"], 1);
  EXPECT_TRUE(s["children"][0]["last_exit"].is_null());
  EXPECT_TRUE(s["children"][1]["pid"].is_null());
  EXPECT_EQ(s["children"][1]["restarts"], 2);
  EXPECT_TRUE(s["children"][0]["reload_error"].is_null());
  EXPECT_EQ(s["counts"]["virtual_servers"], 3);

  d.children[1].reloadError = "engine said no";
  d.lastReload = ReloadInfo{false, "t", 2, "/f", {"/f:3: x: bad"}};
  s = buildStatus(d);
  EXPECT_EQ(s["last_reload"]["ok"], false);
  EXPECT_EQ(s["last_reload"]["errors"][0], "/f:3: x: bad");
  EXPECT_EQ(s["children"][1]["reload_error"], "engine said no");
}

TEST(CheckResult, ListsDiagnostics) {
  Json ok = checkResultToJson("/f", {});
  EXPECT_EQ(ok["valid"], true);
  Json bad = checkResultToJson("/f", {config::Diagnostic{"/f", 4, "global", "boom"}});
  EXPECT_EQ(bad["valid"], false);
  EXPECT_EQ(bad["errors"][0], "/f:4: global: boom");
  EXPECT_EQ(bad["diagnostics"][0]["line"], 4);
}

TEST(Messages, ParentRoundTrip) {
  ParentMessage m;
  m.kind = ParentMessage::Kind::Reload;
  m.path = "/etc/lvsd/lvsd.conf";
  m.generation = 7;
  m.payload = std::string("LVC1\n\0x", 7);  // raw bytes after the line, newlines included
  const std::string wire = encode(m);
  const auto nl = wire.find('\n');
  ASSERT_NE(nl, std::string::npos);
  EXPECT_EQ(wire.substr(nl + 1), m.payload);
  auto back = parseParentMessage(wire.substr(0, nl));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, ParentMessage::Kind::Reload);
  EXPECT_EQ(back->path, m.path);
  EXPECT_EQ(back->generation, 7u);
  EXPECT_EQ(back->payloadBytes, 7u);
  ParentMessage stop;
  auto s = parseParentMessage(encode(stop));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, ParentMessage::Kind::Stop);
}

TEST(Messages, ChildRoundTrip) {
  ChildMessage r;
  r.generation = 3;
  r.status = Json{{"x", 1}};
  auto back = parseChildMessage(encode(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, ChildMessage::Kind::Report);
  EXPECT_EQ(back->status["x"], 1);
  EXPECT_EQ(back->generation, 3u);

  ChildMessage f;
  f.kind = ChildMessage::Kind::ReloadResult;
  f.ok = false;
  f.error = "nope";
  auto fb = parseChildMessage(encode(f));
  ASSERT_TRUE(fb);
  EXPECT_FALSE(fb->ok);
  EXPECT_EQ(fb->error, "nope");
}

TEST(Messages, QueryAndItsAnswer) {
  // The supervisor asks the checker for its full status; the answer is a report carrying the
  // query's id (periodic reports carry none and hold only totals).
  ParentMessage q;
  q.kind = ParentMessage::Kind::Query;
  q.query = 42;
  auto back = parseParentMessage(encode(q));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, ParentMessage::Kind::Query);
  EXPECT_EQ(back->query, 42U);
  EXPECT_FALSE(parseParentMessage(R"({"type":"query"})"));  // no id
  ChildMessage r;
  r.kind = ChildMessage::Kind::Report;
  r.generation = 3;
  r.query = 42;
  r.status = Json{{"checks", {{"reals_total", 1}}}};
  auto a = parseChildMessage(encode(r));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->query, 42U);
  EXPECT_EQ(a->status, r.status);
  r.query = 0;
  a = parseChildMessage(encode(r));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->query, 0U);
  EXPECT_EQ(encode(r).find("query"), std::string::npos);
}

TEST(Messages, RejectsGarbage) {
  EXPECT_FALSE(parseParentMessage("x"));
  EXPECT_FALSE(parseParentMessage(R"({"type":"dance"})"));
  EXPECT_FALSE(parseParentMessage(R"({"type":"reload"})"));
  EXPECT_FALSE(parseChildMessage("[]"));
  EXPECT_FALSE(parseChildMessage(R"({"type":7})"));
}

}  // namespace
}  // namespace lvsd::daemon
