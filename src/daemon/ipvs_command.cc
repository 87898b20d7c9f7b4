#include "daemon/ipvs_command.h"

#include <chrono>
#include <memory>

#include "ipvs/json.h"
#include "ipvs/nl/programmer.h"

namespace lvsd::daemon {

ctl::CommandRegistry::Handler makeIpvsCommand(std::function<ctl::Json()> checkerIpvs) {
  auto prog = std::make_shared<std::unique_ptr<ipvs::Programmer>>();
  return [prog, checkerIpvs = std::move(checkerIpvs)](
             const ctl::Json&) -> Expected<ctl::Json, ctl::ProtocolError> {
    const auto failed = [](const std::string& m) {
      return Unexpected(ctl::ProtocolError{std::string(ctl::code::kFailed), m});
    };
    if (!*prog) {
      auto p = ipvs::Programmer::open();
      if (!p) {
        return failed("ipvs unavailable: " + p.error().message);
      }
      *prog = std::move(*p);
    }
    using Clock = std::chrono::steady_clock;
    const auto ms = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    const auto t0 = Clock::now();
    auto table = (*prog)->readKernel();
    const auto t1 = Clock::now();
    auto info = table ? (*prog)->info() : Result<ipvs::msg::Info>(fail(""));
    if (!table || !info) {
      const std::string why = !table ? table.error().message : info.error().message;
      prog->reset();  // reopen next time
      return failed("reading the IPVS table: " + why);
    }
    const uint32_t v = info->version;
    ctl::Json out{{"available", true},
                  {"version", std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) +
                                  "." + std::to_string(v & 0xff)},
                  {"version_code", v},
                  {"conn_tab_size", info->connTabSize},
                  {"table", ipvs::toJson(*table)},
                  {"lvsd", checkerIpvs ? checkerIpvs() : ctl::Json(nullptr)}};
    out["timing_ms"] = ctl::Json{{"read", ms(t0, t1)}, {"encode", ms(t1, Clock::now())}};
    return out;
  };
}

}  // namespace lvsd::daemon
