#include "config/scan.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace lvsd::config::scan {

namespace {

enum class Kind : uint8_t { End, Open, Close, Equals, Comma, Other, Word, Bad };

struct Token {
  Kind kind = Kind::End;
  size_t begin = 0;
  size_t end = 0;
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/// Ends a word: everything libconfig would start another token with.
bool isDelimiter(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '{':
    case '}':
    case '(':
    case ')':
    case '[':
    case ']':
    case '"':
    case '=':
    case ':':
    case ';':
    case ',':
    case '#':
    case '/':
      return true;
    default:
      return false;
  }
}

/// libconfig's lexer in miniature: the next token at or after @p pos, comments and blanks skipped.
/// Bad when a string or a comment does not close before the end of @p t.
Token next(std::string_view t, size_t pos) {
  const size_t n = t.size();
  while (pos < n) {
    const char c = t[pos];
    if (isSpace(c)) {
      ++pos;
      continue;
    }
    if (c == '#' || (c == '/' && pos + 1 < n && t[pos + 1] == '/')) {
      const size_t nl = t.find('\n', pos);
      if (nl == std::string_view::npos) {
        return {Kind::Bad, pos, n};
      }
      pos = nl + 1;
      continue;
    }
    if (c == '/' && pos + 1 < n && t[pos + 1] == '*') {
      const size_t close = t.find("*/", pos + 2);
      if (close == std::string_view::npos) {
        return {Kind::Bad, pos, n};
      }
      pos = close + 2;
      continue;
    }
    break;
  }
  if (pos >= n) {
    return {Kind::End, n, n};
  }
  const char c = t[pos];
  switch (c) {
    case '{':
    case '(':
    case '[':
      return {Kind::Open, pos, pos + 1};
    case '}':
    case ')':
    case ']':
      return {Kind::Close, pos, pos + 1};
    case '=':
    case ':':
      return {Kind::Equals, pos, pos + 1};
    case ',':
      return {Kind::Comma, pos, pos + 1};
    case ';':
    case '/':
      return {Kind::Other, pos, pos + 1};
    case '"': {
      for (size_t i = pos + 1; i < n; ++i) {
        if (t[i] == '\\') {
          ++i;  // escapes the next character, whatever it is
        } else if (t[i] == '"') {
          return {Kind::Other, pos, i + 1};
        }
      }
      return {Kind::Bad, pos, n};
    }
    default:
      break;
  }
  size_t end = pos + 1;
  while (end < n && !isDelimiter(t[end])) {
    ++end;
  }
  return {Kind::Word, pos, end};
}

/// Characters that can start a bracket, a string or a comment.
constexpr std::array<bool, 256> kStructural = [] {
  std::array<bool, 256> a{};
  for (const char c : std::string_view("{}()[]\"#/")) {
    a[static_cast<unsigned char>(c)] = true;
  }
  return a;
}();

/// next() for the inside of an element, where only nesting matters: the next bracket (Open or
/// Close), strings and comments skipped; Bad when one does not close.
Token nextBracket(std::string_view t, size_t pos) {
  const size_t n = t.size();
  for (;;) {
    while (pos < n && !kStructural[static_cast<unsigned char>(t[pos])]) {
      ++pos;
    }
    if (pos >= n) {
      return {Kind::End, n, n};
    }
    const char c = t[pos];
    if (c == '"' || c == '#' || c == '/') {
      const Token tok = next(t, pos);  // the string or comment, and what follows
      if (tok.kind == Kind::Bad || tok.kind == Kind::End || tok.kind == Kind::Open ||
          tok.kind == Kind::Close) {
        return tok;
      }
      pos = tok.end;
      continue;
    }
    return {c == '{' || c == '(' || c == '[' ? Kind::Open : Kind::Close, pos, pos + 1};
  }
}

/// True when @p name is a tracked list (its kind in @p out).
bool trackedList(std::string_view name, List& out) {
  if (name == "virtual_servers") {
    out = List::VirtualServers;
    return true;
  }
  if (name == "vrrp_instances") {
    out = List::VrrpInstances;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Layout> mapText(std::string_view text) {
  if (text.find('\0') != std::string_view::npos ||
      text.find("@include") != std::string_view::npos) {
    return std::nullopt;
  }
  Layout out;
  size_t depth = 0;
  std::string_view name;  // last word at depth 0
  bool equals = false;    // name followed by = or :
  bool tracked = false;   // a tracked list is open at depth 1
  List list = List::VirtualServers;
  size_t elementOpen = 0;
  size_t pos = 0;
  for (;;) {
    const Token tok = depth >= 2 ? nextBracket(text, pos) : next(text, pos);
    pos = tok.end;
    switch (tok.kind) {
      case Kind::End:
        return depth == 0 ? std::optional<Layout>(std::move(out)) : std::nullopt;
      case Kind::Bad:
        return std::nullopt;
      case Kind::Open:
        if (depth == 0) {
          tracked = equals && text[tok.begin] == '(' && trackedList(name, list);
        } else if (depth == 1 && tracked) {
          if (text[tok.begin] != '{') {
            return std::nullopt;
          }
          elementOpen = tok.begin;
        }
        ++depth;
        break;
      case Kind::Close:
        if (depth == 0) {
          return std::nullopt;
        }
        --depth;
        if (depth == 1 && tracked) {
          size_t& count = list == List::VirtualServers ? out.virtual_servers : out.vrrp_instances;
          out.elements.push_back({list, count++, elementOpen, tok.begin});
        } else if (depth == 0) {
          tracked = false;
          name = {};
          equals = false;
        }
        break;
      case Kind::Comma:
        break;
      case Kind::Equals:
        if (depth == 0) {
          equals = !name.empty();
        }
        break;
      case Kind::Word:
      case Kind::Other:
        if (depth == 1 && tracked) {
          return std::nullopt;  // a scalar in a tracked list: not modelled
        }
        if (depth == 0) {
          name = tok.kind == Kind::Word ? text.substr(tok.begin, tok.end - tok.begin)
                                        : std::string_view{};
          equals = false;
        }
        break;
    }
  }
}

bool splitGroups(std::string_view span, std::vector<std::pair<size_t, size_t>>& groups) {
  groups.clear();
  size_t depth = 0;
  size_t open = 0;
  size_t pos = 0;
  for (;;) {
    const Token tok = depth >= 1 ? nextBracket(span, pos) : next(span, pos);
    pos = tok.end;
    switch (tok.kind) {
      case Kind::End:
        return depth == 0 && !groups.empty() && groups.back().second + 1 == span.size();
      case Kind::Bad:
        return false;
      case Kind::Open:
        if (depth == 0) {
          if (span[tok.begin] != '{' || (groups.empty() && tok.begin != 0)) {
            return false;
          }
          open = tok.begin;
        }
        ++depth;
        break;
      case Kind::Close:
        if (depth == 0) {
          return false;
        }
        if (--depth == 0) {
          if (span[tok.begin] != '}') {
            return false;
          }
          groups.emplace_back(open, tok.begin);
        }
        break;
      default:
        if (depth == 0 && groups.empty()) {
          return false;
        }
        break;
    }
  }
}

size_t commonPrefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  constexpr size_t kBlock = 4096;
  size_t i = 0;
  while (i + kBlock <= n && std::memcmp(a.data() + i, b.data() + i, kBlock) == 0) {
    i += kBlock;
  }
  while (i < n && a[i] == b[i]) {
    ++i;
  }
  return i;
}

size_t commonSuffix(std::string_view a, std::string_view b, size_t limit) {
  const size_t n = std::min({a.size(), b.size(), limit});
  constexpr size_t kBlock = 4096;
  size_t i = 0;
  while (i + kBlock <= n && std::memcmp(a.data() + a.size() - i - kBlock,
                                        b.data() + b.size() - i - kBlock, kBlock) == 0) {
    i += kBlock;
  }
  while (i < n && a[a.size() - 1 - i] == b[b.size() - 1 - i]) {
    ++i;
  }
  return i;
}

}  // namespace lvsd::config::scan
