#include "daemon/exit_status.h"

#include <sys/wait.h>

#include <cstring>

namespace lvsd::daemon {

std::string describeExit(int waitStatus) {
  if (WIFEXITED(waitStatus)) {
    return "exited with status " + std::to_string(WEXITSTATUS(waitStatus));
  }
  if (WIFSIGNALED(waitStatus)) {
    const int sig = WTERMSIG(waitStatus);
    const char* abbrev = sigabbrev_np(sig);
    std::string s = "killed by signal " + std::to_string(sig);
    if (abbrev != nullptr) {
      s += std::string(" (") + abbrev + ")";
    }
    if (WCOREDUMP(waitStatus)) {
      s += ", core dumped";
    }
    return s;
  }
  return "stopped (status " + std::to_string(waitStatus) + ")";
}

}  // namespace lvsd::daemon
