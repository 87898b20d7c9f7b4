#pragma once
// Schema-walking helpers over config::Node (pure). A GroupReader hands out the members of one
// group by name, checks their types and ranges, records their locations, and at finish() reports
// every member nobody asked for as an unknown setting. All problems go to the Context; nothing
// stops at the first error.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/address.h"
#include "config/diagnostic.h"
#include "config/model.h"
#include "config/tree.h"

namespace lvsd::config {

/// Error sink shared by one load; also finds where a setting was written.
class Context {
public:
  /// @p root is the tree being read; it must outlive the Context.
  Context(Diagnostics& diags, const Node& root) : diags_(diags), root_(&root) {}
  /// A Context without a tree (validation of a model spliced by the incremental reload): every
  /// path counts as written and no location is known.
  explicit Context(Diagnostics& diags) : diags_(diags) {}
  void error(const Node& at, std::string path, std::string message);
  void error(const SourceLocation& at, std::string path, std::string message);
  /// Marks @p n as read by the schema walker (its path is then "recorded" for locate()).
  void record(const Node& n) { n.recorded = true; }
  /// Location of the recorded setting at @p path, or of its closest recorded parent.
  [[nodiscard]] SourceLocation locate(std::string_view path) const;
  [[nodiscard]] size_t errorCount() const { return diags_.size(); }
  /// True when exactly @p path was recorded (the setting is written in the file).
  [[nodiscard]] bool written(std::string_view path) const;
  /// written("<list>[<index>].<key>") without spelling the path out.
  [[nodiscard]] bool writtenMember(std::string_view list, size_t index, std::string_view key) const;

private:
  /// The node at @p path (nullptr when absent); @p deepest receives the deepest recorded node
  /// on the way (the root included).
  const Node* walk(std::string_view path, const Node*& deepest) const;

  Diagnostics& diags_;
  const Node* root_ = nullptr;
};

/// A setting path that is spelled out only when a diagnostic needs it: a full path, or a
/// parent path plus a member key or a list index. Views only: the parts must outlive it.
class PathRef {
public:
  PathRef(const std::string& full) : base_(full) {}  // NOLINT(google-explicit-constructor)
  PathRef(std::string_view parent, std::string_view key)
      : base_(parent), key_(key), kind_(Kind::Member) {}
  PathRef(std::string_view parent, size_t index)
      : base_(parent), index_(index), kind_(Kind::Index) {}
  [[nodiscard]] std::string str() const;

private:
  enum class Kind { Full, Member, Index };
  std::string_view base_;
  std::string_view key_;
  size_t index_ = 0;
  Kind kind_ = Kind::Full;
};

std::string memberPath(std::string_view parent, std::string_view key);
std::string indexPath(std::string_view parent, size_t index);

enum class Need { Optional, Required };

// Scalar conversions of a node that is already located (used for list elements too).
bool readString(Context& ctx, const Node& n, const PathRef& path, std::string& out);
bool readInteger(Context& ctx, const Node& n, const PathRef& path, int64_t lo, int64_t hi,
                 int64_t& out);
bool readNumber(Context& ctx, const Node& n, const PathRef& path, double lo, double hi,
                double& out);
bool readDuration(Context& ctx, const Node& n, const PathRef& path, Duration lo, Duration hi,
                  Duration& out);
bool readAddress(Context& ctx, const Node& n, const PathRef& path, IpAddress& out);

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
  /// pathOf(@p key), spelled out only if needed.
  [[nodiscard]] PathRef pathRef(std::string_view key) const { return {path_, key}; }
  [[nodiscard]] bool has(std::string_view key) const {
    return valid_ && (nameBits_ & nameBit(key)) != 0 && find(key) != std::string_view::npos;
  }
  /// Number of elements of the list/array/group member @p key (0 when absent or a scalar); does
  /// not take it. For reserving.
  [[nodiscard]] size_t length(std::string_view key) const;
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
    if (n == nullptr || !readInteger(ctx_, *n, pathRef(key), lo, hi, v)) {
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
  /// Index of member @p key in the group, or npos.
  [[nodiscard]] size_t find(std::string_view key) const;
  void markTaken(size_t index);
  [[nodiscard]] bool taken(size_t index) const;

  /// One bit per member name (a cheap hash), so most absent keys cost no string compare.
  static uint64_t nameBit(std::string_view key) {
    if (key.empty()) {
      return 1;
    }
    const size_t h = key.size() * 7 + static_cast<unsigned char>(key.front()) +
                     static_cast<size_t>(static_cast<unsigned char>(key.back())) * 3;
    return uint64_t{1} << (h & 63);
  }

  static constexpr size_t kInlineKeys = 48;
  static constexpr size_t kInlineMembers = 64;
  Context& ctx_;
  const Node& group_;
  std::string path_;
  bool valid_ = true;
  uint64_t nameBits_ = 0;
  // Keys asked for (views of the caller's literals or of node names; only read for the "did you
  // mean" hint) and which members were taken; both without allocating for ordinary groups.
  std::array<std::string_view, kInlineKeys> asked_{};
  size_t askedCount_ = 0;
  std::vector<std::string_view> askedMore_;
  uint64_t takenBits_ = 0;
  std::vector<bool> takenMore_;
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
  const std::string listPath = parent.pathOf(key);
  for (size_t i = 0; i < seq->children.size(); ++i) {
    GroupReader g(parent.ctx(), seq->children[i], indexPath(listPath, i));
    if (g.valid()) {
      f(g, i);
    }
    g.finish();
  }
}

}  // namespace lvsd::config
