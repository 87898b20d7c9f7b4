#include "ipvs/diff.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace lvsd::ipvs {

namespace {
// A desired daemon field of 0/empty means "kernel default".
bool daemonMatches(const SyncDaemon& have, const SyncDaemon& want) {
  return have.state == want.state && have.interface == want.interface &&
         have.syncId == want.syncId && (want.maxLen == 0 || want.maxLen == have.maxLen) &&
         (!want.group || want.group == have.group) && (want.port == 0 || want.port == have.port) &&
         (want.ttl == 0 || want.ttl == have.ttl);
}
}  // namespace

namespace {
std::unordered_map<ServiceKey, const Service*, ServiceKeyHash> index(const Table& t) {
  std::unordered_map<ServiceKey, const Service*, ServiceKeyHash> m;
  m.reserve(t.services.size());
  for (const auto& s : t.services) {
    m.emplace(s.key, &s);  // first definition wins
  }
  return m;
}
}  // namespace

bool Scope::owns(const ServiceKey& k) const {
  return all || std::find(owned.begin(), owned.end(), k) != owned.end();
}

namespace {

// Additions and edits of destinations, then the service edit (a new scheduler initialises its
// state - wrr's current weight, mh/sh lookup tables - from the final destinations and weights,
// as `ipvsadm -e ... ; ipvsadm -E -s new` would), then removals.
void diffService(const Service& have, const Service& want, std::vector<IpvsOp>& ops) {
  const DestIndex haveAt(have.dests);
  const DestIndex wantAt(want.dests);
  for (const auto& d : want.dests) {
    if (haveAt.find(d.addr, d.port) == DestIndex::npos) {
      ops.push_back(IpvsOp::addDest(want.key, d));
    }
  }
  for (const auto& d : want.dests) {
    const size_t h = haveAt.find(d.addr, d.port);
    if (h != DestIndex::npos && !have.dests[h].sameSettings(d)) {
      ops.push_back(IpvsOp::editDest(want.key, d));
    }
  }
  if (!have.sameSettings(want)) {
    ops.push_back(IpvsOp::editService(want));
  }
  for (const auto& h : have.dests) {
    if (wantAt.find(h.addr, h.port) == DestIndex::npos) {
      ops.push_back(IpvsOp::delDest(want.key, h));
    }
  }
}

}  // namespace

std::vector<IpvsOp> diff(const Table& kernel, const Table& desired, const Scope& scope) {
  std::vector<IpvsOp> ops;
  const auto have = index(kernel);
  const auto want = index(desired);
  auto find = [](const std::unordered_map<ServiceKey, const Service*, ServiceKeyHash>& m,
                 const ServiceKey& k) {
    auto it = m.find(k);
    return it == m.end() ? nullptr : it->second;
  };
  for (const auto& w : desired.services) {
    if (find(have, w.key) == nullptr) {
      ops.push_back(IpvsOp::addService(w));
      for (const auto& d : w.dests) {
        ops.push_back(IpvsOp::addDest(w.key, d));
      }
    }
  }
  for (const auto& w : desired.services) {
    const Service* h = find(have, w.key);
    if (h == nullptr) {
      continue;
    }
    diffService(*h, w, ops);
  }
  for (const auto& h : kernel.services) {
    if (find(want, h.key) == nullptr && scope.owns(h.key)) {
      ops.push_back(IpvsOp::delService(h.key));
    }
  }
  if (desired.timeouts && (!kernel.timeouts || !(*kernel.timeouts == *desired.timeouts))) {
    IpvsOp op;
    op.kind = OpKind::SetTimeouts;
    op.timeouts = *desired.timeouts;
    ops.push_back(op);
  }
  if (desired.manageDaemons) {
    for (const auto& k : kernel.daemons) {
      const bool wanted = std::any_of(desired.daemons.begin(), desired.daemons.end(),
                                      [&](const SyncDaemon& d) { return daemonMatches(k, d); });
      if (!wanted) {
        IpvsOp op;
        op.kind = OpKind::StopDaemon;
        op.daemon = k;
        ops.push_back(op);
      }
    }
    for (const auto& d : desired.daemons) {
      const bool running = std::any_of(kernel.daemons.begin(), kernel.daemons.end(),
                                       [&](const SyncDaemon& k) { return daemonMatches(k, d); });
      if (!running) {
        IpvsOp op;
        op.kind = OpKind::StartDaemon;
        op.daemon = d;
        ops.push_back(op);
      }
    }
  }
  return ops;
}

std::vector<IpvsOp> inverse(const std::vector<IpvsOp>& done, const Table& before) {
  std::vector<IpvsOp> undo;
  const auto at = index(before);
  const Service* indexed = nullptr;  // the service `oldAt` indexes (ops come grouped by service)
  std::optional<DestIndex> oldAt;
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    const IpvsOp& op = *it;
    const auto found = at.find(op.svc.key);
    const Service* old = found == at.end() ? nullptr : found->second;
    switch (op.kind) {
      case OpKind::AddService:
        undo.push_back(IpvsOp::delService(op.svc.key));
        break;
      case OpKind::EditService:
        if (old != nullptr) {
          undo.push_back(IpvsOp::editService(*old));
        }
        break;
      case OpKind::DelService:
        if (old != nullptr) {
          undo.push_back(IpvsOp::addService(*old));
          for (const auto& d : old->dests) {
            undo.push_back(IpvsOp::addDest(old->key, d));
          }
        }
        break;
      case OpKind::AddDest:
        undo.push_back(IpvsOp::delDest(op.svc.key, op.dest));
        break;
      case OpKind::EditDest:
      case OpKind::DelDest:
        if (old != nullptr) {
          if (indexed != old) {
            oldAt.emplace(old->dests);
            indexed = old;
          }
          if (const size_t i = oldAt->find(op.dest.addr, op.dest.port); i != DestIndex::npos) {
            const Destination& d = old->dests[i];
            undo.push_back(op.kind == OpKind::EditDest ? IpvsOp::editDest(old->key, d)
                                                       : IpvsOp::addDest(old->key, d));
          }
        }
        break;
      default:
        break;  // timeouts/daemons are not rolled back per service
    }
  }
  return undo;
}

