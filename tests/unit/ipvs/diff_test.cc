#include "ipvs/diff.h"

#include <gtest/gtest.h>

namespace lvsd::ipvs {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

Service svc(const char* vip, uint16_t port, const char* sched, std::vector<int> weights) {
  Service s;
  s.key = ServiceKey::tcp(ip(vip), port);
  s.scheduler = sched;
  int n = 1;
  for (int w : weights) {
    Destination d;
    d.addr = ip(("10.0.2." + std::to_string(n++)).c_str());
    d.port = 80;
    d.weight = w;
    s.dests.push_back(d);
  }
  return s;
}

std::vector<std::string> names(const std::vector<IpvsOp>& ops) {
  std::vector<std::string> v;
  for (const auto& op : ops) {
    v.push_back(describe(op));
  }
  return v;
}

TEST(IpvsDiff, ColdStartAddsServiceThenItsDestinations) {
  Table desired;
  desired.services = {svc("10.0.0.1", 80, "rr", {1, 2})};
  EXPECT_EQ(names(diff({}, desired, {})),
            (std::vector<std::string>{"add service TCP 10.0.0.1:80 rr",
                                      "add destination TCP 10.0.0.1:80 -> 10.0.2.1:80 weight 1",
                                      "add destination TCP 10.0.0.1:80 -> 10.0.2.2:80 weight 2"}));
}

TEST(IpvsDiff, IdenticalTablesGiveNoOpsEvenWithCountersAndHashedFlag) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1, 2})};
  kernel.services[0].flags = kSvcHashed;
  kernel.services[0].stats.conns = 5;
  kernel.services[0].dests[0].activeConns = 3;
  Table desired;
  desired.services = {svc("10.0.0.1", 80, "rr", {1, 2})};
  EXPECT_TRUE(diff(kernel, desired, {}).empty());
}

TEST(IpvsDiff, WeightOnlyChangeIsOneEdit) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "wrr", {3, 1, 1})};
  Table desired = kernel;
  desired.services[0].dests[1].weight = 7;
  auto ops = diff(kernel, desired, {});
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, OpKind::EditDest);
  EXPECT_EQ(ops[0].dest.weight, 7);
}

TEST(IpvsDiff, SchedulerOrFlagsChangeIsOneServiceEdit) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1})};
  Table desired = kernel;
  desired.services[0].scheduler = "sh";
  desired.services[0].flags = kSvcSched1 | kSvcPersistent;
  desired.services[0].timeout = 60;
  auto ops = diff(kernel, desired, {});
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, OpKind::EditService);
  EXPECT_EQ(ops[0].svc.scheduler, "sh");
}

TEST(IpvsDiff, SchedulerChangeAfterWeightEditsBeforeRemovals) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1, 1, 1})};
  Table desired = kernel;
  desired.services[0].scheduler = "wrr";
  desired.services[0].dests[0].weight = 3;
  desired.services[0].dests.pop_back();
  auto ops = diff(kernel, desired, {});
  ASSERT_EQ(ops.size(), 3U);
  EXPECT_EQ(ops[0].kind, OpKind::EditDest);
  EXPECT_EQ(ops[1].kind, OpKind::EditService);
  EXPECT_EQ(ops[1].svc.scheduler, "wrr");
  EXPECT_EQ(ops[2].kind, OpKind::DelDest);
}

TEST(IpvsDiff, PersistenceFieldsIgnoredWithoutPersistentFlag) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1})};
  Table desired = kernel;
  desired.services[0].timeout = 99;
  EXPECT_TRUE(diff(kernel, desired, {}).empty());
}

TEST(IpvsDiff, AdditionsBeforeRemovals) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1, 1})};
  Table desired = kernel;
  desired.services[0].dests[0].addr = ip("10.0.2.9");
  auto ops = diff(kernel, desired, {});
  ASSERT_EQ(ops.size(), 2U);
  EXPECT_EQ(ops[0].kind, OpKind::AddDest);
  EXPECT_EQ(ops[1].kind, OpKind::DelDest);
}

TEST(IpvsDiff, NewServicesBeforeRemovedServices) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1})};
  Table desired;
  desired.services = {svc("10.0.0.2", 80, "rr", {1})};
  auto ops = diff(kernel, desired, Scope::only({kernel.services[0].key}));
  ASSERT_EQ(ops.size(), 3U);
  EXPECT_EQ(ops[0].kind, OpKind::AddService);
  EXPECT_EQ(ops[2].kind, OpKind::DelService);
}

TEST(IpvsDiff, ForeignServicesUntouchedUnlessScopeOwnsThem) {
  Table kernel;
  kernel.services = {svc("10.0.0.1", 80, "rr", {1}), svc("10.9.9.9", 22, "rr", {7})};
  Table desired;
  desired.services = {svc("10.0.0.1", 80, "rr", {1})};
  EXPECT_TRUE(diff(kernel, desired, {}).empty());
  EXPECT_TRUE(diff(kernel, desired, Scope::only({desired.services[0].key})).empty());
  auto all = diff(kernel, desired, Scope::everything());
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(describe(all[0]), "delete service TCP 10.9.9.9:22");
}

