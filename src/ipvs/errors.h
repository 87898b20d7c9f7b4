#pragma once
// Kernel errno from an IPVS operation -> a message that names the cause.

#include <string>

#include "ipvs/ops.h"

namespace lvsd::ipvs {

/// @param op the operation the kernel refused
/// @param err positive errno from the netlink error message
/// @return e.g. "add service TCP 10.0.0.1:80 foo: scheduler 'foo' not found (kernel module
///         ip_vs_foo missing?)"
std::string explain(const IpvsOp& op, int err);

}  // namespace lvsd::ipvs
