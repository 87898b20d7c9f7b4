#include "ctl/format.h"

#include <cstdio>

namespace lvsd::ctl {
namespace {

std::string str(const Json& j, const char* key, std::string dflt = "-") {
  if (!j.is_object()) {
    return dflt;
  }
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return dflt;
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  return dumpJson(*it);
}

int64_t num(const Json& j, const char* key, int64_t dflt = 0) {
  if (!j.is_object()) {
    return dflt;
  }
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) {
    return dflt;
  }
  return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}

const Json& sub(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) {
    return kNull;
  }
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string errorLines(const Json& errors, const std::string& indent) {
  std::string out;
  if (!errors.is_array()) {
    return out;
  }
  for (const auto& e : errors) {
    out += indent + (e.is_string() ? e.get<std::string>() : dumpJson(e)) + "\n";
  }
  return out;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) {
    s.append(width - s.size(), ' ');
  }
  return s;
}

}  // namespace

std::string formatDuration(int64_t seconds) {
  if (seconds < 0) {
    seconds = 0;
  }
  char buf[64];
  const int64_t h = seconds / 3600;
  const int64_t m = (seconds / 60) % 60;
  const int64_t s = seconds % 60;
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lldh %02lldm %02llds", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  } else if (m > 0) {
    std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(m),
                  static_cast<long long>(s));
  } else {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  }
  return buf;
}

std::string formatStatus(const Json& data) {
  const Json& d = sub(data, "daemon");
  const Json& c = sub(data, "config");
  const Json& r = sub(data, "last_reload");
  const Json& n = sub(data, "counts");
  std::string out;
  out += "lvsd " + str(d, "version") + ", pid " + str(d, "pid") + ", up " +
         formatDuration(num(d, "uptime_s")) + "\n";
  out += "config: " + str(c, "file") + " (generation " + str(c, "generation") + ")\n";
  if (r.is_object()) {
    const bool ok = r.contains("ok") && r["ok"].is_boolean() && r["ok"].get<bool>();
    out += "last reload: " + std::string(ok ? "ok" : "FAILED") + " at " + str(r, "time") + "\n";
    if (!ok) {
      out += errorLines(sub(r, "errors"), "  ");
    }
  } else {
    out += "last reload: none\n";
  }
  out += "children:\n";
  out += "  " + pad("NAME", 10) + pad("PID", 9) + pad("STATE", 10) + pad("RESTARTS", 10) +
         "LAST EXIT\n";
  const Json& kids = sub(data, "children");
  if (kids.is_array()) {
    for (const auto& k : kids) {
      out += "  " + pad(str(k, "name"), 10) + pad(str(k, "pid"), 9) + pad(str(k, "state"), 10) +
             pad(str(k, "restarts"), 10) + str(k, "last_exit") + "\n";
    }
  }
  out += "vrrp instances: " + str(n, "vrrp_instances", "0") +
         ", virtual servers: " + str(n, "virtual_servers", "0") + "\n";
  return out;
}

std::string formatReload(const Json& data) {
  const bool ok =
      data.is_object() && data.contains("ok") && data["ok"].is_boolean() && data["ok"].get<bool>();
  if (ok) {
    return "reloaded " + str(data, "file") + ": generation " + str(data, "generation") + "\n";
  }
  return "reload FAILED, still running generation " + str(data, "generation") + ":\n" +
         errorLines(sub(data, "errors"), "  ");
}

std::string formatCheckConfig(const Json& data) {
  const bool ok = data.is_object() && data.contains("valid") && data["valid"].is_boolean() &&
                  data["valid"].get<bool>();
  if (ok) {
    return str(data, "file") + ": valid\n";
  }
  return errorLines(sub(data, "errors"), "");
}

std::string formatVrrp(const Json& data) {
  const Json& list = sub(data, "instances");
  if (!list.is_array() || list.empty()) {
    return "no vrrp instances\n";
  }
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-16s %4s %-10s %-10s %-9s %-28s %s\n", "INSTANCE", "VRID",
                "INTERFACE", "STATE", "PRIO", "MASTER", "VIPS");
  out += line;
  for (const Json& in : list) {
    std::string master = str(in, "master_address");
    if (sub(in, "is_master").is_boolean() && sub(in, "is_master").get<bool>()) {
      master += " (this node)";
    }
    const std::string prio = std::to_string(num(in, "effective_priority")) + "/" +
                             std::to_string(num(in, "base_priority"));
    std::string vips;
    const Json& v = sub(in, "vips");
    if (v.is_array()) {
      for (const Json& a : v) {
        if (a.is_string()) {
          const std::string s = a.get<std::string>();
          vips += (vips.empty() ? "" : ",") + s.substr(0, s.find(' '));
        }
      }
    }
    std::snprintf(line, sizeof(line), "%-16s %4lld %-10s %-10s %-9s %-28s %s\n",
                  str(in, "name").c_str(), static_cast<long long>(num(in, "vrid")),
                  str(in, "interface").c_str(), str(in, "state").c_str(), prio.c_str(),
                  master.c_str(), vips.c_str());
    out += line;
    const Json& rej = sub(sub(in, "counters"), "rejected");
    std::string reasons;
    if (rej.is_object()) {
      for (auto it = rej.begin(); it != rej.end(); ++it) {
        if (it->is_number() && it->get<int64_t>() > 0) {
          reasons += " " + it.key() + "=" + std::to_string(it->get<int64_t>());
        }
      }
    }
    if (!reasons.empty()) {
      out += "  rejected:" + reasons + "\n";
    }
  }
  return out;
}

}  // namespace lvsd::ctl
