#include "daemon/ipvs_command.h"

#include <pthread.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <csignal>
#include <memory>

#include "ipvs/json.h"
#include "ipvs/nl/programmer.h"

namespace lvsd::daemon {

struct IpvsCommand::Kernel {
  std::unique_ptr<ipvs::Programmer> prog;
};

IpvsCommand::IpvsCommand(boost::asio::io_context& io, FetchChecker checkerIpvs)
    : io_(io), checkerIpvs_(std::move(checkerIpvs)), kernel_(std::make_unique<Kernel>()) {}

IpvsCommand::~IpvsCommand() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) {
    worker_.join();
  }
}

ctl::CommandRegistry::DeferredHandler IpvsCommand::handler() {
  return [this](const ctl::Json&, ctl::CommandRegistry::Reply reply) {
    if (!checkerIpvs_) {
      enqueue(Job{ctl::Json(nullptr), std::move(reply)});
      return;
    }
    checkerIpvs_([this, reply = std::move(reply)](ctl::Json lvsd) mutable {
      enqueue(Job{std::move(lvsd), std::move(reply)});
    });
  };
}

void IpvsCommand::enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  if (!worker_.joinable()) {
    // Signals stay with the supervisor's loop (Asio's signal_set): the worker blocks them all.
    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &old);
    worker_ = std::thread([this] { work(); });
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  cv_.notify_one();
}

void IpvsCommand::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) {
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::string line = answer(job.lvsd);
    boost::asio::post(io_, [reply = std::move(job.reply), line = std::move(line)]() mutable {
      reply(std::move(line));
    });
  }
}

std::string IpvsCommand::answer(const ctl::Json& lvsd) {
  const auto failed = [](const std::string& m) {
    return ctl::errorResponse(ctl::code::kFailed, m);
  };
  auto& prog = kernel_->prog;
  if (!prog) {
    auto p = ipvs::Programmer::open();
    if (!p) {
      return failed("ipvs unavailable: " + p.error().message);
    }
    prog = std::move(*p);
  }
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  const auto t0 = Clock::now();
  auto table = prog->readKernel();
  const auto t1 = Clock::now();
  auto info = table ? prog->info() : Result<ipvs::msg::Info>(fail(""));
  if (!table || !info) {
    const std::string why = !table ? table.error().message : info.error().message;
    prog.reset();  // reopen next time
    return failed("reading the IPVS table: " + why);
  }
  const uint32_t v = info->version;
  ctl::Json out{{"available", true},
                {"version", std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." +
                                std::to_string(v & 0xff)},
                {"version_code", v},
                {"conn_tab_size", info->connTabSize},
                {"table", ipvs::toJson(*table)},
                {"lvsd", lvsd}};
  out["timing_ms"] = ctl::Json{{"read", ms(t0, t1)}, {"encode", ms(t1, Clock::now())}};
  return ctl::okResponse(out);
}

}  // namespace lvsd::daemon
