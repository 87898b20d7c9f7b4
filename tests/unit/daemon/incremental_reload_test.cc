// The checker child's incremental reload (Pool::reloadFrom, DesiredState::reloadFrom, a diff of
// the changed services only) against the full one (Pool + migrateFrom + refreshAll, a fresh
// DesiredState, a diff of every service), for random edits of a random config with health,
// weights and not-yet-applied changes in flight: same desired table, same pool state, same
// netlink operations, foreign services untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "check/config/pool.h"
#include "check/config/to_ipvs.h"
#include "daemon/config_codec.h"
#include "ipvs/diff.h"
#include "ipvs/format.h"
#include "ipvs/from_config.h"

namespace lvsd::daemon {
namespace {

using check::CheckId;
using check::Pool;
using check::RealChange;
using std::chrono::seconds;

MonoTime t0() { return MonoTime{} + seconds(1000); }

IpAddress ip(const std::string& s) { return *IpAddress::parse(s); }

struct Gen {
  std::mt19937 rng;
  uint32_t nextVip = 1;
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool coin(int percent) { return pick(100) < static_cast<size_t>(percent); }

  config::RealServer real(uint32_t vip, size_t i) {
    config::RealServer rs;
    rs.endpoint = {ip("10.1." + std::to_string(vip % 250) + "." + std::to_string(i + 1)), 8080};
    rs.weight = static_cast<uint32_t>(1 + pick(20));
    rs.inhibit_on_failure = coin(20);
    if (coin(20)) {
      rs.slow_start = seconds(30);
    }
    if (coin(70)) {
      config::Check c;
      c.type = config::CheckType::Tcp;
      c.rise = static_cast<uint32_t>(1 + pick(2));
      c.fall = 1;
      rs.checks.push_back(c);
    }
    return rs;
  }
  config::VirtualServer server() {
    const uint32_t vip = nextVip++;
    config::VirtualServer vs;
    vs.name = "vs" + std::to_string(vip);
    vs.endpoint = config::Endpoint{
        ip("10.0." + std::to_string(vip / 250) + "." + std::to_string(vip % 250 + 1)), 80};
    vs.scheduler = coin(50) ? "wrr" : "wlc";
    vs.alpha = coin(20);
    vs.quorum = static_cast<uint32_t>(1 + pick(15));
    vs.hysteresis = static_cast<uint32_t>(pick(3));
    if (coin(30)) {
      vs.sorry_server = config::Endpoint{ip("10.9.0." + std::to_string(vip % 250 + 1)), 80};
    }
    const size_t n = 1 + pick(5);
    for (size_t i = 0; i < n; ++i) {
      vs.real_servers.push_back(real(vip, i));
    }
    return vs;
  }
  /// A few edits: weights, a check, a scheduler, removals, additions, a swap of two servers.
  config::Config edit(config::Config c) {
    auto& vss = c.virtual_servers;
    const size_t edits = 1 + pick(3);
    for (size_t e = 0; e < edits && !vss.empty(); ++e) {
      auto& vs = vss[pick(vss.size())];
      switch (pick(7)) {
        case 0:
          vs.real_servers[pick(vs.real_servers.size())].weight += 1;
          break;
        case 1: {
          auto& rs = vs.real_servers[pick(vs.real_servers.size())];
          if (rs.checks.empty()) {
            rs.checks.emplace_back();
          } else {
            rs.checks[0].rise += 1;
          }
          break;
        }
        case 2:
          vs.scheduler = vs.scheduler == "wrr" ? "rr" : "wrr";
          break;
        case 3:
          vss.erase(vss.begin() + static_cast<std::ptrdiff_t>(pick(vss.size())));
          break;
        case 4:
          vss.insert(vss.begin() + static_cast<std::ptrdiff_t>(pick(vss.size() + 1)), server());
          break;
        case 5:
          std::swap(vss[pick(vss.size())], vss[pick(vss.size())]);
          break;
        default:
          vs.real_servers.push_back(real(nextVip + 300, vs.real_servers.size() + 10));
          vs.quorum += 1;
          break;
      }
    }
    return c;
  }
};

/// The checker's model: the pool, the desired state it drives, and changes not applied yet.
struct Checker {
  config::Config config;
  Pool pool;
  ipvs::DesiredState desired;
  std::vector<RealChange> pending;

