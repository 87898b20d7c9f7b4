#pragma once
// Reads a libconfig file into a validated config::Config. Exceptions from libconfig++ are caught
// here (the startup/config boundary) and turned into diagnostics that name file:line. Every
// problem is reported, not just the first.
//
// `lvsd -t [-f FILE]` exit codes (docs/config.md): 0 valid, 1 invalid config (errors printed as
// Diagnostic::toString(), one per line), 2 usage error or unreadable file (LoadResult::unreadable).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/model.h"

namespace lvsd::config {

/// The default config path (overridden with `lvsd -f FILE`).
inline constexpr const char* kDefaultConfigPath = "/etc/lvsd/lvsd.conf";

struct LoadResult {
  std::optional<Config> config;  ///< set only when there are no errors
  std::vector<Diagnostic> errors;
  bool unreadable = false;  ///< the main file could not be read (exit code 2 for `lvsd -t`)
};

/// Parses and validates @p path; relative @include paths resolve against its directory.
/// Never throws.
LoadResult loadFile(const std::string& path);

/// Parses and validates @p text; diagnostics name the file @p name. @include paths resolve
/// against @p include_dir ("" = the current directory). Never throws.
LoadResult loadString(std::string_view text, std::string name, const std::string& include_dir = "");

}  // namespace lvsd::config
