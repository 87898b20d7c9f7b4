#include "common/io/log_sinks.h"

#include <gtest/gtest.h>
#include <syslog.h>

#include "common/io/asio_timer.h"

namespace lvsd {
namespace {

TEST(JournalFields, StructuredFieldsBecomeLvsdKeys) {
  const std::vector<LogField> fields = {
      {"child", "vrrp"}, {"event", "child_restart"}, {"weird-key.x", "v"}};
  const LogRecord r{LogLevel::Warning, "supervisor", "child vrrp died", fields};
  const std::vector<std::string> want = {"MESSAGE=supervisor: child vrrp died",
                                         "PRIORITY=4",
                                         "SYSLOG_IDENTIFIER=lvsd",
                                         "LVSD_COMPONENT=supervisor",
                                         "LVSD_CHILD=vrrp",
                                         "LVSD_EVENT=child_restart",
                                         "LVSD_WEIRD_KEY_X=v"};
  EXPECT_EQ(journalFields(r), want);
}

TEST(LogTarget, ParseAndFacility) {
  EXPECT_EQ(parseLogTarget("journal"), LogTargetKind::Journal);
  EXPECT_EQ(parseLogTarget("syslog"), LogTargetKind::Syslog);
  EXPECT_EQ(parseLogTarget("stderr"), LogTargetKind::Stderr);
  EXPECT_FALSE(parseLogTarget("carrier-pigeon"));
  EXPECT_EQ(syslogFacility("daemon"), LOG_DAEMON);
  EXPECT_EQ(syslogFacility("user"), LOG_USER);
  EXPECT_EQ(syslogFacility("local0"), LOG_LOCAL0);
  EXPECT_EQ(syslogFacility("local7"), LOG_LOCAL7);
  EXPECT_EQ(syslogFacility("local8"), LOG_DAEMON);
}

TEST(AsioTimerService, FiresOnceAndCancels) {
  boost::asio::io_context io;
  AsioTimerService svc(io);
  int fired = 0;
  int cancelled = 0;
  auto t = svc.createTimer([&] { ++fired; });
  auto c = svc.createTimer([&] { ++cancelled; });
  t->arm(std::chrono::milliseconds(1));
  c->arm(std::chrono::milliseconds(1));
  c->cancel();
  EXPECT_TRUE(t->armed());
  EXPECT_FALSE(c->armed());
  io.run();  // returns when no work is left: the armed timer fired, the cancelled one did not
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(cancelled, 0);
  EXPECT_FALSE(t->armed());
}

TEST(AsioTimerService, RearmReplacesTheDeadline) {
  boost::asio::io_context io;
  AsioTimerService svc(io);
  int fired = 0;
  auto t = svc.createTimer([&] { ++fired; });
  t->arm(std::chrono::hours(1));
  t->arm(std::chrono::milliseconds(1));
  io.run();
  EXPECT_EQ(fired, 1) << "the first (1 h) expiry was replaced, not added";
}

}  // namespace
}  // namespace lvsd
