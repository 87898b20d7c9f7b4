#pragma once
// `lvsctl checks` formatting (pure): per virtual server its quorum, per real server its state,
// effective weight and why, operator state and each check's last result.

#include <string>

#include "ctl/protocol.h"

namespace lvsd::ctl {

/// Formats the `checks` command's data object (docs/checks.md).
std::string formatChecks(const Json& data);
/// One line for weight/drain/enable/disable answers.
std::string formatOperator(const Json& data);

}  // namespace lvsd::ctl
