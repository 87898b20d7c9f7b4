// Fuzzes the control protocol as the daemon sees it: arbitrary bytes are framed into lines and
// each line is dispatched; every answer must be one valid JSON response line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ctl/format.h"
#include "ctl/protocol.h"

using lvsd::Expected;
using lvsd::ctl::Json;
using lvsd::ctl::ProtocolError;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lvsd::ctl::CommandRegistry registry = [] {
    lvsd::ctl::CommandRegistry r;
    r.add("status", [](const Json& args) -> Expected<Json, ProtocolError> { return args; });
    r.add("fail", [](const Json&) -> Expected<Json, ProtocolError> {
      return lvsd::Unexpected(ProtocolError{"failed", "x"});
    });
    return r;
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  lvsd::ctl::LineFramer framer(4096);
  // Feed in two chunks to exercise reassembly.
  framer.feed(input.substr(0, size / 2));
  framer.feed(input.substr(size / 2));
  auto check = [](const std::string& line) {
    auto resp = lvsd::ctl::parseResponse(line.substr(0, line.size() - 1));
    if (line.empty() || line.back() != '\n' || !resp) {
      std::abort();
    }
    // The formatter must cope with whatever data comes back.
    (void)lvsd::ctl::formatStatus(resp->data);
  };
  while (auto line = framer.next()) {
    check(registry.dispatch(*line));
  }
  if (auto rest = framer.takeRest()) {
    check(registry.dispatch(*rest));
  }
  // Also treat the whole input as a status data object for the formatter.
  Json j = Json::parse(input.begin(), input.end(), nullptr, false);
  if (!j.is_discarded()) {
    (void)lvsd::ctl::formatStatus(j);
    (void)lvsd::ctl::formatReload(j);
    (void)lvsd::ctl::formatCheckConfig(j);
  }
  return 0;
}
