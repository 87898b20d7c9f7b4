// The control socket with a deferred command: a request that answers later (as `ipvs` does after
// its dump on a worker thread) holds up neither the loop nor other clients, and on one
// connection the answers keep the order of the requests.
#include "daemon/control_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

namespace lvsd::daemon {
namespace {

class Client {
public:
  explicit Client(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM, 0)) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    ok_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { ::close(fd_); }
  [[nodiscard]] bool ok() const { return ok_; }
  void send(const std::string& s) {
    ASSERT_EQ(::write(fd_, s.data(), s.size()), ssize_t(s.size()));
  }
  /// Complete lines received so far (non-blocking).
  std::vector<std::string> lines() {
    char b[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd_, b, sizeof b, MSG_DONTWAIT)) > 0) {
      buf_.append(b, static_cast<size_t>(n));
    }
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl = buf_.find('\n'); nl != std::string::npos; nl = buf_.find('\n', start)) {
      out.push_back(buf_.substr(start, nl - start));
      start = nl + 1;
    }
    return out;
  }

private:
  int fd_;
  bool ok_ = false;
  std::string buf_;
};

class ControlServerDeferred : public ::testing::Test {
protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("lvsd-ctl-test-" + std::to_string(::getpid()) + ".sock"))
                .string();
    reg_.addDeferred("slow", [this](const ctl::Json&, ctl::CommandRegistry::Reply r) {
      held_.push_back(std::move(r));
    });
    reg_.add("status", [](const ctl::Json&) -> Expected<ctl::Json, ctl::ProtocolError> {
      return ctl::Json{{"up", 1}};
    });
    server_ = std::make_unique<ControlServer>(io_, reg_, Logger(sink_, "control"));
    ASSERT_TRUE(server_->listen(path_, 0600));
  }
  void TearDown() override { server_->close(); }

  /// Runs the loop until @p done or 5 s (a deadline, not a wait for something).
  template <class F>
  bool runUntil(F done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  MemoryLogSink sink_;
  boost::asio::io_context io_;
  ctl::CommandRegistry reg_;
  std::vector<ctl::CommandRegistry::Reply> held_;
  std::unique_ptr<ControlServer> server_;
  std::string path_;
};

TEST_F(ControlServerDeferred, SecondClientIsAnsweredWhileTheFirstWaits) {
  Client a(path_);
  Client b(path_);
  ASSERT_TRUE(a.ok() && b.ok());
  a.send(ctl::encodeRequest("slow"));
  ASSERT_TRUE(runUntil([&] { return held_.size() == 1; }));
  b.send(ctl::encodeRequest("status"));
  ASSERT_TRUE(runUntil([&] { return b.lines().size() == 1; }));
  EXPECT_NE(b.lines()[0].find(R"("up":1)"), std::string::npos);
  EXPECT_TRUE(a.lines().empty());
  held_[0](ctl::okResponseRaw(R"({"late":true})"));
  ASSERT_TRUE(runUntil([&] { return a.lines().size() == 1; }));
  EXPECT_NE(a.lines()[0].find(R"("late":true)"), std::string::npos);
}

TEST_F(ControlServerDeferred, OneConnectionKeepsTheRequestOrder) {
  Client a(path_);
  ASSERT_TRUE(a.ok());
  a.send(ctl::encodeRequest("slow") + ctl::encodeRequest("status"));
  ASSERT_TRUE(runUntil([&] { return held_.size() == 1; }));
  // both requests came in one read: status is answered, but waits behind the slow answer
  io_.poll();
  EXPECT_TRUE(a.lines().empty());
  held_[0](ctl::okResponseRaw(R"({"first":1})"));
  ASSERT_TRUE(runUntil([&] { return a.lines().size() == 2; }));
  EXPECT_NE(a.lines()[0].find(R"("first":1)"), std::string::npos);
  EXPECT_NE(a.lines()[1].find(R"("up":1)"), std::string::npos);
}

}  // namespace
}  // namespace lvsd::daemon
