#pragma once
// Shared plumbing of one probe attempt: deadline timer, latency, exactly-once completion.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

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
    if (finished_) {
      return;
    }
    finished_ = true;
    done_ = nullptr;
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
    if (finished_) {
      return;
    }
    finished_ = true;
    o.latency = std::chrono::steady_clock::now() - started_;
    deadline_.cancel();
    closeAll();
    if (done_) {
      asio::post(io_,
                 [cb = std::move(done_), out = std::move(o)]() mutable { cb(std::move(out)); });
    }
  }
  [[nodiscard]] bool finished() const { return finished_; }
  template <class T>
  std::shared_ptr<T> selfAs() {
    return std::static_pointer_cast<T>(shared_from_this());
  }

  asio::io_context& io_;

private:
  asio::steady_timer deadline_;
  Duration timeout_;
  ProbeDone done_;
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

}  // namespace lvsd::check
