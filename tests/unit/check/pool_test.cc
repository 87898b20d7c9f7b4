// Config -> check plans, and Pool + applyToDesired: one IPVS edit per changed weight.
#include "check/config/pool.h"

#include <gtest/gtest.h>

#include "check/config/from_config.h"
#include "check/config/to_ipvs.h"

namespace lvsd::check {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

MonoTime t0() { return MonoTime{} + seconds(1000); }

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

config::Check tcpCheck() {
  config::Check c;
  c.type = config::CheckType::Tcp;
  c.rise = 1;
  c.fall = 1;
  return c;
}

config::Config poolConfig(size_t reals, bool withChecks = true) {
  config::Config c;
  config::VirtualServer vs;
  vs.name = "web";
  vs.endpoint = config::Endpoint{ip("10.0.0.1"), 80};
  vs.scheduler = "wrr";
  vs.delay_loop = seconds(2);
  for (size_t i = 0; i < reals; ++i) {
    config::RealServer rs;
    rs.endpoint = config::Endpoint{ip(("10.0.1." + std::to_string(i + 1)).c_str()), 8080};
    rs.weight = 10;
    if (withChecks) {
      rs.checks.push_back(tcpCheck());
    }
    vs.real_servers.push_back(rs);
  }
  c.virtual_servers.push_back(vs);
  return c;
}

struct Fixture {
  explicit Fixture(config::Config cfg)
      : config(std::move(cfg)),
        desired(ipvs::DesiredState::fromConfig(config)),
        pool(config, serviceNames(config), t0()) {
    CheckId next = 1;
    for (const auto& [ref, idx] : pool.checksWithoutId()) {
      pool.setCheckId(ref, idx, next++);
    }
    apply(pool.refreshAll(t0()));
  }
  std::vector<ipvs::IpvsOp> apply(const std::vector<RealChange>& changes) {
    auto ops = applyToDesired(desired, config, pool, changes);
    EXPECT_TRUE(ops.has_value());
    return ops ? *ops : std::vector<ipvs::IpvsOp>{};
  }
  std::vector<ipvs::IpvsOp> result(CheckId id, Verdict v, MonoTime now,
                                   Duration latency = milliseconds(5)) {
    Outcome o;
    o.verdict = v;
    o.latency = latency;
    return apply(pool.onResult(id, o, v == Verdict::Up, now));
  }
  int32_t weightOf(size_t rs) {
    const auto svc = desired.service(ipvs::serviceKey(config.virtual_servers[0]));
    const auto& r = config.virtual_servers[0].real_servers[rs];
    const auto* d = svc->findDest(r.endpoint.address, r.endpoint.port);
    return d ? static_cast<int32_t>(d->weight) : -1;
  }
  config::Config config;
  ipvs::DesiredState desired;
  Pool pool;
};

TEST(CheckFromConfig, HttpDefaultsFromVirtualServer) {
  config::Config c = poolConfig(1);
  auto& vs = c.virtual_servers[0];
  vs.virtualhost = "www.example.com";
  config::Check h;
  h.type = config::CheckType::Http;
  h.http.path = "/health";
  h.http.digest = config::Digest{config::DigestAlgorithm::Md5, {0xde, 0xad, 0x01}};
  h.http.headers = {"X-Probe:  yes"};
  h.connect_port = 9000;
  const CheckPlan p = planCheck(c.global, vs, vs.real_servers[0], h);
  const auto& s = std::get<HttpSpec>(p.spec);
  EXPECT_EQ(s.host, "www.example.com");
  EXPECT_EQ(s.port, 9000);
  EXPECT_EQ(s.address, ip("10.0.1.1"));
  EXPECT_EQ(s.expect.digestHex, "dead01");
  EXPECT_EQ(s.expect.digestAlgo, DigestAlgo::Md5);
  ASSERT_EQ(s.headers.size(), 1U);
  EXPECT_EQ(s.headers[0].second, "yes");
  EXPECT_EQ(p.params.interval, seconds(2));  // delay_loop
  EXPECT_EQ(p.params.rise, 2U);
  EXPECT_EQ(p.summary, "http GET /health 10.0.1.1:9000");
  EXPECT_FALSE(s.source.has_value());
  // bind_address becomes the probe's source (TCP, agent and HTTP checks).
  h.bind_address = ip("10.0.9.9");
  EXPECT_EQ(std::get<HttpSpec>(planCheck(c.global, vs, vs.real_servers[0], h).spec).source,
            ip("10.0.9.9"));
  h.type = config::CheckType::Tcp;
  EXPECT_EQ(std::get<TcpSpec>(planCheck(c.global, vs, vs.real_servers[0], h).spec).source,
            ip("10.0.9.9"));
}

TEST(CheckFromConfig, FileScriptAndAlpha) {
  config::Config c = poolConfig(1);
  auto& vs = c.virtual_servers[0];
  vs.alpha = true;
  config::Check f;
  f.type = config::CheckType::File;
  f.file = {"/run/drain", true};
  auto p = planCheck(c.global, vs, vs.real_servers[0], f);
  EXPECT_EQ(std::get<FileSpec>(p.spec).mode, FileMode::Absent);
  EXPECT_FALSE(p.params.initiallyUp);
  config::Check s;
  s.type = config::CheckType::Script;
  s.script.path = "/bin/check";
  s.script.args = {"-q"};
  p = planCheck(c.global, vs, vs.real_servers[0], s);
  EXPECT_EQ(std::get<ScriptSpec>(p.spec).user, "lvsd_script");
  EXPECT_EQ(std::get<ScriptSpec>(p.spec).argv, (std::vector<std::string>{"/bin/check", "-q"}));
  EXPECT_TRUE(samePlan(p, planCheck(c.global, vs, vs.real_servers[0], s)));
  s.timeout = seconds(1);
  EXPECT_FALSE(samePlan(p, planCheck(c.global, vs, vs.real_servers[0], s)));
}

TEST(CheckFromConfig, FindsServersByNameOrAddress) {
  config::Config c = poolConfig(2);
  EXPECT_EQ(*findVirtualServer(c, "web"), 0U);
  EXPECT_EQ(*findVirtualServer(c, "10.0.0.1:80"), 0U);
  EXPECT_EQ(*findVirtualServer(c, "10.0.0.1:80/tcp"), 0U);
  EXPECT_FALSE(findVirtualServer(c, "10.0.0.1:80/udp"));
  EXPECT_EQ(*findRealServer(c.virtual_servers[0], "10.0.1.2:8080"), 1U);
  EXPECT_EQ(*findRealServer(c.virtual_servers[0], "10.0.1.2"), 1U);
  EXPECT_FALSE(findRealServer(c.virtual_servers[0], "10.0.1.9:8080"));
}

TEST(CheckPool, DownIsOneDeleteAndUpOneAdd) {
  Fixture f(poolConfig(3));
  auto ops = f.result(1, Verdict::Down, t0() + seconds(1));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::DelDest);
  EXPECT_EQ(f.weightOf(0), -1);
  EXPECT_TRUE(f.result(1, Verdict::Down, t0() + seconds(2)).empty());
  ops = f.result(1, Verdict::Up, t0() + seconds(3));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::AddDest);
  EXPECT_EQ(f.weightOf(0), 10);
  EXPECT_TRUE(f.result(2, Verdict::Up, t0() + seconds(3)).empty());
}

