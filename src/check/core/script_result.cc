#include "check/core/script_result.h"

#include <string>

namespace lvsd::check {

Outcome scriptExitOutcome(int exitCode, bool dynamic) {
  if (exitCode == 0) {
    return Outcome::up("script: exit 0");
  }
  if (exitCode == 1 || !dynamic || exitCode < 0 || exitCode > 255) {
    return Outcome::down("script: exit " + std::to_string(exitCode));
  }
  Outcome o = Outcome::up("script: exit " + std::to_string(exitCode));
  o.weight = static_cast<uint32_t>(exitCode - 2);
  return o;
}

Outcome parseWeightFile(std::string_view content) {
  size_t i = content.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) {
    return Outcome::down("file: empty");
  }
  uint32_t v = 0;
  size_t digits = 0;
  while (i < content.size() && content[i] >= '0' && content[i] <= '9' && digits < 6) {
    v = v * 10 + static_cast<uint32_t>(content[i] - '0');
    ++i;
    ++digits;
  }
  const bool endOk = i >= content.size() || content[i] == ' ' || content[i] == '\t' ||
                     content[i] == '\r' || content[i] == '\n';
  if (digits == 0 || !endOk || v > 65535) {
    return Outcome::down("file: not a weight 0..65535");
  }
  Outcome o = Outcome::up("file: weight " + std::to_string(v));
  o.weight = v;
  return o;
}

}  // namespace lvsd::check
