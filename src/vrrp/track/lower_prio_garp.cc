#include "vrrp/track/lower_prio_garp.h"

namespace lvsd::vrrp::track {

uint32_t LowerPrioGarp::onLowerPriorityAdvert(MonoTime now) {
  if (repeat_ == 0) {
    return 0;
  }
  if (last_ && now - *last_ < delay_) {
    return 0;
  }
  last_ = now;
  return repeat_;
}

}  // namespace lvsd::vrrp::track
