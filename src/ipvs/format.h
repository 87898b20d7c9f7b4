#pragma once
// Text output in the layout of `ipvsadm -Ln`, `--stats` and `--rate` (pure).

#include <string>

#include "ipvs/model.h"

namespace lvsd::ipvs {

struct FormatOptions {
  enum class Mode : uint8_t { List, Stats, Rate } mode = Mode::List;
  bool exact = false;           ///< --exact: no K/M/G scaling of large counters
  uint32_t version = 0x010201;  ///< IPVS version for the title line
  uint32_t connTabSize = 4096;
  bool title = true;
};

/// Services sorted as ipvsadm sorts them, destinations by address/port.
std::string formatTable(const Table& t, const FormatOptions& opts);

/// The service flags column: " persistent 300 mask 255.255.255.0 ops" ...
std::string formatServiceFlags(const Service& s);

}  // namespace lvsd::ipvs
