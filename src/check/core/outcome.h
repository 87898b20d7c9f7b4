#pragma once
// What one probe run says about a real server. Probes only produce an Outcome; the pure
// Scheduler and WeightCalculator decide what it means.

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"

namespace lvsd::check {

/// The health verdict of one probe run.
enum class Verdict : uint8_t {
  Up,        ///< the server answered as expected
  Down,      ///< failed, timed out or answered wrongly
  NoChange,  ///< the reply carried no health word (e.g. an agent reply of just "75%")
};

/// Administrative state reported by an agent (HAProxy agent protocol words).
enum class Admin : uint8_t {
  Ready,  ///< leave drain/maint
  Drain,  ///< keep the destination, weight 0 (no new connections)
  Maint,  ///< treat as down
};

/// Result of one probe run.
struct Outcome {
  Verdict verdict = Verdict::Down;
  std::optional<Admin> admin;             ///< agent: ready/drain/maint
  std::optional<uint32_t> weight;         ///< absolute weight (script exit 2..255, weight file)
  std::optional<uint32_t> weightPercent;  ///< agent "NN%": percent of the configured weight
  std::optional<uint32_t> maxconn;        ///< agent "maxconn:NN"
  Duration latency{};                     ///< time from probe start to verdict
  std::string reason;                     ///< human-readable cause, for logs and lvsctl
  /// The probe could not start for lack of a local resource (descriptors, memory, processes):
  /// no verdict about the server. The runner tries again later; the result is not counted.
  bool notStarted = false;

  static Outcome up(std::string why = "ok") {
    Outcome o;
    o.verdict = Verdict::Up;
    o.reason = std::move(why);
    return o;
  }
  static Outcome down(std::string why) {
    Outcome o;
    o.verdict = Verdict::Down;
    o.reason = std::move(why);
    return o;
  }
  static Outcome localShortage(std::string why) {
    Outcome o = down(std::move(why));
    o.notStarted = true;
    return o;
  }
};

}  // namespace lvsd::check
