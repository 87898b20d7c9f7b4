#include "vrrp/fsm/machine.h"

#include <algorithm>

namespace lvsd::vrrp {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr uint8_t kOwnerPriority = 255;

}  // namespace

std::string_view stateName(State s) {
  switch (s) {
    case State::Initialize:
      return "initialize";
    case State::Backup:
      return "backup";
    case State::Master:
      return "master";
    case State::Fault:
      return "fault";
  }
  return "unknown";
}

uint32_t skewTimeCs(uint8_t version, uint8_t priority, uint32_t masterAdverIntervalCs) {
  const uint32_t weight = 256U - priority;
  if (version == 2) {
    return weight * 100U / 256U;  // RFC 3768 §6.1: (256 - Priority) / 256 seconds
  }
  // RFC 5798 §6.1: ((256 - priority) * Master_Adver_Interval) / 256
  return static_cast<uint32_t>((uint64_t{weight} * masterAdverIntervalCs) / 256U);
}

uint32_t masterDownIntervalCs(uint8_t version, uint8_t priority, uint32_t masterAdverIntervalCs) {
  return 3U * masterAdverIntervalCs + skewTimeCs(version, priority, masterAdverIntervalCs);
}

Machine::Machine(InstanceParams params)
    : params_(std::move(params)), masterAdverIntervalCs_(params_.adverIntervalCs) {
  params_.priority = std::max<uint8_t>(params_.priority, 1);
}

Actions Machine::handle(const Event& event) {
  Actions out;
  std::visit(Overloaded{
                 [&](const Startup&) {
                   if (state_ == State::Initialize) {
                     onStartup(Reason::Startup, out);
                   }
                 },
                 [&](const Shutdown&) {
                   if (state_ != State::Initialize) {
                     enter(State::Initialize, Reason::Shutdown, out);
                   }
                 },
                 [&](const AdvertRx& rx) { onAdvert(rx, out); },
                 [&](const MasterDownExpired&) {
                   // §6.4.2: Master_Down_Timer fired → become Master.
                   if (state_ == State::Backup) {
                     enter(State::Master, Reason::MasterDown, out);
                   }
                 },
                 [&](const AdverExpired&) {
                   // §6.4.3: Adver_Timer fired → advertise, re-arm.
                   if (state_ == State::Master) {
                     answeredResign_ = false;
                     out.emplace_back(SendAdvert{params_.priority});
                     out.emplace_back(ArmTimer{TimerId::Adver, params_.adverIntervalCs});
                   }
                 },
                 [&](const PreemptDelayExpired&) {
                   if (state_ == State::Backup) {
                     preemptDelayPending_ = false;
                   }
                 },
                 [&](const PriorityChanged& p) {
                   const uint8_t prio = std::max<uint8_t>(p.priority, 1);
                   if (prio == params_.priority) {
                     return;
                   }
                   params_.priority = prio;
                   // Tell the backups at once (a local event, so no amplification); restart the
                   // tick.
                   if (state_ == State::Master) {
                     out.emplace_back(SendAdvert{params_.priority});
                     out.emplace_back(ArmTimer{TimerId::Adver, params_.adverIntervalCs});
                   }
                 },
                 [&](const Fault&) { onFault(out); },
                 [&](const FaultCleared&) {
                   if (state_ == State::Fault) {
                     onStartup(Reason::FaultCleared, out);
                   }
                 },
                 [&](const GroupToMaster&) {
                   if (state_ == State::Backup) {
                     enter(State::Master, Reason::Group, out);
                   }
                 },
                 [&](const GroupToBackup&) {
                   if (state_ == State::Master) {
                     masterAdverIntervalCs_ = params_.adverIntervalCs;
                     enter(State::Backup, Reason::Group, out);
                   }
                 },
             },
             event);
  return out;
}

