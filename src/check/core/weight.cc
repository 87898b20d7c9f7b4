#include "check/core/weight.h"

#include <algorithm>
#include <cmath>

namespace lvsd::check {

WeightCalculator::WeightCalculator(const WeightParams& params, bool initiallyUp, MonoTime now)
    : params_(params),
      up_(initiallyUp),
      upSince_(now),
      fbWeight_(static_cast<double>(params.weight)),
      fbApplied_(params.weight) {}

void WeightCalculator::onHealth(bool up, MonoTime now) {
  if (up && !up_) {
    upSince_ = now;
    rampActive_ = params_.slowStart.count() > 0;
  }
  up_ = up;
}

void WeightCalculator::onOutcome(const Outcome& o) {
  if (o.admin) {
    admin_ = *o.admin == Admin::Ready ? std::nullopt : o.admin;
  }
  if (o.weight) {
    absWeight_ = std::min<uint32_t>(*o.weight, 65535);
  }
  if (o.weightPercent) {
    percent_ = std::min<uint32_t>(*o.weightPercent, 1000);
  }
  const FeedbackParams& f = params_.feedback;
  if (!f.enabled || o.verdict != Verdict::Up) {
    return;
  }
  const double ratios = f.rtRatio + f.agentRatio;
  if (ratios <= 0.0) {
    return;
  }
  const double ref = static_cast<double>(std::max<Duration::rep>(1, f.rtReference.count()));
  const double rtLoad = static_cast<double>(o.latency.count()) / ref;
  const double agentLoad = percent_ ? 1.0 - static_cast<double>(*percent_) / 100.0 : 0.0;
  double load = (f.rtRatio * rtLoad + f.agentRatio * agentLoad) / ratios;
  load = std::clamp(load, 0.0, 2.0);
  const double maxW = f.scale * static_cast<double>(params_.weight);
  const double minW = std::clamp(f.floor, 0.0, std::max(0.0, maxW));
  fbWeight_ = std::clamp(fbWeight_ + f.gain * std::cbrt(1.0 - load), minW, std::max(minW, maxW));
  const double applied = static_cast<double>(fbApplied_);
  if (std::fabs(fbWeight_ - applied) >= std::max(f.threshold, 1e-9)) {
    fbApplied_ = static_cast<uint32_t>(std::lround(fbWeight_));
  }
}

void WeightCalculator::setOperator(OperatorMode mode, std::optional<uint32_t> weight) {
  opMode_ = mode;
  opWeight_ = weight ? std::optional<uint32_t>(std::min<uint32_t>(*weight, 65535)) : std::nullopt;
}

const char* WeightCalculator::weightReason(MonoTime now) const {
  if (opMode_ == OperatorMode::Disabled) {
    return "disabled (operator)";
  }
  if (!up_) {
    return "down";
  }
  if (admin_ == Admin::Maint) {
    return "maint (agent)";
  }
  if (opMode_ == OperatorMode::Drain) {
    return "drain (operator)";
  }
  if (admin_ == Admin::Drain) {
    return "drain (agent)";
  }
  if (slowStartActive(now)) {
    return "slow start";
  }
  if (opWeight_) {
    return "operator";
  }
  if (absWeight_) {
    return "script/file";
  }
  if (params_.feedback.enabled) {
    return "feedback";
  }
  if (percent_) {
    return "agent";
  }
  return "configured";
}

uint32_t WeightCalculator::targetWeight() const {
  if (opWeight_) {
    return *opWeight_;
  }
  if (absWeight_) {
    return *absWeight_;
  }
  if (params_.feedback.enabled) {
    return fbApplied_;  // agent percent feeds the load instead of scaling directly
  }
  if (percent_) {
    const uint64_t w = uint64_t{params_.weight} * *percent_ / 100;
    return static_cast<uint32_t>(std::min<uint64_t>(w, 65535));
  }
  return params_.weight;
}

bool WeightCalculator::serving() const {
  return up_ && admin_ != Admin::Maint && opMode_ != OperatorMode::Disabled;
}

DestDecision WeightCalculator::decision(MonoTime now) const {
  DestDecision d;
  if (!serving()) {
    d.present = params_.inhibitOnFailure;
    return d;
  }
  d.present = true;
  d.serving = true;
  if (admin_ == Admin::Drain || opMode_ == OperatorMode::Drain) {
    return d;
  }
  d.target = targetWeight();
  d.weight = d.target;
  const Duration ss = params_.slowStart;
  if (rampActive_ && d.target > 1 && now - upSince_ < ss) {
    const auto elapsed = static_cast<double>((now - upSince_).count());
    const double frac = elapsed / static_cast<double>(ss.count());
    const auto w = static_cast<uint32_t>(std::floor(frac * static_cast<double>(d.target)));
    d.weight = std::clamp<uint32_t>(w, 1, d.target);
  }
  return d;
}

std::optional<MonoTime> WeightCalculator::nextChange(MonoTime now) const {
  const Duration ss = params_.slowStart;
  if (!rampActive_ || !serving() || admin_ == Admin::Drain || opMode_ == OperatorMode::Drain ||
      now - upSince_ >= ss) {
    return std::nullopt;
  }
  const uint32_t target = targetWeight();
  if (target <= 1) {
    return std::nullopt;
  }
  const uint32_t cur = decision(now).weight;
  // weight w is reached at upSince + ss * w / target; the ramp ends at upSince + ss.
  const auto at = [&](uint32_t w) {
    const double t = static_cast<double>(ss.count()) * w / static_cast<double>(target);
    return upSince_ + Duration(static_cast<Duration::rep>(std::ceil(t)));
  };
  MonoTime next = at(cur + 1);
  if (next <= now) {
    next = now + Duration(1);
  }
  return std::min(next, upSince_ + ss);
}

}  // namespace lvsd::check
