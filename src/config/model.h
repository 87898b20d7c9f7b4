#pragma once
// The typed, validated configuration model (pure: no I/O). Filled by config/loader.h from a
// libconfig file; every other layer reads only this.
//
// NOTE: skeleton — the config owner extends these structs to the full schema (see docs/config.md).
// The names below are a contract other layers already use; extend, don't rename.

#include <cstdint>
#include <string>
#include <vector>

namespace lvsd::config {

enum class LogTarget { Journal, Syslog, Stderr };

struct Global {
  std::string router_id;                                  ///< defaults to the hostname
  std::string script_user = "lvsd_script";                ///< unprivileged user for scripts
  std::string control_socket = "/run/lvsd/lvsd.sock";     ///< unix socket for lvsctl
  uint32_t control_socket_mode = 0660;                    ///< permissions of that socket
  LogTarget log_target = LogTarget::Journal;
  std::string pid_file = "/run/lvsd/lvsd.pid";
};

struct VrrpInstance {
  std::string name;
};

struct VirtualServer {
  std::string name;
};

struct Config {
  std::string source_file;  ///< the file this model was read from
  Global global;
  std::vector<VrrpInstance> vrrp_instances;
  std::vector<VirtualServer> virtual_servers;
};

}  // namespace lvsd::config
