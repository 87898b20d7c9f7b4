#include "ctl/ipvs_format.h"

#include "ipvs/format.h"
#include "ipvs/json.h"

namespace lvsd::ctl {

std::string formatIpvs(const Json& data, const std::string& mode, bool exact) {
  if (!data.is_object() || !data.contains("table")) {
    return "no IPVS table in the answer\n";
  }
  auto table = ipvs::tableFromJson(data["table"]);
  if (!table) {
    return "unreadable IPVS table: " + table.error().message + "\n";
  }
  ipvs::FormatOptions o;
  o.mode = mode == "stats"  ? ipvs::FormatOptions::Mode::Stats
           : mode == "rate" ? ipvs::FormatOptions::Mode::Rate
                            : ipvs::FormatOptions::Mode::List;
  o.exact = exact;
  const auto num = [&](const char* key, uint32_t def) {
    const auto it = data.find(key);
    return it != data.end() && it->is_number_unsigned() ? it->get<uint32_t>() : def;
  };
  o.version = num("version_code", o.version);
  o.connTabSize = num("conn_tab_size", o.connTabSize);
  return ipvs::formatTable(*table, o);
}

std::vector<std::string> ipvsProblems(const Json& data) {
  std::vector<std::string> out;
  if (!data.is_object() || !data.contains("lvsd") || !data["lvsd"].is_object()) {
    return out;
  }
  const Json& l = data["lvsd"];
  if (l.contains("error") && l["error"].is_string()) {
    out.push_back("checker: " + l["error"].get<std::string>());
  }
  if (l.contains("last_sync") && l["last_sync"].is_object()) {
    const Json& s = l["last_sync"];
    if (s.contains("errors") && s["errors"].is_array()) {
      for (const auto& e : s["errors"]) {
        if (e.is_string()) {
          out.push_back(e.get<std::string>());
        }
      }
    }
  }
  return out;
}

}  // namespace lvsd::ctl
