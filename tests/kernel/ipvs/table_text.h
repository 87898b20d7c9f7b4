#pragma once
// A small line format for desired IPVS tables, used by the guest tests and the benchmark:
//   service tcp|udp|sctp ADDR:PORT | fwm MARK [v6]   sched NAME [flags a,b] [timeout S]
//           [netmask MASK|PLEN] [pe NAME]
//   dest ADDR:PORT [fwd masq|dr|tun|local] [weight W] [uthresh N] [lthresh N]
//        [tun ipip|gue|gre] [tunport P] [tunflags csum,remcsum]
//   timeouts TCP TCPFIN UDP
//   daemon master|backup IFNAME syncid N [group ADDR] [port P] [ttl T] [maxlen L]
// '#' starts a comment. IPv6 endpoints are written [addr]:port.

#include <string>

#include "common/result.h"
#include "ipvs/model.h"

namespace lvsd::ipvs::tool {

Result<Table> parseTable(const std::string& text);

}  // namespace lvsd::ipvs::tool