TEST(CheckPool, InhibitKeepsTheServerAtZero) {
  config::Config c = poolConfig(2);
  c.virtual_servers[0].real_servers[0].inhibit_on_failure = true;
  Fixture f(std::move(c));
  auto ops = f.result(1, Verdict::Down, t0() + seconds(1));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::EditDest);
  EXPECT_EQ(f.weightOf(0), 0);
}

TEST(CheckPool, SlowStartRampIsOneEditPerStep) {
  config::Config c = poolConfig(2);
  c.virtual_servers[0].real_servers[0].slow_start = seconds(10);
  c.virtual_servers[0].real_servers[0].weight = 5;
  Fixture f(std::move(c));
  f.result(1, Verdict::Down, t0() + seconds(1));
  const MonoTime up = t0() + seconds(2);
  auto ops = f.result(1, Verdict::Up, up);
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::AddDest);
  EXPECT_EQ(f.weightOf(0), 1);
  std::vector<int32_t> seen{1};
  size_t edits = 0;
  while (auto next = f.pool.nextTick(up)) {
    ops = f.apply(f.pool.tick(*next));
    for (const auto& op : ops) {
      EXPECT_EQ(op.kind, ipvs::OpKind::EditDest);
    }
    edits += ops.size();
    seen.push_back(f.weightOf(0));
    ASSERT_LT(seen.size(), 20U);
  }
  EXPECT_EQ(edits, 4U);  // 1 -> 2 -> 3 -> 4 -> 5
  EXPECT_EQ(seen.back(), 5);
}

TEST(CheckPool, OperatorWeightDrainDisableEnable) {
  Fixture f(poolConfig(2));
  const MonoTime now = t0() + seconds(1);
  auto ops = f.apply(f.pool.setOperator({0, 0}, OperatorMode::Enabled, 3, now));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::EditDest);
  EXPECT_EQ(f.weightOf(0), 3);
  ops = f.apply(f.pool.setOperator({0, 0}, OperatorMode::Drain, std::nullopt, now));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(f.weightOf(0), 0);
  ops = f.apply(f.pool.setOperator({0, 0}, OperatorMode::Disabled, std::nullopt, now));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::DelDest);
  // A passing check does not bring a disabled server back.
  EXPECT_TRUE(f.result(1, Verdict::Up, now).empty());
  ops = f.apply(f.pool.setOperator({0, 0}, OperatorMode::Enabled, std::nullopt, now));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::AddDest);
  EXPECT_EQ(f.weightOf(0), 10);
}