  void apply(const std::vector<RealChange>& changes) {
    ASSERT_TRUE(check::applyToDesired(desired, config, pool, changes).has_value());
  }
};

void assignIds(Pool& pool, CheckId& next) {
  for (const auto& [ref, idx] : pool.checksWithoutId()) {
    pool.setCheckId(ref, idx, next++);
  }
}

/// Everything the rest of the checker reads from a pool, as text.
std::string dump(const Pool& pool, MonoTime now) {
  std::string out;
  for (size_t vi = 0; vi < pool.virtuals().size(); ++vi) {
    const auto& v = pool.virtuals()[vi];
    out += v.name + " " + v.service + " q" + std::to_string(v.quorum.has()) + " s" +
           std::to_string(v.sorryMode) + " sum" + std::to_string(v.servingSum) + " lc" +
           std::to_string(v.latencyCount) + "\n";
    for (size_t ri = 0; ri < v.reals.size(); ++ri) {
      const auto& r = v.reals[ri];
      out += "  " + formatEndpoint(r.address, r.port) + " up" + std::to_string(r.up) + " p" +
             std::to_string(r.placement.up) + "/" + std::to_string(r.placement.weight) + " t" +
             std::to_string(r.transitions) + " w" + std::to_string(r.tracker->current().weight);
      for (size_t ci = 0; ci < r.checks.size(); ++ci) {
        const auto& ck = r.checks[ci];
        out += " [" + std::to_string(ck.id) + " " + std::to_string(ck.up) + " " +
               std::to_string(ck.results) + "]";
        const auto where = pool.findCheck(ck.id);
        EXPECT_TRUE(ck.id == 0 ||
                    (where && where->first == (check::RealRef{vi, ri}) && where->second == ci))
            << "check id " << ck.id << " indexed at the wrong place";
      }
      out += "\n";
    }
  }
  // Whether a slow-start step is scheduled (not when: the full path recomputes each ramp's next
  // step from the reload time, the incremental one keeps the carried servers' schedule).
  out += pool.nextTick(now) ? "ramping" : "not ramping";
  return out;
}

std::string text(const ipvs::Table& t) {
  ipvs::FormatOptions o;
  o.title = false;
  return ipvs::formatTable(t, o);
}

std::vector<std::string> describeAll(const std::vector<ipvs::IpvsOp>& ops) {
  std::vector<std::string> out;
  for (const auto& op : ops) {
    out.push_back(ipvs::describe(op));
  }
  return out;
}

TEST(IncrementalReload, EqualsTheFullReloadForRandomEdits) {
  Gen g{std::mt19937(20261123)};
  const ipvs::ServiceKey foreign = ipvs::ServiceKey::tcp(ip("192.0.2.1"), 443);
  for (int round = 0; round < 150; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Checker old;
    const size_t n = 3 + g.pick(12);
    for (size_t i = 0; i < n; ++i) {
      old.config.virtual_servers.push_back(g.server());
    }
    old.pool = Pool(old.config, check::serviceNames(old.config), t0());
    CheckId nextId = 1;
    assignIds(old.pool, nextId);
    old.desired = ipvs::DesiredState::fromConfig(old.config);
    old.apply(old.pool.refreshAll(t0()));
    // Health results: most applied to the desired state, the last few still pending.
    const size_t results = g.pick(40);
    MonoTime now = t0();
    for (size_t k = 0; k < results && nextId > 1; ++k) {
      now += std::chrono::milliseconds(100);
      const CheckId id = 1 + g.pick(nextId - 1);
      check::Outcome o = g.coin(50) ? check::Outcome::up() : check::Outcome::down("refused");
      o.latency = std::chrono::milliseconds(1 + g.pick(50));
      auto changes = old.pool.onResult(id, o, o.verdict == check::Verdict::Up, now);
      if (k + 3 < results) {
        old.apply(changes);
      } else {
        old.pending.insert(old.pending.end(), changes.begin(), changes.end());
      }
    }
    // The kernel holds what was applied, plus a service lvsd does not own.
    ipvs::Table kernel = old.desired.table();
    ipvs::Service other;
    other.key = foreign;
    kernel.services.push_back(other);

    const config::Config next = g.edit(old.config);
    config::Config child = old.config;
    ServerOrigins origins;
    ASSERT_TRUE(applyUpdate(child, makeUpdate(old.config, next).payload, &origins));
    ASSERT_EQ(child, next);
    ASSERT_EQ(origins.size(), next.virtual_servers.size());
    now += seconds(1);

    // Full: a fresh pool migrating from the old one, a fresh desired state, every service.
    Checker full{next, Pool(next, check::serviceNames(next), now), {}, {}};
    Pool oldCopy = old.pool;
    auto droppedFull = full.pool.migrateFrom(oldCopy, now);
    CheckId idFull = nextId;
    assignIds(full.pool, idFull);
    full.pool.resetPlacements();
    full.desired = ipvs::DesiredState::fromConfig(next);
    full.apply(full.pool.refreshAll(now));
    std::vector<ipvs::ServiceKey> scopeFull = old.desired.keys();
    for (const auto& k : full.desired.keys()) {
      scopeFull.push_back(k);
    }
    const auto opsFull =
        ipvs::diff(kernel, full.desired.table(), ipvs::Scope::only(std::move(scopeFull)));

    // Incremental: carried servers moved over, only the others built and diffed.
    Checker inc{next, {}, {}, {}};
    Pool oldCopy2 = old.pool;
    auto droppedInc = inc.pool.reloadFrom(oldCopy2, next, origins, now);
    CheckId idInc = nextId;
    assignIds(inc.pool, idInc);
    auto changes = Pool::remap(old.pending, origins);
    for (size_t vi : inc.pool.rebuilt()) {
      inc.pool.refresh(vi, now, changes);
    }
    ipvs::DesiredState oldDesired = old.desired;
    inc.desired = ipvs::DesiredState::reloadFrom(std::move(oldDesired), next, origins);
    inc.apply(changes);
    std::vector<bool> carried(old.config.virtual_servers.size(), false);
    for (const auto& o : origins) {
      if (o) {
        carried[*o] = true;
      }
    }
    std::vector<ipvs::ServiceKey> scopeInc;
    for (size_t i = 0; i < carried.size(); ++i) {
      if (!carried[i]) {
        scopeInc.push_back(old.desired.virtuals()[i].settings.key);
      }
    }
    // As IpvsManager::reloadChanged: the rebuilt servers and those the changes touch.
    std::vector<size_t> diffed = inc.pool.rebuilt();
    for (const auto& ch : changes) {
      diffed.push_back(ch.ref.vs);
    }
    std::sort(diffed.begin(), diffed.end());
    diffed.erase(std::unique(diffed.begin(), diffed.end()), diffed.end());
    for (size_t vi : diffed) {
      scopeInc.push_back(inc.desired.virtuals()[vi].settings.key);
    }
    const auto opsInc = ipvs::diff(kernel, inc.desired.partialTable(diffed),
                                   ipvs::Scope::only(std::move(scopeInc)));

    EXPECT_EQ(text(inc.desired.table()), text(full.desired.table()));
    EXPECT_EQ(dump(inc.pool, now), dump(full.pool, now));
    std::sort(droppedFull.begin(), droppedFull.end());
    std::sort(droppedInc.begin(), droppedInc.end());
    EXPECT_EQ(droppedInc, droppedFull);
    EXPECT_EQ(idInc, idFull);
    EXPECT_EQ(describeAll(opsInc), describeAll(opsFull));
    for (const auto& op : opsInc) {
      EXPECT_FALSE(op.isServiceOp() && op.svc.key == foreign) << ipvs::describe(op);
    }
    // Only the rebuilt servers are new objects: fewer than all when the edit was small.
    EXPECT_LE(inc.pool.rebuilt().size(), next.virtual_servers.size());
  }
}

TEST(IncrementalReload, OneWeightIsOneEditAndRebuildsOneServer) {
  Gen g{std::mt19937(7)};
  Checker old;
  for (int i = 0; i < 100; ++i) {
    old.config.virtual_servers.push_back(g.server());
  }
  for (auto& vs : old.config.virtual_servers) {
    vs.alpha = false;
    vs.quorum = 1;
  }
  old.pool = Pool(old.config, check::serviceNames(old.config), t0());
  CheckId id = 1;
  assignIds(old.pool, id);
  old.desired = ipvs::DesiredState::fromConfig(old.config);
  old.apply(old.pool.refreshAll(t0()));
  const ipvs::Table kernel = old.desired.table();

  config::Config next = old.config;
  next.virtual_servers[42].real_servers[0].weight += 7;
  ServerOrigins origins;
  config::Config child = old.config;
  ASSERT_TRUE(applyUpdate(child, makeUpdate(old.config, next).payload, &origins));
  for (size_t i = 0; i < origins.size(); ++i) {
    EXPECT_EQ(origins[i], i == 42 ? std::nullopt : std::optional<size_t>(i));
  }
  Checker inc{next, {}, {}, {}};
  const auto dropped = inc.pool.reloadFrom(old.pool, next, origins, t0());
  EXPECT_EQ(inc.pool.rebuilt(), std::vector<size_t>{42});
  std::vector<RealChange> changes;
  inc.pool.refresh(42, t0(), changes);
  assignIds(inc.pool, id);
  inc.desired = ipvs::DesiredState::reloadFrom(std::move(old.desired), next, origins);
  inc.apply(changes);
  const auto key = inc.desired.virtuals()[42].settings.key;
  const auto ops = ipvs::diff(kernel, inc.desired.partialTable({42}), ipvs::Scope::only({key}));
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, ipvs::OpKind::EditDest);
  EXPECT_EQ(ops[0].dest.weight,
            static_cast<int32_t>(next.virtual_servers[42].real_servers[0].weight));
  // The changed server's checks carried over (same plan): none dropped, none new.
  EXPECT_TRUE(dropped.empty());
  EXPECT_TRUE(inc.pool.checksWithoutId().empty());
}

TEST(IncrementalReload, OriginsAreTheIdentityWhenNoServerChanged) {
  Gen g{std::mt19937(3)};
  config::Config a;
  for (int i = 0; i < 4; ++i) {
    a.virtual_servers.push_back(g.server());
  }
  config::Config b = a;
  b.global.router_id = "other";
  ServerOrigins origins{std::nullopt};
  config::Config child = a;
  auto changed = applyUpdate(child, makeUpdate(a, b).payload, &origins);
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed & section::kVirtualServers, 0U);
  EXPECT_EQ(origins, (ServerOrigins{0, 1, 2, 3}));
}

