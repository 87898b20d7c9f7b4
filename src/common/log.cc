#include "common/log.h"

#include <algorithm>

namespace lvsd {

std::string_view logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::Critical:
      return "crit";
    case LogLevel::Error:
      return "err";
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Notice:
      return "notice";
    case LogLevel::Info:
      return "info";
    case LogLevel::Debug:
      return "debug";
  }
  return "info";
}

void MemoryLogSink::write(const LogRecord& record) {
  entries_.push_back({record.level, std::string(record.component), std::string(record.message),
                      std::vector<LogField>(record.fields.begin(), record.fields.end())});
}

void Logger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  log(level, message, std::span<const LogField>(fields.begin(), fields.size()));
}

void Logger::log(LogLevel level, std::string_view message, std::span<const LogField> fields) {
  if (!enabled(level)) {
    return;
  }
  sink_->write(LogRecord{level, component_, message, fields});
}

RateLimit::RateLimit(const Clock& clock, Duration window, uint32_t burst)
    : clock_(clock),
      perToken_(burst > 0 ? window / burst : window),
      burst_(std::max<uint32_t>(burst, 1)),
      tokens_(static_cast<double>(burst_)),
      last_(clock.now()) {}

bool RateLimit::allow() {
  const MonoTime now = clock_.now();
  if (now > last_ && perToken_.count() > 0) {
    const double refill =
        static_cast<double>((now - last_).count()) / static_cast<double>(perToken_.count());
    tokens_ = std::min(static_cast<double>(burst_), tokens_ + refill);
  }
  last_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  ++suppressed_;
  return false;
}

uint64_t RateLimit::takeSuppressed() {
  const uint64_t n = suppressed_;
  suppressed_ = 0;
  return n;
}

}  // namespace lvsd
