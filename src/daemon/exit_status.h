#pragma once
// Describes a waitpid() status for logs and `lvsctl status` (pure).

#include <string>

namespace lvsd::daemon {

/// "exited with status 3", "killed by signal 9 (KILL)", "killed by signal 11 (SEGV), core dumped".
std::string describeExit(int waitStatus);

}  // namespace lvsd::daemon
