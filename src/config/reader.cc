#include "config/reader.h"

#include <algorithm>
#include <cmath>

namespace lvsd::config {

const char* kindName(Node::Kind k) {
  switch (k) {
    case Node::Kind::Group:
      return "a group";
    case Node::Kind::Array:
      return "an array";
    case Node::Kind::List:
      return "a list";
    case Node::Kind::Int:
      return "an integer";
    case Node::Kind::Float:
      return "a number";
    case Node::Kind::Bool:
      return "a boolean";
    case Node::Kind::String:
      return "a string";
  }
  return "a value";
}

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

void Context::error(const Node& at, std::string path, std::string message) {
  diags_.push_back({at.file, at.line, std::move(path), std::move(message)});
}

void Context::error(const SourceLocation& at, std::string path, std::string message) {
  diags_.push_back({at.file, at.line, std::move(path), std::move(message)});
}

void Context::record(const std::string& path, const Node& n) {
  locs_[path] = SourceLocation{n.file, n.line};
}

SourceLocation Context::locate(std::string_view path) const {
  std::string p(path);
  while (!p.empty()) {
    if (auto it = locs_.find(p); it != locs_.end()) {
      return it->second;
    }
    auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) {
      break;
    }
    p.resize(cut);
  }
  if (auto it = locs_.find(""); it != locs_.end()) {
    return it->second;
  }
  return {};
}

std::string memberPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  return std::string(parent) + "." + std::string(key);
}

std::string indexPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

