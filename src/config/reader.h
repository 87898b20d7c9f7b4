#pragma once
// Schema-walking helpers over config::Node (pure). A GroupReader hands out the members of one
// group by name, checks their types and ranges, records their locations, and at finish() reports
// every member nobody asked for as an unknown setting. All problems go to the Context; nothing
// stops at the first error.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/address.h"
#include "config/diagnostic.h"
#include "config/model.h"
#include "config/tree.h"

namespace lvsd::config {

/// Error sink plus location recorder shared by one load.
class Context {
public:
  Context(Diagnostics& diags, Locations& locs) : diags_(diags), locs_(locs) {}
  void error(const Node& at, std::string path, std::string message);
  void error(const SourceLocation& at, std::string path, std::string message);
  void record(const std::string& path, const Node& n);
  /// Location of @p path, or of its closest recorded parent.
  [[nodiscard]] SourceLocation locate(std::string_view path) const;
  [[nodiscard]] size_t errorCount() const { return diags_.size(); }
  /// True when exactly @p path was recorded (the setting is written in the file).
  [[nodiscard]] bool written(std::string_view path) const {
    return locs_.find(path) != locs_.end();
  }

private:
  Diagnostics& diags_;
  Locations& locs_;
};

std::string memberPath(std::string_view parent, std::string_view key);
std::string indexPath(std::string_view parent, size_t index);

enum class Need { Optional, Required };

// Scalar conversions of a node that is already located (used for list elements too).
bool readString(Context& ctx, const Node& n, const std::string& path, std::string& out);
bool readInteger(Context& ctx, const Node& n, const std::string& path, int64_t lo, int64_t hi,
                 int64_t& out);
bool readNumber(Context& ctx, const Node& n, const std::string& path, double lo, double hi,
                double& out);
bool readDuration(Context& ctx, const Node& n, const std::string& path, Duration lo, Duration hi,
                  Duration& out);
bool readAddress(Context& ctx, const Node& n, const std::string& path, IpAddress& out);

class GroupReader {
public:
  /// @p group must be a Group node; a type error is reported otherwise and nothing is read.
  GroupReader(Context& ctx, const Node& group, std::string path);
  GroupReader(const GroupReader&) = delete;
  GroupReader& operator=(const GroupReader&) = delete;

  [[nodiscard]] bool valid() const { return valid_; }
  [[nodiscard]] const Node& node() const { return group_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string pathOf(std::string_view key) const { return memberPath(path_, key); }
  [[nodiscard]] bool has(std::string_view key) const;
  Context& ctx() { return ctx_; }

  /// The member @p key (marked as known), or nullptr. Reports "missing" when required.
  const Node* take(std::string_view key, Need need = Need::Optional);
  /// Reports an error on member @p key (or on the group when absent).
  void error(std::string_view key, std::string message);
  /// Reports every member never taken as "unknown setting" (with a suggestion when close).
  void finish();

  bool str(std::string_view key, std::string& out, Need need = Need::Optional);
  bool flag(std::string_view key, bool& out);
  bool number(std::string_view key, double& out, double lo, double hi);
  bool duration(std::string_view key, Duration& out, Duration lo, Duration hi,
                Need need = Need::Optional);
  bool address(std::string_view key, IpAddress& out, Need need = Need::Optional);
  bool address(std::string_view key, std::optional<IpAddress>& out);
  bool strings(std::string_view key, std::vector<std::string>& out);
  /// A Group member, type-checked.
  const Node* group(std::string_view key, Need need = Need::Optional);
  /// A List or Array member, type-checked.
  const Node* sequence(std::string_view key, Need need = Need::Optional);

  template <class T>
  bool integer(std::string_view key, T& out, int64_t lo, int64_t hi, Need need = Need::Optional) {
    const Node* n = take(key, need);
    int64_t v = 0;
    if (n == nullptr || !readInteger(ctx_, *n, pathOf(key), lo, hi, v)) {
      return false;
    }
    out = static_cast<T>(v);
    return true;
  }

  template <class E>
  bool choice(std::string_view key, E& out,
              std::initializer_list<std::pair<std::string_view, E>> table,
              Need need = Need::Optional) {
    std::string s;
    if (!str(key, s, need)) {
      return false;
    }
    for (const auto& [name, value] : table) {
      if (s == name) {
        out = value;
        return true;
      }
    }
    std::string allowed;
    for (const auto& entry : table) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(entry.first);
    }
    error(key, "invalid value \"" + s + "\" (expected one of: " + allowed + ")");
    return false;
  }

private:
  Context& ctx_;
  const Node& group_;
  std::string path_;
  bool valid_ = true;
  std::set<std::string, std::less<>> asked_;
};

}  // namespace lvsd::config

namespace lvsd::config {

/// Calls f(GroupReader&, index) for every element of the list @p key of @p parent; elements that
/// are not groups are reported. Unknown members of each element are reported after f returns.
template <class F>
void forEachGroup(GroupReader& parent, std::string_view key, F&& f, Need need = Need::Optional) {
  const Node* seq = parent.sequence(key, need);
  if (seq == nullptr) {
    return;
  }
  for (size_t i = 0; i < seq->children.size(); ++i) {
    GroupReader g(parent.ctx(), seq->children[i], indexPath(parent.pathOf(key), i));
    if (g.valid()) {
      f(g, i);
    }
    g.finish();
  }
}

}  // namespace lvsd::config
