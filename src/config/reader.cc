#include "config/reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>

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
    s += ':';
    s += std::to_string(line);
  }
  s += ": ";
  if (!setting.empty()) {
    s += setting;
    s += ": ";
  }
  s += message;
  return s;
}

void Context::error(const Node& at, std::string path, std::string message) {
  diags_.push_back({std::string(at.file), at.line, std::move(path), std::move(message)});
}

void Context::error(const SourceLocation& at, std::string path, std::string message) {
  diags_.push_back({at.file, at.line, std::move(path), std::move(message)});
}

const Node* Context::walk(std::string_view path, const Node*& deepest) const {
  const Node* n = root_;
  deepest = root_->recorded ? root_ : nullptr;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '[') {
      const size_t close = path.find(']', pos);
      size_t index = 0;
      const char* first = path.data() + pos + 1;
      const char* last = path.data() + (close == std::string_view::npos ? pos + 1 : close);
      auto [end, ec] = std::from_chars(first, last, index);
      if (close == std::string_view::npos || ec != std::errc() || end != last ||
          index >= n->children.size()) {
        return nullptr;
      }
      n = &n->children[index];
      pos = close + 1;
    } else {
      if (path[pos] == '.') {
        ++pos;
      }
      size_t end = path.find_first_of(".[", pos);
      if (end == std::string_view::npos) {
        end = path.size();
      }
      const std::string_view key = path.substr(pos, end - pos);
      auto it = std::find_if(n->children.begin(), n->children.end(),
                             [&](const Node& c) { return c.name == key; });
      if (key.empty() || it == n->children.end()) {
        return nullptr;
      }
      n = &*it;
      pos = end;
    }
    if (n->recorded) {
      deepest = n;
    }
  }
  return n;
}

SourceLocation Context::locate(std::string_view path) const {
  if (root_ == nullptr) {
    return {};
  }
  const Node* deepest = nullptr;
  walk(path, deepest);
  if (deepest == nullptr) {
    return {};
  }
  return {std::string(deepest->file), deepest->line};
}

bool Context::written(std::string_view path) const {
  if (root_ == nullptr) {
    return true;
  }
  const Node* deepest = nullptr;
  const Node* n = walk(path, deepest);
  return n != nullptr && n->recorded;
}

bool Context::writtenMember(std::string_view list, size_t index, std::string_view key) const {
  if (root_ == nullptr) {
    return true;
  }
  auto named = [](const Node& parent, std::string_view name) -> const Node* {
    auto it = std::find_if(parent.children.begin(), parent.children.end(),
                           [&](const Node& c) { return c.name == name; });
    return it == parent.children.end() ? nullptr : &*it;
  };
  const Node* l = named(*root_, list);
  if (l == nullptr || index >= l->children.size()) {
    return false;
  }
  const Node* n = named(l->children[index], key);
  return n != nullptr && n->recorded;
}

std::string memberPath(std::string_view parent, std::string_view key) {
  std::string s;
  if (parent.empty()) {
    s.assign(key);
    return s;
  }
  s.reserve(parent.size() + 1 + key.size());
  s.append(parent).append(1, '.').append(key);
  return s;
}

std::string indexPath(std::string_view parent, size_t index) {
  char digits[24];
  auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), index);
  const auto n = static_cast<size_t>(end - digits);
  std::string s;
  s.reserve(parent.size() + n + 2);
  s.append(parent).append(1, '[').append(digits, n).append(1, ']');
  return s;
}

std::string PathRef::str() const {
  switch (kind_) {
    case Kind::Member:
      return memberPath(base_, key_);
    case Kind::Index:
      return indexPath(base_, index_);
    case Kind::Full:
      break;
  }
  return std::string(base_);
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

bool readString(Context& ctx, const Node& n, const PathRef& path, std::string& out) {
  if (n.kind != Node::Kind::String) {
    ctx.error(n, path.str(), typeError("a string", n));
    return false;
  }
  out.assign(n.string_value);
  return true;
}

bool readInteger(Context& ctx, const Node& n, const PathRef& path, int64_t lo, int64_t hi,
                 int64_t& out) {
  if (n.kind != Node::Kind::Int) {
    ctx.error(n, path.str(), typeError("an integer", n));
    return false;
  }
  if (n.int_value < lo || n.int_value > hi) {
    ctx.error(n, path.str(),
              "value " + std::to_string(n.int_value) + " out of range " + std::to_string(lo) +
                  ".." + std::to_string(hi));
    return false;
  }
  out = n.int_value;
  return true;
}

bool readNumber(Context& ctx, const Node& n, const PathRef& path, double lo, double hi,
                double& out) {
  double v = 0;
  if (n.kind == Node::Kind::Int) {
    v = static_cast<double>(n.int_value);
  } else if (n.kind == Node::Kind::Float) {
    v = n.float_value;
  } else {
    ctx.error(n, path.str(), typeError("a number", n));
    return false;
  }
  if (!std::isfinite(v) || v < lo || v > hi) {
    ctx.error(
        n, path.str(),
        "value " + formatNumber(v) + " out of range " + formatNumber(lo) + ".." + formatNumber(hi));
    return false;
  }
  out = v;
  return true;
}

bool readDuration(Context& ctx, const Node& n, const PathRef& path, Duration lo, Duration hi,
                  Duration& out) {
  double seconds = 0;
  if (n.kind == Node::Kind::Int) {
    seconds = static_cast<double>(n.int_value);
  } else if (n.kind == Node::Kind::Float) {
    seconds = n.float_value;
  } else {
    ctx.error(n, path.str(), typeError("a duration in seconds", n));
    return false;
  }
  const double loS = static_cast<double>(lo.count()) / 1000.0;
  const double hiS = static_cast<double>(hi.count()) / 1000.0;
  if (!std::isfinite(seconds) || seconds < loS || seconds > hiS) {
    ctx.error(n, path.str(),
              "duration " + formatNumber(seconds) + " s out of range " + formatNumber(loS) + ".." +
                  formatNumber(hiS) + " s");
    return false;
  }
  out = Duration(static_cast<int64_t>(std::llround(seconds * 1000.0)));
  return true;
}

bool readAddress(Context& ctx, const Node& n, const PathRef& path, IpAddress& out) {
  if (n.kind != Node::Kind::String) {
    ctx.error(n, path.str(), typeError("a string", n));
    return false;
  }
  auto a = IpAddress::parse(n.string_value);
  if (!a) {
    ctx.error(n, path.str(), "invalid IP address \"" + std::string(n.string_value) + "\"");
    return false;
  }
  out = *a;
  return true;
}

GroupReader::GroupReader(Context& ctx, const Node& group, std::string path)
    : ctx_(ctx), group_(group), path_(std::move(path)) {
  ctx_.record(group_);
  if (group_.kind != Node::Kind::Group) {
    ctx_.error(group_, path_, typeError("a group", group_));
    valid_ = false;
  }
  for (const Node& c : group_.children) {
    nameBits_ |= nameBit(c.name);
  }
}

size_t GroupReader::find(std::string_view key) const {
  if ((nameBits_ & nameBit(key)) == 0) {
    return std::string_view::npos;
  }
  const auto& c = group_.children;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i].name == key) {
      return i;
    }
  }
  return std::string_view::npos;
}

