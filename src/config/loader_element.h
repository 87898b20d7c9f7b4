#pragma once
// One element of a top-level list, parsed and built on its own (for config/incremental.h).

#include <string_view>

#include "config/model.h"

namespace lvsd::config {

/// Parses @p element, the text of one `{ ... }` element of virtual_servers, in a document of its
/// own and builds it. False on any syntax error or diagnostic (the caller then loads the whole
/// file, which reports them).
bool buildVirtualServerText(std::string_view element, VirtualServer& out);

/// The same for one element of vrrp_instances.
bool buildVrrpInstanceText(std::string_view element, VrrpInstance& out);

}  // namespace lvsd::config
