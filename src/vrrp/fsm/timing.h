#pragma once
// Timer arithmetic of the engine, pure (no clock is read here; the engine passes the times in).
// - The master's Adver timer is periodic: its next deadline is one interval after the previous
//   deadline, not after the (possibly late) wake-up, so wake-up latency never accumulates into a
//   slower advert rate.
// - A Master_Down expiry and the adverts that reached the socket before it are put back in their
//   true order: packets the kernel received (SO_TIMESTAMPNS) at or before the timer's deadline
//   are processed before the expiry, because they arrived before the timer expired (RFC 5798
//   §6.4.2: an advert received while the timer runs resets it).

#include <cstddef>
#include <optional>
#include <span>

#include "common/clock.h"

namespace lvsd::vrrp {

/// @return the deadline after @p previous for a timer of @p period: previous + period, or, if
///         the wake-up at @p now is already past that, the first period boundary after @p now
///         (missed ticks are skipped, never sent as a burst). @p period must be > 0.
MonoTime nextPeriodicDeadline(MonoTime previous, MonoTime now, Duration period);

/// @param rxTimes kernel receive times of the packets read when the timer fired, in arrival
///        order (nullopt: no timestamp, treated as after the deadline).
/// @return how many leading packets were received at or before @p deadline and so come before
///         the expiry; the rest come after it.
size_t packetsBeforeDeadline(MonoTime deadline, std::span<const std::optional<MonoTime>> rxTimes);

}  // namespace lvsd::vrrp
