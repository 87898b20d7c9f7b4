// libFuzzer target: IncrementalLoader against loadFile over a base text and a series of edits.
// Input: the base config, a NUL byte, then edits, each 2 bytes offset (little endian, modulo the
// text length + 1), 1 byte count of characters removed there, 1 byte length N, N bytes inserted.
// After the base and after every edit the file is loaded both ways; the results (model,
// diagnostics text and order, unreadable) must be equal, or the target aborts.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "config/incremental.h"
#include "config/loader.h"

namespace {

/// One file for the whole run, removed at exit.
const std::string& scratchFile() {
  static const std::string path = [] {
    // tmpfs when there is one: the file is rewritten for every edit
    std::string tmpl = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    tmpl += "/lvsd-incremental-fuzz-XXXXXX";
    const int fd = mkstemp(tmpl.data());
    if (fd < 0) {
      std::abort();
    }
    close(fd);
    return tmpl;
  }();
  static const bool registered = [] {
    std::atexit([] { unlink(scratchFile().c_str()); });
    return true;
  }();
  (void)registered;
  return path;
}

std::string render(const lvsd::config::LoadResult& r) {
  std::string s = r.unreadable ? "unreadable\n" : "";
  for (const auto& d : r.errors) {
    s += d.toString() + "\n";
  }
  return s;
}

void check(lvsd::config::IncrementalLoader& loader, const std::string& text) {
  const std::string& path = scratchFile();
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
  }
  const auto got = loader.load(path);
  const auto want = lvsd::config::loadFile(path);
  if (got.config.has_value() != want.config.has_value() ||
      (got.config && !(*got.config == *want.config)) || render(got) != render(want)) {
    std::fprintf(stderr, "IncrementalLoader differs from loadFile (full=%d) on:\n%s\n",
                 loader.lastStats().full ? 1 : 0, text.c_str());
    std::abort();
  }
}

}  // namespace

/// libconfig 1.5 (Debian 12) leaks the buffer of a string left open by a syntax error
/// (strbuf_append) and the strings its lexer allocated before a syntax error (libconfig_yylex);
/// those leaks are the library's, not lvsd's.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  std::string text(in.substr(0, nul));
  if (text.find("@include") != std::string::npos) {
    return 0;  // keep the fuzzer away from the file system
  }
  lvsd::config::IncrementalLoader loader;
  check(loader, text);
  if (nul == std::string_view::npos) {
    return 0;
  }
  std::string_view edits = in.substr(nul + 1);
  for (int n = 0; edits.size() >= 4 && n < 16; ++n) {
    const auto u = [&](size_t i) { return static_cast<size_t>(static_cast<uint8_t>(edits[i])); };
    const size_t at = (u(0) | u(1) << 8) % (text.size() + 1);
    const size_t removed = u(2);
    const size_t length = std::min(u(3), edits.size() - 4);
    text.replace(at, removed, edits.substr(4, length));
    edits.remove_prefix(4 + length);
    if (text.find("@include") != std::string::npos) {
      return 0;
    }
    check(loader, text);
  }
  return 0;
}
