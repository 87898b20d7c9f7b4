// The libconfig boundary: parse, convert the setting tree to config::Node, then hand over to the
// pure schema walker (build.h) and validator (validate.h).
//
// This uses libconfig's C API (the library under libconfig++): it reports errors as values, so no
// exception crosses this boundary, and it reads the parsed tree in place, where libconfig++ would
// allocate a wrapper object for every setting. The Node tree holds views into that parsed tree,
// which lives until the model is built.
#include "config/loader.h"

#include <libconfig.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "config/build.h"
#include "config/loader_element.h"
#include "config/loader_phases.h"
#include "config/tree.h"
#include "config/validate.h"

namespace lvsd::config {

namespace {

/// This thread's CPU time (the phases are measured on a shared machine; wall time would also
/// count time the thread was descheduled).
struct CpuClock {
  static std::chrono::nanoseconds now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
};

constexpr int kMaxDepth = 32;

/// A libconfig config_t that is always destroyed.
class Parsed {
public:
  Parsed() { config_init(&cfg_); }
  ~Parsed() { config_destroy(&cfg_); }
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;
  config_t* get() { return &cfg_; }
  [[nodiscard]] std::string includeDir() const {
    const char* dir = config_get_include_dir(&cfg_);
    return dir != nullptr ? dir : "";
  }

private:
  config_t cfg_{};
};

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

/// "a.b.[2].c", the path libconfig++'s Setting::getPath() gives (kept for the depth error).
std::string settingPath(const config_setting_t* s) {
  std::vector<std::string> parts;
  for (; s != nullptr && config_setting_is_root(s) == 0; s = config_setting_parent(s)) {
    std::string part;
    if (const char* name = config_setting_name(s)) {
      part = name;
    } else {
      part += '[';
      part += std::to_string(config_setting_index(s));
      part += ']';
    }
    parts.push_back(std::move(part));
  }
  std::string path;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!path.empty()) {
      path += '.';
    }
    path += *it;
  }
  return path;
}

/// Copies libconfig's tree into Node views, one pass, no string copies.
class Converter {
public:
  Converter(const std::string& mainFile, std::string includeDir, Diagnostics& diags)
      : mainFile_(mainFile), includeDir_(std::move(includeDir)), diags_(diags) {}

  /// Converts the tree under @p root into @p out (children go to the node pool).
  void convertRoot(const config_setting_t* root, Node& out) { convert(root, 0, out); }

private:
  /// @p n consecutive fresh nodes. Blocks of kBlockNodes (below glibc's mmap threshold, so a
  /// reload reuses heap memory) or one block of @p n when larger; blocks never move.
  std::span<Node> allocate(size_t n) {
    if (n == 0) {
      return {};
    }
    if (blockLeft_ < n) {
      const size_t size = std::max(kBlockNodes, n);
      blocks_.push_back(std::make_unique<Node[]>(size));
      next_ = blocks_.back().get();
      blockLeft_ = size;
    }
    std::span<Node> out(next_, n);
    next_ += n;
    blockLeft_ -= n;
    return out;
  }

  void convert(const config_setting_t* s, int depth, Node& n) {
    n.file = file(config_setting_source_file(s));
    n.line = static_cast<int>(config_setting_source_line(s));
    if (const char* name = config_setting_name(s)) {
      n.name = name;
    }
    switch (config_setting_type(s)) {
      case CONFIG_TYPE_INT:
        n.kind = Node::Kind::Int;
        n.int_value = config_setting_get_int(s);
        break;
      case CONFIG_TYPE_INT64:
        n.kind = Node::Kind::Int;
        n.int_value = config_setting_get_int64(s);
        break;
      case CONFIG_TYPE_FLOAT:
        n.kind = Node::Kind::Float;
        n.float_value = config_setting_get_float(s);
        break;
      case CONFIG_TYPE_BOOL:
        n.kind = Node::Kind::Bool;
        n.bool_value = config_setting_get_bool(s) != 0;
        break;
      case CONFIG_TYPE_STRING: {
        n.kind = Node::Kind::String;
        const char* v = config_setting_get_string(s);
        n.string_value = v != nullptr ? v : "";
        break;
      }
      default: {
        const int type = config_setting_type(s);
        n.kind = type == CONFIG_TYPE_ARRAY  ? Node::Kind::Array
                 : type == CONFIG_TYPE_LIST ? Node::Kind::List
                                            : Node::Kind::Group;
        if (depth >= kMaxDepth) {
          diags_.push_back({std::string(n.file), n.line, settingPath(s), "nested too deeply"});
          break;
        }
        const auto length = static_cast<size_t>(std::max(config_setting_length(s), 0));
        const std::span<Node> children = allocate(length);
        n.children = children;
        for (size_t i = 0; i < length; ++i) {
          convert(config_setting_get_elem(s, static_cast<unsigned>(i)), depth + 1, children[i]);
        }
        break;
      }
    }
  }

