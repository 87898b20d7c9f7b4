#pragma once
// The checker's model of every virtual server (pure): per real server its checks' last results,
// aggregate health (up while all checks pass; no checks = always up), the DestTracker that turns
// results into a weight, the operator override from lvsctl, and per virtual server the quorum.
// Every entry point returns the real servers whose desired IPVS entry changed, so the caller
// sends one IPVS edit per changed weight.
//
// The Pool does not run probes: the caller owns a CheckRunner, registers each check's id with
// setCheckId(), and feeds results back with onResult().

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check/config/from_config.h"
#include "check/core/check_ids.h"
#include "check/core/quorum.h"
#include "check/core/weight.h"
#include "config/model.h"

namespace lvsd::check {

/// Where a real server sits in the pool (indexes into the config's lists).
struct RealRef {
  size_t vs = 0;
  size_t rs = 0;
  bool operator==(const RealRef&) const = default;
};

/// The desired IPVS entry of a real server as ipvs::DesiredState expresses it.
struct Placement {
  bool up = true;       ///< in service (a down server is removed, or kept at 0 when inhibited)
  uint32_t weight = 0;  ///< weight while up
  bool operator==(const Placement&) const = default;
};

struct RealChange {
  RealRef ref;
  Placement placement;
};

class Pool {
public:
  struct Check {
    CheckPlan plan;
    CheckId id = 0;  ///< the runner's id (0 = not running: the probe could not be built)
    bool up = true;
    std::optional<Outcome> last;
    MonoTime lastAt{};
    uint64_t results = 0;
    uint64_t failures = 0;
    std::string error;  ///< why the probe could not be built
  };
  struct Real {
    IpAddress address;
    uint16_t port = 0;
    WeightParams weightParams;
    std::vector<Check> checks;
    std::optional<DestTracker> tracker;
    bool up = true;
    uint64_t transitions = 0;
    MonoTime lastChange{};
    Placement placement;  ///< what the IPVS desired state holds
    Placement baseline;   ///< what DesiredState::fromConfig holds for this server
    OperatorMode opMode = OperatorMode::Enabled;
    std::optional<uint32_t> opWeight;
    Duration lastLatency{};
    bool hasLatency = false;
    uint64_t contrib = 0;  ///< this server's share of the quorum sum
  };
  struct Virtual {
    std::string name;
    std::string service;  ///< "TCP 10.0.0.1:80" (ipvs::toString of the service key)
    QuorumParams quorumParams;
    Quorum quorum{QuorumParams{}};
    bool hasSorry = false;
    std::vector<Real> reals;
    Duration latencySum{};  ///< sum of the reals' last Up latencies (feedback reference)
    size_t latencyCount = 0;
    uint64_t quorumChanges = 0;
    uint64_t servingSum = 0;  ///< sum of target weights of serving reals (quorum input)
    bool sorryMode = false;   ///< quorum lost with a sorry server: reals out, sorry in
  };

  Pool() = default;
  /// Builds the pool from @p config at @p now (health as configured: up unless alpha).
  /// @param services "TCP vip:port" per virtual server (same order as config.virtual_servers).
  Pool(const config::Config& config, const std::vector<std::string>& services, MonoTime now);

  /// Carries state from @p old for real servers with the same service, address and port: health,
  /// counters, tracker (when its weight parameters are unchanged), operator override, and each
  /// check whose plan is unchanged (its runner id with it).
  /// @return runner ids of old checks that were not carried over (the caller removes them).
  std::vector<CheckId> migrateFrom(Pool& old, MonoTime now);

