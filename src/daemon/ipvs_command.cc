#include "daemon/ipvs_command.h"

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
    auto table = (*prog)->readKernel();
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
    return out;
  };
}

}  // namespace lvsd::daemon
