// Skeleton loader: reads only the global section. The config owner replaces this.
#include "config/loader.h"

#include <libconfig.h++>

namespace lvsd::config {

std::string Diagnostic::toString() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
  }
  s += ": ";
  if (!setting.empty()) {
    s += setting + ": ";
  }
  return s + message;
}

LoadResult loadFile(const std::string& path) {
  LoadResult r;
  libconfig::Config cfg;
  try {
    cfg.readFile(path.c_str());
  } catch (const libconfig::FileIOException&) {
    r.errors.push_back({path, 0, "", "cannot read file"});
    return r;
  } catch (const libconfig::ParseException& e) {
    r.errors.push_back({e.getFile() ? e.getFile() : path, e.getLine(), "", e.getError()});
    return r;
  }
  Config c;
  c.source_file = path;
  const auto& root = cfg.getRoot();
  if (root.exists("global")) {
    const auto& g = root["global"];
    std::string s;
    if (g.lookupValue("control_socket", s)) {
      c.global.control_socket = s;
    }
  }
  r.config = std::move(c);
  return r;
}

}  // namespace lvsd::config
