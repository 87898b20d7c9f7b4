#pragma once
// Splitting a configured command line (notify scripts, quorum scripts, the FIFO reader) into
// argv without a shell (pure).

#include <string>
#include <vector>

namespace lvsd {

/// Splits "path arg1 arg2" on blanks (space, tab); 'single' or "double" quotes group words, and
/// a quoted empty string is an empty argument. No escapes, no expansion.
std::vector<std::string> splitCommandLine(const std::string& command);

}  // namespace lvsd
