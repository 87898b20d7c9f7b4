// TCP connect probe (optional send/expect) and the HAProxy agent-check probe: both connect,
// optionally write, and read a bounded reply.

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "check/core/agent_reply.h"
#include "check/io/probe_base.h"
#include "check/io/probers.h"

namespace lvsd::check {

namespace {

enum class Mode { Tcp, Agent };

class StreamRun : public ProbeRunBase {
public:
  StreamRun(asio::io_context& io, Duration timeout, Mode mode, asio::ip::tcp::endpoint ep,
            std::optional<IpAddress> source, std::string send, std::string expect)
      : ProbeRunBase(io, timeout),
        mode_(mode),
        ep_(ep),
        source_(source),
        send_(std::move(send)),
        expect_(std::move(expect)),
        sock_(io) {}

private:
  void begin() override {
    if (const auto ec = bindSource(sock_, ep_, source_)) {
      return finish(failure(ec, "bind: " + errText(ec)));
    }
    sock_.async_connect(ep_, [self = selfAs<StreamRun>()](const boost::system::error_code& ec) {
      self->onConnect(ec);
    });
  }
  void closeAll() override { closeWithReset(sock_); }
  size_t cap() const { return mode_ == Mode::Agent ? kAgentReplyMax : kStreamReplyMax; }

  void onConnect(const boost::system::error_code& ec) {
    if (finished()) {
      return;
    }
    if (ec) {
      return finish(failure(ec, "connect: " + errText(ec)));
    }
    if (mode_ == Mode::Tcp && send_.empty() && expect_.empty()) {
      return finish(Outcome::up("tcp: connected"));
    }
    if (send_.empty()) {
      return readMore();
    }
    asio::async_write(sock_, asio::buffer(send_),
                      [self = selfAs<StreamRun>()](const boost::system::error_code& wec, size_t) {
                        if (self->finished()) {
                          return;
                        }
                        if (wec) {
                          return self->finish(Outcome::down("write: " + errText(wec)));
                        }
                        if (self->mode_ == Mode::Tcp && self->expect_.empty()) {
                          return self->finish(Outcome::up("tcp: sent"));
                        }
                        self->readMore();
                      });
  }

  void readMore() {
    const size_t have = reply_.size();
    reply_.resize(cap());
    sock_.async_read_some(
        asio::buffer(reply_.data() + have, cap() - have),
        [self = selfAs<StreamRun>(), have](const boost::system::error_code& ec, size_t n) {
          self->reply_.resize(have + n);
          self->onRead(ec);
        });
  }

  void onRead(const boost::system::error_code& ec) {
    if (finished()) {
      return;
    }
    const bool eof = ec == asio::error::eof;
    if (ec && !eof) {
      return finish(Outcome::down("read: " + errText(ec)));
    }
    if (mode_ == Mode::Agent) {
      if (reply_.find('\n') != std::string::npos || eof || reply_.size() >= cap()) {
        return finish(parseAgentReply(reply_));
      }
    } else {
      if (reply_.find(expect_) != std::string::npos) {
        return finish(Outcome::up("tcp: expected reply"));
      }
      if (eof || reply_.size() >= cap()) {
        return finish(Outcome::down("tcp: reply lacks expected text"));
      }
    }
    readMore();
  }

  Mode mode_;
  asio::ip::tcp::endpoint ep_;
  std::optional<IpAddress> source_;
  std::string send_;
  std::string expect_;
  asio::ip::tcp::socket sock_;
  std::string reply_;
};

class StreamProber : public Prober {
public:
  StreamProber(asio::io_context& io, Duration timeout, Mode mode, asio::ip::tcp::endpoint ep,
               std::optional<IpAddress> source, std::string send, std::string expect)
      : io_(io),
        timeout_(timeout),
        mode_(mode),
        ep_(ep),
        source_(source),
        send_(std::move(send)),
        expect_(std::move(expect)) {}
  std::shared_ptr<ProbeRun> run(ProbeDone done) override {
    return startRun(std::make_shared<StreamRun>(io_, timeout_, mode_, ep_, source_, send_, expect_),
                    std::move(done));
  }

private:
  asio::io_context& io_;
  Duration timeout_;
  Mode mode_;
  asio::ip::tcp::endpoint ep_;
  std::optional<IpAddress> source_;
  std::string send_;
  std::string expect_;
};

}  // namespace

ProberResult makeTcpProber(asio::io_context& io, const TcpSpec& s, Duration timeout) {
  if (s.port == 0) {
    return fail("tcp probe: port 0");
  }
  return std::unique_ptr<Prober>(std::make_unique<StreamProber>(
      io, timeout, Mode::Tcp, asio::ip::tcp::endpoint(toAsio(s.address), s.port), s.source, s.send,
      s.expect));
}

ProberResult makeAgentProber(asio::io_context& io, const AgentSpec& s, Duration timeout) {
  if (s.port == 0) {
    return fail("agent probe: port 0");
  }
  return std::unique_ptr<Prober>(std::make_unique<StreamProber>(
      io, timeout, Mode::Agent, asio::ip::tcp::endpoint(toAsio(s.address), s.port), s.source,
      s.send, ""));
}

}  // namespace lvsd::check
