#include "daemon/status.h"

namespace lvsd::daemon {
namespace {

Json errorsJson(const std::vector<std::string>& errors) {
  Json a = Json::array();
  for (const auto& e : errors) {
    a.push_back(e);
  }
  return a;
}

std::optional<Json> parseObject(std::string_view line) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return std::nullopt;
  }
  return j;
}

uint64_t u64(const Json& j, const char* key) {
  const auto it = j.find(key);
  return (it != j.end() && it->is_number_unsigned()) ? it->get<uint64_t>() : 0;
}

std::string string(const Json& j, const char* key) {
  const auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

}  // namespace

Json reloadToJson(const ReloadInfo& r) {
  return Json{{"ok", r.ok},
              {"time", r.time},
              {"generation", r.generation},
              {"file", r.file},
              {"errors", errorsJson(r.errors)}};
}

Json buildStatus(const DaemonInfo& info) {
  Json children = Json::array();
  for (const auto& c : info.children) {
    children.push_back(
        Json{{"name", c.name},
             {"pid", c.pid == 0 ? Json(nullptr) : Json(c.pid)},
             {"state", c.state},
             {"restarts", c.restarts},
             {"last_exit", c.lastExit.empty() ? Json(nullptr) : Json(c.lastExit)},
             {"generation", c.generation},
             {"reload_error", c.reloadError.empty() ? Json(nullptr) : Json(c.reloadError)},
             {"report", c.report}});
  }
  return Json{{"daemon",
               {{"version", info.version},
                {"pid", info.pid},
                {"started", info.startedAt},
                {"uptime_s", info.uptimeSeconds}}},
              {"config", {{"file", info.configFile}, {"generation", info.generation}}},
              {"last_reload", info.lastReload ? reloadToJson(*info.lastReload) : Json(nullptr)},
              {"children", children},
              {"counts",
               {{"vrrp_instances", info.vrrpInstances}, {"virtual_servers", info.virtualServers}}}};
}

Json checkResultToJson(const std::string& file, const std::vector<config::Diagnostic>& errors) {
  Json lines = Json::array();
  Json diags = Json::array();
  for (const auto& d : errors) {
    lines.push_back(d.toString());
    diags.push_back(
        Json{{"file", d.file}, {"line", d.line}, {"setting", d.setting}, {"message", d.message}});
  }
  return Json{{"valid", errors.empty()}, {"file", file}, {"errors", lines}, {"diagnostics", diags}};
}

std::string encode(const ParentMessage& m) {
  Json j;
  if (m.kind == ParentMessage::Kind::Reload) {
    j = {{"type", "reload"},
         {"path", m.path},
         {"generation", m.generation},
         {"bytes", m.payload.size()}};
    return ctl::dumpJson(j) + "\n" + m.payload;
  } else if (m.kind == ParentMessage::Kind::Admin) {
    j = {{"type", "admin"}, {"admin", m.admin}};
  } else if (m.kind == ParentMessage::Kind::Query) {
    j = {{"type", "query"}, {"query", m.query}};
  } else {
    j = {{"type", "stop"}};
  }
  return ctl::dumpJson(j) + "\n";
}

std::string encode(const ChildMessage& m) {
  Json j;
  if (m.kind == ChildMessage::Kind::Report) {
    j = {{"type", "report"}, {"generation", m.generation}, {"status", m.status}};
    if (m.query != 0) {
      j["query"] = m.query;
    }
  } else {
    j = {{"type", "reload_result"}, {"generation", m.generation}, {"ok", m.ok}};
    if (!m.ok) {
      j["error"] = m.error;
    }
  }
  return ctl::dumpJson(j) + "\n";
}

Expected<ParentMessage, std::string> parseParentMessage(std::string_view line) {
  auto j = parseObject(line);
  if (!j) {
    return Unexpected(std::string("not a JSON object"));
  }
  const std::string type = string(*j, "type");
  ParentMessage m;
  if (type == "stop") {
    m.kind = ParentMessage::Kind::Stop;
    return m;
  }
  if (type == "admin") {
    m.kind = ParentMessage::Kind::Admin;
    const auto a = j->find("admin");
    if (a == j->end() || !a->is_object()) {
      return Unexpected(std::string("admin without an object"));
    }
    m.admin = *a;
    return m;
  }
  if (type == "query") {
    m.kind = ParentMessage::Kind::Query;
    m.query = u64(*j, "query");
    if (m.query == 0) {
      return Unexpected(std::string("query without an id"));
    }
    return m;
  }
  if (type == "reload") {
    m.kind = ParentMessage::Kind::Reload;
    m.path = string(*j, "path");
    m.generation = u64(*j, "generation");
    m.payloadBytes = static_cast<size_t>(u64(*j, "bytes"));
    if (m.payloadBytes == 0 || m.payloadBytes > kMaxUpdateBytes) {
      return Unexpected(std::string("reload without a valid payload size"));
    }
    return m;
  }
  return Unexpected("unknown message type \"" + type + "\"");
}

Expected<ChildMessage, std::string> parseChildMessage(std::string_view line) {
  auto j = parseObject(line);
  if (!j) {
    return Unexpected(std::string("not a JSON object"));
  }
  const std::string type = string(*j, "type");
  ChildMessage m;
  m.generation = u64(*j, "generation");
  if (type == "report") {
    m.kind = ChildMessage::Kind::Report;
    m.query = u64(*j, "query");
    const auto s = j->find("status");
    if (s != j->end() && s->is_object()) {
      m.status = *s;
    }
    return m;
  }
  if (type == "reload_result") {
    m.kind = ChildMessage::Kind::ReloadResult;
    const auto ok = j->find("ok");
    m.ok = ok != j->end() && ok->is_boolean() && ok->get<bool>();
    m.error = string(*j, "error");
    return m;
  }
  return Unexpected("unknown message type \"" + type + "\"");
}

}  // namespace lvsd::daemon