TEST(CheckPool, ServersWithoutChecksAreAlwaysUp) {
  Fixture f(poolConfig(2, false));
  EXPECT_EQ(f.pool.checkCount(), 0U);
  EXPECT_EQ(f.weightOf(0), 10);
  EXPECT_TRUE(f.pool.checksWithoutId().empty());
}

TEST(CheckPool, QuorumWithHysteresisAndSorryServer) {
  config::Config c = poolConfig(3);
  auto& vs = c.virtual_servers[0];
  vs.quorum = 20;
  vs.hysteresis = 5;  // lost below 15, gained at 25
  vs.sorry_server = config::Endpoint{ip("10.0.9.9"), 80};
  Fixture f(std::move(c));
  const auto svc = [&] {
    return *f.desired.service(ipvs::serviceKey(f.config.virtual_servers[0]));
  };
  EXPECT_EQ(svc().dests.size(), 3U);
  f.result(1, Verdict::Down, t0() + seconds(1));  // 20: still held (not below 15)
  EXPECT_EQ(svc().dests.size(), 2U);
  auto ops = f.result(2, Verdict::Down, t0() + seconds(2));  // 10 < 15: lost
  EXPECT_EQ(svc().dests.size(), 1U);
  EXPECT_NE(svc().findDest(ip("10.0.9.9"), 80), nullptr);
  EXPECT_EQ(ops.size(), 3U);                    // rs2 out, rs3 out, sorry in
  f.result(1, Verdict::Up, t0() + seconds(3));  // 20 < 25: not regained
  EXPECT_NE(svc().findDest(ip("10.0.9.9"), 80), nullptr);
  ops = f.result(2, Verdict::Up, t0() + seconds(4));  // 30: regained
  EXPECT_EQ(svc().dests.size(), 3U);
  EXPECT_EQ(svc().findDest(ip("10.0.9.9"), 80), nullptr);
  EXPECT_EQ(f.pool.virtuals()[0].quorumChanges, 2U);
}

TEST(CheckPool, FeedbackOrdersByLatency) {
  config::Config c = poolConfig(2);
  for (auto& rs : c.virtual_servers[0].real_servers) {
    rs.feedback.enabled = true;
    rs.feedback.response_time_ratio = 1.0;
    rs.feedback.agent_ratio = 0.0;
  }
  Fixture f(std::move(c));
  MonoTime now = t0();
  for (int i = 0; i < 40; ++i) {
    now += seconds(1);
    f.result(1, Verdict::Up, now, milliseconds(10));
    f.result(2, Verdict::Up, now, milliseconds(200));
  }
  EXPECT_GT(f.weightOf(0), f.weightOf(1));
  EXPECT_EQ(f.weightOf(0), 100);  // scale 10 x weight 10
  EXPECT_EQ(f.weightOf(1), 0);    // load 2 (200 ms against 100 ms): steered down to 0
  // Without new connections the server answers faster than the service's mean (the load is
  // normalised by it): its weight climbs back.
  for (int i = 0; i < 40; ++i) {
    now += seconds(1);
    f.result(1, Verdict::Up, now, milliseconds(10));
    f.result(2, Verdict::Up, now, milliseconds(5));
  }
  EXPECT_GT(f.weightOf(1), 10);
}

TEST(CheckPool, ReloadCarriesStateForUnchangedServers) {
  Fixture f(poolConfig(3));
  f.result(1, Verdict::Down, t0() + seconds(1));
  f.apply(f.pool.setOperator({0, 1}, OperatorMode::Drain, std::nullopt, t0() + seconds(1)));
  config::Config next = poolConfig(3);
  next.virtual_servers[0].real_servers[2].checks[0].timeout = seconds(1);  // changed check
  ipvs::DesiredState desired = ipvs::DesiredState::fromConfig(next);
  Pool pool(next, serviceNames(next), t0() + seconds(2));
  auto dropped = pool.migrateFrom(f.pool, t0() + seconds(2));
  EXPECT_EQ(dropped, (std::vector<CheckId>{3}));
  const auto missing = pool.checksWithoutId();
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_EQ(missing[0].first.rs, 2U);
  EXPECT_FALSE(pool.virtuals()[0].reals[0].up);
  EXPECT_EQ(pool.virtuals()[0].reals[0].transitions, 1U);
  EXPECT_EQ(pool.virtuals()[0].reals[1].opMode, OperatorMode::Drain);
  auto ops = applyToDesired(desired, next, pool, pool.refreshAll(t0() + seconds(2)));
  ASSERT_TRUE(ops);
  EXPECT_EQ(ops->size(), 2U);  // the fresh desired state learns: rs1 down, rs2 drained
}

}  // namespace
}  // namespace lvsd::check
