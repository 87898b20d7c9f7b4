#pragma once
// Programs the kernel's IPVS table over generic netlink: read it, apply ops, sync to a desired
// table with per-service rollback.

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "ipvs/diff.h"
#include "ipvs/model.h"
#include "ipvs/msg.h"
#include "ipvs/ops.h"

namespace lvsd::ipvs {

namespace nl {
class GenlSocket;
}

struct OpResult {
  IpvsOp op;
  int error = 0;        ///< 0 = applied, else positive errno
  std::string message;  ///< explain(op, error) when it failed
};

struct ServiceFailure {
  ServiceKey key;
  std::string message;      ///< the first error for this service
  bool rolledBack = false;  ///< the service's applied ops were undone
};

struct ApplyReport {
  std::vector<OpResult> results;       ///< one per op sent, in order (rollback ops excluded)
  std::vector<ServiceFailure> failed;  ///< services that could not be brought to the desired state
  std::vector<std::string> errors;     ///< every problem, one line each (validation included)
  size_t opsSent = 0;                  ///< netlink operations issued, rollback included
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

class Programmer {
public:
  /// Opens the IPVS generic netlink family.
  static Result<std::unique_ptr<Programmer>> open();
  ~Programmer();
  Programmer(const Programmer&) = delete;
  Programmer& operator=(const Programmer&) = delete;

  /// Dumps services (with their destinations and stats), timeouts and sync daemons, and keeps
  /// the result as the cached view of the kernel.
  Result<Table> readKernel();
  /// Dumps the destinations of one service (not cached; for tests and tools that watch one
  /// service without dumping the whole table).
  Result<std::vector<Destination>> readDests(const ServiceKey& key);
  /// Sends @p ops pipelined; one result per op (nothing is rolled back).
  Result<std::vector<OpResult>> applyOps(const std::vector<IpvsOp>& ops);
  /// Brings the services in scope to @p desired: validate, diff against the cached kernel view
  /// (read first when there is none, or when @p refresh), apply, and roll back each service
  /// whose ops failed to what the kernel had; other services go on.
  ApplyReport sync(const Table& desired, const Scope& scope, bool refresh = false);

  Result<msg::Info> info();
  Result<void> zeroCounters();
  /// The cached view of the kernel (after the last read + successful ops).
  [[nodiscard]] const Table& cached() const { return cache_; }
  /// There is a cached view (a read succeeded and no failed send made it unknown since).
  [[nodiscard]] bool hasCache() const { return haveCache_; }

private:
  Programmer() = default;
  std::unique_ptr<nl::GenlSocket> sock_;
  Table cache_;
  bool haveCache_ = false;
};

}  // namespace lvsd::ipvs
