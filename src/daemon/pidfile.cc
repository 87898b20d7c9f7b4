#include "daemon/pidfile.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace lvsd::daemon {

void makeParentDirectory(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) {
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
}

Result<PidFile> PidFile::acquire(const std::string& path) {
  makeParentDirectory(path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail("cannot open pid file " + path + ": " + std::strerror(errno),
                std::error_code(errno, std::generic_category()));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string other = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("?");
    while (!other.empty() && (other.back() == '\n' || other.back() == ' ')) {
      other.pop_back();
    }
    if (e == EWOULDBLOCK) {
      return fail("another lvsd is already running (pid " + other + ", holding the lock on " +
                  path + ")");
    }
    return fail("cannot lock pid file " + path + ": " + std::strerror(e),
                std::error_code(e, std::generic_category()));
  }
  PidFile p(path, fd);
  p.rewritePid();
  return p;
}

void PidFile::rewritePid() {
  if (fd_ < 0) {
    return;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t n = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

void PidFile::closeInChild() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

PidFile::~PidFile() {
  if (fd_ >= 0) {
    ::unlink(path_.c_str());
    ::close(fd_);
  }
}

}  // namespace lvsd::daemon
