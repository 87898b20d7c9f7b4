#pragma once
// One change to the kernel's IPVS table: what diff() produces and the programmer sends.

#include <string>
#include <vector>

#include "ipvs/model.h"

namespace lvsd::ipvs {

enum class OpKind : uint8_t {
  AddService,
  EditService,
  DelService,
  AddDest,
  EditDest,
  DelDest,
  SetTimeouts,
  StartDaemon,
  StopDaemon,
  Flush,
};

/// An operation. Service ops use svc (settings, dests ignored); dest ops use svc.key + dest;
/// SetTimeouts uses timeouts; daemon ops use daemon.
struct IpvsOp {
  OpKind kind = OpKind::AddService;
  Service svc;
  Destination dest;
  Timeouts timeouts;
  SyncDaemon daemon;

  static IpvsOp addService(Service s);
  static IpvsOp editService(Service s);
  static IpvsOp delService(const ServiceKey& k);
  static IpvsOp addDest(const ServiceKey& k, const Destination& d);
  static IpvsOp editDest(const ServiceKey& k, const Destination& d);
  static IpvsOp delDest(const ServiceKey& k, const Destination& d);

  /// True for ops that act on one virtual service (all but timeouts/daemons/flush).
  [[nodiscard]] bool isServiceOp() const { return kind <= OpKind::DelDest; }
};

/// "add service TCP 10.0.0.1:80 rr", "edit dest TCP 10.0.0.1:80 -> 10.0.2.11:80 weight 3", ...
std::string describe(const IpvsOp& op);

}  // namespace lvsd::ipvs