void GroupReader::markTaken(size_t index) {
  if (index < kInlineMembers) {
    takenBits_ |= uint64_t{1} << index;
    return;
  }
  if (takenMore_.empty()) {
    takenMore_.resize(group_.children.size());
  }
  takenMore_[index] = true;
}

bool GroupReader::taken(size_t index) const {
  if (index < kInlineMembers) {
    return (takenBits_ & (uint64_t{1} << index)) != 0;
  }
  return !takenMore_.empty() && takenMore_[index];
}

size_t GroupReader::length(std::string_view key) const {
  const size_t i = valid_ ? find(key) : std::string_view::npos;
  return i == std::string_view::npos ? 0 : group_.children[i].children.size();
}

const Node* GroupReader::take(std::string_view key, Need need) {
  if (askedCount_ < kInlineKeys) {
    asked_[askedCount_++] = key;
  } else {
    askedMore_.push_back(key);
  }
  if (!valid_) {
    return nullptr;
  }
  if (const size_t i = find(key); i != std::string_view::npos) {
    markTaken(i);
    const Node& c = group_.children[i];
    ctx_.record(c);
    return &c;
  }
  if (need == Need::Required) {
    ctx_.error(group_, pathOf(key), "missing required setting");
  }
  return nullptr;
}

void GroupReader::error(std::string_view key, std::string message) {
  if (const size_t i = find(key); i != std::string_view::npos) {
    ctx_.error(group_.children[i], pathOf(key), std::move(message));
    return;
  }
  ctx_.error(group_, pathOf(key), std::move(message));
}

void GroupReader::finish() {
  if (!valid_) {
    return;
  }
  std::vector<std::string_view> asked;  // sorted and unique, built at the first unknown member
  for (size_t i = 0; i < group_.children.size(); ++i) {
    if (taken(i)) {
      continue;
    }
    if (asked.empty()) {
      asked.assign(asked_.begin(), asked_.begin() + static_cast<std::ptrdiff_t>(askedCount_));
      asked.insert(asked.end(), askedMore_.begin(), askedMore_.end());
      std::sort(asked.begin(), asked.end());
      asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
    }
    const Node& c = group_.children[i];
    if (std::binary_search(asked.begin(), asked.end(), c.name)) {
      continue;
    }
    std::string msg = "unknown setting";
    std::string_view best;
    size_t bestDistance = 3;
    for (std::string_view k : asked) {
      size_t d = editDistance(c.name, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    if (!best.empty()) {
      msg += " (did you mean \"";
      msg += best;
      msg += "\"?)";
    }
    ctx_.error(c, pathOf(c.name), msg);
  }
}

bool GroupReader::str(std::string_view key, std::string& out, Need need) {
  const Node* n = take(key, need);
  return n != nullptr && readString(ctx_, *n, pathRef(key), out);
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
  return n != nullptr && readNumber(ctx_, *n, pathRef(key), lo, hi, out);
}

bool GroupReader::duration(std::string_view key, Duration& out, Duration lo, Duration hi,
                           Need need) {
  const Node* n = take(key, need);
  return n != nullptr && readDuration(ctx_, *n, pathRef(key), lo, hi, out);
}

bool GroupReader::address(std::string_view key, IpAddress& out, Need need) {
  const Node* n = take(key, need);
  return n != nullptr && readAddress(ctx_, *n, pathRef(key), out);
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
  out.reserve(n->children.size());
  const std::string listPath = pathOf(key);
  for (size_t i = 0; i < n->children.size(); ++i) {
    std::string s;
    if (readString(ctx_, n->children[i], PathRef(listPath, i), s)) {
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