void applyTo(Table& t, const IpvsOp& op) { applyTo(t, std::span<const IpvsOp>(&op, 1)); }

void applyTo(Table& t, std::span<const IpvsOp> ops) {
  std::unordered_map<ServiceKey, size_t, ServiceKeyHash> at;
  at.reserve(t.services.size() + ops.size());
  for (size_t i = 0; i < t.services.size(); ++i) {
    at.emplace(t.services[i].key, i);
  }
  std::vector<bool> gone(t.services.size(), false);
  auto svc = [&](const ServiceKey& k) -> Service* {
    auto it = at.find(k);
    return it == at.end() || gone[it->second] ? nullptr : &t.services[it->second];
  };
  // Destinations are found through a per-service index; in a hashed (large) one removals leave a
  // tombstone until the end of the batch so positions stay valid (one O(n) pass per touched
  // service, not per op); small services are scanned and erased directly.
  struct Touched {
    DestIndex at;
    std::vector<bool> dead;
  };
  // Service pointers stay valid through the batch: appends never reallocate (reserved below).
  t.services.reserve(t.services.size() +
                     static_cast<size_t>(std::count_if(ops.begin(), ops.end(), [](const IpvsOp& o) {
                       return o.kind == OpKind::AddService;
                     })));
  std::unordered_map<Service*, Touched> touched;
  auto destAt = [&](Service* s) -> Touched& {
    auto it = touched.find(s);
    if (it == touched.end()) {
      it = touched.emplace(s, Touched{DestIndex(s->dests), {}}).first;
      it->second.dead.assign(s->dests.size(), false);
    }
    return it->second;
  };
  for (const IpvsOp& op : ops) {
    Service* s = op.isServiceOp() ? svc(op.svc.key) : nullptr;
    switch (op.kind) {
      case OpKind::AddService:
        if (s == nullptr) {
          at[op.svc.key] = t.services.size();
          t.services.push_back(op.svc);
          t.services.back().dests.clear();
          gone.push_back(false);
        }
        break;
      case OpKind::EditService:
        if (s != nullptr) {
          auto dests = std::move(s->dests);
          *s = op.svc;
          s->dests = std::move(dests);
        }
        break;
      case OpKind::DelService:
        if (s != nullptr) {
          gone[at[op.svc.key]] = true;
          touched.erase(s);
          s->dests.clear();
        }
        break;
      case OpKind::AddDest:
        if (s != nullptr) {
          Touched& ix = destAt(s);
          if (ix.at.find(op.dest.addr, op.dest.port) == DestIndex::npos) {
            s->dests.push_back(op.dest);
            ix.dead.push_back(false);
            ix.at.set(op.dest.addr, op.dest.port, s->dests.size() - 1);
          }
        }
        break;
      case OpKind::EditDest:
        if (s != nullptr) {
          Touched& ix = destAt(s);
          if (const size_t i = ix.at.find(op.dest.addr, op.dest.port); i != DestIndex::npos) {
            s->dests[i] = op.dest;
          }
        }
        break;
      case OpKind::DelDest:
        if (s != nullptr) {
          Touched& ix = destAt(s);
          if (const size_t i = ix.at.find(op.dest.addr, op.dest.port); i != DestIndex::npos) {
            if (ix.at.hashed()) {
              ix.dead[i] = true;
              ix.at.set(op.dest.addr, op.dest.port, DestIndex::npos);
            } else {  // a linear index reads the vector: erase at once
              s->dests.erase(s->dests.begin() + static_cast<std::ptrdiff_t>(i));
              ix.dead.erase(ix.dead.begin() + static_cast<std::ptrdiff_t>(i));
            }
          }
        }
        break;
      case OpKind::SetTimeouts:
        t.timeouts = op.timeouts;
        break;
      case OpKind::StartDaemon:
        t.daemons.push_back(op.daemon);
        break;
      case OpKind::StopDaemon:
        std::erase_if(t.daemons, [&](const SyncDaemon& d) { return d.state == op.daemon.state; });
        break;
      case OpKind::Flush:
        std::fill(gone.begin(), gone.end(), true);
        break;
    }
  }
  for (auto& [s, tomb] : touched) {
    size_t keepDest = 0;
    for (size_t i = 0; i < s->dests.size(); ++i) {
      if (!tomb.dead[i]) {
        if (keepDest != i) {
          s->dests[keepDest] = std::move(s->dests[i]);
        }
        ++keepDest;
      }
    }
    s->dests.resize(keepDest);
  }
  size_t keep = 0;
  for (size_t i = 0; i < t.services.size(); ++i) {
    if (!gone[i]) {
      if (keep != i) {
        t.services[keep] = std::move(t.services[i]);
      }
      ++keep;
    }
  }
  t.services.resize(keep);
}

}  // namespace lvsd::ipvs
