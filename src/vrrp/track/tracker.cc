#include "vrrp/track/tracker.h"

#include <algorithm>

namespace lvsd::vrrp::track {

RiseFall::RiseFall(uint32_t rise, uint32_t fall, bool initiallyUp)
    : rise_(std::max<uint32_t>(rise, 1)), fall_(std::max<uint32_t>(fall, 1)), up_(initiallyUp) {}

bool RiseFall::onResult(bool ok) {
  if (ok == up_) {
    streak_ = 0;
    return false;
  }
  ++streak_;
  if (streak_ >= (ok ? rise_ : fall_)) {
    up_ = ok;
    streak_ = 0;
    return true;
  }
  return false;
}

size_t PriorityTracker::addBinary(int weight, bool reverse, bool initiallyUp) {
  objects_.push_back(Object{false, weight, reverse, initiallyUp, 0});
  return objects_.size() - 1;
}

size_t PriorityTracker::addValue(int weight, bool reverse, int64_t initialValue) {
  objects_.push_back(Object{true, weight, reverse, true, initialValue});
  return objects_.size() - 1;
}

void PriorityTracker::setUp(size_t id, bool up) {
  if (id < objects_.size()) {
    objects_[id].up = up;
  }
}

void PriorityTracker::setValue(size_t id, int64_t value) {
  if (id < objects_.size()) {
    objects_[id].value = value;
  }
}

bool PriorityTracker::fault() const {
  return std::any_of(objects_.begin(), objects_.end(), [](const Object& o) {
    if (o.weight != 0) {
      return false;
    }
    return o.isValue ? o.value != 0 : !o.up;
  });
}

uint8_t PriorityTracker::effectivePriority() const {
  if (base_ == 255) {
    return base_;
  }
  int64_t p = base_;
  for (const Object& o : objects_) {
    if (o.weight == 0) {
      continue;
    }
    const int64_t sign = o.reverse ? -1 : 1;
    if (o.isValue) {
      p += sign * std::clamp<int64_t>(o.value, -1000000, 1000000) * o.weight;
    } else if ((o.weight > 0) == o.up) {
      // Positive weights count while up, negative ones while down.
      p += sign * o.weight;
    }
  }
  return static_cast<uint8_t>(std::clamp<int64_t>(p, 1, 254));
}

}  // namespace lvsd::vrrp::track
