#pragma once
// A neutral, library-independent copy of a parsed libconfig tree (pure). The loader converts
// libconfig++'s Setting tree into this; schema walking and validation only see Node, which keeps
// them testable and fuzzable without the parser.

#include <cstdint>
#include <string>
#include <vector>

namespace lvsd::config {

struct Node {
  enum class Kind { Group, Array, List, Int, Float, Bool, String };
  Kind kind = Kind::Group;
  std::string name;  ///< setting name ("" for list/array elements)
  std::string file;  ///< file the setting was written in (for @include)
  int line = 0;      ///< line of the setting
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  std::string string_value;
  std::vector<Node> children;  ///< Group/Array/List members in file order

  [[nodiscard]] bool isAggregate() const {
    return kind == Kind::Group || kind == Kind::Array || kind == Kind::List;
  }
  [[nodiscard]] bool isSequence() const { return kind == Kind::Array || kind == Kind::List; }
};

/// Human name of a kind, used in "expected a string, got an integer" messages.
const char* kindName(Node::Kind k);

}  // namespace lvsd::config
