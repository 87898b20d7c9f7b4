#pragma once
// The pure receive path: decode + §7.1 checks + auth_hmac verification + reject counting, then
// the FSM event. A packet that fails any check yields no event, so it cannot change state.

#include <optional>
#include <span>

#include "vrrp/auth/hmac_auth.h"
#include "vrrp/codec/codec.h"
#include "vrrp/fsm/machine.h"

namespace lvsd::vrrp {

/// @param auth nullptr when the instance has no auth_hmac block
/// @param counters incremented by the reason of a rejection
/// @return the AdvertRx event for an accepted advert, nullopt for a rejected one
std::optional<AdvertRx> receiveAdvert(std::span<const uint8_t> ipPayload, const RxMeta& meta,
                                      const DecodeOptions& options, auth::Authenticator* auth,
                                      auth::WallTime now, RejectCounters& counters);

}  // namespace lvsd::vrrp