  /// Per virtual server of a new config: the index of the old config's server it is, carried
  /// unchanged, or nullopt when it is new or changed (daemon/config_codec.h ServerOrigins).
  using Origins = std::vector<std::optional<size_t>>;
  /// The incremental form of Pool(config) + migrateFrom(old) for a reload that says which
  /// virtual servers changed: a server with an origin is moved over from @p old whole (health,
  /// checks and their ids, placements, slow-start ramp); only the others are built from
  /// @p config, each migrating from the old server of the same service that is not carried.
  /// Placements of rebuilt servers are the config's baseline: run refresh() on each of
  /// rebuilt(). Equivalent to the full path for the servers it rebuilds; the carried ones are
  /// left exactly as they were (their desired IPVS entries need nothing).
  /// @return runner ids of old checks that were not carried over (the caller removes them).
  std::vector<CheckId> reloadFrom(Pool& old, const config::Config& config, const Origins& origins,
                                  MonoTime now);
  /// The servers the last reloadFrom() built from the config (indexes into virtuals()).
  [[nodiscard]] const std::vector<size_t>& rebuilt() const { return rebuilt_; }
  /// Maps changes made against the pool before a reloadFrom() (e.g. not yet applied) to the
  /// carried servers' new positions; changes of servers not carried are dropped.
  static std::vector<RealChange> remap(const std::vector<RealChange>& changes,
                                       const Origins& origins);

  /// @return the checks that still need a runner id (new, or not carried over).
  [[nodiscard]] std::vector<std::pair<RealRef, size_t>> checksWithoutId() const;
  void setCheckId(RealRef r, size_t check, CheckId id);
  void setCheckError(RealRef r, size_t check, std::string error);
  /// Where a check sits: its real server and its index among that server's checks.
  using CheckRef = std::pair<RealRef, size_t>;
  [[nodiscard]] std::optional<CheckRef> findCheck(CheckId id) const;

  /// A probe result and the scheduler's verdict for check @p id.
  std::vector<RealChange> onResult(CheckId id, const Outcome& outcome, bool checkUp, MonoTime now);
  /// The same for a check already found with findCheck() (one lookup per result), appending the
  /// changes to @p out (which a caller can reuse: no allocation per result).
  void onResult(CheckRef where, const Outcome& outcome, bool checkUp, MonoTime now,
                std::vector<RealChange>& out);
  /// Slow-start steps due at @p now.
  std::vector<RealChange> tick(MonoTime now);
  /// @return when tick() has work next.
  [[nodiscard]] std::optional<MonoTime> nextTick(MonoTime now) const;
  /// lvsctl weight/drain/enable/disable.
  std::vector<RealChange> setOperator(RealRef r, OperatorMode mode, std::optional<uint32_t> weight,
                                      MonoTime now);
  /// Forgets what the IPVS desired state holds and assumes the fresh one of the config (as
  /// DesiredState::fromConfig builds it); refreshAll() then reports every difference.
  void resetPlacements();
  /// Recomputes every virtual server (e.g. after a reload).
  std::vector<RealChange> refreshAll(MonoTime now);
  /// Recomputes virtual server @p vi only (quorum, sorry mode, placements), appending to @p out.
  void refresh(size_t vi, MonoTime now, std::vector<RealChange>& out);

  [[nodiscard]] const std::vector<Virtual>& virtuals() const { return virtuals_; }
  [[nodiscard]] size_t checkCount() const { return byId_.size(); }

private:
  /// After real @p r's decision may have changed: updates its quorum contribution, the quorum
  /// and the placements (all of the virtual server's when the sorry mode flips).
  void evaluate(RealRef r, MonoTime now, std::vector<RealChange>& out);
  void place(RealRef r, std::vector<RealChange>& out);
  void trackRamp(RealRef r, MonoTime now);
  Real& real(RealRef r) { return virtuals_[r.vs].reals[r.rs]; }
  /// One virtual server as the config describes it (health as configured, placement = baseline).
  static Virtual build(const config::Global& global, const config::VirtualServer& vs,
                       std::string service, MonoTime now);
  /// Carries state from @p o (the same service in the old pool) into @p v; @p taken marks the
  /// old reals already carried (one flag per real of @p o).
  static void migrateVirtual(Virtual& v, Virtual& o, std::vector<bool>& taken, MonoTime now);
  void indexChecks(size_t vi);

  std::vector<Virtual> virtuals_;
  CheckTable<CheckRef> byId_;  ///< looked up once per result (by slot, no hashing)
  std::map<std::pair<size_t, size_t>, MonoTime> ramping_;  ///< reals in slow start -> next step
  std::vector<size_t> rebuilt_;
};

}  // namespace lvsd::check
