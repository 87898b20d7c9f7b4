// UDP probe (payload/expect; ICMP port unreachable = down) and DNS probe (one query over UDP,
// judged by the pure DNS parser). Connected UDP sockets make the kernel report ICMP errors as
// ECONNREFUSED on the next receive.

#include <array>
#include <random>

#include "check/core/dns_message.h"
#include "check/io/probe_base.h"
#include "check/io/probers.h"

namespace lvsd::check {

namespace {

using udp = asio::ip::udp;

class DatagramRun : public ProbeRunBase {
public:
  DatagramRun(asio::io_context& io, Duration timeout, udp::endpoint ep,
              std::optional<IpAddress> source, std::string payload)
      : ProbeRunBase(io, timeout),
        ep_(ep),
        source_(source),
        payload_(std::move(payload)),
        sock_(io) {}

protected:
  /// @return an outcome when @p reply settles the attempt, nullopt to keep reading.
  virtual std::optional<Outcome> onReply(std::string_view reply) = 0;

private:
  void begin() override {
    boost::system::error_code ec;
    sock_.open(ep_.protocol(), ec);
    if (ec) {
      return finish(failure(ec, "udp: " + errText(ec)));
    }
    if (source_) {  // bind_address: the datagram leaves from there (any port)
      sock_.bind(udp::endpoint(toAsio(*source_), 0), ec);
      if (ec) {
        return finish(failure(ec, "bind: " + errText(ec)));
      }
    }
    sock_.connect(ep_, ec);  // no handshake: just fixes the peer and enables ICMP errors
    if (ec) {
      return finish(failure(ec, "udp: " + errText(ec)));
    }
    sock_.async_send(asio::buffer(payload_),
                     [self = selfAs<DatagramRun>()](const boost::system::error_code& sec, size_t) {
                       if (self->finished()) {
                         return;
                       }
                       if (sec) {
                         return self->finish(Outcome::down("udp send: " + errText(sec)));
                       }
                       self->receive();
                     });
  }
  void closeAll() override {
    boost::system::error_code ignored;
    sock_.close(ignored);
  }
  void receive() {
    sock_.async_receive(asio::buffer(buf_), [self = selfAs<DatagramRun>()](
                                                const boost::system::error_code& ec, size_t n) {
      if (self->finished()) {
        return;
      }
      if (ec == asio::error::connection_refused) {
        return self->finish(Outcome::down("udp: port unreachable"));
      }
      if (ec) {
        return self->finish(Outcome::down("udp receive: " + errText(ec)));
      }
      auto o = self->onReply(std::string_view(self->buf_.data(), std::min(n, self->buf_.size())));
      if (o) {
        return self->finish(std::move(*o));
      }
      self->receive();
    });
  }

  udp::endpoint ep_;
  std::optional<IpAddress> source_;
  std::string payload_;
  udp::socket sock_;
  std::array<char, 4096> buf_{};
};

class UdpRun : public DatagramRun {
public:
  UdpRun(asio::io_context& io, Duration timeout, const UdpSpec& s)
      : DatagramRun(io, timeout, udp::endpoint(toAsio(s.address), s.port), s.source, s.payload),
        expect_(s.expect),
        prefix_(s.expectPrefix),
        silenceIsUp_(s.silenceIsUp) {}

private:
  std::optional<Outcome> onReply(std::string_view reply) override {
    const bool found = prefix_ ? reply.substr(0, expect_.size()) == expect_
                               : reply.find(expect_) != std::string_view::npos;
    if (expect_.empty() || found) {
      return Outcome::up("udp: reply");
    }
    return Outcome::down("udp: reply lacks expected text");
  }
  Outcome onTimeout() override {
    if (expect_.empty() && silenceIsUp_) {
      return Outcome::up("udp: no reply, no ICMP error");
    }
    return Outcome::down("timeout");
  }
  std::string expect_;
  bool prefix_;
  bool silenceIsUp_;
};

class DnsRun : public DatagramRun {
public:
  DnsRun(asio::io_context& io, Duration timeout, const DnsSpec& s, uint16_t id,
         std::vector<uint8_t> query)
      : DatagramRun(io, timeout, udp::endpoint(toAsio(s.address), s.port), s.source,
                    std::string(query.begin(), query.end())),
        expect_(s.expect),
        id_(id) {}

private:
  std::optional<Outcome> onReply(std::string_view reply) override {
    std::vector<uint8_t> bytes(reply.begin(), reply.end());
    auto resp = parseDnsResponse(bytes);
    if (!resp) {
      return Outcome::down(resp.error().message);
    }
    if (resp->id != id_) {
      return std::nullopt;  // not ours (late or spoofed): keep waiting for the real answer
    }
    return evaluateDns(expect_, id_, *resp);
  }
  DnsExpect expect_;
  uint16_t id_;
};

template <class Run, class Spec>
class SimpleProber : public Prober {
public:
  SimpleProber(asio::io_context& io, Duration timeout, Spec s)
      : io_(io), timeout_(timeout), spec_(std::move(s)) {}
  std::shared_ptr<ProbeRun> run(ProbeDone done) override {
    if constexpr (std::is_same_v<Spec, DnsSpec>) {
      const auto id = static_cast<uint16_t>(rng_());
      auto q = buildDnsQuery(id, spec_.expect.name, spec_.expect.type);
      return startRun(std::make_shared<Run>(io_, timeout_, spec_, id, std::move(q.value())),
                      std::move(done));
    } else {
      return startRun(std::make_shared<Run>(io_, timeout_, spec_), std::move(done));
    }
  }

private:
  asio::io_context& io_;
  Duration timeout_;
  Spec spec_;
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace

ProberResult makeUdpProber(asio::io_context& io, const UdpSpec& s, Duration timeout) {
  if (s.port == 0) {
    return fail("udp probe: port 0");
  }
  return std::unique_ptr<Prober>(std::make_unique<SimpleProber<UdpRun, UdpSpec>>(io, timeout, s));
}

ProberResult makeDnsProber(asio::io_context& io, const DnsSpec& s, Duration timeout) {
  auto q = buildDnsQuery(1, s.expect.name, s.expect.type);
  if (!q) {
    return Unexpected(q.error());
  }
  return std::unique_ptr<Prober>(std::make_unique<SimpleProber<DnsRun, DnsSpec>>(io, timeout, s));
}

}  // namespace lvsd::check
