// CheckRunner end to end on a real loopback listener: the loop timer, TCP probes and the pure
// scheduler together. The listener goes away and comes back; rise/fall transitions follow.
// Polls the loop with deadlines, no sleeps.

#include "check/io/check_runner.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
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
        boost::system::error_code pec;
        const auto peer = s.remote_endpoint(pec);
        if (!pec) {
          peers_.push_back(peer.address().to_string());
        }
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
  std::vector<std::string> peers_;  ///< source addresses of accepted connections
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
  auto id = runner.add(TcpSpec{*IpAddress::parse("127.0.0.1"), port_, "", "", std::nullopt}, p);
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
  auto id =
      runner.add(TcpSpec{*IpAddress::parse("127.0.0.1"), port_, "hello", "never", std::nullopt}, p);
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

TEST_F(RunnerTest, BindAddressIsTheSourceOfTcpAndHttpProbes) {
  listen();
  CheckRunner runner(io_, rng_, [this](CheckId id, const Outcome&, const ResultEffect& e) {
    results_.emplace_back(id, e);
  });
  // Probes that wait for a reply (none comes): the connection is still open when the listener
  // accepts it and reads its peer address (a reset one would have none).
  CheckParams p;
  p.interval = milliseconds(20);
  p.timeout = milliseconds(300);
  const IpAddress lo = *IpAddress::parse("127.0.0.1");
  ASSERT_TRUE(runner.add(TcpSpec{lo, port_, "x", "never", IpAddress::parse("127.0.0.2")}, p));
  ASSERT_TRUE(runUntil([&] { return peers_.size() >= 2; }));
  for (const auto& a : peers_) {
    EXPECT_EQ(a, "127.0.0.2");
  }
  peers_.clear();
  CheckRunner http(io_, rng_, [](CheckId, const Outcome&, const ResultEffect&) {});
  HttpSpec hs;
  hs.address = lo;
  hs.port = port_;
  hs.source = IpAddress::parse("127.0.0.3");
  ASSERT_TRUE(http.add(hs, p));
  ASSERT_TRUE(runUntil([&] { return !peers_.empty(); }));
  EXPECT_EQ(peers_.front(), "127.0.0.3");
  // An address the host does not have: every probe is down for it (bind fails).
  std::vector<std::string> reasons;
  CheckRunner bad(io_, rng_, [&](CheckId, const Outcome& o, const ResultEffect&) {
    reasons.push_back(o.reason);
  });
  ASSERT_TRUE(bad.add(TcpSpec{lo, port_, "", "", IpAddress::parse("192.0.2.55")}, p));
  ASSERT_TRUE(runUntil([&] { return !reasons.empty(); }));
  EXPECT_NE(reasons.front().find("bind"), std::string::npos) << reasons.front();
}

/// A backend in a child process (its own descriptor limit): reads a line, answers "ok\n" 20 ms
/// later and closes, so many probes are in flight at once.
class SlowBackend {
public:
  SlowBackend() {
    asio::io_context io;
    asio::ip::tcp::acceptor acc(io, {asio::ip::address_v4::loopback(), 0});
    acc.listen(4096);
    port = acc.local_endpoint().port();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      serve(acc.release());
      _exit(0);
    }
  }
  ~SlowBackend() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  SlowBackend(const SlowBackend&) = delete;
  SlowBackend& operator=(const SlowBackend&) = delete;
  uint16_t port = 0;

private:
  struct Conn : std::enable_shared_from_this<Conn> {
    Conn(asio::io_context& io, asio::ip::tcp::socket s) : sock(std::move(s)), timer(io) {}
    void start() {
      asio::async_read_until(sock, asio::dynamic_buffer(in), '\n',
                             [self = shared_from_this()](boost::system::error_code ec, size_t) {
                               if (ec) {
                                 return;
                               }
                               self->timer.expires_after(milliseconds(20));
                               self->timer.async_wait([self](boost::system::error_code) {
                                 asio::async_write(self->sock, asio::buffer("ok\n", 3),
                                                   [self](boost::system::error_code, size_t) {});
                               });
                             });
    }
    asio::ip::tcp::socket sock;
    asio::steady_timer timer;
    std::string in;
  };
  static void serve(int fd) {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    asio::io_context io;
    asio::ip::tcp::acceptor acc(io, asio::ip::tcp::v4(), fd);
    std::function<void()> next = [&] {
      acc.async_accept([&](boost::system::error_code ec, asio::ip::tcp::socket s) {
        if (!ec) {
          std::make_shared<Conn>(io, std::move(s))->start();
        }
        next();
      });
    };
    next();
    io.run();
  }
  pid_t pid_ = -1;
};

/// Lowers the soft descriptor limit for one test and restores it.
class FdLimit {
public:
  explicit FdLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &old_);
    rlimit rl = old_;
    rl.rlim_cur = soft;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  ~FdLimit() { setrlimit(RLIMIT_NOFILE, &old_); }
  FdLimit(const FdLimit&) = delete;
  FdLimit& operator=(const FdLimit&) = delete;

