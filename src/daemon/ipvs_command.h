#pragma once
// The `ipvs` control command, served by the supervisor: it dumps the kernel's IPVS table (fresh
// on every request: the counters and the kernel's 2-s rate estimates) and adds what the checker
// child last reported about programming it. The dump and the JSON text of the answer are made
// on a worker thread with its own netlink socket, so the supervisor's loop keeps answering other
// requests (`lvsctl status` during a 1 000 x 10 dump) meanwhile; the answer is posted back to
// the loop and written from there.

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "ctl/protocol.h"

namespace lvsd::daemon {

class IpvsCommand {
public:
  /// Gets the checker child's "ipvs" status (null when none) and calls its argument with it,
  /// on the loop, now or later (the supervisor asks the child).
  using FetchChecker = std::function<void(std::function<void(ctl::Json)>)>;
  /// @param checkerIpvs called on the loop when a request arrives; the dump starts once it
  ///        has answered.
  IpvsCommand(boost::asio::io_context& io, FetchChecker checkerIpvs);
  ~IpvsCommand();
  IpvsCommand(const IpvsCommand&) = delete;
  IpvsCommand& operator=(const IpvsCommand&) = delete;

  /// The deferred handler: data {"available":true,"version":"1.2.1","version_code":N,
  /// "conn_tab_size":N,"table":{"services":[...]},"lvsd":{...checker report...},
  /// "timing_ms":{"read","encode"}}; an error "ipvs unavailable: ..." when the IPVS family
  /// cannot be opened.
  ctl::CommandRegistry::DeferredHandler handler();

private:
  struct Job {
    ctl::Json lvsd;
    ctl::CommandRegistry::Reply reply;
  };
  void work();
  /// Runs on the worker. @return the response line.
  std::string answer(const ctl::Json& lvsd);

  boost::asio::io_context& io_;
  FetchChecker checkerIpvs_;
  void enqueue(Job job);
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::thread worker_;
  struct Kernel;
  std::unique_ptr<Kernel> kernel_;  ///< worker only
};

}  // namespace lvsd::daemon
