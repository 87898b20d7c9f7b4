#pragma once
// A lexical map of a libconfig text (pure), for the incremental reload (config/incremental.h):
// where the elements of the top-level lists virtual_servers and vrrp_instances begin and end.
//
// The scanner skips what libconfig's lexer skips, the same way: whitespace, `#` and `//` comments
// to the end of the line, `/* */` comments (not nested), and strings ("..." where a backslash
// escapes the next character, so \" and \\ never end a string). Brackets of any kind count as
// nesting. It never decides whether a text is valid: libconfig does that. It only refuses (returns
// nothing) what it does not model: a string or comment left open, unbalanced brackets, @include.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lvsd::config::scan {

/// The top-level lists whose elements a reload can re-parse one by one.
enum class List : uint8_t { VirtualServers, VrrpInstances };

/// One `{ ... }` element of a tracked list: text offsets of its `{` and of its matching `}`.
struct Element {
  List list = List::VirtualServers;
  size_t index = 0;  ///< position in its list
  size_t open = 0;   ///< offset of '{'
  size_t close = 0;  ///< offset of the matching '}'
};

/// Elements of both tracked lists, in text order.
struct Layout {
  std::vector<Element> elements;
  size_t virtual_servers = 0;  ///< elements of virtual_servers
  size_t vrrp_instances = 0;   ///< elements of vrrp_instances
};

/// Maps a whole file. Nothing when the text has a NUL byte or "@include", when a string or comment
/// is left open, when brackets do not balance, or when a tracked list holds anything but groups.
std::optional<Layout> mapText(std::string_view text);

/// Splits @p span into groups `{ ... }` separated by other text; the span must begin with the
/// first group's '{' and end with the last group's '}', every string and comment must close inside
/// the span, and the separators must hold no bracket. Each pair is (offset of '{', offset of '}').
/// False when the span is not exactly that.
bool splitGroups(std::string_view span, std::vector<std::pair<size_t, size_t>>& groups);

/// Length of the common prefix of @p a and @p b.
size_t commonPrefix(std::string_view a, std::string_view b);
/// Length of the common suffix of @p a and @p b, at most @p limit.
size_t commonSuffix(std::string_view a, std::string_view b, size_t limit);

}  // namespace lvsd::config::scan
