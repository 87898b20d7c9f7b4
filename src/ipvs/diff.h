#pragma once
// diff(kernel, desired, scope): the minimal ordered list of operations that turns the kernel's
// IPVS table into the desired one, touching only the services in scope (Katran's delta pattern).

#include <span>
#include <vector>

#include "ipvs/model.h"
#include "ipvs/ops.h"

namespace lvsd::ipvs {

/// Which kernel services lvsd may change or delete. Services named by the desired table are
/// always in scope; others only when listed (e.g. those a previous config owned) or with all.
struct Scope {
  bool all = false;
  std::vector<ServiceKey> owned;

  static Scope everything() { return Scope{true, {}}; }
  static Scope only(std::vector<ServiceKey> keys) { return Scope{false, std::move(keys)}; }
  [[nodiscard]] bool owns(const ServiceKey& k) const;
};

/// Order: new services (each followed by its destinations), then per existing service:
/// destination additions, edits, the service edit (so a new scheduler starts from the final
/// destinations and weights), and removals last (no moment with fewer servers than needed), then
/// removal of services no longer desired, then timeouts and sync daemons.
/// A weight-only change is exactly one EditDest; a scheduler/flags/persistence change is one
/// EditService.
std::vector<IpvsOp> diff(const Table& kernel, const Table& desired, const Scope& scope);

/// Operations that undo @p done (ops that succeeded), given the kernel table before them.
/// Used to roll a failed service back to what the kernel had.
std::vector<IpvsOp> inverse(const std::vector<IpvsOp>& done, const Table& before);

/// Applies a successful @p op to a table model (keeps a cached view of the kernel in step).
void applyTo(Table& t, const IpvsOp& op);
/// The same for many ops at once (indexed: linear in the table plus the ops).
void applyTo(Table& t, std::span<const IpvsOp> ops);

}  // namespace lvsd::ipvs