TEST(IpvsDiff, TimeoutsAndDaemons) {
  Table kernel;
  kernel.timeouts = Timeouts{900, 120, 300};
  kernel.daemons = {{DaemonState::Master, "eth0", 1, 1472, ip("224.0.0.81"), 8848, 1}};
  Table desired;
  desired.timeouts = Timeouts{900, 120, 300};
  desired.manageDaemons = true;
  desired.daemons = {{DaemonState::Master, "eth0", 1, 0, std::nullopt, 0, 0}};  // defaults
  EXPECT_TRUE(diff(kernel, desired, {}).empty());
  desired.timeouts->udp = 60;
  desired.daemons[0].syncId = 2;
  auto ops = diff(kernel, desired, {});
  ASSERT_EQ(ops.size(), 3U);
  EXPECT_EQ(ops[0].kind, OpKind::SetTimeouts);
  EXPECT_EQ(ops[1].kind, OpKind::StopDaemon);
  EXPECT_EQ(ops[2].kind, OpKind::StartDaemon);
}

TEST(IpvsDiff, InverseUndoesAppliedOpsInReverse) {
  Table before;
  before.services = {svc("10.0.0.1", 80, "rr", {1, 2})};
  Table after = before;
  after.services[0].scheduler = "wrr";
  after.services[0].dests[0].weight = 5;
  after.services[0].dests.erase(after.services[0].dests.begin() + 1);
  Destination extra;
  extra.addr = ip("10.0.2.7");
  extra.port = 80;
  after.services[0].dests.push_back(extra);
  auto ops = diff(before, after, {});
  Table t = before;
  for (const auto& op : ops) {
    applyTo(t, op);
  }
  EXPECT_TRUE(diff(t, after, {}).empty());
  for (const auto& op : inverse(ops, before)) {
    applyTo(t, op);
  }
  EXPECT_TRUE(diff(t, before, {}).empty());
}

Destination dest(uint32_t n, int weight) {
  Destination d;
  d.addr = IpAddress::v4(0x0a000000U + n);
  d.port = 80;
  d.weight = weight;
  return d;
}

std::vector<uint32_t> endpoints(const Service& s) {
  std::vector<uint32_t> v;
  for (const auto& d : s.dests) {
    v.push_back(static_cast<uint32_t>(d.addr.bytes()[2]) << 8 | d.addr.bytes()[3]);
  }
  return v;
}

// Services with thousands of destinations go through the hashed index (DestIndex): the diff
// stays minimal, and a batched apply keeps the kernel's order (kept ones in place, additions at
// the tail) exactly as one op at a time does.
TEST(IpvsDiff, LargeServiceDiffAndBatchedApplyMatchOneAtATime) {
  Table kernel;
  Service big = svc("10.0.0.1", 80, "wrr", {});
  for (uint32_t n = 1; n <= 3000; ++n) {
    big.dests.push_back(dest(n, 1));
  }
  kernel.services = {big, svc("10.0.0.2", 80, "rr", {1, 2})};
  Table desired = kernel;
  auto& want = desired.services[0].dests;
  want[1500].weight = 9;                              // one edit
  want.erase(want.begin() + 10, want.begin() + 110);  // 100 removals
  for (uint32_t n = 5001; n <= 5100; ++n) {           // 100 additions
    want.push_back(dest(n, 2));
  }
  want.push_back(dest(11, 4));  // removed above (10.0.0.11 was at index 10), back at the tail
  const auto ops = diff(kernel, desired, {});
  size_t adds = 0, edits = 0, dels = 0;
  for (const auto& op : ops) {
    adds += op.kind == OpKind::AddDest;
    edits += op.kind == OpKind::EditDest;
    dels += op.kind == OpKind::DelDest;
  }
  // 10.0.0.11 is kept (a weight edit), not removed and re-added.
  EXPECT_EQ(adds, 100U);
  EXPECT_EQ(edits, 2U);
  EXPECT_EQ(dels, 99U);
  Table batched = kernel;
  applyTo(batched, std::span<const IpvsOp>(ops));
  Table single = kernel;
  for (const auto& op : ops) {
    applyTo(single, op);
  }
  EXPECT_TRUE(diff(batched, desired, {}).empty());
  EXPECT_EQ(endpoints(batched.services[0]), endpoints(single.services[0]));
  EXPECT_EQ(batched.services[1].dests.size(), 2U);

  // A removal and a re-addition of one endpoint in one batch: the old entry goes, the new one
  // sits at the tail.
  std::vector<IpvsOp> readd{IpvsOp::delDest(big.key, dest(1, 1)),
                            IpvsOp::addDest(big.key, dest(1, 5))};
  applyTo(batched, std::span<const IpvsOp>(readd));
  const auto& after = batched.services[0].dests;
  EXPECT_EQ(after.size(), single.services[0].dests.size());
  EXPECT_EQ(after.back().addr, dest(1, 5).addr);
  EXPECT_EQ(after.back().weight, 5);
  EXPECT_NE(after.front().addr, dest(1, 5).addr);
  for (const auto& op : inverse(ops, kernel)) {
    applyTo(single, op);
  }
  EXPECT_TRUE(diff(single, kernel, {}).empty());
}

TEST(IpvsValidate, ReportsEachProblem) {
  Table t;
  t.services = {svc("10.0.0.1", 80, "rr", {70000}), svc("10.0.0.1", 80, "rr", {1}),
                svc("2001:db8::1", 80, "averyveryverylongname", {1})};
  auto errs = validate(t);
  ASSERT_EQ(errs.size(), 4U);
  EXPECT_NE(errs[0].find("weight 70000 out of range"), std::string::npos);
  EXPECT_NE(errs[1].find("duplicate service"), std::string::npos);
  EXPECT_NE(errs[2].find("scheduler name"), std::string::npos);
  EXPECT_NE(errs[3].find("address family differs"), std::string::npos);
  t.services[2].dests[0].forward = Forward::Tunnel;
  t.services[2].scheduler = "rr";
  EXPECT_EQ(validate(t).size(), 2U);
}

}  // namespace
}  // namespace lvsd::ipvs
