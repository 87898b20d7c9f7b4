#pragma once
// Reads a libconfig file into a validated config::Model. Exceptions from libconfig++ are caught
// here (the startup/config boundary) and turned into diagnostics that name file:line.

#include <optional>
#include <string>
#include <vector>

#include "config/model.h"

namespace lvsd::config {

/// One problem found in a config file.
struct Diagnostic {
  std::string file;
  int line = 0;          ///< 0 when unknown
  std::string setting;   ///< dotted path, e.g. "virtual_servers.[0].real_servers.[1].weight"
  std::string message;
  /// "file:line: setting: message" — the format `lvsd -t` prints.
  [[nodiscard]] std::string toString() const;
};

struct LoadResult {
  std::optional<Config> config;      ///< set only when there are no errors
  std::vector<Diagnostic> errors;
};

/// Parses and validates @p path. Never throws.
LoadResult loadFile(const std::string& path);

}  // namespace lvsd::config
