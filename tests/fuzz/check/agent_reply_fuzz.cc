// Fuzzes the HAProxy agent reply parser: any bytes, never a crash, bounded reason text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "check/core/agent_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const lvsd::check::Outcome o = lvsd::check::parseAgentReply(in);
  if (o.reason.size() > 400) {
    std::abort();
  }
  if (o.weightPercent && *o.weightPercent > 9999999) {
    std::abort();
  }
  return 0;
}
