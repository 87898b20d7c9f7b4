#pragma once
// Runs a command (no shell) as an unprivileged user without blocking the loop: fork + setgid/
// setgroups/setuid + execv, the exit watched through a pidfd on the Asio loop, the process group
// SIGKILLed when the timeout passes. Used by script tracking and notify scripts.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace lvsd::vrrp::io {

struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
};
/// Resolves @p user ("" = do not change user).
Result<std::optional<RunAs>> resolveUser(const std::string& user);
/// Whether an account named @p user exists (getpwnam_r).
bool userExists(const std::string& user);

/// How a run ended.
struct ExitInfo {
  bool timedOut = false;
  bool spawnFailed = false;
  int exitCode = -1;  ///< when exited normally
  [[nodiscard]] bool ok() const { return !timedOut && !spawnFailed && exitCode == 0; }
};

struct RunOptions {
  /// The process gets SIGTERM when the calling process dies (even by SIGKILL): for long-running
  /// helpers such as notify_fifo_script that must not outlive the VRRP child.
  bool dieWithParent = false;
};

/// Starts @p argv. @p done runs on the loop when it ends (or at once on spawn failure).
/// @param timeout zero = none
/// @return the pid (also its process group), 0 when it could not be started
pid_t runProcess(boost::asio::io_context& io, const std::vector<std::string>& argv,
                 const std::optional<RunAs>& user, std::chrono::milliseconds timeout,
                 std::function<void(const ExitInfo&)> done, RunOptions options = {});

/// Stops a process started by runProcess, synchronously: SIGTERM to its group, SIGKILL after
/// @p grace if still alive, then reaps it (the loop's exit handler then sees it gone).
/// @return true if it exited within the grace period
bool stopProcess(pid_t pid, std::chrono::milliseconds grace);

}  // namespace lvsd::vrrp::io
