#pragma once
// Pid file with an exclusive flock(2): the lock is what makes a second lvsd refuse to start;
// the pid inside names the running instance in the refusal message.

#include <string>

#include "common/result.h"

namespace lvsd::daemon {

class PidFile {
public:
  /// Creates (and the parent directory if missing), locks, and writes our pid into @p path.
  /// @return an error naming the other instance's pid when the lock is held.
  static Result<PidFile> acquire(const std::string& path);

  PidFile(PidFile&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_) { o.fd_ = -1; }
  PidFile& operator=(PidFile&&) = delete;
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  ~PidFile();

  /// Rewrites the pid (after daemonizing, the lock is inherited but the pid changed).
  void rewritePid();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  /// Closes the fd without unlinking (children inherit a copy they must not keep).
  void closeInChild();

private:
  PidFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

/// mkdir -p for the directory part of @p path (mode 0755). Errors are ignored; the caller's
/// open/bind reports them.
void makeParentDirectory(const std::string& path);

}  // namespace lvsd::daemon
