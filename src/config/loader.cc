// The libconfig++ boundary: parse, convert the Setting tree to config::Node, then hand over to
// the pure schema walker (build.h) and validator (validate.h).
#include "config/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <libconfig.h++>
#include <tuple>

#include "config/build.h"
#include "config/tree.h"
#include "config/validate.h"

namespace lvsd::config {

namespace {

constexpr int kMaxDepth = 32;

/// Names a file as the admin can find it: @include names are relative to the include directory.
std::string fileName(const char* file, const std::string& mainFile, const std::string& includeDir) {
  if (file == nullptr || mainFile == file) {
    return mainFile;
  }
  std::string f = file;
  if (!includeDir.empty() && !f.empty() && f.front() != '/') {
    return (std::filesystem::path(includeDir) / f).string();
  }
  return f;
}

Node convert(const libconfig::Setting& s, const std::string& mainFile,
             const std::string& includeDir, int depth, Diagnostics& diags) {
  Node n;
  n.file = fileName(s.getSourceFile(), mainFile, includeDir);
  n.line = static_cast<int>(s.getSourceLine());
  if (const char* name = s.getName()) {
    n.name = name;
  }
  switch (s.getType()) {
    case libconfig::Setting::TypeInt:
      n.kind = Node::Kind::Int;
      n.int_value = static_cast<int>(s);
      break;
    case libconfig::Setting::TypeInt64:
      n.kind = Node::Kind::Int;
      n.int_value = static_cast<long long>(s);
      break;
    case libconfig::Setting::TypeFloat:
      n.kind = Node::Kind::Float;
      n.float_value = static_cast<double>(s);
      break;
    case libconfig::Setting::TypeBoolean:
      n.kind = Node::Kind::Bool;
      n.bool_value = static_cast<bool>(s);
      break;
    case libconfig::Setting::TypeString:
      n.kind = Node::Kind::String;
      n.string_value = static_cast<const char*>(s);
      break;
    case libconfig::Setting::TypeArray:
    case libconfig::Setting::TypeList:
    case libconfig::Setting::TypeGroup:
    case libconfig::Setting::TypeNone:
      n.kind = s.getType() == libconfig::Setting::TypeArray  ? Node::Kind::Array
               : s.getType() == libconfig::Setting::TypeList ? Node::Kind::List
                                                             : Node::Kind::Group;
      if (depth >= kMaxDepth) {
        diags.push_back({n.file, n.line, s.getPath(), "nested too deeply"});
        break;
      }
      for (int i = 0; i < s.getLength(); ++i) {
        n.children.push_back(convert(s[i], mainFile, includeDir, depth + 1, diags));
      }
      break;
  }
  return n;
}

LoadResult finish(const libconfig::Config& cfg, const std::string& name) {
  LoadResult r;
  const char* dir = cfg.getIncludeDir();
  Node root = convert(cfg.getRoot(), name, dir != nullptr ? dir : "", 0, r.errors);
  root.file = name;
  if (!r.errors.empty()) {
    return r;
  }
  Locations locs;
  Context ctx(r.errors, locs);
  Config c;
  c.source_file = name;
  buildConfig(ctx, root, c);
  validate(ctx, c);
  std::stable_sort(r.errors.begin(), r.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  if (r.errors.empty()) {
    r.config = std::move(c);
  }
  return r;
}

LoadResult parseError(const libconfig::Config& cfg, const libconfig::ParseException& e,
                      const std::string& name) {
  LoadResult r;
  const char* dir = cfg.getIncludeDir();
  std::string what = e.getError() != nullptr ? e.getError() : "syntax error";
  r.errors.push_back(
      {fileName(e.getFile(), name, dir != nullptr ? dir : ""), e.getLine(), "", what});
  return r;
}

}  // namespace

LoadResult loadFile(const std::string& path) {
  {
    std::ifstream probe(path);
    if (!probe || std::filesystem::is_directory(path)) {
      LoadResult r;
      r.unreadable = true;
      r.errors.push_back({path, 0, "", "cannot read file"});
      return r;
    }
  }
  libconfig::Config cfg;
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) {
    cfg.setIncludeDir(dir.c_str());
  }
  try {
    cfg.readFile(path.c_str());
    return finish(cfg, path);
  } catch (const libconfig::ParseException& e) {
    return parseError(cfg, e, path);
  } catch (const libconfig::FileIOException&) {
    LoadResult r;
    r.unreadable = true;
    r.errors.push_back({path, 0, "", "cannot read file"});
    return r;
  } catch (const libconfig::ConfigException& e) {
    LoadResult r;
    r.errors.push_back({path, 0, "", e.what()});
    return r;
  }
}

LoadResult loadString(std::string_view text, std::string name, const std::string& include_dir) {
  libconfig::Config cfg;
  if (!include_dir.empty()) {
    cfg.setIncludeDir(include_dir.c_str());
  }
  try {
    cfg.readString(std::string(text));
    return finish(cfg, name);
  } catch (const libconfig::ParseException& e) {
    return parseError(cfg, e, name);
  } catch (const libconfig::ConfigException& e) {
    LoadResult r;
    r.errors.push_back({name, 0, "", e.what()});
    return r;
  }
}

}  // namespace lvsd::config
