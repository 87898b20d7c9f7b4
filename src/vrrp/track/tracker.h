#pragma once
// Priority tracking (pure): interfaces, scripts, files and processes adjust an instance's
// priority or put it into FAULT, with keepalived's semantics:
//  - weight 0: the object being down puts the instance into FAULT;
//  - weight > 0: added while the object is up; weight < 0: added while it is down;
//  - reverse: the sign of the effect is inverted;
//  - value objects (track files): value × weight is added; with weight 0 a non-zero value faults.
// The effective priority is clamped to 1..254; an address owner (255) is never changed.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lvsd::vrrp::track {

/// Rise/fall debouncing for one periodic check (script tracking).
class RiseFall {
public:
  /// @param initiallyUp the state before any result
  RiseFall(uint32_t rise, uint32_t fall, bool initiallyUp);
  /// Feeds one result. @return true when the debounced state changed.
  bool onResult(bool ok);
  [[nodiscard]] bool up() const { return up_; }

private:
  uint32_t rise_;
  uint32_t fall_;
  bool up_;
  uint32_t streak_ = 0;
};

class PriorityTracker {
public:
  explicit PriorityTracker(uint8_t basePriority) : base_(basePriority) {}

  /// Adds an up/down object. @return its id
  size_t addBinary(int weight, bool reverse, bool initiallyUp);
  /// Adds a value object (track file). @return its id
  size_t addValue(int weight, bool reverse, int64_t initialValue);
  void setUp(size_t id, bool up);
  void setValue(size_t id, int64_t value);

  [[nodiscard]] uint8_t basePriority() const { return base_; }
  void setBasePriority(uint8_t p) { base_ = p; }
  /// @return the priority after weights, clamped 1..254 (255 stays 255)
  [[nodiscard]] uint8_t effectivePriority() const;
  /// @return whether any weight-0 object is failed
  [[nodiscard]] bool fault() const;
  [[nodiscard]] size_t size() const { return objects_.size(); }
  [[nodiscard]] bool up(size_t id) const { return objects_[id].up; }
  [[nodiscard]] int64_t value(size_t id) const { return objects_[id].value; }

private:
  struct Object {
    bool isValue = false;
    int weight = 0;
    bool reverse = false;
    bool up = true;
    int64_t value = 0;
  };
  uint8_t base_;
  std::vector<Object> objects_;
};

}  // namespace lvsd::vrrp::track
