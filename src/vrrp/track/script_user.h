#pragma once
// Which account a script runs as (pure; shared by VRRP tracking/notify and usable by the checks).
// keepalived's rule: the default script user may be missing on a host, in which case scripts run
// as "nobody" (and the daemon says so once); any other configured user must exist when a script
// runs — it may be created after the daemon starts, so a missing one is a per-run error, not a
// load-time one.

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace lvsd::vrrp::track {

inline constexpr std::string_view kDefaultScriptUser = "lvsd_script";
inline constexpr std::string_view kFallbackScriptUser = "nobody";

struct ScriptUserPick {
  std::string user;       ///< account to run as ("" = do not change user)
  bool fellBack = false;  ///< the default was missing and kFallbackScriptUser was chosen
};

/// @param configured the configured user ("" = keep the daemon's user)
/// @param exists     whether an account exists (getpwnam in the daemon, a set in tests)
/// @return the account to use, or an error naming the missing user.
Result<ScriptUserPick> pickScriptUser(const std::string& configured,
                                      const std::function<bool(const std::string&)>& exists);

}  // namespace lvsd::vrrp::track
