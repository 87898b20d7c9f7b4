#pragma once
// Logging interface (pure): a Logger formats nothing itself; it hands a LogRecord (level, message,
// structured key/values, component) to a LogSink. Sinks (journal, syslog, stderr) live in
// common/io. RateLimit keeps hot paths (bad packets, probe failures) from flooding the log.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace lvsd {

/// Severity; the values are the syslog priorities (journal PRIORITY=).
enum class LogLevel : uint8_t {
  Critical = 2,
  Error = 3,
  Warning = 4,
  Notice = 5,
  Info = 6,
  Debug = 7
};

/// "err", "warning", "info"... (syslog names).
std::string_view logLevelName(LogLevel level);

/// One structured field. Keys are lower_snake_case ("child", "event", "pid"); the journal sink
/// turns them into LVSD_CHILD, LVSD_EVENT, LVSD_PID.
struct LogField {
  std::string key;
  std::string value;
};

struct LogRecord {
  LogLevel level = LogLevel::Info;
  std::string_view component;  ///< "supervisor", "vrrp", "checker", "control"...
  std::string_view message;
  std::span<const LogField> fields;
};

/// Where records go.
class LogSink {
public:
  virtual ~LogSink() = default;
  /// Writes one record; must not throw.
  virtual void write(const LogRecord& record) = 0;
};

/// Keeps records in memory (tests).
class MemoryLogSink : public LogSink {
public:
  struct Entry {
    LogLevel level;
    std::string component;
    std::string message;
    std::vector<LogField> fields;
  };
  void write(const LogRecord& record) override;
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }

private:
  std::vector<Entry> entries_;
};

/// A component's handle on a sink, with a minimum level.
class Logger {
public:
  Logger(LogSink& sink, std::string component, LogLevel minLevel = LogLevel::Info)
      : sink_(&sink), component_(std::move(component)), min_(minLevel) {}

  void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
  void log(LogLevel level, std::string_view message, std::span<const LogField> fields);
  void debug(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Debug, m, f);
  }
  void info(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Info, m, f);
  }
  void notice(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Notice, m, f);
  }
  void warning(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Warning, m, f);
  }
  void error(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Error, m, f);
  }

  /// @return a logger on the same sink and level for another component.
  [[nodiscard]] Logger forComponent(std::string component) const {
    return Logger(*sink_, std::move(component), min_);
  }
  [[nodiscard]] bool enabled(LogLevel level) const { return level <= min_; }
  [[nodiscard]] const std::string& component() const { return component_; }
  void setSink(LogSink& sink) { sink_ = &sink; }
  void setMinLevel(LogLevel level) { min_ = level; }

private:
  LogSink* sink_;
  std::string component_;
  LogLevel min_;
};

/// Token bucket for log lines: at most @p burst lines, refilled at one line per
/// window/burst. Lines refused are counted so the next allowed line can say how many were
/// dropped.
class RateLimit {
public:
  /// @param window time in which at most @p burst lines pass
  RateLimit(const Clock& clock, Duration window, uint32_t burst);
  /// @return true when a line may be logged now.
  bool allow();
  /// @return how many lines were refused since the last call, and resets the count.
  uint64_t takeSuppressed();

private:
  const Clock& clock_;
  Duration perToken_;
  uint32_t burst_;
  double tokens_;
  MonoTime last_;
  uint64_t suppressed_ = 0;
};

}  // namespace lvsd