TEST(IncrementalReload, FeedbackLatenciesSurviveAReload) {
  // Before: a full reload kept each real's last latency but reset the virtual server's count,
  // and the next feedback result divided by zero.
  config::Config c;
  Gen g{std::mt19937(11)};
  c.virtual_servers.push_back(g.server());
  auto& vs = c.virtual_servers[0];
  for (auto& rs : vs.real_servers) {
    rs.checks.assign(1, config::Check{});
    rs.checks[0].rise = 1;
    rs.checks[0].fall = 1;
    rs.feedback.enabled = true;
  }
  Pool pool(c, check::serviceNames(c), t0());
  CheckId id = 1;
  assignIds(pool, id);
  pool.refreshAll(t0());
  for (CheckId k = 1; k < id; ++k) {
    check::Outcome o = check::Outcome::up();
    o.latency = std::chrono::milliseconds(5);
    pool.onResult(k, o, true, t0());
  }
  Pool next(c, check::serviceNames(c), t0());
  next.migrateFrom(pool, t0());
  EXPECT_EQ(next.virtuals()[0].latencyCount, vs.real_servers.size());
  check::Outcome o = check::Outcome::up();
  o.latency = std::chrono::milliseconds(9);
  next.onResult(1, o, true, t0() + seconds(1));  // divided by zero before
  EXPECT_EQ(next.virtuals()[0].latencyCount, vs.real_servers.size());
}

}  // namespace
}  // namespace lvsd::daemon
