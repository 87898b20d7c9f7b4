#include "vrrp/track/script_user.h"

namespace lvsd::vrrp::track {

Result<ScriptUserPick> pickScriptUser(const std::string& configured,
                                      const std::function<bool(const std::string&)>& exists) {
  if (configured.empty() || exists(configured)) {
    return ScriptUserPick{configured, false};
  }
  if (configured == kDefaultScriptUser) {
    const std::string fallback(kFallbackScriptUser);
    if (exists(fallback)) {
      return ScriptUserPick{fallback, true};
    }
    return fail("script user \"" + configured + "\" and fallback \"" + fallback +
                "\" do not exist");
  }
  return fail("script user \"" + configured + "\" does not exist");
}

}  // namespace lvsd::vrrp::track