private:
  rlimit old_{};
};

double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// 400 checks every 100 ms against a backend answering in 20 ms need ~80 descriptors at once;
/// the process may open 96. Whether the runner keeps under the limit by itself (its default
/// in-flight limit) or is told to run more than the descriptors allow (EMFILE on connect),
/// no check fails for it: probes wait or are deferred, all results stay up, and the loop does
/// not spin (CPU well under the wall time).
void runUnderDescriptorShortage(bool overcommit) {
  SlowBackend backend;
  asio::io_context io;
  SplitMix64 rng{11};
  std::map<std::string, int> downs;
  size_t ups = 0;
  std::map<CheckId, int> perCheck;
  FdLimit limit(96);
  CheckRunner runner(io, rng, [&](CheckId id, const Outcome& o, const ResultEffect&) {
    ++perCheck[id];
    if (o.verdict == Verdict::Up) {
      ++ups;
    } else {
      ++downs[o.reason];
    }
  });
  EXPECT_EQ(runner.maxInFlight(), 48U) << "96 descriptors: half for probes";
  if (overcommit) {
    runner.setMaxInFlight(1000);
  }
  CheckParams p;
  p.interval = milliseconds(100);
  p.timeout = std::chrono::seconds(2);
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(runner.add(
        TcpSpec{*IpAddress::parse("127.0.0.1"), backend.port, "hi\n", "ok", std::nullopt}, p));
  }
  const double cpu0 = cpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         !(perCheck.size() == 400 &&
           std::all_of(perCheck.begin(), perCheck.end(), [](auto& kv) { return kv.second >= 3; })))
    io.run_for(milliseconds(10));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpuSeconds() - cpu0;
  EXPECT_EQ(perCheck.size(), 400U);
  for (const auto& [id, n] : perCheck) {
    EXPECT_GE(n, 3) << "check " << id;
  }
  for (const auto& [why, n] : downs) {
    ADD_FAILURE() << n << " down results: " << why;
  }
  EXPECT_GT(ups, 1200U);
  EXPECT_LT(cpu, 0.75 * wall) << "cpu " << cpu << " s in " << wall << " s";
  if (overcommit) {
    EXPECT_GT(runner.deferredTotal(), 0U) << "EMFILE was expected above 96 descriptors";
  } else {
    EXPECT_LE(runner.peakRunning(), 48U);
  }
  ::testing::Test::RecordProperty("results", static_cast<int>(ups));
  ::testing::Test::RecordProperty("deferred", static_cast<int>(runner.deferredTotal()));
  ::testing::Test::RecordProperty("peak_running", static_cast<int>(runner.peakRunning()));
  std::printf("overcommit=%d: %zu results in %.2f s, cpu %.2f s, peak %zu running, %llu deferred\n",
              overcommit ? 1 : 0, ups, wall, cpu, runner.peakRunning(),
              static_cast<unsigned long long>(runner.deferredTotal()));
}

TEST(RunnerShortage, InFlightLimitKeepsUnderTheDescriptorLimit) {
  runUnderDescriptorShortage(false);
}

TEST(RunnerShortage, ProbesOutOfDescriptorsAreDeferredNotFailed) {
  runUnderDescriptorShortage(true);
}

// A probe that already finished but whose result is not yet delivered (the callback is always
// posted) must stay silent once cancelled: the runner relies on it instead of liveness tokens.
TEST(ProbeRunDelivery, CancelAfterFinishDropsTheResult) {
  asio::io_context io;
  auto prober = makeProber(io, FileSpec{"/", FileMode::Exists}, milliseconds(100));
  ASSERT_TRUE(prober);
  int calls = 0;
  auto run = prober.value()->run([&](Outcome o) {
    ++calls;
    EXPECT_EQ(o.verdict, Verdict::Up);
  });
  io.run_for(milliseconds(50));
  EXPECT_EQ(calls, 1);                                   // delivered when not cancelled
  run = prober.value()->run([&](Outcome) { ++calls; });  // finishes inside run()
  run->cancel();                                         // before the posted delivery runs
  run.reset();  // the posted handler alone keeps the attempt alive
  io.restart();
  io.run_for(milliseconds(50));
  EXPECT_EQ(calls, 1);
  // A runner destroyed with results pending delivery calls nothing either.
  SplitMix64 rng(3);
  {
    CheckRunner runner(io, rng, [&](CheckId, const Outcome&, const ResultEffect&) { ++calls; });
    CheckParams p;
    p.interval = milliseconds(1);
    p.jitter = 0;
    ASSERT_TRUE(runner.add(FileSpec{"/", FileMode::Exists}, p));
    io.restart();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (runner.running() == 0 && std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(milliseconds(100));  // until the probe started (its result is posted)
    }
    ASSERT_EQ(runner.running(), 1U);
  }
  const int before = calls;
  io.restart();
  io.run_for(milliseconds(50));
  EXPECT_EQ(calls, before);
}

}  // namespace
}  // namespace lvsd::check
