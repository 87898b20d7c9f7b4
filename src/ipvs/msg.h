#pragma once
// IPVS generic netlink messages: pure builders (IpvsOp/dump request -> bytes) and parsers
// (reply bytes -> model). Attribute formats follow include/uapi/linux/ip_vs.h.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ipvs/model.h"
#include "ipvs/ops.h"

namespace lvsd::ipvs::msg {

/// One netlink message from a reply stream.
struct Message {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t seq = 0;
  uint8_t cmd = 0;                 ///< genl command (data messages)
  int32_t error = 0;               ///< NLMSG_ERROR: 0 = ACK, else -errno
  std::span<const uint8_t> attrs;  ///< attributes after the genl header
  std::span<const uint8_t> whole;  ///< the complete message
  [[nodiscard]] bool isError() const;
  [[nodiscard]] bool isDone() const;
};

/// Splits a buffer received from a netlink socket into messages.
Result<std::vector<Message>> split(std::span<const uint8_t> buf);

/// Appends the request for @p op (NLM_F_REQUEST|NLM_F_ACK) to @p out.
void appendOp(std::vector<uint8_t>& out, const IpvsOp& op, uint16_t family, uint32_t seq);
void appendDumpServices(std::vector<uint8_t>& out, uint16_t family, uint32_t seq);
void appendDumpDests(std::vector<uint8_t>& out, uint16_t family, uint32_t seq,
                     const ServiceKey& key);
void appendDumpDaemons(std::vector<uint8_t>& out, uint16_t family, uint32_t seq);
void appendGetConfig(std::vector<uint8_t>& out, uint16_t family, uint32_t seq);
void appendGetInfo(std::vector<uint8_t>& out, uint16_t family, uint32_t seq);
void appendZero(std::vector<uint8_t>& out, uint16_t family, uint32_t seq);
/// CTRL_CMD_GETFAMILY for @p name on the genl controller.
void appendGetFamily(std::vector<uint8_t>& out, uint32_t seq, std::string_view name);

/// Reply parsers (one data message each).
Result<Service> parseService(const Message& m);
Result<Destination> parseDest(const Message& m);
Result<SyncDaemon> parseDaemon(const Message& m);
Result<Timeouts> parseConfig(const Message& m);
struct Info {
  uint32_t version = 0;
  uint32_t connTabSize = 0;
};
Result<Info> parseInfo(const Message& m);
Result<uint16_t> parseFamilyId(const Message& m);

/// Inverse of appendOp: decodes a request (used by tests and fuzzing).
Result<IpvsOp> parseRequest(const Message& m);

}  // namespace lvsd::ipvs::msg
