#include "common/io/log_sinks.h"

#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace lvsd {
namespace {

/// "key=value key2=\"v a l\"" for the text sinks.
std::string formatFields(std::span<const LogField> fields) {
  std::string out;
  for (const auto& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    const bool quote = f.value.empty() || f.value.find_first_of(" \"=") != std::string::npos;
    if (quote) {
      out += '"';
      for (char c : f.value) {
        if (c == '"' || c == '\\') {
          out += '\\';
        }
        out += c;
      }
      out += '"';
    } else {
      out += f.value;
    }
  }
  return out;
}

/// Journal field names: A-Z, 0-9, '_', not starting with '_'.
std::string journalKey(std::string_view key) {
  std::string k = "LVSD_";
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    k += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
  }
  return k;
}

}  // namespace

std::optional<LogTargetKind> parseLogTarget(std::string_view text) {
  if (text == "journal") {
    return LogTargetKind::Journal;
  }
  if (text == "syslog") {
    return LogTargetKind::Syslog;
  }
  if (text == "stderr") {
    return LogTargetKind::Stderr;
  }
  return std::nullopt;
}

std::vector<std::string> journalFields(const LogRecord& record) {
  std::vector<std::string> items;
  items.reserve(record.fields.size() + 4);
  items.push_back("MESSAGE=" + std::string(record.component) + ": " + std::string(record.message));
  items.push_back("PRIORITY=" + std::to_string(static_cast<int>(record.level)));
  items.emplace_back("SYSLOG_IDENTIFIER=lvsd");
  items.push_back("LVSD_COMPONENT=" + std::string(record.component));
  for (const auto& f : record.fields) {
    items.push_back(journalKey(f.key) + "=" + f.value);
  }
  return items;
}

void JournalSink::write(const LogRecord& record) {
  std::vector<std::string> items = journalFields(record);
  std::vector<iovec> iov(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    iov[i].iov_base = items[i].data();
    iov[i].iov_len = items[i].size();
  }
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

int syslogFacility(std::string_view name) {
  if (name == "user") {
    return LOG_USER;
  }
  if (name.size() == 6 && name.substr(0, 5) == "local" && name[5] >= '0' && name[5] <= '7') {
    static constexpr int kLocal[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                     LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
    return kLocal[name[5] - '0'];
  }
  return LOG_DAEMON;
}

SyslogSink::SyslogSink(std::string_view facility) {
  openlog("lvsd", LOG_PID | LOG_NDELAY, syslogFacility(facility));
}

void SyslogSink::write(const LogRecord& record) {
  const std::string text = std::string(record.component) + ": " + std::string(record.message) +
                           formatFields(record.fields);
  syslog(static_cast<int>(record.level), "%s", text.c_str());
}

void StderrSink::write(const LogRecord& record) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line = std::string(stamp) + "." + std::to_string(1000 + ms.count()).substr(1) +
                     "Z lvsd[" + std::to_string(getpid()) + "] " +
                     std::string(logLevelName(record.level)) + " " + std::string(record.component) +
                     ": " + std::string(record.message) + formatFields(record.fields) + "\n";
  // One write() per line so lines from the supervisor and its children do not interleave.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) {
      break;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::unique_ptr<LogSink> makeSink(LogTargetKind kind, std::string_view syslogFacility) {
  switch (kind) {
    case LogTargetKind::Journal:
      return std::make_unique<JournalSink>();
    case LogTargetKind::Syslog:
      return std::make_unique<SyslogSink>(syslogFacility);
    case LogTargetKind::Stderr:
      return std::make_unique<StderrSink>();
  }
  return std::make_unique<StderrSink>();
}

}  // namespace lvsd