void Machine::onStartup(Reason reason, Actions& out) {
  // §6.4.1: the owner goes straight to Master; everyone else waits as Backup.
  if (params_.priority == kOwnerPriority) {
    enter(State::Master, reason == Reason::Startup ? Reason::Owner : reason, out);
    return;
  }
  masterAdverIntervalCs_ = params_.adverIntervalCs;
  enter(State::Backup, reason, out);
}

void Machine::onFault(Actions& out) {
  if (state_ != State::Fault) {
    enter(State::Fault, Reason::Fault, out);
  }
}

void Machine::onAdvert(const AdvertRx& rx, Actions& out) {
  if (state_ == State::Backup) {
    // §6.4.2
    if (rx.priority == 0) {
      // The master resigned: take over after Skew_Time.
      out.emplace_back(ArmTimer{TimerId::MasterDown, skewTimeCs(params_.version, params_.priority,
                                                                masterAdverIntervalCs_)});
      return;
    }
    if (!preemptAllowed() || rx.priority >= params_.priority) {
      if (params_.version == 3) {
        masterAdverIntervalCs_ = rx.maxAdverIntCs;
      }
      out.emplace_back(ArmTimer{
          TimerId::MasterDown,
          masterDownIntervalCs(params_.version, params_.priority, masterAdverIntervalCs_)});
    }
    // else: lower priority and we may preempt → discard; Master_Down_Timer will fire.
    return;
  }
  if (state_ != State::Master) {
    return;
  }
  // §6.4.3
  if (rx.priority == 0) {
    // Answer a resignation with an immediate advert, at most once per Advertisement_Interval,
    // so a flood of priority-0 packets is never answered one-for-one.
    if (!answeredResign_) {
      answeredResign_ = true;
      out.emplace_back(SendAdvert{params_.priority});
      out.emplace_back(ArmTimer{TimerId::Adver, params_.adverIntervalCs});
    }
    return;
  }
  const bool better = rx.priority > params_.priority ||
                      (rx.priority == params_.priority && rx.src > params_.primaryAddress);
  if (better) {
    masterAdverIntervalCs_ = params_.version == 3 ? rx.maxAdverIntCs : params_.adverIntervalCs;
    enter(State::Backup, Reason::HigherPriority, out);
  }
  // else: a lower-priority advert is discarded; our own goes out on schedule (no reply).
}

void Machine::enter(State to, Reason reason, Actions& out) {
  const State from = state_;
  // Exit actions.
  if (from == State::Master) {
    out.emplace_back(CancelTimer{TimerId::Adver});
    if (to == State::Initialize || to == State::Fault) {
      out.emplace_back(SendAdvert{0});  // §6.4.3 Shutdown: resign with priority 0
    }
    out.emplace_back(RemoveVips{});
  } else if (from == State::Backup) {
    out.emplace_back(CancelTimer{TimerId::MasterDown});
    if (preemptDelayPending_) {
      out.emplace_back(CancelTimer{TimerId::PreemptDelay});
      preemptDelayPending_ = false;
    }
  }
  state_ = to;
  out.emplace_back(StateChanged{from, to, reason});
  // Entry actions.
  if (to == State::Master) {
    answeredResign_ = false;
    out.emplace_back(InstallVips{params_.acceptMode || params_.priority == kOwnerPriority});
    out.emplace_back(SendAdvert{params_.priority});
    out.emplace_back(SendGarp{});
    out.emplace_back(ArmTimer{TimerId::Adver, params_.adverIntervalCs});
  } else if (to == State::Backup) {
    out.emplace_back(
        ArmTimer{TimerId::MasterDown,
                 masterDownIntervalCs(params_.version, params_.priority, masterAdverIntervalCs_)});
    const bool fromIdle = from == State::Initialize || from == State::Fault;
    if (fromIdle && params_.preempt && params_.preemptDelayCs > 0) {
      preemptDelayPending_ = true;
      out.emplace_back(ArmTimer{TimerId::PreemptDelay, params_.preemptDelayCs});
    }
  }
}

}  // namespace lvsd::vrrp
