#pragma once
// Incremental reload: a reload that changed one virtual server of a 1,000-service file re-parses
// that element, not the file (docs/config.md, "Reloading").
//
// IncrementalLoader keeps the text and the model of the last successful load. The next load reads
// the file and
//  * returns the cached model when the text is the same;
//  * when only the inside of elements of the top-level lists virtual_servers or vrrp_instances
//    changed (same number of elements, text around them byte for byte the same), parses each
//    changed element with libconfig in a document of its own, builds it, splices it into a copy of
//    the cached model and validates the whole model again (names, references, duplicates);
//  * otherwise, and whenever any step reports a problem, calls loadFile().
// The result is always the one loadFile() gives for the same file: model and diagnostics (every
// diagnostic comes from loadFile()). Files with @include (or a NUL byte) are always loaded in full.

#include <cstddef>
#include <optional>
#include <string>

#include "config/loader.h"
#include "config/scan.h"

namespace lvsd::config {

class IncrementalLoader {  // not thread-safe; one per daemon
public:
  struct Stats {
    bool full = true;     ///< the last load was a loadFile()
    size_t reparsed = 0;  ///< list elements re-parsed by the last load (0 for a full one)
  };

  /// The same result as loadFile(@p path).
  LoadResult load(const std::string& path);
  [[nodiscard]] const Stats& lastStats() const { return stats_; }
  /// Drops the cache: the next load is a full one.
  void forget() { cache_.reset(); }

private:
  struct Cache {
    std::string path;
    std::string text;
    Config model;
    scan::Layout layout;
  };

  LoadResult full(const std::string& path, std::optional<std::string> text);
  /// The incremental path; nothing when it cannot prove the result equal to loadFile().
  std::optional<LoadResult> splice(std::string& text);

  std::optional<Cache> cache_;
  Stats stats_;
};

}  // namespace lvsd::config
