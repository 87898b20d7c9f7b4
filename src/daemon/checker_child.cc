// The checker child: IPVS programming (daemon/ipvs_manager.h) and, later, the health checks
// that drive its desired state. Reports {"virtual_servers": n, "ipvs": {...}}.
#include <memory>

#include "daemon/child.h"
#include "daemon/ipvs_manager.h"

namespace lvsd::daemon {

namespace {

struct CheckerRuntime {
  explicit CheckerRuntime(Logger log) : ipvs(std::move(log)) {}
  size_t virtualServers = 0;
  IpvsManager ipvs;
};

}  // namespace

int runCheckerChild(const config::Config& config, ChildChannel& channel) {
  auto rt = std::make_shared<CheckerRuntime>(channel.logger().forComponent("ipvs"));
  rt->virtualServers = config.virtual_servers.size();
  rt->ipvs.start(config);
  channel.setStatusProvider([rt] {
    return ctl::Json{{"virtual_servers", rt->virtualServers}, {"ipvs", rt->ipvs.status()}};
  });
  channel.setReloadHandler([rt](const config::Config& c) -> Result<void> {
    rt->virtualServers = c.virtual_servers.size();
    rt->ipvs.reload(c);
    return {};
  });
  channel.setStopHandler([rt] { rt->ipvs.stop(); });
  return channel.run();
}

}  // namespace lvsd::daemon
