#include "common/io/asio_timer.h"

#include <boost/asio/steady_timer.hpp>

namespace lvsd {
namespace {

class AsioTimer : public Timer {
public:
  AsioTimer(boost::asio::io_context& io, std::function<void()> cb)
      : timer_(io), cb_(std::move(cb)), alive_(std::make_shared<bool>(true)) {}
  ~AsioTimer() override { *alive_ = false; }

  void arm(Duration after) override {
    timer_.expires_after(after);
    const uint64_t gen = ++generation_;
    armed_ = true;
    std::weak_ptr<bool> alive = alive_;
    timer_.async_wait([this, gen, alive](const boost::system::error_code& ec) {
      auto a = alive.lock();
      if (ec || !a || !*a || gen != generation_) {
        return;
      }
      armed_ = false;
      cb_();
    });
  }
  void cancel() override {
    ++generation_;
    armed_ = false;
    timer_.cancel();
  }
  bool armed() const override { return armed_; }

private:
  boost::asio::steady_timer timer_;
  std::function<void()> cb_;
  std::shared_ptr<bool> alive_;
  uint64_t generation_ = 0;
  bool armed_ = false;
};

}  // namespace

std::unique_ptr<Timer> AsioTimerService::createTimer(std::function<void()> cb) {
  return std::make_unique<AsioTimer>(io_, std::move(cb));
}

}  // namespace lvsd
