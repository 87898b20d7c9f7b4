#include "ipvs/ops.h"

#include <utility>

namespace lvsd::ipvs {

namespace {
IpvsOp svcOp(OpKind k, Service s) {
  IpvsOp op;
  op.kind = k;
  op.svc = std::move(s);
  op.svc.dests.clear();
  return op;
}
IpvsOp destOp(OpKind k, const ServiceKey& key, const Destination& d) {
  IpvsOp op;
  op.kind = k;
  op.svc.key = key;
  op.dest = d;
  return op;
}
}  // namespace

IpvsOp IpvsOp::addService(Service s) { return svcOp(OpKind::AddService, std::move(s)); }
IpvsOp IpvsOp::editService(Service s) { return svcOp(OpKind::EditService, std::move(s)); }
IpvsOp IpvsOp::delService(const ServiceKey& k) {
  Service s;
  s.key = k;
  return svcOp(OpKind::DelService, std::move(s));
}
IpvsOp IpvsOp::addDest(const ServiceKey& k, const Destination& d) {
  return destOp(OpKind::AddDest, k, d);
}
IpvsOp IpvsOp::editDest(const ServiceKey& k, const Destination& d) {
  return destOp(OpKind::EditDest, k, d);
}
IpvsOp IpvsOp::delDest(const ServiceKey& k, const Destination& d) {
  return destOp(OpKind::DelDest, k, d);
}

std::string describe(const IpvsOp& op) {
  const std::string svc = toString(op.svc.key);
  const std::string dst = " -> " + formatEndpoint(op.dest.addr, op.dest.port);
  switch (op.kind) {
    case OpKind::AddService:
      return "add service " + svc + " " + op.svc.scheduler;
    case OpKind::EditService:
      return "edit service " + svc + " " + op.svc.scheduler;
    case OpKind::DelService:
      return "delete service " + svc;
    case OpKind::AddDest:
      return "add destination " + svc + dst + " weight " + std::to_string(op.dest.weight);
    case OpKind::EditDest:
      return "edit destination " + svc + dst + " weight " + std::to_string(op.dest.weight);
    case OpKind::DelDest:
      return "delete destination " + svc + dst;
    case OpKind::SetTimeouts:
      return "set timeouts tcp " + std::to_string(op.timeouts.tcp) + " tcpfin " +
             std::to_string(op.timeouts.tcpFin) + " udp " + std::to_string(op.timeouts.udp);
    case OpKind::StartDaemon:
      return std::string("start sync daemon ") +
             (op.daemon.state == DaemonState::Master ? "master" : "backup") + " on " +
             op.daemon.interface + " syncid " + std::to_string(op.daemon.syncId);
    case OpKind::StopDaemon:
      return std::string("stop sync daemon ") +
             (op.daemon.state == DaemonState::Master ? "master" : "backup");
    case OpKind::Flush:
      return "flush";
  }
  return "?";
}

}  // namespace lvsd::ipvs
