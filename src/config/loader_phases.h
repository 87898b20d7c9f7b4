#pragma once
// Where one load spends its time, in this thread's CPU time (for bench/config; not needed by the
// daemon).

#include <chrono>
#include <string>
#include <string_view>

#include "config/loader.h"

namespace lvsd::config {

struct LoadPhases {
  std::chrono::nanoseconds parse{0};    ///< libconfig's own parse
  std::chrono::nanoseconds convert{0};  ///< libconfig tree -> config::Node
  std::chrono::nanoseconds build{0};    ///< Node -> typed model, validation, sorting
};

/// loadString() that also adds the time of each phase to @p phases.
LoadResult loadStringPhases(std::string_view text, std::string name, const std::string& include_dir,
                            LoadPhases& phases);

}  // namespace lvsd::config
