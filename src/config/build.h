#pragma once
// Schema walking: config::Node tree -> config::Config (pure). Checks types, ranges, unknown
// settings and every rule that concerns one entity; cross-entity rules live in validate.h.

#include "config/model.h"
#include "config/reader.h"
#include "config/tree.h"

namespace lvsd::config {

/// Reads the whole tree (the root group) into @p out, reporting problems to @p ctx.
void buildConfig(Context& ctx, const Node& root, Config& out);

// Parts of buildConfig, one file each.
void buildGlobal(GroupReader& root, Global& out);
void buildTrackedObjects(GroupReader& root, Config& out);
void buildVrrp(GroupReader& root, Config& out);
void buildVirtualServers(GroupReader& root, Config& out);
void buildChecks(GroupReader& rs, const VirtualServer& vs, uint16_t rsPort,
                 std::vector<Check>& out);

/// Reports an error unless @p path is absolute.
bool requireAbsolute(GroupReader& g, std::string_view key, const std::string& path);

}  // namespace lvsd::config
