#pragma once
// Shared plumbing of one probe attempt: deadline timer, latency, exactly-once completion.

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>

#include "check/io/probe.h"
#include "common/address.h"

namespace lvsd::check {

namespace asio = boost::asio;

asio::ip::address toAsio(const IpAddress& a);

/// Base of every probe attempt. Subclasses start their I/O in begin(), call finish() once they
/// know the outcome, and close their sockets in closeAll(). Handlers capture self() so the
/// attempt lives until its last handler returns.
class ProbeRunBase : public ProbeRun, public std::enable_shared_from_this<ProbeRunBase> {
public:
  ProbeRunBase(asio::io_context& io, Duration timeout)
      : io_(io), deadline_(io), timeout_(timeout) {}

  /// Arms the deadline and starts the attempt.
  void start(ProbeDone done) {
    done_ = std::move(done);
    started_ = std::chrono::steady_clock::now();
    deadline_.expires_after(timeout_);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && !self->finished_) {
        self->finish(self->onTimeout());
      }
    });
    begin();
  }
  void cancel() override {
    done_ = nullptr;  // also stops a result that is finished but not yet delivered
    if (finished_) {
      return;
    }
    finished_ = true;
    deadline_.cancel();
    closeAll();
  }

protected:
  virtual void begin() = 0;
  virtual void closeAll() = 0;
  /// @return the outcome when the deadline passes first.
  virtual Outcome onTimeout() { return Outcome::down("timeout"); }

  /// Completes the attempt once: closes everything and posts the callback.
  void finish(Outcome o) {
    if (!complete(o)) {
      return;
    }
    // The outcome waits in the attempt; the posted handler only holds the attempt, and a
    // cancel() before it runs drops the result (callers need no liveness token of their own).
    outcome_ = std::move(o);
    asio::post(io_, [self = shared_from_this()] { self->deliver(); });
  }
  /// finish() that calls back at once, saving a trip through the loop's queue. Only from an
  /// I/O completion handler of this attempt (never from begin(): run() must not call back).
  void finishFromHandler(Outcome o) {
    if (complete(o)) {
      const ProbeDone cb = std::move(done_);
      done_ = nullptr;
      cb(std::move(o));
    }
  }
  [[nodiscard]] bool finished() const { return finished_; }
  template <class T>
  std::shared_ptr<T> selfAs() {
    return std::static_pointer_cast<T>(shared_from_this());
  }

  asio::io_context& io_;

private:
  /// Marks the attempt finished (once) and closes it. @return true when a callback is due.
  bool complete(Outcome& o) {
    if (finished_) {
      return false;
    }
    finished_ = true;
    o.latency = std::chrono::steady_clock::now() - started_;
    deadline_.cancel();
    closeAll();
    return static_cast<bool>(done_);
  }
  void deliver() {
    if (done_) {
      const ProbeDone cb = std::move(done_);
      done_ = nullptr;
      cb(std::move(outcome_));
    }
  }

  asio::steady_timer deadline_;
  Duration timeout_;
  ProbeDone done_;
  Outcome outcome_;
  std::chrono::steady_clock::time_point started_{};
  bool finished_ = false;
};

/// Starts @p run (a fresh ProbeRunBase subclass) and returns it as a handle.
template <class T>
std::shared_ptr<ProbeRun> startRun(std::shared_ptr<T> run, ProbeDone done) {
  run->start(std::move(done));
  return run;
}

std::string errText(const boost::system::error_code& ec);

/// Opens @p s for @p peer's protocol and, with a @p source, binds it there (port 0): the
/// probe's bind_address. Sockets without a source are left for async_connect to open.
inline boost::system::error_code bindSource(asio::ip::tcp::socket& s,
                                            const asio::ip::tcp::endpoint& peer,
                                            const std::optional<IpAddress>& source) {
  boost::system::error_code ec;
  if (source) {
    s.open(peer.protocol(), ec);
    if (!ec) {
      // The port is chosen at connect time, per destination (not one port per source).
      const int one = 1;
      (void)::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      s.bind(asio::ip::tcp::endpoint(toAsio(*source), 0), ec);
    }
  }
  return ec;
}

/// Closes a check connection with a reset (SO_LINGER {1, 0}), as HAProxy does for its checks:
/// no FIN exchange and no TIME_WAIT on either side, so each check costs fewer packets (on
/// loopback the peer's receive work runs in the sender's context, i.e. in the checker).
inline void closeWithReset(asio::ip::tcp::socket& s) {
  boost::system::error_code ignored;
  if (s.is_open()) {
    s.set_option(asio::socket_base::linger(true, 0), ignored);
  }
  s.close(ignored);
}

/// @return true when @p err (an errno value) says the machine, not the server, is short of
/// something: descriptors (EMFILE/ENFILE), buffers or memory, processes (EAGAIN from fork).
bool isLocalShortage(int err);
inline bool isLocalShortage(const boost::system::error_code& ec) {
  return ec.category() == boost::system::system_category() && isLocalShortage(ec.value());
}
/// A down outcome, or a not-started one when @p ec is a local shortage.
inline Outcome failure(const boost::system::error_code& ec, std::string why) {
  return isLocalShortage(ec) ? Outcome::localShortage(std::move(why))
                             : Outcome::down(std::move(why));
}

}  // namespace lvsd::check
