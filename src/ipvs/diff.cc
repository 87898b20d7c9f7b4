#include "ipvs/diff.h"

#include <algorithm>

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

bool Scope::owns(const ServiceKey& k) const {
  return all || std::find(owned.begin(), owned.end(), k) != owned.end();
}

namespace {

void diffDests(const Service& have, const Service& want, std::vector<IpvsOp>& ops) {
  for (const auto& d : want.dests) {
    if (have.findDest(d.addr, d.port) == nullptr) {
      ops.push_back(IpvsOp::addDest(want.key, d));
    }
  }
  for (const auto& d : want.dests) {
    const Destination* h = have.findDest(d.addr, d.port);
    if (h != nullptr && !h->sameSettings(d)) {
      ops.push_back(IpvsOp::editDest(want.key, d));
    }
  }
  for (const auto& h : have.dests) {
    if (want.findDest(h.addr, h.port) == nullptr) {
      ops.push_back(IpvsOp::delDest(want.key, h));
    }
  }
}

}  // namespace

std::vector<IpvsOp> diff(const Table& kernel, const Table& desired, const Scope& scope) {
  std::vector<IpvsOp> ops;
  for (const auto& want : desired.services) {
    if (kernel.find(want.key) == nullptr) {
      ops.push_back(IpvsOp::addService(want));
      for (const auto& d : want.dests) {
        ops.push_back(IpvsOp::addDest(want.key, d));
      }
    }
  }
  for (const auto& want : desired.services) {
    const Service* have = kernel.find(want.key);
    if (have == nullptr) {
      continue;
    }
    if (!have->sameSettings(want)) {
      ops.push_back(IpvsOp::editService(want));
    }
    diffDests(*have, want, ops);
  }
  for (const auto& have : kernel.services) {
    if (desired.find(have.key) == nullptr && scope.owns(have.key)) {
      ops.push_back(IpvsOp::delService(have.key));
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
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    const IpvsOp& op = *it;
    const Service* old = before.find(op.svc.key);
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
          if (const Destination* d = old->findDest(op.dest.addr, op.dest.port)) {
            undo.push_back(op.kind == OpKind::EditDest ? IpvsOp::editDest(old->key, *d)
                                                       : IpvsOp::addDest(old->key, *d));
          }
        }
        break;
      default:
        break;  // timeouts/daemons are not rolled back per service
    }
  }
  return undo;
}

void applyTo(Table& t, const IpvsOp& op) {
  auto svc = std::find_if(t.services.begin(), t.services.end(),
                          [&](const Service& s) { return s.key == op.svc.key; });
  auto dest = [&]() {
    return std::find_if(svc->dests.begin(), svc->dests.end(),
                        [&](const Destination& d) { return d.sameEndpoint(op.dest); });
  };
  switch (op.kind) {
    case OpKind::AddService:
      if (svc == t.services.end()) {
        t.services.push_back(op.svc);
        t.services.back().dests.clear();
      }
      break;
    case OpKind::EditService:
      if (svc != t.services.end()) {
        auto dests = std::move(svc->dests);
        *svc = op.svc;
        svc->dests = std::move(dests);
      }
      break;
    case OpKind::DelService:
      if (svc != t.services.end()) {
        t.services.erase(svc);
      }
      break;
    case OpKind::AddDest:
      if (svc != t.services.end() && dest() == svc->dests.end()) {
        svc->dests.push_back(op.dest);
      }
      break;
    case OpKind::EditDest:
      if (svc != t.services.end()) {
        if (auto d = dest(); d != svc->dests.end()) {
          *d = op.dest;
        }
      }
      break;
    case OpKind::DelDest:
      if (svc != t.services.end()) {
        if (auto d = dest(); d != svc->dests.end()) {
          svc->dests.erase(d);
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
      t.services.clear();
      break;
  }
}

}  // namespace lvsd::ipvs
