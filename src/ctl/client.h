#pragma once
// Blocking unix-socket client for lvsctl: one request line out, one response line back.

#include <chrono>
#include <string>

#include "common/expected.h"

namespace lvsd::ctl {

struct ClientError {
  bool connect = false;  ///< true: could not connect (lvsctl exit 3)
  std::string message;
};

/// Connects to @p socketPath, sends @p requestLine (newline-terminated), and returns the first
/// response line (without the newline). Gives up after @p timeout in total.
Expected<std::string, ClientError> roundTrip(const std::string& socketPath,
                                             const std::string& requestLine,
                                             std::chrono::milliseconds timeout);

}  // namespace lvsd::ctl
