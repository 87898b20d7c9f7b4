#pragma once
// Injected randomness for check jitter (house style: the scheduler never owns a global RNG).

#include <cstdint>

namespace lvsd::check {

/// Source of uniform random numbers.
class Random {
public:
  virtual ~Random() = default;
  /// @return a uniformly distributed 64-bit value.
  virtual uint64_t next() = 0;
  /// @return a uniform double in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

/// SplitMix64: small, fast, deterministic for a given seed (good enough for jitter).
class SplitMix64 : public Random {
public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() override {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

private:
  uint64_t state_;
};

}  // namespace lvsd::check
