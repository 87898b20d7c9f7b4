// CheckRunner end to end on a real loopback listener: the loop timer, TCP probes and the pure
// scheduler together. The listener goes away and comes back; rise/fall transitions follow.
// Polls the loop with deadlines, no sleeps.

#include "check/io/check_runner.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <optional>

namespace lvsd::check {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

class RunnerTest : public ::testing::Test {
protected:
  /// Runs the loop until @p pred holds or @p limit passes. @return pred().
  template <class Pred>
  bool runUntil(Pred pred, milliseconds limit = milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(milliseconds(5));
    }
    return pred();
  }
  void listen() {
    acceptor_.emplace(io_);
    acceptor_->open(asio::ip::tcp::v4());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind({asio::ip::address_v4::loopback(), port_});
    acceptor_->listen();
    port_ = acceptor_->local_endpoint().port();
    accept();
  }
  void accept() {
    acceptor_->async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
      if (!ec) {
        ++accepted_;
        held_.push_back(std::move(s));  // open and silent until the test ends
        accept();
      }
    });
  }

  asio::io_context io_;
  SplitMix64 rng_{7};
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  uint16_t port_ = 0;
  int accepted_ = 0;
  std::vector<asio::ip::tcp::socket> held_;
  std::vector<std::pair<CheckId, ResultEffect>> results_;

  /// The results end with exactly @p n - 1 Pending and then one Changed (a probe that was
  /// already in flight when the server changed may add an Unchanged result before them).
  void expectCrossing(uint32_t n) {
    ASSERT_GE(results_.size(), n);
    const size_t last = results_.size() - 1;
    EXPECT_EQ(results_[last].second.transition, Transition::Changed);
    for (size_t i = last - (n - 1); i < last; ++i) {
      EXPECT_EQ(results_[i].second.transition, Transition::Pending) << i;
    }
    for (size_t i = 0; i + n <= last; ++i) {
      EXPECT_EQ(results_[i].second.transition, Transition::Unchanged) << i;
    }
  }
};

TEST_F(RunnerTest, FallAndRiseAgainstARealListener) {
  listen();
  CheckRunner runner(io_, rng_, [this](CheckId id, const Outcome&, const ResultEffect& e) {
    results_.emplace_back(id, e);
  });
  CheckParams p;
  p.interval = milliseconds(20);
  p.timeout = milliseconds(200);
  p.fall = 2;
  p.rise = 3;
  auto id = runner.add(TcpSpec{*IpAddress::parse("127.0.0.1"), port_, "", ""}, p);
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(runUntil([&] { return results_.size() >= 3; }));
  for (const auto& [rid, e] : results_) {
    EXPECT_EQ(e.transition, Transition::Unchanged);
    EXPECT_TRUE(e.up);
  }
  EXPECT_GE(accepted_, 3);

  acceptor_.reset();  // the server goes away: connection refused
  held_.clear();
  results_.clear();
  ASSERT_TRUE(runUntil([&] {
    return !results_.empty() && results_.back().second.transition == Transition::Changed;
  }));
  EXPECT_FALSE(results_.back().second.up);
  expectCrossing(2);  // fall = 2

  listen();  // same port again
  results_.clear();
  ASSERT_TRUE(runUntil([&] {
    return !results_.empty() && results_.back().second.transition == Transition::Changed;
  }));
  EXPECT_TRUE(results_.back().second.up);
  expectCrossing(3);  // rise = 3
}

TEST_F(RunnerTest, RemoveCancelsARunningProbeAndBadSpecsAreRejected) {
  CheckRunner runner(io_, rng_, [this](CheckId id, const Outcome&, const ResultEffect& e) {
    results_.emplace_back(id, e);
  });
  // A listener that accepts and never answers: the probe waits for its expected reply until it
  // is cancelled (its timeout is long).
  listen();
  CheckParams p;
  p.interval = milliseconds(10);
  p.timeout = std::chrono::seconds(30);
  auto id = runner.add(TcpSpec{*IpAddress::parse("127.0.0.1"), port_, "hello", "never"}, p);
  ASSERT_TRUE(id);
  ASSERT_TRUE(runUntil([&] { return runner.running() == 1; }));
  runner.remove(*id);
  EXPECT_EQ(runner.running(), 0U);
  io_.run_for(milliseconds(50));
  EXPECT_TRUE(results_.empty());
  EXPECT_FALSE(runner.add(ScriptSpec{{"relative"}, "", false}, p));
  HttpSpec badRegex;
  badRegex.regex = "(";
  EXPECT_FALSE(runner.add(badRegex, p));
}

}  // namespace
}  // namespace lvsd::check
