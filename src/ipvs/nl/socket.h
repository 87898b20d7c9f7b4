#pragma once
// A generic netlink socket bound to the kernel's "IPVS" family (libnl-genl-3 opens it and
// resolves the family; requests built by ipvs::msg are sent as raw bytes, pipelined).

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "common/result.h"
#include "ipvs/msg.h"

struct nl_sock;

namespace lvsd::ipvs::nl {

class GenlSocket {
public:
  /// Opens the socket and resolves "IPVS" (which autoloads ip_vs).
  static Result<std::unique_ptr<GenlSocket>> open();
  ~GenlSocket();
  GenlSocket(const GenlSocket&) = delete;
  GenlSocket& operator=(const GenlSocket&) = delete;

  [[nodiscard]] uint16_t family() const { return family_; }
  uint32_t nextSeq() { return ++seq_; }

  /// Sends requests (each with NLM_F_ACK, sequence numbers @p firstSeq .. firstSeq+count-1) in
  /// large batches without waiting per request, and matches every ACK/error to its request.
  /// @return per request: 0 or a positive errno; or an error when the socket fails.
  Result<std::vector<int>> transact(std::span<const uint8_t> requests, uint32_t firstSeq,
                                    size_t count);

  /// Sends one request (dump or get) and calls @p onMessage for each data message of the reply.
  /// @return the kernel's error (positive errno in Error::code) or success.
  Result<void> request(std::span<const uint8_t> req, uint32_t seq,
                       const std::function<void(const msg::Message&)>& onMessage);

private:
  GenlSocket() = default;
  Result<size_t> receive();

  nl_sock* sock_ = nullptr;
  int fd_ = -1;
  uint16_t family_ = 0;
  uint32_t seq_ = 0;
  std::vector<uint8_t> rx_;
};

}  // namespace lvsd::ipvs::nl
