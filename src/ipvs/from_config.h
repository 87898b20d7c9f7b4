#pragma once
// Config model -> desired IPVS state (pure). DesiredState is what the checker child programs: it
// starts from the config and changes only through its setters (health and feedback will drive
// them), each returning the ops that take the kernel from the old to the new desired table.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "config/model.h"
#include "ipvs/model.h"
#include "ipvs/ops.h"

namespace lvsd::ipvs {

/// The IPVS identity of a virtual server (fwmark + family, or protocol + VIP + port).
ServiceKey serviceKey(const config::VirtualServer& vs);
/// Service-level settings: scheduler, scheduler flags, persistence, one-packet (no destinations).
Service serviceSettings(const config::VirtualServer& vs);
/// A real server as a destination of @p vs (forwarding, tunnel, weight, thresholds).
Destination destination(const config::VirtualServer& vs, const config::RealServer& rs);
/// ipvs_timeouts; nullopt when all are 0 (the kernel values are left alone).
std::optional<Timeouts> timeouts(const config::Global& g);
/// The sync daemon to run; one following a VRRP instance starts as backup (see docs).
SyncDaemon syncDaemon(const config::IpvsSyncDaemon& d);
/// Fills the 0 ("leave unchanged") fields of @p desired from @p kernel so diff() does not send
/// a timeout update every time.
Timeouts resolveTimeouts(const Timeouts& desired, const std::optional<Timeouts>& kernel);

/// The desired IPVS table and what drives it. Every real server starts up, except with `alpha`
/// when it has checks (then it starts down until the health checker says otherwise).
class DesiredState {
public:
  struct Real {
    Destination dest;      ///< as configured (weight = configured weight)
    bool up = true;        ///< health
    int32_t weight = 0;    ///< current weight (health/feedback may change it)
    bool inhibit = false;  ///< down: keep with weight 0 instead of removing
  };
  struct Virtual {
    std::string name;  ///< config name (lvsctl, logs)
    Service settings;  ///< service-level fields, no destinations
    std::vector<Real> reals;
    std::optional<Destination> sorry;  ///< sorry server, used while no real server is up
    bool sorryInhibit = false;         ///< keep the sorry server at weight 0 while others are up
    bool keepOnStop = false;           ///< on_stop = keep
  };

  DesiredState() = default;
  static DesiredState fromConfig(const config::Config& c);
  /// The incremental form of fromConfig(@p c) for a reload that says which virtual servers
  /// changed: per server of @p c, @p origins holds the index of the server of @p old it is
  /// (moved over as it is, health and weights included) or nullopt (built from @p c).
  static DesiredState reloadFrom(DesiredState&& old, const config::Config& c,
                                 const std::vector<std::optional<size_t>>& origins);

  /// The desired table (services in config order, timeouts, sync daemon).
  [[nodiscard]] Table table() const;
  /// The desired table of the services at @p indexes only (into virtuals(); no timeouts, no
  /// sync daemon): with Scope::only(their keys + removed keys) the diff touches nothing else.
  [[nodiscard]] Table partialTable(const std::vector<size_t>& indexes) const;
  /// The services to leave in the kernel when lvsd stops (on_stop = keep); the others are removed.
  [[nodiscard]] Table tableOnStop() const;
  /// Keys of every virtual server of the config (the scope lvsd owns).
  [[nodiscard]] std::vector<ServiceKey> keys() const;
  [[nodiscard]] const std::vector<Virtual>& virtuals() const { return virtuals_; }
  /// The config name of a service, "" when the config does not name it.
  [[nodiscard]] std::string nameOf(const ServiceKey& k) const;
  /// The service as desired now (settings + destinations), nullptr when unknown.
  [[nodiscard]] std::optional<Service> service(const ServiceKey& k) const;

  /// Sets a real server's weight (feedback, slow start). @return the ops that change the kernel
  /// from the previous desired table (one EditDest when the server is in the table, none when it
  /// is down and absent), or an error for an unknown service/server or a weight out of 0..65535.
  Result<std::vector<IpvsOp>> setRealServerWeight(const ServiceKey& vs, const IpAddress& addr,
                                                  uint16_t port, int32_t weight);
  /// Marks a real server up or down (health). Down removes it, or sets weight 0 with
  /// inhibit_on_failure; the sorry server comes in when no real server is up. @return the ops.
  Result<std::vector<IpvsOp>> setRealServerUp(const ServiceKey& vs, const IpAddress& addr,
                                              uint16_t port, bool up);

private:
  Virtual* find(const ServiceKey& k);
  [[nodiscard]] const Virtual* find(const ServiceKey& k) const;
  static Service build(const Virtual& v);
  static Virtual buildVirtual(const config::VirtualServer& vs);
  void reindex();

  std::vector<Virtual> virtuals_;
  std::unordered_map<ServiceKey, size_t, ServiceKeyHash> index_;  ///< key -> virtuals_ index
  std::optional<Timeouts> timeouts_;
  std::optional<SyncDaemon> daemon_;
};

}  // namespace lvsd::ipvs
