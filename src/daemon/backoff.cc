#include "daemon/backoff.h"

#include <algorithm>

namespace lvsd::daemon {

Duration RestartBackoff::onExit(MonoTime startedAt, MonoTime exitedAt) {
  if (exitedAt - startedAt >= policy_.stable) {
    next_ = policy_.initial;
  }
  const Duration delay = next_;
  next_ = std::min(policy_.max, next_ * 2);
  return delay;
}

}  // namespace lvsd::daemon
