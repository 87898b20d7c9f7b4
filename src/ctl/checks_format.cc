#include "ctl/checks_format.h"

#include <cstdio>
#include <sstream>

namespace lvsd::ctl {

namespace {

std::string str(const Json& j, const char* key, const std::string& dflt = "-") {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) {
    return dflt;
  }
  return j[key].is_string() ? j[key].get<std::string>() : dumpJson(j[key]);
}

std::string fixed(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) {
    return "-";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", j[key].get<double>());
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) {
    s.append(width - s.size(), ' ');
  }
  return s;
}

}  // namespace

std::string formatChecks(const Json& data) {
  std::ostringstream out;
  if (!data.is_object() || !data.contains("virtual_servers")) {
    out << "no health check data yet (checker " << str(data, "child_state", "?") << ")\n";
    return out.str();
  }
  for (const auto& v : data["virtual_servers"]) {
    out << "virtual server " << str(v, "name") << " (" << str(v, "service")
        << "): " << str(v, "reals_up") << "/" << str(v, "reals_total") << " up, weight "
        << str(v, "up_weight") << ", quorum " << str(v, "quorum") << " +-" << str(v, "hysteresis")
        << (v.value("has_quorum", true) ? "" : " LOST")
        << (v.value("sorry_active", false) ? ", sorry server active" : "") << "\n";
    if (!v.contains("reals") || v["reals"].empty()) {
      continue;
    }
    out << "  " << pad("REAL SERVER", 24) << pad("STATE", 6) << pad("WEIGHT", 12) << pad("WHY", 20)
        << pad("OPERATOR", 10) << "CHECKS\n";
    for (const auto& r : v["reals"]) {
      std::string weight = str(r, "weight") + "/" + str(r, "configured_weight");
      if (!r.value("in_service", true)) {
        weight = "out";
      }
      std::string op = str(r, "operator");
      if (r.contains("operator_weight") && !r["operator_weight"].is_null()) {
        op += " w=" + str(r, "operator_weight");
      }
      out << "  " << pad(str(r, "server"), 24) << pad(str(r, "state"), 6) << pad(weight, 12)
          << pad(str(r, "weight_reason"), 20) << pad(op, 10);
      const auto& checks = r.value("checks", Json::array());
      if (checks.empty()) {
        out << "none (always up)\n";
        continue;
      }
      bool first = true;
      for (const auto& c : checks) {
        if (!first) {
          out << "  " << std::string(24 + 6 + 12 + 20 + 10, ' ');
        }
        first = false;
        out << str(c, "check") << ": " << str(c, "state");
        if (c.contains("last") && !c["last"].is_null()) {
          out << ", last " << str(c, "last") << " in " << fixed(c, "latency_ms") << " ms ("
              << str(c, "reason") << ") " << fixed(c, "age_s") << " s ago";
        } else {
          out << ", not run yet";
        }
        out << ", " << str(c, "failures") << "/" << str(c, "results") << " failed";
        if (c.contains("error")) {
          out << ", cannot run: " << str(c, "error");
        }
        out << "\n";
      }
    }
  }
  const size_t listed = data.value("reals_listed", size_t{0});
  const size_t total = data.value("reals_total", size_t{0});
  if (listed < total) {
    out << "(" << listed << " of " << total << " real servers listed; --json has the counts)\n";
  }
  return out.str();
}

std::string formatOperator(const Json& data) {
  std::ostringstream out;
  out << str(data, "vs") << " " << str(data, "rs") << ": " << str(data, "mode");
  if (data.contains("weight") && !data["weight"].is_null()) {
    out << ", weight " << str(data, "weight");
  }
  out << "\n";
  return out.str();
}

}  // namespace lvsd::ctl
