#pragma once
// Cross-entity validation (pure): duplicate names, VRID clashes, duplicate services, dangling
// references. Resolves references in place (sync group membership, check script commands).

#include "config/model.h"
#include "config/reader.h"

namespace lvsd::config {

/// Checks @p config as a whole; problems go to @p ctx, placed with the locations it recorded.
void validate(Context& ctx, Config& config);

}  // namespace lvsd::config
