// The supervisor's control commands: registration, and the operator commands that change
// runtime state (weight/drain/enable/disable). The `ipvs` command lives in ipvs_command.cc.
#include <algorithm>

#include "check/config/from_config.h"
#include "config/loader.h"
#include "daemon/supervisor.h"

#ifndef LVSD_VERSION
#define LVSD_VERSION "0.0.0"
#endif

namespace lvsd::daemon {

void Supervisor::registerCommands() {
  // The checker reports totals every second; status, checks and ipvs ask it for the full
  // status (per service and real server) when they run.
  registry_.addDeferred("status", [this](const ctl::Json& args, ctl::CommandRegistry::Reply reply) {
    const auto brief = args.find("brief");
    if (brief != args.end() && brief->is_boolean() && brief->get<bool>()) {
      reply(ctl::okResponse(buildStatus(snapshot())));  // the checker's report: totals only
      return;
    }
    fetchReport("checker", [this, reply = std::move(reply)](const ctl::Json& full) {
      DaemonInfo d = snapshot();
      for (auto& c : d.children) {
        if (c.name == "checker" && !full.empty()) {
          c.report = full;
        }
      }
      reply(ctl::okResponse(buildStatus(d)));
    });
  });
  registry_.add("version", [](const ctl::Json&) -> Expected<ctl::Json, ctl::ProtocolError> {
    return ctl::Json{{"version", LVSD_VERSION}, {"protocol", ctl::kProtocolVersion}};
  });
  registry_.add("reload", [this](const ctl::Json&) -> Expected<ctl::Json, ctl::ProtocolError> {
    return reload("control socket");
  });
  registry_.add("vrrp", [this](const ctl::Json&) -> Expected<ctl::Json, ctl::ProtocolError> {
    // Served from the VRRP child's latest report (sent at once on every state change).
    for (const auto& c : children_) {
      if (c->name == "vrrp") {
        const auto it = c->report.find("vrrp");
        if (it != c->report.end()) {
          ctl::Json out = *it;
          out["child_state"] = c->state;
          return out;
        }
        return ctl::Json{{"instances", ctl::Json::array()}, {"child_state", c->state}};
      }
    }
    return Unexpected(
        ctl::ProtocolError{std::string(ctl::code::kFailed), "no vrrp child in this daemon"});
  });
  registry_.addDeferred("ipvs", ipvsCommand_->handler());
  registry_.addDeferred("checks", [this](const ctl::Json&, ctl::CommandRegistry::Reply reply) {
    const auto c = std::find_if(children_.begin(), children_.end(),
                                [](const auto& ch) { return ch->name == "checker"; });
    if (c == children_.end()) {
      reply(ctl::errorResponse(ctl::code::kFailed, "no checker child in this daemon"));
      return;
    }
    // The checker's full status, asked for now (it answers after pending operator changes).
    fetchReport("checker",
                [this, reply = std::move(reply), child = c->get()](const ctl::Json& report) {
                  const auto it = report.find("checks");
                  ctl::Json out = it != report.end() ? *it : ctl::Json::object();
                  out["child_state"] = child->state;
                  out["overrides"] = overrides_;
                  reply(ctl::okResponse(out));
                });
  });
  for (const char* mode : {"weight", "drain", "enable", "disable"}) {
    registry_.add(mode, [this, m = std::string(mode)](const ctl::Json& args) {
      return setOperator(args, m);
    });
  }
  registry_.add("check-config",
                [](const ctl::Json& args) -> Expected<ctl::Json, ctl::ProtocolError> {
                  const auto p = args.find("path");
                  if (p == args.end() || !p->is_string() || p->get<std::string>().empty()) {
                    return Unexpected(ctl::ProtocolError{std::string(ctl::code::kBadRequest),
                                                         "check-config needs args.path (string)"});
                  }
                  const std::string path = p->get<std::string>();
                  auto loaded = config::loadFile(path);
                  return checkResultToJson(path, loaded.errors);
                });
}

Expected<ctl::Json, ctl::ProtocolError> Supervisor::setOperator(const ctl::Json& args,
                                                                const std::string& mode) {
  const auto bad = [&](const std::string& m) {
    return Unexpected(ctl::ProtocolError{std::string(ctl::code::kBadRequest), m});
  };
  const auto vsArg = args.find("vs");
  const auto rsArg = args.find("rs");
  if (vsArg == args.end() || !vsArg->is_string() || rsArg == args.end() || !rsArg->is_string()) {
    return bad(mode + " needs args.vs and args.rs (strings)");
  }
  std::optional<uint32_t> weight;
  if (mode == "weight") {
    const auto w = args.find("weight");
    if (w == args.end() || !w->is_number_unsigned() || w->get<uint64_t>() > 65535) {
      return bad("weight needs args.weight, 0..65535");
    }
    weight = static_cast<uint32_t>(w->get<uint64_t>());
  }
  const auto vs = check::findVirtualServer(config_, vsArg->get<std::string>());
  if (!vs) {
    return Unexpected(ctl::ProtocolError{std::string(ctl::code::kFailed), vs.error().message});
  }
  const auto& v = config_.virtual_servers[*vs];
  const auto rs = check::findRealServer(v, rsArg->get<std::string>());
  if (!rs) {
    return Unexpected(ctl::ProtocolError{std::string(ctl::code::kFailed), rs.error().message});
  }
  const auto& ep = v.real_servers[*rs].endpoint;
  const std::string rsName = formatEndpoint(ep.address, ep.port);
  // One override per server: enable clears it; weight keeps drain/disable off; drain/disable
  // keep an operator weight set before.
  ctl::Json kept = ctl::Json::array();
  ctl::Json previous;
  for (auto& o : overrides_) {
    if (o.value("vs", "") == v.name && o.value("rs", "") == rsName) {
      previous = o;
    } else {
      kept.push_back(o);
    }
  }
  ctl::Json entry{{"vs", v.name}, {"rs", rsName}, {"mode", "enabled"}, {"weight", nullptr}};
  if (mode == "weight") {
    entry["weight"] = *weight;
  } else if (mode == "drain" || mode == "disable") {
    entry["mode"] = mode == "drain" ? "drain" : "disabled";
    if (previous.is_object() && previous.contains("weight")) {
      entry["weight"] = previous["weight"];
    }
  }
  if (mode != "enable") {
    kept.push_back(entry);
  }
  overrides_ = std::move(kept);
  log_.notice("operator " + mode + " " + v.name + " " + rsName +
                  (weight ? " " + std::to_string(*weight) : ""),
              {{"event", "operator_" + mode}, {"service", v.name}});
  for (auto& c : children_) {
    if (c->name == "checker") {
      sendAdmin(*c);
    }
  }
  ctl::Json out = entry;
  if (mode == "enable") {
    out["mode"] = "enabled";
  }
  out["persists"] = "until enable, or an lvsd restart (kept across reloads and checker restarts)";
  return out;
}

}  // namespace lvsd::daemon