namespace {

std::string typeError(const char* expected, const Node& n) {
  return std::string("expected ") + expected + ", got " + kindName(n.kind);
}

std::string formatNumber(double v) {
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') {
    s.pop_back();
  }
  if (!s.empty() && s.back() == '.') {
    s.pop_back();
  }
  return s;
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

bool readString(Context& ctx, const Node& n, const std::string& path, std::string& out) {
  if (n.kind != Node::Kind::String) {
    ctx.error(n, path, typeError("a string", n));
    return false;
  }
  out = n.string_value;
  return true;
}

bool readInteger(Context& ctx, const Node& n, const std::string& path, int64_t lo, int64_t hi,
                 int64_t& out) {
  if (n.kind != Node::Kind::Int) {
    ctx.error(n, path, typeError("an integer", n));
    return false;
  }
  if (n.int_value < lo || n.int_value > hi) {
    ctx.error(n, path,
              "value " + std::to_string(n.int_value) + " out of range " + std::to_string(lo) +
                  ".." + std::to_string(hi));
    return false;
  }
  out = n.int_value;
  return true;
}

bool readNumber(Context& ctx, const Node& n, const std::string& path, double lo, double hi,
                double& out) {
  double v = 0;
  if (n.kind == Node::Kind::Int) {
    v = static_cast<double>(n.int_value);
  } else if (n.kind == Node::Kind::Float) {
    v = n.float_value;
  } else {
    ctx.error(n, path, typeError("a number", n));
    return false;
  }
  if (!std::isfinite(v) || v < lo || v > hi) {
    ctx.error(
        n, path,
        "value " + formatNumber(v) + " out of range " + formatNumber(lo) + ".." + formatNumber(hi));
    return false;
  }
  out = v;
  return true;
}

bool readDuration(Context& ctx, const Node& n, const std::string& path, Duration lo, Duration hi,
                  Duration& out) {
  double seconds = 0;
  if (n.kind == Node::Kind::Int) {
    seconds = static_cast<double>(n.int_value);
  } else if (n.kind == Node::Kind::Float) {
    seconds = n.float_value;
  } else {
    ctx.error(n, path, typeError("a duration in seconds", n));
    return false;
  }
  const double loS = static_cast<double>(lo.count()) / 1000.0;
  const double hiS = static_cast<double>(hi.count()) / 1000.0;
  if (!std::isfinite(seconds) || seconds < loS || seconds > hiS) {
    ctx.error(n, path,
              "duration " + formatNumber(seconds) + " s out of range " + formatNumber(loS) + ".." +
                  formatNumber(hiS) + " s");
    return false;
  }
  out = Duration(static_cast<int64_t>(std::llround(seconds * 1000.0)));
  return true;
}

bool readAddress(Context& ctx, const Node& n, const std::string& path, IpAddress& out) {
  std::string s;
  if (!readString(ctx, n, path, s)) {
    return false;
  }
  auto a = IpAddress::parse(s);
  if (!a) {
    ctx.error(n, path, "invalid IP address \"" + s + "\"");
    return false;
  }
  out = *a;
  return true;
}

GroupReader::GroupReader(Context& ctx, const Node& group, std::string path)
    : ctx_(ctx), group_(group), path_(std::move(path)) {
  ctx_.record(path_, group_);
  if (group_.kind != Node::Kind::Group) {
    ctx_.error(group_, path_, typeError("a group", group_));
    valid_ = false;
  }
}

bool GroupReader::has(std::string_view key) const {
  if (!valid_) {
    return false;
  }
  return std::any_of(group_.children.begin(), group_.children.end(),
                     [&](const Node& c) { return c.name == key; });
}

const Node* GroupReader::take(std::string_view key, Need need) {
  asked_.emplace(key);
  if (!valid_) {
    return nullptr;
  }
  for (const Node& c : group_.children) {
    if (c.name == key) {
      ctx_.record(pathOf(key), c);
      return &c;
    }
  }
  if (need == Need::Required) {
    ctx_.error(group_, pathOf(key), "missing required setting");
  }
  return nullptr;
}

void GroupReader::error(std::string_view key, std::string message) {
  for (const Node& c : group_.children) {
    if (c.name == key) {
      ctx_.error(c, pathOf(key), std::move(message));
      return;
    }
  }
  ctx_.error(group_, pathOf(key), std::move(message));
}

void GroupReader::finish() {
  if (!valid_) {
    return;
  }
  for (const Node& c : group_.children) {
    if (asked_.count(c.name) != 0) {
      continue;
    }
    std::string msg = "unknown setting";
    std::string best;
    size_t bestDistance = 3;
    for (const auto& k : asked_) {
      size_t d = editDistance(c.name, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    if (!best.empty()) {
      msg += " (did you mean \"" + best + "\"?)";
    }
    ctx_.error(c, pathOf(c.name), msg);
  }
}

bool GroupReader::str(std::string_view key, std::string& out, Need need) {
  const Node* n = take(key, need);
  return n != nullptr && readString(ctx_, *n, pathOf(key), out);
}

bool GroupReader::flag(std::string_view key, bool& out) {
  const Node* n = take(key);
  if (n == nullptr) {
    return false;
  }
  if (n->kind != Node::Kind::Bool) {
    ctx_.error(*n, pathOf(key), typeError("a boolean (true/false)", *n));
    return false;
  }
  out = n->bool_value;
  return true;
}

bool GroupReader::number(std::string_view key, double& out, double lo, double hi) {
  const Node* n = take(key);
  return n != nullptr && readNumber(ctx_, *n, pathOf(key), lo, hi, out);
}

bool GroupReader::duration(std::string_view key, Duration& out, Duration lo, Duration hi,
                           Need need) {
  const Node* n = take(key, need);
  return n != nullptr && readDuration(ctx_, *n, pathOf(key), lo, hi, out);
}

bool GroupReader::address(std::string_view key, IpAddress& out, Need need) {
  const Node* n = take(key, need);
  return n != nullptr && readAddress(ctx_, *n, pathOf(key), out);
}

bool GroupReader::address(std::string_view key, std::optional<IpAddress>& out) {
  IpAddress a;
  if (!address(key, a)) {
    return false;
  }
  out = a;
  return true;
}

bool GroupReader::strings(std::string_view key, std::vector<std::string>& out) {
  const Node* n = sequence(key);
  if (n == nullptr) {
    return false;
  }
  bool ok = true;
  out.clear();
  for (size_t i = 0; i < n->children.size(); ++i) {
    std::string s;
    if (readString(ctx_, n->children[i], indexPath(pathOf(key), i), s)) {
      out.push_back(std::move(s));
    } else {
      ok = false;
    }
  }
  return ok;
}

const Node* GroupReader::group(std::string_view key, Need need) {
  const Node* n = take(key, need);
  if (n != nullptr && n->kind != Node::Kind::Group) {
    ctx_.error(*n, pathOf(key), typeError("a group { ... }", *n));
    return nullptr;
  }
  return n;
}

const Node* GroupReader::sequence(std::string_view key, Need need) {
  const Node* n = take(key, need);
  if (n != nullptr && !n->isSequence()) {
    ctx_.error(*n, pathOf(key), typeError("a list ( ... ) or array [ ... ]", *n));
    return nullptr;
  }
  return n;
}

}  // namespace lvsd::config
