#pragma once
// Pure mappings for the script and file probes.

#include <string_view>

#include "check/core/outcome.h"

namespace lvsd::check {

/// Maps a script's exit code as keepalived's MISC_CHECK with misc_dynamic does: 0 up, 1 down,
/// 2..255 up with weight (code - 2).
/// @param dynamic false: every non-zero code is down (plain MISC_CHECK).
Outcome scriptExitOutcome(int exitCode, bool dynamic);

/// Parses a weight file: the first token is a decimal weight (0..65535). "0" is up with weight
/// 0 (drained); anything unparsable is down.
Outcome parseWeightFile(std::string_view content);

}  // namespace lvsd::check
