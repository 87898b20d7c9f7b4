// The VRRP child: runs the VRRP engine on the child's loop and reports its status.
#include <memory>

#include "daemon/child.h"
#include "daemon/config_codec.h"
#include "vrrp/config/engine_config.h"
#include "vrrp/io/engine.h"

namespace lvsd::daemon {

namespace {

struct VrrpRuntime {
  std::unique_ptr<vrrp::io::Engine> engine;
  vrrp::EngineConfig mapped;
};

Result<void> startEngine(VrrpRuntime& rt, const config::Config& config, ChildChannel& channel) {
  auto mapped = vrrp::mapConfig(config);
  if (!mapped) {
    return Unexpected(mapped.error());
  }
  rt.mapped = *mapped;
  rt.engine = std::make_unique<vrrp::io::Engine>(
      channel.io(), channel.logger().forComponent("vrrp"), std::move(*mapped));
  rt.engine->setStateChangeHook([&channel] { channel.reportNow(); });
  return rt.engine->start();
}

}  // namespace

int runVrrpChild(const config::Config& config, ChildChannel& channel) {
  applyNice(channel, config.global.vrrp_priority, "vrrp_priority");
  auto rt = std::make_shared<VrrpRuntime>();
  if (auto r = startEngine(*rt, config, channel); !r) {
    channel.logger().error("vrrp engine failed to start: " + r.error().message,
                           {{"event", "vrrp_start_failed"}});
    if (rt->engine) {
      rt->engine->shutdown();
    }
    return 1;
  }
  channel.setStatusProvider([rt] {
    return ctl::Json{{"vrrp_instances", rt->mapped.instances.size()},
                     {"vrrp", rt->engine ? rt->engine->status() : ctl::Json::object()}};
  });
  channel.setStopHandler([rt] {
    if (rt->engine) {
      rt->engine->shutdown();
    }
  });
  channel.setReloadHandler(
      [rt, &channel](const config::Config& c) -> Result<void> {
        applyNice(channel, c.global.vrrp_priority, "vrrp_priority");
        // The engine has no in-place reconfiguration yet: an unchanged VRRP section keeps running
        // untouched; a changed one is restarted (Masters resign first).
        auto mapped = vrrp::mapConfig(c);
        if (!mapped) {
          return Unexpected(mapped.error());
        }
        if (rt->engine && *mapped == rt->mapped) {
          return {};
        }
        if (rt->engine) {
          rt->engine->shutdown();
          rt->engine.reset();
        }
        return startEngine(*rt, c, channel);
      },
      section::kVrrp);
  return channel.run();
}

}  // namespace lvsd::daemon
