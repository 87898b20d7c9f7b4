#pragma once
// `lvsctl ipvs`: the `ipvs` command's data in the layout of `ipvsadm -Ln` / `--stats` / `--rate`
// (pure; formatting by ipvs::formatTable).

#include <string>
#include <vector>

#include "ctl/protocol.h"

namespace lvsd::ctl {

/// @param mode "list" | "stats" | "rate"; @param exact no K/M/G scaling.
/// @return the table text, or an error line when the data has no readable table.
std::string formatIpvs(const Json& data, const std::string& mode, bool exact);
/// Virtual servers lvsd could not program and the last sync's errors, one line each.
std::vector<std::string> ipvsProblems(const Json& data);

}  // namespace lvsd::ctl
