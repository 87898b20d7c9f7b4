#include "common/command_line.h"

namespace lvsd {

std::vector<std::string> splitCommandLine(const std::string& command) {
  std::vector<std::string> out;
  std::string cur;
  bool inWord = false;
  char quote = 0;
  for (const char c : command) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      inWord = true;
    } else if (c == ' ' || c == '\t') {
      if (inWord) {
        out.push_back(std::move(cur));
        cur.clear();
        inWord = false;
      }
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) {
    out.push_back(std::move(cur));
  }
  return out;
}

}  // namespace lvsd
