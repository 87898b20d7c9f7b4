#pragma once
// Log sinks: systemd journal (structured fields), syslog, stderr.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"

namespace lvsd {

enum class LogTargetKind { Journal, Syslog, Stderr };

/// "journal" | "syslog" | "stderr".
std::optional<LogTargetKind> parseLogTarget(std::string_view text);

/// The journal fields for @p record: MESSAGE=component: message, PRIORITY=<syslog level>,
/// SYSLOG_IDENTIFIER=lvsd, LVSD_COMPONENT=..., then LVSD_<KEY>=value per field (key upper-cased,
/// anything but [A-Za-z0-9] turned into '_').
std::vector<std::string> journalFields(const LogRecord& record);

/// "local3" -> LOG_LOCAL3 etc.; unknown names give LOG_DAEMON.
int syslogFacility(std::string_view name);

/// Sends MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=lvsd, LVSD_COMPONENT and one LVSD_<KEY> field per
/// LogField to the journal with sd_journal_sendv().
class JournalSink : public LogSink {
public:
  void write(const LogRecord& record) override;
};

/// syslog(3), facility LOG_DAEMON, ident "lvsd", with the pid.
class SyslogSink : public LogSink {
public:
  /// @param facility "daemon" (default), "user", "local0".."local7"; unknown names mean daemon.
  explicit SyslogSink(std::string_view facility = "daemon");
  void write(const LogRecord& record) override;
};

/// One line per record on stderr:
/// "2026-01-02T03:04:05.678Z lvsd[123] info supervisor: message key=value ...".
class StderrSink : public LogSink {
public:
  void write(const LogRecord& record) override;
};

std::unique_ptr<LogSink> makeSink(LogTargetKind kind, std::string_view syslogFacility = "daemon");

}  // namespace lvsd
