// libFuzzer target: arbitrary text through the whole config pipeline (libconfig parse, schema
// walk, validation). Invariants: never crashes; a result has either a config or diagnostics,
// never both; every diagnostic names the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/loader.h"

/// libconfig 1.5 (Debian 12) leaks the buffer of a string left open by a syntax error
/// (strbuf_append) and the strings its lexer allocated before a syntax error (libconfig_yylex);
/// those leaks are the library's, not lvsd's.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("@include") != std::string_view::npos) {
    return 0;  // keep the fuzzer away from the file system
  }
  auto r = lvsd::config::loadString(text, "fuzz.conf");
  if (r.config.has_value() == !r.errors.empty()) {
    std::abort();
  }
  for (const auto& d : r.errors) {
    if (d.file.empty() || d.toString().empty()) {
      std::abort();
    }
  }
  return 0;
}
