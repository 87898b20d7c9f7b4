#include "config/validate.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace lvsd::config {

namespace {

void errorAt(Context& ctx, const std::string& path, std::string message) {
  ctx.error(ctx.locate(path), path, std::move(message));
}

/// Reports every name that appeared before in @p items (list named @p list).
template <class T>
void uniqueNames(Context& ctx, const std::vector<T>& items, const std::string& list,
                 const char* what) {
  std::unordered_map<std::string_view, size_t> seen;
  seen.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& name = items[i].name;
    if (name.empty() || !ctx.writtenMember(list, i, "name")) {
      continue;  // generated names (virtual servers) clash only when the services do
    }
    auto [it, fresh] = seen.emplace(name, i);
    if (!fresh) {
      errorAt(ctx, indexPath(list, i) + ".name",
              std::string("duplicate ") + what + " name \"" + name + "\" (first defined at " +
                  indexPath(list, it->second) + ")");
    }
  }
}

template <class T>
bool defined(const std::vector<T>& items, const std::string& name) {
  return std::any_of(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
}

const char* familyName(Family f) { return f == Family::V4 ? "IPv4" : "IPv6"; }

void validateVrrp(Context& ctx, Config& c) {
  std::map<std::tuple<std::string, Family, uint8_t>, size_t> vrids;
  std::map<IpAddress, size_t> vips;
  for (size_t i = 0; i < c.vrrp_instances.size(); ++i) {
    const VrrpInstance& vi = c.vrrp_instances[i];
    const std::string base = indexPath("vrrp_instances", i);
    if (vi.vrid != 0 && !vi.interface.empty()) {
      auto [it, fresh] = vrids.emplace(std::tuple{vi.interface, vi.family, vi.vrid}, i);
      if (!fresh) {
        errorAt(ctx, base + ".vrid",
                "VRID " + std::to_string(vi.vrid) + " is already used on " + vi.interface + " (" +
                    familyName(vi.family) + ") by instance \"" + c.vrrp_instances[it->second].name +
                    "\"");
      }
    }
    for (size_t v = 0; v < vi.vips.size(); ++v) {
      auto [it, fresh] = vips.emplace(vi.vips[v].address, i);
      if (!fresh && it->second != i) {
        errorAt(ctx, indexPath(base + ".virtual_ipaddresses", v),
                "virtual IP " + vi.vips[v].address.toString() + " also belongs to instance \"" +
                    c.vrrp_instances[it->second].name + "\"");
      }
    }
    auto refs = [&](const std::vector<TrackRef>& list, const char* key, auto& defs,
                    const char* defList) {
      for (size_t r = 0; r < list.size(); ++r) {
        if (!defined(defs, list[r].name)) {
          errorAt(ctx, indexPath(base + "." + key, r),
                  std::string("no ") + defList + " entry named \"" + list[r].name + "\"");
        }
      }
    };
    refs(vi.track_scripts, "track_scripts", c.vrrp_scripts, "vrrp_scripts");
    refs(vi.track_files, "track_files", c.track_files, "vrrp_track_files");
    refs(vi.track_processes, "track_processes", c.track_processes, "vrrp_track_processes");
  }
  for (size_t g = 0; g < c.sync_groups.size(); ++g) {
    const SyncGroup& sg = c.sync_groups[g];
    const std::string base = indexPath("vrrp_sync_groups", g);
    for (size_t m = 0; m < sg.members.size(); ++m) {
      auto it = std::find_if(c.vrrp_instances.begin(), c.vrrp_instances.end(),
                             [&](const VrrpInstance& vi) { return vi.name == sg.members[m]; });
      const std::string path = indexPath(base + ".members", m);
      if (it == c.vrrp_instances.end()) {
        errorAt(ctx, path, "no vrrp_instances entry named \"" + sg.members[m] + "\"");
      } else if (!it->sync_group.empty()) {
        errorAt(ctx, path,
                "instance \"" + sg.members[m] + "\" is already in sync group \"" + it->sync_group +
                    "\"");
      } else {
        it->sync_group = sg.name;
      }
    }
  }
  if (c.global.ipvs_sync_daemon && !c.global.ipvs_sync_daemon->vrrp_instance.empty() &&
      !defined(c.vrrp_instances, c.global.ipvs_sync_daemon->vrrp_instance)) {
    errorAt(ctx, "global.ipvs_sync_daemon.vrrp_instance",
            "no vrrp_instances entry named \"" + c.global.ipvs_sync_daemon->vrrp_instance + "\"");
  }
}

/// What makes two virtual services the same one (IPVS's key), hashable.
struct ServiceKey {
  Family family = Family::V4;
  uint32_t fwmark = 0;
  int protocol = 0;
  IpAddress address;
  uint16_t port = 0;
  bool operator==(const ServiceKey&) const = default;
};

struct ServiceKeyHash {
  size_t operator()(const ServiceKey& k) const {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    auto mix = [&](uint64_t v) {
      h ^= v;
      h *= 1099511628211ULL;
    };
    mix(static_cast<uint64_t>(k.family));
    mix(k.fwmark);
    mix(static_cast<uint64_t>(k.protocol));
    for (const uint8_t b : k.address.bytes()) {
      mix(b);
    }
    mix(k.port);
    return static_cast<size_t>(h);
  }
};

void validateServices(Context& ctx, Config& c) {
  std::unordered_map<ServiceKey, size_t, ServiceKeyHash> services;
  services.reserve(c.virtual_servers.size());
  for (size_t i = 0; i < c.virtual_servers.size(); ++i) {
    VirtualServer& vs = c.virtual_servers[i];
    const ServiceKey key = vs.endpoint
                               ? ServiceKey{vs.family, 0U, static_cast<int>(vs.protocol),
                                            vs.endpoint->address, vs.endpoint->port}
                               : ServiceKey{vs.family, vs.fwmark, 0, IpAddress{}, uint16_t{0}};
    auto [it, fresh] = services.emplace(key, i);
    if (!fresh) {
      errorAt(ctx, indexPath("virtual_servers", i) + (vs.endpoint ? ".address" : ".fwmark"),
              "duplicate virtual service " + vs.name + " (also " +
                  indexPath("virtual_servers", it->second) + ")");
    }
    for (size_t r = 0; r < vs.real_servers.size(); ++r) {
      RealServer& rs = vs.real_servers[r];
      for (size_t k = 0; k < rs.checks.size(); ++k) {
        ScriptCheck& sc = rs.checks[k].script;
        if (rs.checks[k].type != CheckType::Script || sc.script.empty()) {
          continue;
        }
        auto def = std::find_if(c.check_scripts.begin(), c.check_scripts.end(),
                                [&](const CheckScript& s) { return s.name == sc.script; });
        if (def == c.check_scripts.end()) {
          const std::string base = indexPath("virtual_servers", i);
          errorAt(ctx, indexPath(indexPath(base + ".real_servers", r) + ".checks", k) + ".script",
                  "no check_scripts entry named \"" + sc.script + "\"");
          continue;
        }
        sc.path = def->path;
        sc.args = def->args;
        if (sc.user.empty()) {
          sc.user = def->user;
        }
      }
    }
  }
}

}  // namespace

void validate(Context& ctx, Config& config) {
  uniqueNames(ctx, config.vrrp_scripts, "vrrp_scripts", "vrrp_script");
  uniqueNames(ctx, config.track_files, "vrrp_track_files", "track file");
  uniqueNames(ctx, config.track_processes, "vrrp_track_processes", "track process");
  uniqueNames(ctx, config.check_scripts, "check_scripts", "check script");
  uniqueNames(ctx, config.vrrp_instances, "vrrp_instances", "instance");
  uniqueNames(ctx, config.sync_groups, "vrrp_sync_groups", "sync group");
  uniqueNames(ctx, config.virtual_servers, "virtual_servers", "virtual server");
  validateVrrp(ctx, config);
  validateServices(ctx, config);
}

}  // namespace lvsd::config
