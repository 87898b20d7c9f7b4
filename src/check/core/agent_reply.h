#pragma once
// HAProxy agent-check reply parser (pure). The reply is one ASCII line of words separated by
// spaces, tabs or commas: "up", "down"/"fail"/"stopped" (optionally "#description"), "ready",
// "drain", "maint", "NN%" (percent of the configured weight) and "maxconn:NN". Words the agent
// does not send leave that setting unchanged; unknown words are ignored and listed in reason,
// but a reply without a single protocol word is Down.

#include <string_view>

#include "check/core/outcome.h"

namespace lvsd::check {

/// Longest agent reply lvsd reads; HAProxy reads at most one small buffer too.
inline constexpr size_t kAgentReplyMax = 512;

/// Parses the first line of @p reply. An empty reply (no line) is Down.
Outcome parseAgentReply(std::string_view reply);

}  // namespace lvsd::check
