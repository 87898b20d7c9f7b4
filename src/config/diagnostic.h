#pragma once
// A problem found in a config file, and where (pure).

#include <string>
#include <vector>

namespace lvsd::config {

/// One problem found in a config file.
struct Diagnostic {
  std::string file;
  int line = 0;         ///< 0 when unknown
  std::string setting;  ///< path, e.g. "virtual_servers[0].real_servers[1].weight"
  std::string message;
  /// "file:line: setting: message" — the format `lvsd -t` prints (a documented contract).
  [[nodiscard]] std::string toString() const;
};

using Diagnostics = std::vector<Diagnostic>;

/// Where a setting was written.
struct SourceLocation {
  std::string file;
  int line = 0;
};

}  // namespace lvsd::config