  /// The file name of a setting, formatted once per distinct libconfig file pointer.
  std::string_view file(const char* f) {
    if (f == lastRaw_ && lastName_ != nullptr) {
      return *lastName_;
    }
    for (const auto& [raw, name] : cache_) {
      if (raw == f) {
        lastRaw_ = f;
        lastName_ = name;
        return *name;
      }
    }
    names_.push_back(fileName(f, mainFile_, includeDir_));
    cache_.emplace_back(f, &names_.back());
    lastRaw_ = f;
    lastName_ = &names_.back();
    return *lastName_;
  }

  const std::string& mainFile_;
  std::string includeDir_;
  Diagnostics& diags_;
  static constexpr size_t kBlockNodes = 1024;
  std::vector<std::unique_ptr<Node[]>> blocks_;  // every node but the root
  Node* next_ = nullptr;
  size_t blockLeft_ = 0;
  std::deque<std::string> names_;  // stable addresses: Node::file views them
  std::vector<std::pair<const char*, const std::string*>> cache_;
  const char* lastRaw_ = nullptr;
  const std::string* lastName_ = nullptr;
};

LoadResult finish(Parsed& parsed, const std::string& name, LoadPhases* phases) {
  LoadResult r;
  const auto t0 = CpuClock::now();
  Converter conv(name, parsed.includeDir(), r.errors);
  Node root;
  conv.convertRoot(config_root_setting(parsed.get()), root);
  root.file = name;
  const auto t1 = CpuClock::now();
  if (phases != nullptr) {
    phases->convert += t1 - t0;
  }
  if (!r.errors.empty()) {
    return r;
  }
  Context ctx(r.errors, root);
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
  if (phases != nullptr) {
    phases->build += CpuClock::now() - t1;
  }
  return r;
}

/// The result of a failed config_read_*: a syntax error at file:line, or an I/O error.
LoadResult readError(Parsed& parsed, const std::string& name, bool fromFile) {
  LoadResult r;
  config_t* cfg = parsed.get();
  if (config_error_type(cfg) == CONFIG_ERR_PARSE) {
    const char* text = config_error_text(cfg);
    r.errors.push_back({fileName(config_error_file(cfg), name, parsed.includeDir()),
                        config_error_line(cfg), "", text != nullptr ? text : "syntax error"});
    return r;
  }
  if (fromFile) {
    r.unreadable = true;
    r.errors.push_back({name, 0, "", "cannot read file"});
  } else {
    r.errors.push_back({name, 0, "", "FileIOException"});  // what libconfig++ reported
  }
  return r;
}

/// Parses `<list> = ( <element> );` and builds the whole (one-element) document; the result
/// only when nothing was reported.
std::optional<Config> buildElementText(std::string_view list, std::string_view element) {
  if (element.find("@include") != std::string_view::npos ||
      element.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string doc;
  doc.reserve(list.size() + element.size() + 16);
  doc.append(list).append(" = (\n").append(element).append("\n);\n");
  Parsed parsed;
  if (config_read_string(parsed.get(), doc.c_str()) == CONFIG_FALSE) {
    return std::nullopt;
  }
  Diagnostics diags;
  const std::string name = "element";
  Converter conv(name, "", diags);
  Node root;
  conv.convertRoot(config_root_setting(parsed.get()), root);
  if (!diags.empty()) {
    return std::nullopt;
  }
  Context ctx(diags, root);
  Config c;
  buildConfig(ctx, root, c);
  if (!diags.empty()) {
    return std::nullopt;
  }
  return c;
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
  Parsed parsed;
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) {
    config_set_include_dir(parsed.get(), dir.c_str());
  }
  if (config_read_file(parsed.get(), path.c_str()) == CONFIG_FALSE) {
    return readError(parsed, path, true);
  }
  return finish(parsed, path, nullptr);
}

LoadResult loadString(std::string_view text, std::string name, const std::string& include_dir) {
  LoadPhases ignored;
  return loadStringPhases(text, std::move(name), include_dir, ignored);
}

LoadResult loadStringPhases(std::string_view text, std::string name, const std::string& include_dir,
                            LoadPhases& phases) {
  Parsed parsed;
  if (!include_dir.empty()) {
    config_set_include_dir(parsed.get(), include_dir.c_str());
  }
  const auto t0 = CpuClock::now();
  const std::string terminated(text);  // libconfig reads a C string
  const bool ok = config_read_string(parsed.get(), terminated.c_str()) != CONFIG_FALSE;
  phases.parse += CpuClock::now() - t0;
  if (!ok) {
    return readError(parsed, name, false);
  }
  return finish(parsed, name, &phases);
}

bool buildVirtualServerText(std::string_view element, VirtualServer& out) {
  auto c = buildElementText("virtual_servers", element);
  if (!c || c->virtual_servers.size() != 1) {
    return false;
  }
  out = std::move(c->virtual_servers.front());
  return true;
}

bool buildVrrpInstanceText(std::string_view element, VrrpInstance& out) {
  auto c = buildElementText("vrrp_instances", element);
  if (!c || c->vrrp_instances.size() != 1) {
    return false;
  }
  out = std::move(c->vrrp_instances.front());
  return true;
}

}  // namespace lvsd::config
