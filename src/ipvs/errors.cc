#include "ipvs/errors.h"

#include <cerrno>
#include <cstring>

namespace lvsd::ipvs {

namespace {
std::string cause(const IpvsOp& op, int err) {
  const bool svcOp = op.kind == OpKind::AddService || op.kind == OpKind::EditService;
  const bool destOp =
      op.kind == OpKind::AddDest || op.kind == OpKind::EditDest || op.kind == OpKind::DelDest;
  switch (err) {
    case ENOENT:
      if (svcOp) {
        if (!op.svc.peName.empty()) {
          return "scheduler '" + op.svc.scheduler + "' or persistence engine '" + op.svc.peName +
                 "' not found (kernel module ip_vs_" + op.svc.scheduler + " or ip_vs_pe_" +
                 op.svc.peName + " missing?)";
        }
        return "scheduler '" + op.svc.scheduler + "' not found (kernel module ip_vs_" +
               op.svc.scheduler + " missing?)";
      }
      if (destOp) {
        return "no such destination";
      }
      return "not found";
    case ESRCH:
      return "no such virtual service";
    case EEXIST:
      return destOp ? "destination already exists" : "virtual service already exists";
    case ERANGE:
      return "weight or thresholds out of range (weight >= 0, lower <= upper threshold)";
    case EAFNOSUPPORT:
      return "address family not supported by this kernel (IPv6 IPVS disabled?)";
    case EINVAL:
      if (destOp && op.dest.addr.family() != op.svc.key.family) {
        return "address family mismatch: an IPv" +
               std::string(op.svc.key.family == Family::V6 ? "6" : "4") + " service takes IPv" +
               std::string(op.dest.addr.isV6() ? "6" : "4") +
               " destinations only with tunnel forwarding";
      }
      if (destOp) {
        return "invalid destination (address not unicast here: no route to it?, or bad "
               "forwarding/tunnel settings)";
      }
      if (op.kind == OpKind::StartDaemon) {
        // Linux refuses a sync daemon while any destination's family differs from its
        // service's (ip_vs_genl_new_daemon: mixed_address_family_dests > 0); checked in the
        // 6.1 guest with ipvsadm too.
        return "invalid sync daemon settings (interface name, syncid, group?), or the table has a "
               "destination whose address family differs from its service's (an IPv4 tunnel real "
               "server in an IPv6 service): the kernel's sync protocol cannot carry those";
      }
      return "invalid argument (rejected by the kernel)";
    case EPERM:
      return "permission denied (needs CAP_NET_ADMIN)";
    case ENODEV:
      return "no such interface";
    case EBUSY:
      return "busy (sync daemon already running?)";
    case ENOMEM:
      return "out of kernel memory";
    default:
      return std::strerror(err);
  }
}
}  // namespace

std::string explain(const IpvsOp& op, int err) {
  return describe(op) + ": " + cause(op, err) + " (errno " + std::to_string(err) + ")";
}

}  // namespace lvsd::ipvs
