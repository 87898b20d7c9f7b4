// Fuzzes the DNS response parser and the verdict built from it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "check/core/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lvsd::check;
  auto r = parseDnsResponse(std::span<const uint8_t>(data, size));
  if (!r) {
    return 0;
  }
  for (const auto& a : r->answers) {
    if (a.name.size() > 255) {
      std::abort();  // names are bounded by RFC 1035 even through compression pointers
    }
  }
  DnsExpect e{"www.example.com", kDnsA, 0, "192.0.2.1", {}};
  (void)evaluateDns(e, r->id, *r);
  return 0;
}
