#pragma once
// Raw IPPROTO_VRRP (112) socket for one interface and address family, on an Asio loop.
// IPv4: the kernel hands us the IP header, from which source, destination and TTL are read.
// IPv6: IPV6_RECVHOPLIMIT and IPV6_RECVPKTINFO supply Hop Limit and destination. Sending sets
// TTL/Hop Limit 255, picks the source with IP_PKTINFO / IPV6_PKTINFO, never loops multicast
// back, and marks adverts as network control (TOS / traffic class 0xc0, SO_PRIORITY 6, which
// puts them in the first band of a prio / pfifo_fast qdisc). Each received packet carries the
// kernel's receive time (SO_TIMESTAMPNS), converted to the steady clock. The checksum is computed
// by the codec (IPV6_CHECKSUM stays off so bad ones can be counted rather than silently dropped by
// the kernel).

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/clock.h"
#include "common/result.h"
#include "vrrp/codec/codec.h"

namespace lvsd::vrrp::io {

/// 224.0.0.18 / ff02::12 (RFC 5798 §5.1.1.2, §5.1.2.2).
IpAddress vrrpGroup(Family family);

/// One received VRRP packet (payload = bytes after the IP header).
struct RxPacket {
  std::span<const uint8_t> payload;
  RxMeta meta;
  std::optional<MonoTime> rxTime;  ///< kernel receive time (steady clock), if reported
};

/// A received packet that owns its bytes (read ahead of its turn, see RawSocket::readQueued).
struct QueuedPacket {
  std::vector<uint8_t> payload;
  RxMeta meta;
  std::optional<MonoTime> rxTime;
  [[nodiscard]] RxPacket view() const { return RxPacket{payload, meta, rxTime}; }
};

class RawSocket {
public:
  /// Called for each packet; the span is valid only during the call.
  using Handler = std::function<void(const RxPacket&)>;

  /// Opens, binds to @p ifname and joins the VRRP group (when @p joinGroup).
  static Result<std::unique_ptr<RawSocket>> open(boost::asio::io_context& io, Family family,
                                                 const std::string& ifname, bool joinGroup);
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  /// Starts receiving; at most kBatch packets are read per wake-up so a flood cannot starve
  /// timers on the same loop.
  void start(Handler handler);
  /// Reads up to @p max packets already queued in the socket, now, without waiting and without
  /// calling the handler: for a caller that must order them against a timer (Master_Down).
  std::vector<QueuedPacket> readQueued(size_t max);
  /// Sends @p payload (PDU [+ trailer]) from @p src to @p dst. Never blocks.
  Result<void> send(std::span<const uint8_t> payload, const IpAddress& src, const IpAddress& dst);

  [[nodiscard]] Family family() const { return family_; }
  [[nodiscard]] int ifindex() const { return ifindex_; }
  [[nodiscard]] uint64_t received() const { return received_; }
  [[nodiscard]] uint64_t malformed() const { return malformed_; }

  static constexpr int kBatch = 64;

private:
  RawSocket(boost::asio::io_context& io, int fd, Family family, int ifindex);
  void wait();
  void drain();
  /// Reads one packet into buf_ (valid until the next read); false when the queue is empty.
  bool readOne(RxPacket& pkt);

  boost::asio::posix::stream_descriptor sd_;
  Family family_;
  int ifindex_;
  Handler handler_;
  std::vector<uint8_t> buf_;
  uint64_t received_ = 0;
  uint64_t malformed_ = 0;  ///< not even an IP header / wrong protocol
};

}  // namespace lvsd::vrrp::io
