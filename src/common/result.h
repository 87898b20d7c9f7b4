#pragma once
// lvsd::Result<T>: the project-wide success-or-error return type (house style: no exceptions in
// cores or loop callbacks).

#include <string>
#include <system_error>
#include <utility>

#include "common/expected.h"

namespace lvsd {

/// An error: a human-readable message, plus an errno/netlink code when one applies.
struct Error {
  std::string message;
  std::error_code code{};

  Error() = default;
  explicit Error(std::string msg, std::error_code ec = {}) : message(std::move(msg)), code(ec) {}
};

template <class T>
using Result = Expected<T, Error>;

/// Shorthand: return lvsd::fail("...") from a function returning Result<T>.
inline Unexpected<Error> fail(std::string msg, std::error_code ec = {}) {
  return Unexpected<Error>(Error(std::move(msg), ec));
}

}  // namespace lvsd
