// The checker child: health checks (check::CheckEngine) driving the IPVS desired state, and the
// IPVS programming itself (daemon/ipvs_manager.h). Reports {"virtual_servers": n, "ipvs": {...},
// "checks": {...}}: the totals every second, the full status (per service and real server) when
// the supervisor asks.
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "check/config/to_ipvs.h"
#include "check/engine/check_engine.h"
#include "daemon/child.h"
#include "daemon/config_codec.h"
#include "daemon/ipvs_manager.h"

namespace lvsd::daemon {

namespace {

struct CheckerRuntime {
  explicit CheckerRuntime(boost::asio::io_context& io, Logger log)
      : reportTimer(io),
        retryTimer(io),
        ipvs(log.forComponent("ipvs")),
        checks(io, log.forComponent("check"),
               [this](const config::Config& c, const check::Pool& pool,
                      const std::vector<check::RealChange>& changes, const std::string& trigger) {
                 toDesired(c, pool, changes);
                 std::vector<size_t> touched;
                 touched.reserve(changes.size());
                 for (const auto& ch : changes) {
                   touched.push_back(ch.ref.vs);
                 }
                 ipvs.apply(trigger, std::move(touched));
                 armRetry();
                 reportSoon();
               }),
        log_(std::move(log)) {}

  /// Health and weight changes go into the desired state only; IpvsManager diffs it.
  void toDesired(const config::Config& c, const check::Pool& pool,
                 const std::vector<check::RealChange>& changes) {
    auto ops = check::applyToDesired(ipvs.desired(), c, pool, changes);
    if (!ops) {
      log_.error("health change not applicable: " + ops.error().message,
                 {{"event", "check_apply_failed"}});
      return;
    }
    healthOps += ops->size();
  }

  /// Health changes reach `lvsctl checks` within 100 ms (not only with the 1-s report), at most
  /// ten extra reports a second however many servers change.
  void reportSoon() {
    if (reportPending || !channel) {
      return;
    }
    reportPending = true;
    reportTimer.expires_after(std::chrono::milliseconds(100));
    reportTimer.async_wait([this](const boost::system::error_code& ec) {
      reportPending = false;
      if (!ec && channel) {
        channel->reportNow();
      }
    });
  }

  /// What the kernel refused is tried again when due (IpvsManager::nextRetry()).
  void armRetry() {
    const auto due = ipvs.nextRetry();
    if (!due) {
      retryTimer.cancel();
      return;
    }
    retryTimer.expires_at(*due);
    retryTimer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) {
        return;
      }
      ipvs.retry();
      armRetry();
      reportSoon();
    });
  }

  ChildChannel* channel = nullptr;
  bool reportPending = false;
  boost::asio::steady_timer reportTimer;
  boost::asio::steady_timer retryTimer;
  size_t virtualServers = 0;
  uint64_t healthOps = 0;  ///< desired-state ops caused by checks and operator commands
  IpvsManager ipvs;
  check::CheckEngine checks;
  Logger log_;
};

}  // namespace

int runCheckerChild(const config::Config& config, ChildChannel& channel) {
  applyNice(channel, config.global.checker_priority, "checker_priority");
  auto rt = std::make_shared<CheckerRuntime>(channel.io(), channel.logger());
  rt->channel = &channel;
  rt->virtualServers = config.virtual_servers.size();
  const auto initial = rt->checks.start(config);
  rt->ipvs.start(config,
                 [&](ipvs::DesiredState&) { rt->toDesired(config, rt->checks.pool(), initial); });
  rt->armRetry();
  channel.setStatusProvider([rt] {
    ctl::Json checks = rt->checks.status();
    checks["health_ops_total"] = rt->healthOps;
    return ctl::Json{{"virtual_servers", rt->virtualServers},
                     {"ipvs", rt->ipvs.status()},
                     {"checks", std::move(checks)}};
  });
  // Every second (and after changes) only the totals: the full status above (~1 MB at 1 000 x
  // 10) goes to the supervisor when an lvsctl command asks for it.
  channel.setSummaryProvider([rt] {
    ctl::Json checks = rt->checks.summary();
    checks["health_ops_total"] = rt->healthOps;
    return ctl::Json{{"virtual_servers", rt->virtualServers},
                     {"ipvs", rt->ipvs.status(/*services=*/false)},
                     {"checks", std::move(checks)}};
  });
  channel.setReloadHandler(
      [rt, &channel](const config::Config& c) -> Result<void> {
        applyNice(channel, c.global.checker_priority, "checker_priority");
        rt->virtualServers = c.virtual_servers.size();
        // Only virtual servers changed (the usual edit): touch only those. A global or
        // check-script change, or a reload of the same file, re-applies everything.
        const uint32_t changed = channel.lastChanged() & section::kChecker;
        if (changed == section::kVirtualServers) {
          const auto& origins = channel.lastOrigins();
          const auto carried = rt->checks.reload(c, origins);
          std::vector<size_t> touched;
          touched.reserve(carried.size());
          for (const auto& ch : carried) {
            touched.push_back(ch.ref.vs);
          }
          rt->ipvs.reloadChanged(c, origins, touched, [&](ipvs::DesiredState&) {
            rt->toDesired(c, rt->checks.pool(), carried);
          });
        } else {
          const auto carried = rt->checks.reload(c);
          rt->ipvs.reload(
              c, [&](ipvs::DesiredState&) { rt->toDesired(c, rt->checks.pool(), carried); });
        }
        rt->armRetry();
        return {};
      },
      section::kChecker);
  channel.setAdminHandler([rt](const ctl::Json& admin) {
    const auto errors = rt->checks.setOverrides(
        check::overridesFromJson(admin.value("overrides", ctl::Json::array())));
    for (const auto& e : errors) {
      rt->log_.warning("operator override not applied: " + e, {{"event", "check_operator"}});
    }
  });
  // keepalived's omega: notify_down / quorum_down run at stop (bounded below the supervisor's
  // 5-s stop timeout), then the IPVS table is kept or removed as on_stop says.
  channel.setAsyncStopHandler([rt](std::function<void()> done) {
    rt->retryTimer.cancel();
    rt->checks.runOmega(std::chrono::seconds(3), [rt, done = std::move(done)] {
      rt->ipvs.stop();
      done();
    });
  });
  return channel.run();
}

}  // namespace lvsd::daemon
