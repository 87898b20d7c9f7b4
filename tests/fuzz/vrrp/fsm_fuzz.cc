// libFuzzer target: random event sequences into a Machine (and a 2-member sync group), applying
// the actions to a model of the adapter and checking invariants after every event:
//   Master ⇒ Adver_Timer armed; Backup ⇒ Master_Down_Timer armed; VIPs installed ⇔ Master;
//   never two VIP installs (or a removal of nothing); a received advert with priority > 0 never
//   makes a Master send (no amplification); priority-0 answers at most once per Adver tick.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "vrrp/fsm/sync_group.h"

namespace {

using namespace lvsd;
using namespace lvsd::vrrp;

struct Model {
  std::array<bool, 3> armed{};
  bool vips = false;
  int zeroAnswersThisTick = 0;
};

void check(bool ok) {
  if (!ok) {
    __builtin_trap();
  }
}

void apply(Model& m, const Actions& acts, const Event& ev, State before) {
  const auto* rx = std::get_if<AdvertRx>(&ev);
  int sends = 0;
  for (const Action& a : acts) {
    if (const auto* t = std::get_if<ArmTimer>(&a)) {
      m.armed[static_cast<size_t>(t->id)] = true;
      check(t->durationCs > 0 || t->id == TimerId::MasterDown);
    } else if (const auto* c = std::get_if<CancelTimer>(&a)) {
      m.armed[static_cast<size_t>(c->id)] = false;
    } else if (std::holds_alternative<InstallVips>(a)) {
      check(!m.vips);
      m.vips = true;
    } else if (std::holds_alternative<RemoveVips>(a)) {
      check(m.vips);
      m.vips = false;
    } else if (std::holds_alternative<SendAdvert>(a)) {
      ++sends;
    } else if (std::holds_alternative<StateChanged>(a)) {
      m.zeroAnswersThisTick = 0;  // a new Master term starts a new tick
    }
  }
  if (rx != nullptr && before == State::Master) {
    if (rx->priority != 0) {
      check(sends == 0);
    } else {
      m.zeroAnswersThisTick += sends;
      check(m.zeroAnswersThisTick <= 1);
    }
  }
  if (std::holds_alternative<AdverExpired>(ev)) {
    m.zeroAnswersThisTick = 0;
  }
}

void invariants(const Machine& mc, const Model& m) {
  const State s = mc.state();
  check(s != State::Master || m.armed[static_cast<size_t>(TimerId::Adver)]);
  check(s != State::Backup || m.armed[static_cast<size_t>(TimerId::MasterDown)]);
  check(m.vips == (s == State::Master));
  if (s == State::Initialize || s == State::Fault) {
    check(!m.armed[0] && !m.armed[1] && !m.armed[2]);
  }
}

// Decodes one event from the stream; timer expiries fire only when armed (as the adapter does),
// and disarm first.
enum class Next { End, Skip, Ok };
Next nextEvent(const uint8_t*& p, const uint8_t* end, Model& m, Event& ev) {
  if (p == end) {
    return Next::End;
  }
  bool skip = false;
  const uint8_t op = *p++;
  auto arg = [&]() -> uint8_t { return p == end ? 0 : *p++; };
  auto fire = [&](TimerId id, Event e) {
    if (!m.armed[static_cast<size_t>(id)]) {
      skip = true;  // the adapter never fires a disarmed timer
      return;
    }
    m.armed[static_cast<size_t>(id)] = false;
    ev = e;
  };
  switch (op % 11) {
    case 0:
      ev = Startup{};
      break;
    case 1:
      ev = Shutdown{};
      break;
    case 2: {
      const uint8_t prio = arg();
      const uint8_t last = arg();
      const uint32_t interval = 1U + arg();
      const std::array<uint8_t, 4> b{10, 0, 0, last};
      ev = AdvertRx{prio, interval, IpAddress::fromBytes(Family::V4, b.data())};
      break;
    }
    case 3:
      fire(TimerId::MasterDown, MasterDownExpired{});
      break;
    case 4:
      fire(TimerId::Adver, AdverExpired{});
      break;
    case 5:
      fire(TimerId::PreemptDelay, PreemptDelayExpired{});
      break;
    case 6:
      ev = PriorityChanged{arg()};
      break;
    case 7:
      ev = Fault{};
      break;
    case 8:
      ev = FaultCleared{};
      break;
    case 9:
      ev = AdvertRx{0, 100, IpAddress::v4(0x0a000001)};
      break;
    default:
      ev = AdvertRx{static_cast<uint8_t>(1 + arg() % 254), 100, IpAddress::v4(0x0a000001)};
  }
  return skip ? Next::Skip : Next::Ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) {
    return 0;
  }
  InstanceParams p;
  p.version = (data[0] & 1) != 0 ? 3 : 2;
  p.priority = data[1];
  p.preempt = (data[0] & 2) != 0;
  p.acceptMode = (data[0] & 4) != 0;
  p.preemptDelayCs = (data[0] & 8) != 0 ? 500 : 0;
  p.adverIntervalCs = 1U + data[2];
  p.primaryAddress = IpAddress::v4(0x0a000002);
  const bool group = (data[0] & 16) != 0;
  const uint8_t* it = data + 3;
  const uint8_t* end = data + size;

  if (!group) {
    Machine mc(p);
    Model m;
    Event ev;
    int steps = 0;
    Next n = Next::Ok;
    while (steps++ < 4096 && (n = nextEvent(it, end, m, ev)) != Next::End) {
      if (n == Next::Skip) {
        continue;
      }
      const State before = mc.state();
      apply(m, mc.handle(ev), ev, before);
      invariants(mc, m);
    }
    return 0;
  }
  InstanceParams q = p;
  q.vrid = 2;
  SyncGroup g({p, q});
  std::array<Model, 2> models{};
  Event ev;
  int steps = 0;
  while (steps++ < 4096 && it != end) {
    const size_t who = *it++ & 1U;
    const Next n = nextEvent(it, end, models[who], ev);
    if (n == Next::End) {
      break;
    }
    if (n == Next::Skip) {
      continue;
    }
    std::array<State, 2> before{g.member(0).state(), g.member(1).state()};
    for (const auto& ma : g.handle(who, ev)) {
      apply(models[ma.member], ma.actions, ma.member == who ? ev : Event{Startup{}},
            before[ma.member]);
    }
    invariants(g.member(0), models[0]);
    invariants(g.member(1), models[1]);
  }
  return 0;
}
