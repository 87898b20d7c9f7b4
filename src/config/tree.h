#pragma once
// A neutral, library-independent view of a parsed libconfig tree (pure). The loader converts
// libconfig's setting tree into this; schema walking and validation only see Node, which keeps
// them testable and fuzzable without the parser.
//
// Nothing here owns memory: names and string values view the parser's own tree, file names a
// table owned by the loader, and children are consecutive nodes of the loader's node pool (one
// allocation per load). All of it lives until the typed model is built; nothing is copied until
// the model takes a value.

#include <cstdint>
#include <span>
#include <string_view>

namespace lvsd::config {

struct Node {
  enum class Kind : uint8_t { Group, Array, List, Int, Float, Bool, String };
  Kind kind = Kind::Group;
  bool bool_value = false;
  /// Set when the schema walker read this setting (Context::record); validation places
  /// cross-reference errors on the closest recorded setting.
  mutable bool recorded = false;
  int line = 0;                    ///< line of the setting
  std::string_view name;           ///< setting name ("" for list/array elements)
  std::string_view file;           ///< file the setting was written in (for @include)
  int64_t int_value = 0;           ///< Int
  double float_value = 0;          ///< Float
  std::string_view string_value;   ///< String
  std::span<const Node> children;  ///< Group/Array/List members in file order

  [[nodiscard]] bool isAggregate() const {
    return kind == Kind::Group || kind == Kind::Array || kind == Kind::List;
  }
  [[nodiscard]] bool isSequence() const { return kind == Kind::Array || kind == Kind::List; }
};

/// Human name of a kind, used in "expected a string, got an integer" messages.
const char* kindName(Node::Kind k);

}  // namespace lvsd::config
